"""Unknown keys in the microdata TOML tables: one check, one wording."""

from __future__ import annotations

import pytest

from geo_priority.errors import ConfigError
from geo_priority.messages import use_language
from geo_priority.microdata.programmes import load_catalogue
from geo_priority.microdata.registry_config import load_registry_config


def _message(err: pytest.ExceptionInfo[ConfigError]) -> str:
    return str(err.value)


def test_registry_config_top_level_key(tmp_path):
    path = tmp_path / "registri.toml"
    path.write_text('treshold = 10\n[[exports]]\npath = "x.csv"\n', encoding="utf-8")
    with use_language("en"), pytest.raises(ConfigError) as err:
        load_registry_config(path)
    assert _message(err).startswith(
        "registry config 'registri.toml' has unknown keys ['treshold']; allowed: "
    )
    assert "threshold" in _message(err)


def test_registry_config_export_key(tmp_path):
    path = tmp_path / "registri.toml"
    path.write_text('[[exports]]\npath = "x.csv"\nsumbr = "DTSEN"\n', encoding="utf-8")
    with use_language("en"), pytest.raises(ConfigError) as err:
        load_registry_config(path)
    assert _message(err) == (
        "[[exports]] number 1 has unknown keys ['sumbr']; allowed: "
        "path, style, sumber, crosswalk, mapping, level."
    )


def test_programme_entry_key_in_both_languages():
    entry = {"flag": "pkh", "nama": "PKH"}
    with use_language("en"), pytest.raises(ConfigError) as en:
        load_catalogue([entry])
    with use_language("id"), pytest.raises(ConfigError) as id_:
        load_catalogue([entry])
    assert "has unknown keys ['nama']; allowed: flag, name, name_en," in _message(en)
    assert "memuat kunci yang tidak dikenal ['nama']; yang boleh: flag, name," in (
        _message(id_)
    )
