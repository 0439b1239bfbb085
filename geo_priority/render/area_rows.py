"""The map's area data (each view's ``props``), built a column at a time.

Every area of a view is one row: ``{"id", "name", "place", "s", "r", "c",
"f", "lp", "rb", "sb"}`` (code, name, place, score rounded to 3 decimals,
rank, class per layer, shown text per column, label anchor, rank
robustness, score basis). A national desa map has 83,402 of them; the
helpers here read each column once (numpy, pyarrow) and put the rows
together at the end, giving the same values as reading them cell by cell.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from json.encoder import encode_basestring
from typing import Any, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_priority.render.fixed_columns import rounded

__all__ = [
    "PackedRows",
    "area_ids",
    "area_rows",
    "optional_numbers",
    "packed_heads",
    "packed_rows",
    "scores_shown",
    "texts_or",
    "whole_numbers",
]


def area_ids(values: pd.Series) -> list[str]:
    """Return ``str(v)`` of every cell (a missing one as pandas writes it).

    Examples
    --------
    >>> area_ids(pd.Series(["36.01", "36.02"], dtype="string"))
    ['36.01', '36.02']
    """
    if isinstance(values.dtype, pd.StringDtype) and not values.isna().any():
        texts: list[str] = values.to_list()
        return texts
    return [str(v) for v in values.to_list()]


def texts_or(values: pd.Series, missing: Sequence[str] | str) -> list[str]:
    """Return ``str(v)``, or ``missing`` (one text or one per row) where NA.

    Examples
    --------
    >>> texts_or(pd.Series(["Lebak", None], dtype="string"), "")
    ['Lebak', '']
    >>> texts_or(pd.Series([3601, None], dtype="object"), ["a", "b"])
    ['3601', 'b']
    """
    absent = values.isna().to_numpy()
    out: list[Any] = values.to_list()
    if not isinstance(values.dtype, pd.StringDtype):  # non-NA cells may not be str
        out = [v if type(v) is str else str(v) for v in out]
    for i in np.flatnonzero(absent).tolist():
        out[i] = missing if isinstance(missing, str) else missing[i]
    return out


def whole_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return ``int(v)`` of every cell as int64, and where a cell is NA.

    Integer columns (nullable ``Int64``/``Int8`` too) are read as they are,
    float columns truncated toward zero as ``int()`` does; a missing cell
    reads 0.

    Raises
    ------
    TypeError, ValueError
        For a cell that ``int()`` cannot read, as ``int()`` would.

    Examples
    --------
    >>> n, absent = whole_numbers(pd.Series([3, None, 7], dtype="Int64"))
    >>> n.tolist(), absent.tolist()
    ([3, 0, 7], [False, True, False])
    >>> whole_numbers(pd.Series([2.9, -1.5]))[0].tolist()
    [2, -1]
    """
    absent = values.isna().to_numpy()
    dtype = values.dtype
    if pd.api.types.is_signed_integer_dtype(dtype) or (
        pd.api.types.is_unsigned_integer_dtype(dtype) and dtype.itemsize < 8
    ):
        return values.to_numpy(dtype=np.int64, na_value=0), absent
    if pd.api.types.is_float_dtype(dtype):
        floats = values.to_numpy(dtype=np.float64, na_value=0.0)
        if np.all(np.abs(floats) < 2.0**62):
            return np.trunc(floats).astype(np.int64), absent
    cells = values.to_list()
    out = [0 if a else int(v) for v, a in zip(cells, absent.tolist(), strict=True)]
    return np.asarray(out, dtype=np.int64), absent


def optional_numbers(
    values: np.ndarray, absent: np.ndarray
) -> list[int | float | None]:
    """Return ``values`` as Python numbers, None where ``absent``.

    Examples
    --------
    >>> optional_numbers(np.array([1.5, 2.0]), np.array([False, True]))
    [1.5, None]
    """
    out: list[int | float | None] = values.tolist()
    for i in np.flatnonzero(absent).tolist():
        out[i] = None
    return out


def scores_shown(scores: pd.Series) -> list[int | float | None]:
    """Return ``round(float(s), 3)`` of every score, None where missing.

    Examples
    --------
    >>> scores_shown(pd.Series([2.99149, None]))
    [2.991, None]
    """
    absent = scores.isna().to_numpy()
    values = scores.to_numpy(dtype=np.float64, na_value=np.nan)
    return optional_numbers(rounded(values, 3), absent)


