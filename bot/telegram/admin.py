"""Admin commands: for the Telegram user ids in ``telegram.admin_ids`` only.

* ``/reload`` – ingest what is new or changed in the inbox folder (``store.inbox``) and refresh
  the answering core, replying with what was added, replaced and skipped;
* a report sent to the bot as a document (PDF, docx, HTML, text) – size-checked
  (``telegram.max_upload_mb``), saved into the inbox under a safe name, ingested; the reply says
  what was read (agency, year) and the problems found.  An upload that cannot be read is moved
  to the quarantine folder (``store.quarantine``), which is never scanned;
* ``/stats`` – reports, agencies, years, problems, questions asked and unanswered (in the bot
  and on the command line), files in quarantine;
* ``/unanswered`` – the latest questions the bot could not answer;
* ``/digest`` – send the digest now.

Everyone else gets a clear refusal and nothing happens.  The inbox is also scanned on a
schedule (see :func:`bot.telegram.digest.start_scheduler`).  Why a file was skipped is said in
Chinese first, the technical reason after it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.telegram.handlers import esc, reply_html, services
from bot.telegram.state import Services
from store.db import Store
from store.inbox import make_private_dir, quarantine, quarantined, safe_filename, save_upload, write_private
from store.ingest import MANIFEST_NAMES, SUPERSEDED, FileResult, IngestSummary, expand_paths, ingest, printable
from store.readers import SUFFIXES

log = logging.getLogger(__name__)

REFUSAL = "抱歉，这个命令只有管理员可以使用。"
UPLOAD_REFUSAL = "抱歉，只有管理员可以上传报告。您可以直接向我提问，例如“后湖街道2021年收到几件申请”。"
OUTCOME_ZH = {"added": "新增", "replaced": "替换", "unchanged": "未变化", "skipped": "跳过"}
MAX_LISTED = 40
MIME_SUFFIX = {  # for a document sent without a file name
    "application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def admin_only(func):
    @functools.wraps(func)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE):
        user = update.effective_user
        if not services(context).is_admin(user.id if user else None):
            log.info("refused %s for a non-admin", func.__name__)
            await reply_html(update, context, REFUSAL)
            return
        return await func(update, context)

    return wrapper


# ---------------------------------------------------------------------- ingesting

def _ingest_blocking(store: Store, paths: list[Path], inbox: Path) -> IngestSummary:
    """Ingest on a connection of its own (WAL lets the bot keep reading meanwhile)."""
    if store.path == ":memory:":
        return ingest(store, paths, supersede=inbox)
    own = Store(store.path)
    try:
        return ingest(own, paths, supersede=inbox)
    finally:
        own.close()


async def run_ingest(sv: Services, paths: list[Path]) -> IngestSummary:
    """Ingest ``paths`` (one ingest at a time, off the event loop), then refresh the answerer.
    Files of the inbox whose report another file replaced are set aside (``….superseded``)."""
    async with sv.ingest_lock:
        inbox = inbox_dir(sv)
        if sv.store.path == ":memory:":
            summary = _ingest_blocking(sv.store, paths, inbox)
        else:
            summary = await asyncio.to_thread(_ingest_blocking, sv.store, paths, inbox)
        if any(f.outcome in ("added", "replaced") for f in summary.files):
            sv.answerer.refresh()
    c = summary.counts
    log.info("ingest: added %d, replaced %d, unchanged %d, skipped %d", c["added"], c["replaced"],
             c["unchanged"], c["skipped"])
    return summary


def inbox_dir(sv: Services) -> Path:
    return make_private_dir(Path(sv.setting("store", "inbox", "data/inbox")))


def quarantine_dir(sv: Services) -> Path:
    return Path(sv.setting("store", "quarantine", "data/quarantine"))


#: Why a file was skipped, in Chinese, by the start of the technical reason (which follows it).
REASONS_ZH = (
    ("too large", "文件超出可读取的上限（大小、解压后大小、嵌套层数或页数），已跳过"),
    ("file too large", "文件太大，已跳过"),
    ("empty file", "文件是空的"),
    ("encrypted PDF", "PDF 加密了，需要密码才能打开"),
    ("corrupt", "文件已损坏，无法打开"),
    ("old binary Office", "这是旧版 Word/WPS 格式，请另存为 .docx 或 PDF 后再上传"),
    ("binary", "这不是文本文件，无法读取"),
    ("no recognisable report", "没有认出这是一份年度报告（找不到机关名称或年份；可以用清单文件补充）"),
    ("cannot open", "无法打开这个文件"),
    ("the worker process", "读取这个文件时处理进程中断（可能是内存不足），已跳过"),
    ("could not store", "保存到数据库时出错，请稍后再试"),
    ("could not parse", "读取这个文件时出错"),
    ("not readable as HTML", "无法按网页（HTML）读取"),
)


#: Reasons a file was skipped that say nothing against the file (it stays in the inbox).
TRANSIENT = ("could not store", "could not look it up")


def reason_zh(message: str) -> str:
    """A skipped file's reason: a Chinese sentence first, the technical reason after it."""
    lowered = (message or "").lower()
    sentence = next((zh for prefix, zh in REASONS_ZH if prefix.lower() in lowered[:60]), "无法读取这个文件")
    return f"{sentence}。（技术原因：{message}）" if message else sentence + "。"


