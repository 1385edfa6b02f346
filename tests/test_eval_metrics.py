"""Evaluation metrics on hand-built results (no OCR): rates, confusion, field matching."""

from __future__ import annotations

from samples.evaluate import (
    NONE_TYPE,
    CaseResult,
    FieldCheck,
    compare_documents,
    match_documents,
    summarise,
    to_markdown,
    values_match,
)


def _case(
    name,
    expected,
    verdict,
    *,
    review=False,
    pages=2,
    seconds=4.0,
    types=(),
    fields=(),
    codes=(),
    expected_codes=(),
):
    return CaseResult(
        name,
        "svc",
        expected,
        verdict,
        list(expected_codes),
        list(codes),
        review,
        pages,
        seconds,
        list(types),
        list(fields),
    )


def test_verdict_rates() -> None:
    results = [
        _case("a1", "accept", "accept"),
        _case("a2", "accept", "deficient", review=True),
        _case("d1", "deficient", "accept", expected_codes=["missing_material"]),
        _case(
            "d2",
            "deficient",
            "deficient",
            codes=["missing_material"],
            expected_codes=["missing_material"],
        ),
        _case("o1", "out_of_scope", "out_of_scope", pages=0, seconds=0.0),
    ]
    s = summarise(results)
    assert s["applications"] == 5
    assert s["verdict_accuracy"] == 0.6
    assert s["false_accept_rate"] == round(1 / 3, 4)  # d1 of {d1, d2, o1}
    assert s["false_reject_rate"] == 0.5  # a2 of {a1, a2}
    assert s["review_required_rate"] == 0.2
    assert s["finding_code_recall"] == 0.5
    assert s["pages_per_second"] == round(8 / 16.0, 3)
    assert s["verdict_matrix"]["deficient→accept"] == 1


def test_confusion_and_field_accuracy() -> None:
    results = [
        _case(
            "x",
            "accept",
            "accept",
            types=[
                ("medical_invoice", "medical_invoice"),
                ("id_card", "unknown"),
                ("expense_list", NONE_TYPE),
            ],
            fields=[
                FieldCheck("medical_invoice", "total_amount", "511.70", "511.7", True),
                FieldCheck("medical_invoice", "payer_name", "张三", "张二", False),
                FieldCheck("id_card", "name", "张三", None, False),
            ],
        ),
    ]
    s = summarise(results)
    assert s["classification_accuracy"] == round(1 / 3, 4)
    assert s["confusion"]["id_card"] == {"unknown": 1}
    assert s["confusion"]["expense_list"] == {NONE_TYPE: 1}
    inv = s["field_accuracy"]["medical_invoice"]
    assert inv["total_amount"]["accuracy"] == 1.0 and inv["payer_name"]["accuracy"] == 0.0
    assert s["field_exact_match"] == round(1 / 3, 4)
    md = to_markdown(s)
    assert "| medical_invoice | payer_name | 0 | 1 | 0.0% |" in md
    assert "误受理率" in md


def test_values_match_normalises_formats() -> None:
    assert values_match("511.70", "511.7")
    assert values_match(7, "7")
    assert values_match(["张三", "李四"], ["李四", "张三"])
    assert values_match("朝人社工伤认字（2025）12号", "朝人社工伤认字(2025)12号")
    assert values_match("21010219850312451x", "21010219850312451X")
    assert values_match(True, True) and not values_match(True, False)
    assert not values_match("0012345678", "12345678")
    assert not values_match("2025-05-02", "2025-05-03")
    assert not values_match(None, "x")


def test_documents_pair_by_file_and_pages() -> None:
    truth = [
        {
            "file": "a.pdf",
            "pages": [1],
            "type": "injury_decision",
            "fields": {"employee_name": {"value": "张三"}},
        },
        {
            "file": "a.pdf",
            "pages": [2, 3],
            "type": "medical_invoice",
            "fields": {"total_amount": {"value": "1.00"}},
        },
        {"file": "b.jpg", "pages": [1], "type": "id_card", "fields": {"name": {"value": "张三"}}},
    ]
    predicted = [
        {
            "file": "a.pdf",
            "pages": [2, 3],
            "type": "medical_invoice",
            "fields": {"total_amount": {"value": "1.0"}},
        },
        {
            "file": "a.pdf",
            "pages": [1],
            "type": "injury_decision",
            "fields": {"employee_name": {"value": "张三"}},
        },
    ]
    pairs = match_documents(truth, predicted)
    assert pairs[0][1]["type"] == "injury_decision" and pairs[1][1]["type"] == "medical_invoice"
    assert pairs[2][1] is None
    types, checks = compare_documents(truth, predicted)
    assert types[2] == ("id_card", NONE_TYPE)
    assert [c.match for c in checks] == [True, True, False]


def test_accuracy_by_capture_condition() -> None:
    truth = [
        {
            "file": "a.jpg",
            "pages": [1],
            "type": "id_card",
            "degrade": "photo+rot90",
            "fields": {"name": {"value": "张三"}, "id_number": {"value": "1"}},
        },
        {
            "file": "b.pdf",
            "pages": [1],
            "type": "medical_invoice",
            "format": "pdf_text",
            "degrade": None,
            "fields": {"total_amount": {"value": "2.00"}},
        },
    ]
    predicted = [
        {"file": "a.jpg", "pages": [1], "type": "id_card", "fields": {"name": {"value": "张三"}}},
        {
            "file": "b.pdf",
            "pages": [1],
            "type": "medical_invoice",
            "fields": {"total_amount": {"value": "2.0"}},
        },
    ]
    types, checks = compare_documents(truth, predicted)
    r = _case("c", "accept", "accept", types=types, fields=checks)
    r.captures = ["photo+rot90", "born_digital"]
    s = summarise([r])
    assert s["by_capture"]["photo+rot90"] == {
        "documents": 1,
        "classification_accuracy": 1.0,
        "fields": 2,
        "field_exact_match": 0.5,
    }
    assert s["by_capture"]["born_digital"]["field_exact_match"] == 1.0
    assert "| photo+rot90 | 1 | 100.0% | 2 | 50.0% |" in to_markdown(s)
