"""The Telegram bot's own tables, kept in the report database (created by :mod:`store.migrations`).

* ``tg_subscriptions`` – one row per (chat, scope): which chats get the digest, and of what
  (an empty scope: every report; otherwise a region or agency name that must occur in the
  report's agency name or region);
* ``tg_digest_marks`` – per chat, the high-water mark of what its digests have covered: the
  largest report id and the latest ``ingested_at`` sent.  A report is new to a chat when its id
  is above the mark, or it was ingested after the mark (a replaced report may reuse an id);
* ``tg_digest_outbox`` – per chat, a digest being sent: its messages, how many went out, and
  the mark it moves to once all have.  Written before the first message, so a crash neither
  skips the digest nor sends again what went out (see :mod:`bot.telegram.digest`);
* ``tg_chat_data`` – per chat, the follow-up context and the choices its buttons offer, as JSON
  (python-telegram-bot's persistence: a button tapped after a restart still works);
* ``tg_meta`` – key/value: when the digest last ran (to catch up after downtime).

Every write is one statement or one ``BEGIN IMMEDIATE`` transaction.  The question log is in
:class:`store.db.Store` (the command line logs questions too).
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from store.db import now


class ChatStore:
    def __init__(self, db: Database):
        self.db = db
        self.conn = db.conn

    def _one(self, sql: str, args: list) -> dict | None:
        return next(self.db.query(sql, args), None)

    # ------------------------------------------------------------------ meta
    def get_meta(self, key: str) -> str | None:
        row = self._one("select value from tg_meta where key = ?", [key])
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("insert into tg_meta (key, value) values (?, ?) "
                          "on conflict(key) do update set value = excluded.value", [key, value])

    # ------------------------------------------------------------------ subscriptions
    def latest_mark(self) -> tuple[int, str]:
        row = self._one("select coalesce(max(id), 0) as id, coalesce(max(ingested_at), '') as at from reports", [])
        return row["id"], row["at"]

    def subscribe(self, chat_id: int, scope: str = "") -> bool:
        """Subscribe a chat (to a scope).  Returns False when it already was.  A new subscriber's
        digests start with the reports ingested after it subscribed."""
        scope = (scope or "").strip()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if self._one("select 1 as x from tg_subscriptions where chat_id = ? and scope = ?", [chat_id, scope]):
                self.conn.execute("COMMIT")
                return False
            first = not self.scopes(chat_id)
            self.conn.execute("insert into tg_subscriptions (chat_id, scope, created_at) values (?, ?, ?)",
                              [chat_id, scope, now()])
            if first or self.mark(chat_id) is None:
                rid, at = self.latest_mark()
                self._set_mark(chat_id, rid, at, None)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return True

    def unsubscribe(self, chat_id: int, scope: str | None = None) -> int:
        """Remove a chat's subscriptions (one scope, or all).  Returns how many were removed."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if scope is None:
                n = self.conn.execute("delete from tg_subscriptions where chat_id = ?", [chat_id]).rowcount
            else:
                n = self.conn.execute("delete from tg_subscriptions where chat_id = ? and scope = ?",
                                      [chat_id, scope.strip()]).rowcount
            if not self.scopes(chat_id):
                self.conn.execute("delete from tg_digest_marks where chat_id = ?", [chat_id])
                self.conn.execute("delete from tg_digest_outbox where chat_id = ?", [chat_id])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return n

    def scopes(self, chat_id: int) -> list[str]:
        return [r["scope"] for r in self.db.query(
            "select scope from tg_subscriptions where chat_id = ? order by scope", [chat_id])]

    def subscribers(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.db.query("select chat_id, scope from tg_subscriptions order by chat_id, scope"):
            out.setdefault(r["chat_id"], []).append(r["scope"])
        return out

    # ------------------------------------------------------------------ digest marks and outbox
    def mark(self, chat_id: int) -> tuple[int, str] | None:
        row = self._one("select report_id, ingested_at from tg_digest_marks where chat_id = ?", [chat_id])
        return (row["report_id"] or 0, row["ingested_at"] or "") if row else None

    def _set_mark(self, chat_id: int, report_id: int, ingested_at: str, sent_at: str | None) -> None:
        self.conn.execute(
            "insert into tg_digest_marks (chat_id, report_id, ingested_at, sent_at) values (?, ?, ?, ?) "
            "on conflict(chat_id) do update set report_id = excluded.report_id, "
            "ingested_at = excluded.ingested_at, sent_at = excluded.sent_at",
            [chat_id, report_id, ingested_at, sent_at])

    def set_mark(self, chat_id: int, report_id: int, ingested_at: str) -> None:
        self._set_mark(chat_id, report_id, ingested_at, now())

    def new_reports(self, mark: tuple[int, str]) -> list[dict[str, Any]]:
        """Reports ingested after ``mark``, oldest first."""
        rid, at = mark
        return list(self.db.query(
            "select r.*, a.name as agency, a.short_name, a.district, a.city, a.province "
            "from reports r join agencies a on a.id = r.agency_id "
            "where r.id > ? or r.ingested_at > ? order by r.ingested_at, r.id", [rid, at]))

    def outbox(self, chat_id: int) -> dict | None:
        """The digest being sent to a chat: {"parts": [...], "next_part": n, "mark": (id, at)}."""
        row = self._one("select * from tg_digest_outbox where chat_id = ?", [chat_id])
        if row is None:
            return None
        return {"parts": json.loads(row["parts"]), "next_part": row["next_part"] or 0,
                "mark": (row["report_id"] or 0, row["ingested_at"] or "")}

    def outboxes(self) -> list[int]:
        return [r["chat_id"] for r in self.db.query("select chat_id from tg_digest_outbox order by chat_id")]

    def put_outbox(self, chat_id: int, parts: list[str], mark: tuple[int, str]) -> None:
        self.conn.execute(
            "insert or replace into tg_digest_outbox (chat_id, parts, next_part, report_id, ingested_at, created_at) "
            "values (?, ?, 0, ?, ?, ?)", [chat_id, json.dumps(parts, ensure_ascii=False), mark[0], mark[1], now()])

    def part_sent(self, chat_id: int, next_part: int) -> None:
        self.conn.execute("update tg_digest_outbox set next_part = ? where chat_id = ?", [next_part, chat_id])

    def outbox_done(self, chat_id: int) -> None:
        """All of a digest went out: move the chat's mark and empty its outbox, together."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            row = self._one("select report_id, ingested_at from tg_digest_outbox where chat_id = ?", [chat_id])
            if row is not None:
                if self._one("select 1 as x from tg_subscriptions where chat_id = ?", [chat_id]):
                    self._set_mark(chat_id, row["report_id"], row["ingested_at"], now())
                self.conn.execute("delete from tg_digest_outbox where chat_id = ?", [chat_id])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def drop_outbox(self, chat_id: int) -> None:
        self.conn.execute("delete from tg_digest_outbox where chat_id = ?", [chat_id])

    # ------------------------------------------------------------------ chat context (persistence)
    def chat_data(self) -> dict[int, str]:
        return {r["chat_id"]: r["data"] for r in self.db.query("select chat_id, data from tg_chat_data")}

    def save_chat_data(self, chat_id: int, data: str) -> None:
        self.conn.execute("insert into tg_chat_data (chat_id, data, saved_at) values (?, ?, ?) "
                          "on conflict(chat_id) do update set data = excluded.data, saved_at = excluded.saved_at",
                          [chat_id, data, now()])

    def drop_chat_data(self, chat_id: int) -> None:
        self.conn.execute("delete from tg_chat_data where chat_id = ?", [chat_id])
