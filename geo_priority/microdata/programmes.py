"""The programme catalogue: which yes/no flags are programmes, whose, for what.

Defaults come from ``data/programmes.toml`` (shipped with geo-priority); a
registry config (``aggregate --config``) adds an export's other yes/no flags
or changes an entry with its own ``[[programmes]]`` tables, no code needed.
An entry of the config whose ``flag`` is already in the catalogue changes only
the keys it gives.

Examples
--------
>>> cat = load_catalogue()
>>> [p.flag for p in cat if p.strategy == "pendapatan"]
['prakerja', 'kur']
>>> cat2 = load_catalogue([{"flag": "bantuan_pemda", "name": "Bantuan Pemda",
...     "agency": "Pemda", "strategy": "beban", "unit": "keluarga",
...     "columns": ["bantuan_pemda"], "source": "local APBD programme"}])
>>> cat2[-1].flag, cat2[-1].name_en
('bantuan_pemda', 'Bantuan Pemda')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, get_args

from geo_priority.config_keys import check_known_keys
from geo_priority.errors import ConfigError
from geo_priority.io.shipped import shipped_data_file
from geo_priority.messages import tr
from geo_priority.microdata.ingest import CANONICAL_FIELDS

__all__ = [
    "CORE_UNITS",
    "STRATEGIES",
    "Programme",
    "agency_slug",
    "load_catalogue",
    "read_catalogue",
]

Strategy = Literal["beban", "pendapatan", "kantong"]
Unit = Literal["keluarga", "jiwa", "desa"]
Reach = Literal["any_member", "all_members"]
STRATEGIES: tuple[Strategy, ...] = get_args(Strategy)
UNITS: tuple[Unit, ...] = get_args(Unit)
REACHES: tuple[Reach, ...] = get_args(Reach)
#: Programmes the engine reads through the export style or [exports.mapping],
#: with the unit the engine counts them in (it cannot change).
CORE_UNITS: dict[str, Unit] = {
    "pkh": "keluarga",
    "sembako_bpnt": "keluarga",
    "blt_dd": "keluarga",
    "pbi_jk": "jiwa",
    "pip": "jiwa",
}
_KEYS = (
    "flag",
    "name",
    "name_en",
    "agency",
    "strategy",
    "unit",
    "reach",
    "columns",
    "source",
)
_REQUIRED = ("flag", "name", "agency", "strategy", "unit", "source")
_FLAG = re.compile(r"[a-z][a-z0-9_]{0,30}")
#: Names the area tables already use; a programme flag may not take them.
_RESERVED = frozenset(
    {
        "any",
        "bansos_keluarga",
        "families",
        "persons",
        "target",
        "nontarget",
        "desil",
        "miskin_ekstrem",
        "kode_desa",
        "nik",
        "umur",
        "members",
        "audience",
        *CANONICAL_FIELDS,
    }
) - frozenset(CORE_UNITS)


@dataclass(frozen=True)
class Programme:
    """One programme of the catalogue.

    Attributes
    ----------
    flag : str
        Canonical name (column prefix in the area tables).
    name, name_en : str
        The programme's name in Indonesian and English.
    agency : str
        Responsible ministry or agency (coverage by agency groups on it).
    strategy : {"beban", "pendapatan", "kantong"}
        Inpres 4/2022 strategy: lower spending burdens, raise incomes,
        reduce poverty pockets.
    unit : {"keluarga", "jiwa", "desa"}
        Paid to a family, to a person, or a desa programme.
    reach : {"any_member", "all_members"}
        For a jiwa programme: when its family counts as reached.
    columns : tuple of str
        Export columns (any case) carrying the flag, OR-ed; desa programmes:
        columns of the desa programme table.
    source : str
        Citation of what the entry states.
    """

    flag: str
    name: str
    agency: str
    strategy: Strategy
    unit: Unit
    source: str
    name_en: str = ""
    reach: Reach = "any_member"
    columns: tuple[str, ...] = ()

    @property
    def core(self) -> bool:
        """Read through the export style (pkh, sembako_bpnt, blt_dd, pbi_jk, pip)."""
        return self.flag in CORE_UNITS

    def label(self, lang: str) -> str:
        """Return the programme's name (``PKH``) in ``lang``."""
        return self.name_en if lang == "en" and self.name_en else self.name


