"""Commands import only what they use.

A planner feels the import time on every command. mapclassify, esda,
libpysal and scikit-learn (about 1.7 s together) are needed only for the
non-quantile data-driven classes and hotspots; scipy for robustness and the
z-score normalisation; matplotlib for figures; rasterio for rasters; openpyxl
for workbooks; pooch for downloads. A ``geo-priority run`` that writes only the
HTML map imports none of them, and quantile classes are computed without
mapclassify, to the same floats.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from geo_priority.classify import mapclassify_bins, quantile_bins

#: Never imported by the CLI module and the pipeline.
HEAVY = ("mapclassify", "esda", "libpysal", "sklearn")
#: Never imported by a whole ``run`` that writes only the HTML map.
UNUSED_BY_HTML_RUN = (
    *HEAVY,
    "scipy",
    "matplotlib",
    "rasterio",
    "openpyxl",
    "pygeometa",
    "pooch",
)


def _loaded(code: str, names: tuple[str, ...]) -> list[str]:
    """Run ``code`` in a fresh interpreter; return which of ``names`` it loaded."""
    probe = (
        f"{code}\nimport sys\n"
        f"print('LOADED:' + ','.join(m for m in {names!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("LOADED:"), done.stdout
    return [m for m in line.removeprefix("LOADED:").split(",") if m]


def test_the_cli_and_pipeline_import_no_heavy_analysis_library() -> None:
    code = "import geo_priority.cli.commands\nfrom geo_priority import pipeline"
    assert _loaded(code, UNUSED_BY_HTML_RUN) == []


#: Command modules a ``run`` does not need (``geo_priority.cli.lazy``), and
#: lokal's package ``__init__`` (its personal-data detectors).
NOT_IMPORTED_BY_RUN = (
    "geo_priority.cli.budget_cmds",
    "geo_priority.cli.export_cmds",
    "geo_priority.cli.microdata_cmds",
    "lokal",
    "lokal.samaran",
    "geo_priority.io.fetch",  # a run from a local file fetches nothing
    "platformdirs",
)


def test_the_cli_group_imports_no_command_module() -> None:
    names = (*NOT_IMPORTED_BY_RUN, "geo_priority.cli.commands", "pandas")
    assert _loaded("import geo_priority.cli", names) == []


def _html_only_config(tmp_path: Path) -> Path:
    """A small desa run with quantile classes that writes only the HTML map."""
    import geopandas as gpd
    from shapely.geometry import box

    codes = [f"36.01.01.200{i}" for i in range(1, 7)]
    frame = gpd.GeoDataFrame(
        {"kode": codes, "nama": [f"Desa {i}" for i in range(1, 7)]},
        geometry=[box(106 + i / 100, -6.3, 106.01 + i / 100, -6.29) for i in range(6)],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "desa.geojson", driver="GeoJSON")
    rows = "\n".join(
        f"{c},{v}" for c, v in zip(codes, [3, 9, 4, 12, 7, 1], strict=True)
    )
    (tmp_path / "t.csv").write_text(f"kode,miskin\n{rows}\n", encoding="utf-8")
    config = tmp_path / "run.toml"
    config.write_text(
        """
title = "t"
[boundaries]
path = "desa.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode"
code_system = "kemendagri"
[scoring]
[[scoring.indicators]]
key = "miskin"
weight = 1.0
[classify]
scheme = "quantiles"
k = 3
[outputs]
dir = "out"
name = "t"
formats = ["html"]
""",
        encoding="utf-8",
    )
    return config


def test_an_html_only_run_imports_none_of_the_unused_libraries(tmp_path: Path) -> None:
    config = _html_only_config(tmp_path)
    code = (
        "import sys\nfrom geo_priority.cli import cli\n"
        f"try:\n    cli(['-q', 'run', {str(config)!r}], prog_name='geo-priority')\n"
        "except SystemExit as end:\n    assert not end.code, end.code"
    )
    assert _loaded(code, (*UNUSED_BY_HTML_RUN, *NOT_IMPORTED_BY_RUN)) == []
    assert (tmp_path / "out" / "t.html").stat().st_size > 10_000


#: The map renderer's libraries: imported only by a run that writes a map.
MAP_RENDERER = ("folium", "branca", "jinja2", "geo_priority.render")


def test_the_pipeline_imports_no_map_renderer() -> None:
    code = "import geo_priority.cli.commands\nfrom geo_priority import pipeline"
    assert _loaded(code, MAP_RENDERER) == []


def test_check_imports_no_map_renderer(tmp_path: Path) -> None:
    config = _html_only_config(tmp_path)
    code = (
        "from geo_priority.cli import cli\n"
        f"try:\n    cli(['-q', 'check', {str(config)!r}], prog_name='geo-priority')\n"
        "except SystemExit as end:\n    assert not end.code, end.code"
    )
    assert _loaded(code, MAP_RENDERER) == []


def test_a_renderer_that_fails_to_import_fails_the_map_as_before(
    tmp_path: Path,
) -> None:
    config = _html_only_config(tmp_path)
    code = (
        "import sys\nsys.modules['folium'] = None  # a broken install\n"
        "from geo_priority import pipeline\n"
        "from geo_priority.config import load_config\n"
        "try:\n"
        f"    pipeline.run(load_config({str(config)!r}))\n"
        "except ImportError as err:\n"
        "    assert 'folium' in str(err), err\n"
        "    print('FAILED-AS-BEFORE')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "FAILED-AS-BEFORE" in done.stdout, done.stdout + done.stderr
    assert not (tmp_path / "out" / "t.html").exists()


def test_quantile_bins_match_mapclassify_to_the_float() -> None:
    mapclassify = pytest.importorskip("mapclassify")
    rng = np.random.default_rng(7)
    samples = [
        rng.normal(size=1552) * 100,
        np.round(rng.uniform(0, 100, 997), 1),
        rng.integers(0, 4, 200).astype(float),  # ties: fewer classes than k
        np.round(rng.beta(2, 8, 50) * 100, 2),
        np.array([5.0]),
        np.arange(1000.0),
    ]
    for data in samples:
        for k in (2, 3, 4, 5, 7, 9):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bins = mapclassify.Quantiles(data, k=k).bins
            expected = tuple(float(b) for b in bins)
            assert quantile_bins(data, k) == expected, (len(data), k)


def test_quantile_bins_hand_checked() -> None:
    # 0..999: the 25th percentile is at position 249.75, between 249 and 250
    assert quantile_bins(np.arange(1000.0), 4) == (249.75, 499.5, 749.25, 999.0)
    assert quantile_bins(np.array([1.0, 2.0, 3.0, 4.0, 10.0]), 2) == (3.0, 10.0)


def test_repeated_quantiles_warn_as_mapclassify_did_unless_merged() -> None:
    data = np.array([1.0, 1.0, 1.0, 1.0, 2.0])
    with pytest.warns(UserWarning, match="Not enough unique values"):
        assert mapclassify_bins(data, "quantiles", 4) == (1.0, 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mapclassify_bins(data, "quantiles", 4, merge_repeats=True) == (1.0, 2.0)
