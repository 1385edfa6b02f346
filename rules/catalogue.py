"""Load the service catalogue from YAML, check it, and resolve a requested service.

Layout under the rules root (rules/ by default):

    doctypes.yaml            document type ids (+ record kinds)
    facts.yaml               the facts vocabulary
    offices.yaml             office kinds and where they are, per jurisdiction
    external_matters.yaml    matters handled elsewhere → redirect
    services/<slug>/*.yaml   one provincial service per file
    chaoyang/*.yaml          the 朝阳市 layer: refinements (`refines:`) or city-only services

Every file is validated on load; any error is a RulesError naming the file and
the field. `Catalogue.version` is a content hash over the rules files, so every
verdict says exactly which rules judged it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import AmbiguousService, RulesError, UnknownService
from pipeline.models import Redirect
from rules.schema import (
    CATEGORIES,
    JURISDICTIONS,
    PROVINCE,
    DocType,
    DocTypeRegistry,
    ExternalMatter,
    ExternalRegistry,
    FactDef,
    FactRegistry,
    LayerEntry,
    Location,
    OfficeRegistry,
    Service,
)

RULES_ROOT = Path(__file__).resolve().parent
LAYER_DIRS = {"朝阳市": "chaoyang"}
HASHED_PARTS = ("doctypes.yaml", "facts.yaml", "offices.yaml", "external_matters.yaml")
HASHED_DIRS = ("services", *LAYER_DIRS.values())


@dataclass(frozen=True)
class Resolution:
    """The service to judge under, or why not and where to go instead."""

    service: Service | None
    redirect: Redirect | None = None
    reason: str | None = None  # Chinese: why out of scope
    matched: Service | None = None  # the catalogue entry found, even when out of scope
    notes: tuple[str, ...] = ()  # Chinese remarks for the clerk (e.g. rules version used)


@dataclass
class Catalogue:
    root: Path
    version: str
    services: list[Service]  # provincial and city-only services, every version
    layers: list[tuple[LayerEntry, Path]]
    doctypes: dict[str, DocType]
    record_kinds: dict[str, str]
    facts: dict[str, FactDef]
    offices: OfficeRegistry
    external: list[ExternalMatter]
    paths: dict[int, Path] = field(default_factory=dict)  # id(service) → file
    _views: dict[tuple[str, dt.date], list[Service]] = field(default_factory=dict)

    # -------------------------------------------------------------- views

    def view(self, jurisdiction: str = PROVINCE, on_date: dt.date | None = None) -> list[Service]:
        """The services in force in a jurisdiction on a date (city layer applied)."""
        on_date = on_date or dt.date.today()
        key = (jurisdiction, on_date)
        if key not in self._views:
            self._views[key] = self._build_view(jurisdiction, on_date)
        return self._views[key]

    def _build_view(self, jurisdiction: str, on_date: dt.date) -> list[Service]:
        provincial = _in_force([s for s in self.services if s.jurisdiction == PROVINCE], on_date)
        if jurisdiction == PROVINCE:
            return sorted(provincial, key=_order)
        by_code = {s.code: s for s in provincial}
        layers = [
            (entry, path)
            for entry, path in self.layers
            if entry.jurisdiction == jurisdiction
            and (entry.effective_from is None or entry.effective_from <= on_date)
            and (entry.effective_to is None or on_date < entry.effective_to)
        ]
        out = dict(by_code)
        for entry, path in layers:
            base = by_code.get(entry.refines)
            if base is None:
                raise RulesError(f"{path}: 字段 refines: 省级事项 {entry.refines!r} 不存在")
            try:
                refined = entry.apply(base)
            except (ValueError, ValidationError) as exc:
                raise RulesError(f"{path}: {_first_line(exc)}") from exc
            self.paths[id(refined)] = path
            if out.get(entry.refines) is base:  # a city entry may split one provincial service
                out.pop(entry.refines)
            out[refined.code] = refined
        city = _in_force([s for s in self.services if s.jurisdiction == jurisdiction], on_date)
        for svc in city:
            out[svc.code] = svc
        return sorted(out.values(), key=_order)

    def all_entries(self, on_date: dt.date | None = None) -> list[Service]:
        """Provincial services plus every city entry (refined or city-only), for listings."""
        on_date = on_date or dt.date.today()
        out = list(self.view(PROVINCE, on_date))
        for jurisdiction in LAYER_DIRS:
            provincial = {id(s) for s in out}
            out += [s for s in self.view(jurisdiction, on_date) if id(s) not in provincial]
        return out

    def get(
        self, code: str, jurisdiction: str = PROVINCE, on_date: dt.date | None = None
    ) -> Service:
        for svc in self.view(jurisdiction, on_date):
            if svc.code == code:
                return svc
        raise UnknownService(f"没有编码为 {code} 的事项（{jurisdiction}）")

    def path_of(self, service: Service) -> Path | None:
        return self.paths.get(id(service))

    def versions(self, code: str) -> list[Service]:
        return sorted((s for s in self.services if s.code == code), key=lambda s: s.effective_from)

    # -------------------------------------------------------------- resolve

    def resolve(
        self,
        service: str,
        *,
        jurisdiction: str = PROVINCE,
        office: str = "经办机构",
        on_date: dt.date | None = None,
    ) -> Resolution:
        """Find the service an application asks for (code, unique name, or 分类/名称).

        Raises AmbiguousService for a bare name several services share, and
        UnknownService for an empty request, an unknown office or an unknown code.
        A name that is simply not in the catalogue is out of scope, with a redirect.
        """
        query = (service or "").strip()
        if not query:
            raise UnknownService("未指定办理事项")
        office = office or self.offices.default
        if office not in self.offices.offices:
            known = "、".join(self.offices.offices)
            raise UnknownService(f"未知的办理机构“{office}”（可选：{known}）")
        on_date = on_date or dt.date.today()
        if jurisdiction not in JURISDICTIONS:
            return Resolution(
                None,
                redirect=self.office_redirect(self.offices.default, PROVINCE),
                reason=f"本系统按辽宁省及朝阳市办事指南受理，“{jurisdiction}”不在受理范围内",
            )
        view = self.view(jurisdiction, on_date)
        found = self.match(query, view)
        splits = [s for s in view if s.refines == query] if not found else []
        if splits:  # the city guide splits this provincial service into several entries
            listing = "；".join(f"{s.category}/{s.name}（{s.code}）" for s in splits)
            raise AmbiguousService(
                f"“{query}”在{jurisdiction}分为多个事项：{listing}",
                candidates=[s.code for s in splits],
            )
        if not found and _is_code(query):
            elsewhere = [
                s
                for j in JURISDICTIONS
                if j != jurisdiction
                for s in self.view(j, on_date)
                if s.code == query
            ]
            if elsewhere:
                svc = elsewhere[0]
                return Resolution(
                    None,
                    redirect=self.service_redirect(svc),
                    reason=f"“{svc.name}”是{svc.jurisdiction}的事项，不在{jurisdiction}受理范围内",
                    matched=svc,
                )
            raise UnknownService(f"没有编码为 {query} 的事项", candidates=self.suggest(query, view))
        if len(found) > 1:
            listing = "；".join(f"{s.category}/{s.name}（{s.code}）" for s in found)
            raise AmbiguousService(
                f"“{query}”对应多个事项：{listing}", candidates=[s.code for s in found]
            )
        if found:
            svc = found[0]
            if svc.office != office:
                return Resolution(
                    None,
                    redirect=self.service_redirect(svc),
                    reason=(
                        f"“{svc.name}”由{self.office_name(svc.office)}办理，"
                        f"不属于{self.office_name(office)}职权范围"
                    ),
                    matched=svc,
                )
            return Resolution(svc, matched=svc)
        matter = self._external(query)
        if matter is not None:
            loc = matter.location.get(jurisdiction) or self._office_location(
                matter.office, jurisdiction
            )
            return Resolution(
                None,
                redirect=Redirect(
                    office=self.office_name(matter.office, jurisdiction),
                    address=loc.address if loc else None,
                    phone=loc.phone if loc else None,
                    reason=matter.reason,
                ),
                reason=f"“{query}”{matter.reason}",
            )
        hints = self.suggest(query, view)
        hint = f"；相近的事项：{'、'.join(hints)}" if hints else ""
        return Resolution(
            None,
            redirect=self.office_redirect(
                office, jurisdiction, reason="请咨询办理机构确认事项名称"
            ),
            reason=f"“{query}”不在本机构受理事项目录中{hint}",
        )

    def match(self, query: str, view: list[Service]) -> list[Service]:
        """Services whose code, name, alias or 分类/名称 is the query (names compared loosely)."""
        by_code = [s for s in view if s.code == query]
        if by_code:
            return by_code
        if "/" in query:
            category, _, name = query.partition("/")
            wanted = normalise(name)
            hits = [
                s
                for s in view
                if normalise(s.category) == normalise(category)
                and wanted in {normalise(n) for n in (s.name, *s.aliases)}
            ]
            if hits:
                return hits
        wanted = normalise(query)
        exact = [s for s in view if normalise(s.name) == wanted]
        if exact:
            return exact
        return [s for s in view if wanted in {normalise(a) for a in s.aliases}]

    def _external(self, query: str) -> ExternalMatter | None:
        wanted = normalise(query)
        for matter in self.external:
            if wanted in {normalise(n) for n in (matter.name, *matter.aliases)}:
                return matter
        return None

    def suggest(self, query: str, view: Iterable[Service], limit: int = 3) -> list[str]:
        from rapidfuzz import fuzz, process

        choices = {f"{s.name}（{s.code}）": normalise(s.name) for s in view}
        if not choices:
            return []
        hits = process.extract(
            normalise(query), choices, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=60
        )
        return [label for _, _, label in hits]

    # -------------------------------------------------------------- offices

    def office_name(self, office: str, jurisdiction: str = PROVINCE) -> str:
        info = self.offices.offices.get(office)
        return info.name if info else office

    def _office_location(self, office: str, jurisdiction: str) -> Location | None:
        info = self.offices.offices.get(office)
        if info is None:
            return None
        return info.locations.get(jurisdiction) or info.locations.get(PROVINCE)

    def office_redirect(
        self, office: str, jurisdiction: str, reason: str | None = None
    ) -> Redirect:
        loc = self._office_location(office, jurisdiction)
        return Redirect(
            office=self.office_name(office, jurisdiction),
            address=loc.address if loc else None,
            phone=loc.phone if loc else None,
            reason=reason,
        )

    def service_redirect(self, svc: Service) -> Redirect:
        """Where a catalogued service is handled: its own location, else its office's."""
        loc = svc.location or self._office_location(svc.office, svc.jurisdiction)
        return Redirect(
            office=self.office_name(svc.office, svc.jurisdiction),
            address=loc.address if loc else None,
            phone=loc.phone if loc else None,
            reason=f"“{svc.name}”由{self.office_name(svc.office)}办理",
        )

    # -------------------------------------------------------------- helpers

    def doctype_name(self, type_id: str) -> str:
        dt_ = self.doctypes.get(type_id)
        return dt_.name if dt_ else type_id

    def record_kinds_by_doctype(self) -> dict[str, list[str]]:
        return {k: list(v.record_kinds) for k, v in self.doctypes.items()}

    def names(self) -> dict[str, str]:
        """Chinese names of doc types and facts, for rendering conditions."""
        out = {k: v.name for k, v in self.doctypes.items()}
        out.update({k: v.name for k, v in self.facts.items()})
        return out


