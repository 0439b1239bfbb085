"""The registry config file: which exports to aggregate, and how to read them.

Known export styles (P3KE, DTKS/BDT, DTSEN) are detected from their columns;
an export with other column names needs a ``mapping`` from canonical field
to its column. A TOML file lists the exports with those settings, so a
Dinas Sosial can keep one file per data delivery::

    target = "desil1"        # optional: desil1 | desil12 | miskin_ekstrem
    threshold = 10           # optional: small-cell threshold

    [[exports]]
    path = "p3ke_individu.parquet"       # relative to this file

    [[exports]]
    path = "bansos_kabupaten.xlsx"
    sumber = "DTSEN"                     # precedence label
    level = "individu"                   # or "keluarga"; default: detected
    [exports.mapping]                    # canonical field = column
    nik = "NIK_ART"
    id_keluarga = "ID_KEL"
    kode_desa = "KODE_DESA"
    desil = "DESIL"
    pkh = "BANSOS_PKH"

Examples
--------
>>> parse_mapping(["nik=NIK_ART", "desil = DESIL"])
{'nik': 'NIK_ART', 'desil': 'DESIL'}
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo_priority.errors import ConfigError, InputError
from geo_priority.microdata.ingest import CANONICAL_FIELDS, SourceSpec

__all__ = ["RegistryConfig", "load_registry_config", "parse_mapping"]

_TOP_KEYS = ("exports", "target", "threshold")
_EXPORT_KEYS = ("path", "style", "sumber", "crosswalk", "mapping", "level")


@dataclass(frozen=True)
class RegistryConfig:
    """Exports to aggregate and the options the file sets.

    Attributes
    ----------
    exports : list of SourceSpec
        With paths resolved against the config file's folder.
    target : str or None
        Target group, when the file sets one.
    threshold : int or None
        Small-cell threshold, when the file sets one.
    """

    exports: list[SourceSpec]
    target: str | None = None
    threshold: int | None = None


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """Parse ``FIELD=COLUMN`` items (the CLI's ``--map``) into a mapping.

    Raises
    ------
    ConfigError
        For an item without ``=`` or an unknown canonical field.
    """
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ConfigError(
                f"--map {item!r} is not FIELD=COLUMN, e.g. --map nik=NIK_ART."
            )
        mapping[field.strip()] = column.strip()
    _check_fields(mapping, "--map")
    return mapping


def _check_fields(mapping: Mapping[str, object], where: str) -> None:
    unknown = sorted(set(mapping) - set(CANONICAL_FIELDS))
    if unknown:
        raise ConfigError(
            f"{where} names unknown canonical fields {unknown!r}; known: "
            f"{', '.join(CANONICAL_FIELDS)}."
        )
    odd = {k: v for k, v in mapping.items() if not isinstance(v, str) or not v}
    if odd:
        raise ConfigError(
            f"{where} maps {sorted(odd)!r} to {list(odd.values())!r}; each value "
            'must be the column name as text, e.g. nik = "NIK_ART".'
        )


def _unknown_keys(table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{where} has unknown keys {unknown!r}; allowed: {', '.join(allowed)}."
        )


def _export(entry: object, i: int, base: Path) -> SourceSpec:
    where = f"[[exports]] number {i + 1}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table with at least path = '...'.")
    _unknown_keys(entry, _EXPORT_KEYS, where)
    if not isinstance(entry.get("path"), str):
        raise ConfigError(f"{where} needs path = '<export file>'.")
    path = base / entry["path"]
    if not path.is_file():
        raise InputError(
            f"{where}: export {str(path)!r} does not exist; paths are relative to "
            "the config file's folder."
        )
    mapping = entry.get("mapping", {})
    if not isinstance(mapping, dict):
        raise ConfigError(f'{where}: mapping must be a table of field = "column".')
    _check_fields(mapping, f"{where} mapping")
    crosswalk = entry.get("crosswalk")
    if crosswalk is not None:
        crosswalk = str(base / crosswalk)
        if not Path(crosswalk).is_file():
            raise InputError(f"{where}: crosswalk {crosswalk!r} does not exist.")
    return SourceSpec(
        str(path),
        style=str(entry.get("style", "auto")),
        sumber=str(entry.get("sumber", "")),
        mapping=mapping,
        crosswalk=crosswalk,
        level=str(entry.get("level", "auto")),
    )


def load_registry_config(path: str | os.PathLike[str]) -> RegistryConfig:
    """Read a registry config TOML file.

    Parameters
    ----------
    path : path-like
        The TOML file.

    Returns
    -------
    RegistryConfig

    Raises
    ------
    InputError
        When the file, an export or a crosswalk does not exist.
    ConfigError
        When the file is not valid TOML or has unknown keys or fields.
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read registry config {str(file)!r}: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            f"registry config {file.name!r} is not valid TOML: {err}"
        ) from err
    _unknown_keys(data, _TOP_KEYS, f"registry config {file.name!r}")
    entries = data.get("exports")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(
            f"registry config {file.name!r} lists no exports; add one or more "
            "[[exports]] tables with path = '...'."
        )
    threshold = data.get("threshold")
    if threshold is not None and (not isinstance(threshold, int) or threshold < 2):
        raise ConfigError(f"threshold must be a whole number >= 2; got {threshold!r}.")
    target = data.get("target")
    if target is not None and not isinstance(target, str):
        raise ConfigError(f"target must be text; got {target!r}.")
    base = file.resolve().parent
    exports = [_export(entry, i, base) for i, entry in enumerate(entries)]
    return RegistryConfig(exports, target, threshold)
