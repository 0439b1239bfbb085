"""Display geometry: simplified for the screen, topology kept, compactly encoded.

Neighbouring areas keep a shared border: the areas are simplified as a
coverage with ``shapely.coverage_simplify`` (each shared edge simplified once),
so no slivers or gaps appear between areas that share their edges exactly.
Edges that do not match in the input (overlapping source polygons) are
simplified on their own, which is no worse than simplifying every polygon
separately; validating the coverage first would add about half again to the
build time, so it is not done here. The tolerance follows the map's scale:
about one screen pixel two zoom levels closer than the initial view.
Coordinates are quantised to a grid a quarter of that size and written as
delta-encoded integers, which the page decodes back to longitude/latitude.

Examples
--------
>>> from shapely.geometry import box
>>> import geopandas as gpd
>>> squares = [box(106, -6.5, 106.5, -6), box(106.5, -6.5, 107, -6)]
>>> gdf = gpd.GeoDataFrame(geometry=squares, crs=4326)
>>> shown = display_geometry(gdf)
>>> shown.scale, shown.rings[0]
(100000, [[[10650000, -650000, 0, 50000, -50000, 0, 0, -50000, 50000, 0]]])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

#: Width in pixels assumed for the initial view when choosing the tolerance.
VIEW_PIXELS = 1000
#: How many zoom levels closer than the initial view the outline stays smooth.
DETAIL_ZOOM_LEVELS = 2


@dataclass(frozen=True)
class DisplayGeometry:
    """Encoded polygons for the web map.

    Attributes
    ----------
    rings : list
        Per area, a list of polygons, each a list of rings; a ring is a flat
        list ``[x0, y0, dx1, dy1, ...]`` of integers (coordinate x ``scale``).
    scale : int
        Quantisation factor (``10 ** decimals``).
    label_points : list of (lat, lon)
        Each area's label anchor: the pole of inaccessibility of its largest
        part (the inside point farthest from its edges), see :func:`label_anchor`.
    bounds : tuple
        (min lon, min lat, max lon, max lat).
    tolerance : float
        Simplification tolerance used, in degrees.
    coverage : bool
        True when coverage simplification was used (shared borders kept);
        False when GEOS refused the input and each polygon was simplified alone.
    vertices : int
        Number of vertices written.
    """

    rings: list[list[list[list[int]]]]
    scale: int
    label_points: list[tuple[float, float]]
    bounds: tuple[float, float, float, float]
    tolerance: float
    coverage: bool
    vertices: int


def label_anchor(geom: shapely.Geometry) -> tuple[float, float]:
    """Return the label anchor of ``geom`` (EPSG:4326) as ``(lat, lon)``.

    The pole of inaccessibility (``shapely.ops.polylabel``) of the largest
    polygon part, found with longitudes shrunk by ``cos(latitude)`` so that
    "farthest from the edges" is measured in near-true distances. A label
    centred there has the most room inside its own area. The centroid is
    taken instead when it has nearly as much room (at least 90 %), since
    the pole of a long strip can lie anywhere along its middle line.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> label_anchor(box(106.0, -6.5, 106.4, -6.4))
    (-6.45, 106.2)
    """
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    if not parts:
        point = shapely.point_on_surface(geom)
        return round(point.y, 5), round(point.x, 5)
    largest = max(parts, key=lambda p: p.area)
    shrink = max(math.cos(math.radians(largest.centroid.y)), 0.05)
    local = shapely.transform(largest, lambda xy: xy * [shrink, 1.0])
    pole = polylabel(local, tolerance=max(local.area**0.5 / 100, 1e-9))
    room = local.boundary.distance(pole) if local.contains(pole) else 0.0
    centre = local.centroid  # ties (a long strip): the middle reads best
    if local.contains(centre) and local.boundary.distance(centre) >= 0.9 * room:
        pole = centre
    elif room == 0.0:
        pole = shapely.point_on_surface(local)
    return round(pole.y, 5), round(pole.x / shrink, 5)


def choose_tolerance(bounds: tuple[float, float, float, float]) -> float:
    """Return a simplification tolerance (degrees) for the map's extent.

    One pixel :data:`DETAIL_ZOOM_LEVELS` zoom levels closer than a view that
    fits the extent in :data:`VIEW_PIXELS` pixels.
    """
    minx, miny, maxx, maxy = bounds
    extent = max(maxx - minx, (maxy - miny) * 1.3, 1e-6)
    return float(extent / VIEW_PIXELS / 2**DETAIL_ZOOM_LEVELS)


def _simplify(geoms: np.ndarray, tolerance: float) -> tuple[np.ndarray, bool]:
    try:
        return shapely.coverage_simplify(geoms, tolerance), True
    except shapely.errors.GEOSException:
        return shapely.simplify(geoms, tolerance, preserve_topology=True), False


def _ring_arrays(
    geoms: np.ndarray, scale: int
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Quantised coordinates of every ring, with their polygon and area index."""
    parts, area_of_part = shapely.get_parts(geoms, return_index=True)
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)  # exterior first
    counts = shapely.get_num_coordinates(rings)
    coords = np.rint(shapely.get_coordinates(rings) * scale).astype(np.int64)
    return np.split(coords, np.cumsum(counts)[:-1]), part_of_ring, area_of_part


