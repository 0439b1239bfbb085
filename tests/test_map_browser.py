"""The HTML map in a real browser (Debian Chromium), opened from file:// offline."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pytest
from selenium.webdriver.common.by import By

from geo_priority import pipeline
from geo_priority.config import load_config, with_outputs

from browser import (
    arm_moveend,
    background_is_opaque,
    boxes_meet,
    console_errors,
    open_map,
    requested_urls,
    require_browser,
    save_screenshot,
    start_browser,
    tooltip_report,
    wait_until,
    wait_visible,
)
from geodata import squares

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=window.__pwned=1>"
KAB = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72"]
NAMES = [
    "Kab. Pandeglang",
    "Kab. Lebak",
    "Kab. Tangerang",
    XSS,
    "Kota Tangerang",
    "Kota Cilegon",
]
RATE = ["2,0", "1,0", "0,5", "1,5", "0,5", "0,25"]
POP = ["1.000.000", "2.000.000", "4.000.000", "1.000.000", "2.000.000", "500.000"]


def _write_inputs(folder: Path) -> Path:
    geoms = squares(6, per_row=3, origin=(106.0, -6.6), size=0.2)
    gpd.GeoDataFrame(
        {"kode": KAB, "nama": NAMES}, geometry=geoms, crs="EPSG:4326"
    ).to_file(folder / "kab.geojson", driver="GeoJSON")
    rows = ["kode_wilayah;nama;tahun;indicator;value"]
    for code, rate, pop in zip(KAB, RATE, POP, strict=True):
        rows.append(f"{code};x;2022;extreme_poverty_rate;{rate}")
        rows.append(f"{code};x;2023;population;{pop}")
    (folder / "figures.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = folder / "run.toml"
    config.write_text(
        """
title = "Uji peta"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "figures.csv"
code_column = "kode_wilayah"
[scoring]
preset = "kemiskinan-ekstrem"
year = 2022
preset_options = { population_year = 2023 }
[classify]
scheme = "prioritas"
k = 4
[outputs]
dir = "out"
name = "peta"
formats = ["html"]
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("browser_maps")
    config = load_config(_write_inputs(folder))
    out = {}
    for lang in ("id", "en"):
        cfg = with_outputs(config, lang=lang, name=f"peta_{lang}")
        out[lang] = pipeline.run(cfg).outputs["html"]
    return out


@pytest.fixture(scope="module")
def browser():
    require_browser()
    driver = start_browser()
    yield driver
    driver.quit()


def _fills(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('path.leaflet-interactive'))"
        ".map(p => p.getAttribute('fill'));"
    )


def test_offline_no_requests_no_errors_all_drawn(browser, maps):
    requested_urls(browser)  # clear the log
    open_map(browser, maps["id"])
    urls = requested_urls(browser)
    own = maps["id"].resolve().as_uri()
    assert [u for u in urls if u != own and not u.startswith("data:")] == []
    assert console_errors(browser) == []
    assert len(browser.find_elements("css selector", "path.leaflet-interactive")) == 6
    assert browser.execute_script("return window.geoPriority.drawnCount()") == 6
    save_screenshot(browser, "map_small_id.png")


def test_hover_shows_name_and_formatted_values(browser, maps):
    from selenium.webdriver.common.action_chains import ActionChains

    open_map(browser, maps["id"])
    layer = "window.geoPriority.byId['36.01']"
    point = browser.execute_script(
        f"var l = {layer}; var p = window.geoPriority.map.latLngToContainerPoint("
        "l.getBounds().getCenter()); var r = window.geoPriority.map.getContainer()"
        ".getBoundingClientRect(); return [r.left + p.x, r.top + p.y];"
    )
    body = browser.find_element("tag name", "body")
    ActionChains(browser).move_to_element_with_offset(
        body,
        int(point[0] - body.size["width"] / 2),
        int(point[1] - body.size["height"] / 2),
    ).perform()
    tip = wait_visible(browser, ".leaflet-tooltip.gp-tooltip").text
    assert "Kab. Pandeglang" in tip
    assert "2,00%" in tip  # the 2022 rate, Indonesian format, two decimals
    assert "20.000 jiwa" in tip  # rate x population / 100, thousands with a dot
    assert "1 dari 6" in tip


