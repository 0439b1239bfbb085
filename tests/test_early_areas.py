"""A run that draws the map prepares the areas before reading the tables.

The map's display geometry (:class:`geo_priority.render.ahead.DisplayAhead`)
starts as soon as the areas are prepared, so the tables are read while it
runs; what a user sees (errors, warnings and their order) is as when the
areas are prepared after the tables (``analyse``, no map thread).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from geo_priority import inputs as inputs_module
from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.errors import GeometryRepairedWarning
from geo_priority.render import ahead as ahead_module

CODES = ["36.01", "36.02", "36.03", "36.04"]
BOWTIE = Polygon([(106.0, -6.5), (106.1, -6.4), (106.1, -6.5), (106.0, -6.4)])


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    geoms = [box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(4)]
    geoms[0] = BOWTIE  # invalid: repaired, with a warning, when prepared
    areas = gpd.GeoDataFrame(
        {"kode": CODES, "nama": [f"Kab {c}" for c in CODES]},
        geometry=geoms,
        crs="EPSG:4326",
    )
    areas.to_file(tmp_path / "kab.geojson", driver="GeoJSON")
    rows = ["kode;nilai"] + [f"{c};{i + 1}" for i, c in enumerate(CODES)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "run.toml").write_text(
        """
title = "Uji"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
code_system = "bps"
[[tables]]
path = "t.csv"
code_column = "kode"
code_system = "bps"
[scoring]
[[scoring.indicators]]
key = "nilai"
weight = 1
[classify]
scheme = "equal_interval"
k = 2
[outputs]
dir = "out"
name = "uji"
formats = ["html"]
""",
        encoding="utf-8",
    )
    return tmp_path / "run.toml"


def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record when the map thread starts and each table is read (which warns)."""
    events: list[str] = []
    start, read = ahead_module.DisplayAhead.start, inputs_module._read_table

    def started(*args: Any, **kwargs: Any) -> Any:
        events.append("display started")
        return start(*args, **kwargs)

    def reading(*args: Any, **kwargs: Any) -> Any:
        events.append("table read")
        warnings.warn("table read", UserWarning, stacklevel=2)
        return read(*args, **kwargs)

    monkeypatch.setattr(ahead_module.DisplayAhead, "start", started)
    monkeypatch.setattr(inputs_module, "_read_table", reading)
    return events


def _warned(func: Any, *args: Any) -> list[tuple[type[Warning], str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        func(*args)
    return [(w.category, str(w.message)) for w in caught]


def test_display_starts_before_the_tables_are_read(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
):
    events = _spy(monkeypatch)
    seen = _warned(pipeline.run, load_config(config_path))
    assert events == ["display started", "table read"]
    assert (config_path.parent / "out" / "uji.html").is_file()
    # warnings in the order of a run that prepares the areas after the tables
    events.clear()
    alone = _warned(pipeline.analyse, load_config(config_path))
    assert events == ["table read"]  # no map thread here
    assert [c for c, _ in seen[:2]] == [UserWarning, GeometryRepairedWarning]
    assert seen == alone


def test_missing_table_is_reported_before_a_bad_boundary_column(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _edit(config_path, 'path = "t.csv"', 'path = "absent.csv"')
    _edit(config_path, 'code_column = "kode"\nname', 'code_column = "kd"\nname')
    with pytest.raises(Exception) as alone:
        pipeline.analyse(load_config(config_path))
    assert "absent.csv" in str(alone.value)
    with pytest.raises(type(alone.value)) as early:
        pipeline.run(load_config(config_path))
    assert str(early.value) == str(alone.value)


@pytest.mark.filterwarnings("ignore:table read")
def test_bad_boundary_column_is_reported_when_the_tables_are_fine(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
):
    events = _spy(monkeypatch)
    _edit(config_path, 'code_column = "kode"\nname', 'code_column = "kd"\nname')
    with pytest.raises(Exception) as alone:
        pipeline.analyse(load_config(config_path))
    assert "kd" in str(alone.value)
    events.clear()
    with pytest.raises(type(alone.value)) as early:
        pipeline.run(load_config(config_path))
    assert str(early.value) == str(alone.value)
    assert events == ["table read"]  # read, then the areas' error raised
