"""Agency and year of every real report in ../shared/realworld (corpora a–d), read from the text alone.

Each report's stored agency must name the manifest's body (one contains the other's short form, as
``score.py meta`` counts it) and hold no sentence words; its year must be the year reported on.
KNOWN_MISSES lists the reports whose text does not name the agency at all: they must be skipped with
the reason, and come out right when the manifest supplies the agency.  The list may only shrink.
"""

from __future__ import annotations

import re

import pytest

from store import regions
from store.parse import metadata, parse_document
from store.parse.lines import document_lines
from store.parse.script import to_simplified
from store.readers import read_document
from store.template.agency_names import SENTENCE_WORDS, SPAM_WORDS
from realworld_corpus import CORPORA, load, needs_realworld, report_path

pytestmark = needs_realworld

#: Reports whose text never names the agency (it says only 我局; the name is in the URL or the
#: page title that was not collected).  Without a manifest they are skipped with that reason.
KNOWN_MISSES = {
    ("b", "reports/b014.txt"): "我局",
    ("b", "reports/b020.txt"): "我局",
}


def _manifest():
    return [(c, m) for c in CORPORA for m in load(c, "manifest.json")]


def _meta(corpus: str, file: str):
    doc = read_document(report_path(corpus, file))
    return metadata.extract(document_lines(doc), doc.text, doc.meta)


def _core(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def _names_the_body(stored: str, m: dict) -> bool:
    s, full, short = _core(stored), _core(m["agency"]), _core(m.get("short_agency") or m["agency"])
    return bool(s) and (s in full or full in s or short in s or s in short)


@pytest.fixture(scope="module")
def metas():
    return {(c, m["file"]): (_meta(c, m["file"]), m) for c, m in _manifest()}


def test_every_report_has_its_agency_and_year(metas):
    wrong = []
    for key, (meta, m) in metas.items():
        if key in KNOWN_MISSES:
            continue
        if meta.year != m["year"] or not _names_the_body(meta.agency or "", m):
            wrong.append(f"{key[1]}: expect {m['agency']} {m['year']}, got {meta.agency} {meta.year}")
    assert not wrong, "\n".join(wrong)


def test_score_per_corpus_at_least_95_percent(metas):
    for corpus in CORPORA:
        rows = [(meta, m) for (c, _), (meta, m) in metas.items() if c == corpus]
        right = sum(meta.year == m["year"] and _names_the_body(meta.agency or "", m) for meta, m in rows)
        assert right >= 0.95 * len(rows), (corpus, right, len(rows))


def test_no_agency_holds_sentence_words_or_spam(metas):
    for key, (meta, _) in metas.items():
        name = meta.agency or ""
        assert not any(w in name for w in SENTENCE_WORDS), (key, name)
        assert not any(w in name for w in SPAM_WORDS), (key, name)
        assert not re.search(r"[，。,；;：:/>＞|0-9]", name), (key, name)


def test_known_misses_are_skipped_with_the_reason_and_right_with_a_manifest(metas):
    for key, word in KNOWN_MISSES.items():
        meta, m = metas[key]
        assert meta.agency is None and word in (meta.agency_note or ""), (key, meta)
        hinted = parse_document(read_document(report_path(*key)), {"agency": m["agency"], "year": m["year"]}).meta
        assert hinted.agency == m["agency"] and hinted.year == m["year"] and hinted.agency_note is None


def test_street_office_not_stored_under_the_district_that_hosts_its_page(metas):
    # the page header names the district government; the report is the street office's
    for key, (meta, m) in metas.items():
        if (m.get("short_agency") or "").endswith(("街道", "镇", "乡", "苏木")) and meta.agency:
            assert not re.search(r"(?:区|县|市)人民政府$", meta.agency), (key, meta.agency)


def test_traditional_reports_keep_the_printed_name_and_get_a_simplified_short_name(metas):
    meta, _ = metas[("b", "reports/b037.txt")]
    assert meta.agency == "江西省人民政府辦公廳" and meta.province == "江西省"
    meta, _ = metas[("b", "reports/b015.txt")]
    assert meta.agency == "棲霞區交通運輸局" and meta.short_name == "栖霞区交通运输局"
    assert (meta.district, meta.city, meta.province) == ("栖霞区", "南京市", "江苏省")


def test_regions_that_the_manifest_states_are_not_contradicted(metas):
    """Where the manifest states a level, a region read from the text agrees with it.  A zone the
    gazetteer does not list (平潭综合实验区, stored as printed; the manifest says 平潭县) is not compared."""
    clash = []
    for key, (meta, m) in metas.items():
        for level in ("district", "city", "province"):
            got, want = getattr(meta, level), to_simplified(m.get(level) or "")
            if got and want and got != want and not (want in got or got in want) and regions.lookup(got):
                clash.append(f"{key[1]} {level}: {got} vs {want}")
    assert not clash, clash


#: Regions the manifest says come from the text but that are named only in a column title
#: ("甘州乡镇街道动态" for 甘州区): not read.  The list may only shrink.
REGION_MISSES = {("a", "reports/a026.txt")}


def test_regions_the_text_states_are_read_and_completed(metas):
    """Where the manifest's region comes from the text (its notes say "from text"), the province is
    found: printed, or completed from the gazetteer (合江县 → 四川省)."""
    missed = []
    for key, (meta, m) in metas.items():
        if m.get("province") and "from text" in (m.get("notes") or "") and key not in REGION_MISSES:
            if meta.province != m["province"]:
                missed.append(f"{key[1]}: {meta.district} {meta.city} {meta.province} vs {m['province']}")
    assert not missed, missed
