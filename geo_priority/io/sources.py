"""The boundary-source registry: what each source is and which files make it.

A source is one boundary layer made of one or more files pinned by URL, sha256
and size (:class:`BoundarySource`, :class:`SourceFile`). :func:`parse_registry`
reads and validates the TOML registry; :mod:`geo_priority.io.fetch` finds it
and fills the cache from it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from geo_priority.config_keys import unknown_keys_message
from geo_priority.errors import InputError
from geo_priority.messages import tr
from geo_priority.schema import CODE_SYSTEMS, LEVELS, CodeSystem, Level

if TYPE_CHECKING:
    pass

__all__ = [
    "ENV_CACHE",
    "ENV_MIRROR",
    "ENV_REGISTRY",
    "REGISTRY_SCHEMA_VERSION",
    "BoundarySource",
    "SourceFile",
    "normalise_id",
    "parse_registry",
]


ENV_REGISTRY = "GEO_PRIORITY_REGISTRY"
ENV_CACHE = "GEO_PRIORITY_CACHE"
ENV_MIRROR = "GEO_PRIORITY_MIRROR"

#: Version of the registry format this module reads.
REGISTRY_SCHEMA_VERSION = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SOURCE_KEYS = frozenset(
    {
        "title",
        "level",
        "code_system",
        "code_column",
        "name_column",
        "parent_code_columns",
        "parent_name_columns",
        "crs",
        "licence",
        "attribution",
        "homepage",
        "mirror_prefix",
        "files",
    }
)
_FILE_KEYS = frozenset({"url", "sha256", "size", "mirror_path"})
_OPTIONAL_KEYS = frozenset({"homepage", "parent_code_columns", "parent_name_columns"})


@dataclass(frozen=True)
class SourceFile:
    """One pinned file of a boundary source.

    Parameters
    ----------
    url : str
        Pinned download URL. It ends with ``"/" + mirror_path``.
    sha256 : str
        Expected sha256 of the file, 64 lowercase hex digits.
    size : int
        Expected size in bytes.
    mirror_path : str
        Relative POSIX path of the file below a mirror root (and below
        ``<cache>/<mirror_prefix>``).
    """

    url: str
    sha256: str
    size: int
    mirror_path: str

    @property
    def name(self) -> str:
        """File name (last part of :attr:`mirror_path`)."""
        return PurePosixPath(self.mirror_path).name

    def url_for(self, base_url: str | None = None) -> str:
        """Return the download URL, optionally on another server.

        Parameters
        ----------
        base_url : str, optional
            Root that replaces everything in :attr:`url` before
            :attr:`mirror_path` (host, repository and commit).

        Returns
        -------
        str
            :attr:`url`, or ``base_url`` joined with :attr:`mirror_path`.

        Examples
        --------
        >>> f = SourceFile("https://h/c0ffee/a/b.geojson", "0" * 64, 1, "a/b.geojson")
        >>> f.url_for("http://127.0.0.1:8000/")
        'http://127.0.0.1:8000/a/b.geojson'
        """
        if base_url is None:
            return self.url
        return f"{base_url.rstrip('/')}/{self.mirror_path}"


@dataclass(frozen=True)
class BoundarySource:
    """A boundary layer in the registry, made of one or more pinned files.

    Parameters
    ----------
    id : str
        Registry id, lowercase with hyphens (``"banten-desa-ocha-bps2020"``).
    title : str
        Human-readable title.
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Administrative level of the features.
    code_system : {"kemendagri", "bps"}
        Region-code system of :attr:`code_column`.
    code_column, name_column : str
        Columns holding the area code (read as strings) and the area name.
    parent_code_columns, parent_name_columns : tuple of str
        Codes and names of the parent areas, nearest parent first.
    crs : str
        CRS of the files, for example ``"EPSG:4326"``.
    licence, attribution : str
        Licence of the data and the attribution to show on maps.
    mirror_prefix : str
        Directory name under which a mirror or the cache holds the files.
    files : tuple of SourceFile
        The files, in the order they are concatenated.
    homepage : str
        Page describing the upstream data ("" when unknown).
    """

    id: str
    title: str
    level: Level
    code_system: CodeSystem
    code_column: str
    name_column: str
    parent_code_columns: tuple[str, ...]
    parent_name_columns: tuple[str, ...]
    crs: str
    licence: str
    attribution: str
    mirror_prefix: str
    files: tuple[SourceFile, ...]
    homepage: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns every file of the source must have."""
        return (
            self.code_column,
            self.name_column,
            *self.parent_code_columns,
            *self.parent_name_columns,
        )


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def normalise_id(source_id: str) -> str:
    """Normalise a source id: strip, lowercase, underscores to hyphens."""
    return source_id.strip().lower().replace("_", "-")


