"""The five bundled real reports: every verified figure (store/samples/README.md), every other cell 0."""

from __future__ import annotations

import pytest

from store.db import Store
from store.ingest import ingest
from store.parse import parse_document
from store.readers import read_document
from store.samples import SAMPLES_DIR, sample_files
from store.template import cells as template_cells

SUFFIXES = ("natural", "business", "research", "nonprofit", "legal", "other_org", "total")

SAMPLES = {
    "000_c06d29f5e948cb40.txt": dict(
        agency="西岗街道", short="西岗街道", year=2022, template="2021", region=(None, None, None), date=None,
        figures={"active.punishment.decisions": 24, "suit.direct.upheld": 1, "suit.direct.corrected": 1,
                 "suit.direct.other": 5, "suit.direct.pending": 8, "suit.direct.total": 15},
        narrative=["主动公开政府信息186余条"]),
    "001_3613c39f4bb1a6a6.txt": dict(
        agency="相山区西街道办事处", short="西街道", year=2020, template="2019",
        region=("相山区", "淮北市", "安徽省"), date=None, figures={}, narrative=["发布政府各类公开信息565条"]),
    "002_197a97b6ab0bdcc3.txt": dict(
        agency="老城区西关街道办事处", short="西关街道", year=2024, template="2021", region=("老城区", None, None),
        date=None, figures={},
        inferred={f"apply.{row}.{c}": 0 for row in ("other.overdue_fee", "total") for c in SUFFIXES},
        narrative=["回应公众关切22条", "发布信息共计500余条", "300 余场次"]),
    "003_57066d24bc835d59.txt": dict(
        agency="江岸区人民政府后湖街道办事处", short="后湖街道", year=2021, template="2021",
        region=("江岸区", "武汉市", "湖北省"), date="2022-01-17",
        figures={"apply.new.natural": 3, "apply.new.total": 3, "apply.granted.natural": 3,
                 "apply.granted.total": 3, "apply.total.natural": 3, "apply.total.total": 3,
                 "active.license.decisions": 2676, "active.punishment.decisions": 534},
        narrative=["2021年，后湖街道主动公开信息89条。", "收到依申请公开政府信息3件"]),
    "004_549de823e32c1890.txt": dict(
        agency="天坛街道办事处", short="天坛街道", year=2020, template="2019", region=(None, None, None), date=None,
        figures={"apply.new.natural": 1, "apply.new.total": 1, "apply.denied.third_party.natural": 1,
                 "apply.denied.third_party.total": 1, "apply.total.natural": 1, "apply.total.total": 1},
        # the heading of 第二十条第(九)项 is printed, the row 政府集中采购 is not: a row not found is missing
        missing=["active.procurement.items", "active.procurement.amount"],
        narrative=["1030", "108"]),
}


@pytest.fixture(scope="module")
def parsed():
    return {f.name: parse_document(read_document(f)) for f in sample_files()}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("samples") / "samples.db")
    summary = ingest(s, sample_files())
    assert summary.counts["added"] == 5, summary.lines()
    yield s
    s.close()


def test_all_five_samples_are_bundled():
    assert sorted(f.name for f in sample_files()) == sorted(SAMPLES)
    assert (SAMPLES_DIR / "README.md").exists()


def expected_cells(name: str) -> dict[str, tuple[str, object]]:
    spec = SAMPLES[name]
    out = {}
    for cell in template_cells(spec["template"]):
        k = cell.key
        if k in spec.get("blank", ()):
            out[k] = ("blank", None)
        elif k in spec.get("missing", ()):
            out[k] = ("missing", None)
        elif k in spec.get("inferred", {}):
            out[k] = ("inferred", spec["inferred"][k])
        else:
            out[k] = ("number", spec["figures"].get(k, 0))
    return out


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_cell(parsed, name):
    report = parsed[name]
    want = expected_cells(name)
    assert set(report.cells) == set(want)
    got = {k: (c.status, c.value) for k, c in report.cells.items()}
    wrong = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not wrong, wrong


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_printed_zero_is_zero_and_blank_is_null(parsed, name):
    for k, c in parsed[name].cells.items():
        if c.status == "number":
            assert c.raw is not None and c.value == float(c.raw.rstrip("件条项")), (k, c)
        if c.status == "blank":
            assert c.value is None and c.raw is None, (k, c)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_metadata(parsed, name):
    spec, meta = SAMPLES[name], parsed[name].meta
    assert meta.agency.endswith(spec["agency"])  # as printed (a fuller form printed elsewhere is fine)
    assert meta.short_name == spec["short"]
    assert meta.year == spec["year"]
    assert meta.template == spec["template"]
    district, city, province = spec["region"]
    if district:
        assert meta.district == district
    if city:
        assert meta.city == city
    if province:
        assert meta.province == province
    if spec["date"]:
        assert meta.report_date == spec["date"]


