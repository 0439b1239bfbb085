"""How numbers and lists are written in every message, label and table.

One number formatter (Indonesian ``1.234,5`` or English ``1,234.5``) and one
list shortener serve every stage, so a message reads the same wherever it is
raised; :func:`rounded` rounds a whole column as Python's ``round`` rounds
each value. It imports only numpy and :mod:`geo_priority.messages` (for "...
(3 lagi)"), so every stage may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np

from geo_priority.messages import language, tr

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


def format_count(count: int) -> str:
    """Write a count in the active message language (``12.345`` / ``12,345``).

    For counts inside messages: a comma is the Indonesian decimal mark, so
    "12,345 baris" would read as twelve rows and a fraction.

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> format_count(12345)
    '12.345'
    >>> with use_language("en"):
    ...     format_count(12345)
    '12,345'
    """
    return format_number(count, lang=language(), decimals=0)


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
    """Return the first ``limit`` items as reprs, then ``... (N lagi)`` / ``(N more)``.

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
    '0, 1, 2, ... (9 lagi)'
    """
    values = list(items)
    shown = ", ".join(_short_repr(v, width) for v in values[:limit])
    rest = len(values) - limit
    return (
        tr("{shown}, ... ({rest} more)", shown=shown, rest=rest) if rest > 0 else shown
    )


def _short_repr(value: object, width: int) -> str:
    if isinstance(value, str):
        return repr(shorten_text(value, width))
    return repr(value)


#: Decimals of the 0-100 priority score wherever it is shown.
SCORE_DECIMALS = 1

#: Units that count whole things (persons, families, households, desa): their
#: values are shown without decimals unless ``decimals`` says otherwise.
COUNT_UNITS = frozenset(
    {
        "jiwa",
        "orang",
        "kk",
        "keluarga",
        "rumah tangga",
        "ruta",
        "rt",
        "desa",
        "persons",
        "people",
        "families",
        "households",
        "ribu jiwa",
    }
)


def indicator_decimals(unit: str, decimals: int | None = None) -> int:
    """Return how many decimals an indicator's values are shown with.

    Parameters
    ----------
    unit : str
        The indicator's ``unit`` (``"%"``, ``"jiwa"``, ``"KK"``...).
    decimals : int or None
        The indicator's ``decimals`` key; it wins when given.

    Returns
    -------
    int
        ``decimals`` if given; 0 for counts of whole things (``jiwa``,
        ``KK``...); 2 otherwise (rates, percentages, indices). ``ribu jiwa``
        (thousands, as BPS publishes them) gets 2.

    Examples
    --------
    >>> indicator_decimals("%"), indicator_decimals("jiwa"), indicator_decimals("KK", 1)
    (2, 0, 1)
    >>> indicator_decimals("ribu jiwa")
    2
    """
    if decimals is not None:
        return decimals
    unit_key = unit.strip().lower()
    if unit_key.startswith(("ribu", "thousand")):
        return 2
    return 0 if unit_key in COUNT_UNITS else 2


def format_fixed(value: float, *, lang: str = "id", decimals: int = 2) -> str:
    """Format a number with exactly ``decimals`` decimals (zeros kept).

    Next to each other in a column, ``1,50`` and ``2,00`` read as the same
    precision, where ``1,5`` and ``2`` would not.

    Parameters
    ----------
    value : float
        The number.
    lang : {"id", "en"}
        Indonesian (``1.234,50``) or English (``1,234.50``) marks.
    decimals : int
        Decimals shown, always.

    Returns
    -------
    str

    Examples
    --------
    >>> format_fixed(2, decimals=2)
    '2,00'
    >>> format_fixed(1234.5, lang="en", decimals=1)
    '1,234.5'
    >>> format_fixed(50312.0, decimals=0)
    '50.312'
    """
    if round(value, decimals) == 0:
        value = 0.0  # no "-0,00"
    text = f"{value:,.{decimals}f}"
    return text.translate(_SWAP_MARKS) if lang == "id" else text


def percent_shares(values: Iterable[float]) -> list[int]:
    """Return whole percentages of ``values`` that add up to exactly 100.

    Largest-remainder (Hamilton) rounding: every share is rounded down, and
    the points still missing go to the largest remainders (ties to the
    earlier value). Weights of 4, 4 and 1 give 45 + 44 + 11 = 100 %, where
    rounding each would give 44 + 44 + 11 = 99 %.

    Parameters
    ----------
    values : iterable of float
        Non-negative weights; at least one must be positive.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        When no weight is positive or one is negative.

    Examples
    --------
    >>> percent_shares([4, 4, 1])
    [45, 44, 11]
    >>> percent_shares([1, 1, 1])
    [34, 33, 33]
    """
    weights = [float(v) for v in values]
    total = sum(weights)
    if total <= 0 or min(weights, default=0) < 0:
        raise ValueError(f"weights must be >= 0 with a positive sum, got {weights!r}")
    exact = [100 * w / total for w in weights]
    shares = [int(e) for e in exact]
    missing = 100 - sum(shares)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:missing]:
        shares[i] += 1
    return shares


#: Beyond this size a scaled value's product error could reach a tie's margin.
EXACT_SCALED = 1e9
#: Scaled values this close to a tie (``x.5``) are rounded one by one.
TIE_MARGIN = 1e-6


def scaled_whole(values: np.ndarray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``values * 10**decimals`` rounded to whole numbers, and where exact.

    Parameters
    ----------
    values : numpy.ndarray
        Floats (NaN and infinities allowed).
    decimals : int
        Decimals kept.

    Returns
    -------
    whole : numpy.ndarray of int64
        The rounded scaled values (nearest, ties to even); 0 where not exact.
    exact : numpy.ndarray of bool
        Where ``whole`` is the value Python's rounding gives; elsewhere
        (near a tie, above :data:`EXACT_SCALED`, not finite) it is not known.

    Examples
    --------
    >>> whole, exact = scaled_whole(np.array([1.234, -2.5, 0.125, np.nan]), 2)
    >>> whole.tolist(), exact.tolist()
    ([123, -250, 0, 0], [True, True, False, False])
    """
    values = np.asarray(values, dtype=np.float64)
    if decimals < 0:
        return np.zeros(len(values), np.int64), np.zeros(len(values), bool)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * 10.0**decimals
        exact = (np.abs(scaled) < EXACT_SCALED) & (
            np.abs(scaled - np.floor(scaled) - 0.5) > TIE_MARGIN
        )
    whole = np.zeros(len(values), np.int64)
    whole[exact] = np.rint(scaled[exact]).astype(np.int64)
    return whole, exact


def rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    """Return ``round(v, decimals)`` of every value, as floats.

    A whole number divided by ``10**decimals`` is the float nearest the
    rounded decimal, as Python's ``round`` returns; the values
    :func:`scaled_whole` cannot round exactly are rounded by ``round``.

    Examples
    --------
    >>> rounded(np.array([8.1585, 5.2535, 1e300, np.nan]), 3).tolist()
    [8.159, 5.253, 1e+300, nan]
    >>> np.round(np.array([8.1585, 5.2535]), 3).tolist()  # not Python's rounding
    [8.158, 5.254]
    """
    values = np.asarray(values, dtype=np.float64)
    _, exact = scaled_whole(values, decimals)
    scale = 10.0 ** max(decimals, 0)
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.rint(values * scale) / scale  # keeps the sign of a zero
    rest = np.flatnonzero(~exact)
    out[rest] = [round(v, decimals) for v in values[rest].tolist()]
    return out
