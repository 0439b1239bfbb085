"""All or nothing: a run's output files replace the previous set as one.

Every file of a run is first written into a private staging folder next to
the outputs (same file system, so moving is a rename). Only when every file is
complete is the set moved into place, and only then is the previous set of the
same name removed. A failure or an interruption before that leaves the
previous set untouched; the staging folder is removed (or, after a kill, by
the next run).

The move itself is a handful of renames. So that a kill between two renames
cannot leave a mix, a journal is written first; any later run on the folder
finds it and finishes the move (*roll forward*: the new set was complete
when the journal was written).

The previous set is what the previous run recorded: its run record
(``<name>_run.json``) lists every file with its sha256 (:func:`recorded_files`).
Temporary files in the output folder, for an output name ``desa``, exist only
while a run writes or moves its set::

    .geo-priority-desa.<pid>-<id>.staging/    a run being written
    .geo-priority-desa.<pid>-<id>.previous/   the previous set during the move
    .geo-priority-desa.commit.json            the journal, during the move

Set ``GEO_PRIORITY_FAULT`` to one of :data:`FAULT_POINTS` to have the process
kill itself there (``SIGKILL``): the fault-injection tests use it to stop a run
at exact points of the move.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo_priority.errors import (
    DiskFullError,
    GeoPriorityWarning,
    InputError,
    OutputExistsError,
)
from geo_priority.formatting import format_number, shorten_list, shorten_text
from geo_priority.io.output import exists_message
from geo_priority.messages import language, tr

__all__ = [
    "FAULT_POINTS",
    "StagedSet",
    "check_set",
    "file_sha256",
    "recorded_files",
    "recover",
    "staged_outputs",
]

PREFIX = ".geo-priority-"
#: Where ``GEO_PRIORITY_FAULT`` can stop a run (for the fault-injection tests).
FAULT_POINTS = ("staged", "journal", "moved_old", "moved_half", "moved_new")
#: Below this many free bytes a failed write is taken to be a full disk.
_FULL_DISK_BYTES = 1 << 20
#: Temporary files of killed atomic writes are removed once this old (seconds).
_STALE_SECONDS = 600
#: The name :func:`geo_priority.io.atomic_path` gives a file being written:
#: ``.<name>.tmp-<8 hex digits><suffix>``.
_ATOMIC_TEMP = re.compile(r"^\..+\.tmp-[0-9a-f]{8}(\.[^.]+)?$")


class LeftoverCleanedWarning(GeoPriorityWarning):
    """Temporary files of an interrupted run were found and removed."""


def _fault(point: str) -> None:
    """Kill this process at ``point`` when the fault-injection tests ask for it."""
    if os.environ.get("GEO_PRIORITY_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def file_sha256(path: Path) -> str:
    """Return the sha256 hex digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _journal_path(folder: Path, name: str) -> Path:
    return folder / f"{PREFIX}{name}.commit.json"


