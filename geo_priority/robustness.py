"""Rank robustness: would another reasonable analyst rank the areas differently.

:func:`rank_robustness` scores the areas again under thousands of scenarios,
each a set of choices a reasonable analyst could make:

* **weights** drawn from a Dirichlet distribution centred on the configured
  weights (``robustness.concentration``);
* the **normalisation** among ``robustness.normalisations``;
* the **aggregation**, arithmetic or geometric (``robustness.aggregations``);
* the **imputation** statistic among ``robustness.impute`` (when
  ``scoring.missing = "impute"`` and values are missing);
* the **data**, with normal noise of each value's standard error, where a
  column ``<key>_se`` (or ``<key>_rse``, relative, in percent) gives one.

For every area it reports the median rank, the 5th-95th percentile interval
(``rank_low``, ``rank_high``) and the probability of being in priority
class 1 (``p_class1``) under the configured classification applied to each
scenario's scores. Sobol indices (first order and total) say which choice
moves the ranks most; the output they decompose is the mean absolute rank
shift of the areas from the configured ranking (as in COINr).

Scenarios are drawn with a seed (``robustness.seed``) and scored in chunks,
vectorised with numpy; the scenario of the configured choices reproduces
:func:`geo_priority.score.compute_scores`'s ranks exactly.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.config import ClassifyConfig, IndicatorConfig, ScoringConfig
>>> from geo_priority.robustness_config import RobustnessConfig
>>> frame = pd.DataFrame({"a": [9.0, 1.0, 5.0, 0.0], "b": [1.0, 9.0, 5.0, 0.0]})
>>> inds = (IndicatorConfig(key="a"), IndicatorConfig(key="b"))
>>> result = rank_robustness(
...     frame, inds, ScoringConfig(indicators=inds),
...     ClassifyConfig(scheme="equal_interval", k=2),
...     RobustnessConfig(draws=400, normalisations=["configured"],
...                      aggregations=["arithmetic"]),
... )
>>> result.frame["rank_low"].tolist(), result.frame["rank_high"].tolist()
([1, 1, 2, 4], [3, 3, 2, 4])
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo_priority.classify import Classification
from geo_priority.config import ClassifyConfig, IndicatorConfig, ScoringConfig
from geo_priority.messages import tr
from geo_priority.robustness_config import RobustnessConfig
from geo_priority.robustness_draws import (
    Class1Rule,
    Design,
    Problem,
    chunk_scores,
    class1_counts,
    make_design,
    nominal_design,
    normal_tables,
    rank_rows,
)
from geo_priority.robustness_inputs import (
    build_problem,
    class1_rule,
    scored_indicators,
)
from geo_priority.robustness_stats import RankHistogram, sobol_indices

__all__ = [
    "P_CLASS1",
    "RANK_HIGH",
    "RANK_LOW",
    "RANK_MEDIAN",
    "ROBUSTNESS_COLUMNS",
    "RobustnessResult",
    "rank_robustness",
]

RANK_MEDIAN = "rank_median"
RANK_LOW = "rank_low"
RANK_HIGH = "rank_high"
P_CLASS1 = "p_class1"
#: The columns :func:`rank_robustness` adds, in order.
ROBUSTNESS_COLUMNS = (RANK_MEDIAN, RANK_LOW, RANK_HIGH, P_CLASS1)
#: The percentiles of the rank interval.
INTERVAL = (0.05, 0.95)
#: Cells (draws x areas) scored at once: bounds the memory of a chunk; its
#: arrays (8 MB) stay below the allocator's mmap threshold, so they are reused
#: rather than mapped and page-faulted anew for every chunk.
_CHUNK_CELLS = 1_000_000


@dataclass(frozen=True)
class RobustnessResult:
    """Rank robustness of every area, and what moves the ranks.

    Attributes
    ----------
    frame : pandas.DataFrame
        On the index of the input: ``rank_median``, ``rank_low`` (5th
        percentile: the best rank that is still plausible), ``rank_high``
        (95th percentile) as nullable ``Int64``, and ``p_class1`` (0-1, the
        share of scenarios with the area in class 1). ``<NA>`` / NaN for areas
        without a score (``scoring.missing = "drop"``).
    nominal_rank : pandas.Series
        The rank of the configured choices, computed by the same machinery
        (equal to ``priority_rank``).
    sensitivity : pandas.DataFrame
        One row per choice that varies: ``factor`` (``weights``,
        ``normalisation``, ``aggregation``, ``imputation``, ``data``),
        ``label`` (in the active language), ``first_order``, ``total`` and
        their ``*_conf`` (1.96 bootstrap standard deviations). Empty when
        nothing varies or ``robustness.sensitivity = false``.
    draws : int
        Scenarios scored.
    seed : int
    class1_rule : str
        How class 1 was found in each scenario (in the active language).
    method : str
        The method text for the map's and the figure's method note.
    notes : tuple of str
        What a planner must know (data perturbed, choices that cannot vary).
    """

    frame: pd.DataFrame
    nominal_rank: pd.Series
    sensitivity: pd.DataFrame
    draws: int
    seed: int
    class1_rule: str
    method: str
    notes: tuple[str, ...]


def _rule_text(rule: Class1Rule) -> str:
    if rule.top is not None:
        return tr(
            "class 1 = the {top} highest-ranked areas in each scenario (the size "
            "of class 1 under natural breaks; natural breaks are not recomputed "
            "per scenario)",
            top=rule.top,
        )
    if rule.threshold is not None:
        return tr(
            "class 1 = a score above {bound} in each scenario (the configured "
            "fixed bound)",
            bound=rule.threshold,
        )
    return tr(
        "class 1 = the configured {scheme!r} classes ({k}) recomputed on each "
        "scenario's scores",
        scheme=rule.scheme,
        k=rule.k,
    )


# --- the run ------------------------------------------------------------------


@dataclass
class _Tally:
    hist: RankHistogram
    class1: np.ndarray
    shift: list[np.ndarray]


def _score_chunk(
    problem: Problem,
    tables: dict[tuple[int, int], np.ndarray],
    design: Design,
    rows: np.ndarray,
    nominal: np.ndarray,
    terms: dict[tuple[int, int, str], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score and rank some draws: ranks, class-1 counts per area, rank shifts."""
    scores = chunk_scores(problem, tables, design, rows, terms)
    ranks, ordered = rank_rows(scores, False)
    counts = class1_counts(ordered, problem.rule)
    in_class1 = np.sum(ranks <= counts[:, None], axis=0)
    shift = np.mean(np.abs(ranks - nominal[None, :]), axis=1)
    return ranks, in_class1, shift


