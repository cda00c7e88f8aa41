"""Readers: a file in, a neutral :class:`~store.document.Document` out.

``read_document(path)`` picks the reader by content (magic bytes) and suffix.
Every reader raises :class:`~store.document.ReadError` with one clear line when a
file cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path

from store.document import Document, ReadError

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


def read_document(path: str | Path) -> Document:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    return read_bytes(data, str(path))
