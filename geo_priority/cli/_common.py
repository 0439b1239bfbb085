"""Shared CLI helpers: the words of the CLI and the report of a run.

Every line is in the run's language (``--lang`` / ``outputs.lang``), through
:func:`geo_priority.messages.tr`. The options live in
:mod:`geo_priority.cli.options`.

:class:`LocalisedCommand` writes a command's ``--help`` in the language of
``--lang`` (wherever it stands on the line) and its usage errors ("Galat:
...") likewise; :func:`run_in_language` does the same for the usage errors of
a whole group (an unknown command, a bad option of any command).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from geo_priority.join_report import REPORT_FILE, summary_text, table_code_systems
from geo_priority.messages import MessageLang, tr, use_language
from geo_priority.metadata import code_sentence

if TYPE_CHECKING:
    from geo_priority.pipeline import RunResult

#: The CLI's short words, by key; each a literal template for the catalogue.
_WORDS: dict[str, Callable[[], str]] = {
    "written": lambda: tr("Written"),
    "join": lambda: tr("Tables matched to areas"),
    "note": lambda: tr("Note"),
    "problem": lambda: tr("Problem"),
    "ok": lambda: tr("All inputs and the join are fine."),
    "warning": lambda: tr("warning"),
    "schematic": lambda: tr("SCHEMATIC MAP (real boundaries unavailable)"),
}


def _lang(lang: str) -> MessageLang:
    return "en" if lang == "en" else "id"


def msg(key: str, lang: str) -> str:
    """Return CLI word ``key`` in ``lang`` (``"id"`` or ``"en"``).

    Examples
    --------
    >>> msg("problem", "id"), msg("problem", "en")
    ('Masalah', 'Problem')
    """
    with use_language(_lang(lang)):
        return _WORDS[key]()


def _report_file(result: RunResult) -> Path | None:
    files = result.files or tuple(result.outputs.values())
    return next((p for p in files if p.name.endswith(REPORT_FILE)), None)


def run_lines(result: RunResult, lang: str) -> list[str]:
    """Return the lines ``geo-priority`` prints to stderr about a run.

    The join summary says where every row is listed (the join report file,
    when the run wrote one); then the code system of the tables and the
    boundaries, in words (in place of the join's notes on how codes were
    read), and the other notes.

    Parameters
    ----------
    result : RunResult
    lang : {"id", "en"}

    Returns
    -------
    list of str
    """
    analysis = result.analysis
    with use_language(_lang(lang)):
        summary = f"{tr('Tables matched to areas')}: {summary_text(analysis.report)}"
        report = _report_file(result)
        if report is not None:
            summary += tr(" (every row: {file})", file=report.name)
        lines = [summary, _codes_line(result)]
        told = set(analysis.report.notes)
        lines += [f"{tr('Note')}: {n}" for n in analysis.notes if n not in told]
    return lines


def _codes_line(result: RunResult) -> str:
    analysis = result.analysis
    system = analysis.areas.attrs.get("code_system")
    tables = [(t.label, t.code_system) for t in analysis.config.tables]
    return code_sentence(
        {
            "system": system,
            "tables": table_code_systems(analysis.report, tables, system),
        }
    )


def report_run(result: RunResult, lang: str) -> None:
    """Print the join summary and notes to stderr and written paths to stdout."""
    if result.analysis.schematic:
        click.secho(msg("schematic", lang), err=True, fg="red", bold=True)
    for line in run_lines(result, lang):
        click.echo(line, err=True)
    for path in result.files or tuple(result.outputs.values()):
        click.echo(str(path))


# --- help and usage errors in the language of --lang ---------------------------


def lang_in_args(args: Sequence[str]) -> MessageLang:
    """Return the language a command line asks for with ``--lang`` (else "id").

    ``--lang`` is read wherever it stands (also after ``--help``), before
    click parses the line, so help and usage errors can be written in it.

    Examples
    --------
    >>> lang_in_args(["--help", "--lang", "en"]), lang_in_args(["--lang=en"])
    ('en', 'en')
    >>> lang_in_args(["--input", "x.toml"])
    'id'
    """
    chosen = "id"
    items = list(args)
    for i, item in enumerate(items):
        if item == "--":
            break
        if item == "--lang" and i + 1 < len(items):
            chosen = items[i + 1]
        elif item.startswith("--lang="):
            chosen = item.partition("=")[2]
    return _lang(chosen)


def _hint(err: click.BadParameter) -> str:
    if err.param is not None and err.ctx is not None:
        return str(err.param.get_error_hint(err.ctx))
    return str(err.param_hint or "")


def _missing(err: click.MissingParameter) -> str:
    hint = _hint(err)
    if isinstance(err.param, click.Argument) or err.param_type == "argument":
        return tr("Missing argument {name}.", name=hint)
    return tr("Missing option {name}.", name=hint)


def _no_such_option(err: click.NoSuchOption) -> str:
    text = tr("No such option: {name}", name=err.option_name)
    possible = sorted(err.possibilities or ())
    if len(possible) == 1:
        return text + "  " + tr("Did you mean {option}?", option=possible[0])
    if possible:
        return (
            text
            + "  "
            + tr("(Possible options: {options})", options=", ".join(possible))
        )
    return text


def usage_error_text(err: click.UsageError, lang: MessageLang) -> str:
    """Return what a usage error prints, in ``lang``: usage, hint and ``Galat:``.

    click writes "Usage:", "Try ... for help." and "Error:" in English; here
    they, and the sentence around the parameter of a missing option, an
    unknown option or a bad value, follow ``lang``. A message the tool wrote
    is already in the language that was active when it was raised.
    """
    with use_language(lang):
        if isinstance(err, click.MissingParameter):
            message = _missing(err)
        elif isinstance(err, click.NoSuchOption):
            message = _no_such_option(err)
        elif isinstance(err, click.BadParameter):
            message = tr(
                "Invalid value for {name}: {message}",
                name=_hint(err),
                message=err.message,
            )
        else:
            message = err.format_message()
        lines = []
        ctx = err.ctx
        if ctx is not None:
            usage = ctx.get_usage()  # a LocalisedCommand's is already in ``lang``
            if usage.startswith("Usage:"):
                usage = tr("Usage:") + usage.removeprefix("Usage:")
            lines.append(usage)
            if ctx.command.get_help_option(ctx) is not None:
                command = f"'{ctx.command_path} {ctx.help_option_names[0]}'"
                lines.append(tr("Try {command} for help.", command=command))
            lines.append("")
        lines.append(tr("Error: {message}", message=message))
    return "\n".join(lines)


class LocalisedUsageError(click.UsageError):
    """A click usage error that prints itself in a chosen language."""

    def __init__(self, err: click.UsageError, lang: MessageLang) -> None:
        super().__init__(err.format_message(), err.ctx)
        self.original = err
        self.lang: MessageLang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        """Print usage, hint and the ``Galat:``/``Error:`` line on stderr."""
        click.echo(usage_error_text(self.original, self.lang), err=True, file=file)


class LocalisedCommand(click.Command):
    """A click command whose help and usage errors follow ``--lang``.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`click.Command`.
    texts : callable
        Returns the help texts in the active language, from literal
        ``tr(...)`` templates: ``"help"`` and ``"short_help"`` of the
        command, ``"help_option"`` for ``--help`` itself, and the help of
        each option by its parameter name.
    """

    def __init__(
        self, *args: Any, texts: Callable[[], Mapping[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._texts = texts
        with use_language("id"):  # the group's list of commands is Indonesian
            self._localise()

    def _localise(self) -> None:
        texts = self._texts()
        self.help = texts.get("help", self.help)
        self.short_help = texts.get("short_help", self.short_help)
        for param in self.params:
            if isinstance(param, click.Option) and param.name in texts:
                param.help = texts[str(param.name)]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Return the ``--help`` option, its own help in the active language."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = self._texts().get("help_option", option.help)
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Note the language of ``--lang`` before click reads the line."""
        ctx.meta[_HELP_LANG] = lang_in_args(args)
        return super().parse_args(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Make the context; a usage error prints in the language of ``--lang``."""
        lang = lang_in_args(args)  # before click's parser consumes ``args``
        try:
            return super().make_context(info_name, args, parent, **extra)
        except LocalisedUsageError:
            raise
        except click.UsageError as err:
            raise LocalisedUsageError(err, lang) from err

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the usage line, its ``Usage:`` in the active language."""
        pieces = " ".join(self.collect_usage_pieces(ctx))
        formatter.write_usage(ctx.command_path, pieces, prefix=tr("Usage:") + " ")

    def format_options(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """Write the options, under a heading in the active language."""
        required = tr("[required]")
        rows = [
            (term, text.replace("[required]", required))
            for p in self.get_params(ctx)
            if (record := p.get_help_record(ctx))
            for term, text in (record,)
        ]
        if rows:
            with formatter.section(tr("Options")):
                formatter.write_dl(rows)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the help in the language of ``--lang`` (Indonesian without it)."""
        with use_language(ctx.meta.get(_HELP_LANG, "id")):
            self._localise()
            try:
                super().format_help(ctx, formatter)
            finally:
                with use_language("id"):
                    self._localise()


#: Where :class:`LocalisedCommand` keeps the language of ``--lang`` (ctx.meta).
_HELP_LANG = "geo_priority.help_lang"


def run_in_language(
    command: click.Command, prog_name: str, args: Sequence[str] | None = None
) -> NoReturn:
    """Run ``command`` as a console script, usage errors in ``--lang``'s language.

    click prints usage errors with an English ``Error:``; this runs the
    command with ``standalone_mode=False`` and prints them itself (see
    :func:`usage_error_text`). Other errors print as click prints them (the
    tool's own ``Failure`` is already localised). Exits with click's codes:
    0, 1 for an error, 2 for a usage error.
    """
    argv = list(sys.argv[1:] if args is None else args)
    lang = lang_in_args(argv)
    try:
        code = command.main(argv, prog_name=prog_name, standalone_mode=False)
    except click.UsageError as err:
        original = err.original if isinstance(err, LocalisedUsageError) else err
        click.echo(usage_error_text(original, lang), err=True)
        sys.exit(err.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.Abort:
        with use_language(lang):
            click.echo(tr("Aborted!"), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)
