"""Classes of the map's other layers: indicator values, changes, categories.

The priority classes of the score are :mod:`geo_priority.classify`; this
module classifies what the map shows beside them, on the same binning core:
an indicator's values (quantiles, labelled with the indicator's decimals), the
change of an indicator between two years (five symmetric steps), and named
categories (a hotspot type, a progress status, a band of chances).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_priority.classify import (
    Classification,
    bin_values,
    check_k,
    check_lang,
    class_counts,
    mapclassify_bins,
)
from geo_priority.config import Lang
from geo_priority.formatting import format_fixed, format_number, indicator_decimals

__all__ = ["categorical_classification", "classify_change", "classify_indicator"]


# --- classes of an indicator's values ------------------------------------------


def _value_bins(data: np.ndarray, k: int) -> tuple[float, ...]:
    distinct = np.unique(data)
    if len(distinct) <= k:
        return tuple(float(v) for v in distinct)
    # repeated quantiles are merged just below, so mapclassify's notice about
    # reducing k says nothing new
    bins = mapclassify_bins(data, "quantiles", k, merge_repeats=True)
    return tuple(float(b) for b in np.unique(bins))


def _value_labels(
    bins: tuple[float, ...], present: np.ndarray, unit: str, lang: Lang, decimals: int
) -> tuple[str, ...]:
    """Value-range labels of class 1 .. k, with the indicator's fixed decimals."""
    lower = float(present.min())
    edges = (lower, *bins)
    each_value = len(bins) == len(np.unique(present))
    suffix = "%" if unit == "%" else (f" {unit}" if unit else "")
    labels = []
    for c in range(1, len(bins) + 1):
        i = len(bins) - c
        low = lower if i == 0 else edges[i]
        high = edges[i + 1]
        text = (
            format_fixed(high, lang=lang, decimals=decimals)
            if low == high or each_value
            else f"{format_fixed(low, lang=lang, decimals=decimals)}–"
            f"{format_fixed(high, lang=lang, decimals=decimals)}"
        )
        labels.append(text + suffix)
    return tuple(labels)


def classify_indicator(
    values: pd.Series,
    /,
    *,
    k: int = 5,
    unit: str = "",
    lang: str = "id",
    pool: pd.Series | None = None,
    decimals: int | None = None,
) -> Classification:
    """Classify an indicator's values into at most ``k`` quantile classes.

    Used for the indicator layers of the map: class 1 holds the *highest*
    values and labels are value ranges in the language's number format. With
    fewer distinct values than ``k``, each distinct value is its own class.

    Parameters
    ----------
    values : pandas.Series
        Raw indicator values; NaN gets no class.
    k : int
        Maximum number of classes (2-12).
    unit : str
        Unit appended to the labels (``"%"`` is attached without a space).
    lang : {"id", "en"}
    pool : pandas.Series, optional
        Values the breaks are computed from (for example the same indicator in
        every year compared), so that one class means one range everywhere.
        Defaults to ``values``.
    decimals : int, optional
        Decimals of every bound in the labels (``[[scoring.indicators]]
        decimals``); default from the unit
        (:func:`geo_priority.formatting.indicator_decimals`: 0 for counts such
        as ``jiwa``, else 2), so one legend never mixes ``2%`` and ``1,52%``.

    Returns
    -------
    Classification
        With ``scheme="quantiles"``; ``k`` may be smaller than asked.

    Raises
    ------
    ConfigError
        For ``k`` outside 2-12 or an unknown ``lang``.

    Examples
    --------
    >>> c = classify_indicator(pd.Series([1.52, 2.0, None]), unit="%")
    >>> c.classes.tolist(), c.labels
    ([2, 1, <NA>], ('2,00%', '1,52%'))
    >>> classify_indicator(pd.Series([950.0, 50312.0]), unit="jiwa").labels
    ('50.312 jiwa', '950 jiwa')
    """
    k = check_k(k, "k")
    language = check_lang(lang)
    data = pd.to_numeric(values, errors="coerce").astype("float64")
    source = data if pool is None else pd.to_numeric(pool, errors="coerce")
    present = source.dropna().to_numpy(dtype=float)
    if present.size == 0:
        empty = pd.Series(pd.NA, index=data.index, dtype="Int8")
        return Classification("quantiles", 0, (), 0.0, empty, (), ())
    bins = _value_bins(present, k)
    classes = bin_values(data, bins[:-1])
    return Classification(
        "quantiles",
        len(bins),
        bins,
        float(present.min()),
        classes,
        _value_labels(
            bins, present, unit, language, indicator_decimals(unit, decimals)
        ),
        class_counts(classes, len(bins)),
    )


