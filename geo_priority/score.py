"""Priority scores: normalise, weight, aggregate, rank, and explain.

Every indicator is normalised to [0, 1] where 1 is the *worst* (highest
priority) value, so weights read the same whatever the direction. The score is

* ``arithmetic``: ``100 * sum(w_i * n_i) / sum(w_i)``; the contribution of
  indicator *i* is ``100 * w_i * n_i / sum(w)``, so contributions add up to the
  score exactly;
* ``geometric``: ``100 * prod(m_i ** (w_i / sum(w)))`` with
  ``m_i = 0.01 + 0.99 * n_i`` (strictly positive, as a geometric mean needs);
  the score is split between indicators in proportion to ``w_i * -log(m_i)``.

Normalisations (``n`` before the direction is applied):

* ``minmax``: ``(x - min) / (max - min)``;
* ``zscore``: the standard score mapped through the normal CDF, ``Phi(z)``;
* ``rank``: ``(rank - 1) / (n - 1)`` with tied values sharing their mean rank;
* ``target``: distance to a goal, ``(x - target) / (max - target)`` clipped to
  [0, 1] (for ``higher_is_better``: ``(target - x) / (target - min)``), so an
  area that reached the goal (0 % extreme poverty) scores 0.

Ranks follow the *published* score: the score rounded to
:data:`~geo_priority.formatting.SCORE_DECIMALS` (one decimal), as every map,
table and figure shows it (:func:`published_scores`). Two areas shown with the
same score get the same rank, the best of their places ("1, 2, 2, 4":
competition ranking), because a difference smaller than the published
precision cannot be defended in a meeting. The ``priority_score`` column keeps
six decimals for analysis; the classes follow the published score too
(:mod:`geo_priority.classify`).

``scoring.missing = "reweight"`` scores an area missing a component (a
suppressed small cell) from the components it has, weights re-normalised over
them (``score_basis``); it gets an exact rank *of that score* and a rank band
(``rank_band_best`` .. ``rank_band_worst``: its rank for any value of the
hidden components). Measured on the synthetic Banten desa registry
(``benchmarks/reweight_ranks.py``): 95.6 % of desa ranked instead of 71 %;
the desa scored from fewer components share the quintile of their
all-component rank only 26 % of the time (complete desa: 68 %), and their band
spans a median 1,437 of 1,552 ranks. So their rank places them on what is
published, not on what is hidden; read it with the band.

Pure: takes and returns pandas objects; no files, no geometry.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.config import IndicatorConfig
>>> df = pd.DataFrame({"rate": [0.0, 5.0, 10.0], "count": [10.0, 0.0, 5.0]},
...                   index=["A", "B", "C"])
>>> inds = [IndicatorConfig(key="rate", weight=0.5),
...         IndicatorConfig(key="count", weight=0.5)]
>>> result = compute_scores(df, inds)
>>> result.frame["priority_score"].tolist()
[50.0, 25.0, 75.0]
>>> result.frame["priority_rank"].tolist()
[2, 3, 1]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority.config import (
    AGGREGATIONS,
    IMPUTE_METHODS,
    MISSING_POLICIES,
    Aggregation,
    ImputeMethod,
    IndicatorConfig,
    MissingPolicy,
)
from geo_priority.errors import ScoringError
from geo_priority.formatting import SCORE_DECIMALS, format_number, rounded, shorten_list
from geo_priority.indicators import SUPPRESSED_SUFFIX
from geo_priority.messages import language, tr
from geo_priority.schema import CONTRIB_PREFIX, NORM_PREFIX, RANK, SCORE, check_choice

_GEOMETRIC_FLOOR = 0.01
#: Column of a ``scoring.missing = "reweight"`` run: the keys of the
#: components each area's score is computed from (comma separated).
SCORE_BASIS = "score_basis"
#: Best and worst rank an area scored from fewer components could hold
#: whatever its hidden components are (:func:`rank_band`).
RANK_BAND_BEST = "rank_band_best"
RANK_BAND_WORST = "rank_band_worst"


@dataclass(frozen=True)
class ScoreResult:
    """Scores with their explanation.

    Attributes
    ----------
    frame : pandas.DataFrame
        The input frame plus ``norm_<key>``, ``contrib_<key>``,
        ``priority_score`` (0-100 with six decimals, NaN when dropped for
        missing values), ``priority_rank`` (1 = highest published score, equal
        published scores share a rank: :func:`rank_scores`) and ``imputed``
        (the keys of imputed indicators, comma separated).
    weights : dict
        Normalised weights (summing to 1) of the scored indicators.
    notes : tuple of str
        What was imputed, dropped or could not discriminate.
    """

    frame: pd.DataFrame
    weights: dict[str, float]
    notes: tuple[str, ...]


def _minmax(x: pd.Series) -> pd.Series:
    lo, hi = x.min(), x.max()
    if not hi > lo:
        return x * 0.0
    return (x - lo) / (hi - lo)


def _zscore(x: pd.Series) -> pd.Series:
    sd = x.std(ddof=0)
    if not sd > 0:
        return x * 0.0 + 0.5
    z = (x - x.mean()) / sd
    return z.map(lambda v: 0.5 * (1 + math.erf(v / math.sqrt(2))), na_action="ignore")


def _rank(x: pd.Series) -> pd.Series:
    n = x.notna().sum()
    if n < 2:
        return x * 0.0
    return (x.rank(method="average") - 1) / (n - 1)


def _target(x: pd.Series, target: float, higher_is_worse: bool) -> pd.Series:
    worst = x.max() if higher_is_worse else x.min()
    span = (worst - target) if higher_is_worse else (target - worst)
    if not span > 0:
        return x * 0.0
    dist = (x - target) if higher_is_worse else (target - x)
    return (dist / span).clip(0.0, 1.0)


_NORMALISERS = {"minmax": _minmax, "zscore": _zscore, "rank": _rank}


def normalise_indicator(values: pd.Series, indicator: IndicatorConfig) -> pd.Series:
    """Normalise one indicator to [0, 1], where 1 is the worst value.

    Parameters
    ----------
    values : pandas.Series
        Raw values; NaN stays NaN.
    indicator : IndicatorConfig
        Supplies ``normalisation``, ``direction`` and ``target``.

    Returns
    -------
    pandas.Series

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.config import IndicatorConfig
    >>> x = pd.Series([0.0, 5.0, 10.0])
    >>> normalise_indicator(x, IndicatorConfig(key="x")).tolist()
    [0.0, 0.5, 1.0]
    >>> ind = IndicatorConfig(key="x", direction="higher_is_better")
    >>> normalise_indicator(x, ind).tolist()
    [1.0, 0.5, 0.0]
    >>> ind = IndicatorConfig(key="x", normalisation="target", target=0)
    >>> normalise_indicator(pd.Series([1.0, 2.0, 4.0]), ind).tolist()
    [0.25, 0.5, 1.0]
    """
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    worse_high = indicator.direction == "higher_is_worse"
    if indicator.normalisation == "target":
        return _target(x, float(indicator.target or 0.0), worse_high)
    n = _NORMALISERS[indicator.normalisation](x)
    return n if worse_high else 1.0 - n


def published_scores(scores: pd.Series) -> pd.Series:
    """Return the scores as published: rounded to ``SCORE_DECIMALS`` decimals.

    Rounded exactly as the number formatters round for display (the shortest
    decimal text of the float, half to even on an exact tie), so the value
    returned is the value a person reads: ``20.96`` and ``21.04`` both become
    ``21.0``. Ranks and classes are taken from these values.

    Parameters
    ----------
    scores : pandas.Series
        Scores from 0 to 100; NaN stays NaN.

    Returns
    -------
    pandas.Series
        ``float64`` on the same index.

    Examples
    --------
    >>> published_scores(pd.Series([20.96, 21.04, 0.15, None])).tolist()
    [21.0, 21.0, 0.1, nan]
    """
    values = pd.to_numeric(scores, errors="coerce").astype("float64")
    return pd.Series(
        rounded(values.to_numpy(), SCORE_DECIMALS),
        index=values.index,
        name=values.name,
    )


def rank_scores(scores: pd.Series) -> pd.Series:
    """Return the priority rank of each score: 1 for the highest published score.

    Areas whose published scores (:func:`published_scores`) are equal share
    the best rank of their group and the next rank is skipped ("1, 2, 2, 4");
    an area without a score has no rank.

    Parameters
    ----------
    scores : pandas.Series
        Scores from 0 to 100.

    Returns
    -------
    pandas.Series
        Nullable ``Int64`` on the same index.

    Examples
    --------
    >>> rank_scores(pd.Series([20.96, 56.2, 21.04, None])).tolist()
    [2, 1, 2, <NA>]
    """
    shown = published_scores(scores)
    return shown.rank(ascending=False, method="min").astype("Int64")


def _check_columns(frame: pd.DataFrame, indicators: Sequence[IndicatorConfig]) -> None:
    missing = [i.key for i in indicators if i.key not in frame.columns]
    if missing:
        raise ScoringError(
            tr(
                "indicator column(s) {missing!r} are not in the data. Available "
                "columns: {available}. Check [[scoring.indicators]] key.",
                missing=missing,
                available=shorten_list(frame.columns, 12),
            )
        )


def _weights(indicators: Sequence[IndicatorConfig]) -> dict[str, float]:
    total = sum(i.weight for i in indicators)
    if not total > 0:
        raise ScoringError(
            tr(
                "the weights of the scored indicators sum to 0; give at least one "
                "indicator a positive weight ([[scoring.indicators]] weight)."
            )
        )
    return {i.key: i.weight / total for i in indicators}


def _mask_suppressed(
    frame: pd.DataFrame, indicators: Sequence[IndicatorConfig]
) -> pd.DataFrame:
    """Blank every value flagged ``<key>_suppressed``: a hidden cell is never used.

    A table may carry a value behind a flag (an unsuppressed export with the
    flags of the public one); whatever it holds, the score must not depend
    on it (:mod:`geo_priority.disclosure_scores`).
    """
    flags = {
        i.key: f"{i.key}{SUPPRESSED_SUFFIX}"
        for i in indicators
        if f"{i.key}{SUPPRESSED_SUFFIX}" in frame.columns
    }
    if not flags:
        return frame
    frame = frame.copy()
    for key, flag in flags.items():
        hidden = frame[flag].fillna(False).astype(bool)
        frame.loc[hidden, key] = np.nan
    return frame


def _apply_missing(
    frame: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    policy: MissingPolicy,
    impute: ImputeMethod,
) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    frame = frame.copy()
    frame["imputed"] = ""
    for ind in indicators:
        gaps = frame[ind.key].isna()
        if not gaps.any():
            continue
        names = ", ".join(map(str, frame.index[gaps][:5]))
        if policy == "error":
            raise ScoringError(
                tr(
                    "indicator {key!r} is missing for {n} of {total} areas "
                    "(e.g. {names}). Provide the values, or set "
                    'scoring.missing = "drop", "impute" or "reweight".',
                    key=ind.key,
                    n=int(gaps.sum()),
                    total=len(frame),
                    names=names,
                )
            )
        if policy == "impute":
            fill = getattr(frame[ind.key], impute)()
            frame.loc[gaps, ind.key] = fill
            prev = frame.loc[gaps, "imputed"]
            frame.loc[gaps, "imputed"] = prev.where(prev == "", prev + ",") + ind.key
            notes.append(
                tr(
                    "{key}: {n} area(s) imputed with the {impute} ({fill}): {names}",
                    key=ind.key,
                    n=int(gaps.sum()),
                    impute=impute,
                    fill=format_number(fill, lang=language(), decimals=4),
                    names=names,
                )
            )
        elif policy == "reweight":
            notes.append(
                tr(
                    "{key}: {n} area(s) without a value (or with a suppressed "
                    "value) are scored from their other components, weights "
                    "re-normalised (scoring.missing = reweight): {names}",
                    key=ind.key,
                    n=int(gaps.sum()),
                    names=names,
                )
            )
        else:
            notes.append(
                tr(
                    "{key}: {n} area(s) without a value get no score "
                    "(scoring.missing = drop): {names}",
                    key=ind.key,
                    n=int(gaps.sum()),
                    names=names,
                )
            )
    return frame, notes


def _aggregate(
    norm: pd.DataFrame,
    weights: dict[str, float],
    method: Aggregation,
    reweight: bool = False,
) -> tuple[pd.Series, pd.DataFrame]:
    """Score and contributions; ``reweight`` re-normalises over present values."""
    w = pd.Series(weights)
    norm = norm[w.index]
    present = norm.notna()
    # each row's weights over the components it has; a full row keeps sum 1
    total = (
        present.mul(w, axis=1).sum(axis=1) if reweight else pd.Series(1.0, norm.index)
    )
    total = total.where(total > 0)
    need = 1 if reweight else len(w)
    if method == "arithmetic":
        contrib = norm.mul(w, axis=1).mul(100.0).div(total, axis=0)
        return contrib.sum(axis=1, min_count=need), contrib
    m = _GEOMETRIC_FLOOR + (1 - _GEOMETRIC_FLOOR) * norm
    logs = np.log(m).mul(w, axis=1).div(total, axis=0)
    score = 100.0 * np.exp(logs.sum(axis=1, min_count=need))
    share = logs.div(logs.sum(axis=1), axis=0)
    share = share.where(
        ~present | share.notna(), present.div(present.sum(axis=1), axis=0)
    )
    return score, share.mul(score, axis=0)


def _basis(norm: pd.DataFrame, scored: Sequence[IndicatorConfig]) -> pd.Series:
    """Return the keys of the components each area is scored from."""
    keys = [i.key for i in scored]
    present = norm[keys].notna().to_numpy()
    return pd.Series(
        [",".join(k for k, p in zip(keys, row, strict=True) if p) for row in present],
        index=norm.index,
        dtype="object",
    )


def rank_band(
    norm: pd.DataFrame, weights: dict[str, float], method: Aggregation, score: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Return the best and worst rank an area scored from fewer components could hold.

    Each missing component is let range over its whole normalised scale, 0
    to 1, with the configured weights (nothing about the hidden value is
    used); the area's best rank is that of its highest possible score, its
    worst that of its lowest, among the published scores of the others.
    Areas scored from every component (and unscored ones) get no band.

    Examples
    --------
    >>> norm = pd.DataFrame({"a": [0.5, 0.9, 0.2], "b": [None, 0.8, 0.1]})
    >>> best, worst = rank_band(norm, {"a": 0.5, "b": 0.5}, "arithmetic",
    ...                         pd.Series([50.0, 85.0, 15.0]))
    >>> best.tolist(), worst.tolist()
    ([2, <NA>, <NA>], [2, <NA>, <NA>])
    """
    w = pd.Series(weights)
    norm = norm[w.index]
    partial = norm.isna().any(axis=1) & norm.notna().any(axis=1) & score.notna()
    low, _ = _aggregate(norm.fillna(0.0), weights, method)
    high, _ = _aggregate(norm.fillna(1.0), weights, method)
    shown = published_scores(score).to_numpy()
    best = pd.Series(pd.NA, index=norm.index, dtype="Int64")
    worst = best.copy()
    for i in np.flatnonzero(partial.to_numpy()):
        others = np.delete(shown, i)
        others = others[~np.isnan(others)]
        hi, lo = published_scores(pd.Series([high.iloc[i], low.iloc[i]])).tolist()
        best.iloc[i] = 1 + int((others > hi).sum())
        worst.iloc[i] = 1 + int((others > lo).sum())
    return best, worst


