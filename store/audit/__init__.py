"""The report audit: what a third-party assessor (第三方评估) finds wrong with a report, each finding with
the rule it breaks and the line or page that shows it.

:func:`audit_report` is pure: a parsed report with its lines and sections in, findings out
(:class:`~store.records.Problem` with ``scope``, ``line``/``page``, ``section`` and ``evidence``).
The rules are small functions grouped by what they look at — :mod:`.structure` (sections, numbering,
tables, template version, statistics period), :mod:`.figures` (勾稽关系, narrative vs table, parts vs
total), :mod:`.text` (duplicated words, years, typos of the template's words, the agency's name, sections
五 and 六), :mod:`.timeliness` (the statutory deadline) — and :mod:`.extraction` for what concerns our copy
or our reading, never held against the agency.  Rule ids, severities, messages and word lists are data:
``store.template.audit_rules``.  The checks that compare two years of one agency run in the store
(:mod:`.crossyear`).
"""

from __future__ import annotations

from store.audit import extraction, figures, structure, text, timeliness
from store.audit.context import Context
from store.parse.lines import Line
from store.parse.sections import SectionSpan
from store.records import ParsedReport, Problem
from store.template.audit_rules import SEVERITY_ORDER

RULE_FUNCTIONS = structure.RULES + figures.RULES + text.RULES + timeliness.RULES + extraction.RULES


def audit_report(report: ParsedReport, lines: list[Line], spans: list[SectionSpan]) -> list[Problem]:
    """Every finding on one report: the report's own first (errors, warnings, notes), then ours."""
    ctx = Context(report, lines, spans)
    found: list[Problem] = []
    for rule in RULE_FUNCTIONS:
        found.extend(rule(ctx))
    return sort_findings(found)


def sort_findings(found: list[Problem]) -> list[Problem]:
    order = {id(p): k for k, p in enumerate(found)}
    return sorted(found, key=lambda p: (p.scope != "report", SEVERITY_ORDER.get(p.severity, 3),
                                        p.line if p.line is not None else (p.page or 0), order[id(p)]))


__all__ = ["audit_report", "sort_findings", "RULE_FUNCTIONS", "Context"]
