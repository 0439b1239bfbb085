"""display_shapes.in_threads: chunks of about equal vertex counts, the same
result as the function on the whole array."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from geo_priority import display_shapes


@pytest.fixture
def geoms() -> np.ndarray:
    # many small squares first, then a few many-vertex circles: equal counts
    # of geometries would give the second thread nearly all the vertices
    small = [box(i, 0, i + 0.5, 0.5) for i in range(60)]
    big = [Point(i, 5).buffer(0.4, quad_segs=64) for i in range(4)]
    return np.array([*small, None, *big], dtype=object)


def test_same_result_as_one_call(geoms: np.ndarray, monkeypatch) -> None:
    monkeypatch.setattr(display_shapes, "MIN_THREADED", 1)
    for func in (shapely.area, shapely.is_valid, lambda g: shapely.buffer(g, 0.1)):
        got = display_shapes.in_threads(func, geoms, 2)
        expected = func(geoms)
        assert got.dtype == expected.dtype
        if got.dtype == object:  # geometries: the same bytes, None kept
            assert shapely.to_wkb(got).tolist() == shapely.to_wkb(expected).tolist()
        else:
            np.testing.assert_array_equal(got, expected)


def test_chunks_hold_about_equal_vertex_counts(geoms: np.ndarray, monkeypatch) -> None:
    monkeypatch.setattr(display_shapes, "MIN_THREADED", 1)
    seen: list[int] = []

    def count(chunk: np.ndarray) -> np.ndarray:
        seen.append(int(shapely.get_num_coordinates(chunk).sum()))
        return shapely.area(chunk)

    display_shapes.in_threads(count, geoms, 2)
    total = int(shapely.get_num_coordinates(geoms).sum())
    assert sum(seen) == total
    assert max(seen) - min(seen) <= 2 * 257  # at most about one circle apart


def test_fewer_geometries_than_workers(monkeypatch) -> None:
    monkeypatch.setattr(display_shapes, "MIN_THREADED", 1)
    one = np.array([box(0, 0, 1, 1)], dtype=object)
    assert display_shapes.in_threads(shapely.area, one, 2).tolist() == [1.0]
    empty = np.array([], dtype=object)
    assert display_shapes.in_threads(shapely.area, empty, 2, size=10).tolist() == []
