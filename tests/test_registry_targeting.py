"""Targeting figures that say what they mean (issue 13, item 4).

Per-programme and "bansos keluarga" exclusion and inclusion errors, hand
checked on a tiny hand-made export; the targeting differential from unrounded
rates; persons with a rejected NIK counted per area, or left out; and, on
tier S, the two exclusion errors of the issue and the disclosure audit with
the logical bounds between published figures.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from geo_priority.messages import use_language
from geo_priority.microdata import SourceSpec, aggregate_registry
from geo_priority.microdata.engine import aggregate_counts

KEY = bytes(range(32))

# (desil, pkh, sembako, blt_dd, [(pbi, pip, age), ...]) per family; each is
# written 10 times so that no figure falls under the threshold of 10.
FAMILIES = [
    (1, 1, 0, 0, [(0, 0, 40)]),  # F1 PKH only
    (1, 0, 1, 0, [(0, 0, 40)]),  # F2 Sembako only
    (1, 0, 0, 1, [(0, 0, 40)]),  # F3 BLT-DD only
    (1, 0, 0, 0, [(1, 0, 40)]),  # F4 PBI-JK only
    (1, 0, 0, 0, [(0, 0, 40)]),  # F5 nothing
    (1, 0, 0, 0, [(0, 0, 40), (0, 1, 10)]),  # F6 a child with PIP
    (3, 1, 0, 0, [(0, 0, 40)]),  # F7 PKH, not a target family
    (3, 0, 0, 0, [(1, 0, 40)]),  # F8 PBI-JK, not a target family
    (3, 0, 0, 0, [(0, 0, 40)]),  # F9 nothing
]
REJECTED = (3, 0, 0, 0, [(0, 0, 40), (0, 0, 40)])  # F10: both NIKs damaged


def _export(tmp_path, rejected: bool = True):
    rows, serial = [], 0
    yes = {1: "Ya", 0: "Tidak"}
    families = [*FAMILIES, *([REJECTED] if rejected else [])]
    for copy in range(10):
        for f, (desil, pkh, sembako, blt, members) in enumerate(families):
            for pbi, pip, age in members:
                serial += 1
                nik = f"3601011508{95 - age % 40:02d}{serial:03d}1"
                if families[f] is REJECTED:
                    nik = "3.60101E+15"
                rows.append(
                    {
                        "id_keluarga_p3ke": f"F{f + 1}-{copy}",
                        "nik": nik,
                        "no_kk": "3601010101209001",
                        "kode_kemendagri": "3601012001",
                        "desil_kesejahteraan": str(desil),
                        "jenis_kelamin": "Laki-laki",
                        "usia": str(age),
                        "penerima_pkh": yes[pkh],
                        "penerima_sembako": yes[sembako],
                        "dana_desa_BLT_DD": yes[blt],
                        "APBN_JKN_KIS": yes[pbi],
                        "APBN_PIP": yes[pip],
                    }
                )
    path = tmp_path / "tangan.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _desa(result):
    desa = result.tables["desa"]
    return desa[desa["kode_wilayah"] == "36.01.01.2001"].iloc[0]


def test_hand_made_export_gives_each_programme_its_errors(tmp_path):
    res = aggregate_registry([_export(tmp_path)], key=KEY, out_dir=tmp_path / "out")
    row = _desa(res)
    # 60 target families (F1-F6), 70 target persons, 10 of them aged 6-21
    expected = {
        "exclusion_error": (10, 60, 16.7),  # only F5 gets nothing at all
        "exclusion_error_bansos_keluarga": (30, 60, 50.0),  # F4, F5, F6
        "exclusion_error_pkh": (50, 60, 83.3),
        "exclusion_error_sembako_bpnt": (50, 60, 83.3),
        "exclusion_error_blt_dd": (50, 60, 83.3),
        "exclusion_error_pbi_jk": (60, 70, 85.7),  # persons
        "exclusion_error_pip": (0, 10, 0.0),  # school-age persons
        # any programme reaches F1-F4, F6 (target) and F7, F8 (not)
        "inclusion_error": (20, 70, 28.6),
        "inclusion_error_bansos_keluarga": (10, 40, 25.0),  # F7 of F1-F3, F7
        "inclusion_error_pkh": (10, 20, 50.0),
    }
    for key, (num, den, value) in expected.items():
        got = (row[f"{key}_num"], row[f"{key}_den"], row[key])
        assert got == (num, den, value), key
    meta = json.loads(res.paths["metadata"].read_text("utf-8"))
    rates = meta["rates"]
    assert "PBI-JK, PIP" in rates["exclusion_error"]["label"]
    assert "program apa pun" in rates["exclusion_error"]["label"]
    assert "any programme" in rates["exclusion_error"]["label_en"]
    assert (
        "PKH, Sembako/BPNT, BLT-DD" in rates["exclusion_error_bansos_keluarga"]["label"]
    )
    assert rates["exclusion_error_pbi_jk"]["label"].endswith("tanpa PBI-JK")
    assert meta["bundles"]["bansos_keluarga"]["programmes"] == [
        "pkh",
        "sembako_bpnt",
        "blt_dd",
    ]


def test_rejected_niks_are_counted_per_area_or_left_out(tmp_path):
    path = _export(tmp_path)
    counted = aggregate_registry([path], key=KEY, out_dir=tmp_path / "a")
    row = _desa(counted)
    assert row["persons_nik_rejected"] == 20 and row["persons"] == 120
    kab = counted.tables["kabkota"].iloc[0]
    assert kab["persons_nik_rejected"] == 20
    meta = json.loads(counted.paths["metadata"].read_text("utf-8"))
    assert meta["rejected_nik"]["persons_counted"] == 20
    assert meta["rejected_nik"]["excluded"] is False
    assert "dua kali" in meta["rejected_nik"]["note"]
    left = aggregate_registry(
        [path], key=KEY, out_dir=tmp_path / "b", exclude_rejected_nik=True
    )
    row = _desa(left)
    assert row["persons_nik_rejected"] == 0 and row["persons"] == 100
    assert row["families"] == 90  # the ten F10 families are gone
    assert left.rejected_nik["persons_left_out"] == 20


def test_exclude_switch_from_the_cli_and_the_config(tmp_path, monkeypatch):
    from geo_priority.cli import cli as main

    path = _export(tmp_path)
    key = tmp_path / "nik.key"
    key.write_bytes(KEY)
    runner = CliRunner()
    base = ["aggregate", str(path), "--key-file", str(key), "--level", "kabkota"]
    run = runner.invoke(main, [*base, "-o", str(tmp_path / "a")])
    assert run.exit_code == 0, run.output
    assert "NIK ditolak" in run.output and "20" in run.output
    run = runner.invoke(
        main, [*base, "--exclude-rejected-nik", "-o", str(tmp_path / "b")]
    )
    assert run.exit_code == 0, run.output
    table = pd.read_csv(tmp_path / "b" / "registri_kabkota.csv")
    assert int(table.loc[0, "persons_nik_rejected"]) == 0
    config = tmp_path / "registri.toml"
    config.write_text(
        f'exclude_rejected_nik = true\n[[exports]]\npath = "{path.name}"\n', "utf-8"
    )
    run = runner.invoke(
        main,
        [
            "aggregate",
            "--config",
            str(config),
            "--key-file",
            str(key),
            "-o",
            str(tmp_path / "c"),
            "--level",
            "kabkota",
        ],
    )
    assert run.exit_code == 0, run.output
    table = pd.read_csv(tmp_path / "c" / "registri_kabkota.csv")
    assert int(table.loc[0, "persons"]) == 100
    config.write_text(
        f'exclude_rejected_nik = "ya"\n[[exports]]\npath = "{path.name}"\n', "utf-8"
    )
    run = runner.invoke(
        main, ["aggregate", "--config", str(config), "--key-file", str(key)]
    )
    assert run.exit_code != 0 and "exclude_rejected_nik" in run.output


def test_targeting_differential_is_computed_from_unrounded_rates():
    from test_microdata_disclosure import _counts

    from geo_priority.microdata.api import area_tables

    counts = _counts().iloc[[0]].copy()
    counts = counts.assign(
        families=1500,
        families_desil_1=775,
        families_desil_2=725,
        families_desil_3=0,
        families_desil_4=0,
        target_families=775,
        target_families_desa=775,
        nontarget_families=725,
        any_target_families=721,
        target_excluded_families=54,
        any_nontarget_families=503,
        any_families=1224,
    )
    tables, _ = area_tables(counts, max_desil=4, threshold=10)
    row = tables["desa"].iloc[0]
    assert (row["coverage_any"], row["coverage_nontarget"]) == (93.0, 69.4)
    # 721/775 - 503/725 = 23.653 points: 23.7, not 93.0 - 69.4 = 23.6
    assert row["targeting_differential"] == 23.7


# ------------------------------------------------------------------ tier S


@pytest.fixture(scope="module")
def tier_s(tmp_path_factory):
    from geo_priority.microdata import write_synthetic

    # as `geo-priority synth --tier S` and the microdata benchmark write it
    folder = tmp_path_factory.mktemp("tier_s")
    path, _, _ = write_synthetic(folder, tier="S", style="p3ke", fmt="parquet", seed=0)
    return path


def test_tier_s_exclusion_error_with_and_without_pbi_jk(tier_s):
    res = aggregate_registry([tier_s], key=KEY)
    kab = res.tables["kabkota"].iloc[0]
    assert (kab["exclusion_error_num"], kab["exclusion_error_den"]) == (2025, 52529)
    assert kab["exclusion_error"] == 3.9
    bundle = "exclusion_error_bansos_keluarga"
    assert (kab[f"{bundle}_num"], kab[f"{bundle}_den"]) == (12532, 52529)
    assert kab[bundle] == 23.9
    for table in res.tables.values():
        shown = table[table["targeting_differential"].notna()]
        exact = (
            shown["coverage_any_num"] / shown["coverage_any_den"]
            - shown["coverage_nontarget_num"] / shown["coverage_nontarget_den"]
        ) * 100
        assert (shown["targeting_differential"] == exact.round(1)).all()
    assert kab["targeting_differential"] == 13.8  # was 13.7 from rounded rates


def test_tier_s_audit_with_logical_bounds(tier_s, monkeypatch):
    from geo_priority.microdata import api, disclosure, plan
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.convergence import count_sql
    from geo_priority.microdata.disclosure import Relation

    res = aggregate_counts([SourceSpec(str(tier_s))], key=KEY)
    rates = api._rates("desil1", plan.ALL_PROGRAMMES, res.absent)
    # the targeting figures only (the convergence has its own audit test)
    conv = {name for name, _ in count_sql(res.convergence, res.combos)}
    frame = api._stack(res.counts.drop(columns=sorted(conv)), rates)
    counts = [c for c in res.counts.columns if c != "kode_desa" and c not in conv]
    p = plan.disclosure_plan(rates, counts, 4, "desil1")
    # the previous rule: sums only, a computed complement for every rate.
    # Desa 3601082002 publishes 11 target families and 11 Sembako target
    # families, which pins three hidden cells
    new = {c for c in counts if "bansos" in c or "_target_excluded_" in c}
    new |= {"persons_nik_rejected"}
    old_counts = [c for c in counts if c not in new]
    old_rates = [
        r
        for r in rates
        if {r.num, r.den} <= set(old_counts) and r.key.count("exclusion_error_") == 0
    ]
    old_cells = [*old_counts, *(f"_c_{r.key}" for r in old_rates)]
    old_relations = [
        r
        for r in plan._relations(4, "desil1")
        if {r.total, *r.parts} <= set(old_counts)
        and r.parts != ("families_desil_1", "nontarget_families")
    ]
    old_relations += [Relation(r.den, (r.num, f"_c_{r.key}")) for r in old_rates]
    old_groups = [(r.num, r.den, f"_c_{r.key}") for r in old_rates]
    with monkeypatch.context() as patch:  # no bound pass, as before
        patch.setattr(disclosure, "_bound_pass", lambda *args: False)
        sums_only = disclosure.suppress(
            frame, old_cells, relations=old_relations, groups=old_groups, audit=False
        )
    row = frame.index[frame["kode"] == "3601082002"][0]
    assert not sums_only.at[row, "target_families"]
    assert not sums_only.at[row, "sembako_bpnt_target_families"]
    case = {
        ("3601082002", "any_target_families"): 11,
        ("3601082002", "target_excluded_families"): 0,
        ("3601082002", "any_nontarget_families"): 32,
    }
    found = pinned_cells(
        frame, sums_only, old_cells, old_relations, p.bounds, only=set(case)
    )
    assert {cell: round(span[0]) for cell, span in found.items()} == case
    # with the bounds: nothing can be pinned down anywhere in the kabupaten,
    # by the rules alone
    flags = disclosure.suppress(
        frame,
        p.cells,
        relations=p.relations,
        groups=p.groups,
        bounds=p.bounds,
        audit=False,
    )
    assert not pinned_cells(frame, flags, p.cells, p.relations, p.bounds)


def test_messages_follow_the_language(tmp_path):
    from geo_priority.errors import ConfigError

    with pytest.raises(ConfigError, match="ekspor"):
        aggregate_counts([], key=KEY)
    with use_language("en"), pytest.raises(ConfigError, match="no registry exports"):
        aggregate_counts([], key=KEY)


@pytest.mark.slow
def test_tier_s_public_tables_pass_the_audit(tier_s):
    """Issue 13: the tables the pipeline publishes, convergence included."""
    from geo_priority.microdata import api
    from geo_priority.microdata.audit import pinned_cells

    res = aggregate_counts([SourceSpec(str(tier_s))], key=KEY)
    kwargs = {
        "max_desil": res.max_desil,
        "absent": res.absent,
        "conv": res.convergence,
        "combos": res.combos,
    }
    frame, rates, p, counts = api.disclosure_setup(res.counts, **kwargs)
    out = api.area_outputs(res.counts, **kwargs)
    flags = api.disclosure_flags(frame, p)
    # the tables show no cell the flags hide (they hide more: a rate whose
    # numerator or denominator is hidden, absent programmes); an intruder
    # knows at most what the flags leave published, so if the audit pins
    # nothing with these flags it pins nothing with the tables
    table = pd.concat(list(out.tables.values()), ignore_index=True)
    table.index = table["kode_wilayah"].str.replace(".", "", regex=False)
    table = table.loc[frame["kode"].to_numpy()]
    for col in counts:
        assert table[col].isna().to_numpy()[flags[col].to_numpy()].all()
    for r in rates:
        comp = flags[[r.num, r.den, p.complements[r.key]]].any(axis=1).to_numpy()
        assert table[f"{r.key}_num"].isna().to_numpy()[comp].all()
    assert flags[p.cells].to_numpy().sum() > 9000  # the audit has work to do
    # before the bounds the sums imply, the rules left a sum of relations and
    # bounds that pinned excluded = 0 in desa 3601132003 and 3601292007:
    # target = Kemenkes-reached + its published complement 0 <= any <= target
    assert not pinned_cells(frame, flags, p.cells, p.relations, p.bounds)


@pytest.mark.filterwarnings("default::geo_priority.microdata.api.UnauditedWarning")
def test_the_audit_setting_from_the_config_and_the_cli(tmp_path):
    from geo_priority.cli import cli as main

    path = _export(tmp_path)
    key = tmp_path / "nik.key"
    key.write_bytes(KEY)
    config = tmp_path / "registri.toml"
    runner = CliRunner()

    def run(text: str, out: str, *extra: str):
        config.write_text(f'{text}\n[[exports]]\npath = "{path.name}"\n', "utf-8")
        args = ["--config", str(config), "--key-file", str(key), "-o", out]
        return runner.invoke(main, ["aggregate", *args, "--level", "kabkota", *extra])

    done = run('audit = "off"\naudit_max_cells = 5', str(tmp_path / "a"))
    assert done.exit_code == 0, done.output
    assert 'audit = "off"' in done.output and "dimatikan" in done.output
    meta = json.loads((tmp_path / "a" / "registri_metadata.json").read_text("utf-8"))
    assert meta["suppression"]["audit"] == "off"
    done = run('audit = "off"', str(tmp_path / "b"), "--audit", "full")
    assert done.exit_code == 0, done.output
    meta = json.loads((tmp_path / "b" / "registri_metadata.json").read_text("utf-8"))
    assert meta["suppression"]["audit"] == "full"
    assert meta["suppression"]["unaudited_components"] == 0
    done = run("", str(tmp_path / "c"))
    meta = json.loads((tmp_path / "c" / "registri_metadata.json").read_text("utf-8"))
    assert meta["suppression"]["audit"] == "auto"
    assert meta["suppression"]["audit_max_cells"] == 1000
    for bad in ('audit = "all"', "audit_max_cells = 0", "audit_ma_cells = 5"):
        done = run(bad, str(tmp_path / "d"))
        assert done.exit_code != 0 and "audit" in done.output, bad
