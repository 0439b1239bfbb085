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
