"""Parsing: a neutral document in, a :class:`~store.records.ParsedReport` out.

``parse_document`` is a pure function: it reads nothing and writes nothing.
"""

from __future__ import annotations

import re

from store.document import Document
from store.parse import facts, metadata, ocr_checks, sections, tables
from store.parse.lines import Line, document_lines, fold
from store.records import ParsedReport, Problem, ReportMeta
from store.template import (ACTIVE, APPLY, TABLES, cell_key, cells as template_cells, normalise_label,
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
                                                                          else ln.text.strip())), None)
        if start is None:
            continue
        later = [s for s in spans if s.start > start]
        ends = [r[0] - 1 for t, r in out.items() if r[0] - 1 > start] + [s.start for s in later] + [len(lines)]
        out[table_id] = (start, min(ends))
    return out


def parse_document(doc: Document, hints: dict | None = None) -> ParsedReport:
    """Parse a document into metadata, every template cell, passages and problems.

    ``hints`` (from a manifest) override what the text gives: agency, short_name,
    district, city, province, year, source_url.
    """
    lines = document_lines(doc)
    text = doc.text
    meta = metadata.extract(lines, text, doc.meta)
    _apply_hints(meta, hints or {}, text)
    version = meta.template or "2021"
    spans = sections.find_sections(lines)
    regions = _regions(lines, spans)
    cells = {}
    problems: list[Problem] = [Problem("reader", msg, [], "error") for msg in doc.problems]
    table_lines: set[int] = set()
    for table_id, table in (("active", ACTIVE), ("apply", APPLY)):
        region = regions.get(table_id)
        region_lines = lines[region[0]:region[1]] if region else []
        found, notes = tables.parse_row_table(table, version, region_lines)
        cells.update(found)
        if region:
            table_lines.update(i for i in range(*region) if lines[i].kind != "narrative")
        for note in notes:
            problems.append(Problem("table_layout", note, [], "warning"))
    region = regions.get("review")
    found, notes = tables.parse_review_table(lines[region[0]:region[1]] if region else [])
    cells.update(found)
    if region:
        table_lines.update(i for i in range(*region) if lines[i].kind != "narrative")
    for note in notes:
        problems.append(Problem("table_layout", note, [], "warning"))
    # every template cell is present, in template order
    ordered = {}
    for spec in template_cells(version):
        ordered[spec.key] = cells.get(spec.key) or _missing(spec.key)
    if all(c.status == "missing" for c in ordered.values()):
        names = "、".join(t.title for t in TABLES)
        problems.append(Problem("no_tables", f"未找到任何标准表格（{names}），仅保存了正文", []))
    elif any(c.status == "missing" for c in ordered.values()):
        absent = dict.fromkeys(table_of(k).title for k, c in ordered.items() if c.status == "missing")
        problems.append(Problem("table_missing", "未找到表格：" + "、".join(absent), [], "warning"))
    passages = sections.passages(lines, spans, table_lines, metadata.find_title(lines)[1])
    report = ParsedReport(meta, ordered, passages, problems, doc.format, doc.pages,
                          facts.extract(passages, (meta.agency, meta.short_name, meta.district, meta.city,
                                                   meta.province), meta.year))
    read_by_ocr = ocr_checks.review(doc, report)  # figures read by OCR: kept only when sure (before the audit)
    from store.audit import audit_report  # (the audit reads the parser's modules: imported when first used)

    report.problems = audit_report(report, lines, spans) + read_by_ocr  # the parser's notes and every finding, with evidence
    return report


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
