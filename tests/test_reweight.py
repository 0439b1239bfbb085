"""scoring.missing = "reweight": a score from the visible components, hand-checked."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo_priority.config import IndicatorConfig, ScoringConfig
from geo_priority.errors import ConfigError
from geo_priority.messages import use_language
from geo_priority.score import SCORE_BASIS, basis_words, compute_scores

# weights 2 : 1 : 1 -> 0.5, 0.25, 0.25; min-max norms
#   a: 0, 5, 10, 2 -> 0, 0.5, 1, 0.2
#   b: 10, (hidden), 5, - -> 1, -, 0, -
#   c: 1, 2, 3, - -> 0, 0.5, 1, -
FRAME = pd.DataFrame(
    {
        "a": [0.0, 5.0, 10.0, 2.0],
        "b": [10.0, 7.0, 5.0, None],
        "c": [1.0, 2.0, 3.0, None],
        "b_suppressed": [False, True, False, False],
    },
    index=["A", "B", "C", "D"],
)
INDICATORS = [
    IndicatorConfig(key="a", weight=2),
    IndicatorConfig(key="b", weight=1),
    IndicatorConfig(key="c", weight=1),
]


def test_arithmetic_scores_by_hand() -> None:
    res = compute_scores(FRAME, INDICATORS, missing="reweight")
    f = res.frame
    # A: 100 * (0.5*0 + 0.25*1 + 0.25*0) = 25
    # B: b hidden -> (0.5*0.5 + 0.25*0.5) / 0.75 = 0.5 -> 50
    # C: 100 * (0.5*1 + 0 + 0.25*1) = 75
    # D: only a -> 0.2 -> 20
    assert f["priority_score"].tolist() == [25.0, 50.0, 75.0, 20.0]
    assert f["priority_rank"].tolist() == [3, 2, 1, 4]
    assert f[SCORE_BASIS].tolist() == ["a,b,c", "a,c", "a,b,c", "a"]
    # B's contributions add up to its score with the weights 2/3 and 1/3
    assert f.loc["B", "contrib_a"] == pytest.approx(100 * 0.5 * 0.5 / 0.75)
    assert f.loc["B", "contrib_c"] == pytest.approx(100 * 0.25 * 0.5 / 0.75)
    assert math.isnan(f.loc["B", "contrib_b"])
    # the configured weights are kept; the re-normalised ones are in the notes
    assert res.weights == {"a": 0.5, "b": 0.25, "c": 0.25}


def test_geometric_scores_by_hand() -> None:
    res = compute_scores(FRAME, INDICATORS, missing="reweight", aggregation="geometric")
    f = res.frame
    # m(n) = 0.01 + 0.99 n. A: 100 * m(0)^0.5 * m(1)^0.25 * m(0)^0.25 = 100 * 0.01^0.75
    assert f.loc["A", "priority_score"] == pytest.approx(100 * 0.01**0.75, abs=1e-6)
    # B: 100 * m(0.5)^(2/3) * m(0.5)^(1/3) = 100 * 0.505
    assert f.loc["B", "priority_score"] == pytest.approx(50.5, abs=1e-6)
    # D: 100 * m(0.2) = 20.8
    assert f.loc["D", "priority_score"] == pytest.approx(20.8, abs=1e-6)
    contrib = f.loc["B", ["contrib_a", "contrib_c"]].sum()
    assert contrib == pytest.approx(f.loc["B", "priority_score"])


def test_a_suppressed_value_is_never_used() -> None:
    """Whatever a hidden cell holds, every published number stays the same."""
    base = compute_scores(FRAME, INDICATORS, missing="reweight").frame
    for value in (0.0, 3.0, 9.0, 1e6, -50.0):
        other = FRAME.assign(b=FRAME["b"].where(~FRAME["b_suppressed"], value))
        again = compute_scores(other, INDICATORS, missing="reweight").frame
        pd.testing.assert_frame_equal(
            base.drop(columns="b"), again.drop(columns="b"), check_exact=True
        )
    # also under "drop" and "impute": a flagged value counts as missing
    dropped = compute_scores(FRAME, INDICATORS, missing="drop").frame
    assert dropped["priority_score"].isna().tolist() == [False, True, False, True]


def test_notes_give_the_renormalised_weights() -> None:
    with use_language("en"):
        notes = compute_scores(FRAME, INDICATORS, missing="reweight").notes
    assert (
        "1 area(s) scored from 2 of 3 components (b hidden or missing); weights "
        "re-normalised over the components used: a 66.7 %, c 33.3 %"
    ) in notes
    assert any("from 1 of 3 components (b, c hidden" in n for n in notes)
    with use_language("id"):
        notes = compute_scores(FRAME, INDICATORS, missing="reweight").notes
    assert any("berdasarkan 2 dari 3 komponen" in n and "66,7 %" in n for n in notes)


def test_basis_in_words() -> None:
    with use_language("id"):
        assert basis_words("a,c", 3) == "berdasarkan 2 dari 3 komponen"
        assert basis_words("a,b,c", 3) == ""
        assert basis_words("", 3) == ""
    with use_language("en"):
        assert basis_words("a", 3) == "from 1 of 3 components"


def test_an_area_with_no_component_gets_no_score() -> None:
    frame = pd.DataFrame({"a": [1.0, None, 3.0], "b": [2.0, None, 1.0]})
    inds = [IndicatorConfig(key="a"), IndicatorConfig(key="b")]
    f = compute_scores(frame, inds, missing="reweight").frame
    assert math.isnan(f.loc[1, "priority_score"])
    assert pd.isna(f.loc[1, "priority_rank"])
    assert f[SCORE_BASIS].tolist() == ["a,b", "", "a,b"]


def test_without_gaps_reweight_equals_the_plain_score() -> None:
    frame = FRAME.drop(columns="b_suppressed").fillna(1.0)
    plain = compute_scores(frame, INDICATORS, missing="error").frame
    again = compute_scores(frame, INDICATORS, missing="reweight").frame
    pd.testing.assert_series_equal(plain["priority_score"], again["priority_score"])


def test_config_accepts_reweight() -> None:
    assert ScoringConfig(indicators=tuple(INDICATORS), missing="reweight").missing == (
        "reweight"
    )


def test_reweight_with_rank_robustness_is_refused() -> None:
    """Robustness scenarios score on every component: they would rank wrongly."""
    from geo_priority.config import config_from_dict

    data = {
        "boundaries": {"path": "b.geojson", "code_column": "kode"},
        "tables": [{"path": "t.csv", "code_column": "kode"}],
        "scoring": {"missing": "reweight", "indicators": [{"key": "a"}]},
        "robustness": {"enabled": True},
    }
    with use_language("en"), pytest.raises(ConfigError, match="enabled = false"):
        config_from_dict(data, in_memory=True)
    data["robustness"] = {"enabled": False}
    assert config_from_dict(data, in_memory=True).scoring.missing == "reweight"


def test_rank_band_by_hand() -> None:
    """B: 37.5 (b = 0) to 62.5 (b = 1) -> rank 2 either way; D: 10 to 60 -> 2-4."""
    f = compute_scores(FRAME, INDICATORS, missing="reweight").frame
    assert f["rank_band_best"].tolist() == [pd.NA, 2, pd.NA, 2]
    assert f["rank_band_worst"].tolist() == [pd.NA, 2, pd.NA, 4]
