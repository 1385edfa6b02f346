"""Classification and splitting on constructed OCR pages (pure logic; rendered pages are in
test_extract_rendered.py)."""

from __future__ import annotations

import pytest

from pipeline.classify import classify_page, split_and_classify
from pipeline.models import OcrLine, OcrPage


def page(
    lines: list[str],
    *,
    n: int = 1,
    width: int = 1240,
    height: int = 1754,
    file: str = "a.pdf",
    seal: bool = False,
) -> OcrPage:
    out, y = [], 60
    for text in lines:
        out.append(OcrLine(text=text, confidence=0.97, bbox=(100, y, 100 + 28 * len(text), y + 30)))
        y += 48
    return OcrPage(
        file=file,
        page=n,
        width=width,
        height=height,
        source="ocr",
        content_hash=f"h{n}",
        lines=tuple(out),
        red_seal=seal,
    )


PAGES = {
    "injury_decision": [
        "朝阳市人力资源和社会保障局",
        "认定工伤决定书",
        "朝人社工伤认字〔2025〕123号",
        "职工姓名：李四",
        "事故时间：2025年5月2日",
    ],
    "injury_decision_refused": [
        "沈阳市人力资源和社会保障局",
        "不予认定工伤决定书",
        "沈人社工伤不认字〔2025〕9号",
    ],
    "medical_invoice": [
        "辽宁省医疗门诊收费票据（电子）",
        "票据代码：21060223 票据号码：0097747510",
        "交款人：李四",
        "金额合计（大写）伍佰壹拾壹元柒角整",
    ],
    "expense_list": [
        "辽宁省人民医院",
        "住院费用明细清单",
        "姓名：李四",
        "项目名称 规格 单位 数量 单价 金额",
    ],
    "medical_record": [
        "中国医科大学附属第一医院",
        "出院小结",
        "姓名：李四",
        "出院诊断：右桡骨骨折",
    ],
    "death_certificate": [
        "居民死亡医学证明（推断）书",
        "死者姓名：李四",
        "死亡日期：2025年3月15日",
        "直接死亡原因",
    ],
    "appraisal_conclusion": [
        "朝阳市劳动能力鉴定委员会",
        "劳动能力鉴定结论书",
        "伤残等级：伤残七级",
    ],
    "vat_invoice": [
        "电子发票（普通发票）",
        "发票号码：25212000000012345678",
        "购买方信息 名称：李四",
        "价税合计（大写）",
    ],
    "labour_contract": [
        "劳动合同书",
        "甲方（用人单位）：辽宁恒信物流有限公司",
        "乙方（劳动者）：李四",
        "合同期限：自2024年1月1日起至2026年12月31日止",
    ],
    "power_of_attorney": [
        "授权委托书",
        "委托人：李四",
        "受托人：王五",
        "委托事项：代为办理工伤医疗费用申报",
    ],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_classify_constructed_pages(name: str) -> None:
    want = name.removesuffix("_refused")
    cls = classify_page(page(PAGES[name]))
    assert cls.type == want
    assert cls.anchors and cls.evidence, "a classification says why"
    assert 0.5 < cls.score <= 1.0


OCR_SLIPS = [
    (
        "traditional_char",
        ["认定工伤決定书", "职工姓名：李四", "事故时间：2025年5月2日"],
        "injury_decision",
    ),
    (
        "dropped_char",
        ["辽宁省医疗门诊收费票", "票据代码：21060223", "交款人：李四"],
        "medical_invoice",
    ),
    ("split_title_boxes", ["认定工伤", "决定书", "工伤保险条例"], "injury_decision"),
]


@pytest.mark.parametrize(
    "lines,want", [(lines, want) for _, lines, want in OCR_SLIPS], ids=[i for i, _, _ in OCR_SLIPS]
)
def test_classify_tolerates_ocr_slips(lines: list[str], want: str) -> None:
    assert classify_page(page(lines)).type == want


@pytest.mark.parametrize(
    "lines",
    [["今天天气很好", "我们去公园散步"], ["交易类型：消费", "商户名称：某某超市"], []],
    ids=["prose", "pos_slip", "blank"],
)
def test_unknown_below_threshold(lines: list[str]) -> None:
    assert classify_page(page(lines)).type == "unknown"


def test_card_shape_is_a_cue() -> None:
    lines = ["姓名 李四", "性别 男 民族 汉", "住址 辽宁省沈阳市"]
    card = classify_page(page(lines, width=856, height=540))
    a4 = classify_page(page(lines))
    assert card.type == "id_card"
    assert a4.type != "id_card" or a4.score < card.score


def test_split_multi_document_file() -> None:
    pages = [
        page(PAGES["injury_decision"], n=1),
        page(["本决定书一式三份", "如不服本决定"], n=2),  # continuation, no title
        page(PAGES["medical_invoice"], n=3),
        page(PAGES["medical_invoice"], n=4),  # a second receipt: its own document
        page(PAGES["expense_list"], n=5),
        page(["项目名称 金额", "西药费 54.60"], n=6),
    ]
    groups = split_and_classify(pages)
    assert [(c.type, [p.page for p in g]) for g, c in groups] == [
        ("injury_decision", [1, 2]),
        ("medical_invoice", [3]),
        ("medical_invoice", [4]),
        ("expense_list", [5, 6]),
    ]


def test_split_keeps_id_card_back_with_front() -> None:
    front = page(
        ["姓名 李四", "性别 男 民族 汉", "公民身份号码 21062419780416783X"],
        n=1,
        width=856,
        height=540,
    )
    back = page(
        ["中华人民共和国", "居民身份证", "签发机关 沈阳市公安局", "有效期限 2015.01.01-2035.01.01"],
        n=2,
        width=856,
        height=540,
    )
    groups = split_and_classify([front, back])
    assert len(groups) == 1 and groups[0][1].type == "id_card"


def test_split_two_id_cards_in_one_file() -> None:
    first = page(
        ["姓名 李四", "性别 男 民族 汉", "公民身份号码 21062419780416783X"],
        n=1,
        width=856,
        height=540,
    )
    second = page(
        ["姓名 金蓉", "性别 女 民族 汉", "公民身份号码 210122197912050022"],
        n=2,
        width=856,
        height=540,
    )
    groups = split_and_classify([first, second])
    assert [(c.type, [p.page for p in g]) for g, c in groups] == [
        ("id_card", [1]),
        ("id_card", [2]),
    ]
