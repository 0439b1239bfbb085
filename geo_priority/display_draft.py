"""The areas simplified once for the screen: their drawing and their parents'.

A map drawn by level of detail simplifies its areas (the finest level) for
their own drawing (:func:`drafted`). On a layer simplified polygon by
polygon (more than :data:`COVERAGE_VERTICES` vertices: the national desa),
that drawing is also where the first coarser level (kecamatan) is built
from (:func:`geo_priority.harmonise.display_shapes_of`): it is within a
quarter of the kecamatan's tolerance of the areas, and a quarter of their
vertices (national desa: 2.1 M instead of 8.8 M), so simplifying it again
for the kecamatan costs half as much and uniting it less. Re-exported by
:mod:`geo_priority.geometry`.

``geo-priority run`` starts that drawing as soon as the layer is decoded
(:func:`draft_ahead`), while the areas are prepared on the other core;
:func:`drafted` takes it for every polygon that is still the one drafted
(the same object: not repaired, not reprojected) at the same tolerance, and
draws the others itself. Each polygon is drafted on its own, so the result
is the same either way.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely

from geo_priority.display_scale import LOD_AREAS, lod_tolerances, typical_size_of
from geo_priority.display_shapes import in_threads, simplify_each

__all__ = [
    "COVERAGE_VERTICES",
    "Draft",
    "draft_ahead",
    "draft_tolerance",
    "drafted",
    "drafted_by_polygon",
    "drawn",
    "finest_zoom",
]

#: A layer with more vertices than this (the national desa: 8.8 M) is
#: simplified polygon by polygon at half the tolerance (seconds) instead of
#: as a coverage (shared borders kept, but about 5 us a vertex: minutes).
COVERAGE_VERTICES = 2_000_000


@dataclass(frozen=True)
class Draft:
    """Polygons simplified for the screen (:func:`drafted`).

    Attributes
    ----------
    geoms : numpy.ndarray
        The simplified polygons, in the order of those drafted.
    coverage : bool
        True when simplified as a coverage (shared borders kept).
    tolerance : float
        The display tolerance they were drafted for (degrees).
    within : float
        Every vertex of a drafted polygon lies within this of its own.
    """

    geoms: np.ndarray
    coverage: bool
    tolerance: float
    within: float


def drafted_by_polygon(geoms: np.ndarray) -> bool:
    """Whether :func:`drafted` simplifies ``geoms`` polygon by polygon."""
    return int(shapely.get_num_coordinates(geoms).sum()) > COVERAGE_VERTICES


def drawn(geoms: np.ndarray) -> np.ndarray:
    """Return which of ``geoms`` a map draws: not missing, not empty."""
    return np.asarray(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))


def finest_zoom(geoms: np.ndarray) -> tuple[float, float]:
    """Return the zoom and tolerance a level-of-detail map draws ``geoms`` at.

    Their entry of :func:`~geo_priority.display_scale.lod_tolerances`, from
    their typical size alone (as the finest level: a coarser level's zoom
    starts before theirs). Only for a map drawn by level of detail (more
    than :data:`~geo_priority.display_scale.LOD_AREAS` areas), which the
    caller checks.
    """
    return lod_tolerances([typical_size_of(shapely.bounds(geoms))])[0]


def draft_tolerance(geoms: np.ndarray) -> float | None:
    """Return the tolerance a level-of-detail map draws ``geoms`` at, if one by one.

    :func:`finest_zoom`'s tolerance when they are drawn by level of detail
    (more than :data:`~geo_priority.display_scale.LOD_AREAS` areas) and
    drafted polygon by polygon (:func:`drafted_by_polygon`); else None.
    """
    if len(geoms) <= LOD_AREAS or not drafted_by_polygon(geoms):
        return None
    return finest_zoom(geoms)[1]


def drafted(geoms: np.ndarray, tolerance: float) -> Draft:
    """Simplify polygons for drawing at ``tolerance``: as a coverage, or one by one.

    A layer of at most :data:`COVERAGE_VERTICES` vertices is simplified as
    a coverage (``shapely.coverage_simplify``: neighbours keep one shared
    border; each polygon on its own, keeping its topology, when GEOS refuses
    the coverage). A larger one is simplified polygon by polygon at half the
    tolerance (:func:`~geo_priority.display_shapes.simplify_each`: seams of
    at most half a pixel where the layer is first drawn in detail), taking
    what :func:`draft_ahead` drew of the same polygons.

    Examples
    --------
    >>> from shapely import box
    >>> draft = drafted(np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]), 0.01)
    >>> draft.coverage, draft.within, [g.area for g in draft.geoms]
    (True, 0.01, [1.0, 1.0])
    """
    if drafted_by_polygon(geoms):
        return Draft(
            _by_polygon_taken(geoms, tolerance), False, tolerance, tolerance / 2
        )
    try:
        simple = shapely.coverage_simplify(geoms, tolerance)
        return Draft(simple, True, tolerance, tolerance)
    except shapely.errors.GEOSException:
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
        return Draft(simple, False, tolerance, tolerance)


def _by_polygon(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Draft ``geoms`` one by one: :func:`simplify_each` at half ``tolerance``."""
    half = tolerance / 2
    return in_threads(lambda g: simplify_each(g, half), geoms)


