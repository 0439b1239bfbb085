"""display_shapes.without_cracks: a closing that lost area (GEOS's inward
mitred buffer failed on two national kecamatan) is redone with round corners,
or left undone; the others are kept as computed."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from geo_priority import display_shapes


def _shapes() -> np.ndarray:
    split = MultiPolygon([box(0, 0, 1, 1), box(1.01, 0, 2, 1)])
    return np.array([split, MultiPolygon([box(5, 0, 6, 1)])], dtype=object)


def _grown(shapes: np.ndarray, width: float) -> np.ndarray:
    return np.asarray(
        shapely.buffer(shapes, width / 2, join_style="mitre", mitre_limit=2)
    )


def test_closings_that_kept_their_area_are_kept_as_computed() -> None:
    shapes = _shapes()
    grown = _grown(shapes, 0.05)
    shrunk = np.asarray(shapely.buffer(grown, -0.025, join_style="mitre"))
    got = display_shapes._closings_checked(shapes, grown, shrunk, 0.05)
    assert got[0] is shrunk[0]
    assert got[1] is shrunk[1]


def test_a_closing_that_lost_area_is_redone_with_round_corners() -> None:
    shapes = _shapes()
    grown = _grown(shapes, 0.05)
    shrunk = np.asarray(shapely.buffer(grown, -0.025, join_style="mitre"))
    failed = shrunk.copy()
    failed[0] = box(0, 0, 0.1, 0.1)  # what GEOS left of 33.17.14, in small
    got = display_shapes._closings_checked(shapes, grown, failed, 0.05)
    assert got[1] is failed[1]
    assert got[0].geom_type == "Polygon"  # the crack is closed
    assert got[0].area == pytest.approx(2.0, abs=0.02)
    assert shapely.equals(got[0], shapely.buffer(grown[0], -0.025))


def test_a_closing_that_loses_area_again_is_left_undone() -> None:
    shapes = _shapes()
    grown = np.array([box(0, 0, 0.5, 0.5), box(5, 0, 6, 1)], dtype=object)
    failed = np.array([shapely.Polygon(), box(5, 0, 6, 1)], dtype=object)
    got = display_shapes._closings_checked(shapes, grown, failed, 0.05)
    assert got[0] is shapes[0]
    assert got[1] is failed[1]


def test_without_cracks_redoes_a_failed_closing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check is on the closings without_cracks makes (a failing buffer)."""
    buffer = shapely.buffer

    def failing(geom: np.ndarray, distance: float, **kwargs: object) -> np.ndarray:
        out = np.asarray(buffer(geom, distance, **kwargs))
        if distance < 0 and kwargs.get("join_style") == "mitre":
            out = np.asarray(shapely.transform(out, lambda xy: xy * 0.1))
        return out

    monkeypatch.setattr(display_shapes.shapely, "buffer", failing)
    split = MultiPolygon([box(0, 0, 1, 1), box(1.01, 0, 2, 1)])
    (closed,) = display_shapes.without_cracks(np.array([split]), 0.05)
    assert shapely.get_num_geometries(closed) == 1
    assert closed.area == pytest.approx(2.0, abs=0.02)
