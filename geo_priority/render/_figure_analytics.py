"""What the static figure shows besides the classes: hidden values, clusters, progress.

* Values hidden by small-cell suppression (``<key>_suppressed``) are drawn
  with a hatch no class colour can be confused with: white fill, dark grey
  (:data:`HATCH_COLOUR`) diagonal lines at 45 degrees, the design of the web
  map, and a hatched legend row "disembunyikan (< 10)".
* Areas in a significant high-high cluster (``hotspot`` = ``tinggi-tinggi``)
  are outlined together in a thick dark blue line with a white halo, with a
  legend row in words.
* The progress status of each listed area (``progress_status``) is a coloured
  symbol in its own column of the ranking list, with a key in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from geo_priority.config import IndicatorConfig
from geo_priority.formatting import format_fixed
from geo_priority.hotspots import HOTSPOT
from geo_priority.hotspots_legend import hotspot_label
from geo_priority.indicators import SUPPRESSED_SUFFIX
from geo_priority.messages import MessageLang, tr, use_language
from geo_priority.progress import AT_RISK, OFF_TRACK, ON_TRACK, STATUS_COLOURS
from geo_priority.render.i18n import text
from geo_priority.schema import CLASS

__all__ = [
    "CLUSTER_COLOUR",
    "HATCH",
    "HATCH_COLOUR",
    "STATUS_COLUMN",
    "STATUS_SYMBOLS",
    "Overlays",
    "cluster_mask",
    "draw_cluster_outline",
    "draw_suppressed",
    "overlays_of",
    "scored_suppression",
    "status_key",
    "suppressed_mask",
]

#: Lines of the suppressed hatch: dark grey on white, 45 degrees.
HATCH_COLOUR = "#4d4d4d"
#: matplotlib hatch pattern: diagonal lines rising to the right, at 45 degrees.
HATCH = "////"
#: Outline of the high-high clusters: a blue no class colour (yellow to dark
#: red) is near, drawn over a white halo so it shows on dark red too.
CLUSTER_COLOUR = "#08306b"
#: Column of :func:`geo_priority.render._figure_legend.top_areas` with the status.
STATUS_COLUMN = "status"
#: Symbol of each progress status in the ranking list.
STATUS_SYMBOLS = {ON_TRACK: "✓", AT_RISK: "!", OFF_TRACK: "✗"}


def suppressed_mask(
    areas: gpd.GeoDataFrame, given: pd.Series | None = None
) -> pd.Series:
    """Return which areas have no class because an input value is hidden.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        With ``priority_class`` and any ``<key>_suppressed`` flags.
    given : pandas.Series of bool, optional
        The flags from the caller (the scored indicators' flags), aligned
        with ``areas``; default: any ``<key>_suppressed`` flag of the areas.

    Returns
    -------
    pandas.Series of bool
        True where the area is unclassified and one of its values is hidden.
    """
    unclassed = areas[CLASS].isna()
    if given is not None:
        flags = given.reindex(areas.index).fillna(False).astype(bool)
        return flags & unclassed
    columns = [c for c in areas.columns if str(c).endswith(SUPPRESSED_SUFFIX)]
    if not columns:
        return pd.Series(False, index=areas.index)
    hidden = areas[columns].fillna(False).astype(bool).any(axis=1)
    return hidden & unclassed


def scored_suppression(
    areas: gpd.GeoDataFrame, indicators: Iterable[IndicatorConfig]
) -> pd.Series | None:
    """Return which areas have a scored input hidden by small-cell suppression.

    Only the scored indicators (``score`` true, weight above 0) count, as on
    the HTML map: a hidden value of a shown-only indicator does not leave
    the area without a score.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        With the ``<key>_suppressed`` flags of the indicators that have them.
    indicators : iterable of IndicatorConfig
        The indicators of the analysis.

    Returns
    -------
    pandas.Series of bool or None
        Aligned with ``areas``; None when no scored indicator carries flags.
    """
    flags = [
        areas[f"{i.key}{SUPPRESSED_SUFFIX}"].fillna(False).astype(bool)
        for i in indicators
        if i.score and i.weight > 0 and f"{i.key}{SUPPRESSED_SUFFIX}" in areas
    ]
    if not flags:
        return None
    return pd.concat(flags, axis=1).any(axis=1)


def cluster_mask(areas: gpd.GeoDataFrame) -> pd.Series:
    """Return which areas are in a significant high-high (LISA) cluster.

    The ``hotspot`` column holds the class in the run's language
    (``tinggi-tinggi`` or ``high-high``); both are recognised.
    """
    if HOTSPOT not in areas.columns:
        return pd.Series(False, index=areas.index)
    names = set()
    for lang in ("id", "en"):
        with use_language(lang):
            names.add(hotspot_label("HH"))
    return areas[HOTSPOT].isin(names).fillna(False).astype(bool)


def _paths(geoms: Sequence[object]) -> list[MplPath]:
    out = []
    for geom in shapely.orient_polygons(np.asarray(geoms, dtype=object)):
        rings = [
            MplPath(np.asarray(ring.coords)[:, :2], closed=True)
            for part in shapely.get_parts(geom)
            if part.geom_type == "Polygon"
            for ring in (part.exterior, *part.interiors)
        ]
        if rings:
            out.append(MplPath.make_compound_path(*rings))
    return out


def draw_suppressed(
    ax: Axes, proj: gpd.GeoDataFrame, mask: pd.Series, border: float
) -> None:
    """Hatch the areas of ``mask``: white fill, dark grey 45-degree lines."""
    if not mask.any():
        return
    hatched = PatchCollection(
        [PathPatch(p) for p in _paths(list(proj.geometry[mask]))],
        facecolor="white",
        edgecolor="white",
        linewidth=border,
        hatch=HATCH,
        zorder=2.1,
        gid="suppressed",
    )
    hatched.set_hatchcolor(HATCH_COLOUR)
    ax.add_collection(hatched)


def draw_cluster_outline(ax: Axes, proj: gpd.GeoDataFrame, mask: pd.Series) -> None:
    """Outline each high-high cluster (its areas dissolved) in one thick line."""
    if not mask.any():
        return
    merged = shapely.union_all(np.asarray(proj.geometry[mask], dtype=object))
    outline = PatchCollection(
        [PathPatch(p) for p in _paths([merged])],
        facecolor="none",
        edgecolor=CLUSTER_COLOUR,
        linewidth=2.4,
        zorder=3,
        gid="cluster_outline",
    )
    outline.set_path_effects(
        [patheffects.withStroke(linewidth=4.4, foreground="white")]
    )
    ax.add_collection(outline)


@dataclass(frozen=True)
class Overlays:
    """The areas the figure marks besides their class.

    Attributes
    ----------
    suppressed, cluster : pandas.Series of bool
        Areas drawn hatched, and areas in a high-high cluster.
    threshold : int
        The suppression threshold, for the legend ("disembunyikan (< 10)").
    """

    suppressed: pd.Series
    cluster: pd.Series
    threshold: int

    def legend_rows(self, lang: str) -> list[tuple[Artist, str]]:
        """Return the legend rows (handle, text) of the hatch and the clusters."""
        rows: list[tuple[Artist, str]] = []
        n_hidden, n_cluster = int(self.suppressed.sum()), int(self.cluster.sum())
        if n_hidden:
            label = text("suppressed", lang).format(threshold=self.threshold)
            handle = Patch(
                facecolor="white",
                edgecolor=HATCH_COLOUR,
                hatch=HATCH,
                linewidth=0.6,
                gid="legend_suppressed",
            )
            rows.append((handle, f"{label} · {_count(n_hidden, lang)}"))
        if n_cluster:
            with use_language(_as_lang(lang)):
                words = tr("high-high cluster (LISA, significant)")
            handle = Patch(
                facecolor="none",
                edgecolor=CLUSTER_COLOUR,
                linewidth=2.4,
                gid="legend_cluster",
            )
            rows.append((handle, f"{words} · {_count(n_cluster, lang)}"))
        return rows


def _as_lang(lang: str) -> MessageLang:
    return "en" if lang == "en" else "id"


def _count(n: int, lang: str) -> str:
    shown = format_fixed(n, lang=lang, decimals=0)
    return text("n_area" if n == 1 else "n_areas", lang).format(n=shown)


def overlays_of(
    proj: gpd.GeoDataFrame, suppressed: pd.Series | None, threshold: int
) -> Overlays:
    """Return the hatched and the clustered areas of ``proj``."""
    return Overlays(suppressed_mask(proj, suppressed), cluster_mask(proj), threshold)


def status_key(lang: str) -> str:
    """Return the key of the status symbols in words, e.g. "✓ sesuai jalur · ..."."""
    with use_language(_as_lang(lang)):
        return tr(
            "Target: {on} on track · {risk} at risk · {off} off track",
            on=STATUS_SYMBOLS[ON_TRACK],
            risk=STATUS_SYMBOLS[AT_RISK],
            off=STATUS_SYMBOLS[OFF_TRACK],
        )


def status_symbol(status: object) -> tuple[str, str]:
    """Return the symbol and colour of a progress status ("" for none)."""
    if not isinstance(status, str) or status not in STATUS_SYMBOLS:
        return "", "#000000"
    return STATUS_SYMBOLS[status], STATUS_COLOURS[status]
