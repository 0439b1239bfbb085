"""Registry export files: sniff, transcode and open them; write registry files.

The microdata engine (:mod:`geo_priority.microdata.engine`) counts persons
with SQL only; every byte of a registry export is read here:

* :func:`open_export` makes a CSV, XLSX or Parquet export readable as a
  DuckDB view of text columns. A CSV is checked for UTF-8 before it is read:
  UTF-8 files are read by DuckDB itself, Windows-1252 files (what Excel on
  an Indonesian Windows writes, with ``;``) are transcoded in memory by
  pyarrow. XLSX sheets are read with openpyxl, and numeric cells of code
  columns (a NIK Excel turned into a number) are marked.
* :func:`write_parquet_chunks`, :func:`write_csv_chunks`, :func:`write_xlsx`
  and :func:`write_parquet` write synthetic exports and area tables
  atomically (through :func:`geo_priority.io.output.atomic_path`).
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from geo_priority.errors import InputError, SchemaError
from geo_priority.io.output import atomic_path
from geo_priority.messages import tr

__all__ = [
    "CSV_ENCODINGS",
    "CSV_SUFFIXES",
    "ExportKind",
    "OpenedExport",
    "UnreadableExport",
    "csv_delimiter",
    "csv_encoding",
    "export_kind",
    "open_export",
    "write_csv_chunks",
    "write_parquet",
    "write_parquet_chunks",
    "write_xlsx",
]

ExportKind = Literal["csv", "parquet", "xlsx"]

#: Text encodings of CSV exports: UTF-8 (read by DuckDB), else Windows-1252,
#: what Excel on an Indonesian Windows writes ("CSV", with ";").
CSV_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252")
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt")
_KINDS: dict[str, ExportKind] = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
#: Bytes decoded at a time by the UTF-8 check (and read by pyarrow).
_BLOCK = 1 << 24


@dataclass(frozen=True)
class OpenedExport:
    """An export made readable as a DuckDB view.

    Attributes
    ----------
    view : str
        Name of the temporary view (every column as text).
    columns : list of str
        Column names, as written in the file.
    sheets : int
        Sheets read (1 for CSV and Parquet).
    encoding : str
        Text encoding read (``"utf-8"`` for XLSX and Parquet).
    """

    view: str
    columns: list[str]
    sheets: int
    encoding: str


def export_kind(path: str | os.PathLike[str]) -> ExportKind:
    """Return the format of a registry export, checking that it can be read.

    Parameters
    ----------
    path : path-like
        The export file.

    Returns
    -------
    {"csv", "parquet", "xlsx"}

    Raises
    ------
    InputError
        When the file does not exist, is empty or has another suffix.

    Examples
    --------
    >>> export_kind("surely/not/here.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo_priority.errors.InputError: berkas ekspor registri 'surely/not/here.csv' ti...
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(
            tr(
                "registry export {value!r} does not exist; check the path.",
                value=str(file),
            )
        )
    if file.stat().st_size == 0:
        raise InputError(
            tr(
                "registry export {name!r} is empty (0 bytes).",
                name=file.name,
            )
        )
    suffix = file.suffix.lower()
    if suffix not in _KINDS:
        raise InputError(
            tr(
                "registry export {name!r} has suffix {suffix!r}; use .csv, .xlsx or "
                ".parquet.",
                name=file.name,
                suffix=suffix,
            )
        )
    return _KINDS[suffix]


def csv_encoding(path: str | os.PathLike[str]) -> str:
    r"""Return ``"utf-8"`` when the whole file is valid UTF-8, else ``"cp1252"``.

    The file is decoded block by block (nothing is kept), so the check costs
    one read of the file, which the operating system then has cached.

    Parameters
    ----------
    path : path-like
        A CSV export.

    Returns
    -------
    str
        One of :data:`CSV_ENCODINGS`.

    Examples
    --------
    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = file.write_bytes("nama\nCiké\n".encode("cp1252"))
    >>> csv_encoding(file)
    'cp1252'
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while block := handle.read(_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def csv_delimiter(first_line: str) -> str:
    """Return the most frequent of , ; tab | in the header line.

    Examples
    --------
    >>> csv_delimiter("nik;no_kk;desil")
    ';'
    """
    return max(",;\t|", key=first_line.count)


def _transcoded_csv(path: Path, encoding: str) -> pa.Table:
    """Read a non-UTF-8 CSV into an Arrow table of text columns (in memory)."""
    with path.open(encoding=encoding, newline="") as handle:
        header = handle.readline()
    delimiter = csv_delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter))
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=_BLOCK),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True
        ),
    )


def _cell(value: object, code: bool, number_marker: str) -> str | None:
    """Return an XLSX cell as text; a number in a code column is marked."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if code:
            return number_marker
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


class UnreadableExport(Exception):
    """A library could not read an export file.

    The caller turns it into the project's :class:`~geo_priority.errors.InputError`
    (naming the file, the masked cause and the hint): the cause may quote a
    cell, so only the caller, which knows how to mask a NIK, words the message.

    Attributes
    ----------
    path : pathlib.Path
        The export.
    cause : Exception
        What the reading library raised.
    hint : str
        What the user can do.
    """

    def __init__(self, path: Path, cause: Exception, hint: str) -> None:
        super().__init__(f"cannot read {path.name!r}")
        self.path, self.cause, self.hint = path, cause, hint


def damaged_hint() -> str:
    """Say what to do with an export that is damaged (a hint of UnreadableExport)."""
    return tr(
        "The file may be truncated or not in the format its suffix says; export it "
        "again."
    )


def encoding_hint() -> str:
    """Say what to do with an export in an unknown text encoding."""
    return tr("Save it as CSV UTF-8 (Excel: 'CSV UTF-8').")


def xlsx_hint() -> str:
    """Say what to do with a workbook that cannot be read."""
    return tr("Re-save it as .xlsx, or export CSV.")


def _xlsx_frame(
    path: Path, code_columns: set[str], number_marker: str
) -> tuple[pd.DataFrame, int]:
    """Read every sheet of an XLSX export as text; numeric code cells are marked."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types on damaged files
        raise UnreadableExport(path, err, xlsx_hint()) from err
    frames: list[pd.DataFrame] = []
    header: list[str] | None = None
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            continue
        names = [str(c).strip() if c is not None else "" for c in first]
        if header is not None and names != header:
            raise SchemaError(
                tr(
                    "sheet {title!r} of {name!r} has other columns than the first "
                    "sheet; a per-kecamatan workbook needs the same header on every "
                    "sheet.",
                    title=sheet.title,
                    name=path.name,
                )
            )
        header = names
        marked = {i for i, n in enumerate(names) if n.lower() in code_columns}
        body = [
            [_cell(v, i in marked, number_marker) for i, v in enumerate(r)]
            for r in rows
        ]
        frames.append(pd.DataFrame(body, columns=names, dtype="string"))
    book.close()
    if header is None:
        raise InputError(
            tr(
                "{name!r} has no sheet with a header row; check the file.",
                name=path.name,
            )
        )
    return pd.concat(frames, ignore_index=True), len(frames)


def open_export(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    view: str,
    *,
    code_columns: Iterable[str] = (),
    number_marker: str = "#NUMBER",
) -> OpenedExport:
    """Make a registry export readable as the temporary view ``view``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The engine's connection (no result may be pending on it).
    path : path-like
        The export: ``.csv``/``.txt``, ``.xlsx``/``.xlsm`` or ``.parquet``/``.pq``.
    view : str
        Name of the view to create (a plain identifier, e.g. ``src_0``).
    code_columns : iterable of str
        XLSX only: columns (any case) whose numeric cells are written as
        ``number_marker`` (Excel stores a 16-digit NIK as a rounded number).
    number_marker : str
        The text replacing such a cell.

    Returns
    -------
    OpenedExport

    Raises
    ------
    InputError
        When the file is missing, empty or of another format.
    SchemaError
        When the sheets of a workbook have different headers.
    UnreadableExport
        When DuckDB, pyarrow or openpyxl cannot read the file.
    """
    file = Path(path)
    kind = export_kind(file)
    encoding = csv_encoding(file) if kind == "csv" else "utf-8"
    try:
        relation, sheets = _relation(
            con, file, kind, encoding, view, code_columns, number_marker
        )
    except (UnicodeDecodeError, pa.ArrowInvalid) as err:  # a broken Windows CSV
        raise UnreadableExport(file, err, encoding_hint()) from err
    try:
        relation.create_view(view, replace=True)
        columns = list(relation.columns)
    except duckdb.Error as err:
        raise UnreadableExport(file, err, damaged_hint()) from err
    return OpenedExport(view, columns, sheets, encoding)


def _relation(
    con: duckdb.DuckDBPyConnection,
    file: Path,
    kind: ExportKind,
    encoding: str,
    view: str,
    code_columns: Iterable[str],
    number_marker: str,
) -> tuple[duckdb.DuckDBPyRelation, int]:
    """Return the relation reading the export, and the number of sheets read."""
    try:
        if kind == "csv" and encoding == "utf-8":
            return con.read_csv(str(file), header=True, all_varchar=True), 1
        if kind == "parquet":
            return con.read_parquet(str(file)), 1
    except duckdb.Error as err:
        raise UnreadableExport(file, err, damaged_hint()) from err
    if kind == "csv":
        data: pa.Table | pd.DataFrame = _transcoded_csv(file, encoding)
        sheets = 1
    else:
        codes = {c.lower() for c in code_columns}
        data, sheets = _xlsx_frame(file, codes, number_marker)
    con.register(f"{view}_df", data)
    return con.table(f"{view}_df"), sheets


def write_parquet_chunks(
    chunks: Iterable[pd.DataFrame], path: str | os.PathLike[str], /
) -> int:
    """Write frames as one Parquet file of text columns (to ``path`` as given).

    Meant for a temporary path from :func:`geo_priority.io.atomic_path`.

    Parameters
    ----------
    chunks : iterable of pandas.DataFrame
        Parts with the same columns; written one by one (bounded memory).
    path : path-like
        Output file.

    Returns
    -------
    int
        Rows written.
    """
    writer: pq.ParquetWriter | None = None
    rows = 0
    # one writer thread: Parquet encoding releases the GIL, so the next chunk
    # is made while this one is written; at most one write is pending
    pending: Future[None] | None = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            for frame in chunks:
                table = pa.Table.from_pandas(
                    frame.astype("string"), preserve_index=False
                )
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, table.cast(writer.schema))
                rows += len(frame)
            if pending is not None:
                pending.result()
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                wait([pending])
            if writer is not None:
                writer.close()
    return rows


def write_csv_chunks(
    chunks: Iterable[pd.DataFrame], path: str | os.PathLike[str], /
) -> int:
    """Write frames as one UTF-8 CSV (header once; to ``path`` as given).

    Returns
    -------
    int
        Rows written.
    """
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for i, frame in enumerate(chunks):
            frame.to_csv(handle, index=False, header=i == 0)
            rows += len(frame)
    return rows


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame], path: str | os.PathLike[str], /
) -> int:
    """Write one sheet per frame (names cut to Excel's 31 characters).

    Returns
    -------
    int
        Rows written over all sheets.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return sum(len(f) for f in sheets.values())


def write_parquet(
    frame: pd.DataFrame, path: str | os.PathLike[str], /, *, overwrite: bool = False
) -> Path:
    """Write ``frame`` as Parquet atomically (no index).

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write.
    path : path-like
        Output file.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError, InputError
        See :func:`geo_priority.io.atomic_path`.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        frame.to_parquet(tmp, index=False)
    return Path(path)
