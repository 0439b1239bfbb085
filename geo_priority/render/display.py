"""Display geometry: simplified for the screen, topology kept, compactly encoded.

Neighbouring areas keep a shared border: the areas are simplified as a
coverage with ``shapely.coverage_simplify`` (each shared edge simplified once),
so no slivers or gaps appear between areas that share their edges exactly.
Edges that do not match in the input (overlapping source polygons) are
simplified on their own, which is no worse than simplifying every polygon
separately; validating the coverage first would add about half again to the
build time, so it is not done here. A layer of more than
:data:`COVERAGE_VERTICES` vertices (the national desa) is simplified polygon
by polygon at half the tolerance instead (seconds rather than minutes; seams
of at most half a pixel where the layer is first drawn in detail), and
coarser levels dissolved for display
(:func:`geo_priority.harmonise.display_levels`) are drawn as they come. The
tolerance follows the map's scale: about one screen pixel two zoom levels
closer than the initial view, or per level of detail (:func:`lod_zooms`).
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

import contextvars
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import shapely

from geo_priority.geometry import COVERAGE_VERTICES as COVERAGE_VERTICES
from geo_priority.geometry import DETAIL_ZOOM_LEVELS as DETAIL_ZOOM_LEVELS
from geo_priority.geometry import DISPLAY_TOLERANCE as DISPLAY_TOLERANCE
from geo_priority.geometry import LOD_AREAS as LOD_AREAS
from geo_priority.geometry import LOD_FINEST_ZOOM_LEVELS as LOD_FINEST_ZOOM_LEVELS
from geo_priority.geometry import LOD_PIXELS as LOD_PIXELS
from geo_priority.geometry import (
    MIN_THREADED,
    WORKERS,
    Draft,
    drafted,
    in_lonlat,
    lod_tolerances,
)
from geo_priority.geometry import VIEW_PIXELS as VIEW_PIXELS
from geo_priority.geometry import choose_tolerance as choose_tolerance
from geo_priority.geometry import lod_zoom as lod_zoom
from geo_priority.geometry import pixel_degrees as pixel_degrees
from geo_priority.render.packing import varints

#: Holes narrower than this many tolerances (about pixels) are not drawn.
HOLE_PIXELS = 3
#: A layer of more areas than this (the national desa and kecamatan) is
#: anchored by the page, from its drawn rings, when a label needs it
#: (``label_points`` None; geo_priority_labels.js ``anchor``): the same rule
#: as :func:`label_anchor`, which took 7 CPU-s of the national desa run; such
#: a layer was anchored on its drawn (simplified) outline already. A smaller
#: layer is anchored here on its own geometry: on the Banten desa (1,552)
#: the page's anchors, on the drawn rings, lost a name that only just fits
#: (Kanekes at zoom 11) and delayed the first names by up to 0.3 s.
BROWSER_ANCHORS = LOD_AREAS


@dataclass(frozen=True)
class DisplayGeometry:
    """Encoded polygons for the web map.

    Attributes
    ----------
    encoded : EncodedRings
        The rings as flat arrays; :attr:`rings` as nested lists.
    scale : int
        Quantisation factor (``10 ** decimals``).
    label_points : list of (lat, lon) or None
        Each area's label anchor: the pole of inaccessibility of its largest
        part (the inside point farthest from its edges), see :func:`label_anchor`;
        None for a layer of more than :data:`BROWSER_ANCHORS` areas, whose
        anchors the page computes from the drawn rings by the same rule.
    bounds : tuple
        (min lon, min lat, max lon, max lat).
    tolerance : float
        Simplification tolerance used, in degrees.
    coverage : bool
        True when coverage simplification was used (shared borders kept);
        False when each polygon was simplified alone (GEOS refused the
        input, or the layer is too large) or the areas came simplified.
    vertices : int
        Number of vertices written.
    """

    encoded: EncodedRings
    scale: int
    label_points: list[tuple[float, float]] | None
    bounds: tuple[float, float, float, float]
    tolerance: float
    coverage: bool
    vertices: int

    @cached_property
    def rings(self) -> list[list[list[list[int]]]]:
        """Per area, a list of polygons, each a list of rings.

        A ring is a flat list ``[x0, y0, dx1, dy1, ...]`` of integers
        (coordinate x ``scale``).
        """
        return self.encoded.nested()


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
    return label_anchors(np.array([geom], dtype=object))[0]


def _largest_parts(geoms: np.ndarray) -> np.ndarray:
    """Return each geometry's largest polygon (the first of equals), or None."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    parts, index = parts[polygon], index[polygon]
    area = shapely.area(parts)
    order = np.lexsort((np.arange(len(parts)), -area, index))  # by geom, largest
    first = np.unique(index[order], return_index=True)[1]
    out = np.full(len(geoms), None, dtype=object)
    out[index[order][first]] = parts[order][first]
    return out


