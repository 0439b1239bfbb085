"""Hotspots (local Moran's I, Gi*): a hand-checkable 3x3 grid with one island.

The grid (``A1`` bottom-left ... ``C3`` top-right, unit squares) has high
values in the bottom-left corner and low values in the top-right one::

    C: 35   5   0        kab 36.01 = columns 1-2, kab 36.02 = column 3;
    B: 80  70  20        the island "P" (value 60) lies 2 squares right of A3,
    A: 100 90  20        but in kab 36.01.

With queen contiguity ``A1`` touches ``A2, B1, B2`` (90 + 80 + 70 = 240): the
three highest of the other nine values, so under conditional permutation
(3 of the 9 others drawn at random) the chance of a sum as high is exactly
``1 / C(9, 3) = 1 / 84``. The exact p-value of every area is counted by
enumerating all draws (:func:`_exact_p`) and the 999 permutations must agree
with it within sampling error.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import replace
from itertools import combinations
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control
from shapely.geometry import box

from geo_priority.errors import ConfigError
from geo_priority.hotspots import (
    GI_CLASS,
    GI_P,
    GI_Z,
    HOTSPOT,
    HOTSPOT_COLUMNS,
    HOTSPOT_P,
    N_NEIGHBOURS,
    find_hotspots,
)
from geo_priority.hotspots_config import HotspotConfig, IslandRule
from geo_priority.hotspots_inference import bh_adjust, permutation_p
from geo_priority.hotspots_legend import LISA_COLOURS, NOT_TESTED_COLOUR
from geo_priority.messages import use_language
from geo_priority.render.spec import NO_DATA_COLOUR
from geo_priority.schema import ID, NAME, SCORE

VALUES = {
    "A1": 100.0,
    "A2": 90.0,
    "A3": 20.0,
    "B1": 80.0,
    "B2": 70.0,
    "B3": 20.0,
    "C1": 35.0,
    "C2": 5.0,
    "C3": 0.0,
    "P": 60.0,
}
#: Queen neighbours of the grid squares.
QUEEN = {
    "A1": ["A2", "B1", "B2"],
    "A2": ["A1", "A3", "B1", "B2", "B3"],
    "A3": ["A2", "B2", "B3"],
    "B1": ["A1", "A2", "B2", "C1", "C2"],
    "B2": ["A1", "A2", "A3", "B1", "B3", "C1", "C2", "C3"],
    "B3": ["A2", "A3", "B2", "C2", "C3"],
    "C1": ["B1", "B2", "C2"],
    "C2": ["B1", "B2", "B3", "C1", "C3"],
    "C3": ["B2", "B3", "C2"],
}
#: 999 permutations estimate p within about 0.016 (4 binomial sd at p = 0.5).
TOLERANCE = 4 * math.sqrt(0.25 / 999) + 0.002


def _grid(values: dict[str, float] | None = None) -> gpd.GeoDataFrame:
    values = values or VALUES
    ids, names, geoms, score = [], [], [], []
    for r, row in enumerate("ABC"):
        for c in range(3):
            name = f"{row}{c + 1}"
            kab = "01" if c < 2 else "02"
            ids.append(f"36.{kab}.0{r + 1}.200{c + 1}")
            names.append(name)
            geoms.append(box(c, r, c + 1, r + 1))
            score.append(values[name])
    ids.append("36.01.09.2001")
    names.append("P")
    geoms.append(box(5, 0, 6, 1))
    score.append(values["P"])
    return gpd.GeoDataFrame(
        {ID: ids, NAME: names, SCORE: score}, geometry=geoms, crs="EPSG:3857"
    ).set_index(NAME, drop=False)


def _exact_p(
    values: dict[str, float], neighbours: dict[str, list[str]]
) -> dict[str, float]:
    """Return the exact conditional-permutation p of every area (all draws)."""
    out = {}
    for area, nb in neighbours.items():
        others = [v for k, v in values.items() if k != area and k in neighbours]
        observed = sum(values[n] for n in nb)
        sums = [sum(c) for c in combinations(others, len(nb))]
        above = sum(s >= observed - 1e-9 for s in sums)
        below = sum(s <= observed + 1e-9 for s in sums)
        out[area] = min(1.0, min(above, below) / len(sums))
    return out


def _raw(**changes: Any) -> HotspotConfig:
    """Return a config without the FDR correction, islands with 2 neighbours."""
    return replace(HotspotConfig(fdr=False, islands_k=2), **changes)


@pytest.fixture
def _english() -> Iterator[None]:
    with use_language("en"):
        yield


def test_high_corner_is_high_high_and_low_corner_low_low() -> None:
    result = find_hotspots(_grid(), SCORE, _raw())
    frame = result.frame
    assert frame.loc["A1", HOTSPOT] == "tinggi-tinggi"
    assert frame.loc["A1", GI_CLASS] == "titik panas"
    assert frame.loc["A1", GI_Z] > 0 > frame.loc["C3", GI_Z]
    assert abs(frame.loc["A1", HOTSPOT_P] - 1 / 84) < 0.012
    # every other area has an exact p of 0.087 or more: not significant
    assert (frame[HOTSPOT].drop("A1") == "tidak signifikan").all()
    assert list(frame.columns) == list(HOTSPOT_COLUMNS)


def test_negated_values_turn_high_high_into_low_low() -> None:
    high = find_hotspots(_grid(), SCORE, _raw()).frame
    low = find_hotspots(
        _grid({k: 100 - v for k, v in VALUES.items()}), SCORE, _raw()
    ).frame
    assert low.loc["A1", HOTSPOT] == "rendah-rendah"
    assert low.loc["A1", GI_CLASS] == "titik dingin"
    np.testing.assert_allclose(low[HOTSPOT_P], high[HOTSPOT_P])
    np.testing.assert_allclose(low[GI_Z], -high[GI_Z])
    assert (low[HOTSPOT].drop("A1") == "tidak signifikan").all()


def test_island_gets_its_nearest_neighbours_within_its_kabkota() -> None:
    result = find_hotspots(_grid(), SCORE, _raw())
    # A3 and B3 are nearer, but in kab 36.02; A2 (distance 4) and B2 (4.1)
    # are the nearest in kab 36.01
    assert result.island_neighbours == {
        "36.01.09.2001": ("36.01.01.2002", "36.01.02.2002")
    }
    assert result.left_out == ()
    counts = result.frame[N_NEIGHBOURS]
    assert counts.to_dict() == {
        **{a: len(nb) for a, nb in QUEEN.items()},
        "P": 2,
    }
    [note] = result.notes
    assert "P (A2, B2)" in note and "2 wilayah terdekat di kab/kota yang sama" in note


def test_p_values_match_the_exact_permutation_distribution() -> None:
    neighbours = {**QUEEN, "P": ["A2", "B2"]}
    exact = _exact_p(VALUES, neighbours)
    assert exact["A1"] == pytest.approx(1 / 84)
    frame = find_hotspots(_grid(), SCORE, _raw()).frame
    for area, p in exact.items():
        assert abs(frame.loc[area, GI_P] - p) < TOLERANCE, (area, p)
    assert (frame[HOTSPOT_P] == frame[GI_P]).all()  # both monotone in the lag


def test_island_excluded_is_listed_and_not_tested() -> None:
    result = find_hotspots(_grid(), SCORE, _raw(islands="exclude"))
    frame = result.frame
    assert pd.isna(frame.loc["P", HOTSPOT]) and pd.isna(frame.loc["P", HOTSPOT_P])
    assert frame.loc["P", N_NEIGHBOURS] == 0
    assert result.left_out == ("36.01.09.2001",)
    assert result.island_neighbours == {}
    [note] = result.notes
    assert "'P'" in note and 'hotspots.islands = "exclude"' in note
    # B2 now touches every other tested area: no draw differs, so p = 1
    assert frame.loc["B2", HOTSPOT_P] == 1.0
    exact = _exact_p(VALUES, QUEEN)
    for area, p in exact.items():
        assert abs(frame.loc[area, HOTSPOT_P] - p) < TOLERANCE, (area, p)
    assert frame.loc["A1", HOTSPOT] == "tinggi-tinggi"
    assert result.legend[-1].count == 1  # the legend's "not tested" line


def test_island_alone_in_its_kabkota_is_left_out_even_with_knn() -> None:
    grid = _grid()
    grid.loc["P", ID] = "36.03.01.2001"
    result = find_hotspots(grid, SCORE, _raw())
    assert result.left_out == ("36.03.01.2001",)
    assert (
        "tidak memiliki wilayah lain yang bernilai di kab/kota-nya" in result.notes[0]
    )


def test_rook_neighbours_share_a_border() -> None:
    frame = find_hotspots(_grid(), SCORE, _raw(weights="rook")).frame
    assert frame.loc["A1", N_NEIGHBOURS] == 2
    assert frame.loc["B2", N_NEIGHBOURS] == 4
    assert frame.loc["A2", N_NEIGHBOURS] == 3


def test_same_seed_same_result_other_seed_other_draws() -> None:
    first = find_hotspots(_grid(), SCORE, _raw()).frame
    again = find_hotspots(_grid(), SCORE, _raw()).frame
    pd.testing.assert_frame_equal(first, again)
    other = find_hotspots(_grid(), SCORE, _raw(seed=7)).frame
    assert not np.array_equal(first[HOTSPOT_P], other[HOTSPOT_P])


def test_fdr_correction_removes_a_lone_small_p() -> None:
    raw = find_hotspots(_grid(), SCORE, _raw()).frame
    corrected = find_hotspots(_grid(), SCORE, _raw(fdr=True)).frame
    # A1's p of about 1/84 is below 0.05 alone, but with 10 areas tested at
    # once the Benjamini-Hochberg bound for the smallest p is 0.05 / 10
    assert raw.loc["A1", HOTSPOT_P] < 0.05
    assert raw.loc["A1", HOTSPOT] == "tinggi-tinggi"
    assert corrected.loc["A1", HOTSPOT] == "tidak signifikan"
    assert corrected.loc["A1", GI_CLASS] == "tidak signifikan"
    expected = bh_adjust(raw[HOTSPOT_P].to_numpy())
    np.testing.assert_allclose(corrected[HOTSPOT_P], expected)
    # the smallest of 10 p-values is multiplied by 10 / 1
    assert corrected.loc["A1", HOTSPOT_P] == pytest.approx(
        10 * raw.loc["A1", HOTSPOT_P]
    )
    assert (corrected[HOTSPOT_P] >= raw[HOTSPOT_P] - 1e-12).all()


def test_bh_adjust_matches_scipy() -> None:
    p = np.random.default_rng(3).uniform(0, 0.2, 50)
    np.testing.assert_allclose(bh_adjust(p), false_discovery_control(p))
    # the step-up rule: p_(i) <= i alpha / n for the largest such i
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205])
    assert (bh_adjust(p) <= 0.05).sum() == 2


def test_ties_do_not_make_everything_significant() -> None:
    # one value differs from the rest: esda 2.9's p_sim gives 0.001 for all
    # (draws equal to the observed sum counted on one side only)
    n = 36
    values = np.ones(n)
    values[0] = 2.0
    neighbours = [
        [
            j
            for j in (i - 1, i + 1, i - 6, i + 6)
            if 0 <= j < n and abs(j % 6 - i % 6) <= 1
        ]
        for i in range(n)
    ]
    p = permutation_p(values, neighbours, permutations=999, seed=1)
    assert (p > 0.05).sum() >= n - 3


def test_missing_values_are_left_out_and_listed() -> None:
    grid = _grid()
    grid.loc["C1", SCORE] = np.nan
    result = find_hotspots(grid, SCORE, _raw())
    frame = result.frame
    assert pd.isna(frame.loc["C1", HOTSPOT]) and pd.isna(frame.loc["C1", N_NEIGHBOURS])
    assert frame.loc["B1", N_NEIGHBOURS] == 4  # A1, A2, B2, C2 (not C1)
    assert "36.01.03.2001" in result.left_out
    assert "1 wilayah tanpa nilai 'priority_score'" in result.notes[0]
    assert "'C1'" in result.notes[0]
    assert result.legend[-1].count == 1


def test_constant_values_give_no_hotspot_and_a_note() -> None:
    result = find_hotspots(_grid(dict.fromkeys(VALUES, 5.0)), SCORE, _raw())
    assert (result.frame[HOTSPOT] == "tidak signifikan").all()
    assert "bernilai sama" in result.notes[-1]


def test_labels_and_legend_in_indonesian_and_english() -> None:
    result = find_hotspots(_grid(), SCORE, _raw())
    hh = result.legend[0]
    assert hh.value == "tinggi-tinggi" and hh.colour == LISA_COLOURS["HH"]
    assert hh.text == (
        "tinggi-tinggi: wilayah prioritas tinggi yang dikelilingi "
        "wilayah prioritas tinggi"
    )
    assert hh.count == 1
    assert [e.value for e in result.legend] == [
        "tinggi-tinggi",
        "rendah-rendah",
        "tinggi-rendah",
        "rendah-tinggi",
        "tidak signifikan",
        None,
    ]
    assert "p di atas 0,05" in result.legend[4].text
    assert result.gi_legend[0].text.startswith("titik panas: wilayah ini bersama")
    assert NOT_TESTED_COLOUR == NO_DATA_COLOUR
    assert "999 permutasi bersyarat (seed 20250205)" in result.method
    with use_language("en"):
        english = find_hotspots(_grid(), SCORE, _raw())
    assert english.frame.loc["A1", HOTSPOT] == "high-high"
    assert english.frame.loc["A1", GI_CLASS] == "hot spot"
    assert english.legend[0].text == (
        "high-high: a high-priority area surrounded by high-priority areas"
    )
    assert english.legend[4].value == "not significant"


def test_another_column_is_named_in_the_legend() -> None:
    grid = _grid().rename(columns={SCORE: "p0"})
    result = find_hotspots(grid, "p0", _raw(), label="P0")
    assert result.legend[1].text == (
        "rendah-rendah: wilayah dengan P0 rendah yang dikelilingi "
        "wilayah dengan P0 rendah"
    )


def test_join_adds_the_columns() -> None:
    grid = _grid()
    joined = find_hotspots(grid, SCORE, _raw()).join(grid)
    assert joined.loc["A1", HOTSPOT] == "tinggi-tinggi"
    assert isinstance(joined, gpd.GeoDataFrame) and len(joined) == len(grid)


def test_fewer_than_three_areas_is_a_clear_error() -> None:
    grid = _grid().iloc[:2]
    with pytest.raises(ConfigError, match=r"hotspots\.enabled = false") as info:
        find_hotspots(grid, SCORE, _raw())
    assert "setidaknya 3 wilayah" in str(info.value)


def test_unknown_or_text_column_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"hotspots\.column = 'p1'"):
        find_hotspots(_grid(), "p1", _raw())
    grid = _grid()
    grid["label"] = "x"
    with pytest.raises(ConfigError, match=r"hotspots\.column = 'label' berisi teks"):
        find_hotspots(grid, "label", _raw())


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"islands": "nearest"}, "hotspots.islands"),
        ({"weights": "bishop"}, "hotspots.weights"),
        ({"islands_k": 0}, "hotspots.islands_k"),
        ({"permutations": 10}, "hotspots.permutations"),
        ({"seed": -1}, "hotspots.seed"),
        ({"alpha": 0.9}, "hotspots.alpha"),
        ({"fdr": "yes"}, "hotspots.fdr"),
        ({"column": " "}, "hotspots.column"),
    ],
)
def test_config_errors_name_the_toml_key(changes: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        HotspotConfig(**changes)  # type: ignore[arg-type]


def test_config_defaults() -> None:
    cfg = HotspotConfig()
    assert (cfg.column, cfg.weights, cfg.islands, cfg.permutations) == (
        SCORE,
        "queen",
        "knn",
        999,
    )
    assert (cfg.alpha, cfg.fdr, cfg.enabled) == (0.05, True, True)


# ---------------------------------------------------------------- integration


def _banten_desa() -> gpd.GeoDataFrame:
    from geo_priority.harmonise import prepare_boundaries
    from geo_priority.io.vector import read_vector

    from conftest import require_shared

    path = require_shared("boundaries", "banten_desa_kemendagri2025_cahyadsn.geojson")
    return prepare_boundaries(read_vector(path), code_column="kode", name_column="nama")


@pytest.fixture(scope="module")
def banten() -> gpd.GeoDataFrame:
    areas = _banten_desa()
    # a smooth north-west to south-east gradient plus noise: strongly clustered
    centre = areas.to_crs(areas.estimate_utm_crs()).centroid
    x = (centre.x - centre.x.mean()) / centre.x.std()
    y = (centre.y - centre.y.mean()) / centre.y.std()
    noise = np.random.default_rng(0).normal(0, 0.3, len(areas))
    areas[SCORE] = 50 + 15 * (x - y).to_numpy() + noise
    return areas


@pytest.mark.integration
@pytest.mark.parametrize("islands", ["knn", "exclude"])
def test_banten_desa_hotspots(
    banten: gpd.GeoDataFrame, islands: IslandRule, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.perf_counter()
    result = find_hotspots(banten, SCORE, HotspotConfig(islands=islands))
    seconds = time.perf_counter() - start
    with capsys.disabled():
        print(
            f"\nhotspots, {len(banten)} Banten desa, islands={islands}: {seconds:.2f} s"
        )
    frame = result.frame
    counts = frame[HOTSPOT].value_counts()
    assert counts.get("tinggi-tinggi", 0) > 100 and counts.get("rendah-rendah", 0) > 100
    # the two island desa of Kab. Serang: Pulo Panjang and Wargasara (Pulau Tunda)
    island_ids = {"36.04.08.2009", "36.04.13.2009"}
    if islands == "knn":
        assert set(result.island_neighbours) == island_ids
        for neighbours in result.island_neighbours.values():
            assert len(neighbours) == 3
            assert all(n.startswith("36.04.") for n in neighbours)  # Kab. Serang
        assert result.left_out == ()
        assert "Pulo Panjang" in result.notes[0] and "Wargasara" in result.notes[0]
    else:
        assert set(result.left_out) == island_ids
        by_id = frame.set_index(banten[ID])
        assert by_id.loc[list(island_ids), HOTSPOT].isna().all()
        assert (by_id.loc[list(island_ids), N_NEIGHBOURS] == 0).all()
        assert "'Pulo Panjang'" in result.notes[0]
    assert frame[HOTSPOT].notna().sum() == len(banten) - len(result.left_out)
