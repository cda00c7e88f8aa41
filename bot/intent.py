"""What a question asks, as data: ``parse_intent(question, context) -> Intent``.

Pure: it reads the question, the agency index in memory, today's date and the chat's
follow-up context, never the database.  The answering core (:mod:`bot.engine`) hands the
:class:`Intent` to the handler of its ``kind``; Telegram's ``/compare`` and ``/rank`` build an
Intent directly.

Kinds (one handler each):

=================  ==========================================================================
``cell``           one or several figures of one agency in one year
``sum``            several figures of one agency added up (予以公开与部分公开合计)
``compare_years``  one figure of one agency in two years (2024年比2022年少了多少)
``trend``          one figure of one agency over years (历年, 2020到2022年, 23、24、25三年分别)
``rank_years``     the year in which one agency's figure was largest (哪一年最多)
``rank_columns``   the kinds of applicant of one figure, largest first (哪类申请人最多)
``compare``        one figure of several named agencies (和, 、; 谁多, 相差多少, 哪家最多)
``sum_agencies``   one figure of several named agencies added up (加起来一共)
``rank``           the agencies of a region (or all) ordered by one figure
``total``          one figure added up over the agencies of a region (或 all)
``overview``       the headline figures of one report
``list_agencies``  the agencies on file (in a region)
``list_years``     the years on file for one agency
``report_date``    when a report was signed
``section``        what section 五 says (存在的主要问题)
``problems``       the consistency problems found in a report
``free_text``      a figure the template does not have: what the text says about it
``narrative``      a figure the narrative states (主动公开信息89条) — :mod:`bot.facts` plugs in here
``choose_agency``  a region named with no report of its own: which of its agencies?
``name_problem``   a name that fits several agencies, or none
``need_agency``    a figure asked without an agency
``need_figure``    a column asked without its row (企业呢 with nothing before)
``help``           what the bot can answer
``unsupported``    anything else, with examples
=================  ==========================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from bot import facts as stated
from bot.agencies import Agency, AgencyIndex, Match
from bot.metrics import MetricQuery, find_hits, parse_metrics, read_by_sound
from bot.textnorm import fold
from bot.years import YearSpec, parse_years, relative_years
from store.template import APPLICANT_PARTS
from store.template.facts import QUESTION_OPENERS
from store.template.abbreviations import DEPARTMENT_ENDINGS, PLACE_ENDINGS, REGION_ENDINGS

MAX_QUESTION_CHARS = 500

_RANK = re.compile(r"排名|排行|排序|最多|最少|最高|最低|最大|最小|倒数|前\s*\d+|前[一二三四五六七八九十]+名?|哪个.*最|哪些.*最|谁最|"
                   r"哪家|哪一家|哪个单位|哪个部门|谁的.*多|谁.*多|谁.*少|top", re.I)
_WHICH_YEAR = re.compile(r"哪一?年|哪个年份|哪年度|哪一年度")
_WHICH_YEAR_MORE = re.compile(r"(?:哪一?年|哪个年份|哪年度)[^，,。？?]*?(多|少|高|低|大|小)")
_TREND = re.compile(r"趋势|历年|每年|逐年|各年|这几年|近几年|走势|变化情况|历史|怎么变|如何变化|变化趋势")
_COMPARE = re.compile(r"比去年|比上年|同比|相比|对比|比较|较上年|较去年|增加了|减少了|多了|少了|增长|下降|变化|变成|差多少|差别|相差|"
                      r"增减|多几|少几|多多少|少多少|[^\d]比\d|比[二〇零\d]|增加|减少")
_SUM = re.compile(r"一共|合计|总共|加起来|总和|之和|加在一起|共计|相加|汇总|(?<!公)共(?=多少|几|有多少|有几|是多少)")
_EACH = re.compile(r"所有|全部|各个?(?:街道|单位|机构|部门|乡镇|镇|县|区|市)|各(?=[\u4e00-\u9fff]{0,3}(?:街道|单位|乡镇))|"
                   r"每个(?:街道|单位|部门|乡镇)")
_SEPARATELY = re.compile(r"分别|各是多少|各多少|各几|各有多少|每一年|每年")
_DIFFERENCE = re.compile(r"相差|差多少|差几|差距|差别|多几|少几|多多少|少多少|多了|少了|增减|增加了|减少了|增加|减少|变化|变成")
_WHO = re.compile(r"谁|哪个|哪家|哪一家|哪一个|哪些")
_OVERVIEW = re.compile(r"概况|概要|概览|总体情况|总体|汇总情况|基本情况|报告内容|主要数据|怎么样|情况如何|介绍|摘要")
_LIST_AGENCIES = re.compile(r"(?:有|收录了?|包括)哪些(?:单位|机构|街道|部门|乡镇|报告)|单位列表|机构列表|哪些单位|都有谁|有哪几个")
_LIST_YEARS = re.compile(r"哪些年|哪几年|几年的|有哪些年份|什么年份|哪一年的报告|年份")
_HELP = re.compile(r"^(?:帮助|help|怎么用|使用说明|你能做什么|能问什么|/help|/start)$", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AGENCY_END = "|".join(DEPARTMENT_ENDINGS + PLACE_ENDINGS)
_ANY_NAME_END = "|".join(DEPARTMENT_ENDINGS + PLACE_ENDINGS + REGION_ENDINGS)
#: A phrase that ends like an agency's or a region's name (火星街道, 某某局, 汉阳区).
_NAME_LIKE = re.compile(rf"(?:{_ANY_NAME_END})$")
_FEWEST = re.compile(r"最少|最低|最小|倒数|少的|fewest|least", re.I)
_TOP_N = re.compile(r"前\s*(\d+|[一二三四五六七八九十]+)|(\d+|[一二三四五六七八九十])\s*(?:个|家|名)(?:单位|街道|乡镇|镇|部门)?")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WHEN = re.compile(r"什么时候|哪天|哪一天|日期|何时|几月几[日号]|时间")
_REPORT_WORDS = re.compile(r"报告|发布|印发|公布|发出|成文")
_SECTION_FIVE = re.compile(r"主要问题|存在的问题|存在问题|哪些问题|不足|改进|整改|下一步")
#: 报告有什么问题 / 报告有哪些问题 asks what is wrong with the report (the audit), not its section 五 — unless
#: the question points into the text (报告里提到存在哪些问题, 报告说有哪些不足).
_REPORT_FAULTS = re.compile(r"报告[^，。？?]{0,4}?(?:有|存在)?(?:什么|哪些|哪儿|啥)(?:问题|错误|毛病)")
_POINTS_INTO_TEXT = re.compile(r"提到|写|说|谈|讲|存在哪些|不足|改进|整改")
_PROBLEM_WORDS = re.compile(r"勾稽|核对|校验|问题|错误|矛盾|对不上|不一致|不符|有误")
_ASKS_FIGURE = re.compile(r"多少|几[件个起次条项名人台场篇家位]?|数量|数目|是否|有没有")
_QUESTION_NOISE = re.compile(r"多少|几[件个起次条项名人台场篇家位]?|数量|数目|是否|有没有|是|有|的|了|吗|呢|请问|一共|共|总共|"
                             r"想问一?下|想问问?|问一?下|麻烦|帮忙|帮我|查一?下|我?想了解一?下?|我?想知道|告诉我|"
                             r"政府信息公开|信息公开|政府信息|公开|信息|情况|全年|本年|提出|提交|方面|相关|"
                             r"报告|年度|年|中|里|在|和|与|及|被|对|把|给|从|到|变成|增加|减少|比|多|少|"
                             r"[，,。？?！!、：:\s\d]")
_SEVERAL = re.compile(r"[和与及、,，]|以及|分别|各(?:是)?多少|各几|合计|加起来|一共|总共|之和")
_COMPARE_WORD = re.compile(r"比")
_NAME_END = _NAME_LIKE
#: The question names the table itself: a figure only the text states does not answer it …
_STRICT = re.compile(r"表格|表里|表中|报表|年报表|表上|[（(]七[)）]|总计|填的|填写|填报")
#: … or the table's own row (本年新收): only a sentence that says so too answers it, and a sentence that
#: counts the applications carried over with the new ones (收到75件 = 74 + 1) does not contradict it.
_TABLE_ROW = re.compile(r"新收")
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》]")
#: A phrase that names an agency (when it was not found on file): 城东街道, 吴起县, 某某局.
_NAME_CHUNK = re.compile(rf"[\u4e00-\u9fff]{{2,14}}?(?:{_ANY_NAME_END})")
_FROM_TO = re.compile(r"从.*?(?:到|变成|变为|至)")
#: Words that ask for several years (这几年的趋势): they shape the question.
_OVER_YEARS = re.compile(r"趋势|走势|变化情况|这几年|近几年|逐年|各年|每一年|每年")
#: A question about which kind of applicant leads (哪类申请人最多, 申请人主要是什么类型).
_WHICH_KIND = re.compile(r"哪一?类|哪一?种|什么类型|什么样的申请人|申请人类型|申请人主要|主要是谁|谁申请的?最多")
#: A follow-up that sets the agency of the chat beside another (和龙阳街道比呢, 跟花桥街道对比一下).
_COMPARE_FOLLOWUP = re.compile(r"^\s*(?:那|那么)?(?:和|跟|与|同)\S+?(?:比|相比|对比|比较)|(?:比|相比|对比|比较)(?:一下)?呢?\s*[？?]?\s*$")
#: Words that set a figure against the year before's (比上年多了几件): they shape the question.
_AGAINST_LAST_YEAR = re.compile(r"[与和跟同]上一?年度?相比|比上一?年度?|较上一?年度?|比去年|较去年|同比")


@dataclass
class ParseContext:
    """What parsing may read besides the question: the agencies on file, today, the chat's context."""

    index: AgencyIndex
    today: date
    session: object | None = None  # bot.answers.ChatSession
    agency_id: int | None = None  # a tapped button: this agency
    year: int | None = None  # a tapped button: this year
    years_on_file: tuple[int, ...] = ()


