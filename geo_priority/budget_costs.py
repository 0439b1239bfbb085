"""Unit costs of the programmes, with their sources (``data/unit_costs.toml``).

Each cost is read with its value, unit (``per`` family or person), period
(month or year), year and source. A user overrides any of them in a budget
config's ``[unit_costs]`` table or a file given with ``--unit-costs``, in the
same layout as the shipped file; a short form ``sembako = 250000`` changes only
the value, and the cost's source then says it was set by the user.

Examples
--------
>>> book = load_costbook()
>>> book.annual("sembako"), book.annual("pbi_jk")
(2400000.0, 504000.0)
>>> book = load_costbook({"sembako": 250000}, origin="anggaran.toml")
>>> book.annual("sembako"), book.costs["sembako"].verified
(3000000.0, False)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from geo_priority.errors import ConfigError
from geo_priority.io.shipped import shipped_data_file
from geo_priority.messages import tr

__all__ = [
    "PROGRAMMES",
    "CostBook",
    "UnitCost",
    "load_costbook",
    "read_cost_file",
]

#: Programmes a bundle may hold.
PROGRAMMES = ("pkh", "sembako", "pbi_jk", "pip", "blt_dd")
_PERS = ("family", "person")
_PERIODS = ("year", "month")
_COST_KEYS = frozenset(
    {"label", "value", "per", "period", "year", "source", "checked", "verified"}
    | {"note"}
)


@dataclass(frozen=True)
class UnitCost:
    """One programme's unit cost, as published.

    Attributes
    ----------
    key : str
        ``pkh_sd``, ``sembako``, ``pbi_jk``...
    label : str
    value : float
        Rupiah per ``per`` per ``period``.
    per : {"family", "person"}
    period : {"year", "month"}
    year : int or None
        The year the figure applies to.
    source : str
        The regulation (number/year, article) or official page it comes from.
    checked : str
        The pages read to check it, with the date they were read.
    verified : bool
        True only when the figure was read in the regulation's own text or
        on an official (go.id) page for the year it applies to; a figure a
        user sets is never verified.
    note : str
        What was and what was not confirmed.
    """

    key: str
    label: str
    value: float
    per: str
    period: str
    year: int | None
    source: str
    checked: str = ""
    verified: bool = False
    note: str = ""


@dataclass(frozen=True)
class CostBook:
    """The unit costs and the stated assumptions of one budget run.

    Attributes
    ----------
    costs : Mapping of str to UnitCost
    household_size : float
        Persons per (poor) family, to turn persons into families.
    household_source : str
    bundle : tuple of str
        Programmes one target family is costed with (:data:`PROGRAMMES`).
    pkh_components : tuple of str
        The PKH components one family is costed with.
    pip_level : str
        The PIP cost key of a person aged 6-21.
    months : int
        Months of a monthly programme in one year.
    """

    costs: Mapping[str, UnitCost]
    household_size: float
    household_source: str
    bundle: tuple[str, ...]
    pkh_components: tuple[str, ...]
    pip_level: str
    months: int = 12

    def annual(self, key: str) -> float:
        """Return one year of cost ``key`` (a monthly cost times ``months``)."""
        cost = self.costs[key]
        return float(cost.value) * (self.months if cost.period == "month" else 1)

    def pkh_family(self) -> float:
        """Return one year of PKH for one family (its costed components)."""
        return sum(self.annual(k) for k in self.pkh_components)

    def used_keys(self) -> list[str]:
        """Return the cost keys the bundle uses, in bundle order."""
        keys: list[str] = []
        for p in self.bundle:
            keys += {
                "pkh": list(self.pkh_components),
                "pip": [self.pip_level],
            }.get(p, [p])
        return keys


def _fail(key: str, value: object, expected: str) -> ConfigError:
    return ConfigError(
        tr(
            "unit_costs: {key} = {value!r} is not valid; {expected}",
            key=key,
            value=value,
            expected=expected,
        )
    )


def _positive(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(key, value, tr("give a number of rupiah of 0 or more."))
    return float(value)


def _cost(key: str, data: Mapping[str, Any]) -> UnitCost:
    unknown = sorted(set(data) - _COST_KEYS)
    if unknown:
        raise _fail(
            f"costs.{key}",
            unknown,
            tr("known keys: {keys}.", keys=", ".join(sorted(_COST_KEYS))),
        )
    per, period = data.get("per", "family"), data.get("period", "year")
    if per not in _PERS:
        raise _fail(f"costs.{key}.per", per, tr('use "family" or "person".'))
    if period not in _PERIODS:
        raise _fail(f"costs.{key}.period", period, tr('use "year" or "month".'))
    if not str(data.get("source", "")).strip():
        raise _fail(
            f"costs.{key}.source",
            data.get("source", ""),
            tr("every unit cost needs its source (regulation or official statement)."),
        )
    return UnitCost(
        key=key,
        label=str(data.get("label", key)),
        value=_positive(f"costs.{key}.value", data.get("value")),
        per=str(per),
        period=str(period),
        year=int(data["year"]) if "year" in data else None,
        source=str(data["source"]),
        checked=str(data.get("checked", "")),
        verified=_flag(f"costs.{key}.verified", data.get("verified", False)),
        note=str(data.get("note", "")),
    )


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(key, value, tr("use true or false."))
    return value


def read_cost_file(path: str | Path) -> dict[str, Any]:
    """Read a unit-cost TOML file (the layout of ``data/unit_costs.toml``).

    Raises
    ------
    ConfigError
        When the file is missing or not valid TOML.
    """
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(
            tr(
                "--unit-costs: cannot read {path!r} ({detail}). Check the path.",
                path=str(path),
                detail=err.strerror or err,
            )
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            tr(
                "--unit-costs: {path!r} is not valid TOML: {detail}",
                path=str(path),
                detail=err,
            )
        ) from err


def _merge_costs(
    base: dict[str, UnitCost], overrides: Mapping[str, Any], origin: str
) -> dict[str, UnitCost]:
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping):
            merged = {**_as_dict(out.get(key)), **value}
            if key in out and "value" in value and "source" not in value:
                merged["source"] = tr("set by the user in {origin}", origin=origin)
                merged["checked"] = ""
                merged["verified"] = False
                merged["note"] = ""
            out[key] = _cost(key, merged)
        elif key in out:
            user = tr("set by the user in {origin}", origin=origin)
            out[key] = replace(
                out[key],
                value=_positive(key, value),
                source=user,
                checked="",
                verified=False,
                note="",
            )
        else:
            raise _fail(
                key,
                value,
                tr("unknown unit cost; known: {keys}.", keys=", ".join(sorted(out))),
            )
    return out


def _as_dict(cost: UnitCost | None) -> dict[str, Any]:
    if cost is None:
        return {}
    return {
        "label": cost.label,
        "value": cost.value,
        "per": cost.per,
        "period": cost.period,
        "source": cost.source,
        "checked": cost.checked,
        "verified": cost.verified,
        "note": cost.note,
        **({"year": cost.year} if cost.year is not None else {}),
    }


def _split(overrides: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """Split an override table into costs, household and assumptions."""
    costs = dict(overrides.get("costs", {}))
    household = dict(overrides.get("household", {}))
    assumptions = dict(overrides.get("assumptions", {}))
    for key, value in overrides.items():
        if key not in ("costs", "household", "assumptions"):
            costs[key] = value
    return costs, household, assumptions


def _check_assumptions(book: CostBook) -> CostBook:
    bad = [p for p in book.bundle if p not in PROGRAMMES]
    if bad or not book.bundle:
        raise _fail(
            "assumptions.bundle",
            list(book.bundle),
            tr("choose from {keys}.", keys=", ".join(PROGRAMMES)),
        )
    for key in (*book.pkh_components, book.pip_level):
        if key not in book.costs:
            raise _fail(
                "assumptions",
                key,
                tr("unknown unit cost; known: {keys}.", keys=", ".join(book.costs)),
            )
    if not book.household_size > 0 or book.months < 1:
        raise _fail(
            "household.value / assumptions.months",
            (book.household_size, book.months),
            tr("give a household size above 0 and at least 1 month."),
        )
    return book


def load_costbook(
    overrides: Mapping[str, Any] | None = None, *, origin: str = "--unit-costs"
) -> CostBook:
    """Return the shipped unit costs with ``overrides`` applied.

    Parameters
    ----------
    overrides : Mapping, optional
        A ``[unit_costs]`` table: ``costs``, ``household`` and ``assumptions``
        sub-tables as in ``data/unit_costs.toml``, or ``key = value`` for a
        cost's value only.
    origin : str
        Where the overrides come from (named as their source).

    Raises
    ------
    ConfigError
        For an unknown key, a negative value or a cost without a source.
    """
    shipped = read_cost_file(shipped_data_file("unit_costs.toml"))
    base = {k: _cost(k, v) for k, v in shipped["costs"].items()}
    costs, household, assumptions = _split(overrides or {})
    merged = _merge_costs(base, costs, origin)
    house = {**shipped["household"], **household}
    if household and "source" not in household:
        house["source"] = tr("set by the user in {origin}", origin=origin)
    rules = {**shipped["assumptions"], **assumptions}
    book = CostBook(
        costs=merged,
        household_size=float(house["value"]),
        household_source=str(house["source"]),
        bundle=tuple(rules["bundle"]),
        pkh_components=tuple(rules["pkh_components"]),
        pip_level=str(rules["pip_level"]),
        months=int(rules.get("months", 12)),
    )
    return _check_assumptions(book)
