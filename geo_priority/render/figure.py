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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from shapely.ops import polylabel

from geo_priority.classify import Classification, format_number
from geo_priority.errors import ConfigError, CRSError, GeometryError, InputError
from geo_priority.io.output import atomic_path
from geo_priority.render import NO_DATA_COLOUR, MapText, class_colours
from geo_priority.render.i18n import text
from geo_priority.schema import CLASS, ID, NAME, RANK, SCORE

__all__ = [
    "FIGURE_SIZES",
    "build_figure",
    "legend_entries",
    "normalise_size",
    "write_figure",
]

#: Areas are labelled by name up to this many; above it, the top ranks by number.
MAX_NAME_LABELS = 40
#: How many of the highest-priority areas the figure lists by name.
TOP_N = 10

_INK = "#1a1a1a"
_GREY = "#4d4d4d"
_WARN = "#b30000"
_OUTLINE = "#6b6b6b"
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
}


@dataclass(frozen=True)
class _Layout:
    """Page size (inches), margins and font sizes (points) of a figure size."""

    width: float
    height: float
    margin: float
    title: float
    title_min: float
    subtitle: float
    warning: float
    legend: float
    listing: float
    label: float
    note: float
    small: float
    panel: float  # width of the side panel (slide); 0 puts the panel below


FIGURE_SIZES: dict[str, _Layout] = {
    "slide": _Layout(13.333, 7.5, 0.4, 26, 22, 15, 14, 14, 13, 12, 9.5, 12, 4.4),
    "a4": _Layout(8.27, 11.69, 0.55, 20, 17, 12.5, 11.5, 13, 12, 10, 7.5, 10, 0.0),
}


def normalise_size(size: str) -> str:
    """Return the key of a figure size (``"slide"`` or ``"a4"``), or raise.

    Raises
    ------
    ConfigError
        For an unknown size; the message lists the known ones.

    Examples
    --------
    >>> normalise_size(" A4 ")
    'a4'
    """
    key = str(size).strip().lower().replace("-", "")
    if key not in FIGURE_SIZES:
        raise ConfigError(
            f"unknown figure size {size!r}. Choose one of: "
            f"{', '.join(sorted(FIGURE_SIZES))} (16:9 slide or A4 portrait page)."
        )
    return key


def _layout(size: str) -> _Layout:
    return FIGURE_SIZES[normalise_size(size)]


# --- text placement --------------------------------------------------------


class _Page:
    """Places text on a figure in inches, measuring it with the Agg renderer."""

    def __init__(self, fig: Figure, layout: _Layout, lang: str) -> None:
        self.fig = fig
        self.layout = layout
        self.lang = lang
        self.renderer: RendererBase = FigureCanvasAgg(fig).get_renderer()

    def width_of(self, s: str, size: float, weight: str = "normal") -> float:
        prop = FontProperties(size=size, weight=weight)
        w, _h, _d = self.renderer.get_text_width_height_descent(s, prop, ismath=False)
        return float(w) / self.fig.dpi

    def wrap(self, s: str, size: float, width: float, weight: str = "normal") -> str:
        """Break ``s`` into lines no wider than ``width`` inches.

        Lines break between " · "-separated parts when each part fits a line,
        else between words.
        """
        lines: list[str] = []
        for paragraph in s.split("\n"):
            parts = paragraph.split(" · ")
            fits = all(self.width_of(p, size, weight) <= width for p in parts)
            glue, tokens = (" · ", parts) if fits else (" ", paragraph.split())
            line = ""
            for token in tokens:
                candidate = f"{line}{glue}{token}" if line else token
                if line and self.width_of(candidate, size, weight) > width:
                    lines.append(line)
                    line = token
                else:
                    line = candidate
            lines.append(line)
        return "\n".join(lines)

    def fit(
        self, s: str, size: float, smallest: float, width: float, weight: str
    ) -> tuple[str, float]:
        """Shrink ``s`` down to ``smallest`` pt to keep one line, else wrap.

        Wrapped lines are balanced: the narrowest width giving as few lines.
        """
        for pt in np.arange(size, smallest - 0.01, -1.0):
            if self.width_of(s, float(pt), weight) <= width:
                return s, float(pt)
        n_breaks = self.wrap(s, size, width, weight).count("\n")
        low, high = width / (n_breaks + 1), width
        while high - low > 0.05:
            mid = (low + high) / 2
            fewer = self.wrap(s, size, mid, weight).count("\n") <= n_breaks
            low, high = (low, mid) if fewer else (mid, high)
        return self.wrap(s, size, high, weight), size

    def put(self, x: float, y: float, s: str, size: float, **kw: Any) -> float:
        """Write ``s`` with its top-left (or ``ha``) at (x, y) inches; return height."""
        lay = self.layout
        kw.setdefault("va", "top")
        kw.setdefault("color", _INK)
        self.fig.text(
            x / lay.width,
            y / lay.height,
            s,
            fontsize=size,
            linespacing=1.25,
            parse_math=False,
            **kw,
        )
        return (s.count("\n") + 1) * size * 1.25 / 72


