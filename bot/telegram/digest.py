"""The digest: subscribed chats get the reports ingested since their last digest.

* ``/subscribe [region or agency]``, ``/unsubscribe [scope]``, ``/subscriptions``; stored in
  ``tg_subscriptions`` (see :mod:`bot.telegram.state`).
* An APScheduler ``AsyncIOScheduler`` runs the digest on ``digest.cron`` in
  ``digest.timezone`` (default ``0 9 * * *`` Asia/Shanghai) and scans the inbox every
  ``digest.inbox_scan_minutes``.
* Each chat has a high-water mark (report id and ingest time); a digest covers the reports
  past it.  Before its first message goes out, the digest's messages and the mark it moves to
  are saved in the chat's outbox (``tg_digest_outbox``); each message sent is recorded as it
  goes, and the mark moves when the last has gone.  So a crash or restart neither skips a
  digest (the outbox is finished first) nor sends again what went out: at most the one
  message Telegram accepted in the instant before the crash.  When the bot starts after a
  scheduled time passed while it was down, the digest is sent once, straight away.
* Figures are computed by the answering core's code (:func:`bot.figures.compute`); a figure
  that could not be read says so (未能读出), never "未填写", which only a cell the report left
  empty gets.
* The schedule is told in words (每天9点（北京时间）), never as cron text.
* Nothing new → nothing sent.  Chats are paced (``digest.pace_seconds`` apart, within
  Telegram's ~30 messages/s); a chat that blocked the bot is unsubscribed.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.figures import compute
from bot.metrics import MetricQuery
from bot.telegram.handlers import esc, message_parts, reply_html, send_part, services
from bot.telegram.state import Services
from store.db import now as utcnow
from store.numbers import figure_text
from store.template import DERIVED_SUMS, HEADLINE_FIGURES

log = logging.getLogger(__name__)

#: The figures a digest shows for each report live with the template.
HEADLINE = HEADLINE_FIGURES
COMPACT_AFTER = 15  # more new reports than this: one line each
LISTED_MAX = 150  # at most this many reports listed in one digest (about four messages)


# ---------------------------------------------------------------------- schedule

def timezone_of(services_: Services) -> tzinfo:
    name = services_.setting("digest", "timezone", "Asia/Shanghai")
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        if name in ("Asia/Shanghai", "Asia/Chongqing", "PRC", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei"):
            log.warning("time zone data for %r not found (pip install tzdata); using UTC+8", name)
            return timezone(timedelta(hours=8), name)
        raise ValueError(f"unknown time zone {name!r}")


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) for APScheduler 3, which counts 0 as
    Monday: numbers become names ("1-5" -> "mon,tue,wed,thu,fri")."""
    out: list[str] = []
    for part in field.lower().split(","):
        single = re.fullmatch(r"\d+", part)
        span = re.fullmatch(r"(\d+)-(\d+)", part)
        if single:
            out.append(_WEEKDAYS[int(part)])
        elif span:
            a, b = int(span.group(1)), int(span.group(2))
            if a > b or b > 7:
                raise ValueError(f"bad day-of-week range {part!r}")
            out += [_WEEKDAYS[i] for i in range(a, b + 1)]
        else:
            out.append(part)  # *, */2, names
    return ",".join(dict.fromkeys(out))


