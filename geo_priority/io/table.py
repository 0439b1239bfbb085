"""Read indicator tables (CSV, Excel, Parquet) without mangling region codes.

Every reader returns a plain :class:`pandas.DataFrame` whose *code columns* are
text (``"007"`` stays ``"007"``, a number ``3601`` becomes ``"3601"``) and whose
value columns are numbers wherever every value parses as one. Indonesian number
formats (``9,27``, ``1.234.567``, ``1.234,5``) are understood.

The frame's ``attrs`` record how it was read, so later messages can name the
file: ``source`` (the path as a string), ``kind`` (``"table"``), ``format``,
``code_columns``, ``decimal_marks`` and ``percent_columns``, plus ``encoding``
and ``delimiter`` for delimited text and ``sheet`` for Excel workbooks.

Which cells are missing and which columns hold codes is decided in
:mod:`geo_priority.io.cells`; how numbers written as text are read, in
:mod:`geo_priority.io.numbers`. This module sniffs and reads the files.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geo_priority.errors import InputError, SchemaError
from geo_priority.formatting import shorten_list, shorten_text
from geo_priority.io.bps import bps_export_to_long, looks_like_bps_export
from geo_priority.io.cells import (
    INVISIBLE,
    MISSING_MARKERS,
    codes_as_text,
    format_cell,
    is_missing,
    looks_like_code_column,
)
from geo_priority.io.numbers import DecimalMark, convert_values, split_cells
from geo_priority.messages import tr

__all__ = [
    "MISSING_MARKERS",
    "TableLayout",
    "check_columns",
    "codes_as_text",
    "looks_like_code_column",
    "read_table",
]

#: How a table is laid out; ``"bps"`` is a BPS dynamic-table export, read into
#: the long layout by :mod:`geo_priority.io.bps` (``"auto"`` detects it).
TableLayout = Literal["auto", "long", "wide", "bps"]

#: Delimiters tried, in order of preference when several fit equally well.
_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")


# --------------------------------------------------------------------------
# small shared helpers (also imported by vector.py and output.py)
# --------------------------------------------------------------------------


def _check_file(path: str | os.PathLike[str], what: str) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path`, or raise if it does not exist."""
    source = Path(path)
    if not source.exists():
        hint = (
            ""
            if source.is_absolute()
            else tr(
                " (relative paths start from {folder!r})",
                folder=shorten_text(os.getcwd(), 80),
            )
        )
        raise InputError(_not_found(what, shorten_text(str(source), 120), hint))
    return source


def _not_found(what: str, path: str, hint: str) -> str:
    """Say that the ``what`` file (table, boundaries, raster) does not exist."""
    if what == "boundaries":
        return tr(
            "boundary file {path!r} not found. Check the path{hint} "
            "(boundaries.path in the config).",
            path=path,
            hint=hint,
        )
    if what == "raster":
        return tr(
            "raster file {path!r} not found. Check the path{hint}.",
            path=path,
            hint=hint,
        )
    return tr(
        "table file {path!r} not found. Check the path{hint} (tables.path in the "
        "config).",
        path=path,
        hint=hint,
    )


def _unreadable(source: Path, what: str, err: BaseException, hint: str) -> InputError:
    """Build the error for a file the reader could not parse."""
    reason = " ".join(str(err).split()).rstrip(".") or type(err).__name__
    reason = shorten_text(reason, 150)
    return InputError(_cannot_read(what, shorten_text(str(source), 120), reason, hint))


def _cannot_read(what: str, path: str, reason: str, hint: str) -> str:
    """Say that the ``what`` file could not be read, the reader's reason and a fix."""
    if what == "boundaries":
        return tr(
            "cannot read boundary file {path!r} (reader says: {reason}). {hint}",
            path=path,
            reason=reason,
            hint=hint,
        )
    if what == "raster":
        return tr(
            "cannot read raster file {path!r} (reader says: {reason}). {hint}",
            path=path,
            reason=reason,
            hint=hint,
        )
    return tr(
        "cannot read table file {path!r} (reader says: {reason}). {hint}",
        path=path,
        reason=reason,
        hint=hint,
    )


# --------------------------------------------------------------------------
# building the frame
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


def _label(source: Path, sheet: str | None = None) -> str:
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
                value=_label(source, sheet),
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


def _code_columns(
    frame: pd.DataFrame, listed: Sequence[str], source: Path
) -> list[str]:
    """Return the columns kept as text: those ``listed`` plus code-like names."""
    missing = [c for c in listed if c not in frame.columns]
    if missing:
        raise SchemaError(
            tr(
                "code column(s) {value} not found in table {name!r}. Available "
                "columns: {value2}. Check code_columns (the id column settings in "
                "the config).",
                value=shorten_list(missing),
                name=source.name,
                value2=shorten_list(frame.columns),
            )
        )
    return [c for c in frame.columns if c in listed or looks_like_code_column(c)]