# ------------------------------------------------------------------ loading


def load_catalogue(root: Path | None = None) -> Catalogue:
    """The catalogue under `root` (default: this package), cached per root and content."""
    root = Path(root or RULES_ROOT).resolve()
    return _load_cached(root, compute_version(root))


@functools.lru_cache(maxsize=8)
def _load_cached(root: Path, version: str) -> Catalogue:
    return _load(root, version)


def rules_files(root: Path) -> list[Path]:
    files = [root / name for name in HASHED_PARTS if (root / name).is_file()]
    for sub in HASHED_DIRS:
        if (root / sub).is_dir():
            files += sorted((root / sub).rglob("*.yaml"))
    return sorted(files)


def compute_version(root: Path) -> str:
    """Content hash over the rules files (sorted relative paths and bytes)."""
    digest = hashlib.sha256()
    for path in rules_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _load(root: Path, version: str) -> Catalogue:
    doctypes = _parse(root / "doctypes.yaml", DocTypeRegistry)
    facts = _parse(root / "facts.yaml", FactRegistry)
    offices = _parse(root / "offices.yaml", OfficeRegistry)
    external = (
        _parse(root / "external_matters.yaml", ExternalRegistry).matters
        if (root / "external_matters.yaml").is_file()
        else []
    )
    services: list[Service] = []
    paths: dict[int, Path] = {}
    layers: list[tuple[LayerEntry, Path]] = []
    for path in sorted((root / "services").rglob("*.yaml")) if (root / "services").is_dir() else []:
        svc = _parse(path, Service)
        if svc.jurisdiction != PROVINCE:
            raise RulesError(f"{path}: 字段 jurisdiction: services/ 下只放省级事项（{PROVINCE}）")
        slug = CATEGORIES.get(svc.category)
        if slug is None:
            raise RulesError(
                f"{path}: 字段 category: 未知分类 {svc.category!r}（可选：{'、'.join(CATEGORIES)}）"
            )
        if path.parent.name != slug:
            raise RulesError(
                f"{path}: 字段 category: 分类“{svc.category}”的事项应放在 services/{slug}/"
            )
        services.append(svc)
        paths[id(svc)] = path
    for jurisdiction, sub in LAYER_DIRS.items():
        folder = root / sub
        for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
            data = _read_yaml(path)
            if isinstance(data, dict) and "refines" in data and "materials" not in data:
                entry = _validate(path, data, LayerEntry)
                if entry.jurisdiction != jurisdiction:
                    raise RulesError(f"{path}: 字段 jurisdiction: 应为 {jurisdiction}")
                layers.append((entry, path))
            else:
                svc = _validate(path, data, Service)
                if svc.jurisdiction != jurisdiction:
                    raise RulesError(
                        f"{path}: 字段 jurisdiction: {sub}/ 下的事项应为 {jurisdiction}"
                    )
                services.append(svc)
                paths[id(svc)] = path
    catalogue = Catalogue(
        root=root,
        version=version,
        services=services,
        layers=layers,
        doctypes=dict(doctypes.types),
        record_kinds=dict(doctypes.record_kinds),
        facts=dict(facts.facts),
        offices=offices,
        external=list(external),
        paths=paths,
    )
    check_references(catalogue)
    return catalogue


