"""Rendered documents (samples.generator) read with real OCR: type and every field equal the
generator's ground truth.

Each document is rendered and read once per session (``read_rendered`` is memoised and the
OCR page cache keys on pixels), so other test modules reuse the same readings.
"""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extractors import extract_document, load_specs
from pipeline.classify import split_and_classify
from pipeline.models import Document, OcrPage

generator = pytest.importorskip("samples.generator", reason="samples.generator not available yet")

_TMP = Path(tempfile.mkdtemp(prefix="extract-rendered-"))


@cache
def _read(
    doc_type: str, seed: int, fields_json: str, degrade: str | None, fmt: str
) -> tuple[Any, tuple[OcrPage, ...], Path]:
    from pipeline.ingest import load_file
    from pipeline.ocr import get_engine, read_file

    fields = json.loads(fields_json)
    person = generator.make_person(seed)
    rd = generator.render_document(
        doc_type, person, seed=seed, fields=fields or None, degrade=degrade
    )
    tag = abs(hash(fields_json)) % 10**8
    path = (
        _TMP
        / f"{doc_type}_{seed}_{degrade or 'clean'}_{tag}.{'pdf' if fmt.startswith('pdf') else fmt}"
    )
    rd.save(path, fmt)
    pages = read_file(load_file(path), get_engine())
    return rd, tuple(pages), path


def read_rendered(
    doc_type: str,
    seed: int,
    *,
    fields: dict | None = None,
    degrade: str | None = None,
    fmt: str = "jpg",
) -> tuple[Any, list[OcrPage], Path]:
    """(RenderedDocument, OCR pages, file path), once per session per argument set."""
    rd, pages, path = _read(
        doc_type, seed, json.dumps(fields or {}, sort_keys=True, ensure_ascii=False), degrade, fmt
    )
    return rd, list(pages), path


def documents_of(pages: list[OcrPage], file: str) -> list[Document]:
    return [extract_document(file, group, cls) for group, cls in split_and_classify(pages)]


def field_errors(doc: Document, truth: dict) -> list[str]:
    errors = []
    for name, want in truth["fields"].items():
        got = doc.value(name)
        if got != want["value"]:
            errors.append(
                f"{name}: want {want['value']!r}, got {got!r} from {doc.fields[name].text if name in doc.fields else '-'!r}"
            )
    return errors


CASES = [
    ("injury_decision", 1, None, None),
    ("injury_decision", 2, {"is_work_injury": False}, "scan"),
    ("medical_invoice", 4, None, None),
    ("medical_invoice", 2, {"visit_type": "住院", "electronic": False}, "scan"),
    ("expense_list", 3, {"visit_type": "住院"}, "photo"),
    ("medical_record", 4, None, None),
    ("id_card", 5, None, None),
    ("id_card", 6, None, "rot90"),
    ("social_security_card", 7, None, "scan"),
]


def _case_id(case: tuple) -> str:
    doc_type, seed, fields, degrade = case
    extra = "-".join(f"{k}={v}" for k, v in (fields or {}).items())
    return "-".join(x for x in (doc_type, f"s{seed}", degrade or "clean", extra) if x)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rendered_document_type_and_fields(case: tuple, ocr_engine) -> None:
    doc_type, seed, fields, degrade = case
    rd, pages, path = read_rendered(doc_type, seed, fields=fields, degrade=degrade)
    docs = documents_of(pages, path.name)
    assert [d.type for d in docs] == [doc_type]
    doc = docs[0]
    assert not field_errors(doc, rd.truth), field_errors(doc, rd.truth)
    for name, value in doc.fields.items():
        assert 0 < value.confidence <= 1 and value.page == 1 and value.bbox and value.text, name
    assert doc.classification is not None and doc.classification.anchors


def test_every_registered_field_is_in_the_registry(catalogue) -> None:
    """Extractors produce exactly the field names rules/doctypes.yaml declares (key fields)."""
    import yaml

    from pipeline.config import PROJECT_ROOT

    declared = yaml.safe_load(
        (PROJECT_ROOT / "rules" / "doctypes.yaml").read_text(encoding="utf-8")
    )["types"]
    for type_, spec in load_specs().items():
        assert type_ in declared, type_
        for f in spec.fields:
            if f.key:
                assert f.name in declared[type_]["fields"], (type_, f.name)


def test_invoice_items_are_table_rows(ocr_engine) -> None:
    rd, pages, path = read_rendered("medical_invoice", 1)
    (doc,) = documents_of(pages, path.name)
    assert len(doc.items) >= 2
    total = sum(float(i["amount"]) for i in doc.items)
    assert f"{total:.2f}" == rd.truth["fields"]["total_amount"]["value"]
    assert all(i["bbox"] and i["text"] for i in doc.items)
    assert doc.value("total_amount_words") == doc.value("total_amount")
    assert doc.red_seal and not doc.is_copy


def test_multi_document_pdf_is_split(ocr_engine) -> None:
    from pipeline.ingest import load_file
    from pipeline.ocr import read_file
    from samples.generator.output import image_pdf

    decision, _, _ = read_rendered("injury_decision", 1)
    invoice, _, _ = read_rendered("medical_invoice", 1)
    path = _TMP / "decision_and_invoice.pdf"
    path.write_bytes(image_pdf([decision.image, invoice.image], decision.dpi))
    pages = read_file(load_file(path), ocr_engine)
    docs = documents_of(pages, path.name)
    assert [(d.type, d.pages) for d in docs] == [
        ("injury_decision", (1,)),
        ("medical_invoice", (2,)),
    ]
    assert not field_errors(docs[0], decision.truth)
    assert not field_errors(docs[1], invoice.truth)


def test_grey_copy_is_flagged(ocr_engine) -> None:
    _, pages, path = read_rendered("medical_invoice", 1, degrade="copy")
    (doc,) = documents_of(pages, path.name)
    assert doc.type == "medical_invoice" and doc.is_copy is True


SWEEP_DEGRADES = (None, "scan", "photo", "copy", "rot180")


@pytest.mark.slow
@pytest.mark.parametrize("degrade", SWEEP_DEGRADES, ids=[d or "clean" for d in SWEEP_DEGRADES])
def test_sweep_field_accuracy(degrade: str | None, ocr_engine) -> None:
    """Every type the generator renders × 2 seeds: classification ≥ 99 %, fields ≥ 97 %."""
    types = [t for t in generator.doc_types() if t in load_specs()]
    n_docs = n_type_ok = n_fields = n_field_ok = 0
    failures = []
    for doc_type in types:
        for seed in range(20, 22):
            rd, pages, path = read_rendered(doc_type, seed, degrade=degrade)
            docs = documents_of(pages, path.name)
            n_docs += 1
            if [d.type for d in docs] == [doc_type]:
                n_type_ok += 1
            doc = next((d for d in docs if d.type == doc_type), docs[0])
            errors = field_errors(doc, rd.truth)
            n_fields += len(rd.truth["fields"])
            n_field_ok += len(rd.truth["fields"]) - len(errors)
            failures += [f"{doc_type} s{seed}: {e}" for e in errors]
    assert n_type_ok / n_docs >= 0.99, (n_type_ok, n_docs)
    assert n_field_ok / n_fields >= 0.97, failures
