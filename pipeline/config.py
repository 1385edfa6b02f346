"""Settings from environment variables (prefix INTAKE_), with zero-setup defaults.

The defaults are the embedded deployment: local files, SQLite, ephemeral
Prefect, everything under ``var/`` beside the project. Production points the
same code at MinIO and PostgreSQL through the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

RENDER_DPI = 200
"""PDF pages without a usable text layer are rendered at this DPI for OCR;
bounding boxes of PDF pages are pixel coordinates at this DPI (text-layer
pages too: points are scaled by RENDER_DPI / 72)."""


class ApiKey(BaseModel):
    """Who holds an API key: role portal | clerk | auditor, and a principal name."""

    role: str
    name: str


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    home: Path = PROJECT_ROOT / "var"
    model_dir: Path | None = None  # default: <home>/models
    ocr_cache_dir: Path | None = None  # default: <home>/ocr-cache
    render_dpi: int = RENDER_DPI

    # ingest limits
    max_file_bytes: int = 50 * 1024 * 1024
    max_pages: int = 50
    max_pixels: int = 80_000_000  # per page, after rendering
    max_files: int = 100

    # confidence below which a decision needs a human
    review_confidence: float = 0.80

    # storage / database
    storage: str = "local"  # local | s3
    storage_dir: Path | None = None  # default: <home>/objects
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "minioadmin"
    s3_secret_key: str = "minioadmin"
    s3_bucket: str = "intake"
    s3_secure: bool = False
    s3_region: str | None = None
    database_url: str | None = None  # default: sqlite:///<home>/intake.db

    # service (API, workers, audit)
    rules_dir: Path | None = None  # default: the rules/ package
    api_keys: dict[str, ApiKey] = Field(default_factory=dict)  # JSON: {"key": {"role", "name"}}
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    workers: int = 1  # background verification threads of `intake serve`
    runner: str = "thread"  # thread | prefect (flow run in-process) | deployment (run_deployment)
    deployment: str = "intake-application/intake-application"  # for runner=deployment
    reports_dir: Path | None = None  # default: <home>/reports

    jurisdiction: str = "辽宁省"
    office: str = "经办机构"

    @property
    def models_path(self) -> Path:
        return self.model_dir or self.home / "models"

    @property
    def ocr_cache_path(self) -> Path:
        return self.ocr_cache_dir or self.home / "ocr-cache"

    @property
    def storage_path(self) -> Path:
        return self.storage_dir or self.home / "objects"

    @property
    def reports_path(self) -> Path:
        return self.reports_dir or self.home / "reports"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'intake.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
