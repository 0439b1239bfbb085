"""outputs.map_levels keeps the method at every coarser level (issue 10, item 2).

A hand-checkable case (numbers worked out in the comments) and the real Banten
desa layers through the crosswalk example, against BPS's published kab/kota
extreme-poverty rates in data/.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from geo_priority import outputs, pipeline
from geo_priority.analysis import analyse, classify_level
from geo_priority.config import load_config, with_outputs
from geo_priority.errors import ClassificationError, GeoPriorityWarning
from geo_priority.messages import use_language
from geo_priority.render.texts import map_texts
from geo_priority.schema import PLACE, SCORE
from tests.conftest import require_shared

REPO = Path(__file__).resolve().parents[1]

# kec 36.01.01: a1 (10 %, 100), a2 (20 %, 300)          -> 70 / 400 = 17.5 %
# kec 36.01.02: b1 5 %/200, b2 4 %/100, b3 8 %/100, b4 -, b5 2 %/100
#               -> 4 of 5 desa (80 %), (10+4+8+2) / 500 = 4.8 %
# kec 36.02.01: c1 1 %/1000, c2 -, c3 -   -> 1 of 3 desa: below 80 %, withheld
# kab 36.01:    6 of 7 desa, 94 / 900 = 10.444 %;  kab 36.02: withheld
_DESA = {
    "36.01.01.2001": (10.0, 100.0),
    "36.01.01.2002": (20.0, 300.0),
    "36.01.02.2001": (5.0, 200.0),
    "36.01.02.2002": (4.0, 100.0),
    "36.01.02.2003": (8.0, 100.0),
    "36.01.02.2004": (None, None),
    "36.01.02.2005": (2.0, 100.0),
    "36.02.01.2001": (1.0, 1000.0),
    "36.02.01.2002": (None, None),
    "36.02.01.2003": (None, None),
}


def _method(k: int = 2) -> dict[str, object]:
    return {
        "boundaries": {"code_column": "kode", "code_system": "kemendagri"},
        "tables": [{"label": "t", "code_column": "kode"}],
        "scoring": {
            "missing": "drop",
            "indicators": [
                {"key": "rate", "unit": "%", "weight": 0.5},
                {
                    "key": "poor",
                    "unit": "jiwa",
                    "weight": 0.5,
                    "derive_from": ["rate", "pop"],
                },
                {"key": "pop", "unit": "jiwa", "weight": 0, "score": False},
            ],
        },
        "classify": {"scheme": "quantiles", "k": k},
        "outputs": {"map_levels": ["kecamatan", "kabkota"]},
    }


def _small() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    codes = list(_DESA)
    areas = gpd.GeoDataFrame(
        {"kode": codes},
        geometry=[
            box(106 + i * 0.01, -6.5, 106.01 + i * 0.01, -6.49) for i in range(10)
        ],
        crs="EPSG:4326",
    )
    table = pd.DataFrame(
        {
            "kode": codes,
            "rate": [v[0] for v in _DESA.values()],
            "pop": [v[1] for v in _DESA.values()],
        }
    )
    return areas, table


@pytest.fixture
def small() -> object:
    areas, table = _small()
    with pytest.warns(Warning):  # unknown reference codes, missing values
        return analyse(areas, {"t": table}, _method())


def test_rates_are_re_divided_at_every_level(small) -> None:
    kec, kab = small.levels
    got = kec.areas.set_index("area_id")
    assert "rate" in [i.key for i in kec.indicators]
    assert got.loc["36.01.01", "rate"] == pytest.approx(17.5)  # mean would be 15
    assert got.loc["36.01.01", "poor"] == 70
    assert got.loc["36.01.02", "rate"] == pytest.approx(4.8)
    assert kab.areas.set_index("area_id").loc["36.01", "rate"] == pytest.approx(
        100 * 94 / 900
    )


def test_partly_missing_children_give_a_value_with_its_coverage(small) -> None:
    kec, kab = small.levels
    got = kec.areas.set_index("area_id")
    assert got.loc["36.01.02", "rate_coverage"] == 80.0
    assert got.loc["36.01.02", "poor_coverage"] == 80.0
    assert got.loc["36.01.01", "rate_coverage"] == 100.0
    assert pd.notna(got.loc["36.01.02", SCORE])
    # 1 of 3 desa is below the 80 % rule: withheld, and said so
    assert pd.isna(got.loc["36.02.01", "rate"])
    assert got.loc["36.02.01", "rate_coverage"] == pytest.approx(33.3)
    kab_got = kab.areas.set_index("area_id")
    assert kab_got.loc["36.01", "rate_coverage"] == pytest.approx(85.7)
    notes = " ".join(kec.notes)
    assert "kecamatan: rate, poor, pop" in notes and "80 %" in notes
    assert "outputs.level_min_coverage" in notes


def test_a_level_that_cannot_use_the_classes_falls_back_and_names_itself(
    small,
) -> None:
    kab = small.levels[1]
    # one scored kab/kota: no quantiles, so the fixed goalposts, with a note
    assert kab.classification.scheme == "prioritas"
    assert any(n.startswith("kabkota:") and "quantiles" in n for n in kab.notes)
    assert small.classification.scheme == "quantiles"


def test_a_level_without_any_score_names_the_level() -> None:
    scores = pd.Series([np.nan, np.nan])
    config = small_config()
    with pytest.raises(ClassificationError, match="kabkota"):
        classify_level(scores, config, "kabkota")


def small_config():  # type: ignore[no-untyped-def]
    from geo_priority.config import config_from_dict

    return config_from_dict(_method(), in_memory=True)


def test_every_level_gets_its_place(small) -> None:
    desa = small.areas.set_index("area_id")[PLACE]
    assert desa["36.01.01.2001"] == "Kec. Sumur, Kab. Pandeglang"
    kec, kab = small.levels
    assert kec.areas.set_index("area_id").loc["36.02.01", PLACE] == "Kab. Lebak"
    assert set(kab.areas[PLACE]) == {"Prov. Banten"}


def test_each_level_of_the_map_has_its_own_title(small, monkeypatch) -> None:
    seen = {}

    def fake(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        return None

    monkeypatch.setattr(outputs, "render_map", fake)
    record = {"inputs": {}, "run_at": "2025-01-01T00:00:00", "config": {}}
    outputs.build_map(small, record)
    for view, level in zip(seen["levels"], small.levels, strict=True):
        texts = map_texts(level, record)
        assert view.title == texts.title and view.subtitle == texts.subtitle
        assert view.subtitle, "a level's view names its level"
    assert seen["levels"][0].subtitle != seen["levels"][1].subtitle


def test_every_level_is_a_layer_and_in_every_gis_export(tmp_path: Path) -> None:
    areas, table = _small()
    method = _method()
    method["outputs"] = {
        "map_levels": ["kecamatan", "kabkota"],
        "dir": str(tmp_path),
        "name": "uji",
        "formats": ["gpkg", "csv", "geojson", "shp", "styles", "json"],
    }
    with pytest.warns(Warning):
        result = analyse(areas, {"t": table}, method)
    with pytest.warns(GeoPriorityWarning, match="10"):  # Shapefile field names
        outputs.write_outputs(result)
    layers = [str(n) for n, _ in pyogrio.list_layers(tmp_path / "uji.gpkg")]
    assert {"uji", "uji_kecamatan", "uji_kabkota"} <= set(layers)
    kab = gpd.read_file(tmp_path / "uji.gpkg", layer="uji_kabkota")
    assert len(kab) == 2 and "rate_coverage" in kab.columns
    for level in ("kecamatan", "kabkota"):
        for suffix in (".geojson", "_shp.shp.zip", ".qml", ".sld", "_peringkat.csv"):
            assert (tmp_path / f"uji_{level}{suffix}").is_file(), (level, suffix)
    sld = (tmp_path / "uji_kabkota.sld").read_text(encoding="utf-8")
    assert "uji_kabkota" in sld
    record = json.loads((tmp_path / "uji_run.json").read_text(encoding="utf-8"))
    assert "uji_kabkota.geojson" in record["files"]
    assert "uji_kecamatan_shp.shp.zip" in record["files"]


# --- the real Banten layers ----------------------------------------------------------


def _banten_desa_table(path: Path) -> pd.DataFrame:
    """A BPS-coded desa table: each desa has its kab/kota's BPS 2022 rate and
    a share of the kab/kota's Dukcapil 2023 population by area."""
    bounds = require_shared("boundaries", "banten_desa_ocha_bps2020.geojson")
    bps = pd.read_csv(REPO / "data" / "banten_kabkota_poverty.csv", dtype=str)
    bps["value"] = bps["value"].astype(float)
    rows = bps["tahun"] == "2022"
    rate = bps[rows & (bps.indicator == "extreme_poverty_rate")]
    pop = bps[(bps.tahun == "2023") & (bps.indicator == "population_dukcapil")]
    desa = gpd.read_file(bounds)[["village_code", "village", "geometry"]]
    desa["kode_desa"] = desa["village_code"].str[2:]
    desa["kab"] = desa["kode_desa"].str[:2] + "." + desa["kode_desa"].str[2:4]
    area = desa.to_crs(32748).area
    share = area / area.groupby(desa["kab"]).transform("sum")
    kab_pop = desa["kab"].map(pop.set_index("kode_wilayah")["value"])
    table = pd.DataFrame(
        {
            "kode_desa": desa["kode_desa"],
            "nama_desa": desa["village"],
            "extreme_poverty_rate": desa["kab"].map(
                rate.set_index("kode_wilayah")["value"]
            ),
            "population": (kab_pop * share).round(),
        }
    )
    table.to_csv(path, index=False)
    return rate.set_index("kode_wilayah")["value"]


