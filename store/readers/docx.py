"""Word (.docx) reports through python-docx: paragraphs and tables in document order.

Merged cells (horizontal ``gridSpan``, vertical ``vMerge``) become ``merged``
positions of a full grid; a table nested in a cell comes out as a table of its
own right after the one holding it.  The line of a block is its paragraph
number in the body, so an answer can cite it.
"""

from __future__ import annotations

import io
import re
import zipfile

from store.document import Block, Cell, Document, ReadError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff（）、，。])\s*\n\s*(?=[\u4e00-\u9fff（）、，。\d])")


def _text(paragraphs) -> str:
    text = "\n".join(p.text for p in paragraphs)
    text = _CJK_BREAK.sub("", text)
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _grid(table, line: int) -> tuple[list[list[Cell]], list]:
    """A full grid of the table and the tables nested in its cells."""
    from docx.table import _Cell

    nested = []
    rows: list[list[Cell]] = []
    for tr in table._tbl.tr_lst:
        row: list[Cell] = []
        for tc in tr.tc_lst:
            cell = _Cell(tc, table)
            span = tc.grid_span or 1
            vmerge = tc.vMerge
            text = _text(cell.paragraphs)
            covered = vmerge == "continue"
            row.append(Cell("" if covered else text, merged=covered, line=line))
            row += [Cell(text, merged=True, line=line) for _ in range(span - 1)]
            nested += cell.tables
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r += [Cell("", merged=True, line=line) for _ in range(width - len(r))]
    return rows, nested


def read_docx(data: bytes) -> Document:
    if not data:
        raise ReadError("empty file")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # lxml / package errors on broken files
        raise ReadError(f"corrupt .docx: {type(exc).__name__}") from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[Block] = []
    line = 0

    def add_table(table):
        nonlocal line
        line += 1
        rows, nested = _grid(table, line)
        if any(c.text for r in rows for c in r):
            blocks.append(Block("table", rows=rows, line=line))
        for inner in nested:
            add_table(inner)

    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            line += 1
            text = Paragraph(child, document).text
            for part in text.split("\n"):
                blocks.append(Block("paragraph", text=part, line=line))
        elif child.tag == _W + "tbl":
            add_table(Table(child, document))
    return Document(blocks, format="docx")
