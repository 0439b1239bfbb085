"""From a cell to the digit segments of a region code.

Spreadsheets and registry exports wrap codes in many ways: surrounding spaces
or NBSP, invisible characters, quotes and a leading apostrophe, float text
(``3601.0``), scientific notation (``3.601140003E+09``), dots, hyphens or
spaces between the parts, and the ``id`` prefix of OCHA P-codes. This module
undoes the wrapping and returns the digit segments; which code system they are
in is decided by :mod:`geo_priority.codes.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from numbers import Integral, Real

import pandas as pd

from geo_priority.errors import CodeError
from geo_priority.messages import tr

__all__ = ["CodeText", "is_missing", "split_code"]


#: How to fix a code a spreadsheet turned into a number (ends error messages).
def fix_text() -> str:
    """Say how to fix a code a spreadsheet turned into a number."""
    return tr(
        "format the code column as Text in the spreadsheet, type the codes again "
        "(or re-export the column as text), and save the table again"
    )


_PCODE = re.compile(r"(?i)id(?=[\d\s.\-])")
_SCIENTIFIC = re.compile(r"(\d+)(?:\.(\d+))?[eE]\+?(\d+)")
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")
_SEPARATORS = re.compile(r"[.\-\s]+")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_QUOTES = "'\"\u2018\u2019\u201c\u201d`"


@dataclass(frozen=True)
class CodeText:
    """The parts of one cleaned code cell.

    Attributes
    ----------
    prefixed : bool
        True when the cell had an OCHA P-code prefix (``id``/``ID``).
    segments : tuple of str
        The digit groups, split at dots, hyphens and spaces (one group when
        the code is written without separators).
    note : str or None
        Set when the cell was repaired in a way a person should check (a code
        expanded from scientific notation).
    """

    prefixed: bool
    segments: tuple[str, ...]
    note: str | None


def split_code(value: object) -> CodeText:
    """Clean one code cell and split it into digit segments.

    Parameters
    ----------
    value : object
        The cell value (str, int or float).

    Returns
    -------
    CodeText

    Raises
    ------
    CodeError
        When the value is missing, blank, a boolean, not a whole number,
        lost digits in scientific notation, or holds other characters.

    Examples
    --------
    >>> split_code(" 'id36-01 ")
    CodeText(prefixed=True, segments=('36', '01'), note=None)
    >>> split_code(3601.0).segments
    ('3601',)
    """
    text = _to_text(value)
    text, note = _expand_scientific(text, value)
    prefixed, segments = _split(text, value)
    return CodeText(prefixed, tuple(segments), note)


def is_missing(value: object) -> bool:
    """Return True for None, NaN and pandas NA/NaT scalars.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        False for anything else, including values pandas cannot test.

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(pd.NA), is_missing("36")
    (True, True, False)
    """
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _to_text(value: object) -> str:
    """Turn a cell value into trimmed text, undoing spreadsheet wrapping."""
    if not isinstance(value, str) and is_missing(value):
        raise CodeError(
            tr(
                "region code is missing ({value!r}); fill it in or drop the row.",
                value=value,
            )
        )
    if isinstance(value, bool):
        raise CodeError(
            tr(
                "region code {value!r} is a boolean; pass the code as text.",
                value=value,
            )
        )
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    text = str(value).replace("\u00a0", " ")
    text = text.strip().strip(_INVISIBLE).strip().strip(_QUOTES).strip()
    if not text:
        raise CodeError(
            tr(
                "region code is blank ({value!r}); fill it in or drop the row.",
                value=value,
            )
        )
    return text


def _expand_scientific(text: str, raw: object) -> tuple[str, str | None]:
    """Expand ``3.601140003E+09``; raise when the mantissa lost digits."""
    match = _SCIENTIFIC.fullmatch(text)
    if match is None:
        return text, None
    mantissa_digits = len((match.group(1) + (match.group(2) or "")).lstrip("0"))
    try:
        number = Decimal(text)
    except InvalidOperation as err:  # pragma: no cover - the regex guarantees a number
        raise CodeError(
            tr(
                "region code {raw!r} is not a number.",
                raw=raw,
            )
        ) from err
    if number != number.to_integral_value():
        raise CodeError(
            tr(
                "region code {raw!r} is not a whole number; {FIX_TEXT}.",
                raw=raw,
                FIX_TEXT=fix_text(),
            )
        )
    digits = str(int(number))
    if mantissa_digits < len(digits):
        raise CodeError(
            tr(
                "region code {raw!r} lost digits in a spreadsheet (scientific "
                "notation keeps {mantissa_digits} of {n_digits} digits); {FIX_TEXT}.",
                raw=raw,
                mantissa_digits=mantissa_digits,
                n_digits=len(digits),
                FIX_TEXT=fix_text(),
            )
        )
    return digits, tr(
        "expanded from scientific notation {text!r}; check the column", text=text
    )


def _split(text: str, raw: object) -> tuple[bool, list[str]]:
    """Return (had P-code prefix, digit segments) of a cleaned code."""
    prefixed = _PCODE.match(text) is not None
    body = text[2:].strip() if prefixed else text
    float_text = _FLOAT_TEXT.fullmatch(body)
    if float_text:
        body = float_text.group(1)
    segments = [s for s in _SEPARATORS.split(body) if s]
    if not segments or not all(s.isascii() and s.isdigit() for s in segments):
        raise CodeError(
            tr(
                "region code {raw!r} contains characters other than digits, dots and "
                "an 'id' prefix; check the column holds region codes (e.g. '36.01' "
                "or '3601140003').",
                raw=raw,
            )
        )
    return prefixed, segments