@dataclass(frozen=True)
class _Ahead:
    """A drafting started by :func:`draft_ahead`: its polygons, tolerance, result."""

    geoms: np.ndarray
    tolerance: float
    drafts: Future[np.ndarray | None]


#: The drafting started ahead, until :func:`drafted` takes it (one at a time).
_AHEAD: list[_Ahead] = []
_AHEAD_LOCK = threading.Lock()


def draft_ahead(geoms: np.ndarray) -> None:
    """Start drafting ``geoms`` polygon by polygon in a thread, for :func:`drafted`.

    Only a layer that a level-of-detail map drafts one by one
    (:func:`draft_tolerance`), at that tolerance. A drafting that would
    issue a numpy warning is dropped (:func:`drafted` then drafts those
    polygons itself, and the warning is issued there).
    """
    tolerance = draft_tolerance(geoms)
    if tolerance is None:
        return
    pool = ThreadPoolExecutor(1, thread_name_prefix="geo-priority-draft")
    drafts = pool.submit(_quietly, geoms, tolerance)
    pool.shutdown(wait=False)  # the thread ends with the drafting
    with _AHEAD_LOCK:
        _AHEAD[:] = [_Ahead(geoms, tolerance, drafts)]


def _quietly(geoms: np.ndarray, tolerance: float) -> np.ndarray | None:
    """Return :func:`_by_polygon`, or None if numpy would have warned (or raised)."""
    flagged: list[str] = []
    with np.errstate(all="call", call=lambda kind, flag: flagged.append(kind)):
        out = _by_polygon(geoms, tolerance)
    return None if flagged else out


def _by_polygon_taken(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Return :func:`_by_polygon` of ``geoms``, taken from the drafting ahead if it can.

    A polygon's drafting ahead is taken when it is the same object, drafted
    at the same tolerance; the others are drafted now.
    """
    with _AHEAD_LOCK:
        ahead = _AHEAD.pop() if _AHEAD else None
    made = None
    if ahead is not None and ahead.tolerance == tolerance:
        try:
            made = ahead.drafts.result()
        except Exception:  # drafted here again, which raises what it raises
            made = None
    if made is None or ahead is None:
        return _by_polygon(geoms, tolerance)
    where = {id(g): k for k, g in enumerate(ahead.geoms)}
    k = np.fromiter(
        (where.get(id(g), -1) for g in geoms), dtype=np.intp, count=len(geoms)
    )
    same = k >= 0
    same[same] = [
        a is g for a, g in zip(ahead.geoms[k[same]], geoms[same], strict=True)
    ]
    out = np.empty(len(geoms), dtype=object)
    out[same] = made[k[same]]
    if not same.all():
        out[~same] = _by_polygon(geoms[~same], tolerance)
    return out
