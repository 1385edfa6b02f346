"""Every 事项名称 of the provincial guide and every Chaoyang entry has a catalogue entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import coverage
from rules.catalogue import load_catalogue
from rules.tools import extract_guide as guide

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
HAVE_GUIDES = (SEEDS / guide.PROVINCIAL_FILE).is_file() and (SEEDS / guide.CITY_FILE).is_file()
needs_guides = pytest.mark.skipif(
    not HAVE_GUIDES, reason=f"guides not found under {SEEDS} (../shared/seeds from the repo root)"
)
CAT = load_catalogue()
COV = coverage.build(CAT, SEEDS) if HAVE_GUIDES else coverage.Coverage()


def rows(source):
    return [pytest.param(r, id=f"{r.line}-{r.name}") for r in COV.rows if r.source == source]


@needs_guides
def test_guides_parse_completely():
    text = (SEEDS / guide.PROVINCIAL_FILE).read_text(encoding="utf-8")
    blocks = guide.provincial_entries(text)
    assert len(blocks) == text.count("\t事项名称\t") == 85
    assert {b.category for b in blocks} == set(guide.GUIDE_SECTIONS.values())
    assert all(b.fields.get("申请材料") is not None for b in blocks)
    city = guide.city_entries((SEEDS / guide.CITY_FILE).read_text(encoding="utf-8"))
    assert len(city) >= 80
    assert any(e.name == "工伤医疗（康复）费用申报" and e.alias == "工伤医疗费用申报" for e in city)


@needs_guides
@pytest.mark.parametrize("row", rows("provincial-block"))
def test_provincial_service_has_catalogue_entry(row):
    assert row.covered, f"{row.category}/{row.name}（000 第 {row.line} 行）没有对应的事项文件"


@needs_guides
@pytest.mark.parametrize("row", rows("provincial-toc"))
def test_provincial_toc_line_is_a_service_or_a_form(row):
    assert row.covered, (
        f"目录条目“{row.name}”（第 {row.line} 行）既不是已收录事项的名称/别名，也不像表单；"
        "若目录写法与事项名称不同，请把目录写法加入该事项的 aliases"
    )


@needs_guides
@pytest.mark.parametrize("row", rows("chaoyang"))
def test_chaoyang_entry_has_catalogue_entry(row):
    assert row.covered, f"朝阳市条目“{row.name}”（001 第 {row.line} 行）没有朝阳市细化或新增事项"


@needs_guides
def test_work_injury_and_card_sections_fully_encoded():
    mine = [
        r
        for r in COV.rows
        if r.source == "provincial-block" and r.category in ("工伤保险", "社会保障卡")
    ]
    assert len(mine) == 33 and all(r.code for r in mine)


@needs_guides
def test_coverage_report_lists_every_entry():
    text = coverage.render(COV, CAT)
    for row in COV.rows:
        assert row.name in text
    on_disk = coverage.DOCS.read_text(encoding="utf-8") if coverage.DOCS.is_file() else ""
    strip = lambda t: [ln for ln in t.splitlines() if "rules version" not in ln]  # noqa: E731
    assert strip(on_disk) == strip(text), (
        "docs/coverage.md is stale: run `python -m rules.coverage`"
    )
