"""The check shared by the microdata TOML readers: no unknown keys in a table.

Examples
--------
>>> reject_unknown_keys({"path": "a.csv"}, ("path", "level"), "[[exports]] number 1")
>>> reject_unknown_keys({"pth": "a.csv"}, ("path", "level"), "[[exports]] number 1")
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: [[exports]] number 1 memuat kunci yang tidak dikenal ['pth']; yang boleh: path, level.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = ["reject_unknown_keys"]


def reject_unknown_keys(
    table: Mapping[str, Any], allowed: Sequence[str], where: str
) -> None:
    """Raise :class:`ConfigError` when ``table`` has a key not in ``allowed``.

    Parameters
    ----------
    table : mapping
        A TOML table.
    allowed : sequence of str
        Its keys, in the order the message lists them.
    where : str
        The table, as the user wrote it (e.g. ``[[exports]] number 2``).

    Raises
    ------
    ConfigError
        Naming the unknown keys and the allowed ones.
    """
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(
            tr(
                "{where} has unknown keys {unknown!r}; allowed: {allowed}.",
                where=where,
                unknown=unknown,
                allowed=", ".join(allowed),
            )
        )