@dataclass
class Intent:
    kind: str
    question: str = ""
    agencies: list[Agency] = field(default_factory=list)  # the agencies named, in order
    years: YearSpec = field(default_factory=YearSpec)
    figures: list[MetricQuery] = field(default_factory=list)
    region: tuple[str, set[int]] | None = None  # rank / total / list over a region's agencies
    pairs: list[tuple[Agency, int]] = field(default_factory=list)  # 甲2024年 … 乙2022年
    fewest: bool = False
    top_n: int = 10
    difference: str = ""  # how two figures are set against each other: first-second | second-first | later-earlier | abs
    who: bool = False  # 谁 / 哪家: the answer leads with the winner
    words: list[str] = field(default_factory=list)  # free_text: the topic
    match: Match | None = None  # name_problem: the name that did not settle
    region_of_government: str = ""  # the agency was named by its region alone (平潭): offer the others
    readings: list[str] = field(default_factory=list)  # names read through a look-alike or homophone
    spelled: list[tuple[str, str]] = field(default_factory=list)  # figure words read by sound (工开 -> 公开)
    lead: str = ""  # unsupported / need_*: the first line of the reply
    language: str = "zh"
    followup: bool = False
    section: str = ""
    strict: str = ""  # "table": the question names the table (表格里, 总计); "row": the table's own row (本年新收)
    facts_words: str = ""  # what is counted, in the question's words (for the narrative's facts)

    @property
    def agency(self) -> Agency | None:
        return self.agencies[0] if self.agencies else None

    def to_json(self) -> dict:
        return {"kind": self.kind, "agencies": [a.name for a in self.agencies], "years": self.years.years,
                "figures": [f"{f.prefix}.{f.column or ''}" for f in self.figures],
                "region": self.region[0] if self.region else None, "difference": self.difference}


