"""Compute an asked-for figure from stored cells: a cell, a sum over rows, a ratio, a narrative fact.

Nothing here invents a number: a blank cell stays "报告未填写", a printed "/" stays "/", a
cell that could not be read reliably gives no figure, and a sum or ratio needs every part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.metrics import MetricQuery, metric_label, metric_unit, sum_parts
from store.template import DERIVED_RATIOS, DERIVED_SUMS, NARRATIVE_FACTS

FIGURE_STATUSES = ("number", "inferred")


@dataclass
class Figure:
    value: float | int | None
    status: str  # number | inferred | blank | na | uncertain | missing | partial | zero_division | not_stated
    key: str
    label: str
    unit: str
    cells: list[dict] = field(default_factory=list)  # the cells it came from
    passage: dict | None = None  # narrative facts: the passage it was read from
    approx: bool = False  # "186余条"
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


def compute(query: MetricQuery, version: str, cells: dict[str, dict], passages: list[dict] | None = None) -> Figure:
    """The figure ``query`` asks for in one report (``cells``: key -> stored cell row)."""
    key = query.key(version)
    label = metric_label(query, version)
    unit = metric_unit(query, version)
    if query.kind == "narrative":
        return narrative_fact(query.prefix, passages or [], label, unit)
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


def narrative_fact(name: str, passages: list[dict], label: str, unit: str) -> Figure:
    """A figure that lives only in the text (主动公开信息89条), with the passage it came from."""
    pattern = next(p for n, _, p, _ in NARRATIVE_FACTS if n == name)
    rx = re.compile(pattern)
    for p in passages:
        m = rx.search(p["text"])
        if m:
            fig = Figure(_number(int(m.group("n").replace(",", ""))), "number", f"narrative:{name}", label, unit, passage=p)
            fig.approx = bool(m.groupdict().get("approx"))
            fig.note = m.group(0)
            return fig
    return Figure(None, "not_stated", f"narrative:{name}", label, unit)
