from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from geo_priority.errors import InputError, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.io.table import (
    check_columns,
    codes_as_text,
    looks_like_code_column,
    read_table,
)
from geo_priority.messages import use_language


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write_csv_text(
    tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8"
) -> Path:
    return write_bytes(tmp_path, name, text.encode(encoding))


def write_xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    return path


def floats(*values: float) -> list[float]:
    return [float(v) for v in values]


# --------------------------------------------------------------------------
# code-like names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "kode",
        "KODE_DESA",
        "kodedesa",
        "code",
        "id",
        "ID",
        "area_id",
        "pcode",
        "ADM3_PCODE",
        "adm2_pcode",
        "village_code",
        "district_code",
        "regency_code",
        "province_code",
        "villageCode",
        "nik",
        "NIK",
        "kd_kab",
        "kdkab",
        "iddesa",
    ],
)
def test_code_like_names(name: str) -> None:
    assert looks_like_code_column(name)


@pytest.mark.parametrize(
    "name",
    [
        "nama",
        "p0",
        "literacy_rate",
        "IDM",
        "status_idm",
        "identitas",
        "fid",
        "ideal",
        "jumlah_penduduk",
        "kdrt_kasus",
    ],
)
def test_value_names_are_not_codes(name: str) -> None:
    assert not looks_like_code_column(name)


def test_codes_as_text_numbers_and_text() -> None:
    numbers = pd.Series([3601.0, 36.01, np.nan, 3601000000.0], name="kode")
    assert codes_as_text(numbers).tolist() == ["3601", "36.01", np.nan, "3601000000"]
    mixed = pd.Series([3601, " 007\xa0", None, "\u200b36.01 "], dtype=object)
    assert codes_as_text(mixed).tolist() == ["3601", "007", np.nan, "36.01"]
    assert codes_as_text(mixed).dtype == "str"


# --------------------------------------------------------------------------
# CSV: encodings and delimiters
# --------------------------------------------------------------------------


def test_csv_utf8(tmp_path: Path) -> None:
    text = "kode,nama,p0\n3601,Pandeglang,9.27\n3602,Lebak,10.5\n"
    path = write_csv_text(tmp_path, text)
    df = read_table(path)
    expected = pd.DataFrame(
        {"kode": ["3601", "3602"], "nama": ["Pandeglang", "Lebak"], "p0": [9.27, 10.5]}
    )
    assert_frame_equal(df, expected)
    assert df.attrs["encoding"] == "utf-8"
    assert df.attrs["delimiter"] == ","
    assert df.attrs["code_columns"] == ["kode"]
    assert df.attrs["source"] == str(path)


def test_csv_utf8_bom(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode;nama\n3601;A\n", encoding="utf-8-sig")
    df = read_table(path)
    assert list(df.columns) == ["kode", "nama"]
    assert df.attrs["encoding"] == "utf-8-sig"


def test_csv_cp1252(tmp_path: Path) -> None:
    text = "kode;nama\n3672;Cilegon – Kota\n3201;Citeureup é\n"
    path = write_csv_text(tmp_path, text, encoding="cp1252")
    df = read_table(path)
    assert df["nama"].tolist() == ["Cilegon – Kota", "Citeureup é"]
    assert df.attrs["encoding"] == "cp1252"


def test_csv_utf16_excel_unicode_text(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode\tp0\n3601\t9,5\n", "t.txt", "utf-16")
    df = read_table(path)
    assert df["p0"].tolist() == [9.5]
    assert (df.attrs["encoding"], df.attrs["delimiter"]) == ("utf-16", "\t")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("kode,nama,p0\n3601,A,1\n3602,B,2\n", ","),
        ("kode;nama;p0\n3601;A, B;1\n3602;C;2\n", ";"),
        ("kode\tnama\tp0\n3601\tA;B\t1\n3602\tC\t2\n", "\t"),
        ("kode|nama|p0\n3601|A,B|1\n3602|C|2\n", "|"),
    ],
)
def test_csv_delimiter_sniffed(tmp_path: Path, text: str, delimiter: str) -> None:
    df = read_table(write_csv_text(tmp_path, text))
    assert df.attrs["delimiter"] == delimiter
    assert list(df.columns) == ["kode", "nama", "p0"]
    assert df["p0"].tolist() == [1.0, 2.0]


