"""Registry microdata -> privacy-safe area tables (the library entry point).

:func:`aggregate_registry` ingests exports, pseudonymises NIKs, aggregates
per desa with the engine, rolls up to kecamatan and kab/kota, suppresses small
cells and writes the area tables, the data-quality report and a metadata
record. Nothing person-level is ever returned or written.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo_priority import io, regions
from geo_priority.errors import ConfigError, GeoPriorityWarning
from geo_priority.formatting import format_count
from geo_priority.io import registry
from geo_priority.messages import tr
from geo_priority.microdata import (
    columns,
    convergence,
    convergence_tables,
    disclosure,
    engine,
    quality,
    tables,
)
from geo_priority.microdata.columns import BUNDLE_PROGRAMMES, OutputColumn
from geo_priority.microdata.convergence import Convergence
from geo_priority.microdata.convergence_meta import (
    check_audience,
    convergence_summary,
    load_desa_table,
)
from geo_priority.microdata.disclosure import Bound, Relation
from geo_priority.microdata.ingest import SourceSpec
from geo_priority.microdata.plan import (
    ALL_PROGRAMMES,
    DisclosurePlan,
    complements,
    disclosure_plan,
)
from geo_priority.microdata.programmes import Programme, load_catalogue
from geo_priority.microdata.record import (
    SUPPRESSED_LABEL,
    metadata_record,
    rejected_summary,
)
from geo_priority.microdata.tables import Rate
from geo_priority.output_config import AUDIENCE_COLUMN

__all__ = [
    "SUPPRESSED_LABEL",
    "DisclosurePlan",
    "MicrodataResult",
    "UnauditedWarning",
    "aggregate_registry",
    "area_tables",
    "complements",
    "disclosure_plan",
]

LEVELS: tuple[str, ...] = ("desa", "kecamatan", "kabkota")
FORMATS: tuple[str, ...] = ("csv", "parquet")


class UnauditedWarning(GeoPriorityWarning):
    """Some suppressed cells were not audited (components over the limit)."""


@dataclass(frozen=True)
class MicrodataResult:
    """Area tables (suppressed), the quality report and the files written.

    ``rejected_nik`` says how persons with a rejected NIK were treated
    (:func:`rejected_summary`); ``combinations`` is the long table of
    programme combinations (``<name>_kombinasi.csv``) and ``convergence``
    what the convergence figures count (the metadata's ``convergence``);
    ``audit`` how far the disclosure audit went
    (:meth:`~geo_priority.microdata.disclosure.Suppression.summary`).
    """

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    sources: pd.DataFrame
    rates: tuple[Rate, ...]
    paths: dict[str, Path] = field(default_factory=dict)
    rejected_nik: dict[str, object] = field(default_factory=dict)
    combinations: pd.DataFrame | None = None
    convergence: dict[str, object] = field(default_factory=dict)
    audit: dict[str, object] = field(default_factory=dict)


def _stack(counts: pd.DataFrame, rates: Sequence[tables.Rate]) -> pd.DataFrame:
    frame = pd.concat([tables.rollup(counts, lv) for lv in LEVELS], ignore_index=True)
    comp = {f"_c_{r.key}": frame[r.den] - frame[r.num] for r in rates}
    frame = pd.concat([frame, pd.DataFrame(comp, index=frame.index)], axis=1)
    desa = frame["kode"].str.len() == 10
    marks = {"_is_desa": desa & (frame["kode"].str[6] != "1")}
    for col in counts.columns:  # desa markers (a desa programme): desa rows only
        if col.startswith("_"):
            marks[col] = desa & (frame[col] > 0)
    return pd.concat(
        [
            frame.drop(columns=list(set(marks) & set(frame.columns))),
            pd.DataFrame(marks),
        ],
        axis=1,
    )


def disclosure_setup(
    counts: pd.DataFrame,
    *,
    max_desil: int,
    target: str = "desil1",
    absent: Sequence[str] = (),
    programmes: Sequence[str] = ALL_PROGRAMMES,
    person_level: bool = True,
    conv: Convergence | None = None,
    combos: Sequence[int] = (),
) -> tuple[pd.DataFrame, list[Rate], DisclosurePlan, list[str]]:
    """Return the stacked levels, the rates, the disclosure plan and count columns.

    The one place :func:`area_tables` and the audit tests get what the
    disclosure control protects (with the programme convergence when
    ``conv`` is given: its counts, combinations and exact sums).
    """
    rates = _rates(target, programmes, absent)
    rel: list[Relation] = []
    bnd: list[Bound] = []
    hidden: list[str] = []
    if conv is not None:
        rates += convergence.rates(conv, target)
        anyp = [] if "any" in absent else [p for p in programmes if p not in absent]
        bundle = [p for p in BUNDLE_PROGRAMMES if p not in absent]
        rel, bnd = convergence.relations(conv, any_programmes=anyp, bundle=bundle)
    frame = _stack(counts, rates)
    count_cols = [
        c
        for c in counts.columns
        if c != "kode_desa" and not c.startswith(("_", "combo_"))
    ]
    if conv is not None:
        gone = set(conv.absent)
        hidden = [c for c in count_cols if convergence.needs(conv, c) & gone]
    plan = disclosure_plan(
        rates,
        count_cols,
        max_desil,
        target,
        programmes,
        absent,
        person_level,
        extra_relations=rel,
        extra_bounds=bnd,
        hidden=hidden,
    )
    return frame, rates, plan, count_cols


def _publish(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    rates: Sequence[tables.Rate],
    counts: Sequence[str],
    complements: dict[str, str],
) -> pd.DataFrame:
    kode = frame["kode"].map(tables.dotted)
    cols: dict[str, object] = {
        "kode_wilayah": kode,
        "level": frame["level"],
        "nama": kode.map(lambda c: regions.reference_name(c) or ""),
    }
    for col in counts:
        cols[col] = frame[col].astype("Int64").mask(flags[col])
        cols[f"{col}_suppressed"] = flags[col]
    for r in rates:
        hidden = flags[r.num] | flags[r.den] | flags[complements[r.key]]
        den = frame[r.den].where(frame[r.den] > 0)
        value = (frame[r.num] / den * 100).round(1)
        cols[r.key] = value.mask(hidden)
        cols[f"{r.key}_num"] = frame[r.num].astype("Int64").mask(hidden)
        cols[f"{r.key}_den"] = frame[r.den].astype("Int64").mask(hidden)
        cols[f"{r.key}_suppressed"] = hidden
    return pd.DataFrame(cols, index=frame.index).copy()


def _differential(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the target group minus coverage outside it, in points.

    Computed from the counts (unrounded rates), then rounded once:
    721/775 - 503/725 = 23.653 is 23.7, not 93.0 - 69.4 = 23.6.
    """
    hidden = out["coverage_any_suppressed"] | out["coverage_nontarget_suppressed"]
    inside = frame["any_target_families"] / frame["target_families"].where(
        frame["target_families"] > 0
    )
    outside = frame["any_nontarget_families"] / frame["nontarget_families"].where(
        frame["nontarget_families"] > 0
    )
    value = ((inside - outside) * 100).round(1)
    out["targeting_differential"] = value.mask(hidden.to_numpy()).to_numpy()
    out["targeting_differential_suppressed"] = hidden
    return out


def _rates(target: str, programmes: Sequence[str], absent: Sequence[str]) -> list[Rate]:
    """Return the rates, labelled with the programmes the exports have."""
    gone = set(absent)
    return tables.rates_for(
        engine.FAMILY_PROGRAMMES,
        engine.PERSON_PROGRAMMES,
        target=target,
        any_programmes=[p for p in programmes if p not in gone] or list(programmes),
        bundle=[p for p in BUNDLE_PROGRAMMES if p not in gone],
    )


def _blank_absent(
    out: pd.DataFrame, absent: Sequence[str], schema: Sequence[OutputColumn]
) -> pd.DataFrame:
    """Publish the figures of fields no export has as missing, never as 0.

    Which columns need which field is read from the output-column schema
    (:func:`columns.area_columns`); their flags say "not suppressed".
    """
    for column in columns.blanked(schema, absent):
        if column.name not in out.columns:
            continue
        if column.kind == "flag":
            out[column.name] = False
        else:
            out[column.name] = out[column.name].mask(out[column.name].notna())
    return out


def area_tables(
    counts: pd.DataFrame,
    *,
    max_desil: int,
    target: str = "desil1",
    threshold: int = 10,
    absent: Sequence[str] = (),
    programmes: Sequence[str] = ALL_PROGRAMMES,
    person_level: bool = True,
) -> tuple[dict[str, pd.DataFrame], list[tables.Rate]]:
    """Turn desa counts into suppressed desa, kecamatan and kab/kota tables.

    Parameters
    ----------
    counts : pandas.DataFrame
        :attr:`engine.EngineResult.counts`.
    max_desil : int
        4 or 10.
    target : str
        The target group used by the engine (for the alias relations).
    threshold : int
        Small-cell threshold.
    absent : sequence of str
        :attr:`engine.EngineResult.absent`: fields no export has, published
        as missing (``"any"``: the any-programme measures; ``"persons"``:
        every person count, when family exports state no member numbers;
        ``"persons_6_21"``: the school-age counts).
    programmes : sequence of str
        The programmes "any programme" counts (named in the labels and used
        for the logical bounds between published counts).
    person_level : bool
        The counts come from person (individu) exports, so every family has
        at least one member counted (a bound the disclosure control uses).

    Returns
    -------
    tables : dict
        Level -> table with ``kode_wilayah`` (dotted Kemendagri), ``nama``,
        counts, rates, ``<rate>_num``/``<rate>_den`` and ``<col>_suppressed``.
    rates : list of Rate
    """
    outputs = area_outputs(
        counts,
        max_desil=max_desil,
        target=target,
        threshold=threshold,
        absent=absent,
        programmes=programmes,
        person_level=person_level,
    )
    return outputs.tables, outputs.rates


@dataclass(frozen=True)
class AreaOutputs:
    """The suppressed area tables, their rates and the combinations table."""

    tables: dict[str, pd.DataFrame]
    rates: list[Rate]
    combinations: pd.DataFrame | None = None
    audit: dict[str, object] = field(default_factory=dict)


def disclosure_flags(
    frame: pd.DataFrame,
    plan: DisclosurePlan,
    threshold: int = 10,
    *,
    audit: str = "auto",
    audit_max_cells: int = disclosure.AUDIT_MAX_CELLS,
    levels: Sequence[str] = LEVELS,
) -> pd.DataFrame:
    """Return the suppressed cells of the published tables (:func:`area_outputs`).

    :attr:`~geo_priority.microdata.disclosure.Suppression.flags` of
    :func:`disclosure_suppression`.
    """
    return disclosure_suppression(
        frame,
        plan,
        threshold,
        audit=audit,
        audit_max_cells=audit_max_cells,
        levels=levels,
    ).flags


def disclosure_suppression(
    frame: pd.DataFrame,
    plan: DisclosurePlan,
    threshold: int = 10,
    *,
    audit: str = "auto",
    audit_max_cells: int = disclosure.AUDIT_MAX_CELLS,
    levels: Sequence[str] = LEVELS,
) -> disclosure.Suppression:
    """Return the suppression of the published tables and how far it was audited.

    The rules and the audit of :func:`disclosure.suppress_published` over
    every level (the cells of ``levels``, those written, are checked), the
    plan's never-published cells hidden from the start.
    """
    written = frame["level"].isin(list(levels)).to_numpy(bool)
    return disclosure.suppress_published(
        frame,
        plan.cells,
        relations=plan.relations,
        groups=plan.groups,
        bounds=plan.bounds,
        threshold=threshold,
        initial=plan.never_published(frame.index),
        audit=audit,
        max_cells=audit_max_cells,
        written=written,
    )


def _warn_unaudited(sup: disclosure.Suppression) -> None:
    """Warn when the audit is off or some components were too large for it."""
    if sup.audit == "off":
        warnings.warn(
            tr(
                'the disclosure audit is off (audit = "off", --audit off): the '
                "suppressed cells were checked by the rules only, not by the "
                "exact audit."
            ),
            UnauditedWarning,
            stacklevel=3,
        )
    if not sup.skipped:
        return
    warnings.warn(
        tr(
            "the tables were audited for cells an intruder can work out, except "
            "{components} component(s) of {cells} suppressed cells larger than "
            "audit_max_cells = {limit}; raise audit_max_cells or set audit = "
            '"full" in the registry config (--audit full) to audit them too.',
            components=format_count(len(sup.skipped)),
            cells=format_count(sum(sup.skipped)),
            limit=sup.max_cells,  # as written in the registry config
        ),
        UnauditedWarning,
        stacklevel=3,
    )


def area_outputs(
    counts: pd.DataFrame,
    *,
    max_desil: int,
    target: str = "desil1",
    threshold: int = 10,
    absent: Sequence[str] = (),
    programmes: Sequence[str] = ALL_PROGRAMMES,
    person_level: bool = True,
    conv: Convergence | None = None,
    combos: Sequence[int] = (),
    audience: str = "publik",
    audit: str = "auto",
    audit_max_cells: int = disclosure.AUDIT_MAX_CELLS,
    levels: Sequence[str] = LEVELS,
) -> AreaOutputs:
    """:func:`area_tables` with the programme convergence and the audience.

    With ``conv`` the tables carry the convergence columns and
    :attr:`AreaOutputs.combinations` the long combinations table; every row
    of every table says its ``audience``. ``audit``/``audit_max_cells``: the
    disclosure audit of the cells of ``levels`` (the levels written), as
    :func:`disclosure.suppress_published`; :attr:`AreaOutputs.audit` says
    how far it went, and an :class:`UnauditedWarning` names the components
    too large to audit.
    """
    frame, rates, plan, count_cols = disclosure_setup(
        counts,
        max_desil=max_desil,
        target=target,
        absent=absent,
        programmes=programmes,
        person_level=person_level,
        conv=conv,
        combos=combos,
    )
    sup = disclosure_suppression(
        frame,
        plan,
        threshold,
        audit=audit,
        audit_max_cells=audit_max_cells,
        levels=levels,
    )
    _warn_unaudited(sup)
    flags = sup.flags
    published = _publish(frame, flags, rates, count_cols, plan.complements)
    out = _differential(published, frame)
    out = _blank_absent(out, absent, columns.area_columns(count_cols, rates))
    combinations = None
    if conv is not None:
        out = convergence_tables.blank_absent(out, conv)
        combinations = convergence_tables.combinations_table(
            frame, out, conv, combos, threshold
        )
        combinations[AUDIENCE_COLUMN] = audience
        out = convergence_tables.drop_combos(out)
    out[AUDIENCE_COLUMN] = audience
    tables_ = {lv: out[out["level"] == lv].reset_index(drop=True) for lv in LEVELS}
    return AreaOutputs(tables_, rates, combinations, sup.summary())


def _paths(
    out_dir: Path, name: str, levels: Sequence[str], formats: Sequence[str]
) -> dict[str, Path]:
    paths = {
        f"{lv}.{fmt}": out_dir / f"{name}_{lv}.{fmt}"
        for lv in levels
        for fmt in formats
    }
    paths["combinations"] = out_dir / f"{name}_kombinasi.csv"
    paths["quality"] = out_dir / f"{name}_kualitas_data.csv"
    paths["metadata"] = out_dir / f"{name}_metadata.json"
    return paths


def _write_table(frame: pd.DataFrame, path: Path, overwrite: bool) -> None:
    """Write an area or quality table (CSV or Parquet), after a NIK scan."""
    quality.assert_no_nik(frame, what=path.name)
    if path.suffix == ".csv":
        io.write_csv(frame, path, overwrite=overwrite)
    else:
        registry.write_parquet(frame, path, overwrite=overwrite)


def _extra_flags(catalogue: Sequence[Programme]) -> set[str]:
    """Return the catalogue's flags other than the five core programmes."""
    return {p.flag for p in catalogue if not p.core}


def aggregate_registry(
    sources: Sequence[SourceSpec | str | os.PathLike[str]],
    *,
    key: bytes,
    out_dir: str | os.PathLike[str] | None = None,
    name: str = "registri",
    levels: Sequence[str] = LEVELS,
    formats: Sequence[str] = ("csv",),
    target: engine.Target = "desil1",
    programmes: Sequence[str] = ("pkh", "sembako_bpnt", "blt_dd", "pbi_jk", "pip"),
    threshold: int = 10,
    overwrite: bool = False,
    progress: bool = False,
    memory_limit: str = "1500MB",
    exclude_rejected_nik: bool = False,
    catalogue: Sequence[Programme] | None = None,
    desa_programmes: str | os.PathLike[str] | pd.DataFrame | None = None,
    audience: str | None = None,
    audit: str = "auto",
    audit_max_cells: int = disclosure.AUDIT_MAX_CELLS,
) -> MicrodataResult:
    """Ingest registry exports and write privacy-safe area tables.

    Parameters
    ----------
    sources : sequence of SourceSpec or path
        The exports; plain paths are auto-detected.
    key : bytes
        HMAC key from :func:`pseudonymise.load_key`.
    out_dir : path-like, optional
        Where to write ``<name>_<level>.<fmt>``, ``<name>_kualitas_data.csv``
        and ``<name>_metadata.json``; None writes nothing.
    name : str
        File name prefix.
    levels : sequence of {"desa", "kecamatan", "kabkota"}
        Levels to write.
    formats : sequence of {"csv", "parquet"}
        Table formats.
    target : {"desil1", "desil12", "miskin_ekstrem"}
        Target group of the targeting measures.
    programmes : sequence of str
        Programmes counted as "any programme" in the exclusion/inclusion errors.
    threshold : int
        Small-cell threshold (default 10).
    overwrite : bool
        Replace existing outputs.
    progress : bool
        Show a progress bar on long reads.
    memory_limit : str
        Engine memory limit.
    exclude_rejected_nik : bool
        Leave out persons whose NIK was rejected (default: count them, and
        say how many in ``persons_nik_rejected``; they cannot be deduplicated
        across sources).
    catalogue : sequence of Programme, optional
        The programme catalogue (default: ``data/programmes.toml``; a
        registry config's ``[[programmes]]`` merged in by
        :func:`~geo_priority.microdata.programmes.load_catalogue`).
    desa_programmes : path-like or pandas.DataFrame, optional
        The desa programme table of the "kantong" strategy (a file, or a
        checked table from :func:`desa_programmes.read_desa_programmes`).
    audience : {"publik", "internal"}, optional
        Publication tier, written on every row (``audience``): ``publik``
        refuses a threshold below 10; ``internal`` (a pemda's own officials)
        allows one from 2. Not given: ``publik`` from threshold 10, else
        ``internal``.
    audit : {"auto", "full", "off"}
        The disclosure audit of the written levels' suppressed cells:
        ``auto`` audits every component of at most ``audit_max_cells``
        suppressed cells and warns about the others (their number is in the
        metadata's ``suppression``); ``full`` all; ``off`` the rules only.
    audit_max_cells : int
        The limit of ``audit = "auto"``.

    Returns
    -------
    MicrodataResult

    Raises
    ------
    GeoPriorityError
        Any input, schema, code or config problem; raised before any output
        is written, so no partial output is left.

    Examples
    --------
    >>> aggregate_registry([], key=b"k" * 32)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo_priority.errors.ConfigError: tidak ada ekspor registri yang diberikan; ...
    """
    bad = [x for x in (*levels, *formats) if x not in (*LEVELS, *FORMATS)]
    if bad:
        raise ConfigError(
            tr(
                "unknown level/format {bad!r} (--level, --format); levels "
                "{levels}, formats {formats}.",
                bad=bad,
                levels=", ".join(LEVELS),
                formats=", ".join(FORMATS),
            )
        )
    audience = check_audience(audience, threshold)
    disclosure.check_audit(audit, audit_max_cells)
    specs = [s if isinstance(s, SourceSpec) else SourceSpec(str(s)) for s in sources]
    cat = tuple(catalogue) if catalogue is not None else load_catalogue()
    desa_table = load_desa_table(desa_programmes, cat)
    paths = _paths(Path(out_dir), name, levels, formats) if out_dir is not None else {}
    io.check_outputs(paths.values(), overwrite=overwrite)
    res = engine.aggregate_counts(
        specs,
        key=key,
        target=target,
        programmes=programmes,
        progress=progress,
        memory_limit=memory_limit,
        exclude_rejected_nik=exclude_rejected_nik,
        catalogue=cat,
        desa_programmes=desa_table,
    )
    outputs = area_outputs(
        res.counts,
        max_desil=res.max_desil,
        target=target,
        threshold=threshold,
        absent=res.absent,
        programmes=programmes,
        person_level="nik_rejected" not in res.absent,
        conv=res.convergence,
        combos=res.combos,
        audience=audience,
        audit=audit,
        audit_max_cells=audit_max_cells,
        levels=levels,
    )
    frames, rates = outputs.tables, outputs.rates
    report = quality.explain(res.quality)
    rejected = rejected_summary(
        frames,
        res.counts,
        excluded=exclude_rejected_nik,
        left_out=res.rejected_left_out,
        threshold=threshold,
    )
    combos = outputs.combinations
    result = MicrodataResult(
        frames,
        report,
        res.sources,
        tuple(rates),
        paths,
        rejected,
        combos,
        convergence_summary(res, desa_table, audience),
        outputs.audit,
    )
    for label, path in paths.items():
        if label == "quality":
            _write_table(report, path, overwrite)
        elif label == "combinations":
            _write_table(
                combos if combos is not None else pd.DataFrame(), path, overwrite
            )
        elif label == "metadata":
            io.write_json(
                metadata_record(
                    result,
                    target,
                    threshold,
                    programmes,
                    [a for a in res.absent if a not in _extra_flags(cat)],
                    res.bundle,
                ),
                path,
                overwrite=overwrite,
            )
        else:
            _write_table(frames[label.split(".")[0]], path, overwrite)
    return result
