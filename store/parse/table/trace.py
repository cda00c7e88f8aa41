"""What the table parser did, step by step: the data ``show --explain`` prints.

The parser fills a :class:`TableTrace` as it goes (it is part of its result, not a second
implementation): every printed row it assembled, and for every template row which printed row was
matched with it, how (by label, by position), with which score, and what became of each cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PrintedRowTrace:
    """A row as assembled from the printed lines."""

    index: int
    label: str
    layout: str  # grid | row | cell | empty
    cells: list[str]  # the cells as printed ("" for an empty cell)
    line: int | None
    page: int | None
    matched: str | None = None  # the template row it was matched with
    cut: bool = False


@dataclass
class RowTrace:
    """One template row: how it was matched and what was placed."""

    row: str  # the template row's label
    how: str  # label | position | not found | ambiguous | after the cut
    score: float | None = None  # label similarity (0-100) of the matched printed row
    printed: int | None = None  # index of the matched printed row
    fit: str = ""  # exact | extra | lost | cut | empty
    cells: list[tuple[str, str, str]] = field(default_factory=list)  # (key, status, value or raw)


@dataclass
class TableTrace:
    table: str  # active | apply | review
    title: str
    first_line: int | None = None
    last_line: int | None = None
    printed: list[PrintedRowTrace] = field(default_factory=list)
    rows: list[RowTrace] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)  # what the preparing step decided about the layout
    cut: bool = False  # the document ends inside this table


def _where(line: int | None, page: int | None) -> str:
    if page is not None:
        return f"p{page}" + (f":{line}" if line is not None else "")
    return f"L{line}" if line is not None else "—"


def format_trace(trace: TableTrace) -> list[str]:
    """The trace as lines of text (for ``disclosure-bot show … --explain``)."""
    span = ""
    if trace.first_line is not None:
        span = f"（第{trace.first_line}–{trace.last_line}行）"
    out = [f"【{trace.title}】{span}"]
    out += [f"  版式：{x}" for x in trace.layout]
    if trace.cut:
        out.append("  文件在此表中截断：其后的行未印出（missing）")
    out.append("  印出的行：")
    if not trace.printed:
        out.append("    （无）")
    for p in trace.printed:
        cells = " ".join(c if c else "␣" for c in p.cells) or "（无数字）"
        to = f"→ {p.matched}" if p.matched else "→ 未对应模板行"
        cut = " [文件在此截断]" if p.cut else ""
        out.append(f"    #{p.index} {_where(p.line, p.page)} [{p.layout}] “{p.label}”：{cells} {to}{cut}")
    out.append("  模板行：")
    for r in trace.rows:
        head = f"    {r.row}：{r.how}"
        if r.printed is not None:
            head += f" #{r.printed}"
        if r.score is not None:
            head += f" 相似度 {r.score:.0f}"
        if r.fit:
            head += f"，{r.fit}"
        out.append(head)
        out.append("      " + "  ".join(f"{k.rsplit('.', 1)[-1]}={s}" + (f"({v})" if v else "")
                                      for k, s, v in r.cells))
    for n in trace.notes:
        out.append(f"  注：{n}")
    return out
