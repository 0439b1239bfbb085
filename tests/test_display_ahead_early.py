"""The areas' drawing made beside the coarser levels' unions (render/ahead.py).

When the map is drawn by level of detail, the areas' tolerance is known
before the unions (their zoom is the finest); their drawing is made in a
thread of its own meanwhile and used only when the plan gives them the zoom
it was made for, so the page is the same bytes as without it.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from test_display_ahead import LEVELS, _config, _views_of

from geo_priority.config import load_config
from geo_priority.joining import prepare_areas
from geo_priority.render import ahead, display


@pytest.fixture
def prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> gpd.GeoDataFrame:
    # the six areas are drawn by level of detail
    monkeypatch.setattr(ahead, "LOD_AREAS", 1)
    monkeypatch.setattr(display, "LOD_AREAS", 1)
    config = load_config(_config(tmp_path))
    return prepare_areas(gpd.read_file(tmp_path / "desa.geojson"), config)


def _drawn(prepared: gpd.GeoDataFrame) -> tuple[display.DisplayGeometry, object]:
    """The first view's geometry from the thread, and what was made beside."""
    with ahead.display_worker() as worker:
        drawn, views = _views_of(worker, prepared)
        first = views[0]()
        assert drawn._early is not None
        early = drawn._early.result()
    assert first is not None
    return first, early


def _same(one: display.DisplayGeometry, two: display.DisplayGeometry) -> bool:
    return (
        one.tolerance == two.tolerance
        and one.scale == two.scale
        and one.bounds == two.bounds
        and one.coverage == two.coverage
        and one.label_points == two.label_points
        and np.array_equal(one.encoded.structure, two.encoded.structure)
        and np.array_equal(one.encoded.coords, two.encoded.coords)
    )


def test_the_areas_drawn_beside_the_unions_are_those_of_the_plan(
    prepared: gpd.GeoDataFrame,
) -> None:
    first, (made, flagged) = _drawn(prepared)
    assert not flagged and made is not None
    zooms = display.lod_plan([prepared, *ahead.display_levels(prepared, LEVELS)])
    assert made[0] == zooms[0]  # made for the planned zoom: used
    assert first is made[1]
    assert first.tolerance == zooms[0][1]
    planned = display.display_geometry(prepared, tolerance=zooms[0][1])
    assert _same(first, planned)


def test_a_drawing_made_for_another_zoom_is_not_used(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ahead._finest_zoom

    def coarser(geoms, levels):  # type: ignore[no-untyped-def]
        zoom = real(geoms, levels)
        return None if zoom is None else (zoom[0], zoom[1] * 4)

    monkeypatch.setattr(ahead, "_finest_zoom", coarser)
    first, (made, _) = _drawn(prepared)
    zooms = display.lod_plan([prepared, *ahead.display_levels(prepared, LEVELS)])
    assert made is not None and made[1].tolerance == zooms[0][1] * 4
    assert first.tolerance == zooms[0][1]
    assert _same(first, display.display_geometry(prepared, tolerance=zooms[0][1]))


def test_no_drawing_is_made_beside_without_level_of_detail(
    tmp_path: Path,
) -> None:
    config = load_config(_config(tmp_path))
    areas = prepare_areas(gpd.read_file(tmp_path / "desa.geojson"), config)
    first, (made, flagged) = _drawn(areas)
    assert made is None and not flagged
    assert first.tolerance == display.display_geometry(areas).tolerance


@pytest.mark.skipif(
    not (hasattr(os, "setpriority") and sys.platform.startswith("linux")),
    reason="thread priorities are set on Linux only",
)
def test_the_drawing_beside_runs_at_the_lowest_priority() -> None:
    seen: list[int] = []
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def lowered() -> None:
        ahead._yielding()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=lowered)
    thread.start()
    thread.join()
    assert seen == [19]
    # the caller's thread is left as it was
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine


def test_each_level_is_drawn_as_soon_as_it_is_unioned(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ahead.display_geometry_of
    drawn_in: list[str] = []

    def spied(geoms, **kwargs):  # type: ignore[no-untyped-def]
        drawn_in.append(threading.current_thread().name)
        return real(geoms, **kwargs)

    monkeypatch.setattr(ahead, "display_geometry_of", spied)
    with ahead.display_worker() as worker:
        drawn, views = _views_of(worker, prepared)
        taken = [view() for view in views[1:]]
        (_, layers, zooms), _ = drawn._plan.result()
    # the areas beside the unions, each level once in the levels' thread
    assert sorted(drawn_in) == [
        "geo-priority-display_0",
        "geo-priority-levels_0",
        "geo-priority-levels_0",
    ]
    for geometry, layer, zoom in zip(taken, layers[1:], zooms[1:], strict=True):
        assert geometry is not None and zoom is not None
        again = real(layer, tolerance=zoom[1], simplified=True)
        assert _same(geometry, again)


def test_a_level_drawing_is_taken_only_for_its_polygons_and_tolerance(
    prepared: gpd.GeoDataFrame,
) -> None:
    geoms = np.asarray(prepared.geometry.array, dtype=object)
    layer = np.asarray(ahead.display_levels(prepared, LEVELS)[0].geometry.array)
    drawings = ahead._LevelDrawings(geoms, LEVELS, [False, True, True])
    drawings.level_done("kecamatan", layer)
    tolerance = drawings._made[1][1]
    assert drawings.take(1, layer, tolerance * 2) is None  # another tolerance
    drawings.level_done("kecamatan", layer)
    assert drawings.take(1, layer.copy(), tolerance) is None  # other polygons
    drawings.level_done("kecamatan", layer)
    taken = drawings.take(1, layer, tolerance)
    assert taken is not None
    assert _same(
        taken, display.display_geometry_of(layer, tolerance=tolerance, simplified=True)
    )
    assert drawings.take(1, layer, tolerance) is None  # taken once