def test_switching_layer_changes_colours(browser, maps):
    from selenium.webdriver.support.ui import Select

    open_map(browser, maps["id"])
    before = _fills(browser)
    Select(browser.find_element("id", "gp-variable")).select_by_index(2)
    after = _fills(browser)
    assert before != after
    legend = browser.find_element("css selector", ".gp-legend").text
    assert "Jumlah penduduk miskin ekstrem" in legend


def test_clicking_a_table_row_zooms_to_the_area(browser, maps):
    open_map(browser, maps["id"])
    zoom_before = browser.execute_script("return window.geoPriority.map.getZoom()")
    row = browser.find_element("css selector", "#gp-panel tr[data-id='36.72']")
    arm_moveend(browser)
    row.click()
    wait_until(browser, "window.gpMoveEnded")  # the zoom animation has ended
    zoom_after = browser.execute_script("return window.geoPriority.map.getZoom()")
    centre_inside = browser.execute_script(
        "var m = window.geoPriority.map; return window.geoPriority.byId['36.72']"
        ".getBounds().contains(m.getCenter());"
    )
    assert zoom_after > zoom_before
    assert centre_inside
    assert "gp-selected" in row.get_attribute("class")


def test_xss_probe_runs_nothing_and_shows_as_text(browser, maps):
    open_map(browser, maps["id"])
    assert browser.execute_script("return window.__pwned === undefined")
    assert (
        browser.execute_script(
            "return document.querySelectorAll('img[src=\"x\"]').length"
        )
        == 0
    )
    assert XSS in browser.find_element("id", "gp-panel").text


def test_english_and_screenshot(browser, maps):
    open_map(browser, maps["en"])
    assert "Priority class" in browser.find_element("css selector", ".gp-legend").text
    assert "Ranked table" in browser.find_element("id", "gp-panel").text
    save_screenshot(browser, "map_small_en.png")


def test_html_holds_no_machine_paths(maps):
    html = maps["id"].read_text(encoding="utf-8")
    assert str(maps["id"].parent.parent) not in html
    assert "/root/" not in html and "/home/" not in html and "/tmp/" not in html


@pytest.mark.integration
def test_demo_map_in_browser(browser, tmp_path):
    from click.testing import CliRunner

    from geo_priority.cli import cli

    from conftest import require_shared

    mirror = require_shared("upstream")
    context = require_shared(
        "boundaries", "indonesia_kabkota_kemendagri2025_cahyadsn.geojson"
    )
    for lang in ("id", "en"):
        result = CliRunner().invoke(
            cli,
            [
                "demo",
                "--out",
                str(tmp_path / lang),
                "--mirror",
                str(mirror),
                "--lang",
                lang,
                "--context",
                str(context),
            ],
        )
        assert result.exit_code == 0, result.output
        html_text = (tmp_path / lang / "demo_banten_kabkota.html").read_text("utf-8")
        assert '"context":{"rings"' in html_text
        html = tmp_path / lang / "demo_banten_kabkota.html"
        requested_urls(browser)
        open_map(browser, html)
        own = html.resolve().as_uri()
        assert [
            u for u in requested_urls(browser) if u != own and not u.startswith("data:")
        ] == []
        assert console_errors(browser) == []
        assert browser.execute_script("return window.geoPriority.drawnCount()") == 8
        save_screenshot(browser, f"demo_banten_kabkota_{lang}.png")


def test_map_is_complete_when_basemap_tiles_fail(browser, maps, tmp_path):
    from geo_priority.config import load_config as load

    config = load(maps["id"].parent.parent / "run.toml")
    cfg = with_outputs(
        config, name="peta_tiles", basemap="OpenStreetMap.Mapnik", dir=str(tmp_path)
    )
    html = pipeline.run(cfg).outputs["html"]
    open_map(browser, html)
    tiles = [u for u in requested_urls(browser) if u.startswith("http")]
    assert tiles  # the page asked for tiles, and they could not load
    assert browser.execute_script("return window.geoPriority.drawnCount()") == 6
    assert len(browser.find_elements("css selector", "#gp-panel tbody tr")) == 6
    console_errors(browser)  # the failed tiles are expected here; drain them


