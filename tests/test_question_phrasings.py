"""More phrasing classes of real questions (round two): how people name agencies whose region is not on
file or is written another way, a report year named for another year's figure, two years when only the
later report is on file, changes and shares the narrative states, mistyped figure words, question
openers, English department names — and, as everywhere, never a figure that is not stored or stated.

The stores are built by the real ingest from synthetic reports (:mod:`qa_fixtures`); the agency indexes
of the first part are built directly (pure).
"""

from __future__ import annotations

import re

import pytest

from bot.agencies import Agency, AgencyIndex
from bot.years import relative_years
from qa_fixtures import stored_figures

ERQI = "武汉市江岸区人民政府二七街道办事处"
PINGTAN = "平潭综合实验区"
PINGTAN_POLICE = "平潭综合实验区公安局"
DIANJIANG_HEALTH = "垫江县卫生健康委员会"
XINFENG = "信丰县卫生健康委员会"
DIANJIANG_GOV = "垫江县人民政府"


def answered(ans, value=...):
    assert ans.status == "answered", (ans.question, ans.text)
    if value is not ...:
        assert ans.value == value, (ans.question, ans.value, ans.text)
    return ans


def no_figure(ans):
    assert ans.value is None and ans.status != "answered" or ans.value is None, (ans.question, ans.text)
    return ans


# ---------------------------------------------------------------------------- names, pure

def _index(*agencies: Agency, texts=None) -> AgencyIndex:
    return AgencyIndex(list(agencies), texts)


def test_a_region_in_brackets_is_the_same_place():
    a = Agency(1, "武汉经济技术开发区(汉南区)医疗保障局", "武汉经济技术开发区(汉南区)医疗保障局", "汉南区", "武汉市", "湖北省")
    ix = _index(a, Agency(2, "汉南区人民政府", "汉南区", "汉南区", "武汉市", "湖北省"))
    for name in ("汉南区医疗保障局", "武汉经开区医保局", "汉南医保局"):
        assert [x.id for x in ix.resolve(name).agencies] == [1], name


def test_a_spam_prefixed_name_is_found_by_its_department():
    """A mirror that rewrote the place into spam: the department the name ends with still names it, and
    the region on file narrows it."""
    spam = Agency(1, "365体育直播,365体育备用网址自然资源和规划局", "365体育直播,365体育备用网址自然资源和规划局", None,
                  "淮安市", "江苏省")
    other = Agency(2, "宿迁市自然资源和规划局", "宿迁市自然资源和规划局", None, "宿迁市", "江苏省")
    ix = _index(spam, other)
    assert [x.id for x in ix.resolve("淮安市自然资源和规划局").agencies] == [1]
    assert [x.id for x in ix.resolve("淮安自规局").agencies] == [1]
    assert [x.id for x in ix.resolve("宿迁自规局").agencies] == [2]


def test_a_region_government_on_file_under_its_county_name():
    ix = _index(Agency(1, PINGTAN, PINGTAN, "平潭县", "福州市", "福建省"),
                Agency(2, PINGTAN_POLICE, PINGTAN_POLICE, "平潭县", "福州市", "福建省"))
    m = ix.resolve("平潭县")
    assert [x.id for x in m.agencies] == [1] and m.region


def test_a_region_not_on_file_before_a_department_whose_region_is_not_on_file():
    """北京市发改委: the gazetteer knows 北京; of two 发改委 the one whose region is not on file may be in
    it, the one on file in 沈阳 is not — and the reply says the report names no region."""
    unplaced = Agency(1, "市发展改革委", "市发展改革委")
    shenyang = Agency(2, "市发改委", "市发改委", None, "沈阳市", "辽宁省")
    ix = _index(unplaced, shenyang)
    for q in ("北京市发改委", "北京发改委"):
        m = ix.resolve_all(q)
        assert [x.id for x in m[0].agencies] == [1], q
        assert "未写明所在地区" in m[0].reading
    assert [x.id for x in ix.resolve("沈阳市发改委").agencies] == [2]


