"""Row assembly: lines of tokens in, :class:`ObservedRow` s out (a label followed by its cells), in any
layout — a grid, one row per line, one cell per line, label lines wrapped around their figures."""

from __future__ import annotations

import re

from store.parse.lines import Line, fold
from store.parse.table.labels import NUMBERED, ROW_NUMBER, Labels, join_label
from store.parse.table.rows import ObservedRow
from store.parse.table.settings import SETTINGS


def _segment_gap(prev: str, gap: list[str], head: list[str] | None, labels: Labels, anchor: int,
                 ahead: list[str] = ()):
    """Split the label lines between two rows printed one per line: the first part ends the row
    above (a label wrapped around its figures, as PDF text prints a vertically centred cell), an
    optional middle part is a row printed empty, the rest begins the row below (``head`` holds the
    label printed on the row below's own line; None at the end of a block; ``ahead`` the label lines
    after it, which may end its label).

    Returns (c1, c2): ``gap[:c1]`` goes up, ``gap[c1:c2]`` is an empty row, ``gap[c2:]`` goes down.
    """
    s = labels.settings
    best = labels.best
    m = len(gap)
    # a line that starts with a row's numbering ("二、", "（三）", "4.") begins a row: it never ends the one above
    up_to = next((k for k, x in enumerate(gap) if ROW_NUMBER.match(fold(x))), m)
    choice, top = (0, 0), None
    for c1 in range(up_to + 1):
        pj, ps = best(" ".join([prev, *gap[:c1]]), anchor)
        for c2 in range(c1, m + 1):
            middle = " ".join(gap[c1:c2])
            if c2 > c1 and not labels.complete(gap[c2 - 1]):
                continue
            # every part must earn its place: a row its threshold, a row printed empty much more
            ej, es = best(middle, pj) if c2 > c1 else (pj, s.empty_row_bar)
            if head is None:
                if c2 < m:
                    continue  # nothing below: every line goes up or forms the empty row
                ns = s.match_threshold
            else:
                rest = [*gap[c2:], *head, *ahead]
                ns = best(" ".join(rest), ej)[1] if rest else s.match_threshold
            total = (ps - s.match_threshold) + (es - s.empty_row_bar) + (ns - s.match_threshold)
            if top is None or total > top + 1e-9:
                choice, top = (c1, c2), total
    return choice


def without_sequence_number(toks: list) -> list:
    """A row's cells without a 序号 column: a small whole number before the label, figures after it
    (a figure never precedes the label in these tables)."""
    if len(toks) > 2 and toks[0].kind == "value" and not toks[0].na and isinstance(toks[0].value, int) \
            and 0 < toks[0].value < 200 and re.fullmatch(r"\d{1,3}", fold(toks[0].text)):
        rest = toks[1:]
        while rest and rest[0].kind == "blank":
            rest = rest[1:]
        if rest and rest[0].kind == "label" and not rest[0].garbled and any(t.kind == "value" for t in rest[1:]):
            return rest
    return toks


