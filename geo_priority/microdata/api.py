"""Registry microdata -> privacy-safe area tables (the library entry point).

:func:`aggregate_registry` ingests exports, pseudonymises NIKs, aggregates
per desa with the engine, rolls up to kecamatan and kab/kota, suppresses small
cells and writes the area tables, the data-quality report and a metadata
record. Nothing person-level is ever returned or written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo_priority import io, regions
from geo_priority.errors import ConfigError
from geo_priority.io import registry
from geo_priority.messages import tr
from geo_priority.microdata import columns, disclosure, engine, quality, tables
from geo_priority.microdata.columns import BUNDLE, BUNDLE_PROGRAMMES, OutputColumn
from geo_priority.microdata.ingest import SourceSpec
from geo_priority.microdata.plan import (
    ALL_PROGRAMMES,
    DisclosurePlan,
    complements,
    disclosure_plan,
)
from geo_priority.microdata.tables import Rate

__all__ = [
    "SUPPRESSED_LABEL",
    "DisclosurePlan",
    "MicrodataResult",
    "aggregate_registry",
    "area_tables",
    "complements",
    "disclosure_plan",
]

#: What a map shows for a suppressed cell.
SUPPRESSED_LABEL = "disembunyikan (< {threshold})"
LEVELS: tuple[str, ...] = ("desa", "kecamatan", "kabkota")
FORMATS: tuple[str, ...] = ("csv", "parquet")


@dataclass(frozen=True)
class MicrodataResult:
    """Area tables (suppressed), the quality report and the files written.

    ``rejected_nik`` says how persons with a rejected NIK were treated
    (:func:`rejected_summary`).
    """

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    sources: pd.DataFrame
    rates: tuple[Rate, ...]
    paths: dict[str, Path] = field(default_factory=dict)
    rejected_nik: dict[str, object] = field(default_factory=dict)


def _stack(counts: pd.DataFrame, rates: Sequence[tables.Rate]) -> pd.DataFrame:
    frame = pd.concat([tables.rollup(counts, lv) for lv in LEVELS], ignore_index=True)
    for r in rates:
        frame[f"_c_{r.key}"] = frame[r.den] - frame[r.num]
    frame["_is_desa"] = (frame["kode"].str.len() == 10) & (frame["kode"].str[6] != "1")
    return frame


def _publish(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    rates: Sequence[tables.Rate],
    counts: Sequence[str],
    complements: dict[str, str],
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "kode_wilayah": frame["kode"].map(tables.dotted),
            "level": frame["level"],
        }
    )
    out["nama"] = out["kode_wilayah"].map(lambda c: regions.reference_name(c) or "")
    for col in counts:
        out[col] = frame[col].astype("Int64").mask(flags[col])
        out[f"{col}_suppressed"] = flags[col].to_numpy()
    for r in rates:
        hidden = flags[r.num] | flags[r.den] | flags[complements[r.key]]
        den = frame[r.den].where(frame[r.den] > 0)
        value = (frame[r.num] / den * 100).round(1)
        out[r.key] = value.mask(hidden)
        out[f"{r.key}_num"] = frame[r.num].astype("Int64").mask(hidden)
        out[f"{r.key}_den"] = frame[r.den].astype("Int64").mask(hidden)
        out[f"{r.key}_suppressed"] = hidden.to_numpy()
    return out


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
    rates = _rates(target, programmes, absent)
    frame = _stack(counts, rates)
    count_cols = [c for c in counts.columns if c != "kode_desa"]
    plan = disclosure_plan(
        rates, count_cols, max_desil, target, programmes, absent, person_level
    )
    flags = disclosure.suppress(
        frame,
        plan.cells,
        relations=plan.relations,
        groups=plan.groups,
        bounds=plan.bounds,
        threshold=threshold,
    )
    published = _publish(frame, flags, rates, count_cols, plan.complements)
    out = _differential(published, frame)
    out = _blank_absent(out, absent, columns.area_columns(count_cols, rates))
    return {lv: out[out["level"] == lv].reset_index(drop=True) for lv in LEVELS}, rates


def _paths(
    out_dir: Path, name: str, levels: Sequence[str], formats: Sequence[str]
) -> dict[str, Path]:
    paths = {
        f"{lv}.{fmt}": out_dir / f"{name}_{lv}.{fmt}"
        for lv in levels
        for fmt in formats
    }
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


def rejected_summary(
    frames: dict[str, pd.DataFrame],
    counts: pd.DataFrame,
    *,
    excluded: bool,
    left_out: int,
    threshold: int,
) -> dict[str, object]:
    """How persons with a rejected NIK were treated, for the metadata and report.

    ``persons_counted`` is the total of ``persons_nik_rejected`` (the
    kab/kota figures as published: a total from 1 to ``threshold - 1`` is
    written as ``"< threshold"``, never as the number).
    """
    total = int(counts["persons_nik_rejected"].sum())
    shown: int | str = total if total == 0 or total >= threshold else f"< {threshold}"
    hidden = left_out if left_out == 0 or left_out >= threshold else f"< {threshold}"
    return {
        "column": "persons_nik_rejected",
        "persons_counted": shown,
        "excluded": excluded,
        "persons_left_out": hidden,
        "note": REJECTED_NOTE,
        "note_en": REJECTED_NOTE_EN,
    }


#: What counting persons with a rejected NIK means (metadata and README).
REJECTED_NOTE = (
    "Orang dengan NIK yang ditolak (rusak, kosong, isian sementara) dihitung "
    "tanpa token, sehingga tidak bisa dicocokkan antar-sumber: orang yang sama "
    "di dua ekspor dengan NIK rusak terhitung dua kali. Kolom persons_nik_rejected "
    "menyebut berapa orang seperti itu di tiap wilayah; exclude_rejected_nik = "
    "true (--exclude-rejected-nik) tidak menghitung mereka sama sekali."
)
REJECTED_NOTE_EN = (
    "Persons whose NIK was rejected (damaged, empty, placeholder) are counted "
    "without a token, so they cannot be matched across sources: one person in "
    "two exports with a damaged NIK counts twice. persons_nik_rejected says how "
    "many such persons each area holds; exclude_rejected_nik = true "
    "(--exclude-rejected-nik) leaves them out altogether."
)


def _metadata(
    result: MicrodataResult,
    target: str,
    threshold: int,
    programmes: Sequence[str],
    absent: Sequence[str],
    bundle: Sequence[str],
) -> dict[str, object]:
    anyp = [p for p in programmes if p not in absent]
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reference_codes": regions.REFERENCE_EDITION,
        "target_group": target,
        "any_programme": anyp,
        "any_programme_label": tables.programme_list(anyp),
        "any_programme_note": (
            "A family counts as reached by 'any programme' when it receives one "
            "of these; for PBI-JK and PIP (personal programmes) one member is "
            "enough. exclusion_error is therefore not the exclusion error of the "
            "family social-assistance programmes: see "
            "exclusion_error_bansos_keluarga and exclusion_error_<programme>."
        ),
        "bundles": {
            BUNDLE: {
                "programmes": list(bundle),
                "label": f"bansos keluarga ({tables.programme_list(bundle)})",
                "label_en": "family social assistance "
                f"({tables.programme_list(bundle)})",
            }
        },
        "absent_fields": list(absent),
        "rejected_nik": result.rejected_nik,
        "suppression": {
            "threshold": threshold,
            "rule": "counts 1..threshold-1 suppressed; rates suppressed with their "
            "numerator, denominator or complement; complementary suppression over "
            "row totals and desa < kecamatan < kab/kota, and over the logical "
            "bounds between published counts (each programme <= any programme "
            "<= target families; persons >= families)",
            "flag_column": "<column>_suppressed",
            "label": SUPPRESSED_LABEL.format(threshold=threshold),
        },
        "rates": {
            r.key: {
                "num": r.num,
                "den": r.den,
                "scale": 100,
                "label": r.label,
                "label_en": r.label_en,
            }
            for r in result.rates
        },
        "targeting_differential": {
            "of": ["coverage_any", "coverage_nontarget"],
            "label": "Selisih cakupan: sasaran minus bukan sasaran (poin persen)",
            "label_en": "Targeting differential: target minus non-target "
            "coverage (percentage points)",
            "rounding": "from the counts, rounded once to 0.1",
        },
        "sources": result.sources.to_dict(orient="records"),
        "quality": quality.summarise(result.quality),
        "pseudonymisation": "HMAC-SHA256 (key not stored), NIK dropped on read",
    }


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
    specs = [s if isinstance(s, SourceSpec) else SourceSpec(str(s)) for s in sources]
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
    )
    frames, rates = area_tables(
        res.counts,
        max_desil=res.max_desil,
        target=target,
        threshold=threshold,
        absent=res.absent,
        programmes=programmes,
        person_level="nik_rejected" not in res.absent,
    )
    report = quality.explain(res.quality)
    rejected = rejected_summary(
        frames,
        res.counts,
        excluded=exclude_rejected_nik,
        left_out=res.rejected_left_out,
        threshold=threshold,
    )
    result = MicrodataResult(frames, report, res.sources, tuple(rates), paths, rejected)
    for label, path in paths.items():
        if label == "quality":
            _write_table(report, path, overwrite)
        elif label == "metadata":
            io.write_json(
                _metadata(
                    result, target, threshold, programmes, res.absent, res.bundle
                ),
                path,
                overwrite=overwrite,
            )
        else:
            _write_table(frames[label.split(".")[0]], path, overwrite)
    return result
