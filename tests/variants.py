"""Unseen variants of real reports: the pages of corpus c re-rendered through other real pipelines.

Corpus c holds real government web pages with verified truth (every table cell).  The same content reaches
the project in many other shapes: printed to PDF (ruled or not, tables broken across pages), saved as Word,
copied from a browser (tabs), flattened by a crawler (a cell per line, or a row on one line with single
spaces), converted to markdown, in traditional characters, with full-width digits or odd spaces, cut off
at some point, with the headings numbered or worded otherwise.  The figures stay those of c's truth, so
every variant can be scored cell by cell: right, wrong, false blank (``blank`` where a figure is printed),
flagged (``uncertain``/``missing``).

``page_from_html(path)`` reads a page into a :class:`Page` (paragraphs and tables with their spans, read
here with lxml, not with the project's reader); ``LAYOUTS`` maps a layout name to a function
``(page, rng) -> (bytes, suffix)``; ``score(report, truth)`` compares one parsed report with the truth.
Used by ``tests/test_variants.py`` (a few files per layout) and ``benchmarks/sweep_variants.py`` (all).
"""

from __future__ import annotations

import collections
import html as _html
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from pdf_fixtures import TEXT_W, PdfWriter, TCell, grid_positions
from realworld_corpus import judge

_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "select", "button"}
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
          "footer", "blockquote", "pre", "ul", "ol", "center", "dd", "dt", "dl", "form", "hr", "td", "th",
          "caption", "main", "aside", "nav", "address", "body", "html"}
_WS = re.compile(r"[ \t\r\n\u00a0\u3000\u2002\u2003\u200b]+")
_DIGITS = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass
class Page:
    """A report page: its <title> and its blocks in order — a paragraph (str) or a table (rows of
    TCell, HTML-style: a cell covered by a span is not in the row)."""

    title: str
    blocks: list = field(default_factory=list)

    def tables(self) -> list[list[list[TCell]]]:
        return [b for b in self.blocks if not isinstance(b, str)]

    def map(self, fn) -> "Page":
        """The same page with ``fn`` applied to every text (title, paragraphs, cells)."""
        out = []
        for b in self.blocks:
            if isinstance(b, str):
                out.append(fn(b))
            else:
                out.append([[TCell(fn(c.text), c.colspan, c.rowspan) for c in row] for row in b])
        return Page(fn(self.title), out)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _cell_text(el) -> str:
    text = "".join(el.itertext())
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s*\n\s*(?=[\u4e00-\u9fff])", "", text)
    return _clean(text)


def page_from_html(path: Path | str) -> Page:
    root = lxml.html.document_fromstring(Path(path).read_bytes().decode("utf-8"))
    title_el = root.find(".//title")
    page = Page(_clean(title_el.text_content()) if title_el is not None else "")
    buf: list[str] = []

    def flush():
        t = _clean("".join(buf))
        if t:
            page.blocks.append(t)
        buf.clear()

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP:
            return
        if tag == "table":
            flush()
            if el.find(".//table") is not None:  # a layout table
                buf.append(el.text or "")
                for child in el:
                    walk(child)
                    buf.append(child.tail or "")
                flush()
                return
            rows = []
            for tr in el.iter("tr"):
                row = []
                for td in tr:
                    if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                        continue
                    try:
                        rs, cs = max(1, int(td.get("rowspan") or 1)), max(1, int(td.get("colspan") or 1))
                    except ValueError:
                        rs, cs = 1, 1
                    row.append(TCell(_cell_text(td), cs, rs))
                rows.append(row)
            if any(c.text for r in rows for c in r):
                page.blocks.append(rows)
            return
        block = tag in _BLOCK
        if block:
            flush()
        buf.append(el.text or "")
        for child in el:
            walk(child)
            buf.append(child.tail or "")
        if block:
            flush()

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return page


# --------------------------------------------------------------------------- grids

def width_of(rows: list[list[TCell]]) -> int:
    return max((c + cell.colspan for _, c, cell in grid_positions(rows)), default=0)


def full_grid(rows: list[list[TCell]]) -> list[list[tuple[TCell, bool]]]:
    """Every position: (the cell covering it, whether it is the cell's origin)."""
    n, w = len(rows), width_of(rows)
    grid: list[list] = [[(TCell(""), False)] * w for _ in range(n)]
    for r, c, cell in grid_positions(rows):
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                if r + dr < n:
                    grid[r + dr][c + dc] = (cell, not dr and not dc)
    return grid


def rows_with_vmerge(rows: list[list[TCell]]) -> list[list[str]]:
    """Each row as Word stores it: a cell spanning columns once, a cell spanning rows once per row (its
    text in its first row, empty in the rows it continues into)."""
    out = []
    for row in full_grid(rows):
        texts, seen = [], set()
        for cell, _ in row:
            if id(cell) not in seen:
                seen.add(id(cell))
                texts.append(cell.text if any(o for c2, o in row if c2 is cell) else "")
        out.append(texts)
    return out


