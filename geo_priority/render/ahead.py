"""The map's display geometry, computed ahead in one background thread.

A run that writes the map spends seconds on drawings that depend only on the
prepared areas and the map settings, not on the indicators: the coarser
levels' display shapes (:func:`geo_priority.harmonise.display_levels`) and
every level's simplified, encoded outlines and label anchors
(:func:`geo_priority.render.display.display_geometry`). :class:`DisplayAhead`
starts that work in one thread as soon as the areas are prepared, while the
caller joins, scores and classifies; shapely's vectorised calls let go of the
GIL, so the two share the cores.

Data still flows one way. The object is passed explicitly (never kept in a
global): :func:`geo_priority.analysis.with_levels` takes the level shapes
from it, and :func:`geo_priority.render.spec.map_spec` the geometry of its
levels, each only for exactly the areas it was computed from, in the same
order (the same ids, geometry objects, CRS and display tolerance); for any
other areas they are computed as without it.

What the thread raises is raised again where its result is collected (the
same exception). The work issues no warning of its own; numpy's
floating-point warnings (which shapely's calls issue as ``RuntimeWarning``)
are not issued from the thread, whose ``warnings`` state is shared with the
caller's and may be caught there at that moment: a task that would issue one
is redone where it is collected, so the warning is issued there, as without
the thread.

Nor does the thread touch the process's ``warnings`` state: on Python 3.11
``warnings.catch_warnings`` saves and restores the global filters, so one
entered in the thread while the caller is inside one (the join records its
warnings so) sends the caller's warnings astray or leaves a filter behind.
pandas and geopandas enter it at every turn (a Series' dtype, a GeoSeries,
``shapely.total_bounds``), so the thread works on arrays only: the areas'
codes, CRS and tolerances are read where it is started
(:func:`~geo_priority.harmonise.display_plan`), the thread unions and draws
(:func:`~geo_priority.harmonise.display_shapes_of`,
:func:`~geo_priority.render.display.display_geometry_of`), and the level
frames are built where they are collected
(:func:`~geo_priority.harmonise.display_frames`).

What the page needs after the thread is done is made before, so that little
is left then: a level-of-detail map's rings are packed in the thread, each
view's as soon as it is drawn (:class:`_Packing`, taken with
:meth:`DisplayAhead.packed_rings`), and the caller makes the views' area data
while it waits for the levels' shapes and keeps them here
(:meth:`DisplayAhead.keep`, :func:`geo_priority.render.spec.views_ahead`).
"""

from __future__ import annotations

import contextvars
import operator
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar, cast

import geopandas as gpd
import numpy as np
import shapely

from geo_priority.geometry import (
    DISPLAY_TOLERANCE,
    LOD_AREAS,
    Draft,
    drawn,
    finest_zoom,
    in_lonlat,
    lod_tolerances,
    typical_size_of,
)
from geo_priority.harmonise import (
    DisplayPlan,
    areas_draft,
    display_frames,
    display_levels,
    display_plan,
    display_shapes_of,
)
from geo_priority.render.display import (
    DisplayGeometry,
    EncodedRings,
    display_geometry_of,
)
from geo_priority.render.packing import RingPack
from geo_priority.schema import ID, Level

__all__ = ["DisplayAhead", "display_worker", "shown_areas"]

_T = TypeVar("_T")
#: A task's result, and whether it would have issued a numpy warning.
_Watched = tuple[_T, bool]


