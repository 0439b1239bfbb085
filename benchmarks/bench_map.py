"""Offline meeting map vs geopandas.explore on Banten desa (1,552 units).

Both start from the same scored GeoDataFrame in memory (read and scored once,
outside the timing) and write an HTML file. Each build runs in its own
process so peak memory (max RSS) is its own. Then each file is opened from
file:// in headless Debian Chromium with the network unreachable, and the time
until its polygons are drawn is measured.

Usage:
    python benchmarks/bench_map.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))


def _scored(shared: Path, out: Path) -> Path:
    """Run the pipeline once on synthetic desa indicators; pickle what maps need."""
    import bench_pipeline

    from geo_priority import metadata, pipeline
    from geo_priority.config import load_config
    from geo_priority.render.texts import map_texts

    table = bench_pipeline._synthetic_table(shared, out)
    config = load_config(bench_pipeline._config(shared.resolve(), table, out))
    analysis = pipeline.analyse(config)
    path = out / "scored.pkl"
    path.write_bytes(
        pickle.dumps(
            {
                "areas": analysis.areas,
                "classification": analysis.classification,
                "indicators": analysis.indicators,
                "texts": map_texts(analysis, metadata.run_record(analysis)),
            }
        )
    )
    return path


def _build_ours(data: dict, html: Path) -> None:
    from geo_priority.render import build_map, render_html

    m = build_map(
        data["areas"],
        data["classification"],
        indicators=data["indicators"],
        texts=data["texts"],
        lang="id",
    )
    html.write_text(render_html(m), encoding="utf-8")


def _build_explore(data: dict, html: Path) -> None:
    gdf = data["areas"]
    m = gdf.explore(
        column="priority_score",
        scheme="quantiles",
        k=5,
        cmap="YlOrRd",
        tooltip=["area_name", "area_id", "priority_score", "priority_rank"],
    )
    m.save(html)


def _warm_imports(which: str) -> None:
    """Import each side's libraries before timing: a session pays them once."""
    if which == "ours":
        import geo_priority.render  # noqa: F401
    else:
        import folium  # noqa: F401
        import mapclassify  # noqa: F401
        import matplotlib.pyplot  # noqa: F401


def _child(which: str, pkl: Path, html: Path) -> None:
    _warm_imports(which)

    data = pickle.loads(pkl.read_bytes())
    start = time.perf_counter()
    (_build_ours if which == "ours" else _build_explore)(data, html)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": seconds, "max_rss_mb": rss, "html_bytes": html.stat().st_size}
        )
    )


def _spawn(which: str, pkl: Path, html: Path) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            "--pkl",
            str(pkl),
            "--html",
            str(html),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _draw_time(driver, html: Path, ours: bool, n: int) -> tuple[float | None, int]:
    """Seconds from navigation start until all polygons are drawn, and the count."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(html.resolve().as_uri())
    if ours:
        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script("return document.body.dataset.gpReady === '1'")
        )
        drawn = driver.execute_script("return window.geoPriority.drawnCount()")
        ms = driver.execute_script("return window.geoPriorityReadyAt")
        return ms / 1000, drawn
    deadline = time.perf_counter() + 10
    drawn = 0
    while time.perf_counter() < deadline:
        drawn = driver.execute_script(
            "return document.querySelectorAll('path.leaflet-interactive').length"
        )
        if drawn >= n:
            ms = driver.execute_script("return performance.now()")
            return ms / 1000, drawn
        time.sleep(0.1)
    return None, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=HERE.parent.parent / "shared" / "data"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["ours", "explore"])
    parser.add_argument("--pkl", type=Path)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.pkl, args.html)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        pkl = _scored(args.shared, out)
        builds: dict[str, list[dict]] = {"ours": [], "explore": []}
        for i in range(args.repeat):
            for which in builds:
                builds[which].append(_spawn(which, pkl, out / f"{which}{i}.html"))
        best = {k: min(v, key=lambda r: r["seconds"]) for k, v in builds.items()}
        from browser import start_browser

        driver = start_browser()
        try:
            draws = {
                w: _draw_time(driver, out / f"{w}0.html", w == "ours", 1552)
                for w in builds
            }
        finally:
            driver.quit()
    _print(best, draws, args.repeat)


def _print(best: dict, draws: dict, repeat: int) -> None:
    print(
        f"Banten desa, 1,552 units; build = scored GeoDataFrame -> HTML file (libraries"
        f" imported before timing), best of {repeat}, fresh process each; draw = "
        "headless Chromium, file://, offline"
    )
    names = {"ours": "geo-priority map", "explore": "geopandas.explore"}
    for which, r in best.items():
        seconds, drawn = draws[which]
        shown = (
            f"{seconds:5.2f} s ({drawn} polygons)"
            if seconds is not None
            else f"never ({drawn} polygons drawn: Leaflet comes from a CDN, "
            "unreachable offline)"
        )
        print(
            f"  {names[which]:18s} build {r['seconds']:5.2f} s   peak RSS "
            f"{r['max_rss_mb']:5.0f} MB   HTML {r['html_bytes'] / 1e6:5.2f} MB   "
            f"drawn: {shown}"
        )
    ratio = best["ours"]["seconds"] / best["explore"]["seconds"]
    size = best["ours"]["html_bytes"] / best["explore"]["html_bytes"]
    print(
        f"  build time ratio (geo-priority / explore): {ratio:.2f}; "
        f"HTML size ratio: {size:.2f}"
    )


if __name__ == "__main__":
    main()
