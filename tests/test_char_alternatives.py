"""Doubtful characters keep the recogniser's runner-up readings, and a personal name's
surname is settled from them: a surname is a closed set, a look-alike such as 间 is not
in it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from extractors import surnames
from pipeline.models import CharAlternatives, OcrLine
from pipeline.recognition import UNCERTAIN_BELOW, decode_with_alternatives
from tests.conftest import SAMPLES

PHOTO_APP = SAMPLES / "eval" / "gs_travel_accept"


def _frames(*rows: dict[int, float], size: int = 6) -> np.ndarray:
    """CTC output frames: each row a {label: probability} over a small alphabet."""
    probs = np.zeros((len(rows), size), dtype=np.float32)
    for t, row in enumerate(rows):
        for label, p in row.items():
            probs[t, label] = p
    return probs


ALPHABET = ["", "姓", "间", "阎", "闻", "辰"]


def test_decoding_collapses_repeats_and_keeps_candidates_only_for_doubtful_characters():
    probs = _frames(
        {1: 0.99, 0: 0.01},
        {1: 0.98, 0: 0.02},  # same character over two frames: one 姓
        {0: 1.0},
        {2: 0.42, 3: 0.40, 4: 0.16, 0: 0.02},
        {2: 0.45, 3: 0.39, 4: 0.15, 0: 0.01},  # most certain frame of the run
        {0: 1.0},
        {5: 0.995, 0: 0.005},
    )
    text, alternatives = decode_with_alternatives(probs, ALPHABET)
    assert text == "姓间辰"
    assert len(alternatives) == 1
    only = alternatives[0]
    assert only.index == 1
    assert [c for c, _ in only.options] == ["间", "阎", "闻"]
    assert only.options[0][1] == pytest.approx(0.45, abs=1e-4)
    assert all(p < UNCERTAIN_BELOW for _, p in only.options)


def _line(text: str, *alternatives: CharAlternatives) -> OcrLine:
    return OcrLine(text=text, confidence=0.94, bbox=(0, 0, 100, 20), alternatives=alternatives)


DOUBT = CharAlternatives(index=3, options=(("间", 0.42), ("阎", 0.40), ("闻", 0.16)))


def test_a_look_alike_that_is_no_surname_gives_way_to_the_likeliest_surname():
    assert surnames.prefer_surname("间辰", _line("姓名：间辰", DOUBT)) == "阎辰"


def test_a_name_is_found_in_its_line_despite_spaces():
    assert (
        surnames.prefer_surname(
            "间辰", _line("姓名： 间 辰", DOUBT.model_copy(update={"index": 4}))
        )
        == "阎辰"
    )


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("阎辰", _line("姓名：阎辰", DOUBT)),  # already a surname
        ("间辰", _line("姓名：间辰")),  # no candidates recorded
        (
            "间辰",
            _line("姓名：间辰", CharAlternatives(index=4, options=(("辰", 0.5), ("宸", 0.4)))),
        ),
        (
            "间辰",
            _line("姓名：间辰", CharAlternatives(index=3, options=(("间", 0.9), ("阎", 0.05)))),
        ),
        ("买买提·艾力", _line("姓名：买买提·艾力", DOUBT)),  # minority name
        (
            "欧阳辰",
            _line("姓名：欧阳辰", CharAlternatives(index=3, options=(("欧", 0.6), ("殴", 0.3)))),
        ),
    ],
)
def test_names_without_evidence_for_another_surname_are_left_alone(name, line):
    assert surnames.prefer_surname(name, line) == name


def test_every_generated_surname_is_known():
    from samples.generator.person import SURNAMES

    assert set(SURNAMES) <= surnames.SINGLE_SURNAMES


def test_the_surname_list_holds_no_common_look_alikes():
    """Characters OCR confuses surnames with must stay out of the list, or they would
    pass as surnames and never be questioned."""
    assert {"间", "问", "闸", "闪", "阀"}.isdisjoint(surnames.SINGLE_SURNAMES)


def test_a_blurred_surname_on_a_photo_reads_as_the_labelled_name(ocr_engine):
    """The photographed discharge summary: the recogniser is split between 间 and 阎 on the
    surname; the extracted patient name is the labelled one, and the evidence still shows
    what OCR read."""
    from extractors import extract_document
    from pipeline.classify import split_and_classify
    from pipeline.ingest import load_file
    from pipeline.ocr import read_file

    truth = json.loads((SAMPLES / "eval" / "gs_travel_accept.truth.json").read_text("utf-8"))
    want = next(d for d in truth["documents"] if d["file"] == "出院小结.jpg")
    name = want["fields"]["patient_name"]["value"]

    pages = read_file(load_file(PHOTO_APP / "出院小结.jpg"), ocr_engine)
    name_line = next(ln for ln in pages[0].lines if ln.text.startswith("姓名"))
    doubtful = {c for a in name_line.alternatives for c, _ in a.options}
    assert name[0] in doubtful, "the recogniser's candidates include the true surname"

    ((group, cls),) = split_and_classify(pages)
    doc = extract_document("出院小结.jpg", group, cls)
    assert doc.type == "medical_record"
    got = doc.fields["patient_name"]
    assert got.value == name
    assert got.text == name_line.text
    assert got.bbox == name_line.bbox


def test_a_fragment_of_a_line_already_read_is_not_added_twice(ocr_engine):
    """The seal band re-read returns pieces of lines the page read already holds whole;
    they must not come back as extra lines (a duplicated clause would be read twice)."""
    from pipeline.ingest import load_file
    from pipeline.ocr import read_file
    from pipeline.preprocess import _share_of

    pages = read_file(load_file(PHOTO_APP / "出院小结.jpg"), ocr_engine)
    lines = pages[0].lines

    nested = [
        (a.text, b.text)
        for a in lines
        for b in lines
        if a is not b and _share_of(a.bbox, b.bbox) >= 0.5
    ]
    assert nested == []
