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

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Literal

__all__ = [
    "MessageLang",
    "catalogue",
    "compile_catalogue",
    "language",
    "set_language",
    "tr",
    "use_language",
]

MessageLang = Literal["id", "en"]

_LANGUAGE: ContextVar[MessageLang] = ContextVar("geo_priority_language", default="id")


#: The message catalogues: ``locale/<lang>/*.toml`` (one file per part of
#: the tool) and, compiled from them, ``locale/<lang>.json``.
LOCALE = Path(__file__).resolve().parent / "locale"


@cache
def catalogue(lang: str = "id") -> dict[str, str]:
    """Return the translations into ``lang``, keyed by the English template.

    Read from the compiled catalogue ``locale/<lang>.json`` when it was made
    from the TOML files as they are now (the sha256 of their names and
    bytes), as gettext reads ``.mo`` files compiled from ``.po``: about 2 ms
    instead of the 30 ms of parsing the TOML files, before every command.
    Otherwise (a catalogue file edited since) the TOML files are parsed;
    :func:`compile_catalogue` writes the compiled one again.

    Parameters
    ----------
    lang : str
        A language with a folder ``geo_priority/locale/<lang>``.

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
    sources = _sources(lang)
    compiled = LOCALE / f"{lang}.json"
    if compiled.is_file():
        made = json.loads(compiled.read_bytes())
        if made.get("sources_sha256") == _digest(sources):
            return dict(made["texts"])
    return _parsed(sources)


def compile_catalogue(lang: str = "id") -> Path:
    """Write ``locale/<lang>.json``, the compiled catalogue :func:`catalogue` reads.

    Run ``python -m geo_priority.messages`` after editing a catalogue file;
    a test fails while the compiled catalogue is older than its files.
    """
    sources = _sources(lang)
    made = {"sources_sha256": _digest(sources), "texts": _parsed(sources)}
    path = LOCALE / f"{lang}.json"
    text = json.dumps(made, ensure_ascii=False, indent=0, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _sources(lang: str) -> list[tuple[str, bytes]]:
    """Return the catalogue files of ``lang`` by name: (name, bytes)."""
    folder = LOCALE / lang
    parts = sorted(p for p in folder.iterdir() if p.name.endswith(".toml"))
    return [(part.name, part.read_bytes()) for part in parts]


def _digest(sources: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, raw in sources:
        digest.update(f"{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    return digest.hexdigest()


def _parsed(sources: list[tuple[str, bytes]]) -> dict[str, str]:
    """Merge the catalogue files (TOML, keyed by the English template)."""
    import tomllib

    merged: dict[str, str] = {}
    for name, raw in sources:
        for key, value in tomllib.loads(raw.decode("utf-8")).items():
            if merged.setdefault(str(key), str(value)) != str(value):
                raise ValueError(f"{name}: {key!r} is translated twice, differently")
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


if __name__ == "__main__":  # python -m geo_priority.messages
    print(compile_catalogue("id"))
