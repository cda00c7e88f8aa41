"""Scanned reports: pages without a text layer read by OCR, every figure checked.

The fast tests need no engine: the pieces of the OCR step (skew, ruling lines into grids, letters
for digits) and the checks that keep an OCR error from becoming a figure (``store.parse.ocr_checks``,
fed a text-layer document whose table cells are marked as read by OCR).  The slow ones rasterise
rendered reports (tests/ocr_fixtures.py), wrap the pictures as image-only PDFs and ingest them; a few
pages in all (the benchmark runs more).
"""

from __future__ import annotations

import re

import pytest

from ocr_fixtures import ROUGH, Scan, compare_cells, generated_report, scanned_pdf, table_as_picture
from pdf_fixtures import render_sample_pdf
from store.db import Store
from store.ingest import ingest
from store.parse import parse_document
from store.readers import ocr
from store.readers.pdf import read_pdf
from store.samples import sample_files

SAMPLES = {f.name[:3]: f for f in sample_files()}


# --------------------------------------------------------------------------- the pieces (no engine)

def test_letters_read_for_digits_become_digits_only_in_a_figure_cell():
    assert ocr.digits_for_lookalikes("O") == "0"
    assert ocr.digits_for_lookalikes("D") == "0"
    assert ocr.digits_for_lookalikes("1O5") == "105"
    assert ocr.digits_for_lookalikes("l2") == "12"
    assert ocr.digits_for_lookalikes("105") is None  # already a figure
    assert ocr.digits_for_lookalikes("其他") is None and ocr.digits_for_lookalikes("OD") is None


