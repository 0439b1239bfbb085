"""Write tables for spreadsheet users: Excel-friendly CSV and XLSX workbooks.

What goes into the tables (headers, metadata rows, the locale's separators) is
decided by :mod:`geo_priority.export.tables`; this module only writes them,
atomically (:func:`geo_priority.io.atomic_path`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo_priority.io.output import atomic_path

if TYPE_CHECKING:  # openpyxl is imported by pandas when a workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_excel_csv", "write_workbook"]

#: Column widths (characters) of the first sheet: at least, at most.
_MIN_WIDTH, _MAX_WIDTH = 10, 60
#: How many cells of a column are measured for its width.
_MEASURED_ROWS = 50


def write_excel_csv(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    sep: str,
    decimal: str,
    overwrite: bool = False,
) -> Path:
    r"""Write ``table`` as CSV that Excel opens right, atomically.

    The file carries a UTF-8 byte-order mark (so Excel reads non-ASCII text
    such as en dashes) and ``\r\n`` line ends; no index.

    Parameters
    ----------
    table : pandas.DataFrame
        The table, headers as they should read.
    path : path-like
        Output ``.csv``.
    sep : str
        Field separator (``";"`` for Indonesian Excel, ``","`` for English).
    decimal : str
        Decimal mark (``","`` or ``"."``).
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_excel_csv(pd.DataFrame({"a": [1.5]}), out, sep=";", decimal=",")
    >>> out.read_bytes()
    b'\xef\xbb\xbfa\r\n1,5\r\n'
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        table.to_csv(
            tmp,
            index=False,
            sep=sep,
            decimal=decimal,
            encoding="utf-8-sig",
            lineterminator="\r\n",
        )
    return Path(path)


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    /,
    *,
    freeze_panes: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write one sheet per table as an Excel workbook (openpyxl), atomically.

    The first sheet is the main table: its columns are sized to their contents
    (10 to 60 characters) and ``freeze_panes`` is applied to it.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name -> table, in order; no index is written.
    path : path-like
        Output ``.xlsx``.
    freeze_panes : str, optional
        Top-left cell that stays in view on the first sheet, e.g. ``"C2"``.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for i, (name, table) in enumerate(sheets.items()):
                table.to_excel(writer, sheet_name=name, index=False)
                if i == 0:
                    _fit_first_sheet(writer.sheets[name], freeze_panes)
    return Path(path)


def _fit_first_sheet(sheet: Worksheet, freeze_panes: str | None) -> None:
    """Freeze panes and size the columns of an openpyxl worksheet."""
    if freeze_panes:
        sheet.freeze_panes = freeze_panes
    for cells in sheet.columns:
        width = max(len(str(c.value or "")) for c in cells[:_MEASURED_ROWS])
        sheet.column_dimensions[cells[0].column_letter].width = min(
            max(width + 2, _MIN_WIDTH), _MAX_WIDTH
        )
