"""What the map shows, as JSON-safe data: layers, legend, tooltips, geometry.

:func:`map_spec` builds everything the page's script draws from an allow-list
of columns: codes, names, formatted numbers and classes per area, one entry
per switchable layer (the priority classes, each indicator, the change between
years) and the encoded display geometry of every administrative level. No
HTML is made here; :func:`geo_priority.render.build_map` puts the data into
the page. The layers and their colours come from
:mod:`~geo_priority.render.layers` (re-exported here), each area's shown
values from :mod:`~geo_priority.render.area_data`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np

from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.render import display as _display
from geo_priority.render._robustness_layers import has_robustness
from geo_priority.render._score_basis import basis_label
from geo_priority.render._table_filters import table_filters
from geo_priority.render.ahead import DisplayAhead, shown_areas
from geo_priority.render.area_data import PropertyParts, property_parts
from geo_priority.render.area_rows import (
    PackedRows,
)
from geo_priority.render.display import DisplayGeometry, display_geometry, lod_plan
from geo_priority.render.hatch import HATCH_COLOURS, SUPPRESSED_SWATCH
from geo_priority.render.i18n import (
    check_lang,
    text,
    ui_texts,
)
from geo_priority.render.layers import NO_DATA_COLOUR as NO_DATA_COLOUR
from geo_priority.render.layers import OUTLINE_COLOUR as OUTLINE_COLOUR
from geo_priority.render.layers import SUPPRESSED_COLOUR as SUPPRESSED_COLOUR
from geo_priority.render.layers import MapLayer as MapLayer
from geo_priority.render.layers import class_colours as class_colours
from geo_priority.render.layers import indicator_label as indicator_label
from geo_priority.render.layers import map_layers as map_layers
from geo_priority.render.packing import PropsPack, lod_fields
from geo_priority.schema import CLASS, RANK

__all__ = [
    "CANVAS_THRESHOLD",
    "LABELS_BY_DEFAULT",
    "MAX_LABELS",
    "NO_DATA_COLOUR",
    "OUTLINE_COLOUR",
    "SUPPRESSED_COLOUR",
    "MapLayer",
    "MapLevel",
    "MapText",
    "ViewsAhead",
    "class_colours",
    "indicator_label",
    "map_layers",
    "map_spec",
    "views_ahead",
]

#: Above this many areas the map draws on a canvas instead of SVG.
CANVAS_THRESHOLD = 300
#: At most this many area labels are shown at once (highest priority first).
MAX_LABELS = 60
#: Maps with at most this many areas show their names from the start.
LABELS_BY_DEFAULT = 40


@dataclass(frozen=True)
class MapText:
    """Title, subtitle, warning, sources and method note of a map.

    ``schematic`` marks a tile map (one hexagon per area, no real shapes): it
    gets no scale bar, and every area is labelled.
    """

    title: str
    subtitle: str = ""
    sources: tuple[str, ...] = ()
    method: str = ""
    warning: str = ""
    method_lines: tuple[str, ...] = ()
    indicator_lines: tuple[str, ...] = ()
    stamp: str = ""
    schematic: bool = False


def _layer_spec(layer: MapLayer) -> dict[str, Any]:
    c = layer.classification
    flags = layer.extra.get("suppressed")
    hidden = int(flags.sum()) if flags is not None else 0
    return {
        "label": layer.label,
        "title": layer.title,
        "labels": list(c.labels),
        "colours": list(layer.colours),
        "counts": list(c.counts),
        "no_data": int(c.classes.isna().sum()) - hidden,
        "suppressed": hidden,
        "note": layer.note,
    }


def _context_spec(
    context: gpd.GeoDataFrame | None, areas: gpd.GeoDataFrame
) -> dict[str, Any] | None:
    """Encode the neighbouring areas within reach of the map's extent."""
    if context is None or context.empty:
        return None
    minx, miny, maxx, maxy = areas.to_crs(4326).total_bounds
    pad = max(maxx - minx, maxy - miny) * 0.6
    near = context.to_crs(4326).cx[minx - pad : maxx + pad, miny - pad : maxy + pad]
    near = near[~(near.geometry.isna() | near.geometry.is_empty)]
    if near.empty:
        return None
    geometry = display_geometry(near)
    return {"rings": geometry.rings, "scale": geometry.scale}


