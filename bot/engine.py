"""The answering core: a question in, an :class:`~bot.answers.Answer` out.

Used by every front end (``ask``, the console chat, the Telegram bot)::

    answerer = Answerer(store)
    answerer.answer("后湖街道2021年收到几件申请").value   # -> 3

A question is resolved to an agency (:mod:`bot.agencies`), years (:mod:`bot.years`)
and figures (:mod:`bot.metrics`); the kind of question (one figure, several, a
comparison, a trend, a ranking, a total, an overview, a list) decides what is
looked up; :mod:`bot.replies` writes the Chinese reply with its sources.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot import facts as stated
from bot import replies
from bot.agencies import Agency, AgencyIndex, Match
from bot.answers import Answer, Candidate, ChatSession, Source
from bot.figures import Figure, compute, keys_needed
from bot.metrics import MetricQuery, parse_metrics
from bot.years import YearSpec, parse_years, strip_years
from store.checks import narrative_figures

MAX_QUESTION_CHARS = 500

_RANK = re.compile(r"排名|排行|排序|最多|最少|最高|最低|前\s*\d+|前[一二三四五六七八九十]+名?|哪个.*最|哪些.*最|谁最|top", re.I)
_TREND = re.compile(r"趋势|历年|每年|逐年|各年|这几年|近几年|走势|变化情况|历史")
_COMPARE = re.compile(r"比去年|比上年|同比|相比|对比|比较|较上年|较去年|增加了|减少了|多了|少了|增长|下降|变化|差多少|差别")
_TOTAL = re.compile(r"一共|合计|总共|加起来|总和|汇总")
_ALL = re.compile(r"所有|全部|各个?(?:街道|单位|机构|部门|乡镇|镇)|各(?=[\u4e00-\u9fff]{0,3}(?:街道|单位|乡镇))|全区|全市|全省")
_OVERVIEW = re.compile(r"概况|概要|概览|总体情况|总体|汇总情况|基本情况|报告内容|主要数据|怎么样|情况如何|介绍|摘要")
_LIST_AGENCIES = re.compile(r"(?:有|收录了?|包括)哪些(?:单位|机构|街道|部门|乡镇|报告)|单位列表|机构列表|哪些单位|都有谁|有哪几个")
_LIST_YEARS = re.compile(r"哪些年|哪几年|几年的|有哪些年份|什么年份|哪一年的报告|年份")
_HELP = re.compile(r"^(?:帮助|help|怎么用|使用说明|你能做什么|能问什么|/help|/start)$", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAME_LIKE = re.compile(r"(?:街道|镇|乡|局|办|区|县|市|委|政府|中心|处|所|院|厅|署)$")
_FEWEST = re.compile(r"最少|最低|倒数|fewest|least", re.I)
_TOP_N = re.compile(r"前\s*(\d+|[一二三四五六七八九十]+)|(\d+|[一二三四五六七八九十])\s*(?:个|家|名)(?:单位|街道|乡镇|镇|部门)?")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def normalise_question(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", t).strip()


class Answerer:
    """Answers questions from one store.  Call :meth:`refresh` after an ingest."""

    def __init__(self, store, today: date | None = None):
        self.store = store
        self._today = today
        self.refresh()

    @property
    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        self.index = AgencyIndex.from_store(self.store)
        self.years_on_file = sorted({y for a in self.index.agencies.values() for y in a.years})

    # ------------------------------------------------------------------ entry points
    def answer(self, question: str, session: ChatSession | None = None, *, agency_id: int | None = None,
               year: int | None = None) -> Answer:
        raw = question or ""
        q = normalise_question(raw)
        if session is not None and session.expired():
            session.clear()
        if not q:
            return self._unsupported(q, "请输入一个问题，例如：")
        if len(q) > MAX_QUESTION_CHARS:
            return self._unsupported(q[:60] + "…", f"问题太长（{len(q)}字），请控制在{MAX_QUESTION_CHARS}字以内，例如：")
        if not _CJK.search(q):
            if _HELP.match(q):
                return self.help()
            return self._unsupported(q, "目前只支持用中文提问（Please ask in Chinese），例如：")
        if _HELP.match(q):
            return self.help()
        ans = self._answer(q, session, agency_id, year)
        ans.question = raw
        if session is not None:
            session.question = raw
            session.touch()
        return ans

    def help(self) -> Answer:
        ex = self.examples()
        text = ("我可以回答关于政府信息公开工作年度报告的问题：某单位某年的某项数字、多个数字、两年或两个单位的对比、"
                "历年趋势、排名、合计、一份报告的概况，以及有哪些单位和年份。\n例如：\n" + "\n".join(f"• {e}" for e in ex))
        return Answer("answered", text, kind="help")

    def examples(self) -> list[str]:
        """Example questions that work on the data on file."""
        reports = self.store.reports()
        if not reports:
            return ["（数据库中还没有报告）"]
        best = max(reports, key=lambda r: (r["year"], r["id"]))
        name, year = best["short_name"] or best["agency"], best["year"]
        out = [f"{name}{year}年收到几件申请", f"{name}{year}年予以公开多少件", f"{name}{year}年行政处罚多少",
               f"{name}历年收到申请的趋势", f"{year}年收到申请最多的单位", f"{name}{year}年的报告概况",
               "有哪些单位"]
        return out

    def list_agencies(self, filter_text: str = "") -> Answer:
        agencies = self.index.search(filter_text)
        if not agencies:
            return Answer("not_found", f"没有名称或地区包含“{filter_text}”的单位。共有 {len(self.index.agencies)} 个单位，"
                                       "发送“有哪些单位”查看。", kind="list")
        text = replies.agency_list(agencies, filter_text)
        return Answer("answered", text, kind="list",
                      values=[{"agency": a.name, "year": None, "key": "years", "value": a.years} for a in agencies])

    def years(self, agency_text: str) -> Answer:
        match = self.index.resolve(agency_text)
        bad = self._agency_problem(match, agency_text)
        if bad:
            return bad
        a = match.agencies[0]
        text = f"{a.display}的报告年份：{'、'.join(map(str, a.years)) or '无'}。"
        return Answer("answered", text, agency=self._agency_dict(a), kind="list",
                      values=[{"agency": a.name, "year": y, "key": "report", "value": 1} for y in a.years])

    def overview(self, agency_text: str, year: int | None = None) -> Answer:
        match = self.index.resolve(agency_text)
        bad = self._agency_problem(match, agency_text)
        if bad:
            return bad
        a = match.agencies[0]
        spec = YearSpec(years=[year] if year else [])
        return self._overview(a, spec, agency_text)

    # ------------------------------------------------------------------ dispatch
    def _answer(self, q: str, session: ChatSession | None, agency_id: int | None, forced_year: int | None) -> Answer:
        spec = parse_years(q, self.today)
        if forced_year:
            spec = YearSpec(years=[forced_year])
        rest = strip_years(q, spec)
        if _LIST_AGENCIES.search(q):
            region = self.index.in_region(rest)
            return self.list_agencies(region[0] if region else "")

        # agency: named exactly anywhere, or fuzzily in what is left once the figure words are out
        match: Match | None = None
        if agency_id is not None and agency_id in self.index.agencies:
            match = Match([self.index.agencies[agency_id]], self.index.agencies[agency_id].name)
        else:
            match = self.index.resolve(rest, fuzzy=False)
            if not match.agencies and not (_RANK.search(q) or _ALL.search(q) or self.index.in_region(rest)):
                match = self.index.fuzzy(_blank_hits(rest))
        # "江岸区各街道…": a region's name, not its government
        if match.agencies and _ALL.search(q) and self.index.in_region(match.matched):
            match = Match([], "", False)
        metric_text = rest.replace(match.matched, " ") if match.matched else rest
        if len(match.agencies) == 1:  # what is left of its name beside the cut (实验区 of 平潭综合实验区经济发展局)
            a = match.agencies[0]
            metric_text = stated.without_names(metric_text, [a.name, a.short_name, a.district, a.city, a.province],
                                               bool(a.district or a.city or a.province))
        mp = parse_metrics(metric_text)
        metrics = _drop_context_rows(list(mp.metrics), metric_text)
        region = self.index.in_region(rest) if not match.agencies else None

        followup = session is not None and not session.expired() and session.agency_id is not None
        if followup and not match.agencies and not match.suggestions and not region:
            if session.agency_id in self.index.agencies:
                match = Match([self.index.agencies[session.agency_id]], "", True)
        asks_other = bool(_OVERVIEW.search(q) or _LIST_YEARS.search(q) or re.search(r"报告[?？。]?$", q))
        if followup and not metrics and session.metric and not asks_other:
            prev = _metric_from_session(session.metric)
            if prev is not None:
                if mp.columns:
                    fam_cols = [c for f, c in mp.columns if f == prev.family]
                    metrics = [prev.with_column(c) for c in fam_cols] or [prev]
                elif spec.given or match.matched or _COMPARE.search(q) or _TREND.search(q):
                    metrics = [prev]
        if followup and not spec.given and session.year and metrics and not _TREND.search(q):
            spec = YearSpec(years=[session.year])

        if metrics and agency_id is None:
            named = [m for m in self.index.resolve_all(rest) if len(m.agencies) == 1]
            distinct = list({m.agencies[0].id: m.agencies[0] for m in named}.values())
            if len(distinct) >= 2:
                return self._remember(session, None, spec, metrics, "compare",
                                      self._compare_agencies(distinct[:6], metrics[0], spec))

        if _LIST_YEARS.search(q) and match.agencies and not metrics:
            if len(match.agencies) == 1:
                return self.years(match.agencies[0].name)

        wants_rank = bool(_RANK.search(q)) and not (match.agencies and len(match.agencies) == 1
                                                   and not re.search(r"排名|排行|排第几", q))
        if wants_rank and metrics:
            return self._remember(session, None, spec, metrics, "rank",
                                  self._rank(metrics[0], spec, region, q))
        if not match.agencies:
            if metrics and (region or _ALL.search(q)) and (_TOTAL.search(q) or _ALL.search(q)):
                return self._remember(session, None, spec, metrics, "total",
                                      self._total(metrics[0], spec, region))
            if region and metrics:
                # a region named, no agency in it: which one? (never a guess, even with one on file)
                members = sorted((self.index.agencies[i] for i in region[1]), key=lambda a: a.name)[:10]
                listing = "\n".join(f"• {a.display}" for a in members)
                return Answer("ambiguous", f"“{region[0]}”是一个地区，请问是其中哪个单位？该地区已收录：\n{listing}",
                              candidates=[Candidate("agency", a.id, a.display) for a in members], kind="cell")
            if match.suggestions and (metrics or _NAME_LIKE.search(match.matched)):
                return self._not_found_agency(match)
            if metrics:
                return Answer("not_found", "请说明是哪个单位的报告，例如：" + "；".join(self.examples()[:3]),
                              kind="cell")
            return self._unsupported(q, "没有看懂这个问题。可以这样问：")
        bad = self._agency_problem(match, q)
        if bad:
            return bad
        agency = match.agencies[0]
        if _WHEN.search(q) and _REPORT_WORDS.search(q):
            return self._report_date(agency, spec)
        if _SECTION_FIVE.search(q) and not metrics:
            return self._section_text(agency, spec, "五")
        if _PROBLEM_WORDS.search(q) and (not metrics or mp.weak_only):
            return self._problems(agency, spec)
        if metrics and mp.weak_only and not followup:
            unknown = _content_words(_blank_hits(metric_text))
            if unknown:  # "申请有多少被驳回": 驳回 is no figure of the template
                return self._free_text(agency, spec, unknown)
        if not metrics:
            if mp.columns and not _WHEN.search(q):
                return Answer("unsupported", "请说明是哪一项数字，例如“收到几件申请”“予以公开多少件”。",
                              agency=self._agency_dict(agency), kind="cell")
            words = _content_words(metric_text)
            if _ASKS_FIGURE.search(q) and words and not _OVERVIEW.search(q):
                return self._free_text(agency, spec, words)
            return self._remember(session, agency, spec, [], "overview", self._overview(agency, spec, q))
        if (_TREND.search(q) or spec.all_years or spec.last_n or len(spec.years) > 2 or spec.is_range):
            return self._remember(session, agency, spec, metrics, "trend", self._trend(agency, metrics[0], spec))
        if len(spec.years) == 2 or _COMPARE.search(q):
            return self._remember(session, agency, spec, metrics, "compare",
                                  self._compare_years(agency, metrics[0], spec))
        return self._remember(session, agency, spec, metrics, "cell", self._cells(agency, metrics, spec))

    def _remember(self, session, agency: Agency | None, spec: YearSpec, metrics, kind: str, ans: Answer) -> Answer:
        if session is None or ans.status not in ("answered",):
            return ans
        if agency is not None:
            session.agency_id = agency.id
        if ans.year:
            session.year = ans.year
        elif spec.years:
            session.year = spec.years[-1]
        if metrics:
            m = metrics[0]
            session.metric = f"{m.kind}|{m.family}|{m.prefix}|{m.column or ''}"
        session.kind = kind
        return ans

    # ------------------------------------------------------------------ agencies
    def _agency_dict(self, a: Agency) -> dict:
        return {"id": a.id, "name": a.name, "short_name": a.short_name, "region": a.region or None}

    def _agency_problem(self, match: Match, text: str) -> Answer | None:
        if not match.agencies:
            return self._not_found_agency(match)
        if len(match.agencies) > 1:
            cands = [Candidate("agency", a.id, a.display) for a in match.agencies[:10]]
            text = (f"“{match.matched or text}”对应多个单位，请问是哪一个？\n"
                    + "\n".join(f"• {a.display}" for a in match.agencies[:10]))
            return Answer("ambiguous", text, candidates=cands, kind="cell")
        return None

    def _not_found_agency(self, match: Match) -> Answer:
        name = match.matched or "该单位"
        sugg = match.suggestions or self.index.suggest(match.matched)
        text = f"没有找到“{name}”的报告。"
        if sugg:
            text += "最接近的单位有：" + "、".join(a.display for a in sugg[:5]) + "。"
        return Answer("not_found", text, kind="cell",
                      candidates=[Candidate("agency", a.id, a.display) for a in sugg[:5]])

    def _unsupported(self, q: str, lead: str) -> Answer:
        return Answer("unsupported", lead + "\n" + "\n".join(f"• {e}" for e in self.examples()[:4]), kind="help")

    # ------------------------------------------------------------------ reports and figures
    def _report_for_year(self, agency: Agency, spec: YearSpec) -> tuple[dict | None, Answer | None, str]:
        """The report a question means; an Answer when there is none."""
        note = ""
        if spec.years:
            year = spec.years[-1] if len(spec.years) == 1 else spec.years[0]
        else:
            if not agency.years:
                return None, Answer("not_found", f"{agency.display}没有报告。", agency=self._agency_dict(agency)), ""
            year = agency.years[-1]
            note = f"（未指定年份，按最新的{year}年报告回答）"
        rep = self.store.report_for(agency.id, year)
        if rep is None:
            years = "、".join(f"{y}年" for y in agency.years) or "无"
            text = f"没有{agency.display}{year}年的报告。现有年份：{years}。"
            return None, Answer("not_found", text, agency=self._agency_dict(agency), year=year,
                                candidates=[Candidate("year", y, f"{y}年") for y in agency.years]), ""
        return rep, None, note

    def _cells_of(self, report_id: int, keys) -> dict[str, dict]:
        keys = list(keys)
        if not keys:
            return {}
        rows = self.store.db.query(
            f"select * from cells where report_id = ? and key in ({','.join('?' * len(keys))})", [report_id, *keys])
        return {r["key"]: r for r in rows}

    def figure(self, rep: dict, query: MetricQuery) -> Figure:
        version = rep["template"] or "2021"
        cells = self._cells_of(rep["id"], keys_needed(query, version))
        facts = (lambda: self.store.facts_for(rep["id"])) if query.kind == "narrative" or query.narrative else None
        return compute(query, version, cells, facts)

    def _sources(self, rep: dict, fig: Figure) -> list[Source]:
        out = []
        if fig.passage:
            p = fig.passage
            out.append(Source(rep["id"], rep["title"], rep["file"], p.get("page"), p.get("line"), p.get("section"),
                              p["text"]))
            return out
        seen = set()
        for c in sorted(fig.cells, key=lambda c: -(c.get("value") or 0)):  # the rows that hold figures first
            if c.get("row_text") and c["row_text"] not in seen:
                seen.add(c["row_text"])
                out.append(Source(rep["id"], rep["title"], rep["file"], c.get("page"), c.get("line"),
                                  "表格", c["row_text"]))
            if len(out) >= 3:
                break
        sentence = self._restating_sentence(rep["id"], fig.key)
        if sentence:
            out.append(Source(rep["id"], rep["title"], rep["file"], sentence.get("page"), sentence.get("line"),
                              sentence.get("section"), sentence["text"]))
        if not out:
            out.append(Source(rep["id"], rep["title"], rep["file"]))
        return out

    def _restating_sentence(self, report_id: int, key: str) -> dict | None:
        for p in self.store.passages(report_id):
            for k, _, _ in narrative_figures(p["text"]):
                if k == key:
                    return p
        return None

    def _warnings(self, rep: dict, fig: Figure | None = None) -> list[str]:
        from store.audit import present  # the audit's findings that touch this figure, then the report's errors

        problems = self.store.findings(rep["id"])
        keys = {c["key"] for c in fig.cells} if fig else set()
        related = [p for p in problems if keys & set(p["keys"])]
        out = [present.touching(p) for p in related]
        out += present.others([p for p in problems if p not in related])
        if fig is not None and fig.status == "inferred":
            out.append("该行印出的数字少了一格，此数为按勾稽关系推定")
        if fig is not None and fig.approx:
            out.append(f"报告原文为约数：“{fig.note}”")
        if fig is not None and fig.warning:
            out.append(fig.warning)
        return out

    def _cells(self, agency: Agency, metrics: list[MetricQuery], spec: YearSpec) -> Answer:
        rep, problem, note = self._report_for_year(agency, spec)
        if problem:
            return problem
        figs = [self.figure(rep, m) for m in metrics[:6]]
        if len(figs) == 1 and figs[0].status == "not_stated" and figs[0].closest is None:  # the text says nothing near
            words = metrics[0].prefix if metrics[0].kind == "narrative" else metrics[0].narrative
            return self._free_text(agency, spec, _content_words(words) or [words.strip()])
        sources: list[Source] = []
        warnings: list[str] = []
        for f in figs:
            for s in self._sources(rep, f):
                if s not in sources:
                    sources.append(s)
            for w in self._warnings(rep, f):
                if w not in warnings:
                    warnings.append(w)
        text = replies.cells_text(agency, rep, figs, note, sources, warnings)
        first = figs[0]
        status = "answered" if any(f.status not in ("missing", "uncertain", "not_stated") for f in figs) else "not_found"
        return Answer(
            status, text, agency=self._agency_dict(agency), year=rep["year"],
            metric={"key": first.key, "label": first.label}, value=first.value, unit=first.unit,
            values=[{"agency": agency.name, "year": rep["year"], "key": f.key, "value": f.value} for f in figs],
            sources=sources, warnings=warnings, kind="cell" if len(figs) == 1 else "multi")

    def _overview(self, agency: Agency, spec: YearSpec, q: str) -> Answer:
        rep, problem, note = self._report_for_year(agency, spec)
        if problem:
            return problem
        version = rep["template"] or "2021"
        figs = [self.figure(rep, m) for m in replies.overview_metrics(version)]
        problems = self.store.problems(rep["id"])
        text = replies.overview_text(agency, rep, figs, problems, note)
        return Answer("answered", text, agency=self._agency_dict(agency), year=rep["year"], kind="overview",
                      values=[{"agency": agency.name, "year": rep["year"], "key": f.key, "value": f.value}
                              for f in figs],
                      sources=[Source(rep["id"], rep["title"], rep["file"])],
                      warnings=[p["message"] for p in problems if p["severity"] == "error"])

    def _trend(self, agency: Agency, query: MetricQuery, spec: YearSpec) -> Answer:
        years = agency.years
        if spec.years:
            years = [y for y in years if y in spec.years]
        if spec.last_n:
            years = years[-spec.last_n:]
        if not years:
            return Answer("not_found", f"没有{agency.display}在这些年份的报告。现有年份："
                          + ("、".join(map(str, agency.years)) or "无") + "。", agency=self._agency_dict(agency))
        rows = []
        sources = []
        for y in years:
            rep = self.store.report_for(agency.id, y)
            fig = self.figure(rep, query)
            rows.append((y, fig))
            if fig.cells or fig.passage:
                sources.extend(self._sources(rep, fig)[:1])
        text = replies.trend_text(agency, query, rows)
        last = rows[-1][1]
        return Answer("answered", text, agency=self._agency_dict(agency), year=years[-1],
                      metric={"key": last.key, "label": last.label}, value=None, unit=last.unit,
                      values=[{"agency": agency.name, "year": y, "key": f.key, "value": f.value} for y, f in rows],
                      sources=sources, kind="trend")

    def _compare_years(self, agency: Agency, query: MetricQuery, spec: YearSpec) -> Answer:
        if len(spec.years) >= 2:
            y1, y2 = sorted(spec.years[:2])
        else:
            y2 = spec.years[0] if spec.years else (agency.years[-1] if agency.years else None)
            y1 = y2 - 1 if y2 else None
        missing = [y for y in (y1, y2) if y not in agency.years]
        if y2 is None or missing:
            return Answer("not_found", f"没有{agency.display}{'、'.join(f'{y}年' for y in missing)}的报告，无法比较。"
                          f"现有年份：{'、'.join(map(str, agency.years)) or '无'}。",
                          agency=self._agency_dict(agency),
                          candidates=[Candidate("year", y, f"{y}年") for y in agency.years])
        reps = [self.store.report_for(agency.id, y) for y in (y1, y2)]
        figs = [self.figure(r, query) for r in reps]
        sources = [s for r, f in zip(reps, figs) for s in self._sources(r, f)[:1]]
        warnings = [w for r, f in zip(reps, figs) for w in self._warnings(r, f)]
        text = replies.compare_text(agency, (y1, y2), figs, sources)
        diff = None
        if all(f.has_value for f in figs):
            diff = figs[1].value - figs[0].value
            diff = int(diff) if float(diff).is_integer() else round(diff, 4)
        return Answer("answered", text, agency=self._agency_dict(agency), year=y2,
                      metric={"key": figs[1].key, "label": figs[1].label}, value=diff, unit=figs[1].unit,
                      values=[{"agency": agency.name, "year": y, "key": f.key, "value": f.value}
                              for y, f in zip((y1, y2), figs)],
                      sources=sources, warnings=warnings, kind="compare")

    def _report_date(self, agency: Agency, spec: YearSpec) -> Answer:
        rep, problem, note = self._report_for_year(agency, spec)
        if problem:
            return problem
        when = rep.get("report_date")
        head = f"{agency.display} {rep['year']}年政府信息公开工作年度报告{note}"
        text = head + (f"的落款日期是 {when}。" if when else "没有印出落款日期。")
        text += "\n" + "\n".join(replies.sources_text([Source(rep["id"], rep["title"], rep["file"])]))
        return Answer("answered" if when else "not_found", text, agency=self._agency_dict(agency), year=rep["year"],
                      metric={"key": "report_date", "label": "报告日期"}, kind="cell",
                      sources=[Source(rep["id"], rep["title"], rep["file"])])

    def _section_text(self, agency: Agency, spec: YearSpec, number: str) -> Answer:
        """What the report says in one of its six sections (五、存在的主要问题及改进情况)."""
        rep, problem, note = self._report_for_year(agency, spec)
        if problem:
            return problem
        found = [p for p in self.store.passages(rep["id"]) if (p["section"] or "").startswith(number)]
        head = f"{agency.display} {rep['year']}年报告{note}"
        sources = [Source(rep["id"], rep["title"], rep["file"], p.get("page"), p.get("line"), p.get("section"),
                          p["text"]) for p in found[:4]]
        if not sources:
            return Answer("not_found", head + f"中没有找到第{number}部分的内容。", agency=self._agency_dict(agency),
                          year=rep["year"], kind="overview")
        text = head + f"第{number}部分写道：\n" + "\n".join(replies.sources_text(sources))
        return Answer("answered", text, agency=self._agency_dict(agency), year=rep["year"], kind="overview",
                      sources=sources)

    def _problems(self, agency: Agency, spec: YearSpec) -> Answer:
        """The audit's findings on one report (structure, 勾稽关系, narrative vs table, text, timeliness)."""
        rep, problem, note = self._report_for_year(agency, spec)
        if problem:
            return problem
        from store.audit import present  # the audit's findings, each with the line that shows it

        findings = self.store.findings(rep["id"])
        problems = [p for p in findings if (p.get("scope") or "report") == "report"]
        text = present.chat_text(findings, f"{agency.display} {rep['year']}年报告{note}")
        text += "\n" + "\n".join(replies.sources_text([Source(rep["id"], rep["title"], rep["file"])]))
        return Answer("answered", text, agency=self._agency_dict(agency), year=rep["year"], kind="overview",
                      warnings=[p["message"] for p in problems], value=len(problems), unit="处",
                      metric={"key": "problems", "label": "审查发现的问题"},
                      sources=[Source(rep["id"], rep["title"], rep["file"])])

    def _free_text(self, agency: Agency, spec: YearSpec, words: list[str]) -> Answer:
        """A figure the template does not have: say so, and quote what the report's text says."""
        rep, problem, note = self._report_for_year(agency, spec)
        if problem:
            return problem
        found = []
        for w in words:
            for p in self.store.search_passages(w, rep["id"], limit=5):
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
        return Answer("not_found", text, agency=self._agency_dict(agency), year=rep["year"], sources=sources,
                      kind="cell")

    def _compare_agencies(self, agencies: list[Agency], query: MetricQuery, spec: YearSpec) -> Answer:
        """The same figure for several agencies in one year (the latest they all have, if none is given)."""
        if spec.years:
            year = spec.years[-1]
        else:
            common = set.intersection(*(set(a.years) for a in agencies))
            year = max(common) if common else max(y for a in agencies for y in a.years)
        rows, sources, warnings = [], [], []
        for a in agencies:
            rep = self.store.report_for(a.id, year)
            if rep is None:
                rows.append((a, None))
                continue
            fig = self.figure(rep, query)
            rows.append((a, fig))
            sources.extend(self._sources(rep, fig)[:1])
            warnings.extend(w for w in self._warnings(rep, fig) if w not in warnings)
        text = replies.compare_agencies_text(year, rows, sources)
        first = next((f for _, f in rows if f is not None), None)
        status = "answered" if first is not None else "not_found"
        return Answer(status, text, year=year, kind="compare",
                      metric={"key": first.key, "label": first.label} if first else None,
                      unit=first.unit if first else None,
                      values=[{"agency": a.name, "year": year, "key": f.key if f else None,
                               "value": f.value if f else None} for a, f in rows],
                      sources=sources, warnings=warnings)

    def _reports_in(self, year: int, region: tuple[str, set[int]] | None) -> list[dict]:
        rows = self.store.db.query(
            "select r.*, a.name as agency, a.short_name, a.district, a.city, a.province from reports r "
            "join agencies a on a.id = r.agency_id where r.year = ?", [year])
        return [r for r in rows if region is None or r["agency_id"] in region[1]]

    def _bulk_figures(self, reports: list[dict], query: MetricQuery) -> list[tuple[dict, Figure]]:
        """The figure for many reports of one year, with one query for their cells."""
        if not reports:
            return []
        by_id = {r["id"]: r for r in reports}
        keys = sorted({k for v in ("2019", "2021") for k in keys_needed(query, v)})
        cells: dict[int, dict[str, dict]] = {}
        if keys:
            years = sorted({r["year"] for r in reports})
            rows = self.store.db.query(
                f"select c.report_id, c.key, c.value, c.raw, c.status from cells c join reports r on r.id = c.report_id "
                f"where r.year in "
                f"({','.join('?' * len(years))}) and c.key in ({','.join('?' * len(keys))})", [*years, *keys])
            for c in rows:
                if c["report_id"] in by_id:
                    cells.setdefault(c["report_id"], {})[c["key"]] = c
        out = []
        for rid, rep in by_id.items():
            facts = self.store.facts_for(rid) if query.kind == "narrative" else None  # table rows: the table's
            out.append((rep, compute(query, rep["template"] or "2021", cells.get(rid, {}), facts)))
        return out

    def _rank_year(self, spec: YearSpec) -> int | None:
        if spec.years:
            return spec.years[-1]
        return self.years_on_file[-1] if self.years_on_file else None

    def _rank(self, query: MetricQuery, spec: YearSpec, region, q: str) -> Answer:
        year = self._rank_year(spec)
        if year is None:
            return Answer("not_found", "数据库中还没有报告。", kind="rank")
        reps = self._reports_in(year, region)
        if not reps:
            where = f"{region[0]}" if region else ""
            return Answer("not_found", f"没有{where}{year}年的报告。现有年份：{'、'.join(map(str, self.years_on_file))}。",
                          year=year, kind="rank")
        figs = [(r, f) for r, f in self._bulk_figures(reps, query) if f.has_value]
        fewest = bool(_FEWEST.search(q))
        figs.sort(key=lambda rf: (rf[1].value, rf[0]["agency"]) if fewest else (-rf[1].value, rf[0]["agency"]))
        n = _top_n(q)
        shown = figs[:n]
        text = replies.rank_text(query, year, region[0] if region else None, shown, len(figs), len(reps), fewest)
        label = shown[0][1].label if shown else ""
        return Answer("answered" if shown else "not_found", text, year=year,
                      metric={"key": shown[0][1].key if shown else query.prefix, "label": label},
                      value=None, unit=shown[0][1].unit if shown else None,
                      values=[{"agency": r["agency"], "year": year, "key": f.key, "value": f.value} for r, f in shown],
                      sources=[Source(r["id"], r["title"], r["file"]) for r, _ in shown[:3]], kind="rank")

    def _total(self, query: MetricQuery, spec: YearSpec, region) -> Answer:
        year = self._rank_year(spec)
        if year is None:
            return Answer("not_found", "数据库中还没有报告。", kind="total")
        if query.kind == "narrative":  # what each report's text says is no column of figures to add up
            return Answer("not_found", "这是报告正文中的说法，各报告说法不一，不做合计。请指明是哪个单位的报告。",
                          year=year, kind="total")
        reps = self._reports_in(year, region)
        figs = self._bulk_figures(reps, query)
        with_value = [(r, f) for r, f in figs if f.has_value]
        if not with_value:
            return Answer("not_found", f"没有{region[0] if region else ''}{year}年可以合计的数字。", year=year, kind="total")
        total = sum(f.value for _, f in with_value)
        total = int(total) if float(total).is_integer() else round(total, 4)
        f0 = with_value[0][1]
        text = replies.total_text(query, year, region[0] if region else None, total, f0, len(with_value), len(figs))
        return Answer("answered", text, year=year, metric={"key": f0.key, "label": f0.label}, value=total,
                      unit=f0.unit, kind="total",
                      values=[{"agency": r["agency"], "year": year, "key": f.key, "value": f.value}
                              for r, f in with_value],
                      sources=[Source(r["id"], r["title"], r["file"]) for r, _ in with_value[:3]],
                      warnings=([f"{len(figs) - len(with_value)}份报告没有该项数字，未计入"]
                                if len(with_value) < len(figs) else []))


