"""Recover the three standard tables from lines of tokens.

Rows are assembled from whatever layout the document has (a grid, one row per
line, one cell per line), aligned with the template's rows by fuzzy label
matching in template order (a row whose label is unreadable takes its place by
position), and their values fitted to the template's columns.  A row that
lost a cell is resolved with the 勾稽关系 when they determine it; otherwise
its cells are stored as ``uncertain`` — never a guessed figure.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from store.checks import Equality, equalities
from store.parse.lines import Line, Tok, fold
from store.records import CellRecord
from store.template import (APPLICANT_GROUP_LABEL, ACTIVE, APPLY, REVIEW, RESULT_COLUMNS, REVIEW_GROUPS, TABLE_HEADINGS, Row,
                            Table, cell_key, normalise_label)
from store.template import leaf_labels as _template_leaf_labels

# Labels repeat across rows and reports: fold each text once.
normalise_label = lru_cache(maxsize=65536)(normalise_label)
_LEAVES: dict[str, tuple[str, ...]] = {}


def leaf_labels(row: Row) -> tuple[str, ...]:  # noqa: F811 - the template's, remembered by row key
    got = _LEAVES.get(row.key)
    if got is None:
        got = _LEAVES[row.key] = _template_leaf_labels(row)
    return got


MATCH_THRESHOLD = 56  # label similarity (0-100) a row needs to be matched by its label
EMPTY_ROW_BAR = 80  # the similarity a label needs to stand as a row printed without figures
ANCHOR_BAR = 80  # the similarity a row needs to mark how far down the template the table has got
ROW_SKIP_COST = 3  # similarity a label loses for each template row it would skip


@dataclass
class ObservedRow:
    label: str
    cells: list[Tok]
    layout: str  # grid | row | cell | empty
    lines: list[Line] = field(default_factory=list)
    last_label: str = ""  # the label segment printed last (nearest the figures)

    @property
    def text(self) -> str:
        key = tuple(id(ln) for ln in self.lines)
        if getattr(self, "_text_key", None) != key:
            self._text = " | ".join(fold(ln.text.replace("\t", " ")) for ln in self.lines if ln.text.strip())
            self._text_key = key
        return self._text

    @property
    def location(self) -> tuple[int | None, int | None]:
        for t in self.cells:
            if t.kind == "value":
                return t.page, t.line
        ln = self.lines[0] if self.lines else None
        return (ln.page, ln.line) if ln else (None, None)


_NUMBERED = re.compile(r"^[(（]?\s*[一二三四五六七八九十\d]{1,2}\s*[)）.．、]")


def _segment_gap(prev: str, gap: list[str], head: list[str] | None, best, complete, anchor: int,
                 ahead: list[str] = ()):
    """Split the label lines between two rows printed one per line: the first part ends the row
    above (a label wrapped around its figures, as PDF text prints a vertically centred cell), an
    optional middle part is a row printed empty, the rest begins the row below (``head`` holds the
    label printed on the row below's own line; None at the end of a block; ``ahead`` the label lines
    after it, which may end its label).

    Returns (c1, c2): ``gap[:c1]`` goes up, ``gap[c1:c2]`` is an empty row, ``gap[c2:]`` goes down.
    """
    m = len(gap)
    choice, top = (0, 0), None
    for c1 in range(m + 1):
        pj, ps = best(" ".join([prev, *gap[:c1]]), anchor)
        for c2 in range(c1, m + 1):
            middle = " ".join(gap[c1:c2])
            if c2 > c1 and not complete(gap[c2 - 1]):
                continue
            # every part must earn its place: a row its threshold, a row printed empty much more
            ej, es = best(middle, pj) if c2 > c1 else (pj, EMPTY_ROW_BAR)
            if head is None:
                if c2 < m:
                    continue  # nothing below: every line goes up or forms the empty row
                ns = MATCH_THRESHOLD
            else:
                rest = [*gap[c2:], *head, *ahead]
                ns = best(" ".join(rest), ej)[1] if rest else MATCH_THRESHOLD
            total = (ps - MATCH_THRESHOLD) + (es - EMPTY_ROW_BAR) + (ns - MATCH_THRESHOLD)
            if top is None or total > top + 1e-9:
                choice, top = (c1, c2), total
    return choice


def assemble_rows(lines: list[Line], complete=None, header=None, best=None, starts=None) -> list[ObservedRow]:
    """Group tokens into rows: a label followed by its cells, in any layout.

    ``complete(label)`` says whether a label is a whole row label of the template by itself;
    such a label followed by another label, with no figures in between, is a row printed
    empty (it is kept as a row without cells, so that its label does not run into the next row's).
    ``header(label)`` says whether a label is a column or group heading, never part of a row label.
    ``best(label, after)`` gives the template row (index > ``after``) a label fits best and how well;
    with it, label lines between rows printed one per line are shared out between the row above
    and the row below (see :func:`_segment_gap`).  ``starts(label)`` says whether a label reads
    like the beginning of a row label ("其他对外管" of 其他对外管理服务事项).
    """
    rows: list[ObservedRow] = []
    labels: list[str] = []
    label_lines: list[Line] = []
    cur: ObservedRow | None = None
    gap_row: ObservedRow | None = None  # a row printed on one line, whose label may go on below it
    anchor = -1  # the template row the row before ``gap_row`` fits

    def label_lines_after(i: int) -> list[str]:
        out = []
        for ln in lines[i + 1:i + 6]:
            if ln.kind not in ("cell", "row") or any(t.kind == "value" for t in ln.toks):
                break
            out += [t.text for t in ln.toks if t.kind == "label"]
        return out

    def share_gap(head: list[str] | None, ahead: list[str] = ()):
        """Give the label lines after ``gap_row`` to it, to an empty row, or to the row below."""
        nonlocal labels, label_lines, gap_row, anchor
        if gap_row is None or best is None or not labels:
            if gap_row is not None and best is not None:
                j, sc = best(gap_row.label, anchor)
                anchor = j if sc >= ANCHOR_BAR else anchor
            gap_row = None
            return
        c1, c2 = _segment_gap(gap_row.label, labels, head, best, complete or (lambda x: False), anchor, ahead)
        if c1:
            gap_row.label = " ".join([gap_row.label, *labels[:c1]])[-80:]
            gap_row.lines = gap_row.lines + label_lines[:c1]
        j, sc = best(gap_row.label, anchor)
        anchor = j if sc >= ANCHOR_BAR else anchor
        if c2 > c1:
            middle = " ".join(labels[c1:c2])
            rows.append(ObservedRow(middle, [], "empty", label_lines[c1:c2], labels[c2 - 1]))
            j, sc = best(middle, anchor)
            anchor = j if sc >= ANCHOR_BAR else anchor
        labels, label_lines = labels[c2:], label_lines[c2:]
        gap_row = None

    def flush():
        nonlocal cur
        if cur is not None and cur.cells:
            rows.append(cur)
        cur = None

    def close_empty_row(following: str | None = None):
        """The labels so far end in a whole row label that got no figures, and what follows
        (``following``: a label, None for the end of a block) starts something else."""
        nonlocal labels, label_lines
        if following is not None and not (_NUMBERED.match(fold(following)) or complete(following)
                                          or (header is not None and header(following))
                                          or (starts is not None and starts(following))):
            return  # the label goes on ("1.申请人无正当理由逾期不补正、" / "行政机关不再处理…")
        if complete is not None and labels and complete(labels[-1]):
            rows.append(ObservedRow(labels[-1], [], "empty", label_lines[-1:]))
            labels, label_lines = [], []

    for i, ln in enumerate(lines):
        if ln.kind in ("empty", "narrative"):
            flush()
            share_gap(None)
            close_empty_row()
            labels, label_lines = [], []
            continue
        if ln.kind in ("row", "grid"):
            flush()
            toks = ln.toks
            k = 0
            while k < len(toks) and toks[k].kind != "value":
                k += 1
            head, tail = toks[:k], toks[k:]
            if ln.kind == "grid":
                # trailing blanks of a grid are real cells; blanks just before the values may be too
                while head and head[-1].kind == "blank":
                    tail.insert(0, head.pop())
            head_labels = [t.text for t in head if t.kind == "label"]
            if header is not None and any(header(x) for x in head_labels):
                share_gap(None)
                close_empty_row(head_labels[0])
                labels, label_lines = [], []
                head_labels = [x for x in head_labels if not header(x)]
            if tail and gap_row is not None:
                share_gap(head_labels, label_lines_after(i) if ln.kind == "row" else [])
            if head_labels and gap_row is None:
                close_empty_row(head_labels[0])
            if tail:
                printed = [ln] if head_labels else label_lines[-2:] + [ln]
                if not labels and not head_labels and rows and rows[-1].layout == "empty":
                    printed = rows[-1].lines + printed  # figures right under a row that seemed empty
                    labels = [rows.pop().label]
                rows.append(ObservedRow(" ".join(labels + head_labels)[-80:], list(tail), ln.kind, printed,
                                        (labels + head_labels)[-1] if labels + head_labels else ""))
                labels, label_lines = [], []
                if ln.kind == "row":
                    gap_row = rows[-1]
            elif ln.kind == "grid" and head and all(t.kind == "blank" for t in head):
                continue
            else:
                labels += head_labels
                label_lines.append(ln)
            continue
        tok = ln.toks[0]
        if tok.kind == "label":
            if cur is not None and cur.cells:
                flush()
            if cur is not None:  # a label continues the label of a row not yet filled
                labels = [cur.label]
                cur = None
            if header is not None and header(tok.text):
                share_gap(None)
                close_empty_row(tok.text)
                labels, label_lines = [], []
                continue
            if gap_row is None:
                close_empty_row(tok.text)
            labels.append(tok.text)
            label_lines.append(ln)
            continue
        if cur is None:
            if not labels and tok.kind == "blank":
                continue  # spacing between rows, or a merged cell's placeholder
            share_gap([])
            # figures under no readable label still form a row: its place in the table may tell which
            if not labels and rows and rows[-1].layout == "empty":
                labels, label_lines = [rows[-1].label], rows.pop().lines  # right under a row that seemed empty
            cur = ObservedRow(" ".join(labels)[-80:], [], "cell", list(label_lines), labels[-1] if labels else "")
            labels, label_lines = [], []
        cur.cells.append(tok)
        cur.lines.append(ln)
    flush()
    share_gap(None)
    close_empty_row()
    return rows


# --------------------------------------------------------------------------- alignment

def label_score(row: Row, observed: str) -> float:
    return _label_score(row.key, observed) if row.key in _ROWS else _score(leaf_labels(row), observed)


_ROWS = {r.key: r for t in (ACTIVE, APPLY, REVIEW) for r in t.rows}


@lru_cache(maxsize=65536)
def _label_score(row_key: str, observed: str) -> float:
    return _score(leaf_labels(_ROWS[row_key]), observed)


def _score(leaves: tuple[str, ...], observed: str) -> float:
    obs = normalise_label(observed)
    if not obs:
        return 0.0
    best = 0.0
    for leaf in leaves:
        s = fuzz.ratio(leaf, obs)
        if len(obs) > len(leaf) and len(leaf) >= 2:
            # the label within a longer text (numbering, a group label, garbage around it);
            # a shorter text is compared whole: "行政罚" is 行政处罚, not any 行政 row
            p = fuzz.partial_ratio(leaf, obs)
            if len(leaf) <= 2 and len(obs) > len(leaf) + 2:
                p = min(p, 75)  # "其他" or "总计" somewhere in a longer text is weak evidence
            s = max(s, p)
        best = max(best, s)
    return best


def align(observed: list[ObservedRow], rows: tuple[Row, ...], widths: list[int] | None = None) -> dict[int, int]:
    """Map template row index -> observed row index, monotonic, best total label score.

    Rows left between two matched rows are paired by position when the counts agree.
    """
    n, m = len(observed), len(rows)
    score = [[label_score(rows[j], observed[i].label) for j in range(m)] for i in range(n)]
    if widths is not None:
        for i in range(n):
            for j in range(m):
                have = sum(1 for t in observed[i].cells if t.kind == "value")
                if have > widths[j] + 1:
                    score[i][j] -= 30
    for i in range(n):
        if not observed[i].cells:  # a row printed empty yields to a row with figures and the same label
            score[i] = [s - 15 for s in score[i]]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [(best[i - 1][j], 1), (best[i][j - 1], 2)]
            s = score[i - 1][j - 1]
            if s >= MATCH_THRESHOLD:
                options.append((best[i - 1][j - 1] + s - MATCH_THRESHOLD + 1, 3))
            best[i][j], move[i][j] = max(options)
    pairs: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        mv = move[i][j]
        if mv == 3:
            pairs[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif mv == 1:
            i -= 1
        else:
            j -= 1
    # positional fill of gaps with equal counts
    anchors = sorted(pairs.items())
    bounds = [(-1, -1)] + anchors + [(m, n)]
    for (tj0, oi0), (tj1, oi1) in zip(bounds, bounds[1:]):
        gap_t = list(range(tj0 + 1, tj1))
        gap_o = list(range(oi0 + 1, oi1))
        if gap_t and len(gap_t) == len(gap_o):
            for tj, oi in zip(gap_t, gap_o):
                pairs[tj] = oi
    return pairs


# --------------------------------------------------------------------------- fitting values

Hypothesis = list  # list[Tok | None]; None = a cell the printed row lost


def fit(row: ObservedRow, n: int) -> tuple[list[Hypothesis], str]:
    """The ways the row's printed cells can fill ``n`` columns, and how sure that is."""
    cells = list(row.cells)
    if any(t.kind == "label" for t in cells):
        # words after the figures are a note column ("备注", a unit), not cells of the template
        while cells and cells[-1].kind in ("label", "blank") and any(t.kind == "label" for t in cells):
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
        return [cells[:n], cells[-n:]], "extra"
    missing = n - len(cells)
    if missing > 2 or not cells:
        return [], "lost"
    out = []
    for slots in itertools.combinations(range(n), missing):
        it = iter(cells)
        out.append([None if k in slots else next(it) for k in range(n)])
    return out, "lost"


# --------------------------------------------------------------------------- resolving with 勾稽关系

MAX_COMBINATIONS = 2000


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
            eqs: tuple[Equality, ...]) -> dict[str, tuple[Tok | None, float | None]] | None:
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
    if not choices or total > MAX_COMBINATIONS or not table_consistent(fixed, eqs):
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