@dataclass(frozen=True)
class MapLevel:
    """Another administrative level offered by the map's level switch."""

    label: str
    areas: gpd.GeoDataFrame
    classification: Classification
    indicators: tuple[IndicatorConfig, ...] = ()
    #: The map's title and subtitle while this level is shown (empty: keep
    #: the first level's).
    title: str = ""
    subtitle: str = ""


@dataclass(frozen=True)
class _ViewBefore:
    """What a view shows that needs no display geometry (:func:`_view_before`)."""

    label: str
    areas: gpd.GeoDataFrame
    layers: list[MapLayer]
    props: PropertyParts
    robust_n: int
    filters: Any
    #: the packed rows without label points, written ahead (:func:`views_ahead`)
    rows: PackedRows | None = None


def _view_before(
    label: str,
    areas: gpd.GeoDataFrame,
    classification: Classification,
    indicators: Sequence[IndicatorConfig],
    lang: str,
    threshold: int,
    packed: bool = False,
    drawn: np.ndarray | None = None,
) -> _ViewBefore:
    """Return a view's layers and area data, without its display geometry.

    ``packed``: the rows will be packed (a level-of-detail view); their
    JSON is written here as far as it goes without the label points.
    ``drawn``: the rows the map draws, when ``areas`` have no polygons yet
    (:func:`views_ahead`); by default those with a polygon (``shown_areas``).
    """
    areas = shown_areas(areas) if drawn is None else _rows(areas, drawn)
    shown = [i for i in indicators if i.key in areas]
    classes = replace(classification, classes=areas[CLASS].astype("Int8"))
    layers = map_layers(areas, classes, shown, lang=lang)
    parts = property_parts(areas, layers, shown, lang, threshold)
    return _ViewBefore(
        label,
        areas,
        layers,
        parts.packed() if packed and len(areas) else parts,
        # the rank interval bars of the table span ranks 1..robust_n
        int(areas[RANK].notna().sum()) if has_robustness(areas) else 0,
        # the provinces and kab/kota the table's filters offer
        table_filters(areas),
    )


def _view_after(
    before: _ViewBefore,
    titles: tuple[str, str],
    zoom: tuple[float, float] | None,
    ahead: Callable[[], DisplayGeometry | None] | None,
) -> dict[str, Any]:
    """Return the view :func:`map_spec` writes, from ``before`` and its geometry.

    ``titles`` is the map's (title, subtitle) while this level is shown.
    ``zoom``: (start zoom, tolerance) of a level-of-detail map's level.
    ``ahead``: waits for this level's display geometry computed ahead
    (:class:`~geo_priority.render.ahead.DisplayAhead`); None from it, or
    without it, the geometry is computed here.
    """
    areas = before.areas
    geometry = ahead() if ahead is not None else None
    if geometry is None:
        geometry = display_geometry(areas, tolerance=zoom[1] if zoom else None)
    return {
        "label": before.label,
        "min_zoom": zoom[0] if zoom else None,
        "title": titles[0],
        "subtitle": titles[1],
        "layers": [_layer_spec(layer) for layer in before.layers],
        # a level-of-detail view is written as JSON at once (pack_views)
        "props": _rows_of(before, geometry, zoom is not None),
        # a level-of-detail level is packed from the arrays (pack_views)
        "rings": geometry.encoded if zoom else geometry.rings,
        "scale": geometry.scale,
        "bounds": list(geometry.bounds),
        "labels_default": len(areas) <= LABELS_BY_DEFAULT,
        "robust_n": before.robust_n,
        "outline_weight": 0.6 if len(areas) > CANVAS_THRESHOLD else 1.2,
        "filters": before.filters,
        "display": {
            "tolerance_deg": geometry.tolerance,
            "coverage": geometry.coverage,
            "vertices": geometry.vertices,
        },
    }


