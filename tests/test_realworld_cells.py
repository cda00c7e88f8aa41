"""Real reports hold the line: every corpus of ``../shared/realworld`` ingested into a fresh store with its
manifest (agency, year and region, as an admin would hand them over), every verified cell compared.

* never a wrong value, never a false blank (``blank`` where the report prints a figure);
* a floor on the cells read right per corpus, which only ever rises: raise it when the parser improves.

Cells of crawled text whose table cells run together ("713000074") are counted apart (as
``score.py`` does): no wrong value and no false blank there either, and their own floor.
"""

from __future__ import annotations

import collections
import json

import pytest

from realworld_corpus import CORPORA, REALWORLD, judge, load, needs_realworld, report_path
from store.db import Store
from store.ingest import ingest

#: cells read right (of the verified ones) per corpus: (layouts of the text, run-together text)
FLOORS = {"a": (384, 1157), "b": (371, 1164), "c": (2986, 0), "d": (2986, 0)}

pytestmark = needs_realworld


def run_together(m: dict) -> bool:
    layout = (m.get("layout") or "").lower()
    return "flattened" in layout or "run together" in layout or "run-together" in layout


@pytest.fixture(scope="module", params=CORPORA)
def scored(request, tmp_path_factory):
    corpus = request.param
    if not (REALWORLD / corpus / "truth.json").exists():
        pytest.skip(f"no corpus {corpus}")
    tmp = tmp_path_factory.mktemp(f"realworld_{corpus}")
    manifest = load(corpus, "manifest.json")
    rows = [{"path": str(report_path(corpus, m["file"]).resolve()), "agency": m["agency"], "year": m["year"],
             "province": m.get("province"), "city": m.get("city"), "district": m.get("district"),
             "source_url": m.get("source")} for m in manifest]
    (tmp / "manifest.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    store = Store(tmp / "corpus.db")
    ingest(store, [r["path"] for r in rows], manifest=tmp / "manifest.json")
    by_file = {r["file"]: store.cells(r["id"]) for r in store.reports()}
    layouts = {str(report_path(corpus, m["file"]).resolve()): m for m in manifest}
    tally = {False: collections.Counter(), True: collections.Counter()}
    bad = []
    for t in load(corpus, "truth.json"):
        path = str(report_path(corpus, t["file"]).resolve())
        cells = by_file.get(path, {})
        part = tally[run_together(layouts.get(path, {}))]
        for key, value in t["cells"].items():
            if key.startswith("narr."):
                continue
            c = cells.get(key) or {"status": None, "value": None}
            verdict = judge(c["status"], c["value"], value)
            part[verdict] += 1
            if verdict in ("wrong", "false_blank"):
                bad.append(f"{t['file']} {key}: {value} printed, stored {c['value']!r} ({c['status']})")
    store.close()
    return corpus, tally, bad


def test_never_a_wrong_value_nor_a_false_blank(scored):
    corpus, tally, bad = scored
    assert not bad, f"corpus {corpus}: " + "; ".join(bad[:20])


def test_right_cells_never_fall_below_the_floor(scored):
    corpus, tally, _ = scored
    text_floor, run_floor = FLOORS[corpus]
    assert tally[False]["right"] >= text_floor, (corpus, dict(tally[False]))
    assert tally[True]["right"] >= run_floor, (corpus, dict(tally[True]))
