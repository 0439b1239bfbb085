"""display._rings takes polygons apart without copying single polygons.

``_parts`` and ``_ring_coordinates`` must give what ``shapely.get_parts``
and ``shapely.get_rings`` give (parts, rings, their order and owners), so
the encoded rings stay byte for byte the same; checked against shapely's
own functions on every kind of polygonal input (with holes, several parts,
empties, collections).
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from geo_priority.render import display

HOLED = Polygon(
    [(0, 0), (10, 0), (10, 10), (0, 10)],
    [[(1, 1), (2, 1), (2, 2), (1, 2)], [(5, 5), (7, 5), (7, 7), (5, 7)]],
)
CASES = {
    "polygons": [box(0, 0, 1, 1), box(2, 0, 3, 1.5), HOLED],
    "multi": [
        box(0, 0, 1, 1),
        MultiPolygon([box(3, 3, 4, 4), HOLED, box(-2, -2, -1, -1)]),
        HOLED,
        MultiPolygon([box(5, 5, 6, 6)]),
    ],
    "empties": [box(0, 0, 1, 1), Polygon(), MultiPolygon(), HOLED],
    "collection": [
        GeometryCollection([box(0, 0, 1, 1), LineString([(0, 0), (2, 2)])]),
        box(4, 4, 5, 5),
        GeometryCollection([Point(1, 1), HOLED]),
    ],
    "none_holed": [box(i, 0, i + 0.5, 1) for i in range(5)],
}


def _reference(geoms: np.ndarray) -> tuple[np.ndarray, ...]:
    parts, area = shapely.get_parts(geoms, return_index=True)
    rings, part = shapely.get_rings(parts, return_index=True)
    counts = shapely.get_num_coordinates(rings)
    return area, counts, part, shapely.get_coordinates(rings)


@pytest.mark.parametrize("name", sorted(CASES))
def test_parts_and_rings_as_shapely_gives_them(name):
    geoms = np.array(CASES[name], dtype=object)
    parts, area = display._parts(geoms)
    counts, part, coords = display._ring_coordinates(parts)
    ref_area, ref_counts, ref_part, ref_coords = _reference(geoms)
    assert area.tolist() == ref_area.tolist()
    assert shapely.equals_exact(parts, shapely.get_parts(geoms), 0).all()
    assert counts.tolist() == ref_counts.tolist()
    assert part.tolist() == ref_part.tolist()
    assert np.array_equal(coords, ref_coords)


def test_encoded_rings_unchanged_by_the_fast_parts(monkeypatch):
    geoms = np.array(CASES["multi"] + CASES["polygons"], dtype=object)
    fast = display._encode(geoms, geoms, 10, 0.5)

    def slow_parts(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return shapely.get_parts(g, return_index=True)

    def slow_rings(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rings, part = shapely.get_rings(p, return_index=True)
        return shapely.get_num_coordinates(rings), part, shapely.get_coordinates(rings)

    monkeypatch.setattr(display, "_parts", slow_parts)
    monkeypatch.setattr(display, "_ring_coordinates", slow_rings)
    slow = display._encode(geoms, geoms, 10, 0.5)
    assert fast.varints() == slow.varints()
