"""Label alignment: which printed row is which template row.

Rows come in template order, so the pairing is monotonic: a dynamic programme picks the pairs with
the best total label score; rows left between two pairs are paired by position when their counts
agree.  A pairing that is a toss-up between neighbouring rows is dropped (see :func:`ambiguous`).
"""

from __future__ import annotations

from dataclasses import dataclass

from store.parse.table.labels import Labels, label_score, normalise_label
from store.parse.table.rows import ObservedRow
from store.template import Row


@dataclass(frozen=True)
class Pair:
    observed: int  # index of the printed row
    score: float  # its label score for the template row
    how: str  # "label" | "position"


def align(observed: list[ObservedRow], labels: Labels) -> dict[int, Pair]:
    """Map template row index -> the printed row paired with it: monotonic, best total label score."""
    s = labels.settings
    rows = labels.rows
    widths = [len(r.columns) for r in rows]
    n, m = len(observed), len(rows)
    score = [labels.scores(observed[i].label) for i in range(n)]
    for i in range(n):
        have = observed[i].figures
        for j in range(m):
            if have > widths[j] + 1:
                score[i][j] -= s.too_wide_penalty
        if not observed[i].cells:  # a row printed empty yields to a row with figures and the same label
            score[i] = [x - s.empty_row_penalty for x in score[i]]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    threshold = s.match_threshold
    for i in range(1, n + 1):
        above, here, moves, scores = best[i - 1], best[i], move[i], score[i - 1]
        for j in range(1, m + 1):
            # the best of: skip the printed row (1), skip the template row (2), pair them (3); a tie goes
            # to the later option
            up, left = above[j], here[j - 1]
            value, mv = (up, 1) if up > left else (left, 2)
            sc = scores[j - 1]
            if sc >= threshold:
                paired = above[j - 1] + sc - threshold + 1
                if paired >= value:
                    value, mv = paired, 3
            here[j], moves[j] = value, mv
    pairs: dict[int, Pair] = {}
    i, j = n, m
    while i > 0 and j > 0:
        mv = move[i][j]
        if mv == 3:
            pairs[j - 1] = Pair(i - 1, score[i - 1][j - 1], "label")
            i, j = i - 1, j - 1
        elif mv == 1:
            i -= 1
        else:
            j -= 1
    # positional fill of gaps with equal counts
    anchors = sorted((t, p.observed) for t, p in pairs.items())
    bounds = [(-1, -1)] + anchors + [(m, n)]
    for (tj0, oi0), (tj1, oi1) in zip(bounds, bounds[1:]):
        gap_t = list(range(tj0 + 1, tj1))
        gap_o = list(range(oi0 + 1, oi1))
        if gap_t and len(gap_t) == len(gap_o):
            for tj, oi in zip(gap_t, gap_o):
                if printed_nothing(observed[oi]):
                    continue  # an empty row (a converter's blank header row) is no row of the template
                pairs[tj] = Pair(oi, score[oi][tj], "position")
    return pairs


def printed_nothing(row: ObservedRow) -> bool:
    """A row with neither a label nor a figure or mark: pairing it by position would turn a template row
    that is not printed into one "printed empty" (``blank``)."""
    return not normalise_label(row.label or "") and not row.figures


def ambiguous(pairs: dict[int, Pair], rows: tuple[Row, ...], observed: list[ObservedRow], labels: Labels) -> set[int]:
    """Template rows whose pairing is a toss-up: the observed row's label fits an unpaired
    neighbouring template row (in the same gap between other pairs) about as well."""
    s = labels.settings
    out: set[int] = set()
    paired = sorted(pairs)
    around = {j: (paired[k - 1] if k else -1, paired[k + 1] if k + 1 < len(paired) else len(rows))
              for k, j in enumerate(paired)}  # the paired template rows before and after each one
    for j, p in pairs.items():
        obs = observed[p.observed]
        if not obs.cells:
            continue
        lo, hi = around[j]
        mine = label_score(rows[j], obs.label, s)
        last = obs.last_label
        split = bool(last) and normalise_label(last) != normalise_label(obs.label)
        mine_last = label_score(rows[j], last, s) if split else 0
        for j2 in range(lo + 1, hi):
            if j2 == j or j2 in pairs:
                continue
            if label_score(rows[j2], obs.label, s) >= mine - s.ambiguity_margin:
                out.update((j, j2))
            elif split and label_score(rows[j2], last, s) >= max(s.ambiguity_last_label, mine_last + s.ambiguity_margin):
                out.update((j, j2))  # the whole label says one row, the part nearest the figures another
    return out


def unplaced_figures(j: int, pairs: dict[int, Pair], observed: list[ObservedRow]) -> bool:
    """Whether an observed row holding figures lies unpaired where template row ``j`` would be."""
    before = [p.observed for t, p in pairs.items() if t < j]
    after = [p.observed for t, p in pairs.items() if t > j]
    lo = max(before) if before else -1
    hi = min(after) if after else len(observed)
    taken = {p.observed for p in pairs.values()}
    return any(i not in taken and observed[i].figures for i in range(lo + 1, hi))
