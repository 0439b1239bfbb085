"""The rows a citation counts as joined are the rows pandas' isin finds.

:func:`geo_priority.citations._joined_rows` tests a cell's text against the
joined codes and names with a Python set instead of pandas' ``isin`` (slow on
Arrow text); the rows must be the same, whatever the columns hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_priority.citations import _joined_rows
from geo_priority.config import TableConfig
from geo_priority.schema import (
    DOUBTFUL,
    JOIN_REPORT_COLUMNS,
    MATCHED,
    MATCHED_NAME,
    JoinReport,
)


def _isin_rows(
    frame: pd.DataFrame, spec: TableConfig, report: JoinReport
) -> pd.DataFrame:
    """The rows as pandas' isin selects them (the code before the set test)."""
    entries = report.entries
    joined = entries["status"].isin((MATCHED, MATCHED_NAME, DOUBTFUL))
    mine = entries[(entries["table"] == spec.label) & joined]
    keep = pd.Series(False, index=frame.index)
    if spec.code_column and spec.code_column in frame:
        codes = set(mine["row_code"].dropna().astype(str))
        keep |= frame[spec.code_column].astype(str).isin(codes)
    if spec.name_column and spec.name_column in frame:
        coded = mine["row_code"].notna()
        names = set(mine.loc[~coded, "row_name"].dropna().astype(str))
        keep |= frame[spec.name_column].astype(str).isin(names)
    return frame[keep]


def _report(rows: list[tuple[str, str, object, object]]) -> JoinReport:
    entries = pd.DataFrame(
        [
            {"status": s, "table": t, "row_code": c, "row_name": n}
            for s, t, c, n in rows
        ],
        columns=list(JOIN_REPORT_COLUMNS),
    )
    return JoinReport(entries, n_areas=len(rows), n_rows=len(rows))


CODES: dict[str, list[object]] = {
    "text": ["36.01", "36.02", None, "36.03", " 36.01", "nan", "36.01"],
    "numbers": [3601, 3602, 3603, 3601, 3604, 3605, 3601],
    "floats": [3601.0, np.nan, 3603.0, 3601.5, 3604.0, 3605.0, 1.0],
    "mixed": ["36.01", 3602, np.nan, True, "3603", pd.NA, 3601.0],
}
NAMES = ["Lebak", "lebak", None, "Serang", "Kota Serang", "", "Lebak"]


@pytest.mark.parametrize("kind", sorted(CODES))
@pytest.mark.parametrize("arrow", [False, True])
def test_joined_rows_are_the_rows_isin_finds(kind: str, arrow: bool) -> None:
    codes = CODES[kind]
    frame = pd.DataFrame(
        {"kode": pd.Series(codes, dtype=object), "nama": NAMES, "v": range(7)},
        index=[5, 3, 3, 9, 1, 0, 2],  # repeated labels: rows kept by position
    )
    if arrow and kind == "text":
        frame["kode"] = frame["kode"].astype("string[pyarrow]")
    report = _report(
        [
            (MATCHED, "t", "36.01", "Lebak"),
            (MATCHED, "t", "3601", None),
            (MATCHED, "t", "3603.0", None),
            (MATCHED, "t", "True", None),
            (DOUBTFUL, "t", None, "Serang"),
            (MATCHED_NAME, "t", np.nan, "lebak"),
            ("unmatched", "t", "36.02", "Kota Serang"),
            (MATCHED, "other", "3602", "Kota Serang"),
            (MATCHED, "t", "nan", None),
        ]
    )
    for spec in (
        TableConfig(label="t", code_column="kode"),
        TableConfig(label="t", name_column="nama"),
        TableConfig(label="t", code_column="kode", name_column="nama"),
        TableConfig(label="t", code_column="absent", name_column="nama"),
    ):
        got = _joined_rows(frame, spec, report)
        want = _isin_rows(frame, spec, report)
        pd.testing.assert_frame_equal(got, want)
        assert 0 < len(got) < len(frame)


def test_nothing_joined_keeps_no_row() -> None:
    frame = pd.DataFrame({"kode": ["36.01", None]})
    report = _report([("unmatched", "t", "36.01", None)])
    got = _joined_rows(frame, TableConfig(label="t", code_column="kode"), report)
    assert got.empty
    pd.testing.assert_frame_equal(got, frame.iloc[0:0])
