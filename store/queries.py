"""The named queries the answering core asks of the store: ``bot/`` holds no SQL.

Every function takes a :class:`store.db.Store` first and returns plain dicts.

Rankings and totals over many reports read the ``figures`` table: every figure a report
holds (a printed or inferred cell, and the derived sums and ratios the template defines,
computed once when the report is stored), keyed ``(key, year, value, report_id)`` so that
"the ten largest 收到申请 of 2023" is one index range read and "their total" one index scan,
however many reports are on file.  The table is filled by :func:`index_report` when a report
is saved and emptied by :func:`forget_report` when one is deleted; :func:`ensure_schema`
builds it for a database written before it existed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from store.template import DERIVED_RATIOS, DERIVED_SUMS, RESULT_COLUMNS, APPLICANT_COLUMNS

FIGURE_STATUSES = ("number", "inferred")
_MANY = 500  # above this many agency ids a filter runs through json_each, not a parameter list

# --------------------------------------------------------------------------- schema


def ensure_schema(db) -> None:
    """Create the ``figures`` table, filled from the stored cells when reports exist (one
    transaction: a database never holds a half-built table)."""
    if "figures" in db.table_names():
        return
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("create table if not exists figures (key text not null, year integer not null, "
                     "value real not null, report_id integer not null, agency_id integer not null, "
                     "status text not null, primary key (key, year, value, report_id)) without rowid")
        conn.execute("create index if not exists idx_figures_report on figures (report_id)")
        if "reports" in db.table_names():
            conn.execute("create index if not exists idx_reports_year on reports (year)")
            _rebuild(db)
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")


def rebuild_figures(db) -> int:
    """Recompute the ``figures`` table from every stored report, in one transaction.  Returns the
    rows written."""
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        n = _rebuild(db)
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return n


def _rebuild(db) -> int:
    db.execute("delete from figures")
    reports = list(db.query("select id, agency_id, year, template from reports"))
    n = 0
    for start in range(0, len(reports), 500):
        chunk = reports[start:start + 500]
        ids = [r["id"] for r in chunk]
        cells: dict[int, dict[str, tuple]] = {i: {} for i in ids}
        for row in db.execute(f"select report_id, key, value, status from cells where report_id in "
                              f"({','.join('?' * len(ids))})", ids).fetchall():
            cells[row[0]][row[1]] = (row[2], row[3])
        rows = []
        for r in chunk:
            rows += _figure_rows(r["id"], r["agency_id"], r["year"], r["template"] or "2021", cells[r["id"]])
        db.conn.executemany("insert or replace into figures values (?, ?, ?, ?, ?, ?)", rows)
        n += len(rows)
    return n


def index_report(conn, report_id: int, agency_id: int, year: int, template: str,
                 cells: Mapping[str, object]) -> None:
    """Write one report's figures (inside the caller's transaction).  ``cells``: key -> an object
    or dict with ``value`` and ``status``."""
    plain = {}
    for key, c in cells.items():
        value = c["value"] if isinstance(c, Mapping) else getattr(c, "value", None)
        status = c["status"] if isinstance(c, Mapping) else getattr(c, "status", None)
        plain[key] = (value, status)
    conn.executemany("insert or replace into figures values (?, ?, ?, ?, ?, ?)",
                     _figure_rows(report_id, agency_id, year, template or "2021", plain))


def forget_report(db, report_id: int) -> None:
    if "figures" in db.table_names():
        db.execute("delete from figures where report_id = ?", [report_id])


def _figure_rows(report_id: int, agency_id: int, year: int, template: str,
                 cells: Mapping[str, tuple]) -> list[tuple]:
    rows = [(k, year, v, report_id, agency_id, s) for k, (v, s) in cells.items()
            if s in FIGURE_STATUSES and v is not None]
    for key, value, status in derived_figures(cells, template):
        rows.append((key, year, value, report_id, agency_id, status))
    return rows


def derived_figures(cells: Mapping[str, tuple], template: str) -> list[tuple[str, float, str]]:
    """The template's derived sums (per column) and ratios of one report: (key, value, status).
    A figure is derived only when every part holds a figure; a ratio not when its denominator is 0."""
    out = []
    for d in DERIVED_SUMS:
        if template not in d.versions:
            continue
        columns = RESULT_COLUMNS if d.key.startswith("suit") else APPLICANT_COLUMNS
        for col in columns:
            parts = [cells.get(f"{p}.{col.key}") for p in d.parts]
            if all(p is not None and p[1] in FIGURE_STATUSES and p[0] is not None for p in parts):
                status = "inferred" if any(p[1] == "inferred" for p in parts) else "number"
                out.append((f"{d.key}.{col.key}", float(sum(p[0] for p in parts)), status))
    for d in DERIVED_RATIOS:
        parts = [cells.get(k) for k in d.parts]
        if all(p is not None and p[1] in FIGURE_STATUSES and p[0] is not None for p in parts) and parts[-1][0]:
            value = round(sum(p[0] for p in parts[:-1]) / parts[-1][0] * 100, 1)
            status = "inferred" if any(p[1] == "inferred" for p in parts) else "number"
            out.append((d.key, value, status))
    return out


# --------------------------------------------------------------------------- agencies and reports

_REPORT = ("select r.*, a.name as agency, a.short_name, a.district, a.city, a.province "
           "from reports r join agencies a on a.id = r.agency_id")


def agencies(store) -> list[dict]:
    """Every agency with its report years (``years``: comma-separated)."""
    return store.agencies()


def report_for(store, agency_id: int, year: int) -> dict | None:
    return next(store.db.query(_REPORT + " where r.agency_id = ? and r.year = ?", [agency_id, year]), None)


def reports_of(store, agency_id: int) -> dict[int, dict]:
    """Every report of one agency, by year."""
    return {r["year"]: r for r in store.db.query(_REPORT + " where r.agency_id = ? order by r.year", [agency_id])}


def reports_by_id(store, report_ids: Iterable[int]) -> dict[int, dict]:
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    return {r["id"]: r for r in store.db.query(_REPORT + f" where r.id in ({','.join('?' * len(ids))})", ids)}


def latest_report(store) -> dict | None:
    return next(store.db.query(_REPORT + " order by r.year desc, r.id desc limit 1"), None)


def reports_in_year(store, year: int, agency_ids: Iterable[int] | None = None) -> list[dict]:
    sql, args = _REPORT + " where r.year = ?", [year]
    sql, args = _with_agencies(sql, args, agency_ids, "r.agency_id")
    return list(store.db.query(sql, args))


def count_reports_in_year(store, year: int, agency_ids: Iterable[int] | None = None) -> int:
    sql, args = "select count(*) as n from reports r where r.year = ?", [year]
    sql, args = _with_agencies(sql, args, agency_ids, "r.agency_id")
    return next(store.db.query(sql, args))["n"]


def _with_agencies(sql: str, args: list, agency_ids: Iterable[int] | None, column: str) -> tuple[str, list]:
    if agency_ids is None:
        return sql, args
    ids = sorted(set(agency_ids))
    if len(ids) <= _MANY:
        return sql + f" and {column} in ({','.join('?' * len(ids)) or 'null'})", args + ids
    return sql + f" and {column} in (select value from json_each(?))", args + [json.dumps(ids)]


# --------------------------------------------------------------------------- cells, passages, problems


def cells_for(store, report_id: int, keys: Iterable[str] | None = None) -> dict[str, dict]:
    """The stored cells of one report (only ``keys`` when given), by key."""
    if keys is None:
        return store.cells(report_id)
    keys = sorted(set(keys))
    if not keys:
        return {}
    rows = store.db.query(f"select * from cells where report_id = ? and key in ({','.join('?' * len(keys))})",
                          [report_id, *keys])
    return {r["key"]: r for r in rows}


def cells_for_reports(store, report_ids: Iterable[int], keys: Iterable[str]) -> dict[int, dict[str, dict]]:
    """The stored cells ``keys`` of several reports at once: report id -> key -> cell."""
    ids, keys = sorted(set(report_ids)), sorted(set(keys))
    out: dict[int, dict[str, dict]] = {i: {} for i in ids}
    if not ids or not keys:
        return out
    for r in store.db.query(f"select * from cells where report_id in ({','.join('?' * len(ids))}) "
                            f"and key in ({','.join('?' * len(keys))})", [*ids, *keys]):
        out[r["report_id"]][r["key"]] = r
    return out


def table_read(store, report_id: int, key: str) -> bool:
    """Whether any cell of the table ``key`` belongs to holds a figure or a printed mark in this report
    (a table whose every cell is blank was not read, it was not left empty)."""
    from store.template import table_of

    table = table_of(key).id
    heads = ("review.%", "suit.%") if table == "review" else (f"{table}.%",)
    sql = ("select 1 from cells where report_id = ? and (" + " or ".join("key like ?" for _ in heads) + ") "
           "and status in ('number', 'inferred', 'na') limit 1")
    return next(store.db.query(sql, [report_id, *heads]), None) is not None


def passages_for(store, report_id: int) -> list[dict]:
    return store.passages(report_id)


def search_passages(store, text: str, report_id: int | None = None, limit: int = 20) -> list[dict]:
    return store.search_passages(text, report_id, limit)


def problems_for(store, report_id: int) -> list[dict]:
    """The audit's findings on one report (the report's own first, by severity)."""
    if hasattr(store, "findings"):
        return store.findings(report_id)
    return store.problems(report_id)


def facts_for(store, report_id: int) -> list[dict]:
    """The figures one report's narrative states (the ``facts`` table ingest fills), in reading order."""
    return store.facts_for(report_id)


