"""Generate PDF and Word reports for the tests (no binary fixtures are committed).

``render_sample_pdf`` renders one of the bundled text samples as a PDF in the
real template's shape: the narrative as wrapped paragraphs, then section 二,
三 and 四 as ruled tables with merged cells (三、本年度办理结果 and （三）不予公开
spanning rows, 申请人情况 / 法人或其他组织 spanning columns), labels wrapped
inside narrow cells, section 三 broken across a page break (with or without a
repeated header) and section 四 under its two-level header.  The figures come
from parsing the text sample, so a PDF must read back to the same cells.

Chinese text uses reportlab's built-in CID font ``STSong-Light``, which
pdfplumber reads back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from store.document import Document
from store.parse import _regions, parse_document
from store.parse import sections as _sections
from store.parse.lines import document_lines
from store.readers import read_document
from store.records import ParsedReport
from store.template import ACTIVE, APPLICANT_COLUMNS, APPLY, RESULT_COLUMNS, cell_key

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60.0, 60.0, 60.0
TEXT_W = PAGE_W - 2 * MARGIN_X


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character, as Chinese wraps);
    an explicit newline forces a break."""
    out: list[str] = []
    for part in text.split("\n"):
        line = ""
        for ch in part:
            if line and text_width(line + ch, size) > width:
                out.append(line)
                line = ch
            else:
                line += ch
        out.append(line)
    return out


# --------------------------------------------------------------------------- tables as data

