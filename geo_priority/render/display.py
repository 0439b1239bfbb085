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

import base64
import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

from geo_priority.messages import tr, use_language

#: Width in pixels assumed for the initial view when choosing the tolerance.
VIEW_PIXELS = 1000
#: How many zoom levels closer than the initial view the outline stays smooth.
DETAIL_ZOOM_LEVELS = 2
#: Holes narrower than this many tolerances (about pixels) are not drawn.
HOLE_PIXELS = 3
#: A map with coarser levels whose first level has more areas than this draws
#: by level of detail: the level shown follows the zoom (see :func:`lod_zooms`).
LOD_AREAS = 5000
#: Level of detail: a level is drawn once its typical area spans this many
#: screen pixels (see :func:`lod_zoom`).
LOD_PIXELS = 8
#: The finest level is smooth this many zoom levels past the zoom it starts at.
LOD_FINEST_ZOOM_LEVELS = 1


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


def _ring_area(ring: np.ndarray) -> float:
    """Area of a closed ring of (quantised) coordinates (shoelace)."""
    x, y = ring[:, 0].astype(float), ring[:, 1].astype(float)
    return abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2


def _encode_all(
    simple: np.ndarray, original: np.ndarray, scale: int, min_hole: float = 0.0
) -> list[list[list[list[int]]]]:
    """Encode every area's rings (see :func:`_delta`).

    Holes under ``min_hole`` (grid units squared) are dropped: a gap left
    between dissolved desa would only show as a speck of outline.
    """
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
        elif polygon is not None and _ring_area(ring) >= min_hole:
            if hole := _delta(ring):
                polygon.append(hole)
    for i, area in enumerate(areas):
        if not area:  # an area smaller than the grid: keep it visible
            largest = max(shapely.get_parts(original[i]), key=lambda p: p.area)
            coords = np.rint(shapely.get_coordinates(largest.exterior) * scale)
            small = _delta(coords.astype(np.int64), keep_small=True)
            areas[i] = [[small]] if small else []
    return areas


