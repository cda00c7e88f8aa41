"""The question corpus: phrasings people type, over the samples and synthetic agencies.

Every case asserts the status, the value (or that there is none) and, for an
answer, that it carries its source.  Negatives included: unknown agency,
missing year, nonsense, English, empty, 5 000 characters.
"""

from __future__ import annotations

import itertools
import json

import pytest

from bot.answers import ChatSession
from bot.engine import Answerer
from qa_fixtures import TODAY, build_store

ERQI = "武汉市江岸区人民政府二七街道办事处"


@pytest.fixture(scope="module")
def twin(tmp_path_factory):
    store, _ = build_store(tmp_path_factory.mktemp("twin"), twin=True)
    return Answerer(store, today=TODAY)


def check(ans, status, value=..., key=None):
    assert ans.status == status, (ans.question, ans.status, ans.text)
    if value is not ...:
        assert ans.value == value, (ans.question, ans.value, ans.text)
    if key is not None:  # "narrative:": a figure the text states (its key names the report's own words)
        ok = ans.metric["key"].startswith(key) if ans.metric and key.endswith(":") else ans.metric and ans.metric["key"] == key
        assert ok, (ans.question, ans.metric)
    if status == "answered" and ans.kind in ("cell", "multi", "compare"):
        assert ans.sources, ans.question
        assert all(s.file for s in ans.sources)
        if ans.value is not None:
            assert any(s.passage for s in ans.sources), "a figure always comes with its source passage"
    json.dumps(ans.to_json(), ensure_ascii=False)  # every answer serialises


# ---------------------------------------------------------------------------- the README's questions

README = [
    ("后湖街道2021年收到几件申请", "answered", 3, "apply.new.total"),
    ("江岸区后湖街道2021年予以公开多少件", "answered", 3, "apply.granted.total"),
    ("后湖2021年行政许可多少", "answered", 2676, "active.license.decisions"),
    ("天坛街道2020年因保护第三方合法权益不予公开几件", "answered", 1, "apply.denied.third_party.total"),
    ("西岗街道2022年被提起行政诉讼多少起", "answered", 15, "suit.all.total"),
    ("西岗街道2022年行政诉讼结果纠正几件", "answered", 1, "suit.all.corrected"),
    ("西岗街道2022年行政处罚多少", "answered", 24, "active.punishment.decisions"),
    ("后湖街道2021年主动公开了多少条信息", "answered", 89, "narrative:"),
    ("西关街道2024年收到几件申请", "answered", 0, "apply.new.total"),
]


@pytest.mark.parametrize("q,status,value,key", README)
def test_readme_questions(qa, q, status, value, key):
    check(qa[0].answer(q), status, value, key)


def test_missing_year_lists_the_years_there_are(qa):
    ans = qa[0].answer("后湖街道2019年收到几件申请")
    check(ans, "not_found", None)
    assert "2019" in ans.text and "2021" in ans.text


@pytest.mark.parametrize("year", ["9999", "1850"])
def test_a_year_no_report_can_be_of_is_still_the_year_asked(qa, year):
    """"9999年" is not "no year given": never the latest report's figure instead."""
    ans = qa[0].answer(f"后湖街道{year}年收到几件申请")
    check(ans, "not_found", None)
    assert f"{year}年" in ans.text and "未指定年份" not in ans.text, ans.text


def test_unknown_agency_suggests_the_closest_names(qa):
    ans = qa[0].answer("东湖街道2021年收到几件申请")
    check(ans, "not_found", None)
    assert "东湖街道" in ans.text and "后湖街道" in ans.text
    assert ans.candidates and "后湖" in ans.candidates[0].label


# ---------------------------------------------------------------------------- phrasings of one figure

AGENCY_NAMES_003 = ["后湖街道", "后湖", "江岸区后湖街道", "武汉后湖街道", "武汉市后湖街道", "江岸区人民政府后湖街道办事处",
                    "后湖街道办事处", "后胡街道", "江岸后湖街道"]
