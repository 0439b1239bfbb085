"""What the map shows, as JSON-safe data: layers, legend, tooltips, geometry.

:func:`map_spec` builds everything the page's script draws from an allow-list
of columns: codes, names, formatted numbers and classes per area, one entry
per switchable layer (the priority classes, each indicator, the change between
years) and the encoded display geometry of every administrative level. No
HTML is made here; :func:`geo_priority.render.build_map` puts the data into
the page.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import branca.colormap as cm
import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority.classify import Classification
from geo_priority.classify_layers import classify_change, classify_indicator
from geo_priority.config import IndicatorConfig
from geo_priority.formatting import SCORE_DECIMALS, indicator_decimals
from geo_priority.indicators import SUPPRESSED_SUFFIX
from geo_priority.render import display as _display
from geo_priority.render._analytics_layers import analytics_layers
from geo_priority.render._robustness_layers import (
    area_robustness,
    extra_layers,
    has_robustness,
)
from geo_priority.render._score_basis import basis_label, basis_lines
from geo_priority.render._table_filters import table_filters
from geo_priority.render.ahead import DisplayAhead, shown_areas
from geo_priority.render.area_rows import (
    PackedRows,
    area_ids,
    area_rows,
    optional_numbers,
    packed_heads,
    packed_rows,
    scores_shown,
    texts_or,
    whole_numbers,
)
from geo_priority.render.display import (
    DisplayGeometry,
    PropsPack,
    display_geometry,
    lod_fields,
    lod_plan,
)
from geo_priority.render.fixed_columns import fixed_texts
from geo_priority.render.hatch import HATCH_COLOURS, SUPPRESSED_SWATCH
from geo_priority.render.i18n import (
    check_lang,
    format_changes,
    format_values,
    text,
    ui_texts,
)
from geo_priority.render.legend_labels import (
    change_labels,
    published,
    score_labels,
    value_labels,
)
from geo_priority.schema import CLASS, ID, NAME, PLACE, RANK, SCORE

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

NO_DATA_COLOUR = "#c8c8c8"
#: Colour of small cells hidden by disclosure control (never drawn as 0): a green
#: no class ramp (YlOrRd, PuBu, RdBu change) and no no-data grey comes near
#: (CIEDE2000 >= 30), so it reads apart from the pale classes on a projector.
SUPPRESSED_COLOUR = "#33a02c"
OUTLINE_COLOUR = "#5a5a5a"
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


@dataclass(frozen=True)
class MapLayer:
    """One switchable choropleth variable: its classes and legend."""

    label: str
    title: str
    classification: Classification
    colours: tuple[str, ...]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


#: branca's colour ramps of the priority classes and of the indicator layers.
_PRIORITY_RAMP = "YlOrRd_09"
_INDICATOR_RAMP = "PuBu_09"


def _ramp(name: str) -> cm.LinearColormap:
    ramp: cm.LinearColormap = getattr(cm.linear, name)  # set by name at import
    return ramp


def class_colours(k: int) -> list[str]:
    """Return ``k`` colours for classes 1..k, class 1 the darkest red.

    Examples
    --------
    >>> class_colours(3)
    ['#980026', '#fd8038', '#fff1a9']
    """
    lin = _ramp(_PRIORITY_RAMP)
    stops = [0.1 + 0.85 * i / (k - 1) for i in range(k)] if k > 1 else [0.95]
    return [lin.rgb_hex_str(lin.vmin + (lin.vmax - lin.vmin) * t) for t in stops][::-1]


def _indicator_colours(k: int, higher_is_worse: bool) -> list[str]:
    lin = _ramp(_INDICATOR_RAMP)
    stops = [0.15 + 0.8 * i / (k - 1) for i in range(k)] if k > 1 else [0.8]
    colours = [lin.rgb_hex_str(lin.vmin + (lin.vmax - lin.vmin) * t) for t in stops]
    return colours[::-1] if higher_is_worse else colours


def indicator_label(ind: IndicatorConfig, lang: str) -> str:
    """Return the display label of an indicator, with its year."""
    base = ind.label_en if lang == "en" and ind.label_en else (ind.label or ind.key)
    return f"{base} {ind.year}" if ind.year else base


def _year_groups(
    indicators: Sequence[IndicatorConfig],
) -> dict[str, list[IndicatorConfig]]:
    """Group indicators that are one series in several years (same source and unit)."""
    groups: dict[str, list[IndicatorConfig]] = {}
    for ind in indicators:
        groups.setdefault(f"{ind.source}|{ind.unit}|{ind.direction}", []).append(ind)
    return {
        k: sorted(v, key=lambda i: i.year or 0)
        for k, v in groups.items()
        if len({i.year for i in v if i.year}) > 1
    }


def _shown_values(values: pd.Series, decimals: int) -> pd.Series:
    """Return ``values`` rounded as they are shown (NaN stays NaN)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    return numbers.map(lambda v: published(v, decimals), na_action="ignore")