def _lonlat(areas: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Return the areas' geometry in EPSG:4326.

    Geometry already in EPSG:4326 is not transformed (geopandas would, 2 s
    for the national desa).
    """
    if areas.crs is not None and areas.crs.equals("EPSG:4326"):
        return areas.geometry
    return areas.geometry.to_crs(4326)


def pixel_degrees(zoom: float) -> float:
    """Return the width of one screen pixel in degrees of longitude at ``zoom``.

    Web Mercator with 256-pixel tiles (Leaflet's zoom levels).

    Examples
    --------
    >>> pixel_degrees(0) * 256
    360.0
    """
    return float(360.0 / (256.0 * 2.0**zoom))


def typical_size(areas: gpd.GeoDataFrame) -> float:
    """Return the median size of the areas in degrees (root of bbox width x height).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> boxes = [box(0, 0, 0.1, 0.4), box(0, 0, 1, 1)]
    >>> gdf = gpd.GeoDataFrame(geometry=boxes, crs=4326)
    >>> round(typical_size(gdf), 3)
    0.6
    """
    b = shapely.bounds(np.asarray(_lonlat(areas).values))
    sizes = np.sqrt(np.maximum(b[:, 2] - b[:, 0], 0) * np.maximum(b[:, 3] - b[:, 1], 0))
    return float(np.median(sizes)) if len(sizes) else 0.0


def lod_zoom(size: float) -> float:
    """Return the zoom from which areas of ``size`` degrees span :data:`LOD_PIXELS`.

    Examples
    --------
    >>> round(lod_zoom(360 / 256 * LOD_PIXELS), 6)  # LOD_PIXELS px at zoom 0
    0.0
    """
    return float(math.log2(LOD_PIXELS * 360.0 / (256.0 * max(size, 1e-9))))


def lod_zooms(levels: Sequence[gpd.GeoDataFrame]) -> list[tuple[float, float]]:
    """Return per level the zoom it is drawn from and its tolerance (degrees).

    A level is drawn from the zoom at which its typical area spans
    :data:`LOD_PIXELS` pixels, until a finer level takes over; it is
    simplified to one pixel at the closest zoom it is drawn at. The finest
    level is simplified to one pixel :data:`LOD_FINEST_ZOOM_LEVELS` zoom
    level past its start (national desa: 0.002 degrees, about 220 m), which
    keeps the national desa page under 20 MB.
    """
    starts = [lod_zoom(typical_size(a)) for a in levels]
    out = []
    for z in starts:
        finer = [s for s in starts if s > z]
        until = min(finer) if finer else z + LOD_FINEST_ZOOM_LEVELS
        out.append((round(z, 3), pixel_degrees(until)))
    return out


def lod_plan(
    levels: Sequence[gpd.GeoDataFrame],
) -> list[tuple[float, float] | None]:
    """Return :func:`lod_zooms` of the map's levels, or Nones without level of detail.

    A map draws by level of detail when it has coarser levels and its first
    level has more than :data:`LOD_AREAS` areas.
    """
    if len(levels) < 2 or len(levels[0]) <= LOD_AREAS:
        return [None] * len(levels)
    return list(lod_zooms(levels))


def lod_fields(views: Sequence[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Return the page's level-of-detail fields; pack the views when it has it.

    ``lod`` (the level follows the zoom), the switch's "otomatis" label and,
    for a level-of-detail map, the packed geometry and area data
    (:func:`pack_views`).
    """
    lod = bool(views) and views[0].get("min_zoom") is not None
    with use_language("en" if lang == "en" else "id"):
        fields: dict[str, Any] = {"lod": lod, "lod_label": tr("automatic (by zoom)")}
    return {**fields, **pack_views(views)} if lod else fields


def _varints(values: np.ndarray) -> bytes:
    """Zigzag LEB128 varints of ``values`` (small deltas take one byte).

    Examples
    --------
    >>> _varints(np.array([0, -1, 1, 64, -300])).hex()
    '0001028001d704'
    """
    v = values.astype(np.int64)
    z = ((v << 1) ^ (v >> 63)).astype(np.uint64)
    nbytes = np.ones(len(z), dtype=np.int64)
    for n in range(1, 5):
        nbytes += z >= np.uint64(1 << (7 * n))
    which = np.repeat(np.arange(len(z)), nbytes)
    k = np.arange(int(nbytes.sum())) - np.repeat(np.cumsum(nbytes) - nbytes, nbytes)
    low = (z[which] >> (7 * k).astype(np.uint64)) & np.uint64(0x7F)
    more = (k < nbytes[which] - 1).astype(np.uint64) << np.uint64(7)
    return bytes((low | more).astype(np.uint8).tobytes())


def _gzip64(raw: bytes) -> str:
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode()


def pack_json(data: object) -> str:
    """Return ``data`` as gzip'd, base64-encoded JSON (UTF-8) for the page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _gzip64(text.encode("utf-8"))


def pack_rings(views: Sequence[list[list[list[list[int]]]]]) -> str:
    """Pack the encoded rings of several levels into gzip'd base64 varints.

    Per level: the length of its structure list and of its coordinate list,
    then the structure (per area its polygon count, per polygon its ring
    count, per ring its vertex count) and the delta-encoded coordinates, all
    as zigzag varints. The page inflates it with the browser's
    ``DecompressionStream``.

    Examples
    --------
    >>> packed = pack_rings([[[[[5, 6, 1, 0, 0, 1, -1, -1]]]]])
    >>> gzip.decompress(base64.b64decode(packed)).hex()
    '06100202080a0c020000020101'
    """
    chunks: list[np.ndarray] = []
    for rings in views:
        structure: list[int] = []
        coords: list[list[int]] = []
        for area in rings:
            structure.append(len(area))
            for polygon in area:
                structure.append(len(polygon))
                for ring in polygon:
                    structure.append(len(ring) // 2)
                    coords.append(ring)
        n = sum(map(len, coords))
        flat = np.fromiter(chain.from_iterable(coords), dtype=np.int64, count=n)
        chunks += [np.array([len(structure), n]), np.asarray(structure), flat]
    values = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    return _gzip64(_varints(values))


def pack_views(views: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Move the levels' rings and area data into gzip'd fields of the page.

    A level-of-detail map (national desa: 19 MB of area data, 7 M vertices)
    would not fit in 20 MB as plain JSON; the page inflates ``packed``
    (:func:`pack_rings`) and ``packed_props`` (:func:`pack_json`) before its
    first draw. ``views`` lose their ``rings`` and ``props``.
    """
    return {
        "packed": pack_rings([v.pop("rings") for v in views]),
        "packed_props": pack_json([v.pop("props") for v in views]),
    }


def display_geometry(
    areas: gpd.GeoDataFrame, *, tolerance: float | None = None
) -> DisplayGeometry:
    """Simplify and encode the areas' polygons for display (EPSG:4326).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas in any CRS; no empty geometries.
    tolerance : float, optional
        Simplification tolerance in degrees; by default one pixel
        :data:`DETAIL_ZOOM_LEVELS` zoom levels closer than the view that
        fits the areas (:func:`choose_tolerance`).

    Returns
    -------
    DisplayGeometry
    """
    geoms = _lonlat(areas).values
    minx, miny, maxx, maxy = (float(b) for b in shapely.total_bounds(geoms))
    bounds = (minx, miny, maxx, maxy)
    if tolerance is None:
        tolerance = choose_tolerance(bounds)
    simple, coverage = _simplify(np.asarray(geoms), tolerance)
    scale = 10 ** max(0, math.ceil(-math.log10(tolerance / 4)))
    min_hole = (HOLE_PIXELS * tolerance * scale) ** 2
    rings = _encode_all(np.asarray(simple), np.asarray(geoms), scale, min_hole)
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
