"""Report metadata: agency, short name, region, year, date, template.

``extract`` runs small pure steps over a matching copy of the text (simplified characters, pinyin
debris removed: ``store.parse.script``): the title (``find_title``), the agency
(``store.parse.agency``), the year (``store.parse.years``), the region (``region_of``, completed from
the gazetteer in ``store.regions``).  The agency name and the title are stored as the original
prints them (traditional characters included); the short name is simplified, for matching.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from store import regions
from store.parse import agency as agency_rules
from store.parse import script, years
from store.parse.lines import Line, fold
from store.records import ReportMeta
from store.template import VERSIONS, normalise_label, version_for_year, version_marks
from store.template.agency_names import REPORT_TITLE, SITE_WORDS

_TITLE_END = re.compile(REPORT_TITLE)
_YEAR_IN_TITLE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*度?")
_DATE = re.compile(r"(?P<y>20\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_NAV = re.compile(r"首页|当前位置|所在位置|您的位置|[>＞/／|｜].*[>＞/／|｜]")

# Suffixes of the agency name that are not part of its short name.
_AGENCY_SUFFIX = re.compile(r"(?:办事处|人民政府|政府)$")
_LOCAL = ("街道", "镇", "乡", "苏木", "社区", "村")
# A place named in the text: after a boundary (start, punctuation, 《, 地址) and before what follows a
# place name (区, 县, 人民政府, 政府信息公开规定 …), so that 城市 or 应市里 are not taken for cities.
_BOUNDARY = r"(?:^|(?<=[《“\"\s，,。、：:（(；;])|(?<=地址)|(?<=位于))"
_FOLLOWS = r"(?=[\u4e00-\u9fff]{0,4}?(?:区|县|旗|人民政府|政府|政务|委员会|规定|办法|条例|实施|[\d〇一二三四五六七八九十]))"
_PROVINCE = re.compile(_BOUNDARY + r"([\u4e00-\u9fff]{2,3}?省|[\u4e00-\u9fff]{2,6}?自治区)")
_CITY = re.compile(_BOUNDARY + r"(?:[\u4e00-\u9fff]{2,3}?省)?([\u4e00-\u9fff]{2,4}?市)" + _FOLLOWS)
_NOT_PLACES = {"城市", "都市", "超市", "上市", "门市", "集市", "全市", "本市", "我市", "该市", "各市", "省市",
               "市县", "节省", "全省", "本省", "我省", "该省", "各省", "门户市", "城市市"}


cn_year_to_int = years.cn_year_to_int


def _title_lines(lines: list[Line]) -> list[tuple[int, str]]:
    out = []
    for i, ln in enumerate(lines[:60]):
        t = script.matching(fold(ln.text)).text.replace(" ", "").replace("\t", "")
        if not t:
            continue
        out.append((i, t))
        if len(out) > 16:
            break
    return out


_last_title: tuple = (None, None)  # the lines last looked at (the list itself) and their title


def find_title(lines: list[Line]) -> tuple[str | None, int]:
    """The report title: see :func:`_find_title`.  Remembered for the last list of lines (the parse, its
    passages and the audit all ask for the title of the same lines; lines are never changed once made)."""
    global _last_title
    last = _last_title  # (one read: another thread may replace it)
    if last[0] is lines:
        return last[1]
    found = _find_title(lines)
    _last_title = (lines, found)
    return found


_SENTENCE_MARKS = re.compile(r"[，。；;]|,.*,")
_BREADCRUMB_SEP = re.compile(r"[>＞/／|｜]")


def _find_title(lines: list[Line]) -> tuple[str | None, int]:
    """The report title (which may be wrapped over up to three lines) and the line index after it,
    in the matching copy (simplified characters).

    The title is the shortest run of lines ending in "…信息公开工作年度报告" (or 年度工作报告, 年报);
    a title that names an agency wins over one that does not (a breadcrumb "首页>…>政府信息公开年报"
    above the real title).  Lines before the run (navigation, a 文号) are not part of it unless the
    run names no agency and the line before is an agency name ("江岸区人民政府后湖街道办事处" above
    "2021年政府信息公开工作年度报告").  A sentence (，。；) is not a title.
    """
    texts = _title_lines(lines)
    found: list[tuple[str, int, bool]] = []
    for j in range(len(texts)):
        for start in range(j, max(-1, j - 3), -1):
            joined = "".join(t for _, t in texts[start:j + 1])
            if len(joined) > 70 or _SENTENCE_MARKS.search(joined):
                break
            if _TITLE_END.search(joined):
                if _NAV.search(joined):  # a breadcrumb: only its last part can be the title
                    joined = _BREADCRUMB_SEP.split(joined)[-1]
                    if not _TITLE_END.search(joined):
                        break
                head = agency_rules.from_title(joined)
                if not head and start > 0:
                    prev = texts[start - 1][1]
                    if len(prev) <= 30 and agency_rules.is_agency_name(prev) and not _NAV.search(prev):
                        joined = prev + joined
                        head = prev
                if head or title_year(joined):
                    found.append((joined, texts[j][0] + 1, bool(head)))
                break
        if found and found[-1][2]:
            break
    if not found:
        return None, 0
    named = [f for f in found if f[2]]
    title, after, _ = (named or found)[0]
    return title, after




def agency_from_title(title: str) -> tuple[str | None, int | None]:
    """The agency and the year a title names."""
    return agency_rules.from_title(title), title_year(title)


def title_year(title: str) -> int | None:
    head = title
    m = _TITLE_END.search(head)
    if m:
        head = head[: m.end()]
    ym = _YEAR_IN_TITLE.search(head)
    return int(ym.group("y")) if ym else years.cn_year_to_int(head)


_REGION_PARTS = re.compile(r"[^省市区县旗盟州\s]{1,8}?(?:省|自治区|市|自治州|地区|盟|区|县|自治县|旗)")
_REGION_HEAD = re.compile(
    r"^(?P<region>(?:[^省市区县旗\s]{2,8}?(?:省|自治区))?(?:[^省市区县旗\s]{1,8}?(?:市|自治州|地区|盟))?"
    r"(?:[^省市区县旗\s]{1,8}?(?:区|县|自治县|旗|市))?)(?P<rest>.*)$")


def short_name(full: str) -> str:
    """The name people use: 后湖街道 for 江岸区人民政府后湖街道办事处, 勉县 for 勉县人民政府,
    龙游县政府办公室 for 龙游县人民政府办公室; departments keep their nearest region (江岸区教育局)."""
    name = full.strip()
    places, end = regions.leading_places(name)
    if places:
        region, rest = name[:end], name[end:]
    else:
        m = _REGION_HEAD.match(name)
        region, rest = m.group("region"), m.group("rest")
    parts = _REGION_PARTS.findall(region)
    last = (places or parts or [region])[-1] if region else ""
    if rest in ("", "人民政府", "政府"):
        return last or name
    office = re.match(r"^(?:人民)?政府(办公室|办公厅)$", rest)
    if office:
        return last + "政府" + office.group(1)
    rest = re.sub(r"^(?:人民)?政府(?=[\u4e00-\u9fff]{2,})", "", rest)  # the host: 江岸区人民政府 + 后湖街道办事处
    core = _AGENCY_SUFFIX.sub("", rest) or rest
    if core.endswith(_LOCAL) and len(core) >= 2:
        return core
    return last + rest


#: The province-level divisions whose names end in 省 or 自治区 (municipalities are cities here).
PROVINCES = ("河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
             "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
             "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区",
             "新疆维吾尔自治区")
_KNOWN_PROVINCE = re.compile("|".join(sorted(PROVINCES, key=len, reverse=True)))


def known_province(text: str | None) -> str | None:
    """The province a matched place name ends with ("和湖北省" -> "湖北省"); None if it names none."""
    if not text:
        return None
    m = None
    for m in _KNOWN_PROVINCE.finditer(text):
        pass
    return m.group(0) if m else None


def split_region(region: str) -> tuple[str | None, str | None, str | None]:
    """district, city, province of a region as a manifest gives it ("湖北省武汉市江岸区", "北京市东城区",
    "江岸区"); a region that names no level is taken as the district."""
    district = city = province = None
    for part in re.findall(r"[\u4e00-\u9fff]{1,8}?(?:自治区|自治州|省|市|区|县|旗|地区|盟)", region.strip()):
        if part.endswith(("省", "自治区")) and known_province(part):
            province = known_province(part)
        elif part.endswith(("市", "自治州", "地区", "盟")) and not city and not district:
            city = part
        else:
            district = part
    if not (district or city or province):
        district = region.strip() or None
    return district, city, province


def levels_of(places: list[str]) -> tuple[str | None, str | None, str | None]:
    """district, city, province of a chain of division names the gazetteer knows
    (["天津市", "河北区"] → 河北区, 天津市, 天津市: a municipality is both province and city)."""
    district = city = province = None
    for name in places:
        found = {pl.level for pl in regions.lookup(name)}
        if "province" in found:
            province = name
            if name.endswith("市"):  # a municipality
                city = name
        elif "city" in found:
            city = name
        elif found:
            district = name
    return district, city, province


def _places_before(name: str, text: str) -> list[str]:
    """The longest chain of known divisions printed right before ``name`` in the text
    ("地址:宣城市宣州区杨柳镇…" → 宣城市, 宣州区 for 杨柳镇)."""
    best: list[str] = []
    if len(name) < 2:
        return best
    for m in itertools.islice(re.finditer(re.escape(name), text), 30):
        s = m.start()
        while s > 0 and m.start() - s < 24 and "\u4e00" <= text[s - 1] <= "\u9fff":
            s -= 1
        prefix = re.sub(r"(?:人民政府|政府)$", "", text[s:m.start()])
        for i in range(len(prefix)):
            places, end = regions.leading_places(prefix[i:])
            if places and end == len(prefix) - i:
                if len(places) > len(best):
                    best = places
                break
    return best


_ZONE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:综合实验区|开发区|实验区|示范区|试验区|新区|园区)")


def _known(name: str | None, *levels: str) -> bool:
    """A place name the text offers is used only when the gazetteer knows it (at those levels);
    without the gazetteer installed, as before: when it is not a common word."""
    if not name or name in _NOT_PLACES:
        return False
    if not regions.available():
        return True
    return any(pl.level in levels for pl in regions.lookup(name))


def _places_in_name(full: str) -> list[str]:
    """The known divisions an agency name begins with, or holds after a national body's name
    (国家税务总局广州市白云区税务局 → 广州市, 白云区)."""
    places, _ = regions.leading_places(full)
    if places:
        return places
    for i in range(1, len(full) - 2):
        places, _ = regions.leading_places(full[i:])
        if places and len(places[0]) >= 3:
            return places
    return []


def _district_named_in(text: str, city: str | None, province: str | None
                       ) -> tuple[str | None, str | None, str | None]:
    """The one county-level division the opening of the text names (越秀区门户网站; 通过广昌县人民
    政府…公开), with the city or province named beside it when they tell apart places of one name."""
    head = text[:4000]
    named = regions.places_in(head)
    # a short name before the site's name: "本报告全文在松阳政府网…公布" (松阳县)
    for m in re.finditer("|".join(SITE_WORDS), head):
        for k in (2, 3, 4):
            places = [pl for pl in regions.current(regions.lookup(head[max(0, m.start() - k):m.start()], short=True))
                      if pl.level == "district"]
            if len({(pl.name, pl.city, pl.province) for pl in places}) == 1:
                named[places[0].name] += 1
                break
    districts = [n for n in named if any(pl.level == "district" for pl in regions.lookup(n))]
    if not districts:
        return None, None, None
    ranked = sorted(districts, key=lambda n: -named[n])
    if len(ranked) > 1 and named[ranked[0]] < 2 * named[ranked[1]]:
        return None, None, None
    d = ranked[0]
    cities = [n for n in named if any(pl.level == "city" for pl in regions.lookup(n))]
    provinces = [n for n in named if any(pl.level == "province" for pl in regions.lookup(n))]
    for c in [city] + cities:
        for p in [province] + provinces:
            if regions.consistent(d, c, p) and (c or p):
                return regions.complete(d, c, p)
    return (d, None, None) if regions.consistent(d, city, province) else (None, None, None)


def region_of(full: str, text: str, host: str | None = None) -> tuple[str | None, str | None, str | None]:
    """district, city, province from the agency name, the text and the government hosting the page,
    completed and checked with the gazetteer (``store.regions``)."""
    district, city, province = levels_of(_places_in_name(full))
    if not (district or city or province):
        zone = _ZONE.match(full)  # a zone the gazetteer does not list (平潭综合实验区)
        if zone:
            district = zone.group(0)
        else:  # a district the gazetteer does not list yet: short parts before a body's name
            m = _REGION_HEAD.match(full)
            rest = m.group("rest")
            if m.group("region") and len(rest) >= 2 and rest not in _LOCAL:
                for part in _REGION_PARTS.findall(m.group("region")):
                    if len(part) > 5 or part in _NOT_PLACES:
                        break
                    if part.endswith(("省", "自治区")):
                        province = known_province(part) or province
                    elif part.endswith(("市", "自治州", "地区", "盟")) and not city:
                        city = part
                    else:
                        district = part
    if not district:
        d, c, p = levels_of(_places_before(short_name(full), text))
        if d and regions.consistent(d, city, province):
            district, city, province = d, city or c, province or p
        elif c and not city and regions.consistent(None, c, province):
            city, province = c, province or p
    if not district and not regions.leading_places(full)[0]:
        d, c, p = _district_named_in(text, city, province)
        if d:
            district, city, province = d, city or c, province or p
    if host and not (district or city):
        d, c, p = levels_of(regions.leading_places(host)[0])
        district, city, province = d, c, province or p
    if district and not city:
        m3 = re.search(r"(?:省|^|[^\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}?市)" + re.escape(district), text)
        if m3 and _known(m3.group(1), "city", "province") and regions.consistent(district, m3.group(1), province):
            city = m3.group(1)
    district, city, province = regions.complete(district, city, province)
    if not city and not (district and regions.parents(district)):
        counts = Counter(c for c in _CITY.findall(text) if not c.endswith("城市")
                         and _known(c, "city", "district", "province") and regions.consistent(district, c, province))
        for c, _ in counts.most_common():
            if _known(c, "city", "province"):
                city = c
            elif not district:
                district = c  # a county-level city (大冶市)
            else:
                continue
            break
        district, city, province = regions.complete(district, city, province)
    if city and not province:
        m4 = re.search("(" + _KNOWN_PROVINCE.pattern + ")" + re.escape(city), text)
        if m4:
            province = m4.group(1)
    if not province and not (district and regions.parents(district)):
        counts = Counter(p for p in filter(None, (known_province(p) for p in _PROVINCE.findall(text)))
                         if regions.consistent(district, city, p))
        if counts:
            province = counts.most_common(1)[0][0]
    return regions.complete(district, city, province)


def report_date(lines: list[Line]) -> str | None:
    for ln in reversed(lines[-15:]):
        t = fold(ln.text).replace(" ", "")
        if len(t) > 30:
            continue
        m = _DATE.search(t)
        if m:
            return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    return None


def detect_template(text: str, year: int | None) -> str:
    """The template version the printed tables follow; the year decides when they don't tell."""
    folded = normalise_label(text)
    scores = {v: sum(m in folded for m in version_marks(v)) for v in VERSIONS}
    best = max(scores.values())
    winners = [v for v, sc in scores.items() if sc == best]
    return winners[0] if best and len(winners) == 1 else version_for_year(year)


