"""Small-cell suppression: primary, complementary, hierarchical; hand-checked."""

from __future__ import annotations

import numpy as np
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
        stacked,
        p.cells,
        relations=p.relations,
        groups=p.groups,
        bounds=p.bounds,
    )
    assert flags.to_numpy().sum() > 20  # the audit has something to check
    # every relation, parent = sum of children, and the logical bounds
    pinned = pinned_cells(stacked, flags, p.cells, p.relations, p.bounds)
    assert not pinned, list(pinned.items())[:5]


# ------------------------------------- audit: components, witnesses, integers


def _random_table(rng) -> pd.DataFrame:
    """A kabupaten of 1-2 kecamatan with 2-3 desa: total = b + c + d, a <= b."""
    desa = [
        f"36010{k}200{d}"
        for k in range(1, int(rng.integers(1, 3)) + 1)
        for d in range(1, int(rng.integers(2, 4)) + 1)
    ]
    a, b, c, d = (rng.integers(0, 12, len(desa)) for _ in range(4))
    frame = pd.DataFrame({"kode": desa, "a": a, "b": a + b, "c": c, "d": d})
    frame["total"] = frame["b"] + frame["c"] + frame["d"]
    levels = [frame.assign(kode=frame["kode"].str[:n]) for n in (4, 6)]
    sums = [lv.groupby("kode", as_index=False).sum() for lv in levels]
    return pd.concat([*sums, frame], ignore_index=True)


_CELLS = ["total", "a", "b", "c", "d"]


def _one_programme_per_cell(frame, flags, relations, bounds, cells, integer):
    """The audit by its definition: two programmes per cell, whole system.

    The audit of earlier versions without its shortcut (random probes); with
    ``integer`` the programmes are mixed-integer.
    """
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    from geo_priority.microdata import audit

    system, names, _ = audit._system(frame, flags, cells, relations, bounds)
    if not names:
        return {}
    a_eq, b_eq, a_ub, b_ub = system.matrices()
    blocks = [(a_eq, b_eq, b_eq), (a_ub, -np.inf, b_ub)]
    constraints = [LinearConstraint(a, lo, hi) for a, lo, hi in blocks if a.shape[0]]
    codes = frame["kode"].astype(str).to_numpy()
    out = {}
    for i in range(system.n):
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(system.n)
            c[i] = sign
            relaxed = linprog(
                c,
                A_ub=a_ub if a_ub.shape[0] else None,
                b_ub=b_ub if a_ub.shape[0] else None,
                A_eq=a_eq if a_eq.shape[0] else None,
                b_eq=b_eq if a_eq.shape[0] else None,
                bounds=(0, None),
                method="highs",
            )
            if relaxed.status == 3:  # unbounded: so are the integer points
                ends.append(np.inf)
                continue
            assert relaxed.status == 0, relaxed.message
            res = relaxed
            if integer:
                res = milp(
                    c,
                    constraints=constraints,
                    bounds=Bounds(0, np.inf),
                    integrality=np.ones(system.n),
                )
                assert res.status == 0, res.message
            ends.append(float(res.x[i]))
        if ends[1] - ends[0] < 1 - 1e-6:
            row, col = names[i]
            out[(str(codes[row]), col)] = (ends[0], ends[1])
    return out


@pytest.mark.slow
def test_audit_equals_one_programme_per_cell_on_random_tables():
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.disclosure import Bound

    relations, bounds = [Relation("total", ("b", "c", "d"))], [Bound("a", "b")]
    rng = np.random.default_rng(13)
    with_pins = 0
    for k in range(120):
        frame = _random_table(rng)
        if k % 2:  # any pattern, most of them pin cells
            share = rng.uniform(0.2, 0.6)
            flags = pd.DataFrame(
                rng.random((len(frame), len(_CELLS))) < share, columns=_CELLS
            )
        else:  # what the rules alone suppress
            flags = suppress(
                frame,
                _CELLS,
                relations=relations,
                bounds=bounds,
                threshold=int(rng.integers(3, 8)),
                audit=False,
            )
        for integer in (False, True):
            got = pinned_cells(
                frame, flags, _CELLS, relations, bounds, integer=integer, seed=k
            )
            want = _one_programme_per_cell(
                frame, flags, relations, bounds, _CELLS, integer
            )
            assert got.keys() == want.keys(), (k, integer)
            for cell, span in want.items():
                assert got[cell] == pytest.approx(span, abs=1e-6), (k, cell)
        with_pins += bool(want)
    assert with_pins > 30


