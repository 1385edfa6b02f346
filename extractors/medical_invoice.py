"""医疗收费票据（门诊/住院，纸质/电子）."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.common import daxie_total, issuer_fallback, top_lines, visit_type_from_title
from extractors.engine import ExtractContext, table_items
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_qr, has_seal, register


def _number_near_no(ctx: ExtractContext) -> None:
    """Paper receipts print the number in red beside "NO" without a 票据号码 label."""
    if "invoice_number" in ctx.fields:
        return
    code = ctx.fields.get("invoice_code")
    for placed in top_lines(ctx, 0.3):
        m = re.fullmatch(r"(?:N[Oo0]\.?)?[:：]?(\d{8,12})(?:N[Oo0]\.?)?", placed.compact)
        if m and (code is None or m.group(1) != code.value):
            ctx.set("invoice_number", m.group(1), placed, 0.95 * placed.line.confidence, m.group(0))
            return


def _post(ctx: ExtractContext) -> None:
    _number_near_no(ctx)
    visit_type_from_title(ctx)
    daxie_total(ctx)
    issuer_fallback(ctx)
    ctx.items = table_items(ctx)


def _visual(page) -> float:
    return has_qr(page) + has_seal(page)


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="medical_invoice",
        name="医疗收费票据",
        anchors=(
            Anchor("医疗收费票据", 4, title=True),
            Anchor("医疗门诊收费票据", 4, title=True),
            Anchor("医疗住院收费票据", 4, title=True),
            Anchor("门诊收费票据", 4, title=True),
            Anchor("住院收费票据", 4, title=True),
            Anchor("医疗机构门诊收费", 3, title=True),
            Anchor("医疗机构住院收费", 3, title=True),
            Anchor("收费票据", 2),
            Anchor("票据代码", 1),
            Anchor("票据号码", 1),
            Anchor("交款人", 1),
            Anchor("医保统筹基金支付", 1),
            Anchor("个人自付", 0.5),
            Anchor("医疗机构类型", 1),
            Anchor("业务流水号", 1),
            Anchor("个人账户支付", 1),
            Anchor("现金支付", 0.5),
            Anchor("收款单位", 0.5),
            Anchor("财政部监制", 0.5),
            Anchor("医保类型", 0.5),
        ),
        fields=(
            FieldSpec("invoice_code", ("票据代码", "发票代码"), parsers.parse_invoice_code),
            FieldSpec(
                "invoice_number",
                ("票据号码", "发票号码", "票据号", "NO", "No"),
                parsers.parse_invoice_number,
            ),
            FieldSpec(
                "payer_name", ("交款人", "患者姓名", "姓名", "缴款人"), parsers.parse_person_name
            ),
            FieldSpec(
                "issue_date",
                ("开票日期", "收费日期", "结算日期", "日期"),
                parsers.parse_date,
                scan=True,
            ),
            FieldSpec(
                "total_amount",
                (
                    "（小写）",
                    "(小写)",
                    "小写",
                    "合计金额",
                    "金额合计",
                    "实收金额",
                    "总金额",
                    "合计",
                ),
                parsers.parse_amount,
            ),
            FieldSpec(
                "issuer",
                ("收款单位", "医疗机构名称", "医院名称", "开票单位", "医疗机构"),
                parsers.parse_org,
            ),
            FieldSpec("visit_type", (), parsers.parse_visit_type),
        ),
        negative=("费用清单", "增值税", "费用明细清单"),
        visual=_visual,
        post=_post,
        stop_labels=("大写", "小写", "业务流水号", "性别", "医保"),
    )
