"""Handlers for questions about one agency: one figure or several, a sum of figures, two years,
a trend, the year with the most, a figure the narrative states, an overview, the report's date,
its section 五, its consistency problems, and a figure the template does not have.

Each handler is ``handler(answerer, intent) -> Answer``; :mod:`bot.engine` holds the table.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot import facts as stated
from bot import replies
from bot.agencies import Agency
from bot.answers import Answer, Candidate, Source
from bot.figures import Figure
from bot.intent import Intent, content_words
from bot.lookup import ANSWERED
from bot.metrics import MetricQuery, metric_unit
from bot.years import YearSpec
from store import queries
from store.template import cell_spec
from store.template.facts import PREVIOUS_YEAR

#: The column of section 二 (2019 format) that is itself the change from the year before (本年增/减).
CHANGE_COLUMN = "change"


def agency_dict(a: Agency) -> dict:
    return {"id": a.id, "name": a.name, "short_name": a.short_name, "region": a.region or None}


def report_for(ans, agency: Agency, intent: Intent) -> tuple[dict | None, Answer | None, str]:
    """The report a question means (the latest when it names no year); an Answer when there is none."""
    spec = intent.years
    note = ""
    if spec.years:
        year = spec.years[-1] if len(spec.years) == 1 else spec.years[0]
    else:
        if not agency.years:
            return None, Answer("not_found", f"{agency.display}没有报告。", agency=agency_dict(agency)), ""
        year = agency.years[-1]
        note = f"（未指定年份，按最新的{year}年报告回答）"
    rep = ans.lookup.report(agency.id, year)
    if rep is None:
        years = "、".join(f"{y}年" for y in agency.years) or "无"
        text = f"没有{agency.display}{year}年的报告。现有年份：{years}。"
        return None, Answer("not_found", text, agency=agency_dict(agency), year=year,
                            candidates=[Candidate("year", y, f"{y}年") for y in agency.years]), ""
    return rep, None, note


def _collect(ans, rep: dict, figs: list[Figure]) -> tuple[list[Source], list[str]]:
    sources: list[Source] = []
    warnings: list[str] = []
    for f in figs:
        for s in ans.lookup.sources(rep, f):
            if s not in sources:
                sources.append(s)
        for w in ans.lookup.warnings(rep, f):
            if w not in warnings:
                warnings.append(w)
    return sources, warnings


def value_row(agency: Agency, year: int | None, f: Figure) -> dict:
    return {"agency": agency.name, "year": year, "key": f.key, "value": f.value}


# --------------------------------------------------------------------------- figures


def cell(ans, intent: Intent) -> Answer:
    agency = intent.agency
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    figs = [ans.lookup.figure(rep, m, strict=intent.strict) for m in intent.figures[:6]]
    if len(figs) == 1 and figs[0].status == "not_stated" and figs[0].closest is None:
        # the text says nothing near it: what it does say about the question's words
        m = intent.figures[0]
        words = m.prefix if m.kind == "narrative" else m.narrative
        return free_text(ans, replace(intent, words=content_words(words) or [words.strip()]))
    sources, warnings = _collect(ans, rep, figs)
    text = replies.cells_text(agency, rep, figs, note, sources, warnings)
    first = figs[0]
    status = "answered" if any(f.status in ANSWERED for f in figs) else "not_found"
    # several figures asked together: each is in ``values``; no one of them is "the" answer
    return Answer(status, text, agency=agency_dict(agency), year=rep["year"],
                  metric={"key": first.key, "label": first.label}, value=first.value if len(figs) == 1 else None,
                  unit=first.unit, values=[value_row(agency, rep["year"], f) for f in figs],
                  sources=sources, warnings=warnings, kind="cell" if len(figs) == 1 else "multi")


def narrative(ans, intent: Intent) -> Answer:
    """A figure the narrative states (微信公众号发了几条): :mod:`bot.facts` picks the fact that states what
    was asked, or none — then the closest fact is quoted as what the report does say."""
    return cell(ans, intent)


def sum_figures(ans, intent: Intent) -> Answer:
    """Several figures of one report added up: 予以公开与部分公开合计, 无法提供和不予处理一共几件."""
    agency = intent.agency
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    figs = [ans.lookup.figure(rep, m, strict=intent.strict) for m in intent.figures[:8]]
    sources, warnings = _collect(ans, rep, figs)
    total = None
    stated_once = {(f.key, f.value) for f in figs if f.key.startswith("narrative:")}
    if len(stated_once) < sum(1 for f in figs if f.key.startswith("narrative:")):
        # one sentence answered several of the figures ("予以公开及部分公开42件"): it states them together
        if len(stated_once) == 1 and all(f.key.startswith("narrative:") for f in figs):
            figs = figs[:1]
            total = figs[0].value
            warnings.append("报告正文把这几项合在一起给出，以上是正文的合计数字")
        else:
            warnings.append("报告正文把其中几项合在一起给出，不能分别相加")
    elif all(f.has_value for f in figs) and len({f.unit for f in figs}) == 1:
        total = replies.number(sum(f.value for f in figs))
    text = replies.sum_text(agency, rep, figs, total, note, sources, warnings)
    status = "answered" if any(f.status in ANSWERED for f in figs) else "not_found"
    return Answer(status, text, agency=agency_dict(agency), year=rep["year"],
                  metric={"key": "+".join(f.key for f in figs), "label": " + ".join(f.label for f in figs)},
                  value=total, unit=figs[0].unit, values=[value_row(agency, rep["year"], f) for f in figs],
                  sources=sources, warnings=warnings, kind="sum")


def _years_of(agency: Agency, intent: Intent) -> list[int]:
    spec = intent.years
    years = agency.years
    if spec.years and not spec.all_years:
        years = [y for y in years if y in spec.years]
    if spec.last_n:
        years = years[-spec.last_n:]
    return years


def trend(ans, intent: Intent) -> Answer:
    agency, query = intent.agency, intent.figures[0]
    years = _years_of(agency, intent)
    if not years:
        return Answer("not_found", f"没有{agency.display}在这些年份的报告。现有年份："
                      + ("、".join(map(str, agency.years)) or "无") + "。", agency=agency_dict(agency))
    missing = [y for y in intent.years.years if y not in agency.years] if intent.years.years else []
    rows, sources, warnings = _figures_over_years(ans, agency, query, years, intent.strict)
    text = replies.trend_text(agency, query, rows, missing)
    last = rows[-1][1]
    return Answer("answered", text, agency=agency_dict(agency), year=years[-1],
                  metric={"key": last.key, "label": last.label}, value=None, unit=last.unit,
                  values=[value_row(agency, y, f) for y, f in rows], sources=sources, warnings=warnings,
                  kind="trend")


def _figures_over_years(ans, agency: Agency, query: MetricQuery, years: list[int], strict: str = ""):
    reports = ans.lookup.reports(agency.id)
    rows, sources, warnings = [], [], []
    for y in years:
        rep = reports[y]
        fig = ans.lookup.figure(rep, query, strict=strict)
        rows.append((y, fig))
        if fig.cells or fig.passage:
            sources.extend(ans.lookup.sources(rep, fig)[:1])
        for w in ans.lookup.warnings(rep, fig):
            if (fig.status in ("contradicted", "inferred") or fig.warning) and f"{y}年：{w}" not in warnings:
                warnings.append(f"{y}年：{w}")
    return rows, sources, warnings


def rank_years(ans, intent: Intent) -> Answer:
    """The year in which one agency's figure was largest (or smallest): 哪一年最多."""
    agency, query = intent.agency, intent.figures[0]
    years = _years_of(agency, intent) if intent.years.years or intent.years.last_n else agency.years
    if not years:
        return Answer("not_found", f"没有{agency.display}在这些年份的报告。现有年份："
                      + ("、".join(map(str, agency.years)) or "无") + "。", agency=agency_dict(agency))
    rows, sources, warnings = _figures_over_years(ans, agency, query, years, intent.strict)
    with_value = [(y, f) for y, f in rows if f.has_value]
    with_value.sort(key=lambda yf: (yf[1].value, yf[0]) if intent.fewest else (-yf[1].value, yf[0]))
    top = with_value[0] if with_value else None
    if top and (len(with_value) < len(rows) or len(with_value) >= 2 and with_value[1][1].value == top[1].value):
        # a year without its figure might hold the most: no year is named, the figures are listed
        warnings.append("有的年份没有可比的数字或并列，无法确定哪一年最多" if not intent.fewest
                        else "有的年份没有可比的数字或并列，无法确定哪一年最少")
        top = None
    text = replies.rank_years_text(agency, rows, with_value if top else [], intent.fewest)
    missing = [y for y in intent.years.years if y not in agency.years] if intent.years.is_range else []
    if missing:
        text += f"\n（{'、'.join(map(str, missing))}年没有报告，未计入）"
    return Answer("answered" if top else "not_found", text, agency=agency_dict(agency),
                  year=top[0] if top else None, metric={"key": rows[-1][1].key, "label": rows[-1][1].label},
                  value=top[1].value if top else None, unit=rows[-1][1].unit,
                  values=[value_row(agency, y, f) for y, f in with_value], sources=sources, warnings=warnings,
                  kind="rank")