def _delta(coords: np.ndarray, *, keep_small: bool = False) -> list[int] | None:
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
    if keep.sum() >= 4 or not keep_small:
        coords = coords[keep]
    if len(coords) < 4:
        return None
    deltas = np.vstack([coords[:1], np.diff(coords, axis=0)])
    return deltas.ravel().tolist()


def _encode_all(
    simple: np.ndarray, original: np.ndarray, scale: int
) -> list[list[list[list[int]]]]:
    rings, part_of_ring, area_of_part = _ring_arrays(simple, scale)
    areas: list[list[list[list[int]]]] = [[] for _ in range(len(simple))]
    polygon: list[list[int]] | None = None
    last_part = -1
    for ring, part in zip(rings, part_of_ring.tolist(), strict=True):
        if part != last_part:  # the first ring of a polygon is its exterior
            last_part = part
            exterior = _delta(ring)
            polygon = [exterior] if exterior else None
            if polygon is not None:
                areas[int(area_of_part[part])].append(polygon)
        elif polygon is not None and (hole := _delta(ring)):
            polygon.append(hole)
    for i, area in enumerate(areas):
        if not area:  # an area smaller than the grid: keep it visible
            largest = max(shapely.get_parts(original[i]), key=lambda p: p.area)
            coords = np.rint(shapely.get_coordinates(largest.exterior) * scale)
            small = _delta(coords.astype(np.int64), keep_small=True)
            areas[i] = [[small]] if small else []
    return areas


def display_geometry(areas: gpd.GeoDataFrame) -> DisplayGeometry:
    """Simplify and encode the areas' polygons for display (EPSG:4326).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas in any CRS; no empty geometries.

    Returns
    -------
    DisplayGeometry
    """
    geoms = areas.geometry.to_crs(4326).values
    minx, miny, maxx, maxy = (float(b) for b in shapely.total_bounds(geoms))
    bounds = (minx, miny, maxx, maxy)
    tolerance = choose_tolerance(bounds)
    simple, coverage = _simplify(np.asarray(geoms), tolerance)
    scale = 10 ** max(0, math.ceil(-math.log10(tolerance / 4)))
    rings = _encode_all(np.asarray(simple), np.asarray(geoms), scale)
    labels = [label_anchor(g) for g in np.asarray(geoms)]
    vertices = sum(len(r) // 2 for area in rings for poly in area for r in poly)
    return DisplayGeometry(
        rings,
        scale,
        labels,
        bounds,
        tolerance,
        coverage,
        vertices,
    )
