"""Fill the boundary cache: checked copies from the cache, a mirror, or the network.

Every file is checked against its sha256 and size; files are written into the
cache atomically and a mirror is only ever read. Downloads use :mod:`pooch`.
:func:`geo_priority.io.fetch.fetch_source` drives these steps.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from geo_priority.errors import FetchError, InputError
from geo_priority.formatting import shorten_list, shorten_text
from geo_priority.io.sources import ENV_CACHE, ENV_MIRROR, BoundarySource, SourceFile
from geo_priority.messages import tr

if TYPE_CHECKING:
    pass

__all__ = [
    "DOWNLOAD_TIMEOUT",
    "cache_path",
    "check_base_url",
    "download",
    "fill_locally",
    "is_valid",
    "network_hint",
    "offline_error",
    "sha256_of",
]

#: Seconds to wait for the server to connect or send more data.
DOWNLOAD_TIMEOUT = 60

# logged under the name users know: geo_priority.io.fetch
_LOG = logging.getLogger("geo_priority.io.fetch")
_CHUNK = 1 << 20


# --------------------------------------------------------------------------
# Files: checks, mirror copies, downloads
# --------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """Return the sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_valid(path: Path, file: SourceFile) -> bool:
    """Return True if ``path`` is a file with the expected size and sha256."""
    try:
        if path.stat().st_size != file.size:
            return False
        return sha256_of(path) == file.sha256
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def cache_path(root: Path, source: BoundarySource, file: SourceFile) -> Path:
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
            tr(
                "mirror directory {value!r} does not exist or is not a directory. "
                "Pass an existing directory as mirror (CLI: --mirror DIR) or unset "
                "{ENV_MIRROR}.",
                value=str(mirror),
                ENV_MIRROR=ENV_MIRROR,
            )
        )
    if _overlaps(mirror, cache):
        raise InputError(
            tr(
                "mirror {value!r} and cache {value2!r} overlap; files are written "
                "into the cache and a mirror is never written to. Use another cache "
                "(cache=..., {ENV_CACHE}) or another mirror.",
                value=str(mirror),
                value2=str(cache),
                ENV_CACHE=ENV_CACHE,
            )
        )
    return mirror


def check_base_url(base_url: str | None) -> None:
    """Check that ``base_url`` is an HTTP(S) URL."""
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise FetchError(
            tr(
                "base_url must start with http:// or https://, got {base_url!r}. For "
                "a local directory pass mirror=DIR (CLI: --mirror DIR) instead.",
                base_url=base_url,
            )
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
                tr(
                    "mirror file {value!r} has the wrong checksum: expected sha256 "
                    "{sha256}, got {actual}. The mirror copy is corrupted or from "
                    "another version; replace it with the pinned file from {url!r}, or "
                    "remove the mirror.",
                    value=str(src),
                    sha256=file.sha256,
                    actual=actual,
                    url=file.url,
                )
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


def fill_locally(
    source: BoundarySource, targets: Sequence[Path], mirror: Path | None, root: Path
) -> list[tuple[SourceFile, Path]]:
    """Take files from the cache, then the mirror; return those still missing.

    The mirror is only checked (and must only exist) when a file is missing
    from the cache, so a full cache works even if the mirror is unplugged.
    """
    pending = [
        (f, t) for f, t in zip(source.files, targets, strict=True) if not is_valid(t, f)
    ]
    if not pending:
        return []
    mirror = _check_mirror(mirror, root)
    return [(f, t) for f, t in pending if not _copy_from_mirror(source, f, t, mirror)]


class _HashingDownloader:
    """Wrap a pooch downloader and record the sha256 of what it downloaded."""

    def __init__(self, progress: bool) -> None:
        import pooch  # imported when a file is downloaded, not on every command

        has_tqdm = importlib.util.find_spec("tqdm") is not None
        self._inner = pooch.HTTPDownloader(
            progressbar=progress and has_tqdm, timeout=DOWNLOAD_TIMEOUT
        )
        self.sha256: str | None = None

    def __call__(self, url: str, output_file: str, pooch_obj: Any) -> None:
        self.sha256 = None
        self._inner(url, output_file, pooch_obj)
        self.sha256 = sha256_of(Path(output_file))


@contextmanager
def _pooch_logging(progress: bool) -> Iterator[None]:
    """Silence pooch's "Downloading ..." messages unless progress is wanted."""
    import pooch

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
        tr(
            "checksum mismatch for {url!r}: expected sha256 {sha256}, got "
            "{actual}. The file is corrupted or was changed upstream; delete it "
            "from {value!r} and retry, or check the mirror. The bad download was "
            "not kept.",
            url=url,
            sha256=file.sha256,
            actual=actual,
            value=str(target.parent),
        )
    )


def network_hint(source: BoundarySource, cache: Path, missing: int) -> str:
    """Explain how to get the files without the network."""
    return tr(
        "{missing} file(s) of {source!r} are still missing. Without internet "
        "access, pass --mirror DIR or set {env} to a folder holding "
        "{prefix}/<mirror_path>, or copy the files into {cache!r} keeping their "
        "paths.",
        missing=missing,
        source=source.id,
        env=ENV_MIRROR,
        prefix=source.mirror_prefix,
        cache=str(cache / source.mirror_prefix),
    )


def download(
    url: str, file: SourceFile, target: Path, *, progress: bool, hint: str
) -> None:
    """Download one file into ``target`` with pooch, atomically and verified.

    pooch downloads to a temporary file next to ``target``, checks the sha256
    and only then renames it, so a failed or bad download leaves nothing behind.
    """
    import pooch
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
            tr(
                "could not download {url!r} (network says: {value}). {hint}",
                url=url,
                value=shorten_text(str(err), 160),
                hint=hint,
            )
        ) from err
    except ValueError as err:
        if downloader.sha256 is None or downloader.sha256 == file.sha256:
            raise FetchError(
                tr(
                    "download of {url!r} failed: {value}. {hint}",
                    url=url,
                    value=shorten_text(str(err), 160),
                    hint=hint,
                )
            ) from err
        raise _mismatch_error(url, file, downloader.sha256, target) from err


def offline_error(
    source: BoundarySource,
    missing: Sequence[tuple[SourceFile, Path]],
    cache: Path,
    mirror: Path | None,
) -> FetchError:
    """Build the error for files missing from the cache in offline mode."""
    names = [f.name for f, _ in missing]
    looked = (
        tr(
            " They are not in the mirror {mirror!r} either (looked under {prefix}/ "
            "and at its top level).",
            mirror=str(mirror),
            prefix=source.mirror_prefix,
        )
        if mirror is not None
        else ""
    )
    return FetchError(
        tr(
            "offline and {n_missing} of {n_files} files of {id!r} are not in the "
            "cache: {value}.{looked} Copy them into {value2!r} keeping their "
            "paths (e.g. {value3!r}), or pass --mirror DIR or set {ENV_MIRROR} to a "
            "folder holding {mirror_prefix}/<mirror_path>, or allow downloads "
            "(leave out --offline).",
            n_missing=len(missing),
            n_files=len(source.files),
            id=source.id,
            value=shorten_list(names, 5),
            looked=looked,
            value2=str(cache / source.mirror_prefix),
            value3=str(missing[0][1]),
            ENV_MIRROR=ENV_MIRROR,
            mirror_prefix=source.mirror_prefix,
        )
    )
