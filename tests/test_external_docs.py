"""Real documents nobody on this project wrote (../shared/external): every file goes through
ingest → OCR → classify → extract without crashing, gets the right type, and for receipts
the issuer, date and total come out right where a person can read them.

Expected values below were read by eye from the images; None means "not legible enough to
ask for" (blanked by the publishers, covered by a seal, or contradictory on the paper).
Nothing in the product knows these files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXTERNAL

pytestmark = pytest.mark.slow

if not EXTERNAL.is_dir():
    pytest.skip(
        f"external documents not available ({EXTERNAL} is absent); nothing to check",
        allow_module_level=True,
    )

EXPECTED_TYPE_BY_FOLDER = {
    "medical_receipts": "medical_invoice",
    "medical_records": "medical_record",
    "e_invoices": "vat_invoice",
    "id_cards": "id_card",
}
EXPECTED_TYPE_BY_FILE = {
    "paddleocr_cmb_bankcard_masked.jpg": {"bank_card"},
    "paddleocr_train_ticket.jpg": {"transport_ticket"},
    "paddleocr_icbc_pos_slip.jpg": {"unknown"},  # a POS slip names a card but is not one
}

# file: (issuer, issue_date, total_amount)
RECEIPTS: dict[str, tuple[str | None, str | None, str | None]] = {
    "mebi_chongqing_inpatient_paper_receipt_photo.jpg": (
        "重庆医科大学附属第二医院",
        "2021-01-16",
        "9037.61",
    ),
    "mebi_fujian_inpatient_e-receipt_print.jpg": (None, "2021-03-06", "13795.66"),
    "mebi_guangxi_inpatient_paper_receipt.jpg": (
        "广西医科大学第一附属医院",
        "2021-02-03",
        "59408.09",
    ),
    "mebi_guizhou_inpatient_e-receipt_print.jpg": (None, "2020-12-23", "24189.65"),
    "mebi_guizhou_outpatient_e-receipt.jpg": (None, "2021-02-11", "6.00"),
    "mebi_heilongjiang_inpatient_paper_receipt.jpg": ("哈尔滨市第五医院", "2021-04-26", "78851.13"),
    "mebi_henan_inpatient_e-receipt_skewed_multistamp.jpg": (None, "2021-03-09", "51675.55"),
    "mebi_henan_outpatient_e-receipt_small.jpg": ("河南省直第三人民医院", "2021-01-01", "0.50"),
    "mebi_hunan_outpatient_paper_receipt.jpg": (None, None, "2202.67"),
    "mebi_jilin_inpatient_paper_receipt_stamps.jpg": ("吉林大学第一医院", "2021-02-10", "91634.25"),
    "mebi_outpatient_e-receipt_paperprint_photo_large.jpg": ("铜川市人民医院", "2020-10-28", None),
    "mebi_shandong_inpatient_e-receipt_folded_photo.jpg": (None, "2021-02-01", "76142.83"),
    "mebi_shanghai_inpatient_receipt_plainpaper.jpg": ("上海市东方医院", "2021-04-24", "13085.58"),
    "mebi_tianjin_outpatient_e-receipt_verified_stamp.jpg": (
        "天津市急救中心",
        "2021-02-07",
        "370.00",
    ),
}

# other documents whose key fields are legible: file -> {field: value}
OTHER_FIELDS: dict[str, dict[str, str]] = {
    "paddleocr_train_ticket.jpg": {
        "passenger_name": "余友红",
        "travel_date": "2013-07-07",
        "total_amount": "73.00",
    },
    "chineseocr_idcard_sample_xiaojing.png": {"id_number": "370782198709170246"},
    "chineseocr_idcard_sample_xiaojing_rot90.png": {"id_number": "370782198709170246"},
}

FILES = sorted(p for p in EXTERNAL.glob("*/*") if p.is_file() and p.suffix.lower() != ".md")


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def expected_types(path: Path) -> set[str]:
    if path.name in EXPECTED_TYPE_BY_FILE:
        return EXPECTED_TYPE_BY_FILE[path.name]
    return {EXPECTED_TYPE_BY_FOLDER[path.parent.name]}


_CACHE: dict[Path, list] = {}
_PAGES: dict[Path, list] = {}


def read_documents(path: Path, engine) -> list:
    """ingest → OCR → split/classify → extract, once per file per session."""
    if path not in _CACHE:
        from extractors import extract_document
        from pipeline.classify import split_and_classify
        from pipeline.ingest import load_file
        from pipeline.ocr import read_file

        pages = read_file(load_file(path), engine)
        _PAGES[path] = pages
        _CACHE[path] = [extract_document(path.name, g, c) for g, c in split_and_classify(pages)]
    return _CACHE[path]


@pytest.mark.parametrize("path", FILES, ids=[_id(p) for p in FILES])
def test_external_document_type(path: Path, ocr_engine) -> None:
    docs = read_documents(path, ocr_engine)
    assert docs, "every file yields at least one document"
    assert {d.type for d in docs} <= expected_types(path), [
        (d.type, d.classification) for d in docs
    ]
    for doc in docs:
        for name, value in doc.fields.items():
            assert value.page is not None and value.text, (name, value)
    # all of them are legible photos and scans: none may be sent back as illegible
    from validators.quality import check_page

    assert all(check_page(page).ok for page in _PAGES[path])


RECEIPT_CASES = [
    (name, field, want)
    for name, values in RECEIPTS.items()
    for field, want in zip(("issuer", "issue_date", "total_amount"), values, strict=True)
    if want is not None
] + [(name, field, want) for name, fields in OTHER_FIELDS.items() for field, want in fields.items()]


@pytest.mark.parametrize(
    "name,field,want",
    RECEIPT_CASES,
    ids=[f"{n.rsplit('.', 1)[0]}-{f}" for n, f, _ in RECEIPT_CASES],
)
def test_external_legible_fields(name: str, field: str, want: str, ocr_engine) -> None:
    path = next((p for p in FILES if p.name == name), None)
    if path is None:
        pytest.skip(f"{name} is not in {EXTERNAL}")
    (doc,) = read_documents(path, ocr_engine)
    assert doc.value(field) == want, doc.fields.get(field)


def test_receipt_table_covers_every_receipt() -> None:
    receipts = {p.name for p in FILES if p.parent.name == "medical_receipts"}
    assert receipts <= set(RECEIPTS), receipts - set(RECEIPTS)
