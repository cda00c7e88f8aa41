"""Narrative facts: extraction from sentences (store.parse.facts) and matching questions to them (bot.facts).

The sentences and questions here are written for these tests (not copied from the corpus): each states
one way real reports print figures, or one way people ask for them.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bot.engine import Answerer
from bot.facts import asked, match, tokens, value_of
from store.db import Store
from store.ingest import ingest
from store.parse.facts import extract, mentions, word_number
from store.records import Passage


def facts_of(*sentences: str, names=(), year=None) -> list[dict]:
    passages = [Passage(k, "一、总体情况", s, None, 10 + k) for k, s in enumerate(sentences)]
    return [asdict(f) for f in extract(passages, names, year)]


def by_value(facts: list[dict]) -> dict:
    return {f["value"]: f for f in facts}


def answer(question: str, *sentences: str, **kw):
    """The value the facts of ``sentences`` give to ``question`` (None when they give none)."""
    found = match(question, facts_of(*sentences, **kw))
    return value_of(found.fact, question) if found.fact else None


# --------------------------------------------------------------------------- extraction

def test_a_figure_with_its_unit_and_subject():
    f = facts_of("本年度我乡通过乡政府网站主动公开政务信息共计318条。")
    assert len(f) == 1
    assert (f[0]["value"], f[0]["unit"], f[0]["approx"]) == (318, "条", "")
    assert "主动公开政务信息" in f[0]["subject"]
    assert f[0]["sentence"].startswith("本年度我乡") and f[0]["line"] == 10 and f[0]["section"] == "一、总体情况"


@pytest.mark.parametrize("sentence, value, unit, approx", [
    ("累计发布各类信息420余条", 420, "条", "余"),
    ("全年推送图文约95篇", 95, "篇", "约"),
    ("访问量超过3.2万人次", 3.2, "万人次", "超过"),
    ("编发简报近40期", 40, "期", "近"),
    ("上传办事指南300多项", 300, "项", "多"),
    ("办件满意率达99.6%以上", 99.6, "%", "以上"),
    ("公开各类信息1,208条", 1208, "条", ""),
])
def test_printed_figures(sentence, value, unit, approx):
    m = mentions(sentence)
    assert [(x.value, x.unit, x.approx) for x in m] == [(value, unit, approx)]


@pytest.mark.parametrize("sentence, value, unit", [
    ("举办业务培训两场", 2, "场"),
    ("收到书面申请一件", 1, "件"),
    ("开展政务公开日活动十余次", 10, "次"),
    ("配备二十三名联络员", 23, "名"),
])
def test_figures_written_in_words(sentence, value, unit):
    assert [(x.value, x.unit) for x in mentions(sentence)] == [(value, unit)]


@pytest.mark.parametrize("text", [
    "根据《条例》第二十条第(一)项的规定", "2022年1月1日至12月31日", "推进一件事一次办，一次性告知",
    "联系电话0571-88001234", "大家一起努力", "一是加强领导",
])
def test_what_is_not_a_figure(text):
    assert mentions(text) == []


def test_word_numbers():
    assert [word_number(w) for w in ("一", "两", "十", "十二", "二十", "三百零五", "一二")] == [1, 2, 10, 12, 20, 305, None]


def test_nothing_received_is_zero():
    f = facts_of("本年度我局未收到政府信息公开申请。")
    assert [(x["value"], x["negated"]) for x in f] == [(0, True)]
    assert "收到政府信息公开申请" in f[0]["subject"]


def test_nothing_of_several_things_is_a_zero_for_each():
    f = facts_of("全年未发生行政复议、行政诉讼。")
    assert sorted(x["subject"] for x in f) == ["发生行政复议", "发生行政诉讼"]
    assert all(x["value"] == 0 for x in f)


def test_a_list_of_figures_pairs_with_the_list_before_fenbie():
    f = by_value(facts_of("依托“清河发布”微博、“清河政务”微信公众号和门户网站，分别发布信息310条、452条、88条。"))
    assert "微博" in f[310]["subject"] and "微信公众号" in f[452]["subject"] and "门户网站" in f[88]["subject"]
    assert not any(x["shared"] for x in f.values())


def test_a_list_that_cannot_be_paired_is_shared():
    f = facts_of("通过网站和微信发布信息120条、60条。")
    assert all(x["shared"] for x in f)


def test_the_subject_may_follow_the_figure():
    f = by_value(facts_of("共受理申请12件，其中7件为当面申请，5件通过信函提出。"))
    assert "当面申请" in f[7]["subject"] + f[7]["tail"]
    assert "受理申请12件" in f[7]["topic"]


def test_a_figure_that_qualifies_a_noun_does_not_cut_the_clause():
    f = by_value(facts_of("官方微博、微信两个平台共推送信息900条。"))
    assert "微博" in f[900]["subject"] and "微信" in f[900]["subject"]


def test_a_clause_without_words_takes_the_clause_before():
    f = by_value(facts_of("书记信箱收到来信，64封，均已回复。"))
    assert f[64]["subject"] == "书记信箱收到来信"


def test_the_agency_name_and_the_neighbouring_years():
    f = by_value(facts_of("截至2023年底，枫林街道办事处累计主动公开政府信息540条，2022年结转申请2件，结转2024年办理3件。",
                          names=("杭州市枫林街道办事处", "枫林街道"), year=2023))
    assert "枫林" not in f[540]["subject"]
    assert f[2]["subject"].startswith("上年") and "下年" in f[3]["subject"]


def test_traditional_characters_are_read():
    f = facts_of("全年主動公開政府信息1,120條，舉辦新聞發布會兩場。")
    assert {(x["value"], x["unit"]) for x in f} == {(1120, "条"), (2, "场")}


def test_an_address_is_no_sentence_break():
    f = facts_of("通过区政府网站(http://www.example.gov.cn)公开信息75条。")
    assert len(f) == 1 and "网站" in f[0]["subject"]


def test_table_cells_run_together_state_no_figures():
    assert facts_of("一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量000000") == []
    assert all(x["unit"] for x in facts_of("规章 0 0 0 规范性文件 3 0 12 信息 5"))


def test_store_keeps_facts_and_gives_them_back(tmp_path):
    store = Store(tmp_path / "f.db")
    report = tmp_path / "清河镇2023年政府信息公开工作年度报告.txt"
    report.write_text("清河镇2023年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息260余条，召开新闻发布会两场。\n",
                      encoding="utf-8")
    ingest(store, [report])
    rep = store.reports()[0]
    facts = store.facts_for(rep["id"])
    assert {(f["value"], f["unit"], f["approx"]) for f in facts} == {(260, "条", "余"), (2, "场", "")}
    assert all(f["sentence"] and f["line"] for f in facts)
    ingest(store, [report])  # the same file again: nothing doubles
    assert len(store.facts_for(rep["id"])) == 2
    # a database made before facts existed (its schema before step m005, the same report and passages)
    # gets them from its passages
    import sqlite_utils

    from store.db import connect
    from store.migrations import MIGRATIONS

    old = sqlite_utils.Database(connect(str(tmp_path / "old.db")))
    MIGRATIONS.apply(old, stop_before="m005_facts")
    old["agencies"].insert_all(store.db["agencies"].rows)
    old["reports"].insert_all(store.db["reports"].rows)
    old["passages"].insert_all({k: p[k] for k in ("report_id", "seq", "section", "text", "page", "line")}
                               for p in store.passages(rep["id"]))
    assert "facts" not in old.table_names()
    old.conn.close()
    store.close()
    again = Store(tmp_path / "old.db")
    assert len(again.facts_for(rep["id"])) == 2
    assert [(f["value"], f["sentence"], f["line"]) for f in again.facts_for(rep["id"])] == [
        (f["value"], f["sentence"], f["line"]) for f in facts]


# --------------------------------------------------------------------------- matching

CHANNELS = ("全年通过门户网站公开信息210条，通过“清河发布”微信公众号推送信息530条，其中原创稿件120篇。",
            "官方微博发布信息75条。")


@pytest.mark.parametrize("question, value", [
    ("门户网站公开了多少条信息", 210),
    ("官网发了几条", 210),
    ("公众号推送了几条", 530),
    ("政务微信发布了多少条信息", 530),
    ("“清河发布”发了多少条", 530),
    ("微博发了多少条", 75),
    ("原创稿件有几篇", 120),
])
def test_channels_by_the_names_people_use(question, value):
    assert answer(question, *CHANNELS) == value


def test_another_channel_is_never_the_answer():
    found = match("抖音号发布了多少条", facts_of(*CHANNELS))
    assert found.fact is None
    found = match("政务微博发了多少条", facts_of("通过微信公众号发布信息530条。"))
    assert found.fact is None and found.closest is not None and "微信" in found.reason + found.closest["subject"]


def test_a_combined_figure_answers_only_the_combination():
    s = "依托政务微博、微信两个新媒体共推送信息1800条。"
    assert answer("微博发了多少条", s) is None
    assert answer("微博和微信公众号一共发了多少条", s) == 1800


def test_the_unit_asked_picks_among_figures_of_one_sentence():
    s = "公开各类工作信息620条，公示双随机抽查结果信息88条，发布消费警示信息14期。"
    assert answer("消费警示信息发布了几期", s) == 14
    assert answer("双随机抽查结果信息公示了多少条", s) == 88


def test_a_question_about_a_thing_not_stated_gets_no_figure_of_the_paragraph():
    s = "公开各类工作信息620条，公示双随机抽查结果信息88条，发布消费警示信息14期。"
    assert answer("食品抽检信息发布了几期", s) is None


@pytest.mark.parametrize("question, value", [
    ("受理了几件信息公开申请", 9),
    ("收到依申请公开多少件", 9),
    ("网上申请的有几件", 6),
    ("信函申请几件", 3),
    ("办结了几件", 8),
    ("有几件结转到下一年办理", 1),
])
def test_applications_stated_in_the_text(question, value):
    s = "全年共接收政府信息公开申请9件，其中网络申请6件、信函申请3件，已办结8件，1件结转下年度继续办理。"
    assert answer(question, s) == value


def test_what_was_received_is_not_what_was_closed():
    assert answer("办结了几件申请", "全年共接收政府信息公开申请9件。") is None


def test_newly_received_needs_a_statement_of_new_ones():
    assert answer("新收了几件申请", "全年共收到申请9件。") is None
    assert answer("新收了几件申请", "本年新收政府信息公开申请9件。") == 9
    assert answer("新收了几件申请", "全年未收到政府信息公开申请。") == 0


def test_nothing_received_answers_how_many():
    assert answer("收到几件依申请公开", "本年度我镇没有收到群众提出的政府信息公开申请。") == 0
    assert answer("主动公开了多少条", "本年度我镇没有收到群众提出的政府信息公开申请。") is None


def test_proactive_disclosure_is_not_a_breakdown_item():
    whole = "全年主动公开政府信息406条，其中工作动态类信息215条，人事信息12条，财政信息9条。"
    assert answer("一共主动公开了多少条政府信息", whole) == 406
    assert answer("人事信息公开了几条", whole) == 12
    parts_only = "发布工作动态类信息215条，人事信息12条，财政信息9条，还包括通知公告36条，信息公开指南1条。"
    assert answer("一共主动公开了多少条政府信息", parts_only) is None


def test_this_year_is_not_the_running_total():
    s = ("历年累计主动公开政府信息3120条。", "本年度主动公开政府信息211条。")
    assert answer("主动公开了多少条政府信息", *s) == 211
    assert answer("历年累计主动公开了多少条", *s) == 3120


def test_a_share_is_no_count_and_a_count_no_share():
    s = "主动公开政府信息61条，占全部政府信息的15.2%。"
    assert answer("主动公开的政府信息占比是多少", s) == 15.2
    assert answer("主动公开了多少条政府信息", s) == 61


def test_approximate_figures_stay_approximate():
    found = match("主动公开了大概多少条政府信息", facts_of("主动公开政府信息1300余条。"))
    assert found.fact["value"] == 1300 and found.fact["approx"] == "余"


def test_a_change_is_negative_when_asked_as_a_change():
    s = "我局行政许可事项21项，比上年减少4项。"
    assert answer("行政许可事项比上年变化了多少", s) == -4
    assert answer("行政许可事项比上年减少了几项", s) == 4


def test_two_figures_that_answer_equally_give_none():
    s = ("96180热线受理群众诉求310件。", "受理96180热线诉求52件。")
    found = match("96180热线受理了多少件", facts_of(*s))
    assert found.fact is None and len(found.tied) == 2


def test_press_conferences_in_words_and_measure_words():
    s = "全年召开新闻发布会三场、政策吹风会2次，接受媒体采访5次。"
    assert answer("开了几场新闻发布会", s) == 3
    assert answer("举办了几次政策吹风会", s) == 2
    assert answer("召开了几次座谈会", s) is None


def test_review_and_suits_stated_in_the_text():
    s = "因政府信息公开引发行政复议3件，均维持原决定；行政诉讼2起，其中1起尚未审结。"
    assert answer("因为信息公开被申请了几次行政复议", s) == 3
    assert answer("被起诉了几次", s) == 2
    assert answer("还有几起诉讼没审结", s) == 1


def test_question_words_and_synonyms():
    assert {t.name for t in tokens("微信公众号")} == {t.name for t in tokens("政务微信")}
    assert asked("开了几场新闻发布会").unit == "场"
    assert asked("全省公开政府信息多少万条").unit == "万条"
    assert asked("主动公开的占比是多少").unit == "%"


# --------------------------------------------------------------------------- answering through the engine

REPORT = """青松街道2023年政府信息公开工作年度报告
一、总体情况
（一）主动公开情况
2023年，青松街道通过区政府门户网站主动公开政府信息1250余条，通过“青松发布”微信公众号推送信息386条，食品安全抽检信息公布12期。
（二）依申请公开情况
全年未收到政府信息公开申请。
（三）平台建设
召开政务公开新闻发布会两场。
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facts")
    path = folder / "青松街道2023年政府信息公开工作年度报告.txt"
    path.write_text(REPORT, encoding="utf-8")
    store = Store(":memory:")
    ingest(store, [path])
    return Answerer(store)


@pytest.mark.parametrize("question, value", [
    ("青松街道2023年公众号推送了多少条", 386),
    ("青松街道2023年食品安全抽检信息公布了几期", 12),
    ("青松街道2023年开了几场新闻发布会", 2),
    ("青松街道2023年收到几件信息公开申请", 0),
])
def test_engine_answers_from_the_facts_with_the_sentence(engine, question, value):
    ans = engine.answer(question)
    assert ans.status == "answered" and ans.value == value, ans.text
    assert any(s.passage and (str(value) in s.passage or "两场" in s.passage or "未收到" in s.passage)
               for s in ans.sources), ans.text


def test_engine_says_approximate(engine):
    ans = engine.answer("青松街道2023年主动公开了多少条政府信息")
    assert ans.value == 1250 and "约" in ans.text and any("1250余条" in w for w in ans.warnings)


def test_engine_never_gives_the_figure_of_another_subject(engine):
    ans = engine.answer("青松街道2023年微博发了多少条")
    assert ans.value is None and ans.status != "answered"
    assert "386" not in ans.text.split("原文最接近的是")[0]  # quoted only as what the report does say
