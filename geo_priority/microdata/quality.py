"""Data-quality report of an ingestion: counts per problem, source and area.

The engine produces the long table (file, sumber, kode_kab, problem,
severity, rows, example); example values are masked (first 4 characters kept,
later digits replaced by ``x``), so the report holds no NIK. :func:`explain`
adds what each problem means, in plain Indonesian (``keterangan``).

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

__all__ = ["EXPLANATIONS", "assert_no_nik", "by_severity", "explain", "summarise"]

#: Severities in the order a summary lists them.
SEVERITIES: tuple[str, ...] = ("rejected", "dropped", "deduplicated", "warning", "info")

_RUN = re.compile(r"\d{16}")

#: What each problem of the report means, in plain Indonesian, for the
#: ``keterangan`` column (no digits that could read as a NIK).
EXPLANATIONS: dict[str, str] = {
    "nik_missing": "NIK kosong atau bukan angka (mis. 'NIK BELUM ADA'). Orangnya "
    "tetap dihitung, tanpa token.",
    "nik_excel_number_cell": "Sel NIK di XLSX tersimpan sebagai angka, sehingga "
    "Excel membulatkan digit ke-16. Ekspor ulang dengan kolom NIK sebagai teks.",
    "nik_scientific_notation": "NIK tertulis seperti 3.60101E+15: Excel "
    "mengubahnya menjadi angka dan digit akhirnya hilang. Ekspor ulang dengan "
    "kolom NIK sebagai teks.",
    "nik_float_text": "NIK berakhiran .0 (tersimpan sebagai angka desimal); "
    "digitnya bisa sudah berubah. Ekspor ulang dengan kolom NIK sebagai teks.",
    "nik_not_digits": "NIK memuat huruf atau tanda lain selain angka.",
    "nik_wrong_length": "NIK tidak 16 digit (kurang atau lebih); biasanya salah ketik.",
    "nik_placeholder": "NIK isian sementara (semua angka sama, atau angka "
    "berurutan), bukan NIK sebenarnya.",
    "nik_unknown_province": "Dua digit pertama NIK bukan kode provinsi yang ada.",
    "nik_invalid_region": "Kode kabupaten/kota atau kecamatan di dalam NIK "
    "bernilai 00.",
    "nik_invalid_birth_date": "Digit tanggal lahir di dalam NIK (digit ke-7 "
    "sampai ke-12) bukan tanggal yang mungkin, mis. 31 Februari atau bulan 13.",
    "nik_invalid_serial": "Nomor urut NIK (4 digit terakhir) bernilai 0000; "
    "sering karena Excel mengganti digit ke-16 dengan 0.",
    "nik_equals_no_kk": "NIK sama dengan nomor KK; kemungkinan kolom tertukar "
    "saat pengisian.",
    "nik_sex_mismatch": "Jenis kelamin di NIK (tanggal lahir ditambah 40 untuk "
    "perempuan) berbeda dengan kolom jenis kelamin.",
    "nik_excel_zeroed_16th_digit": "Lebih dari separuh NIK berkas ini berakhiran "
    "0: Excel telah mengganti digit ke-16 dengan 0. NIK ini tidak dipakai untuk "
    "mencocokkan; ekspor ulang dengan kolom NIK sebagai teks.",
    "nik_duplicate_in_family": "NIK yang sama tertulis lebih dari sekali dalam "
    "satu keluarga.",
    "nik_prefix_not_in_2025_table": "Enam digit pertama NIK (kecamatan tempat "
    "NIK diterbitkan) tidak ada di tabel Kemendagri 2025; biasanya kode lama "
    "sebelum pemekaran. Data tetap dipakai.",
    "nik_other_province": "NIK diterbitkan di provinsi lain, bukan provinsi desa "
    "tempat orang ini tercatat. Sering karena pendatang masih memakai NIK dari "
    "daerah asalnya, kadang karena salah ketik. Data tetap dipakai dan dihitung "
    "di desa tempat ia tercatat.",
    "nik_separators_removed": "NIK ditulis dengan spasi atau tanda hubung; tanda "
    "itu dibuang dan NIK dipakai.",
    "nik_duplicate_in_source": "NIK yang sama ada di lebih dari satu keluarga "
    "dalam sumber yang sama (pindah KK, atau NIK ganda).",
    "family_dropped_in_higher_source": "Keluarga ini juga ada di sumber yang "
    "lebih dipercaya (urutan DTSEN, P3KE, DTKS) dan dihitung sekali dari sana.",
    "person_dropped_in_higher_source": "Orang ini juga ada di sumber yang lebih "
    "dipercaya dan dihitung sekali dari sana.",
    "region_code_unknown": "Kode desa bukan kode desa Kemendagri 2025 (mis. kode "
    "BPS, atau kode yang tidak ada di crosswalk). Baris ini tidak dihitung; "
    "perbaiki kode desanya.",
    "family_id_missing": "Tidak ada ID keluarga maupun nomor KK yang sah; orang "
    "ini dihitung sebagai satu keluarga sendiri.",
    "family_split_across_desa": "Anggota satu keluarga tercatat di desa yang "
    "berbeda; keluarga itu dihitung di satu desa saja.",
    "desil_missing": "Desil kosong atau di luar 1-10; dihitung sebagai desil "
    "tidak diketahui.",
    "sex_missing": "Jenis kelamin kosong atau tidak dikenali.",
    "column_absent": "Berkas ini tidak punya kolom tersebut; angkanya diterbitkan "
    "sebagai 'tidak ada data', bukan 0.",
}


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


def explain(quality: pd.DataFrame) -> pd.DataFrame:
    """Return the report with a ``keterangan`` column: each problem explained.

    Examples
    --------
    >>> q = pd.DataFrame({"problem": ["nik_other_province"], "rows": [2]})
    >>> explain(q)["keterangan"].str.startswith("NIK diterbitkan").tolist()
    [True]
    """
    return quality.assign(keterangan=quality["problem"].map(EXPLANATIONS))


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
