"""The report audit: every rule finds what it is for, on the line that shows it, and a clean report
gets no finding; findings are stored with their evidence and shown by ``audit``, the chat and the digest."""

from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest

from store.audit import RULE_FUNCTIONS
from store.db import Store
from store.ingest import ingest
from store.parse import parse_document
from store.readers import read_bytes
from store.template.audit_rules import RULES, RULES_BY_ID, SEVERITY_LABELS
from synth import consistent_figures, render

AGENCY = "江岸区人民政府后湖街道办事处"
PREFACE = "本报告根据《中华人民共和国政府信息公开条例》和湖北省武汉市江岸区政府信息公开规定编制。"


def period(year: int) -> str:
    return f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"


def text(version: str = "2021", layout: str = "tabs", year: int | None = None, figures: dict | None = None,
         **kw) -> str:
    """A clean synthetic report (tables that add up, the statistics period stated)."""
    year = year or (2020 if version == "2019" else 2021)
    f = figures if figures is not None else consistent_figures(random.Random(7), version)
    t = render(f, version, layout, year=year, **kw)
    return t.replace(PREFACE, PREFACE + period(year), 1)


def audit(t: str, name: str = "r.txt", hints: dict | None = None):
    return parse_document(read_bytes(t.encode("utf-8"), name), hints).problems


def own(findings) -> list:
    return [f for f in findings if f.scope == "report"]


def only(findings, rule: str):
    got = [f for f in findings if f.rule == rule]
    assert got, f"no {rule}: {[(f.rule, f.message) for f in findings]}"
    return got


def line_of(t: str, needle: str) -> int:
    return next(i for i, ln in enumerate(t.split("\n"), 1) if needle in ln)


# ---------------------------------------------------------------------------- rules as data

def test_every_rule_is_data_and_every_function_names_its_rules():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert r.severity in SEVERITY_LABELS and r.scope in ("report", "extraction")
        assert re.search(r"[\u4e00-\u9fff]", r.title) and r.message
        assert (r.scope == "extraction") == (r.group == "extraction")
    import inspect

    used = set()
    for fn in RULE_FUNCTIONS:
        used |= set(re.findall(r'finding\("([a-z0-9_]+)"', inspect.getsource(fn)))
    assert used <= set(RULES_BY_ID), used - set(RULES_BY_ID)


# ---------------------------------------------------------------------------- a clean report

@pytest.mark.parametrize("version,layout", [("2021", "tabs"), ("2021", "cells"), ("2019", "tabs"), ("2021", "html"),
                                            ("2019", "html"), ("2021", "spaces")])
def test_a_clean_report_has_no_finding(version, layout):
    t = text(version, layout)
    if layout == "html":
        t = t.replace(PREFACE, PREFACE + period(2020 if version == "2019" else 2021))
    got = audit(t, "r.html" if layout == "html" else "r.txt")
    assert own(got) == [], [(f.rule, f.message) for f in got]
    assert got == [], [(f.rule, f.message) for f in got]  # and nothing about our reading either


# ---------------------------------------------------------------------------- structure

def test_section_missing_order_numeral_and_title():
    t = text()
    five = "五、存在的主要问题及改进情况\n一是信息公开的及时性有待提高；二是政策解读形式较为单一。下一步将加强培训，完善制度，提升工作水平。\n"
    assert five in t
    got = audit(t.replace(five, ""))
    f = only(got, "section_missing")[0]
    assert "第五部分" in f.message and f.severity == "error" and f.scope == "report"
    # 五 and 六 swapped
    six = "六、其他需要报告的事项\n本年度未收取信息处理费。\n"
    swapped = t.replace(five, "@@").replace(six, five).replace("@@", six)
    f = only(audit(swapped), "section_order")[0]
    assert "第五部分" in f.message and f.line == line_of(swapped, "五、存在的主要问题")
    # 六 printed under the numeral 五 (五 left out)
    renumbered = t.replace(five, "").replace("六、其他需要报告的事项", "五、其他需要报告的事项")
    got = audit(renumbered)
    assert "“五、”" in only(got, "section_numeral")[0].message
    # a title of its own: a note, with the line
    titled = t.replace("五、存在的主要问题及改进情况", "五、存在的问题和改进措施")
    f = only(audit(titled), "section_title")[0]
    assert f.severity == "note" and "存在的问题和改进措施" in f.message
    assert f.line == line_of(titled, "五、存在的问题和改进措施")