def assemble_rows(lines: list[Line], labels: Labels | None = None) -> list[ObservedRow]:
    """Group tokens into rows: a label followed by its cells, in any layout.

    With ``labels`` (the table's :class:`Labels`): a whole row label followed by another label, with no
    figures in between, is a row printed empty (kept as a row without cells, so that its label does not
    run into the next row's); column and group headings are never part of a row label; and label lines
    between rows printed one per line are shared out between the row above and the row below (see
    :func:`_segment_gap`).
    """
    settings = labels.settings if labels else SETTINGS
    s_tail = settings.label_tail
    complete = labels.complete if labels else None
    header = labels.header if labels else None
    best = labels.best if labels else None
    starts = labels.starts if labels else None
    anchor_bar = settings.anchor_bar
    rows: list[ObservedRow] = []
    pending: list[str] = []  # label texts not yet given to a row
    pending_lines: list[Line] = []
    cur: ObservedRow | None = None
    gap_row: ObservedRow | None = None  # a row printed on one line, whose label may go on below it
    anchor = -1  # the template row the row before ``gap_row`` fits
    # a column or group heading was printed since the last row: figures after it are not "right under"
    # a row that seemed empty (a PDF-to-text tool that wrote the labels column, then the headings, then
    # the figures column by column)
    headed = False

    def label_lines_after(i: int) -> list[str]:
        out = []
        for ln in lines[i + 1:i + 6]:
            if ln.kind not in ("cell", "row") or any(t.kind == "value" for t in ln.toks):
                break
            out += [t.text for t in ln.toks if t.kind == "label"]
        return out

    def share_gap(head: list[str] | None, ahead: list[str] = ()):
        """Give the label lines after ``gap_row`` to it, to an empty row, or to the row below."""
        nonlocal pending, pending_lines, gap_row, anchor
        if gap_row is None or best is None or not pending:
            if gap_row is not None and best is not None:
                j, sc = best(gap_row.label, anchor)
                anchor = j if sc >= anchor_bar else anchor
            gap_row = None
            return
        c1, c2 = _segment_gap(gap_row.label, pending, head, labels, anchor, ahead)
        if c1:
            gap_row.label = join_label([gap_row.label, *pending[:c1]], s_tail)
            gap_row.lines = gap_row.lines + pending_lines[:c1]
        j, sc = best(gap_row.label, anchor)
        anchor = j if sc >= anchor_bar else anchor
        if c2 > c1:
            middle = " ".join(pending[c1:c2])
            rows.append(ObservedRow(middle, [], "empty", pending_lines[c1:c2], pending[c2 - 1]))
            j, sc = best(middle, anchor)
            anchor = j if sc >= anchor_bar else anchor
        pending, pending_lines = pending[c2:], pending_lines[c2:]
        gap_row = None

    def flush():
        nonlocal cur
        if cur is not None and cur.cells:
            rows.append(cur)
        cur = None

    def close_empty_row(following: str | None = None):
        """The labels so far end in a whole row label that got no figures, and what follows
        (``following``: a label, None for the end of a block) starts something else."""
        nonlocal pending, pending_lines
        if following is not None and not (NUMBERED.match(fold(following)) or (complete and complete(following))
                                          or (header is not None and header(following))
                                          or (starts is not None and starts(following))):
            return  # the label goes on ("1.申请人无正当理由逾期不补正、" / "行政机关不再处理…")
        if complete is not None and pending and complete(pending[-1]):
            rows.append(ObservedRow(pending[-1], [], "empty", pending_lines[-1:]))
            pending, pending_lines = [], []

    for i, ln in enumerate(lines):
        if ln.kind in ("empty", "narrative"):
            flush()
            share_gap(None)
            close_empty_row()
            pending, pending_lines = [], []
            continue
        if ln.kind in ("row", "grid"):
            flush()
            toks = without_sequence_number(ln.toks)
            k = 0
            while k < len(toks) and toks[k].kind != "value":
                k += 1
            while k > 0 and toks[k - 1].garbled:  # a misread figure ("S8") before the figures is a cell
                k -= 1
            head, tail = toks[:k], toks[k:]
            if ln.kind == "grid":
                note = []
                if not tail:  # no figure: words after empty cells are a note column ("行政许可 | | 备注")
                    while len(head) > 2 and head[-1].kind == "label" and head[-2].kind == "blank":
                        note.insert(0, head.pop())
                        while len(head) > 2 and head[-1].kind == "blank" and head[-2].kind == "blank":
                            note.insert(0, head.pop())
                # trailing blanks of a grid are real cells; blanks just before the values may be too
                while head and head[-1].kind == "blank":
                    tail.insert(0, head.pop())
                if tail:
                    tail += note
                else:
                    head += note
            head_labels = [t.text for t in head if t.kind == "label"]
            if header is not None and any(header(x) for x in head_labels):
                headed = True
                share_gap(None)
                close_empty_row(head_labels[0])
                pending, pending_lines = [], []
                # among headings, 总计 and 其他 are headings too ("自然人 | 法人或其他组织 | 总计")
                head_labels = [x for x in head_labels if not header(x) and not labels.among_headings(x)]
            if tail and gap_row is not None:
                share_gap(head_labels, label_lines_after(i) if ln.kind == "row" else [])
            if head_labels and gap_row is None:
                close_empty_row(head_labels[0])
            if tail:
                printed = [ln] if head_labels else pending_lines[-2:] + [ln]
                if not pending and not head_labels and rows and rows[-1].layout == "empty" and not headed:
                    printed = rows[-1].lines + printed  # figures right under a row that seemed empty
                    pending = [rows.pop().label]
                rows.append(ObservedRow(join_label(pending + head_labels, s_tail), list(tail), ln.kind, printed,
                                        (pending + head_labels)[-1] if pending + head_labels else "",
                                        apart=not head_labels))
                pending, pending_lines = [], []
                if ln.kind == "row":
                    gap_row = rows[-1]
            elif ln.kind == "grid" and head and all(t.kind == "blank" for t in head):
                continue
            else:
                pending += head_labels
                pending_lines.append(ln)
            if head_labels or tail:
                headed = False
            continue
        tok = ln.toks[0]
        if tok.kind == "label" and not (tok.garbled and (pending or cur is not None)):
            if cur is not None and cur.cells:
                flush()
            if cur is not None:  # a label continues the label of a row not yet filled
                pending = [cur.label]
                cur = None
            if header is not None and header(tok.text):
                headed = True
                share_gap(None)
                close_empty_row(tok.text)
                pending, pending_lines = [], []
                continue
            headed = False
            if gap_row is None:
                close_empty_row(tok.text)
            pending.append(tok.text)
            pending_lines.append(ln)
            continue
        if cur is None:
            if not pending and tok.kind == "blank":
                continue  # spacing between rows, or a merged cell's placeholder
            share_gap([])
            # figures under no readable label still form a row: its place in the table may tell which
            if not pending and rows and rows[-1].layout == "empty" and not headed:
                pending, pending_lines = [rows[-1].label], rows.pop().lines  # right under a row that seemed empty
            cur = ObservedRow(join_label(pending, s_tail), [], "cell", list(pending_lines),
                              pending[-1] if pending else "", apart=True)
            pending, pending_lines = [], []
            headed = False
        cur.cells.append(tok)
        cur.lines.append(ln)
    flush()
    share_gap(None)
    close_empty_row()
    return rows
