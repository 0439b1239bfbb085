"""A second run in the same process joins and warns exactly as the first.

A run keeps readings between runs (the parsed codes, process-wide); nothing
it keeps may make a later run forget a doubtful match or its warning.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.errors import DoubtfulMatchWarning
from geo_priority.schema import DOUBTFUL

KAB = ["36.01", "36.02", "36.03", "36.04"]
NAMES = ["Kab. Pandeglang", "Kab. Lebak", "Kab. Tangerang", "Kab. Serang"]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    areas = gpd.GeoDataFrame(
        {"kode": KAB, "nama": NAMES},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(4)],
        crs="EPSG:4326",
    )
    areas.to_file(tmp_path / "kab.geojson", driver="GeoJSON")
    table_names = ["Kab. Pandeglang", "Kab. Lebak", "Kab. Tangerang", "Kab. Bogor"]
    rows = "\n".join(
        f"{c},{n},{v}" for c, n, v in zip(KAB, table_names, [3, 9, 4, 12], strict=True)
    )
    (tmp_path / "t.csv").write_text(f"kode,nama,miskin\n{rows}\n", encoding="utf-8")
    path = tmp_path / "run.toml"
    path.write_text(
        """
title = "t"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
accept_all_doubtful = true
[scoring]
[[scoring.indicators]]
key = "miskin"
weight = 1.0
[classify]
scheme = "quantiles"
k = 2
""",
        encoding="utf-8",
    )
    return path


def _doubtful_codes(config: Path) -> tuple[list[str], list[str]]:
    """Analyse ``config``; return the doubtful rows' codes and the warnings' texts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # as a user's interpreter, not "always"
        analysis = pipeline.analyse(load_config(config))
    entries = analysis.report.entries
    codes = entries.loc[entries["status"] == DOUBTFUL, "row_code"].tolist()
    texts = [str(w.message) for w in caught if w.category is DoubtfulMatchWarning]
    return codes, texts


def test_a_second_run_in_the_same_process_finds_and_warns_the_same_doubt(
    config: Path,
) -> None:
    first = _doubtful_codes(config)
    assert first[0] == ["36.04"] and len(first[1]) == 1, first
    assert _doubtful_codes(config) == first
    assert _doubtful_codes(config) == first
