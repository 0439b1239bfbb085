"""The map's background thread leaves the process's warnings alone (issue 11).

``warnings.catch_warnings`` saves and restores the process-global filters and
``showwarning`` (Python 3.11): entered in one thread while another is inside
one, it sends the other's warnings to stderr instead of its recorder, or
leaves an "ignore" filter behind for the rest of the run. The display work
that runs beside the join and scoring (render/ahead.py) and its helper
threads (display_shapes.in_threads) must therefore never enter one, nor
change the filters.
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
    pipeline.run(config)
    assert len(drawn_in) == 3, "the areas and both levels are drawn ahead"
    assert threading.main_thread() not in drawn_in
    assert others == []
