"""Section 二 and 三: lines in, one record per template cell out (with notes, coverage and a trace).

The steps, each a pure function of its own module: :mod:`~.prepare` (spacing and labels in context),
:mod:`~.assemble` (rows), :mod:`~.align` (which printed row is which template row), :mod:`~.fit`
(values to columns), :mod:`~.solve` (rows that lost cells, with the 勾稽关系).  This module turns
their results into records under the rules of the statuses:

* ``blank`` only where a matched row showed that cell empty;
* a template row that was not found is ``missing`` — ``uncertain`` when figures were printed
  around its place that no row could take;
* a matched row whose figures could not be placed is ``uncertain`` — so is a row printed as its label
  alone, with not even an empty cell after it (empty or lost: the layout cannot tell);
* a row cut off by the end of the document keeps the cells it shows (they are its first ones), the
  rest are ``missing``, as are the rows after the cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from store.checks import equalities
from store.numbers import figure_text
from store.parse.lines import Line, Tok, fold
from store.parse.table.align import Pair, align, ambiguous, unplaced_figures
from store.parse.table.assemble import assemble_rows
from store.parse.table.fit import fit, leading
from store.parse.table.labels import labels_for
from store.parse.table.prepare import prepare
from store.parse.table.rows import ObservedRow
from store.parse.table.separated import regroup
from store.parse.table.settings import SETTINGS, TableSettings
from store.parse.table.solve import resolve, table_consistent
from store.parse.table.trace import PrintedRowTrace, RowTrace, TableTrace
from store.records import CellRecord, TableCoverage
from store.template import Table, cell_key, cell_spec
from store.template.cell_text import COUNT_UNITS


@dataclass
class TableResult:
    cells: dict[str, CellRecord]
    notes: list[str]
    coverage: TableCoverage
    trace: TableTrace = field(repr=False, default=None)


_KEYS: dict[tuple[str, str], list[str]] = {}


def row_keys(table: Table, row) -> list[str]:
    """The cell keys of a template row, in column order (worked out once per row)."""
    got = _KEYS.get((table.id, row.key))
    if got is None:
        got = _KEYS[(table.id, row.key)] = [cell_key(table, row, c) for c in row.columns]
    return list(got)


def record(key: str, tok: Tok | None, row: ObservedRow, status: str | None = None, value=None) -> CellRecord:
    """The record of one cell placed from a printed token (None: a cell the row does not show)."""
    return _record(key, tok, row.location, row.text, status, value)


def _record(key: str, tok: Tok | None, location: tuple, text: str, status: str | None = None,
            value=None) -> CellRecord:
    page, line = location
    if tok is None:
        return CellRecord(key, value, None, status or "uncertain", page, line, text)
    page, line = tok.page if tok.page is not None else page, tok.line if tok.line is not None else line
    raw = fold(tok.text) if tok.kind != "blank" else None
    if status:
        return CellRecord(key, value if status == "inferred" else None, raw, status, page, line, text)
    if tok.kind == "blank":
        return CellRecord(key, None, None, "blank", page, line, text)
    if tok.kind == "label":  # words where a figure belongs: printed, but not a figure
        return CellRecord(key, None, raw, "uncertain", page, line, text)
    if tok.na:
        return CellRecord(key, None, raw, "na", page, line, text)
    return CellRecord(key, tok.value, raw, "number", page, line, text)


def printed_trace(observed: list[ObservedRow]) -> list[PrintedRowTrace]:
    out = []
    for i, o in enumerate(observed):
        cells = ["" if t.kind == "blank" else fold(t.text) for t in o.cells]
        page, line = o.location
        out.append(PrintedRowTrace(i, o.label, o.layout, cells, line, page, cut=o.cut))
    return out


def parse_row_table(table: Table, version: str, lines: list[Line], at_end: bool = False,
                    settings: TableSettings = SETTINGS, open_end: bool = False) -> TableResult:
    """Section 二 or 三.  ``at_end``: the document ends inside this table's lines (an excerpt cut off);
    ``open_end``: with not even a line break after its last characters (its last figure may be cut)."""
    labels = labels_for(table, version, settings)
    rows = labels.rows
    layout: list[str] = []
    observed = assemble_rows(prepare(lines, settings, layout, labels), labels)
    if at_end and observed:
        mark_cut(observed, lines)
    pairs = align(observed, labels)
    eqs = equalities(version) if table.id == "apply" else ()

    def verify(placed: dict[int, list[Tok]]) -> bool:
        values = {k: (t.value if t.kind == "value" and not t.na else None)
                  for j, toks in placed.items() for k, t in zip(row_keys(table, rows[j]), toks)}
        return table_consistent(values, eqs)

    observed, notes = regroup(observed, pairs, labels, verify)
    doubtful = ambiguous(pairs, rows, observed, labels)
    trace = TableTrace(table.id, table.title, *_span(lines), printed_trace(observed), layout=layout, cut=at_end)
    cells: dict[str, CellRecord] = {}
    for j in doubtful:
        if j in pairs:
            obs = observed[pairs.pop(j).observed]
            notes.append(f"“{obs.label}”一行的标签与“{rows[j].label}”等多行相近，无法确定属于哪一行（标记为 uncertain）")
    for j, p in pairs.items():
        trace.printed[p.observed].matched = rows[j].label
    cut_at = next((j for j, p in sorted(pairs.items()) if observed[p.observed].cut), None)
    if cut_at is None and at_end:
        # the document ends after the last row matched (or in a row not matched): later rows are not printed
        cut_at = max(pairs, default=-1)
    fixed: dict[str, float | None] = {}
    pending: list[tuple[int, ObservedRow, list]] = []
    row_traces: list[RowTrace] = []
    for j, row in enumerate(rows):
        keys = row_keys(table, row)
        rt = RowTrace(row.label, "not found")
        row_traces.append(rt)
        if j not in pairs:
            status = "missing"
            if j in doubtful:
                status, rt.how = "uncertain", "ambiguous"
            elif pairs and unplaced_figures(j, pairs, observed):
                status = "uncertain"  # figures were printed around here that no row could take
                rt.how = "not found (figures nearby not placed)"
            elif cut_at is not None and j > cut_at:
                rt.how = "after the cut"
            for k in keys:
                cells[k] = CellRecord(k, None, None, status)
            continue
        p = pairs[j]
        obs = observed[p.observed]
        rt.how, rt.score, rt.printed = p.how, p.score, p.observed
        placed, hyps, rt.fit, note = place_row(row, keys, obs, settings, open_end)
        if note:
            notes.append(note)
        if placed is None:
            pending.append((j, obs, hyps))
            continue
        cells.update(placed)
        fixed.update({k: c.value if c.status == "number" else None for k, c in placed.items()})
    _solve_pending(table, version, rows, pending, fixed, cells, notes, row_traces, settings)
    matched = len(pairs)
    for rt, row in zip(row_traces, rows):
        rt.cells = [(k, cells[k].status, _shown(cells[k])) for k in row_keys(table, row)]
    trace.rows, trace.notes = row_traces, notes
    coverage = TableCoverage(table.id, len(rows), matched, at_end)
    return TableResult(cells, notes, coverage, trace)


def place_row(row, keys: list[str], obs: ObservedRow, settings: TableSettings, open_end: bool
              ) -> tuple[dict[str, CellRecord] | None, list, str, str]:
    """The cells of one matched row: (records, None, how, note), or (None, placements, how, note) when
    the row's figures can be placed only together with other rows, by the 勾稽关系."""
    missing = lambda k: CellRecord(k, None, None, "missing", *obs.location, obs.text)  # noqa: E731
    if not obs.cells:
        # the label is printed with nothing after it, not even an empty cell: the cells may have been
        # left empty or lost on the way (a layout that shows no empty cells cannot tell)
        if obs.cut:
            return {k: missing(k) for k in keys}, None, "cut", ""
        return ({k: CellRecord(k, None, None, "uncertain", *obs.location, obs.text) for k in keys}, None,
                "no cells shown", f"“{row.label}”一行只印出标签、没有任何单元格（空白或丢失无法区分，标记为 uncertain）")
    open_last = False
    if obs.cut:
        obs, open_last = uncut(obs, open_end)
    hyps, how = fit(obs, len(keys), settings)
    if how == "exact":
        location, text = obs.location, obs.text
        out = {k: _record(k, tok, location, text) for k, tok in zip(keys, hyps[0])}
        if open_last and not whole_at_end(hyps[0][-1], keys[-1]):
            out[keys[-1]] = missing(keys[-1])  # the document ends inside this figure, perhaps
        return out, None, how, ""
    if obs.cut and how == "lost":
        shown = leading(obs, len(keys))
        if open_last and shown and not whole_at_end(shown[-1], keys[len(shown) - 1]):
            shown = shown[:-1]  # the document ends inside this figure, perhaps: "265" of "2650"
        out = {k: record(k, shown[n], obs) if n < len(shown) else missing(k) for n, k in enumerate(keys)}
        return out, None, "cut", f"“{row.label}”一行在文件结尾处截断，只印出 {len(shown)} 个数字，其余标记为 missing"
    return None, hyps, how, ""


