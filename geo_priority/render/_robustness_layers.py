"""What the map shows of rank robustness and the official selection.

Two switchable layers, each with a legend in words: the chance of being in
class 1 (``p_class1``, a sequential purple ramp in four bands) and the
official rate-and-number selection (``official_priority``); and, per area,
the values the page's tooltip and ranked table draw: the median rank, the
5th-95th percentile interval and its sentence ("Peringkat median 3 (rentang
2–5 dalam 90% skenario); peluang masuk kelas 1: 62%").
"""

from __future__ import annotations

from typing import Any, NamedTuple

import branca.colormap as cm
import geopandas as gpd
import pandas as pd

from geo_priority.classify import Classification
from geo_priority.classify_layers import categorical_classification
from geo_priority.formatting import format_fixed
from geo_priority.official_rule import OFFICIAL_PRIORITY
from geo_priority.render.i18n import text
from geo_priority.robustness import P_CLASS1, RANK_HIGH, RANK_LOW, RANK_MEDIAN

__all__ = [
    "P_CLASS1_BOUNDS",
    "ExtraLayer",
    "area_robustness",
    "chance_text",
    "extra_layers",
    "has_robustness",
]

#: Lower bounds of the bands of ``p_class1``, band 1 (surest) first.
P_CLASS1_BOUNDS = (0.9, 0.5, 0.1, 0.0)
#: Colours of the official selection: selected, not selected.
OFFICIAL_COLOURS = ("#01665e", "#e8eef0")


class ExtraLayer(NamedTuple):
    """A layer for :class:`geo_priority.render.spec.MapLayer`, with its texts.

    ``shown`` is the value each area's tooltip shows on the layer's row.
    """

    label: str
    title: str
    classification: Classification
    colours: tuple[str, ...]
    note: str
    shown: list[str]


def has_robustness(areas: pd.DataFrame) -> bool:
    """Return whether ``areas`` carry the rank-robustness columns."""
    return all(c in areas.columns for c in (RANK_MEDIAN, RANK_LOW, RANK_HIGH, P_CLASS1))


def chance_text(p: float, lang: str) -> str:
    """Return a chance (0-1) as a whole percent that never overstates.

    Examples
    --------
    >>> chance_text(0.6234, "id"), chance_text(0.996, "id"), chance_text(0.001, "en")
    ('62%', '> 99%', '< 1%')
    >>> chance_text(1.0, "id"), chance_text(0.0, "id")
    ('100%', '0%')
    """
    whole = round(p * 100)
    if whole == 100 and p < 1:
        return "> 99%"
    if whole == 0 and p > 0:
        return "< 1%"
    return f"{format_fixed(float(whole), lang=lang, decimals=0)}%"


def _p_band(p: float) -> int | None:
    if pd.isna(p):
        return None
    for band, low in enumerate(P_CLASS1_BOUNDS, start=1):
        if p >= low:
            return band
    return len(P_CLASS1_BOUNDS)  # pragma: no cover - 0.0 catches every p >= 0


def _purples(k: int) -> tuple[str, ...]:
    ramp: cm.LinearColormap = cm.linear.Purples_09  # type: ignore[attr-defined]
    stops = [0.12 + 0.83 * i / (k - 1) for i in range(k)]
    colours = [ramp.rgb_hex_str(ramp.vmin + (ramp.vmax - ramp.vmin) * t) for t in stops]
    return tuple(colours[::-1])


def _chance_layer(areas: gpd.GeoDataFrame, lang: str) -> ExtraLayer:
    chances = pd.to_numeric(areas[P_CLASS1], errors="coerce")
    classes = pd.Series([_p_band(p) for p in chances], index=areas.index, dtype="Int8")
    labels = tuple(text("p_class1_classes", lang).split("|"))
    shown = [
        text("no_data", lang) if pd.isna(p) else chance_text(float(p), lang)
        for p in chances
    ]
    return ExtraLayer(
        text("p_class1_layer", lang),
        text("p_class1_title", lang),
        categorical_classification(classes, labels, "p_class1"),
        _purples(len(labels)),
        text("p_class1_note", lang),
        shown,
    )


def _official_layer(areas: gpd.GeoDataFrame, lang: str) -> ExtraLayer:
    flags = areas[OFFICIAL_PRIORITY].astype("boolean")
    classes = flags.map(lambda v: 1 if v else 2, na_action="ignore").astype("Int8")
    labels = (text("official_yes", lang), text("official_no", lang))
    shown = [
        text("no_data", lang) if pd.isna(c) else labels[int(c) - 1] for c in classes
    ]
    return ExtraLayer(
        text("official_layer", lang),
        text("official_title", lang),
        categorical_classification(classes, labels, "official"),
        OFFICIAL_COLOURS,
        text("official_note", lang),
        shown,
    )


def extra_layers(areas: gpd.GeoDataFrame, lang: str) -> list[ExtraLayer]:
    """Return the chance-of-class-1 and official-selection layers, when present.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The view's areas; layers only for the columns they have.
    lang : {"id", "en"}

    Returns
    -------
    list of ExtraLayer
    """
    layers = []
    if has_robustness(areas):
        layers.append(_chance_layer(areas, lang))
    if OFFICIAL_PRIORITY in areas.columns:
        layers.append(_official_layer(areas, lang))
    return layers


def _line(median: int, low: int, high: int, p: float, lang: str) -> str:
    key = "robust_line_fixed" if low == high else "robust_line"
    return text(key, lang).format(
        median=median, low=low, high=high, chance=chance_text(p, lang)
    )


def area_robustness(areas: gpd.GeoDataFrame, lang: str) -> list[dict[str, Any] | None]:
    """Return per area the rank interval and its sentence, or None.

    Each entry has ``m`` (median rank), ``lo``/``hi`` (5th/95th percentile
    rank), ``p`` (chance of class 1, 0-1, three decimals), ``line`` (the
    tooltip's sentence) and ``o`` (True when the official rule selects it,
    absent without the column). None for an area without a score.
    """
    if OFFICIAL_PRIORITY not in areas.columns and not has_robustness(areas):
        return [None] * len(areas)  # nothing to say (no per-area check needed)
    official = (
        areas[OFFICIAL_PRIORITY].astype("boolean").to_list()
        if OFFICIAL_PRIORITY in areas.columns
        else [None] * len(areas)
    )
    if not has_robustness(areas):
        return [None if pd.isna(o) else {"o": bool(o)} for o in official]
    out: list[dict[str, Any] | None] = []
    rows = zip(
        areas[RANK_MEDIAN].to_list(),
        areas[RANK_LOW].to_list(),
        areas[RANK_HIGH].to_list(),
        pd.to_numeric(areas[P_CLASS1], errors="coerce").to_list(),
        official,
        strict=True,
    )
    for median, low, high, p, chosen in rows:
        entry: dict[str, Any] = {} if pd.isna(chosen) else {"o": bool(chosen)}
        if not (pd.isna(median) or pd.isna(low) or pd.isna(high) or pd.isna(p)):
            m, lo, hi = int(median), int(low), int(high)
            entry.update(
                m=m, lo=lo, hi=hi, p=round(float(p), 3), line=_line(m, lo, hi, p, lang)
            )
        out.append(entry or None)
    return out