# --------------------------------------------------------------------------- rankings and totals


def ranked(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None,
           fewest: bool = False, limit: int = 10) -> list[dict]:
    """The reports of ``year`` with the largest (``fewest``: smallest) figure under one of ``keys``
    (the same figure's key in either template version): report, agency, key, value, status."""
    rows: list[dict] = []
    order = "asc" if fewest else "desc"
    for key in dict.fromkeys(keys):
        sql, args = ("select f.key, f.value, f.status, f.report_id, f.agency_id from figures f "
                     "where f.key = ? and f.year = ?", [key, year])
        sql, args = _with_agencies(sql, args, agency_ids, "f.agency_id")
        rows += store.db.query(sql + f" order by f.value {order}, f.report_id limit ?", args + [limit])
    seen, out = set(), []
    for r in sorted(rows, key=lambda r: (r["value"] if fewest else -r["value"], r["report_id"])):
        if r["report_id"] not in seen:
            seen.add(r["report_id"])
            out.append(r)
    out = out[:limit]
    reports = reports_by_id(store, [r["report_id"] for r in out])
    for r in out:
        r["report"] = reports[r["report_id"]]
    return out


def total(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None) -> dict:
    """The sum of one figure over the reports of ``year``: ``{"value", "with", "inferred"}`` (how many
    reports hold the figure, how many of those were inferred)."""
    value, with_, inferred = 0.0, 0, 0
    for key in dict.fromkeys(keys):
        sql, args = ("select coalesce(sum(f.value), 0) as v, count(*) as n, sum(f.status = 'inferred') as i "
                     "from figures f where f.key = ? and f.year = ?", [key, year])
        sql, args = _with_agencies(sql, args, agency_ids, "f.agency_id")
        row = next(store.db.query(sql, args))
        value += row["v"] or 0
        with_ += row["n"] or 0
        inferred += row["i"] or 0
    return {"value": value, "with": with_, "inferred": inferred}


def total_parts(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None,
                limit: int = 50) -> list[dict]:
    """The largest parts of a total (for the reply's sources)."""
    return ranked(store, keys, year, agency_ids, limit=limit)
