"""BPS dynamic-table exports read as downloaded (geo_priority.io.bps), every trap.

The tests write small exports in BPS's layout with openpyxl (and as CSV) and
read them through ``io.read_table``, declared (``layout="bps"``) and detected.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo_priority import io
from geo_priority.errors import InputError, SchemaError
from geo_priority.io import bps
from geo_priority.messages import use_language

P0 = "Persentase Penduduk Miskin"
HEADER = ["Nama Wilayah", f"{P0}_Tahun 2023", f"{P0}_Tahun 2024"]

#: A small national export: Banten with bare kabupaten and their kota, two
#: renamed areas, a spacing variant, the Papua split with a footnote mark.
ROWS: list[list[object]] = [
    ["SUMATERA UTARA", 8.15, 7.99],
    ["Toba Samosir", 8.04, 8.07],
    ["Labuhan Batu", 7.99, 7.84],
    ["BANTEN", 6.17, 5.84],
    ["Tangerang", 6.93, 6.55],
    ["Serang", 4.85, 4.51],
    ["Kota Tangerang", 5.89, 5.43],
    ["Kota Serang", 6.20, 5.65],
    ["KALIMANTAN BARAT", 6.71, 6.32],
    ["Pontianak", 5.20, 4.83],
    ["Kota Pontianak", 4.45, 4.20],
    ["KALIMANTAN SELATAN", 4.29, 4.11],
    ["Kota Baru", 4.32, 4.45],
    ["PAPUA", 26.03, 17.26],
    ["Jayapura", 11.45, 11.60],
    ["Nduga *", 37.09, "-"],
    ["Merauke", 10.01, "-"],
    ["PAPUA SELATAN", "-", 17.44],
    ["Merauke", "-", 10.19],
    ["PAPUA PEGUNUNGAN", "-", 32.97],
    ["Nduga", "-", 36.28],
]


def _write_xlsx(path: Path, rows: list[list[object]], header: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _write_csv(path: Path, rows: list[list[object]], header: list[str]) -> Path:
    lines = [";".join(header)]
    for row in rows:
        cells = [
            str(c).replace(".", ",") if isinstance(c, float) else str(c) for c in row
        ]
        lines.append(";".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return _write_xlsx(tmp_path / "bps_p0.xlsx", ROWS, HEADER)


def _value(long: pd.DataFrame, nama: str, provinsi: str, year: int) -> float:
    rows = long[
        (long["nama"] == nama)
        & (long["provinsi"] == provinsi)
        & (long["tahun"] == year)
    ]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def test_columns_and_indicator_and_year_from_headers(export: Path) -> None:
    long = io.read_table(export, layout="bps")
    assert list(long.columns) == list(bps.BPS_LONG_COLUMNS)
    assert set(long["indicator"]) == {P0}
    assert set(long["tahun"]) == {2023, 2024}
    assert long.attrs["layout"] == "bps"
    assert Path(long.attrs["source"]).name == "bps_p0.xlsx"


def test_detected_without_declaring_the_layout(export: Path) -> None:
    declared = io.read_table(export, layout="bps")
    detected = io.read_table(export)
    pd.testing.assert_frame_equal(declared, detected)


def test_declared_layout_long_reads_the_sheet_as_it_is(export: Path) -> None:
    raw = io.read_table(export, layout="long")
    assert list(raw.columns) == HEADER


def test_province_header_rows_give_the_province_of_the_rows_below(
    export: Path,
) -> None:
    long = io.read_table(export)
    tangerang = long[long["nama_bps"] == "Tangerang"]
    assert set(tangerang["provinsi"]) == {"Banten"}
    assert set(tangerang["kode_provinsi"]) == {"36"}
    assert set(tangerang["provinsi_bps"]) == {"BANTEN"}


def test_bare_names_are_kabupaten_and_never_kota(export: Path) -> None:
    long = io.read_table(export)
    assert _value(long, "Kabupaten Tangerang", "Banten", 2023) == 6.93
    assert _value(long, "Kota Tangerang", "Banten", 2023) == 5.89
    assert _value(long, "Kabupaten Serang", "Banten", 2024) == 4.51
    assert _value(long, "Kota Serang", "Banten", 2024) == 5.65
    assert _value(long, "Kota Pontianak", "Kalimantan Barat", 2024) == 4.20


def test_province_rows_are_marked_with_their_code(export: Path) -> None:
    long = io.read_table(export)
    banten = long[long["nama_bps"] == "BANTEN"]
    assert set(banten["tingkat"]) == {"provinsi"}
    assert set(banten["kode"]) == {"36"}
    assert set(banten["nama"]) == {"Banten"}
    areas = long[long["tingkat"] == "kabkota"]
    assert not areas["nama_bps"].str.isupper().any()


def test_dash_is_no_data_never_zero(tmp_path: Path) -> None:
    rows = [["BANTEN", 6.17, 5.84], ["Lebak", "-", 8.68]]
    long = io.read_table(_write_xlsx(tmp_path / "t.xlsx", rows, HEADER))
    lebak = long[long["nama"] == "Kabupaten Lebak"].set_index("tahun")
    assert math.isnan(lebak.loc[2023, "value"])
    assert lebak.loc[2024, "value"] == 8.68
    assert "tidak ada data" in lebak.loc[2023, "catatan"]
    assert (long["value"] != 0).all()


def test_footnote_marks_are_stripped_and_recorded(export: Path) -> None:
    long = io.read_table(export)
    nduga = long[long["nama"] == "Kabupaten Nduga"]
    assert len(nduga) == 2
    assert all(
        "tanda catatan kaki dihapus dari 'Nduga *'" in c for c in nduga["catatan"]
    )


def test_papua_areas_listed_twice_become_one_area_with_the_full_series(
    export: Path,
) -> None:
    long = io.read_table(export)
    areas = long[long["tingkat"] == "kabkota"]
    merauke = areas[areas["nama"] == "Kabupaten Merauke"]
    assert set(merauke["provinsi"]) == {"Papua Selatan"}
    assert set(merauke["kode_provinsi"]) == {"93"}
    assert merauke.set_index("tahun")["value"].to_dict() == {2023: 10.01, 2024: 10.19}
    assert all("UU 14/2022" in c for c in merauke["catatan"])
    nduga = areas[areas["nama"] == "Kabupaten Nduga"]
    assert set(nduga["provinsi"]) == {"Papua Pegunungan"}
    assert nduga.set_index("tahun")["value"].to_dict() == {2023: 37.09, 2024: 36.28}
    assert all("UU 16/2022" in c for c in nduga["catatan"])
    # Jayapura stays in Papua; no area is listed twice any more
    jayapura = areas[areas["nama"] == "Kabupaten Jayapura"]
    assert set(jayapura["provinsi"]) == {"Papua"}
    assert not areas.duplicated(["nama", "provinsi", "tahun"]).any()
    assert areas.groupby("nama")["provinsi"].nunique().max() == 1


def test_papua_listings_that_disagree_are_an_error(tmp_path: Path) -> None:
    rows = [
        ["PAPUA", 26.03, 17.26],
        ["Merauke", 10.01, "-"],
        ["PAPUA SELATAN", "-", 17.44],
        ["Merauke", 9.99, 10.19],
    ]
    with (
        use_language("en"),
        pytest.raises(
            InputError, match=r"Kabupaten Merauke .*9,99 under PAPUA SELATAN and 10,01"
        ),
    ):
        io.read_table(_write_xlsx(tmp_path / "t.xlsx", rows, HEADER))


@pytest.mark.parametrize(
    ("bps_name", "province", "name", "code", "law"),
    [
        ("Toba Samosir", "Sumatera Utara", "Kabupaten Toba", "12.12", "PP 14/2020"),
        ("Pontianak", "Kalimantan Barat", "Kabupaten Mempawah", "61.02", "PP 58/2014"),
        ("Kota Baru", "Kalimantan Selatan", "Kabupaten Kotabaru", "63.02", "2025"),
        ("Labuhan Batu", "Sumatera Utara", "Kabupaten Labuhanbatu", "12.10", "2025"),
    ],
)
def test_renamed_areas_get_the_kemendagri_name_code_and_legal_basis(
    export: Path, bps_name: str, province: str, name: str, code: str, law: str
) -> None:
    long = io.read_table(export)
    rows = long[long["nama_bps"] == bps_name]
    assert set(rows["nama"]) == {name}
    assert set(rows["kode"]) == {code}
    assert set(rows["provinsi"]) == {province}
    assert all(law in c for c in rows["catatan"])


def test_rename_table_is_scoped_to_the_province(tmp_path: Path) -> None:
    # "Kota Baru" outside Kalimantan Selatan is not Kabupaten Kotabaru
    rows = [["JAMBI", 7.58, 7.1], ["Kota Baru", 1.0, 2.0]]
    long = io.read_table(_write_xlsx(tmp_path / "t.xlsx", rows, HEADER))
    assert set(long[long["tingkat"] == "kabkota"]["nama"]) == {"Kota Baru"}


def test_the_rename_table_cites_every_entry() -> None:
    table = pd.read_csv(bps.data_file(bps.RENAMES_FILE), dtype=str)
    assert list(table.columns) == [
        "provinsi",
        "nama_lama",
        "nama_baru",
        "kode_kemendagri",
        "dasar_hukum",
        "tahun",
        "jenis",
    ]
    assert table.notna().all().all()
    renames = bps.read_renames()
    for old, new in [
        ("MAMUJU UTARA", "Kabupaten Pasangkayu"),
        ("MALUKU TENGGARA BARAT", "Kabupaten Kepulauan Tanimbar"),
        ("MAHAKAM HULU", "Kabupaten Mahakam Ulu"),
    ]:
        assert [r.new for (_, o), r in renames.items() if o == old] == [new]


def test_the_province_table_lists_38_provinces_and_the_2022_laws() -> None:
    provinces = {p.code: p for p in bps.read_provinces().values()}
    assert len(provinces) == 38
    assert {c: p.law.split(" tentang")[0] for c, p in provinces.items() if p.law} == {
        "93": "UU 14/2022",
        "94": "UU 15/2022",
        "95": "UU 16/2022",
        "96": "UU 29/2022",
    }
    assert {p.parent for p in provinces.values() if p.parent} == {"91", "92"}


def test_csv_export_with_decimal_commas_reads_the_same(
    tmp_path: Path, export: Path
) -> None:
    from_csv = io.read_table(_write_csv(tmp_path / "bps_p0.csv", ROWS, HEADER))
    from_xlsx = io.read_table(export)
    columns = ["kode", "nama", "provinsi", "tingkat", "tahun", "value"]
    pd.testing.assert_frame_equal(from_csv[columns], from_xlsx[columns])


def test_indicator_names_are_stripped_of_the_space_before_tahun(
    tmp_path: Path,
) -> None:
    header = ["Nama Wilayah", "Indeks Kedalaman Kemiskinan _Tahun 2022"]
    long = io.read_table(_write_xlsx(tmp_path / "p1.xlsx", [["ACEH", 2.49]], header))
    assert long["indicator"].tolist() == ["Indeks Kedalaman Kemiskinan"]


def test_national_row_is_another_level(tmp_path: Path) -> None:
    rows = [["INDONESIA", 9.36, 9.03], ["BANTEN", 6.17, 5.84], ["Lebak", 8.68, 8.0]]
    long = io.read_table(_write_xlsx(tmp_path / "t.xlsx", rows, HEADER))
    national = long[long["nama_bps"] == "INDONESIA"]
    assert set(national["tingkat"]) == {"nasional"} and set(national["kode"]) == {"00"}


def test_declared_bps_layout_on_another_table_names_the_expected_headers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("kode,p0\n36.01,9.27\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"Nama Wilayah.*_Tahun 2018"):
        io.read_table(path, layout="bps")
    assert list(io.read_table(path).columns) == ["kode", "p0"]


def test_code_columns_are_checked_on_the_long_frame(export: Path) -> None:
    assert "kode" in io.read_table(export, code_columns=["kode"]).columns
    with pytest.raises(SchemaError, match="kode_wilayah"):
        io.read_table(export, code_columns=["kode_wilayah"])


def test_looks_like_bps_export() -> None:
    assert bps.looks_like_bps_export(HEADER)
    assert not bps.looks_like_bps_export(["Nama Wilayah"])
    assert not bps.looks_like_bps_export(["Nama Wilayah", "p0"])
    assert not bps.looks_like_bps_export(["nama", f"{P0}_Tahun 2023"])