_WHEN = re.compile(r"什么时候|哪天|哪一天|日期|何时|几月几[日号]|时间")
_REPORT_WORDS = re.compile(r"报告|发布|印发|公布|发出|成文")
_SECTION_FIVE = re.compile(r"主要问题|存在的问题|存在问题|哪些问题|不足|改进|整改|下一步")
_PROBLEM_WORDS = re.compile(r"勾稽|核对|校验|问题|错误|矛盾|对不上|不一致|不符|有误")
_ASKS_FIGURE = re.compile(r"多少|几[件个起次条项名人台场篇家位]?|数量|数目|是否|有没有")
_QUESTION_NOISE = re.compile(r"多少|几[件个起次条项名人台场篇家位]?|数量|数目|是否|有没有|是|有|的|了|吗|呢|请问|一共|共|总共|"
                             r"政府信息公开|信息公开|政府信息|公开|信息|情况|全年|本年|提出|提交|方面|相关|"
                             r"报告|年度|年|中|里|在|和|与|及|被|对|把|给|[，,。？?！!、：:\s\d]")


def _content_words(text: str) -> list[str]:
    """What a question is about once agency, year and question words are gone (工作人员, 网站访问量)."""
    parts = [p for p in _QUESTION_NOISE.split(text) if len(p) >= 2]
    return parts[:3]


