"""Data-quality report of an ingestion: counts per problem, source and area.

The engine produces the long table (file, sumber, kode_kab, problem,
severity, rows, example); example values are masked (first 4 characters kept,
later digits replaced by ``x``), so the report holds no NIK.

Examples
--------
>>> q = pd.DataFrame({"file": ["a.csv"], "sumber": ["P3KE"], "kode_kab": ["3601"],
...                   "problem": ["nik_missing"], "severity": ["rejected"],
...                   "rows": [3], "example": [None]})
>>> summarise(q)["nik_missing"]
3
"""

from __future__ import annotations

import re

import pandas as pd

from geo_priority.errors import SchemaError

__all__ = ["assert_no_nik", "by_severity", "summarise"]

#: Severities in the order a summary lists them.
SEVERITIES: tuple[str, ...] = ("rejected", "dropped", "deduplicated", "warning", "info")

_RUN = re.compile(r"\d{16}")


def summarise(quality: pd.DataFrame) -> dict[str, int]:
    """Return total rows per problem over all files and areas."""
    return {str(k): int(v) for k, v in quality.groupby("problem")["rows"].sum().items()}


def by_severity(quality: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Rows per file and severity (files as rows, severities as columns).

    ``rejected`` counts persons whose NIK was refused (they are still counted,
    without a token); ``dropped`` persons left out (unknown region code);
    ``deduplicated`` persons kept from a more trusted source instead.

    Examples
    --------
    >>> q = pd.DataFrame({"file": ["a.csv", "a.csv"], "severity": ["rejected"] * 2,
    ...                   "rows": [3, 4]})
    >>> by_severity(q, pd.DataFrame({"file": ["a.csv", "b.csv"]}))["rejected"].tolist()
    [7, 0]
    """
    table = quality.pivot_table(
        index="file", columns="severity", values="rows", aggfunc="sum", fill_value=0
    )
    table = table.reindex(index=sources["file"], columns=list(SEVERITIES), fill_value=0)
    return table.fillna(0).astype("int64")


def assert_no_nik(frame: pd.DataFrame, *, what: str) -> None:
    """Raise if any text cell of ``frame`` holds a run of 16 digits.

    A last guard before anything is written.

    Raises
    ------
    SchemaError
        Naming the column, never the value.
    """
    for column in frame.columns:
        if frame[column].dtype.kind in "biuf":
            continue
        text = frame[column].astype("string")
        if text.str.contains(_RUN, na=False).any():
            raise SchemaError(
                f"refusing to write {what}: column {column!r} holds a 16-digit "
                "number that could be a NIK. This is a bug; please report it."
            )
