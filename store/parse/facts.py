"""Narrative facts: every figure a report's text states, with what it counts.

A pure function of the passages: ``extract(passages, names, year)`` returns a
:class:`~store.records.Fact` for every figure the narrative states —

    "我镇通过不同渠道主动公开政务信息共217条"      -> 主动公开政务信息 217 条
    "主动公开政府信息260余条"                      -> 主动公开政府信息 260 条 (approximate: 余)
    "召开新闻发布会两场"                          -> 召开新闻发布会 2 场
    "其中9件为网上申请"                           -> 网上申请 9 件 (the subject follows the figure)
    "通过微信公众号、微博分别发布信息584条、267条"  -> 微信公众号发布信息 584 条; 微博发布信息 267 条
    "未收到政府信息公开申请"                      -> 收到政府信息公开申请 0

in small steps: a passage is cut into sentences; in a sentence every printed figure is found
(digits or words, with its unit, multiplier and approximation); each figure gets its subject
(the words of its clause before it, else after it), the sentence's topic (its first clause) and
the words that follow it; a list of figures after 分别 is paired with the list of things before it;
a negated receipt ("未收到…申请") states a zero.  The words come from :mod:`store.template.facts`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from store.parse.memo import recent, remembered
from store.parse.script import simplifier
from store.records import Fact, Passage
from store.template.facts import (CONCEPTS, REGION_SUFFIXES, MIN_NAME_PART, MAX_DIGITS, TABLE_LIKE_FIGURES, RANGE_MARKS, unit_family, NEXT_YEAR, PREVIOUS_YEAR, PART_MARKERS, SHORT_SUBJECT, TAIL_OPENERS, APPROX_AFTER, APPROX_BEFORE, CHANGE_WORDS, MULTIPLIERS, UNIT_NOT_BEFORE, UNITLESS_AFTER,
                                  UNITS, WORD_DIGITS, WORD_NUMBER_NOT_AFTER, WORD_NUMBER_NOT_BEFORE,
                                  WORD_NUMBER_UNITS, WORD_POWERS, YEAR_RANGE, ZERO_GAP, ZERO_NEGATIONS, ZERO_VERBS)

_SENTENCE_END = re.compile(r"[。!?]")
_CLAUSE_END = re.compile(r"[,:;]")
_LIST_SEP = re.compile(r"[、/]|(?<=[^\d])和|以及|及|与")
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(?P<year>\d{4})\s*年(?:度)?|(?P<month>\d+\s*月(?:\s*\d+\s*日)?|\d+\s*日)")
_LIST_BETWEEN = r"和|及|与"
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9./_%?=&#:~+-]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+")
_EDGE = "、,:;。!?()[]〔〕【】<>\"'“”‘’《》 \t-—·"
_LEAD_WORDS = ("其中", "另外", "此外", "同时", "以及", "并且", "并", "和", "及", "与", "另", "共", "还", "也",
               "对", "为", "是")
_TRAIL_WORDS = ("累计", "共计", "合计", "总计", "总数为", "总数", "数量为", "数量", "共有", "共", "计", "达到", "达", "约",
                "为", "是", "有", "了")


def fold(text: str) -> str:
    """The matching form of printed text: NFKC and simplified characters, one character for one, so
    that an offset into it is an offset into the printed text ("共公開信息31條" -> "共公开信息31条")."""
    if unicodedata.is_normalized("NFKC", text):  # then every character is its own NFKC form
        folded = text
    else:  # each character that NFKC makes another single character, replaced (each distinct one looked at once)
        changed = {}
        for ch in set(text):
            n = unicodedata.normalize("NFKC", ch)
            if len(n) == 1 and n != ch:
                changed[ch] = n
        folded = text.translate(str.maketrans(changed)) if changed else text
    folded = folded.replace("\u3000", " ").replace("\u00a0", " ")
    conv = simplifier()
    if conv is None or folded.isascii():
        return folded
    converted = conv.convert(folded)
    if len(converted) == len(folded):
        return converted
    return "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv.convert(ch)) for ch in folded))


# --------------------------------------------------------------------------- figures in a sentence

@dataclass
class Mention:
    """A figure as printed: where it is, its value and unit, and how it was qualified."""

    start: int
    end: int
    value: float | int
    unit: str
    approx: str = ""
    raw: str = ""
    change: int = 0
    in_range: bool = False  # one end of a range ("5至8场"): never a figure on its own


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _digit_figure() -> re.Pattern:
    return re.compile(
        rf"(?P<before>{_alternation(APPROX_BEFORE)})?\s*"
        r"(?<![\d.A-Za-z第])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d.])\s*"
        rf"(?P<after>{_alternation(APPROX_AFTER)})?\s*"
        rf"(?P<mult>{_alternation(MULTIPLIERS)})?\s*"
        rf"(?P<after2>{_alternation(APPROX_AFTER)})?\s*"
        rf"(?P<unit>{_alternation(UNITS)})?"
        r"(?P<after3>以上|左右)?")


_WORD_CHARS = "".join(WORD_DIGITS) + "".join(WORD_POWERS)
_ANY_DIGIT = re.compile(r"\d")  # what every figure in digits holds
_ANY_WORD_DIGIT = re.compile(f"[{_WORD_CHARS}]")  # what every figure in words holds


@lru_cache(maxsize=1)
def _word_figure() -> re.Pattern:
    return re.compile(
        rf"(?<![{_WORD_CHARS}{WORD_NUMBER_NOT_AFTER}])(?P<num>[{_WORD_CHARS}]+)"
        rf"(?P<after>余|多)?(?P<unit>{_alternation(WORD_NUMBER_UNITS)})")


def word_number(text: str) -> int | None:
    """一 -> 1, 两 -> 2, 十 -> 10, 十二 -> 12, 二十三 -> 23, 一百零五 -> 105; None if not a number."""
    if not text or any(ch not in WORD_DIGITS and ch not in WORD_POWERS for ch in text):
        return None
    if all(ch in WORD_DIGITS for ch in text):
        return WORD_DIGITS[text] if len(text) == 1 else None  # "一二" is no number
    total, digit = 0, None
    for ch in text:
        if ch in WORD_DIGITS:
            if digit is not None and WORD_DIGITS[ch] != 0 and digit != 0:
                return None
            digit = WORD_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * WORD_POWERS[ch]
            digit = None
    return total + (digit or 0)


def _is_year(value, unit: str, text: str, end: int) -> bool:
    if unit or not isinstance(value, int):
        return False
    return YEAR_RANGE[0] <= value <= YEAR_RANGE[1] or text[end:end + 1] in ("年", "月", "日")


def _unitless_ok(text: str, start: int, end: int) -> bool:
    """A figure with no unit counts right after a counted noun ("推送信息1363", "信息数130")."""
    if text[end:end + 1] in ("年", "月", "日", "号", "届", "次", "%", ".", "-", "/"):
        return False
    before = re.sub(r"(?:为|是|共计|合计|累计|共|计|达到|达)\s*$", "", text[:start].rstrip()).rstrip()  # "申请数量为0"
    return any(before.endswith(w) for w in UNITLESS_AFTER)


@lru_cache(maxsize=1)
def _unit_after() -> re.Pattern:
    return re.compile(rf"\s*(?:{_alternation(UNITS)}|年|月|日|\.)")


_DIGITS = re.compile(r"\d+")
_SPACE_OR_END = re.compile(r"\s|$")


@remembered(4096)
def _table_like(text: str) -> bool:
    """Whether a sentence is a table's cells run together (many figures without units), not prose."""
    unit_after = _unit_after()
    bare = [m for m in _DIGITS.finditer(text) if not unit_after.match(text, m.end())]
    cells = [m for m in bare if _SPACE_OR_END.match(text, m.end())]  # "规章 0 0 0": figures standing alone
    return (len(cells) >= TABLE_LIKE_FIGURES or any(len(m.group(0)) > MAX_DIGITS for m in bare)
            or any(len(m.group(0)) > 1 and m.group(0).startswith("0") for m in bare))


