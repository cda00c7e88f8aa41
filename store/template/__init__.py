"""The annual-report template, as data.

Every agency's 政府信息公开工作年度报告 follows a format fixed by the State Council:
six sections and three standard tables.  Two versions are in use:

* ``"2019"`` – reports for 2020 and earlier (国办公开办函〔2019〕60号);
* ``"2021"`` – reports for 2021 on (国办公开办函〔2021〕30号).

This module is the one place that spells out the template: sections, tables,
rows, columns, the Chinese labels as printed, label variants seen in the wild,
the stable key of every cell, units, the synonyms people use in questions,
derived figures and the narrative sentences that restate table figures (the language of
every other stated figure is in ``store.template.facts``).
Every other module reads it from here.

Cell keys:

* section 三 (applications): ``apply.<row>.<col>``, e.g. ``apply.new.total``;
* section 四 (review and suits): ``review.<col>``, ``suit.direct.<col>``,
  ``suit.after_review.<col>``;
* section 二 (proactive disclosure): ``active.<row>.<col>``.

The template is a package so that each kind of data has a file of its own; all of it is
read from ``store.template`` (and its submodules) and nowhere else is it spelled out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

VERSIONS = ("2019", "2021")


def version_for_year(year: int | None) -> str:
    """The template a report for ``year`` follows (2020 and earlier: 2019 format)."""
    if year is not None and year <= 2020:
        return "2019"
    return "2021"


# --------------------------------------------------------------------------- sections

@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    title: str
    variants: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section("一", "总体情况", ("工作总体情况", "基本情况", "概述")),
    Section("二", "主动公开政府信息情况", ("主动公开情况",)),
    Section("三", "收到和处理政府信息公开申请情况", ("依申请公开情况", "收到和处理政府信息公开申请")),
    Section(
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        (
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "政府信息公开行政复议、行政诉讼",
            "行政复议、行政诉讼情况",
        ),
    ),
    Section(
        "五",
        "存在的主要问题及改进情况",
        (
            "政府信息公开工作存在的主要问题及改进情况",
            "政府信息公开工作存在的问题及改进情况",
            "存在的主要问题和改进措施",
            "存在的问题及改进措施",
            "存在的主要问题及改进措施",
        ),
    ),
    Section("六", "其他需要报告的事项", ("其他需要报告事项", "其他事项")),
)

# --------------------------------------------------------------------------- columns

@dataclass(frozen=True)
class Column:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()  # words people use in questions


APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural", "自然人", (), ("自然人", "个人", "群众", "公民", "市民", "居民", "老百姓")),
    Column("business", "商业企业", ("商业 企业",), ("商业企业", "企业", "公司", "商业")),
    Column("research", "科研机构", (), ("科研机构", "科研", "高校", "大学", "研究机构", "学校")),
    Column("nonprofit", "社会公益组织", (), ("社会公益组织", "社会组织", "公益组织", "公益", "社团")),
    Column("legal", "法律服务机构", (), ("法律服务机构", "律师", "律所", "律师事务所", "法律服务")),
    Column("other_org", "其他", ("其他组织",), ("其他组织", "其他法人")),
    Column("total", "总计", ("合计",), ("总计", "合计", "一共", "总共", "总数")),
)
APPLICANT_GROUP_LABEL = "法人或其他组织"

RESULT_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", ("维持",), ("维持", "结果维持", "胜诉", "赢了", "赢")),
    Column("corrected", "结果纠正", ("纠正",), ("纠正", "结果纠正", "败诉", "纠错", "撤销", "输了", "输")),
    Column("other", "其他结果", (), ("其他结果",)),
    Column("pending", "尚未审结", ("未审结",), ("尚未审结", "未审结", "审理中", "未结", "没审结", "还没审结", "在审")),
    Column("total", "总计", ("合计",), ("总计", "合计", "总数", "一共", "多少起", "几起")),
)

# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    """One row of a standard table.

    ``label`` is the row's own label as printed (the leaf, with its numbering);
    ``group`` the merged label it sits under (e.g. （三）不予公开).
    """

    key: str
    label: str
    group: str = ""
    variants: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    versions: tuple[str, ...] = VERSIONS

    @property
    def full_label(self) -> str:
        return f"{self.group} {self.label}".strip()


@dataclass(frozen=True)
class Table:
    id: str  # active | apply | review
    section: str  # 二 / 三 / 四
    title: str
    rows: tuple[Row, ...]
    anchor: str = ""  # a regex for a line that starts the table when its section heading is missing

    def rows_for(self, version: str) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if version in r.versions)


#: What people call the columns of section 二 in questions.
ACTIVE_COLUMN_SYNONYMS = {
    "issued": ("制发", "新制发", "本年制发", "发布"),
    "repealed": ("废止",),
    "in_force": ("现行有效", "有效"),
    "made": ("新制作", "制作"),
    "published": ("新公开",),
    "public_total": ("对外公开总数", "公开总数"),
    "prev_items": ("上一年项目", "上年项目"),
    "change": ("增减", "增/减", "增加", "减少"),
    "decisions": ("处理决定", "决定数量", "决定"),
    "amount": ("金额", "收费金额", "采购金额", "多少钱", "万元"),
    "items": ("项目数量", "采购项目"),
}

#: The column a question about a section 二 row means when it names none.
ACTIVE_DEFAULT_COLUMN = {
    "2021": {"rules": "issued", "normative": "issued", "license": "decisions", "punishment": "decisions",
             "coercion": "decisions", "fees": "amount"},
    "2019": {"rules": "made", "normative": "made", "license": "decisions", "other_services": "decisions",
             "punishment": "decisions", "coercion": "decisions", "fees": "prev_items", "procurement": "items"},
}


def _c(key: str, label: str, *variants: str) -> Column:
    return Column(key, label, variants, ACTIVE_COLUMN_SYNONYMS.get(key, ()))


# Section 二: each row has its own columns, and they differ between versions.
_RULE_COLS_2019 = (_c("made", "本年新制作数量", "本年新制作"), _c("published", "本年新公开数量", "本年新公开"),
                   _c("public_total", "对外公开总数量", "对外公开总数"))
_RULE_COLS_2021 = (_c("issued", "本年制发件数", "本年制发"), _c("repealed", "本年废止件数", "本年废止"),
                   _c("in_force", "现行有效件数", "现行有效"))
_ITEM_COLS_2019 = (_c("prev_items", "上一年项目数量"), _c("change", "本年增/减", "本年增减", "本年增/减少"),
                   _c("decisions", "处理决定数量", "本年处理决定数量"))
_DECISION_COLS_2021 = (_c("decisions", "本年处理决定数量", "处理决定数量"),)

#: Headings printed above the figures that are no row's label.
TABLE_HEADINGS = ("信息内容", "申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")

ACTIVE = Table(
    "active",
    "二",
    "主动公开政府信息情况",
    (
        Row("rules.2019", "规章", "第二十条第（一）项", (), ("规章",), _RULE_COLS_2019, ("2019",)),
        Row("normative.2019", "规范性文件", "第二十条第（一）项", ("行政规范性文件",),
            ("规范性文件", "行政规范性文件"), _RULE_COLS_2019, ("2019",)),
        Row("rules", "规章", "第二十条第（一）项", (), ("规章",), _RULE_COLS_2021, ("2021",)),
        Row("normative", "行政规范性文件", "第二十条第（一）项", ("规范性文件",),
            ("规范性文件", "行政规范性文件"), _RULE_COLS_2021, ("2021",)),
        Row("license.2019", "行政许可", "第二十条第（五）项", (), ("行政许可", "许可"), _ITEM_COLS_2019, ("2019",)),
        Row("other_services", "其他对外管理服务事项", "第二十条第（五）项", ("其他对外管理服务",),
            ("其他对外管理服务事项", "对外管理服务"), _ITEM_COLS_2019, ("2019",)),
        Row("license", "行政许可", "第二十条第（五）项", (), ("行政许可", "许可"), _DECISION_COLS_2021, ("2021",)),
        Row("punishment.2019", "行政处罚", "第二十条第（六）项", (), ("行政处罚", "处罚"), _ITEM_COLS_2019, ("2019",)),
        Row("coercion.2019", "行政强制", "第二十条第（六）项", (), ("行政强制", "强制"), _ITEM_COLS_2019, ("2019",)),
        Row("punishment", "行政处罚", "第二十条第（六）项", (), ("行政处罚", "处罚"), _DECISION_COLS_2021, ("2021",)),
        Row("coercion", "行政强制", "第二十条第（六）项", (), ("行政强制", "强制"), _DECISION_COLS_2021, ("2021",)),
        Row("fees.2019", "行政事业性收费", "第二十条第（八）项", (), ("行政事业性收费", "收费"),
            (_c("prev_items", "上一年项目数量"), _c("change", "本年增/减", "本年增减")), ("2019",)),
        Row("fees", "行政事业性收费", "第二十条第（八）项", (), ("行政事业性收费", "收费", "收费金额"),
            (_c("amount", "本年收费金额（单位：万元）", "本年收费金额", "收费金额"),), ("2021",)),
        Row("procurement", "政府集中采购", "第二十条第（九）项", ("集中采购",), ("政府集中采购", "集中采购", "采购"),
            (_c("items", "采购项目数量", "采购项目"), _c("amount", "采购总金额", "采购金额")), ("2019",)),
    ),
    anchor=r"第二十条(?:第[(（]|$)",  # matched on folded text; a wrapped 第二十条 / 第（一）项 too
)


def _apply_rows() -> tuple[Row, ...]:
    g3, g4, g5, g6 = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"
    cols = APPLICANT_COLUMNS
    R = lambda key, label, group="", variants=(), synonyms=(), versions=VERSIONS: Row(  # noqa: E731
        key, label, group, variants, synonyms, cols, versions)
    return (
        R("new", "一、本年新收政府信息公开申请数量", "", ("本年新收政府信息公开申请数量", "本年新收"),
          ("新收", "收到", "受理", "接到", "接收", "收到申请", "新收申请", "申请数量", "申请数", "多少申请", "几件申请")),
        R("carried", "二、上年结转政府信息公开申请数量", "", ("上年结转政府信息公开申请数量", "上年结转"),
          ("上年结转", "去年结转", "上年度结转")),
        R("granted", "（一）予以公开", "三、本年度办理结果", ("予以公开",), ("予以公开", "公开了", "全部公开", "同意公开")),
        R("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三、本年度办理结果",
          ("部分公开", "（二）部分公开"), ("部分公开",)),
        R("denied.state_secret", "1.属于国家秘密", g3, ("属于国家秘密",), ("国家秘密",)),
        R("denied.prohibited", "2.其他法律行政法规禁止公开", g3, ("其他法律行政法规禁止公开",),
          ("法律行政法规禁止公开", "法律法规禁止", "禁止公开")),
        R("denied.safety_stability", "3.危及“三安全一稳定”", g3, ('危及"三安全一稳定"', "危及三安全一稳定"),
          ("三安全一稳定", "危及安全", "危及稳定")),
        R("denied.third_party", "4.保护第三方合法权益", g3, ("保护第三方合法权益",), ("第三方合法权益", "第三方", "保护第三方")),
        R("denied.internal", "5.属于三类内部事务信息", g3, ("属于三类内部事务信息",), ("内部事务", "三类内部事务")),
        R("denied.process", "6.属于四类过程性信息", g3, ("属于四类过程性信息",), ("过程性信息", "四类过程性")),
        R("denied.enforcement_file", "7.属于行政执法案卷", g3, ("属于行政执法案卷",), ("行政执法案卷", "执法案卷")),
        R("denied.inquiry", "8.属于行政查询事项", g3, ("属于行政查询事项",), ("行政查询事项", "查询事项")),
        R("unable.not_held", "1.本机关不掌握相关政府信息", g4, ("本机关不掌握相关政府信息",),
          ("不掌握", "本机关不掌握", "不掌握相关政府信息", "信息不存在", "不存在")),
        R("unable.need_create", "2.没有现成信息需要另行制作", g4, ("没有现成信息需要另行制作",),
          ("没有现成信息", "另行制作", "需要另行制作")),
        R("unable.unclear", "3.补正后申请内容仍不明确", g4, ("补正后申请内容仍不明确",), ("内容不明确", "仍不明确", "补正后")),
        R("rejected.complaint", "1.信访举报投诉类申请", g5, ("信访举报投诉类申请",), ("信访", "举报", "投诉")),
        R("rejected.repeat", "2.重复申请", g5, ("重复申请",), ("重复申请", "重复")),
        R("rejected.publication", "3.要求提供公开出版物", g5, ("要求提供公开出版物",), ("公开出版物", "出版物")),
        R("rejected.excessive", "4.无正当理由大量反复申请", g5, ("无正当理由大量反复申请",), ("大量反复申请", "反复申请")),
        R("rejected.reconfirm", "5.要求行政机关确认或重新出具已获取信息", g5,
          ("要求行政机关确认或重新出具已获取信息",), ("重新出具", "确认或重新出具")),
        R("other", "（六）其他处理", "", ("其他处理",), ("其他处理",), ("2019",)),
        R("other.overdue_supplement", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", g6,
          ("申请人无正当理由逾期不补正", "逾期不补正"), ("逾期不补正", "不补正"), ("2021",)),
        R("other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", g6,
          ("申请人逾期未按收费通知要求缴纳费用", "逾期未按收费通知要求缴纳费用"), ("未缴纳费用", "逾期未缴费", "缴纳费用"), ("2021",)),
        R("other.other", "3.其他", g6, ("其他",), (), ("2021",)),
        R("total", "（七）总计", "", ("总计",), ("办结", "办理完结", "答复了", "处理完", "办理了", "已办结", "办理结果总计",
                                                "处理了")),
        R("carry_forward", "四、结转下年度继续办理", "", ("结转下年度继续办理", "结转下年度"),
          ("结转下年度", "结转下年", "继续办理", "结转到下年", "结转到下一年", "转入下年", "结转至下年", "结转",
           "没有办完", "没办完", "未办完", "尚未办结", "未办结", "还在办理", "正在办理")),
    )


APPLY = Table("apply", "三", "收到和处理政府信息公开申请情况", _apply_rows(),
              anchor=r"申请人情况|本年新收政府信息公开申请")

REVIEW = Table(
    "review",
    "四",
    "政府信息公开行政复议、行政诉讼情况",
    (
        Row("review", "行政复议", "", (), ("行政复议", "复议"), RESULT_COLUMNS),
        Row("suit.direct", "未经复议直接起诉", "行政诉讼", ("直接起诉",), ("直接起诉", "未经复议"), RESULT_COLUMNS),
        Row("suit.after_review", "复议后起诉", "行政诉讼", (), ("复议后起诉",), RESULT_COLUMNS),
    ),
    anchor=r"^\s*行政复议\s*$|行政复议\s+行政诉讼|^行政复议\t",
)

TABLES: tuple[Table, ...] = (ACTIVE, APPLY, REVIEW)
TABLES_BY_ID = {t.id: t for t in TABLES}


def table_of(key: str) -> Table:
    """The table a cell key belongs to (``suit.direct.total`` -> section 四)."""
    head = key.split(".", 1)[0]
    return TABLES_BY_ID.get(head) or REVIEW

# --------------------------------------------------------------------------- keys

_VERSION_SUFFIX = re.compile(r"\.(2019|2021)$")


def row_key(row: Row) -> str:
    """The key prefix of a row without the version marker (``license.2019`` -> ``license``)."""
    return _VERSION_SUFFIX.sub("", row.key)


def cell_key(table: Table, row: Row, column: Column) -> str:
    rk = row_key(row)
    if table.id == "review":
        return f"{rk}.{column.key}"
    return f"{table.id}.{rk}.{column.key}"


@dataclass(frozen=True)
class CellSpec:
    """Everything the template says about one cell."""

    key: str
    table: str
    row: Row
    column: Column
    version: str

    @property
    def unit(self) -> str:
        if self.column.key == "amount":
            return "万元"
        if self.column.key in ("prev_items", "change", "items"):
            return "项"
        return "件"

    @property
    def label(self) -> str:
        """A human label: row and column as the template names them."""
        row = self.row
        table = TABLES_BY_ID[self.table]
        if self.table == "apply":
            if self.column.key == "total":
                return row.full_label if row.key == "total" else f"{row.full_label}（合计）"
            return f"{row.full_label}（申请人：{self.column.label}）"
        if self.table == "review":
            grp = f"{row.group}·{row.label}" if row.group else row.label
            return f"{grp}：{self.column.label}"
        return f"{row.label}：{self.column.label}" if table else row.label


@lru_cache(maxsize=None)
def cells(version: str) -> tuple[CellSpec, ...]:
    """Every cell of the template ``version``, in the order the report prints them."""
    out = []
    for table in TABLES:
        for row in table.rows_for(version):
            for col in row.columns:
                out.append(CellSpec(cell_key(table, row, col), table.id, row, col, version))
    return tuple(out)


@lru_cache(maxsize=8192)
def cell_spec(key: str, version: str | None = None) -> CellSpec | None:
    for v in ((version,) if version else ("2021", "2019")):
        for spec in cells(v):
            if spec.key == key:
                return spec
    return None


@lru_cache(maxsize=None)
def all_keys() -> frozenset[str]:
    return frozenset(s.key for v in VERSIONS for s in cells(v))


@lru_cache(maxsize=None)
def version_marks(version: str) -> tuple[str, ...]:
    """Printed labels (folded) that only template ``version`` has: 本年新制作数量 (2019),
    本年制发件数 or 逾期不补正 (2021).  A label that also occurs inside the other version's labels
    (处理决定数量 in 本年处理决定数量) is no mark."""

    def labels(v: str) -> set[str]:
        out = set()
        for row in ACTIVE.rows_for(v) + APPLY.rows_for(v):
            out.update(normalise_label(x) for x in (row.label, row.group, *row.variants) if x)
            for col in row.columns if row in ACTIVE.rows else ():
                out.update(normalise_label(x) for x in (col.label, *col.variants))
        return out

    mine = labels(version)
    theirs = set().union(*(labels(v) for v in VERSIONS if v != version))
    return tuple(sorted(m for m in mine if len(re.sub(r"^\d+[.．、]", "", m)) >= 4
                        and not any(m in t for t in theirs)))


# --------------------------------------------------------------------------- values

#: Printed marks that mean "not applicable / none" and are kept as printed, never turned into 0.
NOT_APPLICABLE_MARKS = ("/", "／", "—", "——", "-", "－", "–", "无", "暂无", "不适用", "\\", "×", "*")

# --------------------------------------------------------------------------- checks (勾稽关系)

APPLY_RESULT_ROWS = tuple(r.key for r in APPLY.rows if r.group.startswith(("三", "（三）", "（四）", "（五）", "（六）"))
                          or r.key in ("granted", "partial", "other"))
APPLICANT_PARTS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")
RESULT_PARTS = tuple(c.key for c in RESULT_COLUMNS if c.key != "total")
REVIEW_GROUPS = tuple(row_key(r) for r in REVIEW.rows)

# --------------------------------------------------------------------------- derived figures

@dataclass(frozen=True)
class Derived:
    """A figure computed from cells: a sum over rows (per column) or a ratio."""

    key: str  # a sum: "<prefix>.<col>" with the column left open ("apply.denied"); a ratio: "derived.<name>"
    label: str
    formula: str  # shown to the user
    synonyms: tuple[str, ...]
    parts: tuple[str, ...] = ()  # sums: row prefixes whose cells (same column) are added
    unit: str = "件"
    versions: tuple[str, ...] = VERSIONS


DERIVED_SUMS: tuple[Derived, ...] = (
    Derived("apply.denied", "（三）不予公开（八项合计）", "不予公开 = 第1至8项之和", ("不予公开", "不公开"),
            tuple(f"apply.{r.key}" for r in APPLY.rows if r.key.startswith("denied."))),
    Derived("apply.unable", "（四）无法提供（三项合计）", "无法提供 = 第1至3项之和", ("无法提供",),
            tuple(f"apply.{r.key}" for r in APPLY.rows if r.key.startswith("unable."))),
    Derived("apply.rejected", "（五）不予处理（五项合计）", "不予处理 = 第1至5项之和", ("不予处理",),
            tuple(f"apply.{r.key}" for r in APPLY.rows if r.key.startswith("rejected."))),
    Derived("apply.other", "（六）其他处理（三项合计）", "其他处理 = 第1至3项之和", ("其他处理",),
            tuple(f"apply.{r.key}" for r in APPLY.rows if r.key.startswith("other.")), versions=("2021",)),
    Derived("suit.all", "行政诉讼（未经复议直接起诉 + 复议后起诉）", "行政诉讼 = 未经复议直接起诉 + 复议后起诉",
            ("行政诉讼", "被起诉", "被告", "诉讼", "起诉", "官司", "打官司"), ("suit.direct", "suit.after_review"), "起"),
)

DERIVED_RATIOS: tuple[Derived, ...] = (
    Derived("derived.open_rate", "公开率", "公开率 = （予以公开 + 部分公开）÷ 办结（（七）总计）",
            ("公开率", "公开比例", "公开的比例", "公开占比", "公开的占比", "予以公开率"),
            ("apply.granted.total", "apply.partial.total", "apply.total.total"), "%"),
    Derived("derived.review_correction_rate", "行政复议纠错率", "复议纠错率 = 行政复议结果纠正 ÷ 行政复议总计",
            ("复议纠错率", "纠错率", "纠正率"), ("review.corrected", "review.total"), "%"),
)

#: The headline figures of a report, as short names for digests: (name, unit, cell keys added up).
HEADLINE_FIGURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("收到申请", "件", ("apply.new.total",)),
    ("办结", "件", ("apply.total.total",)),
    ("予以公开", "件", ("apply.granted.total",)),
    ("行政复议", "件", ("review.total",)),
    ("行政诉讼", "起", ("suit.direct.total", "suit.after_review.total")),
)

# --------------------------------------------------------------------------- narrative

@dataclass(frozen=True)
class NarrativeFigure:
    """A sentence pattern in the narrative that restates a table figure."""

    key: str  # the cell (or derived figure) it restates
    patterns: tuple[str, ...]  # regexes; group "n" is the figure, a pattern without it means 0


NARRATIVE_FIGURES: tuple[NarrativeFigure, ...] = (
    NarrativeFigure(
        "apply.new.total",
        (
            r"(?:共|全年|本年度?|累计)?(?:收到|受理|接到|接收)(?:各类)?(?:政府信息公开|依申请公开|信息公开)?"
            r"(?:政府信息)?(?:公开)?申请(?:共计|共|合计)?(?P<n>\d+)(?:件|次|个|条|份|宗)",
            r"(?:收到|受理)依申请公开(?:政府信息)?(?:申请)?(?P<n>\d+)(?:件|次|个|条)",
            r"(?:未|没有)(?:收到|受理|接到)(?:任何)?(?:有关)?(?:政府信息公开|依申请公开)(?:的)?申请",
        ),
    ),
    NarrativeFigure(
        "review.total",
        (
            r"(?:被申请|申请)?行政复议(?P<n>\d+)(?:起|件|次|宗)",
            r"(?:未|没有)(?:被申请|发生)(?:政府信息公开)?行政复议",
        ),
    ),
    NarrativeFigure(
        "suit.all.total",
        (
            r"(?:被提起|提起)?行政诉讼(?P<n>\d+)(?:起|件|次|宗)",
            r"无行政诉讼(?:案件)?",
        ),
    ),
)

#: Every other figure the narrative states (主动公开信息N条, 政务微信N条, 新闻发布会N场 …) is read as a fact:
#: the words for that are in :mod:`store.template.facts`.

# --------------------------------------------------------------------------- text helpers

_NORMALISE_DROP = re.compile(r"[\s\u3000\u00a0·•\"“”'‘’「」『』《》<>]+")
_UNDERLINE_TAG = re.compile(r"</?u>")


def normalise_label(text: str) -> str:
    """Fold a printed label for fuzzy matching: NFKC, no spaces, quotes or markup."""
    t = unicodedata.normalize("NFKC", text)
    t = _UNDERLINE_TAG.sub("", t)
    return _NORMALISE_DROP.sub("", t)


def leaf_labels(row: Row) -> tuple[str, ...]:
    """The normalised labels a printed row may carry (its own label and variants)."""
    return tuple(dict.fromkeys(normalise_label(x) for x in (row.label, *row.variants)))
