"""Real failing CLI commands speak Indonesian by default and English with --lang en.

Each case runs the command a planner would type on a small config and checks
the one error line: it names the offending value, is Indonesian without
``--lang`` (no common English words) and English with ``--lang en``.
"""

from __future__ import annotations

from pathlib import Path

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
