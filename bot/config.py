"""Settings: a TOML file (see config.example.toml) with environment variables on top.

Where the config comes from, first found wins: ``--config PATH``, ``$DISCLOSURE_BOT_CONFIG``,
``./config.toml``.  Without any, the defaults below apply.  Secrets belong in the
environment: ``DISCLOSURE_BOT_TOKEN`` (or ``TELEGRAM_BOT_TOKEN``) overrides ``telegram.token``.
Every setting can be overridden as ``DISCLOSURE_BOT_<SECTION>_<NAME>`` (e.g.
``DISCLOSURE_BOT_STORE_DATABASE``).
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    "store": {
        "database": "data/disclosure.db",  # SQLite file; created (and filled with the samples) on first use
        "inbox": "data/inbox",  # folder scanned for new or changed reports
        "quarantine": "data/quarantine",  # uploads that could not be read (never scanned)
        "load_samples": True,  # fill an empty database with the bundled sample reports
    },
    "telegram": {
        "token": "",
        "base_url": "",  # self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot
        "base_file_url": "",
        "admin_ids": [],  # Telegram user ids allowed to use admin commands
        "mode": "polling",  # polling | webhook
        "webhook_url": "",
        "webhook_listen": "127.0.0.1",  # behind a reverse proxy that terminates TLS
        "webhook_port": 8443,
        "webhook_secret": "",  # empty: a random secret is made at each start
        "max_upload_mb": 20,
        "max_retries": 3,  # retries of a request refused by flood control (429 RetryAfter)
        "startup_retries": 3,  # retries to reach the Bot API at startup before serve stops with a clear message
        "local_mode": False,  # a self-hosted Bot API server started with --local
    },
    "digest": {
        "cron": "0 9 * * *",  # minute hour day month day-of-week
        "timezone": "Asia/Shanghai",
        "inbox_scan_minutes": 10,  # 0 turns the inbox scan off
        "pace_seconds": 0.05,  # pause between chats when sending the digest
    },
    "log": {
        "level": "INFO",  # DEBUG, INFO, WARNING; the token never appears, at any level
    },
    "chat": {
        "context_minutes": 30,  # how long a chat's follow-up context lives
        "trend_charts": True,  # the Telegram bot adds a bar chart to a trend over three years or more
    },
}

ENV_SHORTCUTS = {
    "DISCLOSURE_BOT_TOKEN": ("telegram", "token"),
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "DISCLOSURE_BOT_DB": ("store", "database"),
}


def _coerce(value: str, like: Any) -> Any:
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, list):
        return [int(x) if x.strip().lstrip("-").isdigit() else x.strip() for x in value.split(",") if x.strip()]
    return value


def config_path(explicit: str | Path | None = None) -> Path | None:
    for cand in (explicit, os.environ.get("DISCLOSURE_BOT_CONFIG"), "config.toml"):
        if cand and Path(cand).exists():
            return Path(cand)
    if explicit:
        raise FileNotFoundError(f"config file not found: {explicit}")
    return None


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    env = os.environ if env is None else env
    cfg = copy.deepcopy(DEFAULTS)
    found = config_path(path)
    if found:
        with found.open("rb") as fh:
            data = tomllib.load(fh)
        for section, values in data.items():
            if isinstance(values, dict):
                cfg.setdefault(section, {}).update(values)
    for section, values in cfg.items():
        for name, default in list(values.items()):
            key = f"DISCLOSURE_BOT_{section.upper()}_{name.upper()}"
            if key in env:
                values[name] = _coerce(env[key], default)
    for key, (section, name) in ENV_SHORTCUTS.items():
        if env.get(key):
            cfg[section][name] = env[key]
    return cfg
