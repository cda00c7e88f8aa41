"""Readers: plain text in the encodings Chinese files come in, and HTML as government sites publish it."""

from __future__ import annotations

import codecs
import html
import random

import pytest

from store.document import ReadError
from store.parse import parse_document
from store.readers import read_bytes, sniff_format
from store.readers.encoding import decode
from store.readers.html import read_html
from store.samples import SAMPLES_DIR
from synth import consistent_figures, expected, render_html, render_text

SAMPLE_003 = (SAMPLES_DIR / "003_57066d24bc835d59.txt").read_text(encoding="utf-8")


def parse(data: bytes, name: str):
    return parse_document(read_bytes(data, name))


def assert_cells(report, figures, version):
    want = expected(figures, version)
    got = {k: (c.status, c.value, c.raw if c.status != "blank" else None) for k, c in report.cells.items()}
    wrong = {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}
    assert not wrong, wrong


def figures_with_marks(version: str, seed: int = 7) -> dict:
    f = consistent_figures(random.Random(seed), version, density=0.5)
    first = "made" if version == "2019" else "issued"
    f[f"active.rules.{first}"] = "/"
    f["active.normative." + ("public_total" if version == "2019" else "in_force")] = "—"
    f["active.license.decisions"] = None  # a blank cell
    return f


# --------------------------------------------------------------------------- plain text encodings

@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("gbk", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-le", b""), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-be", b""),
])
def test_text_encodings(encoding, bom):
    text = SAMPLE_003.replace("\u00a0", " ") if encoding == "gbk" else SAMPLE_003  # GBK has no NBSP
    data = bom + text.encode(encoding)
    assert decode(data) == text
    report = parse(data, "report.txt")
    assert report.meta.agency == "江岸区人民政府后湖街道办事处"
    assert report.cells["active.license.decisions"].value == 2676
    assert report.cells["apply.new.total"].value == 3
    assert any(p.text == "2021年，后湖街道主动公开信息89条。" for p in report.passages)


def test_gb18030_characters_outside_gbk():
    text = "𠀾街道2021年政府信息公开工作年度报告\n一、总体情况\n全年收到政府信息公开申请0件。\n"
    assert decode(text.encode("gb18030")) == text


def test_crlf_and_cr_line_ends():
    for sep in ("\r\n", "\r"):
        report = parse(SAMPLE_003.replace("\n", sep).encode("utf-8"), "r.txt")
        assert report.cells["active.punishment.decisions"].value == 534


def test_empty_and_binary_files_are_read_errors():
    for data in (b"", b"   \n\t\n", codecs.BOM_UTF8, "\u3000\n".encode()):
        with pytest.raises(ReadError, match="empty"):
            read_bytes(data, "x.txt")
    with pytest.raises(ReadError, match="binary"):
        read_bytes(bytes(range(256)) * 50, "x.txt")
    with pytest.raises(ReadError, match="binary"):
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"DDDD" * 100, "x.txt")
    rng = random.Random(1)
    with pytest.raises(ReadError, match="binary"):
        read_bytes(bytes(rng.randrange(256) for _ in range(20000)), "x.txt")
    with pytest.raises(ReadError, match="binary"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "report.doc.txt")


def test_sniffing():
    assert sniff_format(b"<html><body><p>x</p></body></html>", ".txt") == "html"
    assert sniff_format(b"plain", ".htm") == "html"
    assert sniff_format(b"%PDF-1.7 ...", ".txt") == "pdf"
    assert sniff_format("一、总体情况".encode(), ".txt") == "text"


# --------------------------------------------------------------------------- HTML grids

def test_rowspan_colspan_grid():
    doc = read_html("""<html><body><table>
        <tr><td rowspan="2" colspan="2">A</td><td>B</td></tr>
        <tr><td>C</td></tr>
        <tr><td>D</td><td colspan="2">E</td></tr>
        </table></body></html>""")
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    grid = [[(c.text, c.merged) for c in row] for row in table.rows]
    assert grid == [[("A", False), ("A", True), ("B", False)],
                    [("A", True), ("A", True), ("C", False)],
                    [("D", False), ("E", False), ("E", True)]]


