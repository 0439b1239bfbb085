"""The boundary layer read in a thread while a run imports the rest.

``geo-priority run`` starts reading the boundary file
(:func:`geo_priority.inputs.read_boundaries_ahead`) before it imports the
analysis and the map; the run then takes that read instead of reading the
file again. What it takes must be exactly what reading it later gives: the
same frame, the same files, the same error in the same language.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal

from geo_priority import inputs, pipeline
from geo_priority.cli import cli
from geo_priority.config import load_config
from geo_priority.errors import InputError
from geo_priority.messages import use_language

from conftest import require_shared
from geodata import kab_run

CODES = ["36.01", "36.02", "36.03"]


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """Three Banten kab (:func:`geodata.kab_run`), and a layer of the first two."""
    path = kab_run(tmp_path, outputs='dir = "out"\nformats = ["html", "csv"]\n')
    layer = gpd.read_file(tmp_path / "kab.geojson")
    layer.iloc[:2].to_file(tmp_path / "two.geojson", driver="GeoJSON")
    return path


def _with_path(config_path: Path, path: str) -> Any:
    config = load_config(config_path)
    return dataclasses.replace(
        config, boundaries=dataclasses.replace(config.boundaries, path=path)
    )


def test_the_read_ahead_is_the_read(config_path: Path):
    config = load_config(config_path)
    reading = inputs.read_boundaries_ahead(config)
    assert reading is not None
    frame, files = inputs.read_boundary_frame(config, reading)
    later, later_files = inputs.read_boundary_frame(config)
    assert_geodataframe_equal(frame, later)
    assert frame.attrs == later.attrs
    assert files == later_files == [config_path.parent / "kab.geojson"]


def test_the_real_banten_desa_read_ahead_equal_the_read(tmp_path: Path):
    desa = require_shared("boundaries", "banten_desa_ocha_bps2020.geojson")
    (tmp_path / "run.toml").write_text(
        f"""
[boundaries]
path = "{desa}"
code_column = "village_code"
[[tables]]
path = "t.csv"
code_column = "village_code"
[scoring]
[[scoring.indicators]]
key = "x"
weight = 1
""",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "run.toml")
    reading = inputs.read_boundaries_ahead(config)
    frame, _ = inputs.read_boundary_frame(config, reading)
    later, _ = inputs.read_boundary_frame(config)
    assert len(frame) == 1552
    assert_geodataframe_equal(frame, later, check_less_precise=False)


def test_a_read_of_other_settings_is_not_taken(config_path: Path):
    reading = inputs.read_boundaries_ahead(load_config(config_path))
    other = _with_path(config_path, "two.geojson")
    frame, files = inputs.read_boundary_frame(other, reading)
    assert frame["kode"].tolist() == CODES[:2]
    assert files == [config_path.parent / "two.geojson"]


def test_the_error_of_the_read_is_raised_where_it_is_taken(config_path: Path):
    config = _with_path(config_path, "absent.geojson")
    with use_language("en"):
        reading = inputs.read_boundaries_ahead(config)
    with pytest.raises(InputError) as later:
        inputs.read_boundary_frame(config)  # in Bahasa Indonesia, the default
    with pytest.raises(InputError) as taken:
        inputs.read_boundary_frame(config, reading)
    assert "absent.geojson" in str(taken.value)
    with use_language("en"):
        with pytest.raises(InputError) as english:
            inputs.read_boundary_frame(config)
    assert str(taken.value) == str(english.value) != str(later.value)


def test_no_read_ahead_without_a_local_file(config_path: Path):
    config = load_config(config_path)
    source = dataclasses.replace(
        config,
        boundaries=dataclasses.replace(
            config.boundaries, path=None, source="banten-desa-ocha-bps2020"
        ),
    )
    assert inputs.read_boundaries_ahead(source) is None


def test_a_run_given_the_read_writes_what_a_run_without_it_writes(
    config_path: Path,
):
    config = load_config(config_path)
    alone = pipeline.run(config)
    table = alone.outputs["csv"].read_bytes()
    reading = inputs.read_boundaries_ahead(config)
    given = pipeline.run(
        dataclasses.replace(
            config, outputs=dataclasses.replace(config.outputs, overwrite=True)
        ),
        boundaries=reading,
    )
    assert given.outputs["csv"].read_bytes() == table


def test_run_command_reads_the_boundaries_ahead(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
):
    taken: list[bool] = []
    result = inputs.BoundaryRead.result

    def spied(self: inputs.BoundaryRead) -> Any:
        taken.append(True)
        return result(self)

    monkeypatch.setattr(inputs.BoundaryRead, "result", spied)
    run = CliRunner().invoke(cli, ["run", str(config_path), "-q"])
    assert run.exit_code == 0, run.output
    assert taken == [True]
    assert (config_path.parent / "out" / "uji.html").is_file()


def _reading_slowly(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every read ahead look unfinished; record tables read and map started."""
    from geo_priority.render import ahead as ahead_module

    events: list[str] = []
    start, read = ahead_module.DisplayAhead.start, inputs._read_table

    def started(*args: Any, **kwargs: Any) -> Any:
        events.append("display started")
        return start(*args, **kwargs)

    def reading(*args: Any, **kwargs: Any) -> Any:
        events.append("table read")
        return read(*args, **kwargs)

    monkeypatch.setattr(ahead_module.DisplayAhead, "start", started)
    monkeypatch.setattr(inputs, "_read_table", reading)
    monkeypatch.setattr(inputs.BoundaryRead, "done", lambda self: False)
    return events


def test_tables_are_read_while_the_boundaries_are(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
):
    events = _reading_slowly(monkeypatch)
    config = load_config(config_path)
    result = pipeline.run(config, boundaries=inputs.read_boundaries_ahead(config))
    assert events == ["table read", "display started"]
    assert result.analysis.areas["p0"].tolist() == [3.0, 6.0, 9.0]
    events.clear()
    monkeypatch.setattr(inputs.BoundaryRead, "done", lambda self: True)
    config = dataclasses.replace(
        config, outputs=dataclasses.replace(config.outputs, overwrite=True)
    )
    pipeline.run(config, boundaries=inputs.read_boundaries_ahead(config))
    assert events == ["display started", "table read"]  # read: the map first


def test_a_table_error_waits_for_the_boundaries_error(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
):
    events = _reading_slowly(monkeypatch)
    text = config_path.read_text(encoding="utf-8").replace("angka.csv", "absent.csv")
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path)
    with pytest.raises(InputError, match=r"absent\.csv"):
        pipeline.run(config, boundaries=inputs.read_boundaries_ahead(config))
    assert events == ["table read", "display started"]
    both = _with_path(config_path, "absent.geojson")
    with pytest.raises(InputError) as alone:
        pipeline.run(both)
    with pytest.raises(InputError) as ahead:
        pipeline.run(both, boundaries=inputs.read_boundaries_ahead(both))
    assert "absent.geojson" in str(alone.value)
    assert str(ahead.value) == str(alone.value)