def _header(page: _Page, texts: MapText) -> float:
    """Draw title, subtitle and warning; return the y (inches) below them."""
    lay = page.layout
    width = lay.width - 2 * lay.margin
    y = lay.height - lay.margin
    title, size = page.fit(texts.title, lay.title, lay.title_min, width, "bold")
    y -= page.put(lay.margin, y, title, size, weight="bold", gid="title")
    if texts.subtitle:
        sub, pt = page.fit(texts.subtitle, lay.subtitle, lay.subtitle, width, "normal")
        y -= 0.06 + page.put(lay.margin, y - 0.06, sub, pt, color=_GREY)
    if texts.warning:
        warn = page.wrap(texts.warning, lay.warning, width, "bold")
        y -= 0.06 + page.put(
            lay.margin,
            y - 0.06,
            warn,
            lay.warning,
            color=_WARN,
            weight="bold",
            gid="warning",
        )
    return y - 0.15


def _source_lines(texts: MapText, attribution: str, lang: str) -> list[str]:
    lines = []
    if texts.sources:
        cited = [s.split(" http")[0].strip() for s in texts.sources[:3]]
        if len(texts.sources) > 3:
            more = len(texts.sources) - 3
            cited.append(text("more_sources_short", lang).format(n=more))
        lines.append(f"{text('sources', lang)}: " + "; ".join(cited))
    if attribution:
        lines.append(attribution)
    if texts.method:
        lines.append(f"{text('method', lang)}: {texts.method}")
    return lines


def _date_text(date: dt.date, lang: str) -> str:
    months = text("months", lang).split()
    return text("made_on", lang).format(
        date=f"{date.day} {months[date.month - 1]} {date.year}"
    )


def _footer(
    page: _Page, texts: MapText, attribution: str, date: dt.date, lang: str
) -> float:
    """Draw the source note and the date at the bottom; return the y above them."""
    lay = page.layout
    stamp = _date_text(date, lang)
    date_w = page.width_of(stamp, lay.note + 1, "bold") + 0.3
    width = lay.width - 2 * lay.margin - date_w
    note = "\n".join(
        page.fit(line, lay.note, lay.note, width, "normal")[0]
        for line in _source_lines(texts, attribution, lang)
    )
    height = (note.count("\n") + 1) * lay.note * 1.25 / 72 if note else 0.0
    top = lay.margin + max(height, (lay.note + 1) / 72)
    if note:
        page.put(lay.margin, top, note, lay.note, color=_GREY, gid="source_note")
    page.put(
        lay.width - lay.margin,
        lay.margin,
        stamp,
        lay.note + 1,
        ha="right",
        va="bottom",
        weight="bold",
        color=_GREY,
        gid="date",
    )
    return top + 0.15


