"""The map's ranked table: virtual rows, search, province and kab/kota filters.

A synthetic layer of 5,000 desa (squares, Kemendagri-shaped codes in two
provinces and five kab/kota, unique scores so ranks 1..5000) is opened in
real headless Chromium at 1280x720 (tests/browser.py), offline. What a person
sees is checked: rows inside the table's box, readable, the selected row's
colour on screen, the count "n dari N".
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
from geo_priority.render import MapText, build_map, render_html
from geo_priority.render._table_filters import table_filters
from geo_priority.schema import PLACE

from browser import (
    arm_moveend,
    boxes_meet,
    console_errors,
    open_map,
    require_browser,
    save_screenshot,
    start_browser,
    wait_until,
    wait_visible,
)
from geodata import squares

pytestmark = pytest.mark.browser

N = 5000
#: 1,000 desa in each kab/kota, in this order (province 36 Banten, 32 Jawa Barat).
KABS = {
    "36.01": "Kab. Pandeglang",
    "36.02": "Kab. Lebak",
    "36.03": "Kab. Tangerang",
    "32.01": "Kab. Bogor",
    "32.73": "Kota Bandung",
}
KEC = ["Sumur", "Cikulur", "Bayah", "Malingping", "Panimbang"]
STEMS = ["Suka", "Ci", "Mekar", "Kali", "Tanjung", "Bojong", "Pasir", "Karang"]
ENDS = ["maju", "jaya", "sari", "mulya", "rahayu", "asih", "wangi", "anyar"]
#: One desa with an accent in its name, found by "cibeber" and "BEBER IL".
ODD = 1234
ODD_NAME = "Cibéber Ilir"
#: One desa whose name starts with "jaya" (624 others hold it inside).
PREFIXED, PREFIXED_NAME = 4321, "Jayaraharja"
#: Background of the selected row (geo_priority.css, tr.gp-selected).
SELECTED_ROW = (0xFF, 0xE0, 0x8A)


def synthetic_desa(n: int = N) -> gpd.GeoDataFrame:
    """``n`` desa with codes, names, places and ranks 1..n (5 kab/kota).

    With the default 5,000: 1,000 desa per kab/kota, 5 kecamatan of 200 each.
    benchmarks/measure_table_dom.py builds the national count (83,402).
    """
    kabs = list(KABS)
    per = -(-n // len(kabs))  # desa per kab/kota
    codes, names, places = [], [], []
    special = {ODD: ODD_NAME, PREFIXED: PREFIXED_NAME}
    for i in range(n):
        kab, within = kabs[i // per], i % per
        kec = within * len(KEC) // per
        first = -(-kec * per // len(KEC))  # the kecamatan's first desa
        codes.append(f"{kab}.{kec + 1:02d}.{2001 + within - first}")
        names.append(special.get(i, f"{STEMS[i % 8]}{ENDS[(i // 8) % 8]} {i // 64}"))
        places.append(f"Kec. {KEC[kec]}, {KABS[kab]}")
    score = pd.Series([(i * 7919) % n / (n / 100) for i in range(n)], dtype=float)
    areas = gpd.GeoDataFrame(
        {
            "area_id": codes,
            "area_name": names,
            PLACE: places,
            "priority_score": score,
            "priority_rank": score.rank(ascending=False, method="min").astype("Int64"),
        },
        geometry=squares(n, per_row=100, origin=(106.0, -7.0), size=0.01),
        crs="EPSG:4326",
    )
    return areas


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return synthetic_desa()


@pytest.fixture(scope="module")
def table_map(
    areas: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=5)
    m = build_map(areas.assign(priority_class=c.classes), c, texts=MapText("Uji tabel"))
    page = tmp_path_factory.mktemp("table_map") / "tabel.html"
    page.write_text(render_html(m), encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def browser():
    require_browser()
    driver = start_browser(1280, 720)
    yield driver
    driver.quit()


# --- the filters' names (no browser) -------------------------------------------


def test_filters_name_the_provinces_and_kab_kota_present(
    areas: gpd.GeoDataFrame,
) -> None:
    found = table_filters(areas)
    assert found["prov"] == [["36", "Prov. Banten"], ["32", "Prov. Jawa Barat"]]
    assert found["kab"] == [
        ["3273", "Kota Bandung"],
        ["3201", "Kab. Bogor"],
        ["3602", "Kab. Lebak"],
        ["3601", "Kab. Pandeglang"],
        ["3603", "Kab. Tangerang"],
    ]


def test_filters_of_bps_codes_and_of_a_kab_kota_level() -> None:
    desa = pd.DataFrame({"area_id": ["3601140003", "3673010001"]})
    desa.attrs.update(code_system="bps", level="desa")
    # no place given: kab/kota and province from the reference
    assert table_filters(desa) == {
        "prov": [["36", "Prov. Banten"]],
        "kab": [["3601", "Kab. Pandeglang"], ["3673", "Kota Serang"]],
    }
    kab = pd.DataFrame({"area_id": ["36.01", "32.73"], PLACE: ["Prov. Banten", ""]})
    assert table_filters(kab) == {
        "prov": [["36", "Prov. Banten"], ["32", "Prov. Jawa Barat"]]
    }
    # not region codes: no filters, the table still works
    assert table_filters(pd.DataFrame({"area_id": ["A", "B"]})) == {}


# --- in the browser -------------------------------------------------------------

ROWS = """
var wrap = document.querySelector('#gp-panel .gp-table-wrap');
var w = wrap.getBoundingClientRect();
var head = wrap.querySelector('th').getBoundingClientRect();  // sticky
return Array.from(wrap.querySelectorAll('tbody tr')).map(function (tr) {
  var r = tr.getBoundingClientRect();
  return {id: tr.dataset.id, rank: tr.cells[0].textContent,
          name: tr.querySelector('.gp-name').textContent,
          place: (tr.querySelector('.gp-place') || {}).textContent || '',
          title: tr.querySelector('.gp-named').title,
          box: [r.left, r.top, r.right, r.bottom],
          shown: r.top >= head.bottom - 1 && r.bottom <= w.bottom + 1,
          selected: tr.classList.contains('gp-selected')};
});
"""


def _rows(driver: Any, *, shown: bool = True) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = driver.execute_script(ROWS)
    return [r for r in rows if r["shown"]] if shown else rows


def _count(driver: Any) -> str:
    text: str = driver.execute_script(
        "return document.querySelector('.gp-table-count').textContent;"
    )
    return text


def _box(driver: Any, css: str) -> list[float]:
    box: list[float] = driver.execute_script(
        "var r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom];",
        css,
    )
    return box


def _scroll(driver: Any, top: str) -> None:
    driver.execute_script(
        "var w = document.querySelector('#gp-panel .gp-table-wrap');"
        f"w.scrollTop = {top}; w.dispatchEvent(new Event('scroll'));"
    )


def _type(driver: Any, css: str, text: str) -> None:
    box = driver.find_element("css selector", css)
    box.clear()
    box.send_keys(text)


def _choose(driver: Any, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_value(value)


def _reset(driver: Any) -> None:
    driver.find_element("css selector", ".gp-reset a").click()
    wait_until(
        driver,
        "document.querySelector('.gp-table-count').textContent === '5.000 dari 5.000'",
    )


def test_only_the_rows_in_view_are_in_the_page(browser: Any, table_map: Path) -> None:
    open_map(browser, table_map)
    assert _count(browser) == "5.000 dari 5.000"
    # the legend's counts group their digits as the table does: 1.000, not 1000
    counts = [e.text for e in browser.find_elements("css selector", ".gp-count")]
    assert counts == ["(997)", "(1.000)", "(1.000)", "(1.000)", "(1.003)"], counts
    rows = _rows(browser, shown=False)
    assert 10 <= len(rows) < 200, len(rows)
    assert len(browser.find_elements("css selector", "#gp-panel tr")) < 200
    shown = _rows(browser)
    # ranks 1, 2, 3... from the top, all in the table's box at 1280x720
    assert [r["rank"] for r in shown[:5]] == ["1", "2", "3", "4", "5"]
    assert len(shown) >= 8
    wrap = _box(browser, "#gp-panel .gp-table-wrap")
    for r in shown:
        assert wrap[0] <= r["box"][0] and r["box"][2] <= wrap[2] + 0.5, r
    # the scroll box is as tall as all 5,000 rows
    heights = browser.execute_script(
        "var w = document.querySelector('#gp-panel .gp-table-wrap');"
        "return [w.scrollHeight, w.querySelector('thead').offsetHeight,"
        " window.geoPriority.table.rowH];"
    )
    assert heights[0] == pytest.approx(heights[1] + N * heights[2], abs=2), heights
    assert (
        browser.execute_script("return document.getElementsByTagName('*').length")
        < 2000
    )
    # a place longer than the column ("Kec. Malingping, Kab. Pandeglang") breaks
    # after its comma onto a second line: whole, inside its cell, not clipped
    clipped = browser.execute_script(
        "return Array.from(document.querySelectorAll('#gp-panel .gp-place'))"
        ".filter(function (p) { var c = p.parentNode.getBoundingClientRect();"
        " return p.scrollHeight > p.clientHeight + 1 ||"
        " Array.from(p.children).some(function (s) {"
        "  var r = s.getBoundingClientRect(); return r.right > c.right + 0.5; }); })"
        ".map(function (p) { return p.textContent; });"
    )
    assert clipped == [], clipped
    assert browser.execute_script(
        "return document.querySelector('#gp-panel table')"
        ".classList.contains('gp-rows-2');"
    )
    # the end: the last rank is in view, readable
    _scroll(browser, "w.scrollHeight")
    wait_until(
        browser,
        "Array.from(document.querySelectorAll('#gp-panel tbody tr'))"
        ".some(function (tr) { return tr.cells[0].textContent === '5000'; })",
    )
    shown = _rows(browser)
    assert shown[-1]["rank"] == "5000", shown[-1]
    assert len(_rows(browser, shown=False)) < 200
    last = browser.execute_script(
        "var tr = Array.from(document.querySelectorAll('#gp-panel tbody tr')).pop();"
        "var r = tr.cells[2].getBoundingClientRect();"
        "var hit = document.elementFromPoint((r.left + r.right) / 2,"
        " (r.top + r.bottom) / 2);"
        "return {top: tr.contains(hit), font: getComputedStyle(tr).fontSize};"
    )
    assert last["top"] and float(last["font"].rstrip("px")) >= 13, last
    # the middle: rows 2500.. follow on without a gap
    _scroll(browser, "2499 * window.geoPriority.table.rowH")
    wait_until(
        browser,
        "Array.from(document.querySelectorAll('#gp-panel tbody tr'))"
        ".some(function (tr) { return tr.cells[0].textContent === '2500'; })",
    )
    ranks = [int(r["rank"]) for r in _rows(browser)]
    assert ranks[0] == 2500 and ranks == list(range(2500, 2500 + len(ranks))), ranks
    save_screenshot(browser, "table_virtual_middle.png")
    assert console_errors(browser) == []


def test_search_finds_a_name_with_its_place(
    browser: Any, table_map: Path, areas: gpd.GeoDataFrame
) -> None:
    open_map(browser, table_map)
    rank = int(areas.loc[ODD, "priority_rank"])
    place = "Kec. Cikulur, Kab. Lebak"
    assert areas.loc[ODD, PLACE] == place
    for query in ("cibeber", "BEBER IL", "Cibéber cikulur"):
        _type(browser, ".gp-table-search", query)
        wait_until(
            browser,
            "document.querySelector('.gp-table-count').textContent === '1 dari 5.000'",
        )
        (row,) = _rows(browser, shown=False)
        assert row["shown"] and row["name"] == ODD_NAME, row
        assert row["place"] == place and row["rank"] == str(rank), row
    save_screenshot(browser, "table_search.png")
    # Enter on the only hit shows it on the map, as a click on its row does
    from selenium.webdriver.common.keys import Keys

    arm_moveend(browser)
    browser.find_element("css selector", ".gp-table-search").send_keys(Keys.ENTER)
    wait_until(browser, "window.gpMoveEnded")
    selected = browser.execute_script("return window.geoPriority.selected;")
    assert selected == areas.loc[ODD, "area_id"]
    # the map's search box: "Desa X" with "Kec. Y, Kab. Z" under it
    _type(browser, ".gp-search input", "cibeber ilir")
    hit = wait_visible(browser, ".gp-search-results li")
    assert hit.text.split("\n")[:2] == [
        ODD_NAME,
        f"{place} · {areas.loc[ODD, 'area_id']}",
    ]
    # a name starting with the query first, then the others holding it by rank
    _type(browser, ".gp-search input", "jaya")
    wait_until(browser, "document.querySelectorAll('.gp-search-results li').length > 8")
    ids = browser.execute_script(
        "return Array.from(document.querySelectorAll('.gp-search-results li[data-id]'))"
        ".map(function (n) { return n.dataset.id; });"
    )
    by_id = areas.set_index("area_id")
    assert len(ids) == 8 and by_id.loc[ids[0], "area_name"] == PREFIXED_NAME
    assert int(by_id.loc[ids[0], "priority_rank"]) > 1000  # not first by rank
    ranks = [int(by_id.loc[i, "priority_rank"]) for i in ids[1:]]
    assert ranks == sorted(ranks) and all(
        "jaya" in by_id.loc[i, "area_name"].lower() for i in ids
    )
    assert int(areas["area_name"].str.contains("jaya", case=False).sum()) == 625
    more = browser.find_element("css selector", ".gp-search-results li.gp-more").text
    assert more.startswith(f"dan {625 - 8} lainnya"), more
    _reset(browser)


def test_filters_narrow_the_table_and_combine_with_search(
    browser: Any, table_map: Path, areas: gpd.GeoDataFrame
) -> None:
    from selenium.webdriver.support.ui import Select

    open_map(browser, table_map)
    provs = [
        o.text for o in Select(browser.find_element("id", "gp-filter-prov")).options
    ]
    assert provs == ["Semua provinsi", "Prov. Banten", "Prov. Jawa Barat"]
    _choose(browser, "gp-filter-prov", "32")
    assert _count(browser) == "2.000 dari 5.000"
    kabs = [o.text for o in Select(browser.find_element("id", "gp-filter-kab")).options]
    assert kabs == ["Semua kab/kota", "Kota Bandung", "Kab. Bogor"]
    assert all(r["id"].startswith("32.") for r in _rows(browser, shown=False))
    _choose(browser, "gp-filter-kab", "3273")
    assert _count(browser) == "1.000 dari 5.000"
    rows = _rows(browser)
    # the filter names the kab/kota: the row's place keeps the kecamatan
    assert rows and all(r["place"] in [f"Kec. {k}" for k in KEC] for r in rows), rows
    assert all(r["title"].endswith(", Kota Bandung") for r in rows), rows
    # ranks still ascending, the first the best-ranked desa of Kota Bandung
    bandung = areas[areas["area_id"].str.startswith("32.73.")]
    assert int(rows[0]["rank"]) == int(bandung["priority_rank"].min())
    # with a search: desa of Kota Bandung whose name holds "sari"
    _type(browser, ".gp-table-search", "sari")
    expected = int(bandung["area_name"].str.contains("sari").sum())
    # "sari" ends the names of desa i with (i // 8) % 8 == 2: in 4000..4999
    # that is i // 8 = 506, 514, ..., 618, 15 blocks of 8
    assert expected == 120
    wait_until(
        browser,
        "document.querySelector('.gp-table-count').textContent"
        f" === '{expected} dari 5.000'",
    )
    assert all("sari" in r["name"] for r in _rows(browser, shown=False))
    save_screenshot(browser, "table_filters.png")
    # a province without that kab/kota drops the kab/kota choice
    _choose(browser, "gp-filter-prov", "36")
    assert browser.find_element("id", "gp-filter-kab").get_attribute("value") == ""
    banten = areas[areas["area_id"].str.startswith("36.")]
    assert _count(browser) == (
        f"{int(banten['area_name'].str.contains('sari').sum())} dari 5.000"
    )
    _reset(browser)
    assert _count(browser) == "5.000 dari 5.000"


def _screen(driver: Any) -> np.ndarray:
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    return np.asarray(shot, dtype=int)


def test_a_row_click_selects_the_area_visibly(
    browser: Any, table_map: Path, areas: gpd.GeoDataFrame
) -> None:
    open_map(browser, table_map)
    _choose(browser, "gp-filter-kab", "3602")  # Kab. Lebak
    row = _rows(browser)[3]
    arm_moveend(browser)
    browser.find_element("css selector", f"#gp-panel tr[data-id='{row['id']}']").click()
    wait_until(browser, "window.gpMoveEnded")
    assert browser.execute_script("return window.geoPriority.selected;") == row["id"]
    tip = wait_visible(browser, ".leaflet-tooltip.gp-tooltip")
    assert row["name"] in tip.text and "Kec." in tip.text
    (chosen,) = [r for r in _rows(browser) if r["selected"]]
    assert chosen["id"] == row["id"]
    # the row: inside the table's box, clear of the legend, in its colour
    wrap = _box(browser, "#gp-panel .gp-table-wrap")
    box = chosen["box"]
    assert wrap[0] <= box[0] and box[2] <= wrap[2] + 0.5
    assert wrap[1] <= box[1] and box[3] <= wrap[3] + 0.5
    assert not boxes_meet(box, _box(browser, ".gp-legend"))
    assert not boxes_meet(wrap, _box(browser, ".gp-legend"))
    pixels = _screen(browser)
    left, top, right, bottom = (int(v) for v in box)
    patch = pixels[top + 3 : bottom - 3, left + 2 : right - 2]
    near = np.abs(patch - np.array(SELECTED_ROW)).max(axis=2) <= 4
    assert near.mean() > 0.4, near.mean()
    assert (patch.max(axis=2) < 90).sum() > 40  # dark text on it
    save_screenshot(browser, "table_row_selected.png")
    # the area on the map is the one outlined: its layer has the thick outline
    assert (
        browser.execute_script(
            "var g = window.geoPriority; return g.byId[arguments[0]].options.weight;",
            row["id"],
        )
        == 4
    )
    _reset(browser)


def test_keyboard_moves_the_row_cursor_and_enter_selects(
    browser: Any, table_map: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    open_map(browser, table_map)
    cursor = (
        "var tr = document.querySelector('#gp-panel tr.gp-cursor');"
        "return tr ? tr.cells[0].textContent : null;"
    )
    # from the filter box, arrow down goes into the table, onto its first row
    browser.find_element("css selector", ".gp-table-search").click()
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    wrap = browser.switch_to.active_element
    assert "gp-table-wrap" in wrap.get_attribute("class")
    assert browser.execute_script(cursor) == "1"
    for _ in range(3):
        wrap.send_keys(Keys.ARROW_DOWN)
    assert browser.execute_script(cursor) == "4"  # three rows down
    wrap.send_keys(Keys.PAGE_DOWN)
    page = int(browser.execute_script(cursor))
    assert page > 8, page  # a page of rows further
    (row,) = [r for r in _rows(browser) if r["rank"] == str(page)]
    assert row["shown"]
    wrap.send_keys(Keys.END)
    wait_until(
        browser,
        "document.querySelector('#gp-panel tr.gp-cursor') &&"
        " document.querySelector('#gp-panel tr.gp-cursor')"
        ".cells[0].textContent === '5000'",
    )
    (last,) = [r for r in _rows(browser) if r["rank"] == "5000"]
    assert last["shown"]
    arm_moveend(browser)
    wrap.send_keys(Keys.ENTER)
    wait_until(browser, "window.gpMoveEnded")
    assert browser.execute_script("return window.geoPriority.selected;") == last["id"]
    assert browser.execute_script(
        "return document.activeElement.classList.contains('gp-table-wrap');"
    )
    assert console_errors(browser) == []
    _reset(browser)


def test_english_table_counts_and_filters(
    browser: Any, areas: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    c = classify_scores(areas["priority_score"], scheme="quantiles", k=5)
    m = build_map(
        areas.assign(priority_class=c.classes), c, texts=MapText("Test"), lang="en"
    )
    page = tmp_path / "table_en.html"
    page.write_text(render_html(m), encoding="utf-8")
    open_map(browser, page)
    assert _count(browser) == "5,000 of 5,000"
    counts = [e.text for e in browser.find_elements("css selector", ".gp-count")]
    assert counts == ["(997)", "(1,000)", "(1,000)", "(1,000)", "(1,003)"], counts
    kab = Select(browser.find_element("id", "gp-filter-kab"))
    assert kab.options[0].text == "All regencies/cities"
    _choose(browser, "gp-filter-kab", "3601")
    assert _count(browser) == "1,000 of 5,000"
    search = browser.find_element("css selector", ".gp-table-search")
    assert search.get_attribute("placeholder") == "Filter table: name or place…"
    _type(browser, ".gp-table-search", "zzz")
    wait_until(
        browser,
        "document.querySelector('.gp-table-count').textContent === '0 of 5,000'",
    )
    empty = browser.find_element("css selector", ".gp-table-empty")
    assert empty.is_displayed() and empty.text == "Not found"
    assert console_errors(browser) == []


def test_sorting_a_column_orders_all_rows_not_only_those_drawn(
    browser: Any, table_map: Path, areas: gpd.GeoDataFrame
) -> None:
    open_map(browser, table_map)
    score = browser.find_element("css selector", "#gp-panel th[data-column='score']")
    score.click()  # highest score first: rank 1 on top
    assert _rows(browser)[0]["rank"] == "1"
    score.click()  # and the other way: the lowest of all 5,000 on top
    assert _rows(browser)[0]["rank"] == "5000"
    browser.find_element("css selector", "#gp-panel th[data-column='name']").click()
    first = sorted(areas["area_name"], key=lambda n: n.lower())[0]
    assert _rows(browser)[0]["name"] == first, first
    _scroll(browser, "w.scrollHeight")
    last = sorted(areas["area_name"], key=lambda n: n.lower())[-1]
    wait_until(
        browser,
        "Array.from(document.querySelectorAll('#gp-panel tbody tr .gp-name'))"
        f".some(function (n) {{ return n.textContent === {last!r}; }})",
    )
    assert _rows(browser)[-1]["name"] == last
    assert _count(browser) == "5.000 dari 5.000"


def test_a_level_switch_keeps_a_filter_that_still_applies(
    browser: Any, areas: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    from geo_priority.render import MapLevel

    kec = areas.assign(area_id=areas["area_id"].str[:8]).dissolve(
        "area_id", aggfunc={"priority_score": "mean", PLACE: "first"}, as_index=False
    )
    kec[PLACE] = kec[PLACE].str.split(", ").str[1]  # "Kab. Lebak"
    kec["area_name"] = "Kec " + kec["area_id"]
    kec["priority_score"] = [float(4 * k) for k in range(len(kec))]
    kec["priority_rank"] = kec["priority_score"].rank(ascending=False, method="min")
    kec["priority_rank"] = kec["priority_rank"].astype("Int64")
    c_kec = classify_scores(kec["priority_score"], scheme="quantiles", k=5)
    kec = kec.assign(priority_class=c_kec.classes)
    assert len(kec) == 25
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=5)
    m = build_map(
        areas.assign(priority_class=c.classes),
        c,
        texts=MapText("Uji level"),
        label="desa",
        levels=[MapLevel("kecamatan", kec, c_kec)],
    )
    page = tmp_path / "levels.html"
    page.write_text(render_html(m), encoding="utf-8")
    open_map(browser, page)
    level = Select(browser.find_element("id", "gp-level"))
    level.select_by_visible_text("desa")
    wait_until(browser, "window.geoPriority.v.label === 'desa'")
    _choose(browser, "gp-filter-kab", "3602")
    assert _count(browser) == "1.000 dari 5.000"
    level.select_by_visible_text("kecamatan")
    wait_until(browser, "window.geoPriority.v.label === 'kecamatan'")
    # Kab. Lebak's 5 kecamatan of 25, their place said by the filter
    assert _count(browser) == "5 dari 25"
    assert sorted(r["id"] for r in _rows(browser)) == [
        f"36.02.0{k}" for k in range(1, 6)
    ]
    kab = Select(browser.find_element("id", "gp-filter-kab"))
    assert kab.first_selected_option.text == "Kab. Lebak"
    # the map's search finds a desa while the kecamatan are shown, says its
    # level, and a click shows it at its own level
    _type(browser, ".gp-search input", "cibeber ilir")
    hit = wait_visible(browser, ".gp-search-results li")
    assert hit.text.split("\n") == [
        ODD_NAME,
        f"Kec. Cikulur, Kab. Lebak · {areas.loc[ODD, 'area_id']} · desa",
    ]
    arm_moveend(browser)
    hit.click()
    wait_until(browser, "window.gpMoveEnded")
    assert browser.execute_script("return window.geoPriority.v.label;") == "desa"
    assert level.first_selected_option.text == "desa"
    selected = browser.execute_script("return window.geoPriority.selected;")
    assert selected == areas.loc[ODD, "area_id"]
    # still in Kab. Lebak: the table marks it
    assert _count(browser) == "1.000 dari 5.000"
    (row,) = [r for r in _rows(browser) if r["selected"]]
    assert row["id"] == selected
    assert console_errors(browser) == []
