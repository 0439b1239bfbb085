"""The aggregation engine: registry exports -> desa counts, out of core (DuckDB).

Everything person-level happens inside one DuckDB connection with a memory
limit and a private spill folder, so a province-sized registry is aggregated
with bounded memory. The library reaches this module through ONE function,
:func:`aggregate_counts`; a distributed engine for national scale only has to
provide the same function (same arguments, same :class:`EngineResult`).

No NIK is ever stored: the SELECT that reads a file validates the NIK and
replaces it with its keyed token in the same expression
(:mod:`~geo_priority.microdata.load`). This module runs the named queries of
:mod:`~geo_priority.microdata.sql` over the loaded rows: duplicates across
sources, the quality report, families and the desa counts declared in
:mod:`~geo_priority.microdata.columns`. Whatever DuckDB raises on the way
becomes one project error (:mod:`~geo_priority.microdata.failures`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from geo_priority import regions
from geo_priority.errors import ConfigError
from geo_priority.messages import tr
from geo_priority.microdata import columns, convergence, failures, ingest, sql
from geo_priority.microdata.columns import (
    BUNDLE,
    BUNDLE_PROGRAMMES,
    FAMILY_PROGRAMMES,
    PERSON_PROGRAMMES,
)
from geo_priority.microdata.convergence import Convergence
from geo_priority.microdata.ingest import SourceSpec, scrub
from geo_priority.microdata.load import FileInfo, load
from geo_priority.microdata.programmes import Programme, load_catalogue

__all__ = [
    "FAMILY_PROGRAMMES",
    "PERSON_PROGRAMMES",
    "PROBLEMS",
    "TARGETS",
    "EngineResult",
    "aggregate_counts",
]

Target = Literal["desil1", "desil12", "miskin_ekstrem"]
TARGETS: tuple[str, ...] = ("desil1", "desil12", "miskin_ekstrem")
_TARGET_SQL = {
    "desil1": "coalesce(desil = 1, false)",
    "desil12": "coalesce(desil <= 2, false)",
    "miskin_ekstrem": "coalesce(me, false)",
}
#: "Receives the programme" per programme, over the ``families`` table.
_RECEIVES = {
    "pbi_jk": "pbi_jk_persons > 0",
    "pip": "pip_persons > 0",
    "__none": "false",
}


@dataclass(frozen=True)
class EngineResult:
    """What the engine returns: small, aggregated, NIK-free tables.

    Attributes
    ----------
    counts : pandas.DataFrame
        One row per Kemendagri desa (``kode_desa``, 10 digits) with the count
        columns of :func:`geo_priority.microdata.columns.desa_counts`.
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
        ``"any"`` when no programme is there at all, ``"bansos_keluarga"``
        when no programme of that bundle is, and for family-level exports
        ``"persons_6_21"`` and ``"nik_rejected"`` (and ``"persons"`` without
        member numbers); their counts are 0 here and must be published as
        "no data".
    rejected_left_out : int
        Persons with a rejected NIK left out of the counts (only with
        ``exclude_rejected_nik``; otherwise 0, and ``persons_nik_rejected``
        counts them per desa).
    bundle : tuple of str
        The programmes of the "bansos keluarga" bundle the exports have.
    convergence : Convergence
        What the convergence counts cover (:mod:`.convergence`).
    combos : tuple of int
        The programme combinations (bit masks) of the target families; the
        counts hold one ``combo_<mask>`` column each.
    """

    counts: pd.DataFrame
    quality: pd.DataFrame
    sources: pd.DataFrame
    max_desil: int
    absent: tuple[str, ...] = ()
    rejected_left_out: int = 0
    bundle: tuple[str, ...] = BUNDLE_PROGRAMMES
    convergence: Convergence | None = None
    combos: tuple[int, ...] = ()


#: Problems of the quality report: name -> (severity, SQL predicate). The
#: predicates read the grouped table of :data:`sql.QUALITY_GROUPS`.
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
    "nik_other_province": ("warning", "other_province"),
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


def _quality(con: duckdb.DuckDBPyConnection, files: list[FileInfo]) -> pd.DataFrame:
    """Return the long quality report; add ``kept_rows`` to each file's info."""
    sql.run(con, sql.QUALITY_GROUPS)
    names = list(PROBLEMS)
    counts = ", ".join(
        f"sum(n) FILTER (WHERE {pred}) AS q{i}"
        for i, (_, pred) in enumerate(PROBLEMS.values())
    )
    examples = ", ".join(
        f"min(example) FILTER (WHERE {pred}) AS e{i}"
        for i, (_, pred) in enumerate(PROBLEMS.values())
    )
    wide = sql.frame(con, sql.QUALITY_WIDE.format(counts=counts, examples=examples))
    for i, n in wide.groupby("file_idx")["kept"].sum().items():
        files[int(i)]["kept_rows"] = int(n)
    rows: list[pd.DataFrame] = []
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