def header_rows(rows: list[list[TCell]]) -> int:
    """Rows before the first that prints a figure."""
    for i, row in enumerate(rows):
        if any(re.fullmatch(r"[\d.\s]+", c.text or "x") for c in row):
            return i
    return 0


# --------------------------------------------------------------------------- renderers

def to_html(page: Page) -> bytes:
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_html.escape(page.title)}</title></head><body>"]
    for b in page.blocks:
        if isinstance(b, str):
            out.append(f"<p>{_html.escape(b)}</p>")
            continue
        out.append("<table border='1'>")
        for row in b:
            tds = "".join(f"<td{f' rowspan={c.rowspan}' if c.rowspan > 1 else ''}"
                          f"{f' colspan={c.colspan}' if c.colspan > 1 else ''}>{_html.escape(c.text)}</td>"
                          for c in row)
            out.append(f"<tr>{tds}</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out).encode("utf-8")


def table_lines(rows: list[list[TCell]], style: str) -> list[str]:
    """A table as text, the way one pipeline writes it.

    ``tabs``    a browser's copy: a row per line, the row's own cells separated by tabs (cells covered
                by a span above are left out, a cell spanning columns is one cell);
    ``grid``    a spreadsheet's copy: a row per line, every position, a merged cell's text in its first
                position and empty ones after it;
    ``spaces``  a crawler that joined a row's cells with single spaces;
    ``cells``   a crawler that put every cell on its own line;
    ``pipes``   a GitHub pipe table, every position (merged positions empty), the first row as header.
    """
    if style == "tabs":
        return ["\t".join(c.text for c in row) for row in rows]
    if style == "spaces":
        return [" ".join(c.text for c in row if c.text) for row in rows]
    if style == "cells":
        return [c.text for row in rows for c in row]
    if style == "oneline":
        return [" ".join(c.text for row in rows for c in row if c.text)]
    if style == "runtogether":
        return ["".join(c.text for row in rows for c in row)]
    grid = full_grid(rows)
    if style == "grid":
        return ["\t".join(cell.text if origin else "" for cell, origin in row) for row in grid]
    if style == "grid_repeat":
        return ["\t".join(cell.text for cell, _ in row) for row in grid]
    if style in ("pipes", "pipes_repeat"):  # pipes_repeat: a merged cell's text in every position (docling)
        out = []
        for i, row in enumerate(grid):
            out.append("| " + " | ".join(cell.text if origin or style == "pipes_repeat" else ""
                                         for cell, origin in row) + " |")
            if i == 0:
                out.append("|" + "---|" * len(row))
        return out
    if style == "docx2txt":  # a cell per paragraph, a vertically merged cell's later rows empty, blank lines
        out = []
        for row in rows_with_vmerge(rows):
            for text in row:
                out += [text, ""]
        return out
    raise ValueError(style)


def to_text(page: Page, style: str, *, title: bool = True, blank_lines: bool = False) -> bytes:
    out = [page.title] if title and page.title else []
    for b in page.blocks:
        if isinstance(b, str):
            out.append(b)
        else:
            out.extend(table_lines(b, style))
        if blank_lines:
            out.append("")
    return ("\n".join(out) + "\n").encode("utf-8")


def _widths(rows: list[list[TCell]]) -> list[float]:
    w = width_of(rows)
    weight = [1.0] * w
    for _, c, cell in grid_positions(rows):
        if cell.colspan == 1:
            weight[c] = max(weight[c], min(len(cell.text), 10) / 2)
    total = sum(weight)
    return [TEXT_W * x / total for x in weight]


def to_pdf(page: Page, *, ruled: bool = True, repeat_header: bool = False, break_at: float | None = None,
           border: str = "rect", heading: bool = True, running_head: str | None = None) -> bytes:
    """Paragraphs and tables on A4 pages (reportlab, STSong-Light).  ``break_at`` (0..1): start every
    table so low on a page that it breaks there, about that far into its rows."""
    w = PdfWriter(border=border, running_head=running_head)
    first = True
    for b in page.blocks:
        if isinstance(b, str):
            if first and heading:
                w.paragraph(b, size=16, indent=False, align="center", leading=26)
            else:
                w.paragraph(b, indent=not re.match(r"[一二三四五六七八九十]、", b))
            first = False
            continue
        w.space(6)
        hr = header_rows(b)
        brk = None
        if break_at is not None and len(b) > hr + 2:
            brk = hr + max(1, int((len(b) - hr) * break_at))
        w.table(b, _widths(b), size=8 if width_of(b) > 10 else 9, ruled=ruled, header_rows=hr,
                repeat_header=repeat_header, break_before=brk)
        w.space(6)
    return w.finish()


def to_docx(page: Page) -> bytes:
    import docx

    d = docx.Document()
    for b in page.blocks:
        if isinstance(b, str):
            d.add_paragraph(b)
            continue
        width = width_of(b)
        t = d.add_table(rows=len(b), cols=width)
        t.style = "Table Grid"
        grid = t._cells
        for r, c, cell in grid_positions(b):
            target = grid[r * width + c]
            if cell.rowspan > 1 or cell.colspan > 1:
                r1 = min(r + cell.rowspan - 1, len(b) - 1)
                target = target.merge(grid[r1 * width + c + cell.colspan - 1])
            target.paragraphs[0].text = cell.text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_markdown(page: Page, converter: str, **options) -> bytes:
    """Markdown through a real converter (html2text or markdownify) run on the page re-rendered as
    HTML; options other than corpus d's."""
    html = to_html(page).decode("utf-8")
    if converter == "html2text":
        import html2text

        h = html2text.HTML2Text()
        for k, v in options.items():
            setattr(h, k, v)
        return h.handle(html).encode("utf-8")
    import markdownify

    return markdownify.markdownify(html, **options).encode("utf-8")


def pdf_text(pdf: bytes, tool: str) -> bytes:
    """A PDF's text as PDF-to-text tools write it: ``pdfminer`` (pdf2txt: text boxes in its own order),
    ``plumber`` (pdfplumber's lines), ``plumber_layout`` (pdfplumber with the page's layout in spaces)."""
    if tool == "pdfminer":
        from pdfminer.high_level import extract_text

        return extract_text(io.BytesIO(pdf)).encode("utf-8")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [p.extract_text(layout=tool == "plumber_layout") or "" for p in doc.pages]
    return "\n".join(pages).encode("utf-8")


def ocr_text(pdf: bytes, dpi: int = 150) -> bytes:
    """A PDF printed and scanned, read back by Tesseract (chi_sim) into plain text: OCR text as OCR
    pipelines store it.  Needs the ``tesseract`` command with chi_sim."""
    import subprocess
    import tempfile

    import pypdfium2

    from ocr_fixtures import use_chinese_font

    use_chinese_font()
    out = []
    doc = pypdfium2.PdfDocument(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72).to_pil()
            path = f"{tmp}/p{i}.png"
            img.save(path)
            r = subprocess.run(["tesseract", path, "-", "-l", "chi_sim", "--psm", "6"], capture_output=True,
                               text=True, timeout=300)
            out.append(r.stdout)
    return "\n".join(out).encode("utf-8")


# --------------------------------------------------------------------------- transforms of the content

def traditional(page: Page, config: str = "s2t") -> Page:
    from opencc import OpenCC

    cc = OpenCC(config)
    return page.map(cc.convert)


def fullwidth_digits(page: Page) -> Page:
    return page.map(lambda t: t.translate(_DIGITS))


def odd_spaces(page: Page, rng: random.Random) -> Page:
    """Cells padded with U+3000 / U+00A0, labels with a space inside them, as word processors leave."""
    def fn(t: str) -> str:
        if not t:
            return rng.choice(["", "\u00a0", "\u3000"])
        if re.fullmatch(r"[\d.]+", t):
            return rng.choice(["\u00a0", "\u3000", " ", ""]) + t + rng.choice(["\u00a0", "", "\u3000"])
        if len(t) > 4 and rng.random() < 0.3:
            k = rng.randrange(1, len(t) - 1)
            return t[:k] + rng.choice(["\u3000", "\u00a0", " "]) + t[k:]
        return t
    return page.map(fn)


def map_cells(page: Page, figure=None, label=None) -> Page:
    """The same page with ``figure(text)`` applied to every table cell that prints a figure and
    ``label(text)`` to every other table cell."""
    out = []
    for b in page.blocks:
        if isinstance(b, str):
            out.append(b)
            continue
        rows = []
        for row in b:
            cells = []
            for c in row:
                is_figure = bool(re.fullmatch(r"\d+(?:\.\d+)?", c.text))
                fn = figure if is_figure else label
                cells.append(TCell(fn(c.text) if fn else c.text, c.colspan, c.rowspan))
            rows.append(cells)
        out.append(rows)
    return Page(page.title, out)


def with_units(page: Page, rng: random.Random) -> Page:
    """Figures printed with their unit or thousands separators, as some editors type them."""
    def fig(t: str) -> str:
        if "." in t:
            return t + rng.choice(["", "万元", " 万元"])
        n = int(t)
        if n >= 1000 and rng.random() < 0.7:
            t = f"{n:,}"
        return t + rng.choice(["", "", "件", " 件", "个"])
    return map_cells(page, figure=fig)


def ocr_confusions(page: Page, rng: random.Random, rate: float = 0.15) -> Page:
    """Figures as OCR misreads them: 0 as O/o/〇, 1 as l/I, a stray space inside a number."""
    swaps = {"0": ["O", "o", "〇", "D"], "1": ["l", "I", "|"], "5": ["S"], "8": ["B"]}

    def fig(t: str) -> str:
        if rng.random() > rate:
            return t
        k = rng.randrange(len(t))
        ch = t[k]
        if ch in swaps:
            return t[:k] + rng.choice(swaps[ch]) + t[k + 1:]
        if len(t) > 1:
            return t[:k] + " " + t[k:] if k else t
        return t
    return map_cells(page, figure=fig)


def label_variants(page: Page, rng: random.Random) -> Page:
    """Row labels as other reports print them: numbering dropped or changed, 数量 dropped, a unit added,
    punctuation in half width, a word lost."""
    def lab(t: str) -> str:
        r = rng.random()
        if r < 0.2:
            t = re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])", "", t)
        elif r < 0.3:
            t = t.replace("（", "(").replace("）", ")")
        elif r < 0.4:
            t = re.sub(r"^(\d+)\.", r"\1、", t)
        elif r < 0.5:
            t = t.replace("数量", "")
        elif r < 0.55 and len(t) > 6:
            k = rng.randrange(2, len(t) - 2)
            t = t[:k] + t[k + 1:]
        return t
    return map_cells(page, label=lab)


