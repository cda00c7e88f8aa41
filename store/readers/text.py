"""Plain text reports: every line is a paragraph with its line number.

Tables flattened into text (one cell per line, rows split by tabs or runs of
spaces) are recovered by the parser, which sees the lines exactly as printed.
Pipe tables (markdown from converters, OCR and scraping pipelines, in ``.md``
and ``.txt`` files alike) become table blocks: see :mod:`store.readers.markdown`.
"""

from __future__ import annotations

from store.document import Block, Document
from store.readers.encoding import decode
from store.readers.markdown import read_markdown


def read_text(data: bytes | str) -> Document:
    text = data if isinstance(data, str) else decode(data)
    doc = read_markdown(text)
    if doc is not None:
        return doc
    blocks = [Block("paragraph", text=line, line=i) for i, line in enumerate(text.split("\n"), start=1)]
    return Document(blocks, format="text")
