"""The areas simplified ahead while they are prepared (display_shapes.Drafts).

A run that draws the map simplifies the polygons as read on the idle core
while the areas are prepared; the map takes a draft only for a polygon that
preparing left as it was (the same object) and only at exactly the tolerance
it draws at. A repaired, reprojected, reordered or dropped polygon, or
another tolerance, is simplified as without drafts: the page is the same.
"""

from __future__ import annotations

import re
import threading
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo_priority import pipeline
from geo_priority.config import load_config
from geo_priority.display_shapes import Drafts, simplify_each
from geo_priority.harmonise import display_levels
from geo_priority.joining import prepare_areas
from geo_priority.render import ahead

from geodata import DESA_CODES, desa_run


def _wkb(geoms: np.ndarray) -> list[bytes]:
    return list(shapely.to_wkb(geoms))


def _circles(n: int) -> np.ndarray:
    return np.array(
        [Point(i, 0).buffer(0.4, quad_segs=32) for i in range(n)], dtype=object
    )


def _drafts_ended() -> bool:
    """Whether every draft thread has ended (each ends after its last piece)."""
    for thread in threading.enumerate():
        if thread.name.startswith("geo-priority-drafts"):
            thread.join(timeout=60)
    return not any(
        t.name.startswith("geo-priority-drafts") for t in threading.enumerate()
    )


def test_a_draft_is_taken_only_for_the_same_polygon_at_the_same_tolerance() -> None:
    geoms = _circles(40)
    drafts = Drafts(geoms, [0.01, 0.02], chunks=4)
    assert _drafts_ended()  # every piece made
    prepared = geoms[::-1].copy()  # reordered
    # repaired in place: another object where the draft's polygon was
    prepared[3] = Point(36, 0).buffer(0.3, quad_segs=32)
    prepared = prepared[1:]  # a row dropped
    out = drafts.simplified(prepared, 0.01)
    assert _wkb(out) == _wkb(simplify_each(prepared, 0.01))
    assert _wkb(out) != _wkb(simplify_each(geoms[::-1][1:], 0.01))  # the stale one
    assert drafts.taken == len(prepared) - 1
    # each draft is taken once, only at exactly its tolerance
    assert _wkb(drafts.simplified(geoms, 0.01)) == _wkb(simplify_each(geoms, 0.01))
    near = 0.02 * (1 + 1e-12)
    assert _wkb(drafts.simplified(geoms, near)) == _wkb(simplify_each(geoms, near))
    assert drafts.taken == len(prepared) - 1
    assert _wkb(drafts.simplified(geoms, 0.02)) == _wkb(simplify_each(geoms, 0.02))
    assert drafts.taken == len(prepared) - 1 + len(geoms)
    assert _drafts_ended()


def test_cancelled_drafts_are_not_taken_and_leave_no_thread() -> None:
    geoms = _circles(200)
    drafts = Drafts(geoms, [0.01, 0.001], chunks=50)
    drafts.cancel()
    assert _drafts_ended()
    assert _wkb(drafts.simplified(geoms, 0.01)) == _wkb(simplify_each(geoms, 0.01))
    assert drafts.taken == 0


def _wiggly(x: float, y: float, bowtie: bool = False) -> Polygon:
    """A square of side 0.05 deg, 400 vertices jittered by up to 1e-4 deg."""
    rng = np.random.default_rng(int(x * 1000))
    t = np.linspace(0, 4, 400, endpoint=False)
    side, f = np.floor(t), t % 1
    px = np.select([side == 0, side == 1, side == 2], [f, 1.0, 1 - f], 0.0)
    py = np.select([side == 0, side == 1, side == 2], [0.0, f, 1.0], 1 - f)
    jitter = rng.uniform(-0.002, 0.002, (2, len(t)))
    coords = np.column_stack([px + jitter[0], py + jitter[1]]) * 0.05 + (x, y)
    if bowtie:  # its first two vertices swapped: a self-crossing, repaired
        coords[[0, 1]] = coords[[1, 0]]
        coords[[5, 200]] = coords[[200, 5]]
    return Polygon(coords)


def _boundaries(folder: Path) -> gpd.GeoDataFrame:
    geoms = [_wiggly(106 + i * 0.05, -6.5, bowtie=i == 2) for i in range(6)]
    frame = gpd.GeoDataFrame(
        {"kode": DESA_CODES, "nama": list("ABCDEF")}, geometry=geoms, crs="EPSG:4326"
    )
    frame.to_file(folder / "desa.geojson")
    return frame


