"""Handlers for questions about several agencies: the agencies named compared (和, 、, 谁多, 相差多少,
哪家最多), added up (加起来一共), the agencies of a region (or all) ranked or totalled, and the lists.

Rankings and totals over a region read :func:`store.queries.ranked` and :func:`store.queries.total`:
SQL over the indexed ``figures`` table, so they stay fast with ten thousand agencies on file.
"""

from __future__ import annotations

from bot import replies
from bot.agencies import Agency
from bot.answers import Answer, Candidate, Source
from bot.figures import Figure
from bot.handlers_one import agency_dict, difference
from bot.intent import Intent
from bot.metrics import metric_label, metric_unit
from store import queries
from store.template import VERSIONS

# --------------------------------------------------------------------------- agencies named


def _common_year(intent: Intent, agencies: list[Agency]) -> int | None:
    if intent.years.years:
        return intent.years.years[-1]
    common = set.intersection(*(set(a.years) for a in agencies)) if agencies else set()
    if common:
        return max(common)
    years = [y for a in agencies for y in a.years]
    return max(years) if years else None


def _named_figures(ans, intent: Intent):
    """(agency, year, report, figure) for each agency named (with its own year when the question pairs
    them: 甲2024年 … 乙2022年)."""
    query = intent.figures[0]
    years = intent.years.years
    if not intent.pairs and 2 <= len(years) <= 6 and not intent.difference and not intent.who:
        # 二七街道和花桥街道2021到2022年: each agency in each year asked
        pairs = [(a, y) for a in intent.agencies for y in years]
    else:
        pairs = intent.pairs or [(a, _common_year(intent, intent.agencies)) for a in intent.agencies]
    rows = []
    for a, year in pairs:
        rep = ans.lookup.report(a.id, year) if year else None
        rows.append((a, year, rep, ans.lookup.figure(rep, query, strict=intent.strict) if rep else None))
    return rows


def _sources_and_warnings(ans, rows) -> tuple[list[Source], list[str]]:
    """The first source of each agency's figure and their warnings (each once), for a reply about several."""
    sources, warnings = [], []
    for _, _, rep, fig in rows:
        if fig is not None:
            sources.extend(ans.lookup.sources(rep, fig)[:1])
            warnings.extend(w for w in ans.lookup.warnings(rep, fig) if w not in warnings)
    return sources, warnings


def compare(ans, intent: Intent) -> Answer:
    """One figure of the agencies named.  The value is the difference when two are set against each
    other (相差, 多多少, 甲比乙少几件), the largest (smallest) when the question asks who leads (谁多, 哪家最多);
    the figures are listed leader first when it asks who leads."""
    rows = _named_figures(ans, intent)
    sources, warnings = _sources_and_warnings(ans, rows)
    order, value, leader = rows, None, None
    if intent.who:
        leader, note = _leader(rows, intent.fewest)
        if note:
            warnings.append(note)
        if leader is not None:
            order = [leader] + [r for r in rows if r is not leader]
            value = leader[3].value if leader[3].has_value else None
    if intent.difference and len(rows) == 2:
        (_, _, _, f1), (_, _, _, f2) = rows
        value = difference(intent.difference, f1, f2) if f1 is not None and f2 is not None else None
    text = replies.compare_agencies_text(order, sources, leader is not None and not intent.difference, intent.fewest)
    first = next((f for *_, f in rows if f is not None), None)
    status = "answered" if first is not None else "not_found"
    return Answer(status, text, year=rows[0][1], kind="compare",
                  agency=agency_dict(leader[0]) if leader is not None else None,
                  metric={"key": first.key, "label": first.label} if first else None, value=value,
                  unit=first.unit if first else None,
                  values=[{"agency": a.name, "year": y, "key": f.key if f else None, "value": f.value if f else None}
                          for a, y, _, f in order],
                  sources=sources, warnings=warnings)


