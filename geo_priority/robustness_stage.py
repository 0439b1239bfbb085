"""Rank robustness and the official selection, as a stage of the analysis.

:func:`add_robustness` runs :func:`geo_priority.robustness.rank_robustness`
on the scored areas when ``[robustness]`` asks for it (on by default for the
``kemiskinan-ekstrem`` preset) and joins ``rank_median``, ``rank_low``,
``rank_high`` and ``p_class1`` onto them; :func:`add_official` adds the
``official_priority`` column of the official rate-and-number rule
(:func:`geo_priority.official_rule.official_priority`). Each returns a small
typed summary that the analysis, the method note and the run record carry.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_priority.classify import Classification
from geo_priority.config import (
    SCHEMES,
    ClassifyConfig,
    Config,
    IndicatorConfig,
    ScoringConfig,
)
from geo_priority.errors import ScoringError
from geo_priority.messages import tr, use_language
from geo_priority.official_rule import OFFICIAL_PRIORITY, official_priority
from geo_priority.official_rule_config import official_rule_enabled
from geo_priority.robustness import ROBUSTNESS_COLUMNS, rank_robustness
from geo_priority.robustness_config import robustness_enabled
from geo_priority.schema import ID

__all__ = [
    "OfficialSummary",
    "RobustnessSummary",
    "SensitivityIndex",
    "add_official",
    "add_robustness",
    "official_record",
    "robustness_record",
]


@dataclass(frozen=True)
class SensitivityIndex:
    """How much one method choice moves the ranks (Sobol indices, 0-1).

    Attributes
    ----------
    factor : str
        ``weights``, ``normalisation``, ``aggregation``, ``imputation`` or
        ``data``.
    label : str
        The choice in words, in the run's language.
    first_order, total : float
        Share of the variance of the mean absolute rank shift due to the
        choice alone / with its interactions.
    """

    factor: str
    label: str
    first_order: float
    total: float


@dataclass(frozen=True)
class RobustnessSummary:
    """What the rank-robustness test did, for the method note and run record.

    Attributes
    ----------
    draws, seed : int
    concentration : float
        Of the Dirichlet distribution of the weights.
    normalisations, aggregations : tuple of str
        The choices drawn from.
    class1_rule : str
        How class 1 was found in each scenario (in words).
    sensitivity : tuple of SensitivityIndex
        Largest total index first; empty when nothing varies.
    method : str
        The core's method text (in the run's language).
    """

    draws: int
    seed: int
    concentration: float
    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    class1_rule: str
    sensitivity: tuple[SensitivityIndex, ...]
    method: str


@dataclass(frozen=True)
class OfficialSummary:
    """The official rate-and-number selection, stated.

    Attributes
    ----------
    rule : {"top_n", "coverage"}
    n : int or None
    coverage : float or None
    per_province : bool
    selected : tuple of str
        Area codes selected, in the rule's order.
    method : str
        The method text (in the run's language).
    """

    rule: str
    n: int | None
    coverage: float | None
    per_province: bool
    selected: tuple[str, ...]
    method: str


def _sensitivity(table: pd.DataFrame) -> tuple[SensitivityIndex, ...]:
    return tuple(
        SensitivityIndex(
            str(row.factor), str(row.label), float(row.first_order), float(row.total)
        )
        for row in table.itertuples()
    )


def add_robustness(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    scoring: ScoringConfig,
    config: Config,
    classification: Classification,
) -> tuple[gpd.GeoDataFrame, RobustnessSummary | None, tuple[str, ...]]:
    """Join the rank-robustness columns onto scored ``areas`` when enabled.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored and classified areas (``area_id`` and the indicator columns).
    indicators : tuple of IndicatorConfig
    scoring : ScoringConfig
        With its preset expanded.
    config : Config
        ``robustness`` and ``classify`` are used.
    classification : Classification
        The run's classes (class 1 per scenario follows them).

    Returns
    -------
    areas : geopandas.GeoDataFrame
        With ``rank_median``, ``rank_low``, ``rank_high``, ``p_class1`` when
        robustness ran, else unchanged.
    summary : RobustnessSummary or None
    notes : tuple of str
    """
    rob = config.robustness
    if not robustness_enabled(rob, scoring.preset):
        return areas, None, ()
    values = pd.DataFrame(areas.drop(columns=areas.geometry.name)).set_index(ID)
    try:
        with use_language(config.outputs.lang):  # its texts in the run's language
            result = rank_robustness(
                values,
                indicators,
                scoring,
                _classify(config, classification),
                rob,
                classification=classification,
            )
    except ScoringError as err:
        note = tr(
            "rank robustness was not computed: {reason} Set robustness.enabled = "
            "false to leave it out.",
            reason=str(err),
        )
        return areas, None, (note,)
    out = areas.drop(columns=[c for c in ROBUSTNESS_COLUMNS if c in areas.columns])
    joined = result.frame.reindex(areas[ID].to_numpy())
    for column in ROBUSTNESS_COLUMNS:  # keeps Int64 ranks (<NA> without a score)
        out[column] = joined[column].set_axis(out.index)
    out.attrs.update(areas.attrs)
    summary = RobustnessSummary(
        result.draws,
        result.seed,
        float(rob.concentration),
        tuple(rob.normalisations),
        tuple(rob.aggregations),
        result.class1_rule,
        _sensitivity(result.sensitivity),
        result.method,
    )
    return out, summary, result.notes


def _classify(config: Config, classification: Classification) -> ClassifyConfig:
    """Return the classes actually used: a coarser level may have fallen back."""
    c = config.classify
    if classification.scheme == c.scheme and classification.k == c.k:
        return c
    if classification.scheme not in SCHEMES or classification.scheme == "user_defined":
        return c
    return ClassifyConfig(scheme=classification.scheme, k=classification.k)


def _province(code: object) -> str:
    """Return the province of a code: its first two digits (36.01 -> 36)."""
    return re.sub(r"\D", "", str(code))[:2]


def add_official(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    scoring: ScoringConfig,
    config: Config,
) -> tuple[gpd.GeoDataFrame, OfficialSummary | None, tuple[str, ...]]:
    """Add ``official_priority`` (True when the official rule selects the area).

    Runs when ``[official_rule]`` is enabled (by default for the
    ``kemiskinan-ekstrem`` preset) and both the rate and the number
    indicator are in the areas; otherwise returns ``areas`` unchanged (with a
    note when the section asked for it explicitly).

    Returns
    -------
    areas : geopandas.GeoDataFrame
    summary : OfficialSummary or None
    notes : tuple of str
    """
    cfg = config.official_rule
    if not official_rule_enabled(cfg, scoring.preset):
        return areas, None, ()
    keys = {i.key for i in indicators}
    missing = [k for k in (cfg.rate, cfg.count) if k not in keys or k not in areas]
    if missing:
        notes: tuple[str, ...] = ()
        if cfg.enabled:
            notes = (
                tr(
                    "official rule: indicator(s) {keys!r} are not in the data, so no "
                    "official selection is shown. Set official_rule.rate and "
                    "official_rule.count to the keys of the extreme-poverty rate "
                    "and number.",
                    keys=missing,
                ),
            )
        return areas, None, notes
    rule, n, coverage = cfg.rule()
    frame = pd.DataFrame(areas.drop(columns=areas.geometry.name)).set_index(ID)
    group = None
    if cfg.per_province:
        with use_language(config.outputs.lang):
            group = tr("province")
        frame[group] = [_province(c) for c in frame.index]
    with use_language(config.outputs.lang):
        selection = official_priority(
            frame, cfg.rate, cfg.count, n=n, coverage=coverage, group_key=group
        )
    out = areas.drop(columns=[OFFICIAL_PRIORITY], errors="ignore")
    chosen = selection.frame[OFFICIAL_PRIORITY].reindex(areas[ID].to_numpy())
    out[OFFICIAL_PRIORITY] = chosen.fillna(False).astype(bool).to_numpy()
    out.attrs.update(areas.attrs)
    summary = OfficialSummary(
        rule,
        n,
        coverage,
        cfg.per_province,
        tuple(str(s) for s in selection.selected),
        selection.method,
    )
    return out, summary, selection.notes


def robustness_record(rob: RobustnessSummary | None) -> dict[str, Any] | None:
    """Return the rank-robustness test for the run record (``_run.json``).

    Draws, seed, concentration, the choices, the class-1 rule, the Sobol
    indices (largest total first) and the method text; None when it did not
    run.
    """
    if rob is None:
        return None
    return {
        **asdict(rob),
        "sensitivity": [asdict(s) for s in rob.sensitivity],
        "columns": list(ROBUSTNESS_COLUMNS),
    }


def official_record(official: OfficialSummary | None) -> dict[str, Any] | None:
    """Return the official selection for the run record; None when not shown."""
    if official is None:
        return None
    return {**asdict(official), "column": OFFICIAL_PRIORITY}
