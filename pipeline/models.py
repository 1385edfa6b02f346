"""One vocabulary of types for the whole pipeline.

Every value that leaves a stage keeps where it came from (file, page, box,
OCR text), so a verdict can always be explained and reproduced. The models
serialise exactly to the `verdict/1` contract (CONTRACTS.md §3); extra keys
are additions, never renames.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[int, int, int, int]
"""Pixel box (x0, y0, x1, y1) on the page image as rendered for OCR."""

FieldScalar = str | int | float | bool | None
FieldData = FieldScalar | list[str]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------- OCR


class CharAlternatives(Frozen):
    """The recogniser's candidates for one uncertain character of a line, best first."""

    index: int  # position in OcrLine.text
    options: tuple[tuple[str, float], ...]  # (character, probability)


class OcrLine(Frozen):
    """One recognised line of text with its geometry and confidence."""

    text: str
    confidence: float
    bbox: BBox
    alternatives: tuple[CharAlternatives, ...] = ()  # only for characters read with doubt


class PageQuality(Frozen):
    """Measured image quality, used to ask for a re-upload instead of guessing."""

    sharpness: float = 0.0  # variance of the Laplacian
    brightness: float = 0.0  # mean grey level 0..255
    contrast: float = 0.0  # std of grey level
    colourfulness: float = 0.0  # 0 for a grey photocopy
    rotation_applied: int = 0  # degrees clockwise applied before OCR (0/90/180/270)
    skew_corrected: float = 0.0  # degrees


PageSource = Literal["ocr", "text_layer", "ofd"]


class OcrPage(Frozen):
    """A page of an uploaded file after reading: its lines and visual cues."""

    file: str
    page: int  # 1-based page number within the file
    width: int
    height: int
    source: PageSource
    content_hash: str  # sha256 of the rendered page pixels or source bytes
    lines: tuple[OcrLine, ...] = ()
    quality: PageQuality | None = None
    red_seal: bool | None = None  # a red official seal was seen (None: not checked)
    seal_boxes: tuple[BBox, ...] = ()
    qr_payloads: tuple[str, ...] = ()
    dpi: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --------------------------------------------------------------- documents


class Evidence(Frozen):
    """Where a statement about a document comes from."""

    file: str
    page: int | None = None
    bbox: BBox | None = None
    text: str = ""
    confidence: float | None = None


class FieldValue(Frozen):
    """An extracted field value, normalised to the contract's format, with its source."""

    value: FieldData
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    text: str = ""  # the OCR text the value was read from

    def evidence(self, file: str) -> Evidence:
        return Evidence(
            file=file, page=self.page, bbox=self.bbox, text=self.text, confidence=self.confidence
        )


class Classification(Frozen):
    """Why a document got its type: score and matched anchors."""

    type: str
    score: float
    anchors: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    runner_up: str | None = None
    runner_up_score: float | None = None


class Document(Frozen):
    """One logical document: a file, or a range of pages of a multi-document file."""

    file: str
    pages: tuple[int, ...]
    type: str
    type_confidence: float
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    classification: Classification | None = None
    red_seal: bool | None = None
    is_copy: bool | None = None  # greyscale photocopy rather than an original
    items: tuple[dict[str, Any], ...] = ()  # table rows (e.g. invoice line items)
    qr_payloads: tuple[str, ...] = ()

    @property
    def doc_id(self) -> str:
        pages = f"{self.pages[0]}" if len(self.pages) == 1 else f"{self.pages[0]}-{self.pages[-1]}"
        return f"{self.file}#p{pages}"

    def value(self, name: str) -> FieldData:
        field = self.fields.get(name)
        return None if field is None else field.value

    def to_contract(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "pages": list(self.pages),
            "type": self.type,
            "type_confidence": round(self.type_confidence, 4),
            "fields": {
                name: {
                    "value": f.value,
                    "confidence": round(f.confidence, 4),
                    "page": f.page,
                    "bbox": list(f.bbox) if f.bbox else None,
                    "text": f.text,
                }
                for name, f in self.fields.items()
            },
            "red_seal": self.red_seal,
            "is_copy": self.is_copy,
            "classification": (
                {
                    "score": round(self.classification.score, 4),
                    "anchors": list(self.classification.anchors),
                    "runner_up": self.classification.runner_up,
                }
                if self.classification
                else None
            ),
        }


# ----------------------------------------------------------------- input


class Applicant(Frozen):
    name: str | None = None
    id_number: str | None = None