def check_references(catalogue: Catalogue) -> None:
    """Every document type, field, fact, record kind and office a service names exists."""
    problems: list[str] = []
    seen: dict[tuple[str, str], Service] = {}
    for svc in catalogue.services:
        where = catalogue.paths.get(id(svc), Path(svc.code))
        for problem in service_problems(svc, catalogue):
            problems.append(f"{where}: {problem}")
        for other in catalogue.versions(svc.code):
            if other is not svc and other.jurisdiction == svc.jurisdiction and _overlap(svc, other):
                problems.append(
                    f"{where}: 字段 effective_from: 编码 {svc.code} 的两个版本生效期重叠"
                )
        key = (svc.jurisdiction, svc.code)
        seen.setdefault(key, svc)
    for entry, path in catalogue.layers:
        for mat in entry.add_materials + [p.material for p in entry.replace_materials]:
            for problem in _material_problems(mat, catalogue):
                problems.append(f"{path}: {problem}")
        if entry.office and entry.office not in catalogue.offices.offices:
            problems.append(f"{path}: 字段 office: 未知机构 {entry.office!r}")
    for matter in catalogue.external:
        if matter.office not in catalogue.offices.offices:
            problems.append(
                f"external_matters.yaml: 字段 office: 未知机构 {matter.office!r}（{matter.name}）"
            )
    # a city view must build (layers refer to real provincial codes and materials)
    for jurisdiction in LAYER_DIRS:
        dates = {s.effective_from for s in catalogue.services} | {dt.date.today()}
        for day in sorted(dates):
            try:
                view = catalogue.view(jurisdiction, day)
            except RulesError as exc:
                problems.append(str(exc.detail))
                break
            for svc in view:
                if svc.refines:
                    where = catalogue.paths.get(id(svc), Path(svc.code))
                    problems += [f"{where}: {p}" for p in service_problems(svc, catalogue)]
    if problems:
        unique = list(dict.fromkeys(problems))
        raise RulesError(
            "\n".join(unique[:20]) + (f"\n……共 {len(unique)} 处" if len(unique) > 20 else "")
        )


