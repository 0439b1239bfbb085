"""DuckDB failures of the engine -> one project error with a plain hint.

Whatever DuckDB raises while registry exports are aggregated ends here, as
one :mod:`geo_priority.errors` exception whose message says what failed and
what to do; the DuckDB text is kept (shortened, any NIK-like run masked)
and the original exception chained, so ``-v`` still shows it. The choice is
made by the exception's type, never by its message:

* out of memory -> :class:`~geo_priority.errors.InputError` (raise
  ``memory_limit`` or close programs);
* temporary files that cannot be written or read (the spill folder: full or
  forbidden) -> :class:`~geo_priority.errors.InputError` naming the folder;
* an interrupt (Ctrl-C while a query runs) -> :class:`KeyboardInterrupt`;
* anything else -> :class:`~geo_priority.errors.GeoPriorityError`, a bug to
  report with the message (it holds no NIK).

:func:`is_engine_failure` tells the loader which failures are the engine's
rather than the file's, so a file is not blamed for a full disk.

Examples
--------
>>> err = engine_error(duckdb.OutOfMemoryException("failed to allocate"))
>>> type(err).__name__, "memory_limit" in str(err)
('InputError', True)
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from geo_priority.errors import GeoPriorityError, InputError
from geo_priority.microdata.ingest import scrub

__all__ = ["engine_error", "engine_failures", "is_engine_failure"]

#: Characters of DuckDB's own message kept in ours.
_CAUSE_CHARS = 300
#: Failures of the engine itself, never of the export being read.
_ENGINE_TYPES: tuple[type[duckdb.Error], ...] = (
    duckdb.OutOfMemoryException,
    duckdb.InterruptException,
    duckdb.InternalException,
    duckdb.FatalException,
)


def _cause(err: BaseException) -> str:
    """Return DuckDB's message, shortened, with NIK-like runs masked."""
    return scrub(str(err))[:_CAUSE_CHARS]


def is_engine_failure(err: BaseException) -> bool:
    """Return True when ``err`` is the engine's failure, not the file's.

    Examples
    --------
    >>> is_engine_failure(duckdb.OutOfMemoryException("x"))
    True
    >>> is_engine_failure(duckdb.InvalidInputException("bad CSV"))
    False
    """
    return isinstance(err, _ENGINE_TYPES)


def engine_error(err: duckdb.Error) -> GeoPriorityError | KeyboardInterrupt:
    """Return the project error (or the interrupt) to raise for ``err``.

    Parameters
    ----------
    err : duckdb.Error
        What DuckDB raised.

    Returns
    -------
    GeoPriorityError or KeyboardInterrupt
        Raise it ``from err``.
    """
    if isinstance(err, duckdb.OutOfMemoryException):
        return InputError(
            f"the registry aggregation ran out of memory: {_cause(err)}. "
            "Raise memory_limit, or close other programs."
        )
    if isinstance(err, duckdb.InterruptException):
        return KeyboardInterrupt()
    if isinstance(err, duckdb.IOException | duckdb.PermissionException):
        return InputError(
            "the registry aggregation could not write or read its temporary "
            f"files (under {tempfile.gettempdir()}): {_cause(err)}. Free disk "
            "space there, or set TMPDIR to a folder with more room that you may "
            "write to, and run again."
        )
    return GeoPriorityError(
        "the registry aggregation failed inside its database engine (DuckDB "
        f"{type(err).__name__}): {_cause(err)}. This is most likely a fault of "
        "geo-priority, not of your exports: run again with -v and report the "
        "message (it holds no NIK)."
    )


@contextmanager
def engine_failures() -> Iterator[None]:
    """Turn any DuckDB failure inside the block into :func:`engine_error`.

    Project errors raised inside (a file that cannot be read, a bad code
    column) pass through unchanged.

    Raises
    ------
    GeoPriorityError
        For every :class:`duckdb.Error`.
    """
    try:
        yield
    except duckdb.Error as err:
        raise engine_error(err) from err
