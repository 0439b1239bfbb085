"""prepare_boundaries checks validity while it reads the codes (a thread) and
hands it to repair_invalid: the same repairs, the same warning pointing at the
caller, the right rows when empty ones are dropped."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo_priority.errors import GeometryRepairedWarning
from geo_priority.geometry import repair_invalid
from geo_priority.harmonise import prepare_boundaries
from geo_priority.schema import ID

BOWTIE = Polygon([(2, 0), (3, 1), (3, 0), (2, 1)])  # self-crossing


def _layer(*geoms: shapely.Geometry) -> gpd.GeoDataFrame:
    codes = [f"36.0{i + 1}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"kode": codes}, geometry=list(geoms), crs=4326)


def test_invalid_repaired_with_the_warning_at_the_caller() -> None:
    with pytest.warns(GeometryRepairedWarning, match="36.02") as record:
        areas = prepare_boundaries(_layer(box(0, 0, 1, 1), BOWTIE), code_column="kode")
    assert record[0].filename == __file__
    assert shapely.is_valid(areas.geometry).all()
    assert areas.geometry.iloc[1].area == pytest.approx(0.5)
    assert areas.geometry.iloc[0].equals_exact(box(0, 0, 1, 1), 0)


def test_dropped_empty_rows_leave_the_validity_of_the_rest_in_place() -> None:
    layer = _layer(Polygon(), box(0, 0, 1, 1), BOWTIE, box(5, 0, 6, 1))
    with pytest.warns(GeometryRepairedWarning) as record:
        areas = prepare_boundaries(layer, code_column="kode", drop_empty=True)
    repaired = [str(w.message) for w in record]
    assert any("36.03" in m for m in repaired)
    assert not any("36.02" in m or "36.04" in m for m in repaired if "36.03" in m)
    assert areas[ID].tolist() == ["36.02", "36.03", "36.04"]
    assert shapely.is_valid(areas.geometry).all()


def test_all_valid_warns_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        areas = prepare_boundaries(_layer(box(0, 0, 1, 1)), code_column="kode")
    assert areas[ID].tolist() == ["36.01"]


def test_repair_invalid_uses_the_validity_it_is_given() -> None:
    layer = _layer(box(0, 0, 1, 1), BOWTIE).rename(columns={"kode": ID})
    kept = repair_invalid(layer, valid=np.array([True, True]))
    assert kept is layer  # told all valid: nothing looked at again
    with pytest.warns(GeometryRepairedWarning):
        fixed = repair_invalid(layer, valid=np.array([True, False]))
    assert shapely.is_valid(fixed.geometry).all()


def test_validity_in_threads_leaves_the_warning_filters_alone(monkeypatch) -> None:
    """shapely.is_valid's catch_warnings raced in in_threads and left the
    filters at "ignore": later warnings were lost. Threads must not touch them."""
    from geo_priority import display_shapes

    monkeypatch.setattr(display_shapes, "MIN_THREADED", 1)
    geoms = np.array([box(i, 0, i + 1, 1) for i in range(2000)] + [BOWTIE] * 50)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        before = list(warnings.filters)
        for _ in range(20):
            valid = display_shapes.in_threads(display_shapes.is_valid, geoms, 2)
        assert warnings.filters == before
        warnings.warn("still heard", UserWarning, stacklevel=1)
    assert [str(w.message) for w in record] == ["still heard"]
    assert valid.tolist() == [True] * 2000 + [False] * 50


def test_national_size_layer_reports_its_repairs(monkeypatch) -> None:
    """A layer threaded as the national desa (MIN_THREADED lowered) still warns."""
    from geo_priority import display_shapes

    monkeypatch.setattr(display_shapes, "MIN_THREADED", 1)
    codes = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]
    geoms = [box(i, 0, i + 1, 1) for i in range(7)] + [BOWTIE]
    layer = gpd.GeoDataFrame({"kode": codes}, geometry=geoms, crs=4326)
    with pytest.warns(GeometryRepairedWarning, match="36.74"):
        prepare_boundaries(layer, code_column="kode")
