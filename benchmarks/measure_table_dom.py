"""Size of a map page and of its ranked table in the browser (DOM nodes).

Opens each HTML map given on the command line in headless Debian Chromium
(offline, 1280x720, tests/browser.py), waits until the map has drawn, and
prints the file size, the number of DOM elements of the whole page and of the
ranked-table panel, the table rows in the DOM, the panel's HTML length and the
time from the page's start to the map being ready.

With ``--synthetic N`` it first builds the map of N synthetic desa
(tests/test_map_table.py, e.g. 83402 for the national count) in a temporary
folder, and also times, in the page, a search typed into the table's filter
and a kab/kota filter (median of 5, JavaScript only, no drawing).

Usage:
    python benchmarks/measure_table_dom.py MAP.html [MAP2.html ...]
    python benchmarks/measure_table_dom.py --synthetic 83402

Example (the Banten desa demo, 1,552 desa with kecamatan and kab/kota levels):
    geo-priority demo --level desa --out /tmp/desa
    python benchmarks/measure_table_dom.py /tmp/desa/demo_banten_desa.html
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

REPORT = """
var panel = document.getElementById('gp-panel');
return {
  elements: document.getElementsByTagName('*').length,
  panel_elements: panel ? panel.getElementsByTagName('*').length : 0,
  rows: document.querySelectorAll('#gp-panel tbody tr').length,
  panel_chars: panel ? panel.outerHTML.length : 0,
  ready_ms: window.geoPriorityReadyAt || null
};
"""

#: Milliseconds of the table's refill for a search and for a kab/kota filter.
TIMINGS = """
var t = window.geoPriority.table, out = {search: [], kab: []};
if (!t || !t.refill) { return {}; }  // a map from before the virtual table
function time(list, setup) {
  var start = performance.now();
  setup();
  t.refill();
  list.push(performance.now() - start);
}
for (var k = 0; k < 5; k++) {
  time(out.search, function () { t.query = 'jaya'; t.kab = ''; });
  time(out.kab, function () { t.query = ''; t.kab = '3273'; });
}
t.query = ''; t.kab = ''; t.refill();
function median(xs) { xs.sort(function (a, b) { return a - b; }); return xs[2]; }
return {search_ms: median(out.search), kab_ms: median(out.kab),
        count: document.querySelector('.gp-table-count').textContent};
"""


def measure(path: Path, *, timings: bool = False) -> dict[str, object]:
    """Return the page and table figures of the map at ``path``."""
    from browser import open_map, start_browser

    driver = start_browser(1280, 720)
    try:
        open_map(driver, path, timeout=300)
        figures: dict[str, object] = driver.execute_script(REPORT)
        if timings:
            figures.update(driver.execute_script(TIMINGS))
    finally:
        driver.quit()
    figures["html_bytes"] = path.stat().st_size
    return figures


def synthetic_map(n: int, folder: Path) -> Path:
    """Write the map of ``n`` synthetic desa into ``folder``; print build time."""
    from test_map_table import synthetic_desa

    from geo_priority.classify import classify_scores
    from geo_priority.render import MapText, build_map, render_html

    start = time.perf_counter()
    areas = synthetic_desa(n)
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=5)
    m = build_map(areas.assign(priority_class=c.classes), c, texts=MapText("Uji"))
    page = folder / f"synthetic_{n}.html"
    page.write_text(render_html(m), encoding="utf-8")
    print(f"built {n:,} synthetic desa in {time.perf_counter() - start:.1f} s")
    return page


def report(path: Path, f: dict[str, object]) -> None:
    """Print one map's figures."""
    print(
        f"{path}: HTML {f['html_bytes']:,} bytes; DOM {f['elements']:,} elements, "
        f"table panel {f['panel_elements']:,} elements, {f['rows']:,} rows in the "
        f"DOM, panel HTML {f['panel_chars']:,} chars; ready after "
        f"{float(str(f['ready_ms'])):.0f} ms"
    )
    if "search_ms" in f:
        print(
            f"  table refill: search 'jaya' {float(str(f['search_ms'])):.1f} ms, "
            f"kab/kota filter {float(str(f['kab_ms'])):.1f} ms (median of 5)"
        )


def main() -> None:
    """Print the figures of every map named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("maps", nargs="*", type=Path)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        maps = list(args.maps)
        if args.synthetic:
            maps.append(synthetic_map(args.synthetic, Path(tmp)))
        for path in maps:
            report(path, measure(path, timings=True))


if __name__ == "__main__":
    main()