def cron_trigger(services_: Services):
    """The digest schedule: a standard crontab line (minute hour day month day-of-week)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = str(services_.setting("digest", "cron", "0 9 * * *")).split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 crontab fields, got {len(fields)}")
    minute, hour, day, month, weekday = fields
    try:
        weekday = _crontab_weekdays(weekday)
    except IndexError:
        raise ValueError(f"bad day of week {weekday!r}") from None
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                       timezone=timezone_of(services_))


CHINA_ZONES = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC")
WEEKDAY_ZH = "一二三四五六日"


def _clock(hour: str, minute: str) -> str:
    h, m = int(hour), int(minute)
    return f"{h}点" + (f"{m}分" if m else "")


def _weekdays_zh(field: str) -> str | None:
    """A crontab day-of-week field in words: 每天, 每个工作日, 每周一, 每周一、三、五, 每个周末."""
    field = field.lower()
    if field in ("*", "?"):
        return "每天"
    names = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
    days: set[int] = set()
    try:
        for part in _crontab_weekdays(field).split(","):
            a, _, b = part.partition("-")
            first, last = names.index(a[:3]), names.index((b or a)[:3])
            days.update(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
    except (ValueError, IndexError):
        return None
    days = sorted({d or 7 for d in days})  # 1 = Monday … 7 = Sunday
    if days == [1, 2, 3, 4, 5]:
        return "每个工作日"
    if days == [6, 7]:
        return "每个周末"
    return "每周" + "、".join(WEEKDAY_ZH[d - 1] for d in days)


def describe_schedule(services_: Services) -> str:
    """The digest schedule in words: 每天9点（北京时间）, 每周一8点30分, 每月1日9点 …"""
    cron = str(services_.setting("digest", "cron", "0 9 * * *")).split()
    tz = services_.setting("digest", "timezone", "Asia/Shanghai")
    zone = "（北京时间）" if tz in CHINA_ZONES else f"（{tz}时间）"
    if len(cron) == 5 and cron[0].isdigit() and cron[1].isdigit() and cron[3] == "*":
        at = _clock(cron[1], cron[0])
        if cron[2] == "*":
            days = _weekdays_zh(cron[4])
            if days:
                return f"{days}{at}{zone}"
        elif cron[2].isdigit() and cron[4] == "*":
            return f"每月{int(cron[2])}日{at}{zone}"
    try:
        nxt = cron_trigger(services_).get_next_fire_time(None, datetime.now(timezone_of(services_)))
    except Exception:
        nxt = None
    if nxt is None:
        return "按设定的时间"
    return f"按设定的时间（下一次：{nxt.month}月{nxt.day}日{_clock(str(nxt.hour), str(nxt.minute))}{zone}）"


def start_scheduler(app: Application) -> Any:
    """Start the digest (cron) and inbox-scan (interval) jobs on the running event loop."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    from bot.telegram import admin

    sv: Services = app.bot_data["services"]
    scheduler = AsyncIOScheduler(timezone=timezone_of(sv))
    scheduler.add_job(scheduled_digest, cron_trigger(sv), args=[app], id="digest", coalesce=True,
                      max_instances=1, misfire_grace_time=3600)
    minutes = float(sv.setting("digest", "inbox_scan_minutes", 0) or 0)
    if minutes > 0:
        scheduler.add_job(admin.scan_inbox, IntervalTrigger(minutes=minutes), args=[app], id="inbox",
                          coalesce=True, max_instances=1)
    scheduler.start()
    sv.scheduler = scheduler
    return scheduler


async def scheduled_digest(app: Application) -> None:
    try:
        await send_digest(app)
    except Exception:
        log.exception("the scheduled digest failed")


async def catch_up(app: Application) -> bool:
    """On startup: when a scheduled digest time passed since the last digest ran (the bot was
    down), send the digest now, once.  Returns True when it did."""
    sv: Services = app.bot_data["services"]
    last = sv.chats.get_meta("digest_last_run")
    now = datetime.now(timezone.utc)
    if sv.chats.outboxes():  # a digest a crash or restart interrupted: finish it
        log.info("finishing a digest that was interrupted")
        await send_digest(app)
        return True
    if last is None:  # first start: nothing was missed
        stamp = now.isoformat(timespec="seconds")
        await sv.write(lambda store, chats: chats.set_meta("digest_last_run", stamp))
        return False
    try:
        last_dt = datetime.fromisoformat(last)
    except ValueError:
        last_dt = now
    due = cron_trigger(sv).get_next_fire_time(None, last_dt.astimezone(timezone_of(sv)))
    if due is None or due > now:
        return False
    log.info("a digest was due at %s while the bot was down: sending it now", due.isoformat())
    await send_digest(app)
    return True


# ---------------------------------------------------------------------- the digest itself

def matches(report: dict, scopes: list[str]) -> bool:
    if not scopes or "" in scopes:
        return True
    names = "".join(str(report.get(k) or "") for k in ("province", "city", "district", "agency", "short_name"))
    return any(scope in names or scope in str(report.get("title") or "") for scope in scopes)


def _fmt(value: float) -> str:
    return figure_text(value)


def headline_query(keys: tuple[str, ...]) -> MetricQuery | None:
    """The figure a digest headline shows, as the answering core asks for it: one cell, or a
    derived sum whose parts are these cells."""
    col = keys[0].rsplit(".", 1)[1]
    if len(keys) == 1:
        prefix = keys[0].rsplit(".", 1)[0]
        family = "active" if prefix.startswith("active.") else ("applicant" if prefix.startswith("apply.") else "result")
        return MetricQuery(prefix, col, family, "cell")
    for d in DERIVED_SUMS:
        if tuple(f"{p}.{col}" for p in d.parts) == tuple(keys):
            return MetricQuery(d.key, col, "result" if d.key.startswith("suit") else "applicant", "sum")
    return None


