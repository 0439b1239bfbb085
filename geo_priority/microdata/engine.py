"""The aggregation engine: registry exports -> desa counts, out of core (DuckDB).

Everything person-level happens inside one DuckDB connection with a memory
limit and a private spill folder, so a province-sized registry is aggregated
with bounded memory. The library reaches this module through ONE function,
:func:`aggregate_counts`; a distributed engine for national scale only has to
provide the same function (same arguments, same :class:`EngineResult`).

No NIK is ever stored: the SELECT that reads a file validates the NIK and
replaces it with its keyed token in the same expression.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from geo_priority import io, regions
from geo_priority.errors import CodeError, ConfigError, InputError, SchemaError
from geo_priority.microdata import ingest
from geo_priority.microdata.ingest import Resolved, SourceSpec, scrub
from geo_priority.microdata.pseudonymise import hmac_pads

__all__ = ["TARGETS", "EngineResult", "aggregate_counts"]

Target = Literal["desil1", "desil12", "miskin_ekstrem"]
TARGETS: tuple[str, ...] = ("desil1", "desil12", "miskin_ekstrem")
FAMILY_PROGRAMMES: tuple[str, ...] = ("pkh", "sembako_bpnt", "blt_dd")
PERSON_PROGRAMMES: tuple[str, ...] = ("pbi_jk", "pip")
_TARGET_SQL = {
    "desil1": "coalesce(desil = 1, false)",
    "desil12": "coalesce(desil <= 2, false)",
    "miskin_ekstrem": "coalesce(me, false)",
}


@dataclass(frozen=True)
class EngineResult:
    """What the engine returns: small, aggregated, NIK-free tables.

    Attributes
    ----------
    counts : pandas.DataFrame
        One row per Kemendagri desa (``kode_desa``, 10 digits) with the count
        columns of :mod:`geo_priority.microdata.tables`.
    quality : pandas.DataFrame
        Long data-quality table: file, sumber, kode_kab, problem, severity,
        rows, example (masked).
    sources : pandas.DataFrame
        One row per input: file, style, sumber, rows, kept rows, sheets.
    max_desil : int
        Highest desil present (4 for P3KE/DTKS, 10 for DTSEN).
    """

    counts: pd.DataFrame
    quality: pd.DataFrame
    sources: pd.DataFrame
    max_desil: int


@contextmanager
def _connection(
    memory_limit: str, threads: int | None, progress: bool
) -> Iterator[Any]:
    spill = tempfile.mkdtemp(prefix="gp-duckdb-")
    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill})
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute(f"SET enable_progress_bar = {str(progress).lower()}")
        con.execute("SET preserve_insertion_order = false")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _fail(path: str, err: Exception, hint: str) -> InputError:
    return InputError(
        f"cannot read {Path(path).name!r}: {scrub(str(err))[:300]}. {hint}"
    )


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _xlsx_frame(path: Path, code_columns: set[str]) -> tuple[pd.DataFrame, int]:
    """Read every sheet of an XLSX export as text; numeric NIK cells are marked."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types on damaged files
        raise _fail(str(path), err, "Re-save it as .xlsx, or export CSV.") from err
    frames, header = [], None
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            continue
        names = [str(c).strip() if c is not None else "" for c in first]
        if header is not None and names != header:
            raise SchemaError(
                f"sheet {sheet.title!r} of {path.name!r} has other columns than the "
                "first sheet; a per-kecamatan workbook needs the same header on "
                "every sheet."
            )
        header = names
        marked = {i for i, n in enumerate(names) if n.lower() in code_columns}
        body = [[_cell(v, i in marked) for i, v in enumerate(r)] for r in rows]
        frames.append(pd.DataFrame(body, columns=names, dtype="string"))
    book.close()
    if header is None:
        raise InputError(
            f"{path.name!r} has no sheet with a header row; check the file."
        )
    return pd.concat(frames, ignore_index=True), len(frames)


