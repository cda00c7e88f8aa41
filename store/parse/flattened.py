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
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from store.document import Block
from store.parse import runs
from store.parse.memo import remembered
from store.template.cell_text import COUNT_UNITS
from store.template import (ACTIVE, APPLICANT_GROUP_LABEL, APPLY, REVIEW, SECTIONS, TABLE_HEADINGS, Row,
                            cell_key, normalise_label)

MAX_PARAGRAPH = 200_000  # characters: a flattened report page holds 3,000-20,000
FLATTENED_ROWS = 3  # rows of figures in one paragraph that make it a flattened page
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
    unit: str = ""  # a run's unit printed after it ("元"); on the gap that holds it: the same unit
    label: bool = False  # a gap: the label of the figures after it, though no template row's


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


_PIECE = re.compile(r"(\s+)|[^\s\u3000\u00a0·•\"“”'‘’「」『』《》<>]+")


def _compact(text: str) -> tuple[str, list[int]]:
    """The text folded (NFKC), without spaces, quotes and brackets of titles, but with one space kept
    between two figures; and where each of its characters was printed."""
    folded = unicodedata.normalize("NFKC", text)
    if len(folded) != len(text):  # a character folded into several: fold one by one to keep positions
        chars = [(c, i) for i, ch in enumerate(text) for c in unicodedata.normalize("NFKC", ch)]
        folded, origin = "".join(c for c, _ in chars), [i for _, i in chars]
    else:
        origin = None
    out: list[str] = []
    where: list[int] = []
    for m in _PIECE.finditer(folded):
        s, e = m.span()
        if m.group(1):  # spaces: one is kept between two figures
            if out and out[-1][-1].isdigit() and e < len(folded) and (folded[e].isdigit() or folded[e] in "-+"):
                out.append(" ")
                where.append(s)
            continue
        out.append(m.group())
        where.extend(range(s, e))
    if origin is not None:
        where = [origin[k] for k in where]
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
    if any(sum(1 for t in toks[a:b] if t.figure) >= FLATTENED_ROWS for a, b in para.zones):
        _mark_figures(para, flattened=True)
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


def _mark_figures(para: Paragraph, flattened: bool = False) -> None:
    """A run is a table's figures when it follows a phrase and no unit or word of a sentence follows it
    ("2021年", "共7条，" are narrative).  On a flattened page, a run between a few words that are no
    sentence and the next phrase is a row too: its label is not the template's (a typo), but its
    figures must not be lost into the narrative."""
    toks = para.tokens
    for i, tok in enumerate(toks):
        if tok.kind != "run" or i == 0 or tok.figure:
            continue
        prev = toks[i - 1]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if prev.kind != "phrase":
            if not (flattened and _label_like(para, prev) and (nxt is None or nxt.kind != "gap")):
                continue
            prev.label = True
        if nxt is not None and nxt.kind == "gap":
            word = para.compact[nxt.start:nxt.end]
            unit = next((u for u in _UNITS if word == u), "")
            after = toks[i + 2] if i + 2 < len(toks) else None
            if unit and (after is None or after.kind == "phrase"):
                tok.unit = nxt.unit = unit  # "73802895.90元" before the next heading
            elif word[0] in _NARRATIVE_AFTER:
                prev.label = False
                continue
        tok.figure = True


_SENTENCE = re.compile(r"[。；;！!？?，,]")


def _label_like(para: Paragraph, tok: Token) -> bool:
    text = para.compact[tok.start:tok.end]
    return tok.kind == "gap" and 2 <= len(text) <= 40 and not _SENTENCE.search(text) \
        and bool(re.search(r"[\u4e00-\u9fff]", text))


def _zones(para: Paragraph) -> list[tuple[int, int]]:
    """Stretches of phrases and figures with no other words between them that hold a table: two rows
    of figures or more, a line that is one row, or (on a flattened page) headings over figures."""
    toks, out, weak = para.tokens, [], []
    wordy = [0]  # how many tokens before each index hold words other than the table's
    for t in toks:
        wordy.append(wordy[-1] + (0 if t.kind != "gap" or _in_table(para, t) else 1))
    i = 0
    while i < len(toks):
        if not (toks[i].kind == "phrase" or toks[i].figure or toks[i].label):
            i += 1
            continue
        j = i
        while j < len(toks) and _in_table(para, toks[j]):
            j += 1
        figures = sum(1 for t in toks[i:j] if t.figure)
        whole = wordy[i] == 0 and wordy[-1] == wordy[j]
        if figures >= 2 or figures == 1 and whole:
            out.append((i, j))
        elif figures == 1 and sum(1 for t in toks[i:j] if t.kind == "phrase") >= 3:
            weak.append((i, j))
        i = max(j, i + 1)
    if any(sum(1 for t in toks[a:b] if t.figure) >= FLATTENED_ROWS for a, b in out):
        out = sorted(out + weak)
    return out