YEARS_2021 = ["2021年", "2021", "21年", "二〇二一年", "二零二一年", "2021年度"]
METRICS_003 = [
    ("收到几件申请", 3, "apply.new.total"),
    ("收到多少政府信息公开申请", 3, "apply.new.total"),
    ("新收申请多少件", 3, "apply.new.total"),
    ("受理了多少申请", 3, "apply.new.total"),
    ("予以公开多少件", 3, "apply.granted.total"),
    ("办结多少件", 3, "apply.total.total"),
    ("行政许可多少", 2676, "active.license.decisions"),
    ("行政处罚多少件", 534, "active.punishment.decisions"),
    ("行政强制多少", 0, "active.coercion.decisions"),
    ("个人申请多少件", 3, "apply.new.natural"),
    ("企业申请多少件", 0, "apply.new.business"),
    ("结转下年度多少件", 0, "apply.carry_forward.total"),
    ("不予公开几件", 0, "apply.denied.total"),
    ("被申请行政复议几起", 0, "review.total"),
    ("主动公开信息多少条", 89, "narrative:"),
]


@pytest.mark.parametrize("name,year", list(itertools.product(AGENCY_NAMES_003, YEARS_2021)))
def test_agency_and_year_forms(qa, name, year):
    check(qa[0].answer(f"{name}{year}收到几件申请"), "answered", 3, "apply.new.total")


@pytest.mark.parametrize("phrase,value,key", METRICS_003)
@pytest.mark.parametrize("name", ["后湖街道", "江岸区后湖街道", "后湖街道办事处"])
def test_figures_of_003(qa, name, phrase, value, key):
    check(qa[0].answer(f"{name}2021年{phrase}"), "answered", value, key)


OTHER_SAMPLES = [
    ("天坛街道2020年收到几件申请", 1, "apply.new.total"),
    ("天坛街道办事处2020年保护第三方合法权益不予公开多少", 1, "apply.denied.third_party.total"),
    ("天坛2020年不予公开几件", 1, "apply.denied.total"),
    ("天坛街道2020年予以公开几件", 0, "apply.granted.total"),
    ("天坛街道2020年办结几件", 1, "apply.total.total"),
    ("天坛街道2020年自然人申请几件", 1, "apply.new.natural"),
    ("天坛街道2020年发布信息多少条", 1030, "narrative:"),
    ("西岗街道2022年行政诉讼多少件", 15, "suit.all.total"),
    ("西岗街道2022年未经复议直接起诉多少", 15, "suit.direct.total"),
    ("西岗街道2022年复议后起诉多少", 0, "suit.after_review.total"),
    ("西岗街道2022年行政诉讼维持几件", 1, "suit.all.upheld"),
    ("西岗街道2022年诉讼尚未审结几件", 8, "suit.all.pending"),
    ("西岗街道2022年诉讼其他结果几件", 5, "suit.all.other"),
    ("西岗街道2022年行政复议多少", 0, "review.total"),
    ("西岗2022年行政许可多少", 0, "active.license.decisions"),
    ("西岗街道2022年收到几件申请", 0, "apply.new.total"),
    ("西岗街道2022年主动公开了多少条", 186, "narrative:"),
    ("相山区西街道2020年收到多少申请", 0, "apply.new.total"),
    ("淮北西街道2020年主动公开多少条信息", 565, "narrative:"),
    ("西街道2020年行政处罚处理决定数量", 0, "active.punishment.decisions"),
    ("西关街道2024年回应公众关切多少条", 22, "narrative:"),
    ("老城区西关街道2024年办结几件", 0, "apply.total.total"),
    ("西关街道2024年其他处理几件", 0, "apply.other.total"),
    ("后湖街道2021年公开率是多少", 100.0, "derived.open_rate"),
]


@pytest.mark.parametrize("q,value,key", OTHER_SAMPLES)
def test_other_samples(qa, q, value, key):
    check(qa[0].answer(q), "answered", value, key)


