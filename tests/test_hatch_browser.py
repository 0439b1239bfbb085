"""Chromium: an area hidden by suppression shows the hatch, never a class colour.

Issue 13.3: "The suppressed colour becomes a hatch pattern that no class
colour can be confused with." The web map fills a hidden area with white and
dark grey (#4d4d4d) 45-degree lines, as the static figure does: SVG pattern
for a small map, canvas pattern above ``CANVAS_THRESHOLD`` areas. Checked on
screen pixels inside the hidden area and in its legend swatch.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig
from geo_priority.render import (
    CANVAS_THRESHOLD,
    NO_DATA_COLOUR,
    MapText,
    build_map,
    class_colours,
    render_html,
)
from geo_priority.render.hatch import HATCH_COLOURS

from browser import (
    console_errors,
    open_map,
    require_browser,
    save_screenshot,
    start_browser,
)
from geodata import squares

pytestmark = pytest.mark.browser

WHITE = np.array([255, 255, 255])
GREY = np.array([0x4D, 0x4D, 0x4D])


@pytest.fixture(scope="module")
def browser() -> Any:
    require_browser()
    driver = start_browser()
    yield driver
    driver.quit()


def _page(folder: Path, n: int, per_row: int, hidden: set[int]) -> Path:
    """A map of ``n`` squares; the ``hidden`` ones have a suppressed scored input."""
    geoms = squares(n, per_row=per_row, origin=(106.0, -6.5), size=0.1)
    score = np.linspace(5.0, 95.0, n)
    flags = np.array([i in hidden for i in range(n)])
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"36.{i:04d}" for i in range(n)],
            "area_name": [f"Area {i}" for i in range(n)],
            "priority_score": np.where(flags, np.nan, score),
            "exclusion": np.where(flags, np.nan, score / 2),
            "exclusion_suppressed": flags,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    areas["priority_rank"] = (
        areas["priority_score"].rank(ascending=False, method="min").astype("Int64")
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    ind = IndicatorConfig(key="exclusion", unit="%", label="Eksklusi")
    page = folder / f"hatch_{n}.html"
    html = render_html(build_map(areas, c, indicators=[ind], texts=MapText("Uji")))
    page.write_text(html, encoding="utf-8")
    return page


def _pixels(driver: Any) -> np.ndarray:
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    return np.asarray(shot, dtype=int)


def _inside(driver: Any, area_ids: list[str], margin: int = 4) -> np.ndarray:
    """Screen pixels inside the bounding boxes of ``area_ids`` (minus a margin)."""
    boxes = driver.execute_script(
        "var gp = window.geoPriority, m = gp.map, out = [];"
        "var c = m.getContainer().getBoundingClientRect();"
        "arguments[0].forEach(function (id) {"
        "  var b = gp.byId[id].getBounds();"
        "  var a = m.latLngToContainerPoint(b.getNorthWest());"
        "  var z = m.latLngToContainerPoint(b.getSouthEast());"
        "  out.push([c.left + a.x, c.top + a.y, c.left + z.x, c.top + z.y]); });"
        "return out;",
        area_ids,
    )
    shot = _pixels(driver)
    parts = [
        shot[int(t) + margin : int(b) - margin, int(left) + margin : int(r) - margin]
        for left, t, r, b in boxes
    ]
    return np.concatenate([p.reshape(-1, 3) for p in parts])


def _share_near(pixels: np.ndarray, colour: np.ndarray, tol: int = 12) -> float:
    return float((np.abs(pixels - colour).max(axis=1) <= tol).mean())


def _hex(colour: str) -> np.ndarray:
    h = colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)])


def _assert_hatched(pixels: np.ndarray) -> None:
    assert len(pixels) > 400, "the hidden area is too small on screen"
    white, grey = _share_near(pixels, WHITE), _share_near(pixels, GREY)
    assert white > 0.25, f"white {white:.0%}"
    assert grey > 0.15, f"dark grey {grey:.0%}"
    # every pixel is white, grey or a grey in between (anti-aliasing): none
    # has a hue, so none is near a class colour
    spread = pixels.max(axis=1) - pixels.min(axis=1)
    assert spread.max() <= 8, "a coloured pixel inside the hatch"
    for colour in class_colours(4):
        assert _share_near(pixels, _hex(colour), tol=10) == 0.0, colour
    # and it is not the flat no-data grey: only edge pixels pass near it
    assert _share_near(pixels, _hex(NO_DATA_COLOUR), tol=10) < 0.15


@pytest.mark.parametrize(
    ("n", "per_row", "hidden"),
    [
        (3, 3, {2}),  # SVG renderer
        (
            CANVAS_THRESHOLD + 24,
            18,
            {i * 18 + j for i in range(6, 11) for j in range(6, 11)},
        ),
    ],
    ids=["svg", "canvas"],
)
def test_hidden_area_shows_the_hatch(browser, tmp_path, n, per_row, hidden) -> None:
    assert HATCH_COLOURS == ("#ffffff", "#4d4d4d")
    page = _page(tmp_path, n, per_row, hidden)
    open_map(browser, page)
    save_screenshot(browser, f"hatch_{n}.png")
    canvas = browser.execute_script(
        "return document.querySelector('.leaflet-overlay-pane canvas') !== null;"
    )
    assert canvas == (n > CANVAS_THRESHOLD)
    ids = [f"36.{i:04d}" for i in sorted(hidden)]
    _assert_hatched(_inside(browser, ids))
    # a visible area keeps its class colour (opaque hatch is only for hidden)
    shown = _inside(browser, ["36.0000"])
    assert _share_near(shown, WHITE, tol=6) < 0.05
    assert not console_errors(browser)


def test_legend_swatch_is_the_hatch(browser, tmp_path) -> None:
    page = _page(tmp_path, 3, 3, {2})
    open_map(browser, page)
    box = browser.execute_script(
        "var rows = Array.from(document.querySelectorAll('.gp-legend-row'));"
        "var row = rows.filter(function (r) {"
        "  return /disembunyikan/.test(r.textContent); })[0];"
        "if (!row) { return null; }"
        "var s = row.querySelector('.gp-swatch') || row.firstChild;"
        "var r = s.getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom,"
        "        getComputedStyle(s).backgroundImage];"
    )
    assert box is not None, "no legend row for the hidden area"
    left, top, right, bottom, image = box
    assert "repeating-linear-gradient" in image
    assert right - left >= 10 and bottom - top >= 10
    swatch = _pixels(browser)[
        int(top) + 1 : int(bottom) - 1, int(left) + 1 : int(right) - 1
    ].reshape(-1, 3)
    assert _share_near(swatch, WHITE, tol=30) > 0.2
    assert _share_near(swatch, GREY, tol=30) > 0.1


def test_tooltip_says_a_score_is_from_fewer_components(browser, tmp_path) -> None:
    """scoring.missing = "reweight": the tooltip names the basis in words."""
    geoms = squares(2, origin=(106.0, -6.5), size=0.1)
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["36.01", "36.02"],
            "area_name": ["Lengkap", "Sebagian"],
            "priority_score": [40.0, 80.0],
            "priority_rank": pd.array([2, 1], dtype="Int64"),
            "a": [1.0, 2.0],
            "b": [3.0, np.nan],
            "b_suppressed": [False, True],
            "score_basis": ["a,b", "a"],
            "rank_band_best": pd.array([pd.NA, 1], dtype="Int64"),
            "rank_band_worst": pd.array([pd.NA, 2], dtype="Int64"),
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    inds = [
        IndicatorConfig(key="a", label="Desil 1"),
        IndicatorConfig(key="b", label="Tanpa bansos"),
    ]
    page = tmp_path / "basis.html"
    page.write_text(
        render_html(build_map(areas, c, indicators=inds, texts=MapText("Uji"))),
        encoding="utf-8",
    )
    open_map(browser, page)
    tips = browser.execute_script(
        "var gp = window.geoPriority;"
        "return ['36.01', '36.02'].map(function (id) {"
        "  return gp.tooltip(gp.byId[id].feature).textContent; });"
    )
    assert "Dasar skor" not in tips[0]
    assert (
        "Dasar skorberdasarkan 1 dari 2 komponen; tidak dipakai: Tanpa bansos; "
        "peringkat dengan komponen tersembunyi: 1–2"
    ) in tips[1]
    assert not console_errors(browser)
