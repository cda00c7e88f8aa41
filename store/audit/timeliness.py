"""Timeliness: the report's date against the statutory deadline (published by 31 January of the
following year) and against the end of the year it reports on — where a date is printed."""

from __future__ import annotations

import re
from datetime import date

from store.audit.context import Context
from store.template.audit_rules import DEADLINE_DAY, DEADLINE_MONTH

_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
                   r"|[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2})(?!\d))")
_PUBLISHED = re.compile(r"(?:发布|发文|公开|成文|印发)?(?:时间|日期)\s*[:：]")
_ISSUED = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*印发"
                     r"(?P<m2>)?(?P<d2>)?")
TAIL_CHARS = 80  # the signature block of a copy run into one line
TAIL_LINES = 8  # the signature block: the last lines of the report
HEAD_LINES = 12  # the page header: publication time


def _date(m) -> date | None:
    try:
        return date(int(m.group("y")), int(m.group("m") or m.group("m2")), int(m.group("d") or m.group("d2")))
    except ValueError:
        return None


def printed_dates(ctx: Context):
    """Yield ``(line index, match, what)`` for the report's own dates: the signature block at the end
    (落款, 印发) and a publication time in the page header."""
    tail = [i for i, t in enumerate(ctx.texts) if t.strip()][-TAIL_LINES:] if ctx.complete else []
    for i in tail:
        text = ctx.texts[i]
        if len(text) > 40 or re.search(r"星期|统计|起|至|施行|截止|截至", text):
            continue  # a page widget, a period or a rule's date: not the report's
        for m in _DATE.finditer(text):
            yield i, m, "印发日期" if "印发" in text else "落款日期"
    last = ctx.last_text_index
    if ctx.complete and last >= 0 and len(ctx.texts[last]) > 40:  # a copy run into one line: its last words
        text = ctx.texts[last]
        for m in _ISSUED.finditer(text, max(0, len(text) - TAIL_CHARS)):
            yield last, m, "印发日期"
    head = [i for i, t in enumerate(ctx.texts) if t.strip()][:HEAD_LINES]
    for i in head:
        text = ctx.texts[i]
        p = _PUBLISHED.search(text)
        if not p or "星期" in text:
            continue
        m = _DATE.search(text, p.end())
        if m and m.start() - p.end() <= 3:
            yield i, m, "网页所示发布时间"


def deadline(ctx: Context):
    """late_report / date_before_period_end: each printed date against 31 January of the next year and
    against the end of the year reported on."""
    if ctx.year is None:
        return
    due = date(ctx.year + 1, DEADLINE_MONTH, DEADLINE_DAY)
    end = date(ctx.year, 12, 31)
    seen = set()
    for i, m, what in printed_dates(ctx):
        d = _date(m)
        if d is None or (what, d) in seen:
            continue
        seen.add((what, d))
        shown = f"{d.year}年{d.month}月{d.day}日"
        if d <= end:
            yield ctx.finding("date_before_period_end", ctx.at(i, m.start(), m.end()), what=what, date=shown,
                              year=ctx.year)
        elif d > due:
            yield ctx.finding("late_report", ctx.at(i, m.start(), m.end()), what=what, date=shown,
                              deadline=f"{due.year}年{due.month}月{due.day}日")


RULES = (deadline,)