def test_a_section_saying_it_has_nothing_is_no_title_of_its_own():
    """六、其他需要报告的事项 followed by 无其他需要报告的事项 (on a line of its own or run into the heading's line
    by a flattened page): the second is the section's content, never a title printed differently."""
    t = text()
    six = "六、其他需要报告的事项\n"
    assert six in t
    echoed = t.replace(six, six + "无其他需要报告的事项\n", 1)
    assert not [x for x in own(audit(echoed)) if x.rule.startswith("section")]
    # a bare line repeating a heading already printed is its text, whatever it says
    repeated = t.replace(six, six + "其他需要报告的事项说明\n", 1)
    assert not [x for x in own(audit(repeated)) if x.rule.startswith("section")]
    # printed alone, without the heading: still the content, not a title of its own
    alone = t.replace(six, "无其他需要报告的事项\n", 1)
    assert not [x for x in own(audit(alone)) if x.rule == "section_title"]


def test_numbering_starts_again_in_each_section():
    """An item （二） in section 五 is not the next item of section 一's list （一）（二）: whatever its start
    (lost in the copy, printed another way), a section's list is judged on its own."""
    t = text()
    assert "（一）" in t and "（二）" in t
    five = "五、存在的主要问题及改进情况\n"
    moved = t.replace(five, five + "（二）改进措施\n加强培训。\n", 1)
    assert not [x for x in own(audit(moved)) if x.rule == "numbering_sequence"]
    # a gap inside one section is still found
    gap = t.replace(five, five + "（一）存在的问题\n不足。\n（三）改进措施\n加强培训。\n", 1)
    f = only(audit(gap), "numbering_sequence")[0]
    assert f.line == line_of(gap, "（三）改进措施")


def test_first_section_without_its_heading():
    t = text().replace("一、总体情况\n", "")
    f = only(audit(t), "section_heading_missing")[0]
    assert "第一部分" in f.message and f.severity == "warning"
    assert not [x for x in audit(t) if x.rule == "section_missing"]


def test_numbering_style_brackets_and_sequence():
    t = text().replace("三、收到和处理政府信息公开申请情况", "三．收到和处理政府信息公开申请情况")
    f = only(audit(t), "numbering_style")[0]
    assert "三．" in f.message and f.line == line_of(t, "三．收到")
    t = text().replace("（二）工作措施2", "（二)工作措施2")
    f = only(audit(t), "numbering_brackets")[0]
    assert "（二)" in f.message and f.line == line_of(t, "（二)工作措施2")
    t = text().replace("二是政策解读形式较为单一", "三是政策解读形式较为单一")
    f = only(audit(t), "numbering_sequence")[0]
    assert "一是、三是" in f.message and "三是政策解读" in f.evidence and f.line == line_of(t, "三是政策解读")
    # lists that start again at 一, and 唯一是 / 统一是, are no gap
    t = text().replace("下一步将加强培训", "一是统一是非标准；二是唯一是。下一步将加强培训")
    assert not [x for x in audit(t) if x.rule == "numbering_sequence"]


def test_a_table_row_not_printed():
    t = text()
    row = next(ln for ln in t.split("\n") if ln.startswith("行政强制"))
    got = audit(t.replace(row + "\n", ""))
    f = only(got, "table_rows_missing")[0]
    assert "行政强制" in f.message and f.keys == ["active.coercion.decisions"]


