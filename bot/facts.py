"""Answer a question from the figures the narrative states (the facts stored at ingest).

Pure: a question's words and a report's facts in, the fact that answers (or the closest one, which
does not) out.  Both sides are read as *tokens*: the concepts of :mod:`store.template.facts`
(微信公众号 = 公众号 = 政务微信 -> 微信; 受理 = 收到 = 接到 -> 收到 …) and, for every other word, its
character pairs, once filler words are gone (多少, 一共, 全年, 的 …).  A fact answers when

* every required concept the question names is in the fact's subject (or its sentence's topic),
* no concept of the fact contradicts the question's (微博 is not 微信, 收到 is not 办结, 上年 is not 下年),
* the fact counts no other kind of thing (a figure of 申请 never answers 主动公开), nor a
  combination (微博、微信 together never answers 微博 alone), nor a list it cannot be paired with,
* enough of the question's other words are in the subject.

Among the facts that answer, the closest subject wins (fewer words the question did not ask; the unit
the question asks: 几场 -> 场/次, 多少条 -> 条/件, 占比 -> %).  When two facts answer equally well with
different figures, no figure is given.  When none answers, the closest fact is named as what the
report does say — never as the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from store.parse.facts import fold
from store.template.facts import (PART_MARKERS, ABSORBS, ASK_WORDS, CAUSE_CLOSE, CAUSE_OPEN, CHANGE_ASKED, CONCEPTS,
                                  EXAMPLES_END, FILLER_WORDS, LONE_CHARACTERS, IMPLIED_BY_ZERO, LIST_SEPARATORS, MEANS_OPEN, NAME_ENDINGS, NAMED_GROUPS, REGION_SUFFIXES, FREE_GROUPS, MULTIPLIERS, QUALIFIER_GROUPS, SHARE_WORDS,
                                  EXCLUSIVE_UNIT_FAMILIES, FIGURE_WORDS, CHANGE_WORDS, NEXT_YEAR, NOT_COUNTED_BY_PUBLISHING, PREVIOUS_VALUE_SUBJECTS, PUBLISHED_ACT, YES_NO_WORDS, PREVIOUS_YEAR, UNITS, WORD_ALIASES,
                                  unit_family)

#: How much of the question a fact's subject must hold to answer it.
MIN_RECALL = 0.6
#: Credit for a word of the question of a kind the fact leaves unsaid (收到 asked, "依申请公开0件" stated).
UNSAID_CREDIT = 0.5
#: Credit for a question word found only in the sentence's topic (not in the figure's own clause).
TOPIC_CREDIT = 0.8
#: Score lost per qualifier the fact names and the question does not (a part, not the whole) …
QUALIFIER_PENALTY = 0.2
#: How much of what a fact counts the question must name (precision), and what a shortfall costs.
MIN_PRECISION = 0.35
PRECISION_WEIGHT = 0.3
#: … for a unit of another kind than the one asked (几期 answered by 条), and the bonus for the same kind.
UNIT_PENALTY = 0.3
UNIT_BONUS = 0.05
#: The unit family a statement of nothing (未收取信息处理费) answers in whatever unit is asked: 0 元 is 0 万元.
ZERO_ANY_AMOUNT = "money"
#: Score lost by a fact that is a part of another fact that answers too ("主动公开信息2331条，其中政务动态
#: 1915条": 1915 is part of 2331).
PART_PENALTY = 0.5
#: A fact that does not answer is named as the closest only when it holds this much of the question.
CLOSEST_RECALL = 0.2
#: Two answering facts closer than this with different figures: no figure is given.
TIE = 0.02


@dataclass(frozen=True)
class Token:
    name: str
    group: str  # a concept's group; "" for a pair of characters
    weight: float
    required: bool = False
    piece: str = ""  # a pair of characters: the stretch of words it was cut from


@lru_cache(maxsize=1)
def _concept_index() -> dict[str, list[tuple[str, Token]]]:
    index: dict[str, list[tuple[str, Token]]] = {}
    for c in CONCEPTS:
        tok = Token(c.name, c.group, c.weight, c.required)
        for w in c.words:
            index.setdefault(w[0], []).append((w, tok))
    for k in index:
        index[k].sort(key=lambda wt: -len(wt[0]))
    return index


@lru_cache(maxsize=1)
def _fillers() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for w in FILLER_WORDS:
        index.setdefault(w[0], []).append(w)
    for k in index:
        index[k].sort(key=len, reverse=True)
    return index


_DATES = re.compile(r"\d{4}\s*年(?:度)?|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*日")
_KEEP = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


def _raw_tokens(run: str) -> list[Token]:
    """Pairs of characters of a stretch that names no concept, fillers left out."""
    out: list[Token] = []
    fillers = _fillers()
    pieces, cur, i = [], "", 0
    while i < len(run):
        w = next((w for w in fillers.get(run[i], ()) if run.startswith(w, i)), None)
        if w:
            pieces.append(cur)
            cur = ""
            i += len(w)
            continue
        cur += run[i]
        i += 1
    pieces.append(cur)
    for p in list(pieces):
        for d in re.findall(r"\d+", p):  # a number names one thing ("12345热线"): one token
            out.append(Token(d, "", 1.0))
        pieces.extend(re.split(r"\d+", p))
        pieces.remove(p)
    for p in pieces:
        if len(p) == 1 and p in LONE_CHARACTERS:
            out.append(_concept_token(LONE_CHARACTERS[p]))
        elif len(p) == 1:
            out.append(Token(p, "", 0.5))
        for a, b in zip(p, p[1:]):
            out.append(Token(a + b, "", 1.0, piece=p))
    return out


@lru_cache(maxsize=8192)
def segments(text: str) -> tuple[tuple[Token | None, str], ...]:
    """A phrase cut into concepts and the stretches between them, in order: (token, words) for a concept,
    (None, words) for a stretch that names none."""
    text = _DATES.sub(" ", fold(text or ""))
    index = _concept_index()
    out: list[tuple[Token | None, str]] = []
    run = ""
    i = 0
    while i < len(text):
        ch = text[i]
        hit = next(((w, t) for w, t in index.get(ch, ()) if text.startswith(w, i)), None)
        if hit or not _KEEP.match(ch):
            if run:
                out.append((None, run))
            run = ""
            if hit:
                out.append((hit[1], hit[0]))
                i += len(hit[0])
                continue
        else:
            run += ch
        i += 1
    if run:
        out.append((None, run))
    return tuple(out)


def _unique(toks) -> tuple[Token, ...]:
    seen, unique = set(), []
    for t in toks:
        if t.name not in seen:
            seen.add(t.name)
            unique.append(t)
    groups = {t.group for t in unique}
    absorbed = {g for k, gs in ABSORBS.items() if k in groups for g in gs}
    return tuple(t for t in unique if t.group not in absorbed and f"{t.group}:{t.name}" not in absorbed)


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[Token, ...]:
    """The concepts and character pairs of a phrase (question or subject), in order, without repeats."""
    out: list[Token] = []
    for tok, words in segments(text):
        out.extend([tok] if tok else _raw_tokens(words))
    return _unique(out)


def name_and_rest(text: str) -> tuple[str, str]:
    """(the names of channels, the rest): the words right before a channel name it ("e健康官方微信平台",
    "自治区人民政府门户网站"): they tell which account, not what is counted."""
    names, rest = [], []
    segs = segments(text)
    for k, (tok, words) in enumerate(segs):
        nxt = segs[k + 1][0] if k + 1 < len(segs) else None
        if tok is None and nxt is not None and nxt.group in NAMED_GROUPS:
            names.append(words)
        else:
            rest.append(words)
    return " ".join(names), " ".join(rest)


def counted_part(subject: str) -> tuple[str, str, str]:
    """(what a subject counts, the examples it lists, the cause it names).

    "发布机构设置、工作动态等政府信息" counts 政府信息 (机构设置、工作动态 are examples);
    "累计发布会议、政策解读及活动信息" counts what was published (the listed kinds are examples);
    "微博、微信两个自媒体共发布信息" counts the last item (the others are listed beside it, and join it
    when they are of its kind); "因政府信息公开引发的行政复议" counts 行政复议 (the cause is aside).
    """
    examples = []
    for word in EXAMPLES_END:
        at = re.sub(r"\([^()]*\)", lambda m: "#" * len(m.group(0)), subject).rfind(word)
        if 0 < at < len(subject) - len(word):
            examples.append(subject[:at])
            subject = subject[at + len(word):]
    cause = ""
    m = re.search(rf"(?:{_alternation(CAUSE_OPEN)})(?P<cause>.{{1,24}}?)(?:{_alternation(CAUSE_CLOSE)})", subject)
    if m:
        cause = m.group("cause")
        subject = subject[:m.start()] + " " + subject[m.end():]
    for m in re.finditer(r"\(([^()]*)\)", subject):  # "(微信公众号等)": examples; "(微信公众号)": the same thing
        if any(w in m.group(1) for w in EXAMPLES_END):
            examples.append(m.group(1))
            subject = subject.replace(m.group(0), " ")
    items = [x for x in re.split("|".join(LIST_SEPARATORS), subject) if x.strip()]
    if len(items) > 1 and any(w in items[-1] for w in SHARE_WORDS):
        items = [subject]  # "主动公开及依申请公开政府信息占比": the share of the things listed together
    if len(items) > 1:
        verb = None
        for verb in re.finditer(rf"主动|{_act_words()}", items[0]):
            pass
        if verb:  # a list after the verb ("累计发布会议、解读及活动信息"): all of it, by kinds
            examples.extend([items[0][verb.end():], *items[1:]])
            subject = items[0][:verb.end()]
        else:  # a list before it ("微博、微信两个自媒体共发布信息"): the last item carries the verb
            examples.extend(items[:-1])
            subject = items[-1]
    return subject, "、".join(examples), cause


# --------------------------------------------------------------------------- the question

@dataclass(frozen=True)
class Asked:
    """What a question asks of the narrative: its words, and the unit it names (几场 -> 场)."""

    text: str
    tokens: tuple[Token, ...]
    unit: str = ""  # "场", "条", "万条", "%" … or "" when not named
    change: bool = False  # asks for a change (变化了多少): a stated decrease is negative


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _ask_pattern() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(ASK_WORDS)})(?P<mult>{_alternation(MULTIPLIERS)})?"
                      rf"(?P<unit>{_alternation(UNITS)})?")


@lru_cache(maxsize=1)
def _alias_pattern() -> re.Pattern:
    return re.compile(_alternation(WORD_ALIASES))


def _said_as_template(text: str) -> str:
    """``text`` with the colloquial words of :data:`WORD_ALIASES` replaced by the template's words."""
    return _alias_pattern().sub(lambda m: WORD_ALIASES[m.group(0)], text)


