"""`disclosure-bot ingest|reports|show|check|export` end to end (click's runner, a temporary database)."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from click.testing import CliRunner

from bot.cli import cli
from store.samples import sample_files
from synth import consistent_figures, render


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config.toml from the working tree
    monkeypatch.delenv("DISCLOSURE_BOT_CONFIG", raising=False)
    monkeypatch.setenv("DISCLOSURE_BOT_STORE_LOAD_SAMPLES", "false")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["--db", db, *map(str, args)], catch_exceptions=False)

    return invoke


@pytest.fixture
def inbox(samples_dir):
    return samples_dir


def test_ingest_samples_then_again(run, inbox):
    r = run("ingest", inbox)
    assert r.exit_code == 0, r.output
    assert "added 5, replaced 0, unchanged 0, skipped 0" in r.output
    assert "后湖街道办事处 2021" in r.output
    r = run("ingest", inbox)
    assert r.exit_code == 0
    assert "added 0, replaced 0, unchanged 5, skipped 0" in r.output


def test_ingest_glob(run, inbox):
    r = run("ingest", str(inbox / "00[34]_*.txt"))
    assert r.exit_code == 0 and "added 2" in r.output


def test_bad_files_get_one_line_each(run, inbox):
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 10)
    (inbox / "memo.txt").write_text("通知\n明天开会。\n", encoding="utf-8")
    r = run("ingest", inbox)
    assert r.exit_code == 0, r.output  # something could be done
    lines = r.output.splitlines()
    assert "added 5, replaced 0, unchanged 0, skipped 3" in lines[0]
    for name, why in (("empty.txt", "empty"), ("photo.txt", "binary"), ("memo.txt", "no recognisable report")):
        mine = [ln for ln in lines if name in ln]
        assert len(mine) == 1 and mine[0].startswith("skipped") and why in mine[0], mine


def test_nothing_could_be_done_exits_non_zero(run, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "memo.txt").write_text("通知\n明天开会。\n", encoding="utf-8")
    r = run("ingest", tmp_path / "empty.txt", tmp_path / "memo.txt")
    assert r.exit_code != 0
    assert "skipped 2" in r.output
    r = run("ingest", tmp_path / "no-such-dir" / "*.txt")
    assert r.exit_code != 0


def test_unchanged_files_are_not_a_failure(run, inbox):
    run("ingest", inbox)
    r = run("ingest", inbox / sample_files()[0].name)
    assert r.exit_code == 0 and "unchanged 1" in r.output


def test_narrative_only_report_is_stored(run, tmp_path):
    p = tmp_path / "n.txt"
    p.write_text("后湖街道2023年政府信息公开工作年度报告\n一、总体情况\n2023年，后湖街道主动公开信息120条，"
                 "依申请公开工作规范有序。\n", encoding="utf-8")
    r = run("ingest", p)
    assert r.exit_code == 0 and "added 1" in r.output and "problems" in r.output
    (line,) = [ln for ln in r.output.splitlines() if "n.txt" in ln]
    assert "no tables found" in line
    r = run("check", "--rule", "no_tables")
    assert "后湖街道" in r.output and "no_tables" in r.output


def test_show_reports_check_export(run, inbox, tmp_path):
    run("ingest", inbox)
    r = run("show", "后湖", 2021)
    assert r.exit_code == 0, r.output
    assert "江岸区人民政府后湖街道办事处 2021年" in r.output
    assert "2676" in r.output and "534" in r.output and "2022-01-17" in r.output
    r = run("show", "天坛街道", 2020)
    assert "(空)" in r.output  # 政府集中采购: printed blank
    r = run("show", "西关街道", 2024)
    assert "0*" in r.output  # inferred cells are marked
    r = run("show", "后湖", 2019)
    assert r.exit_code != 0 and "2021" in r.output
    r = run("reports")
    assert r.exit_code == 0 and len([ln for ln in r.output.splitlines() if "\t" in ln]) == 5
    r = run("reports", "--json")
    rows = [json.loads(ln) for ln in r.output.splitlines() if ln.startswith("{")]
    assert {row["year"] for row in rows} == {2020, 2021, 2022, 2024}
    r = run("check")
    assert r.exit_code == 0 and "table_layout" in r.output
    out = tmp_path / "cells.csv"
    r = run("export", "--format", "csv", "-o", out)
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    hh = [row for row in rows if row.get("key") == "active.license.decisions" and "后湖" in json.dumps(row,
                                                                                              ensure_ascii=False)]
    assert hh and float(hh[0]["value"]) == 2676
    r = run("export", "--format", "json")
    assert r.exit_code == 0
    assert "apply.new.total" in r.output


def test_check_lists_failed_checks(run, tmp_path):
    f = consistent_figures(random.Random(8), "2021")
    f["apply.carry_forward.natural"] += 1
    f["apply.carry_forward.total"] += 1
    p = tmp_path / "bad.html"
    p.write_text(render(f, "2021", "html"), encoding="utf-8")
    r = run("ingest", p)
    assert r.exit_code == 0 and "problems" in r.output
    r = run("check", "--rule", "apply_balance")
    assert r.output.count("apply_balance") == 2
    r = run("check", "--json")
    problems = [json.loads(ln) for ln in r.output.splitlines() if ln.startswith("{")]
    assert any(p["rule"] == "apply_balance" and "apply.carry_forward.natural" in p["keys"] for p in problems)
