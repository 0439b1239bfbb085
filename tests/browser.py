"""Headless Debian Chromium for map tests, with the network made unreachable.

The browser resolves every host to nothing and sends any request through a
proxy on a closed local port, so a page that needs the network fails visibly.
Requests are recorded from Chromium's performance log.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

CHROMIUM = Path(os.environ.get("GEO_PRIORITY_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(
    os.environ.get("GEO_PRIORITY_CHROMEDRIVER", "/usr/bin/chromedriver")
)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def require_browser() -> None:
    """Skip (or fail under CI=true) when Debian's chromium is not installed."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing or (shutil.which("chromium") is None and not CHROMIUM.exists()):
        message = (
            f"headless browser not installed ({', '.join(missing)}); "
            "apt-get install chromium chromium-driver"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " -- under CI=true browser tests must run")
        pytest.skip(message)


def start_browser(width: int = 1280, height: int = 720) -> Any:
    """Start headless Chromium through selenium, offline, logging requests."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
        "--allow-file-access-from-files",
    ):
        options.add_argument(arg)
    options.set_capability(
        "goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"}
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.set_page_load_timeout(30)
    return driver


def requested_urls(driver: Any) -> list[str]:
    """Return every URL the page asked for since the last call."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver: Any) -> list[str]:
    """Return the page's console messages of level SEVERE."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_map(driver: Any, path: Path, *, timeout: float = 20.0) -> None:
    """Open ``path`` and wait until the map script has finished drawing."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.body.dataset.gpReady === '1'")
    )


def wait_until(driver: Any, script: str, *, timeout: float = 10.0) -> None:
    """Wait until the JavaScript expression ``script`` is true in the page."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(f"return Boolean({script});")
    )


def arm_moveend(driver: Any) -> None:
    """Set ``window.gpMoveEnded`` when the map's next move or zoom has ended.

    Call it before the action that moves the map, then
    ``wait_until(driver, "window.gpMoveEnded")``.
    """
    driver.execute_script(
        "window.gpMoveEnded = false; window.geoPriority.map.once('moveend', "
        "function () { window.gpMoveEnded = true; });"
    )


def wait_visible(driver: Any, css: str, *, timeout: float = 10.0) -> Any:
    """Return the element matching ``css`` once it is shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def save_screenshot(driver: Any, name: str) -> Path:
    """Save a screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


TOOLTIP_REPORT = """
var tip = document.querySelector('.leaflet-tooltip.gp-tooltip');
if (!tip) { return null; }
function box(n) { var r = n.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom]; }
var controls = {};
[['search', '.gp-search'], ['layers', '.gp-view'], ['legend', '.gp-legend'],
 ['zoom', '.leaflet-control-zoom'], ['reset', '.gp-reset']].forEach(function (c) {
  var n = document.querySelector(c[1]); if (n) { controls[c[0]] = box(n); } });
var opacity = 1;
for (var n = tip; n && n.nodeType === 1; n = n.parentElement) {
  opacity *= parseFloat(getComputedStyle(n).opacity); }
var r = tip.getBoundingClientRect();
var cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
var before = tip.style.pointerEvents;
tip.style.pointerEvents = 'auto';
var top = document.elementFromPoint(cx, cy);
tip.style.pointerEvents = before;
return {tip: box(tip), controls: controls, opacity: opacity,
        background: getComputedStyle(tip).backgroundColor,
        map: box(window.geoPriority.map.getContainer()),
        topmost: Boolean(top && tip.contains(top)),
        top: top ? top.tagName + '.' + top.className : null};
"""


def tooltip_report(driver: Any) -> dict[str, Any] | None:
    """Describe the open area tooltip as a person sees it.

    Returns its box and the boxes of the search, layer, legend, zoom and
    reset controls (``[left, top, right, bottom]`` in CSS pixels), the
    product of the opacities of the tooltip and its ancestors, its
    computed background colour, and whether it is the topmost element at
    its centre.  Leaflet draws tooltips with ``pointer-events: none``,
    which ``elementFromPoint`` skips, so the probe turns hit-testing on
    for the tooltip only while it asks.  ``None`` when no tooltip is open.
    """
    report: dict[str, Any] | None = driver.execute_script(TOOLTIP_REPORT)
    return report


def boxes_meet(a: list[float], b: list[float]) -> bool:
    """Whether two ``[left, top, right, bottom]`` boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def background_is_opaque(css_colour: str) -> bool:
    """Whether a computed CSS colour (``rgb(...)``/``rgba(...)``) is opaque."""
    parts = css_colour[css_colour.index("(") + 1 : -1].split(",")
    return css_colour.startswith("rgb") and (len(parts) == 3 or float(parts[3]) == 1)


#: Fill opacity of the map's areas (geo_priority.js) and the map backgrounds
#: an area can be drawn over (plain, offline base, white page).
FILL_OPACITY = 0.88
UNDER = ((0xDF, 0xE3, 0xE8), (0xEE, 0xF1, 0xF4), (0xFF, 0xFF, 0xFF))


def screenshot_pixels(driver: Any) -> np.ndarray:
    """Return the page as a ``(height, width, 3)`` float array of RGB values."""
    from PIL import Image

    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    return np.asarray(shot, dtype=float)


def hex_rgb(colour: str) -> np.ndarray:
    """Return ``"#rrggbb"`` as an array of three floats."""
    h = colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)


def drawn_in(
    pixels: np.ndarray,
    colour: str,
    *,
    opacity: float = FILL_OPACITY,
    tolerance: float = 8,
) -> np.ndarray:
    """Which pixels show ``colour`` drawn at ``opacity`` over a map background.

    Returns a boolean array of the pixels' shape without the colour axis: a
    pixel is True when each channel is within ``tolerance`` of the colour
    blended over one of :data:`UNDER`.
    """
    near = np.zeros(pixels.shape[:-1], dtype=bool)
    for under in UNDER:
        seen = opacity * hex_rgb(colour) + (1 - opacity) * np.array(under)
        near |= np.abs(pixels - seen).max(axis=-1) <= tolerance
    return near
