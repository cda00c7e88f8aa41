"""Structure: the six sections (present, in order, standard titles, one numbering system), the three
tables with all their rows, the template version that fits the year, the statistics period."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from store.audit.context import NUMERALS, Context
from store.parse.lines import fold
from store.parse.memo import remembered
from store.parse.sections import section_score
from store.template import ACTIVE, APPLY, SECTIONS, TABLES, VERSIONS, version_marks
from store.template import normalise_label as _normalise_label
from store.template.audit_rules import OLD_OUTLINE_MARKS, PERIOD_WORDS, STATEMENT_OPENERS, TEMPLATE_BASIS

normalise_label = lru_cache(maxsize=65536)(_normalise_label)
_DIGIT = re.compile(r"\d")
_HEADING = re.compile(r"^\s*(?P<num>[一二三四五六七八九十])\s*(?P<sep>[、.．,，:：]|\s)\s*(?P<title>\S.*?)\s*$")
_TITLE_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)?(?:政府信息公开|政务公开)?(?:工作)?(?:的)?")
HEADING_BAR = 72  # the title similarity a numbered line needs to be taken for a section heading
BARE_HEADING_BAR = 90  # … and a heading printed without its numeral


@dataclass
class Heading:
    index: int
    number: str  # the section it is (一 … 六)
    printed: str  # the numeral printed, "" when none
    sep: str  # what follows the numeral ("、", ".", …)
    title: str


def headings(ctx: Context) -> list[Heading]:
    """Every line that reads as one of the six section headings, in document order, whatever its
    numeral and place (the parser's sections only take them in order)."""
    if "headings" in ctx.memo:
        return ctx.memo["headings"]
    out = ctx.memo["headings"] = []
    for i, ln in enumerate(ctx.lines):
        if ln.kind not in ("cell", "narrative", "row", "grid") or not ln.toks:
            continue
        text = ctx.texts[i]
        if len(fold(text)) > 42 or "\t" in ln.text.strip():
            continue
        found = _heading_in(text)
        if found and not (found[1] == "" and any(h.number == found[0] for h in out)):
            out.append(Heading(i, *found))  # a bare line repeating a section already headed is its text
    return out


@remembered(8192)
def _heading_in(text: str) -> tuple[str, str, str, str] | None:
    """(number, numeral printed, separator, title) when a line reads as a section heading."""
    m = _HEADING.match(text)
    if m:
        title = m.group("title")
        core = _TITLE_PREFIX.sub("", title) or title
        scores = [(max(section_score(title, n), section_score(core, n)), n) for n in NUMERALS]
        best, number = max(scores, key=lambda x: (x[0], x[1] == m.group("num")))
        if best >= HEADING_BAR:
            return number, m.group("num"), m.group("sep"), title
        return None
    if 4 <= len(text) <= 30 and not _DIGIT.search(text) and set(text) & _TITLE_CHARS():
        scores = [(section_score(text, n), n) for n in NUMERALS]
        best, number = max(scores)
        if best >= BARE_HEADING_BAR:
            return number, "", "", text
    return None


@lru_cache(maxsize=1)
def _TITLE_CHARS() -> frozenset[str]:  # noqa: N802 - a constant worked out once
    """Characters of the sections' titles that a heading printed without its numeral must share."""
    return frozenset("".join(normalise_label(t) for s in SECTIONS for t in (s.title, *s.variants))) - set("的和及情况")


def _standard(number: str) -> str:
    return SECTIONS[NUMERALS.index(number)].title


def sections_present(ctx: Context):
    """section_missing, section_heading_missing, section_order, section_numeral: all six, in order, each
    under its numeral."""
    if ctx.converted:
        return
    hs = headings(ctx)
    seen = {h.number for h in hs} | set(ctx.found)
    inline = ctx.inline_headings if len(seen) < len(NUMERALS) else {}
    if not seen and not inline:
        if ctx.complete:
            yield ctx.finding("structure_unread")
        return
    last = max(NUMERALS.index(n) for n in seen | set(inline))
    for k, number in enumerate(NUMERALS):
        if number in seen or number in inline:
            continue
        if not ctx.complete and k > last:
            continue  # the copy ends before this section: not the agency's omission
        following = next((h for h in hs if NUMERALS.index(h.number) > k), None)
        at = ctx.at(following.index) if following else None
        if number == NUMERALS[0] and following and _text_before(ctx, following.index):
            yield ctx.finding("section_heading_missing", at, number=number, title=_standard(number))
        else:
            yield ctx.finding("section_missing", at, number=number, title=_standard(number))
    highest = None
    for h in hs:
        if highest is not None and NUMERALS.index(h.number) < NUMERALS.index(highest.number):
            yield ctx.finding("section_order", ctx.at(h.index), number=h.number, title=_standard(h.number),
                              before=highest.number)
        if highest is None or NUMERALS.index(h.number) > NUMERALS.index(highest.number):
            highest = h
        if h.printed and h.printed != h.number:
            yield ctx.finding("section_numeral", ctx.at(h.index), number=h.number, title=_standard(h.number),
                              printed=f"{h.printed}{h.sep}")


def _text_before(ctx: Context, index: int) -> bool:
    """Whether the report has narrative between its title and line ``index`` (a section printed without
    its heading)."""
    start = (ctx.title_index or -1) + 1
    return any(ctx.lines[i].kind == "narrative" for i in range(start, index))


def _tidy(title: str) -> str:
    return re.sub(r"[\s。.，,：:;；]+$", "", normalise_label(title))


def section_titles(ctx: Context):
    """section_title: each heading carries the template's title."""
    if ctx.converted:
        return
    from store.audit.text import is_typo_of

    for h in headings(ctx):
        if is_typo_of(h.title, _standard(h.number)):
            continue  # the typo is the finding (template_word_typo)
        if not h.printed and h.title.startswith(STATEMENT_OPENERS):
            continue  # "无其他需要报告的事项": the section's content, saying there is none, not its title
        if _tidy(h.title) != normalise_label(_standard(h.number)):
            yield ctx.finding("section_title", ctx.at(h.index), number=h.number, printed=h.title,
                              title=_standard(h.number))


def numbering_style(ctx: Context):
    """numbering_style: the six headings numbered the same way (一、 … 六、)."""
    hs = [h for h in headings(ctx) if h.number in ctx.found and ctx.found[h.number].start == h.index]
    styles = Counter(_style(h) for h in hs)
    if len(hs) < 3 or len(styles) < 2:
        return
    usual, _ = styles.most_common(1)[0]
    for h in hs:
        if _style(h) != usual:
            yield ctx.finding("numbering_style", ctx.at(h.index), number=h.number,
                              printed=_style(h).replace("X", h.printed) or "无序号",
                              usual=usual.replace("X", "一"))


def _style(h: Heading) -> str:
    return f"X{h.sep}" if h.printed else ""


_MIXED_BRACKETS = re.compile(r"^\s*(?:（\s*[一二三四五六七八九十\d]{1,3}\s*\)|\(\s*[一二三四五六七八九十\d]{1,3}\s*）)")


def numbering_brackets(ctx: Context):
    """numbering_brackets: an item number opened full-width and closed half-width, or the reverse."""
    for i, text in enumerate(ctx.texts):
        m = _MIXED_BRACKETS.match(text)
        if m and ctx.lines[i].kind != "grid":
            yield ctx.finding("numbering_brackets", ctx.at(i, m.start(), m.end()), printed=m.group(0).strip())


_CN = "一二三四五六七八九十"
_ITEM = re.compile(r"^\s*[（(]\s*(?P<n>[一二三四五六七八九十]{1,2})\s*[)）]\s*(?P<rest>.*)$")
_POINT = re.compile(r"(?<![统唯之第万同专单逐合归划其再另])(?P<n>[一二三四五六七八九十])是(?![否非由])")


def _cn(n: str) -> int:
    if len(n) == 1:
        return _CN.index(n) + 1
    if n.startswith("十"):
        return 10 + _cn(n[1])
    return 0


@lru_cache(maxsize=1)
def _table_row_words() -> tuple[str, ...]:
    out = set()
    for t in TABLES:
        for r in t.rows:
            for x in (r.label, r.group, *r.variants):
                x = re.sub(r"^[(（]?[一二三四五六七八九十\d]{1,2}[)）.．、]?", "", normalise_label(x or ""))
                if len(x) >= 2:
                    out.add(x[:4])
    return tuple(sorted(out))


def numbering_sequence(ctx: Context):
    """numbering_sequence: items （一）（二）… and points 一是、二是… run on without a gap or a repeat
    (a list may start again at 一: each section starts its own)."""
    items: list[tuple[int, int, str, int]] = []  # (number, line index, printed, position)
    points: list[tuple[int, int, str, int]] = []
    for i, ln in enumerate(ctx.lines):
        if ln.kind in ("grid", "row"):
            continue
        m = _ITEM.match(ctx.texts[i])
        if m and not normalise_label(m.group("rest")).startswith(_table_row_words()):
            items.append((_cn(m.group("n")), i, m.group(0)[:m.start("rest")].strip(), m.start()))
    for i in ctx.lines_matching(_POINT):
        if ctx.lines[i].kind in ("grid", "row"):
            continue
        for p in _POINT.finditer(ctx.texts[i]):
            points.append((_cn(p.group("n")), i, p.group(0), p.start()))
    starts = sorted(h.index for h in headings(ctx))
    yield from _gaps(ctx, items, starts)
    yield from _gaps(ctx, points, starts)


def _gaps(ctx: Context, seq: list[tuple[int, int, str, int]], starts: list[int]):
    """Runs of numbers; a run ends where 1 starts again or a section heading comes between two items."""
    runs: list[list[tuple[int, int, str, int]]] = []
    for item in seq:
        if item[0] == 1 or not runs or bisect_right(starts, item[1]) != bisect_right(starts, runs[-1][-1][1]):
            runs.append([])
        runs[-1].append(item)
    for run in runs:
        if run[0][0] != 1:
            continue  # a list whose start we do not hold
        bad = next((b for a, b in zip(run, run[1:]) if b[0] != a[0] + 1), None)
        if bad is not None:
            n, i, p, k = bad
            yield ctx.finding("numbering_sequence", ctx.at(i, k, k + len(p)),
                              sequence="、".join(x[2] for x in run))


def _span_of(text: str, part: str) -> tuple[int | None, int | None]:
    k = text.find(part)
    return (k, k + len(part)) if k >= 0 else (None, None)


# ---------------------------------------------------------------------------- tables

def table_rows(ctx: Context):
    """table_rows_missing: a table that is printed has all the template's rows; rows_unread: a row that is
    printed but that we could not read.

    A row counts as missing only where its label is printed nowhere in the table, and a later row of the
    same table was read (or the text goes on past the table): at the end of a copy cut off inside a
    table, the rest is not the agency's."""
    for table in (ACTIVE, APPLY):
        rows = table.rows_for(ctx.version)
        printed = [any((c := ctx.report.cells.get(k)) is not None and c.row_text for k in _row_keys(table, r))
                   for r in rows]
        last = max((j for j, p in enumerate(printed) if p), default=-1)
        after = ctx.complete or NUMERALS.index(table.section) < NUMERALS.index(ctx.last_section or "一")
        labels = None  # (read only when a row was not found)
        absent, unread = [], []
        for j, r in enumerate(rows):
            if printed[j] or not all(ctx.report.cells[k].status in ("blank", "missing", "uncertain")
                                     for k in _row_keys(table, r)):  # a row not found: missing (or uncertain)
                continue
            if labels is None:
                labels = _table_labels(ctx, table)
            shown = [labels[x] for x in _leaves(r) if x in labels]
            if shown:
                if any(re.search(r"\d", rest) for rest in shown):
                    unread.append(r)  # printed with figures that we did not read (a row printed empty is right)
            elif j < last or (after and last >= 0):
                absent.append(r)
        span = ctx.found.get(table.section)
        at = ctx.at(span.start) if span else None
        if absent:
            yield ctx.finding("table_rows_missing", at, keys=[k for r in absent for k in _row_keys(table, r)],
                              section=table.section, rows="”“".join(r.label for r in absent), count=len(absent))
        if unread:
            yield ctx.finding("rows_unread", at, keys=[k for r in unread for k in _row_keys(table, r)],
                              section=table.section, rows="”“".join(r.label for r in unread), count=len(unread))


@lru_cache(maxsize=None)
def _column_words() -> frozenset[str]:
    return frozenset(normalise_label(c.label) for t in TABLES for r in t.rows for c in r.columns)


@lru_cache(maxsize=None)
def _leaves(row) -> tuple[str, ...]:
    """The labels a printed row may carry, without numbering; never a word that also heads a column
    (总计, 其他)."""
    columns = _column_words()
    out = []
    for x in (row.label, *row.variants):
        x = _NUMBERING.sub("", normalise_label(x))
        if len(x) >= 2 and x not in columns:
            out.append(x)
    return tuple(out)


_NUMBERING = re.compile(r"^[(（]?[一二三四五六七八九十\d]{1,2}[)）.．、]?")


def _table_labels(ctx: Context, table) -> dict[str, str]:
    """The cells printed in a table's section (the whole text when the section was not found), folded and
    without their numbering, each with what is printed after it (the rest of its line; the next lines
    when a layout prints one cell per line)."""
    span = ctx.found.get(table.section)
    idx = list(range(span.start, span.end) if span else range(len(ctx.lines)))
    out: dict[str, str] = {}
    for n, i in enumerate(idx):
        for label, rest in _labels_in_line(ctx.texts[i]):
            if rest is None:
                rest = "".join(ctx.texts[j] for j in idx[n + 1:n + 4] if not _CJK.search(ctx.texts[j]))
            out[label] = out.get(label, "") + rest
    return out


_CELL_SEPARATOR = re.compile(r"[\t|｜]| {2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@remembered(8192)
def _labels_in_line(text: str) -> tuple[tuple[str, str | None], ...]:
    """The cells of a line, folded and without their numbering, each with the rest of the line after it
    (None where nothing but separators follows)."""
    pieces = _CELL_SEPARATOR.split(text)
    out = []
    for k, piece in enumerate(pieces):
        label = _NUMBERING.sub("", normalise_label(piece))
        if not label:
            continue
        rest = "".join(pieces[k + 1:])
        out.append((label, rest if rest.strip(" |") else None))
    return tuple(out)


def _row_keys(table, row) -> list[str]:
    from store.parse.table.build import row_keys

    return row_keys(table, row)


def template_version(ctx: Context):
    """template_version: the printed tables follow the template of the report's year."""
    printed = printed_version(ctx)
    if ctx.year is None or printed is None or printed == ctx.expected_version:
        return
    marks = version_marks(printed)
    for i, ln in enumerate(ctx.lines):
        t = _normalise_label(ln.text) if ln.kind != "narrative" else ""
        hit = next((m for m in marks if m in t), None)
        if hit:
            yield ctx.finding("template_version", ctx.at(i), year=ctx.year, printed=printed,
                              printed_basis=TEMPLATE_BASIS[printed], expected=ctx.expected_version,
                              expected_basis=TEMPLATE_BASIS[ctx.expected_version])
            return


VERSION_MARKS_MIN = 2  # labels of one version's table, printed outside sentences, that tell the version


def printed_version(ctx: Context) -> str | None:
    """The template version the printed tables follow, from the labels only one version has (本年新制作数量,
    上一年项目数量 for 2019; 本年制发件数, 逾期不补正 for 2021); None when the text does not tell (whatever
    a manifest says)."""
    # (line by line, each line's folding remembered: the same as folding the lines joined by line breaks)
    folded = "".join(normalise_label(t) for t, ln in zip(ctx.texts, ctx.lines) if ln.kind != "narrative")
    scores = {v: sum(m in folded for m in version_marks(v)) for v in VERSIONS}
    best = max(scores.values())
    winners = [v for v, n in scores.items() if n == best]
    return winners[0] if best >= VERSION_MARKS_MIN and len(winners) == 1 else None


_BASIS = re.compile(r"国办公开办函\s*[〔(（\[【]\s*(?P<y>20\d{2})\s*[〕)）\]】]\s*(?P<n>\d+)")


def template_basis(ctx: Context):
    """template_basis: the notice the report names as its basis is the one for its year."""
    if ctx.year is None:
        return
    expected = TEMPLATE_BASIS[ctx.expected_version]
    cited = {v: b for v, b in TEMPLATE_BASIS.items()}
    for i in ctx.lines_matching(_BASIS):
        text = ctx.texts[i]
        for m in _BASIS.finditer(text):
            version = next((v for v, b in cited.items() if f"{m.group('y')}〕{m.group('n')}" in b), None)
            if version and version != ctx.expected_version:
                yield ctx.finding("template_basis", ctx.at(i, m.start(), m.end()), year=ctx.year,
                                  cited=TEMPLATE_BASIS[version], expected_basis=expected)
                return


def outline(ctx: Context):
    """outline_outdated: the report follows the pre-2019 outline (概述, 收费及减免, 咨询处理 …)."""
    found: dict[str, int] = {}
    for i, text in enumerate(ctx.texts[:max(60, len(ctx.texts) // 3)]):
        for mark in OLD_OUTLINE_MARKS:
            if mark in text and mark not in found and _outline_context(text, mark):
                found[mark] = i
    if len(found) >= 2:
        first = min(found.values())
        yield ctx.finding("outline_outdated", ctx.at(first, *_span_of(ctx.texts[first], next(
            m for m, i in found.items() if i == first))), marks="、".join(found))


def _outline_context(text: str, mark: str) -> bool:
    """The mark names a part of the report: in a heading, or in the sentence that lists the parts."""
    if len(text) <= 30:
        return True
    k = text.find(mark)
    window = text[max(0, k - 80):k + 80]
    return bool(re.search(r"包括|组成|分为|由.{0,30}(?:部分|组成)|全文", window))


# ---------------------------------------------------------------------------- statistics period

_PERIOD = re.compile(r"(?:" + PERIOD_WORDS + r")")
_DATE_LOOSE = re.compile(r"^(?P<y>(?:19|20)\d{2})?(?P<junk>\d*?)年?(?P<m>\d{1,2})月?(?P<d>\d{1,2})日$")
_DATE_STRICT = re.compile(r"^(?:(?:19|20)\d{2}年)?\d{1,2}月\d{1,2}日$")
_RANGE = re.compile(r"(?P<a>[\d年月日\s]{3,16}日)\s*(?:起\s*)?(?:至|到|—|-|–|~|－|——)\s*(?P<b>[\d年月日\s]{3,16}日)")
_SINGLE = re.compile(r"(?:截至|截止|截止到|至|为)\s*(?P<b>[\d年月日\s]{3,16}日)")


@dataclass
class Period:
    index: int  # the line
    start: int  # the dates' span in the line's text
    end: int
    printed: str
    dates: list  # (printed date, date or None)


def statistics_period(ctx: Context) -> Period | None:
    """The statistics period the report states ("本报告中所列数据的统计期限自…起至…止"), the first one."""
    if "period" in ctx.memo:
        return ctx.memo["period"]
    found = None
    for i in ctx.lines_matching(_PERIOD):
        text = ctx.texts[i]
        for m in _PERIOD.finditer(text):
            tail = text[m.end():m.end() + 50]
            r = _RANGE.search(tail) or _SINGLE.search(tail)
            if not r or r.start() > 12:
                continue
            dates = [(r.group(g), _loose(r.group(g), ctx.year)) for g in ("a", "b")
                     if g in r.groupdict() and r.group(g)]
            first = r.start("a") if "a" in r.groupdict() and r.group("a") else r.start("b")
            found = Period(i, m.end() + first, m.end() + r.end(), tail[first:r.end()].strip(), dates)
            break
        if found:
            break
    ctx.memo["period"] = found
    return found


def period(ctx: Context):
    """period_missing / period_mismatch / period_malformed: the statistics period is stated, covers
    the report's year, and its dates are written in full."""
    if ctx.year is None:
        return
    p = statistics_period(ctx)
    if p is None:
        if ctx.complete:
            yield ctx.finding("period_missing")
        return
    where = ctx.at(p.index, p.start, p.end)
    malformed = any(d is None or not _DATE_STRICT.match(re.sub(r"\s+", "", printed)) for printed, d in p.dates)
    parsed = [d for _, d in p.dates if d]
    first, last = (parsed[0], parsed[-1]) if len(parsed) == 2 else (None, parsed[-1] if parsed else None)
    if (first is not None and first != date(ctx.year, 1, 1)) or (last is not None and last != date(ctx.year, 12, 31)):
        yield ctx.finding("period_mismatch", where, printed=p.printed, year=ctx.year)
    if malformed:
        yield ctx.finding("period_malformed", where, printed=p.printed)


def _loose(text: str, year: int) -> date | None:
    m = _DATE_LOOSE.match(re.sub(r"\s+", "", text))
    if not m:
        return None
    try:
        return date(int(m.group("y") or year), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


RULES = (sections_present, section_titles, numbering_style, numbering_brackets, numbering_sequence, table_rows,
         template_version, template_basis, outline, period)
