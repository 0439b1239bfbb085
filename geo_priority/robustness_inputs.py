"""Inputs of rank robustness: checked values, standard errors and the class-1 rule.

Turns the frame, the indicators and the config sections into the arrays of a
:class:`~geo_priority.robustness_draws.Problem`, with the errors a planner
reads (a missing column, values missing under ``scoring.missing = "error"``,
a negative standard error) in the active language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo_priority.classify import Classification, classify_scores
from geo_priority.config import ClassifyConfig, IndicatorConfig, ScoringConfig
from geo_priority.errors import ScoringError
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr
from geo_priority.robustness_config import RobustnessConfig
from geo_priority.robustness_draws import (
    Class1Rule,
    Problem,
    configured_levels,
    published,
)

__all__ = ["build_problem", "class1_rule", "scored_indicators"]


# --- inputs -> problem --------------------------------------------------------


def scored_indicators(
    values: pd.DataFrame, indicators: Sequence[IndicatorConfig]
) -> tuple[IndicatorConfig, ...]:
    """Return the scored indicators (weight > 0), checked against the columns.

    Raises
    ------
    ScoringError
        When none is scored or a column is absent.
    """
    scored = tuple(i for i in indicators if i.score and i.weight > 0)
    if not scored:
        raise ScoringError(
            tr(
                "rank robustness needs at least one scored indicator with a "
                "positive weight; check [[scoring.indicators]] weight."
            )
        )
    missing = [i.key for i in scored if i.key not in values.columns]
    if missing:
        raise ScoringError(
            tr(
                "indicator column(s) {missing!r} are not in the data. Available "
                "columns: {available}. Check [[scoring.indicators]] key.",
                missing=missing,
                available=shorten_list(values.columns, 12),
            )
        )
    return scored


def _check_values(
    x: np.ndarray, keys: list[str], missing: str, index: pd.Index
) -> np.ndarray:
    """Return the areas that get a rank; raise for gaps under ``error``."""
    gaps = np.isnan(x)
    if gaps.any() and missing == "error":
        j = int(np.argmax(gaps.any(axis=0)))
        raise ScoringError(
            tr(
                "indicator {key!r} is missing for {n} of {total} areas "
                "(e.g. {names}). Provide the values, or set "
                'scoring.missing = "drop" or "impute".',
                key=keys[j],
                n=int(gaps[:, j].sum()),
                total=x.shape[0],
                names=shorten_list(index[gaps[:, j]], 5),
            )
        )
    valid = ~gaps.any(axis=1) if missing == "drop" else np.ones(x.shape[0], bool)
    if valid.sum() < 2:
        raise ScoringError(
            tr(
                "rank robustness needs at least 2 areas with a score; {n} have one.",
                n=int(valid.sum()),
            )
        )
    distinct = [len(np.unique(col[~np.isnan(col)])) for col in x[valid].T]
    if max(distinct) < 2:
        raise ScoringError(
            tr(
                "all areas have the same value in every scored indicator "
                "({keys}), so there is no ranking to test. Check the data or set "
                "robustness.enabled = false.",
                keys=", ".join(keys),
            )
        )
    return np.asarray(valid)


def _errors(
    values: pd.DataFrame,
    scored: tuple[IndicatorConfig, ...],
    config: RobustnessConfig,
) -> tuple[np.ndarray | None, list[str]]:
    """Return the standard errors (n, D), or None; and notes."""
    if not config.perturb_data:
        return None, []
    se = np.zeros((len(values), len(scored)))
    notes = []
    for j, ind in enumerate(scored):
        column, relative = _error_column(values, ind.key, config)
        if column is None:
            continue
        err = pd.to_numeric(values[column], errors="coerce").to_numpy(dtype=float)
        if np.nanmin(err, initial=0.0) < 0:
            raise ScoringError(
                tr(
                    "column {column!r} (standard error of {key!r}) has negative "
                    "values, e.g. {value!r}; standard errors are 0 or more.",
                    column=column,
                    key=ind.key,
                    value=float(np.nanmin(err)),
                )
            )
        x = pd.to_numeric(values[ind.key], errors="coerce").to_numpy(dtype=float)
        err = np.abs(x) * err / 100.0 if relative else err
        se[:, j] = np.nan_to_num(err, nan=0.0)
        notes.append(
            tr(
                "{key}: values perturbed by their standard error from column "
                "{column!r}",
                key=ind.key,
                column=column,
            )
        )
    return (se if se.any() else None), notes


def _error_column(
    values: pd.DataFrame, key: str, config: RobustnessConfig
) -> tuple[str | None, bool]:
    for column, relative in (
        (config.se_columns.get(key), False),
        (config.rse_columns.get(key), True),
    ):
        if column is not None:
            if column not in values.columns:
                table = "rse_columns" if relative else "se_columns"
                raise ScoringError(
                    tr(
                        "robustness.{table}.{key} names column {column!r}, which "
                        "is not in the data. Available columns: {available}.",
                        table=table,
                        key=key,
                        column=column,
                        available=shorten_list(values.columns, 12),
                    )
                )
            return column, relative
    for suffix, relative in (("_se", False), ("_rse", True)):
        if f"{key}{suffix}" in values.columns:
            return f"{key}{suffix}", relative
    return None, False


def _bounds(ind: IndicatorConfig, x: np.ndarray) -> tuple[float, float]:
    """Return the range noisy values are clipped to (>= 0 for data >= 0)."""
    rng = ind.plausible_range
    if rng is not None:
        return rng
    return (0.0 if np.nanmin(x) >= 0 else -np.inf), np.inf


def class1_rule(
    classify: ClassifyConfig, nominal: Classification | None, scores: pd.Series
) -> Class1Rule:
    """Return how each draw finds class 1 under the configured classification.

    Fixed bounds (``prioritas``, ``user_defined``) stay; data-driven schemes
    are recomputed per draw, except natural breaks, whose class-1 size
    (from ``nominal``, or computed from the configured ``scores``) is kept.
    """
    scheme, k = classify.scheme, classify.k
    if scheme == "prioritas":
        bound = published(float(np.linspace(0.0, 100.0, k + 1)[-2]))
        return Class1Rule(scheme, k, threshold=bound)
    if scheme == "user_defined":
        ordered = sorted(published(float(b)) for b in classify.breaks)
        if ordered[-1] < 100.0:
            ordered.append(100.0)
        bound = ordered[-2] if len(ordered) > 1 else -np.inf
        return Class1Rule(scheme, len(ordered), threshold=bound)
    if scheme == "fisher_jenks":
        if nominal is None:
            nominal = classify_scores(scores, scheme=scheme, k=k)
        return Class1Rule(scheme, k, top=int(nominal.counts[0]))
    return Class1Rule(scheme, k)


def build_problem(
    values: pd.DataFrame,
    scored: tuple[IndicatorConfig, ...],
    scoring: ScoringConfig,
    config: RobustnessConfig,
    rule: Class1Rule,
) -> tuple[Problem, list[str]]:
    """Return the arrays of the Monte Carlo and the notes about the data.

    Raises
    ------
    ScoringError
        For missing values under ``error``, fewer than 2 scored areas, no
        indicator that varies, or a bad standard-error column.
    """
    keys = [i.key for i in scored]
    x = np.column_stack(
        [pd.to_numeric(values[k], errors="coerce").to_numpy(dtype=float) for k in keys]
    )
    valid = _check_values(x, keys, scoring.missing, values.index)
    se, notes = _errors(values, scored, config)
    weights = np.array([i.weight for i in scored], dtype=float)
    levels, allowed = configured_levels(scored, config.normalisations)
    aggs = _levels(scoring.aggregation, config.aggregations)
    imps = _levels(scoring.impute, config.impute)
    problem = Problem(
        values=x,
        valid=valid,
        indicators=scored,
        weights=weights / weights.sum(),
        norm_levels=levels,
        norm_allowed=allowed,
        agg_levels=aggs[0],
        agg_allowed=aggs[1],
        imp_levels=imps[0],
        imp_allowed=imps[1],
        impute=scoring.missing == "impute" and bool(np.isnan(x).any()),
        se=se,
        bounds=np.array([_bounds(i, x[:, j]) for j, i in enumerate(scored)]),
        rule=rule,
    )
    return problem, notes


def _levels(
    configured: str, choices: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    levels = [configured, *(c for c in choices if c != configured)]
    return tuple(levels), tuple(levels.index(c) for c in choices)
