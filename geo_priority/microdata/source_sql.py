"""SQL reading one export: region codes, yes/no flags, sex and the person SELECT.

Every function here inspects the source view (distinct codes and spellings,
a few thousand values) and returns SQL, or builds small lookup tables, so
that the long person query (:func:`select_sql`) reads each file once. The
NIK is validated and tokenised inside that SELECT and goes no further.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from geo_priority import io, regions
from geo_priority.errors import ConfigError, SchemaError
from geo_priority.microdata import ingest
from geo_priority.microdata.ingest import Resolved, scrub
from geo_priority.microdata.sql import ident, literal, rows, run

__all__ = ["MAX_SPELLINGS", "PADS", "codes_table", "flags_sql", "select_sql", "sex_sql"]

Connection = duckdb.DuckDBPyConnection

#: ``{name}_raw``: the distinct region codes as written in view ``{src}``
#: (columns ``{columns}``), with the code they normalise to (``{code}``).
CODES_RAW = """
CREATE TEMP TABLE {name}_raw AS SELECT *, {code} AS kode_raw
FROM (SELECT DISTINCT {columns} FROM {src})
"""
#: ``{name}``: each written code with its Kemendagri desa code (``kode``) via
#: the code map ``{codemap}``, or a masked ``bad_code`` when it has none.
CODES = """
CREATE TEMP TABLE {name} AS SELECT c.* EXCLUDE (kode_raw), m.kode,
  CASE WHEN m.kode IS NULL THEN left(c.kode_raw, 4) || 'xxxxxx' END AS bad_code
