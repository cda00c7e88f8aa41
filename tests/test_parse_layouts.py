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
BLANK_VISIBLE = ("cells", "fullwidth", "wrapped", "spaced", "pipecells", "html")


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
    if layout in ("spaces", "single", "pdftext") or rate <= 0:
        return figures
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
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(LAYOUTS), rnd=st.randoms(),
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
    lose = frozenset(rnd.sample(keys, lost))
    kw = {"garble": garble, "seed": rnd.randrange(1000)} if layout != "html" else {}
    report = parse(render(figures, version, layout, lose=lose, **kw), layout)
    assert not never_wrong(report, figures, version, truth, lose)


@settings(max_examples=examples(40), **SETTINGS)
@given(version=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(TEXT_LAYOUTS), rnd=st.randoms())
def test_garbled_labels_with_consistent_figures(version, layout, rnd):
    """Labels garbled by extraction are matched fuzzily or by position; figures come back exact or uncertain."""
    figures = consistent_figures(rnd, version)
    report = parse(render(figures, version, layout, garble=0.3, seed=rnd.randrange(10_000)), layout)
    for k, (got, want) in mismatches(report, figures, version).items():
        assert got[0] == "uncertain" and got[1] is None, (k, got, want)


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
