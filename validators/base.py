"""Named checks with reason codes and Chinese message templates.

A check is ``(value(s), **params) -> CheckResult``; it never raises for bad
input (that is what the result is for). Its reason code maps to a finding
code and a message template, rendered in Chinese only at the edge, from the
code and the params — so the same failure always reads the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pipeline.models import FindingCode, Severity


class Reason(StrEnum):
    ID_FORMAT = "id_format"
    ID_CHECKSUM = "id_checksum"
    ID_BIRTH_DATE = "id_birth_date"
    ID_BIRTH_MISMATCH = "id_birth_mismatch"
    ID_GENDER_MISMATCH = "id_gender_mismatch"
    DATE_FUTURE = "date_future"
    DATE_ORDER = "date_order"
    CONTRACT_TERM = "contract_term"
    NAME_MISMATCH = "name_mismatch"
    ID_MISMATCH = "id_mismatch"
    ITEMS_SUM = "items_sum"
    WORDS_MISMATCH = "words_mismatch"
    QR_MISMATCH = "qr_mismatch"
    DUPLICATE_IN_APPLICATION = "duplicate_in_application"
    DUPLICATE_STORED = "duplicate_stored"
    SEAL_MISSING = "seal_missing"
    PAGE_BLURRED = "page_blurred"
    PAGE_DARK = "page_dark"
    PAGE_CUT_OFF = "page_cut_off"
    PAGE_UNREADABLE = "page_unreadable"
    LOW_CONFIDENCE = "low_confidence"


@dataclass(frozen=True)
class ReasonInfo:
    code: FindingCode
    template: str
    severity: Severity = Severity.ERROR


REASONS: dict[Reason, ReasonInfo] = {
    Reason.ID_FORMAT: ReasonInfo(
        FindingCode.INVALID_FIELD, "{doc}中的{label}“{value}”不是有效的18位公民身份号码，请核对。"
    ),
    Reason.ID_CHECKSUM: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}中的{label}“{value}”校验位错误（GB 11643），号码有误，请核对或提供正确的材料。",
    ),
    Reason.ID_BIRTH_DATE: ReasonInfo(
        FindingCode.INVALID_FIELD, "{doc}中的{label}“{value}”所含出生日期不存在，请核对。"
    ),
    Reason.ID_BIRTH_MISMATCH: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}中的出生日期（{birth_date}）与公民身份号码“{value}”中的出生日期（{id_birth_date}）不一致。",
    ),
    Reason.ID_GENDER_MISMATCH: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}中的性别（{gender}）与公民身份号码“{value}”所示性别（{id_gender}）不一致。",
    ),
    Reason.DATE_FUTURE: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}中的{label}（{value}）晚于申请提交日期（{submitted_at}），日期有误。",
    ),
    Reason.DATE_ORDER: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}中的{label}（{value}）早于{other_doc}中的{other_label}（{other_value}），日期先后不符。",
    ),
    Reason.CONTRACT_TERM: ReasonInfo(
        FindingCode.EXPIRED,
        "{doc}的合同期限（{term_start}至{term_end}）未覆盖受伤日期（{injury_date}），请提供受伤时有效的劳动合同。",
    ),
    Reason.NAME_MISMATCH: ReasonInfo(
        FindingCode.INCONSISTENT_IDENTITY,
        "{doc}中的姓名“{value}”与{other_doc}中的姓名“{other_value}”不一致，请确认是否为同一人的材料。",
    ),
    Reason.ID_MISMATCH: ReasonInfo(
        FindingCode.INCONSISTENT_IDENTITY,
        "{doc}中的公民身份号码“{value}”与{other_doc}中的“{other_value}”不一致，请确认是否为同一人的材料。",
    ),
    Reason.ITEMS_SUM: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}的各项金额合计为{items_sum}元，与票面合计金额{value}元不符。",
    ),
    Reason.WORDS_MISMATCH: ReasonInfo(
        FindingCode.INVALID_FIELD,
        "{doc}的大写金额（{words}元）与小写金额（{value}元）不一致。",
    ),
    Reason.QR_MISMATCH: ReasonInfo(
        FindingCode.TAMPER_SUSPECTED,
        "{doc}二维码中的{label}（{qr_value}）与票面所印（{value}）不一致，票据可能被涂改，请提供原始票据。",
    ),
    Reason.DUPLICATE_IN_APPLICATION: ReasonInfo(
        FindingCode.DUPLICATE_DOCUMENT,
        "{doc}与{other_doc}是同一张票据（代码{code}，号码{number}），同一票据只能报销一次。",
    ),
    Reason.DUPLICATE_STORED: ReasonInfo(
        FindingCode.DUPLICATE_DOCUMENT,
        "{doc}（代码{code}，号码{number}）已在其他申请（{applications}）中使用过，同一票据不能重复报销。",
    ),
    Reason.SEAL_MISSING: ReasonInfo(
        FindingCode.SEAL_MISSING,
        "{doc}应加盖公章，但未发现红色印章，请工作人员核对原件是否加盖公章；如未加盖，请提供加盖公章的材料。",
        Severity.WARNING,
    ),
    Reason.PAGE_BLURRED: ReasonInfo(
        FindingCode.ILLEGIBLE, "“{file}”第{page}页图像模糊，无法辨认，请重新拍摄或扫描后上传该页。"
    ),
    Reason.PAGE_DARK: ReasonInfo(
        FindingCode.ILLEGIBLE,
        "“{file}”第{page}页过暗或过亮，无法辨认，请在光线充足处重新拍摄后上传该页。",
    ),
    Reason.PAGE_CUT_OFF: ReasonInfo(
        FindingCode.ILLEGIBLE,
        "“{file}”第{page}页内容不完整（边缘被裁切），请拍摄完整页面后重新上传该页。",
    ),
    Reason.PAGE_UNREADABLE: ReasonInfo(
        FindingCode.ILLEGIBLE, "“{file}”第{page}页无法识别出文字，请重新拍摄或扫描后上传该页。"
    ),
    Reason.LOW_CONFIDENCE: ReasonInfo(
        FindingCode.LOW_CONFIDENCE,
        "{doc}中的{label}识别置信度较低（“{value}”，{confidence:.0%}），请工作人员核对原件。",
        Severity.INFO,
    ),
}


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one named check: passed, or a reason with the params its message needs."""

    ok: bool
    reason: Reason | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls) -> CheckResult:
        return cls(True)

    @classmethod
    def failed(cls, reason: Reason, **params: Any) -> CheckResult:
        return cls(False, reason, params)

    def message(self, **extra: Any) -> str:
        if self.reason is None:
            return ""
        params = {**self.params, **extra}
        try:
            return REASONS[self.reason].template.format(**params)
        except (KeyError, IndexError, ValueError):
            return f"{REASONS[self.reason].template}（{params}）"


Check = Callable[..., CheckResult]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check by name (services and tests refer to checks by these names)."""

    def deco(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return deco
