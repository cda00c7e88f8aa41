"""The conversation: how the bot answers people.

* In a private chat any text is a question.  In a group the bot answers when it is
  mentioned (@bot …), when someone replies to one of its messages, or with ``/ask …``.
* ``/start`` and ``/help`` show example questions that work on the data on file.
* ``/agencies [filter]``, ``/years AGENCY``, ``/report AGENCY [YEAR]``, ``/compare …`` and
  ``/rank …`` use the same answering core as a typed question.
* An ambiguous question (which agency? which year?) gets one button per choice; a tap
  answers the original question with that choice.  A question that found nothing gets the
  nearest names or the years on file as buttons.
* Each chat keeps a :class:`~bot.answers.ChatSession`, so "那2022年呢" follows on.
* Replies are Telegram HTML with every piece of data escaped, split at line boundaries
  when longer than Telegram's 4 096 characters (at most six messages, paced).
* A trend over three years or more is followed by a bar chart.
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import re
import time
from typing import Any

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, MessageLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import (Application, CallbackQueryHandler, ChatMemberHandler, CommandHandler, ContextTypes,
                          MessageHandler, filters)

from bot.answers import Answer, ChatSession
from bot.intent import compare_intent, rank_intent
from bot.metrics import find_hits
from bot.telegram.state import Services
from store.numbers import figure_text

log = logging.getLogger(__name__)
qlog = logging.getLogger("bot.telegram.questions")

MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH  # 4096
PENDING_KEEP = 20  # ambiguous questions remembered per chat, waiting for a tap
MAX_PARTS = 6  # messages one reply may take; longer replies are cut with a note
PART_PACE = 0.3  # seconds between the messages of one reply

#: The commands everyone sees in the menu (registered with set_my_commands).
PUBLIC_COMMANDS = [
    ("help", "使用说明和示例问题"),
    ("ask", "提问（群聊中使用）"),
    ("agencies", "有哪些机构 [筛选]"),
    ("years", "某机构有哪些年份的报告"),
    ("report", "一份报告的概况：机构 [年份]"),
    ("compare", "对比：机构 年份 年份"),
    ("rank", "排名：年份 [指标]"),
    ("subscribe", "订阅新报告摘要 [地区或机构]"),
    ("unsubscribe", "取消订阅"),
    ("subscriptions", "查看订阅"),
]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


# ---------------------------------------------------------------------- replying

def _safe_cut(text: str, limit: int) -> int:
    """A cut point <= limit that does not split an HTML entity (&amp;) or a tag."""
    cut = limit
    amp = text.rfind("&", max(0, cut - 10), cut)
    if amp >= 0 and ";" not in text[amp:cut]:
        cut = amp
    lt = text.rfind("<", max(0, cut - 200), cut)
    if lt >= 0 and ">" not in text[lt:cut]:
        cut = lt
    return cut or limit


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split a reply into messages of at most ``limit`` characters, at line boundaries
    (a single line longer than that is cut, never inside an HTML entity)."""
    text = text.strip("\n") or "…"
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = _safe_cut(line, limit)
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [c for c in chunks if c.strip()] or ["…"]


def message_parts(text: str, max_parts: int = MAX_PARTS) -> list[str]:
    """``text`` (HTML) as the messages it takes: at most ``max_parts``, the rest cut with a note."""
    parts = split_message(text)
    if len(parts) > max_parts:
        note = "\n……（内容太长，只显示了前一部分；请把问题问得具体些，例如加上地区或年份。）"
        parts = parts[:max_parts - 1] + split_message(parts[max_parts - 1], MAX_MESSAGE - len(note))[:1]
        parts[-1] += note
    return parts


async def send_part(bot, chat_id: int, part: str, **kwargs) -> Message:
    """Send one message of HTML; when Telegram refuses its markup, the same words as plain text."""
    try:
        return await bot.send_message(chat_id, part, **kwargs)
    except BadRequest as exc:
        if "entit" not in exc.message.lower():
            raise
        log.warning("Telegram refused the HTML of a reply (%s): sending it as plain text", exc.message)
        return await bot.send_message(chat_id, html.unescape(re.sub(r"<[^>]*>", "", part)),
                                      parse_mode=None, **kwargs)