@contextmanager
def display_worker() -> Iterator[ThreadPoolExecutor]:
    """Yield the one background thread of :class:`DisplayAhead`.

    On leaving, work not started is dropped and the caller does not wait
    for a task still running (an error elsewhere is reported at once).
    """
    pool = ThreadPoolExecutor(1, thread_name_prefix="geo-priority-display")
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def shown_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the areas the map draws: those with a non-empty geometry."""
    drawn = ~(areas.geometry.isna() | areas.geometry.is_empty)
    return areas[drawn].reset_index(drop=True)


@dataclass(frozen=True)
class _Layer:
    """What the display geometry of a layer depends on, to recognise it."""

    ids: np.ndarray
    geoms: np.ndarray
    crs: Any
    tolerance: Any

    @classmethod
    def of(cls, areas: gpd.GeoDataFrame) -> _Layer:
        return cls(
            areas[ID].to_numpy(),
            np.asarray(areas.geometry.values, dtype=object),
            areas.crs,
            areas.attrs.get(DISPLAY_TOLERANCE),
        )

    def matches(self, areas: gpd.GeoDataFrame) -> bool:
        """Whether ``areas`` are these: same ids and geometry objects, in order."""
        if ID not in areas or len(areas) != len(self.ids):
            return False
        geoms = np.asarray(areas.geometry.values, dtype=object)
        return (
            areas.attrs.get(DISPLAY_TOLERANCE) == self.tolerance
            and all(map(operator.is_, geoms, self.geoms))
            and bool(np.array_equal(areas[ID].to_numpy(), self.ids))
            and areas.crs == self.crs
        )


def _watched(func: Callable[..., _T], *args: Any) -> _Watched[_T]:
    """Return ``func(*args)`` and whether numpy would have issued a warning.

    numpy's settings (``np.errstate``) are those of the caller (the thread
    runs in a copy of its context); each that would warn is only noted.
    """
    flagged: list[str] = []
    now = np.geterr()
    with np.errstate(
        divide=_noted(now["divide"]),
        over=_noted(now["over"]),
        under=_noted(now["under"]),
        invalid=_noted(now["invalid"]),
        call=lambda kind, flag: flagged.append(kind),
    ):
        out = func(*args)
    return out, bool(flagged)


def _noted(setting: str) -> Literal["ignore", "call"]:
    """Return the numpy setting in the thread: what would warn (or raise) is noted."""
    return "ignore" if setting == "ignore" else "call"


#: Each level's display shapes and counts (``display_shapes_of``), and the
#: polygons and drawing plan (``lod_plan``) of every map level (the areas first).
_Shapes = tuple[dict[Level, tuple[np.ndarray, np.ndarray]], list[np.ndarray], list[Any]]


def _drafted(plan: DisplayPlan | None) -> Draft | None:
    """Return the areas' drawing the first level is built from, or None.

    :func:`geo_priority.harmonise.areas_draft` of the plan, made before the
    unions and the areas' own drawing (:func:`_early_view`), which both
    take it.
    """
    return areas_draft(plan) if plan is not None else None


def _usable(draft: Future[_Watched[Draft | None]] | None) -> Draft | None:
    """Return the draft made ahead, or None when there is none or it would warn.

    A draft that would have issued a numpy warning is not used: the work
    that takes it makes its own, so that the warning is issued (or not) as
    without the thread. Its error is raised here.
    """
    if draft is None:
        return None
    made, flagged = draft.result()
    return None if flagged else made


def _shapes_and_plan(
    plan: DisplayPlan | None,
    geoms: np.ndarray,
    levels: tuple[Level, ...],
    draft: Future[_Watched[Draft | None]] | None = None,
    drawings: _LevelDrawings | None = None,
) -> _Shapes:
    """Return the display shapes of ``levels`` and every level's drawing plan.

    ``geoms``: the areas' polygons in EPSG:4326. The plan is
    :func:`geo_priority.render.display.lod_plan` of the areas and their
    levels, computed from the same bounds (``typical_size``) on the arrays.
    ``draft``: the areas' drawing made ahead (:func:`_drafted`);
    ``drawings``: each level's drawing is started there once it is made.
    """
    done = drawings.level_done if drawings is not None else None
    draft_made = _usable(draft)
    shapes = display_shapes_of(plan, draft_made, done) if plan is not None else {}
    layers = [geoms, *(shapes[level][0] for level in levels)]
    if len(layers) < 2 or len(geoms) <= LOD_AREAS:
        return shapes, layers, [None] * len(layers)
    sizes = [typical_size_of(shapely.bounds(layer)) for layer in layers]
    return shapes, layers, list(lod_tolerances(sizes))


def _finest_zoom(geoms: np.ndarray, levels: int) -> tuple[float, float] | None:
    """Return the areas' zoom and tolerance, as planned if they are the finest.

    :func:`_shapes_and_plan` plans them so when no coarser level's typical
    area is smaller than theirs: the areas' entry of ``lod_tolerances``
    depends on the coarser levels only through the zooms that start after
    the areas' own (none in practice), so their drawing can be made before
    the coarser levels are unioned. None when the map has no level of
    detail (no coarser ``levels``, or
    :data:`~geo_priority.geometry.LOD_AREAS` areas or fewer).
    """
    if not levels or len(geoms) <= LOD_AREAS:
        return None
    return finest_zoom(geoms)


#: The areas' drawing made beside the unions (``_early_view``): the zoom and
#: tolerance it was made for, the drawing and its rings packed; None when
#: not made.
_Early = tuple[tuple[float, float], DisplayGeometry, RingPack] | None


def _early_view(
    geoms: np.ndarray,
    levels: int,
    simplified: bool,
    draft: Future[_Watched[Draft | None]] | None = None,
) -> _Early:
    """Return the areas' display geometry for :func:`_finest_zoom`, or None.

    What :func:`_view` makes of the areas (level 0) when the plan gives
    them that zoom, and its rings packed as the page's first level
    (:class:`_Packing`); it runs in a thread of its own while the coarser
    levels are unioned (:func:`_first_view` checks the zoom). ``draft``:
    the areas' drawing made ahead (:func:`_drafted`), taken when made for
    that zoom's tolerance.
    """
    zoom = _finest_zoom(geoms, levels)
    if zoom is None:
        return None
    made = _usable(draft)
    if made is not None and made.tolerance != zoom[1]:
        made = None
    _yielding()
    shown = geoms[drawn(geoms)]
    geometry = display_geometry_of(
        shown, tolerance=zoom[1], simplified=simplified, draft=made
    )
    pack = RingPack()
    pack.add(geometry.encoded)
    return zoom, geometry, pack


class _LevelDrawings:
    """The coarser levels' drawings, each started once its level is unioned.

    A level-of-detail map's level is drawn at the tolerance of its zoom,
    which depends on the typical sizes of the levels whose zooms start
    after its own: the finer ones, known once it is unioned (and, in
    principle, a coarser level of smaller areas). Each level is drawn in a
    thread of its own as soon as its shapes are made, at the zoom planned
    from the levels made so far, while the next level is unioned;
    :func:`_view` takes that drawing only when the final plan gives the
    same tolerance for the same polygons, else draws the level itself (the
    same bytes either way).
    """

    def __init__(
        self, geoms: np.ndarray, levels: tuple[Level, ...], simplified: list[bool]
    ) -> None:
        self._levels = levels
        self._simplified = simplified
        self._sizes = {0: typical_size_of(shapely.bounds(geoms))}
        self._made: dict[int, tuple[np.ndarray, float, Future[Any]]] = {}
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="geo-priority-levels")

    def level_done(self, level: Level, geoms: np.ndarray) -> None:
        """Start drawing ``level``, whose polygons are ``geoms`` (in the worker)."""
        index = self._levels.index(level) + 1
        self._sizes[index] = typical_size_of(shapely.bounds(geoms))
        known = sorted(self._sizes)
        zoom = lod_tolerances([self._sizes[i] for i in known])[known.index(index)]
        draw = partial(
            display_geometry_of,
            geoms[drawn(geoms)],
            tolerance=zoom[1],
            simplified=self._simplified[index],
        )
        context = contextvars.copy_context()  # language, numpy settings
        made = self._pool.submit(context.run, _watched, draw)
        self._made[index] = (geoms, zoom[1], made)
        if len(self._made) == len(self._levels):
            self._pool.shutdown(wait=False)  # its thread ends with the drawings

    def take(
        self, index: int, layer: np.ndarray, tolerance: float
    ) -> DisplayGeometry | None:
        """Return level ``index``'s drawing if made of ``layer`` at ``tolerance``.

        None when it was not made so, failed or would have issued a numpy
        warning (the caller draws it then, raising or issuing it there).
        """
        geoms, made_at, made = self._made.pop(index, (None, None, None))
        if made is None or geoms is not layer or made_at != tolerance:
            return None
        try:
            drawing, flagged = made.result()
        except Exception:  # drawn again by the caller, which raises it
            return None
        return None if flagged else cast(DisplayGeometry, drawing)


class _Packing:
    """The rings of a level-of-detail map's views, packed as they are drawn.

    :func:`~geo_priority.render.packing.pack_views` packs every view's
    rings in view order into one gzip stream; the thread adds each view's
    as soon as it is drawn, in any order, and each is compressed once the
    views before it are (the coarser levels are drawn before the areas'
    drawing made beside is taken), so that the caller only takes the text
    (:attr:`packed`, set once every view is added).
    """

    def __init__(self, views: int) -> None:
        self._views = views
        self._added = 0
        self._pack: RingPack | None = None
        self._waiting: dict[int, EncodedRings] = {}  # drawn before their turn
        self.packed: str | None = None

    def add(
        self, index: int, rings: EncodedRings, pack: RingPack | None = None
    ) -> None:
        """Add view ``index``'s ``rings`` (``pack``: view 0 packed already)."""
        if index == 0:
            self._pack = pack if pack is not None else RingPack()
            if pack is None:
                self._pack.add(rings)
            self._added = 1
        else:
            self._waiting[index] = rings
        while self._pack is not None and self._added in self._waiting:
            self._pack.add(self._waiting.pop(self._added))
            self._added += 1
        if self._pack is not None and self._added == self._views:
            self.packed, self._pack = self._pack.finish(), None


