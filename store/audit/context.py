"""What every audit rule reads: the parsed report, its lines and sections, and how to point at a line.

A rule function takes a :class:`Context` and yields findings (:class:`~store.records.Problem` with
evidence).  :meth:`Context.finding` fills in a rule's severity, scope and message from
``store.template.audit_rules``; a rule only says where and with which figures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from store.parse.lines import Line
from store.parse.memo import remembered
from store.parse.sections import SectionSpan, is_subheading
from store.records import ParsedReport, Problem
from store.template import SECTIONS, normalise_label, version_for_year
from store.template.audit_rules import PINYIN_ANNOTATION, RULES_BY_ID

NUMERALS = "一二三四五六"
_normalised = remembered(16384)(normalise_label)  # (lines repeat from report to report)
_SENTENCE_END = re.compile(r"[。；;！？!?]")
EVIDENCE_MAX = 160
INLINE_HEADING_BAR = 80  # how like its title a heading run into a longer line must read


@dataclass(frozen=True)
class Where:
    """A place in the report: the line (or page) and the passage that shows a finding."""

    line: int | None = None
    page: int | None = None
    section: str | None = None
    evidence: str | None = None


class Context:
    def __init__(self, report: ParsedReport, lines: list[Line], spans: list[SectionSpan]):
        self.report = report
        self.lines = lines
        self.spans = spans
        self.meta = report.meta
        self.year = report.meta.year
        self.memo: dict = {}  # what one rule works out and another reads (the statistics period)

    # ------------------------------------------------------------------ what the report is
    @property
    def version(self) -> str:
        """The template version the printed tables follow."""
        return self.meta.template or version_for_year(self.year)

    @property
    def expected_version(self) -> str:
        return version_for_year(self.year)

    @cached_property
    def found(self) -> dict[str, SectionSpan]:
        return {s.number: s for s in self.spans}

    @cached_property
    def texts(self) -> list[str]:
        """Each line's text as printed, with plain spaces and ASCII digits (full-width brackets and
        punctuation kept: they are part of what is audited); tabs between cells kept."""
        return [plain(ln.text) for ln in self.lines]

    @cached_property
    def joined(self) -> str:
        """Every line's text (:attr:`texts`) joined by line breaks."""
        return "\n".join(self.texts)

    def anywhere(self, pattern: re.Pattern) -> bool:
        """Whether ``pattern`` may match in some line: False only when it matches nowhere in :attr:`joined`
        (one search instead of one per line).  For patterns without ``^``, ``$`` or ``\\b``, whose
        lookarounds never look for a line break: a match inside a line is then a match in the whole."""
        return pattern.search(self.joined) is not None

    def lines_matching(self, pattern: re.Pattern | None) -> list[int]:
        """The indexes of the lines where ``pattern`` may match, in order: every line it matches in, and
        perhaps a few more (those a match in :attr:`joined` runs across).  One pass over the whole text
        instead of one search per line, for patterns as :meth:`anywhere` takes that never match an empty
        string (a line's first match is found in the whole, or a match there overlaps it).  ``None``:
        every line."""
        if pattern is None:
            return list(range(len(self.lines)))
        starts = self._line_starts
        out: list[int] = []
        for m in pattern.finditer(self.joined):
            first = bisect_right(starts, m.start()) - 1
            last = bisect_right(starts, max(m.end() - 1, m.start())) - 1
            for i in range(max(first, out[-1] + 1 if out else 0), last + 1):
                out.append(i)
        return out

    @cached_property
    def _line_starts(self) -> list[int]:
        """Where each line's text starts in :attr:`joined`."""
        starts, at = [], 0
        for t in self.texts:
            starts.append(at)
            at += len(t) + 1
        return starts

    @cached_property
    def last_text_index(self) -> int:
        for i in range(len(self.lines) - 1, -1, -1):
            if self.texts[i].strip():
                return i
        return -1

    @cached_property
    def signed(self) -> bool:
        """The text ends the way a report ends: a date on one of its last lines (the signature)."""
        tail = [t for t in self.texts if t.strip()][-4:]
        date = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}")
        return len(self.texts) > 8 and any(len(t) <= 40 and date.search(t) and not re.search(r"星期|时间|来源|发布", t)
                                           for t in tail)

    @cached_property
    def inline_headings(self) -> dict[str, int]:
        """Section headings printed inside a longer line ("……如对本报告有任何疑问……。 一、总体情况 2020年，……"):
        where a copy ran the report together, the section is there though no line starts it."""
        out = {}
        folded = [_normalised(t) for t in self.texts]
        for k, section in enumerate(SECTIONS):
            number = NUMERALS[k]
            titles = [normalise_label(x) for x in (section.title, *section.variants)]
            mark = number + "、"
            for i, t in enumerate(folded):
                if mark in t and self._inline(t, number, titles):
                    out[number] = i
                    break
        return out

    @staticmethod
    def _inline(text: str, number: str, titles: list[str]) -> bool:
        if number + "、" not in text:
            return False
        for m in re.finditer(number + "、", text):
            after = text[m.end():m.end() + 40]
            if any(after.startswith(x[:6]) or fuzz.ratio(x, after[:len(x)]) >= INLINE_HEADING_BAR for x in titles):
                return True
        return False

    @cached_property
    def complete(self) -> bool:
        """Whether the text we hold is the whole report (not a web-page excerpt cut off part-way)."""
        return "六" in self.found or self.signed or "六" in self.inline_headings

    @cached_property
    def converted(self) -> str | None:
        """What converter made this copy ("繁体字" or "拼音注音"), None for a plain copy."""
        from store.parse.script import matching

        text = self.joined
        if matching(text).traditional:
            return "繁体字"
        if len(re.findall(PINYIN_ANNOTATION, text)) >= 3:
            return "拼音注音"
        return None

    @cached_property
    def title_index(self) -> int | None:
        """The line the title ends on (None when no title was found)."""
        from store.parse.metadata import find_title

        title, end = find_title(self.lines)
        return end - 1 if title else None

    @cached_property
    def last_section(self) -> str | None:
        return self.spans[-1].number if self.spans else None

    # ------------------------------------------------------------------ where things are
    def section_number(self, index: int) -> str | None:
        for s in self.spans:
            if s.start <= index < s.end:
                return s.number
        return None

    def section_lines(self, number: str) -> list[int]:
        """Indexes of the lines inside section ``number`` (its heading excluded)."""
        s = self.found.get(number)
        return list(range(s.start + 1, s.end)) if s else []

    def section_text(self, number: str) -> str:
        return "".join(self.texts[i] for i in self.section_lines(number))

    def path(self, index: int) -> str | None:
        """The section path of a line ("二、主动公开政府信息情况 > （二）主动公开的主要类别")."""
        span = next((s for s in self.spans if s.start <= index < s.end), None)
        if span is None:
            return None
        if index == span.start:
            return span.heading
        sub = next((self.texts[i] for i in range(index - 1, span.start, -1)
                    if self.lines[i].kind != "grid" and is_subheading(self.texts[i])), None)
        return f"{span.heading} > {sub}" if sub else span.heading

    def at(self, index: int, start: int | None = None, end: int | None = None) -> Where:
        """The evidence of line ``index``: its line or page, section, and the sentence around
        characters ``start:end`` of its folded text (the whole line when it is short)."""
        ln = self.lines[index]
        return Where(ln.line, ln.page, self.path(index), quote(self.texts[index], start, end))

    def at_cell(self, key: str) -> Where:
        c = self.report.cells.get(key)
        if c is None:
            return Where()
        section = next((SECTIONS[NUMERALS.index(n)] for n, t in (("二", "active"), ("三", "apply"), ("四", "review"))
                        if key.startswith(t) or (t == "review" and key.startswith("suit"))), None)
        heading = None
        if section is not None:
            span = self.found.get(section.number)
            heading = span.heading if span else f"{section.number}、{section.title}"
        return Where(c.line, c.page, heading, (c.row_text or "").replace("\t", " | ")[:EVIDENCE_MAX] or None)

    def line_index(self, number: int | None, page: int | None = None) -> int | None:
        for i, ln in enumerate(self.lines):
            if ln.line == number and (page is None or ln.page == page):
                return i
        return None

    # ------------------------------------------------------------------ findings
    def finding(self, rule_id: str, at: Where | None = None, keys=(), **fields) -> Problem:
        rule = RULES_BY_ID[rule_id]
        at = at or Where()
        return Problem(rule.id, rule.message.format(**fields), list(keys), rule.severity, rule.scope,
                       at.section, at.page, at.line, at.evidence)


