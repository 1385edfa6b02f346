"""What the flows share: the configured database/storage and the retry policy."""

from __future__ import annotations

from typing import Any

from pipeline.errors import StorageError
from pipeline.service import install_log_masking

TRANSIENT = (StorageError, ConnectionError, TimeoutError)

install_log_masking()  # flow and task logs never show full ID numbers


def is_transient(exc: BaseException | None) -> bool:
    """Retry storage/network hiccups and database disconnects; never bad input."""
    if exc is None:
        return False
    if isinstance(exc, TRANSIENT):
        return True
    try:
        from sqlalchemy.exc import DBAPIError, OperationalError

        if isinstance(exc, OperationalError) or (
            isinstance(exc, DBAPIError) and exc.connection_invalidated
        ):
            return True
    except ImportError:  # pragma: no cover
        pass
    return False


def retry_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect retry_condition_fn: retry only transient failures."""
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we only classify it
        return is_transient(exc)
    return False


def service_context() -> tuple[Any, Any]:
    """(database, storage) as configured by INTAKE_* variables."""
    from pipeline.storage import make_storage
    from pipeline.store import get_database

    return get_database(), make_storage()
