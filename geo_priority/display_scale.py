"""The scale of the map's display shapes: simplification tolerances and zooms.

How far an outline may be simplified for the map (one screen pixel at the
closest zoom it is drawn at: :func:`choose_tolerance`), and, for maps drawn by
level of detail, the zoom each level starts at (:func:`lod_zoom`,
:func:`lod_tolerances`). Arithmetic on extents and sizes in degrees;
:func:`in_lonlat` puts a layer in those degrees. The shapes themselves are made
in :mod:`geo_priority.display_shapes`. Re-exported by :mod:`geo_priority.geometry`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # geopandas is not imported for the tolerances alone
    import geopandas as gpd


__all__ = [
    "DETAIL_ZOOM_LEVELS",
    "DISPLAY_TOLERANCE",
    "LOD_AREAS",
    "LOD_FINEST_ZOOM_LEVELS",
    "LOD_PIXELS",
    "VIEW_PIXELS",
    "choose_tolerance",
    "in_lonlat",
    "lod_tolerances",
    "lod_zoom",
    "pixel_degrees",
    "typical_size_of",
]

#: Width in pixels assumed for the initial view when choosing the tolerance.
VIEW_PIXELS = 1000
#: How many zoom levels closer than the initial view the outline stays smooth.
DETAIL_ZOOM_LEVELS = 2
#: A map with coarser levels whose first level has more areas than this draws
#: by level of detail: the level shown follows the zoom (see :func:`lod_zooms`).
LOD_AREAS = 5000
#: Level of detail: a level is drawn once its typical area spans this many
#: screen pixels (see :func:`lod_zoom`).
LOD_PIXELS = 8
#: The finest level is smooth this many zoom levels past the zoom it starts at.
LOD_FINEST_ZOOM_LEVELS = 1


def choose_tolerance(bounds: tuple[float, float, float, float]) -> float:
    """Return a simplification tolerance (degrees) for the map's extent.

    One pixel :data:`DETAIL_ZOOM_LEVELS` zoom levels closer than a view that
    fits the extent in :data:`VIEW_PIXELS` pixels.

    Examples
    --------
    >>> choose_tolerance((105.0, -7.0, 106.0, -6.0)) * 4000
    1.3
    """
    minx, miny, maxx, maxy = bounds
    extent = max(maxx - minx, (maxy - miny) * 1.3, 1e-6)
    return float(extent / VIEW_PIXELS / 2**DETAIL_ZOOM_LEVELS)


def pixel_degrees(zoom: float) -> float:
    """Return the width of one screen pixel in degrees of longitude at ``zoom``.

    Web Mercator with 256-pixel tiles (Leaflet's zoom levels).

    Examples
    --------
    >>> pixel_degrees(0) * 256
    360.0
    """
    return float(360.0 / (256.0 * 2.0**zoom))


def lod_zoom(size: float) -> float:
    """Return the zoom from which areas of ``size`` degrees span :data:`LOD_PIXELS`.

    Examples
    --------
    >>> round(lod_zoom(360 / 256 * LOD_PIXELS), 6)  # LOD_PIXELS px at zoom 0
    0.0
    """
    return float(math.log2(LOD_PIXELS * 360.0 / (256.0 * max(size, 1e-9))))


def lod_tolerances(sizes: Sequence[float]) -> list[tuple[float, float]]:
    """Return per level (typical size in degrees) its start zoom and tolerance.

    A level is drawn from the zoom at which its typical area spans
    :data:`LOD_PIXELS` pixels, until a finer level takes over; it is
    simplified to one pixel at the closest zoom it is drawn at. The finest
    level is simplified to one pixel :data:`LOD_FINEST_ZOOM_LEVELS` zoom
    level past its start.

    Examples
    --------
    >>> [(z, round(t, 5)) for z, t in lod_tolerances([0.02, 0.2])]
    [(9.136, 0.00125), (5.814, 0.0025)]
    """
    starts = [lod_zoom(s) for s in sizes]
    out = []
    for z in starts:
        finer = [s for s in starts if s > z]
        until = min(finer) if finer else z + LOD_FINEST_ZOOM_LEVELS
        out.append((round(z, 3), pixel_degrees(until)))
    return out


def typical_size_of(bounds: np.ndarray) -> float:
    """Return the median of ``sqrt(width * height)`` of (n, 4) bounds, in their units.

    Examples
    --------
    >>> typical_size_of(np.array([[0, 0, 0.1, 0.4], [0, 0, 1, 1]]))
    0.6
    """
    if not len(bounds):
        return 0.0
    width = np.maximum(bounds[:, 2] - bounds[:, 0], 0)
    height = np.maximum(bounds[:, 3] - bounds[:, 1], 0)
    return float(np.median(np.sqrt(width * height)))


def in_lonlat(geometry: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return ``geometry`` in EPSG:4326, untouched when it is already.

    (geopandas would transform it anyway: 2 s for the national desa.)
    """
    if geometry.crs is not None and geometry.crs.equals("EPSG:4326"):
        return geometry
    return geometry.to_crs(4326)


#: Key of ``attrs`` holding the simplification tolerance (degrees) of shapes
#: made for display only (:func:`geo_priority.harmonise.display_levels`); the
#: map does not simplify them again and GIS exports refuse them.
DISPLAY_TOLERANCE = "display_tolerance"