def test_bad_spans_do_not_break_the_grid():
    doc = read_html('<table><tr><td rowspan="x">a</td><td colspan="0">b</td></tr>'
                    '<tr><td rowspan="99999">c</td></tr></table>')
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert table.rows[0][0].text == "a" and table.rows[1][0].text == "c"


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_official_html_tables(version):
    figures = figures_with_marks(version)
    report = parse(render_html(figures, version).encode("utf-8"), "page.html")
    assert report.format == "html"
    assert report.meta.agency == "江岸区人民政府后湖街道办事处"
    assert report.meta.year == (2020 if version == "2019" else 2021)
    assert report.meta.template == version
    assert_cells(report, figures, version)
    marks = {k: c.raw for k, c in report.cells.items() if c.status == "na"}
    assert sorted(marks.values()) == ["/", "—"]
    assert not [p for p in report.problems if p.rule in ("apply_balance", "apply_results_sum", "apply_row_sum")]


@pytest.mark.parametrize("charset,encoding", [("gb2312", "gb18030"), ("gbk", "gbk"), ("GB18030", "gb18030")])
def test_gbk_html_with_meta_charset(charset, encoding):
    figures = figures_with_marks("2021", seed=3)
    data = render_html(figures, "2021", charset=charset).encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = parse(data, "page.htm")
    assert report.meta.agency == "江岸区人民政府后湖街道办事处"
    assert_cells(report, figures, "2021")


def test_gbk_html_without_declaration():
    figures = consistent_figures(random.Random(4), "2021")
    page = render_html(figures, "2021").replace('<meta charset="utf-8">', "")
    report = parse(page.encode("gb18030"), "page.html")
    assert_cells(report, figures, "2021")


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_layout_table_with_nested_report_tables(version):
    figures = figures_with_marks(version, seed=11)
    report = parse(render_html(figures, version, layout_table=True).encode("utf-8"), "page.html")
    assert report.meta.agency == "江岸区人民政府后湖街道办事处"
    assert_cells(report, figures, version)
    assert any("总体情况" in p.section for p in report.passages)


def flattened_page(figures, version) -> str:
    """The table flattened to one <p> per cell, as some CMS exports do."""
    text = render_text(figures, version, "cells")
    paras = [f"<p>{html.escape(line.strip())}</p>" for line in text.split("\n") if line.strip()]
    return '<html><head><meta charset="utf-8"></head><body><div class="TRS_Editor">' + "\n".join(paras) \
        + "</div></body></html>"


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_table_flattened_to_paragraphs(version):
    figures = consistent_figures(random.Random(21), version, density=0.5)
    figures[f"active.rules.{'made' if version == '2019' else 'issued'}"] = "/"
    report = parse(flattened_page(figures, version).encode("utf-8"), "flat.html")
    assert_cells(report, figures, version)


def test_html_paragraphs_keep_source_lines_and_skip_scripts():
    doc = read_html("<html><head><title>t</title><style>p{}</style></head><body>\n<p>第一段。</p>\n"
                    "<script>var a='<p>脚本</p>';</script>\n<p>第二<br>段</p></body></html>")
    texts = [(b.text, b.line) for b in doc.blocks if b.kind == "paragraph"]
    assert texts[0] == ("第一段。", 2)
    assert all("脚本" not in t for t, _ in texts)
    assert [t for t, _ in texts][1:] == ["第二", "段"]


def test_html_entities_and_nbsp_in_cells():
    doc = read_html("<table><tr><td>规&nbsp;章</td><td>&nbsp;0&nbsp;</td><td>\u3000１２</td></tr></table>")
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert [c.text for c in table.rows[0]] == ["规 章", "0", "１２"]


# --------------------------------------------------------------------------- metadata as pages print it

@pytest.mark.parametrize("text,agency,short,year", [
    ("江汉区人民政府民族街道办事处二〇二一年政府信息公开工作年度报告\n一、总体情况\n正文。\n",
     "江汉区人民政府民族街道办事处", "民族街道", 2021),
    ("武汉市江汉区人民政府民族街道办事处\n2021年度政府信息公开工作年度报告\n一、总体情况\n正文。\n",
     "武汉市江汉区人民政府民族街道办事处", "民族街道", 2021),
    ("2021年政府信息公开工作年度报告\n一、总体情况\n本年度收到申请0件。\n六、其他需要报告的事项\n无。\n\n"
     "武汉市江汉区人民政府民族街道办事处\n2022年1月20日\n", "武汉市江汉区人民政府民族街道办事处", "民族街道", 2021),
    ("【2022-01-20】民族街道2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n", "民族街道", "民族街道", 2021),
    ("首页>政务公开>民族街道2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n", "民族街道", "民族街道", 2021),
    ("网站导航\n江汉区民族街道2020年政府信息公开工作年度报告\n一、总体情况\n正文。\n", "江汉区民族街道", "民族街道", 2020),
    ("武汉市江岸区教育局2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n", "武汉市江岸区教育局", "江岸区教育局", 2021),
])
def test_agency_and_year_from_titles(text, agency, short, year):
    meta = parse(text.encode("utf-8"), "r.txt").meta
    assert (meta.agency, meta.short_name, meta.year) == (agency, short, year)
    assert meta.template == ("2019" if year <= 2020 else "2021")


