"""Parsing: a neutral document in, a :class:`~store.records.ParsedReport` out.

``parse_document`` is a pure function: it reads nothing and writes nothing.
"""

from __future__ import annotations

import re

from store.document import Document
from store.parse import facts, metadata, ocr_checks, sections, table
from store.parse.lines import Line, document_lines, fold, matching_lines
from store.records import ParsedReport, Problem, ReportMeta, TableCoverage
from store.template import (TABLES, cell_key, cells as template_cells, normalise_label,
                            table_of)

_ANCHORS = {t.id: re.compile(t.anchor) for t in TABLES}


def _regions(lines: list[Line], spans: list[sections.SectionSpan]) -> dict[str, tuple[int, int]]:
    by_number = {s.number: (s.start + 1, s.end) for s in spans}
    out = {}
    for table_id, number in (("active", "二"), ("apply", "三"), ("review", "四")):
        if number in by_number:
            out[table_id] = by_number[number]
    # fall back on anchors where a heading was not found
    for table_id, anchor in _ANCHORS.items():
        if table_id in out:
            continue
        start = next((i for i, ln in enumerate(lines) if anchor.search(normalise_label(ln.text) if table_id != "review"
                                                                          else _cells_text(ln))), None)
        if start is None:
            continue
        later = [s for s in spans if s.start > start]
        ends = [r[0] - 1 for t, r in out.items() if r[0] - 1 > start] + [s.start for s in later] + [len(lines)]
        out[table_id] = (start, min(ends))
    return out


def _cells_text(ln: Line) -> str:
    """A line as its cells separated by tabs (whatever separated them when printed: "行政复议 | | 行政诉讼")."""
    if ln.kind in ("row", "grid", "cell") and ln.toks:
        return "\t".join(fold(t.text) for t in ln.toks)
    return ln.text.strip()


def parse_document(doc: Document, hints: dict | None = None, explain: bool = False) -> ParsedReport:
    """Parse a document into metadata, every template cell, passages and problems.

    ``hints`` (from a manifest) override what the text gives: agency, short_name,
    district, city, province, year, source_url.  ``explain``: keep the tables' traces
    (how every template row was matched) on the report.
    """
    lines = document_lines(doc)
    text = doc.text
    meta = metadata.extract(lines, text, doc.meta)
    _apply_hints(meta, hints or {}, text)
    version = meta.template or "2021"
    # headings and table labels are matched on a copy in simplified characters (the same lines)
    match = matching_lines(doc, lines)
    spans = sections.find_sections(match)
    regions = _regions(match, spans)
    problems: list[Problem] = [Problem("reader", msg, [], "error") for msg in doc.problems]
    cells, coverage, traces, table_lines, notes = _tables(match, regions, version, doc.format)
    problems += notes
    # every template cell is present, in template order
    ordered = {}
    for spec in template_cells(version):
        ordered[spec.key] = cells.get(spec.key) or _missing(spec.key)
    if all(c.status == "missing" for c in ordered.values()):
        names = "、".join(t.title for t in TABLES)
        problems.append(Problem("no_tables", f"未找到任何标准表格（{names}），仅保存了正文", []))
    elif any(c.status == "missing" for c in ordered.values()):
        absent = dict.fromkeys(table_of(k).title for k, c in ordered.items() if c.status == "missing"
                               and not _partial(coverage, table_of(k).id))
        if absent:
            problems.append(Problem("table_missing", "未找到表格：" + "、".join(absent), [], "warning"))
    passages = sections.passages(lines, spans, table_lines, metadata.find_title(lines)[1])
    report = ParsedReport(meta, ordered, passages, problems, doc.format, doc.pages,
                          facts.extract(passages, (meta.agency, meta.short_name, meta.district, meta.city,
                                                   meta.province), meta.year),
                          coverage=coverage, traces=traces if explain else [])
    read_by_ocr = ocr_checks.review(doc, report)  # figures read by OCR: kept only when sure (before the audit)
    if not read_by_ocr:  # a text that OCR made, by the figures it misread: the same care
        read_by_ocr = ocr_checks.review_text(lines, report)
    from store.audit import audit_report  # (the audit reads the parser's modules: imported when first used)

    report.problems = audit_report(report, lines, spans) + read_by_ocr  # the parser's notes and every finding, with evidence
    return report


