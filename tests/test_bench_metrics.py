"""Benchmark accuracy measures and page selection on hand-built data (no OCR)."""

from __future__ import annotations

import json
from pathlib import Path

from samples.bench import char_f1, field_recall, select_pages


def test_char_f1_is_order_free_and_ignores_whitespace() -> None:
    assert char_f1("认定工伤决定书", "认定工伤决定书") == 1.0
    assert char_f1("认定 工伤\n决定书", "决定书认定工伤") == 1.0
    assert char_f1("abc", "xyz") == 0.0
    half = char_f1("abcd", "ab")  # precision 1, recall 0.5
    assert abs(half - 2 / 3) < 1e-9
    assert char_f1("", "") == 1.0


def test_field_recall_counts_verbatim_fields() -> None:
    text = "交款人：张三\n票据号码：0012345678\n合计 511.70"
    assert field_recall(["张三", "0012345678", "511.70"], text) == 1.0
    assert field_recall(["张三", "0012345679"], text) == 0.5
    assert field_recall([], text) == 1.0


def test_select_pages_round_robins_types(tmp_path: Path) -> None:
    for name, docs in {
        "c1": [("a.jpg", "medical_invoice"), ("b.jpg", "id_card"), ("c.pdf", "expense_list")],
        "c2": [("a.jpg", "medical_invoice"), ("d.png", "injury_decision")],
    }.items():
        (tmp_path / name).mkdir()
        truth_docs = []
        for file, dtype in docs:
            (tmp_path / name / file).write_bytes(b"x")
            truth_docs.append(
                {
                    "file": file,
                    "pages": [1],
                    "type": dtype,
                    "text": dtype,
                    "fields": {"f": {"value": "v", "text": "v"}},
                }
            )
        (tmp_path / f"{name}.truth.json").write_text(
            json.dumps({"name": name, "documents": truth_docs})
        )
    pages = select_pages(tmp_path, 3)
    assert [p.doc_type for p in pages] == ["id_card", "injury_decision", "medical_invoice"]
    assert all(p.file.suffix != ".pdf" for p in select_pages(tmp_path, 10))
    assert len(select_pages(tmp_path, 10)) == 4
