"""The map's rings encoded as flat arrays: the same as ring by ring."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geo_priority.render import display, packing


def _one_by_one(
    simple: np.ndarray, original: np.ndarray, scale: int, min_hole: float
) -> list[list[list[list[int]]]]:
    """The per-ring loop the arrays replace (kept here as the reference)."""
    r = display._rings(simple, scale, min_hole)
    deltas = r.deltas.tolist()
    areas: list[list[list[list[int]]]] = [[] for _ in range(len(simple))]
    polygons: dict[int, list[list[int]]] = {}
    for i in np.flatnonzero(r.drawn).tolist():
        coords = deltas[r.offsets[i] : r.offsets[i + 1]]
        part = int(r.part[i])
        if r.exterior[i]:
            polygons[part] = [coords]
            areas[int(r.area_of_part[part])].append(polygons[part])
        elif part in polygons:
            polygons[part].append(coords)
    for i, area in enumerate(areas):
        if not area:
            largest = max(shapely.get_parts(original[i]), key=lambda p: p.area)
            xy = np.rint(shapely.get_coordinates(largest.exterior) * scale)
            small = display._delta(xy.astype(np.int64), keep_small=True)
            areas[i] = [[small]] if small else []
    return areas


def _mixed() -> np.ndarray:
    """Holes big and small, multipolygons, specks, a point-sized area."""
    rng = np.random.default_rng(11)
    geoms = []
    for k in range(60):
        x, y = rng.uniform(0, 10, 2)
        w = rng.choice([1e-4, 0.004, 0.02, 0.5])
        outer = shapely.buffer(
            shapely.Point(x, y), w, quad_segs=int(rng.integers(1, 8))
        )
        if k % 3 == 0:
            outer = outer.difference(box(x - w / 3, y - w / 3, x + w / 4, y + w / 4))
        if k % 4 == 1:
            outer = shapely.MultiPolygon(
                [outer, box(x + 2 * w, y, x + 2 * w + 0.003, y + 0.003)]
            )
        if k % 5 == 2:
            speck = box(x, y, x + 0.001, y + 0.001)
            outer = shapely.MultiPolygon([box(x + 3, y, x + 3.001, y + 0.001), speck])
        geoms.append(outer)
    return np.array(geoms, dtype=object)


def test_arrays_equal_the_ring_by_ring_loop() -> None:
    geoms = _mixed()
    r = display._rings(geoms, 100, 0.0)
    drawn = set(r.area_of_part[display._drawn(r)[0]].tolist())
    assert len(drawn) < len(geoms)  # some areas are drawn as their outline only
    for scale, min_hole in [(100, 0.0), (1000, 4.0), (1000, 400.0), (10000, 0.0)]:
        encoded = display._encode(geoms, geoms, scale, min_hole)
        expected = _one_by_one(geoms, geoms, scale, min_hole)
        assert encoded.nested() == expected
        assert encoded.varints() == packing._level_varints(expected)


def test_display_geometry_counts_the_vertices_it_writes() -> None:
    shown = display.display_geometry(
        gpd.GeoDataFrame(geometry=list(_mixed()), crs=4326)
    )
    rings = shown.rings
    assert shown.vertices == sum(len(r) // 2 for a in rings for p in a for r in p)
    assert shown.vertices > 0


def test_threads_give_the_same_anchors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every other area in each thread: the same anchors as in one."""
    geoms = _mixed()[:41]
    alone = display.label_anchors(geoms, threads=False)
    chunks: list[int] = []
    poles = display._poles

    def counted(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        chunks.append(len(g))
        return poles(g)

    monkeypatch.setattr(display, "_poles", counted)
    monkeypatch.setattr(display, "MIN_THREADED", 2)
    monkeypatch.setattr(display, "WORKERS", 2)
    assert display.label_anchors(geoms) == alone
    assert sorted(chunks) == [20, 21]
    assert display.label_anchors(geoms[:1]) == alone[:1]
