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
:mod:`geo_priority.io.numbers`; how each file format is decoded and read into
raw cells, in :mod:`geo_priority.io.table_readers`. This module turns those
cells into the table: code columns text, value columns numbers, a BPS export
into the long layout, and checks that the columns a config names exist.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pandas as pd

from geo_priority.errors import InputError, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.io.bps import bps_export_to_long, looks_like_bps_export
from geo_priority.io.cells import (
    MISSING_MARKERS,
    codes_as_text,
    looks_like_code_column,
)
from geo_priority.io.file_checks import check_file
from geo_priority.io.numbers import DecimalMark, convert_values, split_cells
from geo_priority.io.table_readers import reader_for, table_label
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

# --------------------------------------------------------------------------
# making code columns text and value columns numbers
# --------------------------------------------------------------------------


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
                value=table_label(source, frame.attrs.get("sheet")),
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
    source = check_file(path, "table")
    reader = reader_for(source)
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
