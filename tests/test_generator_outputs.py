"""Generator outputs as the pipeline reads them: text-layer PDFs, image PDFs, QR payloads (no OCR)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.ingest import load_file
from pipeline.visual import decode_qr
from samples.generator import make_person, render_document
from samples.generator.output import pdf_document
from validators.invoices import parse_qr


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_born_digital_pdf_has_a_unicode_text_layer_where_the_truth_says(tmp_path: Path) -> None:
    rd = render_document("medical_invoice", make_person(31), seed=2)
    path = tmp_path / "invoice.pdf"
    rd.save(path, "pdf_text")
    ingested = load_file(path)
    page = ingested.pages[0]
    assert page.kind == "text_layer"
    truth = rd.truth_for("pdf_text")
    assert abs(page.width - truth["page_sizes"][0][0]) <= 1
    assert abs(page.height - truth["page_sizes"][0][1]) <= 1
    words = page.words
    for name, f in truth["fields"].items():
        hits = [w for w in words if _overlap(w.bbox, f["bbox"])]
        assert any(f["text"] in w.text for w in hits), (name, f, [w.text for w in hits])


def test_multi_document_pdf_keeps_page_order_and_sizes(tmp_path: Path) -> None:
    p = make_person(32)
    docs = [
        render_document(t, p, seed=1) for t in ("injury_decision", "medical_invoice", "id_card")
    ]
    pages = [
        (docs[0].pages[0], None),
        (docs[1].backgrounds[0], docs[1].texts[0]),
        (docs[2].pages[0], None),
    ]
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf_document(pages, docs[0].dpi))
    ingested = load_file(path)
    assert [pg.kind for pg in ingested.pages][1] == "text_layer"
    assert len(ingested.pages) == 3
    for pg, rd in zip(ingested.pages, docs, strict=True):
        w, h = rd.truth_for("pdf")["page_sizes"][0]
        assert abs(pg.width - w) <= 1 and abs(pg.height - h) <= 1  # float page size, rounded up


def test_receipt_qr_encodes_the_printed_values_unless_tampered() -> None:
    p = make_person(33)
    rd = render_document("medical_invoice", p, seed=3)
    bgr = np.ascontiguousarray(np.asarray(rd.image)[:, :, ::-1])
    payloads = decode_qr(bgr)
    assert payloads, "QR code did not decode"
    got = parse_qr(payloads[0])
    f = rd.truth["fields"]
    assert got["invoice_code"] == f["invoice_code"]["value"]
    assert got["invoice_number"] == f["invoice_number"]["value"]
    assert got["total_amount"] == f["total_amount"]["value"]
    assert got["issue_date"] == f["issue_date"]["value"]
    tampered = render_document("medical_invoice", p, seed=3, fields={"qr_amount": "1.00"})
    bgr = np.ascontiguousarray(np.asarray(tampered.image)[:, :, ::-1])
    assert (
        parse_qr(decode_qr(bgr)[0])["total_amount"]
        == "1.00"
        != tampered.truth["fields"]["total_amount"]["value"]
    )


def test_rotated_truth_boxes_are_rotated_too() -> None:
    p = make_person(34)
    flat = render_document("id_card", p, seed=1)
    turned = render_document("id_card", p, seed=1, degrade="rot90")
    w, h = flat.image.size
    assert turned.image.size == (h, w)
    x0, y0, x1, y1 = flat.truth["fields"]["id_number"]["bbox"]
    tx0, ty0, tx1, ty1 = turned.truth["fields"]["id_number"]["bbox"]
    # clockwise quarter turn: (x, y) -> (h-1-y, x)
    assert abs(tx0 - (h - 1 - y1)) <= 1 and abs(ty0 - x0) <= 1 and abs(ty1 - x1) <= 1
