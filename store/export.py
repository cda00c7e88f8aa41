"""Export every stored cell: one row per cell with agency, year, key, labels and value.

CSV is opened in spreadsheets, which run a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (``=HYPERLINK(…)`` in an agency name).  Such text is written with a leading
apostrophe, which spreadsheets show as text; numbers (``-3``) and lone marks (``-``, ``—``) are
written as they are.  JSON is written as stored.
"""

from __future__ import annotations

import csv
import json
import re
from typing import IO, Iterator

from store.template import cell_spec

FIELDS = ("agency", "short_name", "district", "city", "province", "year", "template", "key", "label",
          "row_label", "column_label", "value", "raw", "status", "page", "line", "file")


def export_rows(store) -> Iterator[dict]:
    """Every cell of every report (a template cell not stored is ``missing``), reports by agency and
    year, cells in template order, with the template's labels."""
    from store.compact import with_missing

    reports = list(store.db.query(
        "select r.id, a.name as agency, a.short_name, a.district, a.city, a.province, r.year, r.template, r.file "
        "from reports r join agencies a on a.id = r.agency_id order by a.name, r.year, r.id"))
    for rep in reports:
        stored = {c["key"]: c for c in store.db.query(
            "select key, value, raw, status, page, line from cells where report_id = ?", [rep["id"]])}
        for key, cell in with_missing(rep["id"], stored, rep["template"]).items():
            spec = cell_spec(key, rep["template"])
            value = cell["value"]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            yield {**{k: rep.get(k) for k in FIELDS}, **{k: cell.get(k) for k in ("key", "raw", "status", "page",
                                                                                  "line")},
                   "value": value, "label": spec.label if spec else "",
                   "row_label": spec.row.full_label if spec else "", "column_label": spec.column.label if spec else ""}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"^[-+]?\d+(\.\d+)?%?$|^[-—–_\s/]+$")


def csv_safe(value):
    """A value a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _HARMLESS.match(value):
        return "'" + value
    return value


def write_export(store, fh: IO[str], fmt: str = "csv") -> int:
    n = 0
    if fmt == "json":
        fh.write("[\n")
        for row in export_rows(store):
            fh.write(("," if n else "") + json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        fh.write("]\n")
        return n
    writer = csv.DictWriter(fh, fieldnames=FIELDS)
    writer.writeheader()
    for row in export_rows(store):
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
        n += 1
    return n