def _fam_sql(
    target: str,
    programmes: Sequence[str],
    bundle: Sequence[str],
    conv: Convergence,
) -> str:
    """Return :data:`sql.FAM` for the target group, programmes and catalogue."""
    receives = " OR ".join(_RECEIVES.get(p, p) for p in programmes)
    mask, nprog, kantong = convergence.mask_sql(conv)
    return sql.FAM.format(
        target=_TARGET_SQL[target],
        any=receives,
        bundle=" OR ".join(bundle) or "false",
        mask=mask,
        nprog=nprog,
        kantong=kantong,
        desa_cols="".join(f", d.d_{p.flag}" for p in conv.kantong),
    )


def _desa_counts_sql(max_desil: int, conv: Convergence, combos: Sequence[int]) -> str:
    """Return :data:`sql.DESA_COUNTS`: the declared counts and the convergence."""
    parts = [(c.name, c.sql) for c in columns.desa_counts(max_desil)]
    parts += convergence.count_sql(conv, combos)
    return sql.DESA_COUNTS.format(counts=", ".join(f"{q} AS {n}" for n, q in parts))


def _kantong(table: pd.DataFrame | None) -> tuple[str, ...]:
    """Return the desa programmes a desa programme table has."""
    if table is None:
        return ()
    return tuple(str(c)[2:] for c in table.columns if str(c).startswith("d_"))


def _desa_prog(con: duckdb.DuckDBPyConnection, table: pd.DataFrame | None) -> None:
    """Create ``desa_prog``: the desa programme table (empty when none is given)."""
    if table is None:
        sql.run(con, "CREATE TEMP TABLE desa_prog (kode_desa VARCHAR)")
        return
    con.register("desa_prog_df", table)
    sql.run(con, "CREATE TEMP TABLE desa_prog AS SELECT * FROM desa_prog_df")


