"""Unit tests for geo_priority.regions: codes, names, reference, crosswalks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_priority.errors import CodeError, SchemaError
from geo_priority.messages import use_language
from geo_priority.regions import (
    REFERENCE_EDITION,
    NormalisedName,
    ParsedCode,
    crosswalk_from_frame,
    detect_code_system,
    level_of,
    make_crosswalk,
    normalise_name,
    parent_code,
    parse_code,
    reference_areas,
    reference_children,
    reference_exists,
    reference_name,
    to_system,
)

# ------------------------------------------------------------------ parse_code


@pytest.mark.parametrize(
    ("value", "system", "code", "out_system", "level"),
    [
        # Kemendagri, dotted and undotted
        ("36", "kemendagri", "36", "kemendagri", "provinsi"),
        ("36.01", "auto", "36.01", "kemendagri", "kabkota"),
        ("36.01.14", "auto", "36.01.14", "kemendagri", "kecamatan"),
        ("36.01.14.2003", "auto", "36.01.14.2003", "kemendagri", "desa"),
        ("3601142003", "kemendagri", "36.01.14.2003", "kemendagri", "desa"),
        ("360114", "kemendagri", "36.01.14", "kemendagri", "kecamatan"),
        ("360114", "auto", "36.01.14", "kemendagri", "kecamatan"),
        # BPS and OCHA P-codes
        ("3601140003", "bps", "3601140003", "bps", "desa"),
        ("3601140", "auto", "3601140", "bps", "kecamatan"),
        ("id3601140003", "auto", "3601140003", "bps", "desa"),
        ("ID3601140", "auto", "3601140", "bps", "kecamatan"),
        ("id36", "auto", "36", "bps", "provinsi"),
        ("ID3601", "bps", "3601", "bps", "kabkota"),
        ("36.01", "bps", "3601", "bps", "kabkota"),
        ("36.01.140", "auto", "3601140", "bps", "kecamatan"),
        # spreadsheet mangling
        (" 36.01 ", "auto", "36.01", "kemendagri", "kabkota"),
        ("\u00a03601\u00a0", "bps", "3601", "bps", "kabkota"),
        ("'3601", "bps", "3601", "bps", "kabkota"),
        ("'36.01.14.2003", "auto", "36.01.14.2003", "kemendagri", "desa"),
        ("\ufeff36.01", "auto", "36.01", "kemendagri", "kabkota"),
        ("3601.0", "bps", "3601", "bps", "kabkota"),
        ("3601140003.0", "bps", "3601140003", "bps", "desa"),
        ("3601142003.0", "kemendagri", "36.01.14.2003", "kemendagri", "desa"),
        ("36.0", "kemendagri", "36", "kemendagri", "provinsi"),
        ("3.601140003E+09", "bps", "3601140003", "bps", "desa"),
        ("3.601142003e9", "kemendagri", "36.01.14.2003", "kemendagri", "desa"),
        ("36-01", "auto", "36.01", "kemendagri", "kabkota"),
        ("36 01", "kemendagri", "36.01", "kemendagri", "kabkota"),
        ("36-01-14-2003", "kemendagri", "36.01.14.2003", "kemendagri", "desa"),
        ("36 01 140 003", "bps", "3601140003", "bps", "desa"),
        # numbers
        (3601, "bps", "3601", "bps", "kabkota"),
        (np.int64(3601140003), "bps", "3601140003", "bps", "desa"),
        (3601140003.0, "bps", "3601140003", "bps", "desa"),
        (36.01, "kemendagri", "36.01", "kemendagri", "kabkota"),
        # neutral codes: same digits in both systems (Banten, national)
        ("3601", "auto", "3601", "bps", "kabkota"),
        ("36", "auto", "36", "bps", "provinsi"),
        ("00", "auto", "00", "bps", "provinsi"),
    ],
)
def test_parse_code_reads_every_spelling(value, system, code, out_system, level):
    parsed = parse_code(value, system=system)
    assert (parsed.code, parsed.system, parsed.level) == (code, out_system, level)


def test_parse_code_returns_frozen_dataclass():
    parsed = parse_code("36.01")
    assert parsed == ParsedCode("36.01", "kemendagri", "kabkota", None)
    with pytest.raises(AttributeError):
        parsed.code = "36.02"  # type: ignore[misc]


def test_scientific_notation_repair_sets_a_note():
    assert parse_code("3.601140003E+09", system="bps").note == (
        "dikembalikan dari notasi ilmiah '3.601140003E+09'; periksa kolomnya"
    )
    assert parse_code("'3601 ", system="bps").note is None


@pytest.mark.parametrize(
    ("value", "system", "match"),
    [
        (
            "3.60114E+09",
            "bps",
            r"lost digits in a spreadsheet .*6 of 10 digits.*as text",
        ),
        ("3.6011E+09", "kemendagri", r"lost digits in a spreadsheet"),
        ("36.1", "kemendagri", r"'36.1' is ambiguous.*'36.01' or '36.10'.*as text"),
        ("36.7", "auto", r"'36.7' is ambiguous.*'36.07' or '36.70'"),
        (36.1, "kemendagri", r"ambiguous.*'36.01' or '36.10'"),
        (
            "3601140003",
            "auto",
            r"cannot tell whether '3601140003'.*tables.code_system",
        ),
        ("1101", "auto", r"cannot tell whether '1101'.*outside provinces \['36'\]"),
        ("id3601", "kemendagri", r'OCHA P-code.*BPS numbering.*to "bps"'),
        ("36.01.14", "bps", r"does not fit the bps pattern.*looks like a kemendagri"),
        ("36.01.140", "kemendagri", r"does not fit the kemendagri.*looks like a bps"),
        ("36.01.1", "kemendagri", r"does not fit the kemendagri pattern"),
        ("3601140", "kemendagri", r"has 7 digits; kemendagri codes have 2, 4, 6 or 10"),
        ("360114", "bps", r"has 6 digits; bps codes have 2, 4, 7 or 10"),
        ("12345", "auto", r"has 5 digits"),
        ("Pandeglang", "auto", r"'Pandeglang' contains characters other than digits"),
        ("", "auto", r"blank"),
        ("   ", "bps", r"blank"),
        (None, "auto", r"missing"),
        (float("nan"), "auto", r"missing"),
        (pd.NA, "auto", r"missing"),
        (True, "auto", r"boolean"),
    ],
)
def test_parse_code_errors_name_value_and_fix(value, system, match):
    with use_language("en"), pytest.raises(CodeError, match=match):
        parse_code(value, system=system)


def test_parse_code_rejects_unknown_system():
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"unknown code system 'pcode'.*auto"),
    ):
        parse_code("36", system="pcode")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["36.01", "36.02", None], "kemendagri"),
        (["36.01.14.2003", "3601"], "kemendagri"),
        (["id3601140003", "id3601140004"], "bps"),
        (["3601140", "3601", ""], "bps"),
        (["3601", "3602"], None),  # neutral: same digits in both systems
        (["3601140003", "3601140004"], None),  # 10 digits: could be either
        (["36.01", "id3602"], None),  # conflicting evidence
        ([], None),
    ],
)
def test_detect_code_system(values, expected):
    assert detect_code_system(values) == expected


# ----------------------------------------------------- levels, parents, systems


@pytest.mark.parametrize(
    ("code", "system", "level"),
    [
        ("36", "kemendagri", "provinsi"),
        ("36.01", "kemendagri", "kabkota"),
        ("3601140", "bps", "kecamatan"),
        ("id3601140003", "bps", "desa"),
    ],
)
def test_level_of(code, system, level):
    assert level_of(code, system) == level


@pytest.mark.parametrize(
    ("code", "system", "level", "expected"),
    [
        ("36.01.14.2003", "kemendagri", "provinsi", "36"),
        ("36.01.14.2003", "kemendagri", "kabkota", "36.01"),
        ("36.01.14.2003", "kemendagri", "kecamatan", "36.01.14"),
        ("36.01.14.2003", "kemendagri", "desa", "36.01.14.2003"),
        ("3601140003", "bps", "kecamatan", "3601140"),
        ("id3601140003", "bps", "kabkota", "3601"),
        ("3601140", "bps", "provinsi", "36"),
    ],
)
def test_parent_code_truncates(code, system, level, expected):
    assert parent_code(code, system, level) == expected


def test_parent_code_refuses_finer_level():
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"desa parent of kabkota code '36.01'"),
    ):
        parent_code("36.01", "kemendagri", "desa")


@pytest.mark.parametrize(
    ("code", "src", "dst", "expected"),
    [
        ("3601", "bps", "kemendagri", "36.01"),
        ("id3673", "bps", "kemendagri", "36.73"),
        ("36.74", "kemendagri", "bps", "3674"),
        ("36", "kemendagri", "bps", "36"),
        ("36.01.14", "kemendagri", "kemendagri", "36.01.14"),
    ],
)
def test_to_system_at_coarse_levels(code, src, dst, expected):
    assert to_system(code, src, dst) == expected


def test_to_system_needs_a_crosswalk_below_kabkota():
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"kecamatan code '3601140'.*crosswalk"),
    ):
        to_system("3601140", "bps", "kemendagri")
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"desa code '36.01.14.2003'.*crosswalk"),
    ):
        to_system("36.01.14.2003", "kemendagri", "bps")


def test_to_system_refuses_provinces_whose_numbers_differ():
    # BPS 1101 Simeulue is Kemendagri 11.09, not 11.01 (REGISTRIES.md §2.2).
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"'1101'.*numbers differ.*crosswalk"),
    ):
        to_system("1101", "bps", "kemendagri")


# ----------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "core", "kind"),
    [
        ("KAB. PANDEGLANG", "PANDEGLANG", "kab"),
        ("Kabupaten Pandeglang", "PANDEGLANG", "kab"),
        ("Pandeglang", "PANDEGLANG", None),
        ("  kab.pandeglang ", "PANDEGLANG", "kab"),
        ("Kab Lebak", "LEBAK", "kab"),
        ("Kota Serang", "SERANG", "kota"),
        ("KOTAMADYA TANGERANG", "TANGERANG", "kota"),
        ("Kota Adm. Jakarta Pusat", "JAKARTA PUSAT", "kota"),
        ("Kota Administrasi Jakarta Utara", "JAKARTA UTARA", "kota"),
        ("Kabupaten Administrasi Kepulauan Seribu", "KEPULAUAN SERIBU", "kab"),
        ("Serang (Kota)", "SERANG", "kota"),
        ("Tangerang (Kab.)", "TANGERANG", "kab"),
        ("Tangsel", "TANGERANG SELATAN", "kota"),
        ("Kota Tangerang Selatan", "TANGERANG SELATAN", "kota"),
        ("Kecamatan Cibitung", "CIBITUNG", None),
        ("Kec. Cibitung", "CIBITUNG", None),
        ("Desa Sumberjaya", "SUMBERJAYA", None),
        ("Kel. Cempaka Putih", "CEMPAKA PUTIH", None),
        ("Kelurahan  Cempaka-Putih", "CEMPAKA PUTIH", None),
        ("Provinsi Banten", "BANTEN", None),
        ("Désa Ciomas", "CIOMAS", None),
        ("Kota", "KOTA", None),  # nothing left after the prefix: keep it
        (None, "", None),
        (float("nan"), "", None),
    ],
)
def test_normalise_name(name, core, kind):
    assert normalise_name(name) == NormalisedName(core, kind)


# ---------------------------------------------------------- Kemendagri reference


def test_reference_edition_is_pinned():
    assert REFERENCE_EDITION == "Kepmendagri 300.2.2-2138/2025"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("36", "Banten"),
        ("36.01", "Kabupaten Pandeglang"),
        ("3673", "Kota Serang"),
        ("36.01.14", "Saketi"),
        ("3601012001", "Sumberjaya"),
        ("36.99", None),
    ],
)
def test_reference_name(code, name):
    assert reference_name(code) == name


def test_reference_exists_and_children():
    assert reference_exists("36.01.01.2007")
    assert not reference_exists("36.01.01.2999")
    kids = reference_children("36")
    assert [c for c, _ in kids] == [
        "36.01",
        "36.02",
        "36.03",
        "36.04",
        "36.71",
        "36.72",
        "36.73",
        "36.74",
    ]
    assert kids[6] == ("36.73", "Kota Serang")
    assert len(reference_children(None)) == 38


def test_reference_name_rejects_pcodes():
    with use_language("en"), pytest.raises(CodeError, match="OCHA P-code"):
        reference_name("id3601")


@pytest.mark.parametrize(
    ("level", "within", "n"),
    [
        ("provinsi", None, 38),
        ("kabkota", None, 514),
        ("kabkota", "36", 8),
        ("kecamatan", "36", 155),
        ("desa", "36", 1552),
        ("desa", "36.01", 339),
        ("kecamatan", "36.01", 35),
    ],
)
def test_reference_areas_counts(level, within, n):
    # Pinned counts from REGISTRIES.md §0/§2.3 for the 2025 edition.
    areas = reference_areas(level, within)
    assert list(areas.columns) == ["code", "name"]
    assert len(areas) == n
    assert areas["code"].is_unique


def test_reference_areas_refuses_coarser_level_than_within():
    with (
        use_language("en"),
        pytest.raises(CodeError, match=r"cannot list kabkota areas within '36.01'"),
    ):
        reference_areas("kabkota", within="36.01")


# ------------------------------------------------------------------ crosswalks


def _desa_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bps": ["3601010001", "id3601010002", "3601010003", None],
            "kmd": ["36.01.01.2007", "3601012006", "36.01.01.2007", "36.01.01.2005"],
            "share": ["0.5", "1", "0.25", "1"],
        }
    )


def test_make_crosswalk_parses_codes_and_drops_incomplete_rows():
    cw = make_crosswalk(
        _desa_pairs(),
        from_column="bps",
        to_column="kmd",
        from_system="bps",
        to_system="kemendagri",
        share_column="share",
        label="test",
    )
    assert cw.frame["from_code"].tolist() == ["3601010001", "3601010002", "3601010003"]
    assert cw.frame["to_code"].tolist() == [
        "36.01.01.2007",
        "36.01.01.2006",
        "36.01.01.2007",
    ]
    np.testing.assert_allclose(cw.frame["share"], [0.5, 1.0, 0.25])
    assert (cw.from_system, cw.to_system, cw.label) == ("bps", "kemendagri", "test")
    assert (cw.from_level, cw.to_level) == ("desa", "desa")
    assert cw.targets()["3601010003"] == ["36.01.01.2007"]


def test_make_crosswalk_missing_column():
    with (
        use_language("en"),
        pytest.raises(
            SchemaError,
            match=r"crosswalk file \(tables.crosswalk\): column 'nope' not found.*"
            r"'bps'",
        ),
    ):
        make_crosswalk(
            _desa_pairs(),
            from_column="nope",
            to_column="kmd",
            from_system="bps",
            to_system="kemendagri",
        )


def test_make_crosswalk_bad_codes_listed():
    df = pd.DataFrame({"a": ["3601010001", "x1", "3.6E+09"], "b": ["36.01"] * 3})
    with (
        use_language("en"),
        pytest.raises(
            CodeError,
            match=r"2 source codes \(tables.crosswalk_from\) cannot.*'x1', '3.6E\+09'",
        ),
    ):
        make_crosswalk(
            df,
            from_column="a",
            to_column="b",
            from_system="bps",
            to_system="kemendagri",
        )


def test_make_crosswalk_mixed_levels():
    df = pd.DataFrame({"a": ["3601010001", "3601010"], "b": ["36.01.01.2001"] * 2})
    with (
        use_language("en"),
        pytest.raises(
            SchemaError,
            match=r"source codes \(tables.crosswalk_from\) mix levels "
            r"\{'desa': 1, 'kecamatan': 1\}",
        ),
    ):
        make_crosswalk(
            df,
            from_column="a",
            to_column="b",
            from_system="bps",
            to_system="kemendagri",
        )


def test_make_crosswalk_repeated_pairs():
    df = pd.DataFrame({"a": ["3601010", "id3601010"], "b": ["36.01.01", "360101"]})
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"repeats 1 code pairs.*3601010"),
    ):
        make_crosswalk(
            df,
            from_column="a",
            to_column="b",
            from_system="bps",
            to_system="kemendagri",
        )


def test_make_crosswalk_non_numeric_share():
    df = pd.DataFrame({"a": ["3601010"], "b": ["36.01.01"], "s": ["half"]})
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"share column 's' holds non-numbers: 'half'"),
    ):
        make_crosswalk(
            df,
            from_column="a",
            to_column="b",
            from_system="bps",
            to_system="kemendagri",
            share_column="s",
        )


def test_crosswalk_from_frame_recognises_banten_layouts():
    desa = pd.DataFrame(
        {
            "bps_kode_kec": ["3601010"],
            "bps_kode_desa": ["3601010001"],
            "kemendagri_kode_desa": ["36.01.01.2007"],
            "kemendagri_kode_kec": ["36.01.01"],
            "share_of_bps_desa": ["0.5334"],
        }
    )
    cw = crosswalk_from_frame(desa)
    assert cw.label == "banten_desa_bps2020_kemendagri2025"
    assert (cw.from_level, cw.to_level) == ("desa", "desa")
    assert cw.frame["share"].tolist() == [0.5334]
    kec = crosswalk_from_frame(desa, layout="banten_kecamatan_bps2020_kemendagri2025")
    assert kec.targets() == {"3601010": ["36.01.01"]}
    assert "share" not in kec.frame.columns


def test_crosswalk_from_frame_unknown_layout():
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"no known crosswalk layout fits.*'x'"),
    ):
        crosswalk_from_frame(pd.DataFrame({"x": ["1"]}))
    with use_language("en"), pytest.raises(SchemaError, match=r"layout 'nope'"):
        crosswalk_from_frame(pd.DataFrame({"x": ["1"]}), layout="nope")
