"""National maps in headless Chromium, offline: what is drawn, at which level.

The national kab/kota map (the real 514 Kemendagri 2025 kab/kota with a
made-up score) must draw offline: no http(s) request, and the class colours
seen inside a few large kab/kota. A synthetic map with more than
``LOD_AREAS`` areas and two coarser levels draws by level of detail: the level
follows the zoom, only areas near the view are drawn, and a level chosen in
the switch stays until "otomatis" is chosen again. No timing threshold here:
benchmarks/bench_map_national.py measures time.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from geo_priority.classify import classify_scores
from geo_priority.render import MapLevel, MapText, build_map, class_colours, render_html
from geo_priority.render.display import LOD_AREAS
from geo_priority.schema import CLASS, ID, NAME, RANK, SCORE

from browser import (
    console_errors,
    open_map,
    requested_urls,
    require_browser,
    save_screenshot,
    start_browser,
    wait_until,
)
from conftest import require_shared

pytestmark = pytest.mark.browser

KABKOTA = "indonesia_kabkota_kemendagri2025_cahyadsn.geojson"
#: Large kab/kota given a score at the top, in the middle and at the bottom.
PINNED = {"93.01": 100.0, "64.08": 50.0, "61.06": 0.0}
#: Fill opacity of the areas and the map's background (geo_priority.js/.css).
FILL_OPACITY = 0.88
BACKGROUND = np.array([0xEE, 0xF1, 0xF4], dtype=float)


@pytest.fixture(scope="module")
def browser() -> Any:
    require_browser()
    driver = start_browser(1280, 720)
    yield driver
    driver.quit()


def _scored(areas: gpd.GeoDataFrame, score: pd.Series) -> gpd.GeoDataFrame:
    c = classify_scores(score, scheme="quantiles", k=min(5, len(score)))
    rank = score.rank(ascending=False, method="min").astype("Int64")
    return areas.assign(**{SCORE: score, RANK: rank, CLASS: c.classes}), c


@pytest.fixture(scope="module")
def kabkota_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    kab = gpd.read_file(require_shared("boundaries", KABKOTA))
    codes = kab["kode"].astype(str)
    digits = codes.str.replace(".", "", regex=False).astype("int64")
    score = ((digits * 7919) % 1000) / 10.0  # deterministic, spread over 0-100
    score = score.where(~codes.isin(list(PINNED)), codes.map(PINNED))
    areas = gpd.GeoDataFrame(
        {ID: codes, NAME: kab["nama"]}, geometry=kab.geometry, crs=kab.crs
    )
    areas, c = _scored(areas, score)
    m = build_map(areas, c, texts=MapText("Uji nasional kabupaten/kota"))
    page = tmp_path_factory.mktemp("nasional") / "nasional_kabkota.html"
    page.write_text(render_html(m), encoding="utf-8")
    classes = dict(zip(codes, areas[CLASS].astype(int), strict=True))
    return page, classes


def _patch(driver: Any, shot: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """The 5x5 pixels around (lat, lon) in a screenshot, as (25, 3)."""
    x, y = driver.execute_script(
        "var m = window.geoPriority.map, r = m.getContainer().getBoundingClientRect();"
        "var p = m.latLngToContainerPoint([arguments[0], arguments[1]]);"
        "return [r.left + p.x, r.top + p.y];",
        lat,
        lon,
    )
    x, y = round(x), round(y)
    return shot[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3)


_VIEW = (
    "var m = window.geoPriority.map, c = m.getContainer().getBoundingClientRect();"
    "var p = m.latLngToContainerPoint([0, 120]);"
    "return [c.left, c.top, c.width, c.height, p.x, p.y].join(',');"
)


def _settled(driver: Any) -> str:
    """Wait until the map stops moving (the table's panel may resize it)."""
    seen = driver.execute_script(_VIEW)
    for _ in range(40):
        time.sleep(0.25)
        now = driver.execute_script(_VIEW)
        if now == seen:
            return str(now)
        seen = now
    raise AssertionError(f"the map kept moving: {seen}")


def _screenshot(driver: Any) -> np.ndarray:
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    return np.asarray(shot, dtype=float)


def _blend(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    return FILL_OPACITY * rgb + (1 - FILL_OPACITY) * BACKGROUND


@pytest.mark.integration
def test_national_kabkota_map_draws_offline_in_class_colours(browser, kabkota_map):
    page, classes = kabkota_map
    # the pinned scores put Merauke in class 1, Kutai Timur in 3, Kapuas Hulu in 5
    assert [classes[c] for c in PINNED] == [1, 3, 5]
    requested_urls(browser)
    open_map(browser, page, timeout=60)
    wait_until(browser, "document.body.dataset.gpDrawn === '1'", timeout=60)
    own = page.resolve().as_uri()
    assert [u for u in requested_urls(browser) if u != own] == []
    assert console_errors(browser) == []
    assert browser.execute_script("return window.geoPriority.drawnCount();") == 514
    view = _settled(browser)
    shot = _screenshot(browser)
    save_screenshot(browser, "national_kabkota.png")
    assert browser.execute_script(_VIEW) == view
    colours = class_colours(5)
    for code in PINNED:
        lat, lon = browser.execute_script(
            "var code = arguments[0];"
            "return window.geoPriority.v.props.find(function (p) {"
            " return p.id === code; }).lp;",
            code,
        )
        patch = _patch(browser, shot, lat, lon)
        expected = _blend(colours[classes[code] - 1])
        # the label anchor lies inside the area; most of its patch is its fill
        near = np.abs(patch - expected).max(axis=1) <= 8
        assert near.sum() >= 13, (code, patch, expected)


def _grid(n_x: int, n_y: int, size: float, group: int) -> gpd.GeoDataFrame:
    """``n_x`` x ``n_y`` squares; codes name their ``group`` x ``group`` block."""
    rows = []
    for j in range(n_y):
        for i in range(n_x):
            code = f"{i // group:03d}.{j // group:03d}.{i:04d}.{j:04d}"
            x, y = 100 + i * size, -8 + j * size
            rows.append((code, f"Area {i}-{j}", box(x, y, x + size, y + size)))
    codes, names, shapes = zip(*rows, strict=True)
    return gpd.GeoDataFrame({ID: codes, NAME: names}, geometry=list(shapes), crs=4326)


def _level(fine: gpd.GeoDataFrame, parent: pd.Series, label: str) -> MapLevel:
    """The squares dissolved by ``parent``, with a made-up score."""
    coarse = fine[[ID, "geometry"]].dissolve(by=parent.rename("p")).reset_index()
    coarse = coarse.assign(**{ID: coarse["p"], NAME: "Blok " + coarse["p"]})
    digits = coarse[ID].str.replace(".", "", regex=False).astype("int64")
    coarse, c = _scored(coarse[[ID, NAME, "geometry"]], (digits * 37 % 100) * 1.0)
    return MapLevel(label, coarse, c)


@pytest.fixture(scope="module")
def lod_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fine = _grid(100, 60, 0.02, 10)  # 6,000 squares of 0.02 degrees
    assert len(fine) > LOD_AREAS
    digits = fine[ID].str.replace(".", "", regex=False).astype("int64")
    areas, c = _scored(fine, ((digits * 7919) % 1000) / 10.0)
    blocks = _level(fine, fine[ID].str.slice(0, 7), "blok")  # 10 x 6, 0.2 degrees
    i = fine[ID].str.slice(8, 12).astype(int) // 50
    j = fine[ID].str.slice(13, 17).astype(int) // 30
    halves = _level(fine, i.astype(str) + "." + j.astype(str), "bagian")  # 2 x 2
    m = build_map(
        areas,
        c,
        texts=MapText("Uji tingkat otomatis"),
        label="petak",
        levels=[blocks, halves],
    )
    page = tmp_path_factory.mktemp("lod") / "lod.html"
    page.write_text(render_html(m), encoding="utf-8")
    return page


def _at(driver: Any, zoom: float) -> tuple[str, int]:
    """Zoom the map's centre to ``zoom``; return the level shown and areas drawn."""
    driver.execute_script(
        "window.gpMoved = false; var m = window.geoPriority.map;"
        "m.once('moveend', function () { window.gpMoved = true; });"
        "m.setView([-7.4, 101.0], arguments[0], {animate: false});",
        zoom,
    )
    wait_until(driver, "window.gpMoved && !window.geoPriority.pendingAdds")
    return driver.execute_script(
        "return [window.geoPriority.v.label, window.geoPriority.drawnCount()];"
    )


def _choose(driver: Any, value: str) -> None:
    driver.execute_script(
        "var s = document.getElementById('gp-level'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('change'));",
        value,
    )


def test_level_follows_the_zoom_until_one_is_chosen(browser, lod_map):
    open_map(browser, lod_map, timeout=60)
    assert console_errors(browser) == []
    assert (
        browser.execute_script("return document.getElementById('gp-level').value;")
        == "auto"
    )
    # typical sizes 0.02, 0.2 and 0.77 degrees: from zoom 9.14, 5.81 and 3.86
    assert _at(browser, 4)[0] == "bagian"
    assert _at(browser, 7) == ["blok", 60]
    level, drawn = _at(browser, 11)
    assert level == "petak"
    # only what is near the view: at zoom 11 the ~940 x 676 px map shows
    # 0.65 x 0.46 degrees, 0.84 x 0.60 with the 15 % padding: 42 x 30 squares
    assert 1000 < drawn < 1500
    option = browser.execute_script(
        "return document.querySelector('#gp-level option[value=auto]').textContent;"
    )
    assert option == "otomatis (menurut zoom): petak"
    _choose(browser, "1")  # "blok", pinned: it stays at every zoom
    assert _at(browser, 11)[0] == "blok"
    assert _at(browser, 4)[0] == "blok"
    _choose(browser, "auto")
    assert browser.execute_script("return window.geoPriority.v.label;") == "bagian"
    assert _at(browser, 10)[0] == "petak"


_AREA = """
var gp = window.geoPriority, v = gp.v, i = v.position[arguments[0]];
var bb = v.bb;
return [(bb[4 * i + 1] + bb[4 * i + 3]) / 2, (bb[4 * i] + bb[4 * i + 2]) / 2,
        v.props[i].c[0], v.props[i].name];
"""


def test_desa_level_is_painted_in_class_colours_and_answers_the_mouse(browser, lod_map):
    from selenium.webdriver.common.action_chains import ActionChains

    open_map(browser, lod_map, timeout=60)
    wait_until(browser, "document.body.dataset.gpDrawn === '1'", timeout=60)
    # the finest level is drawn on one canvas, not as a Leaflet layer per area
    assert browser.execute_script("return window.geoPriority.onCanvas;") is True
    assert _at(browser, 11)[0] == "petak"
    _settled(browser)
    shot = _screenshot(browser)
    save_screenshot(browser, "lod_petak.png")
    colours = class_colours(5)
    seen = set()
    codes = [
        f"{i // 10:03d}.{j // 10:03d}.{i:04d}.{j:04d}"
        for i in (46, 50, 54, 58)  # right of the controls
        for j in (24, 28, 32, 36)
    ]
    for code in codes:
        lat, lon, cls, _ = browser.execute_script(_AREA, code)
        # the middle of a 29-pixel square: its fill, blended with the page
        patch = _patch(browser, shot, lat, lon)
        expected = _blend(colours[cls - 1])
        assert (np.abs(patch - expected).max(axis=1) <= 8).all(), (code, patch)
        seen.add(cls)
    assert len(seen) >= 3, seen
    # the table of the level is ready (made in slices) before the click
    wait_until(browser, "window.geoPriority.table.shown.length === 6000", timeout=30)
    code = "005.003.0050.0030"
    lat, lon, cls, name = browser.execute_script(_AREA, code)
    x, y = browser.execute_script(
        "var m = window.geoPriority.map, r = m.getContainer().getBoundingClientRect();"
        "var p = m.latLngToContainerPoint([arguments[0], arguments[1]]);"
        "return [r.left + p.x, r.top + p.y];",
        lat,
        lon,
    )
    body = browser.find_element("tag name", "body")
    ActionChains(browser).move_to_element_with_offset(
        body, int(x - body.size["width"] / 2), int(y - body.size["height"] / 2)
    ).perform()
    wait_until(browser, "document.querySelector('.leaflet-tooltip.gp-tooltip')")
    tip = browser.find_element("css selector", ".leaflet-tooltip.gp-tooltip")
    assert tip.text.split("\n")[0] == name == "Area 50-30"
    assert code in tip.text
    assert browser.execute_script("return Boolean(window.geoPriority.outlines.hover);")
    ActionChains(browser).click().perform()
    wait_until(browser, f"window.geoPriority.selected === '{code}'")
    row = wait_until_row(browser, code)
    assert "gp-selected" in row.get_attribute("class")
    assert (
        browser.execute_script(
            "return window.geoPriority.outlines.selected.options.weight;"
        )
        == 4
    )
    assert console_errors(browser) == []


def wait_until_row(driver: Any, code: str) -> Any:
    """The table's row of ``code`` once it is in the page."""
    css = f"#gp-panel tr[data-id='{code}']"
    wait_until(driver, f'document.querySelector("{css}")')
    return driver.find_element("css selector", css)


_PIXELS = """
var c = window.geoPriority.areaCanvas._container;
var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
return [c.width, c.height, Array.from(d)];
"""

_PAN_NOW = """
var gp = window.geoPriority, c = gp.areaCanvas, before = c._bounds.min;
gp.map.panBy([arguments[0], arguments[1]], {animate: false});
var after = c._bounds.min, cv = c._container;
var d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
return [after.x - before.x, after.y - before.y, gp.pendingAdds, Boolean(c.job),
        cv.width, cv.height, Array.from(d)];
"""


def _rgba(width: int, height: int, data: list[int]) -> np.ndarray:
    return np.array(data, dtype=np.uint8).reshape(height, width, 4)


def test_a_pan_keeps_the_last_draw_shown_until_the_new_one_is_done(browser, lod_map):
    """The redraw after a pan is made over several frames off the page; the
    canvas meanwhile shows the last whole draw, moved with the map (not a
    blank or half-drawn canvas), then the new draw in one go."""
    open_map(browser, lod_map, timeout=60)
    wait_until(browser, "document.body.dataset.gpDrawn === '1'", timeout=60)
    # the first-draw mark waits for the canvas: the areas are on it
    assert browser.execute_script("return window.geoPriority.drawnCount();") > 0
    assert _at(browser, 11)[0] == "petak"
    old = _rgba(*browser.execute_script(_PIXELS))
    assert (old[..., 3] > 0).mean() > 0.5
    dx, dy, busy, job, width, height, data = browser.execute_script(_PAN_NOW, 120, 80)
    assert (dx, dy) == (120, 80)
    assert busy and job  # the new draw is under way, in later frames
    shown = _rgba(width, height, data)
    # the last draw, moved by the pan: canvas pixel p now shows old p + (dx, dy)
    np.testing.assert_array_equal(shown[: height - dy, : width - dx], old[dy:, dx:])
    assert (shown[height - dy :, :, 3] == 0).all()  # not drawn yet: uncovered
    wait_until(browser, "!window.geoPriority.pendingAdds")
    new = _rgba(*browser.execute_script(_PIXELS))
    assert (new[..., 3] > 0).mean() > 0.5
    # now drawn whole: where the old draw did not reach is painted too
    assert (new[height - dy :, :, 3] > 0).mean() > 0.5
    assert console_errors(browser) == []
