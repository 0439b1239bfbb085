"""The registry CLI: synth -> aggregate, column mappings, config files, refusals."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geo_priority.cli import cli
from geo_priority.errors import ConfigError, GeometryRepairedWarning, InputError
from geo_priority.export.tables import read_ranked_csv
from geo_priority.microdata import (
    export_frame,
    generate,
    load_registry_config,
    parse_mapping,
)

from nikscan import NikScan

SIXTEEN = NikScan()  # 16-digit runs, sha256 digests taken out first
KEY_HEX = "ab" * 32

#: A renamed export (an unknown kabupaten system): canonical field -> column.
RENAMED = {
    "id_keluarga": "ID_KEL",
    "nik": "NIK_ART",
    "no_kk": "NOMOR_KK",
    "kode_desa": "KODE_DESA_KEMENDAGRI",
    "desil": "DESIL",
    "jenis_kelamin": "JK",
    "umur": "UMUR_TAHUN",
    "pkh": "BANSOS_PKH",
    "sembako_bpnt": "BANSOS_SEMBAKO",
    "pbi_jk": "PBI",
    "pip": "KIP",
}


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return generate("XS", seed=11)[1]


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    key = tmp_path / "nik.key"
    key.write_text(KEY_HEX)
    return {"key": str(key)}


def _renamed_export(persons: pd.DataFrame, path: Path) -> Path:
    frame = persons[list(RENAMED)].rename(columns=RENAMED)
    for col in ("BANSOS_PKH", "BANSOS_SEMBAKO", "PBI", "KIP"):
        frame[col] = frame[col].map({True: "Ya", False: "Tidak"})
    frame.to_csv(path, index=False)
    return path


def _run(args: list[str]) -> object:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _assert_no_nik(folder: Path, text: str) -> None:
    assert not SIXTEEN.search(text)
    for path in folder.rglob("*"):
        if path.is_file():
            assert not SIXTEEN.search(path.read_text(errors="replace")), path.name


def test_synth_then_aggregate(tmp_path, env):
    data = tmp_path / "data"
    result = _run(["synth", "--tier", "XS", "--seed", "3", "-o", str(data)])
    assert result.exit_code == 0, result.output
    export = Path(result.stdout.strip().splitlines()[-1])
    out = tmp_path / "out"
    args = ["aggregate", str(export), "--key-file", env["key"], "-o", str(out)]
    result = _run(args)
    assert result.exit_code == 0, result.output
    desa = pd.read_csv(out / "registri_desa.csv", dtype={"kode_wilayah": str})
    assert len(desa) == 7  # Sumur's 7 desa
    _assert_no_nik(out, result.output)
    again = _run(args)
    assert again.exit_code == 1
    assert "--overwrite" in again.output


@pytest.mark.parametrize("bar_delay", [None, 0.0], ids=["default", "bar-drawn"])
def test_aggregate_prints_a_quality_line_per_export(
    tmp_path, env, persons, bar_delay, monkeypatch
):
    # with delay 0 the progress bar is always drawn, as on a read over 2 s
    if bar_delay is not None:
        from geo_priority.microdata import load

        monkeypatch.setattr(load, "PROGRESS_DELAY", bar_delay)
    frame, faults = export_frame(persons, "p3ke", dirty=True, seed=4)
    path = tmp_path / "kotor.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    result = _run(["aggregate", str(path), "--key-file", env["key"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    quality = pd.read_csv(out / "registri_kualitas_data.csv")
    rejected = quality.loc[quality["severity"] == "rejected", "rows"].sum()
    dropped = faults["kode_desa_bps_in_kemendagri_column"]
    kept = len(frame) - dropped
    # the summary goes to stderr, beside the progress bar ("membaca kotor.csv: ..%")
    lines = [x for x in result.stderr.splitlines() if x.startswith("kotor.csv: ")]
    assert len(lines) == 1, result.stderr
    line = lines[0]

    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    assert f"{n(len(frame))} baris, {n(kept)} dipakai" in line
    assert f"NIK ditolak {n(rejected)}" in line
    assert f"dibuang (kode wilayah) {n(dropped)}" in line
    # stdout lists the files written and nothing else (progress goes to stderr)
    assert all(Path(p).is_file() for p in result.stdout.split())
    assert "registri_kualitas_data.csv" in result.output
    _assert_no_nik(out, result.output)


def test_exports_with_the_same_name_in_two_folders(tmp_path, env, persons):
    p3ke, _ = export_frame(persons, "p3ke")
    half = p3ke["id_keluarga_p3ke"].isin(p3ke["id_keluarga_p3ke"].unique()[:300])
    for folder, part in (("lebak", p3ke[half]), ("pandeglang", p3ke[~half])):
        (tmp_path / folder).mkdir()
        part.to_csv(tmp_path / folder / "individu.csv", index=False)
    out = tmp_path / "out"
    paths = [str(tmp_path / f / "individu.csv") for f in ("lebak", "pandeglang")]
    result = _run(["aggregate", *paths, "--key-file", env["key"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "individu.csv:" in x]
    assert [x.split(":")[0] for x in lines] == [
        "lebak/individu.csv",
        "pandeglang/individu.csv",
    ]
    desa = pd.read_csv(out / "registri_desa.csv")
    assert desa["persons"].sum() == len(persons)


def test_map_option_reads_an_unknown_export(tmp_path, env, persons):
    path = _renamed_export(persons, tmp_path / "kabupaten.csv")
    out = tmp_path / "out"
    base = ["aggregate", str(path), "--key-file", env["key"], "-o", str(out)]
    refused = _run(base)
    assert refused.exit_code == 1
    assert "cannot tell which registry export" in refused.output
    maps = [f"--map={field}={column}" for field, column in RENAMED.items()]
    result = _run([*base, *maps])
    assert result.exit_code == 0, result.output
    desa = pd.read_csv(out / "registri_desa.csv")
    assert desa["persons"].sum() == len(persons)
    assert desa["families"].sum() == persons["id_keluarga"].nunique()


def test_config_file_with_mapping_and_options(tmp_path, env, persons):
    _renamed_export(persons, tmp_path / "kabupaten.csv")
    p3ke, _ = export_frame(persons, "p3ke")
    p3ke.to_parquet(tmp_path / "p3ke.parquet")
    lines = [
        'target = "desil12"',
        "threshold = 5",
        "[[exports]]",
        'path = "p3ke.parquet"',
        "[[exports]]",
        'path = "kabupaten.csv"',
        'sumber = "DTSEN"',
        "[exports.mapping]",
        *(f'{field} = "{column}"' for field, column in RENAMED.items()),
    ]
    config = tmp_path / "registri.toml"
    config.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    args = ["aggregate", "--config", str(config), "--key-file", env["key"]]
    result = _run([*args, "-o", str(out), "--level", "kabkota"])
    assert result.exit_code == 0, result.output
    kab = pd.read_csv(out / "registri_kabkota.csv")
    # the same persons in two sources are kept once (DTSEN before P3KE)
    assert kab["persons"].sum() == len(persons)
    meta = (out / "registri_metadata.json").read_text()
    assert '"desil12"' in meta
    assert '"threshold": 5' in meta


@pytest.mark.parametrize(
    ("text", "error", "pattern"),
    [
        ("[[exports]]\npath = 'absent.csv'\n", InputError, "absent.csv.*tidak ada"),
        ("exports = []\n", ConfigError, "tidak menyebut ekspor"),
        ("[[exports]]\npath = 'x.csv'\nstyle_ = 'p3ke'\n", ConfigError, "style_"),
        ("[[exports]\n", ConfigError, "bukan TOML yang sah"),
        ("thresold = 5\n[[exports]]\npath = 'x.csv'\n", ConfigError, "thresold"),
        (
            "[[exports]]\npath = 'x.csv'\n[exports.mapping]\nnik_art = 'NIK'\n",
            ConfigError,
            "nik_art",
        ),
        (
            "[[exports]]\npath = 'x.csv'\n[exports.mapping]\nnik = 5\n",
            ConfigError,
            r"\[5\].*nama kolom berupa teks",
        ),
    ],
)
def test_bad_config(tmp_path, text, error, pattern):
    (tmp_path / "x.csv").write_text("a\n1\n")
    config = tmp_path / "r.toml"
    config.write_text(text)
    with pytest.raises(error, match=pattern):
        load_registry_config(config)


def test_bad_map_items():
    with pytest.raises(ConfigError, match="'nik' bukan FIELD=KOLOM"):
        parse_mapping(["nik"])
    with pytest.raises(ConfigError, match=r"tidak dikenal \['nomor'\]"):
        parse_mapping(["nomor=NIK"])


def test_family_exports_alone_or_mixed_with_person_exports(tmp_path, env):
    data = tmp_path / "data"
    for level in ("keluarga", "individu"):
        args = ["synth", "--tier", "XS", "--seed", "3", "--table", level]
        result = _run([*args, "--style", "dtsen", "-o", str(data)])
        assert result.exit_code == 0, result.output
    family, person = (
        data / "dtsen_XS_keluarga.parquet",
        data / "dtsen_XS_individu.parquet",
    )
    out = tmp_path / "out"
    key = ["--key-file", env["key"]]
    by_family = _run(
        ["aggregate", str(family), *key, "-o", str(out), "--level", "kabkota"]
    )
    assert by_family.exit_code == 0, by_family.output
    result = _run(["aggregate", str(person), *key, "-o", str(tmp_path / "ref")])
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out / "registri_kabkota.csv").iloc[0]
    want = pd.read_csv(tmp_path / "ref" / "registri_kabkota.csv").iloc[0]
    for col in ("families", "families_desil_1", "persons", "pkh_families"):
        assert got[col] == want[col], col
    assert pd.isna(got["pbi_jk_persons"]) and pd.isna(got["coverage_pip"])
    _assert_no_nik(out, by_family.output)
    mixed = tmp_path / "mixed"
    result = _run(["aggregate", str(person), str(family), *key, "-o", str(mixed)])
    assert result.exit_code == 1
    assert "would count each family" in result.output
    assert not mixed.exists()


def test_missing_key_is_an_error_before_reading(tmp_path, persons, monkeypatch):
    monkeypatch.delenv("GEO_PRIORITY_NIK_KEY", raising=False)
    p3ke, _ = export_frame(persons, "p3ke")
    path = tmp_path / "p3ke.csv"
    p3ke.to_csv(path, index=False)
    result = _run(["aggregate", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no NIK pseudonymisation key" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.integration
# a small synthetic registry links tens of thousands of hidden cells: the
# publication audit reports those components (UnauditedWarning)
@pytest.mark.filterwarnings("default::geo_priority.microdata.api.UnauditedWarning")
def test_registry_examples_from_synth_to_kecamatan_map(tmp_path, env):
    """synth -> aggregate (registri.toml) -> run (banten_kecamatan_registri.toml)."""
    from conftest import require_shared

    shared = require_shared("boundaries").as_posix()
    examples = Path(__file__).resolve().parents[1] / "examples"
    maps = tmp_path / "maps"
    result = _run(
        [
            "synth",
            "--tier",
            "M",
            "--scale",
            "0.05",
            "-o",
            str(maps / "registri_sintetis"),
        ]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "examples"
    folder.mkdir()
    for name in ("registri.toml", "banten_kecamatan_registri.toml"):
        text = (examples / name).read_text(encoding="utf-8")
        text = text.replace('"../../shared/data/boundaries/', f'"{shared}/')
        (folder / name).write_text(text, encoding="utf-8")
    args = ["aggregate", "--config", str(folder / "registri.toml")]
    result = _run([*args, "--key-file", env["key"], "-o", str(maps / "registri")])
    assert result.exit_code == 0, result.output
    # the Kemendagri kecamatan layer has one invalid polygon (36.02.20): the
    # CLI prints the repair as a warning line
    with warnings.catch_warnings():
        warnings.simplefilter("default", GeometryRepairedWarning)
        result = _run(["run", str(folder / "banten_kecamatan_registri.toml")])
    assert result.exit_code == 0, result.output
    assert "'36.02.20'" in result.output
    ranked = read_ranked_csv(maps / "banten_kecamatan_registri_peringkat.csv")
    assert len(ranked) == 155
    html = (maps / "banten_kecamatan_registri.html").read_text(encoding="utf-8")
    assert "disembunyikan (\\u003c 10)" in html  # every "<" escaped in the JSON
    _assert_no_nik(maps / "registri", result.output)
    for path in maps.glob("banten_kecamatan_registri*"):
        assert not SIXTEEN.search(path.read_text(errors="replace")), path.name
