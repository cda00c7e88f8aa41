"""Benchmark PDF ingest: pages per second and reports per second, with 1 and with N workers.

    .venv/bin/python benchmarks/bench_pdf.py [--reports 40] [--workers 2]

Renders the five bundled samples as PDFs (ruled tables, merged cells, a table
across a page break; see tests/pdf_fixtures.py), copies them under distinct
agency names until there are ``--reports`` files, then ingests the folder into
a fresh database once with one process and once with ``--workers`` processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pdf_fixtures import render_report_pdf, sample_layout  # noqa: E402
from store.db import Store  # noqa: E402
from store.ingest import ingest  # noqa: E402
from store.samples import sample_files  # noqa: E402

STREETS = "东西南北中新安平和兴华阳山河湖江海城桥花园龙凤金银石青白红长永丰福德宁康泰明光"


def make_pdfs(folder: Path, n: int) -> int:
    """Write ``n`` PDF reports; returns the number of pages written."""
    layouts = [sample_layout(f) for f in sample_files()]
    pages = 0
    for i in range(n):
        report, content = layouts[i % len(layouts)]
        name = STREETS[i % len(STREETS)] + STREETS[(i // len(STREETS)) % len(STREETS)] + "街道"
        old = report.meta.agency or ""
        old_short = report.meta.short_name or old
        renamed = [(k, v.replace(old, name + "办事处").replace(old_short, name)) if k == "text" else (k, v)
                   for k, v in content]
        report.meta.title = (report.meta.title or "").replace(old_short, name)
        data = render_report_pdf(report, renamed)
        report.meta.title = report.meta.title.replace(name, old_short)
        (folder / f"{i:04d}.pdf").write_bytes(data)
        pages += data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    return pages


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(folder: Path, workers: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (this process and its workers) and reports stored."""
    with tempfile.TemporaryDirectory() as d:
        store = Store(Path(d) / "bench.db")
        t, cpu = time.perf_counter(), _cpu()
        summary = ingest(store, [folder], workers=workers)
        return time.perf_counter() - t, _cpu() - cpu, summary.count("added")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        t = time.perf_counter()
        pages = make_pdfs(folder, args.reports)
        print(f"rendered {args.reports} PDF reports ({pages} pages) in {time.perf_counter() - t:.1f} s")
        print(f"{os.cpu_count()} CPUs, load average before the runs {os.getloadavg()[0]:.2f} "
              "(other processes on the machine slow the wall-clock figures; CPU seconds do not depend on them)")
        for workers in (1, args.workers):
            secs, cpu, added = run(folder, workers)
            print(f"workers={workers}: {added} reports stored in {secs:.2f} s — {pages / secs:.1f} pages/s, "
                  f"{added / secs:.2f} reports/s; {cpu:.1f} CPU s ({1000 * cpu / pages:.0f} ms CPU per page), "
                  f"load average after {os.getloadavg()[0]:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory (RSS): this process {peak:.0f} MB, largest worker {children:.0f} MB")


if __name__ == "__main__":
    main()