def _span(fig: Figure | None) -> tuple[float, float] | None:
    """The figures a report gives for one thing: its figure, or the two it contradicts itself with."""
    if fig is None:
        return None
    if fig.has_value:
        return (fig.value, fig.value)
    if fig.alternatives:
        return (min(fig.alternatives), max(fig.alternatives))
    return None


def _leader(rows: list[tuple], fewest: bool) -> tuple[tuple | None, str]:
    """The row that leads (most, or ``fewest``), and a note when none can be named: a figure not read,
    a tie, or a report whose contradiction (表格32件，正文34件) could change who leads."""
    spans = [_span(f) for *_, f in rows]
    known = [(r, sp) for r, sp in zip(rows, spans) if sp is not None]
    if len(known) < len(rows):
        return None, f"{len(rows) - len(known)}个单位没有读出这一数字，无法确定谁{'最少' if fewest else '最多'}"
    if len(known) < 2:
        return None, ""
    known.sort(key=(lambda rs: rs[1][0]) if fewest else (lambda rs: -rs[1][1]))
    (lead, (lo, hi)), rest = known[0], known[1:]
    if fewest:
        beats = all(hi < other_lo for _, (other_lo, _) in rest)
    else:
        beats = all(lo > other_hi for _, (_, other_hi) in rest)
    if not beats:
        return None, "并列或无法区分先后：" + "、".join(r[0].display for r, _ in known[:3])
    return lead, ""


def sum_agencies(ans, intent: Intent) -> Answer:
    """One figure of the agencies named, added up (廿三里街道和城东街道…加起来一共几件)."""
    rows = _named_figures(ans, intent)
    sources, warnings = _sources_and_warnings(ans, rows)
    figs = [f for *_, f in rows]
    total = None
    if all(f is not None and f.has_value for f in figs):
        total = replies.number(sum(f.value for f in figs))
    text = replies.sum_agencies_text(rows, total, sources)
    first = next((f for f in figs if f is not None), None)
    return Answer("answered" if first is not None else "not_found", text, year=rows[0][1], kind="total",
                  metric={"key": first.key, "label": first.label} if first else None, value=total,
                  unit=first.unit if first else None,
                  values=[{"agency": a.name, "year": y, "key": f.key if f else None, "value": f.value if f else None}
                          for a, y, _, f in rows],
                  sources=sources, warnings=warnings)


# --------------------------------------------------------------------------- a region's agencies


def _year(ans, intent: Intent) -> int | None:
    if intent.years.years:
        return intent.years.years[-1]
    return ans.years_on_file[-1] if ans.years_on_file else None


def _keys(query) -> list[str]:
    return list(dict.fromkeys(query.key(v) for v in VERSIONS))


def _figure_of(row: dict, query) -> Figure:
    version = row["report"]["template"] or "2021"
    value = row["value"]
    value = int(value) if float(value).is_integer() else value
    return Figure(value, row["status"], row["key"], metric_label(query, version), metric_unit(query, version))


_STATED_ONLY = "这是报告正文中的说法，各报告说法不一，不做排名或合计。请指明是哪个单位的报告。"


def rank(ans, intent: Intent) -> Answer:
    query = intent.figures[0]
    if query.kind == "narrative":  # what each report's text says is no column of figures to order
        return Answer("not_found", _STATED_ONLY, kind="rank")
    year = _year(ans, intent)
    if year is None:
        return Answer("not_found", "数据库中还没有报告。", kind="rank")
    ids = intent.region[1] if intent.region else None
    n_reports = queries.count_reports_in_year(ans.store, year, ids)
    if not n_reports:
        where = intent.region[0] if intent.region else ""
        return Answer("not_found", f"没有{where}{year}年的报告。现有年份：{'、'.join(map(str, ans.years_on_file))}。",
                      year=year, kind="rank")
    rows = queries.ranked(ans.store, _keys(query), year, ids, fewest=intent.fewest, limit=intent.top_n)
    n_with = queries.holding(ans.store, _keys(query), year, ids)
    shown = [(r["report"], _figure_of(r, query)) for r in rows]
    text = replies.rank_text(query, year, intent.region[0] if intent.region else None, shown, n_with, n_reports,
                             intent.fewest)
    label = shown[0][1].label if shown else ""
    return Answer("answered" if shown else "not_found", text, year=year,
                  metric={"key": shown[0][1].key if shown else query.prefix, "label": label},
                  value=None, unit=shown[0][1].unit if shown else None,
                  values=[{"agency": r["agency"], "year": year, "key": f.key, "value": f.value} for r, f in shown],
                  sources=[Source(r["id"], r["title"], r["file"]) for r, _ in shown[:3]], kind="rank")


