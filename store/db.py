"""The SQLite store (through sqlite-utils): schema, saving a parsed report, reading back.

Tables:

* ``agencies`` – one row per agency: full name as printed, short name, district, city, province;
* ``reports`` – one row per (agency, year): template, title, date, file, sha256, format, pages;
* ``cells`` – every template cell of a report under its stable key: value, what was printed,
  status (number / blank / na / inferred / uncertain / missing), page or line, the row as printed;
* ``passages`` – every narrative paragraph with its section path, indexed by FTS5 (trigram);
* ``problems`` – consistency problems (勾稽关系) and reading problems, per report;
* ``ingest_runs`` and ``ingest_files`` – what each ingest did with each file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from store import queries
from store.checks import Equality
from store.records import ParsedReport, Problem

SCHEMA_VERSION = 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _core(name: str) -> str:
    for word in ("办事处", "人民政府"):
        name = name.replace(word, "")
    return name


def same_agency(known: dict, meta) -> bool:
    """Whether a stored agency and a report's metadata with the same short name are one agency.

    Regions must not conflict; and either they agree on at least one level, or one full name
    contains the other (后湖街道 in one year's title, 江岸区人民政府后湖街道办事处 in another's).
    Two 西街道 with nothing to tell them apart stay two agencies.
    """
    pairs = ((known["district"], meta.district), (known["city"], meta.city), (known["province"], meta.province))
    if any(a and b and a != b for a, b in pairs):
        return False
    if any(a and b and a == b for a, b in pairs):
        return True
    a, b = _core(known["name"] or ""), _core(meta.agency or "")
    return bool(a and b and (a in b or b in a))


class Store:
    """A report database.  ``Store(":memory:")`` works for tests."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.ensure_schema()

    # ------------------------------------------------------------------ schema
    def ensure_schema(self) -> None:
        db = self.db
        if "agencies" not in db.table_names():
            db["agencies"].create({"id": int, "name": str, "short_name": str, "district": str, "city": str,
                                   "province": str}, pk="id", not_null={"name"})
            db["agencies"].create_index(["name"], unique=True)
            db["agencies"].create_index(["short_name"])
        if "reports" not in db.table_names():
            db["reports"].create({
                "id": int, "agency_id": int, "year": int, "template": str, "title": str, "report_date": str,
                "file": str, "sha256": str, "format": str, "pages": int, "source_url": str,
                "ingested_at": str, "run_id": int,
            }, pk="id", foreign_keys=[("agency_id", "agencies", "id")])
            db["reports"].create_index(["agency_id", "year"], unique=True)
            db["reports"].create_index(["sha256"])
            db["reports"].create_index(["ingested_at"])
        if "cells" not in db.table_names():
            db["cells"].create({"report_id": int, "key": str, "value": float, "raw": str, "status": str,
                                "page": int, "line": int, "row_text": str},
                               pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")])
            db["cells"].create_index(["key", "report_id"])
        if "passages" not in db.table_names():
            db["passages"].create({"id": int, "report_id": int, "seq": int, "section": str, "text": str,
                                   "page": int, "line": int}, pk="id",
                                  foreign_keys=[("report_id", "reports", "id")])
            db["passages"].create_index(["report_id", "seq"])
            db["passages"].enable_fts(["text", "section"], tokenize="trigram", create_triggers=True)
        if "problems" not in db.table_names():
            db["problems"].create({"id": int, "report_id": int, "rule": str, "message": str, "keys": str,
                                   "severity": str}, pk="id", foreign_keys=[("report_id", "reports", "id")])
            db["problems"].create_index(["report_id"])
        if "ingest_runs" not in db.table_names():
            db["ingest_runs"].create({"id": int, "started_at": str, "finished_at": str, "added": int,
                                      "replaced": int, "unchanged": int, "skipped": int}, pk="id")
        if "ingest_files" not in db.table_names():
            db["ingest_files"].create({"id": int, "run_id": int, "path": str, "outcome": str, "message": str,
                                       "report_id": int, "at": str}, pk="id")
            db["ingest_files"].create_index(["run_id"])
        queries.ensure_schema(db)  # the figures that rankings and totals read
        db.execute("PRAGMA user_version = %d" % SCHEMA_VERSION)

    # ------------------------------------------------------------------ writing
    def find_by_sha(self, sha256: str) -> dict | None:
        rows = list(self.db.query("select * from reports where sha256 = ?", [sha256]))
        return rows[0] if rows else None

    def agency_id(self, meta) -> int:
        """The agency a report belongs to: same full name, or same short name in a compatible region."""
        db = self.db
        row = next(db.query("select * from agencies where name = ?", [meta.agency]), None)
        if row is None and meta.short_name:
            for cand in db.query("select * from agencies where short_name = ?", [meta.short_name]):
                if same_agency(cand, meta):
                    row = cand
                    break
        fields = {"short_name": meta.short_name, "district": meta.district, "city": meta.city,
                  "province": meta.province}
        if row is None:
            return db["agencies"].insert({"name": meta.agency, **fields}).last_pk
        updates = {k: v for k, v in fields.items() if v and not row.get(k)}
        if len(meta.agency or "") > len(row["name"]) and not next(
                db.query("select 1 from agencies where name = ?", [meta.agency]), None):
            updates["name"] = meta.agency  # the fuller name as printed
        if updates:
            db["agencies"].update(row["id"], updates)
        return row["id"]

    def save(self, report: ParsedReport, file: str, sha256: str, run_id: int | None = None) -> tuple[str, int]:
        """Store a parsed report in one transaction.  Returns (outcome, report id).

        outcome: ``added``; ``replaced`` (a changed file for the same agency and year);
        ``unchanged`` (the same file again: nothing is written).
        """
        same = self.find_by_sha(sha256)
        if same and not self._metadata_differs(same["id"], report.meta):
            return "unchanged", same["id"]
        meta = report.meta
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if same:  # the same file, now with other metadata (a corrected manifest): it moves
                self._delete_report(same["id"])
                self._cross_year(same["agency_id"])
            agency_id = self.agency_id(meta)
            old = next(self.db.query("select id from reports where agency_id = ? and year = ?",
                                     [agency_id, meta.year]), None)
            outcome = "added"
            if old:
                self._delete_report(old["id"])
                outcome = "replaced"
            report_id = self.db["reports"].insert({
                "agency_id": agency_id, "year": meta.year, "template": meta.template, "title": meta.title,
                "report_date": meta.report_date, "file": file, "sha256": sha256, "format": report.format,
                "pages": report.pages, "source_url": meta.source_url, "ingested_at": now(), "run_id": run_id,
            }).last_pk
            conn.executemany(
                "insert into cells (report_id, key, value, raw, status, page, line, row_text) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                ((report_id, c.key, c.value, c.raw, c.status, c.page, c.line, c.row_text)
                 for c in report.cells.values()))
            conn.executemany(
                "insert into passages (report_id, seq, section, text, page, line) values (?, ?, ?, ?, ?, ?)",
                ((report_id, p.seq, p.section, p.text, p.page, p.line) for p in report.passages))
            queries.index_report(conn, report_id, agency_id, meta.year, meta.template, report.cells)
            self._insert_problems(report_id, report.problems)
            self._cross_year(agency_id)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return outcome, report_id

    def _metadata_differs(self, report_id: int, meta) -> bool:
        rep = self.report(report_id) or {}
        if rep.get("year") != meta.year or (meta.agency and rep.get("agency") != meta.agency
                                            and rep.get("short_name") != meta.short_name):
            return True
        return any(getattr(meta, k) and getattr(meta, k) != rep.get(k)
                   for k in ("district", "city", "province", "source_url"))

    def _insert_problems(self, report_id: int, problems: list[Problem]) -> None:
        self.db.conn.executemany(
            "insert into problems (report_id, rule, message, keys, severity) values (?, ?, ?, ?, ?)",
            ((report_id, p.rule, p.message, json.dumps(p.keys, ensure_ascii=False), p.severity) for p in problems))

    def _delete_report(self, report_id: int) -> None:
        for table in ("cells", "passages", "problems"):
            self.db.execute(f"delete from {table} where report_id = ?", [report_id])
        queries.forget_report(self.db, report_id)
        self.db.execute("delete from reports where id = ?", [report_id])

    def _cross_year(self, agency_id: int) -> None:
        """Re-run the checks that compare consecutive years of one agency."""
        from store.checks import cross_year_problems

        reports = list(self.db.query("select id, year from reports where agency_id = ? order by year",
                                     [agency_id]))
        ids = [r["id"] for r in reports]
        if ids:
            self.db.execute(f"delete from problems where rule like 'cross_year%' and report_id in "
                            f"({','.join('?' * len(ids))})", ids)
        for prev, cur in zip(reports, reports[1:]):
            if cur["year"] != prev["year"] + 1:
                continue
            problems = cross_year_problems(self.values(prev["id"]), self.values(cur["id"]), prev["year"])
            self._insert_problems(cur["id"], problems)

    # ------------------------------------------------------------------ reading
    def values(self, report_id: int) -> dict[str, float | None]:
        """key -> value of the cells that hold a figure (printed or inferred)."""
        return {r["key"]: r["value"] for r in self.db.query(
            "select key, value from cells where report_id = ? and status in ('number', 'inferred')", [report_id])}

    def cells(self, report_id: int) -> dict[str, dict]:
        return {r["key"]: r for r in self.db.query("select * from cells where report_id = ?", [report_id])}

    def cell(self, report_id: int, key: str) -> dict | None:
        return next(self.db.query("select * from cells where report_id = ? and key = ?", [report_id, key]), None)

    def problems(self, report_id: int | None = None) -> list[dict]:
        sql = ("select p.*, r.year, a.name as agency from problems p join reports r on r.id = p.report_id "
               "join agencies a on a.id = r.agency_id")
        args: list = []
        if report_id is not None:
            sql += " where p.report_id = ?"
            args.append(report_id)
        out = []
        for r in self.db.query(sql + " order by a.name, r.year, p.id", args):
            r["keys"] = json.loads(r["keys"] or "[]")
            out.append(r)
        return out

    def reports(self) -> list[dict]:
        return list(self.db.query(
            "select r.*, a.name as agency, a.short_name, a.district, a.city, a.province, "
            "(select count(*) from problems p where p.report_id = r.id) as problem_count "
            "from reports r join agencies a on a.id = r.agency_id order by a.name, r.year"))

    def agencies(self) -> list[dict]:
        return list(self.db.query(
            "select a.*, group_concat(r.year) as years from agencies a left join reports r on r.agency_id = a.id "
            "group by a.id order by a.name"))

    def report(self, report_id: int) -> dict | None:
        return next(self.db.query(
            "select r.*, a.name as agency, a.short_name, a.district, a.city, a.province "
            "from reports r join agencies a on a.id = r.agency_id where r.id = ?", [report_id]), None)

    def report_for(self, agency_id: int, year: int) -> dict | None:
        row = next(self.db.query("select id from reports where agency_id = ? and year = ?", [agency_id, year]), None)
        return self.report(row["id"]) if row else None

    def passages(self, report_id: int) -> list[dict]:
        return list(self.db.query("select * from passages where report_id = ? order by seq", [report_id]))

    def search_passages(self, text: str, report_id: int | None = None, limit: int = 20) -> list[dict]:
        """Full-text search (FTS5 trigram: any 3+ character substring)."""
        q = '"' + text.replace('"', '""') + '"'
        sql = ("select p.* from passages_fts f join passages p on p.rowid = f.rowid "
               "where passages_fts match ?")
        args: list = [q]
        if report_id is not None:
            sql += " and p.report_id = ?"
            args.append(report_id)
        sql += " order by p.report_id, p.seq limit ?"
        args.append(limit)
        if len(text) < 3:  # trigram needs three characters
            sql = "select * from passages where text like ?" + (" and report_id = ?" if report_id else "")
            args = ["%" + text + "%"] + ([report_id] if report_id else [])
            sql += " order by report_id, seq limit %d" % limit
        return list(self.db.query(sql, args))

    def stats(self) -> dict:
        q = lambda sql: next(self.db.query(sql))["n"]  # noqa: E731
        return {
            "reports": q("select count(*) as n from reports"),
            "agencies": q("select count(*) as n from agencies"),
            "years": [r["year"] for r in self.db.query("select distinct year from reports order by year")],
            "problems": q("select count(*) as n from problems"),
            "cells": q("select count(*) as n from cells"),
            "passages": q("select count(*) as n from passages"),
        }

    # ------------------------------------------------------------------ ingest runs
    def start_run(self) -> int:
        return self.db["ingest_runs"].insert({"started_at": now(), "added": 0, "replaced": 0, "unchanged": 0,
                                              "skipped": 0}).last_pk

    def log_file(self, run_id: int, path: str, outcome: str, message: str = "", report_id: int | None = None):
        self.db["ingest_files"].insert({"run_id": run_id, "path": path, "outcome": outcome, "message": message,
                                        "report_id": report_id, "at": now()})

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        self.db["ingest_runs"].update(run_id, {"finished_at": now(), **counts})

    def close(self) -> None:
        self.db.conn.close()


__all__ = ["Store", "Equality"]
