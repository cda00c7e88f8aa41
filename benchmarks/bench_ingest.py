"""Ingest benchmark: synthetic reports of many agencies, years and layouts, text and HTML.

    .venv/bin/python benchmarks/bench_ingest.py [-n 300] [--workers 1] [--keep DIR]

Prints, per format: reports per second (read + parse + check + store, one SQLite database per
format) and per core, database bytes per report, the time ``Store.save`` takes per report (the
store's share of ingest: one transaction per report), the bytes per report of every table and index
(SQLite's ``dbstat``), and the peak memory of the process.

The reference, measured in the same run: the **floor** — reading the same files (bytes and SHA-256)
plus inserting the same rows (every row the project stored for each report, in every table keyed
by report, plus its agency) with sqlite-utils into a database with the project's schema and
settings, one transaction per report, each table's rows by one ``executemany`` as ``Store.save``
inserts them.  A parser costing nothing would ingest at the floor's rate: each format's reports/s
per core is printed as a ratio to it.  The same insert through sqlite-utils' ``insert_all`` (slower:
it looks at every row in Python) is printed beside it.  The reports come from
``tests/synth.py``, the renderer the property tests use: every layout the real samples show, both
template versions, consistent figures and some that break the 勾稽关系, a few rows that lost a cell.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from store.db import Store  # noqa: E402
from store.ingest import ingest, read_file, sha256_of  # noqa: E402
from store.template import version_for_year  # noqa: E402
from synth import TEXT_LAYOUTS, arbitrary_figures, consistent_figures, render, template_keys  # noqa: E402

DISTRICTS = [("湖北省", "武汉市", "江岸区"), ("湖北省", "武汉市", "江汉区"), ("安徽省", "淮北市", "相山区"),
             ("河南省", "洛阳市", "老城区"), ("浙江省", "杭州市", "西湖区"), ("广东省", "广州市", "越秀区"),
             ("四川省", "成都市", "锦江区"), ("江苏省", "南京市", "鼓楼区"), ("山东省", "济南市", "历下区"),
             ("湖南省", "长沙市", "岳麓区")]
STREETS = ["后湖", "西关", "天坛", "西岗", "东风", "南湖", "北山", "新华", "建设", "解放", "人民", "和平", "胜利",
           "朝阳", "长江", "黄河", "青山", "白沙", "花园", "滨江"]


def make_reports(n: int, out: Path, seed: int = 0) -> dict[str, list[Path]]:
    rng = random.Random(seed)
    files: dict[str, list[Path]] = {"text": [], "html": []}
    for i in range(n):
        province, city, district = rng.choice(DISTRICTS)
        street = rng.choice(STREETS)
        year = rng.randint(2019, 2024)
        version = version_for_year(year)
        fmt = "html" if i % 3 == 0 else "text"
        layout = "html" if fmt == "html" else rng.choice(TEXT_LAYOUTS)
        figures = consistent_figures(rng, version) if rng.random() < 0.8 else arbitrary_figures(rng, version)
        lose = frozenset(rng.sample(template_keys(version), 1)) if rng.random() < 0.1 else frozenset()
        kw = {} if layout == "html" else {"page_break": rng.choice([None, None, "plain", "header"])}
        text = render(figures, version, layout, agency=f"{district}人民政府{street}街道办事处", year=year,
                      region=f"{province}{city}{district}", lose=lose, narrative=rng.randint(2, 12), **kw)
        path = out / fmt / f"{i:05d}_{street}_{year}.{'html' if fmt == 'html' else 'txt'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        enc = rng.choice(["utf-8", "utf-8-sig", "gb18030"]) if fmt == "text" else "utf-8"
        path.write_bytes(text.encode(enc))
        files[fmt].append(path)
    return files


def timed_saves(store: Store) -> list[float]:
    """Time every ``store.save`` call (seconds, appended to the list returned)."""
    times: list[float] = []
    save = store.save

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return save(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - t)

    store.save = timed
    return times


def table_bytes(db_path: Path) -> dict[str, int]:
    """Bytes of every table and index of a database (``dbstat``; empty when SQLite lacks it)."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return dict(conn.execute("select name, sum(pgsize) from dbstat group by name"))
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stored_rows(store: Store) -> tuple[dict[str, dict], dict[int, dict]]:
    """What the project stored, to be inserted again by the floor: file -> {table: rows} for every
    table with a ``report_id`` column (and the ``reports`` row itself), and the agencies by id."""
    db = store.db
    fts = {t.name for t in db.tables if t.name.endswith("_fts")}
    keyed = [t.name for t in db.tables if "report_id" in t.columns_dict and t.name != "reports"
             and not any(t.name.startswith(f + "_") for f in fts)]
    by_id: dict[int, dict] = {r["id"]: {"reports": [r]} for r in db["reports"].rows}
    for table in keyed:
        for row in db[table].rows:
            if row["report_id"] in by_id:
                by_id[row["report_id"]].setdefault(table, []).append(row)
    agencies = {r["id"]: r for r in db["agencies"].rows}
    return {rows["reports"][0]["file"]: rows for rows in by_id.values()}, agencies


