"""display_shapes: groups of many parts are unioned one touching set at a time
(_unions_by_sets), the same shapes as union_all of each group, and the same
geometries as the union of the whole group at once where no lines cross."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geo_priority import display_shapes


def _groups() -> tuple[np.ndarray, np.ndarray]:
    ring = Polygon(box(0, 0, 3, 3).exterior, [box(1, 1, 2, 2).exterior])
    islands = MultiPolygon([box(30 + 2 * i, 0, 31 + 2 * i, 1) for i in range(5)])
    groups = [
        [box(0, 0, 1, 1), box(0.5, 0, 1.5, 1), box(5, 0, 6, 1)],  # overlap + islet
        [ring, box(1, 1, 2, 2)],  # an enclave fills the hole
        [ring, box(1.2, 1.2, 1.8, 1.8)],  # an island in the lake: a set apart
        [MultiPolygon([box(5, 5, 6, 6), box(7, 5, 8, 6)]), box(6, 5, 7, 6)],
        [box(20, 20, 21, 21)],  # one polygon
        [islands, box(31, 0, 32, 1), box(38.5, 0.5, 40, 2)],  # joins some islands
    ]
    geoms = np.array([g for group in groups for g in group], dtype=object)
    starts = np.cumsum([0, *(len(g) for g in groups)])
    return geoms, starts


@pytest.fixture
def by_sets(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every group set by set; records the number of parts of each call."""
    calls: list[int] = []
    original = display_shapes._unions_by_sets

    def spy(parts: np.ndarray, group: np.ndarray, size: int | None) -> np.ndarray:
        calls.append(len(parts))
        return original(parts, group, size)

    monkeypatch.setattr(display_shapes, "SET_PARTS", 1)
    monkeypatch.setattr(display_shapes, "_unions_by_sets", spy)
    return calls


def test_unions_by_sets_are_the_unions_of_each_group(by_sets: list[int]) -> None:
    geoms, starts = _groups()
    got = display_shapes._grouped_unions(geoms, starts)
    assert by_sets == [int(shapely.get_num_geometries(geoms).sum())]
    assert len(got) == len(starts) - 1
    for (a, b), union in zip(itertools.pairwise(starts), got, strict=True):
        expected = shapely.union_all(geoms[a:b])
        assert shapely.is_valid(union)
        assert shapely.equals(union, expected), (a, union.wkt, expected.wkt)
    assert got[0].area == 2.5
    assert got[1].area == 9.0
    assert got[2].area == 8.0 + 0.36
    assert got[4].geom_type == "Polygon"  # one polygon stays a Polygon
    assert shapely.get_num_geometries(got[5]) == 4  # 30-33, 34-35, 36-37, 38-40


def test_sets_give_the_geometries_of_one_buffer(by_sets: list[int]) -> None:
    """Where no lines cross, set by set is exactly buffer(0) of the whole group
    (same polygons, same vertices, same order: farthest east first)."""
    geoms, starts = _groups()
    got = display_shapes._grouped_unions(geoms, starts)
    for (a, b), union in zip(itertools.pairwise(starts), got, strict=True):
        parts = shapely.get_parts(geoms[a:b])
        whole = shapely.buffer(shapely.multipolygons(parts), 0)
        assert shapely.equals_exact(union, whole, tolerance=0), (union.wkt, whole.wkt)


def test_few_parts_a_group_are_unioned_at_once(monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(
        display_shapes, "_unions_by_sets", lambda *a: calls.append(1) or a[0]
    )
    geoms, starts = _groups()
    display_shapes._grouped_unions(geoms, starts)
    assert calls == []  # 2.3 parts a group < SET_PARTS
