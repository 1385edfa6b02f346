"""The append-only, hash-chained audit log.

Each entry's hash is ``sha256(prev_hash + canonical_json(entry))`` where the entry is
its sequence number, time, actor, action, subject and payload. Editing any stored
field, deleting an entry or swapping two entries breaks the chain from that entry
on; `verify_chain` names the first entry that no longer fits. Truncating the tail
is only detectable against a head hash kept elsewhere (`intake audit verify
--expect-head`), which is why the head hash is printed after every verification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from pipeline.errors import AuditChainBroken
from pipeline.store import AuditRow, Database

GENESIS = "0" * 64


def canonical_json(data: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, payload: str
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(
    db: Database,
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    payload: dict[str, Any] | None = None,
) -> AuditRow:
    """Append one entry inside the caller's transaction (serialised across writers)."""
    if not db.is_sqlite:
        # one appender at a time across processes and machines, released at commit
        session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else GENESIS
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    body = canonical_json(payload or {})
    row = AuditRow(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        payload=body,
        prev_hash=prev,
        hash=entry_hash(prev, seq, at, actor, action, subject, body),
    )
    session.add(row)
    session.flush()
    return row


def record(
    db: Database, *, actor: str, action: str, subject: str, payload: dict[str, Any] | None = None
) -> AuditRow:
    """Append one entry in its own transaction."""
    with db.write_lock, db.session() as session:
        return append(db, session, actor=actor, action=action, subject=subject, payload=payload)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_seq: int
    head_hash: str


def verify_chain(db: Database, *, expect_head: str | None = None) -> ChainReport:
    """Recompute every hash in order; raise AuditChainBroken naming the first bad entry."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    with db.session() as session:
        for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
            if row.seq != expected_seq:
                raise AuditChainBroken(
                    f"第 {expected_seq} 条记录缺失（其后为第 {row.seq} 条），日志被删除或重排",
                    seq=expected_seq,
                    problem="missing",
                )
            if row.prev_hash != expected_prev:
                raise AuditChainBroken(
                    f"第 {row.seq} 条记录的前序哈希不符，此前的记录被删除、篡改或重排",
                    seq=row.seq,
                    problem="prev_hash",
                )
            recomputed = entry_hash(
                row.prev_hash, row.seq, row.at, row.actor, row.action, row.subject, row.payload
            )
            if recomputed != row.hash:
                raise AuditChainBroken(
                    f"第 {row.seq} 条记录（{row.action} {row.subject}）内容被修改，哈希不符",
                    seq=row.seq,
                    problem="hash",
                )
            expected_prev = row.hash
            expected_seq += 1
            count += 1
    if expect_head and expect_head != expected_prev:
        raise AuditChainBroken(
            f"日志末条哈希 {expected_prev[:16]}… 与预期 {expect_head[:16]}… 不符，末尾记录可能被删除",
            seq=expected_seq - 1,
            problem="head",
        )
    return ChainReport(entries=count, head_seq=expected_seq - 1, head_hash=expected_prev)


def verify_chain_result(db: Database, *, expect_head: str | None = None) -> dict[str, Any]:
    """verify_chain as data (for the API): ok, or the first broken entry and why."""
    try:
        report = verify_chain(db, expect_head=expect_head)
    except AuditChainBroken as exc:
        return {"ok": False, "seq": exc.context.get("seq"), "message": str(exc)}
    return {
        "ok": True,
        "entries": report.entries,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
    }


def list_entries(
    db: Database, *, subject: str | None = None, limit: int = 100, after_seq: int = 0
) -> list[dict[str, Any]]:
    with db.session() as session:
        query = select(AuditRow).where(AuditRow.seq > after_seq).order_by(AuditRow.seq).limit(limit)
        if subject:
            query = query.where(AuditRow.subject == subject)
        return [
            {
                "seq": r.seq,
                "at": r.at,
                "actor": r.actor,
                "action": r.action,
                "subject": r.subject,
                "payload": json.loads(r.payload),
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in session.scalars(query)
        ]


def count_entries(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditRow)) or 0)