def seq_column(page: Page) -> Page:
    """A 序号 column before the labels (1, 2, 3 … on the rows that print figures), as some editors add."""
    out = []
    for b in page.blocks:
        if isinstance(b, str):
            out.append(b)
            continue
        hr = header_rows(b)
        rows, k = [], 0
        for i, row in enumerate(b):
            if i == 0 and hr:
                rows.append([TCell("序号", 1, hr)] + [TCell(c.text, c.colspan, c.rowspan) for c in row])
                continue
            if i < hr:
                rows.append([TCell(c.text, c.colspan, c.rowspan) for c in row])
                continue
            k += 1
            rows.append([TCell(str(k))] + [TCell(c.text, c.colspan, c.rowspan) for c in row])
        out.append(rows)
    return Page(page.title, out)


def extra_rows(page: Page, rng: random.Random) -> Page:
    """Rows the template does not have, as real reports add them: a 其中 breakdown under a row, an 合计
    or 其他 row, a note row at the foot of the table."""
    out = []
    for b in page.blocks:
        if isinstance(b, str):
            out.append(b)
            continue
        rows = [[TCell(c.text, c.colspan, c.rowspan) for c in row] for row in b]
        width = width_of(rows)
        grid = full_grid(rows)
        hr = header_rows(rows)
        # after a data row that no merged cell crosses, a row of the same shape
        simple = [i for i in range(hr, len(rows)) if all(cell.rowspan == 1 for cell, _ in grid[i])
                  and len(rows[i]) > 1 and re.fullmatch(r"[\d.]+", rows[i][-1].text)
                  and not re.fullmatch(r"[\d.]+", rows[i][0].text)]  # a row with a label (not section 四's)
        if simple:
            i = rng.choice(simple)
            shape = [c.colspan for c in rows[i]]
            label = rng.choice(["其中：网上申请", "其中：当面申请", "其他文件", "地方性法规"])
            figures = [str(rng.randint(0, 3)) for _ in shape[1:]]
            rows.insert(i + 1, [TCell(label, shape[0])] + [TCell(f, cs) for f, cs in zip(figures, shape[1:])])
        rows.append([TCell(rng.choice(["注：本表数据截至12月31日。", "备注：无", "合计说明：表中数据由各科室汇总"]),
                           width)])
        out.append(rows)
    return Page(page.title, out)


