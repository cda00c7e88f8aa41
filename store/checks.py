"""Consistency checks (勾稽关系) as data, and the code that runs them.

The same equalities serve twice: the parser uses them to recover a cell a
printed row lost, and :func:`check_report` reports every one that fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from store.numbers import figure_text
from store.records import ParsedReport, Problem
from store.template import (APPLICANT_COLUMNS, APPLICANT_PARTS, APPLY, NARRATIVE_FIGURES, RESULT_PARTS,
                            REVIEW_GROUPS, cell_spec)


@dataclass(frozen=True)
class Equality:
    """``sum(left) == sum(right)`` over cell keys."""

    rule: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    message: str  # Chinese, formatted with {left} and {right}

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right


def _result_rows(version: str) -> tuple[str, ...]:
    skip = {"new", "carried", "total", "carry_forward"}
    return tuple(r.key for r in APPLY.rows_for(version) if r.key not in skip)


@lru_cache(maxsize=None)
def equalities(version: str) -> tuple[Equality, ...]:
    """Every 勾稽关系 of template ``version`` that holds inside one report."""
    out = []
    for col in APPLICANT_COLUMNS:
        c = col.key
        out.append(Equality(
            "apply_balance", (f"apply.new.{c}", f"apply.carried.{c}"), (f"apply.total.{c}", f"apply.carry_forward.{c}"),
            f"（{col.label}列）本年新收 + 上年结转 = {{left}}，但（七）总计 + 结转下年度 = {{right}}"))
        out.append(Equality(
            "apply_results_sum", tuple(f"apply.{r}.{c}" for r in _result_rows(version)), (f"apply.total.{c}",),
            f"（{col.label}列）各项办理结果之和为 {{left}}，但（七）总计为 {{right}}"))
    for row in APPLY.rows_for(version):
        out.append(Equality(
            "apply_row_sum", tuple(f"apply.{row.key}.{c}" for c in APPLICANT_PARTS), (f"apply.{row.key}.total",),
            f"“{row.label}”一行六类申请人之和为 {{left}}，但总计为 {{right}}"))
    for group in REVIEW_GROUPS:
        label = cell_spec(f"{group}.total").label.rsplit("：", 1)[0]
        out.append(Equality(
            "review_sum", tuple(f"{group}.{c}" for c in RESULT_PARTS), (f"{group}.total",),
            f"{label}：维持、纠正、其他结果、尚未审结之和为 {{left}}，但总计为 {{right}}"))
    return tuple(out)


def _num(report_cells, key):
    c = report_cells.get(key)
    if c is None or c.value is None or c.status not in ("number", "inferred"):
        return None
    return c.value


def _fmt(x) -> str:
    return figure_text(x)


def check_report(report: ParsedReport) -> list[Problem]:
    """The problems found inside one report (cross-year checks live in the store)."""
    return check_equalities(report) + check_narrative(report)


def check_equalities(report: ParsedReport) -> list[Problem]:
    """Every 勾稽关系 the printed tables break (the figures kept as printed)."""
    problems: list[Problem] = []
    version = report.meta.template or "2021"
    for eq in equalities(version):
        left = [_num(report.cells, k) for k in eq.left]
        right = [_num(report.cells, k) for k in eq.right]
        if any(v is None for v in left + right):
            continue
        sl, sr = sum(left), sum(right)
        if abs(sl - sr) > 1e-9:
            problems.append(Problem(eq.rule, eq.message.format(left=_fmt(sl), right=_fmt(sr)), list(eq.keys)))
    return problems


def derived_value(cells, key: str):
    """Figures the narrative restates that are not a single cell."""
    if key == "suit.all.total":
        a, b = _num(cells, "suit.direct.total"), _num(cells, "suit.after_review.total")
        return None if a is None or b is None else a + b
    return _num(cells, key)


def narrative_figures(text: str, figures=NARRATIVE_FIGURES):
    """Yield ``(key, figure, sentence)`` for every sentence that restates a table figure."""
    for key, figure, m in narrative_matches(text, figures):
        yield key, figure, m.group(0)


def narrative_matches(text: str, figures=NARRATIVE_FIGURES):
    """Yield ``(key, figure, match)`` for every phrase of ``text`` that restates a table figure."""
    compiled, anywhere = _compiled_once(figures)
    if anywhere is not None and not anywhere.search(text):
        return  # (one search instead of one per pattern: most lines restate no figure)
    for key, pattern in compiled:
        for m in pattern.finditer(text):
            n = m.groupdict().get("n")
            yield key, (int(n) if n is not None else 0), m


_LAST: list = [(None, None)]  # the figures asked for last with their patterns (callers pass the same tuple)


def _compiled_once(figures) -> tuple:
    """:func:`_compiled` for the tuple of figures asked for last without hashing it again (hashing a
    tuple hashes every figure in it)."""
    last, compiled = _LAST[0]
    if last is not figures:
        compiled = _compiled(figures)
        _LAST[0] = (figures, compiled)
    return compiled


@lru_cache(maxsize=8)
def _compiled(figures) -> tuple:
    """Each figure's patterns compiled, and one pattern that matches where any of them does (their
    named groups made plain; None where a pattern refers back to a group)."""
    import re

    compiled = tuple((fig.key, re.compile(p)) for fig in figures for p in fig.patterns)
    patterns = [p.pattern for _, p in compiled]
    if not patterns or any(re.search(r"\\\d|\(\?P=", p) for p in patterns):
        return compiled, None
    try:
        return compiled, re.compile("|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", p) + ")" for p in patterns))
    except re.error:  # (an inline flag, say, that only one pattern may carry)
        return compiled, None


def check_narrative(report: ParsedReport) -> list[Problem]:
    problems = []
    seen = set()
    for p in report.passages:
        for key, figure, phrase in narrative_figures(p.text):
            table = derived_value(report.cells, key)
            if table is None or (key, figure) in seen:
                continue
            seen.add((key, figure))
            if abs(table - figure) > 1e-9:
                keys = ["suit.direct.total", "suit.after_review.total"] if key == "suit.all.total" else [key]
                problems.append(Problem(
                    "narrative_matches_table",
                    f"正文称“{phrase}”，但表格中为 {_fmt(table)}", keys, "warning"))
    return problems


def cross_year_problems(prev: dict, cur: dict, prev_year: int) -> list[Problem]:
    """Checks between an agency's report for ``prev_year`` (``prev``) and the next one (``cur``).

    ``prev`` and ``cur`` map cell keys to values (figures only).
    """
    problems = []
    for col in APPLICANT_COLUMNS:
        a, b = prev.get(f"apply.carry_forward.{col.key}"), cur.get(f"apply.carried.{col.key}")
        if a is not None and b is not None and abs(a - b) > 1e-9:
            problems.append(Problem(
                "cross_year_carried",
                f"（{col.label}列）上年结转为 {_fmt(b)}，但{prev_year}年报告的结转下年度继续办理为 {_fmt(a)}",
                [f"apply.carried.{col.key}"], "warning"))
    for row, label in (("rules", "规章"), ("normative", "行政规范性文件")):
        p, i, r, c = (prev.get(f"active.{row}.in_force"), cur.get(f"active.{row}.issued"),
                      cur.get(f"active.{row}.repealed"), cur.get(f"active.{row}.in_force"))
        if None in (p, i, r, c):
            continue
        if abs(p + i - r - c) > 1e-9:
            problems.append(Problem(
                "cross_year_in_force",
                f"{label}现行有效件数为 {_fmt(c)}，但按{prev_year}年的 {_fmt(p)} + 本年制发 {_fmt(i)} − 本年废止 {_fmt(r)} "
                f"应为 {_fmt(p + i - r)}",
                [f"active.{row}.in_force", f"active.{row}.issued", f"active.{row}.repealed"], "warning"))
    return problems