def test_an_approximate_figure_says_so(qa):
    ans = qa[0].answer("西岗街道2022年主动公开了多少条")
    assert "约186条" in ans.text and any("186余条" in w for w in ans.warnings)


def test_row_not_printed_is_neither_blank_nor_zero(qa):
    """Sample 004 prints the heading of 第二十条第(九)项 but not the row 政府集中采购: not 未填写, not 0."""
    ans = qa[0].answer("天坛街道2020年政府集中采购项目数量")
    assert ans.value is None and "未填写" not in ans.text and "0件" not in ans.text, ans.text


def test_blank_cell_is_not_zero(tmp_path):
    import random

    from store.db import Store
    from store.ingest import ingest
    from synth import consistent_figures, render

    figures = consistent_figures(random.Random(3), "2021")
    figures["active.license.decisions"] = None  # the row is printed, its cell left empty
    (tmp_path / "r.txt").write_text(render(figures, "2021", "cells", agency="孝感市孝南区新铺镇人民政府",
                                           year=2021), encoding="utf-8")
    store = Store(tmp_path / "b.db")
    assert ingest(store, [tmp_path / "r.txt"]).count("added") == 1
    ans = Answerer(store, today=TODAY).answer("新铺镇2021年行政许可多少")
    check(ans, "answered", None, "active.license.decisions")
    assert "报告未填写" in ans.text and "0件" not in ans.text


def test_inferred_figure_carries_the_warning(qa):
    ans = qa[0].answer("西关街道2024年办结几件")
    assert ans.value == 0 and any("推定" in w for w in ans.warnings)


def test_source_passage_restates_the_figure(qa):
    ans = qa[0].answer("后湖街道2021年收到几件申请")
    passages = [s.passage for s in ans.sources]
    assert any("3" in p and "新收" in p for p in passages)  # the table row as printed
    assert any("收到政府信息公开申请3次" in p for p in passages)  # the narrative sentence
    assert ans.sources[0].line == 99  # the line of the figure in the text file
    assert "003_57066d24bc835d59.txt" in ans.text


# ---------------------------------------------------------------------------- years

def test_relative_years(qa):
    a, figs = qa
    assert a.answer("二七街道去年收到几件申请").year == 2023
    assert a.answer("二七街道前年收到几件申请").year == 2022
    ans = a.answer("二七街道今年收到几件申请")
    check(ans, "not_found", None)
    assert "2024" in ans.text and "2023" in ans.text


def test_latest_when_no_year(qa):
    a, figs = qa
    for q in ("二七街道收到几件申请", "二七街道最新一年收到几件申请", "二七街道最近一年收到多少申请"):
        ans = a.answer(q)
        check(ans, "answered", figs[(ERQI, 2023)]["apply.new.total"])
        assert ans.year == 2023 and "2023" in ans.text


# ---------------------------------------------------------------------------- kinds of question

def test_several_figures_in_one_question(qa):
    a, figs = qa
    ans = a.answer("二七街道2021年收到和办结各多少")
    f = figs[(ERQI, 2021)]
    assert [v["value"] for v in ans.values] == [f["apply.new.total"], f["apply.total.total"]]
    assert ans.kind == "multi"


@pytest.mark.parametrize("q,years", [
    ("二七街道2022年比2021年收到申请多了几件", (2021, 2022)),
    ("二七街道2021年和2022年收到申请对比", (2021, 2022)),
    ("二七街道2023年收到申请比去年多多少", (2022, 2023)),
    ("二七街道去年收到申请同比增加了多少", (2022, 2023)),
])
def test_compare_years(qa, q, years):
    a, figs = qa
    ans = a.answer(q)
    v1, v2 = (figs[(ERQI, y)]["apply.new.total"] for y in years)
    check(ans, "answered", v2 - v1)
    assert ans.kind == "compare" and [v["year"] for v in ans.values] == list(years)