def headline_figure(cells: dict[str, dict], version: str, label: str, unit: str, keys: tuple[str, ...]) -> str:
    """One headline figure of a report: its value; “未填写” only when the report left it empty;
    “未能读出” when it could not be read."""
    query = headline_query(keys)
    if query is None:
        return f"{label} 未能读出"
    fig = compute(query, version, cells)
    if fig.has_value:
        return f"{label} {_fmt(fig.value)} {unit}"
    if fig.status == "blank":
        return f"{label} 报告未填写"
    if fig.status == "na":
        raws = [c.get("raw") for c in fig.cells if c.get("raw")]
        return f"{label} {raws[0]}" if raws else f"{label} 未能读出"
    return f"{label} 未能读出"


def report_summary(store, report: dict, compact: bool = False) -> str:
    """One report in a digest (HTML): agency, year, headline figures, problems found, source."""
    cells = store.cells(report["id"])
    version = report.get("template") or "2021"
    figures = [headline_figure(cells, version, label, unit, keys) for label, unit, keys in HEADLINE]
    findings = store.findings(report["id"])  # the audit: the report's own errors and warnings are counted
    problems = [p for p in findings if (p.get("scope") or "report") == "report" and p["severity"] in ("error", "warning")]
    errors = sum(p["severity"] == "error" for p in problems)
    counted = f"错误 {errors} 处，警告 {len(problems) - errors} 处"
    region = report.get("district") or report.get("city") or report.get("province") or ""
    name = esc(report["agency"]) + (f"（{esc(region)}）" if region and region not in report["agency"] else "")
    replaced = store.ingest_outcome(report["id"]) == "replaced"
    updated = "（新版本，替换了此前收录的报告）" if replaced else ""
    if compact:
        return (f"• <b>{name}</b> {report['year']}年{'（新版本）' if replaced else ''}：{esc(figures[0])}"
                + (f"；{counted}" if problems else ""))
    lines = [f"<b>{name}</b> {report['year']}年{updated}", "；".join(esc(f) for f in figures)]
    if problems:
        shown = "；".join(esc(p["message"]) for p in problems[:3])
        more = " 等" if len(problems) > 3 else ""
        lines.append(f"⚠️ 审查发现{counted}：{shown}{more}")
    else:
        lines.append("审查未发现错误或警告")
    source = report.get("title") or ""
    file = (report.get("file") or "").replace("\\", "/").rsplit("/", 1)[-1]
    lines.append("来源：" + esc(source) + (f"（{esc(file)}）" if file else ""))
    return "\n".join(lines)


def digest_text(store, reports: list[dict]) -> str:
    compact = len(reports) > COMPACT_AFTER
    head = f"📬 <b>新入库的报告</b>：{len(reports)} 份"
    shown = reports[:LISTED_MAX]
    body = ("\n" if compact else "\n\n").join(report_summary(store, r, compact) for r in shown)
    if len(reports) > len(shown):
        body += f"\n…… 另有 {len(reports) - len(shown)} 份（/agencies 查看全部单位）"
    return f"{head}\n\n{body}\n\n问具体数字请直接提问；/unsubscribe 取消订阅。"


async def send_digest(app: Application, only_chat: int | None = None) -> dict[str, int]:
    """Send every subscribed chat (or ``only_chat``) the reports ingested since its last digest.
    Returns counts: chats sent to, reports sent, chats unsubscribed (blocked), failures.
    Digests never overlap: a second one waits, and then finds nothing new to send."""
    sv: Services = app.bot_data["services"]
    async with sv.digest_lock:
        return await _send_digest(app, sv, only_chat)


