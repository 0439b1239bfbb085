"""Rank robustness and the official rule, wired through the whole tool.

A six-kabupaten case built in code, with the kemiskinan-ekstrem preset (which
turns both on): the columns on the areas, the run record, the ranked tables,
the GIS layers and their aliases, the map spec, the figure's whiskers and, in
headless Chromium at 1280x720, the tooltip line and the table's interval bars.

The official selection is hand-checkable. Rate ranks (highest first): A 1,
C 2, E 3, F 4, B 5, D 6; number ranks: B 1, E 2, A 3, F 4, C 5, D 6. Mean
ranks: A 2, E 2.5, B 3, C 3.5, F 4, D 6. Extreme poor 22,300 in all; A and E
hold 40.4 %, with B 80.7 %: the 75 % rule selects A, E and B.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from shapely.geometry import box

from geo_priority.analysis import Analysis, analyse, ranked_table
from geo_priority.config import config_from_dict
from geo_priority.errors import ConfigError
from geo_priority.export import write_format
from geo_priority.export.tables import human_table, read_ranked_csv, write_ranked_csv
from geo_priority.io import read_boundaries
from geo_priority.messages import use_language
from geo_priority.metadata import run_record
from geo_priority.outputs import build_figure, build_map, scored_layer
from geo_priority.render.spec import map_spec
from geo_priority.render.texts import map_texts
from geo_priority.robustness import ROBUSTNESS_COLUMNS, rank_robustness
from geo_priority.schema import ID

CODES = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72"]
NAMES = [f"Kabupaten {c}" for c in "ABCDEF"]
RATE = [4.0, 1.0, 3.0, 0.5, 2.5, 2.0]
COUNT = [4000, 9000, 1500, 800, 5000, 2000]
POPULATION = [100_000, 900_000, 50_000, 160_000, 200_000, 100_000]
DRAWS = 1000


def _areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": CODES, "nama": NAMES},
        geometry=[box(106.0 + 0.2 * i, -6.6, 106.2 + 0.2 * i, -6.2) for i in range(6)],
        crs=4326,
    )


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode": CODES,
            "extreme_poverty_rate": RATE,
            "extreme_poor_population": COUNT,
            "population": POPULATION,
        }
    )


def _method(lang: str = "id", **sections: Any) -> dict[str, Any]:
    return {
        "boundaries": {"code_column": "kode", "name_column": "nama"},
        "tables": [{"label": "t", "code_column": "kode"}],
        "scoring": {"preset": "kemiskinan-ekstrem"},
        "classify": {"scheme": "equal_interval", "k": 3},
        "outputs": {"lang": lang, "name": "uji"},
        "robustness": {"draws": DRAWS},
        **sections,
    }


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(_areas(), {"t": _table()}, _method())


@pytest.fixture(scope="module")
def analysis_en() -> Analysis:
    return analyse(_areas(), {"t": _table()}, _method("en"))


def _by_id(analysis: Analysis) -> pd.DataFrame:
    return pd.DataFrame(analysis.areas).set_index(ID)


# --- config and analysis -----------------------------------------------------


def test_robustness_section_is_read_and_checked() -> None:
    cfg = config_from_dict(_method(), in_memory=True)
    assert cfg.robustness.draws == DRAWS
    assert cfg.official_rule.rule() == ("coverage", None, 0.75)
    with pytest.raises(ConfigError, match=r"robustness\.draws = 10"):
        config_from_dict(_method(robustness={"draws": 10}), in_memory=True)
    with pytest.raises(ConfigError, match="drawz"):
        config_from_dict(_method(robustness={"drawz": 1}), in_memory=True)
    with pytest.raises(ConfigError, match=r"official_rule\.per_province"):
        config_from_dict(_method(official_rule={"per_province": True}), in_memory=True)


def test_preset_turns_both_on_and_columns_match_the_core(analysis: Analysis) -> None:
    areas = _by_id(analysis)
    for column in (*ROBUSTNESS_COLUMNS, "official_priority"):
        assert column in areas.columns
    assert analysis.robustness is not None and analysis.robustness.draws == DRAWS
    # the joined columns are the core's, area by area
    values = areas.drop(columns="geometry")
    core = rank_robustness(
        values,
        analysis.indicators,
        analysis.scoring,
        analysis.config.classify,
        analysis.config.robustness,
        classification=analysis.classification,
    )
    pd.testing.assert_frame_equal(
        values[list(ROBUSTNESS_COLUMNS)], core.frame, check_names=False
    )
    low, high = areas["rank_low"], areas["rank_high"]
    assert ((low <= areas["rank_median"]) & (areas["rank_median"] <= high)).all()


def test_official_selection_is_the_hand_checked_one(analysis: Analysis) -> None:
    chosen = _by_id(analysis)["official_priority"]
    assert chosen[chosen].index.tolist() == ["36.01", "36.02", "36.71"]
    assert analysis.official is not None
    assert analysis.official.selected == ("36.01", "36.71", "36.02")


def test_switched_off_by_the_config() -> None:
    off = analyse(
        _areas(),
        {"t": _table()},
        _method(robustness={"enabled": False}, official_rule={"enabled": False}),
    )
    assert off.robustness is None and off.official is None
    assert not {*ROBUSTNESS_COLUMNS, "official_priority"} & set(off.areas.columns)


def test_run_record_carries_the_sensitivity(analysis: Analysis) -> None:
    record = json.loads(json.dumps(run_record(analysis), default=str))
    rob = record["robustness"]
    assert rob["draws"] == DRAWS and rob["seed"] == analysis.config.robustness.seed
    assert rob["sensitivity"][0]["factor"] == "weights"
    totals = [s["total"] for s in rob["sensitivity"]]
    assert totals == sorted(totals, reverse=True)
    assert record["official_rule"]["selected"] == ["36.01", "36.71", "36.02"]


def test_method_note_says_which_choice_moves_the_ranks_most(
    analysis: Analysis, analysis_en: Analysis
) -> None:
    lines = map_texts(analysis, run_record(analysis)).method_lines
    note = "\n".join(lines)
    assert f"{DRAWS}".replace("000", ".000") in note  # "1.000 skenario"
    assert "Pilihan yang paling menggeser peringkat adalah bobot" in note
    assert "Terpilih menurut aturan resmi (3): Kabupaten A, Kabupaten E" in note
    english = "\n".join(map_texts(analysis_en, run_record(analysis_en)).method_lines)
    assert "The choice that moves the ranks most is weights" in english
    assert "Selected by the official rule (3)" in english


# --- tables and GIS layers ---------------------------------------------------


def test_ranked_tables_have_human_headers(analysis: Analysis, tmp_path: Path) -> None:
    ranked = ranked_table(analysis)
    table = human_table(ranked, analysis.indicators)
    for header in (
        "Peringkat median (skenario)",
        "Rentang peringkat: dari (persentil 5)",
        "Rentang peringkat: sampai (persentil 95)",
        "Peluang masuk kelas 1 (%)",
        "Terpilih menurut aturan resmi",
    ):
        assert header in table.columns
    chance = table["Peluang masuk kelas 1 (%)"]
    assert chance.tolist() == (ranked["p_class1"] * 100).round().astype(int).tolist()
    assert set(table["Terpilih menurut aturan resmi"]) == {"ya", "tidak"}
    english = human_table(ranked, analysis.indicators, lang="en")
    assert "Chance of class 1 (%)" in english.columns
    assert set(english["Selected by the official rule"]) == {"yes", "no"}
    path = write_ranked_csv(ranked, analysis.indicators, tmp_path / "p.csv")
    back = read_ranked_csv(path, analysis.indicators)
    assert back["rank_low"].tolist() == ranked["rank_low"].tolist()
    assert back["official_priority"].tolist() == ranked["official_priority"].tolist()


def test_gis_layers_carry_the_columns_with_aliases(
    analysis: Analysis, tmp_path: Path
) -> None:
    layer = scored_layer(analysis)
    gpkg = write_format("gpkg", tmp_path / "uji.gpkg", layer, overwrite=False)
    del gpkg
    stored = read_boundaries(tmp_path / "uji.gpkg", layer="uji")
    areas = _by_id(analysis)
    stored = stored.set_index(ID)
    for column in (*ROBUSTNESS_COLUMNS, "official_priority"):
        assert column in stored.columns
        assert stored[column].tolist() == areas.loc[stored.index, column].tolist()
    write_format("styles", tmp_path / "uji.qml", layer, overwrite=False)
    qml = (tmp_path / "uji.qml").read_text(encoding="utf-8")
    aliases = dict(re.findall(r'<alias field="(\w+)" index="\d+" name="([^"]*)"', qml))
    assert aliases["rank_median"] == "Peringkat median (skenario)"
    assert aliases["rank_low"] == "Rentang peringkat: dari (persentil 5)"
    assert aliases["rank_high"] == "Rentang peringkat: sampai (persentil 95)"
    assert aliases["p_class1"] == "Peluang masuk kelas 1 (0–1)"
    assert aliases["official_priority"] == "Terpilih menurut aturan resmi"


# --- map spec and figure -----------------------------------------------------


def _spec(analysis: Analysis) -> dict[str, Any]:
    return map_spec(
        analysis.areas,
        analysis.classification,
        indicators=analysis.indicators,
        texts=map_texts(analysis, run_record(analysis)),
        lang=analysis.config.outputs.lang,
    )


def test_map_spec_has_the_layers_and_lines(
    analysis: Analysis, analysis_en: Analysis
) -> None:
    view = _spec(analysis)["views"][0]
    labels = [layer["label"] for layer in view["layers"]]
    assert labels[-2:] == ["Peluang masuk kelas 1", "Pilihan aturan resmi"]
    chance = view["layers"][-2]
    assert chance["labels"][0] == "hampir selalu kelas 1 (90–100% skenario)"
    assert sum(chance["counts"]) == 6 and view["robust_n"] == 6
    areas = _by_id(analysis)
    for props in view["props"]:
        row = areas.loc[props["id"]]
        rb = props["rb"]
        assert (rb["lo"], rb["hi"], rb["m"]) == (
            row["rank_low"],
            row["rank_high"],
            row["rank_median"],
        )
        assert rb["o"] == bool(row["official_priority"])
        assert rb["line"].startswith(f"Peringkat median {row['rank_median']} (")
        assert "dalam 90% skenario); peluang masuk kelas 1: " in rb["line"]
        # the tooltip rows of the two layers: chance and selection in words
        assert props["f"][-1] in (
            "terpilih menurut aturan resmi",
            "tidak terpilih menurut aturan resmi",
        )
    english = _spec(analysis_en)["views"][0]["props"][0]["rb"]["line"]
    assert english.startswith("Median rank ") and "of scenarios" in english


def test_figure_draws_one_whisker_per_listed_area(analysis: Analysis) -> None:
    fig = build_figure(analysis)
    whiskers = [
        a for a in fig.artists if isinstance(a, Line2D) and a.get_gid() == "whisker"
    ]
    names = [t.get_text() for t in fig.texts if t.get_gid() == "top_name"]
    assert len(whiskers) == len(names) > 0
    areas = _by_id(analysis).set_index("area_name")
    spans = [float(np.ptp(w.get_xdata())) for w in whiskers]
    widths = [int(areas.loc[n, "rank_high"] - areas.loc[n, "rank_low"]) for n in names]
    # the whiskers' lengths order as the rank intervals do, zero for a fixed rank
    for i in range(len(spans)):
        for j in range(len(spans)):
            assert np.sign(round(spans[i] - spans[j], 9)) == np.sign(
                widths[i] - widths[j]
            )
    assert any(t.get_gid() == "whisker_head" for t in fig.texts)


# --- in the browser ----------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from browser import require_browser, start_browser

    require_browser()
    driver = start_browser(1280, 720)
    yield driver
    driver.quit()


BARS = """
return Array.from(document.querySelectorAll('.gp-table tbody tr')).map(function (tr) {
  var bar = tr.querySelector('.gp-range-bar');
  var r = bar.getBoundingClientRect();
  var hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return {id: tr.dataset.id, left: r.left, width: r.width, height: r.height,
          visible: getComputedStyle(bar).visibility !== 'hidden',
          hit: hit === bar || (hit !== null && bar.contains(hit)) ||
               (hit !== null && hit.className === 'gp-range-median')};
});
"""


def test_tooltip_and_interval_bars_in_chromium(
    browser: Any, analysis: Analysis, tmp_path: Path
) -> None:
    from browser import console_errors, open_map, save_screenshot, wait_visible

    html = tmp_path / "uji.html"
    html.write_text(build_map(analysis).get_root().render(), encoding="utf-8")
    open_map(browser, html)
    bars = browser.execute_script(BARS)
    areas = _by_id(analysis)
    n = len(areas)
    assert len(bars) == n
    for bar in bars:
        row = areas.loc[bar["id"]]
        assert bar["visible"] and bar["height"] >= 6 and bar["hit"], bar
        assert bar["width"] > 0
    track = browser.execute_script(
        "return document.querySelector('.gp-range-track').getBoundingClientRect().width"
    )
    for bar in bars:  # a box from rank_low to rank_high on a track of ranks 1..n
        row = areas.loc[bar["id"]]
        expected = (row["rank_high"] - row["rank_low"] + 1) / n * (track - 2)
        assert bar["width"] == pytest.approx(expected, abs=1.5)
    by_width = sorted(bars, key=lambda b: b["width"])
    spans = [
        areas.loc[b["id"], "rank_high"] - areas.loc[b["id"], "rank_low"]
        for b in by_width
    ]
    assert spans == sorted(spans)
    first = areas.sort_values("priority_rank").index[0]
    browser.find_element("css selector", f'.gp-table tr[data-id="{first}"]').click()
    cell = wait_visible(browser, ".gp-tooltip .gp-tip-robust")
    row = areas.loc[first]
    expected = f"Peringkat median {row['rank_median']} ("
    assert cell.text.replace("\n", " ").startswith(expected)
    box_ = cell.rect
    assert box_["width"] > 100 and box_["height"] > 10
    assert cell.value_of_css_property("white-space") == "normal"
    marks = browser.find_elements("css selector", ".gp-table .gp-official")
    assert len(marks) == int(areas["official_priority"].sum())
    assert all(m.is_displayed() for m in marks)
    save_screenshot(browser, "robustness_wiring.png")
    assert console_errors(browser) == []


def test_default_draws_without_a_robustness_section() -> None:
    """The preset alone runs the default 5000 draws (see the README's timings)."""
    method = _method()
    method.pop("robustness")
    with use_language("id"):
        result = analyse(_areas(), {"t": _table()}, method)
    assert result.robustness is not None and result.robustness.draws == 5000
    assert result.areas["rank_low"].notna().all()
