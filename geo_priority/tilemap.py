"""Schematic hexagon tile maps, for when real boundaries cannot be had.

One hexagon per area, placed on a hexagonal grid at the cell nearest its
approximate geographic centre; collisions move to the nearest free cell. Tile
grid maps are a legitimate cartographic form (equal visual weight per area),
and the map says loudly that it is schematic.

Examples
--------
>>> tiles = hex_tiles({"A": (106.0, -6.0), "B": (106.01, -6.0)}, size=0.1)
>>> len(tiles), tiles.crs.to_epsg()
(2, 4326)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import geopandas as gpd
from shapely.geometry import Polygon

from geo_priority.schema import ID

#: Approximate geographic centres (lon, lat) of Banten's kab/kota, typed by hand
#: from general knowledge. Used ONLY to place tiles of the schematic map.
BANTEN_KABKOTA_CENTRES: dict[str, tuple[float, float]] = {
    "36.01": (105.85, -6.62),  # Kab. Pandeglang
    "36.02": (106.20, -6.62),  # Kab. Lebak
    "36.03": (106.45, -6.20),  # Kab. Tangerang
    "36.04": (106.18, -6.25),  # Kab. Serang
    "36.71": (106.64, -6.17),  # Kota Tangerang
    "36.72": (105.98, -6.02),  # Kota Cilegon
    "36.73": (106.15, -6.08),  # Kota Serang
    "36.74": (106.70, -6.32),  # Kota Tangerang Selatan
}

_NEIGHBOURS = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))


def _to_axial(lon: float, lat: float, size: float) -> tuple[float, float]:
    q = (math.sqrt(3) / 3 * lon - lat / 3) / size
    r = (2 / 3 * lat) / size
    return q, r


def _centre(q: int, r: int, size: float) -> tuple[float, float]:
    return size * math.sqrt(3) * (q + r / 2), size * 1.5 * r


def _round(q: float, r: float) -> tuple[int, int]:
    x, z = q, r
    y = -x - z
    rx, ry, rz = round(x), round(y), round(z)
    dx, dy, dz = abs(rx - x), abs(ry - y), abs(rz - z)
    if dx > dy and dx > dz:
        rx = -ry - rz
    elif dy <= dz:
        rz = -rx - ry
    return int(rx), int(rz)


def _free_cell(
    target: tuple[float, float], taken: set[tuple[int, int]], size: float
) -> tuple[int, int]:
    q, r = _round(*_to_axial(*target, size))
    ring = {(q, r)}
    while True:
        free = [c for c in ring if c not in taken]
        if free:
            return min(free, key=lambda c: math.dist(_centre(c[0], c[1], size), target))
        ring = {(a + dq, b + dr) for a, b in ring for dq, dr in _NEIGHBOURS} | ring


def _close_row_gaps(cells: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Move rows together so no empty row is left between occupied ones.

    Areas whose centres are far apart north-south (Banten's southern
    regencies) would otherwise leave a band of sea between the hexagons. Each
    row keeps its order and its tiles their order within it; a row moved by
    ``d`` rows also moves ``d // 2`` columns so it stays under its old place.
    """
    rows = sorted({r for _, r in cells.values()}, reverse=True)
    new_row = {r: rows[0] - i for i, r in enumerate(rows)}
    return {
        code: (q + (r - new_row[r]) // 2, new_row[r]) for code, (q, r) in cells.items()
    }


def _hexagon(cx: float, cy: float, size: float) -> Polygon:
    pts = [
        (
            cx + 0.96 * size * math.cos(math.radians(60 * i + 30)),
            cy + 0.96 * size * math.sin(math.radians(60 * i + 30)),
        )
        for i in range(6)
    ]
    return Polygon(pts)


def hex_tiles(
    centres: Mapping[str, tuple[float, float]], /, *, size: float = 0.12
) -> gpd.GeoDataFrame:
    """Return one hexagon per code, placed near its centre (EPSG:4326).

    Parameters
    ----------
    centres : mapping of str to (lon, lat)
        Approximate centre of each area.
    size : float
        Hexagon radius in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``area_id`` and geometry. Rows of hexagons touch: an empty
        row between two occupied ones is closed up.
    """
    taken: dict[str, tuple[int, int]] = {}
    for code, point in centres.items():
        taken[code] = _free_cell(point, set(taken.values()), size)
    rows = [
        {ID: code, "geometry": _hexagon(*_centre(*cell, size), size)}
        for code, cell in _close_row_gaps(taken).items()
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