@pytest.mark.slow
def test_audit_equals_one_programme_per_cell_on_a_synthetic_kecamatan(tmp_path):
    from geo_priority.microdata import api, engine, export_frame, generate
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.ingest import SourceSpec

    frame, _ = export_frame(generate("XS", seed=21)[1], "p3ke")
    frame.to_csv(tmp_path / "xs.csv", index=False)
    res = engine.aggregate_counts([SourceSpec(str(tmp_path / "xs.csv"))], key=bytes(32))
    stacked, _, p, _ = api.disclosure_setup(
        res.counts,
        max_desil=res.max_desil,
        absent=res.absent,
        conv=res.convergence,
        combos=res.combos,
    )
    # hide a random third of the cells: plenty is pinned
    rng = np.random.default_rng(3)
    flags = pd.DataFrame(
        rng.random((len(stacked), len(p.cells))) < 0.3, columns=p.cells
    )
    want = _one_programme_per_cell(
        stacked, flags, p.relations, p.bounds, p.cells, integer=False
    )
    got = pinned_cells(stacked, flags, p.cells, p.relations, p.bounds, integer=False)
    assert len(want) > 50
    assert got.keys() == want.keys()
    for cell, span in want.items():
        assert got[cell] == pytest.approx(span, abs=1e-6), cell
    whole = pinned_cells(stacked, flags, p.cells, p.relations, p.bounds)
    assert set(whole) >= set(got)


def test_whole_numbers_pin_what_the_relaxation_leaves_open():
    from geo_priority.microdata.audit import pinned_cells

    # x + y = 2, y + z = 2, x + z + w = 1 give w = 2y - 3 >= 0; P = y, Q = y,
    # P + Q + u = 5 give u = 5 - 2y >= 0. Relaxed: y in [1.5, 2], so w in
    # [0, 1] and u in [1, 2], each a range of 1 (not pinned). In whole
    # numbers y = 2, so w = 1 and u = 1 exactly.
    values = {"T1": 2, "T2": 2, "T3": 1, "T4": 5, "m": 0, "n": 0}
    values |= {"x": 0, "y": 2, "z": 0, "w": 1, "P": 2, "Q": 2, "u": 1}
    frame = pd.DataFrame({"kode": ["3601"], **{k: [v] for k, v in values.items()}})
    flags = pd.DataFrame({k: [k in "xyzwPQu"] for k in values})
    relations = [
        Relation("T1", ("x", "y")),
        Relation("T2", ("y", "z")),
        Relation("T3", ("x", "z", "w")),
        Relation("P", ("y", "m")),
        Relation("Q", ("y", "n")),
        Relation("T4", ("P", "Q", "u")),
    ]
    cells = list(values)
    relaxed = pinned_cells(frame, flags, cells, relations, integer=False)
    assert relaxed[("3601", "y")] == pytest.approx((1.5, 2.0))
    assert ("3601", "w") not in relaxed and ("3601", "u") not in relaxed
    whole = pinned_cells(frame, flags, cells, relations)
    assert whole[("3601", "w")] == (1.0, 1.0)
    assert whole[("3601", "u")] == (1.0, 1.0)
    assert set(whole) == {("3601", c) for c in "xyzwPQu"}


# ------------------------ suppression: sums of relations and the audit pass


def _strategy_row(**values: int) -> pd.DataFrame:
    # target = any + excluded; "any" and the spending-burden strategy count
    # the same programmes; target = strategy + its complement; target =
    # agency + its complement; agency <= any (a logical bound)
    base = {
        "kode": "3601",
        "target": 26,
        "any": 12,
        "excluded": 14,
        "strategy": 12,
        "c_strategy": 14,
        "agency": 20,
        "c_agency": 6,
    }
    return pd.DataFrame([base | values])


