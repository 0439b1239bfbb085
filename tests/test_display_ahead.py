"""The map's display geometry computed ahead, in a thread (render/ahead.py).

A run that writes the map starts the coarser levels' display shapes and every
level's display geometry as soon as the areas are prepared; the page must be
the same as when they are computed where they are used, errors and numpy's
warnings must reach the caller there, and other areas are never drawn with
the geometry of these.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.errors import GeoPriorityError
from geo_priority.joining import prepare_areas
from geo_priority.render import ahead, spec
from geo_priority.render.display import DisplayGeometry

from geodata import desa_run

LEVELS = ("kecamatan", "kabkota")


def _config(tmp_path: Path, formats: str = '["html"]') -> Path:
    return desa_run(
        tmp_path,
        indicators="""
[[scoring.indicators]]
key = "poor"
[[scoring.indicators]]
key = "pop"
score = false
""",
        outputs=f"""formats = {formats}
map_levels = ["kecamatan", "kabkota"]
""",
    )


def _views_of(
    worker: ThreadPoolExecutor, prepared: gpd.GeoDataFrame
) -> tuple[ahead.DisplayAhead, list[Callable[[], DisplayGeometry | None]]]:
    """Start the thread on ``prepared`` and take every level's view of it."""
    drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
    shapes = drawn.level_shapes(prepared, LEVELS)
    assert shapes is not None
    views = drawn.views([prepared, *shapes])
    assert views is not None
    return drawn, views


def _page(config: Path) -> str:
    """The run's page with folium's random element ids and the run time masked."""
    written = pipeline.run(load_config(config)).outputs["html"]
    html = written.read_text(encoding="utf-8")
    html = re.sub(r"_[0-9a-f]{32}", "_X", html)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"· ]*", "T", html)


def _only_in_thread(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Make ``module.name`` fail when called from the main thread."""
    real = getattr(module, name)

    def guarded(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert threading.current_thread() is not threading.main_thread(), name
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, guarded)


def test_the_page_is_the_same_and_drawn_in_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_draws_ahead", lambda config: False)
        without = _page(config)
    _only_in_thread(monkeypatch, ahead, "display_shapes_of")
    _only_in_thread(monkeypatch, ahead, "display_geometry_of")
    monkeypatch.setattr(spec, "display_geometry", None)  # never called here
    from geo_priority import harmonise

    monkeypatch.setattr(harmonise, "display_levels", None)
    assert _page(config) == without
    assert '"rings":[[[[' in without  # the areas are drawn


def test_only_a_map_drawn_from_display_geometry_is_drawn_ahead(
    tmp_path: Path,
) -> None:
    assert pipeline._draws_ahead(load_config(_config(tmp_path)))
    for formats in ('["csv"]', '["html", "gpkg"]'):
        assert not pipeline._draws_ahead(load_config(_config(tmp_path, formats)))


@pytest.fixture
def prepared(tmp_path: Path) -> gpd.GeoDataFrame:
    config = load_config(_config(tmp_path))
    return prepare_areas(gpd.read_file(tmp_path / "desa.geojson"), config)


def test_other_areas_or_levels_are_not_given_this_geometry(
    prepared: gpd.GeoDataFrame,
) -> None:
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        assert drawn.level_shapes(prepared, ("kabkota",)) is None
        assert drawn.views([prepared]) is None
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        shapes = drawn.level_shapes(prepared, LEVELS)
        assert shapes is not None
        reordered = prepared.iloc[::-1]
        assert drawn.views([reordered, *shapes]) is None
        copied = prepared.copy()
        copied["geometry"] = copied.geometry.translate(0.0)  # equal, other objects
        assert drawn.views([copied, *shapes]) is None
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        shapes = drawn.level_shapes(prepared.copy(), LEVELS)
        assert shapes is not None
        views = drawn.views([prepared.copy(), *(s.copy() for s in shapes)])
        assert views is not None and len(views) == 3
        assert [v() is not None for v in views] == [True, True, True]


def test_an_error_in_the_thread_is_raised_where_it_is_collected(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = GeoPriorityError("the shapes failed")

    def fail(plan, draft=None, done=None):  # type: ignore[no-untyped-def]
        raise failure

    monkeypatch.setattr(ahead, "display_shapes_of", fail)
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        with pytest.raises(GeoPriorityError) as raised:
            drawn.level_shapes(prepared, LEVELS)
    assert raised.value is failure


def test_numpy_warnings_are_issued_where_collected_not_in_the_thread(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ahead.display_shapes_of
    where: list[str] = []

    def dividing(plan, draft=None, done=None):  # type: ignore[no-untyped-def]
        where.append(threading.current_thread().name)
        np.divide(np.ones(1), np.zeros(1))  # "divide by zero encountered"
        return real(plan, draft, done)

    from geo_priority import harmonise

    monkeypatch.setattr(ahead, "display_shapes_of", dividing)
    monkeypatch.setattr(harmonise, "display_shapes_of", dividing)  # redone
    with ahead.display_worker() as worker:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
            drawn._plan.result()  # done in the thread, nothing issued
        assert caught == []
        with pytest.warns(RuntimeWarning, match="divide by zero"):
            shapes = drawn.level_shapes(prepared, LEVELS)
    assert shapes is not None and [len(s) for s in shapes] == [3, 2]
    assert where[0] != threading.main_thread().name
    assert where[1:] == [threading.main_thread().name]
    # redone shapes are other objects: the levels are then drawn as usual
    assert drawn.views([prepared, *shapes]) is None


def test_numpy_errors_raise_where_collected_as_the_caller_asked(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ahead.display_shapes_of

    def dividing(plan, draft=None, done=None):  # type: ignore[no-untyped-def]
        np.divide(np.ones(1), np.zeros(1))
        return real(plan, draft, done)

    from geo_priority import harmonise

    monkeypatch.setattr(ahead, "display_shapes_of", dividing)
    monkeypatch.setattr(harmonise, "display_shapes_of", dividing)  # redone
    with np.errstate(divide="raise"), ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        with pytest.raises(FloatingPointError, match="divide by zero"):
            drawn.level_shapes(prepared, LEVELS)


def test_an_error_reading_the_areas_is_raised_where_it_is_collected(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = GeoPriorityError("the codes failed")

    def fail(areas, levels):  # type: ignore[no-untyped-def]
        raise failure

    monkeypatch.setattr(ahead, "display_plan", fail)  # read where it is started
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        with pytest.raises(GeoPriorityError) as raised:
            drawn.level_shapes(prepared, LEVELS)
    assert raised.value is failure


@pytest.mark.parametrize("lod_areas", [1, 5_000])
def test_the_thread_plans_the_levels_as_the_map_does(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch, lod_areas: int
) -> None:
    from geo_priority.render import display

    # 1: the six areas are drawn by level of detail (zooms and tolerances)
    monkeypatch.setattr(ahead, "LOD_AREAS", lod_areas)
    monkeypatch.setattr(display, "LOD_AREAS", lod_areas)
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        shapes = drawn.level_shapes(prepared, LEVELS)
        assert shapes is not None
        (_, _, zooms), flagged = drawn._plan.result()
    assert not flagged
    assert zooms == display.lod_plan([prepared, *shapes])
    assert (zooms[0] is None) == (lod_areas > 1)
