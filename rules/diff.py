"""What changed between two rules catalogues, per service (`intake rules diff OLD NEW`).

OLD and NEW are rules roots (directories) or git revisions of this repository
(read with `git archive`, which changes nothing in the working tree).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import UnusableInput
from rules.catalogue import RULES_ROOT, Catalogue, load_catalogue
from rules.schema import LayerEntry, Service

SCALARS = (
    "name", "aliases", "category", "office", "implementing_body", "service_object",
    "effective_from", "effective_to", "deadlines", "channels", "forms", "basis",
    "materials_basis", "clerk_checks", "tips", "location",
)  # fmt: skip


@dataclass
class ServiceDiff:
    key: str  # "<jurisdiction>:<code>[@effective_from]"
    status: str  # added | removed | changed
    changes: list[str] = field(default_factory=list)  # Chinese lines

    def to_json(self) -> dict[str, Any]:
        return {"service": self.key, "status": self.status, "changes": self.changes}


def open_root(spec: str, workdir: Path) -> Path:
    """A rules root from a directory, or from a git revision extracted into workdir."""
    path = Path(spec)
    if path.is_dir():
        return path / "rules" if (path / "rules" / "doctypes.yaml").is_file() else path
    repo = RULES_ROOT.parent
    try:
        data = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", spec, "rules"],
            check=True,
            capture_output=True,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        raise UnusableInput(f"“{spec}”既不是目录，也不是可读取的 git 版本") from exc
    target = workdir / spec.replace("/", "_")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return target / "rules"


def diff_specs(old: str, new: str) -> tuple[str, str, list[ServiceDiff]]:
    with tempfile.TemporaryDirectory() as tmp:
        a = load_catalogue(open_root(old, Path(tmp)))
        b = load_catalogue(open_root(new, Path(tmp)))
        return a.version, b.version, diff_catalogues(a, b)


def _entries(cat: Catalogue) -> dict[str, Service | LayerEntry]:
    out: dict[str, Service | LayerEntry] = {}
    for svc in cat.services:
        key = f"{svc.jurisdiction}:{svc.code}"
        if len(cat.versions(svc.code)) > 1:
            key += f"@{svc.effective_from}"
        out[key] = svc
    for entry, _ in cat.layers:
        out[f"{entry.jurisdiction}:{entry.code or entry.refines}（细化）"] = entry
    return out


def diff_catalogues(old: Catalogue, new: Catalogue) -> list[ServiceDiff]:
    a, b = _entries(old), _entries(new)
    out: list[ServiceDiff] = []
    for key in sorted(set(a) | set(b)):
        if key not in b:
            out.append(ServiceDiff(key, "removed", [f"删除事项：{_name(a[key])}"]))
        elif key not in a:
            out.append(ServiceDiff(key, "added", [f"新增事项：{_name(b[key])}"]))
        else:
            changes = _changes(a[key], b[key])
            if changes:
                out.append(ServiceDiff(key, "changed", changes))
    return out


def _name(item: Service | LayerEntry) -> str:
    return getattr(item, "name", None) or getattr(item, "refines", "")


def _changes(old: Service | LayerEntry, new: Service | LayerEntry) -> list[str]:
    da = old.model_dump(mode="json", by_alias=True, exclude_none=True)
    db = new.model_dump(mode="json", by_alias=True, exclude_none=True)
    out: list[str] = []
    for key in sorted(set(da) | set(db)):
        va, vb = da.get(key), db.get(key)
        if va == vb:
            continue
        if isinstance(va, list) and isinstance(vb, list) and _keyed(va) and _keyed(vb):
            out += _list_changes(key, va, vb)
        else:
            out.append(f"{key}：{_short(va)} → {_short(vb)}")
    return out


def _keyed(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and "id" in i for i in items)


def _list_changes(key: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    a = {i["id"]: i for i in old}
    b = {i["id"]: i for i in new}
    out = []
    for item_id in [*a, *[i for i in b if i not in a]]:
        if item_id not in b:
            out.append(
                f"{key}：删除 {item_id}（{a[item_id].get('name') or a[item_id].get('text', '')}）"
            )
        elif item_id not in a:
            out.append(
                f"{key}：新增 {item_id}（{b[item_id].get('name') or b[item_id].get('text', '')}）"
            )
        elif a[item_id] != b[item_id]:
            fields = sorted(
                k
                for k in set(a[item_id]) | set(b[item_id])
                if a[item_id].get(k) != b[item_id].get(k)
            )
            detail = "；".join(
                f"{f}: {_short(a[item_id].get(f))} → {_short(b[item_id].get(f))}" for f in fields
            )
            out.append(f"{key}：修改 {item_id}（{detail}）")
    return out


def _short(value: Any, limit: int = 80) -> str:
    text = "无" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