def _tok_text(tok):
    return None if tok is None else tok.text


# --------------------------------------------------------------------------- building records

def _record(key: str, tok: Tok | None, row: ObservedRow, status: str | None = None,
            value=None) -> CellRecord:
    page, line = row.location
    if tok is None:
        return CellRecord(key, value, None, status or "uncertain", page, line, row.text)
    page, line = tok.page if tok.page is not None else page, tok.line if tok.line is not None else line
    raw = fold(tok.text) if tok.kind != "blank" else None
    if status:
        return CellRecord(key, value if status == "inferred" else None, raw, status, page, line, row.text)
    if tok.kind == "blank":
        return CellRecord(key, None, None, "blank", page, line, row.text)
    if tok.kind == "label":  # words where a figure belongs: printed, but not a figure
        return CellRecord(key, None, raw, "uncertain", page, line, row.text)
    if tok.na:
        return CellRecord(key, None, raw, "na", page, line, row.text)
    return CellRecord(key, tok.value, raw, "number", page, line, row.text)


def _unbracketed(text: str) -> str:
    return re.sub(r"[()（）]", "", text)


def _headings(table: Table, version: str, leaves: list[str]) -> frozenset[str]:
    """Column and group headings of a table as printed (normalised, brackets dropped); a row's own
    label is never one.  Section 二's groups (第二十条第（一）项) are headings above their rows."""
    out = {normalise_label(h) for h in (*TABLE_HEADINGS, APPLICANT_GROUP_LABEL)}
    for row in table.rows_for(version):
        for col in row.columns:
            out.update(normalise_label(x) for x in (col.label, *col.variants))
        if table is ACTIVE:
            out.add(normalise_label(row.group))
    return frozenset(_unbracketed(h) for h in out if h and h not in leaves)


