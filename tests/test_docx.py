"""The Word reader: document order, merged cells, nested tables, content controls, pages, bad files."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from store.document import ReadError
from store.readers import read_bytes
from store.readers.docx import read_docx


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _merged_table(d):
    """A piece of section 三: a header spanning columns and a group label spanning rows."""
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = ""
    t.cell(0, 2).merge(t.cell(0, 3)).text = "申请人情况"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "三、本年度办理结果"
    for r, (label, a, b) in enumerate([("（一）予以公开", "3", "3"), ("（二）部分公开", "0", "0"),
                                       ("（七）总计", "3", "3")], start=1):
        t.cell(r, 1).text = label
        t.cell(r, 2).text = a
        t.cell(r, 3).text = b
    return t


def test_paragraphs_and_tables_in_document_order_with_merged_copies():
    d = docx.Document()
    d.add_paragraph("某某街道2021年政府信息公开工作年度报告")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    _merged_table(d)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    doc = read_docx(_save(d))
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "table", "paragraph"]
    rows = doc.blocks[2].rows
    assert [c.text for c in rows[0]] == ["", "", "申请人情况", "申请人情况"]
    assert [c.merged for c in rows[0]] == [False, True, False, True]
    assert [(c.text, c.merged) for c in (rows[1][0], rows[2][0], rows[3][0])] == [
        ("三、本年度办理结果", False), ("三、本年度办理结果", True), ("三、本年度办理结果", True)]
    assert [c.text for c in rows[3] if not c.merged] == ["（七）总计", "3", "3"]
    lines = [b.line for b in doc.blocks]
    assert lines == sorted(lines) and lines[0] == 1 and doc.blocks[3].line > doc.blocks[2].line


def test_a_label_wrapped_over_paragraphs_in_a_cell_is_joined():
    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    t.cell(0, 0).text = "商业"
    t.cell(0, 0).add_paragraph("企业")
    t.cell(0, 1).text = "Annual"
    t.cell(0, 1).add_paragraph("report")
    t.cell(0, 2).text = "5"
    rows = read_docx(_save(d)).blocks[0].rows
    assert [c.text for c in rows[0]] == ["商业企业", "Annual report", "5"]


def test_a_layout_table_is_read_through_and_nested_tables_come_out_in_place():
    d = docx.Document()
    d.add_paragraph("前言")
    outer = d.add_table(rows=1, cols=1)
    host = outer.cell(0, 0)
    host.paragraphs[0].text = "二、主动公开政府信息情况"
    inner = host.add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "信息内容", "本年处理决定数量"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "行政许可", "2676"
    host.add_paragraph("表后说明")
    d.add_paragraph("结尾")
    doc = read_docx(_save(d))
    assert [(b.kind, b.text) for b in doc.blocks if b.kind == "table" or b.text] == [
        ("paragraph", "前言"), ("paragraph", "二、主动公开政府信息情况"), ("table", ""),
        ("paragraph", "表后说明"), ("paragraph", "结尾")]
    table = next(b for b in doc.blocks if b.kind == "table")
    assert [[c.text for c in row] for row in table.rows] == [["信息内容", "本年处理决定数量"],
                                                                    ["行政许可", "2676"]]


def test_content_controls_and_skipped_grid_columns_are_read():
    d = docx.Document()
    p = d.add_paragraph("在内容控件里的段落")
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "信息内容", "本年制发件数", "本年废止件数"
    t.cell(1, 1).text, t.cell(1, 2).text = "规章", "0"
    # wrap the paragraph and the table in a block content control
    body = d.element.body
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(content)
    p._p.addprevious(sdt)
    content.append(p._p)
    content.append(t._tbl)
    # the second row starts one grid column in (gridBefore) and has only two cells
    tr = t._tbl.tr_lst[1]
    tr.remove(tr.tc_lst[0])
    trPr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    trPr.append(before)
    doc = read_docx(_save(d))
    assert [b.kind for b in doc.blocks] == ["paragraph", "table"] and doc.blocks[0].text == "在内容控件里的段落"
    row = doc.blocks[1].rows[1]
    assert [(c.text, c.merged) for c in row] == [("", True), ("规章", False), ("0", False)]
    assert body.find(qn("w:sdt")) is not None


def test_pages_from_the_page_breaks_word_rendered():
    d = docx.Document()
    d.add_paragraph("第一页的段落")
    second = d.add_paragraph("第二页的段落")
    second.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "行政许可", "2676"
    d.add_paragraph("").add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    d.add_paragraph("第三页的段落")
    doc = read_docx(_save(d))
    pages = {b.text or b.kind: b.page for b in doc.blocks if b.text or b.kind == "table"}
    assert pages == {"第一页的段落": 1, "第二页的段落": 2, "table": 2, "第三页的段落": 3}
    assert doc.pages == 3
    assert doc.blocks[2].rows[0][1].page == 2


def test_without_rendered_page_breaks_there_are_no_pages():
    d = docx.Document()
    d.add_paragraph("一段")
    doc = read_docx(_save(d))
    assert doc.pages is None and doc.blocks[0].page is None and doc.blocks[0].line == 1


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"PK\x03\x04" + b"\x00" * 200, "corrupt .docx"),
    (_zip({"hello.txt": "not a Word file"}), "corrupt .docx"),
    (_zip({"[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
           'package/2006/content-types"><Default Extension="xml" ContentType="application/'
           'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
           "xl/workbook.xml": "<workbook/>"}), "corrupt .docx"),
])
def test_bad_word_files_raise_one_line(data, message):
    with pytest.raises(ReadError, match=message) as err:
        read_bytes(data, "bad.docx")
    assert "\n" not in str(err.value)


def test_a_truncated_docx_raises():
    d = docx.Document()
    for k in range(50):
        d.add_paragraph(f"第{k}段")
    data = _save(d)
    with pytest.raises(ReadError, match="corrupt .docx"):
        read_bytes(data[: len(data) // 2], "cut.docx")


def test_an_old_binary_word_file_is_named_as_such():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "某某街道".encode("utf-16-le") * 50
    with pytest.raises(ReadError, match=r"old binary Office format \(\.doc"):
        read_bytes(ole, "report.doc")


def test_paragraph_text_includes_tracked_insertions_and_fields_but_not_deletions():
    d = docx.Document()
    p = d.add_paragraph("主动公开信息")
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "x")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "89"
    r.append(t)
    ins.append(r)
    p._p.append(ins)
    dele = OxmlElement("w:del")
    dele.set(qn("w:id"), "2")
    dele.set(qn("w:author"), "x")
    r2 = OxmlElement("w:r")
    dt = OxmlElement("w:delText")
    dt.text = "90"
    r2.append(dt)
    dele.append(r2)
    p._p.append(dele)
    p.add_run("条。")
    doc = read_docx(_save(d))
    assert doc.blocks[0].text == "主动公开信息89条。"
