"""click's own words in the language of the command line.

click writes its messages ("No such command", "File 'x' does not exist.",
"is not one of", "[default: ...]", "Commands", ...) through
:func:`gettext.gettext`, imported as ``_`` (and ``ngettext``) into each of
its modules. :func:`install` replaces those two names in click's modules by
functions that look the English text up in the tool's catalogue
(``geo_priority/locale/id/click.toml``) in the active message language
(:func:`geo_priority.messages.language`), so a usage error or a help page
made while Indonesian is active is Indonesian, with English on ``--lang en``.

A text the catalogue does not hold stays click's English; the test
``tests/test_cli_help.py`` checks that every catalogued text is still one of
click's, so a click release that rewords one fails it instead of falling
back silently.

Examples
--------
>>> from geo_priority.messages import use_language
>>> install()
>>> import click.types
>>> with use_language("id"):
...     click.types._("{name} {filename!r} does not exist.")
'{name} {filename!r} tidak ada.'
>>> with use_language("en"):
...     click.types._("{name} {filename!r} does not exist.")
'{name} {filename!r} does not exist.'
"""

from __future__ import annotations

import importlib

from geo_priority.messages import catalogue, language

#: click's modules that write user-facing words through ``_``/``ngettext``.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def click_text(message: str) -> str:
    """Return click's English ``message`` in the active language.

    Parameters
    ----------
    message : str
        One of click's English texts (a :meth:`str.format` template).

    Returns
    -------
    str
        The Indonesian text when Indonesian is active and catalogued, else
        ``message``.
    """
    lang = language()
    if lang == "en":
        return message
    return catalogue(lang).get(message, message)


def click_plural(singular: str, plural: str, n: int) -> str:
    """Return click's singular or plural text in the active language.

    Indonesian has one form for both: each is catalogued with it.
    """
    return click_text(singular if n == 1 else plural)


def install() -> None:
    """Make click's modules write their words through :func:`click_text`.

    Idempotent; the CLI calls it when :mod:`geo_priority.cli` is imported.
    """
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = click_text  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_plural  # type: ignore[attr-defined]


__all__ = ["CLICK_MODULES", "click_plural", "click_text", "install"]
