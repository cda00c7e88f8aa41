"""Cells that run together: the splitter (store/parse/runs.py) and flattened pages cut back into lines
(store/parse/flattened.py), through the parser: a figure is right or flagged, never guessed."""

from __future__ import annotations

import random

import pytest

from store.document import Block
from store.parse import parse_document
from store.parse.flattened import expand
from store.parse.runs import blank_reading, candidates, solve_jointly, splits, sum_splits, unique_split
from store.readers import read_bytes
from synth import TEXT_LAYOUTS, arbitrary_figures, consistent_figures, expected, render_text


# --------------------------------------------------------------------------- the splitter

def test_a_run_with_as_many_digits_as_cells_splits_one_way():
    assert splits("0000000", 7) == [("0",) * 7]
    assert unique_split("007", 3) == ("0", "0", "7")


def test_no_leading_zero_and_spaces_are_boundaries():
    assert ("0", "0", "12") in splits("0012", 3)
    assert all(not (c.startswith("0") and len(c) > 1) for s in splits("10203", 3) for c in s)
    assert splits("1 23", 2) == [("1", "23")]
    assert splits("1 2 3", 2) == []  # a cell never spans a space


def test_row_sum_decides():
    assert unique_split("640020470", 7, 7, blanks=False) == ("64", "0", "0", "2", "0", "4", "70")
    assert unique_split("23 0 00 0 023", 7, 7) == ("23", "0", "0", "0", "0", "0", "23")
    assert unique_split("200 000121", 7, 7) == ("20", "0", "0", "0", "0", "1", "21")


def test_two_splits_that_add_up_are_left_undecided():
    assert len(candidates("270020130", 7, 7, blanks=False)) == 2
    assert unique_split("270020130", 7, 7, blanks=False) is None


def test_a_blank_cell_that_left_no_trace_makes_a_run_undecided():
    # 6|40|0|20|4|70 with one cell printed empty adds up too
    assert blank_reading("640020470", 7, 7) is True
    assert unique_split("640020470", 7, 7) is None
    assert blank_reading("200 000121", 7, 7) is False and unique_split("200 000121", 7, 7) is not None
    assert unique_split("0000000", 7, 7) == ("0",) * 7  # seven zeros: no room for a blank
    assert splits("123", 3) == [("1", "2", "3")] and unique_split("123", 3) is None  # 12|3 beside a blank


def test_review_groups():
    assert unique_split("10203120001200000", 15, 5, blanks=False) == (
        "1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0")


def test_signs_start_a_cell():
    assert unique_split("35-15", 2, signed=True) == ("35", "-15")
    assert unique_split("35-15", 2) is None  # where no figure can be negative, it cannot be split


def test_without_an_identity_only_one_way_counts():
    assert unique_split("693665", 3) is None
    assert unique_split("2293", 1) == ("2293",)
    assert unique_split("24252.311082", 1) == ("24252.311082",)


def test_too_long_a_run_is_not_enumerated():
    assert splits("1" * 40, 12) is None
    assert unique_split("1" * 40, 12, 7) is None


def test_column_identities_choose_between_rows():
    # 予以公开 splits two ways; the column identity (results add up to 总计) allows one
    rows = {"granted": [{"g.a": 2, "g.b": 7}, {"g.a": 27, "g.b": 0}]}
    fixed = {"t.a": 27, "t.b": 0}
    assert solve_jointly(rows, fixed, [(("g.a",), ("t.a",)), (("g.b",), ("t.b",))]) == {"granted": 1}
    # an identity that cannot be evaluated leaves both possible
    assert solve_jointly(rows, {}, [(("g.a",), ("t.a",))]) == {}


# --------------------------------------------------------------------------- flattened pages

def crawl(text: str, sep: str = "") -> str:
    """A report as a crawler's text dump: every line run into one, the cells of a row run together."""
    return "".join(line.replace("\t", sep).strip() for line in text.split("\n"))


def parse_text(text: str):
    return parse_document(read_bytes(text.encode("utf-8"), "page.txt"))


