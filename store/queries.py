"""The named queries the answering core asks of the store: ``bot/`` holds no SQL.

Every function takes a :class:`store.db.Store` first and returns plain dicts.

Rankings and totals over many reports read the cells themselves (``cell_values``) and the
template's derived sums and ratios (``derived_figures``, computed once when a report is stored):

* "the ten largest 收到申请 of 2023" reads the index of the headline figures that are not 0,
  ``(key, value)``, from the largest down, keeping the reports of 2023, until ten are found; the
  cells equal to 0 (common: most rows of most reports) are not in that index and are read per
  report of the year, only when the ranking reaches them (the derived figures' index holds their
  zeros: a ratio is rarely 0).  The headline figures (:func:`store.compact.headline_keys`: what a
  question naming a row means) have positive key ids; a ranking of another figure (one applicant
  column) reads that figure of every report of the year;
* "their total" and how many reports hold the figure (:func:`holding`): for a headline figure over
  every agency, one row of ``figure_counts`` (kept by triggers as cells are written: reports holding
  the figure, inferred, the sum of whole values; a total with fractions is added up report by
  report); otherwise, for every report of the year (or of the agencies asked about), that report's
  cell by primary key;
* a region's agencies are read through their reports, by (agency, year).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from store.compact import FIGURE_BELOW, STATUS_CODES, STATUS_NAMES
from store.template import DERIVED_RATIOS, DERIVED_SUMS, RESULT_COLUMNS, APPLICANT_COLUMNS

FIGURE_STATUSES = ("number", "inferred")
_MANY = 500  # above this many agency ids a filter runs through json_each, not a parameter list

# --------------------------------------------------------------------------- derived figures


def derived_rows(report_id: int, cells: Mapping[str, object], template: str | None, keys) -> list[tuple]:
    """Rows of ``derived_figures`` for one report: (report_id, key id, value, status code).
    ``cells``: key -> :class:`~store.records.CellRecord`; ``keys``: the key dictionary."""
    plain = {key: (c.value, c.status) for key, c in cells.items()}
    return [(report_id, keys.id(k), v, STATUS_CODES[s]) for k, v, s in derived_figures(plain, template or "2021")]


def is_derived(key: str) -> bool:
    return key in _derived_keys()


def _derived_keys() -> frozenset[str]:
    global _DERIVED_KEYS
    if _DERIVED_KEYS is None:
        keys = {d.key for d in DERIVED_RATIOS}
        for d in DERIVED_SUMS:
            columns = RESULT_COLUMNS if d.key.startswith("suit") else APPLICANT_COLUMNS
            keys.update(f"{d.key}.{c.key}" for c in columns)
        _DERIVED_KEYS = frozenset(keys)
    return _DERIVED_KEYS


_DERIVED_KEYS: frozenset[str] | None = None


def derived_figures(cells: Mapping[str, tuple], template: str) -> list[tuple[str, float, str]]:
    """The template's derived sums (per column) and ratios of one report: (key, value, status).
    A figure is derived only when every part holds a figure; a ratio not when its denominator is 0."""
    sums, ratios = _derived_plan(template)
    out = []
    for key, part_keys in sums:
        parts = [cells.get(k) for k in part_keys]
        if all(p is not None and p[1] in FIGURE_STATUSES and p[0] is not None for p in parts):
            status = "inferred" if any(p[1] == "inferred" for p in parts) else "number"
            out.append((key, float(sum(p[0] for p in parts)), status))
    for key, part_keys in ratios:
        parts = [cells.get(k) for k in part_keys]
        if all(p is not None and p[1] in FIGURE_STATUSES and p[0] is not None for p in parts) and parts[-1][0]:
            value = round(sum(p[0] for p in parts[:-1]) / parts[-1][0] * 100, 1)
            status = "inferred" if any(p[1] == "inferred" for p in parts) else "number"
            out.append((key, value, status))
    return out


_PLANS: dict[str, tuple] = {}


def _derived_plan(template: str) -> tuple[tuple, tuple]:
    """(sums, ratios) of one template version: (key, the keys of its parts)."""
    plan = _PLANS.get(template)
    if plan is None:
        sums = []
        for d in DERIVED_SUMS:
            if template not in d.versions:
                continue
            columns = RESULT_COLUMNS if d.key.startswith("suit") else APPLICANT_COLUMNS
            sums += [(f"{d.key}.{col.key}", tuple(f"{p}.{col.key}" for p in d.parts)) for col in columns]
        plan = _PLANS[template] = (tuple(sums), tuple((d.key, tuple(d.parts)) for d in DERIVED_RATIOS))
    return plan


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
    """The cells of one report (only ``keys`` when given), by key; a template cell not stored is
    ``missing``."""
    return store.cells(report_id, keys)


def cells_for_reports(store, report_ids: Iterable[int], keys: Iterable[str]) -> dict[int, dict[str, dict]]:
    """The cells ``keys`` of several reports at once: report id -> key -> cell (``missing`` for a
    template cell not stored)."""
    from store.compact import with_missing

    ids, keys = sorted(set(report_ids)), sorted(set(keys))
    out: dict[int, dict[str, dict]] = {i: {} for i in ids}
    if not ids or not keys:
        return out
    templates = {r["id"]: r["template"] for r in store.db.query(
        f"select id, template from reports where id in ({','.join('?' * len(ids))})", ids)}
    for r in store.db.query(f"select * from cells where report_id in ({','.join('?' * len(ids))}) "
                            f"and key in ({','.join('?' * len(keys))})", [*ids, *keys]):
        out[r["report_id"]][r["key"]] = r
    return {i: with_missing(i, out[i], templates[i], keys) if i in templates else {} for i in ids}


def table_read(store, report_id: int, key: str) -> bool:
    """Whether any cell of the table ``key`` belongs to holds a figure or a printed mark in this report
    (a table whose every cell is blank was not read, it was not left empty)."""
    from store.template import table_of

    table = table_of(key).id
    heads = ("review.%", "suit.%") if table == "review" else (f"{table}.%",)
    sql = ("select 1 from cell_values c join cell_keys k on k.id = c.key_id where c.report_id = ? and ("
           + " or ".join("k.key like ?" for _ in heads) + f") and c.status in ({STATUS_CODES['number']}, "
           f"{STATUS_CODES['inferred']}, {STATUS_CODES['na']}) limit 1")
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


def _source(store, key: str) -> tuple[str, int] | None:
    """The table holding figure ``key`` and its key id (None: no report holds it)."""
    key_id = store.keys.find(key)
    if key_id is None:
        return None
    return ("derived_figures" if is_derived(key) else "cell_values"), key_id


_HOLDS = f"c.status < {FIGURE_BELOW} and c.value is not null"


def _by_report(table: str, year: int, agency_ids, extra: str = "") -> tuple[str, list]:
    """FROM and WHERE reading one figure of every report of ``year`` (of ``agency_ids``) by primary key."""
    sql = (f"from reports r cross join {table} c where c.report_id = r.id and c.key_id = ? and r.year = ? "
           f"and {_HOLDS}{extra}")
    return _with_agencies(sql, [], agency_ids, "r.agency_id")


def ranked(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None,
           fewest: bool = False, limit: int = 10) -> list[dict]:
    """The reports of ``year`` with the largest (``fewest``: smallest) figure under one of ``keys``
    (the same figure's key in either template version): report, agency, key, value, status."""
    rows: list[dict] = []
    if agency_ids is not None:
        agency_ids = sorted(set(agency_ids))
    for key in dict.fromkeys(keys):
        source = _source(store, key)
        if source is not None:
            rows += _ranked_one(store, key, *source, year, agency_ids, fewest, limit)
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


def _ranked_one(store, key: str, table: str, key_id: int, year: int, agency_ids, fewest: bool,
                limit: int) -> list[dict]:
    cols = "c.value, c.status, c.report_id, r.agency_id"
    order = "asc" if fewest else "desc"
    if agency_ids is not None or key_id < 0:  # a region, or a figure not in the ranking index: every report
        where, args = _by_report(table, year, agency_ids)  # of the year (of the region), each by primary key
        found = store.db.conn.execute(f"select {cols} {where} order by c.value {order}, c.report_id limit ?",
                                      [key_id, year, *args, limit]).fetchall()
    else:  # every agency, a headline figure: those not 0 from the index, the zeros where the ranking reaches them
        found = []
        zeros = store.db.conn.execute("select zeros from figure_counts where key_id = ? and year = ?",
                                      [key_id, year]).fetchone()
        for part in (("< 0", None, "> 0") if fewest else ("> 0", None, "< 0")):
            need = limit - len(found)
            if need <= 0:
                break
            if part is None:
                if not zeros or not zeros[0]:
                    continue
                if table == "derived_figures":  # its index holds the zeros too
                    sql = (f"select {cols} from {table} c cross join reports r where c.key_id = ? and c.value = 0 "
                           f"and c.status < {FIGURE_BELOW} and c.key_id > 0 and r.id = c.report_id and r.year = ? "
                           "order by c.report_id")
                else:
                    sql, _ = _by_report(table, year, None, " and c.value = 0")
                    sql = f"select {cols} {sql} order by r.id"
                sql, args = sql + " limit ?", [key_id, year, min(need, zeros[0])]
            else:
                sql = (f"select {cols} from {table} c cross join reports r where c.key_id = ? and c.value {part} "
                       f"and c.status < {FIGURE_BELOW} and c.value <> 0 and c.key_id > 0 and r.id = c.report_id "
                       f"and r.year = ? order by c.value {order}, c.report_id limit ?")
                args = [key_id, year, need]
            found += store.db.conn.execute(sql, args).fetchall()
    return [{"key": key, "value": v, "status": STATUS_NAMES[s], "report_id": rid, "agency_id": aid}
            for v, s, rid, aid in found]


def total(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None) -> dict:
    """The sum of one figure over the reports of ``year``: ``{"value", "with", "inferred"}`` (how many
    reports hold the figure, how many of those were inferred)."""
    value, with_, inferred = 0.0, 0, 0
    if agency_ids is not None:
        agency_ids = sorted(set(agency_ids))
    for key in dict.fromkeys(keys):
        source = _source(store, key)
        if source is None:
            continue
        table, key_id = source
        counted = None
        if agency_ids is None and key_id > 0:  # a headline figure over every agency: its counts
            counted = store.db.conn.execute("select whole, n, inferred from figure_counts where key_id = ? "
                                            "and year = ? and fractions = 0", [key_id, year]).fetchone()
            if counted is None and not store.db.conn.execute(
                    "select 1 from figure_counts where key_id = ? and year = ?", [key_id, year]).fetchone():
                counted = (0, 0, 0)  # no report of the year holds it
        if counted is None:  # a region, another figure, or fractions: every report of the year, one by one
            where, args = _by_report(table, year, agency_ids)
            counted = store.db.conn.execute(
                f"select coalesce(sum(c.value), 0), count(*), sum(c.status = {STATUS_CODES['inferred']}) {where}",
                [key_id, year, *args]).fetchone()
        v, n, i = counted
        value += v or 0
        with_ += n or 0
        inferred += i or 0
    return {"value": value, "with": with_, "inferred": inferred}


def holding(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None) -> int:
    """How many reports of ``year`` hold the figure (``total(...)["with"]`` without adding it up): for
    a headline figure over every agency one row of ``figure_counts``, fractions or not."""
    n = 0
    if agency_ids is not None:
        agency_ids = sorted(set(agency_ids))
    for key in dict.fromkeys(keys):
        source = _source(store, key)
        if source is None:
            continue
        table, key_id = source
        if agency_ids is None and key_id > 0:
            got = store.db.conn.execute("select n from figure_counts where key_id = ? and year = ?",
                                        [key_id, year]).fetchone()
        else:
            where, args = _by_report(table, year, agency_ids)
            got = store.db.conn.execute(f"select count(*) {where}", [key_id, year, *args]).fetchone()
        n += got[0] if got else 0
    return n


def total_parts(store, keys: Iterable[str], year: int, agency_ids: Iterable[int] | None = None,
                limit: int = 50) -> list[dict]:
    """The largest parts of a total (for the reply's sources)."""
    return ranked(store, keys, year, agency_ids, limit=limit)
