"""The budget simulator: costs, greedy and optimal allocations, outputs."""

from __future__ import annotations

import itertools
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geo_priority.budget import (
    allocate,
    count_costs,
    greedy_allocation,
    optimal_allocation,
    registry_costs,
)
from geo_priority.budget_costs import load_costbook
from geo_priority.cli import PriorityGroup
from geo_priority.cli.budget_cmds import budget_cmd
from geo_priority.errors import ConfigError

from conftest import require_shared

#: the tiny synthetic registry (scale 0.05) has too few distinct scores for 5
#: quantile classes, and says so
FEWER_CLASSES = "ignore:classify.k = 5:geo_priority.errors.GeoPriorityWarning"

# --- the allocation against brute force ------------------------------------


def _brute_force(n, cost, budget):
    """Most families within budget; then the smallest sum of position x families."""
    best = None
    for x in itertools.product(*(range(k + 1) for k in n)):
        if np.dot(x, cost) > budget:
            continue
        key = (-sum(x), sum((i + 1) * v for i, v in enumerate(x)))
        if best is None or key < best[0]:
            best = (key, x)
    return best


TINY = [  # (families per area, cost of one family, budget)
    ([3, 2, 2], [5, 3, 3], 12),
    ([4, 3, 2, 1], [7, 4, 9, 2], 20),
    ([2, 4, 3], [11, 6, 5], 29),
    ([4, 4, 4, 4], [3, 5, 7, 11], 40),
    ([1, 2, 3, 4], [13, 8, 6, 5], 17),
    ([3, 3, 3], [4, 4, 4], 0),
    ([2, 2, 2], [1, 1, 1], 100),  # money for everyone
]


@pytest.mark.parametrize(("n", "cost", "budget"), TINY)
def test_optimum_equals_brute_force(n, cost, budget):
    x = optimal_allocation(np.array(n), np.array(cost, dtype=float), budget)
    (neg_families, tie), _ = _brute_force(n, cost, budget)
    assert int(x.sum()) == -neg_families
    assert float(x @ np.array(cost)) <= budget
    assert all(0 <= v <= k for v, k in zip(x, n, strict=True))
    assert sum((i + 1) * v for i, v in enumerate(x)) == tie


def test_optimum_equals_brute_force_on_random_tiny_cases():
    rng = np.random.default_rng(20250205)
    for _ in range(300):  # small integer costs: many ties and exact fits
        k = int(rng.integers(3, 5))
        n = rng.integers(0, 4, k).tolist()
        cost = rng.integers(0, 8, k).tolist()
        budget = int(rng.integers(0, 40))
        x = optimal_allocation(np.array(n), np.array(cost, dtype=float), budget)
        (neg_families, tie), _ = _brute_force(n, cost, budget)
        assert int(x.sum()) == -neg_families, (n, cost, budget, x)
        assert sum((i + 1) * v for i, v in enumerate(x)) == tie


def test_greedy_funds_in_priority_order_and_goes_on_down_the_list():
    # area 1 takes 2 of its 3 families (Rp 10), 2 is left: area 2 (Rp 3) gets
    # none, area 3 (Rp 1) gets 2
    x = greedy_allocation(np.array([3, 2, 2]), np.array([5.0, 3.0, 1.0]), 12)
    assert x.tolist() == [2, 0, 2]


def _costs(n, cost, ranks=None):
    k = len(n)
    return pd.DataFrame(
        {
            "area_id": [f"36.0{i + 1}" for i in range(k)],
            "area_name": list("ABCD"[:k]),
            "priority_rank": ranks or list(range(1, k + 1)),
            "families_unreached": np.array(n, dtype=float),
            "families_unreached_high": np.nan,
            "cost_per_family": np.array(cost, dtype=float),
            "cost_basis": "own",
            "gap_cost": np.array(n) * np.array(cost, dtype=float),
            "gap_cost_low": np.nan,
            "gap_cost_high": np.nan,
            "gap_cost_suppressed": False,
            "budget_suppressed": False,
        }
    )


