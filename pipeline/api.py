"""The HTTP API (FastAPI; OpenAPI docs at /docs). Thin: authenticate, validate, call a
plain function from pipeline.service / pipeline.sampling, answer.

POST /applications answers 202 only after the uploads and the application row are
durably stored; verification runs outside the request (a background worker pool, or a
Prefect flow run with INTAKE_RUNNER=prefect). No OCR and no SQL inside a route.

Roles (API key in the ``X-API-Key`` header, keys from INTAKE_API_KEYS):
portal — submit, read its own applications; clerk — read all, explanations, record a
review decision; auditor — audit samples, audit log, everything a clerk may read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pipeline import service
from pipeline.config import Settings, get_settings
from pipeline.errors import BadApplication, Forbidden, IntakeError, NotReady, Unauthorized

log = logging.getLogger(__name__)

ROLES = ("portal", "clerk", "auditor")


# ------------------------------------------------------------------ schemas


class Accepted(BaseModel):
    application_id: str
    status: str
    created: bool = Field(description="false: the Idempotency-Key was seen before")
    links: dict[str, str]


class ApplicationStatus(BaseModel):
    application_id: str
    status: Literal["received", "processing", "done", "failed"]
    error: str | None = None
    service: str
    created_at: str
    verdict_version: int | None = None
    verdict: dict[str, Any] | None = Field(None, description="verdict/1 once status is done")
    reviews: list[dict[str, Any]] = []


class ExplainedFinding(BaseModel):
    code: str
    severity: str
    message: str
    material: str | None = None
    document: str | None = None
    document_type: str | None = None
    document_type_name: str | None = None
    field: str | None = None
    file: str | None = None
    page: int | None = None
    bbox: list[int] | None = None
    text: str | None = None
    evidence: list[dict[str, Any]] = []
    where: str = Field(description="中文位置说明：材料、文件、页码、坐标")
    rule: str | None = None
    basis: str


class Explanation(BaseModel):
    application_id: str
    verdict: str
    verdict_version: int
    rules_version: str
    findings: list[ExplainedFinding]
    materials: list[dict[str, Any]] = Field(default_factory=list, description="各项材料的核验状态")


class ReviewIn(BaseModel):
    decision: Literal["accept", "deficient", "out_of_scope"]
    reason: str = Field(min_length=1, description="理由（必填）")


class Review(BaseModel):
    id: int
    application_id: str
    clerk: str
    decision: str
    reason: str
    at: str
    verdict_version: int | None


class SampleIn(BaseModel):
    size: int = Field(10, ge=1, le=1000)
    seed: int | None = None
    by: list[Literal["verdict", "service", "period"]] = ["verdict", "service", "period"]
    since: dt.date | None = None
    until: dt.date | None = None
    fresh_ocr: bool = Field(False, description="不用页面缓存，重新 OCR（较慢）")


class SampleAccepted(BaseModel):
    sample_id: int
    seed: int
    links: dict[str, str]


# ------------------------------------------------------------------ state & deps


@dataclass
class Principal:
    name: str
    role: str


@dataclass
class State:
    settings: Settings
    db: Any
    storage: Any
    worker: service.Worker
    catalogue: Any


def get_state(request: Request) -> State:
    return request.app.state.intake


StateDep = Annotated[State, Depends(get_state)]


def authenticate(
    state: StateDep, x_api_key: Annotated[str | None, Header(description="API 密钥")] = None
) -> Principal:
    entry = state.settings.api_keys.get(x_api_key or "")
    if entry is None:
        raise Unauthorized("缺少或无效的 API 密钥（X-API-Key）")
    return Principal(name=entry.name, role=entry.role)


def require(*roles: str):
    """A dependency that admits only the given roles."""

    def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"角色 {principal.role} 不能执行此操作")
        return principal

    return check


Portal = Annotated[Principal, Depends(require("portal"))]
Reader = Annotated[Principal, Depends(require("portal", "clerk", "auditor"))]
Clerk = Annotated[Principal, Depends(require("clerk", "auditor"))]
ClerkOnly = Annotated[Principal, Depends(require("clerk"))]
Auditor = Annotated[Principal, Depends(require("auditor"))]


def may_read(state: State, principal: Principal, app_id: str) -> None:
    """A portal reads only the applications it submitted."""
    if principal.role == "portal" and service.application_owner(state.db, app_id) != principal.name:
        raise Forbidden(f"申请 {app_id} 不属于 {principal.name}")


# ------------------------------------------------------------------ app


def create_app(
    settings: Settings | None = None,
    *,
    db: Any = None,
    storage: Any = None,
    runner: Any = None,
) -> FastAPI:
    """The ASGI app; db/storage/runner default to the configured ones."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from pipeline.storage import make_storage
        from pipeline.store import get_database

        database = db or get_database(settings)
        objects = storage or make_storage(settings)
        run = runner or make_runner(settings, database, objects)
        worker = service.Worker(database, objects, threads=settings.workers, runner=run)
        app.state.intake = State(settings, database, objects, worker, service.load_rules(settings))
        service.install_log_masking()
        worker.resume()
        try:
            yield
        finally:
            worker.shutdown(wait=False)

    app = FastAPI(
        title="辽宁社保材料受理核验 API",
        version="1",
        description="上传申请材料，获取受理结论（verdict/1）与逐项说明。",
        lifespan=lifespan,
        docs_url=None,  # served below from local assets: counters have no internet
        redoc_url=None,
    )
    mount_offline_docs(app)

    @app.exception_handler(IntakeError)
    async def intake_error(_request: Request, exc: IntakeError) -> JSONResponse:
        """The one place errors become HTTP statuses (each class carries its own)."""
        return JSONResponse(
            status_code=exc.http_status,
            content={"error": type(exc).__name__, "message": str(exc)},
        )

    app.include_router(routes())
    return app