def area_rows(
    columns: dict[str, Sequence[Any]],
    classes: np.ndarray,
    shown: Sequence[Sequence[str]],
    label_points: Sequence[Any] | None,
    extras: dict[str, Sequence[Any]],
) -> list[dict[str, Any]]:
    """Put the columns together into one dict per area.

    Parameters
    ----------
    columns : dict
        ``id``, ``name``, ``place``, ``s``, ``r``: one value per area.
    classes : numpy.ndarray
        Class codes (``c``), one row per area, one column per layer.
    shown : sequence of sequences of str
        The shown texts, one sequence per column (``f``, per area a list).
    label_points : sequence of (lat, lon) or None
        ``lp`` of each area; None (all, or one area's) leaves ``lp`` out.
    extras : dict
        ``rb`` and ``sb``: per area a value, kept only when truthy.

    Returns
    -------
    list of dict
        In the key order ``id, name, place, s, r, c, f, lp, rb, sb``.

    Examples
    --------
    >>> rows = area_rows(
    ...     {"id": ["1"], "name": ["A"], "place": [""], "s": [0.5], "r": [1]},
    ...     np.array([[2]]), [["0,5"]], None, {"rb": [None], "sb": [[]]},
    ... )
    >>> rows
    [{'id': '1', 'name': 'A', 'place': '', 's': 0.5, 'r': 1, 'c': [2], 'f': ['0,5']}]
    """
    with _collector_paused():
        return _rows(columns, classes, shown, label_points, extras)


class PackedRows(Sequence[dict[str, Any]]):
    """A view's area rows kept as the JSON the page reads (UTF-8 bytes).

    :func:`packed_rows` writes them column-wise, the bytes ``json.dumps``
    writes of :func:`area_rows`' list (``ensure_ascii=False``, no spaces);
    :func:`geo_priority.render.packing.pack_json` packs the bytes as they
    are. Read as a sequence, the rows are decoded from the bytes once (a
    read-only view: changing a decoded row does not change the bytes).

    Examples
    --------
    >>> rows = PackedRows(b'[{"id":"1"}]', 1)
    >>> len(rows), rows[0], rows.json_bytes()
    (1, {'id': '1'}, b'[{"id":"1"}]')
    """

    def __init__(self, text: bytes, count: int) -> None:
        self._text = text
        self._count = count
        self._decoded: list[dict[str, Any]] | None = None

    def json_bytes(self) -> bytes:
        """Return the rows as JSON, UTF-8."""
        return self._text

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if self._decoded is None:
            self._decoded = json.loads(self._text)
        return self._decoded[index]


def packed_rows(
    columns: dict[str, Sequence[Any]],
    classes: np.ndarray,
    shown: Sequence[Sequence[str]],
    label_points: Sequence[Any] | None,
    extras: dict[str, Sequence[Any]],
    *,
    heads: Sequence[Any] | None = None,
) -> PackedRows:
    """Write :func:`area_rows` of the same columns as JSON, column-wise.

    ``heads``: :func:`packed_heads` of ``columns``, ``classes`` and
    ``shown``, written before the label points are known.

    Every value is written as ``json.dumps`` writes it (texts through its
    own string encoder, floats by ``repr``, missing as ``null``), each
    column at once; pyarrow puts the pieces of the rows together. The
    bytes equal ``json.dumps(area_rows(...), ensure_ascii=False,
    separators=(",", ":"))`` encoded as UTF-8.

    Examples
    --------
    >>> rows = packed_rows(
    ...     {"id": ["1"], "name": ["A"], "place": [""], "s": [0.5], "r": [None]},
    ...     np.array([[2, -1]]), [["0,5"]], None, {"sb": ["x"]},
    ... )
    >>> rows.json_bytes()
    b'[{"id":"1","name":"A","place":"","s":0.5,"r":null,"c":[2,-1],"f":["0,5"],"sb":"x"}]'
    """
    n = len(columns["id"])
    if n == 0:
        return PackedRows(b"[]", 0)
    pieces = list(heads) if heads is not None else packed_heads(columns, classes, shown)
    pieces += [_tails(label_points, extras, n), "},"]
    rows = pc.binary_join_element_wise(*pieces, "")
    whole = pc.binary_join(
        pa.ListArray.from_arrays(pa.array([0, n], pa.int32()), rows), ""
    )
    text: str = whole[0].as_py()
    return PackedRows(b"[" + text[:-1].encode("utf-8") + b"]", n)


