"""The engine's SQL: one typed connection, two quoting helpers, named queries.

* :func:`connection` opens the DuckDB connection (memory limit, private
  spill folder); every function takes a :class:`duckdb.DuckDBPyConnection`.
* :func:`run`, :func:`rows` and :func:`frame` run a statement and always
  consume its whole result, so no result is left pending on the connection
  (DuckDB then refuses ``register``: "connection has an unfinished result").
* :func:`ident` quotes identifiers, :func:`literal` quotes text values;
  values that are known only at run time (a key, a file index) are passed as
  parameters (``$1``).
* The upper-case constants are the named queries of the engine's stages.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

from geo_priority.errors import ConfigError

__all__ = [
    "BAD_CODE_EXAMPLES",
    "COMBOS",
    "CREATE_DESA_REF",
    "CREATE_KEC_REF",
    "DESA_COUNTS",
    "FAM",
    "FAMILIES",
    "FILE_ROWS",
    "MAX_DESIL",
    "PERSONS",
    "QUALITY_GROUPS",
    "QUALITY_WIDE",
    "RAW_SCHEMA",
    "REJECTED_LEFT_OUT",
    "SET_VARIABLE",
    "connection",
    "frame",
    "ident",
    "literal",
    "rows",
    "run",
]

Params = Sequence[object] | None


def ident(name: str) -> str:
    """Quote an identifier (a column name as written in an export).

    Examples
    --------
    >>> print(ident("NIK_ART"))
    "NIK_ART"
    """
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """Quote a value as an SQL text literal.

    Examples
    --------
    >>> literal("Ya'")
    "'Ya'''"
    """
    return "'" + str(value).replace("'", "''") + "'"


def run(con: duckdb.DuckDBPyConnection, statement: str, params: Params = None) -> None:
    """Run statement(s) and consume the result (nothing stays pending)."""
    con.execute(statement, params).fetchall()


def rows(
    con: duckdb.DuckDBPyConnection, query: str, params: Params = None
) -> list[tuple[Any, ...]]:
    """Return every row of ``query``."""
    return con.execute(query, params).fetchall()


def frame(
    con: duckdb.DuckDBPyConnection, query: str, params: Params = None
) -> pd.DataFrame:
    """Return the result of ``query`` as a DataFrame."""
    return con.execute(query, params).df()


@contextmanager
def connection(
    memory_limit: str, threads: int | None, progress: bool
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the engine's connection: bounded memory, a private spill folder.

    Parameters
    ----------
    memory_limit : str
        DuckDB memory limit, e.g. ``"1500MB"``.
    threads : int, optional
        DuckDB threads (default: all cores).
    progress : bool
        Track query progress (drawn on stderr by the engine, never by DuckDB,
        whose own bar goes to stdout, among the paths a run lists).

    Yields
    ------
    duckdb.DuckDBPyConnection

    Raises
    ------
    ConfigError
        When DuckDB refuses ``memory_limit`` or ``threads``.
    """
    spill = tempfile.mkdtemp(prefix="gp-duckdb-")
    try:
        con = _connect(memory_limit, spill)
    except BaseException:
        shutil.rmtree(spill, ignore_errors=True)
        raise
    try:
        if threads:
            _set_threads(con, threads)
        run(con, f"SET enable_progress_bar = {str(bool(progress)).lower()}")
        run(con, "SET enable_progress_bar_print = false")
        run(con, "SET preserve_insertion_order = false")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _connect(memory_limit: str, spill: str) -> duckdb.DuckDBPyConnection:
    """Open a connection; a memory limit DuckDB cannot read is a ConfigError."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": str(memory_limit),
        "temp_directory": spill,
    }
    try:
        return duckdb.connect(config=config)
    except (duckdb.ParserException, duckdb.InvalidInputException) as err:
        raise ConfigError(
            f"memory_limit = {memory_limit!r} is not a memory size ({err}); "
            "write a number with a unit, e.g. '1500MB' or '4GB'."
        ) from err


def _set_threads(con: duckdb.DuckDBPyConnection, threads: int) -> None:
    """Set the number of DuckDB threads (a whole number from 1)."""
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ConfigError(
            f"threads = {threads!r} must be a whole number from 1 (or None for "
            "all cores)."
        )
    run(con, f"SET threads = {threads}")


#: Kecamatan prefixes (first 6 NIK digits) of the 2025 reference, from the
#: registered frame ``kec_ref_df``.
CREATE_KEC_REF = (
    "CREATE TEMP TABLE kec_ref AS SELECT CAST(p AS UBIGINT) AS p FROM kec_ref_df"
)
#: Kemendagri desa codes, filled per province as exports name them.
CREATE_DESA_REF = "CREATE TEMP TABLE desa_ref (kode VARCHAR)"

#: One row per person (or family, for family exports) of every export, after
#: validation and tokenisation: no NIK, only its keyed token.
RAW_SCHEMA = """
CREATE TEMP TABLE persons_raw (
  file_idx INTEGER, sumber VARCHAR, prec INTEGER, family_key VARCHAR,
  kk_token VARCHAR, nik_status VARCHAR, nik_token VARCHAR, prefix_unknown BOOLEAN,
  other_province BOOLEAN, separators BOOLEAN, ends0 BOOLEAN, example VARCHAR,
  bad_code VARCHAR,
  kode_desa VARCHAR, desil TINYINT, sex VARCHAR, umur SMALLINT,
  miskin_ekstrem TINYINT, pkh TINYINT, sembako_bpnt TINYINT, blt_dd TINYINT,
  pbi_jk TINYINT, pip TINYINT, members SMALLINT)
