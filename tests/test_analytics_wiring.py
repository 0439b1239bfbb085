"""Hotspots and progress to targets wired into the run (issue 12).

The ``[hotspots]`` and ``[progress]`` sections of a config, the analysis
columns they add, the map layers, the exports and the progress figure.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from geo_priority.config import config_from_dict
from geo_priority.errors import ConfigError, GeometryRepairedWarning


def _method(**sections: Any) -> dict[str, Any]:
    return {
        "boundaries": {"code_column": "kode"},
        "tables": [],
        "scoring": {"indicators": [{"key": "p0"}]},
        **sections,
    }


def test_hotspots_section_turns_it_on_and_enabled_false_off() -> None:
    assert config_from_dict(_method(), in_memory=True).hotspots is None
    on = config_from_dict(_method(hotspots={"weights": "rook"}), in_memory=True)
    assert on.hotspots is not None and on.hotspots.weights == "rook"
    off = config_from_dict(_method(hotspots={"enabled": False}), in_memory=True)
    assert off.hotspots is None


def test_progress_section_is_on_when_an_indicator_is_set() -> None:
    cfg = config_from_dict(
        _method(progress={"indicator": "p0", "target_id": "banten-p0-2025"}),
        in_memory=True,
    )
    assert cfg.progress.indicator == "p0"
    assert config_from_dict(_method(), in_memory=True).progress.indicator == ""


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        ({"hotspots": {"colour": 1}}, "'colour'"),
        ({"hotspots": {"weights": "hex"}}, "hotspots.weights"),
        ({"progress": {"indicator": "p0", "tolerance": "a"}}, "progress.tolerance"),
        ({"progress": {"goal": 1}}, "'goal'"),
    ],
)
def test_bad_keys_and_values_name_the_key(section: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        config_from_dict(_method(**section), in_memory=True)


# --- analysis ----------------------------------------------------------------

CODES = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]
YEARS = range(2019, 2024)
#: 2019 P0 of each area: the left column pair is high, the right pair low.
START = [9.0, 8.5, 3.0, 2.6, 8.0, 7.5, 3.2, 2.5]
#: Yearly fall: slow (0.06) in odd positions, fast (0.3) in even ones.
FALL = [0.06 if i % 2 == 0 else 0.3 for i in range(8)]


def _areas() -> Any:
    import geopandas as gpd
    from shapely.geometry import box

    geoms = [
        box(106 + c * 0.1, -6 - r * 0.1, 106.1 + c * 0.1, -5.9 - r * 0.1)
        for r in range(2)
        for c in range(4)
    ]
    return gpd.GeoDataFrame(
        {"kode": CODES, "nama": [f"Wilayah {i}" for i in range(1, 9)]},
        geometry=geoms,
        crs="EPSG:4326",
    )


def _figures() -> Any:
    import pandas as pd

    data: dict[str, Any] = {"kode": CODES}
    for k, year in enumerate(YEARS):
        data[f"p0_{year}"] = [s - f * k for s, f in zip(START, FALL, strict=True)]
    data["miskin"] = [1000 * s for s in START]
    return pd.DataFrame(data)


def _analytics_method(lang: str = "id") -> dict[str, Any]:
    yearly = [
        {"key": f"p0_{y}", "year": y, "score": False, "unit": "%", "label": "P0"}
        for y in range(2019, 2023)
    ]
    return {
        "boundaries": {
            "code_column": "kode",
            "name_column": "nama",
            "code_system": "kemendagri",
            "level": "kabkota",
        },
        "tables": [{"label": "bps", "code_column": "kode"}],
        "scoring": {
            "indicators": [
                {"key": "p0_2023", "year": 2023, "weight": 0.6, "unit": "%"},
                {"key": "miskin", "weight": 0.4, "unit": "jiwa"},
                *yearly,
            ]
        },
        "classify": {"scheme": "equal_interval", "k": 3},
        "outputs": {"lang": lang},
        "hotspots": {"permutations": 99},
        "progress": {"indicator": "p0", "target_id": "banten-p0-2025"},
    }


@pytest.fixture(scope="module")
def analysed() -> Any:
    import geo_priority as gp

    return gp.analyse(_areas(), {"bps": _figures()}, _analytics_method())


def test_analysis_joins_hotspot_and_progress_columns(analysed: Any) -> None:
    from geo_priority.hotspots import HOTSPOT_COLUMNS

    areas = analysed.areas.set_index("area_id")
    for column in (*HOTSPOT_COLUMNS, "trend_slope", "projected_2025", "target_gap"):
        assert column in areas.columns, column
    assert set(areas["hotspot"]) <= {
        "tinggi-tinggi",
        "rendah-rendah",
        "tinggi-rendah",
        "rendah-tinggi",
        "tidak signifikan",
    }
    # Hand-checked: straight lines, so Theil-Sen is the yearly fall; 2025 is
    # 2 years after 2023; the target range is 4.5-5.5 (gap above 5.5).
    assert areas.loc["36.02", "trend_slope"] == pytest.approx(-0.3)
    assert areas.loc["36.72", "projected_2025"] == pytest.approx(7.5 - 0.3 * 6)
    assert areas.loc["36.72", "target_gap"] == pytest.approx(5.7 - 5.5)
    assert areas.loc["36.72", "progress_status"] == "at risk"
    assert areas.loc["36.72", "progress_label"] == "berisiko"
    assert areas.loc["36.01", "progress_label"] == "tidak sesuai jalur"
    assert areas.loc["36.04", "progress_label"] == "sesuai jalur"
    assert analysed.progress.result.status_counts() == {
        "on track": 4,
        "at risk": 1,
        "off track": 3,
        "none": 0,
    }
    assert analysed.hotspots.column == "priority_score"
    assert "Moran" in analysed.hotspots.method


def test_run_record_carries_both(analysed: Any) -> None:
    from geo_priority.metadata import run_record

    record = run_record(analysed)
    assert record["progress"]["counts"]["off track"] == 3
    assert record["progress"]["target"]["year"] == 2025
    assert sum(record["hotspots"]["counts"].values()) == 8


def test_progress_without_several_years_names_the_key() -> None:
    import geo_priority as gp

    method = _analytics_method()
    method["progress"] = {"indicator": "miskin", "target_id": "banten-p0-2025"}
    with pytest.raises(ConfigError, match=r"progress\.indicator = 'miskin'"):
        gp.analyse(_areas(), {"bps": _figures()}, method)


# --- exports -------------------------------------------------------------------


def test_ranked_tables_carry_the_columns_with_headers(
    analysed: Any, tmp_path: Any
) -> None:
    from geo_priority.analysis import ranked_table
    from geo_priority.export.tables import (
        human_table,
        read_ranked_csv,
        write_ranked_csv,
    )

    ranked = ranked_table(analysed)
    for column in ("hotspot", "gi_class", "projected_2025", "progress_label"):
        assert column in ranked.columns, column
    table = human_table(ranked, analysed.indicators)
    for header in (
        "Klaster (LISA)",
        "Titik panas/dingin (Gi*)",
        "Proyeksi 2025",
        "Selisih dari target",
        "Kemajuan menuju target",
    ):
        assert header in table.columns, header
    assert set(table["Kemajuan menuju target"]) == {
        "sesuai jalur",
        "berisiko",
        "tidak sesuai jalur",
    }
    english = human_table(ranked, analysed.indicators, lang="en")
    assert {"Cluster (LISA)", "Projected 2025", "Gap to target"} <= set(english)
    path = write_ranked_csv(ranked, analysed.indicators, tmp_path / "p.csv")
    back = read_ranked_csv(path, analysed.indicators)
    assert back["progress_label"].tolist() == ranked["progress_label"].tolist()
    assert back["hotspot"].tolist() == ranked["hotspot"].tolist()
    assert "projected_2025" in back.columns


def test_gis_layers_carry_the_columns_with_aliases(
    analysed: Any, tmp_path: Any
) -> None:
    import re

    from geo_priority.export import write_format
    from geo_priority.io import read_boundaries
    from geo_priority.outputs import scored_layer

    layer = scored_layer(analysed)
    write_format("gpkg", tmp_path / "uji.gpkg", layer, overwrite=False)
    stored = read_boundaries(tmp_path / "uji.gpkg", layer=layer.name).set_index(
        "area_id"
    )
    areas = analysed.areas.set_index("area_id")
    for column in ("hotspot", "gi_z", "trend_slope", "target_gap", "progress_label"):
        assert column in stored.columns, column
        assert stored[column].tolist() == areas.loc[stored.index, column].tolist()
    write_format("styles", tmp_path / "uji.qml", layer, overwrite=False)
    qml = (tmp_path / "uji.qml").read_text(encoding="utf-8")
    aliases = dict(re.findall(r'<alias field="(\w+)" index="\d+" name="([^"]*)"', qml))
    assert aliases["hotspot"] == "Klaster (LISA)"
    assert aliases["projected_2025"] == "Proyeksi 2025"
    assert aliases["progress_label"] == "Kemajuan menuju target"


# --- map -------------------------------------------------------------------------


def _spec(analysis: Any) -> dict[str, Any]:
    from geo_priority.metadata import run_record
    from geo_priority.render.spec import map_spec
    from geo_priority.render.texts import map_texts

    return map_spec(
        analysis.areas,
        analysis.classification,
        indicators=analysis.indicators,
        texts=map_texts(analysis, run_record(analysis)),
        lang=analysis.config.outputs.lang,
    )


def test_map_has_cluster_and_progress_layers_with_words(analysed: Any) -> None:
    view = _spec(analysed)["views"][0]
    by_label = {layer["label"]: layer for layer in view["layers"]}
    cluster = by_label["Klaster (LISA)"]
    assert cluster["labels"] == [
        "tinggi-tinggi",
        "rendah-rendah",
        "tinggi-rendah",
        "rendah-tinggi",
        "tidak signifikan",
    ]
    assert cluster["note"].startswith(
        "tinggi-tinggi: wilayah prioritas tinggi bertetangga dengan wilayah "
    )
    assert cluster["colours"][:2] == ["#d7191c", "#2c7bb6"]
    progress = by_label["Kemajuan menuju target"]
    assert progress["labels"] == ["sesuai jalur", "berisiko", "tidak sesuai jalur"]
    assert progress["note"] == (
        "Tren Theil-Sen diproyeksikan ke 2025, target 4,5–5,5 %: sesuai jalur = "
        "mencapainya; berisiko = meleset paling banyak 0,5 poin persen; tidak "
        "sesuai jalur = meleset lebih dari itu."
    )
    # each layer's tooltip row: the area's cluster / status in words
    i_cluster = view["layers"].index(cluster)
    i_progress = view["layers"].index(progress)
    props = {a["id"]: a for a in view["props"]}
    assert props["36.72"]["f"][i_progress + 2] == "berisiko"
    assert props["36.01"]["f"][i_cluster + 2] == "tidak signifikan"


def test_map_layers_in_english() -> None:
    import geo_priority as gp

    analysis = gp.analyse(_areas(), {"bps": _figures()}, _analytics_method("en"))
    labels = [layer["label"] for layer in _spec(analysis)["views"][0]["layers"]]
    assert labels[-2:] == ["Cluster (LISA)", "Progress to target"]


def test_method_note_states_both(analysed: Any) -> None:
    from geo_priority.metadata import run_record
    from geo_priority.render.texts import map_texts

    texts = map_texts(analysed, run_record(analysed))
    lines = " ".join(texts.method_lines)
    assert "Moran's I lokal (LISA)" in lines
    assert "Theil" in lines
    assert (
        "Kemajuan menuju target: 4 sesuai jalur, 1 berisiko, 3 tidak sesuai jalur, "
        "0 tanpa status." in lines
    )


# --- files -----------------------------------------------------------------------


def test_write_outputs_writes_the_progress_figure(tmp_path: Any) -> None:
    from PIL import Image

    import geo_priority as gp
    from geo_priority.outputs import written_files

    method = _analytics_method()
    method["outputs"] = {
        "dir": str(tmp_path),
        "name": "uji",
        "formats": ["csv", "json"],
    }
    analysis = gp.analyse(_areas(), {"bps": _figures()}, method)
    gp.write_outputs(analysis)
    figure = tmp_path / "uji_kemajuan.png"
    assert figure.is_file()
    with Image.open(figure) as image:
        width, height = image.size
        colours = {c for _, c in image.convert("RGB").getcolors(1 << 20) or []}
    assert width > height > 500  # A4 landscape
    assert (0x1A, 0x78, 0x37) in colours or (0xB2, 0x18, 0x2B) in colours
    record = json.loads((tmp_path / "uji_run.json").read_text(encoding="utf-8"))
    assert set(record["files"]) == {"uji_kemajuan.png", "uji_peringkat.csv"}
    assert written_files(analysis.config)[-1] == figure


# --- a real run: the Banten kab/kota figures in data/ ---------------------------


def test_banten_p0_series_against_the_2025_target() -> None:
    import tomllib
    from pathlib import Path

    import pandas as pd
    from scipy.stats import theilslopes

    from geo_priority import pipeline

    from conftest import require_shared

    require_shared("boundaries", "banten_kabkota_kemendagri2025_cahyadsn.geojson")
    repo = Path(__file__).resolve().parents[1]
    examples = repo / "examples"
    data = tomllib.loads((examples / "banten_kabkota.toml").read_text("utf-8"))
    data["scoring"]["indicators"] = [
        {
            "key": f"p0_{year}",
            "source": "p0_poverty_rate",
            "year": year,
            "score": False,
            "optional": True,
            "unit": "%",
            "label": "P0",
        }
        for year in range(2019, 2025)
    ]
    data["progress"] = {"indicator": "p0_poverty_rate", "target_id": "banten-p0-2025"}
    data["hotspots"] = {}
    config = config_from_dict(data, base_dir=str(examples))
    with pytest.warns(GeometryRepairedWarning, match="36.02"):  # Lebak's polygon
        analysis = pipeline.analyse(config)
    areas = analysis.areas.set_index("area_id")
    assert areas["progress_status"].notna().sum() == 8
    assert analysis.progress is not None
    assert analysis.progress.result.status_counts() == {
        "on track": 3,
        "at risk": 1,
        "off track": 4,
        "none": 0,
    }
    # Lebak's trend is scipy's Theil-Sen slope of its P0 rows in the CSV
    rows = pd.read_csv(repo / "data" / "banten_kabkota_poverty.csv", dtype=str)
    lebak = rows[(rows.kode_wilayah == "36.02") & (rows.indicator == "p0_poverty_rate")]
    years = lebak.tahun.astype(int).to_numpy()
    values = lebak.value.astype(float).to_numpy()
    assert areas.loc["36.02", "trend_slope"] == pytest.approx(
        theilslopes(values, years)[0]
    )
    assert areas.loc["36.01", "progress_label"] == "tidak sesuai jalur"
    assert set(areas["hotspot"].dropna()) <= {
        "tinggi-tinggi",
        "rendah-rendah",
        "tinggi-rendah",
        "rendah-tinggi",
        "tidak signifikan",
    }


# --- in the browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Any:
    from browser import require_browser, start_browser

    require_browser()
    driver = start_browser(1280, 720)
    yield driver
    driver.quit()


AREA_AT_CENTRE = """
var l = window.geoPriority.byId[arguments[0]];
var map = window.geoPriority.map;
var p = map.latLngToContainerPoint(l.getBounds().getCenter());
var r = map.getContainer().getBoundingClientRect();
var hit = document.elementFromPoint(r.left + p.x, r.top + p.y);
// a quarter of the way in from the south-west corner: clear of the name label
var b = l.getBounds();
var q = map.latLngToContainerPoint(L.latLng(
  b.getSouth() + 0.25 * (b.getNorth() - b.getSouth()),
  b.getWest() + 0.25 * (b.getEast() - b.getWest())));
