"""The counted ranks and the tiled rank histogram equal the exact computations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_priority.robustness_draws import (
    _average_ranks,
    _published_units,
    _rank_rows_sorted,
    rank_rows,
)
from geo_priority.robustness_stats import RankHistogram


def test_counted_ranks_equal_the_sorted_ranks():
    rng = np.random.default_rng(0)
    for _ in range(200):
        m, n = int(rng.integers(1, 6)), int(rng.integers(1, 300))
        scale = float(rng.choice([0.5, 100.0, 1e6]))  # 1e6: too wide, sorted
        scores = np.round(rng.random((m, n)) * scale, int(rng.integers(0, 3)))
        ranks, ordered = rank_rows(scores)
        want_ranks, want_ordered = _rank_rows_sorted(_published_units(scores))
        assert ranks.dtype == np.int32
        assert np.array_equal(ranks, want_ranks)
        assert np.array_equal(ordered, want_ordered)


def test_counted_ranks_by_hand():
    # published 12.3, 45.7, 12.3, 0.0: ties share the best rank
    ranks, ordered = rank_rows(np.array([[12.34, 45.66, 12.31, 0.0]]))
    assert ranks.tolist() == [[2, 1, 2, 4]]
    assert ordered.tolist() == [[0.0, 12.3, 12.3, 45.7]]


def test_histogram_counts_equal_bincount_over_tiles():
    rng = np.random.default_rng(3)
    n, draws = 5000, 700
    ranks = np.stack([rng.permutation(n) + 1 for _ in range(draws)]).astype(np.int32)
    hist = RankHistogram(n, buffer_rows=256, draws=draws)
    for start in range(0, draws, 90):
        hist.add(ranks[start : start + 90])
    hist.quantiles(0.5, "mid")  # counts what is buffered
    bins = hist.lut[ranks].astype(np.int64)
    nb = hist.lower.shape[0]
    want = np.bincount((bins + np.arange(n) * nb).ravel(), minlength=n * nb)
    assert np.array_equal(hist.counts.astype(np.int64).ravel(), want)
    assert int(hist.counts.sum()) == n * draws


def test_average_ranks_equal_pandas_average_ranks():
    rng = np.random.default_rng(4)
    for _ in range(100):
        m, n = int(rng.integers(1, 5)), int(rng.integers(1, 200))
        x = np.round(rng.random((m, n)) * float(rng.choice([3.0, 1000.0])), 1)
        x[rng.random((m, n)) < 0.1] = np.nan
        got = _average_ranks(x)
        for row in range(m):  # ties at float32 precision share the mean rank
            want = pd.Series(x[row].astype(np.float32)).rank(method="average")
            assert np.array_equal(got[row], want.to_numpy(), equal_nan=True)