def test_level_switch_redraws_the_coarser_areas(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    from test_pipeline import _four_desa

    html = pipeline.run(load_config(_four_desa(tmp_path))).outputs["html"]
    console_errors(browser)  # drain messages of earlier pages
    open_map(browser, html)
    assert browser.execute_script("return window.geoPriority.drawnCount()") == 4
    levels = Select(browser.find_element("id", "gp-level"))
    assert [o.text for o in levels.options] == [
        "desa/kelurahan",
        "kecamatan",
        "kabupaten/kota",
    ]
    levels.select_by_index(1)
    assert browser.execute_script("return window.geoPriority.drawnCount()") == 2
    rows = browser.find_elements("css selector", "#gp-panel tbody tr")
    assert [r.get_attribute("data-id") for r in rows] == ["36.01.01", "36.01.02"]
    levels.select_by_index(2)
    assert browser.execute_script("return window.geoPriority.drawnCount()") == 1
    assert console_errors(browser) == []


def test_area_hidden_by_suppression_is_drawn_and_listed_as_such(browser, tmp_path):
    import numpy as np
    import pandas as pd

    from geo_priority.classify import classify_scores
    from geo_priority.config import IndicatorConfig
    from geo_priority.render import MapText, build_map, render_html

    geoms = squares(3, origin=(106.0, -6.5), size=0.1)
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["36.01", "36.02", "36.03"],
            "area_name": ["A", "B", "Tersembunyi"],
            "priority_score": [10.0, 70.0, np.nan],
            "priority_rank": pd.array([2, 1, pd.NA], dtype="Int64"),
            "exclusion": [5.0, 30.0, np.nan],
            "exclusion_suppressed": [False, False, True],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    ind = IndicatorConfig(key="exclusion", unit="%", label="Eksklusi")
    page = tmp_path / "hidden.html"
    page.write_text(
        render_html(build_map(areas, c, indicators=[ind], texts=MapText("T"))),
        encoding="utf-8",
    )
    open_map(browser, page)
    # filled with the hatch pattern (pixels: tests/test_hatch_browser.py)
    assert "url(#gp-hatch)" in _fills(browser)
    row = browser.execute_script(
        "var r = document.querySelector('tr[data-id=\"36.03\"] td.gp-hidden');"
        "return r ? [r.textContent, r.title] : null;"
    )
    assert row == ["tersembunyi", "disembunyikan (< 10)"]
    assert not console_errors(browser)


def _visible_toggle_text(driver) -> str:
    """Return the text of the table toggle that is shown on screen."""
    return driver.execute_script(
        "var b = Array.from(document.querySelectorAll('.gp-panel-head button,"
        " #gp-panel-toggle button')).filter(function (n) {"
        " var r = n.getBoundingClientRect(); return r.width > 0 && r.height > 0; });"
        "return b.length === 1 ? b[0].innerText : b.length + ' buttons';"
    )


@pytest.mark.parametrize(
    ("lang", "hide", "show"),
    [("id", "Sembunyikan", "Tampilkan tabel"), ("en", "Hide", "Show table")],
)
def test_table_toggle_says_what_it_will_do(browser, maps, lang, hide, show):
    open_map(browser, maps[lang])
    assert _visible_toggle_text(browser) == hide
    browser.find_element("css selector", ".gp-panel-head button").click()
    wait_until(browser, "document.body.classList.contains('gp-panel-hidden')")
    assert _visible_toggle_text(browser) == show
    assert not browser.find_element("id", "gp-panel").is_displayed()
    browser.find_element("css selector", "#gp-panel-toggle button").click()
    wait_until(browser, "!document.body.classList.contains('gp-panel-hidden')")
    assert _visible_toggle_text(browser) == hide
    assert browser.find_element("id", "gp-panel").is_displayed()


def test_reset_clears_search_text_and_highlight(browser, maps):
    open_map(browser, maps["id"])
    box = browser.find_element("css selector", ".gp-search input")
    box.send_keys("Lebak")
    hit = wait_visible(browser, ".gp-search-results li")
    arm_moveend(browser)
    hit.click()
    wait_until(browser, "window.gpMoveEnded")
    stroke = "window.geoPriority.byId['36.02'].options"
    assert browser.execute_script(f"return {stroke}.weight") == 4
    assert browser.find_elements("css selector", "#gp-panel tr.gp-selected")
    arm_moveend(browser)
    browser.find_element("css selector", ".gp-reset a").click()
    wait_until(browser, "window.gpMoveEnded")
    assert box.get_attribute("value") == ""
    assert browser.find_elements("css selector", ".gp-search-results li") == []
    assert browser.find_elements("css selector", "#gp-panel tr.gp-selected") == []
    path = browser.execute_script(
        "var e = window.geoPriority.byId['36.02'].getElement();"
        "return [e.getAttribute('stroke'), e.getAttribute('stroke-width')];"
    )
    assert path[0].lower() != "#000000" and float(path[1]) < 3
    row = browser.find_element("css selector", "#gp-panel tr[data-id='36.02']")
    assert row.value_of_css_property("font-weight") in ("400", "normal")


def test_long_layer_names_are_readable_beside_the_table(browser, tmp_path):
    from geo_priority.classify import classify_scores
    from geo_priority.config import IndicatorConfig
    from geo_priority.render import MapText, build_map, render_html

    geoms = squares(4, origin=(106.0, -6.5), size=0.1)
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["36.01", "36.02", "36.03", "36.04"],
            "area_name": ["A", "B", "C", "D"],
            "priority_score": [10.0, 40.0, 70.0, 90.0],
            "priority_rank": [4, 3, 2, 1],
            "long": [1.0, 2.0, 3.0, 4.0],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    name = "Persentase penduduk miskin ekstrem yang belum menerima bantuan sosial"
    ind = IndicatorConfig(key="long", unit="%", label=name)
    page = tmp_path / "long.html"
    page.write_text(
        render_html(build_map(areas, c, indicators=[ind], texts=MapText("T"))),
        encoding="utf-8",
    )
    open_map(browser, page)
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "gp-variable")).select_by_index(1)
    shown = browser.execute_script(
        "var s = document.getElementById('gp-variable');"
        "var n = s.options[s.selectedIndex];"
        "var probe = document.createElement('span');"
        "var cs = getComputedStyle(s); probe.style.font = cs.font;"
        "probe.style.whiteSpace = 'pre'; probe.style.position = 'absolute';"
        "probe.textContent = n.textContent; document.body.appendChild(probe);"
        "var need = probe.getBoundingClientRect().width; probe.remove();"
        "var pad = parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);"
        "return {text: n.textContent, need: need, room: s.clientWidth - pad - 20,"
        " title: s.title};"
    )
    wrapped = browser.execute_script(
        "var n = document.querySelector('.gp-view .gp-layer-name');"
        "if (!n) { return null; } var r = n.getBoundingClientRect();"
        "return {text: n.innerText.replace(/\\s+/g, ' '), w: r.width,"
        " sw: n.scrollWidth, cw: n.clientWidth, sh: n.scrollHeight,"
        " ch: n.clientHeight};"
    )
    assert shown["text"] == name
    # the whole name can be read: in the closed list, or in full under it
    fits = shown["need"] <= shown["room"]
    assert fits or (
        wrapped is not None
        and wrapped["text"] == name
        and wrapped["sw"] <= wrapped["cw"]
        and wrapped["sh"] <= wrapped["ch"]
    ), (shown, wrapped)
    assert shown["title"] == name
    boxes = browser.execute_script(
        "function b(n) { var r = n.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; }"
        "var m = window.geoPriority.map.getContainer().getBoundingClientRect();"
        "return {view: b(document.querySelector('.gp-view')),"
        " panel: b(document.getElementById('gp-panel')),"
        " centre: [(m.left + m.right) / 2, (m.top + m.bottom) / 2]};"
    )
    view, panel, centre = boxes["view"], boxes["panel"], boxes["centre"]
    assert view[2] <= panel[0] or view[0] >= panel[2]  # no overlap with the table
    assert view[2] < centre[0]  # the map's centre stays free
    save_screenshot(browser, "map_long_layer_name.png")