def _rows_of(
    before: _ViewBefore, geometry: DisplayGeometry, packed: bool
) -> list[dict[str, Any]] | PackedRows:
    """Return the view's area data with the geometry's label points.

    The packed rows written ahead (:attr:`_ViewBefore.rows`) when the view
    is packed and the geometry has no label points (the page anchors them).
    """
    if packed and geometry.label_points is None and before.rows is not None:
        return before.rows
    return before.props.rows(geometry.label_points, packed=packed)


def _rows(areas: gpd.GeoDataFrame, drawn: np.ndarray) -> gpd.GeoDataFrame:
    """Return the ``drawn`` rows of ``areas`` as :func:`shown_areas` returns them."""
    return areas[drawn].reset_index(drop=True)


def _drawn(areas: gpd.GeoDataFrame) -> np.ndarray:
    """Return which rows of ``areas`` the map draws (those with a polygon)."""
    return np.asarray(~(areas.geometry.isna() | areas.geometry.is_empty), dtype=bool)


@dataclass(frozen=True)
class _Made:
    """One view's area data made ahead (:func:`views_ahead`), and its inputs."""

    key: tuple[Any, ...]  # label, classification, indicators, lang, threshold, packed
    areas: gpd.GeoDataFrame  # as given (a level's without polygons)
    drawn: np.ndarray  # the rows it was made of
    before: _ViewBefore | Exception
    caught: list[warnings.WarningMessage]

    def reused(self, key: tuple[Any, ...], areas: gpd.GeoDataFrame) -> bool:
        """Whether these are the view's area data for ``key`` and ``areas``.

        The same label, classification (the same object), indicators,
        language, threshold and packing; the same columns, index, values and
        attrs but the polygons; and the same rows drawn.
        """
        same_key = len(key) == len(self.key) and all(
            a is b or (not isinstance(a, Classification) and a == b)
            for a, b in zip(key, self.key, strict=True)
        )
        return (
            same_key
            and _same_values(self.areas, areas)
            and np.array_equal(_drawn(areas), self.drawn)
        )


