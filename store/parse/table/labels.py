"""How well a printed label fits a template row, and what a label is (a whole row label, the start of
one, a column or group heading).  Everything here reads the template; nothing is spelt again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from store.parse.lines import fold
from store.parse.table.settings import SETTINGS, TableSettings
from store.template import (ACTIVE, APPLICANT_GROUP_LABEL, APPLY, REVIEW, TABLE_HEADINGS, Row, Table,
                            normalise_label as _normalise_label)
from store.template import leaf_labels as _template_leaf_labels

# Labels repeat across rows and reports: fold each text once.
normalise_label = lru_cache(maxsize=65536)(_normalise_label)
_LEAVES: dict[str, tuple[str, ...]] = {}
_ROWS = {r.key: r for t in (ACTIVE, APPLY, REVIEW) for r in t.rows}


def leaf_labels(row: Row) -> tuple[str, ...]:
    """The template's labels of a row, remembered by row key."""
    got = _LEAVES.get(row.key)
    if got is None:
        got = _LEAVES[row.key] = _template_leaf_labels(row)
    return got


def label_score(row: Row, observed: str, settings: TableSettings = SETTINGS) -> float:
    """0-100: how well a printed label reads as ``row``'s label."""
    if row.key in _ROWS and settings is SETTINGS:
        return _label_score(row.key, observed)
    return _score(leaf_labels(row), observed, settings)


@lru_cache(maxsize=65536)
def _label_score(row_key: str, observed: str) -> float:
    return _score(leaf_labels(_ROWS[row_key]), observed, SETTINGS)


_EXPLANATION = re.compile(r"[(（][^()（）]{8,}[)）]")


def without_explanations(text: str) -> str:
    """A label without the long explanations in brackets some reports print in it
    ("规章（设区的市、自治州人民政府应提供相关数据）" -> "规章"): they may name other rows."""
    t = _EXPLANATION.sub("", text)
    return t if normalise_label(t) else text


def join_label(parts: list[str], tail: int) -> str:
    """Label parts printed on several lines as one label (its end: nearest the figures)."""
    return without_explanations(" ".join(parts))[-tail:]


def _score(leaves: tuple[str, ...], observed: str, settings: TableSettings) -> float:
    obs = normalise_label(without_explanations(observed))
    if not obs:
        return 0.0
    best = 0.0
    for leaf in leaves:
        s = fuzz.ratio(leaf, obs)
        if len(obs) > len(leaf) and len(leaf) >= 2:
            # the label within a longer text (numbering, a group label, garbage around it);
            # a shorter text is compared whole: "行政罚" is 行政处罚, not any 行政 row
            p = fuzz.partial_ratio(leaf, obs)
            if len(leaf) <= 2 and len(obs) > len(leaf) + 2:
                p = min(p, settings.short_label_cap)  # "其他" or "总计" in a longer text is weak evidence
            s = max(s, p)
        best = max(best, s)
    return best


NUMBERED = re.compile(r"^[(（]?\s*[一二三四五六七八九十\d]{1,2}\s*[)）.．、]")
#: a row's numbering, whole: "（三）", "二、", "4." (a wrapped "一）" may be the end of a "（" above)
ROW_NUMBER = re.compile(r"^(?:[(（]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|[一二三四五六七八九十\d]{1,2}\s*[.．、])")


_BRACKETS = re.compile(r"[()（）]")


def unbracketed(text: str) -> str:
    return _BRACKETS.sub("", text)


def headings(table: Table, version: str, leaves: list[str]) -> frozenset[str]:
    """Column and group headings of a table as printed (normalised, brackets dropped); a row's own
    label is never one.  Section 二's groups (第二十条第（一）项) are headings above their rows."""
    out = {normalise_label(h) for h in (*TABLE_HEADINGS, APPLICANT_GROUP_LABEL)}
    for row in table.rows_for(version):
        for col in row.columns:
            out.update(normalise_label(x) for x in (col.label, *col.variants))
        if table is ACTIVE:
            out.add(normalise_label(row.group))
    return frozenset(unbracketed(h) for h in out if h and h not in leaves)


