"""Size of a map page and of its ranked table in the browser (DOM nodes).

Opens each HTML map given on the command line in headless Debian Chromium
(offline, 1280x720, tests/browser.py), waits until the map has drawn, and
prints the file size, the number of DOM elements of the whole page and of the
ranked-table panel, the table rows in the DOM, the panel's HTML length and the
time from the page's start to the map being ready.

Usage:
    python benchmarks/measure_table_dom.py MAP.html [MAP2.html ...]

Example (the Banten desa demo, 1,552 desa with kecamatan and kab/kota levels):
    geo-priority demo --level desa --out /tmp/desa
    python benchmarks/measure_table_dom.py /tmp/desa/demo_banten_desa.html
"""

from __future__ import annotations

import argparse
import sys
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


def measure(path: Path) -> dict[str, object]:
    """Return the page and table figures of the map at ``path``."""
    from browser import open_map, start_browser

    driver = start_browser(1280, 720)
    try:
        open_map(driver, path, timeout=120)
        figures: dict[str, object] = driver.execute_script(REPORT)
    finally:
        driver.quit()
    figures["html_bytes"] = path.stat().st_size
    return figures


def main() -> None:
    """Print the figures of every map named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("maps", nargs="+", type=Path)
    for path in parser.parse_args().maps:
        f = measure(path)
        ready = f["ready_ms"]
        print(
            f"{path.name}: HTML {f['html_bytes']:,} bytes; DOM {f['elements']:,} "
            f"elements, table panel {f['panel_elements']:,} elements, "
            f"{f['rows']:,} rows in the DOM, panel HTML {f['panel_chars']:,} chars; "
            f"ready after {ready:.0f} ms"
            if isinstance(ready, float | int)
            else f"{path.name}: {f}"
        )


if __name__ == "__main__":
    main()
