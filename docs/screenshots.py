"""Screenshots of the meeting map as a projector shows it (1280x720).

Builds, in a temporary folder,

- the Banten kab/kota demo (real BPS figures) with the neighbouring kab/kota
  as context, in Indonesian and in English;
- the desa demo (a SYNTHETIC registry on the real 1,552 Kemendagri desa)
  with context and the level switch ``outputs.map_levels = ["kecamatan",
  "kabkota"]``;

opens each in headless Chromium with the network unreachable (as the tests
do, tests/browser.py), and saves a screenshot at first sight, after a hover,
a table-row click, a search and a level switch. Usage, from the repository::

    python docs/screenshots.py [--out docs/img] [--shared ../shared/data]

Needs Debian's chromium and chromium-driver, selenium (``pip install -e
'.[test]'``) and the shared data folder (boundaries and the upstream mirror).
A screenshot larger than 400 KB is saved with a 256-colour palette.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from geo_priority import pipeline  # noqa: E402
from geo_priority.cli import cli  # noqa: E402
from geo_priority.config import with_outputs  # noqa: E402
from geo_priority.demo import desa_demo_config  # noqa: E402
from geo_priority.errors import GeoPriorityError  # noqa: E402

from browser import start_browser  # type: ignore[import-not-found]  # noqa: E402

MAX_BYTES = 400_000
CONTEXT = "boundaries/indonesia_kabkota_kemendagri2025_cahyadsn.geojson"


def _demo(out: Path, shared: Path, *args: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "demo",
            "--out",
            str(out),
            "--mirror",
            str(shared / "upstream"),
            "--context",
            str(shared / CONTEXT),
            "--overwrite",
            *args,
        ],
    )
    if result.exit_code != 0:
        raise SystemExit(f"geo-priority demo {' '.join(args)} failed:\n{result.output}")


def build_maps(work: Path, shared: Path) -> dict[str, Path]:
    """Build the three maps; return their HTML files by name."""
    _demo(work / "id", shared)
    _demo(work / "en", shared, "--lang", "en")
    _demo(work / "desa", shared, "--level", "desa")  # the synthetic registry table
    config = desa_demo_config(
        out=work / "desa_levels",
        table=work / "desa" / "demo_banten_desa_registri_desa.csv",
        mirror=str(shared / "upstream"),
        overwrite=True,
    )
    config = with_outputs(config, context=str(shared / CONTEXT), formats=("html",))
    levels: tuple[str, ...] = ("kecamatan", "kabkota")
    try:
        desa = pipeline.run(with_outputs(config, map_levels=levels)).outputs["html"]
    except GeoPriorityError as err:  # say so, and still show the levels that work
        print(f"map_levels = {list(levels)} failed: {err}", file=sys.stderr)
        levels = ("kecamatan",)
        desa = pipeline.run(with_outputs(config, map_levels=levels)).outputs["html"]
    return {
        "id": work / "id" / "demo_banten_kabkota.html",
        "en": work / "en" / "demo_banten_kabkota.html",
        "desa": Path(desa),
    }


class Page:
    """One map opened in the browser, with the actions a person takes."""

    def __init__(self, driver: Any, html: Path) -> None:
        self.driver = driver
        driver.get(html.resolve().as_uri())
        self.wait("document.body.dataset.gpReady === '1'")
        time.sleep(0.5)

    def wait(self, script: str, timeout: float = 20.0) -> None:
        """Wait until the JavaScript expression ``script`` is true."""
        end = time.monotonic() + timeout
        while not self.driver.execute_script(f"return Boolean({script});"):
            if time.monotonic() > end:
                raise SystemExit(f"timed out waiting for {script}")
            time.sleep(0.1)

    def moved(self, action: str) -> None:
        """Run the JavaScript ``action`` and wait until the map stops moving."""
        self.driver.execute_script(
            "window.gpMoved = false; window.geoPriority.map.once('moveend',"
            " function () { window.gpMoved = true; });"
        )
        self.driver.execute_script(action)
        self.wait("window.gpMoved")
        time.sleep(0.6)

    def hover(self, area: str) -> None:
        """Move the mouse onto the middle of an area."""
        from selenium.webdriver.common.action_chains import ActionChains

        x, y = self.driver.execute_script(
            "var g = window.geoPriority, m = g.map, l = g.byId[arguments[0]];"
            "var f = l.feature.properties.lp;"
            "var p = m.latLngToContainerPoint(f);"
            "var r = m.getContainer().getBoundingClientRect();"
            "return [r.left + p.x, r.top + p.y];",
            area,
        )
        body = self.driver.find_element("tag name", "body")
        ActionChains(self.driver).move_to_element_with_offset(
            body,
            int(x - body.size["width"] / 2),
            int(y - body.size["height"] / 2),
        ).perform()
        self.wait("document.querySelector('.leaflet-tooltip.gp-tooltip')")
        time.sleep(0.3)

    def click_row(self, area: str) -> None:
        """Click an area's row in the ranked table (the mouse goes there)."""
        row = self.driver.find_element(
            "css selector", f"#gp-panel tr[data-id='{area}']"
        )
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});"
            "window.gpMoved = false; window.geoPriority.map.once('moveend',"
            " function () { window.gpMoved = true; });",
            row,
        )
        row.click()
        self.wait("window.gpMoved")
        time.sleep(0.6)

    def search(self, text: str) -> None:
        """Type ``text`` into the search box and wait for the hits."""
        box = self.driver.find_element("css selector", ".gp-search input")
        box.clear()
        box.send_keys(text)
        self.wait("document.querySelector('.gp-search-results li')")
        time.sleep(0.3)

    def level(self, index: int) -> None:
        """Switch to the ``index``-th administrative level."""
        self.moved(
            "var s = document.getElementById('gp-level');"
            f"s.value = '{index}'; s.dispatchEvent(new Event('change'));"
        )

    def levels(self) -> int:
        """Return the number of levels the map offers."""
        return int(self.driver.execute_script("return gpData.views.length;"))

    def first_row(self) -> str:
        """Return the code of the first row of the ranked table."""
        row = self.driver.find_element("css selector", "#gp-panel tbody tr")
        return str(row.get_attribute("data-id"))

    def shot(self, folder: Path, name: str) -> Path:
        """Save the screen as ``name``; shrink to a palette PNG when too big."""
        path = folder / name
        image = Image.open(io.BytesIO(self.driver.get_screenshot_as_png()))
        image.convert("RGB").save(path, optimize=True)
        if path.stat().st_size > MAX_BYTES:
            image.convert("RGB").quantize(256).save(path, optimize=True)
        print(f"{path}  {path.stat().st_size // 1000} KB")
        return path


