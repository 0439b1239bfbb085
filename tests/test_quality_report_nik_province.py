"""NIK plausibility: a NIK issued in another province is kept and counted (issue 15, 5).

The first six NIK digits name the kecamatan where Dukcapil issued it, not
where the person lives. A Kota Bandung ``3273..`` NIK in a Pandeglang desa is
usually a migrant who kept the NIK of their birthplace, sometimes an entry
error: the record stays in every count, and the quality report counts it as
``nik_other_province`` with a plain Indonesian explanation. No NIK is ever
printed or written.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_microdata_cli import KEY_HEX, SIXTEEN, _assert_no_nik

from geo_priority.microdata import aggregate_registry, export_frame, generate
from geo_priority.microdata.engine import PROBLEMS, aggregate_counts
from geo_priority.microdata.faults import FAULT_RATES, other_province_prefixes
from geo_priority.microdata.ingest import SourceSpec
from geo_priority.microdata.quality import EXPLANATIONS

KEY = bytes.fromhex(KEY_HEX)
PANDEGLANG_DESA = "3601012001"
#: NIK -> is it a valid NIK issued in another province than Banten?
NIKS = {
    "3273011508950123": True,  # Kota Bandung, valid
    "3174014508950124": True,  # Jakarta Selatan, a woman, valid
    "3602011508950125": False,  # Lebak: another kab, same province
    "3601011508950126": False,  # the desa's own kecamatan
    "3273013102950127": False,  # Kota Bandung, 31 February: rejected instead
    "3601011508950128": False,
}


def _export(path: Path, niks: list[str]) -> Path:
    n = len(niks)
    frame = pd.DataFrame(
        {
            "id_keluarga_p3ke": [f"F{i // 2}" for i in range(n)],
            "nik": niks,
            "no_kk": ["3601010101209001"] * n,
            "kode_kemendagri": [PANDEGLANG_DESA] * n,
            "desil_kesejahteraan": ["1", "2"] * (n // 2),
            "jenis_kelamin": ["Perempuan" if k[6] in "4567" else "L" for k in niks],
            "penerima_pkh": ["Ya", "Tidak"] * (n // 2),
        }
    )
    frame.to_csv(path, index=False)
    return path


def _problems(quality: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in quality.groupby("problem")["rows"].sum().items()}


def test_other_province_nik_is_counted_not_dropped(tmp_path):
    path = _export(tmp_path / "migran.csv", list(NIKS))
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    got = _problems(res.quality)
    assert got["nik_other_province"] == sum(NIKS.values())
    assert got["nik_invalid_birth_date"] == 1
    row = res.quality[res.quality["problem"] == "nik_other_province"].iloc[0]
    assert row["severity"] == "warning"
    assert row["kode_kab"] == "3601"  # counted where the record's desa is
    assert pd.isna(row["example"])  # valid NIKs are never shown, even masked
    # the record stays: the same file with Banten NIKs gives the same counts
    banten = [f"3601{k[4:]}" for k in NIKS]
    same = aggregate_counts(
        [SourceSpec(str(_export(tmp_path / "b.csv", banten)))], key=KEY
    )
    assert "nik_other_province" not in _problems(same.quality)
    pd.testing.assert_frame_equal(res.counts, same.counts)
    assert int(res.counts["persons"].sum()) == len(NIKS)


def test_report_explains_it_in_indonesian_and_leaks_no_nik(tmp_path):
    path = _export(tmp_path / "migran.csv", list(NIKS))
    out = tmp_path / "out"
    result = aggregate_registry([path], key=KEY, out_dir=out, threshold=2)
    written = pd.read_csv(out / "registri_kualitas_data.csv", dtype=str)
    row = written[written["problem"] == "nik_other_province"].iloc[0]
    assert int(row["rows"]) == 2
    assert "pendatang" in row["keterangan"] and "salah ketik" in row["keterangan"]
    assert "Data tetap dipakai" in row["keterangan"]
    assert written["keterangan"].notna().all()
    assert result.quality["keterangan"].notna().all()
    meta = (out / "registri_metadata.json").read_text()
    assert '"nik_other_province": 2' in meta
    _assert_no_nik(out, result.quality.to_csv())
    assert not SIXTEEN.search(" ".join(EXPLANATIONS.values()))


def test_every_problem_has_an_explanation():
    assert set(EXPLANATIONS) == {*PROBLEMS, "column_absent"}


def test_clean_synthetic_migrants_are_counted_exactly(tmp_path):
    _, per = generate("XS", seed=5)
    frame, _ = export_frame(per, "p3ke", seed=5)
    path = tmp_path / "p3ke.csv"
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    migrants = int((per["nik"].str[:2] != per["kode_desa"].str[:2]).sum())
    assert migrants > 0  # the clean generator has Jakarta/Jawa Barat migrants
    assert _problems(res.quality)["nik_other_province"] == migrants
    assert int(res.counts["persons"].sum()) == len(per)


def test_dirty_mode_injects_other_province_niks(tmp_path):
    assert "nik_other_province" in FAULT_RATES
    _, per = generate("XS", seed=8)
    frame, faults = export_frame(per, "p3ke", dirty=True, seed=8)
    assert faults["nik_other_province"] > 0
    path = tmp_path / "kotor.csv"
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    got = _problems(res.quality)
    clean = int((per["nik"].str[:2] != per["kode_desa"].str[:2]).sum())
    assert faults["nik_other_province"] <= got["nik_other_province"]
    assert got["nik_other_province"] <= faults["nik_other_province"] + clean
    # kept: only the rows with a bad region code are left out
    kept = len(per) - faults["kode_desa_bps_in_kemendagri_column"]
    assert int(res.counts["persons"].sum()) == kept


@pytest.mark.parametrize("desa", ["3601012001", "3273012001", "3174012001"])
def test_injected_prefixes_are_real_and_of_another_province(desa):
    from geo_priority.microdata.ingest import kecamatan_prefixes

    rng = np.random.default_rng(0)
    prefixes = other_province_prefixes(np.array([desa] * 200), rng)
    assert all(p[:2] != desa[:2] for p in prefixes)
    assert set(prefixes) <= set(kecamatan_prefixes()["p"])
