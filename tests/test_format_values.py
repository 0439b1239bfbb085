"""A column of map values formats as its values one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_priority.render.i18n import format_value, format_values

CELLS = [
    2, 9.27, 1234567, -0.004, 0.0, float("nan"), None, pd.NA, np.float64(3.5),
    np.float64("nan"), np.int64(7), True, "12,5", "x", 1e21, -1234.5678,
]  # fmt: skip


@pytest.mark.parametrize("unit", ["", "%", "jiwa", "KK", "indeks"])
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("decimals", [None, 0, 1, 3])
def test_a_column_formats_as_each_value(
    unit: str, lang: str, decimals: int | None
) -> None:
    rng = np.random.default_rng(3)
    cells = [*CELLS, *(rng.beta(2, 8, 300) * 100).round(4).tolist()]
    expected = [format_value(v, unit=unit, lang=lang, decimals=decimals) for v in cells]
    assert format_values(cells, unit=unit, lang=lang, decimals=decimals) == expected
