"""Figures read by OCR are kept only when they are sure: confidence and the 勾稽关系.

Runs after the tables are parsed (one call in :func:`store.parse.parse_document`).  A cell whose row
the PDF reader read by OCR (its document cells carry ``conf``) stays a figure only if

* every piece of text it was read from has a confidence of at least :data:`CONFIDENT`, or at
  least :data:`CONFIRMABLE` and an equality that holds confirms it;
* it breaks no 勾稽关系 (:func:`store.checks.equalities`).  When an equality fails, the OCR'd cells
  in it that are in the most failing equalities are the suspects (a misread cell breaks both its
  row and its column; the cells that share only one of them are cleared);
* it was not letters read for digits ("O", "D", "l"), unless an equality that holds confirms it;
* it was not inferred by the parser from OCR'd cells, unless a second equality confirms it.

Figures the narrative states (``report.facts``) are dropped from a paragraph read by OCR unless all
of it was read with :data:`CONFIDENT` confidence.  Everything else becomes ``uncertain`` (no value stored, what OCR read kept as ``raw``), so an OCR
error is never a wrong figure.  A blank is kept only where the cell showed no ink.  The report gets
an ``ocr`` note per page (severity info, scope extraction, the keys of the figures read there) so that
an answer can say the figure was read by OCR, and an ``ocr_uncertain`` warning for the figures not
taken.  (They are added after the audit's findings: they concern our reading, not the report.)
"""

from __future__ import annotations

import re

from store.checks import equalities
from store.document import Cell, Document
from store.parse.lines import fold, parse_number
from store.records import CellRecord, ParsedReport, Problem
from store.template import table_of

CONFIDENT = 0.9  # the engine's confidence a figure needs to stand on its own …
CONFIRMABLE = 0.5  # … and below which no 勾稽关系 can save it


def _ocr_rows(doc: Document) -> dict[tuple[int, int], list[Cell]]:
    """(page, line) -> the cells of every table row read by OCR; a line of text read by OCR (a table
    printed without rules) gives one cell per tab-separated piece."""
    out: dict[tuple[int, int], list[Cell]] = {}
    for block in doc.blocks:
        if block.kind == "paragraph":
            if block.conf and block.page is not None:
                pieces = block.text.split("\t")
                confs = block.conf if len(block.conf) == len(pieces) else [min(block.conf)] * len(pieces)
                out[(block.page, block.line)] = [Cell(t, page=block.page, line=block.line, conf=c)
                                                 for t, c in zip(pieces, confs)]
            continue
        for row in block.rows:
            cells = [c for c in row if not c.merged]
            if cells and any(c.conf is not None for c in cells) and cells[0].page is not None:
                out[(cells[0].page, cells[0].line)] = cells
    return out


def _shows(cell: Cell, raw: str | None) -> bool:
    """Whether ``cell`` printed ``raw`` (alone, or as one of the figures a piece of text ends with)."""
    t = fold(cell.text)
    return raw is not None and (t == raw or raw in t.split())


def _garbled(text: str) -> bool:
    """Text with digits or Latin letters that is not a figure: a figure misread, never a label."""
    t = fold(text)
    return parse_number(t) is None and bool(re.search(r"[0-9A-Za-z]", t)) and not re.match(r"^\d{1,2}[.．、]\D", t)


def _uncertain(rec: CellRecord) -> CellRecord:
    return CellRecord(rec.key, None, rec.raw, "uncertain", rec.page, rec.line, rec.row_text)


def _value(cells: dict[str, CellRecord], key: str):
    c = cells.get(key)
    return c.value if c is not None and c.status in ("number", "inferred") and c.value is not None else None


def _holds(cells, eq) -> bool | None:
    """True / False, or None when a cell of the equality holds no figure."""
    left = [_value(cells, k) for k in eq.left]
    right = [_value(cells, k) for k in eq.right]
    if any(v is None for v in left + right):
        return None
    return abs(sum(left) - sum(right)) < 1e-9


def _drop_unsure_facts(doc: Document, report: ParsedReport) -> None:
    """Figures the narrative states are kept from text read by OCR only when all of it was read with
    confidence (a digit misread in a sentence must not become a stated figure)."""
    confs: dict[tuple[int, int], float] = {}
    for b in doc.blocks:
        if b.kind == "paragraph" and b.conf and b.page is not None:
            confs[(b.page, b.line)] = min(b.conf)
    if not confs or not getattr(report, "facts", None):
        return
    by_page: dict[int, float] = {}
    for (page, _), c in confs.items():
        by_page[page] = min(by_page.get(page, 1.0), c)
    kept = []
    for f in report.facts:
        conf = confs.get((f.page, f.line), by_page.get(f.page)) if f.page is not None else None
        if conf is None or conf >= CONFIDENT:
            kept.append(f)
    report.facts = kept