def _blank(text: str, spans) -> str:
    """``text`` with ``spans`` replaced by spaces, every other character where it was."""
    chars = list(text)
    for a, b in spans:
        for k in range(max(0, a), min(len(chars), b)):
            chars[k] = " "
    return "".join(chars)


def blank_figure_words(text: str) -> str:
    """``text`` with the words that name figures blanked out (they are no agency's name)."""
    return _blank(text, [(s, e) for s, e, _ in find_hits(text)])


def content_words(text: str) -> list[str]:
    """What a question is about once agency, year and question words are gone (工作人员, 网站访问量);
    what is left of a name (实验区, 平潭区) is no subject."""
    parts = [p for p in _QUESTION_NOISE.split(text) if len(p) >= 2 and not _NAME_END.search(p)]
    return parts[:3]


def drop_context_rows(metrics: list[MetricQuery], text: str) -> list[MetricQuery]:
    """"收到的申请中有几件予以公开": 收到 sets the scene, 予以公开 is asked.  Several figures are
    asked only with a conjunction (收到和办结各多少)."""
    prefixes = {m.prefix for m in metrics if m.kind != "narrative"}
    if "apply.new" in prefixes and len(prefixes) > 1 and not _SEVERAL.search(text):
        return [m for m in metrics if m.prefix != "apply.new"]
    return metrics


def metric_from_session(text: str | None) -> MetricQuery | None:
    try:
        kind, family, prefix, column = (text or "").split("|")
    except ValueError:
        return None
    return MetricQuery(prefix, column or None, family, kind)


def metric_to_session(m: MetricQuery) -> str:
    return f"{m.kind}|{m.family}|{m.prefix}|{m.column or ''}"


def top_n(q: str) -> int:
    m = _TOP_N.search(q)
    if not m:
        return 10
    v = m.group(1) or m.group(2)
    n = int(v) if v.isdigit() else _CN_NUM.get(v, 10)
    return max(1, min(n, 50))


def normalise_question(text: str) -> str:
    return fold(text)


_OPENER = re.compile(r"^(?:(?:%s)\s*[，,、：:！!。]?\s*)+" % "|".join(
    re.escape(w) for w in sorted(QUESTION_OPENERS, key=len, reverse=True)))


def without_opener(q: str) -> str:
    """``q`` without the polite words it opens with (请问, 麻烦问一下，): never part of a name."""
    rest = _OPENER.sub("", q)
    return rest if rest.strip() else q


