"""Each polygon simplified on its own, no island lost (``geometry.simplify_each``).

Douglas-Peucker drops an islet narrower than a few tolerances; the islets
are put back (simplified at an eighth of the tolerance, or as they are),
instead of simplifying every such area keeping its topology, which took
most of the time on the national desa.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geo_priority import geometry

TOLERANCE = 0.1

#: A coast with a bay of depth 0.04 that the simplification straightens.
COAST = Polygon([(0, 0), (1, 0), (1, 1), (0.55, 1), (0.5, 0.96), (0.45, 1), (0, 1)])


def _drawn(simple: shapely.Geometry, part: shapely.Geometry) -> bool:
    """Whether the simplified area covers the part's representative point."""
    return bool(shapely.intersects(simple, shapely.point_on_surface(part)))


def _wiggly_islet(x: float, y: float, size: float = 0.05) -> Polygon:
    """A round islet of 64 vertices, ``size`` across (narrower than 3 tolerances)."""
    return shapely.Point(x, y).buffer(size / 2, quad_segs=16)


def test_islets_are_put_back_and_the_rest_is_simplified() -> None:
    islets = [_wiggly_islet(2, 0.5), _wiggly_islet(2.5, 2), box(3, 3, 3.002, 3.002)]
    area = MultiPolygon([_wiggly_islet(0.5, 0.5, 1.0), *islets])
    dropped = shapely.simplify(area, TOLERANCE, preserve_topology=False)
    assert shapely.get_num_geometries(dropped) < 4  # what is mended here

    (simple,) = geometry.simplify_each(np.array([area]), TOLERANCE)

    assert simple.is_valid
    assert shapely.get_num_geometries(simple) == 4
    assert all(_drawn(simple, islet) for islet in islets)
    # the round islets are simplified (at an eighth of the tolerance), the
    # mainland as any other area: far fewer vertices than the input
    assert shapely.get_num_coordinates(simple) < 0.5 * shapely.get_num_coordinates(area)
    mainland = max(shapely.get_parts(simple), key=lambda p: p.area)
    expected = shapely.simplify(_wiggly_islet(0.5, 0.5, 1.0), TOLERANCE)
    assert mainland.equals(expected)
    # the speck too small to simplify is kept as it is
    assert any(part.equals(islets[2]) for part in shapely.get_parts(simple))


def test_an_islet_overlapping_the_simplified_coast_keeps_the_topology() -> None:
    """Put back, an islet in a bay the coast now cuts across would overlap it
    (an invalid drawing): that area is simplified keeping its topology."""
    islet = box(0.49, 0.995, 0.51, 1.03)  # in the bay, sticking out of it
    area = MultiPolygon([COAST, islet])
    assert area.is_valid

    (simple,) = geometry.simplify_each(np.array([area]), TOLERANCE)

    assert simple.is_valid
    assert simple.equals(shapely.simplify(area, TOLERANCE, preserve_topology=True))
    assert shapely.get_num_geometries(simple) == 2  # the islet kept its ring


def test_an_islet_the_simplified_coast_covers_is_not_put_back() -> None:
    islet = box(0.495, 0.985, 0.505, 0.995)  # in the bay, under the new coast
    area = MultiPolygon([COAST, islet])

    (simple,) = geometry.simplify_each(np.array([area]), TOLERANCE)

    assert simple.equals(box(0, 0, 1, 1))
    assert _drawn(simple, islet)


def test_areas_without_a_lost_part_are_douglas_peucker_as_before() -> None:
    areas = np.array([_wiggly_islet(0, 0, 1.0), box(2, 0, 3, 1)], dtype=object)
    simple = geometry.simplify_each(areas, TOLERANCE)
    expected = shapely.simplify(areas, TOLERANCE, preserve_topology=False)
    assert shapely.equals_exact(simple, expected, 0).all()


@pytest.mark.parametrize("empty", [None, Polygon(), MultiPolygon()])
def test_missing_and_empty_areas_pass_through(empty: object) -> None:
    areas = np.array([empty, MultiPolygon([box(0, 0, 1, 1), box(2, 0, 2.01, 0.01)])])
    simple = geometry.simplify_each(areas, TOLERANCE)
    assert (simple[0] is None) == (empty is None)
    if empty is not None:
        assert simple[0].is_empty
    assert shapely.get_num_geometries(simple[1]) == 2
