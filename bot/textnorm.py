"""Text as the answering core compares it: NFKC (full-width digits and letters), the debris of
converters removed (pinyin inserted after characters: 新榮區(qū); spaces inside words: 东 湖 街 道),
one space for any run of white space, and simplified characters (棲霞區交通運輸局 -> 栖霞区交通运输局).

Ingest's matching copy (:mod:`store.parse.script`, OpenCC ``t2s``) does the work; questions and
agency names go through the same :func:`fold`, so a name printed in traditional characters is found
by a question in simplified ones and the other way round.  Unlike ingest, a question with a single
traditional character is converted too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from store.parse.script import matching, to_simplified

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """NFKC, converter debris removed, simplified, white space collapsed and trimmed."""
    t = unicodedata.normalize("NFKC", text or "")
    t = matching(t).text
    t = _SPACE.sub(" ", t).strip()
    t = t.replace("廿", "二十").replace("卅", "三十")  # 廿三里街道 is 二十三里街道
    return to_simplified(t) if re.search(r"[^\x00-\x7f]", t) else t