def test_a_region_not_on_file_before_a_region_on_file_it_does_not_hold():
    ix = _index(Agency(1, "临江市公安局", "临江市公安局", "临江市", "白山市", "吉林省"))
    assert ix.resolve("北京市临江公安局").agencies == []
    assert [x.id for x in ix.resolve("吉林临江公安局").agencies] == [1]


def test_one_department_for_two_regions_listed():
    ix = _index(Agency(1, DIANJIANG_HEALTH, DIANJIANG_HEALTH, "垫江县", "重庆市", "重庆市"),
                Agency(2, XINFENG, XINFENG, "信丰县", "赣州市", "江西省"),
                Agency(3, DIANJIANG_GOV, "垫江县", "垫江县", "重庆市", "重庆市"))
    got = [[x.id for x in m.agencies] for m in ix.resolve_all("垫江县和信丰县卫健委")]
    assert got == [[1], [2]]


def test_a_government_named_by_its_level_alone_needs_its_text_to_name_the_region():
    office = Agency(1, "自治区人民政府办公厅", "自治区政府办公厅")
    ix = _index(office, texts={1: "门户网站转载新疆日报稿件300条"})
    m = ix.unplaced_government("新疆政府门户网站 发布多少条")
    assert m is not None and [a.id for a in m.agencies] == [1] and "未写明所在地区" in m.reading
    assert ix.unplaced_government("广西 办理了多少件申请") is None
    assert _index(office).unplaced_government("新疆 办理了多少件申请") is None  # no text: no evidence


# ---------------------------------------------------------------------------- years, pure

@pytest.mark.parametrize("q,want", [
    ("平度公安2022年收到的申请是多少（23年年报里提到的）", "平度公安上年收到的申请是多少（23年 ）"),
    ("据2023年的报告，2022年收到几件申请", "2023年 ，上年收到几件申请"),
    ("住建局24年结转到2025年的申请有多少件", "住建局24年结转到下年的申请有多少件"),
    ("住建局2024年从2023年结转过来多少件", "住建局2024年从上年结转过来多少件"),
    ("后湖街道2021年和2022年收到几件", "后湖街道2021年和2022年收到几件"),  # two reports: unchanged
    ("据2023年的报告，2020年收到几件申请", "据2023年的报告，2020年收到几件申请"),  # not the year before: unchanged
])
def test_a_year_read_against_the_report_that_states_it(q, want):
    assert relative_years(q) == want


# ---------------------------------------------------------------------------- what only the narrative states

@pytest.mark.parametrize("q", ["临江公安2022年收到多少件申请（2023年报告中提到的）",
                               "据临江市公安局2023年的报告，2022年收到几件申请"])
def test_the_year_before_as_the_later_report_states_it(told, q):
    ans = answered(told.answer(q), 25)
    assert ans.year == 2023 and "比2022年（25件）" in ans.text


@pytest.mark.parametrize("q,value", [
    ("临江市公安局2023年比2022年收到的申请少了几件", 7),
    ("临江市公安局2023年收到的申请比上年少了多少", 7),
])
def test_two_years_when_only_the_later_report_is_on_file(told, q, value):
    ans = answered(told.answer(q), value)
    assert [v["value"] for v in ans.values] == [25, 18]
    assert "没有2022年的报告" in ans.text


@pytest.mark.parametrize("q,value", [
    ("临江市生态环境局2020年行政许可事项比2019年变化了多少", -2),
    ("临江环保局2020年行政许可事项比上年减少了几项", 2),
    ("临江环境局2020年行政许可事项比上年增加了几项", -2),
    ("临江市生态环境局20年行政处罚事项比19年多了几项", 4),
])
def test_a_change_the_report_states(told, q, value):
    ans = answered(told.answer(q), value)
    assert ans.unit == "项"
    assert ans.value not in (12, 30)  # never the count itself


@pytest.mark.parametrize("q,value", [
    ("临江住建局24年结转到2025年的申请有多少件", 22),
    ("临江市住建局2024年从2023年结转过来多少件", 12),
])
def test_applications_carried_to_or_from_a_named_year(told, q, value):
    answered(told.answer(q), value)


def test_a_share_of_two_things_listed_together(told):
    ans = answered(told.answer("临江市生态环境局2020年主动公开加依申请公开的信息占比是多少"), 75.5)
    assert ans.unit == "%"


