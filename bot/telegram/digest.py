"""The digest: subscribed chats get the reports ingested since their last digest.

* ``/subscribe [region or agency]``, ``/unsubscribe [scope]``, ``/subscriptions``; stored in
  ``tg_subscriptions`` (see :mod:`bot.telegram.state`).
* An APScheduler ``AsyncIOScheduler`` runs the digest on ``digest.cron`` in
  ``digest.timezone`` (default ``0 9 * * *`` Asia/Shanghai) and scans the inbox every
  ``digest.inbox_scan_minutes``.
* Each chat has a high-water mark (report id and ingest time); a digest covers the reports
  past it and moves it only once the chat has been sent them.  A restart never sends a report
  twice nor skips one.  When the bot starts after a scheduled time passed while it was down,
  the digest is sent once, straight away.
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

from bot.telegram.handlers import esc, reply_html, send_html, services
from bot.telegram.state import Services, utcnow
from store.template import HEADLINE_FIGURES

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


def describe_schedule(services_: Services) -> str:
    cron = str(services_.setting("digest", "cron", "0 9 * * *")).split()
    tz = services_.setting("digest", "timezone", "Asia/Shanghai")
    if len(cron) == 5 and cron[0].isdigit() and cron[1].isdigit() and cron[2:4] == ["*", "*"]:
        at = f"{int(cron[1]):02d}:{int(cron[0]):02d}（{tz}）"
        days = {"*": "每天", "1-5": "每个工作日", "mon-fri": "每个工作日"}
        week = "一二三四五六日"
        if cron[4].lower() in days:
            return f"{days[cron[4].lower()]} {at}"
        if cron[4].isdigit() and int(cron[4]) <= 7:
            return f"每周{week[(int(cron[4]) - 1) % 7]} {at}"
    return f"按计划（cron “{' '.join(cron)}”，{tz}）"


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
    last = sv.state.get_meta("digest_last_run")
    now = datetime.now(timezone.utc)
    if last is None:  # first start: nothing was missed
        sv.state.set_meta("digest_last_run", now.isoformat(timespec="seconds"))
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
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def report_summary(store, report: dict, compact: bool = False) -> str:
    """One report in a digest (HTML): agency, year, headline figures, problems found, source."""
    values = store.values(report["id"])
    figures = []
    for label, unit, keys in HEADLINE:
        present = [values[k] for k in keys if values.get(k) is not None]
        figures.append(f"{label} {_fmt(sum(present))} {unit}" if present else f"{label} 未填写")
    findings = store.findings(report["id"])  # the audit: the report's own errors and warnings are counted
    problems = [p for p in findings if (p.get("scope") or "report") == "report" and p["severity"] in ("error", "warning")]
    errors = sum(p["severity"] == "error" for p in problems)
    counted = f"错误 {errors} 处，警告 {len(problems) - errors} 处"
    region = report.get("district") or report.get("city") or report.get("province") or ""
    name = esc(report["agency"]) + (f"（{esc(region)}）" if region and region not in report["agency"] else "")
    replaced = next(store.db.query("select outcome from ingest_files where report_id = ? order by id desc limit 1",
                                   [report["id"]]), {}).get("outcome") == "replaced"
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
    state = sv.state
    pace = float(sv.setting("digest", "pace_seconds", 0.05) or 0)
    out = {"chats": 0, "reports": 0, "unsubscribed": 0, "failed": 0}
    subscribers = state.subscribers()
    if only_chat is not None:
        subscribers = {k: v for k, v in subscribers.items() if k == only_chat}
    for chat_id, scopes in subscribers.items():
        mark = state.mark(chat_id)
        if mark is None:  # subscribed before marks existed: start from now
            state.set_mark(chat_id, *state.latest_mark())
            continue
        new = state.new_reports(mark)
        if not new:
            continue
        top = (max([mark[0]] + [r["id"] for r in new]), max([mark[1]] + [r["ingested_at"] or "" for r in new]))
        relevant = [r for r in new if matches(r, scopes)]
        if relevant:
            try:
                await send_html(app.bot, chat_id, digest_text(sv.store, relevant), pace=1.0)
            except Forbidden as exc:
                log.info("digest: chat blocked the bot (%s): unsubscribed", exc.message)
                state.unsubscribe(chat_id)
                out["unsubscribed"] += 1
                continue
            except BadRequest as exc:
                if "chat not found" in exc.message.lower() or "deactivated" in exc.message.lower():
                    log.info("digest: chat is gone (%s): unsubscribed", exc.message)
                    state.unsubscribe(chat_id)
                    out["unsubscribed"] += 1
                else:
                    log.warning("digest: could not send to a chat: %s", exc.message)
                    out["failed"] += 1
                continue
            except TelegramError as exc:  # network, flood control beyond the retries: next time
                log.warning("digest: sending failed, will retry at the next digest: %s", exc)
                out["failed"] += 1
                continue
            out["chats"] += 1
            out["reports"] += len(relevant)
            state.set_mark(chat_id, *top)
            if pace:
                await asyncio.sleep(pace)
            continue
        if state.scopes(chat_id):  # (it may have unsubscribed meanwhile)
            state.set_mark(chat_id, *top)
    if only_chat is None:
        state.set_meta("digest_last_run", utcnow())
    log.info("digest: %d chats, %d reports, %d unsubscribed, %d failed", out["chats"], out["reports"],
             out["unsubscribed"], out["failed"])
    return out


# ---------------------------------------------------------------------- commands

async def cmd_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    scope = " ".join(context.args or []).strip()
    chat_id = update.effective_chat.id
    what = f"“{esc(scope)}”的新报告" if scope else "所有新报告"
    if not sv.state.subscribe(chat_id, scope):
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
    n = sv.state.unsubscribe(update.effective_chat.id, scope)
    if n:
        await reply_html(update, context, "已取消订阅" + (f"“{esc(scope)}”" if scope else "") + "。")
    else:
        await reply_html(update, context, "这个会话没有" + (f"“{esc(scope)}”的" if scope else "")
                         + "订阅。/subscribe 订阅新报告摘要。")


async def cmd_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    scopes = sv.state.scopes(update.effective_chat.id)
    if not scopes:
        await reply_html(update, context, "这个会话还没有订阅。/subscribe [地区或机构] 订阅新报告摘要。")
        return
    lines = ["本会话的订阅（" + describe_schedule(sv) + "发送）："]
    lines += ["• " + (esc(s) if s else "所有新报告") for s in scopes]
    await reply_html(update, context, "\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("subscribe", cmd_subscribe))
    app.add_handler(CommandHandler("unsubscribe", cmd_unsubscribe))
    app.add_handler(CommandHandler("subscriptions", cmd_subscriptions))
