"""Shared fixtures: the location of ../shared/data, report header."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Run by QGIS's own Python (tests/test_qgis.py), never imported by pytest.
collect_ignore = ["qgis_probe.py"]


def shared_data_dir() -> Path:
    """Return ../shared/data (or $GEO_PRIORITY_SHARED)."""
    env = os.environ.get("GEO_PRIORITY_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def require_shared(*relative: str) -> Path:
    """Return a path under the shared data, skipping (or failing under CI) if absent."""
    path = shared_data_dir().joinpath(*relative)
    if not path.exists():
        message = (
            f"shared data {str(path)!r} is missing; integration tests need "
            "../shared/data (set GEO_PRIORITY_SHARED to its location)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " -- under CI=true this must not be skipped")
        pytest.skip(message)
    return path


@pytest.fixture
def shared() -> Path:
    return require_shared()


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's real boundary cache from a test."""
    if "GEO_PRIORITY_CACHE" not in os.environ:
        monkeypatch.setenv(
            "GEO_PRIORITY_CACHE", str(tmp_path_factory.getbasetemp() / "cache")
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    import folium
    import geopandas
    import mapclassify
    import pyogrio
    import shapely

    return [
        (
            f"geopandas {geopandas.__version__}, shapely {shapely.__version__}, "
            f"pyogrio {pyogrio.__version__} (GDAL {pyogrio.__gdal_version_string__}), "
            f"folium {folium.__version__}, mapclassify {mapclassify.__version__}"
        ),
        f"shared data: {shared_data_dir()}",
    ]