def difference_of(q: str, first_pos: int, second_pos: int) -> str:
    """How the two things named at ``first_pos`` < ``second_pos`` are set against each other.

    ``first-second``: 甲比乙多 / 甲比乙增减 (甲 − 乙); ``second-first``: 甲比乙少 (乙 − 甲), 从甲到乙 (乙 − 甲);
    ``abs``: 相差, 谁多多几; ``later-earlier`` when nothing says (同比增加)."""
    between = q[first_pos:second_pos]
    after = re.sub(r"多少|几", "", q[second_pos:])
    if re.search(r"相差|差多少|差几|差距|差别", q):
        return "abs"
    if _FROM_TO.search(q[:second_pos + 1] if second_pos < len(q) else q) and "从" in q[:second_pos]:
        return "second-first" if not re.search(r"减少|少了|下降", after) else "first-second"
    if _COMPARE_WORD.search(between):
        if re.search(r"少|减少|下降|降低", after) and not re.search(r"增减", after):
            return "second-first"
        return "first-second"
    if _WHO.search(q):
        return "abs"
    return "later-earlier"


# --------------------------------------------------------------------------- parsing


def parse_intent(question: str, ctx: ParseContext) -> Intent:
    """What ``question`` asks (see the module docstring for the kinds)."""
    q = fold(question)
    if not q:
        return Intent("unsupported", q, lead="请输入一个问题，例如：")
    if len(q) > MAX_QUESTION_CHARS:
        return Intent("unsupported", q[:60] + "…", lead=f"问题太长（{len(q)}字），请控制在{MAX_QUESTION_CHARS}字以内，例如：")
    if _HELP.match(q):
        return Intent("help", q)
    q = without_opener(q)
    language = "zh"
    if not _CJK.search(q) or _mostly_english(q):
        from bot.english import to_chinese

        translated = to_chinese(q, ctx.index)
        if translated is None:
            if not _CJK.search(q):
                return Intent("unsupported", q, lead="没有看懂这个问题（英文问题请写明单位、年份和数字，例如 How many requests did "
                                                     "后湖街道 receive in 2021?）。可以这样问：")
        else:
            q, language = translated, "en"
    intent = _parse_chinese(q, ctx)
    intent.language = language
    return intent


def _mostly_english(q: str) -> bool:
    letters = len(re.findall(r"[A-Za-z]", q))
    return letters >= 12 and letters > 2 * len(_CJK.findall(q))


#: Kinds that set figures side by side: their question asks a figure even without 多少 (谁收到的申请多).
_SIDE_BY_SIDE = ("compare_years", "compare", "sum_agencies", "trend", "rank_years")
_DIFFERENCE_WORDS = re.compile(r"增加了?|减少了?|增长了?|下降了?|(?<![多少])多(?![少])|(?<![多])少(?!了?多少)")


def _parse_chinese(q: str, ctx: ParseContext) -> Intent:
    intent = _parse_kind(q, ctx)
    if intent.kind in _SIDE_BY_SIDE and intent.figures:
        intent.figures = [_side_by_side(m, intent.facts_words) for m in intent.figures]
    return intent


def _side_by_side(m: MetricQuery, words: str) -> MetricQuery:
    """A figure set beside another: its words for the facts without the difference asked (多了, 增加), and a
    table figure the table lacks asked of the facts too (谁收到的申请多 has no 多少)."""
    def plain(text: str) -> str:
        return re.sub(r"\s+", " ", _DIFFERENCE_WORDS.sub(" ", text)).strip()

    if m.kind == "narrative":
        return replace(m, prefix=plain(m.prefix) or m.prefix)
    if m.kind in ("cell", "sum") and (m.narrative or words):
        return replace(m, narrative=plain(m.narrative or words), order=m.order if m.narrative else "table")
    return m


