"""The vectorised Monte Carlo core of rank robustness.

Every scenario (a *draw*) is one row of a :class:`Design`: a weight vector, a
normalisation level, an aggregation level, an imputation level and, when the
data carry standard errors, the seed of that draw's noise. Draws are scored
in chunks of rows (numpy, no Python loop over areas), ranked exactly as
:mod:`geo_priority.score` ranks (on the published score, ties share the
best rank), and folded into per-area rank histograms, so memory does not grow
with the number of draws.

The design is Saltelli's pick-freeze scheme over *groups* of inputs (one
group per choice): base matrices A and B, and for every active choice g a
matrix A_B^g equal to A with choice g taken from B. Every row is a draw from
the same input distribution, so all rows serve the uncertainty analysis (as
COINr does), and the A, B, A_B^g outputs give the Sobol indices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo_priority.config import NORMALISATIONS, IndicatorConfig
from geo_priority.formatting import SCORE_DECIMALS
from geo_priority.score import normalise_indicator

__all__ = [
    "Class1Rule",
    "Design",
    "Problem",
    "chunk_scores",
    "class1_counts",
    "make_design",
    "nominal_design",
    "normal_tables",
    "rank_rows",
]

_FLOOR = 0.01  # the geometric floor of score.py
#: Ranks and classes follow the published score (score.published_scores).
_SCALE = 10**SCORE_DECIMALS


@dataclass(frozen=True)
class Class1Rule:
    """How class 1 is found in one draw's rounded scores.

    ``scheme`` is the classify scheme; ``threshold`` a fixed score bound
    (``prioritas``, ``user_defined``), ``top`` a fixed number of areas
    (``fisher_jenks``), else the bound is recomputed per draw.
    """

    scheme: str
    k: int
    threshold: float | None = None
    top: int | None = None


@dataclass(frozen=True)
class Problem:
    """The inputs of the Monte Carlo, as arrays (built by ``robustness``)."""

    values: np.ndarray  # (n, D) float64, NaN = no value
    valid: np.ndarray  # (n,) bool: areas that get a rank
    indicators: tuple[IndicatorConfig, ...]
    weights: np.ndarray  # (D,) configured weights, summing to 1
    norm_levels: tuple[tuple[IndicatorConfig, ...], ...]  # 0 = configured
    norm_allowed: tuple[int, ...]
    agg_levels: tuple[str, ...]  # 0 = configured
    agg_allowed: tuple[int, ...]
    imp_levels: tuple[str, ...]  # 0 = configured
    imp_allowed: tuple[int, ...]
    impute: bool  # scoring.missing = "impute" and values are missing
    se: np.ndarray | None  # (n, D) standard errors, 0 where none
    bounds: np.ndarray  # (D, 2) lowest and highest plausible value
    rule: Class1Rule


@dataclass(frozen=True)
class Design:
    """The scenarios: one row per draw."""

    weights: np.ndarray  # (R, D)
    norm: np.ndarray  # (R,) int
    agg: np.ndarray  # (R,) int
    imp: np.ndarray  # (R,) int
    seeds: np.ndarray  # (R,) uint64, noise seeds
    noisy: bool
    factors: tuple[str, ...]  # the active choices, in pick-freeze order
    base: int  # rows of A (and of B, and of each A_B^g)

    @property
    def rows(self) -> int:
        """Return the number of draws."""
        return int(self.norm.shape[0])


# --- the design ---------------------------------------------------------------


def active_factors(problem: Problem) -> tuple[str, ...]:
    """Return the choices that vary: weights, normalisation, ..., data."""
    out = []
    if len(problem.indicators) > 1:
        out.append("weights")
    for name, allowed in (
        ("normalisation", problem.norm_allowed),
        ("aggregation", problem.agg_allowed),
        ("imputation", problem.imp_allowed if problem.impute else ()),
    ):
        if len(allowed) > 1:
            out.append(name)
    if problem.se is not None:
        out.append("data")
    return tuple(out)


def _sample(
    problem: Problem, n: int, concentration: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw ``n`` independent settings of every choice."""
    d = len(problem.indicators)
    weights = (
        rng.dirichlet(concentration * problem.weights, size=n)
        if d > 1
        else np.ones((n, 1))
    )

    def level(allowed: tuple[int, ...], active: bool = True) -> np.ndarray:
        pick = rng.integers(0, len(allowed), size=n)
        chosen = np.asarray(allowed, dtype=np.int64)[pick]
        return chosen if active else np.zeros(n, dtype=np.int64)

    return {
        "weights": weights,
        "normalisation": level(problem.norm_allowed),
        "aggregation": level(problem.agg_allowed),
        "imputation": level(problem.imp_allowed, problem.impute),
        "data": rng.integers(0, 2**63 - 1, size=n, dtype=np.uint64),
    }


