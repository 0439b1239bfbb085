"""Real failing CLI commands speak Indonesian by default and English with --lang en.

Each case runs the command a planner would type on a small config and checks
the one error line: it names the offending value, is Indonesian without
``--lang`` (no common English words) and English with ``--lang en``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from geo_priority.cli import cli
from geo_priority.messages import language

#: Words an English sentence can hardly do without; none may be in Indonesian output.
ENGLISH = (" the ", " cannot ", " must ", " not found", "Error", " Check ", " is ")


def _boundaries(folder: Path) -> None:
    gpd.GeoDataFrame(
        {
            "kode": ["36.01", "36.02"],
            "nama": ["Kabupaten Pandeglang", "Kabupaten Lebak"],
        },
        geometry=[box(105.0, -7.0, 105.5, -6.5), box(105.5, -7.0, 106.0, -6.5)],
        crs="EPSG:4326",
    ).to_file(folder / "kab.geojson", driver="GeoJSON")


def _config(folder: Path, table: str, extra: str = "") -> Path:
    text = f"""
title = "Uji"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
[[tables]]
{table}
[scoring]
[[scoring.indicators]]
key = "p0"
[classify]
scheme = "equal_interval"
k = 2
{extra}
[outputs]
formats = ["csv"]
"""
    path = folder / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _bad_key(folder: Path) -> Path:
    (folder / "t.csv").write_text("kode,p0\n36.01,1\n36.02,2\n", encoding="utf-8")
    return _config(folder, 'path = "t.csv"\ncode_column = "kode"', "colour = 'red'")


def _bad_codes(folder: Path) -> Path:
    (folder / "t.csv").write_text("kode,p0\nabc,1\nx-y,2\n", encoding="utf-8")
    return _config(folder, 'path = "t.csv"\ncode_column = "kode"')


def _missing_table(folder: Path) -> Path:
    return _config(folder, 'path = "hilang.csv"\ncode_column = "kode"')


def _doubtful(folder: Path) -> Path:
    (folder / "t.csv").write_text(
        "nama,p0\nKab. Pandeglan,1\nLebak,2\n", encoding="utf-8"
    )
    return _config(folder, 'path = "t.csv"\nname_column = "nama"')


CASES = {
    # case: (make the config, command, value named, Indonesian phrase, English phrase)
    "bad config key": (
        _bad_key,
        "check",
        "'colour'",
        "kunci tidak dikenal di [classify]",
        "unknown key(s) in [classify]",
    ),
    "unreadable code column": (
        _bad_codes,
        "check",
        "'abc'",
        "tidak satu pun dari 2 kode",
        "none of the 2",
    ),
    "missing file": (
        _missing_table,
        "run",
        "hilang.csv",
        "berkas tabel",
        "table file",
    ),
    "doubtful join held": (
        _doubtful,
        "run",
        "Kab. Pandeglan",
        "kecocokan meragukan",
        "doubtful match(es)",
    ),
}


def _error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, output
    return lines[-1]


@pytest.mark.filterwarnings("default")  # printed by the CLI, as for a user
@pytest.mark.parametrize("case", list(CASES))
def test_a_failing_command_speaks_indonesian_by_default(tmp_path: Path, case: str):
    make, command, value, indonesian, english = CASES[case]
    _boundaries(tmp_path)
    config = make(tmp_path)
    result = CliRunner().invoke(cli, [command, str(config)])
    assert result.exit_code == 1, result.output
    line = _error_line(result.stderr)
    assert line.startswith("Galat: "), result.stderr
    assert value in line
    assert indonesian in line
    assert english not in line
    for word in ENGLISH:
        assert word not in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.output


@pytest.mark.filterwarnings("default")
@pytest.mark.parametrize("case", list(CASES))
def test_a_failing_command_speaks_english_with_lang_en(tmp_path: Path, case: str):
    make, command, value, indonesian, english = CASES[case]
    _boundaries(tmp_path)
    config = make(tmp_path)
    result = CliRunner().invoke(cli, [command, str(config), "--lang", "en"])
    assert result.exit_code == 1, result.output
    line = _error_line(result.stderr)
    assert line.startswith("Error: "), result.stderr
    assert value in line
    assert english in line
    assert indonesian not in line
    assert language() == "id"  # the command's language does not leak out


# --- help and usage errors in the language of --lang ---------------------------

#: Words of click's own English around help and usage errors.
CLICK_ENGLISH = ("Usage:", "Options:", "Try ", "Error:", "Missing option", "[required]")


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, prog_name="geo-priority")


@pytest.mark.parametrize(
    "args",
    [["budget", "--help"], ["budget", "-h", "--lang", "id"]],
)
def test_budget_help_is_indonesian_by_default(args: list[str]):
    result = _invoke(args)
    assert result.exit_code == 0, result.output
    assert "Menghitung biaya menutup kesenjangan" in result.output
    assert "Tampilkan pesan ini lalu keluar." in result.output
    assert "Bahasa peta dan pesan" in result.output
    assert "Contoh:" in result.output and "Opsi:" in result.output
    for word in (*CLICK_ENGLISH, "Cost the exclusion gap", "Replace outputs"):
        assert word not in result.output, word


@pytest.mark.parametrize(
    "args",
    [["budget", "--help", "--lang", "en"], ["budget", "--lang=en", "-h"]],
)
def test_budget_help_switches_to_english_with_lang_en(args: list[str]):
    result = _invoke(args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: geo-priority budget [OPTIONS]")
    assert "Cost the exclusion gap and allocate a budget across areas." in (
        result.output
    )
    assert "Money for one year, in rupiah" in result.output
    assert "Show this message and exit." in result.output
    assert "Menghitung" not in result.output and "Anggaran" not in result.output
    # the help of the next call is Indonesian again
    assert "Menghitung" in _invoke(["budget", "-h"]).output


@pytest.mark.parametrize(
    ("args", "indonesian", "english"),
    [
        (
            ["budget"],
            "Galat: Opsi '--input' wajib diisi.",
            "Error: Missing option '--input'.",
        ),
        (
            ["budget", "--input", "hilang.toml"],
            "Galat: Nilai tidak sah untuk '--input': ",
            "Error: Invalid value for '--input': ",
        ),
        (
            ["budget", "--bogus"],
            "Galat: Opsi tidak dikenal: --bogus",
            "Error: No such option: --bogus",
        ),
    ],
)
def test_budget_usage_errors_speak_the_language_of_lang(
    args: list[str], indonesian: str, english: str
):
    result = _invoke(args)
    assert result.exit_code == 2, result.output
    assert _error_line(result.stderr).startswith(indonesian), result.stderr
    assert result.stderr.startswith("Penggunaan: geo-priority budget [OPSI]\n")
    assert "Coba 'geo-priority budget -h' untuk bantuan." in result.stderr
    for word in CLICK_ENGLISH:
        assert word not in result.stderr, (word, result.stderr)
    result = _invoke([*args, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert _error_line(result.stderr).startswith(english), result.stderr
    assert "Try 'geo-priority budget -h' for help." in result.stderr


def test_a_rupiah_error_is_wholly_in_the_language_of_lang():
    args = ["budget", "--input", __file__, "--budget", "1,5"]
    line = _error_line(_invoke(args).stderr)
    assert line.startswith("Galat: Nilai tidak sah untuk '--budget': '1,5' bukan")
    line = _error_line(_invoke([*args, "--lang", "en"]).stderr)
    assert line == (
        "Error: Invalid value for '--budget': '1,5' is not a whole number of "
        "rupiah; write e.g. 5000000000."
    )


@pytest.mark.parametrize(
    ("args", "first", "last"),
    [
        (
            ["anggaran"],
            "Penggunaan: geo-priority [OPSI] PERINTAH [ARGUMEN]...",
            "Galat: Perintah 'anggaran' tidak dikenal.",
        ),
        (
            ["run", "--lang", "en"],
            "Usage: geo-priority run [OPTIONS] CONFIG",
            "Error: Missing argument 'CONFIG'.",
        ),
        (
            ["run"],
            "Penggunaan: geo-priority run [OPSI] CONFIG",
            "Galat: Argumen 'CONFIG' wajib diisi.",
        ),
    ],
)
def test_run_in_language_localises_any_commands_usage_error(
    capsys: pytest.CaptureFixture[str], args: list[str], first: str, last: str
):
    from geo_priority.cli._common import run_in_language

    with pytest.raises(SystemExit) as stop:
        run_in_language(cli, "geo-priority", args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == first, err
    assert _error_line(err) == last, err


def test_run_in_language_keeps_exit_codes(capsys: pytest.CaptureFixture[str]):
    from geo_priority.cli._common import run_in_language

    with pytest.raises(SystemExit) as stop:
        run_in_language(cli, "geo-priority", ["budget", "--help", "--lang", "en"])
    assert stop.value.code == 0
    assert "Cost the exclusion gap" in capsys.readouterr().out
