"""Messages in the user's language: Bahasa Indonesia by default, English on request.

Every message a user reads (errors, notes, warnings, report lines) is written
in the code as an English template and passed through :func:`tr`, which
returns it in the active language: the Indonesian text from the catalogue
``geo_priority/locale/id/*.toml`` (one file per part of the tool, keyed by the
English template), or the
English template itself. Placeholders are :meth:`str.format` fields
(``{key!r}``), filled after translation, so both languages name the same
values.

The active language is a context variable: :func:`use_language` sets it for a
block (the CLI and :func:`geo_priority.pipeline.run` set it from
``outputs.lang`` / ``--lang``), :func:`set_language` for the rest of the
process. A test checks that every template in the package has its Indonesian
text.

Examples
--------
>>> with use_language("en"):
...     tr("{n} of {total} areas matched", n=8, total=8)
'8 of 8 areas matched'
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from typing import Literal

__all__ = ["MessageLang", "catalogue", "language", "set_language", "tr", "use_language"]

MessageLang = Literal["id", "en"]

_LANGUAGE: ContextVar[MessageLang] = ContextVar("geo_priority_language", default="id")


@cache
def catalogue(lang: str = "id") -> dict[str, str]:
    """Return the translations into ``lang``, keyed by the English template.

    Parameters
    ----------
    lang : str
        A language with a file ``geo_priority/locale/<lang>.toml``.

    Returns
    -------
    dict of str to str
        Empty for English (the templates are English).

    Raises
    ------
    ValueError
        When two catalogue files translate one template differently.
    """
    if lang == "en":
        return {}
    merged: dict[str, str] = {}
    folder = files("geo_priority").joinpath("locale", lang)
    for part in sorted(folder.iterdir(), key=lambda p: p.name):
        if not part.name.endswith(".toml"):
            continue
        for key, value in tomllib.loads(part.read_text("utf-8")).items():
            if merged.setdefault(str(key), str(value)) != str(value):
                raise ValueError(
                    f"{part.name}: {key!r} is translated twice, differently"
                )
    return merged


def language() -> MessageLang:
    """Return the active message language (``"id"`` unless set)."""
    return _LANGUAGE.get()


def set_language(lang: MessageLang) -> None:
    """Make ``lang`` the message language from now on (in this context)."""
    _LANGUAGE.set("en" if lang == "en" else "id")


@contextmanager
def use_language(lang: MessageLang) -> Iterator[None]:
    """Use ``lang`` for messages inside the ``with`` block.

    Parameters
    ----------
    lang : {"id", "en"}
    """
    token = _LANGUAGE.set("en" if lang == "en" else "id")
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def tr(template: str, /, **values: object) -> str:
    """Return ``template`` in the active language, its fields filled in.

    Parameters
    ----------
    template : str
        The English message, with :meth:`str.format` fields. Write it as a
        literal at the call site, so the catalogue test can find it.
    **values
        The values of the fields.

    Returns
    -------
    str
        The Indonesian text when the language is ``"id"`` and the catalogue
        has one, else the English template; filled in.
    """
    lang = _LANGUAGE.get()
    text = catalogue(lang).get(template, template) if lang != "en" else template
    return text.format(**values) if values else text
