"""The geo-priority group imports a command's module only when it is used."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from geo_priority.cli import cli
from geo_priority.cli.lazy import COMMANDS, LazyGroup, load_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_entry_names_the_command_it_loads(name: str) -> None:
    command = load_command(COMMANDS[name])
    assert command.name == name


def test_help_lists_every_command_with_its_short_help() -> None:
    done = CliRunner().invoke(cli, ["--help"])
    assert done.exit_code == 0, done.output
    listed = done.output.split("Perintah:")[1]  # Indonesian by default
    for name in COMMANDS:
        command = load_command(COMMANDS[name])
        short = command.get_short_help_str(limit=10_000).split()[0]
        assert f"  {name} " in listed and short in listed, name


def test_a_wrong_entry_is_refused() -> None:
    with pytest.raises(TypeError, match="not a click command"):
        load_command("geo_priority.cli.lazy:COMMANDS")


def test_a_group_of_its_own_commands() -> None:
    @click.command("hello")
    def hello() -> None:
        click.echo("hi")

    group = LazyGroup("g", lazy_commands={"two": "geo_priority.cli.commands:check_cmd"})
    group.add_command(hello)
    context = click.Context(group)
    assert group.list_commands(context) == ["hello", "two"]
    assert group.get_command(context, "two") is load_command(
        "geo_priority.cli.commands:check_cmd"
    )
    assert group.get_command(context, "three") is None
