"""What a person sees on the HTML map at 1280x720: pixels and boxes.

Real headless Chromium (tests/browser.py), offline. The desa map is the real
Kemendagri Banten desa layer (1,552 areas, drawn on a canvas) with all
Indonesian kab/kota as context; the labels are checked on the real demo map.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.text import Text
from PIL import Image
from test_map_browser import _assert_tooltip_readable

from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig
from geo_priority.render import MapLevel, MapText, build_map, render_html
from geo_priority.schema import PLACE

from browser import (
    arm_moveend,
    console_errors,
    open_map,
    requested_urls,
    require_browser,
    save_screenshot,
    start_browser,
    wait_until,
    wait_visible,
)
from conftest import require_shared
from geodata import squares

pytestmark = pytest.mark.browser

DESA = "banten_desa_kemendagri2025_cahyadsn.geojson"
KECAMATAN = "banten_kecamatan_kemendagri2025_cahyadsn.geojson"
KABKOTA = "banten_kabkota_kemendagri2025_cahyadsn.geojson"
CONTEXT = "indonesia_kabkota_kemendagri2025_cahyadsn.geojson"
#: Fill of the context areas and of the map background (geo_priority.js/.css).
UNDER = [(0xDF, 0xE3, 0xE8), (0xEE, 0xF1, 0xF4)]
FILL_OPACITY = 0.88
LONG_NAME = "Exclusion error: desil 1 tanpa bansos PKH/Sembako/BLT-DD (%)"


@pytest.fixture(scope="module")
def browser():
    require_browser()
    driver = start_browser()
    yield driver
    driver.quit()


def _short_kab(name: str) -> str:
    return name.replace("Kabupaten ", "Kab. ")


def banten_desa() -> gpd.GeoDataFrame:
    """The real Banten desa with a made-up score and their real place."""
    desa = gpd.read_file(require_shared("boundaries", DESA))
    kec = gpd.read_file(require_shared("boundaries", KECAMATAN))
    kab = gpd.read_file(require_shared("boundaries", KABKOTA))
    kec_name = dict(zip(kec["kode"], kec["nama"], strict=True))
    kab_name = dict(zip(kab["kode"], kab["nama"], strict=True))
    codes = desa["kode"].astype(str)
    digits = codes.str.replace(".", "", regex=False).astype("int64")
    score = ((digits * 7919) % 1000) / 10.0  # deterministic, spread over 0-100
    places = [
        f"Kec. {kec_name[c[:8]]}, {_short_kab(kab_name[c[:5]])}"
        for c in codes.to_list()
    ]
    areas = gpd.GeoDataFrame(
        {
            "area_id": codes,
            "area_name": desa["nama"],
            PLACE: places,
            "priority_score": score,
            "priority_rank": score.rank(ascending=False, method="min").astype("Int64"),
            "exclusion": ((digits * 104729) % 1000) / 10.0,
            "target": (digits * 31) % 500,
        },
        geometry=desa.geometry,
        crs=desa.crs,
    )
    return areas


@pytest.fixture(scope="module")
def desa_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    areas = banten_desa()
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=5)
    areas = areas.assign(priority_class=c.classes)
    context = gpd.read_file(require_shared("boundaries", CONTEXT))
    indicators = [  # long names, as the desa demo has
        IndicatorConfig(key="exclusion", unit="%", label=LONG_NAME),
        IndicatorConfig(key="target", unit="KK", label="Keluarga desil 1 tanpa bansos"),
    ]
    m = build_map(
        areas,
        c,
        indicators=indicators,
        texts=MapText("Uji desa Banten"),
        context=context,
    )
    page = tmp_path_factory.mktemp("desa_map") / "desa.html"
    page.write_text(render_html(m), encoding="utf-8")
    from geo_priority.render import class_colours

    return page, class_colours(c.k)


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _map_pixels(driver: Any) -> np.ndarray:
    """The map's part of a screenshot, as an (h, w, 3) array."""
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    left, top, right, bottom = driver.execute_script(
        "var r = window.geoPriority.map.getContainer().getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom];"
    )
    pixels = np.asarray(shot, dtype=float)
    return pixels[int(top) : int(bottom), int(left) : int(right)]


