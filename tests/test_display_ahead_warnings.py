"""The map's background thread leaves the process's warnings alone (issue 11).

``warnings.catch_warnings`` saves and restores the process-global filters and
``showwarning`` (Python 3.11): entered in one thread while another is inside
one, it sends the other's warnings to stderr instead of its recorder, or
leaves an "ignore" filter behind for the rest of the run. The display work
that runs beside the join and scoring (render/ahead.py) and its helper
threads (display_shapes.in_threads) must therefore never enter one, nor
change the filters, nor issue a warning (which the caller's recorder would
take as its own).
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from geo_priority import display_shapes, pipeline
from geo_priority.config import load_config
from geo_priority.render import ahead
from tests.conftest import require_shared

DESA = ("boundaries", "banten_desa_ocha_bps2020.geojson")


def _banten_config(folder: Path) -> Path:
    """Banten desa (1,552) with seeded indicators, drawn with two coarser levels."""
    boundaries = require_shared(*DESA)
    codes = pyogrio.read_dataframe(
        boundaries, columns=["village_code"], read_geometry=False
    )["village_code"]
    rng = np.random.default_rng(11)
    pd.DataFrame(
        {
            "village_code": codes,
            "poor": rng.poisson(40, len(codes)),
            "gap": rng.uniform(0, 60, len(codes)).round(2),
        }
    ).to_csv(folder / "t.csv", index=False)
    path = folder / "run.toml"
    path.write_text(
        f"""
[boundaries]
path = "{boundaries.as_posix()}"
code_column = "village_code"
name_column = "village"
code_system = "bps"
[[tables]]
path = "t.csv"
code_column = "village_code"
code_system = "bps"
[scoring]
[[scoring.indicators]]
key = "poor"
weight = 0.6
[[scoring.indicators]]
key = "gap"
weight = 0.4
[classify]
scheme = "quantiles"
k = 5
[outputs]
dir = "out"
overwrite = true
formats = ["html"]
map_levels = ["kecamatan", "kabkota"]
""",
        encoding="utf-8",
    )
    return path


def test_no_thread_but_the_main_one_touches_the_warnings_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(_banten_config(tmp_path))
    assert pipeline._draws_ahead(config)
    # the helper threads too, which only layers of 20,000 areas use
    monkeypatch.setattr(display_shapes, "MIN_THREADED", 1)
    others: list[tuple[str, str]] = []
    drawn_in: list[threading.Thread] = []

    def noted(name: str, real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if threading.current_thread() is not threading.main_thread():
                others.append((threading.current_thread().name, name))
            return real(*args, **kwargs)

        return call

    for name in ("__enter__", "__exit__"):
        real = getattr(warnings.catch_warnings, name)
        monkeypatch.setattr(warnings.catch_warnings, name, noted(name, real))
    for name in ("simplefilter", "filterwarnings", "resetwarnings"):
        monkeypatch.setattr(warnings, name, noted(name, getattr(warnings, name)))
    real_view = ahead._view

    def view(*args, **kwargs):  # type: ignore[no-untyped-def]
        drawn_in.append(threading.current_thread())
        return real_view(*args, **kwargs)

    monkeypatch.setattr(ahead, "_view", view)
    # nor is a warning issued there (Python's or numpy's, every one shown)
    monkeypatch.setattr(warnings, "_showwarnmsg", noted("warn", warnings._showwarnmsg))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        pipeline.run(config)
    assert len(drawn_in) == 3, "the areas and both levels are drawn ahead"
    assert threading.main_thread() not in drawn_in
    assert others == []


ISLANDS = """
import sys, threading, warnings

import geopandas as gpd
from shapely import MultiPolygon, box

from geo_priority.harmonise import prepare_boundaries
from geo_priority.render import ahead

assert "scipy.sparse.csgraph" not in sys.modules, "imported at start"
others = []


def noted(name, real):
    def call(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            others.append(name)
        return real(*args, **kwargs)

    return call


for name in ("__enter__", "__exit__"):
    real = getattr(warnings.catch_warnings, name)
    setattr(warnings.catch_warnings, name, noted(name, real))
for name in ("simplefilter", "filterwarnings"):
    setattr(warnings, name, noted(name, getattr(warnings, name)))
# two desa of 40 islands each: their kecamatan is unioned a touching set
# at a time (display_shapes.SET_PARTS), with display_shapes' own connected
# components (no scipy, whose first import sets warning filters)
islands = [
    MultiPolygon([box(x, y, x + 0.01, y + 0.01) for x in range(20) for y in (a, a + 1)])
    for a in (0, 2)
]
codes = ["36.01.01.2001", "36.01.01.2002"]
areas = prepare_boundaries(
    gpd.GeoDataFrame({"kode": codes}, geometry=islands, crs=4326), code_column="kode"
)
with ahead.display_worker() as worker:
    drawn = ahead.DisplayAhead.start(worker, areas, ["kecamatan"])
    shapes = drawn.level_shapes(areas, ["kecamatan"])
assert shapes is not None and len(shapes[0]) == 1
assert "scipy" not in sys.modules, "the shapes imported scipy"
print(others)
"""


def test_scipy_is_not_first_imported_in_the_thread(tmp_path: Path) -> None:
    """Its first import sets warning filters (scipy/_lib/_util.py, scipy.sparse)."""
    import subprocess
    import sys

    script = tmp_path / "islands.py"
    script.write_text(ISLANDS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
