"""The bundled sample reports (five real reports with verified figures, see samples/README.md)."""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).parent / "samples"


def sample_files() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.txt"))


def load_samples_if_empty(store) -> bool:
    """Fill an empty store with the samples.  Returns True when it did."""
    if store.stats()["reports"]:
        return False
    from store.ingest import ingest

    ingest(store, sample_files())
    return True