def _config(folder: Path) -> Path:
    path = desa_run(
        folder,
        indicators='[[scoring.indicators]]\nkey = "poor"',
        outputs='formats = ["html"]\nmap_levels = ["kecamatan", "kabkota"]\n',
    )
    assert not _boundaries(folder).geometry.is_valid.all()
    return path


def _page(config: Path) -> str:
    written = pipeline.run(load_config(config)).outputs["html"]
    html = re.sub(r"_[0-9a-f]{32}", "_X", written.read_text(encoding="utf-8"))
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"· ]*", "T", html)


#: The drafts a run started, the polygons read and the drafts' tolerances.
_Made = list[tuple[Drafts, np.ndarray, list[float]]]


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> _Made:
    """The drafts a run starts (of any layer), each made before it goes on."""
    drafts_made: _Made = []
    real = ahead.start_drafts

    def every_layer(frame: gpd.GeoDataFrame, levels: Any) -> Drafts | None:
        drafts = real(frame, levels, min_areas=0)
        if drafts is not None:
            geoms = np.asarray(frame.geometry.array, dtype=object)
            drafts_made.append((drafts, geoms, list(drafts._drafts)))
        assert _drafts_ended()  # every piece made before the areas are prepared
        return drafts

    monkeypatch.setattr(ahead, "start_drafts", every_layer)
    return drafts_made


@pytest.mark.filterwarnings("ignore::geo_priority.errors.GeometryRepairedWarning")
def test_a_run_takes_drafts_of_the_polygons_left_as_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made: _Made
) -> None:
    config = _config(tmp_path)
    with_drafts = _page(config)
    # the repaired polygon (a new object) is simplified anew, the others taken
    assert [d.taken for d, _, _ in made] == [len(DESA_CODES) - 1]
    monkeypatch.setattr(ahead, "start_drafts", lambda frame, levels: None)
    assert with_drafts == _page(config)
    assert _drafts_ended()


@pytest.mark.filterwarnings("ignore::geo_priority.errors.GeometryRepairedWarning")
def test_reprojected_areas_do_not_take_the_drafts_of_the_polygons_read(
    tmp_path: Path,
) -> None:
    config = load_config(_config(tmp_path))
    frame = gpd.read_file(tmp_path / "desa.geojson")
    drafts = ahead.start_drafts(frame, ["kecamatan"], min_areas=0)
    assert drafts is not None
    areas = prepare_areas(frame, config).to_crs(3857)
    with ahead.display_worker() as worker:
        drawn = ahead.DisplayAhead.start(worker, areas, ["kecamatan"], drafts)
        shapes = drawn.level_shapes(areas, ["kecamatan"])
    assert shapes is not None
    expected = display_levels(areas, ["kecamatan"])[0]
    assert _wkb(shapes[0].geometry.values) == _wkb(expected.geometry.values)
    assert drafts.taken == 0
    assert _drafts_ended()


def test_an_error_preparing_the_areas_drops_the_drafts(
    tmp_path: Path, made: _Made
) -> None:
    config = _config(tmp_path)
    text = config.read_text(encoding="utf-8")
    bad = text.replace('code_column = "kode"\nname', 'code_column = "kd"\nname')
    config.write_text(bad, encoding="utf-8")
    with pytest.raises(Exception, match="kd"):
        pipeline.run(load_config(config))
    assert len(made) == 1 and _drafts_ended()
    drafts, geoms, tolerances = made[0]
    for tolerance in tolerances:  # nothing left to take
        assert _wkb(drafts.simplified(geoms, tolerance)) == _wkb(
            simplify_each(geoms, tolerance)
        )
    assert drafts.taken == 0


def test_the_drafts_leave_the_warnings_state_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made: _Made
) -> None:
    """As the display thread (tests/test_display_ahead_warnings.py), on Banten."""
    from test_display_ahead_warnings import _banten_config

    config = load_config(_banten_config(tmp_path))
    others: list[tuple[str, str]] = []

    def noted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is not threading.main_thread():
                others.append((threading.current_thread().name, name))
            return real(*args, **kwargs)

        return call

    for name in ("__enter__", "__exit__"):
        real = getattr(warnings.catch_warnings, name)
        monkeypatch.setattr(warnings.catch_warnings, name, noted(name, real))
    for name in ("simplefilter", "filterwarnings", "resetwarnings"):
        monkeypatch.setattr(warnings, name, noted(name, getattr(warnings, name)))
    monkeypatch.setattr(warnings, "_showwarnmsg", noted("warn", warnings._showwarnmsg))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        pipeline.run(config)
    assert len(made) == 1 and made[0][0].taken > 1500  # of the 1,552 desa
    assert others == []
