"""Ingest benchmark: synthetic reports of many agencies, years and layouts, text and HTML.

    .venv/bin/python benchmarks/bench_ingest.py [-n 300] [--workers 1] [--keep DIR]

Prints, per format: reports per second (read + parse + check + store, one SQLite database per
format), database bytes per report, and the peak memory of the process.  The reports come from
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
from store.ingest import ingest  # noqa: E402
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    print(f"generated {args.n} reports in {time.perf_counter() - t0:.1f} s "
          f"({len(files['text'])} text, {len(files['html'])} HTML) under {work}")
    print(f"{'format':<6} {'reports':>7} {'seconds':>8} {'reports/s':>10} {'KB/report':>10} {'added':>6} "
          f"{'skipped':>7} {'inferred':>8} {'uncertain':>9}")
    total_reports = total_bytes = 0
    for fmt in ("text", "html"):
        db_path = work / f"bench_{fmt}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        store = Store(db_path)
        t = time.perf_counter()
        summary = ingest(store, files[fmt], workers=args.workers)
        secs = time.perf_counter() - t
        status = Counter(r["status"] for r in store.db.query("select status from cells"))
        reports = store.stats()["reports"]
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.db.execute("VACUUM")
        store.close()
        size = db_path.stat().st_size
        total_reports += reports
        total_bytes += size
        c = summary.counts
        print(f"{fmt:<6} {len(files[fmt]):>7} {secs:>8.2f} {len(files[fmt]) / secs:>10.1f} "
              f"{size / max(reports, 1) / 1024:>10.1f} {c['added'] + c['replaced']:>6} {c['skipped']:>7} "
              f"{status['inferred']:>8} {status['uncertain']:>9}")
        for f in summary.files:
            if f.outcome == "skipped":
                print(f"  skipped {f.path}: {f.message}")
    print(f"database bytes per report (both formats): {total_bytes / max(total_reports, 1):,.0f}")
    print(f"peak memory (max RSS of this process): {peak_mb():.0f} MB")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
