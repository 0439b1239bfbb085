"""Headless Debian Chromium for map tests, with the network made unreachable.

The browser resolves every host to nothing and sends any request through a
proxy on a closed local port, so a page that needs the network fails visibly.
Requests are recorded from Chromium's performance log.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

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
