"""Priority classes from scores, through mapclassify.

Class 1 is always the *highest* priority. Schemes:

* ``quantiles``, ``fisher_jenks`` (natural breaks), ``equal_interval``:
  data-driven breaks from mapclassify;
* ``user_defined``: upper bounds on the 0-100 score given in the config;
* ``prioritas``: fixed goalposts on the 0-100 scale (``k`` equal steps), so the
  same class means the same score in every year and every province.

Labels are in Bahasa Indonesia by default (``lang="en"`` for English) and carry
the score range in the language's number format, every bound of one legend with
the same decimals (none when every bound is whole: ``75–100``; else one:
``13,5–21,0``).

**Classes follow the published score.** A score is published with
:data:`~geo_priority.formatting.SCORE_DECIMALS` (one) decimal, so the scores
are classified as published (:func:`geo_priority.score.published_scores`), and
every class bound is a published value too: data-driven breaks are computed
from the published scores and, like ``user_defined`` and ``prioritas``
goalposts, rounded to one decimal. A class holds the published scores above
the bound of the class below and up to its own upper bound, as its label
reads. Two areas shown with the same score are therefore always in the same
class. Scores and bounds with at most one decimal (``prioritas`` with
``k = 2, 4, 5``, breaks such as ``[20, 40, 60, 80]``) are classified exactly as
before; ``prioritas`` with ``k = 3`` has the goalposts ``33,3`` and ``66,7``.

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo_priority.config import K_RANGE, LANGS, SCHEMES, Lang, Scheme
from geo_priority.errors import ClassificationError, ConfigError, GeoPriorityWarning
from geo_priority.formatting import (
    SCORE_DECIMALS,
    format_fixed,
    format_number,
)
from geo_priority.messages import tr
from geo_priority.schema import check_choice
from geo_priority.score import published_scores

__all__ = [
    "Classification",
    "bin_values",
    "check_k",
    "check_lang",
    "class_counts",
    "classify_scores",
    "format_number",
    "mapclassify_bins",
    "quantile_bins",
]

#: The schemes whose breaks mapclassify computes from the data.
DataScheme = Literal["quantiles", "fisher_jenks", "equal_interval"]

#: Schemes -> mapclassify class names. mapclassify (with scipy.stats and
#: scikit-learn behind it, about 1 s to import) is imported only when a
#: data-driven scheme is used: the ``prioritas`` and ``user_defined`` runs,
#: the demo among them, never pay for it.
_MAPCLASSIFY: dict[str, str] = {
    "quantiles": "Quantiles",
    "fisher_jenks": "FisherJenks",
    "equal_interval": "EqualInterval",
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
        maximum). For the priority score they are published values (one
        decimal); for indicators and changes, as mapclassify reports them.
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
        """Return the (low, high) score range of ``priority_class`` (1 = top).

        Raises
        ------
        ClassificationError
            When ``priority_class`` is not one of 1 .. ``k``.
        """
        if not 1 <= priority_class <= self.k:
            raise ClassificationError(
                tr(
                    "priority class {cls!r} does not exist; the classes are 1 to {k}.",
                    cls=priority_class,
                    k=self.k,
                )
            )
        i = self.k - priority_class
        low = self.lower if i == 0 else self.bins[i - 1]
        return low, self.bins[i]


# --- choices -------------------------------------------------------------------


def check_k(k: object, key: str) -> int:
    """Return ``k`` when it is a whole number in :data:`K_RANGE`, else raise."""
    low, high = K_RANGE
    if isinstance(k, bool) or not isinstance(k, int) or not low <= k <= high:
        raise ConfigError(
            tr(
                "{key} = {k!r}; use a whole number from {low} to {high}.",
                key=key,
                k=k,
                low=low,
                high=high,
            )
        )
    return k


def _check_breaks(breaks: Sequence[float]) -> tuple[float, ...]:
    """Return the ``user_defined`` upper bounds as floats, else raise."""
    try:
        values = tuple(float(b) for b in breaks)
    except (TypeError, ValueError):
        values = ()
    if not values:
        raise ConfigError(
            tr(
                "classify.breaks = {breaks!r}: scheme 'user_defined' needs "
                "breaks, e.g. breaks = [20, 40, 60, 80] (upper bounds on the "
                "0-100 score).",
                breaks=list(breaks),
            )
        )
    return values


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is "id" or "en" (``outputs.lang``), else raise."""
    return check_choice(lang, LANGS, "outputs.lang")


# --- the binning core ----------------------------------------------------------


