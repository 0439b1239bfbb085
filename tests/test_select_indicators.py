"""A wide table's indicators put side by side give the frame the merges gave.

``select_indicators`` used to merge every indicator's column on the table's
keys; when every row of the table has its own keys and an indicator keeps
every row in order, the columns are now put beside the keys instead
(national desa: 0.21 -> 0.06 CPU-s). These compare both paths, cell for
cell and dtype for dtype, on the kinds of wide table a planner brings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_priority import indicators
from geo_priority.config import IndicatorConfig, TableConfig
from geo_priority.errors import SchemaError
from geo_priority.indicators import select_indicators


def _merged(
    table: pd.DataFrame, spec: TableConfig, wanted: list[IndicatorConfig]
) -> tuple[pd.DataFrame, list[str]]:
    """``select_indicators`` by merges only (the path before)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indicators, "_row_by_row", lambda *args: False)
        return select_indicators(table, spec, wanted)


def _both(
    table: pd.DataFrame, spec: TableConfig, wanted: list[IndicatorConfig]
) -> pd.DataFrame:
    wide, found = select_indicators(table, spec, wanted)
    merged, found_merged = _merged(table, spec, wanted)
    pd.testing.assert_frame_equal(wide, merged, check_exact=True)
    assert found == found_merged
    return wide


CODES = ["36.01.01.2001", "36.01.01.2002", "36.01.02.2001", "36.01.02.2002"]


@pytest.mark.parametrize(
    "index", [None, [7, 3, 5, 1], ["a", "b", "c", "d"]], ids=["range", "ints", "text"]
)
def test_a_wide_table_gives_the_merged_frame(index: list[object] | None) -> None:
    table = pd.DataFrame(
        {
            "kode": pd.array(CODES, dtype="string"),
            "nama": ["Sumur", "Cigorondong", "Cimanggu", "Tangkilsari"],
            "p0": ["9,5", "", "12.25", "tidak ada"],  # text as read, a blank
            "miskin": [120, 45, np.nan, 3],
            "miskin_suppressed": ["false", "true", "0", "1"],
        },
        index=index,
    )
    spec = TableConfig(path="t.csv", code_column="kode", name_column="nama")
    wanted = [
        IndicatorConfig(key="p0"),
        IndicatorConfig(key="jiwa", source="miskin"),
        IndicatorConfig(key="absen", source="tidak_ada"),
    ]
    wide = _both(table, spec, wanted)
    assert list(wide.columns) == ["kode", "nama", "p0", "jiwa", "jiwa_suppressed"]
    assert wide["jiwa_suppressed"].tolist() == [False, True, False, True]
    assert isinstance(wide.index, pd.RangeIndex)


def test_a_year_column_with_one_year_and_a_missing_code() -> None:
    table = pd.DataFrame(
        {"kode": [CODES[0], None, CODES[2]], "tahun": ["2024"] * 3, "p0": [1.0, 2, 3]}
    )
    spec = TableConfig(path="t.csv", code_column="kode")
    wide = _both(table, spec, [IndicatorConfig(key="p0")])
    assert wide["p0"].tolist() == [1.0, 2.0, 3.0]


def test_a_chosen_year_keeps_only_its_rows_by_merge() -> None:
    table = pd.DataFrame(
        {
            "kode": [CODES[0], CODES[0], CODES[1]],
            "tahun": ["2023", "2024", "2024"],
            "p0": [1.0, 2.0, 3.0],
        }
    )
    spec = TableConfig(path="t.csv", code_column="kode")
    wide = _both(table, spec, [IndicatorConfig(key="p0", year=2024)])
    assert wide.to_dict("records") == [
        {"kode": CODES[0], "p0": 2.0},
        {"kode": CODES[1], "p0": 3.0},
    ]


def test_repeated_keys_are_still_refused() -> None:
    table = pd.DataFrame({"kode": [CODES[0], CODES[0]], "p0": [1.0, 2.0]})
    spec = TableConfig(path="t.csv", code_column="kode")
    with pytest.raises(SchemaError, match=r"36\.01\.01\.2001"):
        select_indicators(table, spec, [IndicatorConfig(key="p0")])
