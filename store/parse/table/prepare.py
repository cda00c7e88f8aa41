"""Lines of a table region made ready for row assembly (a pure step before :mod:`~.assemble`)."""

from __future__ import annotations

from store.parse.lines import Line


def prepare(lines: list[Line]) -> list[Line]:
    return list(lines)
