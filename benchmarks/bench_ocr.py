"""Benchmark OCR of scanned reports: seconds per page, peak memory, and every cell compared.

    .venv/bin/python benchmarks/bench_ocr.py [--generated 4] [--scans clean,rough] [--workers 2]

Renders the five bundled samples and ``--generated`` generated reports (figures of several digits that
satisfy the 勾稽关系) to PDF, scans every page (tests/ocr_fixtures.py: ``clean`` = 200 dpi;
``rough`` = 150 dpi, turned 0.6°, blurred, JPEG 60, a red seal over a table), reads the image-only PDFs
and compares every cell with the report the text gave: right / uncertain / wrong, agency and year.

Reference measured in the same run: pdfplumber reading the same reports from their text layer.  Peak
memory is the process's resident high-water mark while one report is read (reset before each report
through /proc/self/clear_refs), so it shows whether memory grows with the number of pages.  With
``--workers N`` the rough scans are also ingested by N processes (wall time against one process).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from ocr_fixtures import CLEAN, ROUGH, compare_cells, generated_report, scanned_pdf  # noqa: E402
from pdf_fixtures import render_sample_pdf  # noqa: E402
from store.parse import parse_document  # noqa: E402
from store.readers import ocr  # noqa: E402
from store.readers.pdf import read_pdf  # noqa: E402
from store.samples import sample_files  # noqa: E402


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", type=int, default=4)
    ap.add_argument("--scans", default="clean,rough")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    if not ocr.available():
        sys.exit(f"the OCR engine is not installed: {ocr.ENABLE}")

    reports = [(f.name[:3], *render_sample_pdf(f)) for f in sample_files()]
    reports += [(f"gen{seed}", *generated_report(seed)) for seed in range(100, 100 + args.generated)]
    t = time.perf_counter()
    ocr.engine()
    print(f"engine loaded in {time.perf_counter() - t:.2f} s; resident {_status_kb('VmRSS') / 1024:.0f} MB")

    # the reference: the text layer of the same reports
    ref_s, ref_pages = 0.0, 0
    for _, data, _ in reports:
        t = time.perf_counter()
        doc = read_pdf(data)
        ref_s += time.perf_counter() - t
        ref_pages += doc.pages
    print(f"text layer (pdfplumber): {ref_pages} pages, {ref_s / ref_pages:.3f} s/page")

    scans = {"clean": CLEAN, "rough": ROUGH}
    for name in args.scans.split(","):
        scan = scans[name]
        totals = {"right": 0, "uncertain": 0, "wrong": 0}
        secs, cpu, pages, meta_ok, peaks, grown = 0.0, 0.0, 0, 0, [], []
        for label, data, truth in reports:
            image_pdf = scanned_pdf(data, scan)
            _reset_peak()
            before = _status_kb("VmRSS")
            t, c = time.perf_counter(), time.process_time()
            doc = read_pdf(image_pdf)
            secs += time.perf_counter() - t
            cpu += time.process_time() - c
            peaks.append(_status_kb("VmHWM"))
            grown.append(peaks[-1] - before)
            pages += doc.pages
            got = parse_document(doc)
            result = compare_cells(truth, got)
            for k in totals:
                totals[k] += len(result[k])
            ok = got.meta.agency == truth.meta.agency and got.meta.year == truth.meta.year
            meta_ok += ok
            print(f"  {name} {label}: {doc.pages} pages, right {len(result['right'])}, uncertain "
                  f"{len(result['uncertain'])}, wrong {len(result['wrong'])}{'' if ok else ', agency/year WRONG'}")
            for w in result["wrong"]:
                print(f"    wrong {w}")
        cells = sum(totals.values())
        print(f"{name}: {len(reports)} reports, {pages} pages: cells right {totals['right']}/{cells} "
              f"({totals['right'] / cells:.1%}), uncertain {totals['uncertain']}, wrong {totals['wrong']}; "
              f"agency and year right {meta_ok}/{len(reports)}")
        print(f"{name}: {secs / pages:.2f} s/page wall, {cpu / pages:.2f} s/page CPU "
              f"({secs / pages / (ref_s / ref_pages):.0f}x the text layer); peak resident per report "
              f"{min(peaks) / 1024:.0f}-{max(peaks) / 1024:.0f} MB (above the resident size before the read: "
              f"{min(grown) / 1024:.0f}-{max(grown) / 1024:.0f} MB)")

    if args.workers > 1:
        from store.db import Store
        from store.ingest import ingest

        with tempfile.TemporaryDirectory() as d:
            folder = Path(d) / "scans"
            folder.mkdir()
            for label, data, _ in reports:
                (folder / f"{label}.pdf").write_bytes(scanned_pdf(data, ROUGH))
            for workers in (1, args.workers):
                store = Store(Path(d) / f"w{workers}.db")
                t = time.perf_counter()
                summary = ingest(store, [folder], workers=workers)
                wall = time.perf_counter() - t
                stored = summary.count("added") + summary.count("replaced")
                print(f"ingest --workers {workers}: {stored} scanned reports ({sum(1 for _ in folder.iterdir())} files) "
                      f"in {wall:.1f} s")
                store.close()
    print(f"(cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
