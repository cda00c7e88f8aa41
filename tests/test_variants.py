"""Unseen variants of real reports: a few of corpus c's real pages re-rendered in every layout of
``tests/variants.py`` (HTML, text copies, PDF, docx, traditional characters, OCR-like misreads, cut-off
copies …) and scored cell by cell against c's verified truth.

Whatever the layout: no wrong figure and no false blank.  Where a layout keeps the whole table readable,
every cell right; the layouts below lose information by construction (cells run together, figures
misread as letters, a copy cut off, a text extraction that writes a table column by column) and are held
only to the first rule.  The full sweep over every page is ``benchmarks/sweep_variants.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from realworld_corpus import REALWORLD, load, needs_realworld

pytestmark = needs_realworld

#: Layouts that lose information by construction: flagged cells allowed, never a wrong one.
LOSSY = {
    "runtogether": "cells run together with no separator (figures needing the narrative stay flagged)",
    "pdfminer_text": "pdfminer writes a table column by column: figures placed only where rows and columns agree",
    "pdfminer_text_break": "the same, with a page break inside the table",
    "ocrish_tabs": "figures misread as letters (S8, l2) cannot be read",
    "ocrish_html": "figures misread as letters",
    "ocrish_spaces": "figures misread as letters",
    "seq_cells": "a 序号 column on a line of its own is indistinguishable from a figure",
    "seq_html": "a 序号 beside a merged group cell",
    "seq_tabs": "a 序号 beside a merged group cell",
    "split_cells": "a table split in two with its rows one cell per line",
    "pdf_running_head": "a running head inside a table broken across pages",
    "excerpt_html": "the copy is cut off",
    "excerpt_spaces": "the copy is cut off",
    "excerpt_tabs": "the copy is cut off",
    "excerpt_cells": "the copy is cut off",
    "excerpt_pipes": "the copy is cut off",
}

#: Two of c's pages: the whole-zone report (spans and split header cells) and a department's.
FILES = ("c001", "c008")


def _installed(layout: str) -> bool:
    lib = next((x for x in ("html2text", "markdownify") if layout.startswith(x)), None)
    return lib is None or importlib.util.find_spec(lib) is not None


@pytest.fixture(scope="module")
def pages():
    from variants import page_from_html

    manifest = {Path(m["file"]).stem: m for m in load("c", "manifest.json")}
    truth = {Path(t["file"]).stem: t for t in load("c", "truth.json")}
    return {f: (page_from_html(REALWORLD / "c" / manifest[f]["file"]), manifest[f], truth[f]["cells"])
            for f in FILES}


def _layouts():
    from variants import LAYOUTS

    return [x for x in LAYOUTS if not x.startswith(("pdf_", "pdfminer", "plumber", "docx"))]


def _pdf_layouts():
    from variants import LAYOUTS

    return [x for x in LAYOUTS if x.startswith(("pdf_", "pdfminer", "plumber", "docx"))]


def _check(pages, layout: str, files=FILES):
    from variants import agency_right, render, score

    from store.parse import parse_document
    from store.parse.script import to_simplified
    from store.readers import read_bytes

    if not _installed(layout):
        pytest.skip(f"{layout}: converter not installed")
    for f in files:
        page, manifest, truth = pages[f]
        data, suffix = render(page, layout, f"{f}:0")
        report = parse_document(read_bytes(data, f"{f}{suffix}"))
        tally, bad = score(report, truth)
        assert tally["wrong"] == 0 and tally["false_blank"] == 0, (layout, f, bad[:5])
        assert report.meta.year == manifest["year"], (layout, f, report.meta.year)
        assert agency_right(to_simplified(report.meta.agency or ""), manifest), (layout, f, report.meta.agency)
        if layout not in LOSSY:
            assert tally["flagged"] == 0, (layout, f, tally)


@pytest.mark.parametrize("layout", _layouts())
def test_every_text_and_html_layout_of_a_real_page(pages, layout):
    _check(pages, layout)


@pytest.mark.parametrize("layout", _pdf_layouts())
def test_every_pdf_and_word_layout_of_a_real_page(pages, layout):
    _check(pages, layout, files=FILES[:1])