def _finalise(
    frame: pd.DataFrame, source: Path, code_columns: Sequence[str], default: DecimalMark
) -> pd.DataFrame:
    """Make code columns text and value columns numbers; record attrs."""
    if frame.empty:
        raise InputError(
            tr(
                "{value} is empty: it has a header row but no data rows. Check that "
                "the file was exported completely.",
                value=_label(source, frame.attrs.get("sheet")),
            )
        )
    codes = _code_columns(frame, code_columns, source)
    to_convert = [
        c
        for c in frame.columns
        if c not in codes and not _is_number_dtype(frame[c].dtype)
    ]
    numbers, marks = convert_values(frame, to_convert, default)
    columns = {c: numbers.get(c, frame[c]) for c in frame.columns}
    for col in set(codes) | (set(to_convert) - set(numbers)):
        columns[col] = codes_as_text(frame[col])
    out = pd.DataFrame(columns, index=frame.index)
    out.attrs = {
        **frame.attrs,
        "source": str(source),
        "kind": "table",
        "code_columns": codes,
        "decimal_marks": marks,
        "percent_columns": _percent_columns(frame, list(numbers)),
    }
    return out


def _is_number_dtype(dtype: object) -> bool:
    """Return True for int/float dtypes (not bool)."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(
        dtype
    )


def _percent_columns(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """Return the numeric columns in which a value ended with ``%``."""
    return [c for c in columns if split_cells(frame[c])[1].str.endswith("%").any()]


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
    raise _unreadable(
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
        raise _unreadable(
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
        raise _unreadable(source, "table", err, _excel_hint()) from err
    with book:
        name = _choose_sheet(book.sheet_names, sheet, source)
        try:
            raw = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
        except _excel_errors() as err:
            raise _unreadable(source, "table", err, _excel_hint()) from err
    frame = _frame_from_rows(raw, source, name)
    frame.attrs.update(format="xlsx", sheet=name)
    return frame


def _load_parquet(source: Path) -> pa.Table:
    """Read a whole Parquet file into an Arrow table."""
    try:
        with pq.ParquetFile(source) as parquet:
            return parquet.read()
    except (pa.ArrowException, OSError, ValueError) as err:
        raise _unreadable(
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


def _reader_for(source: Path) -> Callable[[Path, str | int | None], pd.DataFrame]:
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


def read_table(
    path: str | os.PathLike[str],
    /,
    *,
    sheet: str | int | None = None,
    code_columns: Sequence[str] = (),
    layout: TableLayout = "auto",
) -> pd.DataFrame:
    r"""Read an indicator table, keeping code columns as text.

    Delimited text (``.csv``, ``.tsv``, ``.txt``) is decoded as UTF-8 (with
    or without BOM), UTF-16 with BOM, or else Windows-1252; the delimiter is
    sniffed among ``,`` ``;`` tab and ``|``. Excel workbooks (``.xlsx``,
    ``.xlsm``) are read with openpyxl; **the first row is the header** (remove
    title rows above it). Parquet is read with pyarrow. Surrounding
    whitespace (including NBSP) is stripped from every text cell, and the
    :data:`MISSING_MARKERS` (``""``, ``-``, ``NA``, ``N/A``, ``…`` ...) become
    missing values. Rows and unnamed columns that are entirely empty are
    dropped; other unnamed columns are called ``column_<n>``.

    *Code columns* (those in ``code_columns`` plus every column for which
    :func:`looks_like_code_column` is true) are text: numbers are written
    without ``.0`` (``3601.0`` -> ``"3601"``, ``36.01`` -> ``"36.01"``);
    texts are only stripped.

    Every other column becomes ``float64`` when all its non-missing values
    are numbers, and stays text otherwise (Parquet number columns keep their
    type). A trailing ``%`` is removed (``9,27%`` -> ``9.27``, not divided by
    100). The decimal mark is decided per column:

    1. A value that can only be read one way decides it: ``9,27``, ``0,5``,
       ``1.234,5`` or ``1.234.567`` mean decimal comma (dot groups thousands);
       ``9.27``, ``0.5``, ``1,234.5`` or ``1,234,567`` mean decimal point.
       A column with proof of both stays text.
    2. Otherwise (only integers and ambiguous ``1.234``/``1,234`` values) the
       mark the other columns agreed on is used; without agreement, a comma
       when the file is ``;``-delimited, else a point. So ``1.234`` is 1234
       next to ``9,27`` and 1.234 next to ``9.27``.

    Parameters
    ----------
    path : str or os.PathLike
        Table file.
    sheet : str or int, optional
        Excel sheet name or 0-based index; default the first sheet. Only
        allowed for Excel files.
    code_columns : sequence of str, optional
        Columns to keep as text in addition to the code-like names.
    layout : {"auto", "long", "wide", "bps"}, default "auto"
        ``"bps"`` reads a BPS dynamic-table export (``Nama Wilayah`` then
        ``<indicator>_Tahun <year>`` columns, province header rows) into the
        long frame of :func:`geo_priority.io.bps.bps_export_to_long`;
        ``"auto"`` does so when the headers are those of such an export.
        The other layouts read the table as it is.

    Returns
    -------
    pandas.DataFrame
        With a fresh ``RangeIndex`` and the ``attrs`` described in the module
        docstring.

    Raises
    ------
    InputError
        Missing, empty, unreadable or truncated file; unknown extension;
        unknown sheet; ``sheet`` given for a non-Excel file.
    SchemaError
        Duplicate column names, or a ``code_columns`` entry not in the table.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("kode;p0\n3601;9,27\n3602;1.234,5\n", encoding="utf-8")
    >>> df = read_table(path)
    >>> df["kode"].tolist(), df["p0"].tolist()
    (['3601', '3602'], [9.27, 1234.5])
    """
    source = _check_file(path, "table")
    reader = _reader_for(source)
    if source.is_dir():
        raise InputError(
            tr(
                "table {value!r} is a folder. Give the path of the table file.",
                value=str(source),
            )
        )
    if source.stat().st_size == 0:
        raise InputError(
            tr(
                "table {name!r} is empty (0 bytes).",
                name=source.name,
            )
        )
    frame = reader(source, sheet)
    default: DecimalMark = "," if frame.attrs.get("delimiter") == ";" else "."
    if _is_bps_export(frame, layout):
        long = bps_export_to_long(_finalise(frame, source, (), default))
        _code_columns(long, code_columns, source)
        return long
    return _finalise(frame, source, code_columns, default)


def _is_bps_export(frame: pd.DataFrame, layout: TableLayout) -> bool:
    """Tell whether to read ``frame`` as a BPS export (declared or detected)."""
    if layout not in ("auto", "long", "wide", "bps"):
        raise InputError(
            tr(
                "layout {layout!r} is not known; tables.layout must be one of "
                "'auto', 'long', 'wide' or 'bps'.",
                layout=layout,
            )
        )
    return layout == "bps" or (
        layout == "auto" and looks_like_bps_export(list(frame.columns))
    )


def _did_you_mean(name: str, available: Sequence[str]) -> str:
    """Return `` Did you mean 'x'?`` for a near miss, else an empty string."""

    def key(text: str) -> str:
        return re.sub(r"[\s_\-]+", "_", text.strip().lower())

    same = [a for a in available if key(a) == key(name)]
    close = same or difflib.get_close_matches(name, list(available), n=1, cutoff=0.8)
    return tr(" Did you mean {column!r}?", column=close[0]) if close else ""


def check_columns(df: pd.DataFrame, required: Sequence[str], *, what: str) -> None:
    """Raise SchemaError naming every ``required`` column that ``df`` lacks.

    Parameters
    ----------
    df : pandas.DataFrame
        Table as returned by :func:`read_table` (its ``attrs["source"]``, if
        any, names the file in the message).
    required : sequence of str
        Column names that must be present.
    what : str
        What the columns are for, e.g. ``"indicator"`` or ``"id"``; the
        message starts ``"<what> column '<name>' not found"``.

    Raises
    ------
    SchemaError
        When a column is missing; the message lists the available columns
        and suggests a near match.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"kode": [], "p0": []}), ["p0"], what="indicator")
    """
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return
    available = [str(c) for c in df.columns]
    source = df.attrs.get("source")
    name = Path(source).name if source else ""
    if df.attrs.get("kind") == "boundaries" and source:
        where = tr(" in boundary file {name!r}", name=name)
    elif source:
        where = tr(" in table {name!r}", name=name)
    else:
        where = ""
    raise SchemaError(
        tr(
            "{what}: column(s) {columns} not found{where}. Available columns: "
            "{available}.{suggestion}",
            what=_column_role(what),
            columns=shorten_list(missing),
            where=where,
            available=shorten_list(available),
            suggestion=_did_you_mean(missing[0], available),
        )
    )


def _column_role(what: str) -> str:
    """Return what the missing columns are for, in the user's language."""
    roles = {
        "boundary": tr("boundary code or name column"),
        "indicator": tr("indicator column"),
        "table": tr("table column"),
        "id": tr("code column"),
    }
    return roles.get(what, what)
