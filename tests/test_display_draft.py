"""The areas drafted once for the screen (display_draft.py).

A level-of-detail map of a very large layer (the national desa) draws its
areas simplified polygon by polygon, and builds the first coarser level
(kecamatan) from that drawing instead of simplifying the areas a second
time. ``geo-priority run`` starts the drawing as soon as the layer is
decoded; it is taken only for the same polygons at the same tolerance, and
the page is the same bytes however it was made.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_display_ahead import _config, _page

from geo_priority import display_draft, harmonise, pipeline
from geo_priority.config import load_config
from geo_priority.geometry import lod_tolerances, simplified_union, simplify_each
from geo_priority.io import geoparquet
from geo_priority.render import ahead, display

from geodata import DESA_CODES


def _wavy_row(count: int = 6, points: int = 400) -> np.ndarray:
    """``count`` areas side by side whose shared borders are the same wavy lines."""
    rng = np.random.default_rng(7)
    y = np.linspace(-6.5, -6.45, points)
    lines = [
        np.column_stack([106 + i * 0.05 + rng.normal(0, 0.002, points), y])
        for i in range(count + 1)
    ]
    for line in (lines[0], lines[-1]):
        line[:, 0] = line[0, 0]  # straight outer ends
    return np.array(
        [
            shapely.Polygon(np.vstack([lines[i], lines[i + 1][::-1]]))
            for i in range(count)
        ],
        dtype=object,
    )


@pytest.fixture
def by_polygon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Draw the small test layers as the national desa are drawn."""
    for module in (display_draft, harmonise, ahead, display):
        monkeypatch.setattr(module, "LOD_AREAS", 1)
    monkeypatch.setattr(display_draft, "COVERAGE_VERTICES", 10)
    yield
    display_draft._AHEAD.clear()


def _row_drafted_at() -> tuple[np.ndarray, float]:
    """:func:`_wavy_row` and the tolerance it is drafted at (one by one)."""
    geoms = _wavy_row()
    tolerance = display_draft.draft_tolerance(geoms)
    assert tolerance is not None
    return geoms, tolerance


def test_a_large_layer_is_drafted_one_by_one_a_small_one_as_a_coverage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    geoms = _wavy_row()
    coverage = display_draft.drafted(geoms, 0.001)
    assert coverage.coverage and coverage.within == 0.001
    monkeypatch.setattr(display_draft, "COVERAGE_VERTICES", 10)
    alone = display_draft.drafted(geoms, 0.001)
    assert not alone.coverage and alone.within == 0.0005
    assert alone.tolerance == 0.001
    expected = simplify_each(geoms, 0.0005)
    assert all(map(shapely.equals_exact, alone.geoms, expected, [0.0] * len(geoms)))


def test_the_plan_drafts_only_a_large_level_of_detail_layer(by_polygon: None) -> None:
    areas = _areas(_wavy_row())
    plan = harmonise.display_plan(areas, ["kecamatan"])
    size = np.median(
        np.sqrt(
            np.prod(
                np.diff(shapely.bounds(plan.geoms).reshape(-1, 2, 2), axis=1), axis=2
            )
        )
    )
    assert plan.draft == lod_tolerances([size])[0][1]
    assert plan.draft <= plan.tolerances["kecamatan"] / 2
    assert harmonise.display_plan(areas, []).draft is None
    areas.attrs[harmonise.DISPLAY_TOLERANCE] = 0.01  # drawn already
    assert harmonise.display_plan(areas, ["kecamatan"]).draft is None


