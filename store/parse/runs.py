"""Split a run of figures whose table cells were printed together ("713000074", "23 0 00 0 023").

Crawlers that flatten a page to text drop the separators between a row's cells.  A run is the figure
part of one row as printed: digits, the spaces that remain (a space is always a cell boundary; a
cell never holds one), signs and decimal points.  :func:`splits` lists every way to cut it into
``n`` cells that are numbers as tables print them (no leading zero, a sign only at a cell's start);
:func:`sum_splits` those a row's identity allows (row sum = total, the parts of a review group =
its total); :func:`unique_split` answers only when exactly one remains; :func:`solve_jointly` picks,
for rows that still split several ways, the only combination the table's column identities allow.
Anything else is None: never a guessed split.

Everything here is pure: strings and numbers in, strings out.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from collections.abc import Sequence

MAX_SPLITS = 20000  # more ways to cut a run than this: too many to tell apart, give up
MAX_NODES = 100_000  # steps of the search for splits that add up
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


def _cuts(piece: str, k: int, signed: bool, memo: dict) -> tuple[Split, ...] | None:
    """Every way to cut ``piece`` (no spaces) into ``k`` numbers; None when there are too many."""
    key = (piece, k)
    if key in memo:
        return memo[key]
    cell = _SIGNED_CELL if signed else _CELL
    if k == 1:
        memo[key] = ((piece,),) if cell.fullmatch(piece) else ()
        return memo[key]
    out: list[Split] | None = []
    for i in range(1, len(piece) - k + 2):
        head = piece[:i]
        if not cell.fullmatch(head):
            continue
        rest = _cuts(piece[i:], k - 1, signed, memo)
        if rest is None or len(out) + len(rest) > MAX_SPLITS:
            out = None
            break
        out.extend((head, *r) for r in rest)
    memo[key] = None if out is None else tuple(out)
    return memo[key]


def splits(run: str, n: int, signed: bool = False) -> list[Split] | None:
    """Every way to cut ``run`` into ``n`` cells, in order; None when there are more than
    :data:`MAX_SPLITS` (the run is too long for its cells to be told apart)."""
    parts = pieces(run)
    if not parts or n < len(parts) or n > sum(len(p) for p in parts):
        return []
    out: list[Split] = []
    memo: dict = {}

    def walk(i: int, left: int, acc: Split) -> bool:
        if i == len(parts):
            if left == 0:
                out.append(acc)
            return len(out) <= MAX_SPLITS
        remaining = len(parts) - i - 1  # each later piece takes one cell at least
        for k in range(1, min(len(parts[i]), left - remaining) + 1):
            cuts = _cuts(parts[i], k, signed, memo)
            if cuts is None:
                return False
            for c in cuts:
                if not walk(i + 1, left - k, acc + c):
                    return False
        return True

    return out if walk(0, n, ()) else None


class _TooMany(Exception):
    pass


def sum_splits(run: str, n: int, group: int) -> list[Split] | None:
    """Every way to cut ``run`` into ``n`` whole numbers that fall into groups of ``group`` cells whose
    last cell is the sum of the others (a row's 总计; a review group's 总计).  None when there are too
    many ways to look at.

    A group's total is chosen first (the last group's ends the run); the cells before it are then
    searched for numbers that add up to it, none of them larger than it."""
    s = run.strip()
    if not s or n % group or any(ch not in "0123456789 " for ch in s):
        return []
    groups = n // group
    steps = [0]

    def tick():
        steps[0] += 1
        if steps[0] > MAX_NODES:
            raise _TooMany

    def parts(pos: int, end: int, k: int, remaining: int):
        """The ways to cut s[pos:end] into ``k`` cells adding up to ``remaining``."""
        tick()
        pos = _skip_space(s, pos, end)
        if k == 0:
            if pos == end and remaining == 0:
                yield ()
            return
        for e in range(pos + 1, end + 1):
            v = _number(s, pos, e)
            if v is None:
                if s[pos] == "0" or s[e - 1] == " ":
                    break  # a leading zero, or a cell running over a space
                continue
            if v > remaining:
                break  # a longer cell is larger still
            for rest in parts(e, end, k - 1, remaining - v):
                yield (s[pos:e], *rest)

    out: list[Split] = []

    def walk(pos: int, g: int, acc: Split) -> None:
        tick()
        pos = _skip_space(s, pos, len(s))
        if g == groups:
            if pos == len(s):
                out.append(acc)
                if len(out) > MAX_SPLITS:
                    raise _TooMany
            return
        for t, e, v in _totals(s, pos, g == groups - 1):
            for cells in parts(pos, _before_space(s, pos, t), group - 1, v):
                walk(e, g + 1, acc + cells + (s[t:e],))

    try:
        walk(0, 0, ())
    except _TooMany:
        return None
    return out


def blank_reading(run: str, n: int, group: int) -> bool | None:
    """Whether ``run`` also reads as ``n`` cells in groups that add up (see :func:`sum_splits`) with one
    cell or more printed empty (counting 0) that left no trace in the run.  None: too long to tell."""
    s = run.strip()
    if not s or n % group or any(ch not in "0123456789 " for ch in s):
        return False
    groups = n // group
    steps = [0]

    @lru_cache(maxsize=None)
    def parts(pos: int, end: int, k: int, remaining: int, blank: bool) -> bool:
        """Whether s[pos:end] cuts into ``k`` cells adding up to ``remaining``, empty ones allowed: one of
        them empty, unless ``blank`` says an empty cell was already found (then any way counts)."""
        steps[0] += 1
        if steps[0] > MAX_NODES:
            raise _TooMany
        pos = _skip_space(s, pos, end)
        if k == 0:
            return pos == end and remaining == 0 and blank
        if parts(pos, end, k - 1, remaining, True):
            return True
        for e in range(pos + 1, end + 1):
            v = _number(s, pos, e)
            if v is None:
                if s[pos] == "0" or s[e - 1] == " ":
                    break
                continue
            if v > remaining:
                break
            if parts(e, end, k - 1, remaining - v, blank):
                return True
        return False

    @lru_cache(maxsize=None)
    def walk(pos: int, g: int, blank: bool) -> bool:
        pos = _skip_space(s, pos, len(s))
        if g == groups:
            return pos == len(s) and blank
        last = g == groups - 1
        for t, e, v in _totals(s, pos, last):
            end = _before_space(s, pos, t)
            if parts(pos, end, group - 1, v, blank) and walk(e, g + 1, True):
                return True  # an empty cell in this group, or in one before
            if not blank and parts(pos, end, group - 1, v, True) and walk(e, g + 1, False):
                return True  # this group read somehow, an empty cell still to come
        # the group's total printed empty: its parts add up to 0
        for t in ([len(s)] if last else range(pos, len(s) + 1)):
            if parts(pos, _before_space(s, pos, t), group - 1, 0, True) and walk(t, g + 1, True):
                return True
        return False

    try:
        return walk(0, 0, False)
    except _TooMany:
        return None


def _skip_space(s: str, pos: int, end: int) -> int:
    return pos + 1 if pos < end and s[pos] == " " else pos


def _before_space(s: str, pos: int, t: int) -> int:
    return t - 1 if t > pos and s[t - 1] == " " else t


def _number(s: str, a: int, b: int) -> int | None:
    cell = s[a:b]
    return int(cell) if _CELL.fullmatch(cell) and "." not in cell else None


def _totals(s: str, pos: int, last: bool):
    """(start, end, value) of the places a group's total may stand, from ``pos`` (the last group's
    ends the run)."""
    for t in range(pos, len(s)):
        for e in ([len(s)] if last else range(t + 1, len(s) + 1)):
            v = _number(s, t, e)
            if v is not None:
                yield t, e, v


def candidates(run: str, n: int, group: int | None = None, signed: bool = False,
               blanks: bool = True) -> list[Split] | None:
    """The splits of a run that the row allows.  None when that cannot be told.

    A run printed with a space between every two cells is the row as printed.  Otherwise a split
    counts only where the row's identity holds: every ``group`` of cells adds up to its last one;
    and, unless ``blanks`` is False (the table prints 0 in every empty cell), where no reading with a
    blank cell that left no trace holds too.  A row without such an identity is read only where
    its figures cut one way into ``n`` cells and into no fewer ("000", "35-15"; not "123", which may
    be 12 and 3 beside a blank cell)."""
    parts = pieces(run)
    cell = _SIGNED_CELL if signed else _CELL
    if len(parts) == n:
        return [tuple(parts)] if all(cell.fullmatch(p) for p in parts) else []
    if group is not None:
        found = sum_splits(run, n, group)
        if found and blanks and blank_reading(run, n, group) is not False:
            return None  # also read with a blank cell that left no trace (or too long to tell)
        return found
    found = splits(run, n, signed)
    if blanks and found and len(found) == 1 and any(splits(run, k, signed) != [] for k in range(len(parts), n)):
        return None
    return found


def unique_split(run: str, n: int, group: int | None = None, signed: bool = False,
                 blanks: bool = True) -> Split | None:
    """The one split of ``run`` into ``n`` cells the row allows, or None."""
    found = candidates(run, n, group, signed, blanks)
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
        if all(holds(values, lft, rgt) is not False for lft, rgt in used):
            allowed.append(combo)
    if not allowed:
        return {}
    return {name: allowed[0][j] for j, name in enumerate(names) if len({c[j] for c in allowed}) == 1}


def holds(values: dict, left: Sequence[str], right: Sequence[str]) -> bool | None:
    """Whether sum(left) = sum(right); None when a cell has no value."""
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