def _name(path: str) -> str:
    return esc(printable(Path(path).name))


def describe_file(store: Store, f: FileResult) -> str:
    """What was read from one file (HTML)."""
    if f.outcome == "skipped":
        return f"❌ 跳过 {_name(f.path)}：{esc(reason_zh(f.message))}"
    if f.outcome == "unchanged":
        rep = store.report(f.report_id) if f.report_id else None
        what = f"（{esc(rep['agency'])} {rep['year']}年）" if rep else ""
        return f"＝ 未变化 {_name(f.path)}{what}：库里已有同一文件"
    rep = store.report(f.report_id) if f.report_id else None
    agency = rep["agency"] if rep else f.agency
    year = rep["year"] if rep else f.year
    lines = [f"✅ {OUTCOME_ZH[f.outcome]}：<b>{esc(agency)}</b> {year}年（{_name(f.path)}）"]
    if rep and rep.get("title"):
        lines.append("标题：" + esc(rep["title"]))
    problems = store.problems(f.report_id) if f.report_id else []
    if problems:
        lines.append(f"发现问题 {len(problems)} 项：")
        lines += ["• " + esc(p["message"]) for p in problems[:10]]
        if len(problems) > 10:
            lines.append(f"…… 另有 {len(problems) - 10} 项")
    else:
        lines.append("未发现勾稽问题。")
    return "\n".join(lines)


def describe_superseded(summary: IngestSummary) -> str:
    names = summary.superseded
    if not names:
        return ""
    return ("\n被替换的旧文件已改名为 *" + SUPERSEDED + "（不再读取）：" + "、".join(esc(n) for n in names[:10])
            + (f" 等 {len(names)} 个" if len(names) > 10 else ""))


def describe_summary(store: Store, summary: IngestSummary) -> str:
    c = summary.counts
    head = f"新增 {c['added']}，替换 {c['replaced']}，未变化 {c['unchanged']}，跳过 {c['skipped']}"
    shown = [f for f in summary.files if f.outcome != "unchanged"]
    lines = [head]
    for f in shown[:MAX_LISTED]:
        if f.outcome == "skipped":
            lines.append(f"• 跳过 {_name(f.path)}：{esc(reason_zh(f.message))}")
        else:
            rep = store.report(f.report_id) if f.report_id else None
            agency = rep["agency"] if rep else f.agency
            extra = f"，问题 {f.problems} 项" if f.problems else ""
            lines.append(f"• {OUTCOME_ZH[f.outcome]} {esc(agency)} {f.year}年（{_name(f.path)}{extra}）")
    if len(shown) > MAX_LISTED:
        lines.append(f"…… 另有 {len(shown) - MAX_LISTED} 个文件")
    return "\n".join(lines) + describe_superseded(summary)


