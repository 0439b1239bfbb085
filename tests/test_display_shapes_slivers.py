"""display_shapes.without_slivers works only on the parts with holes and gives
the same geometries as rebuilding every part from its rings (as it did)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geo_priority import display_shapes


def _every_part_rebuilt(geoms: np.ndarray, width: float) -> np.ndarray:
    parts, owner = display_shapes._nonempty_parts(geoms)
    rings, part = shapely.get_rings(parts, return_index=True)
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = part[1:] != part[:-1]
    wide = 2 * shapely.area(shapely.polygons(rings)) >= width * shapely.length(rings)
    keep = exterior | wide
    rebuilt = shapely.polygons(rings[keep], indices=part[keep])
    return display_shapes._regrouped(geoms, rebuilt, owner)


def _shapes() -> np.ndarray:
    sliver, lake = box(1, 1, 9, 1.01), box(4, 4, 6, 6)
    holed = Polygon(box(0, 0, 10, 10).exterior, [sliver.exterior, lake.exterior])
    only_sliver = Polygon(box(20, 0, 30, 10).exterior, [box(21, 1, 29, 1.01).exterior])
    return np.array(
        [
            MultiPolygon([box(-5, 0, -4, 1), holed, box(12, 0, 13, 1)]),
            box(40, 0, 41, 1),  # a Polygon without holes
            MultiPolygon([box(50, 0, 51, 1), box(52, 0, 53, 1)]),
            only_sliver,
            Polygon(),
            MultiPolygon([only_sliver, holed]),
        ],
        dtype=object,
    )


def test_without_slivers_is_every_part_rebuilt() -> None:
    shapes = _shapes()
    got = display_shapes.without_slivers(shapes, 0.1)
    expected = _every_part_rebuilt(shapes, 0.1)
    assert shapely.to_wkb(got).tolist() == shapely.to_wkb(expected).tolist()
    holes = [shapely.get_num_interior_rings(shapely.get_parts(g)).sum() for g in got]
    assert holes == [1, 0, 0, 0, 0, 1]
    assert got[1].geom_type == "MultiPolygon"  # as every shape with a hole around


def test_without_slivers_leaves_shapes_without_holes_alone() -> None:
    shapes = _shapes()[[1, 2, 4]]
    assert display_shapes.without_slivers(shapes, 0.1) is shapes
