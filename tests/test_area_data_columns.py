"""The map's area data, written column-wise, equal the cell-by-cell writing.

Numbers are rounded and written a column at a time (numpy, pyarrow) on a
national map; every value must come out as the per-value functions write it
(``format_fixed``, ``format_value``, ``format_change``, Python's ``round``):
the Indonesian and English marks, no "-0,00", ties to even on the exact
binary value, "tidak ada data" for every kind of missing. The area rows
(``props``) are compared with the cell-by-cell version they replace.
"""

from __future__ import annotations

import gc
import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig
from geo_priority.formatting import format_fixed
from geo_priority.render import area_data, spec
from geo_priority.render.area_rows import (
    PackedRows,
    area_rows,
    packed_rows,
    whole_numbers,
)
from geo_priority.render.fixed_columns import fixed_texts, rounded, scaled_whole
from geo_priority.render.i18n import (
    format_change,
    format_changes,
    format_value,
    format_values,
    text,
)
from geo_priority.render.packing import pack_json

from geodata import squares


def _edge_values() -> np.ndarray:
    """Signs, zeros, missing, huge, exact binary ties and their neighbours."""
    ties = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.375, -0.125, 2.675, 1.005])
    near = np.concatenate(
        [np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf), ties]
    )
    decimal_ties = np.arange(-3000, 3000) / 2000  # x.xxx5 written in decimal
    special = [0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, -5e-324, -1e-9, 1e-9]
    large = [999.995, 999_999.995, 1e9 - 0.5, 1e9, 1e12 + 0.5, 1e15, 1e21, -1e21]
    rng = np.random.default_rng(11)
    spread = rng.standard_normal(4000) * 10.0 ** rng.integers(-4, 9, 4000)
    return np.concatenate([near, decimal_ties, special, large, spread])


VALUES = _edge_values()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3, 5])
def test_fixed_texts_write_every_value_as_format_fixed(lang: str, decimals: int):
    expected = [format_fixed(v, lang=lang, decimals=decimals) for v in VALUES.tolist()]
    assert fixed_texts(VALUES, lang=lang, decimals=decimals).to_pylist() == expected


def test_fixed_texts_pinned():
    values = np.array([-1234.5678, -0.004, -0.0, 0.125, 0.375, 2.5, 1e21, 1234567.0])
    assert fixed_texts(values, decimals=2).to_pylist() == [
        "-1.234,57", "0,00", "0,00", "0,12", "0,38", "2,50",
        "1.000.000.000.000.000.000.000,00", "1.234.567,00",
    ]  # fmt: skip
    assert fixed_texts(values, lang="en", decimals=0).to_pylist() == [
        "-1,235", "0", "0", "0", "0", "2",
        "1,000,000,000,000,000,000,000", "1,234,567",
    ]  # fmt: skip


def test_negative_decimals_fail_as_format_fixed_does():
    with pytest.raises(ValueError):
        format_fixed(1.5, decimals=-1)
    with pytest.raises(ValueError):
        fixed_texts(np.array([1.5]), decimals=-1)


@pytest.mark.parametrize("decimals", [0, 1, 3])
def test_rounded_is_pythons_round_sign_of_zero_too(decimals: int):
    expected = [repr(round(v, decimals)) for v in VALUES.tolist()]
    assert [repr(v) for v in rounded(VALUES, decimals).tolist()] == expected


def test_scaled_whole_leaves_ties_and_huge_values_to_the_text():
    whole, exact = scaled_whole(np.array([0.125, 0.126, 2e9, np.nan, -1.234]), 2)
    assert exact.tolist() == [False, True, False, False, True]
    assert whole[exact].tolist() == [13, -123]


def _columns() -> list[Any]:
    """Numeric columns of every kind a table gives, with missing cells."""
    floats = pd.Series(VALUES)
    ints = pd.Series(np.arange(-50_000, 50_000, 997, dtype=np.int64))
    nullable = pd.array([1, None, -1_234_567, 0, 2**40], dtype="Int64")
    return [
        floats,
        floats.astype("Float64").where(floats.notna(), pd.NA),
        ints,
        pd.Series(nullable),
        VALUES.astype(np.float32),
        np.arange(-5, 5),
    ]


UNITS = [("%", None), ("jiwa", None), ("indeks", 3), ("KK", 1), ("", None)]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("unit", "decimals"), UNITS)
def test_a_numeric_column_reads_as_its_cells_one_by_one(
    lang: str, unit: str, decimals: int | None
):
    for column in _columns():
        expected = [
            format_value(v, unit=unit, lang=lang, decimals=decimals)
            for v in list(column)
        ]
        shown = format_values(column, unit=unit, lang=lang, decimals=decimals)
        assert shown == expected


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("unit", "decimals"), UNITS)
def test_a_change_column_reads_as_its_cells_one_by_one(
    lang: str, unit: str, decimals: int | None
):
    for column in _columns():
        expected = [
            format_change(v, unit=unit, lang=lang, decimals=decimals)
            for v in list(column)
        ]
        shown = format_changes(column, unit=unit, lang=lang, decimals=decimals)
        assert shown == expected


