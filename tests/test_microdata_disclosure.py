"""Small-cell suppression: primary, complementary, hierarchical; hand-checked."""

from __future__ import annotations

import pandas as pd
import pytest

from geo_priority.errors import ConfigError
from geo_priority.microdata.api import area_tables
from geo_priority.microdata.disclosure import Relation, suppress


def _frame() -> pd.DataFrame:
    # kab 3601 = kec 360101 (desa a, b, c); values by hand.
    return pd.DataFrame(
        {
            "kode": ["3601", "360101", "3601012001", "3601012002", "3601012003"],
            "total": [100, 100, 40, 35, 25],
            "d1": [30, 30, 4, 15, 11],
            "rest": [70, 70, 36, 20, 14],
        }
    )


def test_primary_suppression_threshold():
    flags = suppress(_frame(), ["total"], relations=[], threshold=10)
    assert not flags["total"].any()
    flags = suppress(_frame(), ["d1"], relations=[], threshold=10)
    # desa a (4) is primary; the kecamatan total would give it away, so the
    # smallest other desa (c, 11) is suppressed too.
    assert flags["d1"].tolist() == [False, False, True, False, True]


def test_row_relation_needs_a_second_cell():
    flags = suppress(
        _frame(),
        ["total", "d1", "rest"],
        relations=[Relation("total", ("d1", "rest"))],
        threshold=10,
    )
    # d1 of desa a hidden -> rest of desa a hidden (total - d1), and the
    # column relations then hide desa c's d1 and rest as well.
    assert flags.loc[2, "d1"] and flags.loc[2, "rest"]
    assert flags.loc[4, "d1"] and flags.loc[4, "rest"]
    for col in ("d1", "rest"):
        assert flags[col].sum() != 1


def test_no_relation_has_exactly_one_hidden_cell():
    frame = _frame()
    rel = [Relation("total", ("d1", "rest"))]
    flags = suppress(frame, ["total", "d1", "rest"], relations=rel, threshold=10)
    for i in range(len(frame)):
        assert flags.loc[i, ["total", "d1", "rest"]].sum() != 1
    desa = frame["kode"].str.len() == 10
    for col in ("total", "d1", "rest"):
        assert flags.loc[desa, col].sum() + flags.loc[1, col] != 1


def test_complement_prefers_a_cell_whose_figure_is_already_hidden():
    # d1 of desa a (4) is primary; desa b (15) and c (11) are candidates for
    # the column's complementary cell. Desa b's share is already hidden (its
    # "other" count of 3 is primary), so hiding b costs no visible figure,
    # while hiding c (the smaller value) would hide c's share too.
    frame = _frame().assign(other=[50, 50, 20, 3, 27])
    cells = ["total", "d1", "other"]
    plain = suppress(frame, cells, relations=[], threshold=10)
    assert plain["d1"].tolist() == [False, False, True, False, True]
    share = [("d1", "other")]
    aware = suppress(frame, cells, relations=[], groups=share, threshold=10)
    assert aware["d1"].tolist() == [False, False, True, True, False]


def test_zero_is_not_suppressed_and_threshold_checked():
    frame = _frame().assign(d1=[0, 0, 0, 0, 0])
    assert not suppress(frame, ["d1"], relations=[], threshold=10)["d1"].any()
    with pytest.raises(ConfigError):
        suppress(frame, ["d1"], relations=[], threshold=1)


