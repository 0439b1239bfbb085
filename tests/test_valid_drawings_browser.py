"""A kecamatan drawn with an islet left in a closed crack shows no speck.

Before the drawings were made valid, the islet (a desa of its own, in a
crack between two desa narrower than the display tolerance) stayed a part of
the kecamatan inside the closed body; the canvas fills even-odd, so the
islet showed as an unfilled, outlined speck in the kecamatan's colour.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo_priority import pipeline
from geo_priority.config import load_config

from browser import (
    open_map,
    require_browser,
    screenshot_pixels,
    start_browser,
    wait_until,
)

pytestmark = pytest.mark.browser

CRACK = 0.0003  # narrower than the kecamatan's display tolerance (0.000375)
ISLET = (106.5 + 0.2 * CRACK, -6.5, 106.5 + 0.8 * CRACK, -6.5 + 0.6 * CRACK)
DRAWN = "!window.geoPriority.pendingAdds && !window.geoPriority.labelsPending"


def _inputs(folder: Path) -> Path:
    codes = ["36.01.01.2001", "36.01.01.2002", "36.01.01.2003", "36.01.02.2001"]
    geoms = [
        box(106, -7, 106.5, -6),
        box(106.5 + CRACK, -7, 107, -6),
        box(*ISLET),
        box(107, -7, 107.5, -6),
    ]
    gpd.GeoDataFrame(
        {"kode": codes, "nama": ["A", "B", "C", "D"]}, geometry=geoms, crs=4326
    ).to_file(folder / "desa.geojson")
    pd.DataFrame({"kode": codes, "poor": [10, 20, 30, 5]}).to_csv(
        folder / "t.csv", index=False
    )
    config = folder / "run.toml"
    config.write_text(
        """
[boundaries]
path = "desa.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode"
[scoring]
[[scoring.indicators]]
key = "poor"
[classify]
scheme = "prioritas"
k = 2
[outputs]
formats = ["html"]
map_levels = ["kecamatan"]
""",
        encoding="utf-8",
    )
    return config


def test_an_islet_in_a_closed_crack_is_filled_not_a_speck(tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import Select

    require_browser()
    html = pipeline.run(load_config(_inputs(tmp_path))).outputs["html"]
    driver = start_browser()
    try:
        open_map(driver, html)
        Select(driver.find_element("id", "gp-level")).select_by_index(1)
        wait_until(driver, DRAWN)
        lon = ISLET[0] + (ISLET[2] - ISLET[0]) / 3  # inside the drawn triangle
        lat = ISLET[1] + 2 * (ISLET[3] - ISLET[1]) / 3
        driver.execute_script(
            "window.geoPriority.map.setView([arguments[0], arguments[1]], 18,"
            " {animate: false});",
            lat,
            lon,
        )
        time.sleep(0.5)
        wait_until(driver, DRAWN)
        time.sleep(0.5)
        assert driver.execute_script("return window.geoPriority.map.getZoom()") >= 17
        here, body = driver.execute_script(
            "var m = window.geoPriority.map, r = m.getContainer()"
            ".getBoundingClientRect(), a = m.latLngToContainerPoint([arguments[0],"
            " arguments[1]]), b = m.latLngToContainerPoint([arguments[0],"
            " arguments[1] - 0.0003]);"
            "return [[a.x + r.left, a.y + r.top], [b.x + r.left, b.y + r.top]];",
            lat,
            lon,
        )
        pixels = screenshot_pixels(driver)
        ratio = driver.execute_script("return window.devicePixelRatio")
        at = [pixels[int(y * ratio), int(x * ratio)] for x, y in (here, body)]
        assert np.abs(at[0] - at[1]).max() <= 8, at
    finally:
        driver.quit()