@pytest.mark.parametrize("q,years", [
    ("二七街道历年收到申请", [2019, 2020, 2021, 2022, 2023]),
    ("二七街道收到申请的趋势", [2019, 2020, 2021, 2022, 2023]),
    ("二七街道近三年收到多少申请", [2021, 2022, 2023]),
    ("二七街道2020到2022年收到申请", [2020, 2021, 2022]),
    ("二七街道2020-2022年行政处罚", [2020, 2021, 2022]),
])
def test_trend(qa, q, years):
    a, figs = qa
    ans = a.answer(q)
    assert ans.status == "answered" and ans.kind == "trend"
    assert [v["year"] for v in ans.values] == years
    key = ans.values[0]["key"]
    for v in ans.values:
        version_key = "active.punishment.decisions" if "处罚" in q else "apply.new.total"
        assert v["value"] == figs[(ERQI, v["year"])][version_key]
        assert key.startswith(version_key.rsplit(".", 1)[0])


@pytest.mark.parametrize("q", ["二七街道和花桥街道2022年收到申请对比", "比较二七街道与花桥街道2022年收到几件申请",
                               "二七街道、花桥街道2022年各收到多少申请"])
def test_compare_agencies(qa, q):
    a, figs = qa
    ans = a.answer(q)
    assert ans.status == "answered" and ans.kind == "compare"
    assert [v["value"] for v in ans.values] == [figs[(ERQI, 2022)]["apply.new.total"],
                                                 figs[("武汉市江岸区人民政府花桥街道办事处", 2022)]["apply.new.total"]]
    assert len(ans.sources) >= 2


def test_derived_figures_show_their_formula(qa):
    ans = qa[0].answer("天坛街道2020年不予公开几件")
    assert ans.value == 1 and "第1至8项之和" in ans.text
    ans = qa[0].answer("后湖街道2021年公开率")
    assert ans.value == 100.0 and "予以公开 + 部分公开" in ans.text


def test_rank_most_and_fewest(qa):
    a, figs = qa
    ans = a.answer("2021年收到申请最多的单位")
    values = [v["value"] for v in ans.values]
    assert ans.kind == "rank" and values == sorted(values, reverse=True) and len(values) == 5
    assert values[0] == max(f["apply.new.total"] for (ag, y), f in figs.items() if y == 2021)
    ans = a.answer("2021年收到申请最少的3个单位")
    assert [v["value"] for v in ans.values] == sorted(values)[:3]


def test_rank_within_a_region(qa):
    a, figs = qa
    ans = a.answer("江岸区各街道2021年行政处罚排名")
    agencies = [v["agency"] for v in ans.values]
    assert ans.kind == "rank" and len(agencies) == 3 and all("江岸区" in x for x in agencies)
    assert ans.values[0]["value"] == 534


def test_region_with_all_is_a_total_not_its_government(qa):
    a, figs = qa
    ans = a.answer("江岸区各街道2021年一共收到多少申请")
    expected = 3 + sum(f["apply.new.total"] for (ag, y), f in figs.items() if y == 2021 and "江岸区" in ag)
    check(ans, "answered", expected)
    assert ans.kind == "total" and len(ans.values) == 3


def test_a_region_alone_is_not_an_agency(qa):
    a, figs = qa
    ans = a.answer("汉阳区2021年收到几件申请")  # only 龙阳街道 is on file there: asked, not guessed
    assert ans.status == "ambiguous" and ans.value is None
    assert [c.label for c in ans.candidates] == ["武汉市汉阳区人民政府龙阳街道办事处"]
    check(a.answer(ans.question if ans.question else "汉阳区2021年收到几件申请", agency_id=ans.candidates[0].value),
          "answered", figs[("武汉市汉阳区人民政府龙阳街道办事处", 2021)]["apply.new.total"])


def test_total_over_agencies(qa):
    a, figs = qa
    ans = a.answer("武汉市各街道2021年一共收到多少申请")
    expected = 3 + sum(f["apply.new.total"] for (ag, y), f in figs.items() if y == 2021 and "武汉" in ag)
    check(ans, "answered", expected)
    assert ans.kind == "total"