"""

#: The view ``persons``: ``persons_raw`` with Excel-zeroed NIKs and NIKs
#: repeated within a family rejected, and persons and families found in a
#: source of higher precedence marked. ``{multi}``: ``true`` when several
#: exports are read.
PERSONS = """
CREATE TEMP TABLE z AS
  SELECT file_idx FROM persons_raw WHERE nik_status = 'valid'
  GROUP BY file_idx HAVING count(*) >= 20 AND avg(CAST(ends0 AS INTEGER)) > 0.5;
CREATE TEMP TABLE multi AS
  WITH h AS (
    SELECT hash(sumber, nik_token) AS h FROM persons_raw
    WHERE nik_token IS NOT NULL GROUP BY h HAVING count(*) > 1)
  SELECT sumber, nik_token, min(family_key) <> max(family_key) AS cross_family
  FROM persons_raw WHERE hash(sumber, nik_token) IN (SELECT h FROM h)
    AND nik_token IS NOT NULL
  GROUP BY ALL HAVING count(*) > 1;
CREATE TEMP TABLE dupfam AS
  SELECT family_key, nik_token FROM persons_raw
  SEMI JOIN multi USING (sumber, nik_token)
  GROUP BY ALL HAVING count(*) > 1;
CREATE TEMP TABLE dupsrc AS
  SELECT sumber, nik_token FROM multi WHERE cross_family;
CREATE TEMP TABLE kkmin AS
  SELECT kk_token, min(prec) AS p FROM persons_raw
  WHERE kk_token IS NOT NULL AND {multi} GROUP BY ALL;
CREATE TEMP TABLE nikmin AS
  SELECT nik_token, min(prec) AS p FROM persons_raw
  WHERE nik_token IS NOT NULL AND {multi} GROUP BY ALL;
CREATE TEMP VIEW persons AS
WITH s AS (
  SELECT r.* REPLACE (
      CASE WHEN r.ends0 AND z.file_idx IS NOT NULL THEN 'excel_zeroed_16th_digit'
        WHEN d.family_key IS NOT NULL THEN 'duplicate_in_family'
        ELSE r.nik_status END AS nik_status,
      CASE WHEN (r.ends0 AND z.file_idx IS NOT NULL) OR d.family_key IS NOT NULL
        THEN NULL ELSE r.nik_token END AS nik_token),
    ds.nik_token IS NOT NULL AS in_dupsrc, km.p AS kk_p, nm.p AS nik_p
  FROM persons_raw r
    LEFT JOIN z ON r.file_idx = z.file_idx
    LEFT JOIN dupfam d ON r.family_key = d.family_key AND r.nik_token = d.nik_token
    LEFT JOIN dupsrc ds ON r.sumber = ds.sumber AND r.nik_token = ds.nik_token
    LEFT JOIN kkmin km ON r.kk_token = km.kk_token
    LEFT JOIN nikmin nm ON r.nik_token = nm.nik_token)
SELECT * EXCLUDE (in_dupsrc, kk_p, nik_p),
  nik_token IS NOT NULL AND in_dupsrc AS duplicate_in_source,
  coalesce(prec > kk_p, false) AS family_in_higher_source,
  nik_token IS NOT NULL AND coalesce(prec > nik_p, false) AS person_in_higher_source
FROM s
"""

#: Highest desil written in any export (4 when none is).
MAX_DESIL = "SELECT coalesce(max(desil), 4) FROM persons_raw"

#: Persons grouped by every property a quality problem's predicate reads
#: (few groups).
QUALITY_GROUPS = """
CREATE TEMP TABLE quality_groups AS
  SELECT file_idx, sumber,
    coalesce(left(kode_desa, 4), left(bad_code, 4)) AS kode_kab,
    nik_status, prefix_unknown, other_province, separators, duplicate_in_source,
    family_in_higher_source, person_in_higher_source,
    kode_desa IS NULL AS no_desa, desil IS NULL AS no_desil, sex IS NULL AS no_sex,
    contains(family_key, ':?') AS no_family_id,
    coalesce(family_key IN (SELECT family_key FROM split_families), false)
      AS split_family,
    count(*) AS n, min(example) AS example
  FROM persons GROUP BY ALL
