"""The PDF reader itself: grids with merged cells, reading order, pages and lines, bad pages."""

from __future__ import annotations

import re

import pytest

from pdf_fixtures import (PdfWriter, TCell, corrupt_pdf, encrypted_pdf, render_report_pdf, sample_layout)
from store.document import ReadError
from store.parse import parse_document
from store.readers import read_bytes
from store.readers.pdf import read_pdf
from store.samples import sample_files

SAMPLES = {f.name[:3]: f for f in sample_files()}


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="session")
def houhu(tmp_path_factory):
    """后湖 2021 as a PDF (section 三 across a page break, header not repeated) and as read back."""
    report, content = sample_layout(SAMPLES["003"])
    data = render_report_pdf(report, content)
    path = tmp_path_factory.mktemp("pdf") / "houhu.pdf"
    path.write_bytes(data)
    return data, report, content, read_pdf(data)


def _apply_tables(doc):
    return [b for b in doc.blocks if b.kind == "table" and len(b.rows[0]) == 10]


def test_merged_cells_are_covered_copies_with_the_covering_text(houhu):
    *_, doc = houhu
    first = _apply_tables(doc)[0]
    header = first.rows[0]
    assert header[3].text == "申请人情况" and not header[3].merged
    assert all(c.merged and c.text == "申请人情况" for c in header[4:])
    # the top-left note spans three columns and three rows; wrapped over two lines, joined without a space
    assert header[0].text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert all(first.rows[r][c].merged for r in range(3) for c in range(3) if (r, c) != (0, 0))
    assert first.rows[1][4].text == "法人或其他组织" and first.rows[1][5].merged
    # labels wrapped inside narrow cells come back whole
    assert [c.text for c in first.rows[2][4:9]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    # 三、本年度办理结果 spans the result rows: the rows below carry it as a merged copy
    result = next(i for i, row in enumerate(first.rows) if row[0].text == "三、本年度办理结果" and not row[0].merged)
    below = first.rows[result + 1][0]
    assert below.merged and below.text == "三、本年度办理结果"
    denied = next(row for row in first.rows if row[2].text == "1.属于国家秘密")
    assert denied[1].text == "（三）不予公开" and not denied[1].merged
    nxt = first.rows[first.rows.index(denied) + 1]
    assert nxt[1].merged and nxt[1].text == "（三）不予公开" and nxt[2].text == "2.其他法律行政法规禁止公开"


def test_a_table_across_a_page_break_is_two_blocks_with_their_pages(houhu):
    *_, doc = houhu
    tables = _apply_tables(doc)
    assert len(tables) == 2 and tables[1].page == tables[0].page + 1
    assert all(c.page == t.page for t in tables for row in t.rows for c in row)
    assert "（七）总计" in [c.text for row in tables[1].rows for c in row]


def test_blocks_keep_reading_order_pages_and_lines(houhu):
    *_, doc = houhu
    kinds = [(b.kind, b.page, b.line) for b in doc.blocks]
    assert all(page and line for _, page, line in kinds)
    # within a page, lines only go down; pages only go forward
    keys = [(page, line) for _, page, line in kinds]
    assert keys == sorted(keys)
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    heading3 = texts.index("三、收到和处理政府信息公开申请情况")
    heading4 = next(i for i, t in enumerate(texts) if t.startswith("四、"))
    apply_at = doc.blocks.index(_apply_tables(doc)[0])
    para_blocks = [b for b in doc.blocks if b.kind == "paragraph"]
    assert doc.blocks.index(para_blocks[heading3]) < apply_at < doc.blocks.index(para_blocks[heading4])
    # page numbers printed in the footer are not text of the report
    assert not any(re.fullmatch(r"—\s*\d+\s*—", t) for t in texts)


def test_narrative_comes_back_whole(houhu):
    _, report, content, doc = houhu
    body = _squash("".join(b.text for b in doc.blocks if b.kind == "paragraph"))
    for kind, text in content:
        if kind == "text":
            assert _squash(text) in body
    lines = {_squash(b.text) for b in doc.blocks if b.kind == "paragraph"}
    assert "2021年，后湖街道主动公开信息89条。" in lines
    assert "一、总体情况" in lines and "（一）主动公开情况" in lines


def test_a_paragraph_across_a_page_break_is_one_block():
    w = PdfWriter()
    w.paragraph("某某街道2021年政府信息公开工作年度报告", size=16, indent=False)
    w.space(w.y - 120)  # leave room for two lines only
    long = "本街道认真贯彻落实政府信息公开条例，" * 12 + "全年主动公开信息120条。"
    w.paragraph(long)
    w.paragraph("二、主动公开政府信息情况", indent=False)
    doc = read_pdf(w.finish())
    para = next(b for b in doc.blocks if "认真贯彻" in b.text)
    assert para.text.replace("\u3000", "") == long and para.page == 1
    heading = next(b for b in doc.blocks if b.text == "二、主动公开政府信息情况")
    assert heading.page == 2


def test_letter_spaced_figures_stay_one_number():
    w = PdfWriter(page_numbers=False)
    w.c.setFont("STSong-Light", 16)
    w.c.drawString(100, 700, "西岗街道2022年度报告", charSpace=4)
    w.c.setFont("Helvetica", 10)
    w.c.drawString(100, 650, "12 345")
    doc = read_pdf(w.finish())
    assert [b.text for b in doc.blocks] == ["西岗街道2022年度报告", "12 345"]


def test_a_table_without_ruling_lines_reads_as_tabbed_rows():
    w = PdfWriter()
    rows = [[TCell("信息内容"), TCell("本年处理决定数量")], [TCell("行政许可"), TCell("2676")],
            [TCell("行政处罚"), TCell("534")]]
    w.table(rows, [200, 200], ruled=False)
    doc = read_pdf(w.finish())
    assert all(b.kind == "paragraph" for b in doc.blocks)
    assert [b.text for b in doc.blocks] == ["信息内容\t本年处理决定数量", "行政许可\t2676", "行政处罚\t534"]


def test_an_image_only_page_inside_a_report_is_a_problem_and_the_rest_is_read(no_ocr):
    report, content = sample_layout(SAMPLES["000"])
    data = render_report_pdf(report, content, scan_page=True)
    doc = read_pdf(data)
    assert doc.problems == ["第2页没有文字层（扫描件），需要OCR：安装OCR组件（pip install -e '.[ocr]'）后重新导入（no text layer: needs OCR）"]
    assert not any(b.page == 2 for b in doc.blocks) and max(b.page for b in doc.blocks) == doc.pages == 4
    got = parse_document(doc)
    assert all(got.cells[k].value == c.value for k, c in report.cells.items())
    assert any(p.rule == "reader" and "needs OCR" in p.message for p in got.problems)


def test_running_heads_and_page_footers_are_dropped():
    report, content = sample_layout(SAMPLES["003"])
    data = render_report_pdf(report, content, running_head="武汉市江岸区人民政府后湖街道办事处")
    doc = read_pdf(data)
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert not any(t.startswith("第 ") and t.endswith(" 页") for t in texts)
    assert "武汉市江岸区人民政府后湖街道办事处" not in texts
    got = parse_document(doc)
    assert all(got.cells[k].value == c.value for k, c in report.cells.items())


def test_a_pdf_protected_only_against_editing_is_read():
    from reportlab.lib import pdfencrypt

    w = PdfWriter(encrypt=pdfencrypt.StandardEncryption("", "owner", canPrint=1, canModify=0), page_numbers=False)
    w.c.setFont("Helvetica", 12)
    w.c.drawString(72, 700, "Annual report 2021: 89 items")
    doc = read_pdf(w.finish())
    assert [b.text for b in doc.blocks] == ["Annual report 2021: 89 items"] and not doc.problems


def test_text_that_cannot_be_decoded_needs_ocr(no_ocr):
    """pdfminer cannot map this encrypted CID font back to Unicode: (cid:123) glyph numbers are not text."""
    from reportlab.lib import pdfencrypt

    w = PdfWriter(encrypt=pdfencrypt.StandardEncryption("", "owner", canPrint=1, canModify=0))
    w.paragraph("某某街道2021年政府信息公开工作年度报告", size=16, indent=False)
    doc = read_pdf(w.finish())
    assert not doc.blocks
    assert doc.problems == ["第1页的文字无法解码（字体没有编码表），需要OCR：安装OCR组件（pip install -e '.[ocr]'）后重新导入（no usable text layer: needs OCR）"]


@pytest.mark.parametrize("data, message", [
    (None, "corrupt PDF"),
    (b"%PDF-1.4\n" + bytes(range(256)) * 20, "corrupt PDF"),
    (b"%PDF-1.7\n%%EOF\n", "corrupt PDF"),
])
def test_broken_pdfs_raise_one_line(houhu, data, message):
    data = data if data is not None else corrupt_pdf(houhu[0])
    with pytest.raises(ReadError, match=message) as err:
        read_bytes(data, "broken.pdf")
    assert "\n" not in str(err.value) and len(str(err.value)) < 200


def test_encrypted_pdf_raises_one_line():
    with pytest.raises(ReadError, match="^encrypted PDF: ") as err:
        read_bytes(encrypted_pdf(), "locked.pdf")
    assert "\n" not in str(err.value)


def test_pdfminer_warnings_are_silent(houhu, capfd):
    with pytest.raises(ReadError):
        read_pdf(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_when_the_table_finder_fails_the_page_is_read_as_text(monkeypatch, houhu):
    import pdfplumber.page

    data, report, _, _ = houhu

    def fail(self, *args, **kwargs):
        raise ValueError("the table finder failed")

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", fail)
    doc = read_pdf(data)
    assert not any(b.kind == "table" for b in doc.blocks) and not doc.problems
    got = parse_document(doc)
    assert {k: c.value for k, c in got.cells.items()} == {k: c.value for k, c in report.cells.items()}


@pytest.mark.parametrize("border", ["lines", "filled"])
def test_table_borders_drawn_as_segments_or_filled_bars(border):
    report, content = sample_layout(SAMPLES["004"])
    doc = read_pdf(render_report_pdf(report, content, border=border))
    assert sum(b.kind == "table" for b in doc.blocks) >= 4
    got = parse_document(doc)
    assert {k: (c.value, c.status) for k, c in got.cells.items()} == \
        {k: (c.value, c.status) for k, c in report.cells.items()}


def test_paragraphs_rejoin_on_pages_with_mirrored_margins():
    """Odd and even pages with different left margins: each page's own edges decide what wraps."""
    w = PdfWriter(page_numbers=False)
    sentence = "街道办事处认真贯彻落实政府信息公开条例并且持续推进基层政务公开标准化规范化" * 3
    for page, left in ((1, 60), (2, 100)):
        y = 760
        for k in range(3):  # three paragraphs of three lines: indented first line, 30 characters a line
            text = f"第{page}页第{k}段" + sentence
            lines = ["\u3000\u3000" + text[:28], text[28:58], text[58:70] + "。"]
            for ln in lines:
                w.c.setFont("STSong-Light", 12)
                w.c.drawString(left, y, ln)
                y -= 20
        if page == 1:
            w.new_page()
    doc = read_pdf(w.finish())
    texts = [b.text for b in doc.blocks]
    assert len(texts) == 6 and all(t.endswith("。") and t.startswith("第") for t in texts)
    assert [b.page for b in doc.blocks] == [1, 1, 1, 2, 2, 2]


PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


@pytest.mark.parametrize("key", ["001", "003"])
@pytest.mark.parametrize("figures", ["figures_first", "figures_last"])
@pytest.mark.parametrize("repeat_header", [False, True])
def test_a_row_broken_across_the_page_break_is_one_row(key, figures, repeat_header):
    report, content = sample_layout(SAMPLES[key])
    data = render_report_pdf(report, content, repeat_header=repeat_header,
                             split_row=(PARTIAL, "（二）部分公开（区分处理的，", figures))
    doc = read_pdf(data)
    got = parse_document(doc)
    assert {k: c.value for k, c in got.cells.items()} == {k: c.value for k, c in report.cells.items()}
    cell = got.cells["apply.partial.total"]
    assert cell.status == "number" and "只计这一情形" in cell.row_text
    # the figures keep the page they are printed on
    first_part = next(b.page for b in doc.blocks if b.kind == "table" and any(
        c.text.startswith("（二）部分公开") for row in b.rows for c in row))
    assert cell.page == (first_part if figures == "figures_first" else first_part + 1)


def test_a_label_printed_one_character_a_line_is_one_word():
    w = PdfWriter(page_numbers=False)
    rows = [[TCell("结\n果\n维\n持"), TCell("总\n计")], [TCell("1\n2"), TCell("12")]]
    w.table(rows, [60, 60])
    doc = read_pdf(w.finish())
    assert [[c.text for c in row] for row in doc.blocks[0].rows] == [["结果维持", "总计"], ["12", "12"]]


def test_a_scanned_page_with_a_stamped_page_number_needs_ocr(no_ocr):
    from reportlab.lib.utils import ImageReader
    import io as _io
    import struct
    import zlib

    def png(w, h):  # a grey picture, built by hand (no imaging library needed)
        raw = b"".join(b"\x00" + b"\x80" * w for _ in range(h))
        chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))  # noqa: E731
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + \
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

    w = PdfWriter()  # the writer stamps "— 1 —" at the foot of the page
    w.c.drawImage(ImageReader(_io.BytesIO(png(40, 60))), 40, 60, 515, 740)
    doc = read_pdf(w.finish())
    assert doc.problems == ["第1页是图片，只有3个字的文字层（扫描件），需要OCR：安装OCR组件（pip install -e '.[ocr]'）后重新导入（no text layer: needs OCR）"]
