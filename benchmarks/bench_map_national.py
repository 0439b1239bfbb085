"""National maps in headless Chromium: first draw, pan/zoom frames, HTML size.

Two cases, built from ../shared/data into a temporary folder (nothing is
written into the repository):

* ``desa``: every one of the 83,402 national desa with a synthetic count
  indicator and ``map_levels = ["kecamatan", "kabkota", "provinsi"]``
  (benchmarks/national_desa_case.py); the map draws by level of detail.
* ``kabkota``: examples/nasional_kabkota.toml (all 514 kab/kota, BPS exports),
  HTML only.

Each page is opened from file:// in headless Debian Chromium with the network
unreachable (tests/browser.py). "First draw" is the time from navigation
start to the page's ``gp-first-draw`` mark, set in the animation frame after
the first canvas paint. Then a scripted pan/zoom (pans at national zoom ->
Java -> a kabupaten -> pans -> back out) is timed frame by frame with
requestAnimationFrame; the median, 95th percentile and worst frame times are
printed, with the level shown, the number of areas drawn, the worst frame and
the time from the step's start until the map is drawn and named (the canvas
and the names of a level-of-detail map are made over several frames; the
step's animation included) after each step, and the machine's load average
(the frames are wall-clock times).

Usage:
    python benchmarks/bench_map_national.py [--case desa|kabkota|both]
        [--html PAGE.html]   (time an HTML page already built; skips the build)
        [--keep DIR]         (write the pages into DIR instead of a temp folder)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

#: The scripted pan/zoom: (lat, lon, zoom) views, then pans in pixels. It
#: starts with two pans at the first (national) view, where the province
#: names are placed again after each move.
STEPS: list[tuple[str, Any]] = [
    ("pan", (160, 0)),
    ("pan", (-160, 0)),
    ("view", (-2.5, 118.0, 5)),
    ("view", (-7.0, 110.0, 6)),
    ("view", (-7.0, 110.0, 7.5)),
    ("view", (-6.9, 107.6, 9)),  # Bandung and its neighbours: desa
    ("view", (-6.9, 107.6, 10)),
    ("pan", (300, 0)),
    ("pan", (0, 200)),
    ("pan", (-400, -100)),
    ("view", (-6.9, 107.6, 8)),
    ("view", (-2.5, 118.0, 5)),
]

_PAN_ZOOM = """
var done = arguments[arguments.length - 1], steps = arguments[0];
var gp = window.geoPriority, map = gp.map, frames = [], log = [];
var running = true, last = null;
function tick(t) {
  if (last !== null) { frames.push(t - last); }
  last = t;
  if (running) { requestAnimationFrame(tick); }
}
requestAnimationFrame(tick);
function next(i) {
  if (i >= steps.length) {
    running = false;
    setTimeout(function () { done({frames: frames, log: log}); }, 50);
    return;
  }
  var kind = steps[i][0], arg = steps[i][1], start = frames.length;
  var asked = performance.now();
  map.once('moveend', function () {
    function settled() {
      if (gp.pendingAdds || gp.labelsPending) { setTimeout(settled, 10); return; }
      /* ready: the frame that shows it; its time is known one frame later */
      requestAnimationFrame(function (shown) {
        requestAnimationFrame(function () {
          var mine = frames.slice(start);
          log.push([kind, map.getZoom(), gp.v.label, gp.drawnCount(),
                    mine.length ? Math.max.apply(null, mine) : 0, shown - asked]);
          setTimeout(function () { next(i + 1); }, 400);
        });
      });
    }
    settled();
  });
  if (kind === 'view') { map.setView([arg[0], arg[1]], arg[2]); }
  else { map.panBy(arg); }
}
setTimeout(function () { next(0); }, 300);
"""


def build_desa(folder: Path) -> Path:
    """Run the national desa case (HTML only) and return the page."""
    import national_desa_case as case

    from geo_priority import outputs, pipeline
    from geo_priority.config import load_config

    shared = _shared()
    table = case.synthetic_table(shared, folder)
    config = load_config(case.config(shared, table, folder))
    start = time.perf_counter()
    analysis = pipeline.analyse(config)
    analysed = time.perf_counter()
    html = outputs.build_map(analysis).get_root().render()
    built = time.perf_counter()
    page = folder / "nasional_desa.html"
    page.write_text(html, encoding="utf-8")
    print(
        f"desa: analyse {analysed - start:.1f} s, map {built - analysed:.1f} s, "
        f"peak RSS {_peak_mb():.0f} MB"
    )
    return page


def build_kabkota(folder: Path) -> Path:
    """Run examples/nasional_kabkota.toml (HTML only) and return the page."""
    from geo_priority import outputs, pipeline
    from geo_priority.config import load_config, with_outputs

    text = (REPO / "examples" / "nasional_kabkota.toml").read_text(encoding="utf-8")
    text = text.replace('"../../shared/data/', f'"{_shared().as_posix()}/')
    copy = folder / "nasional_kabkota.toml"
    copy.write_text(text, encoding="utf-8")
    config = with_outputs(load_config(copy), dir=str(folder), formats=("html",))
    start = time.perf_counter()
    analysis = pipeline.analyse(config)
    html = outputs.build_map(analysis).get_root().render()
    print(f"kabkota: analyse + map {time.perf_counter() - start:.1f} s")
    page = folder / "nasional_kabkota.html"
    page.write_text(html, encoding="utf-8")
    return page


def _shared() -> Path:
    from conftest import shared_data_dir

    return shared_data_dir()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(page: Path, *, pan_zoom: bool, repeat: int = 3) -> dict[str, Any]:
    """Open ``page`` offline in headless Chromium ``repeat`` times; the timings."""
    from selenium.webdriver.support.ui import WebDriverWait

    from browser import requested_urls, start_browser

    driver = start_browser(1280, 720)
    try:
        driver.set_page_load_timeout(120)
        driver.set_script_timeout(180)
        draws, ready = [], []
        for _ in range(repeat):
            driver.get(page.resolve().as_uri())
            WebDriverWait(driver, 120).until(
                lambda d: d.execute_script(
                    "return document.body.dataset.gpDrawn === '1'"
                )
            )
            draws.append(driver.execute_script("return window.geoPriorityDrawnAt;"))
            ready.append(driver.execute_script("return window.geoPriorityReadyAt;"))
        result: dict[str, Any] = {
            "first_draw_ms": draws,
            "ready_ms": ready,
            "level": driver.execute_script("return window.geoPriority.v.label;"),
            "drawn": driver.execute_script("return window.geoPriority.drawnCount();"),
        }
        if pan_zoom:
            # the page's work after its first draw (garbage of the inflated
            # strings, the table) is not a pan or a zoom: let it pass first
            time.sleep(5)
            out = driver.execute_async_script(_PAN_ZOOM, STEPS)
            result["frames"] = out["frames"]
            result["log"] = out["log"]
        result["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        result["network"] = [
            u for u in requested_urls(driver) if u.startswith(("http:", "https:"))
        ]
        return result
    finally:
        driver.quit()


_FIT_AREA = """
var code = arguments[0], gp = window.geoPriority, map = gp.map;
for (var k = 0; k < gp.data.views.length; k++) {
  var v = gp.data.views[k], i = v.position[code];
  if (i !== undefined) {
    map.fitBounds([[v.bb[4 * i + 1], v.bb[4 * i]], [v.bb[4 * i + 3], v.bb[4 * i + 2]]],
                  {animate: false, paddingTopLeft: [290, 16],
                   paddingBottomRight: [16, 16]});
    return v.label;
  }
}
return null;
"""


#: The map drawn and named: no canvas draw nor label placement under way.
_DRAWN = "!window.geoPriority.pendingAdds && !window.geoPriority.labelsPending"


def screenshots(page: Path, folder: Path, kabupaten: str = "36.01") -> list[Path]:
    """Save the page at national zoom and fitted to one kabupaten (1280x720)."""
    from selenium.webdriver.support.ui import WebDriverWait

    from browser import start_browser, wait_until

    driver = start_browser(1280, 720)
    shots = [folder / f"{page.stem}.png", folder / f"{page.stem}_kabupaten.png"]
    try:
        driver.set_page_load_timeout(120)
        driver.get(page.resolve().as_uri())
        WebDriverWait(driver, 120).until(
            lambda d: d.execute_script("return document.body.dataset.gpDrawn === '1'")
        )
        wait_until(driver, _DRAWN, timeout=60)
        time.sleep(1.5)  # the table settles
        driver.save_screenshot(str(shots[0]))
        driver.execute_script(
            "window.gpMoved = false; window.geoPriority.map.once('moveend',"
            " function () { window.gpMoved = true; });"
        )
        assert driver.execute_script(_FIT_AREA, kabupaten), kabupaten
        wait_until(driver, "window.gpMoved", timeout=60)
        wait_until(driver, _DRAWN, timeout=60)
        time.sleep(1.5)
        driver.save_screenshot(str(shots[1]))
        return shots
    finally:
        driver.quit()


def report(name: str, page: Path, result: dict[str, Any]) -> None:
    """Print one case's numbers."""
    size = page.stat().st_size / 1e6
    print(f"\n== {name}: {page.name}")
    print(f"HTML size            {size:.1f} MB")
    draws = ", ".join(f"{ms / 1000:.2f}" for ms in result["first_draw_ms"])
    median = statistics.median(result["first_draw_ms"]) / 1000
    print(
        f"first draw           median {median:.2f} s "
        f"(each load: {draws} s; level {result['level']!r}, "
        f"{result['drawn']} areas drawn)"
    )
    print(f"network requests     {len(result['network'])}")
    frames = result.get("frames")
    print(f"load average         {result['load']}")
    if frames:
        ordered = sorted(frames)
        print(
            f"pan/zoom frames      {len(frames)}: median "
            f"{statistics.median(frames):.1f} ms, 95th "
            f"{ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms, "
            f"worst {ordered[-1]:.1f} ms, over 50 ms: "
            f"{sum(f > 50 for f in frames)}"
        )
        for kind, zoom, level, drawn, worst, ready in result["log"]:
            print(
                f"  {kind:4} zoom {zoom:5.2f}  {level:<22} {drawn:>6} areas drawn, "
                f"worst frame {worst:6.0f} ms, all drawn and named after "
                f"{ready:5.0f} ms"
            )


def main() -> None:
    """Build the cases asked for and measure them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", choices=("desa", "kabkota", "both"), default="both")
    parser.add_argument("--html", type=Path, help="measure this page, build nothing")
    parser.add_argument("--keep", type=Path, help="write the pages into this folder")
    parser.add_argument("--repeat", type=int, default=3, help="page loads timed")
    parser.add_argument(
        "--screenshots", type=Path, help="save national and kabupaten views here"
    )
    args = parser.parse_args()
    if args.html:
        pan = args.case != "kabkota"
        result = measure(args.html, pan_zoom=pan, repeat=args.repeat)
        report(args.html.stem, args.html, result)
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            print("screenshots:", *screenshots(args.html, args.screenshots))
        return
    with tempfile.TemporaryDirectory(prefix="bench_map_national_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        cases = ("kabkota", "desa") if args.case == "both" else (args.case,)
        for name in cases:
            page = build_desa(folder) if name == "desa" else build_kabkota(folder)
            result = measure(page, pan_zoom=name == "desa", repeat=args.repeat)
            report(name, page, result)


if __name__ == "__main__":
    main()