class Application(Frozen):
    """The bundle's application.json (CONTRACTS.md §1)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    application_id: str
    service: str
    jurisdiction: str = "辽宁省"
    office: str = "经办机构"
    applicant: Applicant = Field(default_factory=Applicant)
    submitted_at: dt.date
    facts: dict[str, Any] = Field(default_factory=dict)


class Record(Frozen):
    """An internal record of the office (CONTRACTS.md §5)."""

    kind: str
    id_number: str
    name: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


# ---------------------------------------------------------------- output


class FindingCode(StrEnum):
    MISSING_MATERIAL = "missing_material"
    INVALID_FIELD = "invalid_field"
    INCONSISTENT_IDENTITY = "inconsistent_identity"
    CONDITION_NOT_MET = "condition_not_met"
    EXPIRED = "expired"
    ILLEGIBLE = "illegible"
    UNSUPPORTED_FILE = "unsupported_file"
    UNKNOWN_FACT = "unknown_fact"
    DUPLICATE_DOCUMENT = "duplicate_document"
    TAMPER_SUSPECTED = "tamper_suspected"
    # additions
    MATERIAL_WAIVED = "material_waived"
    ASSUMPTION = "assumption"
    CLERK_CHECK = "clerk_check"
    WRONG_SERVICE = "wrong_service"
    OUT_OF_SCOPE = "out_of_scope"
    LOW_CONFIDENCE = "low_confidence"
    COPY_NOT_ORIGINAL = "copy_not_original"
    SEAL_MISSING = "seal_missing"
    UNUSED_DOCUMENT = "unused_document"
    PROCESSING_ERROR = "processing_error"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(Frozen):
    code: FindingCode
    severity: Severity
    message: str  # Chinese, for citizen and clerk
    material: str | None = None
    document: str | None = None  # Document.doc_id
    field: str | None = None
    evidence: tuple[Evidence, ...] = ()
    basis: str | None = None  # legal basis citation
    rule_id: str | None = None  # e.g. "gs_medical_expense.materials.decision"
    params: dict[str, Any] = Field(default_factory=dict)  # machine-readable details
    uncertain: bool = False  # rests on a low-confidence reading

    def to_contract(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "material": self.material,
            "document": self.document,
            "field": self.field,
            "evidence": [
                {
                    "file": e.file,
                    "page": e.page,
                    "bbox": list(e.bbox) if e.bbox else None,
                    "text": e.text,
                }
                for e in self.evidence
            ],
            "basis": self.basis,
            "rule_id": self.rule_id,
            "params": self.params,
            "uncertain": self.uncertain,
        }


class MaterialStatus(StrEnum):
    SATISFIED = "satisfied"
    MISSING = "missing"
    INVALID = "invalid"
    WAIVED = "waived"
    NOT_REQUIRED = "not_required"


class MaterialResult(Frozen):
    material: str  # the material's Chinese name as in the guide
    status: MaterialStatus
    documents: tuple[str, ...] = ()  # file names
    material_id: str | None = None
    rule_id: str | None = None
    note: str | None = None


class Redirect(Frozen):
    office: str
    address: str | None = None
    phone: str | None = None
    reason: str | None = None


class ServiceRef(Frozen):
    code: str
    name: str
    category: str | None = None
    jurisdiction: str = "辽宁省"


class Decision(StrEnum):
    ACCEPT = "accept"
    DEFICIENT = "deficient"
    OUT_OF_SCOPE = "out_of_scope"


class EngineInfo(Frozen):
    ocr: str
    version: str
    models: dict[str, str] = Field(default_factory=dict)  # model name -> sha256


class Verdict(Frozen):
    schema_: Literal["verdict/1"] = Field(default="verdict/1", alias="schema")
    application_id: str
    service: ServiceRef | None
    verdict: Decision
    review_required: bool = False
    documents: tuple[Document, ...] = ()
    materials: tuple[MaterialResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    redirect: Redirect | None = None
    rules_version: str
    engine: EngineInfo
    submitted_at: dt.date | None = None
    assumptions: tuple[str, ...] = ()  # facts taken from defaults, for the clerk
    clerk_checks: tuple[str, ...] = ()  # conditions no document can show

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_contract(self) -> dict[str, Any]:
        """The `verdict/1` JSON object."""
        return {
            "schema": "verdict/1",
            "application_id": self.application_id,
            "service": self.service.model_dump() if self.service else None,
            "verdict": str(self.verdict),
            "review_required": self.review_required,
            "documents": [d.to_contract() for d in self.documents],
            "materials": [
                {
                    "material": m.material,
                    "status": str(m.status),
                    "documents": list(m.documents),
                    "material_id": m.material_id,
                    "rule_id": m.rule_id,
                    "note": m.note,
                }
                for m in self.materials
            ],
            "findings": [f.to_contract() for f in self.findings],
            "redirect": self.redirect.model_dump() if self.redirect else None,
            "rules_version": self.rules_version,
            "engine": self.engine.model_dump(),
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "assumptions": list(self.assumptions),
            "clerk_checks": list(self.clerk_checks),
        }