_STRATEGY = [
    Relation("target", ("any", "excluded")),
    Relation("any", ("strategy",)),
    Relation("target", ("strategy", "c_strategy")),
    Relation("target", ("agency", "c_agency")),
]
_STRATEGY_CELLS = ["target", "any", "excluded", "strategy", "c_strategy"]


def test_cells_two_sums_make_equal_are_hidden_together():
    from geo_priority.microdata.audit import pinned_cells

    frame = _strategy_row()
    cells = _STRATEGY_CELLS
    hidden = ("target", "any", "excluded", "strategy")
    hide = pd.DataFrame({c: [c in hidden] for c in cells})
    rules = _STRATEGY[:3]
    # no relation has exactly one hidden cell, yet excluded = c_strategy
    assert pinned_cells(frame, hide, cells, rules) == {
        ("3601", "excluded"): (14.0, 14.0)
    }
    flags = suppress(
        frame, cells, relations=rules, threshold=3, initial=hide, audit=False
    )
    assert flags.loc[0, "c_strategy"]  # the rules alone see it now
    assert not pinned_cells(frame, flags, cells, rules)


def test_bounds_the_sums_imply_pin_nothing():
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.disclosure import Bound

    # all programmes reach all 5 target families: excluded = 0, and target =
    # agency (its complement 0 is published) <= any <= target pins it; the
    # rules see excluded <= c_agency (target = any + excluded = agency +
    # c_agency, agency <= strategy = any) although no bound says so
    frame = _strategy_row(
        target=5, any=5, excluded=0, strategy=5, c_strategy=0, agency=5, c_agency=0
    )
    cells = [*_STRATEGY_CELLS, "agency", "c_agency"]
    hide = pd.DataFrame({"excluded": [True]})
    for bound in (Bound("agency", "any"), Bound("agency", "strategy")):
        kwargs = {"relations": _STRATEGY, "bounds": [bound], "initial": hide}
        rules = suppress(frame, cells, audit=False, **kwargs)
        assert rules.loc[0, "c_agency"]
        assert not pinned_cells(frame, rules, cells, _STRATEGY, [bound])


def test_suppress_ends_with_the_audit_and_hides_a_cell_of_its_proof(monkeypatch):
    from geo_priority.microdata import disclosure
    from geo_priority.microdata.audit import pinned_by, pinned_cells
    from geo_priority.microdata.disclosure import Bound

    # the case above, with the rules' bound pass switched off: the audit pass
    # finds what the rules leave pinned
    frame = _strategy_row(
        target=5, any=5, excluded=0, strategy=5, c_strategy=0, agency=5, c_agency=0
    )
    cells = [*_STRATEGY_CELLS, "agency", "c_agency"]
    bounds = [Bound("agency", "any")]
    hide = pd.DataFrame({"excluded": [True]})
    kwargs = {"relations": _STRATEGY, "bounds": bounds, "initial": hide}
    monkeypatch.setattr(disclosure, "_bound_pass", lambda *args: False)
    rules = suppress(frame, cells, audit=False, **kwargs)
    assert not rules.loc[0, "c_agency"]
    pinned = pinned_cells(frame, rules, cells, _STRATEGY, bounds)
    assert pinned[("3601", "excluded")] == (0.0, 0.0)
    proof = pinned_by(frame, rules, cells, _STRATEGY, bounds, pinned)
    assert proof[("3601", "excluded")] == [(0, "c_agency")]
    flags = suppress(frame, cells, audit=True, **kwargs)
    assert flags.loc[0, "c_agency"]
    assert not pinned_cells(frame, flags, cells, _STRATEGY, bounds)


