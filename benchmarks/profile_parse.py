"""Where parsing spends its time: cProfile over reading and parsing many reports, the top functions printed.

    .venv/bin/python benchmarks/profile_parse.py [--source synthetic|realworld|both] [-n 200]
                                                 [--sort cumulative|tottime] [--top 40] [--save FILE]

``synthetic``: the reports ``benchmarks/bench_ingest.py`` generates (``-n`` of them, one in three HTML);
``realworld``: every report of the four corpora in ``../shared/realworld``.  Each file is read (bytes to
a document) and parsed (document to records, the audit included) as ingest does in a worker, without
the store.  Prints milliseconds per report for reading and for parsing (CPU time, so other processes
on the machine matter little; measured once without the profiler, whose overhead is high), then the
profile.  ``--save`` writes the raw profile for ``snakeviz`` or ``pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]
REALWORLD = Path(os.environ.get("DISCLOSURE_BOT_REALWORLD") or ROOT.parent / "shared" / "realworld")


def files_of(source: str, n: int, tmp: Path) -> list[Path]:
    out: list[Path] = []
    if source in ("synthetic", "both"):
        from bench_ingest import make_reports

        made = make_reports(n, tmp)
        out += made["text"] + made["html"]
    if source in ("realworld", "both"):
        out += sorted(p for c in "abcd" for p in (REALWORLD / c / "reports").glob("*") if p.is_file())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", choices=("synthetic", "realworld", "both"), default="synthetic")
    ap.add_argument("-n", type=int, default=200, help="synthetic reports (default 200)")
    ap.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--save", help="write the raw profile here")
    args = ap.parse_args()

    from store.document import ReadError
    from store.parse import parse_document
    from store.readers import read_bytes

    with tempfile.TemporaryDirectory() as d:
        files = files_of(args.source, args.n, Path(d))
        data = [(f.name, f.read_bytes()) for f in files]

    # warm up: the template, the gazetteer, OpenCC and the regular expressions are loaded once per process
    parse_document(read_bytes(data[0][1], data[0][0]))

    def read_all():
        return [read_bytes(blob, name) for name, blob in data]

    def parse_all(docs):
        for doc in docs:
            try:
                parse_document(doc)
            except ReadError:
                pass

    t = time.process_time()
    docs = read_all()
    read_s = time.process_time() - t
    t = time.process_time()
    parse_all(docs)
    parse_s = time.process_time() - t
    print(f"{len(data)} reports ({args.source}): read {1000 * read_s / len(data):.2f} ms, "
          f"parse {1000 * parse_s / len(data):.2f} ms per report (CPU; without the profiler) — "
          f"{len(data) / (read_s + parse_s):.1f} reports/s read + parse on one core")

    try:  # the profiled pass starts with what a fresh worker remembers (nothing but the warm-up report)
        from store.parse.memo import forget_all
    except ImportError:  # a revision without the caches
        def forget_all():
            pass
    forget_all()
    parse_document(read_bytes(data[0][1], data[0][0]))
    prof = cProfile.Profile()
    prof.enable()
    parse_all(read_all())
    prof.disable()
    if args.save:
        prof.dump_stats(args.save)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    text = out.getvalue()
    print(text[text.index("ncalls") if "ncalls" in text else 0:].rstrip())


if __name__ == "__main__":
    main()
