"""PDF and Word reports: every figure of every sample back exactly, with its page; bad files."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest

from bot.engine import Answerer
from pdf_fixtures import (corrupt_pdf, encrypted_pdf, image_only_pdf, render_sample_pdf, sample_docx,
                          sample_layout)
from store.db import Store
from store.document import ReadError
from store.ingest import ingest
from store.parse import parse_document
from store.readers import read_bytes
from store.samples import sample_files
from store.template import normalise_label

SAMPLES = {f.name[:3]: f for f in sample_files()}


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory):
    """name -> (pdf bytes, the text sample's parsed report) for every sample and layout."""
    out = {}
    for key, path in SAMPLES.items():
        out[(key, "ruled")] = render_sample_pdf(path)
        out[(key, "repeat_header")] = render_sample_pdf(path, repeat_header=True)
        out[(key, "unruled")] = render_sample_pdf(path, ruled=False, running_head="某某区人民政府办公室")
    return out


def same_figures(expected, got):
    """Same value for every cell; a cell inferred from a short printed row may come back printed."""
    diffs = []
    for key, cell in expected.cells.items():
        g = got.cells[key]
        status = {"inferred": "number"}.get(cell.status, cell.status)
        if g.value != cell.value or {"inferred": "number"}.get(g.status, g.status) != status:
            diffs.append((key, cell.value, cell.status, g.value, g.status))
    return diffs


@pytest.mark.parametrize("key", sorted(SAMPLES))
@pytest.mark.parametrize("layout", ["ruled", "repeat_header", "unruled"])
def test_every_figure_comes_back_from_pdf(pdfs, key, layout):
    data, expected = pdfs[(key, layout)]
    doc = read_bytes(data, f"{key}.pdf")
    assert doc.format == "pdf" and doc.pages >= 3 and not doc.problems
    got = parse_document(doc)
    assert same_figures(expected, got) == []
    assert (got.meta.agency, got.meta.year, got.meta.template) == (
        expected.meta.agency, expected.meta.year, expected.meta.template)


def test_cells_carry_the_page_they_are_printed_on(pdfs):
    data, _ = pdfs[("003", "ruled")]
    got = parse_document(read_bytes(data, "003.pdf"))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts = [normalise_label(p.extract_text() or "") for p in pdf.pages]
    pages = {c.page for c in got.cells.values()}
    assert None not in pages and max(pages) >= 2  # the table runs over a page break
    for key in ("apply.new.total", "apply.denied.state_secret.total", "apply.carry_forward.total",
                "suit.direct.total", "active.license.decisions"):
        cell = got.cells[key]
        first_label = normalise_label(cell.row_text.split("|")[0])[:5]
        assert first_label and first_label in texts[cell.page - 1], (key, cell.page, first_label)


def test_passages_carry_pages(pdfs):
    data, _ = pdfs[("003", "ruled")]
    got = parse_document(read_bytes(data, "003.pdf"))
    p = next(p for p in got.passages if "主动公开信息89条" in p.text)
    assert p.page == 1 and "总体情况" in p.section
    assert all(p.page for p in got.passages)
    assert max(p.page for p in got.passages) >= 2


def test_an_answer_from_a_pdf_cites_the_page(pdfs, tmp_path):
    data, _ = pdfs[("003", "ruled")]
    (tmp_path / "houhu.pdf").write_bytes(data)
    store = Store(tmp_path / "p.db")
    assert ingest(store, [tmp_path / "houhu.pdf"]).count("added") == 1
    ans = Answerer(store).answer("后湖街道2021年收到几件申请")
    assert ans.value == 3 and ans.sources[0].page is not None
    assert re.search(r"第\d+页", ans.text)


@pytest.mark.parametrize("key", sorted(SAMPLES))
@pytest.mark.parametrize("nested", [False, True])
def test_every_figure_comes_back_from_docx(key, nested):
    expected, content = sample_layout(SAMPLES[key])
    data = sample_docx(expected, content, nested=nested)
    doc = read_bytes(data, f"{key}.docx")
    assert doc.format == "docx"
    got = parse_document(doc)
    assert same_figures(expected, got) == []
    assert got.meta.agency == expected.meta.agency and got.meta.year == expected.meta.year
    assert any(p.line for p in got.passages)


# ---------------------------------------------------------------------------- bad files

def test_corrupt_and_encrypted_pdfs_give_one_clear_line(pdfs):
    good, _ = pdfs[("000", "ruled")]
    with pytest.raises(ReadError, match="corrupt PDF"):
        read_bytes(corrupt_pdf(good), "cut.pdf")
    with pytest.raises(ReadError, match="encrypted PDF"):
        read_bytes(encrypted_pdf(), "locked.pdf")


def test_image_only_pdf_needs_ocr(no_ocr):
    doc = read_bytes(image_only_pdf(2), "scan.pdf")
    assert doc.pages == 2 and not doc.blocks
    assert any("needs OCR" in p for p in doc.problems)


def test_scanned_report_with_a_manifest_is_stored_with_its_problem(tmp_path, no_ocr):
    (tmp_path / "scan.pdf").write_bytes(image_only_pdf(1))
    (tmp_path / "manifest.csv").write_text("path,agency,year\nscan.pdf,某某街道办事处,2021\n", encoding="utf-8")
    store = Store(tmp_path / "s.db")
    summary = ingest(store, [tmp_path])
    assert summary.count("added") == 1
    rep = store.reports()[0]
    rules = {p["rule"]: p["message"] for p in store.problems(rep["id"])}
    assert "needs OCR" in rules["reader"] and "no_tables" in rules


def test_zero_byte_and_corrupt_docx():
    with pytest.raises(ReadError, match="empty"):
        read_bytes(b"", "empty.docx")
    with pytest.raises(ReadError, match="corrupt .docx"):
        read_bytes(b"PK\x03\x04" + b"\x00" * 200, "broken.docx")


def test_bad_files_in_a_batch_leave_the_rest_stored(pdfs, tmp_path, no_ocr):
    good, _ = pdfs[("000", "ruled")]
    files = {"good.pdf": good, "cut.pdf": corrupt_pdf(good), "locked.pdf": encrypted_pdf(),
             "scan.pdf": image_only_pdf(1), "empty.docx": b""}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    store = Store(tmp_path / "b.db")
    summary = ingest(store, sorted(tmp_path.glob("*.*")))
    outcome = {f.path.rsplit("/", 1)[-1]: (f.outcome, f.message) for f in summary.files}
    assert outcome["good.pdf"][0] == "added"
    assert outcome["cut.pdf"][0] == "skipped" and "corrupt PDF" in outcome["cut.pdf"][1]
    assert outcome["locked.pdf"][0] == "skipped" and "encrypted PDF" in outcome["locked.pdf"][1]
    assert outcome["scan.pdf"][0] == "skipped" and "OCR" in outcome["scan.pdf"][1]
    assert outcome["empty.docx"][0] == "skipped" and "empty" in outcome["empty.docx"][1]
    assert store.stats()["reports"] == 1


def test_parallel_workers_store_the_same_as_one(pdfs, tmp_path):
    for key in SAMPLES:
        data, _ = pdfs[(key, "ruled")]
        (tmp_path / f"{key}.pdf").write_bytes(data)
    one, two = Store(tmp_path / "one.db"), Store(tmp_path / "two.db")
    ingest(one, sorted(tmp_path.glob("*.pdf")), workers=1)
    summary = ingest(two, sorted(tmp_path.glob("*.pdf")), workers=2)
    assert summary.count("added") == 5
    q = "select a.name, r.year, c.key, c.value, c.status, c.page from cells c join reports r on r.id = c.report_id " \
        "join agencies a on a.id = r.agency_id order by 1, 2, 3"
    assert list(one.db.query(q)) == list(two.db.query(q))
