"""Remembering the results of pure functions of one string, within a process, in bounded memory.

Parsing works line by line, and the same lines come back: the template's labels and headings are printed
alike in every report, and one report's lines are read by several steps (the tables, the sections, the
metadata, the audit).  :func:`remembered` keeps the result of a pure function of one string for the
most recent ``maxsize`` distinct strings no longer than ``longest`` characters (a longer one is worked
out every time), so a worker's memory stays bounded whatever it reads.  A remembered result is shared
between callers: it must be immutable (a str, a number, a tuple), or never changed by any caller.
"""

from __future__ import annotations

from functools import lru_cache, wraps
from typing import Callable, TypeVar

R = TypeVar("R")

_ALL: list = []


def remembered(maxsize: int = 8192, longest: int = 400) -> Callable[[Callable[[str], R]], Callable[[str], R]]:
    def decorate(fn: Callable[[str], R]) -> Callable[[str], R]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def lookup(text: str) -> R:
            return cached(text) if len(text) <= longest else fn(text)

        lookup.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        lookup.cache_info = cached.cache_info  # type: ignore[attr-defined]
        _ALL.append(cached)
        return lookup

    return decorate


def recent(maxsize: int):
    """``functools.lru_cache`` (any arguments, any length: keep ``maxsize`` small), emptied by
    :func:`forget_all` with the others."""
    def decorate(fn):
        cached = lru_cache(maxsize=maxsize)(fn)
        _ALL.append(cached)
        return cached

    return decorate


def forget_all() -> None:
    """Empty every cache (for tests that compare a first parse with a second)."""
    for cached in _ALL:
        cached.cache_clear()
