"""Turn a document into lines of classified tokens.

A line is what the parser walks: a paragraph of a text file or a table row.
Each token is a cell: a ``label``, a ``value`` (a number or a mark such as
"/", "—", "无") or a ``blank``.  ``explicit`` says whether a blank is a real
cell (a grid cell, a line holding only a tab) or just spacing between cells.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from store.document import Block, Cell, Document
from store.parse.memo import remembered
from store.template import NOT_APPLICABLE_MARKS
from store.template.cell_text import CELL_UNITS, DIGIT_LOOKALIKES, LONE_LOOKALIKES, MINUS_SIGNS, SIGN_WORDS

_NUMBER = re.compile(
    r"^(?P<sign>" + "|".join(map(re.escape, sorted(SIGN_WORDS, key=len, reverse=True))) + r")?\s*"
    r"(?P<num>[+" + "".join(map(re.escape, MINUS_SIGNS)) + r"]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*"
    r"(?P<unit>" + "|".join(map(re.escape, CELL_UNITS)) + r")?$")
_SPLIT = re.compile(r"\s*[|｜]\s*|\t| {2,}|\u3000+")
_SEPARATOR_CHARS = re.compile(r"[|｜\t\u3000]")  # what _SPLIT needs, besides two spaces
_SPLIT_NO_PIPE = re.compile(r"\t| {2,}|\u3000+")
_GARBLED = re.compile(r"(?=[^\d]*\d)[\d,.\s" + re.escape(DIGIT_LOOKALIKES) + r"]{1,12}")
_DIGITS_ONLY = re.compile(r"[\d,.\s]+")
_SPACED_DIGITS = re.compile(r"\d+(?: \d+)+")
_GLUED_PIPE = re.compile(r"\d[|｜](?=\d|$)|(?:^|(?<=\s))[|｜]\d")
_SENTENCE = re.compile(r"[。；;！？]|[，,].*[，,]")
_UNDERLINE = re.compile(r"</?u>")
_LIST_NUMBER = re.compile(r"\d{1,2}[.．、]?")
_CJK_START = re.compile(r"[\u4e00-\u9fff]")

TokKind = Literal["label", "value", "blank"]


@dataclass
class Tok:
    text: str
    kind: TokKind
    explicit: bool = True
    value: float | int | None = None
    na: bool = False  # a printed mark such as "/" or "无"
    garbled: bool = False  # a label token that is a figure misread ("S8", "l2", "〇"): a cell, unreadable
    line: int | None = None
    page: int | None = None


@dataclass
class Line:
    kind: Literal["empty", "cell", "row", "grid", "narrative"]
    text: str
    toks: list[Tok] = field(default_factory=list)
    line: int | None = None
    page: int | None = None
    original: str | None = None  # the line as printed, when ``text`` is a matching copy (see matching_lines)

    @property
    def printed(self) -> str:
        return self.text if self.original is None else self.original


@remembered(16384)
def fold(text: str) -> str:
    """NFKC with all kinds of spaces made plain and trimmed."""
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").strip()


@remembered(16384)
def parse_number(text: str) -> float | int | None:
    m = _NUMBER.match(fold(text))
    if not m:
        return None
    num = m.group("num").replace(",", "")
    for minus in MINUS_SIGNS[1:]:
        num = num.replace(minus, "-")
    value = float(num)
    if m.group("sign"):
        if num.startswith(("+", "-")):
            return None  # "减-4": which sign?
        value *= SIGN_WORDS[m.group("sign")]
    return int(value) if value.is_integer() and "." not in num else value


def classify(text: str, explicit: bool = True, line: int | None = None, page: int | None = None) -> Tok:
    kind, value, na, garbled = _token_kind(text)
    return Tok(text, kind, explicit, value, na, garbled, line, page)


@remembered(16384)
def _token_kind(text: str) -> tuple[TokKind, float | int | None, bool, bool]:
    """What a cell's text is: (kind, value, na, garbled)."""
    t = fold(text)
    t = _UNDERLINE.sub("", t).strip()
    if not t:
        return "blank", None, False, False
    n = parse_number(t)
    if n is not None:
        return "value", n, False, False
    if t in NOT_APPLICABLE_MARKS or _MARK_RUN.fullmatch(t):
        return "value", None, True, False
    return "label", None, False, is_garbled_figure(t)


def is_garbled_figure(text: str) -> bool:
    """A figure with letters OCR puts for digits ("S8", "l2", "1O", "5 4"), or a lone look-alike of 0 or 1."""
    t = text.strip()
    return t in LONE_LOOKALIKES or (bool(_GARBLED.fullmatch(t)) and not _DIGITS_ONLY.fullmatch(t)) \
        or bool(_SPACED_DIGITS.fullmatch(t))


