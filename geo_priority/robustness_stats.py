"""Statistics of the Monte Carlo draws: per-area rank histograms, Sobol indices.

:class:`RankHistogram` counts each area's rank over the draws in bounded
memory (exact up to rank :data:`EXACT_RANKS`, then in bins about 0.5 % wide)
and gives its quantiles; :func:`sobol_indices` estimates first-order and total
Sobol indices from the pick-freeze design of
:mod:`geo_priority.robustness_draws`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_priority.robustness_draws import Design

__all__ = ["BIN_RATIO", "EXACT_RANKS", "RankHistogram", "rank_bins", "sobol_indices"]

#: Ranks up to this are counted exactly; above it, in bins of ~0.5 % width.
EXACT_RANKS = 200
BIN_RATIO = 1.005
#: Cells of the count matrix counted at once (one tile of areas, in cache).
_TILE_CELLS = 2**17


# --- rank histograms ----------------------------------------------------------


def rank_bins(n: int) -> np.ndarray:
    """Return the lower rank of each histogram bin (exact, then ~0.5 % wide)."""
    edges = list(range(1, min(n, EXACT_RANKS) + 1))
    nxt = float(len(edges) + 1)
    while nxt <= n:
        edges.append(int(nxt))
        nxt = max(nxt * BIN_RATIO, edges[-1] + 1.0)
        nxt = float(int(nxt))
    return np.asarray(edges, dtype=np.int64)


class RankHistogram:
    """Per-area counts of ranks over draws, in bounded memory.

    Ranks are binned (exactly up to :data:`EXACT_RANKS`, then in bins about
    0.5 % wide), buffered as small integers and counted per tile of areas
    small enough that a tile's counts stay in the processor's cache.
    """

    def __init__(self, n: int, buffer_rows: int = 1024, draws: int = 2**32 - 1) -> None:
        self.n = n
        self.lower = rank_bins(n)
        self.upper = np.append(self.lower[1:] - 1, n)
        lut = np.zeros(n + 1, dtype=np.uint16)
        lut[self.lower] = 1
        self.lut = (np.cumsum(lut) - 1).astype(np.uint16)
        small = np.uint16 if draws < 2**16 else np.uint32
        self.counts = np.zeros((n, self.lower.shape[0]), dtype=small)
        self._buffer = np.empty((buffer_rows, n), dtype=np.uint16)
        self._filled = 0
        self.total = 0

    def add(self, ranks: np.ndarray) -> None:
        """Count the ranks of some draws, (m, n) int."""
        start = 0
        while start < ranks.shape[0]:
            take = min(ranks.shape[0] - start, self._buffer.shape[0] - self._filled)
            block = ranks[start : start + take]
            np.take(
                self.lut, block, out=self._buffer[self._filled : self._filled + take]
            )
            self._filled += take
            start += take
            if self._filled == self._buffer.shape[0]:
                self._flush()
        self.total += ranks.shape[0]

    def _flush(self) -> None:
        rows = self._buffer[: self._filled]
        nb = self.lower.shape[0]
        tile = max(1, _TILE_CELLS // nb)
        offsets = (np.arange(tile, dtype=np.intp) * nb)[None, :]
        flat = np.empty((rows.shape[0], tile), dtype=np.intp)
        for a in range(0, self.n, tile):
            b = min(self.n, a + tile)
            part = flat[:, : b - a]
            np.add(rows[:, a:b], offsets[:, : b - a], out=part)
            counted = np.bincount(part.ravel(), minlength=(b - a) * nb)
            np.add(
                self.counts[a:b],
                counted.reshape(b - a, nb),
                out=self.counts[a:b],
                casting="unsafe",
            )
        self._filled = 0

    def quantiles(self, q: float, side: str) -> np.ndarray:
        """Return each area's ``q`` quantile rank (inverted CDF).

        ``side``: ``"low"`` gives the bin's lowest rank, ``"high"`` its
        highest, ``"mid"`` its middle (all the same for exact bins).
        """
        self._flush()
        need = int(np.ceil(q * self.total - 1e-9))
        out = np.empty(self.n, dtype=np.int64)
        step = max(1, _TILE_CELLS // self.lower.shape[0])  # a tile stays in cache
        for a in range(0, self.n, step):
            cum = np.cumsum(self.counts[a : a + step], axis=1, dtype=np.int64)
            pos = np.argmax(cum >= max(need, 1), axis=1)
            lo, hi = self.lower[pos], self.upper[pos]
            out[a : a + step] = {"low": lo, "high": hi, "mid": (lo + hi) // 2}[side]
        return out


# --- Sobol indices ------------------------------------------------------------


def sobol_indices(
    y: np.ndarray, design: Design, seed: int, resamples: int = 500
) -> pd.DataFrame:
    """First-order and total Sobol indices of each choice, with 95 % bounds.

    Estimators of Saltelli et al. (2010) for the first order,
    ``mean(f_B (f_ABg - f_A)) / V``, and Jansen (1999) for the total,
    ``mean((f_A - f_ABg)^2) / 2V`` — those of SALib's ``sobol.analyze``. The
    ``*_conf`` columns are 1.96 bootstrap standard deviations.
    """
    nb = design.base
    y = y - y[: 2 * nb].mean()  # centred, as SALib does, for a steadier estimate
    fa, fb = y[:nb], y[nb : 2 * nb]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, nb, size=(resamples, nb))
    rows = []
    for g, name in enumerate(design.factors):
        fab = y[(2 + g) * nb : (3 + g) * nb]

        def both(i: np.ndarray | slice, fab: np.ndarray = fab) -> tuple[float, float]:
            var = np.var(np.concatenate([fa[i], fb[i]]))
            if not var > 0:
                return float("nan"), float("nan")
            first = np.mean(fb[i] * (fab[i] - fa[i])) / var
            total = 0.5 * np.mean((fa[i] - fab[i]) ** 2) / var
            return float(first), float(total)

        s1, st = both(slice(None))
        boot = np.array([both(p) for p in picks])
        rows.append(
            {
                "factor": name,
                "first_order": s1,
                "first_order_conf": _spread(boot[:, 0]),
                "total": st,
                "total_conf": _spread(boot[:, 1]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "factor",
            "first_order",
            "first_order_conf",
            "total",
            "total_conf",
        ],
    )


def _spread(values: np.ndarray) -> float:
    """Return 1.96 standard deviations of the finite ``values`` (NaN if < 2)."""
    finite = values[np.isfinite(values)]
    return float(1.96 * np.std(finite, ddof=1)) if finite.size > 1 else float("nan")