def asked(text: str) -> Asked:
    """The question's subject: ``text`` is the question without its agency and years."""
    t = re.sub(r"\([^()]*\)", " ", fold(text))  # "(减少记负数)", "(截至2019年报)": remarks to the reader
    t = _said_as_template(t)  # 还没审完 is 尚未审结, as the table rows read it
    t = re.sub(_alternation(YES_NO_WORDS), " ", t)  # 有没有收到: whether any was received, not 没有
    unit = ""
    m = _ask_pattern().search(t)
    if m:
        unit = (m.group("mult") or "") + (m.group("unit") or "")
        t = t[:m.start()] + " " + t[m.end():]
    if not unit:
        after = re.search(rf"(?:{_alternation(UNITS)})(?=数|量)?$", re.sub(r"[?？。!！\s]+$", "", t))
        unit = after.group(0) if after and after.group(0) in ("%",) else ""
    if any(w in t for w in SHARE_WORDS):
        unit = "%"
    return Asked(t, tokens(t), unit, any(w in fold(text) for w in CHANGE_ASKED))


def counting_unit(text: str) -> str:
    """The unit a question counts in (几件 -> 件), for a figure printed without one; "" for shares and money."""
    unit = asked(text).unit
    return "" if unit_family(unit) in EXCLUSIVE_UNIT_FAMILIES else unit


