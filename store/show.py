"""Render one stored report with every cell laid out as the template prints it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from store.numbers import figure_text
from store.template import ACTIVE, APPLICANT_COLUMNS, APPLY, RESULT_COLUMNS, REVIEW, SECTIONS, TABLES, cell_key

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
    text = figure_text(v)
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
    coverage = store.coverage(report_id)
    if coverage:
        out.append("表格完整度：" + "；".join(_coverage(t, coverage[t.id]) for t in TABLES if t.id in coverage))
    out.append("(空) 报告未填写  (缺) 未找到  ? 无法可靠读取  * 按勾稽关系推定")
    problems = store.problems(report_id)
    if problems:
        out += ["", f"发现的问题（{len(problems)}）："] + [f"  [{p['rule']}] {p['message']}" for p in problems]
    return "\n".join(out)


def _coverage(table, c: dict) -> str:
    text = f"{table.title} {c['matched']}/{c['expected']} 行"
    return text + ("（文件在此表中截断）" if c["cut"] else "")


def explain_report(store, report_id: int) -> str:
    """How each template row of a stored report was matched: the stored file parsed again with the
    report's agency, year and template, and the parser's own trace printed.  Raises OSError when the
    file is gone, ValueError when it cannot be read."""
    from store.document import ReadError
    from store.parse import parse_document
    from store.parse.table import format_trace
    from store.readers import read_bytes

    rep = store.report(report_id)
    path = Path(rep["file"])
    data = path.read_bytes()
    out = [f"解析过程（{path}）"]
    if rep["sha256"] and hashlib.sha256(data).hexdigest() != rep["sha256"]:
        out.append("⚠ 文件在入库后已改动：以下是它现在的解析结果")
    try:
        doc = read_bytes(data, str(path))
    except ReadError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    hints = {"agency": rep["agency"], "year": rep["year"], "template": rep["template"]}
    report = parse_document(doc, hints, explain=True)
    for trace in report.traces:
        out += [""] + format_trace(trace)
    return "\n".join(out)
