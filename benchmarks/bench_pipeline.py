"""Whole pipeline vs geopandas.explore on Banten desa (1,552 units), in one run.

Each contender runs in its own subprocess so that peak memory (max RSS) is its
own. Both read the same GeoJSON and the same synthetic indicator table, and
both write an HTML map; geo-priority also writes the GeoPackage, ranked CSV,
join report and run record.

Usage:
    python benchmarks/bench_pipeline.py [--repeat 3] [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DESA = "boundaries/banten_desa_ocha_bps2020.geojson"


def _synthetic_table(shared: Path, out: Path) -> Path:
    import numpy as np
    import pyogrio

    codes = pyogrio.read_dataframe(
        shared / DESA, columns=["village_code"], read_geometry=False
    )["village_code"]
    rng = np.random.default_rng(2024)
    import pandas as pd

    table = pd.DataFrame(
        {
            "village_code": codes,
            "desil1_share": rng.beta(2, 8, len(codes)).round(4) * 100,
            "extreme_poor": rng.poisson(40, len(codes)),
            "coverage_gap": rng.uniform(0, 60, len(codes)).round(2),
        }
    )
    path = out / "synthetic_desa.csv"
    table.to_csv(path, index=False)
    return path


def _config(shared: Path, table: Path, out: Path) -> Path:
    path = out / "bench.toml"
    path.write_text(
        f"""
title = "Benchmark desa Banten (data sintetis)"
synthetic = true
[boundaries]
path = "{(shared / DESA).as_posix()}"
code_column = "village_code"
name_column = "village"
code_system = "bps"
[[tables]]
path = "{table.as_posix()}"
code_column = "village_code"
code_system = "bps"
[scoring]
[[scoring.indicators]]
key = "desil1_share"
weight = 0.4
unit = "%"
[[scoring.indicators]]
key = "extreme_poor"
weight = 0.4
unit = "jiwa"
[[scoring.indicators]]
key = "coverage_gap"
weight = 0.2
unit = "%"
[classify]
scheme = "quantiles"
k = 5
[outputs]
dir = "{(out / "ours").as_posix()}"
name = "bench"
""",
        encoding="utf-8",
    )
    return path


def run_ours(shared: Path, table: Path, out: Path) -> dict:
    from geo_priority import pipeline
    from geo_priority.config import load_config

    cfg = _config(shared, table, out)
    start = time.perf_counter()
    result = pipeline.run(load_config(cfg))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "html_bytes": result.outputs["html"].stat().st_size}


def run_explore(shared: Path, table: Path, out: Path) -> dict:
    import geopandas as gpd
    import pandas as pd

    start = time.perf_counter()
    gdf = gpd.read_file(shared / DESA, engine="pyogrio")
    figures = pd.read_csv(table, dtype={"village_code": str})
    gdf = gdf.merge(figures, on="village_code", how="left")
    gdf["score"] = (
        gdf["desil1_share"].rank(pct=True) * 40
        + gdf["extreme_poor"].rank(pct=True) * 40
        + gdf["coverage_gap"].rank(pct=True) * 20
    )
    m = gdf.explore(
        column="score",
        scheme="quantiles",
        k=5,
        cmap="YlOrRd",
        tooltip=["village", "village_code", "score"],
    )
    path = out / "explore.html"
    m.save(path)
    return {"seconds": time.perf_counter() - start, "html_bytes": path.stat().st_size}


def _child(which: str, shared: Path, table: Path, out: Path) -> None:
    result = (run_ours if which == "ours" else run_explore)(shared, table, out)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _spawn(which: str, shared: Path, table: Path, out: Path) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            "--shared",
            str(shared),
            "--table",
            str(table),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["ours", "explore"])
    parser.add_argument("--table", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.shared, args.table, args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        table = _synthetic_table(args.shared, out)
        rows = {"geo-priority run": [], "geopandas.explore": []}
        for i in range(args.repeat):
            run_dir = out / f"r{i}"
            run_dir.mkdir()
            rows["geo-priority run"].append(_spawn("ours", args.shared, table, run_dir))
            rows["geopandas.explore"].append(
                _spawn("explore", args.shared, table, run_dir)
            )
    print(
        f"Banten desa, 1,552 units, best of {args.repeat} runs "
        "(each in a fresh process; time includes reading the GeoJSON):"
    )
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in rows.items()}
    for name, r in best.items():
        print(
            f"  {name:20s} {r['seconds']:6.2f} s   peak RSS {r['max_rss_mb']:6.0f} MB"
            f"   HTML {r['html_bytes'] / 1e6:5.1f} MB"
        )
    ours, peer = best["geo-priority run"], best["geopandas.explore"]
    ratio = ours["seconds"] / peer["seconds"]
    print(f"  time ratio (geo-priority / explore): {ratio:.2f}")
    print(f"  HTML size ratio: {ours['html_bytes'] / peer['html_bytes']:.2f}")


if __name__ == "__main__":
    main()
