"""Several tables for one indicator combine: nothing is dropped, the same value
is kept once, and two different values for one area stop the analysis."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import geo_priority as gp
from geo_priority.errors import JoinError
from geo_priority.messages import use_language

# two provinces with a bare kabupaten name in each: "Serang" and "Bogor"
CODES = ["36.01", "36.04", "32.01", "32.02"]
NAMES = ["Pandeglang", "Serang", "Bogor", "Sukabumi"]
P0 = [9.27, 4.27, 7.14, 6.76]


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": CODES, "nama": NAMES},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(4)],
        crs=4326,
    )


def _method(tables: list[dict]) -> dict:
    return {
        "boundaries": {"code_column": "kode", "name_column": "nama"},
        "tables": tables,
        "scoring": {"indicators": [{"key": "p0", "unit": "%"}]},
        "classify": {"scheme": "equal_interval", "k": 2},
    }


def _by_name(result: gp.Analysis) -> dict[str, float]:
    return dict(zip(result.areas["area_name"], result.areas["p0"], strict=True))


def test_one_table_per_province_gives_the_values_of_the_whole_table(areas):
    whole = pd.DataFrame({"nama": NAMES, "p0": P0, "prov": ["36", "36", "32", "32"]})
    one = gp.analyse(
        areas,
        {"all": whole},
        _method([{"label": "all", "name_column": "nama", "parent_column": "prov"}]),
    )
    banten, jabar = whole[whole.prov == "36"], whole[whole.prov == "32"]
    split = gp.analyse(
        areas,
        {"banten": banten, "jabar": jabar},
        _method(
            [
                {"label": "banten", "name_column": "nama", "parent": "36"},
                {"label": "jabar", "name_column": "nama", "parent": "32"},
            ]
        ),
    )
    assert _by_name(split) == _by_name(one) == dict(zip(NAMES, P0, strict=True))
    assert split.report.summary() == one.report.summary()


def test_second_table_is_never_dropped(areas):
    first = pd.DataFrame({"kode": CODES[:2], "p0": P0[:2]})
    second = pd.DataFrame({"kode": CODES[2:], "p0": P0[2:]})
    result = gp.analyse(
        areas,
        {"a": first, "b": second},
        _method(
            [
                {"label": "a", "code_column": "kode"},
                {"label": "b", "code_column": "kode"},
            ]
        ),
    )
    assert result.areas["p0"].notna().all()


def test_equal_values_twice_are_kept_once_and_noted(areas):
    first = pd.DataFrame({"kode": CODES[:3], "p0": P0[:3]})
    second = pd.DataFrame({"kode": CODES[1:], "p0": P0[1:]})
    result = gp.analyse(
        areas,
        {"a": first, "b": second},
        _method(
            [
                {"label": "a", "code_column": "kode"},
                {"label": "b", "code_column": "kode"},
            ]
        ),
    )
    assert _by_name(result) == dict(zip(NAMES, P0, strict=True))
    assert (
        "p0: 2 nilai diberikan lagi, sama, oleh tabel lain; disimpan sekali"
        in result.notes
    )


def test_two_different_values_name_both_tables_and_values(areas):
    first = pd.DataFrame({"kode": CODES, "p0": P0})
    second = pd.DataFrame({"kode": ["36.04"], "p0": [42.0]})
    with pytest.raises(JoinError) as err:
        gp.analyse(
            areas,
            {"bps_2023": first, "bps_2024": second},
            _method(
                [
                    {"label": "bps_2023", "code_column": "kode"},
                    {"label": "bps_2024", "code_column": "kode"},
                ]
            ),
        )
    message = str(err.value)
    assert "'36.04'" in message and "4.27" in message and "42.0" in message
    assert "'bps_2023'" in message and "'bps_2024'" in message


@pytest.mark.parametrize(
    ("values", "unit", "valid_range", "expected"),
    [
        (
            [927.0, 4.27, 7.14, 6.76],
            "%",
            None,
            "looks like 92,7 or 9,27 with its decimal comma lost",
        ),
        ([-1.5, 4.27, 7.14, 6.76], "%", None, "negative value is impossible"),
        ([9.27, 4.27, 7.14, 60.0], "", [0, 50], "outside its plausible range 0–50"),
    ],
)
def test_implausible_values_are_refused_naming_area_and_cause(
    areas, values, unit, valid_range, expected
):
    from geo_priority.errors import ImplausibleValueError

    table = pd.DataFrame({"kode": CODES, "p0": values})
    indicator = {"key": "p0", "unit": unit}
    if valid_range:
        indicator["valid_range"] = valid_range
    method = _method([{"label": "t", "code_column": "kode"}])
    method["scoring"] = {"indicators": [indicator]}
    with (
        use_language("en"),
        pytest.raises(ImplausibleValueError, match=expected) as err,
    ):
        gp.analyse(areas, {"t": table}, method)
    assert "valid_range" in str(err.value)
