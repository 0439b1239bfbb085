"""A click group that imports a command's module only when it is used.

Every command lives in a module of its own weight: ``run`` needs the map
pipeline, ``budget`` the optimiser, ``synth`` and ``aggregate`` the registry
engine. Importing them all before parsing the command line cost every
command the imports of all the others. :class:`LazyGroup` knows each
command by name and by where it is defined (:data:`COMMANDS`) and imports
that module when click asks for the command: invoking ``run`` imports
:mod:`geo_priority.cli.commands` only. ``--help`` asks for every command (for
its short help), so it imports them all and lists exactly what it listed
before.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

#: Command name -> ``"module:attribute"`` of its click command, for the
#: ``geo-priority`` group.
COMMANDS: Mapping[str, str] = {
    "aggregate": "geo_priority.cli.microdata_cmds:aggregate_cmd",
    "boundaries": "geo_priority.cli.commands:boundaries",
    "budget": "geo_priority.cli.budget_cmds:budget_cmd",
    "check": "geo_priority.cli.commands:check_cmd",
    "demo": "geo_priority.cli.commands:demo_cmd",
    "export": "geo_priority.cli.export_cmds:export_cmd",
    "figure": "geo_priority.cli.commands:figure_cmd",
    "run": "geo_priority.cli.commands:run_cmd",
    "synth": "geo_priority.cli.microdata_cmds:synth_cmd",
    "zonal": "geo_priority.cli.export_cmds:zonal_cmd",
}


def load_command(target: str) -> click.Command:
    """Import ``"module:attribute"`` and return the click command it names.

    Parameters
    ----------
    target : str
        Where the command is defined, e.g.
        ``"geo_priority.cli.commands:run_cmd"``.

    Returns
    -------
    click.Command

    Raises
    ------
    TypeError
        When the attribute is not a click command (a wrong table entry).
    """
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command")
    return command


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`click.Group`, plus ``lazy_commands``: command name ->
        ``"module:attribute"`` (default :data:`COMMANDS`).
    """

    def __init__(
        self,
        *args: Any,
        lazy_commands: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(COMMANDS if lazy_commands is None else lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command's name, sorted, without importing any."""
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command ``cmd_name``, importing its module the first time."""
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            command = load_command(self.lazy_commands[cmd_name])
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)


__all__ = ["COMMANDS", "LazyGroup", "load_command"]