def _counts(**over: int) -> pd.DataFrame:
    base = {
        "families": 60,
        "families_desil_1": 20,
        "families_desil_2": 15,
        "families_desil_3": 15,
        "families_desil_4": 10,
        "families_desil_unknown": 0,
        "families_miskin_ekstrem": 0,
        "target_families": 20,
        "nontarget_families": 40,
        "target_families_desa": 20,
        "pkh_families": 20,
        "pkh_target_families": 10,
        "pkh_nontarget_families": 10,
        "pkh_target_excluded_families": 10,
        "sembako_bpnt_families": 30,
        "sembako_bpnt_target_families": 15,
        "sembako_bpnt_nontarget_families": 15,
        "sembako_bpnt_target_excluded_families": 5,
        "blt_dd_families": 0,
        "blt_dd_target_families": 0,
        "blt_dd_nontarget_families": 0,
        "blt_dd_target_excluded_families": 20,
        "bansos_keluarga_families": 35,
        "bansos_keluarga_target_families": 16,
        "bansos_keluarga_nontarget_families": 19,
        "bansos_keluarga_target_excluded_families": 4,
        "any_families": 40,
        "any_target_families": 17,
        "any_nontarget_families": 23,
        "target_excluded_families": 3,
        "persons": 240,
        "persons_desil_1": 100,
        "persons_desil_2": 60,
        "persons_desil_3": 50,
        "persons_desil_4": 30,
        "persons_desil_unknown": 0,
        "persons_miskin_ekstrem": 0,
        "target_persons": 100,
        "target_persons_6_21": 40,
        "pbi_jk_persons": 150,
        "pbi_jk_target_persons": 80,
        "pbi_jk_nontarget_persons": 70,
        "pip_persons": 30,
        "pip_target_persons": 20,
        "pip_nontarget_persons": 10,
        "pbi_jk_target_excluded_persons": 20,
        "pip_target_excluded_persons": 20,
        "persons_nik_rejected": 0,
    }
    base.update(over)
    rows = []
    for i, code in enumerate(["3601012001", "3601012002", "3601012003"]):
        row = dict(base)
        if i == 0:
            row.update(over)
        row["kode_desa"] = code
        rows.append(row)
    # desa 2 and 3: 30 excluded, 0 covered among... keep totals consistent
    for row in rows[1:]:
        row["target_excluded_families"] = 12
        row["any_target_families"] = 8
        row["any_families"] = 31
    return pd.DataFrame(rows)


def test_area_tables_hand_checked():
    tables, _ = area_tables(_counts(), max_desil=4, threshold=10)
    desa, kec = tables["desa"], tables["kecamatan"]
    # desa 1: 3 of 20 desil-1 families get nothing -> hidden, never 0
    first = desa.iloc[0]
    assert first["exclusion_error_suppressed"] and pd.isna(first["exclusion_error"])
    assert first["target_excluded_families_suppressed"]
    assert pd.isna(first["target_excluded_families"])
    # its complement (17 covered) must be hidden too, or 20 - 17 gives it away
    assert first["any_target_families_suppressed"]
    # desa 1 could be recovered from the kecamatan total and its siblings, so
    # at least one sibling is hidden as well (never exactly one in the column)
    assert desa["target_excluded_families_suppressed"].sum() >= 2
    for col in ("target_excluded_families", "any_target_families"):
        assert desa[f"{col}_suppressed"].sum() != 1
    # any rate still shown is 12 / 20 = 60.0 %, with numerator and denominator
    for _, row in desa[~desa["exclusion_error_suppressed"]].iterrows():
        assert row["exclusion_error"] == 60.0
        assert (row["exclusion_error_num"], row["exclusion_error_den"]) == (12, 20)
    # kecamatan: (3 + 12 + 12) / 60 = 45.0 %, re-derived from counts
    assert kec.iloc[0]["exclusion_error"] == 45.0
    assert kec.iloc[0]["kode_wilayah"] == "36.01.01"
    # blt_dd: no target family in desa -> 0 / 20 shown, not hidden
    assert desa.iloc[0]["coverage_blt_dd"] == 0.0


# ------------------------------------------------ audit: nothing recoverable


def test_no_suppressed_cell_can_be_recovered_on_a_synthetic_kecamatan(tmp_path):
    from geo_priority.microdata import api, engine, export_frame, generate, plan
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.ingest import SourceSpec

    persons = generate("XS", seed=21)[1]
    frame, _ = export_frame(persons, "p3ke")
    frame.to_csv(tmp_path / "xs.csv", index=False)
    counts = engine.aggregate_counts(
        [SourceSpec(str(tmp_path / "xs.csv"))], key=bytes(32)
    ).counts
    rates = api._rates("desil1", plan.ALL_PROGRAMMES, ())
    stacked = api._stack(counts, rates)
    cols = [c for c in counts.columns if c != "kode_desa"]
    p = plan.disclosure_plan(rates, cols, 4, "desil1")
    flags = suppress(
        stacked, p.cells, relations=p.relations, groups=p.groups, bounds=p.bounds
    )
    assert flags.to_numpy().sum() > 20  # the audit has something to check
    # every relation, parent = sum of children, and the logical bounds
    pinned = pinned_cells(stacked, flags, p.cells, p.relations, p.bounds)
    assert not pinned, list(pinned.items())[:5]