def test_bounds_of_rows_a_relation_is_restricted_to():
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.disclosure import Bound

    # one target family in a desa, reached by BLT-DD (a desa programme,
    # counted among the desa-only target families): its published complement
    # 0 bounds "excluded" in desa rows only (target_desa = target there)
    frame = pd.DataFrame(
        [
            {
                "kode": "3601012001",
                "_is_desa": True,
                "target": 1,
                "any": 1,
                "excluded": 0,
                "target_desa": 1,
                "blt": 1,
                "c_blt": 0,
            }
        ]
    )
    cells = ["target", "any", "excluded", "target_desa", "blt", "c_blt"]
    relations = [
        Relation("target", ("any", "excluded")),
        Relation("target_desa", ("blt", "c_blt")),
        Relation("target_desa", ("target",), rows="_is_desa"),
    ]
    bounds = [Bound("blt", "any")]
    hide = pd.DataFrame({"excluded": [True]})
    kwargs = {"relations": relations, "bounds": bounds, "initial": hide}
    flags = suppress(frame, cells, audit=False, **kwargs)
    assert flags.loc[0, "c_blt"]
    assert not pinned_cells(frame, flags, cells, relations, bounds)
    # in a kelurahan the desa-only count says nothing about "excluded"
    flags = suppress(frame.assign(_is_desa=False), cells, audit=False, **kwargs)
    assert not flags.loc[0, "c_blt"]


def test_a_kelurahan_is_not_given_away_by_the_desa_only_counts():
    from geo_priority.microdata.audit import pinned_cells

    # kecamatan 360101: a kelurahan (15 target families) and two desa (13,
    # 14); desa-only target families 0 + 13 + 14 = 27 of 42, the three
    # counts hidden: the kelurahan's = 42 - 27 + its desa-only count 0
    frame = pd.DataFrame(
        {
            "kode": ["360101", "3601011001", "3601012001", "3601012002"],
            "_is_desa": [False, False, True, True],
            "target": [42, 15, 13, 14],
            "target_desa": [27, 0, 13, 14],
        }
    )
    hide = pd.DataFrame({"target": [False, True, True, True]})
    cells = ["target", "target_desa"]
    relations = [Relation("target_desa", ("target",), rows="_is_desa")]
    flags = suppress(frame, cells, relations=relations, initial=hide, audit=False)
    assert flags["target"].tolist() == [False, True, True, True]
    assert flags.loc[0, "target_desa"]  # the kecamatan's desa-only count
    assert not pinned_cells(frame, flags, cells, relations)


def _block() -> tuple[pd.DataFrame, pd.DataFrame]:
    # kecamatan 360101 and desa 1-3, total = a + b + c in every row; hidden:
    # desa 1's a, b, c, desa 2's b, c, desa 3's total and a, the
    # kecamatan's total and a. Every row and column hides 0 or >= 2 cells.
    frame = pd.DataFrame(
        {
            "kode": ["360101", "3601012001", "3601012002", "3601012003"],
            "total": [205, 47, 54, 104],
            "a": [56, 12, 30, 14],
            "b": [66, 15, 11, 40],
            "c": [83, 20, 13, 50],
        }
    )
    hide = pd.DataFrame(
        {
            "total": [True, False, False, True],
            "a": [True, True, False, True],
            "b": [False, True, True, False],
            "c": [False, True, True, False],
        }
    )
    return frame, hide


def test_a_cell_on_no_cycle_of_a_parents_table_is_pinned_and_closed():
    from geo_priority.microdata.audit import pinned_cells

    frame, hide = _block()
    cells = ["total", "a", "b", "c"]
    relations = [Relation("total", ("a", "b", "c"))]
    # the 2x2 block b, c of desa 1 and 2 gives b + c of desa 1 (column sums
    # minus desa 2's row), so desa 1's a = total - (b + c): the edge desa 1 -
    # a joins two cycles of the hidden cells and lies on none
    assert pinned_cells(frame, hide, cells, relations) == {
        ("3601012001", "a"): (12.0, 12.0)
    }
    flags = suppress(frame, cells, relations=relations, initial=hide, audit=False)
    added = flags.to_numpy() & ~hide.to_numpy()
    assert added.sum() == 1
    # the cell added joins the two cycles: a row of a's side (kecamatan,
    # desa 3) in a column of desa 1's side (b, c); the smallest is desa 3's b
    assert added[3, 2]
    assert not pinned_cells(frame, flags, cells, relations)


