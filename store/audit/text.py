"""Text: duplicated words, years that contradict the report's year, typos in the template's fixed words
and document numbers, the agency's name, regulations of another province, section 五 that says nothing
concrete, section 六 without the 信息处理费 statement, contact details, the title."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from store.audit.context import Context
from store.parse.memo import remembered
from store.template import SECTIONS, TABLES
from store.template.audit_rules import (AGENCY_SUFFIXES, COMPOUND_TAILS, CONFUSABLE_PAIRS, SHARED_CHARACTER_WORDS, DOC_NUMBER_NAME, DUPLICATE_OK, FUNCTION_CHARS,
                                        INSERT_DELETE_MIN, NAME_OMISSIONS, FEE_STATEMENT, FEE_STATEMENT_FROM,
                                        PROVINCE_NAMES, SECTION5_MEASURE_WORDS, SECTION5_MIN_CHARS,
                                        SECTION5_PROBLEM_WORDS, TEMPLATE_BASIS, TEMPLATE_WORD_LOOKALIKES,
                                        TEMPLATE_WORDS, TITLE_ENDING, YEAR_COMPARISON_WORDS)

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk(ch: str) -> bool:
    return bool(_CJK.fullmatch(ch))


# ---------------------------------------------------------------------------- near misses

def near_misses(text: str, word: str, max_dist: int, allowed, indels: bool = True):
    """Yield ``(start, end, editops)`` of every substring of ``text`` within ``max_dist`` edits of ``word``
    (but not ``word`` itself) whose edits ``allowed(word, cand, ops)`` accepts.  By the pigeonhole
    principle one of ``max_dist + 1`` pieces of ``word`` survives intact: only windows around them are
    compared (``indels=False``: only windows of the word's own length, in its own place)."""
    n = len(word)
    shift = max_dist if indels else 0
    exact = list(_find_all(text, word))
    k = max_dist + 1
    bounds = [round(j * n / k) for j in range(k + 1)]
    found: dict[int, tuple] = {}
    for j in range(k):
        piece, offset = word[bounds[j]:bounds[j + 1]], bounds[j]
        for at in _find_all(text, piece) if piece else ():
            base = at - offset
            best = None
            for start in range(max(0, base - shift), base + shift + 1):
                for end in range(start + n - shift, min(len(text), start + n + shift) + 1):
                    if any(e < end and start < e + n for e in exact):
                        continue
                    cand = text[start:end]
                    d = Levenshtein.distance(cand, word, score_cutoff=max_dist)
                    if not 1 <= d <= max_dist:
                        continue
                    ops = Levenshtein.editops(word, cand)
                    if not allowed(word, cand, ops):
                        continue
                    key = (d, abs(end - start - n), start)
                    if best is None or key < best[0]:
                        best = (key, start, end, ops)
            if best:
                found.setdefault(best[1], best)
    taken: list[tuple[int, int]] = []
    for _, start, end, ops in sorted(found.values(), key=lambda b: b[0]):
        if not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            yield start, end, ops


def _find_all(text: str, piece: str):
    k = text.find(piece)
    while k >= 0:
        yield k
        k = text.find(piece, k + 1)


@lru_cache(maxsize=65536)
def _confusable(a: str, b: str) -> bool:
    return any({a, b} == set(p) for p in CONFUSABLE_PAIRS)


@lru_cache(maxsize=256)
def _partners(word: str) -> frozenset[str]:
    """The characters :func:`_typo_edits` accepts in the place of one of ``word``'s (its confusable ones)."""
    return frozenset(b for a in word if _cjk(a) for p in CONFUSABLE_PAIRS if a in p for b in p
                     if b != a and _cjk(b) and {a, b} == set(p))


def _typo_edits(word: str, cand: str, ops) -> bool:
    """A typo of a fixed word: a homophone or look-alike in a character's place; in a long phrase also a
    character added or dropped inside it (never a function character, never at its ends)."""
    for op in ops:
        if op.tag == "replace":
            a, b = word[op.src_pos], cand[op.dest_pos]
            if not (_cjk(a) and _cjk(b) and _confusable(a, b)):
                return False
        elif len(word) < INSERT_DELETE_MIN:
            return False
        elif op.tag == "insert":
            ch = cand[op.dest_pos]
            if not _cjk(ch) or ch in FUNCTION_CHARS:
                return False
        elif op.tag == "delete":
            ch = word[op.src_pos]
            if not _cjk(ch) or ch in FUNCTION_CHARS or op.src_pos in (0, len(word) - 1):
                return False
    return True


def is_typo_of(printed: str, word: str) -> bool:
    """Whether ``printed`` is ``word`` with one slip of the kind :func:`template_word_typos` reports."""
    return any(start == 0 and end == len(printed)
               for start, end, _ in near_misses(printed, word, 1, _typo_edits, len(word) >= INSERT_DELETE_MIN))


@lru_cache(maxsize=1)
def _lookalikes() -> tuple[str, ...]:
    """Printed forms one edit from a fixed word that are right: the list, and the template's own
    titles, labels and variants."""
    out = set(TEMPLATE_WORD_LOOKALIKES)
    for s in SECTIONS:
        out.update((s.title, *s.variants))
    for t in TABLES:
        for r in t.rows:
            out.update(x for x in (r.label, r.group, *r.variants) if x)
            for c in r.columns:
                out.update((c.label, *c.variants))
    return tuple(sorted(out, key=len, reverse=True))


def _covered(text: str, start: int, end: int) -> bool:
    """Whether a right printed form (a look-alike, the template's own wording) covers ``text[start:end]``."""
    for w in _lookalikes():
        k = text.find(w, max(0, end - len(w)))
        while 0 <= k <= start:
            if k + len(w) >= end:
                return True
            k = text.find(w, k + 1)
    return False


@lru_cache(maxsize=1)
def _word_halves() -> dict[str, tuple[str, ...]]:
    """Each half of each fixed word and the words it is half of: a line without either half of a word
    cannot hold a one-character slip of it."""
    halves: dict[str, list[str]] = {}
    for w in TEMPLATE_WORDS:
        for piece in (w[:len(w) // 2], w[len(w) // 2:]):
            halves.setdefault(piece, []).append(w)
    return {k: tuple(v) for k, v in halves.items()}


@remembered(4096)
def _typos_in(text: str) -> tuple[tuple[int, int, str], ...]:
    """The fixed words printed one character off in one line: (start, end, word), in the order of
    TEMPLATE_WORDS.  Remembered: the template's labels and headings are printed alike in every report."""
    out = []
    halves = _word_halves()
    words = {w for piece, ws in halves.items() if piece in text for w in ws}
    for word in sorted(words, key=TEMPLATE_WORDS.index):
        if word in text:  # printed right: is a half left anywhere else on the line?
            probe = text.replace(word, "\0")
            if word[:len(word) // 2] not in probe and word[len(word) // 2:] not in probe:
                continue
        indels = len(word) >= INSERT_DELETE_MIN
        if not indels and _partners(word).isdisjoint(text):
            continue  # without insertions the slip is a look-alike in a character's place: none is printed
        for start, end, _ in near_misses(text, word, 1, _typo_edits, indels):
            if not _covered(text, start, end):
                out.append((start, end, word))
    return tuple(out)


def template_word_typos(ctx: Context):
    """template_word_typo: a fixed word of the template printed one character off (钩稽关系, 行政法复议,
    不子公开)."""
    if ctx.converted:
        return
    seen: dict[tuple[str, str], list] = {}
    for i, text in enumerate(ctx.texts):
        for start, end, word in _typos_in(text):
            seen.setdefault((text[start:end], word), []).append((i, start, end))
    for (printed, word), hits in seen.items():
        if any(printed != p and p in printed for p, _ in seen):
            continue  # the same slip inside a longer phrase already reported (行政法复议 in the section 四 title)
        i, start, end = hits[0]
        more = f"（共{len(hits)}处）" if len(hits) > 1 else ""
        yield ctx.finding("template_word_typo", ctx.at(i, start, end), printed=printed, word=word, more=more)


_DOUBLE = re.compile(r"([\u4e00-\u9fff]{2,4})\1")


def duplicated_words(ctx: Context):
    """duplicated_word: a word printed twice in a row (资金资金, 工作工作)."""
    if ctx.converted:
        return
    for i in ctx.lines_matching(_DOUBLE):
        text = ctx.texts[i]
        for m in _DOUBLE.finditer(text):
            unit = m.group(1)
            if m.group(0) in DUPLICATE_OK or unit in DUPLICATE_OK or (len(unit) == 2 and unit[0] == "一"):
                continue  # 一个一个, 一项一项: said twice on purpose
            head, tail = text[:m.start() + len(unit)], text[m.start() + len(unit):]
            if any(head.endswith(a) and tail.startswith(b) for a, b in SHARED_CHARACTER_WORDS):
                continue  # 人民政府|政府信息公开: two words that share their characters
            if len(unit) == 2 and text.startswith(COMPOUND_TAILS, m.end()):
                continue  # 规范|规范性文件, 政务公开|公开栏: the second is a longer word of its own
            yield ctx.finding("duplicated_word", ctx.at(i, m.start(), m.end()), word=unit,
                              context=text[max(0, m.start() - 6):m.end() + 6])


# ---------------------------------------------------------------------------- years

_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年(?P<du>度)?")
_CLAUSE = re.compile(r"[。；;！？!?]")
_STATS = re.compile(r"\d+\s*(?:余|多)?\s*(?:条|件|篇|个|次|期|份|项)")


_LEAD = re.compile(r"^[\s（(一二三四五六七八九十\d）)、.．]*(?:[是在于]|截至|截止)?")  # what may open a sentence before its year
_WILL = re.compile(r"^度?[，,\s]*\S{0,12}?将")
_PLANS = re.compile(r"(?:改进措施|下一步|工作计划|工作打算|工作安排|今后)[^。]{0,8}[。：:]?\s*$")


def years(ctx: Context):
    """year_mismatch: a sentence that reports the year's own work names another year (the 2023 figures
    in a 2024 report, "2021年，我局将……" among the 2021 report's plans)."""
    if ctx.year is None:
        return
    y0 = ctx.year
    plans = set(ctx.section_lines("五"))
    seen = set()
    for i in ctx.lines_matching(_YEAR):
        ln, text = ctx.lines[i], ctx.texts[i]
        if ln.kind == "grid" or "星期" in text or (i == ctx.title_index and len(text) <= 80):
            continue
        for m in _YEAR.finditer(text):
            y = int(m.group("y"))
            clause_start = max((c.end() for c in _CLAUSE.finditer(text, 0, m.start())), default=0)
            lead = _LEAD.sub("", text[clause_start:m.start()])
            if lead.strip():
                continue  # the year does not open the sentence: a date, a document title, a comparison
            c_end = _CLAUSE.search(text, m.end())
            sentence = text[m.end():c_end.start() if c_end else len(text)]
            if any(w in sentence[:40] for w in YEAR_COMPARISON_WORDS) or f"{y0}年" in sentence:
                continue  # a comparison, or last year beside this one
            planning = i in plans or bool(_PLANS.search(text[:clause_start]))
            what = None
            if y == y0 - 1 and _STATS.search(sentence) and not planning:
                what = "本年度的数字"
            elif y == y0 and planning and _WILL.match(sentence):
                what = "改进措施（下一年度的计划）"
            elif y > y0 + 1:
                what = "年份"
            if what and (what, y) not in seen:
                seen.add((what, y))
                yield ctx.finding("year_mismatch", ctx.at(i, m.start(), c_end.end() if c_end else len(text)),
                                  year=y0, what=what, printed=text[m.start():m.end()].strip())


_BAD_DATE = re.compile(r"(?<![\d年月.])(?:(?:19|20)\d{2}(?=\d{1,2}月)\d{1,2}月\d{1,2}日"
                       r"|(?:19|20)\d{2}\d{2,4}日|(?<=[截止至于自从到])\d{3,4}日)(?!内|以内|之内)")

# what every malformed date above prints: three digits run into its 月 or 日 (a quick search of the
# whole text before the slow pattern is tried line by line)
_BAD_DATE_HINT = re.compile(r"\d{3}[月日]")


def dates(ctx: Context):
    """date_malformed: a date whose 年 or 月 is lost (截至1231日, 20201月1日) outside the statistics period
    (that one is period_malformed)."""
    from store.audit.structure import statistics_period

    p = statistics_period(ctx)
    if not ctx.anywhere(_BAD_DATE_HINT):
        return
    for i, text in enumerate(ctx.texts):
        if ctx.lines[i].kind == "grid":
            continue
        for m in _BAD_DATE.finditer(text):
            if p is not None and p.index == i and m.start() < p.end + 2 and m.end() > p.start - 2:
                continue
            if not _a_date(m.group(0)):
                continue
            k = max(0, m.start() - 2)
            yield ctx.finding("date_malformed", ctx.at(i, m.start(), m.end()), printed=text[k:m.end()].strip())


def _a_date(printed: str) -> bool:
    """Whether digits run together read as a month and day (1231日) or a year, month and day (20251231日)."""
    digits = re.sub(r"\D", "", printed)
    body = digits[4:] if len(digits) >= 6 else digits
    return any(1 <= int(body[:k]) <= 12 and 1 <= int(body[k:]) <= 31 for k in (1, 2) if 0 < k < len(body))


# ---------------------------------------------------------------------------- document numbers

_DOC_NUMBER = re.compile(r"国办?公开?办?[函涵]\s*(?P<open>[〔(（\[【﹝])\s*(?P<digits>\d{4,})\s*(?P<close>[〕)）\]】﹞])?"
                         r"\s*(?P<n>\d+)?\s*(?P<hao>号)?")


def doc_numbers(ctx: Context):
    """doc_number_malformed: the number of the template's notice misprinted (国办公开办涵〔2021〕30号,
    国办公开函〔2021〕30 号, 国办公开办函〔202130号)."""
    for i in ctx.lines_matching(_DOC_NUMBER):
        text = ctx.texts[i]
        for m in _DOC_NUMBER.finditer(text):
            digits = m.group("digits")
            expected = next((b for b in TEMPLATE_BASIS.values() if f"〔{digits[:4]}〕" in b), None)
            if expected is None:
                continue
            name = m.group(0)[:m.start("open") - m.start()].strip()
            if name == DOC_NUMBER_NAME and m.group("close") and len(digits) == 4:
                continue
            yield ctx.finding("doc_number_malformed", ctx.at(i, m.start(), m.end()), printed=m.group(0).strip(),
                              expected=expected)


# ---------------------------------------------------------------------------- the agency

def agency_names(ctx: Context):
    """agency_name_variant: the agency's own name misprinted (平潭综合区行政审批局, 财政全融局)."""
    name = ctx.meta.agency or ""
    if len(name) < 6 or ctx.converted or not all(_cjk(c) for c in name):
        return
    dist = 2 if len(name) >= 10 else 1
    seen = set()
    pieces = [name[round(j * len(name) / (dist + 1)):round((j + 1) * len(name) / (dist + 1))] for j in range(dist + 1)]
    for i, text in enumerate(ctx.texts):
        probe = text.replace(name, "\0")
        if not any(piece in probe for piece in pieces) or name[:2] not in probe or name[-2:] not in probe:
            continue  # (a slip keeps the name's first and last two characters: see _name_edits)
        for start, end, ops in near_misses(text, name, dist, _name_edits):
            printed = text[start:end]
            if printed not in seen:
                seen.add(printed)
                yield ctx.finding("agency_name_variant", ctx.at(i, start, end), printed=printed, agency=name)


def _name_edits(word: str, cand: str, ops) -> bool:
    """A slip in the agency's name: characters dropped inside it (平潭综合区, 国家税务局) or one put for a
    character it is mistaken for (全/金); its first and last two kept.  Any other change names another
    body (区民政局 beside 区财政局, a neighbouring 街道), not a slip."""
    if cand[:2] != word[:2] or cand[-2:] != word[-2:]:
        return False
    if all(op.tag == "delete" for op in ops) and "".join(word[op.src_pos] for op in ops) in NAME_OMISSIONS:
        return False
    for op in ops:
        if op.tag == "insert":
            return False
        if op.tag == "delete" and not _cjk(word[op.src_pos]):
            return False
        if op.tag == "replace" and not _confusable(word[op.src_pos], cand[op.dest_pos]):
            return False
    return True


_REPORT_OF = re.compile(r"(?:公布|发布|编制|现将|予以公开|印发)(?:了)?(?P<name>[\u4e00-\u9fff]{3,30}?)"
                        r"(?P<y>20\d{2})\s*年度?(?:政府)?信息公开(?:工作)?年度报告")


def other_agency(ctx: Context):
    """other_agency_named: the text says it is another agency's report (a name copied from another)."""
    name, short = ctx.meta.agency or "", ctx.meta.short_name or ""
    if not name:
        return
    for i in ctx.lines_matching(_REPORT_OF):
        text = ctx.texts[i]
        for m in _REPORT_OF.finditer(text):
            printed = m.group("name")
            if printed.startswith(("本", "我", "全", "该", "各", "上述", "所属")) or not printed.endswith(AGENCY_SUFFIXES):
                continue
            if short in printed or printed in name or name in printed or _core(printed) in name:
                continue
            yield ctx.finding("other_agency_named", ctx.at(i, m.start("name"), m.end()), printed=printed,
                              agency=name)
            return


def _core(name: str) -> str:
    return re.sub(r"(?:人民政府|办事处|政府)$", "", name)


_CITED = re.compile("《(?P<p>" + "|".join(PROVINCE_NAMES) + r")[^》]{2,60}》")


def other_province(ctx: Context):
    """other_province_cited: a regulation of another province cited (a Fujian report following
    《江苏省政府信息公开申请办理答复规范》)."""
    own = ctx.meta.province
    if not own:
        return
    for i in ctx.lines_matching(_CITED):
        text = ctx.texts[i]
        for m in _CITED.finditer(text):
            if m.group("p") != own:
                yield ctx.finding("other_province_cited", ctx.at(i, m.start(), m.end()), province=own,
                                  cited=m.group("p"), printed=m.group(0))


# ---------------------------------------------------------------------------- sections 五 and 六

def section_five(ctx: Context):
    """section5_not_concrete: section 五 names the problems and what is done about them."""
    span = ctx.found.get("五")
    if span is None or not (ctx.complete or "六" in ctx.found):
        return
    body = "".join(ctx.texts[i] for i in ctx.section_lines("五")).strip()
    why = None
    if len(re.sub(r"\s", "", body)) < SECTION5_MIN_CHARS:
        why = f"内容过于简略：“{body or '（空）'}”"
    elif not any(w in body for w in SECTION5_PROBLEM_WORDS):
        why = "未写明存在的具体问题"
    elif not any(w in body for w in SECTION5_MEASURE_WORDS):
        why = "未写明改进措施"
    if why:
        yield ctx.finding("section5_not_concrete", ctx.at(span.start), why=why)


def section_six(ctx: Context):
    """section6_fee_missing: the 2021 template's section 六 states the 信息处理费 charged (a report that says
    it elsewhere has said it)."""
    span = ctx.found.get("六")
    if span is None or ctx.expected_version < FEE_STATEMENT_FROM or not ctx.complete:
        return
    lines = [i for i in ctx.section_lines("六") if ctx.texts[i].strip()]
    if not re.search(FEE_STATEMENT, "".join(ctx.texts)):  # stated elsewhere: said, if not where the form asks
        yield ctx.finding("section6_fee_missing", ctx.at(lines[0] if lines else span.start))


# ---------------------------------------------------------------------------- contact details, title

_URL = re.compile(r"https?//[\w.]+")
_MAIL = re.compile(r"(?:邮箱|电子邮件|电子信箱|E-?mail|email)\s*[:：]?\s*(?P<m>[A-Za-z0-9._-]{3,}(?:\.com|\.cn|\.net))",
                   re.I)


def contacts(ctx: Context):
    """contact_malformed: a web address without its colon, an e-mail address without @."""
    if not ctx.anywhere(_URL) and not ctx.anywhere(_MAIL):
        return
    for i, text in enumerate(ctx.texts):
        for m in _URL.finditer(text):
            yield ctx.finding("contact_malformed", ctx.at(i, m.start(), m.end()), what="网址", printed=m.group(0))
        for m in _MAIL.finditer(text):
            if "@" not in m.group("m"):
                yield ctx.finding("contact_malformed", ctx.at(i, m.start("m"), m.end("m")), what="电子邮箱",
                                  printed=m.group("m"))


_TITLE_LIKE = re.compile(r"报告|年报")
_NOT_TITLE = re.compile(r"[>＞/／。；、:：_]|位置|首页|根据|按照|来源|发布|浏览|点击|http|^[(（]?[一二三四五六七八九十\d]+[)）、.]")
TITLE_LINES = 8  # a title is among the first lines


def title_line(ctx: Context) -> tuple[int, str] | None:
    """The report's title as printed: a short line near the top that names a report (not a breadcrumb,
    a page's list of tags or its ``<title>``), joined with the line above when the title is wrapped."""
    seen, previous = 0, None
    for i, text in enumerate(ctx.texts):
        t = re.sub(r"\.(?:docx?|pdf|wps)$", "", re.sub(r"^[#*\s]+|[*\s]+$", "", text), flags=re.I)
        if not t:
            continue
        seen += 1
        if seen > TITLE_LINES:
            return None
        if t.startswith(("•", "·")):
            previous = None
            continue
        if re.search(r"[:：]", t) and _TITLE_LIKE.search(t.split("：")[-1].split(":")[-1]):
            t = re.split(r"[:：]", t)[-1]  # "公告(2024年第1号):应急管理部2023年……报告"
        if len(t) <= 60 and _TITLE_LIKE.search(t) and ("信息" in t or "公开" in t) and not _NOT_TITLE.search(t):
            if previous and not re.search(r"(?:19|20)\d{2}|[二][〇零○]", t) and not _NOT_TITLE.search(previous) \
                    and len(previous) <= 40:
                return i, previous + t  # a title wrapped over two lines
            return i, t
        previous = t
    return None


def title(ctx: Context):
    """title_nonstandard: the title names the year (with 年) and ends 政府信息公开工作年度报告."""
    found = title_line(ctx)
    if found is None or ctx.converted:
        return
    index, printed = found
    t = re.sub(r"\s+", "", printed)
    t = re.sub(r"[（(][^）)]*[）)]$", "", t)
    whys = []
    if not re.search(r"(?:19|20)\d{2}年|[二][〇零○][一二三四五六七八九〇零○]{2}年", t):
        whys.append("缺年份后的“年”" if re.search(r"(?:19|20)\d{2}", t) else "未写明年度")
    if not t.endswith(TITLE_ENDING):
        whys.append(f"未以“{TITLE_ENDING}”结尾")
    if whys:
        yield ctx.finding("title_nonstandard", ctx.at(index), printed=printed, why="，".join(whys))


RULES = (template_word_typos, duplicated_words, years, dates, doc_numbers, agency_names, other_agency, other_province,
         section_five, section_six, contacts, title)
