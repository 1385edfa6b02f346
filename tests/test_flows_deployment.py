"""Scale-out, for real (slow): a Prefect server on PostgreSQL, the prefect.yaml
deployment on a `process` work pool, a worker process, the service on PostgreSQL +
S3 — an application stored by this process is verified by the worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.slow
@pytest.mark.postgres
def test_deployment_runs_on_a_process_worker(pg_server, moto_endpoint, tmp_path):
    pytest.importorskip("samples.generator")
    from pipeline import service
    from pipeline.config import Settings
    from pipeline.storage import S3Storage
    from pipeline.store import Database

    defaults = Settings()
    from tests.service_fixtures import free_port, fresh_pg_url, write_bundle

    intake_url = fresh_pg_url(pg_server)
    prefect_url = fresh_pg_url(pg_server).replace("postgresql+psycopg://", "postgresql+asyncpg://")
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_DATABASE_CONNECTION_URL": prefect_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    client_env = {
        **env,
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "INTAKE_CODE_DIR": str(ROOT),
        "INTAKE_HOME": str(tmp_path / "home"),
        "INTAKE_OCR_CACHE_DIR": str(defaults.ocr_cache_path),
        "INTAKE_MODEL_DIR": str(defaults.models_path),
        "INTAKE_STORAGE": "s3",
        "INTAKE_S3_ENDPOINT": moto_endpoint,
        "INTAKE_S3_ACCESS_KEY": "testing",
        "INTAKE_S3_SECRET_KEY": "testing",
        "INTAKE_S3_BUCKET": "deployed",
        "INTAKE_DATABASE_URL": intake_url,
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "prefect"),
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                stdout=(logs / "server.log").open("w"),
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or procs[0].poll() is not None:
                pytest.fail(
                    "prefect server did not start: " + (logs / "server.log").read_text()[-2000:]
                )
            time.sleep(1)

        def prefect(*args: str, timeout: int = 300) -> str:
            res = subprocess.run(
                [str(BIN / "prefect"), *args],
                env=client_env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
            return res.stdout

        prefect("work-pool", "create", "intake-process", "--type", "process")
        prefect("--no-prompt", "deploy", "--name", "intake-application")
        procs.append(
            subprocess.Popen(
                [str(BIN / "prefect"), "worker", "start", "--pool", "intake-process"],
                env=client_env,
                cwd=tmp_path,
                stdout=(logs / "worker.log").open("w"),
                stderr=subprocess.STDOUT,
            )
        )

        db = Database(intake_url)
        db.upgrade()
        storage = S3Storage(moto_endpoint, "testing", "testing", "deployed")
        bundle = write_bundle(
            tmp_path, "b", [("injury_decision", 1, None), ("medical_invoice", 2, None)]
        )
        sub = service.import_bundle(db, storage, bundle, owner="portal-a")
        prefect(
            "deployment",
            "run",
            "intake-application/intake-application",
            "-p",
            f"app_id={sub.application_id}",
            "--watch",
            timeout=900,
        )
        status = service.application_status(db, sub.application_id)
        assert status["status"] == "done", (logs / "worker.log").read_text()[-3000:]
        assert status["verdict"]["application_id"] == sub.application_id
        # the worker kept the OCR results in the shared object store
        assert len(storage.list("ocr/")) == 2
        db.dispose()
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
