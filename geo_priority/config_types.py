"""Check a config value against the type its dataclass field declares.

Every field of the config dataclasses is annotated (``int``, ``float``,
``Literal[...]``, ``tuple[...]``, unions with None); :func:`check_fields`
checks and normalises each value against its annotation and raises a
:class:`~geo_priority.errors.ConfigError` that names the TOML key, the value
given and what it must be — before any work starts.

Examples
--------
>>> from typing import Literal
>>> typed("natural-breaks", Literal["quantiles", "fisher_jenks"], "classify.scheme")
'fisher_jenks'
>>> typed(4.5, int, "classify.k")
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: classify.k = 4.5 harus bilangan bulat.
"""

from __future__ import annotations

import types
from dataclasses import fields
from typing import Literal, Union, get_args, get_origin, get_type_hints

from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = ["check_fields", "choice", "typed"]

_ALIASES = {
    "natural_breaks": "fisher_jenks",
    "jenks": "fisher_jenks",
    "quantile": "quantiles",
    "min_max": "minmax",
    "z_score": "zscore",
    "priority": "prioritas",
    "equalinterval": "equal_interval",
    "public": "publik",
}


def choice(value: object, allowed: tuple[str, ...], key: str) -> str:
    """Return ``value`` normalised if it is one of ``allowed``, else raise."""
    if not isinstance(value, str):
        raise ConfigError(
            tr(
                "{key} = {value!r} must be text in quotes, one of: {value2}.",
                key=key,
                value=value,
                value2=", ".join(allowed),
            )
        )
    text = value.strip().lower().replace("-", "_")
    text = _ALIASES.get(text, text)
    if text not in allowed:
        raise ConfigError(
            tr(
                "{key} = {value!r} is not allowed. Choose one of: {value2}.",
                key=key,
                value=value,
                value2=", ".join(allowed),
            )
        )
    return text


def _kind(hint: object) -> str:
    """Describe what a value of type ``hint`` looks like in TOML."""
    if get_origin(hint) is Literal:
        return tr("one of: {choices}", choices=", ".join(map(str, get_args(hint))))
    if get_origin(hint) is tuple:
        return tr("a list [...] whose items are {kind}", kind=_kind(get_args(hint)[0]))
    if hint is str:
        return tr("text in quotes")
    if hint is int:
        return tr("a whole number")
    if hint is float:
        return tr("a number")
    if hint is bool:
        return tr("true or false")
    return tr("a value of another kind")


def _is_union(hint: object) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def _wrong_type(key: str, value: object, hint: object) -> ConfigError:
    return ConfigError(
        tr(
            "{key} = {value!r} must be {value2}.",
            key=key,
            value=value,
            value2=_kind(hint),
        )
    )


def _scalar(value: object, hint: object, key: str) -> object:
    """Check one scalar against ``str``, ``int``, ``float`` or ``bool``."""
    if hint is bool and isinstance(value, bool):
        return value
    if isinstance(value, bool):
        raise _wrong_type(key, value, hint)
    if hint is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if hint is float and isinstance(value, int | float):
        return value  # an int stays as written (recorded as given)
    if isinstance(value, hint):  # type: ignore[arg-type]  # hint is a class here
        return value
    raise _wrong_type(key, value, hint)


def _union(value: object, hint: object, key: str) -> object:
    options = [a for a in get_args(hint) if a is not type(None)]
    if value is None and len(options) < len(get_args(hint)):
        return None
    if len(options) == 1:
        return typed(value, options[0], key)
    for option in options:
        try:
            return typed(value, option, key)
        except ConfigError:
            continue
    kinds = _kind(options[0])
    for option in options[1:]:
        kinds = tr("{first} or {second}", first=kinds, second=_kind(option))
    raise ConfigError(
        tr(
            "{key} = {value!r} must be {kinds}.",
            key=key,
            value=value,
            kinds=kinds,
        )
    )


def _sequence(value: object, hint: object, key: str) -> tuple[object, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        example = key.rsplit(".", 1)[-1]
        raise ConfigError(
            tr(
                "{key} = {value!r} must be a list in square brackets, e.g. {example} "
                "= [{value!r}].",
                key=key,
                value=value,
                example=example,
            )
        )
    item = get_args(hint)[0]
    return tuple(typed(v, item, f"{key}[{i}]") for i, v in enumerate(value))


def typed(value: object, hint: object, key: str) -> object:
    """Return ``value`` checked (and normalised) against the type ``hint``.

    Raises
    ------
    ConfigError
        Naming the TOML key, the value given and what it must be.
    """
    origin = get_origin(hint)
    if origin is Literal:
        return choice(value, get_args(hint), key)
    if _is_union(hint):
        return _union(value, hint, key)
    if origin is tuple:
        return _sequence(value, hint, key)
    if hint in (str, int, float, bool):
        return _scalar(value, hint, key)
    if origin is not None and isinstance(origin, type):  # Mapping[...] and the like
        if not isinstance(value, origin):
            raise ConfigError(
                tr(
                    "{key} = {value!r} must be a table of keys and values.",
                    key=key,
                    value=value,
                )
            )
        return value
    if isinstance(hint, type) and not isinstance(value, hint):
        raise _wrong_type(key, value, hint)
    return value


def check_fields(obj: object, prefix: str) -> None:
    """Check every field of dataclass ``obj`` against its annotation, in place.

    Text choices are normalised (``"natural-breaks"`` -> ``"fisher_jenks"``) and
    TOML lists become tuples.
    """
    hints = get_type_hints(type(obj))
    for f in fields(obj):  # type: ignore[arg-type]  # obj is a dataclass instance
        value = getattr(obj, f.name)
        checked = typed(value, hints[f.name], f"{prefix}{f.name}")
        if checked is not value:
            object.__setattr__(obj, f.name, checked)