def test_columns_pinned():
    values = pd.Series([2.0, -1234.5678, -0.004, np.nan, 1234567.0])
    assert format_values(values, unit="%") == [
        "2,00%", "-1.234,57%", "0,00%", "tidak ada data", "1.234.567,00%",
    ]  # fmt: skip
    assert format_values(values, unit="jiwa", lang="en") == [
        "2 persons", "-1,235 persons", "0 persons", "no data", "1,234,567 persons",
    ]  # fmt: skip
    assert format_changes(values, unit="%", lang="en") == [
        "+2.00 percentage points", "\u22121,234.57 percentage points",
        "0.00 percentage points", "no data", "+1,234,567.00 percentage points",
    ]  # fmt: skip
    assert format_changes(pd.Series([0.125, -0.125]), unit="jiwa", decimals=2) == [
        "+0,12 jiwa", "\u22120,12 jiwa",
    ]  # fmt: skip


def test_a_column_of_objects_is_still_read_cell_by_cell():
    cells = pd.Series([2, "12,5", None, pd.NA, "x"], dtype=object)
    assert format_values(cells, unit="%") == [
        "2,00%", "12,5", "tidak ada data", "tidak ada data", "x",
    ]  # fmt: skip


def test_whole_numbers_read_as_int_does():
    for column in (
        pd.Series([3, None, 7], dtype="Int64"),
        pd.Series([2.9, -1.5, np.nan]),
        pd.Series([1, 2], dtype="Int8"),
        pd.Series([4, None], dtype=object),
    ):
        n, absent = whole_numbers(column)
        expected = [0 if pd.isna(v) else int(v) for v in column.to_list()]
        assert n.tolist() == expected
        assert absent.tolist() == column.isna().to_list()
    with pytest.raises(OverflowError):
        whole_numbers(pd.Series([np.inf]))


@pytest.mark.parametrize("enabled", [True, False])
def test_area_rows_leave_the_garbage_collector_as_they_found_it(enabled: bool):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        columns = {"id": ["1"], "name": ["A"], "place": [""], "s": [1.0], "r": [1]}
        area_rows(columns, np.array([[1]]), [["x"]], [(1.0, 2.0)], {"rb": [0]})
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


# -- the area rows against the cell-by-cell version they replace ------------


def _optional(values: pd.Series, cast: type) -> list[Any]:
    missing = values.isna().to_list()
    return [
        None if m else cast(v) for v, m in zip(values.to_list(), missing, strict=True)
    ]


def _hidden(column: list[str], flags: pd.Series | None, label: str) -> list[str]:
    if flags is None:
        return column
    return [label if h else v for v, h in zip(column, flags.to_list(), strict=True)]


def _cell_by_cell(
    areas: gpd.GeoDataFrame,
    layers: list[spec.MapLayer],
    indicators: list[IndicatorConfig],
    lang: str,
    threshold: int,
) -> list[dict[str, Any]]:
    """The area rows as written before they were column-wise (fb325f7)."""
    no_data = text("no_data", lang)
    label = text("suppressed", lang).format(threshold=threshold)
    n_ranked = int(areas["priority_rank"].notna().sum())
    labels = layers[0].classification.labels
    score = _optional(areas["priority_score"], float)
    rank = _optional(areas["priority_rank"], int)
    shown = [
        [
            no_data if v is None else format_fixed(v, lang=lang, decimals=1)
            for v in score
        ],
        [no_data if r is None else f"{r} {text('of', lang)} {n_ranked}" for r in rank],
        [
            no_data if c is None else labels[c - 1]
            for c in _optional(areas["priority_class"], int)
        ],
    ]
    hidden = layers[0].extra.get("suppressed")
    shown = [_hidden(col, hidden, label) for col in shown]
    for ind in indicators:
        values = [
            format_value(v, unit=ind.unit, lang=lang, decimals=ind.decimals)
            for v in areas[ind.key].to_list()
        ]
        flags = areas.get(f"{ind.key}_suppressed")
        flags = None if flags is None else flags.fillna(False).astype(bool)
        shown.append(_hidden(values, flags, label))
    for layer in layers:
        if "values" in layer.extra:
            unit, places = layer.extra["unit"], layer.extra["decimals"]
            shown.append(
                [
                    format_change(v, unit=unit, lang=lang, decimals=places)
                    for v in layer.extra["values"].to_list()
                ]
            )
    classes = []
    for layer in layers:
        codes = [
            0 if c is None else c for c in _optional(layer.classification.classes, int)
        ]
        flags = layer.extra.get("suppressed")
        classes.append(
            codes
            if flags is None
            else [-1 if h else c for c, h in zip(codes, flags, strict=True)]
        )
    ids = [str(v) for v in areas["area_id"].to_list()]
    names = [
        str(n) if pd.notna(n) else i
        for n, i in zip(areas["area_name"], ids, strict=True)
    ]
    places = ["" if pd.isna(v) else str(v) for v in areas["area_place"].to_list()]
    return [
        {
            "id": i,
            "name": name,
            "place": place,
            "s": None if s is None else round(s, 3),
            "r": r,
            "c": list(c),
            "f": list(f),
            "lp": [float(k), 1.0],
        }
        for k, (i, name, place, s, r, c, f) in enumerate(
            zip(
                ids,
                names,
                places,
                score,
                rank,
                zip(*classes, strict=True),
                zip(*shown, strict=True),
                strict=True,
            )
        )
    ]