def bin_values(
    values: pd.Series,
    breaks: Sequence[float],
    /,
    *,
    upper_inclusive: bool = True,
) -> pd.Series:
    """Return the class of each value, 1 for the highest of ``len(breaks) + 1``.

    Every classifier of this module assigns its classes here.

    Parameters
    ----------
    values : pandas.Series
        Numbers; NaN gets no class.
    breaks : sequence of float
        The ``k - 1`` boundaries between ``k`` classes, ascending.
    upper_inclusive : bool
        True: a value equal to a boundary falls into the class below it (the
        boundary is that class's upper bound, as mapclassify's bins are).
        False: it falls into the class above.

    Returns
    -------
    pandas.Series
        Nullable ``Int8`` on the index of ``values``: 1 = highest values.

    Examples
    --------
    >>> x = pd.Series([1.0, 2.0, 3.0, None])
    >>> bin_values(x, [2.0]).tolist()
    [2, 2, 1, <NA>]
    >>> bin_values(x, [2.0], upper_inclusive=False).tolist()
    [2, 1, 1, <NA>]
    """
    data = pd.to_numeric(values, errors="coerce").astype("float64")
    side: Literal["left", "right"] = "left" if upper_inclusive else "right"
    position = np.searchsorted(
        np.asarray(breaks, dtype=float), data.fillna(-np.inf).to_numpy(), side=side
    )
    classes = pd.Series(len(breaks) + 1 - position, index=data.index, dtype="Int8")
    classes[data.isna()] = pd.NA
    return classes


def class_counts(classes: pd.Series, k: int) -> tuple[int, ...]:
    """Return how many areas are in class 1, 2, ... ``k``."""
    return tuple(int((classes == c).sum()) for c in range(1, k + 1))


def mapclassify_bins(
    data: np.ndarray, scheme: DataScheme, k: int, *, merge_repeats: bool = False
) -> tuple[float, ...]:
    """Return mapclassify's upper bounds of ``scheme`` on ``data``.

    With ``merge_repeats`` mapclassify's notice that repeated quantiles were
    merged (fewer classes than ``k``) is silenced, as the caller expects it.
    """
    if scheme == "quantiles":  # mapclassify's own arithmetic, without importing it
        bins = quantile_bins(data, k)
        if len(bins) < k and not merge_repeats:
            warnings.warn(
                f"Not enough unique values in array to form {k} classes. "
                f"Setting k to {len(bins)}.",
                UserWarning,
                stacklevel=2,
            )
        return bins
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        import mapclassify

        if merge_repeats:
            warnings.filterwarnings("ignore", message="Not enough unique values")
        klass = getattr(mapclassify, _MAPCLASSIFY[scheme])(data, k=k)
    return tuple(float(b) for b in klass.bins)


def quantile_bins(data: np.ndarray, k: int) -> tuple[float, ...]:
    """Return ``mapclassify.Quantiles(data, k).bins``, computed as it does.

    The upper bounds are scipy's ``scoreatpercentile`` (``"fraction"``) of the
    sorted values at ``100/k, 200/k, ... 100`` percent, repeated bounds merged;
    the same arithmetic, so the same floats, without importing mapclassify,
    scipy.stats and scikit-learn (about 1 s) on every quantile run.

    Examples
    --------
    >>> quantile_bins(np.arange(1000.0), 4)
    (249.75, 499.5, 749.25, 999.0)
    >>> quantile_bins(np.array([1.0, 1.0, 1.0, 1.0, 2.0]), 4)
    (1.0, 2.0)
    """
    ordered = np.sort(np.asarray(data, dtype=float).ravel())
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    if percents[-1] > 100.0:
        percents[-1] = 100.0
    last = len(ordered) - 1
    bounds = []
    for percent in percents:
        at = percent / 100.0 * last
        low = int(at)
        if low == at:
            bounds.append(float(ordered[low]))
        else:
            weights = np.array([low + 1 - at, at - low], dtype=float)
            pair = ordered[low : low + 2] * weights
            bounds.append(float(np.add.reduce(pair) / weights.sum()))
    return tuple(float(b) for b in np.unique(bounds))


# --- priority classes of scores ------------------------------------------------


def _check_values(values: pd.Series, scheme: str, k: int) -> None:
    distinct = values.dropna().nunique()
    if distinct == 0:
        raise ClassificationError(
            tr(
                "no area has a score, so no classes can be formed. Check the join "
                "report and scoring.missing."
            )
        )
    if scheme in _MAPCLASSIFY and distinct < k:
        if distinct == 1:
            raise ClassificationError(
                tr(
                    "cannot form {k} {scheme!r} classes: all areas have the same "
                    'score. Use classify.scheme = "prioritas" (fixed 0-100 '
                    "goalposts) or check the indicators.",
                    k=k,
                    scheme=scheme,
                )
            )
        raise ClassificationError(
            tr(
                "cannot form {k} {scheme!r} classes: only {distinct} distinct "
                "published scores exist. Use classify.k <= {distinct} or "
                'classify.scheme = "prioritas" (fixed 0-100 goalposts).',
                k=k,
                scheme=scheme,
                distinct=distinct,
            )
        )