@dataclass
class TCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def grid_positions(rows: list[list[TCell]]) -> list[tuple[int, int, TCell]]:
    """HTML-style rows (covered positions omitted) -> (row, col, cell) of every origin cell."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


# --------------------------------------------------------------------------- the writer

class PdfWriter:
    """A tiny flowing layout on a reportlab canvas: paragraphs and (ruled or unruled) tables."""

    def __init__(self, encrypt=None, page_numbers: bool = True, running_head: str | None = None,
                 border: str = "rect"):
        self.running_head = running_head
        self.border = border  # how ruled tables draw their lines: rect | lines | filled
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4, encrypt=encrypt, invariant=1)
        self.page = 1
        self.y = PAGE_H - MARGIN_TOP
        self.page_numbers = page_numbers

    # pages
    def new_page(self):
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN_TOP

    def _footer(self):
        if self.page_numbers:
            self.c.setFont(FONT, 9)
            self.c.drawCentredString(PAGE_W / 2, 30, f"— {self.page} —")
        if self.running_head:
            self.c.setFont(FONT, 9)
            self.c.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 35, self.running_head)
            self.c.drawString(MARGIN_X, 45, f"第 {self.page} 页")

    def image_page(self):
        """End this page and add one that is only shapes, like a scanned page (no text, no page number)."""
        self.new_page()
        draw_scan(self.c)
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN_TOP

    def ensure(self, height: float):
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def finish(self) -> bytes:
        self._footer()
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()

    # text
    def paragraph(self, text: str, size: float = 10.5, indent: bool = True, align: str = "left",
                  leading: float | None = None):
        leading = leading or size * 1.6
        first = ("\u3000\u3000" if indent else "") + text
        lines = wrap(first, TEXT_W, size) if align == "left" else [text]
        for ln in lines:
            self.ensure(leading)
            self.y -= leading
            self.c.setFont(FONT, size)
            if align == "center":
                self.c.drawCentredString(PAGE_W / 2, self.y, ln)
            elif align == "right":
                self.c.drawRightString(PAGE_W - MARGIN_X, self.y, ln)
            else:
                self.c.drawString(MARGIN_X, self.y, ln)

    def space(self, h: float):
        self.y -= h

    # tables
    def table(self, rows, widths, *, size=9, ruled=True, header_rows=0, repeat_header=False,
              break_before: int | None = None):
        """Draw a table; rows that do not fit go on to the next page (a cell spanning rows is split
        there, its text printed in the first part, as word processors do)."""
        pad = 3.0
        leading = size + 3
        xs = [MARGIN_X]
        for w in widths:
            xs.append(xs[-1] + w)
        cells = grid_positions(rows)
        nrows = len(rows)
        heights = [leading + 2 * pad] * nrows
        for r, c, cell in cells:
            w = xs[c + cell.colspan] - xs[c] - 2 * pad
            h = len(wrap(cell.text, w, size)) * leading + 2 * pad
            if cell.rowspan == 1:
                heights[r] = max(heights[r], h)
        placed: list[tuple[int, float]] = [(0, 0.0)] * nrows
        self._pending = (rows, cells, xs, heights, size, ruled, pad, leading, placed)
        here: list[int] = []
        for r in range(nrows):
            if (self.y - heights[r] < MARGIN_BOTTOM or r == break_before) and here:
                self._draw_table_on_page(self.page, here)
                self.new_page()
                here = []
                if repeat_header and r >= header_rows:
                    for hr in range(header_rows):
                        placed[hr] = (self.page, self.y)
                        self.y -= heights[hr]
                        here.append(hr)
            placed[r] = (self.page, self.y)
            here.append(r)
            self.y -= heights[r]
        self._draw_table_on_page(self.page, here)
        self._pending = None

    def _draw_table_on_page(self, page, rows_here):
        rows, cells, xs, heights, size, ruled, pad, leading, placed = self._pending
        here = set(rows_here)
        tops = {r: placed[r][1] for r in rows_here}
        for r0, c, cell in cells:
            span = [k for k in range(r0, r0 + cell.rowspan) if k in here]
            if not span:
                continue
            top = tops[span[0]]
            bottom = tops[span[-1]] - heights[span[-1]]
            text = cell.text if r0 in here else ""  # a spanning cell's text is printed in its first part
            self._cell(xs[c], xs[c + cell.colspan], top, bottom, text, size, ruled, pad, leading)

    def _cell(self, x0, x1, top, bottom, text, size, ruled, pad, leading):
        cv = self.c
        if ruled and self.border == "rect":
            cv.setLineWidth(0.6)
            cv.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
        elif ruled and self.border == "lines":  # four stroked segments per cell
            cv.setLineWidth(0.5)
            for a, b, c, d in ((x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom),
                               (x1, top, x1, bottom)):
                cv.line(a, b, c, d)
        elif ruled:  # "filled": thin filled rectangles, as Word's PDF export draws borders
            w = 0.5
            cv.setFillGray(0)
            cv.rect(x0, top - w / 2, x1 - x0, w, stroke=0, fill=1)
            cv.rect(x0, bottom - w / 2, x1 - x0, w, stroke=0, fill=1)
            cv.rect(x0 - w / 2, bottom, w, top - bottom, stroke=0, fill=1)
            cv.rect(x1 - w / 2, bottom, w, top - bottom, stroke=0, fill=1)
        lines = wrap(text, x1 - x0 - 2 * pad, size) if text else []
        total = len(lines) * leading
        y = (top + bottom) / 2 + total / 2 - leading + (leading - size) / 2 + 1
        cv.setFont(FONT, size)
        for ln in lines:
            cv.drawCentredString((x0 + x1) / 2, y, ln)
            y -= leading


# --------------------------------------------------------------------------- the template's tables

def _v(report: ParsedReport, key: str) -> str:
    cell = report.cells.get(key)
    if cell is None or cell.value is None:
        return "" if cell is None or cell.status in ("blank", "missing") else (cell.raw or "")
    v = cell.value
    return str(int(v)) if float(v).is_integer() else repr(v)


def _status(report: ParsedReport, key: str) -> str:
    cell = report.cells.get(key)
    return "missing" if cell is None else cell.status


def active_table(report: ParsedReport, version: str) -> tuple[list[list[TCell]], list[float]]:
    """Section 二 as the template prints it (4 columns; one-column values span three)."""
    rows: list[list[TCell]] = []
    groups: dict[str, list] = {}
    for row in ACTIVE.rows_for(version):
        groups.setdefault(row.group, []).append(row)
    for group, trows in groups.items():
        rows.append([TCell(group, colspan=4)])
        cols = trows[0].columns
        spans = [1] * len(cols)
        spans[-1] = 4 - len(cols)
        rows.append([TCell("信息内容")] + [TCell(c.label, colspan=s) for c, s in zip(cols, spans)])
        for row in trows:
            if all(_status(report, cell_key(ACTIVE, row, c)) == "missing" for c in cols):
                continue  # the sample does not print this row
            rows.append([TCell(row.label)] + [TCell(_v(report, cell_key(ACTIVE, row, c)), colspan=s)
                                              for c, s in zip(cols, spans)])
    return rows, [140, 111, 112, 112]


def apply_table(report: ParsedReport, version: str) -> tuple[list[list[TCell]], list[float]]:
    """Section 三: three label columns, seven applicant columns, a three-row header."""
    rows: list[list[TCell]] = [
        [TCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3),
         TCell("申请人情况", colspan=7)],
        [TCell("自然人", rowspan=2), TCell("法人或其他组织", colspan=5), TCell("总计", rowspan=2)],
        [TCell("商业企业"), TCell("科研机构"), TCell("社会公益组织"), TCell("法律服务机构"), TCell("其他")],
    ]
    trows = APPLY.rows_for(version)
    result_rows = [r for r in trows if r.group == "三、本年度办理结果" or r.group.startswith("（")
                   or r.key in ("other", "total")]
    group_sizes: dict[str, int] = {}
    for r in trows:
        if r.group.startswith("（"):
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    seen_groups: set[str] = set()
    first_result = True
    for r in trows:
        vals = [TCell(_v(report, cell_key(APPLY, r, c))) for c in APPLICANT_COLUMNS]
        out: list[TCell] = []
        if r in result_rows:
            if first_result:
                out.append(TCell("三、本年度办理结果", rowspan=len(result_rows)))
                first_result = False
            if r.group.startswith("（"):
                if r.group not in seen_groups:
                    out.append(TCell(r.group, rowspan=group_sizes[r.group]))
                    seen_groups.add(r.group)
                out.append(TCell(r.label))
            else:
                out.append(TCell(r.label, colspan=2))
        else:
            out.append(TCell(r.label, colspan=3))
        rows.append(out + vals)
    return rows, [45, 52, 98, 40, 40, 40, 40, 40, 40, 40]


def review_table(report: ParsedReport) -> tuple[list[list[TCell]], list[float]]:
    """Section 四: 行政复议 (5) and 行政诉讼 (直接起诉 5 + 复议后起诉 5) over one row of 15 numbers."""
    results = [c.label for c in RESULT_COLUMNS]
    wrapped = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    rows = [
        [TCell("行政复议", colspan=5), TCell("行政诉讼", colspan=10)],
        [TCell(t, rowspan=2) for t in wrapped] + [TCell("未经复议直接起诉", colspan=5), TCell("复议后起诉", colspan=5)],
        [TCell(t) for t in wrapped] + [TCell(t) for t in wrapped],
        [TCell(_v(report, f"{g}.{c.key}")) for g in ("review", "suit.direct", "suit.after_review")
         for c in RESULT_COLUMNS],
    ]
    assert len(results) == 5
    return rows, [TEXT_W / 15] * 15


def split_table_row(rows: list[list[TCell]], split: tuple) -> int:
    """Split the row whose label is ``split[0]`` into two rows, the label's text after ``split[1]``
    in the second; the figures stay in the first part, or go to the second when ``split[2]`` is
    "figures_last" (a cell centred vertically).  Returns the index of the second row."""
    label, first = split[:2]
    figures_last = split[2:] == ("figures_last",)
    r = next(i for i, row in enumerate(rows) if any(c.text == label for c in row))
    for r0, c, cell in grid_positions(rows):
        if r0 < r < r0 + cell.rowspan or r0 == r and cell.rowspan > 1:
            cell.rowspan += 1
    second = []
    for cell in rows[r]:
        if cell.text == label:
            cell.text, rest = first, label[len(first):]
            second.append(TCell(rest, colspan=cell.colspan))
        elif cell.rowspan == 1:
            second.append(TCell("", colspan=cell.colspan))
    rows.insert(r + 1, second)
    if figures_last:
        moved = [c for c in rows[r] if c.rowspan == 1 and c.text and c.text not in (first,)]
        blanks = [c for c in second if not c.text]
        for a, b in zip(moved[-len(blanks):], blanks):
            a.text, b.text = "", a.text
    return r + 1


# --------------------------------------------------------------------------- samples as PDF

def sample_layout(path: Path) -> tuple[ParsedReport, list[tuple[str, str]]]:
    """Parse a text sample; return the report and its content in order: ("text", line) for every
    line outside the tables, ("table", id) where a table was printed."""
    doc: Document = read_document(path)
    report = parse_document(doc)
    lines = document_lines(doc)
    spans = _sections.find_sections(lines)
    regions = _regions(lines, spans)
    in_table: dict[int, str] = {}
    for table_id, (a, b) in regions.items():
        for i in range(a, b):
            if lines[i].kind != "narrative":
                in_table[i] = table_id
    out: list[tuple[str, str]] = []
    emitted: set[str] = set()
    for i, ln in enumerate(lines):
        if i in in_table:
            tid = in_table[i]
            if tid not in emitted and ln.kind != "empty":
                out.append(("table", tid))
                emitted.add(tid)
            continue
        text = ln.text.replace("\t", " ").strip(" \u3000")
        if text:
            out.append(("text", text))
    for tid in ("active", "apply", "review"):
        if tid not in emitted:
            out.append(("table", tid))
    return report, out


def render_report_pdf(report: ParsedReport, content: list[tuple[str, str]], *, ruled: bool = True,
                      repeat_header: bool = False, encrypt=None, scan_page: bool = False,
                      running_head: str | None = None, border: str = "rect",
                      split_row: tuple | None = None) -> bytes:
    """``scan_page`` adds an image-only page after section 二's table; ``split_row`` = (label, first
    part) breaks that row of section 三 across the page break, as Word does with a row allowed to
    break: the first part of the label and the figures at the foot of one page, the rest of the
    label at the top of the next."""
    version = report.meta.template or "2021"
    w = PdfWriter(encrypt=encrypt, running_head=running_head, border=border)
    title_done = False
    for kind, value in content:
        if kind == "table":
            w.space(6)
            if value == "active":
                rows, widths = active_table(report, version)
                w.table(rows, widths, ruled=ruled)
                if scan_page:
                    w.image_page()
            elif value == "apply":
                rows, widths = apply_table(report, version)
                # start the table low on the page so that it breaks across pages
                if w.y > 420:
                    w.space(w.y - 420)
                brk = None
                if split_row:
                    brk = split_table_row(rows, split_row)
                    w.space(w.y - 250)  # the row falls at the foot of the page
                w.table(rows, widths, ruled=ruled, header_rows=3, repeat_header=repeat_header, break_before=brk)
            else:
                rows, widths = review_table(report)
                w.table(rows, widths, size=8.5, ruled=ruled)
            w.space(6)
            continue
        if not title_done and report.meta.title and value.replace(" ", "") in report.meta.title.replace(" ", ""):
            w.paragraph(value, size=16, indent=False, align="center", leading=26)
            continue
        title_done = True
        short = len(value) <= 30
        heading = short and (value[:2] in ("一、", "二、", "三、", "四、", "五、", "六、") or value.startswith(("（", "(")))
        if heading:
            w.paragraph(value, size=10.5, indent=not value.startswith(("一", "二", "三", "四", "五", "六")))
        elif short and ("年" in value and "月" in value and "日" in value or value.endswith(("办事处", "政府", "街道"))):
            w.paragraph(value, align="right", indent=False)
        else:
            w.paragraph(value)
    return w.finish()


def render_sample_pdf(path: Path, **kw) -> tuple[bytes, ParsedReport]:
    report, content = sample_layout(path)
    return render_report_pdf(report, content, **kw), report


# --------------------------------------------------------------------------- bad files

def draw_scan(c) -> None:
    """A page of grey shapes where a scan would have its picture."""
    c.setFillGray(0.8)
    c.rect(80, 200, 400, 500, stroke=0, fill=1)
    c.setFillGray(0.3)
    for k in range(20):
        c.rect(100, 220 + k * 22, 360, 8, stroke=0, fill=1)
    c.setFillGray(0)


def image_only_pdf(pages: int = 1) -> bytes:
    """Pages with shapes and no text at all, like a scan."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(pages):
        draw_scan(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption(user_password, "owner", canPrint=1)
    w = PdfWriter(encrypt=enc)
    w.paragraph("某某街道2021年政府信息公开工作年度报告", size=16, indent=False, align="center")
    w.paragraph("这是一份加密的报告。")
    return w.finish()


def corrupt_pdf(good: bytes) -> bytes:
    """A download cut short: the header and a third of the body."""
    return good[: len(good) // 3]


# --------------------------------------------------------------------------- Word

def sample_docx(report: ParsedReport, content: list[tuple[str, str]], nested: bool = False) -> bytes:
    """A .docx of a sample: paragraphs, then the three tables with merged cells (python-docx)."""
    import docx

    version = report.meta.template or "2021"
    d = docx.Document()
    for kind, value in content:
        if kind == "text":
            d.add_paragraph(value)
            continue
        if value == "active":
            rows, _ = active_table(report, version)
        elif value == "apply":
            rows, _ = apply_table(report, version)
        else:
            rows, _ = review_table(report)
        width = max(c + cell.colspan for r, c, cell in grid_positions(rows))
        if nested and value == "apply":
            outer = d.add_table(rows=1, cols=1)
            host = outer.cell(0, 0)
            host.paragraphs[0].text = "表二"
            t = host.add_table(rows=len(rows), cols=width)
        else:
            t = d.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        # t.cell() walks the whole table each time: take the cells once (a merge only removes
        # positions that no later cell starts at, so the others stay valid)
        grid = t._cells
        for r, c, cell in grid_positions(rows):
            target = grid[r * width + c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(grid[(r + cell.rowspan - 1) * width + c + cell.colspan - 1])
            parts = cell.text.split("\n")
            target.paragraphs[0].text = parts[0]
            for extra in parts[1:]:
                target.add_paragraph(extra)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
