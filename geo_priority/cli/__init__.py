"""Command-line interface: thin click commands over the library.

Exit codes: 0 success; 1 data or runtime error (and ``check`` finding
problems); 2 usage error. A library error prints one line; with ``-v`` its
traceback comes first.
"""

from __future__ import annotations

import logging
import sys
import traceback
import warnings
from typing import Any

import click

from geo_priority.cli.lazy import LazyGroup
from geo_priority.cli.options import quiet_opt, verbose_opt
from geo_priority.errors import GeoPriorityError
from geo_priority.messages import tr, use_language

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


class PriorityGroup(LazyGroup):
    """A click group that turns library errors into exit code 1.

    Its commands are imported when used (:mod:`geo_priority.cli.lazy`).
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the command, translating :class:`GeoPriorityError`.

        Messages are Indonesian unless ``--lang en`` (or the config's
        ``outputs.lang``) chose English; the language is restored afterwards.
        The error becomes one line on stderr; with ``-v`` the traceback is
        printed before it.
        """
        with use_language("id"):
            try:
                return super().invoke(ctx)
            except GeoPriorityError as err:
                if ctx.meta.get(_VERBOSE):
                    click.echo(traceback.format_exc().rstrip(), err=True)
                raise Failure(str(err)) from err
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


@click.group(cls=PriorityGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="geo-priority")
@verbose_opt
@quiet_opt
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: int) -> None:
    """Decide where extreme poverty must be fought first (geo-priority).

    Reads boundaries and indicator tables, harmonises Indonesian region codes,
    scores and classifies areas, and writes maps, GIS layers and tables.
    Add -v for debug logging; data errors exit 1, usage errors 2.
    """
    ctx.meta[_VERBOSE] = verbose > 0
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
    from geo_priority.cli._common import run_in_language

    run_in_language(cli, "geo-priority")


__all__ = ["cli", "main"]
