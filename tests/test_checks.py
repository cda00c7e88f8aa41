"""Every check (勾稽关系 and more) fires on a report built to fail it; a failing report is still stored."""

from __future__ import annotations

import random

import pytest

from store.checks import check_report, cross_year_problems, equalities
from store.db import Store
from store.ingest import ingest
from store.parse import parse_document
from store.readers import read_bytes
from synth import consistent_figures, render

AGENCY = "江岸区人民政府后湖街道办事处"


def parse(figures, version="2021", layout="cells", **kw):
    return parse_document(read_bytes(render(figures, version, layout, **kw).encode("utf-8"), "r.txt"))


def rules(report) -> set[str]:
    return {p.rule for p in report.problems}


CHECK_RULES = {"apply_balance", "apply_results_sum", "apply_row_sum", "review_sum", "narrative_matches_table"}


@pytest.fixture
def figures():
    return consistent_figures(random.Random(42), "2021", density=0.5)


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("layout", ["cells", "tabs", "html"])
def test_consistent_report_has_no_problems(version, layout):
    f = consistent_figures(random.Random(3), version, density=0.5)
    report = parse(f, version, layout)
    assert not rules(report) & CHECK_RULES, report.problems


def test_equalities_cover_every_rule():
    for version in ("2019", "2021"):
        eqs = equalities(version)
        assert {e.rule for e in eqs} == {"apply_balance", "apply_results_sum", "apply_row_sum", "review_sum"}
        assert sum(e.rule == "apply_balance" for e in eqs) == 7
        assert sum(e.rule == "review_sum" for e in eqs) == 3
    assert sum(e.rule == "apply_row_sum" for e in equalities("2021")) == 25  # one per row of section 三
    assert sum(e.rule == "apply_row_sum" for e in equalities("2019")) == 23


def test_apply_balance(figures):
    figures["apply.carry_forward.natural"] += 1
    figures["apply.carry_forward.total"] += 1  # the row still adds up
    report = parse(figures)
    problems = [p for p in report.problems if p.rule == "apply_balance"]
    assert rules(report) & CHECK_RULES == {"apply_balance"}
    assert len(problems) == 2  # the 自然人 column and the 总计 column
    natural = next(p for p in problems if "apply.carry_forward.natural" in p.keys)
    assert set(natural.keys) == {"apply.new.natural", "apply.carried.natural", "apply.total.natural",
                                 "apply.carry_forward.natural"}
    assert "自然人" in natural.message and "结转" in natural.message


def test_apply_results_sum(figures):
    figures["apply.granted.business"] += 2
    figures["apply.granted.total"] += 2
    report = parse(figures)
    assert rules(report) & CHECK_RULES == {"apply_results_sum"}
    p = next(p for p in report.problems if p.rule == "apply_results_sum" and "apply.total.business" in p.keys)
    assert "apply.granted.business" in p.keys and "商业企业" in p.message


def test_apply_row_sum(figures):
    figures["apply.denied.third_party.legal"] += 1  # the row's 总计 no longer adds up
    report = parse(figures)
    assert "apply_row_sum" in rules(report)
    p = next(p for p in report.problems if p.rule == "apply_row_sum")
    assert "apply.denied.third_party.total" in p.keys and "保护第三方合法权益" in p.message


@pytest.mark.parametrize("group", ["review", "suit.direct", "suit.after_review"])
def test_review_sum(figures, group):
    figures[f"{group}.total"] += 3
    report = parse(figures)
    assert rules(report) & CHECK_RULES == {"review_sum"}
    (p,) = [p for p in report.problems if p.rule == "review_sum"]
    assert f"{group}.total" in p.keys and "总计" in p.message


def test_narrative_matches_table(figures):
    figures["apply.new.total"] = 3
    figures["apply.new.natural"], figures["apply.new.business"] = 3, 0
    for c in ("research", "nonprofit", "legal", "other_org"):
        figures[f"apply.new.{c}"] = 0
    text = render(figures, "2021", "cells").replace("全年共收到政府信息公开申请3件", "全年共收到政府信息公开申请5件")
    assert "申请5件" in text
    report = parse_document(read_bytes(text.encode(), "r.txt"))
    (p,) = [p for p in report.problems if p.rule == "narrative_matches_table"]
    assert p.keys == ["apply.new.total"]
    assert "5" in p.message and "3" in p.message


def test_narrative_agrees_no_problem(figures):
    text = render(figures, "2021", "cells")
    assert f"收到政府信息公开申请{figures['apply.new.total']}件" in text
    report = parse_document(read_bytes(text.encode(), "r.txt"))
    assert "narrative_matches_table" not in rules(report)