# --- the map ---------------------------------------------------------------


def _project(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop empty geometries and move to the UTM zone of the areas."""
    for column in (ID, CLASS):
        if column not in areas.columns:
            raise GeometryError(
                f"areas have no {column!r} column (columns: "
                f"{list(areas.columns)[:12]!r}). Pass scored and classified areas, "
                "e.g. pipeline.analyse(config).areas."
            )
    shown = areas[~(areas.geometry.isna() | areas.geometry.is_empty)]
    if shown.empty:
        raise GeometryError(
            f"none of the {len(areas)} areas has a geometry, so there is nothing "
            "to draw. Check the boundary file and the join report."
        )
    if shown.crs is None:
        raise CRSError(
            "areas have no CRS, so they cannot be projected for a true scale bar. "
            "Set it with areas.set_crs(...) or give boundaries.crs in the config."
        )
    return shown.to_crs(shown.estimate_utm_crs())


def _paths(geoms: gpd.GeoSeries) -> list[MplPath]:
    """Return one compound matplotlib path per (multi)polygon."""
    out = []
    for geom in shapely.orient_polygons(np.asarray(geoms.values)):
        rings = [
            MplPath(np.asarray(ring.coords)[:, :2], closed=True)
            for part in shapely.get_parts(geom)
            if part.geom_type == "Polygon"
            for ring in (part.exterior, *part.interiors)
        ]
        out.append(MplPath.make_compound_path(*rings) if rings else MplPath([[0, 0]]))
    return out


def _fill_colours(classes: pd.Series, k: int) -> list[str]:
    colours = class_colours(k)
    return [NO_DATA_COLOUR if pd.isna(c) else colours[int(c) - 1] for c in classes]


def _draw_areas(ax: Axes, proj: gpd.GeoDataFrame, k: int, lay: _Layout) -> None:
    """Fill areas by class with white borders over a grey outline."""
    paths = _paths(proj.geometry)
    border = 0.5 if len(proj) > 300 else 0.9
    outline = PatchCollection(
        [PathPatch(p) for p in paths],
        facecolor="none",
        edgecolor=_OUTLINE,
        linewidth=2 * border + 1.0,
        zorder=1,
    )
    fills = PatchCollection(
        [PathPatch(p) for p in paths],
        facecolor=_fill_colours(proj[CLASS], k),
        edgecolor="white",
        linewidth=border,
        zorder=2,
        gid="areas",
    )
    ax.add_collection(outline)
    ax.add_collection(fills)
    ax.set_axis_off()


def _simplified(proj: gpd.GeoDataFrame, ax: Axes) -> gpd.GeoDataFrame:
    """Drop detail finer than a quarter of a printed pixel (300 dpi).

    At that tolerance any gap the simplification opens between neighbours is
    invisible, and drawing and the PDF get much lighter.
    """
    x0, x1 = ax.get_xlim()
    fig_w = ax.get_figure().get_size_inches()[0]  # type: ignore[union-attr]
    per_inch = (x1 - x0) / (ax.get_position().width * fig_w)
    out = proj.copy()
    out.geometry = shapely.simplify(
        proj.geometry.values, per_inch / 1200, preserve_topology=True
    )
    return out


def _fit_limits(ax: Axes, bounds: np.ndarray) -> None:
    """Centre ``bounds`` (with a margin) in the axes at one scale for x and y."""
    minx, miny, maxx, maxy = bounds
    pos = ax.get_position()
    fig_w, fig_h = ax.get_figure().get_size_inches()  # type: ignore[union-attr]
    box_aspect = (pos.width * fig_w) / (pos.height * fig_h)
    pad = 0.04 * max(maxx - minx, maxy - miny, 1.0)
    w, h = maxx - minx + 2 * pad, maxy - miny + 2 * pad
    w, h = max(w, h * box_aspect), max(h, w / box_aspect)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")


def _anchor_point(geom: Any) -> tuple[float, float]:
    """Return a point well inside the largest part of ``geom``."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    if not parts:
        point = geom.representative_point()
        return point.x, point.y
    largest = max(parts, key=lambda p: p.area)
    point = polylabel(largest, tolerance=max(largest.area**0.5 / 50, 1.0))
    return point.x, point.y


def _label_name(name: str) -> str:
    """Break a long multi-word name into two balanced lines."""
    words = name.split()
    if len(name) <= 14 or len(words) < 2:
        return name
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - 12))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _halo(width: float) -> list[Any]:
    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _label_items(
    proj: gpd.GeoDataFrame, top: pd.DataFrame, lay: _Layout
) -> tuple[list[tuple[Any, str]], dict[str, Any]]:
    """Return (geometry, text) pairs and the text style of the map labels."""
    style: dict[str, Any] = {"weight": "bold", "color": _INK, "zorder": 5}
    if len(proj) <= MAX_NAME_LABELS:
        names = proj[NAME].fillna(proj[ID]) if NAME in proj else proj[ID]
        items = [
            (g, _label_name(str(n))) for g, n in zip(proj.geometry, names, strict=True)
        ]
        style |= {
            "fontsize": lay.label,
            "path_effects": _halo(3.0),
            "gid": "area_label",
        }
        return sorted(items, key=lambda item: -item[0].area), style
    items = [(proj.geometry.loc[i], str(int(r))) for i, r in top["rank"].items()]
    circle = {"boxstyle": "circle,pad=0.3", "fc": "white", "ec": _INK, "lw": 0.8}
    style |= {"fontsize": lay.label - 1, "bbox": circle, "gid": "rank_label"}
    return items, style


