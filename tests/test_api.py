"""The HTTP API through a real uvicorn server on loopback, storage on a real S3 server
(moto) and a SQLite database: upload a bundle, poll, read verdict and explanation,
idempotency, roles, review, audit log and an audit sample."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import httpx
import pytest

from pipeline.service import MaskIdNumbers, mask_id_numbers

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


KEYS = {
    "k-portal-a": {"role": "portal", "name": "portal-a"},
    "k-portal-b": {"role": "portal", "name": "portal-b"},
    "k-clerk": {"role": "clerk", "name": "王科员"},
    "k-auditor": {"role": "auditor", "name": "审计员"},
}
MAX_BYTES = 2_000_000  # the bundle's JPEGs are far smaller
H_A, H_B = {"X-API-Key": "k-portal-a"}, {"X-API-Key": "k-portal-b"}
H_CLERK, H_AUDIT = {"X-API-Key": "k-clerk"}, {"X-API-Key": "k-auditor"}


@pytest.fixture(scope="module")
def api(tmp_path_factory, moto_endpoint):
    import uvicorn

    from pipeline.api import create_app
    from pipeline.config import Settings
    from pipeline.storage import S3Storage
    from pipeline.store import Database

    home = tmp_path_factory.mktemp("api-home")
    settings = Settings(
        home=home,
        ocr_cache_dir=Settings().ocr_cache_path,
        model_dir=Settings().models_path,
        api_keys=KEYS,
        workers=1,
        max_file_bytes=MAX_BYTES,
    )
    db = Database(f"sqlite:///{home / 'intake.db'}")
    db.upgrade()
    storage = S3Storage(moto_endpoint, "testing", "testing", "intake-api")
    app = create_app(settings, db=db, storage=storage)
    from tests.service_fixtures import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        yield client
    server.should_exit = True
    thread.join(15)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    from tests.service_fixtures import write_bundle

    return write_bundle(
        tmp_path_factory.mktemp("bundles"),
        "medical",
        [("injury_decision", 1, None), ("medical_invoice", 2, None)],
    )


def _post(client, bundle: Path, headers, key=None):
    files = [
        ("files", (p.name, p.read_bytes(), "image/jpeg")) for p in sorted(bundle.glob("*.jpg"))
    ]
    hdrs = dict(headers)
    if key:
        hdrs["Idempotency-Key"] = key
    return client.post(
        "/applications",
        headers=hdrs,
        files=files,
        data={"application": (bundle / "application.json").read_text("utf-8")},
    )


def _wait_done(client, app_id, headers, limit=600):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        body = client.get(f"/applications/{app_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.5)
    pytest.fail(f"{app_id} not verified in time: {body}")


@pytest.fixture(scope="module")
def submitted(api, bundle):
    first = _post(api, bundle, H_A, key="order-1")
    assert first.status_code == 202, first.text
    second = _post(api, bundle, H_A, key="order-1")
    body = _wait_done(api, first.json()["application_id"], H_A)
    return first.json(), second, body


def test_upload_poll_verdict(submitted):
    first, _, body = submitted
    assert first["created"] is True and first["application_id"].startswith("app-")
    assert body["status"] == "done", body.get("error")
    verdict = body["verdict"]
    assert verdict["schema"] == "verdict/1"
    assert verdict["application_id"] == first["application_id"]
    assert verdict["verdict"] in ("accept", "deficient", "out_of_scope")
    assert verdict["service"]["code"] == "gs_medical_expense"
    assert [d["file"] for d in verdict["documents"]]  # the uploaded pages were read
    assert body["verdict_version"] == 1


def test_same_idempotency_key_gives_one_application(api, submitted, bundle):
    first, second, _ = submitted
    assert second.status_code == 202
    assert second.json()["application_id"] == first["application_id"]
    assert second.json()["created"] is False
    # the same key with different files is a conflict, not a silent merge
    files = [("files", ("x.jpg", b"other bytes", "image/jpeg"))]
    conflict = api.post(
        "/applications",
        headers={**H_A, "Idempotency-Key": "order-1"},
        files=files,
        data={"service": "gs_medical_expense"},
    )
    assert conflict.status_code == 409
    assert first["application_id"] in conflict.json()["message"]
    # another portal using the same key gets its own application
    other = _post(api, bundle, H_B, key="order-1")
    assert other.status_code == 202
    assert other.json()["application_id"] != first["application_id"]
    _wait_done(api, other.json()["application_id"], H_B)
    # the work queue: a portal sees its own applications, a clerk sees all
    mine = api.get("/applications", headers=H_B).json()
    assert [a["application_id"] for a in mine] == [other.json()["application_id"]]
    everyone = {a["application_id"] for a in api.get("/applications", headers=H_CLERK).json()}
    assert {first["application_id"], other.json()["application_id"]} <= everyone
    done = api.get("/applications", headers=H_CLERK, params={"status": "done"}).json()
    assert all(a["status"] == "done" and a["verdict"] for a in done)


def test_roles(api, submitted):
    app_id = submitted[0]["application_id"]
    assert api.get(f"/applications/{app_id}", headers=H_B).status_code == 403
    assert api.get("/audit/log", headers=H_A).status_code == 403
    assert api.get("/audit/log", headers=H_CLERK).status_code == 403
    assert api.get(f"/applications/{app_id}").status_code == 401
    assert api.get(f"/applications/{app_id}", headers={"X-API-Key": "nope"}).status_code == 401
    assert api.get(f"/applications/{app_id}", headers=H_CLERK).status_code == 200
    assert api.get(f"/applications/{app_id}/explanation", headers=H_A).status_code == 403
    review = {"decision": "accept", "reason": "x"}
    assert api.post(f"/applications/{app_id}/reviews", headers=H_A, json=review).status_code == 403
    assert api.post("/audit/samples", headers=H_CLERK, json={"size": 1}).status_code == 403
    assert api.get("/applications/app-missing", headers=H_CLERK).status_code == 404


def test_explanation_for_clerk(api, submitted):
    app_id = submitted[0]["application_id"]
    res = api.get(f"/applications/{app_id}/explanation", headers=H_CLERK)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["verdict"] == submitted[2]["verdict"]["verdict"]
    assert len(body["findings"]) == len(submitted[2]["verdict"]["findings"])
    assert body["materials"] == submitted[2]["verdict"]["materials"]
    for f in body["findings"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["message"])  # Chinese for the clerk
        assert f["basis"]
        assert "rule" in f and "page" in f and "bbox" in f and "document" in f
        if f["evidence"]:
            assert f["file"] == f["evidence"][0]["file"]


def test_review_is_recorded_and_logged(api, submitted):
    app_id = submitted[0]["application_id"]
    res = api.post(
        f"/applications/{app_id}/reviews",
        headers=H_CLERK,
        json={"decision": "deficient", "reason": "发票原件未提供"},
    )
    assert res.status_code == 201, res.text
    assert res.json()["clerk"] == "王科员" and res.json()["verdict_version"] == 1
    status = api.get(f"/applications/{app_id}", headers=H_CLERK).json()
    assert status["reviews"][-1]["reason"] == "发票原件未提供"
    assert api.get(f"/applications/{app_id}", headers=H_A).json()["reviews"] == []
    assert (
        api.post(
            f"/applications/{app_id}/reviews",
            headers=H_CLERK,
            json={"decision": "accept", "reason": ""},
        ).status_code
        == 422
    )
    log = api.get("/audit/log", headers=H_AUDIT, params={"subject": app_id}).json()
    assert log["chain"]["ok"] is True
    actions = [e["action"] for e in log["entries"]]
    assert actions[:2] == ["application.received", "verdict.recorded"]
    assert "review.recorded" in actions


def test_audit_sample_reproduces(api, submitted):
    res = api.post("/audit/samples", headers=H_AUDIT, json={"size": 5, "seed": 11})
    assert res.status_code == 202, res.text
    sample_id = res.json()["sample_id"]
    assert res.json()["seed"] == 11
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        report = api.get(f"/audit/samples/{sample_id}", headers=H_AUDIT).json()
        if report["status"] != "running":
            break
        time.sleep(0.5)
    assert report["status"] == "done", report
    assert report["sampled"] >= 1
    assert report["differences"] == 0, report["cases"]
    assert all(c["reproduced"] for c in report["cases"])


def test_services_and_docs(api):
    services = api.get("/services", headers=H_A).json()
    assert any(s["code"] == "gs_medical_expense" for s in services)
    assert {"code", "name", "category", "jurisdiction", "office", "aliases"} <= set(services[0])
    docs = api.get("/docs")
    assert docs.status_code == 200
    # Counters have no internet: the page must load its assets from this server only.
    assert "cdn." not in docs.text and "/docs-assets/swagger-ui-bundle.js" in docs.text
    asset = api.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    spec = api.get("/openapi.json").json()
    assert {
        "/applications",
        "/applications/{app_id}",
        "/applications/{app_id}/explanation",
        "/services",
        "/audit/samples",
        "/audit/log",
    } <= set(spec["paths"])


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        ({"application": '{"facts": {}}'}, 400, "service"),
        ({"application": "not json"}, 400, "JSON"),
        ({"application": "[1, 2]"}, 400, "JSON 对象"),
        ({"service": "gs_no_such_service"}, 422, "gs_no_such_service"),
    ],
    ids=["no-service", "not-json", "not-object", "unknown-service"],
)
def test_bad_submission_is_a_clear_error(api, data, status, says):
    files = [("files", ("a.jpg", b"x", "image/jpeg"))]
    res = api.post("/applications", headers=H_A, files=files, data=data)
    assert res.status_code == status
    assert says in res.json()["message"]


def test_too_large_upload_is_413(api):
    files = [("files", ("big.jpg", b"x" * (MAX_BYTES + 1), "image/jpeg"))]
    res = api.post(
        "/applications", headers=H_A, files=files, data={"service": "gs_medical_expense"}
    )
    assert res.status_code == 413
    assert "big.jpg" in res.json()["message"]


def test_form_fields_make_the_application():
    from pipeline.api import bundle_fields

    fields = bundle_fields(
        '{"service": "x", "applicant": {"name": "甲"}, "facts": {"a": 1}}',
        service="gs_medical_expense",
        jurisdiction=None,
        office=None,
        applicant_name=None,
        applicant_id_number="210102198503124518",
        submitted_at="2026-03-01",
        facts='{"by_agent": true}',
    )
    assert fields == {
        "service": "gs_medical_expense",
        "submitted_at": "2026-03-01",
        "applicant": {"name": "甲", "id_number": "210102198503124518"},
        "facts": {"by_agent": True},
    }


def test_id_numbers_masked_in_logs(caplog):
    assert mask_id_numbers("身份证 210102198503124518 已核") == "身份证 210102********4518 已核"
    assert mask_id_numbers("21010219850312451X") == "210102********451X"
    assert mask_id_numbers("发票号 0012345678") == "发票号 0012345678"
    logger = logging.getLogger("intake.test.mask")
    logger.addFilter(MaskIdNumbers())
    with caplog.at_level(logging.INFO, logger="intake.test.mask"):
        logger.info("applicant %s submitted", "210102198503124518")
    assert "210102198503124518" not in caplog.text
    assert "210102********4518" in caplog.text


def test_serving_masks_every_logger(api, caplog):
    """Once the service runs, any logger's records are masked (not only filtered ones)."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        logging.getLogger("somewhere.else").warning("id=%s", "21010219850312451X")
    assert "21010219850312451X" not in caplog.text
    assert "210102********451X" in caplog.text
