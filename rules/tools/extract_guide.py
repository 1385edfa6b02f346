"""Read the two guides: the provincial one's tab-separated blocks and the city one's entries.

Used by the coverage test and report (every 事项名称 / entry needs a catalogue
entry) and, as a command, to draft a service YAML from a provincial block:

    python -m rules.tools.extract_guide list [--city]
    python -m rules.tools.extract_guide draft "工伤医疗（康复）费用申报"

Drafts are a starting point: materials must be refined by hand into typed
materials (accepts / one_of / when / waiver …), see rules/README.md.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PROVINCIAL_FILE = "000_f925b9005978363c.txt"
CITY_FILE = "001_d47992442c49cdc2.txt"

SECTION_RE = re.compile(r"^([一二三四五])\.\s*(\S.*)$")
TOC_RE = re.compile(r"^(.+?)\t(\d{2,3})$")
FIELD_RE = re.compile(r"^(\d{1,2})?\t([^\t]+)\t(.*)$")
GUIDE_TITLE_RE = re.compile(r"^辽宁省(.+?)办事指南$")

GUIDE_SECTIONS = {
    "企业职工基本养老保险": "企业职工基本养老保险",
    "机关事业单位养老保险": "机关事业单位养老保险",
    "城乡居民基本养老保险": "城乡居民基本养老保险",
    "工伤保险": "工伤保险",
    "社会保障卡": "社会保障卡",
}


@dataclass
class TocEntry:
    category: str
    name: str
    page: int
    line: int


@dataclass
class GuideEntry:
    """One 办事指南 block of the provincial guide."""

    category: str
    name: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class CityEntry:
    name: str
    alias: str | None
    line: int
    text: str = ""


def seeds_dir() -> Path:
    return SEEDS


def read(name: str, seeds: Path | None = None) -> str:
    return ((seeds or SEEDS) / name).read_text(encoding="utf-8")


def provincial_toc(text: str) -> list[TocEntry]:
    """The table of contents: services and also forms/notices (which are not services)."""
    out: list[TocEntry] = []
    category = None
    for n, line in enumerate(text.splitlines(), 1):
        if GUIDE_TITLE_RE.match(line.strip()) and out:
            break
        m = SECTION_RE.match(line.strip())
        if m:
            category = GUIDE_SECTIONS.get(m.group(2).replace(" ", ""), m.group(2).strip())
            continue
        m = TOC_RE.match(line.strip())
        if m and category:
            out.append(
                TocEntry(category=category, name=m.group(1).strip(), page=int(m.group(2)), line=n)
            )
    return out


def provincial_entries(text: str) -> list[GuideEntry]:
    """Every 事项 block: 事项名称, 文件依据, 时限, 实施主体, 受理条件, 申请材料 …"""
    out: list[GuideEntry] = []
    category = None
    current: GuideEntry | None = None
    for n, line in enumerate(text.splitlines(), 1):
        title = GUIDE_TITLE_RE.match(line.strip())
        if title:
            category = GUIDE_SECTIONS.get(title.group(1))
            current = None
            continue
        m = FIELD_RE.match(line)
        if not m or category is None:
            continue
        key, value = m.group(2).strip(), _clean(m.group(3))
        if key == "事项名称":
            current = GuideEntry(category=category, name=value, line=n)
            out.append(current)
        elif current is not None and key not in current.fields:
            current.fields[key] = value
    return out


def city_entries(text: str) -> list[CityEntry]:
    """Entries of the Chaoyang guide: title line(s), then （简称：…） and/or 受理条件.

    Titles may wrap over two or three lines; they are collected backwards from the
    anchor until a line that cannot be part of a title (a phone, an address, a sentence).
    """
    lines = text.splitlines()
    out: list[CityEntry] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        alias = None
        m = ALIAS_RE.match(line)
        if m:
            alias = m.group(1).strip()
        elif not line.startswith("受理条件") or _previous_is_alias(lines, i):
            i += 1
            continue
        title_lines: list[str] = []
        k = i - 1
        while k >= 0 and len(title_lines) < 3:
            prev = lines[k].strip()
            if not prev:
                k -= 1
                continue
            if not _title_like(prev):
                break
            title_lines.insert(0, prev)
            k -= 1
        if title_lines:
            out.append(CityEntry(name="".join(title_lines), alias=alias, line=k + 2))
        i += 1
    for a, b in zip(out, [*out[1:], None], strict=False):
        end = b.line - 1 if b else len(lines)
        a.text = "\n".join(lines[a.line - 1 : end])
    return out


ALIAS_RE = re.compile(r"^[（(]简称[：:]\s*(.+?)\s*[）)]?$")
_NOT_TITLE = re.compile(
    r"[。：:；;，,]|http|地址|大厦|大厅|电话|\d{3,}|^注|^[\d一二三四五六七八九十]+[\.、．]"
)


def _title_like(line: str) -> bool:
    return not _NOT_TITLE.search(line) and not line.startswith(("（简称", "(简称", "受理条件"))


def _previous_is_alias(lines: list[str], i: int) -> bool:
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    return k >= 0 and bool(ALIAS_RE.match(lines[k].strip()))


def _clean(value: str) -> str:
    value = re.sub(r"<[^>]+>", " ", value)
    return re.sub(r"\s+", " ", value).strip()


def draft(entry: GuideEntry) -> str:
    """A YAML draft for a provincial block (materials as text, to refine by hand)."""
    f = entry.fields
    lines = [
        "code: TODO",
        f"name: {entry.name}",
        f"category: {entry.category}",
        "jurisdiction: 辽宁省",
        "office: 经办机构",
        f"implementing_body: {f.get('实施主体', '')}",
        f"service_object: {f.get('服务对象', '')}",
        "effective_from: 2026-04-01",
        f"deadlines: {{statutory: {f.get('法定办结时限', '')}, promised: {f.get('承诺办结时限', '')}}}",
        f"channels: [{', '.join(c for c in re.split(r'[/、]', f.get('办理形式', '')) if c)}]",
        "basis:",
        *[f"  - {c}" for c in citations(f.get("文件依据", ""))],
        f"source: {PROVINCIAL_FILE}:{entry.line}",
        "# 受理条件: " + f.get("受理条件", ""),
        "# 申请材料: " + f.get("申请材料", ""),
        "# 表单内容: " + f.get("表单内容", ""),
        "# 温馨提示: " + f.get("温馨提示", ""),
        "materials: []",
    ]
    return "\n".join(lines) + "\n"


def citations(text: str) -> list[str]:
    """Short citations 《…》第X条 from a 文件依据 paragraph."""
    out: list[str] = []
    for m in re.finditer(
        r"(《[^》]+》(?:（[^）]*）|\([^)]*\))?)\s*(第[一二三四五六七八九十百零]+条)?", text
    ):
        cite = m.group(1) + (m.group(2) or "")
        if cite not in out:
            out.append(cite)
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("list", "draft"):
        print(__doc__)
        return 2
    if argv[0] == "list":
        if "--city" in argv:
            for e in city_entries(read(CITY_FILE)):
                print(f"{e.line}\t{e.name}\t{e.alias or ''}")
        else:
            for e in provincial_entries(read(PROVINCIAL_FILE)):
                print(f"{e.line}\t{e.category}\t{e.name}")
        return 0
    wanted = argv[1] if len(argv) > 1 else ""
    for e in provincial_entries(read(PROVINCIAL_FILE)):
        if e.name == wanted or f"{e.category}/{e.name}" == wanted:
            sys.stdout.write(draft(e))
            return 0
    print(f"not found: {wanted}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
