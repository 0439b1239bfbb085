"""Read BPS dynamic-table exports exactly as downloaded, into a long frame.

BPS serves its tables (``Persentase Penduduk Miskin menurut Kabupaten/Kota``
...) as a sheet whose first column is ``Nama Wilayah`` and whose other columns
are ``<indicator>_Tahun <year>``. Rows carry names only, in BPS code order:
each province is an UPPER-CASE row (``BANTEN``) followed by its kab/kota, with
kabupaten written bare (``Tangerang``) and kota as ``Kota Tangerang``. This
module turns such a frame (as read by :func:`geo_priority.io.read_table`) into
one row per area, indicator and year:

``kode``
    Kemendagri code where the export implies one without doubt: the province
    of a province row (``36``), the new code of a renamed area (``12.12``),
    ``00`` for Indonesia; missing otherwise (the area is joined by name).
``nama``
    The name with its kind made explicit: ``Kabupaten Tangerang`` for a bare
    name, ``Kota Tangerang``; the Kemendagri 2025 name for renamed areas
    (``Toba Samosir`` -> ``Kabupaten Toba``); ``Banten`` for a province row.
``provinsi``, ``kode_provinsi``
    The province (Kemendagri 2025 name and code) from the header row above.
``tingkat``
    ``"kabkota"``, ``"provinsi"`` (a header row) or ``"nasional"``.
``indicator``, ``tahun``, ``value``
    From the header ``<indicator>_Tahun <year>``; ``-`` (no data) is missing,
    never 0.
``nama_bps``, ``provinsi_bps``, ``catatan``
    The name and province header as written, and what was done to the row
    (footnote mark removed, renamed with its legal basis, two listings of a
    Papua area combined, no data).

Two cited tables shipped in ``data/`` drive the corrections:
``provinsi_kemendagri2025.csv`` (the 38 provinces, the header form BPS uses,
and for the four provinces formed in 2022 the province they came from and
their law) and ``kabkota_renames.csv`` (BPS name, Kemendagri 2025 name and
code, legal basis, year). The kab/kota of the 2022 Papua provinces, listed by
BPS under their old province (values to 2023) and again under the new one
(2024), become one area with the whole series under the new province.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo_priority.errors import InputError, SchemaError
from geo_priority.formatting import format_number, shorten_list
from geo_priority.io.shipped import shipped_data_file
from geo_priority.messages import tr

__all__ = [
    "BPS_LONG_COLUMNS",
    "PROVINCES_FILE",
    "RENAMES_FILE",
    "Province",
    "Rename",
    "bps_export_to_long",
    "looks_like_bps_export",
    "read_provinces",
    "read_renames",
    "year_columns",
]

#: Columns of the long frame, in order.
BPS_LONG_COLUMNS: tuple[str, ...] = (
    "kode",
    "nama",
    "provinsi",
    "kode_provinsi",
    "tingkat",
    "indicator",
    "tahun",
    "value",
    "nama_bps",
    "provinsi_bps",
    "catatan",
)
#: The shipped tables (in ``data/``) of provinces and of renamed kab/kota.
PROVINCES_FILE = "provinsi_kemendagri2025.csv"
RENAMES_FILE = "kabkota_renames.csv"

_NAME_HEADER = "nama wilayah"
_YEAR_HEADER = re.compile(
    r"^(?P<indicator>.*?)[\s_]*tahun\s*(?P<year>(?:19|20)\d\d)\s*$", re.IGNORECASE
)
_FOOTNOTE = re.compile(r"\s*[*†‡¹²³]+\s*$")
_NATIONAL = {"INDONESIA": ("00", "Indonesia")}
_LABELS = [c for c in BPS_LONG_COLUMNS if c not in ("indicator", "tahun", "value")]


@dataclass(frozen=True)
class Province:
    """A province of the Kemendagri 2025 list, as a BPS export names it."""

    code: str
    name: str
    bps_name: str
    parent: str = ""
    law: str = ""


@dataclass(frozen=True)
class Rename:
    """A kab/kota whose BPS name differs from its Kemendagri 2025 name."""

    province: str
    old: str
    new: str
    code: str
    law: str
    year: str
    kind: str


# --- the shipped tables ------------------------------------------------------


def data_file(name: str) -> Path:
    """Return the path of a table shipped in ``data/`` (``shipped_data_file``)."""
    return shipped_data_file(name)


def _key(text: str) -> str:
    """Upper-case letters and digits only, single spaces: the lookup key."""
    return " ".join(re.sub(r"[^0-9A-Z]+", " ", text.upper()).split())


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def read_provinces(path: Path | None = None) -> dict[str, Province]:
    """Read the province table, keyed by its names as a header may write them.

    Parameters
    ----------
    path : Path, optional
        A table with the columns ``kode, nama, nama_bps, induk, dasar_hukum``;
        default the shipped ``provinsi_kemendagri2025.csv``.

    Returns
    -------
    dict of str to Province
        By the lookup key (upper case, letters and digits) of both the
        Kemendagri and the BPS name.

    Examples
    --------
    >>> provinces = read_provinces()
    >>> provinces["KEP BANGKA BELITUNG"].code, provinces["PAPUA SELATAN"].parent
    ('19', '91')
    """
    out: dict[str, Province] = {}
    for row in _csv_rows(path or data_file(PROVINCES_FILE)):
        p = Province(
            row["kode"], row["nama"], row["nama_bps"], row["induk"], row["dasar_hukum"]
        )
        out[_key(p.name)] = out[_key(p.bps_name)] = p
    return out


def read_renames(path: Path | None = None) -> dict[tuple[str, str], Rename]:
    """Read the rename table, keyed by province code and BPS name.

    Parameters
    ----------
    path : Path, optional
        A table with the columns ``provinsi, nama_lama, nama_baru,
        kode_kemendagri, dasar_hukum, tahun, jenis``; default the shipped
        ``kabkota_renames.csv``.

    Returns
    -------
    dict of (str, str) to Rename

    Examples
    --------
    >>> read_renames()[("12", "TOBA SAMOSIR")].new
    'Kabupaten Toba'
    """
    out: dict[tuple[str, str], Rename] = {}
    for row in _csv_rows(path or data_file(RENAMES_FILE)):
        r = Rename(
            row["provinsi"],
            row["nama_lama"],
            row["nama_baru"],
            row["kode_kemendagri"],
            row["dasar_hukum"],
            row["tahun"],
            row["jenis"],
        )
        out[(r.province, _key(r.old))] = r
    return out


# --- the layout --------------------------------------------------------------


def year_columns(columns: Iterable[object]) -> dict[str, tuple[str, int]]:
    """Map each ``<indicator>_Tahun <year>`` header to its indicator and year.

    Examples
    --------
    >>> year_columns(["Nama Wilayah", "Indeks Kedalaman Kemiskinan _Tahun 2022"])
    {'Indeks Kedalaman Kemiskinan _Tahun 2022': ('Indeks Kedalaman Kemiskinan', 2022)}
    """
    out: dict[str, tuple[str, int]] = {}
    for column in columns:
        found = _YEAR_HEADER.match(str(column))
        if found and found["indicator"].strip(" _"):
            out[str(column)] = (found["indicator"].strip(" _"), int(found["year"]))
    return out


def looks_like_bps_export(columns: Sequence[object]) -> bool:
    """Tell whether headers are those of a BPS dynamic-table export.

    The first header is ``Nama Wilayah`` and every other one holds a year
    (``Persentase Penduduk Miskin_Tahun 2018``).

    Examples
    --------
    >>> looks_like_bps_export(["Nama Wilayah", "Garis Kemiskinan_Tahun 2024"])
    True
    >>> looks_like_bps_export(["kode", "p0"])
    False
    """
    names = [str(c) for c in columns]
    if len(names) < 2 or " ".join(names[0].lower().split()) != _NAME_HEADER:
        return False
    return len(year_columns(names[1:])) == len(names) - 1


def _check_layout(frame: pd.DataFrame, source: str) -> dict[str, tuple[str, int]]:
    """Return the year columns, or raise naming what the export should look like."""
    if looks_like_bps_export(list(frame.columns)):
        return year_columns(frame.columns[1:])
    raise SchemaError(
        tr(
            'table {source!r} is declared as a BPS export (layout = "bps") but '
            "its headers are {value}. A BPS export starts with 'Nama Wilayah' "
            "followed by one column per year such as 'Persentase Penduduk "
            'Miskin_Tahun 2018\'. Set layout = "long" or "wide" for other tables.',
            source=source,
            value=shorten_list(frame.columns),
        )
    )


# --- labelling the rows ------------------------------------------------------


@dataclass
class _Row:
    """What one row of the export is: its area, province and notes."""

    kode: str | None
    nama: str
    provinsi: str | None
    kode_provinsi: str | None
    tingkat: str
    nama_bps: str
    provinsi_bps: str | None
    notes: list[str] = field(default_factory=list)


def _is_header(text: str) -> bool:
    return text == text.upper() and any(c.isalpha() for c in text)


def _header_row(text: str, provinces: Mapping[str, Province]) -> _Row | None:
    """Return the province or national row of an upper-case name, else None."""
    key = _key(text)
    if key in _NATIONAL:
        code, name = _NATIONAL[key]
        return _Row(code, name, None, None, "nasional", text, None)
    if key in provinces:
        p = provinces[key]
        return _Row(p.code, p.name, p.name, p.code, "provinsi", text, text)
    return None


def _area_row(
    text: str, province: _Row | None, renames: Mapping[tuple[str, str], Rename]
) -> _Row:
    """Label a kab/kota row: footnote mark removed, renamed, kind explicit."""
    name = _FOOTNOTE.sub("", text).strip()
    notes = (
        [tr("footnote mark removed from {name!r}", name=text)] if name != text else []
    )
    code_p = province.kode_provinsi if province else None
    rename = renames.get((code_p or "", _key(name)))
    kode: str | None = None
    if rename is not None:
        kode, nama = rename.code, rename.new
        notes.append(
            tr(
                "BPS name {name!r} is {new!r} ({law})",
                name=name,
                new=rename.new,
                law=rename.law,
            )
        )
    elif _key(name).startswith("KOTA "):
        nama = "Kota " + name[5:].strip()
    else:
        nama = "Kabupaten " + name
    prov_name = province.provinsi if province else None
    prov_bps = province.provinsi_bps if province else None
    return _Row(kode, nama, prov_name, code_p, "kabkota", text, prov_bps, notes)


def _label_rows(
    names: pd.Series,
    provinces: Mapping[str, Province],
    renames: Mapping[tuple[str, str], Rename],
) -> list[_Row]:
    """Label every row; a province header sets the province of the rows below."""
    rows: list[_Row] = []
    current: _Row | None = None
    for cell in names:
        text = " ".join(str(cell).split()) if pd.notna(cell) else ""
        header = _header_row(text, provinces) if _is_header(text) else None
        if header is not None:
            current = header if header.tingkat == "provinsi" else None
            rows.append(header)
        else:
            rows.append(_area_row(text, current, renames))
    return rows


# --- the Papua split ---------------------------------------------------------


def _merge_values(
    keep: pd.Series, old: pd.Series, what: str, where: tuple[str, str]
) -> pd.Series:
    """Fill ``keep`` from ``old``; a year with two different values is an error."""
    both = keep.notna() & old.notna() & (keep != old)
    if both.any():
        column = str(both[both].index[0])
        new_value = format_number(float(keep[column]), decimals=4)
        old_value = format_number(float(old[column]), decimals=4)
        raise InputError(
            tr(
                "BPS export {where!r}: {what} is listed twice with different values "
                "for {column!r}: {new_value} under {where2} and {old_value} under "
                "the province it was part of. Check the download; the two listings "
                "must agree where both have a value.",
                where=where[0],
                what=what,
                column=column,
                new_value=new_value,
                where2=where[1],
                old_value=old_value,
            )
        )
    return keep.combine_first(old)


def _merge_split_areas(
    wide: pd.DataFrame,
    values: Sequence[str],
    provinces: Mapping[str, Province],
    source: str,
) -> pd.DataFrame:
    """Join the two listings of an area moved to a province formed in 2022."""
    by_code = {p.code: p for p in provinces.values()}
    areas = wide[wide["tingkat"] == "kabkota"]
    dropped: list[int] = []
    for pos, row in areas.iterrows():
        new = by_code.get(str(row["kode_provinsi"]))
        if new is None or not new.parent:
            continue
        old = areas[
            (areas["kode_provinsi"] == new.parent) & (areas["nama"] == row["nama"])
        ]
        if len(old) != 1:
            continue
        what = f"{row['nama']} ({new.name})"
        where = (source, str(row["provinsi_bps"]))
        merged = _merge_values(row[values], old.iloc[0][values], what, where)
        wide.loc[pos, list(values)] = merged.to_numpy()
        wide.at[pos, "notes"] = [
            *old.iloc[0]["notes"],
            *row["notes"],
            tr(
                "listed by BPS under {old} (to 2023) and under {current} (2024); "
                "one area under {province} ({law})",
                old=old.iloc[0]["provinsi_bps"],
                current=row["provinsi_bps"],
                province=new.name,
                law=new.law,
            ),
        ]
        dropped.append(int(old.index[0]))
    return wide.drop(index=dropped)


# --- the long frame ----------------------------------------------------------


def _melt(wide: pd.DataFrame, years: Mapping[str, tuple[str, int]]) -> pd.DataFrame:
    """One row per area, indicator and year, in the export's order."""
    parts = []
    for column, (indicator, year) in years.items():
        part = wide[[*_LABELS[:-1], "notes"]].copy()
        part["indicator"], part["tahun"] = indicator, year
        part["value"] = pd.to_numeric(wide[column], errors="coerce").astype("float64")
        part["order"] = range(len(part))
        parts.append(part)
    long = pd.concat(parts, ignore_index=True).sort_values(
        ["order", "indicator", "tahun"], kind="stable"
    )
    gap = long["value"].isna()
    long["catatan"] = [
        "; ".join([*notes, tr("no data ('-' in the export)")] if none else notes)
        for notes, none in zip(long["notes"], gap, strict=True)
    ]
    long["tahun"] = long["tahun"].astype("int64")
    return long[list(BPS_LONG_COLUMNS)].reset_index(drop=True)