def rank_columns(ans, intent: Intent) -> Answer:
    """One row's figure for each kind of applicant, the largest (smallest) first: 哪类申请人最多."""
    agency = intent.agency
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    figs = [ans.lookup.figure(rep, m, strict="table") for m in intent.figures]
    sources, warnings = _collect(ans, rep, figs)
    known = sorted((f for f in figs if f.has_value), key=lambda f: f.value, reverse=not intent.fewest)
    top = known[0] if known and len(known) == len(figs) and (len(known) < 2 or known[0].value != known[1].value) \
        else None
    lines = [f"{agency.display} {rep['year']}年{note}"]
    if top is not None:
        lines.append(f"{'最少' if intent.fewest else '最多'}的是：{top.label}，{replies.value_text(top)}")
    else:
        lines.append("有的类别没有读出数字或并列，无法确定哪一类" + ("最少" if intent.fewest else "最多"))
    lines += [f"• {f.label}：{replies.value_text(f)}" for f in known + [f for f in figs if not f.has_value]]
    lines.append("来源：")
    lines += replies.sources_text(sources[:1])
    lines += [f"⚠ {w}" for w in warnings]
    return Answer("answered" if top is not None else "not_found", "\n".join(lines), agency=agency_dict(agency),
                  year=rep["year"], metric={"key": top.key, "label": top.label} if top else None,
                  value=top.value if top else None, unit=top.unit if top else None,
                  values=[value_row(agency, rep["year"], f) for f in figs], sources=sources[:1], warnings=warnings,
                  kind="rank")