def _parse_kind(q: str, ctx: ParseContext) -> Intent:
    index = ctx.index
    session = ctx.session
    q = relative_years(q, ctx.today)  # 2022年…（23年年报里提到的）: the 2023 report's 上年
    spec = parse_years(q, ctx.today)
    if ctx.year:
        spec = YearSpec(years=[ctx.year])
    rest = _blank(q, spec.spans)
    base = Intent("cell", q, years=spec)
    if _LIST_AGENCIES.search(q):
        region = index.in_region(rest)
        return replace(base, kind="list_agencies", region=region)

    # ---------------------------------------------------------------- who is asked about
    blanked = blank_figure_words(rest)
    figure_spans = [(s, e) for s, e, _ in find_hits(rest)]
    # names are read in the question as written (交通运输局 holds 输, a figure word); a name inside a
    # longer figure word is no name
    mentions = [m for m in index.scan(rest)
                if not any(s <= m.start and m.end <= e and e - s > m.end - m.start for s, e in figure_spans)]
    matches: list[Match] = index.resolve_all(rest, mentions)
    forced = index.agencies.get(ctx.agency_id) if ctx.agency_id is not None else None
    each = bool(_EACH.search(q))
    region = None
    if each:  # 江岸区各街道: a region, not its government
        region = index.in_region(rest)
        matches = [m for m in matches if not m.region]
    if forced is not None:
        matches = [Match([forced], forced.name, True)]
    elif not matches and not (_RANK.search(q) and not _WHICH_YEAR.search(q)) and not each:
        regions = [m.region for m in mentions if m.region]
        fz = index.unplaced_government(blanked) or index.fuzzy(blanked, regions=regions)
        if fz.agencies or (fz.suggestions and not regions):
            matches = [fz]
    matches = [_name_after_region(m, rest, index) if m.region else m for m in matches]
    readings = [m.reading for m in matches if m.reading]
    settled = [m for m in matches if len(m.agencies) == 1]
    unsettled = [m for m in matches if len(m.agencies) != 1]
    agencies = list({m.agencies[0].id: m.agencies[0] for m in settled}.values())
    if region is None and not agencies:
        region = index.in_region(rest)
    # the names found, and the regions named beside them (遵义的桐梓县、绥阳县): no figure words
    qualifiers = [(m.start, m.end + (rest[m.end:m.end + 1] == "的")) for m in mentions if m.region] if agencies else []
    named_text = _blank(rest, [m.span for m in matches if m.span != (0, 0)] + qualifiers)
    for m in matches:  # the name, wherever it was found, is no figure word
        if m.matched:
            named_text = named_text.replace(m.matched, " ")
    named_text = _QUOTES.sub("", named_text)
    if len(agencies) == 1 and not unsettled:  # what is left of its name beside the cut (实验区 of 平潭综合实验区经济发展局)
        a = agencies[0]
        named_text = stated.without_names(named_text, [a.name, a.short_name, a.district, a.city, a.province],
                                          bool(a.district or a.city or a.province))

    # ---------------------------------------------------------------- what figure
    named_text, spelled = read_by_sound(named_text)  # 信息工开: 信息公开
    named_text = _AGAINST_LAST_YEAR.sub(" ", named_text)  # 比上年: which years, not what is counted
    named_text = _OVER_YEARS.sub(" ", named_text)  # 这几年的趋势: which years, not what is counted
    mp = parse_metrics(named_text)
    metrics = [_plain_words(m) for m in drop_context_rows(list(mp.metrics), named_text)]

    followup = session is not None and not session.expired() and (
        getattr(session, "agency_id", None) is not None or getattr(session, "metric", None) is not None)
    if followup and not agencies and not unsettled and not region and session.agency_id is not None:
        a = index.agencies.get(session.agency_id)
        if a is not None:
            agencies = [a]
    asks_other = bool(_OVERVIEW.search(q) or (_LIST_YEARS.search(q) and not _TREND.search(q))
                      or re.search(r"报告[?？。]?$", q) or _PROBLEM_WORDS.search(q) or _SECTION_FIVE.search(q))
    used_session = False
    if followup and not metrics and session.metric and not asks_other:
        prev = metric_from_session(session.metric)
        if prev is not None:
            if mp.columns:
                fam_cols = [c for f, c in mp.columns if f == prev.family]
                metrics = [prev.with_column(c) for c in fam_cols] or [prev]
                used_session = True
            elif spec.given or matches or _COMPARE.search(q) or _TREND.search(q):
                metrics = [prev]
                used_session = True
    if followup and not spec.given and session.year and metrics and not _TREND.search(q):
        spec = YearSpec(years=[session.year])
    facts_words = re.sub(r"\s+", " ", _SHAPE_WORDS.sub(" ", named_text)).strip()
    base = replace(base, years=spec, figures=metrics, readings=readings, spelled=spelled,
                   followup=followup and used_session,
                   facts_words=facts_words,
                   fewest=bool(_FEWEST.search(q)), top_n=top_n(q), who=bool(_WHO.search(q)),
                   strict="table" if _STRICT.search(q) else "row" if _TABLE_ROW.search(q) else "")

    # ---------------------------------------------------------------- a name not on file beside names on file
    if metrics and forced is None and (agencies or unsettled) and _several_named(q):
        missing = unfound_names(named_text, index)
        if missing:
            fz = index.fuzzy(missing[0])
            if len(fz.agencies) == 1 and fz.agencies[0].id not in {a.id for a in agencies}:
                agencies.append(fz.agencies[0])
                base.readings.append(fz.reading)
            else:
                return replace(base, kind="name_problem", match=Match([], missing[0], False, fz.suggestions))

    # ---------------------------------------------------------------- several agencies
    if (len(agencies) == 1 and metrics and forced is None and _COMPARE_FOLLOWUP.search(q) and session is not None
            and not session.expired() and session.agency_id not in (None, agencies[0].id)):
        before = index.agencies.get(session.agency_id)  # 和龙阳街道比呢: the agency of the chat beside it
        if before is not None:
            agencies = [before, agencies[0]]
    if len(agencies) >= 2 and metrics and forced is None:
        lost = [m for m in unsettled if not m.region]
        if lost:  # one of the names is not on file (or fits several): ask, never compare without it
            return replace(base, kind="name_problem", match=lost[0])
        return _several(base, q, agencies, settled, spec)

    only_words = all(m.kind == "narrative" for m in metrics) and re.search(r"报告|年份", q)  # 有哪几年的报告
    if _LIST_YEARS.search(q) and agencies and (not metrics or only_words) and len(agencies) == 1:
        return replace(base, kind="list_years", agencies=agencies)

    # ---------------------------------------------------------------- rank and total over a region
    one = agencies[0] if len(agencies) == 1 else None
    which_year = bool(_WHICH_YEAR.search(q))
    wants_rank = bool(_RANK.search(q)) and not (one and not re.search(r"排名|排行|排第几", q)) and not which_year
    if wants_rank and metrics:
        return replace(base, kind="rank", region=region if not one else None, figures=metrics[:1])
    if not agencies and not unsettled:
        if metrics and each:
            # 各街道一共 / 所有单位合计: the agencies on file added up (never for a region named alone, whose
            # whole figure is its own report's, not a sum of the reports that happen to be on file)
            return replace(base, kind="total", region=region, figures=metrics[:1])
        if region and metrics:
            return replace(base, kind="choose_agency", region=region)
        if matches and not matches[0].agencies and (metrics or _NAME_LIKE.search(matches[0].matched or "")):
            return replace(base, kind="name_problem", match=matches[0])
        if metrics:
            place = index.place_named(blanked)
            lead = f"已收录的报告中没有“{place}”的单位（或它们的报告没有写明所在地区）。" if place else ""
            return replace(base, kind="need_agency", lead=lead)
        if region:
            return replace(base, kind="list_agencies", region=region)
        return replace(base, kind="unsupported", lead="没有看懂这个问题。可以这样问：")
    if not agencies:
        m = unsettled[0]
        if m.agencies or metrics or _NAME_LIKE.search(m.matched or ""):
            return replace(base, kind="name_problem", match=m)
        return replace(base, kind="unsupported", lead="没有看懂这个问题。可以这样问：")
    if unsettled and metrics and not any(m.region for m in unsettled):
        return replace(base, kind="name_problem", match=unsettled[0])
    agency = agencies[0]
    base = replace(base, agencies=[agency],
                   region_of_government=next((m.region for m in settled if m.agencies[0].id == agency.id), ""))

    # ---------------------------------------------------------------- one agency
    if (_WHICH_KIND.search(q) and metrics and metrics[0].family == "applicant" and metrics[0].kind in ("cell", "sum")
            and len(spec.years) <= 1):
        # 哪类申请人最多: the row's figure for each kind of applicant, the largest first
        row = replace(metrics[0], column=None, narrative="", order="table")
        return replace(base, kind="rank_columns", figures=[row.with_column(c) for c in APPLICANT_PARTS])
    if _WHEN.search(q) and _REPORT_WORDS.search(q):
        return replace(base, kind="report_date")
    report_faults = bool(_REPORT_FAULTS.search(q)) and not _POINTS_INTO_TEXT.search(q)
    if _SECTION_FIVE.search(q) and not metrics and not report_faults:
        return replace(base, kind="section", section="五")
    only_problems = all(m.kind == "narrative" and not stated.significant(_PROBLEM_WORDS.sub(" ", m.prefix))
                        for m in metrics)  # 有没有问题: the audit, no figure of the text
    if _PROBLEM_WORDS.search(q) and (not metrics or mp.weak_only or only_problems):
        return replace(base, kind="problems")
    if metrics and mp.weak_only and not used_session:
        unknown = content_words(blank_figure_words(named_text))
        if unknown:  # "申请有多少被驳回": 驳回 is no figure of the template
            return replace(base, kind="free_text", words=unknown)
    if not metrics:
        if mp.columns and not _WHEN.search(q):
            return replace(base, kind="need_figure")
        words = content_words(named_text)
        if _ASKS_FIGURE.search(q) and words and not _OVERVIEW.search(q):
            return replace(base, kind="free_text", words=words)
        return replace(base, kind="overview")
    if metrics[0].kind == "narrative" and len(metrics) == 1 and not (spec.all_years or spec.last_n
                                                                       or len(spec.years) > 1):
        return replace(base, kind="narrative", words=content_words(blank_figure_words(named_text)))
    if spec.is_range and len(spec.years) > 2 and _DIFFERENCE.search(q) and not (_TREND.search(q) or _SEPARATELY.search(q)):
        spec = YearSpec(years=[spec.years[0], spec.years[-1]], spans=spec.spans)  # 2021年到2023年相差多少
        base = replace(base, years=spec)
        return _compare_years(base, q, spec)
    several_years = spec.all_years or spec.last_n or len(spec.years) > 2 or spec.is_range
    more = _WHICH_YEAR_MORE.search(q)  # 哪年多, 哪一年少
    if not spec.years and not spec.latest and re.search(r"最多|最少|最高|最低|最大|最小", q):
        which_year = True  # 二七街道收到申请最多 (one agency, no year): the year with the most
    if ((_RANK.search(q) and (which_year or several_years)) or more) and not re.search(r"排名|排行", q):
        fewest = base.fewest or bool(more and more.group(1) in "少低小")
        return replace(base, kind="rank_years", figures=metrics[:1], fewest=fewest)
    if len(metrics) >= 2 and _SUM.search(q) and not several_years and len(spec.years) <= 1:
        return replace(base, kind="sum")
    two_years = len(spec.years) == 2
    if two_years and (_COMPARE.search(q) or not _SEPARATELY.search(q)) and not _TREND.search(q):
        return _compare_years(base, q, spec)
    if _TREND.search(q) or several_years or (two_years and _SEPARATELY.search(q)):
        return replace(base, kind="trend", figures=metrics[:1])
    if _COMPARE.search(q) and (spec.years or _COMPARE.search(q)) and re.search(r"比|同比|相比|对比|较", q):
        return _compare_years(base, q, spec)
    return replace(base, kind="cell")


