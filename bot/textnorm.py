"""Text as the answering core compares it: NFKC (full-width digits and letters), one space for any
run of white space, and simplified characters (棲霞區交通運輸局 -> 栖霞区交通运输局, by OpenCC).

Questions and agency names go through the same :func:`fold`, so a name printed in traditional
characters is found by a question in simplified ones and the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

try:  # OpenCC: the conversion tables of the Open Chinese Convert project
    import opencc

    _T2S = opencc.OpenCC("t2s")
except Exception:  # pragma: no cover - the dependency is declared; a broken install still answers
    _T2S = None

_SPACE = re.compile(r"\s+")
_TRADITIONAL_HINT = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters (unchanged when it has none to convert)."""
    if _T2S is None or not text or not _TRADITIONAL_HINT.search(text):
        return text
    return _T2S.convert(text)


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """NFKC, simplified, white space collapsed and trimmed."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _SPACE.sub(" ", t).strip()
    t = t.replace("廿", "二十").replace("卅", "三十")  # 廿三里街道 is 二十三里街道
    return to_simplified(t)