def test_bridges_of_a_small_graph():
    from geo_priority.microdata.disclosure import _bridges

    # two triangles joined by the edge 2-3, and a pendant edge 5-6
    edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6)]
    assert sorted(_bridges(edges, 7)) == [3, 7]
    assert _bridges([(0, 1), (1, 2), (2, 3), (3, 0)], 4) == []


def test_costs_refresh_only_the_groups_that_changed_equals_a_full_refresh(
    monkeypatch,
):
    from geo_priority.microdata import disclosure

    refresh = disclosure._Costs.refresh
    checked = []

    def checked_refresh(self: disclosure._Costs) -> None:
        refresh(self)
        full = [~self.s[:, idx].any(axis=1) for idx in self.index]
        assert np.array_equal(self.visible[:, : len(full)], np.column_stack(full))
        checked.append(1)

    monkeypatch.setattr(disclosure._Costs, "refresh", checked_refresh)
    rng = np.random.default_rng(0)
    frame = _frame()
    for _ in range(20):
        frame = frame.assign(
            d1=rng.integers(0, 30, len(frame)), rest=rng.integers(0, 30, len(frame))
        )
        kab = frame["kode"].str.len() == 4
        kec = frame["kode"].str.len() == 6
        desa = frame["kode"].str.len() == 10
        for col in ("d1", "rest"):
            frame.loc[kec, col] = frame.loc[desa, col].sum()
            frame.loc[kab, col] = frame.loc[kec, col].sum()
        frame["total"] = frame["d1"] + frame["rest"]
        suppress(
            frame,
            ["total", "d1", "rest"],
            relations=[Relation("total", ("d1", "rest"))],
            groups=[("d1", "total", "rest"), ("rest", "total", "d1"), ("total",)],
        )
    assert len(checked) > 20  # the rules refreshed the costs after changes


def test_cells_equal_only_in_the_rows_a_relation_is_restricted_to():
    from geo_priority.microdata.audit import pinned_cells

    # BLT-DD's coverage is over the desa-only target families, the
    # Kemendes/desa agency's (BLT-DD only) over target families: in a desa
    # both complements are target - BLT-DD (desa demo 3601282008: 90 and 90).
    # Every relation hides two cells or none, yet the agency's published
    # complement gives BLT-DD's away
    frame = pd.DataFrame(
        [
            {
                "kode": "3601282008",
                "_is_desa": True,
                "target": 100,
                "target_desa": 100,
                "blt": 10,
                "c_blt": 90,
                "agency": 10,
                "c_agency": 90,
            }
        ]
    )
    cells = ["target", "target_desa", "blt", "c_blt", "agency", "c_agency"]
    relations = [
        Relation("target_desa", ("blt", "c_blt")),
        Relation("target", ("agency", "c_agency")),
        Relation("agency", ("blt",)),
        Relation("target_desa", ("target",), rows="_is_desa"),
    ]
    hide = pd.DataFrame({c: [c != "c_agency"] for c in cells})
    assert pinned_cells(frame, hide, cells, relations) == {
        ("3601282008", "c_blt"): (90.0, 90.0)
    }
    flags = suppress(frame, cells, relations=relations, initial=hide, audit=False)
    assert flags.loc[0, "c_agency"]
    assert not pinned_cells(frame, flags, cells, relations)
    # in a kelurahan the two complements are different numbers
    flags = suppress(
        frame.assign(_is_desa=False), cells, relations=relations, initial=hide
    )
    assert not flags.loc[0, "c_agency"]


# ------------------------ the publication's audit: by default, within a limit


