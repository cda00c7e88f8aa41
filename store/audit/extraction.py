"""Our reading, kept apart from the report's own faults: what the reader and the table parser could not
read, a copy cut off part-way, a copy made by a spam mirror or a character converter."""

from __future__ import annotations

import re

from store.audit.context import NUMERALS, Context
from store.template import TABLES, cell_spec, normalise_label
from store.template.audit_rules import RULES_BY_ID, SPAM_WORDS

# The parser's own notes (reader, table_layout, table_partial, no_tables, table_missing) are findings of this kind.
PARSER_RULES = ("reader", "table_layout", "table_partial", "no_tables", "table_missing")


def parser_notes(ctx: Context):
    """What the reader and the parser said they could not read, with the section it concerns."""
    for p in ctx.report.problems:
        if p.rule not in PARSER_RULES:
            continue
        rule = RULES_BY_ID[p.rule]
        p.severity, p.scope = rule.severity, rule.scope
        if p.line is None and p.page is None:
            at = _row_named(ctx, p.message)
            if at is not None:
                p.section, p.page, p.line, p.evidence = at.section, at.page, at.line, at.evidence
        yield p


def _row_named(ctx: Context, message: str):
    """The printed row a parser note names (“（七）总计”一行……)."""
    m = re.match(r"^“(.+?)”一行", message)
    if not m:
        return None
    label = normalise_label(m.group(1))
    for i, ln in enumerate(ctx.lines):
        if ln.kind != "narrative" and label and label in normalise_label(ctx.texts[i]):
            return ctx.at(i)
    return None


def cells_unread(ctx: Context):
    """cells_unread: printed figures that could not be placed (no value stored, checks not made)."""
    for table in TABLES:
        keys = [k for k, c in ctx.report.cells.items() if c.status == "uncertain"
                and (cell_spec(k) and cell_spec(k).table == table.id)]
        if not keys:
            continue
        rows = list(dict.fromkeys(cell_spec(k).row.label for k in keys))
        shown = "、".join(rows[:4]) + ("等" if len(rows) > 4 else "")
        yield ctx.finding("cells_unread", ctx.at_cell(keys[0]), keys, section=table.section, count=len(keys),
                          rows=shown)


def truncated(ctx: Context):
    """text_truncated: the copy ends before the report does (a web-page excerpt)."""
    if ctx.complete or ctx.last_text_index < 0:
        return
    i = ctx.last_text_index
    where = f"第{ctx.last_section}部分" if ctx.last_section else "报告开头部分"
    if ctx.last_section and ctx.last_section not in NUMERALS:
        where = "报告中"
    yield ctx.finding("text_truncated", ctx.at(i), where=where)


def spam(ctx: Context):
    """copy_spam: words a gambling-spam mirror injected."""
    whole = "\n".join(ctx.texts)
    for word in SPAM_WORDS:
        k = whole.find(word)
        if k >= 0:
            i = whole.count("\n", 0, k)
            start = k - (whole.rfind("\n", 0, k) + 1)
            yield ctx.finding("copy_spam", ctx.at(i, start, start + len(word)), printed=word)


def converted(ctx: Context):
    """copy_converted: a traditional-character or pinyin-annotated copy (its characters are the
    converter's, so the text rules do not judge them)."""
    if ctx.converted:
        yield ctx.finding("copy_converted", what=ctx.converted)


RULES = (parser_notes, cells_unread, truncated, spam, converted)