def _change(text: str, start: int) -> int:
    before = text[max(0, start - 3):start]
    for word, sign in CHANGE_WORDS:
        if before.endswith(word):
            return sign
    return 0


def _joins(text: str, end: int, unit: str) -> bool:
    """Whether the character after a unit makes it part of another word (18部门, 条例)."""
    nxt = text[end:end + 1]
    return bool(nxt) and nxt in UNIT_NOT_BEFORE.get(unit, "")


def mentions(text: str) -> list[Mention]:
    """Every figure printed in ``text`` (already folded), in order."""
    return list(_mentions(text))


@remembered(8192)
def _mentions(text: str) -> tuple[Mention, ...]:
    out: list[Mention] = []
    digits = _ANY_DIGIT.search(text) is not None  # (the patterns are slow to try where nothing can match)
    for m in _digit_figure().finditer(text) if digits else ():
        num, unit = m.group("num"), m.group("unit") or ""
        mult = m.group("mult") or ""
        if unit and _joins(text, m.end("unit"), unit):
            unit = ""
        value = float(num.replace(",", ""))
        value = int(value) if value.is_integer() and "." not in num else value
        start = m.start("before") if m.group("before") else m.start("num")
        end = m.end("unit") if unit else m.end("num")
        approx = next((m.group(g) for g in ("before", "after", "after2", "after3") if m.group(g)), "")
        end = max([end] + [m.end(g) for g in ("after", "after2", "after3") if m.group(g)])
        if mult:
            unit = mult + unit
            end = max(end, m.end("mult"))
        if not unit and not mult:
            if _is_year(value, unit, text, m.end("num")) or not _unitless_ok(text, m.start("num"), end) \
                    or _table_like(text) or (len(num) > 1 and num.startswith("0")):
                continue
        if len(num.replace(",", "").split(".")[0]) > MAX_DIGITS and unit_family(unit) != "money":
            continue  # "21710000218": table cells run together, no count
        out.append(Mention(start, end, value, unit, approx, text[start:end], _change(text, start)))
    words = _ANY_WORD_DIGIT.search(text) is not None
    for m in _word_figure().finditer(text) if words else ():
        unit = m.group("unit")
        if any(text.startswith(w, m.end("unit")) for w in WORD_NUMBER_NOT_BEFORE) or \
                any(text.startswith(w, m.end("num")) for w in WORD_NUMBER_NOT_BEFORE):
            continue
        if _joins(text, m.end("unit"), unit):
            continue
        value = word_number(m.group("num"))
        if value is None or any(o.start <= m.start() < o.end for o in out):
            continue
        out.append(Mention(m.start(), m.end(), value, unit, m.group("after") or "", m.group(0), _change(text, m.start())))
    return tuple(_ranges(text, sorted(out, key=lambda x: x.start)))


