"""Rank robustness: hand-checkable Monte Carlo cases, exactness and config."""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd
import pytest

from geo_priority import config as cfg
from geo_priority import robustness_config as rcfg
from geo_priority.classify import classify_scores
from geo_priority.config import ClassifyConfig, IndicatorConfig, ScoringConfig
from geo_priority.errors import ConfigError, ScoringError
from geo_priority.robustness import (
    ROBUSTNESS_COLUMNS,
    nominal_ranks,
    rank_robustness,
)
from geo_priority.robustness_config import RobustnessConfig, robustness_enabled
from geo_priority.robustness_draws import Class1Rule, Design, class1_counts, rank_rows
from geo_priority.robustness_inputs import build_problem, class1_rule
from geo_priority.robustness_stats import RankHistogram, sobol_indices
from geo_priority.score import compute_scores

ONLY_WEIGHTS = {"normalisations": ["configured"], "aggregations": ["arithmetic"]}


def _flip() -> tuple[pd.DataFrame, tuple[IndicatorConfig, ...]]:
    """A leads on x, B on y; C and D never lead."""
    frame = pd.DataFrame(
        {"x": [10.0, 0.0, 4.0, 0.0], "y": [0.0, 10.0, 4.0, 0.0]},
        index=["A", "B", "C", "D"],
    )
    return frame, (IndicatorConfig(key="x", weight=1), IndicatorConfig(key="y"))


def _run(frame, inds, scheme="prioritas", k=2, **options):
    scoring = ScoringConfig(indicators=inds, missing=options.pop("missing", "error"))
    return rank_robustness(
        frame,
        inds,
        scoring,
        ClassifyConfig(scheme=scheme, k=k),
        RobustnessConfig(**options),
    )


def test_the_weights_flip_the_leader():
    frame, inds = _flip()
    x, y = inds
    heavy_x = (x, IndicatorConfig(key="y", weight=0.3 / 0.7))
    heavy_y = (IndicatorConfig(key="x", weight=0.3 / 0.7), y)
    assert nominal_ranks(frame, heavy_x, ScoringConfig(indicators=heavy_x))["A"] == 1
    assert nominal_ranks(frame, heavy_y, ScoringConfig(indicators=heavy_y))["B"] == 1


def test_symmetric_dirichlet_gives_each_leader_half_the_scenarios():
    frame, inds = _flip()
    result = _run(frame, inds, draws=4000, seed=7, **ONLY_WEIGHTS)
    out = result.frame
    assert list(out.columns) == list(ROBUSTNESS_COLUMNS)
    # class 1 of "prioritas", k = 2 is a score above 50: A iff w_x > 0.5
    assert out.loc["A", "p_class1"] == pytest.approx(0.5, abs=0.03)
    assert out.loc["B", "p_class1"] == pytest.approx(0.5, abs=0.03)
    assert out.loc["A", "p_class1"] + out.loc["B", "p_class1"] <= 1.0
    assert out.loc["C", "p_class1"] == 0.0
    # the interval covers both ranks of A and B (first, or behind C when
    # the weight of its indicator is below 0.4); C is second or third
    assert out.loc[["A", "B"], ["rank_low", "rank_high"]].to_numpy().tolist() == [
        [1, 3],
        [1, 3],
    ]
    assert out.loc["C", ["rank_low", "rank_high"]].tolist() == [2, 3]
    assert out.loc["D", "rank_median"] == 4
    sens = result.sensitivity
    assert sens["factor"].tolist() == ["weights"]
    assert sens.loc[0, "first_order"] == pytest.approx(1.0, abs=0.05)
    assert sens.loc[0, "total"] == pytest.approx(1.0, abs=0.05)
    assert result.draws >= 4000


def test_same_seed_same_result_any_chunk_size():
    frame, inds = _flip()
    scoring = ScoringConfig(indicators=inds)
    classes = ClassifyConfig(scheme="prioritas", k=2)
    config = RobustnessConfig(draws=600, seed=3)
    one = rank_robustness(frame, inds, scoring, classes, config)
    two = rank_robustness(frame, inds, scoring, classes, config, chunk=7)
    pd.testing.assert_frame_equal(one.frame, two.frame)
    pd.testing.assert_frame_equal(one.sensitivity, two.sensitivity)
    other = rank_robustness(
        frame, inds, scoring, classes, RobustnessConfig(draws=600, seed=4)
    )
    assert not one.frame["p_class1"].equals(other.frame["p_class1"])


