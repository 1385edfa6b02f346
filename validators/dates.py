"""Dates: not after the submission, and in the order events happen."""

from __future__ import annotations

import datetime as dt

from validators.base import CheckResult, Reason, check


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


@check("not_future")
def check_not_future(value: object, *, submitted_at: dt.date, **params) -> CheckResult:
    date = as_date(value)
    if date is not None and date > submitted_at:
        return CheckResult.failed(
            Reason.DATE_FUTURE,
            value=date.isoformat(),
            submitted_at=submitted_at.isoformat(),
            **params,
        )
    return CheckResult.passed()


@check("not_before")
def check_not_before(value: object, *, other_value: object, **params) -> CheckResult:
    """``value`` must not be earlier than ``other_value`` (an invoice after the injury)."""
    date, other = as_date(value), as_date(other_value)
    if date is not None and other is not None and date < other:
        return CheckResult.failed(
            Reason.DATE_ORDER, value=date.isoformat(), other_value=other.isoformat(), **params
        )
    return CheckResult.passed()


@check("term_covers")
def check_term_covers(
    term_start: object, term_end: object, *, injury_date: object, **params
) -> CheckResult:
    """The labour contract was in force on the injury date (an open-ended term has no end)."""
    start, end, day = as_date(term_start), as_date(term_end), as_date(injury_date)
    if day is None or (start is None and end is None):
        return CheckResult.passed()
    if (start is not None and day < start) or (end is not None and day > end):
        return CheckResult.failed(
            Reason.CONTRACT_TERM,
            term_start=start.isoformat() if start else "—",
            term_end=end.isoformat() if end else "无固定期限",
            injury_date=day.isoformat(),
            **params,
        )
    return CheckResult.passed()