def _change_layer(
    areas: gpd.GeoDataFrame, group: list[IndicatorConfig], lang: str
) -> MapLayer:
    """Return the layer of the change from the first to the last year.

    The change is taken between the values as shown (rounded to the
    indicator's decimals), so the tooltip's later value minus its earlier
    value is exactly the change it shows.
    """
    first, last = group[0], group[-1]
    places = indicator_decimals(first.unit, first.decimals)
    change = _shown_values(areas[last.key], places) - _shown_values(
        areas[first.key], places
    )
    c = classify_change(change, unit=first.unit, lang=lang)
    c = replace(c, labels=change_labels(c, unit=first.unit, decimals=places, lang=lang))
    colours = _change_colours(first.direction == "higher_is_worse")
    base = (
        first.label_en if lang == "en" and first.label_en else first.label or first.key
    )
    label = f"{text('change', lang)} {_lower_first(base)} {first.year}→{last.year}"
    extra = {"values": change, "unit": first.unit, "decimals": places}
    return MapLayer(label, label, c, tuple(colours), text("change_note", lang), extra)


def _lower_first(name: str) -> str:
    """Return ``name`` with a capital first letter made small, not an acronym's.

    Examples
    --------
    >>> _lower_first("Tingkat kemiskinan"), _lower_first("P0 rate")
    ('tingkat kemiskinan', 'P0 rate')
    >>> _lower_first("DTKS coverage"), _lower_first("Indeks")
    ('DTKS coverage', 'indeks')
    """
    word = name.split(" ", 1)[0]
    if word[:1].isupper() and word[1:].islower():
        return name[0].lower() + name[1:]
    return name


def _change_colours(higher_is_worse: bool) -> list[str]:
    colours = ["#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac"]
    return colours if higher_is_worse else colours[::-1]


def map_layers(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    indicators: Sequence[IndicatorConfig],
    *,
    lang: str,
) -> list[MapLayer]:
    """Return the priority layer, one layer per indicator, and change layers.

    Indicators that are the same series in several years share pooled classes
    (one colour means one range in every year), and a change layer compares
    the first and last year. With rank robustness (``p_class1``) and the
    official selection (``official_priority``) in ``areas``, a layer of each
    comes last; then the cluster (``hotspot``) and progress-to-target
    (``progress_status``) layers when the areas have them.
    """
    hidden = _unscored_by_suppression(areas, indicators)
    layers = [
        MapLayer(
            text("class", lang),
            text("legend_title", lang),
            replace(classification, labels=score_labels(classification, lang)),
            tuple(class_colours(classification.k)),
            note=text("legend_note", lang),
            extra={} if hidden is None else {"suppressed": hidden},
        )
    ]
    groups = _year_groups([i for i in indicators if i.key in areas])
    pooled = {
        i.key: pd.concat([areas[j.key] for j in g], ignore_index=True)
        for g in groups.values()
        for i in g
    }
    for ind in indicators:
        if ind.key not in areas:
            continue
        pool = pooled.get(ind.key, areas[ind.key])
        c = classify_indicator(areas[ind.key], unit=ind.unit, lang=lang, pool=pool)
        present = pd.to_numeric(pool, errors="coerce").dropna().to_numpy(dtype=float)
        shown_labels = value_labels(
            c, present, unit=ind.unit, decimals=ind.decimals, lang=lang
        )
        c = replace(c, labels=shown_labels)
        colours = _indicator_colours(c.k, ind.direction == "higher_is_worse")
        label = indicator_label(ind, lang)
        note = text("scored" if ind.score and ind.weight > 0 else "not_scored", lang)
        if ind.key in pooled:
            note = f"{note}. {text('pooled', lang)}"
        hidden = _suppressed(areas, ind.key)
        extra = {} if hidden is None else {"suppressed": hidden}
        layers.append(MapLayer(label, label, c, tuple(colours), note, extra))
    layers += [_change_layer(areas, g, lang) for g in groups.values()]
    layers += [
        MapLayer(
            x.label, x.title, x.classification, x.colours, x.note, {"shown": x.shown}
        )
        for x in (*extra_layers(areas, lang), *analytics_layers(areas, lang))
    ]
    return layers


