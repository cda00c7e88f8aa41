"""The neutral document every reader produces and the parser consumes.

A reader (plain text, HTML, PDF, Word) turns a file into a :class:`Document`:
paragraphs and tables in reading order, each with the page (PDF) or line
(text formats) it came from.  Tables are full grids: a position covered by a
merged cell (rowspan/colspan) is a :class:`Cell` with ``merged=True``, so the
parser never has to know where a table came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass
class Cell:
    text: str
    merged: bool = False  # covered by a merged cell to the left or above
    page: int | None = None
    line: int | None = None
    # read by OCR (a scanned page): the engine's confidence 0..1, None when the text layer gave the text;
    # ocr_raw: what OCR read when the reader changed it (letters that look like digits)
    conf: float | None = None
    ocr_raw: str | None = None


@dataclass
class Block:
    kind: Literal["paragraph", "table"]
    text: str = ""  # paragraphs
    rows: list[list[Cell]] = field(default_factory=list)  # tables: a full grid
    page: int | None = None
    line: int | None = None
    # a paragraph read by OCR: the confidence of each tab-separated piece (one for a wrapped paragraph)
    conf: list[float] | None = None


@dataclass
class Document:
    blocks: list[Block]
    source: str = ""
    format: str = "text"  # text | html | pdf | docx
    pages: int | None = None
    problems: list[str] = field(default_factory=list)  # what the reader could not read
    #: What the reader knows of the page beyond its text: ``titles`` (an HTML page's <title> and
    #: title meta tags, e.g. ArticleTitle), ``publishers`` (meta tags naming who published it:
    #: ContentSource, Author), ``tags`` (every <meta name=… content=…> as read).
    meta: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """All text in reading order (tables row by row, cells separated by tabs)."""
        out = []
        for b in self.blocks:
            if b.kind == "paragraph":
                out.append(b.text)
            else:
                out.extend("\t".join(c.text for c in row if not c.merged) for row in b.rows)
        return "\n".join(out)


class ReadError(Exception):
    """A file that cannot be read at all (empty, binary, encrypted, corrupt)."""
