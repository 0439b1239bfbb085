"""The ``[hotspots]`` section: where high and low values cluster on the map.

A frozen dataclass, checked like every other section
(:func:`~geo_priority.config_types.check_fields`), so that
:mod:`geo_priority.config` can hold it in one line. It imports nothing from
:mod:`geo_priority.config`.

Examples
--------
>>> cfg = HotspotConfig(weights="rook", islands="exclude")
>>> cfg.weights, cfg.islands, cfg.fdr
('rook', 'exclude', True)
>>> HotspotConfig(islands="nearest")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: hotspots.islands = 'nearest' tidak diizinkan. ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geo_priority.config_types import check_fields
from geo_priority.errors import ConfigError
from geo_priority.messages import tr
from geo_priority.schema import SCORE

__all__ = [
    "PERMUTATIONS_RANGE",
    "HotspotConfig",
    "IslandRule",
    "WeightsKind",
]

#: Contiguity: ``queen`` = areas that share a border or only a corner are
#: neighbours; ``rook`` = only areas that share a border.
WeightsKind = Literal["queen", "rook"]
#: What happens to an area with no bordering neighbour (an island): ``knn`` =
#: it gets its ``islands_k`` nearest areas in the same kab/kota as neighbours;
#: ``exclude`` = it is left out of the test and listed in a note.
IslandRule = Literal["knn", "exclude"]
#: Fewest and most permutations.
PERMUTATIONS_RANGE = (99, 99_999)
_SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class HotspotConfig:
    """How hotspots are found (the ``[hotspots]`` TOML section).

    Attributes
    ----------
    enabled : bool
        Run the test (``false`` keeps the section but skips it).
    column : str
        The value tested: ``"priority_score"`` (default) or an indicator's
        ``key`` (its column in the scored areas).
    weights : {"queen", "rook"}
        Which areas are neighbours: ``queen`` = sharing a border or a corner,
        ``rook`` = sharing a border.
    islands : {"knn", "exclude"}
        Areas with no bordering neighbour: ``knn`` gives each its
        ``islands_k`` nearest areas (by centroid) in the same kab/kota (the
        same province for kab/kota areas); ``exclude`` leaves them out and
        lists them in a note.
    islands_k : int
        Number of nearest neighbours an island gets.
    permutations : int
        Conditional permutations per area for the pseudo p-values.
    seed : int
        Seed of the permutations: the same seed gives the same result.
    alpha : float
        Significance level (after the correction when ``fdr`` is true).
    fdr : bool
        Correct the p-values for testing every area at once
        (Benjamini-Hochberg false discovery rate).
    """

    enabled: bool = True
    column: str = SCORE
    weights: WeightsKind = "queen"
    islands: IslandRule = "knn"
    islands_k: int = 3
    permutations: int = 999
    seed: int = 20250205
    alpha: float = 0.05
    fdr: bool = True

    def __post_init__(self) -> None:
        check_fields(self, "hotspots.")
        if not self.column.strip():
            raise ConfigError(
                tr(
                    "hotspots.column is empty; name the value to test, e.g. "
                    'column = "priority_score" or an indicator key.'
                )
            )
        if not 1 <= self.islands_k <= 50:
            raise ConfigError(
                tr(
                    "hotspots.islands_k = {value!r}; use a whole number from 1 to "
                    "50 (e.g. 3).",
                    value=self.islands_k,
                )
            )
        low, high = PERMUTATIONS_RANGE
        if not low <= self.permutations <= high:
            raise ConfigError(
                tr(
                    "hotspots.permutations = {value!r}; use a whole number from "
                    "{low} to {high} (e.g. 999).",
                    value=self.permutations,
                    low=low,
                    high=high,
                )
            )
        if not 0 <= self.seed <= _SEED_MAX:
            raise ConfigError(
                tr(
                    "hotspots.seed = {value!r}; use a whole number from 0 to {high}.",
                    value=self.seed,
                    high=_SEED_MAX,
                )
            )
        if not 0 < self.alpha <= 0.5:
            raise ConfigError(
                tr(
                    "hotspots.alpha = {value!r}; use a number above 0 and at most "
                    "0.5 (e.g. 0.05).",
                    value=self.alpha,
                )
            )