_TAIL_STOP = re.compile(r"(?:19|20)\d{2}|\d{2}年|[，,。？?！!\s]|的")


def _name_after_region(m: Match, rest: str, index: AgencyIndex) -> Match:
    """A region named alone stands for its government, unless a name follows it that is not on file
    as written (垫江县应及管理局): that name is read as a misread one of the region's agencies, or it
    is not found (never the region's government in its place)."""
    tail = rest[m.span[1]:]
    stop = _TAIL_STOP.search(tail)
    tail = tail[:stop.start()] if stop else tail
    tail = blank_figure_words(tail).split(" ")[0]
    if tail[:1] in "和与及、,，" or any(x.start == m.span[1] for x in index.scan(rest)):
        return m  # 平潭和平潭公安局: the next name of a list; 平潭公安局: a name on file follows
    if not _NAME_CHUNK.fullmatch(tail or "") or not re.search(rf"(?:{_AGENCY_END})$", tail):
        return m
    region = index.regions.get(m.matched) or set()
    read = index.fuzzy(tail, regions=[region] if region else None)
    if read.agencies and (not region or read.agencies[0].id in region):
        read.span = (m.span[0], m.span[1] + len(tail))
        return read
    return Match([], m.matched + tail, False, read.suggestions or index.suggest(tail), span=m.span)