def test_greedy_is_suboptimal_by_two_families_hand_checked():
    # A (rank 1): 3 families at Rp 5; B, C: 2 families at Rp 3; budget Rp 12.
    # Greedy: A gets 2 families (Rp 10), Rp 2 left buys nothing: 2 families.
    # Optimum: B and C fully (4 x Rp 3 = Rp 12): 4 families.
    result = allocate(_costs([3, 2, 2], [5, 3, 3]), 12)
    t = result.table
    assert t["families_reached_greedy"].tolist() == [2, 0, 0]
    assert t["budget_greedy"].tolist() == [10, 0, 0]
    assert t["families_reached_optimal"].tolist() == [0, 2, 2]
    assert t["budget_optimal"].tolist() == [0, 6, 6]
    assert result.totals["families_difference"] == 2
    assert result.totals["budget_greedy"] == 10
    assert result.totals["budget_optimal"] == 12


def test_allocation_follows_the_priority_rank_not_the_row_order():
    result = allocate(_costs([3, 2, 2], [5, 3, 3], ranks=[3, 2, 1]), 6)
    t = result.table
    assert t["area_name"].tolist() == ["C", "B", "A"]
    assert t["families_reached_greedy"].tolist() == [2, 0, 0]


def test_negative_budget_is_refused():
    with pytest.raises(ConfigError, match="--budget"):
        allocate(_costs([1], [1]), -1)


# --- costs from registry aggregates -----------------------------------------


def _registry(**changes):
    row = {
        "area_id": "36.01.01.2001",
        "area_name": "Sumberjaya",
        "priority_rank": 1,
        "target_families": 10,
        "target_persons": 30,
        "target_persons_6_21": 5,
        "target_families_desa": 10,
        "target_excluded_families": 2,
        "pkh_target_excluded_families": 4,
        "sembako_bpnt_target_excluded_families": 6,
        "blt_dd_target_excluded_families": 7,
        "pbi_jk_target_excluded_persons": 12,
        "pip_target_excluded_persons": 3,
    }
    row.update(changes)
    frame = pd.DataFrame([row])
    for col in list(frame.columns)[3:]:
        frame[f"{col}_suppressed"] = False
    return frame


def test_registry_cost_per_family_and_gap_cost_hand_checked():
    book = load_costbook()
    costs, notes = registry_costs(_registry(), book)
    row = costs.iloc[0]
    # one family: PKH 900.000 (one SD component) + Sembako 12 x 200.000
    # + PBI-JK 30/10 = 3 persons x 12 x 42.000 + PIP 5/10 = 0,5 x 450.000
    assert row["cost_per_family"] == 900_000 + 2_400_000 + 1_512_000 + 225_000
    # each programme's gap: 4 x 900.000 + 6 x 2.400.000 + 12 x 504.000
    # + 3 x 450.000 (BLT-DD is not in the default bundle)
    assert row["gap_cost"] == 3_600_000 + 14_400_000 + 6_048_000 + 1_350_000
    assert row["families_unreached"] == 2
    assert row["cost_basis"] == "own"
    assert not row["budget_suppressed"]
    assert notes == []


def test_blt_dd_is_never_costed_in_a_kelurahan():
    book = load_costbook({"assumptions": {"bundle": ["blt_dd"]}})
    frame = pd.concat(
        [_registry(), _registry(area_id="36.71.01.1001", area_name="Kelurahan")]
    ).reset_index(drop=True)
    costs, _ = registry_costs(frame, book)
    assert costs["cost_per_family"].tolist() == [3_600_000, 0]


def test_suppressed_counts_are_never_zero():
    book = load_costbook()
    # the unreached count and PKH's gap hidden (a 1-9 cell or a complementary one)
    frame = _registry(
        target_excluded_families=np.nan, pkh_target_excluded_families=np.nan
    )
    frame["target_excluded_families_suppressed"] = "True"  # as read back from CSV
    frame["pkh_target_excluded_families_suppressed"] = True
    costs, _ = registry_costs(frame, book)
    row = costs.iloc[0]
    assert row["budget_suppressed"]
    assert pd.isna(row["families_unreached"])
    assert row["families_unreached_high"] == 10  # at most all its target families
    assert pd.isna(row["gap_cost"])
    assert row["gap_cost_suppressed"]
    visible = 14_400_000 + 6_048_000 + 1_350_000  # Sembako, PBI-JK, PIP gaps
    assert row["gap_cost_low"] == visible  # PKH's gap counted from 0 ...
    assert row["gap_cost_high"] == visible + 10 * 900_000  # ... to 10 families
    # a budget that would pay for everything still gives it nothing, as NaN
    result = allocate(costs, 1e12)
    t = result.table.iloc[0]
    assert pd.isna(t["families_reached_optimal"]) and pd.isna(t["budget_optimal"])
    assert pd.isna(t["families_reached_greedy"]) and pd.isna(t["budget_greedy"])
    assert result.totals["areas_hidden"] == 1
    assert result.totals["gap_cost_hidden_low"] == visible
    assert any("never as 0" in n or "tidak pernah sebagai 0" in n for n in result.notes)


