from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo_priority.errors import (
    CRSError,
    GeoPriorityWarning,
    InputError,
    OutputExistsError,
    SchemaError,
)
from geo_priority.io import vector
from geo_priority.io.vector import list_layers, read_boundaries, write_layer
from geo_priority.messages import use_language

from geodata import GRID_IDS, grid_gdf, squares_gdf

EXTENSIONS = [".gpkg", ".geojson", ".shp", ".fgb", ".parquet"]


def sample(crs: str | None = "EPSG:3857") -> gpd.GeoDataFrame:
    return grid_gdf(
        crs=crs,
        kode=[f"00{i}" for i in range(1, 10)],
        nama=[f"Desa {i}" for i in GRID_IDS],
        p0=[i / 4 for i in range(9)],
    )


def zip_files(zip_path: Path, files: list[Path]) -> Path:
    with zipfile.ZipFile(zip_path, "w") as archive:
        for file in files:
            archive.write(file, file.name)
    return zip_path


def shapefile_parts(folder: Path, stem: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.stem == stem)


# --------------------------------------------------------------------------
# round trips
# --------------------------------------------------------------------------


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_round_trip(tmp_path: Path, ext: str) -> None:
    gdf = sample()
    path = write_layer(gdf, tmp_path / f"desa{ext}")
    back = read_boundaries(path)
    if ext == ".fgb":  # FlatGeobuf stores features in spatial-index order
        back = back.sort_values("id", ignore_index=True)
    assert_geodataframe_equal(back, gdf, normalize=True, check_dtype=False)
    assert back["kode"].tolist() == [f"00{i}" for i in range(1, 10)]
    assert back.attrs["source"] == str(path)
    assert back.attrs["layer"] == "desa"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_round_trip_zipped_shapefile(tmp_path: Path) -> None:
    gdf = sample()
    write_layer(gdf, tmp_path / "desa.shp")
    zipped = zip_files(tmp_path / "desa.zip", shapefile_parts(tmp_path, "desa"))
    back = read_boundaries(zipped)
    assert_geodataframe_equal(back, gdf, normalize=True, check_dtype=False)


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".fgb"])
def test_layer_name_is_file_stem_not_temp_name(tmp_path: Path, ext: str) -> None:
    path = write_layer(sample(), tmp_path / f"desa{ext}")
    assert list_layers(path) == ["desa"]


def test_write_layer_with_layer_name(tmp_path: Path) -> None:
    path = write_layer(sample(), tmp_path / "out.gpkg", layer="kecamatan")
    assert list_layers(path) == ["kecamatan"]
    assert read_boundaries(path).attrs["layer"] == "kecamatan"


def test_driver_given_explicitly(tmp_path: Path) -> None:
    path = write_layer(sample(), tmp_path / "out.bin", driver="flatgeobuf")
    assert pyogrio.read_info(path)["driver"] == "FlatGeobuf"


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------


@pytest.fixture
def two_layer_gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "banten.gpkg"
    pyogrio.write_dataframe(sample(), path, layer="desa")
    pyogrio.write_dataframe(squares_gdf(2, crs="EPSG:3857"), path, layer="kec")
    pyogrio.write_dataframe(pd.DataFrame({"a": [1]}), path, layer="catatan")
    return path


def test_gpkg_layer_choice(two_layer_gpkg: Path) -> None:
    assert list_layers(two_layer_gpkg) == ["desa", "kec", "catatan"]
    assert len(read_boundaries(two_layer_gpkg, layer="kec")) == 2
    assert len(read_boundaries(two_layer_gpkg, layer="desa")) == 9


def test_gpkg_several_layers_need_a_choice(two_layer_gpkg: Path) -> None:
    with use_language("en"), pytest.raises(InputError) as info:
        read_boundaries(two_layer_gpkg)
    assert str(info.value) == (
        "'banten.gpkg' has 2 layers: 'desa', 'kec'. Choose one with layer=\"desa\" "
        "in the [boundaries] section of the config (CLI: --boundaries-layer desa)."
    )


def test_gpkg_unknown_layer(two_layer_gpkg: Path) -> None:
    with use_language("en"), pytest.raises(InputError) as info:
        read_boundaries(two_layer_gpkg, layer="desa_2020")
    assert str(info.value) == (
        "layer 'desa_2020' not found in 'banten.gpkg'. Its spatial layers are "
        "'desa', 'kec'; set boundaries.layer (CLI: --boundaries-layer) to one of "
        "them."
    )


