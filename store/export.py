"""Export every stored cell: one row per cell with agency, year, key, labels and value."""

from __future__ import annotations

import csv
import json
from typing import IO, Iterator

from store.template import cell_spec

FIELDS = ("agency", "short_name", "district", "city", "province", "year", "template", "key", "label",
          "row_label", "column_label", "value", "raw", "status", "page", "line", "file")


def export_rows(store) -> Iterator[dict]:
    sql = ("select a.name as agency, a.short_name, a.district, a.city, a.province, r.year, r.template, r.file, "
           "c.key, c.value, c.raw, c.status, c.page, c.line from cells c join reports r on r.id = c.report_id "
           "join agencies a on a.id = r.agency_id order by a.name, r.year, c.rowid")
    for row in store.db.query(sql):
        spec = cell_spec(row["key"], row["template"])
        value = row["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        yield {**{k: row.get(k) for k in FIELDS}, "value": value,
               "label": spec.label if spec else "", "row_label": spec.row.full_label if spec else "",
               "column_label": spec.column.label if spec else ""}


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
        writer.writerow(row)
        n += 1
    return n
