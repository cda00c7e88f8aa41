"""How a report is written compactly, and read back exactly (the encoding behind :mod:`store.db`).

A stored cell (``cell_values``) keeps only what the template does not already know:

* its **key** as a small integer (``cell_keys``: one row per key, ids handed out once and never
  changed).  The headline figures (:func:`headline_keys`: what a question naming a row means, the
  ones rankings are asked about) have ids 1, 2, 3 …; the template's other keys -1, -2, … Only
  positive ids are in the ranking index and in ``figure_counts``;
* its **value**, and its **status** as a small code (:data:`STATUS_CODES`);
* **what was printed** (``raw``) only when it differs from the value's own spelling: ``NULL`` stands
  for "printed as the value is written" (``3`` for 3), ``''`` for "nothing printed" (an inferred
  figure); a cell without a value keeps its mark as printed (``/``, ``—``);
* its **position**: the printed row it was read from (``row``, a number within the report) and its
  line relative to that row's first line (``dline``, 0 for a row printed on one line).

The row as printed is stored once per printed row (``printed_rows``), not once per cell: its label
(:func:`split_label`: ``一、本年新收政府信息公开申请数量``) is the same in thousands of reports and is
kept once in the shared dictionary ``texts``; the row keeps the id of its label, the rest as printed
(`` 3 0 0 0 0 0 3``), its first line and its page.  The dictionaries only grow (a text or key is
never deleted or renumbered), so any process may cache them.

For example, the bundled sample of 后湖街道 2021 prints the row ``一、本年新收政府信息公开申请数量`` with
one figure per line, lines 93 to 99 (row_text ``一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3``).
It is stored as one ``printed_rows`` row ``(report, 6, <label's texts id>, " | 3 | 0 | 0 | 0 | 0 | 0 | 3",
93, NULL)`` and seven ``cell_values`` rows, among them ``(report, <id of apply.new.total>, 3.0, 0, NULL,
6, 6)``: value 3, status ``number``, printed as the value is written, from printed row 6 on its line
93 + 6.  The view ``cells`` gives it back as ``(report, 'apply.new.total', 3.0, '3', 'number', NULL, 99,
'一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3')``.

A template cell that was not found at all (status ``missing``, nothing printed, no position) is not
stored: **an absent cell is missing** — never blank.  Every reader adds those cells back from the
template of the report's version (:func:`with_missing`), so what is read equals what was parsed.

The view ``cells`` shows the stored cells with the old columns (key, status and what was printed as
text, page, line, the row as printed): SQL written for the wide table reads it unchanged, and it can
be updated (value, status, what was printed) or deleted from.

A passage's id is its report's id × 2**20 + its number in the report (``seq``), so that one report's
passages are one range of the table, read and deleted without an index; its section is a ``texts`` id.

A fact (:func:`fact_rows`) keeps the passage it was read from and where its sentence starts in that
passage's text instead of a copy of the sentence, section, page and line, and its subject as a place
in the sentence.  A finding (:func:`problem_row`) keeps its rule, severity, scope and section as
``texts`` ids, its message with the figures taken out (a ``texts`` id) and the figures apart, the row
it quotes as that row's number, and its cell keys as key ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from store.template import cells as template_cells

STATUS_CODES: dict[str, int] = {"number": 0, "inferred": 1, "na": 2, "blank": 3, "uncertain": 4, "missing": 5}
STATUS_NAMES: dict[int, str] = {v: k for k, v in STATUS_CODES.items()}
#: Status codes of a cell that holds a figure (``number`` and ``inferred``): ``status < FIGURE_BELOW``.
FIGURE_BELOW = 2

_STATUS_SQL = "CASE {col} " + " ".join(f"WHEN {v} THEN '{k}'" for k, v in STATUS_CODES.items()) + " END"
_STATUS_CODE_SQL = "CASE {col} " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in STATUS_CODES.items()) + " END"


def status_sql(column: str) -> str:
    """SQL turning a status code column into its name."""
    return _STATUS_SQL.format(col=column)


# --------------------------------------------------------------------------- what was printed

def spelling(value) -> str | None:
    """How a value is written when nothing else was printed: ``3`` for 3 or 3.0; ``None`` for a
    fraction (its printed form is always kept)."""
    if type(value) is int:
        return str(value) if abs(value) < 10 ** 15 else None
    if value is None or isinstance(value, bool):
        return None
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return None


def stored_raw(value, raw: str | None) -> str | None:
    """What the ``raw`` column keeps (see the module docstring)."""
    if value is None:
        return raw
    if not raw:
        return ""
    return None if raw == spelling(value) else raw


def printed_raw(value, stored: str | None) -> str | None:
    """What was printed, from the ``raw`` column (the inverse of :func:`stored_raw`)."""
    if value is None:
        return stored
    if stored is None:
        return spelling(value)
    return stored or None


# The same two functions in SQL (the view and its update trigger).
RAW_SQL = ("CASE WHEN {v} IS NULL THEN {r} WHEN {r} IS NULL THEN CAST(CAST({v} AS INTEGER) AS TEXT) "
           "WHEN {r} = '' THEN NULL ELSE {r} END")
STORED_RAW_SQL = ("CASE WHEN {v} IS NULL THEN {r} WHEN {r} IS NULL OR {r} = '' THEN '' "
                  "WHEN {v} = CAST({v} AS INTEGER) AND abs({v}) < 1e15 AND {r} = CAST(CAST({v} AS INTEGER) AS TEXT) "
                  "THEN NULL ELSE {r} END")


_FIRST_FIGURE = re.compile(r"(?:^|(?<=[\s|]))[-+]?\d[\d,.]*%?(?=[\s|]|$)")


def split_label(row_text: str) -> tuple[str, str]:
    """A printed row cut into its label and the rest as printed: the label ends at its last character
    that is not ASCII before the row's first figure standing alone.
    ``"一、本年新收政府信息公开申请数量 3 0 0"`` -> (``"一、本年新收政府信息公开申请数量"``, ``" 3 0 0"``);
    ``"3.危及“三安全一稳定” 0 0 —"`` -> (``"3.危及“三安全一稳定”"``, ``" 0 0 —"``).  Only how much the
    dictionary saves depends on the cut: the row is always label + rest."""
    m = _FIRST_FIGURE.search(row_text)
    end = m.start() if m else len(row_text)
    for i in range(end - 1, -1, -1):
        if ord(row_text[i]) > 127:
            return row_text[:i + 1], row_text[i + 1:]
    return "", row_text


# --------------------------------------------------------------------------- dictionaries

class Dictionary:
    """A table of strings with small integer ids (``cell_keys`` or ``texts``), cached in memory.
    Ids are handed out inside the caller's transaction; :meth:`forget` drops the cache after a
    rollback (ids handed out then were never written)."""

    def __init__(self, conn, table: str, column: str):
        self.conn, self.table, self.column = conn, table, column
        self._ids: dict[str, int] = {}
        self._texts: dict[int, str] = {}

    def id(self, text: str) -> int:
        """The id of ``text``, added to the table when new."""
        got = self._ids.get(text)
        if got is None:
            got = self.find(text)
            if got is None:
                got = self.conn.execute(f"insert into {self.table} ({self.column}) values (?)", [text]).lastrowid
                self._ids[text] = got
        return got

    def find(self, text: str) -> int | None:
        """The id of ``text`` if the table has it (nothing is written)."""
        got = self._ids.get(text)
        if got is None:
            row = self.conn.execute(f"select id from {self.table} where {self.column} = ?", [text]).fetchone()
            if row:
                got = self._ids[text] = row[0]
        return got

    def text(self, id_: int) -> str | None:
        got = self._texts.get(id_)
        if got is None:
            row = self.conn.execute(f"select {self.column} from {self.table} where id = ?", [id_]).fetchone()
            if row:
                got = self._texts[id_] = row[0]
        return got

    def forget(self) -> None:
        self._ids.clear()
        self._texts.clear()


def headline_keys() -> tuple[str, ...]:
    """The figure a question means when it names a row and no column, for every row of both versions
    (``apply.<row>.total``, ``review.total``, ``active.license.decisions`` …) and the derived sums'
    totals and ratios: what rankings are asked about.  They get positive key ids, and only they are
    kept in the ranking indexes; the other keys get negative ids (ranked by reading each report)."""
    from store.template import (ACTIVE, ACTIVE_DEFAULT_COLUMN, APPLY, DERIVED_RATIOS, DERIVED_SUMS, REVIEW,
                                VERSIONS, row_key)

    keys: dict[str, None] = {}
    for version in sorted(VERSIONS, reverse=True):
        for row in ACTIVE.rows_for(version):
            keys[f"active.{row_key(row)}.{ACTIVE_DEFAULT_COLUMN[version][row_key(row)]}"] = None
        keys.update((f"apply.{row_key(row)}.total", None) for row in APPLY.rows_for(version))
        keys.update((f"{row_key(row)}.total", None) for row in REVIEW.rows_for(version))
    keys.update((f"{d.key}.total", None) for d in DERIVED_SUMS)
    keys.update((d.key, None) for d in DERIVED_RATIOS)
    return tuple(keys)


def seed_keys(conn) -> None:
    """Give every template key an id: the headline keys 1, 2, 3 …; the others, in template order
    (2021's, then the 2019 keys 2021 does not have, then the derived sums' columns), -1, -2, …"""
    from store.template import APPLICANT_COLUMNS, DERIVED_SUMS, RESULT_COLUMNS, VERSIONS

    headline = headline_keys()
    others: dict[str, None] = {}
    for version in sorted(VERSIONS, reverse=True):
        others.update((s.key, None) for s in template_cells(version) if s.key not in headline)
    for d in DERIVED_SUMS:
        columns = RESULT_COLUMNS if d.key.startswith("suit") else APPLICANT_COLUMNS
        others.update((k, None) for c in columns if (k := f"{d.key}.{c.key}") not in headline)
    conn.executemany("insert or ignore into cell_keys (id, key) values (?, ?)",
                     [(i, k) for i, k in enumerate(headline, 1)] + [(-i, k) for i, k in enumerate(others, 1)])


# --------------------------------------------------------------------------- cells

def is_absent(cell, template_keys: frozenset[str] | set[str]) -> bool:
    """Whether a cell need not be stored: a template cell not found, with nothing printed and no place."""
    return (cell.status == "missing" and cell.key in template_keys and cell.value is None and cell.raw is None
            and cell.page is None and cell.line is None and cell.row_text is None)


def cell_rows(report_id: int, cells: Iterable, version: str | None, keys: Dictionary,
              texts: Dictionary) -> tuple[list[tuple], list[tuple], dict[str, int]]:
    """The rows of ``cell_values`` and ``printed_rows`` for one report's cells
    (:class:`~store.records.CellRecord`), and the printed rows' numbers by text (the first of a text)."""
    template_keys = template_key_set(version)
    rows: dict[tuple, tuple[int, int | None]] = {}
    printed: list[tuple] = []
    out: list[tuple] = []
    key_id, codes = keys.id, STATUS_CODES
    for c in cells:
        text, line, page, value = c.row_text, c.line, c.page, c.value
        if text is None and line is None and page is None:
            if c.status == "missing" and value is None and c.raw is None and c.key in template_keys:
                continue  # absent: missing
            row = dline = None
        else:
            ident = (text, page, line is None)
            got = rows.get(ident)
            if got is None:
                got = rows[ident] = (len(rows), line)
                label_id = rest = None
                if text is not None:
                    label, rest = split_label(text)
                    label_id = texts.id(label) if label else None
                printed.append((report_id, got[0], label_id, rest, line, page))
            row = got[0]
            dline = None if line is None else line - got[1]
        out.append((report_id, key_id(c.key), value, codes[c.status], stored_raw(value, c.raw), row, dline))
    by_text: dict[str, int] = {}
    for (text, _, _), (row, _) in rows.items():
        if text is not None and (text not in by_text or row < by_text[text]):
            by_text[text] = row
    return out, printed, by_text