def _in_table(para: Paragraph, tok: Token) -> bool:
    return tok.kind == "phrase" or tok.figure or tok.label or bool(tok.unit) or _neutral(para, tok)


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
                out.append(FoundRow(pi, i - 1 if row or prev.label else None, i,
                                    table if (row or table == "review") else "",
                                    row, n, text, evidence))
    return out


def _split(rows: list[FoundRow], version: str, sentences: list[str] = ()) -> None:
    """Cut every run that the identities allow one way only.

    A report that prints 0 in its empty rows ("0000000") and no row of section 三 with fewer
    figures than cells leaves no cell blank: its runs hold a figure for every cell, so a split that
    adds up is the row, if the table so cut is whole and keeps every column identity; else (a cell
    may have been left blank after all) every run is read again allowing for blank cells.
    """
    review = [r for r in rows if r.table == "review"]
    if len(review) > 1:  # section 四 printed in several runs: not cut
        for r in review:
            r.n = 0
    apply = [r for r in rows if r.table == "apply" and r.n]
    zero_filled = any(set(r.text) <= set("0 ") and runs.digits(r.text) == r.n for r in apply) \
        and all(runs.digits(r.text) >= r.n for r in apply)
    _cut(rows, version, not zero_filled, sentences)
    if zero_filled and not _columns_hold(apply, version):
        for r in rows:
            r.cells = None
        _cut(rows, version, True, sentences)