FROM {name}_raw c LEFT JOIN {codemap} m ON c.kode_raw = m.src
"""
#: Provinces (first two digits) named by the codes of ``{codes}``.
CODE_PROVINCES = "SELECT DISTINCT left(kode_raw, 2) FROM {codes}"
#: Provinces whose desa codes are in ``desa_ref`` already.
REF_PROVINCES = "SELECT DISTINCT left(kode, 2) FROM desa_ref"
#: Appends the registered frame ``desa_ref_df`` to ``desa_ref``.
ADD_DESA_REF = "INSERT INTO desa_ref SELECT kode FROM desa_ref_df"
#: Code map ``{name}`` of Kemendagri-coded exports: the reference itself.
REF_CODE_MAP = (
    "CREATE OR REPLACE TEMP VIEW {name} AS SELECT kode AS src, kode FROM desa_ref"
)
#: Code map ``{name}`` from a registered crosswalk frame ``{name}_df``.
CROSSWALK_CODE_MAP = "CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_df"
#: Up to ``{limit}`` distinct values of column ``{column}`` as text.
SPELLINGS = "SELECT DISTINCT CAST({column} AS VARCHAR) FROM {src} LIMIT {limit}"


def _code_columns(res: Resolved) -> list[str]:
    """Return the source column(s) holding the desa code."""
    fields = ("kode_desa",) if "kode_desa" in res.columns else ingest.BPS_FIELDS
    return [res.columns[f][0] for f in fields if f in res.columns]


def codes_table(con: Connection, res: Resolved, src: str, i: int) -> str:
    """Build ``codes_i``: each distinct written code -> Kemendagri desa code.

    Codes are normalised once per distinct value (a province has a few
    thousand), not once per person; the person query joins on the code as
    written.
    """
    name = f"codes_{i}"
    raw = ", ".join(ident(c) for c in _code_columns(res))
    code = ingest.code_sql(res.columns)
    run(con, CODES_RAW.format(name=name, code=code, columns=raw, src=src))
    codemap = _code_map(con, res, f"{name}_raw", i)
    run(con, CODES.format(name=name, codemap=codemap))
    return name


def _add_desa_ref(con: Connection, codes: str) -> None:
    """Add the Kemendagri desa codes of the provinces the file's codes name.

    Codes of other provinces cannot match, so the join result is the same as
    with every province; loading only these saves reading 84,000 names.
    """
    named = {r[0] for r in rows(con, CODE_PROVINCES.format(codes=codes))}
    have = {r[0] for r in rows(con, REF_PROVINCES)}
    new = named & set(ingest.province_codes()) - have
    if new:
        con.register("desa_ref_df", ingest.desa_codes(tuple(sorted(new))))
        run(con, ADD_DESA_REF)
        con.unregister("desa_ref_df")


def _code_map(con: Connection, res: Resolved, codes: str, i: int) -> str:
    """Register the table mapping written codes to Kemendagri desa codes."""
    name = f"codemap_{i}"
    if "kode_desa" in res.columns:
        _add_desa_ref(con, codes)
        run(con, REF_CODE_MAP.format(name=name))
        return name
    if not res.spec.crosswalk:
        raise ConfigError(
            f"{Path(res.spec.path).name!r} ({res.style}) carries BPS region codes "
            "(KDPROP/KDKAB/KDKEC/KDDESA); give a BPS -> Kemendagri desa crosswalk, "
            "e.g. crosswalk = '../shared/data/boundaries/"
            "banten_desa_crosswalk_bps2020_kemendagri2025.csv'."
        )
    table = io.read_table(
        res.spec.crosswalk, code_columns=["bps_kode_desa", "kemendagri_kode_desa"]
    )
    cw = regions.crosswalk_from_frame(table).frame
    if "share" in cw.columns:
        cw = cw.sort_values("share", ascending=False)
    cw = cw.drop_duplicates("from_code")
    frame = pd.DataFrame(
        {
            "src": cw["from_code"].astype(str).to_numpy(),
            "kode": cw["to_code"]
            .str.replace(".", "", regex=False)
            .astype(str)
            .to_numpy(),
        }
    )
    con.register(f"{name}_df", frame)
    run(con, CROSSWALK_CODE_MAP.format(name=name))
    return name


#: More distinct values than this and a column is no yes/no or sex column.
MAX_SPELLINGS = 200


def _spellings(
    con: Connection, res: Resolved, src: str, column: str
) -> list[str | None]:
    """Return the distinct values of ``column`` as text (at most MAX_SPELLINGS)."""
    query = SPELLINGS.format(column=ident(column), src=src, limit=MAX_SPELLINGS + 1)
    values = rows(con, query)
    if len(values) > MAX_SPELLINGS:
        raise SchemaError(
            f"column {column!r} of {Path(res.spec.path).name!r} has more than "
            f"{MAX_SPELLINGS} different values, so it is no yes/no or sex column; "
            "check the column mapping."
        )
    return [r[0] for r in values]


def flags_sql(
    con: Connection, res: Resolved, src: str, extra: Sequence[str] = ()
) -> str:
    """Return the SELECT list of the yes/no flags (1, 0 or NULL per person).

    Reads each flag column's spellings first, so an unknown spelling is
    refused before the long person query, with the offending values.
    ``extra``: the catalogue's other flags, selected as ``p_<flag>``.
    """
    parts = []
    for field in (*ingest.FLAG_FIELDS, *extra):
        columns = res.columns.get(field, ())
        cases = [_flag_case(con, res, src, c) for c in columns]
        if not cases:
            expr = "CAST(0 AS TINYINT)"
        elif len(cases) == 1:
            expr = cases[0]
        else:
            expr = f"greatest({', '.join(cases)})"
        name = f"p_{field}" if field in extra else field
        parts.append(f"{expr} AS {name}")
    return ",\n".join(parts)


def _flag_case(con: Connection, res: Resolved, src: str, column: str) -> str:
    meanings, unknown = {}, []
    for raw in _spellings(con, res, src, column):
        if raw is None:
            continue
        try:
            meanings[raw] = ingest.flag_meaning(raw)
        except ValueError:
            unknown.append(scrub(raw)[:30])
    if unknown:
        raise SchemaError(
            f"column {column!r} of {Path(res.spec.path).name!r} holds yes/no values "
            f"that are not understood: {sorted(unknown)[:5]!r}. Known spellings: "
            "Ya/Tidak, Y/N, 1/0, True/False (any case). Recode them."
        )
    return ingest.recode_sql(column, meanings, "TINYINT")


def sex_sql(con: Connection, res: Resolved, src: str) -> str:
    """Return SQL for the person's sex (``L``, ``P`` or NULL) from its spellings."""
    columns = res.columns.get("jenis_kelamin")
    if not columns:
        return "CAST(NULL AS VARCHAR)"
    spellings = _spellings(con, res, src, columns[0])
    meanings = {raw: ingest.sex_meaning(raw) for raw in spellings if raw is not None}
    return ingest.recode_sql(columns[0], meanings, "VARCHAR")


