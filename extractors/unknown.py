"""其他材料: anything no other type claims."""

from __future__ import annotations

from extractors.registry import DocumentSpec, register


@register
def spec() -> DocumentSpec:
    return DocumentSpec(type="unknown", name="其他材料", min_score=float("inf"))