return {fill: l._path.getAttribute('fill'), hit: hit === l._path,
        at: [Math.round(r.left + q.x), Math.round(r.top + q.y)]};
"""
LEGEND_BOX = """
var legend = document.querySelector('.gp-legend');
var b = legend.getBoundingClientRect();
var parts = Array.from(legend.querySelectorAll('.gp-legend-row span, .gp-note'));
var right = Math.max.apply(null, parts.map(function (p) {
  return p.getBoundingClientRect().right; }));
return {box: [b.left, b.top, b.right, b.bottom], right: right};
"""


def _legend_fits(browser: Any) -> None:
    """Every legend row and its note stays inside the box, inside the window."""
    found = browser.execute_script(LEGEND_BOX)
    left, top, right, bottom = found["box"]
    assert 0 <= left < right <= 1280 and 0 <= top < bottom <= 720
    assert found["right"] <= right


def test_layers_legends_and_tooltip_in_chromium(
    browser: Any, analysed: Any, tmp_path: Any
) -> None:
    from selenium.webdriver.support.ui import Select

    from geo_priority.outputs import build_map

    from browser import (
        console_errors,
        drawn_in,
        open_map,
        save_screenshot,
        screenshot_pixels,
        wait_visible,
    )

    html = tmp_path / "uji.html"
    html.write_text(build_map(analysed).get_root().render(), encoding="utf-8")
    open_map(browser, html)
    select = Select(browser.find_element("id", "gp-variable"))
    names = [o.text for o in select.options]
    select.select_by_index(names.index("Kemajuan menuju target"))
    at_risk = browser.execute_script(AREA_AT_CENTRE, "36.72")
    off = browser.execute_script(AREA_AT_CENTRE, "36.01")
    assert {k: at_risk[k] for k in ("fill", "hit")} == {"fill": "#b35806", "hit": True}
    assert {k: off[k] for k in ("fill", "hit")} == {"fill": "#b2182b", "hit": True}
    pixels = screenshot_pixels(browser)
    for area in (at_risk, off):  # drawn in its fill, not only given it
        x, y = area["at"]
        patch = pixels[y - 2 : y + 3, x - 2 : x + 3]
        assert drawn_in(patch, area["fill"]).mean() > 0.8, area
        assert drawn_in(patch, "#eeeeee").mean() < 0.2, area
    legend = browser.find_element("css selector", ".gp-legend").text
    assert "berisiko = meleset paling banyak 0,5 poin persen" in legend
    _legend_fits(browser)
    select.select_by_index(names.index("Klaster (LISA)"))
    legend = browser.find_element("css selector", ".gp-legend").text
    assert "tinggi-tinggi: wilayah prioritas tinggi bertetangga" in legend
    assert browser.execute_script(AREA_AT_CENTRE, "36.01")["fill"] == "#eeeeee"
    _legend_fits(browser)
    browser.find_element("css selector", '.gp-table tr[data-id="36.72"]').click()
    tip = wait_visible(browser, ".gp-tooltip").text
    assert "Kemajuan menuju target" in tip and "berisiko" in tip
    assert "Klaster (LISA)" in tip and "tidak signifikan" in tip
    save_screenshot(browser, "analytics_wiring.png")
    assert console_errors(browser) == []


def test_a_coarser_map_level_gets_notes_not_errors() -> None:
    import geo_priority as gp

    method = _analytics_method()
    method["outputs"] = {"map_levels": ["provinsi"]}
    analysis = gp.analyse(_areas(), {"bps": _figures()}, method)
    assert analysis.progress is not None and analysis.hotspots is not None
    (province,) = analysis.levels
    assert province.progress is None and province.hotspots is None
    notes = " ".join(province.notes)
    assert "kemajuan menuju target tidak ditampilkan pada tingkat ini" in notes
    assert "hotspot tidak dihitung untuk wilayah ini" in notes