def test_agency_names_exactly():
    """The names the README gives, as printed in each title or signature."""
    got = {f.name: parse_document(read_document(f)).meta.agency for f in sample_files()}
    assert got["003_57066d24bc835d59.txt"] == "江岸区人民政府后湖街道办事处"
    assert got["004_549de823e32c1890.txt"] == "天坛街道办事处"
    assert got["002_197a97b6ab0bdcc3.txt"] == "老城区西关街道办事处"
    assert got["000_c06d29f5e948cb40.txt"] == "西岗街道"
    assert got["001_3613c39f4bb1a6a6.txt"] in ("相山区西街道办事处", "淮北市相山区西街道办事处")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_consistency_problems(parsed, name):
    rules = {p.rule for p in parsed[name].problems}
    assert not rules & {"apply_balance", "apply_results_sum", "apply_row_sum", "review_sum",
                        "narrative_matches_table", "no_tables", "table_missing", "reader"}, parsed[name].problems


def test_002_lost_cells_are_reported(parsed):
    notes = [p for p in parsed["002_197a97b6ab0bdcc3.txt"].problems if p.rule == "table_layout"]
    assert len(notes) == 2 and all("inferred" in p.message for p in notes)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_narrative_passages(parsed, name):
    texts = [p.text for p in parsed[name].passages]
    for phrase in SAMPLES[name]["narrative"]:
        assert any(phrase in t for t in texts), phrase
    # table cells never leak into the narrative
    assert not any(t.strip() in ("0", "自然人", "总计") for t in texts)


def test_003_passage_with_section_path(parsed):
    hits = [p for p in parsed["003_57066d24bc835d59.txt"].passages if p.text == "2021年，后湖街道主动公开信息89条。"]
    assert len(hits) == 1
    assert "总体情况" in hits[0].section
    assert hits[0].line is not None


def test_store_holds_every_cell(store, parsed):
    for rep in store.reports():
        name = rep["file"].rsplit("/", 1)[-1]
        want = expected_cells(name)
        got = {k: (c["status"], c["value"]) for k, c in store.cells(rep["id"]).items()}
        assert got == want, name
        assert rep["year"] == SAMPLES[name]["year"] and rep["template"] == SAMPLES[name]["template"]


def test_store_metadata(store):
    by_short = {r["short_name"]: r for r in store.reports()}
    assert set(by_short) == {"西岗街道", "西街道", "西关街道", "后湖街道", "天坛街道"}
    hh = by_short["后湖街道"]
    assert (hh["agency"], hh["district"], hh["city"], hh["province"]) == (
        "江岸区人民政府后湖街道办事处", "江岸区", "武汉市", "湖北省")
    assert hh["report_date"] == "2022-01-17"


def test_fts_search(store):
    hits = store.search_passages("主动公开信息89条")
    assert [h["text"] for h in hits] == ["2021年，后湖街道主动公开信息89条。"]
    assert "总体情况" in hits[0]["section"]
    rep = store.report(hits[0]["report_id"])
    assert rep["short_name"] == "后湖街道" and rep["year"] == 2021
    # any three-character substring finds it; a two-character query falls back to LIKE
    assert store.search_passages("后湖街道主动公开", report_id=rep["id"])
    assert store.search_passages("89", report_id=rep["id"])
    assert not store.search_passages("不存在的短语出现")


def test_a_sub_heading_glued_to_a_paragraph_opens_the_next_passages():
    """Sample 003 prints "…无行政诉讼案件。（三）政府信息管理和平台建设" on one line: the quote ends with the
    sentence, and the paragraphs after it are under (三)."""
    path = next(p for p in sample_files() if p.name.startswith("003"))
    report = parse_document(read_document(path))
    glued = next(p for p in report.passages if "无行政诉讼案件" in p.text and "收到政府信息公开申请3次" in p.text)
    assert glued.text.endswith("无行政诉讼案件。") and glued.section.endswith("（二）依申请公开情况")
    after = report.passages[glued.seq + 1]
    assert after.section.endswith("（三）政府信息管理和平台建设"), after.section