def _synthetic(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(
        {
            "rate": np.round(rng.gamma(2.0, 1.0, n), 2),
            "count": rng.integers(0, 60, n).astype(float),
            "gap": np.round(rng.random(n) * 100, 1),
        }
    )
    frame.loc[[3, 17], "gap"] = np.nan
    return frame


_INDS = (
    IndicatorConfig(key="rate", weight=0.4, normalisation="target", target=0),
    IndicatorConfig(key="count", weight=0.4, normalisation="rank"),
    IndicatorConfig(key="gap", weight=0.2, normalisation="zscore"),
)


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
@pytest.mark.parametrize("missing", ["impute", "drop"])
def test_configured_scenario_reproduces_score_py(aggregation, missing):
    frame = _synthetic()
    expected = compute_scores(frame, _INDS, aggregation=aggregation, missing=missing)
    scoring = ScoringConfig(indicators=_INDS, aggregation=aggregation, missing=missing)
    got = nominal_ranks(frame, _INDS, scoring)
    pd.testing.assert_series_equal(
        got, expected.frame["priority_rank"], check_names=False
    )


@pytest.mark.parametrize(
    ("scheme", "k", "breaks"),
    [
        ("quantiles", 5, ()),
        ("equal_interval", 4, ()),
        ("prioritas", 5, ()),
        ("user_defined", 3, (30.0, 55.5)),
    ],
)
def test_class1_of_a_scenario_is_classify_py_class1(scheme, k, breaks):
    from geo_priority.robustness import _nominal

    frame = _synthetic()
    scoring = ScoringConfig(indicators=_INDS, missing="impute")
    classify = ClassifyConfig(scheme=scheme, k=k, breaks=breaks)
    problem, _ = build_problem(
        frame, _INDS, scoring, RobustnessConfig(), Class1Rule("x", k)
    )
    ranks, scores = _nominal(problem, frame.index)
    rule = class1_rule(classify, None, scores)
    ordered = np.sort(scores.to_numpy())[None, :]
    _, published = rank_rows(scores.to_numpy()[None, :])
    count = class1_counts(published, rule)[0]
    expected = classify_scores(scores, scheme=scheme, k=k, breaks=breaks)
    assert count == expected.counts[0]
    assert ((ranks <= count) == (expected.classes == 1)).all()
    assert ordered.shape == published.shape


def test_imputation_and_data_errors_are_choices():
    frame = _synthetic()
    frame["rate_rse"] = 25.0
    result = _run(frame, _INDS, draws=700, missing="impute", sensitivity=True)
    assert set(result.sensitivity["factor"]) == {
        "weights",
        "normalisation",
        "aggregation",
        "imputation",
        "data",
    }
    assert any("rate_rse" in note for note in result.notes)
    out = result.frame
    assert (out["rank_low"] <= out["rank_median"]).all()
    assert (out["rank_median"] <= out["rank_high"]).all()
    assert out["p_class1"].between(0, 1).all()


def test_drop_leaves_the_area_without_robustness():
    result = _run(_synthetic(), _INDS, draws=300, missing="drop")
    assert result.frame.loc[3].isna().all()
    assert result.frame.drop(index=[3, 17]).notna().all().all()


def test_missing_values_under_error_name_the_indicator():
    with pytest.raises(ScoringError, match="'gap'"):
        _run(_synthetic(), _INDS, draws=300)


def test_one_indicator_cannot_change_the_ranking():
    frame = _synthetic()
    inds = (IndicatorConfig(key="rate"),)
    result = _run(frame, inds, draws=300, **ONLY_WEIGHTS)
    out = result.frame
    expected = compute_scores(frame, inds).frame["priority_rank"]
    for column in ("rank_low", "rank_median", "rank_high"):
        assert out[column].tolist() == expected.tolist()
    assert set(out["p_class1"]) == {0.0, 1.0}
    assert result.sensitivity.empty
    assert "configured ranking" in result.notes[-1] or "peringkat" in result.notes[-1]


def test_all_areas_equal_is_a_clear_error():
    frame = pd.DataFrame({"x": [1.0, 1.0, 1.0], "y": [2.0, 2.0, 2.0]})
    inds = (IndicatorConfig(key="x"), IndicatorConfig(key="y"))
    with pytest.raises(ScoringError, match=r"robustness\.enabled"):
        _run(frame, inds, draws=300)


def test_negative_standard_error_is_refused():
    frame = _synthetic()
    frame["rate_se"] = -1.0
    with pytest.raises(ScoringError, match="rate_se"):
        _run(frame, _INDS, draws=300, missing="impute")
    with pytest.raises(ScoringError, match=r"robustness\.se_columns\.rate"):
        _run(_synthetic(), _INDS, missing="impute", se_columns={"rate": "nope"})


def test_histogram_is_exact_then_brackets_the_rank():
    rng = np.random.default_rng(5)
    n, draws = 1000, 333
    ranks = rng.integers(1, n + 1, size=(draws, n)).astype(np.int32)
    hist = RankHistogram(n, buffer_rows=50)
    hist.add(ranks[:100])
    hist.add(ranks[100:])
    exact = np.percentile(ranks, 5, axis=0, method="inverted_cdf")
    low, high = hist.quantiles(0.05, "low"), hist.quantiles(0.05, "high")
    small = exact <= 200
    assert (low[small] == exact[small]).all() and (high[small] == exact[small]).all()
    assert ((low <= exact) & (exact <= high)).all()
    assert ((high - low) <= np.maximum(1, 0.006 * high)).all()


def test_sobol_estimator_on_a_known_function():
    # Y = X1 + 2 X2, X uniform: first-order = total = 1/5 and 4/5
    rng = np.random.default_rng(2)
    nb = 20000
    a, b = rng.random((nb, 2)), rng.random((nb, 2))

    def f(x):
        return x[:, 0] + 2 * x[:, 1]

    ab = [np.column_stack([b[:, 0], a[:, 1]]), np.column_stack([a[:, 0], b[:, 1]])]
    y = np.concatenate([f(a), f(b), f(ab[0]), f(ab[1])])
    zeros = np.zeros(4 * nb, dtype=np.int64)
    design = Design(
        np.ones((4 * nb, 1)),
        zeros,
        zeros,
        zeros,
        zeros.astype(np.uint64),
        False,
        ("weights", "data"),
        nb,
    )
    table = sobol_indices(y, design, seed=1, resamples=50)
    assert table["first_order"].tolist() == pytest.approx([0.2, 0.8], abs=0.03)
    assert table["total"].tolist() == pytest.approx([0.2, 0.8], abs=0.03)


# --- config ----------------------------------------------------------------------


def test_config_defaults_and_errors_name_the_key():
    config = RobustnessConfig(normalisations=["min-max", "z-score"])
    assert config.normalisations == ("minmax", "zscore")
    with pytest.raises(ConfigError, match=r"robustness\.draws = 10"):
        RobustnessConfig(draws=10)
    with pytest.raises(ConfigError, match=r"robustness\.concentration = 0"):
        RobustnessConfig(concentration=0)
    with pytest.raises(ConfigError, match=r"robustness\.aggregations"):
        RobustnessConfig(aggregations=[])
    with pytest.raises(ConfigError, match=r"robustness\.normalisations\[0\]"):
        RobustnessConfig(normalisations=["log"])
    with pytest.raises(ConfigError, match=r"robustness\.se_columns\.p0"):
        RobustnessConfig(se_columns={"p0": 3})


def test_config_choices_match_the_scoring_choices():
    assert typing.get_args(rcfg.AggregationChoice) == cfg.AGGREGATIONS
    assert typing.get_args(rcfg.ImputeChoice) == cfg.IMPUTE_METHODS
    assert set(rcfg.NORMALISATION_CHOICES) == {"configured", *cfg.NORMALISATIONS}


def test_on_by_default_for_the_extreme_poverty_preset():
    assert robustness_enabled(RobustnessConfig(), "kemiskinan_ekstrem")
    assert not robustness_enabled(RobustnessConfig(), None)
    assert not robustness_enabled(RobustnessConfig(enabled=False), "kemiskinan-ekstrem")
