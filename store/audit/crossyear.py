"""The checks between two years of one agency (上年结转 against last year's 结转下年度, 现行有效 against
last year's plus 制发 minus 废止), with the rows that show them.  The store runs them when a report of
either year arrives; the equalities are ``store.checks.cross_year_problems``."""

from __future__ import annotations

from store.records import Problem
from store.template.audit_rules import RULES_BY_ID


def with_evidence(problems: list[Problem], cells: dict[str, dict], prev_cells: dict[str, dict]) -> list[Problem]:
    """The cross-year problems, each with the row of this year's report that shows it and last year's
    row quoted beside it (``cells``: this year's stored cells by key; ``prev_cells``: last year's)."""
    out = []
    for p in problems:
        key = p.keys[0] if p.keys else None
        cell = cells.get(key) or {}
        rule = RULES_BY_ID.get(p.rule)
        p.scope = rule.scope if rule else "report"
        p.severity = rule.severity if rule else p.severity
        p.line, p.page = cell.get("line"), cell.get("page")
        p.section = _section_of(key)
        prev_key = "apply.carry_forward." + key.rsplit(".", 1)[-1] if key and key.startswith("apply.carried.") else key
        prev = (prev_cells.get(prev_key) or {}).get("row_text")
        here = cell.get("row_text")
        parts = [f"本年：{_row(here)}" if here else None, f"上年：{_row(prev)}" if prev else None]
        p.evidence = "；".join(x for x in parts if x) or None
        out.append(p)
    return out


def _row(text: str) -> str:
    return text.replace("\t", " | ")[:120]


def _section_of(key: str | None) -> str | None:
    if not key:
        return None
    return "二、主动公开政府信息情况" if key.startswith("active.") else "三、收到和处理政府信息公开申请情况"