_TEMPLATE_KEYS: dict[str, frozenset[str]] = {}


def template_key_set(version: str | None) -> frozenset[str]:
    version = version or "2021"
    got = _TEMPLATE_KEYS.get(version)
    if got is None:
        got = _TEMPLATE_KEYS[version] = frozenset(s.key for s in template_cells(version))
    return got


def missing_cell(report_id: int, key: str) -> dict:
    return {"report_id": report_id, "key": key, "value": None, "raw": None, "status": "missing", "page": None,
            "line": None, "row_text": None}


def with_missing(report_id: int, stored: Mapping[str, dict], version: str | None,
                 keys: Iterable[str] | None = None) -> dict[str, dict]:
    """A report's cells as parsed: the stored ones, and a ``missing`` cell for every template cell
    of its version that is not stored (only ``keys`` when given), in template order."""
    order = [s.key for s in template_cells(version or "2021")]
    wanted = None if keys is None else set(keys)
    out: dict[str, dict] = {}
    for key in order:
        if wanted is not None and key not in wanted:
            continue
        out[key] = stored[key] if key in stored else missing_cell(report_id, key)
    for key, c in stored.items():
        if key not in out and (wanted is None or key in wanted):
            out[key] = c
    return out


# --------------------------------------------------------------------------- passages, facts and findings

