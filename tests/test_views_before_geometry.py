"""The map's area data is made for every view before its geometry is awaited.

:func:`geo_priority.render.spec.map_spec` builds each view's layers and area
data (no geometry needed) while the display thread draws, then takes each
view's geometry in turn; the page and the errors are as when each view is
made whole in turn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.render import ahead as ahead_module
from geo_priority.render import spec
from tests.test_levels_before_shapes import _config


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    events: list[str] = []
    before, take = spec._view_before, ahead_module.DisplayAhead._take

    def made(label: str, *args: Any) -> Any:
        events.append("area data")
        return before(label, *args)

    def taken(self: Any, index: int) -> Any:
        events.append(f"geometry {index}")
        return take(self, index)

    monkeypatch.setattr(spec, "_view_before", made)
    monkeypatch.setattr(ahead_module.DisplayAhead, "_take", taken)
    return events


def test_area_data_of_every_view_before_the_first_geometry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    events = _spy(monkeypatch)
    pipeline.run(load_config(_config(tmp_path)))
    assert events == ["area data"] * 3 + ["geometry 0", "geometry 1", "geometry 2"]


def test_a_view_error_is_raised_at_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    before, take = spec._view_before, ahead_module.DisplayAhead._take
    events: list[str] = []

    def made(label: str, *args: Any) -> Any:
        if len(events) == 1:  # the second view's area data fails
            events.append("area data failed")
            raise RuntimeError("area data of view 1")
        events.append("area data")
        return before(label, *args)

    def taken(self: Any, index: int) -> Any:
        events.append(f"geometry {index}")
        if index == 0:
            raise RuntimeError("geometry of view 0")
        return take(self, index)

    monkeypatch.setattr(spec, "_view_before", made)
    monkeypatch.setattr(ahead_module.DisplayAhead, "_take", taken)
    with pytest.raises(RuntimeError, match="geometry of view 0"):
        pipeline.run(load_config(_config(tmp_path)))
    events.clear()
    monkeypatch.setattr(ahead_module.DisplayAhead, "_take", take)
    with pytest.raises(RuntimeError, match="area data of view 1"):
        pipeline.run(load_config(_config(tmp_path)))


def test_packed_rows_with_heads_written_ahead_are_the_same_bytes():
    import numpy as np

    from geo_priority.render.area_rows import packed_heads, packed_rows

    columns: dict[str, Any] = {
        "id": ["1", "2"],
        "name": ['A "x"', "B\u2028"],
        "place": ["", "P"],
        "s": [0.5, None],
        "r": [1, None],
    }
    classes = np.array([[2, -1], [1, 3]])
    shown = [["0,5", "-"], ["1", "2"]]
    points = [(-6.2, 106.1), None]
    extras: dict[str, Any] = {"sb": ["x", "y"]}
    whole = packed_rows(columns, classes, shown, points, extras)
    heads = packed_heads(columns, classes, shown)
    ahead = packed_rows(columns, classes, shown, points, extras, heads=heads)
    assert ahead.json_bytes() == whole.json_bytes()
    assert b'"A \\"x\\""' in whole.json_bytes()
