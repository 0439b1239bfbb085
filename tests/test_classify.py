import numpy as np
import pandas as pd
import pytest

from geo_priority.classify import classify_scores, format_number
from geo_priority.errors import ClassificationError


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