def _drawn_table(angle: float = 0.0):
    """A ruled table drawn with PIL: 4 columns x 3 rows, the top row's last three cells merged."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (900, 500), 255)
    d = ImageDraw.Draw(img)
    xs, ys = [100, 300, 500, 650, 800], [100, 160, 220, 280]
    for y in ys:
        d.line((xs[0], y, xs[-1], y), fill=0, width=2)
    for x in xs:
        d.line((x, ys[1] if x in (500, 650) else ys[0], x, ys[-1]), fill=0, width=2)
    for k in range(12):  # text lines below the table
        d.text((100, 320 + 12 * k), "text " * 30, fill=0)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return img


def test_the_skew_of_a_page_is_found_and_undone():
    import numpy as np

    assert ocr.skew_angle(np.asarray(_drawn_table())) == 0.0
    assert abs(ocr.skew_angle(np.asarray(_drawn_table(0.8))) - 0.8) <= 0.1
    grey, angle = ocr.prepare(_drawn_table(-1.2).convert("RGB"))
    assert abs(angle + 1.2) <= 0.1 and abs(ocr.skew_angle(grey)) <= 0.05


def test_ruling_lines_make_a_grid_with_its_merged_cells():
    import numpy as np

    grey = np.asarray(_drawn_table())
    rl = ocr.ruling(grey, 150)
    (grid,) = ocr.find_tables(rl, 150)
    assert [round(x) for x in grid.xs] == [100, 300, 500, 650, 800]
    assert [round(y) for y in grid.ys] == [100, 160, 220, 280]
    # the top row: one cell, then one spanning three columns; rows below: four cells each
    assert (0, 1, 1, 4) in grid.boxes and len(grid.boxes) == 2 + 4 + 4
    assert grid.cell_at(700, 130) == grid.cell_at(350, 130) != grid.cell_at(200, 130)


# --------------------------------------------------------------------------- the checks (no engine)

@pytest.fixture(scope="module")
def text_report():
    """A generated report as a text-layer PDF, read and parsed (its figures satisfy the 勾稽关系)."""
    data, truth = generated_report(12)
    return data, truth


def _as_ocr(doc, conf: float = 0.99):
    """Mark every table cell of ``doc`` as read by OCR with ``conf``."""
    for b in doc.blocks:
        if b.kind == "table":
            for row in b.rows:
                for c in row:
                    c.conf = conf
    return doc


def _cell_of(doc, text: str, label: str):
    """The first cell printing ``text`` in the table row whose label contains ``label``."""
    for b in doc.blocks:
        for row in b.rows if b.kind == "table" else []:
            if any(label in c.text for c in row):
                for c in row:
                    if c.text == text and not c.merged:
                        return c
    raise AssertionError(f"no cell {text} in a row {label}")


def _figure(truth, key) -> str:
    v = truth.cells[key].value
    return str(int(v)) if float(v).is_integer() else str(v)


def test_a_misread_figure_that_breaks_the_identities_is_uncertain_not_wrong(text_report):
    data, truth = text_report
    doc = _as_ocr(read_pdf(data))
    key = next(k for k, c in truth.cells.items() if k.startswith("apply.granted.") and k != "apply.granted.total"
               and c.value and c.value >= 10)
    cell = _cell_of(doc, _figure(truth, key), "予以公开")
    cell.text = str(int(truth.cells[key].value) + 6)  # a 3 read as 9, say: confident and wrong
    got = parse_document(doc)
    result = compare_cells(truth, got)
    assert result["wrong"] == []
    assert result["uncertain"] == [key]  # the row and the column agree on the one suspect
    assert any(p.rule == "ocr_uncertain" and key in p.keys for p in got.problems)
    assert any(p.rule == "ocr" and p.severity == "info" for p in got.problems)


def test_low_confidence_and_unread_ink_are_uncertain_never_a_figure_or_a_blank(text_report):
    data, truth = text_report
    doc = _as_ocr(read_pdf(data))
    # section 二 has no 勾稽关系: a figure read with middling confidence cannot be confirmed there
    active_key = next(k for k, c in truth.cells.items() if k.startswith("active.") and c.value)
    row_label = {"active.rules": "规章", "active.normative": "规范性文件", "active.license": "行政许可"}
    label = next(v for k, v in row_label.items() if active_key.startswith(k + "."))
    _cell_of(doc, _figure(truth, active_key), label).conf = 0.7
    # section 三: the same confidence is saved by the identities (row and column sums hold) …
    kept = "apply.new.total"
    _cell_of(doc, _figure(truth, kept), "本年新收").conf = 0.7
    # … but not a confidence below what any identity can save
    low = "apply.carried.total"
    _cell_of(doc, _figure(truth, low), "上年结转").conf = 0.3
    got = parse_document(doc)
    assert got.cells[active_key].status == "uncertain" and got.cells[active_key].value is None
    assert got.cells[kept].status == "number" and got.cells[kept].value == truth.cells[kept].value
    assert got.cells[low].status == "uncertain"
    assert compare_cells(truth, got)["wrong"] == []


def test_a_cell_with_ink_that_could_not_be_read_is_not_a_blank(text_report):
    data, truth = text_report
    doc = _as_ocr(read_pdf(data))
    key = next(k for k, c in truth.cells.items() if k.startswith("apply.") and c.value == 0)
    row = {"new": "本年新收", "carried": "上年结转", "granted": "予以公开"}.get(key.split(".")[1])
    if row is None:
        pytest.skip("no zero in the first rows of this report")
    cell = _cell_of(doc, "0", row)
    cell.text, cell.conf = "", 0.0
    got = parse_document(doc)
    assert got.cells[key].status == "uncertain"
    assert compare_cells(truth, got)["wrong"] == []


def test_letters_for_digits_stay_only_when_the_identities_confirm_them(text_report):
    data, truth = text_report
    doc = _as_ocr(read_pdf(data))
    zero = next(k for k, c in truth.cells.items() if k.startswith("apply.granted.") and c.value == 0)
    cell = _cell_of(doc, "0", "予以公开")
    cell.text, cell.ocr_raw = "0", "O"
    got = parse_document(doc)
    assert got.cells[zero].status == "number" and got.cells[zero].value == 0  # the sums confirm it
    # the same letter where no identity can confirm it (section 二)
    doc = _as_ocr(read_pdf(data))
    active_zero = next((k for k, c in truth.cells.items() if k.startswith("active.rules.") and c.value == 0), None)
    if active_zero is None:
        pytest.skip("no zero among 规章's figures")
    cell = _cell_of(doc, "0", "规章")
    cell.text, cell.ocr_raw = "0", "D"
    got = parse_document(doc)
    assert got.cells[active_zero].status == "uncertain"


def test_a_table_printed_without_rules_read_by_ocr_is_checked_too():
    """Rows of an unruled table come from OCR as lines of text with tabs; their pieces carry their
    confidence (``Block.conf``) and go through the same checks."""
    import random
    import tempfile
    from pathlib import Path

    import synth
    from pdf_fixtures import render_report_pdf, sample_layout

    figures = synth.consistent_figures(random.Random(12), "2021", density=0.5, big=300)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "r.txt"
        path.write_text(synth.render(figures, "2021", "tabs"), encoding="utf-8")
        truth, content = sample_layout(path)
    doc = read_pdf(render_report_pdf(truth, content, ruled=False))
    rows = [b for b in doc.blocks if b.kind == "paragraph" and "\t" in b.text]
    assert rows
    for b in rows:
        b.conf = [0.99] * len(b.text.split("\t"))
    new = next(b for b in rows if b.text.startswith("一、本年新收"))
    pieces = new.text.split("\t")
    k = next(i for i, t in enumerate(pieces) if t.strip() == _figure(truth, "apply.new.natural"))
    new.conf[k] = 0.3
    got = parse_document(doc)
    assert got.cells["apply.new.natural"].status == "uncertain"
    assert compare_cells(truth, got)["wrong"] == []
    assert any(p.rule == "ocr" for p in got.problems)


def test_figures_stated_in_text_read_by_ocr_are_kept_only_when_read_with_confidence(text_report):
    data, _ = text_report
    sure, unsure = read_pdf(data), read_pdf(data)
    for doc, conf in ((sure, 0.99), (unsure, 0.6)):
        for b in doc.blocks:
            if b.kind == "paragraph" and b.page == 1:
                b.conf = [conf] * len(b.text.split("\t"))
    kept = [f for f in parse_document(sure).facts if f.page == 1]
    assert kept  # the narrative on page 1 states figures
    assert not [f for f in parse_document(unsure).facts if f.page == 1]


# --------------------------------------------------------------------------- without the engine

def test_without_the_engine_ingest_says_how_to_enable_ocr(monkeypatch, tmp_path):
    monkeypatch.setattr(ocr, "available", lambda: False)
    data, _ = render_sample_pdf(SAMPLES["003"])
    (tmp_path / "mixed.pdf").write_bytes(scanned_pdf(data, Scan(dpi=100), pages={2}))
    doc = read_pdf((tmp_path / "mixed.pdf").read_bytes())
    assert doc.problems and all(ocr.ENABLE in p for p in doc.problems)
    summary = ingest(Store(tmp_path / "s.db"), [tmp_path / "mixed.pdf"])
    assert summary.count("added") == 1 and ocr.ENABLE in summary.files[0].message


# --------------------------------------------------------------------------- scanned reports (the engine)

needs_engine = pytest.mark.skipif(not ocr.available(), reason=f"OCR engine not installed ({ocr.ENABLE})")


@pytest.fixture(scope="module")
def rough_scan(tmp_path_factory):
    """A generated report with figures of several digits, every page scanned: 150 dpi, turned 0.6°,
    blurred, JPEG-compressed, a red seal over a table; ingested."""
    data, truth = generated_report(5)
    path = tmp_path_factory.mktemp("ocr") / "scan.pdf"
    path.write_bytes(scanned_pdf(data, ROUGH))
    store = Store(path.parent / "s.db")
    summary = ingest(store, [path])
    return store, summary, truth, path


@needs_engine
def test_a_scanned_report_reads_back_cell_by_cell(rough_scan):
    store, summary, truth, path = rough_scan
    assert summary.count("added") == 1, summary.lines()
    (rep,) = store.reports()
    assert rep["agency"] == truth.meta.agency and rep["year"] == truth.meta.year
    cells = store.cells(rep["id"])
    result = compare_cells(truth, cells)
    assert result["wrong"] == []
    assert len(result["right"]) >= 0.97 * len(truth.cells), result["uncertain"]
    right = result["right"]
    # every figure cites its page; the report says which pages were read by OCR
    assert all(cells[k]["page"] for k in right if cells[k]["status"] == "number")
    assert any(p["rule"] == "ocr" for p in store.problems(rep["id"]))
    assert not any("需要OCR" in p["message"] for p in store.problems(rep["id"]))


@needs_engine
def test_an_answer_from_a_scanned_page_says_it_was_read_by_ocr(rough_scan):
    from bot.engine import Answerer

    store, _, truth, _ = rough_scan
    ans = Answerer(store).answer("后湖街道2021年收到几件申请")
    assert ans.value == truth.cells["apply.new.total"].value
    assert "OCR" in ans.text and re.search(r"第\d+页", ans.text)


@needs_engine
def test_a_report_with_one_scanned_page_and_a_table_pasted_as_a_picture_is_read_page_by_page(tmp_path):
    """后湖 2021: section 三 starts on page 2, which is scanned (200 dpi); on page 3, a text page, section
    四 is a picture (its text and rules taken out of the page).  The table goes on from the scanned page
    to the text page.  Ingested by a worker process."""
    data, truth = render_sample_pdf(SAMPLES["003"])
    data, _ = table_as_picture(data, 3)
    (tmp_path / "mixed.pdf").write_bytes(scanned_pdf(data, Scan(dpi=200), pages={2}))
    store = Store(tmp_path / "m.db")
    summary = ingest(store, [tmp_path / "mixed.pdf"], workers=2)
    assert summary.count("added") == 1, summary.lines()
    (rep,) = store.reports()
    assert rep["agency"] == truth.meta.agency and rep["year"] == truth.meta.year
    cells = store.cells(rep["id"])
    result = compare_cells(truth, cells)
    right = result["right"]
    assert result["wrong"] == [] and len(right) >= 0.97 * len(truth.cells)
    review = [k for k in truth.cells if k.startswith(("review.", "suit."))]
    assert not set(result["uncertain"]) & set(review)
    notes = {p["message"][:3]: set(p["keys"]) for p in store.problems(rep["id"]) if p["rule"] == "ocr"}
    assert sorted(notes) == ["第2页", "第3页"]  # the scanned page, and the picture on page 3 …
    assert notes["第3页"] == set(review)  # … which holds section 四 only: the rest of page 3 is text
    pages = {cells[k]["page"] for k in right if cells[k]["status"] == "number"}
    assert {2, 3} <= pages