def class_pixel_counts(driver: Any, colours: list[str]) -> list[int]:
    """Pixels of the map showing each class colour (drawn at 0.88 opacity)."""
    pixels = _map_pixels(driver)
    counts = []
    for colour in colours:
        near = np.zeros(pixels.shape[:2], dtype=bool)
        for under in UNDER:
            seen = FILL_OPACITY * np.array(_rgb(colour)) + (
                1 - FILL_OPACITY
            ) * np.array(under)
            near |= np.abs(pixels - seen).max(axis=2) <= 6
        counts.append(int(near.sum()))
    return counts


@pytest.mark.integration
def test_desa_map_with_context_shows_the_class_colours(browser, desa_map):
    page, colours = desa_map
    requested_urls(browser)
    open_map(browser, page)
    own = page.resolve().as_uri()
    assert [u for u in requested_urls(browser) if u != own] == []
    assert browser.execute_script(
        "return window.geoPriority.layer.getLayers()[0].options.renderer"
        " instanceof L.Canvas"
    )
    counts = class_pixel_counts(browser, colours)
    save_screenshot(browser, "desa_context.png")
    # every one of the five classes covers a visible part of the map
    assert min(counts) > 2000, counts
    # the context pane lies under the areas and never catches the mouse
    panes = browser.execute_script(
        "var m = window.geoPriority.map;"
        "return [getComputedStyle(m.getPane('gpContext')).zIndex,"
        " getComputedStyle(m.getPane('overlayPane')).zIndex,"
        " getComputedStyle(m.getPane('gpContext')).pointerEvents];"
    )
    assert int(panes[0]) < int(panes[1]) and panes[2] == "none", panes
    # after a table-row click the map zooms into colour, not grey
    area = "36.01.01.2006"  # Tamanjaya, Kec. Sumur
    arm_moveend(browser)
    browser.execute_script(  # the table holds only the rows in view
        "window.geoPriority.table.scrollToId(arguments[0]);"
        'document.querySelector("#gp-panel tr[data-id=\'" + arguments[0] + "\']")'
        ".click();",
        area,
    )
    wait_until(browser, "window.gpMoveEnded")
    _assert_tooltip_readable(browser)  # a long tooltip still finds a free spot
    browser.execute_script(
        "window.geoPriority.layer.eachLayer(function (l) { l.closeTooltip(); });"
    )
    zoomed = class_pixel_counts(browser, colours)
    save_screenshot(browser, "desa_context_row_click.png")
    assert sum(zoomed) > 0.3 * _map_pixels(browser)[..., 0].size, zoomed
    assert sum(1 for n in zoomed if n > 500) >= 3, zoomed
    assert console_errors(browser) == []


@pytest.mark.integration
def test_two_desa_of_one_name_are_told_apart(browser, desa_map):
    """Two Tamanjaya: the table, search and tooltip name their kecamatan."""
    page, _colours = desa_map
    open_map(browser, page)
    # the table holds only the rows in view: its filter finds both
    table_filter = browser.find_element("css selector", ".gp-table-search")
    table_filter.send_keys("tamanjaya")
    wait_until(
        browser,
        "document.querySelector('.gp-table-count').textContent === '2 dari 1.552'",
    )
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#gp-panel tbody tr'))"
        ".filter(function (r) { return r.querySelector('.gp-name') &&"
        " r.querySelector('.gp-name').textContent === 'Tamanjaya'; })"
        ".map(function (r) { return r.cells[1].innerText; });"
    )
    assert sorted(rows) == sorted(
        [
            "Tamanjaya\nKec. Sumur, Kab. Pandeglang",
            "Tamanjaya\nKec. Cikulur, Kab. Lebak",
        ]
    ), rows
    box = browser.find_element("css selector", ".gp-search input")
    box.send_keys("Tamanjaya")
    wait_visible(browser, ".gp-search-results li")
    hits = [
        li.text for li in browser.find_elements("css selector", ".gp-search-results li")
    ]
    assert len(hits) == 2 and len(set(hits)) == 2, hits
    assert any("Kec. Sumur, Kab. Pandeglang" in h for h in hits), hits
    assert any("Kec. Cikulur, Kab. Lebak" in h for h in hits), hits
    box.clear()
    box.send_keys("Tamanjaya Sumur")
    wait_until(
        browser,
        "document.querySelectorAll('.gp-search-results li').length === 1 &&"
        " document.querySelector('.gp-search-results li').dataset.id"
        " === '36.01.01.2006'",
    )
    arm_moveend(browser)
    browser.find_element("css selector", ".gp-search-results li").click()
    wait_until(browser, "window.gpMoveEnded")
    tip = wait_visible(browser, ".leaflet-tooltip.gp-tooltip")
    assert "Tamanjaya" in tip.text
    assert "Kec. Sumur, Kab. Pandeglang" in tip.text
    rect = tip.rect
    assert rect["width"] > 0 and rect["height"] > 0
    save_screenshot(browser, "desa_search_place.png")