def _same_values(made: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> bool:
    """Whether two frames hold the same values but their polygons, and attrs."""
    if made is areas:
        return True
    geometry = areas.geometry.name
    if list(made.columns) != list(areas.columns) or made.geometry.name != geometry:
        return False
    if not made.index.equals(areas.index):
        return False
    try:
        if made.attrs != areas.attrs:
            return False
    except (TypeError, ValueError):  # attrs that do not compare as a whole
        return False
    return all(made[c].equals(areas[c]) for c in made.columns if c != geometry)


@dataclass(frozen=True)
class ViewsAhead:
    """Every view's layers and area data, made before its display geometry.

    Made by :func:`views_ahead` while the display thread draws (the coarser
    levels before their polygons exist), kept with the
    :class:`~geo_priority.render.ahead.DisplayAhead` and used by
    :func:`map_spec` only for exactly the same views.
    """

    made: tuple[_Made, ...]
    #: the first view's packed rows (its ``rows``), compressed
    props: PropsPack | None = None


def views_ahead(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    /,
    *,
    indicators: Sequence[IndicatorConfig] = (),
    lang: str = "id",
    label: str = "",
    levels: Sequence[MapLevel] = (),
    threshold: int = 10,
) -> ViewsAhead:
    """Return the layers and area data of the views :func:`map_spec` would make.

    The same arguments as :func:`map_spec` (a level's titles are not used).
    A level whose areas have no polygons yet (all missing: the levels'
    outlines, :meth:`~geo_priority.render.ahead.DisplayAhead.level_outlines`)
    is taken as drawn whole; :func:`map_spec` checks that its polygons are
    all there. Each view's error is held and its warnings are recorded, to
    be raised and issued where :func:`map_spec` makes the view.
    """
    lang = check_lang(lang)
    entries = [(label, areas, classification, indicators)]
    entries += [(lv.label, lv.areas, lv.classification, lv.indicators) for lv in levels]
    packed = _lod_views([e[1] for e in entries])
    made = []
    for (lb, ar, cl, ind), pk in zip(entries, packed, strict=True):
        outline = len(ar) > 0 and bool(ar.geometry.isna().all())
        drawn = np.ones(len(ar), dtype=bool) if outline else _drawn(ar)
        key = (lb, cl, tuple(ind), lang, threshold, pk)
        with warnings.catch_warnings(record=True) as caught:
            before = _held(_view_before, lb, ar, cl, ind, lang, threshold, pk, drawn)
        made.append(_Made(key, ar, drawn, before, list(caught)))
    return _with_first_rows(ViewsAhead(tuple(made)))


def _with_first_rows(views: ViewsAhead) -> ViewsAhead:
    """Write and compress the first view's packed rows, when it has no anchors.

    A packed view of more than ``BROWSER_ANCHORS`` areas is drawn without
    label points (the page anchors them): its rows are written without
    them now and compressed as the first of the page's area data
    (:class:`~geo_priority.render.packing.PropsPack`).
    """
    first = views.made[0] if views.made else None
    if first is None or not first.key[-1] or isinstance(first.before, Exception):
        return views
    if len(first.before.areas) <= _display.BROWSER_ANCHORS:
        return views
    rows = first.before.props.rows(None, packed=True)
    if not isinstance(rows, PackedRows):  # pragma: no cover - packed=True
        return views
    # its heads are let go (16 MB nationally): rows made again, when the
    # geometry has label points after all, write them again
    props = replace(first.before.props, heads=None)
    made = replace(first, before=replace(first.before, rows=rows, props=props))
    return ViewsAhead((made, *views.made[1:]), PropsPack(rows))


def _lod_views(levels: Sequence[gpd.GeoDataFrame]) -> list[bool]:
    """Return per level whether :func:`lod_plan` will give it a zoom.

    Every level or none: when the map has coarser levels and its first
    level has more than ``LOD_AREAS`` areas (no polygon is read).
    :func:`map_spec` compares it with its plan.
    """
    lod = len(levels) >= 2 and len(levels[0]) > _display.LOD_AREAS
    return [lod] * len(levels)


_T = TypeVar("_T")


def _held(func: Callable[..., _T], *args: Any) -> _T | Exception:
    """Return ``func(*args)``, or the error it raised (see :func:`_raised`)."""
    try:
        return func(*args)
    except Exception as error:
        return error


def _raised(value: _T | Exception) -> _T:
    """Return ``value``, raising it if it is an error :func:`_held` held.

    A view's error is raised at its turn, after the geometry of the views
    before it is taken, as when each view is made whole in turn.
    """
    if isinstance(value, Exception):
        raise value
    return value


def _before(
    made: _Made | None,
    entry: tuple[Any, ...],
    lang: str,
    threshold: int,
    zoom: tuple[float, float] | None,
) -> _ViewBefore | Exception:
    """Return a view's area data, or the error making it raised (:func:`_held`).

    Those ``made`` ahead (:func:`views_ahead`), their warnings issued now,
    when they are this view's; else made now.
    """
    label, areas, classification, indicators, _ = entry
    key = (label, classification, tuple(indicators), lang, threshold, zoom is not None)
    if made is None or not made.reused(key, areas):
        return _held(
            _view_before,
            label,
            areas,
            classification,
            indicators,
            lang,
            threshold,
            zoom is not None,
        )
    for w in made.caught:
        warnings.showwarning(
            w.message, w.category, w.filename, w.lineno, w.file, w.line
        )
    if isinstance(made.before, Exception):
        return made.before
    return replace(made.before, areas=shown_areas(areas))


def map_spec(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    /,
    *,
    indicators: Sequence[IndicatorConfig] = (),
    texts: MapText,
    lang: str = "id",
    label: str = "",
    levels: Sequence[MapLevel] = (),
    threshold: int = 10,
    context: gpd.GeoDataFrame | None = None,
    display: DisplayAhead | None = None,
) -> dict[str, Any]:
    """Return everything the page shows, as JSON-safe data (no HTML).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored, classified areas (``area_id``, ``area_name``, ``priority_*``).
    classification : Classification
        The priority classes.
    indicators : sequence of IndicatorConfig
        Indicators offered as switchable layers and listed in tooltips.
    texts : MapText
    lang : {"id", "en"}
    label : str
        Name of this level in the level switch.
    levels : sequence of MapLevel
        Further administrative levels; with any, the map offers a level switch.
    threshold : int
        Small-cell suppression threshold named where a value is hidden
        (``<key>_suppressed`` columns): "disembunyikan (< 10)", never 0.
    context : geopandas.GeoDataFrame, optional
        Neighbouring areas drawn faintly for orientation (no data, no
        tooltips); only those near the areas are kept.
    display : DisplayAhead, optional
        The display geometry computed ahead (in a thread) of the prepared
        areas and their coarser levels; used only when ``areas`` and the
        ``levels``' areas are exactly those (same ids, geometry, order).

    Returns
    -------
    dict
        Only allow-listed values: codes, names, formatted numbers, classes;
        ``views`` holds one entry per level, the first being ``areas``.

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"`` (``outputs.lang``).
    """
    lang = check_lang(lang)
    first = (texts.title, texts.subtitle)
    entries = [(label, areas, classification, indicators, first)]
    entries += [
        (lv.label, lv.areas, lv.classification, lv.indicators, lv_titles)
        for lv in levels
        for lv_titles in [(lv.title or first[0], lv.subtitle or first[1])]
    ]
    plan = lod_plan([e[1] for e in entries])
    early = display.kept() if display is not None else None
    ahead = display.views([e[1] for e in entries]) if display is not None else None
    # every view's area data first, while the thread draws, then the geometry
    made = early.made if isinstance(early, ViewsAhead) else ()
    befores = [
        _before(
            made[i] if len(made) == len(entries) else None, entry, lang, threshold, zoom
        )
        for i, (entry, zoom) in enumerate(zip(entries, plan, strict=True))
    ]
    views = [
        _view_after(_raised(before), titles, zoom, ahead[i] if ahead else None)
        for i, (before, (*_, titles), zoom) in enumerate(
            zip(befores, entries, plan, strict=True)
        )
    ]
    # the rings packed in the thread as they were drawn, if all views are its
    packed = display.packed_rings() if display is not None and ahead else None
    props = early.props if isinstance(early, ViewsAhead) else None
    return {
        "lang": lang,
        **lod_fields(views, lang, packed=packed, props=props),
        "texts": ui_texts(lang),
        "views": views,
        "canvas_threshold": CANVAS_THRESHOLD,
        "max_labels": MAX_LABELS,
        # a schematic tile map has no distances to measure, and few enough
        # tiles that every one is named (labels may overlap their neighbours)
        "scale_bar": not texts.schematic,
        "labels_all": texts.schematic,
        "context": _context_spec(context, areas),
        "no_data_colour": NO_DATA_COLOUR,
        "suppressed_colour": SUPPRESSED_SWATCH,  # swatches; the map: "hatch"
        "hatch": list(HATCH_COLOURS),
        "score_basis_label": basis_label(lang),
        "suppressed_label": text("suppressed", lang).format(threshold=threshold),
        "suppressed_short": text("suppressed_short", lang),
        "outline_colour": OUTLINE_COLOUR,
        "method": {
            "lines": list(texts.method_lines),
            "indicators": list(texts.indicator_lines),
            "sources": list(texts.sources),
            "stamp": texts.stamp,
        },
    }
