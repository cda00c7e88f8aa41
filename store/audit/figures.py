"""Figures: the 勾稽关系 the printed tables break, narrative figures that contradict the table, parts that
do not add up to the total the narrative states, and 现行有效 below what the year's own figures allow.

(The cross-year checks compare two reports: the store runs them, ``store.db``.)"""

from __future__ import annotations

import re

from store.audit.context import Context, Where
from store.checks import _fmt, check_equalities, derived_value, narrative_matches
from store.template import NARRATIVE_FIGURES, cell_spec
from store.template.audit_rules import (AUDIT_NARRATIVE_FIGURES, BREAKDOWN_MIN_SHARE, BREAKDOWN_OPENERS,
                                        BREAKDOWN_UNITS)

# The cell whose printed row shows each 勾稽关系: the total the parts should make.
_SHOWN_BY = {"apply_balance": 0, "apply_results_sum": -1, "apply_row_sum": -1, "review_sum": -1}


def identities(ctx: Context):
    """apply_balance, apply_results_sum, apply_row_sum, review_sum: the printed table breaks its own
    identity (the figures are kept as printed; the finding shows the row)."""
    for p in check_equalities(ctx.report):
        key = p.keys[_SHOWN_BY.get(p.rule, -1)]
        where = ctx.at_cell(key)
        if where.evidence is None:  # e.g. a column check: the row of the first key printed
            where = next((w for w in map(ctx.at_cell, p.keys) if w.evidence), where)
        f = ctx.finding(p.rule, where, p.keys, message=p.message)
        yield f


_FIGURES = NARRATIVE_FIGURES + AUDIT_NARRATIVE_FIGURES
_MAY_RESTATE = re.compile(r"\d|未|没有|无")  # a sentence that restates a figure names one or says there was none


def narrative(ctx: Context):
    """narrative_matches_table: a figure the narrative states differs from the table's."""
    seen = set()
    for i, ln in enumerate(ctx.lines):
        text = ctx.texts[i]
        if ln.kind == "grid" or not _MAY_RESTATE.search(text):
            continue
        for key, figure, m in narrative_matches(text, _FIGURES):
            if cell_spec(key, ctx.version) is None and key != "suit.all.total":
                continue
            table = derived_value(ctx.report.cells, key)
            if table is None or (key, figure) in seen:
                continue
            seen.add((key, figure))
            if abs(table - figure) <= 1e-9:
                continue
            keys = ["suit.direct.total", "suit.after_review.total"] if key == "suit.all.total" else [key]
            message = f"正文称“{m.group(0)}”，但表格中为 {_fmt(table)}"
            if key == "apply.new.total":
                carried = derived_value(ctx.report.cells, "apply.carried.total")
                if carried and abs(table + carried - figure) <= 1e-9:
                    message += "（正文数字等于本年新收与上年结转之和）"
            yield ctx.finding("narrative_matches_table", ctx.at(i, m.start(), m.end()), keys, message=message)


def in_force(ctx: Context):
    """in_force_below_issued: 现行有效 can never be below 本年制发 − 本年废止 (last year's count is ≥ 0)."""
    for row, label in (("rules", "规章"), ("normative", "行政规范性文件")):
        keys = [f"active.{row}.{c}" for c in ("issued", "repealed", "in_force")]
        values = [derived_value(ctx.report.cells, k) for k in keys]
        if None in values:
            continue
        issued, repealed, now = values
        if now < issued - repealed - 1e-9:
            yield ctx.finding("in_force_below_issued", ctx.at_cell(keys[-1]), keys, label=label,
                              issued=_fmt(issued), repealed=_fmt(repealed), in_force=_fmt(now))


# ---------------------------------------------------------------------------- parts vs stated total

_UNITS = "|".join(BREAKDOWN_UNITS)
_AMOUNT = re.compile(r"(?<![\d.])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?P<approx>余|多)?\s*(?P<unit>" + _UNITS + r")"
                     r"(?!\s*[%％])"
                     r"|(?<=数)(?P<bare>\d+)(?=\s*[，,；;。])")  # "主动公开信息数130，": a count printed without its unit
_OPENER = re.compile("|".join(BREAKDOWN_OPENERS))
_GAP = re.compile(r"^[\s,，、:：]*[(（]?$")
_CLOSE = {"(": ")", "（": "）"}