def _read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning OS and syntax errors into InputError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as err:
        raise InputError(
            tr(
                "cannot read boundary registry {value!r}: {strerror}. Check the path "
                "or set {ENV_REGISTRY}.",
                value=str(path),
                strerror=err.strerror,
                ENV_REGISTRY=ENV_REGISTRY,
            )
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise InputError(
            tr(
                "boundary registry {value!r} is not valid TOML: {err}. Fix the "
                "syntax (see boundaries/README.md).",
                value=str(path),
                err=err,
            )
        ) from err


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    """Raise InputError for unknown or missing keys in a registry table."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(unknown_keys_message(unknown, allowed, where))
    missing = sorted(allowed - _OPTIONAL_KEYS - set(table))
    if missing:
        raise InputError(
            tr(
                "{where}: required key(s) {value} missing. Add them (see "
                "boundaries/README.md).",
                where=where,
                value=", ".join(map(repr, missing)),
            )
        )


def _kind_text(kind: type) -> str:
    """Describe a TOML value of type ``kind`` in the user's language."""
    if kind is str:
        return tr("text in quotes")
    if kind is int:
        return tr("a whole number")
    if kind is bool:
        return tr("true or false")
    return tr("a value of another kind")


def _get(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    """Return ``table[key]`` after checking its type."""
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise InputError(
            tr(
                "{where}: {key!r} must be {kind}, got {value!r}. Fix the "
                "registry entry.",
                where=where,
                key=key,
                kind=_kind_text(kind),
                value=value,
            )
        )
    return value


def _get_text(
    table: Mapping[str, Any], key: str, where: str, default: str | None = None
) -> str:
    """Return a string value, or ``default`` when the key is absent."""
    if default is not None and key not in table:
        return default
    return cast(str, _get(table, key, str, where))


def _get_choice(
    table: Mapping[str, Any], key: str, choices: Sequence[str], where: str
) -> str:
    """Return a string value that must be one of ``choices``."""
    value = _get_text(table, key, where)
    if value not in choices:
        raise InputError(
            tr(
                "{where}: {key!r} must be one of {value}, got {value2!r}.",
                where=where,
                key=key,
                value=", ".join(map(repr, choices)),
                value2=value,
            )
        )
    return value


def _get_names(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """Return an optional list of strings as a tuple."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(
            tr(
                "{where}: {key!r} must be a list of strings, got {value!r}.",
                where=where,
                key=key,
                value=value,
            )
        )
    return tuple(value)


def _check_mirror_path(mirror_path: str, url: str, where: str) -> None:
    """Check that a mirror path is a safe relative path and ends the URL."""
    parts = PurePosixPath(mirror_path).parts
    if not parts or mirror_path.startswith("/") or ".." in parts or "\\" in mirror_path:
        raise InputError(
            tr(
                "{where}: mirror_path must be a relative POSIX path without '..', "
                "got {mirror_path!r}.",
                where=where,
                mirror_path=mirror_path,
            )
        )
    if not url.endswith("/" + mirror_path):
        raise InputError(
            tr(
                "{where}: url {url!r} does not end with '/{mirror_path}'. Set "
                "mirror_path to the part of the URL after the pinned commit.",
                where=where,
                url=url,
                mirror_path=mirror_path,
            )
        )


def _parse_file(table: Any, where: str) -> SourceFile:
    """Build a SourceFile from one ``[[sources.<id>.files]]`` table."""
    if not isinstance(table, dict):
        raise InputError(
            tr(
                "{where}: each file must be a table, got {table!r}.",
                where=where,
                table=table,
            )
        )
    _check_keys(table, _FILE_KEYS, where)
    url = _get_text(table, "url", where)
    sha256 = _get_text(table, "sha256", where)
    size = cast(int, _get(table, "size", int, where))
    mirror_path = _get_text(table, "mirror_path", where)
    if not url.startswith(("https://", "http://")):
        raise InputError(
            tr(
                "{where}: url must start with https://, got {url!r}.",
                where=where,
                url=url,
            )
        )
    if not _SHA256.fullmatch(sha256):
        raise InputError(
            tr(
                "{where}: sha256 must be 64 lowercase hex digits, got {sha256!r}.",
                where=where,
                sha256=sha256,
            )
        )
    if size <= 0:
        raise InputError(
            tr(
                "{where}: size must be a positive byte count, got {size!r}.",
                where=where,
                size=size,
            )
        )
    _check_mirror_path(mirror_path, url, where)
    return SourceFile(url=url, sha256=sha256, size=size, mirror_path=mirror_path)


def _parse_files(value: Any, where: str) -> tuple[SourceFile, ...]:
    """Build the files of one source, refusing an empty or duplicated list."""
    if not isinstance(value, list) or not value:
        raise InputError(
            tr(
                "{where}: 'files' must be a non-empty array of tables.",
                where=where,
            )
        )
    files = tuple(_parse_file(t, f"{where}.files[{i}]") for i, t in enumerate(value))
    paths = [f.mirror_path for f in files]
    duplicates = sorted({p for p in paths if paths.count(p) > 1})
    if duplicates:
        raise InputError(
            tr(
                "{where}: duplicate mirror_path {duplicates!r}.",
                where=where,
                duplicates=duplicates[0],
            )
        )
    return files


def _parse_source(source_id: str, table: Any, where: str) -> BoundarySource:
    """Build a BoundarySource from one ``[sources.<id>]`` table."""
    if source_id != normalise_id(source_id):
        raise InputError(
            tr(
                "{where}: source id must be lowercase with hyphens, got "
                "{source_id!r}; rename it to {value!r}.",
                where=where,
                source_id=source_id,
                value=normalise_id(source_id),
            )
        )
    if not isinstance(table, dict):
        raise InputError(
            tr(
                "{where}: must be a table, got {table!r}.",
                where=where,
                table=table,
            )
        )
    _check_keys(table, _SOURCE_KEYS, where)
    prefix = _get_text(table, "mirror_prefix", where)
    if prefix in ("", "..") or PurePosixPath(prefix).name != prefix:
        raise InputError(
            tr(
                "{where}: mirror_prefix must be one directory name, got {prefix!r}.",
                where=where,
                prefix=prefix,
            )
        )
    return BoundarySource(
        id=source_id,
        title=_get_text(table, "title", where),
        level=cast(Level, _get_choice(table, "level", LEVELS, where)),
        code_system=cast(
            CodeSystem, _get_choice(table, "code_system", CODE_SYSTEMS, where)
        ),
        code_column=_get_text(table, "code_column", where),
        name_column=_get_text(table, "name_column", where),
        parent_code_columns=_get_names(table, "parent_code_columns", where),
        parent_name_columns=_get_names(table, "parent_name_columns", where),
        crs=_get_text(table, "crs", where),
        licence=_get_text(table, "licence", where),
        attribution=_get_text(table, "attribution", where),
        mirror_prefix=prefix,
        files=_parse_files(table["files"], where),
        homepage=_get_text(table, "homepage", where, default=""),
    )


def _check_no_conflicts(sources: Mapping[str, BoundarySource], where: str) -> None:
    """Refuse two sources that would share a cache file with different hashes."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for source in sources.values():
        for f in source.files:
            key = (source.mirror_prefix, f.mirror_path)
            other = seen.setdefault(key, (source.id, f.sha256))
            if other[1] != f.sha256:
                raise InputError(
                    tr(
                        "{where}: sources {other!r} and {id!r} both use '{key}/{key2}' "
                        "with different sha256. Give one of them another "
                        "mirror_prefix.",
                        where=where,
                        other=other[0],
                        id=source.id,
                        key=key[0],
                        key2=key[1],
                    )
                )


def parse_registry(path: Path) -> dict[str, BoundarySource]:
    """Read and validate the boundary-source registry at ``path``.

    Parameters
    ----------
    path : pathlib.Path
        Registry TOML file.

    Returns
    -------
    dict of str to BoundarySource
        Sources by id, in file order.

    Raises
    ------
    InputError
        If the file is missing, is not valid TOML, or an entry is invalid
        (missing or unknown key, bad sha256, URL not ending with mirror_path, ...).
    """
    data = _read_toml(path)
    where = tr("boundary registry {path!r}", path=str(path))
    version = data.get("schema_version", REGISTRY_SCHEMA_VERSION)
    if version != REGISTRY_SCHEMA_VERSION:
        raise InputError(
            tr(
                "{where}: schema_version {version!r} is not supported (this version "
                "of geo-priority reads {REGISTRY_SCHEMA_VERSION}). Upgrade "
                "geo-priority.",
                where=where,
                version=version,
                REGISTRY_SCHEMA_VERSION=REGISTRY_SCHEMA_VERSION,
            )
        )
    tables = data.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise InputError(
            tr(
                "{where}: no [sources.<id>] tables found. Add a source.",
                where=where,
            )
        )
    sources = {
        sid: _parse_source(sid, table, f"{where} [sources.{sid}]")
        for sid, table in tables.items()
    }
    _check_no_conflicts(sources, where)
    return sources
