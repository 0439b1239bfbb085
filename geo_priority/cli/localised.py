"""Help and usage errors in the language of ``--lang``.

:class:`LocalisedCommand` and :class:`LocalisedGroup` write their ``--help``
in the language of ``--lang`` (wherever it stands on the line; Indonesian
without it) from texts written as ``tr(...)`` templates, and their usage
errors ("Galat: ...") likewise; :func:`run_in_language` does the same for the
usage errors of a whole group (an unknown command, a bad option of any
command). click's own words around them are worded by
:mod:`geo_priority.cli.click_words`.

This module imports only click and :mod:`geo_priority.messages`, so the
``geo-priority`` group can use it without loading any command's libraries.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, NoReturn

import click

from geo_priority.messages import MessageLang, tr, use_language


def _lang(lang: str) -> MessageLang:
    return "en" if lang == "en" else "id"


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
    if isinstance(err, click.exceptions.NoArgsIsHelpError):
        return err.format_message()  # a group without a command: its help
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


def _asked_lang(args: Sequence[str]) -> MessageLang | None:
    """Return the language ``--lang`` asks for on ``args``, None without it."""
    if not any(a == "--lang" or a.startswith("--lang=") for a in args):
        return None
    return lang_in_args(args)


def _no_texts() -> Mapping[str, str]:
    return {}


def _metavar_words() -> dict[str, str]:
    """Return the help's placeholders (``TEXT``, ``[OPTIONS]``), in the language."""
    return {
        "TEXT": tr("TEXT"),
        "INTEGER": tr("INTEGER"),
        "INTEGER RANGE": tr("INTEGER RANGE"),
        "FLOAT": tr("FLOAT"),
        "FLOAT RANGE": tr("FLOAT RANGE"),
        "LAYER": tr("LAYER"),
        "METRES": tr("METRES"),
        "FIELD=COLUMN": tr("FIELD=COLUMN"),
        "[OPTIONS]": tr("[OPTIONS]"),
        "COMMAND [ARGS]...": tr("COMMAND [ARGS]..."),
    }


#: Where a parameter keeps its English placeholder (its own, or its type's).
_ENGLISH_METAVAR = "_geo_priority_metavar"


def _localise_metavar(param: click.Parameter, words: Mapping[str, str]) -> None:
    """Write ``param``'s placeholder in the active language, when it is a known word.

    Paths word themselves (:class:`~geo_priority.cli.options.LocalPath`),
    choices list their values; other placeholders are left as they are.
    """
    if not hasattr(param, _ENGLISH_METAVAR):
        english = param.metavar or param.type.name.upper()
        setattr(param, _ENGLISH_METAVAR, english if english in words else None)
    english = getattr(param, _ENGLISH_METAVAR)
    if english is not None:
        param.metavar = words[english]


class _Localised(click.Command):
    """Help and usage errors that follow ``--lang`` (see :class:`LocalisedCommand`)."""

    def __init__(
        self,
        *args: Any,
        texts: Callable[[], Mapping[str, str]] = _no_texts,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._texts = texts
        #: click's English usage words, kept to be worded in each language
        self._usage = (self.options_metavar, getattr(self, "subcommand_metavar", None))
        # worded when shown (help, usage, a group's list of commands), not
        # here: the translations are read then, not before every command runs

    def _localise(self) -> None:
        """Set the help texts from :attr:`_texts` in the active language."""
        texts = self._texts()
        self.help = texts.get("help", self.help)
        self.short_help = texts.get("short_help", self.short_help)
        words = _metavar_words()
        options, subcommand = self._usage
        self.options_metavar = words.get(options or "", options)
        if subcommand is not None:
            self.subcommand_metavar = words.get(subcommand, subcommand)
        for param in self.params:
            if isinstance(param, click.Option) and param.name in texts:
                param.help = texts[str(param.name)]
            _localise_metavar(param, words)

    def get_short_help_str(self, limit: int = 45) -> str:
        """Return the short help in the active language (a group's listing)."""
        self._localise()
        return super().get_short_help_str(limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Return the ``--help`` option, its own help in the active language."""
        option = super().get_help_option(ctx)
        if option is not None:
            default = tr("Show this message and exit.")
            option.help = self._texts().get("help_option", default)
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Note the language of ``--lang`` before click reads the line.

        Without ``--lang`` on its own line a command keeps the language its
        group was asked for (``geo-priority --lang en run --help``).
        """
        asked = _asked_lang(args)
        if asked is not None:
            ctx.meta[HELP_LANG] = asked
        else:
            ctx.meta.setdefault(HELP_LANG, "id")
        return super().parse_args(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Make the context; a usage error prints in the language of ``--lang``."""
        # read before click's parser consumes ``args``
        asked = _asked_lang(args)
        lang: MessageLang = asked or (
            parent.meta.get(HELP_LANG, "id") if parent is not None else "id"
        )
        try:
            with use_language(lang):
                return super().make_context(info_name, args, parent, **extra)
        except LocalisedUsageError:
            raise
        except click.UsageError as err:
            raise LocalisedUsageError(err, lang) from err

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the usage line, its ``Usage:`` in the active language."""
        self._localise()  # a usage error's line: its placeholders too
        pieces = " ".join(self.collect_usage_pieces(ctx))
        formatter.write_usage(ctx.command_path, pieces, prefix=tr("Usage:") + " ")

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the help in the language of ``--lang`` (Indonesian without it)."""
        with use_language(ctx.meta.get(HELP_LANG, "id")):
            self._localise()
            try:
                super().format_help(ctx, formatter)
            finally:
                with use_language("id"):
                    self._localise()


class LocalisedCommand(_Localised):
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

    Notes
    -----
    click's own words around them ("Usage:", "Options", "[default: ...]",
    "does not exist") follow the active language through
    :mod:`geo_priority.cli.click_words`.
    """


class LocalisedGroup(_Localised, click.Group):
    """A click group whose help (and list of commands) follows ``--lang``.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`click.Group`, and ``texts`` as for
        :class:`LocalisedCommand`.

    Notes
    -----
    The language of its help is that of ``--lang`` anywhere on the line (the
    group's own option or a command's).
    """


#: Where :class:`LocalisedCommand` keeps the language of ``--lang`` (ctx.meta).
HELP_LANG = "geo_priority.help_lang"


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
        with use_language(lang):  # click's "Error:" in the language of --lang
            err.show()
        sys.exit(err.exit_code)
    except click.Abort:
        with use_language(lang):
            click.echo(tr("Aborted!"), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)


__all__ = [
    "HELP_LANG",
    "LocalisedCommand",
    "LocalisedGroup",
    "LocalisedUsageError",
    "lang_in_args",
    "run_in_language",
    "usage_error_text",
]