SETTLE_SECONDS = 5  # a file modified more recently may still be being copied in


async def scan_inbox(app: Application) -> IngestSummary | None:
    """The scheduled inbox scan: ingest what is new or changed.  Files whose size and
    modification time are as at the last scan are not even read again; files still being
    written (modified in the last few seconds) wait for the next scan."""
    sv: Services = app.bot_data["services"]
    seen: dict[str, tuple[int, float]] = app.bot_data.setdefault("inbox_seen", {})
    try:
        now = time.time()
        todo, stamps = [], {}
        for f in expand_paths([inbox_dir(sv)]):
            try:
                st = f.stat()
            except OSError:
                continue
            stamp = (st.st_size, st.st_mtime)
            if seen.get(str(f)) == stamp or now - st.st_mtime < SETTLE_SECONDS:
                continue
            todo.append(f)
            stamps[str(f)] = stamp
        if not todo:
            return IngestSummary()
        summary = await run_ingest(sv, todo)
        seen.update(stamps)
        return summary
    except Exception:
        log.exception("inbox scan failed")
        return None


# ---------------------------------------------------------------------- commands

@admin_only
async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    inbox = inbox_dir(sv)
    summary = await run_ingest(sv, [inbox])
    if not summary.files:
        await reply_html(update, context, f"收件箱 {esc(inbox)} 里没有报告文件。")
        return
    await reply_html(update, context, f"已读取收件箱 {esc(inbox)}：\n" + describe_summary(sv.store, summary))


@admin_only
async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    st = sv.store.stats()
    q = sv.store.question_counts()
    years = st["years"]
    span = (f"{years[0]}–{years[-1]}（{len(years)} 个年份）" if len(years) > 1 else
            (str(years[0]) if years else "无"))
    subs = len(sv.chats.subscribers())
    held = quarantined(quarantine_dir(sv))
    lines = [
        "<b>统计</b>",
        f"报告：{st['reports']} 份",
        f"机构：{st['agencies']} 个",
        f"年份：{span}",
        f"发现问题：{st['problems']} 项",
        f"提问：{q['asked']} 次，未能回答：{q['unanswered']} 次",
        f"订阅摘要的会话：{subs} 个",
        f"隔离的文件（无法读取的上传）：{len(held)} 个"
        + (f"，在 {esc(quarantine_dir(sv))}" if held else ""),
    ]
    lines += [f"• {esc(p.name)}" for p in held[:10]]
    if len(held) > 10:
        lines.append(f"…… 另有 {len(held) - 10} 个")
    await reply_html(update, context, "\n".join(lines))


@admin_only
async def cmd_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    n = 20
    if context.args and context.args[0].isdigit():
        n = max(1, min(100, int(context.args[0])))
    rows = sv.store.unanswered(n)
    if not rows:
        await reply_html(update, context, "还没有未能回答的问题。")
        return
    from datetime import datetime

    from bot.telegram.digest import timezone_of

    tz = timezone_of(sv)
    lines = [f"最近 {len(rows)} 个未能回答的问题（{esc(sv.setting('digest', 'timezone', 'Asia/Shanghai'))} 时间）："]
    for r in rows:
        try:
            when = datetime.fromisoformat(r["at"]).astimezone(tz).strftime("%m-%d %H:%M")
        except (TypeError, ValueError):
            when = str(r["at"])[:16]
        where = "（命令行）" if r.get("channel") in ("cli", "chat") else ""
        lines.append(f"• {esc(when)} [{esc(r['status'])}] {esc(r['question'][:200])}{where}")
    await reply_html(update, context, "\n".join(lines))


