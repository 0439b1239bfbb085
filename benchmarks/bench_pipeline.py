"""Whole process: ``geo-priority run`` vs ``geopandas.explore``, Banten desa.

Each contender is a fresh Python process started from the shell's point of
view, so its time is everything a planner waits for: the interpreter, every
import, reading the GeoJSON (1,552 desa) and the synthetic indicator table,
the work, and writing the HTML map. The runs alternate (ours, explore, ours,
...) so that a busy machine slows both alike.

* ``geo-priority run``: ``python -m geo_priority run bench.toml -q`` with
  ``outputs.formats = ["html"]`` (``--all-formats``: every default format) and
  quantile classes (as explore's ``scheme="quantiles"``).
* ``geopandas.explore``: ``python -c "import geopandas ...; gdf.explore(
  column="score", scheme="quantiles", k=5, ...).save(...)"``, reading the same
  files, merging the table and computing a comparable rank score.

Wall time, CPU time (user + system) and peak RSS come from ``os.wait4`` on each
child (its own ``rusage``), not from this process.

Usage:
    python benchmarks/bench_pipeline.py [--repeat 5] [--shared ../shared/data]
        [--all-formats]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DESA = "boundaries/banten_desa_ocha_bps2020.geojson"

EXPLORE = """
import geopandas as gpd
import pandas as pd
gdf = gpd.read_file({boundaries!r}, engine="pyogrio")
figures = pd.read_csv({table!r}, dtype={{"village_code": str}})
gdf = gdf.merge(figures, on="village_code", how="left")
gdf["score"] = (
    gdf["desil1_share"].rank(pct=True) * 40
    + gdf["extreme_poor"].rank(pct=True) * 40
    + gdf["coverage_gap"].rank(pct=True) * 20
)
m = gdf.explore(
    column="score", scheme="quantiles", k=5, cmap="YlOrRd",
    tooltip=["village", "village_code", "score"],
)
m.save({html!r})
"""


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds, peak RSS and the HTML written."""

    wall: float
    cpu: float
    rss_mb: float
    html_bytes: int


def synthetic_table(shared: Path, out: Path) -> Path:
    """Write the synthetic indicators of every desa (seeded) as CSV."""
    import numpy as np
    import pandas as pd
    import pyogrio

    codes = pyogrio.read_dataframe(
        shared / DESA, columns=["village_code"], read_geometry=False
    )["village_code"]
    rng = np.random.default_rng(2024)
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


def config_file(shared: Path, table: Path, out: Path, *, all_formats: bool) -> Path:
    """Write the run's TOML: same boundaries, table, weights and classes."""
    formats = "" if all_formats else 'formats = ["html"]\n'
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
overwrite = true
{formats}""",
        encoding="utf-8",
    )
    return path


def compile_package() -> str:
    """Compile geo_priority's bytecode, as ``pip install`` does; say so in a line.

    Python writes a module's bytecode on its first import, so every run
    but a user's very first reads it. Where ``PYTHONDONTWRITEBYTECODE`` is
    set (as in this project's sandbox) an editable checkout would compile
    its ~110 modules from source on every run (about 0.1 s), while the
    peers' libraries were compiled when pip installed them: compiling ours
    once first compares like with like.
    """
    spec = importlib.util.find_spec("geo_priority")
    assert spec is not None and spec.submodule_search_locations
    compileall.compile_dir(spec.submodule_search_locations[0], quiet=1)
    line = "geo_priority's bytecode compiled before timing, as pip install does"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        line += " (PYTHONDONTWRITEBYTECODE is set here: Python would not write it)"
    return line


def timed(argv: list[str], html: Path) -> Run:
    """Run ``argv`` as a child; return its wall, CPU, peak RSS and HTML size."""
    html.unlink(missing_ok=True)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{argv[:4]} failed:\n{err.read().decode()[-2000:]}")
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=usage.ru_maxrss / 1024,
        html_bytes=html.stat().st_size,
    )


def _line(name: str, runs: list[Run]) -> str:
    best = min(runs, key=lambda r: r.wall)
    median = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    return (
        f"  {name:18s} wall best {best.wall:5.2f} s  median {median:5.2f} s   "
        f"CPU median {cpu:5.2f} s   peak RSS {max(r.rss_mb for r in runs):5.0f} MB   "
        f"HTML {best.html_bytes / 1e6:5.2f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--all-formats",
        action="store_true",
        help="geo-priority writes every default format, not only the HTML map",
    )
    args = parser.parse_args()
    boundaries = args.shared / DESA
    if not boundaries.is_file():
        raise SystemExit(f"missing {boundaries} (see ../shared/data/README.md)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        table = synthetic_table(args.shared, out)
        config = config_file(args.shared, table, out, all_formats=args.all_formats)
        ours_html = out / "ours" / "bench.html"
        peer_html = out / "explore.html"
        ours_argv = [sys.executable, "-m", "geo_priority", "run", str(config), "-q"]
        code = EXPLORE.format(
            boundaries=str(boundaries), table=str(table), html=str(peer_html)
        )
        peer_argv = [sys.executable, "-c", code]
        bytecode = compile_package()
        timed(ours_argv, ours_html)  # warm the OS file cache once
        timed(peer_argv, peer_html)
        ours, peer = [], []
        for _ in range(args.repeat):
            ours.append(timed(ours_argv, ours_html))
            peer.append(timed(peer_argv, peer_html))
    what = "every default format" if args.all_formats else "HTML only"
    print(
        f"Banten desa, 1,552 areas, whole process (interpreter, imports, read, "
        f"write), {args.repeat} alternating runs; geo-priority writes {what}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}:"
    )
    print(_line("geo-priority run", ours))
    print(_line("geopandas.explore", peer))
    pairs = [o.wall / p.wall for o, p in zip(ours, peer, strict=True)]
    cpu = statistics.median(o.cpu / p.cpu for o, p in zip(ours, peer, strict=True))
    best = min(r.wall for r in ours) / min(r.wall for r in peer)
    ratio = statistics.median(pairs)
    print(
        f"  time ratio (geo-priority / explore): best {best:.3f}, median of pairs "
        f"{ratio:.3f}; CPU ratio median {cpu:.2f}"
    )
    if not args.all_formats:
        verdict = "met" if ratio <= 1 / 3 else "not met"
        print(f"  goal median of pairs <= 1/3 (0.333): {ratio:.3f}, {verdict}")
    print(f"  HTML size ratio: {ours[0].html_bytes / peer[0].html_bytes:.2f}")
    print(f"  {bytecode}")


if __name__ == "__main__":
    main()
