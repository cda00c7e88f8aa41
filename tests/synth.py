"""Synthetic annual reports for tests and the benchmark.

``render(figures, version, layout, ...)`` prints a whole report (title, the six
sections, the three standard tables, a signature and date) in one of the
layouts the real samples show:

* ``cells``     one cell per line, tab-indented, blank lines between rows (samples 000, 003);
* ``tabs``      one row per line, cells separated by tabs (samples 002, 004);
* ``spaces``    one row per line, cells separated by runs of spaces;
* ``single``    one row per line, cells separated by single spaces (HTML pages that flattened rows to text);
* ``pdftext``   as ``single``, but long labels wrapped over two or three lines with the figures on the
  middle one, as PDF text extraction prints a vertically centred cell;
* ``fullwidth`` one cell per line with stray full-width / no-break spaces in cells (sample 001);
* ``wrapped``   one cell per line with long labels wrapped onto a second line (000, 003 headers);
* ``spaced``    one cell per line with an empty line after every cell, figures padded with spaces, an
  empty cell a line of spaces, headings wrapped ("本年新" / "制作数量") — web pages flattened to text;
* ``pipes``     one row per line, cells separated by " | ", a stray empty cell at the end ("| |");
* ``pipecells`` one cell per line, each ending in " |" (a pipe table whose rows were broken after every cell);
* ``html``      a real ``<table>`` with rowspan/colspan in the official layout.

A figure is an ``int``/``float`` (printed), ``None`` (blank cell) or a mark
string such as ``"/"`` or ``"—"`` (printed as is).  ``lose`` names cells whose
printed value is dropped from the row, as PDF extraction sometimes does.
"""

from __future__ import annotations

import html as _html
import random

from store.template import (ACTIVE, APPLICANT_COLUMNS, APPLY, RESULT_COLUMNS, REVIEW, cell_key, cells,
                            row_key)

LAYOUTS = ("cells", "tabs", "spaces", "single", "pdftext", "fullwidth", "wrapped", "spaced", "pipes", "pipecells",
           "html")
TEXT_LAYOUTS = tuple(x for x in LAYOUTS if x != "html")
MARKS = ("/", "—")

RESULT_ROWS_TOP = "三、本年度办理结果"


def template_keys(version: str) -> list[str]:
    return [s.key for s in cells(version)]


# --------------------------------------------------------------------------- figures

def consistent_figures(rng: random.Random, version: str, density: float = 0.3, big: int = 50) -> dict:
    """Figures that satisfy every 勾稽关系 of the template (all printed, no blanks)."""
    f: dict[str, int] = {}
    parts = [c.key for c in APPLICANT_COLUMNS if c.key != "total"]

    def small():
        return rng.randint(1, big) if rng.random() < density else 0

    result_rows = [r for r in APPLY.rows_for(version) if r.key not in ("new", "carried", "total", "carry_forward")]
    for r in result_rows:
        for p in parts:
            f[f"apply.{r.key}.{p}"] = small()
    for p in parts:
        tot = sum(f[f"apply.{r.key}.{p}"] for r in result_rows)
        f[f"apply.total.{p}"] = tot
        cf = small() if rng.random() < 0.5 else 0
        f[f"apply.carry_forward.{p}"] = cf
        carried = rng.randint(0, tot + cf)
        f[f"apply.carried.{p}"] = carried
        f[f"apply.new.{p}"] = tot + cf - carried
    for r in APPLY.rows_for(version):
        f[f"apply.{r.key}.total"] = sum(f[f"apply.{r.key}.{p}"] for p in parts)
    for g in ("review", "suit.direct", "suit.after_review"):
        vals = [small() for _ in range(4)]
        for c, v in zip(("upheld", "corrected", "other", "pending"), vals):
            f[f"{g}.{c}"] = v
        f[f"{g}.total"] = sum(vals)
    for spec in cells(version):
        if spec.table == "active":
            f[spec.key] = small() if spec.column.key != "amount" else rng.choice([0, 0, 1.5, 12.35, 300])
    return f


def arbitrary_figures(rng: random.Random, version: str, blank: float = 0.05, mark: float = 0.05,
                      big: int = 3000) -> dict:
    """Any figures at all (勾稽关系 need not hold), with blanks and "/" "—" marks."""
    f: dict = {}
    for k in template_keys(version):
        x = rng.random()
        if x < blank:
            f[k] = None
        elif x < blank + mark:
            f[k] = rng.choice(MARKS)
        else:
            f[k] = rng.choice([0, 0, 0, rng.randint(1, 9), rng.randint(10, big)])
    return f