def test_semicolon_decimal_comma_not_taken_as_delimiter(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode;p0;p1\n3601;9,27;0,5\n3602;10,1;1,25\n")
    df = read_table(path)
    assert df["p0"].tolist() == [9.27, 10.1]
    assert df["p1"].tolist() == [0.5, 1.25]
    assert df.attrs["decimal_marks"] == {"p0": ",", "p1": ","}


def test_tsv_extension_forces_tab(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode\tnama\n3601\tA,B\n", "t.tsv")
    assert read_table(path)["nama"].tolist() == ["A,B"]


# --------------------------------------------------------------------------
# CSV: numbers
# --------------------------------------------------------------------------


def test_indonesian_thousands_and_decimals(tmp_path: Path) -> None:
    text = "kode;penduduk;luas\n3601;1.234.567;1.234,5\n3602;987;12,25\n"
    df = read_table(write_csv_text(tmp_path, text))
    assert df["penduduk"].tolist() == floats(1234567, 987)
    assert df["luas"].tolist() == [1234.5, 12.25]


def test_english_thousands_and_decimals(tmp_path: Path) -> None:
    text = 'kode,penduduk,luas\n3601,"1,234,567","1,234.5"\n3602,987,12.25\n'
    df = read_table(write_csv_text(tmp_path, text))
    assert df["penduduk"].tolist() == floats(1234567, 987)
    assert df["luas"].tolist() == [1234.5, 12.25]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234", "9,27"], [1234.0, 9.27]),  # comma proven: dot groups thousands
        (["1.234", "9.27"], [1.234, 9.27]),  # point proven: 1.234 is a decimal
        (["1,234", "9.27"], [1234.0, 9.27]),
        (["1,234", "9,27"], [1.234, 9.27]),
        (["-1.234", "0,5"], [-1234.0, 0.5]),
        (["0.123", "1.234"], [0.123, 1.234]),  # a leading 0 cannot group thousands
    ],
)
def test_ambiguous_value_decided_by_column(
    tmp_path: Path, values: list[str], expected: list[float]
) -> None:
    body = "".join(f'360{i};"{v}"\n' for i, v in enumerate(values))
    df = read_table(write_csv_text(tmp_path, "kode;x\n" + body))
    assert df["x"].tolist() == expected


def test_ambiguous_column_follows_other_columns(tmp_path: Path) -> None:
    text = "kode,a,b\n3601,1.234,9.5\n3602,2.500,1\n"
    df = read_table(write_csv_text(tmp_path, text))
    assert df["a"].tolist() == [1.234, 2.5]
    text = "kode;a;b\n3601;1.234;9,5\n3602;2.500;1\n"
    df = read_table(write_csv_text(tmp_path, text))
    assert df["a"].tolist() == floats(1234, 2500)


@pytest.mark.parametrize(("delimiter", "expected"), [(";", 1234.0), (",", 1.234)])
def test_ambiguous_everywhere_follows_delimiter(
    tmp_path: Path, delimiter: str, expected: float
) -> None:
    text = f"kode{delimiter}a\n3601{delimiter}1.234\n"
    assert read_table(write_csv_text(tmp_path, text))["a"].tolist() == [expected]


def test_percent_signs_are_stripped(tmp_path: Path) -> None:
    text = "kode;p0\n3601;9,27%\n3602;10 %\n3603;-\n"
    df = read_table(write_csv_text(tmp_path, text))
    np.testing.assert_array_equal(df["p0"], [9.27, 10.0, np.nan])
    assert df.attrs["percent_columns"] == ["p0"]


def test_missing_markers(tmp_path: Path) -> None:
    markers = ["", "-", "NA", "N/A", "n/a", "…", " 5 "]
    body = "".join(f"{3601 + i};{m}\n" for i, m in enumerate(markers))
    df = read_table(write_csv_text(tmp_path, "kode;x\n" + body))
    expected = pd.Series([np.nan] * 6 + [5.0], name="x")
    assert_series_equal(df["x"], expected)


def test_mixed_decimal_marks_stay_text(tmp_path: Path) -> None:
    df = read_table(write_csv_text(tmp_path, 'kode,x\n3601,"9,27"\n3602,9.27\n'))
    assert df["x"].dtype == "str"
    assert df["x"].tolist() == ["9,27", "9.27"]


def test_text_column_stays_text(tmp_path: Path) -> None:
    df = read_table(write_csv_text(tmp_path, "kode,nama\n3601,12\n3602,Lebak\n"))
    assert df["nama"].tolist() == ["12", "Lebak"]


# --------------------------------------------------------------------------
# CSV: code columns
# --------------------------------------------------------------------------


def test_code_columns_stay_text_untouched(tmp_path: Path) -> None:
    text = "kode_desa;no_urut;p0\n 007\xa0;007;1\n3601.0;010;2\n'3601;-;3\n"
    df = read_table(write_csv_text(tmp_path, text), code_columns=["no_urut"])
    assert df["kode_desa"].tolist() == ["007", "3601.0", "'3601"]
    assert df["no_urut"].tolist() == ["007", "010", np.nan]
    assert df.attrs["code_columns"] == ["kode_desa", "no_urut"]


def test_unlisted_numeric_column_becomes_number(tmp_path: Path) -> None:
    df = read_table(write_csv_text(tmp_path, "no_urut\n007\n"))
    assert df["no_urut"].tolist() == [7.0]


