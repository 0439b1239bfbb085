"""Unknown TOML keys: one check, one wording in both languages, a "did you mean"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo_priority.budget_outputs import budget_target
from geo_priority.config import config_from_dict
from geo_priority.config_keys import TOP_LEVEL, check_known_keys
from geo_priority.errors import ConfigError
from geo_priority.io.targets import read_targets
from geo_priority.messages import MessageLang, use_language
from geo_priority.microdata.programmes import load_catalogue
from geo_priority.microdata.registry_config import load_registry_config

CLASSIFY = {"breaks", "k", "scheme"}
RUN = {
    "boundaries": {"path": "b.gpkg", "code_column": "kode"},
    "tables": [{"path": "t.csv", "code_column": "kode"}],
    "scoring": {"indicators": [{"key": "p0"}]},
}


def _raised(*args: Any, lang: MessageLang = "en") -> str:
    with use_language(lang), pytest.raises(ConfigError) as err:
        check_known_keys(*args)
    return str(err.value)


def test_known_keys_pass():
    check_known_keys({"scheme": "quantiles", "k": 5}, CLASSIFY, "[classify]")
    check_known_keys({}, CLASSIFY, "[classify]")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "id",
            (
                "kunci tidak dikenal di [classify]: 'shceme'. Mungkin maksudnya "
                "'scheme'? Kunci yang dikenal: breaks, k, scheme."
            ),
        ),
        (
            "en",
            (
                "unknown key(s) in [classify]: 'shceme'. Did you mean 'scheme'? "
                "Known keys: breaks, k, scheme."
            ),
        ),
    ],
)
def test_a_close_key_is_suggested(lang, expected):
    assert _raised({"shceme": "x"}, CLASSIFY, "[classify]", lang=lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "id",
            (
                "kunci tidak dikenal di [classify]: 'colour'. Kunci yang dikenal: "
                "breaks, k, scheme."
            ),
        ),
        (
            "en",
            "unknown key(s) in [classify]: 'colour'. Known keys: breaks, k, scheme.",
        ),
    ],
)
def test_no_suggestion_when_nothing_is_close(lang, expected):
    assert _raised({"colour": "x"}, CLASSIFY, "[classify]", lang=lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "id",
            (
                "kunci tidak dikenal di [classify]: 'braeks', 'colour', 'shceme'. "
                "Mungkin maksudnya 'breaks' (bukan 'braeks'), 'scheme' (bukan "
                "'shceme')? Kunci yang dikenal: breaks, k, scheme."
            ),
        ),
        (
            "en",
            (
                "unknown key(s) in [classify]: 'braeks', 'colour', 'shceme'. Did you "
                "mean 'breaks' (not 'braeks'), 'scheme' (not 'shceme')? Known keys: "
                "breaks, k, scheme."
            ),
        ),
    ],
)
def test_several_unknown_keys_each_get_their_suggestion(lang, expected):
    data = {"shceme": 1, "colour": 2, "braeks": 3, "k": 4}
    assert _raised(data, CLASSIFY, "[classify]", lang=lang) == expected


def test_top_level_keys_have_their_own_wording():
    message = _raised({"titel": "x"}, {"title", "name"}, TOP_LEVEL, lang="id")
    assert message == (
        "kunci tidak dikenal di bagian atas konfigurasi (sebelum bagian [...] "
        "pertama): 'titel'. Mungkin maksudnya 'title'? Kunci yang dikenal: name, "
        "title."
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"classify": {"shceme": "quantiles"}}, "in [classify]: 'shceme'. Did you"),
        (
            {"scoring": {"indicators": [{"key": "p0", "wieght": 2}]}},
            "in [scoring.indicators]: 'wieght'. Did you mean 'weight'?",
        ),
        ({"outptus": {}}, "(before the first [section]): 'outptus'. Did you mean"),
    ],
)
def test_run_config_uses_the_check(data, expected):
    with use_language("en"), pytest.raises(ConfigError) as err:
        config_from_dict({**RUN, **data})
    assert expected in str(err.value)
    assert "base_dir" not in str(err.value)


def test_budget_table_uses_the_check(tmp_path: Path):
    path = tmp_path / "b.toml"
    path.write_text('[budget]\nrun = "x.toml"\namuont = 5\n', encoding="utf-8")
    with use_language("id"), pytest.raises(ConfigError) as err:
        budget_target(path)
    assert str(err.value) == (
        "kunci tidak dikenal di [budget]: 'amuont'. Mungkin maksudnya 'amount'? "
        "Kunci yang dikenal: amount, code_column, count, count_unit, name, run, "
        "table."
    )


def test_targets_file_uses_the_check(tmp_path: Path):
    path = tmp_path / "targets.toml"
    path.write_text(
        '[[target]]\nid = "a"\nyear = 2024\nvalue = 0\nsource = "s"\nsoruce = "x"\n',
        encoding="utf-8",
    )
    with use_language("en"), pytest.raises(ConfigError) as err:
        read_targets(path)
    assert str(err.value).startswith(
        "unknown key(s) in targets.toml target[1]: 'soruce'. Did you mean 'source'? "
        "Known keys: "
    )


def test_registry_config_top_level_key(tmp_path: Path):
    path = tmp_path / "registri.toml"
    path.write_text('treshold = 10\n[[exports]]\npath = "x.csv"\n', encoding="utf-8")
    with use_language("en"), pytest.raises(ConfigError) as err:
        load_registry_config(path)
    assert str(err.value).startswith(
        "unknown key(s) in registry config 'registri.toml': 'treshold'. "
        "Did you mean 'threshold'? Known keys: "
    )


def test_registry_config_export_key(tmp_path: Path):
    path = tmp_path / "registri.toml"
    path.write_text('[[exports]]\npath = "x.csv"\nsumbr = "DTSEN"\n', encoding="utf-8")
    with use_language("en"), pytest.raises(ConfigError) as err:
        load_registry_config(path)
    assert str(err.value) == (
        "unknown key(s) in [[exports]] number 1: 'sumbr'. Did you mean 'sumber'? "
        "Known keys: crosswalk, level, mapping, path, style, sumber."
    )


def test_programme_entry_key_in_both_languages():
    entry = {"flag": "pkh", "nama": "PKH"}
    with use_language("en"), pytest.raises(ConfigError) as en:
        load_catalogue([entry])
    with use_language("id"), pytest.raises(ConfigError) as id_:
        load_catalogue([entry])
    assert "unknown key(s) in [[programmes]] number 1 ('pkh'): 'nama'. " in str(
        en.value
    )
    assert "Did you mean 'name'? Known keys: " in str(en.value)
    assert "kunci tidak dikenal di [[programmes]] nomor 1 ('pkh'): 'nama'. " in str(
        id_.value
    )
    assert "Mungkin maksudnya 'name'? Kunci yang dikenal: " in str(id_.value)
