"""Split a run of figures whose table cells were printed together ("713000074", "23 0 00 0 023").

Crawlers that flatten a page to text drop the separators between a row's cells.  A run is the figure
part of one row as printed: digits, the spaces that remain (a space is always a cell boundary; a
cell never holds one), signs and decimal points.  :func:`splits` lists every way to cut it into
``n`` cells that are numbers as tables print them (no leading zero, a sign only at a cell's start);
:func:`unique_split` keeps the ways an identity of the row allows (row sum = total, the parts of a
review group = its total) and answers only when exactly one remains; :func:`solve_jointly` picks,
for rows that still split several ways, the only combination the table's column identities allow.
Anything else is None: never a guessed split.

Everything here is pure: strings and numbers in, strings out.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

MAX_SPLITS = 20000  # more ways to cut a run than this: too many to tell apart, give up
MAX_COMBINATIONS = 20000  # joint solving: combinations of the rows that split several ways

_CELL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_SIGNED_CELL = re.compile(r"[-+]?(?:0|[1-9]\d*)(?:\.\d+)?")
_RUN = re.compile(r"[-+]?\d[\d.\-+ ]*")

Split = tuple[str, ...]


def value(cell: str) -> float | int:
    v = float(cell)
    return int(v) if v.is_integer() and "." not in cell else v


def pieces(run: str) -> list[str]:
    """The parts of a run that a space separates: a cell never spans a space."""
    return run.split()


def digits(run: str) -> int:
    return sum(ch.isdigit() for ch in run)


@lru_cache(maxsize=4096)
def _cuts(piece: str, k: int, signed: bool) -> tuple[Split, ...] | None:
    """Every way to cut ``piece`` (no spaces) into ``k`` numbers; None when there are too many."""
    cell = _SIGNED_CELL if signed else _CELL
    if k == 1:
        return ((piece,),) if cell.fullmatch(piece) else ()
    out: list[Split] = []
    for i in range(1, len(piece) - k + 2):
        head = piece[:i]
        if not cell.fullmatch(head):
            continue
        rest = _cuts(piece[i:], k - 1, signed)
        if rest is None:
            return None
        out.extend((head, *r) for r in rest)
        if len(out) > MAX_SPLITS:
            return None
    return tuple(out)


def splits(run: str, n: int, signed: bool = False) -> list[Split] | None:
    """Every way to cut ``run`` into ``n`` cells, in order; None when there are more than
    :data:`MAX_SPLITS` (the run is too long for its cells to be told apart)."""
    parts = pieces(run)
    if not parts or n < len(parts) or n > sum(len(p) for p in parts):
        return []
    out: list[Split] = []

    def walk(i: int, left: int, acc: Split) -> bool:
        if i == len(parts):
            if left == 0:
                out.append(acc)
            return len(out) <= MAX_SPLITS
        remaining = len(parts) - i - 1  # each later piece takes one cell at least
        for k in range(1, min(len(parts[i]), left - remaining) + 1):
            cuts = _cuts(parts[i], k, signed)
            if cuts is None:
                return False
            for c in cuts:
                if not walk(i + 1, left - k, acc + c):
                    return False
        return True

    return out if walk(0, n, ()) else None


def row_sum(cells: Sequence[float | int]) -> bool:
    """The parts of a row add up to its last cell (总计)."""
    return abs(sum(cells[:-1]) - cells[-1]) < 1e-9


def group_sums(size: int) -> Callable[[Sequence[float | int]], bool]:
    """Each group of ``size`` cells adds up to its last cell (a review table's 维持+纠正+其他+尚未审结 = 总计)."""
    def holds(cells: Sequence[float | int]) -> bool:
        return all(row_sum(cells[i:i + size]) for i in range(0, len(cells), size))
    return holds


def candidates(run: str, n: int, identity: Callable[[Sequence], bool] | None = None,
               signed: bool = False) -> list[Split] | None:
    """The splits of a run that the row allows: the only split there is, else those for which the
    row's ``identity`` holds.  None when the run is too long to tell."""
    found = splits(run, n, signed)
    if found is None:
        return None
    if len(found) <= 1 or identity is None:
        return found
    return [s for s in found if identity([value(c) for c in s])]


def unique_split(run: str, n: int, identity: Callable[[Sequence], bool] | None = None,
                 signed: bool = False) -> Split | None:
    """The one split of ``run`` into ``n`` cells the row allows, or None."""
    found = candidates(run, n, identity, signed)
    return found[0] if found and len(found) == 1 else None


def solve_jointly(rows: dict[str, list[dict[str, float | int]]], fixed: dict[str, float | int],
                  equalities: Sequence[tuple[Sequence[str], Sequence[str]]]) -> dict[str, int]:
    """Choose among the splits of rows that split several ways with the table's column identities.

    ``rows`` maps a row to its candidate splits (cell key -> value); ``fixed`` holds the cells known
    for sure; ``equalities`` are (left keys, right keys) with sum(left) = sum(right).  Only the
    equalities that touch an ambiguous row are used (a printed table may break one elsewhere).
    Returns row -> index of its split, for the rows whose split is the same in every combination
    the equalities allow, and only when at least one combination is allowed.
    """
    names = list(rows)
    total = 1
    for name in names:
        total *= len(rows[name])
    if not names or total > MAX_COMBINATIONS:
        return {}
    touched = {k for name in names for split in rows[name] for k in split}
    used = [(lft, rgt) for lft, rgt in equalities if touched.intersection((*lft, *rgt))]
    allowed: list[tuple[int, ...]] = []
    for combo in itertools.product(*(range(len(rows[name])) for name in names)):
        values = dict(fixed)
        for name, i in zip(names, combo):
            values.update(rows[name][i])
        if all(_holds(values, lft, rgt) is not False for lft, rgt in used):
            allowed.append(combo)
    if not allowed:
        return {}
    return {name: allowed[0][j] for j, name in enumerate(names) if len({c[j] for c in allowed}) == 1}


def _holds(values: dict, left: Sequence[str], right: Sequence[str]) -> bool | None:
    if any(values.get(k) is None for k in (*left, *right)):
        return None
    return abs(sum(values[k] for k in left) - sum(values[k] for k in right)) < 1e-9


def find_runs(text: str) -> list[tuple[int, int]]:
    """Where figures run in ``text`` (start, end), trailing spaces and signs left out."""
    out = []
    for m in _RUN.finditer(text):
        s, e = m.span()
        while e > s and text[e - 1] in " -+.":
            e -= 1
        out.append((s, e))
    return out
