"""``geo-priority export`` and ``geo-priority zonal`` end to end (CliRunner)."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from rasterio.transform import Affine
from shapely.geometry import box
from test_export import make_layer

from geo_priority import export
from geo_priority.cli import cli
from geo_priority.io.raster import write_cog

from geodata import kab_run


@pytest.fixture(scope="module")
def scored_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scored")
    return export.export_layer(make_layer(), folder, formats=["gpkg"])["gpkg"][0]


def test_export_prints_every_file(scored_gpkg: Path, tmp_path: Path):
    out = tmp_path / "gis"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            str(scored_gpkg),
            "-o",
            str(out),
            "-f",
            "styles",
            "-f",
            "raster",
            "--raster-resolution",
            "50",
            "--dst-crs",
            "EPSG:23834",
            "--name",
            "banten",
            "--sld-version",
            "1.1.0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        str(out / n)
        for n in ("banten.qml", "banten.sld", "banten_kelas.tif", "banten_skor.tif")
    ]
    assert 'version="1.1.0"' in (out / "banten.sld").read_text(encoding="utf-8")


def test_export_existing_output_exits_1(scored_gpkg: Path, tmp_path: Path):
    (tmp_path / "uji.geojson").write_text("{}")
    result = CliRunner().invoke(
        cli, ["export", str(scored_gpkg), "-o", str(tmp_path), "-f", "geojson"]
    )
    assert result.exit_code == 1
    assert "sudah ada" in result.output and "--overwrite" in result.output


def test_export_bad_crs_exits_1(scored_gpkg: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli,
        ["export", str(scored_gpkg), "-o", str(tmp_path / "x"), "--dst-crs", "EPSG:0"],
    )
    assert result.exit_code == 1
    assert "'EPSG:0' bukan CRS yang dikenal PROJ" in result.output
    assert not (tmp_path / "x").exists()


def test_export_bad_format_exits_2(scored_gpkg: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli, ["export", str(scored_gpkg), "-o", str(tmp_path), "-f", "kml"]
    )
    assert result.exit_code == 2
    assert "'kml' bukan salah satu dari" in result.output  # click's words in id


def _config(tmp_path: Path, outputs: str = "") -> Path:
    return kab_run(tmp_path, outputs='producer = "Bappeda"\n' + outputs)


def test_export_from_a_config(tmp_path: Path):
    _config(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "export",
            str(tmp_path / "run.toml"),
            "-o",
            str(tmp_path / "o"),
            "-f",
            "metadata",
            "-f",
            "table",
        ],
    )
    assert result.exit_code == 0, result.output
    table = (tmp_path / "o" / "uji_tabel.csv").read_text(encoding="utf-8-sig")
    # every area lies in Prov. Banten, so the table leaves Letak out (as the map)
    assert table.splitlines()[1].startswith(
        "36.03;C;1;100,0;1;Prioritas 1 (50–100);9,00;"
    )
    assert "Letak" not in table.splitlines()[0]
    assert '"producer": "Bappeda"' in (tmp_path / "o" / "uji_metadata.json").read_text(
        encoding="utf-8"
    )


def test_zonal_writes_an_indicator_table(tmp_path: Path):
    layer = gpd.GeoDataFrame(
        {"kode": ["36.01", "36.02"], "nama": ["A", "B"]},
        geometry=[box(0, 0, 2, 2), box(2, 0, 3, 1)],
        crs="EPSG:32748",
    )
    layer.to_file(tmp_path / "kab.gpkg")
    write_cog(
        np.full((2, 4), 5.0, "float32"),
        tmp_path / "pop.tif",
        transform=Affine(1, 0, 0, 0, -1, 2),
        crs="EPSG:32748",
        nodata=-1.0,
    )
    args = [
        "zonal",
        str(tmp_path / "kab.gpkg"),
        str(tmp_path / "pop.tif"),
        "-o",
        str(tmp_path / "pop.csv"),
        "--code-column",
        "kode",
        "--name-column",
        "nama",
        "--code-system",
        "kemendagri",
        "-s",
        "sum",
        "-s",
        "mean",
        "--prefix",
        "population",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "pop.csv", dtype={"area_id": str})
    assert table.to_dict("list") == {
        "area_id": ["36.01", "36.02"],
        "area_name": ["A", "B"],
        "population_sum": [20.0, 5.0],
        "population_mean": [5.0, 5.0],
    }
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "sudah ada" in again.output


def test_zonal_needs_a_code_column(tmp_path: Path):
    gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=32748).to_file(tmp_path / "a.gpkg")
    write_cog(
        np.ones((1, 1), "float32"),
        tmp_path / "r.tif",
        transform=Affine(1, 0, 0, 0, -1, 1),
        crs="EPSG:32748",
        nodata=-1.0,
    )
    result = CliRunner().invoke(
        cli,
        [
            "zonal",
            str(tmp_path / "a.gpkg"),
            str(tmp_path / "r.tif"),
            "-o",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2 and "--code-column" in result.output


def test_run_writes_export_formats_from_the_config(tmp_path: Path):
    formats = '["gpkg", "shp", "styles", "raster", "metadata", "xlsx"]'
    config = _config(
        tmp_path,
        f'formats = {formats}\ndst_crs = "EPSG:23834"\nraster_resolution = 500\n',
    )
    with warnings.catch_warnings():  # the CLI prints warnings on stderr
        warnings.simplefilter("always")
        result = CliRunner().invoke(
            cli, ["run", str(config), "--out", str(tmp_path / "r")]
        )
    assert "peringatan: Nama kolom Shapefile dibatasi 10 karakter" in result.output
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names == [
        "uji.gpkg",
        "uji.qml",
        "uji.sld",
        "uji_kelas.tif",
        "uji_metadata.json",
        "uji_metadata.xml",
        "uji_shp.qml",
        "uji_shp.shp.zip",
        "uji_skor.tif",
        "uji_tabel.xlsx",
    ]
    layer = export.read_scored(tmp_path / "r" / "uji.gpkg")
    assert layer.areas.crs.to_epsg() == 23834
    assert layer.metadata["producer"] == "Bappeda"
    assert layer.classification.labels[0] == "Prioritas 1 (50–100)"


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["figure", "--size", "slide"],
        ["export", "-f", "styles"],
    ],
    ids=["run", "figure", "export"],
)
def test_relative_out_starts_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
):
    """``--out maps`` lands beside the user, not beside the config, in every command."""
    config_dir, work = tmp_path / "config", tmp_path / "work"
    config_dir.mkdir()
    work.mkdir()
    config = _config(config_dir, 'formats = ["html"]\n')
    monkeypatch.chdir(work)
    args = [command[0], str(config), "--out", "maps", *command[1:]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert any((work / "maps").iterdir())
    assert not (config_dir / "maps").exists()