def compare_years(ans, intent: Intent) -> Answer:
    agency, query, spec = intent.agency, intent.figures[0], intent.years
    if len(spec.years) >= 2:
        first, second = spec.years[0], spec.years[1]
    else:
        y2 = spec.years[0] if spec.years else (agency.years[-1] if agency.years else None)
        first, second = (y2 - 1, y2) if y2 else (None, None)
    earlier, later = sorted((first, second)) if first else (None, None)
    if query.column == CHANGE_COLUMN and later is not None:
        # 比上年增加了几项: the later report's own 本年增/减 (or its sentence "比上年减少3项") answers; a
        # report without that column compares the row's figure of the two years
        if later - earlier == 1 and later in agency.years:
            rep = ans.lookup.report(agency.id, later)
            has_column = cell_spec(query.key(rep["template"] or "2021"), rep["template"] or "2021") is not None
            if has_column or query.narrative:
                # the sentence must state a change too ("比2019年减少3项"), never the count itself
                said = f"比上年 {stated.change_words(intent.question)}"
                asked = replace(query, narrative=f"{query.narrative} {said}".strip())
                answer = cell(ans, replace(intent, kind="cell", years=YearSpec(years=[later]), figures=[asked]))
                if answer.value is not None or earlier not in agency.years or has_column:
                    return answer  # the column unread: said so, never the decisions of two years instead
        query = query.with_column(None)
    missing = [y for y in (earlier, later) if y not in agency.years]
    if missing == [earlier] and later - earlier == 1:
        told = _against_the_year_before(ans, intent, agency, query, first, second, later)
        if told is not None:
            return told
    if later is None or missing:
        return Answer("not_found", f"没有{agency.display}{'、'.join(f'{y}年' for y in missing)}的报告，无法比较。"
                      f"现有年份：{'、'.join(map(str, agency.years)) or '无'}。",
                      agency=agency_dict(agency), candidates=[Candidate("year", y, f"{y}年") for y in agency.years])
    reps = {y: ans.lookup.report(agency.id, y) for y in (earlier, later)}
    figs = {y: ans.lookup.figure(reps[y], query, strict=intent.strict) for y in (earlier, later)}
    sources = [s for y in (earlier, later) for s in ans.lookup.sources(reps[y], figs[y])[:1]]
    warnings = [w for y in (earlier, later) for w in ans.lookup.warnings(reps[y], figs[y])]
    diff = difference(intent.difference or "later-earlier", figs[first], figs[second], figs[earlier], figs[later])
    text = replies.compare_text(agency, (earlier, later), [figs[earlier], figs[later]], sources)
    return Answer("answered", text, agency=agency_dict(agency), year=later,
                  metric={"key": figs[later].key, "label": figs[later].label}, value=diff, unit=figs[later].unit,
                  values=[value_row(agency, y, figs[y]) for y in (earlier, later)],
                  sources=sources, warnings=warnings, kind="compare")


