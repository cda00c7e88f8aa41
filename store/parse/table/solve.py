"""The identity solver: rows that lost cells placed with the 勾稽关系 when, and only when, they
determine the placement (every placement they do not refute gives the same values)."""

from __future__ import annotations

import itertools

from store.checks import Equality
from store.parse.lines import Tok
from store.parse.table.settings import SETTINGS, TableSettings


def _propagate(values: dict[str, float | None], unknown: set[str],
               eqs: tuple[Equality, ...]) -> set[int] | None:
    """Solve unknown cells from equalities with exactly one unknown.

    Returns the indices of the equalities used to solve them, or None if a solution is negative.
    """
    used: set[int] = set()
    changed = True
    while changed:
        changed = False
        for n, eq in enumerate(eqs):
            keys = [k for k in eq.keys if k in unknown and values.get(k) is None]
            if len(keys) != 1:
                continue
            others = [values.get(k) for k in eq.keys if k != keys[0]]
            if any(v is None for v in others):
                continue
            lsum = sum(values[k] for k in eq.left if k != keys[0])
            rsum = sum(values[k] for k in eq.right if k != keys[0])
            v = rsum - lsum if keys[0] in eq.left else lsum - rsum
            if v < 0:
                return None
            values[keys[0]] = v
            used.add(n)
            changed = True
    return used


def _holds(values, eq: Equality) -> bool | None:
    """True / False when every cell of ``eq`` has a value, None when it cannot be evaluated."""
    if any(values.get(k) is None for k in eq.keys):
        return None
    return abs(sum(values[k] for k in eq.left) - sum(values[k] for k in eq.right)) <= 1e-9


def _consistent(values, touched: set[str], eqs) -> bool:
    return all(_holds(values, eq) is not False for eq in eqs if touched.intersection(eq.keys))


def _verified(values, unknown: set[str], used: set[int], eqs) -> bool:
    """Every solved cell is confirmed by an equality other than the ones used to solve it."""
    return all(any(n not in used and k in eq.keys and _holds(values, eq) for n, eq in enumerate(eqs))
               for k in unknown)


def table_consistent(fixed: dict[str, float | None], eqs: tuple[Equality, ...]) -> bool:
    """No equality that the cells read for sure can evaluate fails."""
    return all(_holds(fixed, eq) is not False for eq in eqs)


def resolve(fixed: dict[str, float | None], choices: list[list[dict[str, Tok | None]]],
            eqs: tuple[Equality, ...], settings: TableSettings = SETTINGS
            ) -> dict[str, tuple[Tok | None, float | None]] | None:
    """Pick, for every ambiguous row, the placement the 勾稽关系 allow.

    ``choices`` holds, per ambiguous row, its alternative placements (key -> token, None = lost).
    Returns key -> (token, value), or None unless the answer is certain: every placement the
    equalities do not refute gives the same values, and every cell they supply is confirmed
    by an equality other than the one it was solved from.  A placement that the equalities can
    neither refute nor solve makes the answer uncertain.
    """
    total = 1
    for c in choices:
        total *= max(1, len(c))
    if not choices or total > settings.max_combinations or not table_consistent(fixed, eqs):
        return None
    solutions = []
    for combo in itertools.product(*choices):
        values = dict(fixed)
        unknown: set[str] = set()
        touched: set[str] = set()
        for placement in combo:
            for key, tok in placement.items():
                touched.add(key)
                if tok is None:
                    unknown.add(key)
                    values[key] = None
                else:
                    values[key] = tok.value if tok.kind == "value" and not tok.na else None
        used = _propagate(values, unknown, eqs)
        if used is None or not _consistent(values, touched, eqs):
            continue  # refuted
        if any(values.get(k) is None for k in unknown) or not _verified(values, unknown, used, eqs):
            return None  # possible, but the equalities cannot pin it down
        solutions.append((combo, values))
    if not solutions:
        return None
    out: dict[str, tuple[Tok | None, float | None]] = {}
    first_combo, first_values = solutions[0]
    for placement in first_combo:
        for key in placement:
            if len({s[1].get(key) for s in solutions}) != 1:
                return None
            out[key] = (_placed(first_combo, key), first_values.get(key))
    return out


def _placed(combo, key):
    for placement in combo:
        if key in placement:
            return placement[key]
    return None
