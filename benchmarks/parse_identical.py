"""Is every parse output identical to another revision's?  The check behind speed work on the parser.

    .venv/bin/python benchmarks/parse_identical.py [--against main] [--synthetic 4] [--no-pdf] [--keep DIR]

Writes one set of input files (the five bundled samples; every synthetic layout of ``tests/synth.py``
for both template versions, with page breaks, lost cells and broken 勾稽关系; the four real corpora
of ``../shared/realworld``, each file read once alone and once with its manifest's metadata as
``ingest --manifest`` hands it; the samples as PDFs, ruled and unruled, with a table across a page
break, a repeated header and a split row, a scanned page when the OCR engine is installed, and as
docx), then reads and parses every file with this checkout and with the revision ``--against``
(``git archive`` into a temporary folder: nothing of this checkout is touched), each in its own
process, and compares every record: the document the reader produced (blocks, cells, pages,
problems, meta), the metadata, every cell (value, raw, status, page, line, row text), passages,
facts, coverage, problems and the tables' traces; each revision parses everything a second time in the
same process, which must give the same outputs (nothing remembered from one report changes another's).
Prints each difference (the first ten, with the
path of the field) and the CPU seconds each revision spent reading and parsing; exits 1 when
anything differs.

Too slow for the test suite (two full parses of every corpus): run it before merging parser work.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = Path(os.environ.get("DISCLOSURE_BOT_REALWORLD") or ROOT.parent / "shared" / "realworld")


# --------------------------------------------------------------------------- the inputs (written once)

def make_inputs(out: Path, synthetic: int, pdf: bool) -> list[dict]:
    """Write the input files under ``out``; returns [{name, path, hints}] in a fixed order."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from store.samples import sample_files
    from store.template import version_for_year
    from synth import LAYOUTS, arbitrary_figures, consistent_figures, render, template_keys

    items: list[dict] = []

    def add(name: str, data: bytes, hints: dict | None = None):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        items.append({"name": name, "path": str(path), "hints": hints})

    for f in sample_files():
        add(f"samples/{f.name}", f.read_bytes())

    rng = random.Random(12)
    for layout in LAYOUTS:
        for k in range(synthetic):
            year = rng.choice([2019, 2020, 2021, 2022, 2023])
            version = version_for_year(year)
            figures = consistent_figures(rng, version) if k % 2 == 0 else arbitrary_figures(rng, version)
            lose = frozenset(rng.sample(template_keys(version), 1)) if k % 3 == 2 else frozenset()
            kw = {} if layout == "html" else {"page_break": [None, "plain", "header"][k % 3]}
            text = render(figures, version, layout, agency=f"某某区人民政府第{k}街道办事处", year=year,
                          region="湖北省武汉市江岸区", lose=lose, narrative=rng.randint(2, 12), **kw)
            enc = "utf-8" if layout == "html" else ["utf-8", "utf-8-sig", "gb18030"][k % 3]
            add(f"synthetic/{layout}_{k}.{'html' if layout == 'html' else 'txt'}", text.encode(enc))

    for corpus in ("a", "b", "c", "d"):
        folder = REALWORLD / corpus
        if not (folder / "manifest.json").exists():
            print(f"(no real corpus at {folder}: skipped)")
            continue
        for m in json.loads((folder / "manifest.json").read_text(encoding="utf-8")):
            data = (folder / m["file"]).read_bytes()
            name = f"realworld/{corpus}/{Path(m['file']).name}"
            add(name, data)
            # the hints as score.py --manifest hands them to ingest --manifest
            hints = {"agency": m["agency"], "year": m["year"], "province": m.get("province"),
                     "city": m.get("city"), "district": m.get("district"), "source_url": m.get("source")}
            items.append({"name": name + " (manifest)", "path": str(out / name),
                          "hints": {k: v for k, v in hints.items() if v not in (None, "")}})

    if pdf:
        from pdf_fixtures import render_sample_pdf, sample_docx, sample_layout

        partial = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        for f in sample_files():
            stem = f.stem
            add(f"pdf/{stem}_ruled.pdf", render_sample_pdf(f)[0])
            add(f"pdf/{stem}_unruled.pdf", render_sample_pdf(f, ruled=False, running_head="某某区人民政府办公室")[0])
            add(f"pdf/{stem}_header.pdf", render_sample_pdf(f, repeat_header=True)[0])
            for border in ("lines", "filled"):
                add(f"pdf/{stem}_{border}.pdf", render_sample_pdf(f, border=border)[0])
            for how in ("figures_first", "figures_last"):
                try:
                    add(f"pdf/{stem}_split_{how}.pdf",
                        render_sample_pdf(f, split_row=(partial, "（二）部分公开（区分处理的，", how))[0])
                except StopIteration:  # a sample without that row
                    pass
            report, content = sample_layout(f)
            add(f"docx/{stem}.docx", sample_docx(report, content))
        try:
            import rapidocr  # noqa: F401

            f = sample_files()[0]
            add(f"pdf/{f.stem}_scan.pdf", render_sample_pdf(f, scan_page=True)[0])
        except ImportError:
            pass
    return items