def _levels_map(folder: Path) -> Path:
    geoms = squares(4, per_row=2, origin=(106.0, -6.5), size=0.1)
    areas = gpd.GeoDataFrame(
        {
            "area_id": [
                "36.01.01.2001",
                "36.01.01.2002",
                "36.01.02.2001",
                "36.01.02.2002",
            ],
            "area_name": ["A", "B", "C", "D"],
            "priority_score": [10.0, 40.0, 70.0, 90.0],
            "priority_rank": [4, 3, 2, 1],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    kec = areas.dissolve(by=areas["area_id"].str[:8]).reset_index(drop=True)
    kec = kec.assign(
        area_id=["36.01.01", "36.01.02"],
        area_name=["Satu", "Dua"],
        priority_score=[40.0, 90.0],
        priority_rank=[2, 1],
    )
    ck = classify_scores(kec["priority_score"], scheme="prioritas", k=4)
    kec = kec.assign(priority_class=ck.classes)
    level = MapLevel(
        "kecamatan", kec, ck, title="Judul kecamatan", subtitle="Sub kecamatan"
    )
    m = build_map(
        areas,
        c,
        texts=MapText("Judul desa", "Sub desa"),
        label="desa/kelurahan",
        levels=[level],
    )
    page = folder / "levels.html"
    page.write_text(render_html(m), encoding="utf-8")
    return page


def _header(driver: Any) -> list[str]:
    return driver.execute_script(
        "var h = document.querySelector('.gp-header');"
        "var shown = Array.from(h.querySelectorAll('h1, p')).filter(function (n) {"
        " return n.getBoundingClientRect().height > 0; });"
        "return [shown.map(function (n) { return n.innerText; }).join(' | '),"
        " document.title];"
    )


def test_level_switch_changes_title_and_subtitle(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    open_map(browser, _levels_map(tmp_path))
    assert _header(browser) == ["Judul desa | Sub desa", "Judul desa"]
    Select(browser.find_element("id", "gp-level")).select_by_index(1)
    assert _header(browser) == ["Judul kecamatan | Sub kecamatan", "Judul kecamatan"]
    Select(browser.find_element("id", "gp-level")).select_by_index(0)
    assert _header(browser) == ["Judul desa | Sub desa", "Judul desa"]


# --- labels on the real demo map ----------------------------------------------

LABELS_REPORT = """
var m = window.geoPriority.map, c = m.getContainer().getBoundingClientRect();
return Array.from(document.querySelectorAll('.gp-label')).map(function (n) {
  var r = n.getBoundingClientRect();
  var corners = [[r.left, r.top], [r.right, r.top], [r.right, r.bottom],
                 [r.left, r.bottom]].map(function (p) {
    var ll = m.containerPointToLatLng(L.point(p[0] - c.left, p[1] - c.top));
    return [ll.lng, ll.lat]; });
  var before = n.style.pointerEvents; n.style.pointerEvents = 'auto';
  var top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  n.style.pointerEvents = before;
  return {id: n.dataset.id, text: n.innerText.replace(/\\s+/g, ' '),
          box: [r.left, r.top, r.right, r.bottom], corners: corners,
          leader: n.classList.contains('gp-label-leader'),
          shown: r.width > 0 && r.height > 0
                 && getComputedStyle(n).visibility !== 'hidden'
                 && r.left >= c.left && r.right <= c.right
                 && r.top >= c.top && r.bottom <= c.bottom,
          topmost: Boolean(top && n.contains(top))};
});
"""


@pytest.fixture(scope="module")
def demo_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from click.testing import CliRunner

    from geo_priority.cli import cli

    mirror = require_shared("upstream")
    context = require_shared("boundaries", CONTEXT)
    out = tmp_path_factory.mktemp("demo_labels")
    args = ["demo", "--out", str(out), "--mirror", str(mirror)]
    result = CliRunner().invoke(cli, [*args, "--context", str(context)])
    assert result.exit_code == 0, result.output
    return out / "demo_banten_kabkota.html", out / "demo_banten_kabkota.gpkg"


def _check_labels(driver: Any, areas: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    labels = driver.execute_script(LABELS_REPORT)
    by_id = {str(i): g for i, g in zip(areas["area_id"], areas.geometry, strict=True)}
    assert sorted(lb["id"] for lb in labels) == sorted(by_id), labels
    for lb in labels:
        assert lb["shown"] and lb["topmost"], lb
        box = shapely.Polygon(lb["corners"])
        own = by_id[lb["id"]]
        if lb["leader"]:
            # beside its area: not on it, and not over another area's interior
            assert own.intersection(box).area < 0.02 * box.area, lb
            others = [g for i, g in by_id.items() if i != lb["id"]]
            over = sum(g.intersection(box).area for g in others) / box.area
            assert over < 0.05, (lb, over)
        else:
            assert own.contains(box), (lb, own.difference(box).area)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            ax, bx = a["box"], b["box"]
            meet = ax[0] < bx[2] and bx[0] < ax[2] and ax[1] < bx[3] and bx[1] < ax[3]
            assert not meet, (a, b)
    return labels


@pytest.mark.integration
def test_every_kabkota_label_is_shown_inside_its_own_area(browser, demo_map):
    html, gpkg = demo_map
    areas = gpd.read_file(gpkg).to_crs(4326)
    areas = areas[areas.geometry.notna()]
    assert len(areas) == 8
    open_map(browser, html)
    labels = _check_labels(browser, areas)
    texts = {lb["id"]: lb["text"] for lb in labels}
    names = dict(zip(areas["area_id"].astype(str), areas["area_name"], strict=True))
    for code, text in texts.items():
        assert text.replace("Kab. ", "Kabupaten ") == names[code].replace(
            "Kab. ", "Kabupaten "
        ), (code, text)
    save_screenshot(browser, "demo_labels.png")
    # after a table click and zoom the labels shown still follow the rule
    arm_moveend(browser)
    browser.find_element("css selector", "#gp-panel tbody tr").click()
    wait_until(browser, "window.gpMoveEnded")
    shown = browser.execute_script(LABELS_REPORT)
    for lb in shown:
        if not lb["leader"]:
            own = dict(zip(areas["area_id"].astype(str), areas.geometry, strict=True))
            assert own[lb["id"]].contains(shapely.Polygon(lb["corners"])), lb


# --- labels on the static figure ----------------------------------------------


def _figure_label_boxes(size: str) -> tuple[Any, gpd.GeoDataFrame, list[Any]]:
    from geo_priority import pipeline
    from geo_priority.demo import demo_config
    from geo_priority.render.figure import build_figure

    mirror = require_shared("upstream")
    result = pipeline.analyse(demo_config(out=Path("."), mirror=str(mirror)))
    fig = build_figure(
        result.areas, result.classification, texts=MapText("Uji"), size=size
    )
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = fig.findobj(lambda a: a.get_gid() == "area_label")
    return (ax, renderer), result.areas, labels


@pytest.mark.integration
@pytest.mark.parametrize("size", ["a4", "slide"])
def test_figure_labels_lie_inside_their_own_area(size):
    (ax, renderer), areas, labels = _figure_label_boxes(size)
    proj = areas.to_crs(areas.estimate_utm_crs())
    by_name = {str(n): g for n, g in zip(proj["area_name"], proj.geometry, strict=True)}
    assert len(labels) == 8
    seen = set()
    for label in labels:
        name = " ".join(label.get_text().split()).replace("Kab. ", "Kabupaten ")
        seen.add(name)
        own = by_name[name]
        extent = Text.get_window_extent(label, renderer)  # the text, not its leader
        (x0, y0), (x1, y1) = ax.transData.inverted().transform(extent.get_points())
        box = shapely.box(x0, y0, x1, y1)
        if label.arrow_patch is None:
            assert own.contains(box), (name, own.intersection(box).area / box.area)
        else:  # a callout: beside its area, not over another one
            others = [g for n, g in by_name.items() if n != name]
            over = sum(g.intersection(box).area for g in others) / box.area
            assert own.intersection(box).area < 0.02 * box.area, name
            assert over < 0.05, (name, over)
    assert seen == set(by_name)