_PLAIN = str.maketrans({"\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ",
                       **{chr(0xFF10 + d): str(d) for d in range(10)}})


_NOT_PLAIN = re.compile("[\u00a0\u3000\u2002\u2003\uff10-\uff19]")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def plain(text: str) -> str:
    if _NOT_PLAIN.search(text):  # (translate looks up every character: only where there is one to change)
        text = text.translate(_PLAIN)
    return _BOOKMARK.sub("", text).strip(" \r\n")


def quote(text: str, start: int | None = None, end: int | None = None) -> str:
    """The sentence of ``text`` around ``start:end`` (the whole text when short), tabs shown as |."""
    text = text.replace("\t", " | ").strip()
    if len(text) <= EVIDENCE_MAX or start is None:
        return text[:EVIDENCE_MAX] + ("…" if len(text) > EVIDENCE_MAX else "")
    end = start if end is None else end
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    m = _SENTENCE_END.search(text, end)
    right = m.end() if m else len(text)
    if right - left > EVIDENCE_MAX:  # a long sentence: a window around the match
        left = max(left, start - EVIDENCE_MAX // 2)
        right = min(right, max(end, left + EVIDENCE_MAX))
    out = text[left:right].strip()
    return ("…" if left > 0 and not _SENTENCE_END.match(text[left - 1]) else "") + out + \
        ("…" if right < len(text) and not _SENTENCE_END.match(text[right - 1]) else "")