def total(ans, intent: Intent) -> Answer:
    query = intent.figures[0]
    if query.kind == "narrative":  # what each report's text says is no column of figures to add up
        return Answer("not_found", _STATED_ONLY, kind="total")
    year = _year(ans, intent)
    if year is None:
        return Answer("not_found", "数据库中还没有报告。", kind="total")
    ids = intent.region[1] if intent.region else None
    own = _own_government(ans, intent)
    if own is not None:  # the region's own report often sums the whole region: added to its units it counts twice
        ids = set(ids) - {own.id}
    n_reports = queries.count_reports_in_year(ans.store, year, ids)
    t = queries.total(ans.store, _keys(query), year, ids)
    where = intent.region[0] if intent.region else None
    if not t["with"]:
        return Answer("not_found", f"没有{where or ''}{year}年可以合计的数字。", year=year, kind="total")
    value = replies.number(t["value"])
    parts = [(r["report"], _figure_of(r, query)) for r in queries.total_parts(ans.store, _keys(query), year, ids)]
    f0 = parts[0][1]
    text = replies.total_text(query, year, where, value, f0, t["with"], n_reports)
    own_row = next(iter(queries.ranked(ans.store, _keys(query), year, {own.id}, limit=1)), None) if own else None
    if own_row is not None:
        f = _figure_of(own_row, query)
        text += (f"\n（{own.display}本级的报告未计入：地区本级的报告常含全区汇总，与各单位相加会重复计算；"
                 f"该报告为{replies.fmt_number(f.value)}{f.unit or ''}）")
    warnings = [f"{n_reports - t['with']}份报告没有该项数字，未计入"] if t["with"] < n_reports else []
    if t["inferred"]:
        warnings.append(f"其中{t['inferred']}份报告的该项数字为按勾稽关系推定")
    return Answer("answered", text, year=year, metric={"key": f0.key, "label": f0.label}, value=value,
                  unit=f0.unit, kind="total",
                  values=[{"agency": r["agency"], "year": year, "key": f.key, "value": f.value} for r, f in parts],
                  sources=[Source(r["id"], r["title"], r["file"]) for r, _ in parts[:3]], warnings=warnings)


def _own_government(ans, intent: Intent):
    """The region's own government among the agencies a region total adds up (平潭 -> 平潭综合实验区), when
    there are others beside it; None otherwise."""
    if not intent.region or len(intent.region[1]) < 2:
        return None
    m = ans.index.resolve(intent.region[0], fuzzy=False)
    if m.region and len(m.agencies) == 1 and m.agencies[0].id in intent.region[1]:
        return m.agencies[0]
    return None


def choose_agency(ans, intent: Intent) -> Answer:
    """A region named that has no report of its own: which of its agencies? (never a guess)."""
    name, ids = intent.region
    members = sorted((ans.index.agencies[i] for i in ids), key=lambda a: a.name)[:10]
    listing = "\n".join(f"• {a.display}" for a in members)
    return Answer("ambiguous", f"“{name}”是一个地区，没有它本级的报告。请问是其中哪个单位？该地区已收录：\n{listing}",
                  candidates=[Candidate("agency", a.id, a.display) for a in members], kind="cell")


def list_agencies(ans, intent: Intent) -> Answer:
    return ans.list_agencies(intent.region[0] if intent.region else "")
