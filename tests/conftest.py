"""Fixtures shared by several test files."""

from __future__ import annotations

import shutil

import pytest

from store.samples import sample_files


@pytest.fixture
def samples_dir(tmp_path):
    """A folder holding copies of the five bundled sample reports."""
    d = tmp_path / "inbox"
    d.mkdir()
    for f in sample_files():
        shutil.copy(f, d / f.name)
    return d


@pytest.fixture
def no_ocr(monkeypatch):
    """As on a machine without the OCR extra: scanned pages are reported, not read."""
    from store.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)


# ---------------------------------------------------------------------------- question fixtures
# Each test module that asks questions builds its own stores (module scope: a module may change a
# cell and put it back, and never touches another module's store).

@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    """An Answerer over the street offices of ``qa_fixtures.build_store`` and their figures."""
    from bot.engine import Answerer
    from qa_fixtures import TODAY, build_store

    store, figures = build_store(tmp_path_factory.mktemp("qa"))
    return Answerer(store, today=TODAY), figures


@pytest.fixture(scope="module")
def dept(tmp_path_factory):
    """An Answerer over the departments and governments of ``qa_fixtures.build_departments``."""
    from bot.engine import Answerer
    from qa_fixtures import TODAY, build_departments

    store, figures = build_departments(tmp_path_factory.mktemp("departments"))
    return Answerer(store, today=TODAY), figures


@pytest.fixture(scope="module")
def told(tmp_path_factory):
    """An Answerer over reports whose figures only their narrative states (``qa_fixtures.build_narratives``)."""
    from bot.engine import Answerer
    from qa_fixtures import TODAY, build_narratives

    return Answerer(build_narratives(tmp_path_factory.mktemp("narratives")), today=TODAY)