def test_overview(qa):
    ans = qa[0].answer("后湖街道2021年报告概况")
    assert ans.status == "answered" and ans.kind == "overview"
    assert "3件" in ans.text and "2676" in ans.text and ans.sources


def test_lists(qa):
    a, _ = qa
    ans = a.answer("有哪些单位")
    assert ans.kind == "list" and len(ans.values) == 9
    ans = a.answer("二七街道有哪些年份的报告")
    assert [v["year"] for v in ans.values] == [2019, 2020, 2021, 2022, 2023]


# ---------------------------------------------------------------------------- follow-ups

def test_follow_ups(qa):
    a, figs = qa
    s = ChatSession()
    check(a.answer("二七街道2021年收到几件申请", s), "answered", figs[(ERQI, 2021)]["apply.new.total"])
    check(a.answer("那2022年呢", s), "answered", figs[(ERQI, 2022)]["apply.new.total"])
    check(a.answer("企业呢", s), "answered", figs[(ERQI, 2022)]["apply.new.business"])
    check(a.answer("予以公开呢", s), "answered", figs[(ERQI, 2022)]["apply.granted.total"])
    check(a.answer("花桥街道呢", s), "answered", figs[("武汉市江岸区人民政府花桥街道办事处", 2022)]["apply.granted.total"])


def test_a_new_kind_of_question_is_not_a_follow_up(qa):
    a, figs = qa
    s = ChatSession()
    a.answer("二七街道2021年收到几件申请", s)
    ans = a.answer("西岗街道2022年的报告概况", s)
    assert ans.kind == "overview" and ans.year == 2022
    ans = a.answer("后湖街道有哪些年份的报告", s)
    assert ans.kind == "list" and [v["year"] for v in ans.values] == [2021]
    ans = a.answer("二七街道2022年的报告", s)
    assert ans.kind == "overview"


def test_a_question_about_the_report_s_problems_is_not_a_follow_up_of_a_figure(qa):
    a, _ = qa
    s = ChatSession()
    a.answer("二七街道2021年收到几件申请", s)
    ans = a.answer("西岗街道2022年的报告有什么问题", s)
    assert ans.year == 2022 and "审查发现" in ans.text, ans.text  # the audit's findings, not the figure before
    assert "审查发现" in a.answer("报告有哪些问题", s).text  # what is wrong with the report: the audit
    for q in ("报告里提到存在哪些问题", "存在哪些不足"):  # what the report says: its section 五
        ans = a.answer(q, s)
        assert "第五部分写道" in ans.text and "审查发现" not in ans.text, ans.text


def test_follow_up_context_expires(qa):
    a, _ = qa
    s = ChatSession(ttl_seconds=0)
    a.answer("二七街道2021年收到几件申请", s)
    assert a.answer("那2022年呢", s).status != "answered"


def test_follow_up_without_context_is_not_guessed(qa):
    assert qa[0].answer("那2022年呢").status in ("unsupported", "not_found")


# ---------------------------------------------------------------------------- ambiguity

def test_two_agencies_of_the_same_name(twin):
    ans = twin.answer("后湖街道2021年收到几件申请")
    assert ans.status == "ambiguous" and len(ans.candidates) == 2
    assert ans.value is None
    labels = " ".join(c.label for c in ans.candidates)
    assert "江岸区" in labels and "东西湖区" in labels
    # the district settles it
    check(twin.answer("江岸区后湖街道2021年收到几件申请"), "answered", 3)
    # a tap on a button completes the question
    jiangan = next(c for c in ans.candidates if "江岸区" in c.label)
    check(twin.answer(ans.question, agency_id=jiangan.value), "answered", 3)


# ---------------------------------------------------------------------------- negatives