def test_template_version_and_basis_and_outline():
    t = text("2019", year=2021)  # a 2021 report printed with the 2019 table
    f = only(audit(t), "template_version")[0]
    assert "2021年度报告使用了2019年版表格" in f.message and "国办公开办函〔2021〕30号" in f.message
    assert f.evidence and ("本年新制作" in f.evidence or "上一年项目数量" in f.evidence)
    hinted = audit(t, hints={"year": 2021, "template": "2021"})  # what the page prints, whatever a manifest says
    assert only(hinted, "template_version")
    narrative_only = text().replace(PREFACE, PREFACE + "政府集中采购和其他对外管理服务事项均按要求公开。")
    assert not [x for x in audit(narrative_only) if x.rule == "template_version"]  # words in a sentence tell nothing
    t = text().replace(PREFACE, PREFACE + "依据国办公开办函〔2019〕60号编制。")
    f = only(audit(t), "template_basis")[0]
    assert f.severity == "note" and f.line == line_of(t, "〔2019〕60号")
    t = text().replace(PREFACE, PREFACE + "报告包括概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况等部分。")
    f = only(audit(t), "outline_outdated")[0]
    assert "概述" in f.message and "收费及减免" in f.message


def test_statistics_period():
    t = text().replace(period(2021), "")
    assert only(audit(t), "period_missing")[0].severity == "note"
    t = text().replace(period(2021), period(2020))
    f = only(audit(t), "period_mismatch")[0]
    assert f.severity == "error" and "2020年1月1日" in f.message and f.line == line_of(t, "统计期限")
    t = text().replace(period(2021), "本报告中所列数据的统计期限自202111日起至20211230日止。")
    got = audit(t)
    assert "202111日" in only(got, "period_malformed")[0].message
    assert only(got, "period_mismatch")  # and it ends on 30 December
    assert not [x for x in got if x.rule == "date_malformed"]  # the period's dates are reported once
    t = text().replace("回应公众关切3条", "截至1231日回应公众关切3条")
    assert "截至1231日" in only(audit(t), "date_malformed")[0].message
    t = text().replace("回应公众关切3条", "全年365日在线，申请在120日内答复，回应公众关切3条")
    assert not [x for x in audit(t) if x.rule == "date_malformed"]


# ---------------------------------------------------------------------------- figures

def test_identity_failure_points_at_the_printed_row():
    f = consistent_figures(random.Random(7), "2021")
    f["review.upheld"] += 1  # 行政复议 parts no longer add up to 总计
    t = text(figures=f)
    got = only(audit(t), "review_sum")[0]
    assert got.severity == "error" and "行政复议" in got.message
    row = next(ln for ln in t.split("\n") if re.fullmatch(r"[\d\t]+", ln) and ln.count("\t") == 14)
    assert got.line == line_of(t, row) and got.evidence.startswith(row.split("\t")[0])


def test_narrative_against_table_and_new_plus_carried():
    f = consistent_figures(random.Random(7), "2021")
    t = text(figures=f)
    new, carried = f["apply.new.total"], f["apply.carried.total"]
    wrong = t.replace(f"全年共收到政府信息公开申请{new}件", f"全年共收到政府信息公开申请{new + 2}件")
    got = only(audit(wrong), "narrative_matches_table")[0]
    assert f"{new + 2}件" in got.message and f"表格中为 {new}" in got.message
    assert got.line == line_of(wrong, f"申请{new + 2}件") and got.keys == ["apply.new.total"]
    if carried:
        both = t.replace(f"全年共收到政府信息公开申请{new}件", f"全年共收到政府信息公开申请{new + carried}件")
        assert "本年新收与上年结转之和" in only(audit(both), "narrative_matches_table")[0].message
    in_force = int(f["active.normative.in_force"])
    t = text(figures=f).replace("回应公众关切3条", f"回应公众关切3条，现行有效规范性文件{in_force + 9}件")
    got = only(audit(t), "narrative_matches_table")[0]
    assert got.keys == ["active.normative.in_force"]