def test_person_ratios_fall_back_to_the_pooled_ratio_and_say_so():
    book = load_costbook({"assumptions": {"bundle": ["pbi_jk"]}})
    frame = pd.concat(
        [
            _registry(),  # 30 persons / 10 families
            _registry(area_id="36.01.01.2002", target_persons=np.nan),
            _registry(area_id="36.01.01.2003", target_persons=50),  # 5 per family
        ]
    ).reset_index(drop=True)
    frame.loc[1, "target_persons_suppressed"] = True
    costs, _ = registry_costs(frame, book)
    # pooled over the areas publishing both: 80 persons / 20 families = 4
    assert costs["cost_per_family"].tolist() == [1_512_000, 2_016_000, 2_520_000]
    assert costs["cost_basis"].tolist() == ["own", "pooled", "own"]


def test_programmes_the_exports_lack_leave_the_bundle_with_a_note():
    book = load_costbook()
    frame = _registry(pbi_jk_target_excluded_persons=np.nan)
    costs, notes = registry_costs(frame, book)
    assert costs.iloc[0]["cost_per_family"] == 900_000 + 2_400_000 + 225_000
    assert any("pbi_jk" in n for n in notes)


def test_counts_are_turned_into_families_with_the_cited_household_size():
    book = load_costbook()
    frame = pd.DataFrame(
        {
            "area_id": ["36.01"],
            "area_name": ["Pandeglang"],
            "priority_rank": [1],
            "extreme_poor": [48_900.0],
        }
    )
    costs, notes = count_costs(frame, book, count="extreme_poor", unit="persons")
    # 48.900 / 4,89 = 10.000 families; one family: PKH 900.000 + Sembako
    # 2.400.000 + PBI-JK 4,89 x 504.000 = 2.464.560
    assert costs.iloc[0]["families_unreached"] == 10_000
    assert costs.iloc[0]["cost_per_family"] == 5_764_560
    assert costs.iloc[0]["gap_cost"] == 57_645_600_000
    assert "upper bound" in notes[0] or "batas atas" in notes[0]


def test_the_household_source_is_a_citation_in_either_language():
    # it is printed inside the Indonesian and the English note: no sentence
    # in one language (it once read "a poor household ... has 4,89 members")
    book = load_costbook()
    assert book.household_source.startswith("BPS Provinsi Banten, ")
    for word in (" has ", " members", " average", " memiliki "):
        assert word not in book.household_source, word


# --- unit costs ------------------------------------------------------------


def test_every_shipped_unit_cost_has_a_source_and_a_year():
    book = load_costbook()
    for cost in book.costs.values():
        assert cost.source and cost.year, cost.key
    assert book.annual("pbi_jk") == 42_000 * 12
    assert book.annual("pip_sma") == 1_800_000
    assert book.household_size == 4.89


def test_every_shipped_unit_cost_says_how_it_was_checked():
    book = load_costbook()
    for cost in book.costs.values():
        # the pages read, each with its date; what was (not) confirmed
        for page in cost.checked.split(" ; "):
            assert page.startswith("http") and "read 2026-12-01" in page, cost.key
        assert isinstance(cost.verified, bool) and cost.note, cost.key
    # only the Sembako figure was read on an official go.id page
    verified = {k for k, c in book.costs.items() if c.verified}
    assert verified == {"sembako"}
    assert "go.id" in book.costs["sembako"].checked
    assert "Pasal 29" in book.costs["pbi_jk"].source
    assert "63/2022" in book.costs["pbi_jk"].note  # said to be NOT checked


