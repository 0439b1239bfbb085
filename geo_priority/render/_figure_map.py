"""The map panel of the static figure.

The areas drawn in their UTM zone, name labels inside the areas or as callouts,
the scale bar and the north arrow.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import PatchCollection
from matplotlib.font_manager import FontProperties
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
from matplotlib.patches import PathPatch, Polygon
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from shapely.ops import polylabel

from geo_priority.errors import CRSError, GeometryError
from geo_priority.formatting import format_number
from geo_priority.messages import tr
from geo_priority.render import NO_DATA_COLOUR, class_colours
from geo_priority.render._figure_page import (
    INK,
    MAX_NAME_LABELS,
    OUTLINE,
    WARN,
    Layout,
    Page,
    short_name,
)
from geo_priority.render.i18n import text
from geo_priority.schema import CLASS, ID, NAME

# --- the map ---------------------------------------------------------------


def project_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop empty geometries and move to the UTM zone of the areas."""
    for column in (ID, CLASS):
        if column not in areas.columns:
            raise GeometryError(
                tr(
                    "the areas to draw have no {column!r} column (columns: "
                    "{columns!r}). Draw the areas of a scored and classified run "
                    "(geo-priority figure CONFIG).",
                    column=column,
                    columns=list(areas.columns)[:12],
                )
            )
    shown = areas[~(areas.geometry.isna() | areas.geometry.is_empty)]
    if shown.empty:
        raise GeometryError(
            tr(
                "none of the {n} areas has a geometry, so there is nothing to "
                "draw. Check the boundary file (boundaries.path) and the join "
                "report.",
                n=len(areas),
            )
        )
    if shown.crs is None:
        raise CRSError(
            tr(
                "the areas have no coordinate reference system, so they cannot "
                "be projected for a true scale bar. Give it as boundaries.crs in "
                'the config (e.g. "EPSG:4326").'
            )
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


def draw_areas(ax: Axes, proj: gpd.GeoDataFrame, k: int, lay: Layout) -> None:
    """Fill areas by class with white borders over a grey outline."""
    paths = _paths(proj.geometry)
    border = 0.5 if len(proj) > 300 else 0.9
    outline = PatchCollection(
        [PathPatch(p) for p in paths],
        facecolor="none",
        edgecolor=OUTLINE,
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


def simplified(proj: gpd.GeoDataFrame, ax: Axes) -> gpd.GeoDataFrame:
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


def fit_limits(ax: Axes, bounds: np.ndarray) -> None:
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
    """Shorten "Kabupaten" to "Kab." and break a long name into two lines."""
    name = short_name(name)
    words = name.split()
    if len(name) <= 14 or len(words) < 2:
        return name
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - 12))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _halo(width: float) -> list[Any]:
    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _label_items(
    proj: gpd.GeoDataFrame, top: pd.DataFrame, lay: Layout
) -> tuple[list[tuple[Any, str]], dict[str, Any]]:
    """Return (geometry, text) pairs and the text style of the map labels."""
    style: dict[str, Any] = {"weight": "bold", "color": INK, "zorder": 5}
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
    circle = {"boxstyle": "circle,pad=0.3", "fc": "white", "ec": INK, "lw": 0.8}
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


_DIRECTIONS = tuple(
    (round(float(np.cos(t)), 3), round(float(np.sin(t)), 3))
    for t in np.linspace(0, 2 * np.pi, 16, endpoint=False)
)


