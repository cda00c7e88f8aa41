"""How a report is written compactly, and read back exactly (the encoding behind :mod:`store.db`).

A stored cell keeps only what the template does not already know:

* its **key** as a small integer (``cell_keys``: one row per key, ids handed out once and never
  changed; the template's keys are seeded in template order, so a report's cells come back in the
  order the template prints them);
* its **value**, and its **status** as a small code (:data:`STATUS_CODES`);
* **what was printed** (``raw``) only when it differs from the value's own spelling: ``NULL`` stands
  for "printed as the value is written" (``3`` for 3), ``''`` for "nothing printed" (an inferred
  figure); a cell without a value keeps its mark as printed (``/``, ``—``);
* its **position**: the printed row it was read from (``row``, a number within the report) and its
  line relative to that row's first line (``dline``, 0 for a row printed on one line).

The row as printed is stored once per printed row (``printed_rows``), not once per cell: its label
part (everything up to its last character that is not ASCII: ``一、本年新收政府信息公开申请数量``) is
the same in thousands of reports and is kept once in the shared dictionary ``texts``; the row keeps
the id of its label and the rest as printed (`` 3 0 0 0 0 0 3``).  Passage and finding sections are
kept in ``texts`` too.  The dictionaries only grow (a text or key is never deleted or renumbered),
so any process may cache them.

A template cell that was not found at all (status ``missing``, nothing printed, no position) is not
stored: **an absent cell is missing** — never blank.  Every reader adds those cells back from the
template of the report's version (:func:`with_missing`), so what is read equals what was parsed.

The view ``cells`` shows the stored cells with the old columns (key, status and what was printed as
text, the row as printed joined back): SQL written for the wide table reads it unchanged, and it can
be updated (value, status, what was printed) or deleted from.

A fact keeps the passage it was read from (``seq``) and where its sentence starts in that passage's
text (``at``, ``len``) instead of a copy of the sentence, section, page and line.  A finding keeps its
cell keys as key ids.
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


def seed_keys(conn) -> None:
    """Give every template key an id, in template order (both versions: 2021's keys, then the 2019
    keys 2021 does not have), then the derived figures' keys."""
    from store.template import APPLICANT_COLUMNS, DERIVED_RATIOS, DERIVED_SUMS, RESULT_COLUMNS, VERSIONS

    keys: dict[str, None] = {}
    for version in sorted(VERSIONS, reverse=True):
        keys.update((s.key, None) for s in template_cells(version))
    for d in DERIVED_SUMS:
        columns = RESULT_COLUMNS if d.key.startswith("suit") else APPLICANT_COLUMNS
        keys.update((f"{d.key}.{c.key}", None) for c in columns)
    keys.update((d.key, None) for d in DERIVED_RATIOS)
    conn.executemany("insert or ignore into cell_keys (key) values (?)", [(k,) for k in keys])


# --------------------------------------------------------------------------- cells

def _get(c, name):
    return c[name] if isinstance(c, Mapping) else getattr(c, name)


def is_absent(cell, template_keys: frozenset[str] | set[str]) -> bool:
    """Whether a cell need not be stored: a template cell not found, with nothing printed and no place."""
    return (_get(cell, "status") == "missing" and _get(cell, "key") in template_keys
            and all(_get(cell, f) is None for f in ("value", "raw", "page", "line", "row_text")))


def cell_rows(report_id: int, cells: Iterable, version: str | None, keys: Dictionary,
              texts: Dictionary) -> tuple[list[tuple], list[tuple]]:
    """The rows of ``cell_values`` and ``printed_rows`` for one report's cells (records or dicts with
    key, value, raw, status, page, line, row_text)."""
    template_keys = template_key_set(version)
    rows: dict[tuple, tuple[int, int | None]] = {}
    printed: list[tuple] = []
    out: list[tuple] = []
    for c in cells:
        if is_absent(c, template_keys):
            continue
        text, line, page = _get(c, "row_text"), _get(c, "line"), _get(c, "page")
        row = dline = None
        if text is not None or line is not None or page is not None:
            ident = (text, page, line is None)
            if ident not in rows:
                rows[ident] = (len(rows), line)
                label_id = rest = None
                if text is not None:
                    label, rest = split_label(text)
                    label_id = texts.id(label) if label else None
                printed.append((report_id, len(rows) - 1, label_id, rest, line, page))
            row, first = rows[ident]
            dline = None if line is None else line - first
        value = _get(c, "value")
        out.append((report_id, keys.id(_get(c, "key")), value, STATUS_CODES[_get(c, "status")],
                    stored_raw(value, _get(c, "raw")), row, dline))
    return out, printed


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


# --------------------------------------------------------------------------- facts and findings

FACT_STORED = ("subject", "value", "unit", "raw", "approx", "tail", "topic", "shared", "negated", "change")


def fact_rows(report_id: int, facts: Iterable, passages: Mapping[int, object]) -> list[tuple]:
    """Rows of ``facts``: (report_id, n, seq, *FACT_STORED, at, len, sentence, section, page, line).
    ``passages``: seq -> the passage (record or dict).  A fact whose sentence is found in its passage,
    with the passage's section, page and line, keeps only where the sentence starts and its length."""
    out = []
    for n, f in enumerate(facts, 1):
        seq = _get(f, "seq")
        p = passages.get(seq)
        sentence = _get(f, "sentence")
        at = -1
        if p is not None and (_get(f, "section"), _get(f, "page"), _get(f, "line")) == (
                _get(p, "section"), _get(p, "page"), _get(p, "line")):
            at = (_get(p, "text") or "").find(sentence) if sentence is not None else -1
        head = (report_id, n, seq, *(_stored_flag(_get(f, c)) for c in FACT_STORED))
        if at >= 0:
            out.append((*head, at, len(sentence), None, None, None, None))
        else:
            out.append((*head, None, None, sentence, _get(f, "section"), _get(f, "page"), _get(f, "line")))
    return out


def _stored_flag(v):
    return int(v) if isinstance(v, bool) else v


def problem_keys(keys: Iterable[str], ids: Dictionary) -> str | None:
    """A finding's cell keys as the ``keys`` column keeps them: key ids, space-separated."""
    return " ".join(str(ids.id(k)) for k in keys) or None


def read_problem_keys(stored: str | None, ids: Dictionary) -> list[str]:
    if not stored:
        return []
    return [ids.text(int(k)) for k in stored.split()]
