"""Prefect flows: thin wrappers over the plain functions in pipeline/.

    intake_application(app_id)      one stored application → verdict (per-page OCR tasks)
    intake_bundle(bundle_dir)       store a bundle's files first, then intake_application
    verify_bundle_flow(bundle_dir)  the `intake verify` path as a flow (no database)
    review_medical_bills(source)    batch bill review → CSV/HTML reports + artifacts
    sample_for_audit(size, seed)    stratified sample, re-verification, diff report

Embedded default: no PREFECT_API_URL → ephemeral mode (a temporary local API per
process), telemetry off. Production: PREFECT_API_URL → a Prefect server; see
docs/deployment.md and prefect.yaml.
"""

from __future__ import annotations

import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
