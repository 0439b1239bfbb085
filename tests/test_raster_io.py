"""Raster reading and COG writing (geo_priority.io.raster)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine

from geo_priority.errors import OutputExistsError
from geo_priority.io.raster import open_raster, write_cog
from geo_priority.messages import use_language

GRID = Affine(100, 0, 600_000, 0, -100, 9_300_000)


def test_cog_with_colours_tags_and_overviews(tmp_path: Path):
    values = np.zeros((600, 600), "uint8")
    values[:300] = 1
    path = write_cog(
        values,
        tmp_path / "kelas.tif",
        transform=GRID,
        crs="EPSG:32748",
        nodata=0,
        colours={1: (152, 0, 38, 255)},
        tags={"CLASS_1": "Prioritas 1"},
        description="priority_class",
    )
    with open_raster(path) as src:
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.tags(ns="IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
        assert src.overviews(1) == [2, 4]
        assert src.colormap(1)[1] == (152, 0, 38, 255)
        assert src.tags()["CLASS_1"] == "Prioritas 1"
        assert src.descriptions == ("priority_class",)
        np.testing.assert_array_equal(src.read(1), values)
    assert src.closed


def test_write_refuses_to_overwrite(tmp_path: Path):
    path = write_cog(
        np.ones((2, 2), "float32"),
        tmp_path / "a.tif",
        transform=GRID,
        crs="EPSG:32748",
        nodata=-1.0,
    )
    with use_language("en"), pytest.raises(OutputExistsError, match="already exists"):
        write_cog(
            np.zeros((2, 2), "float32"),
            path,
            transform=GRID,
            crs="EPSG:32748",
            nodata=-1.0,
        )
    write_cog(
        np.zeros((2, 2), "float32"),
        path,
        transform=GRID,
        crs="EPSG:32748",
        nodata=-1.0,
        overwrite=True,
    )
    with rasterio.open(path) as src:
        assert src.read(1).sum() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tif"]
