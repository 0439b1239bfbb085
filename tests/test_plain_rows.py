"""Rows matched by their code alone, kept column-wise, join as row by row.

:func:`~geo_priority.matching.match_codes` keeps plain rows (a canonical code
of an area, no name, nothing repaired) without a Match each; every result of
the join (report entries and notes, warnings, values) must be what the
row-by-row steps give, which the test gets by turning the plain lane off.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

from geo_priority import matching
from geo_priority.harmonise import join_indicators, prepare_boundaries
from geo_priority.match_records import PlainRows


def _areas(codes: list[str]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {"kode": codes, "nama": [f"Desa {i}" for i in range(len(codes))]},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
        crs="EPSG:3857",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # codes outside the reference edition
        return prepare_boundaries(gdf, code_column="kode", name_column="nama")


DESA = [f"36.01.01.{2000 + i}" for i in range(1, 13)]
KAB = ["36.01", "36.02", "36.03", "36.71", "36.72"]

CASES = {
    "plain, repeated, repaired, other level, blank, unknown": (
        DESA,
        {
            "kode": [
                *DESA[:8],
                DESA[0],
                f" {DESA[8]} ",
                "36.01.01",
                None,
                "x",
                DESA[9],
            ],
            "v": [*range(8), 80, 81, 82, 83, 84, 85],
        },
        {"code_column": "kode"},
    ),
    "wrong code system (plain rows doubted too)": (
        DESA,
        {
            "kode": [DESA[0], DESA[1], "3601010003", "3601010004", "3601010005"],
            "v": [1, 2, 3, 4, 5],
        },
        {"code_column": "kode", "code_system": "kemendagri"},
    ),
    "counts of repeated rows": (
        DESA,
        {"kode": [DESA[0], DESA[0], DESA[1], DESA[2]], "n": [1, 2, 3, 4]},
        {"code_column": "kode", "counts": ["n"]},
    ),
    "names, doubt accepted, a name on a plain area": (
        KAB,
        {
            "kode": ["36.01", None, "36.03", "36.71", None],
            "nama": [None, "Desa 1", None, "Desa 3", "Desa 4x"],
            "v": [1, 2, 3, 4, 5],
        },
        {"code_column": "kode", "name_column": "nama", "accept_all_doubtful": True},
    ),
    "a parent column": (
        KAB,
        {"kode": ["36.01", "36.02"], "prov": ["36", None], "v": [1, 2]},
        {"code_column": "kode", "parent_column": "prov"},
    ),
}


def _join(case: str) -> tuple[object, ...]:
    codes, table, keywords = CASES[case]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        joined, report = join_indicators(_areas(codes), pd.DataFrame(table), **keywords)
    return (
        joined.drop(columns="geometry"),
        report.entries,
        report.notes,
        report.summary(),
        [f"{w.category.__name__}: {w.message}" for w in caught],
    )


@pytest.mark.parametrize("case", list(CASES))
def test_plain_rows_join_as_row_by_row(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _join(case)
    plain = matching._plain_rows
    seen: list[int] = []

    def counted(*args: object) -> PlainRows:
        found = plain(*args)  # type: ignore[arg-type]
        seen.append(len(found))
        return found

    monkeypatch.setattr(matching, "_plain_rows", counted)
    assert _join(case)[3] == fast[3]
    assert seen and seen[0] > 0  # the case has plain rows
    monkeypatch.setattr(matching, "_plain_rows", lambda *args: PlainRows())
    slow = _join(case)
    pd.testing.assert_frame_equal(fast[0], slow[0])  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(fast[1], slow[1])  # type: ignore[arg-type]
    assert fast[2:] == slow[2:]