_SEVERAL = re.compile(r"[和与及、,，]|以及|分别|各(?:是)?多少|各几")


def _drop_context_rows(metrics: list[MetricQuery], text: str) -> list[MetricQuery]:
    """"收到的申请中有几件予以公开": 收到 sets the scene, 予以公开 is asked.  Several figures are
    asked only with a conjunction (收到和办结各多少)."""
    prefixes = {m.prefix for m in metrics if m.kind != "narrative"}
    if "apply.new" in prefixes and len(prefixes) > 1 and not _SEVERAL.search(text):
        return [m for m in metrics if m.prefix != "apply.new"]
    return metrics


def _blank_hits(text: str) -> str:
    """``text`` with the words that name figures blanked out (they are no agency's name)."""
    from bot.metrics import find_hits

    chars = list(text)
    for start, end, _ in find_hits(text):
        for k in range(start, end):
            chars[k] = " "
    return "".join(chars)


def _metric_from_session(text: str) -> MetricQuery | None:
    try:
        kind, family, prefix, column = text.split("|")
    except ValueError:
        return None
    return MetricQuery(prefix, column or None, family, kind)


def _top_n(q: str) -> int:
    m = _TOP_N.search(q)
    if not m:
        return 10
    v = m.group(1) or m.group(2)
    n = int(v) if v.isdigit() else _CN_NUM.get(v, 10)
    return max(1, min(n, 50))
