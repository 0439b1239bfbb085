"""Priority classes from scores, through mapclassify.

Class 1 is always the *highest* priority. Schemes:

* ``quantiles``, ``fisher_jenks`` (natural breaks), ``equal_interval``:
  data-driven breaks from mapclassify;
* ``user_defined``: upper bounds on the 0-100 score given in the config;
* ``prioritas``: fixed goalposts on the 0-100 scale (``k`` equal steps), so the
  same class means the same score in every year and every province.

Labels are in Bahasa Indonesia by default (``lang="en"`` for English) and carry
the score range in the language's number format.

Examples
--------
>>> import pandas as pd
>>> scores = pd.Series([10.0, 20.0, 30.0, 40.0, 90.0, 100.0])
>>> c = classify_scores(scores, scheme="prioritas", k=2)
>>> c.classes.tolist()
[2, 2, 2, 2, 1, 1]
>>> c.labels
('Prioritas 1 (50–100)', 'Prioritas 2 (0–50)')
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from geo_priority.errors import ClassificationError
from geo_priority.formatting import format_number

_MAPCLASSIFY = {
    "quantiles": mapclassify.Quantiles,
    "fisher_jenks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}

_NAMES = {
    "id": {
        3: ("Tinggi", "Sedang", "Rendah"),
        4: ("Sangat tinggi", "Tinggi", "Sedang", "Rendah"),
        5: ("Sangat tinggi", "Tinggi", "Sedang", "Rendah", "Sangat rendah"),
    },
    "en": {
        3: ("High", "Medium", "Low"),
        4: ("Very high", "High", "Medium", "Low"),
        5: ("Very high", "High", "Medium", "Low", "Very low"),
    },
}
_PRIORITY_WORD = {"id": "Prioritas", "en": "Priority"}
_CLASS_WORD = {"id": "Kelas", "en": "Class"}


@dataclass(frozen=True)
class Classification:
    """Priority classes of a set of scores.

    Attributes
    ----------
    scheme : str
        The scheme used.
    k : int
        Number of classes.
    bins : tuple of float
        Upper bounds of the classes in ascending score order (the last is the
        maximum), as mapclassify reports them.
    lower : float
        Lower bound of the lowest class.
    classes : pandas.Series
        Class per area, nullable ``Int8``: 1 = highest priority, ``<NA>`` when
        the area has no score.
    labels : tuple of str
        Label of class 1, 2, ... k.
    counts : tuple of int
        Number of areas in class 1, 2, ... k.
    """

    scheme: str
    k: int
    bins: tuple[float, ...]
    lower: float
    classes: pd.Series
    labels: tuple[str, ...]
    counts: tuple[int, ...]

    def range_of(self, priority_class: int) -> tuple[float, float]:
        """Return the (low, high) score range of ``priority_class`` (1 = top)."""
        i = self.k - priority_class
        low = self.lower if i == 0 else self.bins[i - 1]
        return low, self.bins[i]


def _check_values(values: pd.Series, scheme: str, k: int) -> None:
    distinct = values.dropna().nunique()
    if distinct == 0:
        raise ClassificationError(
            "no area has a score, so no classes can be formed. Check the join "
            "report and the missing-value policy."
        )
    if scheme in _MAPCLASSIFY and distinct < k:
        hint = (
            "all areas have the same score"
            if distinct == 1
            else f"only {distinct} distinct scores exist"
        )
        raise ClassificationError(
            f"cannot form {k} {scheme!r} classes: {hint}. Use k <= {max(distinct, 2)}"
            ' or scheme = "prioritas" (fixed 0-100 goalposts).'
            if distinct > 1
            else f'cannot form {k} {scheme!r} classes: {hint}. Use scheme = "prioritas"'
            " (fixed 0-100 goalposts) or check the indicators."
        )


def _bins(
    values: pd.Series, scheme: str, k: int, breaks: tuple[float, ...]
) -> tuple[tuple[float, ...], float]:
    data = values.dropna().to_numpy(dtype=float)
    if scheme == "prioritas":
        edges = np.linspace(0.0, 100.0, k + 1)
        return tuple(float(b) for b in edges[1:]), 0.0
    if scheme == "user_defined":
        ordered = sorted(float(b) for b in breaks)
        if ordered[-1] < 100.0:
            ordered.append(100.0)
        return tuple(ordered), 0.0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        klass = _MAPCLASSIFY[scheme](data, k=k)
    bins = tuple(float(b) for b in klass.bins)
    if len(set(bins)) < len(bins):
        raise ClassificationError(
            f"{scheme!r} produced repeated breaks {bins!r} (many equal scores). Use "
            'a smaller k or scheme = "fisher_jenks".'
        )
    return bins, float(data.min())


def _labels(
    bins: tuple[float, ...], lower: float, scheme: str, lang: str
) -> tuple[str, ...]:
    k = len(bins)
    edges = (lower, *bins)
    out = []
    for c in range(1, k + 1):
        i = k - c
        low, high = (format_number(e, lang=lang) for e in (edges[i], edges[i + 1]))
        rng = f"{low}–{high}"
        if scheme == "prioritas":
            name = f"{_PRIORITY_WORD[lang]} {c}"
        else:
            name = (
                _NAMES[lang].get(k, ())[c - 1]
                if k in _NAMES[lang]
                else (f"{_CLASS_WORD[lang]} {c}")
            )
        out.append(f"{name} ({rng})")
    return tuple(out)


def classify_scores(
    scores: pd.Series,
    /,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: tuple[float, ...] = (),
    lang: str = "id",
) -> Classification:
    """Classify priority scores into ``k`` classes, 1 being the highest priority.

    Parameters
    ----------
    scores : pandas.Series
        Scores from 0 to 100; NaN gets no class.
    scheme : str
        One of "quantiles", "fisher_jenks", "equal_interval", "user_defined",
        "prioritas".
    k : int
        Number of classes (2-12). For ``user_defined`` it follows from ``breaks``.
    breaks : tuple of float
        Upper bounds for ``user_defined``.
    lang : {"id", "en"}
        Language of the labels.

    Returns
    -------
    Classification

    Raises
    ------
    ClassificationError
        When there are fewer distinct scores than classes, or none at all.
    """
    values = pd.to_numeric(scores, errors="coerce").astype("float64")
    _check_values(values, scheme, k)
    bins, lower = _bins(values, scheme, k, breaks)
    position = np.searchsorted(
        np.asarray(bins), values.fillna(-1).to_numpy(), side="left"
    )
    position = np.minimum(position, len(bins) - 1)
    classes = pd.Series(len(bins) - position, index=values.index, dtype="Int8")
    classes[values.isna()] = pd.NA
    counts = tuple(int((classes == c).sum()) for c in range(1, len(bins) + 1))
    return Classification(
        scheme,
        len(bins),
        bins,
        lower,
        classes,
        _labels(bins, lower, scheme, lang),
        counts,
    )


def _value_bins(data: np.ndarray, k: int) -> tuple[float, ...]:
    distinct = np.unique(data)
    if len(distinct) <= k:
        return tuple(float(v) for v in distinct)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        # repeated quantiles are merged just below, so mapclassify's notice
        # about reducing k says nothing new
        warnings.filterwarnings("ignore", message="Not enough unique values")
        bins = mapclassify.Quantiles(data, k=k).bins
    return tuple(float(b) for b in np.unique(bins))


def classify_indicator(
    values: pd.Series,
    /,
    *,
    k: int = 5,
    unit: str = "",
    lang: str = "id",
    pool: pd.Series | None = None,
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
        Maximum number of classes.
    unit : str
        Unit appended to the labels (``"%"`` is attached without a space).
    lang : {"id", "en"}
    pool : pandas.Series, optional
        Values the breaks are computed from (for example the same indicator in
        every year compared), so that one class means one range everywhere.
        Defaults to ``values``.

    Returns
    -------
    Classification
        With ``scheme="quantiles"``; ``k`` may be smaller than asked.

    Examples
    --------
    >>> c = classify_indicator(pd.Series([1.5, 2.5, None]), unit="%")
    >>> c.classes.tolist(), c.labels
    ([2, 1, <NA>], ('2,5%', '1,5%'))
    """
    data = pd.to_numeric(values, errors="coerce").astype("float64")
    source = data if pool is None else pd.to_numeric(pool, errors="coerce")
    present = source.dropna().to_numpy(dtype=float)
    if present.size == 0:
        empty = pd.Series(pd.NA, index=data.index, dtype="Int8")
        return Classification("quantiles", 0, (), 0.0, empty, (), ())
    bins = _value_bins(present, k)
    position = np.searchsorted(np.asarray(bins), data.fillna(-np.inf).to_numpy())
    classes = pd.Series(
        len(bins) - np.minimum(position, len(bins) - 1), index=data.index, dtype="Int8"
    )
    classes[data.isna()] = pd.NA
    lower = float(present.min())
    edges = (lower, *bins)
    suffix = "%" if unit == "%" else (f" {unit}" if unit else "")
    labels = []
    for c in range(1, len(bins) + 1):
        i = len(bins) - c
        low = lower if i == 0 else edges[i]
        high = edges[i + 1]
        decimals = 0 if abs(high) >= 1000 else 2
        text = (
            format_number(high, lang=lang, decimals=decimals)
            if low == high or len(bins) == len(np.unique(present))
            else f"{format_number(low, lang=lang, decimals=decimals)}–"
            f"{format_number(high, lang=lang, decimals=decimals)}"
        )
        labels.append(text + suffix)
    counts = tuple(int((classes == c).sum()) for c in range(1, len(bins) + 1))
    return Classification(
        "quantiles", len(bins), bins, lower, classes, tuple(labels), counts
    )