def test_gpkg_non_spatial_layer(two_layer_gpkg: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(
            InputError, match=r"layer 'catatan' of 'banten\.gpkg' has no geometry"
        ),
    ):
        read_boundaries(two_layer_gpkg, layer="catatan")


def test_gpkg_without_spatial_layers(tmp_path: Path) -> None:
    path = tmp_path / "tabel.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"a": [1]}), path, layer="catatan")
    with use_language("en"), pytest.raises(InputError) as info:
        read_boundaries(path)
    assert str(info.value) == (
        "'tabel.gpkg' has no layer with geometries (layers: 'catatan'). Check that "
        "it is the boundary file."
    )


def test_gpkg_single_spatial_layer_is_chosen(tmp_path: Path) -> None:
    path = tmp_path / "one.gpkg"
    pyogrio.write_dataframe(sample(), path, layer="desa")
    pyogrio.write_dataframe(pd.DataFrame({"a": [1]}), path, layer="catatan")
    assert read_boundaries(path).attrs["layer"] == "desa"


def test_zip_with_several_shapefiles(tmp_path: Path) -> None:
    write_layer(sample(), tmp_path / "desa.shp")
    write_layer(squares_gdf(2, crs="EPSG:3857"), tmp_path / "kec.shp")
    parts = shapefile_parts(tmp_path, "desa") + shapefile_parts(tmp_path, "kec")
    zipped = zip_files(tmp_path / "banten.zip", parts)
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"'banten\.zip' has 2 layers: 'desa', 'kec'"),
    ):
        read_boundaries(zipped)
    assert len(read_boundaries(zipped, layer="kec")) == 2


def test_geoparquet_layer(tmp_path: Path) -> None:
    path = write_layer(sample(), tmp_path / "desa.parquet")
    assert list_layers(path) == ["desa"]
    assert len(read_boundaries(path, layer="desa")) == 9
    with (
        use_language("en"),
        pytest.raises(InputError, match="a GeoParquet file has one layer, 'desa'"),
    ):
        read_boundaries(path, layer="kec")


# --------------------------------------------------------------------------
# CRS
# --------------------------------------------------------------------------


@pytest.fixture
def shapefile_without_prj(tmp_path: Path) -> Path:
    path = write_layer(sample(), tmp_path / "desa.shp")
    (tmp_path / "desa.prj").unlink()
    return path


def test_missing_crs_message(shapefile_without_prj: Path) -> None:
    with use_language("en"), pytest.raises(CRSError) as info:
        read_boundaries(shapefile_without_prj)
    assert str(info.value) == (
        "boundaries 'desa.shp' have no CRS. Set one with crs=\"EPSG:4326\" in the "
        "[boundaries] section of the config (CLI: --boundaries-crs EPSG:4326), or "
        "add a .prj file."
    )


def test_missing_crs_in_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "desa.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(sample(crs=None), path)
    with (
        use_language("en"),
        pytest.raises(CRSError, match="or re-export the file with its CRS"),
    ):
        read_boundaries(path)


def test_crs_fills_in_missing_crs(shapefile_without_prj: Path) -> None:
    gdf = read_boundaries(shapefile_without_prj, crs="EPSG:3857")
    assert gdf.crs == "EPSG:3857"


def test_crs_equal_to_files_crs_is_accepted(tmp_path: Path) -> None:
    path = write_layer(sample(crs="EPSG:4326"), tmp_path / "desa.geojson")
    assert read_boundaries(path, crs="EPSG:4326").crs.equals("EPSG:4326")


def test_crs_conflicting_with_file(tmp_path: Path) -> None:
    path = write_layer(sample(crs="EPSG:3857"), tmp_path / "desa.gpkg")
    with use_language("en"), pytest.raises(CRSError) as info:
        read_boundaries(path, crs="EPSG:4326")
    assert str(info.value) == (
        "boundaries 'desa.gpkg' have CRS 'EPSG:3857', but crs='EPSG:4326' was "
        "given. Remove crs to use the file's CRS, or fix the file's CRS if it is "
        "wrong (crs only fills in a missing one; it does not reproject)."
    )


def _utm_labelled_wgs84(folder: Path, name: str) -> Path:
    """UTM 48S metres (Banten) written with an EPSG:4326 label."""
    from shapely import box

    gdf = gpd.GeoDataFrame(
        {"kode": ["36.01"]},
        geometry=[box(620_000, 9_300_000, 630_000, 9_310_000)],
        crs="EPSG:4326",
    )
    return write_layer(gdf, folder / name)


