"""Zonal statistics: geo_priority.zonal (exactextract) vs rasterstats, in one run.

Both summarise the same synthetic population raster (UTM 48S, default 100 m,
a smooth gradient of 5 to 45 people per pixel) over the real Banten desa layer
(1,552 polygons). Each contender runs in its own subprocess so that its peak
memory (max RSS) is its own. Besides time, the script reports accuracy: the
raster is smooth, so the exact answer is close to the integral of the density
over each desa; rasterstats counts whole pixels whose centre falls inside
(``all_touched=False``), geo-priority weights every pixel by the fraction
covered.

Usage:
    python benchmarks/bench_zonal.py [--resolution 100] [--repeat 3]
                                     [--shared ../shared/data]

rasterstats is not a dependency of geo-priority; the ``bench`` extra installs it:
``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DESA = "boundaries/banten_desa_ocha_bps2020.geojson"
UTM48S = "EPSG:32748"


def _prepare(shared: Path, out: Path, resolution: float) -> tuple[Path, Path]:
    """Write the desa (in UTM 48S, as GeoPackage) and the population raster."""
    import geopandas as gpd
    import numpy as np
    from rasterio.transform import Affine

    from geo_priority.io.raster import write_cog

    desa = gpd.read_file(shared / DESA, engine="pyogrio").to_crs(UTM48S)
    desa = desa.rename(columns={"village_code": "area_id"})[["area_id", "geometry"]]
    desa_path = out / "desa_utm.gpkg"
    desa.to_file(desa_path)
    minx, miny, maxx, maxy = desa.total_bounds
    left = math.floor(minx / resolution) * resolution - resolution
    top = math.ceil(maxy / resolution) * resolution + resolution
    width = math.ceil((maxx - left) / resolution) + 2
    height = math.ceil((top - miny) / resolution) + 2
    x = np.linspace(0.0, 1.0, width, dtype="float32")
    values = np.broadcast_to(5 + 40 * x, (height, width)).astype("float32")
    raster = write_cog(
        values,
        out / "population.tif",
        transform=Affine(resolution, 0, left, 0, -resolution, top),
        crs=UTM48S,
        nodata=-1.0,
    )
    return desa_path, raster


def _truth(desa_path: Path, raster: Path) -> list[float]:
    """Integral of the linear density: area (in pixels) x density at the centroid.

    Pixel column j holds 5 + 40 j / (width - 1); as a function of x that is
    v(x) = 5 + 40 ((x - left) / res - 0.5) / (width - 1).
    """
    import geopandas as gpd
    import rasterio

    desa = gpd.read_file(desa_path)
    with rasterio.open(raster) as src:
        left, res, width = src.bounds.left, src.res[0], src.width
    column = (desa.geometry.centroid.x - left) / res - 0.5
    density = 5 + 40 * column / (width - 1)
    return (desa.area / res**2 * density).tolist()


def _run_geo_priority(desa_path: str, raster: str) -> list[float]:
    import geopandas as gpd

    from geo_priority.zonal import zonal_statistics

    desa = gpd.read_file(desa_path)
    table = zonal_statistics(desa, raster, stats=["sum"], prefix="pop")
    return table["pop_sum"].tolist()


def _run_rasterstats(desa_path: str, raster: str) -> list[float]:
    import geopandas as gpd
    from rasterstats import zonal_stats

    desa = gpd.read_file(desa_path)
    return [s["sum"] or 0.0 for s in zonal_stats(desa, raster, stats=["sum"])]


def _child(which: str, desa_path: str, raster: str) -> None:
    run = {"geo-priority": _run_geo_priority, "rasterstats": _run_rasterstats}[which]
    start = time.perf_counter()
    sums = run(desa_path, raster)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "sums": sums}))


def _measure(which: str, desa_path: Path, raster: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, str(desa_path), str(raster)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _error(sums: list[float], truth: list[float]) -> tuple[float, float]:
    """Return the median and the 99th percentile of the relative error (%)."""
    import numpy as np

    rel = np.abs(np.asarray(sums) - np.asarray(truth)) / np.asarray(truth) * 100
    return float(np.median(rel)), float(np.percentile(rel, 99))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "data",
    )
    args = parser.parse_args()
    if importlib.util.find_spec("rasterstats") is None:
        sys.exit(
            "bench_zonal: the peer rasterstats is not installed. Install the "
            "benchmark peers with: .venv/bin/pip install -e '.[bench]'"
        )
    with tempfile.TemporaryDirectory() as tmp:
        desa_path, raster = _prepare(args.shared, Path(tmp), args.resolution)
        truth = _truth(desa_path, raster)
        results = {}
        for which in ("geo-priority", "rasterstats"):
            runs = [_measure(which, desa_path, raster) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            results[which] = {**best, "error": _error(best["sums"], truth)}
    print(f"Banten desa (1,552) x population raster at {args.resolution:g} m")
    for which, r in results.items():
        median, p99 = r["error"]
        print(
            f"{which:13s} {r['seconds']:7.2f} s  peak {r['peak_mb']:6.0f} MB  "
            f"error vs exact integral: median {median:.3f} %, 99th pct {p99:.2f} %"
        )
    ratio = results["geo-priority"]["seconds"] / results["rasterstats"]["seconds"]
    print(f"time ratio geo-priority / rasterstats: {ratio:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        main()
