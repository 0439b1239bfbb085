"""The map's area data are made while the display thread draws the levels.

:func:`geo_priority.analysis.with_levels` hands the levels carried to their
outlines to the pipeline before it waits for their shapes; the views' layers
and area data are made then (:func:`geo_priority.render.spec.views_ahead`),
kept with the :class:`~geo_priority.render.ahead.DisplayAhead`, and used by
``map_spec`` only for exactly the same views. The page, the errors and the
warnings (and their order) are as when the map makes them itself.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Polygon

from geo_priority import analysis as analysis_module
from geo_priority import outputs, pipeline
from geo_priority.config import load_config
from geo_priority.render import spec
from tests.test_levels_before_shapes import _config


def _page(config: Path) -> str:
    written = pipeline.run(load_config(config)).outputs["html"]
    html = written.read_text(encoding="utf-8")
    html = re.sub(r"_[0-9a-f]{32}", "_X", html)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"· ]*", "T", html)


def _where_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Note each view's area data made, and each level's shapes awaited."""
    events: list[str] = []
    before, shapes = spec._view_before, analysis_module._level_shapes

    def made(label: str, *args: Any) -> Any:
        events.append("area data")
        return before(label, *args)

    def awaited(*args: Any) -> Any:
        events.append("shapes")
        return shapes(*args)

    monkeypatch.setattr(spec, "_view_before", made)
    monkeypatch.setattr(analysis_module, "_level_shapes", awaited)
    return events


def test_the_area_data_are_made_before_the_shapes_and_the_page_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(pipeline, "map_ahead", lambda analysis, display: None)
        without = _page(config)
    events = _where_made(monkeypatch)
    assert _page(config) == without
    assert events == ["area data"] * 3 + ["shapes"]  # none made again


