"""The console chat: the same answering core and follow-ups as the Telegram bot.

Type a question; after an ambiguous answer, type the number of your choice.
``quit`` / ``exit`` / Ctrl-D ends the chat.
"""

from __future__ import annotations

import time
from typing import IO, Callable

from bot.answers import Answer, ChatSession
from bot.engine import Answerer

PROMPT = "问> "
GREETING = "政府信息公开年报问答（输入问题，例如“{example}”；输入 quit 退出）"


def run_chat(answerer: Answerer, read: Callable[[str], str] = input, out: IO | None = None,
             context_minutes: float = 30,
             on_answer: Callable[[str, Answer, float, object], object] | None = None) -> None:
    """The conversation.  ``on_answer(question, answer, started, earlier)`` is called after each
    answer is printed (the command line logs the question there); ``earlier`` is what it returned
    for the ambiguous answer a choice completes (one question, one log row), else None."""
    import sys

    out = out or sys.stdout
    session = ChatSession(ttl_seconds=context_minutes * 60)
    examples = answerer.examples()
    print(GREETING.format(example=examples[0] if examples else ""), file=out)
    pending: Answer | None = None
    pending_log: object = None
    while True:
        try:
            line = read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return
        line = line.strip()
        if line.lower() in ("quit", "exit", "q", "退出"):
            return
        if not line:
            continue
        started = time.monotonic()
        earlier = None
        if pending is not None and line.isdigit() and 1 <= int(line) <= len(pending.candidates):
            choice = pending.candidates[int(line) - 1]
            kwargs = {"agency_id": choice.value} if choice.kind == "agency" else {"year": choice.value}
            question, earlier = pending.question, pending_log
            ans = answerer.answer(pending.question, session, **kwargs)
        else:
            question = line
            ans = answerer.answer(line, session)
        print(ans.text, file=out)
        logged = on_answer(question, ans, started, earlier) if on_answer is not None else None
        pending = None
        if ans.status == "ambiguous" and ans.candidates:
            for i, c in enumerate(ans.candidates, 1):
                print(f"  {i}. {c.label}", file=out)
            print("（输入序号选择）", file=out)
            pending, pending_log = ans, logged
        print(file=out)
