"""The Telegram application: build it from the config, run it (polling or webhook).

    app = build_application(config, store)   # handlers, rate limiter, error handler
    run(config, store)                         # what ``disclosure-bot serve`` calls

* ``telegram.base_url`` / ``telegram.base_file_url`` point the bot at a self-hosted Bot API
  server;
* python-telegram-bot's :class:`~telegram.ext.AIORateLimiter` keeps within Telegram's limits
  (30 messages/s overall, 20/min per group) and retries on flood control (``RetryAfter``);
* on startup the command menus are registered (``set_my_commands``; admins get their
  commands in their private chats), the digest and inbox-scan schedule starts, and a digest
  missed while the bot was down is sent;
* no update crashes the bot: the error handler logs and tells the user, in Chinese.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults

from bot.telegram import admin, digest, handlers
from bot.telegram.state import Services

log = logging.getLogger(__name__)

ERROR_TEXT = "抱歉，处理您的消息时出错了，请稍后再试。"
#: The updates the bot handles (asked of Telegram, so nothing else is sent to it).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
ADMIN_COMMANDS = [
    ("reload", "读取收件箱中的新报告"),
    ("stats", "统计"),
    ("unanswered", "最近未能回答的问题"),
    ("digest", "立即发送摘要"),
]


def build_application(config: dict, store, answerer: Any = None) -> Application:
    """The bot, ready to run: handlers, rate limiter, error handler, startup and shutdown hooks."""
    tg = config.get("telegram", {})
    token = tg.get("token")
    if not token:
        raise ValueError("no Telegram token: set DISCLOSURE_BOT_TOKEN or telegram.token")
    if answerer is None:
        from bot.engine import Answerer

        answerer = Answerer(store)
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(AIORateLimiter(max_retries=int(tg.get("max_retries", 3) or 0)))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .job_queue(None)  # our own APScheduler (see bot.telegram.digest)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if tg.get("base_url"):
        builder = builder.base_url(tg["base_url"])
    file_url = tg.get("base_file_url")
    if not file_url and tg.get("base_url") and str(tg["base_url"]).rstrip("/").endswith("/bot"):
        file_url = str(tg["base_url"]).rstrip("/")[: -len("/bot")] + "/file/bot"  # the server's usual layout
    if file_url:
        builder = builder.base_file_url(file_url)
    if tg.get("local_mode"):
        builder = builder.local_mode(True)
    app = builder.build()
    sv = Services(config, store, answerer)
    try:
        digest.cron_trigger(sv)
    except Exception as exc:
        raise ValueError(f"digest.cron / digest.timezone not valid ({sv.setting('digest', 'cron')!r}, "
                         f"{sv.setting('digest', 'timezone')!r}): {exc}") from exc
    app.bot_data["services"] = sv
    handlers.register(app)
    digest.register(app)
    admin.register(app)
    handlers.register_fallbacks(app)
    app.add_error_handler(on_error)
    return app


# ---------------------------------------------------------------------- lifecycle

async def on_startup(app: Application) -> None:
    sv: Services = app.bot_data["services"]
    try:
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in handlers.PUBLIC_COMMANDS],
                                      scope=BotCommandScopeDefault())
        for admin_id in sorted(sv.admin_ids):
            try:
                await app.bot.set_my_commands(
                    [BotCommand(c, d) for c, d in handlers.PUBLIC_COMMANDS + ADMIN_COMMANDS],
                    scope=BotCommandScopeChat(admin_id))
            except TelegramError as exc:  # the admin has not started a chat with the bot yet
                log.info("could not set the admin command menu for one admin: %s", exc)
    except TelegramError:
        log.exception("set_my_commands failed; the command menu may be out of date")
    if sv.scheduler is None:
        try:
            digest.start_scheduler(app)
        except Exception:
            log.exception("could not start the digest schedule")
    try:
        await digest.catch_up(app)
    except Exception:
        log.exception("catching up on a missed digest failed")
    log.info("bot @%s ready: %d reports on file", app.bot.username, sv.store.stats()["reports"])


async def on_shutdown(app: Application) -> None:
    sv: Services = app.bot_data["services"]
    if sv.scheduler is not None:
        try:
            sv.scheduler.shutdown(wait=False)
        except Exception:
            log.debug("scheduler already stopped", exc_info=True)
        sv.scheduler = None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any error; tell the user something went wrong (in Chinese)."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    if update.callback_query:
        try:
            await update.callback_query.answer()
        except Exception:
            pass
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, ERROR_TEXT)
    except Exception:
        log.warning("could not tell the user about the error", exc_info=True)


async def start(app: Application, *, poll_interval: float = 0.0, timeout: int = 10) -> None:
    """Start polling inside a running event loop (what ``run_polling`` does, for tests and
    embedding): initialize, startup hook, start, poll."""
    await app.initialize()
    await on_startup(app)
    await app.start()
    await app.updater.start_polling(poll_interval=poll_interval, timeout=timeout,
                                    allowed_updates=ALLOWED_UPDATES)


async def stop(app: Application) -> None:
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await on_shutdown(app)
    await app.shutdown()


# ---------------------------------------------------------------------- running

def _setup_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and the URL holds the bot token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run(config: dict, store) -> None:
    """Run the bot until interrupted: long polling, or a webhook when ``telegram.mode = "webhook"``."""
    _setup_logging()
    tg = config.get("telegram", {})
    try:
        app = build_application(config, store)
    except ValueError as exc:
        raise SystemExit(f"disclosure-bot: {exc}")
    mode = str(tg.get("mode") or "polling").lower()
    if mode == "webhook":
        try:
            import tornado  # noqa: F401  (python-telegram-bot[webhooks])
        except ImportError:
            raise SystemExit("webhook mode needs python-telegram-bot[webhooks]: "
                             "pip install 'python-telegram-bot[webhooks]'")
        url = tg.get("webhook_url")
        if not url:
            raise SystemExit("webhook mode needs telegram.webhook_url (the public HTTPS URL)")
        from urllib.parse import urlsplit

        start = lambda: app.run_webhook(  # noqa: E731
            listen=tg.get("webhook_listen") or "0.0.0.0", port=int(tg.get("webhook_port") or 8443),
            url_path=urlsplit(url).path.lstrip("/"), webhook_url=url, bootstrap_retries=-1,
            secret_token=tg.get("webhook_secret") or None, allowed_updates=ALLOWED_UPDATES)
    else:
        start = lambda: app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)  # noqa: E731
    try:
        start()
    except InvalidToken:
        raise SystemExit("disclosure-bot: Telegram refused the bot token; "
                         "check DISCLOSURE_BOT_TOKEN / telegram.token and telegram.base_url") from None