def packed_heads(
    columns: dict[str, Sequence[Any]],
    classes: np.ndarray,
    shown: Sequence[Sequence[str]],
) -> list[Any]:
    """Return the pieces of :func:`packed_rows`' rows before the label points."""
    pieces: list[Any] = []
    for key in ("id", "name", "place", "s", "r"):
        pieces += [f',"{key}":', _json_column(columns[key])]
    pieces[0] = '{"id":'
    pieces += [',"c":[', _joined(_ints_text(c) for c in classes.T), '],"f":[']
    pieces += [_joined(_json_column(col) for col in shown), "]"]
    return pieces


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_column(values: Sequence[Any]) -> pa.StringArray:
    """Write every value as ``json.dumps`` does; a column of one type at once."""
    cells = list(values)
    kinds = set(map(type, cells))
    if kinds <= {str}:
        texts = list(map(encode_basestring, cells))
    elif kinds <= {int, type(None)}:
        texts = ["null" if v is None else int.__repr__(v) for v in cells]
    elif kinds <= {float, type(None)} and all(
        v is None or math.isfinite(v) for v in cells
    ):
        texts = ["null" if v is None else float.__repr__(v) for v in cells]
    else:
        texts = list(map(_dumps, cells))
    return pa.array(texts, pa.string())


def _ints_text(values: np.ndarray) -> pa.StringArray:
    """Write whole numbers as JSON does (``-1``, ``12``)."""
    texts: pa.StringArray = pc.cast(pa.array(values.astype(np.int64)), pa.string())
    return texts


def _joined(columns: Iterator[pa.StringArray]) -> pa.StringArray | str:
    """Join the columns' texts row by row with commas ("" without columns)."""
    parts = list(columns)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    joined: pa.StringArray = pc.binary_join_element_wise(*parts, ",")
    return joined


def _tails(
    label_points: Sequence[Any] | None, extras: dict[str, Sequence[Any]], n: int
) -> pa.StringArray | str:
    """Return the optional keys of each row (``lp``, ``rb``, ``sb``), as JSON."""
    tails = [""] * n
    present = False
    if label_points is not None:
        for i, lp in enumerate(label_points):
            if lp is not None:
                tails[i] = ',"lp":' + _dumps(list(lp))
                present = True
    for key, values in extras.items():
        for i, value in zip(range(n), values, strict=True):
            if value:
                tails[i] += f',"{key}":' + _dumps(value)
                present = True
    return pa.array(tails, pa.string()) if present else ""


def _rows(
    columns: dict[str, Sequence[Any]],
    classes: np.ndarray,
    shown: Sequence[Sequence[str]],
    label_points: Sequence[Any] | None,
    extras: dict[str, Sequence[Any]],
) -> list[dict[str, Any]]:
    n = len(columns["id"])
    class_rows: list[list[int]] = classes.tolist()
    shown_rows: Any = (
        map(list, zip(*shown, strict=True)) if shown else ([] for _ in range(n))
    )
    rows = [
        {"id": i, "name": m, "place": p, "s": s, "r": r, "c": c, "f": f}
        for i, m, p, s, r, c, f in zip(
            columns["id"],
            columns["name"],
            columns["place"],
            columns["s"],
            columns["r"],
            class_rows,
            shown_rows,
            strict=True,
        )
    ]
    if label_points is not None:
        for row, lp in zip(rows, label_points, strict=True):
            if lp is not None:  # None: the page anchors the label (display.py)
                row["lp"] = list(lp)
    for key, values in extras.items():
        for row, value in zip(rows, values, strict=True):
            if value:
                row[key] = value
    return rows


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the rows are made.

    The rows hold no reference cycles, but each of their dicts and lists
    (250,000 on a national desa map) counts towards the collector's
    thresholds, and with a national map's data in memory the collections
    that sets off took longer than making the rows (0.26 against 0.055
    CPU-s). It runs again afterwards, if it ran before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