def test_the_first_level_is_built_from_the_areas_drawing(by_polygon: None) -> None:
    areas = _areas(_wavy_row())
    plan = harmonise.display_plan(areas, ["kecamatan", "kabkota"])
    assert plan.draft is not None
    shapes = harmonise.display_shapes_of(plan)
    draft = display_draft.drafted(plan.geoms, plan.draft)
    tolerance = plan.tolerances["kecamatan"]
    keys = np.array([c[:8] for c in DESA_CODES])
    _, from_draft = simplified_union(draft.geoms, keys, tolerance)
    _, from_areas = simplified_union(plan.geoms, keys, tolerance)
    kecamatan = shapes["kecamatan"][0]
    assert all(map(shapely.equals_exact, kecamatan, from_draft, [0.0] * 3))
    assert not all(map(shapely.equals_exact, kecamatan, from_areas, [0.0] * 3))
    # every vertex stays within the level's tolerance and the draft's
    exact = [shapely.union_all(plan.geoms[keys == k]) for k in sorted(set(keys))]
    reach = shapely.hausdorff_distance(kecamatan, np.array(exact, dtype=object))
    assert (reach <= tolerance + draft.within + 1e-12).all()
    # a draft made before is taken as it is
    assert harmonise.display_shapes_of(plan, draft)["kecamatan"][0][0].equals_exact(
        kecamatan[0], 0.0
    )


def test_a_drafting_ahead_is_taken_for_the_same_polygons_only(
    by_polygon: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    geoms, tolerance = _row_drafted_at()
    expected = display_draft.drafted(geoms, tolerance).geoms
    display_draft.draft_ahead(geoms)
    drafted_now: list[int] = []
    real = display_draft._by_polygon

    def counted(g: np.ndarray, t: float) -> np.ndarray:
        if threading.current_thread() is threading.main_thread():
            drafted_now.append(len(g))
        return real(g, t)

    monkeypatch.setattr(display_draft, "_by_polygon", counted)
    repaired = geoms.copy()
    repaired[2] = shapely.Polygon(geoms[2].exterior)  # equal, another object
    taken = display_draft.drafted(repaired[::-1], tolerance)
    assert drafted_now == [1]  # only the polygon that is not the one drafted
    assert all(map(shapely.equals_exact, taken.geoms, expected[::-1], [0.0] * 6))
    assert display_draft._AHEAD == []  # taken once
    display_draft.draft_ahead(geoms)
    display_draft.drafted(geoms, tolerance * 2)  # another tolerance: drafted now
    assert drafted_now == [1, 6]


def test_a_drafting_ahead_that_would_warn_is_not_used(
    by_polygon: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    geoms, tolerance = _row_drafted_at()
    real = display_draft.simplify_each

    def dividing(g: np.ndarray, t: float) -> np.ndarray:
        np.divide(np.ones(1), np.zeros(1))
        return real(g, t)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        monkeypatch.setattr(display_draft, "simplify_each", dividing)
        display_draft.draft_ahead(geoms)
        assert display_draft._AHEAD[0].drafts.result() is None
        monkeypatch.setattr(display_draft, "simplify_each", real)
        taken = display_draft.drafted(geoms, tolerance)
    assert caught == []  # nothing issued from the thread
    expected = real(geoms, tolerance / 2)
    assert all(map(shapely.equals_exact, taken.geoms, expected, [0.0] * 6))


def test_the_page_is_the_same_however_the_areas_were_drafted(
    tmp_path: Path, by_polygon: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path = _config(tmp_path)  # html, map_levels kecamatan and kab/kota
    layer = gpd.read_file(tmp_path / "desa.geojson")
    layer["geometry"] = _wavy_row()
    layer.to_parquet(tmp_path / "desa.parquet")
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(text.replace("desa.geojson", "desa.parquet"), "utf-8")
    config = load_config(config_path)
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_draws_ahead", lambda config: False)
        without = _page(config_path)
    started: list[tuple[str, int]] = []
    real = display_draft._by_polygon

    def counted(g: np.ndarray, t: float) -> np.ndarray:
        started.append((threading.current_thread().name, len(g)))
        return real(g, t)

    monkeypatch.setattr(display_draft, "_by_polygon", counted)
    geoparquet.decode_boundaries_ahead(config)  # as `geo-priority run` does
    assert _page(config_path) == without
    # drafted once, as soon as decoded
    assert [(n.rsplit("_", 1)[0], k) for n, k in started] == [("geo-priority-draft", 6)]
    assert '"packed":' in without  # drawn by level of detail


def _areas(geoms: np.ndarray) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame({"kode": DESA_CODES}, geometry=geoms, crs=4326)
    return harmonise.prepare_boundaries(
        gdf, code_column="kode", code_system="kemendagri"
    )
