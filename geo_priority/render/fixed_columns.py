"""Numbers rounded and written a whole column at a time, as one by one.

A national desa map writes about 400,000 numbers (scores, indicator values,
changes) and rounds 83,402 scores for its area data. :func:`fixed_texts`
writes a column exactly as :func:`geo_priority.formatting.format_fixed`
writes each value (``1.234,50`` / ``1,234.50``, no ``-0,00``), and
:func:`rounded` rounds it exactly as Python's ``round(value, decimals)``:
the same strings and floats, from numpy and pyarrow instead of a Python call
per value.

Both round the exact binary value to the nearest, ties to even, as Python
does (:func:`geo_priority.formatting.scaled_whole` says where the float
product is exact enough). The rest (near a tie, very large,
infinite, NaN, negative ``decimals``) are written one by one by the
per-value functions, so every value comes out as they write it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geo_priority.formatting import (
    EXACT_SCALED,
    TIE_MARGIN,
    format_fixed,
    rounded,
    scaled_whole,
)

__all__ = ["EXACT_SCALED", "TIE_MARGIN", "fixed_texts", "rounded", "scaled_whole"]

#: Digits of the whole part written by :func:`fixed_texts` (below 1e12).
_WHOLE_DIGITS = 12
#: Thousands separator and decimal mark per language.
_MARKS = {"id": (".", ","), "en": (",", ".")}


def fixed_texts(
    values: np.ndarray, *, lang: str = "id", decimals: int = 2
) -> pa.StringArray:
    """Return ``format_fixed(v, lang=lang, decimals=decimals)`` of every value.

    Parameters
    ----------
    values : numpy.ndarray
        Floats; NaN and infinities are written as ``format_fixed`` writes
        them (callers write "tidak ada data" there).
    lang : {"id", "en"}
        Indonesian (``1.234,50``) or English (``1,234.50``) marks.
    decimals : int
        Decimals shown, always.

    Returns
    -------
    pyarrow.StringArray

    Examples
    --------
    >>> fixed_texts(np.array([1234.5, -0.001, 2.675]), decimals=2).to_pylist()
    ['1.234,50', '0,00', '2,67']
    >>> fixed_texts(np.array([1234567.0]), lang="en", decimals=0).to_pylist()
    ['1,234,567']
    """
    values = np.asarray(values, dtype=np.float64)
    whole, exact = scaled_whole(values, decimals)
    texts = _whole_texts(whole, max(decimals, 0), lang)
    return _one_by_one(
        texts, values, ~exact, lambda v: format_fixed(v, lang=lang, decimals=decimals)
    )


def _one_by_one(
    texts: pa.StringArray,
    values: np.ndarray,
    where: np.ndarray,
    write: Callable[[float], str],
) -> pa.StringArray:
    """Return ``texts`` with the values ``where`` written by ``write``."""
    rest = np.flatnonzero(where)
    if not len(rest):
        return texts
    written = pa.array([write(v) for v in values[rest].tolist()], pa.string())
    replaced: pa.StringArray = pc.replace_with_mask(texts, pa.array(where), written)
    return replaced


def _whole_texts(whole: np.ndarray, decimals: int, lang: str) -> pa.StringArray:
    """Write ``whole / 10**decimals`` with the marks of ``lang``.

    The digits are padded to a fixed width and cut into groups of three;
    the padding zeros and their separators are then trimmed off the front.
    """
    thousands, point = _MARKS.get(lang, _MARKS["en"])
    digits = pc.utf8_lpad(
        pc.cast(pa.array(np.abs(whole)), pa.string()),
        width=_WHOLE_DIGITS + decimals,
        padding="0",
    )
    groups = [
        pc.utf8_slice_codeunits(digits, start, start + 3)
        for start in range(0, _WHOLE_DIGITS, 3)
    ]
    head = pc.utf8_ltrim(
        pc.binary_join_element_wise(*groups, thousands),
        characters="0" + thousands,
    )
    text = pc.if_else(pc.equal(head, ""), "0", head)
    if decimals:
        tail = pc.utf8_slice_codeunits(digits, _WHOLE_DIGITS, _WHOLE_DIGITS + decimals)
        text = pc.binary_join_element_wise(text, tail, point)
    signed = pc.binary_join_element_wise("-", text, "")
    out: pa.StringArray = pc.if_else(pa.array(whole < 0), signed, text)
    return out