def test_area_data_made_ahead_are_not_used_for_other_views(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = outputs.map_ahead

    def keep_then_change(analysis: Any, display: Any) -> None:
        real(analysis, display)
        kept = display.kept()
        changed = []
        for made in kept.made:
            areas = made.areas.copy()
            areas.loc[areas.index[0], "area_name"] = "Lain"
            changed.append(
                type(made)(made.key, areas, made.drawn, made.before, made.caught)
            )
        display.keep(spec.ViewsAhead(tuple(changed)))

    config = _config(tmp_path)
    expected = _page(config)
    monkeypatch.setattr(pipeline, "map_ahead", keep_then_change)
    events = _where_made(monkeypatch)
    assert _page(config) == expected
    # made ahead, then made again by the map: the kept ones are of other values
    assert events == ["area data"] * 3 + ["shapes"] + ["area data"] * 3


def _made(**changes: Any) -> tuple[spec._Made, gpd.GeoDataFrame]:
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    areas = gpd.GeoDataFrame(
        {"area_id": ["1", "2"], "area_name": ["A", "B"]},
        geometry=[None, None],
        crs=4326,
    )
    areas.attrs["level"] = "kecamatan"
    final = areas.copy()
    final["geometry"] = gpd.GeoSeries([square, square], crs=4326).array
    drawn = np.ones(2, dtype=bool)
    made = spec._Made(("k", None, (), "id", 10, False), areas, drawn, Exception(), [])
    for name, value in changes.items():
        if name == "attrs":
            final.attrs.update(value)
        elif name == "geometry":
            final["geometry"] = gpd.GeoSeries(value, crs=4326).array
        else:
            final[name] = value
    return made, final


def test_area_data_are_reused_only_for_the_same_values_and_rows() -> None:
    made, final = _made()
    key = made.key
    assert made.reused(key, final)
    assert not made.reused(("other", *key[1:]), final)
    assert not made.reused(key, _made(area_name=["A", "C"])[1])
    assert not made.reused(key, _made(attrs={"level": "kabkota"})[1])
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    assert not made.reused(key, _made(geometry=[square, None])[1])  # not drawn
    assert not made.reused(key, final.iloc[::-1])
    assert not made.reused(key, final.assign(extra=1))


def test_a_classification_is_the_same_only_as_the_same_object(
    tmp_path: Path,
) -> None:
    result = pipeline.analyse(load_config(_config(tmp_path)))
    c = result.classification
    drawn = np.ones(len(result.areas), dtype=bool)
    made = spec._Made(("k", c), result.areas, drawn, Exception(), [])
    assert made.reused(("k", c), result.areas)
    assert not made.reused(("k", dataclasses.replace(c)), result.areas)


def test_warnings_of_the_area_data_are_issued_where_the_map_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    filters = spec.table_filters
    record = outputs.metadata.run_record

    def warning_filters(areas: Any) -> Any:
        warnings.warn(f"filters of {len(areas)}", UserWarning, stacklevel=1)
        return filters(areas)

    def warning_record(analysis: Any) -> Any:
        warnings.warn("record", UserWarning, stacklevel=1)
        return record(analysis)

    monkeypatch.setattr(spec, "table_filters", warning_filters)
    monkeypatch.setattr(outputs.metadata, "run_record", warning_record)

    def issued() -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipeline.run(load_config(config))
        return [str(w.message) for w in caught if w.category is UserWarning]

    with monkeypatch.context() as m:
        m.setattr(pipeline, "map_ahead", lambda analysis, display: None)
        expected = issued()
    events = _where_made(monkeypatch)
    assert issued() == expected
    assert expected == ["record", "filters of 6", "filters of 3", "filters of 2"]
    assert events[:4] == ["area data"] * 3 + ["shapes"]  # made ahead


def test_an_error_of_the_area_data_is_raised_where_the_map_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    record = outputs.metadata.run_record
    order: list[str] = []

    def failing(areas: Any) -> Any:
        order.append("filters")
        raise RuntimeError("filters failed")

    def noted(analysis: Any) -> Any:
        order.append("record")
        return record(analysis)

    monkeypatch.setattr(spec, "table_filters", failing)
    monkeypatch.setattr(outputs.metadata, "run_record", noted)
    with pytest.raises(RuntimeError, match="filters failed"):
        pipeline.run(load_config(config))
    # made ahead (held), then the run record, then raised by the map
    assert order == ["filters"] * 3 + ["record"]
    order.clear()
    monkeypatch.setattr(pipeline, "map_ahead", lambda analysis, display: None)
    with pytest.raises(RuntimeError, match="filters failed"):
        pipeline.run(load_config(config))
    assert order == ["record"] + ["filters"] * 3  # as the map makes them itself


def _anchored_by_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw the six areas by level of detail, anchored by the page."""
    from geo_priority.render import ahead, display

    monkeypatch.setattr(ahead, "LOD_AREAS", 1)
    monkeypatch.setattr(display, "LOD_AREAS", 1)
    monkeypatch.setattr(display, "BROWSER_ANCHORS", 1)


def _first_rows_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Spy on the packing of the area data: per page, the rows made ahead taken."""
    from geo_priority.render import packing as packed_fields

    real = packed_fields._packed_props
    used: list[bool] = []

    def packing(views, props):  # type: ignore[no-untyped-def]
        used.append(props is not None and views[0]["props"] is props.first)
        return real(views, props)

    monkeypatch.setattr(packed_fields, "_packed_props", packing)
    return used


def _page_without_ahead(config: Path) -> str:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(pipeline, "map_ahead", lambda analysis, display: None)
        return _page(config)


def test_the_first_views_rows_are_packed_ahead_when_the_page_anchors_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _anchored_by_the_page(monkeypatch)
    config = _config(tmp_path)
    without = _page_without_ahead(config)
    used = _first_rows_taken(monkeypatch)
    assert _page(config) == without
    assert used == [True]
    assert '"lod":true' in without.replace(" ", "")


def test_rows_packed_ahead_are_not_used_for_a_view_with_label_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo_priority.render import ahead, display

    _anchored_by_the_page(monkeypatch)
    real_geometry = ahead.display_geometry_of

    def anchored(geoms, **kwargs):  # type: ignore[no-untyped-def]
        drawn = real_geometry(geoms, **kwargs)  # the areas anchored after all
        points = display.label_anchors(geoms)
        return dataclasses.replace(drawn, label_points=points)

    monkeypatch.setattr(ahead, "display_geometry_of", anchored)
    config = _config(tmp_path)
    without = _page_without_ahead(config)
    used = _first_rows_taken(monkeypatch)
    assert _page(config) == without  # the rows written with the label points
    assert used == [False]