def _with_all_desa(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the reference desa of the covered kecamatan that have no families (0)."""
    kecs = sorted({c[:6] for c in counts["kode_desa"].astype(str)})
    # one listing per province, cut to the covered kecamatan (a listing per
    # kecamatan took 0.5 s for Banten's 155)
    ref = pd.concat(
        [
            regions.reference_areas("desa", within=p)
            for p in sorted({k[:2] for k in kecs})
        ],
        ignore_index=True,
    )
    codes = ref["code"].str.replace(".", "", regex=False).astype(str)
    codes = codes[codes.str[:6].isin(kecs)]
    out = pd.DataFrame({"kode_desa": codes.to_numpy()}).merge(
        counts.astype({"kode_desa": str}), on="kode_desa", how="outer"
    )
    numbers = out.columns.drop("kode_desa")
    out[numbers] = out[numbers].fillna(0).astype("int64")
    return out.sort_values("kode_desa").reset_index(drop=True).copy()


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
    exclude_rejected_nik: bool = False,
    catalogue: Sequence[Programme] | None = None,
    desa_programmes: pd.DataFrame | None = None,
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
    exclude_rejected_nik : bool
        Leave out persons whose NIK was rejected (default: count them; they
        cannot be deduplicated across sources, so one person in two exports
        counts twice). Needs person (individu) exports.

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
        raise ConfigError(
            tr(
                "target {target!r} is unknown; choose one of {choices}.",
                target=target,
                choices=", ".join(TARGETS),
            )
        )
    if not sources:
        raise ConfigError(tr("no registry exports were given; pass at least one file."))
    known = (*FAMILY_PROGRAMMES, *PERSON_PROGRAMMES)
    if not programmes or set(programmes) - set(known):
        raise ConfigError(
            tr(
                "programmes {given!r} must be a non-empty subset of {known}.",
                given=list(programmes),
                known=", ".join(known),
            )
        )
    year = reference_year or ingest.reference_year()
    catalogue = tuple(catalogue) if catalogue is not None else load_catalogue()
    extra = [(p.flag, p.columns) for p in catalogue if not p.core and p.unit != "desa"]
    with (
        failures.engine_failures(),
        sql.connection(memory_limit, threads, progress) as con,
    ):
        con.register("kec_ref_df", ingest.kecamatan_prefixes())
        sql.run(con, sql.CREATE_KEC_REF)
        sql.run(con, sql.CREATE_DESA_REF)
        sql.run(con, sql.RAW_SCHEMA)
        for flag, _ in extra:
            sql.run(con, f"ALTER TABLE persons_raw ADD COLUMN p_{flag} TINYINT")
        _desa_prog(con, desa_programmes)
        files = load(con, sources, key, year, max_bad_code_share, progress, extra)
        sql.run(con, sql.PERSONS.format(multi=str(len(sources) > 1).lower()))
        max_desil = 10 if int(sql.rows(con, sql.MAX_DESIL)[0][0]) > 4 else 4
        family_level = files[0]["level"] == "keluarga"
        _check_exclude(exclude_rejected_nik, family_level)
        absent = _absent_everywhere(files, target, family_level, extra)
        conv = convergence.plan_convergence(
            catalogue, absent, kantong=_kantong(desa_programmes)
        )
        present = [p for p in programmes if p not in absent] or ["__none"]
        bundle = tuple(p for p in BUNDLE_PROGRAMMES if p not in absent)
        persons = "coalesce(max(members), 0)" if family_level else "count(*)"
        keep = "nik_status = 'valid'" if exclude_rejected_nik else "true"
        left_out = (
            int(sql.rows(con, sql.REJECTED_LEFT_OUT)[0][0])
            if exclude_rejected_nik
            else 0
        )
        sql.run(
            con,
            sql.FAMILIES.format(
                persons=persons, keep=keep, extra=convergence.families_sql(conv)
            ),
        )
        sql.run(con, _fam_sql(target, present, bundle, conv))
        combos = tuple(int(r[0]) for r in sql.rows(con, sql.COMBOS))
        counts = sql.frame(con, _desa_counts_sql(max_desil, conv, combos))
        quality = _quality(con, files)
    sources_frame = pd.DataFrame(
        [{k: v for k, v in f.items() if k != "absent_programmes"} for f in files]
    )
    sources_frame["absent_fields"] = sources_frame["absent_fields"].map(", ".join)
    if not set(programmes) - set(absent):
        absent += ("any",)
    if not bundle:
        absent += (BUNDLE,)
    return EngineResult(
        _with_all_desa(counts),
        quality,
        sources_frame,
        max_desil,
        absent,
        left_out,
        bundle,
        conv,
        combos,
    )


def _check_exclude(exclude: bool, family_level: bool) -> None:
    """Refuse to leave out rejected NIKs of family exports (heads only)."""
    if exclude and family_level:
        raise ConfigError(
            tr(
                "exclude_rejected_nik (--exclude-rejected-nik) needs person "
                "(individu) exports; family (keluarga) exports carry only the "
                "head's NIK, which is never used to count. Leave it out."
            )
        )


def _absent_everywhere(
    files: list[FileInfo],
    target: str,
    family_level: bool,
    extra: Sequence[tuple[str, tuple[str, ...]]] = (),
) -> tuple[str, ...]:
    absent = tuple(
        f for f in ingest.FLAG_FIELDS if all(f in i["absent_fields"] for i in files)
    )
    absent += tuple(
        f for f, _ in extra if all(f in i.get("absent_programmes", []) for i in files)
    )
    if family_level:  # person programmes and ages need the members' rows
        absent += tuple(f for f in ("pbi_jk", "pip") if f not in absent)
        absent += ("persons_6_21", "nik_rejected")
        if any("jumlah_anggota" in i["absent_fields"] for i in files):
            absent += ("persons",)
    if target == "miskin_ekstrem" and "miskin_ekstrem" in absent:
        raise ConfigError(
            tr(
                "target 'miskin_ekstrem' needs an extreme-poor flag, and none of "
                "the exports has one (DTKS exports have none); choose target "
                "desil1 or desil12, or map the column: miskin_ekstrem = '<column>'."
            )
        )
    return absent