@pytest.mark.parametrize("q,status", [
    ("", "unsupported"),
    ("   ", "unsupported"),
    ("What is the weather like today?", "unsupported"),
    ("今天天气怎么样", "unsupported"),
    ("？？？", "unsupported"),
    ("12345", "unsupported"),
    ("后" * 5000, "unsupported"),
    ("'; drop table reports; --", "unsupported"),
    ("东湖街道2021年收到几件申请", "not_found"),
    ("火星街道2021年行政处罚多少", "not_found"),
    ("后湖街道2030年收到几件申请", "not_found"),
    ("后湖街道1999年收到几件申请", "not_found"),
    ("西岗街道2021年收到几件申请", "not_found"),
    ("收到几件申请", "not_found"),
])
def test_negatives(qa, q, status):
    ans = qa[0].answer(q)
    assert ans.status == status, (q[:40], ans.text)
    assert ans.value is None and ans.text
    assert len(ans.text) < 2000


def test_a_figure_the_template_lacks_is_not_invented(qa):
    ans = qa[0].answer("天坛街道2020年有几台自助查阅机")
    assert ans.status == "not_found" and ans.value is None
    assert "没有“自助查阅机”这一项" in ans.text and any("自助查阅机" in s.passage for s in ans.sources)
    ans = qa[0].answer("后湖街道2021年有多少无人机")
    assert ans.status == "not_found" and "正文中也没有提到" in ans.text


def test_report_date_and_problems(qa):
    a, _ = qa
    ans = a.answer("后湖街道的报告是哪天发布的")
    assert ans.status == "answered" and "2022-01-17" in ans.text
    ans = a.answer("西关街道2024年的数据有问题吗")  # the audit: the report's own findings, ours counted apart
    assert ans.status == "answered" and ans.value == 1 and len(ans.warnings) == 1
    assert "另有本项目读取问题 2 处" in ans.text
    ans = a.answer("后湖街道2021年有没有问题")
    assert ans.value == 5 and "“部门”重复" in ans.text and "第23行" in ans.text


def test_a_generic_word_does_not_answer_a_specific_question(qa):
    """"申请有多少被驳回": 申请 alone must not answer with the number of applications."""
    ans = qa[0].answer("后湖街道2021年信息公开申请有多少被驳回")
    assert ans.status == "not_found" and ans.value is None and "驳回" in ans.text


def test_a_sum_names_its_non_zero_parts(qa):
    ans = qa[0].answer("天坛街道2020年不予公开的理由是什么")
    assert ans.value == 1 and "其中：4.保护第三方合法权益 1件" in ans.text
    assert "保护第三方" in ans.sources[0].passage


def test_what_the_report_says_about_its_problems(qa):
    ans = qa[0].answer("后湖街道2021年存在哪些问题")
    assert ans.status == "answered" and ans.sources
    assert all(s.section.startswith("五") for s in ans.sources) and "存在的主要问题" in ans.text


def test_won_and_lost_suits(qa):
    ans = qa[0].answer("西岗街道2022年行政诉讼输了几件赢了几件")
    assert {v["key"]: v["value"] for v in ans.values} == {"suit.all.corrected": 1, "suit.all.upheld": 1}


def test_a_long_message_gets_a_clear_error(qa):
    ans = qa[0].answer("后湖街道2021年收到几件申请" * 400)
    assert ans.status == "unsupported" and "太长" in ans.text


