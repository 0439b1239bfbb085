"""Coarser levels' sums grouped by parent position are the sums by parent code."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_priority.level_values import LevelRule, aggregate_level, coverage_column


def _frame(n: int = 4000, parents: int = 60) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(21)
    den = rng.integers(0, 5000, n).astype(float)
    num = np.round(den * rng.beta(2, 12, n))
    frame = pd.DataFrame(
        {
            "n": rng.poisson(30, n).astype(float),
            "num": num,
            "den": den,
            "rate": 100 * num / np.where(den == 0, np.nan, den),
        },
        index=rng.permutation(np.arange(10, 10 + n)),
    )
    for column, share in (("n", 0.1), ("num", 0.3), ("rate", 0.05), ("den", 0.02)):
        frame.loc[rng.random(n) < share, column] = np.nan
    codes = np.array([f"36.{i:02d}" for i in range(parents)], dtype=object)
    keys = pd.Series(codes[rng.integers(0, parents, n)], index=frame.index)
    keys[keys == "36.07"] = "36.08"  # a parent with no child, one with more
    return frame, keys


def test_level_sums_by_position_equal_sums_by_code() -> None:
    frame, keys = _frame()
    rules = [
        LevelRule("n", "count"),
        LevelRule("rate", "rate", numerator="num", denominator="den", scale=100.0),
    ]
    got = aggregate_level(
        frame, keys, rules, level="kabkota", children="kecamatan", min_coverage=0.8
    ).values
    k = pd.Series(keys.to_numpy(), index=frame.index, name="_parent")
    count = frame["n"].groupby(k).sum(min_count=1)
    num = frame["num"].fillna(frame["rate"] * frame["den"] / 100.0)
    known = num.notna() & frame["den"].notna()
    rate = (
        100.0
        * num.where(known).groupby(k).sum(min_count=1)
        / frame["den"].where(known).groupby(k).sum(min_count=1).replace(0.0, np.nan)
    )
    index = pd.Index(sorted(k.unique()), name="_parent")
    assert got.index.equals(index)
    for key, value, mask in (("n", count, frame["n"].notna()), ("rate", rate, known)):
        weights = (
            frame["den"]
            if frame["den"].notna().all() and (frame["den"] > 0).all()
            else pd.Series(1.0, index=frame.index)
        )
        share = weights.where(mask, 0.0).groupby(k).sum() / weights.groupby(k).sum()
        coverage = (100.0 * share).reindex(index).fillna(0.0).round(1)
        withheld = (coverage < 80.0) & value.reindex(index).notna()
        expected = value.reindex(index).mask(withheld)
        pd.testing.assert_series_equal(
            got[key], expected, check_names=False, check_exact=True
        )
        pd.testing.assert_series_equal(
            got[coverage_column(key)], coverage, check_names=False, check_exact=True
        )
    assert got["n"].notna().sum() > 20
    assert got["rate"].notna().sum() > 20
