"""Read a table file of each format into a raw frame of cleaned cells.

Delimited text is decoded (UTF-8, UTF-16 with BOM, Windows-1252) and its
delimiter sniffed; Excel workbooks are read one sheet at a time with openpyxl;
Parquet with pyarrow. Each reader strips the cells, turns the
:data:`~geo_priority.io.cells.MISSING_MARKERS` into missing values, takes the
first row as the header and drops empty rows. Making code columns text and
value columns numbers is left to :func:`geo_priority.io.table.read_table`.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from geo_priority.errors import InputError, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.io.cells import INVISIBLE, MISSING_MARKERS, format_cell, is_missing
from geo_priority.io.file_checks import unreadable
from geo_priority.messages import tr

__all__ = ["reader_for", "table_label"]

#: Delimiters tried, in order of preference when several fit equally well.
_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")


# --------------------------------------------------------------------------
# building the raw frame
# --------------------------------------------------------------------------


def _clean_cells(series: pd.Series) -> pd.Series:
    """Strip texts and turn the :data:`MISSING_MARKERS` into missing values."""
    if isinstance(series.dtype, pd.StringDtype):
        text = series.str.strip().str.strip(INVISIBLE).str.strip()
        return text.mask(text.isin(MISSING_MARKERS))
    if series.dtype != object:
        return series

    def clean(value: object) -> object:
        if isinstance(value, str):
            text = value.strip().strip(INVISIBLE).strip()
            return None if text in MISSING_MARKERS else text
        return None if is_missing(value) else value

    return series.map(clean).astype(object)


def _check_unique_columns(names: Sequence[str], source: Path) -> None:
    """Raise SchemaError when a column name appears more than once."""
    counts = Counter(names)
    dupes = [f"{n!r} ({c}×)" for n, c in counts.items() if c > 1]
    if dupes:
        raise SchemaError(
            tr(
                "table {name!r} has duplicate column names: {value}. Rename the "
                "columns so every name is unique.",
                name=source.name,
                value=", ".join(dupes),
            )
        )


def _header_names(cells: Sequence[object]) -> list[str]:
    """Return header cells as names; blank cells become ``column_<n>``."""
    return [format_cell(c) or f"column_{i + 1}" for i, c in enumerate(cells)]


def table_label(source: Path, sheet: str | None = None) -> str:
    """Return ``table 'x.xlsx' (sheet 'data')`` for messages."""
    where = f" (sheet {sheet!r})" if sheet is not None else ""
    return f"table {source.name!r}{where}"


def _frame_from_rows(
    raw: pd.DataFrame, source: Path, sheet: str | None = None
) -> pd.DataFrame:
    """Use the first row of a header-less frame as the column names."""
    if raw.empty:
        raise InputError(
            tr(
                "{value} is empty. Check that you chose the right file (or sheet) "
                "and that it was exported completely.",
                value=table_label(source, sheet),
            )
        )
    header = raw.iloc[0].tolist()
    names = _header_names(header)
    body = pd.DataFrame({c: _clean_cells(raw[c].iloc[1:]) for c in raw.columns})
    keep = [
        bool(format_cell(cell)) or body[col].notna().any()
        for col, cell in zip(raw.columns, header, strict=True)
    ]
    body = body.loc[:, keep]
    body.columns = [n for n, k in zip(names, keep, strict=True) if k]
    _check_unique_columns(list(body.columns), source)
    return body.dropna(how="all").reset_index(drop=True)


# --------------------------------------------------------------------------
# readers
# --------------------------------------------------------------------------


def _decode(raw: bytes, source: Path) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "cp1252")
    error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            error = err
            continue
        if "\x00" in text:
            raise InputError(
                tr(
                    "table {name!r} contains NUL bytes, so it is not a text table. "
                    "Check that it is really a CSV file, or save it as 'CSV UTF-8'.",
                    name=source.name,
                )
            )
        return text, encoding
    raise unreadable(
        source,
        "table",
        error or ValueError("undecodable"),
        tr("It is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'."),
    ) from error


def _field_counts(lines: Sequence[str], delimiter: str) -> list[int]:
    """Return the number of fields of each line when split by ``delimiter``."""
    return [len(row) for row in csv.reader(lines, delimiter=delimiter)]


def _sniff_delimiter(text: str) -> str:
    """Choose the delimiter that splits the header and most rows alike.

    A candidate must split the header into at least two fields; the score is
    the share of the first 50 lines with as many fields as the header. Ties go
    to the earlier entry of ``, ; tab |``. One-column tables get ``,``.
    """
    lines = [line for line in text.splitlines()[:51] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in _DELIMITERS:
        counts = _field_counts(lines, delimiter)
        if not counts or counts[0] < 2:
            continue
        score = sum(c == counts[0] for c in counts) / len(counts)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_delimited(source: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read CSV/TSV/TXT text, every cell as a string first."""
    _check_no_sheet(source, sheet)
    text, encoding = _decode(source.read_bytes(), source)
    if not text.strip():
        raise InputError(
            tr(
                "table {name!r} is empty (no text).",
                name=source.name,
            )
        )
    delimiter = "\t" if source.suffix.lower() == ".tsv" else _sniff_delimiter(text)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as err:
        raise unreadable(
            source,
            "table",
            err,
            tr(
                "Check the quoting and that every row has the same number of "
                "{delimiter!r}-separated fields as the header.",
                delimiter=delimiter,
            ),
        ) from err
    frame = _frame_from_rows(raw, source)
    frame.attrs.update(format="csv", encoding=encoding, delimiter=delimiter)
    return frame


