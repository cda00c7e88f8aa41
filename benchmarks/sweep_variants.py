"""Sweep: the real pages of corpus c re-rendered in every layout of ``tests/variants.py``, scored cell by cell.

    .venv/bin/python benchmarks/sweep_variants.py [--layouts a,b] [--files c001,c002] [--seeds N] [--show N]
    .venv/bin/python benchmarks/sweep_variants.py --meta [--names N] [--show N]

Prints, per layout: cells right / wrong / false blank / flagged (of c's verified table cells), and the
reports whose agency and year were read right.  Wrong and false blank must be 0.  Needs the corpus
(``../shared/realworld``); the markdown layouts need ``html2text`` and ``markdownify`` (skipped without).
Not a test: it parses every page in every layout (a few minutes).

``--meta``: the department pages of c as the reports of other bodies (``variants.body_names``: district
departments, towns, streets, zones, provincial departments, ministries, 税务局, 海关, 气象局 across
provinces), each title shape of ``variants.title_shapes``, as HTML and as text; prints per title shape
and per kind of body the reports whose agency and year were read right.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent)]

from realworld_corpus import REALWORLD, load  # noqa: E402
from variants import (LAYOUTS, OCR_LAYOUTS, agency_right, body_names, page_from_html, render, score,  # noqa: E402
                      title_shapes, to_html, to_text, with_agency)

from store.parse import parse_document  # noqa: E402
from store.readers import read_bytes  # noqa: E402


def available(layout: str) -> bool:
    if layout in OCR_LAYOUTS:
        import shutil

        return shutil.which("tesseract") is not None
    for lib in ("html2text", "markdownify"):
        if layout.startswith(lib):
            try:
                __import__(lib)
            except ImportError:
                return False
    return True


def to_simplified(name: str | None) -> str | None:
    from store.parse import script

    return script.to_simplified(name) if name else name


def sweep_meta(manifest: dict, names: int, show: int) -> int:
    import random

    rng = random.Random(7)
    files = [f for f, m in sorted(manifest.items()) if m["agency"] != m.get("short_agency") or "局" in m["agency"]
             or "办公室" in m["agency"]]
    bodies = body_names(rng, names)
    by_shape, by_kind, shown = collections.Counter(), collections.Counter(), []
    n_shape, n_kind = collections.Counter(), collections.Counter()
    for k, (kind, name, short) in enumerate(bodies):
        f = files[k % len(files)]
        m = manifest[f]
        page = page_from_html(REALWORLD / "c" / m["file"])
        for shape in title_shapes(name, m["year"]):
            for fmt in ("html", "txt"):
                variant = with_agency(page, m["agency"], name, m["year"], shape, signature=k % 2 == 0, rng=rng)
                data = to_html(variant) if fmt == "html" else to_text(variant, "tabs", title=False)
                report = parse_document(read_bytes(data, f"{f}.{fmt}"))
                ok_agency = agency_right(to_simplified(report.meta.agency), {"agency": name, "short_agency": short})
                ok = ok_agency and report.meta.year == m["year"]
                by_shape[shape] += ok
                n_shape[shape] += 1
                by_kind[kind] += ok
                n_kind[kind] += 1
                if not ok:
                    shown.append(f"{kind}/{shape}/{fmt} ({f}): expect {name} {m['year']}, got "
                                 f"{report.meta.agency} {report.meta.year}")
    for label, right, n in (("title shape", by_shape, n_shape), ("body", by_kind, n_kind)):
        print(f"{label:<16} " + "  ".join(f"{k} {right[k]}/{n[k]}" for k in n))
    for line in shown[:show]:
        print("    ✗", line)
    print(f"meta: {sum(by_shape.values())}/{sum(n_shape.values())} right")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--layouts", default="", help="comma-separated; default: all but ocr_text")
    ap.add_argument("--files", default="")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--meta", action="store_true")
    ap.add_argument("--names", type=int, default=39)
    args = ap.parse_args()
    manifest = {Path(m["file"]).stem: m for m in load("c", "manifest.json")}
    if args.meta:
        return sweep_meta(manifest, args.names, args.show)
    truth = {Path(t["file"]).stem: t for t in load("c", "truth.json")}
    files = [f for f in sorted(manifest) if not args.files or f in args.files.split(",")]
    layouts = [x for x in {**LAYOUTS, **OCR_LAYOUTS} if x in args.layouts.split(",")] if args.layouts else list(LAYOUTS)
    pages = {f: page_from_html(REALWORLD / "c" / manifest[f]["file"]) for f in files}
    print(f"{'layout':<20} {'right':>6} {'wrong':>6} {'fblank':>6} {'flag':>6} {'meta':>7}  s")
    totals = collections.Counter()
    for layout in layouts:
        if not available(layout):
            print(f"{layout:<20} skipped (converter not installed)")
            continue
        tally, meta, n, shown = collections.Counter(), 0, 0, []
        t0 = time.perf_counter()
        for f in files:
            for seed in range(args.seeds):
                data, suffix = render(pages[f], layout, f"{f}:{seed}")
                try:
                    report = parse_document(read_bytes(data, f"{f}{suffix}"))
                except Exception as exc:  # a crash is a finding too
                    report = None
                    shown.append(f"{f}: {type(exc).__name__}: {exc}")
                t, bad = score(report, truth[f]["cells"])
                tally.update(t)
                n += 1
                ok = report is not None and report.meta.year == manifest[f]["year"] \
                    and agency_right(to_simplified(report.meta.agency), manifest[f])
                meta += ok
                if not ok and report is not None:
                    shown.append(f"{f}: meta {report.meta.agency} {report.meta.year}")
                shown += [f"{f}: {b}" for b in bad]
        totals.update(tally)
        print(f"{layout:<20} {tally['right']:>6} {tally['wrong']:>6} {tally['false_blank']:>6} "
              f"{tally['flagged']:>6} {meta:>3}/{n:<3}  {time.perf_counter() - t0:.0f}")
        for line in shown[:args.show]:
            print("    ✗", line)
    print(f"{'all':<20} {totals['right']:>6} {totals['wrong']:>6} {totals['false_blank']:>6} {totals['flagged']:>6}")
    return 1 if totals["wrong"] or totals["false_blank"] else 0


if __name__ == "__main__":
    sys.exit(main())