# --------------------------------------------------------------------------- printing values

def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, float) and not v.is_integer():
        return repr(v)  # every decimal (18651.06), as a report prints it
    return str(int(v))


def expected(figures: dict, version: str) -> dict[str, tuple]:
    """key -> (status, value, raw) the parser must return for a figure printed as is."""
    out = {}
    for k in template_keys(version):
        v = figures.get(k, 0)
        if v is None:
            out[k] = ("blank", None, None)
        elif isinstance(v, str):
            out[k] = ("na", None, v)
        else:
            out[k] = ("number", v, fmt(v))
    return out


# --------------------------------------------------------------------------- tables as rows

def _active_rows(version: str):
    """(group header, column labels, [(row label, keys)]) per group of section 二."""
    groups: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = []
    for row in ACTIVE.rows_for(version):
        keys = [cell_key(ACTIVE, row, c) for c in row.columns]
        if not groups or groups[-1][0] != row.group:
            groups.append((row.group, [c.label for c in row.columns], []))
        groups[-1][2].append((row.label, keys))
    return groups


def _apply_rows(version: str):
    """[(top label, group label, row label, keys)] of section 三; top/group given on their first row."""
    out = []
    seen_top = seen_group = None
    for row in APPLY.rows_for(version):
        keys = [cell_key(APPLY, row, c) for c in APPLICANT_COLUMNS]
        is_result = row.key not in ("new", "carried", "carry_forward")
        top = RESULT_ROWS_TOP if is_result and seen_top is None else ""
        if is_result:
            seen_top = True
        group = row.group if row.group and row.group != RESULT_ROWS_TOP else ""
        g = group if group and group != seen_group else ""
        seen_group = group or None
        out.append((top, g, row.label, keys, is_result, bool(group)))
    return out


REVIEW_KEYS = [cell_key(REVIEW, r, c) for r in REVIEW.rows for c in RESULT_COLUMNS]


# --------------------------------------------------------------------------- the report around the tables

def _head(agency: str, year: int, region: str, lines_of_narrative: int, figures: dict, version: str) -> list[str]:
    new_total = figures.get("apply.new.total")
    out = [f"{agency}{year}年政府信息公开工作年度报告", "",
           f"本报告根据《中华人民共和国政府信息公开条例》和{region}政府信息公开规定编制。", "",
           "一、总体情况",
           f"{year}年，{agency}认真贯彻落实政府信息公开各项要求，不断完善工作机制，政府信息公开工作取得积极成效。"]
    for i in range(lines_of_narrative):
        out.append(f"（{'一二三四五六七八九'[i % 9]}）工作措施{i + 1}")
        out.append(f"全年主动公开信息{100 + i}条，围绕重点领域持续推进政务公开，回应公众关切{i + 3}条，做到及时、准确、全面。")
    if isinstance(new_total, int):
        out.append(f"全年共收到政府信息公开申请{new_total}件，均已按时答复。")
    out += ["", "二、主动公开政府信息情况"]
    return out


def _tail(agency: str, year: int) -> list[str]:
    return ["", "五、存在的主要问题及改进情况",
            "一是信息公开的及时性有待提高；二是政策解读形式较为单一。下一步将加强培训，完善制度，提升工作水平。",
            "", "六、其他需要报告的事项", "本年度未收取信息处理费。", "", agency, f"{year + 1}年1月15日", ""]


def _wrap(label: str) -> list[str]:
    if len(label) < 8:
        return [label]
    cut = len(label) // 2
    return [label[:cut], label[cut:]]


# --------------------------------------------------------------------------- text layouts

_NOISE = "口□·FIl|ſ'、 ;:一丨"