def _assert_tooltip_readable(driver) -> None:
    """The open tooltip is clear of every control, opaque and drawn on top."""
    wait_visible(driver, ".leaflet-tooltip.gp-tooltip")
    report = tooltip_report(driver)
    assert report is not None
    tip, controls = report["tip"], report["controls"]
    assert {"search", "layers", "legend", "zoom"} <= set(controls), controls
    hidden = {n: b for n, b in controls.items() if boxes_meet(tip, b)}
    assert hidden == {}, (tip, hidden)
    m = report["map"]
    assert m[0] <= tip[0] and m[1] <= tip[1] and tip[2] <= m[2] and tip[3] <= m[3]
    assert report["opacity"] == 1, report["opacity"]
    assert background_is_opaque(report["background"]), report["background"]
    assert report["topmost"], report["top"]


def test_tooltip_near_the_left_edge_is_clear_of_the_controls(browser, maps):
    from selenium.webdriver.common.action_chains import ActionChains

    open_map(browser, maps["id"])
    # a point in the left-hand strip, between the top controls and the legend
    point = browser.execute_script(
        "var m = window.geoPriority.map, c = m.getContainer();"
        "var o = c.getBoundingClientRect(), top = 0;"
        "c.querySelectorAll('.leaflet-top.leaflet-left .leaflet-control')"
        ".forEach(function (n) { top = Math.max(top,"
        " n.getBoundingClientRect().bottom); });"
        "var legend = c.querySelector('.gp-legend').getBoundingClientRect();"
        "var y = legend.top - 8;"
        "var at = L.point(20, y - o.top);"
        "var area = m.latLngToContainerPoint("
        "window.geoPriority.byId['36.04'].getBounds().getCenter());"
        "m.panBy(area.subtract(at), {animate: false});"
        "return [o.left + 20, y, legend.top - top];"
    )
    assert point[2] > 16  # there is a gap to hover in
    body = browser.find_element("tag name", "body")
    ActionChains(browser).move_to_element_with_offset(
        body,
        int(point[0] - body.size["width"] / 2),
        int(point[1] - body.size["height"] / 2),
    ).perform()
    _assert_tooltip_readable(browser)
    tip = browser.find_element("css selector", ".leaflet-tooltip.gp-tooltip").text
    assert XSS in tip  # area 36.04, the one under the pointer
    save_screenshot(browser, "map_tooltip_left_edge.png")


