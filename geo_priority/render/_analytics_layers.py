"""What the map shows of hotspots and progress to targets.

Two switchable layers, each with a legend in words: "Klaster (LISA)" coloured
from the hotspot legend (tinggi-tinggi, rendah-rendah, ...) and "Kemajuan
menuju target" (sesuai jalur / berisiko / tidak sesuai jalur). The legend
rows hold the short class names (they fit the legend box on one line); the
legend's note says what they mean in plain words. Each layer adds
its tooltip row (the area's cluster or status). The legends come with the
areas (``areas.attrs``, set by :mod:`geo_priority.analytics_stage` in the
run's language).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo_priority.analytics_stage import (
    HOTSPOT_LEGEND_ATTR,
    HOTSPOT_NOTE_ATTR,
    PROGRESS_LEGEND_ATTR,
    PROGRESS_NOTE_ATTR,
)
from geo_priority.classify_layers import categorical_classification
from geo_priority.hotspots import HOTSPOT
from geo_priority.messages import tr, use_language
from geo_priority.progress import STATUSES
from geo_priority.render._robustness_layers import ExtraLayer
from geo_priority.render.i18n import check_lang, text

__all__ = ["PROGRESS_COLOURS", "analytics_layers"]

#: Colours of on track, at risk, off track (as the progress figure draws them).
PROGRESS_COLOURS = ("#1a7837", "#b35806", "#b2182b")
_STATUS = "progress_status"
_STATUS_LABEL = "progress_label"


def _classes(values: pd.Series, order: list[str]) -> pd.Series:
    """Return the 1-based position of each value in ``order`` (NA elsewhere)."""
    position = {v: i for i, v in enumerate(order, start=1)}
    return pd.Series(
        [position.get(v) if isinstance(v, str) else None for v in values],
        index=values.index,
        dtype="Int8",
    )


def _shown(values: pd.Series, lang: str) -> list[str]:
    return [v if isinstance(v, str) else text("no_data", lang) for v in values]


def _hotspot_layer(areas: gpd.GeoDataFrame, lang: str) -> ExtraLayer:
    legend = areas.attrs[HOTSPOT_LEGEND_ATTR]
    values = areas[HOTSPOT].astype("object").where(areas[HOTSPOT].notna(), None)
    order = [str(v) for v, _, _ in legend]
    with use_language(check_lang(lang)):
        label = tr("Cluster (LISA)")
        title = tr("Clusters of similar values (local Moran's I, LISA)")
    return ExtraLayer(
        label,
        title,
        categorical_classification(_classes(values, order), tuple(order), "hotspot"),
        tuple(str(colour) for _, colour, _ in legend),
        str(areas.attrs.get(HOTSPOT_NOTE_ATTR, "")),
        _shown(values, lang),
    )


def _progress_layer(areas: gpd.GeoDataFrame, lang: str) -> ExtraLayer:
    legend = dict(areas.attrs[PROGRESS_LEGEND_ATTR])
    status = areas[_STATUS].astype("object")
    words = areas[_STATUS_LABEL].astype("object")
    with use_language(check_lang(lang)):
        label = tr("Progress to target")
        title = tr("Progress to the target (trend of the yearly series)")
    return ExtraLayer(
        label,
        title,
        categorical_classification(
            _classes(status, list(STATUSES)),
            tuple(str(legend[s]) for s in STATUSES),
            "progress",
        ),
        PROGRESS_COLOURS,
        str(areas.attrs.get(PROGRESS_NOTE_ATTR, "")),
        _shown(words, lang),
    )


def analytics_layers(areas: gpd.GeoDataFrame, lang: str) -> list[ExtraLayer]:
    """Return the cluster and progress layers, for the columns ``areas`` has.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The view's areas; the legends are read from their ``attrs``.
    lang : {"id", "en"}

    Returns
    -------
    list of ExtraLayer
    """
    layers = []
    if HOTSPOT in areas.columns and HOTSPOT_LEGEND_ATTR in areas.attrs:
        layers.append(_hotspot_layer(areas, lang))
    has_status = _STATUS in areas.columns and _STATUS_LABEL in areas.columns
    if has_status and PROGRESS_LEGEND_ATTR in areas.attrs:
        layers.append(_progress_layer(areas, lang))
    return layers
