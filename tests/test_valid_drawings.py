"""The coarser levels' drawings are valid polygons (issue 11 follow-up).

Closing the cracks between children simplified apart grows the large parts
of a shape but keeps its islets as they are; an islet in a crack (or in a
filled sliver hole) then overlapped its own shape: an invalid drawing, which
the map's even-odd fill leaves as an unfilled speck.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, box

from geo_priority import geometry

W = 0.01  # the display tolerance of these cases
HALVES = [box(0, 0, 0.5, 1), box(0.505, 0, 1, 1)]  # a crack 0.005 wide between
IN_CRACK = box(0.501, 0.5, 0.504, 0.503)  # an islet inside the crack
ACROSS = box(0.501, 0.998, 0.504, 1.004)  # an islet sticking out of its end


def test_islets_in_a_closed_crack_leave_valid_shapes_that_cover_them() -> None:
    moved = [translate(g, 2) for g in (*HALVES, ACROSS)]
    geoms = np.array([*HALVES, IN_CRACK, *moved], dtype=object)
    keys = np.array(["a", "a", "a", "b", "b", "b"])
    _, drawn = geometry.simplified_union(geoms, keys, W)
    assert shapely.is_valid(drawn).all(), shapely.is_valid_reason(drawn).tolist()
    assert shapely.get_num_geometries(drawn).tolist() == [1, 1]  # crack closed
    # the islets as drawn (simplified on their own) are not lost, not even
    # the part outside the crack
    islets = geometry.simplify_each(np.array([IN_CRACK, moved[2]]), W)
    lost = shapely.area(shapely.difference(islets, drawn)) / shapely.area(islets)
    assert (lost < 1e-9).all(), lost


def test_valid_drawings_keep_the_same_points() -> None:
    """Islets inside a part are dropped, overlapping ones unioned with it: the
    drawing covers the points it covered (as make_valid reads them)."""
    body = box(0, 0, 1, 1)
    inside = box(0.5, 0.5, 0.51, 0.51)
    overlapping = box(0.995, 0.2, 1.005, 0.21)
    apart = box(1.5, 0, 1.51, 0.01)
    shapes = np.array(
        [
            MultiPolygon([body, inside, apart]),
            MultiPolygon([body, overlapping]),
            MultiPolygon([body, apart]),  # valid: left as it is
            # an islet bridging two parts, and one overlapping another islet
            MultiPolygon([body, box(1.002, 0, 2, 1), box(0.995, 0.5, 1.007, 0.51)]),
            MultiPolygon([box(3, 3, 3.02, 3.02), box(3.01, 3.01, 3.03, 3.03)]),
        ],
        dtype=object,
    )
    fixed = geometry.valid_drawings(shapes, 0.01)
    assert shapely.is_valid(fixed).all()
    points = shapely.make_valid(shapes, method="structure", keep_collapsed=False)
    assert shapely.equals(fixed, points).all()
    assert shapely.get_num_geometries(fixed).tolist() == [2, 1, 2, 1, 1]
    assert fixed[2] is shapes[2]
