"""Priority surfaces: rasterise class and score to Cloud-Optimised GeoTIFFs.

Pixels belong to the area that contains their centre. An area too small to
contain any pixel centre still gets the pixel under its representative point,
so no area disappears at coarse resolutions. Outside the areas the rasters hold
nodata. The class raster (``uint8``) has a colour table with the classes'
colours (value 0 = outside, nodata; 255 = an area without a class, grey); the
score raster is ``float32`` with nodata -9999.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from pyproj import CRS

from geo_priority.errors import ConfigError, GeometryError
from geo_priority.io.raster import Affine, rasterize
from geo_priority.schema import CLASS, SCORE

__all__ = [
    "CLASS_NODATA",
    "MAX_PIXELS",
    "NO_CLASS",
    "SCORE_NODATA",
    "PriorityGrids",
    "colour_table",
    "rasterise_priority",
]

CLASS_NODATA = 0
NO_CLASS = 255
SCORE_NODATA = -9999.0
#: Refuse grids larger than this (about 0.5 GB for the score raster).
MAX_PIXELS = 120_000_000


@dataclass(frozen=True)
class PriorityGrids:
    """Class and score grids of the areas on one pixel grid."""

    classes: np.ndarray
    scores: np.ndarray
    transform: Affine
    crs: CRS
    resolution: float


def _grid_crs(areas: gpd.GeoDataFrame) -> CRS:
    """Return the areas' CRS when projected, else their UTM zone."""
    crs = CRS.from_user_input(areas.crs)
    if crs.is_projected:
        return crs
    utm = areas.estimate_utm_crs()
    return CRS.from_user_input(utm)


def _grid(areas: gpd.GeoDataFrame, resolution: float) -> tuple[Affine, tuple[int, int]]:
    """Return a transform snapped to ``resolution`` and the grid shape."""
    minx, miny, maxx, maxy = areas.total_bounds
    left = math.floor(minx / resolution) * resolution
    top = math.ceil(maxy / resolution) * resolution
    width = max(1, math.ceil((maxx - left) / resolution))
    height = max(1, math.ceil((top - miny) / resolution))
    if width * height > MAX_PIXELS:
        raise ConfigError(
            f"a {resolution:g} m priority raster of these areas would have "
            f"{width} x {height} = {width * height:,} pixels (limit {MAX_PIXELS:,}). "
            "Choose a coarser raster_resolution (CLI: --raster-resolution), e.g. "
            f"{math.ceil(resolution * math.sqrt(width * height / MAX_PIXELS)):g}."
        )
    transform = Affine(resolution, 0.0, left, 0.0, -resolution, top)
    return transform, (height, width)


def _area_index(
    areas: gpd.GeoDataFrame, transform: Affine, shape: tuple[int, int]
) -> np.ndarray:
    """Return a grid of area positions + 1 (0 outside every area)."""
    shapes = (
        (geom, i + 1)
        for i, geom in enumerate(areas.geometry)
        if geom is not None and not geom.is_empty
    )
    index = rasterize(
        shapes, out_shape=shape, transform=transform, fill=0, dtype="uint32"
    )
    missing = np.setdiff1d(np.arange(1, len(areas) + 1), np.unique(index))
    points = [
        (areas.geometry.iloc[i - 1].representative_point(), int(i))
        for i in missing
        if areas.geometry.iloc[i - 1] is not None
        and not areas.geometry.iloc[i - 1].is_empty
    ]
    if points:
        index = rasterize(points, out=index, transform=transform, all_touched=True)
    return index


def rasterise_priority(
    areas: gpd.GeoDataFrame, /, *, resolution: float = 100.0
) -> PriorityGrids:
    """Rasterise ``priority_class`` and ``priority_score`` of the areas.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored areas with a CRS. Geographic CRS are projected to their UTM zone
        (EPSG:32748 for Banten) so that ``resolution`` is in metres.
    resolution : float, default 100
        Pixel size in the units of the (projected) CRS, normally metres.

    Returns
    -------
    PriorityGrids

    Raises
    ------
    ConfigError
        ``resolution`` is not positive or gives too many pixels.
    GeometryError
        No area has a geometry.

    Examples
    --------
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"priority_class": pd.array([1, 2], dtype="Int8"),
    ...     "priority_score": [80.0, 20.0]},
    ...     geometry=[box(0, 0, 200, 100), box(200, 0, 400, 100)], crs="EPSG:32748")
    >>> rasterise_priority(areas, resolution=100).classes.tolist()
    [[1, 1, 2, 2]]
    """
    if not resolution > 0:
        raise ConfigError(
            f"raster_resolution = {resolution!r}; give a positive pixel size in "
            "metres, e.g. 100."
        )
    valid = ~(areas.geometry.isna() | areas.geometry.is_empty)
    if not valid.any():
        raise GeometryError("no area has a geometry, so nothing can be rasterised.")
    crs = _grid_crs(areas)
    projected = areas.to_crs(crs)
    transform, shape = _grid(projected[valid.to_numpy()], resolution)
    index = _area_index(projected, transform, shape)
    classes = projected[CLASS].astype("Float64").fillna(NO_CLASS).to_numpy()
    scores = projected[SCORE].astype("Float64").fillna(SCORE_NODATA).to_numpy()
    class_lut = np.concatenate([[CLASS_NODATA], classes]).astype("uint8")
    score_lut = np.concatenate([[SCORE_NODATA], scores]).astype("float32")
    return PriorityGrids(class_lut[index], score_lut[index], transform, crs, resolution)


def colour_table(
    colours: Sequence[str], no_data_colour: str
) -> dict[int, tuple[int, int, int, int]]:
    """Return the colour table of the class raster.

    Examples
    --------
    >>> colour_table(["#ff0000"], "#bdbdbd")[1]
    (255, 0, 0, 255)
    """

    def rgba(colour: str) -> tuple[int, int, int, int]:
        h = colour.lstrip("#")
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 255)

    table = {CLASS_NODATA: (0, 0, 0, 0), NO_CLASS: rgba(no_data_colour)}
    table.update({i: rgba(c) for i, c in enumerate(colours, start=1)})
    return table
