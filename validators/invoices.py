"""Invoices: arithmetic, 大写 vs 小写, QR payload vs print, duplicates."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from validators.base import CheckResult, Reason, check


def dec(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ""))
    except (InvalidOperation, TypeError, ValueError):
        return None


@check("items_sum")
def check_items_sum(items: list[dict], total: object, **params) -> CheckResult:
    amounts = [dec(i.get("amount")) for i in items]
    want = dec(total)
    if len(amounts) < 2 or want is None or any(a is None for a in amounts):
        return CheckResult.passed()
    got = sum(amounts, Decimal("0"))
    if abs(got - want) > Decimal("0.01"):
        return CheckResult.failed(
            Reason.ITEMS_SUM, items_sum=f"{got:.2f}", value=f"{want:.2f}", **params
        )
    return CheckResult.passed()


@check("words_match_figures")
def check_words(words: object, total: object, **params) -> CheckResult:
    a, b = dec(words), dec(total)
    if a is None or b is None or a == b:
        return CheckResult.passed()
    return CheckResult.failed(Reason.WORDS_MISMATCH, words=f"{a:.2f}", value=f"{b:.2f}", **params)


QR_LABELS = {
    "invoice_code": "票据（发票）代码",
    "invoice_number": "票据（发票）号码",
    "total_amount": "金额",
    "issue_date": "开票日期",
}
_JSON_KEYS = {
    "invoice_code": ("invoice_code", "code", "billcode", "fpdm", "pjdm", "dm"),
    "invoice_number": ("invoice_number", "number", "billno", "fphm", "pjhm", "hm", "no"),
    "total_amount": ("total_amount", "amount", "total", "je", "jshj", "hjje", "money"),
    "issue_date": ("issue_date", "date", "kprq", "rq"),
}


def parse_qr(payload: str) -> dict[str, str]:
    """Invoice fields a QR payload carries, in the printed fields' formats.

    Understands the national VAT layout (01,版本,代码,号码,金额,YYYYMMDD,校验码,…), JSON
    objects and key=value lists; other payloads (URLs without fields) give {}.
    """
    payload = payload.strip()
    out: dict[str, str] = {}
    data: dict[str, object] | None = None
    if payload.startswith("{"):
        try:
            loaded = json.loads(payload)
            data = loaded if isinstance(loaded, dict) else None
        except json.JSONDecodeError:
            data = None
    elif "=" in payload:
        data = dict(kv.split("=", 1) for kv in re.split(r"[&;|?\n]", payload) if "=" in kv)
    if data is not None:
        lowered = {str(k).lower(): v for k, v in data.items()}
        for field, keys in _JSON_KEYS.items():
            for key in keys:
                if key in lowered and str(lowered[key]).strip():
                    out[field] = str(lowered[key]).strip()
                    break
    else:
        parts = [p.strip() for p in re.split(r"[,，|]", payload)]
        if len(parts) >= 6 and parts[0] == "01":
            # national VAT layout: the amount is before tax (金额), not 价税合计
            out = {
                "invoice_code": parts[2],
                "invoice_number": parts[3],
                "amount_excl_tax": parts[4],
                "issue_date": parts[5],
            }

            out = {k: v for k, v in out.items() if v}
        elif len(parts) >= 3:
            out = _by_shape(parts)
    if "issue_date" in out:
        digits = re.sub(r"\D", "", out["issue_date"])
        if len(digits) == 8:
            out["issue_date"] = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    if "total_amount" in out:
        amount = dec(out["total_amount"])
        if amount is None:
            out.pop("total_amount")
        else:
            out["total_amount"] = f"{amount:.2f}"
    return out


def _by_shape(parts: list[str]) -> dict[str, str]:
    """Receipt QR lists without a national header: fields recognised by their shape
    (amount has decimals, date is YYYYMMDD / YYYY-MM-DD, code and number are digit runs in order)."""
    out: dict[str, str] = {}
    digit_runs: list[str] = []
    for part in parts:
        if re.fullmatch(r"-?\d+\.\d{1,2}", part) and "total_amount" not in out:
            out["total_amount"] = part
        elif (
            re.fullmatch(r"(19|20)\d{2}-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])", part)
            and "issue_date" not in out
        ):
            out["issue_date"] = part
        elif re.fullmatch(r"\d{8,20}", part):
            digit_runs.append(part)
    if len(digit_runs) >= 2:
        out["invoice_code"], out["invoice_number"] = digit_runs[0], digit_runs[1]
    elif len(digit_runs) == 1:
        out["invoice_number"] = digit_runs[0]
    return out


@check("qr_matches_print")
def check_qr(payload: str, printed: dict[str, object], **params) -> CheckResult:
    """Every field the QR carries must equal the printed one (where both are present)."""
    encoded = parse_qr(payload)
    for field, qr_value in encoded.items():
        value = printed.get(field)
        if value in (None, ""):
            continue
        same = (
            (dec(value) == dec(qr_value))
            if field == "total_amount"
            else str(value).lstrip("0") == qr_value.lstrip("0")
        )
        if not same:
            return CheckResult.failed(
                Reason.QR_MISMATCH,
                field=field,
                label=QR_LABELS[field],
                qr_value=qr_value,
                value=value,
                **params,
            )
    return CheckResult.passed()


def invoice_key(code: object, number: object) -> tuple[str | None, str] | None:
    if not number:
        return None
    return (str(code) if code else None, str(number))
