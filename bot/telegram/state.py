"""What the handlers share, and how the bot's state outlives a restart.

* :class:`Services` – the config, the store (read on the event loop), the answering core,
  the bot's tables (:class:`store.chats.ChatStore`), the admins, the locks;
* :class:`Writer` – the bot's own writes (question log, subscriptions, digest marks, chat
  context) run one at a time on a thread with a database connection of its own: a write
  waiting for the lock (an ingest is saving a file) never holds up the event loop, and the
  answer goes out before its question is logged;
* :class:`ChatPersistence` – python-telegram-bot's persistence interface over the store: each
  chat's follow-up context and the choices its buttons offer are saved (``tg_chat_data``), so a
  button tapped after a restart still works.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from telegram.ext import BasePersistence, PersistenceInput

from bot.answers import ChatSession
from store.chats import ChatStore
from store.db import Store

log = logging.getLogger(__name__)


class Writer:
    """Runs ``fn(store, chats, *args)`` on the writer thread, with the writer's own connection."""

    def __init__(self, store: Store):
        self._main = store
        self._store: Store | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")

    def _open(self) -> Store:
        if self._store is None:
            self._store = self._main if self._main.path == ":memory:" else Store(self._main.path)
        return self._store

    def _run(self, fn: Callable, args: tuple) -> Any:
        store = self._open()
        return fn(store, ChatStore(store.db), *args)

    async def __call__(self, fn: Callable, *args) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, fn, args)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        if self._store is not None and self._store is not self._main:
            self._store.close()
        self._store = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")


class Services:
    """What every handler and job needs: the config, the store, the answering core, the bot's
    tables, the writer, the set of admins and the locks.  Kept in
    ``application.bot_data["services"]``."""

    def __init__(self, config: dict, store: Store, answerer: Any):
        self.config = config
        self.store = store
        self.answerer = answerer
        self.chats = ChatStore(store.db)  # reads, on the event loop
        self.write = Writer(store)
        self.admin_ids: set[int] = set()
        for x in config.get("telegram", {}).get("admin_ids") or []:
            try:
                self.admin_ids.add(int(x))
            except (TypeError, ValueError):
                log.warning("ignoring admin id %r: not a number", x)
        self.scheduler: Any = None
        self._locks: dict[str, Any] = {}

    def _lock(self, name: str):
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


# ---------------------------------------------------------------------- chat context across restarts

def encode_chat_data(data: dict) -> str:
    """A chat's data as JSON: its follow-up context (how long idle, not a clock reading that a
    restart would make meaningless) and its pending choices."""
    out: dict[str, Any] = {}
    session = data.get("session")
    if isinstance(session, ChatSession):
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(session):
            value = getattr(session, f.name)
            if f.name == "updated":
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                continue
            fields[f.name] = value
        out["session"] = {"fields": fields, "idle": max(0.0, time.monotonic() - session.updated),
                          "saved": time.time()}
    if isinstance(data.get("pending"), dict):
        out["pending"] = {str(k): v for k, v in data["pending"].items()}
    for key, value in data.items():
        if key not in ("session", "pending"):
            try:
                json.dumps(value)
                out[key] = value
            except (TypeError, ValueError):
                pass
    return json.dumps(out, ensure_ascii=False)


def decode_chat_data(text: str) -> dict:
    raw = json.loads(text or "{}")
    data: dict[str, Any] = {k: v for k, v in raw.items() if k not in ("session", "pending")}
    if isinstance(raw.get("session"), dict):
        s = raw["session"]
        known = {f.name for f in dataclasses.fields(ChatSession)} - {"updated"}
        session = ChatSession(**{k: v for k, v in (s.get("fields") or {}).items() if k in known})
        idle = float(s.get("idle") or 0) + max(0.0, time.time() - float(s.get("saved") or time.time()))
        session.updated = time.monotonic() - idle
        data["session"] = session
    if isinstance(raw.get("pending"), dict):
        data["pending"] = {int(k): v for k, v in raw["pending"].items() if str(k).lstrip("-").isdigit()}
    return data


class ChatPersistence(BasePersistence):
    """python-telegram-bot's persistence for chat data only, kept in the store."""

    def __init__(self, services: Services, update_interval: float = 5):
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=True, user_data=False,
                                                     callback_data=False), update_interval=update_interval)
        self.services = services

    async def get_chat_data(self) -> dict[int, dict]:
        rows = await self.services.write(lambda store, chats: chats.chat_data())
        out = {}
        for chat_id, text in rows.items():
            try:
                out[chat_id] = decode_chat_data(text)
            except (ValueError, TypeError) as exc:  # one unreadable row costs that chat its context only
                log.warning("ignoring the saved context of one chat: %s", exc)
        return out

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        text = encode_chat_data(data)
        try:
            await self.services.write(lambda store, chats: chats.save_chat_data(chat_id, text))
        except Exception as exc:
            log.warning("could not save a chat's context: %s", exc)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self.services.write(lambda store, chats: chats.drop_chat_data(chat_id))

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        pass

    # not kept: user data, bot data, callback data, conversations
    async def get_user_data(self) -> dict:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self):
        return None

    async def get_conversations(self, name: str) -> dict:
        return {}

    async def update_user_data(self, user_id: int, data: dict) -> None:
        pass

    async def update_bot_data(self, data: dict) -> None:
        pass

    async def update_callback_data(self, data) -> None:
        pass

    async def update_conversation(self, name: str, key, new_state) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict) -> None:
        pass

    async def flush(self) -> None:
        pass
