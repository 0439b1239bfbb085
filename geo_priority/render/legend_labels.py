"""The map legend's class labels, in the same numbers as the values shown.

A class label's range is written with the decimals its values are shown
with: the priority score's :data:`~geo_priority.formatting.SCORE_DECIMALS`
(``Sedang (24,3–29,3)``; whole bounds are written whole, ``Prioritas 1
(75–100)``, as in the tables and the figure), an indicator's own decimals
(``1,45–1,81%``, ``16–25 KK``), and a change's in percentage points or the count's unit
(``naik banyak (≥ 0,24 poin persen)``). Rounding is monotonic, so a value shown
with those decimals always lies within the shown range of its class (bounds
shared by neighbouring classes belong to both, as on any legend).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo_priority.classify import Classification
from geo_priority.formatting import SCORE_DECIMALS, format_fixed, indicator_decimals
from geo_priority.render.i18n import format_change, format_value

__all__ = ["change_labels", "published", "score_labels", "value_labels"]


def published(value: float, decimals: int) -> float:
    """Return ``value`` rounded as it is shown with ``decimals`` decimals.

    Examples
    --------
    >>> published(1.815, 2), published(20.96, 1)
    (1.81, 21.0)
    """
    return float(f"{value:.{decimals}f}")


def _name(label: str) -> str:
    """Return the class name of a label ``"Name (range)"``."""
    return label.split(" (", 1)[0]


def score_labels(classification: Classification, lang: str) -> tuple[str, ...]:
    """Return the priority classes' labels with one-decimal score ranges.

    The class names are the classification's; the ranges are its bounds
    written as the score is (:data:`SCORE_DECIMALS`), so a score shown as
    ``21,0`` lies in the range shown for its class. When every bound is whole
    they are written whole (``75–100``), the same rule as the class labels of
    the tables and the figure.

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.classify import classify_scores
    >>> c = classify_scores(pd.Series([10.0, 90.0]), scheme="prioritas", k=2)
    >>> score_labels(c, "id")
    ('Prioritas 1 (50–100)', 'Prioritas 2 (0–50)')
    """
    k = len(classification.bins)
    if k != len(classification.labels):
        return classification.labels
    edges = (classification.lower, *classification.bins)
    whole = all(float(e).is_integer() for e in edges)
    decimals = 0 if whole else SCORE_DECIMALS
    labels = []
    for c, label in enumerate(classification.labels, start=1):
        low, high = (
            format_fixed(e, lang=lang, decimals=decimals)
            for e in (edges[k - c], edges[k - c + 1])
        )
        labels.append(f"{_name(label)} ({low}–{high})")
    return tuple(labels)


def value_labels(
    classification: Classification,
    present: Sequence[float] | np.ndarray,
    *,
    unit: str,
    decimals: int | None,
    lang: str,
) -> tuple[str, ...]:
    """Return an indicator layer's class labels: value ranges as the values show.

    Parameters
    ----------
    classification : Classification
        From :func:`geo_priority.classify_layers.classify_indicator`.
    present : sequence of float
        The values the breaks were computed from (no NaN).
    unit : str
        The indicator's unit (translated on the English map).
    decimals : int or None
        The indicator's ``decimals`` key.
    lang : {"id", "en"}

    Returns
    -------
    tuple of str
        Class 1 first. A class whose bounds are shown alike (or that holds one
        value) is labelled with that one value.

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.classify_layers import classify_indicator
    >>> v = pd.Series([0.5, 1.0, 1.52, 2.0, 3.1, 4.4])
    >>> c = classify_indicator(v, k=2, unit="%")
    >>> value_labels(c, v, unit="%", decimals=None, lang="id")
    ('1,76–4,40%', '0,50–1,76%')
    """
    k = len(classification.bins)
    if k == 0:
        return classification.labels
    places = indicator_decimals(unit, decimals)
    edges = (classification.lower, *classification.bins)
    each_value = k == len(np.unique(np.asarray(present, dtype=float)))
    labels = []
    for c in range(1, k + 1):
        i = k - c
        low, high = edges[i], edges[i + 1]
        shown_high = format_value(high, unit=unit, lang=lang, decimals=decimals)
        if each_value or published(low, places) == published(high, places):
            labels.append(shown_high)
            continue
        shown_low = format_value(low, unit="", lang=lang, decimals=places)
        labels.append(f"{shown_low}–{shown_high}")
    return tuple(labels)


def change_labels(
    classification: Classification, *, unit: str, decimals: int | None, lang: str
) -> tuple[str, ...]:
    """Return a change layer's class labels with the change's unit.

    The five classes of :func:`geo_priority.classify_layers.classify_change` keep
    their names; their thresholds are written as the change values are
    (percentage points for a percentage, the count's unit for a count).

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.classify_layers import classify_change
    >>> c = classify_change(pd.Series([-2.0, 0.0, 0.5, 2.0]), unit="%")
    >>> change_labels(c, unit="%", decimals=None, lang="id")[2]
    'hampir tetap (± 0,20 poin persen)'
    """
    bins = classification.bins
    if len(bins) != 5 or len(classification.labels) != 5 or not bins[-1] > 0:
        return classification.labels
    small, large = bins[2], bins[3]

    def amount(value: float) -> str:
        signed = format_change(value, unit=unit, lang=lang, decimals=decimals)
        return signed.lstrip("+")

    names = [_name(label) for label in classification.labels]
    return (
        f"{names[0]} (≥ {amount(large)})",
        names[1],
        f"{names[2]} (± {amount(small)})",
        names[3],
        f"{names[4]} (≥ {amount(large)})",
    )