def _unscored_by_suppression(
    areas: gpd.GeoDataFrame, indicators: Sequence[IndicatorConfig]
) -> pd.Series | None:
    """Areas without a score because a scored input is a suppressed small cell.

    They are drawn as "disembunyikan (< 10)", not as "no data": the data
    exist, the registry stage hid them.
    """
    flags = [
        _suppressed(areas, i.key)
        for i in indicators
        if i.score and i.weight > 0 and i.key in areas
    ]
    flags = [f for f in flags if f is not None]
    if not flags:
        return None
    any_hidden = pd.concat(flags, axis=1).any(axis=1)
    return any_hidden & areas[CLASS].isna()


def _suppressed(areas: gpd.GeoDataFrame, key: str) -> pd.Series | None:
    """Return the small-cell suppression flags of ``key``, if the data has them."""
    flag = f"{key}{SUPPRESSED_SUFFIX}"
    return areas[flag].fillna(False).astype(bool) if flag in areas else None


def _format_column(
    areas: gpd.GeoDataFrame, ind: IndicatorConfig, lang: str, threshold: int
) -> list[str]:
    shown = format_values(
        areas[ind.key], unit=ind.unit, lang=lang, decimals=ind.decimals
    )
    return _hidden_as(shown, _suppressed(areas, ind.key), lang, threshold)


def _hidden_as(
    shown: list[str], hidden: pd.Series | None, lang: str, threshold: int
) -> list[str]:
    """Return ``shown`` with "disembunyikan (< 10)" where ``hidden``."""
    if hidden is None:
        return shown
    label = text("suppressed", lang).format(threshold=threshold)
    flags = hidden.to_numpy(dtype=bool)
    if len(flags) != len(shown):
        raise ValueError(f"{len(flags)} suppression flags for {len(shown)} values")
    out = list(shown)
    for i in np.flatnonzero(flags).tolist():
        out[i] = label
    return out


def _display_columns(
    areas: gpd.GeoDataFrame,
    layers: list[MapLayer],
    indicators: Sequence[IndicatorConfig],
    lang: str,
    threshold: int,
) -> list[list[str]]:
    language = check_lang(lang)
    no_data = text("no_data", language)
    n_ranked = int(areas[RANK].notna().sum())
    labels = np.array(list(layers[0].classification.labels), dtype=object)
    score = areas[SCORE].to_numpy(dtype=np.float64, na_value=np.nan)
    score_texts = fixed_texts(score, lang=language, decimals=SCORE_DECIMALS)
    scores = _or_no_data(score_texts.to_pylist(), areas[SCORE].isna(), no_data)
    of_n = f" {text('of', language)} {n_ranked}"
    rank, no_rank = whole_numbers(areas[RANK])
    ranks = [f"{r}{of_n}" for r in rank.tolist()]
    ranks = _or_no_data(ranks, no_rank, no_data)
    klass, no_class = whole_numbers(areas[CLASS])
    classes = _or_no_data(list(labels[klass[~no_class] - 1]), no_class, no_data)
    hidden = layers[0].extra.get("suppressed")
    scores, ranks, classes = (
        _hidden_as(col, hidden, language, threshold) for col in (scores, ranks, classes)
    )
    columns = [scores, ranks, classes]
    columns += [_format_column(areas, i, language, threshold) for i in indicators]
    for layer in layers:
        if "shown" in layer.extra:
            columns.append(list(layer.extra["shown"]))
        if "values" in layer.extra:
            unit, places = layer.extra["unit"], layer.extra["decimals"]
            changes = layer.extra["values"]
            columns.append(
                format_changes(changes, unit=unit, lang=language, decimals=places)
            )
    return columns


def _or_no_data(
    texts: list[str], absent: pd.Series | np.ndarray, no_data: str
) -> list[str]:
    """Return ``texts`` with ``no_data`` inserted where ``absent``.

    ``texts`` holds the present cells only, or every cell (then the absent
    ones are overwritten).
    """
    flags = np.asarray(absent, dtype=bool)
    if len(texts) == len(flags):
        out = list(texts)
        for i in np.flatnonzero(flags).tolist():
            out[i] = no_data
        return out
    full = np.full(len(flags), no_data, dtype=object)
    full[~flags] = texts
    return list(full)