def test_unit_cost_override_names_the_user_as_source(tmp_path):
    book = load_costbook({"costs": {"sembako": {"value": 250_000}}}, origin="x.toml")
    assert book.annual("sembako") == 3_000_000
    assert "x.toml" in book.costs["sembako"].source
    assert book.costs["sembako"].verified is False  # a user figure: never verified
    assert book.costs["sembako"].checked == book.costs["sembako"].note == ""
    with pytest.raises(ConfigError, match="verified"):
        load_costbook({"costs": {"pip_sd": {"verified": "press"}}})
    with pytest.raises(ConfigError, match="unit_costs"):
        load_costbook({"sembakoo": 1})
    with pytest.raises(ConfigError, match="unit_costs"):
        load_costbook({"sembako": -5})


# --- the command ------------------------------------------------------------


def _cli():
    # the real group's context settings: click keeps a command's help option
    # once made, so a group without "-h" would take it away for later tests
    from geo_priority.cli import CONTEXT_SETTINGS

    return PriorityGroup(
        commands={"budget": budget_cmd}, context_settings=CONTEXT_SETTINGS
    )


def test_cli_refuses_a_budget_that_is_not_rupiah(tmp_path):
    table = tmp_path / "agg.csv"
    _registry().to_csv(table, index=False)
    result = CliRunner().invoke(
        _cli(), ["budget", "--input", str(table), "--budget", "5 M"]
    )
    assert result.exit_code == 2
    assert "5000000000" in result.output


def test_cli_on_an_aggregate_table_alone(tmp_path):
    table = tmp_path / "agg.csv"
    frame = pd.concat(
        [_registry(), _registry(area_id="36.01.01.2002", target_excluded_families=5)]
    ).drop(columns="priority_rank")
    frame.rename(columns={"area_id": "kode_wilayah", "area_name": "nama"}).to_csv(
        table, index=False
    )
    args = [
        "budget",
        "--input",
        str(table),
        "--budget",
        "10.000.000",
        "-o",
        str(tmp_path / "o"),
    ]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    out = tmp_path / "o"
    written = sorted(p.name for p in out.iterdir())
    assert written == ["agg_anggaran.csv", "agg_anggaran.png", "agg_anggaran_run.json"]
    t = pd.read_csv(out / "agg_anggaran.csv", dtype={"area_id": str})
    # no rank: the area with most unreached families (5) comes first; one
    # family costs 5.037.000, so Rp 10 M pays for one family
    assert t["area_id"].tolist() == ["36.01.01.2002", "36.01.01.2001"]
    assert t["families_reached_greedy"].tolist() == [1, 0]
    again = CliRunner().invoke(_cli(), args)
    assert again.exit_code == 1
    assert "--overwrite" in again.output


def test_cli_without_a_budget_says_which_flag(tmp_path):
    table = tmp_path / "agg.csv"
    _registry().to_csv(table, index=False)
    result = CliRunner().invoke(_cli(), ["budget", "--input", str(table)])
    assert result.exit_code == 1
    assert "--budget" in result.output


# --- real runs: Banten kab/kota and the desa demo ----------------------------


@pytest.fixture(scope="module")
def kabkota_run(tmp_path_factory):
    require_shared("boundaries", "banten_kabkota_kemendagri2025_cahyadsn.geojson")
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "anggaran_kabkota.toml"
    out = tmp_path_factory.mktemp("kabkota_budget")
    with warnings.catch_warnings(record=True):  # the repaired Lebak outline
        warnings.simplefilter("always")
        result = CliRunner().invoke(
            _cli(),
            [
                *("budget", "--input", str(example), "--budget", "5000000000"),
                *("-o", str(out)),
            ],
        )
    assert result.exit_code == 0, result.output + result.stderr
    return out, result


@pytest.mark.integration
def test_banten_kabkota_budget_hand_checked(kabkota_run):
    out, _ = kabkota_run
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        f"banten_kabkota_anggaran{s}"
        for s in (".csv", ".gpkg", ".html", ".png", "_run.json")
    ]
    t = pd.read_csv(out / "banten_kabkota_anggaran.csv", dtype={"area_id": str})
    first = t.iloc[0]
    # rank 1 is Kab. Tangerang; one family costs Rp 5.764.560 (PKH one SD
    # component, Sembako 12 months, PBI-JK for 4,89 persons); Rp 5 M buys
    # floor(5.000.000.000 / 5.764.560) = 867 families, in that area alone
    assert first["area_id"] == "36.03" and first["priority_rank"] == 1
    assert first["cost_per_family"] == 5_764_560
    assert first["families_reached_greedy"] == 867
    assert first["families_reached_optimal"] == 867
    assert first["budget_greedy"] == 867 * 5_764_560
    assert t["families_reached_greedy"].sum() == 867
    record = json.loads((out / "banten_kabkota_anggaran_run.json").read_text())
    assert record["totals"]["families_difference"] == 0
    assert set(record["files"]) == {
        f"banten_kabkota_anggaran{s}" for s in (".csv", ".gpkg", ".html", ".png")
    }
    assert "Perpres 64/2020" in record["unit_costs"]["pbi_jk"]["source"]
    import geopandas as gpd

    layer = gpd.read_file(out / "banten_kabkota_anggaran.gpkg")
    assert len(layer) == 8
    assert {"budget_greedy", "budget_optimal", "gap_cost"} <= set(layer.columns)
    assert "families_reached_optimal" in layer.columns