def _ambiguous(pairs: dict[int, int], rows: tuple[Row, ...], observed: list[ObservedRow]) -> set[int]:
    """Template rows whose pairing is a toss-up: the observed row's label fits an unpaired
    neighbouring template row (in the same gap between other pairs) about as well."""
    out: set[int] = set()
    for j, i in pairs.items():
        if not observed[i].cells:
            continue
        lo = max((t for t in pairs if t < j), default=-1)
        hi = min((t for t in pairs if t > j), default=len(rows))
        mine = label_score(rows[j], observed[i].label)
        last = observed[i].last_label
        split = bool(last) and normalise_label(last) != normalise_label(observed[i].label)
        mine_last = label_score(rows[j], last) if split else 0
        for j2 in range(lo + 1, hi):
            if j2 == j or j2 in pairs:
                continue
            if label_score(rows[j2], observed[i].label) >= mine - 5:
                out.update((j, j2))
            elif split and label_score(rows[j2], last) >= max(70, mine_last + 5):
                out.update((j, j2))  # the whole label says one row, the part nearest the figures another
    return out


def _labels_printed(rows: tuple[Row, ...], lines: list[Line]) -> bool:
    """Whether most of the table's row labels are printed (a table whose cells are all empty)."""
    text = normalise_label("".join(ln.text for ln in lines if ln.kind != "narrative"))
    if not text:
        return False
    found = sum(1 for r in rows if any(leaf in text for leaf in leaf_labels(r) if len(leaf) >= 2))
    return found >= max(2, len(rows) * 0.6)


