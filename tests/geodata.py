"""Tiny canonical geometries for tests (after shapely's ``tests/common.py``).

Everything is built in code: unit squares, a 3x3 grid of squares with ids
``"A1"`` .. ``"C3"`` (letter = row from the bottom, digit = column), a
multipolygon, an empty polygon, an invalid "bowtie" polygon and a ``None``
geometry. :func:`squares` lays out rows of squares of any size anywhere, for
toy areas near Banten (``origin=(106, -6.5), size=0.1``).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import MultiPolygon, Polygon, box


def unit_square(x: float = 0.0, y: float = 0.0) -> Polygon:
    """Return the 1x1 square with lower-left corner ``(x, y)``."""
    return box(x, y, x + 1, y + 1)


#: Ids of the 3x3 grid, row by row from the bottom-left square.
GRID_IDS: tuple[str, ...] = tuple(f"{row}{col}" for row in "ABC" for col in "123")

#: The 3x3 grid: ``grid["B2"]`` is the centre square ``box(1, 1, 2, 2)``.
grid: dict[str, Polygon] = {
    f"{row}{col + 1}": unit_square(col, r)
    for r, row in enumerate("ABC")
    for col in range(3)
}

multipolygon = MultiPolygon([unit_square(0, 0), unit_square(2, 2)])
empty_polygon = Polygon()
#: Self-intersecting "figure eight": ``is_valid`` is False.
bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
none_geometry = None


def grid_gdf(
    crs: str | None = "EPSG:3857", **columns: list[object]
) -> gpd.GeoDataFrame:
    """Return the grid as a GeoDataFrame with an ``id`` column and extra columns.

    Each keyword is an extra column of nine values, in :data:`GRID_IDS` order.
    """
    data: dict[str, list[object]] = {"id": list(GRID_IDS), **columns}
    return gpd.GeoDataFrame(data, geometry=[grid[i] for i in GRID_IDS], crs=crs)


def squares(
    n: int,
    *,
    per_row: int | None = None,
    origin: tuple[float, float] = (0.0, 0.0),
    size: float = 1.0,
) -> list[Polygon]:
    """Return ``n`` squares of side ``size``, ``per_row`` to a row (default all).

    Square ``i`` sits in column ``i % per_row`` and row ``i // per_row``,
    counted from the lower-left ``origin``; neighbours share their edges.
    """
    x0, y0 = origin
    width = per_row or n
    return [
        box(
            x0 + (i % width) * size,
            y0 + (i // width) * size,
            x0 + (i % width) * size + size,
            y0 + (i // width) * size + size,
        )
        for i in range(n)
    ]


def squares_gdf(
    n: int = 2,
    crs: str | None = "EPSG:4326",
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    size: float = 1.0,
    **columns: list[object],
) -> gpd.GeoDataFrame:
    """Return ``n`` squares side by side (unit squares by default) and columns."""
    geoms = squares(n, origin=origin, size=size)
    return gpd.GeoDataFrame(dict(columns), geometry=geoms, crs=crs)


#: The run config of :func:`kab_run`; ``{outputs}`` ends its ``[outputs]``.
_KAB_RUN = """
title = "Uji"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "angka.csv"
code_column = "kode"
code_system = "kemendagri"
[scoring]
[[scoring.indicators]]
key = "p0"
[classify]
scheme = "prioritas"
k = 2
[outputs]
name = "uji"
"""


def kab_run(
    folder: Path,
    *,
    names: tuple[str, str, str] = ("A", "B", "C"),
    outputs: str = "",
    **columns: list[object],
) -> Path:
    """Write three Banten kab boundaries, a P0 table and a run config; return it.

    ``outputs`` is appended to the config's ``[outputs]`` section; ``columns``
    are extra attributes of the boundary layer.
    """
    import pandas as pd

    codes = ["36.01", "36.02", "36.03"]
    gpd.GeoDataFrame(
        {"kode": codes, "nama": list(names), **columns},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(3)],
        crs="EPSG:4326",
    ).to_file(folder / "kab.geojson", driver="GeoJSON")
    pd.DataFrame({"kode": codes, "p0": [3.0, 6.0, 9.0]}).to_csv(
        folder / "angka.csv", index=False
    )
    (folder / "run.toml").write_text(_KAB_RUN + outputs, encoding="utf-8")
    return folder / "run.toml"


#: Six Banten desa in three kecamatan of two kab/kota (:func:`desa_run`).
DESA_CODES = [
    "36.01.01.2001",
    "36.01.01.2002",
    "36.01.02.2001",
    "36.01.02.2002",
    "36.02.01.2002",
    "36.02.01.2003",
]

_DESA_RUN = """
[boundaries]
path = "desa.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode"
[scoring]
{indicators}
[classify]
scheme = "prioritas"
k = 2
[outputs]
dir = "out"
overwrite = true
{outputs}"""


def desa_run(folder: Path, *, indicators: str, outputs: str) -> Path:
    """Write :data:`DESA_CODES` as a row of boxes, a poor/pop table and a run config.

    ``indicators`` is the ``[[scoring.indicators]]`` text (columns ``poor``
    and ``pop``); ``outputs`` is appended to ``[outputs]`` (after ``dir =
    "out"`` and ``overwrite = true``). Returns the config's path.
    """
    import pandas as pd

    geoms = [box(106 + i * 0.05, -6.5, 106.05 + i * 0.05, -6.45) for i in range(6)]
    gpd.GeoDataFrame(
        {"kode": DESA_CODES, "nama": list("ABCDEF")}, geometry=geoms, crs="EPSG:4326"
    ).to_file(folder / "desa.geojson")
    pd.DataFrame(
        {
            "kode": DESA_CODES,
            "poor": [1, 10, 5, 0, 7, 3],
            "pop": [10, 900, 80, 50, 70, 60],
        }
    ).to_csv(folder / "t.csv", index=False)
    path = folder / "run.toml"
    text = _DESA_RUN.format(indicators=indicators.strip(), outputs=outputs)
    path.write_text(text, encoding="utf-8")
    return path
