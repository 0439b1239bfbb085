import numpy as np
import pandas as pd
import pytest

from geo_priority.classify import (
    bin_values,
    classify_change,
    classify_indicator,
    classify_scores,
    format_number,
)
from geo_priority.errors import ClassificationError, ConfigError


@pytest.mark.parametrize("scheme", ["quantiles", "fisher_jenks", "equal_interval"])
def test_data_schemes_class_one_is_top(scheme):
    scores = pd.Series(np.arange(1.0, 11.0))
    c = classify_scores(scores, scheme=scheme, k=5)
    assert c.classes.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert c.counts == (2, 2, 2, 2, 2)
    assert c.labels[0].startswith("Sangat tinggi")
    assert c.range_of(1)[1] == 10.0


def test_prioritas_fixed_goalposts_and_labels():
    scores = pd.Series([0.0, 24.9, 25.0, 50.1, 99.0, np.nan])
    c = classify_scores(scores, scheme="prioritas", k=4)
    assert c.bins == (25.0, 50.0, 75.0, 100.0)
    assert c.classes.tolist()[:5] == [4, 4, 4, 2, 1]
    assert pd.isna(c.classes.iloc[5])
    assert c.labels == (
        "Prioritas 1 (75–100)",
        "Prioritas 2 (50–75)",
        "Prioritas 3 (25–50)",
        "Prioritas 4 (0–25)",
    )
    en = classify_scores(scores, scheme="prioritas", k=4, lang="en")
    assert en.labels[0] == "Priority 1 (75–100)"


def test_user_defined_breaks():
    c = classify_scores(
        pd.Series([10.0, 30.0, 70.0]), scheme="user_defined", breaks=(20.0, 60.0)
    )
    assert c.bins == (20.0, 60.0, 100.0)
    assert c.classes.tolist() == [3, 2, 1]


def test_english_labels_and_decimal_format():
    c = classify_scores(
        pd.Series([1.5, 2.5, 3.5, 4.5]), scheme="equal_interval", k=3, lang="en"
    )
    assert c.labels[0] == "High (3.5–4.5)"
    assert format_number(1234567.25, decimals=2) == "1.234.567,25"


@pytest.mark.parametrize(
    ("values", "k", "pattern"),
    [
        ([5.0, 5.0, 5.0], 3, "all areas have the same score"),
        ([1.0, 2.0, 2.0, 3.0], 5, r"only 3 distinct scores exist. Use k <= 3"),
        ([np.nan, np.nan], 2, "no area has a score"),
    ],
)
def test_too_few_distinct_values(values, k, pattern):
    with pytest.raises(ClassificationError, match=pattern):
        classify_scores(pd.Series(values), scheme="quantiles", k=k)


# --- choices are checked and name their TOML key ------------------------------


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"scheme": "quantile"}, r"classify.scheme = 'quantile' is not allowed.*"),
        ({"scheme": "jenks"}, r"Choose one of: quantiles, fisher_jenks"),
        ({"k": 0}, r"classify.k = 0; use a whole number from 2 to 12"),
        ({"k": 13}, r"classify.k = 13"),
        ({"k": 2.5}, r"classify.k = 2.5"),
        ({"lang": "fr"}, r"outputs.lang = 'fr' is not allowed. Choose one of: id, en"),
        ({"scheme": "user_defined"}, r"classify.breaks = \[\]: .*needs breaks"),
    ],
)
def test_classify_scores_rejects_bad_choices_with_config_error(kwargs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        classify_scores(pd.Series([10.0, 20.0, 30.0]), **kwargs)


def test_indicator_and_change_check_k_and_lang():
    values = pd.Series([1.0, 2.0])
    with pytest.raises(ConfigError, match=r"k = 0; use a whole number"):
        classify_indicator(values, k=0)
    with pytest.raises(ConfigError, match=r"outputs\.lang = 'fr'"):
        classify_indicator(values, lang="fr")
    with pytest.raises(ConfigError, match=r"outputs\.lang = 'de'"):
        classify_change(values, lang="de")


def test_range_of_an_unknown_class_is_a_classification_error():
    c = classify_scores(pd.Series([10.0, 60.0]), scheme="prioritas", k=2)
    assert c.range_of(2) == (0.0, 50.0)
    with pytest.raises(ClassificationError, match="are 1 to 2"):
        c.range_of(3)


# --- one binning core ---------------------------------------------------------


def test_bin_values_upper_bounds_inclusive_or_not():
    values = pd.Series([0.0, 25.0, 25.1, 75.0, 100.0, np.nan])
    assert bin_values(values, [25.0, 75.0]).tolist() == [3, 3, 2, 2, 1, pd.NA]
    assert bin_values(values, [25.0, 75.0], upper_inclusive=False).tolist() == [
        3,
        2,
        2,
        1,
        1,
        pd.NA,
    ]


def test_change_classes_at_their_boundaries():
    # largest change 2: "large" from 1, "about the same" within 0.2
    change = pd.Series([-2.0, -1.0, -0.2, 0.2, 1.0, 2.0])
    assert classify_change(change).classes.tolist() == [5, 5, 3, 2, 1, 1]
