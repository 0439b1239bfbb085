"""The coarser levels are carried, scored and placed before their shapes.

:func:`geo_priority.analysis.with_levels`, given the levels' outlines
(:meth:`geo_priority.render.ahead.DisplayAhead.level_outlines`), does all of a
level's work while the display thread makes its shapes and gives it their
polygons last: the analysis must equal the one made with the shapes first
(``analyse``, no thread), field by field.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo_priority import analysis as analysis_module
from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.render.ahead import display_worker

from geodata import desa_run


def _config(tmp_path: Path, extra: str = "") -> Path:
    return desa_run(
        tmp_path,
        indicators="""
[[scoring.indicators]]
key = "poor"
numerator = "poor"
denominator = "pop"
[[scoring.indicators]]
key = "pop"
score = false
""",
        outputs=f"""formats = ["html"]
map_levels = ["kecamatan", "kabkota"]
{extra}""",
    )


def _same(a: Any, b: Any, where: str) -> None:
    """Assert ``a`` equals ``b``: frames cell by cell, dataclasses field by field."""
    assert type(a) is type(b), where
    if isinstance(a, gpd.GeoDataFrame):
        assert_geodataframe_equal(a, b, check_like=False)
        assert a.attrs == b.attrs, where
    elif isinstance(a, pd.DataFrame | pd.Series):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            pd.testing.assert_series_equal(a, b)
        assert a.attrs == b.attrs, where
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, where


def _early_and_late(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any, list[str]]:
    config = load_config(config_path)
    taken: list[str] = []
    early = analysis_module._early_levels

    def spied(*args: Any, **kwargs: Any) -> Any:
        taken.append("early")
        return early(*args, **kwargs)

    monkeypatch.setattr(analysis_module, "_early_levels", spied)
    with display_worker() as worker:
        ahead_analysis, ahead = pipeline._analysed(config, None, worker)
        assert ahead is not None
    late = pipeline.analyse(config)  # no thread: shapes first
    return ahead_analysis, late, taken


@pytest.mark.parametrize(
    "extra",
    ["", "[robustness]\nenabled = true\ndraws = 100\nseed = 1\n"],
    ids=["plain", "robustness"],
)
def test_levels_carried_before_their_shapes_equal_shapes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
):
    early, late, taken = _early_and_late(_config(tmp_path, extra), monkeypatch)
    assert taken == ["early"]  # the early path ran, and once
    assert len(early.levels) == 2
    for level in early.levels:  # polygons attached, none missing
        assert not level.areas.geometry.isna().any()
        assert level.areas.geometry.is_valid.all()
    _same(early, late, "analysis")