@pytest.fixture(scope="module")
def banten(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, pd.Series]:
    folder = tmp_path_factory.mktemp("banten_levels")
    published = _banten_desa_table(folder / "banten_desa_bps_indikator.csv")
    shared = require_shared()
    text = (REPO / "examples" / "banten_desa_crosswalk.toml").read_text("utf-8")
    text = text.replace("../../shared/data", str(shared)).replace(
        'lang = "id"', 'lang = "id"\nmap_levels = ["kecamatan", "kabkota"]'
    )
    (folder / "desa.toml").write_text(text, encoding="utf-8")
    config = with_outputs(load_config(folder / "desa.toml"), dir=str(folder))
    with pytest.warns(Warning), use_language("id"):
        return pipeline.analyse(config), published


def test_banten_kabkota_rate_is_bps_published_rate(banten) -> None:
    analysis, published = banten
    kab = analysis.levels[1].areas.set_index("area_id")
    assert kab.attrs["level"] == "kabkota" and len(kab) == 8
    assert kab[SCORE].notna().all(), "no kab/kota is left without data"
    for code, value in published.items():
        if code in kab.index:
            assert round(kab.loc[code, "extreme_poverty_rate"], 2) == value, code


def test_banten_missing_desa_show_as_coverage_not_blanks(banten) -> None:
    analysis, _ = banten
    kec, kab = analysis.levels
    got = kab.areas.set_index("area_id")["extreme_poverty_rate_coverage"]
    partial = sorted(got[got < 100].index)
    assert partial == ["36.01", "36.02", "36.04", "36.74"]
    assert got.min() > 98
    assert kec.areas[SCORE].notna().all()
    assert any("Kota Tangerang Selatan" in n for n in kab.notes)
    assert kec.classification.scheme == kab.classification.scheme == "quantiles"


def test_banten_places(banten) -> None:
    analysis, _ = banten
    desa = analysis.areas.set_index("area_id")[PLACE]
    assert desa["36.01.01.2001"] == "Kec. Sumur, Kab. Pandeglang"
    assert desa["36.73.01.1001"].endswith("Kota Serang")
    kec, kab = analysis.levels
    assert set(kab.areas[PLACE]) == {"Prov. Banten"}
    assert kec.areas.set_index("area_id").loc["36.74.01", PLACE] == (
        "Kota Tangerang Selatan"
    )


def test_banten_quantiles_too_fine_for_kabkota_fall_back(banten) -> None:
    analysis, _ = banten
    kab = analysis.levels[1]
    config = with_outputs(analysis.config)
    from dataclasses import replace

    config = replace(config, classify=replace(config.classify, k=10))
    found, notes = classify_level(kab.areas[SCORE], config, "kabkota")
    assert found.k < 10
    assert notes and notes[0].startswith("kabkota:")
