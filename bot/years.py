"""Years as people write them: 2021, 2021年, 21年, 二〇二一年, 二零二一, 今年 / 去年 / 前年,
最新 / 最近一年, ranges (2020到2022年, 2020-2022年, 近三年)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_CN = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
       "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_YEAR = r"[二][〇零○Ｏ][〇零○一二三四五六七八九]{2}"
_YEAR = rf"(?:(?:19|20)\d{{2}}|{_CN_YEAR}|(?<!\d)\d{{2}}(?=\s*年))"
_RANGE = re.compile(rf"(?P<a>{_YEAR})\s*(?:年度?)?\s*(?:到|至|~|～|-|—|－|–)\s*(?P<b>{_YEAR})\s*(?:年度?)?")
_SINGLE = re.compile(rf"(?P<y>{_YEAR})(?:\s*年度?)?")  # 2020年度 is the year 2020, 度 and all
#: Any other four digits before 年 ("9999年", "1850年度"): a year no report can be of, still the year asked
#: (the answer says there is no such report instead of answering another year).
_ANY_YEAR = re.compile(r"(?<![\d.])(?P<y>\d{4})\s*年度?")
_RELATIVE = {"大前年": -3, "前年": -2, "去年": -1, "上一年": -1, "上年度": -1, "今年": 0, "本年度": 0, "本年": 0}
_NOT_A_LABEL = r"(?!新|制发|制作|废止|处理|收费|增|项目|结转|度?办理|新收|公开数量)"
_LAST_N = re.compile(r"(?:近|最近|过去)\s*(?P<n>\d+|[一二两三四五六七八九十])\s*年")
_LATEST = re.compile(r"最新|最近一年|最近的|最近一期|最新一年|最新一期")
_ALL_YEARS = re.compile(r"历年|每年|逐年|各年|这几年|近几年|所有年份|历史")
#: Two-digit years listed before one 年: 23、24、25三年, 19和20年.
_SHORT_LIST = re.compile(r"(?<!\d)\d{2}(?:\s*[、，,和及与至到-]\s*\d{2})+\s*(?:[两二三四五六七八九十]|\d)?\s*个?年")


@dataclass
class YearSpec:
    years: list[int] = field(default_factory=list)  # explicit years, in the order given
    latest: bool = False  # 最新 / 最近一年
    all_years: bool = False  # 历年 / 每年
    last_n: int | None = None  # 近三年
    is_range: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)  # where in the text

    @property
    def given(self) -> bool:
        return bool(self.years or self.latest or self.all_years or self.last_n)


def _to_int(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        y = int(text)
        if y < 100:
            y += 2000
        return y
    if re.fullmatch(_CN_YEAR, text):
        return int("".join(str(_CN[c]) for c in text))
    return None


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    return _CN.get(text, 0)


def parse_years(text: str, today: date | None = None) -> YearSpec:
    today = today or date.today()
    spec = YearSpec()
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _SHORT_LIST.finditer(text):
        if re.search(r"[至到-]", m.group(0)):
            continue  # 19到20年: a range, read below
        for n in re.findall(r"\d{2}", m.group(0)):
            spec.years.append(2000 + int(n))
        taken.append(m.span())
    for m in _RANGE.finditer(text):
        if not free(*m.span()):
            continue
        a, b = _to_int(m.group("a")), _to_int(m.group("b"))
        if a and b and 1990 <= a <= 2100 and 1990 <= b <= 2100:
            lo, hi = sorted((a, b))
            if hi - lo <= 30:
                spec.years += list(range(lo, hi + 1))
                spec.is_range = True
                taken.append(m.span())
    for m in _SINGLE.finditer(text):
        if not free(*m.span()):
            continue
        raw = m.group("y")
        # two-digit years only with 年 after them ("21年"), not counts ("3年")
        if raw.isdigit() and len(raw) == 2 and not m.group(0).rstrip().endswith(("年", "年度")):
            continue
        y = _to_int(raw)
        if y and 1990 <= y <= 2100:
            spec.years.append(y)
            taken.append(m.span())
    for m in _ANY_YEAR.finditer(text):
        if free(*m.span()):
            spec.years.append(int(m.group("y")))
            taken.append(m.span())
    for word, delta in sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0])):
        # 上一年项目数量, 本年新制作数量, 本年度办理结果 … are column labels, not years
        for m in re.finditer(word + _NOT_A_LABEL, text):
            if free(*m.span()):
                spec.years.append(today.year + delta)
                taken.append(m.span())
    m = _LAST_N.search(text)
    if m and free(*m.span()):
        n = _cn_number(m.group("n"))
        if n <= 1:
            spec.latest = True  # 最近一年
        else:
            spec.last_n = n
        taken.append(m.span())
    if _LATEST.search(text):
        spec.latest = True
    if _ALL_YEARS.search(text):
        spec.all_years = True
    spec.years = list(dict.fromkeys(spec.years))
    spec.spans = sorted(taken)
    return spec


#: A year that names the report a figure was read in ("（23年年报里提到的）", "据2023年的报告") …
_REPORT_OF = re.compile(rf"(?:据|根据|按照?)?\s*(?P<y>{_YEAR})\s*年?\s*(?:的|度)?\s*(?:年度报告|年报|报告)"
                        rf"(?:里|中|上|内)?(?:提到|说|所说|写|称|披露)?(?:的)?")
#: … and a year that belongs to the figure's own words: applications carried over to it (结转到2025年) or
#: from it (从2023年结转过来).
_CARRY_TO = re.compile(rf"(?:结转|转入|转)\s*(?:到|至|入)\s*(?P<y>{_YEAR})\s*年?")
_CARRY_FROM = re.compile(rf"(?P<y>{_YEAR})\s*年?\s*(?:结转|转入|转来)")
#: How a year next to the report's is written in the report's own words (as ingest writes facts).
_NEIGHBOURS = {-1: "上年", 1: "下年"}


def relative_years(text: str, today: date | None = None) -> str:
    """``text`` with a year that is not the report asked about written as the report says it:
    "平度公安2022年收到的申请是多少（23年年报里提到的）" asks the 2023 report for 上年收到的申请;
    "24年结转到2025年的申请" asks the 2024 report for the applications carried over to 下年.
    Unchanged unless the question names exactly two years, one the report's, next to each other."""
    spec = parse_years(text, today)
    if len(spec.years) != 2:
        return text
    original = text
    report = _REPORT_OF.search(text)
    carry = _CARRY_TO.search(text) or _CARRY_FROM.search(text)
    if report is not None:
        year = _to_int(report.group("y"))
        # the report named by its year alone: its year stays, the words around it go
        text = text[:report.start()] + report.group("y") + "年 " + text[report.end():]
        keep = (report.start(), report.start() + len(report.group("y")))
    elif carry is not None:
        year = next((y for y in spec.years if y != _to_int(carry.group("y"))), None)
        keep = None
    else:
        return text
    if year is None:
        return text
    for m in _SINGLE.finditer(text):
        y = _to_int(m.group("y"))
        if keep is not None and m.start() <= keep[0] < m.end():
            continue
        if y is None or y == year or (m.group("y").isdigit() and len(m.group("y")) == 2
                                      and not m.group(0).rstrip().endswith("年")):
            continue
        word = _NEIGHBOURS.get(y - year)
        if word is None:
            return original
        return text[:m.start()] + word + text[m.end():]
    return original


def strip_years(text: str, spec: YearSpec) -> str:
    """``text`` without the year expressions (so that 2021 is not read as a figure or a name)."""
    out, last = [], 0
    for a, b in spec.spans:
        out.append(text[last:a])
        out.append(" ")
        last = b
    out.append(text[last:])
    return "".join(out)