PASSAGE_BITS = 20  # a report's passages: ids report_id << 20 … (report_id << 20) + 2**20 - 1


def passage_id(report_id: int, seq: int) -> int:
    if not 0 <= seq < 1 << PASSAGE_BITS:
        raise ValueError(f"a report of more than {1 << PASSAGE_BITS} paragraphs is not stored (paragraph {seq})")
    return (report_id << PASSAGE_BITS) + seq


def passage_range(report_id: int) -> tuple[int, int]:
    """The first and last passage id a report may have."""
    return report_id << PASSAGE_BITS, ((report_id + 1) << PASSAGE_BITS) - 1


#: The columns of ``facts`` (see :func:`fact_rows`).
FACT_TABLE_COLUMNS = ("report_id", "n", "seq", "subject", "subject_at", "subject_len", "value", "unit", "raw",
                      "approx", "tail", "topic", "shared", "negated", "change", "at", "len", "sentence", "section",
                      "page", "line")


def fact_rows(report_id: int, facts: Iterable, passages: Mapping[int, object]) -> list[tuple]:
    """Rows of ``facts`` (:data:`FACT_TABLE_COLUMNS`).  ``facts``: :class:`~store.records.Fact`;
    ``passages``: seq -> :class:`~store.records.Passage`.  A fact whose sentence is found in its
    passage, with the passage's section, page and line, keeps only where the sentence starts (``at``)
    and its length; its subject, when the sentence holds it, only where it starts in the sentence and
    its length."""
    out = []
    for n, f in enumerate(facts, 1):
        p = passages.get(f.seq)
        sentence, subject = f.sentence, f.subject
        at = -1
        if p is not None and sentence is not None and (f.section, f.page, f.line) == (p.section, p.page, p.line):
            at = (p.text or "").find(sentence)
        place = (at, len(sentence), None, None, None, None) if at >= 0 else (
            None, None, sentence, f.section, f.page, f.line)
        s_at = sentence.find(subject) if at >= 0 and subject else -1
        who = (None, s_at, len(subject)) if s_at >= 0 else (subject, None, None)
        out.append((report_id, n, f.seq, *who, f.value, f.unit, f.raw, f.approx, f.tail, f.topic, int(f.shared),
                    int(f.negated), f.change, *place))
    return out


