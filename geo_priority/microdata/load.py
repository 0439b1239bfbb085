"""Load registry exports into the engine's ``persons_raw`` table, one by one.

:func:`load` opens each export through :mod:`geo_priority.io.registry`
(which sniffs, transcodes and reads files), checks its columns, builds its
code and flag lookups (:mod:`~geo_priority.microdata.source_sql`) and
inserts its rows, NIKs tokenised. Failures of the reading libraries become
the project's :class:`~geo_priority.errors.InputError` here, at one place
(:func:`_read_errors`), naming the file and masking any NIK in the cause.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NotRequired, TypedDict

import duckdb

from geo_priority.errors import CodeError, InputError, SchemaError
from geo_priority.io import registry
from geo_priority.microdata import ingest
from geo_priority.microdata.failures import engine_error, is_engine_failure
from geo_priority.microdata.ingest import Resolved, SourceSpec, scrub
from geo_priority.microdata.pseudonymise import hmac_pads
from geo_priority.microdata.source_sql import (
    PADS,
    codes_table,
    flags_sql,
    select_sql,
    sex_sql,
)
from geo_priority.microdata.sql import (
    BAD_CODE_EXAMPLES,
    FILE_ROWS,
    SET_VARIABLE,
    rows,
    run,
)

__all__ = ["PADS", "PROGRESS_DELAY", "FileInfo", "bind_key", "load", "reading"]

Connection = duckdb.DuckDBPyConnection


class FileInfo(TypedDict):
    """What :func:`load` reports per export (a row of ``EngineResult.sources``).

    Attributes
    ----------
    file : str
        The export's label (its file name, with folders where names repeat).
    style, sumber : str
        Source style and label (``p3ke`` / ``P3KE``, ...).
    rows : int
        Rows read.
    sheets : int
        Sheets read (1 but for XLSX).
    level : str
        ``individu`` or ``keluarga``.
    absent_fields : list of str
        Yes/no fields (and a family file's member count) it lacks.
    encoding : str
        Text encoding of a CSV (``utf-8`` otherwise).
    kept_rows : int
        Rows counted, set by the engine's quality step.
    absent_programmes : list of str
        The programme catalogue's other flags it lacks (not a data problem:
        most exports carry only some programmes).
    """

    file: str
    style: str
    sumber: str
    rows: int
    sheets: int
    level: str
    absent_fields: list[str]
    encoding: str
    kept_rows: NotRequired[int]
    absent_programmes: NotRequired[list[str]]


#: Seconds a read runs before its progress bar is drawn.
PROGRESS_DELAY = 2.0
#: What to do when a file fails while its rows are read.
_INCOMPLETE_HINT = "Check that the file is complete."


def bind_key(con: Connection, key: bytes) -> None:
    """Bind HMAC's padded keys as variables (never SQL text, so no error shows them).

    With them, ``ingest.token_sql(value, *PADS)`` is the HMAC-SHA256 token,
    computed by DuckDB's ``sha256`` in parallel, equal to ``nik_token``.
    """
    for name, pad in zip(("gp_ipad", "gp_opad"), hmac_pads(key), strict=True):
        run(con, SET_VARIABLE.format(name=name), [pad])


@contextmanager
def reading(
    con: Connection, label: str, show: bool, delay: float | None = None
) -> Iterator[None]:
    """Draw the running query's progress on stderr (tqdm), polled every 0.5 s.

    Nothing is drawn for a read shorter than ``delay`` seconds (default
    :data:`PROGRESS_DELAY`). The bar reads ``membaca <label>: ..%``, so it
    never starts like the per-export summary line (``<label>: ...``).
    """
    if not show:
        yield
        return
    from tqdm import tqdm

    done = threading.Event()
    bar = tqdm(
        total=100,
        desc=f"membaca {label}",
        leave=False,
        delay=PROGRESS_DELAY if delay is None else delay,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
    )

    def poll() -> None:
        while not done.wait(0.5):
            value = con.query_progress()
            if value >= 0:
                bar.update(max(0.0, min(value, 100.0) - bar.n))

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        bar.close()


@dataclass(frozen=True)
class _Read:
    """One export to read, and what the read depends on."""

    spec: SourceSpec
    index: int  # file_idx in persons_raw
    ref_year: int  # resolves two-digit NIK birth years
    max_bad: float  # largest share of unknown region codes tolerated
    several: bool  # several exports: every KK is tokenised for family dedupe
    level: str | None  # the level of the exports read before, if any
    progress: bool  # draw a progress bar on stderr
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()  # other yes/no flags


def load(
    con: Connection,
    specs: Sequence[SourceSpec],
    key: bytes,
    ref_year: int,
    max_bad: float,
    progress: bool = False,
    extra: Sequence[tuple[str, tuple[str, ...]]] = (),
) -> list[FileInfo]:
    """Insert the rows of every export into ``persons_raw``; describe each file.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The engine's connection, with ``persons_raw``, ``kec_ref`` and
        ``desa_ref`` created.
    specs : sequence of SourceSpec
        The exports, in precedence order among equal sources.
    key : bytes
        The HMAC key.
    ref_year : int
        Year resolving two-digit NIK birth years.
    max_bad : float
        Largest share of rows with unknown region codes.
    progress : bool
        Draw a progress bar on stderr for long reads.
    extra : sequence of (str, tuple of str)
        Other yes/no flags (the programme catalogue's): field and candidate
        columns (lower case, OR-ed); read into ``persons_raw`` column
        ``p_<field>`` (added by the engine).

    Returns
    -------
    list of dict
        Per file: file (label), style, sumber, rows, sheets, level,
        absent_fields, encoding.
    """
    bind_key(con, key)
    files: list[FileInfo] = []
    for i, spec in enumerate(specs):
        level = files[0]["level"] if files else None
        read = _Read(
            spec, i, ref_year, max_bad, len(specs) > 1, level, progress, tuple(extra)
        )
        files.append(_load_file(con, read))
    for info, label in zip(files, _file_labels(specs), strict=True):
        info["file"] = label
    return files


def _file_labels(specs: Sequence[SourceSpec]) -> list[str]:
    """Name each export by its file name, with folders only where names repeat.

    Examples
    --------
    >>> _file_labels([SourceSpec("a/lebak/individu.csv"),
    ...              SourceSpec("a/pandeglang/individu.csv"), SourceSpec("b/x.csv")])
    ['lebak/individu.csv', 'pandeglang/individu.csv', 'x.csv']
    """
    paths = [Path(s.path) for s in specs]

    def tail(path: Path, depth: int) -> str:
        return "/".join(path.parts[-depth:])

    labels = []
    for i, path in enumerate(paths):
        for depth in range(1, len(path.parts) + 1):
            others = [tail(p, depth) for j, p in enumerate(paths) if j != i]
            if tail(path, depth) not in others:
                break
        else:  # the same file given twice
            labels.append(f"{path.name} (#{i + 1})")
            continue
        labels.append(tail(path, depth))
    return labels


def _cannot_read(path: str, err: Exception, hint: str) -> InputError:
    """Return the error naming the export, its masked cause and what to do."""
    return InputError(
        f"cannot read {Path(path).name!r}: {scrub(str(err))[:300]}. {hint}"
    )


@contextmanager
def _read_errors(path: str) -> Iterator[None]:
    """Turn what DuckDB, pyarrow or openpyxl raise on a file into InputError.

    Failures of the engine itself (out of memory, an interrupt, an internal
    error) do not blame the file: they become :func:`failures.engine_error`.
    """
    try:
        yield
    except registry.UnreadableExport as err:
        if isinstance(err.cause, duckdb.Error) and is_engine_failure(err.cause):
            raise engine_error(err.cause) from err.cause
        raise _cannot_read(path, err.cause, err.hint) from err.cause
    except duckdb.Error as err:
        if is_engine_failure(err):
            raise engine_error(err) from err
        raise _cannot_read(path, err, _INCOMPLETE_HINT) from err


def _load_file(con: Connection, read: _Read) -> FileInfo:
    """Ingest one export (a CSV that is not UTF-8 is read as Windows-1252)."""
    path = read.spec.path
    with _read_errors(path), reading(con, Path(path).name, read.progress):
        return _ingest(con, read)


def _absent_fields(res: Resolved, extra: Sequence[str] = ()) -> list[str]:
    """Yes/no fields the export lacks (and, for a family file, its member count)."""
    wanted = [*ingest.FLAG_FIELDS, *extra] if extra else [*ingest.FLAG_FIELDS]
    if res.level == "keluarga":
        wanted.append("jumlah_anggota")
    return [f for f in wanted if f not in res.columns]


def _check_level(res: Resolved, level: str | None) -> None:
    """Refuse to mix person (individu) and family (keluarga) exports."""
    if level is not None and res.level != level:
        raise SchemaError(
            f"{Path(res.spec.path).name!r} is a {res.level} export (one row per "
            f"{'family' if res.level == 'keluarga' else 'person'}) and the exports "
            f"before it are {level} exports. Aggregate person (individu) exports — "
            "they carry the family id, desa, desil and programme flags too — or "
            "only family (keluarga) exports; mixing them would count each family "
            "twice."
        )


def _code_columns(spec: SourceSpec) -> set[str]:
    """Columns whose numeric XLSX cells are marked (NIK, No. KK, mapped ones)."""
    return {"nik", "no_kk", "nokk", "kk", *(c.lower() for c in spec.mapping.values())}


def _ingest(con: Connection, read: _Read) -> FileInfo:
    spec, i = read.spec, read.index
    opened = registry.open_export(
        con,
        spec.path,
        f"src_{i}",
        code_columns=_code_columns(spec),
        number_marker=ingest.EXCEL_NUMBER,
    )
    src = opened.view
    res = ingest.with_extra(
        ingest.resolve_columns(spec, opened.columns), opened.columns, read.extra
    )
    _check_level(res, read.level)
    names = [f for f, _ in read.extra]
    parts = {
        "src": src,
        "flags": flags_sql(con, res, src, names),
        "sex": sex_sql(con, res, src),
        "codes": codes_table(con, res, src, i),
    }
    prec = _precedence(res.sumber) * 1000 + i
    sql = select_sql(
        res, parts, i, prec, read.ref_year, all_kk=read.several, extra=names
    )
    run(con, f"INSERT INTO persons_raw {sql}")
    return {
        "file": Path(spec.path).name,
        "style": res.style,
        "sumber": res.sumber,
        "rows": _check_file(res, con, i, read.max_bad),
        "sheets": opened.sheets,
        "level": res.level,
        "absent_fields": _absent_fields(res),
        "absent_programmes": [f for f in names if f not in res.columns],
        "encoding": opened.encoding,
    }


def _check_file(res: Resolved, con: Connection, i: int, max_bad_codes: float) -> int:
    """Refuse a file without rows or with too many unknown region codes."""
    n, bad = rows(con, FILE_ROWS, [i])[0]
    name = Path(res.spec.path).name
    if n == 0:
        raise InputError(f"registry export {name!r} has a header but no rows.")
    if bad / n > max_bad_codes:
        after = " after the crosswalk" if res.spec.crosswalk else ""
        examples = rows(con, BAD_CODE_EXAMPLES, [i])
        raise CodeError(
            f"{bad:,} of {n:,} rows of {name!r} have region codes that are not "
            f"Kemendagri 2025 desa codes{after}"
            f" (e.g. {[e[0] for e in examples]!r}, masked). The file mixes code "
            "systems or levels: split it by code system, give a crosswalk for BPS "
            "codes, or fix the codes."
        )
    return int(n)


def _precedence(sumber: str) -> int:
    order = ingest.PRECEDENCE
    return order.index(sumber) if sumber in order else len(order)