@pytest.mark.parametrize("name", ["desa.geojson", "desa.gpkg"])
def test_projected_metres_labelled_wgs84_are_an_error(tmp_path: Path, name) -> None:
    # issue 9: UTM metres labelled EPSG:4326 no longer pass to a world-wide map
    path = _utm_labelled_wgs84(tmp_path, name)
    with use_language("en"), pytest.raises(CRSError) as info:
        read_boundaries(path)
    message = str(info.value)
    assert message.startswith(f"the boundaries {name!r} are labelled EPSG:4326")
    assert "x 620.000..630.000, y 9.300.000..9.310.000" in message
    assert "these look like projected metres (UTM?)" in message
    assert 'set boundaries.crs = "EPSG:327xx"' in message


def test_boundaries_crs_relabels_coordinates_that_do_not_fit(tmp_path: Path) -> None:
    path = _utm_labelled_wgs84(tmp_path, "desa.geojson")
    gdf = read_boundaries(path, crs="EPSG:32748")
    assert gdf.crs.equals("EPSG:32748")
    assert gdf.total_bounds[0] == 620_000  # relabelled, not reprojected


def test_invalid_crs_string(shapefile_without_prj: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(CRSError, match="crs='EPSG:99999999' given for boundaries"),
    ):
        read_boundaries(shapefile_without_prj, crs="EPSG:99999999")


# --------------------------------------------------------------------------
# codes
# --------------------------------------------------------------------------


def test_numeric_codes_come_back_as_text(tmp_path: Path) -> None:
    gdf = squares_gdf(
        2,
        crs="EPSG:4326",
        kode=[3601, 3602],
        ADM2_PCODE=[3601.0, 36.01],
        penduduk=[10, 20],
    )
    path = write_layer(gdf, tmp_path / "kab.shp")
    back = read_boundaries(path)
    assert back["kode"].tolist() == ["3601", "3602"]
    assert back["ADM2_PCODE"].tolist() == ["3601", "36.01"]
    assert back["penduduk"].tolist() == [10, 20]


def test_geojson_text_codes_keep_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "desa.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"kode": "007", "id": 3601}, "geometry": {"type": "Point",'
        ' "coordinates": [106.1, -6.1]}}]}',
        encoding="utf-8",
    )
    back = read_boundaries(path)
    assert back["kode"].tolist() == ["007"]
    assert back["id"].tolist() == ["3601"]


# --------------------------------------------------------------------------
# unreadable input
# --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"boundary file '.*desa\.gpkg' not found"),
    ):
        read_boundaries(tmp_path / "desa.gpkg")
    with pytest.raises(InputError, match="tidak ditemukan"):
        list_layers(tmp_path / "desa.gpkg")