def basis_words(basis: object, total: int) -> str:
    """Say in words how many components a score is from ("" when from all).

    Parameters
    ----------
    basis : str
        A ``score_basis`` value (component keys, comma separated).
    total : int
        The number of scored components.

    Returns
    -------
    str
        ``"berdasarkan 2 dari 3 komponen"`` in Indonesian, ``"from 2 of 3
        components"`` in English; ``""`` when all components were used or
        none (no score).

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> with use_language("en"):
    ...     basis_words("a,b", 3)
    'from 2 of 3 components'
    >>> basis_words("a,b,c", 3)
    ''
    """
    used = len([k for k in str(basis).split(",") if k]) if isinstance(basis, str) else 0
    if used in (0, total):
        return ""
    return tr("from {used} of {total} components", used=used, total=total)


def _reweight_notes(
    basis: pd.Series, weights: dict[str, float], scored: Sequence[IndicatorConfig]
) -> list[str]:
    """One note per partial basis: how many areas, with the weights used."""
    notes = []
    full = ",".join(i.key for i in scored)
    for used, n in basis[(basis != full) & (basis != "")].value_counts().items():
        keys = str(used).split(",")
        total = sum(weights[k] for k in keys)
        lang = language()
        shares = ", ".join(
            f"{k} {format_number(100 * weights[k] / total, lang=lang, decimals=1)} %"
            for k in keys
        )
        notes.append(
            tr(
                "{n} area(s) scored {words} ({keys} hidden or missing); weights "
                "re-normalised over the components used: {shares}",
                n=int(n),
                words=basis_words(used, len(scored)),
                keys=", ".join(i.key for i in scored if i.key not in keys),
                shares=shares,
            )
        )
    return notes