def _published_bins(bins: Sequence[float]) -> tuple[float, ...]:
    """Return class bounds rounded to the published score's decimals."""
    return tuple(float(b) for b in published_scores(pd.Series(bins, dtype=float)))


def _bins(
    values: pd.Series, scheme: Scheme, k: int, breaks: tuple[float, ...]
) -> tuple[tuple[float, ...], float]:
    data = values.dropna().to_numpy(dtype=float)
    if scheme == "prioritas":
        edges = np.linspace(0.0, 100.0, k + 1)
        return _published_bins(edges[1:].tolist()), 0.0
    if scheme == "user_defined":
        ordered = list(_published_bins(sorted(breaks)))
        if ordered[-1] < 100.0:
            ordered.append(100.0)
        _check_repeated(tuple(ordered), scheme)
        return tuple(ordered), 0.0
    found = mapclassify_bins(data, scheme, k, merge_repeats=True)
    if len(found) < k:
        _warn_fewer_classes(k, len(found), scheme)
    bins = _published_bins(found)
    _check_repeated(bins, scheme)
    return bins, float(data.min())


def _warn_fewer_classes(k: int, found: int, scheme: str) -> None:
    """Say, in the user's language, that the scores allow fewer than ``k`` classes."""
    warnings.warn(
        tr(
            "classify.k = {k}: the scores have too few distinct values for {k} "
            "classes with classify.scheme = {scheme!r}, so the map shows {found}. "
            "Set a smaller classify.k (or another classify.scheme) to choose the "
            "classes yourself.",
            k=k,
            scheme=scheme,
            found=found,
        ),
        GeoPriorityWarning,
        stacklevel=4,
    )


def _check_repeated(bins: tuple[float, ...], scheme: str) -> None:
    if len(set(bins)) < len(bins):
        shown = ", ".join(format_number(b) for b in bins)
        raise ClassificationError(
            tr(
                "classify.scheme = {scheme!r} gives repeated class bounds ({shown}) "
                "at the published one-decimal score (many equal scores, or "
                "breaks closer than 0.1). Use a smaller classify.k or scheme = "
                '"fisher_jenks", or breaks further apart.',
                scheme=scheme,
                shown=shown,
            )
        )


def _labels(
    bins: tuple[float, ...], lower: float, scheme: str, lang: Lang
) -> tuple[str, ...]:
    k = len(bins)
    edges = (lower, *bins)
    decimals = 0 if all(float(e).is_integer() for e in edges) else SCORE_DECIMALS
    out = []
    for c in range(1, k + 1):
        i = k - c
        low, high = (
            format_fixed(e, lang=lang, decimals=decimals)
            for e in (edges[i], edges[i + 1])
        )
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
    breaks: Sequence[float] = (),
    lang: str = "id",
) -> Classification:
    """Classify priority scores into ``k`` classes, 1 being the highest priority.

    Parameters
    ----------
    scores : pandas.Series
        Scores from 0 to 100; NaN gets no class. They are classified as
        published, rounded to one decimal (see the module docstring), so equal
        published scores always share a class.
    scheme : str
        One of "quantiles", "fisher_jenks", "equal_interval", "user_defined",
        "prioritas" (``classify.scheme``).
    k : int
        Number of classes (2-12). For ``user_defined`` it follows from ``breaks``.
    breaks : sequence of float
        Upper bounds for ``user_defined``, rounded to one decimal.
    lang : {"id", "en"}
        Language of the labels.

    Returns
    -------
    Classification
        Its bins are published (one-decimal) values.

    Raises
    ------
    ConfigError
        For an unknown ``scheme`` or ``lang``, ``k`` outside 2-12, or
        ``user_defined`` without ``breaks``; the message names the TOML key.
    ClassificationError
        When there are fewer distinct published scores than classes, none at
        all, or two class bounds that are equal at one decimal.

    Examples
    --------
    20.96 and 21.04 are both published as 21,0, so they share a class:

    >>> c = classify_scores(pd.Series([10.25, 20.96, 21.04, 50.0]), k=2)
    >>> c.classes.tolist(), c.labels
    ([2, 2, 2, 1], ('Kelas 1 (21,0–50,0)', 'Kelas 2 (10,2–21,0)'))
    """
    chosen = check_choice(scheme, SCHEMES, "classify.scheme")
    k = check_k(k, "classify.k")
    language = check_lang(lang)
    upper = _check_breaks(breaks) if chosen == "user_defined" else ()
    values = published_scores(scores)
    _check_values(values, chosen, k)
    bins, lower = _bins(values, chosen, k, upper)
    classes = bin_values(values, bins[:-1])
    return Classification(
        chosen,
        len(bins),
        bins,
        lower,
        classes,
        _labels(bins, lower, chosen, language),
        class_counts(classes, len(bins)),
    )
