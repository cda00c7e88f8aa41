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
    cells of a database written before the table existed."""
    from store import queries

    queries.ensure_schema(db)


@MIGRATIONS()
def m007_table_coverage(db: Database) -> None:
    """``coverage``: per report and standard table, the template rows matched of the rows the template
    has, and whether the document ends inside the table (an excerpt cut off)."""
    if "coverage" not in db.table_names():
        db["coverage"].create({"report_id": int, "table_id": str, "expected": int, "matched": int, "cut": int},
                              pk=("report_id", "table_id"), foreign_keys=[("report_id", "reports", "id")])


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
