"""Synthetic Liaoning social-insurance documents with ground truth.

    from samples.generator import make_person, render_document
    person = make_person(7)
    rd = render_document("medical_invoice", person, seed=3, fields={"visit_type": "住院"}, degrade="scan")
    rd.save(Path("invoice.pdf"), "pdf")
    rd.truth  # {"type": ..., "fields": {name: {"value", "bbox", "text", "page"}}, "lines": [...]}

Deterministic for (doc_type, person, seed, fields, degrade): no global random, no clock.
"""

from __future__ import annotations

import random
from typing import Any

from samples.generator import docs as _docs  # noqa: F401  (registers the renderers)
from samples.generator.base import DPI, RENDERERS, Ctx, DocSpec
from samples.generator.degrade import DEGRADATIONS, degrade, map_box
from samples.generator.output import RenderedDocument
from samples.generator.person import Person, corrupt_id_checksum, make_person

__all__ = [
    "DEGRADATIONS",
    "RENDERERS",
    "DocSpec",
    "Person",
    "RenderedDocument",
    "corrupt_id_checksum",
    "doc_types",
    "make_person",
    "render_document",
]


def doc_types() -> list[str]:
    """Document types the generator can render."""
    return sorted(RENDERERS)


def render_document(
    doc_type: str,
    person: Person,
    *,
    seed: int = 0,
    fields: dict[str, Any] | None = None,
    degrade: str | None = None,
) -> RenderedDocument:
    """Render one document of `doc_type` for `person`; `fields` override values (contract formats)."""
    spec = RENDERERS.get(doc_type)
    if spec is None:
        raise ValueError(f"no renderer for document type {doc_type!r}; known: {doc_types()}")
    overrides = dict(fields or {})
    sheets = spec.render(Ctx(doc_type, person, seed, overrides))
    pages = [s.img for s in sheets]
    truth_fields: dict[str, dict[str, Any]] = {}
    lines: list[dict[str, Any]] = []
    for pno, sheet in enumerate(sheets, 1):
        for name, f in sheet.fields.items():
            if name in spec.fields and name not in truth_fields:
                truth_fields[name] = {**f, "page": pno}
        lines.extend({"text": it.text, "bbox": it.bbox, "page": pno} for it in sheet.items)
    backgrounds = None
    if degrade is None:
        backgrounds = [
            s.img for s in spec.render(Ctx(doc_type, person, seed, overrides, skip_text=True))
        ]
    else:
        rng = random.Random(f"degrade:{doc_type}:{seed}:{degrade}")
        new_pages = []
        for pno, page in enumerate(pages, 1):
            out, H = _apply(page, degrade, rng)
            for f in truth_fields.values():
                if f["page"] == pno:
                    f["bbox"] = map_box(f["bbox"], H, out.size)
            for line in lines:
                if line["page"] == pno:
                    line["bbox"] = map_box(line["bbox"], H, out.size)
            new_pages.append(out)
        pages = new_pages
    truth = {
        "type": doc_type,
        "fields": truth_fields,
        "degrade": degrade,
        "seed": seed,
        "page_sizes": [list(p.size) for p in pages],
        "lines": lines,
    }
    return RenderedDocument(
        doc_type, pages, truth, texts=[s.items for s in sheets], backgrounds=backgrounds, dpi=DPI
    )


def _apply(page: Any, kind: str, rng: random.Random) -> Any:
    return degrade(page, kind, rng)
