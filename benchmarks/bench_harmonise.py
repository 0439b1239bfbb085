"""Harmonise on the real Banten desa layers: prepare, join, crosswalk timings.

Times :func:`geo_priority.harmonise.prepare_boundaries` and
:func:`~geo_priority.harmonise.join_indicators` (by code and name, and through
the BPS 2020 -> Kemendagri 2025 crosswalk) on the 1,552 Banten desa, plus
:func:`~geo_priority.regions.crosswalk_from_frame`, and counts how many times a
code is read during one pass of all five. Written to
measure "parse once" (issue 14): before it, each code was read about three
times per step.

Usage:
    python benchmarks/bench_harmonise.py [--repeat 7] [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority.harmonise import join_indicators, prepare_boundaries
from geo_priority.regions import crosswalk_from_frame

_DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def _cases(folder: Path) -> dict[str, Callable[[], object]]:
    ocha = gpd.read_file(folder / "banten_desa_ocha_bps2020.geojson", engine="pyogrio")
    kmd = gpd.read_file(
        folder / "banten_desa_kemendagri2025_cahyadsn.geojson", engine="pyogrio"
    )
    cw_table = pd.read_csv(
        folder / "banten_desa_crosswalk_bps2020_kemendagri2025.csv", dtype=str
    )
    kmd_areas = prepare_boundaries(kmd, code_column="kode", name_column="nama")
    crosswalk = crosswalk_from_frame(cw_table)
    values = np.arange(len(kmd), dtype=float)
    bps_table = pd.DataFrame({"village_code": ocha["village_code"], "value": values})
    kmd_table = pd.DataFrame({"kode": kmd["kode"], "nama": kmd["nama"], "v": values})
    return {
        "prepare_boundaries ocha desa (bps)": lambda: prepare_boundaries(
            ocha, code_column="village_code", name_column="village"
        ),
        "prepare_boundaries kemendagri desa": lambda: prepare_boundaries(
            kmd, code_column="kode", name_column="nama"
        ),
        "join_indicators kemendagri desa, code+name": lambda: join_indicators(
            kmd_areas, kmd_table, code_column="kode", name_column="nama"
        ),
        "join_indicators bps desa via crosswalk": lambda: join_indicators(
            kmd_areas, bps_table, code_column="village_code", crosswalk=crosswalk
        ),
        "crosswalk_from_frame desa": lambda: crosswalk_from_frame(cw_table),
    }


def _count_reads(cases: dict[str, Callable[[], object]]) -> int:
    """Run every case once under cProfile and count the code readings.

    Counts calls of ``codes.parse.read_code`` (``regions._read`` before the
    codes package existed), so the same script measures both layouts.
    """
    profile = cProfile.Profile()
    profile.enable()
    for fn in cases.values():
        fn()
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]  # untyped
    return sum(
        calls
        for (path, _, name), (calls, *_) in stats.items()
        if (name, Path(path).name)
        in {("read_code", "parse.py"), ("_read", "regions.py")}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--shared", type=Path, default=_DEFAULT_SHARED)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    cases = _cases(args.shared / "boundaries")
    total = 0.0
    for label, fn in cases.items():
        best, median = _time(fn, args.repeat)
        total += median
        print(f"{label:44s} best {best * 1e3:7.1f} ms  median {median * 1e3:7.1f} ms")
    print(f"{'total of medians':44s} {total * 1e3:7.1f} ms")
    print(f"code readings in one pass: {_count_reads(cases):,}")


if __name__ == "__main__":
    main()
