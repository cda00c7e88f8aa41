"""Report metadata from the text: agency, short name, region, year, date, template."""

from __future__ import annotations

import re
from collections import Counter

from store.parse.lines import Line, fold
from store.records import ReportMeta
from store.template import VERSIONS, normalise_label, version_for_year, version_marks

_TITLE_END = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_YEAR_IN_TITLE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*度?")
_DATE = re.compile(r"(?P<y>20\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"[二][〇零○Ｏ][一二三四五六七八九〇零○][〇零○一二三四五六七八九]")

# Suffixes of the agency name that are not part of its short name.
_AGENCY_SUFFIX = re.compile(r"(?:办事处|人民政府|政府)$")
_REGION_PREFIX = re.compile(
    r"^(?P<region>(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?(?:市|自治州|地区|盟))?"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:区|县|自治县|旗|市))?)(?:人民政府)?(?P<rest>.+)$")
_LOCAL = ("街道", "镇", "乡", "苏木", "社区", "村")
# A place named in the text: after a boundary (start, punctuation, 《, 地址) and before what follows a
# place name (区, 县, 人民政府, 政府信息公开规定 …), so that 城市 or 应市里 are not taken for cities.
_BOUNDARY = r"(?:^|(?<=[《“\"\s，,。、：:（(；;])|(?<=地址)|(?<=位于))"
_FOLLOWS = r"(?=[\u4e00-\u9fff]{0,4}?(?:区|县|旗|人民政府|政府|政务|委员会|规定|办法|条例|实施|[\d〇一二三四五六七八九十]))"
_PROVINCE = re.compile(_BOUNDARY + r"([\u4e00-\u9fff]{2,3}?省|[\u4e00-\u9fff]{2,6}?自治区)")
_CITY = re.compile(_BOUNDARY + r"(?:[\u4e00-\u9fff]{2,3}?省)?([\u4e00-\u9fff]{2,4}?市)" + _FOLLOWS)
_NOT_PLACES = {"城市", "都市", "超市", "上市", "门市", "集市", "全市", "本市", "我市", "该市", "各市", "省市",
               "市县", "节省", "全省", "本省", "我省", "该省", "各省", "门户市", "城市市"}


def cn_year_to_int(text: str) -> int | None:
    m = _CN_YEAR.search(text)
    if not m:
        return None
    return int("".join(_CN_DIGITS[c] for c in m.group(0)))


def find_title(lines: list[Line]) -> tuple[str | None, int]:
    """The report title (which may be wrapped over up to three lines) and the line index after it.

    The title is the shortest run of lines ending in "…信息公开工作年度报告"; lines before it
    (a web page's navigation, a 文号) are not part of it unless the run names no agency and the
    line before looks like one ("江岸区人民政府后湖街道办事处" above "2021年政府信息公开工作年度报告").
    """
    texts = []
    for i, ln in enumerate(lines[:60]):
        t = fold(ln.text).replace(" ", "").replace("\t", "")
        if not t:
            continue
        texts.append((i, t))
        if len(texts) > 16:
            break
    for j in range(len(texts)):
        for start in range(j, max(-1, j - 3), -1):
            joined = "".join(t for _, t in texts[start:j + 1])
            if len(joined) > 70:
                break
            if _TITLE_END.search(joined):
                head, _ = agency_from_title(joined)
                if not head and start > 0:
                    prev = texts[start - 1][1]
                    if len(prev) <= 30 and _AGENCY_LINE.search(prev) and not re.search(r"[，。；：:>＞|]", prev):
                        joined = prev + joined
                return joined, texts[j][0] + 1
    return None, 0


_AGENCY_LINE = re.compile(r"(?:办事处|人民政府|政府|街道|镇|乡|局|委员会|委|办公室|办|厅|中心|院|署)$")


def agency_from_title(title: str) -> tuple[str | None, int | None]:
    t = re.sub(r"^关于", "", title)
    t = re.sub(r"[（(].*?[)）]", "", t)
    m = _TITLE_END.search(t)
    head = t[: m.start()] if m else t
    year = None
    ym = _YEAR_IN_TITLE.search(head)
    if ym:
        year = int(ym.group("y"))
        head = (head[: ym.start()] + head[ym.end():]).strip()
    else:
        year = cn_year_to_int(head)
        head = re.sub(r"[二][〇零○Ｏ][〇零○一二三四五六七八九]{2}年度?", "", head)
    head = re.sub(r"(?:关于|年度|年)$", "", head).strip("“”\"")
    # what a web page puts before the name: "首页>政务公开>", "【2022-01-20】", "标题："
    head = re.split(r"[>＞|｜】\]：:]", head)[-1]
    head = re.sub(r"^[^\u4e00-\u9fff]+", "", head)
    head = re.sub(r"^关于", "", head)
    return (head or None), year


