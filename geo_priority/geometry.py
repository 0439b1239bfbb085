"""Checks and repairs of boundary geometry and CRS, for prepared layers.

Used by :func:`geo_priority.harmonise.prepare_boundaries`: a layer must have a
CRS whose range its coordinates fit (projected metres labelled EPSG:4326 are an
error that says what the numbers look like), polygonal features (null/empty
ones raise or are dropped with a warning) and valid geometry (invalid ones are
repaired with ``shapely.make_valid``, keeping the polygonal parts, with one
warning). In-memory only.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import shapely

from geo_priority.errors import CRSError, GeometryError, GeometryRepairedWarning
from geo_priority.formatting import format_number, shorten_list, shorten_text
from geo_priority.messages import tr
from geo_priority.schema import ID

__all__ = [
    "DETAIL_ZOOM_LEVELS",
    "LOD_AREAS",
    "LOD_FINEST_ZOOM_LEVELS",
    "LOD_PIXELS",
    "VIEW_PIXELS",
    "WORKERS",
    "check_has_crs",
    "check_plausible_coordinates",
    "check_polygons",
    "check_same_crs",
    "choose_tolerance",
    "implausible_coordinates",
    "in_lonlat",
    "in_threads",
    "lod_tolerances",
    "lod_zoom",
    "pixel_degrees",
    "repair_invalid",
    "simplified_union",
    "simplify_each",
    "typical_size_of",
    "without_cracks",
    "without_slivers",
]


def crs_hint() -> str:
    """Name the fix when coordinates do not fit a geographic CRS."""
    return tr(
        'set boundaries.crs = "EPSG:327xx" to the layer\'s real CRS (Indonesia lies '
        "in UTM zones 46-54: EPSG:32746-32754 south of the equator, "
        'EPSG:32646-32654 north; Banten is 48S, "EPSG:32748"); it relabels the '
        "coordinates, it does not move them"
    )


#: Half the width of the Web Mercator (EPSG:3857) world, in metres.
_MERCATOR_EDGE = 20037508.35

_POLYGONAL = ("Polygon", "MultiPolygon")


def check_has_crs(gdf: gpd.GeoDataFrame, what: str | None = None) -> None:
    """Raise CRSError when the layer has no CRS.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer.
    what : str, optional
        Its name in the message (by default: the boundaries).

    Raises
    ------
    CRSError
        Saying how to set one.
    """
    if gdf.crs is None:
        raise CRSError(
            tr(
                '{what} have no CRS. Set one with boundaries.crs = "EPSG:4326" (CLI: '
                "--boundaries-crs; GeoJSON is always EPSG:4326) before preparing "
                "them.",
                what=what or tr("the boundaries"),
            )
        )


def _looks_like(bounds: tuple[float, float, float, float]) -> str:
    """Say what coordinates outside the degree range most likely are."""
    xmin, ymin, xmax, ymax = bounds
    if (
        100_000 <= xmin
        and xmax <= 900_000
        and -10_000_000 <= ymin <= ymax <= 10_000_000
    ):
        return tr("projected metres (UTM?)")
    if max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) <= _MERCATOR_EDGE:
        return tr("projected metres (UTM, or Web Mercator EPSG:3857?)")
    return tr("no longitude/latitude at all (projected, or scaled, numbers?)")


def implausible_coordinates(gdf: gpd.GeoDataFrame) -> str | None:
    """Describe coordinates outside the valid range of the layer's CRS.

    Only a geographic CRS (degrees, such as EPSG:4326) is checked: its
    longitudes must lie within -180..180 and latitudes within -90..90.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer.

    Returns
    -------
    str or None
        What the coordinates span and look like; None when they fit.

    Examples
    --------
    >>> from shapely import box
    >>> utm = gpd.GeoDataFrame(geometry=[box(620000, 9300000, 630000, 9310000)],
    ...                        crs="EPSG:4326")
    >>> implausible_coordinates(utm).endswith("(UTM?)")
    True
    """
    if gdf.crs is None or not gdf.crs.is_geographic or gdf.geometry.is_empty.all():
        return None
    bounds = tuple(float(b) for b in gdf.geometry.total_bounds)
    xmin, ymin, xmax, ymax = bounds
    if not np.isfinite(bounds).all():
        return None
    if -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90:
        return None
    span = ", ".join(
        f"{axis} {format_number(low, decimals=0)}..{format_number(high, decimals=0)}"
        for axis, low, high in (("x", xmin, xmax), ("y", ymin, ymax))
    )
    return tr(
        "coordinates span {span}, outside the longitude -180..180 / latitude "
        "-90..90 of a geographic CRS; these look like {looks}",
        span=span,
        looks=_looks_like((xmin, ymin, xmax, ymax)),
    )


def check_plausible_coordinates(
    gdf: gpd.GeoDataFrame, what: str | None = None, hint: str | None = None
) -> None:
    """Raise CRSError when the coordinates do not fit the layer's CRS.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer.
    what : str, optional
        Its name in the message (by default: the boundaries).
    hint : str, optional
        The fix to name (by default: set ``boundaries.crs``).

    Raises
    ------
    CRSError
        Naming the declared CRS, what the numbers look like and the fix.
    """
    found = implausible_coordinates(gdf)
    if found is not None:
        label = shorten_text(str(gdf.crs.to_string()))
        raise CRSError(
            tr(
                "{what} are labelled {label}, but their {found}; {hint}.",
                what=what or tr("the boundaries"),
                label=label,
                found=found,
                hint=hint or crs_hint(),
            )
        )


def check_same_crs(
    *frames: gpd.GeoDataFrame, names: Sequence[str] | None = None
) -> None:
    """Raise CRSError unless every frame has the same, defined CRS.

    Parameters
    ----------
    *frames : geopandas.GeoDataFrame
        The layers to compare.
    names : sequence of str, optional
        Labels for the messages; defaults to ``layer 1``, ``layer 2``...

    Raises
    ------
    CRSError
        When a layer has no CRS or two layers differ (both CRSs are named).

    Examples
    --------
    >>> from shapely import box
    >>> a = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> check_same_crs(a, a.copy(), names=["desa", "kecamatan"])
    """
    labels = (
        list(names)
        if names is not None
        else [f"layer {i + 1}" for i in range(len(frames))]
    )
    if len(labels) != len(frames):
        raise CRSError(
            tr(
                "got {n_frames} frames but {n_labels} names ({labels!r}); pass one "
                "name per frame.",
                n_frames=len(frames),
                n_labels=len(labels),
                labels=labels,
            )
        )
    for label, frame in zip(labels, frames, strict=True):
        check_has_crs(frame, repr(label))
    first, first_label = frames[0].crs if frames else None, labels[0] if labels else ""
    for label, frame in zip(labels[1:], frames[1:], strict=True):
        if frame.crs != first:
            raise CRSError(
                tr(
                    "{first_label!r} ({value}) and {label!r} ({value2}) use different "
                    "CRS. Reproject one with gdf.to_crs({value!r}) first.",
                    first_label=first_label,
                    value=_crs_text(first),
                    label=label,
                    value2=_crs_text(frame.crs),
                )
            )


def _crs_text(crs: object) -> str:
    """Short text for a CRS: its authority code, else a cut WKT/PROJ string."""
    to_authority = getattr(crs, "to_authority", None)
    auth = to_authority() if callable(to_authority) else None
    text = ":".join(auth) if auth else str(crs)
    return shorten_text(text)


def check_polygons(gdf: gpd.GeoDataFrame, drop_empty: bool) -> gpd.GeoDataFrame:
    """Handle null/empty geometry (error or drop) and reject non-polygons.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer with the :data:`~geo_priority.schema.ID` column.
    drop_empty : bool
        Drop null/empty geometries with a warning instead of raising.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` without the dropped rows.

    Raises
    ------
    GeometryError
        Null/empty geometries (unless ``drop_empty``) or non-polygons.

    Warns
    -----
    GeometryRepairedWarning
        When empty geometries were dropped (pointing at the caller's caller).
    """
    geoms = gdf.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        codes = gdf.loc[empty, ID].tolist()
        if not drop_empty:
            raise GeometryError(
                tr(
                    "1 area has a null or empty geometry: {value}. Remove or "
                    "repair it in the boundary file (boundaries.path).",
                    value=shorten_list(codes, 5),
                )
                if len(codes) == 1
                else tr(
                    "{n_codes} areas have a null or empty geometry: {value}. Remove or "
                    "repair them in the boundary file (boundaries.path).",
                    n_codes=len(codes),
                    value=shorten_list(codes, 5),
                )
            )
        warnings.warn(
            tr(
                "dropped 1 area with a null or empty geometry: {value}.",
                value=shorten_list(codes, 5),
            )
            if len(codes) == 1
            else tr(
                "dropped {n_codes} areas with a null or empty geometry: {value}.",
                n_codes=len(codes),
                value=shorten_list(codes, 5),
            ),
            GeometryRepairedWarning,
            stacklevel=3,
        )
        gdf = gdf.loc[~empty]
    kinds = gdf.geometry.geom_type
    other = ~kinds.isin(_POLYGONAL)
    if other.any():
        pairs = zip(gdf.loc[other, ID], kinds[other], strict=True)
        raise GeometryError(
            tr(
                "1 area is not a polygon: {value2}. Boundaries must be "
                "(Multi)Polygons; check the layer.",
                value2=shorten_list((f"{c} ({t})" for c, t in pairs), 5),
            )
            if int(other.sum()) == 1
            else tr(
                "{value} areas are not polygons: {value2}. Boundaries must be "
                "(Multi)Polygons; check the layer.",
                value=int(other.sum()),
                value2=shorten_list((f"{c} ({t})" for c, t in pairs), 5),
            )
        )
    return gdf


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a repaired geometry."""
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    flat = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(flat) if flat else shapely.Polygon()


def repair_invalid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid geometries with ``make_valid`` (polygonal parts only).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer with the :data:`~geo_priority.schema.ID` column.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` itself when every geometry is valid, else a repaired copy.

    Raises
    ------
    GeometryError
        When a repaired geometry has no area left.

    Warns
    -----
    GeometryRepairedWarning
        Once, naming the repaired areas (pointing at the caller's caller).
    """
    values = np.asarray(gdf.geometry.array, dtype=object)
    invalid = ~in_threads(shapely.is_valid, values).astype(bool)
    if not invalid.any():
        return gdf
    repaired = shapely.make_valid(
        values[invalid], method="structure", keep_collapsed=False
    )
    repaired = np.array([_polygonal(g) for g in repaired], dtype=object)
    codes = gdf.loc[invalid, ID].tolist()
    lost = [c for c, g in zip(codes, repaired, strict=True) if g.is_empty]
    if lost:
        raise GeometryError(
            tr(
                "1 invalid geometry has no area left after the automatic "
                "repair: {value}. Repair it in a GIS, or remove it.",
                value=shorten_list(lost, 5),
            )
            if len(lost) == 1
            else tr(
                "{n_lost} invalid geometries have no area left after the automatic "
                "repair: {value}. Repair them in a GIS, or remove them.",
                n_lost=len(lost),
                value=shorten_list(lost, 5),
            )
        )
    values[invalid] = repaired
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(values, index=gdf.index, crs=gdf.crs)
    warnings.warn(
        tr(
            "repaired 1 invalid geometry automatically (self-crossing "
            "outline made valid, the polygonal parts kept): {value}. Check it "
            "in a GIS; `geo-priority check --lenient` accepts the repair.",
            value=shorten_list(codes, 5),
        )
        if len(codes) == 1
        else tr(
            "repaired {n_codes} invalid geometries automatically (self-crossing "
            "outlines made valid, the polygonal parts kept): {value}. Check them "
            "in a GIS; `geo-priority check --lenient` accepts the repair.",
            n_codes=len(codes),
            value=shorten_list(codes, 5),
        ),
        GeometryRepairedWarning,
        stacklevel=3,
    )
    return out


# ------------------------------------------------------- display scale and dissolve

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
#: Threads for the vectorised shapely steps (they release the GIL).
WORKERS = max(1, min(2, os.cpu_count() or 1))


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

#: Fewer geometries than this are worked in one thread (threads pay only on
#: large layers, and a run of a few areas then starts no thread at all).
MIN_THREADED = 20_000


def in_threads(
    func: Callable[[np.ndarray], np.ndarray],
    geoms: np.ndarray,
    workers: int = WORKERS,
    *,
    size: int | None = None,
) -> np.ndarray:
    """Apply a vectorised shapely ``func`` to ``geoms`` in ``workers`` chunks.

    The chunks run in threads (shapely releases the GIL); the result is the
    same as ``func(geoms)`` for element-wise functions. ``size``: the number
    of areas of the layer the work is for (default ``len(geoms)``), which
    decides whether to use threads (:data:`MIN_THREADED`).
    """
    if workers < 2 or (len(geoms) if size is None else size) < MIN_THREADED:
        return func(geoms)
    chunks = np.array_split(geoms, workers)
    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(func, chunks)))


def simplify_each(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify each polygon on its own (Douglas-Peucker, no topology kept).

    Fast (national desa: 2 s), but neighbours simplified apart may leave
    slivers and gaps up to ``tolerance`` wide along their shared border. An
    area that would lose a part (an islet narrower than a few tolerances)
    or vanish is simplified keeping its topology instead, so no island is
    lost.

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> islands = MultiPolygon([box(0, 0, 1, 1), box(2, 0, 2.01, 0.01)])
    >>> [g.area for g in simplify_each(np.array([box(0, 0, 1, 1)]), 0.1)]
    [1.0]
    >>> shapely.get_num_geometries(simplify_each(np.array([islands]), 0.1))
    array([2], dtype=int32)
    """
    simple = np.asarray(shapely.simplify(geoms, tolerance, preserve_topology=False))
    lost = shapely.get_num_geometries(simple) < shapely.get_num_geometries(geoms)
    lost |= shapely.is_empty(simple) | shapely.is_missing(simple)
    simple[lost] = shapely.simplify(geoms[lost], tolerance, preserve_topology=True)
    return simple


def _union(parts: np.ndarray) -> shapely.Geometry:
    """Union ``parts`` (polygonal result); invalid input is made valid first."""
    try:
        merged = shapely.union_all(parts)
    except shapely.errors.GEOSException:
        valid = shapely.make_valid(parts, method="structure", keep_collapsed=False)
        merged = shapely.union_all(valid)
    return _polygonal(merged)


def without_slivers(geoms: np.ndarray, width: float) -> np.ndarray:
    """Drop the holes narrower than ``width`` on average (twice area / perimeter).

    The gaps a union of separately simplified neighbours leaves inside
    itself; an enclave or a lake (wider) stays.

    Examples
    --------
    >>> from shapely import Polygon, box
    >>> sliver, lake = box(1, 1, 9, 1.01), box(4, 4, 6, 6)
    >>> holed = Polygon(box(0, 0, 10, 10).exterior, [sliver.exterior, lake.exterior])
    >>> kept = without_slivers(np.array([holed]), 0.1)
    >>> shapely.get_num_interior_rings(shapely.get_parts(kept)).tolist()
    [1]
    """
    parts, owner = _nonempty_parts(geoms)
    if not shapely.get_num_interior_rings(parts).any():
        return geoms
    rings, part = shapely.get_rings(parts, return_index=True)
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = part[1:] != part[:-1]
    filled = shapely.polygons(rings)
    wide = 2 * shapely.area(filled) >= width * shapely.length(rings)
    keep = exterior | wide
    return _regrouped(geoms, shapely.polygons(rings[keep], indices=part[keep]), owner)


def _nonempty_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the non-empty parts of ``geoms`` and the index of each one's owner."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    solid = ~shapely.is_empty(parts)
    return parts[solid], owner[solid]


def _regrouped(geoms: np.ndarray, parts: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Return ``geoms`` with those owning any of ``parts`` rebuilt from them."""
    order = np.argsort(owner, kind="stable")
    present, dense = np.unique(owner[order], return_inverse=True)
    out = np.array(geoms, dtype=object)
    out[present] = shapely.multipolygons(parts[order], indices=dense)
    return out


def without_cracks(
    geoms: np.ndarray, width: float, *, size: int | None = None
) -> np.ndarray:
    """Close the cracks narrower than ``width`` through each geometry's parts.

    Neighbours simplified apart can leave a gap that runs right across their
    union (a province split in two by a hairline). The parts of at least
    ``3 * width`` across are grown by ``width / 2``, merged and shrunk back
    (a morphological closing, mitred corners); smaller parts (islets) are
    kept as they are. ``size``: see :func:`in_threads`.

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> split = MultiPolygon([box(0, 0, 1, 1), box(1.01, 0, 2, 1)])
    >>> shapely.get_num_geometries(without_cracks(np.array([split]), 0.05))
    array([1], dtype=int32)
    """
    parts, owner = _nonempty_parts(geoms)
    big = shapely.area(parts) >= (3 * width) ** 2
    if not big.any():
        return geoms
    owners, group = np.unique(owner[big], return_inverse=True)
    # the buffer of a MultiPolygon is the union of its parts' buffers
    grown = in_threads(
        lambda g: shapely.buffer(g, width / 2, join_style="mitre", mitre_limit=2),
        shapely.multipolygons(parts[big], indices=group),
        size=size,
    )
    shrunk = in_threads(
        lambda g: shapely.buffer(g, -width / 2, join_style="mitre", mitre_limit=2),
        grown,
        size=size,
    )
    pieces, of_piece = _nonempty_parts(shrunk)
    every = np.concatenate([parts[~big], pieces])
    return _regrouped(geoms, every, np.concatenate([owner[~big], owners[of_piece]]))


def _union_groups(geoms: np.ndarray, starts: np.ndarray) -> list[shapely.Geometry]:
    return [_union(geoms[a:b]) for a, b in itertools.pairwise(starts.tolist())]


def _buffered_unions(
    geoms: np.ndarray, group: np.ndarray, size: int | None
) -> np.ndarray:
    """Union the valid polygons of each group at once: ``buffer(0)`` of their parts.

    The buffer of a MultiPolygon whose valid parts overlap is their union
    (half the time of ``union_all`` per group on the national kecamatan:
    same areas, every vertex of each within 1e-12 of the other's). ``group``
    numbers the groups 0..n-1, sorted; invalid input would lose area, so it
    takes :func:`_union`. Every group must have a part.
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    whole = shapely.multipolygons(parts, indices=group[owner])
    return np.asarray(in_threads(lambda g: shapely.buffer(g, 0), whole, size=size))


def _grouped_unions(
    geoms: np.ndarray, starts: np.ndarray, size: int | None = None
) -> np.ndarray:
    """Union ``geoms[starts[i]:starts[i + 1]]`` for each ``i`` (polygonal results).

    Groups whose polygons are all valid are unioned by
    :func:`_buffered_unions`; the others by ``union_all``, split between
    the threads by vertex count. ``size``: see :func:`in_threads`.
    """
    unions = np.empty(len(starts) - 1, dtype=object)
    sizes = np.diff(starts)
    group = np.repeat(np.arange(len(sizes)), sizes)
    valid = np.asarray(in_threads(shapely.is_valid, geoms, size=size), dtype=bool)
    parts = np.bincount(group, shapely.get_num_geometries(geoms), len(sizes))
    fast = parts > 0
    fast[group[~valid]] = False
    if fast.any():
        mine = fast[group]
        dense = np.cumsum(fast) - 1
        unions[fast] = [
            _polygonal(u)
            for u in _buffered_unions(geoms[mine], dense[group[mine]], size)
        ]
    slow = np.flatnonzero(~fast)
    if len(slow):
        unions[slow] = _unions_in_halves(geoms, starts, slow, size)
    return unions


def _unions_in_halves(
    geoms: np.ndarray, starts: np.ndarray, which: np.ndarray, size: int | None
) -> list[shapely.Geometry]:
    """``union_all`` of the groups ``which``, split between threads by vertex count."""
    bounds = [(int(starts[i]), int(starts[i + 1])) for i in which]
    if WORKERS < 2 or (len(geoms) if size is None else size) < MIN_THREADED:
        return [_union(geoms[a:b]) for a, b in bounds]
    counts = shapely.get_num_coordinates(geoms)
    cum = np.cumsum([counts[a:b].sum() for a, b in bounds])
    cut = int(np.searchsorted(cum, cum[-1] / 2)) + 1
    halves = [h for h in (bounds[:cut], bounds[cut:]) if h]
    with ThreadPoolExecutor(len(halves)) as pool:
        done = pool.map(lambda h: [_union(geoms[a:b]) for a, b in h], halves)
        return [u for half in done for u in half]


def valid_drawings(
    geoms: np.ndarray, width: float, size: int | None = None
) -> np.ndarray:
    """Make each drawing valid where an islet overlaps a part of its own shape.

    :func:`without_cracks` grows the large parts but keeps the islets (parts
    smaller than ``3 * width`` across) as they are, and :func:`without_slivers`
    fills holes an islet may lie in: the islet then overlaps or lies in a
    part of the same shape (invalid; the map's even-odd fill leaves the
    overlap empty, a speck). Such an islet is dropped when it lies inside
    the part and unioned with it otherwise; only invalid shapes are looked
    at. Anything else invalid is repaired by ``make_valid``.

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> speck = MultiPolygon([box(0, 0, 1, 1), box(0.5, 0.5, 0.51, 0.51)])
    >>> fixed = valid_drawings(np.array([speck]), 0.1)
    >>> bool(fixed[0].is_valid), fixed[0].area
    (True, 1.0)
    """
    bad = np.flatnonzero(~np.asarray(in_threads(shapely.is_valid, geoms, size=size)))
    if not len(bad):
        return geoms
    parts, owner = _nonempty_parts(geoms[bad])
    small = np.flatnonzero(shapely.area(parts) < (3 * width) ** 2)
    large = np.flatnonzero(shapely.area(parts) >= (3 * width) ** 2)
    which, by = shapely.STRtree(parts[large]).query(
        parts[small], predicate="intersects"
    )
    mine = owner[small[which]] == owner[large[by]]
    islet, piece = small[which[mine]], large[by[mine]]
    inside = shapely.within(parts[islet], parts[piece])
    targets, unions = [], []
    for target, group in _islets_by_piece(piece[~inside], islet[~inside]):
        targets.append(target)
        unions.append(_union(np.append(parts[group], parts[target])))
    drop = np.zeros(len(parts), dtype=bool)
    drop[islet] = True
    drop[targets] = True
    grown, of_grown = shapely.get_parts(
        np.array(unions, dtype=object), return_index=True
    )
    every = np.concatenate([parts[~drop], grown])
    of_every = np.concatenate(
        [owner[~drop], owner[np.array(targets, dtype=int)][of_grown]]
    )
    fixed = _regrouped(geoms[bad], every, of_every)
    still = ~shapely.is_valid(fixed)
    if still.any():
        fixed[still] = _overlaps_merged(fixed[still])
        still[still] = ~shapely.is_valid(fixed[still])
    if still.any():
        fixed[still] = [
            _polygonal(g)
            for g in shapely.make_valid(
                fixed[still], method="structure", keep_collapsed=False
            )
        ]
    out = np.array(geoms, dtype=object)
    out[bad] = fixed
    return out


def _overlaps_merged(geoms: np.ndarray) -> np.ndarray:
    """Union the parts of each shape that overlap or share a border line.

    The rest of :func:`valid_drawings`: islets meeting more than one part or
    each other. Parts touching only at points are left apart (valid).
    """
    from scipy.sparse import coo_matrix  # rarely needed: not imported at start
    from scipy.sparse.csgraph import connected_components

    parts, owner = _nonempty_parts(geoms)
    one, two = shapely.STRtree(parts).query(parts, predicate="intersects")
    pair = (one < two) & (owner[one] == owner[two])
    one, two = one[pair], two[pair]
    touch = shapely.touches(parts[one], parts[two])
    meet = shapely.intersection(
        shapely.boundary(parts[one[touch]]), shapely.boundary(parts[two[touch]])
    )
    point = np.isin(shapely.get_type_id(meet), (0, 4))  # (Multi)Point
    joined = ~touch
    joined[np.flatnonzero(touch)[point]] = False
    _, label = connected_components(
        coo_matrix(
            (np.ones(joined.sum()), (one[joined], two[joined])),
            shape=(len(parts), len(parts)),
        ),
        directed=False,
    )
    order = np.argsort(label, kind="stable")
    _, starts = np.unique(label[order], return_index=True)
    groups = np.split(order, starts[1:])
    unions = np.array([_union(parts[g]) for g in groups], dtype=object)
    pieces, of_piece = shapely.get_parts(unions, return_index=True)
    first = np.array([g[0] for g in groups])
    return _regrouped(geoms, pieces, owner[first][of_piece])


def _islets_by_piece(
    piece: np.ndarray, islet: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield each piece with the islets that overlap it (an islet only once)."""
    if not len(islet):
        return
    islet, first = np.unique(islet, return_index=True)
    piece = piece[first]
    order = np.argsort(piece, kind="stable")
    pieces, starts = np.unique(piece[order], return_index=True)
    for target, group in zip(pieces, np.split(islet[order], starts[1:]), strict=True):
        yield int(target), group


def simplified_union(
    geoms: np.ndarray, keys: np.ndarray, tolerance: float, *, size: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Union the polygons of each key after simplifying them to ``tolerance``.

    Display geometry of a coarser level: each polygon is simplified on its
    own (:func:`simplify_each`: no island is lost), then the polygons of a
    key are unioned. Every vertex of the result lies within ``tolerance`` of
    the exact union, and every vertex of the exact union within
    ``tolerance`` of the result; seams between children that were
    simplified differently leave slivers and gaps narrower than
    ``tolerance`` (one screen pixel at the level's closest zoom); the cracks
    they leave across a union are closed (:func:`without_cracks`) and the
    holes dropped (:func:`without_slivers`).

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons, in degrees.
    keys : numpy.ndarray of str
        The group of each polygon.
    tolerance : float
        In the units of ``geoms``.
    size : int, optional
        The number of areas of the layer the levels are built from (default
        ``len(geoms)``); threads are used for layers of :data:`MIN_THREADED`
        areas or more, at every level built from them.

    Returns
    -------
    keys : numpy.ndarray
        The sorted unique keys.
    unions : numpy.ndarray of shapely geometries
        Polygonal, one per key.

    Examples
    --------
    >>> from shapely import box
    >>> geoms = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)])
    >>> keys, unions = simplified_union(geoms, np.array(["a", "a", "b"]), 0.01)
    >>> keys.tolist(), [round(u.area, 6) for u in unions]
    (['a', 'b'], [2.0, 1.0])
    """
    order = np.argsort(keys, kind="stable")
    keys, geoms = keys[order], geoms[order]
    simple = in_threads(lambda g: simplify_each(g, tolerance), geoms, size=size)
    unique, first = np.unique(keys, return_index=True)
    unions = _grouped_unions(simple, np.append(first, len(keys)), size)
    closed = without_cracks(unions, tolerance, size=size)
    return unique, valid_drawings(without_slivers(closed, tolerance), tolerance, size)