def _yielding() -> None:
    """Let this thread (and those it starts) run only in the cores' idle time.

    The areas' drawing is needed last, after the coarser levels that the
    caller waits for sooner: on Linux its thread gets the lowest priority
    (threads started from it inherit it); elsewhere nothing changes (a
    thread id is a process id only on Linux, where the nice value is each
    thread's own).
    """
    if sys.platform.startswith("linux") and hasattr(os, "setpriority"):
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def _first_view(
    planned: Future[_Watched[_Shapes]],
    early: Future[_Watched[_Early]],
    simplified: list[bool],
    packing: _Packing,
) -> _Watched[DisplayGeometry]:
    """Return the areas' display geometry (level 0) and whether it would warn.

    The drawing made ahead (:func:`_early_view`) when the plan gives the
    areas the zoom and tolerance it was made for, else :func:`_view`'s
    (the same bytes either way).
    """
    zooms = planned.result()[0][2]
    made, flagged = early.result()
    if made is not None and made[0] == zooms[0]:
        packing.add(0, made[1].encoded, made[2])
        return made[1], flagged
    return _watched(_view, planned, simplified, packing, 0)


def _view(
    planned: Future[_Watched[_Shapes]],
    simplified: list[bool],
    packing: _Packing,
    index: int,
    drawings: _LevelDrawings | None = None,
) -> DisplayGeometry:
    """Return the display geometry of map level ``index`` (0: the areas).

    What :func:`geo_priority.render.spec.map_spec` draws of the level
    (``display_geometry`` of its ``shown_areas``); the nested rings of a map
    drawn without level of detail are made here too, a level-of-detail
    map's rings are packed (``packing``). ``drawings``: the level drawn as
    soon as it was unioned, taken when drawn at the planned tolerance.
    """
    _, layers, zooms = planned.result()[0]
    layer, zoom = layers[index], zooms[index]
    geometry = None
    if drawings is not None and zoom is not None:
        geometry = drawings.take(index, layer, zoom[1])
    if geometry is None:
        geometry = display_geometry_of(
            layer[drawn(layer)],
            tolerance=zoom[1] if zoom else None,
            simplified=simplified[index],
        )
    if zoom is None:
        geometry.rings  # noqa: B018 - the cached nested lists, made here
    else:
        packing.add(index, geometry.encoded)
    return geometry


