"""Agency, year and region as real reports print them (made-up reports in the shapes the real ones take)."""

from __future__ import annotations

import pytest

from store import regions
from store.parse import agency, parse_document, script, years
from store.readers import read_bytes

BODY = "\n一、总体情况\n正文。\n二、主动公开政府信息情况\n无。\n"


def meta_of(text: str, name: str = "r.txt", hints: dict | None = None):
    return parse_document(read_bytes(text.encode("utf-8"), name), hints).meta


# --------------------------------------------------------------------------- the shape of a name

@pytest.mark.parametrize("raw,name", [
    ("现将海城市西四镇", "海城市西四镇"),
    ("请与龙游县人民政府办公室", "龙游县人民政府办公室"),
    ("本报告由郑州市上街区中心路街道办事处", "郑州市上街区中心路街道办事处"),
    ("年度拖市镇", "拖市镇"),
    ("根据条例要求现公布桐梓县人民政府", "桐梓县人民政府"),
    ("首页政务公开", None),
    ("共受理政府", None),  # a government is a place's
    ("区属街道", None),
    ("县政府", None),
    ("街道政府", None),
    ("我局", None),
    ("市发展改革委", "市发展改革委"),
    ("武汉经济技术开发区(汉南区)医疗保障局", "武汉经济技术开发区(汉南区)医疗保障局"),
    ("国家税务总局广州市白云区税务局", "国家税务总局广州市白云区税务局"),
])
def test_candidates_are_cut_to_the_name_or_dropped(raw, name):
    assert agency.clean(raw) == name


@pytest.mark.parametrize("raw,name", [
    # spam a mirror put where the place was: the part that is no place or body goes
    ("新葡京博彩官网区人民政府北京街道办事处", "北京街道办事处"),
    ("皇冠体育app下载区人民政府东湖街道办事处", "东湖街道办事处"),
    ("888娱乐城官方入口交通运输局", "交通运输局"),
    ("永利棋牌注册送彩金自然资源和规划局", "自然资源和规划局"),
    ("澳门金沙城中心", None),
])
def test_spam_in_a_name_never_becomes_the_agency(raw, name):
    assert agency.clean(raw) == name


def test_sentence_fragments_never_stored():
    for text in (
        "根据《中华人民共和国政府信息公开条例》要求，现将青石镇2022年度政府信息公开工作情况报告如下。" + BODY,
        "本报告由东湖市西城区中心路街道办事处根据《条例》规定编制。统计期限自2020年1月1日至2020年12月31日。" + BODY,
        "如对本报告有疑问，请与东湖县人民政府办公室联系。\n" + BODY.replace("正文。", "2023年，我县认真落实。"),
    ):
        meta = meta_of(text)
        assert meta.agency and not any(w in meta.agency for w in ("现将", "本报告", "请与", "年度", "根据")), meta


# --------------------------------------------------------------------------- where the agency is printed

def test_title_with_breadcrumb_and_year_order_variants():
    meta = meta_of("当前位置：首页>政务公开>政府信息公开年报\n\n青石镇人民政府2019年度政府信息公开年度工作报告\n" + BODY)
    assert (meta.agency, meta.year) == ("青石镇人民政府", 2019)
    meta = meta_of("2025年上海市青浦区青石镇人民政府信息公开工作年度报告\n" + BODY)
    assert meta.agency == "上海市青浦区青石镇人民政府" and (meta.district, meta.city) == ("青浦区", "上海市")


def test_compiled_by_an_office_is_its_government_report():
    text = ("一、工作基本情况\n本报告是根据《条例》要求，由两河镇人民政府党政办公室编制。本报告中所列数据的统计期限为"
            "2020年1月1日至2020年12月31日。\n二、主动公开政府信息情况\n无。\n")
    assert (meta_of(text).agency, meta_of(text).year) == ("两河镇人民政府", 2020)


def test_a_street_office_over_the_district_that_hosts_its_page():
    text = ("天津市武清区人民政府\n2019年12月3日星期二\n本报告结合东湖街道2025年度政府信息公开工作情况编制。\n"
            "一、总体情况\n2025年，东湖街道坚持以公开为常态。\n")
    meta = meta_of(text)
    assert (meta.agency, meta.year) == ("东湖街道", 2025)  # never the widget's 2019
    assert (meta.district, meta.city, meta.province) == ("武清区", "天津市", "天津市")


