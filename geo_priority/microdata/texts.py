"""Text columns of the synthetic registry, built column-wise (numpy and pyarrow).

A synthetic tier has millions of persons, and formatting their numbers one
Python string at a time (``"{:08d}".format``, ``astype(str)``, ``Series.map``)
took most of the generator's time. Here every text is made for a whole
column at once, with the same characters as that Python formatting:

* :func:`fixed_text` writes texts of one width (constant parts and
  zero-padded whole numbers) straight into an Arrow string buffer;
* :func:`lookup` picks texts from a small table by index (codes, labels);
* :func:`recode` maps the distinct values of a column, not every row;
* :func:`day_text` formats each distinct day once.

The results are Arrow arrays; :func:`series` wraps one as a pandas column
without copying.

Examples
--------
>>> fixed_text("P3KE-3601-", (np.array([7, 42]), 8)).to_pylist()
['P3KE-3601-00000007', 'P3KE-3601-00000042']
>>> lookup(["L", "P"], np.array([1, 0, 1])).to_pylist()
['P', 'L', 'P']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "arrow",
    "day_text",
    "fixed_text",
    "lookup",
    "number_text",
    "recode",
    "series",
]

Part = str | tuple[np.ndarray, int]


def _width(part: Part) -> int:
    return len(part) if isinstance(part, str) else part[1]


def _put_digits(out: np.ndarray, at: int, values: np.ndarray, digits: int) -> None:
    """Write ``values`` zero-padded to ``digits`` into columns ``at`` onwards."""
    v = np.asarray(values, dtype=np.int64)
    if len(v) and (int(v.min()) < 0 or int(v.max()) >= 10**digits):
        raise ValueError(
            f"values from {int(v.min())} to {int(v.max())} do not fit "
            f"{digits} digits (0 to {10**digits - 1})"
        )
    for k in range(digits - 1, -1, -1):
        v, digit = np.divmod(v, 10)
        out[:, at + k] = digit + 48  # ASCII '0'


def fixed_text(*parts: Part) -> pa.LargeStringArray:
    """Return texts of one width: constant ASCII parts and zero-padded numbers.

    Parameters
    ----------
    *parts : str or (numpy.ndarray, int)
        A text written on every row, or whole numbers and their width
        (``(values, 8)`` is ``"{:08d}".format`` of each value). At least one
        part is numbers; all have the same length.

    Returns
    -------
    pyarrow.LargeStringArray
        One text per row, no nulls.

    Raises
    ------
    ValueError
        When a number is negative or has more digits than its width (a
        ``"{:08d}"`` text would then be wider, so no text is made).

    Examples
    --------
    >>> fixed_text((np.array([5, 12]), 2), "/", (np.array([1, 3]), 4)).to_pylist()
    ['05/0001', '12/0003']
    """
    n = next(len(p[0]) for p in parts if not isinstance(p, str))
    width = sum(_width(p) for p in parts)
    out = np.empty((n, width), dtype=np.uint8)
    at = 0
    for part in parts:
        if isinstance(part, str):
            out[:, at : at + len(part)] = np.frombuffer(part.encode("ascii"), np.uint8)
        else:
            _put_digits(out, at, *part)
        at += _width(part)
    offsets = np.arange(n + 1, dtype=np.int64) * width
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(out.reshape(-1))
    )


def number_text(values: np.ndarray, digits: int) -> pa.LargeStringArray:
    """Return whole numbers of exactly ``digits`` digits as text (``str(v)``).

    Raises
    ------
    ValueError
        When a number has fewer or more digits (``str`` would give another
        width than the one asked for).

    Examples
    --------
    >>> number_text(np.array([3601010101900001]), 16).to_pylist()
    ['3601010101900001']
    """
    v = np.asarray(values, dtype=np.int64)
    if len(v) and int(v.min()) < 10 ** (digits - 1):
        raise ValueError(f"{int(v.min())} has fewer than {digits} digits")
    return fixed_text((v, digits))


def lookup(table: Sequence[str], index: np.ndarray) -> pa.Array:
    """Return ``table[i]`` for each ``i`` of ``index`` (an Arrow string array)."""
    return pa.array(table, pa.large_string()).take(
        pa.array(np.asarray(index, dtype=np.int64))
    )


def recode(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Return ``values.map(mapping)``, looking up each distinct value once.

    Values that are missing or not in ``mapping`` become missing, as with
    :meth:`pandas.Series.map` (whose result type, ``str``, is kept).

    Examples
    --------
    >>> recode(pd.Series(["L", "P", "X"]), {"L": "Laki-laki", "P": "Perempuan"})
    0    Laki-laki
    1    Perempuan
    2          NaN
    dtype: str
    """
    encoded = pc.dictionary_encode(arrow(values))
    words = [mapping.get(v) for v in encoded.dictionary.to_pylist()]
    table = pa.array(words, pa.large_string())
    return series(table.take(encoded.indices), values.index, dtype="str")


def day_text(days: pd.Series, fmt: str) -> pd.Series:
    """Return ``days.dt.strftime(fmt)``, formatting each distinct day once.

    The days of the dates' range are formatted (a century of birth dates is
    36,500 days, for millions of persons) and looked up by their number;
    dates spread wider than there are rows format only the days present.
    Missing dates stay missing.

    Examples
    --------
    >>> day_text(pd.Series(pd.to_datetime(["1970-01-02", None, "1970-01-02"])),
    ...          "%d/%m/%Y").tolist()
    ['02/01/1970', nan, '02/01/1970']
    """
    values = days.to_numpy(dtype="datetime64[D]")
    known = ~np.isnat(values)
    number = values.astype(np.int64)
    present = number[known]
    first = int(present.min()) if len(present) else 0
    span = int(present.max()) - first + 1 if len(present) else 0
    if span <= max(len(values), 1000):
        calendar, at = np.arange(first, first + span), number - first
    else:
        calendar, inverse = np.unique(present, return_inverse=True)
        at = np.zeros(len(number), np.int64)
        at[known] = inverse
    text = pd.Series(calendar.astype("datetime64[D]")).dt.strftime(fmt)
    table = pa.Array.from_pandas(text, type=pa.large_string())
    return series(table.take(pa.array(at, mask=~known)), days.index, "str")


def arrow(values: pd.Series) -> pa.Array:
    """Return a column as one Arrow array (no copy when it is one already)."""
    out = pa.Array.from_pandas(values)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def series(
    values: pa.Array, index: pd.Index | None = None, dtype: str = "string"
) -> pd.Series:
    """Wrap an Arrow string array as a pandas column (``string`` or ``str``)."""
    return pd.Series(pd.array(values, dtype=dtype), index=index, copy=False)
