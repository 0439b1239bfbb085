"""Pinned, checksummed downloads of boundary layers into a user cache.

Boundary sources are listed in a small TOML registry (``boundaries/sources.toml``):
each source is one layer made of one or more files pinned by URL, sha256 and size.
:func:`fetch_source` puts every file of a source into the cache, taking it from
the cache itself, from a local mirror directory, or from the network (with
:mod:`pooch`), in that order, and checks every checksum. :func:`load_source`
reads the files into one GeoDataFrame.

The cache has the same layout as a mirror, ``<cache>/<mirror_prefix>/<mirror_path>``,
so a filled cache can be copied to another machine and used there as a mirror.
A mirror is only ever read; files are written into the cache atomically.

Environment variables
---------------------
GEO_PRIORITY_REGISTRY
    Path of the registry TOML file (default: the bundled ``sources.toml``).
GEO_PRIORITY_CACHE
    Cache directory (default: the ``boundaries`` folder in
    ``platformdirs.user_cache_dir("geo-priority")``).
GEO_PRIORITY_MIRROR
    Local mirror directory, used when ``mirror`` is not given.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

import platformdirs
import pooch

from geo_priority.errors import CRSError, FetchError, InputError, SchemaError
from geo_priority.formatting import shorten_list, shorten_text
from geo_priority.schema import CODE_SYSTEMS, LEVELS, CodeSystem, Level

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ENV_CACHE",
    "ENV_MIRROR",
    "ENV_REGISTRY",
    "BoundarySource",
    "SourceFile",
    "cache_dir",
    "fetch_source",
    "get_source",
    "is_cached",
    "load_registry",
    "load_source",
    "mirror_dir",
    "registry_path",
]

ENV_REGISTRY = "GEO_PRIORITY_REGISTRY"
ENV_CACHE = "GEO_PRIORITY_CACHE"
ENV_MIRROR = "GEO_PRIORITY_MIRROR"

#: Version of the registry format this module reads.
REGISTRY_SCHEMA_VERSION = 1
#: Seconds to wait for the server to connect or send more data.
DOWNLOAD_TIMEOUT = 60

_LOG = logging.getLogger(__name__)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20
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
# Locations
# --------------------------------------------------------------------------


def _default_registry_paths() -> tuple[Path, ...]:
    """Return the bundled registry locations: source checkout, then installed."""
    repo = Path(__file__).resolve().parents[2] / "boundaries" / "sources.toml"
    installed = (
        Path(sys.prefix) / "share" / "geo-priority" / "boundaries" / "sources.toml"
    )
    return (repo, installed)


def registry_path() -> Path:
    """Return the path of the boundary-source registry.

    Returns
    -------
    pathlib.Path
        ``$GEO_PRIORITY_REGISTRY`` if set; else ``boundaries/sources.toml`` of a
        source checkout (editable install); else the copy installed under
        ``<sys.prefix>/share/geo-priority/boundaries/``.

    Raises
    ------
    InputError
        If ``GEO_PRIORITY_REGISTRY`` names no file, or no bundled registry exists.

    Examples
    --------
    >>> registry_path().name
    'sources.toml'
    """
    env = os.environ.get(ENV_REGISTRY)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise InputError(
                f"{ENV_REGISTRY}={env!r} is not a file. Point it to a sources.toml "
                "boundary registry, or unset it to use the bundled one."
            )
        return path
    candidates = _default_registry_paths()
    for path in candidates:
        if path.is_file():
            return path
    raise InputError(
        "boundary registry sources.toml not found; looked in "
        f"{', '.join(repr(str(p)) for p in candidates)}. Reinstall geo-priority "
        f"(it installs the registry as data files) or set {ENV_REGISTRY} to its path."
    )


def cache_dir() -> Path:
    """Return the directory where boundary files are cached.

    Returns
    -------
    pathlib.Path
        ``$GEO_PRIORITY_CACHE`` if set, else
        ``platformdirs.user_cache_dir("geo-priority")/boundaries``. The directory
        may not exist yet.

    Examples
    --------
    >>> cache_dir().is_absolute()
    True
    """
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_cache_dir("geo-priority")) / "boundaries"


def mirror_dir() -> Path | None:
    """Return the local mirror directory set by ``GEO_PRIORITY_MIRROR``.

    Returns
    -------
    pathlib.Path or None
        ``$GEO_PRIORITY_MIRROR`` if set, else None.

    Examples
    --------
    >>> import os
    >>> os.environ["GEO_PRIORITY_MIRROR"] = "/data/upstream"  # doctest: +SKIP
    >>> mirror_dir()  # doctest: +SKIP
    PosixPath('/data/upstream')
    """
    env = os.environ.get(ENV_MIRROR)
    return Path(env).expanduser() if env else None


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def _normalise_id(source_id: str) -> str:
    """Normalise a source id: strip, lowercase, underscores to hyphens."""
    return source_id.strip().lower().replace("_", "-")


def _read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning OS and syntax errors into InputError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as err:
        raise InputError(
            f"cannot read boundary registry {str(path)!r}: {err.strerror}. "
            f"Check the path or set {ENV_REGISTRY}."
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise InputError(
            f"boundary registry {str(path)!r} is not valid TOML: {err}. "
            "Fix the syntax (see boundaries/README.md)."
        ) from err


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    """Raise InputError for unknown or missing keys in a registry table."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}. "
            f"Allowed keys: {', '.join(map(repr, sorted(allowed)))}."
        )
    missing = sorted(allowed - _OPTIONAL_KEYS - set(table))
    if missing:
        raise InputError(
            f"{where}: required key(s) {', '.join(map(repr, missing))} missing. "
            "Add them (see boundaries/README.md)."
        )