def _cell(value: object, code: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if code:
            return ingest.EXCEL_NUMBER
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def _open_source(con: Any, spec: SourceSpec, i: int) -> tuple[str, list[str], int]:
    """Make the file readable as view ``src_i``; return it, its columns, sheets."""
    path = Path(spec.path)
    if not path.is_file():
        raise InputError(
            f"registry export {str(path)!r} does not exist; check the path."
        )
    if path.stat().st_size == 0:
        raise InputError(f"registry export {path.name!r} is empty (0 bytes).")
    suffix, name, sheets = path.suffix.lower(), f"src_{i}", 1
    try:
        if suffix in (".csv", ".txt"):
            con.execute(
                f"CREATE TEMP VIEW {name} AS SELECT * FROM read_csv({_literal(path)}, "
                "all_varchar = true, header = true)"
            )
        elif suffix in (".parquet", ".pq"):
            con.execute(
                f"CREATE TEMP VIEW {name} AS SELECT * FROM "
                f"read_parquet({_literal(path)})"
            )
        elif suffix in (".xlsx", ".xlsm"):
            codes = {
                "nik",
                "no_kk",
                "nokk",
                "kk",
                *(c.lower() for c in spec.mapping.values()),
            }
            frame, sheets = _xlsx_frame(path, codes)
            con.register(f"{name}_df", frame)
            con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM {name}_df")
        else:
            raise InputError(
                f"registry export {path.name!r} has suffix {suffix!r}; use .csv, "
                ".xlsx or .parquet."
            )
        columns = [
            d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description
        ]
    except duckdb.Error as err:
        raise _fail(
            spec.path,
            err,
            "The file may be truncated or not in the format its "
            "suffix says; export it again.",
        ) from err
    return name, columns, sheets


def _add_desa_ref(con: Any, res: Resolved, src: str) -> None:
    """Add the Kemendagri desa codes of the provinces the file's codes name.

    Codes of other provinces cannot match, so the join result is the same as
    with every province; loading only these saves reading 84,000 names.
    """
    try:
        rows = con.execute(
            f"SELECT DISTINCT left({ingest.code_sql(res.columns)}, 2) FROM {src}"
        ).fetchall()
    except duckdb.Error as err:
        raise _fail(res.spec.path, err, "Check that the file is complete.") from err
    have = con.execute("SELECT DISTINCT left(kode, 2) FROM desa_ref").fetchall()
    new = {r[0] for r in rows} & set(ingest.province_codes()) - {r[0] for r in have}
    if new:
        con.register("desa_ref_df", ingest.desa_codes(tuple(sorted(new))))
        con.execute("INSERT INTO desa_ref SELECT kode FROM desa_ref_df")
        con.unregister("desa_ref_df")


def _code_map(con: Any, res: Resolved, src: str, i: int) -> str:
    """Register the table mapping written codes to Kemendagri desa codes."""
    name = f"codemap_{i}"
    if "kode_desa" in res.columns:
        _add_desa_ref(con, res, src)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS "
            "SELECT kode AS src, kode FROM desa_ref"
        )
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
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_df")
    return name


#: SQL reading HMAC's inner and outer padded keys (set per connection).
_PADS = ("getvariable('gp_ipad')", "getvariable('gp_opad')")


def _no_separators(text: str) -> str:
    """Return SQL removing blanks and dashes (regex only where there are any)."""
    sep = "'[\\s\\-]'"
    return (
        f"(CASE WHEN regexp_matches({text}, {sep}) "
        f"THEN regexp_replace({text}, {sep}, '', 'g') ELSE {text} END)"
    )