@pytest.mark.integration
def test_budget_layer_is_drawn_in_chromium(kabkota_run):
    from selenium.webdriver.support.ui import Select

    from browser import (
        drawn_in,
        open_map,
        require_browser,
        save_screenshot,
        screenshot_pixels,
        start_browser,
    )

    require_browser()
    out, _ = kabkota_run
    driver = start_browser()
    try:
        open_map(driver, out / "banten_kabkota_anggaran.html")
        labels = driver.execute_script(
            "return window.geoPriority.v.layers.map(function (l) { return l.label; });"
        )
        index = next(i for i, s in enumerate(labels) if "Ke mana anggaran" in s)
        Select(driver.find_element("id", "gp-variable")).select_by_index(index)
        colours = driver.execute_script(
            f"return window.geoPriority.v.layers[{index}].colours;"
        )
        tangerang = driver.execute_script(
            "var g = window.geoPriority; var f = g.byId['36.03'];"
            f"return g.colourOf(f.feature, {index});"
        )

        def luminance(c):
            return sum(int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))

        # all the money went there: the darkest class of the layer
        assert tangerang == min(colours, key=luminance)
        pixels = screenshot_pixels(driver)
        save_screenshot(driver, "budget_kabkota.png")
    finally:
        driver.quit()
    near = drawn_in(pixels, tangerang, tolerance=6)
    assert near.sum() > 2000, near.sum()  # Kab. Tangerang filled with it


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.filterwarnings(FEWER_CLASSES)
# a small synthetic registry links tens of thousands of hidden cells: the
# publication audit reports those components (UnauditedWarning)
@pytest.mark.filterwarnings("default::geo_priority.microdata.api.UnauditedWarning")
def test_budget_on_the_desa_demo_registry(tmp_path):
    require_shared("boundaries", "banten_desa_kemendagri2025_cahyadsn.geojson")
    from pathlib import Path

    from geo_priority.demo import run_desa_demo

    from conftest import shared_data_dir

    demo = tmp_path / "demo"
    run_desa_demo(out=demo, scale=0.05, seed=1)
    example = Path(__file__).resolve().parents[1] / "examples" / "anggaran_desa.toml"
    text = example.read_text(encoding="utf-8")
    text = text.replace(
        "../maps/demo_banten_desa_registri_desa.csv",
        (demo / "demo_banten_desa_registri_desa.csv").as_posix(),
    ).replace("../../shared/data", shared_data_dir().as_posix())
    config = tmp_path / "anggaran_desa.toml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    with warnings.catch_warnings(record=True):  # few classes, repaired outlines
        warnings.simplefilter("always")
        result = CliRunner().invoke(
            _cli(),
            [
                *("budget", "--input", str(config), "--budget", "200000000"),
                *("-o", str(out)),
            ],
        )
    assert result.exit_code == 0, result.output + result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        f"demo_banten_desa_anggaran{s}"
        for s in (".csv", ".gpkg", ".html", ".png", "_run.json")
    ]
    t = pd.read_csv(out / "demo_banten_desa_anggaran.csv", dtype={"area_id": str})
    assert len(t) == 1552
    hidden = t["budget_suppressed"]
    assert hidden.any()
    # hidden desa: no money, and no 0 either
    assert t.loc[hidden, ["budget_optimal", "budget_greedy"]].isna().all().all()
    assert t.loc[hidden, "families_unreached"].isna().all()
    funded = t["budget_optimal"].fillna(0) > 0
    assert funded.any() and not (funded & hidden).any()
    assert t["budget_optimal"].sum() <= 200_000_000
    assert t["budget_greedy"].sum() <= 200_000_000
    assert t["families_reached_optimal"].sum() >= t["families_reached_greedy"].sum()
    assert "disembunyikan" in result.stderr
    html = (out / "demo_banten_desa_anggaran.html").read_text(encoding="utf-8")
    assert "Ke mana anggaran mengalir" in html and "DATA SINTETIS" in html