def _get(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    """Return ``table[key]`` after checking its type."""
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise InputError(
            f"{where}: {key!r} must be a {kind.__name__}, got {value!r}. "
            "Fix the registry entry."
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
            f"{where}: {key!r} must be one of {', '.join(map(repr, choices))}, "
            f"got {value!r}."
        )
    return value


def _get_names(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """Return an optional list of strings as a tuple."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {key!r} must be a list of strings, got {value!r}.")
    return tuple(value)


def _check_mirror_path(mirror_path: str, url: str, where: str) -> None:
    """Check that a mirror path is a safe relative path and ends the URL."""
    parts = PurePosixPath(mirror_path).parts
    if not parts or mirror_path.startswith("/") or ".." in parts or "\\" in mirror_path:
        raise InputError(
            f"{where}: mirror_path must be a relative POSIX path without '..', "
            f"got {mirror_path!r}."
        )
    if not url.endswith("/" + mirror_path):
        raise InputError(
            f"{where}: url {url!r} does not end with '/{mirror_path}'. Set "
            "mirror_path to the part of the URL after the pinned commit."
        )


def _parse_file(table: Any, where: str) -> SourceFile:
    """Build a SourceFile from one ``[[sources.<id>.files]]`` table."""
    if not isinstance(table, dict):
        raise InputError(f"{where}: each file must be a table, got {table!r}.")
    _check_keys(table, _FILE_KEYS, where)
    url = _get_text(table, "url", where)
    sha256 = _get_text(table, "sha256", where)
    size = cast(int, _get(table, "size", int, where))
    mirror_path = _get_text(table, "mirror_path", where)
    if not url.startswith(("https://", "http://")):
        raise InputError(f"{where}: url must start with https://, got {url!r}.")
    if not _SHA256.fullmatch(sha256):
        raise InputError(
            f"{where}: sha256 must be 64 lowercase hex digits, got {sha256!r}."
        )
    if size <= 0:
        raise InputError(f"{where}: size must be a positive byte count, got {size!r}.")
    _check_mirror_path(mirror_path, url, where)
    return SourceFile(url=url, sha256=sha256, size=size, mirror_path=mirror_path)


def _parse_files(value: Any, where: str) -> tuple[SourceFile, ...]:
    """Build the files of one source, refusing an empty or duplicated list."""
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}: 'files' must be a non-empty array of tables.")
    files = tuple(_parse_file(t, f"{where}.files[{i}]") for i, t in enumerate(value))
    paths = [f.mirror_path for f in files]
    duplicates = sorted({p for p in paths if paths.count(p) > 1})
    if duplicates:
        raise InputError(f"{where}: duplicate mirror_path {duplicates[0]!r}.")
    return files


def _parse_source(source_id: str, table: Any, where: str) -> BoundarySource:
    """Build a BoundarySource from one ``[sources.<id>]`` table."""
    if source_id != _normalise_id(source_id):
        raise InputError(
            f"{where}: source id must be lowercase with hyphens, got {source_id!r}; "
            f"rename it to {_normalise_id(source_id)!r}."
        )
    if not isinstance(table, dict):
        raise InputError(f"{where}: must be a table, got {table!r}.")
    _check_keys(table, _SOURCE_KEYS, where)
    prefix = _get_text(table, "mirror_prefix", where)
    if prefix in ("", "..") or PurePosixPath(prefix).name != prefix:
        raise InputError(
            f"{where}: mirror_prefix must be one directory name, got {prefix!r}."
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
                    f"{where}: sources {other[0]!r} and {source.id!r} both use "
                    f"'{key[0]}/{key[1]}' with different sha256. Give one of them "
                    "another mirror_prefix."
                )


def load_registry(path: Path | str | None = None) -> dict[str, BoundarySource]:
    """Read and validate the boundary-source registry.

    Parameters
    ----------
    path : path-like, optional
        Registry TOML file. Default: :func:`registry_path`.

    Returns
    -------
    dict of str to BoundarySource
        Sources by id, in file order.

    Raises
    ------
    InputError
        If the file is missing, is not valid TOML, or an entry is invalid
        (missing or unknown key, bad sha256, URL not ending with mirror_path, ...).

    Examples
    --------
    >>> "banten-desa-ocha-bps2020" in load_registry()
    True
    """
    path = registry_path() if path is None else Path(path)
    data = _read_toml(path)
    where = f"boundary registry {str(path)!r}"
    version = data.get("schema_version", REGISTRY_SCHEMA_VERSION)
    if version != REGISTRY_SCHEMA_VERSION:
        raise InputError(
            f"{where}: schema_version {version!r} is not supported (this version of "
            f"geo-priority reads {REGISTRY_SCHEMA_VERSION}). Upgrade geo-priority."
        )
    tables = data.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise InputError(f"{where}: no [sources.<id>] tables found. Add a source.")
    sources = {
        sid: _parse_source(sid, table, f"{where} [sources.{sid}]")
        for sid, table in tables.items()
    }
    _check_no_conflicts(sources, where)
    return sources


def get_source(
    source_id: str, /, *, registry: Path | str | None = None
) -> BoundarySource:
    """Look up one boundary source by id.

    Parameters
    ----------
    source_id : str
        Registry id; case, surrounding spaces and ``_`` versus ``-`` are ignored.
    registry : path-like, optional
        Registry TOML file. Default: :func:`registry_path`.

    Returns
    -------
    BoundarySource

    Raises
    ------
    FetchError
        If no source has this id; the message lists the known ids.
    InputError
        If the registry cannot be read or is invalid.

    Examples
    --------
    >>> get_source("Banten_Desa_OCHA_BPS2020").level
    'desa'
    """
    sources = load_registry(registry)
    key = _normalise_id(source_id)
    if key not in sources:
        raise FetchError(
            f"unknown boundary source {source_id!r}. Known sources: "
            f"{shorten_list(sorted(sources), 5)}. Use one of them, or add the source "
            f"to {str(registry or registry_path())!r} (see boundaries/README.md)."
        )
    return sources[key]


# --------------------------------------------------------------------------
# Files: checks, mirror copies, downloads
# --------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    """Return the sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_valid(path: Path, file: SourceFile) -> bool:
    """Return True if ``path`` is a file with the expected size and sha256."""
    try:
        if path.stat().st_size != file.size:
            return False
        return _sha256(path) == file.sha256
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def _cache_path(root: Path, source: BoundarySource, file: SourceFile) -> Path:
    """Return where ``file`` lives in the cache rooted at ``root``."""
    return root / source.mirror_prefix / Path(*PurePosixPath(file.mirror_path).parts)


def _find_in_mirror(
    mirror: Path, source: BoundarySource, file: SourceFile
) -> Path | None:
    """Return the mirror copy of ``file`` (prefixed layout first), or None."""
    relative = Path(*PurePosixPath(file.mirror_path).parts)
    for candidate in (mirror / source.mirror_prefix / relative, mirror / relative):
        if candidate.is_file():
            return candidate
    return None


def _overlaps(a: Path, b: Path) -> bool:
    """Return True if one directory is, or is inside, the other."""
    a, b = a.resolve(), b.resolve()
    return a == b or a in b.parents or b in a.parents


def _check_mirror(mirror: Path | None, cache: Path) -> Path | None:
    """Check that a mirror directory exists and does not overlap the cache."""
    if mirror is None:
        return None
    if not mirror.is_dir():
        raise InputError(
            f"mirror directory {str(mirror)!r} does not exist or is not a directory. "
            f"Pass an existing directory as mirror (CLI: --mirror DIR) or unset "
            f"{ENV_MIRROR}."
        )
    if _overlaps(mirror, cache):
        raise InputError(
            f"mirror {str(mirror)!r} and cache {str(cache)!r} overlap; files are "
            f"written into the cache and a mirror is never written to. Use another "
            f"cache (cache=..., {ENV_CACHE}) or another mirror."
        )
    return mirror


def _check_base_url(base_url: str | None) -> None:
    """Check that ``base_url`` is an HTTP(S) URL."""
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise FetchError(
            f"base_url must start with http:// or https://, got {base_url!r}. "
            "For a local directory pass mirror=DIR (CLI: --mirror DIR) instead."
        )


@contextmanager
def _temporary_in(directory: Path, name: str) -> Iterator[Path]:
    """Yield a temporary file path in ``directory``, removed unless renamed."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=directory)
    os.close(fd)
    try:
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _copy_verified(src: Path, dest: Path, file: SourceFile) -> None:
    """Copy a mirror file into the cache, hashing the copy; replace atomically."""
    with _temporary_in(dest.parent, dest.name) as tmp:
        digest = hashlib.sha256()
        with src.open("rb") as fin, tmp.open("wb") as fout:
            while chunk := fin.read(_CHUNK):
                digest.update(chunk)
                fout.write(chunk)
        actual = digest.hexdigest()
        if actual != file.sha256:
            raise FetchError(
                f"mirror file {str(src)!r} has the wrong checksum: expected sha256 "
                f"{file.sha256}, got {actual}. The mirror copy is corrupted or from "
                "another version; replace it with the pinned file from "
                f"{file.url!r}, or remove the mirror."
            )
        os.replace(tmp, dest)
    _LOG.info("copied %s from mirror %s", dest.name, src)


def _copy_from_mirror(
    source: BoundarySource, file: SourceFile, target: Path, mirror: Path | None
) -> bool:
    """Drop a corrupt cached ``target``, then copy it from the mirror if there."""
    if target.exists():
        _LOG.warning("removing corrupt cached file %s", target)
        target.unlink()
    found = _find_in_mirror(mirror, source, file) if mirror is not None else None
    if found is None:
        return False
    _copy_verified(found, target, file)
    return True


def _fill_locally(
    source: BoundarySource, targets: Sequence[Path], mirror: Path | None, root: Path
) -> list[tuple[SourceFile, Path]]:
    """Take files from the cache, then the mirror; return those still missing.

    The mirror is only checked (and must only exist) when a file is missing
    from the cache, so a full cache works even if the mirror is unplugged.
    """
    pending = [
        (f, t)
        for f, t in zip(source.files, targets, strict=True)
        if not _is_valid(t, f)
    ]
    if not pending:
        return []
    mirror = _check_mirror(mirror, root)
    return [(f, t) for f, t in pending if not _copy_from_mirror(source, f, t, mirror)]


class _HashingDownloader:
    """Wrap a pooch downloader and record the sha256 of what it downloaded."""

    def __init__(self, progress: bool) -> None:
        has_tqdm = importlib.util.find_spec("tqdm") is not None
        self._inner = pooch.HTTPDownloader(
            progressbar=progress and has_tqdm, timeout=DOWNLOAD_TIMEOUT
        )
        self.sha256: str | None = None

    def __call__(self, url: str, output_file: str, pooch_obj: Any) -> None:
        self.sha256 = None
        self._inner(url, output_file, pooch_obj)
        self.sha256 = _sha256(Path(output_file))


@contextmanager
def _pooch_logging(progress: bool) -> Iterator[None]:
    """Silence pooch's "Downloading ..." messages unless progress is wanted."""
    logger = pooch.get_logger()
    level = logger.level
    if not progress:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _mismatch_error(
    url: str, file: SourceFile, actual: str, target: Path
) -> FetchError:
    """Build the error for a download whose checksum does not match."""
    return FetchError(
        f"checksum mismatch for {url!r}: expected sha256 {file.sha256}, got {actual}. "
        "The file is corrupted or was changed upstream; delete it from "
        f"{str(target.parent)!r} and retry, or check the mirror. The bad download "
        "was not kept."
    )


def _network_hint(source: BoundarySource, cache: Path, missing: int) -> str:
    """Explain how to get the files without the network."""
    return (
        f"{missing} file(s) of {source.id!r} are still missing. Without internet "
        f"access, pass mirror=DIR (CLI: --mirror DIR) or set {ENV_MIRROR} to a "
        f"directory holding {source.mirror_prefix}/<mirror_path>, or copy the files "
        f"into {str(cache / source.mirror_prefix)!r} keeping their paths."
    )


def _download(
    url: str, file: SourceFile, target: Path, *, progress: bool, hint: str
) -> None:
    """Download one file into ``target`` with pooch, atomically and verified.

    pooch downloads to a temporary file next to ``target``, checks the sha256
    and only then renames it, so a failed or bad download leaves nothing behind.
    """
    import requests  # pooch's HTTP backend, imported lazily as pooch does

    downloader = _HashingDownloader(progress)
    try:
        with _pooch_logging(progress):
            pooch.retrieve(
                url,
                known_hash=f"sha256:{file.sha256}",
                path=target.parent,
                fname=target.name,
                downloader=downloader,
            )
    except requests.RequestException as err:
        raise FetchError(
            f"could not download {url!r}: {type(err).__name__}: "
            f"{shorten_text(str(err), 160)}. {hint}"
        ) from err
    except ValueError as err:
        if downloader.sha256 is None or downloader.sha256 == file.sha256:
            raise FetchError(
                f"download of {url!r} failed: {shorten_text(str(err), 160)}. {hint}"
            ) from err
        raise _mismatch_error(url, file, downloader.sha256, target) from err


def _offline_error(
    source: BoundarySource,
    missing: Sequence[tuple[SourceFile, Path]],
    cache: Path,
    mirror: Path | None,
) -> FetchError:
    """Build the error for files missing from the cache in offline mode."""
    names = [f.name for f, _ in missing]
    looked = (
        f" They are not in the mirror {str(mirror)!r} either (looked under "
        f"{source.mirror_prefix}/ and at its top level)."
        if mirror is not None
        else ""
    )
    return FetchError(
        f"offline and {len(missing)} of {len(source.files)} files of {source.id!r} "
        f"are not in the cache: {shorten_list(names, 5)}.{looked} Copy them into "
        f"{str(cache / source.mirror_prefix)!r} keeping their paths (e.g. "
        f"{str(missing[0][1])!r}), or pass mirror=DIR (CLI: --mirror DIR) or set "
        f"{ENV_MIRROR} to a directory holding {source.mirror_prefix}/<mirror_path>, "
        "or allow downloads (offline=False)."
    )


# --------------------------------------------------------------------------
# Public fetch API
# --------------------------------------------------------------------------


def fetch_source(
    source_id: str,
    /,
    *,
    cache: Path | None = None,
    mirror: Path | None = None,
    base_url: str | None = None,
    offline: bool = False,
    progress: bool = False,
) -> list[Path]:
    """Put every file of a boundary source into the cache, checking checksums.

    Each file is taken from the cache if it is there with the right size and
    sha256; else copied from the mirror (after checking its sha256); else,
    unless ``offline``, downloaded with pooch. Nothing is written into the mirror.

    Parameters
    ----------
    source_id : str
        Registry id, for example ``"banten-desa-ocha-bps2020"``.
    cache : pathlib.Path, optional
        Cache root. Default: :func:`cache_dir`. Files are stored at
        ``<cache>/<mirror_prefix>/<mirror_path>``.
    mirror : pathlib.Path, optional
        Local mirror root holding ``<mirror_prefix>/<mirror_path>`` or
        ``<mirror_path>``. Default: :func:`mirror_dir` (``$GEO_PRIORITY_MIRROR``).
    base_url : str, optional
        HTTP(S) root replacing the pinned host and commit of every URL; the
        file is fetched from ``base_url + "/" + mirror_path``.
    offline : bool, default False
        Never use the network; fail if a file is neither cached nor mirrored.
    progress : bool, default False
        Log downloads and, if tqdm is installed, show a progress bar on stderr.

    Returns
    -------
    list of pathlib.Path
        Paths of the files in the cache, in registry order.

    Raises
    ------
    FetchError
        Unknown source id; a download failed (the message names the URL and
        how to use a mirror); a checksum did not match (the message gives the
        expected and actual sha256); or files are missing in offline mode.
    InputError
        The registry is invalid, or a file is missing from the cache and the
        mirror directory does not exist or overlaps the cache.

    Examples
    --------
    >>> from pathlib import Path
    >>> paths = fetch_source(  # doctest: +SKIP
    ...     "banten-desa-ocha-bps2020", mirror=Path("/data/upstream"), offline=True
    ... )
    """
    source = get_source(source_id)
    _check_base_url(base_url)
    root = (cache_dir() if cache is None else Path(cache).expanduser()).absolute()
    mirror = mirror_dir() if mirror is None else Path(mirror).expanduser()
    targets = [_cache_path(root, source, f) for f in source.files]
    missing = _fill_locally(source, targets, mirror, root)
    if missing and offline:
        raise _offline_error(source, missing, root, mirror)
    for done, (file, target) in enumerate(missing):
        hint = _network_hint(source, root, len(missing) - done)
        _download(file.url_for(base_url), file, target, progress=progress, hint=hint)
    return targets


def is_cached(source_id: str, cache: Path | None = None) -> bool:
    """Return True if every file of a source is in the cache and intact.

    Parameters
    ----------
    source_id : str
        Registry id.
    cache : pathlib.Path, optional
        Cache root. Default: :func:`cache_dir`.

    Returns
    -------
    bool
        True if each file exists with the registered size and sha256.

    Raises
    ------
    FetchError
        If the source id is unknown.

    Examples
    --------
    >>> from pathlib import Path
    >>> is_cached("banten-desa-ocha-bps2020", cache=Path("/nonexistent"))
    False
    """
    source = get_source(source_id)
    root = cache_dir() if cache is None else Path(cache).expanduser()
    return all(_is_valid(_cache_path(root, source, f), f) for f in source.files)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _read_file(path: Path, source: BoundarySource) -> gpd.GeoDataFrame:
    """Read one cached file and check its columns and CRS."""
    import geopandas as gpd

    frame = gpd.read_file(path, engine="pyogrio")
    missing = [c for c in source.columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"{path.name!r} of source {source.id!r} lacks column(s) "
            f"{shorten_list(missing, 5)}. "
            f"Available: {shorten_list(list(frame.columns), 5)}."
            " Fix code_column/name_column/parent_*_columns in the registry."
        )
    if frame.crs is None:
        return frame.set_crs(source.crs)
    if not frame.crs.equals(source.crs, ignore_axis_order=True):
        raise CRSError(
            f"{path.name!r} of source {source.id!r} has CRS "
            f"{shorten_text(frame.crs.to_string(), 50)!r}, but the registry says "
            f"{source.crs!r}. Fix the registry's crs."
        )
    return frame


def load_source(source_id: str, /, **fetch_kwargs: Any) -> gpd.GeoDataFrame:
    """Fetch a boundary source and read all its files into one GeoDataFrame.

    Parameters
    ----------
    source_id : str
        Registry id.
    **fetch_kwargs
        Passed to :func:`fetch_source` (``cache``, ``mirror``, ``base_url``,
        ``offline``, ``progress``).

    Returns
    -------
    geopandas.GeoDataFrame
        Features of all files, in registry order, with a fresh RangeIndex. Code
        and name columns are strings as in the files.

    Raises
    ------
    FetchError, InputError
        As :func:`fetch_source`.
    SchemaError
        If a file lacks a column the registry names.
    CRSError
        If a file's CRS differs from the registry's.

    Examples
    --------
    >>> from pathlib import Path
    >>> gdf = load_source(  # doctest: +SKIP
    ...     "banten-desa-ocha-bps2020", mirror=Path("/data/upstream"), offline=True
    ... )
    >>> len(gdf)  # doctest: +SKIP
    1552
    """
    source = get_source(source_id)
    return read_source_files(source.id, fetch_source(source.id, **fetch_kwargs))


def read_source_files(source_id: str, paths: list[Path], /) -> gpd.GeoDataFrame:
    """Read the already fetched files of a source into one GeoDataFrame.

    Parameters
    ----------
    source_id : str
        Registry id.
    paths : list of Path
        The files :func:`fetch_source` returned (verified, in registry order).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`load_source`.
    """
    import pandas as pd

    source = get_source(source_id)
    frames = [_read_file(path, source) for path in paths]
    return cast("gpd.GeoDataFrame", pd.concat(frames, ignore_index=True))
