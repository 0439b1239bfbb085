"""Pseudo p-values by conditional permutation, and the false-discovery-rate correction.

Conditional permutation (Anselin 1995): area ``i`` keeps its value, and its
``k_i`` neighbours are replaced by ``k_i`` areas drawn at random (without
replacement) from the other ``n - 1``, ``permutations`` times. With binary
contiguity weights, row-standardised, local Moran's I of area ``i`` and
Getis-Ord Gi* are both monotone in the *sum of the neighbours' values*, so one
set of draws gives the pseudo p-value of both: the share of draws at least as
extreme as the observed sum, in the direction it lies,
``(min(#draws >= observed, #draws <= observed) + 1) / (permutations + 1)``.

Draws that *equal* the observed sum count on both sides. esda 2.9's
``p_sim`` counts them only on one side and then folds, so a variable with many
equal values (many zeros, say) gets ``p = 0.001`` where nothing stands out;
that is why the permutations are drawn here, with the same scheme as esda (one
set of draws shared by every area, the first ``k_i`` of each draw used).

Examples
--------
>>> bh_adjust(np.array([0.01, 0.04, 0.03, 0.5]))
array([0.04      , 0.05333333, 0.05333333, 0.5       ])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["bh_adjust", "neighbour_sums", "permutation_p"]

#: Area-draw-neighbour cells held in memory at once (about 16 MB of floats).
_CHUNK_CELLS = 2_000_000


def neighbour_sums(
    values: np.ndarray, neighbours: Sequence[Sequence[int]]
) -> np.ndarray:
    """Return the sum of the neighbours' values of every area.

    Parameters
    ----------
    values : numpy.ndarray
        One value per area.
    neighbours : sequence of sequence of int
        Every area's neighbours, as positions.

    Returns
    -------
    numpy.ndarray
    """
    return np.array([values[list(n)].sum() if len(n) else 0.0 for n in neighbours])


def _draws(n: int, k_max: int, permutations: int, seed: int) -> np.ndarray:
    """Return ``permutations`` rows of ``k_max`` distinct positions in ``0..n-2``."""
    rng = np.random.default_rng(seed)
    out = np.empty((permutations, k_max), dtype=np.intp)
    for r in range(permutations):
        out[r] = rng.choice(n - 1, size=k_max, replace=False)
    return out


def permutation_p(
    values: np.ndarray,
    neighbours: Sequence[Sequence[int]],
    *,
    permutations: int,
    seed: int,
) -> np.ndarray:
    """Return the pseudo p-value of every area's neighbour sum.

    Parameters
    ----------
    values : numpy.ndarray
        One finite value per area.
    neighbours : sequence of sequence of int
        Every area's neighbours, as positions (at least one each, none itself).
    permutations : int
        Number of draws.
    seed : int
        Seed of the draws: the same seed gives the same p-values.

    Returns
    -------
    numpy.ndarray
        In ``[1 / (permutations + 1), 1]``.
    """
    n = len(values)
    cards = np.array([len(nb) for nb in neighbours], dtype=np.intp)
    observed = neighbour_sums(values, neighbours)
    draws = _draws(n, int(cards.max()), permutations, seed)
    scale = float(np.abs(values).max()) or 1.0
    p = np.ones(n)
    for k in np.unique(cards):
        areas = np.flatnonzero(cards == k)
        chunk = max(1, _CHUNK_CELLS // (permutations * int(k)))
        picks = draws[:, :k]
        for start in range(0, areas.size, chunk):
            block = areas[start : start + chunk]
            # skip the area itself: positions at or after it move up by one
            others = picks[None, :, :] + (picks[None, :, :] >= block[:, None, None])
            sims = values[others].sum(axis=2)
            tol = 1e-9 * scale * int(k)
            obs = observed[block, None]
            above = (sims >= obs - tol).sum(axis=1)
            below = (sims <= obs + tol).sum(axis=1)
            p[block] = (np.minimum(above, below) + 1) / (permutations + 1)
    return np.minimum(p, 1.0)


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values (false discovery rate).

    An area is significant at level ``alpha`` when its adjusted p-value is at
    most ``alpha``: the same areas as the step-up rule ``p_(i) <= i alpha / n``
    (Benjamini & Hochberg 1995).

    Parameters
    ----------
    p : numpy.ndarray
        Raw p-values.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the same order, at most 1.
    """
    n = p.size
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(adjusted, 1.0)
    return out
