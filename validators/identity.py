"""Identity: the same person across documents and against the applicant."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from validators.base import CheckResult, Reason, check


def normalise_name(name: str) -> str:
    return "".join(str(name).split()).replace("•", "·").replace(".", "·")


def name_distance(a: str, b: str) -> int:
    return Levenshtein.distance(normalise_name(a), normalise_name(b))


@check("same_name")
def check_same_name(value: str, other_value: str, **params) -> CheckResult:
    if normalise_name(value) == normalise_name(other_value):
        return CheckResult.passed()
    return CheckResult.failed(
        Reason.NAME_MISMATCH,
        value=value,
        other_value=other_value,
        distance=name_distance(value, other_value),
        **params,
    )


@check("same_id_number")
def check_same_id(value: str, other_value: str, **params) -> CheckResult:
    """ID numbers must match exactly (upper-case X)."""
    if str(value).strip().upper() == str(other_value).strip().upper():
        return CheckResult.passed()
    return CheckResult.failed(Reason.ID_MISMATCH, value=value, other_value=other_value, **params)