_CHANGE_WORDS = {
    "id": ("naik banyak", "naik", "hampir tetap", "turun", "turun banyak"),
    "en": ("large rise", "rise", "about the same", "fall", "large fall"),
}


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

    Examples
    --------
    >>> c = classify_change(pd.Series([-2.0, -0.1, 0.0, 0.5, 2.0]), unit="%")
    >>> c.classes.tolist()
    [5, 3, 3, 2, 1]
    >>> c.labels[0]
    'naik banyak (≥ 1 poin)'
    """
    data = pd.to_numeric(change, errors="coerce").astype("float64")
    biggest = float(data.abs().max()) if data.notna().any() else 0.0
    if not biggest > 0:
        classes = pd.Series(pd.NA, index=data.index, dtype="Int8")
        classes[data.notna()] = 3
        labels = _CHANGE_WORDS[lang]
        counts = tuple(int((classes == c).sum()) for c in range(1, 6))
        return Classification("change", 5, (0.0,) * 5, 0.0, classes, labels, counts)
    small, large = 0.1 * biggest, 0.5 * biggest
    bins = (-large, -small, small, large, biggest)
    position = np.searchsorted(
        np.asarray(bins[:4]), data.fillna(0).to_numpy(), side="right"
    )
    position = np.where(data.to_numpy() <= -large, 0, position)
    classes = pd.Series(5 - position, index=data.index, dtype="Int8")
    classes[data.isna()] = pd.NA
    point = "poin" if lang == "id" else "points"
    step = f" {point}" if unit == "%" else (f" {unit}" if unit else "")
    fmt = lambda v: format_number(v, lang=lang, decimals=2)  # noqa: E731
    words = _CHANGE_WORDS[lang]
    labels = (
        f"{words[0]} (≥ {fmt(large)}{step})",
        f"{words[1]}",
        f"{words[2]} (± {fmt(small)}{step})",
        f"{words[3]}",
        f"{words[4]} (≥ {fmt(large)}{step})",
    )
    counts = tuple(int((classes == c).sum()) for c in range(1, 6))
    return Classification("change", 5, bins, -biggest, classes, labels, counts)