def _against_the_year_before(ans, intent: Intent, agency: Agency, query: MetricQuery, first: int, second: int,
                             later: int) -> Answer | None:
    """Two consecutive years when only the later report is on file: what that report states of the year
    before ("共收到申请18件，比2022年（25件）下降28%": 25), or of the change ("比2019年减少2项"); None
    when it states neither."""
    rep = ans.lookup.report(agency.id, later)
    words = query.narrative or (query.prefix if query.kind == "narrative" else "")
    if not words:
        return None
    plain = re.sub(r"\s+", " ", _COMPARISON.sub(" ", _ASK_PATTERN.sub(" ", words))).strip()
    if stated.asked(intent.question).unit == "%":  # 下降了百分之多少: only the stated change answers
        said = MetricQuery(f"{plain} 比上年 {stated.change_words(intent.question)} 百分之多少", None, "", "narrative")
        if ans.lookup.figure(rep, said).has_value:
            return cell(ans, replace(intent, kind="cell", years=YearSpec(years=[later]), figures=[said]))
        return None
    unit = metric_unit(query, rep["template"] or "2021") if query.kind != "narrative" else ""
    asked = f"{plain} 多少{unit}"
    if query.kind == "narrative":
        this = ans.lookup.figure(rep, MetricQuery(asked, None, "", "narrative"))
    else:
        this = ans.lookup.figure(rep, replace(query, narrative=asked, order="table"), strict=intent.strict)
    before = ans.lookup.figure(rep, MetricQuery(f"{PREVIOUS_YEAR} {asked}", None, "", "narrative"))
    if this.has_value and before.has_value and before.key.startswith("narrative:"):
        figs = {later: this, later - 1: before}
        diff = difference(intent.difference or "later-earlier", figs[first], figs[second], before, this)
        sources = ans.lookup.sources(rep, this)[:1] + [s for s in ans.lookup.sources(rep, before) if s.passage][:1]
        text = replies.compare_text(agency, (later - 1, later), [before, this], sources)
        text += f"\n（没有{later - 1}年的报告；{later - 1}年的数字是{later}年报告中所述）"
        return Answer("answered", text, agency=agency_dict(agency), year=later,
                      metric={"key": this.key, "label": this.label}, value=diff, unit=this.unit,
                      values=[value_row(agency, later - 1, before), value_row(agency, later, this)],
                      sources=sources, warnings=ans.lookup.warnings(rep, this), kind="compare")
    said = MetricQuery(f"{asked} 比上年 {stated.change_words(intent.question)}", None, "", "narrative")
    if ans.lookup.figure(rep, said).has_value:  # "比2019年减少2项"
        return cell(ans, replace(intent, kind="cell", years=YearSpec(years=[later]), figures=[said]))
    return None


_ASK_PATTERN = re.compile(r"多少\S?|几\S?")
#: The words that set a figure against another year's: the figure itself is asked without them.
_COMPARISON = re.compile(r"比上一?年度?|较上一?年度?|比去年|较去年|同比|相比|比(?=\s|$)|增加了?|减少了?|增长了?|下降了?|"
                         r"多了|少了|变化了?|增减")


def difference(how: str, first: Figure, second: Figure, earlier: Figure | None = None,
               later: Figure | None = None):
    """Two figures set against each other as the question asks (see :func:`bot.intent.difference_of`)."""
    if not (first.has_value and second.has_value):
        return None
    if how == "first-second":
        d = first.value - second.value
    elif how == "second-first":
        d = second.value - first.value
    elif how == "abs":
        d = abs(first.value - second.value)
    else:
        earlier, later = earlier or first, later or second
        if not (earlier.has_value and later.has_value):
            return None
        d = later.value - earlier.value
    return replies.number(d)


# --------------------------------------------------------------------------- the report itself