def asks_figure(text: str) -> bool:
    """Whether a question asks for a figure (多少, 几, 占比 …)."""
    t = fold(text)
    return bool(_ask_pattern().search(t)) or any(w in t for w in SHARE_WORDS + FIGURE_WORDS + YES_NO_WORDS)


#: Words a table question uses loosely (收到, 公开, 信息): they never make it a question about something else.
LOOSE_GROUPS = ("act", "thing", "scope")


def without_names(text: str, names: list[str], region_known: bool = True) -> str:
    """``text`` (a question once the agency named in it is cut out, leaving a space) without what is left of
    the agency's or its region's names beside the cut: "实验区 主动公开了多少条" -> " 主动公开了多少条"
    (平潭综合实验区经济发展局 was named as 经济发展局); a piece is left out when it ends like a name
    (实验区, 甘州区) or is how a name begins (南昌 of 南昌市, 平潭 of 平潭综合实验区).  A place named first that
    is none of these stays (武汉市 asked of 上海市生态环境局: no fact of that report answers it), unless the
    agency's region is not on file (``region_known`` false): then it says whose report, not what is counted."""
    names = [fold(n) for n in names if n]  # 天門市 on file, 天门市 asked
    text = fold(text)
    out = _without_names_once(text, names)
    while out != text:
        text, out = out, _without_names_once(out, names)
    if not region_known:  # "甘州区 发布了…" of an agency whose region is not on file: whose, not what
        out = re.sub(rf"^\s*[\u4e00-\u9fff]{{2,12}}(?:{_alternation(REGION_SUFFIXES)})(?=\s)", " ", out)
    return out


