"""published_scores rounds column-wise exactly as the number formatters do."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_priority.formatting import SCORE_DECIMALS
from geo_priority.score import published_scores


def _by_text(values: np.ndarray) -> list[float]:
    return [
        v if np.isnan(v) else float(f"{v:.{SCORE_DECIMALS}f}") for v in values.tolist()
    ]


def test_published_scores_equal_the_text_rounding_everywhere() -> None:
    rng = np.random.default_rng(11)
    ties = np.arange(0, 100_001) / 1000  # x.x5 and every other 3-decimal value
    values = np.concatenate(
        [
            rng.uniform(0, 100, 200_000),
            ties,
            -ties,
            np.nextafter(ties, np.inf),
            np.nextafter(ties, -np.inf),
            rng.uniform(-1e12, 1e12, 1000),
            [np.nan, np.inf, -np.inf, 0.0, -0.0, 0.05, 0.15, 0.25, 2.675, 1e300],
        ]
    )
    got = published_scores(pd.Series(values)).to_numpy()
    want = np.array(_by_text(values))
    np.testing.assert_array_equal(got, want)
    # the sign of zero is kept as the text reading keeps it
    assert (np.signbit(got) == np.signbit(want)).all()


def test_published_scores_keep_index_and_name() -> None:
    scores = pd.Series([20.96, None], index=[7, 3], name="s")
    out = published_scores(scores)
    assert out.index.tolist() == [7, 3]
    assert out.name == "s"
    assert out.dtype == "float64"
