"""The service database on SQLite and on a real PostgreSQL: migrations, repository
functions, verdict versioning, idempotency, and the hash-chained audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pipeline import audit
from pipeline import store as st
from pipeline.errors import AuditChainBroken, NotFound
from pipeline.models import Record

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


FILES = [st.StoredFile(name="a.jpg", sha256="a" * 64, size=10, object_key="raw/" + "a" * 64)]


def _new_app(db, app_id="app-1", owner="portal-a", key=None):
    with db.session() as s:
        st.create_application(
            s,
            app_id=app_id,
            owner=owner,
            application={"application_id": app_id, "service": "gs_medical_expense"},
            files=FILES,
            idempotency_key=key,
        )


def _verdict(decision="accept", rules="r1", findings=()):
    return {
        "schema": "verdict/1",
        "verdict": decision,
        "service": {"code": "gs_medical_expense"},
        "rules_version": rules,
        "engine": {"ocr": "paddleocr", "version": "e1"},
        "findings": list(findings),
        "documents": [
            {
                "file": "a.jpg",
                "pages": [1],
                "type": "medical_invoice",
                "fields": {
                    "invoice_code": {"value": "210000"},
                    "invoice_number": {"value": "0012345678"},
                },
            }
        ],
    }


def test_migrations_reach_head_and_are_rerunnable(database):
    assert st.current_revision(database) is not None
    database.upgrade()  # a second upgrade is a no-op
    with database.session() as s:
        names = set(s.execute(text("SELECT 1")).scalars())
    assert names == {1}


def test_application_files_and_status(database):
    _new_app(database)
    with database.session() as s:
        row = st.get_application(s, "app-1")
        assert row.status == st.Status.RECEIVED
        assert [f.name for f in st.list_files(s, "app-1")] == ["a.jpg"]
        assert st.pending_applications(s) == ["app-1"]
        st.set_status(s, "app-1", st.Status.PROCESSING)
    with database.session() as s:
        assert st.get_application(s, "app-1").attempts == 1
        with pytest.raises(NotFound):
            st.get_application(s, "app-nope")


def test_idempotency_key_unique_per_owner(database):
    _new_app(database, "app-1", key="k-1")
    _new_app(database, "app-2", owner="portal-b", key="k-1")  # another portal may reuse a key
    with pytest.raises(IntegrityError):
        _new_app(database, "app-3", key="k-1")
    with database.session() as s:
        assert st.find_by_idempotency(s, "portal-a", "k-1").id == "app-1"
        assert st.find_by_idempotency(s, "portal-b", "k-1").id == "app-2"


def test_verdicts_append_versions_only_on_change(database):
    _new_app(database)
    with database.session() as s:
        row, appended = st.append_verdict(s, "app-1", _verdict())
        assert (row.version, appended) == (1, True)
    with database.session() as s:
        row, appended = st.append_verdict(s, "app-1", _verdict())  # identical re-run
        assert (row.version, appended) == (1, False)
        row, appended = st.append_verdict(s, "app-1", _verdict("deficient", rules="r2"))
        assert (row.version, appended) == (2, True)
    with database.session() as s:
        versions = st.verdict_versions(s, "app-1")
        assert [(v.version, v.decision, v.rules_version) for v in versions] == [
            (1, "accept", "r1"),
            (2, "deficient", "r2"),
        ]
        assert versions[0].verdict["verdict"] == "accept"  # the old version is untouched
        assert [v.version for v in st.list_verdicts(s)] == [2]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE verdicts SET decision = 'accept'",
        "DELETE FROM verdicts",
        "UPDATE reviews SET reason = 'changed'",
        "DELETE FROM reviews",
    ],
)
def test_verdicts_and_reviews_are_append_only_in_the_database(database, statement):
    from sqlalchemy.exc import DatabaseError

    _new_app(database)
    with database.session() as s:
        st.append_verdict(s, "app-1", _verdict("deficient"))
        st.add_review(s, "app-1", clerk="王科员", decision="accept", reason="原件已核对")
    with pytest.raises(DatabaseError, match="append-only"):
        with database.engine.begin() as conn:
            conn.execute(text(statement))
    with database.session() as s:
        assert st.latest_verdict(s, "app-1").decision == "deficient"
        assert [r.reason for r in st.list_reviews(s, "app-1")] == ["原件已核对"]


def test_invoice_index_and_records(database):
    _new_app(database, "app-1")
    _new_app(database, "app-2")
    with database.session() as s:
        st.record_invoices(s, "app-1", [("210000", "0012345678", "a.jpg")])
        st.record_invoices(s, "app-1", [("210000", "0012345678", "a.jpg")])  # idempotent
        st.add_records(
            s,
            [
                Record(
                    kind="injury_decision",
                    id_number="210102198503124518",
                    name="李四",
                    fields={"is_work_injury": True},
                )
            ],
        )
    with database.session() as s:
        assert st.invoice_users(s, "210000", "0012345678") == ["app-1"]
        assert st.invoice_users(s, None, "0012345678", exclude="app-2") == ["app-1"]
        assert st.invoice_users(s, "210000", "0012345678", exclude="app-1") == []
        recs = st.records_for(s, ["210102198503124518"])
        assert recs[0].fields == {"is_work_injury": True} and recs[0].name == "李四"


def test_reviews_are_appended(database):
    _new_app(database)
    with database.session() as s:
        st.append_verdict(s, "app-1", _verdict("deficient"))
        st.add_review(s, "app-1", clerk="王科员", decision="accept", reason="原件已核对")
        st.add_review(s, "app-1", clerk="赵科长", decision="deficient", reason="复核：缺少清单")
    with database.session() as s:
        reviews = st.list_reviews(s, "app-1")
    assert [(r.clerk, r.verdict_version) for r in reviews] == [("王科员", 1), ("赵科长", 1)]


# ------------------------------------------------------------------ audit chain


def _fill_log(db, n=5):
    for i in range(1, n + 1):
        audit.record(
            db,
            actor="tester",
            action="test.event",
            subject=f"app-{i}",
            payload={"i": i, "姓名": "张三"},
        )


def test_audit_chain_verifies(database):
    _fill_log(database)
    report = audit.verify_chain(database)
    assert report.entries == 5 and report.head_seq == 5
    entries = audit.list_entries(database)
    assert entries[0]["prev_hash"] == audit.GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(entries, entries[1:], strict=False))
    audit.verify_chain(database, expect_head=report.head_hash)


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("UPDATE audit_log SET payload = '[99]' WHERE seq = 3", 3),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", 2),
        ("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE seq = 4", 4),
        ("DELETE FROM audit_log WHERE seq = 3", 3),
        # reorder: swap the contents of entries 2 and 3 (hashes stay valid per row)
        (
            "UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 1002 WHEN 3 THEN 1003 END WHERE seq IN (2, 3);"
            "UPDATE audit_log SET seq = CASE seq WHEN 1002 THEN 3 WHEN 1003 THEN 2 END WHERE seq IN (1002, 1003)",
            2,
        ),
    ],
    ids=["edit-payload", "edit-actor", "edit-time", "delete", "swap"],
)
def test_audit_tampering_is_named(database, tamper, named):
    _fill_log(database)
    with database.engine.begin() as conn:
        for stmt in tamper.split(";"):
            conn.execute(text(stmt))
    with pytest.raises(AuditChainBroken) as info:
        audit.verify_chain(database)
    assert info.value.context["seq"] == named
    assert f"第 {named} 条" in str(info.value)


def test_audit_truncation_needs_the_head(database):
    _fill_log(database)
    head = audit.verify_chain(database).head_hash
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 5"))
    audit.verify_chain(database)  # the chain itself is still consistent
    with pytest.raises(AuditChainBroken):
        audit.verify_chain(database, expect_head=head)


def test_concurrent_appends_keep_one_chain(database):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda i: audit.record(database, actor="t", action="x", subject=str(i)), range(20)
            )
        )
    report = audit.verify_chain(database)
    assert report.entries == 20


@pytest.mark.postgres
def test_service_path_on_postgres_and_s3(pg_server, s3_storage, tmp_path):
    """The production configuration: PostgreSQL + S3. Submit, verify, re-run: one
    application, one verdict version, raw objects stored once."""
    pytest.importorskip("samples.generator")
    from pipeline import service
    from tests.service_fixtures import fresh_pg_url, write_bundle

    db = st.Database(fresh_pg_url(pg_server))
    db.upgrade()
    bundle = write_bundle(
        tmp_path, "b", [("injury_decision", 1, None), ("medical_invoice", 2, None)]
    )
    sub = service.import_bundle(db, s3_storage, bundle, owner="portal-a", idempotency_key="k")
    again = service.import_bundle(db, s3_storage, bundle, owner="portal-a", idempotency_key="k")
    assert again.application_id == sub.application_id and again.created is False
    first = service.process(db, s3_storage, sub.application_id)
    second = service.process(db, s3_storage, sub.application_id)
    assert (first.version, first.appended) == (1, True)
    assert (second.version, second.appended) == (1, False)
    assert len(s3_storage.list("raw/")) == 2
    assert len(s3_storage.list("ocr/")) == 2
    assert len(s3_storage.list("rules/")) == 1
    status = service.application_status(db, sub.application_id)
    assert status["status"] == "done" and status["verdict"]["schema"] == "verdict/1"
    assert audit.verify_chain(db).entries == 2  # received + verdict recorded

    # a new application verified by two service processes (separate connection pools)
    # at the same time, as when a resumed run races a stuck one: one version, done
    from concurrent.futures import ThreadPoolExecutor

    twin = service.import_bundle(db, s3_storage, bundle, owner="portal-a", idempotency_key="k2")
    other = st.Database(db.url)
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(lambda d: service.process(d, s3_storage, twin.application_id), [db, other])
        )
    assert sorted((r.version, r.appended) for r in results) == [(1, False), (1, True)]
    with db.session() as s:
        assert len(st.verdict_versions(s, twin.application_id)) == 1
    assert service.application_status(db, twin.application_id)["status"] == "done"
    assert len(s3_storage.list("raw/")) == 2  # the same files, stored once
    audit.verify_chain(db)
    other.dispose()
    db.dispose()


class _BrokenStorage:
    """An object store that is down: every call fails like an unreachable MinIO."""

    def put(self, key, data, metadata=None):
        from pipeline.errors import StorageError

        raise StorageError("连接被拒绝")

    def exists(self, key):
        return False

    get = info = list = put


def test_storage_outage_rejects_the_upload_and_records_nothing(database):
    from pipeline import service
    from pipeline.errors import StorageError

    with pytest.raises(StorageError) as info:
        service.submit(
            database,
            _BrokenStorage(),
            owner="portal-a",
            fields={"service": "gs_medical_expense"},
            uploads=[service.Upload("a.jpg", b"bytes")],
            idempotency_key="k",
        )
    assert info.value.http_status == 503 and "存储不可用" in str(info.value)
    with database.session() as s:
        assert st.find_by_idempotency(s, "portal-a", "k") is None
        assert st.pending_applications(s) == []
    assert audit.count_entries(database) == 0


def test_explanation_points_at_document_page_box_rule_basis():
    from pipeline.service import explain

    verdict = {
        "documents": [
            {
                "file": "inv.jpg",
                "pages": [2],
                "type": "medical_invoice",
                "fields": {
                    "total_amount": {
                        "value": "999.00",
                        "page": 2,
                        "bbox": [10, 20, 110, 40],
                        "text": "合计 999.00",
                    }
                },
            }
        ],
        "findings": [
            {
                "code": "invalid_field",
                "severity": "error",
                "message": "各项金额合计与票面合计不符。",
                "document": "inv.jpg#p2",
                "field": "total_amount",
                "evidence": [],
                "rule_id": "items_sum",
                "basis": "《工伤保险经办规程》第五十八条",
            },
            {
                "code": "missing_material",
                "severity": "error",
                "message": "缺少材料：《认定工伤决定书》。",
                "material": "认定工伤决定书",
                "evidence": [],
                "rule_id": "gs.decision",
                "basis": None,
            },
        ],
    }
    first, missing = explain(verdict)
    assert (first["file"], first["page"], first["bbox"]) == ("inv.jpg", 2, [10, 20, 110, 40])
    assert first["text"] == "合计 999.00" and first["document_type"] == "medical_invoice"
    assert (first["rule"], first["basis"]) == ("items_sum", "《工伤保险经办规程》第五十八条")
    assert missing["page"] is None and missing["material"] == "认定工伤决定书"
    assert missing["basis"] == "（规则未注明依据）"
    assert first["where"] == "《medical_invoice》inv.jpg 第2页 位置(10,20)-(110,40)"
    assert missing["where"] == "（不涉及具体文件）"


def test_records_in_the_database_waive_materials(database, local_storage, tmp_path):
    """The office's records (records table) feed the verification: a social security card
    confirmed by the records is waived instead of missing."""
    generator = pytest.importorskip("samples.generator")
    from pipeline import service
    from tests.service_fixtures import write_bundle

    person = generator.make_person(7)
    bundle = write_bundle(
        tmp_path, "b", [("injury_decision", 1, None), ("medical_invoice", 2, None)]
    )
    card = "工伤职工本人社会保障卡复印件"

    def status_of(app_id):
        verdict = service.application_status(database, app_id)["verdict"]
        return {m["material"]: m["status"] for m in verdict["materials"]}[card]

    before = service.import_bundle(database, local_storage, bundle)
    service.process(database, local_storage, before.application_id)
    assert status_of(before.application_id) == "missing"

    with database.session() as s:
        st.add_records(
            s,
            [
                Record(
                    kind="social_security_card",
                    id_number=person.id_number,
                    name=person.name,
                    fields={"financial_account_active": True},
                )
            ],
        )
    after = service.import_bundle(database, local_storage, bundle)
    service.process(database, local_storage, after.application_id)
    assert status_of(after.application_id) == "waived"


def test_invoice_used_by_an_earlier_application_is_a_duplicate(database, local_storage, tmp_path):
    pytest.importorskip("samples.generator")
    from pipeline import service
    from tests.service_fixtures import write_bundle

    bundle = write_bundle(
        tmp_path, "b", [("injury_decision", 1, None), ("medical_invoice", 2, None)]
    )

    def duplicates(app_id):
        verdict = service.application_status(database, app_id)["verdict"]
        return [f for f in verdict["findings"] if f["code"] == "duplicate_document"]

    first = service.import_bundle(database, local_storage, bundle)
    service.process(database, local_storage, first.application_id)
    second = service.import_bundle(database, local_storage, bundle)
    service.process(database, local_storage, second.application_id)
    assert duplicates(first.application_id) == []
    (dup,) = duplicates(second.application_id)
    assert first.application_id in dup["message"]
    # re-verifying the first application later still finds no duplicate: only earlier
    # submissions count, so audits reproduce
    again = service.process(database, local_storage, first.application_id)
    assert again.appended is False and duplicates(first.application_id) == []