@dataclass
class Labels:
    """What the labels of one table (in one template version) are: the predicates row assembly uses."""

    table: Table
    version: str
    settings: TableSettings = SETTINGS

    def __post_init__(self):
        self._scores: dict[str, tuple[float, ...]] = {}
        self._complete: dict[str, bool] = {}
        self._starts: dict[str, bool] = {}
        self.rows = self.table.rows_for(self.version)
        self.leaves = [leaf for r in self.rows for leaf in leaf_labels(r) if len(leaf) >= 2]
        self.headings = headings(self.table, self.version, self.leaves)
        self.all_headings = headings(self.table, self.version, [])  # 总计 and 其他 among other headings
        groups = {normalise_label(r.group) for r in self.rows if r.group}
        starts = {g[:k] for g in groups for k in range(3, len(g))}
        #: the beginnings (three characters or more, not the whole) of the group labels that begin no row
        #: label: "（三）不予公", "三、本年度办理结" (see :func:`~.prepare.group_fragments`)
        self.group_starts = {x for x in starts if not any(leaf.startswith(x) for leaf in self.leaves)}

    def score(self, j: int, label: str) -> float:
        return label_score(self.rows[j], label, self.settings)

    def scores(self, label: str) -> list[float]:
        """The label's score for every row of the table, in template order."""
        got = self._scores.get(label)
        if got is None:
            got = tuple(label_score(r, label, self.settings) for r in self.rows)
            if len(self._scores) < _REMEMBER:
                self._scores[label] = got
        return list(got)

    def complete(self, label: str) -> bool:
        """Whether a label is a whole row label of the template by itself."""
        got = self._complete.get(label)
        if got is None:
            t = normalise_label(label)
            got = len(t) >= 2 and any(fuzz.ratio(t, leaf) >= self.settings.complete_label_ratio for leaf in self.leaves)
            if len(self._complete) < _REMEMBER:
                self._complete[label] = got
        return got

    def header(self, label: str) -> bool:
        """Whether a label is a column or group heading, never part of a row label."""
        t = normalise_label(label)
        if not t:
            return False
        if unbracketed(t) in self.headings:
            return True
        # several headings on one line ("商业企业 科研机构 社会公益组织 法律服务机构 其他")
        parts = [unbracketed(normalise_label(x)) for x in fold(label).split()]
        return len(parts) >= 2 and all(x in self.headings or x in self.all_headings for x in parts if x)

    def among_headings(self, label: str) -> bool:
        """Whether a label is a heading when printed among other headings (总计, 其他: row labels too)."""
        return unbracketed(normalise_label(label)) in self.all_headings

    def best(self, label: str, after: int) -> tuple[int, float]:
        """The template row (index > ``after``) a label fits best, and how well; rows come in template
        order, so a row far below the last one placed needs a clearly better label."""
        if not normalise_label(label):
            return after, 0.0
        every = self.scores(label)
        cost = self.settings.row_skip_cost
        scored = [(every[j] - cost * (j - after - 1), -j) for j in range(after + 1, len(self.rows))]
        if not scored:
            return after, 0.0
        sc, j = max(scored)  # on a tie, the earliest row
        return -j, max(sc, 0.0)

    def starts(self, label: str) -> bool:
        """Whether a label reads like the beginning of a row label ("其他对外管" of 其他对外管理服务事项)."""
        got = self._starts.get(label)
        if got is None:
            t = normalise_label(label)
            got = len(t) >= 3 and any(len(leaf) > len(t) and fuzz.ratio(t, leaf[:len(t)]) >= self.settings.start_label_ratio
                                      for leaf in self.leaves)
            if len(self._starts) < _REMEMBER:
                self._starts[label] = got
        return got

    def printed(self, text: str) -> bool:
        """Whether most of the table's row labels are printed in ``text`` (a table whose cells are all empty)."""
        t = normalise_label(text)
        if not t:
            return False
        found = sum(1 for r in self.rows if any(leaf in t for leaf in leaf_labels(r) if len(leaf) >= 2))
        return found >= max(2, len(self.rows) * self.settings.labels_printed_share)


_MADE: dict[tuple, Labels] = {}
_REMEMBER = 4096  # labels whose scores one Labels remembers (bounded memory)


def labels_for(table: Table, version: str, settings: TableSettings = SETTINGS) -> Labels:
    """The :class:`Labels` of a table in one template version, made once per process (nothing in it
    changes after it is made)."""
    key = (table.id, version, settings)
    got = _MADE.get(key)
    if got is None or got.table is not table:
        got = _MADE[key] = Labels(table, version, settings)
    return got
