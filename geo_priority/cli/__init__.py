"""Command-line interface: thin click commands over the library.

Exit codes: 0 success; 1 data or runtime error (and ``check`` finding
problems); 2 usage error. A library error prints one line; with ``-v`` its
traceback comes first.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback
import warnings
from contextlib import suppress
from typing import Any, NoReturn

import click

from geo_priority.cli import click_words
from geo_priority.cli.lazy import COMMANDS, LazyGroup
from geo_priority.cli.localised import HELP_LANG, LocalisedGroup, LocalisedUsageError
from geo_priority.cli.options import quiet_opt, verbose_opt
from geo_priority.config import LANGS
from geo_priority.errors import GeoPriorityError
from geo_priority.messages import language, tr, use_language

#: The cyclic garbage collector's thresholds for one command (see :func:`main`).
GC_THRESHOLDS = (50_000, 50, 100)

click_words.install()

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "show_default": True}

#: Where the group records ``-v`` for the error handler (``click.Context.meta``).
_VERBOSE = "geo_priority.verbose"


class Failure(click.ClickException):
    """A data or runtime error: one line, with ``Error:`` in the user's language.

    click prints its own ``Error:`` in English; the prefix is fixed here when
    the error is made, while the language chosen for the command is active.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.line = tr("Error: {message}", message=message)

    def show(self, file: Any = None) -> None:
        """Print the one line on stderr."""
        click.echo(self.line, err=True, file=file)


class PriorityGroup(LocalisedGroup, LazyGroup):
    """A click group that turns library errors into exit code 1.

    Its commands are imported when used (:mod:`geo_priority.cli.lazy`); its
    help follows ``--lang`` (:class:`~geo_priority.cli.localised.LocalisedGroup`).
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the command, translating :class:`GeoPriorityError`.

        Messages are Indonesian unless ``--lang en`` (or the config's
        ``outputs.lang``) chose English; the language is restored afterwards.
        The error becomes one line on stderr; with ``-v`` the traceback is
        printed before it.
        """
        with use_language(ctx.meta.get(HELP_LANG, "id")):
            try:
                return super().invoke(ctx)
            except GeoPriorityError as err:
                if ctx.meta.get(_VERBOSE):
                    click.echo(traceback.format_exc().rstrip(), err=True)
                raise Failure(str(err)) from err
            except LocalisedUsageError:
                raise
            except click.UsageError as err:  # shown later, by click: keep its language
                raise LocalisedUsageError(err, language()) from err
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except Exception as err:  # a bug or an unforeseen library error
                if ctx.meta.get(_VERBOSE):
                    click.echo(traceback.format_exc().rstrip(), err=True)
                raise Failure(_unexpected(err)) from err


def _unexpected(err: Exception) -> str:
    """One line for an error the tool did not foresee, and what to do."""
    text = " ".join(str(err).split()) or "-"
    return tr(
        "unexpected failure ({detail}). This is not a known data problem: run "
        "again with -v to see where it happened, and report it with that output.",
        detail=text[:300],
    )


def _show_warning(
    message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any
) -> None:
    click.echo(tr("warning: {message}", message=message), err=True)


def _texts() -> dict[str, str]:
    """Return the help of ``geo-priority`` itself in the active language."""
    return {
        "help": tr(
            "Decide where extreme poverty must be fought first (geo-priority).\n\n"
            "Reads boundaries and indicator tables, harmonises Indonesian region "
            "codes, scores and classifies areas, and writes maps, GIS layers and "
            "tables. Add -v for debug logging; data errors exit 1, usage errors 2. "
            "Help and messages are in Bahasa Indonesia; add --lang en (here or "
            "after the command) for English.\n\n"
            "\b\nExamples:\n  geo-priority run banten.toml\n"
            "  geo-priority --lang en run --help"
        ),
        "version": tr("Show the version and exit."),
        "verbose": tr("More log output (repeat for debug)."),
        "quiet": tr("Less log output, and no progress lines."),
        "lang": tr(
            "Language of the command that follows, as its own --lang (its help, "
            "messages and any map it makes); the command's own --lang wins."
        ),
        "help_option": tr("Show this message and exit."),
    }


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Print the version in the language of ``--lang`` (anywhere on the line)."""
    if not value or ctx.resilient_parsing:
        return
    from geo_priority import __version__

    with use_language(ctx.meta.get(HELP_LANG, "id")):
        line = tr("{prog}, version {version}", prog="geo-priority", version=__version__)
    click.echo(line)
    ctx.exit()


@click.group(cls=PriorityGroup, context_settings=CONTEXT_SETTINGS, texts=_texts)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
)
@verbose_opt
@quiet_opt
@click.option(
    "--lang",
    "lang",
    type=click.Choice(LANGS),
    default=None,
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: int, lang: str | None) -> None:
    """Decide where extreme poverty must be fought first (see --help)."""
    ctx.meta[_VERBOSE] = verbose > 0
    if lang is not None:  # the default of every command's --lang
        ctx.default_map = {name: {"lang": lang} for name in COMMANDS}
    level = logging.WARNING - 10 * (verbose - quiet)
    logging.basicConfig(
        level=level, format="%(levelname)s: %(message)s", stream=sys.stderr
    )
    warnings.showwarning = _show_warning


def main() -> None:
    """Entry point of the ``geo-priority`` console script.

    Usage errors are printed in the language of ``--lang`` (``Galat:`` /
    ``Error:``), by :func:`geo_priority.cli._common.run_in_language`.
    """
    from geo_priority.cli._common import hold_results, run_in_language

    hold_results()  # the process leaves with os._exit, see _leave
    # One command is one short process that builds hundreds of thousands of
    # long-lived objects (codes, geometries, table cells): with the default
    # thresholds the cyclic collector's full passes over them cost about a
    # tenth of a national run's CPU. Collections stay on, only rarer.
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        run_in_language(cli, "geo-priority")
    except SystemExit as end:
        _leave(_exit_status(end.code))
    _leave(0)


def _exit_status(code: object) -> int:
    """Return the process's exit status for ``SystemExit(code)``, as Python does.

    None is 0, an int itself; anything else is printed to stderr and is 1.
    """
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _leave(status: int) -> NoReturn:
    """End the process with ``status`` once its output is flushed, now.

    Every output file is written, closed and renamed in place before the
    command returns (:mod:`geo_priority.io.output`); what is left is the
    interpreter's teardown, which frees each of a run's objects one by one
    (0.25-0.3 s of a 2 s Banten run, 0.3-0.4 s nationally) and waits for a
    display thread still drawing after an error. ``os._exit`` skips it, as
    a planner waiting for the prompt would wish.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe or stream
            stream.flush()
    os._exit(status)


__all__ = ["cli", "main"]
