"""The ``[robustness]`` section: how rank robustness is tested.

A frozen dataclass, checked like every other section
(:func:`~geo_priority.config_types.check_fields`), so that
:mod:`geo_priority.config` can hold it in one line. It imports nothing from
:mod:`geo_priority.config` (which imports it).

Examples
--------
>>> cfg = RobustnessConfig(draws=2000, normalisations=["min-max", "rank"])
>>> cfg.normalisations
('minmax', 'rank')
>>> RobustnessConfig(draws=10)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: robustness.draws = 10; ...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from geo_priority.config_types import check_fields
from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = [
    "DRAWS_RANGE",
    "NORMALISATION_CHOICES",
    "NormalisationChoice",
    "RobustnessConfig",
    "robustness_enabled",
]

#: ``configured`` keeps each indicator's own normalisation; ``target`` applies
#: to indicators that have a target (the others keep their own).
NormalisationChoice = Literal["configured", "minmax", "zscore", "rank", "target"]
#: The same values as :data:`geo_priority.config.Aggregation` (a test checks it).
AggregationChoice = Literal["arithmetic", "geometric"]
#: The same values as :data:`geo_priority.config.ImputeMethod`.
ImputeChoice = Literal["median", "mean", "min", "max"]

NORMALISATION_CHOICES: tuple[NormalisationChoice, ...] = get_args(NormalisationChoice)
#: Fewest and most Monte Carlo draws.
DRAWS_RANGE = (100, 1_000_000)
#: Presets for which robustness runs unless ``enabled = false``.
_ON_BY_DEFAULT = ("kemiskinan-ekstrem",)


@dataclass(frozen=True)
class RobustnessConfig:
    """How the ranking is stress-tested (the ``[robustness]`` TOML section).

    Attributes
    ----------
    enabled : bool or None
        ``None`` (default): on for the ``kemiskinan-ekstrem`` preset, off
        otherwise (see :func:`robustness_enabled`).
    draws : int
        Number of scenarios scored (at least; see
        :func:`geo_priority.robustness.rank_robustness`).
    seed : int
        Seed of the random numbers: the same seed gives the same result.
    concentration : float
        Weights are drawn from ``Dirichlet(concentration x configured
        weights)``: their mean is the configured weights, and a larger
        concentration keeps them closer (sd of a weight ``w`` is
        ``sqrt(w (1 - w) / (concentration + 1))``: 0.1 for ``w = 0.4`` at 20).
    normalisations : tuple of str
        The normalisations a draw may use (one per draw, for every indicator).
    aggregations : tuple of str
        The aggregations a draw may use.
    impute : tuple of str
        The imputation statistics a draw may use (only with
        ``scoring.missing = "impute"``).
    perturb_data : bool
        Add noise of the size of each value's standard error where the data
        give one (a ``<key>_se`` column, or ``<key>_rse`` in percent of the
        value, or the columns named in ``se_columns`` / ``rse_columns``).
    se_columns, rse_columns : mapping of str to str
        Indicator key -> column of its standard error (same unit) or relative
        standard error (percent).
    sensitivity : bool
        Compute Sobol indices of the choices.
    """

    enabled: bool | None = None
    draws: int = 5000
    seed: int = 20250205
    concentration: float = 20.0
    normalisations: tuple[NormalisationChoice, ...] = (
        "configured",
        "minmax",
        "zscore",
        "rank",
    )
    aggregations: tuple[AggregationChoice, ...] = ("arithmetic", "geometric")
    impute: tuple[ImputeChoice, ...] = ("median", "mean")
    perturb_data: bool = True
    se_columns: Mapping[str, str] = field(default_factory=dict)
    rse_columns: Mapping[str, str] = field(default_factory=dict)
    sensitivity: bool = True

    def __post_init__(self) -> None:
        check_fields(self, "robustness.")
        low, high = DRAWS_RANGE
        if not low <= self.draws <= high:
            raise ConfigError(
                tr(
                    "robustness.draws = {value!r}; use a whole number from {low} "
                    "to {high} (e.g. 5000).",
                    value=self.draws,
                    low=low,
                    high=high,
                )
            )
        if self.seed < 0:
            raise ConfigError(
                tr(
                    "robustness.seed = {value!r}; use a whole number of 0 or more.",
                    value=self.seed,
                )
            )
        if not self.concentration > 0:
            raise ConfigError(
                tr(
                    "robustness.concentration = {value!r}; use a number above 0 "
                    "(e.g. 20: larger keeps the drawn weights closer to the "
                    "configured ones).",
                    value=self.concentration,
                )
            )
        for key in ("normalisations", "aggregations", "impute"):
            if not getattr(self, key):
                raise ConfigError(
                    tr(
                        "robustness.{key} is empty; list at least one choice.",
                        key=key,
                    )
                )
        for key in ("se_columns", "rse_columns"):
            _check_columns(getattr(self, key), f"robustness.{key}")


def _check_columns(mapping: Mapping[str, object], key: str) -> None:
    for name, column in mapping.items():
        if not isinstance(column, str) or not column:
            raise ConfigError(
                tr(
                    "{key}.{name} = {value!r} must be a column name in quotes.",
                    key=key,
                    name=name,
                    value=column,
                )
            )


def robustness_enabled(config: RobustnessConfig, preset: str | None) -> bool:
    """Return whether robustness runs: ``enabled``, else on for some presets.

    Parameters
    ----------
    config : RobustnessConfig
    preset : str or None
        ``scoring.preset`` (after expansion).

    Returns
    -------
    bool

    Examples
    --------
    >>> robustness_enabled(RobustnessConfig(), "kemiskinan-ekstrem")
    True
    >>> robustness_enabled(RobustnessConfig(), None)
    False
    >>> robustness_enabled(RobustnessConfig(enabled=True), None)
    True
    """
    if config.enabled is not None:
        return config.enabled
    return (preset or "").strip().lower().replace("_", "-") in _ON_BY_DEFAULT