@lru_cache(maxsize=1)
def _range_before() -> re.Pattern:
    """A range's first end right before a figure: "5至" of "5至8场", "20%～" of "20%～30%"."""
    return re.compile(rf"(?<![\d.])\d+(?:\.\d+)?\s*(?:%|{_alternation(UNITS)})?\s*(?:{_alternation(RANGE_MARKS)})\s*$")


def _ranges(text: str, found: list[Mention]) -> list[Mention]:
    """A figure that ends a range takes in its first end (one mention, ``in_range``: the text states no
    one figure); a mention of the first end on its own is dropped."""
    out: list[Mention] = []
    for m in found:
        r = _range_before().search(text, max(0, m.start - 24), m.start)
        if r and r.end() == m.start and not re.match(r"\d{4}\s*年", text[r.start():]):
            m.start, m.in_range = r.start(), True
            m.raw = text[m.start:m.end]
            while out and out[-1].start >= m.start:
                out.pop()
        out.append(m)
    return out


# --------------------------------------------------------------------------- subjects

def trim(phrase: str) -> str:
    """A subject phrase without the separators and connecting words at its edges."""
    p = phrase
    while True:
        q = p.strip(_EDGE)
        for w in _LEAD_WORDS:
            if q.startswith(w):
                q = q[len(w):]
                break
        for w in _TRAIL_WORDS:
            if q.endswith(w):
                q = q[:-len(w)]
                break
        q = q.strip(_EDGE)
        if q == p:
            return q
        p = q


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LIST_SEPARATOR = re.compile(rf"[、;]|{_LIST_BETWEEN}")
_SEPARATOR_OR_LIST = re.compile(rf"[,:;、]|{_LIST_BETWEEN}")


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _without_names(text: str, names: tuple[str, ...]) -> str:
    """``text`` without the agency's and region's names, also as their endings ("高新区城市管理局" of
    郑州高新区城市管理局)."""
    for n in names:
        for k in range(max(1, len(n) - MIN_NAME_PART + 1)):
            if n[k:] in text:
                text = text.replace(n[k:], "")
                break
    return text


