"""What the static figure shows besides the classes, checked on its pixels.

A 3 x 2 grid of 0.1-degree squares near Pandeglang::

    Labuan (30)    Carita (10)   Tersembunyi (hidden, no score)
    Cikeusik (90)  Patia (80)    Sumur (50)

Cikeusik and Patia are a significant high-high cluster; the first four
ranked areas carry a progress status. The figure is drawn at 100 dpi and the
pixels are read from its canvas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from shapely.geometry import box

from geo_priority.classify import classify_scores
from geo_priority.render import NO_DATA_COLOUR, MapText, class_colours
from geo_priority.render._figure_analytics import (
    CLUSTER_COLOUR,
    HATCH,
    HATCH_COLOUR,
    STATUS_SYMBOLS,
)
from geo_priority.render._figure_map import project_areas
from geo_priority.render.figure import build_figure, scored_suppression

NAMES = ["Cikeusik", "Patia", "Sumur", "Labuan", "Carita", "Tersembunyi"]
CELLS = [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]
STATUS = ["off track", "at risk", "on track", "on track", None, None]
TEXTS = MapText("Uji", "Kecamatan · uji", ("BPS uji",), "uji")


def _areas() -> tuple[gpd.GeoDataFrame, Any]:
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"36.01.0{n}" for n in range(1, 7)],
            "area_name": NAMES,
            "priority_score": [90.0, 80.0, 50.0, 30.0, 10.0, np.nan],
        },
        geometry=[
            box(105.8 + 0.1 * i, -6.6 + 0.1 * j, 105.9 + 0.1 * i, -6.5 + 0.1 * j)
            for i, j in CELLS
        ],
        crs="EPSG:4326",
    )
    areas["priority_rank"] = areas["priority_score"].rank(ascending=False)
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=3)
    areas["priority_class"] = c.classes.to_numpy()
    areas["p0_suppressed"] = [False] * 5 + [True]
    areas["hotspot"] = ["tinggi-tinggi"] * 2 + ["tidak signifikan"] * 3 + [None]
    areas["progress_status"] = STATUS
    return areas, c


def _draw(size: str = "slide", **kw: Any) -> tuple[Figure, np.ndarray]:
    areas, c = _areas()
    fig = build_figure(
        areas, c, texts=TEXTS, size=size, date=dt.date(2025, 6, 12), **kw
    )
    fig.set_dpi(100)
    fig.canvas.draw()
    return fig, np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def drawn() -> tuple[Figure, np.ndarray]:
    return _draw()


def _map_ax(fig: Figure) -> Any:
    return next(ax for ax in fig.axes if ax.get_gid() == "map")


def _pixel(fig: Figure, xy: tuple[float, float]) -> tuple[int, int]:
    """Row and column of the canvas pixel at projected map coordinates ``xy``."""
    x, y = _map_ax(fig).transData.transform(xy)
    height = fig.canvas.get_width_height()[1]
    return round(float(height - y)), round(float(x))


def _inner_box(
    fig: Figure, geom: Any, part: float = 0.6, shift: float = 0.0
) -> tuple[slice, slice]:
    """Pixel rows and columns of the middle ``part`` of a projected square.

    ``shift`` moves the box up by that share of the square's height.
    """
    minx, miny, maxx, maxy = geom.bounds
    hw, hh = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2 + shift * hh
    r0, c0 = _pixel(fig, (cx - hw * part / 2, cy + hh * part / 2))
    r1, c1 = _pixel(fig, (cx + hw * part / 2, cy - hh * part / 2))
    return slice(r0, r1), slice(c0, c1)


def _near(pixels: np.ndarray, colour: str, tol: float = 12) -> np.ndarray:
    rgb = np.array(to_rgb(colour)) * 255
    return np.abs(pixels - rgb).max(axis=-1) <= tol


def _projected() -> gpd.GeoDataFrame:
    return project_areas(_areas()[0])


def test_hidden_area_is_hatched_white_and_dark_grey_and_no_class_colour(drawn) -> None:
    fig, img = drawn
    geom = _projected().geometry.iloc[5]
    rows, cols = _inner_box(fig, geom)
    patch = img[rows, cols]
    assert patch.shape[0] > 60 and patch.shape[1] > 60
    white = _near(patch, "#ffffff", 6).mean()
    grey = _near(patch, HATCH_COLOUR, 20).mean()
    assert white > 0.3, white
    assert grey > 0.05, grey
    # every pixel is a grey between the two: no class colour, no "no data" fill
    assert (patch.max(axis=-1) - patch.min(axis=-1)).max() <= 3
    for colour in class_colours(3):
        assert not _near(patch, colour, 6).any(), colour
    # nor the "no data" grey (#c8c8c8) as a fill: only a few blended line edges
    assert _near(patch, NO_DATA_COLOUR, 3).mean() < 0.1
    # the lines rise to the right at 45 degrees: a dark pixel's up-right
    # diagonal neighbours are dark too, more often than its up-left ones
    dark = _near(patch, HATCH_COLOUR, 40)
    up_right = (dark[1:, :-1] & dark[:-1, 1:]).sum()
    up_left = (dark[1:, 1:] & dark[:-1, :-1]).sum()
    assert up_right > 3 * up_left


def test_classed_area_keeps_its_colour_without_hatch(drawn) -> None:
    fig, img = drawn
    geom = _projected().geometry.iloc[2]  # Sumur, class 2; below its label
    patch = img[_inner_box(fig, geom, 0.3, -0.3)]
    assert _near(patch, class_colours(3)[1], 4).mean() > 0.9
    assert not _near(patch, HATCH_COLOUR, 20).any()


def test_legend_has_hatch_and_cluster_rows_that_fit_beside_the_list(drawn) -> None:
    fig, img = drawn
    (legend,) = fig.findobj(lambda a: a.get_gid() == "legend")
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[3] == "disembunyikan (< 10) · 1 wilayah"
    assert labels[4] == "klaster tinggi-tinggi (LISA, signifikan)\n2 wilayah"
    hatched, outlined = legend.legend_handles[3:5]
    assert hatched.get_hatch() == HATCH and to_hex(hatched.get_facecolor()) == "#ffffff"
    assert to_hex(outlined.get_edgecolor()) == CLUSTER_COLOUR
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    page = fig.bbox
    boxes = {
        "legend": legend.get_window_extent(renderer),
        **{
            f"{a.get_gid()}:{a.get_text()}": a.get_window_extent(renderer)
            for a in fig.findobj(
                lambda a: a.get_gid() in ("top_name", "top_status", "status_key")
            )
        },
    }
    for name, b in boxes.items():  # inside the page
        assert page.x0 <= b.x0 and b.x1 <= page.x1, name
        assert page.y0 <= b.y0 and b.y1 <= page.y1, name
    listing = [b for name, b in boxes.items() if name != "legend"]
    assert len(listing) == 5 + 4 + 1  # names, statuses, the key
    assert not any(boxes["legend"].overlaps(b) for b in listing)
    # the legend's hatch swatch shows both colours on the canvas
    sw = hatched.get_window_extent(renderer)
    h = fig.canvas.get_width_height()[1]
    swatch = img[
        int(h - sw.y1) + 2 : int(h - sw.y0) - 2, int(sw.x0) + 2 : int(sw.x1) - 2
    ]
    assert _near(swatch, "#ffffff", 10).any() and _near(swatch, HATCH_COLOUR, 30).any()


def test_cluster_is_outlined_around_not_between_its_areas(drawn) -> None:
    fig, img = drawn
    proj = _projected()
    cikeusik, patia, sumur = proj.geometry.iloc[0:3]
    minx, miny, _maxx, maxy = cikeusik.bounds
    mid_y = (miny + maxy) / 2
    # the cluster's outer left edge, and its top edge over Patia
    for xy in ((minx, mid_y), ((patia.bounds[0] + patia.bounds[2]) / 2, maxy)):
        r, c = _pixel(fig, xy)
        assert _near(img[r - 3 : r + 4, c - 3 : c + 4], CLUSTER_COLOUR, 30).any(), xy
    # not on the shared edge inside the cluster, nor around Sumur (not a cluster)
    shared = (cikeusik.bounds[2], mid_y)
    sumur_top = ((sumur.bounds[0] + sumur.bounds[2]) / 2, sumur.bounds[3])
    for xy in (shared, sumur_top):
        r, c = _pixel(fig, xy)
        assert not _near(img[r - 3 : r + 4, c - 3 : c + 4], CLUSTER_COLOUR, 30).any()


def test_status_symbols_in_their_colours_with_a_key(drawn) -> None:
    fig, img = drawn
    marks = fig.findobj(lambda a: a.get_gid() == "top_status")
    shown = [(m.get_text(), to_hex(m.get_color())) for m in marks]
    assert shown == [
        (STATUS_SYMBOLS["off track"], "#b2182b"),
        (STATUS_SYMBOLS["at risk"], "#b35806"),
        (STATUS_SYMBOLS["on track"], "#1a7837"),
        (STATUS_SYMBOLS["on track"], "#1a7837"),
        ("", "#000000"),  # Carita: no status
    ]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    h = fig.canvas.get_width_height()[1]
    for mark, (_s, colour) in zip(marks[:4], shown[:4], strict=True):
        b = mark.get_window_extent(renderer)
        glyph = img[int(h - b.y1) : int(h - b.y0) + 1, int(b.x0) : int(b.x1) + 1]
        assert _near(glyph, colour, 40).sum() >= 4, colour  # drawn, not a blank box
    (key,) = fig.findobj(lambda a: a.get_gid() == "status_key")
    assert key.get_text() == (
        "Target: ✓ sesuai jalur · ! berisiko · ✗ tidak sesuai jalur"
    )


def test_a4_and_english_keep_the_rows_inside_the_page() -> None:
    fig, _img = _draw("a4", lang="en", suppression_threshold=20)
    (legend,) = fig.findobj(lambda a: a.get_gid() == "legend")
    labels = [t.get_text().replace("\n", " ") for t in legend.get_texts()]
    assert "suppressed (< 20) · 1 area" in labels
    assert "high-high cluster (LISA, significant) · 2 areas" in labels
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    b = legend.get_window_extent(renderer)
    assert fig.bbox.x0 <= b.x0 and b.x1 <= fig.bbox.x1
    names = fig.findobj(lambda a: a.get_gid() == "top_name")
    assert not any(b.overlaps(n.get_window_extent(renderer)) for n in names)


def test_only_scored_inputs_count_as_hidden() -> None:
    from geo_priority.config import IndicatorConfig

    areas, _c = _areas()
    areas["shown_suppressed"] = [True] * 6
    scored = IndicatorConfig(key="p0", weight=0.5)
    shown = IndicatorConfig(key="shown", score=False, weight=0.0)
    flags = scored_suppression(areas, [scored, shown])
    assert flags is not None and flags.tolist() == [False] * 5 + [True]
    assert scored_suppression(areas, [shown]) is None


def test_run_figure_hatches_with_the_configured_threshold() -> None:
    """outputs.build_figure passes the scored flags and the configured threshold."""
    import pandas as pd

    import geo_priority as gp
    from geo_priority.outputs import build_figure as run_figure

    codes = ["36.01", "36.02", "36.03", "36.04"]
    shapes = gpd.GeoDataFrame(
        {"kode": codes, "nama": list("ABCD")},
        geometry=[box(106 + 0.1 * i, -6, 106.1 + 0.1 * i, -5.9) for i in range(4)],
        crs="EPSG:4326",
    )
    table = pd.DataFrame(
        {
            "kode": codes,
            "p0": [9.0, 7.0, np.nan, 3.0],
            "p0_suppressed": ["false", "false", "true", "false"],
            "miskin": [5.0, 4.0, 3.0, 2.0],
        }
    )
    method = {
        "boundaries": {"code_column": "kode", "name_column": "nama"},
        "tables": [{"label": "t", "code_column": "kode"}],
        "scoring": {
            "missing": "drop",
            "indicators": [{"key": "p0", "weight": 0.5}, {"key": "miskin"}],
        },
        "classify": {"scheme": "prioritas", "k": 3},
        "outputs": {"suppression_threshold": 20},
    }
    analysis = gp.analyse(shapes, {"t": table}, method)
    fig = run_figure(analysis)
    (legend,) = fig.findobj(lambda a: a.get_gid() == "legend")
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[-1] == "disembunyikan (< 20) · 1 wilayah"
    assert "tidak ada data" not in " ".join(labels)
    (hatched,) = fig.findobj(lambda a: a.get_gid() == "suppressed")
    assert len(hatched.get_paths()) == 1