def _without_names_once(text: str, names: list[str]) -> str:
    out = text
    for m in list(re.finditer(r"[\u4e00-\u9fff]{2,}(?=\s)|(?<=\s)[\u4e00-\u9fff]{2,}|^[\u4e00-\u9fff]{2,}", text)):
        run = m.group(0)
        for k in range(len(run), 1, -1):  # the longest piece of a name at the cut's side of the run
            piece = run[-k:] if m.end() < len(text) and text[m.end():m.end() + 1].isspace() else run[:k]
            if any(piece in n for n in names) and (piece.endswith(NAME_ENDINGS) or any(n.startswith(piece)
                                                                                       for n in names)):
                out = out.replace(piece, " ", 1)
                break
    return out


def significant(text: str) -> bool:
    """Whether a question names something to count (a concept, or words beyond fillers)."""
    return any(t.weight >= 1 for t in asked(text).tokens)


def unexplained(text: str, hits: list[tuple[int, int, str]]) -> str:
    """What a question says beyond the table rows it hit (``hits``: start, end, the rows' own words):
    "concept" when it names a thing the rows are not (微博投诉: 微博), "words" when other words remain
    (采购网), "" when the rows explain it all."""
    explained = {t.name for _, _, words in hits for t in tokens(words)}
    rest = [t for t in asked(text).tokens if t.name not in explained and t.group not in LOOSE_GROUPS
            and (t.group or len(t.name) >= 2)]
    if any(t.group for t in rest):
        return "concept"
    return "words" if rest else ""


# --------------------------------------------------------------------------- one fact

