"""Check that an input file exists, and say why a reader could not parse it.

Shared by the readers of tables (:mod:`geo_priority.io.table`), boundaries
(:mod:`geo_priority.io.vector`) and rasters (:mod:`geo_priority.io.raster`),
so every kind of file is reported missing or unreadable the same way, with
the config key that names it.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo_priority.errors import InputError
from geo_priority.formatting import shorten_text
from geo_priority.messages import tr

__all__ = ["check_file", "unreadable"]


def check_file(path: str | os.PathLike[str], what: str) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path`, or raise if it does not exist."""
    source = Path(path)
    if not source.exists():
        hint = (
            ""
            if source.is_absolute()
            else tr(
                " (relative paths start from {folder!r})",
                folder=shorten_text(os.getcwd(), 80),
            )
        )
        raise InputError(_not_found(what, shorten_text(str(source), 120), hint))
    return source


def _not_found(what: str, path: str, hint: str) -> str:
    """Say that the ``what`` file (table, boundaries, raster) does not exist."""
    if what == "boundaries":
        return tr(
            "boundary file {path!r} not found. Check the path{hint} "
            "(boundaries.path in the config).",
            path=path,
            hint=hint,
        )
    if what == "raster":
        return tr(
            "raster file {path!r} not found. Check the path{hint}.",
            path=path,
            hint=hint,
        )
    return tr(
        "table file {path!r} not found. Check the path{hint} (tables.path in the "
        "config).",
        path=path,
        hint=hint,
    )


def unreadable(source: Path, what: str, err: BaseException, hint: str) -> InputError:
    """Build the error for a file the reader could not parse."""
    reason = " ".join(str(err).split()).rstrip(".") or type(err).__name__
    reason = shorten_text(reason, 150)
    return InputError(_cannot_read(what, shorten_text(str(source), 120), reason, hint))


def _cannot_read(what: str, path: str, reason: str, hint: str) -> str:
    """Say that the ``what`` file could not be read, the reader's reason and a fix."""
    if what == "boundaries":
        return tr(
            "cannot read boundary file {path!r} (reader says: {reason}). {hint}",
            path=path,
            reason=reason,
            hint=hint,
        )
    if what == "raster":
        return tr(
            "cannot read raster file {path!r} (reader says: {reason}). {hint}",
            path=path,
            reason=reason,
            hint=hint,
        )
    return tr(
        "cannot read table file {path!r} (reader says: {reason}). {hint}",
        path=path,
        reason=reason,
        hint=hint,
    )