def _write_json_durably(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` to ``path`` by temp file, fsync and rename."""
    tmp = path.with_name(f"{path.name}.tmp-{secrets.token_hex(4)}")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def recorded_files(record: str | os.PathLike[str]) -> list[str]:
    """Return the files a run record lists, and the record itself (empty if none).

    Parameters
    ----------
    record : path-like
        A ``*_run.json`` written by :func:`geo_priority.write_outputs`.
    """
    path = Path(record)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return [path.name]
    # only plain names of this folder: a damaged record never moves other files
    plain = [n for n in files if isinstance(n, str) and n == Path(n).name]
    return [*(n for n in plain if not n.startswith(".")), path.name]


def describe_files(folder: Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Return ``{name: {"sha256", "bytes"}}`` for the files ``names`` of ``folder``."""
    out = {}
    for n in sorted(names):
        path = folder / n
        out[n] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
    return out


def _move(source: Path, target: Path) -> None:
    if source.exists():
        os.replace(source, target)


def _finish_move(folder: Path, name: str, journal: dict[str, Any]) -> None:
    """Do (or finish) the move the journal describes; idempotent."""
    staging = folder / journal["staging"]
    previous = folder / journal["previous"]
    previous.mkdir(exist_ok=True)
    new = list(journal["new"])
    for old in journal["old"]:
        if old in new and not (staging / old).exists():
            continue  # the new file is in place already (a finished move)
        _move(folder / old, previous / old)
    _fault("moved_old")
    for i, item in enumerate(new):
        _move(staging / item, folder / item)
        if i == len(new) // 2:
            _fault("moved_half")
    _fault("moved_new")
    _journal_path(folder, name).unlink(missing_ok=True)
    _fsync_folder(folder)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def recover(folder: str | os.PathLike[str], name: str) -> bool:
    """Finish the move of a run that was killed while moving its set into place.

    Returns
    -------
    bool
        True when an interrupted move was found and finished.
    """
    folder = Path(folder)
    path = _journal_path(folder, name)
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):  # a journal never completed: nothing was moved
        path.unlink(missing_ok=True)
        return False
    _finish_move(folder, name, journal)
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(folder: Path, name: str) -> list[Path]:
    """Return temporary files of interrupted runs of ``name`` in ``folder``."""
    found = []
    for item in folder.glob(f"{PREFIX}{name}.*"):
        parts = item.name.split(".")
        if item.suffix in (".staging", ".previous") and len(parts) >= 3:
            pid = parts[-2].split("-")[0]
            if not (pid.isdigit() and _pid_alive(int(pid))):
                found.append(item)
    now = time.time()
    for item in folder.glob(".*.tmp-*"):  # atomic writes of a killed process
        age = now - item.stat().st_mtime
        if _ATOMIC_TEMP.match(item.name) and age > _STALE_SECONDS:
            found.append(item)
    for item in folder.glob(".shp-*"):
        if item.is_dir() and now - item.stat().st_mtime > _STALE_SECONDS:
            found.append(item)
    return found


def _clean_leftovers(folder: Path, name: str) -> None:
    found = _leftovers(folder, name)
    for item in found:
        if item.is_dir():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)
    if found:
        warnings.warn(
            tr(
                "removed {n_found} temporary file(s) of an interrupted earlier run "
                "in {value!r}: {value2}",
                n_found=len(found),
                value=shorten_text(str(folder), 80),
                value2=shorten_list(sorted(p.name for p in found), 4),
            ),
            LeftoverCleanedWarning,
            stacklevel=3,
        )


def _check_existing(folder: Path, planned: list[str], previous: list[str]) -> None:
    existing = [
        str(folder / n)
        for n in dict.fromkeys([*planned, *previous])
        if (folder / n).exists()
    ]
    if not existing:
        return
    raise OutputExistsError(exists_message(existing[:6], max(len(existing) - 6, 0)))


def check_set(
    folder: str | os.PathLike[str],
    name: str,
    planned: Iterable[str],
    *,
    previous: Iterable[str] = (),
    overwrite: bool,
) -> None:
    """Raise before any work when the set would replace files without overwrite.

    An interrupted move of an earlier run is finished first.

    Raises
    ------
    OutputExistsError
        Listing the planned files and the files of the previous set that exist.
    """
    folder = Path(folder)
    if folder.is_dir():
        recover(folder, name)
    if not overwrite:
        _check_existing(folder, list(planned), list(previous))


def _make_staging(folder: Path, name: str) -> Path:
    staging = folder / f"{PREFIX}{name}.{os.getpid()}-{secrets.token_hex(4)}.staging"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as err:
        raise InputError(
            tr(
                "cannot write into folder {value!r}: {value2}. Choose another output "
                "folder (--out) or make this one writable.",
                value=shorten_text(str(folder), 120),
                value2=err.strerror or err,
            )
        ) from err
    return staging


@dataclass
class StagedSet:
    """An output set being written into its staging folder.

    Attributes
    ----------
    folder : Path
        Where the set goes.
    name : str
        The output name (``outputs.name``).
    staging : Path
        Where the files are written until the set is complete.
    previous : list of str
        The files of the previous set, removed when this one is in place.
    """

    folder: Path
    name: str
    staging: Path
    previous: list[str] = field(default_factory=list)

    def path(self, final: Path) -> Path:
        """Return where the file that ends as ``final`` is written meanwhile."""
        return self.staging / final.name

    def written(self) -> dict[str, dict[str, Any]]:
        """Return the files written so far, with their sha256 and size."""
        names = [p.name for p in self.staging.iterdir() if p.is_file()]
        return describe_files(self.staging, names)

    def commit(self) -> dict[str, dict[str, Any]]:
        """Move the complete set into place; then remove the previous set.

        Returns
        -------
        dict
            The files moved into place: name -> sha256 and size.
        """
        files = self.written()
        _fault("staged")
        journal = {
            "staging": self.staging.name,
            "previous": self.staging.name.replace(".staging", ".previous"),
            "new": sorted(files),
            "old": sorted(set(self.previous) | set(files)),
        }
        _write_json_durably(journal, _journal_path(self.folder, self.name))
        _fault("journal")
        _finish_move(self.folder, self.name, journal)
        return files


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _FULL_DISK_BYTES
    except OSError:
        return False


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _space_error(folder: Path, written: int) -> DiskFullError:
    free = shutil.disk_usage(folder).free  # after the unfinished outputs are gone
    lang = language()
    return DiskFullError(
        tr(
            "the disk of {value!r} is full: it filled up after {mb} MB of outputs "
            "were written. Nothing was changed: the previous outputs are as they "
            "were. Free some space ({value2} MB is free now that the unfinished "
            "outputs are removed), or write elsewhere with --out.",
            value=shorten_text(str(folder), 120),
            mb=format_number(written / 1e6, lang=lang, decimals=1),
            value2=format_number(free / 1e6, lang=lang),
        )
    )


@contextmanager
def staged_outputs(
    folder: str | os.PathLike[str],
    name: str,
    planned: Iterable[str],
    *,
    previous: Iterable[str] = (),
    overwrite: bool,
) -> Iterator[StagedSet]:
    """Write a whole output set, then put it in place at once; or change nothing.

    Parameters
    ----------
    folder : path-like
        The output folder.
    name : str
        The output name (``outputs.name``): names the set.
    planned : iterable of str
        The file names the run will write (checked before any work).
    previous : iterable of str
        The files of the previous set (:func:`recorded_files`): removed once
        the new set is in place.
    overwrite : bool
        Replace the previous set of this name; otherwise any of its files, or
        any planned file, existing stops the run before any work.

    Yields
    ------
    StagedSet
        Write each output to ``staged.path(final_path)``. When the block ends
        without error the set is moved into place.

    Raises
    ------
    OutputExistsError
        An output exists and ``overwrite`` is False.
    DiskFullError
        The disk filled up while writing (nothing was changed).
    InputError
        The folder cannot be written.
    """
    folder = Path(folder)
    planned = list(planned)
    if folder.is_dir():
        recover(folder, name)
        _clean_leftovers(folder, name)
    previous = list(previous)
    if not overwrite:
        _check_existing(folder, planned, previous)
    staged = StagedSet(folder, name, _make_staging(folder, name), previous)
    try:
        yield staged
        staged.commit()
    except BaseException as err:
        if _journal_path(folder, name).exists():
            raise  # the move had begun: the next run on this folder finishes it
        full = isinstance(err, Exception) and _disk_full(folder)
        written = _size(staged.staging)
        shutil.rmtree(staged.staging, ignore_errors=True)
        if full:
            raise _space_error(folder, written) from err
        raise
