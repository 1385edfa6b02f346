"""Render scenarios into application bundles with sidecars and ground truth.

    python -m samples.build            # rebuild samples/bundles (demo) and samples/eval
    python -m samples.build --demo     # only the demo bundles

Per scenario NAME under OUT: `NAME/application.json` + uploaded files,
`NAME.expected.json` ({"verdict", "finding_codes"}), `NAME.records.json` when the
office's records matter, and `NAME.truth.json` (per document: file, pages,
type, field values and boxes in the pixel space the pipeline reads).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from samples.generator import make_person, render_document
from samples.generator.output import RenderedDocument, image_pdf, pdf_document
from samples.generator.person import Person
from samples.scenarios import Scenario, resolve_refs, substitute_bad_ids

SAMPLES = Path(__file__).resolve().parent
BUNDLES = SAMPLES / "bundles"
EVAL = SAMPLES / "eval"


def persons_of(sc: Scenario) -> dict[str, Person]:
    out = {}
    for role, spec in (sc.persons or {"applicant": {"seed": sc.seed}}).items():
        spec = dict(spec)
        out[role] = make_person(int(spec.pop("seed", sc.seed)), **spec)
    return out


def render_scenario(sc: Scenario) -> list[tuple[Any, RenderedDocument]]:
    """Render every document of a scenario (deterministic for the scenario)."""
    persons = persons_of(sc)
    out = []
    for i, doc in enumerate(sc.docs):
        person = persons[doc.person]
        fields = substitute_bad_ids(resolve_refs(doc.fields, persons), person.id_number)
        seed = doc.seed if doc.seed is not None else sc.seed * 100 + i
        rd = render_document(doc.type, person, seed=seed, fields=fields, degrade=doc.degrade)
        out.append((doc, rd))
    return out


def application_json(sc: Scenario) -> dict[str, Any]:
    persons = persons_of(sc)
    data: dict[str, Any] = {"application_id": f"sample-{sc.name}", "service": sc.service}
    if sc.jurisdiction:
        data["jurisdiction"] = sc.jurisdiction
    if sc.office:
        data["office"] = sc.office
    if sc.applicant:
        p = persons[sc.applicant]
        data["applicant"] = {"name": p.name, "id_number": p.id_number}
        if sc.applicant_override:
            data["applicant"].update(sc.applicant_override)
    data["submitted_at"] = sc.submitted_at.isoformat()
    if sc.facts:
        data["facts"] = dict(sc.facts)
    return data


def records_json(sc: Scenario) -> list[dict[str, Any]]:
    persons = persons_of(sc)
    out = []
    for rec in sc.records:
        p = persons[rec.get("person", "applicant")]
        out.append(
            {
                "kind": rec["kind"],
                "id_number": p.id_number,
                "name": p.name,
                "fields": dict(rec.get("fields", {})),
            }
        )
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def write_bundle(sc: Scenario, out_root: Path) -> dict[str, Any]:
    """Write one scenario as a bundle + sidecars; returns its truth record."""
    bundle = out_root / sc.name
    if bundle.exists():
        shutil.rmtree(bundle)
    bundle.mkdir(parents=True)
    rendered = render_scenario(sc)
    # group documents by file (several documents in one PDF)
    files: dict[str, list[tuple[Any, RenderedDocument]]] = {}
    for doc, rd in rendered:
        files.setdefault(doc.file, []).append((doc, rd))
    documents: list[dict[str, Any]] = []
    file_info: dict[str, Any] = {}
    for fname, group in files.items():
        path = bundle / fname
        fmts = {doc.fmt for doc, _ in group}
        page_no = 0
        if len(group) == 1 and not fname.endswith(".pdf"):
            doc, rd = group[0]
            written = rd.save(path, doc.fmt)
            if len(written) > 1:
                raise ValueError(f"{sc.name}/{fname}: multi-page documents need a .pdf file")
        elif fname.endswith(".pdf"):
            pages: list[tuple[Any, list | None]] = []
            for doc, rd in group:
                if doc.fmt == "pdf_text":
                    pages.extend(zip(rd.backgrounds or [], rd.texts, strict=True))
                else:
                    pages.extend((p, None) for p in rd.pages)
            if fmts == {"pdf"}:
                path.write_bytes(image_pdf([p for p, _ in pages], group[0][1].dpi))
            else:
                path.write_bytes(pdf_document(pages, group[0][1].dpi))
        else:
            raise ValueError(f"{sc.name}/{fname}: several documents share a non-PDF file")
        for doc, rd in group:
            truth = rd.truth_for("pdf" if fname.endswith(".pdf") else doc.fmt)
            n = len(rd.pages)
            fields = {}
            for fname_, f in truth["fields"].items():
                fields[fname_] = {
                    "value": _jsonable(f["value"]),
                    "bbox": f["bbox"],
                    "page": page_no + f["page"],
                    "text": f.get("text"),
                }
            documents.append(
                {
                    "file": fname,
                    "pages": list(range(page_no + 1, page_no + n + 1)),
                    "type": rd.doc_type,
                    "fields": fields,
                    "degrade": doc.degrade,
                    "format": doc.fmt,
                    "text": "\n".join(line["text"] for line in truth["lines"]),
                }
            )
            page_no += n
        file_info[fname] = {"pages": page_no, "bytes": path.stat().st_size}
    (bundle / "application.json").write_text(
        json.dumps(application_json(sc), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    expected = {"verdict": sc.verdict, "finding_codes": list(sc.finding_codes)}
    (out_root / f"{sc.name}.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    records_path = out_root / f"{sc.name}.records.json"
    if sc.records:
        records_path.write_text(
            json.dumps(records_json(sc), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    elif records_path.exists():
        records_path.unlink()
    truth = {
        "name": sc.name,
        "service": sc.service,
        "note": sc.note,
        "tags": list(sc.tags),
        "verdict": sc.verdict,
        "finding_codes": list(sc.finding_codes),
        "facts": _jsonable(sc.facts),
        "submitted_at": sc.submitted_at.isoformat(),
        "files": file_info,
        "documents": documents,
    }
    (out_root / f"{sc.name}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth


def build(
    scenarios: Iterable[Scenario], out_root: Path, clean: bool = False
) -> list[dict[str, Any]]:
    """Write scenarios under out_root (optionally removing bundles not in the set)."""
    out_root.mkdir(parents=True, exist_ok=True)
    scenarios = list(scenarios)
    names = {sc.name for sc in scenarios}
    if len(names) != len(scenarios):
        raise ValueError("scenario names must be unique")
    if clean:
        for p in out_root.iterdir():
            stem = p.name.split(".")[0]
            if stem not in names and (
                p.is_dir() and (p / "application.json").exists() or p.suffix == ".json"
            ):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
    return [write_bundle(sc, out_root) for sc in scenarios]


def main(argv: list[str] | None = None) -> int:
    from samples.scenarios import demo_scenarios

    args = argv if argv is not None else sys.argv[1:]
    build(demo_scenarios(), BUNDLES, clean=True)
    if "--demo" not in args:
        from samples.scenarios import eval_scenarios

        build(eval_scenarios(), EVAL, clean=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
