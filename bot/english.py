"""Read an English question as the Chinese question it asks.

"How many lawsuits did Xigang subdistrict face in 2022?" -> "多少行政诉讼西岗街道2022年": the English
phrases of :mod:`store.template.english` become the template's Chinese words, years become 2022年,
and names written in pinyin (Xigang, Jiang'an, Houhu) become the Chinese names on file (through
pypinyin).  Chinese written inside the question (后湖街道) is kept as it is.  The Chinese question
then goes through the same parser as any other, so an English question gets the same figure.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

from store.template.english import DEPARTMENT_WORDS, FIGURE_PHRASES, FILLER_WORDS, PLACE_WORDS, QUESTION_PHRASES

_TOKEN = re.compile(r"[\u4e00-\u9fff]+|\d{4}|\d+|[A-Za-z][A-Za-z'’\-]*")
_PHRASES: dict[tuple[str, ...], str] = {}
_FIGURES: set[tuple[str, ...]] = {tuple(p.lower().split()) for p in FIGURE_PHRASES}
for table in (QUESTION_PHRASES, PLACE_WORDS, FIGURE_PHRASES):
    for phrase, chinese in table.items():
        _PHRASES.setdefault(tuple(phrase.lower().split()), chinese)
_LONGEST = max(len(k) for k in _PHRASES)
_FILLER = set(FILLER_WORDS)
_YEAR_LIST = re.compile(r"\b(?:from|between)\s+((?:19|20)\d{2})\s+(?:to|and|-|through|until)\s+((?:19|20)\d{2})\b", re.I)


def _key(words) -> str:
    return "".join(re.sub(r"[^a-z]", "", w.lower()) for w in words)


@lru_cache(maxsize=8)
def _pinyin_names(index) -> dict[str, str]:
    """pinyin (letters only) -> the Chinese name, for the names and regions on file."""
    out: dict[str, tuple[float, str]] = {}
    for name, ids in index.by_alias.items():
        if 2 <= len(name) <= 8 and re.fullmatch(r"[\u4e00-\u9fff]+", name):
            rank = min(ids.values()) if ids else 9
            k = "".join(lazy_pinyin(name))
            if k not in out or (rank, len(name)) < (out[k][0], len(out[k][1])):
                out[k] = (rank, name)
    for name in index.regions:
        if 2 <= len(name) <= 8:
            k = "".join(lazy_pinyin(name))
            out.setdefault(k, (5, name))
    return {k: v for k, (_, v) in out.items() if len(k) >= 4}


def to_chinese(question: str, index) -> str | None:
    """The Chinese question an English one asks, or None when it names no figure the template has
    (or little else was understood): such a question is not guessed at."""
    text = _YEAR_LIST.sub(lambda m: f" {m.group(1)}到{m.group(2)}年 ", question)
    text = re.sub(r"(?<=[A-Za-z])['’]s\b", "", text)  # Erqi's, district's: the name itself
    tokens = _TOKEN.findall(text)
    names = _pinyin_names(index)
    out: list[str] = []
    understood = 0
    figure = False
    unknown: list[str] = []
    after_unknown = False  # the token before was not understood
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.lower() in DEPARTMENT_WORDS and after_unknown:
            return None  # "Pingtan Social Affairs Bureau" with 社会事业 not understood: no agency is guessed
        if re.fullmatch(r"[\u4e00-\u9fff]+", tok) or "到" in tok:
            out.append(tok)
            understood += 1
            i += 1
            continue
        if re.fullmatch(r"(?:19|20)\d{2}", tok):
            out.append(tok + "年")
            understood += 1
            i += 1
            continue
        if tok.isdigit():
            out.append(tok)
            i += 1
            continue
        taken = False
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            words = tuple(w.lower().replace("’", "'") for w in tokens[i:i + n])
            if words in _PHRASES:
                out.append(_PHRASES[words])
                understood += 1
                figure = figure or words in _FIGURES
                i += n
                taken = True
                break
            k = _key(words)
            if n <= 3 and k in names and all(w.replace("'", "").replace("-", "").isalpha() for w in words):
                out.append(names[k])
                understood += 2
                i += n
                taken = True
                break
        if taken:
            after_unknown = False
            continue
        if tok.lower() not in _FILLER:
            unknown.append(tok)
            after_unknown = True
        i += 1
    listing = "有哪些单位" in out or "概况" in out
    if not (figure or listing) or (figure and understood < 2) or len(unknown) > understood:
        return None
    if any((m.group(1) or m.group(2)) in unknown for m in _LISTED_NAME.finditer(text)):
        return None  # "Houhu or Erqi" with Erqi not on file: never the one agency understood alone
    return "".join(out)


#: A capitalised word beside "or" / "and" / "vs" or a comma: one of several agencies the question names.
_LISTED_NAME = re.compile(r"(?:\b(?:or|and|vs\.?|versus)\s+|,\s*)([A-Z][a-z]+)\b|\b([A-Z][a-z]+)(?=\s*(?:,|\bor\b|\band\b|\bvs\b|\bversus\b))")
