"""A copy of a report's text for matching: simplified characters, converter debris removed.

Mirror sites serve reports in traditional characters (棲霞區交通運輸局), some converters insert
pinyin after characters (新榮區(qū)交通運輸局), PDF extraction and OCR leave spaces inside words
(东 湖 街 道) and full-width digits (２０２１年).  Matching names and years runs on a copy in simplified
characters (OpenCC, ``t2s``) without the inserted pinyin and the spaces between characters, with
ASCII digits.  :class:`Matching` keeps, for every character of the copy, its position in the
original, so what is stored and cited is the original text (:meth:`Matching.find_original`).  A text
in simplified characters is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from store.parse.memo import recent, remembered

# pinyin with tone marks in brackets right after a character: 區(qū), 發(fā)
_INSERTED_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
_TONE_MARK = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")  # what inserted pinyin always holds (a quick first look)
# spaces inside words, as PDF extraction and OCR leave them: "东 湖 街 道", "交通 运输局"
_SPACE_IN_WORDS = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u00a0\u3000]+(?=[\u4e00-\u9fff])")
# a text counts as traditional when this many of its characters change under t2s
_MIN_CHANGED = 3
_MIN_SHARE = 0.01


@lru_cache(maxsize=1)
def simplifier():
    """OpenCC's traditional-to-simplified converter, made once (None where the bindings are missing)."""
    try:
        import opencc
    except ImportError:  # the dependency is declared; without it traditional text is matched as printed
        return None
    for config in ("t2s", "t2s.json"):
        try:
            return opencc.OpenCC(config)
        except Exception:  # noqa: BLE001 - older bindings want the .json name
            continue
    return None


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (unchanged where no converter is installed)."""
    conv = simplifier()
    return conv.convert(text) if conv and text else text


@dataclass
class Matching:
    """The matching copy of ``original``: ``text[i]`` came from ``original[index[i]]``."""

    original: str
    text: str
    stripped: tuple[tuple[int, int], ...]  # the spans of ``original`` left out of the copy, in order
    traditional: bool = False

    @cached_property
    def index(self) -> list[int] | None:
        """Where each character of the copy is in the original (None: at its own place).  Worked out when
        first asked for: most copies are only read."""
        if not self.stripped:
            return None
        index: list[int] = []
        pos = 0
        for a, b in self.stripped + ((len(self.original), len(self.original)),):
            index.extend(range(pos, a))
            pos = b
        return index

    def span(self, start: int, end: int) -> str:
        """The original text of the copy's ``text[start:end]``."""
        if self.index is None or start >= end:
            return self.original[start:end]
        return self.original[self.index[start]:self.index[end - 1] + 1]

    def find_original(self, name: str) -> str:
        """``name`` (found in the copy) as the original prints it; ``name`` itself if absent."""
        at = self.text.find(name)
        if at < 0 or not name:
            return name
        return _SPACE_IN_WORDS.sub("", self.span(at, at + len(name)))  # spaces left by extraction are no part of it


# full-width letters, digits and signs (２０２１年) as ASCII, the ideographic space as a space: one for one
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]+")


def _narrow(m: re.Match) -> str:
    return m.group().translate(_WIDTH)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_SHORT = 300  # texts up to this length (lines, names) are remembered by the thousand; whole documents two at a time


def matching(text: str) -> Matching:
    """The matching copy of ``text``: full-width digits and letters made ASCII; converted to simplified
    characters only when it is in traditional characters or holds inserted pinyin.

    Remembered (the same lines and the same document are matched by several steps of one parse, and
    template labels by every report): the result is shared, never to be changed."""
    return _matching_short(text) if len(text) <= _SHORT else _matching_long(text)


def _matching(text: str) -> Matching:
    text_in = text
    if _WIDE.search(text):  # (translate looks up every character: only the runs that change)
        text = _WIDE.sub(_narrow, text)
    patterns = (_INSERTED_PINYIN, _SPACE_IN_WORDS) if _TONE_MARK.search(text) else (_SPACE_IN_WORDS,)
    stripped_at = sorted(m.span() for pattern in patterns for m in pattern.finditer(text))
    if stripped_at:
        keep, pos = [], 0
        for a, b in stripped_at + [(len(text), len(text))]:
            keep.append(text[pos:a])
            pos = b
        base = "".join(keep)
    else:
        base = text
    converted = to_simplified(base)
    if converted == base:
        changed = 0
    else:
        changed = sum(1 for a, b in zip(base, converted) if a != b) if len(converted) == len(base) else -1
    traditional = changed < 0 or (changed >= _MIN_CHANGED and changed / (len(_CJK.findall(base)) or 1) >= _MIN_SHARE)
    if traditional and len(converted) != len(base):
        # a phrase changed length: convert line by line, and character by character only the lines
        # that changed length, so positions still line up
        out = []
        for line in base.split("\n"):
            conv = to_simplified(line)
            if len(conv) != len(line):
                conv = "".join(x if len(x) == 1 else c for c, x in ((c, to_simplified(c)) for c in line))
            out.append(conv)
        converted = "\n".join(out)
    if not traditional:
        converted = base
    return Matching(text_in, converted, tuple(stripped_at), traditional)


_matching_short = remembered(4096, _SHORT)(_matching)
_matching_long = recent(2)(_matching)