def test_parts_against_the_stated_total():
    t = text().replace("回应公众关切3条", "回应公众关切3条。全年主动公开信息61条，其中：政策文件5条，工作动态60条")
    f = only(audit(t), "parts_vs_total")[0]
    assert "65条（5+60）" in f.message and "61条" in f.message and f.line == line_of(t, "其中：政策文件5条")
    for fine in ("全年主动公开信息65条，其中：政策文件5条，工作动态60条",  # adds up
                 "全年主动公开信息300条，其中：政策文件5条，工作动态6条等",  # a few examples
                 "共收到申请10件，其中自然人9件、法人1件；办结8件、结转2件",  # a second list after ；
                 "共公开信息10条，其中网站9条，回复群众诉求1件"):  # a part counted in 件
        t = text().replace("回应公众关切3条", "回应公众关切3条。" + fine)
        assert not [x for x in audit(t) if x.rule == "parts_vs_total"], fine


def test_in_force_below_what_the_year_allows():
    f = consistent_figures(random.Random(7), "2021")
    f["active.rules.issued"], f["active.rules.repealed"], f["active.rules.in_force"] = 5, 0, 2
    got = only(audit(text(figures=f)), "in_force_below_issued")[0]
    assert "规章本年制发5件" in got.message and got.severity == "error"


# ---------------------------------------------------------------------------- text

def test_duplicated_words():
    t = text().replace("回应公众关切3条", "回应公众关切3条，管好资金资金")
    f = only(audit(t), "duplicated_word")[0]
    assert "“资金”重复" in f.message and f.line == line_of(t, "资金资金")
    t = text().replace(PREFACE, PREFACE + "本报告由江岸区人民政府政府信息公开工作领导小组编制。")
    assert not [x for x in audit(t) if x.rule == "duplicated_word"]
    # a word followed by a longer word that starts with it: two words, rightly
    for right in ("进一步规范规范性文件制定和备案审查。", "依托政务公开公开栏及时发布信息。", "召开新闻发布发布会3场。",
                  "电子版可在门户网站下载下载地址见网站。"):
        t = text().replace(PREFACE, PREFACE + right)
        assert not [x for x in audit(t) if x.rule == "duplicated_word"], right
    # … but not a word it merely precedes (审核|审核发布, 部门|部门预算 are still printed twice)
    t = text().replace(PREFACE, PREFACE + "规范审核审核发布机制。")
    assert "“审核”重复" in only(audit(t), "duplicated_word")[0].message


def test_years_that_contradict_the_report():
    t = text().replace("回应公众关切3条", "回应公众关切3条。2020年，本街道主动公开政府信息50条")
    f = only(audit(t), "year_mismatch")[0]
    assert "2020年" in f.message and f.line == line_of(t, "2020年，本街道")
    t = text().replace("下一步将加强培训", "（二）改进措施。2021年，我街道将加强培训")
    assert "改进措施" in only(audit(t), "year_mismatch")[0].message
    for fine in ("较2020年增加50条", "2020年以来累计公开50条", "2022年，我街道将继续加强公开",
                 "2020年公开信息50条，2021年公开信息60条"):
        t = text().replace("回应公众关切3条", "回应公众关切3条。" + fine)
        assert not [x for x in audit(t) if x.rule == "year_mismatch"], fine


def test_typos_of_the_template_words():
    t = text()
    t = t.replace("（本列数据的勾稽关系为", "（本列数据的钩稽关系为")
    t = t.replace("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况")
    t = t.replace("回应公众关切3条", "回应公众关切3条，不子公开信息2条")
    got = {f.message: f for f in only(audit(t), "template_word_typo")}
    assert got["“钩稽关系”应为“勾稽关系”"].line == line_of(t, "钩稽关系")
    assert got["“不子公开”应为“不予公开”"].line == line_of(t, "不子公开")
    title = "“政府信息公开行政法复议、行政诉讼情况”应为“政府信息公开行政复议、行政诉讼情况”"
    assert got[title].line == line_of(t, "行政法复议")
    assert not [x for x in audit(t) if x.rule == "section_title"]  # the typo is the finding, once
    # words one character away that are right where they stand
    t = text().replace("回应公众关切3条", "回应公众关切3条，不断公开办事指南，主要公开政策文件，政务信息公开及时，行政机关不再处理")
    assert not [x for x in audit(t) if x.rule == "template_word_typo"]


