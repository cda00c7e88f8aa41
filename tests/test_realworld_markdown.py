"""Real reports as markdown (corpus d: c's government pages through html2text and markdownify) and as
crawled text whose table cells run together (a, b): ingested with their manifests into a fresh store,
every verified cell is right or honestly flagged — never a wrong figure, never a false blank — and the
number right never falls below the floor (raise the floors as the parser gets better, never lower them).
"""

from __future__ import annotations

import collections
import pathlib

from realworld_corpus import REALWORLD, judge, load, needs_realworld
from store.db import Store
from store.export import export_rows
from store.ingest import ingest

pytestmark = needs_realworld

FLOOR_MARKDOWN = 2986  # corpus d: every cell
FLOOR_RUN_TOGETHER = 2321  # crawled text whose cells run together (a056–a059, a064, a065, b001–b008, a033)


def run_together(entry: dict) -> bool:
    layout = (entry.get("layout") or "").lower()
    return "flattened" in layout or "run together" in layout or "run-together" in layout


def score(corpus: str, files: list[str], store_path: pathlib.Path) -> tuple[collections.Counter, list[str]]:
    """Ingest ``files`` of one corpus with its manifest; tally right / wrong / false blank / flagged."""
    store = Store(store_path)
    paths = [REALWORLD / corpus / f for f in files]
    ingest(store, paths, manifest=REALWORLD / corpus / "manifest.json")
    got: dict[str, dict] = collections.defaultdict(dict)
    for row in export_rows(store):
        got[str(pathlib.Path(row["file"]).resolve())][row["key"]] = row
    truth = {t["file"]: t for t in load(corpus, "truth.json")}
    tally, bad = collections.Counter(), []
    for f in files:
        cells = got.get(str((REALWORLD / corpus / f).resolve()), {})
        for key, value in truth[f]["cells"].items():
            if key.startswith("narr."):
                continue
            row = cells.get(key) or {"status": None, "value": None}
            verdict = judge(row["status"], row["value"], value)
            tally[verdict] += 1
            if verdict in ("wrong", "false_blank"):
                bad.append(f"{f} {key}: expect {value}, stored {row['value']!r} ({row['status']})")
    return tally, bad


def test_markdown_pages_every_cell(tmp_path):
    files = [m["file"] for m in load("d", "manifest.json")]
    tally, bad = score("d", files, tmp_path / "d.db")
    assert not bad, bad[:20]
    assert tally["right"] >= FLOOR_MARKDOWN, tally


def test_run_together_cells_never_wrong(tmp_path):
    right = 0
    for corpus in ("a", "b"):
        files = [m["file"] for m in load(corpus, "manifest.json") if run_together(m)]
        assert files
        tally, bad = score(corpus, files, tmp_path / f"{corpus}.db")
        assert not bad, bad[:20]
        right += tally["right"]
    assert right >= FLOOR_RUN_TOGETHER