def agency_slug(agency: str) -> str:
    """Column-name form of an agency.

    Examples
    --------
    >>> agency_slug("Kemendes/desa")
    'kemendes_desa'
    """
    return re.sub(r"[^a-z0-9]+", "_", agency.lower()).strip("_") or "lainnya"


def _where(i: int, flag: object) -> str:
    return tr("[[programmes]] number {number} ({flag!r})", number=i + 1, flag=flag)


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(
            tr(
                "{where}: {key} must be text; got {value!r}.",
                where=where,
                key=key,
                value=value,
            )
        )
    return value.strip()


def _choice(
    entry: Mapping[str, Any], key: str, allowed: Sequence[str], where: str
) -> str:
    value = _text(entry, key, where)
    if value not in allowed:
        raise ConfigError(
            tr(
                "{where}: {key} = {value!r}; choose one of {allowed}.",
                where=where,
                key=key,
                value=value,
                allowed=", ".join(allowed),
            )
        )
    return value


def _columns(entry: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = entry.get("columns", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(c, str) and c.strip() for c in value
    ):
        raise ConfigError(
            tr(
                "{where}: columns must be a list of column names, e.g. columns = "
                '["penerima_kur"]; got {value!r}.',
                where=where,
                value=value,
            )
        )
    return tuple(c.strip().lower() for c in value)


def _check_keys(entry: Mapping[str, Any], where: str, required: Sequence[str]) -> None:
    check_known_keys(entry, _KEYS, where)
    missing = [k for k in required if k not in entry]
    if missing:
        raise ConfigError(
            tr(
                "{where} needs the keys {missing}; every programme names its "
                "agency, strategy, unit and the source that says so.",
                where=where,
                missing=", ".join(missing),
            )
        )


def _programme(entry: Mapping[str, Any], where: str) -> Programme:
    """Build and check one entry (all keys given, or merged onto a default)."""
    flag = _text(entry, "flag", where)
    if not _FLAG.fullmatch(flag) or flag in _RESERVED:
        raise ConfigError(
            tr(
                "{where}: flag = {flag!r} must be a lower-case name (letters, digits, "
                "_; at most 31 characters) that the area tables do not use already.",
                where=where,
                flag=flag,
            )
        )
    unit = _choice(entry, "unit", UNITS, where)
    strategy = _choice(entry, "strategy", STRATEGIES, where)
    reach = _choice(
        {"reach": entry.get("reach", "any_member")}, "reach", REACHES, where
    )
    columns = _columns(entry, where)
    _check_consistent(flag, unit, strategy, columns, where)
    if not _text(entry, "source", where):
        raise ConfigError(
            tr("{where}: source is empty; cite what the entry states.", where=where)
        )
    name = _text(entry, "name", where) or flag
    return Programme(
        flag=flag,
        name=name,
        agency=_text(entry, "agency", where) or name,
        strategy=strategy,  # type: ignore[arg-type]
        unit=unit,  # type: ignore[arg-type]
        source=_text(entry, "source", where),
        name_en=_text(entry, "name_en", where) or name,
        reach=reach,  # type: ignore[arg-type]
        columns=columns,
    )


def _check_consistent(
    flag: str, unit: str, strategy: str, columns: tuple[str, ...], where: str
) -> None:
    """Refuse entries the engine cannot count as written."""
    if flag in CORE_UNITS and unit != CORE_UNITS[flag]:
        raise ConfigError(
            tr(
                "{where}: unit = {unit!r}, but {flag} is counted per {core}; leave "
                "unit out or write unit = {core!r}.",
                where=where,
                unit=unit,
                flag=flag,
                core=CORE_UNITS[flag],
            )
        )
    if flag in CORE_UNITS and columns:
        raise ConfigError(
            tr(
                "{where}: {flag} is read through the export style; map another "
                'column with [exports.mapping] {flag} = "<column>", not columns.',
                where=where,
                flag=flag,
            )
        )
    if flag not in CORE_UNITS and not columns:
        raise ConfigError(
            tr(
                "{where}: columns is missing; name the export (or desa table) "
                'columns that carry the flag, e.g. columns = ["{flag}"].',
                where=where,
                flag=flag,
            )
        )
    if (unit == "desa") != (strategy == "kantong"):
        raise ConfigError(
            tr(
                "{where}: unit = {unit!r} with strategy = {strategy!r}; desa "
                'programmes (unit = "desa") are the poverty-pocket strategy '
                '(strategy = "kantong") and only they are.',
                where=where,
                unit=unit,
                strategy=strategy,
            )
        )


def _entries(data: Mapping[str, Any], name: str) -> list[Any]:
    entries = data.get("programmes", [])
    if not isinstance(entries, list):
        raise ConfigError(
            tr(
                "{name}: programmes must be [[programmes]] tables.",
                name=name,
            )
        )
    return entries


def read_catalogue(path: str | Path) -> tuple[Programme, ...]:
    """Read a catalogue TOML file (``[[programmes]]`` tables, all keys given).

    Raises
    ------
    ConfigError
        When the file is not valid TOML or an entry is incomplete or wrong.
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            tr("{name} is not valid TOML: {err}", name=file.name, err=err)
        ) from err
    out = merge((), _entries(data, file.name))
    if not out:
        raise ConfigError(tr("{name} lists no [[programmes]].", name=file.name))
    return out


def merge(
    base: Sequence[Programme], entries: Sequence[object]
) -> tuple[Programme, ...]:
    """Add ``entries`` (TOML tables) to ``base``; a known flag changes its entry.

    Raises
    ------
    ConfigError
        For an entry that is no table, has unknown keys, misses a key a new
        programme needs, or repeats a flag.
    """
    out = {p.flag: p for p in base}
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        flag = entry.get("flag") if isinstance(entry, dict) else None
        where = _where(i, flag)
        if not isinstance(entry, dict):
            raise ConfigError(tr("{where} must be a table.", where=where))
        if flag in seen:
            raise ConfigError(
                tr("{where}: flag {flag!r} is listed twice.", where=where, flag=flag)
            )
        seen.add(str(flag))
        known = out.get(str(flag))
        _check_keys(entry, where, ("flag",) if known else _REQUIRED)
        if known is not None:
            merged = {**_as_entry(known), **entry}
            out[known.flag] = replace(_programme(merged, where))
        else:
            out[str(flag)] = _programme(entry, where)
    return tuple(out.values())


def _as_entry(p: Programme) -> dict[str, Any]:
    return {
        "flag": p.flag,
        "name": p.name,
        "name_en": p.name_en,
        "agency": p.agency,
        "strategy": p.strategy,
        "unit": p.unit,
        "reach": p.reach,
        "columns": list(p.columns),
        "source": p.source,
    }


def load_catalogue(entries: Sequence[object] = ()) -> tuple[Programme, ...]:
    """Return the shipped catalogue with a registry config's entries merged in.

    Parameters
    ----------
    entries : sequence of dict
        The config's ``[[programmes]]`` tables.

    Returns
    -------
    tuple of Programme
        In catalogue order (shipped entries first, then new ones).
    """
    path = shipped_data_file(
        "programmes.toml",
        instead=tr("The programme catalogue (data/programmes.toml) is needed."),
    )
    return merge(read_catalogue(path), entries)