def mount_offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle wheel instead of a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> Any:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · 接口文档",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def make_runner(settings: Settings, db: Any, storage: Any) -> Any:
    """How a stored application gets verified: in-process threads (default), a Prefect
    flow run in this process, or a flow run of the deployment picked up by any worker."""
    if settings.runner == "deployment":

        def run_deployment_(app_id: str) -> Any:
            from prefect.deployments import run_deployment

            # timeout=0: hand over and return; a worker on any machine runs it
            return run_deployment(settings.deployment, parameters={"app_id": app_id}, timeout=0)

        return run_deployment_
    if settings.runner == "prefect":

        def run_flow(app_id: str) -> Any:
            from flows.intake import intake_application

            return intake_application(app_id)

        return run_flow
    return lambda app_id: service.process(db, storage, app_id, settings=settings)


def routes() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.post("/applications", status_code=202, response_model=Accepted, tags=["applications"])
    def submit_application(
        state: StateDep,
        principal: Portal,
        files: Annotated[list[UploadFile], File(description="上传的材料文件")],
        application: Annotated[
            str | None, Form(description="application.json 的内容（JSON 字符串）")
        ] = None,
        service_: Annotated[str | None, Form(alias="service", description="办理事项")] = None,
        jurisdiction: Annotated[str | None, Form()] = None,
        office: Annotated[str | None, Form()] = None,
        applicant_name: Annotated[str | None, Form()] = None,
        applicant_id_number: Annotated[str | None, Form()] = None,
        submitted_at: Annotated[str | None, Form()] = None,
        facts: Annotated[str | None, Form(description="情形（JSON 对象）")] = None,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> Accepted:
        """提交申请：材料落盘并登记后返回 202 与申请编号；核验在后台进行。"""
        fields = bundle_fields(
            application,
            service=service_,
            jurisdiction=jurisdiction,
            office=office,
            applicant_name=applicant_name,
            applicant_id_number=applicant_id_number,
            submitted_at=submitted_at,
            facts=facts,
        )
        uploads = [service.Upload(f.filename or "file", f.file.read()) for f in files]
        result = service.submit(
            state.db,
            state.storage,
            owner=principal.name,
            fields=fields,
            uploads=uploads,
            idempotency_key=idempotency_key,
            settings=state.settings,
        )
        if result.created or result.status in ("received", "processing"):
            state.worker.enqueue(result.application_id)
        base = f"/applications/{result.application_id}"
        return Accepted(
            application_id=result.application_id,
            status=result.status,
            created=result.created,
            links={"self": base, "explanation": f"{base}/explanation"},
        )

    @router.get("/applications", tags=["applications"])
    def list_applications(
        state: StateDep,
        principal: Reader,
        status: Literal["received", "processing", "done", "failed"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        """申请列表（最新在前）：门户只看到自己提交的，经办与审计人员看到全部。"""
        owner = principal.name if principal.role == "portal" else None
        return service.list_applications(state.db, owner=owner, status=status, limit=limit)

    @router.get("/applications/{app_id}", response_model=ApplicationStatus, tags=["applications"])
    def get_application(app_id: str, state: StateDep, principal: Reader) -> dict[str, Any]:
        """状态与（完成后的）受理结论 verdict/1。"""
        may_read(state, principal, app_id)
        status = service.application_status(state.db, app_id)
        if principal.role == "portal":
            status["reviews"] = []  # clerks' internal notes stay inside the office
        return status

    @router.get(
        "/applications/{app_id}/explanation", response_model=Explanation, tags=["applications"]
    )
    def explanation(app_id: str, state: StateDep, principal: Clerk) -> dict[str, Any]:
        """逐条说明：每个问题的中文说明、所在材料、页码、位置、规则与依据。"""
        status = service.application_status(state.db, app_id)
        verdict = status["verdict"]
        if verdict is None:
            raise NotReady(f"申请 {app_id} 尚未完成核验（状态：{status['status']}）")
        return {
            "application_id": app_id,
            "verdict": verdict["verdict"],
            "verdict_version": status["verdict_version"],
            "rules_version": verdict.get("rules_version", ""),
            "findings": service.explain(verdict, state.catalogue),
            "materials": verdict.get("materials", []),
        }

    @router.post(
        "/applications/{app_id}/reviews",
        status_code=201,
        response_model=Review,
        tags=["applications"],
    )
    def review(app_id: str, body: ReviewIn, state: StateDep, principal: ClerkOnly) -> dict:
        """记录经办人员的复核决定及理由（追加，不覆盖）。"""
        return service.record_review(
            state.db, app_id, clerk=principal.name, decision=body.decision, reason=body.reason
        )

    @router.get("/services", tags=["catalogue"])
    def services(state: StateDep, principal: Reader) -> list[dict[str, Any]]:
        """办理事项目录（编码、名称、分类、地区、机构、别名）。"""
        from rules.cli import summary

        cat = state.catalogue
        return [summary(s, cat) for s in cat.all_entries(dt.date.today())]

    @router.post("/audit/samples", status_code=202, response_model=SampleAccepted, tags=["audit"])
    def create_sample(body: SampleIn, state: StateDep, principal: Auditor) -> SampleAccepted:
        """抽样复核：按结论、事项、期间分层随机抽取已存结论，从原始文件重新核验并比对。"""
        from pipeline import sampling

        spec = sampling.SampleSpec(
            size=body.size,
            seed=body.seed,
            by=tuple(body.by),
            since=body.since,
            until=body.until,
            fresh_ocr=body.fresh_ocr,
        )
        sample_id, seed = sampling.open_sample(state.db, spec, actor=principal.name)
        state.worker.pool.submit(
            sampling.run_open_sample, state.db, state.storage, sample_id, spec, principal.name
        )
        return SampleAccepted(
            sample_id=sample_id, seed=seed, links={"self": f"/audit/samples/{sample_id}"}
        )

    @router.get("/audit/samples/{sample_id}", tags=["audit"])
    def get_sample(sample_id: int, state: StateDep, principal: Auditor) -> dict[str, Any]:
        """抽样复核报告（status: running | done | failed）。"""
        from pipeline import sampling

        return sampling.get_sample(state.db, state.storage, sample_id)

    @router.get("/audit/log", tags=["audit"])
    def audit_log(
        state: StateDep,
        principal: Auditor,
        after_seq: int = 0,
        limit: int = 100,
        subject: str | None = None,
    ) -> dict[str, Any]:
        """审计日志（哈希链）及其校验结果。"""
        from pipeline import audit

        chain = audit.verify_chain_result(state.db)
        return {
            "chain": chain,
            "entries": audit.list_entries(
                state.db, subject=subject, limit=min(limit, 1000), after_seq=after_seq
            ),
        }

    return router


def bundle_fields(
    application: str | None,
    *,
    service: str | None,
    jurisdiction: str | None,
    office: str | None,
    applicant_name: str | None,
    applicant_id_number: str | None,
    submitted_at: str | None,
    facts: str | None,
) -> dict[str, Any]:
    """application.json as a JSON form field, overridden by individual form fields."""
    data: dict[str, Any] = {}
    if application:
        data = _json_object(application, "application")
    for key, value in (
        ("service", service),
        ("jurisdiction", jurisdiction),
        ("office", office),
        ("submitted_at", submitted_at),
    ):
        if value:
            data[key] = value
    if applicant_name or applicant_id_number:
        applicant = dict(data.get("applicant") or {})
        if applicant_name:
            applicant["name"] = applicant_name
        if applicant_id_number:
            applicant["id_number"] = applicant_id_number
        data["applicant"] = applicant
    if facts:
        data["facts"] = _json_object(facts, "facts")
    return data


def _json_object(text: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BadApplication(f"字段 {name} 不是有效的 JSON：{exc}") from exc
    if not isinstance(value, dict):
        raise BadApplication(f"字段 {name} 必须是 JSON 对象")
    return value