def test_unknown_code_column_is_schema_error(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode,p0\n3601,1\n")
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"code column\(s\) 'kd' not found"),
    ):
        read_table(path, code_columns=["kd"])


def test_blank_rows_and_trailing_empty_columns_dropped(tmp_path: Path) -> None:
    text = "kode;p0;;\n3601;1;;\n;;;\n\n3602;2;;\n"
    df = read_table(write_csv_text(tmp_path, text))
    assert list(df.columns) == ["kode", "p0"]
    assert df["kode"].tolist() == ["3601", "3602"]


# --------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path,
        {
            "catatan": [["dibuat oleh BPS"], ["2024"]],
            "data": [
                ["kode", "nama", "p0", "penduduk"],
                [3601, "Pandeglang", 9.27, "1.234.567"],
                [36.01, "Lebak", "9,5", 1000],
                [3601000000, None, "-", None],
            ],
        },
    )


@pytest.mark.parametrize("sheet", ["data", 1])
def test_xlsx_sheet_by_name_or_index(workbook: Path, sheet: str | int) -> None:
    df = read_table(workbook, sheet=sheet)
    assert df["kode"].tolist() == ["3601", "36.01", "3601000000"]
    assert df["nama"].tolist() == ["Pandeglang", "Lebak", np.nan]
    np.testing.assert_array_equal(df["p0"], [9.27, 9.5, np.nan])
    np.testing.assert_array_equal(df["penduduk"], [1234567.0, 1000.0, np.nan])
    assert df.attrs["sheet"] == "data"


def test_xlsx_first_sheet_by_default(workbook: Path) -> None:
    df = read_table(workbook)
    assert list(df.columns) == ["dibuat oleh BPS"]
    assert df["dibuat oleh BPS"].tolist() == [2024.0]
    assert df.attrs["sheet"] == "catatan"


@pytest.mark.parametrize("sheet", ["Data2", 2, -1])
def test_xlsx_unknown_sheet_lists_sheets(workbook: Path, sheet: str | int) -> None:
    with use_language("en"), pytest.raises(InputError) as info:
        read_table(workbook, sheet=sheet)
    assert str(info.value) == (
        f"sheet {sheet!r} not found in 't.xlsx'. Its sheets are 'catatan', 'data';"
        " choose one by name or by 0-based index (sheet=0 is the first)."
    )


def test_xlsx_numeric_code_cells(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        {"s": [["ADM2_PCODE", "nik"], [3601, 3601011234567890], [3602.0, None]]},
    )
    df = read_table(path)
    assert df["ADM2_PCODE"].tolist() == ["3601", "3602"]
    assert df["nik"].tolist() == ["3601011234567890", np.nan]


def test_xlsx_duplicate_columns(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {"s": [["kode", "p0", "p0"], [1, 2, 3]]})
    with (
        use_language("en"),
        pytest.raises(SchemaError, match=r"duplicate column names: 'p0' \(2×\)"),
    ):
        read_table(path)


def test_xlsx_empty_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {"kosong": []})
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"table 't.xlsx' \(sheet 'kosong'\) is empty"),
    ):
        read_table(path)


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", os.urandom(2000)])
def test_corrupt_xlsx(tmp_path: Path, data: bytes) -> None:
    path = write_bytes(tmp_path, "rusak.xlsx", data)
    with (
        use_language("en"),
        pytest.raises(
            InputError,
            match=r"cannot read table file .*rusak\.xlsx.*"
            r"re-save it in Excel",
        ) as info,
    ):
        read_table(path)
    assert info.value.__cause__ is not None


def test_xlsx_with_damaged_sheet_xml(workbook: Path) -> None:
    path = workbook.parent / "damaged.xlsx"
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with use_language("en"), pytest.raises(InputError, match="re-save it in Excel"):
        read_table(path, sheet="data")