def html_spans(page: Page, how: str) -> bytes:
    """The page as HTML whose merged cells were undone: ``repeat`` every position its own cell with the
    merged text (CMS exports, pandas), ``drop`` the covered positions left out with no spans (a table
    whose spans a converter lost)."""
    out = [f"<html><head><meta charset='utf-8'><title>{_html.escape(page.title)}</title></head><body>"]
    for b in page.blocks:
        if isinstance(b, str):
            out.append(f"<p>{_html.escape(b)}</p>")
            continue
        out.append("<table>")
        for row in (full_grid(b) if how == "repeat" else b):
            if how == "repeat":
                out.append("<tr>" + "".join(f"<td>{_html.escape(c.text)}</td>" for c, _ in row) + "</tr>")
            else:
                out.append("<tr>" + "".join(f"<td>{_html.escape(c.text)}</td>" for c in row) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out).encode("utf-8")


_HEADING = re.compile(r"^([一二三四五六])、(.{2,30})$")
_SECTION_TITLES = {
    "一": ("总体情况", "概述", "总体情况概述"),
    "二": ("主动公开政府信息情况", "主动公开政府信息的情况", "主动公开情况"),
    "三": ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请的情况", "依申请公开政府信息情况"),
    "四": ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼的情况",
           "政府信息公开行政复议和行政诉讼情况"),
    "五": ("存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况", "存在问题及改进措施"),
    "六": ("其他需要报告的事项", "其他需要报告的事项", "其他事项"),
}
_NUMBERS = "一二三四五六"