def garbler(rate: float, seed: int = 0):
    """A function that garbles row labels as PDF extraction does: characters replaced, dropped, doubled."""
    rng = random.Random(seed)

    def g(text: str) -> str:
        if rate <= 0 or rng.random() >= rate or len(text) < 4:
            return text
        chars = list(text)
        for _ in range(rng.randint(1, max(1, len(chars) // 6))):
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                chars[i] = rng.choice(_NOISE)
            elif op < 0.7:
                del chars[i]
            else:
                chars.insert(i, chars[i])
        return "".join(chars)

    return g


def _cells_table_lines(figures, version, layout, lose, g=lambda t: t, placeholders: bool = True
                       ) -> tuple[list[str], list[str], list[str]]:
    """Sections 二, 三, 四 in the one-cell-per-line layouts; ``placeholders``: a line holding only a tab where
    a merged cell spans (samples 000 and 003 print them; pages flattened to text do not)."""
    ph = ["\t"] if placeholders else []

    def label(text, indent="\t"):
        text = g(text)
        if layout == "wrapped":
            parts = _wrap(text)
            return [indent + parts[0]] + parts[1:]
        if layout == "fullwidth" and len(text) >= 4:
            return [indent + text[:2] + "\u3000" + text[2:]]
        return [indent + text]

    def value(k):
        if k in lose:
            return []
        s = fmt(figures.get(k, 0))
        if layout == "fullwidth" and s:
            n = sum(map(ord, k))
            s = ("\u3000 \u00a0", "\u00a0", "\u3000 ", "")[n % 4] + s + ("", "\u00a0")[n // 4 % 2]
        return ["\t" + s]

    active: list[str] = []
    for group, col_labels, rows in _active_rows(version):
        active += label(group) + [""] + ["\t信息内容"] + [ln for c in col_labels for ln in label(c)] + [""]
        for row_label, keys in rows:
            active += label(row_label)
            for k in keys:
                active += value(k)
            active.append("")
    apply = ["\t（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "\t申请人情况", "", *ph,
             "\t自然人", "\t法人或其他组织", "\t总计", "", *ph, *ph]
    for c in APPLICANT_COLUMNS[1:-1]:
        apply += label(c.label) if layout != "wrapped" else ["\t" + c.label[:2], c.label[2:]]
    apply += [*ph, ""]
    for top, group, row_label, keys, is_result, in_group in _apply_rows(version):
        if is_result and not top:
            apply += ph
        if in_group and not group:
            apply += ph
        if top:
            apply += label(top)
        if group:
            apply += label(group)
        apply += label(row_label)
        for k in keys:
            apply += value(k)
        apply.append("")
    review = ["\t行政复议", "\t行政诉讼", ""]
    review += [ln for c in RESULT_COLUMNS for ln in label(c.label)]
    review += ["\t未经复议直接起诉", "\t复议后起诉", "", *ph * 5]
    review += [ln for _ in range(2) for c in RESULT_COLUMNS for ln in label(c.label)]
    review.append("")
    for k in REVIEW_KEYS:
        review += value(k)
    return active, apply, review


def _row_table_lines(figures, version, layout, lose, g=lambda t: t) -> tuple[list[str], list[str], list[str]]:
    """Sections 二, 三, 四 with one row per line (tabs or runs of spaces)."""
    sep = {"tabs": "\t", "single": " ", "pdftext": " ", "pipes": " | "}.get(layout, "    ")

    def vals(keys):
        return [fmt(figures.get(k, 0)) for k in keys if k not in lose]

    def line(cells):
        if layout in ("spaces", "single", "pdftext"):
            cells = [c for c in cells if c != ""]
        if layout == "pipes":
            return sep.join(cells) + " | |"
        return sep.join(cells)

    active: list[str] = []
    for group, col_labels, rows in _active_rows(version):
        active.append(line([group]))
        active.append(line(["信息内容", *col_labels]))
        for row_label, keys in rows:
            active.append(line([g(row_label), *vals(keys)]))
    apply = [line(["", "", "", "申请人情况"]),
             line(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "自然人",
                   "法人或其他组织", "", "", "", "", "总计"]),
             line(["", "", "", "", *[c.label for c in APPLICANT_COLUMNS[1:-1]]])]
    for top, group, row_label, keys, is_result, in_group in _apply_rows(version):
        if not is_result:
            cells_ = [g(row_label), "", ""]
        else:
            cells_ = [top, group, g(row_label)] if in_group else [top, g(row_label), ""]
        apply.append(line([*cells_, *vals(keys)]))
    review = [line(["行政复议", "", "", "", "", "行政诉讼"]),
              line(["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"]),
              line([c.label for _ in range(3) for c in RESULT_COLUMNS]),
              line(vals(REVIEW_KEYS))]
    return active, apply, review


def _spaced(lines: list[str], seed: int = 0) -> list[str]:
    """The one-cell-per-line lines with an empty line after every cell: figures padded with spaces, an empty
    cell (or a merged cell's placeholder) a line of spaces, a long heading wrapped onto a second line."""
    out: list[str] = []
    for n, ln in enumerate(lines):
        if ln == "":
            continue  # no empty line between rows: every line is followed by one
        cell = ln[1:] if ln.startswith("\t") else ln
        if not cell.strip():
            cell = " " * (1 + (n + seed) % 2)
        elif _CELL.fullmatch(cell.strip()):
            cell = " " * ((n + seed) % 3) + cell.strip()
        elif cell in ("本年新制作数量", "本年新公开数量", "本年制发件数"):
            cell = cell[:3] + "\n" + cell[3:]
        out += [cell, ""]
    return out


def _pipe_cells(lines: list[str]) -> list[str]:
    """The one-cell-per-line lines with " |" after every cell."""
    return [ln if ln == "" else (ln.strip("\t") + " |") for ln in lines]


def _page_break(apply: list[str], layout: str, repeat_header: bool, page: int = 3) -> list[str]:
    """Split section 三 by a page break after about half its rows: a page number, maybe the header again."""
    marker = "4.保护第三方合法权益"
    at = next((i for i, ln in enumerate(apply) if marker in ln), None)
    if at is None:
        return apply
    if layout in ("cells", "fullwidth", "wrapped"):
        at = next(i for i in range(at, len(apply)) if apply[i] == "") + 1
        header = apply[:apply.index("", apply.index("\t总计")) + 1] if repeat_header else []
        header = [ln for ln in header if "勾稽关系" not in ln]
    else:
        at += 1
        header = apply[:3] if repeat_header else []
    return apply[:at] + ["", f"— {page} —", "", "\f"] + header + apply[at:]


_CELL = __import__("re").compile(r"[\d./—-]+")


def _pdf_wrap(lines: list[str], rng: random.Random) -> list[str]:
    """Wrap long row labels around their figures, as PDF text of a vertically centred cell reads."""
    out = []
    for line in lines:
        toks = line.split(" ")
        k = len(toks)
        while k > 0 and _CELL.fullmatch(toks[k - 1] or "x"):
            k -= 1
        label, vals = " ".join(toks[:k]), toks[k:]
        if vals and len(label) >= 10 and rng.random() < 0.8:
            n = rng.choice([2, 3])
            cuts = [len(label) * i // n for i in range(n + 1)]
            for i in range(1, n):  # a line never ends inside a row's numbering ("1." stays with its text)
                while cuts[i] < cuts[i + 1] - 1 and label[cuts[i] - 1] in "0123456789.． ":
                    cuts[i] += 1
            parts = [label[cuts[i]:cuts[i + 1]] for i in range(n)]
            mid = 1 if n == 3 else rng.choice([0, 1])
            out += [p + (" " + " ".join(vals) if i == mid else "") for i, p in enumerate(parts)]
        else:
            out.append(line)
    return out


def render_text(figures: dict, version: str, layout: str, *, agency: str = "江岸区人民政府后湖街道办事处",
                year: int | None = None, region: str = "湖北省武汉市江岸区", lose: frozenset = frozenset(),
                narrative: int = 2, page_break: str | None = None, garble: float = 0.0, seed: int = 0) -> str:
    """``page_break``: None, "plain" (a page number between two rows of section 三) or "header"
    (the header printed again on the new page).  ``garble``: the share of row labels garbled."""
    year = year or (2020 if version == "2019" else 2021)
    if layout in ("spaced", "pipecells"):
        active, apply, review = _cells_table_lines(figures, version, "cells", lose, garbler(garble, seed),
                                                   placeholders=layout == "pipecells")
        if page_break:
            apply = _page_break(apply, "cells", page_break == "header")
            page_break = None
        active, apply, review = (_spaced(t, seed) if layout == "spaced" else _pipe_cells(t)
                                 for t in (active, apply, review))
    elif layout in ("cells", "fullwidth", "wrapped"):
        active, apply, review = _cells_table_lines(figures, version, layout, lose, garbler(garble, seed))
    else:
        active, apply, review = _row_table_lines(figures, version, layout, lose, garbler(garble, seed))
    if page_break:
        apply = _page_break(apply, layout, page_break == "header")
    if layout == "pdftext":
        rng = random.Random(seed * 7919 + len(apply))
        active, apply = _pdf_wrap(active, rng), _pdf_wrap(apply, rng)
    out = _head(agency, year, region, narrative, figures, version)
    out += active + ["", "三、收到和处理政府信息公开申请情况", ""] + apply
    out += ["", "四、政府信息公开行政复议、行政诉讼情况", ""] + review
    out += _tail(agency, year)
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

def _td(text="", rs=1, cs=1, tag="td"):
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return f"<{tag}{attrs}>{_html.escape(text)}</{tag}>"


def html_tables(figures: dict, version: str, lose: frozenset = frozenset()) -> tuple[str, str, str]:
    """The three standard tables as official HTML markup with rowspan/colspan."""

    def v(k, cs=1):
        if k in lose:
            return ""
        return _td(fmt(figures.get(k, 0)), cs=cs)

    rows = []
    for group, col_labels, grows in _active_rows(version):
        rows.append(_td(group, cs=4))
        span = {1: 3, 2: 1, 3: 1}[len(col_labels)]
        heads = [_td(c, cs=span if len(col_labels) == 1 else (2 if len(col_labels) == 2 and i == 1 else 1))
                 for i, c in enumerate(col_labels)]
        rows.append(_td("信息内容") + "".join(heads))
        for row_label, keys in grows:
            if len(keys) == 1:
                rows.append(_td(row_label) + v(keys[0], cs=3))
            elif len(keys) == 2:
                rows.append(_td(row_label) + v(keys[0]) + v(keys[1], cs=2))
            else:
                rows.append(_td(row_label) + "".join(v(k) for k in keys))
    active = "<table border=\"1\">" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"

    rows = [_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3)
            + _td("申请人情况", cs=7),
            _td("自然人", rs=2) + _td("法人或其他组织", cs=5) + _td("总计", rs=2),
            "".join(_td(c.label) for c in APPLICANT_COLUMNS[1:-1])]
    apply_rows = _apply_rows(version)
    n_result = sum(1 for r in apply_rows if r[4])
    group_sizes: dict[str, int] = {}
    for row in APPLY.rows_for(version):
        if row.group and row.group != RESULT_ROWS_TOP:
            group_sizes[row.group] = group_sizes.get(row.group, 0) + 1
    for (top, group, row_label, keys, is_result, in_group), row in zip(apply_rows, APPLY.rows_for(version)):
        cells_ = ""
        if not is_result:
            cells_ = _td(row_label, cs=3)
        else:
            if top:
                cells_ += _td(top, rs=n_result)
            if in_group:
                if group:
                    cells_ += _td(group, rs=group_sizes[row.group])
                cells_ += _td(row_label)
            else:
                cells_ += _td(row_label, cs=2)
        rows.append(cells_ + "".join(v(k) for k in keys))
    apply = "<table border=\"1\">" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"

    heads = "".join(_td(c.label) for c in RESULT_COLUMNS)
    rows = [_td("行政复议", cs=5) + _td("行政诉讼", cs=10),
            "".join(_td(c.label, rs=2) for c in RESULT_COLUMNS) + _td("未经复议直接起诉", cs=5) + _td("复议后起诉", cs=5),
            heads + heads,
            "".join(v(k) for k in REVIEW_KEYS)]
    review = "<table border=\"1\">" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"
    return active, apply, review


def render_html(figures: dict, version: str, *, agency: str = "江岸区人民政府后湖街道办事处", year: int | None = None,
                region: str = "湖北省武汉市江岸区", lose: frozenset = frozenset(), charset: str = "utf-8",
                layout_table: bool = False, narrative: int = 2) -> str:
    """A whole report page; ``layout_table`` wraps the content in a layout table as old CMSs do."""
    year = year or (2020 if version == "2019" else 2021)
    active, apply, review = html_tables(figures, version, lose)
    head = _head(agency, year, region, narrative, figures, version)
    tail = _tail(agency, year)
    p = lambda t: f"<p>{_html.escape(t)}</p>" if t else ""  # noqa: E731
    body = "".join(p(t) for t in head) + active + p("三、收到和处理政府信息公开申请情况") + apply \
        + p("四、政府信息公开行政复议、行政诉讼情况") + review + "".join(p(t) for t in tail)
    if layout_table:
        body = ('<table width="100%"><tr><td class="nav"><a href="/">首页</a> &gt; 政务公开</td></tr>'
                f'<tr><td class="content">{body}</td></tr><tr><td>主办单位：{_html.escape(agency)}</td></tr></table>')
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{_html.escape(agency)}{year}年政府信息公开'
            f'工作年度报告</title><style>td{{border:1px solid}}</style></head><body><div class="header">网站导航</div>'
            f'<div class="article">{body}</div><script>var x = "<td>1</td>";</script></body></html>')


def render(figures: dict, version: str, layout: str, **kw) -> str:
    if layout == "html":
        return render_html(figures, version, **kw)
    return render_text(figures, version, layout, **kw)


__all__ = ["LAYOUTS", "TEXT_LAYOUTS", "consistent_figures", "arbitrary_figures", "expected", "render",
           "render_text", "render_html", "html_tables", "template_keys", "row_key"]
