"""One check of unknown keys in a TOML table, with a "did you mean".

Every reader of a TOML file (the run config, ``[budget]``, ``[[target]]``,
the microdata registry config and programme catalogue) rejects a key it does
not know with this check, so the user reads one wording: the table, the
offending key(s), the closest known key when one is close, and the known keys.

Examples
--------
>>> check_known_keys({"scheme": "quantiles"}, {"breaks", "k", "scheme"}, "[classify]")
>>> from geo_priority.messages import use_language
>>> with use_language("en"):
...     check_known_keys({"shceme": "x"}, {"breaks", "k", "scheme"}, "[classify]")
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: unknown key(s) in [classify]: 'shceme'. Did you mean 'scheme'? Known keys: breaks, k, scheme.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Collection, Iterable
from difflib import get_close_matches

from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = ["TOP_LEVEL", "check_known_keys", "unknown_keys_message"]

TOP_LEVEL: None = None
"""The ``section`` of keys written before the first ``[section]`` of a run config."""


def check_known_keys(
    data: Iterable[str], known: Collection[str], section: str | None
) -> None:
    """Raise :class:`ConfigError` when ``data`` has a key not in ``known``.

    Parameters
    ----------
    data : iterable of str
        The keys of a TOML table (a mapping is iterated over its keys).
    known : collection of str
        The keys the table may hold; the message lists them sorted.
    section : str or None
        The table as the user wrote it, e.g. ``"[classify]"`` or
        ``"[[exports]] number 2"``; :data:`TOP_LEVEL` (``None``) for the keys
        before the first ``[section]`` of a run config.

    Raises
    ------
    ConfigError
        Naming the section, the unknown key(s), the closest known key of each
        when one is close, and the known keys.
    """
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(unknown_keys_message(unknown, known, section))


def unknown_keys_message(
    unknown: Collection[str], known: Collection[str], section: str | None
) -> str:
    """Return the message of :func:`check_known_keys` in the active language.

    Parameters
    ----------
    unknown : collection of str
        The offending keys, non-empty.
    known : collection of str
        The keys the table may hold.
    section : str or None
        As in :func:`check_known_keys`.

    Returns
    -------
    str
        One sentence naming the section and the keys, a "did you mean" when a
        known key is close, and the known keys.
    """
    keys = ", ".join(map(repr, sorted(unknown)))
    listed = ", ".join(sorted(known)) or "-"
    hint = _suggestion(sorted(unknown), sorted(known))
    if section is TOP_LEVEL:
        return tr(
            "unknown key(s) at the top of the config (before the first "
            "[section]): {keys}. {hint}Known keys: {known}.",
            keys=keys,
            hint=hint,
            known=listed,
        )
    return tr(
        "unknown key(s) in {section}: {keys}. {hint}Known keys: {known}.",
        section=section,
        keys=keys,
        hint=hint,
        known=listed,
    )


def _suggestion(unknown: list[str], known: list[str]) -> str:
    """Return ``"Did you mean 'x'? "`` for the unknown keys close to a known one."""
    pairs = [
        (key, match[0])
        for key in unknown
        if (match := get_close_matches(key, known, n=1))
    ]
    if not pairs:
        return ""
    if len(unknown) == 1:
        return tr("Did you mean {match!r}?", match=pairs[0][1]) + " "
    each = ", ".join(
        tr("{match!r} (not {key!r})", match=match, key=key) for key, match in pairs
    )
    return tr("Did you mean {pairs}?", pairs=each) + " "
