"""Value parsers: OCR text → contract formats (dates, amounts, 大写, IDs, numbers, grades)."""

from __future__ import annotations

import pytest

from extractors import parsers

DATES = [
    ("cn_digits", "事故时间：2025年5月2日", "2025-05-02"),
    ("cn_padded", "2025年05月02日", "2025-05-02"),
    ("cn_numerals", "二〇二五年五月二日", "2025-05-02"),
    ("cn_numerals_tens", "二〇二四年十二月三十一日", "2024-12-31"),
    ("iso", "开票日期:2025-05-02", "2025-05-02"),
    ("dots", "2025.5.2", "2025-05-02"),
    ("slashes", "2025/05/02", "2025-05-02"),
    ("compact", "日期20250502", "2025-05-02"),
    ("ocr_letter_o", "2O25年1O月12日", "2025-10-12"),
    ("spaces", "2025 年 5 月 2 日", "2025-05-02"),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in DATES], ids=[i for i, _, _ in DATES])
def test_parse_date(text: str, want: str) -> None:
    parsed = parsers.parse_date(text)
    assert parsed is not None and parsed.value == want


@pytest.mark.parametrize(
    "text",
    ["2025年13月2日", "2025年2月30日", "合计 511.70", ""],
    ids=["month13", "feb30", "no_date", "empty"],
)
def test_parse_date_rejects(text: str) -> None:
    assert parsers.parse_date(text) is None


AMOUNTS = [
    ("yuan_sign", "¥511.7", "511.70"),
    ("fullwidth_sign", "￥511.70", "511.70"),
    ("thousands", "合计 1,234.50元", "1234.50"),
    ("integer", "金额 12元", "12.00"),
    ("label_with_unit", "合计金额(元):447.53", "447.53"),
]


@pytest.mark.parametrize(
    "text,want", [(t, w) for _, t, w in AMOUNTS], ids=[i for i, _, _ in AMOUNTS]
)
def test_parse_amount(text: str, want: str) -> None:
    parsed = parsers.parse_amount(text)
    assert parsed is not None and parsed.value == want


DAXIE = [
    ("jiao", "伍佰壹拾壹元柒角整", "511.70"),
    ("inner_zero", "壹仟零伍拾元整", "1050.00"),
    ("fen", "叁万贰仟元零捌分", "32000.08"),
    ("only_jiao", "零元伍角", "0.50"),
    ("yuan_zheng", "人民币大写：壹佰圆整", "100.00"),
    ("wan_zero", "壹万零伍元整", "10005.00"),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in DAXIE], ids=[i for i, _, _ in DAXIE])
def test_parse_daxie(text: str, want: str) -> None:
    parsed = parsers.parse_daxie(text)
    assert parsed is not None and parsed.value == want


IDS = [
    ("plain", "身份证号码：21062419780416783X", "21062419780416783X"),
    ("lower_x", "21062419780416783x", "21062419780416783X"),
    ("ocr_o_for_0", "21O62419780416783X", "21062419780416783X"),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in IDS], ids=[i for i, _, _ in IDS])
def test_parse_id_number(text: str, want: str) -> None:
    parsed = parsers.parse_id_number(text)
    assert parsed is not None and parsed.value == want


def test_parse_id_number_prefers_valid_checksum_and_flags_invalid() -> None:
    assert parsers.parse_id_number("21062419780416783X").quality == 1.0
    assert parsers.parse_id_number("210624197804167831").quality < 1.0  # ranks below valid
    assert parsers.parse_id_number("电话 13912345678") is None


DOCNOS = [
    ("fancy_brackets", "朝人社工伤认字〔2025〕123号", "朝人社工伤认字〔2025〕123号"),
    ("square_brackets", "朝人社工伤认字[2025]123号", "朝人社工伤认字〔2025〕123号"),
    ("round_fullwidth", "沈人社工伤认字（2024）7号", "沈人社工伤认字〔2024〕7号"),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in DOCNOS], ids=[i for i, _, _ in DOCNOS])