async def send_html(bot, chat_id: int, text: str, *, reply_markup: InlineKeyboardMarkup | None = None,
                    reply_to: int | None = None, thread_id: int | None = None, pace: float = PART_PACE,
                    max_parts: int = MAX_PARTS) -> Message | None:
    """Send ``text`` (already HTML) in as many messages as it takes (at most ``max_parts``: the
    rest is cut with a note); buttons on the last one.  ``pace``: seconds between the parts
    (Telegram allows about one message a second per chat, with short bursts)."""
    parts = message_parts(text, max_parts)
    last = None
    for i, part in enumerate(parts):
        if i and pace:
            await asyncio.sleep(pace)
        last = await send_part(bot, chat_id, part,
                               reply_markup=reply_markup if i == len(parts) - 1 else None,
                               reply_to_message_id=reply_to if i == 0 else None, message_thread_id=thread_id,
                               allow_sending_without_reply=True)
    return last


async def reply_html(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                     reply_markup: InlineKeyboardMarkup | None = None) -> Message | None:
    msg = update.effective_message
    chat = update.effective_chat
    in_group = chat.type != ChatType.PRIVATE
    return await send_html(context.bot, chat.id, text, reply_markup=reply_markup,
                           reply_to=msg.message_id if (in_group and msg) else None,
                           thread_id=msg.message_thread_id if (msg and msg.is_topic_message) else None)


def esc(value: Any) -> str:
    return html.escape(str(value), quote=False)


# ---------------------------------------------------------------------- sessions and pending choices

def chat_session(context: ContextTypes.DEFAULT_TYPE) -> ChatSession:
    """This chat's follow-up context; a fresh one once the old has expired."""
    minutes = float(services(context).setting("chat", "context_minutes", 30))
    session = context.chat_data.get("session")
    if session is None or session.expired():
        session = ChatSession(ttl_seconds=minutes * 60)
        context.chat_data["session"] = session
    return session


def _remember_pending(context: ContextTypes.DEFAULT_TYPE, question: str, forced: dict[str, Any]) -> int:
    pending: dict[int, dict] = context.chat_data.setdefault("pending", {})
    token = context.chat_data.get("pending_seq", 0) + 1
    context.chat_data["pending_seq"] = token
    pending[token] = {"question": question, **forced}
    for old in sorted(pending)[:-PENDING_KEEP]:
        del pending[old]
    return token


def keyboard_for(answer: Answer, token: int) -> InlineKeyboardMarkup | None:
    """One button per choice: which agency / which year when the question was ambiguous, and
    the nearest names or the years on file when it found nothing (a "did you mean")."""
    if answer.status not in ("ambiguous", "not_found") or not answer.candidates:
        return None
    rows = []
    for c in answer.candidates[:24]:
        label = c.label if len(c.label) <= 60 else c.label[:59] + "…"
        rows.append([InlineKeyboardButton(label, callback_data=f"pick:{token}:{c.kind[0]}:{c.value}")])
    return InlineKeyboardMarkup(rows)


# ---------------------------------------------------------------------- answering

def _chart_points(answer: Answer) -> list[tuple[int, float]]:
    if answer.kind != "trend" or answer.status != "answered":
        return []
    points: dict[int, float] = {}
    for v in answer.values:
        year, value = v.get("year"), v.get("value")
        if year is not None and isinstance(value, (int, float)):
            points[int(year)] = float(value)
    return sorted(points.items()) if len(points) >= 3 else []


def trend_chart(answer: Answer) -> bytes | None:
    """A PNG bar chart of a trend (three years or more), drawn with Pillow; None without it."""
    points = _chart_points(answer)
    if not points:
        return None
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    try:
        try:
            font = ImageFont.load_default(size=18)
        except TypeError:  # Pillow < 10.1
            font = ImageFont.load_default()
        width, height = max(480, 110 * len(points) + 80), 420
        left, right, top, bottom = 40, 40, 50, 60
        img = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(img)
        base = height - bottom
        top_value = max(max(v for _, v in points), 0) or 1.0
        slot = (width - left - right) / len(points)
        bar = slot * 0.6
        draw.line([(left, base), (width - right, base)], fill=(120, 120, 120), width=2)
        for i, (year, value) in enumerate(points):
            x = left + slot * i + (slot - bar) / 2
            h = (height - top - bottom) * max(value, 0) / top_value
            draw.rectangle([x, base - h, x + bar, base], fill=(52, 120, 198))
            label = figure_text(value)
            draw.text((x + bar / 2, base - h - 6), label, fill=(30, 30, 30), font=font, anchor="md")
            draw.text((x + bar / 2, base + 10), str(year), fill=(30, 30, 30), font=font, anchor="ma")
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        return buf.getvalue()
    except Exception:  # a chart is a bonus: never let it cost the answer
        log.exception("could not draw a chart")
        return None


