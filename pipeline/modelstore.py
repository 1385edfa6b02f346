"""Offline OCR models: PaddleOCR model dirs built from the ONNX files shipped in `rapidocr`.

PaddleOCR would download its models on first use; this machine (and the
deployments) have no internet. The `rapidocr==3.10.0` wheel carries the same
PP-OCRv6 small det/rec networks as ONNX files, so we turn them into the model
dirs PaddleX expects (`inference.onnx` + `inference.yml`) under
`settings.models_path`. The source files are pinned by sha256 so a different
wheel can never silently change what the engine reads.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from pipeline.config import Settings, get_settings
from pipeline.errors import ModelsMissing

RAPIDOCR_VERSION = "3.10.0"
DET_NAME = "PP-OCRv6_small_det"
REC_NAME = "PP-OCRv6_small_rec"
CLS_NAME = "ch_ppocr_mobile_v2.0_cls"

# sha256 of the files inside rapidocr 3.10.0 (rapidocr/models/).
SOURCE_FILES: dict[str, tuple[str, str]] = {
    DET_NAME: (
        "PP-OCRv6_det_small.onnx",
        "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    ),
    REC_NAME: (
        "PP-OCRv6_rec_small.onnx",
        "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    ),
    CLS_NAME: (
        "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
        "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
    ),
}
REC_CHARACTER_COUNT = 18708

FIX_HINT = (
    f"请运行 `./run intake models` 重新生成模型；若仍失败，请先执行 "
    f"`pip install --no-deps rapidocr=={RAPIDOCR_VERSION}`"
)

_lock = threading.Lock()


class ModelSet(BaseModel):
    """Where the verified models are, and their hashes (recorded in every verdict)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    root: Path
    det_dir: Path
    rec_dir: Path
    cls_path: Path
    hashes: dict[str, str]  # model name -> sha256 of its ONNX file
    created: bool = False  # the dirs were (re)built by this call

    def summary(self) -> str:
        action = "已生成" if self.created else "已就绪（校验通过）"
        lines = [
            f"OCR 模型{action} / OCR models {'built' if self.created else 'verified'}: {self.root}"
        ]
        for name, digest in self.hashes.items():
            lines.append(f"  {name}  sha256={digest}")
        return "\n".join(lines)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rapidocr_models_dir() -> Path:
    """The `models` folder of the installed rapidocr wheel (not imported: it pulls in cv2 stubs)."""
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise ModelsMissing(f"未安装 rapidocr 包（仅用于提供模型文件）。{FIX_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def source_file(name: str) -> Path:
    """A pinned source ONNX file, verified; raises ModelsMissing naming the fix."""
    filename, expected = SOURCE_FILES[name]
    path = rapidocr_models_dir() / filename
    if not path.is_file():
        raise ModelsMissing(f"找不到模型文件 {path}。{FIX_HINT}")
    actual = sha256_file(path)
    if actual != expected:
        raise ModelsMissing(
            f"模型文件 {path} 的 sha256 为 {actual}，应为 {expected}（rapidocr {RAPIDOCR_VERSION}）。{FIX_HINT}"
        )
    return path


def rec_characters(onnx_path: Path, session: Any = None) -> list[str]:
    """The recognition model's character list, from its ONNX metadata (`character`);
    pass an open session of that model to avoid loading it again."""
    if session is None:
        import onnxruntime as ort

        session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    raw = session.get_modelmeta().custom_metadata_map.get("character")
    if not raw:
        raise ModelsMissing(
            f"识别模型 {onnx_path} 中没有字符表（metadata 'character'）。{FIX_HINT}"
        )
    chars = raw.splitlines()
    if len(chars) != REC_CHARACTER_COUNT:
        raise ModelsMissing(
            f"识别模型字符表有 {len(chars)} 项，应为 {REC_CHARACTER_COUNT}。{FIX_HINT}"
        )
    return chars


def det_config() -> dict[str, Any]:
    return {
        "Global": {"model_name": DET_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetLabelEncode": None},
                {"DetResizeForTest": {"resize_long": 960}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "scale": 1.0 / 255.0,
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.6,
            "max_candidates": 1000,
            "unclip_ratio": 1.5,
        },
    }


def rec_config(characters: list[str]) -> dict[str, Any]:
    return {
        "Global": {"model_name": REC_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {
                    "KeepKeys": {
                        "keep_keys": ["image", "label_ctc", "label_gtc", "length", "valid_ratio"]
                    }
                },
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def _yaml_text(config: dict[str, Any]) -> str:
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)


def _expected_files(det_src: Path, rec_src: Path) -> dict[str, dict[str, str | Path]]:
    """Per model dir: the ONNX source and the exact inference.yml text it must hold."""
    return {
        DET_NAME: {"onnx": det_src, "yml": _yaml_text(det_config())},
        REC_NAME: {"onnx": rec_src, "yml": _yaml_text(rec_config(rec_characters(rec_src)))},
    }


def _dir_is_valid(model_dir: Path, expected_sha: str, yml_text: str) -> bool:
    onnx, yml = model_dir / "inference.onnx", model_dir / "inference.yml"
    if not (onnx.is_file() and yml.is_file()):
        return False
    return sha256_file(onnx) == expected_sha and yml.read_text(encoding="utf-8") == yml_text


def _write_dir(target: Path, onnx_src: Path, yml_text: str) -> None:
    """Build in a temp dir beside the target, then swap, so a crash never leaves half a model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        shutil.copyfile(onnx_src, tmp / "inference.onnx")
        (tmp / "inference.yml").write_text(yml_text, encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def ensure_models(settings: Settings | None = None, force: bool = False) -> ModelSet:
    """Verify (and build when absent/stale or `force`) the PaddleOCR model dirs; offline only."""
    settings = settings or get_settings()
    root = settings.models_path
    with _lock:
        det_src, rec_src, cls_src = (source_file(n) for n in (DET_NAME, REC_NAME, CLS_NAME))
        hashes = {name: SOURCE_FILES[name][1] for name in (DET_NAME, REC_NAME, CLS_NAME)}
        created = False
        dirs: dict[str, Path] = {}
        yml_cache: dict[str, dict[str, str | Path]] | None = None
        for name in (DET_NAME, REC_NAME):
            model_dir = root / name
            dirs[name] = model_dir
            # Fast path: hash the ONNX and compare the yml only when built before.
            if not force and _quick_valid(model_dir, name):
                continue
            yml_cache = yml_cache or _expected_files(det_src, rec_src)
            spec = yml_cache[name]
            if not force and _dir_is_valid(model_dir, SOURCE_FILES[name][1], str(spec["yml"])):
                _write_stamp(model_dir, name)
                continue
            try:
                _write_dir(model_dir, Path(spec["onnx"]), str(spec["yml"]))
            except OSError as exc:
                raise ModelsMissing(f"无法写入模型目录 {model_dir}：{exc}。{FIX_HINT}") from exc
            if not _dir_is_valid(model_dir, SOURCE_FILES[name][1], str(spec["yml"])):
                raise ModelsMissing(f"生成的模型目录 {model_dir} 校验失败。{FIX_HINT}")
            _write_stamp(model_dir, name)
            created = True
        return ModelSet(
            root=root,
            det_dir=dirs[DET_NAME],
            rec_dir=dirs[REC_NAME],
            cls_path=cls_src,
            hashes=hashes,
            created=created,
        )


STAMP = "intake-model.sha256"
FORMAT_VERSION = "1"  # bump when det_config/rec_config change


def _stamp_text(model_dir: Path, name: str) -> str:
    yml = model_dir / "inference.yml"
    yml_sha = hashlib.sha256(yml.read_bytes()).hexdigest()
    return f"format {FORMAT_VERSION}\n{SOURCE_FILES[name][1]}  inference.onnx\n{yml_sha}  inference.yml\n"


def _write_stamp(model_dir: Path, name: str) -> None:
    """Records the verified yml hash so later runs need not re-read the ONNX metadata."""
    (model_dir / STAMP).write_text(_stamp_text(model_dir, name), encoding="utf-8")


def _quick_valid(model_dir: Path, name: str) -> bool:
    stamp = model_dir / STAMP
    onnx = model_dir / "inference.onnx"
    if not (stamp.is_file() and onnx.is_file() and (model_dir / "inference.yml").is_file()):
        return False
    if stamp.read_text(encoding="utf-8") != _stamp_text(model_dir, name):
        return False
    return sha256_file(onnx) == SOURCE_FILES[name][1]


def install_models_command(force: bool = False, settings: Settings | None = None) -> str:
    """For `intake models`: build/verify and return a Chinese/English summary."""
    return ensure_models(settings, force=force).summary()
