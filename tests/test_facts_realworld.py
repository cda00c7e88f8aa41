"""Narrative facts on the real-report corpus: every figure its truth records from the text is extracted,
and the corpus' narrative questions never get a wrong figure.

Holds the line: 0 truth figures missed, 0 wrong figures, and a floor on right answers that only rises.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import unicodedata
import pytest

from bot.engine import Answerer
from realworld_corpus import load, needs_realworld, report_path
from store.db import Store
from store.ingest import ingest
from store.parse.facts import fold, mentions
from store.template.facts import ZERO_NEGATIONS

pytestmark = needs_realworld

CORPORA = ("a", "b", "c")
#: Right answers to the corpus' narrative questions (agency read by the engine, manifest given); only rises.
RIGHT_FLOOR = 144


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@pytest.fixture(scope="module")
def corpus_facts(answerers) -> dict[tuple[str, str], list[dict]]:
    """The stored facts of every corpus report, by (corpus, file as the truth names it)."""
    out = {}
    for corpus, answerer in answerers.items():
        for rep in answerer.store.reports():
            out[(corpus, f"reports/{Path(rep['file']).name}")] = answerer.store.facts_for(rep["id"])
    return out


def test_every_stated_figure_of_the_truth_is_a_fact_with_its_sentence(corpus_facts):
    missed, total = [], 0
    for corpus in CORPORA:
        for t in load(corpus, "truth.json"):
            facts = corpus_facts.get((corpus, t["file"]), [])
            for key, value in t["cells"].items():
                if not key.startswith("narr."):
                    continue
                total += 1
                evidence = _norm(t["evidence"].get(key))
                found = [f for f in facts if abs(f["value"] - value) < 1e-6
                         or (f["change"] and abs(f["value"] * f["change"] - value) < 1e-6)]
                with_sentence = [f for f in found if evidence and (
                    _norm(f["raw"]) in evidence or evidence in _norm(f["sentence"]) or _norm(f["sentence"]) in evidence)]
                if not with_sentence:
                    missed.append(f"{corpus}/{t['file']} {key}={value}: {t['evidence'].get(key)}")
    assert total > 500
    assert not missed, "\n".join(missed)


def test_facts_carry_what_they_count(corpus_facts):
    facts = [f for fs in corpus_facts.values() for f in fs]
    assert len(facts) > 1000
    assert all(f["subject"] or f["tail"] for f in facts)
    assert all(f["sentence"] and f["raw"] for f in facts)
    assert any(f["approx"] for f in facts) and any(f["negated"] for f in facts)


@pytest.fixture(scope="module")
def answerers(tmp_path_factory) -> dict[str, Answerer]:
    out = {}
    for corpus in CORPORA:
        folder = tmp_path_factory.mktemp(f"rw_{corpus}")
        rows = [{"path": str(report_path(corpus, m["file"])), "agency": m["agency"], "year": m["year"],
                 "province": m.get("province"), "city": m.get("city"), "district": m.get("district")}
                for m in load(corpus, "manifest.json")]
        manifest = folder / "manifest.json"
        manifest.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        store = Store(folder / "rw.db")
        ingest(store, [r["path"] for r in rows], manifest=manifest)
        out[corpus] = Answerer(store)
    return out


def test_corpus_narrative_questions_get_no_wrong_figure(answerers):
    right, wrong, asked = 0, [], 0
    for corpus in CORPORA:
        for q in load(corpus, "questions.jsonl"):
            if q.get("kind") != "narrative" or not isinstance(q.get("expect"), (int, float)):
                continue
            asked += 1
            ans = answerers[corpus].answer(q["q"])
            values = [ans.value] + [v.get("value") for v in ans.values or []]
            if ans.status == "answered" and any(v is not None and abs(float(v) - q["expect"]) < 1e-6 for v in values):
                right += 1
            elif ans.status == "answered" and ans.value is not None:
                wrong.append(f"{q['q']}: expect {q['expect']}, got {ans.value}")
    assert asked > 200
    assert not wrong, "\n".join(wrong)
    assert right >= RIGHT_FLOOR, f"{right} of {asked} right"


def test_corpus_figures_given_are_stated_with_their_sentence(answerers):
    """Every figure answered from the text comes with the sentence that states it."""
    for corpus in CORPORA:
        for q in load(corpus, "questions.jsonl"):
            if q.get("kind") != "narrative":
                continue
            ans = answerers[corpus].answer(q["q"])
            if ans.status == "answered" and ans.value is not None and (ans.metric or {}).get("key", "").startswith("narrative:"):
                passages = " ".join(s.passage for s in ans.sources if s.passage)
                printed = {abs(m.value) for m in mentions(fold(passages))}
                assert abs(ans.value) in printed or (ans.value == 0 and any(w in passages for w in ZERO_NEGATIONS)), \
                    (q["q"], ans.value, passages[:200])

