"""The schema as a list of migration steps (sqlite-utils' built-in ``Migrations``).

Each step runs once per database, in the order written here, inside a transaction together
with the record that it ran (table ``_sqlite_migrations``).  Opening a database whose steps
have all run writes nothing: :func:`pending` only reads.

**Adding a table or a column** is one new step at the end of this file::

    @MIGRATIONS()
    def m004_facts(db):
        if "facts" not in db.table_names():
            db["facts"].create({"id": int, "report_id": int, ...}, pk="id",
                               foreign_keys=[("report_id", "reports", "id")])

    @MIGRATIONS()
    def m005_problem_evidence(db):
        _add_columns(db, "problems", {"evidence": str})

Never edit a step that has shipped (databases in use have already run it); write a new one.
Steps should be idempotent (check before creating), so a database created by an older
version of the code, before this table of steps existed, is brought up to date safely.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("disclosure-bot")


def _add_columns(db: Database, table: str, columns: dict[str, Any]) -> None:
    have = set(db[table].columns_dict)
    for name, kind in columns.items():
        if name not in have:
            db[table].add_column(name, kind)


@MIGRATIONS()
def m001_reports(db: Database) -> None:
    """The report tables (what ingest writes and answers read)."""
    names = set(db.table_names())
    if "agencies" not in names:
        db["agencies"].create({"id": int, "name": str, "short_name": str, "district": str, "city": str,
                               "province": str}, pk="id", not_null={"name"})
        db["agencies"].create_index(["name"], unique=True)
        db["agencies"].create_index(["short_name"])
    if "reports" not in names:
        db["reports"].create({
            "id": int, "agency_id": int, "year": int, "template": str, "title": str, "report_date": str,
            "file": str, "sha256": str, "format": str, "pages": int, "source_url": str,
            "ingested_at": str, "run_id": int,
        }, pk="id", foreign_keys=[("agency_id", "agencies", "id")])
        db["reports"].create_index(["agency_id", "year"], unique=True)
        db["reports"].create_index(["sha256"])
        db["reports"].create_index(["ingested_at"])
    if "cells" not in names:
        db["cells"].create({"report_id": int, "key": str, "value": float, "raw": str, "status": str,
                            "page": int, "line": int, "row_text": str},
                           pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")])
        db["cells"].create_index(["key", "report_id"])
    if "passages" not in names:
        db["passages"].create({"id": int, "report_id": int, "seq": int, "section": str, "text": str,
                               "page": int, "line": int}, pk="id",
                              foreign_keys=[("report_id", "reports", "id")])
        db["passages"].create_index(["report_id", "seq"])
        db["passages"].enable_fts(["text", "section"], tokenize="trigram", create_triggers=True)
    if "problems" not in names:
        db["problems"].create({"id": int, "report_id": int, "rule": str, "message": str, "keys": str,
                               "severity": str}, pk="id", foreign_keys=[("report_id", "reports", "id")])
        db["problems"].create_index(["report_id"])
    if "ingest_runs" not in names:
        db["ingest_runs"].create({"id": int, "started_at": str, "finished_at": str, "added": int,
                                  "replaced": int, "unchanged": int, "skipped": int}, pk="id")
    if "ingest_files" not in names:
        db["ingest_files"].create({"id": int, "run_id": int, "path": str, "outcome": str, "message": str,
                                   "report_id": int, "at": str}, pk="id")
        db["ingest_files"].create_index(["run_id"])


@MIGRATIONS()
def m002_ingest_run_owner(db: Database) -> None:
    """Which process runs an ingest (so a run left unfinished by a kill can be closed) and how
    it ended: ``finished``, or ``interrupted``."""
    _add_columns(db, "ingest_runs", {"pid": int, "host": str, "status": str})


@MIGRATIONS()
def m003_chats_and_questions(db: Database) -> None:
    """The bot's tables (subscriptions, digest marks and outbox, chat context) and the question
    log shared by the bot and the command line (``questions``; it was ``tg_questions``)."""
    names = set(db.table_names())
    if "tg_subscriptions" not in names:
        db["tg_subscriptions"].create({"chat_id": int, "scope": str, "created_at": str}, pk=("chat_id", "scope"))
    if "tg_digest_marks" not in names:
        db["tg_digest_marks"].create({"chat_id": int, "report_id": int, "ingested_at": str, "sent_at": str},
                                     pk="chat_id")
    if "tg_meta" not in names:
        db["tg_meta"].create({"key": str, "value": str}, pk="key")
    if "tg_digest_outbox" not in names:
        db["tg_digest_outbox"].create({"chat_id": int, "parts": str, "next_part": int, "report_id": int,
                                       "ingested_at": str, "created_at": str}, pk="chat_id")
    if "tg_chat_data" not in names:
        db["tg_chat_data"].create({"chat_id": int, "data": str, "saved_at": str}, pk="chat_id")
    if "questions" not in names:
        db["questions"].create({"id": int, "at": str, "question": str, "status": str, "kind": str,
                                "channel": str, "chat_type": str, "ms": int}, pk="id")
        db["questions"].create_index(["status", "id"])
    if "tg_questions" in names:
        db.execute("insert into questions (at, question, status, kind, channel, chat_type, ms) "
                   "select at, question, status, kind, 'telegram', chat_type, ms from tg_questions order by id")
        db["tg_questions"].drop()


@MIGRATIONS()
def m004_problem_evidence(db: Database) -> None:
    """The audit's evidence on each finding (``store.audit``): whose it is (``scope``: report /
    extraction) and where it is (section, page or line, the passage as printed)."""
    _add_columns(db, "problems", {"scope": str, "section": str, "page": int, "line": int, "evidence": str})


@MIGRATIONS()
def m005_facts(db: Database) -> None:
    """The figures the narrative states (:mod:`store.parse.facts`); a database that already holds
    reports gets them from its stored passages."""
    if "facts" in db.table_names():
        return
    db["facts"].create({"id": int, "report_id": int, "subject": str, "value": float, "unit": str, "raw": str,
                        "approx": str, "tail": str, "topic": str, "sentence": str, "section": str, "page": int,
                        "line": int, "seq": int, "shared": int, "negated": int, "change": int},
                       pk="id", foreign_keys=[("report_id", "reports", "id")])
    db["facts"].create_index(["report_id"])
    from store.parse.facts import extract
    from store.records import FACT_COLUMNS, Passage

    reports = db.query("select r.id, r.year, a.name, a.short_name, a.district, a.city, a.province "
                       "from reports r join agencies a on a.id = r.agency_id")
    for rep in list(reports):
        passages = [Passage(p["seq"], p["section"] or "", p["text"], p["page"], p["line"]) for p in db.query(
            "select * from passages where report_id = ? order by seq", [rep["id"]])]
        names = (rep["name"], rep["short_name"], rep["district"], rep["city"], rep["province"])
        db.conn.executemany(
            f"insert into facts (report_id, {', '.join(FACT_COLUMNS)}) values (?{', ?' * len(FACT_COLUMNS)})",
            ((rep["id"], *(getattr(f, c) for c in FACT_COLUMNS)) for f in extract(passages, names, rep["year"])))


@MIGRATIONS()
def m006_figures(db: Database) -> None:
    """The figures rankings and totals read (``store.queries``): every figure of every report and
    the template's derived sums and ratios, indexed by (key, year, value); filled from the stored
    cells of a database written before the table existed.  (The table as this step made it; step
    ``m008_compact_store`` keeps only the derived figures.)"""
    if "figures" in db.table_names():
        return
    conn = db.conn
    conn.execute("create table if not exists figures (key text not null, year integer not null, "
                 "value real not null, report_id integer not null, agency_id integer not null, "
                 "status text not null, primary key (key, year, value, report_id)) without rowid")
    conn.execute("create index if not exists idx_figures_report on figures (report_id)")
    if "reports" not in db.table_names():
        return
    conn.execute("create index if not exists idx_reports_year on reports (year)")
    from store.queries import derived_figures

    for r in list(db.query("select id, agency_id, year, template from reports")):
        cells = {row[0]: (row[1], row[2]) for row in conn.execute(
            "select key, value, status from cells where report_id = ?", [r["id"]])}
        rows = [(k, r["year"], v, r["id"], r["agency_id"], s) for k, (v, s) in cells.items()
                if s in ("number", "inferred") and v is not None]
        rows += [(k, r["year"], v, r["id"], r["agency_id"], s)
                 for k, v, s in derived_figures(cells, r["template"] or "2021")]
        conn.executemany("insert or replace into figures values (?, ?, ?, ?, ?, ?)", rows)


@MIGRATIONS()
def m007_table_coverage(db: Database) -> None:
    """``coverage``: per report and standard table, the template rows matched of the rows the template
    has, and whether the document ends inside the table (an excerpt cut off)."""
    if "coverage" not in db.table_names():
        db["coverage"].create({"report_id": int, "table_id": str, "expected": int, "matched": int, "cut": int},
                              pk=("report_id", "table_id"), foreign_keys=[("report_id", "reports", "id")])


@MIGRATIONS()
def m008_compact_store(db: Database) -> None:
    """The compact store (:mod:`store.compact`): a cell keeps its key id, value, status code, what was
    printed only when it differs from the value's spelling, and its printed row and line; rows as
    printed once per row with their labels in the shared dictionary ``texts``; template cells not
    found are not stored (absent = missing); ``cells`` becomes a view with the old columns.
    ``figures`` keeps only the derived figures (cells are ranked through an index on ``cell_values``);
    passages lose the trigram index (searched by report) and keep their section as a text id; a fact
    points into its passage instead of copying the sentence; a finding's keys become key ids.
    Every report stored before is converted here, row for row."""
    names = set(db.table_names())
    if "cell_values" in names:
        return
    from store import compact

    conn = db.conn
    for sql in COMPACT_SCHEMA:
        conn.execute(sql)
    compact.seed_keys(conn)
    keys = compact.Dictionary(conn, "cell_keys", "key")
    texts = compact.Dictionary(conn, "texts", "text")
    reports = conn.execute("select id, template from reports order by id").fetchall()
    _compact_cells(conn, reports, keys, texts)
    _compact_facts(conn, reports)
    _compact_passages(conn, texts)
    _compact_problems(conn, keys, texts)
    _compact_coverage(conn)
    _fill_counts(conn)
    for sql in _compact_sql():
        conn.execute(sql)


#: The compact tables (step ``m008_compact_store``; their meaning: :mod:`store.compact`).
COMPACT_SCHEMA = (
    "create table cell_keys (id integer primary key, key text not null unique)",
    "create table texts (id integer primary key, text text not null unique)",
    "create table printed_rows (report_id integer not null references reports(id), row integer not null, "
    "label_id integer, text text, line integer, page integer, primary key (report_id, row)) without rowid",
    "create table cell_values (report_id integer not null references reports(id), key_id integer not null, "
    "value real, status integer not null, raw text, row integer, dline integer, "
    "primary key (report_id, key_id)) without rowid",
    # rankings of the headline figures (positive key ids) read the cells that are not 0 from this index
    # (0 is common in cells: those are read per report, as are the other figures)
    "create index cell_values_rank on cell_values (key_id, value) where status < 2 and value <> 0 and key_id > 0",
    "create table derived_figures (report_id integer not null references reports(id), key_id integer not null, "
    "value real not null, status integer not null, primary key (report_id, key_id)) without rowid",
    # the derived figures (a few per report; 0 is rare for a ratio) are all in their ranking index, zeros included
    "create index derived_figures_rank on derived_figures (key_id, value) where status < 2 and key_id > 0",
    "create table facts_compact (report_id integer not null references reports(id), n integer not null, "
    "seq integer, subject text, subject_at integer, subject_len integer, value real, unit text, raw text, "
    "approx text, tail text, topic text, shared integer, negated integer, change integer, at integer, "
    "len integer, sentence text, section text, page integer, line integer, primary key (report_id, n)) without rowid",
    "create table problems_compact (id integer primary key, report_id integer not null references reports(id), "
    "rule_id integer, severity_id integer, scope_id integer, message_id integer, args text, message text, "
    "keys text, section_id integer, page integer, line integer, evidence text, evidence_row integer)",
    "create table coverage_compact (report_id integer not null references reports(id), table_id text not null, "
    "expected integer, matched integer, cut integer, primary key (report_id, table_id)) without rowid",
    # per headline figure and year: how many reports hold it, how many of those inferred it, the sum of its
    # whole values, how many are not whole, how many are 0 (kept by the triggers below; totals and
    # rankings read it)
    "create table figure_counts (key_id integer not null, year integer not null, n integer not null, "
    "inferred integer not null, whole integer not null, fractions integer not null, zeros integer not null, "
    "primary key (key_id, year)) without rowid",
)

# A figure (status number or inferred, a value) of a headline key (id > 0) counts in ``figure_counts``.
_COUNTS = "{t}.key_id > 0 and {t}.status < 2 and {t}.value is not null"
_IS_WHOLE = "({t}.value = cast({t}.value as integer) and abs({t}.value) < 1e15)"
_WHOLE = "case when " + _IS_WHOLE + " then cast({t}.value as integer) else 0 end"
_FRACTION = "(not " + _IS_WHOLE + ")"
_YEAR = "(select year from reports where id = {t}.report_id)"


def _count_triggers(table: str) -> tuple[str, ...]:
    add = ("insert into figure_counts (key_id, year, n, inferred, whole, fractions, zeros) "
           f"select new.key_id, {_YEAR}, 1, new.status = 1, {_WHOLE}, {_FRACTION}, new.value = 0 where {_COUNTS} "
           "on conflict (key_id, year) do update set n = n + 1, inferred = inferred + excluded.inferred, "
           "whole = whole + excluded.whole, fractions = fractions + excluded.fractions, "
           "zeros = zeros + excluded.zeros;").format(t="new")
    remove = ("update figure_counts set n = n - 1, inferred = inferred - (old.status = 1), "
              f"whole = whole - {_WHOLE}, fractions = fractions - {_FRACTION}, zeros = zeros - (old.value = 0) "
              f"where key_id = old.key_id and year = {_YEAR} and {_COUNTS};").format(t="old")
    return (f"create trigger {table}_counted after insert on {table} begin {add} end",
            f"create trigger {table}_uncounted after delete on {table} begin {remove} end",
            f"create trigger {table}_recounted after update of key_id, value, status on {table} begin {remove} {add} end")


def _fill_counts(conn) -> None:
    """``figure_counts`` of the stored figures, as the triggers would have counted them one by one."""
    for table in ("cell_values", "derived_figures"):
        c = "c"
        conn.execute(
            "insert into figure_counts (key_id, year, n, inferred, whole, fractions, zeros) "
            f"select c.key_id, r.year, count(*), sum(c.status = 1), sum({_WHOLE.format(t=c)}), "
            f"sum({_FRACTION.format(t=c)}), sum(c.value = 0) from {table} c join reports r on r.id = c.report_id "
            f"where {_COUNTS.format(t=c)} group by c.key_id, r.year "
            "on conflict (key_id, year) do update set n = n + excluded.n, inferred = inferred + excluded.inferred, "
            "whole = whole + excluded.whole, fractions = fractions + excluded.fractions, "
            "zeros = zeros + excluded.zeros")

COMPACT_VIEWS = (
    "create view cells as select c.report_id as report_id, k.key as key, c.value as value, "
    "{raw} as raw, {status} as status, r.page as page, r.line + c.dline as line, "
    "case when r.text is null then null else coalesce(t.text, '') || r.text end as row_text "
    "from cell_values c join cell_keys k on k.id = c.key_id "
    "left join printed_rows r on r.report_id = c.report_id and r.row = c.row "
    "left join texts t on t.id = r.label_id",
    "create trigger cells_update instead of update on cells begin "
    "update cell_values set value = new.value, status = {code}, raw = {stored} "
    "where report_id = old.report_id and key_id = (select id from cell_keys where key = old.key); end",
    "create trigger cells_delete instead of delete on cells begin "
    "delete from cell_values where report_id = old.report_id "
    "and key_id = (select id from cell_keys where key = old.key); end",
    # the counts are per year: a report's year is never changed in place (it is stored again)
    "create trigger reports_year_kept before update of year on reports when old.year is not new.year begin "
    "select raise(abort, 'a report''s year is not changed in place: store the report again'); end",
)


def _compact_sql() -> tuple[str, ...]:
    from store.compact import RAW_SQL, STORED_RAW_SQL, _STATUS_CODE_SQL, status_sql

    fill = {"raw": RAW_SQL.format(v="c.value", r="c.raw"), "status": status_sql("c.status"),
            "code": _STATUS_CODE_SQL.format(col="new.status"), "stored": STORED_RAW_SQL.format(v="new.value", r="new.raw")}
    return tuple(sql.format(**fill) for sql in COMPACT_VIEWS) + _count_triggers("cell_values") + \
        _count_triggers("derived_figures")


def _compact_cells(conn, reports, keys, texts) -> None:
    from store import compact
    from store.queries import derived_figures

    from store.records import CellRecord

    for report_id, template in reports:
        cells = [CellRecord(*row) for row in conn.execute(
            "select key, value, raw, status, page, line, row_text from cells where report_id = ? order by rowid",
            [report_id])]
        values, printed, _ = compact.cell_rows(report_id, cells, template, keys, texts)
        conn.executemany("insert into printed_rows values (?, ?, ?, ?, ?, ?)", printed)
        conn.executemany("insert into cell_values values (?, ?, ?, ?, ?, ?, ?)", values)
        plain = {c.key: (c.value, c.status) for c in cells}
        conn.executemany("insert into derived_figures values (?, ?, ?, ?)",
                         [(report_id, keys.id(k), v, compact.STATUS_CODES[s])
                          for k, v, s in derived_figures(plain, template or "2021")])
    conn.execute("drop table cells")
    conn.execute("drop table figures")


def _compact_facts(conn, reports) -> None:
    from store import compact
    from store.records import FACT_COLUMNS, Fact, Passage

    n_cols = len(compact.FACT_TABLE_COLUMNS)
    for report_id, _ in reports:
        passages = {row[0]: Passage(*row) for row in conn.execute(
            "select seq, section, text, page, line from passages where report_id = ?", [report_id])}
        facts = [Fact(**dict(zip(FACT_COLUMNS, row))) for row in conn.execute(
            f"select {', '.join(FACT_COLUMNS)} from facts where report_id = ? order by id", [report_id])]
        conn.executemany(f"insert into facts_compact values ({', '.join('?' * n_cols)})",
                         compact.fact_rows(report_id, facts, passages))
    conn.execute("drop table facts")
    conn.execute("alter table facts_compact rename to facts")


def _compact_passages(conn, texts) -> None:
    """In SQL, so that a large database is converted without holding its passages in memory."""
    from store.compact import PASSAGE_BITS

    for row in conn.execute("select name from sqlite_master where type = 'trigger' and tbl_name = 'passages'").fetchall():
        conn.execute(f"drop trigger [{row[0]}]")
    conn.execute("drop table if exists passages_fts")  # the trigram index; its shadow tables go with it
    conn.execute("create table passages_compact (id integer primary key, report_id integer not null, seq integer, "
                 "section_id integer, text text, page integer, line integer)")
    if conn.execute(f"select 1 from passages where seq < 0 or seq >= {1 << PASSAGE_BITS} limit 1").fetchone():
        raise ValueError(f"a report of more than {1 << PASSAGE_BITS} paragraphs cannot be converted")
    conn.execute("insert or ignore into texts (text) select distinct section from passages where section is not null")
    conn.execute(f"insert into passages_compact select (p.report_id << {PASSAGE_BITS}) + p.seq, p.report_id, p.seq, "
                 "t.id, p.text, p.page, p.line from passages p left join texts t on t.text = p.section "
                 "where p.report_id in (select id from reports)")
    texts.forget()
    conn.execute("drop table passages")
    conn.execute("alter table passages_compact rename to passages")


def _compact_problems(conn, keys, texts) -> None:
    import json

    from store import compact
    from store.records import Problem

    for (report_id,) in conn.execute("select id from reports order by id").fetchall():  # one report at a time
        printed = {text: row for row, text in conn.execute(
            "select r.row, coalesce(t.text, '') || r.text from printed_rows r left join texts t on "
            "t.id = r.label_id where r.report_id = ? and r.text is not null order by r.row desc", [report_id])}
        out = []
        for i, rule, message, k, severity, scope, section, page, line, evidence in conn.execute(
                "select id, rule, message, keys, severity, scope, section, page, line, evidence from problems "
                "where report_id = ? order by id", [report_id]).fetchall():
            p = Problem(rule, message, json.loads(k or "[]"), severity, scope, section, page, line, evidence)
            out.append((i, *compact.problem_row(report_id, p, keys, texts, printed)))
        conn.executemany(f"insert into problems_compact (id, {', '.join(compact.PROBLEM_COLUMNS)}) "
                         f"values (?{', ?' * len(compact.PROBLEM_COLUMNS)})", out)
    conn.execute("drop table problems")
    conn.execute("alter table problems_compact rename to problems")
    conn.execute("create index idx_problems_report_id on problems (report_id)")


def _compact_coverage(conn) -> None:
    conn.execute("insert into coverage_compact select report_id, table_id, expected, matched, cut from coverage "
                 "where report_id in (select id from reports)")
    conn.execute("drop table coverage")
    conn.execute("alter table coverage_compact rename to coverage")


def pending(db: Database) -> list[str]:
    """The names of the steps this database has not run (reads only)."""
    return [m.name for m in MIGRATIONS.pending(db)]


def migrate(db: Database) -> list[str]:
    """Run the steps this database has not run, holding the write lock throughout so two
    processes opening a new database at once do not both run them.  Returns what ran."""
    if not pending(db):
        return []
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        todo = pending(db)  # another process may have run them while we waited for the lock
        MIGRATIONS.apply(db)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return todo
