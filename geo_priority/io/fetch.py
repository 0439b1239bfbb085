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

The registry's format is read in :mod:`geo_priority.io.sources`, the cache is
filled by :mod:`geo_priority.io.download`; this module finds the registry,
cache and mirror, and reads the fetched files with the project's vector reader
(:func:`geo_priority.io.vector.read_vector`, codes kept as text).

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

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import platformdirs

from geo_priority.errors import CRSError, FetchError, InputError, SchemaError
from geo_priority.formatting import shorten_list, shorten_text
from geo_priority.io.download import (
    cache_path,
    check_base_url,
    download,
    fill_locally,
    is_valid,
    network_hint,
    offline_error,
)
from geo_priority.io.sources import (
    ENV_CACHE,
    ENV_MIRROR,
    ENV_REGISTRY,
    BoundarySource,
    SourceFile,
    normalise_id,
    parse_registry,
)
from geo_priority.messages import tr

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
    "read_source_files",
    "registry_path",
]


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
                tr(
                    "{ENV_REGISTRY}={env!r} is not a file. Point it to a sources.toml "
                    "boundary registry, or unset it to use the bundled one.",
                    ENV_REGISTRY=ENV_REGISTRY,
                    env=env,
                )
            )
        return path
    candidates = _default_registry_paths()
    for path in candidates:
        if path.is_file():
            return path
    raise InputError(
        tr(
            "boundary registry sources.toml not found; looked in {value}. "
            "Reinstall geo-priority (it installs the registry as data files) or "
            "set {ENV_REGISTRY} to its path.",
            value=", ".join(repr(str(p)) for p in candidates),
            ENV_REGISTRY=ENV_REGISTRY,
        )
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
    return parse_registry(registry_path() if path is None else Path(path))


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
    key = normalise_id(source_id)
    if key not in sources:
        raise FetchError(
            tr(
                "unknown boundary source {source_id!r}. Known sources: {value}. Use "
                "one of them, or add the source to {value2!r} (see "
                "boundaries/README.md).",
                source_id=source_id,
                value=shorten_list(sorted(sources), 5),
                value2=str(registry or registry_path()),
            )
        )
    return sources[key]


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
    check_base_url(base_url)
    root = (cache_dir() if cache is None else Path(cache).expanduser()).absolute()
    mirror = mirror_dir() if mirror is None else Path(mirror).expanduser()
    targets = [cache_path(root, source, f) for f in source.files]
    missing = fill_locally(source, targets, mirror, root)
    if missing and offline:
        raise offline_error(source, missing, root, mirror)
    for done, (file, target) in enumerate(missing):
        hint = network_hint(source, root, len(missing) - done)
        download(file.url_for(base_url), file, target, progress=progress, hint=hint)
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
    return all(is_valid(cache_path(root, source, f), f) for f in source.files)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _read_file(path: Path, source: BoundarySource) -> gpd.GeoDataFrame:
    """Read one cached file and check its columns and CRS."""
    from geo_priority.io.vector import read_vector

    frame = read_vector(path)
    missing = [c for c in source.columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            tr(
                "{name!r} of source {id!r} lacks column(s) {value}. Available: "
                "{value2}. Fix code_column/name_column/parent_*_columns in the "
                "registry.",
                name=path.name,
                id=source.id,
                value=shorten_list(missing, 5),
                value2=shorten_list(list(frame.columns), 5),
            )
        )
    if frame.crs is None:
        return frame.set_crs(source.crs)
    if not frame.crs.equals(source.crs, ignore_axis_order=True):
        raise CRSError(
            tr(
                "{name!r} of source {id!r} has CRS {value!r}, but the registry says "
                "{crs!r}. Fix the registry's crs.",
                name=path.name,
                id=source.id,
                value=shorten_text(frame.crs.to_string(), 50),
                crs=source.crs,
            )
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