def test_document_numbers():
    for printed in ("国办公开办涵〔2021〕30号", "国办公开函〔2021〕30号", "国办公开办函〔202130号"):
        t = text().replace(PREFACE, PREFACE + f"依据《……年度报告格式》（{printed}）编制。")
        f = only(audit(t), "doc_number_malformed")[0]
        assert printed in f.message and "国办公开办函〔2021〕30号" in f.message
    t = text().replace(PREFACE, PREFACE + "依据《……年度报告格式》（国办公开办函〔2021〕30号）编制。")
    assert not [x for x in audit(t) if x.rule in ("doc_number_malformed", "template_word_typo")]


def test_the_agency_name():
    t = text().replace(f"\n{AGENCY}\n2022年", "\n江岸区人民政府后湖街办事处\n2022年")  # 道 dropped
    f = only(audit(t), "agency_name_variant")[0]
    assert "后湖街办事处" in f.message and f.line == line_of(t, "后湖街办事处")
    for other in ("江岸区政府后湖街道办事处",  # 人民 left out: no slip
                  "江岸区人民政府花桥街道办事处"):  # a neighbouring street: another body
        t = text().replace("回应公众关切3条", f"回应公众关切3条，会同{other}开展工作")
        assert not [x for x in audit(t) if x.rule == "agency_name_variant"], other
    t = text().replace(PREFACE, PREFACE + "现公布江岸区教育局2021年度政府信息公开工作年度报告。")
    f = only(audit(t), "other_agency_named")[0]
    assert "江岸区教育局" in f.message and f.severity == "error"
    t = text().replace(PREFACE, PREFACE + "现公布后湖街道2021年度政府信息公开工作年度报告。")
    assert not [x for x in audit(t) if x.rule == "other_agency_named"]


def test_a_regulation_of_another_province():
    t = text().replace("回应公众关切3条", "回应公众关切3条，学习《江苏省政府信息公开申请办理答复规范》")
    f = only(audit(t), "other_province_cited")[0]
    assert "湖北省" in f.message and "江苏省" in f.message
    t = text().replace("回应公众关切3条", "回应公众关切3条，学习《湖北省政府信息公开规定》")
    assert not [x for x in audit(t) if x.rule == "other_province_cited"]


def test_sections_five_and_six():
    five = "一是信息公开的及时性有待提高；二是政策解读形式较为单一。下一步将加强培训，完善制度，提升工作水平。"
    f = only(audit(text().replace(five, "无。")), "section5_not_concrete")[0]
    assert "过于简略" in f.message
    f = only(audit(text().replace(five, "本年度政府信息公开工作有序开展，各项工作按时完成，取得较好成效，群众满意度较高。")),
             "section5_not_concrete")[0]
    assert "未写明存在的具体问题" in f.message
    t = text().replace("本年度未收取信息处理费。", "无。")
    f = only(audit(t), "section6_fee_missing")[0]
    assert f.line == line_of(t, "无。") and f.evidence == "无。"
    assert not [x for x in audit(text("2019").replace("本年度未收取信息处理费。", "无。"))
                if x.rule == "section6_fee_missing"]  # the 2019 template does not ask for it
    t = text().replace("本年度未收取信息处理费。", "本年度无向申请人收取政府信息公开费用的情况。")
    assert not [x for x in audit(t) if x.rule == "section6_fee_missing"]
    t = text().replace("本年度未收取信息处理费。", "无。").replace("回应公众关切3条", "回应公众关切3条，未收取信息处理费")
    assert not [x for x in audit(t) if x.rule == "section6_fee_missing"]  # said, if elsewhere


def test_contact_details_and_title():
    t = text().replace(PREFACE, PREFACE + "网址：http//www.example.gov.cn，电子邮箱：hhjd163.com。")
    got = only(audit(t), "contact_malformed")
    assert {f.message for f in got} == {"网址书写有误：“http//www.example.gov.cn”", "电子邮箱书写有误：“hhjd163.com”"}
    t = text().replace(f"{AGENCY}2021年政府信息公开工作年度报告", f"{AGENCY}政府信息公开工作报告")
    f = only(audit(t), "title_nonstandard")[0]
    assert "未写明年度" in f.message and "结尾" in f.message and f.line == 1