def _poles(largest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label anchors of polygons as (x, y) arrays: :func:`label_anchor`'s rule."""
    shrink = np.maximum(
        np.cos(np.radians(shapely.get_y(shapely.centroid(largest)))), 0.05
    )
    counts = shapely.get_num_coordinates(largest)
    factors = np.column_stack([np.repeat(shrink, counts), np.ones(int(counts.sum()))])
    local = shapely.transform(largest, lambda xy: xy * factors)
    tolerance = np.maximum(shapely.area(local) ** 0.5 / 100, 1e-9)
    pole = shapely.get_point(shapely.maximum_inscribed_circle(local, tolerance), 0)
    edges = shapely.boundary(local)
    room = np.where(shapely.contains(local, pole), shapely.distance(edges, pole), 0.0)
    centre = shapely.centroid(local)
    roomy = shapely.contains(local, centre) & (
        shapely.distance(edges, centre) >= 0.9 * room
    )
    pole = np.where(roomy, centre, pole)
    pole = np.where(~roomy & (room == 0.0), shapely.point_on_surface(local), pole)
    return shapely.get_x(pole) / shrink, shapely.get_y(pole)


def label_anchors(
    geoms: np.ndarray, *, threads: bool = True
) -> list[tuple[float, float]]:
    """Return :func:`label_anchor` of every geometry, vectorised and threaded.

    The same numbers as calling :func:`label_anchor` on each (the national
    desa: seconds instead of half a minute). A layer of
    ``geometry.MIN_THREADED`` areas or more is worked on in two threads
    (unless ``threads`` is False).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> label_anchors(np.array([box(106.0, -6.5, 106.4, -6.4)]))
    [(-6.45, 106.2)]
    """
    geoms = np.asarray(geoms, dtype=object)
    largest = _largest_parts(geoms)
    has = np.array([g is not None for g in largest], dtype=bool)
    x = np.empty(len(geoms))
    y = np.empty(len(geoms))
    if has.any():
        work = largest[has].astype(object)
        poles = _interleaved(lambda g: np.column_stack(_poles(g)), work, threads)
        x[has], y[has] = poles[:, 0], poles[:, 1]
    if (~has).any():
        other = shapely.point_on_surface(geoms[~has])
        x[~has], y[~has] = shapely.get_x(other), shapely.get_y(other)
    return [
        (round(b, 5), round(a, 5)) for a, b in zip(x.tolist(), y.tolist(), strict=True)
    ]


def _interleaved(
    func: Callable[[np.ndarray], np.ndarray], geoms: np.ndarray, threads: bool
) -> np.ndarray:
    """Return ``func(geoms)`` of an element-wise ``func``, in two threads if large.

    The threads take every other geometry, so that both get a like share
    of small and large ones; shapely lets go of the GIL meanwhile.
    """
    if not (threads and WORKERS > 1 and len(geoms) >= MIN_THREADED):
        return func(geoms)
    with ThreadPoolExecutor(2) as pool:
        even, odd = pool.map(func, [geoms[0::2], geoms[1::2]])
    out = np.empty((len(geoms), *even.shape[1:]), dtype=even.dtype)
    out[0::2], out[1::2] = even, odd
    return out


def _simplified_and_anchored(
    geoms: np.ndarray, tolerance: float, simplified: bool, draft: Draft | None = None
) -> tuple[np.ndarray, bool, list[tuple[float, float]] | None]:
    """Return the simplified polygons, whether as a coverage, and the label anchors.

    The anchors (:func:`label_anchors`, of a layer of at most
    :data:`BROWSER_ANCHORS` areas) are made on the original polygons, so the
    polygons are simplified meanwhile in a second thread (GEOS only: shapely
    lets go of the GIL and touches no ``warnings`` state there): the Banten
    desa take the longer of the two (about 0.4 s) instead of their sum
    (about 0.7 s). The anchors stay in the calling thread, as without it.
    ``simplified``: the polygons are simplified for display already;
    ``draft``: they were simplified for ``tolerance`` already
    (:func:`~geo_priority.geometry.drafted`).
    """
    anchored = len(geoms) <= BROWSER_ANCHORS
    if simplified:
        draft = Draft(geoms, False, tolerance, 0.0)
    if draft is not None or not anchored or WORKERS < 2:
        done = draft if draft is not None else drafted(geoms, tolerance)
        return done.geoms, done.coverage, label_anchors(geoms) if anchored else None
    with ThreadPoolExecutor(1, thread_name_prefix="geo-priority-simplify") as pool:
        context = contextvars.copy_context()
        drafting = pool.submit(context.run, drafted, geoms, tolerance)
        labels = label_anchors(geoms)
        done = drafting.result()
    return done.geoms, done.coverage, labels


def _delta(coords: np.ndarray, *, keep_small: bool = False) -> list[int] | None:
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
    if keep.sum() >= 4 or not keep_small:
        coords = coords[keep]
    if len(coords) < 4:
        return None
    deltas = np.vstack([coords[:1], np.diff(coords, axis=0)])
    return deltas.ravel().tolist()


@dataclass(frozen=True)
class _Rings:
    """Every ring of a layer, quantised, with repeated points dropped."""

    deltas: np.ndarray  # per kept vertex dx, dy (a ring's first: x, y)
    offsets: np.ndarray  # where each ring's deltas start (and the end)
    drawn: np.ndarray  # the ring has 4+ distinct points (and is big enough)
    exterior: np.ndarray  # the ring is the first (outer) ring of its polygon
    part: np.ndarray  # the polygon of each ring
    area_of_part: np.ndarray  # the area (row) of each polygon


def _parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``shapely.get_parts(geoms, return_index=True)``, faster.

    A single polygon is its own part: only the multi-part geometries are
    taken apart (get_parts copies every part; most desa are one polygon).
    """
    single = (shapely.get_type_id(geoms) == 3) & ~shapely.is_empty(geoms)
    if single.all():
        return geoms, np.arange(len(geoms))
    multi = np.flatnonzero(~single)
    pieces, index = shapely.get_parts(geoms[multi], return_index=True)
    index = np.concatenate([np.flatnonzero(single), multi[index]])
    order = np.argsort(index, kind="stable")  # by area, parts in their order
    return np.concatenate([geoms[single], pieces])[order], index[order]


def _ring_coordinates(parts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per ring of ``parts`` (exterior first) its vertex count and part; the vertices.

    As ``shapely.get_rings(parts, return_index=True)`` and the rings'
    coordinates, without copying the rings of polygons that have no holes.
    """
    polygon = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    if not polygon.all():  # anything else: ring by ring, as shapely gives them
        rings, part = shapely.get_rings(parts, return_index=True)
        coords = shapely.get_coordinates(rings)
        return shapely.get_num_coordinates(rings), part, coords
    holes = shapely.get_num_interior_rings(parts)
    part = np.repeat(np.arange(len(parts)), holes + 1)
    counts = np.repeat(shapely.get_num_coordinates(parts), holes + 1)
    holed = np.flatnonzero(holes > 0)
    if len(holed):
        rings = shapely.get_rings(parts[holed])
        counts[np.isin(part, holed)] = shapely.get_num_coordinates(rings)
    return counts, part, shapely.get_coordinates(parts)


def _rings(geoms: np.ndarray, scale: int, min_hole: float) -> _Rings:
    """Quantise and delta-encode every ring of ``geoms`` at once (see :func:`_delta`).

    A hole is drawn when its area (on the grid, before repeated points are
    dropped) is at least ``min_hole`` grid units squared.
    """
    parts, area_of_part = _parts(geoms)
    counts, part, coords = _ring_coordinates(parts)  # exterior first
    xy = np.rint(coords * scale).astype(np.int64)
    n_rings = len(counts)
    ring = np.repeat(np.arange(n_rings), counts)
    starts = np.cumsum(counts) - counts
    step = np.diff(xy, axis=0, prepend=xy[:1])
    keep = np.any(step != 0, axis=1)
    keep[starts[counts > 0]] = True
    kept = np.bincount(ring[keep], minlength=n_rings)
    # twice the shoelace area of each ring, exact in integers
    nxt = np.roll(xy, -1, axis=0)
    cross = xy[:, 0] * nxt[:, 1] - nxt[:, 0] * xy[:, 1]
    cross[starts + counts - 1] = 0  # the closing vertex pairs with the next ring
    twice = np.zeros(n_rings, dtype=np.int64)
    if len(xy):
        twice = np.abs(np.add.reduceat(cross, np.minimum(starts, len(xy) - 1)))
        twice[counts == 0] = 0
    exterior = np.ones(n_rings, dtype=bool)
    exterior[1:] = part[1:] != part[:-1]
    big = exterior | (twice.astype(float) / 2 >= min_hole)
    xy = xy[keep]
    deltas = np.diff(xy, axis=0, prepend=xy[:1])
    new_starts = np.cumsum(kept) - kept
    deltas[new_starts[kept > 0]] = xy[new_starts[kept > 0]]
    return _Rings(
        deltas.ravel(),
        2 * np.append(new_starts, len(xy)),
        (kept >= 4) & big,
        exterior,
        part,
        area_of_part,
    )


@dataclass(frozen=True)
class EncodedRings:
    """A layer's encoded rings as two flat integer arrays.

    ``structure`` holds per area its polygon count, per polygon its ring
    count and per ring its vertex count, in drawing order; ``coords`` the
    rings' delta-encoded coordinates one after the other. A level-of-detail
    page packs these arrays as they are (:meth:`varints`); a small page
    writes them as nested lists (:meth:`nested`).
    """

    structure: np.ndarray
    coords: np.ndarray
    n_areas: int

    def nested(self) -> list[list[list[list[int]]]]:
        """Return per area, per polygon, per ring its flat coordinate list."""
        size = iter(self.structure.tolist())
        coords = self.coords.tolist()
        areas: list[list[list[list[int]]]] = []
        pos = 0
        for _ in range(self.n_areas):
            polygons = []
            for _ in range(next(size)):
                rings = []
                for _ in range(next(size)):
                    end = pos + 2 * next(size)
                    rings.append(coords[pos:end])
                    pos = end
                polygons.append(rings)
            areas.append(polygons)
        return areas

    def varints(self) -> bytes:
        """Return the layer as one level of :func:`~.packing.pack_rings` (no gzip)."""
        head = np.array([len(self.structure), len(self.coords)], dtype=np.int64)
        return varints(head) + varints(self.structure) + varints(self.coords)


def _encode_all(
    simple: np.ndarray, original: np.ndarray, scale: int, min_hole: float = 0.0
) -> list[list[list[list[int]]]]:
    """Encode every area's rings as nested lists (see :func:`_encode`)."""
    return _encode(simple, original, scale, min_hole).nested()


def _encode(
    simple: np.ndarray, original: np.ndarray, scale: int, min_hole: float = 0.0
) -> EncodedRings:
    """Encode every area's rings (see :func:`_rings`).

    Holes under ``min_hole`` (grid units squared) are dropped: a gap left
    between dissolved desa would only show as a speck of outline. A polygon
    whose outer ring collapses on the grid is dropped with its holes; an
    area left with no polygon is drawn as the outline of its largest part.
    """
    r = _rings(simple, scale, min_hole)
    parts, kept = _drawn(r)
    polygons = np.bincount(r.area_of_part[parts], minlength=len(simple))
    if (polygons == 0).any():  # an area smaller than the grid: keep it visible
        r = _with_outlines(r, np.flatnonzero(polygons == 0), original, scale)
        parts, kept = _drawn(r)
        polygons = np.bincount(r.area_of_part[parts], minlength=len(simple))
    none = np.full(len(simple), -1)
    rings = np.bincount(r.part[kept], minlength=len(r.area_of_part))[parts]
    ring_area = r.area_of_part[r.part[kept]]
    records = [  # (area, polygon, ring, value), in drawing order once sorted
        (np.arange(len(simple)), none, none, polygons),
        (r.area_of_part[parts], parts, np.full(len(parts), -1), rings),
        (ring_area, r.part[kept], kept, np.diff(r.offsets)[kept] // 2),
    ]
    area, part, ring, value = (np.concatenate(k) for k in zip(*records, strict=True))
    order = np.lexsort((ring, part, area))
    drawn = np.lexsort((kept, r.part[kept], ring_area))  # already sorted but outlines
    starts = r.offsets[:-1][kept][drawn]
    return EncodedRings(
        value[order].astype(np.int64),
        _gather(r.deltas, starts, r.offsets[1:][kept][drawn]),
        len(simple),
    )


def _drawn(r: _Rings) -> tuple[np.ndarray, np.ndarray]:
    """Return the drawn polygons (outer ring drawn) and rings (their drawn rings)."""
    shown = np.zeros(len(r.area_of_part), dtype=bool)
    shown[r.part[r.exterior & r.drawn]] = True
    return np.flatnonzero(shown), np.flatnonzero(r.drawn & shown[r.part])


def _with_outlines(
    r: _Rings, empty: np.ndarray, original: np.ndarray, scale: int
) -> _Rings:
    """Add the outline of each ``empty`` area's largest part (if 4+ points)."""
    outlines: list[tuple[int, list[int]]] = []
    for i in empty.tolist():
        largest = max(shapely.get_parts(original[i]), key=lambda p: p.area)
        coords = np.rint(shapely.get_coordinates(largest.exterior) * scale)
        small = _delta(coords.astype(np.int64), keep_small=True)
        if small:
            outlines.append((i, small))
    if not outlines:
        return r
    owners = np.array([i for i, _ in outlines], dtype=np.int64)
    flat = [np.asarray(c, dtype=np.int64) for _, c in outlines]
    ends = len(r.deltas) + np.cumsum([len(c) for c in flat])
    n, k = len(r.area_of_part), len(outlines)
    return _Rings(
        np.concatenate([r.deltas, *flat]),
        np.append(r.offsets, ends),
        np.append(r.drawn, np.ones(k, dtype=bool)),
        np.append(r.exterior, np.ones(k, dtype=bool)),
        np.append(r.part, np.arange(n, n + k)),
        np.append(r.area_of_part, owners),
    )


def _gather(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the slices ``values[starts[i]:ends[i]]`` joined, in order."""
    lengths = ends - starts
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.asarray(values[np.arange(int(lengths.sum())) + shift], dtype=np.int64)


def _lonlat(areas: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Return the areas' geometry in EPSG:4326 (see ``in_lonlat``)."""
    return in_lonlat(areas.geometry)


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


def lod_zooms(levels: Sequence[gpd.GeoDataFrame]) -> list[tuple[float, float]]:
    """Return per level the zoom it is drawn from and its tolerance (degrees).

    A level is drawn from the zoom at which its typical area spans
    :data:`LOD_PIXELS` pixels, until a finer level takes over; it is
    simplified to one pixel at the closest zoom it is drawn at. The finest
    level is simplified to one pixel :data:`LOD_FINEST_ZOOM_LEVELS` zoom
    level past its start (national desa: 0.002 degrees, about 220 m), which
    keeps the national desa page under 20 MB.
    """
    return lod_tolerances([typical_size(a) for a in levels])


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


def _total_bounds(geoms: np.ndarray) -> np.ndarray:
    """``shapely.total_bounds`` without its ``warnings.catch_warnings``.

    The bounds of the geometries that have some (missing and empty ones
    have none); all NaN when none has; ``ValueError`` for no geometry.
    """
    bounds = shapely.bounds(geoms)
    have = bounds[~np.isnan(bounds).any(axis=1)]
    if len(bounds) and not len(have):
        return np.full(4, np.nan)
    return np.concatenate([have[:, :2].min(axis=0), have[:, 2:].max(axis=0)])


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
    geoms = np.asarray(_lonlat(areas).values)
    simplified = bool(areas.attrs.get(DISPLAY_TOLERANCE))  # dissolved for display
    return display_geometry_of(geoms, tolerance=tolerance, simplified=simplified)


def display_geometry_of(
    geoms: np.ndarray,
    *,
    tolerance: float | None = None,
    simplified: bool = False,
    draft: Draft | None = None,
) -> DisplayGeometry:
    """:func:`display_geometry` of polygons in EPSG:4326 (an object array).

    Shapely and numpy only: no pandas or geopandas object, and no
    ``warnings.catch_warnings`` (not thread-safe), so that it can run in a
    thread beside the caller (:mod:`geo_priority.render.ahead`).
    ``simplified``: the polygons are simplified for display already.
    ``draft``: :func:`~geo_priority.geometry.drafted` of ``geoms`` at
    ``tolerance``, made before (the same drawing, not made again).
    """
    minx, miny, maxx, maxy = (float(b) for b in _total_bounds(geoms))
    bounds = (minx, miny, maxx, maxy)
    if tolerance is None:
        tolerance = choose_tolerance(bounds)
    if draft is not None and (draft.tolerance != tolerance or simplified):
        raise ValueError("the draft was made for another tolerance")
    simple, coverage, labels = _simplified_and_anchored(
        geoms, tolerance, simplified, draft
    )
    scale = 10 ** max(0, math.ceil(-math.log10(tolerance / 4)))
    min_hole = (HOLE_PIXELS * tolerance * scale) ** 2
    encoded = _encode(np.asarray(simple), geoms, scale, min_hole)
    return DisplayGeometry(
        encoded,
        scale,
        labels,
        bounds,
        tolerance,
        coverage,
        len(encoded.coords) // 2,
    )
