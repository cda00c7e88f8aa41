"""Find the six sections, the sub-headings, and the narrative passages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from store.parse.lines import Line, fold
from store.parse.memo import remembered
from store.records import Passage
from store.template import SECTIONS, normalise_label

_NUMERALS = "一二三四五六"
_TOP = re.compile(r"^\s*(?P<num>[一二三四五六])\s*[、.．,，:：\s]\s*(?P<title>.+?)\s*$")
_SUB = re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]")
_SUB3 = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*\S")
#: A sub-heading glued to the end of the paragraph before it ("…无行政诉讼案件。（三）政府信息管理和平台建设").
_GLUED_SUB = re.compile(r"(?<=[。；！？])\s*(?=[(（]\s*[一二三四五六七八九十]+\s*[)）][^。；！？]{1,28}$)")


@dataclass
class SectionSpan:
    number: str  # 一 … 六
    heading: str
    start: int  # index of the heading line
    end: int  # index after the last line


@lru_cache(maxsize=None)
def _section_titles(number: str) -> tuple[str, ...]:
    sec = SECTIONS[_NUMERALS.index(number)]
    return tuple(normalise_label(v) for v in (sec.title, *sec.variants))


@lru_cache(maxsize=65536)
def section_score(text: str, number: str) -> float:
    t = normalise_label(text)
    return max(fuzz.ratio(v, t) for v in _section_titles(number))


@remembered(8192)
def _heading_scores(text: str) -> tuple[tuple[int, float] | None, tuple[float, ...] | None]:
    """How a folded line of at most 42 characters reads as a heading: (index of its numeral, its title's
    score for that section) when it starts with a numeral, and its score for each section as a heading
    printed without its numeral (None when it is longer than 30 characters)."""
    m = _TOP.match(text)
    numbered = (_NUMERALS.index(m.group("num")), section_score(m.group("title"), m.group("num"))) if m else None
    bare = None
    if len(text) <= 30:  # (a score below the bar is only ever compared with the bar: 0 stands for it)
        t = normalise_label(text)
        bare = tuple(max(fuzz.ratio(v, t, score_cutoff=BARE_HEADING_SCORE) for v in _section_titles(n))
                     for n in _NUMERALS)
    return numbered, bare


HEADING_SCORE = 72  # how like its section's title a numbered line must read to be its heading
BARE_HEADING_SCORE = 90  # … and a line printed without its numeral


@remembered(16384)
def _line_heading(printed: str) -> tuple[str, tuple | None, tuple | None] | None:
    """A printed line folded, with :func:`_heading_scores` (None when it is too long for a heading)."""
    text = fold(printed)
    if len(text) > 42:
        return None
    return (text, *_heading_scores(text))


def find_sections(lines: list[Line]) -> list[SectionSpan]:
    """Top-level headings (一、总体情况 … 六、其他需要报告的事项), in order.

    Table rows such as 三、本年度办理结果 also start with a numeral: a heading
    must read like its section's title and come after the previous one.
    """
    found: list[tuple[int, str, str]] = []
    last = -1
    for i, ln in enumerate(lines):
        if ln.kind not in ("cell", "narrative", "row", "grid") or not ln.toks:
            continue
        got = _line_heading(ln.text)
        if got is None:
            continue
        text, numbered, bare = got
        if numbered:
            idx, score = numbered
            if idx > last and score >= HEADING_SCORE:
                found.append((i, _NUMERALS[idx], text))
                last = idx
                continue
        # a heading printed without its numeral
        if bare is not None:
            for idx in range(last + 1, len(SECTIONS)):
                if bare[idx] >= BARE_HEADING_SCORE:
                    found.append((i, _NUMERALS[idx], text))
                    last = idx
                    break
    spans = []
    for k, (i, num, text) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(lines)
        spans.append(SectionSpan(num, text, i, end))
    return spans


def is_subheading(text: str) -> bool:
    t = fold(text)
    return len(t) <= 30 and "。" not in t and bool(_SUB.match(t) or _SUB3.match(t))


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")


def _printed(text: str) -> str:
    text = _BOOKMARK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def passages(lines: list[Line], sections: list[SectionSpan], table_lines: set[int],
             title_end: int = 0) -> list[Passage]:
    """Every paragraph outside the tables, with its section path."""
    starts = {s.start: s for s in sections}
    out: list[Passage] = []
    top, sub, sub3 = "", "", ""
    for i, ln in enumerate(lines):
        if i in starts:
            top, sub, sub3 = _printed(starts[i].heading), "", ""
            continue
        if ln.kind == "empty" or i in table_lines and ln.kind != "narrative":
            continue
        text = _printed(ln.text)
        if not text:
            continue
        if ln.kind != "grid" and is_subheading(text) and i not in table_lines:
            if _SUB.match(text):
                sub, sub3 = text, ""
            else:
                sub3 = text
            continue
        glued = _GLUED_SUB.search(text) if ln.kind == "narrative" else None
        heading = text[glued.end():] if glued else ""
        if glued:
            text = text[:glued.start()]
        path = " > ".join(p for p in (top or ("标题" if i < title_end else "正文"), sub, sub3) if p)
        out.append(Passage(len(out), path, text, ln.page, ln.line))
        if heading:  # the heading glued to the paragraph's end opens what follows
            sub, sub3 = heading, ""
    return out