# --------------------------------------------------------------------------- one revision's outputs

def plain(x):
    """Records as plain data (dataclasses as dicts with their class name), for comparing."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {"__class__": type(x).__name__,
                **{f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x)}}
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(plain(v) for v in x)
    if isinstance(x, float):
        return repr(x)
    return x


def dump(inputs: Path, out: Path, chinese_font: bool = False) -> None:
    """Read and parse every input with the ``store`` package first on sys.path; pickle the outputs."""
    if chinese_font:  # pdfium (PDF text, OCR's page images) with a Chinese font, as on a machine that has one
        sys.path.append(str(ROOT / "tests"))
        from ocr_fixtures import use_chinese_font

        use_chinese_font()
    import store
    from store.document import ReadError
    from store.parse import parse_document
    from store.readers import read_bytes

    print(f"  parsing with {Path(store.__file__).parent.parent}", file=sys.stderr)
    items = json.loads(inputs.read_text(encoding="utf-8"))

    def parse_all() -> dict:
        results = {}
        for it in items:
            data = Path(it["path"]).read_bytes()
            try:
                doc = read_bytes(data, Path(it["path"]).name)
                report = parse_document(doc, it["hints"], explain=True)
                results[it["name"]] = {"document": plain(doc), "report": plain(report)}
            except ReadError as exc:
                results[it["name"]] = {"error": str(exc)}
        return results

    cpu = time.process_time()
    results = parse_all()
    cpu = time.process_time() - cpu
    # a second pass in the same process, with whatever the first left remembered: the same outputs
    again = [name for name, r in parse_all().items() if r != results[name]]
    out.write_bytes(pickle.dumps({"results": results, "cpu": cpu, "again": again}))


def run_dump(root: Path, inputs: Path, out: Path, chinese_font: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root))
    code = "import sys, runpy; sys.path.insert(0, sys.argv[1]); runpy.run_path(sys.argv[2], run_name='__dump__')"
    subprocess.run([sys.executable, "-c", code, str(root), str(Path(__file__).resolve()), str(inputs), str(out),
                    "font" if chinese_font else ""], check=True, env=env, cwd=root)
    return pickle.loads(out.read_bytes())


# --------------------------------------------------------------------------- comparing

def differences(a, b, path="") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {a!r:.200} ≠ {b!r:.200}"]
    if isinstance(a, dict):
        out = []
        for k in dict.fromkeys([*a, *b]):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'the other' if k not in a else 'this'} revision")
            else:
                out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items ≠ {len(b)} items"] + differences(a[:min(len(a), len(b))],
                                                                             b[:min(len(a), len(b))], path)
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r:.200} ≠ {b!r:.200}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="main", help="the git revision to compare with (default: main)")
    ap.add_argument("--synthetic", type=int, default=4, help="synthetic reports per layout")
    ap.add_argument("--no-pdf", action="store_true", help="leave out the PDF and docx inputs")
    ap.add_argument("--keep", help="write the inputs and outputs to this folder and keep them")
    ap.add_argument("--chinese-font", action="store_true",
                    help="give pdfium a Chinese font (tests/ocr_fixtures.py), as a machine that has one: the "
                         "test PDFs do not embed theirs")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="parse_identical_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        items = make_inputs(work / "inputs", args.synthetic, not args.no_pdf)
        (work / "inputs.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        print(f"{len(items)} inputs written in {time.perf_counter() - t:.1f} s")
        other = work / "other"
        shutil.rmtree(other, ignore_errors=True)
        other.mkdir()
        archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
        theirs = run_dump(other, work / "inputs.json", work / "other.pickle", args.chinese_font)
        ours = run_dump(ROOT, work / "inputs.json", work / "this.pickle", args.chinese_font)
        print(f"CPU seconds reading and parsing every input: {args.against} {theirs['cpu']:.1f}, "
              f"this checkout {ours['cpu']:.1f} (÷ {ours['cpu'] / theirs['cpu']:.2f})")
        bad = 0
        for label, run in ((args.against, theirs), ("this checkout", ours)):
            if run["again"]:
                bad += 1
                print(f"DIFFERENT on a second pass in the same process ({label}): " + ", ".join(run["again"][:10]))
        for it in items:
            name = it["name"]
            diffs = differences(ours["results"].get(name), theirs["results"].get(name), "")
            if diffs:
                bad += 1
                print(f"DIFFERENT {name}: {len(diffs)} fields")
                for d in diffs[:10]:
                    print("   ", d)
        print(f"{len(items) - bad}/{len(items)} outputs identical to {args.against}"
              f"{'' if ours['again'] else ', and on a second pass in the same process'}")
        return 1 if bad else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
elif __name__ == "__dump__":
    dump(Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5:6] == ["font"])
