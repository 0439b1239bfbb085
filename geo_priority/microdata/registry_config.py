"""The registry config file: which exports to aggregate, and how to read them.

Known export styles (P3KE, DTKS/BDT, DTSEN) are detected from their columns;
an export with other column names needs a ``mapping`` from canonical field
to its column. A TOML file lists the exports with those settings, so a
Dinas Sosial can keep one file per data delivery::

    target = "desil1"        # optional: desil1 | desil12 | miskin_ekstrem
    threshold = 10           # optional: small-cell threshold
    exclude_rejected_nik = false   # optional: leave out persons whose NIK
                                   # was rejected (default: count them)
    audience = "publik"            # optional: publik | internal
    audit = "auto"                 # optional: auto | full | off (disclosure audit)
    audit_max_cells = 1000         # optional: largest component "auto" audits
    desa_programmes = "program_desa.csv"  # optional: desa programme table

    [[programmes]]                       # optional: an export's other flag
    flag = "bantuan_pemda"
    name = "Bantuan sosial Pemda"
    agency = "Pemda"
    strategy = "beban"                   # beban | pendapatan | kantong
    unit = "keluarga"                    # keluarga | jiwa | desa
    columns = ["bansos_apbd"]
    source = "Perbup ... tentang bantuan sosial (cite it)"

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

from geo_priority.config_keys import check_known_keys
from geo_priority.errors import ConfigError, InputError
from geo_priority.messages import tr
from geo_priority.microdata.disclosure import AUDIT_MAX_CELLS, check_audit
from geo_priority.microdata.ingest import CANONICAL_FIELDS, SourceSpec
from geo_priority.microdata.programmes import Programme, load_catalogue

__all__ = ["RegistryConfig", "load_registry_config", "parse_mapping"]

_TOP_KEYS = (
    "exports",
    "target",
    "threshold",
    "exclude_rejected_nik",
    "programmes",
    "desa_programmes",
    "audience",
    "audit",
    "audit_max_cells",
)
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
    exclude_rejected_nik : bool or None
        Leave out persons whose NIK was rejected, when the file says so.
    programmes : tuple of Programme
        The programme catalogue: the shipped one with the file's own
        ``[[programmes]]`` merged in (an export's other yes/no flags).
    desa_programmes : str or None
        The desa programme table (path resolved against the file's folder).
    audience : str or None
        Publication tier (``publik`` or ``internal``), when the file sets one.
    audit : str or None
        Disclosure audit mode (``auto``, ``full``, ``off``), when set.
    audit_max_cells : int or None
        Largest component ``audit = "auto"`` audits, when set.
    """

    exports: list[SourceSpec]
    target: str | None = None
    threshold: int | None = None
    exclude_rejected_nik: bool | None = None
    programmes: tuple[Programme, ...] = ()
    desa_programmes: str | None = None
    audience: str | None = None
    audit: str | None = None
    audit_max_cells: int | None = None


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
                tr(
                    "--map {item!r} is not FIELD=COLUMN, e.g. --map nik=NIK_ART.",
                    item=item,
                )
            )
        mapping[field.strip()] = column.strip()
    _check_fields(mapping, "--map")
    return mapping


def _check_fields(mapping: Mapping[str, object], where: str) -> None:
    unknown = sorted(set(mapping) - set(CANONICAL_FIELDS))
    if unknown:
        raise ConfigError(
            tr(
                "{where} names unknown canonical fields {unknown!r}; known: {known}.",
                where=where,
                unknown=unknown,
                known=", ".join(CANONICAL_FIELDS),
            )
        )
    odd = {k: v for k, v in mapping.items() if not isinstance(v, str) or not v}
    if odd:
        raise ConfigError(
            tr(
                "{where} maps {fields!r} to {values!r}; each value must be the "
                'column name as text, e.g. nik = "NIK_ART".',
                where=where,
                fields=sorted(odd),
                values=list(odd.values()),
            )
        )


