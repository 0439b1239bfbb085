"""The quick reading of wide tables gives what the full reading gives.

Columns of plain integers and columns holding a cell without any digit are
told apart in one pyarrow pass (:func:`geo_priority.io.numbers._quick_kind`);
every other column goes through the decimal-mark evidence. The result, the
decimal marks and the fallback mark must not change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_priority.io import numbers

COLUMNS = {
    "counts": ["159", "46", None, "-3", "+7"],
    "flags": ["False", "True", "False", None, "True"],
    "id_rate": ["12,5", "3,25", "7", None, "1.234,5"],
    "ambiguous": ["1.234", "2.000", None, "15", "9"],
    "mixed": ["12", "n/a", "3", "4", "5"],
    "percent": ["5%", "7%", "9%", None, "1%"],
    "spaces": ["12 ", "3", "4", "5", "6"],
    "empty": [None, None, None, None, None],
}


def _full(frame: pd.DataFrame, default: numbers.DecimalMark):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(numbers, "_quick_kind", lambda series: None)
        return numbers.convert_values(frame, list(frame.columns), default)


@pytest.mark.parametrize("default", [",", "."])
def test_quick_and_full_readings_agree(default: numbers.DecimalMark) -> None:
    frame = pd.DataFrame(COLUMNS, dtype=object)
    quick, quick_marks = numbers.convert_values(frame, list(frame.columns), default)
    full, full_marks = _full(frame, default)
    assert list(quick) == list(full)
    for col in full:
        pd.testing.assert_series_equal(quick[col], full[col])
    assert quick_marks == full_marks


def test_integer_columns_take_the_mark_the_others_prove() -> None:
    frame = pd.DataFrame({k: COLUMNS[k] for k in ("counts", "id_rate")}, dtype=object)
    values, marks = numbers.convert_values(frame, list(frame.columns), ".")
    assert marks == {"id_rate": ",", "counts": ","}
    assert values["counts"].tolist()[:2] == [159.0, 46.0]
    assert np.isnan(values["counts"].iloc[2])
    assert values["id_rate"].tolist()[4] == 1234.5


def test_quick_kinds() -> None:
    kind = numbers._quick_kind
    assert kind(pd.Series(["1", "-2", None], dtype=object)) == "integers"
    assert kind(pd.Series(["1", "True"], dtype=object)) == "text"
    assert kind(pd.Series(["1,5", "2"], dtype=object)) is None
    assert kind(pd.Series([1.5, "2"], dtype=object)) is None  # a real number
    assert kind(pd.Series([None, None], dtype=object)) is None