# ---------------------------------------------------------------------------- timeliness

def test_report_dates_against_the_deadline():
    t = text().replace("\n2022年1月15日", "\n2022年3月1日")
    f = only(audit(t), "late_report")[0]
    assert "2022年3月1日" in f.message and "2022年1月31日" in f.message and f.line == line_of(t, "2022年3月1日")
    t = text().replace("\n2022年1月15日", "\n2021年1月15日")
    assert only(audit(t), "date_before_period_end")[0].severity == "error"
    t = text().replace(f"{AGENCY}2021年政府信息公开工作年度报告", f"{AGENCY}2021年政府信息公开工作年度报告\n发布时间：2022-02-20 09:00")
    assert "网页所示发布时间为2022年2月20日" in only(audit(t), "late_report")[0].message
    t = text().replace("\n2022年1月15日", "\n2022年1月31日")
    assert not [x for x in audit(t) if x.rule in ("late_report", "date_before_period_end")]


# ---------------------------------------------------------------------------- our reading, apart

def test_a_copy_cut_off_is_ours_not_the_agencys():
    t = text()
    cut = t[:t.index("（七）总计")]
    got = audit(cut)
    assert only(got, "text_truncated")[0].scope == "extraction"
    assert not [x for x in got if x.rule in ("section_missing", "section6_fee_missing", "section5_not_concrete")]


def test_spam_and_converted_copies_are_ours():
    t = text().replace("回应公众关切3条", "回应公众关切3条，新葡京博彩官网")
    f = only(audit(t), "copy_spam")[0]
    assert f.scope == "extraction" and f.line == line_of(t, "博彩")
    trad = text().replace("政府信息公开", "政府資訊公開").replace("报告", "報告").replace("机关", "機關")
    got = audit(trad.replace("不予公开", "不子公開"))
    assert only(got, "copy_converted")[0].scope == "extraction"
    assert not [x for x in got if x.rule in ("template_word_typo", "section_missing", "section_title")]


def test_figures_we_could_not_read_are_ours():
    f = consistent_figures(random.Random(7), "2021")
    got = audit(text(figures=f, lose=frozenset({"apply.granted.business", "apply.granted.research"})))
    for x in got:
        if x.rule in ("table_layout", "cells_unread"):
            assert x.scope == "extraction"
    assert not own(got) or all(x.rule not in ("apply_row_sum", "apply_results_sum") for x in own(got))


# ---------------------------------------------------------------------------- stored, shown

