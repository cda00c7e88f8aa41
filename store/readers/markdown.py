"""Markdown pipe tables, as HTML-to-markdown converters, PDF-to-markdown tools and OCR pipelines write them.

A text file (``.md``, ``.markdown``, ``.txt``) whose lines hold pipe tables becomes a :class:`Document`
whose tables are table blocks (grids), so the parser reads them the way it reads an HTML ``<table>``.
The layouts seen in the wild:

- GitHub tables: ``| a | b |`` rows, a ``| --- | --- |`` separator, often an empty first row
  (markdownify writes one when the table has no ``<th>``);
- html2text's ``a| b| c`` rows without outer pipes, a ``---|---`` separator after the first row (just
  ``---`` when that row has one cell), and a cell holding a line break going on on the next line;
- cells padded with ``&nbsp;`` and spaces, ``**bold**``, ``\\_`` escapes, ``<br>`` inside a cell.

Converters lose the merged cells of the page: html2text drops a colspan's and a rowspan's covered
cells; markdownify keeps a colspan's covered cells as empty cells and drops a rowspan's.  So a row
may be shorter than the table (a group cell from the rows above printed only on its first row) and
an empty cell may be a real empty cell or the rest of the cell to its left.  :func:`realign` puts
each row back on the table's grid where the table itself says how (see there); where it cannot be
told, the doubtful empty cells are left out of the row, so that the parser's fitting — with the
勾稽关系, or marking the row ``uncertain`` — decides, never a guess.

Everything here is pure: text in, a :class:`Document` out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from store.document import Block, Cell, Document
from store.parse.memo import remembered

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_PIPE = re.compile(r"(?<!\\)\|")
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?(?:b|strong|i|em|u|span|font|p|sup|sub)(?:\s[^>]*)?>", re.I)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b]+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff（）])\s+(?=[\u4e00-\u9fff（）])")
# running text in a cell (a page's layout table written as one table row): a paragraph, not a cell
_RUNNING_TEXT = re.compile(r"[。！？]")
# a character without which none of the markup clean_inline removes can be there (<br>, tags, ![…](…),
# […](…), emphasis, escapes, entities)
_MARKUP = re.compile(r"[<\[*_\\&]")


# --------------------------------------------------------------------------- lines and cells

def is_separator(line: str) -> bool:
    """A header separator row: ``---``, ``---|---``, ``| :--- | ---: |``."""
    return bool(_SEPARATOR.match(line))


def has_pipe(line: str) -> bool:
    return bool(_PIPE.search(line))


def split_row(line: str, closed: bool = False) -> list[str]:
    """The raw cells of a pipe row, escaped pipes kept inside their cell.  A pipe that opens the row
    is dropped; a pipe that ends it too when the row opens with one or ``closed`` says every row of
    its table ends with one.  Otherwise it ends an empty last cell (html2text's ``a| b| ``)."""
    s = line.strip()
    opened = s.startswith("|")
    if opened:
        s = s[1:]
    if (opened or closed) and s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return _PIPE.split(s)


def _closed(lines: list[str]) -> bool:
    """Whether every row of a table that holds a pipe ends with one (a pipe that closes the row)."""
    rows = [x.strip() for x in lines if has_pipe(x) and not is_separator(x)]
    return bool(rows) and all(x.endswith("|") and not x.endswith("\\|") for x in rows)


def clean_inline(text: str) -> str:
    """Markdown and HTML left in a text: links, emphasis, escapes, entities, tags, line-break marks."""
    if not _MARKUP.search(text):
        return text
    t = _BR.sub(" ", text)
    t = _TAG.sub("", t)
    t = _IMAGE.sub(r"\1", t)
    t = _LINK.sub(r"\1", t)
    t = _EMPHASIS.sub("", t)
    t = _ESCAPE.sub(r"\1", t)
    return html.unescape(t)


@remembered(8192)
def clean_cell(text: str) -> str:
    """A cell's text as printed: markup gone, spaces and ``&nbsp;`` padding trimmed, a label wrapped
    inside its cell joined again ("社会公益    组织" → 社会公益组织)."""
    t = _SPACES.sub(" ", clean_inline(text)).strip()
    return _CJK_GAP.sub("", t)


def is_running_text(text: str) -> bool:
    """Sentences in a cell: a page's layout table (the whole article in one cell), not a table cell.
    A row label may be long (explanatory labels run to 80 characters and more) but ends no sentence."""
    return len(text) >= 400 or (len(text) >= 45 and bool(_RUNNING_TEXT.search(text)))


# --------------------------------------------------------------------------- finding tables

@dataclass
class TableSpan:
    start: int  # index of the first line
    end: int  # index after the last line


def find_tables(lines: list[str]) -> list[TableSpan]:
    """Where the pipe tables are.

    A table is a header line followed by a separator line, and every non-blank line after it (a
    line without a pipe is a row of one cell, or the rest of a cell that held a line break); or,
    without a separator, two or more consecutive lines that start and end with a pipe, or that
    hold pipes and a figure between them.  Some line besides the separator must hold a pipe: a
    line of text underlined with ``---`` is a heading, not a table.
    """
    out: list[TableSpan] = []
    n, i = len(lines), 0
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        if i + 1 < n and is_separator(lines[i + 1]) and not is_separator(lines[i]):
            end = i + 2
            while end < n and lines[end].strip():
                end += 1
            if any(has_pipe(x) for k, x in enumerate(lines[i:end]) if k != 1):
                out.append(TableSpan(i, end))
                i = end
                continue
        end = i
        while end < n and lines[end].strip() and has_pipe(lines[end]) and not is_separator(lines[end]):
            end += 1
        run = lines[i:end]
        framed = all(x.strip().startswith("|") and x.strip().endswith("|") for x in run)
        if len(run) >= 2 and (framed or any(_figure(clean_cell(c)) for x in run for c in split_row(x))):
            while end < n and lines[end].strip() and (has_pipe(lines[end]) or is_separator(lines[end])):
                end += 1
            out.append(TableSpan(i, end))
            i = end
            continue
        i = max(end, i + 1)
    return out


# --------------------------------------------------------------------------- putting rows on the grid

def _figure(text: str) -> bool:
    """A figure or a printed mark ("/", "—") where a figure belongs."""
    from store.parse.lines import classify

    return bool(text) and classify(text).kind == "value"


def _is_header(row: list[str]) -> bool:
    """A row of column headings: two or more words, no figure."""
    return sum(1 for c in row if c) >= 2 and not any(_figure(c) for c in row)


def _trailing_roles(row: list[str], header: list[str] | None, block: list[list[str]]) -> list[str] | None:
    """What the empty cells after a row's last printed cell are: per cell "cell" (an empty cell of
    the table) or "rest" (the rest of the cell to its left, which spanned several columns).
    None when the table does not tell.

    The heading row right above the figures (the lowest, whose headings are single columns or
    cells spanning several) says it when a heading stands right over the row's last figure: an
    empty cell under a heading of its own is a cell; under the empty rest of the heading that
    spans on from the last figure's column, it is the rest of the figure's cell, which spans
    the same way.  Positions compare only between rows of the same length (a row that lost a
    merged cell is shifted).  Without such a heading, another figure row under the same heading
    row and of the same length, with a figure in that column, shows it is a column of figures.
    """
    last = max(k for k, c in enumerate(row) if c)
    first_figure = next(k for k, c in enumerate(row) if _figure(c))
    trailing = range(last + 1, len(row))
    if header is not None and len(header) == len(row) and header[last] and last >= first_figure:
        return ["cell" if header[p] else "rest" for p in trailing]
    roles = []
    for p in trailing:
        if not any(other is not row and len(other) == len(row) and _figure(other[p]) for other in block):
            return None
        roles.append("cell")
    return roles


def realign(rows: list[list[str]]) -> list[list[Cell]]:
    """Put a table's rows back on one grid (pure).

    Every row is aligned on the right: cells a converter dropped for a merged cell are the
    row's first (a group label printed once for several rows), so the figures keep their
    columns; the positions in front are marked ``merged``.  Empty cells after a row's last figure
    are resolved with :func:`_trailing_roles`: the rest of a spanning cell becomes ``merged``, a
    real empty cell stays a (blank) cell, and where the table does not tell, every empty cell at
    the edges of the row's figures is left out (``merged``), so that the parser fits the figures
    it sees and marks the row ``uncertain`` when they do not fit: an empty cell is never guessed
    to be a blank.
    """
    width = max((len(r) for r in rows), default=0)
    # the figure rows under each heading row
    header: list[str] | None = None
    members: list[list[str]] = []
    block_of: dict[int, tuple[list[str] | None, list[list[str]]]] = {}
    for idx, row in enumerate(rows):
        if _is_header(row):
            header, members = row, []
        elif any(_figure(c) for c in row):
            members.append(row)
            block_of[idx] = (header, members)
    out: list[list[Cell]] = []
    for idx, row in enumerate(rows):
        cells = [Cell(c) for c in row]
        if idx in block_of:
            last = max(k for k, c in enumerate(row) if c)
            roles = _trailing_roles(row, *block_of[idx])
            if roles is None:
                first_figure = next(k for k, c in enumerate(row) if _figure(c))
                label_end = max((k for k in range(first_figure) if row[k]), default=-1)
                for k in range(label_end + 1, len(row)):
                    if not row[k] and (k < first_figure or k > last):
                        cells[k].merged = True
            else:
                for k, role in zip(range(last + 1, len(row)), roles):
                    cells[k].merged = role == "rest"
        out.append([Cell("", merged=True) for _ in range(width - len(cells))] + cells)
    return out


# --------------------------------------------------------------------------- the document

def _table_rows(lines: list[str], span: TableSpan, first_line: int) -> tuple[list[Block], list[list[str]], list[int]]:
    """The rows of one table (cells cleaned), with running text in a cell taken out as paragraphs."""
    paragraphs: list[Block] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    closed = _closed(lines[span.start:span.end])
    for k in range(span.start, span.end):
        raw = lines[k]
        if is_separator(raw) and k > span.start:
            continue
        cells = [clean_cell(c) for c in split_row(raw, closed)] if has_pipe(raw) else [clean_cell(raw)]
        kept = []
        for c in cells:
            if is_running_text(c):
                paragraphs.append(Block("paragraph", text=c, line=first_line + k))
            else:
                kept.append(c)
        if not any(kept):
            continue
        rows.append(kept)
        numbers.append(first_line + k)
    return paragraphs, rows, numbers


def read_markdown(text: str, first_line: int = 1) -> Document | None:
    """A text with pipe tables as a document of paragraphs (one per line) and table blocks;
    None when the text holds no pipe table."""
    if "|" not in text:  # every table holds a pipe somewhere (see find_tables)
        return None
    lines = text.split("\n")
    spans = find_tables(lines)
    if not spans:
        return None
    blocks: list[Block] = []
    at = 0
    for span in spans:
        blocks.extend(_paragraphs(lines, at, span.start, first_line))
        if _cell_per_line(lines[span.start:span.end]):
            blocks.extend(_cells_as_paragraphs(lines, span, first_line))
            at = span.end
            continue
        paragraphs, rows, numbers = _table_rows(lines, span, first_line)
        blocks.extend(paragraphs)
        if rows:
            grid = realign(rows)
            for row, number in zip(grid, numbers):
                for cell in row:
                    cell.line = number
            blocks.append(Block("table", rows=grid, line=first_line + span.start))
        at = span.end
    blocks.extend(_paragraphs(lines, at, len(lines), first_line))
    return Document(blocks, format="markdown")


def _cell_per_line(lines: list[str]) -> bool:
    """A table written one cell per line ("规章 |", "2 |", "0 |"), rows not told apart: flattened text
    with pipes, not a grid."""
    filled = [sum(1 for c in split_row(x) if clean_cell(c)) for x in lines if not is_separator(x)]
    return len(filled) >= 3 and sum(1 for k in filled if k >= 2) <= len(filled) // 10


def _cells_as_paragraphs(lines: list[str], span: TableSpan, first_line: int) -> list[Block]:
    """Each line of a one-cell-per-line table as the text line it stands for: its cell, or an empty line
    where it holds only pipes (the end of a printed row)."""
    out = []
    for k in range(span.start, span.end):
        if is_separator(lines[k]) and k > span.start:
            continue
        cells = [c for c in (clean_cell(x) for x in split_row(lines[k])) if c]
        out.append(Block("paragraph", text="\t".join(cells), line=first_line + k))
    return out


def _paragraphs(lines: list[str], start: int, end: int, first_line: int) -> list[Block]:
    out = []
    for k in range(start, end):
        t = lines[k]
        if is_separator(t) and t.strip() and k > 0 and lines[k - 1].strip():
            continue  # a heading's underline
        t = _HEADING.sub("", clean_inline(t)).replace("\u00a0", " ")
        out.append(Block("paragraph", text=t.rstrip(), line=first_line + k))
    return out
