"""Programme convergence in ``aggregate`` (issue 13, item 1), hand checked.

A hand-made P3KE export of one desa (every family type written 10 or 20
times, so that no figure falls under the threshold of 10) pins the target
families by number of programmes, the coverage by agency and by Inpres
4/2022 strategy, the graduation gap and the combinations table; a desa
programme table adds the poverty-pocket strategy. On a synthetic kecamatan
the suppressed tables keep the sum identities and the disclosure audit
(sums, parent = sum of children, logical bounds) pins no hidden cell.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from geo_priority.errors import CodeError, ConfigError, SchemaError
from geo_priority.messages import use_language
from geo_priority.microdata import SourceSpec, aggregate_registry
from geo_priority.microdata.convergence_indicators import convergence_indicators
from geo_priority.microdata.programmes import load_catalogue

KEY = bytes(range(32))
DESA = "3601012001"

# (copies, desil, pkh, sembako, kur, [(pbi_jk, pip, prakerja, age), ...])
FAMILIES = [
    (20, 1, 1, 1, 0, [(0, 0, 0, 40)]),  # T1 PKH+Sembako
    (10, 1, 1, 1, 0, [(1, 0, 1, 30)]),  # T2 PKH+Sembako+PBI-JK+Prakerja
    (10, 1, 0, 0, 0, [(1, 0, 0, 40)]),  # T3 PBI-JK only
    (10, 1, 0, 0, 0, [(0, 0, 0, 40)]),  # T4 nothing
    (10, 1, 0, 0, 1, [(0, 0, 0, 40)]),  # T5 KUR only
    (10, 1, 1, 0, 0, [(1, 0, 0, 40), (0, 1, 0, 10)]),  # T6 PKH+PBI-JK+PIP
    (10, 3, 1, 0, 0, [(0, 0, 0, 40)]),  # N1 PKH, not a target family
    (10, 3, 0, 0, 0, [(0, 0, 0, 40)]),  # N2 nothing, not a target family
]


def _export(tmp_path, extra: dict[int, dict[str, str]] | None = None):
    rows, serial = [], 0
    yes = {1: "Ya", 0: "Tidak"}
    for t, (copies, desil, pkh, sembako, kur, members) in enumerate(FAMILIES):
        for copy in range(copies):
            for pbi, pip, prakerja, age in members:
                serial += 1
                rows.append(
                    {
                        "id_keluarga_p3ke": f"T{t + 1}-{copy}",
                        "nik": f"3601011508{95 - age % 40:02d}{serial:03d}1",
                        "no_kk": "3601010101209001",
                        "kode_kemendagri": DESA,
                        "desil_kesejahteraan": str(desil),
                        "jenis_kelamin": "Laki-laki",
                        "usia": str(age),
                        "penerima_pkh": yes[pkh],
                        "penerima_sembako": yes[sembako],
                        "dana_desa_BLT_DD": "Tidak",
                        "APBN_JKN_KIS": yes[pbi],
                        "APBN_PIP": yes[pip],
                        "penerima_prakerja": yes[prakerja],
                        "penerima_kur": yes[kur],
                        **(extra or {}).get(t, {}),
                    }
                )
    path = tmp_path / "tangan.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _desa_table(tmp_path):
    path = tmp_path / "program_desa.csv"
    pd.DataFrame(
        {
            "kode_desa": ["36.01.01.2001", "36.01.01.2002"],
            "rtlh": ["Ya", "Tidak"],
            "air_minum": [0, 3],
        }
    ).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("konvergensi")
    result = aggregate_registry(
        [_export(tmp)],
        key=KEY,
        out_dir=tmp / "out",
        desa_programmes=_desa_table(tmp),
    )
    return result, tmp / "out"


@pytest.mark.parametrize("level", ["desa", "kecamatan", "kabkota"])
def test_hand_checked_convergence_counts_at_every_level(hand, level):
    result, _ = hand
    table = result.tables[level]
    row = table[
        table["kode_wilayah"]
        .str.replace(".", "")
        .str.startswith(DESA[: {"desa": 10, "kecamatan": 6, "kabkota": 4}[level]])
    ]
    row = row[row["target_families"] > 0].iloc[0]
    # 70 target families: T4 has none; T3, T5 one; T1 two; T2 (4), T6 (3)
    assert row["target_families"] == 70
    assert row["target_families_programmes_0"] == 10
    assert row["target_families_programmes_1"] == 20
    assert row["target_families_programmes_2"] == 20
    assert row["target_families_programmes_3plus"] == 20
    assert row["share_programmes_0"] == pytest.approx(14.3)  # 10/70
    assert row["share_programmes_0_num"] == 10
    assert row["share_programmes_0_den"] == 70
    # agencies: Kemensos T1+T2+T6, Kemenkes T2+T3+T6, Kemendikdasmen T6,
    # Kemenko Perekonomian (Prakerja, KUR) T2+T5, Kemendes (BLT-DD) none
    assert row["agency_kemensos_target_families"] == 40
    assert row["agency_kemenkes_target_families"] == 30
    assert row["agency_kemendikdasmen_target_families"] == 10
    assert row["agency_kemenko_perekonomian_target_families"] == 20
    assert row["agency_kemendes_desa_target_families"] == 0
    assert row["coverage_agency_kemensos"] == pytest.approx(57.1)  # 40/70
    # strategies: lower burdens T1 T2 T3 T6; raise incomes T2 T5
    assert row["strategy_beban_target_families"] == 50
    assert row["strategy_pendapatan_target_families"] == 20
    assert row["graduation_gap_families"] == 50
    assert row["graduation_gap"] == pytest.approx(71.4)  # 50/70
    # the desa has housing repair (rtlh), so every target family is reached
    assert row["strategy_kantong_target_families"] == 70
    assert row["agency_kementerian_pkp_target_families"] == 70
    assert row["agency_kementerian_pu_target_families"] == 0  # air_minum 0
    # no export has CBP: Bapanas is "no data", not 0
    assert pd.isna(row["agency_bapanas_target_families"])
    assert not row["agency_bapanas_target_families_suppressed"]
    assert row["audience"] == "publik"
    assert not any(c.startswith("combo_") for c in table.columns)


def test_combinations_table_most_common_first(hand):
    _, out = hand
    combos = pd.read_csv(out / "registri_kombinasi.csv", dtype={"kode_wilayah": str})
    kab = combos[combos["kode_wilayah"] == "36.01"]
    assert kab["kombinasi"].tolist()[0] == "PKH+Sembako/BPNT"
    got = dict(zip(kab["kombinasi"], kab["target_families"], strict=True))
    assert got == {
        "PKH+Sembako/BPNT": 20,
        "PKH+Sembako/BPNT+PBI-JK+Kartu Prakerja": 10,
        "PBI-JK": 10,
        "tanpa program": 10,
        "KUR": 10,
        "PKH+PBI-JK+PIP": 10,
    }
    assert kab["share"].tolist()[0] == pytest.approx(28.6)  # 20/70
    assert set(kab["share_den"]) == {70}
    assert kab["peringkat"].tolist() == [1, 2, 3, 4, 5, 6]
    assert (kab["audience"] == "publik").all()
    assert int(kab["target_families"].sum()) == 70


def test_metadata_names_the_programmes_and_the_unmatched_desa(hand):
    _, out = hand
    meta = json.loads((out / "registri_metadata.json").read_text())
    conv = meta["convergence"]
    assert conv["programmes_counted"] == [
        "pkh",
        "sembako_bpnt",
        "blt_dd",
        "pbi_jk",
        "pip",
        "prakerja",
        "kur",
    ]
    assert conv["programmes_in_no_export"] == ["cbp"]
    assert meta["audience"] == "publik"
    # 36.01.01.2002 is in the desa table but has no registry family
    assert conv["desa_programmes"]["table_only"] == 1
    assert conv["desa_programmes"]["table_only_examples"] == ["36.01.01.2002"]
    assert conv["desa_programmes"]["registry_only"] == 0
    assert all(p["source"] for p in conv["programmes"])
    labels = {k: v["label_en"] for k, v in meta["rates"].items()}
    assert labels["graduation_gap"].startswith(
        "Graduation gap: % of desil-1 families reached by no income programme"
    )
    assert "Kesenjangan graduasi" in meta["rates"]["graduation_gap"]["label"]
    assert "tidak satu pun program" in meta["rates"]["share_programmes_0"]["label"]


def test_config_adds_a_programme_without_code(tmp_path):
    path = _export(tmp_path, extra={3: {"bansos_apbd": "Ya"}})  # T4 gets it
    frame = pd.read_csv(path, dtype=str)
    frame["bansos_apbd"] = frame["bansos_apbd"].fillna("Tidak")
    frame.to_csv(path, index=False)
    config = tmp_path / "registri.toml"
    config.write_text(
        '[[exports]]\npath = "tangan.csv"\n\n[[programmes]]\nflag = "bantuan_pemda"\n'
        'name = "Bansos Pemda"\nagency = "Pemda"\nstrategy = "beban"\n'
        'unit = "keluarga"\ncolumns = ["BANSOS_APBD"]\n'
        'source = "APBD kabupaten (hand-made test)"\n',
        encoding="utf-8",
    )
    from geo_priority.microdata import load_registry_config

    cfg = load_registry_config(config)
    result = aggregate_registry(cfg.exports, key=KEY, catalogue=cfg.programmes)
    kab = result.tables["kabkota"].iloc[0]
    assert kab["target_families_programmes_0"] == 0  # T4 now has one
    assert kab["target_families_programmes_1"] == 30
    assert kab["agency_pemda_target_families"] == 10


def test_catalogue_errors_name_the_toml_key():
    with pytest.raises(ConfigError, match="strategy"):
        load_catalogue([{"flag": "kur", "strategy": "lainnya"}])
    with pytest.raises(ConfigError, match="columns"):
        load_catalogue(
            [
                {
                    "flag": "x",
                    "name": "X",
                    "agency": "A",
                    "strategy": "beban",
                    "unit": "keluarga",
                    "source": "s",
                }
            ]
        )
    with pytest.raises(ConfigError, match="unit"):
        load_catalogue([{"flag": "pkh", "unit": "jiwa"}])
    # every shipped entry is cited
    assert all(p.source for p in load_catalogue())


def test_desa_programme_table_codes_are_checked(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"kode_desa": ["3601019999", DESA], "rtlh": ["Ya", "Ya"]}).to_csv(
        bad, index=False
    )
    with pytest.raises(CodeError, match="3601019999"):
        aggregate_registry([_export(tmp_path)], key=KEY, desa_programmes=bad)
    odd = tmp_path / "odd.csv"
    pd.DataFrame({"kode_desa": [DESA], "rtlh": ["mungkin"]}).to_csv(odd, index=False)
    with pytest.raises(SchemaError, match="mungkin"):
        aggregate_registry([_export(tmp_path)], key=KEY, desa_programmes=odd)


def test_audience_internal_allows_a_low_threshold_publik_refuses(tmp_path):
    path = _export(tmp_path)
    with pytest.raises(ConfigError, match="--audience internal"):
        aggregate_registry([path], key=KEY, threshold=5, audience="publik")
    res = aggregate_registry([path], key=KEY, threshold=5, audience="internal")
    assert set(res.tables["desa"]["audience"]) == {"internal"}
    from geo_priority.cli import cli as main

    runner = CliRunner()
    (tmp_path / "nik.key").write_bytes(KEY)
    args = ["aggregate", str(path), "--key-file", str(tmp_path / "nik.key")]
    args += ["--threshold", "5", "-o", str(tmp_path / "o")]
    with use_language("en"):
        out = runner.invoke(main, [*args, "--audience", "publik"])
    assert out.exit_code != 0
    assert "--audience internal" in out.output
    more = ["--audience", "internal", "--desa-programmes", str(_desa_table(tmp_path))]
    out = runner.invoke(main, [*args, *more])
    assert out.exit_code == 0, out.output
    assert "TERBATAS" in out.output
    assert "36.01.01.2002" in out.output  # the table's desa without families
    table = pd.read_csv(tmp_path / "o" / "registri_kabkota.csv")
    assert set(table["audience"]) == {"internal"}
    assert int(table.loc[0, "strategy_kantong_target_families"]) == 70


def test_indicators_are_labelled_in_words():
    ind_id, ind_en = convergence_indicators("id"), convergence_indicators("en")
    assert [i.key for i in ind_id] == ["share_programmes_0", "graduation_gap"]
    assert ind_id[0].label == (
        "Konvergensi: % keluarga desil 1 yang tidak menerima satu pun program"
    )
    assert ind_en[0].label == (
        "Convergence: % of desil-1 families receiving no programme"
    )
    assert ind_id[1].numerator == "graduation_gap_families"
    assert ind_id[1].denominator == "target_families"
    assert not ind_id[0].score


def test_synthetic_kecamatan_keeps_identities_and_pins_nothing(tmp_path):
    from geo_priority.microdata import api, engine, export_frame, generate
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.disclosure import suppress

    families, persons = generate("XS", seed=21)
    # synthetic income programmes (documented in synth._INCOME): a few % of
    # families, one adult each for Prakerja
    assert 0.02 < families["prakerja"].mean() < 0.08
    assert 0.02 < families["kur"].mean() < 0.08
    frame, _ = export_frame(persons, "p3ke")
    frame.to_csv(tmp_path / "xs.csv", index=False)
    res = engine.aggregate_counts([SourceSpec(str(tmp_path / "xs.csv"))], key=KEY)
    stacked, _, p, _ = api.disclosure_setup(
        res.counts,
        max_desil=res.max_desil,
        absent=res.absent,
        conv=res.convergence,
        combos=res.combos,
    )
    flags = suppress(
        stacked,
        p.cells,
        relations=p.relations,
        groups=p.groups,
        bounds=p.bounds,
        initial=p.never_published(stacked.index),
    )
    conv_cells = [c for c in p.cells if "programmes_" in c or "gap" in c]
    assert flags[conv_cells].to_numpy().any()  # the audit has something to check
    pinned = pinned_cells(stacked, flags, p.cells, p.relations, p.bounds)
    assert not pinned, list(pinned.items())[:5]
    # the true counts obey the sums the control relies on
    k = stacked[[f"target_families_programmes_{x}" for x in ("0", "1", "2", "3plus")]]
    assert (k.sum(axis=1) == stacked["target_families"]).all()
    combos = stacked[[f"combo_{m}" for m in res.combos]].sum(axis=1)
    assert (combos == stacked["target_families"]).all()
    gap = (
        stacked["graduation_gap_families"]
        + stacked["strategy_pendapatan_target_families"]
    )
    assert (gap == stacked["target_families"]).all()
