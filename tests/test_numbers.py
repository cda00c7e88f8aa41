"""Figures written out for people: every decimal the report prints, never rounded to six digits."""

from __future__ import annotations

import random

import pytest

from store.numbers import figure_text


@pytest.mark.parametrize("value, text", [
    (3, "3"), (3.0, "3"), (0, "0"), (-4.0, "-4"), (18651.06, "18651.06"), (1234567.89, "1234567.89"),
    (0.1 + 0.2, "0.3"), (12.5, "12.5"), (99.999, "99.999"), (-0.5, "-0.5"), (1e-9, "0"),
])
def test_figure_text(value, text):
    assert figure_text(value) == text


def test_a_figure_with_two_decimals_is_answered_and_shown_as_printed(tmp_path):
    """行政事业性收费 18651.06 (万元) is answered 18651.06, never 18651.1; show and the audit say it so too."""
    from bot.engine import Answerer
    from store.db import Store
    from store.ingest import ingest
    from store.show import render_report
    from synth import consistent_figures, render_text

    figures = consistent_figures(random.Random(3), "2021")
    figures["active.fees.amount"] = 18651.06
    path = tmp_path / "r.txt"
    path.write_text(render_text(figures, "2021", "tabs", year=2021), encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    ingest(store, [path])
    ans = Answerer(store).answer("后湖街道2021年行政事业性收费多少")
    assert "18651.06万元" in ans.text and "18651.1万元" not in ans.text, ans.text
    rep = store.reports()[0]
    assert "18651.06" in render_report(store, rep["id"])
