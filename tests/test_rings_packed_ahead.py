"""A level-of-detail map's rings are packed in the display thread (render/ahead.py).

Each view's rings are compressed into the page's one gzip stream as soon as
the thread has drawn the view; the page takes that text only when every view
is the thread's, and it is the same text :func:`pack_views` writes.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from test_display_ahead import LEVELS, _config, _views_of

from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.joining import prepare_areas
from geo_priority.render import ahead, display
from geo_priority.render import packing as packed_fields


def _rings(rng: np.random.Generator, areas: int) -> display.EncodedRings:
    """Random encoded rings: one polygon of one ring of 4..40 points per area."""
    points = rng.integers(4, 40, areas)
    structure = np.column_stack([np.ones(areas), np.ones(areas), points]).ravel()
    coords = rng.integers(-300, 300, 2 * int(points.sum()))
    return display.EncodedRings(structure.astype(np.int64), coords, areas)


@pytest.mark.parametrize("sizes", [[1], [3, 1, 1], [60_000, 2_000, 5, 1]])
def test_a_pack_made_level_by_level_is_the_one_pack_of_all(sizes: list[int]) -> None:
    rng = np.random.default_rng(len(sizes))
    levels = [_rings(rng, n) for n in sizes]
    pack = packed_fields.RingPack()
    for rings in levels:
        pack.add(rings)
    views: list[dict[str, Any]] = [{"rings": r, "props": [{"id": "1"}]} for r in levels]
    assert pack.finish() == packed_fields.pack_views(views)["packed"]


def test_views_drawn_out_of_turn_are_packed_in_view_order() -> None:
    rng = np.random.default_rng(0)
    rings = [_rings(rng, n) for n in (5, 3, 2)]
    views = [{"rings": r, "props": []} for r in rings]
    expected = packed_fields.pack_views(views)["packed"]
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]):
        packing = ahead._Packing(3)
        for index in order:
            assert packing.packed is None
            packing.add(index, rings[index])
        assert packing.packed == expected
    packing = ahead._Packing(3)
    packing.add(1, rings[1])
    packing.add(2, rings[2])
    assert packing.packed is None  # not without the first view
    early = packed_fields.RingPack()
    early.add(rings[0])  # the first view packed beside the unions
    packing.add(0, rings[0], early)
    assert packing.packed == expected


def _lod(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw the six areas by level of detail."""
    monkeypatch.setattr(ahead, "LOD_AREAS", 1)
    monkeypatch.setattr(display, "LOD_AREAS", 1)


def _page(config: Path) -> str:
    written = pipeline.run(load_config(config)).outputs["html"]
    html = written.read_text(encoding="utf-8")
    html = re.sub(r"_[0-9a-f]{32}", "_X", html)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"· ]*", "T", html)


def test_the_page_takes_the_rings_packed_in_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lod(monkeypatch)
    config = _config(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_draws_ahead", lambda config: False)
        without = _page(config)
    real = packed_fields.pack_views
    given: list[str | None] = []

    def packing(views, *, packed=None, props=None):  # type: ignore[no-untyped-def]
        given.append(packed)
        assert packed == real(copy.deepcopy(views))["packed"]
        return real(views, packed=packed, props=props)

    monkeypatch.setattr(packed_fields, "pack_views", packing)
    page = _page(config)
    assert given and given[0] is not None  # the thread's pack was taken
    assert page == without
    assert '"lod":true' in page.replace(" ", "")


@pytest.fixture
def prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> gpd.GeoDataFrame:
    _lod(monkeypatch)
    config = load_config(_config(tmp_path))
    return prepare_areas(gpd.read_file(tmp_path / "desa.geojson"), config)


def test_no_pack_unless_every_view_is_the_threads(
    prepared: gpd.GeoDataFrame,
) -> None:
    with ahead.display_worker() as worker:
        drawn, views = _views_of(worker, prepared)
        assert all(v() is not None for v in views[:2])
        assert drawn.packed_rings() is None  # the last view not taken yet
        assert views[2]() is not None
        packed = drawn.packed_rings()
    assert packed is not None
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, prepared, LEVELS)
        shapes = drawn.level_shapes(prepared, LEVELS)
        assert shapes is not None
        assert drawn.views([prepared.iloc[::-1], *shapes]) is None
        assert drawn.packed_rings() is None


def test_no_pack_when_a_view_would_have_warned(
    prepared: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ahead.display_geometry_of

    def dividing(geoms, **kwargs):  # type: ignore[no-untyped-def]
        if len(geoms) == 2:  # the kab/kota view
            np.divide(np.ones(1), np.zeros(1))
        return real(geoms, **kwargs)

    monkeypatch.setattr(ahead, "display_geometry_of", dividing)
    with ahead.display_worker() as worker:
        drawn, views = _views_of(worker, prepared)
        assert [v() is None for v in views] == [False, False, True]
        assert drawn.packed_rings() is None
