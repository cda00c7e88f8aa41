"""The agency a report is about, from where real reports name it.

Pure functions over the report's matching text (simplified characters, see ``store.parse.script``).

1. **Candidates**, each with the place it was read from: the title; an HTML page's ``<title>`` and
   meta tags; "本报告由X编制"; "现公布X2023年…报告"; "X2023年度政府信息公开…" / "结合X2025年度…编制";
   the subject of the opening sentence ("2021年，X坚持…"); the signature (落款) at the end; and,
   weaker, the page's publisher fields (发布机构, 来源), a header line naming a body, "请与X联系".
2. **Shape**: a candidate counts only when it looks like an agency name — CJK only, ending in one
   of ``AGENCY_ENDINGS`` (or a region ending where a region stands for its government: 句容市2022年…
   报告), holding no sentence word (现将, 根据, 请与 …) and no spam (a name part with Latin letters,
   digits or words no government body's name holds: ``SPAM_WORDS``).  A candidate that holds a
   sentence word or spam is cut after it ("现将海城市西四镇" → 海城市西四镇, "…官网区人民政府北京街道
   办事处" → 北京街道办事处).
3. **Choice**: the title's name; else the strong candidates, the most specific body first (a 街道 over
   the district government that hosts its page); else the weak ones, guided by how the report
   refers to itself (我镇, 我局).  Then the fullest form of the chosen name printed anywhere (江岸区人民
   政府后湖街道办事处 for 后湖街道).  A report that calls itself only 我局 and names no body is left
   without an agency, with the reason.

The word lists are template data: ``store.template.agency_names``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from store import regions
from store.parse.memo import recent
from store.template.agency_names import (AGENCY_ENDINGS, COMPILE_VERBS, COMPILING_OFFICES, CONTACT_WORDS,
                                         GENERIC_STARTS, GOVERNMENT_ENDINGS, LEADING_FUNCTION_CHARS,
                                         NAME_STOP_CHARS, NAVIGATION_WORDS, PUBLISH_VERBS, PUBLISHER_LABELS,
                                         REGION_ENDINGS, REGION_SELF_BODIES, REPORT_AFTER_NAME, REPORT_TITLE,
                                         SELF_REFERENCE_ENDINGS, SELF_REFERENCES, SENTENCE_WORDS,
                                         SHORT_TOWNSHIP_ENDINGS, SPAM_FOLLOWERS, SPAM_WORDS, SUBJECT_FOLLOWERS,
                                         TOWNSHIP_ENDINGS)

_MAX_NAME = 40
_MAX_OCCURRENCES = 30  # places of a name looked at for its fullest form
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff]")
_STOP_CHARS = set(NAME_STOP_CHARS)
# a place in brackets inside a name: 武汉经济技术开发区(汉南区)医疗保障局
_BRACKETED_PLACE = re.compile(r"[(（][\u4e00-\u9fff]{1,12}(?:" + "|".join(REGION_ENDINGS) + r")[)）]")
_LEVEL_CHARS = set("省市区县镇乡旗州")
_GOVERNED = tuple(REGION_ENDINGS) + ("镇", "乡", "苏木", "街道", "办事处", "盟")
_REPORT_AFTER = re.compile(r"\s*(?:20\d{2}\s*年?度?|[二][〇零○][一二三四五六七八九〇零○]{2}年度?)?\s*" + REPORT_AFTER_NAME)


@dataclass
class Candidate:
    name: str
    #: title | page_title | compiled | published | report_year | subject | signature (strong);
    #: publisher | header | contact (weak)
    source: str
    pos: int = 0

    @property
    def strong(self) -> bool:
        return self.source in STRONG


STRONG = ("title", "page_title", "compiled", "published", "report_year", "subject", "signature")


@dataclass
class AgencyFinding:
    name: str | None
    candidates: list[Candidate] = field(default_factory=list)
    host: str | None = None  # a government that hosts the page (for the region)
    reason: str | None = None  # why no agency was found


# --------------------------------------------------------------------------- shape

def _ending(name: str, region_ok: bool = False) -> str | None:
    for e in AGENCY_ENDINGS:
        if name.endswith(e):
            return e
    if region_ok:
        for e in REGION_ENDINGS:
            if name.endswith(e):
                return e
    return None


def has_sentence_words(name: str) -> bool:
    return any(w in name for w in SENTENCE_WORDS) or any(w in name for w in SELF_REFERENCES)


def spam_end(name: str) -> int:
    """Where the last spam-shaped part of ``name`` ends (0 if it has none), with the ad's words right
    after it ("皇冠体育": 体育 is spam there)."""
    end = 0
    for w in SPAM_WORDS:
        i = name.rfind(w)
        if i >= 0:
            end = max(end, i + len(w))
    for m in re.finditer(r"[A-Za-z0-9０-９Ａ-Ｚａ-ｚ]+", name):
        end = max(end, m.end())
    while end:
        follower = next((w for w in SPAM_FOLLOWERS if name.startswith(w, end)), None)
        if not follower:
            break
        end += len(follower)
    return end


def is_agency_name(name: str, region_ok: bool = False) -> bool:
    """Whether ``name`` is shaped like an agency's name (see the module doc)."""
    return _is_agency_name(name, bool(region_ok))