PEOPLE = [  # the way people type: spaces, punctuation, polite words, word order
    ("请问后湖街道2021年收到几件申请？", 3),
    ("后湖街道 2021 年 收到 几件 申请", 3),
    ("我想知道后湖街道2021年一共收到多少件政府信息公开申请", 3),
    ("2021年后湖街道收到几件申请", 3),
    ("2021年，江岸区后湖街道办事处收到了多少申请？", 3),
    ("后湖街道2021年的申请数", 3),
    ("后湖街道2021年申请人是个人的有几件", 3),
    ("后湖街道2021年群众申请几件", 3),
    ("后湖街道2021年公司申请几件", 0),
    ("后湖街道2021年律师申请几件", 0),
    ("后湖街道2021年科研机构申请几件", 0),
    ("后湖街道2021年社会组织申请几件", 0),
    ("后湖街道2021年上年结转多少件", 0),
    ("后湖街道2021年部分公开几件", 0),
    ("后湖街道2021年无法提供几件", 0),
    ("后湖街道2021年不予处理几件", 0),
    ("后湖街道2021年因国家秘密不予公开几件", 0),
    ("后湖街道2021年信访举报投诉类申请几件", 0),
    ("后湖街道2021年重复申请几件", 0),
    ("后湖街道2021年本机关不掌握相关政府信息几件", 0),
    ("后湖街道2021年行政复议纠正几件", 0),
    ("后湖街道2021年行政诉讼几起", 0),
    ("后湖街道2021年被起诉几次", 0),
    ("后湖街道2021年行政事业性收费多少万元", 0),
    ("后湖街道2021年规范性文件制发几件", 0),
    ("后湖街道2021年规章现行有效几件", 0),
    ("后湖街道2021年处罚了多少", 534),
    ("后湖街道2021年许可决定多少个", 2676),
    ("后湖街道21年行政处罚决定数量", 534),
    ("后湖2021年主动公开多少条信息？", 89),
    ("西岗街道二〇二二年行政处罚多少件", 24),
    ("西岗 2022 行政诉讼", 15),
    ("西岗街道22年打了几场官司", 15),
    ("西岗街道2022年打官司输了几次", 1),
    ("西岗街道2022年行政诉讼败诉几件", 1),
    ("西岗街道2022年有多少行政诉讼案件还没审结", 8),
    ("西岗街道2022年复议后起诉结果纠正几件", 0),
    ("西岗街道2022年法律服务机构申请几件", 0),
    ("西岗街道2022年要求提供公开出版物的申请几件", 0),
    ("西岗街道2022年行政执法案卷不予公开几件", 0),
    ("天坛街道2020年第三方合法权益不予公开", 1),
    ("天坛街道2020年收到申请多少？", 1),
    ("天坛2020年行政处罚上一年项目数量", 0),
    ("天坛2020年行政许可处理决定数量", 0),
    ("天坛街道2020年规章本年新制作数量", 0),
    ("西关街道办事处2024年收到几件申请", 0),
    ("洛阳老城区西关街道2024年收到几件申请", 0),
    ("西关街道2024年总计办结了几件", 0),
    ("西关街道2024年结转下年度继续办理几件", 0),
    ("西关2024年行政复议几件", 0),
    ("西关街道2024年予以公开多少", 0),
    ("西街道2020年规范性文件本年新公开数量", 0),
    ("西街道2020年其他对外管理服务事项处理决定数量", 0),
    ("西街道2020年政府集中采购项目数量", 0),
    ("西街道2020年其他处理几件", 0),
    ("天坛街道2020年行政复议结果维持几件", 0),
    ("天坛街道2020年复议后起诉总计", 0),
    ("后湖街道2021年现行有效规范性文件几件", 0),
    ("后湖街道2021年行政强制决定多少", 0),
    ("西岗街道2022年直接起诉结果维持几件", 1),
    ("西岗街道2022年直接起诉尚未审结几件", 8),
    ("西岗街道2022年诉讼结果纠正了几件", 1),
    ("二〇二二年西岗街道行政处罚多少", 24),
    ("西岗街道22年行政处罚", 24),
    ("西岗街道2022年处罚决定多少件", 24),
    ("西岗街道2022年行政事业性收费金额", 0),
    ("西岗街道2022年规章制发几件", 0),
    ("西岗街道2022年重复申请几件", 0),
    ("后湖街道2021年收到的申请中有几件予以公开", 3),
    ("后湖街道2021年结转到下一年的申请有几件", 0),
    ("后湖街道2021年上年结转的申请", 0),
    ("后湖街道办2021年收到几件申请", 3),
    ("后湖街办2021年收到几件申请", 3),
    ("西岗街道2022年复议纠错率", None),
    ("西岗街道2022年公开率", None),
]


@pytest.mark.parametrize("q,value", PEOPLE)
def test_people_phrasings(qa, q, value):
    ans = qa[0].answer(q)
    if value is None:
        assert ans.value is None, (q, ans.text)
    else:
        check(ans, "answered", value)