#: The words that shape a question (two years, who leads, a difference, a sum) and say nothing of what is
#: counted: the facts of the narrative are matched without them.
_SHAPE_WORDS = re.compile(
    r"分别|各是|各有|各(?=多少|几)|[两二三四五六七八九十]+个?年|\d+个?年|相比|对比|比较|相差|差多少|差几|多了|少了|多多少|少多少|"
    r"增减|变化|变成了?|从|谁的|谁|哪一年|哪年|哪个|哪家|哪一家|最多|最少|最高|最低|最大|最小|加起来|合计|总共|一共|"
    r"(?<=\s)比(?=\s)|(?<=\s)和(?=\s)|^\s*比|比(?=\s)|[、，,?？!！。]|"
    r"[一二三四五六七八九十两\d]+(?:个|家|所|位)(?:(?:县|区|市|单位|部门|街道|乡镇|镇)(?:里|中|之中)?|里|中|之中|"
    r"(?![\u4e00-\u9fff])|(?=谁|哪|比|相比|和|加|一共|合计|总共|共))")  # 两个自媒体: a count of the thing asked, kept


def _plain_words(m: MetricQuery) -> MetricQuery:
    """``m`` with the words it carries for the narrative's facts freed of the question's shape."""
    if m.kind == "narrative":
        words = re.sub(r"\s+", " ", _SHAPE_WORDS.sub(" ", m.prefix)).strip()
        return replace(m, prefix=words) if words else m
    if m.narrative:
        return replace(m, narrative=re.sub(r"\s+", " ", _SHAPE_WORDS.sub(" ", m.narrative)).strip())
    return m


def _several_named(q: str) -> bool:
    """The question sets several things side by side (和, 、, 谁, 哪家, 加起来, 相差)."""
    return bool(re.search(r"[和与、]|谁|哪家|哪个|加起来|相差|比", q))


def unfound_names(text: str, index: AgencyIndex) -> list[str]:
    """Phrases of ``text`` (names on file, years and figure words already blanked) that look like an
    agency's name but are not on file (城东街道 in "廿三里街道和城东街道")."""
    out = []
    for chunk in re.split(r"[\s，,、和与及的里中谁哪]+", blank_figure_words(text)):
        m = _NAME_CHUNK.fullmatch(chunk) if chunk else None
        if m and re.match(r"[一二三四五六七八九十两几多\d]+[个家所位]", chunk):
            continue  # 四个县, 三个交通运输局: a count, no name
        found = index.scan(chunk) if m else []
        if m and not any(x.ids for x in found) and not (len(found) == 1 and found[0].text == chunk):
            out.append(chunk)
    return out


