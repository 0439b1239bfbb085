import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from geo_priority.config import IndicatorConfig
from geo_priority.errors import ConfigError, ScoringError
from geo_priority.score import (
    compute_scores,
    normalise_indicator,
    published_scores,
    rank_scores,
)


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"rate": [0.0, 5.0, 10.0], "count": [10.0, 0.0, 5.0]}, index=["A", "B", "C"]
    )


@pytest.mark.parametrize(
    ("kwargs", "values", "expected"),
    [
        ({}, [0, 5, 10], [0.0, 0.5, 1.0]),
        ({"direction": "higher_is_better"}, [0, 5, 10], [1.0, 0.5, 0.0]),
        ({"normalisation": "rank"}, [3, 1, 2, 2], [1.0, 0.0, 0.5, 0.5]),
        ({"normalisation": "target", "target": 0}, [1, 2, 4], [0.25, 0.5, 1.0]),
        ({"normalisation": "target", "target": 2}, [1, 2, 4], [0.0, 0.0, 1.0]),
        (
            {"normalisation": "target", "target": 100, "direction": "higher_is_better"},
            [50, 75, 100],
            [1.0, 0.5, 0.0],
        ),
        (
            {"normalisation": "zscore"},
            [-1, 0, 1],
            [
                0.5 * (1 + math.erf(-1.224744871 / math.sqrt(2))),
                0.5,
                0.5 * (1 + math.erf(1.224744871 / math.sqrt(2))),
            ],
        ),
        ({}, [3, 3, 3], [0.0, 0.0, 0.0]),
    ],
)
def test_normalise(kwargs, values, expected):
    ind = IndicatorConfig(key="x", **kwargs)
    out = normalise_indicator(pd.Series(values, dtype=float), ind)
    assert_allclose(out.to_numpy(), expected, atol=1e-6)


def test_arithmetic_scores_contributions_sum_to_score(frame):
    inds = [
        IndicatorConfig(key="rate", weight=3),
        IndicatorConfig(key="count", weight=1),
    ]
    res = compute_scores(frame, inds)
    # A: 0.75*0 + 0.25*1 = 25; B: 0.75*0.5 + 0 = 37.5; C: 0.75 + 0.25*0.5 = 87.5
    assert_allclose(res.frame["priority_score"], [25.0, 37.5, 87.5])
    assert res.frame["priority_rank"].tolist() == [3, 2, 1]
    total = res.frame["contrib_rate"] + res.frame["contrib_count"]
    assert_allclose(total, res.frame["priority_score"])
    assert res.weights == {"rate": 0.75, "count": 0.25}


def test_geometric_aggregation_hand_checked(frame):
    inds = [IndicatorConfig(key="rate"), IndicatorConfig(key="count")]
    res = compute_scores(frame, inds, aggregation="geometric")
    m = lambda n: 0.01 + 0.99 * n  # noqa: E731
    expected = [
        100 * math.sqrt(m(0) * m(1)),
        100 * math.sqrt(m(0.5) * m(0)),
        100 * math.sqrt(m(1) * m(0.5)),
    ]
    assert_allclose(res.frame["priority_score"], expected, rtol=1e-6)
    total = res.frame["contrib_rate"] + res.frame["contrib_count"]
    assert_allclose(total, res.frame["priority_score"], atol=1e-5)


def test_geometric_penalises_imbalance_more_than_arithmetic():
    df = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [1.0, 0.5, 0.0]}, index=list("XYZ"))
    inds = [IndicatorConfig(key="a"), IndicatorConfig(key="b")]
    arith = compute_scores(df, inds).frame["priority_score"]
    geo = compute_scores(df, inds, aggregation="geometric").frame["priority_score"]
    assert_allclose(arith, [50, 50, 50])
    assert geo["Y"] > geo["X"]


def test_missing_error_names_areas(frame):
    frame.loc["B", "rate"] = np.nan
    with pytest.raises(
        ScoringError,
        match=r"'rate' tidak ada nilainya untuk 1 dari 3 wilayah \(mis. B\)",
    ):
        compute_scores(frame, [IndicatorConfig(key="rate")])


def test_missing_drop_and_impute(frame):
    frame.loc["B", "rate"] = np.nan
    inds = [IndicatorConfig(key="rate")]
    dropped = compute_scores(frame, inds, missing="drop")
    assert pd.isna(dropped.frame.loc["B", "priority_score"])
    assert pd.isna(dropped.frame.loc["B", "priority_rank"])
    assert any("missing = drop" in n for n in dropped.notes)
    imputed = compute_scores(frame, inds, missing="impute", impute="median")
    assert imputed.frame.loc["B", "rate"] == 5.0  # median of 0 and 10
    assert imputed.frame.loc["B", "imputed"] == "rate"
    assert any("scoring.impute = median (5)" in n for n in imputed.notes)


def test_unscored_and_zero_weight_ignored(frame):
    inds = [IndicatorConfig(key="rate"), IndicatorConfig(key="count", score=False)]
    res = compute_scores(frame, inds)
    assert_allclose(res.frame["priority_score"], [0, 50, 100])
    assert "contrib_count" not in res.frame


def test_missing_column_lists_available(frame):
    with pytest.raises(ScoringError, match=r"\['nope'\] tidak ada di data"):
        compute_scores(frame, [IndicatorConfig(key="nope")])


def test_constant_indicator_noted(frame):
    frame["flat"] = 1.0
    res = compute_scores(
        frame, [IndicatorConfig(key="rate"), IndicatorConfig(key="flat")]
    )
    assert any("flat: semua wilayah bernilai sama" in n for n in res.notes)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"aggregation": "mean"}, r"scoring\.aggregation = 'mean'.*arithmetic"),
        ({"missing": "skip"}, r"scoring\.missing = 'skip'.*error, drop, impute"),
        ({"impute": "mode"}, r"scoring\.impute = 'mode'.*median, mean, min, max"),
    ],
)
def test_compute_scores_rejects_unknown_choices(frame, kwargs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        compute_scores(frame, [IndicatorConfig(key="rate")], **kwargs)


# --- ranks follow the published (one-decimal) score ---------------------------


def test_equal_published_scores_share_the_best_rank():
    # 20.96 and 21.04 are both published as 21,0: one rank for both, and
    # the next area is 4th (competition ranking), not 3rd
    scores = pd.Series([20.96, 56.2, 21.04, 10.0, np.nan], index=list("ABCDE"))
    assert rank_scores(scores).tolist() == [2, 1, 2, 4, pd.NA]


def test_compute_scores_ranks_the_published_score():
    frame = pd.DataFrame({"x": [0.0, 20.96, 21.04, 100.0]}, index=list("ABCD"))
    res = compute_scores(frame, [IndicatorConfig(key="x")])
    assert res.frame["priority_score"].tolist() == [0.0, 20.96, 21.04, 100.0]
    assert res.frame["priority_rank"].tolist() == [4, 2, 2, 1]


def test_published_scores_round_as_the_displayed_text():
    values = pd.Series([0.15, 0.25, 20.96, 99.95, 100.0])
    shown = [f"{v:.1f}" for v in values]
    assert [f"{v:.1f}" for v in published_scores(values)] == shown
    assert published_scores(values).tolist() == [float(t) for t in shown]