def review(doc: Document, report: ParsedReport) -> list[Problem]:
    """Turn unsure OCR figures of ``report`` into ``uncertain`` (in place); the notes to add."""
    _drop_unsure_facts(doc, report)
    rows = _ocr_rows(doc)
    if not rows:
        return []
    cells = report.cells
    read = [k for k, c in cells.items() if (c.page, c.line) in rows]
    if not read:
        return []
    dropped: dict[str, str] = {}
    needs_confirmation: set[str] = set()
    for k in read:
        rec = cells[k]
        row = rows[(rec.page, rec.line)]
        if rec.status in ("number", "na"):
            same = [c for c in row if _shows(c, rec.raw)] or row
            conf = min((c.conf if c.conf is not None else 1.0) for c in same)
            if conf < CONFIRMABLE:
                dropped[k] = "confidence"
            elif conf < CONFIDENT or any(c.ocr_raw for c in same):
                needs_confirmation.add(k)
        elif rec.status == "blank":
            # a cell with ink that could not be read is not a blank, nor is one next to a cell read
            # as something that is neither words nor a figure ("0F": a figure and a seal's stroke)
            if any(c.conf is not None and c.conf < CONFIDENT and (not c.text.strip() or _garbled(c.text))
                   for c in row):
                dropped[k] = "unread"
        elif rec.status == "inferred":
            needs_confirmation.add(k)
    # a row of a table read by OCR that the parser did not find may be a row OCR garbled: not a blank
    ocr_tables = {table_of(k).id for k in read}
    for k, rec in cells.items():
        if rec.status == "blank" and rec.page is None and table_of(k).id in ocr_tables:
            dropped[k] = "row not read"
    for k in dropped:
        cells[k] = _uncertain(cells[k])
    eqs = equalities(report.meta.template or "2021")
    _confirm(cells, set(read), needs_confirmation, dropped, eqs)
    return _notes(cells, read, dropped)


def _confirm(cells: dict[str, CellRecord], ocr_keys: set[str], needs_confirmation: set[str],
             dropped: dict[str, str], eqs, confirms=lambda eq, key: True) -> None:
    """Clear (in place) the OCR'd cells that break a 勾稽关系 (the most suspect first) and those that
    need a confirmation no holding equality (that ``confirms`` the cell) gives."""
    for _ in range(3):
        failing = [eq for eq in eqs if _holds(cells, eq) is False and ocr_keys & set(eq.keys)]
        if not failing:
            break
        count: dict[str, int] = {}
        for eq in failing:
            for k in set(eq.keys) & ocr_keys:
                if _value(cells, k) is not None:
                    count[k] = count.get(k, 0) + 1
        for eq in failing:
            suspects = [k for k in set(eq.keys) & ocr_keys if k in count]
            top = max((count[k] for k in suspects), default=0)
            for k in suspects:
                if count[k] == top and cells[k].status != "uncertain":
                    dropped[k] = "identity"
                    cells[k] = _uncertain(cells[k])
    for k in sorted(needs_confirmation):
        if cells[k].status == "uncertain":
            continue
        holding = sum(1 for eq in eqs if k in eq.keys and confirms(eq, k) and _holds(cells, eq))
        if holding < (2 if cells[k].status == "inferred" else 1):
            dropped[k] = "unconfirmed"
            cells[k] = _uncertain(cells[k])


def _row_of(key: str) -> str:
    return key.rsplit(".", 1)[0]


def _across_rows(eq, key: str) -> bool:
    """Whether an equality confirms a cell of OCR text: in section 三 only one that ties rows together (a
    row's own sum holds for a row of zeros under the wrong label too); elsewhere any."""
    return not key.startswith("apply.") or len({_row_of(k) for k in eq.keys}) > 1


#: Misread figures ("S8", "l2", "〇") in a document's tables from which its text is taken for OCR output.
OCR_TEXT_MISREADS = 3


def review_text(lines, report: ParsedReport) -> list[Problem]:
    """A document without OCR confidences whose tables show misread figures is OCR text all the same (a
    scan read by another program, a PDF's OCR text layer): a digit it dropped or a decimal point it lost
    leaves no trace, so its table figures are kept only where a 勾稽关系 that holds confirms them
    (``uncertain`` otherwise).  Turns them in place; the notes to add."""
    misread = [t.text for ln in lines if ln.kind in ("cell", "row", "grid") for t in ln.toks if t.garbled]
    if len(misread) < OCR_TEXT_MISREADS:
        return []
    cells = report.cells
    read = [k for k, c in cells.items() if c.status in ("number", "inferred")]
    dropped: dict[str, str] = {}
    _confirm(cells, set(read), set(read), dropped, equalities(report.meta.template or "2021"), _across_rows)
    shown = "、".join(f"“{fold(x)}”" for x in list(dict.fromkeys(misread))[:3])
    out = []
    kept = [k for k in read if k not in dropped]
    if kept:
        out.append(Problem("ocr", f"表格中有{len(misread)}处数字像OCR误识（如{shown}），全文按OCR识别的文字处理："
                                  "表中数字经勾稽关系核实后采用", kept, "info", "extraction"))
    lost = [k for k in read if k in dropped]
    if lost:
        out.append(Problem("ocr_uncertain", f"表格中有{len(misread)}处数字像OCR误识（如{shown}），"
                                            f"{len(lost)}个数字无法用勾稽关系核实，未采用", lost, "warning", "extraction"))
    return out


def _notes(cells: dict[str, CellRecord], read: list[str], dropped: dict[str, str]) -> list[Problem]:
    pages: dict[int, list[str]] = {}
    for k in read:
        pages.setdefault(cells[k].page, []).append(k)
    out = []
    for page, keys in sorted(pages.items()):
        kept = [k for k in keys if k not in dropped]
        if kept:
            out.append(Problem("ocr", f"第{page}页的表格为图片（扫描件），表中数字由OCR识别", kept, "info",
                               "extraction", page=page))
        lost = [k for k in keys if k in dropped]
        if lost:
            out.append(Problem(
                "ocr_uncertain",
                f"第{page}页的表格为图片（扫描件），有{len(lost)}个数字OCR识别不可靠（置信度低或不符合勾稽关系），未采用", lost,
                "warning", "extraction", page=page))
    unplaced = [k for k in dropped if k not in set(read)]
    if unplaced:
        out.append(Problem("ocr_uncertain", f"OCR识别的表格中有{len(unplaced)}个数字所在的行未能识别，未采用", unplaced,
                           "warning", "extraction"))
    return out
