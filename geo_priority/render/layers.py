"""The map's switchable layers and their colours.

:func:`map_layers` returns what each layer of a view shows: the priority
classes, one layer per indicator (pooled classes for a series over several
years), the change from the first to the last year and the robustness,
official-selection, cluster and progress layers an analysis adds, each with
its classes, legend labels and colour ramp (:func:`class_colours`). Used by
:mod:`geo_priority.render.spec` (the page's data) and the static figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import branca.colormap as cm
import geopandas as gpd
import pandas as pd

from geo_priority.classify import Classification
from geo_priority.classify_layers import classify_change, classify_indicator
from geo_priority.config import IndicatorConfig
from geo_priority.formatting import indicator_decimals
from geo_priority.indicators import SUPPRESSED_SUFFIX
from geo_priority.render._analytics_layers import analytics_layers
from geo_priority.render._robustness_layers import extra_layers
from geo_priority.render.i18n import text
from geo_priority.render.legend_labels import (
    change_labels,
    published,
    score_labels,
    value_labels,
)
from geo_priority.schema import CLASS

__all__ = [
    "NO_DATA_COLOUR",
    "OUTLINE_COLOUR",
    "SUPPRESSED_COLOUR",
    "MapLayer",
    "class_colours",
    "indicator_label",
    "map_layers",
    "suppressed_flags",
]

NO_DATA_COLOUR = "#c8c8c8"
#: Colour of small cells hidden by disclosure control (never drawn as 0): a green
#: no class ramp (YlOrRd, PuBu, RdBu change) and no no-data grey comes near
#: (CIEDE2000 >= 30), so it reads apart from the pale classes on a projector.
SUPPRESSED_COLOUR = "#33a02c"
OUTLINE_COLOUR = "#5a5a5a"


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
        hidden = suppressed_flags(areas, ind.key)
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
        suppressed_flags(areas, i.key)
        for i in indicators
        if i.score and i.weight > 0 and i.key in areas
    ]
    flags = [f for f in flags if f is not None]
    if not flags:
        return None
    any_hidden = pd.concat(flags, axis=1).any(axis=1)
    return any_hidden & areas[CLASS].isna()


def suppressed_flags(areas: gpd.GeoDataFrame, key: str) -> pd.Series | None:
    """Return the small-cell suppression flags of ``key``, if the data has them."""
    flag = f"{key}{SUPPRESSED_SUFFIX}"
    return areas[flag].fillna(False).astype(bool) if flag in areas else None