def _unplaced_figures(j: int, pairs: dict[int, int], observed: list[ObservedRow]) -> bool:
    """Whether an observed row holding figures lies unpaired where template row ``j`` would be."""
    before = [o for t, o in pairs.items() if t < j]
    after = [o for t, o in pairs.items() if t > j]
    lo = max(before) if before else -1
    hi = min(after) if after else len(observed)
    taken = set(pairs.values())
    return any(i not in taken and any(t.kind == "value" for t in observed[i].cells) for i in range(lo + 1, hi))


def parse_row_table(table: Table, version: str, lines: list[Line]) -> tuple[dict[str, CellRecord], list[str]]:
    """Section 二 or 三: returns the cells and notes on what was uncertain."""
    rows = table.rows_for(version)
    leaves = [leaf for r in rows for leaf in leaf_labels(r) if len(leaf) >= 2]

    def complete(label: str) -> bool:
        t = normalise_label(label)
        return len(t) >= 2 and any(fuzz.ratio(t, leaf) >= 85 for leaf in leaves)

    headings = _headings(table, version, leaves)
    all_headings = _headings(table, version, [])  # 总计 and 其他 are headings too, among other headings

    def header(label: str) -> bool:
        t = normalise_label(label)
        if not t:
            return False
        if _unbracketed(t) in headings:
            return True
        # several headings on one line ("商业企业 科研机构 社会公益组织 法律服务机构 其他")
        parts = [_unbracketed(normalise_label(x)) for x in fold(label).split()]
        return len(parts) >= 2 and all(x in headings or x in all_headings for x in parts if x)

    def best(label: str, after: int) -> tuple[int, float]:
        if not normalise_label(label):
            return after, 0.0
        # rows come in template order: a row far below the last one placed needs a clearly better label
        scored = [(label_score(rows[j], label) - ROW_SKIP_COST * (j - after - 1), -j)
                  for j in range(after + 1, len(rows))]
        if not scored:
            return after, 0.0
        sc, j = max(scored)  # on a tie, the earliest row
        return -j, max(sc, 0.0)

    def starts(label: str) -> bool:
        t = normalise_label(label)
        return len(t) >= 3 and any(len(leaf) > len(t) and fuzz.ratio(t, leaf[:len(t)]) >= 85 for leaf in leaves)

    observed = assemble_rows(lines, complete, header, best, starts)
    widths = [len(r.columns) for r in rows]
    pairs = align(observed, rows, widths)
    cells: dict[str, CellRecord] = {}
    notes: list[str] = []
    fixed: dict[str, float | None] = {}
    pending: list[tuple[Row, ObservedRow, list[Hypothesis]]] = []
    printed_empty = not pairs and _labels_printed(rows, lines)
    doubtful = _ambiguous(pairs, rows, observed)
    for j in doubtful:
        if j in pairs:
            obs = observed[pairs.pop(j)]
            notes.append(f"“{obs.label}”一行的标签与“{rows[j].label}”等多行相近，无法确定属于哪一行（标记为 uncertain）")
    for j, row in enumerate(rows):
        keys = [cell_key(table, row, c) for c in row.columns]
        if j not in pairs:
            status = "blank" if pairs or printed_empty else "missing"
            if j in doubtful or pairs and _unplaced_figures(j, pairs, observed):
                status = "uncertain"  # figures were printed around here that no row could take
            for k in keys:
                cells[k] = CellRecord(k, None, None, status)
            continue
        obs = observed[pairs[j]]
        if not obs.cells:  # the row is printed with no figures at all
            for k in keys:
                cells[k] = CellRecord(k, None, None, "blank", *obs.location, obs.text)
                fixed[k] = None
            continue
        hyps, how = fit(obs, len(keys))
        if how == "exact":
            for k, tok in zip(keys, hyps[0]):
                cells[k] = _record(k, tok, obs)
                fixed[k] = cells[k].value if cells[k].status == "number" else None
        else:
            pending.append((row, obs, hyps))
    eqs = equalities(version) if table.id == "apply" else ()
    solved = None
    if pending and eqs and all(hyps for _, _, hyps in pending):
        # all rows that lost cells are placed together: the 勾稽关系 tie them to each other
        choices = [[dict(zip([cell_key(table, row, c) for c in row.columns], h)) for h in hyps]
                   for row, _, hyps in pending]
        solved = resolve(fixed, choices, eqs)
    for row, obs, hyps in pending:
        keys = [cell_key(table, row, c) for c in row.columns]
        if solved:
            for k in keys:
                tok, value = solved[k]
                if tok is None:
                    cells[k] = _record(k, None, obs, "inferred", value)
                else:
                    cells[k] = _record(k, tok, obs)
                    if cells[k].status == "number":
                        cells[k].status = "inferred"
            notes.append(f"“{row.label}”一行印出的数字少于应有的 {len(keys)} 个，已按勾稽关系确定各列（标记为 inferred）")
        else:
            for k in keys:
                cells[k] = CellRecord(k, None, None, "uncertain", *obs.location, obs.text)
            notes.append(f"“{row.label}”一行印出的数字个数与表头不符，无法可靠对位，该行未存数字（标记为 uncertain）")
    return cells, notes