@recent(16384)
def _is_agency_name(name: str, region_ok: bool) -> bool:
    if not name or len(name) > _MAX_NAME or len(name) < 2:
        return False
    bare = _BRACKETED_PLACE.sub("", name)
    if not bare or any(not _NAME_CHAR.match(c) or c in _STOP_CHARS for c in bare):
        return False
    if has_sentence_words(bare) or spam_end(name):
        return False
    ending = _ending(bare, region_ok)
    if not ending:
        return False
    core = bare[: -len(ending)]
    if not core:
        return False
    if core.startswith(GENERIC_STARTS) and not regions.leading_places(core)[0]:
        return False
    if len(core) == 1 and (core in _LEVEL_CHARS and (ending in GOVERNMENT_ENDINGS or len(ending) == 1)):
        return False  # 县政府, 市委, 区局: a level with no name
    if len(core) < 2 and (len(ending) == 1 or ending == "中心") and ending not in ("镇", "乡"):
        return False  # 城中心, 区局: too short for a body's name
    if len(core) >= 2 and core[0] in _LEVEL_CHARS and core[1] in "属直级辖":
        return False  # 区属街道, 市直部门, 县级政府
    if ending in GOVERNMENT_ENDINGS:
        level = next((g for g in _GOVERNED if core.endswith(g)), None)
        if not (level and len(core) > len(level) or regions.is_place(core)):
            return False  # a government is a place's: 吴起县人民政府, 杨柳镇政府 (not 共受理政府, 街道政府)
    if ending in REGION_ENDINGS and ending not in AGENCY_ENDINGS:
        # a region standing for its government: the gazetteer knows it, or it is a zone (…实验区)
        return regions.is_place(bare) or len(ending) >= 2 or len(core) >= 2
    return True


def clean(name: str, region_ok: bool = False) -> str | None:
    """The agency name inside a candidate: cut after sentence words and spam, drop a host prefix
    that names no place ("区人民政府北京街道办事处" → 北京街道办事处); None if nothing name-shaped is left."""
    return _clean(name, bool(region_ok))


_CUT_AFTER = tuple(SENTENCE_WORDS) + tuple(SELF_REFERENCES) + tuple(NAVIGATION_WORDS)
_LOST_HOST = re.compile(r"^[区县市旗](?:人民)?政府(?=[\u4e00-\u9fff]{2,}(?:" + "|".join(TOWNSHIP_ENDINGS) + r")$)")


@recent(16384)
def _clean(name: str, region_ok: bool) -> str | None:
    name = name.strip()
    cut = spam_end(name)
    for w in _CUT_AFTER:
        i = name.rfind(w)
        if i >= 0:
            cut = max(cut, i + len(w))
    name = name[cut:]
    # a host government that lost its place name to spam: "区人民政府北京街道办事处"
    name = _LOST_HOST.sub("", name)
    while name and name[0] in LEADING_FUNCTION_CHARS and not regions.leading_places(name)[0] \
            and is_agency_name(name[1:], region_ok):
        name = name[1:]
    return name if is_agency_name(name, region_ok) else None


def kind(name: str) -> int:
    """How specific a body is: 3 township (街道/镇/乡), 2 department or office, 1 a government
    above a township, 0 a region standing for its government."""
    bare = _BRACKETED_PLACE.sub("", name)
    if bare.endswith(TOWNSHIP_ENDINGS) or re.search(r"(?:街道|镇|乡|苏木)(?:人民政府|政府)$", bare):
        return 3
    if bare.endswith(GOVERNMENT_ENDINGS):
        return 1
    if _ending(bare):
        return 2
    return 0


