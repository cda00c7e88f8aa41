"""Lines of a table region made ready for row assembly (a pure step before :mod:`~.assemble`).

* **Spacing.**  Pages flattened to text often print one cell per line with an empty line after
  every cell.  Then an empty line separates nothing (the labels separate the rows) and a line
  holding only spaces is a cell printed empty.  Elsewhere (one cell per line, rows separated by an
  empty line) empty lines keep their meaning.
* **Column grids.**  A grid whose rows hold one cell each is a list of cells, one per line.
* **Group fragments.**  A PDF's text wraps a merged group cell ("（三）不予公开", "三、本年度办理结果") over
  the lines of the rows beside it: "（三）不予公 益 1 0 0 0 0 0 1", "果 4.保护第三方合法权".  The pieces of a
  group label are not part of the row labels they are printed with.
* **Labels in context.**  A row label with a long explanation in brackets reads like a sentence
  ("规范性文件（行政机关制定发布的决定、公告…一般情况下属于规范性文件）"); when figures follow it, it is
  the row's label, not narrative.
"""

from __future__ import annotations

from store.parse.lines import Line, Tok, fold
from store.parse.table.labels import Labels, normalise_label
from store.parse.table.settings import SETTINGS, TableSettings


def _content(ln: Line) -> bool:
    return ln.kind in ("cell", "row", "grid")


def _has_value(ln: Line) -> bool:
    return _content(ln) and any(t.kind == "value" for t in ln.toks)


def spaced(lines: list[Line], settings: TableSettings = SETTINGS) -> bool:
    """Whether an empty line follows every cell: a figure or a cell holding only spaces is never on
    the line right after another cell, only ever with empty lines between (a label may wrap onto
    the next line: "本年新" / "制作数量")."""
    adjacent = apart = 0
    prev: Line | None = None
    gap = False
    for ln in lines:
        if ln.kind == "narrative":
            prev, gap = None, False
            continue
        cellish = _content(ln) or _space_only(ln)
        if not cellish:
            gap = True
            continue
        if prev is not None and (_has_value(ln) or _space_only(ln) or _has_value(prev) or _space_only(prev)):
            if gap:
                apart += 1
            else:
                adjacent += 1
        prev, gap = ln, False
    return apart >= settings.spaced_min_apart and adjacent < apart * settings.spaced_max_adjacent


def _space_only(ln: Line) -> bool:
    return ln.kind == "empty" and ln.text != "" and not ln.text.strip(" \u3000\u00a0\r\t")


def blank_cell(ln: Line) -> Line:
    return Line("cell", ln.text, [Tok(ln.text, "blank", True, line=ln.line, page=ln.page)], ln.line, ln.page)


def unspace(lines: list[Line]) -> list[Line]:
    """Drop the empty lines of a spaced layout; a line holding only spaces is an empty cell."""
    return [blank_cell(ln) if _space_only(ln) else ln for ln in lines if ln.kind != "empty" or _space_only(ln)]


def label_line(ln: Line) -> Line:
    text = ln.text.strip()
    return Line("cell", ln.text, [Tok(text, "label", True, line=ln.line, page=ln.page)], ln.line, ln.page)


def labels_in_context(lines: list[Line]) -> list[Line]:
    """A line that reads like narrative but is followed by figures (empty lines between) is a row label."""
    out = list(lines)
    for i, ln in enumerate(lines):
        if ln.kind != "narrative":
            continue
        nxt = next((x for x in lines[i + 1:] if x.kind != "empty"), None)
        if nxt is not None and nxt.kind == "cell" and _has_value(nxt):
            out[i] = label_line(ln)
    return out


def _single(ln: Line) -> bool:
    return sum(1 for t in ln.toks if t.kind != "blank") <= 1


def column_grids(lines: list[Line]) -> list[Line]:
    """A grid whose every row holds one cell at most (a pipe table broken after every cell: "规章 |",
    "2 |") is one cell per line: each row becomes a cell line (its cell, or an empty cell)."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].kind == "grid":
            j += 1
        run = lines[i:j]
        if run and all(_single(ln) for ln in run) and sum(_has_value(ln) for ln in run) >= 2:
            for ln in run:
                tok = next((t for t in ln.toks if t.kind != "blank"), None) or \
                    Tok("", "blank", True, line=ln.line, page=ln.page)
                out.append(Line("cell", ln.text, [tok], ln.line, ln.page, ln.original))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def _group_starts(labels: Labels) -> set[str]:
    """The beginnings (three characters or more, not the whole) of a table's group labels that begin no
    row label: "（三）不予公", "三、本年度办理结" (worked out once per table, when its labels are made)."""
    return labels.group_starts


def group_fragments(lines: list[Line], labels: Labels | None) -> list[Line]:
    """Label tokens without the pieces of a wrapped group cell printed in them (see the module doc)."""
    if labels is None:
        return lines
    starts = _group_starts(labels)
    if not starts:
        return lines
    out = []
    for ln in lines:
        if ln.kind not in ("cell", "row", "grid"):
            out.append(ln)
            continue
        # the line's label words, in order: (token index, word)
        words = [(i, w) for i, t in enumerate(ln.toks) if t.kind == "label" and not t.garbled
                 for w in fold(t.text).split()]
        if len(words) < 2 and len(ln.toks) < 2:
            out.append(ln)
            continue
        drop = set()
        for k, (_, w) in enumerate(words):
            if normalise_label(w) in starts:
                drop.add(k)
        if not drop or len(drop) == len(words):
            # nothing to drop, or nothing but the group's piece: it stays (it may tie the figures on its
            # line to the row label printed below them: "三、本年度办理结 49 0 …" / "果 （一）予以公开")
            out.append(ln)
            continue
        kept: dict[int, list[str]] = {}
        for k, (i, w) in enumerate(words):
            if k not in drop:
                kept.setdefault(i, []).append(w)
        toks = []
        for i, t in enumerate(ln.toks):
            if t.kind != "label" or t.garbled:
                toks.append(t)
            elif i in kept:
                toks.append(t if len(kept[i]) == len(fold(t.text).split()) else
                            Tok(" ".join(kept[i]), t.kind, t.explicit, line=t.line, page=t.page))
        out.append(Line(ln.kind, ln.text, toks, ln.line, ln.page, ln.original))
    return out


def prepare(lines: list[Line], settings: TableSettings = SETTINGS, decisions: list[str] | None = None,
            labels: Labels | None = None) -> list[Line]:
    """The steps above, in order; what they decided is appended to ``decisions`` (for the trace)."""
    said = decisions if decisions is not None else []
    out = group_fragments(lines, labels)
    if out != lines:
        said.append("合并的分组单元格（如“（三）不予公开”）折行夹在行标签中，已从行标签中去掉")
    lines = out
    out = column_grids(lines)
    if out != lines:
        said.append("每行只有一格的表格按“每格一行”读")
    lines, out = out, labels_in_context(out)
    if out != lines:
        said.append(f"{sum(a is not b for a, b in zip(lines, out))} 行像正文的文字后面紧跟数字，按行标签读")
    lines = out
    if spaced(lines, settings):
        lines = unspace(lines)
        said.append("每格一行、格后空一行：空行不分行，只含空格的行是空单元格")
    return lines
