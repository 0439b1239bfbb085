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
from geo_priority.microdata import columns, disclosure, engine, quality, tables
from geo_priority.microdata.columns import OutputColumn
from geo_priority.microdata.disclosure import Relation
from geo_priority.microdata.ingest import SourceSpec
from geo_priority.microdata.tables import Rate

__all__ = ["SUPPRESSED_LABEL", "MicrodataResult", "aggregate_registry", "area_tables"]

#: What a map shows for a suppressed cell.
SUPPRESSED_LABEL = "disembunyikan (< {threshold})"
LEVELS: tuple[str, ...] = ("desa", "kecamatan", "kabkota")
FORMATS: tuple[str, ...] = ("csv", "parquet")


@dataclass(frozen=True)
class MicrodataResult:
    """Area tables (suppressed), the quality report and the files written."""

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    sources: pd.DataFrame
    rates: tuple[Rate, ...]
    paths: dict[str, Path] = field(default_factory=dict)


def _relations(max_desil: int, target: str) -> list[Relation]:
    desil = [f"desil_{k}" for k in range(1, max_desil + 1)] + ["desil_unknown"]
    rel = [
        Relation("families", tuple(f"families_{d}" for d in desil)),
        Relation("persons", tuple(f"persons_{d}" for d in desil)),
        Relation("families", ("target_families", "nontarget_families")),
        Relation(
            "target_families", ("any_target_families", "target_excluded_families")
        ),
        Relation("any_families", ("any_target_families", "any_nontarget_families")),
        Relation("target_families_desa", ("target_families",), rows="_is_desa"),
    ]
    for p in engine.FAMILY_PROGRAMMES:
        rel.append(
            Relation(
                f"{p}_families", (f"{p}_target_families", f"{p}_nontarget_families")
            )
        )
    for p in engine.PERSON_PROGRAMMES:
        rel.append(
            Relation(f"{p}_persons", (f"{p}_target_persons", f"{p}_nontarget_persons"))
        )
    alias = {
        "desil1": (("families_desil_1",), ("persons_desil_1",)),
        "desil12": (
            ("families_desil_1", "families_desil_2"),
            ("persons_desil_1", "persons_desil_2"),
        ),
        "miskin_ekstrem": (("families_miskin_ekstrem",), ("persons_miskin_ekstrem",)),
    }[target]
    rel += [Relation("target_families", alias[0]), Relation("target_persons", alias[1])]
    return rel


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
        hidden = flags[r.num] | flags[r.den] | flags[f"_c_{r.key}"]
        den = frame[r.den].where(frame[r.den] > 0)
        value = (frame[r.num] / den * 100).round(1)
        out[r.key] = value.mask(hidden)
        out[f"{r.key}_num"] = frame[r.num].astype("Int64").mask(hidden)
        out[f"{r.key}_den"] = frame[r.den].astype("Int64").mask(hidden)
        out[f"{r.key}_suppressed"] = hidden.to_numpy()
    return out


def _differential(out: pd.DataFrame) -> pd.DataFrame:
    hidden = out["coverage_any_suppressed"] | out["coverage_nontarget_suppressed"]
    out["targeting_differential"] = (
        out["coverage_any"] - out["coverage_nontarget"]
    ).round(1)
    out["targeting_differential_suppressed"] = hidden
    return out


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

    Returns
    -------
    tables : dict
        Level -> table with ``kode_wilayah`` (dotted Kemendagri), ``nama``,
        counts, rates, ``<rate>_num``/``<rate>_den`` and ``<col>_suppressed``.
    rates : list of Rate
    """
    rates = tables.rates_for(engine.FAMILY_PROGRAMMES, engine.PERSON_PROGRAMMES)
    frame = _stack(counts, rates)
    count_cols = [c for c in counts.columns if c != "kode_desa"]
    cells = [*count_cols, *(f"_c_{r.key}" for r in rates)]
    relations = _relations(max_desil, target)
    relations += [Relation(r.den, (r.num, f"_c_{r.key}")) for r in rates]
    groups = [(r.num, r.den, f"_c_{r.key}") for r in rates]
    flags = disclosure.suppress(
        frame, cells, relations=relations, groups=groups, threshold=threshold
    )
    out = _differential(_publish(frame, flags, rates, count_cols))
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


def _metadata(
    result: MicrodataResult,
    target: str,
    threshold: int,
    programmes: Sequence[str],
    absent: Sequence[str],
) -> dict[str, object]:
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reference_codes": regions.REFERENCE_EDITION,
        "target_group": target,
        "any_programme": [p for p in programmes if p not in absent],
        "absent_fields": list(absent),
        "suppression": {
            "threshold": threshold,
            "rule": "counts 1..threshold-1 suppressed; rates suppressed with their "
            "numerator, denominator or complement; complementary suppression over "
            "row totals and desa < kecamatan < kab/kota",
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
    geo_priority.errors.ConfigError: no registry exports were given; ...
    """
    bad = [x for x in (*levels, *formats) if x not in (*LEVELS, *FORMATS)]
    if bad:
        raise ConfigError(
            f"unknown level/format {bad!r}; levels {LEVELS}, formats {FORMATS}."
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
    )
    frames, rates = area_tables(
        res.counts,
        max_desil=res.max_desil,
        target=target,
        threshold=threshold,
        absent=res.absent,
    )
    report = quality.explain(res.quality)
    result = MicrodataResult(frames, report, res.sources, tuple(rates), paths)
    for label, path in paths.items():
        if label == "quality":
            _write_table(report, path, overwrite)
        elif label == "metadata":
            io.write_json(
                _metadata(result, target, threshold, programmes, res.absent),
                path,
                overwrite=overwrite,
            )
        else:
            _write_table(frames[label.split(".")[0]], path, overwrite)
    return result