def _apply_equalities(version: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    from store.checks import equalities

    return [(e.left, e.right) for e in equalities(version) if e.rule.startswith("apply")]


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def _stated_counts(sentences: list[str], row: Row) -> set[float | int]:
    """The counts the narrative states of a row's subject: figures with a count unit ("698件") in the
    sentences that name the row (its label or a synonym: "现行有效规范性文件698件")."""
    words = {w for w in (row.label, *row.variants, *row.synonyms) if len(w) >= 2}
    out: set[float | int] = set()
    for sentence in sentences:
        if any(w in sentence for w in words):
            for m in _STATED_COUNT.finditer(sentence):
                out.add(runs.value(m.group(1)))
    return out


_STATED_COUNT = re.compile(r"(?<![\d.])(\d+)\s*(?:" + "|".join(map(re.escape, COUNT_UNITS)) + ")")


def _stated_split(found: list[tuple[str, ...]], stated: set[float | int]) -> tuple[str, ...] | None:
    """Of a row's possible splits, the one whose cells the narrative states: all of them or all but one
    (the digits then fix the last), at least two, and no other split as well supported.  None otherwise."""
    if not stated:
        return None
    scored = sorted(((sum(1 for c in s if runs.value(c) in stated), s) for s in found), key=lambda x: -x[0])
    best, split = scored[0]
    if best < max(2, len(split) - 1) or (len(scored) > 1 and scored[1][0] == best):
        return None
    return split


def _cut(rows: list[FoundRow], version: str, blanks: bool, sentences: list[str] = ()) -> None:
    choices: dict[str, list[dict]] = {}
    splits_of: dict[str, list[tuple[str, ...]]] = {}
    fixed: dict[str, float | int] = {}
    owner: dict[str, FoundRow] = {}
    for r in rows:
        if not r.n:
            continue
        if r.table == "apply":
            found = runs.candidates(r.text, r.n, r.n, blanks=blanks)
        elif r.table == "review":
            found = runs.candidates(r.text, r.n, len(REVIEW.rows[0].columns), blanks=blanks)
        else:
            found = runs.candidates(r.text, r.n, None, signed=True, blanks=blanks)
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
        elif r.table == "active" and r.row is not None:  # no identity ties section 二's cells: the narrative may
            r.cells = _stated_split(found, _stated_counts(sentences, r.row))
    if choices:
        for key, idx in runs.solve_jointly(choices, fixed, _apply_equalities(version)).items():
            owner[key].cells = splits_of[key][idx]


def _columns_hold(apply: list[FoundRow], version: str) -> bool:
    """Whether every identity of section 三 holds on the cut rows (each cell of it cut)."""
    values: dict[str, float | int] = {}
    for r in apply:
        if r.cells is not None:
            values.update(_keyed(r.row, r.cells))
    return all(runs.holds(values, left, right) for left, right in _apply_equalities(version))


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
    if not r.n and set(r.text) <= set("0 "):  # no row of the template: only zeros can be told apart
        return "\t".join("0" * runs.digits(r.text))
    if r.n == 1:  # one cell: more than one figure cannot be placed
        return "\t".join(parts if len(parts) > 1 else list(parts[0]))
    return "".join(parts) + unit  # one figure where several belong: the row cannot be fitted


def _lines_of(p: Paragraph, found: dict[int, FoundRow]) -> list[str]:
    """A flattened paragraph as the lines of the page it came from: narrative as it is, each heading
    on a line of its own, each row as its label and its cells."""
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
    for i, t in enumerate(p.tokens):
        if t.kind == "phrase" and t.phrase.kind == "section":
            flush()
            lines.append(p.original(t.start, t.end).strip())
        elif i not in in_zone:
            narrative.append((t.start, t.end))
        elif t.kind == "phrase" or t.label:
            flush()
            label = p.original(t.start, t.end).strip()
            r = found.get(i + 1)
            lines.append(label + "\t" + _cells_text(r, p.tokens[i + 1].unit) if r is not None and r.label == i
                         else label)
        elif t.figure:
            r = found.get(i)
            if r is not None and r.label is not None:
                continue  # on its label's line
            flush()
            if r is not None and r.table == "review" and r.cells is not None:
                lines.append("\t".join(r.cells))
            else:
                lines.append(_cells_text(r, t.unit) if r is not None else p.compact[t.start:t.end])
    flush()
    return lines


def expand(blocks: list[Block]) -> list[Block]:
    """The blocks with every flattened paragraph cut into the lines of its tables (see the module)."""
    paras: dict[int, Paragraph] = {}
    for bi, block in enumerate(blocks):
        if block.kind == "paragraph" and block.text and _maybe(block.text) and _has_zones(block.text):
            p = _just_read(block.text) or read_paragraph(block.text)  # (a fresh one: later steps change it)
            if p.zones:
                paras[bi] = p
    if not paras:
        return blocks
    order = {bi: pi for pi, bi in enumerate(paras)}
    plist = list(paras.values())
    version = _version(plist)
    rows = _rows(plist, version)
    per_para: dict[int, list[FoundRow]] = {}
    for r in rows:
        per_para.setdefault(r.para, []).append(r)
    flat = {pi for pi, rs in per_para.items() if len(rs) >= FLATTENED_ROWS}
    # lines that are one row each ("规章000"): rewritten where two or more show their cells run together
    # and none carries a unit (a line "行政许可12件" may be a sentence)
    single = {pi for pi, rs in per_para.items() if pi not in flat and any(r.evidence for r in rs)
              and not any(plist[pi].tokens[r.run].unit for r in rs)}
    if len(single) < 2:
        single = set()
    if not flat and not single:
        return blocks
    _split(rows, version, _narrative_sentences(blocks, order, plist))
    out: list[Block] = []
    for bi, block in enumerate(blocks):
        pi = order.get(bi)
        if pi is None or pi not in flat and pi not in single:
            out.append(block)
            continue
        found = {r.run: r for r in per_para[pi]}
        for text in _lines_of(plist[pi], found):
            out.append(Block("paragraph", text=text, page=block.page, line=block.line))
    return out


def _narrative_sentences(blocks: list[Block], order: dict[int, int], paras: list[Paragraph]) -> list[str]:
    """The report's sentences outside its tables (folded), where it may state a table's figures."""
    out: list[str] = []
    for bi, block in enumerate(blocks):
        if block.kind == "paragraph" and block.text:
            pi = order.get(bi)
            text = _outside_tables(paras[pi]) if pi is not None else unicodedata.normalize("NFKC", block.text)
            out += _SENTENCE_END.split(text)
    return out


def _outside_tables(p: Paragraph) -> str:
    """A flattened paragraph's text without its tables (the narrative around them), folded."""
    spans = sorted((p.tokens[a].start, p.tokens[b - 1].end) for a, b in p.zones)
    parts, at = [], 0
    for start, end in spans:
        parts.append(p.compact[at:start])
        at = max(at, end)
    parts.append(p.compact[at:])
    return "。".join(parts)


_DIGIT_AFTER_WORD = re.compile(r"[^\W\d_][\s\u3000\u00a0]*\d")


@remembered(8192, longest=2000)
def _has_zones(text: str) -> bool:
    """Whether a paragraph holds a stretch that reads as a table (remembered: most lines hold none)."""
    p = read_paragraph(text)
    if p.zones:
        _LAST_READ.paragraph = p  # handed to the caller that asks next (see _just_read), never shared
    return bool(p.zones)


_LAST_READ = threading.local()


def _just_read(text: str) -> Paragraph | None:
    """The paragraph :func:`_has_zones` has just read for ``text`` (then read once, not twice), handed out
    once; None when it was remembered rather than read."""
    p = getattr(_LAST_READ, "paragraph", None)
    _LAST_READ.paragraph = None
    return p if p is not None and p.text == text else None


def _maybe(text: str) -> bool:
    """A cheap first look: a word followed by a figure (every table row printed as text has one), in a
    paragraph no longer than a whole report (a bigger one is not read this way: memory stays bounded)."""
    return len(text) <= MAX_PARAGRAPH and bool(_DIGIT_AFTER_WORD.search(text))