def chart_caption(answer: Answer) -> str:
    agency = (answer.agency or {}).get("name") or ""
    metric = (answer.metric or {}).get("label") or ""
    unit = f"（{answer.unit}）" if answer.unit else ""
    return esc(f"📊 {agency} {metric}{unit}".strip())[:1000]


async def log_question(sv: Services, question: str, answer: Answer, chat_type: str, ms: int,
                       update_id: int | None = None) -> int | None:
    """One log line, and a row of the question log written off the event loop (``update_id``: the
    row of an ambiguous question a tap completed; -1: the log line only).  A failure to write is
    logged and costs nothing else."""
    qlog.info("question chat=%s status=%s kind=%s ms=%d%s text=%r", chat_type or "-", answer.status, answer.kind,
              ms, " (button)" if update_id else "", question[:200])
    if update_id == -1:
        return -1
    try:
        return await sv.write(lambda store, chats: store.log_question(
            question, answer.status, answer.kind, "telegram", chat_type, ms, update_id=update_id))
    except Exception as exc:
        log.warning("could not log a question: %s", exc)
        return None


async def save_chats(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Save the chats' context now (not at the next persistence interval): the choices just
    offered must survive a crash."""
    try:
        await context.application.update_persistence()
    except Exception as exc:
        log.warning("could not save the chats' context: %s", exc)


_BACKGROUND: set[asyncio.Task] = set()
#: The log write of each question waiting for a tap, by (chat, token): a tap that comes before the
#: write has finished waits for it, so that the tap completes that row rather than adding one.
_PENDING_LOGS: dict[tuple[int, int], asyncio.Task] = {}


def in_background(coro) -> asyncio.Task:
    """Run ``coro`` without holding up the handler (updates are handled one at a time: a handler
    waiting for the write lock would hold up every chat)."""
    task = asyncio.get_running_loop().create_task(coro)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)
    return task


async def drain_background(timeout: float = 30) -> None:
    """Wait for the background writes (at shutdown)."""
    pending = [t for t in _BACKGROUND if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


async def _log_and_remember(context: ContextTypes.DEFAULT_TYPE, sv: Services, question: str, answer: Answer,
                            chat_type: str, ms: int, update_id: int | None, token: int | None) -> None:
    log_id = await log_question(sv, question, answer, chat_type, ms, update_id)
    if token is not None:
        pending = context.chat_data.get("pending", {}).get(token)
        if pending is not None and log_id is not None:
            pending["log_id"] = log_id


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, question: str,
                  forced: dict[str, Any] | None = None, started: float | None = None) -> None:
    """Send an answer (with buttons when it is ambiguous); the question is logged in the
    background: the answer never waits for the log, and goes out even when the log cannot be
    written."""
    sv = services(context)
    forced = forced or {}
    ms = int((time.monotonic() - started) * 1000) if started else 0
    token = None
    markup = None
    if answer.status in ("ambiguous", "not_found") and answer.candidates:
        keep = {k: v for k, v in forced.items() if k in ("agency_id", "year", "command")}
        token = _remember_pending(context, question, {**keep, "log_id": forced.get("log_id"),
                                                      "origin": answer.status})
        markup = keyboard_for(answer, token)
    try:
        await reply_html(update, context, answer.html(), markup)
    finally:
        task = in_background(_log_and_remember(context, sv, question, answer, update.effective_chat.type, ms,
                                                forced.get("log_id"), token))
        if token is not None:
            key = (update.effective_chat.id, token)
            _PENDING_LOGS[key] = task
            task.add_done_callback(lambda _t, key=key: _PENDING_LOGS.pop(key, None))
        if token is not None:  # the choices offered must survive a crash
            in_background(save_chats(context))
    if sv.setting("chat", "trend_charts", True) not in (False, "false", "0", 0):
        chart = trend_chart(answer)
        if chart:
            await context.bot.send_photo(update.effective_chat.id, chart, caption=chart_caption(answer))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    question = question.strip()
    if not question:
        await reply_html(update, context, "请输入问题，例如：" + esc(_examples(context)[0]))
        return
    if update.effective_chat.type == ChatType.PRIVATE:  # in groups it would eat the 20/min quota
        try:
            await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        except Exception:  # cosmetic
            pass
    session = chat_session(context)
    started = time.monotonic()
    answer = services(context).answerer.answer(question, session)
    session.touch()
    await deliver(update, context, answer, question, started=started)


def _examples(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    try:
        examples = list(services(context).answerer.examples())
    except Exception:
        log.exception("answerer.examples() failed")
        examples = []
    return examples or ["后湖街道2021年收到几件申请"]


# ---------------------------------------------------------------------- text messages

def _mentions_bot(message: Message, username: str, bot_id: int) -> str | None:
    """The question when ``message`` is addressed to the bot (mention or reply), else None."""
    text = message.text or ""
    handle = "@" + username.lower()
    for ent in message.entities or ():
        if ent.type == MessageEntity.MENTION:
            if message.parse_entity(ent).lower() == handle:
                return (text[:_offset(text, ent.offset)] + " "
                        + text[_offset(text, ent.offset + ent.length):]).strip()
        elif ent.type == MessageEntity.TEXT_MENTION and ent.user and ent.user.id == bot_id:
            return text.replace(message.parse_entity(ent), " ").strip()
    if username and handle in text.lower():  # a mention typed without its entity
        pos = text.lower().index(handle)
        return (text[:pos] + " " + text[pos + len(handle):]).strip()
    reply = message.reply_to_message
    if reply and reply.from_user and reply.from_user.id == bot_id:
        return text.strip()
    return None


def _offset(text: str, utf16_offset: int) -> int:
    """Python index of a UTF-16 offset (Telegram counts entities in UTF-16 code units)."""
    return len(text.encode("utf-16-le")[: utf16_offset * 2].decode("utf-16-le", errors="ignore"))


COMMAND_TEXT = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+|$)(.*)$", re.S)


async def _command_without_entity(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A "/command" that came without its bot_command entity (Telegram always sends one; a
    client or stand-in server may not): run the command's handler all the same."""
    m = COMMAND_TEXT.match(update.effective_message.text or "")
    if not m:
        return False
    name, target, rest = m.group(1).lower(), m.group(2), m.group(3)
    if target and target.lower() != (context.bot.username or "").lower():
        return True  # meant for another bot
    for handler in context.application.handlers.get(0, []):
        if isinstance(handler, CommandHandler) and name in handler.commands:
            context.args = rest.split()
            await handler.callback(update, context)
            return True
    if update.effective_chat.type == ChatType.PRIVATE:
        await on_unknown_command(update, context)
    return True


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await _command_without_entity(update, context):
        return
    await ask(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    msg = update.effective_message
    if await _command_without_entity(update, context):
        return
    question = _mentions_bot(msg, context.bot.username or "", context.bot.id)
    if question is None:
        return  # people talking among themselves
    if not question:
        await reply_html(update, context, "您好！请在 @我 后面写上问题，例如：@" + esc(context.bot.username)
                         + " " + esc(_examples(context)[0]))
        return
    await ask(update, context, question)


# ---------------------------------------------------------------------- commands

def help_text(context: ContextTypes.DEFAULT_TYPE, is_admin: bool = False) -> str:
    examples = "\n".join("• " + esc(q) for q in _examples(context)[:8])
    lines = [
        "我可以回答<b>政府信息公开工作年度报告</b>里的问题：数字、出处、对比、趋势和排名。",
        "",
        "直接提问即可，例如：",
        examples,
        "",
        "可以接着追问，例如“那2022年呢”“企业呢”。",
        "",
        "<b>命令</b>",
        "/agencies [筛选] — 有哪些机构",
        "/years 机构 — 某机构有哪些年份的报告",
        "/report 机构 [年份] — 一份报告的概况",
        "/compare 机构 年份 年份 — 两年对比（如 /compare 后湖街道 2021 2022）",
        "/rank 年份 [指标] — 排名（如 /rank 2021 收到申请）",
        "/subscribe [地区或机构] — 订阅新报告的每日摘要",
        "/unsubscribe — 取消订阅；/subscriptions — 查看订阅",
        "",
        "在群里：@我 提问、回复我的消息，或用 /ask 问题。",
    ]
    if is_admin:
        lines += ["", "<b>管理员</b>",
                  "/reload — 读取收件箱中的新报告", "直接发送报告文件（PDF、docx、HTML、txt）— 入库",
                  "/stats — 统计；/unanswered — 未能回答的问题；/digest — 立即发送摘要"]
    return "\n".join(lines)


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    user = update.effective_user
    await reply_html(update, context, "您好！" + help_text(context, sv.is_admin(user.id if user else None)))


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    user = update.effective_user
    await reply_html(update, context, help_text(context, sv.is_admin(user.id if user else None)))


async def cmd_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await ask(update, context, " ".join(context.args or []))


async def _core(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, call) -> None:
    """Answer a command through the answering core.  ``question`` is the command as a question
    the core understands: it is logged, and re-asked with the choice when a button is tapped."""
    started = time.monotonic()
    answer = call()
    await deliver(update, context, answer, question, {"command": True}, started=started)


async def cmd_agencies(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = " ".join(context.args or [])
    await _core(update, context, f"有哪些{text}单位" if text else "有哪些单位",
                lambda: services(context).answerer.list_agencies(text))


async def cmd_years(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    agency = " ".join(context.args or []).strip()
    if not agency:
        await reply_html(update, context, "用法：/years 机构，例如 /years 后湖街道")
        return
    await _core(update, context, f"{agency}有哪些年份的报告", lambda: services(context).answerer.years(agency))


YEAR_ARG = re.compile(r"^((?:19|20)\d{2}|\d{2})年?$")


def _year(token: str) -> int | None:
    m = YEAR_ARG.match(token)
    if not m:
        return None
    y = int(m.group(1))
    return y + 2000 if y < 100 else y


async def cmd_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = list(context.args or [])
    year = _year(args[-1]) if args else None
    if year is not None:
        args = args[:-1]
    elif args:  # "后湖街道2021" in one word
        m = re.match(r"^(.+?)((?:19|20)\d{2})年?$", args[-1])
        if m:
            args[-1], year = m.group(1), int(m.group(2))
    agency = " ".join(args).strip()
    if not agency:
        await reply_html(update, context, "用法：/report 机构 [年份]，例如 /report 后湖街道 2021")
        return
    await _core(update, context, f"{agency}{year}年的报告概况" if year else f"{agency}的报告概况",
                lambda: services(context).answerer.overview(agency, year))


RANK_HINT = re.compile(r"排名|排行|最多|最少|前\d+|后\d+|多少名")


def _join_args(args: list[str]) -> tuple[str, bool]:
    """Arguments as one question: years as 2021年, two years or two names joined by 和."""
    parts: list[str] = []
    prev = None
    has_metric = False
    for tok in args:
        year = _year(tok)
        kind = "year" if year else ("metric" if find_hits(tok) else "name")  # the template's figure words
        has_metric = has_metric or kind == "metric"
        if prev == kind and kind in ("year", "name"):
            parts.append("和")
        parts.append(f"{year}年" if year else tok)
        prev = kind
    return "".join(parts), has_metric


def compare_question(args: list[str]) -> str:
    """``/compare 后湖街道 2021 2022`` reads as ``后湖街道2021年和2022年收到申请对比`` (for the log; the
    answer comes from :func:`bot.intent.compare_intent`)."""
    text, has_metric = _join_args(args)
    if not has_metric:
        text += "收到申请"
    return text + ("" if re.search(r"对比|比较|相比|变化", text) else "对比")


def rank_question(args: list[str]) -> str:
    """``/rank 2021 收到申请`` reads as ``2021年收到申请排名`` (for the log; the answer comes from
    :func:`bot.intent.rank_intent`)."""
    text, has_metric = _join_args(args)
    if not has_metric:
        text += "收到申请"
    return text + ("" if RANK_HINT.search(text) else "排名")


async def ask_intent(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, build) -> None:
    """Answer an Intent a command built (``build(answerer, session) -> Intent``); ``question`` is how
    the command reads as a question, for the log."""
    session = chat_session(context)
    started = time.monotonic()
    answerer = services(context).answerer
    answer = answerer.answer_intent(build(answerer, session), session)
    answer.question = question
    session.touch()
    await deliver(update, context, answer, question, started=started)


async def cmd_compare(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await reply_html(update, context, "用法：/compare 机构 年份 年份 [指标]，例如 /compare 后湖街道 2021 2022；"
                                          "或 /compare 机构 机构 年份")
        return
    args = list(context.args)
    await ask_intent(update, context, compare_question(args),
                     lambda answerer, session: compare_intent(args, answerer.context(session)))


async def cmd_rank(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await reply_html(update, context, "用法：/rank 年份 [指标] [地区]，例如 /rank 2021 收到申请")
        return
    args = list(context.args)
    await ask_intent(update, context, rank_question(args),
                     lambda answerer, session: rank_intent(args, answerer.context(session)))


# ---------------------------------------------------------------------- button taps

async def on_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    try:
        _, token, kind, value = (query.data or "").split(":")
        token_i, value_i = int(token), int(value)
    except ValueError:
        await _answer_query(query)
        return
    logging_it = _PENDING_LOGS.get((update.effective_chat.id, token_i)) if update.effective_chat else None
    if logging_it is not None:  # the question's log row is still being written
        await asyncio.wait([logging_it], timeout=10)
    pending = context.chat_data.get("pending", {}).pop(token_i, None)
    label = value
    if query.message and getattr(query.message, "reply_markup", None):
        for row in query.message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == query.data:
                    label = button.text
    if pending is None:
        await _answer_query(query, "这个选择已过期，请重新提问。")
        await _close_keyboard(query, None)
        return
    await _answer_query(query)
    await _close_keyboard(query, label)
    forced = {k: pending[k] for k in ("agency_id", "year") if pending.get(k) is not None}
    forced["agency_id" if kind == "a" else "year"] = value_i
    # a typed question is re-asked in the chat's context; a command (/years, /report) stands alone
    session = None if pending.get("command") else chat_session(context)
    started = time.monotonic()
    answer = services(context).answerer.answer(pending["question"], session, **forced)
    if session is not None:
        session.touch()
    # an ambiguous question completed by the tap is one question answered; a question that found
    # nothing stays "not found" in the log (what to improve), the tap is only logged
    log_id = pending.get("log_id") if pending.get("origin") == "ambiguous" else -1
    extra = {"log_id": log_id, "command": pending.get("command")}
    await deliver(update, context, answer, pending["question"], {**forced, **extra}, started)


async def _answer_query(query, text: str | None = None) -> None:
    try:
        await query.answer(text)
    except TelegramError as exc:  # too old, or already answered: the answer matters more
        log.debug("could not answer the callback query: %s", exc)


async def _close_keyboard(query, label: str | None) -> None:
    """Take the buttons off the question, noting the choice made."""
    msg = query.message
    try:
        if label is not None and msg is not None and getattr(msg, "text", None):
            await query.edit_message_text(esc(msg.text) + "\n\n✅ " + esc(label), reply_markup=None)
        else:
            await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # too old to edit, or unchanged: the answer still follows
        log.debug("could not edit the choice message: %s", exc)


async def on_my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a group: say how to use the bot there.  Removed or blocked: drop the chat's
    digest subscriptions."""
    change = update.my_chat_member
    if change is None:
        return
    was = change.old_chat_member.status
    now = change.new_chat_member.status
    gone = (ChatMember.LEFT, ChatMember.BANNED)
    if now in gone:
        chat_id = change.chat.id
        if await services(context).write(lambda store, chats: chats.unsubscribe(chat_id)):
            log.info("removed from a chat: its subscriptions were dropped")
        return
    if was in gone and change.chat.type != ChatType.PRIVATE and now in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
        example = _examples(context)[0]
        await context.bot.send_message(
            change.chat.id,
            "大家好！我回答政府信息公开工作年度报告里的问题。在群里 @" + esc(context.bot.username)
            + " 加上问题（例如 @" + esc(context.bot.username) + " " + esc(example)
            + "），回复我的消息，或用 /ask 问题。/help 查看更多。")


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply_html(update, context, "没有这个命令。/help 查看可用的命令和示例问题；也可以直接提问。")


async def on_private_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply_html(update, context, "我只能回答文字问题，例如：" + esc(_examples(context)[0]))


# ---------------------------------------------------------------------- wiring

def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", cmd_start))
    app.add_handler(CommandHandler("help", cmd_help))
    app.add_handler(CommandHandler("ask", cmd_ask))
    app.add_handler(CommandHandler("agencies", cmd_agencies))
    app.add_handler(CommandHandler("years", cmd_years))
    app.add_handler(CommandHandler("report", cmd_report))
    app.add_handler(CommandHandler("compare", cmd_compare))
    app.add_handler(CommandHandler("rank", cmd_rank))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=r"^pick:"))
    app.add_handler(ChatMemberHandler(on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER, block=False))
    text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & text, on_private_text), group=1)
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & text, on_group_text), group=1)


def register_fallbacks(app: Application) -> None:
    """Last in group 0, after every command handler: unknown commands and non-text messages
    in private chats get a hint instead of silence."""
    private_msg = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private_msg & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(private_msg & ~filters.TEXT & ~filters.Document.ALL & ~filters.StatusUpdate.ALL,
                                   on_private_other))