def extract(lines: list[Line], text: str, page: dict | None = None) -> ReportMeta:
    """The metadata of a report: ``lines`` and ``text`` of its document, ``page`` what the reader
    knew of the page (``Document.meta``: an HTML page's title and meta tags)."""
    page = page or {}
    copy = script.matching(text)
    title, _ = find_title(lines)
    kept = [ln.text for ln in lines if ln.text.strip()]
    head = [script.matching(fold(t)).text for t in kept[:8]]
    tail = [script.matching(fold(t)).text for t in kept[max(8, len(kept) - 15):]]  # a signature is not the page head
    page_titles = [script.matching(t).text for t in page.get("titles", []) if t]
    publishers = [script.matching(t).text for t in page.get("publishers", []) if t]
    found = agency_rules.find_agency(title, page_titles, copy.text, head, tail, publishers)
    year = years.year_of(title_year(title) if title else None, copy.text)
    if year is None:
        year = next(filter(None, (title_year(t) for t in page_titles)), None)
    meta = ReportMeta(agency=copy.find_original(found.name) if found.name else None,
                      title=copy.find_original(title) if title else None, year=year)
    meta.agency_note = found.reason
    if found.name:
        meta.short_name = short_name(found.name)
        meta.district, meta.city, meta.province = region_of(found.name, copy.text, found.host)
    meta.report_date = report_date(lines)
    meta.template = detect_template(copy.text, year)
    return meta
