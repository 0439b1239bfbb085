"""display_shapes._grouped_unions: valid groups unioned at once as buffer(0),
the same shapes as union_all of each group (overlaps, enclaves, holes, touching
parts); a group with an invalid polygon is unioned by union_all after
make_valid."""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geo_priority import display_shapes


def _groups() -> tuple[np.ndarray, np.ndarray]:
    ring = Polygon(box(0, 0, 3, 3).exterior, [box(1, 1, 2, 2).exterior])
    bowtie = Polygon([(10, 10), (12, 12), (12, 10), (10, 12)])  # invalid
    groups = [
        [box(0, 0, 1, 1), box(0.5, 0, 1.5, 1)],  # overlapping
        [ring, box(1, 1, 2, 2)],  # an enclave fills the hole
        [ring, box(1.2, 1.2, 1.8, 1.8)],  # an island in the lake
        [MultiPolygon([box(5, 5, 6, 6), box(7, 5, 8, 6)]), box(6, 5, 7, 6)],
        [box(20, 20, 21, 21)],
        [bowtie, box(11, 9, 13, 10)],
    ]
    geoms = np.array([g for group in groups for g in group], dtype=object)
    starts = np.cumsum([0, *(len(g) for g in groups)])
    return geoms, starts


def test_grouped_unions_are_the_unions_of_each_group() -> None:
    geoms, starts = _groups()
    got = display_shapes._grouped_unions(geoms, starts)
    assert len(got) == len(starts) - 1
    for (a, b), union in zip(itertools.pairwise(starts), got, strict=True):
        expected = display_shapes._union(geoms[a:b])
        assert union.geom_type in ("Polygon", "MultiPolygon")
        assert shapely.is_valid(union)
        assert shapely.equals(union, expected), (a, union.wkt, expected.wkt)
    assert got[1].area == 9.0  # the enclave fills the ring's hole
    assert got[2].area == 8.0 + 0.36  # the island stays in the lake
    assert shapely.get_num_geometries(got[3]) == 1  # touching parts merge


def test_only_the_groups_with_an_invalid_polygon_take_union_all(monkeypatch) -> None:
    geoms, starts = _groups()
    slow: list[int] = []
    original = display_shapes._union

    def union(parts: np.ndarray) -> shapely.Geometry:
        slow.append(len(parts))
        return original(parts)

    monkeypatch.setattr(display_shapes, "_union", union)
    display_shapes._grouped_unions(geoms, starts)
    assert slow == [2]  # the bowtie's group
