"""One module per document type; each declares its anchors and fields (OWNED BY: extractors helper).

Contract:

    extractors.registry.SPECS: dict[str, DocumentSpec]   # filled by @register in each module
    extractors.extract_document(file: str, pages: list[OcrPage], classification: Classification) -> Document
"""

from __future__ import annotations

import importlib

from extractors.registry import SPECS, DocumentSpec
from pipeline.models import Classification, Document, OcrPage

TYPE_MODULES = (
    "injury_decision",
    "medical_invoice",
    "expense_list",
    "medical_record",
    "id_card",
    "social_security_card",
    "death_certificate",
    "cremation_certificate",
    "labour_contract",
    "contract_termination",
    "vat_invoice",
    "transport_ticket",
    "appraisal_conclusion",
    "bank_card",
    "household_register",
    "marriage_certificate",
    "commitment_letter",
    "power_of_attorney",
    "other_types",
    "unknown",
)

COPY_COLOURFULNESS = 0.5
"""Below this colourfulness (Hasler–Süsstrunk) a scanned page with no red seal reads as a
grey photocopy: a copier (or a grey-mode scan) leaves no chroma at all, while a black-and-
white original photographed or scanned in colour keeps some (ink tint, paper, JPEG chroma:
measured 0.6–3.4 on rendered originals, 0.0 on rendered copies)."""


def load_specs() -> dict[str, DocumentSpec]:
    """Import every type module once (each registers itself)."""
    for name in TYPE_MODULES:
        importlib.import_module(f"extractors.{name}")
    return SPECS


def is_copy(pages: list[OcrPage]) -> bool | None:
    """A grey photocopy: scanned pages without colour and without a red seal."""
    scanned = [p for p in pages if p.source == "ocr" and p.quality is not None]
    if not scanned:
        return False if pages else None
    return all(p.quality.colourfulness < COPY_COLOURFULNESS and not p.red_seal for p in scanned)


def extract_document(file: str, pages: list[OcrPage], classification: Classification) -> Document:
    """Fields of one document by its type's spec, with provenance; visual cues carried along."""
    from extractors.engine import extract_fields

    specs = load_specs()
    spec = specs.get(classification.type) or specs["unknown"]
    ctx = extract_fields(spec, pages)
    seals = [p.red_seal for p in pages if p.red_seal is not None]
    return Document(
        file=file,
        pages=tuple(p.page for p in pages),
        type=classification.type,
        type_confidence=classification.score,
        fields=dict(ctx.fields),
        classification=classification,
        red_seal=any(seals) if seals else None,
        is_copy=is_copy(pages),
        items=tuple(ctx.items),
        qr_payloads=tuple(q for p in pages for q in p.qr_payloads),
    )