def test_never_a_number_that_is_not_stored(qa):
    """Every figure an answer gives is a stored cell, a sum of stored cells or a quoted passage."""
    from bot.figures import keys_needed
    from bot.metrics import parse_metrics

    a, _ = qa
    store = a.store
    for q, *_ in README + OTHER_SAMPLES + PEOPLE:
        ans = a.answer(q)
        if ans.value is None or ans.kind != "cell":
            continue
        key = ans.metric["key"]
        if key.startswith("narrative:"):
            assert str(int(ans.value)) in " ".join(s.passage or "" for s in ans.sources)
            continue
        rep = store.report_for(ans.agency["id"], ans.year)
        query = parse_metrics(q).metrics[0]
        needed = keys_needed(query, rep["template"])
        stored = store.values(rep["id"])
        assert all(k in stored for k in needed), q
        if len(needed) == 1:
            assert stored[needed[0]] == ans.value, q


def test_corpus_size():
    import sys

    module = sys.modules[__name__]
    n = sum(len(getattr(module, name)) for name in ("README", "METRICS_003", "OTHER_SAMPLES", "PEOPLE"))
    n += len(AGENCY_NAMES_003) * len(YEARS_2021) + 14 + 9 + 6  # forms, negatives, compare/trend
    assert n >= 200


def test_cli_serve_without_token_is_the_console_chat(tmp_path):
    """The README's first command: `disclosure-bot serve` with no token chats on the console."""
    from click.testing import CliRunner

    from bot.cli import cli

    env = {"DISCLOSURE_BOT_TOKEN": "", "TELEGRAM_BOT_TOKEN": "", "DISCLOSURE_BOT_CONFIG": ""}
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "d.db"), "serve"],
                                input="后湖街道2021年收到几件申请\n那2022年呢\nquit\n", env=env)
    assert result.exit_code == 0, result.output
    assert "3件" in result.output and "没有江岸区人民政府后湖街道办事处2022年的报告" in result.output


def test_cli_ask_json_and_batch(tmp_path):
    from click.testing import CliRunner

    from bot.cli import cli

    db = str(tmp_path / "d.db")
    r = CliRunner().invoke(cli, ["--db", db, "ask", "西岗街道2022年被提起行政诉讼多少起", "--json"])
    data = json.loads(r.output[r.output.index("{"):])
    assert data["status"] == "answered" and data["value"] == 15 and data["sources"][0]["passage"]
    assert set(data) >= {"status", "agency", "year", "metric", "value", "unit", "values", "text", "sources",
                         "warnings", "candidates"}
    r = CliRunner().invoke(cli, ["--db", db, "ask", "-"], input="后湖街道2021年收到几件申请\n东湖街道2021年收到几件申请\n")
    lines = [json.loads(x) for x in r.output.splitlines() if x.startswith("{")]
    assert [x["status"] for x in lines] == ["answered", "not_found"] and lines[0]["value"] == 3


def test_no_question_crashes(qa):
    """Random compositions of the words people use: every one gets a reply with a status, never an error."""
    import random

    from bot.metrics import synonym_index

    a, _ = qa
    words = [w for w, _ in synonym_index()][::3] + [
        "后湖街道", "西岗", "江岸区", "武汉", "2021年", "21年", "去年", "最新", "2020到2022年", "排名", "最多", "趋势",
        "比去年", "和", "呢", "？", "一共", "各街道", "概况", "哪些单位", "有问题吗", "什么时候", "前3", "那", "😀", "<b>",
        "'", "\n", "0", "-1", "二〇二一"]
    rng = random.Random(7)
    for _ in range(300):
        session = ChatSession()
        for q in ("".join(rng.choice(words) for _ in range(rng.randint(1, 6))), rng.choice(words) + "呢"):
            ans = a.answer(q, session)
            assert ans.status in ("answered", "not_found", "ambiguous", "unsupported") and ans.text
            json.dumps(ans.to_json(), ensure_ascii=False)
