"""`check` counts everything a planner must read: unscored areas, imputed
values and repaired geometries fail it unless --lenient is given."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.errors import GeometryRepairedWarning

CODES = ["36.01", "36.02", "36.03", "36.04"]


def _inputs(tmp_path: Path, *, missing: str, bowtie: bool = False) -> Path:
    geoms = [box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(4)]
    if bowtie:  # self-intersecting: repaired by make_valid
        geoms[0] = Polygon([(106, -6.5), (106.1, -6.4), (106.1, -6.5), (106, -6.4)])
    gpd.GeoDataFrame(
        {"kode": CODES, "nama": ["A", "B", "C", "D"]}, geometry=geoms, crs=4326
    ).to_file(tmp_path / "kab.geojson")
    pd.DataFrame({"kode": CODES, "p0": [9.0, None, 5.0, 2.0]}).to_csv(
        tmp_path / "t.csv", index=False
    )
    (tmp_path / "c.toml").write_text(
        '[boundaries]\npath = "kab.geojson"\ncode_column = "kode"\n'
        'name_column = "nama"\ncode_system = "kemendagri"\n'
        '[[tables]]\npath = "t.csv"\ncode_column = "kode"\n'
        f'[scoring]\nmissing = "{missing}"\n[[scoring.indicators]]\nkey = "p0"\n'
        '[classify]\nscheme = "equal_interval"\nk = 2\n',
        encoding="utf-8",
    )
    return tmp_path / "c.toml"


def test_unscored_areas_fail_check_unless_lenient(tmp_path: Path):
    config = load_config(_inputs(tmp_path, missing="drop"))
    _, problems = pipeline.check(config)
    assert any("1 of 4 areas would get no score" in p and "'B'" in p for p in problems)
    assert any('scoring.missing = "impute"' in p for p in problems)
    _, lenient = pipeline.check(config, lenient=True)
    assert lenient == []


def test_imputed_values_fail_check_unless_lenient(tmp_path: Path):
    config = load_config(_inputs(tmp_path, missing="impute"))
    _, problems = pipeline.check(config)
    assert problems == [
        (
            "1 of 4 areas would be scored on imputed values (column 'imputed' of the "
            "ranked table names them)."
        )
    ]
    assert pipeline.check(config, lenient=True)[1] == []


def test_repaired_geometry_fails_check_unless_lenient(tmp_path: Path):
    config = load_config(_inputs(tmp_path, missing="impute", bowtie=True))
    _, problems = pipeline.check(config)
    assert any("repaired" in p for p in problems), problems
    with pytest.warns(GeometryRepairedWarning):
        _, lenient = pipeline.check(config, lenient=True)
    assert lenient == []
