"""Registry exports -> one canonical, pseudonymised person table (SQL for DuckDB).

Known source styles (P3KE, DTKS/BDT, DTSEN, the generator's canonical form)
are detected from their column names; other exports need a ``mapping`` from
canonical field to source column. NIKs are normalised and validated by the
rules of REGISTRIES.md §1.2 inside the SELECT that reads the file, tokenised
there with a keyed HMAC, and never stored: the table this module builds holds
the token, a status and a masked example, not the NIK.

Examples
--------
>>> detect_style(["id_keluarga_p3ke", "nik", "kode_kemendagri", "desil_kesejahteraan"])
'p3ke'
>>> mask_value("3601011508950123")
'3601xxxxxxxxxxxx'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from geo_priority import regions
from geo_priority.errors import ConfigError, SchemaError
from geo_priority.microdata.sql import ident, literal

__all__ = [
    "CANONICAL_FIELDS",
    "NIK_PROBLEMS",
    "PRECEDENCE",
    "STYLE_COLUMNS",
    "SourceSpec",
    "detect_style",
    "mask_value",
    "scrub",
]

#: Deduplication precedence, most trusted first: DTSEN is the single registry
#: of Inpres 4/2025 and the newest; P3KE (2022-24) before DTKS.
PRECEDENCE: tuple[str, ...] = ("DTSEN", "P3KE", "DTKS", "REGSOSEK")
#: Canonical fields of every record: family, person, place, welfare rank.
_RECORD_FIELDS: tuple[str, ...] = (
    "id_keluarga",
    "nik",
    "no_kk",
    "kode_desa",
    "desil",
    "persentil",
    "jenis_kelamin",
    "umur",
)
#: Canonical yes/no fields (extreme-poor flag and programmes).
FLAG_FIELDS: tuple[str, ...] = (
    "miskin_ekstrem",
    "pkh",
    "sembako_bpnt",
    "blt_dd",
    "pbi_jk",
    "pip",
)
#: Canonical fields of a BPS-coded desa (DTKS/BDT exports).
BPS_FIELDS: tuple[str, ...] = ("bps_prov", "bps_kab", "bps_kec", "bps_desa")
#: Canonical fields an export is mapped to.
CANONICAL_FIELDS: tuple[str, ...] = (
    *_RECORD_FIELDS,
    *FLAG_FIELDS,
    *BPS_FIELDS,
    "id_individu",
    "jumlah_anggota",
)
#: Source columns per style: canonical field -> candidates (flags: OR-ed).
STYLE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "p3ke": {
        "id_keluarga": ("id_keluarga_p3ke",),
        "nik": ("nik",),
        "no_kk": ("no_kk",),
        "kode_desa": ("kode_kemendagri", "kode_kemdagri", "kemendagri_kode_desa"),
        "desil": ("desil_kesejahteraan",),
        "persentil": ("persentil",),
        "jenis_kelamin": ("jenis_kelamin",),
        "umur": ("usia",),
        "miskin_ekstrem": ("status_miskin_ekstrem",),
        "pkh": ("penerima_pkh",),
        "sembako_bpnt": ("penerima_bpnt", "penerima_sembako"),
        "blt_dd": ("dana_desa_blt_dd",),
        "pbi_jk": ("apbn_jkn_kis", "apbd_bpjs_pbi"),
        "pip": ("apbn_pip",),
        "jumlah_anggota": ("jumlah_anggota_keluarga", "jumlah_anggota"),
    },
    "dtks": {
        "id_keluarga": ("idbdt", "id_dtks"),
        "nik": ("nik",),
        "no_kk": ("nokk", "kk"),
        "bps_prov": ("kdprop",),
        "bps_kab": ("kdkab",),
        "bps_kec": ("kdkec",),
        "bps_desa": ("kddesa",),
        "persentil": ("percentile",),
        "jenis_kelamin": ("jnskel",),
        "umur": ("umur",),
        "pkh": ("ada_pkh",),
        "sembako_bpnt": ("ada_bpnt",),
        "pbi_jk": ("ada_pbi", "sta_kepesertaan_pbi"),
        "pip": ("ada_kip",),
        "jumlah_anggota": ("jumlah_art", "jml_art"),
    },
    "dtsen": {
        "id_keluarga": ("id_keluarga",),
        "nik": ("nik",),
        "no_kk": ("no_kk",),
        "kode_desa": ("kode_desa",),
        "desil": ("desil_nasional", "b1_r104"),
        "persentil": ("persentil",),
        "jenis_kelamin": ("jenis_kelamin",),
        "umur": ("umur",),
        "miskin_ekstrem": ("miskin_ekstrem",),
        "pkh": ("pkh",),
        "sembako_bpnt": ("bpnt",),
        "blt_dd": ("blt_dd",),
        "pbi_jk": ("pbi_nas", "pbi_pemda"),
        "pip": ("pip",),
        "jumlah_anggota": ("jumlah_anggota_keluarga", "jumlah_art"),
    },
    "canonical": {
        name: (name,) for name in (*_RECORD_FIELDS, *FLAG_FIELDS, "jumlah_anggota")
    },
}
_SIGNATURE: dict[str, tuple[str, ...]] = {
    "p3ke": (
        "id_keluarga_p3ke",
        "desil_kesejahteraan",
        "kode_kemendagri",
        "penerima_pkh",
    ),
    "dtks": ("idbdt", "idartbdt", "kddesa", "ada_pkh"),
    "dtsen": ("desil_nasional", "pbi_nas", "status_hubungan_keluarga", "bpnt"),
    "canonical": (
        "id_individu",
        "sembako_bpnt",
        "kode_wilayah_versi",
        "hubungan_keluarga",
    ),
}
_DEFAULT_SUMBER = {"p3ke": "P3KE", "dtks": "DTKS", "dtsen": "DTSEN"}
#: Columns only a family-level (keluarga / KK / rumah tangga) export has.
FAMILY_FILE_MARKERS: tuple[str, ...] = (
    "kepala_keluarga",
    "nama_kepala_keluarga",
    "nik_kepala_keluarga",
    "jumlah_anggota",
    "jumlah_anggota_keluarga",
    "jumlah_art",
    "jml_art",
    "kepemilikan_rumah",
    "jenis_lantai",
    "jenis_dinding",
    "jenis_atap",
)
LEVELS: tuple[str, ...] = ("individu", "keluarga")
#: Columns of a person-level (individu) export.
PERSON_FILE_MARKERS: tuple[str, ...] = (
    "id_individu",
    "idartbdt",
    "hubungan_dengan_kepala_keluarga",
    "hubungan_keluarga",
    "status_hubungan_keluarga",
    "hubkel",
    "hubkrt",
)
#: NIK statuses, in the order they are tested.
NIK_PROBLEMS: tuple[str, ...] = (
    "missing",
    "excel_number_cell",
    "scientific_notation",
    "float_text",
    "not_digits",
    "wrong_length",
    "placeholder",
    "unknown_province",
    "invalid_region",
    "invalid_birth_date",
    "invalid_serial",
    "equals_no_kk",
    "sex_mismatch",
)
TRUE_WORDS = ("ya", "y", "yes", "1", "1.0", "true", "benar", "ada", "penerima")
FALSE_WORDS = ("tidak", "n", "no", "0", "0.0", "false", "bukan", "tidak ada", "tdk")
EXCEL_NUMBER = "#EXCEL_NUMBER"
_SIXTEEN = re.compile(r"\d[\d\s.\-]{14,}\d")


def scrub(text: str) -> str:
    """Mask every run of 15+ digits (with separators) in ``text``.

    Examples
    --------
    >>> scrub("bad value '3601011508950123' here")
    "bad value '3601xxxxxxxxxxxx' here"
    """
    return _SIXTEEN.sub(lambda m: mask_value(m.group(0)), text)


def mask_value(value: object) -> str:
    """Keep the first 4 characters of a value and replace later digits by ``x``.

    Examples
    --------
    >>> mask_value("3.60101E+15")
    '3.60xxxE+xx'
    """
    text = str(value)
    return text[:4] + re.sub(r"\d", "x", text[4:])


def _norm(name: object) -> str:
    return str(name).strip().lower()


def detect_style(columns: Sequence[object]) -> str | None:
    """Return the known source style whose signature columns best match.

    Parameters
    ----------
    columns : sequence
        Column names of the export (case-insensitive).

    Returns
    -------
    str or None
        ``"p3ke"``, ``"dtks"``, ``"dtsen"``, ``"canonical"`` or None.
    """
    names = {_norm(c) for c in columns}
    scores = {s: sum(c in names for c in sig) for s, sig in _SIGNATURE.items()}
    best = max(scores, key=lambda s: scores[s])
    return best if scores[best] >= 2 else None


@dataclass(frozen=True)
class SourceSpec:
    """One registry export to ingest.

    Attributes
    ----------
    path : str
        CSV, XLSX or Parquet file.
    style : str
        ``"auto"`` (detect), ``"p3ke"``, ``"dtks"``, ``"dtsen"``, ``"canonical"``
        or ``"custom"`` (use ``mapping`` only).
    sumber : str
        Source label for precedence (``DTSEN``, ``P3KE``, ``DTKS``, ...);
        defaults from the style.
    mapping : Mapping
        Canonical field -> source column; overrides the style's columns.
    crosswalk : str, optional
        BPS -> Kemendagri desa crosswalk CSV, needed for BPS-coded exports.
    level : str
        ``"auto"`` (detect), ``"individu"`` (one row per person) or
        ``"keluarga"`` (one row per family, e.g. a P3KE keluarga file).
    """

    path: str
    style: str = "auto"
    sumber: str = ""
    mapping: Mapping[str, str] = field(default_factory=dict)
    crosswalk: str | None = None
    level: str = "auto"

    def __post_init__(self) -> None:
        allowed = ("auto", "custom", *STYLE_COLUMNS)
        if self.style not in allowed:
            raise ConfigError(
                f"source style {self.style!r} is unknown; choose one of {allowed}."
            )
        if self.level not in ("auto", *LEVELS):
            raise ConfigError(
                f"export level {self.level!r} is unknown; choose auto, individu "
                "(one row per person) or keluarga (one row per family)."
            )
        unknown = sorted(set(self.mapping) - set(CANONICAL_FIELDS))
        if unknown:
            raise ConfigError(
                f"mapping names unknown canonical fields {unknown!r}; known: "
                f"{', '.join(CANONICAL_FIELDS)}."
            )


@dataclass(frozen=True)
class Resolved:
    """A source with its style and canonical field -> actual columns."""

    spec: SourceSpec
    style: str
    sumber: str
    columns: dict[str, tuple[str, ...]]
    level: str = "individu"


def resolve_columns(spec: SourceSpec, columns: Sequence[str]) -> Resolved:
    """Map canonical fields to the export's actual column names.

    Raises
    ------
    SchemaError
        When the style cannot be detected, or there is no NIK, family id or
        region code column.
    """
    actual = {_norm(c): str(c) for c in columns}
    style = spec.style if spec.style != "auto" else detect_style(columns)
    if style is None and not spec.mapping:
        raise SchemaError(
            f"cannot tell which registry export {Path(spec.path).name!r} is; its "
            f"columns are {scrub(repr(list(columns)[:12]))}. Set style = "
            "'p3ke' | 'dtks' | 'dtsen', or give a mapping of canonical fields "
            f"({', '.join(CANONICAL_FIELDS[:8])}, ...) to its columns."
        )
    wanted = dict(STYLE_COLUMNS.get(style or "", {}))
    wanted.update({k: (v,) for k, v in spec.mapping.items()})
    found = {
        k: tuple(actual[_norm(c)] for c in cands if _norm(c) in actual)
        for k, cands in wanted.items()
    }
    found = {k: v for k, v in found.items() if v}
    level = spec.level if spec.level != "auto" else _level(actual, found)
    _require(spec, found, columns, level)
    sumber = spec.sumber or _DEFAULT_SUMBER.get(style or "", "LAINNYA")
    return Resolved(spec, style or "custom", sumber.upper(), found, level)


def with_extra(
    res: Resolved,
    columns: Sequence[str],
    extra: Sequence[tuple[str, tuple[str, ...]]],
) -> Resolved:
    """Add the columns of the catalogue's other yes/no flags an export has.

    ``extra`` holds (flag, candidate columns in lower case); candidates are
    matched in any case and OR-ed, like the style's programme columns.
    """
    if not extra:
        return res
    actual = {_norm(c): str(c) for c in columns}
    found = dict(res.columns)
    for flag, cands in extra:
        hits = tuple(actual[_norm(c)] for c in cands if _norm(c) in actual)
        if hits:
            found[flag] = hits
    return replace(res, columns=found)


def _level(actual: Mapping[str, str], found: Mapping[str, object]) -> str:
    """Tell a family-level export (keluarga / KK) from a person-level one.

    A family file has family-only columns (head of family, number of members,
    housing) and none of a person file's (person id, relation to the head).
    """
    person = any(c in actual for c in PERSON_FILE_MARKERS) or "id_individu" in found
    family = any(c in actual for c in FAMILY_FILE_MARKERS)
    return "keluarga" if family and not person else "individu"


def _require(
    spec: SourceSpec, found: Mapping[str, object], columns: Sequence[str], level: str
) -> None:
    name = Path(spec.path).name
    listing = scrub(repr(list(columns)[:15]))
    if "nik" not in found and level == "individu":
        raise SchemaError(
            f"export {name!r} has no NIK column (looked for the style's NIK column); "
            f"columns: {listing}. Add mapping nik = '<column>'."
        )
    if "id_keluarga" not in found and "no_kk" not in found:
        raise SchemaError(
            f"export {name!r} has neither a family id nor a No. KK column; "
            f"columns: {listing}. Add mapping id_keluarga = '<column>'."
        )
    if "kode_desa" not in found and "bps_desa" not in found:
        raise SchemaError(
            f"export {name!r} has no desa code column; columns: {listing}. Add "
            "mapping kode_desa = '<column>' (10-digit Kemendagri code)."
        )
    if "desil" not in found and "persentil" not in found:
        raise SchemaError(
            f"export {name!r} has no desil or percentile column; columns: "
            f"{listing}. Add mapping desil = '<column>'."
        )


# ----------------------------------------------------------- reference tables


@functools.cache
def province_codes() -> tuple[str, ...]:
    """Kemendagri 2025 province codes (2 digits)."""
    return tuple(code for code, _ in regions.reference_children(None))


@functools.cache
def kecamatan_prefixes() -> pd.DataFrame:
    """Kemendagri 2025 kecamatan codes as 6-digit NIK prefixes."""
    kec = regions.reference_areas("kecamatan")["code"]
    return pd.DataFrame({"p": kec.str.replace(".", "", regex=False).astype(str)})


@functools.cache
def desa_codes(provinces: tuple[str, ...]) -> pd.DataFrame:
    """Kemendagri 2025 desa codes (10 digits, undotted) of the given provinces."""
    parts = [regions.reference_areas("desa", within=p)["code"] for p in provinces]
    codes = pd.concat(parts, ignore_index=True).str.replace(".", "", regex=False)
    return pd.DataFrame({"kode": codes.astype(str)})


# ------------------------------------------------------------------- SQL parts


def trim_sql(value: str) -> str:
    """Return SQL equal to DuckDB's ``trim(value)``, cheap for plain values.

    ``trim`` strips Unicode space separators and copies every text longer
    than 12 bytes; an ASCII text that neither starts nor ends with a space
    is returned as it is (most cells of an export), others go to ``trim``.
    """
    plain = (
        f"strlen({value}) = length({value}) AND NOT prefix({value}, ' ') "
        f"AND NOT suffix({value}, ' ')"
    )
    return f"(CASE WHEN {plain} THEN {value} ELSE trim({value}) END)"


def _text(columns: tuple[str, ...] | None) -> str:
    if not columns:
        return "CAST(NULL AS VARCHAR)"
    return trim_sql(f"CAST({ident(columns[0])} AS VARCHAR)")


_SEX_WORDS = {
    "L": ("L", "LAKI-LAKI", "LAKI LAKI", "LAKI", "1", "M", "PRIA"),
    "P": ("P", "PEREMPUAN", "2", "F", "WANITA"),
}


def flag_meaning(value: object) -> int | None:
    """Return 1 (yes), 0 (no) or None (blank) for a yes/no cell as written.

    Raises
    ------
    ValueError
        For a spelling that is neither in :data:`TRUE_WORDS` nor
        :data:`FALSE_WORDS` (any case, surrounding blanks ignored).

    Examples
    --------
    >>> [flag_meaning(v) for v in ("Ya", " TIDAK ", "1", "", None)]
    [1, 0, 1, None, None]
    """
    word = "" if value is None else str(value).strip().lower()
    if not word:
        return None
    if word in TRUE_WORDS:
        return 1
    if word in FALSE_WORDS:
        return 0
    raise ValueError(word)


def sex_meaning(value: object) -> str | None:
    """Return 'L', 'P' or None (blank or unknown) for a sex cell as written.

    Examples
    --------
    >>> [sex_meaning(v) for v in ("Laki-laki", "p", "2", "?")]
    ['L', 'P', 'P', None]
    """
    word = "" if value is None else str(value).strip().upper()
    return next((sex for sex, words in _SEX_WORDS.items() if word in words), None)


def recode_sql(column: str, meanings: Mapping[str, object], sql_type: str) -> str:
    """Return SQL mapping each value of ``column`` as written to its meaning.

    ``meanings`` holds every distinct value of the column (as text); values
    meaning None, and any value not listed, become NULL. Comparing the raw
    text with the few spellings a file uses is much cheaper per row than
    normalising every cell.
    """
    arms = " ".join(
        f"WHEN {literal(raw)} THEN CAST({literal(meaning)} AS {sql_type})"
        for raw, meaning in meanings.items()
        if meaning is not None
    )
    if not arms:
        return f"CAST(NULL AS {sql_type})"
    return f"(CASE CAST({ident(column)} AS VARCHAR) {arms} END)"


def desil_sql(cols: Mapping[str, tuple[str, ...]]) -> str:
    """Return SQL for the desil (1-10) from a desil or a percentile column."""
    if "desil" in cols:
        d = f"try_cast(try_cast({_text(cols['desil'])} AS DOUBLE) AS INTEGER)"
    else:
        p = f"try_cast({_text(cols['persentil'])} AS DOUBLE)"
        d = f"CAST(greatest(ceil({p} / 10), 1) AS INTEGER)"
    return f"(CASE WHEN {d} BETWEEN 1 AND 10 THEN CAST({d} AS TINYINT) END)"


def code_sql(cols: Mapping[str, tuple[str, ...]]) -> str:
    """Return SQL for the 10-digit desa code as written (Kemendagri or BPS digits)."""
    if "kode_desa" in cols:
        raw = _text(cols["kode_desa"])
        slow = f"regexp_replace({raw}, '^(\\d+)\\.0+$', '\\1')"
        slow = f"regexp_replace({slow}, '[.\\s]', '', 'g')"
        odd = f"regexp_matches({raw}, '\\s|^\\d+\\.0+$')"
        return f"(CASE WHEN {odd} THEN {slow} ELSE replace({raw}, '.', '') END)"
    parts = [
        f"lpad(regexp_replace({_text(cols.get(k))}, '\\.0+$', ''), {w}, '0')"
        for k, w in zip(BPS_FIELDS, (2, 2, 3, 3), strict=True)
    ]
    return " || ".join(parts)


def _placeholders() -> str:
    """Return the SQL list of placeholder NIKs as numbers: one digit or a run."""
    runs = ("01234567890123456789012", "98765432109876543210987")
    same = [d * 16 for d in "0123456789"]
    seqs = [r[i : i + 16] for r in runs for i in range(len(r) - 15)]
    return ", ".join(str(int(v)) for v in sorted({*same, *seqs}))


def _digits(first: int, count: int) -> str:
    """Return SQL for ``count`` digits from ``first`` (1-based) of the NIK ``n``."""
    below = 16 - (first - 1 + count)
    return f"((n // {10**below}) % {10**count})" if below else f"(n % {10**count})"


def nik_number_sql(raw: str, normalised: str) -> str:
    """Return SQL for the NIK as UBIGINT when it is exactly 16 digits, else NULL.

    ``raw`` is the trimmed text, ``normalised`` the text without blanks and
    dashes; the one regex on ``raw`` decides nearly every row.
    """
    digits16 = "'[0-9]{16}'"
    return (
        f"(CASE WHEN regexp_full_match({raw}, {digits16}) THEN CAST({raw} AS UBIGINT) "
        f"WHEN regexp_full_match({normalised}, {digits16}) "
        f"THEN CAST({normalised} AS UBIGINT) END)"
    )


def _birth_date_bad_sql(ref_year: int) -> str:
    """Return SQL true when digits 7-12 of the NIK number ``n`` are no birth date."""
    day = _digits(7, 2)
    d = f"(CASE WHEN {day} > 40 THEN {day} - 40 ELSE {day} END)"
    m = _digits(9, 2)
    yy = _digits(11, 2)
    y = f"(CASE WHEN {yy} <= {ref_year % 100} THEN 2000 + {yy} ELSE 1900 + {yy} END)"
    leap = f"CAST({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0) AS INTEGER)"
    dim = (
        f"(CASE WHEN {m} = 2 THEN 28 + {leap} "
        f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)"
    )
    return (
        f"(NOT ({m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {dim}) OR {y} > {ref_year})"
    )


def nik_status_sql(ref_year: int, has_kk: bool, has_sex: bool) -> str:
    """Return a SQL CASE: NIK status from ``t`` (raw), ``nz`` (normalised), ``n``.

    ``n`` is :func:`nik_number_sql`: the NIK as a number when ``nz`` is 16
    digits (nearly every row). Those rows take the first branch, whose checks
    are integer arithmetic; other values go through the format checks in
    :data:`NIK_PROBLEMS` order.
    """
    provs = ", ".join(str(int(p)) for p in province_codes())
    kk = "WHEN nz = kk_nz THEN 'equals_no_kk'" if has_kk else ""
    sex = (
        f"WHEN sex IS NOT NULL AND (({_digits(7, 2)} > 40) <> (sex = 'P')) "
        "THEN 'sex_mismatch'"
        if has_sex
        else ""
    )
    return f"""CASE WHEN n IS NOT NULL THEN (CASE
        WHEN n IN ({_placeholders()}) THEN 'placeholder'
        WHEN {_digits(1, 2)} NOT IN ({provs}) THEN 'unknown_province'
        WHEN {_digits(3, 2)} = 0 OR {_digits(5, 2)} = 0 THEN 'invalid_region'
        WHEN {_birth_date_bad_sql(ref_year)} THEN 'invalid_birth_date'
        WHEN {_digits(13, 4)} = 0 THEN 'invalid_serial'
        {kk}
        {sex}
        ELSE 'valid' END)
      WHEN t = '{EXCEL_NUMBER}' THEN 'excel_number_cell'
      WHEN t IS NULL OR NOT regexp_matches(t, '[0-9]') THEN 'missing'
      WHEN regexp_matches(t, '^[0-9](\\.[0-9]+)?[eE][+]?[0-9]+$')
        THEN 'scientific_notation'
      WHEN regexp_matches(t, '^[0-9]+\\.[0-9]+$') THEN 'float_text'
      WHEN NOT regexp_matches(nz, '^[0-9]+$') THEN 'not_digits'
      ELSE 'wrong_length' END"""


def token_sql(value: str, ipad: str, opad: str) -> str:
    """Return SQL computing the 32-hex HMAC-SHA256 token of ``value`` with DuckDB."""
    inner = f"unhex(sha256({ipad} || encode({value})))"
    return f"left(sha256({opad} || {inner}), 32)"


def reference_year(periode: dt.date | None = None) -> int:
    """Return the year against which two-digit NIK birth years are resolved."""
    return (periode or dt.date.today()).year