def floor(files: list[Path], rows: dict[str, dict], agencies: dict[int, dict], db_path: Path,
          how: str = "executemany") -> tuple[float, int]:
    """Seconds to read ``files`` and insert ``rows``; the rows inserted.  ``how``: ``executemany``
    (one prepared statement per table, as ``Store.save`` inserts) or ``insert_all`` (sqlite-utils'
    table API, which looks at every row in Python first)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    store = Store(db_path)  # the project's schema, indexes, triggers and connection settings
    db = store.db
    seen: set[int] = set()
    inserted = 0

    def insert(table: str, table_rows: list[dict]) -> None:
        if how == "insert_all":
            db[table].insert_all(table_rows)
            return
        cols = list(table_rows[0])
        db.conn.executemany(f"insert into [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                            f"values ({', '.join('?' for _ in cols)})", [[r[c] for c in cols] for r in table_rows])

    t = time.perf_counter()
    for f in files:
        sha256_of(read_file(f))
        report = rows.get(str(f))
        if report is None:  # the project skipped it: nothing to insert
            continue
        with db.atomic():  # one transaction per report, as the project
            agency_id = report["reports"][0]["agency_id"]
            if agency_id not in seen:
                seen.add(agency_id)
                insert("agencies", [agencies[agency_id]])
                inserted += 1
            for table, table_rows in report.items():
                insert(table, table_rows)
                inserted += len(table_rows)
    secs = time.perf_counter() - t
    store.close()
    return secs, inserted


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=300, help="reports to generate (default 300; one in three HTML)")
    ap.add_argument("--workers", type=int, default=1, help="parse in N processes")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated files and databases here")
    args = ap.parse_args(argv)
    tmp = None
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_ingest_")
        work = Path(tmp.name)
    t0 = time.perf_counter()
    files = make_reports(args.n, work / "reports")
    cores = max(1, args.workers)
    print(f"generated {args.n} reports in {time.perf_counter() - t0:.1f} s "
          f"({len(files['text'])} text, {len(files['html'])} HTML) under {work}; {cores} worker(s)")
    print(f"{'format':<6} {'reports':>7} {'seconds':>8} {'reports/s':>10} {'per core':>9} {'floor/s':>8} "
          f"{'÷ floor':>8} {'KB/report':>10} {'added':>6} {'skipped':>7} {'inferred':>8} {'uncertain':>9}")
    total_reports = total_bytes = 0
    figures = {}
    notes = []
    save_notes: list[str] = []
    sizes: dict[str, tuple[int, dict[str, int]]] = {}
    for fmt in ("text", "html"):
        db_path = work / f"bench_{fmt}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        store = Store(db_path)
        saves = timed_saves(store)
        t = time.perf_counter()
        summary = ingest(store, files[fmt], workers=args.workers)
        secs = time.perf_counter() - t
        status = Counter(r["status"] for r in store.db.query("select status from cells"))
        reports = store.stats()["reports"]
        rows, agencies = stored_rows(store)
        project_rows = sum(len(v) for r in rows.values() for v in r.values()) + len(agencies)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.db.execute("VACUUM")
        store.close()
        size = db_path.stat().st_size
        sizes[fmt] = (reports, table_bytes(db_path))
        save_ms = sum(saves) / max(len(saves), 1) * 1000
        save_notes.append(f"  Store.save {fmt}: {save_ms:.2f} ms per report ({len(saves)} saves; "
                          f"{sum(saves) / secs:.0%} of the ingest time; p90 "
                          f"{sorted(saves)[int(len(saves) * 0.9)] * 1000 if saves else 0:.2f} ms)")
        floor_secs, floor_rows = floor(files[fmt], rows, agencies, work / f"floor_{fmt}.db")
        all_secs, _ = floor(files[fmt], rows, agencies, work / f"floor_{fmt}.db", how="insert_all")
        total_reports += reports
        total_bytes += size
        c = summary.counts
        rate = len(files[fmt]) / secs
        floor_rate = len(files[fmt]) / floor_secs
        figures[fmt] = (rate / cores, floor_rate, rate / cores / floor_rate)
        print(f"{fmt:<6} {len(files[fmt]):>7} {secs:>8.2f} {rate:>10.1f} {rate / cores:>9.1f} {floor_rate:>8.0f} "
              f"{rate / cores / floor_rate:>8.3f} {size / max(reports, 1) / 1024:>10.1f} "
              f"{c['added'] + c['replaced']:>6} {c['skipped']:>7} {status['inferred']:>8} {status['uncertain']:>9}")
        tables = ", ".join(sorted({t for r in rows.values() for t in r} | {"agencies"}))
        notes.append(f"  floor {fmt}: read {len(files[fmt])} files + inserted {floor_rows} rows "
                     f"({floor_rows / max(reports, 1):.0f} per report; the project stored {project_rows}; tables: "
                     f"{tables}) in {floor_secs:.2f} s with executemany, {all_secs:.2f} s with sqlite-utils "
                     f"insert_all ({len(files[fmt]) / all_secs:.0f} reports/s)")
        for f in summary.files:
            if f.outcome == "skipped":
                print(f"  skipped {f.path}: {f.message}")
    print("\n".join(notes))
    print("\n".join(save_notes))
    if all(sizes[f][1] for f in sizes):
        names = sorted({n for _, t in sizes.values() for n in t},
                       key=lambda n: -sum(t.get(n, 0) for _, t in sizes.values()))
        shown = [n for n in names if sum(t.get(n, 0) for _, t in sizes.values()) > 4096 * len(sizes)]
        rest = [n for n in names if n not in shown]
        print("bytes per report by table and index (dbstat; both formats):")
        for name in shown + (["(the rest)"] if rest else []):
            part = sum(sum(t.get(n, 0) for n in ([name] if name != "(the rest)" else rest)) for _, t in sizes.values())
            print(f"  {name:<34} {part / max(total_reports, 1):>8,.0f}")
        if rest:
            print(f"  (the rest: {len(rest)} tables and indexes of one or two pages each: "
                  f"{', '.join(rest[:8])}{', …' if len(rest) > 8 else ''})")
    per_report = total_bytes / max(total_reports, 1)
    print(f"database bytes per report (both formats): {per_report:,.0f}")
    print(f"peak memory (max RSS of this process): {peak_mb():.0f} MB")
    print("\nthe issue's figures (goal in brackets):")
    for fmt, label in (("text", "text"), ("html", "HTML")):
        per_core, floor_rate, ratio = figures[fmt]
        print(f"  {label} reports per second per core: {per_core:.1f} [≥ 200]; the floor {floor_rate:.0f}/s; "
              f"ratio to the floor {ratio:.3f}")
    print(f"  database bytes per report: {per_report:,.0f} [≤ 12 000]")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
