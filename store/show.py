"""Render one stored report with every cell laid out as the template prints it."""

from __future__ import annotations

from store.template import ACTIVE, APPLICANT_COLUMNS, APPLY, RESULT_COLUMNS, REVIEW, SECTIONS, cell_key

_HEADING = {s.number: f"{s.number}、{s.title}" for s in SECTIONS}

_MARKS = {"blank": "(空)", "missing": "(缺)", "uncertain": "?"}


def show_value(cell: dict | None) -> str:
    if cell is None:
        return "(缺)"
    status = cell["status"]
    if status in _MARKS:
        return _MARKS[status]
    if status == "na":
        return cell["raw"] or "/"
    v = cell["value"]
    text = str(int(v)) if isinstance(v, float) and v.is_integer() else f"{v:g}"
    return text + ("*" if status == "inferred" else "")


def render_report(store, report_id: int) -> str:
    rep = store.report(report_id)
    cells = store.cells(report_id)
    version = rep["template"] or "2021"
    out = [f"{rep['agency']} {rep['year']}年 政府信息公开工作年度报告（{version}年版格式）",
           f"文件：{rep['file']}" + (f"；报告日期：{rep['report_date']}" if rep["report_date"] else "")]
    region = "".join(x for x in (rep["province"], rep["city"], rep["district"]) if x)
    if region:
        out.append(f"地区：{region}")
    out += ["", _HEADING["二"]]
    for row in ACTIVE.rows_for(version):
        parts = [f"{c.label} {show_value(cells.get(cell_key(ACTIVE, row, c)))}" for c in row.columns]
        out.append(f"  {row.label:<12}\t" + " | ".join(parts))
    out += ["", _HEADING["三"],
            "  " + " " * 28 + "\t" + "\t".join(c.label for c in APPLICANT_COLUMNS)]
    for row in APPLY.rows_for(version):
        vals = "\t".join(show_value(cells.get(cell_key(APPLY, row, c))) for c in APPLICANT_COLUMNS)
        label = row.full_label if len(row.full_label) <= 28 else row.full_label[:27] + "…"
        out.append(f"  {label:<28}\t{vals}")
    out += ["", _HEADING["四"], "  " + " " * 16 + "\t" + "\t".join(c.label for c in RESULT_COLUMNS)]
    for row in REVIEW.rows:
        label = f"{row.group}·{row.label}" if row.group else row.label
        vals = "\t".join(show_value(cells.get(cell_key(REVIEW, row, c))) for c in RESULT_COLUMNS)
        out.append(f"  {label:<16}\t{vals}")
    out.append("")
    out.append("(空) 未填写  (缺) 未找到该表  ? 无法可靠读取  * 按勾稽关系推定")
    problems = store.problems(report_id)
    if problems:
        out += ["", f"发现的问题（{len(problems)}）："] + [f"  [{p['rule']}] {p['message']}" for p in problems]
    return "\n".join(out)