@pytest.fixture
def audited(tmp_path):
    """A store with two consecutive years of one agency (the 2022 one carrying a wrong 上年结转) and a
    2021 report with findings."""
    f21 = consistent_figures(random.Random(7), "2021")
    t21 = text(figures=f21).replace("回应公众关切3条", "回应公众关切3条，不子公开信息2条")
    f22 = consistent_figures(random.Random(8), "2021")
    carried = f21["apply.carry_forward.total"] + 5
    f22["apply.carried.natural"] += carried - f22["apply.carried.total"]
    f22["apply.carried.total"] = carried
    f22["apply.new.natural"] -= 0
    t22 = text(figures=f22, year=2022).replace("\n2023年1月15日", "\n2023年1月15日")
    (tmp_path / "r2021.txt").write_text(t21, encoding="utf-8")
    (tmp_path / "r2022.txt").write_text(t22, encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    ingest(store, [tmp_path / "r2021.txt", tmp_path / "r2022.txt"])
    return store, t21, t22


def test_findings_are_stored_with_their_evidence(audited):
    store, t21, _ = audited
    rep = next(r for r in store.reports() if r["year"] == 2021)
    f = next(x for x in store.findings(rep["id"]) if x["rule"] == "template_word_typo")
    assert f["scope"] == "report" and f["severity"] == "warning"
    assert f["line"] == line_of(t21, "不子公开") and "不子公开" in f["evidence"] and f["section"].startswith("一、")


def test_cross_year_findings_quote_both_years(audited):
    store, _, t22 = audited
    rep = next(r for r in store.reports() if r["year"] == 2022)
    got = [x for x in store.findings(rep["id"]) if x["rule"] == "cross_year_carried"]
    assert got and all(x["scope"] == "report" for x in got)
    total = next(x for x in got if "apply.carried.total" in x["keys"])
    assert total["line"] == line_of(t22, "二、上年结转政府信息公开申请数量")
    assert total["evidence"].startswith("本年：二、上年结转") and "上年：四、结转下年度继续办理" in total["evidence"]


def test_an_old_database_gets_the_evidence_columns(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("create table problems (id integer primary key, report_id integer, rule text, message text, "
                  "keys text, severity text)")
    conn.commit()
    conn.close()
    store = Store(path)
    # scope and section are kept as ids in the shared dictionary of texts (store.compact)
    assert {"scope_id", "section_id", "page", "line", "evidence"} <= {c.name for c in store.db["problems"].columns}


def _cli(tmp_path, *args):
    from click.testing import CliRunner

    from bot.cli import cli

    return CliRunner().invoke(cli, ["--db", str(tmp_path / "db.sqlite"), *args], catch_exceptions=False)


def test_audit_command_text_csv_json_summary(audited, tmp_path):
    store, t21, _ = audited
    r = _cli(tmp_path, "audit", "后湖街道", "2021")
    assert r.exit_code == 0
    assert "2021年度报告：错误 0 处，警告 1 处" in r.output
    assert "[警告] 模板固定用语：“不子公开”应为“不予公开”" in r.output
    assert f"第{line_of(t21, '不子公开')}行" in r.output
    r = _cli(tmp_path, "audit", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    typo = next(x for x in rows if x["rule"] == "template_word_typo")
    assert typo["line"] == str(line_of(t21, "不子公开")) and typo["group"] == "text" and typo["year"] == "2021"
    r = _cli(tmp_path, "audit", "后湖街道", "--format", "json", "--scope", "report")
    got = [json.loads(x) for x in r.stdout.splitlines()]
    assert got and all(x["scope"] == "report" for x in got) and {x["year"] for x in got} == {2021, 2022}
    r = _cli(tmp_path, "audit", "--summary")
    table = list(csv.reader(io.StringIO(r.stdout)))
    head = table[0]
    assert head[:5] == ["agency", "year", "error", "warning", "note"] and "template_word_typo" in head
    assert "cross_year_carried" in head and head[-1] == "extraction"
    total = table[-1]
    assert total[0] == "合计" and int(total[head.index("template_word_typo")]) == 1
    r = _cli(tmp_path, "check", "--rule", "template_word_typo")
    assert "不子公开" in r.output and f"第{line_of(t21, '不子公开')}行" in r.output
    assert "review_sum" in _cli(tmp_path, "audit", "--rules").output


def test_chat_lists_findings_with_lines_and_warns_on_a_touched_figure(audited):
    from bot.engine import Answerer

    store, t21, t22 = audited
    a = Answerer(store)
    ans = a.answer("后湖街道2021年的报告有什么问题")
    assert ans.value == 1 and "“不子公开”应为“不予公开”" in ans.text and f"第{line_of(t21, '不子公开')}行" in ans.text
    ans = a.answer("后湖街道2022年上年结转多少件")
    assert any("上年结转" in w and "2021年报告的结转下年度" in w for w in ans.warnings), ans.warnings


def test_digest_counts_errors_and_warnings(audited):
    from bot.telegram.digest import report_summary

    store, _, _ = audited
    rep = next(r for r in store.reports() if r["year"] == 2021)
    text_ = report_summary(store, rep)
    assert "审查发现错误 0 处，警告 1 处" in text_
    assert "警告 1 处" in report_summary(store, rep, compact=True)