def check(report, figures, version) -> int:
    """No figure wrong, no false blank; returns how many cells are right."""
    right = 0
    for key, (status, value, _raw) in expected(figures, version).items():
        cell = report.cells[key]
        if cell.status in ("uncertain", "missing"):
            continue
        assert (cell.status, cell.value) == (status, value), (key, cell, status, value)
        right += status == "number"
    return right


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("seed", range(4))
def test_flattened_page_with_cells_run_together(version, seed):
    figures = consistent_figures(random.Random(seed), version, density=0.4, big=30)
    report = parse_text(crawl(render_text(figures, version, "tabs")))
    apply = [k for k in figures if k.startswith("apply.")]
    right = check(report, figures, version)
    assert right >= len(apply)  # at the least every cell of section 三 (its identities are complete)
    assert report.meta.year == (2020 if version == "2019" else 2021)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_flattened_page_with_spaces_reads_whole(version):
    figures = consistent_figures(random.Random(5), version, density=0.5, big=3000)
    report = parse_text(crawl(render_text(figures, version, "tabs"), sep=" "))
    assert check(report, figures, version) == len(expected(figures, version))


def rows_add_up(figures: dict) -> dict:
    """Figures whose rows add up (each row's 总计 is the sum of its parts, blank cells counting 0), while
    the columns need not, and some cells are blank: what a careless but arithmetically sound table prints."""
    out = dict(figures)
    for key in [k for k in figures if k.startswith(("apply.", "review.", "suit.")) and k.endswith(".total")]:
        row = key.rsplit(".", 1)[0]
        parts = [v for k, v in figures.items() if k.rsplit(".", 1)[0] == row and k != key]
        out[key] = sum(v for v in parts if isinstance(v, int))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_flattened_page_with_blank_cells_and_broken_columns_never_wrong(seed):
    version = "2021" if seed % 2 else "2019"
    figures = rows_add_up(arbitrary_figures(random.Random(seed), version, blank=0.05, mark=0.0, big=300))
    check(parse_text(crawl(render_text(figures, version, "tabs"))), figures, version)


def test_rows_one_per_line_with_figures_run_together():
    text = "\n".join(["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容本年制发件数本年废止件数现行有效件数",
                      "规章000", "行政规范性文件007"]) + "\n"  # a whole line (a copy ending in "007" may be cut inside it)
    texts = [b.text for b in expand([Block("paragraph", text=t, line=i) for i, t in enumerate(text.split("\n"))])]
    assert texts[3:] == ["规章\t0\t0\t0", "行政规范性文件\t0\t0\t7", ""]
    report = parse_text(text)
    assert report.cells["active.normative.in_force"].value == 7


def test_a_sentence_is_not_a_row():
    blocks = [Block("paragraph", text=t) for t in ("行政许可12件", "规章000", "全年办理行政许可3件，行政处罚5件。")]
    assert [b.text for b in expand(blocks)] == [b.text for b in blocks]  # one line alone is not rewritten


@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_text_printed_with_separators_is_left_alone(layout):
    for seed in range(3):
        version = "2021" if seed % 2 else "2019"
        figures = arbitrary_figures(random.Random(seed), version, blank=0.1, mark=0.08)
        doc = read_bytes(render_text(figures, version, layout).encode("utf-8"), "r.txt")
        assert expand(doc.blocks) is doc.blocks


_RULES_ROW = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
              "行政规范性文件{run}第二十条第（五）项信息内容本年处理决定数量行政许可3第二十条第（六）项信息内容"
              "本年处理决定数量行政处罚0行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0")


def test_a_run_of_section_two_is_split_as_the_narrative_states_its_figures():
    """No identity ties 本年制发 / 本年废止 / 现行有效: "97253" splits six ways.  The narrative stating two of
    the figures of that row's subject (制发规范性文件9件 … 现行有效规范性文件253件) leaves one."""
    narrative = "一、总体情况。2025年，本机关制发行政规范性文件9件，现行有效行政规范性文件共253件。"
    report = parse_text(narrative + _RULES_ROW.format(run="97253"))
    cells = report.cells
    assert [cells[f"active.normative.{c}"].value for c in ("issued", "repealed", "in_force")] == [9, 7, 253]


@pytest.mark.parametrize("narrative", [
    "一、总体情况。2025年，本机关现行有效行政规范性文件共253件。",  # one figure stated: two splits keep it
    "一、总体情况。2025年，本机关办结行政许可9件、7件和253件。",  # the figures, but not of this row's subject
    "一、总体情况。2025年，全年无新制发文件。",
])
def test_a_run_of_section_two_without_enough_stated_figures_stays_unread(narrative):
    report = parse_text(narrative + _RULES_ROW.format(run="97253"))
    for c in ("issued", "repealed", "in_force"):
        assert report.cells[f"active.normative.{c}"].status == "uncertain"
