"""What figure a question asks for, from the synonyms that live with the template.

A question is scanned for the words people use for rows (收到 → ``apply.new``,
行政许可 → ``active.license``, 行政诉讼 → ``suit.all``, 不予公开 → the sum of its
eight reasons), for columns (企业 → ``business``, 纠正 → ``corrected``,
现行有效 → ``in_force``) and ratios (公开率).  Overlapping hits keep the longest; a reason
(保护第三方合法权益) beats its group (不予公开).

Anything else a question asks a figure about (微信公众号发了几条, 召开新闻发布会几场) is asked of
the narrative: a ``narrative`` query carrying the question's words, answered from the facts the
report states (:mod:`bot.facts`).  A table query carries the question's words too: answered from
the facts when the table has no figure, or first when the question says more than the row
(网上申请 is not every 申请; 微博投诉 is not every 投诉).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import facts as stated
from bot.textnorm import fold
from store.template.facts import WORD_ALIASES
from store.template import (ACTIVE, ACTIVE_DEFAULT_COLUMN, APPLICANT_COLUMNS, APPLY, DERIVED_RATIOS, DERIVED_SUMS,
                            RESULT_COLUMNS, REVIEW, TABLE_HEADINGS, cell_spec, row_key)


@dataclass(frozen=True)
class Target:
    kind: str  # row | col | ratio | narrative
    family: str  # applicant | result | active | "" — which columns a row takes
    ref: str  # row prefix (apply.new, active.license, review, suit.all, apply.denied), column key, ratio key, fact name
    weak: bool = False  # only used when nothing stronger is asked


@dataclass(frozen=True)
class MetricQuery:
    """One figure asked for: a row prefix and a column (None: the row's default)."""

    prefix: str
    column: str | None
    family: str
    kind: str = "cell"  # cell | sum | ratio | narrative (prefix: the question's words)
    narrative: str = ""  # a table query: the question's words, for the facts the narrative states
    order: str = "table"  # table: the facts only where the table has no figure | facts: the facts first |
    # facts_only: the question says more than the row, the table figure would answer something else

    def key(self, version: str) -> str:
        if self.kind in ("ratio", "narrative"):
            return self.prefix
        col = self.column
        if self.family == "active":
            row = self.prefix.split(".", 1)[1]
            col = col or ACTIVE_DEFAULT_COLUMN.get(version, {}).get(row, "decisions")
        else:
            col = col or "total"
        return f"{self.prefix}.{col}"

    def with_column(self, column: str) -> "MetricQuery":
        return MetricQuery(self.prefix, column, self.family, self.kind, self.narrative, self.order)


_WEAK_APPLY = ("申请数", "申请量", "申请件数", "申请情况", "几件申请", "多少申请", "多少件申请", "申请")


@lru_cache(maxsize=1)
def synonym_index() -> tuple[tuple[str, Target], ...]:
    out: dict[str, Target] = {}

    def add(word: str, target: Target):
        if word and word not in out:
            out[word] = target

    for row in APPLY.rows:
        for w in row.synonyms + tuple(v for v in row.variants if len(v) >= 4):
            add(w, Target("row", "applicant", f"apply.{row.key}"))
    for row in APPLY.rows:  # the label as printed, quoted by the question ("按（七）总计")
        label = fold(row.label)
        if len(label) >= 4 and re.match(r"[(（]?[一二三四五六七八九十\d]+[)）、.]", label):
            add(label, Target("row", "applicant", f"apply.{row.key}"))
    for d in DERIVED_SUMS:
        family = "result" if d.key.startswith("suit") else "applicant"
        for w in d.synonyms:
            add(w, Target("row", family, d.key))
    for row in REVIEW.rows:
        for w in row.synonyms:
            add(w, Target("row", "result", row_key(row)))
    for row in ACTIVE.rows:
        for w in row.synonyms:
            add(w, Target("row", "active", f"active.{row_key(row)}"))
    for d in DERIVED_RATIOS:
        for w in d.synonyms:
            add(w, Target("ratio", "", d.key))
    for col in APPLICANT_COLUMNS:
        for w in col.synonyms:
            add(w, Target("col", "applicant", col.key))
    for col in RESULT_COLUMNS:
        for w in col.synonyms:
            add(w, Target("col", "result", col.key))
    for row in ACTIVE.rows:
        for col in row.columns:
            for w in col.synonyms:
                add(w, Target("col", "active", col.key))
    for w in _WEAK_APPLY:
        out[w] = Target("row", "applicant", "apply.new", weak=True)
    for alias, word in WORD_ALIASES.items():  # 还没审完: 尚未审结
        if word in out:
            add(alias, out[word])
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


def find_hits(text: str) -> list[tuple[int, int, Target]]:
    """Synonym hits in ``text``: (start, end, target); a longer hit hides those it overlaps."""
    hits: list[tuple[int, int, Target]] = []
    taken = [False] * (len(text) + 1)
    for word, target in synonym_index():
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not any(taken[start:end]):
                hits.append((start, end, target))
                for k in range(start, end):
                    taken[k] = True
            start = text.find(word, start + 1)
    return sorted(hits, key=lambda h: h[0])


@dataclass
class MetricParse:
    metrics: list[MetricQuery]
    columns: list[tuple[str, str]]  # (family, column) named without a row: "企业呢"
    hits: list[tuple[int, int, Target]]
    weak_only: bool = False  # only a generic word (申请) named the figure


#: Verbs that name 收到申请 only when the question speaks of applications (收到多少封信 is not).
_APPLY_VERBS = ("收到", "受理", "接到", "接收")
_APPLY_NOUN = re.compile(r"申请|依申请")
#: A question about pieces of information published (公开了多少条信息) is none about applications.
_INFORMATION = re.compile(r"信息|稿件|文件|文章")
_INFORMATION_UNITS = ("条", "篇", "期")
#: What a verb of receiving counts when the question names nothing (收到几件: applications) …
_BARE_VERB_OBJECT = "申请"
#: … and the groups of words such a question is made of (收到, 申请, 信息).
_BARE_GROUPS = ("act", "request", "thing")
#: Words for the 总计 column that are only question words (几起, 一共): a named column beats them.
_WEAK_TOTAL = ("一共", "总共", "多少起", "几起", "总数")


def parse_metrics(text: str) -> MetricParse:
    hits = find_hits(text)
    others = [t for s, e, t in hits if t.kind == "row" and text[s:e] not in _APPLY_VERBS]
    if not _APPLY_NOUN.search(text) and not others:
        hits = [(s, e, Target(t.kind, t.family, t.ref, True) if text[s:e] in _APPLY_VERBS else t)
                for s, e, t in hits]
    named_cols = {(t.family, t.ref) for s, e, t in hits if t.kind == "col" and t.ref != "total"}
    if named_cols:  # 还有几起复议没审结: 没审结 is asked, 几起 only asks
        hits = [(s, e, t) for s, e, t in hits
                if not (t.kind == "col" and t.ref == "total" and text[s:e] in _WEAK_TOTAL
                        and any(f == t.family for f, _ in named_cols))]
    rows = [t for _, _, t in hits if t.kind == "row"]
    if not rows:  # 采购金额: the column's word names its row too
        rows = [t for s, e, c in hits if c.kind == "col" for w, t in synonym_index()
                if t.kind == "row" and t.family == c.family and len(w) >= 2 and w in text[s:e]][:1]
    strong = [t for t in rows if not t.weak]
    if strong:
        rows = strong
    cols = [t for _, _, t in hits if t.kind == "col"]
    # a reason beats its group: 保护第三方合法权益 + 不予公开 -> denied.third_party
    prefixes = [t.ref for t in rows]
    rows = [t for t in rows if not any(p != t.ref and p.startswith(t.ref + ".") for p in prefixes)]
    # 复议后起诉 / 直接起诉 beat 行政诉讼
    if any(t.ref.startswith("suit.") and t.ref != "suit.all" for t in rows):
        rows = [t for t in rows if t.ref != "suit.all"]
    # review rows named together with 诉讼 words stay; 行政复议 + 诉讼 both asked: keep both
    metrics: list[MetricQuery] = []
    for t in rows:
        family_cols = [c.ref for c in cols if c.family == t.family]
        kind = "sum" if any(t.ref == d.key for d in DERIVED_SUMS) else "cell"
        if family_cols:
            for c in family_cols:
                metrics.append(MetricQuery(t.ref, c, t.family, kind))
        else:
            metrics.append(MetricQuery(t.ref, None, t.family, kind))
    for _, _, t in hits:
        if t.kind == "ratio":
            metrics.append(MetricQuery(t.ref, None, "", "ratio"))
    metrics = list(dict.fromkeys(metrics))
    loose_cols = [(c.family, c.ref) for c in cols] if not rows else []
    weak_only = bool(rows) and all(t.weak for t in rows)
    metrics, narrative, bare = _with_narrative(text, hits, metrics, weak_only)
    return MetricParse(metrics, loose_cols, hits, weak_only and not narrative and not bare)


def _with_narrative(text: str, hits, metrics: list[MetricQuery],
                    weak_only: bool) -> tuple[list[MetricQuery], bool, bool]:
    """The queries with the question's words for the narrative's facts (see the module docstring).

    Returns the queries, whether the question is asked of the narrative alone, and whether it names
    nothing but applications received (收到几件, 信息公开申请有几个: the table's first row).
    """
    if not stated.asks_figure(text):
        return metrics, False, False
    words = re.sub(r"\s+", " ", text).strip()
    said = stated.unexplained(words, [(s, e, _target_labels(t)) for s, e, t in hits])
    table_words = any(t.kind == "col" for _, _, t in hits)  # 个人申请: a column of the table
    # 收到几件 (nothing but the verb): the applications received, as on the table's first row
    bare = weak_only and not said and all(t.group in _BARE_GROUPS for t in stated.asked(words).tokens)
    if bare:
        words = f"{words} {_BARE_VERB_OBJECT}"  # and so asked of the narrative too
    if (metrics and all(m.prefix.startswith("apply.") for m in metrics) and not _APPLY_NOUN.search(text)
            and _INFORMATION.search(text) and stated.asked(words).unit in _INFORMATION_UNITS):
        # 公开了多少条信息: information published, not applications granted (the table counts those in 件)
        if stated.significant(words):
            return [MetricQuery(words, None, "", "narrative")], True, False
    if not any(m.kind != "narrative" for m in metrics) or (weak_only and (said or not (table_words or bare))):
        if stated.significant(words) and not any(m.kind == "ratio" for m in metrics):
            return [MetricQuery(words, None, "", "narrative")], True, False
        return [MetricQuery(m.prefix, m.column, m.family, m.kind, words, "table") for m in metrics], False, False
    order = "facts_only" if said == "concept" else "facts" if said else "table"
    return [m if m.kind == "ratio" else MetricQuery(m.prefix, m.column, m.family, m.kind, words, order)
            for m in metrics], False, bare


@lru_cache(maxsize=512)
def _target_labels(target: Target) -> str:
    """The words of a row or column a question hit: its labels and synonyms (they explain the question)."""
    words: list[str] = []
    rows = ([(f"apply.{r.key}", r) for r in APPLY.rows] + [(row_key(r), r) for r in REVIEW.rows]
            + [(f"active.{row_key(r)}", r) for r in ACTIVE.rows])
    for ref, row in rows:
        if target.kind == "row" and (ref == target.ref or ref.startswith(target.ref + ".")):
            words += [row.label, *row.variants, *row.synonyms]
        for col in row.columns:
            if target.kind == "col" and col.key == target.ref:
                words += [col.label, *col.synonyms]
    for d in DERIVED_SUMS + DERIVED_RATIOS:
        if d.key == target.ref:
            words += [d.label, *d.synonyms]
    for col in APPLICANT_COLUMNS + RESULT_COLUMNS:
        if target.kind == "col" and col.key == target.ref:
            words += [col.label, *col.synonyms]
    # the table's own subject explains a question too (收到和处理政府信息公开申请情况: 申请)
    table = {"applicant": APPLY, "result": REVIEW, "active": ACTIVE}.get(target.family)
    if target.kind == "row":
        table = APPLY if target.ref.startswith("apply") else ACTIVE if target.ref.startswith("active") else REVIEW
    if table is not None:
        words.append(table.title)
    if table is APPLY:
        words += TABLE_HEADINGS  # 申请人情况
    return " ".join(words)


@lru_cache(maxsize=4096)
def metric_label(query: MetricQuery, version: str) -> str:
    key = query.key(version)
    if query.kind == "ratio":
        return next(d.label for d in DERIVED_RATIOS if d.key == key)
    if query.kind == "narrative":
        return query.prefix
    if query.kind == "sum":
        d = next(d for d in DERIVED_SUMS if d.key == query.prefix)
        col = key.rsplit(".", 1)[1]
        cols = APPLICANT_COLUMNS if query.family == "applicant" else RESULT_COLUMNS
        col_label = next(c.label for c in cols if c.key == col)
        if col == "total":
            return d.label if query.family == "applicant" else f"{d.label}：总计"
        return f"{d.label}（{'申请人：' if query.family == 'applicant' else ''}{col_label}）"
    spec = cell_spec(key, version)
    return spec.label if spec else key


@lru_cache(maxsize=4096)
def metric_unit(query: MetricQuery, version: str) -> str:
    if query.kind == "ratio":
        return "%"
    if query.kind == "narrative":
        return ""
    if query.kind == "sum":
        return "件"
    spec = cell_spec(query.key(version), version)
    return spec.unit if spec else "件"


@lru_cache(maxsize=4096)
def sum_parts(query: MetricQuery, version: str) -> tuple[str, ...]:
    """The cells a derived sum adds, for ``version``."""
    d = next(d for d in DERIVED_SUMS if d.key == query.prefix)
    col = query.key(version).rsplit(".", 1)[1]
    if version not in d.versions:
        # 2019 format: （六）其他处理 is a single printed row
        return (f"{query.prefix}.{col}",)
    return tuple(f"{p}.{col}" for p in d.parts)


_QUESTION_WORDS = re.compile(r"多少|几件|几个|几起|几次|是多少|有多少|几|吗|呢|？|\?")


@lru_cache(maxsize=1)
def _sound_words() -> dict[str, list[str]]:
    from pypinyin import lazy_pinyin

    from store.template.abbreviations import FIGURE_WORDS_READ_BY_SOUND

    out: dict[str, list[str]] = {}
    for w in FIGURE_WORDS_READ_BY_SOUND:
        out.setdefault("-".join(lazy_pinyin(w)), []).append(w)
    return out


def read_by_sound(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with a mistyped figure word read as the word it sounds like (信息工开 -> 信息公开): two
    characters that sound like a word of :data:`FIGURE_WORDS_READ_BY_SOUND` and share one character with it,
    where no figure word is found as written.  Returns the text and (as written, as read) of each."""
    from pypinyin import lazy_pinyin

    sounds = _sound_words()
    taken = [False] * len(text)
    spans = [(s, e) for s, e, _ in find_hits(text)]
    spans += [(m.start(), m.end()) for w in {w for ws in sounds.values() for w in ws} for m in re.finditer(w, text)]
    for s, e in spans:
        for k in range(s, e):
            taken[k] = True
    out, read = list(text), []
    i = 0
    while i < len(text) - 1:
        pair = text[i:i + 2]
        if taken[i] or taken[i + 1] or not all("\u4e00" <= c <= "\u9fff" for c in pair):
            i += 1
            continue
        words = [w for w in sounds.get("-".join(lazy_pinyin(pair)), ()) if w != pair
                 and sum(a == b for a, b in zip(w, pair)) == 1]
        if len(words) == 1:
            out[i:i + 2] = list(words[0])
            read.append((pair, words[0]))
            i += 2
            continue
        i += 1
    return "".join(out), read
