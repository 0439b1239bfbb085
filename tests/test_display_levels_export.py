"""Coarser levels drawn for the map only are never written as GIS layers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

import geo_priority as gp
from geo_priority.errors import ConfigError
from geo_priority.harmonise import DISPLAY_TOLERANCE
from geo_priority.messages import use_language


def _method(formats: list[str]) -> dict[str, object]:
    return {
        "boundaries": {
            "code_column": "kode",
            "name_column": "nama",
            "code_system": "kemendagri",
            "level": "kecamatan",
        },
        "tables": [{"label": "t", "code_column": "kode"}],
        "scoring": {"indicators": [{"key": "miskin", "weight": 1, "unit": "jiwa"}]},
        "classify": {"scheme": "equal_interval", "k": 2},
        "outputs": {"formats": formats, "map_levels": ["kabkota"]},
    }


def _areas() -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    codes = ["36.01.01", "36.01.02", "36.02.01", "36.02.02"]
    areas = gpd.GeoDataFrame(
        {"kode": codes, "nama": ["A", "B", "C", "D"]},
        geometry=[box(i * 0.1, 0, i * 0.1 + 0.1, 0.1) for i in range(4)],
        crs="EPSG:4326",
    )
    import pandas as pd

    table = pd.DataFrame({"kode": codes, "miskin": [10, 20, 30, 40]})
    return areas, {"t": table}


def test_html_only_levels_are_drawn_and_refused_as_gis_layers(tmp_path: Path):
    areas, tables = _areas()
    result = gp.analyse(areas, tables, _method(["html"]))
    assert result.levels[0].areas.attrs.get(DISPLAY_TOLERANCE)
    with use_language("en"), pytest.raises(ConfigError, match=r"outputs\.formats"):
        gp.scored_layer(result)


def test_gis_formats_get_exact_levels(tmp_path: Path):
    areas, tables = _areas()
    result = gp.analyse(areas, tables, _method(["html", "gpkg"]))
    level = result.levels[0].areas
    assert not level.attrs.get(DISPLAY_TOLERANCE)
    # the exact dissolve: two 0.02 square-degree kab/kota (areas in degrees)
    assert sorted(shapely.area(level.geometry.array).round(6)) == [0.02, 0.02]
    assert gp.scored_layer(result).levels[0].name.endswith("_kabkota")


def test_export_command_writes_exact_levels_from_an_html_only_config(tmp_path: Path):
    import pyogrio
    from click.testing import CliRunner

    from geo_priority.cli import cli

    areas, tables = _areas()
    areas.to_file(tmp_path / "kec.gpkg")
    tables["t"].to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "run.toml").write_text(
        f"""
[boundaries]
path = "{(tmp_path / "kec.gpkg").as_posix()}"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
level = "kecamatan"
[[tables]]
path = "{(tmp_path / "t.csv").as_posix()}"
code_column = "kode"
[scoring]
[[scoring.indicators]]
key = "miskin"
weight = 1
unit = "jiwa"
[classify]
scheme = "equal_interval"
k = 2
[outputs]
name = "uji"
formats = ["html"]
map_levels = ["kabkota"]
""",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    result = CliRunner().invoke(
        cli, ["export", str(tmp_path / "run.toml"), "-o", str(out), "-f", "gpkg"]
    )
    assert result.exit_code == 0, result.output
    gpkg = next(out.glob("*.gpkg"))
    layers = [name for name, _ in pyogrio.list_layers(gpkg)]
    level = next(n for n in layers if n.endswith("kabkota"))
    kab = gpd.read_file(gpkg, layer=level)
    assert sorted(kab.to_crs("EPSG:4326").area.round(6)) == [0.02, 0.02]