def headings(page: Page, style: str, rng: random.Random) -> Page:
    """The six section headings numbered or worded as other reports print them: ``paren`` （一）,
    ``arabic`` 1. / 1、, ``chapter`` 第一部分, ``reworded`` another title, ``bare`` the title alone."""
    out = []
    for b in page.blocks:
        m = _HEADING.match(b) if isinstance(b, str) else None
        if not m or m.group(1) not in _SECTION_TITLES:
            out.append(b)
            continue
        num, title = m.groups()
        n = _NUMBERS.index(num) + 1
        if style == "reworded":
            title = rng.choice(_SECTION_TITLES[num])
        prefix = {"paren": f"（{num}）", "arabic": rng.choice([f"{n}.", f"{n}、", f"{n}．"]),
                  "chapter": f"第{num}部分 ", "reworded": f"{num}、", "bare": ""}[style]
        out.append(prefix + title)
    return Page(page.title, out)


def excerpt(data: bytes, rng: random.Random) -> bytes:
    """The page cut off at a random point after its first table starts (a crawler's first N bytes; a
    character cut in half is dropped)."""
    start = max(data.find("第二十条".encode("utf-8")), 0)
    cut = rng.randrange(start + 1, len(data)) if start < len(data) - 1 else len(data)
    return data[:cut].decode("utf-8", "ignore").encode("utf-8")


def captions(page: Page, rng: random.Random) -> Page:
    """Lines real reports add around their tables: a caption, the unit, a note after the table."""
    out = []
    k = 0
    for b in page.blocks:
        if isinstance(b, str):
            out.append(b)
            continue
        k += 1
        out.append(rng.choice([f"表{k}", f"表{'一二三'[min(k, 3) - 1]}：", f"附表{k}"]))
        out.append(rng.choice(["单位：件", "（单位：件）", "计量单位：件、万元"]))
        out.append(b)
        out.append(rng.choice(["注：表中数据统计时间截至12月31日。", "数据来源：本机关统计。", "（表格完）"]))
    return Page(page.title, out)


def split_tables(page: Page, rng: random.Random) -> Page:
    """Every table broken in two where a page break fell in the Word file (the HTML export keeps two
    <table>s), the second one repeating the header or not."""
    out = []
    for b in page.blocks:
        if isinstance(b, str) or len(b) < 6:
            out.append(b)
            continue
        hr = header_rows(b)
        at = rng.randrange(hr + 1, len(b) - 1)
        first, second = _cut_rows(b, at)
        out.append(first)
        if rng.random() < 0.5:
            out.append(rng.choice(["— 3 —", "第 3 页 共 7 页", "3"]))
        out.append(([[TCell(c.text, c.colspan, c.rowspan) for c in row] for row in b[:hr]] if rng.random() < 0.5
                    else []) + second)
    return Page(page.title, out)


def _cut_rows(rows: list[list[TCell]], at: int) -> tuple[list, list]:
    """Rows [0, at) and [at, n) as two tables; a cell spanning the cut is split, its text kept in both
    parts (as Word repeats a merged cell's text on the next page)."""
    first = [[TCell(c.text, c.colspan, c.rowspan) for c in row] for row in rows[:at]]
    second = [[TCell(c.text, c.colspan, c.rowspan) for c in row] for row in rows[at:]]
    inserts: dict[int, list] = {}
    for r, c, cell in grid_positions(rows):
        if r < at < r + cell.rowspan:
            # shrink it in the first part, start a copy in the second part's first row
            for row_cells in first[r:r + 1]:
                for x in row_cells:
                    if x.text == cell.text and x.rowspan == cell.rowspan and x.colspan == cell.colspan:
                        x.rowspan = at - r
                        break
            inserts.setdefault(c, []).append(TCell(cell.text, cell.colspan, r + cell.rowspan - at))
    if inserts:
        lead = [x for c in sorted(inserts) for x in inserts[c]]
        second[0] = lead + second[0]  # spanning cells stand at the left of the real layouts
    return first, second


# --------------------------------------------------------------------------- layouts

def _pdftext(tool, **kw):
    return lambda p, rng: (pdf_text(to_pdf(p, **kw), tool), ".txt")


def _md(conv, **kw):
    return lambda p, rng: (to_markdown(p, conv, **kw), ".md")