def _solve_pending(table, version, rows, pending, fixed, cells, notes, row_traces, settings) -> None:
    """Rows that lost cells (or show too many) are placed together: the 勾稽关系 tie them to each other."""
    eqs = equalities(version) if table.id == "apply" else ()
    solved = None
    if pending and eqs and all(hyps for _, _, hyps in pending):
        choices = [[dict(zip(row_keys(table, rows[j]), h)) for h in hyps] for j, _, hyps in pending]
        solved = resolve(fixed, choices, eqs, settings)
    for j, obs, hyps in pending:
        row = rows[j]
        keys = row_keys(table, row)
        if solved:
            for k in keys:
                tok, value = solved[k]
                if tok is None:
                    cells[k] = record(k, None, obs, "inferred", value)
                else:
                    cells[k] = record(k, tok, obs)
                    if cells[k].status == "number":
                        cells[k].status = "inferred"
            row_traces[j].fit += " → 勾稽关系"
            notes.append(f"“{row.label}”一行印出的数字少于应有的 {len(keys)} 个，已按勾稽关系确定各列（标记为 inferred）")
        else:
            for k in keys:
                cells[k] = CellRecord(k, None, None, "uncertain", *obs.location, obs.text)
            notes.append(f"“{row.label}”一行印出的数字个数与表头不符，无法可靠对位，该行未存数字（标记为 uncertain）")


