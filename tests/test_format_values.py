"""A column of map values formats as written here, cell by cell.

``format_value`` is ``format_values`` of one cell, so the expectations are
spelled out (taken from the per-value formatting before the two were one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_priority.render.i18n import format_value, format_values

CELLS = [
    2, 9.27, 1234567, -0.004, 0.0, float("nan"), None, pd.NA, np.float64(3.5),
    np.float64("nan"), np.int64(7), True, "12,5", "x", 1e21, -1234.5678,
]  # fmt: skip

EXPECTED = {
    ("%", "id", None): [
        "2,00%", "9,27%", "1.234.567,00%", "0,00%", "0,00%", "tidak ada data",
        "tidak ada data", "tidak ada data", "3,50%", "tidak ada data", "7,00%", "1,00%",
        "12,5", "x", "1.000.000.000.000.000.000.000,00%", "-1.234,57%",
    ],
    ("jiwa", "en", None): [
        "2 persons", "9 persons", "1,234,567 persons", "0 persons", "0 persons",
        "no data", "no data", "no data", "4 persons", "no data", "7 persons",
        "1 persons", "12,5", "x", "1,000,000,000,000,000,000,000 persons",
        "-1,235 persons",
    ],
    ("indeks", "id", 3): [
        "2,000 indeks", "9,270 indeks", "1.234.567,000 indeks", "-0,004 indeks",
        "0,000 indeks", "tidak ada data", "tidak ada data", "tidak ada data",
        "3,500 indeks", "tidak ada data", "7,000 indeks", "1,000 indeks", "12,5", "x",
        "1.000.000.000.000.000.000.000,000 indeks", "-1.234,568 indeks",
    ],
}  # fmt: skip


@pytest.mark.parametrize(("unit", "lang", "decimals"), list(EXPECTED))
def test_a_column_formats_as_written(unit: str, lang: str, decimals: int | None):
    expected = EXPECTED[unit, lang, decimals]
    assert format_values(CELLS, unit=unit, lang=lang, decimals=decimals) == expected
    one_by_one = [
        format_value(v, unit=unit, lang=lang, decimals=decimals) for v in CELLS
    ]
    assert one_by_one == expected


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pandas_missing_markers_read_as_no_data(lang: str):
    """pd.NA and pd.NaT (nullable and datetime columns) never show as '<NA>'/'NaT'."""
    shown = format_values([pd.NA, pd.NaT], unit="jiwa", lang=lang)
    assert shown == [format_values([None], lang=lang)[0]] * 2
    assert not {"<NA>", "NaT"} & set(shown)
