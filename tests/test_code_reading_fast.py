"""Reading a column of codes at once reads each cell as read_code reads it.

The canonical cells of a column are matched by Arrow's regular expressions
(:func:`geo_priority.codes.column._canonical_mask`), a column's rows are read
once per system and language, and a boundary layer's names are listed whole
(:func:`geo_priority.area_keys.with_keys`); none of it may change a reading,
an error or a name.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from geo_priority.area_keys import with_keys
from geo_priority.codes import CodeColumn, ParsedCode
from geo_priority.codes import column as column_module
from geo_priority.codes.parse import read_code
from geo_priority.errors import CodeError
from geo_priority.messages import use_language
from geo_priority.schema import NAME

#: Text whose reading depends on what an anchor or a digit class matches.
EDGES = [
    "36\n",
    "\n36",
    "36.01\n",
    "3601\n",
    "36\r",
    "36.01.01.2001\n",
    "\u0663\u0666",  # Arabic-Indic digits: not [0-9]
    "\uff13\uff16",  # full-width digits
    "36.01\u0660",
    "36.00",
    "36.000",
    "36.00\n",
    "3600",
    "360",
    "36.01.01.20010",
    "36.01.01.2001",
    "3601010001",
    "3601010",
    "00",
    "",
    ".",
    "36.",
    "36.01.",
    "36..01",
]


def _slow(value: object, system: str) -> ParsedCode | str:
    try:
        return read_code(value, system).parsed  # type: ignore[arg-type]
    except CodeError as err:
        return str(err)


@pytest.mark.parametrize("system", ["kemendagri", "bps"])
def test_column_wise_match_is_the_cell_by_cell_match(system: str) -> None:
    got = column_module._canonical_mask(EDGES, system)  # type: ignore[arg-type]
    want = [column_module._as_written(v, system) is not None for v in EDGES]  # type: ignore[arg-type]
    assert got.tolist() == want
    assert any(want) and not all(want)
    written = column_module._as_written_all(EDGES, system)  # type: ignore[arg-type]
    assert written == [column_module._as_written(v, system) for v in EDGES]  # type: ignore[arg-type]


@pytest.mark.parametrize("system", ["kemendagri", "bps"])
def test_text_arrow_cannot_hold_is_matched_cell_by_cell(system: str) -> None:
    values = ["36", "36.01", "3601", "36\udc80", "\ud800"]
    got = column_module._canonical_mask(values, system)  # type: ignore[arg-type]
    assert got.tolist() == [
        column_module._as_written(v, system) is not None  # type: ignore[arg-type]
        for v in values
    ]
    assert got.tolist()[3:] == [False, False]


@pytest.mark.parametrize("system", ["kemendagri", "bps"])
def test_columns_with_edges_read_as_read_code_reads_them(system: str) -> None:
    values = [*EDGES, "36.01", "3601", *EDGES]
    parsed = CodeColumn(values).parse(system)  # type: ignore[arg-type]
    got = [str(r) if isinstance(r, CodeError) else r for r in parsed]
    assert got == [_slow(v, system) for v in values]
    assert CodeColumn(values).unreadable(system) == [  # type: ignore[arg-type]
        v for v in values if isinstance(_slow(v, system), str)
    ]


def test_every_row_readable_has_no_unreadable_cell() -> None:
    column = CodeColumn(["36.01", "36.02", "36.01"])
    assert column.unreadable("kemendagri") == []
    assert [c.code for c in column.codes("kemendagri")] == ["36.01", "36.02", "36.01"]


def test_rows_read_again_are_the_same_rows() -> None:
    column = CodeColumn(["36.01", "36.0x", " 36.02", "36.0x"])
    first = column.parse("kemendagri")
    again = column.parse("kemendagri")
    again[0] = first[1]  # the caller's list; the column's rows are unchanged
    assert column.parse("kemendagri") == first
    assert first[0] == ParsedCode("36.01", "kemendagri", "kabkota")
    assert first[2] == ParsedCode("36.02", "kemendagri", "kabkota")
    assert str(first[1]) == str(first[3]) == _slow("36.0x", "kemendagri")
    assert [c.code for c in CodeColumn(["36.01", " 36.02"]).codes("kemendagri")] == [
        "36.01",
        "36.02",
    ]


def test_a_new_column_reads_errors_in_the_active_language() -> None:
    with use_language("en"):
        english = CodeColumn(["36.0x", "36.01"]).parse("kemendagri")[0]
        assert str(english) == _slow("36.0x", "kemendagri")
    with use_language("id"):
        indonesian = CodeColumn(["36.0x", "36.01"]).parse("kemendagri")[0]
        assert str(indonesian) == _slow("36.0x", "kemendagri")
    assert str(english) != str(indonesian)


NAMES: dict[str, pd.Series] = {
    "str": pd.Series(["Lebak", None, "Serang", np.nan], dtype="str"),
    "string": pd.Series(["Lebak", None, "Serang", "x"], dtype="string"),
    "object": pd.Series(["Lebak", None, 3, 2.5], dtype=object),
    "int": pd.Series([1, 2, 3, 4]),
    "float": pd.Series([1.0, np.nan, 2.5, 4.0]),
    "Int64": pd.Series([1, None, 3, 4], dtype="Int64"),
    "category": pd.Series(["Lebak", None, "Serang", "Lebak"], dtype="category"),
    "bool": pd.Series([True, False, True, True]),
}


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_names_listed_whole_are_the_names_iterated(kind: str) -> None:
    gdf = gpd.GeoDataFrame(
        {"kode": ["36.01", "36.02", "36.03", "36.04"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        crs="EPSG:4326",
    )
    codes = CodeColumn(gdf["kode"]).codes("kemendagri")
    names = NAMES[kind]
    got = with_keys(gdf, codes, names, "kabkota")[NAME]
    want = pd.array(list(names), dtype="string")  # one cell at a time
    assert got.array.equals(want)
    as_list = with_keys(gdf, codes, list(names), "kabkota")[NAME]
    assert as_list.array.equals(want)


def _slow_vote(value: object) -> str | None:
    """The system an auto-mode reading of ``value`` points to (None: neutral)."""
    try:
        reading = read_code(value, "auto")
    except CodeError:
        return None
    return None if reading.neutral else reading.parsed.system


def _slow_detect(values: list[object]) -> str | None:
    votes = {_slow_vote(v) for v in values} - {None}
    return votes.pop() if len(votes) == 1 else None


def test_canonical_text_votes_as_an_auto_reading_votes() -> None:
    from geo_priority import regions

    base, desa = regions._reference_table()
    dotted = [*list(base)[::4], *list(desa)[::100]]  # every level, every province
    values = [
        *dotted,
        *(c.replace(".", "") for c in dotted),
        *EDGES,
        "3601140",
        "id3601",
        " 36.01",
        "360114",
        "3.601140003E+09",
    ]
    for value in dict.fromkeys(values):
        votes: set[str] = set()
        rest = column_module._votes_as_written([value], votes)  # type: ignore[arg-type]
        if rest:  # read in full by detect_system
            assert rest == [value]
            continue
        assert votes == ({_slow_vote(value)} - {None}), value


@pytest.mark.parametrize(
    "values",
    [
        ["36.01", "36.02", "36.01"],
        ["3601", "3602"],
        ["3601140", "3601", "36"],
        ["36.01", "3601140"],
        ["36.01", " 3601140 "],
        ["3601140003", "3601140004"],
        ["36.01", "bad", ""],
        ["1101", "36", "36.00", "3600"],
        ["id3601", "3601"],
        [" 36.01.14", "36"],
        ["360114", "3601"],
        ["36\n", "36.01\n"],
    ],
)
def test_a_column_detects_the_system_its_cells_point_to(values: list[object]) -> None:
    assert CodeColumn(values).detect_system() == _slow_detect(values)
    assert CodeColumn([*values, 3601]).detect_system() == _slow_detect([*values, 3601])


@pytest.mark.parametrize("system", ["kemendagri", "bps"])
def test_parents_of_one_level_are_what_parent_cuts(system: str) -> None:
    from geo_priority import regions
    from geo_priority.codes import parent_codes
    from geo_priority.schema import LEVELS

    base, desa = regions._reference_table()
    texts = [*list(base)[::3], *list(desa)[::20]]
    if system == "bps":
        texts = [t.replace(".", "") for t in texts if len(t.replace(".", "")) != 6]
    codes = CodeColumn(texts).codes(system)  # type: ignore[arg-type]
    for own in LEVELS:
        same = [c for c in codes if c.level == own]
        for level in LEVELS[: LEVELS.index(own) + 1]:
            want = [c.parent(level).code for c in same]  # type: ignore[arg-type]
            assert parent_codes(same, level) == want, (system, own, level)  # type: ignore[arg-type]
            assert same == [] or len(set(want)) > 1 or level == "provinsi"
        if own != "provinsi":
            with pytest.raises(CodeError):
                parent_codes([*same, codes[0]], LEVELS[LEVELS.index(own)])
