"""Markdown pipe tables (store/readers/markdown.py): the layouts converters and OCR pipelines write,
read into table blocks and through the parser into every template cell."""

from __future__ import annotations

import random
import re

import lxml.html
import pytest

from store.parse import parse_document
from store.readers import read_bytes
from store.readers.markdown import (clean_cell, find_tables, is_separator, read_markdown, realign,
                                    split_row)
from synth import arbitrary_figures, consistent_figures, expected, render_html


# --------------------------------------------------------------------------- converters, as the wild writes them

def _rows_of(table) -> list[list[tuple[str, int, int]]]:
    """(text, rowspan, colspan) of every cell, row by row, as the page has them."""
    out = []
    for tr in table.iter("tr"):
        row = []
        for td in tr:
            if td.tag in ("td", "th"):
                text = re.sub(r"\s+", " ", "".join(td.itertext())).strip()
                row.append((text, int(td.get("rowspan") or 1), int(td.get("colspan") or 1)))
        out.append(row)
    return out


def to_markdown(page: str, style: str) -> str:
    """A page converted the way markdownify ("gfm": ``| a | b |``, a colspan leaves empty cells, a
    rowspan's covered cells are dropped, an empty first row) or html2text ("html2text": ``a| b``
    rows, merged cells dropped, ``---|---`` after the first row) do."""
    root = lxml.html.document_fromstring(page)
    lines = []
    for el in root.find("body").iter("p", "table"):
        if el.tag == "p":
            if el.getparent().tag != "td":
                lines += [el.text_content(), ""]
            continue
        rows = []
        for row in _rows_of(el):
            cells = []
            for text, _rs, cs in row:
                cells += [text] + ([""] * (cs - 1) if style == "gfm" else [])
            rows.append(cells)
        if style == "gfm":
            width = max(len(r) for r in rows)
            lines += ["| " + " | ".join([""] * width) + " |", "| " + " | ".join(["---"] * width) + " |"]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
        else:
            lines.append("| ".join(rows[0]))
            lines.append("|".join(["---"] * len(rows[0])))
            lines += ["| ".join(r) for r in rows[1:]]
        lines.append("")
    return "\n".join(lines)


def parse_md(text: str, name: str = "report.md"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def assert_cells(report, figures, version):
    want = expected(figures, version)
    got = {k: (c.status, c.value, c.raw if c.status != "blank" else None) for k, c in report.cells.items()}
    wrong = {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}
    assert not wrong, wrong


def figures_with_marks(version: str, seed: int = 7) -> dict:
    f = consistent_figures(random.Random(seed), version, density=0.5)
    f[f"active.rules.{'made' if version == '2019' else 'issued'}"] = "/"
    f["active.license.decisions"] = None  # a blank cell that spans three columns on the page
    return f


# --------------------------------------------------------------------------- whole reports

@pytest.mark.parametrize("style", ["gfm", "html2text"])
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_converted_reports_read_exactly(style, version):
    figures = figures_with_marks(version)
    text = to_markdown(render_html(figures, version), style)
    report = parse_md(text)
    assert report.format == "markdown"
    assert report.meta.agency == "江岸区人民政府后湖街道办事处"
    assert report.meta.year == (2020 if version == "2019" else 2021)
    assert_cells(report, figures, version)


@pytest.mark.parametrize("style", ["gfm", "html2text"])
@pytest.mark.parametrize("seed", range(6))
def test_any_figures_never_wrong_never_a_false_blank(style, seed):
    """Blank cells anywhere (the last column too): each cell is read right or flagged, never guessed."""
    version = "2021" if seed % 2 else "2019"
    figures = arbitrary_figures(random.Random(seed), version, blank=0.12, mark=0.05)
    report = parse_md(to_markdown(render_html(figures, version), style), "report.txt")
    want = expected(figures, version)
    right = 0
    for key, (status, value, _raw) in want.items():
        cell = report.cells[key]
        if cell.status in ("uncertain", "missing"):
            continue
        if cell.status == "inferred":
            assert status == "number" and cell.value == value, key
            continue
        assert (cell.status, cell.value) == (status, value), (key, cell)
        right += 1
    assert right >= 0.85 * len(want)


# --------------------------------------------------------------------------- finding tables and cells

def test_separator_lines():
    assert is_separator("---") and is_separator("---|---") and is_separator("| :--- | ---: |")
    assert not is_separator("--") and not is_separator("a|---") and not is_separator("| 1 | 2 |")


def test_split_row_keeps_escaped_pipes():
    assert split_row("| a | b \\| c |  |") == [" a ", " b \\| c ", "  "]
    assert split_row("a| b| c  ") == ["a", " b", " c"]
    assert split_row("a| b| ") == ["a", " b", ""]  # html2text: an empty last cell
    assert split_row("a | b |", closed=True) == ["a ", " b "]


@pytest.mark.parametrize("raw,clean", [
    (" **行政许可** ", "行政许可"), ("&nbsp;12&nbsp;", "12"), ("社会公益    组织", "社会公益组织"),
    ("结果<br>维持", "结果维持"), ("a\\_b", "a_b"), ("[首页](http://x.gov.cn/)", "首页"), (" 1\\.属于国家秘密", "1.属于国家秘密"),
])
def test_clean_cell(raw, clean):
    assert clean_cell(raw) == clean


def test_underlined_heading_is_not_a_table():
    lines = ["二、主动公开政府信息情况", "---", "", "正文。"]
    assert find_tables(lines) == []
    assert read_markdown("\n".join(lines)) is None


def test_table_without_separator_and_one_cell_row():
    lines = ["说明", "| 规章 | 0 | 1 |", "| 行政规范性文件 | 2 | 3 |", "", "第二十条第（一）项", "---", "信息内容| 本年制发件数",
             "规章| 5"]
    spans = [(s.start, s.end) for s in find_tables(lines)]
    assert spans == [(1, 3), (4, 8)]


def test_running_text_in_a_cell_becomes_a_paragraph():
    article = "一、总体情况。" + "本局认真贯彻落实条例，" * 12 + "二、主动公开政府信息情况"
    text = f"{article} | 第二十条第（一）项\n---\n信息内容 | 本年制发件数\n规章 | 3\n"
    doc = read_markdown(text)
    assert doc.blocks[0].kind == "paragraph" and doc.blocks[0].text == article
    table = doc.blocks[1]
    assert [[c.text for c in r if not c.merged] for r in table.rows] == [
        ["第二十条第（一）项"], ["信息内容", "本年制发件数"], ["规章", "3"]]
    assert [r[0].line for r in table.rows] == [1, 3, 4]


def test_plain_text_without_tables_reads_as_before():
    doc = read_bytes("标题\n一、总体情况\n规章  0  0\n".encode(), "a.txt")
    assert doc.format == "text" and [b.text for b in doc.blocks] == ["标题", "一、总体情况", "规章  0  0", ""]


# --------------------------------------------------------------------------- putting rows on the grid

def grid(rows):
    return [[None if c.merged else c.text for c in r] for r in realign(rows)]


def test_rows_missing_a_merged_cell_are_aligned_right():
    rows = [["三、本年度办理结果", "（一）予以公开", "1", "2"], ["（二）部分公开", "3", "4"]]
    assert grid(rows) == [["三、本年度办理结果", "（一）予以公开", "1", "2"], [None, "（二）部分公开", "3", "4"]]


def test_rest_of_a_spanning_figure_cell_under_a_spanning_heading():
    rows = [["信息内容", "本年处理决定数量", "", ""], ["行政许可", "3", "", ""], ["行政处罚", "", "", ""]]
    assert grid(rows)[1] == ["行政许可", "3", None, None]
    assert grid(rows)[2] == ["行政处罚", "", "", ""]  # no figure: the row is printed empty


def test_empty_cell_under_a_heading_is_a_blank_cell():
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "2", ""]]
    assert grid(rows)[1] == ["规章", "1", "2", ""]


