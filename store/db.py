"""The SQLite store (through sqlite-utils): opening, schema, saving a parsed report, reading back.

Tables (how each is encoded, and why: :mod:`store.compact`; created by :mod:`store.migrations`, the
compact form by step ``m008_compact_store``, which converts an older database in place):

* ``agencies`` – one row per agency: full name as printed, short name, district, city, province;
* ``reports`` – one row per (agency, year): template, title, date, file, sha256, format, pages, source
  URL.  A report's year is never changed in place (a trigger refuses it: ``figure_counts`` is per year);
  a report with another year is stored again;
* ``cell_values`` – the table cells, ``(report_id, key_id)`` the primary key: value, status code
  (:data:`store.compact.STATUS_CODES`: 0 number, 1 inferred, 2 na, 3 blank, 4 uncertain, 5 missing),
  ``raw`` (what was printed, ``NULL`` when it is the value's own spelling, ``''`` when nothing was
  printed), ``row`` (the printed row it was read from) and ``dline`` (its line minus the row's first
  line).  **A template cell of the report's version that is not stored is** ``missing``: readers add
  those back (:func:`store.compact.with_missing`), so :meth:`Store.cells` returns every template cell;
* ``cell_keys`` – the dictionary of cell keys (``apply.new.total`` …): ids handed out once, never
  changed; the headline figures (what a question naming a row means) are 1, 2, 3 …, the other keys
  -1, -2 … (seeded from the template of both versions by :func:`store.compact.seed_keys`; a key the
  template does not have gets the next free id when first stored).  Only positive ids are in the
  ranking indexes and in ``figure_counts``;
* ``printed_rows`` – each table row as printed, once per row, ``(report_id, row)`` the primary key: its
  label as a ``texts`` id (the same label is printed in thousands of reports), the rest of the row as
  printed, its first line and page;
* ``texts`` – the dictionary of shared texts: row labels, passage sections, the rule, severity, scope
  and message skeleton of findings.  Texts and keys are only ever added, so any process may cache them
  (:class:`store.compact.Dictionary`);
* the view ``cells`` – the wide form the code before the compact store had (report_id, key, value,
  raw, status, page, line, row_text), joined from the four tables above; updating or deleting through
  it writes ``cell_values`` (triggers).  ``select * from cells where report_id = ?`` reads one report's
  stored cells as a person would (without the absent ``missing`` ones);
* ``derived_figures`` – the template's derived sums and ratios of each report (``apply.denied.total``,
  ``derived.open_rate`` …), computed once at save: key id, value, status code;
* ``figure_counts`` – per headline key id and year: reports holding the figure, how many inferred, the
  sum of its whole values, how many are fractions, how many 0 — kept by triggers on ``cell_values`` and
  ``derived_figures``; totals over every agency read one row of it (:mod:`store.queries`);
* ``passages`` – every narrative paragraph: its section (a ``texts`` id), text, page, line.  Its id is
  ``report_id × 2**20 + seq`` (:func:`store.compact.passage_id`), so a report's passages are one
  range of ids, read, searched (``LIKE``) and deleted without another index;
* ``facts`` – every figure the narrative states (:class:`~store.records.Fact`): subject, value, unit,
  approximation …; its sentence as a place (start, length) in its passage when found there, else
  copied; read back, sentence and subject cut out again, by :meth:`Store.facts_for`;
* ``problems`` – the audit's findings per report (``store.audit``): rule, severity (error / warning /
  note), scope (``report``: the agency's; ``extraction``: our reading) and section as ``texts`` ids;
  the message as a skeleton (a ``texts`` id) and its figures apart; the cell keys as key ids; the
  evidence as the number of the printed row it quotes (else as printed), page or line;
* ``coverage`` – per report and standard table: template rows matched of rows expected, cut or not;
* ``ingest_runs`` and ``ingest_files`` – what each ingest did with each file (and which process
  ran it, so a run left unfinished by a kill is closed by the next ingest);
* ``questions`` – the question log of the bot and the command line (text, status, kind,
  channel, time; never who asked);
* ``tg_*`` – the Telegram bot's own tables (:mod:`store.chats`).

A report is written only through :meth:`Store.save` and removed only with all its rows
(``_delete_report``); SQL outside ``store/`` reads through the methods here and :mod:`store.queries`.

**Opening** (:class:`Store`): every connection is in WAL mode with a busy timeout, so readers
go on while an ingest writes and a writer waits for the lock instead of failing.  Opening
writes nothing unless the schema must change.  A new database file is created 0600 (SQLite
gives its -wal and -shm files the same mode) in a folder created 0700.

**The schema** is a list of migration steps in :mod:`store.migrations` (sqlite-utils'
``Migrations``).  To add a table or a column, append one small step there (see its docstring);
never edit a shipped step.  Opening runs the steps a database has not run, once, under the
write lock.

**Writes** hold the write lock briefly: a report is saved in one ``BEGIN IMMEDIATE``
transaction (per file), each table's rows by one ``executemany`` of a statement prepared once
(sqlite3's statement cache); log rows are single autocommit statements.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from store import compact, queries
from store.checks import Equality
from store.records import Fact, ParsedReport, Problem
from store.template.audit_rules import RULES

BUSY_TIMEOUT = 30.0  # seconds a writer waits for the write lock before "database is locked"
QUESTIONS_KEPT = 100_000  # rows of the question log kept
UNANSWERED = ("not_found", "unsupported")


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape '\\'``: its % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (its folder 0700 when it must be created), unless it exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def connect(path: str, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """A connection as every part of the project opens one: autocommit (transactions are
    explicit), WAL, a busy timeout, foreign keys on.  Writes nothing to an existing WAL database."""
    if path != ":memory:":
        create_private_file(Path(path))
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=busy_timeout)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if path != ":memory:":
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")  # once per database: it stays WAL
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _core(name: str) -> str:
    from store.parse.script import to_simplified  # a traditional mirror and the original are one agency

    name = to_simplified(name)
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

    def __init__(self, path: str | Path = ":memory:", busy_timeout: float = BUSY_TIMEOUT):
        self.path = str(path)
        self._busy = busy_timeout
        self.db = sqlite_utils.Database(connect(self.path, busy_timeout))
        self.ensure_schema()
        self.keys = compact.Dictionary(self.db.conn, "cell_keys", "key")  # cell key <-> id
        self.texts = compact.Dictionary(self.db.conn, "texts", "text")  # shared texts (labels, sections)

    # ------------------------------------------------------------------ schema
    def ensure_schema(self) -> list[str]:
        """Run the migration steps this database has not run (nothing is written when none)."""
        from store.migrations import migrate

        return migrate(self.db)

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
            return db.conn.execute(
                "insert into agencies (name, short_name, district, city, province) values (?, ?, ?, ?, ?)",
                [meta.agency, meta.short_name, meta.district, meta.city, meta.province]).lastrowid
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
                self._cross_year(same["agency_id"], same["year"])
            agency_id = self.agency_id(meta)
            old = next(self.db.query("select id from reports where agency_id = ? and year = ?",
                                     [agency_id, meta.year]), None)
            outcome = "added"
            if old:
                self._delete_report(old["id"])
                outcome = "replaced"
            report_id = conn.execute(
                "insert into reports (agency_id, year, template, title, report_date, file, sha256, format, pages, "
                "source_url, ingested_at, run_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [agency_id, meta.year, meta.template, meta.title, meta.report_date, file, sha256, report.format,
                 report.pages, meta.source_url, now(), run_id]).lastrowid
            self._insert_report_rows(report_id, report)
            self._cross_year(agency_id, meta.year)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            self.keys.forget()  # ids handed out in the transaction were never written
            self.texts.forget()
            raise
        return outcome, report_id

    def _insert_report_rows(self, report_id: int, report: ParsedReport) -> None:
        """Every row of one report but its ``reports`` row (inside the caller's transaction)."""
        conn = self.db.conn
        values, printed, rows = compact.cell_rows(report_id, report.cells.values(), report.meta.template,
                                                  self.keys, self.texts)
        conn.executemany(_INSERT["printed_rows"], printed)
        conn.executemany(_INSERT["cell_values"], values)
        conn.executemany(_INSERT["derived_figures"], queries.derived_rows(
            report_id, report.cells, report.meta.template, self.keys))
        texts = self.texts
        conn.executemany(_INSERT["passages"], [
            (compact.passage_id(report_id, p.seq), report_id, p.seq, None if p.section is None else texts.id(p.section),
             p.text, p.page, p.line) for p in report.passages])
        self._insert_problems(report_id, report.problems, rows)
        self._insert_coverage(report_id, report)
        self._insert_facts(report_id, report.facts, {p.seq: p for p in report.passages})

    def _metadata_differs(self, report_id: int, meta) -> bool:
        rep = self.report(report_id) or {}
        if rep.get("year") != meta.year or (meta.agency and rep.get("agency") != meta.agency
                                            and rep.get("short_name") != meta.short_name):
            return True
        return any(getattr(meta, k) and getattr(meta, k) != rep.get(k)
                   for k in ("district", "city", "province", "source_url"))

    # ------------------------------------------------------------------ findings (the audit)
    def _insert_problems(self, report_id: int, problems: list[Problem], rows: dict[str, int] | None = None) -> None:
        """Store findings; ``rows``: the report's printed rows, text -> row number (read when not given)."""
        if not problems:
            return
        if rows is None:
            rows = self.printed_rows(report_id)
        self.db.conn.executemany(_INSERT["problems"], [
            compact.problem_row(report_id, p, self.keys, self.texts, rows) for p in problems])

    def printed_rows(self, report_id: int) -> dict[str, int]:
        """A report's rows as printed: text -> row number."""
        return {text: row for row, text in self.db.conn.execute(
            "select r.row, coalesce(t.text, '') || r.text from printed_rows r left join texts t on t.id = r.label_id "
            "where r.report_id = ? and r.text is not null order by r.row desc", [report_id])}

    def findings(self, report_id: int | None = None, scope: str | None = None) -> list[dict]:
        """The audit's findings (rows of ``problems`` with evidence), the report's own first, by severity."""
        from store.template.audit_rules import SEVERITY_ORDER

        rows = self.problems(report_id)
        if scope:
            rows = [r for r in rows if (r.get("scope") or "report") == scope]
        return sorted(rows, key=lambda r: (r["agency"], r["year"], (r.get("scope") or "report") != "report",
                                           SEVERITY_ORDER.get(r["severity"], 3), r["id"]))

    def finding_counts(self) -> list[dict]:
        """Findings per report, rule, severity and scope (an assessor's overview starts from this)."""
        return list(self.db.query(
            "select a.name as agency, r.year, rule.text as rule, sev.text as severity, "
            "coalesce(scope.text, 'report') as scope, count(*) as n from problems p "
            "join reports r on r.id = p.report_id join agencies a on a.id = r.agency_id "
            "left join texts rule on rule.id = p.rule_id left join texts sev on sev.id = p.severity_id "
            "left join texts scope on scope.id = p.scope_id "
            "group by a.name, r.year, rule.text, sev.text, coalesce(scope.text, 'report') "
            "order by a.name, r.year, rule.text"))

    def _insert_coverage(self, report_id: int, report: ParsedReport) -> None:
        self.db.conn.executemany(
            "insert into coverage (report_id, table_id, expected, matched, cut) values (?, ?, ?, ?, ?)",
            ((report_id, c.table, c.expected, c.matched, int(c.cut)) for c in report.coverage))

    def _delete_report(self, report_id: int) -> None:
        for table in ("cell_values", "printed_rows", "derived_figures", "problems", "coverage", "facts"):
            self.db.conn.execute(f"delete from {table} where report_id = ?", [report_id])
        self.db.conn.execute("delete from passages where id between ? and ?", compact.passage_range(report_id))
        self.db.conn.execute("delete from reports where id = ?", [report_id])

    def _cross_year(self, agency_id: int, year: int | None) -> None:
        """Re-run the checks that compare consecutive years of one agency where the report of ``year``
        was added, replaced or removed: (year - 1, year) and (year, year + 1).  Their findings are kept
        on the later report of each pair."""
        from store.audit.crossyear import with_evidence
        from store.checks import cross_year_problems

        if year is None:
            return
        conn = self.db.conn
        by_year = {y: i for i, y in conn.execute(
            "select id, year from reports where agency_id = ? and year between ? and ?", [agency_id, year - 1, year + 1])}
        later = [by_year[y] for y in (year, year + 1) if y in by_year]
        rules = [i for r in CROSS_YEAR_RULES if (i := self.texts.find(r)) is not None]
        if later and rules:
            conn.execute(f"delete from problems where report_id in ({','.join('?' * len(later))}) "
                         f"and rule_id in ({','.join('?' * len(rules))})", later + rules)
        for y in (year, year + 1):
            if y in by_year and y - 1 in by_year:
                prev, cur = by_year[y - 1], by_year[y]
                problems = cross_year_problems(self.values(prev), self.values(cur), y - 1)
                self._insert_problems(cur, with_evidence(problems, self.cells(cur), self.cells(prev)))

    # ------------------------------------------------------------------ reading
    def values(self, report_id: int) -> dict[str, float | None]:
        """key -> value of the cells that hold a figure (printed or inferred)."""
        return {r[0]: r[1] for r in self.db.conn.execute(
            "select k.key, c.value from cell_values c join cell_keys k on k.id = c.key_id "
            f"where c.report_id = ? and c.status < {compact.FIGURE_BELOW}", [report_id])}

    def cells(self, report_id: int, keys=None) -> dict[str, dict]:
        """Every cell of a report by key, in template order: the stored ones, and ``missing`` for the
        template's cells not stored (only ``keys`` when given)."""
        rep = next(self.db.query("select template from reports where id = ?", [report_id]), None)
        if rep is None:
            return {}
        sql, args = "select * from cells where report_id = ?", [report_id]
        if keys is not None:
            keys = sorted(set(keys))
            if not keys:
                return {}
            sql += f" and key in ({','.join('?' * len(keys))})"
            args += keys
        stored = {r["key"]: r for r in self.db.query(sql, args)}
        return compact.with_missing(report_id, stored, rep["template"], keys)

    def coverage(self, report_id: int) -> dict[str, dict]:
        """table id -> {expected, matched, cut}: how much of each standard table was found."""
        return {r["table_id"]: r for r in self.db.query("select * from coverage where report_id = ?", [report_id])}

    def cell(self, report_id: int, key: str) -> dict | None:
        """One cell (``missing`` for a template cell not stored; None for a key the report's template
        does not have and that was not stored)."""
        return self.cells(report_id, [key]).get(key)

    def problems(self, report_id: int | None = None) -> list[dict]:
        sql, args = compact.PROBLEMS_SQL, []
        if report_id is not None:
            sql += " where p.report_id = ?"
            args.append(report_id)
        return [compact.read_problem(r, self.keys, self.texts)
                for r in self.db.query(sql + " order by a.name, r.year, p.id", args)]

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
        return list(self.db.query(_PASSAGES + " where p.id between ? and ? order by p.id",
                                  compact.passage_range(report_id)))

    def search_passages(self, text: str, report_id: int | None = None, limit: int = 20) -> list[dict]:
        """The passages that contain ``text`` (as printed; ``%`` and ``_`` match themselves), one report's
        or every report's, in report and reading order."""
        sql, args = _PASSAGES + " where p.text like ? escape '\\'", ["%" + escape_like(text) + "%"]
        if report_id is not None:
            sql += " and p.id between ? and ?"
            args += compact.passage_range(report_id)
        return list(self.db.query(sql + " order by p.id limit ?", args + [int(limit)]))

    def stats(self) -> dict:
        q = lambda sql: next(self.db.query(sql))["n"]  # noqa: E731
        return {
            "reports": q("select count(*) as n from reports"),
            "agencies": q("select count(*) as n from agencies"),
            "years": [r["year"] for r in self.db.query("select distinct year from reports order by year")],
            "problems": q("select count(*) as n from problems"),
            "cells": q("select count(*) as n from cell_values"),
            "passages": q("select count(*) as n from passages"),
        }

    # ------------------------------------------------------------------ narrative facts
    def _insert_facts(self, report_id: int, facts: list[Fact], passages: dict) -> None:
        self.db.conn.executemany(_INSERT["facts"], compact.fact_rows(report_id, facts, passages))

    def facts_for(self, report_id: int) -> list[dict]:
        """The figures one report's narrative states, in reading order."""
        out = []
        for r in self.db.query(compact.FACTS_SQL, [report_id]):
            v = r["value"]
            r["value"] = int(v) if isinstance(v, float) and v.is_integer() else v
            for flag in ("shared", "negated"):
                r[flag] = bool(r[flag])
            out.append(r)
        return out

    # ------------------------------------------------------------------ ingest runs
    def start_run(self) -> int:
        """A new ingest run, owned by this process.  Runs left unfinished by a process that is
        gone (killed mid-ingest) are closed first."""
        self.close_interrupted_runs()
        cur = self.db.conn.execute(
            "insert into ingest_runs (started_at, added, replaced, unchanged, skipped, pid, host, status) "
            "values (?, 0, 0, 0, 0, ?, ?, 'running')", [now(), os.getpid(), socket.gethostname()])
        return cur.lastrowid

    def close_interrupted_runs(self) -> int:
        """Mark ``interrupted`` the runs never finished whose process is gone (on this host; a run
        from another host, or from before runs recorded their process, is closed when it is
        older than a day).  Their counts are taken from the files they logged."""
        host = socket.gethostname()
        closed = 0
        rows = list(self.db.query("select id, pid, host, started_at from ingest_runs where finished_at is null"))
        for r in rows:
            if r["pid"] and r["host"] == host:
                if _alive(r["pid"]) and r["pid"] != os.getpid():
                    continue
            elif (r["started_at"] or "") > _days_ago(1):
                continue
            counts = {o: 0 for o in ("added", "replaced", "unchanged", "skipped")}
            for f in self.db.query("select outcome, count(*) as n from ingest_files where run_id = ? "
                                   "group by outcome", [r["id"]]):
                if f["outcome"] in counts:
                    counts[f["outcome"]] = f["n"]
            self.db.conn.execute(
                "update ingest_runs set finished_at = ?, status = 'interrupted', added = ?, replaced = ?, "
                "unchanged = ?, skipped = ? where id = ? and finished_at is null",
                [now(), counts["added"], counts["replaced"], counts["unchanged"], counts["skipped"], r["id"]])
            closed += 1
        return closed

    def log_file(self, run_id: int, path: str, outcome: str, message: str = "", report_id: int | None = None):
        self.db.conn.execute("insert into ingest_files (run_id, path, outcome, message, report_id, at) "
                             "values (?, ?, ?, ?, ?, ?)", [run_id, path, outcome, message, report_id, now()])

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        self.db.conn.execute(
            "update ingest_runs set finished_at = ?, status = 'finished', added = ?, replaced = ?, unchanged = ?, "
            "skipped = ? where id = ?", [now(), counts.get("added", 0), counts.get("replaced", 0),
                                         counts.get("unchanged", 0), counts.get("skipped", 0), run_id])

    def ingest_outcome(self, report_id: int) -> str | None:
        """How the latest ingest of a report went: ``added`` or ``replaced`` (a new version)."""
        row = next(self.db.query("select outcome from ingest_files where report_id = ? order by id desc limit 1",
                                 [report_id]), None)
        return row["outcome"] if row else None

    # ------------------------------------------------------------------ the question log
    def log_question(self, question: str, status: str, kind: str, channel: str = "cli", chat_type: str = "",
                     ms: int = 0, update_id: int | None = None, wait: float | None = None) -> int | None:
        """Log a question and how it was answered; returns the row id.  With ``update_id`` (a
        choice tapped after an ambiguous answer) that row gets the final status instead: one
        question, one row.  ``wait``: seconds to wait for the write lock (default: the
        connection's busy timeout)."""
        conn = self.db.conn
        if wait is not None:
            conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            if update_id is not None:
                cur = conn.execute("update questions set status = ?, kind = ? where id = ?", [status, kind, update_id])
                if cur.rowcount:
                    return update_id
            cur = conn.execute("insert into questions (at, question, status, kind, channel, chat_type, ms) "
                               "values (?, ?, ?, ?, ?, ?, ?)",
                               [now(), question[:1000], status, kind, channel, str(chat_type or ""), int(ms)])
            row_id = cur.lastrowid
            if row_id % 1000 == 0:  # keep the log bounded: the latest QUESTIONS_KEPT questions
                conn.execute("delete from questions where id <= ?", [row_id - QUESTIONS_KEPT])
            return row_id
        finally:
            if wait is not None:
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy * 1000)}")

    def question_counts(self) -> dict[str, int]:
        row = next(self.db.query(
            "select count(*) as asked, coalesce(sum(status in ('not_found', 'unsupported')), 0) as unanswered "
            "from questions"))
        return {"asked": row["asked"], "unanswered": row["unanswered"]}

    def unanswered(self, limit: int = 20) -> list[dict]:
        """The latest questions nobody got an answer to (an ambiguous question left without a
        tap is not among them: it was offered the choices)."""
        return list(self.db.query(
            "select at, question, status, kind, channel from questions where status in ('not_found', 'unsupported') "
            "order by id desc limit ?", [limit]))

    # ------------------------------------------------------------------ backup
    def backup(self, destination: str | Path) -> dict:
        return backup_database(self.path, destination)

    def close(self) -> None:
        self.db.conn.close()


