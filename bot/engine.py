"""The answering core: a question in, an :class:`~bot.answers.Answer` out.

Used by every front end (``ask``, the console chat, the Telegram bot)::

    answerer = Answerer(store)
    answerer.answer("后湖街道2021年收到几件申请").value   # -> 3

A question is parsed into an :class:`~bot.intent.Intent` (:func:`bot.intent.parse_intent`: the
agencies, years and figures it names, and its kind); the handler of that kind (:data:`HANDLERS`,
in :mod:`bot.handlers_one` and :mod:`bot.handlers_many`) looks the figures up through
:mod:`store.queries` and :mod:`bot.replies` writes the Chinese reply with its sources.
:meth:`Answerer.answer_intent` answers an Intent built directly (Telegram's ``/compare``, ``/rank``).
"""

from __future__ import annotations

from datetime import date

from bot import handlers_many as many
from bot import handlers_one as one
from bot import replies
from bot.agencies import AgencyIndex, Match
from bot.answers import Answer, Candidate, ChatSession
from bot.intent import MAX_QUESTION_CHARS, Intent, ParseContext, metric_to_session, normalise_question, parse_intent
from bot.lookup import Lookup
from store import queries

__all__ = ["Answerer", "HANDLERS", "MAX_QUESTION_CHARS", "normalise_question"]


def _help(ans: "Answerer", intent: Intent) -> Answer:
    return ans.help()


def _unsupported(ans: "Answerer", intent: Intent) -> Answer:
    return ans.unsupported(intent.lead or "没有看懂这个问题。可以这样问：")


def _need_agency(ans: "Answerer", intent: Intent) -> Answer:
    return Answer("not_found", (intent.lead + "\n" if intent.lead else "") + "请说明是哪个单位的报告，例如："
                  + "；".join(ans.examples()[:3]), kind="cell")


def _need_figure(ans: "Answerer", intent: Intent) -> Answer:
    return Answer("unsupported", "请说明是哪一项数字，例如“收到几件申请”“予以公开多少件”。",
                  agency=one.agency_dict(intent.agency) if intent.agency else None, kind="cell")


def _name_problem(ans: "Answerer", intent: Intent) -> Answer:
    return ans.name_problem(intent.match or Match([], ""))


#: kind -> handler(answerer, intent) -> Answer
HANDLERS = {
    "cell": one.cell,
    "narrative": one.narrative,
    "sum": one.sum_figures,
    "compare_years": one.compare_years,
    "trend": one.trend,
    "rank_years": one.rank_years,
    "overview": one.overview,
    "list_years": one.list_years,
    "report_date": one.report_date,
    "section": one.section,
    "problems": one.problems,
    "free_text": one.free_text,
    "rank_columns": one.rank_columns,
    "compare": many.compare,
    "sum_agencies": many.sum_agencies,
    "rank": many.rank,
    "total": many.total,
    "choose_agency": many.choose_agency,
    "list_agencies": many.list_agencies,
    "name_problem": _name_problem,
    "need_agency": _need_agency,
    "need_figure": _need_figure,
    "help": _help,
    "unsupported": _unsupported,
}


