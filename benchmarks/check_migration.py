#!/usr/bin/env python3
"""Check that a database written by another checkout's code (main, before the compact store) migrates
in place and then reads exactly as it did: reports, every cell (export), every finding (audit) and the
answer to every corpus question.

    git worktree add --detach /tmp/ref main
    .venv/bin/python benchmarks/check_migration.py --ref /tmp/ref [a b c d]

For each corpus folder (``/work/shared/realworld/<x>``): the reference code (``--ref``, run with this
venv's Python and ``PYTHONPATH=REF``) ingests the folder into a fresh database and reads it; the copy
of that database is opened by this checkout's code (which runs the pending migration steps), and read
the same way; the outputs must be equal.  The same folder ingested afresh by this checkout is read too:
a migrated database must also answer as a fresh one.  Prints one line per folder, with the database
sizes (after VACUUM) before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/realworld")


def cli(python: str, pythonpath: str | None, db: Path, *args: str, stdin: str | None = None) -> str:
    env = dict(os.environ, DISCLOSURE_BOT_STORE_DATABASE=str(db), DISCLOSURE_BOT_STORE_LOAD_SAMPLES="false",
               DISCLOSURE_BOT_STORE_INBOX=str(db.parent / "inbox"))
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    got = subprocess.run([python, "-c", "import sys; from bot.cli import main; sys.exit(main())", *args], env=env,
                         input=stdin, capture_output=True, text=True, timeout=3600,
                         cwd=db.parent)  # not this folder: ``python -c`` puts the working folder first on sys.path
    if got.returncode:
        raise SystemExit(f"{' '.join(args[:2])} failed: {got.stderr[-2000:]}")
    return got.stdout


def read_all(python: str, pythonpath: str | None, db: Path, questions: str) -> dict:
    reports = [json.loads(line) for line in cli(python, pythonpath, db, "reports", "--json").splitlines() if line.strip()]
    for r in reports:
        r.pop("problem_count", None)  # counted by rule scope differently by version: compared in the audit
    return {"reports": reports,
            "export": cli(python, pythonpath, db, "export", "--format", "json"),
            "audit": cli(python, pythonpath, db, "audit", "--format", "json"),
            "answers": cli(python, pythonpath, db, "ask", "-", stdin=questions)}


def vacuumed_size(db: Path) -> int:
    tmp = db.with_suffix(".vacuum.db")
    conn = sqlite3.connect(db)
    conn.execute(f"vacuum into '{tmp}'")
    conn.close()
    size = tmp.stat().st_size
    tmp.unlink()
    return size


def without_ids(text: str) -> str:
    return re.sub(r'"id": \d+, "report_id": \d+', "", text)


def first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}:\n  before: {x[:300]}\n  after:  {y[:300]}"
    return f"{len(la)} lines before, {len(lb)} after"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", required=True, help="a checkout of the code that writes the old database")
    ap.add_argument("folders", nargs="*", default=["a", "b", "c", "d"])
    args = ap.parse_args()
    python = sys.executable
    bad = 0
    for folder in args.folders:
        d = CORPUS / folder
        questions = "".join(json.loads(line)["q"] + "\n" for line in (d / "questions.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip())
        with tempfile.TemporaryDirectory() as tmp:
            old, fresh = Path(tmp) / "old" / "old.db", Path(tmp) / "fresh" / "fresh.db"
            old.parent.mkdir()
            fresh.parent.mkdir()
            cli(python, args.ref, old, "ingest", str(d / "reports"))
            before = read_all(python, args.ref, old, questions)
            size_before = vacuumed_size(old)
            after = read_all(python, str(HERE), old, questions)  # opening migrates in place
            size_after = vacuumed_size(old)
            cli(python, str(HERE), fresh, "ingest", str(d / "reports"))
            anew = read_all(python, str(HERE), fresh, questions)
            n = len(before["reports"])
            diffs = [k for k in before if before[k] != after[k]]
            # ids of findings differ between two databases (handed out in the order written): not compared
            fresh_diffs = [k for k in after if k != "reports" and without_ids(after[k]) != without_ids(anew[k])]
            bad += bool(diffs or fresh_diffs)
            print(f"{folder}: {n} reports, {questions.count(chr(10))} questions; migrated = before: "
                  f"{'yes' if not diffs else 'NO ' + ', '.join(diffs)}; migrated = fresh: "
                  f"{'yes' if not fresh_diffs else 'NO ' + ', '.join(fresh_diffs)}; "
                  f"bytes/report {size_before / n:,.0f} -> {size_after / n:,.0f}", flush=True)
            for k in diffs:
                print("  before vs migrated", k, first_difference(str(before[k]) if k == "reports" else before[k],
                                                                   str(after[k]) if k == "reports" else after[k]))
            for k in fresh_diffs:
                print("  migrated vs fresh", k, first_difference(after[k], anew[k]))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