def _select_sql(
    res: Resolved, src: str, codemap: str, i: int, prec: int, ref_year: int
) -> str:
    cols = res.columns
    nik = ingest._text(cols["nik"])
    kk = _no_separators(ingest._text(cols.get("no_kk")))
    flags = ",\n".join(
        f"{ingest.flag_sql(cols.get(f))} AS {f}" for f in ingest.FLAG_FIELDS
    )
    status = ingest.nik_status_sql(ref_year, "no_kk" in cols, "jenis_kelamin" in cols)
    fam = ingest._text(cols.get("id_keluarga"))
    flag_cols = sorted({c for f in ingest.FLAG_FIELDS for c in cols.get(f, ())})
    lowered = ingest.lowered_sql(flag_cols) if flag_cols else "1 AS __none"
    mask = "left(t, 4) || regexp_replace(substr(t, 5), '[0-9]', 'x', 'g')"
    umur = ingest._text(cols.get("umur"))
    token = ingest.token_sql("kk_nz", *_PADS)
    return f"""
    WITH a AS (
      SELECT {nik} AS t,
        {_no_separators(nik)} AS nz,
        {kk} AS kk_nz,
        {fam} AS fam_raw,
        {ingest.sex_sql(cols.get("jenis_kelamin"))} AS sex,
        {ingest.desil_sql(cols)} AS desil,
        try_cast(try_cast({umur} AS DOUBLE) AS SMALLINT) AS umur,
        {ingest.code_sql(cols)} AS kode_raw,
        {flags}
      FROM (SELECT *, {lowered} FROM {src})),
    b AS (SELECT *, {status} AS nik_status FROM a),
    kk AS (
      SELECT kk_nz, {token} AS kk_token
      FROM (SELECT DISTINCT {kk} AS kk_nz FROM {src})
      WHERE regexp_matches(kk_nz, '^[1-9][0-9]{{15}}$'))
    SELECT {i} AS file_idx, '{res.sumber}' AS sumber, {prec} AS prec,
      '{i}:' || coalesce(fam_raw, kk.kk_token, 'x') AS family_key,
      kk.kk_token,
      nik_status,
      CASE WHEN nik_status = 'valid' THEN {ingest.token_sql("nz", *_PADS)}
        END AS nik_token,
      nik_status = 'valid' AND r.p IS NULL AS prefix_unknown,
      nik_status = 'valid' AND regexp_matches(t, '[\\s\\-]') AS separators,
      nik_status = 'valid' AND right(nz, 1) = '0' AS ends0,
      CASE WHEN nik_status NOT IN ('valid', 'missing') THEN {mask} END AS example,
      CASE WHEN m.kode IS NULL THEN left(kode_raw, 4) || 'xxxxxx' END AS bad_code,
      m.kode AS kode_desa, desil, sex, umur,
      {", ".join(ingest.FLAG_FIELDS)}
    FROM b LEFT JOIN {codemap} m ON b.kode_raw = m.src
      LEFT JOIN kk ON b.kk_nz = kk.kk_nz
      LEFT JOIN kec_ref r ON substr(b.nz, 1, 6) = r.p
    """


def _check_file(con: Any, res: Resolved, src: str, i: int, max_bad_codes: float) -> int:
    n, bad, odd = con.execute(
        "SELECT count(*), count_if(kode_desa IS NULL), "
        + " + ".join(f"count_if({f} = 2)" for f in ingest.FLAG_FIELDS)
        + f" FROM persons_raw WHERE file_idx = {i}"
    ).fetchone()
    name = Path(res.spec.path).name
    if n == 0:
        raise InputError(f"registry export {name!r} has a header but no rows.")
    if odd:
        raise SchemaError(_flag_message(con, res, src))
    if bad / n > max_bad_codes:
        after = " after the crosswalk" if res.spec.crosswalk else ""
        examples = con.execute(
            f"SELECT DISTINCT bad_code FROM persons_raw WHERE file_idx = {i} AND "
            "bad_code IS NOT NULL LIMIT 5"
        ).fetchall()
        raise CodeError(
            f"{bad:,} of {n:,} rows of {name!r} have region codes that are not "
            f"Kemendagri 2025 desa codes{after}"
            f" (e.g. {[e[0] for e in examples]!r}, masked). The file mixes code "
            "systems or levels: split it by code system, give a crosswalk for BPS "
            "codes, or fix the codes."
        )
    return int(n)


def _flag_message(con: Any, res: Resolved, src: str) -> str:
    known = ", ".join(f"'{w}'" for w in (*ingest.TRUE_WORDS, *ingest.FALSE_WORDS))
    for field in ingest.FLAG_FIELDS:
        for column in res.columns.get(field, ()):
            rows = con.execute(
                f"SELECT DISTINCT CAST({ingest._q(column)} AS VARCHAR) FROM {src} "
                f"WHERE lower(trim(CAST({ingest._q(column)} AS VARCHAR))) "
                f"NOT IN ({known}) "
                f"AND trim(CAST({ingest._q(column)} AS VARCHAR)) <> '' LIMIT 5"
            ).fetchall()
            if rows:
                values = [scrub(str(r[0]))[:30] for r in rows]
                return (
                    f"column {column!r} of {Path(res.spec.path).name!r} holds yes/no "
                    f"values that are not understood: {values!r}. Known spellings: "
                    "Ya/Tidak, Y/N, 1/0, True/False (any case). Recode them."
                )
    return "a yes/no column holds values that are not understood."


