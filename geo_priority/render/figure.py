"""Print-ready static figures of the priority map (PNG, PDF) with matplotlib.

A figure carries everything a meeting slide or a report page needs: title,
subtitle, warnings (schematic map, synthetic data), the map in a projected UTM
zone (so the scale bar is true), north arrow, scale bar, a legend with the same
classes, labels, colours and counts as the HTML map, the highest-priority areas
by name, the sources with the boundary attribution, and the date.

Two sizes: ``"slide"`` (16:9, 13.33 x 7.5 in, title 26 pt, legend 14 pt) and
``"a4"`` (portrait, 8.27 x 11.69 in, title 20 pt, legend 12 pt). matplotlib is
used without pyplot (Agg canvas), so nothing depends on a display.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from geo_priority.classify import classify_scores
>>> from geo_priority.render import MapText
>>> areas = gpd.GeoDataFrame(
...     {"area_id": ["36.01", "36.02"], "area_name": ["A", "B"],
...      "priority_score": [80.0, 20.0], "priority_rank": [1, 2]},
...     geometry=[box(106.0, -6.5, 106.2, -6.3), box(106.2, -6.5, 106.4, -6.3)],
...     crs=4326)
>>> c = classify_scores(areas["priority_score"], scheme="prioritas", k=2)
>>> areas["priority_class"] = c.classes
>>> fig = build_figure(areas, c, texts=MapText("Uji"), size="a4")
>>> [round(float(v), 2) for v in fig.get_size_inches()]
[8.27, 11.69]
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from geo_priority.classify import Classification
from geo_priority.io import figure as io_figure
from geo_priority.render import MapText
from geo_priority.render._figure_analytics import (
    STATUS_COLUMN,
    Overlays,
    draw_cluster_outline,
    draw_suppressed,
    overlays_of,
    scored_suppression,
)
from geo_priority.render._figure_legend import (
    draw_legend,
    draw_top_list,
    legend_entries,
    top_areas,
)
from geo_priority.render._figure_map import (
    add_marks,
    draw_areas,
    draw_labels,
    fit_limits,
    project_areas,
    simplified,
)
from geo_priority.render._figure_page import (
    FIGURE_SIZES,
    GREY,
    MAX_NAME_LABELS,
    RC_PARAMS,
    TOP_N,
    WARN,
    Layout,
    Page,
    draw_footer,
    draw_header,
    layout_of,
    normalise_size,
)
from geo_priority.render.i18n import text
from geo_priority.schema import CLASS

__all__ = [
    "FIGURE_SIZES",
    "MAX_NAME_LABELS",
    "TOP_N",
    "build_figure",
    "legend_entries",
    "normalise_size",
    "scored_suppression",
    "write_figure",
]

# --- assembly --------------------------------------------------------------


_Box = tuple[float, float, float, float]


def _frac(lay: Layout, x: float, y: float, w: float, h: float) -> _Box:
    return (x / lay.width, y / lay.height, w / lay.width, h / lay.height)


def _boxes(
    lay: Layout, top: float, bottom: float, aspect: float, panel_h: float
) -> tuple[_Box, _Box]:
    """Return the map axes box (fractions) and the panel box (x, top, w, h in)."""
    inner = lay.width - 2 * lay.margin
    if lay.panel:
        map_w = inner - lay.panel - 0.3
        panel = (lay.margin + map_w + 0.3, top, lay.panel, top - bottom)
        return _frac(lay, lay.margin, bottom, map_w, top - bottom), panel
    map_h = min(top - bottom - panel_h - 0.25, inner / aspect)
    top -= (top - bottom - panel_h - 0.25 - map_h) / 3  # spread spare height
    map_box = _frac(lay, lay.margin, top - map_h, inner, map_h)
    return map_box, (lay.margin, top - map_h - 0.25, inner, panel_h)


def _panel(
    page: Page,
    legend_rows: list[tuple[str, str]],
    top: pd.DataFrame,
    box: tuple[float, float, float, float],
    k: int,
    overlays: Overlays,
) -> int:
    """Draw the legend, its note and the top list; return the areas listed."""
    lay, lang = page.layout, page.lang
    x, y, width, height = box
    side = bool(lay.panel)
    ax = page.fig.add_axes(_frac(lay, x, y - height, width, height))
    ax.set_axis_off()
    # the hatch and cluster rows are long: wrapped to the legend's room
    room = (width if side else width * 0.5) - 2.8 * lay.legend / 72
    extra = [(h, page.wrap(t, lay.legend, room)) for h, t in overlays.legend_rows(lang)]
    legend = draw_legend(ax, legend_rows, lay, lang, extra)
    extent = legend.get_window_extent(page.renderer)
    legend_w, legend_h = extent.width / page.fig.dpi, extent.height / page.fig.dpi
    note_y = y - legend_h - 0.08
    note_h = page.put(x, note_y, text("legend_note", lang), lay.legend - 2, color=GREY)
    if side:
        list_top = note_y - note_h - 0.3
        return draw_top_list(
            page, top, (x, list_top, width, list_top - (y - height)), k
        )
    lx = x + legend_w + 0.35
    return draw_top_list(page, top, (lx, y, width - legend_w - 0.35, height), k)


def _panel_height(lay: Layout, n_rows: int, top: pd.DataFrame) -> float:
    legend = (n_rows * 1.7 + 2.2) * lay.legend / 72 + 0.4
    lines = min(len(top), TOP_N) + 1.8
    lines += 0.8 if "low" in top.columns else 0.0
    lines += 1.6 if STATUS_COLUMN in top.columns else 0.0
    listing = lines * lay.listing * 1.6 / 72
    return 0.0 if lay.panel else max(legend, listing)


def _watermark(ax: Axes, mark: str, lay: Layout) -> None:
    ax.text(
        0.5,
        0.5,
        mark,
        transform=ax.transAxes,
        ha="center",
        va="center",
        rotation=25,
        fontsize=lay.title * 2.4,
        weight="bold",
        color=WARN,
        alpha=0.13,
        zorder=6,
        gid="watermark",
        parse_math=False,
    )


def build_figure(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    /,
    *,
    texts: MapText,
    size: str = "slide",
    lang: str = "id",
    attribution: str = "",
    date: dt.date | None = None,
    schematic: bool = False,
    watermark: str = "",
    suppressed: pd.Series | None = None,
    suppression_threshold: int = 10,
) -> Figure:
    """Build a print-ready static map of the priority classes.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored and classified areas with ``area_id``, ``area_name``,
        ``priority_score``, ``priority_rank`` and ``priority_class``, in any CRS;
        they are drawn in the UTM zone of their centre.
    classification : Classification
        Classes, labels and counts for the legend (as on the HTML map).
    texts : MapText
        Title, subtitle, sources, method note and warning.
    size : {"slide", "a4"}
        16:9 slide (13.33 x 7.5 in) or A4 portrait page.
    lang : {"id", "en"}
    attribution : str
        Boundary source and licence, shown in the source note.
    date : datetime.date, optional
        Date printed on the figure; default today.
    schematic : bool
        The areas are schematic tiles: no scale bar, "not to scale" instead.
    watermark : str
        Large faint text across the map, e.g. "DATA SINTETIS".
    suppressed : pandas.Series of bool, optional
        Areas whose scored input is hidden by small-cell suppression (aligned
        with ``areas``); those without a class are hatched, white with dark
        grey 45-degree lines, as "disembunyikan (< 10)". Default: any
        ``<key>_suppressed`` flag of the areas.
    suppression_threshold : int
        The threshold the hidden values were suppressed at
        (``outputs.suppression_threshold``), for the legend.

    The areas of a significant high-high cluster (``hotspot``) are outlined
    together, and the progress status (``progress_status``) of each listed
    area is a symbol in the ranking list, each with a legend in words.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached; save it with :func:`write_figure`.

    Raises
    ------
    ConfigError
        For an unknown ``size``.
    GeometryError, CRSError
        When the areas lack columns, geometries or a CRS.

    Examples
    --------
    See the module docstring.
    """
    lay = layout_of(size)
    proj = project_areas(areas)
    with mpl.rc_context(RC_PARAMS):
        fig = Figure(figsize=(lay.width, lay.height), facecolor="white")
        page = Page(fig, lay, lang)
        top_y = draw_header(page, texts)
        bottom_y = draw_footer(page, texts, attribution, date or dt.date.today(), lang)
        overlays = overlays_of(proj, suppressed, suppression_threshold)
        marks = (schematic, watermark)
        _compose(page, proj, classification, (top_y, bottom_y), marks, overlays)
    return fig


def _compose(
    page: Page,
    proj: gpd.GeoDataFrame,
    classification: Classification,
    span: tuple[float, float],
    marks: tuple[bool, str],
    overlays: Overlays,
) -> None:
    """Draw the map, its marks, the legend and the list between ``span`` (y, in)."""
    lay, lang = page.layout, page.lang
    schematic, watermark = marks
    minx, miny, maxx, maxy = proj.total_bounds
    aspect = max(maxx - minx, 1.0) / max(maxy - miny, 1.0)
    n_missing = int((proj[CLASS].isna() & ~overlays.suppressed).sum())
    rows = legend_entries(classification, n_missing, lang=lang)
    n_rows = len(rows) + len(overlays.legend_rows(lang))
    top = top_areas(proj)
    map_box, panel_box = _boxes(lay, *span, aspect, _panel_height(lay, n_rows, top))
    ax = page.fig.add_axes(map_box)
    ax.set_gid("map")
    fit_limits(ax, proj.total_bounds)
    proj = simplified(proj, ax)
    draw_areas(ax, proj, classification.k, lay)
    draw_suppressed(ax, proj, overlays.suppressed, 0.5 if len(proj) > 300 else 0.9)
    draw_cluster_outline(ax, proj, overlays.cluster)
    add_marks(ax, lay, lang, schematic)
    listed = _panel(page, rows, top, panel_box, classification.k, overlays)
    draw_labels(ax, proj, top.head(listed), page)
    if watermark:
        _watermark(ax, watermark, lay)


def write_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    /,
    *,
    overwrite: bool = False,
    dpi: int = 300,
) -> Path:
    """Write ``fig`` as PNG or PDF (by the path's suffix), atomically.

    The file is written by :func:`geo_priority.io.figure.write_figure` with the
    figure's fonts in force.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        From :func:`build_figure`.
    path : path-like
        Output file ending in ``.png`` or ``.pdf``.
    overwrite : bool
        Replace an existing file; otherwise refuse.
    dpi : int
        Resolution of raster output (and of raster parts of a PDF).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        For another suffix, or a folder that cannot be written.
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    return io_figure.write_figure(fig, path, overwrite=overwrite, dpi=dpi, rc=RC_PARAMS)