def test_truncated_geojson(tmp_path: Path) -> None:
    full = write_layer(sample(), tmp_path / "full.geojson").read_bytes()
    path = tmp_path / "half.geojson"
    path.write_bytes(full[: len(full) // 2])
    with use_language("en"), pytest.raises(InputError) as info:
        read_boundaries(path)
    message = str(info.value)
    assert message.startswith(f"cannot read boundary file {str(path)!r} (reader says: ")
    assert message.endswith(
        "The file may be truncated or not a vector file; re-download or re-export it."
    )
    assert isinstance(info.value.__cause__, pyogrio.errors.DataSourceError)


@pytest.mark.parametrize("name", ["random.gpkg", "random.fgb", "random.shp"])
def test_random_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * 8)
    with (
        use_language("en"),
        pytest.raises(InputError, match="may be truncated or not a vector file"),
    ):
        read_boundaries(path)


def test_plain_parquet_is_not_geoparquet(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pd.DataFrame({"kode": ["3601"]}).to_parquet(path)
    with (
        use_language("en"),
        pytest.raises(InputError, match="plain \\(non-geo\\) Parquet"),
    ):
        read_boundaries(path)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def test_unknown_extension(tmp_path: Path) -> None:
    with use_language("en"), pytest.raises(InputError) as info:
        write_layer(sample(), tmp_path / "out.kml")
    assert str(info.value) == (
        "cannot tell the output format of 'out.kml' from its extension '.kml'. Use "
        "one of .fgb, .geojson, .geoparquet, .gpkg, .json, .parquet, .shp "
        '(GeoPackage, ".gpkg", is recommended), or pass driver.'
    )
    assert list(tmp_path.iterdir()) == []


def test_unknown_driver(tmp_path: Path) -> None:
    with use_language("en"), pytest.raises(InputError) as info:
        write_layer(sample(), tmp_path / "out.gpkg", driver="KML")
    assert str(info.value) == (
        "unknown driver 'KML'. Choose one of: ESRI Shapefile, FlatGeobuf, GPKG, "
        "GeoJSON, GeoParquet."
    )


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_overwrite_refused_then_allowed(tmp_path: Path, ext: str) -> None:
    path = write_layer(sample(), tmp_path / f"out{ext}")
    with use_language("en"), pytest.raises(OutputExistsError) as info:
        write_layer(squares_gdf(2, crs="EPSG:3857"), path)
    assert str(info.value) == (
        f"output {str(path)!r} already exists. Use --overwrite to replace it, or "
        "choose another --out folder."
    )
    assert len(read_boundaries(path)) == 9
    write_layer(squares_gdf(2, crs="EPSG:3857"), path, overwrite=True)
    assert len(read_boundaries(path)) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_shapefile_overwrite_removes_stale_sidecars(tmp_path: Path) -> None:
    path = write_layer(sample(), tmp_path / "out.shp")
    assert (tmp_path / "out.prj").exists()
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        write_layer(sample(crs=None), path, overwrite=True)
    assert not (tmp_path / "out.prj").exists()
    assert [p.suffix for p in shapefile_parts(tmp_path, "out")] == [
        ".cpg",
        ".dbf",
        ".shp",
        ".shx",
    ]


def test_shapefile_orphan_sidecar_counts_as_existing(tmp_path: Path) -> None:
    (tmp_path / "out.prj").write_text("old")
    with pytest.raises(OutputExistsError, match=r"out\.prj"):
        write_layer(sample(), tmp_path / "out.shp")


def test_shapefile_truncation_warns_before_writing(tmp_path: Path) -> None:
    gdf = squares_gdf(2, crs="EPSG:4326", kode=["1", "2"], priority_score=[0.5, 1.0])
    with use_language("en"), pytest.warns(GeoPriorityWarning) as record:
        path = write_layer(gdf, tmp_path / "out.shp")
    assert [str(w.message) for w in record] == [
        (
            "Shapefile column names are limited to 10 characters; 1 column(s) will "
            "be renamed: 'priority_score -> priority_s'. Write a GeoPackage (.gpkg) "
            "to keep the full names."
        )
    ]
    assert list(read_boundaries(path).columns) == ["kode", "priority_s", "geometry"]


def test_shapefile_truncation_collision(tmp_path: Path) -> None:
    gdf = squares_gdf(
        2, crs="EPSG:4326", poverty_rate_2023=[1, 2], poverty_rate_2024=[3, 4]
    )
    with use_language("en"), pytest.raises(SchemaError) as info:
        write_layer(gdf, tmp_path / "out.shp")
    assert str(info.value) == (
        "Shapefile column names are cut to 10 characters, which would make these "
        "columns identical: 'poverty_rate_2023', 'poverty_rate_2024' -> "
        "'poverty_ra'. Rename them, or write a GeoPackage (.gpkg) instead."
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_failed_write_leaves_nothing(
    tmp_path: Path, ext: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(gdf: gpd.GeoDataFrame, path: Path, **kwargs: object) -> None:
        Path(path).write_bytes(b"half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(vector.pyogrio, "write_dataframe", broken)
    monkeypatch.setattr(gpd.GeoDataFrame, "to_parquet", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_layer(sample(), tmp_path / f"out{ext}")
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_layer(sample(), tmp_path / "out.gpkg")

    def broken(gdf: gpd.GeoDataFrame, path: Path, **kwargs: object) -> None:
        Path(path).write_bytes(b"half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(vector.pyogrio, "write_dataframe", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_layer(squares_gdf(2, crs="EPSG:3857"), path, overwrite=True)
    monkeypatch.undo()
    assert len(read_boundaries(path)) == 9
    assert [p.name for p in tmp_path.iterdir()] == ["out.gpkg"]


def test_write_creates_parent_folders(tmp_path: Path) -> None:
    path = write_layer(sample(), tmp_path / "a" / "b" / "out.fgb")
    assert path.exists()
