"""The year a report is about, as real reports state it.

In order of trust: the title ("2021年政府信息公开工作年度报告", 二〇二一年); the reporting period
("统计期限为2021年1月1日至2021年12月31日", also where conversion lost 年/月: "20211月1日至1231日",
"202111日起至20211230日止", "截至20251231日"); "2021年度" in the opening paragraphs; "2021年，…" as
the narrative opens; and last the year most often named.  Never a publishing date
("发布时间:2022-01-24", "2021年1月20日" under the signature), a page widget (2019年12月3日星期二) or a
URL folder: dates with a month and day are not counted, except as a reporting period.
"""

from __future__ import annotations

import re
from collections import Counter

from store.template.agency_names import REPORT_TITLE

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"[二][〇零○Ｏ][一二三四五六七八九〇零○][〇零○一二三四五六七八九]")
_CN_YEAR_BEFORE_NIAN = re.compile(_CN_YEAR.pattern + r"(?=\s*年)")
_YEAR = r"(?P<y>20[0-4]\d)"

# the reporting period: a start on 1 January followed by an end, 年/月 possibly lost
_PERIOD = re.compile(
    _YEAR + r"\s*年?\s*0?1\s*月?\s*0?1\s*日\s*(?:起|零时)?\s*"
    r"(?:至|到|—|－|-|~|～)\s*(?P<end>(?:20[0-4]\d[\d\s年]{0,4}?)?\s*12\s*月?\s*3[01]\s*日)")
_UNTIL = re.compile(r"截至\s*" + _YEAR + r"\s*年?\s*12\s*月?\s*31\s*日")
_YEAR_OF_REPORT = re.compile(r"(?<![与较比于在])" + _YEAR + r"\s*年度?(?!\s*\d{1,2}\s*月)\s*"
                             r"(?=[^，,。；;\n]{0,24}?(?:政府信息公开|政务公开|信息公开|年度报告|年报))")
# the report naming itself: "编制了2021年政府信息公开年度报告", "现公布2022年…信息公开工作年度报告"
_SELF_NAMED = re.compile(_YEAR + r"\s*年度?\s*(?:的)?" + REPORT_TITLE)
_YEAR_DU = re.compile(_YEAR + r"\s*年度")
_OPENING = re.compile(r"(?:^|\n)\s*(?:[（(]?[一二三1-9][)）、.．]?\s*[^\n，,。]{0,12}?)?" + _YEAR + r"\s*年(?:度|以来)?\s*[，,]")
_BARE = re.compile(_YEAR + r"\s*年(?!\s*\d{1,2}\s*月)(?!\s*[-—]\s*20)")
_DATED = re.compile(_YEAR + r"\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def cn_year_to_int(text: str) -> int | None:
    m = _CN_YEAR.search(text)
    if not m:
        return None
    return int("".join(_CN_DIGITS[c] for c in m.group(0)))


def period_year(text: str) -> int | None:
    """The year of the reporting period (1 January to 31 December), if the text states one."""
    years = Counter()
    for m in _PERIOD.finditer(text):
        end = re.match(r"(20[0-4]\d)", m.group("end").replace(" ", ""))
        y = int(m.group("y"))
        # 2020年1月1日起至202020年12月31日: the start decides; an end year must agree when it is clean
        if end and int(end.group(1)) != y and not m.group("end").replace(" ", "").startswith(str(y)):
            continue
        years[y] += 1
    if not years:
        years.update(int(m.group("y")) for m in _UNTIL.finditer(text))
    return years.most_common(1)[0][0] if years else None


def year_of(title_year: int | None, text: str) -> int | None:
    """The year the report is about: the title's, else what the text states (see the module doc).

    Without a title the evidence is weighed: the report naming itself in its opening ("编制了2021年
    政府信息公开年度报告") and the reporting period count two each, sentences opening with the year
    ("2021年，…") one each up to two; the period breaks a tie.  A report copied from the year before
    may keep last year's period (统计期限自2020年1月1日…) while naming itself 2021: its name wins,
    and a mention of last year's report in the narrative ("发布2020年度…年度报告1篇") loses to the
    period and the opening sentences."""
    if title_year:
        return title_year
    head = _CN_YEAR_BEFORE_NIAN.sub(lambda m: str(cn_year_to_int(m.group(0))), text[:4000])
    votes: Counter = Counter()
    for y in {int(m.group("y")) for m in _SELF_NAMED.finditer(head[:800])}:
        votes[y] += 2
    period = period_year(head)
    if period:
        votes[period] += 2
    openings = Counter(int(m.group("y")) for m in _OPENING.finditer(head))
    for y, n in openings.items():
        votes[y] += min(2, n)
    if votes:
        best = max(votes.values())
        tied = [y for y, v in votes.items() if v == best]
        return period if period in tied else min(tied, key=lambda y: head.find(str(y)))
    counts = Counter(int(m.group("y")) for m in _YEAR_OF_REPORT.finditer(head[:1500]))
    if counts:
        return counts.most_common(1)[0][0]
    counts = Counter(int(m.group("y")) for m in _YEAR_DU.finditer(head[:1500]))
    if counts:
        return counts.most_common(1)[0][0]
    undated = _DATED.sub(" ", head)
    counts = Counter(int(m.group("y")) for m in _BARE.finditer(undated))
    return counts.most_common(1)[0][0] if counts else None
