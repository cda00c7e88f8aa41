"""One figure of one report, with where it came from and what the reader must know about it.

:class:`Lookup` is what every handler asks: the report of an agency for a year, the figure a
:class:`~bot.metrics.MetricQuery` names in it (:func:`bot.figures.compute` over the stored cells),
the sources (the table row as printed, the sentence that restates it) and the warnings.

Two rules keep an answer from being worse than silence:

* a figure the narrative restates with another number (正文称“共受理公开申请34件”，表格为32) is
  ``contradicted``: both are quoted, neither is given as the answer;
* a figure the table does not hold, or that the narrative alone states (微信公众号发了几条), comes
  from the facts the report states (:mod:`bot.facts`, through :func:`bot.figures.compute`) with the
  sentence that states it, and only when the fact is about what was asked.
"""

from __future__ import annotations

import re

from bot.answers import Source
from bot.figures import Figure, compute, keys_needed
from bot.metrics import MetricQuery, metric_label
from store import queries
from store.checks import narrative_figures
from store.numbers import figure_text
from store.template import VERSIONS as TEMPLATE_VERSIONS, cell_spec
from store.template.facts import NEXT_YEAR, PREVIOUS_YEAR, RESTATED_WITH




#: Statuses of a figure that give no number.
NO_VALUE = ("blank", "na", "uncertain", "missing", "partial", "zero_division", "not_stated", "contradicted",
            "unread", "not_in_format")
#: Statuses of a figure that count as an answer.
ANSWERED = ("number", "inferred", "blank", "na", "partial", "zero_division", "contradicted")