def test_existing_outputs_stop_the_command_before_any_work(tmp_path, monkeypatch):
    from pathlib import Path

    import geo_priority.budget_outputs as bo

    def no_work(*args, **kwargs):
        raise AssertionError("the data were read before the outputs were checked")

    monkeypatch.setattr(bo, "read_budget_input", no_work)
    example = Path(__file__).resolve().parents[1] / "examples" / "anggaran_kabkota.toml"
    (tmp_path / "banten_kabkota_anggaran.png").write_bytes(b"old")
    args = ["budget", "--input", str(example), "--budget", "1", "-o", str(tmp_path)]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 1
    assert "--overwrite" in result.output
    assert (tmp_path / "banten_kabkota_anggaran.png").read_bytes() == b"old"
    # and without a budget anywhere, the flag is named before any work too
    (tmp_path / "b.toml").write_text('[budget]\nrun = "x.toml"\n', encoding="utf-8")
    (tmp_path / "x.toml").write_text(
        example.with_name("banten_kabkota.toml")
        .read_text(encoding="utf-8")
        .replace('"../', '"' + example.parent.parent.as_posix() + "/"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(_cli(), ["budget", "--input", str(tmp_path / "b.toml")])
    assert result.exit_code == 1
    assert "--budget" in result.output


def test_over_the_milp_limit_the_count_stays_optimal_and_a_note_says_so(monkeypatch):
    import geo_priority.budget_solve as solve

    monkeypatch.setattr(solve, "MILP_LIMIT", 1)
    n, cost, budget = [4, 3, 2, 1], [7, 4, 9, 2], 20
    x, tie_break = solve.solve_optimal(np.array(n), np.array(cost, float), budget)
    (neg_families, _), _ = _brute_force(n, cost, budget)
    assert not tie_break
    assert int(x.sum()) == -neg_families
    result = allocate(_costs(n, cost), budget)
    assert result.totals["priority_tie_break"] is False
    assert any("cheapest-first" in s or "termurah-dahulu" in s for s in result.notes)


def test_areas_without_a_registry_row_are_named(tmp_path):
    from pathlib import Path
    from types import SimpleNamespace

    from geo_priority.budget_outputs import _registry_columns

    table = tmp_path / "registri_desa.csv"
    _registry().rename(columns={"area_id": "kode_wilayah"}).drop(
        columns=["area_name", "priority_rank"]
    ).to_csv(table, index=False)
    spec = SimpleNamespace(path=str(table), code_column="kode_wilayah")
    config = SimpleNamespace(tables=[spec], resolve=Path)
    areas = pd.DataFrame(
        {"area_id": ["36.01.01.2001", "36.01.01.2099"], "area_name": ["A", "Z"]}
    )
    notes: list[str] = []
    merged = _registry_columns(config, areas, notes)
    assert merged.loc[0, "pkh_target_excluded_families"] == 4
    assert pd.isna(merged.loc[1, "pkh_target_excluded_families"])
    assert len(notes) == 1 and "'Z'" in notes[0]


@pytest.mark.parametrize(
    ("typed", "rupiah"),
    [
        ("5000000000", 5e9),
        ("5.000.000.000", 5e9),
        ("5,000,000,000", 5e9),
        ("5_000_000_000", 5e9),
        ("1,5", None),  # a decimal comma is never read as 15
        ("5000000000,50", None),
        ("5.000,000", None),  # mixed separators
        ("5 miliar", None),
    ],
)
def test_budget_amount_is_read_only_when_unambiguous(
    typed: str, rupiah: float | None
) -> None:
    import click

    from geo_priority.cli.budget_cmds import _rupiah

    if rupiah is None:
        with pytest.raises(click.BadParameter, match="rupiah"):
            _rupiah(None, None, typed)  # type: ignore[arg-type]
    else:
        assert _rupiah(None, None, typed) == rupiah  # type: ignore[arg-type]
