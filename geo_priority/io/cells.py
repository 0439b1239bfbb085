"""Cells read as text: missing-value markers, code-like column names, codes as text.

Shared by the table reader (:mod:`geo_priority.io.table`) and the vector reader
(:mod:`geo_priority.io.vector`), so a region code reads the same from any file.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd

__all__ = [
    "INVISIBLE",
    "MISSING_MARKERS",
    "codes_as_text",
    "format_cell",
    "is_missing",
    "looks_like_code_column",
]

#: Cell texts read as "no value" (compared after stripping whitespace).
MISSING_MARKERS: frozenset[str] = frozenset(
    {
        "",
        "-",
        "–",
        "—",
        "NA",
        "N/A",
        "n/a",
        "na",
        "NaN",
        "nan",
        "null",
        "NULL",
        "None",
        "#N/A",
        "…",
        "...",
    }
)

#: Characters that ``str.strip()`` keeps but that never belong around a value.
INVISIBLE = "\u200b\ufeff"
_CODE_WORDS = frozenset({"id", "kd", "kode", "code", "pcode", "nik"})
_CODE_PREFIXED = re.compile(r"(?:kd|id)(?:prov|kab|kota|kec|desa|kel)\w*")


# --------------------------------------------------------------------------
# code columns
# --------------------------------------------------------------------------


def looks_like_code_column(name: object) -> bool:
    """Return True when a column name suggests it holds region or person codes.

    The name is split into words at non-alphanumeric characters and at
    camelCase boundaries, then lower-cased. It looks like a code column when
    a word is ``id``, ``kd``, ``kode``, ``code``, ``pcode`` or ``nik``; starts
    with ``kode`` (``KODEDESA``); ends with ``code`` (``villagecode``); or is a
    BPS-style ``kd``/``id`` + level word (``kdkab``, ``iddesa``). ``IDM``
    (Indeks Desa Membangun) is *not* a code column.

    Parameters
    ----------
    name : object
        Column name; non-strings are converted with :func:`str`.

    Returns
    -------
    bool
        Whether values in the column must be kept as text.

    Examples
    --------
    >>> [looks_like_code_column(n) for n in ("kode_desa", "ADM3_PCODE", "IDM")]
    [True, True, False]
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name)).lower()
    words = [w for w in re.split(r"[^a-z0-9]+", spaced) if w]
    return any(
        w in _CODE_WORDS
        or w.startswith("kode")
        or w.endswith("code")
        or _CODE_PREFIXED.fullmatch(w) is not None
        for w in words
    )


def is_missing(value: object) -> bool:
    """Return True for None, NaN, NA and NaT scalars."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_cell(value: object) -> str | None:
    """Return one cell as code text: integral numbers without ``.0``."""
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, Decimal):
        integral = value == value.to_integral_value()
        return str(int(value)) if integral else str(value.normalize())
    text = str(value).strip().strip(INVISIBLE).strip()
    return text or None


def codes_as_text(series: pd.Series, /) -> pd.Series:
    r"""Return ``series`` as text, writing integral numbers without ``.0``.

    Parameters
    ----------
    series : pandas.Series
        Codes stored as numbers, text or a mix (as Excel cells often are).

    Returns
    -------
    pandas.Series
        Default string dtype (``str``); missing values stay missing. Texts are
        stripped of surrounding whitespace (including NBSP) and nothing else.

    Examples
    --------
    >>> codes_as_text(pd.Series([3601.0, 36.01, None])).tolist()
    ['3601', '36.01', nan]
    >>> codes_as_text(pd.Series([" 007\xa0"])).tolist()
    ['007']
    """
    if isinstance(series.dtype, pd.StringDtype):
        text = series.str.strip().str.strip(INVISIBLE).str.strip()
        return text.mask(text == "").astype("str")
    values = [format_cell(v) for v in series]
    return pd.Series(values, index=series.index, dtype="str", name=series.name)
