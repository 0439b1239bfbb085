"""Progress to targets: Theil–Sen trend, projection, gap, status, config, figure."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text
from scipy.stats import theilslopes

from geo_priority.errors import ConfigError, SchemaError
from geo_priority.io.figure import write_figure
from geo_priority.io.targets import read_targets
from geo_priority.messages import use_language
from geo_priority.progress import progress_to_targets
from geo_priority.progress_config import ProgressConfig
from geo_priority.progress_figure import progress_figure

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "indicators" / "national_kabkota"
YEARS = [2019, 2020, 2021, 2022, 2023]


def _series(rows: dict[str, list[float]], years: list[int] = YEARS) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"area_id": area, "year": y, "value": v}
            for area, values in rows.items()
            for y, v in zip(years, values, strict=True)
        ]
    )


def _cfg(**kw: object) -> ProgressConfig:
    base: dict[str, object] = {
        "indicator": "p0",
        "target_year": 2025,
        "target": 4.0,
        "target_source": "uji",
    }
    return ProgressConfig(**{**base, **kw})  # type: ignore[arg-type]


# --- the trend ---------------------------------------------------------------


def test_theil_sen_slope_is_minus_one_and_ignores_one_bad_year() -> None:
    series = _series({"clean": [10, 9, 8, 7, 6], "outlier": [10, 9, 20, 7, 6]})
    frame = progress_to_targets(series, _cfg()).frame
    assert frame.loc["clean", "trend_slope"] == pytest.approx(-1.0)
    # one bad year (2021 = 20) leaves the median of the pairwise slopes at -1
    assert frame.loc["outlier", "trend_slope"] == pytest.approx(-1.0)
    assert theilslopes([10, 9, 20, 7, 6], YEARS)[0] == pytest.approx(-1.0)
    # the line goes through (median year, median value): 9 + (-1)(2025 - 2021)
    assert frame.loc["outlier", "projected_2025"] == pytest.approx(5.0)
    assert frame.loc["clean", "projected_2025"] == pytest.approx(4.0)
    assert frame.loc["clean", "trend_years"] == 5
    assert frame.loc["clean", "last_year"] == 2023
    assert frame.loc["clean", "last_value"] == 6


def test_vectorised_fit_equals_scipy_on_gappy_series() -> None:
    rng = np.random.default_rng(7)
    years = list(range(2016, 2025))
    series = _series({f"a{i}": list(rng.uniform(0, 20, 9)) for i in range(40)}, years)
    series = series.drop(index=rng.choice(len(series), 80, replace=False))
    frame = progress_to_targets(series, _cfg(min_years=3)).frame
    for area, group in series.groupby("area_id"):
        if len(group) < 3:
            assert pd.isna(frame.loc[area, "trend_slope"])
            continue
        slope, intercept, _, _ = theilslopes(group["value"], group["year"])
        assert frame.loc[area, "trend_slope"] == pytest.approx(slope)
        assert frame.loc[area, "trend_intercept"] == pytest.approx(intercept)
        assert frame.loc[area, "last_year"] == group["year"].max()


def test_each_status_by_hand_for_one_target_value() -> None:
    series = _series(
        {
            "on": [10, 9, 8, 7, 6],  # 2025: 4.0, gap 0 -> on track
            "risk": [10.4, 9.4, 8.4, 7.4, 6.4],  # 4.4, gap 0.4 <= 0.5 -> at risk
            "off": [11, 10, 9, 8, 7],  # 5.0, gap 1.0 > 0.5 -> off track
        }
    )
    result = progress_to_targets(series, _cfg(tolerance=0.5))
    frame = result.frame
    assert frame["projected_2025"].round(6).tolist() == [4.0, 4.4, 5.0]
    assert frame["target_gap"].round(6).tolist() == [0.0, 0.4, 1.0]
    assert frame["progress_status"].tolist() == ["on track", "at risk", "off track"]
    assert frame["progress_label"].tolist() == [
        "sesuai jalur",
        "berisiko",
        "tidak sesuai jalur",
    ]
    assert result.projected_column == "projected_2025"
    assert result.status_counts() == {
        "on track": 1,
        "at risk": 1,
        "off track": 1,
        "none": 0,
    }


def test_range_target_counts_any_point_of_the_range() -> None:
    series = _series(
        {
            "far": [9.5, 9, 8.5, 8, 7.5],  # 2025: 6.5, gap to 5.5 = 1.0 -> off
            "below": [7.5, 7, 6.5, 6, 5.5],  # 4.5, gap -1.0 -> on track
            "near": [6.6, 6.5, 6.4, 6.3, 6.2],  # 6.0, gap 0.5 -> at risk
            "inside": [5.2, 5.2, 5.2, 5.2, 5.2],  # 5.2, in the range -> on track
        }
    )
    cfg = _cfg(target=None, target_low=4.5, target_high=5.5)
    frame = progress_to_targets(series, cfg).frame
    assert frame["projected_2025"].round(6).tolist() == [6.5, 4.5, 6.0, 5.2]
    assert frame["target_gap"].round(6).tolist() == [1.0, -1.0, 0.5, -0.3]
    assert frame["progress_status"].tolist() == [
        "off track",
        "on track",
        "at risk",
        "on track",
    ]


def test_a_rising_target_measures_the_gap_the_other_way() -> None:
    series = _series({"a": [50, 52, 54, 56, 58]})  # 2025: 62
    frame = progress_to_targets(
        series, _cfg(target=65.0, direction="increase", tolerance=5.0)
    ).frame
    assert frame.loc["a", "target_gap"] == pytest.approx(3.0)
    assert frame.loc["a", "progress_status"] == "at risk"


def test_projection_is_held_at_zero_and_said_so() -> None:
    series = _series({"a": [2.0, 1.5, 1.0, 0.5, 0.25]})
    result = progress_to_targets(series, _cfg(target=0.0))
    assert result.frame.loc["a", "projected_2025"] == 0.0
    assert result.frame.loc["a", "progress_status"] == "on track"
    assert any("ditahan" in n and "'a'" in n for n in result.notes)


def test_fewer_years_no_status_and_a_note_naming_them() -> None:
    series = pd.concat(
        [
            _series({"36.01": [10, 9, 8, 7, 6]}),
            _series({"36.74": [2.3, float("nan"), 2.5]}, years=[2020, 2021, 2023]),
        ]
    )
    series["area_name"] = series["area_id"].map(
        {"36.01": "Kab. Pandeglang", "36.74": "Kota Tangerang Selatan"}
    )
    result = progress_to_targets(series, _cfg(min_years=3))
    row = result.frame.loc["36.74"]
    assert pd.isna(row["progress_status"]) and pd.isna(row["trend_slope"])
    assert pd.isna(row["projected_2025"]) and pd.isna(row["trend_years"])
    assert result.frame.loc["36.01", "progress_status"] == "on track"
    (note,) = [n for n in result.notes if "Kota Tangerang Selatan" in n]
    assert "kurang dari 3 tahun" in note
    assert result.status_counts()["none"] == 1


def test_chosen_years_only() -> None:
    series = _series({"a": [10, 9, 8, 7, 100]})  # 2023 left out by progress.years
    result = progress_to_targets(series, _cfg(years=[2019, 2020, 2021, 2022]))
    assert result.frame.loc["a", "trend_slope"] == pytest.approx(-1.0)
    assert result.frame.loc["a", "last_year"] == 2022
    assert result.years == (2019, 2020, 2021, 2022)


def test_method_text_in_both_languages() -> None:
    series = _series({"a": [10, 9, 8, 7, 6]})
    cfg = _cfg(target=None, target_low=4.5, target_high=5.5, unit="%")
    text = progress_to_targets(series, cfg).method
    assert "Theil–Sen" in text and "2019–2023" in text and "4,5–5,5 %" in text
    assert "sesuai jalur" in text and "berisiko" in text and "0,5 poin persen" in text
    with use_language("en"):
        text = progress_to_targets(series, cfg).method
    assert "4.5–5.5 %" in text and "on track" in text and "at risk" in text
    assert "nearer end, 5.5 %" in text


# --- config and targets ------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"target_year": None}, "progress.target_year"),
        ({"target_low": 4.5, "target_high": 5.5}, "progress.target_low"),
        ({"target": None, "target_low": 5.5, "target_high": 4.5}, "low = 5.5"),
        ({"target_source": ""}, "progress.target_source"),
        ({"target_year": 2015, "years": [2019, 2020, 2021]}, "progress.target_year"),
        ({"target_year": "2025"}, "progress.target_year"),
        ({"years": [2019, 2019, 2020]}, "progress.years"),
        ({"years": [2019, 2020]}, "progress.min_years"),
        ({"min_years": 1}, "progress.min_years"),
        ({"tolerance": -1.0}, "progress.tolerance"),
        ({"direction": "down"}, "progress.direction"),
        ({"target_id": "banten-p0-2025"}, "progress.target_year"),
        ({"top_n": 0}, "progress.top_n"),
    ],
)
def test_config_errors_name_the_key(kw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        _cfg(**kw)


def test_enabled_without_indicator_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"progress\.indicator"):
        ProgressConfig(enabled=True)
    assert ProgressConfig().enabled is None  # an empty section is valid


def test_unknown_target_id_lists_the_known_ones() -> None:
    cfg = ProgressConfig(indicator="p0", target_id="jatim-2030")
    with pytest.raises(ConfigError, match="jatim-2030") as err:
        progress_to_targets(_series({"a": [1, 2, 3, 4, 5]}), cfg)
    assert "banten-p0-2025" in str(err.value)


def test_shipped_targets_carry_their_sources() -> None:
    targets = read_targets()
    zero = targets["kemiskinan-ekstrem-nol-2024"]
    assert (zero.year, zero.value, zero.cited) == (2024, 0.0, True)
    assert "Instruksi Presiden Nomor 4 Tahun 2022" in zero.source
    assert "8 June 2022" in zero.source and "http" in zero.source
    banten = targets["banten-p0-2025"]
    assert (banten.year, banten.low, banten.high) == (2025, 4.5, 5.5)
    # no published source was found: said in the file, and with every result
    assert banten.cited is False and "NO PUBLISHED SOURCE FOUND" in banten.note
    for key in ("kemiskinan-ekstrem-nol-2024", "banten-p0-2025"):
        assert "kemiskinan-ekstrem" in targets[key].presets
    assert banten.areas == ("36",) and zero.areas == ()
    rpjmn = targets["rpjmn-p0-2024"]
    assert (rpjmn.year, rpjmn.low, rpjmn.high, rpjmn.cited) == (2024, 6.0, 7.0, True)
    assert "Peraturan Presiden Nomor 18 Tahun 2020" in rpjmn.source
    assert rpjmn.areas == ("nasional",) and rpjmn.presets == ()


def test_a_target_measures_only_the_areas_it_is_for() -> None:
    series = pd.DataFrame(
        {
            "area_id": ["36.01"] * 3 + ["32.01"] * 3,
            "year": [2019, 2020, 2021] * 2,
            "value": [10.0, 9.0, 8.0, 10.0, 9.0, 8.0],
        }
    )
    cfg = ProgressConfig(indicator="p0", target_id="banten-p0-2025")
    frame = progress_to_targets(series, cfg).frame
    # both keep their trend and projection (8 - 4 = 4 % in 2025)
    assert frame["trend_slope"].tolist() == [-1.0, -1.0]
    assert frame["projected_2025"].tolist() == [4.0, 4.0]
    assert frame.loc["36.01", "progress_status"] == "on track"
    assert pd.isna(frame.loc["32.01", "progress_status"])
    assert pd.isna(frame.loc["32.01", "target_gap"])
    cfg = ProgressConfig(indicator="p0", target_id="rpjmn-p0-2024")
    with use_language("en"):
        result = progress_to_targets(series, cfg)
    assert result.status_counts() == {
        "on track": 0,
        "at risk": 0,
        "off track": 0,
        "none": 2,
    }
    (note,) = [n for n in result.notes if "no target is invented" in n]
    assert "Indonesia secara nasional" in note and "2 area(s)" in note


def test_an_uncited_target_warns_with_every_result() -> None:
    cfg = ProgressConfig(indicator="p0", target_id="banten-p0-2025")
    result = progress_to_targets(_series({"a": [7, 6.5, 6, 5.8, 5.6]}), cfg)
    assert result.target.id == "banten-p0-2025"
    assert any("tidak memiliki sumber terbitan" in n for n in result.notes)
    assert "sumber terbitannya tidak ditemukan" in result.method


def test_targets_file_errors_name_the_table(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[target]]\nid = "x"\nyear = 2024\nvalue = 0\n', "utf-8")
    with pytest.raises(ConfigError, match=r"t\.toml target\[1\]\.source"):
        read_targets(path)
    path.write_text(
        '[[target]]\nid = "x"\nyear = 2024\nvalue = 0\nsource = "s"\n' * 2, "utf-8"
    )
    with pytest.raises(ConfigError, match="'x'"):
        read_targets(path)


def test_series_errors() -> None:
    with pytest.raises(SchemaError, match="value"):
        progress_to_targets(pd.DataFrame({"area_id": ["a"], "year": [2020]}), _cfg())
    twice = _series({"a": [1, 2, 3, 4, 5]})
    with pytest.raises(SchemaError, match="a 2019"):
        progress_to_targets(pd.concat([twice, twice.head(1)]), _cfg())
    with pytest.raises(ConfigError, match=r"progress\.years"):
        progress_to_targets(twice, _cfg(years=[2010, 2011, 2012], target_year=2025))


# --- the figure --------------------------------------------------------------


def test_figure_has_top_n_panels_with_lines_and_saves_png(tmp_path: Path) -> None:
    series = _series({f"a{i}": [10 + i, 9 + i, 8 + i, 7 + i, 6 + i] for i in range(7)})
    series["area_name"] = "Wilayah " + series["area_id"]
    result = progress_to_targets(
        series, _cfg(target=None, target_low=4.5, target_high=5.5)
    )
    fig = progress_figure(series, result, top_n=4, lang="id")
    panels = [ax for ax in fig.axes if ax.get_gid() == "panel"]
    assert len(panels) == 4
    # the largest gaps first: a6 (furthest) ... a3
    assert [ax.get_title(loc="left").split("\n")[0] for ax in panels] == [
        "Wilayah a6",
        "Wilayah a5",
        "Wilayah a4",
        "Wilayah a3",
    ]
    for ax in panels:
        assert len(ax.get_lines()) >= 3  # values, markers, trend, projection
        assert ax.patches or ax.collections or ax.get_lines()
    texts = [t for t in fig.findobj(Text) if isinstance(t, Text) and t.get_text()]
    assert min(float(t.get_fontsize()) for t in texts) >= 9  # readable in print
    out = write_figure(fig, tmp_path / "kemajuan.png", dpi=100)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000


def test_figure_of_areas_a_target_is_not_for_shows_no_status_and_no_band() -> None:
    series = _series(
        {f"32.0{i}": [10 + i, 9 + i, 8 + i, 7 + i, 6 + i] for i in range(4)}
    )
    cfg = ProgressConfig(indicator="p0", target_id="rpjmn-p0-2024")
    result = progress_to_targets(series, cfg)
    fig = progress_figure(series, result, top_n=2, lang="id")
    panels = [ax for ax in fig.axes if ax.get_gid() == "panel"]
    # the least favourable projections (highest P0 in 2024) first
    assert [ax.get_title(loc="left") for ax in panels] == [
        "32.03\ntanpa target untuk wilayah ini",
        "32.02\ntanpa target untuk wilayah ini",
    ]
    for ax in panels:  # no target band, no status colour
        assert not ax.patches and not ax.collections
        (title,) = [t for t in ax.findobj(Text) if "tanpa target" in t.get_text()]
        assert to_hex(title.get_color()) == "#4d4d4d"
    (sub,) = [t for t in fig.texts if t.get_gid() == "subtitle"]
    assert sub.get_text() == (
        "Tanpa status: target 6–7 % pada 2024 berlaku untuk Indonesia secara "
        "nasional (P0 nasional BPS), bukan untuk wilayah-wilayah ini."
    )
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("target" in label for label in labels)


def test_figure_needs_an_area_with_a_status() -> None:
    series = _series({"a": [1.0, 2.0]}, years=[2020, 2021])
    result = progress_to_targets(series, _cfg())
    with pytest.raises(ConfigError, match=r"progress\.min_years"):
        progress_figure(series, result)


# --- real series -------------------------------------------------------------


def _banten_p0() -> pd.DataFrame:
    data = pd.read_csv(REPO / "data" / "banten_kabkota_poverty.csv", dtype=str)
    p0 = data[
        (data["indicator"] == "p0_poverty_rate")
        & data["kode_wilayah"].str.match(r"^36\.\d\d$")
    ]
    return pd.DataFrame(
        {
            "area_id": p0["kode_wilayah"],
            "area_name": p0["nama"],
            "year": p0["tahun"].astype(int),
            "value": p0["value"].astype(float),
        }
    )


def test_banten_series_gives_every_kabkota_a_status() -> None:
    series = _banten_p0()
    cfg = ProgressConfig(indicator="p0_poverty_rate", target_id="banten-p0-2025")
    result = progress_to_targets(series, cfg)
    frame = result.frame
    assert len(frame) == 8
    assert frame["progress_status"].notna().all()
    # hand-checked: Pandeglang 2019-2024 (9.42, 9.92, 10.72, 9.32, 9.27, 9.18)
    pandeglang = frame.loc["36.01"]
    expected = theilslopes([9.42, 9.92, 10.72, 9.32, 9.27, 9.18], range(2019, 2025))
    assert pandeglang["trend_slope"] == pytest.approx(expected[0])
    assert pandeglang["progress_status"] == "off track"
    assert frame.loc["36.72", "progress_status"] == "on track"  # Cilegon ~3.8 %
    assert frame.loc["36.74", "progress_status"] == "on track"  # Tangsel ~2.4 %
    print(
        frame[
            [
                "trend_years",
                "trend_slope",
                "projected_2025",
                "target_gap",
                "progress_status",
            ]
        ]
    )


#: Banten's 8 kab/kota against 4.5-5.5 % in 2025; the other 506 get no status.
BANTEN_COUNTS = {"on track": 3, "at risk": 0, "off track": 5, "none": 506}


def _national_p0() -> pd.DataFrame:
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing under CI=true")
        pytest.skip(f"shared data not found: {SHARED} (national BPS P0 series)")
    from geo_priority.io import read_table

    long = read_table(SHARED / "bps_p0_kabkota_2018-2024.xlsx")
    kab = long[long["tingkat"] == "kabkota"]
    return pd.DataFrame(
        {
            "area_id": kab["kode_provinsi"] + "|" + kab["nama"],
            "area_name": kab["nama"],
            "year": kab["tahun"],
            "value": kab["value"],
        }
    )


def test_national_bps_p0_series_all_514_kabkota() -> None:
    """Every kab/kota gets a trend; only Banten's 8 are measured to its target."""
    series = _national_p0()
    cfg = ProgressConfig(indicator="p0", target_id="banten-p0-2025")
    result = progress_to_targets(series, cfg)
    frame = result.frame
    counts = result.status_counts()
    print("national P0 2018-2024 vs 4.5-5.5 % in 2025:", counts)
    assert len(frame) == 514
    assert np.isfinite(frame["trend_slope"]).all()
    assert (frame["trend_years"] == 7).all()
    assert counts == BANTEN_COUNTS
    measured = frame.index[frame["progress_status"].notna()]
    assert sorted(measured.str[:2].unique()) == ["36"]
    # slopes checked against the xlsx cells (scipy.stats.theilslopes, 2018-2024):
    # Pandeglang 9.61 9.42 9.92 10.72 9.32 9.27 9.18; Nduga 38.13 38.24 36.72
    # 37.18 36.73 37.09 ("Nduga *") and 36.28 (2024, "Nduga", after the split)
    for key, slope, projected in (
        ("36|Kabupaten Pandeglang", -0.07, 9.14),
        ("95|Kabupaten Nduga", -0.30, 35.89),
        ("11|Kabupaten Simeulue", -0.34, 17.13),
    ):
        assert frame.loc[key, "trend_slope"] == pytest.approx(slope, abs=1e-9), key
        assert frame.loc[key, "projected_2025"] == pytest.approx(projected, abs=1e-9)
    assert pd.isna(frame.loc["95|Kabupaten Nduga", "target_gap"])
    # the RPJMN 2020-2024 target is Indonesia's national rate: no kab/kota status
    national = progress_to_targets(
        series, ProgressConfig(indicator="p0", target_id="rpjmn-p0-2024")
    )
    assert national.status_counts() == {
        "on track": 0,
        "at risk": 0,
        "off track": 0,
        "none": 514,
    }
    assert national.frame["projected_2024"].notna().sum() == 514
