"""Every command's help is Indonesian by default and English with --lang en.

The commands are taken from the group itself (and its sub-groups), so a new
command without Indonesian help fails here. click's own words (usage errors,
"does not exist", "is not one of", "[default: ...]") follow --lang too.
"""

from __future__ import annotations

import inspect
import tomllib
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from geo_priority.cli import cli
from geo_priority.cli.localised import LocalisedCommand, LocalisedGroup
from geo_priority.messages import language, use_language

#: English words a help page in Bahasa Indonesia must not contain.
ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Example",
    "Show this message",
    "[default:",
    "[required]",
    "env var",
    " the ",
    " and ",
    " of ",
    " with ",
    "Output folder",
    "Replace outputs",
    " DIRECTORY",
    " FILE ",
    " TEXT ",
    " INTEGER",
    " FLOAT",
    " LAYER ",
    "[OPTIONS]",
    "COMMAND",
)
#: Indonesian words that must not be in an English help page.
INDONESIAN = ("Penggunaan:", "Opsi:", "Perintah:", "Contoh", "Tampilkan", " dan ")


def _paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[list[str]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from _paths(command, (*prefix, name))


COMMANDS = [" ".join(p) for p in _paths(cli)]


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, prog_name="geo-priority")
    assert result.exit_code == 0, result.output
    return result.output


def _command(path: str) -> click.Command:
    command: click.Command = cli
    for name in path.split():
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


def test_the_group_lists_all_commands():
    assert {"run", "export", "aggregate", "budget", "boundaries fetch"} <= set(COMMANDS)


@pytest.mark.parametrize("path", ["", *COMMANDS])
def test_help_is_indonesian_by_default(path: str):
    text = _help([*path.split(), "--help"])
    assert text.startswith("Penggunaan: geo-priority"), text
    assert "Opsi:" in text and "Tampilkan pesan ini lalu keluar." in text
    for word in ENGLISH:
        assert word not in text, (word, text)


@pytest.mark.parametrize("path", ["", *COMMANDS])
@pytest.mark.parametrize("where", ["after", "before"])
def test_help_is_english_with_lang_en(path: str, where: str):
    args = [*path.split(), "-h"]
    args = [*args, "--lang", "en"] if where == "after" else ["--lang=en", *args]
    text = _help(args)
    assert text.startswith("Usage: geo-priority"), text
    assert "Options:" in text and "Show this message and exit." in text
    for word in INDONESIAN:
        assert word not in text, (word, text)
    # and the next help, without --lang, is Indonesian again
    assert _help([*path.split(), "-h"]).startswith("Penggunaan:")
    assert language() == "id"  # --lang does not leak out of the command


@pytest.mark.parametrize("path", ["", *COMMANDS])
def test_every_option_has_its_help_in_both_languages(path: str):
    command = _command(path) if path else cli
    assert isinstance(command, (LocalisedCommand, LocalisedGroup)), path
    for lang in ("id", "en"):
        with use_language(lang):
            texts = command._texts()
        assert texts.get("help") and texts.get("help_option"), (path, lang)
        if path:
            assert texts.get("short_help"), (path, lang)
        for param in command.params:
            if isinstance(param, click.Option):
                assert texts.get(str(param.name)), (path, param.name, lang)


def test_help_fits_80_columns():
    for path in ["", *COMMANDS]:
        for lang in ("id", "en"):
            text = _help([*path.split(), "--help", "--lang", lang])
            too_long = [line for line in text.splitlines() if len(line) > 80]
            assert not too_long, (path, lang, too_long)


def test_the_group_listing_follows_lang():
    indonesian = _help(["--help"]).split("Perintah:")[1]
    english = _help(["--lang", "en", "--help"]).split("Commands:")[1]
    assert "Jalankan seluruh alur dari konfigurasi TOML." in indonesian
    assert "Run the whole pipeline from a TOML config." in english
    assert "Biaya menutup kesenjangan" in indonesian
    assert "Cost of the exclusion gap" in english