"""

#: Per file, kab/kota and problem: the rows with the problem and an example;
#: ``{counts}`` and ``{examples}`` are the FILTERed aggregates per problem.
QUALITY_WIDE = """
SELECT file_idx, sumber, kode_kab, {counts}, {examples},
  sum(n) FILTER (WHERE NOT no_desa AND NOT family_in_higher_source AND NOT
    person_in_higher_source) AS kept
FROM quality_groups GROUP BY ALL
"""

#: Families (kept persons grouped) with the person counts the desa table needs.
#: A family is counted in its members' desa; members written in different
#: desa (a data error) put the family in the smallest code and the quality
#: report counts them as ``family_split_across_desa``. From family-level
#: exports (one row per family) persons are the stated number of members:
#: ``{persons}`` is ``count(*)`` or ``coalesce(max(members), 0)``;
#: ``{keep}`` is ``true``, or ``nik_status = 'valid'`` to leave out persons
#: whose NIK was rejected. ``nik_rejected`` counts the members kept with a
#: rejected NIK (they cannot be deduplicated across sources).
FAMILIES = """
CREATE TEMP TABLE families AS
  SELECT family_key, min(kode_desa) AS kode_desa,
    min(kode_desa) <> max(kode_desa) AS split,
    min(desil) AS desil, bool_or(miskin_ekstrem = 1) AS me,
    bool_or(pkh = 1) AS pkh, bool_or(sembako_bpnt = 1) AS sembako_bpnt,
    bool_or(blt_dd = 1) AS blt_dd, {persons} AS persons,
    count_if(umur BETWEEN 6 AND 21) AS persons_6_21,
    count_if(pbi_jk = 1) AS pbi_jk_persons, count_if(pip = 1) AS pip_persons,
    count_if(umur BETWEEN 6 AND 21 AND pip = 1) AS pip_persons_6_21,
    count_if(nik_status <> 'valid') AS nik_rejected{extra}
  FROM persons WHERE kode_desa IS NOT NULL
    AND NOT family_in_higher_source AND NOT person_in_higher_source AND {keep}
  GROUP BY family_key;
CREATE TEMP TABLE split_families AS SELECT family_key FROM families WHERE split;
"""

#: Families with what the desa counts read: ``{target}``, ``{any}`` and
#: ``{bundle}`` say whether a family is in the target group, receives any
#: programme and receives one of the "bansos keluarga" bundle; ``{mask}``,
#: ``{nprog}`` and ``{kantong}`` are the programme convergence of
#: :mod:`geo_priority.microdata.convergence` (the desa programme table
#: ``desa_prog`` joined for the desa programmes, ``{desa_cols}`` its
#: ``d_<flag>`` columns).
FAM = """
CREATE TEMP TABLE fam AS
SELECT f.*{desa_cols}, {target} AS tgt, {any} AS anyp, {bundle} AS bundle,
  {mask} AS cmask, {nprog} AS nprog, {kantong} AS kantong
FROM families f LEFT JOIN desa_prog d ON f.kode_desa = d.kode_desa
"""
#: The programme combinations of the target families.
COMBOS = "SELECT DISTINCT cmask FROM fam WHERE tgt ORDER BY cmask"
#: The desa counts: ``{counts}`` is the select list of
#: :func:`geo_priority.microdata.columns.desa_counts` and the convergence.
DESA_COUNTS = """
SELECT kode_desa, {counts}
FROM fam GROUP BY kode_desa ORDER BY kode_desa
"""

#: Persons with a rejected NIK that would be counted (kept, in a desa).
REJECTED_LEFT_OUT = """
SELECT count(*) FROM persons WHERE kode_desa IS NOT NULL AND nik_status <> 'valid'
  AND NOT family_in_higher_source AND NOT person_in_higher_source
"""

#: Rows and rows without a Kemendagri desa of file ``$1``.
FILE_ROWS = (
    "SELECT count(*), count_if(kode_desa IS NULL) FROM persons_raw WHERE file_idx = $1"
)
#: Up to five masked region codes of file ``$1`` that are not Kemendagri codes.
BAD_CODE_EXAMPLES = (
    "SELECT DISTINCT bad_code FROM persons_raw WHERE file_idx = $1 AND "
    "bad_code IS NOT NULL LIMIT 5"
)
#: Binds HMAC's padded key ``$1`` to the variable named in the statement.
SET_VARIABLE = "SET VARIABLE {name} = $1"
