"""``synth --dirty --style dtks --crosswalk`` works and aggregates (issue 15, 6).

The dirty step used to put BPS-like codes into the Kemendagri column before
the DTKS emulator looked the BPS code up in the crosswalk, so it stopped with
"the crosswalk has no BPS code for desa [...]". A DTKS export holds BPS codes,
so its region-code fault is now a BPS desa code the crosswalk does not know
(as a desa numbered after the crosswalk's BPS edition): aggregate drops
exactly those rows and counts them as ``region_code_unknown``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from test_microdata_cli import KEY_HEX, _assert_no_nik

from geo_priority.cli import cli

from conftest import require_shared

CROSSWALK = ("boundaries", "banten_desa_crosswalk_bps2020_kemendagri2025.csv")


def _run(args: list[str]) -> object:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _fault(stderr: str, name: str) -> int:
    line = next(x for x in stderr.splitlines() if f"kesalahan sengaja {name}:" in x)
    return int(line.rsplit(":", 1)[1].strip().replace(".", ""))


def test_synth_dirty_dtks_with_crosswalk_then_aggregate(tmp_path):
    crosswalk = str(require_shared(*CROSSWALK))
    data = tmp_path / "data"
    args = ["synth", "--tier", "XS", "--style", "dtks", "--dirty", "--seed", "2"]
    result = _run([*args, "--format", "csv", "--crosswalk", crosswalk, "-o", str(data)])
    assert result.exit_code == 0, result.output
    synth_output = result.output
    export = Path(result.stdout.strip().splitlines()[-1])
    unknown = _fault(result.stderr, "kode_desa_bps_not_in_crosswalk")
    assert unknown > 0
    assert _fault(result.stderr, "nik_other_province") > 0
    frame = pd.read_csv(export, dtype=str)
    assert {"KDPROP", "KDKAB", "KDKEC", "KDDESA"} <= set(frame.columns)
    key = tmp_path / "nik.key"
    key.write_text(KEY_HEX)
    out = tmp_path / "out"
    agg = ["aggregate", str(export), "--crosswalk", crosswalk, "--key-file", str(key)]
    result = _run([*agg, "-o", str(out)])
    assert result.exit_code == 0, result.output
    quality = pd.read_csv(out / "registri_kualitas_data.csv")
    dropped = quality.loc[quality["problem"] == "region_code_unknown", "rows"].sum()
    assert dropped == unknown
    assert (quality["problem"] == "nik_other_province").any()
    desa = pd.read_csv(out / "registri_desa.csv", dtype={"kode_wilayah": str})
    assert len(desa) == 7  # Sumur's 7 desa
    _assert_no_nik(out, result.output + synth_output)


def test_dirty_p3ke_still_puts_bps_codes_in_the_kemendagri_column(tmp_path):
    from geo_priority.microdata import export_frame, generate

    _, per = generate("XS", seed=2)
    frame, faults = export_frame(per, "p3ke", dirty=True, seed=2)
    assert "kode_desa_bps_not_in_crosswalk" not in faults
    bps = frame["kode_kemendagri"].str.replace(".", "", regex=False).str[6] == "0"
    assert int(bps.sum()) == faults["kode_desa_bps_in_kemendagri_column"] > 0