def take(maps: dict[str, Path], out: Path) -> list[Path]:
    """Open each map and save the screenshots; return their paths."""
    driver = start_browser(1280, 720)
    shots = []
    try:
        for lang in ("id", "en"):
            page = Page(driver, maps[lang])
            shots.append(page.shot(out, f"demo_banten_kabkota_{lang}.png"))
            page.hover("3602")  # Kab. Lebak
            shots.append(page.shot(out, f"demo_banten_kabkota_{lang}_hover.png"))
            page.click_row("3673")  # Kota Serang
            shots.append(page.shot(out, f"demo_banten_kabkota_{lang}_table_click.png"))
        page = Page(driver, maps["desa"])
        shots.append(page.shot(out, "desa_context_levels_id.png"))
        page.click_row(page.first_row())
        shots.append(page.shot(out, "desa_context_levels_id_table_click.png"))
        page = Page(driver, maps["desa"])
        page.search("Tamanjaya")
        shots.append(page.shot(out, "desa_context_levels_id_search.png"))
        page.level(1)
        shots.append(page.shot(out, "desa_context_levels_id_kecamatan.png"))
        page.hover(page.first_row())
        shots.append(page.shot(out, "desa_context_levels_id_kecamatan_hover.png"))
        if page.levels() > 2:
            page.level(2)
            shots.append(page.shot(out, "desa_context_levels_id_kabkota.png"))
    finally:
        driver.quit()
    return shots


def main(argv: list[str] | None = None) -> int:
    """Build the maps and save the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    if not (args.shared / CONTEXT).is_file():
        parser.error(f"--shared {str(args.shared)!r} has no {CONTEXT}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gp-screens-") as tmp:
        maps = build_maps(Path(tmp), args.shared)
        take(maps, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
