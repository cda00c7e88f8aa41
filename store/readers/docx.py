"""Word (.docx) reports through python-docx: paragraphs and tables in document order.

The body's XML children are walked in order (content controls ``w:sdt`` are read
through).  A table becomes a full grid: a cell spanning columns (``gridSpan``) or
rows (``vMerge``) covers positions that are ``merged`` copies carrying its text,
and columns skipped at the start or end of a row (``gridBefore``/``gridAfter``)
are covered positions too.  A label wrapped over paragraphs inside a cell is
joined without spaces between Chinese characters.  A table that holds other
tables is a layout table: it is read through, cell by cell, so the tables nested
in it come out as tables of their own, in their place.

The line of a block is its paragraph number in the document (cell paragraphs
counted too), so an answer can cite it.  Word writes where it broke the pages
when it last laid the document out (``w:lastRenderedPageBreak``); when those
marks are present every block also gets its page.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from store.document import Block, Cell, Document, ReadError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_WS = re.compile(r"[ \u00a0\u3000]+")


def _val(el, path: str) -> str | None:
    found = el.find(path)
    return None if found is None else found.get(_W + "val")


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    if _is_wide(a[-1]) or _is_wide(b[0]):
        return a + b
    return a + " " + b


class _Reader:
    def __init__(self, document):
        self.document = document
        self.blocks: list[Block] = []
        self.line = 0
        body = document.element.body
        self.paged = body.find(f".//{_W}lastRenderedPageBreak") is not None
        self.page = 1

    # ------------------------------------------------------------ paragraphs
    def _paragraph_text(self, p) -> str:
        out: list[str] = []
        _runs_text(p, out)
        return "".join(out)

    def _advance_page(self, p) -> int | None:
        """The page a paragraph starts on (counting the page breaks before and inside it)."""
        if not self.paged:
            return None
        if _val(p, f"{_W}pPr/{_W}pageBreakBefore") not in (None, "0", "false"):
            self.page += 1
        start = self.page
        for el in p.iter(f"{_W}lastRenderedPageBreak", f"{_W}br"):
            if el.tag == _W + "br" and el.get(_W + "type") != "page":
                continue
            text_before = ""  # a break at the very start of the paragraph moves the paragraph itself
            for prev in el.itersiblings(preceding=True):
                text_before += "".join(prev.itertext())
            run = el.getparent()
            for prev in run.itersiblings(preceding=True):
                text_before += "".join(prev.itertext())
            self.page += 1
            if not text_before.strip():
                start = self.page
        return start

    def paragraph(self, p):
        self.line += 1
        page = self._advance_page(p)
        text = self._paragraph_text(p)
        for part in text.split("\n"):
            self.blocks.append(Block("paragraph", text=part, page=page, line=self.line))

    # ------------------------------------------------------------ tables
    def _cell_text(self, tc) -> tuple[str, int | None, int]:
        text = ""
        first_line = self.line + 1
        page = None
        for p in tc.iter(_P):
            self.line += 1
            pg = self._advance_page(p)
            page = page if page is not None else pg
            text = _join(text, _WS.sub(" ", self._paragraph_text(p).replace("\n", " ")).strip())
        return text, page, first_line

    def table(self, tbl):
        if tbl.find(f".//{_TBL}") is not None:  # a layout table: read through it
            for tr in _rows(tbl):
                for tc in _cells(tr):
                    self.body(tc)
            return
        rows: list[list[Cell]] = []
        above: dict[int, Cell] = {}  # column -> the cell a vMerge continues
        first_line = self.line + 1
        first_page = None
        for tr in _rows(tbl):
            row: list[Cell] = []
            before = int(_val(tr, f"{_W}trPr/{_W}gridBefore") or 0)
            row += [Cell("", merged=True) for _ in range(min(before, 60))]
            for tc in _cells(tr):
                span = max(1, min(int(_val(tc, f"{_W}tcPr/{_W}gridSpan") or 1), 60))
                vm = tc.find(f"{_W}tcPr/{_W}vMerge")
                text, page, line = self._cell_text(tc)
                first_page = first_page if first_page is not None else page
                col = len(row)
                if vm is not None and vm.get(_W + "val") in (None, "continue") and col in above:
                    origin = above[col]
                    cell = Cell(origin.text, merged=True, page=page or origin.page, line=line)
                else:
                    cell = Cell(text, page=page, line=line)
                    above[col] = cell
                row.append(cell)
                row += [Cell(cell.text, merged=True, page=cell.page, line=line) for _ in range(span - 1)]
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        for r in rows:
            r += [Cell("", merged=True) for _ in range(width - len(r))]
        if any(c.text for r in rows for c in r):
            self.blocks.append(Block("table", rows=rows, page=first_page, line=first_line))

    # ------------------------------------------------------------ the body
    def body(self, parent):
        for child in parent.iterchildren():
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.body(content)


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# not text of the paragraph: properties, deleted runs, text boxes (their own story), the duplicate
# fallback of alternate content, field instructions
_SKIP = {_W + t for t in ("pPr", "rPr", "del", "moveFrom", "txbxContent", "instrText", "delText")} | {_MC + "Fallback"}


def _runs_text(el, out: list[str]) -> None:
    """A paragraph's text in order, including runs in tracked insertions, hyperlinks, smart tags,
    fields and inline content controls (python-docx's ``Paragraph.text`` misses some of these)."""
    for child in el.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag == _W + "tab" and el.tag == _W + "r":
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            if child.get(_W + "type") != "page":
                out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        else:
            _runs_text(child, out)


def _children(parent, tag):
    """``parent``'s children of ``tag``, reading through content controls (w:sdt) that wrap them."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from (x for x in content.iterchildren() if x.tag == tag)


def _rows(tbl):
    return _children(tbl, _TR)


def _cells(tr):
    return _children(tr, _TC)


def read_docx(data: bytes) -> Document:
    if not data:
        raise ReadError("empty file")
    from store.readers import check_zip

    check_zip(data)  # a zip bomb is refused before python-docx inflates anything
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    except ValueError as exc:  # a zip that is not a Word document (xlsx, pptx, odt …)
        raise ReadError(f"corrupt .docx: not a Word document ({str(exc)[:100]})") from exc
    except Exception as exc:  # lxml / package errors on broken files
        raise ReadError(f"corrupt .docx: {type(exc).__name__}") from exc
    reader = _Reader(document)
    reader.body(document.element.body)
    pages = reader.page if reader.paged else None
    return Document(reader.blocks, format="docx", pages=pages)
