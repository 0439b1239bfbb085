"""Whole process, national desa (83,402 areas): run vs explore vs lonboard.

Side by side in one run, each contender a fresh Python process (interpreter,
imports, reading the national GeoParquet and the synthetic table, the work,
writing one HTML file); wall and CPU time and peak RSS come from ``os.wait4``
on each child (see ``bench_pipeline.timed``). The case is
``national_desa_case`` (synthetic counts for every desa, ``map_levels``
kecamatan, kab/kota, provinsi unless ``--no-levels``).

* ``geo-priority run``: ``python -m geo_priority run national_desa.toml -q``,
  ``outputs.formats = ["html"]``.
* ``geopandas.explore``: read the parquet, merge the table, ``explore(column=
  "p0", scheme="quantiles", k=5)``, ``save``.
* ``lonboard``: read the parquet, merge, ``PolygonLayer.from_geopandas`` with
  a quantile colour ramp, ``Map(...).to_html``. Its page loads require.js and
  the widget manager from CDNs, so it draws nothing offline. Skipped, with the
  reason, when lonboard cannot be imported (``pip install lonboard``).

Goals (issue 11): run <= 1/5 of explore's time, faster than lonboard,
<= 1.5 GB peak RSS. Best of ``--repeat`` runs each; against lonboard also
the median of the rounds' ratios (the runs alternate).

Usage:
    python benchmarks/bench_national.py [--shared ../shared/data] [--repeat 1]
        [--no-levels] [--skip explore,lonboard]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import national_desa_case as case
from bench_pipeline import Run, compile_package, timed

EXPLORE = """
import geopandas as gpd
import pandas as pd
gdf = gpd.read_parquet({boundaries!r})
table = pd.read_csv({table!r}, dtype={{"kode": str}})
gdf = gdf.merge(table, on="kode", how="left")
m = gdf.explore(column="p0", scheme="quantiles", k=5, cmap="YlOrRd",
                tooltip=["kode", "nama", "p0"])
m.save({html!r})
"""

LONBOARD = """
import geopandas as gpd
import numpy as np
import pandas as pd
from lonboard import Map, PolygonLayer
gdf = gpd.read_parquet({boundaries!r})
table = pd.read_csv({table!r}, dtype={{"kode": str}})
gdf = gdf.merge(table, on="kode", how="left")
edges = np.nanquantile(gdf["p0"], [0.2, 0.4, 0.6, 0.8])
palette = np.array([[255, 255, 178], [254, 204, 92], [253, 141, 60],
                    [240, 59, 32], [189, 0, 38]], dtype=np.uint8)
colours = palette[np.searchsorted(edges, gdf["p0"].fillna(0).to_numpy())]
layer = PolygonLayer.from_geopandas(gdf[["kode", "nama", "p0", "geometry"]],
                                    get_fill_color=colours)
Map(layer).to_html({html!r})
"""


def _importable(module: str) -> str:
    """Return "" when ``module`` imports in a fresh process, else the reason."""
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return ""
    return (done.stderr.strip().splitlines() or ["import failed"])[-1]


def _line(name: str, run: Run, explore: Run | None) -> str:
    ratio = f"   time / explore {run.wall / explore.wall:4.2f}" if explore else ""
    return (
        f"  {name:18s} wall {run.wall:6.1f} s   CPU {run.cpu:6.1f} s   "
        f"peak RSS {run.rss_mb:6.0f} MB   HTML {run.html_bytes / 1e6:7.1f} MB{ratio}"
    )


def _contenders(
    shared: Path, table: Path, config: Path, out: Path, skip: set[str]
) -> dict[str, tuple[list[str], Path]]:
    boundaries = str(shared / case.DESA)
    ours_html = out / "maps" / "nasional_desa.html"
    found = {
        "geo-priority run": (
            [sys.executable, "-m", "geo_priority", "run", str(config), "-q"],
            ours_html,
        )
    }
    for name, code in (("explore", EXPLORE), ("lonboard", LONBOARD)):
        if name in skip:
            print(f"  {name}: skipped (--skip)")
            continue
        reason = _importable("lonboard") if name == "lonboard" else ""
        if reason:
            print(
                f"  {name}: skipped, it cannot be imported ({reason}); "
                "pip install lonboard"
            )
            continue
        html = out / f"{name}.html"
        text = code.format(boundaries=boundaries, table=str(table), html=str(html))
        found[name] = ([sys.executable, "-c", text], html)
    return found


def _pairs(ours: list[Run], peer: list[Run]) -> str:
    """The median of each round's time ratio, and the ratios, as text.

    The runs alternate, so each round's two runs shared the machine's mood.
    """
    ratios = [o.wall / p.wall for o, p in zip(ours, peer, strict=True)]
    each = ", ".join(f"{r:.2f}" for r in ratios)
    return f"{statistics.median(ratios):.2f} x ({each})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-levels", action="store_true")
    parser.add_argument("--skip", default="", help="comma list: explore,lonboard")
    args = parser.parse_args()
    if not (args.shared / case.DESA).is_file():
        raise SystemExit(f"missing {args.shared / case.DESA} (../shared/data)")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        table = case.synthetic_table(args.shared, out)
        config = case.config(args.shared, table, out, levels=not args.no_levels)
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("[outputs]", "[outputs]\noverwrite = true"))
        contenders = _contenders(args.shared, table, config, out, skip)
        bytecode = compile_package()
        results: dict[str, list[Run]] = {name: [] for name in contenders}
        for _ in range(args.repeat):  # alternate, so a busy machine slows all alike
            for name, (argv, html) in contenders.items():
                results[name].append(timed(argv, html))
    levels = (
        "no map levels" if args.no_levels else "map levels " + ", ".join(case.LEVELS)
    )
    print(
        f"National desa, 83,402 areas, whole process (HTML only, {levels}); "
        f"best of {args.repeat}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}:"
    )
    best = {n: min(r, key=lambda x: x.wall) for n, r in results.items()}
    explore = best.get("explore")
    for name, run in best.items():
        print(_line(name, run, explore))
    ours = best["geo-priority run"]
    if explore:
        print(f"  goal run <= 0.20 x explore: {ours.wall / explore.wall:.2f}")
    if "lonboard" in best:
        pairs = _pairs(results["geo-priority run"], results["lonboard"])
        print(
            f"  goal run < lonboard: {ours.wall / best['lonboard'].wall:.2f} x "
            f"(best of each), median of pairs {pairs}"
        )
    print(f"  goal peak RSS <= 1536 MB: {ours.rss_mb:.0f} MB")
    print(f"  {bytecode}")


if __name__ == "__main__":
    main()