# --- classes of a change between two years -------------------------------------

_CHANGE_WORDS = {
    "id": ("naik banyak", "naik", "hampir tetap", "turun", "turun banyak"),
    "en": ("large rise", "rise", "about the same", "fall", "large fall"),
}


def _change_breaks(small: float, large: float) -> tuple[float, ...]:
    """Boundaries of the five change classes, a value on one going up a class.

    Only the largest fall is closed above (``<= -large``), so its boundary is
    the next float above ``-large``.
    """
    return (float(np.nextafter(-large, np.inf)), -small, small, large)


def _change_labels(
    small: float, large: float, unit: str, lang: Lang
) -> tuple[str, ...]:
    point = "poin" if lang == "id" else "points"
    step = f" {point}" if unit == "%" else (f" {unit}" if unit else "")
    words = _CHANGE_WORDS[lang]
    shown_small, shown_large = (
        format_number(v, lang=lang, decimals=2) for v in (small, large)
    )
    return (
        f"{words[0]} (≥ {shown_large}{step})",
        f"{words[1]}",
        f"{words[2]} (± {shown_small}{step})",
        f"{words[3]}",
        f"{words[4]} (≥ {shown_large}{step})",
    )


def classify_change(
    change: pd.Series,
    /,
    *,
    unit: str = "",
    lang: str = "id",
) -> Classification:
    """Classify a change between two years into five symmetric classes.

    Class 1 is the largest rise, 5 the largest fall; "about the same" holds
    changes within 10 % of the largest absolute change, "large" ones exceed
    half of it.

    Parameters
    ----------
    change : pandas.Series
        Later value minus earlier value; NaN gets no class.
    unit : str
        Unit of the values (``"%"`` changes are in points).
    lang : {"id", "en"}

    Returns
    -------
    Classification
        With ``scheme="change"`` and ``k=5``.

    Raises
    ------
    ConfigError
        For an unknown ``lang``.

    Examples
    --------
    >>> c = classify_change(pd.Series([-2.0, -0.1, 0.0, 0.5, 2.0]), unit="%")
    >>> c.classes.tolist()
    [5, 3, 3, 2, 1]
    >>> c.labels[0]
    'naik banyak (≥ 1 poin)'
    """
    language = check_lang(lang)
    data = pd.to_numeric(change, errors="coerce").astype("float64")
    biggest = float(data.abs().max()) if data.notna().any() else 0.0
    if not biggest > 0:
        classes = pd.Series(pd.NA, index=data.index, dtype="Int8")
        classes[data.notna()] = 3
        labels = _CHANGE_WORDS[language]
        return Classification(
            "change", 5, (0.0,) * 5, 0.0, classes, labels, class_counts(classes, 5)
        )
    small, large = 0.1 * biggest, 0.5 * biggest
    classes = bin_values(data, _change_breaks(small, large), upper_inclusive=False)
    return Classification(
        "change",
        5,
        (-large, -small, small, large, biggest),
        -biggest,
        classes,
        _change_labels(small, large, unit, language),
        class_counts(classes, 5),
    )


def categorical_classification(
    classes: pd.Series, labels: tuple[str, ...], scheme: str
) -> Classification:
    """Return a classification of named categories (class 1 = ``labels[0]``).

    For layers whose classes are categories rather than value ranges (a
    hotspot type, a progress status, a band of chances): the bins are the
    class numbers, the counts are counted from ``classes``.

    Parameters
    ----------
    classes : pandas.Series
        Class number (1..k) per area, NA for none.
    labels : tuple of str
        The k class labels.
    scheme : str
        The name recorded as the scheme.

    Returns
    -------
    Classification
    """
    k = len(labels)
    return Classification(
        scheme,
        k,
        tuple(float(b) for b in range(1, k + 1)),
        0.0,
        classes,
        labels,
        class_counts(classes, k),
    )
