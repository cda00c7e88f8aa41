"""Decode bytes in the encodings Chinese files come in.

UTF-8 (with or without BOM), UTF-16/32 (with or without BOM), GB18030 / GBK /
GB2312 and Big5.  A file that decodes to control characters is binary.
"""

from __future__ import annotations

import codecs
import re

from store.document import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nul > half * 0.3 and even_nul < half * 0.05:
        return "utf-16-le"
    if even_nul > half * 0.3 and odd_nul < half * 0.05:
        return "utf-16-be"
    # Chinese UTF-16 text has few NULs; test by decoding and counting CJK characters.
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        if len(_CJK.findall(text)) > len(text) * 0.3 and not _CONTROL.search(text) and "\n" in text:
            return enc
    return None


#: Signatures of binary formats that are never a report in text form (images, archives, old Office, executables).
_BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office (.doc/.xls/.wps) file"), (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"), (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"), (b"BM", None), (b"{\\rtf", "an RTF file"),
)


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _BINARY_MAGIC:
        if kind and data.startswith(magic):
            return kind
    return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to text; raise :class:`ReadError` for binary files."""
    kind = _binary_kind(data)
    if kind:
        raise ReadError(f"binary file ({kind}): not a report in a readable format")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _check(data[len(bom):].decode(enc, errors="replace"))
    candidates = []
    utf16 = _looks_utf16(data)
    if utf16:
        candidates.append(utf16)
    # strict UTF-8 first: Chinese text in another encoding is practically never valid UTF-8, while
    # pages that say gb2312 but were re-saved as UTF-8 are common
    candidates.append("utf-8")
    if declared:
        candidates.append(declared)
    candidates += ["gb18030", "big5"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return _check(text)
    return _check(data.decode("gb18030", errors="replace"))


def _check(text: str) -> str:
    if not text.strip():
        raise ReadError("empty file")
    bad = len(_CONTROL.findall(text[:20000]))
    if bad > max(8, len(text[:20000]) * 0.01):
        raise ReadError("binary file: not a report in a readable text format")
    return _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
