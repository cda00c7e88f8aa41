"""What parsing a report produces: plain records, ready to store."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

#: How a cell was read:
#: ``number`` a figure was printed (0 included); ``blank`` nothing was printed;
#: ``na`` a mark such as "/", "—" or "无" was printed (kept as printed, never 0);
#: ``inferred`` the printed row lost this cell and the 勾稽关系 determine it;
#: ``uncertain`` something was printed but could not be placed reliably (no value stored);
#: ``missing`` the table was not found in the report.
CellStatus = Literal["number", "blank", "na", "inferred", "uncertain", "missing"]


@dataclass
class CellRecord:
    key: str
    value: float | int | None
    raw: str | None  # what was printed in the cell
    status: CellStatus
    page: int | None = None
    line: int | None = None
    row_text: str | None = None  # the table row as printed


@dataclass
class Passage:
    seq: int
    section: str  # e.g. "一、总体情况 > （二）依申请公开"
    text: str
    page: int | None = None
    line: int | None = None


@dataclass
class Problem:
    """A finding of the audit (``store.audit``): the rule it breaks, what is wrong, and where.

    ``scope`` is ``report`` for what the agency printed, ``extraction`` for what concerns our copy
    or our reading of it; ``line``/``page``, ``section`` and ``evidence`` (the passage as printed)
    show it.  The rules, their severity and scope are data: ``store.template.audit_rules``.
    """

    rule: str
    message: str  # in Chinese
    keys: list[str] = field(default_factory=list)
    severity: Literal["error", "warning", "note", "info"] = "error"
    scope: Literal["report", "extraction"] = "report"
    section: str | None = None
    page: int | None = None
    line: int | None = None
    evidence: str | None = None


@dataclass
class ReportMeta:
    agency: str | None = None  # full name as printed
    short_name: str | None = None
    district: str | None = None
    city: str | None = None
    province: str | None = None
    year: int | None = None
    template: str | None = None  # "2019" | "2021"
    title: str | None = None
    report_date: str | None = None  # ISO date
    source_url: str | None = None
    agency_note: str | None = None  # why no agency could be read (e.g. the report says only 我局)


@dataclass
class TableCoverage:
    """How much of a standard table was found: template rows matched with a printed row, of the rows
    the template has; ``cut`` when the document ends inside the table (an excerpt cut off)."""

    table: str  # active | apply | review
    expected: int
    matched: int
    cut: bool = False

    @property
    def partial(self) -> bool:
        return 0 < self.matched < self.expected


@dataclass
class ParsedReport:
    meta: ReportMeta
    cells: dict[str, CellRecord]
    passages: list[Passage]
    problems: list[Problem]
    format: str = "text"
    pages: int | None = None
    facts: list["Fact"] = field(default_factory=list)  # figures the narrative states
    coverage: list[TableCoverage] = field(default_factory=list)
    traces: list = field(default_factory=list)  # table traces, when parsed with ``explain=True``

    def value(self, key: str):
        c = self.cells.get(key)
        return None if c is None else c.value


@dataclass
class Fact:
    """A figure the narrative states ("主动公开政府信息217条"), with what it counts and where it is.

    ``subject`` is what the figure counts as the clause prints it before the figure (or after it when
    nothing stands before: "其中9件为网上申请" -> 网上申请); ``tail`` the words that follow the figure in
    its clause; ``topic`` the sentence's first clause when that is not the figure's own ("“元在西关”微信
    公众号也充分发挥作用" for "全年共推送信息240条").  ``shared``: one figure of a printed list that could not
    be paired with the things listed (never an answer on its own).  ``negated``: a sentence that says it
    did not happen ("未收到政府信息公开申请" -> 0).  ``change``: -1/+1 where the figure is a decrease or an
    increase ("比2019年减少3项").
    """

    subject: str
    value: float | int
    unit: str  # as printed after the figure: 条, 件, 万条, "" when none
    raw: str  # the figure as printed: "6750余条", "两场", "未收到"
    approx: str = ""  # 余, 约, 近, 超过 … when the figure is approximate
    tail: str = ""
    topic: str = ""
    sentence: str = ""  # quoted as the source
    section: str = ""
    page: int | None = None
    line: int | None = None
    seq: int = 0  # the passage it was read from
    shared: bool = False
    negated: bool = False
    change: int = 0


#: The fields of a fact, as the store keeps them (table ``facts``, one column each).
FACT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Fact))