class Lookup:
    def __init__(self, store):
        self.store = store

    # ------------------------------------------------------------------ reports
    def report(self, agency_id: int, year: int) -> dict | None:
        return queries.report_for(self.store, agency_id, year)

    def reports(self, agency_id: int) -> dict[int, dict]:
        return queries.reports_of(self.store, agency_id)

    # ------------------------------------------------------------------ figures
    def figure(self, rep: dict, query: MetricQuery, cells: dict | None = None, strict: str = "") -> Figure:
        """The figure ``query`` names in ``rep``: the table's cells, and the figures the narrative states
        (:mod:`bot.facts`) for a narrative query, or for a table query the table does not answer.
        ``strict``: "table" when the question named the table (表格里, 总计): a figure only the text
        states is no answer to it; "row" when it named the table's own row (本年新收): a sentence that
        counts more than that row (收到75件 = 本年新收74 + 上年结转1) does not contradict it."""
        version = rep["template"] or "2021"
        if cells is None:
            cells = queries.cells_for(self.store, rep["id"], keys_needed(query, version))
        use_facts = query.kind == "narrative" or (bool(query.narrative) and strict != "table")
        facts = (lambda: [f for f in (in_report_year(f, rep["year"]) for f in queries.facts_for(self.store, rep["id"]))
                          if f is not None]) if use_facts else None
        fig = compute(query, version, cells, facts)
        if fig.key.startswith("narrative:") or (fig.passage is not None and not fig.cells):
            return fig  # stated in the text, with its sentence
        if fig.status in ("number", "inferred"):
            said = self._restated(rep, fig.key)
            other = [(n, s) for n, s, _ in said if abs(n - fig.value) > 1e-9]
            if other and strict == "row":
                wider = self._wider(rep, fig, version)
                # the audit's finding on the sentence says it counts the carried-over ones too
                other = [(n, s) for n, s in other if not any(abs(n - w) < 1e-9 for w in wider)]
            if other:
                n, sentence = other[0]
                fig.note = f"表格为{_fmt(fig.value)}{fig.unit}，正文称“{sentence}”"
                fig.alternatives = (fig.value, n)
                fig.value = None
                fig.status = "contradicted"
        elif fig.status == "blank" and not queries.table_read(self.store, rep["id"], fig.key):
            fig.status = "unread"  # every cell of its table blank: the table was not read, not left empty
        elif fig.status == "missing" and query.kind == "cell" and cell_spec(fig.key, version) is None:
            # 上一年项目数量 asked of a 2021-format report: that format has no such column
            other = next((v for v in TEMPLATE_VERSIONS if v != version and cell_spec(fig.key, v)), None)
            if other is not None:
                fig.label = metric_label(query, other)
                fig.status = "not_in_format"
                fig.note = (f"{rep['year']}年的报告用{version}年版的表格，这一版没有这一栏"
                            f"（{other}年版的表格才有）")
        return fig

    def _wider(self, rep: dict, fig: Figure, version: str) -> list[float]:
        """What a sentence restating ``fig`` may count besides the row itself (本年新收 + 上年结转)."""
        extra = RESTATED_WITH.get(fig.key, ())
        if not extra:
            return []
        got = queries.cells_for(self.store, rep["id"], extra)
        parts = [got.get(k) for k in extra]
        if any(c is None or c.get("status") not in ("number", "inferred") for c in parts):
            return []
        return [fig.value + sum(c["value"] for c in parts)]

    def _restated(self, rep: dict, key: str) -> list[tuple[float, str, dict]]:
        """Sentences of the report that restate the figure ``key``: (figure, sentence, passage)."""
        out = []
        for p in queries.passages_for(self.store, rep["id"]):
            for k, n, sentence in narrative_figures(p["text"]):
                if k == key:
                    out.append((n, sentence, p))
        return out

    def restating_passage(self, rep: dict, key: str) -> dict | None:
        said = self._restated(rep, key)
        return said[0][2] if said else None

    # ------------------------------------------------------------------ sources and warnings
    def sources(self, rep: dict, fig: Figure) -> list[Source]:
        out = []
        if fig.passage:
            p = fig.passage
            out.append(Source(rep["id"], rep["title"], rep["file"], p.get("page"), p.get("line"), p.get("section"),
                              p["text"]))
            return out
        seen = set()
        for c in sorted(fig.cells, key=lambda c: -(c.get("value") or 0)):  # the rows that hold figures first
            if c.get("row_text") and c["row_text"] not in seen:
                seen.add(c["row_text"])
                out.append(Source(rep["id"], rep["title"], rep["file"], c.get("page"), c.get("line"),
                                  "表格", c["row_text"]))
            if len(out) >= 3:
                break
        sentence = self.restating_passage(rep, fig.key)
        if sentence:
            out.append(Source(rep["id"], rep["title"], rep["file"], sentence.get("page"), sentence.get("line"),
                              sentence.get("section"), sentence["text"]))
        if not out:
            out.append(Source(rep["id"], rep["title"], rep["file"]))
        return out

    def warnings(self, rep: dict, fig: Figure | None = None) -> list[str]:
        from store.audit import present  # the audit's findings that touch this figure, then the report's errors

        problems = queries.problems_for(self.store, rep["id"])
        keys = {c["key"] for c in fig.cells} if fig else set()
        related = [p for p in problems if keys & set(p["keys"])]
        out = [present.touching(p) for p in related]
        out += present.others([p for p in problems if p not in related])
        if fig is not None and fig.status == "inferred":
            out.append("该行印出的数字少了一格，此数为按勾稽关系推定")
        if fig is not None and fig.approx:
            out.append(f"报告原文为约数：“{fig.note}”")
        if fig is not None and fig.status == "contradicted":
            out.append(f"报告前后不一致：{fig.note}，无法确定哪个是对的")
        if fig is not None and fig.warning:
            out.append(fig.warning)
        return out

    def problems(self, rep: dict) -> list[dict]:
        return queries.problems_for(self.store, rep["id"])


_OPENING_YEAR = re.compile(r"^[^\d]{0,8}?((?:19|20)\d{2})\s*年(?!\s*\d)")


def in_report_year(fact: dict, year: int | None) -> dict | None:
    """``fact`` as a figure of the report's year.  A sentence that opens with another year ("2024年制作、获取
    政府信息总数467条，其中主动公开政府信息53条" in a 2025 report) states that year's figures: the year
    before's and after's are said so (上年, 下年, as ingest writes them), any other year's are left out."""
    m = _OPENING_YEAR.match(fact.get("sentence") or "")
    if not m or year is None or int(m.group(1)) == year:
        return fact
    subject = fact.get("subject") or ""
    word = {year - 1: PREVIOUS_YEAR, year + 1: NEXT_YEAR}.get(int(m.group(1)))
    if word is None:
        return None
    return fact if subject.startswith(word) else dict(fact, subject=f"{word}{subject}")


def _fmt(v) -> str:
    return figure_text(v) if isinstance(v, (int, float)) else str(v)
