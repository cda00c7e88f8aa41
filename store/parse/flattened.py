"""Crawled text whose tables were flattened into running text, cut back into lines.

A crawler's text dump of a report page often holds the whole article on one line, with the table
cells concatenated: "…规章000行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293…
一、本年新收政府信息公开申请数量640020470二、上年结转…".  Other files print one row per line with the
label and the figures run together ("规章000").  :func:`expand` finds the template's phrases in such
text (section headings, row labels, column and group headings, all read from ``store.template``),
the runs of figures between them, and gives the parser the lines a table would have printed:
each heading on a line of its own and each row as "label<TAB>cell<TAB>cell…".

A run is cut into cells (:mod:`store.parse.runs`) only where the row's identity (row sum = total;
the parts of a review group = its total) and, across rows, the columns' identities (新收 + 结转 =
总计 + 结转下年度; the results add up to 总计) allow exactly one split.  A run that cannot be cut for
sure is handed on as one figure, so the parser cannot fit it and marks the row ``uncertain``:
never a guessed split, never a blank.  Text that shows no run-together row is left as it is.

Pure: blocks in, blocks out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from store.document import Block
from store.parse import runs
from store.template import (ACTIVE, APPLICANT_GROUP_LABEL, APPLY, REVIEW, SECTIONS, TABLE_HEADINGS, Row,
                            cell_key, normalise_label)

FLATTENED_ROWS = 3  # rows of figures in one paragraph that make it a flattened page
_DROP = re.compile(r"[\s\u3000\u00a0·•\"“”'‘’「」『』《》<>]")
_NEUTRAL = re.compile(r"^[\s:：;；,，、.。()（）\[\]【】/|-]*$")
_SEPARATED = re.compile(r"\t| {2,}|\u3000")  # cells separated as a table prints them (a blank cell kept)
_UNITS = ("万元", "元", "件", "条", "项", "次", "个")
_NARRATIVE_AFTER = set("年月日号%％万元件条项次个人起宗篇期份封余多")


@dataclass(frozen=True)
class Phrase:
    kind: str  # section | row | heading
    tables: frozenset[str]
    versions: frozenset[str]
    rows: tuple[tuple[str, Row], ...] = ()  # (table id, template row) for a row label

    def is_row_in(self, context: str) -> bool:
        """Whether the phrase labels a row where the table read so far is ``context``: "总计" is a row
        label of section 三 but a heading of section 四."""
        if self.kind != "row":
            return False
        own = {tid for tid, _ in self.rows}
        return not (context and context in self.tables and context not in own)


@lru_cache(maxsize=1)
def _inventory() -> tuple[dict[str, Phrase], re.Pattern]:
    found: dict[str, dict] = {}

    def add(text: str, kind: str, table: str | None, versions, row: tuple[str, Row] | None = None):
        t = normalise_label(text)
        if len(t) < 2:
            return
        e = found.setdefault(t, {"kinds": set(), "tables": set(), "versions": set(), "rows": []})
        e["kinds"].add(kind)
        if table:
            e["tables"].add(table)
        e["versions"].update(versions)
        if row and row not in e["rows"]:
            e["rows"].append(row)

    for table in (ACTIVE, APPLY, REVIEW):
        for row in table.rows:
            kind = "heading" if table is REVIEW else "row"  # section 四 prints its row labels as headings
            for label in (row.label, *row.variants):
                add(label, kind, table.id, row.versions, (table.id, row) if kind == "row" else None)
            if row.group:
                add(row.group, "heading", table.id, row.versions)
            for col in row.columns:
                for label in (col.label, *col.variants):
                    add(label, "heading", table.id, row.versions)
    for heading in (*TABLE_HEADINGS, APPLICANT_GROUP_LABEL):
        add(heading, "heading", None, ("2019", "2021"))
    for sec in SECTIONS:
        for title in (sec.title, *sec.variants):
            add(f"{sec.number}、{title}", "section", None, ("2019", "2021"))
    phrases = {}
    for t, e in found.items():
        kind = "section" if "section" in e["kinds"] else "row" if "row" in e["kinds"] else "heading"
        phrases[t] = Phrase(kind, frozenset(e["tables"]), frozenset(e["versions"]), tuple(e["rows"]))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(phrases, key=len, reverse=True)))
    return phrases, pattern


# --------------------------------------------------------------------------- reading one paragraph

@dataclass
class Token:
    kind: str  # phrase | run | gap
    start: int  # in the compact text
    end: int
    phrase: Phrase | None = None
    figure: bool = False  # a run that is a table's figures
    unit: str = ""


@dataclass
class Paragraph:
    text: str  # as printed
    compact: str  # folded, without spaces and quotes (a space kept between two figures)
    where: list[int]  # compact index -> index in ``text``
    tokens: list[Token] = field(default_factory=list)
    zones: list[tuple[int, int]] = field(default_factory=list)  # token index ranges that are tables

    def original(self, start: int, end: int) -> str:
        """The printed text behind compact[start:end]."""
        if start >= end:
            return ""
        return self.text[self.where[start]:self.where[end - 1] + 1]

    def glued(self, i: int) -> bool:
        """Whether token ``i`` follows token ``i - 1`` with nothing in between, as printed."""
        return i > 0 and self.where[self.tokens[i].start] == self.where[self.tokens[i - 1].end - 1] + 1


def _compact(text: str) -> tuple[str, list[int]]:
    chars: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            chars.append((c, i))
    out, where = [], []
    k = 0
    while k < len(chars):
        c, i = chars[k]
        if c.isspace():
            j = k
            while j < len(chars) and chars[j][0].isspace():
                j += 1
            if out and out[-1].isdigit() and j < len(chars) and (chars[j][0].isdigit() or chars[j][0] in "-+"):
                out.append(" ")
                where.append(i)
            k = j
            continue
        if not _DROP.match(c):
            out.append(c)
            where.append(i)
        k += 1
    return "".join(out), where


def read_paragraph(text: str) -> Paragraph:
    phrases, pattern = _inventory()
    compact, where = _compact(text)
    para = Paragraph(text, compact, where)
    toks: list[Token] = []
    at = 0
    for m in pattern.finditer(compact):
        _gap(compact, at, m.start(), toks)
        toks.append(Token("phrase", m.start(), m.end(), phrases[m.group()]))
        at = m.end()
    _gap(compact, at, len(compact), toks)
    para.tokens = toks
    _mark_figures(para)
    para.zones = _zones(para)
    return para


def _gap(compact: str, start: int, end: int, toks: list[Token]) -> None:
    """The text between two phrases: runs of figures and the words around them."""
    at = start
    for s, e in runs.find_runs(compact[start:end]):
        s, e = s + start, e + start
        if s > at:
            toks.append(Token("gap", at, s))
        toks.append(Token("run", s, e))
        at = e
    if end > at:
        toks.append(Token("gap", at, end))


def _mark_figures(para: Paragraph) -> None:
    """A run is a table's figures when it follows a phrase and no unit or word of a sentence follows it
    ("2021年", "共7条，" are narrative)."""
    toks = para.tokens
    for i, tok in enumerate(toks):
        if tok.kind != "run" or i == 0 or toks[i - 1].kind != "phrase":
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.kind == "gap":
            word = para.compact[nxt.start:nxt.end]
            unit = next((u for u in _UNITS if word == u), "")
            after = toks[i + 2] if i + 2 < len(toks) else None
            if unit and (after is None or after.kind == "phrase"):
                tok.unit = unit  # "73802895.90元" before the next heading
            elif word[0] in _NARRATIVE_AFTER:
                continue
        tok.figure = True


def _zones(para: Paragraph) -> list[tuple[int, int]]:
    """Stretches of phrases and figures with no other words between them that hold a table: two rows
    of figures or more, a line that is one row, or (on a flattened page) headings over figures."""
    toks, out, weak = para.tokens, [], []
    i = 0
    while i < len(toks):
        if not (toks[i].kind == "phrase" or toks[i].figure):
            i += 1
            continue
        j = i
        while j < len(toks) and (toks[j].kind == "phrase" or toks[j].figure or _neutral(para, toks[j])
                                 or toks[j].kind == "gap" and toks[j].start == toks[j - 1].end and j > i
                                 and toks[j - 1].figure and para.compact[toks[j].start:toks[j].end] == toks[j - 1].unit):
            j += 1
        figures = sum(1 for t in toks[i:j] if t.figure)
        whole = all(_neutral(para, t) for t in toks[:i] + toks[j:])
        if figures >= 2 or figures == 1 and whole:
            out.append((i, j))
        elif figures == 1 and sum(1 for t in toks[i:j] if t.kind == "phrase") >= 3:
            weak.append((i, j))
        i = max(j, i + 1)
    if any(sum(1 for t in toks[a:b] if t.figure) >= FLATTENED_ROWS for a, b in out):
        out = sorted(out + weak)
    return out


def _neutral(para: Paragraph, tok: Token) -> bool:
    return tok.kind == "gap" and bool(_NEUTRAL.match(para.compact[tok.start:tok.end]))


# --------------------------------------------------------------------------- rows and their cells

@dataclass
class FoundRow:
    para: int  # paragraph index
    label: int | None  # token index of the row label (None for section 四's figures)
    run: int  # token index of the run
    table: str  # active | apply | review | ""
    row: Row | None
    n: int
    text: str  # the run as printed, folded
    evidence: bool  # the cells visibly run together
    cells: tuple[str, ...] | None = None


def _version(paras: list[Paragraph]) -> str:
    votes = {"2019": 0, "2021": 0}
    for p in paras:
        for a, b in p.zones:
            for t in p.tokens[a:b]:
                if t.kind == "phrase" and len(t.phrase.versions) == 1:
                    votes[next(iter(t.phrase.versions))] += 1
    return "2019" if votes["2019"] > votes["2021"] else "2021"


def _rows(paras: list[Paragraph], version: str) -> list[FoundRow]:
    out: list[FoundRow] = []
    context = ""
    for pi, p in enumerate(paras):
        for a, b in p.zones:
            for i in range(a, b):
                t = p.tokens[i]
                if t.kind == "phrase":
                    if t.phrase.is_row_in(context):
                        context = t.phrase.rows[0][0]
                    elif len(t.phrase.tables) == 1:
                        context = next(iter(t.phrase.tables))
                    continue
                if not t.figure:
                    continue
                text = p.compact[t.start:t.end]
                prev = p.tokens[i - 1]
                row, table = None, context
                if prev.kind == "phrase" and prev.phrase.is_row_in(context):
                    fits = [r for tid, r in prev.phrase.rows if version in r.versions] or [r for _, r in prev.phrase.rows]
                    row, table = fits[0], prev.phrase.rows[0][0]
                n = len(row.columns) if row else (len(REVIEW.rows) * len(REVIEW.rows[0].columns)
                                                  if table == "review" else 0)
                if _SEPARATED.search(p.original(t.start, t.end)):
                    n, text = 0, p.original(t.start, t.end).strip()  # printed with separators: read as printed
                evidence = n > 0 and (p.glued(i) or any(len(x) > 1 and x[0] == "0" and x[1].isdigit()
                                                        for x in runs.pieces(text)))
                out.append(FoundRow(pi, i - 1 if row else None, i, table if (row or table == "review") else "",
                                    row, n, text, evidence))
    return out


def _split(rows: list[FoundRow], version: str) -> None:
    """Cut every run that the identities allow one way only."""
    from store.checks import equalities

    review = [r for r in rows if r.table == "review"]
    if len(review) > 1:  # section 四 printed in several runs: not cut
        for r in review:
            r.n = 0
    choices: dict[str, list[dict]] = {}
    splits_of: dict[str, list[tuple[str, ...]]] = {}
    fixed: dict[str, float | int] = {}
    owner: dict[str, FoundRow] = {}
    for r in rows:
        if not r.n:
            continue
        if r.table == "apply":
            found = runs.candidates(r.text, r.n, runs.row_sum)
        elif r.table == "review":
            found = runs.candidates(r.text, r.n, runs.group_sums(len(REVIEW.rows[0].columns)))
        else:
            found = runs.candidates(r.text, r.n, None, signed=True)
        if not found:
            continue
        if len(found) == 1:
            r.cells = found[0]
            if r.table == "apply":
                fixed.update(_keyed(r.row, found[0]))
        elif r.table == "apply" and r.row.key not in choices:
            choices[r.row.key] = [_keyed(r.row, s) for s in found]
            splits_of[r.row.key] = found
            owner[r.row.key] = r
    if choices:
        eqs = [(e.left, e.right) for e in equalities(version) if e.rule.startswith("apply")]
        for key, idx in runs.solve_jointly(choices, fixed, eqs).items():
            owner[key].cells = splits_of[key][idx]


def _keyed(row: Row, cells: tuple[str, ...]) -> dict[str, float | int]:
    return {cell_key(APPLY, row, col): runs.value(c) for col, c in zip(row.columns, cells)}


# --------------------------------------------------------------------------- lines out

def _cells_text(r: FoundRow, unit: str) -> str:
    """The figures of a row as the parser should read them."""
    if r.cells is not None:
        cells = list(r.cells)
        if unit:
            cells[-1] += unit
        return "\t".join(cells)
    if not r.evidence:
        return r.text + unit  # printed with separators: read as printed
    parts = runs.pieces(r.text)
    if r.n == 1:  # one cell: more than one figure cannot be placed
        return "\t".join(parts if len(parts) > 1 else list(parts[0]))
    return "".join(parts) + unit  # one figure where several belong: the row cannot be fitted


def _lines_of(p: Paragraph, found: dict[int, FoundRow]) -> list[str]:
    """A flattened paragraph as the lines of the page it came from."""
    lines: list[str] = []
    narrative: list[tuple[int, int]] = []

    def flush():
        if narrative:
            text = p.original(narrative[0][0], narrative[-1][1]).strip()
            if text:
                lines.append(text)
            narrative.clear()

    in_zone = set()
    for a, b in p.zones:
        in_zone.update(range(a, b))
    toks = p.tokens
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "phrase" and t.phrase.kind == "section":
            flush()
            lines.append(p.original(t.start, t.end).strip())
        elif i not in in_zone:
            narrative.append((t.start, t.end))
        elif t.kind == "phrase":
            flush()
            if i + 1 in found and found[i + 1].label == i:
                r = found[i + 1]
                lines.append(p.original(t.start, t.end).strip() + "\t" + _cells_text(r, toks[i + 1].unit))
                i += 2
                if toks[i - 1].unit and i < len(toks) and toks[i].kind == "gap":
                    i += 1  # the unit, printed after the figure
                continue
            lines.append(p.original(t.start, t.end).strip())
        elif t.figure:
            flush()
            r = found.get(i)
            if r is not None and r.table == "review" and r.cells is not None:
                lines.append("\t".join(r.cells))
            else:
                lines.append(_cells_text(r, t.unit) if r is not None else p.compact[t.start:t.end])
        i += 1
    flush()
    return lines


def expand(blocks: list[Block]) -> list[Block]:
    """The blocks with every flattened paragraph cut into the lines of its tables (see the module)."""
    paras: dict[int, Paragraph] = {}
    _, pattern = _inventory()
    for bi, block in enumerate(blocks):
        if block.kind == "paragraph" and block.text and _maybe(block.text):
            p = read_paragraph(block.text)
            if p.zones:
                paras[bi] = p
    if not paras:
        return blocks
    order = list(paras)
    plist = [paras[bi] for bi in order]
    version = _version(plist)
    rows = _rows(plist, version)
    per_para: dict[int, list[FoundRow]] = {}
    for r in rows:
        per_para.setdefault(r.para, []).append(r)
    flat = {pi for pi, rs in per_para.items() if len(rs) >= FLATTENED_ROWS}
    single = {pi for pi, rs in per_para.items() if pi not in flat and any(r.evidence for r in rs)}
    if not flat and not single:
        return blocks
    _split(rows, version)
    out: list[Block] = []
    for bi, block in enumerate(blocks):
        pi = order.index(bi) if bi in paras else None
        if pi is None or pi not in flat and pi not in single:
            out.append(block)
            continue
        found = {r.run: r for r in per_para[pi]}
        for text in _lines_of(plist[pi], found):
            out.append(Block("paragraph", text=text, page=block.page, line=block.line))
    return out


_DIGIT_AFTER_WORD = re.compile(r"[^\W\d_][\s\u3000\u00a0]*\d")


def _maybe(text: str) -> bool:
    """A cheap first look: a word followed by a figure (every table row printed as text has one)."""
    return bool(_DIGIT_AFTER_WORD.search(text))
