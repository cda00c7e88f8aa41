"""Section 四: fifteen figures under a two-level header (复议 5, 直接起诉 5, 复议后起诉 5)."""

from __future__ import annotations

from store.checks import equalities
from store.parse.lines import Line, Tok
from store.parse.table.build import TableResult, printed_trace, record
from store.parse.table.fit import fit
from store.parse.table.labels import normalise_label
from store.parse.table.prepare import prepare
from store.parse.table.rows import ObservedRow
from store.parse.table.settings import SETTINGS, TableSettings
from store.parse.table.solve import resolve
from store.parse.table.trace import RowTrace, TableTrace
from store.records import CellRecord, TableCoverage
from store.template import REVIEW, RESULT_COLUMNS, REVIEW_GROUPS, cell_key
from store.template import leaf_labels as _template_leaf_labels

_ROW_LABELS = tuple(_template_leaf_labels(r) for r in REVIEW.rows)  # 行政复议 / 直接起诉 / 复议后起诉
_LABEL = " ".join(dict.fromkeys(r.group or r.label for r in REVIEW.rows))  # "行政复议 行政诉讼"
KEYS = [f"{g}.{c.key}" for g in REVIEW_GROUPS for c in RESULT_COLUMNS]


def header_printed(lines: list[Line]) -> bool:
    text = normalise_label("".join(ln.text for ln in lines if ln.kind != "narrative"))
    first, *suits = _ROW_LABELS
    upheld = normalise_label(RESULT_COLUMNS[0].variants[0])  # 维持
    return (any(x in text for x in first) and any(x in text for labels in suits for x in labels)
            and upheld in text)


def figure_runs(lines: list[Line]) -> list[list[tuple[Tok, Line]]]:
    """Runs of figures (and explicit empty cells) between labels and narrative."""
    runs: list[list[tuple[Tok, Line]]] = [[]]
    for ln in lines:
        if ln.kind == "narrative":
            runs.append([])
            continue
        for tok in ln.toks:
            if tok.kind == "label":
                if runs[-1]:
                    runs.append([])
            elif tok.kind == "value" or tok.explicit:
                runs[-1].append((tok, ln))
    return [r for r in runs if any(t.kind == "value" for t, _ in r)]


def pick_run(runs):
    run = next((r for r in reversed(runs) if len(r) >= 14), None)
    if run is None:
        # the table printed as two (行政复议 five figures, then 行政诉讼 ten) or three groups of five
        for i in range(len(runs)):
            sizes = [len(r) for r in runs[i:i + 3]]
            if sizes[:2] == [5, 10] or sizes == [5, 5, 5]:
                run = [x for r in runs[i:i + (2 if sizes[:2] == [5, 10] else 3)] for x in r]
    return run


def parse_review_table(lines: list[Line], at_end: bool = False, settings: TableSettings = SETTINGS) -> TableResult:
    """``at_end``: the document ends inside this table's lines (an excerpt cut off): a header with no
    figures under it is then not a table printed empty."""
    layout: list[str] = []
    lines = prepare(lines, settings, layout)
    runs = figure_runs(lines)
    cells: dict[str, CellRecord] = {}
    notes: list[str] = []
    run = pick_run(runs)
    trace = TableTrace(REVIEW.id, REVIEW.title, layout=layout, cut=at_end)
    nums = [ln.line for ln in lines if ln.line is not None]
    if nums:
        trace.first_line, trace.last_line = min(nums), max(nums)
    if run is None:
        status = "uncertain" if runs else "missing"
        if not runs and not at_end and header_printed(lines):
            # the table is there with no figure: its cells are empty when they are shown as empty cells
            # (a grid, a line holding a tab); with nothing shown at all they may be empty or lost
            shown = sum(1 for ln in lines if ln.kind != "narrative" for t in ln.toks if t.kind == "blank" and t.explicit)
            status = "blank" if shown >= len(KEYS) else "uncertain"
        for k in KEYS:
            cells[k] = CellRecord(k, None, None, status)
        if runs:
            notes.append("行政复议、行政诉讼表的数字个数不足，未能对位（标记为 uncertain）")
        how = {"blank": "label", "uncertain": "not placed", "missing": "not found"}[status]
        matched = len(REVIEW.rows) if status == "blank" else 0
        return _done(cells, notes, trace, how, "empty" if status == "blank" else "", None, matched)
    printed_lines = list({id(ln): ln for _, ln in run}.values())
    row = ObservedRow(_LABEL, [t for t, _ in run], "cell", printed_lines)
    trace.printed = printed_trace([row])
    trace.printed[0].matched = _LABEL
    hyps, how = fit(row, 15, settings)
    if how == "exact":
        for k, tok in zip(KEYS, hyps[0]):
            cells[k] = record(k, tok, row)
        return _done(cells, notes, trace, "label", how, 0, len(REVIEW.rows))
    eqs = tuple(e for e in equalities("2021") if e.rule == "review_sum")
    solved = resolve({}, [[dict(zip(KEYS, h)) for h in hyps]], eqs, settings) if hyps else None
    if solved:
        for k in KEYS:
            tok, value = solved[k]
            cells[k] = record(k, tok, row, "inferred", value) if tok is None else record(k, tok, row)
            if tok is not None and cells[k].status == "number":
                cells[k].status = "inferred"
        notes.append("行政复议、行政诉讼表印出的数字个数与表头不符，已按勾稽关系确定（标记为 inferred）")
        how += " → 勾稽关系"
    else:
        for k in KEYS:
            cells[k] = CellRecord(k, None, None, "uncertain", *row.location, row.text)
        notes.append("行政复议、行政诉讼表印出的数字个数与表头不符，无法可靠对位（标记为 uncertain）")
    return _done(cells, notes, trace, "label", how, 0, len(REVIEW.rows))


def _done(cells, notes, trace: TableTrace, how: str, fit_how: str, printed: int | None, matched: int) -> TableResult:
    for r in REVIEW.rows:
        keys = [cell_key(REVIEW, r, c) for c in RESULT_COLUMNS]
        label = f"{r.group}·{r.label}" if r.group else r.label
        trace.rows.append(RowTrace(label, how, None, printed, fit_how,
                                   [(k, cells[k].status, cells[k].raw or "") for k in keys]))
    trace.notes = notes
    return TableResult(cells, notes, TableCoverage(REVIEW.id, len(REVIEW.rows), matched, False), trace)