def test_fuller_form_printed_elsewhere():
    text = ("青石镇2025年政府信息公开工作年度报告\n" + BODY +
            "报告电子版可在通化市东昌区青石镇人民政府网站下载。\n")
    assert meta_of(text).agency == "通化市东昌区青石镇人民政府"
    # an address is not the name: 宣城市宣州区青石镇春归路
    text = "青石镇2021年政府信息公开工作年度报告\n地址：宣城市宣州区青石镇春归路88号\n" + BODY
    meta = meta_of(text)
    assert meta.agency == "青石镇" and (meta.district, meta.city, meta.province) == ("宣州区", "宣城市", "安徽省")


def test_self_reference_decides_or_the_file_is_skipped_with_the_reason():
    text = "一、总体情况\n2023年，我县全年主动公开信息4702条，报告电子版可在合江县人民政府门户网站下载。\n"
    meta = meta_of(text)
    assert meta.agency == "合江县人民政府" and (meta.city, meta.province) == ("泸州市", "四川省")
    text = "一、总体情况\n2019年，我局高度重视信息公开工作，开通了住建局微信公众号。\n"
    meta = meta_of(text)
    assert meta.agency is None and "我局" in meta.agency_note
    hinted = meta_of(text, hints={"agency": "合江县住房和城乡建设局"})
    assert hinted.agency == "合江县住房和城乡建设局" and hinted.year == 2019
    assert (hinted.district, hinted.city, hinted.province) == ("合江县", "泸州市", "四川省")


def test_ingest_says_why_a_file_was_skipped(tmp_path):
    from store.ingest import parse_bytes
    from store.document import ReadError

    with pytest.raises(ReadError, match="我局"):
        parse_bytes("一、总体情况\n2019年，我局高度重视信息公开工作。\n".encode(), "r.txt")


def test_html_title_and_meta_tags():
    page = ("<html><head><meta name='ArticleTitle' content='青石镇2022年政府信息公开工作年度报告'>"
            "<meta name='ContentSource' content='东湖县人民政府'><title>年报_东湖县人民政府门户网站</title></head>"
            "<body><div>一、总体情况</div><p>2022年，我镇主动公开信息12条。</p></body></html>")
    doc = read_bytes(page.encode("utf-8"), "p.html")
    assert doc.meta["titles"][0] == "青石镇2022年政府信息公开工作年度报告"
    assert doc.meta["publishers"] == ["东湖县人民政府"]
    meta = parse_document(doc).meta
    assert (meta.agency, meta.year) == ("青石镇", 2022)


# --------------------------------------------------------------------------- traditional characters

def test_traditional_report_keeps_the_printed_name():
    text = ("東湖區交通運輸局2022年政府信息公開工作年度報告\n一、總體情況\n2022年度，東湖區交通運輸局認真貫徹實施《條例》。\n"
            "二、主動公開政府信息情況\n無。\n")
    meta = meta_of(text)
    assert (meta.agency, meta.short_name, meta.year) == ("東湖區交通運輸局", "东湖区交通运输局", 2022)


def test_inserted_pinyin_is_matched_around_and_kept_as_printed():
    copy = script.matching("新榮區(qū)交通運輸局2022年政府信息公開工作年度報告")
    assert copy.text.startswith("新荣区交通运输局2022年") and copy.traditional
    assert copy.find_original("新荣区交通运输局") == "新榮區(qū)交通運輸局"
    plain = script.matching("后湖街道2021年政府信息公开工作年度报告")
    assert plain.index is None and not plain.traditional


# --------------------------------------------------------------------------- years

@pytest.mark.parametrize("text,year", [
    ("本报告中所列数据的统计期限自202111日起至20211230日止。", 2021),
    ("本年度报告中所列数据统计期限从202111日到1231日止。", 2021),
    ("报告所列数据统计期限自20201月1日至202012月31日。", 2020),
    ("统计期限为2020年1月1日起至202020年12月31日。", 2020),
    ("2019年12月3日星期二\n本报告结合东湖街道2025年度政府信息公开工作情况编制。", 2025),
    ("发布时间:2022-01-24\n2021年，东湖街道坚持以公开为常态。", 2021),
    ("2022年以来，丰收乡扎实推进政务公开。", 2022),
    # a report copied from the year before: its own name and its opening beat last year's period
    ("某局编制了2021年政府信息公开年度报告。本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n"
     "一、总体情况\n2021年，某局按照要求推进政务公开。", 2021),
    # last year's report mentioned in the opening: the period and the opening sentences win
    ("统计期限为2021年1月1日至2021年12月31日。\n一、总体情况\n2021年，我局按时发布2020年度政府信息公开工作年度报告。",
     2021),
    ("数据截至20251231日。", 2025),
])
def test_year_reported_on(text, year):
    assert years.year_of(None, text) == year