def test_empty_cell_in_a_column_of_figures_is_a_blank_cell():
    rows = [["自然人", "企业", "总计"], ["一、新收", "", "", "1", "2", "3"], ["二、结转", "", "", "4", "5", ""]]
    assert grid(rows)[2] == ["二、结转", "", "", "4", "5", ""]


def test_undecided_empty_cells_are_left_to_the_parser():
    rows = [["一、新收", "", "1", "2", ""]]
    assert grid(rows) == [["一、新收", None, "1", "2", None]]


def test_gfm_row_whose_last_cell_spans_is_not_read_as_a_blank():
    text = "\n".join(["二、主动公开政府信息情况", "", "|  |  |  |  |", "| --- | --- | --- | --- |",
                      "| 第二十条第（五）项 | | | |", "| 信息内容 | 本年处理决定数量 | | |", "| 行政许可 | 3 | | |"])
    report = parse_md(text)
    assert (report.cells["active.license.decisions"].status, report.cells["active.license.decisions"].value) \
        == ("number", 3)


def test_one_cell_per_line_with_pipes_reads_as_flattened_text():
    text = "\n".join(["二、主动公开政府信息情况", "第二十条第(一)项 |", "|||", "信息内容 |", "本年制发件数 |", "本年废止件数 |",
                      "现行有效件数 |", "|", "规章 |", "2 |", "0 |", "1 |", "|", "行政规范性文件 |", "0 |", "4 |", "5 |"])
    doc = read_markdown(text)
    assert all(b.kind == "paragraph" for b in doc.blocks)
    assert [b.text for b in doc.blocks][8:12] == ["规章", "2", "0", "1"]
    report = parse_md(text)
    assert [report.cells[f"active.rules.{c}"].value for c in ("issued", "repealed", "in_force")] == [2, 0, 1]
    assert [report.cells[f"active.normative.{c}"].value for c in ("issued", "repealed", "in_force")] == [0, 4, 5]


def test_an_empty_header_row_is_no_row_of_the_template():
    """Converters write an empty first row ("|  |  |  |  |") above a table whose header is a body row.  A
    report that does not print 规章 must not get 规章 "printed empty" (blank, 报告未填写) from it: missing."""
    text = "\n".join([
        "某某区教育局2024年政府信息公开工作年度报告", "", "二、主动公开政府信息情况", "",
        "|  |  |  |  |", "| --- | --- | --- | --- |", "| 第二十条第（一）项 | | | |",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "| 规范性文件 | 5 | 0 | 7 |",
        "| 第二十条第（五）项 | | | |", "| 信息内容 | 本年处理决定数量 | | |", "| 行政许可 | 2650 | | |",
        "| 第二十条第（六）项 | | | |", "| 信息内容 | 本年处理决定数量 | | |", "| 行政处罚 | 31 | | |",
        "| 行政强制 | 0 | | |", "| 第二十条第（八）项 | | | |", "| 信息内容 | 本年收费金额（单位：万元） | | |",
        "| 行政事业性收费 | 0 | | |", ""])
    report = parse_document(read_bytes(text.encode("utf-8"), "r.md"))
    assert [report.cells[f"active.normative.{c}"].value for c in ("issued", "repealed", "in_force")] == [5, 0, 7]
    for col in ("issued", "repealed", "in_force"):
        assert report.cells[f"active.rules.{col}"].status == "missing", report.cells[f"active.rules.{col}"]