def _bind_key(con: Any, key: bytes) -> None:
    """Bind HMAC's padded keys as variables (never SQL text, so no error shows them).

    With them, ``ingest.token_sql(value, *_PADS)`` is the HMAC-SHA256 token,
    computed by DuckDB's ``sha256`` in parallel, equal to ``nik_token``.
    """
    for name, pad in zip(("gp_ipad", "gp_opad"), hmac_pads(key), strict=True):
        con.execute(f"SET VARIABLE {name} = $1", [pad])


def _load(
    con: Any, specs: Sequence[SourceSpec], key: bytes, ref_year: int, max_bad: float
) -> list[dict[str, Any]]:
    _bind_key(con, key)
    info = []
    for i, spec in enumerate(specs):
        src, columns, sheets = _open_source(con, spec, i)
        res = ingest.resolve_columns(spec, columns)
        codemap = _code_map(con, res, src, i)
        prec = _precedence(res.sumber) * 1000 + i
        sql = _select_sql(res, src, codemap, i, prec, ref_year)
        try:
            con.execute(f"INSERT INTO persons_raw {sql}")
        except duckdb.Error as err:
            raise _fail(spec.path, err, "Check that the file is complete.") from err
        rows = _check_file(con, res, src, i, max_bad)
        info.append(
            {
                "file": Path(spec.path).name,
                "style": res.style,
                "sumber": res.sumber,
                "rows": rows,
                "sheets": sheets,
            }
        )
    return info


def _precedence(sumber: str) -> int:
    order = ingest.PRECEDENCE
    return order.index(sumber) if sumber in order else len(order)


_RAW_SCHEMA = """
CREATE TEMP TABLE persons_raw (
  file_idx INTEGER, sumber VARCHAR, prec INTEGER, family_key VARCHAR,
  kk_token VARCHAR, nik_status VARCHAR, nik_token VARCHAR, prefix_unknown BOOLEAN,
  separators BOOLEAN, ends0 BOOLEAN, example VARCHAR, bad_code VARCHAR,
  kode_desa VARCHAR, desil TINYINT, sex VARCHAR, umur SMALLINT,
  miskin_ekstrem TINYINT, pkh TINYINT, sembako_bpnt TINYINT, blt_dd TINYINT,
  pbi_jk TINYINT, pip TINYINT)
"""