LAYOUTS = {
    "html": lambda p, rng: (to_html(p), ".html"),
    "tabs": lambda p, rng: (to_text(p, "tabs"), ".txt"),
    "grid": lambda p, rng: (to_text(p, "grid"), ".txt"),
    "spaces": lambda p, rng: (to_text(p, "spaces"), ".txt"),
    "cells": lambda p, rng: (to_text(p, "cells"), ".txt"),
    "cells_blank": lambda p, rng: (to_text(p, "cells", blank_lines=True), ".txt"),
    "pipes": lambda p, rng: (to_text(p, "pipes"), ".md"),
    "html2text_wrapped": _md("html2text"),  # default body_width=78: long lines wrapped
    "html2text_pad": _md("html2text", body_width=0, pad_tables=True),
    "markdownify_atx": _md("markdownify", heading_style="ATX", strip=["a"]),
    "pdf_ruled": lambda p, rng: (to_pdf(p), ".pdf"),
    "pdf_unruled": lambda p, rng: (to_pdf(p, ruled=False), ".pdf"),
    "pdf_break": lambda p, rng: (to_pdf(p, break_at=rng.uniform(0.2, 0.8)), ".pdf"),
    "pdf_break_header": lambda p, rng: (to_pdf(p, repeat_header=True, break_at=rng.uniform(0.2, 0.8),
                                               border="filled"), ".pdf"),
    "docx": lambda p, rng: (to_docx(p), ".docx"),
    "s2t_tabs": lambda p, rng: (to_text(traditional(p, "s2t"), "tabs"), ".txt"),
    "s2tw_html": lambda p, rng: (to_html(traditional(p, "s2tw")), ".html"),
    "s2hk_cells": lambda p, rng: (to_text(traditional(p, "s2hk"), "cells"), ".txt"),
    "fullwidth_tabs": lambda p, rng: (to_text(fullwidth_digits(p), "tabs"), ".txt"),
    "fullwidth_html": lambda p, rng: (to_html(fullwidth_digits(p)), ".html"),
    "odd_spaces_html": lambda p, rng: (to_html(odd_spaces(p, rng)), ".html"),
    "odd_spaces_cells": lambda p, rng: (to_text(odd_spaces(p, rng), "cells"), ".txt"),
    "headings_paren": lambda p, rng: (to_text(headings(p, "paren", rng), "tabs"), ".txt"),
    "headings_arabic": lambda p, rng: (to_text(headings(p, "arabic", rng), "tabs"), ".txt"),
    "headings_chapter": lambda p, rng: (to_html(headings(p, "chapter", rng)), ".html"),
    "headings_reworded": lambda p, rng: (to_text(headings(p, "reworded", rng), "spaces"), ".txt"),
    "headings_bare": lambda p, rng: (to_text(headings(p, "bare", rng), "cells"), ".txt"),
    "pipes_repeat": lambda p, rng: (to_text(p, "pipes_repeat"), ".md"),
    "grid_repeat": lambda p, rng: (to_text(p, "grid_repeat"), ".txt"),
    "docx2txt": lambda p, rng: (to_text(p, "docx2txt", blank_lines=True), ".txt"),
    "oneline": lambda p, rng: (to_text(p, "oneline"), ".txt"),
    "runtogether": lambda p, rng: (to_text(p, "runtogether"), ".txt"),
    "pdfminer_text": _pdftext("pdfminer"),
    "plumber_text": _pdftext("plumber"),
    "plumber_layout": _pdftext("plumber_layout"),
    "plumber_text_unruled": _pdftext("plumber", ruled=False),
    "pdfminer_text_break": _pdftext("pdfminer", break_at=0.5),
    "captions_html": lambda p, rng: (to_html(captions(p, rng)), ".html"),
    "captions_tabs": lambda p, rng: (to_text(captions(p, rng), "tabs"), ".txt"),
    "split_html": lambda p, rng: (to_html(split_tables(p, rng)), ".html"),
    "split_cells": lambda p, rng: (to_text(split_tables(p, rng), "cells"), ".txt"),
    "split_pipes": lambda p, rng: (to_text(split_tables(p, rng), "pipes"), ".md"),
    "units_html": lambda p, rng: (to_html(with_units(p, rng)), ".html"),
    "units_tabs": lambda p, rng: (to_text(with_units(p, rng), "tabs"), ".txt"),
    "units_cells": lambda p, rng: (to_text(with_units(p, rng), "cells"), ".txt"),
    "ocrish_tabs": lambda p, rng: (to_text(ocr_confusions(p, rng), "tabs"), ".txt"),
    "ocrish_html": lambda p, rng: (to_html(ocr_confusions(p, rng)), ".html"),
    "ocrish_spaces": lambda p, rng: (to_text(ocr_confusions(p, rng), "spaces"), ".txt"),
    "labels_html": lambda p, rng: (to_html(label_variants(p, rng)), ".html"),
    "labels_cells": lambda p, rng: (to_text(label_variants(p, rng), "cells"), ".txt"),
    "labels_spaces": lambda p, rng: (to_text(label_variants(p, rng), "spaces"), ".txt"),
    "seq_html": lambda p, rng: (to_html(seq_column(p)), ".html"),
    "seq_tabs": lambda p, rng: (to_text(seq_column(p), "tabs"), ".txt"),
    "seq_cells": lambda p, rng: (to_text(seq_column(p), "cells"), ".txt"),
    "extra_html": lambda p, rng: (to_html(extra_rows(p, rng)), ".html"),
    "extra_tabs": lambda p, rng: (to_text(extra_rows(p, rng), "tabs"), ".txt"),
    "extra_cells": lambda p, rng: (to_text(extra_rows(p, rng), "cells"), ".txt"),
    "html_repeat": lambda p, rng: (html_spans(p, "repeat"), ".html"),
    "html_nospan": lambda p, rng: (html_spans(p, "drop"), ".html"),
    "pdf_running_head": lambda p, rng: (pdf_text(to_pdf(p, running_head="某某区人民政府办公室", break_at=0.5), "plumber"),
                                        ".txt"),
    "excerpt_html": lambda p, rng: (excerpt(to_html(p), rng), ".html"),
    "excerpt_spaces": lambda p, rng: (excerpt(to_text(p, "spaces"), rng), ".txt"),
    "excerpt_tabs": lambda p, rng: (excerpt(to_text(p, "tabs"), rng), ".txt"),
    "excerpt_cells": lambda p, rng: (excerpt(to_text(p, "cells"), rng), ".txt"),
    "excerpt_pipes": lambda p, rng: (excerpt(to_text(p, "pipes"), rng), ".md"),
}