def make_design(
    problem: Problem, draws: int, concentration: float, seed: int
) -> Design:
    """Return at least ``draws`` scenarios in Saltelli's pick-freeze layout.

    With ``G`` active choices the design has ``base x (G + 2)`` rows,
    ``base = ceil(draws / (G + 2))``: A, B, then A_B^g for every choice.
    """
    factors = active_factors(problem)
    if not factors:
        return nominal_design(problem)
    base = -(-draws // (len(factors) + 2))
    rng = np.random.default_rng(seed)
    a = _sample(problem, base, concentration, rng)
    b = _sample(problem, base, concentration, rng)
    blocks = [a, b]
    for g in factors:
        blocks.append({**a, g: b[g]})
    cols = {k: np.concatenate([blk[k] for blk in blocks]) for k in a}
    return Design(
        cols["weights"],
        cols["normalisation"],
        cols["aggregation"],
        cols["imputation"],
        cols["data"],
        "data" in factors,
        factors,
        base,
    )


def nominal_design(problem: Problem) -> Design:
    """Return the one scenario of the configured choices (no noise)."""
    zero = np.zeros(1, dtype=np.int64)
    return Design(
        problem.weights[None, :].copy(),
        zero,
        zero,
        zero,
        np.zeros(1, dtype=np.uint64),
        False,
        (),
        1,
    )


# --- normalisation ------------------------------------------------------------


def _impute_column(x: pd.Series, statistic: str) -> pd.Series:
    """Fill the gaps of ``x`` as score.py does (pandas statistic)."""
    gaps = x.isna()
    if not gaps.any():
        return x
    filled = x.copy()
    filled[gaps] = getattr(x, statistic)()
    return filled


def normal_tables(problem: Problem) -> dict[tuple[int, int], np.ndarray]:
    """Normalise the data once per (normalisation, imputation) level.

    Uses :func:`geo_priority.score.normalise_indicator` itself, so that the
    configured draw reproduces score.py exactly.
    """
    tables = {}
    imps = sorted(set(problem.imp_allowed) | {0}) if problem.impute else [0]
    for li in sorted(set(problem.norm_allowed) | {0}):
        for ii in imps:
            cols = []
            for j, ind in enumerate(problem.norm_levels[li]):
                x = pd.Series(problem.values[:, j])
                if problem.impute:
                    x = _impute_column(x, problem.imp_levels[ii])
                cols.append(normalise_indicator(x, ind).to_numpy(dtype=float))
            tables[li, ii] = np.column_stack(cols)
    return tables


def _sortable(x: np.ndarray) -> np.ndarray:
    """Return int64 keys ordered as the float32 values of ``x``; NaN last."""
    bits = x.astype(np.float32).view(np.int32).astype(np.int64)
    keys = np.where(bits < 0, bits ^ 0x7FFFFFFF, bits)
    keys[np.isnan(x)] = 2**31
    return keys


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Return the average rank (1-based, ties share it) along axis 1; NaN kept.

    Values are compared at float32 precision (they are noisy draws), packed
    with their position into one integer so that one integer sort orders a
    row.
    """
    n = x.shape[1]
    shift = max(1, (n - 1).bit_length())
    key = _sortable(x) << shift
    key |= np.arange(n, dtype=np.int64)
    key.sort(axis=1)
    order = key & ((1 << shift) - 1)
    key >>= shift
    out = np.empty_like(x)
    np.put_along_axis(out, order, _tie_midpoints(key) / 2.0 + 1.0, axis=1)
    out[np.isnan(x)] = np.nan
    return out


def _tie_midpoints(key: np.ndarray) -> np.ndarray:
    """Return ``start + end`` of each sorted value's run of equal values, (m, n).

    ``start`` and ``end`` are 0-based positions in the row; rows are
    flattened, each row starting a new run, so one pass finds every run.
    """
    m, n = key.shape
    if key.size == 0:
        return np.zeros((m, n), dtype=np.int64)
    flat = key.reshape(-1)
    new = np.empty(m * n, dtype=bool)
    new[0] = True
    np.not_equal(flat[1:], flat[:-1], out=new[1:])
    new[::n] = True
    starts = np.flatnonzero(new)
    run = np.cumsum(new, dtype=np.int64)
    run -= 1
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:] - 1
    ends[-1] = m * n - 1
    both = starts + ends
    both -= 2 * (starts // n * n)  # positions within the row
    return both[run].reshape(m, n)


def _extreme(x: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """Return the row minimum (``np.fmin``) or maximum (``np.fmax``), NaN skipped."""
    return np.asarray(ufunc.reduce(x, axis=1, keepdims=True))


def _normalise_rows(x: np.ndarray, ind: IndicatorConfig) -> np.ndarray:
    """Normalise every row of ``x`` (one draw each) like score.py, vectorised."""
    worse_high = ind.direction == "higher_is_worse"
    with np.errstate(invalid="ignore", divide="ignore"):
        if ind.normalisation == "target":
            t = float(ind.target or 0.0)
            worst = _extreme(x, np.fmax) if worse_high else _extreme(x, np.fmin)
            span = (worst - t) if worse_high else (t - worst)
            dist = (x - t) if worse_high else (t - x)
            out = np.where(span > 0, np.clip(dist / span, 0.0, 1.0), x * 0.0)
            return out
        if ind.normalisation == "minmax":
            lo, hi = _extreme(x, np.fmin), _extreme(x, np.fmax)
            n = np.where(hi > lo, (x - lo) / (hi - lo), x * 0.0)
        elif ind.normalisation == "zscore":
            sd = np.nanstd(x, 1, keepdims=True)
            z = (x - np.nanmean(x, 1, keepdims=True)) / sd
            from scipy.special import ndtr

            n = np.where(sd > 0, ndtr(z), x * 0.0 + 0.5)
        else:
            count = np.sum(~np.isnan(x), axis=1, keepdims=True)
            n = np.where(count > 1, (_average_ranks(x) - 1) / (count - 1), x * 0.0)
    return n if worse_high else 1.0 - n


def _noisy_values(problem: Problem, seeds: np.ndarray, j: int) -> np.ndarray:
    """Return indicator ``j`` with each draw's noise added, clipped, (m, n)."""
    assert problem.se is not None
    x, se = problem.values[:, j], problem.se[:, j]
    z = np.empty((seeds.shape[0], x.shape[0]), dtype=np.float32)
    for row, s in zip(z, seeds, strict=True):
        np.random.default_rng(int(s) + j).standard_normal(dtype=np.float32, out=row)
    out = z.astype(np.float64)  # in place: the same numbers as x + se * z
    out *= se
    out += x
    lo, hi = problem.bounds[j]
    return np.clip(out, lo, hi, out=out)


def _noisy_normal(
    problem: Problem, design: Design, rows: np.ndarray, j: int
) -> np.ndarray:
    """Return indicator ``j`` normalised per draw, with noise, (m, n)."""
    x = _noisy_values(problem, design.seeds[rows], j)
    out = np.empty_like(x)
    norm, imp = design.norm[rows], design.imp[rows]
    for li, ii in {(int(a), int(b)) for a, b in zip(norm, imp, strict=True)}:
        sel = (norm == li) & (imp == ii)
        block = x[sel]
        if problem.impute and np.isnan(block).any():
            fill = _row_statistic(block, problem.imp_levels[ii])
            block = np.where(np.isnan(block), fill, block)
        out[sel] = _normalise_rows(block, problem.norm_levels[li][j])
    return out


def _row_statistic(x: np.ndarray, statistic: str) -> np.ndarray:
    """Return each row's imputation statistic, NaN skipped, (m, 1)."""
    if statistic == "median":
        return np.asarray(np.nanmedian(x, axis=1, keepdims=True))
    if statistic == "mean":
        return np.asarray(np.nanmean(x, axis=1, keepdims=True))
    return _extreme(x, np.fmin if statistic == "min" else np.fmax)


# --- scores and ranks ---------------------------------------------------------


def _terms(normal: np.ndarray, method: str) -> np.ndarray:
    """Return what is weighted and summed: ``n`` or ``log(0.01 + 0.99 n)``."""
    return normal if method == "arithmetic" else np.log(_FLOOR + (1 - _FLOOR) * normal)


def _finish(total: np.ndarray, method: str) -> np.ndarray:
    return total if method == "arithmetic" else 100.0 * np.exp(total)


def chunk_scores(
    problem: Problem,
    tables: dict[tuple[int, int], np.ndarray],
    design: Design,
    rows: np.ndarray,
    terms: dict[tuple[int, int, str], np.ndarray] | None = None,
) -> np.ndarray:
    """Return the scores of the draws ``rows`` for the ranked areas, (m, n_valid).

    Arithmetic: ``100 w . n``; geometric: ``100 exp(w . log(0.01 + 0.99 n))``,
    as :mod:`geo_priority.score` computes them. ``terms``, a dict kept by the
    caller across chunks, keeps the terms of the noiseless columns of each
    table and aggregation (computed once instead of once per chunk).
    """
    valid = problem.valid
    every = bool(valid.all())
    noisy = (
        {j: _noisy_normal(problem, design, rows, j) for j in _noisy_columns(problem)}
        if design.noisy
        else {}
    )
    fixed = [j for j in range(len(problem.indicators)) if j not in noisy]
    out = np.empty((rows.shape[0], int(valid.sum())))
    keys = np.stack([design.norm[rows], design.imp[rows], design.agg[rows]], axis=1)
    for li, ii, ai in {tuple(int(v) for v in k) for k in keys}:
        sel = (keys[:, 0] == li) & (keys[:, 1] == ii) & (keys[:, 2] == ai)
        method = problem.agg_levels[ai]
        w = design.weights[rows[sel]] * (100.0 if method == "arithmetic" else 1.0)
        total = w[:, fixed] @ _fixed_terms(
            tables, terms, (li, ii, method), fixed, valid
        )
        for j, normal in noisy.items():
            part = normal[sel] if every else normal[sel][:, valid]
            total += w[:, j, None] * _terms(part, method)
        out[sel] = _finish(total, method)
    return out


def _fixed_terms(
    tables: dict[tuple[int, int], np.ndarray],
    terms: dict[tuple[int, int, str], np.ndarray] | None,
    key: tuple[int, int, str],
    fixed: list[int],
    valid: np.ndarray,
) -> np.ndarray:
    """Return the terms of the noiseless columns of one table, (len(fixed), n)."""
    if terms is not None and key in terms:
        return terms[key]
    table = tables[key[:2]] if bool(valid.all()) else tables[key[:2]][valid]
    out = _terms(table[:, fixed], key[2]).T
    if terms is not None:
        terms[key] = out
    return out


def _noisy_columns(problem: Problem) -> list[int]:
    if problem.se is None:
        return []
    return [j for j in range(problem.se.shape[1]) if np.any(problem.se[:, j] > 0)]


def published(value: float) -> float:
    """Return ``value`` rounded as the published score is (``score.py``)."""
    return float(f"{value:.{SCORE_DECIMALS}f}")


def _published_units(scores: np.ndarray, exact: bool = True) -> np.ndarray:
    """Return the published scores in units of the last decimal, as int64.

    With ``exact``, correctly rounded, half to even on an exact tie, like the
    text formatting of :func:`geo_priority.score.published_scores`: the fast
    float product is redone in extended precision where it lies within a
    hair of a half. Without, the float product is rounded (it differs only
    for a score within about 1e-13 of a rounding half).
    """
    scaled = scores * _SCALE
    units = np.rint(scaled)
    if exact:
        np.subtract(scaled, units, out=scaled)
        np.abs(scaled, out=scaled)
        near = scaled > 0.5 - 1e-6  # |x - rint(x)| <= 0.5: only near-halves
        if near.any():
            exact_units = np.rint(scores[near].astype(np.longdouble) * _SCALE)
            units[near] = exact_units.astype(np.float64)
    return np.asarray(units.astype(np.int64))


def rank_rows(scores: np.ndarray, exact: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Rank each row as score.py does: 1 = highest, ties share the best rank.

    Ranks follow the published score (rounded to ``SCORE_DECIMALS``), as
    ``priority_rank`` does. A published score is an integer number of units
    of its last decimal in a small range (scores lie in 0-100), so a row's
    ranks come from counting: rank = 1 + the number of areas with a higher
    published score. Rows whose range is too wide to count fall back to one
    integer sort per row. Both give the same integer ranks.

    ``exact=False`` rounds the float product (see ``_published_units``).

    Returns
    -------
    ranks : numpy.ndarray
        (m, n) int32.
    ordered : numpy.ndarray
        (m, n) the rounded scores of each row in ascending order.
    """
    units = _published_units(scores, exact)
    m, n = units.shape
    low = units.min(axis=1, keepdims=True) if n else np.zeros((m, 1), np.int64)
    width = int((units.max(axis=1, keepdims=True) - low).max()) + 1 if n else 1
    if width > 4 * n + 4096:
        return _rank_rows_sorted(units)
    return _rank_rows_counted(units, low, width)


def _rank_rows_counted(
    units: np.ndarray, low: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rank rows of published units by counting (``width`` values per row)."""
    m, n = units.shape
    offset = units - low
    offset += (np.arange(m, dtype=np.int64) * width)[:, None]
    counts = np.bincount(offset.ravel(), minlength=m * width).reshape(m, width)
    above = n - np.cumsum(counts, axis=1)  # areas with a higher published score
    ranks = np.take(above.ravel(), offset).astype(np.int32)
    ranks += 1
    values = (np.arange(width, dtype=np.int64)[None, :] + low).ravel()
    ordered = np.repeat(values, counts.ravel()).reshape(m, n)
    return ranks, ordered / _SCALE


def _rank_rows_sorted(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank rows of published units with one packed integer sort per row."""
    m, n = units.shape
    shift = max(1, (n - 1).bit_length())
    key = units << shift
    key |= np.arange(n, dtype=np.int64)
    key.sort(axis=1)
    index = key & ((1 << shift) - 1)
    key >>= shift
    last = np.ones((m, n), dtype=bool)
    np.not_equal(key[:, 1:], key[:, :-1], out=last[:, :-1])
    end = np.where(last, np.arange(n, dtype=np.int32), np.int32(n))
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((m, n), dtype=np.int32)
    np.put_along_axis(ranks, index, (n - end).astype(np.int32), axis=1)
    return ranks, key / _SCALE


# --- class 1 of each draw -----------------------------------------------------


def _score_at(ordered: np.ndarray, per: float) -> float:
    """Return scipy's ``scoreatpercentile`` (fraction) of an ordered row."""
    idx = per / 100.0 * (ordered.shape[0] - 1)
    i = int(idx)
    if i == idx:
        return float(ordered[i])
    weights = np.array([(i + 1 - idx), (idx - i)], float)
    return float(np.add.reduce(ordered[i : i + 2] * weights) / weights.sum())


def _bins(ordered: np.ndarray, rule: Class1Rule) -> np.ndarray:
    """Return the class upper bounds classify.py would compute for one draw."""
    k = rule.k
    if rule.scheme == "quantiles":
        w = 100.0 / k
        p = np.arange(w, 100 + w, w)
        if p[-1] > 100.0:
            p[-1] = 100.0
        bins = np.unique([_score_at(ordered, pct) for pct in p])
    else:
        lo, hi = float(ordered[0]), float(ordered[-1])
        if not hi > lo:
            return np.array([hi])
        width = (hi - lo) * 1.0 / k
        bins = np.arange(lo + width, hi + width, width)
        if len(bins) > k:
            bins = bins[0:k]
        bins[-1] = hi
    return np.array([published(float(b)) for b in bins])


def class1_counts(ordered: np.ndarray, rule: Class1Rule) -> np.ndarray:
    """Return how many areas each draw puts in class 1 (rank <= count)."""
    m, n = ordered.shape
    if rule.top is not None:
        return np.full(m, rule.top, dtype=np.int64)
    if rule.threshold is not None:
        return np.asarray(np.sum(ordered > rule.threshold, axis=1))
    counts = np.empty(m, dtype=np.int64)
    for r in range(m):
        bins = _bins(ordered[r], rule)
        if len(bins) < 2:
            counts[r] = 0
            continue
        counts[r] = n - np.searchsorted(ordered[r], bins[-2], side="right")
    return counts


def configured_levels(
    indicators: tuple[IndicatorConfig, ...], choices: tuple[str, ...]
) -> tuple[tuple[tuple[IndicatorConfig, ...], ...], tuple[int, ...]]:
    """Return the distinct normalisation levels (0 = configured) and the allowed.

    ``target`` applies to indicators that have a target; the others keep
    their configured normalisation.
    """
    levels: list[tuple[IndicatorConfig, ...]] = [tuple(indicators)]
    allowed: list[int] = []
    for choice in choices:
        level = tuple(_as_method(ind, choice) for ind in indicators)
        sig = tuple((i.normalisation, i.target) for i in level)
        sigs = [tuple((i.normalisation, i.target) for i in lv) for lv in levels]
        if sig in sigs:
            index = sigs.index(sig)
        else:
            levels.append(level)
            index = len(levels) - 1
        if index not in allowed:
            allowed.append(index)
    return tuple(levels), tuple(allowed)


def _as_method(ind: IndicatorConfig, choice: str) -> IndicatorConfig:
    if choice == "configured" or (choice == "target" and ind.target is None):
        return ind
    for method in NORMALISATIONS:
        if choice == method and ind.normalisation != method:
            return replace(ind, normalisation=method)
    return ind