@pytest.fixture
def messy_areas() -> gpd.GeoDataFrame:
    n = 12
    rng = np.random.default_rng(5)
    score = rng.uniform(0, 100, n).round(4)
    score[[2, 7]] = np.nan
    score[3] = 20.0005  # a tie at 3 decimals in decimal, not in binary
    rate = rng.uniform(-5, 40, n)
    rate[[1, 4]] = [np.nan, -0.004]
    later = rate + rng.uniform(-2, 2, n)
    later[[0, 5]] = [np.nan, rate[5] + 0.001]
    people = pd.array(rng.integers(0, 3_000_000, n), dtype="Int64")
    people[6] = pd.NA
    return gpd.GeoDataFrame(
        {
            "area_id": pd.array([f"36.{i:02d}" for i in range(n)], dtype="string"),
            "area_name": pd.array(["A", None] + ["N"] * (n - 2), dtype="string"),
            "area_place": pd.array([None, "Kab. X"] * (n // 2), dtype="string"),
            "priority_score": score,
            "priority_rank": pd.Series(score).rank(ascending=False).astype("Int64"),
            "rate21": rate,
            "rate22": later,
            "rate22_suppressed": [False, True] + [False] * (n - 2),
            "people": people,
        },
        geometry=squares(n, origin=(106.0, -6.5), size=0.1),
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_area_rows_equal_the_cell_by_cell_rows(messy_areas, lang: str):
    c = classify_scores(messy_areas["priority_score"], scheme="quantiles", k=4)
    areas = messy_areas.assign(priority_class=c.classes)
    indicators = [
        IndicatorConfig(key="rate21", source="r", year=2021, unit="%", label="R"),
        IndicatorConfig(key="rate22", source="r", year=2022, unit="%", label="R"),
        IndicatorConfig(key="people", unit="jiwa", score=False, label="P"),
    ]
    layers = spec.map_layers(areas, c, indicators, lang=lang)
    assert any("values" in layer.extra for layer in layers)  # a change layer
    points = [(float(k), 1.0) for k in range(len(areas))]
    rows = area_data.properties(areas, layers, indicators, points, lang, 10)
    expected = _cell_by_cell(areas, layers, indicators, lang, 10)
    assert rows == expected
    assert [[type(v) for v in r.values()] for r in rows] == [
        [type(v) for v in r.values()] for r in expected
    ]
    assert rows[1]["name"] == "36.01" and rows[0]["place"] == ""
    assert rows[1]["f"][4] == text("suppressed", lang).format(threshold=10)


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_packed_rows_are_the_json_of_the_rows(messy_areas, lang: str):
    areas = messy_areas.assign(
        area_name=pd.array(
            ['Say "hi"', None, "back\\slash", "new\nline", "tab\t", "\x01", "é—ü",
             "😀", "</script>", "", "N", "N"],
            dtype="string",
        )
    )  # fmt: skip
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=4)
    areas = areas.assign(priority_class=c.classes)
    indicators = [IndicatorConfig(key="people", unit="jiwa", label="P")]
    layers = spec.map_layers(areas, c, indicators, lang=lang)
    for points in (None, [(float(k), -6.5) if k % 3 else None for k in range(12)]):
        args = (areas, layers, indicators, points, lang, 10)
        rows = area_data.properties(*args)
        packed = area_data.properties(*args, packed=True)
        assert packed.json_bytes() == _dumps(rows)
        assert list(packed) == rows and len(packed) == len(rows)


def test_packed_rows_write_every_kind_of_value_as_json_does():
    columns = {
        "id": ["a", "b", "c"],
        "name": ["x", 'q"uote', "\u2028"],
        "place": ["", "Kab. X", ""],
        "s": [float("inf"), None, -0.0],
        "r": [None, 3, True],
    }
    classes = np.array([[1, -1], [0, 12], [5, 2]])
    shown = [["1,0", "tidak ada data", "\\"], [None, "x", 2.5]]
    extras = {
        "rb": [{"m": 1, "line": "é"}, None, {}],
        "sb": ["", 'sebagian; "x"', None],
    }
    points = [(1.5, 2.0), None, [3, 4]]
    rows = area_rows(columns, classes, shown, points, extras)
    packed = packed_rows(columns, classes, shown, points, extras)
    assert packed.json_bytes() == _dumps(rows)
    empty = {key: [] for key in columns}
    assert packed_rows(empty, np.zeros((0, 2), int), [], None, {}).json_bytes() == b"[]"


def test_pack_json_puts_packed_rows_in_as_their_json():
    rows = [{"id": "1", "name": "A", "f": ["é"]}, {"id": "2", "name": 'B "b"'}]
    packed = PackedRows(_dumps(rows), len(rows))
    small = [{"id": "9"}]
    assert pack_json([packed, small]) == pack_json([rows, small])
    assert pack_json([packed]) == pack_json([rows])