@dataclass
class Judgement:
    fact: dict
    score: float
    recall: float
    reason: str = ""  # why it does not answer; "" when it does
    part: frozenset = frozenset()  # the qualifiers it names and the question does not (通过网站: a part)

    @property
    def answers(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class FactWords:
    """A fact's words, by the part they play.

    ``own``: what the figure counts ("微信公众号发布信息"), with the channels it was done by;
    ``means``: the other words of how it was done ("通过不同渠道和方式"): neither needed nor extra;
    ``aside``: examples and causes ("机构设置、工作动态等", "因政府信息公开引发的"); ``topic``: the
    sentence around the figure's clause.  Listed things of the same kind as the counted one are counted
    together ("微博、微信两个自媒体共发布信息": both channels); of another kind they are examples
    ("会议、政策解读及活动信息": 活动信息).
    """

    own: tuple[Token, ...]
    means: tuple[Token, ...]
    aside: tuple[Token, ...]
    topic: tuple[Token, ...]


@lru_cache(maxsize=1)
def _act_words() -> str:
    return _alternation(w for c in CONCEPTS if c.group == "act" for w in c.words)


_QUOTED = r"[“\"「『《]([^”\"」』》]{1,20})[”\"」』》]"


def split_means(subject: str) -> tuple[str, str]:
    """(the adverbial of means, the rest): "通过不同渠道和方式主动公开政务信息" ->
    ("不同渠道和方式", "主动公开政务信息")."""
    opener = re.search(_alternation(MEANS_OPEN), subject)
    verbs = list(re.finditer(_act_words(), subject[opener.end():])) if opener else []
    if not verbs:
        return "", subject
    end = opener.end() + verbs[-1].start()  # up to the verb of the clause: the last one
    if subject[:end].endswith("主动"):
        end -= 2
    return subject[opener.end():end], subject[:opener.start()] + " " + subject[end:]


def fact_words(fact: dict) -> FactWords:
    subject = fold(fact.get("subject") or "").strip()
    if subject in PREVIOUS_VALUE_SUBJECTS and not fact.get("change") and fact.get("topic"):
        # "共收到申请22起，比2022年(31起)下降29%": 31 is the year before's count of the topic's thing
        topic = re.sub(rf"[\d.]+\s*(?:{_alternation(UNITS)})?", " ", fold(fact["topic"]))
        return FactWords(tuple(dict.fromkeys(tokens(PREVIOUS_YEAR + " " + topic))), (), (), ())
    means, rest = split_means(fact.get("subject") or "")
    counted, examples, cause = counted_part(rest)
    names = re.findall(_QUOTED, counted)  # “发展北京”: an account's or a column's name
    if names:
        counted = re.sub(_QUOTED, " ", counted)
    channel_names, counted = name_and_rest(counted)
    own = list(tokens(counted + " " + (fact.get("tail") or "")))
    kinds = {t.group for t in own if t.group and t.group not in FREE_GROUPS}
    aside = []
    for t in tokens(examples):
        (own if t.group in kinds else aside).append(t)
    aside.extend(tokens(cause))
    # the means: the channels it names are the fact's own ("通过门户网站公开"), the kinds it names are
    # examples ("通过工作动态等栏目公开"), its other words tell nothing
    neutral = []
    for t in tokens(" ".join([means, *names, channel_names])):
        (own if t.group in QUALIFIER_GROUPS else aside if t.group else neutral).append(t)
    known = {t.name for t in own}
    neutral = [t for t in neutral if t.name not in known]
    known |= {t.name for t in neutral}
    aside = [t for t in aside if t.name not in known]
    if fact.get("negated"):
        own += [_concept_token(IMPLIED_BY_ZERO[t.name]) for t in own if t.name in IMPLIED_BY_ZERO]
    return FactWords(tuple(dict.fromkeys(own)), tuple(dict.fromkeys(neutral)), tuple(dict.fromkeys(aside)),
                     tokens(fact.get("topic") or ""))


def _concept_token(name: str) -> Token:
    c = next(c for c in CONCEPTS if c.name == name)
    return Token(c.name, c.group, c.weight, c.required)


def _groups(toks) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in toks:
        if t.group:
            out.setdefault(t.group, set()).add(t.name)
    return out


def _recall(q: Asked, w: FactWords) -> tuple[float, list[str], list[str], int]:
    """How much of the question the fact holds: (recall, required concepts missing, required concepts
    only among its examples, question words found in the fact's own clause)."""
    own = {t.name for t in w.own} | {t.name for t in w.means}
    aside = {t.name for t in w.aside}
    topic = {t.name for t in w.topic}
    fact_groups = {t.group for t in w.own + w.means + w.aside + w.topic}
    got, total = 0.0, sum(t.weight for t in q.tokens) or 1.0
    only_listed, hits = [], 0
    pieces: dict[str, bool] = {}
    for t in q.tokens:
        if t.piece:
            pieces[t.piece] = pieces.get(t.piece, False) or t.name in own | aside | topic
    missing = [p for p, found in pieces.items() if not found]  # a word of the question the fact never says
    for t in q.tokens:
        if t.name in own:
            got += t.weight
            hits += t.weight >= 1
        elif t.name in aside:
            got += t.weight * TOPIC_CREDIT
            hits += t.weight >= 1
            if t.required:
                only_listed.append(t.name)
        elif t.name in topic:
            got += t.weight * (TOPIC_CREDIT if t.group else TOPIC_CREDIT * 0.75)
        elif t.required:
            missing.append(t.name)
        elif t.group in FREE_GROUPS and t.group not in fact_groups:
            got += t.weight * UNSAID_CREDIT
    return got / total, missing, only_listed, hits


def _precision(q: Asked, w: FactWords) -> float:
    """How much of what the fact counts the question asks (a figure of 申请竣工验收备案 is not one of 申请)."""
    asked_names = {t.name for t in q.tokens}
    counted = [t for t in w.own if t.group not in QUALIFIER_GROUPS and t.weight >= 1]  # qualifiers cost apart
    total = sum(t.weight for t in counted)
    if not total:
        return 1.0
    return sum(t.weight for t in counted if t.name in asked_names) / total


def _conflict(q: Asked, w: FactWords, fact: dict) -> tuple[str, float]:
    """Why the fact counts another thing than the question ("" if it does not), and the score lost to
    the qualifiers it names and the question does not (a part of what was asked)."""
    q_groups = _groups(q.tokens)
    f_groups = _groups(w.own + w.means)
    if "act" not in f_groups and _is_part(fact):  # "制发政府信息487条，其中…依申请公开274条": 制发
        f_groups.update({g: n for g, n in _groups(w.topic).items() if g == "act"})
    if (PUBLISHED_ACT in f_groups.get("act", set()) and PUBLISHED_ACT not in q_groups.get("act", set())
            and set(q_groups) & set(NOT_COUNTED_BY_PUBLISHING)):
        return "说的是公开发布的信息条数", 0.0  # "公示行政处罚案件信息31条" is no count of 行政处罚
    penalty = 0.0
    for group, names in f_groups.items():
        asked_names = q_groups.get(group, set())
        if asked_names and not asked_names & names:
            return f"说的是{'、'.join(sorted(names))}", 0.0
        if group in FREE_GROUPS:
            continue
        if not asked_names:
            if group in QUALIFIER_GROUPS:
                penalty += QUALIFIER_PENALTY * len(names)
                continue
            return f"说的是{'、'.join(sorted(names))}", 0.0
        if names - asked_names:
            return f"是{'、'.join(sorted(names))}合计的数字", 0.0
    for group, names in _groups(t for t in w.topic if t.group in QUALIFIER_GROUPS).items():
        if group in f_groups:
            continue
        asked_names = q_groups.get(group, set())
        if not asked_names:
            penalty += QUALIFIER_PENALTY * TOPIC_CREDIT
        elif asked_names & names and names - asked_names:
            return f"是{'、'.join(sorted(names))}合计的数字", 0.0
    if _is_part(fact) and not _specific(q):
        if any(t.weight >= 1 and t.group not in FREE_GROUPS and t.name not in {x.name for x in q.tokens}
               for t in w.own):
            return "是其中一项，不是总数", 0.0
    if fact.get("shared"):
        return "是一组数字中的一个，原文没有对应到具体项目", 0.0
    return "", penalty


def _unit_score(q: Asked, fact: dict) -> float | None:
    """Bonus for the unit the question names (几场 answered in 场), penalty for another kind (几期 in 条);
    None when the units can never answer for each other (a share for a count)."""
    fu = fact.get("unit") or ""
    if q.unit and not fu and unit_family(q.unit) in EXCLUSIVE_UNIT_FAMILIES \
            and not (fact.get("value") == 0 and unit_family(q.unit) == ZERO_ANY_AMOUNT):
        return None  # a share or an amount is printed with its unit (an amount of nothing, 未收取…, is 0 元)
    if not q.unit or not fu:
        return 0.0
    kinds = {unit_family(q.unit), unit_family(fu)}
    if len(kinds) > 1 and kinds & set(EXCLUSIVE_UNIT_FAMILIES):
        return None
    same_scale = q.unit[:1] in MULTIPLIERS if fu[:1] in MULTIPLIERS else q.unit[:1] not in MULTIPLIERS
    if len(kinds) == 1 and same_scale:
        return UNIT_BONUS
    return -UNIT_PENALTY


def judge(q: Asked, fact: dict) -> Judgement:
    """How well ``fact`` answers ``q``; ``reason`` says why it does not."""
    w = fact_words(fact)
    recall, missing, only_listed, hits = _recall(q, w)
    j = Judgement(fact, recall, recall)
    if missing:
        j.reason = "没有说到" + "、".join(missing)
    elif only_listed:
        j.reason = f"是包括{'、'.join(only_listed)}在内的合计"
    elif not hits:
        j.reason = "所在分句说的不是这件事"
    if j.reason:
        return j
    j.reason, penalty = _conflict(q, w, fact)
    if j.reason:
        return j
    asked_names = {t.name for t in q.tokens}
    j.part = frozenset(t.name for t in w.own + w.means if t.group in QUALIFIER_GROUPS and t.name not in asked_names)
    precision = _precision(q, w)
    unit = _unit_score(q, fact)
    if unit is None:
        j.reason = f"单位是{fact['unit']}，问的不是这种数" if fact.get("unit") else "没有单位，而问的是比例或金额"
        return j
    j.score = recall - (1 - precision) * PRECISION_WEIGHT - penalty + unit
    if recall < MIN_RECALL:
        j.reason = "说的不是同一件事"
    elif precision < MIN_PRECISION:
        j.reason = f"说的是{label_of(fact)}"
    return j


# --------------------------------------------------------------------------- all facts of a report

@dataclass
class FactMatch:
    """The answer a report's facts give to a question."""

    fact: dict | None = None  # the fact that answers
    closest: dict | None = None  # when none answers: the nearest fact (not the answer)
    reason: str = ""  # why the closest is not the answer
    tied: list[dict] = field(default_factory=list)  # facts that answer equally well with other figures

    @property
    def found(self) -> bool:
        return self.fact is not None


def _specific(q: Asked) -> bool:
    """Whether a question names what it counts beyond publishing and information (微信, 人事, 申请 …)."""
    return any((t.group and t.group not in FREE_GROUPS) or (not t.group and t.weight >= 1) for t in q.tokens)


def _is_part(fact: dict) -> bool:
    """Whether a fact is an item of a breakdown ("…，其中工作动态类信息63条"; "包括通知公告29条")."""
    sentence = fold(fact.get("sentence") or "")
    at = sentence.find(fold(fact.get("raw") or "\0"))
    return at > 0 and any(0 <= sentence.find(w) < at for w in PART_MARKERS)


def _part_of(part: dict, whole: dict) -> bool:
    """Whether ``part`` details ``whole``: the sentence opens with ``whole`` ("共公开信息314条，其中疫情
    信息8条…")."""
    sentence = part.get("sentence") or ""
    if part is whole or part.get("seq") != whole.get("seq") or sentence != whole.get("sentence"):
        return False
    a, b = sentence.find(whole.get("raw") or "\0"), sentence.find(part.get("raw") or "\0")
    return 0 <= a < b and any(w in sentence[a:b] for w in PART_MARKERS)


def label_of(fact: dict, question: str = "") -> str:
    """What a fact counts, for a reply: its subject without the means and the fillers it opens with,
    else the words after its figure.  A figure set against the year before names what its sentence
    counts: "上年收到信息公开申请" (比2022年(31起)), "行政许可事项比上年增减" when a change is asked."""
    subject = split_means((fact.get("subject") or "").strip())[1].strip()
    bare = fold(subject)
    for w in sorted(PREVIOUS_VALUE_SUBJECTS + tuple(w for w, _ in CHANGE_WORDS), key=len, reverse=True):
        bare = bare.replace(w, "")
    if not bare.strip() and fact.get("topic"):
        topic = _without_leading_fillers(re.sub(rf"[\d.]+\s*(?:{_alternation(UNITS)})?", "",
                                                fact["topic"]).strip(" ,，"))
        if not fact.get("change"):
            return f"{PREVIOUS_YEAR}{topic}"
        signed = asked(question).change or asked_direction(question) not in (0, fact["change"])
        return f"{topic}{'比上年增减' if signed else subject}"
    return _label_words(subject, fact)


def _without_leading_fillers(subject: str) -> str:
    for _ in range(8):
        if subject.startswith((PREVIOUS_YEAR, NEXT_YEAR)):  # 上年结转: 上 is no filler here
            break
        lead = next((w for w in sorted(FILLER_WORDS, key=len, reverse=True) if subject.startswith(w)), None)
        if not lead:
            break
        subject = subject[len(lead):].strip()
    return subject


def _label_words(subject: str, fact: dict) -> str:
    subject = _without_leading_fillers(subject)
    tail = (fact.get("tail") or "").strip()
    if fact.get("negated"):
        return subject
    if sum(1 for ch in subject if "\u4e00" <= ch <= "\u9fff") >= 2:
        return subject
    return tail or subject


def value_of(fact: dict, question: str = "") -> float | int:
    """The figure a fact gives: as printed, negative for a stated decrease when a change is asked
    (变化了多少), or for a change the other way than the one asked ("增加了几项" of "比上年减少3项": -3)."""
    v = fact["value"]
    if not fact.get("change"):
        return v
    if asked(question).change:
        return v * fact["change"]
    direction = asked_direction(question)
    return v * fact["change"] * direction if direction else v


def asked_direction(question: str) -> int:
    """+1 when a question asks how much something grew (增加了几项), -1 how much it fell (减少了多少),
    0 when it names no direction."""
    t = fold(question)
    for word, sign in sorted(CHANGE_WORDS, key=lambda ws: -len(ws[0])):
        if word in t:
            return sign
    return 0


def change_words(question: str) -> str:
    """The words of ``question`` that ask for a change (变化, 增减, 减少 …), to say to the facts again."""
    t = fold(question)
    return " ".join(w for w in sorted({*CHANGE_ASKED, *(w for w, _ in CHANGE_WORDS)}, key=len, reverse=True)
                    if w in t)[:12]


def match(question: str, facts: list[dict]) -> FactMatch:
    """The fact of ``facts`` that answers ``question`` (its words without agency and years)."""
    q = asked(question)
    if not q.tokens or not facts:
        return FactMatch()
    judged = [judge(q, f) for f in facts]
    answering = [j for j in judged if j.answers]
    for j in answering:
        if any(_part_of(j.fact, other.fact) and other.recall >= j.recall for other in answering if other is not j):
            j.score -= PART_PENALTY
    good = sorted(answering, key=lambda j: -j.score)
    if good and good[0].part:
        # "通过网站公开754条，通过新媒体公开2808条": parts by channel, none the whole asked for
        others = [j for j in good[1:] if j.part and j.part != good[0].part and j.fact["value"] != good[0].fact["value"]
                  and j.recall >= good[0].recall - 1e-9
                  and unit_family(j.fact.get("unit") or "") == unit_family(good[0].fact.get("unit") or "")]
        if others:
            return FactMatch(None, good[0].fact, "原文按渠道分别给出，没有说总数", [good[0].fact] + [j.fact for j in others])
    if good:
        best = good[0]
        tied = [j.fact for j in good[1:] if best.score - j.score < TIE and j.fact["value"] != best.fact["value"]]
        if tied:
            return FactMatch(None, best.fact, "原文有几处说法，无法确定是哪一个", [best.fact] + tied)
        return FactMatch(best.fact)
    near = max(judged, key=lambda j: j.recall)
    if near.recall < CLOSEST_RECALL:
        return FactMatch()
    return FactMatch(None, near.fact, near.reason)