@lru_cache(maxsize=1)
def _long_labels() -> tuple[str, ...]:
    """Template labels long enough to be taken for a sentence."""
    from store.template import TABLE_HEADINGS, TABLES, normalise_label

    out = {normalise_label(v) for t in TABLES for r in t.rows for v in (r.label, r.full_label, *r.variants)}
    out.update(normalise_label(h) for h in TABLE_HEADINGS)
    return tuple(sorted(x for x in out if len(x) >= 14))


@lru_cache(maxsize=65536)
def is_template_label(text: str) -> bool:
    from store.template import normalise_label

    t = normalise_label(text)
    return len(t) <= 70 and any(len(t) <= len(lbl) * 1.6 + 4 and fuzz.partial_ratio(lbl, t, score_cutoff=88) >= 88
                                for lbl in _long_labels())


@remembered(16384)
def is_narrative(text: str) -> bool:
    t = fold(text)
    if len(t) < 16:
        return False
    if not (len(t) >= 45 or (_SENTENCE.search(t) and not t.startswith(("(", "（")))):
        return False
    return not is_template_label(t)


def split_cells(text: str) -> list[str]:
    """Split a printed row into cells: tabs, runs of spaces, full-width spaces, pipes ("规章 | 0 | 0",
    a pipe table left as text or broken after every cell: "规章 |").

    The last cell may end with numbers separated by single spaces
    ("行政事业性收费 0 0"); they are split off as cells of their own.
    """
    return list(_split_cells(text))


@remembered(16384)
def _split_cells(text: str) -> tuple[str, ...]:
    if _SEPARATOR_CHARS.search(text) or "  " in text:
        pipes = text.count("|") + text.count("｜")
        # a line of tab-separated cells with a pipe here and there: the pipe is a misread character ("|2"), no separator
        tabbed = "\t" in text and pipes and pipes * 2 < text.count("\t")
        # one pipe glued to a figure ("… 0 8|", "0 |2"): a misread 1, no separator
        glued = pipes == 1 and _GLUED_PIPE.search(text.strip())
        pieces = (_SPLIT_NO_PIPE if tabbed or glued else _SPLIT).split(text)
    else:  # (a long sentence: the pattern would be tried at every character for nothing)
        pieces = [text]
    if text.startswith(("\t", " ", "\u3000")) and pieces and not pieces[0].strip():
        pieces = pieces[1:]  # indentation, not an empty cell
    while pieces and not pieces[-1].strip():
        pieces.pop()
    # a row's numbering split from its label ("6\u3000属于四类过程性信息", "1  信访举报投诉类申请"):
    # numbers never precede the label in these tables, so the number is part of the label
    first = next((i for i, p in enumerate(pieces) if p.strip()), None)
    if first is not None and first + 1 < len(pieces) and _LIST_NUMBER.fullmatch(fold(pieces[first])) \
            and classify(pieces[first + 1]).kind == "label" and not is_narrative(pieces[first + 1]):
        pieces[first:first + 2] = [fold(pieces[first]) + fold(pieces[first + 1])]
    if pieces:  # only the last piece: a label cell in the middle may hold any garbage ("I (—) 1 🗆 1 /")
        pieces[-1:] = _split_trailing(pieces[-1])
    return tuple(pieces)


def _is_cell_token(tok: str) -> bool:
    return parse_number(tok) is not None or tok in NOT_APPLICABLE_MARKS or bool(_MARK_RUN.fullmatch(tok)) \
        or (bool(re.search(r"\d", tok)) and is_garbled_figure(tok))


_MARK_RUN = re.compile(r"[/／\\—\-－–_]+")


def _split_trailing(piece: str) -> list[str]:
    """Cells separated by single spaces at the end of a piece ("行政事业性收费 0 0", "（一）予以公开 7 — 0"):
    figures and marks after the label are cells of their own."""
    toks = fold(piece).split()
    if len(toks) < 2:
        return [piece]
    k = len(toks)
    while k > 0 and (_is_cell_token(toks[k - 1]) or toks[k - 1] in LONE_LOOKALIKES):
        k -= 1
    cells = toks[k:]
    if cells and not any(_is_cell_token(t) for t in cells):
        return [piece]  # look-alikes of 0 and 1 count as cells only among figures
    if not cells or len(cells) == 1 and parse_number(cells[0]) is None and not _MARK_RUN.fullmatch(cells[0]):
        return [piece]  # a lone word such as "无" after a label may be part of it
    if k == 0:
        return cells
    label = " ".join(toks[:k])
    if len(label) < 2 and not _CJK_START.match(label):
        return [piece]  # one character may end a wrapped label ("请 0 1185 0"); a lone digit or mark may not
    return [label, *cells]


