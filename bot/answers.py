"""What the answering core returns, and the follow-up context it keeps per chat.

One :class:`Answer` serves every front end: ``ask --json`` prints
:meth:`Answer.to_json`, the console chat and the Telegram bot print
:attr:`Answer.text` (the bot renders :meth:`Answer.html`).
"""

from __future__ import annotations

import html
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["answered", "not_found", "ambiguous", "unsupported"]


@dataclass
class Source:
    report: int  # report id
    title: str | None
    file: str | None
    page: int | None = None
    line: int | None = None
    section: str | None = None
    passage: str | None = None  # the table row as printed, or the narrative sentence


@dataclass
class Candidate:
    """One choice offered when a question is ambiguous (an agency, or a year)."""

    kind: Literal["agency", "year"]
    value: int  # agency id or year
    label: str  # shown on the button


@dataclass
class Answer:
    status: Status
    text: str
    agency: dict[str, Any] | None = None  # {"id", "name", "short_name", "region"}
    year: int | None = None
    metric: dict[str, Any] | None = None  # {"key", "label"}
    value: float | int | None = None
    unit: str | None = None
    values: list[dict[str, Any]] = field(default_factory=list)  # {"agency", "year", "key", "value"}
    sources: list[Source] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    kind: str = "cell"  # cell | multi | compare | trend | rank | total | overview | list | help
    question: str = ""

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["candidates"] = [asdict(c) for c in self.candidates]
        return d

    def html(self) -> str:
        """The reply as Telegram HTML: every piece of data escaped."""
        return html.escape(self.text, quote=False)


@dataclass
class ChatSession:
    """What a chat has established, for follow-ups ("那2022年呢", "企业呢").  Expires."""

    ttl_seconds: float = 1800
    agency_id: int | None = None
    year: int | None = None
    years: list[int] | None = None
    metric: str | None = None  # cell key or derived key
    kind: str | None = None
    question: str | None = None  # the last question (to complete after a button tap)
    updated: float = field(default_factory=time.monotonic)

    def expired(self) -> bool:
        return time.monotonic() - self.updated > self.ttl_seconds

    def touch(self) -> None:
        self.updated = time.monotonic()

    def clear(self) -> None:
        self.agency_id = self.year = self.metric = self.kind = self.question = None
        self.years = None
