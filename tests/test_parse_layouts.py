"""Property tests: random figures rendered into every layout the samples show parse back exactly.

Figures are consistent (every 勾稽关系 holds) or arbitrary; cells may be blank or carry "/" and
"—" marks (kept as ``na``, never 0).  A row that lost a printed cell must come back with the
lost figure inferred correctly or flagged ``uncertain`` — never a wrong number.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from store.parse import parse_document
from store.readers import read_bytes
from store.template import cells as template_cells
from synth import (LAYOUTS, MARKS, TEXT_LAYOUTS, arbitrary_figures, consistent_figures, expected, render,
                   template_keys)

# Deterministic by default so that the suite never fails by chance for someone else's change;
# PARSE_FUZZ=1 explores new examples on every run (and PARSE_FUZZ_EXAMPLES=N runs more of them).
FUZZ = os.environ.get("PARSE_FUZZ") == "1"
SCALE = int(os.environ.get("PARSE_FUZZ_EXAMPLES", "0") or 0)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=not FUZZ)


def examples(n: int) -> int:
    return SCALE or n

#: Layouts in which a blank cell is visible as such (an empty grid cell, a line holding only a tab).
BLANK_VISIBLE = ("cells", "fullwidth", "wrapped", "spaced", "html")
#: Layouts in which extraction may drop a printed cell without a trace.  Not pipe tables: a pipe delimits
#: every cell, and the markdown reader puts a short row back on the table's grid (converters drop merged
#: cells), so a row that lost a cell there is a case the reader decides, not the table parser.
LOSSY = tuple(x for x in LAYOUTS if x not in ("pipes", "pipecells"))


def parse(text: str, layout: str):
    name = "r.html" if layout == "html" else "r.txt"
    return parse_document(read_bytes(text.encode("utf-8"), name))


def row_keys(version: str) -> list[list[str]]:
    rows: dict[str, list[str]] = {}
    for spec in template_cells(version):
        group = spec.key.rsplit(".", 1)[0] if spec.table != "review" else "review"
        rows.setdefault(group, []).append(spec.key)
    return list(rows.values())


def place_blanks(figures: dict, version: str, layout: str, rnd, rate: float) -> dict:
    """Blank some cells where the layout can show a blank."""
    if layout in ("spaces", "single", "pdftext", "pipecells") or rate <= 0:
        return figures  # (a pipe table broken after every cell: the markdown reader takes a lone "|" for spacing)
    f = dict(figures)
    for keys in row_keys(version):
        for i, k in enumerate(keys):
            if layout in ("tabs", "pipes") and (i == 0 or i == len(keys) - 1):
                continue  # a tab-separated row cannot show a blank at its edges
            if layout in ("tabs", "pipes") and keys[0].startswith(("review", "suit")):
                continue  # section 四 prints all fifteen figures in one row
            if rnd.random() < rate:
                f[k] = None
    return f


def mismatches(report, figures, version):
    want = expected(figures, version)
    got = {k: (c.status, c.value, c.raw if c.status != "blank" else None) for k, c in report.cells.items()}
    return {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}


def never_wrong(report, printed: dict, version: str, truth: dict | None = None, lost=frozenset()) -> dict:
    """Cells whose stored value contradicts the report, a printed mark turned into a number, or a
    false blank: ``blank`` where the report prints a figure or a mark (the bot would say 报告未填写).

    ``printed`` is what the report prints (None blank, a mark, a figure); ``truth`` the figures
    before cells were blanked or marked, which is what the 勾稽关系 imply for an inferred cell.
    """
    truth = truth or printed
    bad = {}
    for k in template_keys(version):
        p, c = printed.get(k, 0), report.cells[k]
        if c.status == "number" and (isinstance(p, str) or p is None or c.value != p or c.raw is None):
            bad[k] = (p, c.status, c.value, c.raw)
        elif c.status == "inferred" and c.value != truth.get(k):
            if not (truth.get(k) is None and c.value == 0):
                bad[k] = (p, truth.get(k), c.status, c.value, c.raw)
        elif c.status in ("blank", "na", "uncertain", "missing") and c.value is not None:
            bad[k] = (p, c.status, c.value, c.raw)
        elif c.status == "blank" and p is not None:
            bad[k] = (p, "false blank", c.value, c.raw)
        if isinstance(p, str) and c.status not in ("na", "uncertain", "inferred") and k not in lost:
            bad[k] = (p, c.status, c.value, c.raw)
        if c.status == "na" and c.raw != p:
            bad[k] = (p, c.status, c.value, c.raw)
    return bad


@settings(max_examples=examples(60), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(LAYOUTS), rnd=st.randoms(),
       marks=st.floats(0, 0.15), blanks=st.floats(0, 0.15))
def test_consistent_figures_round_trip(version, layout, rnd, marks, blanks):
    figures = consistent_figures(rnd, version, density=rnd.choice([0.1, 0.3, 0.8]))
    for k in list(figures):
        if rnd.random() < marks:
            figures[k] = rnd.choice(MARKS)
    figures = place_blanks(figures, version, layout, rnd, blanks)
    report = parse(render(figures, version, layout), layout)
    assert report.meta.template == version
    assert not mismatches(report, figures, version)


@settings(max_examples=examples(60), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(LAYOUTS), rnd=st.randoms(),
       blanks=st.floats(0, 0.15))
def test_arbitrary_figures_round_trip(version, layout, rnd, blanks):
    """Figures that break the 勾稽关系 are still read exactly (the checks report them)."""
    figures = place_blanks(arbitrary_figures(rnd, version, blank=0, mark=0.08), version, layout, rnd, blanks)
    report = parse(render(figures, version, layout), layout)
    assert not mismatches(report, figures, version)


@settings(max_examples=examples(50), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(TEXT_LAYOUTS), rnd=st.randoms(),
       page_break=st.sampled_from(["plain", "header"]))
def test_table_broken_by_a_page_break(version, layout, rnd, page_break):
    figures = consistent_figures(rnd, version)
    report = parse(render(figures, version, layout, page_break=page_break), layout)
    assert not mismatches(report, figures, version)


@settings(max_examples=examples(50), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(LOSSY), rnd=st.randoms(),
       consistent=st.booleans())
def test_a_row_that_lost_a_cell(version, layout, rnd, consistent):
    """The lost figure comes back inferred and right, or uncertain; nothing else changes."""
    figures = consistent_figures(rnd, version) if consistent else arbitrary_figures(rnd, version, blank=0)
    rows = [keys for keys in row_keys(version) if len(keys) > 1 and any(isinstance(figures[k], (int, float))
                                                                        for k in keys)]
    assume(rows)
    keys = rnd.choice(rows)
    lost = rnd.choice([k for k in keys if isinstance(figures[k], (int, float))])
    report = parse(render(figures, version, layout, lose=frozenset([lost])), layout)
    cell = report.cells[lost]
    assert cell.status in ("inferred", "uncertain"), cell
    if cell.status == "inferred":
        assert cell.value == figures[lost]
    else:
        assert cell.value is None
    assert any(p.rule == "table_layout" for p in report.problems)
    for k, (got, want) in mismatches(report, figures, version).items():
        if got[0] == "uncertain":
            assert got[1] is None
        else:
            assert got[0] == "inferred" and got[1] == want[1], (k, got, want)
    if consistent and cell.status == "inferred":
        assert not [p for p in report.problems if p.rule.startswith(("apply_", "review_"))]


@settings(max_examples=examples(60), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(LAYOUTS), rnd=st.randoms(),
       lost=st.integers(0, 3), garble=st.sampled_from([0.0, 0.3, 0.6]), consistent=st.booleans())
def test_never_a_wrong_number(version, layout, rnd, lost, garble, consistent):
    """Whatever the mess — blanks anywhere, marks, lost cells, garbled labels — no figure is wrong."""
    truth = consistent_figures(rnd, version) if consistent else arbitrary_figures(rnd, version)
    figures = dict(truth)
    for k in list(figures):
        if rnd.random() < 0.05:
            figures[k] = rnd.choice([None, *MARKS])
    keys = template_keys(version)
    lose = frozenset(rnd.sample(keys, lost)) if layout in LOSSY else frozenset()
    kw = {"garble": garble, "seed": rnd.randrange(1000)} if layout != "html" else {}
    report = parse(render(figures, version, layout, lose=lose, **kw), layout)
    assert not never_wrong(report, figures, version, truth, lose)


@settings(max_examples=examples(40), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(TEXT_LAYOUTS), rnd=st.randoms())
def test_garbled_labels_with_consistent_figures(version, layout, rnd):
    """Labels garbled by extraction are matched fuzzily or by position; figures come back exact, inferred
    and right (a figure read as part of a garbled label, "1|属于国家秘密", restored by two 勾稽关系), or
    uncertain."""
    figures = consistent_figures(rnd, version)
    report = parse(render(figures, version, layout, garble=0.3, seed=rnd.randrange(10_000)), layout)
    for k, (got, want) in mismatches(report, figures, version).items():
        assert (got[0] == "uncertain" and got[1] is None) or (got[0] == "inferred" and got[1] == want[1]), \
            (k, got, want)


def test_marks_are_never_zero():
    figures = consistent_figures(__import__("random").Random(1), "2021")
    for k in ("apply.new.natural", "active.rules.issued", "review.total"):
        figures[k] = "/"
    figures["apply.granted.business"] = "—"
    for layout in LAYOUTS:
        report = parse(render(figures, "2021", layout), layout)
        for k in ("apply.new.natural", "active.rules.issued", "review.total", "apply.granted.business"):
            c = report.cells[k]
            assert (c.status, c.value, c.raw) == ("na", None, figures[k]), (layout, k, c)


def test_zero_with_unit_and_thousands():
    """"0件"-style values and figures with separators."""
    figures = consistent_figures(__import__("random").Random(2), "2021")
    text = render(figures, "2021", "cells")
    text = text.replace("\t0\n", "\t0件\n", 5)
    figures["active.license.decisions"] = 12345
    text2 = render(figures, "2021", "cells").replace("\t12345\n", "\t12,345\n")
    r1, r2 = parse(text, "cells"), parse(text2, "cells")
    assert all(c.value == 0 for c in r1.cells.values() if c.raw == "0件")
    assert sum(1 for c in r1.cells.values() if c.raw == "0件") == 5
    assert r2.cells["active.license.decisions"].value == 12345


@settings(max_examples=examples(40), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(TEXT_LAYOUTS), rnd=st.randoms(),
       n=st.integers(1, 4), bare=st.booleans())
def test_page_numbers_inside_tables(version, layout, rnd, n, bare):
    """Page numbers ("- 3 -", "第3页 共8页", a form feed, a bare "3") dropped into the tables by extraction."""
    figures = consistent_figures(rnd, version)
    lines = render(figures, version, layout).split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("二、主动公开"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("五、"))
    junk = [f"- {rnd.randint(2, 9)} -", f"第{rnd.randint(2, 9)}页", f"第 {rnd.randint(2, 9)} 页 共 9 页", "\f",
            f"—{rnd.randint(2, 9)}—"]
    if bare:
        junk.append(str(rnd.randint(2, 9)))
    for _ in range(n):
        lines.insert(rnd.randrange(start + 1, end), rnd.choice(junk))
    report = parse("\n".join(lines), layout)
    assert not never_wrong(report, figures, version)
    if not bare and layout in ("tabs", "spaces", "single", "pdftext"):
        assert not mismatches(report, figures, version)


def test_template_follows_the_printed_table_not_the_year():
    """A 2020 report printed in the new format (or a late one in the old) is read by its labels."""
    import random

    for version, year in (("2021", 2020), ("2019", 2021)):
        figures = consistent_figures(random.Random(1), version)
        for layout in ("cells", "tabs", "html"):
            report = parse(render(figures, version, layout, year=year), layout)
            assert (report.meta.year, report.meta.template) == (year, version)
            assert not mismatches(report, figures, version)


def test_tables_found_without_their_section_headings():
    """Headings lost (or printed as images): the tables are found by their own labels."""
    import random

    titles = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
    for version in ("2019", "2021"):
        figures = consistent_figures(random.Random(5), version)
        for layout in LAYOUTS:
            text = render(figures, version, layout)
            for title in titles:
                text = text.replace(title + "\n", "").replace(f"<p>{title}</p>", "")
            assert not mismatches(parse(text, layout), figures, version), layout


# ---------------------------------------------------------------------------- real text layouts
# Small reports in the layouts real pages come in (corpora a and b of ../shared/realworld show each of
# them); the figures are made up, the layouts are not.

HEAD = "某某镇2020年政府信息公开工作年度报告\n\n一、总体情况\n\n本镇依法做好政府信息公开工作，全年主动公开信息120条。\n\n"


def parse_text(body: str, year: int = 2020):
    head = HEAD.replace("2020年", f"{year}年")
    return parse_document(read_bytes((head + body).encode("utf-8"), "r.txt"),
                          {"agency": "某某镇人民政府", "year": year}, explain=True)


def cells_of(report, *keys):
    return [(report.cells[k].status, report.cells[k].value) for k in keys]


def spaced(*cells: str) -> str:
    """One cell per line with an empty line after every cell."""
    return "".join(c + "\n\n" for c in cells)


ACTIVE_2019_HEAD = ("二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年新\n制作数量", "本年新\n公开数量",
                    "对外公开总数量")


def test_a_cell_per_line_with_an_empty_line_after_each():
    """Figures padded with spaces, an empty cell printed as a line of spaces, headings wrapped over two
    lines, labels with long explanations, a row the template does not have, and an excerpt cut off in
    section 三 with a row that shows six of its seven cells."""
    body = spaced(*ACTIVE_2019_HEAD,
                  "规章(设区的市、自治州人民政府应提供相关数据)", "  0", " ", " 3",
                  "规范性文件(行政机关制定发布的决定、公告、通告、意见、通知,以及标题采用“规定”“办法”等字样的公文,"
                  "一般情况下属于规范性文件)", " 34", "4", " 47",
                  "其他主动公开文件(含以本单位名义正式签发的、除规范性文件以外的主动公开文件)", " 9", "9", " 9",
                  "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
                  "行政许可", " 148", " ", " —",
                  "三、收到和处理政府信息公开申请情况", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
                  "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                  "其他", "一、本年新收政府信息公开申请数量", "2", " 0", "0", " 1", "0", " 0")
    r = parse_text(body.rstrip("\n"))
    assert cells_of(r, "active.rules.made", "active.rules.published", "active.rules.public_total") == \
        [("number", 0), ("blank", None), ("number", 3)]
    assert cells_of(r, "active.normative.made", "active.normative.published", "active.normative.public_total") == \
        [("number", 34), ("number", 4), ("number", 47)]
    assert cells_of(r, "active.license.prev_items", "active.license.change") == [("number", 148), ("blank", None)]
    assert (r.cells["active.license.decisions"].status, r.cells["active.license.decisions"].raw) == ("na", "—")
    assert not any(c.value == 9 for c in r.cells.values())  # 其他主动公开文件 is no row of the template
    # the excerpt ends inside 一、本年新收: the six cells it shows are its first six, the rest was not printed
    assert [r.cells[f"apply.new.{c}"].value for c in ("natural", "business", "research", "nonprofit", "legal",
                                                      "other_org")] == [2, 0, 0, 1, 0, 0]
    assert r.cells["apply.new.total"].status == "missing"
    assert {c.status for k, c in r.cells.items() if k.startswith("apply.") and not k.startswith("apply.new.")} \
        == {"missing"}
    assert not any(c.status == "blank" for k, c in r.cells.items() if k.startswith(("apply.", "review.", "suit.")))
    cov = {c.table: c for c in r.coverage}
    assert (cov["apply"].matched, cov["apply"].expected, cov["apply"].cut) == (1, 23, True)
    assert any(p.rule == "table_partial" and "表格不完整" in p.message for p in r.problems)


def test_group_headings_cut_short_and_a_row_with_no_label():
    """"第二十条第" for every group heading, and the first row printed with an empty label: its figures
    take the only place the template leaves between the heading and the next row."""
    body = spaced("二、主动公开政府信息情况", "第二十条第", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
                  "  ", "1", "0", "2", "行政规范性文件", "0", "0", "5", "第二十条第", "信息内容", "本年处理决定数量",
                  "行政许可", "124", "第二十条第", "信息内容", "本年处理决定数量", "行政处罚", "7", "行政强制", "0",
                  "三、收到和处理政府信息公开申请情况")
    r = parse_text(body, year=2025)
    assert cells_of(r, "active.rules.issued", "active.rules.repealed", "active.rules.in_force") == \
        [("number", 1), ("number", 0), ("number", 2)]
    assert cells_of(r, "active.normative.in_force", "active.license.decisions", "active.punishment.decisions",
                    "active.coercion.decisions") == [("number", 5), ("number", 124), ("number", 7), ("number", 0)]
    assert r.cells["active.fees.amount"].status == "missing"  # not printed: not found, never blank


def test_units_and_signs_inside_cells():
    body = ("二、主动公开政府信息情况\n第二十条第(五)项\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
            "行政许可 | 5 | 增15 | 20次 |\n其他对外管理服务事项 | 3 | +3 | 6 |\n第二十条第(六)项\n"
            "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n行政处罚 | 4 | 减4 | 0件 |\n行政强制 | 2 | -2 | — |\n"
            "第二十条第(八)项\n信息内容 | 上一年项目数量 | 本年增/减 |\n行政事业性收费 | - | / |\n"
            "第二十条第(九)项\n信息内容 | 采购项目数量 | 采购总金额 |\n政府集中采购 | 2 | 24.5万元 |\n"
            "三、收到和处理政府信息公开申请情况\n")
    r = parse_text(body)
    assert cells_of(r, "active.license.change", "active.license.decisions", "active.other_services.change",
                    "active.punishment.change", "active.punishment.decisions", "active.coercion.change",
                    "active.procurement.amount") == \
        [("number", 15), ("number", 20), ("number", 3), ("number", -4), ("number", 0), ("number", -2),
         ("number", 24.5)]
    for key, mark in (("active.coercion.decisions", "—"), ("active.fees.prev_items", "-"), ("active.fees.change", "/")):
        assert (r.cells[key].status, r.cells[key].value, r.cells[key].raw) == ("na", None, mark)


APPLY_HEADER = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\t申请人情况",
                "自然人\t法人或其他组织\t总计", "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]


def test_a_header_printed_twice():
    """Section 三 broken by a page: the page number and the whole header again before the next rows."""
    rows = ["一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3", "二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1",
            "三、本年度办理结果\t(一)予以公开\t2\t0\t0\t0\t0\t0\t2"]
    body = "\n".join(["三、收到和处理政府信息公开申请情况", *APPLY_HEADER, *rows[:2], "- 2 -", *APPLY_HEADER, rows[2],
                      "四、政府信息公开行政复议、行政诉讼情况"])
    r = parse_text(body, year=2021)
    assert [r.cells[f"apply.{row}.total"].value for row in ("new", "carried", "granted")] == [3, 1, 2]
    assert r.cells["apply.granted.natural"].value == 2


def test_labels_printed_apart_from_their_figures():
    """Labels first, then the figures of all of them: placed in template order when their count is exactly
    what the rows need; otherwise not placed (uncertain), and never blank."""
    head = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
    tail = "第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t5\n三、收到和处理政府信息公开申请情况\n"
    keys = [f"active.{r}.{c}" for r in ("rules", "normative") for c in ("issued", "repealed", "in_force")]
    r = parse_text(head + "规章\n行政规范性文件\n0 0 0\n1 2 3\n" + tail, year=2021)  # a row per line
    assert [r.cells[k].value for k in keys] == [0, 0, 0, 1, 2, 3]
    assert r.cells["active.license.decisions"].value == 5
    # a figure per line: written row by row, or column by column as PDF-to-text tools write a table
    # (0 0 | 0 1 | 2 3): nothing tells which, and no 勾稽关系 decides in section 二
    r = parse_text(head + "规章\n行政规范性文件\n0\n0\n0\n1\n2\n3\n" + tail, year=2021)
    assert {r.cells[k].status for k in keys} == {"uncertain"}
    assert r.cells["active.license.decisions"].value == 5
    r = parse_text(head + "规章\n行政规范性文件\n0\n0\n0\n0\n0\n0\n" + tail, year=2021)  # both readings agree
    assert [r.cells[k].value for k in keys] == [0] * 6
    r = parse_text(head + "规章\n行政规范性文件\n0\n0\n1\n2\n3\n" + tail, year=2021)  # one figure short
    assert {r.cells[k].status for k in keys} == {"uncertain"}


def test_a_label_alone_is_not_a_blank_row():
    """Empty cells dropped by the page (labels and figures no longer line up): a label with nothing after it
    may be a row left empty or a row that lost its figures; it is uncertain, never blank."""
    body = ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n规章\n0\n"
            "行政规范性文件\n第二十条第(五)项\n本年处理决定数量\n行政许可\n第二十条第(六)项\n行政处罚\n23\n行政强制\n"
            "第二十条第(八)项\n本年收费金额(单位:万元)\n行政事业性收费\n三、收到和处理政府信息公开申请情况\n")
    r = parse_text(body, year=2021)
    assert r.cells["active.punishment.decisions"].value == 23
    assert not [k for k, c in r.cells.items() if c.status == "blank"]
    assert {r.cells[k].status for k in ("active.rules.issued", "active.normative.issued", "active.license.decisions",
                                        "active.coercion.decisions")} == {"uncertain"}


def test_a_table_in_traditional_characters():
    """A mirror's copy in traditional characters: labels and headings are matched in simplified characters,
    the row is cited as printed."""
    body = ("二、主動公開政府信息情況\n第二十條第(一)項 | |||\n信息內容 | 本年制發件數 | 本年廢止件數 | 現行有效件數 |\n"
            "規章 | 0 | 0 | 1 |\n行政規範性檔案 | 2 | 0 | 9 |\n第二十條第(五)項 | |||\n信息內容 | 本年處理決定數量 |\n"
            "行政許可 | 412 |\n第二十條第(六)項 | |||\n行政處罰 | 1058 |\n行政強制 | 0 |\n"
            "三、收到和處理政府信息公開申請情況\n")
    r = parse_text(body.replace("某某鎮", "某某镇"), year=2022)
    assert cells_of(r, "active.rules.in_force", "active.normative.issued", "active.normative.in_force",
                    "active.license.decisions", "active.punishment.decisions") == \
        [("number", 1), ("number", 2), ("number", 9), ("number", 412), ("number", 1058)]
    assert "行政處罰" in r.cells["active.punishment.decisions"].row_text


def test_the_trace_says_how_every_row_was_matched():
    from store.parse.table import format_trace

    figures = consistent_figures(__import__("random").Random(4), "2021")
    report = parse_document(read_bytes(render(figures, "2021", "tabs").encode("utf-8"), "r.txt"), explain=True)
    assert [t.table for t in report.traces] == ["active", "apply", "review"]
    apply = report.traces[1]
    new = apply.rows[0]
    assert new.row.startswith("一、本年新收") and new.how == "label" and new.score >= 90 and new.fit == "exact"
    printed = apply.printed[new.printed]
    assert printed.line is not None and printed.matched == new.row
    assert [s for _, s, _ in new.cells] == ["number"] * 7
    text = "\n".join(format_trace(apply))
    assert "一、本年新收政府信息公开申请数量：label" in text and "相似度" in text
    assert parse_document(read_bytes(render(figures, "2021", "tabs").encode("utf-8"), "r.txt")).traces == []


def test_a_grid_with_one_cell_per_row():
    """A pipe table broken after every cell, as a converter makes a grid of it: one cell per row (and
    rows of empty cells between groups) reads as one cell per line."""
    cells = ["第二十条第（一）项", "", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "2", "0", "0",
             "行政规范性文件", "0", "1", "7", "第二十条第（五）项", "", "信息内容", "本年处理决定数量", "行政许可", "85"]
    rows = "".join(f"<tr><td>{c}</td></tr>" if c else "<tr><td></td><td></td><td></td></tr>" for c in cells)
    page = (f"<html><body><p>{HEAD.strip()}</p><p>二、主动公开政府信息情况</p><table>{rows}</table>"
            "<p>三、收到和处理政府信息公开申请情况</p></body></html>")
    r = parse_document(read_bytes(page.encode("utf-8"), "r.html"), {"agency": "某某镇人民政府", "year": 2021})
    assert cells_of(r, "active.rules.issued", "active.normative.repealed", "active.normative.in_force",
                    "active.license.decisions") == [("number", 2), ("number", 1), ("number", 7), ("number", 85)]


def test_a_figure_the_document_ends_in_may_be_cut():
    """An excerpt cut off inside a figure ("265" of "2650"): a figure with nothing after it, not even a
    line break, is not stored, unless it is a 0 in a column of counts (a 0 is never the start of one)."""
    head = "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容\t本年处理决定数量\n"
    r = parse_text(head + "行政许可\t265", year=2021)
    assert r.cells["active.license.decisions"].status == "missing"
    r = parse_text(head + "行政许可\t265\n", year=2021)  # the line is whole
    assert r.cells["active.license.decisions"].value == 265
    r = parse_text("三、收到和处理政府信息公开申请情况\n" + "\n".join(APPLY_HEADER) +
                   "\n一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n二、上年结转政府信息公开申请数量\t1\t0", year=2021)
    assert cells_of(r, "apply.carried.natural", "apply.carried.business", "apply.carried.research") == \
        [("number", 1), ("number", 0), ("missing", None)]
    r = parse_text("三、收到和处理政府信息公开申请情况\n" + "\n".join(APPLY_HEADER) +
                   "\n一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n二、上年结转政府信息公开申请数量\t0\t1", year=2021)
    assert cells_of(r, "apply.carried.natural", "apply.carried.business") == [("number", 0), ("missing", None)]
