"""Labels separated from their figures: several row labels printed one after another, then the figures
of all of them (a conversion that wrote a table column by column, or lost the row breaks).

The figures are placed in template order only when their count is exactly what the labelled rows
need and their order is certain: rows of one figure each, or rows of several figures where the figures
read row by row and read column by column (as PDF-to-text tools write a table: "0 5 | 0 4 | 0 16" for
规章 0 0 0, 规范性文件 5 4 16) come out the same, or where the 勾稽关系 refute one of the two readings
and not the other.  Otherwise nothing is moved (the rows stay ``uncertain``).
"""

from __future__ import annotations

from store.parse.table.align import Pair
from store.parse.table.labels import Labels, normalise_label
from store.parse.table.rows import ObservedRow


def _unlabelled(row: ObservedRow) -> bool:
    return bool(row.cells) and not normalise_label(row.label)


def _figures(row: ObservedRow) -> list:
    """The row's cells without the spacing around them (a note after the figures is not one)."""
    cells = [t for t in row.cells if t.kind != "label"]
    while cells and cells[-1].kind == "blank" and not cells[-1].explicit:
        cells.pop()
    while cells and cells[0].kind == "blank" and not cells[0].explicit:
        cells.pop(0)
    return cells


def _printed(toks: list) -> list:
    return [(t.kind, t.text) for t in toks]


def _rows_by_line(figures: list, lines: list, width: int) -> bool:
    """Every line that holds figures holds one row's worth: the figures were printed a row per line."""
    ids = {id(t) for t in figures}
    counts = [sum(1 for t in ln.toks if id(t) in ids) for ln in lines]
    counts = [c for c in counts if c]
    return bool(counts) and sum(counts) == len(figures) and all(c == width for c in counts)


def _reading(figures: list, widths: list[int], template_rows: list[int], verify, lines: list = ()
             ) -> list[list] | None:
    """The figures given out to rows of ``widths`` cells: row by row, unless the table may have been
    written column by column and that reading differs (then the 勾稽关系 must pick exactly one)."""
    starts = [sum(widths[:n]) for n in range(len(widths))]
    by_row = [figures[a:a + w] for a, w in zip(starts, widths)]
    if max(widths) == 1 or (len(set(widths)) == 1 and _rows_by_line(figures, lines, widths[0])):
        return by_row if verify(dict(zip(template_rows, by_row))) else None
    if len(set(widths)) != 1:
        return None  # rows of different widths written column by column have no one order: not guessed
    k = len(widths)
    by_column = [[figures[c * k + n] for c in range(widths[0])] for n in range(k)]
    row_ok = verify(dict(zip(template_rows, by_row)))
    if [_printed(r) for r in by_row] == [_printed(r) for r in by_column]:
        return by_row if row_ok else None
    column_ok = verify(dict(zip(template_rows, by_column)))
    if row_ok == column_ok:
        return None
    return by_row if row_ok else by_column


def regroup(observed: list[ObservedRow], pairs: dict[int, Pair], labels: Labels,
            verify=lambda placed: True) -> tuple[list[ObservedRow], list[str]]:
    """Rows e1 … ek (k ≥ 2, matched with template rows) of which all but the last print no cells, the last
    prints its figures apart from its label, and unlabelled figure rows may follow: when the figures are
    exactly as many as e1 … ek have columns, they are given out in order — unless ``verify`` (template
    row index -> tokens) finds that the 勾稽关系 refute the result."""
    by_observed = {p.observed: j for j, p in pairs.items()}
    out = list(observed)
    notes: list[str] = []
    i = 0
    while i < len(observed):
        run = []
        while i < len(observed) and i in by_observed and not observed[i].cells:
            run.append(i)
            i += 1
        if not run or i >= len(observed) or i not in by_observed or not observed[i].apart:
            i += 1 if not run else 0
            continue
        run.append(i)
        i += 1
        tail = []
        while i < len(observed) and i not in by_observed and _unlabelled(observed[i]):
            tail.append(i)
            i += 1
        widths = [len(labels.rows[by_observed[o]].columns) for o in run]
        figures = [t for o in [run[-1], *tail] for t in _figures(observed[o])]
        if len(run) < 2 or len(figures) != sum(widths):
            continue
        placed = _reading(figures, widths, [by_observed[o] for o in run], verify,
                          [ln for o in [run[-1], *tail] for ln in observed[o].lines])
        if placed is None:
            continue
        for o, toks in zip(run, placed):
            row = observed[o]
            extra = [ln for src in [run[-1], *tail] for ln in observed[src].lines if ln not in row.lines]
            out[o] = ObservedRow(row.label, toks, "cell", row.lines + (extra if o == run[-1] else []),
                                 row.last_label, row.cut, True)
        for o in tail:
            out[o] = ObservedRow(observed[o].label, [], "moved", observed[o].lines)
        names = "、".join(labels.rows[by_observed[o]].label for o in run)
        notes.append(f"{names}的标签与数字分开印出，数字个数恰好等于这些行的列数之和，已按模板顺序依次对位")
    return out, notes