#: The SQL reading one report's facts back (the sentence and subject cut from the passage).
_SENTENCE = "case when f.at is null then f.sentence else substr(p.text, f.at + 1, f.len) end"
FACTS_SQL = (
    "select f.n as id, f.report_id, "
    f"case when f.subject_at is null then f.subject else substr({_SENTENCE}, f.subject_at + 1, f.subject_len) end "
    "as subject, f.value, f.unit, f.raw, f.approx, f.tail, f.topic, "
    f"{_SENTENCE} as sentence, "
    "case when f.at is null then f.section else t.text end as section, "
    "case when f.at is null then f.page else p.page end as page, "
    "case when f.at is null then f.line else p.line end as line, "
    "f.seq, f.shared, f.negated, f.change from facts f "
    f"left join passages p on p.id = (f.report_id << {PASSAGE_BITS}) + f.seq "
    "left join texts t on t.id = p.section_id where f.report_id = ? order by f.n")


# A finding: its rule, severity, scope and section are texts ids; its message is kept as the message
# with its figures taken out (a texts id: "（自然人列）本年新收 + 上年结转 = \x1f，但…") and the figures
# ("0 2"); its evidence as the number of the printed row it quotes when it quotes one.
MARK = "\x1f"
_FIGURE = re.compile(r"\d+(?:\.\d+)?")

