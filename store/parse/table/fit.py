"""Value fitting: the ways a printed row's cells can fill the template row's columns."""

from __future__ import annotations

import itertools

from store.parse.lines import Tok
from store.parse.table.rows import ObservedRow
from store.parse.table.settings import SETTINGS, TableSettings

Hypothesis = list  # list[Tok | None]; None = a cell the printed row lost


def fit(row: ObservedRow, n: int, settings: TableSettings = SETTINGS) -> tuple[list[Hypothesis], str]:
    """The ways the row's printed cells can fill ``n`` columns, and how sure that is:
    ``exact`` (one way, or the first and the last ``n`` of more cells print the same),
    ``extra`` (more cells than columns: the first or the last ``n``),
    ``lost`` (fewer: every way of leaving cells out, none when too many were lost)."""
    cells = list(row.cells)
    if any(t.kind == "label" for t in cells):
        # words after the figures are a note column ("备注", a unit), not cells of the template
        while cells and cells[-1].kind in ("label", "blank") and not cells[-1].garbled \
                and any(t.kind == "label" and not t.garbled for t in cells):
            cells.pop()
    if row.layout == "grid" and len(cells) >= n:
        return [cells[-n:]], "exact"
    if row.layout == "row":
        while cells and cells[0].kind == "blank":
            cells.pop(0)
        while cells and cells[-1].kind == "blank":
            cells.pop()
    else:
        while len(cells) > n and cells[-1].kind == "blank":
            cells.pop()
        while len(cells) > n and cells[0].kind == "blank":
            cells.pop(0)
    if len(cells) == n:
        return [cells], "exact"
    if len(cells) > n:
        first, last = cells[:n], cells[-n:]
        if [(t.kind, t.text) for t in first] == [(t.kind, t.text) for t in last]:
            # both readings agree: a merged cell's figure repeated in every position it covers (a
            # spreadsheet's or pandas' copy of a one-figure row: "157 157 157")
            return [first], "exact"
        return [first, last], "extra"
    missing = n - len(cells)
    if missing > settings.max_lost_cells or not cells:
        return [], "lost"
    out = []
    for slots in itertools.combinations(range(n), missing):
        it = iter(cells)
        out.append([None if k in slots else next(it) for k in range(n)])
    return out, "lost"


def leading(row: ObservedRow, n: int) -> list[Tok]:
    """The cells a row cut off by the end of the document shows, in column order (the first ones)."""
    cells = [t for t in row.cells if t.kind != "label"]
    while cells and cells[0].kind == "blank" and not cells[0].explicit:
        cells.pop(0)
    return cells[:n]
