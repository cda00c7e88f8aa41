"""The bot's own tables, kept in the report database (``store.db``).

* ``tg_subscriptions`` – one row per (chat, scope): which chats get the digest, and of what
  (an empty scope: every report; otherwise a region or agency name that must occur in the
  report's agency name or region);
* ``tg_digest_marks`` – per chat, the high-water mark of what its digests have covered: the
  largest report id and the latest ``ingested_at`` sent.  A report is new to a chat when its id
  is above the mark, or it was ingested after the mark (a replaced report may reuse an id);
* ``tg_meta`` – key/value: when the digest last ran (to catch up after downtime);
* ``tg_questions`` – the question log: the text, the answer status and kind, the chat type
  and the time.  No user ids, names or chat ids: only what improving the answers needs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from store.db import Store

log = logging.getLogger("bot.telegram.questions")
QUESTIONS_KEPT = 100_000  # rows of the question log kept


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class BotState:
    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        self.ensure_schema()

    def ensure_schema(self) -> None:
        db = self.db
        names = set(db.table_names())
        if "tg_subscriptions" not in names:
            db["tg_subscriptions"].create({"chat_id": int, "scope": str, "created_at": str},
                                          pk=("chat_id", "scope"))
        if "tg_digest_marks" not in names:
            db["tg_digest_marks"].create({"chat_id": int, "report_id": int, "ingested_at": str,
                                          "sent_at": str}, pk="chat_id")
        if "tg_meta" not in names:
            db["tg_meta"].create({"key": str, "value": str}, pk="key")
        if "tg_questions" not in names:
            db["tg_questions"].create({"id": int, "at": str, "question": str, "status": str, "kind": str,
                                       "chat_type": str, "ms": int}, pk="id")
            db["tg_questions"].create_index(["status", "id"])

    # ------------------------------------------------------------------ meta
    def get_meta(self, key: str) -> str | None:
        row = next(self.db.query("select value from tg_meta where key = ?", [key]), None)
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db["tg_meta"].upsert({"key": key, "value": value}, pk="key")

    # ------------------------------------------------------------------ subscriptions
    def latest_mark(self) -> tuple[int, str]:
        row = next(self.db.query("select coalesce(max(id), 0) as id, coalesce(max(ingested_at), '') as at "
                                 "from reports"))
        return row["id"], row["at"]

    def subscribe(self, chat_id: int, scope: str = "") -> bool:
        """Subscribe a chat (to a scope).  Returns False when it already was.  A new subscriber's
        digests start with the reports ingested after it subscribed."""
        scope = (scope or "").strip()
        if next(self.db.query("select 1 from tg_subscriptions where chat_id = ? and scope = ?",
                              [chat_id, scope]), None):
            return False
        first = not self.scopes(chat_id)
        self.db["tg_subscriptions"].insert({"chat_id": chat_id, "scope": scope, "created_at": utcnow()})
        if first or self.mark(chat_id) is None:
            rid, at = self.latest_mark()
            self.db["tg_digest_marks"].upsert({"chat_id": chat_id, "report_id": rid, "ingested_at": at,
                                               "sent_at": None}, pk="chat_id")
        return True

    def unsubscribe(self, chat_id: int, scope: str | None = None) -> int:
        """Remove a chat's subscriptions (one scope, or all).  Returns how many were removed."""
        if scope is None:
            n = self.db.execute("delete from tg_subscriptions where chat_id = ?", [chat_id]).rowcount
        else:
            n = self.db.execute("delete from tg_subscriptions where chat_id = ? and scope = ?",
                                [chat_id, scope.strip()]).rowcount
        if not self.scopes(chat_id):
            self.db.execute("delete from tg_digest_marks where chat_id = ?", [chat_id])
        return n

    def scopes(self, chat_id: int) -> list[str]:
        return [r["scope"] for r in self.db.query(
            "select scope from tg_subscriptions where chat_id = ? order by scope", [chat_id])]

    def subscribers(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.db.query("select chat_id, scope from tg_subscriptions order by chat_id, scope"):
            out.setdefault(r["chat_id"], []).append(r["scope"])
        return out

    def mark(self, chat_id: int) -> tuple[int, str] | None:
        row = next(self.db.query("select report_id, ingested_at from tg_digest_marks where chat_id = ?",
                                 [chat_id]), None)
        return (row["report_id"] or 0, row["ingested_at"] or "") if row else None

    def set_mark(self, chat_id: int, report_id: int, ingested_at: str) -> None:
        self.db["tg_digest_marks"].upsert({"chat_id": chat_id, "report_id": report_id,
                                           "ingested_at": ingested_at, "sent_at": utcnow()}, pk="chat_id")

    def new_reports(self, mark: tuple[int, str]) -> list[dict[str, Any]]:
        """Reports ingested after ``mark``, oldest first."""
        rid, at = mark
        return list(self.db.query(
            "select r.*, a.name as agency, a.short_name, a.district, a.city, a.province "
            "from reports r join agencies a on a.id = r.agency_id "
            "where r.id > ? or r.ingested_at > ? order by r.ingested_at, r.id", [rid, at]))

    # ------------------------------------------------------------------ the question log
    def log_question(self, question: str, status: str, kind: str, chat_type: str = "", ms: int = 0,
                     log_id: int | None = None) -> int:
        """Log a question and how it was answered; returns the log row id.  With ``log_id``
        (a choice tapped after an ambiguous answer) that row is updated: one question, one row;
        with ``log_id=-1`` only the log line is written."""
        log.info("question chat=%s status=%s kind=%s ms=%d%s text=%r", chat_type or "-", status, kind, ms,
                 " (button)" if log_id else "", question[:200])
        if log_id == -1:
            return -1
        if log_id is not None and next(self.db.query("select 1 from tg_questions where id = ?", [log_id]), None):
            self.db["tg_questions"].update(log_id, {"status": status, "kind": kind})
            return log_id
        row_id = self.db["tg_questions"].insert({"at": utcnow(), "question": question[:1000], "status": status,
                                                 "kind": kind, "chat_type": str(chat_type), "ms": ms}).last_pk
        if row_id % 1000 == 0:  # keep the log bounded: the latest QUESTIONS_KEPT questions
            self.db.execute("delete from tg_questions where id <= ?", [row_id - QUESTIONS_KEPT])
        return row_id

    UNANSWERED = ("not_found", "unsupported")

    def question_counts(self) -> dict[str, int]:
        row = next(self.db.query(
            "select count(*) as asked, coalesce(sum(status in ('not_found', 'unsupported')), 0) as unanswered "
            "from tg_questions"))
        return {"asked": row["asked"], "unanswered": row["unanswered"]}

    def unanswered(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest questions the bot could not answer (an ambiguous question left without a
        tap is not among them: the bot offered the choices)."""
        return list(self.db.query(
            "select at, question, status, kind from tg_questions where status in ('not_found', 'unsupported') "
            "order by id desc limit ?", [limit]))


# ---------------------------------------------------------------------- what the handlers share

class Services:
    """What every handler and job needs: the config, the store, the answering core, the bot's
    tables, the set of admins and a lock that serialises ingests.  Kept in
    ``application.bot_data["services"]``."""

    def __init__(self, config: dict, store: Store, answerer: Any):
        self.config = config
        self.store = store
        self.answerer = answerer
        self.state = BotState(store)
        self.admin_ids: set[int] = set()
        for x in config.get("telegram", {}).get("admin_ids") or []:
            try:
                self.admin_ids.add(int(x))
            except (TypeError, ValueError):
                logging.getLogger(__name__).warning("ignoring admin id %r: not a number", x)
        self.scheduler: Any = None
        self._locks: dict[str, Any] = {}

    def _lock(self, name: str):
        import asyncio

        if name not in self._locks:
            self._locks[name] = asyncio.Lock()
        return self._locks[name]

    @property
    def ingest_lock(self):
        """One ingest at a time (uploads, /reload and the scheduled scan)."""
        return self._lock("ingest")

    @property
    def digest_lock(self):
        """One digest at a time (the schedule, /digest and the catch-up at startup)."""
        return self._lock("digest")

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def setting(self, section: str, name: str, default: Any = None) -> Any:
        value = self.config.get(section, {}).get(name)
        return default if value in (None, "") else value


# ---------------------------------------------------------------------- backup (a CLI command)

def backup_database(source: str, destination: str) -> dict[str, Any]:
    """Copy a SQLite database with SQLite's online backup API: safe while the bot is running
    (readers and the writer carry on; the copy is a consistent snapshot).  The copy is written
    next to ``destination`` and renamed into place once complete and checked."""
    import os
    import sqlite3
    from pathlib import Path

    dest = Path(destination)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source)
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
        raise RuntimeError(f"the copy failed its integrity check: {check}")
    os.replace(tmp, dest)
    return {"path": str(dest), "bytes": dest.stat().st_size, "reports": reports, "integrity": check}


def _backup_command():
    import click

    @click.command("backup")
    @click.argument("destination", required=False)
    @click.pass_obj
    def backup(ctx, destination):
        """Copy the database safely while the bot runs (SQLite online backup).

        DESTINATION defaults to <database>.backup-YYYYMMDD-HHMMSS next to the database."""
        source = ctx.config["store"]["database"]
        from pathlib import Path

        if not Path(source).exists():
            raise click.ClickException(f"no database at {source}")
        if not destination:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            destination = f"{source}.backup-{stamp}"
        result = backup_database(source, destination)
        click.echo(f"backed up {source} to {result['path']}: {result['bytes']} bytes, {result['reports']} reports, "
                   f"integrity {result['integrity']}")

    return backup


backup_command = _backup_command()