def _clause_start(text: str, pos: int, floor: int) -> int:
    last = floor
    for m in _CLAUSE_END.finditer(text, floor, pos):
        last = m.end()
    return last


def _clause_index(sentence: str, pos: int) -> int:
    return next((k for k, (a, b) in enumerate(_clauses(sentence)) if a <= pos <= b), 0)


def _clause_end(text: str, pos: int) -> int:
    m = _CLAUSE_END.search(text, pos)
    return m.start() if m else len(text)


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a sentence (cut at , : ;)."""
    return list(_clause_spans(sentence))


@remembered(4096, longest=2000)
def _clause_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    out, pos = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(sentence)))
    return tuple(out)


@dataclass(frozen=True)
class Context:
    """What extraction knows of the report: the names of its agency and region (left out of subjects)
    and the year it reports on (2023 in a 2024 report is 上年, 2025 is 下年)."""

    names: tuple[str, ...] = ()
    year: int | None = None


def _relative_years(text: str, year: int | None) -> str:
    def repl(m: re.Match) -> str:
        if m.group("month"):
            return ""
        y = int(m.group("year"))
        if year and y == year - 1:
            return PREVIOUS_YEAR
        if year and y == year + 1:
            return NEXT_YEAR
        return ""
    return _DATE.sub(repl, text)


def _clean(text: str, ctx: "Context") -> str:
    """A phrase for a subject: dates out (the year before and after the report's as 上年/下年), the
    agency's own name out, connecting words off its edges."""
    return _cleaned(text, ctx.names, ctx.year)


@recent(4096)
def _cleaned(text: str, names: tuple[str, ...], year: int | None) -> str:
    return trim(_without_names(_relative_years(text, year), names))


def _topic(sentence: str, clause: int, ctx: "Context", short_subject: bool = False) -> str:
    """What the sentence says before clause number ``clause``: its first clause, its clauses that state
    no figure, the clause a breakdown details ("行政诉讼5起,其中胜诉2起,…,尚未审结1起": 行政诉讼5起), and the
    clause before when the figure's own words are few ("政务服务事项1512项,全年办理3328473件")."""
    spans = _clauses(sentence)[:clause]
    if short_subject and spans:  # the clause before, and the whole a breakdown details
        near = [len(spans) - 1]
        marks = [k for k, (a, b) in enumerate(spans) if k and sentence[a:b].lstrip().startswith(PART_MARKERS)]
        if marks:
            near.insert(0, marks[-1] - 1)
        parts = [_clean(sentence[spans[k][0]:spans[k][1]], ctx) for k in dict.fromkeys(near)]
        return ",".join(p for p in parts if p)
    keep = set()
    first = True
    for k, (a, b) in enumerate(spans):
        text = sentence[a:b]
        if (first and _cjk(_clean(text, ctx)) >= 2) or not mentions(text):
            keep.add(k)
            first = first and _cjk(_clean(text, ctx)) < 2
        if k and text.lstrip().startswith(PART_MARKERS):
            keep.add(k - 1)
    if clause < len(_clauses(sentence)) and clause:
        a, _ = _clauses(sentence)[clause]
        if sentence[a:].lstrip().startswith(PART_MARKERS):
            keep.add(clause - 1)
    parts = [_clean(sentence[a:b], ctx) for k, (a, b) in enumerate(spans) if k in keep]
    return ",".join(p for p in parts if _cjk(p) >= 2)


@lru_cache(maxsize=1)
def _act_words() -> str:
    return "共|" + _alternation(w for c in CONCEPTS if c.group == "act" for w in c.words)


def _is_modifier(sentence: str, m: Mention, nxt: Mention | None) -> bool:
    """A figure that qualifies a noun before another figure of its clause ("两个自媒体共发布信息4066条")."""
    if nxt is None:
        return False
    between = sentence[m.end:nxt.start]
    return (_cjk(between[:1]) == 1 and _cjk(between) >= 2
            and not _SEPARATOR_OR_LIST.search(between))


def _subjects(sentence: str, found: list[Mention], ctx: "Context") -> list[tuple[str, str, str]]:
    """(subject, tail, topic) of every figure of a sentence.

    The subject is what the figure's clause prints before it, from the clause start or the previous
    figure of the clause (after the list separator: "网上申请4件、信件申请10件"); a figure that only
    qualifies a noun ("两个自媒体") does not cut its clause.  Where nothing stands before the figure, the
    words after it are the subject ("其中9件为网上申请"); where nothing stands around it at all, the
    previous clause ("县长信箱收到信件,183条").  The tail is what follows the figure up to the next
    figure or the clause end, and the next clause when it only describes the figure ("…1件,为部分公开").
    """
    clauses = _clauses(sentence)
    out = []
    floor = 0
    for i, m in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        k = next(k for k, (a, b) in enumerate(clauses) if a <= m.start <= b)
        start = max(clauses[k][0], floor)
        if i and start == found[i - 1].end:
            seps = list(_LIST_SEPARATOR.finditer(sentence[start:m.start]))
            if seps:
                start += seps[-1].end()
        left = _clean(sentence[start:m.start], ctx)
        stop = clauses[k][1]
        if nxt is not None and nxt.start < stop:  # another figure follows in the clause
            sep = _LIST_SEPARATOR.search(sentence[m.end:nxt.start])
            stop = m.end + sep.start() if sep else nxt.start
        modifier = nxt is not None and _is_modifier(sentence, m, nxt)
        if modifier:  # "两个自媒体", "21个市(州)": the noun it counts
            verb = re.search(_act_words(), sentence[m.end:nxt.start])
            stop = m.end + verb.start() if verb else nxt.start
        aside = -1 if modifier else sentence.find("(", m.end, stop)  # "21件(含上年度结转1件)": a remark
        tail = _clean(sentence[m.end:aside if aside >= 0 else stop], ctx)
        if stop == clauses[k][1] and k + 1 < len(clauses):
            a, b = clauses[k + 1]
            after = sentence[a:b].strip()
            if after.startswith(TAIL_OPENERS) and not mentions(after):
                tail = (tail + " " + _clean(after, ctx)).strip()
        if not left and not tail and k and not mentions(sentence[clauses[k - 1][0]:clauses[k - 1][1]]):
            left = _clean(sentence[clauses[k - 1][0]:clauses[k - 1][1]], ctx)
        short = _cjk(_clean(sentence[start:m.start], Context(ctx.names))) <= SHORT_SUBJECT
        out.append((left, tail, _topic(sentence, k, ctx, short)))
        floor = start if _is_modifier(sentence, m, nxt) else m.end
    return out


def _distribute(sentence: str, found: list[Mention], subjects: list[tuple[str, str, str]],
                ctx: "Context") -> list[tuple[str, bool]]:
    """Figures printed as a list ("584条、267条"): paired with the list of things before 分别, else shared.

    Returns (subject, shared) per figure.
    """
    out = [(s, False) for s, _, _ in subjects]
    i = 0
    while i < len(found):
        j = i
        while j + 1 < len(found) and not sentence[found[j].end:found[j + 1].start].strip(" 、和及与"):
            j += 1
        if j > i:  # figures i..j form one printed list
            run = list(range(i, j + 1))
            head = subjects[i][0]
            pair = re.search(r"分别(?:为|是)?", head)
            items: list[str] = []
            if pair:
                listed = head[:pair.start()]
                if not trim(listed):  # "依托微博、微信公众号和门户网站，分别发布…": the clause before lists them
                    k = _clause_index(sentence, found[i].start)
                    if k:
                        a, b = _clauses(sentence)[k - 1]
                        listed = _clean(sentence[a:b], ctx)
                items = [trim(x) for x in _LIST_SEP.split(listed) if trim(x)]
                predicate = trim(head[pair.end():])
            if pair and len(items) == len(run):
                for k, item in zip(run, items):
                    out[k] = (f"{item}{predicate}", False)
            else:
                for k in run:
                    out[k] = (head, True)
        i = j + 1
    return out


# --------------------------------------------------------------------------- zero statements

@lru_cache(maxsize=1)
def _zero() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(ZERO_NEGATIONS)})(?P<gap>[^,;。\d]{{0,{ZERO_GAP}}}?)"
                      rf"(?P<verb>{_alternation(ZERO_VERBS)})(?P<object>[^,;。\d]*)")


