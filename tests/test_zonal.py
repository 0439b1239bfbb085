"""Zonal statistics on a 4x4 raster built in code (results checked by hand)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import Affine
from shapely.geometry import Polygon, box

from geo_priority.errors import (
    ConfigError,
    CRSError,
    GeoPriorityWarning,
    InputError,
    MissingDataWarning,
    SchemaError,
)
from geo_priority.io.raster import write_cog
from geo_priority.messages import use_language
from geo_priority.zonal import zonal_statistics

NODATA = -1.0
# pixel (r, c) covers x in [c, c+1], y in [3-r, 4-r]; pixel (0, 0) is nodata
VALUES = np.arange(16, dtype="float32").reshape(4, 4)
VALUES[0, 0] = NODATA
GRID = Affine(1, 0, 0, 0, -1, 4)


@pytest.fixture
def raster(tmp_path: Path) -> Path:
    return write_cog(
        VALUES, tmp_path / "pop.tif", transform=GRID, crs="EPSG:32748", nodata=NODATA
    )


def areas_of(*geoms: Polygon, crs: str = "EPSG:32748") -> gpd.GeoDataFrame:
    ids = [chr(ord("A") + i) for i in range(len(geoms))]
    return gpd.GeoDataFrame(
        {"area_id": ids, "area_name": [f"Desa {i}" for i in ids]},
        geometry=list(geoms),
        crs=crs,
    )


HAND = {
    # A: pixels 1, 4, 5 (+ the nodata one, left out)
    "A": {"sum": 10.0, "count": 3.0, "mean": 10 / 3, "min": 1.0, "max": 5.0},
    # B: half of pixel 12 and half of pixel 13
    "B": {"sum": 12.5, "count": 1.0, "mean": 12.5, "min": 12.0, "max": 13.0},
    # C: 4 % of pixel 3 (an area smaller than a pixel still gets a value)
    "C": {"sum": 0.12, "count": 0.04, "mean": 3.0, "min": 3.0, "max": 3.0},
    # D: the whole raster, 1 + ... + 15
    "D": {"sum": 120.0, "count": 15.0, "mean": 8.0, "min": 1.0, "max": 15.0},
}
SHAPES = {
    "A": box(0, 2, 2, 4),
    "B": box(0.5, 0, 1.5, 1),
    "C": box(3.2, 3.2, 3.4, 3.4),
    "D": box(0, 0, 4, 4),
}


def test_coverage_weighted_statistics(raster: Path):
    stats = ["sum", "count", "mean", "min", "max"]
    table = zonal_statistics(
        areas_of(*SHAPES.values()), raster, stats=stats, prefix="pop"
    )
    assert table.columns.tolist() == ["area_id", "area_name"] + [
        f"pop_{s}" for s in stats
    ]
    expected = pd.DataFrame(HAND).T.reset_index(drop=True).add_prefix("pop_")
    pd.testing.assert_frame_equal(
        table[expected.columns], expected, check_dtype=False, rtol=1e-9
    )


def test_median_and_percentiles(raster: Path):
    table = zonal_statistics(
        areas_of(SHAPES["A"], SHAPES["D"]),
        raster,
        stats=["median", "p10", "p90", "majority"],
    )
    assert table["pop_median"].tolist()[0] == 4.0  # of 1, 4, 5
    low, high = table.loc[1, ["pop_p10", "pop_p90"]]
    assert 1 <= low < 3 and 13 < high <= 15
    assert table.columns[-1] == "pop_majority"


def test_default_prefix_is_the_file_name(raster: Path):
    table = zonal_statistics(areas_of(SHAPES["A"]), raster, stats=["sum"])
    assert table.columns.tolist() == ["area_id", "area_name", "pop_sum"]


def test_other_crs_is_reprojected_with_a_warning(raster: Path):
    projected = zonal_statistics(areas_of(*SHAPES.values()), raster, stats=["sum"])
    wgs84 = areas_of(*SHAPES.values()).to_crs(4326)
    with (
        use_language("en"),
        pytest.warns(
            GeoPriorityWarning,
            match=r"\(EPSG:4326\) and raster 'pop.tif' \(EPSG:32748\)",
        ),
    ):
        table = zonal_statistics(wgs84, raster, stats=["sum"])
    np.testing.assert_allclose(table["pop_sum"], projected["pop_sum"], rtol=1e-6)


def test_areas_without_pixels_get_nan(raster: Path):
    areas = areas_of(SHAPES["A"], box(10, 10, 11, 11), box(0, 3, 1, 4))
    with (
        use_language("en"),
        pytest.warns(
            MissingDataWarning, match=r"2 of 3 areas have no valid pixel.*'B', 'C'"
        ),
    ):
        table = zonal_statistics(areas, raster, stats=["sum", "mean"])
    assert table["pop_sum"].tolist()[0] == 10.0
    assert table[["pop_sum", "pop_mean"]].iloc[1:].isna().all().all()


def test_empty_geometry_gets_nan(raster: Path):
    areas = areas_of(SHAPES["A"], Polygon())
    with use_language("en"), pytest.warns(MissingDataWarning, match="1 of 2 areas"):
        table = zonal_statistics(areas, raster, stats=["sum"])
    assert np.isnan(table["pop_sum"].iloc[1])


# ---------------------------------------------------------------------- bad input


def test_raster_without_crs(tmp_path: Path):
    path = tmp_path / "nocrs.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        transform=GRID,
    ) as dst:
        dst.write(VALUES, 1)
    with (
        use_language("en"),
        pytest.raises(CRSError, match=r"raster 'nocrs.tif' has no CRS.*gdal_edit"),
    ):
        zonal_statistics(areas_of(SHAPES["A"]), path)


def test_raster_not_overlapping(raster: Path):
    far = areas_of(box(100, 100, 101, 101), box(200, 200, 201, 201))
    with (
        use_language("en"),
        pytest.raises(
            InputError, match=r"'pop.tif' does not overlap any of the 2 areas"
        ),
    ):
        zonal_statistics(far, raster)


def test_nodata_everywhere(tmp_path: Path):
    path = write_cog(
        np.full((4, 4), NODATA, "float32"),
        tmp_path / "empty.tif",
        transform=GRID,
        crs="EPSG:32748",
        nodata=NODATA,
    )
    with (
        use_language("en"),
        pytest.raises(
            InputError, match=r"holds only nodata \(nodata=-1.0\) over all 2"
        ),
    ):
        zonal_statistics(areas_of(SHAPES["A"], SHAPES["B"]), path)


def test_unknown_statistic(raster: Path):
    for stat in ("average", "p0", "p100"):
        with (
            use_language("en"),
            pytest.raises(ConfigError, match=rf"unknown zonal statistic '{stat}'"),
        ):
            zonal_statistics(areas_of(SHAPES["A"]), raster, stats=[stat])


def test_missing_band_and_file(raster: Path):
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"has 1 band\(s\); band=2"),
    ):
        zonal_statistics(areas_of(SHAPES["A"]), raster, band=2)
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"raster file .* not found"),
    ):
        zonal_statistics(areas_of(SHAPES["A"]), raster.with_name("nope.tif"))


def test_not_a_raster(tmp_path: Path):
    path = tmp_path / "text.tif"
    path.write_text("hello")
    with use_language("en"), pytest.raises(InputError, match="cannot read raster file"):
        zonal_statistics(areas_of(SHAPES["A"]), path)


def test_areas_need_ids_and_crs(raster: Path):
    with use_language("en"), pytest.raises(SchemaError, match="no 'area_id' column"):
        zonal_statistics(areas_of(SHAPES["A"]).drop(columns="area_id"), raster)
    with use_language("en"), pytest.raises(CRSError, match="areas have no CRS"):
        zonal_statistics(
            areas_of(SHAPES["A"]).set_crs(None, allow_override=True), raster
        )