@admin_only
async def cmd_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram.digest import send_digest

    out = await send_digest(context.application)
    if not out["chats"] and not out["unsubscribed"] and not out["failed"]:
        await reply_html(update, context, "没有新报告，没有发送摘要。")
        return
    msg = f"摘要已发送给 {out['chats']} 个会话（{out['reports']} 份报告）。"
    if out["unsubscribed"]:
        msg += f"\n{out['unsubscribed']} 个会话已屏蔽机器人，已取消其订阅。"
    if out["failed"]:
        msg += f"\n{out['failed']} 个会话发送失败，下次再试。"
    await reply_html(update, context, msg)


# ---------------------------------------------------------------------- uploads

async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sv = services(context)
    msg = update.effective_message
    doc = msg.document
    user = update.effective_user
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # in a group, files people share are none of the bot's business: upload in private
    if not sv.is_admin(user.id if user else None):
        await reply_html(update, context, UPLOAD_REFUSAL)
        return
    mime_suffix = MIME_SUFFIX.get((doc.mime_type or "").split(";")[0].strip().lower(), ".txt")
    name = safe_filename(doc.file_name or "", f"{doc.file_unique_id}{mime_suffix}")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        await reply_html(update, context, f"不支持的文件类型“{esc(suffix or name)}”。请上传 PDF、Word（.docx）、"
                                          "HTML 或文本（.txt）格式的年度报告。")
        return
    limit_mb = float(sv.setting("telegram", "max_upload_mb", 20) or 20)
    limit = int(limit_mb * 1024 * 1024)
    too_big = (f"文件太大（{{size:.1f}} MB），上传上限为 {limit_mb:g} MB。"
               "更大的文件请直接放进收件箱文件夹，然后发送 /reload。")
    if doc.file_size and doc.file_size > limit:
        await reply_html(update, context, too_big.format(size=doc.file_size / 1024 / 1024))
        return
    try:
        tg_file = await doc.get_file()
        data = bytes(await tg_file.download_as_bytearray())
    except BadRequest as exc:  # e.g. "file is too big" (Telegram's own 20 MB limit for bots)
        await reply_html(update, context, f"无法下载这个文件：{esc(exc.message)}。"
                                          "大文件请直接放进收件箱文件夹，然后发送 /reload。")
        return
    if len(data) > limit:
        await reply_html(update, context, too_big.format(size=len(data) / 1024 / 1024))
        return
    inbox = inbox_dir(sv)
    if name.lower() in MANIFEST_NAMES:  # metadata for the files in the inbox, not a report
        write_private(inbox / name.lower(), data)
        await reply_html(update, context, f"已保存清单 {esc(name.lower())}。发送 /reload 按清单重新读取收件箱"
                                          "（清单只用于新文件或有变化的文件）。")
        return
    dest = save_upload(inbox, name, data)
    log.info("upload saved to %s (%d bytes)", dest.name, len(data))
    summary = await run_ingest(sv, [dest])
    if not summary.files:
        await reply_html(update, context, f"已保存 {esc(dest.name)}，但没有读到内容。")
        return
    result = summary.files[0]
    note = ""
    transient = result.message.startswith(TRANSIENT)  # the database, not the file: the next scan retries
    if result.outcome == "skipped" and not transient and dest.exists():  # junk does not stay in the inbox
        try:
            moved = quarantine(dest, quarantine_dir(sv), result.message)
            note = f"\n文件已移到隔离文件夹（{esc(moved.name)}），不会再被读取；/stats 可查看。"
        except OSError as exc:
            log.warning("could not move %s to quarantine: %s", dest.name, exc)
    await reply_html(update, context, describe_file(sv.store, result) + note + describe_superseded(summary))


def register(app: Application) -> None:
    # Ingesting and sending the digest take a while: block=False lets the bot go on answering
    # other people meanwhile (ingests are serialised by Services.ingest_lock).
    app.add_handler(CommandHandler("reload", cmd_reload, block=False))
    app.add_handler(CommandHandler("stats", cmd_stats))
    app.add_handler(CommandHandler("unanswered", cmd_unanswered))
    app.add_handler(CommandHandler("digest", cmd_digest, block=False))
    app.add_handler(MessageHandler(filters.Document.ALL & filters.UpdateType.MESSAGE, on_document, block=False))
