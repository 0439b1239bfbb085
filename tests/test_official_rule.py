"""The official rate-and-number selection, on hand-checkable cases and Banten."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo_priority.errors import ConfigError, ScoringError
from geo_priority.messages import use_language
from geo_priority.official_rule import (
    OFFICIAL_COLUMNS,
    OFFICIAL_ORDER,
    OFFICIAL_PRIORITY,
    official_priority,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "banten_kabkota_poverty.csv"


def _areas() -> pd.DataFrame:
    # rate ranks: A1 C2 D3 B4; count ranks: B1 C2 A3 D4
    # means: A 2.0, B 2.5, C 2.0, D 3.5 -> C before A (more poor), then B, D
    return pd.DataFrame(
        {
            "rate": [9.0, 1.0, 5.0, 2.0],
            "count": [900.0, 5000.0, 3000.0, 100.0],
            "prov": ["P", "Q", "P", "Q"],
        },
        index=["A", "B", "C", "D"],
    )


def test_order_is_the_mean_of_both_ranks_ties_by_number():
    sel = official_priority(_areas(), "rate", "count", n=2)
    assert list(sel.frame.columns) == list(OFFICIAL_COLUMNS)
    assert sel.frame[OFFICIAL_ORDER].tolist() == [2, 3, 1, 4]
    assert sel.selected == ("C", "A")
    assert sel.frame[OFFICIAL_PRIORITY].tolist() == [True, False, True, False]


def test_coverage_takes_areas_until_the_share_is_reached():
    # order C (3000), A (900), B (5000), D (100); total 9000
    sel = official_priority(_areas(), "rate", "count", coverage=0.4)
    assert sel.selected == ("C", "A")  # 33 % after C, 43 % after A
    assert sel.frame.loc["A", "official_cum_share"] == pytest.approx(3900 / 9000)
    every = official_priority(_areas(), "rate", "count", coverage=1.0)
    assert every.selected == ("C", "A", "B", "D")


def test_first_n_per_province():
    sel = official_priority(_areas(), "rate", "count", n=1, group_key="prov")
    assert sel.selected == ("C", "B")


def test_area_without_a_value_is_left_out_and_named():
    areas = _areas()
    areas.loc["B", "count"] = None
    sel = official_priority(areas, "rate", "count", n=3)
    assert sel.selected == ("C", "A", "D")
    assert pd.isna(sel.frame.loc["B", OFFICIAL_ORDER])
    assert not sel.frame.loc["B", OFFICIAL_PRIORITY]
    assert "B" in sel.notes[0]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({}, "n=None"), ({"n": 2, "coverage": 0.5}, "coverage=0.5"), ({"n": 0}, "0")],
)
def test_rule_errors_name_the_value(kwargs, needle):
    with pytest.raises(ConfigError, match=needle):
        official_priority(_areas(), "rate", "count", **kwargs)


def test_unknown_column_and_negative_values():
    with pytest.raises(ScoringError, match="'jumlah'"):
        official_priority(_areas(), "rate", "jumlah", n=1)
    areas = _areas()
    areas.loc["A", "rate"] = -1.0
    with pytest.raises(ScoringError, match=r"-1\.0"):
        official_priority(areas, "rate", "count", n=1)


def test_method_text_in_both_languages():
    sel = official_priority(_areas(), "rate", "count", coverage=0.75)
    assert "75.0%" in sel.method and "rumus" in sel.method
    with use_language("en"):
        text = official_priority(_areas(), "rate", "count", n=5).method
    assert "do not give the formula" in text and "first 5 areas" in text


def _banten() -> pd.DataFrame:
    d = pd.read_csv(DATA, dtype={"kode_wilayah": str})
    kab = d[
        d["kode_wilayah"].str.fullmatch(r"36\.\d\d") & (d["kode_wilayah"] != "36.00")
    ]
    rate = kab[(kab["indicator"] == "extreme_poverty_rate") & (kab["tahun"] == 2022)]
    pop = kab[(kab["indicator"] == "population_dukcapil") & (kab["tahun"] == 2023)]
    out = rate.set_index("kode_wilayah")[["nama", "value"]].rename(
        columns={"value": "rate"}
    )
    out["count"] = out["rate"] * pop.set_index("kode_wilayah")["value"] / 100
    return out


def test_banten_kabkota_2022():
    areas = _banten()
    assert len(areas) == 8
    names = areas["nama"]
    cover = official_priority(areas, "rate", "count", coverage=0.75)
    assert [names[c] for c in cover.selected] == [
        "Kab. Lebak",
        "Kab. Tangerang",
        "Kab. Pandeglang",
        "Kota Tangerang",
    ]
    five = official_priority(areas, "rate", "count", n=5)
    assert [names[c] for c in five.selected][-1] == "Kab. Serang"
