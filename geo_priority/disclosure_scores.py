"""Disclosure audit of published scores: no hidden cell can be pinned down from them.

The registry audit (:func:`geo_priority.microdata.audit.pinned_cells`) solves,
for each suppressed cell, the linear programmes "smallest and largest value
consistent with everything published" (cells, sums, logical bounds). A
published score and rank are more published figures. Under
``scoring.missing = "reweight"`` an area's score is computed from its visible
components only (:func:`geo_priority.score.compute_scores`), so it is a
function of published cells and adds no constraint on a hidden one: the
programmes, and so the audit's answer, are unchanged.

:func:`score_dependence` checks that claim instead of assuming it: it puts
arbitrary values behind every ``<key>_suppressed`` flag (as an unsuppressed
export carrying the public flags would) and scores again; a hidden cell whose
value changes any published number (score to six decimals, rank, basis,
contributions) is *dependent*. :func:`pinned_with_scores` counts every
dependent cell as pinned (a published score that moves with one cell, all
else fixed, is a monotone function of it and gives it away) on top of what the
LP audit pins. Sound and conservative: an empty answer means that neither the
tables nor the scores pin any hidden cell.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.config import IndicatorConfig
>>> table = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, None, 6.0],
...                       "b_suppressed": [False, True, False]},
...                      index=["d1", "d2", "d3"])
>>> inds = [IndicatorConfig(key="a"), IndicatorConfig(key="b")]
>>> score_dependence(table, inds, missing="reweight").dependent
()
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority.config import IndicatorConfig
from geo_priority.indicators import SUPPRESSED_SUFFIX
from geo_priority.microdata.audit import pinned_cells
from geo_priority.microdata.disclosure import Bound, Relation
from geo_priority.schema import CONTRIB_PREFIX, RANK, SCORE
from geo_priority.score import SCORE_BASIS, compute_scores

__all__ = ["ScoreAudit", "pinned_with_scores", "published_bytes", "score_dependence"]

#: Values tried behind a flag: inside 1..9, zero, and far outside any range.
_PROBES = (0.0, 1.0, 9.0, 1e6, -1e6)


@dataclass(frozen=True)
class ScoreAudit:
    """What the published scores reveal of the hidden cells.

    Attributes
    ----------
    hidden : int
        Hidden scored cells checked (area x indicator with its flag set).
    trials : int
        Scorings compared with the published one.
    dependent : tuple of (area, key)
        Hidden cells whose value changed a published number; empty when
        nothing published depends on a hidden cell.
    """

    hidden: int
    trials: int
    dependent: tuple[tuple[str, str], ...]


def published_bytes(
    table: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    *,
    missing: str = "reweight",
    aggregation: str = "arithmetic",
) -> bytes:
    """Return what a run publishes of the scores, as CSV bytes.

    Score (six decimals, as in the ranked table and layers), rank, score
    basis and contributions of every area, in the table's order.
    """
    frame = compute_scores(
        table, indicators, missing=missing, aggregation=aggregation
    ).frame
    cols = [
        SCORE,
        RANK,
        *(c for c in frame.columns if str(c).startswith(CONTRIB_PREFIX)),
    ]
    cols += [SCORE_BASIS] if SCORE_BASIS in frame.columns else []
    text: str = frame[cols].to_csv(float_format="%.6f", lineterminator="\n")
    return text.encode()


def _hidden_cells(
    table: pd.DataFrame, indicators: Sequence[IndicatorConfig]
) -> list[tuple[int, str]]:
    """Return (row position, key) of each scored value behind a set flag."""
    cells = []
    for ind in indicators:
        flag = f"{ind.key}{SUPPRESSED_SUFFIX}"
        if ind.score and ind.weight > 0 and flag in table.columns:
            hidden = table[flag].fillna(False).astype(bool).to_numpy()
            cells += [(int(i), ind.key) for i in np.flatnonzero(hidden)]
    return cells


def _with_values(
    table: pd.DataFrame, cells: Sequence[tuple[int, str]], values: np.ndarray
) -> pd.DataFrame:
    out = table.copy()
    for key in {key for _, key in cells}:  # counts may be Int64
        out[key] = pd.to_numeric(out[key], errors="coerce").astype("float64")
    for (row, key), value in zip(cells, values, strict=True):
        out.iloc[row, out.columns.get_loc(key)] = value
    return out


def score_dependence(
    table: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    *,
    missing: str = "reweight",
    aggregation: str = "arithmetic",
    trials: int = 8,
    seed: int = 0,
) -> ScoreAudit:
    """Check that no published score depends on a hidden cell.

    Every hidden scored cell is set, all at once, to each of the probe values
    (0, 1, 9, +-1e6) and to ``trials`` random draws from 0-9 and from 0-1e4;
    the published bytes (:func:`published_bytes`) are compared with those of
    the table as given. Only when they differ is each cell tried on its own,
    to name the dependent ones.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area (index: area code), indicator columns and their
        ``<key>_suppressed`` flags.
    indicators : sequence of IndicatorConfig
    missing, aggregation : str
        ``scoring.missing`` and ``scoring.aggregation`` of the run.
    trials : int
        Random draws per range.
    seed : int

    Returns
    -------
    ScoreAudit
    """
    cells = _hidden_cells(table, indicators)
    kwargs = {"missing": missing, "aggregation": aggregation}
    base = published_bytes(table, indicators, **kwargs)
    rng = np.random.default_rng(seed)
    draws = [np.full(len(cells), v) for v in _PROBES]
    draws += [rng.integers(0, 10, len(cells)).astype(float) for _ in range(trials)]
    draws += [rng.uniform(0, 1e4, len(cells)) for _ in range(trials)]
    changed = [
        d
        for d in draws
        if published_bytes(_with_values(table, cells, d), indicators, **kwargs) != base
    ]
    dependent: list[tuple[str, str]] = []
    for values in changed[:1]:
        for i, (row, key) in enumerate(cells):
            one = _with_values(table, [(row, key)], values[i : i + 1])
            if published_bytes(one, indicators, **kwargs) != base:
                dependent.append((str(table.index[row]), key))
    return ScoreAudit(len(cells), len(draws), tuple(dependent))


def pinned_with_scores(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    cells: Sequence[str],
    relations: Sequence[Relation],
    bounds: Sequence[Bound] = (),
    *,
    dependent: Collection[tuple[str, str]] = (),
    seed: int = 0,
) -> dict[tuple[str, str], tuple[float, float]]:
    """Return the hidden cells pinned by the tables or by the published scores.

    The registry audit's answer (:func:`~geo_priority.microdata.audit.pinned_cells`
    on ``frame``, ``flags``, ``cells``, ``relations`` and ``bounds``) plus
    every cell a published score depends on (:attr:`ScoreAudit.dependent`,
    ``(kode, column)`` with the undotted code), which counts as pinned: its
    range is given as ``(nan, nan)`` since only the score reveals it.
    """
    found = pinned_cells(frame, flags, cells, relations, bounds, seed=seed)
    for cell in dependent:
        found.setdefault((str(cell[0]).replace(".", ""), cell[1]), (np.nan, np.nan))
    return found
