"""The Chinese replies: a figure with its unit, what it means, and where it came from.

What a figure's status says (:func:`value_text`) is the rule that keeps a reply from being worse
than silence: ``blank`` (a matched template row printed nothing) is the only status that says
报告未填写; a table or row not found (``missing``) or a cell not placed (``uncertain``) says the
figure could not be read and why; a figure the text contradicts gives no number.
"""

from __future__ import annotations

import os

from bot.agencies import Agency
from bot.answers import Source
from bot.figures import Figure
from bot.metrics import MetricQuery
from store.numbers import figure_text

_MAX_PASSAGE = 160


def fmt_number(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return figure_text(v)
    return str(v)


def number(v):
    """A sum or difference as shown: 3.0 -> 3, 0.30000000000000004 -> 0.3."""
    if v is None:
        return None
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        return round(v, 4)
    return v


def value_text(f: Figure) -> str:
    if f.status in ("number", "inferred") and f.value is not None:
        unit = f.unit if f.unit != "%" else "%"
        s = ("约" if f.approx else "") + fmt_number(f.value) + unit
        return s + ("（按勾稽关系推定）" if f.status == "inferred" else "")
    if f.status == "not_stated" and f.closest:
        from bot.facts import label_of

        label, raw = label_of(f.closest), f.closest["raw"] or ""
        said = raw if label and label in raw else label + raw  # a statement of nothing (未收取…) holds its subject
        return (f"报告没有写明这一数字。原文最接近的是“{said}”，"
                f"但那{f.note or '说的不是同一件事'}，不是所问的数字")
    return {
        "blank": "报告未填写",
        "na": "报告填写为“{}”（不是数字）".format(next((c.get("raw") for c in f.cells if c.get("raw")), "/")),
        "uncertain": "未能可靠读出这一格（表格的这一行印得不完整或错位），不给出数字",
        "missing": "未能从报告中读出这一项（没有找到它所在的表格或行），不给出数字",
        "contradicted": f"报告前后不一致（{f.note}），不给出数字",
        "unread": "未能读出这一格（这张表没有读出任何数字，多半是表格的版式未能识别），不给出数字",
        "partial": f.note or "部分组成项未填写，不能合计",
        "zero_division": f.note or "无法计算",
        "not_stated": "报告正文中没有找到这一数字",
        "not_in_format": f"{f.note}，不给出数字",
    }.get(f.status, "无")


def where(s: Source) -> str:
    if s.page:
        return f"第{s.page}页"
    if s.line:
        return f"第{s.line}行"
    return ""


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_PASSAGE else text[: _MAX_PASSAGE - 1] + "…"


def sources_text(sources: list[Source]) -> list[str]:
    lines = []
    reports = []
    for s in sources:
        if s.passage:
            loc = where(s)
            loc = f"，{loc}" if loc else ""
            if s.section == "表格":
                lines.append(f"• 表格原文{loc}：{_clip(s.passage)}")
            else:
                sec = f"{s.section}" if s.section else "正文"
                lines.append(f"• 正文（{sec}{loc}）：“{_clip(s.passage)}”")
        key = (s.title, s.file)
        if key not in reports:
            reports.append(key)
    for title, file in reports:
        name = os.path.basename(file) if file else ""
        lines.append(f"报告：{title or '（无标题）'}" + (f"（文件 {name}）" if name else ""))
    return lines


def cells_text(agency: Agency, rep: dict, figs: list[Figure], note: str, sources: list[Source],
               warnings: list[str]) -> str:
    head = f"{agency.display} {rep['year']}年{note}"
    lines = [head]
    for f in figs:
        lines.append(f"{f.label}：{value_text(f)}")
        if f.formula:
            lines.append(f"（{f.formula}）")
            parts = parts_text(f)
            if parts:
                lines.append(parts)
    lines.append("来源：")
    lines += sources_text(sources)
    lines += [f"⚠ {w}" for w in warnings]
    return "\n".join(lines)


def parts_text(f: Figure) -> str:
    """The non-zero parts of a sum: "其中：4.保护第三方合法权益 1件"."""
    from store.template import cell_spec

    if len(f.cells) < 2 or f.unit == "%":
        return ""
    parts = []
    for c in f.cells:
        if c.get("status") in ("number", "inferred") and c.get("value"):
            spec = cell_spec(c["key"])
            name = spec.row.label if spec and spec.table == "apply" else (spec.label if spec else c["key"])
            parts.append(f"{name} {fmt_number(c['value'])}{f.unit}")
    return "其中：" + "；".join(parts) if parts else ""


def overview_metrics(version: str) -> list[MetricQuery]:
    m = [
        MetricQuery("apply.new", None, "applicant"),
        MetricQuery("apply.carried", None, "applicant"),
        MetricQuery("apply.granted", None, "applicant"),
        MetricQuery("apply.partial", None, "applicant"),
        MetricQuery("apply.denied", None, "applicant", "sum"),
        MetricQuery("apply.unable", None, "applicant", "sum"),
        MetricQuery("apply.rejected", None, "applicant", "sum"),
        MetricQuery("apply.total", None, "applicant"),
        MetricQuery("apply.carry_forward", None, "applicant"),
        MetricQuery("review", None, "result"),
        MetricQuery("suit.all", None, "result", "sum"),
        MetricQuery("active.license", None, "active"),
        MetricQuery("active.punishment", None, "active"),
        MetricQuery("active.coercion", None, "active"),
    ]
    return m


def overview_text(agency: Agency, rep: dict, figs: list[Figure], problems: list[dict], note: str) -> str:
    lines = [f"{agency.display} {rep['year']}年政府信息公开工作年度报告概况{note}"]
    if rep.get("report_date"):
        lines.append(f"报告日期：{rep['report_date']}")
    for f in figs:
        lines.append(f"• {f.label}：{value_text(f)}")
    if problems:
        lines.append(f"发现的问题（{len(problems)}）：")
        lines += [f"⚠ {p['message']}" for p in problems[:5]]
        if len(problems) > 5:
            lines.append(f"……另有{len(problems) - 5}处")
    else:
        lines.append("勾稽关系核对：未发现问题")
    lines.append(f"报告：{rep['title'] or ''}（文件 {os.path.basename(rep['file'] or '')}）")
    return "\n".join(lines)


def sum_text(agency: Agency, rep: dict, figs: list[Figure], total, note: str, sources: list[Source],
             warnings: list[str]) -> str:
    lines = [f"{agency.display} {rep['year']}年{note}"]
    for f in figs:
        lines.append(f"• {f.label}：{value_text(f)}")
    if total is not None:
        lines.append(f"合计：{fmt_number(total)}{figs[0].unit}（{' + '.join(fmt_number(f.value) for f in figs)}）")
    elif all(f.has_value for f in figs):
        lines.append("不能合计（见下方说明）")
    else:
        lines.append("有一项没有数字，不能合计")
    lines.append("来源：")
    lines += sources_text(sources)
    lines += [f"⚠ {w}" for w in warnings]
    return "\n".join(lines)


def rank_years_text(agency: Agency, rows: list[tuple[int, Figure]], ranked: list[tuple[int, Figure]],
                    fewest: bool) -> str:
    label = rows[-1][1].label
    if ranked:
        y, f = ranked[0]
        lines = [f"{agency.display} {label}{'最少' if fewest else '最多'}的是{y}年：{value_text(f)}"]
    else:
        lines = [f"{agency.display} 各年的{label}（有的年份没有读出数字，无法确定哪一年{'最少' if fewest else '最多'}）："]
    for yy, ff in rows:
        lines.append(f"• {yy}年：{value_text(ff)}")
    lines.append("来源：各年度报告的同一表格行")
    return "\n".join(lines)


def trend_text(agency: Agency, query: MetricQuery, rows: list[tuple[int, Figure]],
               missing: list[int] | None = None) -> str:
    ref = next((f for _, f in reversed(rows) if f.has_value), rows[-1][1])  # a year that has the figure
    lines = [f"{agency.display} 历年{ref.label}："]
    for y, f in rows:
        lines.append(f"• {y}年：{value_text(f)}")
    nums = [(y, f.value) for y, f in rows if f.value is not None]
    if len(nums) >= 2:
        (y0, v0), (y1, v1) = nums[0], nums[-1]
        d = v1 - v0
        trend = "增加" if d > 0 else ("减少" if d < 0 else "持平")
        unit = ref.unit if ref.unit != "%" else "个百分点"
        lines.append(f"{y0}年至{y1}年{trend}" + (f"{fmt_number(number(abs(d)))}{unit}" if d else ""))
    if missing:
        lines.append(f"（没有{'、'.join(map(str, missing))}年的报告）")
    lines.append("来源：各年度报告的同一表格行")
    return "\n".join(lines)


def compare_text(agency: Agency, years: tuple[int, int], figs: list[Figure], sources: list[Source]) -> str:
    (y1, y2), (f1, f2) = years, figs
    lines = [f"{agency.display} {f2.label}：", f"• {y1}年：{value_text(f1)}", f"• {y2}年：{value_text(f2)}"]
    if f1.value is not None and f2.value is not None:
        d = f2.value - f1.value
        if d > 0:
            lines.append(f"{y2}年比{y1}年多{fmt_number(d)}{f2.unit}")
        elif d < 0:
            lines.append(f"{y2}年比{y1}年少{fmt_number(-d)}{f2.unit}")
        else:
            lines.append("两年相同")
    else:
        lines.append("有一年没有可比的数字，无法计算差值")
    lines.append("来源：")
    lines += sources_text(sources)
    return "\n".join(lines)


def compare_agencies_text(rows: list[tuple], sources: list[Source], leader: bool = False,
                          fewest: bool = False) -> str:
    """``rows``: (agency, year, report, figure or None), in the order to show."""
    first = next((f for *_, f in rows if f is not None), None)
    label = first.label if first else ""
    years = {y for _, y, _, _ in rows}
    lines = [f"{rows[0][1]}年 {label}：" if len(years) == 1 else f"{label}："]
    if leader and first is not None:
        a, y, _, f = rows[0]
        most = "最少" if fewest else "最多"
        if f is not None and f.value is None and f.alternatives:  # it leads whichever of its two figures is right
            lines.insert(0, f"{most}的是{a.display}（报告前后不一致：{f.note}；两个数都{'少' if fewest else '多'}于其他单位）")
        else:
            lines.insert(0, f"{most}的是{a.display}：{value_text(f)}")
    for a, y, rep, f in rows:
        when = "" if len(years) == 1 else f"{y}年"
        lines.append(f"• {a.display}{when}：" + (value_text(f) if f is not None else f"没有{y}年的报告"))
    nums = [(a, f) for a, _, _, f in rows if f is not None and f.value is not None]
    if len(rows) == 2 and len(nums) == 2:
        (a1, f1), (a2, f2) = nums
        d = f1.value - f2.value
        if d:
            lines.append(f"{a1.short_name}比{a2.short_name}{'多' if d > 0 else '少'}{fmt_number(abs(d))}{first.unit}")
        else:
            lines.append("两者相同")
    lines.append("来源：")
    lines += sources_text(sources)
    return "\n".join(lines)


def sum_agencies_text(rows: list[tuple], total, sources: list[Source]) -> str:
    first = next((f for *_, f in rows if f is not None), None)
    label = first.label if first else ""
    lines = [f"{label}："]
    for a, y, rep, f in rows:
        lines.append(f"• {a.display} {y}年：" + (value_text(f) if f is not None else f"没有{y}年的报告"))
    if total is not None:
        lines.append(f"合计：{fmt_number(total)}{first.unit}")
    else:
        lines.append("有一个单位没有这一数字，不能合计")
    lines.append("来源：")
    lines += sources_text(sources)
    return "\n".join(lines)


def rank_text(query: MetricQuery, year: int, region: str | None, shown: list[tuple[dict, Figure]], n_with: int,
              n_reports: int, fewest: bool) -> str:
    if not shown:
        return f"{region or ''}{year}年的{n_reports}份报告都没有这一项数字。"
    label = shown[0][1].label
    order = "从少到多" if fewest else "从多到少"
    lines = [f"{region or '全部单位'} {year}年 {label} 排名（{order}，{n_with}/{n_reports}份报告有该数字）："]
    for i, (rep, f) in enumerate(shown, 1):
        lines.append(f"{i}. {rep['agency']}：{value_text(f)}")
    return "\n".join(lines)


def total_text(query: MetricQuery, year: int, region: str | None, total, f0: Figure, n_with: int, n: int) -> str:
    return (f"{region or '全部单位'} {year}年 {f0.label} 合计：{fmt_number(total)}{f0.unit}"
            f"（{n_with}份报告相加" + (f"，另有{n - n_with}份没有该项数字" if n > n_with else "") + "）")


def agency_list(agencies: list[Agency], filter_text: str) -> str:
    head = f"包含“{filter_text}”的单位" if filter_text else "已收录的单位"
    lines = [f"{head}（{len(agencies)}个）："]
    for a in agencies[:50]:
        years = "、".join(map(str, a.years))
        lines.append(f"• {a.display}：{years}")
    if len(agencies) > 50:
        lines.append(f"……另有{len(agencies) - 50}个，请加上地区或名称缩小范围")
    return "\n".join(lines)