async def _send_digest(app: Application, sv: Services, only_chat: int | None) -> dict[str, int]:
    chats, write = sv.chats, sv.write
    pace = float(sv.setting("digest", "pace_seconds", 0.05) or 0)
    out = {"chats": 0, "reports": 0, "unsubscribed": 0, "failed": 0}
    subscribers = chats.subscribers()
    if only_chat is not None:
        subscribers = {k: v for k, v in subscribers.items() if k == only_chat}
    for chat_id, scopes in subscribers.items():
        box = chats.outbox(chat_id)  # a digest interrupted by a crash: finish it first
        count = 0
        if box is None:
            mark = chats.mark(chat_id)
            if mark is None:  # subscribed before marks existed: start from now
                await write(lambda store, c, cid=chat_id: c.set_mark(cid, *c.latest_mark()))
                continue
            new = chats.new_reports(mark)
            if not new:
                continue
            top = (max([mark[0]] + [r["id"] for r in new]), max([mark[1]] + [r["ingested_at"] or "" for r in new]))
            relevant = [r for r in new if matches(r, scopes)]
            if not relevant:
                await write(lambda store, c, cid=chat_id, t=top: c.scopes(cid) and c.set_mark(cid, *t))
                continue
            parts = message_parts(digest_text(sv.store, relevant))
            await write(lambda store, c, cid=chat_id, p=parts, t=top: c.put_outbox(cid, p, t))
            box = {"parts": parts, "next_part": 0, "mark": top}
            count = len(relevant)
        try:
            await _send_outbox(app, sv, chat_id, box)
        except Forbidden as exc:
            log.info("digest: chat blocked the bot (%s): unsubscribed", exc.message)
            await write(lambda store, c, cid=chat_id: c.unsubscribe(cid))
            out["unsubscribed"] += 1
            continue
        except BadRequest as exc:
            if "chat not found" in exc.message.lower() or "deactivated" in exc.message.lower():
                log.info("digest: chat is gone (%s): unsubscribed", exc.message)
                await write(lambda store, c, cid=chat_id: c.unsubscribe(cid))
                out["unsubscribed"] += 1
            else:
                log.warning("digest: could not send to a chat: %s", exc.message)
                out["failed"] += 1
            continue
        except TelegramError as exc:  # network, flood control beyond the retries: next time
            log.warning("digest: sending failed, will go on at the next digest: %s", exc)
            out["failed"] += 1
            continue
        out["chats"] += 1
        out["reports"] += count
        if pace:
            await asyncio.sleep(pace)
    if only_chat is None:
        stamp = utcnow()
        await write(lambda store, c: c.set_meta("digest_last_run", stamp))
    log.info("digest: %d chats, %d reports, %d unsubscribed, %d failed", out["chats"], out["reports"],
             out["unsubscribed"], out["failed"])
    return out


async def _send_outbox(app: Application, sv: Services, chat_id: int, box: dict) -> None:
    """Send a chat's digest from where it stopped, recording each message as it goes; when the
    last has gone, the chat's mark moves and its outbox empties (one transaction)."""
    parts = box["parts"]
    for i in range(box["next_part"], len(parts)):
        if i > box["next_part"]:
            await asyncio.sleep(1.0)  # about one message a second per chat
        await send_part(app.bot, chat_id, parts[i])
        await sv.write(lambda store, c, n=i + 1: c.part_sent(chat_id, n))
    await sv.write(lambda store, c: c.outbox_done(chat_id))


# ---------------------------------------------------------------------- commands

async def cmd_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    scope = " ".join(context.args or []).strip()
    chat_id = update.effective_chat.id
    what = f"“{esc(scope)}”的新报告" if scope else "所有新报告"
    try:
        added = await sv.write(lambda store, chats: chats.subscribe(chat_id, scope))
    except Exception as exc:
        log.warning("could not save a subscription: %s", exc)
        await reply_html(update, context, "抱歉，暂时无法保存订阅，请稍后再试。")
        return
    if not added:
        await reply_html(update, context, f"已经订阅过{what}了。/subscriptions 查看订阅。")
        return
    note = ""
    if scope and not any(matches(r, [scope]) for r in sv.store.reports()):
        note = f"\n（目前库里还没有与“{esc(scope)}”相符的报告；有了就会通知您。）"
    await reply_html(update, context, f"✅ 已订阅{what}摘要，{describe_schedule(sv)}发送；"
                                      f"没有新报告时不打扰。{note}\n/unsubscribe 取消订阅。")


async def cmd_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    scope = " ".join(context.args or []).strip() or None
    chat_id = update.effective_chat.id
    try:
        n = await sv.write(lambda store, chats: chats.unsubscribe(chat_id, scope))
    except Exception as exc:
        log.warning("could not remove a subscription: %s", exc)
        await reply_html(update, context, "抱歉，暂时无法取消订阅，请稍后再试。")
        return
    if n:
        await reply_html(update, context, "已取消订阅" + (f"“{esc(scope)}”" if scope else "") + "。")
    else:
        await reply_html(update, context, "这个会话没有" + (f"“{esc(scope)}”的" if scope else "")
                         + "订阅。/subscribe 订阅新报告摘要。")


async def cmd_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    scopes = sv.chats.scopes(update.effective_chat.id)
    if not scopes:
        await reply_html(update, context, "这个会话还没有订阅。/subscribe [地区或机构] 订阅新报告摘要。")
        return
    lines = ["本会话的订阅（" + describe_schedule(sv) + "发送）："]
    lines += ["• " + (esc(s) if s else "所有新报告") for s in scopes]
    await reply_html(update, context, "\n".join(lines))


def register(app: Application) -> None:
    # they write: block=False, so a write waiting for the lock holds up no other chat
    app.add_handler(CommandHandler("subscribe", cmd_subscribe, block=False))
    app.add_handler(CommandHandler("unsubscribe", cmd_unsubscribe, block=False))
    app.add_handler(CommandHandler("subscriptions", cmd_subscriptions))
