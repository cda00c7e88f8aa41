"""PDF reports through pdfplumber: ruled tables as full grids, the rest as text, every block with its page.

A page that pypdfium2 reads the way pdfminer does (most pages of a report; see
:mod:`store.readers.pdfium_pages`) is read by pypdfium2, ten times faster: the same characters and
boxes, the same ruling lines given to pdfplumber's table finder; every other page by pdfplumber.

Per page:

* ruled tables come from pdfplumber's table finder (lines strategy).  Each becomes a full grid
  built from the cell boxes: a merged cell (rowspan/colspan) is one box over several grid
  positions, the positions it covers are ``merged`` copies.  A label wrapped over lines inside a
  cell is joined without spaces between Chinese characters;
* everything outside the tables is grouped into text lines in reading order, with a tab where a
  wide gap separates two runs of text (a table printed without ruling lines), so that the text
  layout parser reads it like a text report.  Lines wrapped from one paragraph are joined again;
  page numbers in the margins are dropped;
* tables and text keep their vertical order; a table continued on the next page is simply the
  next table block, and the parser assembles rows across blocks.  A row Word broke across the
  page break (more of its label at the top of the next page) is joined back into one row;
* running heads and page numbers printed in the margins are dropped;
* every block and cell carries its page (1-based) and its line: the ordinal of the text line or
  table row on that page, top to bottom.

Pages without a usable text layer (scans, a scan with a stamped page number, fonts pdfminer cannot
map back to text) and large pictures on text pages (a table pasted as an image) are read by OCR
(:mod:`store.readers.ocr`), page by page after the text pages, one page image in memory at a time:
their text lines and table grids join the page's items like any other, every OCR'd table cell with
its confidence (``Cell.conf``).  Without the OCR engine (an optional install) they are reported in
``Document.problems`` with the command that installs it, and the rest is read.  Encrypted and
corrupt files raise :class:`~store.document.ReadError` with one line.  pdfminer's logging is silenced.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from store.document import Block, Cell, Document, ReadError
from store.readers import ocr
from store.readers.pdfium_pages import fast_pages

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
TAB_GAP = 1.5  # a gap this many font sizes wide separates cells
SPACE_GAP = 0.25  # a gap this wide between two non-Chinese characters is a space
DIGIT_GAP = 0.6  # … but digits of a letter-spaced "2 0 2 1" stay one number
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?[0-9]{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?[0-9]{1,4}\s*页?|\s*共\s*[0-9]{1,4}\s*页)?"
    r"[\s\-—–－_·•]*$")


_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":")
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[.．、](?!\d))")


def _is_wide(ch: str) -> bool:
    """Chinese characters and full-width punctuation: no spaces between them."""
    if not ch:
        return False
    return unicodedata.east_asian_width(ch[0]) in ("W", "F")


def _join(a: str, b: str) -> str:
    """Join two pieces of one wrapped text: a space only between two non-Chinese words."""
    if not a:
        return b
    if not b:
        return a
    if _is_wide(a[-1]) or _is_wide(b[0]) or a[-1] in "-/" or a[-1].isspace():
        return a + b
    return a + " " + b


@dataclass
class _Line:
    chars: list[dict]
    top: float
    bottom: float
    x0: float = 0.0
    x1: float = 0.0
    size: float = 10.0
    text: str = ""
    page: int = 0
    in_margin: bool = False  # in the top or bottom tenth of the page, where running heads and footers go
    conf: list[float] | None = None  # read by OCR: the confidence of each tab-separated piece

    @property
    def tabbed(self) -> bool:
        return "\t" in self.text


def _group_lines(chars: list[dict]) -> list[_Line]:
    """Characters into lines (by vertical overlap), each line's characters left to right."""
    lines: list[_Line] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        h = max(ch["bottom"] - ch["top"], 0.1)
        mid = (ch["top"] + ch["bottom"]) / 2
        cur = lines[-1] if lines else None
        if cur is not None and cur.top - h * 0.3 <= mid <= cur.bottom + h * 0.3 and \
                min(cur.bottom, ch["bottom"]) - max(cur.top, ch["top"]) >= 0.4 * min(h, cur.bottom - cur.top):
            cur.chars.append(ch)
            cur.top, cur.bottom = min(cur.top, ch["top"]), max(cur.bottom, ch["bottom"])
        else:
            lines.append(_Line([ch], ch["top"], ch["bottom"]))
    for ln in lines:
        _finish_line(ln)
    return [ln for ln in lines if ln.text.strip()]