def test_what_was_published_is_no_count_of_decisions(told):
    ans = told.answer("临江市公安局2023年行政处罚多少件")
    assert ans.value is None and "未填写" not in ans.text
    answered(told.answer("临江市公安局2023年公示的行政处罚案件信息多少条"), 75)


def test_the_rest_of_a_breakdown_is_not_the_total(told):
    ans = told.answer("临江市公安局2023年主动公开多少条")
    assert ans.value == 420  # the sentence that says 主动公开, never the rest (60)


def test_parts_by_channel_are_no_total(told):
    """"通过门户网站公开420条，通过政务新媒体发布1300条，通过其他渠道公开60条": no total is stated."""
    for q in ("临江市公安局2023年一共公开了多少条信息", "临江市公安局2023年发布了多少条信息"):
        ans = told.answer(q)
        assert ans.value is None and "没有说总数" in ans.text, q
    answered(told.answer("临江市公安局2023年通过政务新媒体发布了多少条信息"), 1300)


def test_a_mistyped_figure_word_is_read_and_said(told):
    ans = answered(told.answer("临江市公安局2023年收到多少件信息工开申请"), 18)
    assert "“工开”按“公开”理解" in ans.text


def test_a_region_named_alone_whose_government_report_names_no_region(told):
    ans = answered(told.answer("新疆2022年办理了多少件申请"), 96)
    assert "未写明所在地区" in ans.text
    for q in ("广西2022年办理了多少件申请", "宁夏2022年办理了多少件申请"):
        ans = told.answer(q)
        assert ans.value is None and "没有“" in ans.text, q


# ---------------------------------------------------------------------------- the template's stores

def test_question_openers_are_no_subject(qa):
    a, figures = qa
    for q in ("想问下后湖街道2021年信息公开申请有几个", "麻烦问一下后湖街道2021年收到了多少申请"):
        ans = answered(a.answer(q), 3)
        assert ans.metric["key"] == "apply.new.total", q


def test_a_bare_verb_of_receiving_counts_applications(dept):
    a, figures = dept
    want = figures[("武汉市江岸区教育局", 2021)]["apply.new.total"]
    for q in ("教育局2021年收到几件", "江岸区教育局2021年受理了多少"):
        answered(a.answer(q), want)


def test_against_the_year_before_both_reports_on_file(qa):
    a, figures = qa
    f22, f23 = figures[(ERQI, 2022)], figures[(ERQI, 2023)]
    answered(a.answer("二七街道2023年收到申请比上年少了多少"), f22["apply.new.total"] - f23["apply.new.total"])
    answered(a.answer("二七街道2023年收到申请同比增减多少"), f23["apply.new.total"] - f22["apply.new.total"])
    answered(a.answer("二七街道2023年行政许可比上年增加了多少"),
             f23["active.license.decisions"] - f22["active.license.decisions"])


def test_the_2019_format_change_column_answers_against_the_year_before(qa):
    a, figures = qa
    want = figures[(ERQI, 2020)]["active.license.change"]
    for q in ("二七街道2020年行政许可比上年增加了几项", "二七街道2020年比2019年行政许可增加了几项"):
        ans = answered(a.answer(q), want)
        assert ans.year == 2020 and ans.metric["key"] == "active.license.change", q


def test_a_column_the_format_lacks_is_said_so(qa):
    a, _ = qa
    ans = a.answer("后湖街道2021年行政许可上一年项目数量")
    assert ans.value is None and ans.status == "not_found"
    assert "这一版没有这一栏" in ans.text and "未填写" not in ans.text and "没有找到它所在" not in ans.text


def test_which_year_more_or_less(dept):
    a, figures = dept
    f = {y: figures[(DIANJIANG_GOV, y)]["apply.new.total"] for y in (2022, 2023)}
    low = min(f, key=f.get)
    ans = answered(a.answer("垫江县政府哪一年收到的申请少"), f[low])
    assert ans.year == low and ans.kind == "rank"
    ans = answered(a.answer("垫江县政府两年收到申请哪年多"), max(f.values()))