#: layouts that need a program beyond the test extra (run by the sweep where it is installed)
OCR_LAYOUTS = {"ocr_text": lambda p, rng: (ocr_text(to_pdf(p)), ".txt"),
               "ocr_text_unruled": lambda p, rng: (ocr_text(to_pdf(p, ruled=False), dpi=200), ".txt")}


def render(page: Page, layout: str, seed: int | str = 0) -> tuple[bytes, str]:
    return {**LAYOUTS, **OCR_LAYOUTS}[layout](page, random.Random(f"{layout}:{seed}"))


# --------------------------------------------------------------------------- scoring

def score(report, truth_cells: dict) -> tuple[collections.Counter, list[str]]:
    """right / wrong / false_blank / flagged over the verified table cells (``narr.*`` left out)."""
    tally, bad = collections.Counter(), []
    for key, value in truth_cells.items():
        if key.startswith("narr."):
            continue
        c = report.cells.get(key) if report is not None else None
        verdict = judge(c.status if c else None, c.value if c else None, value)
        tally[verdict] += 1
        if verdict in ("wrong", "false_blank"):
            bad.append(f"{key}: {value} printed, stored {c.value!r} ({c.status}, {c.raw!r})")
    return tally, bad


SENTENCE_WORDS = ("现将", "根据", "请与", "包括", "本年", "一、", "年度", "报告", "我街道", "我局", "现公布", "按照")


def agency_right(stored: str | None, manifest: dict) -> bool:
    """As score.py judges it: the stored name names the manifest's body and holds no sentence words."""
    core = lambda s: re.sub(r"\s+", "", s or "")  # noqa: E731
    s, full, short = core(stored), core(manifest["agency"]), core(manifest.get("short_agency") or manifest["agency"])
    if not s or any(w in s for w in SENTENCE_WORDS):
        return False
    return s in full or full in s or short in s or s in short


# --------------------------------------------------------------------------- metadata: other bodies

_TOWNS = ("城关", "东关", "新华", "和平", "龙泉", "白沙", "石桥", "长安", "红旗", "青山", "大坪", "马鞍", "西湖",
          "金山", "桥头", "凤凰", "太平", "永安", "双河", "柳林")
_DEPARTMENTS = ("教育局", "卫生健康局", "自然资源和规划局", "住房和城乡建设局", "交通运输局", "市场监督管理局",
                "医疗保障局", "退役军人事务局", "应急管理局", "生态环境局", "司法局", "民政局", "财政局",
                "人力资源和社会保障局", "农业农村局", "文化和旅游局", "统计局", "审计局", "林业局", "水利局",
                "发展和改革局", "商务局", "城市管理局", "行政审批服务局", "数据资源管理局")
_PROVINCIAL = ("教育厅", "自然资源厅", "交通运输厅", "生态环境厅", "民政厅", "财政厅", "水利厅", "农业农村厅",
               "人民政府办公厅", "发展和改革委员会", "卫生健康委员会", "市场监督管理局", "公安厅", "司法厅")
_NATIONAL = ("中华人民共和国生态环境部", "中华人民共和国教育部", "国家林业和草原局", "水利部", "国家医疗保障局",
             "中国气象局", "国家统计局", "自然资源部", "国家药品监督管理局")


def _places_by_level():
    from store import regions

    places = [p for p in regions._places() if p.last_year >= 2019]
    return ([p for p in places if p.level == "district" and p.city], [p for p in places if p.level == "city"],
            [p for p in places if p.level == "province"])