_PERSONS_SQL = """
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

#: Problems of the quality report: name -> (severity, SQL predicate on persons).
PROBLEMS: dict[str, tuple[str, str]] = {
    **{
        f"nik_{p}": ("rejected", f"nik_status = '{p}'")
        for p in (
            *ingest.NIK_PROBLEMS,
            "excel_zeroed_16th_digit",
            "duplicate_in_family",
        )
        if p != "missing"
    },
    "nik_missing": ("rejected", "nik_status = 'missing'"),
    "nik_prefix_not_in_2025_table": ("warning", "prefix_unknown"),
    "nik_separators_removed": ("info", "separators AND nik_status = 'valid'"),
    "nik_duplicate_in_source": ("warning", "duplicate_in_source"),
    "family_dropped_in_higher_source": ("deduplicated", "family_in_higher_source"),
    "person_dropped_in_higher_source": (
        "deduplicated",
        "person_in_higher_source AND NOT family_in_higher_source",
    ),
    "region_code_unknown": ("dropped", "kode_desa IS NULL"),
    "desil_missing": ("warning", "desil IS NULL"),
    "sex_missing": ("warning", "sex IS NULL"),
}


def _quality(con: Any, files: list[dict[str, Any]]) -> pd.DataFrame:
    names = list(PROBLEMS)
    counts = ", ".join(
        f"count_if({pred}) AS q{i}" for i, (_, pred) in enumerate(PROBLEMS.values())
    )
    examples = ", ".join(
        f"min(example) FILTER (WHERE {pred}) AS e{i}"
        for i, (_, pred) in enumerate(PROBLEMS.values())
    )
    wide = con.execute(
        f"SELECT file_idx, sumber, coalesce(left(kode_desa, 4), left(bad_code, 4)) AS "
        f"kode_kab, {counts}, {examples}, count_if(kode_desa IS NOT NULL AND NOT "
        "family_in_higher_source AND NOT person_in_higher_source) AS kept "
        "FROM persons GROUP BY ALL"
    ).df()
    for i, n in wide.groupby("file_idx")["kept"].sum().items():
        files[int(i)]["kept_rows"] = int(n)
    rows = []
    for i, name in enumerate(names):
        part = wide[wide[f"q{i}"] > 0]
        rows.append(
            pd.DataFrame(
                {
                    "file": part["file_idx"].map(lambda j: files[int(j)]["file"]),
                    "sumber": part["sumber"],
                    "kode_kab": part["kode_kab"],
                    "problem": name,
                    "severity": PROBLEMS[name][0],
                    "rows": part[f"q{i}"].astype("int64"),
                    "example": part[f"e{i}"].map(
                        lambda v: scrub(v) if isinstance(v, str) else None
                    ),
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    return frame.sort_values(["file", "problem", "kode_kab"]).reset_index(drop=True)


def _agg_sql(target: str, max_desil: int, programmes: Sequence[str]) -> str:
    t = _TARGET_SQL[target]
    alias = {"pbi_jk": "any_pbi", "pip": "any_pip"}
    anyp = " OR ".join(alias.get(p, p) for p in programmes)
    desil_f = ", ".join(
        f"count_if(desil = {k}) AS families_desil_{k}" for k in range(1, max_desil + 1)
    )
    desil_p = ", ".join(
        f"count_if(fam.desil = {k}) AS persons_desil_{k}"
        for k in range(1, max_desil + 1)
    )
    fprog = ", ".join(
        f"count_if({p}) AS {p}_families, count_if({p} AND tgt) AS {p}_target_families, "
        f"count_if({p} AND NOT tgt) AS {p}_nontarget_families"
        for p in FAMILY_PROGRAMMES
    )
    pprog = ", ".join(
        f"count_if(k.{p} = 1) AS {p}_persons, count_if(k.{p} = 1 AND tgt) AS "
        f"{p}_target_persons, count_if(k.{p} = 1 AND NOT tgt) AS {p}_nontarget_persons"
        for p in PERSON_PROGRAMMES
    )
    return f"""
    WITH kept AS (
      SELECT * FROM persons WHERE kode_desa IS NOT NULL
        AND NOT family_in_higher_source AND NOT person_in_higher_source),
    fam0 AS (
      SELECT family_key, any_value(kode_desa) AS kode_desa, min(desil) AS desil,
        bool_or(miskin_ekstrem = 1) AS me,
        bool_or(pkh = 1) AS pkh, bool_or(sembako_bpnt = 1) AS sembako_bpnt,
        bool_or(blt_dd = 1) AS blt_dd, bool_or(pbi_jk = 1) AS any_pbi,
        bool_or(pip = 1) AS any_pip
      FROM kept GROUP BY family_key),
    fam AS (SELECT *, {t} AS tgt,
        {anyp} AS anyp FROM fam0),
    f AS (
      SELECT kode_desa, count(*) AS families, {desil_f},
        count_if(desil IS NULL) AS families_desil_unknown,
        count_if(me) AS families_miskin_ekstrem,
        count_if(tgt) AS target_families, count_if(NOT tgt) AS nontarget_families,
        count_if(tgt AND substr(kode_desa, 7, 1) <> '1') AS target_families_desa,
        {fprog},
        count_if(anyp) AS any_families, count_if(anyp AND tgt) AS any_target_families,
        count_if(anyp AND NOT tgt) AS any_nontarget_families,
        count_if(tgt AND NOT anyp) AS target_excluded_families
      FROM fam GROUP BY kode_desa),
    p AS (
      SELECT k.kode_desa, count(*) AS persons, {desil_p},
        count_if(fam.desil IS NULL) AS persons_desil_unknown,
        count_if(fam.me) AS persons_miskin_ekstrem,
        count_if(tgt) AS target_persons,
        count_if(tgt AND k.umur BETWEEN 6 AND 21) AS target_persons_6_21,
        {pprog}
      FROM kept k JOIN fam USING (family_key)
      GROUP BY k.kode_desa)
    SELECT * FROM f JOIN p USING (kode_desa) ORDER BY kode_desa
    """


def _with_all_desa(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the reference desa of the covered kecamatan that have no families (0)."""
    kecs = sorted({c[:6] for c in counts["kode_desa"].astype(str)})
    ref = pd.concat(
        [
            regions.reference_areas("desa", within=f"{k[:2]}.{k[2:4]}.{k[4:]}")
            for k in kecs
        ],
        ignore_index=True,
    )
    codes = ref["code"].str.replace(".", "", regex=False).astype(str)
    out = pd.DataFrame({"kode_desa": codes.to_numpy()}).merge(
        counts.astype({"kode_desa": str}), on="kode_desa", how="outer"
    )
    numbers = out.columns.drop("kode_desa")
    out[numbers] = out[numbers].fillna(0).astype("int64")
    return out.sort_values("kode_desa").reset_index(drop=True)


