"""Unit tests for geo_priority.harmonise on tiny in-code layers."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Polygon, box

from geo_priority.errors import (
    CodeError,
    CRSError,
    DoubtfulMatchWarning,
    GeometryError,
    GeometryRepairedWarning,
    JoinError,
    MissingDataWarning,
    SchemaError,
    UnmatchedKeysWarning,
)
from geo_priority.harmonise import (
    N_CHILDREN,
    aggregate_indicators,
    check_same_crs,
    dissolve_to_level,
    join_indicators,
    prepare_boundaries,
)
from geo_priority.messages import use_language
from geo_priority.regions import make_crosswalk
from geo_priority.schema import (
    AMBIGUOUS,
    DOUBTFUL,
    DOUBTFUL_HELD,
    DUPLICATE,
    ID,
    INVALID_CODE,
    JOIN_REPORT_COLUMNS,
    MATCHED,
    MATCHED_NAME,
    NAME,
    OTHER_LEVEL,
    PARENT,
    UNMATCHED_AREA,
    UNMATCHED_ROW,
)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """These tests pin the English templates of the messages (--lang en)."""
    with use_language("en"):
        yield


CRS = "EPSG:3857"
BOWTIE = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])

# Two "kecamatan" of two "desa" each, as a 2x2 grid of unit squares:
#   36.01.01.2002 | 36.01.02.2002      (y 1..2)
#   36.01.01.2001 | 36.01.02.2001      (y 0..1)
#   x 0..1          x 1..2
DESA = ["36.01.01.2001", "36.01.01.2002", "36.01.02.2001", "36.01.02.2002"]
CELLS = [box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1), box(1, 1, 2, 2)]


def squares(codes, *, crs=CRS, **columns) -> gpd.GeoDataFrame:
    """A row of unit squares with the given codes (and extra columns)."""
    geoms = [box(i, 0, i + 1, 1) for i in range(len(codes))]
    return gpd.GeoDataFrame({"kode": codes, **columns}, geometry=geoms, crs=crs)


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": DESA, "nama": ["A", "B", "C", "D"], "pop": [10, 20, 30, 40]},
        geometry=CELLS,
        crs=CRS,
    )


@pytest.fixture
def kab_areas() -> gpd.GeoDataFrame:
    """Kab/kota with the Serang and Tangerang twins, named by the reference."""
    codes = ["36.01", "36.03", "36.04", "36.71", "36.73"]
    return prepare_boundaries(squares(codes), code_column="kode")


def rows(report) -> list[list[object]]:
    """Report entries as lists, with None for missing cells."""
    entries = report.entries.astype(object)
    return entries.where(entries.notna(), None).values.tolist()


def statuses(report) -> dict[str, int]:
    return report.entries["status"].value_counts().to_dict()


# ---------------------------------------------------------- prepare_boundaries


def test_prepare_adds_keys_and_attrs(grid):
    areas = prepare_boundaries(grid, code_column="kode", name_column="nama")
    assert list(areas.columns[:3]) == [ID, NAME, PARENT]
    assert areas[ID].tolist() == DESA
    assert areas[NAME].tolist() == ["A", "B", "C", "D"]
    assert areas[PARENT].tolist() == ["36.01.01", "36.01.01", "36.01.02", "36.01.02"]
    assert str(areas[ID].dtype) == "string"
    assert areas.attrs == {"code_system": "kemendagri", "level": "desa"}
    assert areas.crs == grid.crs
    assert areas["kode"].tolist() == DESA  # original columns are kept
    assert areas["pop"].tolist() == [10, 20, 30, 40]


def test_prepare_names_from_reference_and_parent_missing_at_provinsi():
    areas = prepare_boundaries(
        squares(["3601012001", "3601022001"]),
        code_column="kode",
        code_system="kemendagri",
    )
    assert areas[ID].tolist() == ["36.01.01.2001", "36.01.02.2001"]
    assert areas[NAME].tolist() == ["Sumberjaya", "Rancapinang"]
    prov = prepare_boundaries(
        squares(["36"]), code_column="kode", code_system="kemendagri"
    )
    assert prov[NAME].tolist() == ["Banten"]
    assert prov[PARENT].isna().all()
    assert prov.attrs["level"] == "provinsi"


def test_prepare_bps_pcodes():
    areas = prepare_boundaries(
        squares(["id3601140003", "id3601140004"]), code_column="kode"
    )
    assert areas.attrs == {"code_system": "bps", "level": "desa"}
    assert areas[ID].tolist() == ["3601140003", "3601140004"]
    assert areas[PARENT].tolist() == ["3601140", "3601140"]
    assert areas[NAME].isna().all()  # no reference for BPS desa codes


def test_prepare_bps_kab_names_come_from_reference():
    areas = prepare_boundaries(squares(["id3601", "id3673"]), code_column="kode")
    assert areas[NAME].tolist() == ["Kabupaten Pandeglang", "Kota Serang"]


def test_prepare_missing_code_column_lists_columns(grid):
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"'code' not found.*'kode', 'nama', 'pop'"),
    ):
        prepare_boundaries(grid, code_column="code")


def test_prepare_duplicate_codes():
    gdf = squares(["36.01", "3601", "36.02", "36.02", "36.03"])
    with (
        use_language("en"),
        pytest.raises(
            SchemaError,
            match=r"2 boundary codes.*'36.01 \(2x\)', "
            r"'36.02 \(2x\)'.*boundaries.code_column",
        ),
    ):
        prepare_boundaries(gdf, code_column="kode", code_system="kemendagri")


def test_prepare_mixed_levels():
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"mix levels.*kabkota.*kecamatan"),
    ):
        prepare_boundaries(squares(["36.01", "36.01.01"]), code_column="kode")


def test_prepare_level_must_match(grid):
    with (
        use_language("en"),
        pytest.raises(
            SchemaError, match=r"desa codes .* but boundaries.level = 'kecamatan'"
        ),
    ):
        prepare_boundaries(grid, code_column="kode", level="kecamatan")


def test_prepare_unreadable_codes():
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"2 of 3 codes in 'kode'.*'36.1', 'x'"),
    ):
        prepare_boundaries(squares(["36.01", "36.1", "x"]), code_column="kode")


def test_prepare_undetectable_system_asks_for_code_system():
    gdf = squares(["3601140003", "3601140004"])
    with (
        use_language("en"),
        pytest.raises(
            CodeError, match=r'boundaries.code_system = "kemendagri" or "bps"'
        ),
    ):
        prepare_boundaries(gdf, code_column="kode")
    areas = prepare_boundaries(gdf, code_column="kode", code_system="bps")
    assert areas.attrs["code_system"] == "bps"


def test_prepare_unknown_kemendagri_codes_warn_once():
    gdf = squares(["36.01", "36.98", "36.99"])
    with (
        use_language("en"),
        pytest.warns(
            UnmatchedKeysWarning,
            match=r"2 of 3 area codes are not in "
            r"Kepmendagri 300.2.2-2138/2025: '36.98', '36.99'",
        ) as record,
    ):
        areas = prepare_boundaries(gdf, code_column="kode")
    assert len(record) == 1
    assert areas[NAME].tolist()[0] == "Kabupaten Pandeglang"
    assert areas[NAME].isna().tolist() == [False, True, True]


def test_prepare_missing_crs():
    with (
        use_language("en"),
        pytest.raises(CRSError, match=r"no CRS.*boundaries.crs = "),
    ):
        prepare_boundaries(squares(["36.01"], crs=None), code_column="kode")


@pytest.mark.parametrize("bad", [None, Polygon()], ids=["null", "empty"])
def test_prepare_null_or_empty_geometry_is_an_error(grid, bad):
    grid.loc[2, "geometry"] = bad
    with (
        use_language("en"),
        pytest.raises(
            GeometryError,
            match=r"1 area has a null .*'36.01.02.2001'.*repair it .*boundaries.path",
        ),
    ):
        prepare_boundaries(grid, code_column="kode")


def test_prepare_two_null_geometries_are_counted_in_the_plural(grid):
    grid.loc[1, "geometry"] = None
    grid.loc[2, "geometry"] = None
    with (
        use_language("en"),
        pytest.raises(GeometryError, match=r"^2 areas have a null .*repair them"),
    ):
        prepare_boundaries(grid, code_column="kode")


def test_prepare_drop_empty_warns_and_drops(grid):
    grid.loc[1, "geometry"] = None
    grid.loc[3, "geometry"] = Polygon()
    with (
        use_language("en"),
        pytest.warns(GeometryRepairedWarning, match=r"dropped 2 areas") as record,
    ):
        areas = prepare_boundaries(grid, code_column="kode", drop_empty=True)
    assert len(record) == 1
    assert areas[ID].tolist() == ["36.01.01.2001", "36.01.02.2001"]
    assert areas.index.tolist() == [0, 2]  # the input's row labels are kept


def test_prepare_repairs_invalid_geometry_with_one_warning(grid):
    grid.loc[0, "geometry"] = BOWTIE
    grid.loc[3, "geometry"] = gpd.GeoSeries([BOWTIE]).translate(1, 1).iloc[0]
    with (
        use_language("en"),
        pytest.warns(GeometryRepairedWarning, match=r"repaired 2 invalid") as record,
    ):
        areas = prepare_boundaries(grid, code_column="kode")
    assert len(record) == 1
    assert areas.is_valid.all()
    assert areas.geom_type.tolist()[0] == "MultiPolygon"
    np.testing.assert_allclose(areas.area, [0.5, 1.0, 1.0, 0.5])


def test_prepare_keeps_the_input_index(grid):
    grid.index = ["a", "b", "c", "d"]
    areas = prepare_boundaries(grid, code_column="kode")
    assert areas.index.tolist() == ["a", "b", "c", "d"]
    assert areas.loc["c", ID] == "36.01.02.2001"


def test_prepare_rejects_non_polygons():
    gdf = gpd.GeoDataFrame(
        {"kode": ["36.01"]}, geometry=gpd.points_from_xy([0], [0]), crs=CRS
    )
    with (
        use_language("en"),
        pytest.raises(
            GeometryError, match=r"^1 area is not a polygon: '36.01 \(Point\)'"
        ),
    ):
        prepare_boundaries(gdf, code_column="kode")


# -------------------------------------------------------------- check_same_crs


def test_check_same_crs_passes_and_names_both_crs():
    a, b = squares(["36.01"]), squares(["36.01"], crs="EPSG:4326")
    check_same_crs(a, a.copy(), names=["desa", "kecamatan"])
    with (
        use_language("en"),
        pytest.raises(CRSError, match=r"'desa' \(EPSG:3857\) and 'kab' \(EPSG:4326\)"),
    ):
        check_same_crs(a, b, names=["desa", "kab"])
    with use_language("en"), pytest.raises(CRSError, match=r"'layer 2' have no CRS"):
        check_same_crs(a, squares(["36.01"], crs=None))


# ----------------------------------------------------------- dissolve_to_level


def test_dissolve_desa_to_kecamatan_and_kabkota(grid):
    areas = prepare_boundaries(grid, code_column="kode")
    kec = dissolve_to_level(areas, level="kecamatan")
    assert list(kec.columns) == [ID, NAME, PARENT, N_CHILDREN, "geometry"]
    assert kec[ID].tolist() == ["36.01.01", "36.01.02"]
    assert kec[NAME].tolist() == ["Sumur", "Cimanggu"]
    assert kec[PARENT].tolist() == ["36.01", "36.01"]
    assert kec[N_CHILDREN].tolist() == [2, 2]
    np.testing.assert_allclose(kec.area, [2.0, 2.0])
    assert kec.geometry.iloc[0].equals(box(0, 0, 1, 2))
    assert kec.attrs == {"code_system": "kemendagri", "level": "kecamatan"}
    assert kec.crs == areas.crs

    kab = dissolve_to_level(kec, level="kabkota")
    assert kab[[ID, NAME, N_CHILDREN]].values.tolist() == [
        ["36.01", "Kabupaten Pandeglang", 2]
    ]
    assert kab.geometry.iloc[0].equals(box(0, 0, 2, 2))
    direct = dissolve_to_level(areas, level="provinsi")
    assert direct[[ID, NAME, N_CHILDREN]].values.tolist() == [["36", "Banten", 4]]
    assert direct[PARENT].isna().all()


def test_dissolve_names_mapping_and_bps_codes():
    gdf = squares(["id3601010001", "id3601010002", "id3601020001"])
    areas = prepare_boundaries(gdf, code_column="kode")
    kec = dissolve_to_level(areas, level="kecamatan", names={"id3601010": "Sumur"})
    assert kec[ID].tolist() == ["3601010", "3601020"]
    assert kec[NAME].isna().tolist() == [False, True]
    assert kec[NAME].iloc[0] == "Sumur"
    assert kec[N_CHILDREN].tolist() == [2, 1]
    np.testing.assert_allclose(kec.area, [2.0, 1.0])


def test_dissolve_refuses_finer_level(grid):
    kec = dissolve_to_level(
        prepare_boundaries(grid, code_column="kode"), level="kecamatan"
    )
    with pytest.raises(SchemaError, match=r"finer level 'desa'"):
        dissolve_to_level(kec, level="desa")


# -------------------------------------------------------- aggregate_indicators


def test_aggregate_re_derives_rates_instead_of_averaging():
    # 36.01.01: 1 of 10 poor (10 %); 36.01.02: 30 of 60 (50 %). Mean of rates
    # would be 30 %; the re-derived rate is 31 / 70 = 44.2857 %.
    table = pd.DataFrame(
        {
            "kode": ["36.01.01", "36.01.02", "36.02.01"],
            "poor": [1, 30, 5],
            "pop": [10, 60, 20],
            "rate": [10.0, 50.0, 25.0],
        }
    )
    out = aggregate_indicators(
        table,
        id_column="kode",
        level="kabkota",
        system="kemendagri",
        counts=["poor", "pop"],
        rates={"rate": ("poor", "pop", 100.0)},
    )
    assert list(out.columns) == ["kode", N_CHILDREN, "poor", "pop", "rate"]
    assert out["kode"].tolist() == ["36.01", "36.02"]
    assert out[N_CHILDREN].tolist() == [2, 1]
    np.testing.assert_allclose(out["poor"], [31.0, 5.0])
    np.testing.assert_allclose(out["pop"], [70.0, 20.0])
    np.testing.assert_allclose(out["rate"], [100 * 31 / 70, 25.0])


def test_aggregate_missing_child_value_gives_nan_not_a_partial_sum():
    table = pd.DataFrame(
        {
            "kode": ["3601010", "3601020", "3602010", "3602020"],
            "poor": ["1", None, "4", "6"],  # strings, as read with dtype=str
            "pop": ["10", "20", "0", "0"],
        }
    )
    with pytest.warns(MissingDataWarning, match=r"1 of 2 parent areas .*'3601'") as rec:
        out = aggregate_indicators(
            table,
            id_column="kode",
            level="kabkota",
            system="bps",
            counts=["poor"],
            rates={"rate": ("poor", "pop", 100.0)},
        )
    assert len(rec) == 1
    assert out["kode"].tolist() == ["3601", "3602"]
    assert np.isnan(out["poor"].iloc[0])
    assert out["poor"].iloc[1] == 10.0
    assert np.isnan(out["rate"]).tolist() == [True, True]  # missing / zero denominator


@pytest.mark.parametrize(
    ("table", "kwargs", "error", "match"),
    [
        (
            pd.DataFrame({"kode": ["36.01.01", "36.01.01"], "n": [1, 2]}),
            {},
            SchemaError,
            r"1 table codes appear more than once: '36.01.01 \(2x\)'",
        ),
        (
            pd.DataFrame({"kode": ["36.01.01"], "n": ["1,5"]}),
            {},
            SchemaError,
            r"column 'n' holds non-numbers: '1,5'",
        ),
        (
            pd.DataFrame({"kode": ["36.01"], "n": [1]}),
            {"level": "desa"},
            SchemaError,
            r"finer level 'desa'",
        ),
        (
            pd.DataFrame({"kode": ["36.01.01"], "m": [1]}),
            {},
            SchemaError,
            r"indicator table \(tables.path\): column 'n' not found",
        ),
        (
            pd.DataFrame({"kode": ["36.01.1"], "n": [1]}),
            {},
            CodeError,
            r"cannot be read.*'36.01.1'",
        ),
    ],
)
def test_aggregate_errors(table, kwargs, error, match):
    params = {
        "id_column": "kode",
        "level": "kabkota",
        "system": "kemendagri",
        "counts": ["n"],
        **kwargs,
    }
    with use_language("en"), pytest.raises(error, match=match):
        aggregate_indicators(table, **params)


# ------------------------------------------------------------- join by code


def test_join_by_code_left_join_and_report(grid):
    areas = prepare_boundaries(grid, code_column="kode", name_column="nama")
    table = pd.DataFrame(
        {
            "kode": ["3601012001", "36.01.02.2001", "36.01.02.2099", "36.01.02.2002"],
            "poor": [1.0, 2.0, 3.0, 4.0],
        }
    )
    with (
        use_language("en"),
        pytest.warns(
            UnmatchedKeysWarning,
            match=r"table 't': 1 table row without an area, 1 area without a "
            r"table row \(of 4 areas and 4 rows\)",
        ) as record,
    ):
        joined, report = join_indicators(
            areas, table, code_column="kode", table_label="t"
        )
    assert len(record) == 1
    assert isinstance(joined, gpd.GeoDataFrame)
    assert joined.attrs == areas.attrs
    assert joined[ID].tolist() == DESA
    np.testing.assert_array_equal(joined["poor"], [1.0, np.nan, 2.0, 4.0])
    assert "kode" in joined.columns and joined.crs == areas.crs
    assert tuple(report.entries.columns) == JOIN_REPORT_COLUMNS
    assert (report.n_areas, report.n_rows) == (4, 4)
    assert rows(report)[2] == [
        UNMATCHED_ROW,
        "t",
        None,
        None,
        "36.01.02.2099",
        None,
        "no area with code '36.01.02.2099'",
    ]
    assert rows(report)[4] == [
        UNMATCHED_AREA,
        "t",
        "36.01.01.2002",
        "B",
        None,
        None,
        "no t row",
    ]
    assert statuses(report) == {MATCHED: 3, UNMATCHED_ROW: 1, UNMATCHED_AREA: 1}
    assert report.summary() == (
        "3 of 4 areas matched, 1 area without a table row, 1 table row without an area"
    )


def test_join_clean_table_gives_no_warning(kab_areas):
    table = pd.DataFrame(
        {"kode": ["36.01", "36.03", "36.04", "36.71", "36.73"], "v": [1, 2, 3, 4, 5]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        joined, report = join_indicators(kab_areas, table, code_column="kode")
    assert report.ok
    assert joined["v"].tolist() == [1, 2, 3, 4, 5]


def test_join_invalid_codes_are_entries_not_errors(kab_areas):
    table = pd.DataFrame(
        {"kode": ["36.01", "36.1", "3.6E+03", None], "v": [1, 2, 3, 4]}
    )
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"2 invalid code"),
    ):
        joined, report = join_indicators(kab_areas, table, code_column="kode")
    invalid = report.entries[report.entries["status"] == INVALID_CODE]
    assert invalid["row_code"].tolist() == ["36.1", "3.6E+03"]
    assert invalid["detail"].str.contains("ambiguous|lost digits").all()
    # the row without code (and no name column) is unmatched, not invalid
    assert report.count(UNMATCHED_ROW) == 1
    assert joined["v"].tolist()[0] == 1


def test_join_all_codes_invalid_is_an_error(kab_areas):
    table = pd.DataFrame({"kode": ["36.1", "x"], "v": [1, 2]})
    with (
        use_language("en"),
        pytest.raises(JoinError, match=r"none of the 2 table codes.*'36.1', 'x'"),
    ):
        join_indicators(kab_areas, table, code_column="kode", code_system="kemendagri")


def test_join_rows_of_other_levels_are_reported(kab_areas):
    table = pd.DataFrame({"kode": ["36.01", "36", "00", "36.01.01"], "v": [1, 2, 3, 4]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match="4 areas without a table row"),
    ):
        _, report = join_indicators(kab_areas, table, code_column="kode")
    assert report.problems["status"].tolist().count(OTHER_LEVEL) == 0
    rows = report.entries[report.entries["status"] == OTHER_LEVEL]
    assert rows[["row_code", "detail"]].values.tolist() == [
        ["36", "different level (provinsi)"],
        ["00", "different level (provinsi)"],
        ["36.01.01", "different level (kecamatan)"],
    ]


def test_join_bps_kab_codes_to_kemendagri_areas_by_digits(kab_areas):
    table = pd.DataFrame(
        {
            "kode": ["id3601", "id3603", "id3604", "id3671", "id3673"],
            "v": [1, 2, 3, 4, 5],
        }
    )
    joined, report = join_indicators(kab_areas, table, code_column="kode")
    assert joined["v"].tolist() == [1, 2, 3, 4, 5]
    assert report.count(MATCHED) == 5
    assert any(
        "5 bps codes converted to kemendagri by identical digits" in n
        for n in report.notes
    )


def test_join_plain_four_digit_codes_take_the_areas_system(kab_areas):
    table = pd.DataFrame({"kode": ["3601", "3673", "36"], "v": [1, 5, 9]})
    with use_language("en"), pytest.warns(UnmatchedKeysWarning):
        joined, report = join_indicators(kab_areas, table, code_column="kode")
    assert joined["v"].tolist()[:1] == [1]
    assert joined.set_index(ID).loc["36.73", "v"] == 5
    assert report.notes[0] == "table: codes read as kemendagri codes"


def test_join_sci_notation_note_reaches_the_report(grid):
    areas = prepare_boundaries(grid, code_column="kode")
    table = pd.DataFrame({"kode": ["3.601012001E+09"], "v": [1]})
    with use_language("en"), pytest.warns(UnmatchedKeysWarning):
        _, report = join_indicators(
            areas, table, code_column="kode", code_system="kemendagri"
        )
    first = report.entries.iloc[0]
    assert (first["status"], first["area_id"]) == (MATCHED, "36.01.01.2001")
    assert "scientific notation" in first["detail"]


def test_join_duplicate_codes_leave_the_area_empty(kab_areas):
    table = pd.DataFrame(
        {
            "kode": ["36.01", "3601", "36.03", "36.04", "36.71", "36.73"],
            "v": [1, 2, 3, 4, 5, 6],
        }
    )
    with use_language("en"), pytest.warns(UnmatchedKeysWarning, match=r"2 duplicate"):
        joined, report = join_indicators(kab_areas, table, code_column="kode")
    assert np.isnan(joined["v"].iloc[0])
    assert joined["v"].tolist()[1:] == [3, 4, 5, 6]
    dups = report.entries[report.entries["status"] == DUPLICATE]
    assert dups["row_code"].tolist() == ["36.01", "3601"]
    assert dups["area_id"].tolist() == ["36.01", "36.01"]
    assert dups["detail"].str.startswith("2 rows match area '36.01'; none").all()
    assert report.count(UNMATCHED_AREA) == 0  # described by the duplicates


def test_join_finer_levels_across_systems_need_a_crosswalk(grid):
    areas = prepare_boundaries(grid, code_column="kode")
    table = pd.DataFrame({"kode": ["id3601010001"], "v": [1]})
    with (
        use_language("en"),
        pytest.raises(
            JoinError,
            match=r"bps codes but the areas are kemendagri desa"
            r".*tables.crosswalk \(CLI: --crosswalk\)",
        ),
    ):
        join_indicators(areas, table, code_column="kode")


@pytest.fixture
def crosswalk():
    pairs = pd.DataFrame(
        {
            "bps": [
                "3601010001",
                "3601010002",
                "3601020001",
                "3601020002",
                "3601020003",
                "3601020003",
            ],
            "kmd": [
                "36.01.01.2001",
                "36.01.01.2002",
                "36.01.02.2001",
                "36.01.02.2001",
                "36.01.02.2001",
                "36.01.02.2002",
            ],
        }
    )
    return make_crosswalk(
        pairs,
        from_column="bps",
        to_column="kmd",
        from_system="bps",
        to_system="kemendagri",
        label="cw",
    )


def test_join_through_crosswalk_reports_collisions(grid, crosswalk):
    areas = prepare_boundaries(grid, code_column="kode")
    table = pd.DataFrame(
        {
            # 010001 -> 2001, 020001 + 020002 -> 02.2001 (collision),
            # 020003 -> two areas (ambiguous), 099999 not in the crosswalk
            "kode": [
                "id3601010001",
                "id3601020001",
                "id3601020002",
                "id3601020003",
                "id3601099999",
            ],
            "v": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    with use_language("en"), pytest.warns(UnmatchedKeysWarning, match=r"2 duplicate"):
        joined, report = join_indicators(
            areas, table, code_column="kode", crosswalk=crosswalk
        )
    np.testing.assert_array_equal(joined["v"], [1.0, np.nan, np.nan, np.nan])
    assert statuses(report) == {
        MATCHED: 1,
        DUPLICATE: 2,
        AMBIGUOUS: 1,
        UNMATCHED_ROW: 1,
        UNMATCHED_AREA: 2,
    }
    entries = report.entries.set_index("row_code")
    assert entries.loc["id3601010001", "detail"] == (
        "via crosswalk 'cw': 3601010001 -> 36.01.01.2001"
    )
    # issue 9: the crosswalk, not the table, is at fault; no "remove the rows"
    detail = entries.loc["id3601020001", "detail"]
    assert detail.startswith(
        "via crosswalk 'cw': 3601020001 -> 36.01.02.2001; the crosswalk maps 2 "
        "source areas ('3601020001', '3601020002') onto area '36.01.02.2001', and "
        "'v' is neither a count nor a rate"
    )
    assert "The crosswalk is at fault, not the table" in detail
    assert "tables.crosswalk" in detail and "Remove the extra rows" not in detail
    assert entries.loc["id3601020003", "detail"].startswith(
        "crosswalk 'cw' maps 3601020003 to 2 areas"
    )
    assert (
        entries.loc["id3601099999", "detail"] == "3601099999 is not in crosswalk 'cw'"
    )
    assert "mapped bps -> kemendagri through crosswalk 'cw'" in report.notes[1]


def test_join_crosswalk_must_fit(grid, crosswalk, kab_areas):
    areas = prepare_boundaries(grid, code_column="kode")
    with (
        use_language("en"),
        pytest.raises(
            JoinError, match=r'maps from bps; set tables.code_system = "bps"'
        ),
    ):
        join_indicators(
            areas,
            pd.DataFrame({"kode": ["36.01.01.2001"]}),
            code_column="kode",
            crosswalk=crosswalk,
        )
    with (
        use_language("en"),
        pytest.raises(JoinError, match=r"areas are kemendagri kabkota codes"),
    ):
        join_indicators(
            kab_areas,
            pd.DataFrame({"kode": ["3601"]}),
            code_column="kode",
            crosswalk=crosswalk,
        )


def test_join_ten_digit_codes_need_code_system(grid):
    areas = prepare_boundaries(grid, code_column="kode")
    table = pd.DataFrame({"kode": ["3601012001"], "v": [1]})
    with (
        use_language("en"),
        pytest.raises(
            JoinError, match=r"cannot tell.*'3601012001'.*tables.code_system = "
        ),
    ):
        join_indicators(areas, table, code_column="kode")
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match="3 areas without a table row"),
    ):
        joined, _ = join_indicators(
            areas, table, code_column="kode", code_system="kemendagri"
        )
    assert joined["v"].tolist()[0] == 1


def test_join_column_clash_and_missing_columns(grid):
    areas = prepare_boundaries(grid, code_column="kode", name_column="nama")
    table = pd.DataFrame({"code": ["36.01.01.2001"], "pop": [1]})
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"'pop' already exist in the areas"),
    ):
        join_indicators(areas, table, code_column="code")
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"mytab: column 'kode' not found.*'code'"),
    ):
        join_indicators(areas, table, code_column="kode", table_label="mytab")
    with pytest.raises(
        JoinError, match=r"needs tables.code_column, tables.name_column or both"
    ):
        join_indicators(areas, table, code_column=None)


# ------------------------------------------------------------- join by name


@pytest.mark.parametrize(
    ("row_name", "expected"),
    [
        ("Kota Serang", "36.73"),
        ("Kab. Serang", "36.04"),
        ("KABUPATEN SERANG", "36.04"),
        ("Serang (Kota)", "36.73"),
        ("Kota Tangerang", "36.71"),
        ("Kab Tangerang", "36.03"),
        ("Pandeglang", "36.01"),  # no kind, but only one area has the name
    ],
)
def test_join_by_name_exact(kab_areas, row_name, expected):
    table = pd.DataFrame({"nama": [row_name], "v": [1]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"4 areas without a table row"),
    ):
        joined, report = join_indicators(
            kab_areas, table, code_column=None, name_column="nama"
        )
    assert report.entries.iloc[0]["status"] == MATCHED_NAME
    assert report.entries.iloc[0]["area_id"] == expected
    assert joined.set_index(ID)["v"].dropna().to_dict() == {expected: 1}


@pytest.mark.parametrize("row_name", ["Serang", "Tangerang", "SERANG "])
def test_join_by_name_without_kind_is_ambiguous_for_twins(kab_areas, row_name):
    table = pd.DataFrame({"nama": [row_name], "v": [1]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"1 row that fits several areas"),
    ):
        joined, report = join_indicators(
            kab_areas, table, code_column=None, name_column="nama"
        )
    entry = report.entries.iloc[0]
    assert entry["status"] == AMBIGUOUS
    assert pd.isna(entry["area_id"])
    assert "Kabupaten" in entry["detail"] and "Kota" in entry["detail"]
    assert joined["v"].isna().all()


def test_join_by_name_kind_conflict_never_matches():
    areas = prepare_boundaries(squares(["36.01", "36.73"]), code_column="kode")
    table = pd.DataFrame({"nama": ["Kota Pandeglang", "Kab. Serang"], "v": [1, 2]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"2 table rows without an area"),
    ):
        joined, report = join_indicators(
            areas, table, code_column=None, name_column="nama"
        )
    assert joined["v"].isna().all()
    details = report.entries["detail"].tolist()[:2]
    assert all("a kab never matches a kota" in d for d in details)


def test_join_by_name_by_elimination_is_doubtful():
    # OCHA style: the kabupaten carries no prefix, the kota does.
    gdf = squares(["id3603", "id3671"], regency=["Tangerang", "Kota Tangerang"])
    areas = prepare_boundaries(gdf, code_column="kode", name_column="regency")
    table = pd.DataFrame({"nama": ["Kab. Tangerang", "Kota Tangerang"], "v": [1, 2]})
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning, match=r"1 match needs checking"),
    ):
        joined, report = join_indicators(
            areas, table, code_column=None, name_column="nama"
        )
    # issue 9: a doubtful match gives no value until the config accepts it
    assert joined["v"].tolist()[1] == 2 and pd.isna(joined["v"].tolist()[0])
    assert report.entries["status"].tolist() == [DOUBTFUL_HELD, MATCHED_NAME]
    assert "by elimination" in report.entries["detail"].iloc[0]
    with pytest.warns(DoubtfulMatchWarning, match=r"1 match needs checking"):
        joined, report = join_indicators(
            areas,
            table,
            code_column=None,
            name_column="nama",
            accept_doubtful=["Kab. Tangerang"],
        )
    assert joined["v"].tolist() == [1, 2]
    assert report.entries["status"].tolist() == [DOUBTFUL, MATCHED_NAME]


def test_join_by_fuzzy_name_is_doubtful(kab_areas):
    table = pd.DataFrame({"nama": ["Kab. Pandeglan"], "v": [1]})
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning, match=r"1 match needs checking") as rec,
        pytest.warns(UnmatchedKeysWarning),
    ):
        joined, report = join_indicators(
            kab_areas, table, code_column=None, name_column="nama"
        )
    assert len([w for w in rec if w.category is DoubtfulMatchWarning]) == 1
    entry = report.entries.iloc[0]
    # issue 9: held back (no value) until accepted, naming the TOML keys
    assert (entry["status"], entry["area_id"]) == (DOUBTFUL_HELD, "36.01")
    assert entry["detail"] == (
        "fuzzy name match 'Kab. Pandeglan' ~ 'Kabupaten Pandeglang' (score 95); "
        'value held back until accepted: set tables.accept_doubtful = ["Kab. '
        'Pandeglan"] or tables.accept_all_doubtful = true'
    )
    assert pd.isna(joined["v"].tolist()[0])
    with pytest.warns(DoubtfulMatchWarning), pytest.warns(UnmatchedKeysWarning):
        joined, report = join_indicators(
            kab_areas,
            table,
            code_column=None,
            name_column="nama",
            accept_all_doubtful=True,
        )
    entry = report.entries.iloc[0]
    assert (entry["status"], entry["area_id"]) == (DOUBTFUL, "36.01")
    assert entry["detail"].endswith("; accepted (tables.accept_all_doubtful)")
    assert joined["v"].tolist()[0] == 1


def test_join_fuzzy_threshold_and_ties(kab_areas):
    table = pd.DataFrame({"nama": ["Serangg", "Pandeglang Baru"], "v": [1, 2]})
    with (
        use_language("en"),
        pytest.warns(
            UnmatchedKeysWarning,
            match=r"1 row that fits several areas, .*1 table row without an area",
        ),
    ):
        _, report = join_indicators(
            kab_areas, table, code_column=None, name_column="nama"
        )
    assert report.entries["status"].tolist()[:2] == [AMBIGUOUS, UNMATCHED_ROW]
    assert report.entries["detail"].iloc[0].startswith("fuzzy match ties")


def test_join_by_name_within_parent():
    # Two desa called Sukamaju, in two kecamatan.
    gdf = squares(
        ["36.01.01.2001", "36.01.02.2001", "36.01.02.2002"],
        nama=["Sukamaju", "Sukamaju", "Cibadak"],
    )
    areas = prepare_boundaries(gdf, code_column="kode", name_column="nama")
    table = pd.DataFrame({"desa": ["Sukamaju"], "v": [1]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match="1 row that fits several areas"),
    ):
        join_indicators(areas, table, code_column=None, name_column="desa")
    with pytest.warns(UnmatchedKeysWarning, match="2 areas without a table row"):
        joined, report = join_indicators(
            areas, table, code_column=None, name_column="desa", parent="36.01.02"
        )
    assert report.entries.iloc[0]["area_id"] == "36.01.02.2001"
    per_row = pd.DataFrame(
        {"desa": ["Sukamaju", "Sukamaju"], "kec": ["360101", "36.01.02"], "v": [1, 2]}
    )
    with pytest.warns(UnmatchedKeysWarning, match="1 area without a table row"):
        joined, report = join_indicators(
            areas, per_row, code_column=None, name_column="desa", parent_column="kec"
        )
    assert joined["v"].tolist()[:2] == [1, 2]
    with pytest.raises(
        JoinError, match=r"tables.parent = '36.01.02.2001' cannot be used"
    ):
        join_indicators(
            areas, table, code_column=None, name_column="desa", parent="36.01.02.2001"
        )


def test_join_rows_without_code_fall_back_to_names(kab_areas):
    table = pd.DataFrame(
        {
            "kode": ["36.01", None, None, "36.71", "36.04"],
            "nama": [None, "Kota Serang", "Kab. Tangerang", None, None],
            "v": [1, 2, 3, 4, 5],
        }
    )
    joined, report = join_indicators(
        kab_areas, table, code_column="kode", name_column="nama"
    )
    assert joined["v"].tolist() == [1, 3, 5, 4, 2]
    assert report.entries["status"].tolist() == [
        MATCHED,
        MATCHED_NAME,
        MATCHED_NAME,
        MATCHED,
        MATCHED,
    ]


def test_join_code_match_with_contradicting_name_is_doubtful(kab_areas):
    table = pd.DataFrame(
        {
            "kode": ["36.73", "36.01", "36.04"],
            "nama": ["Kab. Serang", "Lebak", "Serang"],
            "v": [1, 2, 3],
        }
    )
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning, match=r"2 matches need checking"),
        pytest.warns(UnmatchedKeysWarning),
    ):
        joined, report = join_indicators(
            kab_areas,
            table,
            code_column="kode",
            name_column="nama",
            accept_doubtful=["36.73"],
        )
    assert report.entries["status"].tolist()[:3] == [DOUBTFUL, DOUBTFUL_HELD, MATCHED]
    assert report.entries["detail"].iloc[0] == (
        "code matches 'Kota Serang' but the row is named 'Kab. Serang' (kota vs kab); "
        "accepted (tables.accept_doubtful)"
    )
    assert (
        report.entries["detail"]
        .iloc[1]
        .startswith("names disagree: area 'Kabupaten Pandeglang', row 'Lebak'")
    )
    # the accepted doubtful row is joined by its code; the held one is not
    # (issue 9: doubt never becomes a silent value)
    values = joined.set_index(ID)["v"].to_dict()
    assert values["36.73"] == 1 and pd.isna(values["36.01"])


@pytest.mark.parametrize("how", ["code", "name"])
def test_kota_serang_never_joins_kab_serang(how):
    areas = prepare_boundaries(
        squares(["36.04", "36.73", "36.03", "36.71"]), code_column="kode"
    )
    table = pd.DataFrame(
        {
            "kode": ["36.73", "36.71"],
            "nama": ["Kota Serang", "Kota Tangerang"],
            "v": [1.0, 2.0],
        }
    )
    code_column = "kode" if how == "code" else None
    used = table if how == "code" else table.drop(columns="kode")
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match="2 areas without a table row"),
    ):
        joined, _ = join_indicators(
            areas, used, code_column=code_column, name_column="nama"
        )
    assert joined.set_index(ID)["v"].to_dict() == pytest.approx(
        {"36.04": np.nan, "36.73": 1.0, "36.03": np.nan, "36.71": 2.0}, nan_ok=True
    )


def test_join_fuzzy_threshold_is_checked(kab_areas):
    with (
        use_language("en"),
        pytest.raises(JoinError, match=r"between 0 and 100, got 120"),
    ):
        join_indicators(
            kab_areas,
            pd.DataFrame({"n": ["x"]}),
            code_column=None,
            name_column="n",
            fuzzy_threshold=120,
        )
