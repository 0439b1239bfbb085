from pathlib import Path

import pytest

from geo_priority.config import config_from_dict, load_config, with_outputs
from geo_priority.errors import ConfigError
from geo_priority.presets import expand_preset

BASE = {
    "boundaries": {"path": "kab.geojson", "code_column": "kode"},
    "tables": [{"path": "figures.csv", "code_column": "kode"}],
    "scoring": {"indicators": [{"key": "p0", "weight": 1}]},
}


def _with(**changes):
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE.items()}
    for dotted, value in changes.items():
        section, key = dotted.split("__")
        data[section] = {**data[section], key: value}
    return data


def test_defaults_and_resolution(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[boundaries]\npath = "b.gpkg"\ncode_column = "kode"\n'
        '[[tables]]\npath = "t.csv"\ncode_column = "kode"\n'
        '[scoring]\npreset = "kemiskinan-ekstrem"\nyear = 2022\n'
        '[classify]\nscheme = "natural_breaks"\nk = 4\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.classify.scheme == "fisher_jenks"
    assert cfg.resolve("t.csv") == tmp_path / "t.csv"
    assert cfg.tables[0].label == "t"
    assert cfg.outputs.formats == ("html", "gpkg", "csv", "report", "json")
    assert with_outputs(cfg, lang="en", dir=None).outputs.lang == "en"


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        ({"scoring": {"indicators": []}}, "tidak berisi indikator"),
        ({"boundaries": {"code_column": "k"}}, "tepat satu dari 'path'"),
        ({"classify": {"scheme": "quantile", "k": 20}}, r"k = 20"),
        ({"classify": {"scheme": "rainbow"}}, r"Pilih salah satu dari: quantiles"),
        ({"classify": {"scheme": "user_defined"}}, "memerlukan breaks"),
        ({"outputs": {"lang": "fr"}}, "outputs.lang"),
        ({"outputs": {"level_min_coverage": 80}}, r"level_min_coverage = 80; berikan"),
        (
            {"surprise": 1},
            r"kunci tidak dikenal di bagian atas konfigurasi .*: 'surprise'",
        ),
    ],
)
def test_invalid_configs(data, pattern):
    with pytest.raises(ConfigError, match=pattern):
        config_from_dict({**BASE, **data})


@pytest.mark.parametrize(
    ("indicator", "pattern"),
    [
        ({"key": "x", "direction": "up"}, "direction"),
        ({"key": "x", "weight": -1}, "bobot harus >= 0"),
        ({"key": "x", "decimals": 9}, "decimals = 9; gunakan bilangan bulat"),
        ({"key": "x", "normalisation": "target"}, "tidak memberi target"),
        (
            {"key": "x", "colour": "red"},
            r"kunci tidak dikenal di \[scoring.indicators\]: 'colour'",
        ),
    ],
)
def test_invalid_indicators(indicator, pattern):
    with pytest.raises(ConfigError, match=pattern):
        config_from_dict({**BASE, "scoring": {"indicators": [indicator]}})


def test_bad_toml_says_so(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text("[boundaries\npath = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="bukan TOML yang sah pada baris 1"):
        load_config(path)


def test_preset_expands_with_overrides():
    cfg = config_from_dict(
        {
            **BASE,
            "scoring": {
                "preset": "kemiskinan-ekstrem",
                "year": 2022,
                "preset_options": {
                    "population": "population_dukcapil",
                    "population_year": 2023,
                },
                "indicators": [{"key": "poverty_rate", "source": "p0", "weight": 0.2}],
            },
        }
    )
    scoring = expand_preset(cfg.scoring)
    by_key = {i.key: i for i in scoring.indicators}
    assert by_key["extreme_poverty_rate"].weight == 0.4
    assert by_key["extreme_poor"].derive_from == ("extreme_poverty_rate", "population")
    assert by_key["population"].source == "population_dukcapil"
    assert by_key["population"].year == 2023
    assert by_key["poverty_rate"].weight == 0.2  # overridden
    assert not by_key["population"].score


def test_unknown_preset():
    cfg = config_from_dict({**BASE, "scoring": {"preset": "kemiskinan"}})
    with pytest.raises(ConfigError, match=r"'kemiskinan' tidak dikenal"):
        expand_preset(cfg.scoring)