def _text_box(label: Annotation, renderer: RendererBase) -> Bbox:
    label.update_positions(renderer)
    box = Text.get_window_extent(label, renderer)
    grow = 1.9 if label.get_bbox_patch() else 1.12
    return box.expanded(grow, grow if label.get_bbox_patch() else 1.2)


def _share_inside(ax: Axes, box: Bbox, geom: Any) -> float:
    (x0, y0), (x1, y1) = ax.transData.inverted().transform(box.get_points())
    rect = shapely.box(x0, y0, x1, y1)
    return float(geom.intersection(rect).area / rect.area) if rect.area else 0.0


_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def _callout_spots(size: float) -> list[tuple[float, float]]:
    return [
        (dx * radius * size, dy * radius * size * 0.7)
        for radius in (1.2, 2.2, 3.4, 5.0)
        for dx, dy in _DIRECTIONS
    ]


def _annotate(
    ax: Axes, s: str, xy: tuple[float, float], offset: tuple[float, float], style: Any
) -> Annotation:
    dx, dy = np.sign(offset)
    align = {"ha": ("right", "center", "left")[int(dx) + 1]}
    align["va"] = ("top", "center", "bottom")[int(dy) + 1]
    arrow = None
    if dx or dy:
        relpos = ((1 - dx) / 2, (1 - dy) / 2)
        arrow = {"arrowstyle": "-", "color": _INK, "lw": 0.9, "relpos": relpos}
        arrow |= {"shrinkA": 1, "shrinkB": 0}
    return ax.annotate(
        s,
        xy,
        xytext=offset,
        textcoords="offset points",
        arrowprops=arrow,
        annotation_clip=False,
        **align,
        **style,
    )


def _free(box: Bbox, taken: list[Bbox], frame: Bbox) -> bool:
    inside = frame.containsx(box.x0) and frame.containsx(box.x1)
    inside = inside and frame.containsy(box.y0) and frame.containsy(box.y1)
    return inside and not any(box.overlaps(t) for t in taken)


