import numpy as np
import pandas as pd
import pytest

from geo_priority.classify import bin_values, classify_scores, format_number
from geo_priority.classify_layers import classify_change, classify_indicator
from geo_priority.errors import ClassificationError, ConfigError, GeoPriorityWarning


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
        ([5.0, 5.0, 5.0], 3, "semua wilayah mempunyai skor yang sama"),
        ([1.0, 2.0, 2.0, 3.0], 5, r"hanya ada 3 skor berbeda.*classify\.k <= 3"),
        ([np.nan, np.nan], 2, "tidak ada wilayah yang mempunyai skor"),
    ],
)
def test_too_few_distinct_values(values, k, pattern):
    with pytest.raises(ClassificationError, match=pattern):
        classify_scores(pd.Series(values), scheme="quantiles", k=k)


def test_fewer_quantile_classes_than_k_are_said_in_the_users_language():
    # 6 distinct scores, but the 20 % quantiles of a skewed sample repeat
    scores = pd.Series([1.0] * 10 + [2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    with pytest.warns(GeoPriorityWarning, match=r"classify\.k = 5: nilai skor") as got:
        result = classify_scores(scores, scheme="quantiles", k=5)
    shown = len(result.labels)
    assert f"peta menampilkan {shown} kelas" in str(got[0].message)
    assert shown < 5
    assert "Not enough unique values" not in str(got[0].message)


# --- choices are checked and name their TOML key ------------------------------


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"scheme": "quantile"}, r"classify.scheme = 'quantile'"),
        ({"scheme": "jenks"}, r"'jenks'.*quantiles, fisher_jenks"),
        ({"k": 0}, r"classify.k = 0; gunakan bilangan bulat dari 2 sampai 12"),
        ({"k": 13}, r"classify.k = 13"),
        ({"k": 2.5}, r"classify.k = 2.5"),
        ({"lang": "fr"}, r"outputs.lang = 'fr'.*id, en"),
        ({"scheme": "user_defined"}, r"classify.breaks = \[\]: .*memerlukan breaks"),
    ],
)
def test_classify_scores_rejects_bad_choices_with_config_error(kwargs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        classify_scores(pd.Series([10.0, 20.0, 30.0]), **kwargs)


def test_indicator_and_change_check_k_and_lang():
    values = pd.Series([1.0, 2.0])
    with pytest.raises(ConfigError, match=r"k = 0; gunakan bilangan bulat"):
        classify_indicator(values, k=0)
    with pytest.raises(ConfigError, match=r"outputs\.lang = 'fr'"):
        classify_indicator(values, lang="fr")
    with pytest.raises(ConfigError, match=r"outputs\.lang = 'de'"):
        classify_change(values, lang="de")


def test_range_of_an_unknown_class_is_a_classification_error():
    c = classify_scores(pd.Series([10.0, 60.0]), scheme="prioritas", k=2)
    assert c.range_of(2) == (0.0, 50.0)
    with pytest.raises(ClassificationError, match="kelasnya 1 sampai 2"):
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


# --- classes follow the published (one-decimal) score ---------------------------

#: Two areas both shown as "21,0" (20.96 and 21.04) where a break of the
#: unrounded scores falls between them: they must share a class.
NEAR_BREAK = {
    # the lower quintile of ten scores lies halfway between the 2nd and 3rd
    "quantiles": [5.0, 20.96, 21.04, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 95.0],
    # five equal steps of 0-105: the first break is 21
    "equal_interval": [0.0, 20.96, 21.04, 30.0, 50.0, 64.0, 70.0, 88.0, 100.0, 105.0],
}


@pytest.mark.parametrize("scheme", sorted(NEAR_BREAK))
def test_equal_published_scores_share_a_class(scheme):
    c = classify_scores(pd.Series(NEAR_BREAK[scheme]), scheme=scheme, k=5)
    assert c.classes.iloc[1] == c.classes.iloc[2]


def test_user_defined_break_between_two_equal_published_scores():
    scores = pd.Series([20.96, 21.04, 50.0])
    c = classify_scores(scores, scheme="user_defined", breaks=(21.0,))
    assert c.classes.tolist() == [2, 2, 1]


def _published_range(label: str) -> tuple[float, float]:
    low, high = label.split("(")[-1].rstrip(")").split("–")
    return tuple(float(v.replace(".", "").replace(",", ".")) for v in (low, high))


@pytest.mark.parametrize(
    ("scheme", "k"),
    [("quantiles", 5), ("fisher_jenks", 4), ("equal_interval", 5), ("prioritas", 3)],
)
def test_every_area_lies_in_the_range_its_class_label_shows(scheme, k):
    rng = np.random.default_rng(7)
    scores = pd.Series(rng.uniform(0, 100, 400).round(3))
    c = classify_scores(scores, scheme=scheme, k=k)
    shown = scores.map(lambda v: float(f"{v:.1f}"))
    for value, cls in zip(shown, c.classes, strict=True):
        low, high = _published_range(c.labels[cls - 1])
        assert low <= value <= high
        if cls < c.k:  # above the upper bound of the class below
            assert value > _published_range(c.labels[cls])[1]


def test_class_breaks_are_pinned_per_scheme():
    ten = pd.Series(np.arange(1.0, 11.0))
    assert classify_scores(ten, scheme="quantiles", k=5).bins == (
        2.8,
        4.6,
        6.4,
        8.2,
        10.0,
    )
    assert classify_scores(ten, scheme="fisher_jenks", k=5).bins == (
        2.0,
        4.0,
        6.0,
        8.0,
        10.0,
    )
    eleven = pd.Series(np.arange(0.0, 11.0))
    assert classify_scores(eleven, scheme="equal_interval", k=3).bins == (
        3.3,
        6.7,
        10.0,
    )
    assert classify_scores(ten, scheme="prioritas", k=3).bins == (33.3, 66.7, 100.0)
    assert classify_scores(ten, scheme="prioritas", k=5).bins == (
        20.0,
        40.0,
        60.0,
        80.0,
        100.0,
    )
    user = classify_scores(ten, scheme="user_defined", breaks=(3.33, 6.66))
    assert user.bins == (3.3, 6.7, 100.0)


def test_score_labels_of_one_legend_share_their_decimals():
    c = classify_scores(pd.Series(np.arange(1.0, 11.0)), scheme="quantiles", k=5)
    assert c.labels[0] == "Sangat tinggi (8,2–10,0)"
    assert c.labels[-1] == "Sangat rendah (1,0–2,8)"
    thirds = classify_scores(pd.Series([10.0, 90.0]), scheme="prioritas", k=3)
    assert thirds.labels == (
        "Prioritas 1 (66,7–100,0)",
        "Prioritas 2 (33,3–66,7)",
        "Prioritas 3 (0,0–33,3)",
    )


def test_breaks_equal_at_one_decimal_are_refused_naming_the_key():
    with pytest.raises(ClassificationError, match=r"classify.scheme = 'user_defined'"):
        classify_scores(
            pd.Series([10.0, 90.0]), scheme="user_defined", breaks=(20.01, 20.04)
        )


def test_indicator_labels_keep_the_indicators_decimals():
    rates = classify_indicator(pd.Series([1.52, 2.0, 0.5, 3.0]), k=4, unit="%")
    assert rates.labels == ("3,00%", "2,00%", "1,52%", "0,50%")
    counts = classify_indicator(pd.Series([950.0, 50312.0]), unit="jiwa", lang="en")
    assert counts.labels == ("50,312 jiwa", "950 jiwa")
    one = classify_indicator(pd.Series([1.0, 2.25]), unit="indeks", decimals=1)
    assert one.labels == ("2,2 indeks", "1,0 indeks")
