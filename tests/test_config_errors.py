"""Every config type error stops `run` and `check` with exit 1 and one line
naming the key, before any work and without a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from geo_priority.cli import cli

GOOD = {
    "boundaries": 'path = "kab.geojson"\ncode_column = "kode"',
    "tables": 'path = "t.csv"\ncode_column = "kode"',
    "scoring": "",
    "indicators": 'key = "p0"',
    "classify": 'scheme = "quantiles"\nk = 4',
    "outputs": 'formats = ["html"]',
    "top": 'title = "Uji"',
}


def _toml(**override: str) -> str:
    parts = {**GOOD, **override}
    return "\n".join(
        [
            parts["top"],
            parts.get("tables_header", "[[tables]]"),
            parts["tables"],
            parts.get("boundaries_header", "[boundaries]"),
            parts["boundaries"],
            "[scoring]",
            parts["scoring"],
            parts.get("indicators_header", "[[scoring.indicators]]"),
            parts["indicators"],
            "[classify]",
            parts["classify"],
            "[outputs]",
            parts["outputs"],
        ]
    )


CASES = {
    # key: (toml, what the one line must say)
    "tables = 5": (
        _toml(tables_header="", tables="", top='title = "Uji"\ntables = 5'),
        "tables = 5 harus berupa daftar bagian [[tables]]",
    ),
    "scoring = 5": (
        'tables = []\nscoring = 5\n[boundaries]\npath = "kab.geojson"\n',
        "[scoring] harus berupa bagian berisi kunci dan nilai, yang diberikan 5",
    ),
    "k = 4.5": (_toml(classify="k = 4.5"), "classify.k = 4.5 harus bilangan bulat"),
    'k = "4"': (_toml(classify='k = "4"'), "classify.k = '4' harus bilangan bulat"),
    "boundaries.path = 5": (
        _toml(boundaries='path = 5\ncode_column = "kode"'),
        "boundaries.path = 5 harus teks di antara tanda kutip",
    ),
    'breaks = "a"': (
        _toml(classify='scheme = "user_defined"\nbreaks = "a"'),
        "classify.breaks = 'a' harus berupa daftar di dalam kurung siku",
    ),
    "code_column = [1]": (
        _toml(tables='path = "t.csv"\ncode_column = [1]'),
        "tables.code_column = [1] harus teks di antara tanda kutip",
    ),
    'scoring.indicators = "x"': (
        _toml(indicators_header="", indicators="", scoring='indicators = "x"'),
        "scoring.indicators = 'x' harus berupa daftar bagian [[scoring.indicators]]",
    ),
    "title = [1, 2]": (_toml(top="title = [1, 2]"), "title = [1, 2] harus teks"),
    'formats = "html"': (
        _toml(outputs='formats = "html"'),
        "outputs.formats = 'html' harus berupa daftar di dalam kurung siku",
    ),
    'boundaries = "x"': (
        _toml(boundaries_header="", boundaries="", top='boundaries = "x"'),
        "[boundaries] harus berupa bagian berisi kunci dan nilai, yang diberikan 'x'",
    ),
    'lang = "fr"': (
        _toml(outputs='lang = "fr"'),
        "outputs.lang = 'fr' tidak diizinkan",
    ),
    "weight = true": (
        _toml(indicators='key = "p0"\nweight = true'),
        "weight = True harus angka",
    ),
}


@pytest.mark.parametrize("command", ["run", "check"])
@pytest.mark.parametrize("case", list(CASES))
def test_config_type_error_is_one_line(tmp_path: Path, case: str, command: str):
    text, expected = CASES[case]
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, [command, str(config)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "maps").exists()  # nothing was written