def overview(ans, intent: Intent) -> Answer:
    agency = intent.agency
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    version = rep["template"] or "2021"
    figs = [ans.lookup.figure(rep, m, strict=intent.strict) for m in replies.overview_metrics(version)]
    problems = ans.lookup.problems(rep)
    text = replies.overview_text(agency, rep, figs, problems, note)
    return Answer("answered", text, agency=agency_dict(agency), year=rep["year"], kind="overview",
                  values=[value_row(agency, rep["year"], f) for f in figs],
                  sources=[Source(rep["id"], rep["title"], rep["file"])],
                  warnings=[p["message"] for p in problems if p["severity"] == "error"])


def list_years(ans, intent: Intent) -> Answer:
    a = intent.agency
    text = f"{a.display}的报告年份：{'、'.join(map(str, a.years)) or '无'}。"
    return Answer("answered", text, agency=agency_dict(a), kind="list",
                  values=[{"agency": a.name, "year": y, "key": "report", "value": 1} for y in a.years])


def report_date(ans, intent: Intent) -> Answer:
    agency = intent.agency
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    when = rep.get("report_date")
    head = f"{agency.display} {rep['year']}年政府信息公开工作年度报告{note}"
    text = head + (f"的落款日期是 {when}。" if when else "没有印出落款日期。")
    text += "\n" + "\n".join(replies.sources_text([Source(rep["id"], rep["title"], rep["file"])]))
    return Answer("answered" if when else "not_found", text, agency=agency_dict(agency), year=rep["year"],
                  metric={"key": "report_date", "label": "报告日期"}, kind="cell",
                  sources=[Source(rep["id"], rep["title"], rep["file"])])


def section(ans, intent: Intent) -> Answer:
    """What the report says in one of its six sections (五、存在的主要问题及改进情况)."""
    agency, number = intent.agency, intent.section or "五"
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    found = [p for p in queries.passages_for(ans.store, rep["id"]) if (p["section"] or "").startswith(number)]
    head = f"{agency.display} {rep['year']}年报告{note}"
    sources = [Source(rep["id"], rep["title"], rep["file"], p.get("page"), p.get("line"), p.get("section"),
                      p["text"]) for p in found[:4]]
    if not sources:
        return Answer("not_found", head + f"中没有找到第{number}部分的内容。", agency=agency_dict(agency),
                      year=rep["year"], kind="overview")
    text = head + f"第{number}部分写道：\n" + "\n".join(replies.sources_text(sources))
    return Answer("answered", text, agency=agency_dict(agency), year=rep["year"], kind="overview", sources=sources)


def problems(ans, intent: Intent) -> Answer:
    """The audit's findings on one report (structure, 勾稽关系, narrative vs table, text, timeliness)."""
    from store.audit import present  # the audit's findings, each with the line that shows it

    agency = intent.agency
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    findings = ans.lookup.problems(rep)
    own = [p for p in findings if (p.get("scope") or "report") == "report"]
    text = present.chat_text(findings, f"{agency.display} {rep['year']}年报告{note}")
    text += "\n" + "\n".join(replies.sources_text([Source(rep["id"], rep["title"], rep["file"])]))
    return Answer("answered", text, agency=agency_dict(agency), year=rep["year"], kind="overview",
                  warnings=[p["message"] for p in own], value=len(own), unit="处",
                  metric={"key": "problems", "label": "审查发现的问题"},
                  sources=[Source(rep["id"], rep["title"], rep["file"])])


def free_text(ans, intent: Intent) -> Answer:
    """A figure the template does not have: say so, and quote what the report's text says."""
    agency, words = intent.agency, intent.words
    rep, problem, note = report_for(ans, agency, intent)
    if problem:
        return problem
    found = []
    for w in words:
        for p in queries.search_passages(ans.store, w, rep["id"], limit=5):
            if p not in found:
                found.append(p)
    topic = "、".join(words)
    text = f"{agency.display} {rep['year']}年{note}：报告的表格中没有“{topic}”这一项，无法给出数字。"
    sources = [Source(rep["id"], rep["title"], rep["file"], p.get("page"), p.get("line"), p.get("section"),
                      p["text"]) for p in found[:3]]
    if sources:
        text += "\n正文中提到它的段落：\n" + "\n".join(replies.sources_text(sources))
    else:
        text += f"正文中也没有提到“{topic}”。"
    text += "\n可以问的数字如：收到几件申请、予以公开多少件、行政处罚多少、行政诉讼多少起。"
    return Answer("not_found", text, agency=agency_dict(agency), year=rep["year"], sources=sources, kind="cell")