def test_check_report_is_pure(figures):
    report = parse(figures)
    n = len(report.problems)
    assert check_report(report) == check_report(report)
    assert len(report.problems) == n


def test_cross_year_functions():
    prev = {"apply.carry_forward.natural": 2, "active.rules.in_force": 5, "active.normative.in_force": 1}
    cur = {"apply.carried.natural": 0, "active.rules.issued": 1, "active.rules.repealed": 0,
           "active.rules.in_force": 7, "active.normative.issued": 0, "active.normative.repealed": 0,
           "active.normative.in_force": 1}
    problems = cross_year_problems(prev, cur, 2021)
    assert {p.rule for p in problems} == {"cross_year_carried", "cross_year_in_force"}
    assert all("2021" in p.message for p in problems)
    assert not cross_year_problems(prev, {**cur, "apply.carried.natural": 2, "active.rules.in_force": 6}, 2021)


def _write(tmp_path, name, figures, year, layout="cells"):
    path = tmp_path / name
    path.write_text(render(figures, "2021", layout, year=year, agency=AGENCY), encoding="utf-8")
    return path


def test_cross_year_checks_in_the_store(tmp_path):
    y1 = consistent_figures(random.Random(5), "2021")
    y2 = consistent_figures(random.Random(6), "2021")
    # 2021 carries 2 applications (自然人) forward; the 2022 report says it carried over none
    for f in (y1, y2):
        for k in [k for k in f if k.startswith("apply.")]:
            f[k] = 0
    y1["apply.new.natural"] = y1["apply.new.total"] = 2
    y1["apply.carry_forward.natural"] = y1["apply.carry_forward.total"] = 2
    y1["active.rules.in_force"], y1["active.normative.in_force"] = 5, 3
    y2["active.normative.issued"], y2["active.normative.repealed"], y2["active.normative.in_force"] = 1, 2, 2
    y2["active.rules.issued"], y2["active.rules.repealed"], y2["active.rules.in_force"] = 1, 0, 7
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [_write(tmp_path, "a2021.txt", y1, 2021), _write(tmp_path, "a2022.txt", y2, 2022)])
    assert s.counts["added"] == 2, s.lines()
    reps = {r["year"]: r for r in store.reports()}
    assert reps[2021]["agency_id"] == reps[2022]["agency_id"]
    p2022 = {p["rule"] for p in store.problems(reps[2022]["id"])}
    assert {"cross_year_carried", "cross_year_in_force"} <= p2022
    assert not {p["rule"] for p in store.problems(reps[2021]["id"])} & {"cross_year_carried", "cross_year_in_force"}
    carried = next(p for p in store.problems(reps[2022]["id"]) if p["rule"] == "cross_year_carried")
    assert carried["keys"] == ["apply.carried.natural"]
    # fixing the 2022 report (same agency and year, changed file) clears the cross-year problems
    y2["active.rules.in_force"] = 6
    y2["apply.carried.natural"] = y2["apply.carried.total"] = 2
    y2["apply.new.natural"] = y2["apply.new.total"] = 0
    y2["apply.total.natural"] = y2["apply.total.total"] = 2
    y2["apply.granted.natural"] = y2["apply.granted.total"] = 2
    s = ingest(store, [_write(tmp_path, "a2022.txt", y2, 2022)])
    assert s.counts["replaced"] == 1, s.lines()
    rep = store.report_for(reps[2022]["agency_id"], 2022)
    assert not {p["rule"] for p in store.problems(rep["id"])} & {"cross_year_carried", "cross_year_in_force"}


def test_failing_report_is_stored_with_its_problems(tmp_path, figures):
    figures["apply.carry_forward.natural"] += 1
    figures["apply.carry_forward.total"] += 1
    figures["review.total"] += 1
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [_write(tmp_path, "bad.txt", figures, 2021)])
    assert s.counts["added"] == 1
    (rep,) = store.reports()
    assert rep["problem_count"] >= 3
    stored = store.problems(rep["id"])
    assert {"apply_balance", "review_sum"} <= {p["rule"] for p in stored}
    assert all(p["message"] and p["keys"] for p in stored if p["rule"] in CHECK_RULES)
    # every figure is there, including the ones the problems name
    cells = store.cells(rep["id"])
    assert cells["review.total"]["value"] == figures["review.total"]
    assert cells["apply.carry_forward.natural"]["value"] == figures["apply.carry_forward.natural"]
