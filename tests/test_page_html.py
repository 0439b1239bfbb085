"""The page without folium (render.page_html) is folium's page, to the byte.

A run writes the map of a config without a basemap with
:func:`geo_priority.render.page_html.build_page`, which does not import
folium; the page must be the one :func:`geo_priority.render.build_map` (a
folium map) makes, but for the random element ids. A basemap keeps folium.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_priority import outputs, pipeline
from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig, load_config
from geo_priority.render import MapText, build_map, render_html
from geo_priority.render.page import OfflineMap
from geo_priority.render.page_html import PageMap, build_page

from geodata import desa_run, squares

#: folium's and branca's element ids: ``<name>_<32 hex digits>``.
_ID = re.compile(r"_[0-9a-f]{32}")
#: The run's time in the page's footer.
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)?")


def _masked(html: str) -> str:
    return _TIME.sub("TIME", _ID.sub("_ID", html))


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "area_id": ["36.01", "36.02", "36.03", "36.04"],
            "area_name": ["A <b>", "B", "C", "D"],
            "priority_score": [10.0, 40.0, 70.0, np.nan],
            "priority_rank": pd.array([3, 2, 1, pd.NA], dtype="Int64"),
            "rate22": [1.0, 2.0, 3.0, 4.0],
        },
        geometry=squares(4, origin=(106.0, -6.5), size=0.1),
        crs="EPSG:4326",
    )


def test_the_map_element_renders_as_folium_renders_the_offline_map() -> None:
    folium_map = OfflineMap(
        tiles=None, control_scale=False, zoom_snap=0.25, location=[0, 0], zoom_start=2
    )
    page_map = PageMap()
    page_map._id = folium_map._id  # the same name: map_<the same digits>
    assert page_map.get_name() == folium_map.get_name()
    for macro in ("header", "html", "script"):
        ours = getattr(page_map._template.module, macro)(page_map, {})
        theirs = getattr(folium_map._template.module, macro)(folium_map, {})
        assert ours == theirs, macro
    assert render_html(page_map) == render_html(folium_map)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_build_page_is_build_map_without_a_basemap(areas, lang: str) -> None:
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4, lang=lang)
    areas = areas.assign(priority_class=c.classes)
    indicators = [
        IndicatorConfig(key="rate22", source="rate", year=2022, unit="%", label="T")
    ]
    texts = MapText("Judul {{ x }} <i>", subtitle="Sub", sources=("BPS 2023",))
    args = {"indicators": indicators, "texts": texts, "lang": lang, "label": "kab"}
    theirs = render_html(build_map(areas, c, **args))
    ours = render_html(build_page(areas, c, **args))
    assert _ID.search(ours)  # the ids are masked, not missing
    assert _masked(ours) == _masked(theirs)


def _desa_config(folder: Path, outputs_text: str) -> Path:
    return desa_run(
        folder,
        indicators='[[scoring.indicators]]\nkey = "poor"\n',
        outputs=f'name = "peta"\nformats = ["html"]\n{outputs_text}',
    )


def test_a_run_writes_build_maps_page(tmp_path: Path) -> None:
    config = load_config(_desa_config(tmp_path, 'map_levels = ["kecamatan"]\n'))
    result = pipeline.run(config)
    written = result.outputs["html"].read_text(encoding="utf-8")
    again = outputs.build_map(result.analysis).get_root().render()
    assert _masked(written) == _masked(again)


def _imported_by_run(config: Path, names: tuple[str, ...]) -> list[str]:
    """Run ``geo-priority run config`` afresh; return which of ``names`` it loaded."""
    code = (
        "import sys\nfrom geo_priority.cli import cli\n"
        f"try:\n    cli(['-q', 'run', {str(config)!r}], prog_name='geo-priority')\n"
        "except SystemExit as end:\n    assert not end.code, end.code\n"
        f"print('LOADED:' + ','.join(m for m in {names!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("LOADED:"), done.stdout + done.stderr
    return [m for m in line.removeprefix("LOADED:").split(",") if m]


def test_a_run_without_a_basemap_imports_no_folium(tmp_path: Path) -> None:
    config = _desa_config(tmp_path, "")
    assert _imported_by_run(config, ("folium", "requests", "branca")) == ["branca"]
    assert (tmp_path / "out" / "peta.html").stat().st_size > 10_000


def test_a_basemap_keeps_folium_and_its_tiles(tmp_path: Path) -> None:
    config = _desa_config(
        tmp_path,
        'basemap = "https://tiles.example/{z}/{x}/{y}.png"\n'
        'basemap_attribution = "Contoh"\n',
    )
    assert _imported_by_run(config, ("folium",)) == ["folium"]
    html = (tmp_path / "out" / "peta.html").read_text(encoding="utf-8")
    assert "https://tiles.example/{z}/{x}/{y}.png" in html