def service_problems(svc: Service, catalogue: Catalogue) -> list[str]:
    out: list[str] = []
    if svc.office not in catalogue.offices.offices:
        out.append(f"字段 office: 未知机构 {svc.office!r}")
    declared = {f.id for f in svc.facts}
    for use in svc.facts:
        fdef = catalogue.facts.get(use.id)
        if fdef is None:
            out.append(f"字段 facts.{use.id}: facts.yaml 中没有这个情形")
            continue
        if fdef.type == "bool" and not isinstance(use.default, bool):
            out.append(f"字段 facts.{use.id}.default: 应为 true/false")
        if fdef.type == "enum" and use.default not in fdef.values:
            out.append(f"字段 facts.{use.id}.default: {use.default!r} 不在 {fdef.values} 中")
        if use.infer:
            for ref in use.infer.document or []:
                if ref not in catalogue.doctypes:
                    out.append(f"字段 facts.{use.id}.infer.document: 未知材料类型 {ref!r}")
            for ref in (use.infer.field or []) + (use.infer.field_present or []):
                out += _field_problems(ref, catalogue, f"facts.{use.id}.infer")
    for mat in svc.materials:
        out += _material_problems(mat, catalogue)
    for cond in svc.all_conditions():
        if cond.field:
            out += _field_problems(cond.field, catalogue, "conditions")
        if cond.fact:
            if cond.fact not in catalogue.facts:
                out.append(f"条件引用的情形 {cond.fact!r} 不在 facts.yaml 中")
            elif cond.fact not in declared:
                out.append(f"条件引用的情形 {cond.fact!r} 未在本事项 facts 中声明")
            else:
                fdef = catalogue.facts[cond.fact]
                values = [cond.equals, cond.not_equals, *(cond.in_ or [])]
                for v in values:
                    if v is None:
                        continue
                    if fdef.type == "enum" and v not in fdef.values:
                        out.append(f"情形 {cond.fact} 没有取值 {v!r}（可选：{fdef.values}）")
                    if fdef.type == "bool" and not isinstance(v, bool):
                        out.append(f"情形 {cond.fact} 为是/否，条件取值 {v!r} 无效")
        if cond.document and cond.document not in catalogue.doctypes:
            out.append(f"条件引用了未知材料类型 {cond.document!r}")
    return out


