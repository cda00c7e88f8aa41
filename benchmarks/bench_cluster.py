"""Cluster benchmark: ingest on a Dask cluster with 1 and 2 workers, the local process pool as the reference.

    .venv/bin/python benchmarks/bench_cluster.py [-n 300] [--workers 1 2] [--keep DIR]

Generates the reports of ``bench_ingest.py`` (text and HTML, one in three HTML), then ingests the
same batch, each time into a new database, with the local pool of N processes and with a Dask
``LocalCluster`` of N worker processes (one thread each, as ``deploy/README.md`` advises), and prints
reports per second, the Dask rate as a ratio to the local pool's with the same N (measured in the
same run), how busy the one SQLite writer was, and whether both stored the same cells (for the
agency-years with one file in the batch: of two files for the same agency and year, the one stored
last is kept, and Dask stores in the order the parses finish).

The cluster is started, and its workers have imported the parser, before the clock starts: a
back-fill runs for hours, so the steady rate is the figure that matters.  On this 2-core machine
the cluster adds its scheduler and the transport of every file and parsed report; across machines
the workers add cores while the writer stays one process (its busy share says how far that goes).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_ingest import make_reports  # noqa: E402
from store.db import Store  # noqa: E402
from store.executors import DaskExecutor, LocalPoolExecutor  # noqa: E402
from store.export import export_rows  # noqa: E402
from store.ingest import ingest  # noqa: E402


def _warm() -> int:
    """On a worker: import the parser (as the first file would)."""
    import store.ingest  # noqa: F401
    import store.parse  # noqa: F401

    return os.getpid()


def run(files: list[Path], db_path: Path, executor) -> tuple[float, float, list[dict], set]:
    """Seconds for the batch, seconds the writer spent saving, the exported cells, and the
    (agency, year) pairs that more than one file of the batch had (the one stored last is kept)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    store = Store(db_path)
    saving = 0.0
    real_save = store.save

    def timed_save(*a, **k):
        nonlocal saving
        t = time.perf_counter()
        try:
            return real_save(*a, **k)
        finally:
            saving += time.perf_counter() - t

    store.save = timed_save
    t = time.perf_counter()
    summary = ingest(store, files, executor=executor)
    secs = time.perf_counter() - t
    cells = list(export_rows(store))
    store.close()
    files_of = Counter((f.agency, f.year) for f in summary.files if f.outcome in ("added", "replaced"))
    return secs, saving, cells, {k for k, n in files_of.items() if n > 1}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=300, help="reports to generate (default 300)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated files and databases here")
    args = ap.parse_args(argv)
    import distributed

    logging.getLogger("distributed").setLevel(logging.ERROR)
    tmp = None
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_cluster_")
        work = Path(tmp.name)
    made = make_reports(args.n, work / "reports")
    files = sorted(made["text"] + made["html"])
    print(f"{len(files)} reports ({len(made['text'])} text, {len(made['html'])} HTML); {os.cpu_count()} cores here; "
          f"distributed {distributed.__version__}")
    print(f"{'executor':<28} {'seconds':>8} {'reports/s':>10} {'÷ local':>8} {'writer busy':>12} {'same cells':>11}")
    twice: set = set()
    for n in args.workers:
        with LocalPoolExecutor(n) as ex:
            secs, saving, reference, twice = run(files, work / f"local_{n}.db", ex)
        local_rate = len(files) / secs
        print(f"{'local pool, ' + str(n) + ' process' + ('es' if n > 1 else ''):<28} {secs:>8.2f} {local_rate:>10.1f} "
              f"{1.0:>8.2f} {saving / secs:>11.0%} {'-':>11}")
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as cluster, \
                distributed.Client(cluster, set_as_default=False) as client:
            client.run(_warm)
            with DaskExecutor(client=client) as ex:
                secs, saving, cells, dtwice = run(files, work / f"dask_{n}.db", ex)
        rate = len(files) / secs
        once = [c for c in reference if (c["agency"], c["year"]) not in twice]
        same = "yes" if dtwice == twice and [c for c in cells if (c["agency"], c["year"]) not in twice] == once \
            else "NO"
        print(f"{'Dask LocalCluster, ' + str(n) + ' worker' + ('s' if n > 1 else ''):<28} {secs:>8.2f} {rate:>10.1f} "
              f"{rate / local_rate:>8.2f} {saving / secs:>11.0%} {same:>11}")
    print(f"same cells: every report of an agency and year that one file of the batch had; the batch has "
          f"{len(twice)} agency-years with two files or more, where the file stored last is kept (in file order "
          f"with the local pool, in the order they finish with Dask)")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
