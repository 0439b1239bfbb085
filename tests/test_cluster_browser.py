"""A significant LISA cluster is visible on the wired HTML map (Chromium pixels).

A 6 x 6 grid of desa-sized squares whose top-left 3 x 3 block has high P0
(40-42 %) and the rest low (5-7 %). With queen neighbours, 999 conditional
permutations (fixed seed) and the FDR correction, six areas of the block are
a significant high-high cluster (the block's own corner, edge and centre
squares whose neighbours are mostly high); the far corner is not
significant. The map is opened at 1280x720 in headless Chromium, offline, the
"Klaster (LISA)" layer is chosen, and the screenshot's pixels are read.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from browser import (
    console_errors,
    drawn_in,
    open_map,
    require_browser,
    save_screenshot,
    screenshot_pixels,
    start_browser,
)

pytestmark = pytest.mark.browser

N = 6
HIGH_HIGH = [
    "36.01.01.2001",
    "36.01.01.2002",
    "36.01.02.2001",
    "36.01.02.2002",
    "36.01.02.2003",
    "36.01.03.2002",
]
FAR_CORNER = "36.01.06.2006"


def _grid() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    codes, values, geoms = [], [], []
    for r in range(N):
        for c in range(N):
            codes.append(f"36.01.{r + 1:02d}.20{c + 1:02d}")
            high = r < 3 and c < 3
            values.append((40.0 if high else 5.0) + ((r * 7 + c * 3) % 5) * 0.5)
            # shared edges are the same floats, so neighbours touch exactly
            geoms.append(
                box(
                    106 + c * 0.02,
                    -6 - (r + 1) * 0.02,
                    106 + (c + 1) * 0.02,
                    -6 - r * 0.02,
                )
            )
    areas = gpd.GeoDataFrame(
        {"kode": codes, "nama": [f"Desa {i + 1}" for i in range(N * N)]},
        geometry=geoms,
        crs="EPSG:4326",
    )
    return areas, pd.DataFrame({"kode": codes, "p0": values})


@pytest.fixture(scope="module")
def analysis() -> Any:
    import warnings

    import geo_priority as gp

    areas, table = _grid()
    method = {
        "boundaries": {"code_column": "kode", "name_column": "nama"},
        "tables": [{"label": "t", "code_column": "kode"}],
        "scoring": {"indicators": [{"key": "p0", "unit": "%", "label": "P0"}]},
        "classify": {"scheme": "prioritas", "k": 3},
        "hotspots": {"permutations": 999},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # made-up desa codes
        return gp.analyse(areas, {"t": table}, method)


def test_the_grid_has_the_hand_checked_cluster(analysis: Any) -> None:
    hot = analysis.areas.set_index("area_id")["hotspot"]
    assert sorted(hot[hot == "tinggi-tinggi"].index) == HIGH_HIGH
    assert hot[FAR_CORNER] == "tidak signifikan"
    assert (hot.drop(HIGH_HIGH) == "tidak signifikan").all()


@pytest.fixture(scope="module")
def browser() -> Any:
    require_browser()
    driver = start_browser(1280, 720)
    yield driver
    driver.quit()


SAMPLE_POINTS = """
var out = {};
var map = window.geoPriority.map;
var r = map.getContainer().getBoundingClientRect();
arguments[0].forEach(function (id) {
  var b = window.geoPriority.byId[id].getBounds();
  // a quarter of the way in from the south-west corner: clear of the name label
  var at = L.latLng(b.getSouth() + 0.25 * (b.getNorth() - b.getSouth()),
                    b.getWest() + 0.25 * (b.getEast() - b.getWest()));
  var p = map.latLngToContainerPoint(at);
  out[id] = [Math.round(r.left + p.x), Math.round(r.top + p.y)];
});
return out;
"""


def _shows(pixels: np.ndarray, colour: str) -> bool:
    """Whether most pixels are ``colour`` drawn at the fill opacity."""
    return bool(drawn_in(pixels, colour).mean() > 0.8)


def test_high_high_cluster_is_drawn_in_its_colour(
    browser: Any, analysis: Any, tmp_path: Any
) -> None:
    from selenium.webdriver.support.ui import Select

    from geo_priority.hotspots_legend import LISA_COLOURS
    from geo_priority.outputs import build_map

    html = tmp_path / "klaster.html"
    html.write_text(build_map(analysis).get_root().render(), encoding="utf-8")
    open_map(browser, html)
    select = Select(browser.find_element("id", "gp-variable"))
    names = [o.text for o in select.options]
    select.select_by_index(names.index("Klaster (LISA)"))
    points = browser.execute_script(SAMPLE_POINTS, [*HIGH_HIGH, FAR_CORNER])
    img = screenshot_pixels(browser)
    save_screenshot(browser, "cluster_high_high.png")
    red, grey = LISA_COLOURS["HH"], LISA_COLOURS["ns"]
    assert (red, grey) == ("#d7191c", "#eeeeee")
    for code in HIGH_HIGH:
        x, y = points[code]
        assert 0 <= x < 1280 and 0 <= y < 720, code
        assert _shows(img[y - 2 : y + 3, x - 2 : x + 3], red), code
    x, y = points[FAR_CORNER]
    patch = img[y - 2 : y + 3, x - 2 : x + 3]
    assert _shows(patch, grey) and not _shows(patch, red)
    legend = browser.find_element("css selector", ".gp-legend").text
    assert re.search(r"tinggi-tinggi\s*\(6\)", legend), legend
    assert re.search(r"tidak signifikan\s*\(30\)", legend), legend
    assert console_errors(browser) == []
