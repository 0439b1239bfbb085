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

import csv
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

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
        One row per input: file, style, sumber, level (individu/keluarga),
        rows, kept rows, sheets, encoding, absent fields.
    max_desil : int
        Highest desil present (4 for P3KE/DTKS, 10 for DTSEN).
    absent : tuple of str
        Yes/no fields (programmes, ``miskin_ekstrem``) that no export has,
        ``"any"`` when no programme is there at all, and for family-level
        exports ``"persons_6_21"`` (and ``"persons"`` without member
        numbers); their counts are 0 here and must be published as "no data".
    """

    counts: pd.DataFrame
    quality: pd.DataFrame
    sources: pd.DataFrame
    max_desil: int
    absent: tuple[str, ...] = ()


@contextmanager
def _connection(
    memory_limit: str, threads: int | None, progress: bool
) -> Iterator[Any]:
    spill = tempfile.mkdtemp(prefix="gp-duckdb-")
    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill})
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        # progress is tracked for _reading() and drawn on stderr, never printed
        # by DuckDB itself (its bar goes to stdout, among the paths a run lists)
        con.execute(f"SET enable_progress_bar = {str(progress).lower()}")
        con.execute("SET enable_progress_bar_print = false")
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


#: Text encodings of CSV exports: UTF-8 (read by DuckDB), else Windows-1252,
#: what Excel on an Indonesian Windows writes ("CSV", with ";").
CSV_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252")


def _csv_delimiter(first_line: str) -> str:
    """Return the most frequent of , ; tab | in the header line."""
    return max(",;\t|", key=first_line.count)


def _transcoded_csv(path: Path, encoding: str) -> Any:
    """Read a non-UTF-8 CSV into an Arrow table of text columns (in memory)."""
    import pyarrow.csv as pacsv

    with path.open(encoding=encoding, newline="") as handle:
        header = handle.readline()
    delimiter = _csv_delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter))
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True
        ),
    )


def _open_source(
    con: Any, spec: SourceSpec, i: int, encoding: str = "utf-8"
) -> tuple[str, list[str], int]:
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
        if suffix in (".csv", ".txt") and encoding != "utf-8":
            con.register(f"{name}_df", _transcoded_csv(path, encoding))
            con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM {name}_df")
        elif suffix in (".csv", ".txt"):
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
        if "not utf-8 encoded" in str(err):
            raise  # read again in another encoding
        raise _fail(
            spec.path,
            err,
            "The file may be truncated or not in the format its "
            "suffix says; export it again.",
        ) from err
    return name, columns, sheets


def _code_columns(res: Resolved) -> list[str]:
    """Return the source column(s) holding the desa code."""
    fields = ("kode_desa",) if "kode_desa" in res.columns else ingest.BPS_FIELDS
    return [res.columns[f][0] for f in fields if f in res.columns]


def _codes_table(con: Any, res: Resolved, src: str, i: int) -> str:
    """Build ``codes_i``: each distinct written code -> Kemendagri desa code.

    Codes are normalised once per distinct value (a province has a few
    thousand), not once per person; the person query joins on the code as
    written.
    """
    name = f"codes_{i}"
    raw = ", ".join(ingest._q(c) for c in _code_columns(res))
    con.execute(
        f"CREATE TEMP TABLE {name}_raw AS SELECT *, {ingest.code_sql(res.columns)} "
        f"AS kode_raw FROM (SELECT DISTINCT {raw} FROM {src})"
    )
    codemap = _code_map(con, res, f"{name}_raw", i)
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT c.* EXCLUDE (kode_raw), m.kode, "
        "CASE WHEN m.kode IS NULL THEN left(c.kode_raw, 4) || 'xxxxxx' END AS bad_code "
        f"FROM {name}_raw c LEFT JOIN {codemap} m ON c.kode_raw = m.src"
    )
    return name


def _add_desa_ref(con: Any, codes: str) -> None:
    """Add the Kemendagri desa codes of the provinces the file's codes name.

    Codes of other provinces cannot match, so the join result is the same as
    with every province; loading only these saves reading 84,000 names.
    """
    rows = con.execute(f"SELECT DISTINCT left(kode_raw, 2) FROM {codes}").fetchall()
    have = con.execute("SELECT DISTINCT left(kode, 2) FROM desa_ref").fetchall()
    new = {r[0] for r in rows} & set(ingest.province_codes()) - {r[0] for r in have}
    if new:
        con.register("desa_ref_df", ingest.desa_codes(tuple(sorted(new))))
        con.execute("INSERT INTO desa_ref SELECT kode FROM desa_ref_df")
        con.unregister("desa_ref_df")


def _code_map(con: Any, res: Resolved, codes: str, i: int) -> str:
    """Register the table mapping written codes to Kemendagri desa codes."""
    name = f"codemap_{i}"
    if "kode_desa" in res.columns:
        _add_desa_ref(con, codes)
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


#: More distinct values than this and a column is no yes/no or sex column.
MAX_SPELLINGS = 200


def _spellings(con: Any, res: Resolved, src: str, column: str) -> list[str | None]:
    """Return the distinct values of ``column`` as text (at most MAX_SPELLINGS)."""
    q = ingest._q(column)
    rows = con.execute(
        f"SELECT DISTINCT CAST({q} AS VARCHAR) FROM {src} LIMIT {MAX_SPELLINGS + 1}"
    ).fetchall()
    if len(rows) > MAX_SPELLINGS:
        raise SchemaError(
            f"column {column!r} of {Path(res.spec.path).name!r} has more than "
            f"{MAX_SPELLINGS} different values, so it is no yes/no or sex column; "
            "check the column mapping."
        )
    return [r[0] for r in rows]


def _flags_sql(con: Any, res: Resolved, src: str) -> str:
    """Return the SELECT list of the yes/no flags (1, 0 or NULL per person).

    Reads each flag column's spellings first, so an unknown spelling is
    refused before the long person query, with the offending values.
    """
    parts = []
    for field in ingest.FLAG_FIELDS:
        columns = res.columns.get(field, ())
        cases = [_flag_case(con, res, src, c) for c in columns]
        if not cases:
            expr = "CAST(0 AS TINYINT)"
        elif len(cases) == 1:
            expr = cases[0]
        else:
            expr = f"greatest({', '.join(cases)})"
        parts.append(f"{expr} AS {field}")
    return ",\n".join(parts)


def _flag_case(con: Any, res: Resolved, src: str, column: str) -> str:
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


def _sex_sql(con: Any, res: Resolved, src: str) -> str:
    columns = res.columns.get("jenis_kelamin")
    if not columns:
        return "CAST(NULL AS VARCHAR)"
    spellings = _spellings(con, res, src, columns[0])
    meanings = {raw: ingest.sex_meaning(raw) for raw in spellings if raw is not None}
    return ingest.recode_sql(columns[0], meanings, "VARCHAR")


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
    res: Resolved,
    parts: dict[str, str],
    i: int,
    prec: int,
    ref_year: int,
    all_kk: bool,
) -> str:
    """Return the SELECT turning one source's rows into ``persons_raw`` rows.

    ``parts`` holds the source view (``src``), the codes table (``codes``)
    and the SQL of the flags and of sex. The NIK is validated and tokenised
    here and goes no further; the No. KK is tokenised once per distinct value
    (``all_kk``: for every row, as several sources need for family dedupe).
    """
    cols, src = res.columns, parts["src"]
    code_join = " AND ".join(
        f"s.{ingest._q(c)} = c.{ingest._q(c)}" for c in _code_columns(res)
    )
    fam = ingest._text(cols.get("id_keluarga"))
    kk_raw = ingest._q(cols["no_kk"][0]) if "no_kk" in cols else None
    # KK tokens serve family dedupe across sources and stand in for a missing
    # family id; a single file with family ids needs none, so none are made.
    needed = "" if all_kk else f"WHERE {fam} IS NULL"
    kk_cte = (
        f"""kk AS (
      SELECT kk_raw, CASE WHEN regexp_full_match(kk_nz, '[1-9][0-9]{{15}}')
          THEN {ingest.token_sql("kk_nz", *_PADS)} END AS kk_token
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
        f"CAST(s.{ingest._q(cols['nik'][0])} AS VARCHAR)"
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
    SELECT {i} AS file_idx, {ingest._literal(res.sumber)} AS sumber, {prec} AS prec,
      '{i}:' || CASE WHEN fam_raw IS NOT NULL THEN fam_raw
        WHEN kk_token IS NOT NULL THEN kk_token
        ELSE '?' || CAST(uuid() AS VARCHAR) END AS family_key,
      kk_token,
      nik_status,
      CASE WHEN nik_status = 'valid' AND NOT {str(family).lower()}
        THEN {ingest.token_sql("nz", *_PADS)} END AS nik_token,
      nik_status = 'valid' AND r.p IS NULL AS prefix_unknown,
      nik_status = 'valid' AND NOT t16 AND t <> nz AS separators,
      nik_status = 'valid' AND n % 10 = 0 AS ends0,
      CASE WHEN nik_status NOT IN ('valid', 'missing') THEN {mask} END AS example,
      bad_code, kode_desa, desil, sex, umur,
      {", ".join(ingest.FLAG_FIELDS)}, members
    FROM b LEFT JOIN kec_ref r ON b.n // 10000000000 = r.p
    """


def _check_file(res: Resolved, con: Any, i: int, max_bad_codes: float) -> int:
    n, bad = con.execute(
        "SELECT count(*), count_if(kode_desa IS NULL) FROM persons_raw "
        f"WHERE file_idx = {i}"
    ).fetchone()
    name = Path(res.spec.path).name
    if n == 0:
        raise InputError(f"registry export {name!r} has a header but no rows.")
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


def _bind_key(con: Any, key: bytes) -> None:
    """Bind HMAC's padded keys as variables (never SQL text, so no error shows them).

    With them, ``ingest.token_sql(value, *_PADS)`` is the HMAC-SHA256 token,
    computed by DuckDB's ``sha256`` in parallel, equal to ``nik_token``.
    """
    for name, pad in zip(("gp_ipad", "gp_opad"), hmac_pads(key), strict=True):
        con.execute(f"SET VARIABLE {name} = $1", [pad])


@contextmanager
def _reading(con: Any, label: str, show: bool, delay: float = 2.0) -> Iterator[None]:
    """Draw the running query's progress on stderr (tqdm), polled every 0.5 s.

    Nothing is drawn for a read shorter than ``delay`` seconds.
    """
    if not show:
        yield
        return
    import threading

    from tqdm import tqdm

    done = threading.Event()
    bar = tqdm(
        total=100,
        desc=label,
        leave=False,
        delay=delay,
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


def _load(
    con: Any,
    specs: Sequence[SourceSpec],
    key: bytes,
    ref_year: int,
    max_bad: float,
    progress: bool = False,
) -> list[dict[str, Any]]:
    _bind_key(con, key)
    files: list[dict[str, Any]] = []
    for i, spec in enumerate(specs):
        level = files[0]["level"] if files else None
        read = _Read(spec, i, ref_year, max_bad, len(specs) > 1, level, progress)
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


def _load_file(con: Any, read: _Read) -> dict[str, Any]:
    """Ingest one export; a CSV that is not UTF-8 is read again as Windows-1252."""
    spec = read.spec
    is_csv = Path(spec.path).suffix.lower() in (".csv", ".txt")
    for encoding in CSV_ENCODINGS if is_csv else ("utf-8",):
        try:
            with _reading(con, Path(spec.path).name, read.progress):
                info = _ingest(con, read, encoding)
        except duckdb.Error as err:
            if encoding == "utf-8" and is_csv and "not utf-8 encoded" in str(err):
                _forget(con, read.index)
                continue
            raise _fail(spec.path, err, "Check that the file is complete.") from err
        except (UnicodeDecodeError, pa.ArrowInvalid) as err:  # a broken Windows CSV
            raise _fail(
                spec.path, err, "Save it as CSV UTF-8 (Excel: 'CSV UTF-8')."
            ) from err
        info["encoding"] = encoding
        return info
    raise AssertionError("unreachable")  # pragma: no cover


def _absent_fields(res: Resolved) -> list[str]:
    """Yes/no fields the export lacks (and, for a family file, its member count)."""
    wanted = [*ingest.FLAG_FIELDS]
    if res.level == "keluarga":
        wanted.append("jumlah_anggota")
    return [f for f in wanted if f not in res.columns]


def _forget(con: Any, i: int) -> None:
    """Drop what a failed read of file ``i`` left in the connection."""
    con.execute(f"DELETE FROM persons_raw WHERE file_idx = {i}")
    for table in (f"codes_{i}", f"codes_{i}_raw"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(f"DROP VIEW IF EXISTS src_{i}")


def _ingest(con: Any, read: _Read, encoding: str) -> dict[str, Any]:
    spec, i, level = read.spec, read.index, read.level
    src, columns, sheets = _open_source(con, spec, i, encoding)
    res = ingest.resolve_columns(spec, columns)
    if level is not None and res.level != level:
        raise SchemaError(
            f"{Path(spec.path).name!r} is a {res.level} export (one row per "
            f"{'family' if res.level == 'keluarga' else 'person'}) and the exports "
            f"before it are {level} exports. Aggregate person (individu) exports — "
            "they carry the family id, desa, desil and programme flags too — or "
            "only family (keluarga) exports; mixing them would count each family "
            "twice."
        )
    parts = {
        "src": src,
        "flags": _flags_sql(con, res, src),
        "sex": _sex_sql(con, res, src),
        "codes": _codes_table(con, res, src, i),
    }
    prec = _precedence(res.sumber) * 1000 + i
    sql = _select_sql(res, parts, i, prec, read.ref_year, all_kk=read.several)
    con.execute(f"INSERT INTO persons_raw {sql}")
    return {
        "file": Path(spec.path).name,
        "style": res.style,
        "sumber": res.sumber,
        "rows": _check_file(res, con, i, read.max_bad),
        "sheets": sheets,
        "level": res.level,
        "absent_fields": _absent_fields(res),
    }


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
  pbi_jk TINYINT, pip TINYINT, members SMALLINT)
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

#: Problems of the quality report: name -> (severity, SQL predicate). The
#: predicates read the grouped table of :data:`_QUALITY_GROUPS`.
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
    "region_code_unknown": ("dropped", "no_desa"),
    "family_id_missing": ("warning", "no_family_id"),
    "family_split_across_desa": ("warning", "split_family"),
    "desil_missing": ("warning", "no_desil"),
    "sex_missing": ("warning", "no_sex"),
}

#: Persons grouped by every property a problem predicate reads (few groups).
_QUALITY_GROUPS = """
CREATE TEMP TABLE quality_groups AS
  SELECT file_idx, sumber,
    coalesce(left(kode_desa, 4), left(bad_code, 4)) AS kode_kab,
    nik_status, prefix_unknown, separators, duplicate_in_source,
    family_in_higher_source, person_in_higher_source,
    kode_desa IS NULL AS no_desa, desil IS NULL AS no_desil, sex IS NULL AS no_sex,
    contains(family_key, ':?') AS no_family_id,
    coalesce(family_key IN (SELECT family_key FROM split_families), false)
      AS split_family,
    count(*) AS n, min(example) AS example
  FROM persons GROUP BY ALL
"""


def _quality(con: Any, files: list[dict[str, Any]]) -> pd.DataFrame:
    con.execute(_QUALITY_GROUPS)
    names = list(PROBLEMS)
    counts = ", ".join(
        f"sum(n) FILTER (WHERE {pred}) AS q{i}"
        for i, (_, pred) in enumerate(PROBLEMS.values())
    )
    examples = ", ".join(
        f"min(example) FILTER (WHERE {pred}) AS e{i}"
        for i, (_, pred) in enumerate(PROBLEMS.values())
    )
    wide = con.execute(
        f"SELECT file_idx, sumber, kode_kab, {counts}, {examples}, "
        "sum(n) FILTER (WHERE NOT no_desa AND NOT family_in_higher_source AND NOT "
        "person_in_higher_source) AS kept FROM quality_groups GROUP BY ALL"
    ).df()
    for i, n in wide.groupby("file_idx")["kept"].sum().items():
        files[int(i)]["kept_rows"] = int(n)
    rows = []
    for i, name in enumerate(names):
        part = wide[wide[f"q{i}"].fillna(0) > 0]
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
    rows += [
        pd.DataFrame(
            {
                "file": [f["file"]],
                "sumber": [f["sumber"]],
                "kode_kab": [None],
                "problem": ["column_absent"],
                "severity": ["warning"],
                "rows": [f["rows"]],
                "example": [", ".join(f["absent_fields"])],
            }
        )
        for f in files
        if f["absent_fields"]
    ]
    frame = pd.concat(rows, ignore_index=True)
    return frame.sort_values(["file", "problem", "kode_kab"]).reset_index(drop=True)


#: Families (kept persons grouped) with the person counts the desa table needs.
#: A family is counted in its members' desa; members written in different
#: desa (a data error) put the family in the smallest code and the quality
#: report counts them as ``family_split_across_desa``. From family-level
#: exports (one row per family) persons are the stated number of members.
_FAMILIES_SQL = """
CREATE TEMP TABLE families AS
  SELECT family_key, min(kode_desa) AS kode_desa,
    min(kode_desa) <> max(kode_desa) AS split,
    min(desil) AS desil, bool_or(miskin_ekstrem = 1) AS me,
    bool_or(pkh = 1) AS pkh, bool_or(sembako_bpnt = 1) AS sembako_bpnt,
    bool_or(blt_dd = 1) AS blt_dd, {persons} AS persons,
    count_if(umur BETWEEN 6 AND 21) AS persons_6_21,
    count_if(pbi_jk = 1) AS pbi_jk_persons, count_if(pip = 1) AS pip_persons
  FROM persons WHERE kode_desa IS NOT NULL
    AND NOT family_in_higher_source AND NOT person_in_higher_source
  GROUP BY family_key;
CREATE TEMP TABLE split_families AS SELECT family_key FROM families WHERE split;
"""


def _agg_sql(target: str, max_desil: int, programmes: Sequence[str]) -> str:
    t = _TARGET_SQL[target]
    alias = {
        "pbi_jk": "pbi_jk_persons > 0",
        "pip": "pip_persons > 0",
        "__none": "false",
    }
    anyp = " OR ".join(alias.get(p, p) for p in programmes)
    desil_f = ", ".join(
        f"count_if(desil = {k}) AS families_desil_{k}" for k in range(1, max_desil + 1)
    )
    desil_p = ", ".join(
        f"sum(persons) FILTER (WHERE desil = {k}) AS persons_desil_{k}"
        for k in range(1, max_desil + 1)
    )
    fprog = ", ".join(
        f"count_if({p}) AS {p}_families, count_if({p} AND tgt) AS {p}_target_families, "
        f"count_if({p} AND NOT tgt) AS {p}_nontarget_families"
        for p in FAMILY_PROGRAMMES
    )
    pprog = ", ".join(
        f"sum({p}_persons) AS {p}_persons, "
        f"sum({p}_persons) FILTER (WHERE tgt) AS {p}_target_persons, "
        f"sum({p}_persons) FILTER (WHERE NOT tgt) AS {p}_nontarget_persons"
        for p in PERSON_PROGRAMMES
    )
    return f"""
    WITH fam AS (SELECT *, {t} AS tgt, {anyp} AS anyp FROM families)
    SELECT kode_desa, count(*) AS families, {desil_f},
      count_if(desil IS NULL) AS families_desil_unknown,
      count_if(me) AS families_miskin_ekstrem,
      count_if(tgt) AS target_families, count_if(NOT tgt) AS nontarget_families,
      count_if(tgt AND substr(kode_desa, 7, 1) <> '1') AS target_families_desa,
      {fprog},
      count_if(anyp) AS any_families, count_if(anyp AND tgt) AS any_target_families,
      count_if(anyp AND NOT tgt) AS any_nontarget_families,
      count_if(tgt AND NOT anyp) AS target_excluded_families,
      sum(persons) AS persons, {desil_p},
      sum(persons) FILTER (WHERE desil IS NULL) AS persons_desil_unknown,
      sum(persons) FILTER (WHERE me) AS persons_miskin_ekstrem,
      sum(persons) FILTER (WHERE tgt) AS target_persons,
      sum(persons_6_21) FILTER (WHERE tgt) AS target_persons_6_21,
      {pprog}
    FROM fam GROUP BY kode_desa ORDER BY kode_desa
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
        Show a progress bar on stderr while a file is read (after 2 s).

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
        con.execute(
            "CREATE TEMP TABLE kec_ref AS "
            "SELECT CAST(p AS UBIGINT) AS p FROM kec_ref_df"
        )
        con.execute("CREATE TEMP TABLE desa_ref (kode VARCHAR)")
        con.execute(_RAW_SCHEMA)
        files = _load(con, sources, key, year, max_bad_code_share, progress)
        con.execute(_PERSONS_SQL.format(multi=str(len(sources) > 1).lower()))
        max_desil = int(
            con.execute("SELECT coalesce(max(desil), 4) FROM persons_raw").fetchone()[0]
        )
        max_desil = 10 if max_desil > 4 else 4
        family_level = files[0]["level"] == "keluarga"
        absent = _absent_everywhere(files, target, family_level)
        present = [p for p in programmes if p not in absent] or ["__none"]
        persons = "coalesce(max(members), 0)" if family_level else "count(*)"
        con.execute(_FAMILIES_SQL.format(persons=persons))
        counts = con.execute(_agg_sql(target, max_desil, present)).df()
        quality = _quality(con, files)
    sources_frame = pd.DataFrame(files)
    sources_frame["absent_fields"] = sources_frame["absent_fields"].map(", ".join)
    if not set(programmes) - set(absent):
        absent += ("any",)
    return EngineResult(
        _with_all_desa(counts), quality, sources_frame, max_desil, absent
    )


def _absent_everywhere(
    files: list[dict[str, Any]], target: str, family_level: bool
) -> tuple[str, ...]:
    absent = tuple(
        f for f in ingest.FLAG_FIELDS if all(f in i["absent_fields"] for i in files)
    )
    if family_level:  # person programmes and ages need the members' rows
        absent += tuple(f for f in ("pbi_jk", "pip") if f not in absent)
        absent += ("persons_6_21",)
        if any("jumlah_anggota" in i["absent_fields"] for i in files):
            absent += ("persons",)
    if target == "miskin_ekstrem" and "miskin_ekstrem" in absent:
        raise ConfigError(
            "target 'miskin_ekstrem' needs an extreme-poor flag, and none of the "
            "exports has one (DTKS exports have none); choose target desil1 or "
            "desil12, or map the column: miskin_ekstrem = '<column>'."
        )
    return absent