def _check_no_sheet(source: Path, sheet: str | int | None) -> None:
    """Raise when ``sheet`` is given for a file that has no sheets."""
    if sheet is not None:
        raise InputError(
            tr(
                "sheet={sheet!r} was given, but {name!r} is not an Excel workbook. "
                "Remove sheet, or point to the .xlsx file.",
                sheet=sheet,
                name=source.name,
            )
        )


#: What openpyxl raises for damaged workbooks (XML parse errors, from the
#: standard library or lxml, are SyntaxError subclasses).
def _excel_errors() -> tuple[type[BaseException], ...]:
    """Return them; openpyxl is imported only when a workbook is read."""
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        zipfile.BadZipFile,
        InvalidFileException,
        SyntaxError,
        KeyError,
        ValueError,
        OSError,
        EOFError,
    )


def _excel_hint() -> str:
    """Say what to do with a workbook that cannot be read."""
    return tr(
        "The workbook may be truncated, password-protected or not an .xlsx file; "
        "open and re-save it in Excel, or export the sheet as CSV."
    )


def _choose_sheet(names: Sequence[str], sheet: str | int | None, source: Path) -> str:
    """Return the sheet name chosen by name or 0-based index (default: first)."""
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return str(sheet)
    raise InputError(
        tr(
            "sheet {sheet!r} not found in {name!r}. Its sheets are {value}; "
            "choose one by name or by 0-based index (sheet=0 is the first).",
            sheet=sheet,
            name=source.name,
            value=shorten_list(names),
        )
    )


def _read_excel(source: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read one sheet of an .xlsx/.xlsm workbook; the first row is the header."""
    try:
        book = pd.ExcelFile(source, engine="openpyxl")
    except _excel_errors() as err:
        raise unreadable(source, "table", err, _excel_hint()) from err
    with book:
        name = _choose_sheet(book.sheet_names, sheet, source)
        try:
            raw = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
        except _excel_errors() as err:
            raise unreadable(source, "table", err, _excel_hint()) from err
    frame = _frame_from_rows(raw, source, name)
    frame.attrs.update(format="xlsx", sheet=name)
    return frame


def _load_parquet(source: Path) -> pa.Table:
    """Read a whole Parquet file into an Arrow table."""
    import pyarrow.parquet as pq  # not imported by a run without Parquet files

    try:
        with pq.ParquetFile(source) as parquet:
            return parquet.read()
    except (pa.ArrowException, OSError, ValueError) as err:
        raise unreadable(
            source,
            "table",
            err,
            tr(
                "The file may be truncated or not Parquet; re-download or re-export it."
            ),
        ) from err


def _read_parquet(source: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read a Parquet file with pyarrow, keeping its column types."""
    _check_no_sheet(source, sheet)
    table = _load_parquet(source)
    _check_unique_columns(table.column_names, source)
    frame = table.to_pandas()
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    names = [str(c).strip() for c in frame.columns]
    _check_unique_columns(names, source)
    columns = {n: _clean_cells(frame.iloc[:, i]) for i, n in enumerate(names)}
    body = pd.DataFrame(columns, index=frame.index)
    body = body.dropna(how="all").reset_index(drop=True)
    body.attrs = {"format": "parquet"}
    return body


_READERS: dict[str, Callable[[Path, str | int | None], pd.DataFrame]] = {
    ".csv": _read_delimited,
    ".tsv": _read_delimited,
    ".txt": _read_delimited,
    ".xlsx": _read_excel,
    ".xlsm": _read_excel,
    ".parquet": _read_parquet,
}


def reader_for(source: Path) -> Callable[[Path, str | int | None], pd.DataFrame]:
    """Look up the reader for the file's extension."""
    suffix = source.suffix.lower()
    if suffix not in _READERS:
        raise InputError(
            tr(
                "cannot read table {name!r}: unknown extension {suffix!r}. "
                "Supported: {value}. Save the table in one of these formats (old "
                ".xls workbooks: re-save as .xlsx).",
                name=source.name,
                suffix=suffix,
                value=", ".join(sorted(_READERS)),
            )
        )
    return _READERS[suffix]
