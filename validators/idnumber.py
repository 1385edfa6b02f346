"""Resident ID numbers (GB 11643): checksum, embedded birth date and gender."""

from __future__ import annotations

import datetime as dt
import re

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from validators.base import CheckResult, Reason, check


@check("id_number")
def check_id_number(value: str, **params) -> CheckResult:
    """18 characters, a real birth date, and the mod 11-2 check character."""
    value = str(value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return CheckResult.failed(Reason.ID_FORMAT, value=value, **params)
    try:
        ric.validate(value)
    except stdnum_exc.InvalidChecksum:
        return CheckResult.failed(Reason.ID_CHECKSUM, value=value, **params)
    except stdnum_exc.InvalidComponent:
        if birth_from_id(value) is None:
            return CheckResult.failed(Reason.ID_BIRTH_DATE, value=value, **params)
        # python-stdnum also rejects area codes it does not know; the checksum decides here
        if ric.calc_check_digit(value) != value[-1]:
            return CheckResult.failed(Reason.ID_CHECKSUM, value=value, **params)
    except stdnum_exc.ValidationError:
        return CheckResult.failed(Reason.ID_FORMAT, value=value, **params)
    return CheckResult.passed()


def birth_from_id(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender_from_id(value: str) -> str:
    return "男" if int(value[16]) % 2 else "女"


@check("id_consistent")
def check_id_consistent(
    value: str, *, birth_date: str | None = None, gender: str | None = None, **params
) -> CheckResult:
    """Birth date and gender printed on the document agree with those the ID number encodes."""
    value = str(value or "").upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return CheckResult.passed()  # format problems are check_id_number's
    id_birth = birth_from_id(value)
    if birth_date and id_birth and str(birth_date) != id_birth.isoformat():
        return CheckResult.failed(
            Reason.ID_BIRTH_MISMATCH,
            value=value,
            birth_date=birth_date,
            id_birth_date=id_birth.isoformat(),
            **params,
        )
    if gender in ("男", "女") and gender != gender_from_id(value):
        return CheckResult.failed(
            Reason.ID_GENDER_MISMATCH,
            value=value,
            gender=gender,
            id_gender=gender_from_id(value),
            **params,
        )
    return CheckResult.passed()
