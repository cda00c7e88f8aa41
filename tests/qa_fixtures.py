"""Stores for the question tests: the five samples plus synthetic agencies with several years.

Synthetic reports are rendered with :mod:`tests.synth` (every 勾稽关系 holds) and parsed by the
real ingest, so the expected figures are the figures that were printed.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from store.db import Store
from store.ingest import ingest
from store.samples import sample_files
from synth import consistent_figures, render

TODAY = date(2024, 6, 1)  # 今年 = 2024, 去年 = 2023, 前年 = 2022

#: agency full name -> {year: seed}
SYNTHETIC = {
    "武汉市江岸区人民政府二七街道办事处": {2019: 11, 2020: 12, 2021: 13, 2022: 14, 2023: 15},
    "武汉市江岸区人民政府花桥街道办事处": {2021: 21, 2022: 22},
    "武汉市汉阳区人民政府龙阳街道办事处": {2021: 31, 2023: 33},
    "孝感市孝南区新铺镇人民政府": {2021: 41},
}
AMBIGUOUS_TWIN = "武汉市东西湖区人民政府后湖街道办事处"


def figures_for(seed: int, year: int) -> dict:
    version = "2019" if year <= 2020 else "2021"
    return consistent_figures(random.Random(seed), version, density=0.5, big=30)


def write_reports(folder: Path, agencies: dict[str, dict[int, int]]) -> dict[tuple[str, int], dict]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    layouts = ("cells", "tabs", "html", "spaces")
    for n, (agency, years) in enumerate(agencies.items()):
        for k, (year, seed) in enumerate(years.items()):
            figs = figures_for(seed, year)
            version = "2019" if year <= 2020 else "2021"
            layout = layouts[(n + k) % len(layouts)]
            text = render(figs, version, layout, agency=agency, year=year, region="湖北省")
            suffix = ".html" if layout == "html" else ".txt"
            (folder / f"{seed}_{year}{suffix}").write_text(text, encoding="utf-8")
            out[(agency, year)] = figs
    return out


def build_store(folder: Path, twin: bool = False) -> tuple[Store, dict]:
    store = Store(folder / "qa.db")
    summary = ingest(store, sample_files())
    assert summary.count("added") == 5
    agencies = dict(SYNTHETIC)
    if twin:
        agencies = {AMBIGUOUS_TWIN: {2021: 51}}
    figures = write_reports(folder / "reports", agencies)
    summary = ingest(store, [folder / "reports"])
    assert summary.count("skipped") == 0, summary.lines()
    return store, figures