class Answerer:
    """Answers questions from one store.  Call :meth:`refresh` after an ingest."""

    def __init__(self, store, today: date | None = None):
        self.store = store
        self.lookup = Lookup(store)
        self._today = today
        self.refresh()

    @property
    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        self.index = AgencyIndex.from_store(self.store)
        self.years_on_file = sorted({y for a in self.index.agencies.values() for y in a.years})

    # ------------------------------------------------------------------ entry points
    def context(self, session: ChatSession | None = None, agency_id: int | None = None,
                year: int | None = None) -> ParseContext:
        return ParseContext(self.index, self.today, session, agency_id, year, tuple(self.years_on_file))

    def answer(self, question: str, session: ChatSession | None = None, *, agency_id: int | None = None,
               year: int | None = None) -> Answer:
        raw = question or ""
        if session is not None and session.expired():
            session.clear()
        intent = parse_intent(raw, self.context(session, agency_id, year))
        ans = self.answer_intent(intent, session)
        ans.question = raw
        if session is not None:
            session.question = raw
            session.touch()
        return ans

    def answer_intent(self, intent: Intent, session: ChatSession | None = None) -> Answer:
        """The answer to an Intent (parsed from a question, or built by a command)."""
        ans = HANDLERS[intent.kind](self, intent)
        self._notes(intent, ans)
        if session is not None and ans.status == "answered":
            self._remember(session, intent, ans)
        return ans

    def _notes(self, intent: Intent, ans: Answer) -> None:
        """How the question was read, said in the reply: a misread name, a region's own government."""
        lead = []
        for name in intent.readings:
            lead.append(f"（按“{name}”理解）")
        for written, read in intent.spelled:
            lead.append(f"（“{written}”按“{read}”理解）")
        if intent.region_of_government and intent.agency is not None and ans.status == "answered":
            others = self.index.others_in_region(intent.agency, intent.region_of_government)
            if others:
                ans.candidates = ans.candidates or [Candidate("agency", a.id, a.display) for a in others]
                ans.text += (f"\n（“{intent.region_of_government}”按{intent.agency.name}本级的报告回答；该地区另有："
                             + "、".join(a.display for a in others[:5]) + ("等" if len(others) > 5 else "") + "）")
        if lead:
            ans.text = "".join(lead) + "\n" + ans.text
        if intent.language == "en" and ans.status == "answered" and ans.value is not None and ans.metric:
            who = (ans.agency["name"] if ans.agency else "、".join(a.name for a in intent.agencies)
                   or (intent.region[0] if intent.region else ""))
            ans.text = (f"{who} {ans.year or ''}: {replies.fmt_number(ans.value)}{ans.unit or ''} "
                        f"— {ans.metric.get('label', '')}\n" + ans.text)

    def _remember(self, session: ChatSession, intent: Intent, ans: Answer) -> None:
        if intent.kind in ("compare", "sum_agencies", "rank", "total"):
            session.agency_id = None if intent.kind in ("rank", "total") else session.agency_id
        elif intent.agency is not None:
            session.agency_id = intent.agency.id
        if ans.year:
            session.year = ans.year
        elif intent.years.years:
            session.year = intent.years.years[-1]
        if intent.figures:
            session.metric = metric_to_session(intent.figures[0])
        session.kind = intent.kind

    # ------------------------------------------------------------------ replies without a figure
    def help(self) -> Answer:
        ex = self.examples()
        text = ("我可以回答关于政府信息公开工作年度报告的问题：某单位某年的某项数字、多个数字及其合计、两年或多个单位的对比、"
                "历年趋势、排名、合计、一份报告的概况，以及有哪些单位和年份；也可以用英文提问。\n例如：\n"
                + "\n".join(f"• {e}" for e in ex))
        return Answer("answered", text, kind="help")

    def examples(self) -> list[str]:
        """Example questions drawn from the data on file (never names fixed in code)."""
        best = queries.latest_report(self.store)
        if best is None:
            return ["（数据库中还没有报告）"]
        agency = self.index.agencies.get(best["agency_id"])
        name, year = (agency.short_name if agency else best["short_name"]) or best["agency"], best["year"]
        out = [f"{name}{year}年收到几件申请", f"{name}{year}年予以公开多少件", f"{name}{year}年行政处罚多少",
               f"{name}历年收到申请的趋势", f"{year}年收到申请最多的单位", f"{name}{year}年的报告概况"]
        other = next((a for a in sorted(self.index.agencies.values(), key=lambda a: (-len(a.years), a.name))
                      if agency is None or a.id != agency.id), None)
        if other is not None and year in other.years:
            out.insert(4, f"{name}和{other.short_name}{year}年收到申请对比")
        out.append("有哪些单位")
        return out

    def unsupported(self, lead: str) -> Answer:
        return Answer("unsupported", lead + "\n" + "\n".join(f"• {e}" for e in self.examples()[:4]), kind="help")

    def name_problem(self, match: Match) -> Answer:
        if len(match.agencies) > 1:
            cands = [Candidate("agency", a.id, a.display) for a in match.agencies[:10]]
            text = (f"“{match.matched}”对应多个单位，请问是哪一个？\n"
                    + "\n".join(f"• {a.display}" for a in match.agencies[:10]))
            return Answer("ambiguous", text, candidates=cands, kind="cell")
        name = match.matched or "该单位"
        sugg = match.suggestions or self.index.suggest(match.matched)
        if sugg:
            text = (f"您是不是要问：{'、'.join(a.display for a in sugg[:5])}？"
                    f"（已收录的单位中没有“{name}”，请点选或换个说法）")
        else:
            text = f"已收录的单位中没有“{name}”。发送“有哪些单位”查看全部。"
        return Answer("not_found", text, kind="cell", candidates=[Candidate("agency", a.id, a.display) for a in sugg[:5]])

    # ------------------------------------------------------------------ commands
    def list_agencies(self, filter_text: str = "") -> Answer:
        agencies = self.index.search(filter_text)
        if not agencies:
            return Answer("not_found", f"没有名称或地区包含“{filter_text}”的单位。共有 {len(self.index.agencies)} 个单位，"
                                       "发送“有哪些单位”查看。", kind="list")
        text = replies.agency_list(agencies, filter_text)
        return Answer("answered", text, kind="list",
                      values=[{"agency": a.name, "year": None, "key": "years", "value": a.years} for a in agencies])

    def _one_agency(self, agency_text: str) -> tuple[Intent | None, Answer | None]:
        match = self.index.resolve(agency_text)
        if len(match.agencies) != 1:
            return None, self.name_problem(match)
        return Intent("list_years", agency_text, agencies=match.agencies, readings=[match.reading] if match.reading
                      else []), None

    def years(self, agency_text: str) -> Answer:
        intent, problem = self._one_agency(agency_text)
        return problem or self.answer_intent(intent)

    def overview(self, agency_text: str, year: int | None = None) -> Answer:
        intent, problem = self._one_agency(agency_text)
        if problem:
            return problem
        intent.kind = "overview"
        if year:
            intent.years.years = [year]
        return self.answer_intent(intent)

    def figure(self, rep: dict, query):
        """The figure ``query`` names in report ``rep`` (for callers outside the core)."""
        return self.lookup.figure(rep, query)