def zero_statements(clause: str) -> list[tuple[str, str]]:
    """(subject, printed) for each thing a clause without figures says did not happen.

    "未收到行政复议、行政诉讼" -> ("收到行政复议", …), ("收到行政诉讼", …).
    """
    if mentions(clause):
        return []
    m = _zero().search(clause)
    if not m or not m.group("object").strip():
        return []
    obj = m.group("object")
    verb = m.group("verb")
    parts = [trim(p) for p in _LIST_SEP.split(obj) if trim(p)]
    if len(parts) > 1 and all(_cjk(p) >= 2 for p in parts):
        return [(f"{verb}{p}", m.group(0)) for p in parts]
    return [(trim(f"{verb}{obj}"), m.group(0))]


# --------------------------------------------------------------------------- passages

def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) of a folded passage, cut at 。；！？."""
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > pos:
            out.append((pos, text[pos:m.end()]))
        pos = m.end()
    if pos < len(text):
        out.append((pos, text[pos:]))
    return [(o, s) for o, s in out if s.strip()]


def passage_facts(p: Passage, ctx: "Context | None" = None) -> list[Fact]:
    """The facts one passage states."""
    ctx = ctx or Context()
    text = _URL.sub(lambda m: " " * len(m.group(0)), fold(p.text))  # an address is no sentence
    out: list[Fact] = []
    for offset, sentence in sentences(text):
        printed = p.text[offset:offset + len(sentence)].strip()
        found = mentions(sentence)
        subjects = _subjects(sentence, found, ctx)
        for m, (subject, shared), (_, tail, topic) in zip(found, _distribute(sentence, found, subjects, ctx), subjects):
            if not subject and not tail:
                continue
            if not subject and _cjk(tail) < 2:
                continue
            out.append(Fact(subject=subject, value=m.value, unit=m.unit, raw=p.text[offset + m.start:offset + m.end],
                            approx=m.approx, tail=tail, topic=topic, sentence=printed, section=p.section,
                            page=p.page, line=p.line, seq=p.seq, shared=shared or m.in_range, change=m.change))
        pos = 0
        while pos < len(sentence):
            end = _clause_end(sentence, pos)
            clause = sentence[pos:end]
            for subject, raw in zero_statements(clause):
                subject = _clean(subject, ctx)
                if _cjk(subject) >= 2:
                    out.append(Fact(subject=subject, value=0, unit="", raw=raw, approx="", tail="",
                                    topic=_topic(sentence, _clause_index(sentence, pos), ctx), sentence=printed, section=p.section,
                                    page=p.page, line=p.line, seq=p.seq, negated=True))
            pos = end + 1
    return out


@lru_cache(maxsize=1)
def _region_suffix() -> re.Pattern:
    return re.compile(f"(?:{_alternation(REGION_SUFFIXES)})$")


def extract(passages: list[Passage], names: tuple[str | None, ...] = (), year: int | None = None) -> list[Fact]:
    """Every fact the narrative states, in reading order.  ``names``: the agency's and its region's
    names, left out of subjects ("西关街道办事处累计主动公开…" counts 累计主动公开…); ``year``: the year
    the report is about."""
    stems = {_region_suffix().sub("", n) for n in names if n}
    ctx = Context(tuple(sorted({n for n in (*names, *stems) if n and len(n) >= 2}, key=len, reverse=True)), year)
    out: list[Fact] = []
    for p in passages:
        out.extend(passage_facts(p, ctx))
    return out