def document_lines(doc: Document) -> list[Line]:
    from store.parse.flattened import expand  # tables flattened into running text, cut back into lines

    out: list[Line] = []
    for block in expand(doc.blocks):
        if block.kind == "table":
            width = max((len(r) for r in block.rows), default=0)
            # a column with no text in any row is layout (an empty spacer or a ragged extra cell)
            used = [k for k in range(width) if any(k < len(r) and r[k].text.strip() for r in block.rows)]
            for row in block.rows:
                cells = [row[k] for k in used if k < len(row) and not row[k].merged]
                if not cells:
                    continue
                page = next((c.page for c in cells if c.page is not None), block.page)
                line = next((c.line for c in cells if c.line is not None), block.line)
                toks = [classify(c.text, True, c.line or line, c.page or page) for c in cells]
                text = "\t".join(c.text for c in cells)
                if all(t.kind == "blank" for t in toks):
                    continue
                if len(toks) == 1 and toks[0].kind == "label" and is_narrative(text):
                    out.append(Line("narrative", text, toks, line, page))
                else:
                    out.append(Line("grid", text, toks, line, page))
            continue
        raw = block.text
        for sub in raw.split("\n") if "\n" in raw else (raw,):
            if is_page_furniture(sub):
                # a page number or page break: not part of the text; the empty lines around it go too,
                # so that a table row broken by the page reads on (a line of spaces may be an empty cell)
                while out and out[-1].kind == "empty" and not _spaces_only(out[-1].text):
                    out.pop()
                out.append(Line("page", sub, [], block.line, block.page))
                continue
            ln = _paragraph_line(sub, block.line, block.page)
            if ln.kind == "empty" and out and out[-1].kind == "page" and not _spaces_only(ln.text):
                continue
            out.append(ln)
    return [ln for ln in out if ln.kind != "page"]


def _spaces_only(text: str) -> bool:
    """A line holding spaces and nothing else (not an empty line)."""
    return bool(text.strip("\r\f")) and not text.strip(" \u3000\u00a0\r\f")


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~]+\s*\d{1,4}\s*[-—–－~]+|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$", re.I)


@remembered(16384)
def is_page_furniture(text: str) -> bool:
    """A page number ("- 3 -", "第3页 共8页") or a page break (form feed) on a line of its own."""
    if "\f" in text and not text.replace("\f", "").strip():
        return True
    t = fold(text.replace("\f", ""))
    return bool(t) and len(t) <= 20 and bool(_PAGE_NUMBER.match(t))


def _paragraph_line(text: str, line: int | None, page: int | None) -> Line:
    kind, toks = _paragraph_shape(text)
    return Line(kind, text, [Tok(t, k, explicit, value, na, garbled, line, page)
                             for t, k, explicit, value, na, garbled in toks],
                line, page)


@remembered(16384)
def _paragraph_shape(text: str) -> tuple[str, tuple[tuple, ...]]:
    """A printed line's kind and its tokens as (text, kind, explicit, value, na, garbled)."""
    if not text.strip(" \u3000\u00a0\r"):
        if "\t" in text:
            return "cell", ((text, "blank", True, None, False, False),)
        return "empty", ()
    pieces = split_cells(text)
    nonempty = [p for p in pieces if p.strip()]
    if len(nonempty) <= 1:
        piece = nonempty[0] if nonempty else ""
        if is_narrative(piece):
            return "narrative", ((piece, "label", True, None, False, False),)
        kind, value, na, garbled = _token_kind(piece)
        return "cell", ((piece, kind, True, value, na, garbled),)
    toks = [(p, k, False, value, na, garbled) for p in pieces for k, value, na, garbled in (_token_kind(p),)]
    if len(nonempty) == 2 and toks[-1][1] != "value" and is_narrative(" ".join(nonempty)):
        return "narrative", ((text.strip(), "label", True, None, False, False),)
    return "row", tuple(toks)


# --------------------------------------------------------------------------- matching copy

_SEPARATORS = re.compile(r"(\s*[|｜]\s*|\t| {2,}|\u3000+|\n)")


def _simplified(text: str) -> str:
    """One piece of text in simplified characters, converter debris removed (see store.parse.script)."""
    from store.parse import script

    return script.to_simplified(script.matching(text).text)


def _matching_text(text: str) -> str:
    """``text`` with every cell converted and every cell separator kept (the lines and cells stay as printed)."""
    parts = _SEPARATORS.split(text)
    return "".join(p if k % 2 else _simplified(p) for k, p in enumerate(parts))


def matching_lines(doc: Document, lines: list[Line]) -> list[Line]:
    """The lines of a report in traditional characters (or with pinyin inserted by a converter) as a copy
    in simplified characters, for matching table labels and section headings; each line keeps the text
    as printed in ``original``.  ``lines`` itself when the report needs no conversion."""
    from store.parse import script

    if not script.matching(doc.text).traditional:
        return lines
    copy = Document([Block(b.kind, _matching_text(b.text),
                           [[Cell(_matching_text(c.text), c.merged, c.page, c.line) for c in row] for row in b.rows],
                           b.page, b.line) for b in doc.blocks], doc.source, doc.format, doc.pages)
    out = document_lines(copy)
    if len(out) != len(lines) or any(a.kind == "empty" and b.kind != "empty" for a, b in zip(out, lines)):
        return lines  # the copy does not line up with the original: match on the original
    for converted, printed in zip(out, lines):
        converted.original = printed.text
    return out