def short_name(full: str) -> str:
    """后湖街道 from 江岸区人民政府后湖街道办事处; departments keep their region."""
    name = full.strip()
    m = _REGION_PREFIX.match(name)
    rest = m.group("rest") if m else name
    region = m.group("region") if m else ""
    rest = _AGENCY_SUFFIX.sub("", rest) or rest
    if any(rest.endswith(x) for x in _LOCAL) and len(rest) >= 2:
        return rest
    if not rest or len(rest) < 2:
        return _AGENCY_SUFFIX.sub("", name) or name
    # a department: keep the nearest region level ("江岸区教育局")
    last_region = re.findall(r"[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|区|县|旗)", region)
    return (last_region[-1] if last_region else "") + rest


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


def region_of(full: str, text: str) -> tuple[str | None, str | None, str | None]:
    """district, city, province from the agency name and the report's text."""
    district = city = province = None
    m = _REGION_PREFIX.match(full)
    region = m.group("region") if m else ""
    for part in re.findall(r"[\u4e00-\u9fff]{1,8}?(?:省|自治区|自治州|市|区|县|旗|地区|盟)", region):
        if part.endswith(("省", "自治区")):
            province = known_province(part) or province
        elif part.endswith(("市", "自治州", "地区", "盟")) and not city:
            city = part
        else:
            district = part
    if district is None:
        m2 = re.search(r"([\u4e00-\u9fff]{1,4}(?:区|县|旗))(?:人民政府)?$", region)
        if m2:
            district = m2.group(1)
    if district and not city:
        m3 = re.search(r"(?:省|^|[^\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}?市)" + re.escape(district), text)
        if m3 and m3.group(1) not in _NOT_PLACES:
            city = m3.group(1)
    if not city:
        counts = Counter(c for c in _CITY.findall(text) if c not in _NOT_PLACES and not c.endswith("城市"))
        if counts:
            city = counts.most_common(1)[0][0]
    if city and not province:
        m4 = re.search("(" + _KNOWN_PROVINCE.pattern + ")" + re.escape(city), text)
        if m4:
            province = m4.group(1)
    if not province:
        counts = Counter(filter(None, (known_province(p) for p in _PROVINCE.findall(text))))
        if counts:
            province = counts.most_common(1)[0][0]
    return district, city, province


def report_date(lines: list[Line]) -> str | None:
    for ln in reversed(lines[-15:]):
        t = fold(ln.text).replace(" ", "")
        if len(t) > 30:
            continue
        m = _DATE.search(t)
        if m:
            return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    return None


def signature(lines: list[Line]) -> str | None:
    """The agency name signed at the end of the report, if any."""
    for ln in reversed(lines[-15:]):
        t = fold(ln.text).replace(" ", "")
        if 4 <= len(t) <= 40 and re.search(r"(?:办事处|人民政府|街道|镇|乡|局|委员会|办公室|政府)$", t) \
                and not re.search(r"[，。；：:]", t):
            return t
    return None


def detect_template(text: str, year: int | None) -> str:
    """The template version the printed tables follow; the year decides when they don't tell."""
    folded = normalise_label(text)
    scores = {v: sum(m in folded for m in version_marks(v)) for v in VERSIONS}
    best = max(scores.values())
    winners = [v for v, sc in scores.items() if sc == best]
    return winners[0] if best and len(winners) == 1 else version_for_year(year)


_BODY_AGENCY = re.compile(
    r"(?:19|20)\d{2}\s*年度?\s*[，,、]?\s*(?P<a>[\u4e00-\u9fff]{2,24}?(?:街道办事处|街道|镇人民政府|乡人民政府|"
    r"人民政府办公室|人民政府|镇|乡|局|委员会|办公室))(?=[\u4e00-\u9fff]{0,2}(?:坚持|认真|严格|深入|以|按照|根据|全面|"
    r"紧紧|始终|进一步|围绕|持续|不断|高度|继续|扎实|积极|切实|在))")


def agency_in_body(text: str) -> str | None:
    """A report whose title names no agency: the agency the first paragraphs are about
    ("2021年，后湖街道办事处认真贯彻……")."""
    m = _BODY_AGENCY.search(text[:2000])
    if not m or m.group("a").startswith(("在", "按照", "根据", "全", "本", "我")):
        return None
    return m.group("a")


def extract(lines: list[Line], text: str) -> ReportMeta:
    title, _ = find_title(lines)
    agency, year = agency_from_title(title) if title else (None, None)
    if year is None:
        years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", text[:3000]))
        year = years.most_common(1)[0][0] if years else None
    sign = signature(lines)
    full = agency
    if sign and (not agency or (agency in sign or short_name(agency) in sign) and len(sign) > len(agency)):
        full = sign
    if full and agency and full != agency:
        # a fuller name printed elsewhere ("淮北市相山区西街道办事处")
        pass
    elif agency:
        m = re.search(r"([\u4e00-\u9fff]{2,12}" + re.escape(agency) + r")", text)
        if m and re.match(r"^[\u4e00-\u9fff]{1,6}(?:省|市|区|县)", m.group(1)) and len(m.group(1)) <= len(agency) + 8:
            full = m.group(1)
    if not full:
        full = agency_in_body(text)
    meta = ReportMeta(agency=full, title=title, year=year)
    if full:
        meta.short_name = short_name(full)
        meta.district, meta.city, meta.province = region_of(full, text)
    meta.report_date = report_date(lines)
    meta.template = detect_template(text, year)
    return meta