# --------------------------------------------------------------------------- finders

def _name_chars() -> str:
    """A character class of the name characters: CJK, the stop characters left out."""
    stops = sorted(c for c in _STOP_CHARS if _NAME_CHAR.fullmatch(c))
    ranges, lo = [], 0x4E00
    for c in map(ord, stops):
        if c > lo:
            ranges.append((lo, c - 1))
        lo = c + 1
    if lo <= 0x9FFF:
        ranges.append((lo, 0x9FFF))
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                         for a, b in ranges) + "]"


_RUN_AFTER = re.compile(_name_chars() + "+")  # (a run matched at once instead of character by character)
_RUN_BEFORE = re.compile(_name_chars() + r"+\Z")


def _name_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of name characters around [start, end) (CJK and bracketed places)."""
    s = start
    lowest = max(0, start - _MAX_NAME)  # (no character before it is taken)
    while s > 0 and start - s < _MAX_NAME:
        run = _RUN_BEFORE.search(text, lowest, s) if s > lowest else None
        if run:
            s = run.start()
        elif text[s - 1] in ")）":
            m = re.search(r"[(（][\u4e00-\u9fff]{1,12}[)）]$", text[max(0, s - 16):s])
            if not m:
                break
            s -= len(m.group(0))
        else:
            break
    e = end
    while e < len(text) and e - end < _MAX_NAME:
        run = _RUN_AFTER.match(text, e, end + _MAX_NAME)
        if run:
            e = run.end()
        elif text[e] in "(（":
            m = _BRACKETED_PLACE.match(text, e)
            if not m:
                break
            e = m.end()
        else:
            break
    return s, e


def name_before(text: str, end: int, region_ok: bool = False) -> str | None:
    """The agency name ending exactly at ``end``: the run of name characters before it, cut after
    sentence words; failing that, the longest part of the run that begins with a known place."""
    s, _ = _name_run(text, end, end)
    found = clean(text[s:end], region_ok)
    if found:
        return found
    for start in range(s + 1, end - 1):
        if regions.leading_places(text[start:end])[0]:
            found = clean(text[start:end], region_ok)
            if found:
                return found
    return None


def name_after(text: str, start: int, region_ok: bool = False, follow: re.Pattern | None = None) -> str | None:
    """The longest agency name starting at ``start`` (after sentence words are cut), optionally
    only one followed by ``follow``."""
    _, e = _name_run(text, start, start)
    # with a follower the shortest name it follows wins ("2021年，后湖街道办事处认真…", not a run
    # that goes on into the sentence); without one, the longest ("两城镇人民政府党政办公室编制")
    ends = range(start + 2, e + 1) if follow is not None else range(e, start + 1, -1)
    for end in ends:
        if follow is not None and not follow.match(text, end):
            continue
        piece = text[start:end]
        found = clean(piece, region_ok)
        if found and piece.endswith(found):
            return found
    return None


def _title_head(title: str) -> str:
    """The part of a title before the year and 政府信息公开…报告, without navigation."""
    t = re.sub(r"[（(][^)）]*[)）]$", "", title.strip())
    m = re.search(r"(?:20\d{2}|[二][〇零○][一二三四五六七八九〇零○]{2})\s*年|(?:政府|政务)?信息公开", t)
    head = t[: m.start()] if m else t
    head = re.split(r"[>＞|｜】\]：:/／_]", head)[-1]
    return head.strip(" “”\"'《")


def from_title(title: str) -> str | None:
    """The agency a title names ("江岸区人民政府后湖街道办事处2021年…", "关于2021年度X…" included)."""
    head = _title_head(title)
    if not head:
        # "2025年上海市青浦区赵巷镇人民政府信息公开工作年度报告": the name after the year
        m = re.search(r"(?:20\d{2}|[二][〇零○][一二三四五六七八九〇零○]{2})\s*年度?", title)
        if m:
            return name_after(title, m.end(), True, _REPORT_AFTER)
        return None
    head = re.sub(r"^关于|(?:关于|的)$", "", head)
    found = name_before(head, len(head), True)
    if found is None:
        m = re.search(r"(?:20\d{2}|[二][〇零○][一二三四五六七八九〇零○]{2})\s*年度?", title)
        if m:
            return name_after(title, m.end(), True, _REPORT_AFTER)
    return found


_COMPILE_VERB = re.compile("|".join(COMPILE_VERBS))
_COMPILED_REPORT = re.compile("(?:" + "|".join(COMPILE_VERBS) + r")了?\s*[《“]?\s*(?:本|20\d{2}\s*年)")
_PUBLISH = re.compile(r"(?:" + "|".join(sorted(PUBLISH_VERBS, key=len, reverse=True)) + r")\s*(?:了)?\s*(?:20\d{2}\s*年度?)?\s*")
_YEAR = re.compile(r"20\d{2}\s*年度?")
_SUBJECT_FOLLOWS = re.compile("|".join(SUBJECT_FOLLOWERS))
_OPENING_YEAR = re.compile(r"20\d{2}\s*年(?:度|以来)?\s*[，,]?\s*(?:在[^，,。]{2,30}?(?:领导|指导|部署)下\s*[，,]?\s*)?")
_SHORT_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:" + "|".join(SHORT_TOWNSHIP_ENDINGS) + r"))(?="
                             + _SUBJECT_FOLLOWS.pattern + ")")
_CONTACT = re.compile("(?:" + "|".join(CONTACT_WORDS) + ")[:：]?")
_PUBLISHER_LABEL = re.compile(r"(?:" + "|".join(sorted(PUBLISHER_LABELS, key=len, reverse=True))
                              + r")\s*[:：|｜]?\s*(?:\n\s*(?:•\s*)?)?")
_SPACES = re.compile(r"\s+")
_DATE_AT_END = re.compile(r"(?:20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|20\d{2}[-./]\d{1,2}[-./]\d{1,2})$")


def _compiled_by(text: str) -> list[Candidate]:
    out = []
    for m in re.finditer(r"由", text):
        window = text[m.end(): m.end() + 120]
        verb = _COMPILE_VERB.search(window)
        if not verb or "。" in window[: verb.start()]:
            continue
        name = name_after(text, m.end())
        if name:
            out.append(Candidate(_compiler_body(name), "compiled", m.start()))
    # "鸿山镇人民政府编制《2021年…报告》", "X编制了2021年政府信息公开年度报告"
    for m in _COMPILED_REPORT.finditer(text):
        name = name_before(text, m.start())
        if name:
            out.append(Candidate(_compiler_body(name), "compiled", m.start()))
    return out


def _compiler_body(name: str) -> str:
    """The body whose office compiled the report: 两城镇人民政府党政办公室 → 两城镇人民政府,
    东湖县交通运输局办公室 → 东湖县交通运输局."""
    for office in COMPILING_OFFICES:
        if name.endswith(office):
            rest = name[: -len(office)]
            if is_agency_name(rest):
                return rest
    return name


def _published(text: str) -> list[Candidate]:
    out = []
    for m in _PUBLISH.finditer(text):
        name = name_after(text, m.end(), True, _REPORT_AFTER)
        if name:
            out.append(Candidate(name, "published", m.start()))
    return out


def _report_year(text: str) -> list[Candidate]:
    """Names right before or after the report year in a sentence about the report:
    "结合杨村街道2025年度政府信息公开工作情况编制", "按照2022年海陵区城东街道政务信息公开工作实际编制"."""
    out = []
    for m in _YEAR.finditer(text):
        if _REPORT_AFTER.match(text, m.end()):
            name = name_before(text, m.start())
            if name:
                out.append(Candidate(name, "report_year", m.start()))
        name = name_after(text, m.end(), False, _REPORT_AFTER)
        if name:
            out.append(Candidate(name, "report_year", m.end()))
    return out


def _subject(text: str) -> list[Candidate]:
    """The subject of a sentence opening with the year: "2021年，后湖街道办事处认真贯彻……",
    "2022年以来，丰收乡在县委县政府的正确领导下……"."""
    out = []
    follow = _SUBJECT_FOLLOWS
    for m in _OPENING_YEAR.finditer(text):
        name = name_after(text, m.end(), False, follow)
        if not name:
            # 白云街: a township written without 道
            mm = _SHORT_TOWNSHIP.match(text[m.end():])
            if mm and not has_sentence_words(mm.group(1)) and not spam_end(mm.group(1)):
                name = mm.group(1)
        if name:
            out.append(Candidate(name, "subject", m.end()))
    return out


def _contact(text: str) -> list[Candidate]:
    out = []
    for m in _CONTACT.finditer(text):
        name = name_after(text, m.end())
        if name:
            out.append(Candidate(_compiler_body(name), "contact", m.start()))
    return out


def _publisher(text: str) -> list[Candidate]:
    out = []
    for m in _PUBLISHER_LABEL.finditer(text):
        name = name_after(text, m.end(), True)
        if name:
            out.append(Candidate(name, "publisher", m.start()))
    return out


def _lines_naming_a_body(lines: list[str], source: str, offset: int = 0) -> list[Candidate]:
    out = []
    for i, ln in enumerate(lines):
        t = _SPACES.sub("", ln)
        t = _DATE_AT_END.sub("", t)
        if 3 <= len(t) <= _MAX_NAME and is_agency_name(t):
            out.append(Candidate(t, source, offset + i))
    return out


def self_reference(text: str) -> str | None:
    """The kind of body the report calls itself (我局 → 局, 我街道 → 街道), the most used."""
    counts = Counter()
    for word, what in SELF_REFERENCES.items():
        counts[what] += text.count(word)
    counts = +counts
    return counts.most_common(1)[0][0] if counts else None


def _from_self_reference(text: str, what: str) -> str | None:
    """我县 + the county the text names most → 吴起县人民政府; 我乡 + 牛街乡人民政府 printed → that."""
    if what in ("镇", "乡", "街道"):
        pattern = r"[\u4e00-\u9fff]{2,5}?" + what + r"(?:人民政府|办事处)?"
        names = Counter()
        for m in re.finditer(pattern, text):
            s, _ = _name_run(text, m.start(), m.end())
            name = clean(text[s:m.end()])
            if name and kind(name) == 3:
                names[name] += 1
        if names:
            best = max(names, key=lambda n: (names[n] + sum(names[o] for o in names if o != n and n in o), len(n)))
            return best
        return None
    if what in ("县", "区", "市", "旗"):
        names = Counter({n: k for n, k in regions.places_in(text).items()
                         if n.endswith(what) and any(pl.level == "district" for pl in regions.lookup(n))})
        if names:
            place = names.most_common(1)[0][0]
            return place + REGION_SELF_BODIES[what]
    return None


# --------------------------------------------------------------------------- choice

def fuller_form(name: str, text: str, others: list[str]) -> str:
    """The fullest form of ``name`` printed: another candidate that adds places (江岸区人民政府后湖
    街道办事处 for 后湖街道), or a known place chain printed before the name or its short form
    (郑州市上街区 + 中心路街道办事处; 通化市东昌区金厂镇人民政府 for 金厂镇政府)."""
    from store.parse.metadata import short_name  # the short name rules live with the metadata

    best = name
    core = short_name(name)
    for other in others:
        if len(other) > len(best) and short_name(other) == core and (other.endswith(name) or _adds_places(other, name)):
            best = other
    township = kind(best) == 3
    stems = [best] + ([core] if township and core != best and len(core) >= 2 else [])
    seen: dict[tuple, str] = {}  # what a printed prefix made of the name (a name is printed many times alike)
    for stem in stems:
        for m in itertools.islice(re.finditer(re.escape(stem), text), _MAX_OCCURRENCES):
            s, _ = _name_run(text, m.start(), m.start())
            prefix = text[s:m.start()]
            tail = ""
            if stem == core:  # the short form: take the body's own ending printed after it
                mm = re.match(r"(?:人民政府|政府|街道办事处|办事处)", text[m.end():])
                tail = mm.group(0) if mm else ""
                after = text[m.end() + len(tail):]
                if not tail and after[:1] and _NAME_CHAR.match(after[0]) and not after.startswith(SUBJECT_FOLLOWERS):
                    continue  # an address ("宣城市宣州区杨柳镇春归东路88号"), not the name
            key = (prefix, stem, tail, best)
            if key not in seen:
                seen[key] = _with_places(prefix, stem, tail, best, core)
            best = seen[key]
    return best


_HOST_LEFT = re.compile(r"(?:人民政府|政府)?")


def _with_places(prefix: str, stem: str, tail: str, best: str, core: str) -> str:
    """``best``, or the name printed as ``prefix`` + ``stem`` + ``tail`` when the prefix ends in a known
    place chain (and an optional 人民政府) that makes it a fuller form of the same body."""
    from store.parse.metadata import short_name

    ending = _ending(best) or ""
    for i in range(len(prefix)):
        places, end = regions.leading_places(prefix[i:] + stem)
        left = prefix[i:][end:] if end < len(prefix) - i else ""
        if places and _HOST_LEFT.fullmatch(left):
            fuller = prefix[i:] + stem + tail
            same = stem == best or (short_name(fuller) == core and fuller.endswith(ending))
            if len(fuller) > len(best) and same and is_agency_name(fuller, True):
                best = fuller
            break
    return best


def _adds_places(longer: str, shorter: str) -> bool:
    """Whether ``longer`` is ``shorter`` (same short name) with known places before it."""
    return bool(regions.leading_places(longer)[0]) and not shorter.startswith(longer[:2])


_TIER = {"compiled": 2, "published": 2, "report_year": 2, "subject": 1, "signature": 1}


def _best(cands: list[Candidate], prefer: str | None) -> Candidate:
    """The candidate most of the report agrees on: the kind of body the report calls itself (我镇),
    then how many candidates name the same body, then the most specific body, then how explicitly
    the sentence names the report's agency ("本报告由…编制" over "2021年，…坚持")."""
    from store.parse.metadata import short_name

    cores = Counter(short_name(c.name) for c in cands)

    def rank(c: Candidate):
        fits = 1 if prefer and _fits(c.name, prefer) else 0
        return (fits, cores[short_name(c.name)], kind(c.name), _TIER.get(c.source, 0), len(c.name), -c.pos)
    return max(cands, key=rank)