def _export(entry: object, i: int, base: Path) -> SourceSpec:
    where = tr("[[exports]] number {number}", number=i + 1)
    if not isinstance(entry, dict):
        raise ConfigError(
            tr("{where} must be a table with at least path = '...'.", where=where)
        )
    check_known_keys(entry, _EXPORT_KEYS, where)
    if not isinstance(entry.get("path"), str):
        raise ConfigError(tr("{where} needs path = '<export file>'.", where=where))
    path = base / entry["path"]
    if not path.is_file():
        raise InputError(
            tr(
                "{where}: export {path!r} does not exist; paths are relative to "
                "the config file's folder.",
                where=where,
                path=str(path),
            )
        )
    mapping = entry.get("mapping", {})
    if not isinstance(mapping, dict):
        raise ConfigError(
            tr('{where}: mapping must be a table of field = "column".', where=where)
        )
    _check_fields(mapping, tr("{where} mapping", where=where))
    crosswalk = entry.get("crosswalk")
    if crosswalk is not None:
        crosswalk = str(base / crosswalk)
        if not Path(crosswalk).is_file():
            raise InputError(
                tr(
                    "{where}: crosswalk {path!r} does not exist.",
                    where=where,
                    path=crosswalk,
                )
            )
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
        raise InputError(
            tr(
                "cannot read registry config {path!r}: {err}",
                path=str(file),
                err=err,
            )
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            tr(
                "registry config {name!r} is not valid TOML: {err}",
                name=file.name,
                err=err,
            )
        ) from err
    check_known_keys(data, _TOP_KEYS, tr("registry config {name!r}", name=file.name))
    entries = data.get("exports")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(
            tr(
                "registry config {name!r} lists no exports; add one or more "
                "[[exports]] tables with path = '...'.",
                name=file.name,
            )
        )
    threshold = data.get("threshold")
    if threshold is not None and (not isinstance(threshold, int) or threshold < 2):
        raise ConfigError(
            tr(
                "threshold must be a whole number >= 2; got {threshold!r}.",
                threshold=threshold,
            )
        )
    target = data.get("target")
    if target is not None and not isinstance(target, str):
        raise ConfigError(tr("target must be text; got {target!r}.", target=target))
    exclude = data.get("exclude_rejected_nik")
    if exclude is not None and not isinstance(exclude, bool):
        raise ConfigError(
            tr(
                "exclude_rejected_nik must be true or false; got {value!r}.",
                value=exclude,
            )
        )
    base = file.resolve().parent
    exports = [_export(entry, i, base) for i, entry in enumerate(entries)]
    programmes = data.get("programmes", [])
    if not isinstance(programmes, list):
        raise ConfigError(
            tr("{name}: programmes must be [[programmes]] tables.", name=file.name)
        )
    return RegistryConfig(
        exports,
        target,
        threshold,
        exclude,
        load_catalogue(programmes),
        _desa_programmes(data.get("desa_programmes"), base),
        _audience(data.get("audience")),
        *_audit(data.get("audit"), data.get("audit_max_cells")),
    )


def _audit(audit: object, max_cells: object) -> tuple[str | None, int | None]:
    """Return ``audit`` and ``audit_max_cells`` checked (None: not set)."""
    check_audit(
        "auto" if audit is None else audit,
        AUDIT_MAX_CELLS if max_cells is None else max_cells,
    )
    return (
        None if audit is None else str(audit),
        None if max_cells is None else int(str(max_cells)),
    )


def _desa_programmes(value: object, base: Path) -> str | None:
    """Return ``desa_programmes`` as a path resolved against the config's folder."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(
            tr(
                "desa_programmes must be a file name, e.g. desa_programmes = "
                '"program_desa.csv"; got {value!r}.',
                value=value,
            )
        )
    path = base / value
    if not path.is_file():
        raise InputError(
            tr(
                "desa_programmes {path!r} does not exist; paths are relative to "
                "the config file's folder.",
                path=str(path),
            )
        )
    return str(path)


def _audience(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value in ("publik", "internal"):
        return value
    raise ConfigError(
        tr(
            'audience must be "publik" or "internal"; got {value!r}.',
            value=value,
        )
    )
