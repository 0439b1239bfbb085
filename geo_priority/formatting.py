"""How numbers and lists are written in every message, label and table.

One number formatter (Indonesian ``1.234,5`` or English ``1,234.5``) and one
list shortener serve every stage, so a message reads the same wherever it is
raised. This module imports nothing of geo_priority: every stage may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Lang = Literal["id", "en"]

#: Swaps the English marks for the Indonesian ones (``1,234.5`` -> ``1.234,5``).
_SWAP_MARKS = str.maketrans(",.", ".,")

#: Where a long text is cut in a message (characters).
TEXT_WIDTH = 50


def format_number(value: float, *, lang: str = "id", decimals: int = 1) -> str:
    """Format a number the Indonesian (``1.234,5``) or English way.

    Trailing zeros after the decimal mark are dropped.

    Parameters
    ----------
    value : float
        The number.
    lang : {"id", "en"}
        ``"id"`` writes ``.`` between thousands and ``,`` before decimals;
        anything else writes it the English way.
    decimals : int
        The most decimals shown.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234.5)
    '1.234,5'
    >>> format_number(1234.5, lang="en")
    '1,234.5'
    >>> format_number(50.0, decimals=1)
    '50'
    >>> format_number(1234567, decimals=0)
    '1.234.567'
    """
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "id":
        text = text.translate(_SWAP_MARKS)
    return text


def shorten_text(text: str, width: int = TEXT_WIDTH) -> str:
    """Return ``text`` cut to ``width`` characters, marking the cut with ``…``.

    Examples
    --------
    >>> shorten_text("Kabupaten Pandeglang", width=10)
    'Kabupaten…'
    >>> shorten_text("Lebak")
    'Lebak'
    """
    return text if len(text) <= width else text[: width - 1] + "…"


def shorten_list(
    items: Iterable[object], limit: int = 8, *, width: int = TEXT_WIDTH
) -> str:
    """Return the first ``limit`` items as reprs, then ``... (N more)``.

    Strings are cut to ``width`` characters before quoting, so one long cell
    cannot flood a message.

    Parameters
    ----------
    items : iterable
        The values to show.
    limit : int
        How many values are shown at the most.
    width : int
        How many characters of one string value are shown at the most.

    Returns
    -------
    str

    Examples
    --------
    >>> shorten_list(["3601", "3602"])
    "'3601', '3602'"
    >>> shorten_list(range(12), limit=3)
    '0, 1, 2, ... (9 more)'
    """
    values = list(items)
    shown = ", ".join(_short_repr(v, width) for v in values[:limit])
    rest = len(values) - limit
    return f"{shown}, ... ({rest} more)" if rest > 0 else shown


def _short_repr(value: object, width: int) -> str:
    if isinstance(value, str):
        return repr(shorten_text(value, width))
    return repr(value)