def bps_export_to_long(
    frame: pd.DataFrame,
    *,
    provinces: Mapping[str, Province] | None = None,
    renames: Mapping[tuple[str, str], Rename] | None = None,
) -> pd.DataFrame:
    """Turn a BPS export, as read by ``read_table``, into a long frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The export: ``Nama Wilayah`` then ``<indicator>_Tahun <year>``
        columns (``-`` already read as missing).
    provinces : mapping, optional
        From :func:`read_provinces`; default the shipped table.
    renames : mapping, optional
        From :func:`read_renames`; default the shipped table.

    Returns
    -------
    pandas.DataFrame
        The columns :data:`BPS_LONG_COLUMNS`; ``attrs`` as read plus
        ``layout = "bps"``.

    Raises
    ------
    SchemaError
        When the headers are not those of a BPS export.
    InputError
        When the two listings of a moved Papua area disagree.

    Examples
    --------
    >>> export = pd.DataFrame({
    ...     "Nama Wilayah": ["BANTEN", "Tangerang", "Kota Tangerang"],
    ...     "Persentase Penduduk Miskin_Tahun 2023": [6.17, 6.93, None]})
    >>> long = bps_export_to_long(export)
    >>> long[["nama", "provinsi", "tingkat", "value"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['Banten', 'Banten', 'provinsi', 6.17],
     ['Kabupaten Tangerang', 'Banten', 'kabkota', 6.93],
     ['Kota Tangerang', 'Banten', 'kabkota', nan]]
    """
    source = str(frame.attrs.get("source", "table"))
    years = _check_layout(frame, Path(source).name)
    provinces = read_provinces() if provinces is None else provinces
    renames = read_renames() if renames is None else renames
    rows = _label_rows(frame.iloc[:, 0], provinces, renames)
    wide = pd.DataFrame([r.__dict__ for r in rows], index=frame.index)
    for column in years:
        wide[column] = pd.to_numeric(frame[column], errors="coerce")
    wide = wide[wide["nama_bps"] != ""]
    wide = _merge_split_areas(wide, list(years), provinces, Path(source).name)
    long = _melt(wide, years)
    long.attrs = {**frame.attrs, "layout": "bps", "code_columns": ["kode"]}
    return long