def _class_codes(layer: MapLayer) -> np.ndarray:
    """Class per area: 1..k, 0 for no data, -1 for a suppressed small cell."""
    codes, _ = whole_numbers(layer.classification.classes)
    hidden = layer.extra.get("suppressed")
    if hidden is None:
        return codes
    flags = hidden.to_numpy(dtype=bool)
    if len(flags) != len(codes):
        raise ValueError(f"{len(flags)} suppression flags for {len(codes)} classes")
    return np.where(flags, -1, codes)


def _properties(
    areas: gpd.GeoDataFrame,
    layers: list[MapLayer],
    indicators: Sequence[IndicatorConfig],
    label_points: list[Any] | None,
    lang: str,
    threshold: int,
    packed: bool = False,
) -> list[dict[str, Any]] | PackedRows:
    """Return the view's area data, one dict per area (see :mod:`.area_rows`).

    ``packed``: the rows written as JSON at once (:class:`PackedRows`), for a
    level-of-detail view (:func:`~geo_priority.render.display.pack_views`).
    """
    parts = _property_parts(areas, layers, indicators, lang, threshold)
    return parts.rows(label_points, packed=packed)


@dataclass(frozen=True)
class _PropertyParts:
    """A view's area data before the label points (:func:`_properties`)."""

    columns: dict[str, Sequence[Any]]
    classes: np.ndarray
    shown: Any
    extras: dict[str, Sequence[Any]]
    #: ``packed_heads`` of the rows, when made ahead (:meth:`packed`)
    heads: list[Any] | None = None

    def packed(self) -> _PropertyParts:
        """Return these parts with the JSON of the packed rows' heads written."""
        heads = packed_heads(self.columns, self.classes, self.shown)
        return replace(self, heads=heads)

    def rows(
        self, label_points: list[Any] | None, *, packed: bool = False
    ) -> list[dict[str, Any]] | PackedRows:
        """Return the rows with ``label_points`` (packed: :class:`PackedRows`)."""
        args = (self.columns, self.classes, self.shown, label_points, self.extras)
        if not packed:
            return area_rows(*args)
        return packed_rows(*args, heads=self.heads)


def _property_parts(
    areas: gpd.GeoDataFrame,
    layers: list[MapLayer],
    indicators: Sequence[IndicatorConfig],
    lang: str,
    threshold: int,
) -> _PropertyParts:
    """Return what :func:`_properties` writes that needs no geometry."""
    shown = _display_columns(areas, layers, indicators, lang, threshold)
    codes = [_class_codes(layer) for layer in layers]
    classes = np.column_stack(codes) if codes else np.zeros((len(areas), 0), int)
    ids = area_ids(areas[ID])
    places = texts_or(areas[PLACE], "") if PLACE in areas else [""] * len(ids)
    rank, no_rank = whole_numbers(areas[RANK])
    columns: dict[str, Sequence[Any]] = {
        "id": ids,
        "name": texts_or(areas[NAME], ids),
        "place": places,
        "s": scores_shown(areas[SCORE]),
        "r": optional_numbers(rank, no_rank),
    }
    extras: dict[str, Sequence[Any]] = {
        "rb": area_robustness(areas, lang),
        "sb": basis_lines(areas, indicators, lang),
    }
    return _PropertyParts(columns, classes, shown, extras)


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


def _view_spec(
    label: str,
    areas: gpd.GeoDataFrame,
    classification: Classification,
    indicators: Sequence[IndicatorConfig],
    lang: str,
    threshold: int,
    titles: tuple[str, str] = ("", ""),
    zoom: tuple[float, float] | None = None,
    ahead: Callable[[], DisplayGeometry | None] | None = None,
) -> dict[str, Any]:
    """Return one level's areas, layers and encoded geometry.

    ``titles`` is the map's (title, subtitle) while this level is shown.
    ``zoom``: (start zoom, tolerance) of a level-of-detail map's level.
    ``ahead``: waits for this level's display geometry computed ahead
    (:class:`~geo_priority.render.ahead.DisplayAhead`); None from it, or
    without it, the geometry is computed here.
    """
    before = _view_before(label, areas, classification, indicators, lang, threshold)
    return _view_after(before, titles, zoom, ahead)


@dataclass(frozen=True)
class _ViewBefore:
    """What a view shows that needs no display geometry (:func:`_view_before`)."""

    label: str
    areas: gpd.GeoDataFrame
    layers: list[MapLayer]
    props: _PropertyParts
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
    parts = _property_parts(areas, layers, shown, lang, threshold)
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
    """Return the view of :func:`_view_spec` from ``before`` and its geometry."""
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
    (:class:`~geo_priority.render.display.PropsPack`).
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