def test_tooltip_after_a_table_click_is_clear_of_the_controls(browser, maps):
    for area in KAB:
        open_map(browser, maps["id"])
        row = browser.find_element("css selector", f"#gp-panel tr[data-id='{area}']")
        arm_moveend(browser)
        row.click()
        wait_until(browser, "window.gpMoveEnded")
        _assert_tooltip_readable(browser)


def test_tooltip_after_a_search_pick_is_clear_of_the_controls(browser, maps):
    open_map(browser, maps["en"])
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element("css selector", ".gp-search input")
    box.click()  # the pointer rests on the search box, not on an area
    box.send_keys("Cilegon")
    wait_visible(browser, ".gp-search-results li")
    arm_moveend(browser)
    box.send_keys(Keys.ENTER)  # picks the first hit
    wait_until(browser, "window.gpMoveEnded")
    _assert_tooltip_readable(browser)
    assert (
        "Kota Cilegon"
        in browser.find_element("css selector", ".leaflet-tooltip.gp-tooltip").text
    )
    save_screenshot(browser, "map_tooltip_search.png")


def test_schematic_fallback_has_no_scale_bar_and_labels_every_tile(
    browser, tmp_path, monkeypatch
):
    """Offline with an empty cache the demo draws hexagon tiles: a tile map has no
    distances (no scale bar) and so few areas that every one is named."""
    from click.testing import CliRunner

    from geo_priority.cli import cli
    from geo_priority.io import fetch

    monkeypatch.setenv(fetch.ENV_CACHE, str(tmp_path / "empty-cache"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fallback warns, as it should
        result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    open_map(browser, tmp_path / "m" / "demo_banten_kabkota.html")
    assert browser.find_elements(By.CSS_SELECTOR, ".leaflet-control-scale") == []
    labels = [
        e
        for e in browser.find_elements(By.CSS_SELECTOR, ".gp-label")
        if e.is_displayed()
    ]
    assert len(labels) == 8
    save_screenshot(browser, "demo_schematic_fallback.png")
