"""Compute an asked-for figure from stored cells: a cell, a sum over rows, a ratio, a stated fact.

Nothing here invents a number: a blank cell stays "报告未填写", a printed "/" stays "/", a
cell that could not be read reliably gives no figure, and a sum or ratio needs every part.
A figure the narrative states comes from the report's facts (:mod:`bot.facts`) with the sentence
that states it; a fact about something else is never given as the figure asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot import facts as stated
from bot.metrics import MetricQuery, metric_label, metric_unit, sum_parts
from store.template import DERIVED_RATIOS, DERIVED_SUMS

FIGURE_STATUSES = ("number", "inferred")


@dataclass
class Figure:
    value: float | int | None
    status: str  # number | inferred | blank | na | uncertain | missing | partial | zero_division | not_stated
    key: str
    label: str
    unit: str
    cells: list[dict] = field(default_factory=list)  # the cells it came from
    passage: dict | None = None  # stated facts: where it was read (section, page or line, the sentence)
    approx: bool = False  # "186余条"
    closest: dict | None = None  # no fact states it: the nearest one, which is not the figure asked for
    warning: str = ""  # said with the figure (a table figure answered from the text)
    note: str = ""
    formula: str = ""  # derived figures: how it is computed
    alternatives: tuple = ()  # contradicted: the figures the report gives for it (table, text)

    @property
    def has_value(self) -> bool:
        return self.value is not None


def keys_needed(query: MetricQuery, version: str) -> tuple[str, ...]:
    if query.kind == "cell":
        return (query.key(version),)
    if query.kind == "sum":
        return sum_parts(query, version)
    if query.kind == "ratio":
        return next(d.parts for d in DERIVED_RATIOS if d.key == query.prefix)
    return ()


def _number(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def compute(query: MetricQuery, version: str, cells: dict[str, dict],
            facts: list[dict] | Callable[[], list[dict]] | None = None) -> Figure:
    """The figure ``query`` asks for in one report (``cells``: key -> stored cell row; ``facts``: the
    figures its narrative states, or a function that reads them when they are needed — for narrative
    queries, and for table queries that carry the question's words)."""
    def stated_facts() -> list[dict]:
        return (facts() if callable(facts) else facts) or []

    if query.kind == "narrative":
        return stated_figure(query.prefix, stated_facts())
    table = table_figure(query, version, cells)
    if not query.narrative or facts is None:
        return table
    if query.order == "table" and table.has_value:
        return table
    fact = stated_figure(query.narrative, stated_facts())
    if fact.has_value and query.order == "table":
        fact.warning = f"表格中没有读到“{table.label}”，以上数字是报告正文的说法"
    if fact.has_value or query.order == "facts_only":
        return fact
    return table


def table_figure(query: MetricQuery, version: str, cells: dict[str, dict]) -> Figure:
    """The figure a table query asks for, from the stored cells."""
    key = query.key(version)
    label = metric_label(query, version)
    unit = metric_unit(query, version)
    needed = keys_needed(query, version)
    got = [cells.get(k) for k in needed]
    fig = Figure(None, "missing", key, label, unit, [c for c in got if c], formula=_formula(query, version))
    if any(c is None for c in got):
        return fig
    statuses = {c["status"] for c in got}
    if query.kind == "cell":
        c = got[0]
        fig.status = c["status"]
        fig.value = _number(c["value"]) if c["status"] in FIGURE_STATUSES else None
        return fig
    if statuses <= set(FIGURE_STATUSES):
        values = [c["value"] for c in got]
        if query.kind == "sum":
            fig.value = _number(sum(values))
            fig.status = "inferred" if "inferred" in statuses else "number"
            return fig
        # ratio: numerator parts / the last part
        den = values[-1]
        num = sum(values[:-1])
        if not den:
            fig.status = "zero_division"
            fig.note = "分母为0，无法计算"
            return fig
        fig.value = round(num / den * 100, 1)
        fig.status = "number"
        return fig
    if statuses <= {"blank"}:
        fig.status = "blank"
    elif "uncertain" in statuses or "missing" in statuses:
        fig.status = "uncertain"
    else:
        fig.status = "partial"
        fig.note = "部分组成项未填写或填写为“/”，不能合计"
    return fig


def _formula(query: MetricQuery, version: str) -> str:
    if query.kind == "ratio":
        return next(d.formula for d in DERIVED_RATIOS if d.key == query.prefix)
    if query.kind == "sum" and len(keys_needed(query, version)) > 1:
        return next(d.formula for d in DERIVED_SUMS if d.key == query.prefix)
    return ""


def stated_figure(question: str, facts: list[dict]) -> Figure:
    """The figure the narrative states for ``question`` (its words without agency and years), with the
    sentence; when no fact states it, no figure — and the closest fact, said to be something else."""
    found = stated.match(question, facts)
    if found.fact is not None:
        f = found.fact
        unit = f["unit"] or stated.counting_unit(question)  # "未收到…申请" asked in 件: 0件
        label = stated.label_of(f, question)
        return Figure(_number(stated.value_of(f, question)), "number", f"narrative:{label}", label, unit, passage=_passage(f), approx=bool(f["approx"]), note=f["raw"])
    fig = Figure(None, "not_stated", f"narrative:{question.strip()}", question.strip(), "")
    if found.closest is not None:
        fig.closest = found.closest
        fig.passage = _passage(found.closest)
        fig.note = found.reason
    return fig


QUOTE_CHARS = 140  # a longer sentence is quoted around its figure


def _passage(fact: dict) -> dict:
    """A fact's place in the report, shaped as a stored passage (the sentence, around the figure, as its text)."""
    text = fact.get("sentence") or fact.get("raw") or ""
    at = text.find(fact.get("raw") or "\0")
    if len(text) > QUOTE_CHARS and at >= 0:
        start = max(0, min(at - QUOTE_CHARS // 2, len(text) - QUOTE_CHARS))
        text = ("…" if start else "") + text[start:start + QUOTE_CHARS] + ("…" if start + QUOTE_CHARS < len(text) else "")
    return {"section": fact.get("section"), "page": fact.get("page"), "line": fact.get("line"),
            "seq": fact.get("seq"), "text": text}
