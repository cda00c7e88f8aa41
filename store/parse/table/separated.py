"""Labels separated from their figures: several row labels printed one after another, then the figures
of all of them (a conversion that wrote a table column by column, or lost the row breaks).

The figures are placed in template order only when their count is exactly what the labelled rows
need; otherwise nothing is moved (the rows stay ``uncertain``).
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
        starts = [sum(widths[:n]) for n in range(len(run))]
        if not verify({by_observed[o]: figures[a:a + w] for o, a, w in zip(run, starts, widths)}):
            continue
        k = 0
        for o, w in zip(run, widths):
            row = observed[o]
            extra = [ln for src in [run[-1], *tail] for ln in observed[src].lines if ln not in row.lines]
            out[o] = ObservedRow(row.label, figures[k:k + w], "cell", row.lines + (extra if o == run[-1] else []),
                                 row.last_label, row.cut, True)
            k += w
        for o in tail:
            out[o] = ObservedRow(observed[o].label, [], "moved", observed[o].lines)
        names = "、".join(labels.rows[by_observed[o]].label for o in run)
        notes.append(f"{names}的标签与数字分开印出，数字个数恰好等于这些行的列数之和，已按模板顺序依次对位")
    return out, notes
