"""The national desa case shared by the map-draw benchmark: 83,402 desa, levels.

A synthetic indicator pair (poor people and population, counts, so coarser
levels re-divide the rate) is drawn for every desa of the Kemendagri 2025
national layer; the run keeps ``map_levels = ["kecamatan", "kabkota",
"provinsi"]``, so the map can switch level by zoom. Nothing derived from
../shared/data is written into the repository: files go to a temporary
folder.
"""

from __future__ import annotations

from pathlib import Path

DESA = "boundaries/indonesia_desa_kemendagri2025_cahyadsn.parquet"
LEVELS = ("kecamatan", "kabkota", "provinsi")


def synthetic_table(shared: Path, out: Path) -> Path:
    """Write a synthetic desa table (counts) for every national desa code."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    codes = pq.read_table(shared / DESA, columns=["kode"]).column("kode").to_pylist()
    rng = np.random.default_rng(2026)
    population = rng.integers(300, 12000, len(codes))
    poor = np.rint(population * rng.beta(2, 14, len(codes))).astype(int)
    table = pd.DataFrame(
        {
            "kode": codes,
            "p0": (100 * poor / population).round(4),
            "penduduk": population,
            "penduduk_miskin": poor,
        }
    )
    path = out / "synthetic_national_desa.csv"
    table.to_csv(path, index=False)
    return path


def config(shared: Path, table: Path, out: Path, *, levels: bool = True) -> Path:
    """Write the run's config (HTML only) and return its path."""
    path = out / "national_desa.toml"
    map_levels = ", ".join(f'"{lv}"' for lv in LEVELS) if levels else ""
    path.write_text(
        f"""
title = "Prioritas kemiskinan menurut desa — Indonesia (data sintetis)"
synthetic = true
[boundaries]
path = "{(shared / DESA).resolve().as_posix()}"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
level = "desa"
[[tables]]
path = "{table.as_posix()}"
code_column = "kode"
code_system = "kemendagri"
[scoring]
[[scoring.indicators]]
key = "p0"
numerator = "penduduk_miskin"
denominator = "penduduk"
weight = 1
unit = "%"
label = "Persentase penduduk miskin (sintetis)"
[[scoring.indicators]]
key = "penduduk_miskin"
score = false
weight = 0
unit = "jiwa"
label = "Penduduk miskin (sintetis)"
[[scoring.indicators]]
key = "penduduk"
score = false
weight = 0
unit = "jiwa"
label = "Penduduk (sintetis)"
[classify]
scheme = "quantiles"
k = 5
[outputs]
dir = "{(out / "maps").as_posix()}"
name = "nasional_desa"
formats = ["html"]
map_levels = [{map_levels}]
""",
        encoding="utf-8",
    )
    return path