_REVIEW_ROW_LABELS = tuple(_template_leaf_labels(r) for r in REVIEW.rows)  # 行政复议 / 直接起诉 / 复议后起诉
_REVIEW_LABEL = " ".join(dict.fromkeys(r.group or r.label for r in REVIEW.rows))  # "行政复议 行政诉讼"


def _review_header_printed(lines: list[Line]) -> bool:
    text = normalise_label("".join(ln.text for ln in lines if ln.kind != "narrative"))
    first, *suits = _REVIEW_ROW_LABELS
    upheld = normalise_label(RESULT_COLUMNS[0].variants[0])  # 维持
    return (any(x in text for x in first) and any(x in text for labels in suits for x in labels)
            and upheld in text)


def parse_review_table(lines: list[Line]) -> tuple[dict[str, CellRecord], list[str]]:
    """Section 四: 15 figures under a two-level header (复议 5, 直接起诉 5, 复议后起诉 5)."""
    keys = [f"{g}.{c.key}" for g in REVIEW_GROUPS for c in RESULT_COLUMNS]
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
    runs = [r for r in runs if any(t.kind == "value" for t, _ in r)]
    cells: dict[str, CellRecord] = {}
    notes: list[str] = []
    run = next((r for r in reversed(runs) if len(r) >= 14), None)
    if run is None:
        # the table printed as two (行政复议 five figures, then 行政诉讼 ten) or three groups of five
        for i in range(len(runs)):
            sizes = [len(r) for r in runs[i:i + 3]]
            if sizes[:2] == [5, 10] or sizes == [5, 5, 5]:
                run = [x for r in runs[i:i + (2 if sizes[:2] == [5, 10] else 3)] for x in r]
    if run is None:
        status = "uncertain" if runs else "missing"
        if not runs and _review_header_printed(lines):
            status = "blank"  # the table is there, its cells are empty
        for k in keys:
            cells[k] = CellRecord(k, None, None, status)
        if runs:
            notes.append("行政复议、行政诉讼表的数字个数不足，未能对位（标记为 uncertain）")
        return cells, notes
    printed_lines = list({id(ln): ln for _, ln in run}.values())
    row = ObservedRow(_REVIEW_LABEL, [t for t, _ in run], "cell", printed_lines)
    hyps, how = fit(row, 15)
    if how == "exact":
        for k, tok in zip(keys, hyps[0]):
            cells[k] = _record(k, tok, row)
        return cells, notes
    eqs = tuple(e for e in equalities("2021") if e.rule == "review_sum")
    solved = resolve({}, [[dict(zip(keys, h)) for h in hyps]], eqs) if hyps else None
    if solved:
        for k in keys:
            tok, value = solved[k]
            cells[k] = _record(k, tok, row, "inferred", value) if tok is None else _record(k, tok, row)
            if tok is not None and cells[k].status == "number":
                cells[k].status = "inferred"
        notes.append("行政复议、行政诉讼表印出的数字个数与表头不符，已按勾稽关系确定（标记为 inferred）")
    else:
        for k in keys:
            cells[k] = CellRecord(k, None, None, "uncertain", *row.location, row.text)
        notes.append("行政复议、行政诉讼表印出的数字个数与表头不符，无法可靠对位（标记为 uncertain）")
    return cells, notes


TABLE_PARSERS = {"active": ACTIVE, "apply": APPLY, "review": REVIEW}