def _material_problems(mat: Any, catalogue: Catalogue) -> list[str]:
    out: list[str] = []
    for t in mat.doc_types():
        if t not in catalogue.doctypes:
            out.append(f"字段 materials.{mat.id}: 未知材料类型 {t!r}（请在 doctypes.yaml 中登记）")
    if mat.waiver:
        known = set(catalogue.record_kinds) | {
            k for d in catalogue.doctypes.values() for k in d.record_kinds
        }
        for kind in mat.waiver.records:
            if kind not in known:
                out.append(f"字段 materials.{mat.id}.waiver.records: 未知记录类型 {kind!r}")
    return out


def _field_problems(ref: str, catalogue: Catalogue, where: str) -> list[str]:
    doctype, _, name = ref.partition(".")
    spec = catalogue.doctypes.get(doctype)
    if spec is None:
        return [f"字段 {where}: 未知材料类型 {doctype!r}（{ref}）"]
    if name not in spec.fields:
        return [f"字段 {where}: 材料类型 {doctype} 没有要素 {name!r}（已登记：{spec.fields}）"]
    return []


def _order(svc: Service) -> tuple[int, bool, int, str]:
    """Guide order: section, provincial before city entries, line in the guide, code."""
    section = (
        list(CATEGORIES).index(svc.category) if svc.category in CATEGORIES else len(CATEGORIES)
    )
    tail = (svc.source or "").rpartition(":")[2]
    line = int(tail) if tail.isdigit() else 0
    return (section, svc.jurisdiction != PROVINCE, line, svc.code)


def _overlap(a: Service, b: Service) -> bool:
    a_end = a.effective_to or dt.date.max
    b_end = b.effective_to or dt.date.max
    return a.effective_from < b_end and b.effective_from < a_end


def _in_force(services: list[Service], on_date: dt.date) -> list[Service]:
    """Per code, the version in force on the date; before the first version, the first."""
    by_code: dict[str, list[Service]] = {}
    for svc in services:
        by_code.setdefault(svc.code, []).append(svc)
    out: list[Service] = []
    for versions in by_code.values():
        versions.sort(key=lambda s: s.effective_from)
        current = [s for s in versions if s.in_force(on_date)]
        if current:
            out.append(current[-1])
        elif on_date < versions[0].effective_from:
            out.append(versions[0])
        # after the last version's effective_to: withdrawn, not offered
    return out


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RulesError(f"{path}: 文件不存在") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: YAML 无法解析：{_first_line(exc)}") from exc


def _parse(path: Path, model: type[BaseModel]) -> Any:
    return _validate(path, _read_yaml(path), model)


def _validate(path: Path, data: Any, model: type[BaseModel]) -> Any:
    if not isinstance(data, dict):
        raise RulesError(f"{path}: 顶层必须是映射（key: value）")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:5]:
            loc = _loc(err["loc"], data)
            lines.append(f"{path}: 字段 {loc}: {err['msg']}")
        more = len(exc.errors()) - 5
        raise RulesError("\n".join(lines) + (f"\n……另有 {more} 处" if more > 0 else "")) from exc


def _loc(loc: tuple[Any, ...], data: Any) -> str:
    """`materials[2](decision).waiver` — index plus the item's id when it has one."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, dict) and "id" in node:
                    label += f"({node['id']})"
            else:
                node = None
            out += label
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(顶层)"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})


def normalise(text: str) -> str:
    """Compare names loosely: NFKC-insensitive brackets, no spaces, 《》 dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text).translate(_FULLWIDTH)
    return text.replace("《", "").replace("》", "").replace("—", "-").replace("－", "-")


def _is_code(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*", text))
