"""Stores for the question tests: the five samples plus synthetic agencies with several years.

Synthetic reports are rendered with :mod:`tests.synth` (every 勾稽关系 holds) and parsed by the
real ingest, so the expected figures are the figures that were printed.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

from store.db import Store
from store.ingest import ingest
from store.samples import sample_files
from synth import consistent_figures, render

TODAY = date(2024, 6, 1)  # 今年 = 2024, 去年 = 2023, 前年 = 2022

#: agency full name -> {year: seed}
SYNTHETIC = {
    "武汉市江岸区人民政府二七街道办事处": {2019: 11, 2020: 12, 2021: 13, 2022: 14, 2023: 15},
    "武汉市江岸区人民政府花桥街道办事处": {2021: 21, 2022: 22},
    "武汉市汉阳区人民政府龙阳街道办事处": {2021: 31, 2023: 33},
    "孝感市孝南区新铺镇人民政府": {2021: 41},
}
AMBIGUOUS_TWIN = "武汉市东西湖区人民政府后湖街道办事处"


def figures_for(seed: int, year: int) -> dict:
    version = "2019" if year <= 2020 else "2021"
    return consistent_figures(random.Random(seed), version, density=0.5, big=30)


def write_reports(folder: Path, agencies: dict[str, dict[int, int]]) -> dict[tuple[str, int], dict]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    layouts = ("cells", "tabs", "html", "spaces")
    for n, (agency, years) in enumerate(agencies.items()):
        for k, (year, seed) in enumerate(years.items()):
            figs = figures_for(seed, year)
            version = "2019" if year <= 2020 else "2021"
            layout = layouts[(n + k) % len(layouts)]
            text = render(figs, version, layout, agency=agency, year=year, region="湖北省")
            suffix = ".html" if layout == "html" else ".txt"
            (folder / f"{seed}_{year}{suffix}").write_text(text, encoding="utf-8")
            out[(agency, year)] = figs
    return out


def build_store(folder: Path, twin: bool = False) -> tuple[Store, dict]:
    store = Store(folder / "qa.db")
    summary = ingest(store, sample_files())
    assert summary.count("added") == 5
    agencies = dict(SYNTHETIC)
    if twin:
        agencies = {AMBIGUOUS_TWIN: {2021: 51}}
    figures = write_reports(folder / "reports", agencies)
    summary = ingest(store, [folder / "reports"])
    assert summary.count("skipped") == 0, summary.lines()
    return store, figures


# ---------------------------------------------------------------------------- agencies as people name them

#: Departments, regions' own governments and offices, a region that is itself an agency, a name
#: printed in traditional characters: full name -> {year: seed}.
DEPARTMENTS = {
    "垫江县人民政府": {2022: 61, 2023: 62},
    "垫江县应急管理局": {2023: 63},
    "垫江县卫生健康委员会": {2023: 64},
    "龙游县人民政府办公室": {2023: 65},
    "信丰县卫生健康委员会": {2023: 66},
    "平潭综合实验区": {2023: 67, 2024: 68},
    "平潭综合实验区公安局": {2023: 69},
    "句容市交通运输局": {2022: 70},
    "棲霞區交通運輸局": {2022: 71},
    "宁夏回族自治区应急管理厅": {2023: 72},
    "武汉市江岸区教育局": {2021: 73},
}
#: A report whose tables were not printed (an excerpt): only its narrative states a figure.
EXCERPT = ("大坪镇人民政府", 2023, "2023年，大坪镇共收到政府信息公开申请12件，均按时答复。主动公开政府信息56条。")
#: A report whose narrative restates 收到申请 with another figure than its table.
CONTRADICTION = "合江县人民政府"


def build_departments(folder: Path) -> tuple[Store, dict]:
    """A store of departments and governments (see :data:`DEPARTMENTS`), an excerpt with no tables and
    a report that contradicts itself; returns the store and the figures printed."""
    store = Store(folder / "departments.db")
    figures = write_reports(folder / "reports", DEPARTMENTS)
    name, year, text = EXCERPT
    (folder / "reports" / "excerpt.txt").write_text(
        f"{name}{year}年政府信息公开工作年度报告\n\n一、总体情况\n{text}\n", encoding="utf-8")
    figs = figures_for(81, 2023)
    figs["apply.new.total"] = figs.get("apply.new.total") or 0
    said = (figs["apply.new.total"] or 0) + 5
    report = render(figs, "2021", "cells", agency=CONTRADICTION, year=2023, region="四川省泸州市")
    report = re.sub(r"全年共收到政府信息公开申请\d+件", f"全年共收到政府信息公开申请{said}件", report)
    if f"申请{said}件" not in report:
        report = report.replace("二、主动公开政府信息情况", f"全年共收到政府信息公开申请{said}件。\n\n二、主动公开政府信息情况", 1)
    (folder / "reports" / "contradiction.txt").write_text(report, encoding="utf-8")
    figures[(CONTRADICTION, 2023)] = figs
    summary = ingest(store, [folder / "reports"])
    assert summary.count("skipped") == 0, summary.lines()
    return store, figures


# ---------------------------------------------------------------------------- what only the narrative states

#: Excerpts whose tables were not printed: figures only the narrative states, said the ways reports say
#: them (the year before in brackets, a change against the year before, applications carried over to a
#: named year, a share of two things listed together, a published count beside a table word, the parts of
#: a breakdown) — file name -> text.  Names are fictional combinations of real places.
NARRATIVES = {
    "police.txt": "临江市公安局2023年政府信息公开工作年度报告\n\n一、总体情况\n"
                  "2023年，我局共收到政府信息公开申请18件，比2022年（25件）下降28%，全部按期答复。\n"
                  "通过门户网站主动公开政府信息420条，通过政务新媒体发布信息1300条，通过公告栏等其他渠道公开信息60条。\n"
                  "全年公示各类行政处罚案件信息75条。\n"
                  "2022年，我局共印发规范性文件9件。\n",
    "environment.txt": "临江市生态环境局2020年政府信息公开工作年度报告\n\n一、总体情况\n"
                       "2020年我局行政许可事项12项，比2019年减少2项，行政许可处理决定数量3400件；"
                       "行政处罚事项30项，比2019年增加4项。\n主动公开及依申请公开政府信息占比达75.5%。\n",
    "housing.txt": "临江市住房和城乡建设局2024年政府信息公开工作年度报告\n\n一、总体情况\n"
                   "全年接收政府信息公开申请140件，2023年结转12件；全年办理130件，结转2025年22件。\n",
    "office.txt": "自治区人民政府办公厅2022年政府信息公开工作年度报告\n\n一、总体情况\n"
                  "全年办理政府信息公开申请96件，均按照法定时限依法答复。\n"
                  "门户网站发布各类信息5110条，其中转载新疆日报稿件300条。\n",
}


#: Excerpts for paraphrased questions: a figure beside what can be done (可全程在线办理…事项) and what was
#: done (全年办理), a count of channels written in words (两个自媒体), a part said to belong to a class
#: (属于已公开事项) beside the whole — file name -> text.
PARAPHRASE_NARRATIVES = {
    "services.txt": "临江市人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n"
                    "2022年主动公开各类信息2331条；可全程在线办理政务服务事项1512项，全年办理852340件；"
                    "发布征集调查7期。\n",
    "market.txt": "临江市市场监督管理局2019年政府信息公开工作年度报告\n\n一、总体情况\n"
                  "更新政府信息公开目录，公开各类工作信息761条；官方微博、微信两个自媒体共发布信息4066条次，阅读量574万次。\n"
                  "2019年，我局接到依申请公开事项3项，均已答复办结。\n1件申请信息，属于已公开事项。\n",
    "zone.txt": "临江高新技术产业开发区管委会城市管理局2022年政府信息公开工作年度报告\n\n一、总体情况\n"
                "截至2022年12月31日，高新区城市管理局共受理政府信息公开申请11件，答复政府信息公开申请9件，"
                "结转下年度继续办理2件。行政诉讼5起，其中胜诉2起，尚未审结1起。\n",
}


def build_narratives(folder: Path, texts: dict[str, str] | None = None) -> Store:
    """A store of the excerpts in ``texts`` (default :data:`NARRATIVES`; narrative only, no tables)."""
    texts = NARRATIVES if texts is None else texts
    store = Store(folder / "narratives.db")
    (folder / "reports").mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / "reports" / name).write_text(text, encoding="utf-8")
    summary = ingest(store, [folder / "reports"])
    assert summary.count("added") == len(texts), summary.lines()
    return store


def stored_figures(store) -> set[float]:
    """Every figure the store holds (cells and derived sums), rounded to 4 decimals: what a number an
    answer gives may be, besides a sum or difference of figures it lists or a figure a quoted passage states."""
    stored: set[float] = set()
    for r in store.reports():
        stored.update(round(v, 4) for v in store.values(r["id"]).values())
        stored.update(round(row["value"], 4) for row in store.db.query(
            "select value from derived_figures where report_id = ?", [r["id"]]))
    return stored