def _callout_spots(size: float) -> list[tuple[float, float]]:
    return [
        (dx * radius * size, dy * radius * size * 0.7)
        for radius in (1.2, 2.2, 3.4, 5.0, 7.0, 9.5)
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
        arrow = {"arrowstyle": "-", "color": INK, "lw": 0.9, "relpos": relpos}
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


def _box_inside(ax: Axes, box: Bbox, geom: Any) -> bool:
    """Whether the whole label box lies inside ``geom`` (a prepared geometry)."""
    (x0, y0), (x1, y1) = ax.transData.inverted().transform(box.get_points())
    return bool(geom.contains(shapely.box(x0, y0, x1, y1)))


#: At most this many spots inside an area are tried for its label.
_INSIDE_SPOTS = 300


def _inside_spots(
    geom: Any, xy: tuple[float, float], size: tuple[float, float]
) -> list[tuple[float, float]]:
    """Return spots to try for a label of ``size`` (data units) inside ``geom``.

    The anchor first, then the points of a grid over the area where the
    label could sit, nearest the anchor first.
    """
    w, h = size
    minx, miny, maxx, maxy = geom.bounds
    xs = np.arange(minx + w / 2, maxx - w / 2, max(h / 3, (maxx - minx) / 60))
    ys = np.arange(miny + h / 2, maxy - h / 2, max(h / 3, (maxy - miny) / 60))
    if not len(xs) or not len(ys):
        return [xy]
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    order = np.argsort((gx - xy[0]) ** 2 + (gy - xy[1]) ** 2)[:_INSIDE_SPOTS]
    return [xy, *zip(gx[order].tolist(), gy[order].tolist(), strict=True)]


def _place_inside(
    ax: Axes,
    renderer: RendererBase,
    item: tuple[Any, str],
    style: Any,
    taken: list[Bbox],
) -> bool:
    """Put a label wholly inside its own area, clear of every other label.

    Tried at the area's pole of inaccessibility first, then at the nearest
    spots of a grid over the area; a label that fits nowhere is left for a
    callout.
    """
    geom, s = item
    xy = _anchor_point(geom)
    label = _annotate(ax, s, xy, (0.0, 0.0), style)
    box = _text_box(label, renderer)
    (x0, y0), (x1, y1) = ax.transData.inverted().transform(box.get_points())
    shapely.prepare(geom)
    for spot in _inside_spots(geom, xy, (abs(x1 - x0), abs(y1 - y0))):
        label.xy = spot
        box = _text_box(label, renderer)
        if _box_inside(ax, box, geom) and _free(box, taken, ax.bbox):
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


def _callout_options(
    ax: Axes,
    renderer: RendererBase,
    item: tuple[Any, str],
    style: Any,
    taken: list[Bbox],
    land: Any,
) -> list[tuple[float, tuple[float, float], Bbox]]:
    """Free spots beside the area, cheapest first: (cost, offset, box).

    The cost is mostly the share of the label over land (any area, its own
    included), plus a little for a longer leader line.
    """
    geom, s = item
    xy = _anchor_point(geom)
    start = ax.transData.transform(xy)
    options = []
    for i, offset in enumerate(_callout_spots(style["fontsize"])):
        label = _annotate(ax, s, xy, offset, style)
        box = _text_box(label, renderer)
        label.remove()
        if _free(box, taken, ax.bbox) and _leader_clear(start, box, offset, taken):
            cost = 10 * _share_inside(ax, box, land) + 0.15 * (i // len(_DIRECTIONS))
            options.append((cost, offset, box))
    return sorted(options, key=lambda option: option[0])


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
    options = _callout_options(ax, renderer, item, style, taken, land)
    if not options:  # nowhere free: keep it on its area, overlapping
        _annotate(ax, s, xy, (0.0, 0.0), style)
        return
    _cost, offset, box = options[0]
    taken.append(box)
    _annotate(ax, s, xy, offset, style)
    ax.plot(*xy, "o", ms=2.5, color=INK, zorder=5)


def _dot_box(ax: Axes, geom: Any) -> Bbox:
    x, y = ax.transData.transform(_anchor_point(geom))
    return Bbox.from_extents(x - 5, y - 5, x + 5, y + 5)


def draw_labels(
    ax: Axes, proj: gpd.GeoDataFrame, top: pd.DataFrame, page: Page
) -> None:
    """Name every area when few, else number the top-ranked ones.

    A label goes wholly inside its own area when it fits there and overlaps
    nothing (at the pole of inaccessibility, or the nearest spot where it
    fits); the others are placed nearby with a leader line that crosses no
    label, avoiding all other labels and leader dots, and preferring empty
    space (sea) to land, so no name sits across another area.
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

    def sea_spots(item: tuple[Any, str]) -> int:  # fewest spots off land go first
        options = _callout_options(ax, page.renderer, item, style, taken, land)
        return sum(1 for cost, _offset, _box in options if cost < 1.0)

    for item in sorted(pending, key=sea_spots):
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


def _add_scale_bar(ax: Axes, lay: Layout, lang: str) -> None:
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
        color=INK,
        fontproperties=FontProperties(size=lay.small),
    )
    bar.patch.set(facecolor="white", alpha=0.85, edgecolor="none")
    bar.set_gid("scale_bar")
    ax.add_artist(bar)


def _add_north_arrow(ax: Axes, lay: Layout, lang: str) -> None:
    w, h = lay.small * 1.3, lay.small * 2.4
    arrow = DrawingArea(w, h)
    left = [(0, 0), (w / 2, h), (w / 2, h * 0.28)]
    right = [(w, 0), (w / 2, h), (w / 2, h * 0.28)]
    arrow.add_artist(Polygon(left, closed=True, fc=INK, ec=INK, lw=1))
    arrow.add_artist(Polygon(right, closed=True, fc="white", ec=INK, lw=1))
    letter = TextArea(
        text("north", lang),
        textprops={"fontsize": lay.small + 2, "weight": "bold", "color": INK},
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


def add_marks(ax: Axes, lay: Layout, lang: str, schematic: bool) -> None:
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
        color=WARN,
        weight="bold",
        gid="not_to_scale",
        path_effects=_halo(3.0),
        parse_math=False,
    )