#: SQL reading HMAC's inner and outer padded keys (set per connection).
PADS = ("getvariable('gp_ipad')", "getvariable('gp_opad')")


def _no_separators(text: str) -> str:
    """Return SQL removing blanks and dashes (regex only where there are any)."""
    sep = "'[\\s\\-]'"
    return (
        f"(CASE WHEN regexp_matches({text}, {sep}) "
        f"THEN regexp_replace({text}, {sep}, '', 'g') ELSE {text} END)"
    )


def _other_province_sql() -> str:
    """Return SQL true when a valid NIK was issued in another province.

    The NIK's first two digits (``n``, as a number) are compared with the
    province of the record's Kemendagri desa; rows without a desa are left
    out (they are dropped and counted as ``region_code_unknown``).
    """
    return (
        "coalesce(nik_status = 'valid' AND "
        "n // 100000000000000 <> CAST(left(kode_desa, 2) AS UBIGINT), false)"
    )


def _missing(columns: tuple[str, ...] | None) -> str:
    """Return SQL true where the first of ``columns`` is NULL (always without one).

    Equal to ``ingest._text(columns) IS NULL``: a value cast to text and
    trimmed is NULL only when the value is.
    """
    return f"{ident(columns[0])} IS NULL" if columns else "true"


def select_sql(
    res: Resolved,
    parts: dict[str, str],
    i: int,
    prec: int,
    ref_year: int,
    all_kk: bool,
    extra: Sequence[str] = (),
) -> str:
    """Return the SELECT turning one source's rows into ``persons_raw`` rows.

    ``parts`` holds the source view (``src``), the codes table (``codes``)
    and the SQL of the flags and of sex. The NIK is validated and tokenised
    here and goes no further; the No. KK is tokenised once per distinct value
    (``all_kk``: for every row, as several sources need for family dedupe).
    """
    cols, src = res.columns, parts["src"]
    code_join = " AND ".join(f"s.{ident(c)} = c.{ident(c)}" for c in _code_columns(res))
    fam = ingest._text(cols.get("id_keluarga"))
    kk_raw = ident(cols["no_kk"][0]) if "no_kk" in cols else None
    # KK tokens serve family dedupe across sources and stand in for a missing
    # family id; a single file with family ids needs none, so none are made.
    # The family id is NULL exactly when its trimmed text is; testing the
    # column itself lets DuckDB skip the file's row groups without NULLs.
    needed = "" if all_kk else f"WHERE {_missing(cols.get('id_keluarga'))}"
    kk_cte = (
        f"""kk AS (
      SELECT kk_raw, CASE WHEN regexp_full_match(kk_nz, '[1-9][0-9]{{15}}')
          THEN {ingest.token_sql("kk_nz", *PADS)} END AS kk_token
      FROM (SELECT kk_raw, {_no_separators("trim(CAST(kk_raw AS VARCHAR))")} AS kk_nz
        FROM (SELECT DISTINCT {kk_raw} AS kk_raw FROM {src} {needed}))),"""
        if kk_raw
        else "kk AS (SELECT NULL AS kk_raw, NULL AS kk_token),"
    )
    kk_join = (
        f"LEFT JOIN kk k ON s.{kk_raw} = k.kk_raw"
        if kk_raw
        else ("LEFT JOIN kk k ON false")
    )
    # the No. KK as far as "NIK = No. KK" needs it: a 16-character value
    # equals a 16-digit NIK only as written; others are normalised first
    kk_text = f"CAST(s.{kk_raw} AS VARCHAR)" if kk_raw else "NULL"
    kk_nz = (
        f"CASE WHEN length({kk_text}) = 16 THEN {kk_text} "
        f"ELSE {_no_separators(f'trim({kk_text})')} END"
    )
    # a family file's NIK is the head's: checked for the quality report, never
    # tokenised (persons are not deduplicated from it); it has no ages
    family = res.level == "keluarga"
    raw = (
        f"CAST(s.{ident(cols['nik'][0])} AS VARCHAR)"
        if "nik" in cols
        else "CAST(NULL AS VARCHAR)"
    )
    status = ingest.nik_status_sql(ref_year, "no_kk" in cols, "jenis_kelamin" in cols)
    if "nik" not in cols:
        status = "CAST(NULL AS VARCHAR)"
    members = ingest._text(cols.get("jumlah_anggota"))
    mask = "left(t, 4) || regexp_replace(substr(t, 5), '[0-9]', 'x', 'g')"
    umur = ingest._text(cols.get("umur"))
    slow_nz = _no_separators("t")
    return f"""
    WITH {kk_cte}
    a AS (
      SELECT {raw} AS raw, regexp_full_match({raw}, '[0-9]{{16}}') AS t16,
        {fam} AS fam_raw,
        {parts["sex"]} AS sex,
        {ingest.desil_sql(cols)} AS desil,
        {"NULL" if family else f"try_cast(try_cast({umur} AS DOUBLE) AS SMALLINT)"}
          AS umur,
        try_cast(try_cast({members} AS DOUBLE) AS SMALLINT) AS members,
        {parts["flags"]},
        c.kode AS kode_desa, c.bad_code, {kk_nz} AS kk_nz, k.kk_token
      FROM {src} s LEFT JOIN {parts["codes"]} c ON {code_join}
        {kk_join}),
    t AS (SELECT *, CASE WHEN t16 THEN raw ELSE trim(raw) END AS t FROM a),
    n AS (
      SELECT *, CASE WHEN t16 THEN CAST(raw AS UBIGINT)
          ELSE {ingest.nik_number_sql("t", slow_nz)} END AS n,
        CASE WHEN t16 THEN raw ELSE {slow_nz} END AS nz
      FROM t),
    b AS (SELECT *, {status} AS nik_status FROM n)
    SELECT {i} AS file_idx, {literal(res.sumber)} AS sumber, {prec} AS prec,
      '{i}:' || CASE WHEN fam_raw IS NOT NULL THEN fam_raw
        WHEN kk_token IS NOT NULL THEN kk_token
        ELSE '?' || CAST(uuid() AS VARCHAR) END AS family_key,
      kk_token,
      nik_status,
      CASE WHEN nik_status = 'valid' AND NOT {str(family).lower()}
        THEN {ingest.token_sql("nz", *PADS)} END AS nik_token,
      nik_status = 'valid' AND r.p IS NULL AS prefix_unknown,
      {_other_province_sql()} AS other_province,
      nik_status = 'valid' AND NOT t16 AND t <> nz AS separators,
      nik_status = 'valid' AND n % 10 = 0 AS ends0,
      CASE WHEN nik_status NOT IN ('valid', 'missing') THEN {mask} END AS example,
      bad_code, kode_desa, desil, sex, umur,
      {", ".join(ingest.FLAG_FIELDS)}, members{"".join(f", p_{f}" for f in extra)}
    FROM b LEFT JOIN kec_ref r ON b.n // 10000000000 = r.p
    """
