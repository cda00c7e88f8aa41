"""Find the agencies a question names, the way people name them.

Every agency is known under several names (its aliases), each with a strength:

* 0 — the name as printed, its short name, the short name without its 街道/镇/乡 suffix
  (后湖), and any of them after a region it lies in (江岸区后湖街道, 武汉后湖街道, 垫江应急管理局);
  a department also without its region (教育局: it counts when it is unique on file, or when a
  region named anywhere in the question settles it);
* 1 — the same names with a department abbreviation (垫江县应急局, 市监局, 政府办), from
  :mod:`store.template.abbreviations`;
* 2 — a region named alone (吴起县, 平潭): the region's own government report (人民政府, then its
  办公室/办公厅 where that is who reports).  The answer offers the region's other agencies.

A question is scanned for aliases and region names, longest first at each position.  A name
that is not on file is read once more allowing look-alike characters (OCR: 未/末, 己/已) and
homophones (应及管理局 for 应急管理局): taken only when the rest of the name matches and exactly
one agency fits, and the reply then says how it read the name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from bot.textnorm import fold
from store.template.abbreviations import (ABBREVIATIONS, DEPARTMENT_ENDINGS, GOVERNMENT_PREFIXES, PLACE_ENDINGS, GOVERNMENT_WORDS, LEVEL_CHARACTERS, NOT_LEVEL_WORDS,
                                          LOOKALIKE_CHARACTERS, NEEDS_REGION, REGION_ABBREVIATIONS,
                                          REGION_SUFFIX_PATTERN, REGION_TOKEN_SUFFIXES, SHORTENED_TO_DISTRICT,
                                          WORDS_ACROSS_NAME_END)

try:  # the gazetteer of divisions (regions above a stored region), when ingest provides one
    from store import regions as _gazetteer  # type: ignore
except Exception:  # pragma: no cover - optional until it is on main
    _gazetteer = None

_SUFFIXES = ("街道办事处", "办事处", "人民政府") + PLACE_ENDINGS  # longest first: 街道办事处 before 街道
_REGION_SPLIT = re.compile(r"^(.{2,}?)" + REGION_SUFFIX_PATTERN)
_REGION_TOKEN = re.compile(r"^([\u4e00-\u9fff]{1,10}?(?:%s))" % "|".join(REGION_TOKEN_SUFFIXES))
#: Words that end the agency part of a question.
_STOP = re.compile(
    r"(?:(?:19|20)\d{2}|[二][〇零○][一二三四五六七八九〇零○]{2}|\d{2}年|今年|去年|前年|最新|最近|近几年|历年|"
    r"收到|受理|新收|多少|几件|几个|几起|是多少|有多少|的|，|,|？|\?|。|\s|行政|主动|依申请|申请|公开|办结|结转|复议|诉讼)")
#: Words around a question that are not part of any name.
_FILLER = re.compile(r"^(?:请问一?下?|根据|据|我想知道|想知道|想问一?下|想问问?|麻烦(?:问一?下)?|帮忙查一?下|我?想了解一?下?|"
                     r"帮我查一?下|查一?下|告诉我|那么|那|还有|然后|再问一下)|"
                     r"(?:呢|吗|啊|呀|么|吧|了)+[？?。!！]*$|[？?。!！]+$")
_GOVERNMENT_RANK = {w: 2 + i / 100 for i, w in enumerate(GOVERNMENT_WORDS)}
#: A name on its own that is no agency (it is part of the words of every question).
_NEVER_ALONE = {"人民政府", "政府", "办事处", "管委会", "管理委员会", "街道", "办公室", "办公厅"}
#: Strengths: 0 a name, 1 an abbreviation, 2.xx a region alone (its own government), 3 a word that
#: names a department only right after its region.
NEEDS_REGION_RANK = 3.0
_LEVEL_WORDS = ("自治区", "自治州", "自治县", "特别行政区", "省", "市", "区", "县", "州", "旗", "盟")


@dataclass
class Agency:
    id: int
    name: str
    short_name: str
    district: str | None = None
    city: str | None = None
    province: str | None = None
    years: list[int] = field(default_factory=list)

    @property
    def region(self) -> str:
        return "".join(x for x in (self.province, self.city, self.district) if x)

    @property
    def display(self) -> str:
        region = self.district or self.city or self.province
        if region and region not in self.name:
            return f"{self.name}（{region}）"
        return self.name


@dataclass
class Match:
    agencies: list[Agency]  # one: resolved; several: ambiguous; none: not found
    matched: str = ""  # the text of the question that named the agency
    exact: bool = True
    suggestions: list[Agency] = field(default_factory=list)  # nearest names when nothing matched
    reading: str = ""  # the name as read when a look-alike or homophone was taken
    region: str = ""  # the region named alone, when the match is that region's own government
    span: tuple[int, int] = (0, 0)  # where in the (folded) text


@dataclass
class Mention:
    start: int
    end: int
    text: str
    ids: dict[int, float]  # agency id -> strength (0 best)
    region: set[int] | None = None  # the agencies of a region of this name

    @property
    def best(self) -> set[int]:
        if not self.ids:
            return set()
        low = min(self.ids.values())
        return {i for i, r in self.ids.items() if r == low}

    @property
    def via_region(self) -> bool:
        return bool(self.ids) and 2 <= min(self.ids.values()) < NEEDS_REGION_RANK

    @property
    def needs_region(self) -> bool:
        return bool(self.ids) and min(self.ids.values()) >= NEEDS_REGION_RANK


# --------------------------------------------------------------------------- names


def region_short(name: str) -> str:
    """A region's name as people say it: 宁夏回族自治区 -> 宁夏, 平潭综合实验区 -> 平潭, 江岸区 -> 江岸;
    unchanged when less than two characters would be left (勉县)."""
    m = _REGION_SPLIT.match(name)
    return m.group(1) if m else name


@lru_cache(maxsize=65536)
def region_forms(name: str) -> frozenset[str]:
    """Every way of writing one region: 临夏回族自治州 -> {临夏回族自治州, 临夏, 临夏州}."""
    if not name:
        return set()
    out = {name}
    short = region_short(name)
    out.add(short)
    if short != name:
        auto = re.search(r"自治(州|县|旗)$", name)
        if auto:  # 临夏回族自治州 -> 临夏州, 互助土族自治县 -> 互助县
            out.add(short + auto.group(1))
        if name.endswith(SHORTENED_TO_DISTRICT):
            out.add(short + "区")
    for abbr, parts in REGION_ABBREVIATIONS.items():
        for part in parts:
            if name.endswith(part) and len(name) > len(part):
                out.add(name[: -len(part)] + abbr)
                break
    return frozenset(f for f in out if len(f) >= 2)


_NOT_A_REGION_AFTER = PLACE_ENDINGS + ("村", "社区", "办事处")


def peel_regions(name: str, known: list[str] | tuple[str, ...] = ()) -> tuple[list[str], str]:
    regions, rest = _peel(name, tuple(known))
    return list(regions), rest


#: A region written in brackets after another (武汉经济技术开发区(汉南区)医疗保障局): the same place's other name.
_BRACKETED_REGION = re.compile(r"(?<=[\u4e00-\u9fff])\(([\u4e00-\u9fff]{1,10}?(?:%s))\)" % "|".join(REGION_TOKEN_SUFFIXES))


@lru_cache(maxsize=65536)
def _peel(name: str, known: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """The regions a name starts with and the rest: 武汉市江岸区教育局 -> ([武汉市, 江岸区], 教育局).

    ``known`` region names (the agency's stored district, city, province) are peeled first; then
    tokens that end in a region suffix (省, 市, 区, 县, 州, 综合实验区 …).  A token is no region when a
    street or town word follows it (红旗街道) or, after the first, when it has one character before
    its suffix (城市管理局)."""
    regions: list[str] = []
    rest = _BRACKETED_REGION.sub(r"\1", name)
    progress = True
    while rest and progress:
        progress = False
        for r in sorted((k for k in known if k), key=len, reverse=True):
            if rest.startswith(r) and len(rest) > len(r) and r not in regions:
                regions.append(r)
                rest = rest[len(r):]
                progress = True
                break
        if progress:
            continue
        m = _REGION_TOKEN.match(rest)
        if not m:
            break
        token = m.group(1)
        if token.endswith("州") and len(rest) - len(token) > 2 and rest[len(token)] in "省市区县":
            token += rest[len(token)]  # 广州 + 市
        after = rest[len(token):]
        if regions and token in REGION_TOKEN_SUFFIXES + SHORTENED_TO_DISTRICT:
            regions[-1] += token  # 郑州 + 高新技术产业开发区
            rest = after
            continue
        if token in ("自治区", "自治州", "自治县", "自治旗", "特别行政区") or \
                any(w in token for w in GOVERNMENT_PREFIXES + DEPARTMENT_ENDINGS):
            break  # 管委会城市管理局: no region
        if len(token) < 2 or (regions and len(token) - 1 < 2) or after.startswith(_NOT_A_REGION_AFTER) \
                or len(after) == 1:
            break
        regions.append(token)
        rest = after
        progress = True
    return tuple(regions), rest


def _street_forms(core: str) -> set[str]:
    """后湖街道 -> 后湖, 后湖街道办事处; 新铺镇人民政府 -> 新铺镇, 新铺镇政府, 新铺."""
    names = {core}
    for _ in range(2):
        for c in list(names):
            for suffix in _SUFFIXES:
                if c.endswith(suffix) and len(c) - len(suffix) >= 2:
                    base = c[: -len(suffix)]
                    names.add(base)
                    if suffix == "街道":
                        names.add(c + "办事处")
                    elif suffix in ("街道办事处", "办事处") and not base.endswith("街道"):
                        names.add(base + "街道")
                    elif suffix == "人民政府":
                        names.add(base + "政府")
                    break
            if c.endswith(("镇", "乡")) and len(c) >= 3:
                names.update({c + "人民政府", c + "政府"})
    names.discard(core)
    return names


def _by_bigram(words) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for w in sorted(set(words), key=len, reverse=True):
        out[w[:2]].append(w)
    return out


_PART_ABBRS: dict[str, list[str]] = defaultdict(list)  # full name part -> the abbreviations for it
for _abbr, _parts in ABBREVIATIONS.items():
    for _part in _parts:
        if _part != _abbr:
            _PART_ABBRS[_part].append(_abbr)
_PARTS_AT = _by_bigram(_PART_ABBRS)
_ABBRS_AT = _by_bigram(ABBREVIATIONS)


def _occurring(name: str, table: dict[str, list[str]]) -> set[str]:
    return {w for i in range(len(name) - 1) for w in table.get(name[i:i + 2], ()) if name.startswith(w, i)}


def _abbreviated(name: str) -> set[str]:
    """``name`` with its longest full name part that an abbreviation stands for replaced by it
    (垫江县应急管理局 -> 垫江县应急局; 龙游县人民政府办公室 -> 龙游县政府办, 龙游县府办)."""
    longest: dict[str, str] = {}
    for part in _occurring(name, _PARTS_AT):
        for abbr in _PART_ABBRS[part]:
            if len(part) > len(longest.get(abbr, "")):
                longest[abbr] = part
    return {name.replace(part, abbr, 1) for abbr, part in longest.items()}


def _expanded(name: str) -> set[str]:
    """``name`` written with an abbreviation, spelled out (渠县教科局 -> 渠县教育和科学技术局)."""
    out = set()
    for abbr in _occurring(name, _ABBRS_AT):
        parts = ABBREVIATIONS[abbr]
        if not any(p in name for p in parts):
            for part in parts:
                out.add(name.replace(abbr, part, 1))
    return out


def _ends_as_place(name: str) -> bool:
    return name.endswith(_SUFFIXES)


def aliases(a: Agency) -> dict[str, float]:
    """Every name people use for agency ``a`` on its own, with its strength (0 best, see the module
    docstring).  A region written before a name (江岸区后湖街道, 垫江县应急局) is read as a region
    mention that narrows the name, so names are not repeated with every region."""
    name, short = fold(a.name), fold(a.short_name or a.name)
    stored = [fold(x) for x in (a.province, a.city, a.district) if x]
    out: dict[str, float] = {}

    def add(n: str, rank: float):
        if n and len(n) >= 2 and rank < out.get(n, 99):
            out[n] = rank

    peeled, body = peel_regions(name, stored)
    s_peeled, s_body = peel_regions(short, stored)
    cores = {c for c in (body, s_body) if c}
    for c in list(cores):
        # 人民政府后湖街道办事处 -> 后湖街道办事处; 管委会城市管理局 -> 城市管理局 (a street or department
        # under its region's government)
        for word in GOVERNMENT_PREFIXES:
            rest = c[len(word):]
            if c.startswith(word) and len(rest) >= 3 and rest not in _GOVERNMENT_RANK and rest not in _NEVER_ALONE:
                cores.add(rest)
                break
        # 市发展改革委 -> 发展改革委: the first character stands for the agency's own level
        if (len(c) >= 4 and c[0] in LEVEL_CHARACTERS and c[1] not in LEVEL_CHARACTERS and not peeled
                and not c.startswith(NOT_LEVEL_WORDS)):
            cores.add(c[1:])
    cores = {c for c in cores if not any(c.startswith(w) and c[len(w):] in cores for w in GOVERNMENT_PREFIXES)}
    for c in list(cores):
        cores |= _street_forms(c)
    add(name, 0)
    add(short, 0)
    for word in ("人民政府", "办事处"):  # 江岸区后湖街道办事处, 江岸区人民政府后湖街道
        if word in name and _ends_as_place(name.replace(word, "")):
            add(name.replace(word, ""), 0)
    for c in cores:
        government = c in _GOVERNMENT_RANK
        for v, strength in ({c: 0.0} | {ab: 1.0 for ab in _abbreviated(c)}).items():
            if v in _NEVER_ALONE:
                continue
            if government or v in _GOVERNMENT_RANK or v in NEEDS_REGION:
                strength = NEEDS_REGION_RANK
            add(v, strength)
    for full in (name, short):
        for ab in _abbreviated(full) | _expanded(full):
            add(ab, 1.0)
    # a region named alone means its own government (人民政府, or its office where that reports)
    own = body if body in _GOVERNMENT_RANK else (s_body if s_body in _GOVERNMENT_RANK else None)
    region = (peeled or s_peeled or [name])[-1] if own is not None and (peeled or s_peeled or not body) else None
    if own is None and not peeled and stored:
        # 自治区人民政府办公厅 of 新疆维吾尔自治区: a level word, then a government word
        for level in _LEVEL_WORDS:
            if body.startswith(level) and body[len(level):] in _GOVERNMENT_RANK and body[len(level):]:
                own, region = body[len(level):], stored[-1]
                break
    if region is not None:
        rank = _GOVERNMENT_RANK[own]
        places = {region}
        district = fold(a.district) if a.district else ""
        if district and district not in peeled and region not in stored[:-1]:
            places.add(district)  # 平潭综合实验区 on file in 平潭县: the county named alone is it too
        for place in places:
            for form in region_forms(place) | {place}:
                out[form] = rank  # even when it is also the short name (垫江县): a region named alone
    if not peeled and not s_peeled:
        # "365体育直播,365体育备用网址自然资源和规划局" (a spam mirror rewrote the place): the department
        # its name ends with is what people name it by
        for n in {body, s_body}:
            part = _department_ending(n)
            if part and re.search(r"[^\u4e00-\u9fff]", n[: -len(part)]):
                add(part, 0)
                for ab in _abbreviated(part):
                    add(ab, 1.0)
    return {n: r for n, r in out.items() if r < 99}


_DEPARTMENT_PARTS = sorted({p for parts in ABBREVIATIONS.values() for p in parts if p.endswith(DEPARTMENT_ENDINGS)}
                           | {k for k in ABBREVIATIONS if len(k) >= 3 and k.endswith(DEPARTMENT_ENDINGS)},
                           key=len, reverse=True)


def _department_ending(name: str) -> str:
    """The longest department name of :mod:`store.template.abbreviations` that ``name`` ends with."""
    return next((p for p in _DEPARTMENT_PARTS if name.endswith(p) and len(name) > len(p)), "")


_SOUNDS: dict[str, str] = {}
_SOUND_TABLE: dict[int, str] = {}  # for str.translate: character -> "pinyin-"


def _learn_sounds(chars) -> None:
    """The pinyin of many characters in one call (each character read on its own)."""
    todo = sorted(c for c in chars if c not in _SOUNDS and "\u4e00" <= c <= "\u9fff")
    if todo:
        for c, p in zip(todo, lazy_pinyin(todo)):
            _SOUNDS[c] = p
            _SOUND_TABLE[ord(c)] = p + "-"


def _sound(ch: str) -> str:
    if ch not in _SOUNDS:
        _learn_sounds(ch)
    return _SOUNDS.get(ch, ch)


_LOOKALIKE = {ch: group for group in LOOKALIKE_CHARACTERS for ch in group}


def _sound_key(text: str) -> str:
    _learn_sounds(set(text) - _SOUNDS.keys())
    return text.translate(_SOUND_TABLE)


_LOOK_TABLE = {ord(c): g[0] for c, g in _LOOKALIKE.items()}
_LOOK_CHARS = frozenset(_LOOKALIKE)


def _look_key(text: str) -> str:
    return text.translate(_LOOK_TABLE)


def _completed(a: Agency, names: list[str]) -> list[str]:
    """The city and province the gazetteer determines for an agency's most specific region."""
    if _gazetteer is None or not names:
        return []
    district = fold(a.district) if a.district else names[-1]
    try:
        filled = _gazetteer.complete(district, fold(a.city) if a.city else None,
                                     fold(a.province) if a.province else None)
    except Exception:  # noqa: BLE001 - an aid only
        return []
    return [x for x in filled or () if x and x not in names]


def _parents(region: str) -> list[str]:
    """The regions above ``region`` by the gazetteer of divisions (:mod:`store.regions`): its city
    and province; none when the gazetteer does not know the name or is not installed."""
    return list(dict.fromkeys(p for place in gazetteer_places(region) for p in (place.city, place.province)
                              if p and p != place.name))


#: The level of division a region's last character names (a 县 is a county, a 州 an autonomous prefecture).
_SUFFIX_LEVEL = {"省": ("province",), "县": ("district",), "旗": ("district",), "区": ("district", "province"),
                 "州": ("city",), "盟": ("city",), "市": ("province", "city", "district")}


@lru_cache(maxsize=8192)
def gazetteer_places(name: str) -> tuple:
    """The divisions of the gazetteer a region named in a question stands for: by its full name (合江县),
    else by its short name (济宁, 北京, 新疆), or by its short name with a level (互助县 for 互助土族自治县,
    临夏州 for 临夏回族自治州); () when the gazetteer does not know it or is not installed."""
    if _gazetteer is None or len(name) < 2:
        return ()
    try:
        found = _gazetteer.current(_gazetteer.lookup(name))
        if not found:
            found = _gazetteer.current(_gazetteer.lookup(name, short=True))
        if not found and len(name) >= 3 and name[-1] in _SUFFIX_LEVEL:
            levels = _SUFFIX_LEVEL[name[-1]]
            found = [p for p in _gazetteer.current(_gazetteer.lookup(name[:-1], short=True)) if p.level in levels]
    except Exception:  # noqa: BLE001 - the gazetteer is an aid: a name it cannot place is no region
        return ()
    return tuple(found)


class AgencyIndex:
    """Resolve the agencies named in a question, fast enough for 10 000 agencies."""

    def __init__(self, agencies: list[Agency], texts: dict[int, str] | None = None):
        """``texts``: for the governments named by their level alone (自治区人民政府办公厅) whose region is not
        on file, the text of their reports — a region named alone is read as one of them only when its
        report names that region."""
        self.agencies = {a.id: a for a in agencies}
        self.texts = texts or {}
        self.by_alias: dict[str, dict[int, float]] = defaultdict(dict)
        for a in agencies:
            for n, rank in aliases(a).items():
                known = self.by_alias[n].get(a.id)
                if known is None or rank < known:
                    self.by_alias[n][a.id] = rank
        # regions: to narrow a name (江岸区后湖街道, 天津的杨村街道) and for "江岸区各街道"
        self.regions: dict[str, set[int]] = defaultdict(set)
        for a in agencies:
            stored = [fold(x) for x in (a.province, a.city, a.district) if x]
            names = stored + peel_regions(fold(a.name), stored)[0]
            names += _completed(a, names)
            for r in names:
                for form in region_forms(r):
                    self.regions[form].add(a.id)
        self.by_bigram: dict[str, list[str]] = defaultdict(list)
        for n in set(self.by_alias) | set(self.regions):
            self.by_bigram[n[:2]].append(n)
        for lst in self.by_bigram.values():
            lst.sort(key=len, reverse=True)
        self.alias_list = list(self.by_alias)
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for n in self.alias_list:
            self.by_length[len(n)].append(n)
        self._by_sound: dict[str, list[str]] | None = None
        self._by_look: dict[str, list[str]] | None = None
        # governments named by their level alone, their region not on file (自治区人民政府办公厅, 市人民政府)
        self.unplaced_governments: list[tuple[str, int]] = []
        for a in agencies:
            level = _unplaced_government_level(a)
            if level:
                self.unplaced_governments.append((level, a.id))

    @classmethod
    def from_store(cls, store) -> "AgencyIndex":
        from store import queries

        rows = queries.agencies(store)
        agencies = [Agency(r["id"], r["name"], r["short_name"] or r["name"], r["district"], r["city"],
                           r["province"], sorted({int(y) for y in str(r["years"] or "").split(",") if y}))
                    for r in rows]
        texts = {}
        for a in agencies:
            if _unplaced_government_level(a):  # rare: a report that names no region for a government
                texts[a.id] = fold(" ".join(p["text"] for rep in queries.reports_of(store, a.id).values()
                                            for p in queries.passages_for(store, rep["id"]))[:_EVIDENCE_CHARS])
        return cls(agencies, texts)

    # ------------------------------------------------------------------ scanning
    def scan(self, text: str) -> list[Mention]:
        """Names and regions in ``text`` (folded), longest first at each position, not overlapping."""
        found: list[Mention] = []
        i, n = 0, len(text)
        while i < n - 1:
            best = self._longest_at(text, i)
            if best and text[i] in "和与及" and found and found[-1].end == i:
                # 甲镇和青西市…: 和 joins two names; it starts the next one only if nothing longer follows it
                after = self._longest_at(text, i + 1)
                if after and len(after) >= len(best) - 1:
                    i += 1
                    continue
            if best:
                region = self.regions.get(best)
                found.append(Mention(i, i + len(best), best, dict(self.by_alias.get(best, {})),
                                     set(region) if region else None))
                i += len(best)
                if region and best[-1] in "市区县" and i < n - 1:
                    # 汉中市场监督管理局: the region's 市 is also the name's first character
                    shared = next((k for k in self.by_bigram.get(text[i - 1:i + 1], ()) if text.startswith(k, i - 1)
                                   and k in self.by_alias), None)
                    here = next((k for k in self.by_bigram.get(text[i:i + 2], ()) if text.startswith(k, i)), None)
                    if shared and (here is None or len(shared) > len(here) + 1):
                        found.append(Mention(i, i - 1 + len(shared), shared, dict(self.by_alias[shared]), None))
                        i += len(shared) - 1
            else:
                i += 1
        return found

    def _longest_at(self, text: str, i: int) -> str | None:
        for key in self.by_bigram.get(text[i:i + 2], ()):
            if text.startswith(key, i) and not _ends_inside_word(text, i + len(key)):
                return key  # sorted longest first
        return None

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """Agency names occurring in ``text``: (position, name)."""
        return [(m.start, m.text) for m in self.scan(fold(text)) if m.ids]

    def resolve_all(self, text: str, mentions: list[Mention] | None = None) -> list[Match]:
        """Every agency named in ``text``, in order ("后湖街道和西岗街道" -> two matches).

        A region named beside names narrows them (江岸区后湖街道, 天津的杨村街道和新开河街道) and is no
        agency itself; a region written right before a name it does not contain makes that name not
        found (汉阳区后湖街道 when only 江岸区 has one); a department named once with several regions
        (栖霞区、句容市、新荣区三个交通运输局) is one agency per region; a region named alone is its own
        government; a department on file in several regions is narrowed to the region of the other
        agencies named with it."""
        text = fold(text) if mentions is None else text
        mentions = self._shared_departments(text, self.scan(text) if mentions is None else mentions)
        named = [m for m in mentions if m.ids and min(m.ids.values()) < 99]
        if not named:
            return []
        places = [m for m in mentions if m.region]
        # a department named once, several regions named: one agency per region
        departments = [m for m in named if not m.via_region]
        if len({m.text for m in departments}) == 1 and len(departments[0].best) > 1:
            m = departments[0]
            around = [r for r in places if r is not m]
            per = [set(m.ids) & r.region for r in around]
            if len(around) >= 2 and any(len(p) == 1 for p in per) and all(len(p) <= 1 for p in per):
                return [Match([self.agencies[next(iter(p))]] if p else [], f"{r.text}{m.text}", True,
                              span=(r.start, m.end),
                              suggestions=[] if p else [self.agencies[i] for i in sorted(m.best)][:5])
                        for r, p in zip(around, per)]
        out: list[Match] = []
        qualifiers = {id(r) for r in places for m in named if r is not m and not m.via_region and _adjacent(text, r, m)}
        for m in named:
            if m.via_region:
                others = [o for o in named if o is not m and not o.via_region]
                # 平潭公安局和平潭, 平潭和平潭公安局: an item of the list on its own
                listed = ((m.start > 0 and text[m.start - 1] in _JOINS) or text[m.end:m.end + 1] in _JOINS
                          or text[m.end:].startswith(_WHOLE_REGION))  # 平潭全区…和行政审批局: the region itself
                if id(m) in qualifiers or (not listed and any(o.best & (m.region or set()) for o in others)):
                    continue  # 平潭…公安局: the region narrows the other name, it is no agency here
            ids = set(m.ids)
            before_start = m.start
            unplaced = ""  # a region named before a name whose agency's region is not on file
            before = next((r for r in places if r is not m and _adjacent(text, r, m)), None)
            if before is not None and not m.via_region:
                inside = ids & before.region
                outer = _unknown_region_before(text, before, mentions)  # 北京市临江公安局: not 吉林's 临江
                if outer and not any(_may_lie_in(self.agencies[i], outer) for i in inside):
                    inside = set()
                else:
                    outer = ""
                if not inside:  # 汉阳区后湖街道: not the 后湖街道 on file
                    out.append(Match([], outer + before.text + m.text, True, span=(before.start - len(outer), m.end),
                                     suggestions=[self.agencies[i] for i in sorted(m.best)][:5]))
                    continue
                ids = inside
                before_start = before.start
            elif m.needs_region and len(ids) > 1:
                continue  # 公安, 政府办 with no region before them: no name here
            else:
                unknown = _unknown_region_before(text, m, mentions)
                lying = {i for i in ids if _may_lie_in(self.agencies[i], unknown)} if unknown else set()
                if lying:  # 实验区 of 平潭综合实验区, 北京市 of an agency whose region is not on file
                    ids = lying
                    before_start = m.start - len(unknown)
                    unplaced = unknown
                    unknown = ""
                if unknown and not m.via_region:
                    # 末央区教育局: a region not on file before the name; read the whole name, or not found
                    read = self.read_as(unknown + m.text)
                    if read is not None and read.agencies:
                        read.span = (m.start - len(unknown), m.end)
                        out.append(read)
                    else:
                        out.append(Match([], unknown + m.text, True, span=(m.start - len(unknown), m.end),
                                         suggestions=[self.agencies[i] for i in sorted(m.best)][:5]))
                    continue
            for r in places:
                if r is m or len(ids) < 2:
                    continue
                if ids & r.region:
                    ids &= r.region
            low = min(m.ids[i] for i in ids)
            ids = {i for i in ids if m.ids[i] == low}  # the strongest name among those left
            match = Match(sorted((self.agencies[i] for i in ids), key=lambda a: a.name), m.text, True,
                          span=(before_start, m.end))
            if m.via_region:
                match.region = m.text
            if unplaced and len(match.agencies) == 1 and not _has_region(match.agencies[0]):
                match.reading = f"{match.agencies[0].name}（报告未写明所在地区）"
            if out and out[-1].agencies and {a.id for a in out[-1].agencies} & ids:
                prev = out[-1]  # two names of one agency side by side
                both = {a.id for a in prev.agencies} & ids
                prev.agencies = sorted((self.agencies[i] for i in both), key=lambda a: a.name)
                prev.matched = max(prev.matched, match.matched, key=len)
                prev.span = (prev.span[0], match.span[1])
                prev.region = prev.region if match.region else ""
                continue
            out.append(match)
        # a department on file in several regions: the region of the other agencies named with it
        settled = [mt.agencies[0] for mt in out if len(mt.agencies) == 1]
        for mt in out:
            if len(mt.agencies) > 1 and settled:
                shared = [a for a in mt.agencies
                          if any(r and r in (o.district, o.city) for o in settled for r in (a.district, a.city))]
                if len(shared) == 1:
                    mt.agencies = shared
        return out

    def _shared_departments(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """垫江县和信丰县卫健委: a region listed right before a region's department names that region's
        department of the same name (when it has exactly one)."""
        out = list(mentions)
        for k, r in enumerate(mentions):
            if not r.region or text[r.end:r.end + 1] not in _JOINS:
                continue
            nxt = next((n for n in mentions if n.start == r.end + 1), None)
            if nxt is None or not nxt.ids or nxt.via_region or nxt.region:
                continue
            regions, dept = peel_regions(nxt.text)
            ids = set(self.by_alias.get(dept, {})) & r.region if regions and dept else set()
            if len(ids) == 1:
                i = ids.pop()
                out[k] = Mention(r.start, r.end, r.text, {i: self.by_alias[dept][i]}, None)
        return out

    def resolve(self, text: str, fuzzy: bool = True) -> Match:
        """The agency named in ``text``: the longest name, then (``fuzzy``) a misread name."""
        text = fold(text)
        matches = self.resolve_all(text)
        if matches:
            return max(matches, key=lambda m: (not m.region, bool(m.agencies), len(m.matched)))
        return self.fuzzy(text) if fuzzy else Match([], "", False)

    # ------------------------------------------------------------------ misread names
    def _sound_index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        if self._by_sound is None:
            _learn_sounds(set("".join(self.alias_list)))
            by_sound, by_look = defaultdict(list), defaultdict(list)
            for n in self.alias_list:
                by_sound[n.translate(_SOUND_TABLE)].append(n)
                if not _LOOK_CHARS.isdisjoint(n):
                    by_look[n.translate(_LOOK_TABLE)].append(n)
            self._by_sound, self._by_look = by_sound, by_look
        return self._by_sound, self._by_look

    def read_as(self, phrase: str, regions: list[set[int]] | None = None) -> Match | None:
        """``phrase`` read with homophones or look-alike characters as one agency's name: the match
        when exactly one agency fits with the rest of the name the same; suggestions when several
        do; None when none does."""
        if len(phrase) < 2:
            return None
        by_sound, by_look = self._sound_index()
        names = set(by_sound.get(_sound_key(phrase), ())) | set(by_look.get(_look_key(phrase), ()))
        ids: dict[int, float] = {}
        for n in names:
            diff = sum(1 for x, y in zip(phrase, n) if x != y)
            if n == phrase or diff > max(1, len(phrase) // 3):
                continue
            for i, rank in self.by_alias[n].items():
                ids[i] = min(rank, ids.get(i, 99))
        if not ids:
            return None
        for members in regions or ():
            if len(ids) > 1 and set(ids) & members:
                ids = {i: r for i, r in ids.items() if i in members}
        low = min(ids.values())
        best = [i for i, r in ids.items() if r == low]
        if len(best) == 1:
            a = self.agencies[best[0]]
            return Match([a], phrase, False, reading=a.name, region=phrase if low >= 2 else "")
        return Match([], phrase, False, suggestions=[self.agencies[i] for i in sorted(best)][:5])

    def fuzzy(self, text: str, limit: int = 5, regions: list[set[int]] | None = None) -> Match:
        """A name that is not on file: read as a homophone or look-alike of exactly one agency's name
        (后胡街道 for 后湖街道), else the nearest names as suggestions, never taken."""
        phrase = self.candidate_phrase(text)  # folded by the caller; blanks mark word ends
        if not phrase or not self.alias_list:
            return Match([], "", False, [])
        near: list[Agency] = []
        for cand in _windows(phrase):
            m = self.read_as(cand, regions)
            if m is None:
                continue
            if m.agencies:
                return m
            near = near or m.suggestions
        return Match([], phrase, False, near or self.suggest(phrase, limit))

    def unplaced_government(self, text: str) -> Match | None:
        """A region not on file named alone (新疆, 新疆政府门户网站): the one government report on file whose
        name gives only its level (自治区人民政府办公厅), whose region is not on file and whose text names
        that region, when exactly one fits.  The reply says how the name was read."""
        if not self.unplaced_governments:
            return None
        phrase = _FILLER.sub(" ", text).strip()
        for k in range(min(len(phrase), 12), 1, -1):
            places = gazetteer_places(phrase[:k])
            if not places:
                continue
            if phrase[:k] in self.regions:
                return None  # a region on file: its own agencies are offered
            fits = {i for level, i in self.unplaced_governments
                    if any(p.name.endswith(level) and _names_place(self.texts.get(i, ""), p.name) for p in places)}
            if len(fits) != 1:
                return None
            a = self.agencies[fits.pop()]
            start = text.find(phrase[:k])
            return Match([a], phrase[:k], False, reading=f"{a.name}（报告未写明所在地区）", region=phrase[:k],
                         span=(start, start + k))
        return None

    def place_named(self, text: str) -> str:
        """The region the gazetteer knows at the start of ``text`` (新疆 of 新疆2022年…), or ""."""
        phrase = _FILLER.sub(" ", text).strip()
        return next((phrase[:k] for k in range(min(len(phrase), 12), 1, -1) if gazetteer_places(phrase[:k])), "")

    def candidate_phrase(self, text: str) -> str:
        text = _FILLER.sub(" ", text).strip()
        m = _STOP.search(text)
        phrase = text[: m.start()] if m and m.start() >= 2 else text[:12]
        phrase = phrase.strip(" ，,。?？!！")
        return phrase if len(phrase) >= 2 else ""

    def suggest(self, phrase: str, limit: int = 5) -> list[Agency]:
        """The nearest names to ``phrase``, for "您是不是要问"."""
        if not self.alias_list or not phrase:
            return []
        out: list[int] = []
        pool = [n for k in range(max(2, len(phrase) - 2), len(phrase) + 3) for n in self.by_length.get(k, ())]
        for alias, _, _ in process.extract(phrase, pool, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=30):
            for i in sorted(self.by_alias[alias], key=lambda i: self.by_alias[alias][i]):
                if i not in out:
                    out.append(i)
        return [self.agencies[i] for i in out[:limit]]

    # ------------------------------------------------------------------ regions
    def search(self, text: str = "") -> list[Agency]:
        """Agencies whose name, short name or region contains ``text`` (all when empty)."""
        text = fold(text)
        members = self.regions.get(text) or set()
        out = [a for a in self.agencies.values()
               if not text or text in fold(a.name) or text in fold(a.short_name) or text in a.region
               or a.id in members]
        return sorted(out, key=lambda a: a.name)

    def in_region(self, text: str) -> tuple[str, set[int]] | None:
        """The region named in ``text``, with its agencies: the narrowest of those named, the later of two
        that hold the same agencies (重庆垫江: 垫江), else the longest name."""
        best = None
        for m in self.scan(fold(text)):
            if not m.region:
                continue
            narrower = best is not None and m.region < best[1]
            if best is None or narrower or m.region == best[1] or \
                    (not best[1] <= m.region and not narrower and len(m.text) > len(best[0])):
                best = (m.text, m.region)
        return best

    def others_in_region(self, agency: Agency, region: str, limit: int = 8) -> list[Agency]:
        """The other agencies of a region whose government was answered (offered beside it)."""
        members = self.regions.get(region) or set()
        return sorted((self.agencies[i] for i in members if i != agency.id), key=lambda a: a.name)[:limit]


_UNKNOWN_REGION = re.compile(r"[\u4e00-\u9fff]{2,5}[省市区县州旗]")
_BEFORE_NAME = re.compile(r"[^\u4e00-\u9fff]|年|的|和|与|及|、")


def _place_words(a: Agency) -> str:
    """The agency's name and regions, with the short forms of its region suffixes (实验区, 高新区)."""
    words = [fold(x) for x in (a.name, a.district, a.city, a.province) if x]
    for r in list(words[1:]) + list(peel_regions(words[0])[0]):
        for abbr, parts in REGION_ABBREVIATIONS.items():
            if any(r.endswith(p) for p in parts):
                words.append(abbr)
    return " ".join(words)


def _may_lie_in(a: Agency, region: str) -> bool:
    """Nothing on file says agency ``a`` is not in ``region``: its region is unknown, ``region`` is
    its own region written short (实验区, 平潭县 of 平潭综合实验区), or every region on file for the agency
    lies above ``region`` by the gazetteer (青海省 for 互助县: the agency's county is not on file)."""
    words = _place_words(a)
    if region in words:
        return True
    known = [fold(x) for x in (a.district, a.city, a.province) if x] + list(peel_regions(fold(a.name))[0])
    if not known:
        return True
    above = {fold(p) for p in _parents(region)}
    short = region_short(region)
    return all(k in above or k == region or region_short(k) == short for k in known)


#: How much of a report's text is kept to tell which region it speaks of.
_EVIDENCE_CHARS = 20000


def _names_place(text: str, place: str) -> bool:
    """Whether ``text`` names ``place`` (新疆维吾尔自治区) in full or by its short name (新疆)."""
    short = region_short(place)
    return bool(text) and (place in text or (len(short) >= 2 and short in text))


def _unplaced_government_level(a: Agency) -> str:
    """The level word of a government report named by its level alone (自治区人民政府办公厅 -> 自治区) whose
    region is not on file; "" for any other agency."""
    if _has_region(a):
        return ""
    name = fold(a.name)
    for level in _LEVEL_WORDS:
        if name.startswith(level) and name[len(level):] in _GOVERNMENT_RANK and name[len(level):]:
            return level
    return ""


#: Characters that join the items of a list of names (甲和乙, 甲、乙).
_JOINS = "和与及、,，"
#: Words after a region that mean the region itself, not one of its agencies (平潭全区, 垫江县本级).
_WHOLE_REGION = ("全区", "全市", "全县", "全省", "全镇", "全乡", "全旗", "本级")


def _has_region(a: Agency) -> bool:
    return bool(a.district or a.city or a.province or peel_regions(fold(a.name))[0])


def _unknown_region_before(text: str, name: Mention, mentions: list[Mention]) -> str:
    """The words right before ``name`` when they name a region that is not on file: one the gazetteer
    knows (淄博, 北京市, 互助县), or words shaped like one (末央区)."""
    start = max([m.end for m in mentions if m.end <= name.start] + [0])
    chunk = text[start:name.start]
    cut = [x.end() for x in _BEFORE_NAME.finditer(chunk)]
    chunk = chunk[cut[-1]:] if cut else chunk
    start = len(chunk)
    while start >= 2:  # 张掖甘州: places one after the other, the larger first
        k = next((k for k in range(min(start, 12), 1, -1) if gazetteer_places(chunk[start - k:start])), 0)
        if not k:
            break
        start -= k
    if start < len(chunk) and (start == 0 or not _UNKNOWN_REGION.fullmatch(chunk)):
        return chunk[start:]
    level = next((w for w in _LEVEL_WORDS if name.text.startswith(w)), "")
    if level:  # 新疆维吾尔 + 自治区人民政府办公厅: the region's name runs into the name's level word
        k = next((k for k in range(min(len(chunk), 10), 1, -1) if gazetteer_places(chunk[-k:] + level)), 0)
        if k:
            return chunk[-k:]
    return chunk if _UNKNOWN_REGION.fullmatch(chunk) else ""


def _adjacent(text: str, region: Mention, name: Mention) -> bool:
    """The region is written right before the name (江岸区后湖街道, 天津的杨村街道)."""
    gap = text[region.end:name.start]
    return region.end <= name.start and gap in ("", "的", " ")


def _ends_inside_word(text: str, end: int) -> bool:
    """Whether a name ending at ``end`` would cut a word of the question in two (街道办|理)."""
    return any(text.startswith(w, end - k) for w in WORDS_ACROSS_NAME_END for k in range(1, len(w)) if end - k >= 0)


def _windows(phrase: str):
    """``phrase`` and its pieces that leave out at most two characters (never under three
    characters unless the phrase is that short), longest first."""
    n = len(phrase)
    for length in range(n, max(min(n, 3), n - 2) - 1, -1):
        for start in range(0, n - length + 1):
            yield phrase[start:start + length]
