"""`intake bench`: the same pages through bare PaddleOCR, Tesseract 5 chi_sim and the full pipeline.

Measured per engine: seconds per page, character accuracy against the
rendered ground truth (bag-of-characters F1, order-free, whitespace ignored),
field recall (share of ground-truth field texts found verbatim), and peak
memory (RSS of this process, or of the tesseract child). Plus born-digital PDF
pages per second (text layer, no OCR) and a repeat upload served from the OCR
cache. Accuracy functions are plain and tested on their own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

TESSERACT = "tesseract"


@dataclass(frozen=True)
class BenchPage:
    file: Path
    doc_type: str
    degrade: str | None
    truth_text: str
    field_texts: tuple[str, ...]


# ----------------------------------------------------------------- accuracy
def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def char_f1(truth: str, predicted: str) -> float:
    """Order-free character accuracy: F1 of the character multisets (whitespace ignored)."""
    t, p = _chars(truth), _chars(predicted)
    if not t and not p:
        return 1.0
    common = sum((t & p).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def field_recall(field_texts: Sequence[str], predicted: str) -> float:
    """Share of ground-truth field texts that appear verbatim (whitespace ignored) in the OCR text."""
    if not field_texts:
        return 1.0
    flat = "".join(predicted.split())
    return sum(1 for f in field_texts if "".join(f.split()) in flat) / len(field_texts)


# ------------------------------------------------------------------ memory
class PeakRss:
    """Samples the RSS of a process (default: this one) in a thread; `.peak` in bytes."""

    def __init__(self, pid: int | None = None, interval: float = 0.02) -> None:
        import psutil

        self._proc = psutil.Process(pid)
        self._interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            rss = self._proc.memory_info().rss
            for child in self._proc.children(recursive=True):
                rss += child.memory_info().rss
        except Exception:  # noqa: BLE001 - the process may just have exited
            return
        self.peak = max(self.peak, rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self._interval)

    def __enter__(self) -> PeakRss:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


@contextmanager
def timed() -> Iterator[list[float]]:
    box = [0.0]
    start = time.perf_counter()
    yield box
    box[0] = time.perf_counter() - start


# ------------------------------------------------------------------- pages
def select_pages(directory: Path, count: int) -> list[BenchPage]:
    """Single-page image documents of the labelled set, round-robin over document types."""
    by_type: dict[str, list[BenchPage]] = {}
    for truth_path in sorted(directory.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        bundle = directory / truth["name"]
        for doc in truth.get("documents", []):
            path = bundle / doc["file"]
            if path.suffix.lower() not in (".jpg", ".jpeg", ".png") or not path.is_file():
                continue
            fields = tuple(
                str(f.get("text") or "") for f in doc.get("fields", {}).values() if f.get("text")
            )
            by_type.setdefault(doc["type"], []).append(
                BenchPage(path, doc["type"], doc.get("degrade"), doc.get("text", ""), fields)
            )
    out: list[BenchPage] = []
    queues = [list(v) for _, v in sorted(by_type.items())]
    while len(out) < count and any(queues):
        for q in queues:
            if q and len(out) < count:
                out.append(q.pop(0))
    return out


def born_digital_files(directory: Path, limit: int = 20) -> list[Path]:
    files = []
    for truth_path in sorted(directory.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        for doc in truth.get("documents", []):
            if doc.get("format") == "pdf_text":
                files.append(directory / truth["name"] / doc["file"])
    return sorted(set(files))[:limit]


def _bgr(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("RGB"))[:, :, ::-1])


# ------------------------------------------------------------------ engines
def run_engine(
    name: str, pages: Sequence[BenchPage], read: Callable[[BenchPage], str]
) -> dict[str, Any]:
    texts = []
    with PeakRss() as mem, timed() as t:
        for page in pages:
            texts.append(read(page))
    return _scores(name, pages, texts, t[0], mem.peak)


def _scores(
    name: str, pages: Sequence[BenchPage], texts: Sequence[str], seconds: float, peak: int
) -> dict[str, Any]:
    f1 = [char_f1(p.truth_text, t) for p, t in zip(pages, texts, strict=True)]
    fr = [field_recall(p.field_texts, t) for p, t in zip(pages, texts, strict=True)]
    return {
        "engine": name,
        "pages": len(pages),
        "seconds": round(seconds, 3),
        "seconds_per_page": round(seconds / len(pages), 3) if pages else None,
        "char_accuracy": round(float(np.mean(f1)), 4) if f1 else None,
        "field_recall": round(float(np.mean(fr)), 4) if fr else None,
        "peak_rss_mb": round(peak / 2**20, 1),
        "per_page": [
            {
                "file": str(p.file),
                "type": p.doc_type,
                "degrade": p.degrade,
                "char_accuracy": round(a, 4),
                "field_recall": round(b, 4),
            }
            for p, a, b in zip(pages, f1, fr, strict=True)
        ],
    }


def tesseract_text(path: Path) -> tuple[str, int]:
    """Tesseract 5 chi_sim on an image file: (text, peak RSS of the tesseract process)."""
    proc = subprocess.Popen(
        [TESSERACT, str(path), "stdout", "-l", "chi_sim", "--psm", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    with PeakRss(proc.pid, interval=0.01) as mem:
        out, _ = proc.communicate(timeout=300)
    return out.decode("utf-8", "replace"), mem.peak


def run_bench(
    directory: Path, pages: int = 12, tesseract: bool = True, log: Any = None
) -> dict[str, Any]:
    """All measurements; returns a JSON-ready dict."""
    from pipeline.ingest import load_file
    from pipeline.ocr import engine_info, get_engine
    from pipeline.verify import read_files, split_documents
    from samples.cli import use_fresh_ocr_cache

    def say(msg: str) -> None:
        if log is not None:
            log.print(msg, highlight=False)

    selected = select_pages(directory, pages)
    if not selected:
        raise ValueError(f"{directory} 中没有可用于对比的图像页面")
    cache_dir = use_fresh_ocr_cache()
    with PeakRss() as load_mem, timed() as load_t:
        engine = get_engine()
        engine.recognize(_bgr(selected[0].file))  # warm-up: first call pays lazy initialisation
    say(f"引擎加载与预热 {load_t[0]:.1f}s")
    results: list[dict[str, Any]] = []

    say("裸 PaddleOCR …")
    results.append(
        run_engine(
            "PaddleOCR（裸）",
            selected,
            lambda p: "\n".join(ln.text for ln in engine.recognize(_bgr(p.file))),
        )
    )

    say("完整流程（预处理、方向/倾斜校正、OCR、分类、抽取）…")

    def pipeline_text(p: BenchPage) -> str:
        read = read_files([p.file], engine)
        split_documents(read.pages_by_file)
        return "\n".join(
            ln.text for pg in read.pages_by_file.get(p.file.name, []) for ln in pg.lines
        )

    results.append(run_engine("完整流程", selected, pipeline_text))

    if tesseract and shutil.which(TESSERACT):
        say("Tesseract 5 chi_sim …")
        texts, peak = [], 0
        with timed() as t:
            for p in selected:
                text, rss = tesseract_text(p.file)
                texts.append(text)
                peak = max(peak, rss)
        results.append(_scores("Tesseract 5", selected, texts, t[0], peak))
    elif tesseract:
        say("未找到 tesseract，跳过")

    base = results[0]
    for r in results:
        r["time_ratio_vs_paddle"] = (
            round(r["seconds"] / base["seconds"], 2) if base["seconds"] else None
        )
        r["char_accuracy_ratio_vs_paddle"] = (
            round(r["char_accuracy"] / base["char_accuracy"], 3) if base["char_accuracy"] else None
        )

    say("重复上传（OCR 缓存命中）…")
    with timed() as warm_t:
        for p in selected:
            read_files([p.file], engine)
    pipe = results[1]
    cache = {
        "pages": len(selected),
        "seconds_per_page": round(warm_t[0] / len(selected), 4),
        "speedup_vs_first_upload": round(pipe["seconds"] / warm_t[0], 1) if warm_t[0] else None,
    }

    pdfs = born_digital_files(directory)
    born: dict[str, Any] = {"files": len(pdfs)}
    if pdfs:
        n = 0
        with timed() as pdf_t:
            for f in pdfs:
                n += len(load_file(f).pages)
                read_files([f], engine)
        born.update(
            {
                "pages": n,
                "seconds": round(pdf_t[0], 3),
                "pages_per_second": round(n / pdf_t[0], 2) if pdf_t[0] else None,
            }
        )
    shutil.rmtree(cache_dir, ignore_errors=True)
    info = engine_info(engine)
    return {
        "directory": str(directory),
        "pages": [
            {"file": str(p.file), "type": p.doc_type, "degrade": p.degrade} for p in selected
        ],
        "engine_load_seconds": round(load_t[0], 2),
        "engine_load_peak_rss_mb": round(load_mem.peak / 2**20, 1),
        "engines": results,
        "ocr_cache_repeat": cache,
        "born_digital_pdf": born,
        "ocr_engine": {"name": info.ocr, "version": info.version},
        "notes": "char_accuracy = 字符多重集 F1（与顺序无关，忽略空白）；field_recall = 真值字段文本逐字出现的比例。",
    }


def print_bench(result: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    t = Table(title=f"OCR 对比（同一批 {len(result['pages'])} 页）", min_width=86)
    for c in ("引擎", "秒/页", "字符准确率", "字段召回", "峰值MB", "耗时比", "准确率比"):
        t.add_column(c, justify="right" if c != "引擎" else "left", no_wrap=True)
    for r in result["engines"]:
        t.add_row(
            r["engine"],
            f"{r['seconds_per_page']:.2f}",
            f"{r['char_accuracy'] * 100:.1f}%",
            f"{r['field_recall'] * 100:.1f}%",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['time_ratio_vs_paddle']}",
            f"{r['char_accuracy_ratio_vs_paddle']}",
        )
    console.print(t)
    c, b = result["ocr_cache_repeat"], result["born_digital_pdf"]
    console.print(
        f"重复上传（缓存命中）：{c['seconds_per_page']} 秒/页，比首次快 {c['speedup_vs_first_upload']} 倍"
    )
    if b.get("pages"):
        console.print(
            f"电子（带文字层）PDF：{b['pages']} 页，{b['pages_per_second']} 页/秒（无需 OCR）"
        )
    console.print(
        "耗时比、准确率比均相对裸 PaddleOCR（同一模型）；PaddleOCR/完整流程的峰值内存为本进程 RSS（含模型）。"
    )
    console.print(f"引擎加载：{result['engine_load_seconds']} 秒；{result['notes']}")