def aggregate_counts(
    sources: Sequence[SourceSpec],
    *,
    key: bytes,
    target: Target = "desil1",
    programmes: Sequence[str] = (*FAMILY_PROGRAMMES, *PERSON_PROGRAMMES),
    reference_year: int | None = None,
    max_bad_code_share: float = 0.05,
    memory_limit: str = "1500MB",
    threads: int | None = None,
    progress: bool = False,
) -> EngineResult:
    """Ingest registry exports and count families and persons per desa.

    This is the only entry point of the engine.

    Parameters
    ----------
    sources : sequence of SourceSpec
        The exports (DTSEN, P3KE, DTKS, ...). Persons and families found in
        several sources are kept once, from the source earliest in
        :data:`ingest.PRECEDENCE` (then the earlier file).
    key : bytes
        The HMAC key (see :func:`pseudonymise.load_key`).
    target : {"desil1", "desil12", "miskin_ekstrem"}
        The target group of the targeting measures.
    programmes : sequence of str
        Programmes that count as "any programme" for the exclusion and
        inclusion errors (default: all of pkh, sembako_bpnt, blt_dd, pbi_jk, pip).
    reference_year : int, optional
        Year resolving two-digit NIK birth years (default: this year).
    max_bad_code_share : float
        A file with a larger share of non-Kemendagri region codes is refused
        as mixing code systems; below it, such rows are dropped and counted.
    memory_limit : str
        DuckDB memory limit; larger work spills to a private temporary folder.
    threads : int, optional
        DuckDB threads (default: all cores).
    progress : bool
        Show DuckDB's progress bar on long reads.

    Returns
    -------
    EngineResult

    Raises
    ------
    InputError
        When a file is missing, empty, truncated or of an unknown format.
    SchemaError
        When a file has no NIK/family/region/desil column or unknown yes/no values.
    CodeError
        When a file mixes code systems.
    ConfigError
        For an unknown target, or BPS codes without a crosswalk.
    """
    if target not in TARGETS:
        raise ConfigError(f"target {target!r} is unknown; choose one of {TARGETS}.")
    if not sources:
        raise ConfigError("no registry exports were given; pass at least one file.")
    known = (*FAMILY_PROGRAMMES, *PERSON_PROGRAMMES)
    if not programmes or set(programmes) - set(known):
        raise ConfigError(
            f"programmes {list(programmes)!r} must be a non-empty subset of {known}."
        )
    year = reference_year or ingest.reference_year()
    with _connection(memory_limit, threads, progress) as con:
        con.register("kec_ref_df", ingest.kecamatan_prefixes())
        con.execute("CREATE TEMP TABLE kec_ref AS SELECT * FROM kec_ref_df")
        con.execute("CREATE TEMP TABLE desa_ref (kode VARCHAR)")
        con.execute(_RAW_SCHEMA)
        files = _load(con, sources, key, year, max_bad_code_share)
        con.execute(_PERSONS_SQL.format(multi=str(len(sources) > 1).lower()))
        max_desil = int(
            con.execute("SELECT coalesce(max(desil), 4) FROM persons_raw").fetchone()[0]
        )
        max_desil = 10 if max_desil > 4 else 4
        counts = con.execute(_agg_sql(target, max_desil, programmes)).df()
        quality = _quality(con, files)
    return EngineResult(_with_all_desa(counts), quality, pd.DataFrame(files), max_desil)