def _compare_years(base: Intent, q: str, spec: YearSpec) -> Intent:
    difference = "later-earlier"
    if len(spec.years) == 2 and len(spec.spans) >= 2:
        difference = difference_of(q, spec.spans[0][0], spec.spans[1][0])
    elif len(spec.years) == 2 and "从" in q:
        difference = "second-first"
    elif (re.search(r"比[去上]一?年|同比|较[去上]一?年", q) and re.search(r"少|减少|下降", q.replace("多少", ""))
          and not re.search(r"增减", q)):
        difference = "first-second"  # 比上年少了多少: the year before less this one (first is the earlier)
    if re.search(r"相差|差多少|差几|差距", q):
        difference = "abs"
    return replace(base, kind="compare_years", figures=base.figures[:1], difference=difference)


def _several(base: Intent, q: str, agencies: list[Agency], settled: list[Match], spec: YearSpec) -> Intent:
    agencies = agencies[:6]
    pairs: list[tuple[Agency, int]] = []
    starts = [m.span[0] for m in settled][:len(agencies)]
    if len(spec.years) == len(agencies) == 2 and len(spec.spans) == 2 and spec.years[0] != spec.years[1]:
        # 甲2024年 … 乙2022年: each agency with the year written after it (before the next name)
        years = list(zip(spec.spans, spec.years))
        for i, a in enumerate(agencies):
            end = starts[i + 1] if i + 1 < len(starts) else len(q) + 1
            y = next((yr for (s, _), yr in years if starts[i] <= s < end), None)
            if y is None:
                pairs = []
                break
            pairs.append((a, y))
    difference = ""
    if len(agencies) == 2:
        if _DIFFERENCE.search(q) or (_WHO.search(q) and re.search(r"多几|多多少|少几|少多少", q)):
            difference = difference_of(q, starts[0] if starts else 0, starts[1] if len(starts) > 1 else len(q))
    kind = "compare"
    if _SUM.search(q) and not _DIFFERENCE.search(q) and not _RANK.search(q):
        kind = "sum_agencies"
    return replace(base, kind=kind, agencies=agencies, pairs=pairs, figures=base.figures[:1], difference=difference,
                   who=bool(_WHO.search(q) or re.search(r"最多|最少|最高|最低|最大|最小", q)))


# --------------------------------------------------------------------------- commands (/compare, /rank)

_COMMAND_YEAR = re.compile(r"^(?:(19|20)\d{2})年?$")
_DEFAULT_FIGURE = "收到申请"


def _command_parts(args: list[str], ctx: ParseContext):
    """Command arguments sorted into years, figure words and the rest (names, regions, 最少, 前5)."""
    years, figure_words, rest = [], [], []
    for tok in (fold(a) for a in args):
        if not tok:
            continue
        if _COMMAND_YEAR.match(tok):
            years.append(int(tok[:4]))
        elif find_hits(tok):
            figure_words.append(tok)
        else:
            rest.append(tok)
    mp = parse_metrics(" ".join(figure_words) or _DEFAULT_FIGURE)
    figures = mp.metrics or parse_metrics(_DEFAULT_FIGURE).metrics
    return years, figures, rest


def compare_intent(args: list[str], ctx: ParseContext) -> Intent:
    """``/compare 后湖街道 2021 2022 [指标]`` (one agency, two years) or ``/compare 甲 乙 2022 [指标]``
    (several agencies, one year): the Intent, built from the arguments without a sentence to parse."""
    years, figures, rest = _command_parts(args, ctx)
    question = " ".join(args)
    agencies: list[Agency] = []
    for tok in rest:
        match = ctx.index.resolve(tok)
        if len(match.agencies) != 1:
            return Intent("name_problem", question, match=match)
        if match.agencies[0].id not in {a.id for a in agencies}:
            agencies.append(match.agencies[0])
    if not agencies:
        return Intent("unsupported", question, lead="用法：/compare 机构 年份 年份 [指标]，或 /compare 机构 机构 年份 [指标]。例如：")
    spec = YearSpec(years=list(dict.fromkeys(years)))
    if len(agencies) == 1:
        return Intent("compare_years", question, agencies=agencies, years=spec, figures=figures[:1],
                      difference="later-earlier")
    return Intent("compare", question, agencies=agencies[:6], years=YearSpec(years=spec.years[-1:]),
                  figures=figures[:1])


def rank_intent(args: list[str], ctx: ParseContext) -> Intent:
    """``/rank 2021 [指标] [地区] [最少] [前5]``: the Intent of a ranking, built from the arguments."""
    years, figures, rest = _command_parts(args, ctx)
    question = " ".join(args)
    words = "".join(rest)
    region = None
    for tok in rest:
        if _FEWEST.search(tok) or _TOP_N.search(tok) or _RANK.search(tok):
            continue
        region = ctx.index.in_region(tok)
        if region is None:
            match = ctx.index.resolve(tok, fuzzy=False)
            return Intent("name_problem", question, match=Match([], tok, False, match.suggestions
                                                               or ctx.index.suggest(tok)))
    return Intent("rank", question, years=YearSpec(years=years[-1:]), figures=figures[:1], region=region,
                  fewest=bool(_FEWEST.search(words)), top_n=top_n(words))