def compute_scores(
    frame: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    /,
    *,
    aggregation: str = "arithmetic",
    missing: str = "error",
    impute: str = "median",
) -> ScoreResult:
    """Score every row of ``frame`` from 0 (lowest) to 100 (highest priority).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area, one column per indicator key.
    indicators : sequence of IndicatorConfig
        The indicators; those with ``score=False`` are ignored.
    aggregation : {"arithmetic", "geometric"}
    missing : {"error", "drop", "impute", "reweight"}
        What to do with missing values; every drop or imputation is reported in
        :attr:`ScoreResult.notes`. ``"reweight"`` scores an area from the
        components it has, with the weights re-normalised over them
        (``100 * sum(w_i * n_i) / sum(w_i)`` over the present ``i``), and adds
        :data:`SCORE_BASIS`. A value flagged ``<key>_suppressed`` counts as
        missing under every policy: it is never used.
    impute : {"median", "mean", "min", "max"}
        The statistic used when ``missing="impute"``.

    Returns
    -------
    ScoreResult

    Raises
    ------
    ConfigError
        For an unknown ``aggregation``, ``missing`` or ``impute``; the message
        names the TOML key (``scoring.aggregation`` ...).
    ScoringError
        When an indicator column is absent, weights sum to 0, or values are
        missing under ``missing="error"``.
    """
    method = check_choice(aggregation, AGGREGATIONS, "scoring.aggregation")
    policy = check_choice(missing, MISSING_POLICIES, "scoring.missing")
    statistic = check_choice(impute, IMPUTE_METHODS, "scoring.impute")
    scored = [i for i in indicators if i.score and i.weight > 0]
    _check_columns(frame, scored)
    weights = _weights(scored)
    frame = _mask_suppressed(frame, scored)
    frame, notes = _apply_missing(frame, scored, policy, statistic)
    norm = pd.DataFrame(
        {i.key: normalise_indicator(frame[i.key], i) for i in scored}, index=frame.index
    )
    for ind in scored:
        if frame[ind.key].nunique() < 2:
            notes.append(
                tr(
                    "{key}: all areas have the same value, so it does not "
                    "change the ranking",
                    key=ind.key,
                )
            )
    reweight = policy == "reweight"
    score, contrib = _aggregate(norm, weights, method, reweight)
    out = frame.assign(
        **{f"{NORM_PREFIX}{k}": norm[k] for k in norm},
        **{f"{CONTRIB_PREFIX}{k}": contrib[k] for k in contrib},
    )
    out[SCORE] = score.round(6)
    out[RANK] = rank_scores(out[SCORE])
    if reweight:
        out[SCORE_BASIS] = _basis(norm, scored).where(out[SCORE].notna(), "")
        notes += _reweight_notes(out[SCORE_BASIS], weights, scored)
        band = rank_band(norm, weights, method, out[SCORE])
        out[RANK_BAND_BEST], out[RANK_BAND_WORST] = band
    return ScoreResult(out, weights, tuple(notes))