_INSERT = {
    "printed_rows": "insert into printed_rows (report_id, row, label_id, text, line, page) values (?, ?, ?, ?, ?, ?)",
    "cell_values": "insert into cell_values (report_id, key_id, value, status, raw, row, dline) "
                   "values (?, ?, ?, ?, ?, ?, ?)",
    "derived_figures": "insert into derived_figures (report_id, key_id, value, status) values (?, ?, ?, ?)",
    "passages": "insert into passages (id, report_id, seq, section_id, text, page, line) values (?, ?, ?, ?, ?, ?, ?)",
    "problems": f"insert into problems ({', '.join(compact.PROBLEM_COLUMNS)}) "
                f"values ({', '.join('?' * len(compact.PROBLEM_COLUMNS))})",
    "facts": f"insert into facts ({', '.join(compact.FACT_TABLE_COLUMNS)}) "
             f"values ({', '.join('?' * len(compact.FACT_TABLE_COLUMNS))})",
}

#: The rules of the checks that compare consecutive years (their findings are redone when a year changes).
CROSS_YEAR_RULES = tuple(r.id for r in RULES if r.id.startswith("cross_year"))


_PASSAGES = ("select p.id, p.report_id, p.seq, t.text as section, p.text, p.page, p.line from passages p "
             "left join texts t on t.id = p.section_id")

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _days_ago(days: float) -> str:
    from datetime import timedelta

    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def backup_database(source: str | Path, destination: str | Path) -> dict:
    """Copy a SQLite database with SQLite's online backup API: safe while the bot is running
    (readers and the writer carry on; the copy is a consistent snapshot).  The copy is written
    0600 next to ``destination`` and renamed into place once complete and checked."""
    dest = Path(destination)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    create_private_file(tmp)
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out, pages=4096, sleep=0.01)
            check = out.execute("PRAGMA integrity_check").fetchone()[0]
            reports = out.execute("select count(*) from reports").fetchone()[0] \
                if out.execute("select 1 from sqlite_master where name = 'reports'").fetchone() else 0
        finally:
            out.close()
    finally:
        src.close()
    if check != "ok":
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"the copy failed its integrity check: {check}")
    os.replace(tmp, dest)
    return {"path": str(dest), "bytes": dest.stat().st_size, "reports": reports, "integrity": check}


__all__ = ["Store", "Equality"]