def uncut(row: ObservedRow, open_end: bool) -> tuple[ObservedRow, bool]:
    """A cut-off row without the empty cells it ends in (not seen: padding or spacing), and whether its
    last cell is the last thing in the document with not even a line break after it (``open_end``)."""
    cells = list(row.cells)
    open_last = open_end and bool(cells) and cells[-1].kind == "value"
    while cells and cells[-1].kind == "blank":
        cells.pop()
    return ObservedRow(row.label, cells, row.layout, row.lines, row.last_label, row.cut, row.apart), open_last


def whole_at_end(tok: Tok, key: str) -> bool:
    """Whether a figure the document ends in, with nothing after it, is certainly whole: a plain 0 in a
    column of counts (any other figure or mark may be the start of a longer one: "265" of "2650", "-" of "-15")."""
    spec = cell_spec(key)
    return (tok.kind == "value" and not tok.na and fold(tok.text) == "0" and spec is not None
            and spec.unit in COUNT_UNITS)


def mark_cut(observed: list[ObservedRow], lines: list[Line]) -> None:
    """The last row is cut off when the document ends on its last line."""
    last = next((ln for ln in reversed(lines) if ln.kind != "empty"), None)
    row = observed[-1]
    if last is not None and row.lines and row.lines[-1] is last:
        row.cut = True


def _span(lines: list[Line]) -> tuple[int | None, int | None]:
    nums = [ln.line for ln in lines if ln.line is not None]
    return (min(nums), max(nums)) if nums else (None, None)


def _shown(c: CellRecord) -> str:
    if c.status in ("number", "inferred") and c.value is not None:
        v = c.value
        return figure_text(v)
    return c.raw or ""


__all__ = ["TableResult", "parse_row_table", "record", "Pair"]
