"""Issue 9, the join side of trust: doubt never becomes a silent value.

Doubtful matches are held back until the config accepts them; crosswalk
collisions are combined (counts summed, rates re-derived) or refused blaming
the crosswalk; a split is followed only with weights; codes read in the wrong
system are doubted; administrative names and province-name parents are read;
coordinates that do not fit the CRS are an error; hints name TOML keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from geo_priority.errors import (
    CRSError,
    DoubtfulMatchWarning,
    JoinError,
    SchemaError,
    UnmatchedKeysWarning,
)
from geo_priority.harmonise import join_indicators, prepare_boundaries
from geo_priority.messages import use_language
from geo_priority.names import normalise_name
from geo_priority.regions import make_crosswalk
from geo_priority.schema import (
    AMBIGUOUS,
    DOUBTFUL,
    DOUBTFUL_HELD,
    DUPLICATE,
    ID,
    MATCHED,
    MATCHED_NAME,
)

CRS = "EPSG:3857"
DESA = ["36.01.01.2001", "36.01.01.2002", "36.01.02.2001", "36.01.02.2002"]


def squares(codes, *, crs=CRS, **columns) -> gpd.GeoDataFrame:
    """A row of unit squares with the given codes (and extra columns)."""
    geoms = [box(i, 0, i + 1, 1) for i in range(len(codes))]
    return gpd.GeoDataFrame({"kode": codes, **columns}, geometry=geoms, crs=crs)


def values(joined: gpd.GeoDataFrame, column: str) -> dict[str, float]:
    return joined.set_index(ID)[column].to_dict()


def statuses(report) -> list[str]:
    return report.entries["status"].tolist()


@pytest.fixture
def desa_areas() -> gpd.GeoDataFrame:
    return prepare_boundaries(
        squares(DESA, nama=["Sukamaju", "Cibadak", "Mekarsari", "Mekarjaya"]),
        code_column="kode",
        name_column="nama",
    )


def crosswalk(pairs: list[tuple[str, str]], **columns: list[object]):
    frame = pd.DataFrame(
        {"bps": [a for a, _ in pairs], "kmd": [b for _, b in pairs], **columns}
    )
    names = {k: k for k in columns if k in ("bps_nama", "kmd_nama")}
    return make_crosswalk(
        frame,
        from_column="bps",
        to_column="kmd",
        from_system="bps",
        to_system="kemendagri",
        label="cw",
        from_name_column=names.get("bps_nama"),
        to_name_column=names.get("kmd_nama"),
        name_match_column="cocok" if "cocok" in columns else None,
    )


# ------------------------------------------------------ doubt is held back


def test_a_doubtful_match_gives_no_value_until_accepted():
    areas = prepare_boundaries(squares(["36.01", "36.02"]), code_column="kode")
    table = pd.DataFrame({"nama": ["Kab. Pandeglan", "Lebak"], "v": [1.0, 2.0]})
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning, match=r"It is held back"),
    ):
        joined, report = join_indicators(
            areas, table, code_column=None, name_column="nama"
        )
    assert statuses(report) == [DOUBTFUL_HELD, MATCHED_NAME]
    assert pd.isna(values(joined, "v")["36.01"]) and values(joined, "v")["36.02"] == 2
    held = report.held
    assert held["row_name"].tolist() == ["Kab. Pandeglan"]
    assert 'tables.accept_doubtful = ["Kab. Pandeglan"]' in held["detail"].iloc[0]
    assert "tables.accept_all_doubtful = true" in held["detail"].iloc[0]
    assert len(report.problems) == 1 and not report.ok
    assert (
        report.summary()
        == "1 dari 2 wilayah cocok, 1 kecocokan meragukan yang ditahan sampai diterima"
    )


@pytest.mark.parametrize(
    "accept",
    [
        {"accept_doubtful": ["kab. pandeglan "]},
        {"accept_all_doubtful": True},
    ],
)
def test_an_accepted_doubtful_match_keeps_its_value_and_says_so(accept):
    areas = prepare_boundaries(squares(["36.01", "36.02"]), code_column="kode")
    table = pd.DataFrame({"nama": ["Kab. Pandeglan", "Lebak"], "v": [1.0, 2.0]})
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning, match=r"1 match needs checking") as rec,
    ):
        joined, report = join_indicators(
            areas, table, code_column=None, name_column="nama", **accept
        )
    assert "held back" not in str(rec[0].message)
    assert statuses(report) == [DOUBTFUL, MATCHED_NAME]
    assert "accepted" in report.entries["detail"].iloc[0]
    assert values(joined, "v") == {"36.01": 1.0, "36.02": 2.0}
    if "accept_all_doubtful" in accept:
        assert (
            "1 doubtful match(es) accepted by tables.accept_all_doubtful"
            in (report.notes[-1])
        )


def test_accept_entries_that_match_no_doubtful_row_are_noted():
    areas = prepare_boundaries(squares(["36.01"]), code_column="kode")
    table = pd.DataFrame({"nama": ["Pandeglang"], "v": [1.0]})
    _, report = join_indicators(
        areas,
        table,
        code_column=None,
        name_column="nama",
        accept_doubtful=["Lebak"],
    )
    assert report.notes == (
        (
            "table: entri tables.accept_doubtful yang tidak cocok dengan baris "
            "meragukan mana pun: 'Lebak'"
        ),
    )
    with pytest.raises(JoinError, match=r"tables.accept_doubtful harus berupa daftar"):
        join_indicators(
            areas, table, code_column=None, name_column="nama", accept_doubtful="x"
        )


# --------------------------------------------------- crosswalk collisions


def test_many_to_one_sums_counts_and_re_derives_rates(desa_areas):
    cw = crosswalk(
        [
            ("3601010001", "36.01.01.2001"),
            ("3601010002", "36.01.01.2001"),
            ("3601020001", "36.01.02.2001"),
        ]
    )
    table = pd.DataFrame(
        {
            "kode": ["3601010001", "3601010002", "3601020001"],
            "poor": [10.0, 30.0, 5.0],
            "pop": [100.0, 300.0, 50.0],
            "p0": [10.0, 10.0, 10.0],
            "rate": [5.0, 15.0, 1.0],
        }
    )
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"2 areas without a table row"),
    ):
        joined, report = join_indicators(
            desa_areas,
            table,
            code_column="kode",
            crosswalk=cw,
            counts=["pop"],
            rates={"p0": ("poor", "pop", 100.0), "rate": (None, "pop", 100.0)},
        )
    got = joined.set_index(ID).loc["36.01.01.2001"]
    assert (got["poor"], got["pop"], got["p0"]) == (40.0, 400.0, 10.0)
    # rate without numerator: re-derived from rate x pop (12.5 %), not 10 %
    assert got["rate"] == pytest.approx((5 * 100 + 15 * 300) / 400)
    assert statuses(report)[:3] == [MATCHED, MATCHED, MATCHED]
    detail = report.entries["detail"].iloc[0]
    assert "2 source areas ('3601010001', '3601010002') combined" in detail
    assert report.summary().startswith("2 dari 4 wilayah cocok")


def test_many_to_one_that_cannot_be_combined_blames_the_crosswalk(desa_areas):
    cw = crosswalk([("3601010001", "36.01.01.2001"), ("3601010002", "36.01.01.2001")])
    table = pd.DataFrame({"kode": ["3601010001", "3601010002"], "p0": [5.0, 7.0]})
    with use_language("en"), pytest.warns(UnmatchedKeysWarning, match=r"2 duplicate"):
        joined, report = join_indicators(
            desa_areas, table, code_column="kode", crosswalk=cw
        )
    assert statuses(report)[:2] == [DUPLICATE, DUPLICATE]
    detail = report.entries["detail"].iloc[0]
    assert "'p0' is neither a count nor a rate" in detail
    assert "The crosswalk is at fault, not the table" in detail
    assert "tables.crosswalk" in detail and "Remove the extra rows" not in detail
    assert joined["p0"].isna().all()


def test_a_table_repeating_a_code_is_still_the_tables_fault(desa_areas):
    table = pd.DataFrame({"kode": ["36.01.01.2001"] * 2, "pop": [1.0, 2.0]})
    with use_language("en"), pytest.warns(UnmatchedKeysWarning, match=r"2 duplicate"):
        _, report = join_indicators(
            desa_areas, table.rename(columns={"pop": "n"}), code_column="kode"
        )
    assert "Remove the extra rows" in report.entries["detail"].iloc[0]


def test_one_to_many_splits_counts_only_with_weights(desa_areas):
    pairs = [("3601010001", "36.01.01.2001"), ("3601010001", "36.01.01.2002")]
    cw = crosswalk(pairs, bobot=["0.25", "0.75"])
    table = pd.DataFrame({"kode": ["3601010001"], "pop": [400.0], "p0": [8.0]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"1 row that fits several areas"),
    ):
        _, report = join_indicators(desa_areas, table, code_column="kode", crosswalk=cw)
    assert statuses(report)[0] == AMBIGUOUS
    assert "tables.crosswalk_weight" in report.entries["detail"].iloc[0]
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"2 areas without a table row"),
    ):
        joined, report = join_indicators(
            desa_areas,
            table,
            code_column="kode",
            crosswalk=cw,
            crosswalk_weight="bobot",
            counts=["pop"],
            rates={"p0": (None, "pop", 100.0)},
        )
    assert statuses(report)[:2] == [MATCHED, MATCHED]
    assert values(joined, "pop")["36.01.01.2001"] == 100.0
    assert values(joined, "pop")["36.01.01.2002"] == 300.0
    assert values(joined, "p0")["36.01.01.2002"] == pytest.approx(8.0)
    # the report shows each weight as given, in the language's marks
    details = report.entries["detail"].tolist()[:2]
    assert "weight 0.25)" in details[0] and "weight 0.75)" in details[1]
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"2 rows that fit several areas"),
    ):
        joined, report = join_indicators(
            desa_areas,
            table[["kode", "p0"]],
            code_column="kode",
            crosswalk=cw,
            crosswalk_weight="bobot",
        )
    assert "only counts are split" in report.entries["detail"].iloc[0]
    assert joined["p0"].isna().all()
    with use_language("en"), pytest.raises(SchemaError, match=r"'nope' not found"):
        join_indicators(
            desa_areas, table, code_column="kode", crosswalk=cw, crosswalk_weight="nope"
        )


@pytest.mark.parametrize(
    "columns",
    [
        {"bps_nama": ["Mekarjaya", "Sukamaju"], "kmd_nama": ["Mekarsari", "Sukamaju"]},
        {"cocok": ["False", "True"]},
    ],
    ids=["names", "name_match"],
)
def test_a_crosswalk_pair_whose_names_disagree_is_doubtful(desa_areas, columns):
    pairs = [("3601020001", "36.01.02.2001"), ("3601010001", "36.01.01.2001")]
    cw = crosswalk(pairs, **columns)
    table = pd.DataFrame({"kode": ["3601020001", "3601010001"], "v": [1.0, 2.0]})
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning),
        pytest.warns(UnmatchedKeysWarning),
    ):
        joined, report = join_indicators(
            desa_areas, table, code_column="kode", crosswalk=cw
        )
    assert statuses(report)[:2] == [DOUBTFUL_HELD, MATCHED]
    assert "the crosswalk's names disagree" in report.entries["detail"].iloc[0]
    assert pd.isna(values(joined, "v")["36.01.02.2001"])


# ---------------------------------------------------- wrong code system


def test_bps_desa_codes_declared_kemendagri_give_no_silent_values(desa_areas):
    # BPS 36.01.010.001-style codes read as Kemendagri: one happens to exist
    table = pd.DataFrame(
        {
            "kode": ["3601012001", "3601010002", "3601010003", "3601020004"],
            "v": [1.0, 2.0, 3.0, 4.0],
        }
    )
    with (
        use_language("en"),
        pytest.warns(DoubtfulMatchWarning, match=r"held back"),
        pytest.warns(UnmatchedKeysWarning, match=r"3 table rows without an area"),
    ):
        joined, report = join_indicators(
            desa_areas,
            table,
            code_column="kode",
            code_system="kemendagri",
        )
    entry = report.entries.iloc[0]
    assert entry["status"] == DOUBTFUL_HELD
    assert "wrong code system?" in entry["detail"]
    assert "tables.code_system" in entry["detail"]
    assert joined["v"].isna().all()


# ------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kotamadya Administrasi Jakarta Pusat", "31.71"),
        ("Kota Administrasi Jakarta Pusat", "31.71"),
        ("KAB. ADMINISTRASI KEPULAUAN SERIBU", "31.01"),
        ("Kab. Adm. Kep. Seribu", "31.01"),
        ("Kota Adm. Jakarta Barat", "31.73"),
    ],
)
def test_administrative_names_of_jakarta(name, code):
    areas = prepare_boundaries(squares(["31.01", "31.71", "31.73"]), code_column="kode")
    table = pd.DataFrame({"nama": [name], "v": [1.0]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"2 areas without a table row"),
    ):
        _, report = join_indicators(areas, table, code_column=None, name_column="nama")
    assert (statuses(report)[0], report.entries["area_id"].iloc[0]) == (
        MATCHED_NAME,
        code,
    )
    assert normalise_name(name).kind == ("kab" if code == "31.01" else "kota")


TWINS = ["32.79", "63.03", "35.05", "35.72", "35.16", "35.76", "53.01", "53.71"]


@pytest.mark.parametrize("by", ["name", "code"])
def test_bare_names_resolve_within_their_province(by):
    areas = prepare_boundaries(squares([*TWINS, "36.03", "93.01"]), code_column="kode")
    provinces = {
        "name": ["JAWA BARAT", "KALIMANTAN SELATAN", *["JAWA TIMUR"] * 4],
        "code": ["32", "63", *["35"] * 4],
    }[by]
    rows = ["BANJAR", "BANJAR", "BLITAR", "Kota Blitar", "MOJOKERTO", "KOTA MOJOKERTO"]
    table = pd.DataFrame(
        {
            "nama": [*rows, "KUPANG", "Kota Kupang", "Tangerang", "Merauke"],
            "prov": [
                *provinces,
                *(["NUSA TENGGARA TIMUR"] * 2 if by == "name" else ["53"] * 2),
                "BANTEN" if by == "name" else "36",
                "PAPUA SELATAN" if by == "name" else "93",
            ],
            "v": np.arange(10.0),
        }
    )
    joined, report = join_indicators(
        areas, table, code_column=None, name_column="nama", parent_column="prov"
    )
    assert set(statuses(report)) == {MATCHED_NAME}
    assert report.entries["area_id"].tolist()[:10] == [*TWINS, "36.03", "93.01"]
    assert joined["v"].notna().all()


def test_bare_names_without_a_province_stay_ambiguous():
    areas = prepare_boundaries(squares(["32.79", "63.03"]), code_column="kode")
    table = pd.DataFrame({"nama": ["BANJAR"], "v": [1.0]})
    with (
        use_language("en"),
        pytest.warns(UnmatchedKeysWarning, match=r"1 row that fits several areas"),
    ):
        _, report = join_indicators(areas, table, code_column=None, name_column="nama")
    assert "tables.parent_column" in report.entries["detail"].iloc[0]


def test_an_unknown_province_name_is_reported_per_row():
    areas = prepare_boundaries(squares(["36.01"]), code_column="kode")
    table = pd.DataFrame({"nama": ["Pandeglang"], "prov": ["ATLANTIS"], "v": [1.0]})
    with use_language("en"), pytest.warns(UnmatchedKeysWarning):
        _, report = join_indicators(
            areas, table, code_column=None, name_column="nama", parent_column="prov"
        )
    assert (
        "neither a code nor the name of a province"
        in (report.entries["detail"].iloc[0])
    )


# ------------------------------------------------------- coordinates


def test_utm_metres_labelled_epsg_4326_are_an_error():
    utm = gpd.GeoDataFrame(
        {"kode": ["36.01"]},
        geometry=[box(620_000, 9_300_000, 630_000, 9_310_000)],
        crs="EPSG:4326",
    )
    with (
        use_language("en"),
        pytest.raises(
            CRSError, match=r"look like projected metres \(UTM\?\); set boundaries.crs"
        ),
    ):
        prepare_boundaries(utm, code_column="kode")
    fine = prepare_boundaries(
        utm.set_crs("EPSG:32748", allow_override=True), code_column="kode"
    )
    assert len(fine) == 1


# ------------------------------------------------------------- hints

#: Python calls a planner cannot act on; hints name TOML keys or CLI flags.
_PYTHON_HINTS = re.compile(
    r"crosswalk=regions|crosswalk_from_frame\(|drop_empty=True|"
    r"code_system='|Pass crosswalk=|pass code_system|parent=\"|"
    r"dissolve\(by=|make_crosswalk\(\)|gdf\.set_crs|system='"
)
_MODULES = [
    "harmonise.py",
    "table_join.py",
    "matching.py",
    "match_records.py",
    "crosswalk_matching.py",
    "name_matching.py",
    "join_values.py",
    "join_report.py",
    "doubts.py",
    "area_keys.py",
    "geometry.py",
    "regions.py",
    "parent_names.py",
    "codes/parse.py",
    "codes/parsed_code.py",
]


@pytest.mark.parametrize("module", _MODULES)
def test_hints_name_toml_keys_not_python_calls(module):
    root = Path(__file__).resolve().parents[1] / "geo_priority"
    text = (root / module).read_text(encoding="utf-8")
    messages = [
        line
        for line in text.splitlines()
        if line.strip().startswith(('f"', '"', "f'", "'")) and ">>>" not in line
    ]
    offending = [line.strip() for line in messages if _PYTHON_HINTS.search(line)]
    assert offending == []


def test_national_total_row_coded_0_is_another_level_not_an_invalid_code():
    """Dukcapil's tables open with `0,INDONESIA`: a total, never a problem."""
    from geo_priority.schema import OTHER_LEVEL

    areas = prepare_boundaries(
        squares(["36.01", "36.02"], nama=["Pandeglang", "Lebak"]),
        code_column="kode",
        name_column="nama",
    )
    table = pd.DataFrame(
        {
            "kode": ["0", "36.01", "36.02"],
            "nama_tabel": ["INDONESIA", "Pandeglang", "Lebak"],
            "n": [9, 1, 2],
        }
    )
    joined, report = join_indicators(
        areas, table, code_column="kode", name_column="nama_tabel"
    )
    assert statuses(report).count(OTHER_LEVEL) == 1
    assert report.ok and values(joined, "n") == {"36.01": 1, "36.02": 2}