def _place_inside(
    ax: Axes,
    renderer: RendererBase,
    item: tuple[Any, str],
    style: Any,
    taken: list[Bbox],
) -> bool:
    """Put a label on its area if it mostly fits there and overlaps nothing."""
    geom, s = item
    label = _annotate(ax, s, _anchor_point(geom), (0.0, 0.0), style)
    box = _text_box(label, renderer)
    if _share_inside(ax, box, geom) >= 0.6 and _free(box, taken, ax.bbox):
        taken.append(box)
        return True
    label.remove()
    return False


def _leader_clear(
    start: np.ndarray, box: Bbox, offset: tuple[float, float], taken: list[Bbox]
) -> bool:
    """Whether the leader from ``start`` to the label's near edge misses ``taken``."""
    dx, dy = np.sign(offset)
    end = (box.x0 + (1 - dx) / 2 * box.width, box.y0 + (1 - dy) / 2 * box.height)
    line = shapely.LineString([start, end])
    own = shapely.Point(start).buffer(8)
    return not any(
        line.intersects(shapely.box(*t.extents))
        and not own.contains(shapely.box(*t.extents))
        for t in taken
    )


def _place_callout(
    ax: Axes,
    renderer: RendererBase,
    item: tuple[Any, str],
    style: Any,
    taken: list[Bbox],
    land: Any,
) -> None:
    """Put a label near its area with a leader line: free, over the sea if can."""
    geom, s = item
    xy = _anchor_point(geom)
    start = ax.transData.transform(xy)
    best: tuple[float, tuple[float, float], Bbox] | None = None
    for i, offset in enumerate(_callout_spots(style["fontsize"])):
        label = _annotate(ax, s, xy, offset, style)
        box = _text_box(label, renderer)
        label.remove()
        if _free(box, taken, ax.bbox) and _leader_clear(start, box, offset, taken):
            cost = _share_inside(ax, box, land) + 0.15 * (i // len(_DIRECTIONS))
            if best is None or cost < best[0]:
                best = (cost, offset, box)
    if best is None:  # nowhere free: keep it on its area, overlapping
        _annotate(ax, s, xy, (0.0, 0.0), style)
        return
    taken.append(best[2])
    _annotate(ax, s, xy, best[1], style)
    ax.plot(*xy, "o", ms=2.5, color=_INK, zorder=5)


def _dot_box(ax: Axes, geom: Any) -> Bbox:
    x, y = ax.transData.transform(_anchor_point(geom))
    return Bbox.from_extents(x - 5, y - 5, x + 5, y + 5)


def _draw_labels(
    ax: Axes, proj: gpd.GeoDataFrame, top: pd.DataFrame, page: _Page
) -> None:
    """Name every area when few, else number the top-ranked ones.

    Labels go inside their area when they fit and overlap nothing; the others
    are placed nearby with a leader line that crosses no label, avoiding all
    other labels and leader dots, and preferring empty space (sea) to land.
    """
    items, style = _label_items(proj, top, page.layout)
    taken = [a.get_window_extent(page.renderer) for a in ax.artists]
    pending = [
        item
        for item in items
        if not _place_inside(ax, page.renderer, item, style, taken)
    ]
    if not pending:
        return
    taken += [_dot_box(ax, geom) for geom, _s in pending]
    x0, x1 = ax.get_xlim()
    land = shapely.union_all(shapely.simplify(proj.geometry.values, (x1 - x0) / 400))
    for item in pending:
        _place_callout(ax, page.renderer, item, style, taken, land)


def _nice_length(span: float) -> float:
    """Return the 1-2-5 round length (metres) closest to a fifth of ``span``.

    Examples
    --------
    >>> _nice_length(240_000), _nice_length(40_000)
    (50000.0, 10000.0)
    """
    target = span / 5
    base = 10 ** np.floor(np.log10(target))
    candidates = [m * base for m in (1, 2, 5, 10)]
    return float(min(candidates, key=lambda c: abs(np.log(c / target))))


def _add_scale_bar(ax: Axes, lay: _Layout, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    km = length / 1000
    label = f"{format_number(km, lang=lang, decimals=1)} km"
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        label,
        loc="lower left",
        pad=0.5,
        borderpad=0.6,
        sep=5,
        frameon=True,
        size_vertical=(y1 - y0) / 120,
        color=_INK,
        fontproperties=FontProperties(size=lay.small),
    )
    bar.patch.set(facecolor="white", alpha=0.85, edgecolor="none")
    bar.set_gid("scale_bar")
    ax.add_artist(bar)


def _add_north_arrow(ax: Axes, lay: _Layout, lang: str) -> None:
    w, h = lay.small * 1.3, lay.small * 2.4
    arrow = DrawingArea(w, h)
    left = [(0, 0), (w / 2, h), (w / 2, h * 0.28)]
    right = [(w, 0), (w / 2, h), (w / 2, h * 0.28)]
    arrow.add_artist(Polygon(left, closed=True, fc=_INK, ec=_INK, lw=1))
    arrow.add_artist(Polygon(right, closed=True, fc="white", ec=_INK, lw=1))
    letter = TextArea(
        text("north", lang),
        textprops={"fontsize": lay.small + 2, "weight": "bold", "color": _INK},
    )
    box = AnchoredOffsetbox(
        "upper right",
        child=VPacker(children=[letter, arrow], align="center", sep=2),
        pad=0.4,
        borderpad=0.6,
        frameon=False,
    )
    box.set_gid("north_arrow")
    ax.add_artist(box)


def _add_marks(ax: Axes, lay: _Layout, lang: str, schematic: bool) -> None:
    _add_north_arrow(ax, lay, lang)
    if not schematic:
        _add_scale_bar(ax, lay, lang)
        return
    ax.text(
        0.01,
        0.02,
        text("not_to_scale", lang),
        transform=ax.transAxes,
        fontsize=lay.small,
        color=_WARN,
        weight="bold",
        gid="not_to_scale",
        path_effects=_halo(3.0),
        parse_math=False,
    )


# --- legend and top list ---------------------------------------------------


def _count_text(n: int, lang: str) -> str:
    return text("n_area" if n == 1 else "n_areas", lang).format(n=n)


def legend_entries(
    classification: Classification, n_missing: int, *, lang: str = "id"
) -> list[tuple[str, str]]:
    """Return the (colour, text) legend rows: classes, then "no data" if any.

    Parameters
    ----------
    classification : Classification
        Labels and counts of the classes (as on the HTML map).
    n_missing : int
        Number of drawn areas without a score; 0 leaves out the "no data" row.
    lang : {"id", "en"}

    Returns
    -------
    list of (str, str)
        Fill colour and text of each row, class 1 first.

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.classify import classify_scores
    >>> c = classify_scores(pd.Series([10.0, 90.0]), scheme="prioritas", k=2)
    >>> [t for _colour, t in legend_entries(c, 1)]
    ['Prioritas 1 (50–100) · 1 wilayah', 'Prioritas 2 (0–50) · 1 wilayah', \
'tidak ada data · 1 wilayah']
    """
    rows = [
        (colour, f"{label} · {_count_text(n, lang)}")
        for colour, label, n in zip(
            class_colours(classification.k),
            classification.labels,
            classification.counts,
            strict=True,
        )
    ]
    if n_missing:
        rows.append(
            (
                NO_DATA_COLOUR,
                f"{text('no_data', lang)} · {_count_text(n_missing, lang)}",
            )
        )
    return rows


def _draw_legend(ax: Axes, rows: list[tuple[str, str]], lay: _Layout, lang: str):
    handles = [Patch(facecolor=c, edgecolor=_GREY, linewidth=0.6) for c, _t in rows]
    legend = ax.legend(
        handles,
        [t for _c, t in rows],
        loc="upper left",
        bbox_to_anchor=(0, 1),
        title=text("legend_title", lang),
        fontsize=lay.legend,
        title_fontproperties=FontProperties(size=lay.legend + 1, weight="bold"),
        frameon=False,
        alignment="left",
        handlelength=1.8,
        handleheight=1.2,
        borderaxespad=0,
        borderpad=0,
        labelspacing=0.55,
    )
    for label in legend.get_texts():
        label.set_parse_math(False)
    legend.set_gid("legend")
    return legend


def _top_areas(proj: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the ranked areas, best first: rank, name, score, class."""
    scored = proj[proj[RANK].notna()] if RANK in proj else proj.iloc[0:0]
    names = scored[NAME].fillna(scored[ID]) if NAME in scored else scored[ID]
    frame = pd.DataFrame(
        {
            "rank": scored[RANK].astype(float),
            "name": names.astype(str),
            "score": scored[SCORE] if SCORE in scored else np.nan,
            "cls": scored[CLASS],
        },
        index=scored.index,
    )
    return frame.sort_values(["rank", "name"])


def _fit(page: _Page, s: str, size: float, width: float) -> str:
    while len(s) > 4 and page.width_of(s, size) > width:
        s = s[:-2].rstrip() + "…"
    return s


def _draw_top_list(
    page: _Page, top: pd.DataFrame, box: tuple[float, float, float, float], k: int
) -> int:
    """List the best-ranked areas (rank, colour, name, score) inside ``box``.

    Returns the number of areas listed: as many as fit, at most ``TOP_N``.
    """
    lay, lang = page.layout, page.lang
    x, y, width, height = box
    size, step = lay.listing, lay.listing * 1.5 / 72
    rows = max(0, min(len(top), TOP_N, int((height - step * 1.6) / step)))
    if rows == 0:
        return 0
    head = text("ranking", lang) if rows == len(top) else text("top_areas", lang)
    y -= page.put(x, y, head.format(n=rows), size + 1, weight="bold")
    y -= step * 0.4
    colours = class_colours(k)
    name_w = width - 0.75 - page.width_of("100,0", size) - 0.12
    for row in top.head(rows).itertuples():
        page.put(x + 0.3, y, str(int(row.rank)), size, ha="right")
        colour = NO_DATA_COLOUR if pd.isna(row.cls) else colours[int(row.cls) - 1]
        page.fig.add_artist(_swatch(page, x + 0.4, y - size / 72 * 0.95, size, colour))
        name = _fit(page, row.name, size, name_w)
        page.put(x + 0.75, y, name, size, gid="top_name")
        page.put(x + width, y, _score_text(row.score, lang), size, ha="right")
        y -= step
    return rows


def _score_text(score: float, lang: str) -> str:
    """Format a score with one decimal always (``97,0``), empty when missing.

    Examples
    --------
    >>> _score_text(97.0, "id"), _score_text(1234.56, "en")
    ('97,0', '1,234.6')
    """
    if pd.isna(score):
        return ""
    shown = f"{score:,.1f}"
    return shown.translate(str.maketrans(",.", ".,")) if lang == "id" else shown


def _swatch(page: _Page, x: float, y: float, size: float, colour: str) -> Rectangle:
    lay = page.layout
    side = size * 0.95 / 72
    return Rectangle(
        (x / lay.width, y / lay.height),
        side * 1.4 / lay.width,
        side / lay.height,
        transform=page.fig.transFigure,
        facecolor=colour,
        edgecolor=_GREY,
        lw=0.6,
    )


# --- assembly --------------------------------------------------------------


def _frac(lay: _Layout, x: float, y: float, w: float, h: float) -> list[float]:
    return [x / lay.width, y / lay.height, w / lay.width, h / lay.height]


def _boxes(
    lay: _Layout, top: float, bottom: float, aspect: float, panel_h: float
) -> tuple[list[float], tuple[float, float, float, float]]:
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
    page: _Page,
    legend_rows: list[tuple[str, str]],
    top: pd.DataFrame,
    box: tuple[float, float, float, float],
    k: int,
) -> int:
    """Draw the legend, its note and the top list; return the areas listed."""
    lay, lang = page.layout, page.lang
    x, y, width, height = box
    side = bool(lay.panel)
    ax = page.fig.add_axes(_frac(lay, x, y - height, width, height))
    ax.set_axis_off()
    legend = _draw_legend(ax, legend_rows, lay, lang)
    extent = legend.get_window_extent(page.renderer)
    legend_w, legend_h = extent.width / page.fig.dpi, extent.height / page.fig.dpi
    note_y = y - legend_h - 0.08
    note_h = page.put(x, note_y, text("legend_note", lang), lay.legend - 2, color=_GREY)
    if side:
        list_top = note_y - note_h - 0.3
        return _draw_top_list(
            page, top, (x, list_top, width, list_top - (y - height)), k
        )
    lx = x + legend_w + 0.35
    return _draw_top_list(page, top, (lx, y, width - legend_w - 0.35, height), k)


def _panel_height(lay: _Layout, n_rows: int, n_top: int) -> float:
    legend = (n_rows * 1.7 + 2.2) * lay.legend / 72 + 0.4
    listing = (min(n_top, TOP_N) + 1.8) * lay.listing * 1.6 / 72
    return 0.0 if lay.panel else max(legend, listing)


def _watermark(ax: Axes, mark: str, lay: _Layout) -> None:
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
        color=_WARN,
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
    lay = _layout(size)
    proj = _project(areas)
    with mpl.rc_context(_RC):
        fig = Figure(figsize=(lay.width, lay.height), facecolor="white")
        page = _Page(fig, lay, lang)
        top_y = _header(page, texts)
        bottom_y = _footer(page, texts, attribution, date or dt.date.today(), lang)
        _compose(page, proj, classification, (top_y, bottom_y), schematic, watermark)
    return fig


def _compose(
    page: _Page,
    proj: gpd.GeoDataFrame,
    classification: Classification,
    span: tuple[float, float],
    schematic: bool,
    watermark: str,
) -> None:
    lay, lang = page.layout, page.lang
    minx, miny, maxx, maxy = proj.total_bounds
    aspect = max(maxx - minx, 1.0) / max(maxy - miny, 1.0)
    rows = legend_entries(classification, int(proj[CLASS].isna().sum()), lang=lang)
    top = _top_areas(proj)
    map_box, panel_box = _boxes(
        lay, *span, aspect, _panel_height(lay, len(rows), len(top))
    )
    ax = page.fig.add_axes(map_box)
    ax.set_gid("map")
    _fit_limits(ax, proj.total_bounds)
    proj = _simplified(proj, ax)
    _draw_areas(ax, proj, classification.k, lay)
    _add_marks(ax, lay, lang, schematic)
    listed = _panel(page, rows, top, panel_box, classification.k)
    _draw_labels(ax, proj, top.head(listed), page)
    if watermark:
        _watermark(ax, watermark, lay)


def _metadata(fmt: str, fig: Figure) -> dict[str, Any]:
    title = next((t.get_text() for t in fig.texts if t.get_gid() == "title"), "")
    creator = "geo-priority (matplotlib)"
    if fmt == "pdf":
        return {"Title": title, "Creator": creator, "CreationDate": None}
    return {"Title": title, "Software": creator}


def write_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    /,
    *,
    overwrite: bool = False,
    dpi: int = 300,
) -> Path:
    """Write ``fig`` as PNG or PDF (by the path's suffix), atomically.

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

    Raises
    ------
    InputError
        For another suffix, or a folder that cannot be written.
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        raise InputError(
            f"cannot write a figure to {target.name!r}: the file name must end in "
            "'.png' (slides, web) or '.pdf' (print)."
        )
    with atomic_path(target, overwrite=overwrite) as tmp, mpl.rc_context(_RC):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt, fig))
    return target
