"""The numbers the map shows: fixed decimals, units, legends that match values."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig
from geo_priority.render import MapText, build_map, map_spec, render_html

from geodata import squares
from nikscan import SIXTEEN

RATE22 = [2.0, 1.52, 0.5, 1.0, np.nan, 0.7461234567890123]
RATE23 = [2.35, 1.52, 0.1, np.nan, 1.0, 0.404]
PEOPLE = [50312.0, 1234567.4, 812.0, 9.0, 20000.0, np.nan]
PEOPLE23 = [51546.0, 1234000.0, 800.0, 9.0, np.nan, 10.0]
SCORES = [20.96, 21.04, 56.2, 75.0, np.nan, 33.333333333333336]


def _areas() -> gpd.GeoDataFrame:
    n = len(SCORES)
    return gpd.GeoDataFrame(
        {
            "area_id": [f"36.0{i}" for i in range(1, n + 1)],
            "area_name": list("ABCDEF"),
            "priority_score": SCORES,
            "priority_rank": pd.array([5, 4, 2, 1, pd.NA, 3], dtype="Int64"),
            "rate22": RATE22,
            "rate23": RATE23,
            "people22": PEOPLE,
            "people23": PEOPLE23,
            "index": [0.123456, 0.5, 0.25, 1.0, 0.75, 0.0],
        },
        geometry=squares(n, origin=(106.0, -6.5), size=0.1),
        crs="EPSG:4326",
    )


INDICATORS = (
    IndicatorConfig(key="rate22", source="rate", year=2022, unit="%", label="Tingkat"),
    IndicatorConfig(key="rate23", source="rate", year=2023, unit="%", label="Tingkat"),
    IndicatorConfig(
        key="people22", source="people", year=2022, unit="jiwa", label="Penduduk"
    ),
    IndicatorConfig(
        key="people23",
        source="people",
        year=2023,
        unit="jiwa",
        label="Penduduk",
        score=False,
    ),
    IndicatorConfig(key="index", unit="indeks", label="Indeks", decimals=3),
)


def _view(
    lang: str = "id", scheme: str = "prioritas", k: int = 4, indicators=INDICATORS
) -> dict:
    areas = _areas()
    c = classify_scores(areas["priority_score"], scheme=scheme, k=k, lang=lang)
    areas = areas.assign(priority_class=c.classes)
    spec = map_spec(areas, c, indicators=indicators, texts=MapText("T"), lang=lang)
    return spec["views"][0]


def _column(view: dict, label: str) -> tuple[int, list[str]]:
    """Index of a layer by label and its shown values (props' "f")."""
    labels = [layer["label"] for layer in view["layers"]]
    i = labels.index(label)
    return i, [p["f"][i + 2] for p in view["props"]]


def _number(text: str, lang: str = "id") -> float:
    """The first number written in ``text`` (Indonesian or English marks)."""
    found = re.search(r"[−+-]?\d[\d.,]*", text)
    assert found, text
    raw = found.group().replace("−", "-").rstrip(".,")
    thousands, decimal = (".", ",") if lang == "id" else (",", ".")
    return float(raw.replace(thousands, "").replace(decimal, "."))


def _range(label: str, lang: str = "id") -> tuple[float, float]:
    """The (low, high) of a legend label ``"... (a–b)"`` or ``"a–b%"``."""
    inner = label.rsplit("(", 1)[-1] if "(" in label else label
    parts = inner.split("–")
    low = _number(parts[0], lang)
    return low, _number(parts[-1], lang)


def test_indicator_values_have_the_indicators_decimals_zeros_kept():
    view = _view()
    _, rate = _column(view, "Tingkat 2022")
    assert rate == ["2,00%", "1,52%", "0,50%", "1,00%", "tidak ada data", "0,75%"]
    _, people = _column(view, "Penduduk 2022")
    assert people[:4] == ["50.312 jiwa", "1.234.567 jiwa", "812 jiwa", "9 jiwa"]
    _, index = _column(view, "Indeks")  # decimals = 3 from the config
    assert index[:2] == ["0,123 indeks", "0,500 indeks"]


def test_english_values_use_english_marks_and_units():
    view = _view("en")
    _, rate = _column(view, "Tingkat 2022")
    assert rate[:2] == ["2.00%", "1.52%"]
    _, people = _column(view, "Penduduk 2022")
    assert people[:2] == ["50,312 persons", "1,234,567 persons"]


def test_scores_keep_one_decimal_and_lie_in_their_class_range():
    for scheme, k in (("prioritas", 4), ("quantiles", 3), ("equal_interval", 3)):
        view = _view(scheme=scheme, k=k)
        shown = [p["f"][0] for p in view["props"]]
        assert shown[:4] == ["21,0", "21,0", "56,2", "75,0"], scheme
        labels = view["layers"][0]["labels"]
        # every bound with one decimal, or every bound whole (75–100)
        assert all(re.search(r"\(\d+,\d–\d+,\d\)$", lab) for lab in labels) or all(
            re.search(r"\(\d+–\d+\)$", lab) for lab in labels
        ), labels
        for p in view["props"]:
            if p["c"][0] > 0:
                low, high = _range(labels[p["c"][0] - 1])
                assert low <= _number(p["f"][0]) <= high, (scheme, p["f"], labels)
                assert p["f"][2] == labels[p["c"][0] - 1]  # tooltip's class
        # the two areas shown as 21,0 share a class
        assert view["props"][0]["c"][0] == view["props"][1]["c"][0]
    assert _view()["layers"][0]["labels"][0] == "Prioritas 1 (75–100)"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_indicator_legend_ranges_have_the_values_decimals_and_hold_them(lang):
    view = _view(lang)
    for name, pattern in (
        ("Tingkat 2022", r"^\d+[.,]\d\d(–\d+[.,]\d\d)?%$"),
        ("Penduduk 2022", r"^[\d.,]+(–[\d.,]+)? (jiwa|persons)$"),
        ("Indeks", r"^\d[.,]\d{3}(–\d[.,]\d{3})? indeks$"),
    ):
        i, shown = _column(view, name)
        labels = view["layers"][i]["labels"]
        for label in labels:
            assert re.match(pattern, label), (name, label)
        for p, value in zip(view["props"], shown, strict=True):
            cls = p["c"][i]
            if cls > 0:
                low, high = _range(labels[cls - 1], lang)
                assert low <= _number(value, lang) <= high, (name, value, labels)
    i, _ = _column(view, "Penduduk 2022")
    counts = view["layers"][i]["labels"]
    assert all("," not in lab.split()[0] for lab in counts if lang == "id"), counts


def test_change_values_carry_their_unit():
    view = _view()
    _, rate = _column(view, "Perubahan tingkat 2022→2023")
    assert rate == [
        "+0,35 poin persen",
        "0,00 poin persen",
        "−0,40 poin persen",
        "tidak ada data",
        "tidak ada data",
        "−0,35 poin persen",
    ]
    _, people = _column(view, "Perubahan penduduk 2022→2023")
    assert people[:4] == ["+1.234 jiwa", "−567 jiwa", "−12 jiwa", "0 jiwa"]
    english = _view("en")
    _, rate = _column(english, "Change in tingkat 2022→2023")
    assert rate[0] == "+0.35 percentage points"
    _, people = _column(english, "Change in penduduk 2022→2023")
    assert people[0] == "+1,234 persons"


def test_change_is_the_difference_of_the_values_shown():
    # 0.7461... is shown as 0,75 and 0.404 as 0,40: the change reads -0,35,
    # as a reader subtracting the two shown values finds (not -0,342... -> -0,34)
    view = _view()
    _, before = _column(view, "Tingkat 2022")
    _, after = _column(view, "Tingkat 2023")
    _, change = _column(view, "Perubahan tingkat 2022→2023")
    for b, a, c in zip(before, after, change, strict=True):
        if "data" not in c:
            assert _number(a) - _number(b) == pytest.approx(_number(c), abs=1e-9)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_change_legend_names_the_unit(lang):
    view = _view(lang)
    label = "Perubahan" if lang == "id" else "Change in"
    i, _ = _column(view, f"{label} tingkat 2022→2023")
    labels = view["layers"][i]["labels"]
    unit = "poin persen" if lang == "id" else "percentage points"
    assert labels[0].endswith(f"{unit})") and labels[2].endswith(f"{unit})")
    i, _ = _column(view, f"{label} penduduk 2022→2023")
    labels = view["layers"][i]["labels"]
    assert labels[0].endswith("jiwa)" if lang == "id" else "persons)"), labels


def test_english_map_has_no_indonesian_unit_words():
    families = IndicatorConfig(key="people22", unit="KK", label_en="Families")
    households = IndicatorConfig(key="people23", unit="rumah tangga", label_en="Homes")
    thousands = IndicatorConfig(key="rate23", unit="ribu jiwa", label_en="Thousands")
    for indicators in (INDICATORS, (families, households, thousands)):
        areas = _areas()
        c = classify_scores(areas["priority_score"], scheme="prioritas", k=4, lang="en")
        areas = areas.assign(priority_class=c.classes)
        html = render_html(
            build_map(areas, c, indicators=indicators, texts=MapText("T"), lang="en")
        )
        spec = html.split("var gpData = ", 1)[1]
        for word in ("jiwa", "poin", "persen", "KK", "rumah tangga", "ribu"):
            assert not re.search(rf"\b{word}\b", spec), word
    view = _view("en", indicators=(families, households, thousands))
    shown = view["props"][0]["f"][3:]
    assert shown == ["50,312 families", "51,546 households", "2.35 thousand persons"]


def test_unknown_unit_is_shown_as_given_on_the_english_map():
    odd = IndicatorConfig(key="index", unit="Rp/bulan", label_en="Spending")
    view = _view("en", indicators=(odd,))
    assert [p["f"][3] for p in view["props"][:2]] == ["0.12 Rp/bulan", "0.50 Rp/bulan"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_rendered_map_has_no_sixteen_digit_run(lang):
    rng = np.random.default_rng(7)
    areas = _areas().assign(
        rate22=rng.random(6) * 7 / 3,
        rate23=rng.random(6) * 7 / 3,
        people22=rng.random(6) * 1e5 / 3,
        people23=rng.random(6) * 1e5 / 3,
        index=rng.random(6) / 3,
        priority_score=rng.random(6) * 100 / 3,
    )
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=3, lang=lang)
    areas = areas.assign(priority_class=c.classes)
    html = render_html(
        build_map(areas, c, indicators=INDICATORS, texts=MapText("T"), lang=lang)
    )
    found = SIXTEEN.search(html)
    assert found is None, html[max(0, found.start() - 60) : found.end() + 20]
    spec = json.loads(html.split("var gpData = ", 1)[1].split(";\n", 1)[0])
    for view in spec["views"]:
        for p in view["props"]:  # the sort key is rounded too
            assert p["s"] is None or p["s"] == round(p["s"], 3)
