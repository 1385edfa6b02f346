"""Validators on rendered documents read with real OCR: each fires on a bad document and
stays silent on a good one. Readings are shared with test_extract_rendered (memoised)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PIL import Image, ImageFilter

from pipeline.models import Applicant, Application, FindingCode
from tests.test_extract_rendered import _TMP, documents_of, generator, read_rendered
from validators import validate

SUBMITTED = dt.date(2026, 3, 1)


def application(seed: int | None = 1, **kw) -> Application:
    applicant = Applicant()
    if seed is not None:
        person = generator.make_person(seed)
        applicant = Applicant(name=person.name, id_number=person.id_number)
    data = {
        "application_id": "app-r",
        "service": "gs_medical_expense",
        "applicant": applicant,
        "submitted_at": SUBMITTED,
    }
    return Application(**{**data, **kw})


def findings_for(*readings, app: Application | None = None):
    docs, pages = [], []
    for _rd, pgs, path in readings:
        docs += documents_of(pgs, path.name)
        pages += pgs
    return validate(docs, pages, app or application(), [])


def codes(findings) -> set[str]:
    return {str(f.code) for f in findings}


def read_image(image: Image.Image, name: str, engine):
    from pipeline.ingest import load_file
    from pipeline.ocr import read_file

    path = _TMP / name
    image.save(path, quality=92)
    return None, read_file(load_file(path), engine), path


def test_seal_present_and_missing(ocr_engine) -> None:
    sealed = read_rendered("injury_decision", 1)
    assert "seal_missing" not in codes(findings_for(sealed))
    rd, pages, _ = sealed
    assert pages[0].seal_boxes
    rgb = np.asarray(rd.image).astype(int)
    red = (rgb[..., 0] > rgb[..., 1] + 40) & (rgb[..., 0] > rgb[..., 2] + 40)
    in_seal = np.zeros(red.shape, bool)
    for x0, y0, x1, y1 in pages[0].seal_boxes:  # only the seal: the red letterhead stays
        in_seal[y0:y1, x0:x1] = True
    clean = rgb.copy()
    clean[red & in_seal] = 255
    unsealed = read_image(
        Image.fromarray(clean.astype(np.uint8)), "decision_without_seal.jpg", ocr_engine
    )
    found = findings_for(unsealed)
    assert "seal_missing" in codes(found)
    (seal,) = [f for f in found if f.code == FindingCode.SEAL_MISSING]
    assert "公章" in seal.message and seal.evidence[0].file == "decision_without_seal.jpg"


def test_id_checksum_on_card(ocr_engine) -> None:
    good = read_rendered("id_card", 5)
    assert findings_for(good, app=application(5)) == []
    person = generator.make_person(5)
    bad_id = generator.corrupt_id_checksum(person.id_number)
    bad = read_rendered("id_card", 5, fields={"id_number": bad_id})
    found = findings_for(bad, app=application(None))
    assert codes(found) == {"invalid_field"}
    assert bad_id in found[0].message and found[0].evidence[0].bbox is not None


def test_identity_against_applicant(ocr_engine) -> None:
    invoice = read_rendered("medical_invoice", 1)
    assert "inconsistent_identity" not in codes(findings_for(invoice, app=application(1)))
    found = findings_for(invoice, app=application(8))
    assert "inconsistent_identity" in codes(found)
    finding = next(f for f in found if f.code == FindingCode.INCONSISTENT_IDENTITY)
    assert generator.make_person(1).name in finding.message and "申请信息" in finding.message


def test_duplicate_receipt_in_one_application(ocr_engine) -> None:
    original = read_rendered("medical_invoice", 1)
    rescanned = read_rendered("medical_invoice", 1, degrade="scan")
    other = read_rendered(
        "medical_invoice", 3, fields={"payer_name": generator.make_person(1).name}
    )
    assert "duplicate_document" not in codes(findings_for(original, other))
    found = findings_for(original, rescanned)
    assert "duplicate_document" in codes(found)


def test_items_must_add_up_to_the_total(ocr_engine) -> None:
    good = read_rendered("medical_invoice", 1)
    assert "invalid_field" not in codes(findings_for(good))
    altered = read_rendered("medical_invoice", 1, fields={"total_amount": "999.99"})
    found = findings_for(altered)
    assert any(f.params.get("reason") == "items_sum" for f in found), found


def test_decision_date_before_injury_date(ocr_engine) -> None:
    good = read_rendered("injury_decision", 1)
    assert "invalid_field" not in codes(findings_for(good))
    bad = read_rendered(
        "injury_decision", 1, fields={"injury_date": "2025-05-02", "decision_date": "2025-04-01"}
    )
    found = findings_for(bad)
    assert any(f.params.get("reason") == "date_order" for f in found), found


def test_blurred_page_asks_for_reupload(ocr_engine) -> None:
    sharp = read_rendered("medical_record", 4)
    assert "illegible" not in codes(findings_for(sharp, app=application(4)))
    rd = sharp[0]
    blurred = rd.image.filter(ImageFilter.GaussianBlur(7))
    found = findings_for(read_image(blurred, "record_blurred.jpg", ocr_engine), app=application(4))
    assert "illegible" in codes(found)
    finding = next(f for f in found if f.code == FindingCode.ILLEGIBLE)
    assert "重新" in finding.message and finding.evidence[0].page == 1


@pytest.mark.parametrize("degrade", [None, "copy"], ids=["original", "grey_copy"])
def test_whole_application_original_vs_copy(degrade: str | None, ocr_engine, catalogue) -> None:
    """End to end on rendered pages: accept with originals; a grey copy of the receipt is a
    warning for the clerk (copy_not_original), never a missing seal."""
    from pipeline.models import EngineInfo
    from pipeline.verify import judge

    readings = {
        "decision.jpg": read_rendered("injury_decision", 1),
        "invoice.jpg": read_rendered("medical_invoice", 1, degrade=degrade),
        "list.jpg": read_rendered("expense_list", 1),
        "record.jpg": read_rendered("medical_record", 1),
        "card.jpg": read_rendered("social_security_card", 1),
    }
    pages_by_file = {
        name: [p.model_copy(update={"file": name}) for p in r[1]] for name, r in readings.items()
    }
    verdict = judge(
        application(1),
        pages_by_file,
        catalogue=catalogue,
        engine_info=EngineInfo(ocr="paddleocr", version="test"),
    )
    found = codes(verdict.findings)
    assert str(verdict.verdict) == "accept", [f.message for f in verdict.findings]
    assert "seal_missing" not in found
    assert ("copy_not_original" in found) is (degrade == "copy")


def reasons(findings) -> set[str]:
    return {str(f.params.get("reason")) for f in findings if f.params.get("reason")}


def test_tampered_qr_on_electronic_receipt(ocr_engine) -> None:
    genuine = read_rendered("medical_invoice", 2, fields={"electronic": True})
    assert "tamper_suspected" not in codes(findings_for(genuine, app=application(2)))
    tampered = read_rendered(
        "medical_invoice", 2, fields={"electronic": True, "qr_amount": "8888.88"}
    )
    found = findings_for(tampered, app=application(2))
    assert "tamper_suspected" in codes(found), [f.message for f in found]
    finding = next(f for f in found if f.code == FindingCode.TAMPER_SUSPECTED)
    assert "8888.88" in finding.message and "二维码" in finding.message


@pytest.mark.parametrize("fmt", ["pdf_text", "jpg"], ids=["born_digital", "photo"])
def test_amount_in_words_must_equal_the_figures(fmt: str, ocr_engine) -> None:
    good = read_rendered("medical_invoice", 2, fmt=fmt)
    assert "words_mismatch" not in reasons(findings_for(good, app=application(2)))
    bad = read_rendered(
        "medical_invoice", 2, fields={"amount_words": "玖仟玖佰玖拾玖元整"}, fmt=fmt
    )
    found = findings_for(bad, app=application(2))
    assert "words_mismatch" in reasons(found), [f.message for f in found]
    finding = next(f for f in found if f.params.get("reason") == "words_mismatch")
    assert "大写" in finding.message and finding.evidence[0].file == bad[2].name


def test_labour_contract_must_cover_the_injury_date(ocr_engine) -> None:
    decision = read_rendered("injury_decision", 3, fields={"injury_date": "2025-06-10"})
    covering = read_rendered(
        "labour_contract", 3, fields={"term_start": "2021-01-01", "term_end": "2027-12-31"}
    )
    app = application(3, service="gs_medical_expense")
    assert "contract_term" not in reasons(findings_for(decision, covering, app=app))
    lapsed = read_rendered(
        "labour_contract", 3, fields={"term_start": "2021-01-01", "term_end": "2024-12-31"}
    )
    found = findings_for(decision, lapsed, app=app)
    assert "contract_term" in reasons(found), [f.message for f in found]
    finding = next(f for f in found if f.params.get("reason") == "contract_term")
    assert "2024" in finding.message and "受伤日期" in finding.message


def test_death_date_after_submission(ocr_engine) -> None:
    plausible = read_rendered("death_certificate", 4)
    assert "date_future" not in reasons(findings_for(plausible, app=application(None)))
    future = read_rendered("death_certificate", 4, fields={"death_date": "2026-05-01"})
    found = findings_for(future, app=application(None))
    assert "date_future" in reasons(found), [f.message for f in found]


def test_gender_must_match_the_id_number(ocr_engine) -> None:
    person = generator.make_person(6)
    consistent = read_rendered("death_certificate", 6)
    assert "id_gender_mismatch" not in reasons(findings_for(consistent, app=application(None)))
    other = "女" if person.gender == "男" else "男"
    wrong = read_rendered("death_certificate", 6, fields={"gender": other})
    found = findings_for(wrong, app=application(None))
    assert "id_gender_mismatch" in reasons(found), [f.message for f in found]
