"""A view's area data: each area's shown values, classes and names.

:func:`property_parts` turns scored areas and their layers
(:func:`~geo_priority.render.layers.map_layers`) into the page's columns:
score, rank and class as shown, every indicator formatted in the chosen
language ("disembunyikan (< 10)" for a suppressed small cell, "tidak ada
data" for none), the class of each area in each layer, and the names and
places; :meth:`PropertyParts.rows` writes the rows once the label points are
known (see :mod:`~geo_priority.render.area_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority.config import IndicatorConfig
from geo_priority.formatting import SCORE_DECIMALS
from geo_priority.render._robustness_layers import area_robustness
from geo_priority.render._score_basis import basis_lines
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
from geo_priority.render.fixed_columns import fixed_texts
from geo_priority.render.i18n import (
    check_lang,
    format_changes,
    format_values,
    text,
)
from geo_priority.render.layers import MapLayer, suppressed_flags
from geo_priority.schema import CLASS, ID, NAME, PLACE, RANK, SCORE

__all__ = ["PropertyParts", "properties", "property_parts"]


def _format_column(
    areas: gpd.GeoDataFrame, ind: IndicatorConfig, lang: str, threshold: int
) -> list[str]:
    shown = format_values(
        areas[ind.key], unit=ind.unit, lang=lang, decimals=ind.decimals
    )
    return _hidden_as(shown, suppressed_flags(areas, ind.key), lang, threshold)


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


def properties(
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
    level-of-detail view (:func:`~geo_priority.render.packing.pack_views`).
    """
    parts = property_parts(areas, layers, indicators, lang, threshold)
    return parts.rows(label_points, packed=packed)


@dataclass(frozen=True)
class PropertyParts:
    """A view's area data before the label points (:func:`properties`)."""

    columns: dict[str, Sequence[Any]]
    classes: np.ndarray
    shown: Any
    extras: dict[str, Sequence[Any]]
    #: ``packed_heads`` of the rows, when made ahead (:meth:`packed`)
    heads: list[Any] | None = None

    def packed(self) -> PropertyParts:
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


def property_parts(
    areas: gpd.GeoDataFrame,
    layers: list[MapLayer],
    indicators: Sequence[IndicatorConfig],
    lang: str,
    threshold: int,
) -> PropertyParts:
    """Return what :func:`properties` writes that needs no geometry."""
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
    return PropertyParts(columns, classes, shown, extras)
