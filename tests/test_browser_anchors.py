"""Label anchors computed by the page (geo_priority_labels.js ``anchor``).

A layer of more than ``display.BROWSER_ANCHORS`` areas (the national desa)
comes without Python's anchors (``lp``); the page computes an area's anchor
from its drawn rings when a label needs it, by the rule of
``display.label_anchor``. On the real Banten desa (1,552 areas, many narrow
or ragged ones; made to be anchored by the page here) every such anchor must
lie inside its own area, as drawn and as given, and land where Python's
rule puts it on the same drawn rings; turning the labels on anchors only
areas in view that are large enough to hold a name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_priority.classify import classify_scores
from geo_priority.render import MapText, build_map, display, render_html
from geo_priority.render.display import display_geometry, label_anchors
from geo_priority.render.spec import map_spec
from geo_priority.schema import CLASS, ID, NAME, RANK, SCORE

from browser import (
    arm_moveend,
    console_errors,
    open_map,
    require_browser,
    start_browser,
    wait_until,
)
from conftest import require_shared

pytestmark = [pytest.mark.browser, pytest.mark.integration]

DESA = "banten_desa_ocha_bps2020.geojson"

#: Every area's anchor as the page computes it, with its code.
ANCHORS = """
var g = window.geoPriority, out = [];
for (var i = 0; i < g.v.props.length; i++) { out.push([g.v.props[i].id, g.anchor(i)]); }
return out;
"""


@pytest.fixture(scope="module")
def browser() -> Any:
    require_browser()
    driver = start_browser(1280, 720)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def banten(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, gpd.GeoDataFrame]]:
    desa = gpd.read_file(require_shared("boundaries", DESA)).to_crs(4326)
    score = pd.Series((np.arange(len(desa)) * 7919 % 1000) / 10.0)
    c = classify_scores(score, scheme="quantiles", k=5)
    areas = gpd.GeoDataFrame(
        {
            ID: desa["village_code"].astype(str),
            NAME: desa["village"],
            SCORE: score,
            RANK: score.rank(ascending=False, method="min").astype("Int64"),
            CLASS: c.classes,
        },
        geometry=desa.geometry,
        crs=4326,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(display, "BROWSER_ANCHORS", 0)  # anchored by the page
        props = map_spec(areas, c, texts=MapText("Uji"))["views"][0]["props"]
        assert not any("lp" in p for p in props)
        html = render_html(build_map(areas, c, texts=MapText("Uji")))
    page = tmp_path_factory.mktemp("anchors") / "banten_desa.html"
    page.write_text(html, "utf-8")
    yield page, areas


def _drawn(areas: gpd.GeoDataFrame) -> list[shapely.Geometry]:
    """Each area's polygons as the page draws them (decoded display rings)."""
    shown = display_geometry(areas)
    out = []
    for polygons in shown.rings:
        parts = []
        for rings in polygons:
            xy = [
                np.cumsum(np.reshape(r, (-1, 2)), axis=0) / shown.scale for r in rings
            ]
            parts.append(shapely.Polygon(xy[0], xy[1:]))
        out.append(shapely.MultiPolygon(parts))
    return out


def test_page_anchors_lie_inside_their_own_banten_desa(browser, banten):
    page, areas = banten
    open_map(browser, page, timeout=60)
    anchors = browser.execute_script(ANCHORS)
    assert console_errors(browser) == []
    assert [a[0] for a in anchors] == areas[ID].to_list()
    points = shapely.points([[lon, lat] for _, (lat, lon) in anchors])
    drawn = np.array(_drawn(areas), dtype=object)
    given = np.asarray(areas.geometry.values)
    assert shapely.contains(drawn, points).all(), np.flatnonzero(
        ~shapely.contains(drawn, points)
    )
    assert shapely.contains(given, points).all(), np.flatnonzero(
        ~shapely.contains(given, points)
    )
    # the same rule as Python's on the same rings: nearly the same point
    # (the two pole searches may settle on either of two like places)
    python = label_anchors(drawn)
    off = np.hypot(
        (shapely.get_x(points) - [p[1] for p in python])
        * np.cos(np.radians([p[0] for p in python])),
        shapely.get_y(points) - [p[0] for p in python],
    ) / np.sqrt(shapely.area(drawn))
    assert np.median(off) < 0.02, np.quantile(off, [0.5, 0.9, 0.99])
    assert np.mean(off < 0.05) > 0.9, np.quantile(off, [0.5, 0.9, 0.99])


def test_labels_anchor_only_the_areas_in_view(browser, banten):
    page, areas = banten
    open_map(browser, page, timeout=60)
    count = (
        "return window.geoPriority.v.props"
        ".filter(function (p) { return p.lp; }).length;"
    )
    assert browser.execute_script(count) == 0  # nothing before a label needs it
    arm_moveend(browser)
    browser.execute_script("window.geoPriority.map.setView([-6.2, 106.63], 13);")
    wait_until(browser, "window.gpMoveEnded")
    browser.execute_script("window.geoPriority.toggleLabels(true);")
    wait_until(browser, "document.querySelectorAll('.gp-label').length > 0")
    anchored = browser.execute_script(count)
    assert 0 < anchored < len(areas) / 4
    labelled = browser.execute_script(
        "return Array.from(document.querySelectorAll('.gp-label'))"
        ".map(function (n) { return n.dataset.id; });"
    )
    has_lp = browser.execute_script(
        "return window.geoPriority.v.props.filter(function (p) { return p.lp; })"
        ".map(function (p) { return p.id; });"
    )
    assert set(labelled) <= set(has_lp)
    assert console_errors(browser) == []


def test_placement_anchors_a_feature_without_lp_from_its_geometry(browser, banten):
    page, areas = banten
    geoms = np.asarray(areas.geometry.values)
    largest = int(np.argmax(shapely.area(geoms)))
    lat, lon = label_anchors(geoms[largest : largest + 1])[0]
    open_map(browser, page, timeout=60)
    arm_moveend(browser)
    browser.execute_script(
        "window.geoPriority.map.setView([arguments[0], arguments[1]], 12);", lat, lon
    )
    wait_until(browser, "window.gpMoveEnded")
    placed = browser.execute_script(
        "var gp = window.geoPriority, i = arguments[0], p = gp.v.props[i];"
        "var f = {type: 'Feature', properties: {id: p.id, name: p.name},"
        " geometry: gp.v.areas.features[i].geometry};"
        "var out = window.GeoPriorityLabels.place(gp.map, [f],"
        " {obstacles: [], max: 5, callouts: false, context: []});"
        "return out.map(function (q) { return q.feature.properties.id; });",
        largest,
    )
    assert placed == [areas[ID].iloc[largest]]