@pytest.mark.parametrize(
    ("args", "indonesian", "english"),
    [
        (["anggaran"], "Perintah 'anggaran' tidak dikenal.", "No such command"),
        (
            ["export", "hilang.gpkg", "-o", "x"],
            "Berkas 'hilang.gpkg' tidak ada.",
            "File 'hilang.gpkg' does not exist.",
        ),
        (
            ["export", __file__, "-o", "x", "-f", "kml"],
            "'kml' bukan salah satu dari 'gpkg'",
            "'kml' is not one of 'gpkg'",
        ),
        (["zonal", "a", "b", "-o", "x.csv", "--band", "0"], "di luar rentang", "range"),
        (["boundaries", "fetch", "--bogus"], "Opsi tidak dikenal", "No such option"),
        (["boundaries", "list", "x"], "argumen lebih", "unexpected extra argument"),
    ],
)
def test_click_errors_follow_lang(args: list[str], indonesian: str, english: str):
    result = CliRunner().invoke(cli, args, prog_name="geo-priority")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Penggunaan:"), result.stderr
    assert "[OPTIONS]" not in result.stderr
    assert "Galat: " in result.stderr and indonesian in result.stderr, result.stderr
    for word in ("Error", "Usage", "does not exist", "is not one of", "Try "):
        assert word not in result.stderr, (word, result.stderr)
    for extra in (["--lang", "en"], ["--lang=en"]):
        where = [*extra, *args] if args[0] == "anggaran" else [*args, *extra]
        result = CliRunner().invoke(cli, where, prog_name="geo-priority")
        assert result.exit_code == 2, result.output
        assert "Error: " in result.stderr and english in result.stderr, result.stderr
        assert "Galat" not in result.stderr
        assert "[OPSI]" not in result.stderr


def test_every_catalogued_click_text_is_still_clicks():
    """A click release that rewords a text fails here, not silently in English."""
    import geo_priority

    source = "".join(
        inspect.getsource(__import__(name, fromlist=["_"]))
        for name in (
            "click.core",
            "click.types",
            "click.exceptions",
            "click.parser",
            "click.formatting",
            "click.decorators",
            "click.termui",
        )
    )
    folder = Path(geo_priority.__file__).parent / "locale" / "id"
    texts = tomllib.loads((folder / "click.toml").read_text("utf-8"))
    gone = [t for t in texts if repr(t)[1:-1] not in source and t not in source]
    assert not gone, gone


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--version"], "geo-priority, versi "),
        (["--lang", "en", "--version"], "geo-priority, version "),
    ],
)
def test_version_follows_lang(args: list[str], expected: str):
    assert _help(args).startswith(expected)
    assert language() == "id"


def test_the_groups_lang_is_every_commands_default(tmp_path: Path):
    """``geo-priority --lang en run ...`` speaks English, as ``run ... --lang en``."""
    missing = str(tmp_path / "hilang.toml")
    for args in (["--lang", "en", "run", missing], ["run", missing, "--lang", "en"]):
        result = CliRunner().invoke(cli, args, prog_name="geo-priority")
        assert result.exit_code == 2, result.output
        assert "Error: Invalid value for 'CONFIG': config file" in result.stderr
    result = CliRunner().invoke(cli, ["run", missing], prog_name="geo-priority")
    assert "Galat: Nilai tidak sah untuk 'CONFIG': berkas konfigurasi" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("args", "first"),
    [
        ([], "Penggunaan: geo-priority [OPSI] PERINTAH"),
        (["boundaries"], "Penggunaan: geo-priority boundaries [OPSI]"),
        (["--lang", "en", "boundaries"], "Usage: geo-priority boundaries [OPTIONS]"),
    ],
)
def test_a_group_without_a_command_prints_its_help(
    capsys: pytest.CaptureFixture[str], args: list[str], first: str
):
    from geo_priority.cli.localised import run_in_language

    with pytest.raises(SystemExit) as stop:
        run_in_language(cli, "geo-priority", args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(first), err
    assert "Galat" not in err and "Error" not in err
