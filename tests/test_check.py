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
    assert any(
        "1 dari 4 wilayah tidak akan mendapat skor" in p and "'B'" in p
        for p in problems
    ), problems
    assert any('scoring.missing = "impute"' in p for p in problems)
    _, lenient = pipeline.check(config, lenient=True)
    assert lenient == []


def test_imputed_values_fail_check_unless_lenient(tmp_path: Path):
    config = load_config(_inputs(tmp_path, missing="impute"))
    _, problems = pipeline.check(config)
    assert problems == [
        (
            "1 dari 4 wilayah akan diskor dengan nilai yang diisi (kolom 'imputed' "
            "pada tabel peringkat menyebutkannya)."
        )
    ]
    assert pipeline.check(config, lenient=True)[1] == []


def test_repaired_geometry_fails_check_unless_lenient(tmp_path: Path):
    config = load_config(_inputs(tmp_path, missing="impute", bowtie=True))
    _, problems = pipeline.check(config)
    assert any(
        "1 geometri tidak sah diperbaiki otomatis" in p
        and "'36.01'" in p
        and "--lenient" in p
        for p in problems
    ), problems
    with pytest.warns(GeometryRepairedWarning):
        _, lenient = pipeline.check(config, lenient=True)
    assert lenient == []


def test_cli_check_is_strict_unless_lenient(tmp_path: Path):
    from click.testing import CliRunner

    from geo_priority.cli import cli

    config = _inputs(tmp_path, missing="drop")
    strict = CliRunner().invoke(cli, ["check", str(config)])
    assert strict.exit_code == 1
    assert strict.output.startswith(
        "Masalah: 1 dari 4 wilayah tidak akan mendapat skor"
    )
    assert "'B'" in strict.output
    lenient = CliRunner().invoke(cli, ["check", "--lenient", str(config)])
    assert lenient.exit_code == 0, lenient.output


@pytest.mark.filterwarnings("default::geo_priority.errors.GeoPriorityWarning")
def test_cli_run_prints_every_file_it_writes(tmp_path: Path):
    from click.testing import CliRunner

    from geo_priority.cli import cli

    config = _inputs(tmp_path, missing="impute")
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + '[outputs]\nformats = ["html", "shp", "styles", "metadata", "json"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["run", str(config)])
    assert result.exit_code == 0, result.stderr
    printed = {Path(line).name for line in result.stdout.splitlines()}
    written = {p.name for p in (tmp_path / "maps").iterdir()}
    assert printed == written
    assert {"priority.sld", "priority_shp.qml", "priority_metadata.xml"} <= printed


def test_cli_unexpected_error_is_one_line_and_v_shows_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from click.testing import CliRunner

    from geo_priority.cli import cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(pipeline, "run", broken)
    config = _inputs(tmp_path, missing="impute")
    plain = CliRunner().invoke(cli, ["run", str(config)])
    assert plain.exit_code == 1
    lines = [line for line in plain.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "something nobody foresaw" in lines[0]
    assert "-v" in lines[0] and "Traceback" not in plain.stderr
    verbose = CliRunner().invoke(cli, ["-v", "run", str(config)])
    assert verbose.exit_code == 1 and "Traceback" in verbose.stderr
