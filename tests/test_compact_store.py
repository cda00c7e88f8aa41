"""The compact store (``store.compact``): every cell, passage, fact and finding reads back exactly as it
was parsed; a cell not stored is ``missing`` to every reader, never blank; a database written by the
code before the compact store migrates in place and answers, shows and exports the same as a database
written by the compact code."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
import sqlite_utils

from realworld_corpus import REALWORLD, needs_realworld
from store import compact
from store.db import Store, connect
from store.ingest import parse_bytes, read_file, sha256_of
from store.migrations import MIGRATIONS, pending
from store.records import FACT_COLUMNS
from store.samples import sample_files
from store.template import cells as template_cells
from synth import consistent_figures, render

# --------------------------------------------------------------------------- the encoding, pure


@pytest.mark.parametrize("value, raw", [(3, "3"), (3.0, "3"), (0, "0"), (3, "3件"), (3, "３"), (2.5, "2.5"),
                                        (2.5, None), (7, None), (None, "/"), (None, None), (None, "—"),
                                        (-4, "-4"), (-4, "减4"), (1e16, "10000000000000000")])
def test_what_was_printed_comes_back(value, raw):
    assert compact.printed_raw(value, compact.stored_raw(value, raw)) == raw


def test_what_was_printed_is_kept_only_when_it_differs():
    assert compact.stored_raw(3, "3") is None and compact.stored_raw(3.0, "3") is None
    assert compact.stored_raw(3, "3件") == "3件" and compact.stored_raw(None, "/") == "/"


@pytest.mark.parametrize("text", ["一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3", "规章 | 47 | 0 | 0", "14 | 0 | 0",
                                  "3.危及“三安全一稳定” 0 0 —", "（三）不予公开", "", "办理结果 ( 29 0 | 一)予以公开"])
def test_a_printed_row_is_its_label_and_the_rest(text):
    label, rest = compact.split_label(text)
    assert label + rest == text
    assert not label or ord(label[-1]) > 127


def test_the_label_stops_before_the_first_figure():
    assert compact.split_label("一、本年新收政府信息公开申请数量 3 0 0") == ("一、本年新收政府信息公开申请数量", " 3 0 0")
    assert compact.split_label("3.危及“三安全一稳定” 0  94 0 0 —")[0] == "3.危及“三安全一稳定”"


# --------------------------------------------------------------------------- stored and read back


def _synthetic(tmp_path: Path, n: int = 6, seed: int = 3) -> list[Path]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        year = 2019 + i % 5
        version = "2019" if year <= 2020 else "2021"
        text = render(consistent_figures(rng, version), version, ["tabs", "spaces", "pipes", "cells"][i % 4],
                      agency=f"江岸区人民政府{['后湖', '西关', '天坛'][i % 3]}街道办事处", year=year,
                      region="湖北省武汉市江岸区", narrative=rng.randint(2, 6))
        path = tmp_path / f"s{i}.txt"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def _cut(tmp_path: Path) -> Path:
    """A report cut off inside section 三: the rest of its tables is missing."""
    text = sample_files()[3].read_text(encoding="utf-8").replace("后湖", "东湖")  # another agency
    path = tmp_path / "cut.txt"
    path.write_text(text[:text.index("（二）部分公开")], encoding="utf-8")
    return path


def _files(tmp_path: Path) -> list[Path]:
    files = sample_files() + _synthetic(tmp_path) + [_cut(tmp_path)]
    if (REALWORLD / "README.md").exists():  # real excerpts (tables cut off) and complete reports
        for corpus, names in (("a", ("a001.txt", "a010.txt", "a020.txt", "a061.txt")),
                              ("b", ("b001.txt", "b007.txt", "b030.txt")), ("c", ("c001.html", "c010.html"))):
            files += [p for n in names if (p := REALWORLD / corpus / "reports" / n).exists()]
    return files


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compact")
    out = []
    for f in _files(tmp):
        data = read_file(f)
        out.append((str(f), sha256_of(data), parse_bytes(data, str(f))))
    return out


def _as_dict(c) -> dict:
    return {k: getattr(c, k) for k in ("key", "value", "raw", "status", "page", "line", "row_text")}


def _same_value(a, b) -> bool:
    return a == b and type(a if a is None else float(a)) is type(b if b is None else float(b))


def test_every_cell_reads_back_as_parsed(parsed):
    store = Store(":memory:")
    for name, sha, report in parsed:
        _, rid = store.save(report, name, sha)
        got = store.cells(rid)
        assert list(got) == list(report.cells), name  # every cell, in the order parsed
        for key, c in report.cells.items():
            want = _as_dict(c)
            have = {k: got[key][k] for k in want}
            assert have == want, (name, key)
        assert {k: v for k, v in store.values(rid).items()} == {
            k: c.value for k, c in report.cells.items() if c.status in ("number", "inferred")}


def test_absent_cells_are_missing_never_blank(parsed):
    """A template cell that was not found is not stored; every reader gives it back as ``missing``."""
    from bot.engine import Answerer
    from store.export import export_rows

    store = Store(":memory:")
    name, sha, report = next(p for p in parsed if p[0].endswith("cut.txt"))
    _, rid = store.save(report, name, sha)
    absent = [k for k, c in report.cells.items() if compact.is_absent(c, compact.template_key_set(report.meta.template))]
    assert len(absent) > 20  # the cut-off report lost most of its tables
    stored = {r["key"] for r in store.db.query("select key from cells where report_id = ?", [rid])}
    assert not stored & set(absent)  # not stored ...
    for key in absent:  # ... and missing to every reader
        assert store.cell(rid, key)["status"] == "missing"
        assert store.cells(rid)[key]["status"] == "missing"
    from store import queries

    assert all(c["status"] == "missing" for c in queries.cells_for(store, rid, absent).values())
    assert all(c["status"] == "missing" for c in queries.cells_for_reports(store, [rid], absent)[rid].values())
    exported = {r["key"]: r for r in export_rows(store)}
    assert all(exported[k]["status"] == "missing" and exported[k]["value"] is None for k in absent)
    from store.show import render_report

    shown = render_report(store, rid)
    assert "(缺)" in shown
    answerer = Answerer(store)
    for q in ("东湖街道2021年行政复议多少件", "东湖街道2021年不予公开几件", "东湖街道2021年行政诉讼多少起"):
        ans = answerer.answer(q)  # never "left empty"; a figure only where the text states it
        assert "未填写" not in ans.text and (ans.value is None or "正文" in ans.text), q


def test_passages_facts_and_findings_read_back(parsed):
    store = Store(":memory:")
    for name, sha, report in parsed:
        _, rid = store.save(report, name, sha)
        passages = store.passages(rid)
        assert [(p["seq"], p["section"], p["text"], p["page"], p["line"]) for p in passages] == [
            (p.seq, p.section, p.text, p.page, p.line) for p in report.passages]
        facts = store.facts_for(rid)
        assert [{k: f[k] for k in FACT_COLUMNS} for f in facts] == [
            {k: getattr(f, k) for k in FACT_COLUMNS} for f in report.facts], name
        problems = store.problems(rid)
        mine = [p for p in problems if not p["rule"].startswith("cross_year")]
        assert [(p["rule"], p["message"], p["keys"], p["severity"], p["scope"], p["section"], p["page"], p["line"],
                 p["evidence"]) for p in mine] == [
            (p.rule, p.message, p.keys, p.severity, p.scope, p.section, p.page, p.line, p.evidence)
            for p in report.problems if not p.rule.startswith("cross_year")], name


def test_facts_keep_no_copy_of_their_sentence(parsed):
    store = Store(":memory:")
    n = 0
    for name, sha, report in parsed:
        store.save(report, name, sha)
        n += len(report.facts)
    copies = next(store.db.query("select count(*) as n from facts where sentence is not null"))["n"]
    assert n > 20 and copies == 0


def test_labels_are_stored_once(parsed):
    store = Store(":memory:")
    for name, sha, report in parsed:
        store.save(report, name, sha)
    label = "一、本年新收政府信息公开申请数量"
    assert next(store.db.query("select count(*) as n from texts where text = ?", [label]))["n"] == 1
    uses = next(store.db.query("select count(*) as n from printed_rows r join texts t on t.id = r.label_id "
                               "where t.text = ?", [label]))["n"]
    assert uses >= 5


def test_the_cells_view_can_be_updated(parsed):
    store = Store(":memory:")
    name, sha, report = parsed[3]
    _, rid = store.save(report, name, sha)
    before = store.cell(rid, "apply.new.total")
    store.db.execute("update cells set status = 'uncertain', value = null where report_id = ? and key = ?",
                     [rid, "apply.new.total"])
    after = store.cell(rid, "apply.new.total")
    assert after["status"] == "uncertain" and after["value"] is None and after["raw"] == before["raw"]
    store.db.execute("update cells set status = 'number', value = 4, raw = '4' where report_id = ? and key = ?",
                     [rid, "apply.new.total"])
    assert store.cell(rid, "apply.new.total")["value"] == 4 and store.cell(rid, "apply.new.total")["raw"] == "4"
    assert store.cell(rid, "apply.new.total")["row_text"] == before["row_text"]


def test_a_rollback_forgets_the_ids_it_handed_out(parsed, monkeypatch):
    store = Store(":memory:")
    name, sha, report = parsed[0]

    def fail(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert_coverage", fail)
    with pytest.raises(RuntimeError):
        store.save(report, name, sha)
    monkeypatch.undo()
    _, rid = store.save(report, name, sha)  # ids handed out in the failed transaction are not reused as if written
    assert [c["row_text"] for c in store.cells(rid).values()] == [c.row_text for c in report.cells.values()]


# --------------------------------------------------------------------------- rankings over the compact cells


@pytest.mark.parametrize("key", ["apply.new.total", "apply.new.natural", "derived.open_rate", "apply.denied.legal"])
def test_rankings_and_totals_read_zeros_and_negatives_in_order(key):
    """The same ranking through the index (a headline figure: positive key id) or report by report."""
    from store import queries

    store = Store(":memory:")
    table = "derived_figures" if queries.is_derived(key) else "cell_values"
    assert (store.keys.id(key) > 0) == (key in compact.headline_keys())
    conn = store.db.conn
    conn.execute("insert into agencies (id, name) values (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f')")
    values = {1: 5, 2: 0, 3: -2, 4: 0, 5: 9, 6: 5}
    key_id = store.keys.id(key)
    for aid, v in values.items():
        conn.execute("insert into reports (id, agency_id, year, template) values (?, ?, 2022, '2021')", [aid, aid])
        conn.execute(f"insert into {table} (report_id, key_id, value, status) values (?, ?, ?, ?)",
                     [aid, key_id, v, 1 if aid == 6 else 0])
    conn.execute("insert into reports (id, agency_id, year, template) values (7, 1, 2021, '2021')")
    conn.execute(f"insert into {table} (report_id, key_id, value, status) values (7, ?, 100, 0)", [key_id])
    conn.execute("insert into reports (id, agency_id, year, template) values (8, 2, 2021, '2021')")
    conn.execute(f"insert into {table} (report_id, key_id, value, status) values (8, ?, 50, 3)", [key_id])  # blank
    top = queries.ranked(store, [key], 2022, limit=10)
    assert [(r["report_id"], r["value"]) for r in top] == [(5, 9), (1, 5), (6, 5), (2, 0), (4, 0), (3, -2)]
    assert [r["status"] for r in top][:3] == ["number", "number", "inferred"]
    low = queries.ranked(store, [key], 2022, fewest=True, limit=3)
    assert [(r["report_id"], r["value"]) for r in low] == [(3, -2), (2, 0), (4, 0)]
    assert [r["report_id"] for r in queries.ranked(store, [key], 2022, [2, 3, 4], limit=2)] == [2, 4]
    assert [r["report_id"] for r in queries.ranked(store, [key], 2021)] == [7]  # a blank cell holds no figure
    assert queries.total(store, [key], 2022) == {"value": 17, "with": 6, "inferred": 1}
    assert queries.total(store, [key], 2022, [1, 3])["value"] == 3
    assert queries.ranked(store, ["no.such.key"], 2022) == []


# --------------------------------------------------------------------------- migrating a database in place

_OLD_INSERTS = {  # how the code before the compact store wrote a report (store/db.py before m008)
    "cells": "insert into cells (report_id, key, value, raw, status, page, line, row_text) values (?, ?, ?, ?, ?, ?, ?, ?)",
    "passages": "insert into passages (report_id, seq, section, text, page, line) values (?, ?, ?, ?, ?, ?)",
    "problems": "insert into problems (report_id, rule, message, keys, severity, scope, section, page, line, evidence) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "coverage": "insert into coverage (report_id, table_id, expected, matched, cut) values (?, ?, ?, ?, ?)",
    "facts": f"insert into facts (report_id, {', '.join(FACT_COLUMNS)}) values (?{', ?' * len(FACT_COLUMNS)})",
}


def _write_old(conn, report_id: int, report, problems: list[dict], agency_id: int) -> None:
    from store.queries import derived_figures

    conn.executemany(_OLD_INSERTS["cells"], [(report_id, c.key, c.value, c.raw, c.status, c.page, c.line, c.row_text)
                                              for c in report.cells.values()])
    conn.executemany(_OLD_INSERTS["passages"], [(report_id, p.seq, p.section, p.text, p.page, p.line)
                                                 for p in report.passages])
    conn.executemany(_OLD_INSERTS["problems"], [
        (report_id, p["rule"], p["message"], json.dumps(p["keys"], ensure_ascii=False), p["severity"], p["scope"],
         p["section"], p["page"], p["line"], p["evidence"]) for p in problems])
    conn.executemany(_OLD_INSERTS["coverage"], [(report_id, c.table, c.expected, c.matched, int(c.cut))
                                                 for c in report.coverage])
    conn.executemany(_OLD_INSERTS["facts"], [(report_id, *(getattr(f, c) for c in FACT_COLUMNS)) for f in report.facts])
    year, template = report.meta.year, report.meta.template or "2021"
    plain = {k: (c.value, c.status) for k, c in report.cells.items()}
    figures = [(k, year, v, report_id, agency_id, s) for k, (v, s) in plain.items()
               if s in ("number", "inferred") and v is not None]
    figures += [(k, year, v, report_id, agency_id, s) for k, v, s in derived_figures(plain, template)]
    conn.executemany("insert or replace into figures values (?, ?, ?, ?, ?, ?)", figures)


def _old_database(path: Path, fresh: Store, parsed) -> None:
    """A database as the code before the compact store left it: its schema (the steps before
    ``m008_compact_store``), the same agencies and reports as ``fresh``, every row in the old form."""
    db = sqlite_utils.Database(connect(str(path)))
    conn = db.conn
    MIGRATIONS.apply(db, stop_before="m008_compact_store")
    assert pending(db) == ["m008_compact_store"]
    conn.execute("BEGIN")
    for table in ("agencies", "reports"):
        rows = list(fresh.db.query(f"select * from {table} order by id"))
        cols = list(rows[0])
        conn.executemany(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                         [[r[c] for c in cols] for r in rows])
    for name, _, report in parsed:
        rep = next(fresh.db.query("select id, agency_id from reports where file = ?", [name]), None)
        if rep is None:  # replaced by a later file of the same agency and year
            continue
        _write_old(conn, rep["id"], report, fresh.problems(rep["id"]), rep["agency_id"])
    conn.execute("COMMIT")
    assert "passages_fts" in db.table_names() and "figures" in db.table_names()
    assert next(db.query("select count(*) as n from passages_fts where passages_fts match ?", ['"政府信息"']))["n"] > 0
    conn.close()


def _snapshot(store: Store) -> dict:
    """Everything a reader gets from a store: cells, values, passages, facts, findings, coverage,
    reports, the export, the show page, answers."""
    from bot.engine import Answerer
    from store.export import write_export
    from store.show import render_report

    out: dict = {"reports": store.reports(), "agencies": store.agencies(), "stats": store.stats(),
                 "finding_counts": store.finding_counts()}
    for r in store.reports():
        rid = r["id"]
        out[rid] = {"cells": store.cells(rid), "values": store.values(rid), "passages": store.passages(rid),
                    "facts": store.facts_for(rid), "coverage": store.coverage(rid),
                    "findings": [{k: v for k, v in f.items() if k != "id"} for f in store.findings(rid)],
                    "show": render_report(store, rid),
                    "derived": sorted((d["key"], d["value"], d["status"]) for d in store.db.query(
                        "select k.key, d.value, d.status from derived_figures d join cell_keys k on k.id = d.key_id "
                        "where d.report_id = ?", [rid]))}
    for fmt in ("csv", "json"):
        buf = io.StringIO()
        write_export(store, buf, fmt)
        out["export_" + fmt] = buf.getvalue()
    answerer = Answerer(store)
    questions = []
    for r in store.reports():
        name, year = r["short_name"] or r["agency"], r["year"]
        questions += [f"{name}{year}年收到几件申请", f"{name}{year}年予以公开多少件", f"{name}{year}年行政处罚多少",
                      f"{name}{year}年不予公开几件", f"{name}{year}年行政复议多少件", f"{name}{year}年主动公开多少条",
                      f"{name}历年收到申请", f"{name}{year}年的报告有什么问题"]
    questions += [f"{y}年收到申请最多的单位" for y in range(2019, 2025)]
    questions += [f"{y}年所有单位一共收到多少申请" for y in range(2019, 2025)]
    questions += [f"{y}年不予公开最少的3个单位" for y in range(2019, 2025)]
    out["answers"] = [(q, a.status, a.value, a.text) for q in questions for a in [answerer.answer(q)]]
    return out


def test_an_old_database_migrates_in_place_and_answers_the_same(parsed, tmp_path):
    fresh = Store(tmp_path / "fresh.db")  # the same reports written by the compact code
    for name, sha, report in parsed:
        fresh.save(report, name, sha)
    old_path = tmp_path / "old.db"
    _old_database(old_path, fresh, parsed)
    old_cells = {}  # what the old wide table held, read before migrating
    raw = sqlite_utils.Database(connect(str(old_path)))
    for r in raw.query("select * from cells order by report_id, rowid"):
        old_cells.setdefault(r["report_id"], {})[r["key"]] = r
    old_problems = {r["id"]: (r["report_id"], r["rule"], r["message"], json.loads(r["keys"]))
                    for r in raw.query("select * from problems")}
    old_size = old_path.stat().st_size
    raw.conn.close()

    migrated = Store(old_path)
    assert not pending(migrated.db)
    assert "passages_fts" not in migrated.db.table_names() and "figures" not in migrated.db.table_names()
    for rid, cells in old_cells.items():  # every cell as the wide table held it
        assert migrated.cells(rid) == cells
    assert {p["id"]: (p["report_id"], p["rule"], p["message"], p["keys"]) for p in migrated.problems()} == old_problems
    before, after = _snapshot(fresh), _snapshot(migrated)
    for key in before:
        if key in ("reports",):
            continue
        assert after[key] == before[key], key
    assert [{k: v for k, v in r.items() if k != "problem_count"} for r in after["reports"]] == [
        {k: v for k, v in r.items() if k != "problem_count"} for r in before["reports"]]
    answered = [a for a in after["answers"] if a[2] is not None]
    assert len(answered) > 30  # the comparison covers real answers, not only refusals
    migrated.db.execute("VACUUM")
    migrated.close()
    assert old_path.stat().st_size < old_size / 2  # and the database is much smaller
    assert Store(old_path).ensure_schema() == []  # migrated once: opening again writes nothing


def _counts(store: Store) -> dict:
    return {(k, y): (n, i, w, f, z) for k, y, n, i, w, f, z in store.db.conn.execute("select * from figure_counts") if n}


def _counted_afresh(store: Store) -> dict:
    out = {}
    for table in ("cell_values", "derived_figures"):
        for k, y, values in store.db.conn.execute(
                f"select c.key_id, r.year, json_group_array(json_array(c.value, c.status)) from {table} c "
                "join reports r on r.id = c.report_id where c.key_id > 0 and c.status < 2 and c.value is not null "
                "group by 1, 2"):
            values = json.loads(values)
            whole = [v for v, _ in values if float(v).is_integer()]
            out[(k, y)] = (len(values), sum(s == 1 for _, s in values), int(sum(whole)), len(values) - len(whole),
                           sum(v == 0 for v, _ in values))
    return out


def test_the_counts_totals_read_follow_every_change(parsed, tmp_path):
    from store import queries

    store = Store(tmp_path / "counts.db")
    for name, sha, report in parsed:
        store.save(report, name, sha)
    assert _counts(store) == _counted_afresh(store) and len(_counts(store)) > 50
    name, sha, report = parsed[0]  # the same report again, changed: replaced
    report.cells["apply.new.total"].value += 5
    report.cells["apply.new.total"].raw = None
    store.save(report, name, "another sha")
    rid = next(store.db.query("select id from reports where sha256 = 'another sha'"))["id"]
    store.db.execute("update cells set status = 'uncertain', value = null where report_id = ? and key = ?",
                     [rid, "apply.granted.total"])
    store.db.execute("update cells set value = 12 where report_id = ? and key = ?", [rid, "review.total"])
    store.db.execute("delete from cells where report_id = ? and key = ?", [rid, "active.license.decisions"])
    assert _counts(store) == _counted_afresh(store)
    year = store.report(rid)["year"]
    fast = queries.total(store, ["apply.new.total"], year)
    slow = queries.total(store, ["apply.new.total"], year, [a["id"] for a in store.agencies()])
    assert fast == slow and fast["with"] >= 1
    everyone = [a["id"] for a in store.agencies()]
    rate = store.keys.find("derived.open_rate")  # a ratio: fractions, and a 0 the ranking index must hold
    zero = next(store.db.query("select d.report_id from derived_figures d join reports r on r.id = d.report_id "
                               "where d.key_id = ? and r.year = ? and d.status < 2", [rate, year]))["report_id"]
    store.db.execute("update derived_figures set value = 0 where report_id = ? and key_id = ?", [zero, rate])
    for key in ("apply.new.total", "apply.denied.total", "derived.open_rate", "apply.new.natural"):
        with_ = queries.total(store, [key], year)["with"]
        assert queries.holding(store, [key], year) == queries.holding(store, [key], year, everyone) == with_
        for fewest in (False, True):  # the index (every agency) and report by report (a region) agree
            fast = [(r["report_id"], r["value"]) for r in queries.ranked(store, [key], year, fewest=fewest)]
            slow = [(r["report_id"], r["value"]) for r in queries.ranked(store, [key], year, everyone, fewest=fewest)]
            assert fast == slow, (key, fewest)
    assert (zero, 0) in [(r["report_id"], r["value"]) for r in queries.ranked(store, ["derived.open_rate"], year,
                                                                               fewest=True)]
    with pytest.raises(Exception, match="year"):
        store.db.execute("update reports set year = year + 1 where id = ?", [rid])
    store.close()
    migrated = Store(tmp_path / "counts.db")  # reopening changes nothing
    assert _counts(migrated) == _counted_afresh(migrated)