#: The columns of ``problems`` after ``id`` (see :func:`problem_row`).
PROBLEM_COLUMNS = ("report_id", "rule_id", "severity_id", "scope_id", "message_id", "args", "message", "keys",
                   "section_id", "page", "line", "evidence", "evidence_row")


def message_parts(message: str | None) -> tuple[str, str | None] | None:
    """(the message without its figures, the figures space-separated), or None when the message is
    kept as it is (it holds the mark itself, or there is none)."""
    if message is None or MARK in message:
        return None
    args = _FIGURE.findall(message)
    return _FIGURE.sub(MARK, message), " ".join(args) or None


def message_text(skeleton: str, args: str | None) -> str:
    """The inverse of :func:`message_parts`."""
    if not args:
        return skeleton
    parts, figures = skeleton.split(MARK), args.split(" ")
    return "".join(p + (figures[i] if i < len(figures) else "") for i, p in enumerate(parts))


def problem_row(report_id: int, p, keys: Dictionary, texts: Dictionary, rows: Mapping[str, int]) -> tuple:
    """A row of ``problems`` (:data:`PROBLEM_COLUMNS`) for a :class:`~store.records.Problem`; ``rows``:
    the report's printed rows, text -> row number."""
    def tid(text):
        return None if text is None else texts.id(text)

    parts = message_parts(p.message)
    message_id, args, message = (texts.id(parts[0]), parts[1], None) if parts else (None, None, p.message)
    evidence_row = rows.get(p.evidence) if p.evidence is not None else None
    return (report_id, tid(p.rule), tid(p.severity), tid(getattr(p, "scope", "report")), message_id, args, message,
            " ".join(str(keys.id(k)) for k in p.keys) or None, tid(getattr(p, "section", None)),
            getattr(p, "page", None), getattr(p, "line", None),
            None if evidence_row is not None else getattr(p, "evidence", None), evidence_row)


#: The SQL reading findings back (``where`` and ``order by`` added by the caller): the texts joined.
PROBLEMS_SQL = (
    "select p.id, p.report_id, rule.text as rule, p.message_id, p.args, p.message, p.keys, sev.text as severity, "
    "scope.text as scope, sec.text as section, p.page, p.line, "
    "case when p.evidence_row is null then p.evidence else coalesce(label.text, '') || pr.text end as evidence, "
    "r.year, a.name as agency from problems p join reports r on r.id = p.report_id "
    "join agencies a on a.id = r.agency_id left join texts rule on rule.id = p.rule_id "
    "left join texts sev on sev.id = p.severity_id left join texts scope on scope.id = p.scope_id "
    "left join texts sec on sec.id = p.section_id "
    "left join printed_rows pr on pr.report_id = p.report_id and pr.row = p.evidence_row "
    "left join texts label on label.id = pr.label_id")


def read_problem(row: dict, keys: Dictionary, texts: Dictionary) -> dict:
    """A finding as the store gives it: rule, message, keys (a list), severity, scope, section, page,
    line, evidence (and id, report_id, year, agency)."""
    message_id, args = row.pop("message_id"), row.pop("args")
    if message_id is not None:
        row["message"] = message_text(texts.text(message_id), args)
    stored = row["keys"]
    row["keys"] = [keys.text(int(k)) for k in stored.split()] if stored else []
    return row