def test_region_from_text_uses_real_province_names():
    text = ("后湖街道2021年政府信息公开工作年度报告\n本报告根据《中华人民共和国政府信息公开条例》和湖北省武汉市江岸区"
            "政府信息公开规定编制。\n一、总体情况\n正文。\n\n江岸区人民政府后湖街道办事处\n2022年1月17日\n")
    meta = parse(text.encode("utf-8"), "r.txt").meta
    assert (meta.province, meta.city, meta.district) == ("湖北省", "武汉市", "江岸区")
    assert meta.report_date == "2022-01-17"


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("spacer", ["<td></td>", "<td>&nbsp;</td>", '<td width="0"></td><td></td>'])
def test_empty_spacer_columns_do_not_shift_figures(version, spacer):
    """Word/WPS exports often add an empty cell at the end of every row (or of some rows)."""
    figures = figures_with_marks(version, seed=13)
    page = render_html(figures, version)
    assert_cells(parse(page.replace("</tr>", spacer + "</tr>").encode("utf-8"), "p.html"), figures, version)
    assert_cells(parse(page.replace("</tr>", spacer + "</tr>", 9).encode("utf-8"), "p.html"), figures, version)
    assert_cells(parse(page.replace("<tr>", "<tr>" + spacer).encode("utf-8"), "p.html"), figures, version)


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("repeat_header", [False, True])
def test_html_table_split_in_two(version, repeat_header):
    """A table broken by a page break comes out as two tables, the header printed again or not."""
    import re

    from synth import html_tables

    figures = figures_with_marks(version, seed=17)
    page = render_html(figures, version)
    _, apply, _ = html_tables(figures, version)
    rows = re.findall(r"<tr>.*?</tr>", apply)
    k = next(i for i, r in enumerate(rows) if "保护第三方" in r) + 1
    second = (rows[:3] if repeat_header else []) + rows[k:]
    split = ('<table border="1">' + "".join(rows[:k]) + "</table><p>— 3 —</p>"
             '<table border="1">' + "".join(second) + "</table>")
    assert_cells(parse(page.replace(apply, split).encode("utf-8"), "p.html"), figures, version)


@pytest.mark.parametrize("note", ["<td>备注</td>", "<td>单位：件</td><td></td>"])
def test_note_column_after_the_figures(note):
    figures = figures_with_marks("2021", seed=19)
    figures["apply.granted.total"] = None  # a blank last cell stays blank
    page = render_html(figures, "2021").replace("</tr>", note + "</tr>")
    assert_cells(parse(page.encode("utf-8"), "p.html"), figures, "2021")


def test_page_that_declares_gb2312_but_is_utf8():
    figures = figures_with_marks("2021", seed=23)
    report = parse(render_html(figures, "2021", charset="gb2312").encode("utf-8"), "p.html")
    assert report.meta.agency == "江岸区人民政府后湖街道办事处"
    assert_cells(report, figures, "2021")


def test_review_table_printed_as_two_tables():
    """行政复议 (five figures) and 行政诉讼 (ten) as two tables."""
    from store.template import RESULT_COLUMNS
    from synth import REVIEW_KEYS, _td, fmt, html_tables

    figures = consistent_figures(random.Random(3), "2021", density=0.8)
    page = render_html(figures, "2021")
    _, _, review = html_tables(figures, "2021")
    heads = "".join(_td(c.label) for c in RESULT_COLUMNS)
    t1 = ("<table><tr>" + _td("行政复议", cs=5) + "</tr><tr>" + heads + "</tr><tr>"
          + "".join(_td(fmt(figures[k])) for k in REVIEW_KEYS[:5]) + "</tr></table>")
    t2 = ("<table><tr>" + _td("行政诉讼", cs=10) + "</tr><tr>" + _td("未经复议直接起诉", cs=5) + _td("复议后起诉", cs=5)
          + "</tr><tr>" + heads + heads + "</tr><tr>" + "".join(_td(fmt(figures[k])) for k in REVIEW_KEYS[5:])
          + "</tr></table>")
    assert_cells(parse(page.replace(review, t1 + t2).encode("utf-8"), "p.html"), figures, "2021")
