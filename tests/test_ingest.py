"""Ingest: idempotency, replacing a changed report in one transaction, bad files in a batch, manifests."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from store.db import Store
from store.ingest import expand_paths, ingest, load_manifest
from store.samples import sample_files
from synth import consistent_figures, render

AGENCY = "江岸区人民政府后湖街道办事处"
NARRATIVE_ONLY = """后湖街道2023年政府信息公开工作年度报告

一、总体情况
2023年，后湖街道认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开信息120条。

二、主动公开政府信息情况
本年度主动公开政府信息情况详见街道门户网站。

五、存在的主要问题及改进情况
信息公开的及时性有待提高。

六、其他需要报告的事项
无。
"""


def counts(store: Store) -> dict[str, int]:
    return {t: store.db[t].count for t in ("agencies", "reports", "cells", "passages", "problems")}


def test_reingest_changes_nothing(tmp_path, samples_dir):
    store = Store(tmp_path / "db.sqlite")
    first = ingest(store, [samples_dir])
    assert first.counts == {"added": 5, "replaced": 0, "unchanged": 0, "skipped": 0}
    before = counts(store)
    stamps = {r["id"]: (r["ingested_at"], r["sha256"]) for r in store.reports()}
    second = ingest(store, [samples_dir])
    assert second.counts == {"added": 0, "replaced": 0, "unchanged": 5, "skipped": 0}
    assert counts(store) == before
    assert {r["id"]: (r["ingested_at"], r["sha256"]) for r in store.reports()} == stamps
    assert second.ok
    # the same file under another name is the same report
    shutil.copy(samples_dir / sample_files()[0].name, tmp_path / "copy.txt")
    third = ingest(store, [tmp_path / "copy.txt"])
    assert third.counts["unchanged"] == 1 and counts(store) == before


def test_ingest_runs_are_logged(tmp_path, samples_dir):
    store = Store(tmp_path / "db.sqlite")
    ingest(store, [samples_dir])
    ingest(store, [samples_dir])
    runs = list(store.db["ingest_runs"].rows)
    assert [(r["added"], r["unchanged"]) for r in runs] == [(5, 0), (0, 5)]
    assert all(r["finished_at"] for r in runs)
    assert store.db["ingest_files"].count == 10


def _report(tmp_path, name, figures, year=2021, layout="cells", **kw):
    path = tmp_path / name
    text = render(figures, "2021", layout, year=year, agency=AGENCY, **kw)
    path.write_bytes(text.encode("utf-8") if layout != "html" else text.encode("utf-8"))
    return path


def test_changed_file_replaces_the_report(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    f1 = consistent_figures(random.Random(1), "2021")
    f1["active.license.decisions"] = 111
    path = _report(tmp_path, "hh2021.txt", f1)
    assert ingest(store, [path]).counts["added"] == 1
    (old,) = store.reports()
    old_cells = store.db.execute("select count(*) from cells where report_id = ?", [old["id"]]).fetchone()[0]
    assert old_cells > 0
    f2 = dict(f1, **{"active.license.decisions": 222})
    path = _report(tmp_path, "hh2021.txt", f2, layout="tabs")  # corrected and re-published in another layout
    s = ingest(store, [path])
    assert s.counts == {"added": 0, "replaced": 1, "unchanged": 0, "skipped": 0}
    (new,) = store.reports()
    assert new["sha256"] != old["sha256"] and new["ingested_at"] >= old["ingested_at"]
    for table in ("cells", "passages", "problems"):  # nothing of the old version is left
        n = store.db.execute(f"select count(*) from {table} where report_id = ?", [new["id"]]).fetchone()[0]
        assert n == next(store.db.query(f"select count(*) as n from {table}"))["n"]
    assert store.db["cells"].count == len(store.cells(new["id"]))
    assert store.cell(new["id"], "active.license.decisions")["raw"] == "222"
    assert store.cell(new["id"], "active.license.decisions")["value"] == 222
    assert store.db["agencies"].count == 1
    # the same text under another file name for the same agency and year also replaces, never duplicates
    f3 = dict(f1, **{"active.license.decisions": 333})
    ingest(store, [_report(tmp_path, "other-name.html", f3, layout="html")])
    (newest,) = store.reports()
    assert store.cell(newest["id"], "active.license.decisions")["value"] == 333


def test_replacement_is_one_transaction(tmp_path, monkeypatch):
    store = Store(tmp_path / "db.sqlite")
    f1 = consistent_figures(random.Random(2), "2021")
    ingest(store, [_report(tmp_path, "a.txt", f1)])
    before = counts(store)
    (old,) = store.reports()
    real = store._insert_problems

    def boom(*a, **kw):
        real(*a, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert_problems", boom)
    f2 = dict(f1, **{"active.license.decisions": 999})
    s = ingest(store, [_report(tmp_path, "a.txt", f2)])
    assert s.counts["skipped"] == 1 and "disk full" in s.files[0].message
    monkeypatch.undo()
    assert counts(store) == before
    (still,) = store.reports()
    assert still["id"] == old["id"] and still["sha256"] == old["sha256"]
    assert store.cell(old["id"], "active.license.decisions")["value"] == f1["active.license.decisions"]


def test_bad_files_in_a_batch(tmp_path, samples_dir):
    (samples_dir / "empty.txt").write_bytes(b"")
    (samples_dir / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    rng = random.Random(3)
    (samples_dir / "noise.bin.txt").write_bytes(bytes(rng.randrange(256) for _ in range(8000)))
    (samples_dir / "notes.txt").write_text("会议纪要\n今天讨论了食堂的菜单。\n", encoding="utf-8")
    (samples_dir / "narrative.txt").write_text(NARRATIVE_ONLY, encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [samples_dir])
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in s.files}
    assert s.counts == {"added": 6, "replaced": 0, "unchanged": 0, "skipped": 4}, s.lines()
    assert "empty" in by_name["empty.txt"].message
    assert "binary" in by_name["image.txt"].message
    assert "binary" in by_name["noise.bin.txt"].message
    assert "no recognisable report" in by_name["notes.txt"].message
    assert by_name["narrative.txt"].outcome == "added"
    assert s.ok
    lines = s.lines()
    for name in ("empty.txt", "image.txt", "noise.bin.txt", "notes.txt"):
        assert sum(name in ln for ln in lines) == 1
    rid = by_name["narrative.txt"].report_id
    assert {p["rule"] for p in store.problems(rid)} >= {"no_tables"}
    assert any("主动公开信息120条" in p["text"] for p in store.passages(rid))
    assert {c["status"] for c in store.cells(rid).values()} == {"missing"}
    # the rest of the batch went in
    assert {r["short_name"] for r in store.reports()} >= {"后湖街道", "天坛街道", "西岗街道", "西关街道"}


def test_nothing_could_be_done(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text("随便写点什么\n", encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "missing.txt"])
    assert s.counts["skipped"] == 3
    assert not s.ok
    assert any("cannot open" in f.message for f in s.files)


def test_expand_paths(tmp_path, samples_dir):
    (samples_dir / "sub").mkdir()
    (samples_dir / "sub" / "x.htm").write_text("<p>x</p>", encoding="utf-8")
    (samples_dir / "manifest.csv").write_text("path,agency\n", encoding="utf-8")
    (samples_dir / "README.md").write_text("# notes", encoding="utf-8")
    (samples_dir / "image.png").write_bytes(b"\x89PNG")
    files = expand_paths([samples_dir])
    names = [f.name for f in files]
    assert "x.htm" in names and "manifest.csv" not in names and "README.md" not in names
    assert "image.png" not in names
    assert len(expand_paths([str(samples_dir / "*.txt")])) == 5
    assert len(expand_paths([samples_dir, samples_dir / sample_files()[0].name])) == len(files)


def _untitled(tmp_path, name, figures):
    """A report whose text gives neither agency nor year (e.g. a page scraped without its heading)."""
    text = render(figures, "2021", "cells", agency=AGENCY)
    body = text[text.index("一、总体情况"):].replace(AGENCY, "本街道").replace("2021年", "本年").replace("2022年", "")
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path / name


def test_manifest_csv_supplies_and_overrides(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    f = consistent_figures(random.Random(9), "2021")
    _untitled(d, "untitled.txt", f)
    (d / "titled.txt").write_text(render(f, "2021", "tabs", agency="天坛街道办事处", year=2022), encoding="utf-8")
    (d / "manifest.csv").write_text(
        "path,agency,region,year,source_url\n"
        "untitled.txt,武汉市江岸区人民政府后湖街道办事处,,2021,http://example.gov.cn/hh2021.html\n"
        "titled.txt,,北京市东城区,2023,\n", encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [d])
    assert s.counts["added"] == 2, s.lines()
    reps = {r["file"].rsplit("/", 1)[-1]: r for r in store.reports()}
    hh = reps["untitled.txt"]
    assert (hh["agency"], hh["short_name"], hh["year"]) == ("武汉市江岸区人民政府后湖街道办事处", "后湖街道", 2021)
    assert hh["source_url"] == "http://example.gov.cn/hh2021.html"
    assert hh["template"] == "2021"
    assert store.cell(hh["id"], "apply.new.total")["value"] == f["apply.new.total"]
    tt = reps["titled.txt"]
    assert tt["year"] == 2023  # the manifest overrides the year the text gives
    assert (tt["district"], tt["city"]) == ("东城区", "北京市")  # the region split into its levels


def test_manifest_json_and_explicit_manifest(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    f = consistent_figures(random.Random(10), "2019")
    text = render(f, "2019", "cells", agency=AGENCY)
    body = text[text.index("一、总体情况"):].replace(AGENCY, "本街道").replace("2020年", "本年").replace("2021年", "")
    (d / "r.txt").write_text(body, encoding="utf-8")
    manifest = tmp_path / "meta.json"
    manifest.write_text(json.dumps({"reports": [
        {"path": "batch/r.txt", "agency": "西湖区人民政府北山街道办事处", "province": "浙江省", "city": "杭州市",
         "district": "西湖区", "year": 2020}]}, ensure_ascii=False), encoding="utf-8")
    hints = load_manifest(manifest)
    assert str((d / "r.txt").resolve()) in hints
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [d], manifest=manifest)
    assert s.counts["added"] == 1, s.lines()
    (rep,) = store.reports()
    assert (rep["agency"], rep["short_name"], rep["year"], rep["template"]) == (
        "西湖区人民政府北山街道办事处", "北山街道", 2020, "2019")
    assert (rep["province"], rep["city"], rep["district"]) == ("浙江省", "杭州市", "西湖区")
    assert store.cell(rep["id"], "active.procurement.items")["value"] == f["active.procurement.items"]


def test_parallel_workers(tmp_path, samples_dir):
    store = Store(tmp_path / "db.sqlite")
    s = ingest(store, [samples_dir], workers=2)
    assert s.counts["added"] == 5
    serial = Store(tmp_path / "serial.sqlite")
    ingest(serial, [samples_dir])
    for a, b in zip(store.reports(), serial.reports()):
        assert store.cells(a["id"]).keys() == serial.cells(b["id"]).keys()
        assert {k: (c["value"], c["status"]) for k, c in store.cells(a["id"]).items()} == \
            {k: (c["value"], c["status"]) for k, c in serial.cells(b["id"]).items()}


def test_corrected_manifest_moves_the_report(tmp_path):
    """The same file with a corrected manifest is read again; its report moves, nothing is duplicated."""
    d = tmp_path / "batch"
    d.mkdir()
    f = consistent_figures(random.Random(12), "2021")
    _untitled(d, "r.txt", f)
    manifest = d / "manifest.csv"
    manifest.write_text("path,agency,region,year\nr.txt,后湖街道,江岸区,2021\n", encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    assert ingest(store, [d]).counts["added"] == 1
    assert ingest(store, [d]).counts["unchanged"] == 1
    manifest.write_text("path,agency,region,year\nr.txt,后湖街道,江岸区,2022\n", encoding="utf-8")
    s = ingest(store, [d])
    assert s.counts["unchanged"] == 0 and s.counts["added"] + s.counts["replaced"] == 1, s.lines()
    (rep,) = store.reports()
    assert rep["year"] == 2022
    assert store.db["cells"].count == len(store.cells(rep["id"]))
    assert ingest(store, [d]).counts["unchanged"] == 1


def test_same_short_name_one_agency_or_two(tmp_path):
    """后湖街道 (title only) and 江岸区人民政府后湖街道办事处 are one agency across years; two 西街道 in
    different districts are two, and neither replaces the other's report."""
    figs = consistent_figures(random.Random(3), "2021")
    store = Store(tmp_path / "a.db")
    paths = []
    for name, year, agency in (("a.txt", 2021, "后湖街道"), ("b.txt", 2022, "江岸区人民政府后湖街道办事处"),
                               ("c.txt", 2021, "相山区西街道办事处"), ("d.txt", 2021, "杜集区西街道办事处")):
        (tmp_path / name).write_text(render(figs, "2021", "cells", year=year, agency=agency, region=""),
                                     encoding="utf-8")
        paths.append(tmp_path / name)
    summary = ingest(store, paths)
    assert summary.count("added") == 4
    names = {r["name"]: r["years"] for r in store.agencies()}
    assert names["江岸区人民政府后湖街道办事处"] == "2021,2022"
    assert "相山区西街道办事处" in names and "杜集区西街道办事处" in names


def test_report_without_a_title_takes_the_agency_from_its_first_paragraph(tmp_path):
    figs = consistent_figures(random.Random(5), "2021")
    text = render(figs, "2021", "cells", year=2021, agency="江岸区人民政府后湖街道办事处", region="")
    body = text.split("\n", 1)[1].replace("江岸区人民政府后湖街道办事处认真贯彻", "后湖街道办事处认真贯彻")
    body = body.replace("\n江岸区人民政府后湖街道办事处\n", "\n")  # no signature either
    assert "江岸区人民政府后湖街道办事处" not in body
    (tmp_path / "untitled.txt").write_text(body, encoding="utf-8")
    store = Store(tmp_path / "u.db")
    summary = ingest(store, [tmp_path / "untitled.txt"])
    assert summary.count("added") == 1, summary.lines()
    rep = store.reports()[0]
    assert rep["short_name"] == "后湖街道" and rep["year"] == 2021