class DisplayAhead:
    """The map's display geometry, computed ahead in a background thread.

    Started by :meth:`start` on prepared areas; hands out the coarser
    levels' display shapes (:meth:`level_shapes`) and each level's
    :class:`~geo_priority.render.display.DisplayGeometry` (:meth:`views`),
    waiting for them as needed, only for the same areas.
    """

    def __init__(
        self,
        areas: gpd.GeoDataFrame,
        levels: tuple[Level, ...],
        frames: DisplayPlan | None,
        plan: Future[_Watched[_Shapes]],
        views: list[Future[_Watched[DisplayGeometry]]],
        early: Future[Any] | None = None,
        packing: _Packing | None = None,
    ) -> None:
        self._areas = _Layer.of(areas)
        self._levels = levels
        self._frames = frames  # what the level frames are built from
        self._plan = plan
        self._early = early  # the areas' drawing made beside the unions
        # a view's future is let go once taken: the page packs its rings and
        # lets go of them (render.packing.pack_views)
        self._views: list[Future[_Watched[DisplayGeometry]] | None] = list(views)
        self._shapes: list[_Layer] | None = None
        self._packing = packing  # the views' rings, packed as they are drawn
        self._taken = [False] * len(views)  # the view's geometry was used
        self._kept: object = None  # what the page made while waiting (keep)

    @classmethod
    def start(
        cls,
        worker: ThreadPoolExecutor,
        areas: gpd.GeoDataFrame,
        levels: Sequence[Level],
    ) -> DisplayAhead:
        """Start the display geometry of ``areas`` and their coarser ``levels``.

        Parameters
        ----------
        worker : ThreadPoolExecutor
            One thread (:func:`display_worker`); its tasks run in order.
        areas : geopandas.GeoDataFrame
            Prepared areas (:func:`geo_priority.joining.prepare_areas`).
        levels : sequence of str
            ``outputs.map_levels``: drawn for display only
            (:func:`geo_priority.harmonise.display_levels`).
        """
        levels = tuple(levels)
        # the frames are read here; the thread gets arrays of its own
        try:
            frames = display_plan(areas, levels) if levels else None
        except Exception as error:  # raised where collected, as the thread's
            failed: Future[Any] = Future()
            failed.set_exception(error)
            return cls(areas, levels, None, failed, [failed] * (1 + len(levels)))
        geoms = (
            frames.geoms
            if frames is not None
            else np.asarray(in_lonlat(areas.geometry).array, dtype=object)
        )
        simplified = [
            bool(areas.attrs.get(DISPLAY_TOLERANCE)),
            *(bool(frames.tolerances[level]) for level in levels if frames),
        ]

        def submit(func: Callable[..., _T], *args: Any) -> Future[_Watched[_T]]:
            context = contextvars.copy_context()  # language, numpy settings
            return worker.submit(context.run, _watched, func, *args)

        # the areas' drawing the first level is built from, made first
        draft = submit(_drafted, frames) if frames and frames.draft else None
        # a level-of-detail map's levels are drawn as soon as each is unioned
        drawings = None
        if frames is not None and len(geoms) > LOD_AREAS:
            drawings = _LevelDrawings(geoms, levels, simplified)
        plan = submit(_shapes_and_plan, frames, geoms, levels, draft, drawings)
        packing = _Packing(1 + len(levels))
        # the areas' drawing does not wait for the unions (_early_view): it
        # takes a thread of its own, let go of once its one task is done
        beside = ThreadPoolExecutor(1, thread_name_prefix="geo-priority-display")
        context = contextvars.copy_context()
        early = beside.submit(
            context.run,
            _watched,
            _early_view,
            geoms,
            len(levels),
            simplified[0],
            draft,
        )
        beside.shutdown(wait=False)
        # the coarser levels are drawn first: the areas' drawing beside may
        # not be done when the unions are
        later = [
            submit(_view, plan, simplified, packing, i, drawings)
            for i in range(1, 1 + len(levels))
        ]
        first = worker.submit(
            contextvars.copy_context().run,
            _first_view,
            plan,
            early,
            simplified,
            packing,
        )
        return cls(areas, levels, frames, plan, [first, *later], early, packing)

    def cancel(self) -> None:
        """Drop the work not started (its results will not be used)."""
        futures: list[Future[Any] | None] = [self._plan, self._early, *self._views]
        for future in futures:
            if future is not None:
                future.cancel()

    def level_shapes(
        self, areas: gpd.GeoDataFrame, levels: Sequence[Level]
    ) -> list[gpd.GeoDataFrame] | None:
        """Return the display shapes of ``levels`` dissolved from ``areas``.

        As :func:`geo_priority.harmonise.display_levels` returns them. None
        when they were computed for other areas or levels (then nothing
        more of this object is used).
        """
        if tuple(levels) != self._levels or not self._areas.matches(areas):
            self.cancel()
            return None
        (shapes, _, _), flagged = self._plan.result()
        if flagged:  # redone here, to issue numpy's warnings as without the thread
            self.cancel()
            return display_levels(areas, levels) if levels else []
        frames = display_frames(self._frames, shapes) if self._frames else []
        self._shapes = [_Layer.of(f) for f in frames]
        return frames

    def level_outlines(
        self, areas: gpd.GeoDataFrame, levels: Sequence[Level]
    ) -> list[gpd.GeoDataFrame] | None:
        """Return the frames of :meth:`level_shapes` with missing polygons, now.

        The same areas (codes, names, parents, counts), order and attrs,
        read from what was prepared where the work was started, without
        waiting for the thread. None when the work is for other areas or
        levels, or has no levels.
        """
        if not levels or tuple(levels) != self._levels or self._frames is None:
            return None
        if not self._areas.matches(areas):
            return None
        plan = self._frames
        counts = np.ones(len(plan.geoms), dtype="int64")
        missing = {}
        for level, (kept, _, of_finer) in plan.hierarchy.items():  # finest first
            counts = np.bincount(of_finer, weights=counts).astype("int64")
            missing[level] = (np.full(len(kept), None, dtype=object), counts)
        return display_frames(plan, missing)

    def views(
        self, layers: Sequence[gpd.GeoDataFrame]
    ) -> list[Callable[[], DisplayGeometry | None]] | None:
        """Return, per map level, a call that waits for its display geometry.

        ``layers`` are the areas of the map's levels, the first level first.
        None unless they are the areas and level shapes this object made
        (:meth:`level_shapes` taken); a call returns None when its work
        would have issued a numpy warning (compute it then as usual).
        """
        known = [self._areas, *(self._shapes or [])]
        if (self._shapes is None and self._levels) or len(layers) != len(known):
            self.cancel()
            return None
        if not all(k.matches(a) for k, a in zip(known, layers, strict=True)):
            self.cancel()
            return None
        return [partial(self._take, i) for i in range(len(self._views))]

    def _take(self, index: int) -> DisplayGeometry | None:
        """Wait for the geometry of level ``index`` and let go of it here.

        None when it was taken before or would have issued a numpy warning.
        """
        future, self._views[index] = self._views[index], None
        if future is None:
            return None
        geometry, flagged = future.result()
        self._taken[index] = not flagged
        return None if flagged else geometry

    def keep(self, made: object) -> None:
        """Keep what the page made of these areas while the thread draws.

        :func:`geo_priority.render.spec.views_ahead`: the views' area data,
        which :func:`~geo_priority.render.spec.map_spec` takes (:meth:`kept`)
        and uses only for exactly the views it was made of.
        """
        self._kept = made

    def kept(self) -> object:
        """Return what :meth:`keep` kept (None if nothing), and let go of it."""
        made, self._kept = self._kept, None
        return made

    def packed_rings(self) -> str | None:
        """Return the views' rings as :func:`~.packing.pack_views` packs them.

        Its ``packed`` field of every view's geometry, in view order, packed
        in the thread as each was drawn; None unless every view's geometry
        was taken from here (:meth:`views`) and the map is drawn by level of
        detail.
        """
        if self._packing is None or not all(self._taken):
            return None
        return self._packing.packed