def test_a_region_listed_beside_its_own_department(dept):
    a, figures = dept
    v1 = figures[(PINGTAN_POLICE, 2023)]["apply.new.total"]
    v2 = figures[(PINGTAN, 2023)]["apply.new.total"]
    answered(a.answer("平潭公安局和平潭2023年收到申请加起来"), v1 + v2)
    ans = answered(a.answer("平潭和平潭公安局2023年收到申请谁多"), max(v1, v2))
    assert {v["agency"] for v in ans.values} == {PINGTAN, PINGTAN_POLICE}
    ans = answered(a.answer("平潭全区2023年收到申请和平潭公安局比谁多"), max(v1, v2))
    assert {v["agency"] for v in ans.values} == {PINGTAN, PINGTAN_POLICE}


def test_two_regions_one_department(dept):
    a, figures = dept
    ans = answered(a.answer("垫江县和信丰县卫健委2023年谁收到申请多"))
    assert {v["agency"] for v in ans.values} == {DIANJIANG_HEALTH, XINFENG}


def test_english_department_names_and_never_the_region_instead(dept):
    a, figures = dept
    answered(a.answer("How many applications did the Pingtan Public Security Bureau receive in 2023?"),
             figures[(PINGTAN_POLICE, 2023)]["apply.new.total"])
    ans = a.answer("How many applications did the Pingtan Tourism Promotion Bureau receive in 2023?")
    assert ans.value is None  # 平潭's own figure would be another agency's


# ---------------------------------------------------------------------------- every number is stored or stated

TOLD = ["临江公安2022年收到多少件申请（2023年报告中提到的）", "临江市公安局2023年比2022年收到的申请少了几件",
        "临江市生态环境局2020年行政许可事项比2019年变化了多少", "临江住建局24年结转到2025年的申请有多少件",
        "临江市生态环境局2020年主动公开加依申请公开的信息占比是多少", "新疆2022年办理了多少件申请",
        "临江市公安局2023年主动公开多少条", "临江市公安局2023年行政处罚多少件", "临江全市2023年共公布政府信息多少条",
        "临江市公安局和住建局2024年收到申请谁多", "临江市公安局2023年收到的申请比上年下降了百分之多少"]


@pytest.mark.parametrize("q", TOLD)
def test_every_number_a_narrative_answer_gives_is_stated(told, q):
    """With no tables on file, a figure given is a figure a quoted sentence states, or the difference
    of two it lists."""
    ans = told.answer(q)
    if ans.value is None:
        return
    passages = " ".join(s.passage or "" for s in ans.sources)
    listed = [v["value"] for v in ans.values if isinstance(v.get("value"), (int, float))]
    stated = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", passages)]
    v = abs(ans.value)
    assert (any(abs(v - s) < 1e-9 for s in stated)
            or any(abs(v - abs(x - y)) < 1e-9 for x in listed for y in listed)), (q, ans.value, ans.text)


def test_a_stated_percentage_change_against_the_year_before(told):
    for q in ("临江市公安局2023年收到的申请比上年下降了百分之多少", "临江市公安局2023年收到的申请比2022年减少了百分之几"):
        ans = answered(told.answer(q), 28)
        assert ans.unit == "%", q


# ---------------------------------------------------------------------------- follow-ups and spans

HUAQIAO = "武汉市江岸区人民政府花桥街道办事处"


def test_follow_up_compares_the_agency_of_the_chat_with_another(qa):
    from bot.answers import ChatSession

    a, figures = qa
    chat = ChatSession()
    answered(a.answer("二七街道2021年予以公开多少件", chat))
    ans = answered(a.answer("跟花桥街道对比一下", chat))
    assert [(v["agency"], v["value"]) for v in ans.values] == [
        (ERQI, figures[(ERQI, 2021)]["apply.granted.total"]), (HUAQIAO, figures[(HUAQIAO, 2021)]["apply.granted.total"])]


def test_follow_up_asks_the_same_figure_over_the_years(qa):
    from bot.answers import ChatSession

    a, figures = qa
    chat = ChatSession()
    answered(a.answer("二七街道2022年收到几件申请", chat))
    ans = answered(a.answer("这几年的趋势呢", chat))
    assert ans.kind == "trend"
    assert [v["value"] for v in ans.values] == [figures[(ERQI, y)]["apply.new.total"] for y in range(2019, 2024)]