def _tables(lines: list[Line], regions: dict[str, tuple[int, int]], version: str, fmt: str = "text"):
    """The three standard tables: cells, coverage, traces, the lines they were read from, and problems."""
    cells: dict = {}
    coverage: list[TableCoverage] = []
    traces = []
    table_lines: set[int] = set()
    problems: list[Problem] = []
    last = max((i for i, ln in enumerate(lines) if ln.kind != "empty"), default=-1)
    # a text copy ends with not even a line break after its last characters: its last figure may be cut
    # (a markdown copy's lines are the reader's, which knows whether a row's last cell was closed by a pipe)
    open_end = bool(lines) and lines[-1].kind not in ("empty", "grid") and fmt == "text"
    for t in TABLES:
        region = regions.get(t.id)
        region_lines = lines[region[0]:region[1]] if region else []
        at_end = bool(region) and region[0] <= last < region[1]  # the document ends inside this table
        if t.id == "review":
            result = table.parse_review_table(region_lines, at_end=at_end)
        else:
            result = table.parse_row_table(t, version, region_lines, at_end=at_end, open_end=open_end)
        cells.update(result.cells)
        coverage.append(result.coverage)
        traces.append(result.trace)
        if region:
            table_lines.update(i for i in range(*region) if lines[i].kind != "narrative")
        problems += [Problem("table_layout", note, [], "warning") for note in result.notes]
        cov = result.coverage
        if cov.partial:
            why = "，文件在表格中截断" if cov.cut else ""
            keys = [k for k, c in result.cells.items() if c.status in ("missing", "uncertain")]
            # a note on the reading of the table (the audit's rule table_partial: 表格完整)
            problems.append(Problem("table_partial", f"表格不完整：{t.title}只找到 {cov.matched}/{cov.expected} 行{why}",
                                    keys, "warning"))
    return cells, coverage, traces, table_lines, problems


def _partial(coverage: list[TableCoverage], table_id: str) -> bool:
    return any(c.table == table_id and c.matched for c in coverage)


def _missing(key: str):
    from store.records import CellRecord

    return CellRecord(key, None, None, "missing")


def _apply_hints(meta: ReportMeta, hints: dict, text: str = "") -> None:
    """A manifest's metadata over what the text gave.  A hinted agency gets its own short name and,
    unless the manifest gives the region, its region from its name and the text; a hinted region is
    completed from the gazetteer (合江县 → 泸州市, 四川省) where the manifest leaves levels open."""
    from store import regions
    from store.parse import script

    text_agency = meta.agency
    for field in ("agency", "short_name", "district", "city", "province", "source_url", "template"):
        if hints.get(field):
            setattr(meta, field, str(hints[field]))
    if hints.get("year"):
        meta.year = int(hints["year"])
        if not hints.get("template"):
            from store.template import version_for_year
            meta.template = meta.template or version_for_year(meta.year)
    region_given = any(hints.get(f) for f in ("district", "city", "province"))
    if hints.get("agency"):
        meta.agency_note = None
        name = script.to_simplified(str(hints["agency"]))
        if not hints.get("short_name"):
            meta.short_name = metadata.short_name(name)
        if not region_given and str(hints["agency"]) != text_agency:
            meta.district, meta.city, meta.province = metadata.region_of(name, script.matching(text).text)
    if region_given:
        given = tuple(str(hints[f]) if hints.get(f) else None for f in ("district", "city", "province"))
        if not regions.consistent(meta.district, meta.city, meta.province):  # the text's levels disagree
            meta.district, meta.city, meta.province = given
        if regions.consistent(meta.district, meta.city, meta.province):
            meta.district, meta.city, meta.province = regions.complete(meta.district, meta.city, meta.province)


__all__ = ["parse_document", "cell_key"]
