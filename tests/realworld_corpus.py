"""Where the real-report corpus (``../shared/realworld`` beside the checkout) lives, for tests.

``DISCLOSURE_BOT_REALWORLD`` points elsewhere; tests that need the corpus are skipped, with the
reason, on a machine that does not have it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REALWORLD = Path(os.environ.get("DISCLOSURE_BOT_REALWORLD")
                 or Path(__file__).resolve().parents[2] / "shared" / "realworld")
CORPORA = ("a", "b", "c", "d")

needs_realworld = pytest.mark.skipif(not (REALWORLD / "README.md").exists(),
                                     reason=f"the real-report corpus is not at {REALWORLD}")


def load(corpus: str, name: str):
    """``manifest.json`` / ``truth.json`` of one corpus folder, or its ``questions.jsonl`` as a list."""
    path = REALWORLD / corpus / name
    if name.endswith(".jsonl"):
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return json.loads(path.read_text(encoding="utf-8"))


def report_path(corpus: str, file: str) -> Path:
    return REALWORLD / corpus / file


def judge(status: str | None, value, truth) -> str:
    """One verified cell as score.py judges it: ``right``, ``wrong``, ``false_blank`` (stored blank where
    the report prints a figure) or ``flagged`` (not stored, ``uncertain`` or ``missing``)."""
    if status is None or status in ("uncertain", "missing"):
        return "flagged"
    try:
        if value is not None and abs(float(value) - float(truth)) < 1e-6:
            return "right"
    except (TypeError, ValueError):
        pass
    return "false_blank" if value is None and status == "blank" else "wrong"
