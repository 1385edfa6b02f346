"""`intake batch DIR` on a folder of generated medical bills: per-bill checks,
duplicates within the batch and against stored applications, bills dated before
the injury, totals per person and per hospital, CSV + HTML reports."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


generator = pytest.importorskip("samples.generator")

INJURY = "2025-06-01"


def _save(rd, path: Path) -> dict:
    rd.pages[0].convert("RGB").save(path, quality=88)
    return {k: v["value"] for k, v in rd.truth["fields"].items()}


@pytest.fixture(scope="module")
def bills(tmp_path_factory) -> tuple[Path, dict]:
    """Loose bills of three people plus one bundle with its injury decision."""
    g = generator
    root = tmp_path_factory.mktemp("bills")
    worker, other = g.make_person(7), g.make_person(8)
    truth = {}
    bundle = root / "zhang"
    bundle.mkdir()
    (bundle / "application.json").write_text(
        json.dumps(
            {
                "service": "gs_medical_expense",
                "applicant": {"name": worker.name, "id_number": worker.id_number},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    truth["decision"] = _save(
        g.render_document("injury_decision", worker, seed=1, fields={"injury_date": INJURY}),
        bundle / "decision.jpg",
    )
    truth["ok"] = _save(
        g.render_document("medical_invoice", worker, seed=2, fields={"issue_date": "2025-07-10"}),
        bundle / "invoice_ok.jpg",
    )
    truth["early"] = _save(
        g.render_document("medical_invoice", worker, seed=3, fields={"issue_date": "2025-05-20"}),
        root / "invoice_early.jpg",
    )
    shutil.copy(bundle / "invoice_ok.jpg", root / "invoice_ok_again.jpg")  # the same bill twice
    truth["other"] = _save(
        g.render_document("medical_invoice", other, seed=4, fields={"issue_date": "2025-08-01"}),
        root / "invoice_other.jpg",
    )
    truth["stored"] = _save(
        g.render_document("medical_invoice", other, seed=5, fields={"issue_date": "2025-08-03"}),
        root / "invoice_stored.jpg",
    )
    third = g.make_person(9)
    truth["arith"] = _save(
        g.render_document("medical_invoice", third, seed=6, fields={"total_amount": "999.00"}),
        root / "invoice_arith.jpg",
    )
    truth["qr"] = _save(
        g.render_document("medical_invoice", third, seed=7, fields={"qr_amount": "1.00"}),
        root / "invoice_qr.jpg",
    )
    # the office's records know the third person's injury date (a bundle sidecar)
    (root / "third.records.json").write_text(
        json.dumps(
            [
                {
                    "kind": "injury_decision",
                    "id_number": third.id_number,
                    "name": third.name,
                    "fields": {"injury_date": "2027-01-01", "is_work_injury": True},
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (root / "third.truth.json").write_text("{}", encoding="utf-8")  # evaluation sidecar: ignored
    (root / "notes.txt").write_text("not a bill", encoding="utf-8")
    return root, truth


def test_intake_batch_writes_reports(bills, service_env, tmp_path):
    from pipeline import store as st
    from pipeline.cli import app
    from pipeline.store import get_database

    root, truth = bills
    # an application already stored in the service used the "stored" invoice
    db = get_database()
    with db.session() as s:
        st.create_application(
            s,
            app_id="app-earlier",
            owner="portal-a",
            application={"service": "gs_medical_expense"},
            files=[],
        )
        st.record_invoices(
            s,
            "app-earlier",
            [(truth["stored"]["invoice_code"], truth["stored"]["invoice_number"], "x.jpg")],
        )

    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["batch", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "报告" in result.output
    for name in ("bills.csv", "totals.csv", "report.html", "review.json"):
        assert (out / name).is_file()

    review = json.loads((out / "review.json").read_text("utf-8"))
    by_file = {b["file"]: b for b in review["bills"]}
    checks = {f: {p["check"] for p in b["problems"]} for f, b in by_file.items()}
    assert {
        "zhang/invoice_ok.jpg",
        "invoice_early.jpg",
        "invoice_ok_again.jpg",
        "invoice_other.jpg",
        "invoice_stored.jpg",
    } <= set(by_file)
    assert by_file["zhang/invoice_ok.jpg"]["invoice_number"] == truth["ok"]["invoice_number"]

    # the same invoice twice: the second one is the duplicate, the first is not
    dup_pair = ["invoice_ok_again.jpg", "zhang/invoice_ok.jpg"]
    flagged = [f for f in dup_pair if "duplicate_in_batch" in checks[f]]
    assert len(flagged) == 1
    assert "duplicate_stored" in checks["invoice_stored.jpg"]
    assert "before_injury" in checks["invoice_early.jpg"]
    assert "before_injury" not in checks["zhang/invoice_ok.jpg"]
    assert not checks["invoice_other.jpg"] & {
        "duplicate_in_batch",
        "duplicate_stored",
        "before_injury",
    }
    assert "items_sum" in checks["invoice_arith.jpg"]  # items do not add up to the total
    assert "before_injury" in checks["invoice_arith.jpg"]  # injury date from the records
    assert "qr_mismatch" in checks["invoice_qr.jpg"]  # QR amount differs from the print
    assert "qr_mismatch" not in checks["invoice_other.jpg"]
    assert [u["file"] for u in review["unreadable"]] == ["notes.txt"]
    status = {f: b["status"] for f, b in by_file.items()}
    assert status["invoice_qr.jpg"] == status["invoice_arith.jpg"] == "有问题"
    assert status["invoice_early.jpg"] == status["invoice_stored.jpg"] == "有问题"
    assert review["summary"]["with_problems"] >= 5

    # totals: per person, duplicates not counted twice
    persons = {t["person"]: t for t in review["totals_by_person"]}
    worker_total = float(truth["ok"]["total_amount"]) + float(truth["early"]["total_amount"])
    assert float(persons[truth["ok"]["payer_name"]]["total"]) == pytest.approx(worker_total)
    other_total = float(truth["other"]["total_amount"])
    assert float(persons[truth["other"]["payer_name"]]["total"]) == pytest.approx(other_total)
    assert sum(t["bills"] for t in review["totals_by_hospital"]) == 7

    rows = list(csv.reader((out / "bills.csv").open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["文件", "材料", "类型"]
    assert len(rows) == 1 + len(review["bills"]) + 1  # + the unreadable file
    html = (out / "report.html").read_text("utf-8")
    assert "医疗票据批量审核报告" in html and "按医院汇总" in html


def test_batch_from_bucket_prefix(bills, s3_storage, tmp_path):
    """The same bills under a bucket prefix of the S3 server give the same review."""
    from pipeline import batch

    root, _ = bills
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        s3_storage.put(f"bills/2026-03/{path.relative_to(root).as_posix()}", path.read_bytes())
    s3_storage.put("bills/2026-04/other.jpg", b"not in this prefix")
    source = batch.discover_storage(s3_storage, "bills/2026-03")
    assert "zhang" in source.applications
    from_bucket, paths = batch.run_batch(source, tmp_path / "out")
    from_dir, _ = batch.run_batch(batch.discover_dir(root), tmp_path / "out-dir")
    assert paths["html"].is_file()
    key = lambda r: (r.file, r.invoice_number, r.amount, sorted(p["check"] for p in r.problems))  # noqa: E731
    assert sorted(map(key, from_bucket.rows)) == sorted(map(key, from_dir.rows))