@pytest.mark.parametrize("q", ["二七街道有哪几年的报告", "二七街道有几年的报告"])
def test_which_years_are_on_file(qa, q):
    a, _ = qa
    ans = answered(qa[0].answer(q))
    assert ans.kind == "list" and "2019、2020、2021、2022、2023" in ans.text


def test_several_agencies_over_several_years(qa):
    a, figures = qa
    ans = answered(a.answer("二七街道和花桥街道2021到2022年收到申请"))
    assert ans.value is None
    assert {(v["agency"], v["year"]): v["value"] for v in ans.values} == {
        (ag, y): figures[(ag, y)]["apply.new.total"] for ag in (ERQI, HUAQIAO) for y in (2021, 2022)}


def test_rank_from_the_bottom_in_traditional_characters(dept):
    a, _ = dept
    ans = answered(a.answer("2023年行政處罰倒數第一的是誰"))
    assert ans.kind == "rank" and "从少到多" in ans.text


def test_the_narrowest_region_named_is_totalled(dept):
    a, figures = dept
    ans = answered(a.answer("重庆垫江的各部门2023年一共收到多少申请"))
    # the departments added up; the county government's own report given apart (see the test below)
    want = sum(figures[(n, 2023)]["apply.new.total"] for n in ("垫江县应急管理局", DIANJIANG_HEALTH))
    assert ans.value == want and ans.text.startswith("垫江")
    assert f"{figures[('垫江县人民政府', 2023)]['apply.new.total']}件" in ans.text and "未计入" in ans.text


@pytest.mark.parametrize("q", ["临江市公安局2023年有没有收到申请", "临江市公安局2023年是否收到过政府信息公开申请"])
def test_whether_any_is_answered_with_the_figure(told, q):
    answered(told.answer(q), 18)


def test_a_region_named_before_several_agencies_is_no_figure_word(dept):
    a, figures = dept
    ans = answered(a.answer("重庆的垫江县应急局、垫江县卫健委2023年收到申请加起来多少"))
    assert ans.value == sum(figures[(n, 2023)]["apply.new.total"] for n in ("垫江县应急管理局", DIANJIANG_HEALTH))


def test_which_kind_of_applicant_leads(qa):
    a, figures = qa
    f = figures[(ERQI, 2022)]
    kinds = {k: v for k, v in f.items() if k.startswith("apply.new.") and not k.endswith(".total")}
    top = max(kinds.values())
    for q in ("二七街道2022年收到申请最多的申请人类型", "二七街道2022年哪类申请人申请最多"):
        ans = a.answer(q)
        if list(kinds.values()).count(top) == 1:
            answered(ans, top)
            assert ans.metric["key"] == max(kinds, key=kinds.get)
        else:
            assert ans.value is None


def test_the_year_with_the_most_when_no_year_is_named(qa):
    a, figures = qa
    f = {y: figures[(ERQI, y)]["apply.new.total"] for y in range(2019, 2024)}
    for q in ("二七街道收到申请最多", "Which year did Erqi subdistrict receive the most requests?"):
        ans = answered(a.answer(q), max(f.values()))
        assert ans.year == max(f, key=f.get), q


@pytest.mark.parametrize("q,key,agency,year", [
    ("What was Erqi's disclosure rate in 2022?", "derived.open_rate", ERQI, 2022),
    ("How many requests did Jiang'an district's subdistricts receive in 2021 in total?", None, None, 2021),
])
def test_english_possessives_and_plurals(qa, q, key, agency, year):
    a, figures = qa
    ans = answered(a.answer(q))
    if key:
        assert ans.metric["key"] == key and ans.agency["name"] == agency
    else:
        assert ans.kind == "total" and "江岸" in ans.text