def test_parse_document_number(text: str, want: str) -> None:
    parsed = parsers.parse_document_number(text)
    assert parsed is not None and parsed.value == want


GRADES = [
    ("cn", "伤残七级", 7),
    ("digit", "致残程度：伤残10级", 10),
    ("grade_first", "十级伤残", 10),
    ("one", "伤残一级", 1),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in GRADES], ids=[i for i, _, _ in GRADES])
def test_parse_grade(text: str, want: int) -> None:
    parsed = parsers.parse_grade(text)
    assert parsed is not None and parsed.value == want


def test_parse_grade_rejects_out_of_range() -> None:
    assert parsers.parse_grade("伤残十一级") is None


NAMES = [
    ("label_after", "张三 性别 男", "张三"),
    ("glued_label", "张三性别男", "张三"),
    ("four_chars", "欧阳娜娜", "欧阳娜娜"),
    ("minority", "阿依古丽·买买提", "阿依古丽·买买提"),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in NAMES], ids=[i for i, _, _ in NAMES])
def test_parse_person_name(text: str, want: str) -> None:
    parsed = parsers.parse_person_name(text)
    assert parsed is not None and parsed.value == want


@pytest.mark.parametrize(
    "text",
    ["性别：男", "民族汉", "交款人", "12345"],
    ids=["gender_label", "ethnicity_label", "role_word", "digits"],
)
def test_parse_person_name_rejects_labels(text: str) -> None:
    assert parsers.parse_person_name(text) is None


VISITS = [
    ("inpatient", "辽宁省医疗住院收费票据（电子）", "住院"),
    ("outpatient", "辽宁省医疗门诊收费票据", "门诊"),
    ("emergency", "门急诊病历", "门诊"),
]


@pytest.mark.parametrize("text,want", [(t, w) for _, t, w in VISITS], ids=[i for i, _, _ in VISITS])
def test_parse_visit_type(text: str, want: str) -> None:
    assert parsers.parse_visit_type(text).value == want


def test_card_numbers() -> None:
    assert parsers.parse_card_number("H48002169").value == "H48002169"
    assert parsers.parse_card_number("6214 8301 2345 6789").value == "6214830123456789"
    assert parsers.parse_invoice_number("票据号码：0097747510").value == "0097747510"
    assert parsers.parse_invoice_code("21060223").value == "21060223"


def _decision_page(signature_date: str) -> list:
    from pipeline.models import OcrLine, OcrPage, PageQuality

    texts = [
        "认定工伤决定书",
        "事故时间：2025年08月23日",
        "经查：2025年08月23日，沈茂诚在本单位施工现场工作时受伤。",
        "现予以认定为工伤。",
        "大连市人力资源和社会保障局",
        signature_date,
        "抄送：辽宁恒信商贸有限公司",
    ]
    lines = tuple(
        OcrLine(text=t, confidence=0.99, bbox=(60, 40 + 40 * i, 700, 70 + 40 * i))
        for i, t in enumerate(texts)
    )
    return [
        OcrPage(
            file="decision.jpg",
            page=1,
            width=800,
            height=400,
            source="ocr",
            content_hash="x",
            lines=lines,
            quality=PageQuality(sharpness=300.0, brightness=240.0, contrast=50.0),
        )
    ]


def test_decision_date_is_the_signature_date_and_a_misread_one_is_not_trusted() -> None:
    """The decision date is the date under the issuer. When OCR turned it into no date at
    all (10月 read as 40月), the earlier narrative date is only a guess: low confidence."""
    from extractors import load_specs
    from extractors.engine import extract_fields

    spec = load_specs()["injury_decision"]
    good = extract_fields(spec, _decision_page("2025年10月14日")).fields["decision_date"]
    assert good.value == "2025-10-14" and good.confidence > 0.85
    misread = extract_fields(spec, _decision_page("2025年40月14日")).fields["decision_date"]
    assert misread.confidence < 0.5