class _Amount:
    """A count in the text: its figure, unit ("" when printed bare) and whether it is approximate."""

    def __init__(self, m):
        self.m = m

    def group(self, name):
        m = self.m
        if name == "n":
            return m.group("n") or m.group("bare")
        if name == "unit":
            return m.group("unit") or ""
        return m.group(name)

    def start(self):
        return self.m.start()

    def end(self):
        return self.m.end()


def _amounts(text: str):
    for m in map(_Amount, _AMOUNT.finditer(text)):
        if text[max(0, m.start() - 1):m.start()] == "占":
            continue
        yield m


def _list_after(text: str, start: int, bracket: str | None) -> tuple[str, int]:
    """The list that follows an opener: to the end of the sentence (or of the bracket it opened),
    without the sub-lists in brackets, up to the next opener (a nested list)."""
    end = len(text)
    if bracket:
        k = text.find(_CLOSE[bracket], start)
        end = k if k >= 0 else end
    else:
        m = re.search(r"[。！？]", text[start:])
        end = start + m.start() if m else end
    body = text[start:end]
    lead = re.match(r"^[\s,，、:：]*(?:" + _OPENER.pattern + r")?[\s,，、:：]*", body).end()
    nested = _OPENER.search(body, lead)
    if nested:
        body = body[:nested.start()]
    body = re.sub(r"[(（][^()（）]*[)）]", lambda m: " " * len(m.group(0)), body)
    return body, end


def breakdowns(text: str):
    """Yield ``(total, parts, counted, end, body)`` for every total followed by a list of its parts: the parts in
    the total's unit up to the first in another, and every count the list gives."""
    for op in _OPENER.finditer(text):
        before = text[:op.start()]
        total = None
        prior = list(_amounts(before))
        bracket = None
        if prior and _GAP.match(before[prior[-1].end():]):
            total = prior[-1]
            gap = before[total.end():].strip(" ,，、:：")
            bracket = gap if gap in _CLOSE else None
        elif re.search(r"。\s*$", before):  # "……共4702条。其中，……"
            sentence_start = max(before.rfind("。", 0, len(before.rstrip()) - 1) + 1, 0)
            in_sentence = [m for m in prior if m.start() >= sentence_start]
            if len(in_sentence) == 1:
                total = in_sentence[0]
        if total is None or total.group("approx"):
            continue
        body, end = _list_after(text, op.end(), bracket)
        counted = list(_amounts(body))
        parts = []
        for m in counted:
            if m.group("unit") not in (total.group("unit"), ""):
                break
            parts.append(m)
        if len(parts) < 2 or any(m.group("approx") for m in counted):
            continue
        yield total, parts, counted, end, body


def parts_vs_total(ctx: Context):
    """parts_vs_total: the parts a sentence lists add up to the total it states."""
    for i, ln in enumerate(ctx.lines):
        if ln.kind == "grid":
            continue
        text = ctx.texts[i]
        for total, parts, counted, end, body in breakdowns(text):
            t = _n(total)
            values = [_n(m) for m in parts]
            if _adds_up(t, parts, body) or _adds_up(t, counted, body):
                continue  # the list adds up (what follows is another list; a part counted in 件 among 条)
            s = sum(values)
            if s < t and s < BREAKDOWN_MIN_SHARE * t:
                continue  # a few examples out of many ("其中……等")
            terms = "+".join(_fmt(v) for v in values)
            yield ctx.finding("parts_vs_total", ctx.at(i, total.start(), end), parts=_fmt(s), total=_fmt(t),
                              unit=total.group("unit"), terms=terms)


def _adds_up(total: int, parts: list, text: str) -> bool:
    """Whether the parts make the total: all of them, or the first ones where a clause ends after them
    ("其中自然人9件、法人1件；已办结8件……" starts another list)."""
    running = 0
    for k, m in enumerate(parts):
        running += _n(m)
        if running == total and (k == len(parts) - 1 or re.search(r"[；;]", text[m.end():parts[k + 1].start()])):
            return True
    return False


def _n(m) -> int:
    return int(m.group("n").replace(",", ""))


RULES = (identities, narrative, in_force, parts_vs_total)

__all__ = ["RULES", "Where", "breakdowns"]
