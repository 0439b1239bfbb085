"""The kemiskinan-ekstrem preset switches progress to targets on (issue 12).

Eight synthetic kab/kota (codes as given), P0 and extreme-poverty rates
2019-2023 falling by hand-set steps: area ``i`` starts at P0 ``8 - 0.5 i``
and falls ``0.1 + 0.05 i`` points a year, so its Theil-Sen slope is exactly
that fall.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import geo_priority as gp
from geo_priority.config import IndicatorConfig, ScoringConfig
from geo_priority.presets import expand_preset

P0 = "banten-p0-2025"
BANTEN = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]
YEARS = range(2019, 2024)


def _areas(codes: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": codes, "nama": [f"Wilayah {i}" for i in range(len(codes))]},
        geometry=[
            box(
                106 + (i % 4) * 0.1,
                -6 - (i // 4) * 0.1,
                106.1 + (i % 4) * 0.1,
                -5.9 - (i // 4) * 0.1,
            )
            for i in range(len(codes))
        ],
        crs="EPSG:4326",
    )


def _table(codes: list[str]) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(codes):
        for y in YEARS:
            p0 = 8.0 - 0.5 * i - (0.1 + 0.05 * i) * (y - 2019)
            rows.append((code, y, "p0_poverty_rate", p0))
            rows.append(
                (code, y, "extreme_poverty_rate", 3.0 - 0.3 * i - 0.2 * (y - 2019))
            )
        rows.append((code, 2022, "population", 100_000 + 5_000 * i))
    return pd.DataFrame(rows, columns=["kode", "tahun", "indicator", "value"])


def _method(p0_list: bool = True, **sections: Any) -> dict[str, Any]:
    method: dict[str, Any] = {
        "boundaries": {
            "code_column": "kode",
            "name_column": "nama",
            "code_system": "kemendagri",
            "level": "kabkota",
        },
        "tables": [
            {
                "label": "bps",
                "code_column": "kode",
                "indicator_column": "indicator",
                "year_column": "tahun",
                "value_column": "value",
            }
        ],
        "scoring": {
            "preset": "kemiskinan-ekstrem",
            "year": 2022,
            "preset_options": {"poverty_rate_year": 2023},
            "indicators": [],
        },
        "classify": {"scheme": "equal_interval", "k": 3},
        "robustness": {"enabled": False},
        **sections,
    }
    if p0_list:
        method["scoring"]["indicators"] = [
            {
                "key": f"p0_{y}",
                "source": "p0_poverty_rate",
                "year": y,
                "score": False,
                "unit": "%",
                "label": "P0",
            }
            for y in YEARS
        ]
    return method


def _run(codes: list[str], method: dict[str, Any]) -> Any:
    return gp.analyse(_areas(codes), {"bps": _table(codes)}, method)


@pytest.fixture(scope="module")
def banten() -> Any:
    return _run(BANTEN, _method())


def test_listed_p0_year_replaces_the_presets_own_p0() -> None:
    listed = tuple(
        IndicatorConfig(key=f"p0_{y}", source="p0_poverty_rate", year=y, score=False)
        for y in YEARS
    )
    scoring = ScoringConfig(
        preset="kemiskinan-ekstrem",
        year=2022,
        preset_options={"poverty_rate_year": 2023},
        indicators=listed,
    )
    keys = [
        (i.key, i.year, i.weight, i.score) for i in expand_preset(scoring).indicators
    ]
    assert [k for k in keys if k[0] in ("poverty_rate", "p0_2023")] == [
        ("p0_2023", 2023, 0.1, True)  # one P0 of 2023, with the preset's weight
    ]
    assert [k[0] for k in keys].count("p0_2022") == 1
    assert len(keys) == 5 - 1 + 5


def test_the_list_changes_neither_score_nor_layers(banten: Any) -> None:
    alone = _run(BANTEN, _method(p0_list=False))
    assert banten.areas["priority_score"].tolist() == pytest.approx(
        alone.areas["priority_score"].tolist()
    )
    sources = [(i.source or i.key, i.year) for i in banten.indicators]
    assert len(sources) == len(set(sources))  # no indicator twice


def test_preset_measures_banten_p0_against_its_2025_target(banten: Any) -> None:
    progress = banten.progress
    assert progress is not None
    assert progress.result.target.id == "banten-p0-2025"
    areas = banten.areas.set_index("area_id")
    slopes = [-(0.1 + 0.05 * i) for i in range(8)]
    assert areas.loc[BANTEN, "trend_slope"].tolist() == pytest.approx(slopes)
    # 36.01: 8.0 - 0.1 x 6 = 7.4 in 2025, 1.9 above 5.5: off track;
    # 36.03: 7.0 - 0.2 x 6 = 5.8, 0.3 above: at risk; 36.04: 6.5 - 1.5 = 5.0
    assert areas.loc["36.01", "projected_2025"] == pytest.approx(7.4)
    assert areas.loc[BANTEN, "progress_status"].tolist() == [
        "off track",
        "off track",
        "at risk",
        "on track",
        "on track",
        "on track",
        "on track",
        "on track",
    ]
    from geo_priority.metadata import run_record

    target = run_record(banten)["progress"]["target"]
    assert target["id"] == "banten-p0-2025"
    assert target["cited"] is False and "NO PUBLISHED SOURCE FOUND" in target["note"]
    assert any("tidak memiliki sumber terbitan" in n for n in banten.notes)


def test_outside_banten_no_p0_target_is_invented() -> None:
    mixed = ["36.01", "36.02", "32.01", "32.02", "36.71", "36.72", "32.73", "32.74"]
    analysis = _run(mixed, _method())
    status = analysis.areas.set_index("area_id")["progress_status"]
    assert status[[c for c in mixed if c.startswith("32")]].isna().all()
    assert status[[c for c in mixed if c.startswith("36")]].notna().all()
    (note,) = [n for n in analysis.notes if "target P0 bawaan" in n]
    assert "hanya wilayah berkode awal 36 yang diukur; 4 wilayah lain" in note


def test_no_banten_area_uses_the_extreme_poverty_target_if_listed() -> None:
    jabar = [c.replace("36.", "32.") for c in BANTEN]
    method = _method()
    method["scoring"]["indicators"] += [
        {
            "key": f"ep_{y}",
            "source": "extreme_poverty_rate",
            "year": y,
            "score": False,
            "unit": "%",
        }
        for y in (2019, 2020, 2021, 2023)
    ]
    analysis = _run(jabar, method)
    assert analysis.progress.result.target.id == "kemiskinan-ekstrem-nol-2024"
    assert analysis.progress.result.target.value == 0.0
    assert any("Tidak ada target P0 yang dikarang" in n for n in analysis.notes)
    assert analysis.areas["progress_status"].notna().all()
    # 36.01's twin 32.01: 3.0 - 0.2 x 5 = 2.0 in 2024, far from 0: off track
    assert analysis.areas.set_index("area_id").loc["32.01", "progress_status"] == (
        "off track"
    )


def test_without_a_series_a_note_says_what_to_list() -> None:
    analysis = _run(BANTEN, _method(p0_list=False))
    assert analysis.progress is None and "progress_status" not in analysis.areas
    (note,) = [n for n in analysis.notes if "preset kemiskinan-ekstrem" in n.lower()]
    assert "source = 'extreme_poverty_rate'" in note and "progress.enabled" in note


def test_progress_enabled_false_turns_it_off_and_own_section_wins() -> None:
    off = _run(BANTEN, _method(progress={"enabled": False}))
    assert off.progress is None
    assert not any("kemiskinan-ekstrem" in n for n in off.notes)
    own = _run(
        BANTEN,
        _method(
            progress={
                "indicator": "p0_poverty_rate",
                "target_year": 2025,
                "target": 6.0,
                "target_source": "uji",
            }
        ),
    )
    assert own.progress.result.target.value == 6.0
    assert own.areas["progress_status"].notna().all()


def test_progress_is_planned_from_the_config_alone() -> None:
    from geo_priority.config import config_from_dict
    from geo_priority.progress_preset import progress_planned

    def planned(method: dict[str, Any]) -> bool:
        return progress_planned(config_from_dict(method, in_memory=True))

    assert planned(_method())  # the preset and a yearly P0 list
    assert not planned(_method(p0_list=False))  # the preset's one P0 year only
    assert not planned(_method(progress={"enabled": False}))
    # fewer listed years than a trend needs: no chart is planned (the demo's
    # two extreme-poverty years stopped the run before this was checked)
    assert not planned(_method(progress={"min_years": 12}))
    own = _method(p0_list=False, progress={"indicator": "p0", "target_id": P0})
    own["scoring"] = {"indicators": [{"key": "p0"}]}
    assert planned(own)


def test_a_coarser_level_says_why_it_has_no_progress() -> None:
    method = _method()
    method["outputs"] = {"map_levels": ["provinsi"]}
    analysis = _run(BANTEN, method)
    assert analysis.progress is not None
    (province,) = analysis.levels
    assert province.progress is None
    assert (
        "kemajuan menuju target tidak ditampilkan pada tingkat ini: deret "
        "tahunannya tidak dijumlahkan ke tingkat ini." in province.notes
    )
