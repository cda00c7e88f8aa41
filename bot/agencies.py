"""Find the agency a question is about.

Every agency is known under several names (its aliases): the full name as
printed, the short name (后湖街道), the short name without its 街道/镇/乡
suffix (后湖), and the short name qualified by district or city (江岸区后湖街道,
武汉后湖街道).  A question is scanned for aliases (longest first); when none
occurs, the words before the year or the figure asked for are matched fuzzily
with rapidfuzz, so typos and near-misses still find the agency.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

_SUFFIXES = ("街道办事处", "办事处", "人民政府", "街道", "镇", "乡", "苏木")
_REGION_SUFFIX = re.compile(r"(省|市|区|县|自治州|自治区|旗|地区)$")
#: Words that end the agency part of a question.
_STOP = re.compile(
    r"(?:(?:19|20)\d{2}|[二][〇零○][一二三四五六七八九〇零○]{2}|\d{2}年|今年|去年|前年|最新|最近|近几年|历年|"
    r"收到|受理|新收|多少|几件|几个|几起|是多少|有多少|的|，|,|？|\?|。|\s|行政|主动|依申请|申请|公开|办结|结转|复议|诉讼)")
_ADMIN_WORDS = ("人民政府", "政府", "办事处")
#: Words around a question that are not part of any name.
_FILLER = re.compile(r"^(?:请问|我想知道|想知道|帮我查一?下|查一?下|告诉我|那么|那|还有|然后|再问一下)|"
                     r"(?:呢|吗|啊|呀|么|吧|了)+[？?。!！]*$|[？?。!！]+$")


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


def _strip_region_suffix(name: str) -> str:
    base = _REGION_SUFFIX.sub("", name)
    return base if len(base) >= 2 else name


def aliases(a: Agency) -> set[str]:
    """Every name people use for agency ``a``."""
    names = {a.name, a.short_name}
    core = a.short_name
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) - len(suffix) >= 2:
            names.add(core[: -len(suffix)])
            if suffix == "街道":
                names.add(core + "办事处")
            break
    if core.endswith(("镇", "乡")):
        names.add(core + "人民政府")
    dept = re.match(r"^([\u4e00-\u9fff]{1,8}?(?:省|市|区|县|旗))([\u4e00-\u9fff]{2,}?(?:局|委员会|委|办公室|办|中心|厅|署|院))$", core)
    if dept:  # a department: 江岸区教育局 -> 江岸教育局, 教育局
        names.update({_strip_region_suffix(dept.group(1)) + dept.group(2), dept.group(2)})
    if core.endswith("人民政府") and len(core) > 5:  # a region's government: 江岸区人民政府
        region = core[: -len("人民政府")]
        names.update({region + "政府", region})
    bare = {n for n in names if n and n != a.name}
    for region in (a.district, a.city):
        if not region:
            continue
        for r in {region, _strip_region_suffix(region)}:
            for n in bare:
                if len(n) >= 2:
                    names.add(r + n)
    if a.city and a.district:
        names.add(a.city + a.district + a.short_name)
    for word in _ADMIN_WORDS:
        if word in a.name:
            names.add(a.name.replace(word, ""))
    return {n for n in names if len(n) >= 2}


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text))


class AgencyIndex:
    """Resolve the agency named in a question, fast enough for 10 000 agencies."""

    def __init__(self, agencies: list[Agency]):
        self.agencies = {a.id: a for a in agencies}
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for a in agencies:
            for n in aliases(a):
                self.by_alias[n].add(a.id)
        self.by_bigram: dict[str, list[str]] = defaultdict(list)
        for n in self.by_alias:
            self.by_bigram[n[:2]].append(n)
        for lst in self.by_bigram.values():
            lst.sort(key=len, reverse=True)
        self.alias_list = list(self.by_alias)
        # fuzzy matching looks at names of about the phrase's length only
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for n in self.alias_list:
            self.by_length[len(n)].append(n)
        # regions: for filters such as "江岸区各街道"
        self.regions: dict[str, set[int]] = defaultdict(set)
        for a in agencies:
            for r in (a.district, a.city, a.province):
                if r:
                    self.regions[r].add(a.id)
                    self.regions[_strip_region_suffix(r)].add(a.id)

    @classmethod
    def from_store(cls, store) -> "AgencyIndex":
        rows = store.agencies()
        return cls([Agency(r["id"], r["name"], r["short_name"] or r["name"], r["district"], r["city"],
                           r["province"], sorted({int(y) for y in (r["years"] or "").split(",") if y}))
                    for r in rows])

    # ------------------------------------------------------------------ exact mentions
    def mentions(self, text: str) -> list[tuple[int, str]]:
        """Aliases occurring in ``text``: (position, alias), longest first at each position,
        overlapping shorter ones dropped."""
        found = []
        i = 0
        n = len(text)
        while i < n - 1:
            best = None
            for alias in self.by_bigram.get(text[i:i + 2], ()):
                if text.startswith(alias, i):
                    best = alias
                    break  # sorted longest first
            if best:
                found.append((i, best))
                i += len(best)
            else:
                i += 1
        return found

    def resolve_all(self, text: str) -> list[Match]:
        """Every agency named in ``text``, in order ("后湖街道和西岗街道" -> two matches).
        Mentions that narrow each other down ("江岸区 … 后湖街道") count as one."""
        groups: list[tuple[str, set[int]]] = []
        for _, alias in self.mentions(text):
            ids = set(self.by_alias[alias])
            if groups and groups[-1][1] & ids:
                prev_alias, prev = groups[-1]
                groups[-1] = (max(prev_alias, alias, key=len), prev & ids)
            elif not groups or groups[-1][1] != ids:
                groups.append((alias, ids))
        return [Match(sorted((self.agencies[i] for i in self._narrow_by_region(ids, text)), key=lambda a: a.name),
                      alias, True) for alias, ids in groups]

    def resolve(self, text: str, fuzzy: bool = True) -> Match:
        """The agency named in ``text``: exact aliases first, then (``fuzzy``) near names."""
        text = text.strip()
        hits = self.mentions(text)
        if hits:
            ids: set[int] = set()
            # the longest mention decides; others that agree narrow it down
            hits.sort(key=lambda h: -len(h[1]))
            pos, alias = hits[0]
            ids = set(self.by_alias[alias])
            for _, other in hits[1:]:
                narrowed = ids & self.by_alias[other]
                if narrowed:
                    ids = narrowed
            ids = self._narrow_by_region(ids, text)
            return Match(sorted((self.agencies[i] for i in ids), key=lambda a: a.name), alias, True)
        return self.fuzzy(text) if fuzzy else Match([], "", False)

    def _narrow_by_region(self, ids: set[int], text: str) -> set[int]:
        if len(ids) < 2:
            return ids
        for region, members in self.regions.items():
            if len(region) >= 2 and region in text:
                narrowed = ids & members
                if narrowed:
                    ids = narrowed
        return ids

    # ------------------------------------------------------------------ fuzzy
    def candidate_phrase(self, text: str) -> str:
        text = _FILLER.sub(" ", text).strip()
        m = _STOP.search(text)
        phrase = text[: m.start()] if m and m.start() >= 2 else text[:12]
        phrase = phrase.strip(" ，,。?？!！")
        return phrase if len(phrase) >= 2 else ""

    def fuzzy(self, text: str, limit: int = 5) -> Match:
        """A name with a typo.  Chinese typos are mostly homophones typed with a pinyin IME
        (后胡街道 for 后湖街道), so a near name is taken when it sounds the same; a name that
        only looks alike (东湖街道 vs 后湖街道) is a different place: suggested, not taken."""
        phrase = self.candidate_phrase(text)
        if not phrase or not self.alias_list:
            return Match([], "", False, [])
        pool = [n for k in range(len(phrase) - 1, len(phrase) + 2) for n in self.by_length.get(k, ())]
        results = process.extract(phrase, pool, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=50)
        if not results:
            return Match([], phrase, False, self.suggest(phrase, limit))
        sound = _pinyin(phrase)
        ids: list[int] = []
        for alias, score, _ in results:
            if len(alias) == len(phrase) and _pinyin(alias) == sound or (score >= 90 and len(phrase) >= 6):
                for i in sorted(self.by_alias[alias]):
                    if i not in ids:
                        ids.append(i)
        if ids:
            return Match([self.agencies[i] for i in ids], phrase, False)
        near: list[int] = []
        for alias, _, _ in results:
            for i in sorted(self.by_alias[alias]):
                if i not in near:
                    near.append(i)
        return Match([], phrase, False, [self.agencies[i] for i in near][:limit])

    def suggest(self, phrase: str, limit: int = 5) -> list[Agency]:
        """The nearest names to ``phrase``, for "did you mean"."""
        if not self.alias_list or not phrase:
            return []
        out: list[int] = []
        pool = [n for k in range(max(2, len(phrase) - 3), len(phrase) + 4) for n in self.by_length.get(k, ())]
        for alias, _, _ in process.extract(phrase, pool or self.alias_list, scorer=fuzz.WRatio, limit=limit * 4):
            for i in sorted(self.by_alias[alias]):
                if i not in out:
                    out.append(i)
        return [self.agencies[i] for i in out[:limit]]

    def search(self, text: str = "") -> list[Agency]:
        """Agencies whose name, short name or region contains ``text`` (all when empty)."""
        text = text.strip()
        out = [a for a in self.agencies.values()
               if not text or text in a.name or text in a.short_name or text in a.region]
        return sorted(out, key=lambda a: a.name)

    def in_region(self, text: str) -> tuple[str, set[int]] | None:
        """A region named in ``text`` (longest), with its agencies."""
        best = None
        for region, members in self.regions.items():
            if len(region) >= 2 and region in text and (best is None or len(region) > len(best[0])):
                best = (region, members)
        return best
