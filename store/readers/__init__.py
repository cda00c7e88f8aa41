"""Readers: a file in, a neutral :class:`~store.document.Document` out.

``read_document(path)`` picks the reader by content (magic bytes) and suffix.
Every reader raises :class:`~store.document.ReadError` with one clear line when a
file cannot be read at all.

No file can make a reader use unbounded memory.  The limits (below) are checked before the
expensive step: a .docx's zip directory before anything is inflated, and again while
inflating (the sizes a directory states can lie); an HTML page's size before it is parsed and
its nesting depth before it is walked; a PDF's page count before any page is read.  A file
that breaks a limit raises ReadError ("too large: …"), so a batch skips it with one line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from store.document import Document, ReadError

#: A .docx: at most this many members, this many bytes once unpacked (all members together),
#: this many bytes for any one XML part (what python-docx parses into memory).
DOCX_MAX_MEMBERS = 2_000
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
DOCX_MAX_XML_PART = 20 * 1024 * 1024
#: An HTML page: at most this many bytes, and elements nested at most this deep.
HTML_MAX_BYTES = 20 * 1024 * 1024
HTML_MAX_DEPTH = 200
#: A PDF: at most this many pages (the longest annual reports have about a hundred).
PDF_MAX_PAGES = 1_000

SUFFIXES = {
    ".txt": "text", ".text": "text", ".csv": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx", ".doc": "docx", ".wps": "docx",  # old binary files get a clear ReadError
}


def sniff_format(data: bytes, suffix: str = "") -> str:
    """The reader to use for ``data``: pdf, docx, html or text."""
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    lowered = head.lower()
    if suffix.lower() in (".html", ".htm", ".shtml", ".xhtml") or lowered.startswith((b"<!doctype html", b"<html")) \
            or b"<html" in lowered[:512] or (b"<table" in data[:65536].lower() and b"</t" in data[:65536].lower()):
        return "html"
    return SUFFIXES.get(suffix.lower(), "text")


def read_bytes(data: bytes, name: str = "") -> Document:
    """Read a report from bytes; ``name`` gives the suffix and is kept as the source."""
    if not data or not data.strip():
        raise ReadError("empty file")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003 .doc, WPS .wps, .xls
        raise ReadError("old binary Office format (.doc/.wps/.xls): not readable, convert it to .docx or PDF")
    fmt = sniff_format(data, Path(name).suffix)
    if fmt == "pdf":
        from store.readers import pdf
        doc = pdf.read_pdf(data)
    elif fmt == "docx":
        from store.readers import docx
        doc = docx.read_docx(data)
    elif fmt == "html":
        from store.readers import html
        doc = html.read_html(data)
    else:
        from store.readers import text
        doc = text.read_text(data)
    doc.source = name
    return doc


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_zip(data: bytes) -> None:
    """Refuse a zip (a .docx) that would unpack to too much: first by its directory, then by
    inflating every member in small pieces and counting what comes out.  Raises ReadError."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    with zf:
        members = zf.infolist()
        if len(members) > DOCX_MAX_MEMBERS:
            raise ReadError(f"too large: the .docx holds {len(members)} parts (the limit is {DOCX_MAX_MEMBERS})")
        stated = sum(m.file_size for m in members)
        if stated > DOCX_MAX_UNPACKED:
            raise ReadError(f"too large: the .docx unpacks to {_mb(stated)} (the limit is {_mb(DOCX_MAX_UNPACKED)})")
        for m in members:
            if m.filename.lower().endswith((".xml", ".rels")) and m.file_size > DOCX_MAX_XML_PART:
                raise ReadError(f"too large: {m.filename} in the .docx unpacks to {_mb(m.file_size)} "
                                f"(the limit is {_mb(DOCX_MAX_XML_PART)})")
        total = 0
        for m in members:  # the directory may lie: count what inflating really gives
            got = 0
            limit = DOCX_MAX_XML_PART if m.filename.lower().endswith((".xml", ".rels")) else DOCX_MAX_UNPACKED
            try:
                with zf.open(m) as fh:
                    while True:
                        chunk = fh.read(1 << 16)
                        if not chunk:
                            break
                        got += len(chunk)
                        total += len(chunk)
                        if got > max(m.file_size, 0) or got > limit or total > DOCX_MAX_UNPACKED:
                            raise ReadError(f"too large: {m.filename} in the .docx inflates past "
                                            f"{'its stated size' if got > m.file_size else 'the limit'}")
            except ReadError:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
                raise ReadError(f"corrupt .docx: {m.filename}: {type(exc).__name__}: {str(exc)[:100]}") from exc


def check_depth(root, limit: int = HTML_MAX_DEPTH) -> None:
    """Refuse a parsed tree nested deeper than ``limit`` (the root at depth 1): asked of libxml2 as one
    XPath, ``limit`` steps of child elements below the root, without recursion and without a Python loop."""
    if limit < 1 or root.xpath("boolean(" + "/".join(["*"] * limit) + ")"):
        raise ReadError(f"too large: elements nested more than {limit} deep")


def read_document(path: str | Path) -> Document:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    return read_bytes(data, str(path))