def _fits(name: str, what: str) -> bool:
    if what in ("县", "区", "市", "旗", "省"):
        return kind(name) in (0, 1)
    if what in ("镇", "乡", "街道"):
        return kind(name) == 3
    return kind(name) == 2 and name.endswith(SELF_REFERENCE_ENDINGS.get(what, (what,)))


def find_agency(title: str | None, page_titles: list[str], text: str, head_lines: list[str],
                tail_lines: list[str], publishers: list[str]) -> AgencyFinding:
    """The agency of a report (see the module doc).  ``text`` is the matching text;
    ``head_lines``/``tail_lines`` the first and last lines; ``publishers`` names from page meta tags."""
    preamble = text[:2500]
    cands: list[Candidate] = []
    if title:
        name = from_title(title)
        if name:
            cands.append(Candidate(name, "title", 0))
    site_names = []
    for t in page_titles:
        name = from_title(t)
        if name and re.search(REPORT_TITLE, t):
            cands.append(Candidate(name, "page_title", 0))
        elif name:  # a site's name only hosts the report
            site_names.append(Candidate(name, "publisher", 0))
    cands += _compiled_by(preamble) + _published(preamble) + _report_year(preamble) + _subject(preamble)
    cands += _lines_naming_a_body(tail_lines, "signature", len(text))  # the caller leaves out the head
    weak = _publisher(preamble) + _lines_naming_a_body(head_lines, "header") + _contact(preamble)
    weak += [Candidate(n, "publisher", 0) for n in (clean(p, True) for p in publishers) if n] + site_names
    prefer = self_reference(preamble)
    all_names = [c.name for c in cands + weak]
    host = next((c.name for c in weak if kind(c.name) in (0, 1)), None)
    titled = [c for c in cands if c.source in ("title", "page_title")]
    strong = [c for c in cands if c.strong]
    # a page's publisher or contact stands for the report's agency only when it is the kind of body
    # the report calls itself (我局 with only "来源：某区人民政府" above it is not that government's)
    fitting = [c for c in weak if not prefer or _fits(c.name, prefer)]
    by_reference = _from_self_reference(preamble, prefer) if prefer and not (titled or strong) else None
    if titled:
        chosen = titled[0].name  # its fullest form is looked for below (市人民政府办公室 → 天门市…)
    elif strong:
        chosen = _best(strong, prefer).name
    elif by_reference:
        chosen = by_reference
    elif fitting:
        chosen = _best(fitting, prefer).name
    else:
        reason = None
        if prefer:
            word = next(w for w, k in SELF_REFERENCES.items() if k == prefer and w in preamble)
            reason = f"the report calls its agency only “{word}” and names no body"
        return AgencyFinding(None, cands + weak, host, reason)
    return AgencyFinding(fuller_form(chosen, text, all_names), cands + weak, host)