def _run(
    problem: Problem,
    design: Design,
    nominal: np.ndarray,
    chunk: int | None,
    workers: int,
) -> _Tally:
    """Score every draw in chunks, on ``workers`` threads, in a fixed order."""
    tables = normal_tables(problem)
    terms: dict[tuple[int, int, str], np.ndarray] = {}
    n = int(problem.valid.sum())
    hist = RankHistogram(n, buffer_rows=512, draws=design.rows)
    tally = _Tally(hist, np.zeros(n, dtype=np.int64), [])
    size = chunk or max(1, min(512, _CHUNK_CELLS // max(n, 1)))
    starts = range(0, design.rows, size)

    def work(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = np.arange(start, min(start + size, design.rows))
        return _score_chunk(problem, tables, design, rows, nominal, terms)

    def take(result: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        tally.hist.add(result[0])
        tally.class1 += result[1]
        tally.shift.append(result[2])

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending: deque[Future[tuple[np.ndarray, np.ndarray, np.ndarray]]] = deque()
        for start in starts:
            pending.append(pool.submit(work, start))
            if len(pending) > workers:
                take(pending.popleft().result())
        while pending:
            take(pending.popleft().result())
    return tally


def nominal_ranks(
    values: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    scoring: ScoringConfig,
) -> pd.Series:
    """Return the ranks of the configured choices, by the Monte Carlo machinery.

    Equal to ``compute_scores(...).frame["priority_rank"]`` (a test checks it).

    Parameters
    ----------
    values : pandas.DataFrame
        One row per area, one column per indicator key.
    indicators : sequence of IndicatorConfig
    scoring : ScoringConfig
        ``aggregation``, ``missing`` and ``impute`` are used.

    Returns
    -------
    pandas.Series
        Nullable ``Int64`` on the index of ``values``.
    """
    scored = scored_indicators(values, indicators)
    problem, _ = build_problem(
        values, scored, scoring, RobustnessConfig(), Class1Rule("prioritas", 2, 50.0)
    )
    return _nominal(problem, values.index)[0]


def _nominal(problem: Problem, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Return the configured scenario's ranks and (rounded) scores."""
    design = nominal_design(problem)
    scores = chunk_scores(problem, normal_tables(problem), design, np.arange(1))
    ranks, _ = rank_rows(scores)
    out = pd.Series(pd.NA, index=index, dtype="Int64")
    out[problem.valid] = ranks[0]
    score = pd.Series(np.nan, index=index)
    score[problem.valid] = scores[0]
    return out, score


def rank_robustness(
    values: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    scoring: ScoringConfig,
    classify: ClassifyConfig,
    config: RobustnessConfig | None = None,
    /,
    *,
    classification: Classification | None = None,
    chunk: int | None = None,
    workers: int = 2,
) -> RobustnessResult:
    """Monte Carlo rank robustness of every area, with Sobol sensitivity indices.

    Parameters
    ----------
    values : pandas.DataFrame
        One row per area (any index), one column per indicator key, plus any
        ``<key>_se`` / ``<key>_rse`` standard-error columns; the same frame
        given to :func:`geo_priority.score.compute_scores`.
    indicators : sequence of IndicatorConfig
        The indicators; those with ``score=False`` or weight 0 are ignored.
    scoring : ScoringConfig
        The configured ``aggregation``, ``missing`` and ``impute``.
    classify : ClassifyConfig
        The classification applied to each scenario for ``p_class1``.
    config : RobustnessConfig, optional
        The ``[robustness]`` section; defaults to its defaults.
    classification : Classification, optional
        The configured run's classification (saves recomputing natural
        breaks, whose class-1 size is used per scenario).
    chunk : int, optional
        Scenarios scored at once (default: about 6 million area-scenarios).
    workers : int, default 2
        Threads that score chunks at the same time (numpy releases the GIL);
        the result does not depend on it.

    Returns
    -------
    RobustnessResult

    Raises
    ------
    ScoringError
        When an indicator column is absent, values are missing under
        ``scoring.missing = "error"``, fewer than 2 areas have a score, or no
        indicator varies.
    """
    config = config or RobustnessConfig()
    scored = scored_indicators(values, indicators)
    problem, notes = build_problem(
        values, scored, scoring, config, Class1Rule(classify.scheme, classify.k)
    )
    nominal, scores = _nominal(problem, values.index)
    problem = replace(problem, rule=class1_rule(classify, classification, scores))
    design = make_design(problem, config.draws, config.concentration, config.seed)
    tally = _run(problem, design, nominal[problem.valid].to_numpy(int), chunk, workers)
    return _result(values.index, problem, design, tally, nominal, config, notes)


def _result(
    index: pd.Index,
    problem: Problem,
    design: Design,
    tally: _Tally,
    nominal: pd.Series,
    config: RobustnessConfig,
    notes: list[str],
) -> RobustnessResult:
    frame = pd.DataFrame(index=index)
    valid = problem.valid
    hist = tally.hist
    for column, q, side in (
        (RANK_MEDIAN, 0.5, "mid"),
        (RANK_LOW, INTERVAL[0], "low"),
        (RANK_HIGH, INTERVAL[1], "high"),
    ):
        frame[column] = pd.Series(pd.NA, index=index, dtype="Int64")
        frame.loc[valid, column] = hist.quantiles(q, side)
    frame[P_CLASS1] = np.nan
    frame.loc[valid, P_CLASS1] = tally.class1 / hist.total
    sensitivity = _sensitivity(design, tally, config)
    rule = _rule_text(problem.rule)
    notes = [*notes, *_fixed_notes(problem, design)]
    method = _method_text(problem, design, config, rule)
    return RobustnessResult(
        frame,
        nominal,
        sensitivity,
        design.rows,
        config.seed,
        rule,
        method,
        tuple(notes),
    )


def _label(factor: str) -> str:
    labels = {
        "weights": tr("weights"),
        "normalisation": tr("normalisation"),
        "aggregation": tr("aggregation"),
        "imputation": tr("imputation"),
        "data": tr("data (standard error)"),
    }
    return labels[factor]


def _sensitivity(
    design: Design, tally: _Tally, config: RobustnessConfig
) -> pd.DataFrame:
    columns = ["factor", "label", "first_order", "first_order_conf", "total"]
    if not config.sensitivity or not design.factors:
        return pd.DataFrame(columns=[*columns, "total_conf"])
    y = np.concatenate(tally.shift)
    table = sobol_indices(y, design, config.seed)
    table.insert(1, "label", [_label(f) for f in table["factor"]])
    return table.sort_values("total", ascending=False).reset_index(drop=True)


def _fixed_notes(problem: Problem, design: Design) -> list[str]:
    if not design.factors:
        return [
            tr(
                "rank robustness: no choice varies (one indicator, one "
                "normalisation, one aggregation, no standard errors), so every "
                "scenario gives the configured ranking"
            )
        ]
    return []


def _method_text(
    problem: Problem, design: Design, config: RobustnessConfig, rule: str
) -> str:
    return tr(
        "Rank robustness: {draws} scenarios (seed {seed}) vary {factors}. Weights "
        "are drawn from a Dirichlet distribution centred on the configured "
        "weights (concentration {concentration}); normalisation from {norms}; "
        "aggregation from {aggs}. Shown: the median rank and the 5th-95th "
        "percentile interval of the rank, and the share of scenarios in which "
        "the area is in class 1 ({rule}). Sobol indices (Saltelli 2010, Jansen "
        "1999) of the mean absolute rank shift say which choice moves the ranks "
        "most.",
        draws=design.rows,
        seed=config.seed,
        factors=", ".join(_label(f) for f in design.factors) or "-",
        concentration=config.concentration,
        norms=", ".join(config.normalisations),
        aggs=", ".join(config.aggregations),
        rule=rule,
    )