DEPT = ["垫江县和信丰县卫健委2023年谁收到申请多", "平潭公安局和平潭2023年收到申请加起来", "垫江县政府哪一年收到的申请少",
        "重庆垫江的各部门2023年一共收到多少申请", "垫江应急局2023年收到申请比上年少了多少", "想问下龙游府办23年信息公开申请有几个",
        "垫江县2023年收到申请和2022年比增加了多少", "How many applications did the Pingtan Public Security Bureau receive in 2023?",
        "垫江县卫健委2023年哪类申请人最多", "平潭全区2024年行政处罚和平潭公安局2023年比多多少"]


@pytest.mark.parametrize("q", DEPT)
def test_every_number_of_the_new_forms_is_stored(dept, q):
    """As in :mod:`test_question_forms`: a figure given is a stored cell, a sum of the figures listed,
    or the difference of two of them."""
    a, _ = dept
    ans = a.answer(q)
    if ans.value is None:
        return
    stored = stored_figures(a.store)
    listed = [v["value"] for v in ans.values if isinstance(v.get("value"), (int, float))]
    assert all(round(v, 4) in stored for v in listed), (q, listed)
    v = ans.value
    assert (round(v, 4) in stored or abs(v - sum(listed)) < 1e-9
            or any(abs(v - (x - y)) < 1e-9 or abs(v - abs(x - y)) < 1e-9 for x in listed for y in listed)), (q, v)


@pytest.mark.parametrize("q,key", [
    ("二七街道2022年行政复议还没审完的几件", "review.pending"),
    ("二七街道2022年打官司几次", "suit.all.total"),
    ("二七街道2022年还没办完的申请", "apply.carry_forward.total"),
    ("二七街道2020年政府采购金额", "active.procurement.amount"),
])
def test_colloquial_words_for_the_table(qa, q, key):
    a, figures = qa
    year = int(re.search(r"20\d\d", q).group(0))
    want = figures[(ERQI, year)].get(key)
    ans = a.answer(q)
    assert ans.metric["key"] == key, (q, ans.text)
    if want is not None:
        assert ans.value == want


def test_a_sentence_about_another_year_is_not_this_years_figure(told):
    """"2022年，我局共印发规范性文件9件" in the 2023 report: the year before's figure, said so."""
    ans = told.answer("临江市公安局2023年印发规范性文件多少件")
    assert ans.value is None
    answered(told.answer("临江市公安局2023年报告里上年印发了多少件规范性文件"), 9)


def test_a_fee_the_report_says_was_not_collected_is_0_in_any_unit(tmp_path):
    """"截至目前，本机关未收取信息处理费" (sample 000) answers 收取了多少信息处理费 with 0, also in 元; a share of
    it is no figure the report states; 行政事业性收费 stays the table's figure."""
    from bot.engine import Answerer
    from store.db import Store
    from store.ingest import ingest
    from store.samples import sample_files

    store = Store(tmp_path / "db.sqlite")
    ingest(store, sample_files())
    a = Answerer(store)
    for q in ("西岗街道2022年收取了多少信息处理费", "西岗街道2022年信息处理费多少", "西关街道2024年收取信息处理费多少元"):
        ans = a.answer(q)
        assert ans.status == "answered" and ans.value == 0 and "未收取" in ans.text, (q, ans.text)
    ans = a.answer("西关街道2024年信息处理费占比多少")
    assert ans.value is None and "报告没有写明这一数字" in ans.text and "未收取政府信息公开信息处理费”" in ans.text, ans.text
    ans = a.answer("西岗街道2022年行政事业性收费多少")
    assert ans.value == 0 and "表格原文" in ans.text, ans.text


def test_a_region_total_leaves_out_the_region_s_own_report(dept):
    """平潭各单位…合计 adds up the units; the region's own report (平潭综合实验区, often the whole region's sum)
    is not added to them (that would count twice) but given apart."""
    a, figs = dept
    key = "apply.new.total"
    ans = a.answer("平潭各单位2023年收到申请合计多少")
    assert ans.status == "answered" and ans.value == figs[(PINGTAN_POLICE, 2023)][key], ans.text
    assert f"{figs[(PINGTAN, 2023)][key]}件" in ans.text and "未计入" in ans.text, ans.text
    assert {v["agency"] for v in ans.values} == {PINGTAN_POLICE}