def test_year_never_from_a_publishing_date_or_url():
    text = "https://example.gov.cn/2019/art_1.html\n发布日期：2026-01-21\n本报告所列数据统计时限为2025年1月1日至2025年12月31日。"
    assert years.year_of(None, text) == 2025


# --------------------------------------------------------------------------- the gazetteer

def test_gazetteer_lookup_and_completion():
    assert regions.available()
    assert regions.parents("合江县") == [("泸州市", "四川省")]
    assert regions.complete("合江县", None, None) == ("合江县", "泸州市", "四川省")
    assert regions.complete("老城区", None, None) == ("老城区", "洛阳市", "河南省")  # 老城区西关街道 is 洛阳's
    assert regions.complete("长安区", None, None) == ("长安区", None, None)  # 西安 and 石家庄 both have one
    assert regions.complete("长安区", None, "陕西省") == ("长安区", "西安市", "陕西省")
    assert regions.complete("东城区", None, None) == ("东城区", "北京市", "北京市")
    assert regions.complete("天门市", None, None) == ("天门市", None, "湖北省")  # under the province directly
    assert regions.complete("沙县", None, None) == ("沙县", "三明市", "福建省")  # a name used until 2021
    assert regions.lookup("合江", short=True)[0].name == "合江县"
    assert regions.leading_places("四川省广元市剑阁县义兴镇人民政府") == (["四川省", "广元市", "剑阁县"], 9)
    assert not regions.consistent("江岸区", "洛阳市", None)


def test_a_site_name_in_the_page_title_only_hosts_the_report():
    page = ("<html><head><title>东湖区人民政府门户网站</title></head><body><p>一、总体情况</p>"
            "<p>2022年，西湖街道办事处认真贯彻《条例》。</p></body></html>")
    meta = parse_document(read_bytes(page.encode("utf-8"), "p.html")).meta
    assert meta.agency == "西湖街道办事处" and meta.year == 2022


@pytest.mark.parametrize("title,name", [
    ("西湖街道办事处关于2021年度政府信息公开工作的年度报告", "西湖街道办事处"),
    ("《东湖县人民政府2021年政府信息公开工作年度报告》", "东湖县人民政府"),
    ("东湖县政府2021年政府信息公开工作年度报告", "东湖县政府"),
    ("国务院办公厅2020年政府信息公开工作年度报告", "国务院办公厅"),
    ("东湖县市场监督管理局关于2021年政府信息公开工作年度报告", "东湖县市场监督管理局"),
])
def test_title_forms(title, name):
    meta = meta_of(title + "\n" + BODY)
    assert meta.agency == name


def test_an_office_compiling_its_bodys_report():
    text = "一、总体情况\n本报告由东湖县交通运输局办公室编制。统计期限为２０２１年１月１日至２０２１年１２月３１日。\n"
    meta = meta_of(text)
    assert (meta.agency, meta.year) == ("东湖县交通运输局", 2021)


def test_years_in_chinese_numerals_and_full_width_digits():
    assert years.year_of(None, "二〇二一年，东湖街道坚持以公开为常态。") == 2021
    assert meta_of("东湖镇人民政府关于２０２２年度政府信息公开工作情况的报告\n" + BODY).year == 2022


def test_places_named_in_a_text_and_one_agency_in_both_scripts():
    from store.db import same_agency
    from store.records import ReportMeta

    assert regions.places_in("通过广昌县人民政府网站公开，城区和郊区") == {"广昌县": 1}
    known = {"name": "棲霞區交通運輸局", "district": None, "city": None, "province": None}
    assert same_agency(known, ReportMeta(agency="栖霞区交通运输局", short_name="栖霞区交通运输局"))


def test_a_host_is_not_the_agency_of_a_report_that_says_我局():
    text = "来源：东湖区人民政府\n一、总体情况\n2019年，我局高度重视信息公开工作。\n"
    meta = meta_of(text)
    assert meta.agency is None and "我局" in meta.agency_note


def test_spaces_inside_words_as_pdf_extraction_leaves_them():
    text = "一、总体情况\n本报告由东湖县 交通运输局 办公室编制。\n2021 年，东 湖 县 交 通 运 输 局 坚持依法公开。\n"
    meta = meta_of(text)
    assert (meta.agency, meta.year) == ("东湖县交通运输局", 2021)
