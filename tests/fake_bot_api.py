"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests of the bot.

It speaks enough of the Bot API for python-telegram-bot's ``Application`` to poll it:
getMe, getUpdates (serving queued updates, long-polling briefly), sendMessage,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, setMyCommands,
deleteWebhook, getFile and the file download, sendPhoto, sendDocument, sendChatAction.
Every call is recorded in :attr:`FakeBotAPI.calls`; a failure can be injected for the
next call of a method (e.g. a 429 flood-control error with ``retry_after``); chats can
block the bot (403 Forbidden).

Point the bot at it with ``Application.builder().base_url(api.base_url)
.base_file_url(api.base_file_url)``.  Tests drive it with :meth:`private`, :meth:`group`,
:meth:`tap`, :meth:`upload` and wait with :meth:`wait_for`.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

BOT_ID = 424242
BOT_USERNAME = "disclosure_test_bot"
RAW_FIELDS = {"text", "caption", "parse_mode", "callback_query_id", "file_id", "action", "url",
              "secret_token", "description", "language_code", "inline_message_id", "short_description"}


HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
             "tg-spoiler", "tg-emoji", "blockquote"}
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|[<>&]")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse ``text`` with parse_mode HTML (None when it is fine): only
    its tags, balanced, and every other <, > and & escaped."""
    stack: list[str] = []
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token in ("<", ">", "&"):
            return f"unescaped {token!r} at byte offset {m.start()}"
        if token.startswith("&"):
            continue
        closing, name = m.group(1), m.group(2).lower()
        if name not in HTML_TAGS:
            return f"unsupported start tag \"{name}\" at byte offset {m.start()}"
        if closing:
            if not stack or stack.pop() != name:
                return f"unmatched end tag \"{name}\" at byte offset {m.start()}"
        else:
            stack.append(name)
    if stack:
        return f"can't find end tag corresponding to start tag \"{stack[-1]}\""
    return None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # what the fake answered

    @property
    def chat_id(self) -> int | None:
        v = self.params.get("chat_id")
        return int(v) if v is not None and str(v).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


class FakeBotAPI:
    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = BOT_USERNAME):
        self.token = token
        self.bot = {"id": BOT_ID, "is_bot": True, "first_name": "Disclosure", "username": username,
                    "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.updates: list[dict] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.messages: dict[tuple[int, int], dict] = {}  # (chat_id, message_id) -> message the bot sent
        self.failures: list[tuple[str, int, dict]] = []  # (method, http status, body)
        self.forbidden_chats: set[int] = set()
        self._ids = itertools.count(1)
        self._msg_ids = itertools.count(1000)
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "FakeBotAPI":
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                api._handle(self, b"")

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                api._handle(self, self.rfile.read(n) if n else b"")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                import sys

                if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    return  # the bot hung up (a cancelled long poll at shutdown)
                super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ------------------------------------------------------------------ injecting
    def fail_next(self, method: str, *, error_code: int = 429, retry_after: int | None = 1,
                  description: str | None = None) -> None:
        """The next call of ``method`` fails (default: flood control, retry after 1 s)."""
        body: dict[str, Any] = {"ok": False, "error_code": error_code,
                                "description": description or (f"Too Many Requests: retry after {retry_after}"
                                                               if error_code == 429 else "Bad Request")}
        if retry_after is not None and error_code == 429:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self.failures.append((method, error_code, body))

    def block(self, chat_id: int) -> None:
        """The user of ``chat_id`` blocked the bot: sending there is 403 Forbidden."""
        self.forbidden_chats.add(chat_id)

    def add_update(self, update: dict) -> dict:
        with self._lock:
            update = {"update_id": next(self._ids), **update}
            self.updates.append(update)
            self._lock.notify_all()
        return update

    def add_file(self, content: bytes, name: str) -> str:
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = (f"documents/{file_id}/{name}", content)
        return file_id

    # ------------------------------------------------------------------ building updates
    @staticmethod
    def user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "zh-hans"}

    @staticmethod
    def chat(chat_id: int, user_id: int | None = None) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{user_id or chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": "测试群"}

    @staticmethod
    def entities_for(text: str, username: str = BOT_USERNAME) -> list[dict]:
        out = []
        if text.startswith("/"):
            end = len(text.split(None, 1)[0])
            out.append({"type": "bot_command", "offset": 0, "length": end})
        mention = "@" + username
        pos = text.find(mention)
        if pos >= 0 and not (text.startswith("/") and pos < len(text.split(None, 1)[0])):
            out.append({"type": "mention", "offset": len(text[:pos].encode("utf-16-le")) // 2,
                        "length": len(mention)})
        return out

    def message(self, chat_id: int, user_id: int, text: str | None = None, *, reply_to: dict | None = None,
                document: dict | None = None, caption: str | None = None, entities: bool = True) -> dict:
        msg: dict[str, Any] = {"message_id": next(self._msg_ids), "date": int(time.time()),
                               "chat": self.chat(chat_id, user_id), "from": self.user(user_id)}
        if text is not None:
            msg["text"] = text
            ents = self.entities_for(text, self.bot["username"]) if entities else []
            if ents:
                msg["entities"] = ents
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        if document is not None:
            msg["document"] = document
            if caption:
                msg["caption"] = caption
        return self.add_update({"message": msg})

    def private(self, user_id: int, text: str, entities: bool = True) -> dict:
        return self.message(user_id, user_id, text, entities=entities)

    def group(self, chat_id: int, user_id: int, text: str, reply_to: dict | None = None,
              entities: bool = True) -> dict:
        return self.message(chat_id, user_id, text, reply_to=reply_to, entities=entities)

    def tap(self, user_id: int, message: dict, data: str) -> dict:
        """A tap on an inline button of ``message`` (a message the bot sent)."""
        cq = {"id": f"cq{next(self._ids)}", "from": self.user(user_id), "chat_instance": "ci",
              "message": message, "data": data}
        return self.add_update({"callback_query": cq})

    def upload(self, chat_id: int, user_id: int, content: bytes, name: str,
               mime: str = "text/plain", size: int | None = None) -> dict:
        file_id = self.add_file(content, name)
        doc = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_name": name, "mime_type": mime,
               "file_size": len(content) if size is None else size}
        return self.message(chat_id, user_id, document=doc)

    # ------------------------------------------------------------------ reading what the bot did
    def sent(self, chat_id: int | None = None, methods=("sendMessage",)) -> list[Call]:
        return [c for c in list(self.calls) if c.method in methods and c.status == 200
                and (chat_id is None or c.chat_id == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [c.text for c in self.sent(chat_id, ("sendMessage", "editMessageText"))]

    def called(self, method: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what or predicate}; calls: "
                             + "; ".join(f"{c.method}({c.text[:60]!r})" for c in self.calls[-15:]))

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0,
                        methods=("sendMessage", "editMessageText")) -> list[Call]:
        await self.wait_for(lambda: len(self.sent(chat_id, methods)) >= count, timeout,
                            f"{count} message(s) to {chat_id}")
        return self.sent(chat_id, methods)

    async def idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the bot has made no call (other than polling) for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [c for c in self.calls if c.method != "getUpdates"]
            last = busy[-1].at if busy else 0
            with self._lock:
                pending = bool(self.updates)
            if not pending and time.monotonic() - last >= quiet:
                return
            await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ serving
    def _params(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[dict, dict[str, bytes]]:
        ctype = handler.headers.get("Content-Type", "")
        files: dict[str, bytes] = {}
        params: dict[str, Any] = {}
        query = urlsplit(handler.path).query
        raw: dict[str, str] = {k: v[-1] for k, v in parse_qs(query).items()}
        if ctype.startswith("application/json"):
            return (json.loads(body or b"{}"), files)
        if ctype.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                data = part.get_payload(decode=True) or b""
                if part.get_filename():
                    files[name] = data
                else:
                    raw[name] = data.decode("utf-8")
        elif body:
            raw.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
        for k, v in raw.items():
            if k in RAW_FIELDS:
                params[k] = v
                continue
            try:
                params[k] = json.loads(v)
            except ValueError:
                params[k] = v
        return params, files

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, payload: Any, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a cancelled long poll)
            pass

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        path = unquote(urlsplit(handler.path).path)
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            wanted = path[len(file_prefix):]
            for fp, content in self.files.values():
                if fp == wanted:
                    return self._reply(handler, 200, None, raw=content)
            return self._reply(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return self._reply(handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = path[len(prefix):]
        params, files = self._params(handler, body)
        call = Call(method, params)
        if files:
            call.params["_files"] = {k: len(v) for k, v in files.items()}
        status, payload = self._dispatch(method, params)
        call.status = status
        if method != "getUpdates" or payload.get("result"):
            self.calls.append(call)
        self._reply(handler, status, payload)

    def _dispatch(self, method: str, p: dict) -> tuple[int, dict]:
        status, payload = self._dispatch_inner(method, p)
        return status, payload

    def _dispatch_inner(self, method: str, p: dict) -> tuple[int, dict]:
        with self._lock:
            for i, (m, status, body) in enumerate(self.failures):
                if m == method:
                    del self.failures[i]
                    return status, body
        chat_id = p.get("chat_id")
        if str(p.get("parse_mode", "")).upper() == "HTML":
            problem = html_problem(str(p.get("text") or p.get("caption") or ""))
            if problem:
                return 400, {"ok": False, "error_code": 400,
                             "description": f"Bad Request: can't parse entities: {problem}"}
        if len(str(p.get("text") or "")) > 4096:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        if chat_id is not None and int(chat_id) in self.forbidden_chats and method.startswith("send"):
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        ok = lambda result: (200, {"ok": True, "result": result})  # noqa: E731
        if method == "getMe":
            return ok(self.bot)
        if method == "getUpdates":
            offset = int(p.get("offset") or 0)
            wait = min(float(p.get("timeout") or 0), 0.2)
            deadline = time.monotonic() + wait
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                while not self.updates and time.monotonic() < deadline:
                    self._lock.wait(max(0.0, deadline - time.monotonic()))
                return ok(list(self.updates[:100]))
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            msg: dict[str, Any] = {"message_id": next(self._msg_ids), "date": int(time.time()),
                                   "chat": self.chat(int(chat_id)), "from": self.bot}
            if method == "sendMessage":
                msg["text"] = p.get("text", "")
            elif method == "sendPhoto":
                msg["photo"] = [{"file_id": "photo1", "file_unique_id": "p1", "width": 640, "height": 480}]
                if p.get("caption"):
                    msg["caption"] = p["caption"]
            else:
                msg["document"] = {"file_id": "doc1", "file_unique_id": "d1"}
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            self.messages[(int(chat_id), msg["message_id"])] = msg
            return ok(msg)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            key = (int(chat_id), int(p.get("message_id")))
            msg = dict(self.messages.get(key) or {"message_id": key[1], "date": int(time.time()),
                                                   "chat": self.chat(key[0]), "from": self.bot})
            if "text" in p:
                msg["text"] = p["text"]
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            self.messages[key] = msg
            return ok(msg)
        if method == "getFile":
            fid = p.get("file_id")
            if fid not in self.files:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            fp, content = self.files[fid]
            return ok({"file_id": fid, "file_unique_id": "u" + fid, "file_size": len(content), "file_path": fp})
        if method in ("getMyCommands",):
            return ok([])
        if method == "getWebhookInfo":
            return ok({"url": "", "has_custom_certificate": False, "pending_update_count": 0})
        # setMyCommands, deleteWebhook, answerCallbackQuery, sendChatAction, setWebhook, ...
        return ok(True)
