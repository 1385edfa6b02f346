"""The Prefect flows (one ephemeral test API for the session): intake_application gives
the same verdict as the plain path and can be re-run after a stuck run without
duplicating anything; verify_bundle_flow equals `intake verify`; review_medical_bills
writes its reports and artifacts; sample_for_audit reproduces the stored verdicts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pipeline import service
from pipeline import store as st

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


pytest.importorskip("samples.generator")


def _counts(db, storage) -> dict[str, int]:
    with db.session() as s:
        counts = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t))
            for t in (st.ApplicationRow, st.FileRow, st.OcrResultRow, st.VerdictRow, st.InvoiceRow)
        }
    counts["objects"] = len(storage.list())
    return counts


def test_flows_end_to_end(prefect_harness, service_env, tmp_path):
    from flows.audit import sample_for_audit
    from flows.bills import review_medical_bills
    from flows.intake import intake_application, intake_bundle, verify_bundle_flow
    from pipeline.storage import make_storage
    from pipeline.store import get_database
    from pipeline.verify import verify_bundle
    from tests.service_fixtures import write_bundle

    bundle = write_bundle(
        tmp_path / "in", "a", [("injury_decision", 1, None), ("medical_invoice", 2, None)]
    )
    db, storage = get_database(), make_storage()

    # store raw uploads first, then verify with per-page OCR tasks
    first = intake_bundle(str(bundle), owner="portal-a", idempotency_key="k1")
    assert first["version"] == 1 and first["appended"] is True
    app_id = first["application_id"]
    status = service.application_status(db, app_id)
    assert status["status"] == "done"
    before = _counts(db, storage)
    assert before["files"] == 2 and before["ocr_results"] == 2 and before["verdicts"] == 1

    # a stuck run (left "processing") is simply run again: same verdict, nothing duplicated
    with db.session() as s:
        st.set_status(s, app_id, st.Status.PROCESSING)
    again = intake_application(app_id)
    assert again == {**first, "appended": False}
    assert _counts(db, storage) == before
    assert service.application_status(db, app_id)["status"] == "done"

    # the plain path decides exactly the same (no new verdict version)
    plain = service.process(db, storage, app_id)
    assert (plain.version, plain.appended) == (1, False)

    # issue #2: the one-bundle flow equals `intake verify`
    assert verify_bundle_flow(str(bundle)) == verify_bundle(bundle).to_contract()

    # bill review as a flow: reports + artifacts
    out = tmp_path / "reports"
    result = review_medical_bills(str(bundle), str(out))
    assert result["summary"]["bills"] == 1
    assert (out / "report.html").is_file() and (out / "bills.csv").is_file()
    # the invoice of the stored application is found as already used
    assert result["summary"]["checks"].get("duplicate_stored") == 1

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["bill-review", "bill-review-summary"])
            )
        )
    assert {a.key for a in arts} == {"bill-review", "bill-review-summary"}

    # audit sample as a flow: every stored verdict reproduced
    report = sample_for_audit(size=3, seed=5)
    assert report["sampled"] == 1 and report["differences"] == 0


def test_prefect_yaml_entrypoints_are_flows():
    """Every deployment in prefect.yaml points at a flow that exists, on the process pool."""
    import importlib
    from pathlib import Path

    import yaml
    from prefect import Flow

    root = Path(__file__).resolve().parents[1]
    spec = yaml.safe_load((root / "prefect.yaml").read_text("utf-8"))
    names = set()
    for dep in spec["deployments"]:
        path, func = dep["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, func), Flow), dep["entrypoint"]
        assert dep["work_pool"]["name"] == "intake-process"
        names.add(dep["name"])
    assert {"intake-application", "review-medical-bills", "sample-for-audit"} <= names
    from pipeline.config import Settings

    flow_name = Settings().deployment.split("/")[0]
    assert flow_name == "intake-application"


def test_tasks_retry_transient_errors_only(prefect_harness):
    """The flows' retry policy: storage/network hiccups are retried, bad input is not."""
    from prefect import flow, task

    from flows.common import retry_transient
    from pipeline.errors import BadApplication, StorageError

    calls = {"flaky": 0, "bad": 0}

    @task(retries=2, retry_delay_seconds=0, retry_condition_fn=retry_transient)
    def flaky() -> str:
        calls["flaky"] += 1
        if calls["flaky"] < 3:
            raise StorageError("对象存储暂时不可用")
        return "ok"

    @task(retries=2, retry_delay_seconds=0, retry_condition_fn=retry_transient)
    def bad() -> None:
        calls["bad"] += 1
        raise BadApplication("缺少 service")

    @flow
    def run() -> tuple[str, str]:
        state = bad(return_state=True)
        return flaky(), type(state.result(raise_on_failure=False)).__name__

    assert run() == ("ok", "BadApplication")
    assert calls == {"flaky": 3, "bad": 1}