def test_the_publication_audit_fixes_a_pin_only_the_audit_sees(monkeypatch):
    import warnings

    from geo_priority.microdata import api, disclosure
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.disclosure import Bound
    from geo_priority.microdata.plan import DisclosurePlan

    # the bound pass off: "excluded" (hidden from the start) stays pinned by
    # target = agency <= any <= target, which only the audit then sees
    frame = _strategy_row(
        target=5, any=5, excluded=0, strategy=5, c_strategy=0, agency=5, c_agency=0
    ).assign(level="kabkota")
    cells = [*_STRATEGY_CELLS, "agency", "c_agency"]
    bounds = [Bound("agency", "any")]
    plan = DisclosurePlan(cells, _STRATEGY, [], bounds, {}, hidden=("excluded",))
    monkeypatch.setattr(disclosure, "_bound_pass", lambda *args: False)
    off = api.disclosure_suppression(frame, plan, 3, audit="off")
    assert off.audit == "off" and not off.flags.loc[0, "c_agency"]
    assert pinned_cells(frame, off.flags, cells, _STRATEGY, bounds)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing over the limit: no warning
        by_default = api.disclosure_flags(frame, plan, 3)
    assert by_default.loc[0, "c_agency"]
    assert not pinned_cells(frame, by_default, cells, _STRATEGY, bounds)
    assert api.disclosure_suppression(frame, plan, 3).summary() == {
        "audit": "auto",
        "audit_max_cells": disclosure.AUDIT_MAX_CELLS,
        "unaudited_components": 0,
        "unaudited_cells": 0,
    }
    # a level not written is not checked (it stays known to the audit)
    kab_only = api.disclosure_flags(frame, plan, 3, levels=("desa",))
    assert not kab_only.loc[0, "c_agency"]


def test_components_over_the_limit_are_reported_never_trusted():
    from geo_priority.formatting import format_number
    from geo_priority.microdata import api

    counts = _counts()
    with pytest.warns(api.UnauditedWarning, match="audit_max_cells = 1") as seen:
        out = api.area_outputs(counts, max_desil=4, threshold=10, audit_max_cells=1)
    assert out.audit["audit"] == "auto"
    n, cells = out.audit["unaudited_components"], out.audit["unaudited_cells"]
    assert isinstance(n, int) and isinstance(cells, int) and 0 < n < cells
    text = str(seen[0].message)
    shown = format_number(cells, lang="id", decimals=0)  # 68.091, not 68091
    assert f"{n} komponen berisi {shown} sel" in text  # Indonesian by default
    assert 'audit = "full"' in text and "--audit full" in text
    with pytest.warns(api.UnauditedWarning, match='audit = "off"'):
        off = api.area_outputs(counts, max_desil=4, threshold=10, audit="off")
    assert off.audit["audit"] == "off"
    # "full" audits every component, whatever the limit
    full = api.area_outputs(counts, max_desil=4, threshold=10, audit="full")
    assert full.audit["unaudited_components"] == 0
    assert full.audit["audit_max_cells"] is None
    wide = api.area_outputs(counts, max_desil=4, threshold=10)
    for level, table in full.tables.items():
        pd.testing.assert_frame_equal(table, wide.tables[level])


def test_audit_settings_are_checked():
    from geo_priority.microdata import api

    for bad in ({"audit": "all"}, {"audit_max_cells": 0}, {"audit_max_cells": True}):
        with pytest.raises(ConfigError, match="audit"):
            api.area_outputs(_counts(), max_desil=4, **bad)  # type: ignore[arg-type]


def test_audit_batches_give_the_same_answer_as_one_component_at_a_time():
    from geo_priority.microdata.audit import audit_cells
    from geo_priority.microdata.disclosure import Bound

    relations, bounds = [Relation("total", ("b", "c", "d"))], [Bound("a", "b")]
    rng = np.random.default_rng(7)
    pins = 0
    for k in range(20):
        frame = _random_table(rng)
        flags = pd.DataFrame(
            rng.random((len(frame), len(_CELLS))) < 0.4, columns=_CELLS
        )
        args = (frame, flags, _CELLS, relations, bounds)
        alone = audit_cells(*args, batch_cells=1, seed=k).pinned
        for size in (3, 500):
            got = audit_cells(*args, batch_cells=size, seed=k + 1).pinned
            assert got.keys() == alone.keys(), (k, size)
            for cell, span in alone.items():
                assert got[cell] == pytest.approx(span, abs=1e-6), (k, cell)
        pins += len(alone)
    assert pins > 10
