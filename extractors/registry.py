"""The visible registry of document types: what each looks like and which fields it carries.

A document type is one module under extractors/ that registers a
``DocumentSpec`` with ``@register``: its anchors (title and body phrases that
identify it, matched fuzzily so OCR slips do not lose the type), visual cues,
and its fields (label synonyms + a named value parser). Code appears only in
a spec's optional ``post`` hook for the hard cases (a 大写 amount, a
conclusion sentence, a QR payload).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extractors import parsers

if TYPE_CHECKING:
    from extractors.engine import ExtractContext
    from pipeline.models import OcrPage


@dataclass(frozen=True)
class Anchor:
    """A phrase that identifies a document type; ``title`` phrases also start a new document."""

    text: str
    weight: float = 1.0
    title: bool = False


@dataclass(frozen=True)
class FieldSpec:
    """One field: where it is (label synonyms) and how its value reads (parser)."""

    name: str
    labels: tuple[str, ...] = ()
    parser: parsers.Parser = parsers.parse_text
    scan: bool = False  # no label found: try the parser on every line
    pick: str = "first"  # for scan: "first" or "last" match on the document
    below: bool = True  # the value may sit on the line below its label
    key: bool = True  # a key field (CONTRACTS.md §4); measured by `intake eval`


@dataclass(frozen=True)
class DocumentSpec:
    type: str
    name: str
    anchors: tuple[Anchor, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    negative: tuple[str, ...] = ()  # phrases that speak against this type
    visual: Callable[[OcrPage], float] | None = None  # score bonus from layout / visual cues
    post: Callable[[ExtractContext], None] | None = None  # code for hard cases
    multipage: bool = False  # consecutive pages with the title again still belong together
    repeat_anchor: str | None = None  # seen again on a following page: a new document starts

    min_score: float = 2.0  # below this the type is not claimed
    stop_labels: tuple[str, ...] = field(default=())  # extra labels that end a value


SPECS: dict[str, DocumentSpec] = {}


def register(factory: Callable[[], DocumentSpec]) -> Callable[[], DocumentSpec]:
    """Decorator: ``@register def spec() -> DocumentSpec`` adds the type to SPECS."""
    spec = factory()
    if spec.type in SPECS:
        raise ValueError(f"document type registered twice: {spec.type}")
    SPECS[spec.type] = spec
    return factory


# ------------------------------------------------------------------ shared visual cues

ID_CARD_RATIO = 85.6 / 54.0


def card_shape(page: OcrPage) -> float:
    """Bonus for a page shaped like an ID-1 card (ID card, social-security card, bank card)."""
    if not page.width or not page.height:
        return 0.0
    ratio = max(page.width, page.height) / min(page.width, page.height)
    return 1.0 if abs(ratio - ID_CARD_RATIO) < 0.15 else 0.0


def has_seal(page: OcrPage) -> float:
    return 0.3 if page.red_seal else 0.0


def has_qr(page: OcrPage) -> float:
    return 0.5 if page.qr_payloads else 0.0
