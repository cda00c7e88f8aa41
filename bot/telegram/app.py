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
* no update crashes the bot: the error handler logs and tells the user, in Chinese;
* chat context and pending button choices are kept in the store
  (:class:`~bot.telegram.state.ChatPersistence`), so they survive a restart.

Webhook mode never runs without a secret: Telegram sends it with every update
(``X-Telegram-Bot-Api-Secret-Token``) and an update without it is refused (403).  When
``telegram.webhook_secret`` is empty a random one is made at each start and registered with
``setWebhook``.  The webhook listens on 127.0.0.1 by default: a reverse proxy terminates TLS
in front of it (``deploy/README.md``).

The token never reaches the log (a filter blanks it out of every line, at every level), and a
Bot API server that cannot be reached stops ``serve`` with a plain message instead of
retrying silently for ever.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults

from bot.telegram import admin, digest, handlers
from bot.telegram.state import ChatPersistence, Services

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
#: What Telegram allows in a webhook secret token.
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BOOTSTRAP_RETRIES = 3  # default of telegram.startup_retries


def build_application(config: dict, store, answerer: Any = None) -> Application:
    """The bot, ready to run: handlers, rate limiter, error handler, startup and shutdown hooks."""
    tg = config.get("telegram", {})
    token = tg.get("token")
    if not token:
        raise ValueError("no Telegram token: set DISCLOSURE_BOT_TOKEN or telegram.token")
    if answerer is None:
        from bot.engine import Answerer

        answerer = Answerer(store)
    sv = Services(config, store, answerer)
    try:
        digest.cron_trigger(sv)
    except Exception as exc:
        raise ValueError(f"digest.cron / digest.timezone not valid ({sv.setting('digest', 'cron')!r}, "
                         f"{sv.setting('digest', 'timezone')!r}): {exc}") from exc
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(AIORateLimiter(max_retries=int(tg.get("max_retries", 3) or 0)))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .job_queue(None)  # our own APScheduler (see bot.telegram.digest)
        .persistence(ChatPersistence(sv))
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
    try:  # ingest runs a kill left unfinished (the bot's own, or the command line's)
        if await sv.write(lambda store, chats: store.close_interrupted_runs()):
            log.info("closed ingest runs left unfinished by a kill")
    except Exception as exc:
        log.warning("could not close unfinished ingest runs: %s", exc)
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
    await handlers.drain_background()
    sv.write.close()


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


async def start_webhook(app: Application, config: dict) -> str:
    """Start the webhook inside a running event loop (what ``run_webhook`` does); returns the
    secret token registered with Telegram."""
    options = webhook_options(config)
    await app.initialize()
    await on_startup(app)
    await app.start()
    await app.updater.start_webhook(**options)
    return options["secret_token"]


async def stop(app: Application) -> None:
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await handlers.drain_background()
    await app.shutdown()  # saves the chats' context (persistence)
    await on_shutdown(app)  # as run_polling does: post_shutdown after shutdown


# ---------------------------------------------------------------------- webhooks

def startup_retries(config: dict) -> int:
    """How often reaching the Bot API is retried at startup before ``serve`` gives up (never for ever)."""
    value = config.get("telegram", {}).get("startup_retries", BOOTSTRAP_RETRIES)
    return max(0, int(BOOTSTRAP_RETRIES if value in (None, "") else value))


def webhook_secret(configured: str | None) -> str:
    """The secret Telegram must send with every update: the configured one, or a random one."""
    if configured:
        if not SECRET_TOKEN.match(configured):
            raise ValueError("telegram.webhook_secret may hold only A-Z, a-z, 0-9, _ and - (1 to 256 characters)")
        return configured
    return secrets.token_urlsafe(32)


def webhook_options(config: dict) -> dict[str, Any]:
    """The arguments of ``start_webhook``/``run_webhook``: never without a secret token, on
    127.0.0.1 unless ``telegram.webhook_listen`` says otherwise."""
    from urllib.parse import urlsplit

    tg = config.get("telegram", {})
    url = tg.get("webhook_url")
    if not url:
        raise ValueError("webhook mode needs telegram.webhook_url (the public HTTPS URL)")
    return dict(listen=tg.get("webhook_listen") or "127.0.0.1", port=int(tg.get("webhook_port") or 8443),
                url_path=urlsplit(url).path.lstrip("/"), webhook_url=url, bootstrap_retries=startup_retries(config),
                secret_token=webhook_secret(tg.get("webhook_secret")), allowed_updates=ALLOWED_UPDATES)


# ---------------------------------------------------------------------- running

class RedactSecrets(logging.Filter):
    """Blanks secrets (the bot token, the webhook secret) out of every log line, exception text included."""

    def __init__(self, secrets_: list[str]):
        super().__init__()
        self.secrets = [x for x in secrets_ if x and len(x) >= 8]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        if any(x in message for x in self.secrets):
            record.msg, record.args = self.redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(config: dict, secrets_: list[str] = ()) -> None:
    root = logging.getLogger()
    level = str(config.get("log", {}).get("level") or "INFO").upper()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(getattr(logging, level, logging.INFO))
    redact = RedactSecrets(list(secrets_))
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(redact)
    # httpx logs every request URL at INFO, and the URL holds the bot token: the filter blanks
    # it, and the request lines are noise anyway
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def _api_host(config: dict) -> str:
    from urllib.parse import urlsplit

    base = config.get("telegram", {}).get("base_url") or "https://api.telegram.org/bot"
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else base


def run(config: dict, store) -> None:
    """Run the bot until interrupted: long polling, or a webhook when ``telegram.mode = "webhook"``."""
    tg = config.get("telegram", {})
    secret = None
    mode = str(tg.get("mode") or "polling").lower()
    if mode == "webhook":
        try:
            import tornado  # noqa: F401  (python-telegram-bot[webhooks])
        except ImportError:
            raise SystemExit("webhook mode needs python-telegram-bot[webhooks]: "
                             "pip install 'python-telegram-bot[webhooks]'")
        try:
            options = webhook_options(config)
        except ValueError as exc:
            raise SystemExit(f"disclosure-bot: {exc}")
        secret = options["secret_token"]
    setup_logging(config, [tg.get("token") or "", secret or ""])
    try:
        app = build_application(config, store)
    except ValueError as exc:
        raise SystemExit(f"disclosure-bot: {exc}")
    if mode == "webhook":
        if not tg.get("webhook_secret"):
            log.info("no telegram.webhook_secret configured: registered a random one for this run")
        log.info("webhook listening on %s:%s (path /%s); updates without the secret token are refused",
                 options["listen"], options["port"], options["url_path"])
        start = lambda: app.run_webhook(**options)  # noqa: E731
    else:
        start = lambda: app.run_polling(allowed_updates=ALLOWED_UPDATES,  # noqa: E731
                                        bootstrap_retries=startup_retries(config))
    try:
        start()
    except InvalidToken:
        raise SystemExit("disclosure-bot: Telegram refused the bot token; "
                         "check DISCLOSURE_BOT_TOKEN / telegram.token and telegram.base_url") from None
    except NetworkError as exc:  # (TimedOut is a NetworkError)
        raise SystemExit(f"disclosure-bot: cannot reach the Telegram Bot API at {_api_host(config)} "
                         f"({RedactSecrets([tg.get('token') or '']).redact(str(exc))}); check the network and "
                         "telegram.base_url") from None