def body_names(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """``n`` plausible (kind, full name, short name) of bodies that publish annual reports, across
    provinces: district and county departments, towns, streets, development zones, provincial
    departments, ministries and their local branches (税务局, 海关, 气象局)."""
    districts, cities, provinces = _places_by_level()
    out = []
    kinds = ("district_dept", "town", "street", "zone", "provincial", "national", "tax", "customs", "weather",
             "city_dept", "county_gov", "city_office", "street_host")
    for k in range(n):
        kind = kinds[k % len(kinds)]
        d, c, p = rng.choice(districts), rng.choice(cities), rng.choice(provinces)
        cm = rng.choice([x for x in cities if x.name.endswith("市")])
        town = rng.choice(_TOWNS)
        dept = rng.choice(_DEPARTMENTS)
        name, short = {
            "district_dept": (f"{d.city}{d.name}{dept}", f"{d.name}{dept}"),
            "town": (f"{d.name}{town}镇人民政府", f"{town}镇"),
            "street": (f"{d.city}{d.name}{town}街道办事处", f"{town}街道"),
            "street_host": (f"{d.name}人民政府{town}街道办事处", f"{town}街道"),
            "zone": (rng.choice([f"{c.name}经济技术开发区管理委员会", f"{c.name}高新技术产业开发区管委会",
                                 f"{c.name}{town}新区管理委员会"]), c.name),
            "provincial": (f"{p.name}{rng.choice(_PROVINCIAL)}", p.name),
            "national": (rng.choice(_NATIONAL),) * 2,
            "tax": (f"国家税务总局{d.city}{d.name}税务局", f"{d.name}税务局"),
            "customs": (f"中华人民共和国{cm.name[:-1]}海关", f"{cm.name[:-1]}海关"),
            "weather": (f"{c.name}气象局", f"{c.name}气象局"),
            "city_dept": (f"{c.name}{dept}", f"{c.name}{dept}"),
            "county_gov": (f"{d.name}人民政府", d.name),
            "city_office": (f"{c.name}人民政府办公室", f"{c.name}政府办公室"),
        }[kind]
        out.append((kind, name, short))
    return out


_CN_DIGITS = "〇一二三四五六七八九"


def title_shapes(agency: str, year: int) -> dict[str, list[str]]:
    """Title shapes real reports print (each a list of lines: a title may be wrapped)."""
    cn = "".join(_CN_DIGITS[int(x)] for x in str(year))
    return {
        "plain": [f"{agency}{year}年政府信息公开工作年度报告"],
        "nian_du": [f"{agency}{year}年度政府信息公开工作年度报告"],
        "year_first": [f"{year}年{agency}政府信息公开工作年度报告"],
        "year_after_work": [f"{agency}政府信息公开工作{year}年度报告"],
        "two_lines": [agency, f"{year}年政府信息公开工作年度报告"],
        "cn_year": [f"{agency}{cn}年政府信息公开工作年度报告"],
        "guanyu": [f"{agency}关于{year}年度政府信息公开工作的年度报告"],
        "no_year": [f"{agency}政府信息公开工作年度报告"],
        "nav": ["首页 > 政务公开 > 政府信息公开年报", f"{agency}{year}年政府信息公开工作年度报告",
                f"发布时间：{year + 1}-01-20 来源：{agency} 浏览次数：128"],
        "suffix": [f"{agency}{year}年政府信息公开工作年度报告（全文）"],
        "spam_before": [f"【澳门新葡京娱乐场官网】{agency}{year}年政府信息公开工作年度报告"],
        "spam_after": [f"{agency}{year}年政府信息公开工作年度报告-老虎机平台注册送彩金"],
        "spam_inside": [f"{agency[:len(agency) // 2]}皇冠体育{agency[len(agency) // 2:]}{year}年政府信息公开工作年度报告"],
        "space_inside": [" ".join(f"{agency}{year}年政府信息公开工作年度报告")[:12] +
                         f"{agency}{year}年政府信息公开工作年度报告"[6:]],
    }


def with_agency(page: Page, old: str, new: str, year: int, shape: str, signature: bool, rng: random.Random) -> Page:
    """The page as another body's report: its name everywhere the old one stood, the title in another
    shape (the page's <title> keeps the portal's suffix), optionally signed at the end."""
    blocks = [b.replace(old, new) if isinstance(b, str) else
              [[TCell(c.text.replace(old, new), c.colspan, c.rowspan) for c in row] for row in b]
              for b in page.blocks]
    lines = title_shapes(new, year)[shape]
    # the first block that is a title is replaced by the shaped one
    at = next((i for i, b in enumerate(blocks) if isinstance(b, str) and "年度报告" in b), 0)
    blocks[at:at + 1] = lines
    suffix = page.title.split("_", 1)[1] if "_" in page.title else ""
    title = "".join(lines) + (f"_{suffix}" if suffix else "")
    if signature or shape == "spam_inside":  # a name cut by spam in the title: only the signature tells it
        blocks += [new, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    return Page(title, blocks)