def test_truncated_xlsx(workbook: Path) -> None:
    data = workbook.read_bytes()
    path = write_bytes(workbook.parent, "half.xlsx", data[: len(data) // 2])
    with use_language("en"), pytest.raises(InputError, match="may be truncated"):
        read_table(path)


# --------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------


def test_parquet_codes_become_text(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    table = pa.table(
        {
            "kode": pa.array([3601, 3602], pa.int64()),
            "village_code": pa.array([3601.0, None]),
            "penduduk": pa.array([10, 20], pa.int64()),
            "p0": pa.array(["9,5", "1.234,5"]),
        }
    )
    pq.write_table(table, path)
    df = read_table(path)
    assert df["kode"].tolist() == ["3601", "3602"]
    assert df["village_code"].tolist() == ["3601", np.nan]
    assert df["penduduk"].dtype == "int64"
    assert df["p0"].tolist() == [9.5, 1234.5]
    assert df.attrs["format"] == "parquet"


def test_parquet_index_becomes_column(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pd.DataFrame({"kode": [3601], "p0": [1.0]}).set_index("kode").to_parquet(path)
    assert read_table(path)["kode"].tolist() == ["3601"]


def test_truncated_parquet(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pd.DataFrame({"kode": ["3601"] * 50, "p0": np.arange(50.0)}).to_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with (
        use_language("en"),
        pytest.raises(InputError, match="may be truncated or not Parquet"),
    ):
        read_table(path)


def test_parquet_duplicate_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["p0", "p0"]), path)
    with (
        use_language("en"),
        pytest.raises(SchemaError, match="duplicate column names: 'p0'"),
    ):
        read_table(path)


def test_parquet_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pd.DataFrame({"kode": pd.Series([], dtype="str")}).to_parquet(path)
    with (
        use_language("en"),
        pytest.raises(InputError, match="header row but no data rows"),
    ):
        read_table(path)


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"table file '.*nope\.csv' not found"),
    ):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "table 'x.csv' is empty (0 bytes)."),
        (b" \n\n", "table 'x.csv' is empty (no text)."),
        (
            b"kode;p0\n",
            (
                "table 'x.csv' is empty: it has a header row but no data rows. "
                "Check that the file was exported completely."
            ),
        ),
    ],
)
def test_empty_csv(tmp_path: Path, data: bytes, message: str) -> None:
    with use_language("en"), pytest.raises(InputError) as info:
        read_table(write_bytes(tmp_path, "x.csv", data))
    assert str(info.value) == message


def test_duplicate_csv_columns(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode,p0,p1,p0, kode\n1,2,3,4,5\n", "x.csv")
    with use_language("en"), pytest.raises(SchemaError) as info:
        read_table(path)
    assert str(info.value) == (
        "table 'x.csv' has duplicate column names: 'kode' (2×), 'p0' (2×). Rename "
        "the columns so every name is unique."
    )


def test_ragged_csv(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode,p0\n3601,1\n3602,2,3,4\n")
    with (
        use_language("en"),
        pytest.raises(InputError, match="same number of ','-separated fields"),
    ):
        read_table(path)


def test_binary_garbage_csv(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "x.csv", bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"x\.csv"):
        read_table(path)


def test_unknown_extension(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "x.xls", b"data")
    with use_language("en"), pytest.raises(InputError) as info:
        read_table(path)
    assert str(info.value) == (
        "cannot read table 'x.xls': unknown extension '.xls'. Supported: .csv, "
        ".parquet, .tsv, .txt, .xlsm, .xlsx. Save the table in one of these "
        "formats (old .xls workbooks: re-save as .xlsx)."
    )


def test_sheet_for_csv_is_refused(tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "kode\n1\n", "x.csv")
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"sheet='data' was given, but 'x\.csv'"),
    ):
        read_table(path, sheet="data")


# --------------------------------------------------------------------------
# check_columns and helpers
# --------------------------------------------------------------------------


def test_check_columns_message() -> None:
    df = pd.DataFrame({f"c{i:02d}": [1] for i in range(20)})
    df.attrs["source"] = "/data/x.csv"
    with use_language("en"), pytest.raises(SchemaError) as info:
        check_columns(df, ["c01", "literacy_rate"], what="indicator")
    assert str(info.value) == (
        "indicator column: column(s) 'literacy_rate' not found in table 'x.csv'. "
        "Available "
        "columns: 'c00', 'c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', ... "
        "(12 more)."
    )


def test_check_columns_suggests_near_match() -> None:
    df = pd.DataFrame({"Literacy Rate": [1], "kode": ["1"]})
    with use_language("en"), pytest.raises(SchemaError) as info:
        check_columns(df, ["literacy_rate", "p0"], what="indicator")
    assert str(info.value) == (
        "indicator column: column(s) 'literacy_rate', 'p0' not found. Available "
        "columns: "
        "'Literacy Rate', 'kode'. Did you mean 'Literacy Rate'?"
    )


def test_check_columns_passes() -> None:
    check_columns(pd.DataFrame({"a": [1]}), ["a"], what="id")


def _shorten_list(items: Iterable[object], limit: int = 8) -> str:
    # the io readers list names (text) with the shared shortener
    return shorten_list([str(v) for v in items], limit)


def test_shorten_list() -> None:
    assert _shorten_list(["a", "b"]) == "'a', 'b'"
    assert _shorten_list(range(10), limit=3) == "'0', '1', '2', ... (7 lagi)"
    with use_language("en"):
        assert _shorten_list(range(10), limit=3) == "'0', '1', '2', ... (7 more)"
    assert _shorten_list(["x" * 60]) == repr("x" * 49 + "…")


def test_folder_is_not_a_table(tmp_path: Path) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"is a folder\. Give the path"),
    ):
        read_table(folder)