def _space_gap(a: str, b: str) -> float | None:
    """The gap (in font sizes) that reads as a space between characters ``a`` and ``b``; None: never."""
    if _is_wide(a) and _is_wide(b):
        return None
    if a.isdigit() or b.isdigit() or _is_wide(a) or _is_wide(b):
        return DIGIT_GAP
    return SPACE_GAP


def _finish_line(ln: _Line) -> None:
    chars = sorted(ln.chars, key=lambda c: c["x0"])
    out: list[str] = []
    prev = None
    sizes = []
    kept = []
    spaced = False  # a space character was printed since the last character
    for ch in chars:
        t = ch["text"]
        if t.isspace():
            spaced = prev is not None
            continue
        size = ch.get("size") or (ch["bottom"] - ch["top"]) or 10.0
        if prev is not None and t == prev["text"] and abs(ch["x0"] - prev["x0"]) < 0.3 * size:
            continue  # the same character drawn twice (fake bold, shadow)
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            needed = _space_gap(prev["text"][-1], t[0])
            if gap >= TAB_GAP * size:
                out.append("\t")
            elif spaced or (needed is not None and gap >= needed * size):
                out.append(" ")
        out.append(t)
        sizes.append(size)
        kept.append(ch)
        prev = ch
        spaced = False
    ln.chars = kept
    ln.text = "".join(out).strip(" ")
    ln.x0 = kept[0]["x0"] if kept else 0.0
    ln.x1 = kept[-1]["x1"] if kept else 0.0
    ln.size = sorted(sizes)[len(sizes) // 2] if sizes else 10.0


def _lines_text(lines: list[_Line]) -> str:
    """The text of a cell: its lines joined as one wrapped label (a label printed vertically, one
    character a line, is joined without spaces)."""
    if len(lines) > 1 and all(len(ln.text.strip()) == 1 for ln in lines):
        return "".join(ln.text.strip() for ln in lines)
    text = ""
    for ln in lines:
        text = _join(text, ln.text.replace("\t", " ").strip())
    return text


# --------------------------------------------------------------------------- tables

def _bounds(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(bounds: list[float], v: float, tol: float = 1.5) -> int:
    i = bisect.bisect_left(bounds, v - tol)
    return min(i, len(bounds) - 1)


@dataclass
class _Table:
    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    boxes: list[tuple[int, int, int, int]]  # r0, r1, c0, c1 per cell box
    owner: dict[tuple[int, int], int]
    chars: dict[int, list[dict]] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> int | None:
        c = bisect.bisect_right(self.xs, x) - 1
        r = bisect.bisect_right(self.ys, y) - 1
        if not (0 <= r < len(self.ys) - 1 and 0 <= c < len(self.xs) - 1):
            return None
        return self.owner.get((r, c))


def _make_table(found) -> _Table | None:
    cells = [c for c in found.cells if c]
    if not cells:
        return None
    xs = _bounds([c[0] for c in cells] + [c[2] for c in cells])
    ys = _bounds([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3 or len(ys) < 3:
        return None  # a box around some text, not a table
    boxes, owner = [], {}
    for k, (x0, top, x1, bottom) in enumerate(cells):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        boxes.append((r0, r1, c0, c1))
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), len(boxes) - 1)
    if not boxes:
        return None
    return _Table(found.bbox, xs, ys, boxes, owner)


def _table_grid(t: _Table, page: int, line: int) -> list[list[Cell]]:
    texts = {k: _lines_text(_group_lines(chs)) for k, chs in t.chars.items()}
    nrows, ncols = t.shape
    grid: list[list[Cell]] = []
    for r in range(nrows):
        row = []
        for c in range(ncols):
            k = t.owner.get((r, c))
            if k is None:
                row.append(Cell("", merged=True, page=page, line=line + r))
                continue
            r0, _, c0, _ = t.boxes[k]
            row.append(Cell(texts.get(k, ""), merged=(r, c) != (r0, c0), page=page, line=line + r))
        grid.append(row)
    # rows that are only covered positions (a rule drawn through a merged cell) carry nothing
    return [row for row in grid if any(not cell.merged for cell in row)]


# --------------------------------------------------------------------------- pages

def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
    except Exception as exc:  # pdfplumber wraps pdfminer's errors
        cause = exc.args[0] if getattr(exc, "args", None) and isinstance(exc.args[0], Exception) else exc
        name = type(cause).__name__
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in name.lower() \
                or "encrypt" in name.lower() or "encrypt" in str(cause).lower():
            raise ReadError(f"encrypted PDF: cannot be opened without a password ({name})") from exc
        raise ReadError(f"corrupt PDF: {name}: {str(cause)[:120] or 'unreadable structure'}") from exc
    return pdf


def _mostly_picture(page) -> bool:
    area = float(page.width or 1) * float(page.height or 1)
    covered = sum(max(0.0, float(im["x1"]) - float(im["x0"])) * max(0.0, float(im["bottom"]) - float(im["top"]))
                  for im in page.images)
    return covered > 0.5 * area


@dataclass
class _Scan:
    """A page (``region`` None) or a picture on a page (``region`` = x0, top, x1, bottom in points) to OCR;
    ``why`` is the problem reported when OCR is not installed."""

    number: int
    why: str
    region: tuple[float, float, float, float] | None = None


_NEEDS_OCR = f"需要OCR：安装OCR组件（{ocr.ENABLE}）后重新导入"


def _picture_regions(page, chars: list[dict]) -> list[tuple[float, float, float, float]]:
    """Pictures on a text page big enough to be a table or a page of text printed as an image, with
    (almost) no text layer over them."""
    area = float(page.width or 1) * float(page.height or 1)
    out = []
    for im in page.images:
        x0, top, x1, bottom = (max(0.0, float(im["x0"])), max(0.0, float(im["top"])),
                               min(float(page.width), float(im["x1"])), min(float(page.height), float(im["bottom"])))
        if (x1 - x0) * (bottom - top) < 0.08 * area or x1 - x0 < 0.3 * float(page.width):
            continue
        inside = sum(1 for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)
        if inside < 5:
            out.append((x0, top, x1, bottom))
    return out


def _page_items(page, number: int, problems: list[str], scans: list[_Scan]) -> list[tuple[float, str, object]]:
    """(top, kind, payload) of every text line and table on a page, not yet ordered.  Pages and
    pictures that need OCR are added to ``scans``."""
    every = [c for c in page.chars if c.get("text")]
    chars = [c for c in every if not c["text"].isspace()]
    if not chars:
        if page.images or page.rects or page.curves or page.lines:
            scans.append(_Scan(number, f"第{number}页没有文字层（扫描件），{_NEEDS_OCR}（no text layer: needs OCR）"))
        return []
    if len(chars) < 20 and _mostly_picture(page):
        # a scan with a stamped page number or a watermark: the page's content is the picture
        scans.append(_Scan(number, f"第{number}页是图片，只有{len(chars)}个字的文字层（扫描件），{_NEEDS_OCR}"
                                   f"（no text layer: needs OCR）"))
        return []
    decoded = [c for c in chars if not c["text"].startswith("(cid:")]  # glyph numbers are not text
    if len(decoded) < len(chars) / 2:
        scans.append(_Scan(number, f"第{number}页的文字无法解码（字体没有编码表），{_NEEDS_OCR}"
                                   f"（no usable text layer: needs OCR）"))
        return []
    for region in _picture_regions(page, chars):
        scans.append(_Scan(number, f"第{number}页有一幅没有文字层的图片（如表格图片），{_NEEDS_OCR}"
                                   f"（a picture without text: needs OCR）", region))
    chars = [c for c in every if not c["text"].startswith("(cid:")]  # spaces kept: they separate words
    tables: list[_Table] = []
    try:
        for found in page.find_tables(TABLE_SETTINGS):
            t = _make_table(found)
            if t is not None:
                tables.append(t)
    except Exception:  # the table finder failed: read the page as text, lose nothing
        tables = []
    loose = []
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for ti, t in enumerate(tables):
            x0, top, x1, bottom = t.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                k = t.cell_at(cx, cy)
                if k is not None:
                    t.chars.setdefault(k, []).append(ch)
                    break
        else:
            loose.append(ch)
    items: list[tuple[float, str, object]] = []
    for t in tables:
        if not any(not c["text"].isspace() for chs in t.chars.values() for c in chs):
            # ruling without text (a frame, a scan's box): nothing to read
            continue
        items.append((t.bbox[1], "table", t))
    height = float(page.height or 842)
    for ln in _group_lines(loose):
        ln.page = number
        ln.in_margin = in_margin = ln.bottom < height * 0.1 or ln.top > height * 0.9
        if in_margin and _PAGE_NUMBER.match(ln.text.replace("\t", " ")):
            continue
        items.append((ln.top, "line", ln))
    items.sort(key=lambda it: it[0])
    return items


def _edges(lines: list[_Line]) -> tuple[float, float]:
    """The left and right edges of the body text (most lines start and end there)."""
    plain = [ln for ln in lines if not ln.tabbed]
    if not plain:
        return 0.0, 0.0
    x0s = sorted(ln.x0 for ln in plain)
    x1s = sorted(ln.x1 for ln in plain)
    return x0s[len(x0s) // 10], x1s[(len(x1s) * 9) // 10]


def _page_edges(pages: list[list[tuple[float, str, object]]]) -> dict[int, tuple[float, float]]:
    """The text edges of every page (pages with mirrored margins differ); a page with few lines
    takes the document's."""
    lines = [it[2] for items in pages for it in items if it[1] == "line"]
    whole = _edges(lines)
    out = {}
    for number, items in enumerate(pages, start=1):
        own = [it[2] for it in items if it[1] == "line" and not it[2].tabbed]
        out[number] = _edges(own) if len(own) >= 8 else whole
    return out


def _continues(prev: _Line, nxt: _Line, edges: dict[int, tuple[float, float]]) -> bool:
    """Whether ``nxt`` is the next line of the paragraph ``prev`` wraps from."""
    if prev.tabbed or nxt.tabbed or abs(prev.size - nxt.size) > 1.0:
        return False
    size = prev.size
    left0, right = edges[prev.page]
    left = edges[nxt.page][0]
    # a wrapped line ends within two characters of the right edge (punctuation kept off a line start
    # can leave a gap); the next line starts at the left edge, not indented
    if prev.x1 < right - 2.5 * size or nxt.x0 > left + 0.6 * size or prev.x0 > left0 + 4 * size:
        return False
    if prev.page == nxt.page and (nxt.top - prev.bottom > 1.5 * size or nxt.top < prev.top):
        return False
    if prev.text.endswith(_SENTENCE_END):
        return False  # at worst a paragraph is kept as two sentences
    if nxt.x1 < edges[nxt.page][1] - 2.5 * size and _NUMBERED.match(nxt.text):
        return False  # a short numbered line is a heading, not the end of the paragraph
    return True


def _drop_running_heads(pages: list[list[tuple[float, str, object]]]) -> list[list[tuple[float, str, object]]]:
    """Drop a line printed in the margin of most pages (the agency's name as a running head, "第3页 共8页"):
    it is page furniture, and between two parts of a table it would be read as a label."""
    if len(pages) < 3:
        return pages
    seen: dict[str, set[int]] = {}
    for number, items in enumerate(pages):
        for _, kind, ln in items:
            if kind == "line" and ln.in_margin:
                seen.setdefault(re.sub(r"\d+", "#", ln.text), set()).add(number)
    running = {t for t, on in seen.items() if len(on) >= max(3, len(pages) // 2)}
    if not running:
        return pages
    return [[it for it in items if not (it[1] == "line" and it[2].in_margin
                                        and re.sub(r"\d+", "#", it[2].text) in running)] for items in pages]


_FIGURE = re.compile(r"^[+\-]?\d[\d,]*(?:\.\d+)?$|^[/／—\-－–无]+$")


def _join_split_row(before: list[list[Cell]], before_xs: list[float], after: list[list[Cell]],
                    after_xs: list[float], head: list[list[Cell]]) -> None:
    """A row Word let break across pages: the first part at the foot of one page, the rest at the top
    of the next, one of them holding the figures and the other only more of the label.  Join them
    into the last row of ``before`` (taking the row out of ``after``) when that is what they are:
    figures on one side only with nothing printed across from them, and the part on the new page
    not starting a numbered row of its own.  Columns are matched by position (the two parts may
    have different column boundaries)."""
    texts = lambda row: tuple(c.text for c in row if c.text.strip() and not c.merged)  # noqa: E731
    k = 0
    while k < len(after) and texts(after[k]) in {texts(r) for r in head}:
        k += 1  # a repeated header
    if k >= len(after) or not before or len(before_xs) != len(before[-1]) + 1 \
            or len(after_xs) != len(after[k]) + 1:
        return
    a, b = before[-1], after[k]

    def across(xs_from, i, xs_to):
        cx = (xs_from[i] + xs_from[i + 1]) / 2
        j = bisect.bisect_right(xs_to, cx) - 1
        return j if 0 <= j < len(xs_to) - 1 else None

    def figures(row):
        return {i for i, c in enumerate(row) if not c.merged and _FIGURE.match(c.text.strip())}

    fa, fb = figures(a), figures(b)
    if bool(fa) == bool(fb):
        return
    for i in fa:
        j = across(before_xs, i, after_xs)
        if j is not None and b[j].text.strip():
            return  # something printed across from a figure: two rows
    for j in fb:
        i = across(after_xs, j, before_xs)
        if i is not None and a[i].text.strip():
            return
    other = b if fa else a
    if not any(c.text.strip() and not c.merged for c in other):
        return
    first_b = next((c.text for c in b if c.text.strip() and not c.merged), "")
    if _NUMBERED.match(first_b) or first_b in {c.text for c in a}:
        return  # the new page starts a row (or repeats a label spanning rows)
    joined = []
    for i, ca in enumerate(a):
        j = across(before_xs, i, after_xs)
        cb = b[j] if j is not None else Cell("")
        if ca.text.strip() and cb.text.strip() and ca.text != cb.text:
            joined.append(Cell(_join(ca.text, cb.text), ca.merged, ca.page, ca.line))
        elif not ca.text.strip() and cb.text.strip():
            joined.append(Cell(cb.text, ca.merged, cb.page, cb.line))
        else:
            joined.append(ca)
    before[-1] = joined
    del after[k]


# --------------------------------------------------------------------------- scanned pages

def _read_scans(data: bytes, scans: list[_Scan], pages: list[list], problems: list[str]) -> None:
    """OCR the scanned pages and pictures into ``pages``; without the OCR engine, say how to get it.
    One page image at a time is held in memory."""
    if not ocr.available():
        problems.extend(s.why for s in scans)
        return
    import pypdfium2 as pdfium

    pages_read = sorted({s.number for s in scans})[:ocr.MAX_PAGES]
    if len(pages_read) < len({s.number for s in scans}):
        skipped = sorted({s.number for s in scans} - set(pages_read))
        problems.append(f"第{skipped[0]}–{skipped[-1]}页未做OCR：一份文件最多识别{ocr.MAX_PAGES}页"
                        f"（OCR page limit reached）")
        scans = [s for s in scans if s.number in set(pages_read)]
    doc = pdfium.PdfDocument(data)
    try:
        for scan in scans:
            try:
                items = _ocr_page(doc, scan)
            except Exception as exc:  # a page the engine cannot read does not lose the others
                problems.append(f"第{scan.number}页OCR识别失败（{type(exc).__name__}），已跳过")
                continue
            if not items:
                if scan.region is None:
                    problems.append(f"第{scan.number}页没有文字层（扫描件），OCR也未识别出文字（no text found by OCR）")
                continue
            items = [it for it in items if it[1] != "nothing"]
            pages[scan.number - 1] = sorted(pages[scan.number - 1] + items, key=lambda it: it[0])
    finally:
        doc.close()


def _ocr_page(doc, scan: _Scan) -> list[tuple[float, str, object]]:
    page = doc[scan.number - 1]
    try:
        width, height = page.get_size()
        scale = ocr.DPI / 72
        if scan.region is None:
            crop, offset = (0, 0, 0, 0), (0.0, 0.0)
        else:
            x0, top, x1, bottom = scan.region
            crop, offset = (x0, height - bottom, width - x1, top), (x0, top)
        bitmap = page.render(scale=scale, crop=crop)
        img = bitmap.to_pil()
        bitmap.close()
    finally:
        page.close()
    grey, _ = ocr.prepare(img)
    del img
    eng = ocr.engine()
    boxes = ocr.recognise(grey, eng)
    rl = ocr.ruling(grey, ocr.DPI)
    tables = ocr.find_tables(rl, ocr.DPI)
    found = ocr.layout(boxes, tables, grey, rl.ink, scale, offset, eng)
    del grey, rl
    items: list[tuple[float, str, object]] = []
    for top, kind, payload in found:
        if kind == "grid":
            items.append((top, "grid", payload))
            continue
        ln = _Line([], payload.top, payload.bottom, payload.x0, payload.x1, payload.size, payload.text, scan.number,
                   conf=payload.conf)
        ln.in_margin = ln.bottom < height * 0.1 or ln.top > height * 0.9
        if ln.in_margin and _PAGE_NUMBER.match(ln.text.replace("\t", " ")):
            continue
        items.append((top, "line", ln))
    if not items and boxes:
        return [(0.0, "nothing", None)]  # only page furniture (a page number) was printed
    return items


def _ocr_grid(t: ocr.TableGrid, page: int, line: int) -> list[list[Cell]]:
    for r, row in enumerate(t.rows):
        for cell in row:
            cell.page, cell.line = page, line + r
    return t.rows


def read_pdf(data: bytes) -> Document:
    from store.readers import PDF_MAX_PAGES

    pdf = _open(data)
    if (n := len(pdf.pages)) > PDF_MAX_PAGES:
        pdf.close()
        raise ReadError(f"too large: the PDF has {n} pages (the limit is {PDF_MAX_PAGES})")
    problems: list[str] = []
    pages: list[list[tuple[float, str, object]]] = []
    scans: list[_Scan] = []
    npages = len(pdf.pages)
    # pages pdfium reads as pdfminer would, much faster (None: pdfplumber reads the page); not an encrypted
    # file, whose fonts pdfminer may not decode where pdfium does
    fast = fast_pages(data, 0 if getattr(pdf.doc, "encryption", None) else npages)
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_page_items(next(fast, None) or page, number, problems, scans))
            except Exception as exc:  # one broken page does not lose the others
                problems.append(f"第{number}页无法读取（{type(exc).__name__}），已跳过")
                pages.append([])
            finally:
                page.close()
    finally:
        fast.close()
        pdf.close()
    if scans:
        _read_scans(data, scans, pages, problems)
    pages = _drop_running_heads(pages)
    edges = _page_edges(pages)
    blocks: list[Block] = []
    para: list[_Line] = []
    para_line = [0]

    def flush():
        if para:
            text = ""
            for ln in para:
                text = _join(text, ln.text) if text else ln.text
            confs = [c for ln in para if ln.conf for c in ln.conf]
            conf = None if not confs else para[0].conf if len(para) == 1 else [min(confs)]
            blocks.append(Block("paragraph", text=text, page=para[0].page, line=para_line[0], conf=conf))
            para.clear()

    chain_head: list[list[Cell]] = []  # the first rows of the table the last table block continues
    prev_xs: list[float] = []  # the column boundaries of the last table block
    for number, items in enumerate(pages, start=1):
        seq = 0
        for _, kind, payload in items:
            seq += 1
            if kind in ("table", "grid"):
                flush()
                grid = _table_grid(payload, number, seq) if kind == "table" else _ocr_grid(payload, number, seq)
                seq += len(grid) - 1
                prev = blocks[-1] if blocks else None
                if prev is not None and prev.kind == "table" and prev.page == number - 1 and seq == len(grid):
                    # continued from the foot of the last page
                    _join_split_row(prev.rows, prev_xs, grid, payload.xs, chain_head)
                else:
                    chain_head = grid[:5]
                prev_xs = payload.xs
                if grid:
                    blocks.append(Block("table", rows=grid, page=number, line=seq - len(grid) + 1))
                continue
            ln = payload
            if para and _continues(para[-1], ln, edges):
                para.append(ln)
                continue
            flush()
            para.append(ln)
            para_line[0] = seq
        # a table at the end of a page ends the paragraph; text goes on across the page break
        if items and items[-1][1] in ("table", "grid"):
            flush()
    flush()
    if npages > 1 and len(problems) == npages and all("没有文字层" in p and "需要OCR" in p for p in problems):
        problems = [f"全部{npages}页都没有文字层（扫描件），{_NEEDS_OCR}（no text layer: needs OCR）"]
    return Document(blocks, format="pdf", pages=npages, problems=problems)
