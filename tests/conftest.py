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
