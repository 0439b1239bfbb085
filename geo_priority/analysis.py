"""The analysis, on frames in memory: harmonise -> join -> score -> classify.

:func:`analyse` takes a boundary layer (a GeoDataFrame), indicator tables
(DataFrames, by label) and a method (a :class:`~geo_priority.config.Config`
or the same keys as a dict) and returns an :class:`Analysis`: the scored and
classified areas, each indicator's contribution, the join report and the
notes a planner must read. It reads and writes no file, so it serves a
notebook as well as :mod:`geo_priority.pipeline`, which feeds it the frames
that :func:`geo_priority.inputs.load_inputs` read.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame(
...     {"kode": ["36.01", "36.02"], "nama": ["Pandeglang", "Lebak"]},
...     geometry=[box(105.5, -7.0, 106.0, -6.5), box(106.0, -7.0, 106.5, -6.5)],
...     crs=4326,
... )
>>> p0 = pd.DataFrame({"kode": ["36.01", "36.02"], "p0": [9.3, 8.6]})
>>> result = analyse(areas, {"bps": p0}, {
...     "boundaries": {"code_column": "kode", "name_column": "nama"},
...     "tables": [{"label": "bps", "code_column": "kode"}],
...     "scoring": {"indicators": [{"key": "p0"}]},
...     "classify": {"scheme": "equal_interval", "k": 2},
... })
>>> result.areas["area_name"].tolist(), result.areas["priority_score"].tolist()
(['Pandeglang', 'Lebak'], [100.0, 0.0])
>>> result.areas["priority_label"].tolist()
['Kelas 1 (50–100)', 'Kelas 2 (0–50)']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority import harmonise, regions
from geo_priority.classify import Classification, classify_scores
from geo_priority.config import (
    Config,
    IndicatorConfig,
    ScoringConfig,
    TableConfig,
    config_from_dict,
)
from geo_priority.errors import (
    ConfigError,
    ImplausibleValueError,
    JoinError,
    SchemaError,
    UnmatchedKeysWarning,
)
from geo_priority.formatting import shorten_list
from geo_priority.indicators import available_indicators, select_indicators
from geo_priority.matching import warn_report
from geo_priority.presets import expand_preset
from geo_priority.schema import (
    CLASS,
    DOUBTFUL,
    ID,
    LABEL,
    LEVELS,
    NAME,
    RANK,
    SCORE,
    UNMATCHED_AREA,
    CodeSystem,
    JoinReport,
    Level,
)
from geo_priority.score import ScoreResult, compute_scores

__all__ = ["Analysis", "analyse", "prepare_areas", "ranked_table", "score_and_classify"]


@dataclass(frozen=True)
class Analysis:
    """Everything a run computed, before anything is written.

    Attributes
    ----------
    config : Config
        The method and output settings the analysis ran with.
    areas : geopandas.GeoDataFrame
        One row per area: ``area_id``, ``area_name``, the indicators, their
        ``norm_*`` and ``contrib_*`` columns, ``priority_score`` (0-100),
        ``priority_rank``, ``priority_class`` (1 = highest) and
        ``priority_label``.
    scoring : ScoringConfig
        The scoring with its preset expanded.
    indicators : tuple of IndicatorConfig
        The indicators found in the tables (scored or shown).
    scores : ScoreResult
        Scores, normalised weights and scoring notes.
    classification : Classification
        Classes, bins, labels and counts.
    report : JoinReport
        Every match, miss, duplicate and doubt of the join.
    notes : tuple of str
        What a planner must read (join notes, derived values, imputations).
    sources : tuple of str
        The citations of the values used.
    inputs : tuple of Path
        The files read (empty for frames given in memory).
    schematic : bool
        True when the areas are a schematic tile map, not real boundaries.
    levels : tuple of Analysis
        The same analysis at coarser levels (``outputs.map_levels``), for the
        map's level switch: counts summed, rates re-derived, then scored.
    context : geopandas.GeoDataFrame or None
        Neighbouring areas drawn faintly on the map.
    """

    config: Config
    areas: gpd.GeoDataFrame
    scoring: ScoringConfig
    indicators: tuple[IndicatorConfig, ...]
    scores: ScoreResult
    classification: Classification
    report: JoinReport
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    inputs: tuple[Path, ...] = ()
    schematic: bool = False
    levels: tuple[Analysis, ...] = ()
    context: gpd.GeoDataFrame | None = None

    @property
    def level(self) -> str:
        """The areas' administrative level (``""`` when unknown)."""
        return str(self.areas.attrs.get("level") or "")


# --- areas -----------------------------------------------------------------------


def _is_prepared(frame: gpd.GeoDataFrame) -> bool:
    """Tell whether ``frame`` holds areas already prepared by :func:`prepare_areas`."""
    return ID in frame.columns and bool(frame.attrs.get("code_system"))


def _dissolve_names(
    frame: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, level: Level, column: str | None
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


def prepare_areas(frame: gpd.GeoDataFrame, config: Config) -> gpd.GeoDataFrame:
    """Harmonise the codes of a boundary layer and build the requested level.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The boundary layer as read, with the columns ``boundaries.code_column``
        (and ``boundaries.name_column``) name.
    config : Config

    Returns
    -------
    geopandas.GeoDataFrame
        Prepared areas (``area_id``, ``area_name``, ``parent_id``).
    """
    b = config.boundaries
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
    return areas


# --- join ------------------------------------------------------------------------


def _crosswalk(
    spec: TableConfig, frame: pd.DataFrame | None, areas: gpd.GeoDataFrame
) -> regions.Crosswalk | None:
    if frame is None:
        return None
    label = Path(str(spec.crosswalk)).stem if spec.crosswalk else spec.label
    if not (spec.crosswalk_from and spec.crosswalk_to):
        return regions.crosswalk_from_frame(frame, label=label)
    to_system = areas.attrs["code_system"]
    from_system: CodeSystem = "bps" if to_system == "kemendagri" else "kemendagri"
    return regions.make_crosswalk(
        frame,
        from_column=spec.crosswalk_from,
        to_column=spec.crosswalk_to,
        from_system=from_system,
        to_system=to_system,
        label=label,
    )


def _level_rules(
    indicators: tuple[IndicatorConfig, ...], columns: Iterable[object]
) -> tuple[list[str], dict[str, tuple[str, str, float]], list[str]]:
    """Split indicators into counts (summed), rates (re-derived) and the rest."""
    present = set(columns)
    rates = {
        i.key: (i.numerator, i.denominator, i.scale)
        for i in indicators
        if i.numerator and i.denominator and {i.numerator, i.denominator} <= present
    }
    counts = [i.key for i in indicators if i.key not in rates and i.unit != "%"]
    dropped = [i.key for i in indicators if i.key not in rates and i.unit == "%"]
    return counts, rates, dropped


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
        level=level,  # type: ignore[arg-type]  # a LEVELS member, checked by the caller
        system=spec.code_system,
        counts=counts,
        rates=rates,
    )
    return summed.drop(columns=["n_children"]), [*counts, *rates]


def _needs_aggregation(spec: TableConfig, areas: gpd.GeoDataFrame) -> bool:
    level = areas.attrs.get("level")
    if not spec.level or not level:
        return False
    return LEVELS.index(spec.level) > LEVELS.index(level)


@dataclass(frozen=True)
class _Table:
    """An indicator table with its declaration and crosswalk frame."""

    spec: TableConfig
    frame: pd.DataFrame
    crosswalk: pd.DataFrame | None = None


def _table_name(spec: TableConfig) -> str:
    """Name a table the way its user knows it: the file name, else its label."""
    return Path(spec.path).name if spec.path else spec.label


@dataclass
class _Values:
    """Indicator values gathered from every table, with the table of each value."""

    frame: pd.DataFrame  # one row per area (index = ID), one column per key
    origin: pd.DataFrame  # the same shape: the table each value came from
    repeats: dict[str, int]  # key -> values given again, equal, by a later table

    @classmethod
    def empty(cls, ids: pd.Series) -> _Values:
        index = pd.Index(ids, name=ID)
        return cls(pd.DataFrame(index=index), pd.DataFrame(index=index), {})

    def add(self, new: pd.DataFrame, keys: list[str], table: str) -> None:
        """Take the values of ``keys`` from ``new``; refuse any that disagree.

        Other columns the join added (a key's ``_suppressed`` flag) fill the
        areas that have none yet.
        """
        for column in new.columns.difference(keys):
            values = new[column].reindex(self.frame.index)
            if column not in self.frame:
                self.frame[column] = values
            else:
                self.frame[column] = self.frame[column].where(
                    self.frame[column].notna(), values
                )
        for key in keys:
            values = new[key].reindex(self.frame.index)
            if key not in self.frame:
                self.frame[key] = values
                self.origin[key] = pd.Series(table, index=values.index).where(
                    values.notna()
                )
                continue
            self._merge(key, values, table)

    def _merge(self, key: str, values: pd.Series, table: str) -> None:
        current = self.frame[key]
        both = current.notna() & values.notna()
        same = np.isclose(
            current.astype(float), values.astype(float), rtol=1e-9, atol=0.0
        )
        clash = both & ~same
        if clash.any():
            area = clash[clash].index[0]
            raise JoinError(
                f"indicator {key!r} has two different values for area {area!r}: "
                f"{current[area]!r} in {self.origin.at[area, key]!r} and "
                f"{values[area]!r} in {table!r} ({int(clash.sum())} area(s) differ). "
                "A value is never chosen silently: correct one of the files, or "
                "give the indicators different keys or years (scoring.indicators)."
            )
        self.repeats[key] = self.repeats.get(key, 0) + int(both.sum())
        fill = current.isna() & values.notna()
        self.frame.loc[fill, key] = values[fill]
        self.origin.loc[fill, key] = table

    def notes(self) -> list[str]:
        return [
            f"{key}: {n} value(s) given again, equal, by another table; kept once"
            for key, n in self.repeats.items()
            if n
        ]


def _join_one(
    areas: gpd.GeoDataFrame,
    table: _Table,
    indicators: tuple[IndicatorConfig, ...],
) -> tuple[gpd.GeoDataFrame, JoinReport, list[str]] | None:
    """Join one table to ``areas``; None when it offers none of the indicators."""
    spec = table.spec
    wide, keys = select_indicators(table.frame, spec, list(indicators))
    if not keys:
        return None
    name_column = spec.name_column
    if _needs_aggregation(spec, areas):
        wide, keys = _aggregate_table(
            wide, spec, keys, indicators, areas.attrs["level"]
        )
        name_column = None
    joined, report = harmonise.join_indicators(
        areas,
        wide,
        code_column=spec.code_column,
        name_column=name_column,
        code_system=spec.code_system,
        crosswalk=_crosswalk(spec, table.crosswalk, areas),
        parent=spec.parent,
        parent_column=spec.parent_column,
        table_label=spec.label,
    )
    return joined, report, keys


def _covered_elsewhere(
    report: JoinReport, keys: list[str], gathered: _Values, table: str
) -> JoinReport:
    """Drop the unmatched areas of ``report`` whose every value another table gave."""
    entries = report.entries
    origin = gathered.origin[keys]
    elsewhere = origin.notna().all(axis=1) & (origin != table).all(axis=1)
    covered = set(elsewhere[elsewhere].index)
    drop = (entries["status"] == UNMATCHED_AREA) & entries["area_id"].isin(covered)
    return replace(report, entries=entries[~drop].reset_index(drop=True))


def _join_tables(
    areas: gpd.GeoDataFrame,
    tables: list[_Table],
    indicators: tuple[IndicatorConfig, ...],
) -> tuple[gpd.GeoDataFrame, JoinReport, set[str], list[str]]:
    """Join every table to ``areas``; tables that carry one indicator combine.

    Each table is joined on its own. Its values fill the areas and years no
    earlier table gave; the same value again is kept once; a different value
    for the same area stops the analysis, naming both tables. An area one
    table misses is reported only when no other table gave its values.
    """
    joins = []
    gathered = _Values.empty(areas[ID])
    several = len(tables) > 1
    for table in tables:
        with warnings.catch_warnings(record=several) as caught:
            if several:  # unmatched areas are judged over every table, below
                warnings.simplefilter("always", UnmatchedKeysWarning)
            done = _join_one(areas, table, indicators)
        for w in caught or []:
            if not issubclass(w.category, UnmatchedKeysWarning):
                warnings.warn(w.message, w.category, stacklevel=3)
        if done is None:
            continue
        joined, report, keys = done
        added = [c for c in joined.columns if c not in areas.columns]
        gathered.add(joined.set_index(ID)[added], keys, _table_name(table.spec))
        joins.append((table, report, keys))
    reports = [
        _covered_elsewhere(report, keys, gathered, _table_name(table.spec))
        if several
        else report
        for table, report, keys in joins
    ]
    if several:
        for (table, _, _), report in zip(joins, reports, strict=True):
            warn_report(_without_doubts(report), table.spec.label)
    found = set(gathered.origin.columns)
    merged = areas.merge(gathered.frame.reset_index(), on=ID, how="left")
    merged.attrs.update(areas.attrs)
    return merged, JoinReport.combine(reports), found, gathered.notes()


def _without_doubts(report: JoinReport) -> JoinReport:
    """Return ``report`` without its doubtful rows (already warned about)."""
    entries = report.entries
    return replace(report, entries=entries[entries["status"] != DOUBTFUL])


def _check_found(
    indicators: tuple[IndicatorConfig, ...], found: set[str], tables: list[_Table]
) -> list[str]:
    notes = []
    for ind in indicators:
        if ind.key in found or ind.derive_from:
            continue
        if ind.optional:
            notes.append(
                f"optional indicator {ind.key!r} ({ind.source!r}) is in no "
                "table, so it is left out of the score"
            )
            continue
        offered = {t.spec.label: available_indicators(t.frame, t.spec) for t in tables}
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


@dataclass(frozen=True)
class Joined:
    """Areas with every indicator joined, before scoring.

    Attributes
    ----------
    areas : geopandas.GeoDataFrame
        Prepared areas with one column per indicator found.
    scoring : ScoringConfig
        The scoring with its preset expanded.
    report : JoinReport
        The join report of every table.
    notes : tuple of str
        Join notes, indicators left out, values derived.
    sources : tuple of str
        The citations of the tables (filled in once indicators are known).
    """

    areas: gpd.GeoDataFrame
    scoring: ScoringConfig
    report: JoinReport
    notes: tuple[str, ...]
    tables: tuple[_Table, ...]


def _tables_of(
    config: Config,
    tables: Mapping[str, pd.DataFrame],
    crosswalks: Mapping[str, pd.DataFrame],
) -> list[_Table]:
    """Pair each declared table with its frame; every frame must be declared."""
    labels = [spec.label for spec in config.tables]
    missing = [label for label in labels if label not in tables]
    extra = [label for label in tables if label not in labels]
    if missing or extra:
        raise ConfigError(
            f"the tables given ({shorten_list(tables)}) do not match the tables "
            f"declared in [[tables]] ({shorten_list(labels)}): give one frame per "
            "tables.label."
        )
    return [
        _Table(spec, tables[spec.label], crosswalks.get(spec.label))
        for spec in config.tables
    ]


def join(
    areas: gpd.GeoDataFrame,
    tables: Mapping[str, pd.DataFrame],
    config: Config,
    *,
    crosswalks: Mapping[str, pd.DataFrame] | None = None,
) -> Joined:
    """Join every declared indicator table to prepared areas.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas from :func:`prepare_areas`.
    tables : mapping of str to pandas.DataFrame
        One frame per ``tables.label`` of the config.
    config : Config
    crosswalks : mapping of str to pandas.DataFrame, optional
        The crosswalk frame of each table that names one, by table label.

    Returns
    -------
    Joined
    """
    scoring = expand_preset(config.scoring)
    paired = _tables_of(config, tables, crosswalks or {})
    joined, report, found, combined = _join_tables(areas, paired, scoring.indicators)
    notes = _check_found(scoring.indicators, found, paired)
    joined, derive_notes = _derive(joined, scoring.indicators, found)
    return Joined(
        joined,
        scoring,
        report,
        (*report.notes, *combined, *notes, *derive_notes),
        tuple(paired),
    )


# --- score and classify ----------------------------------------------------------


def _finish(scores: ScoreResult, classification: Classification) -> gpd.GeoDataFrame:
    frame = scores.frame.copy()
    frame[CLASS] = classification.classes
    labels = dict(enumerate(classification.labels, start=1))
    frame[LABEL] = frame[CLASS].map(
        lambda c: labels.get(int(c)) if pd.notna(c) else None
    )
    frame = frame.reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=scores.frame.crs)


def score_and_classify(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    scoring: ScoringConfig,
    config: Config,
) -> tuple[ScoreResult, Classification, gpd.GeoDataFrame]:
    """Score ``areas`` on ``indicators`` and classify the scores.

    Returns
    -------
    scores : ScoreResult
    classification : Classification
    areas : geopandas.GeoDataFrame
        The scored areas with ``priority_class`` and ``priority_label``.
    """
    scores = compute_scores(
        areas.set_index(ID, drop=False),
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
    return scores, classification, _finish(scores, classification)


def _sources(
    tables: Iterable[_Table], indicators: tuple[IndicatorConfig, ...]
) -> tuple[str, ...]:
    cited: list[str] = []
    for table in tables:
        frame, spec = table.frame, table.spec
        if "source" not in frame.columns:
            cited.append(Path(spec.path).name if spec.path else spec.label)
            continue
        if spec.indicator_column in frame.columns:
            used = frame[
                frame[spec.indicator_column].isin([i.source for i in indicators])
            ]
        else:
            used = frame
        cited += [s for s in used["source"].dropna().unique() if s not in cited]
    return tuple(cited)


def _likely_cause(value: float, low: float, high: float) -> str:
    """Say what an implausible value most likely is."""
    readings = [
        f"{value / power:g}".replace(".", ",")
        for power in (10, 100, 1000)
        if value > high and low <= value / power <= high
    ]
    if readings:
        return f"it looks like {' or '.join(readings[:2])} with its decimal comma lost"
    if value < 0 <= low:
        return "a negative value is impossible here; a code for 'no data' (-1)?"
    return "check the unit (percent or per mil?) and the column"


def check_plausible(
    areas: pd.DataFrame, indicators: tuple[IndicatorConfig, ...]
) -> None:
    """Refuse values outside their indicator's plausible range.

    Percentages (``unit = "%"``) must lie in 0–100; any indicator may set
    ``valid_range = [low, high]``.

    Raises
    ------
    ImplausibleValueError
        Naming the area, the value, the range and the likely cause.
    """
    for ind in indicators:
        bounds = ind.plausible_range
        if bounds is None or ind.key not in areas:
            continue
        low, high = bounds
        values = pd.to_numeric(areas[ind.key], errors="coerce")
        bad = values.notna() & ((values < low) | (values > high))
        if not bad.any():
            continue
        first = bad[bad].index[0]
        value = float(values[first])
        where = f"{areas.at[first, NAME]!r} ({areas.at[first, ID]})"
        raise ImplausibleValueError(
            f"indicator {ind.key!r} is {value:g} for {where}, outside its plausible "
            f"range {low:g}–{high:g} ({int(bad.sum())} area(s)): "
            f"{_likely_cause(value, low, high)}. Correct the table, or set "
            f"valid_range for indicator {ind.key!r} in [[scoring.indicators]]."
        )


def _usable(
    indicators: tuple[IndicatorConfig, ...], areas: gpd.GeoDataFrame
) -> tuple[IndicatorConfig, ...]:
    return tuple(i for i in indicators if i.key in areas.columns)


def score_joined(
    data: Joined, config: Config, inputs: tuple[Path, ...] = ()
) -> Analysis:
    """Score and classify joined areas at their own level.

    Parameters
    ----------
    data : Joined
        From :func:`join`.
    config : Config
    inputs : tuple of Path
        The files read, for the run record.

    Returns
    -------
    Analysis
        Without coarser levels (see :func:`analyse`).
    """
    indicators = _usable(data.scoring.indicators, data.areas)
    check_plausible(data.areas, indicators)
    scores, classification, areas = score_and_classify(
        data.areas, indicators, data.scoring, config
    )
    return Analysis(
        config,
        areas,
        data.scoring,
        indicators,
        scores,
        classification,
        data.report,
        (*data.notes, *scores.notes),
        _sources(data.tables, indicators),
        inputs,
    )


def _coarser_level(base: Analysis, joined: gpd.GeoDataFrame, level: Level) -> Analysis:
    """Re-aggregate ``base`` to ``level`` and score it there."""
    areas = base.areas
    current = joined.attrs.get("level")
    if current not in LEVELS or LEVELS.index(level) >= LEVELS.index(current):
        above = list(LEVELS[: LEVELS.index(current)]) if current in LEVELS else []
        raise ConfigError(
            f"outputs.map_levels asks for {level!r}, which is not coarser than the "
            f"areas' level {current!r}. Use levels above it, e.g. {above!r}."
        )
    counts, rates, dropped = _level_rules(base.indicators, areas.columns)
    values = harmonise.aggregate_indicators(
        pd.DataFrame(areas[[ID, *counts]]),
        id_column=ID,
        level=level,
        system=joined.attrs["code_system"],
        counts=counts,
        rates=rates,
    )
    shapes = harmonise.dissolve_to_level(joined, level=level)
    merged = shapes.merge(values.drop(columns=["n_children"]), on=ID, how="left")
    indicators = tuple(i for i in base.indicators if i.key in merged)
    scores, classification, finished = score_and_classify(
        merged, indicators, base.scoring, base.config
    )
    finished.attrs["level"] = level
    notes = tuple(
        f"{level}: {key} is a rate without numerator/denominator, so it is "
        "not shown at this level (rates are never averaged)"
        for key in dropped
    )
    return replace(
        base,
        areas=finished,
        indicators=indicators,
        scores=scores,
        classification=classification,
        notes=notes + scores.notes,
        levels=(),
    )


def with_levels(analysis: Analysis, joined: gpd.GeoDataFrame) -> Analysis:
    """Add the coarser levels that ``outputs.map_levels`` asks for."""
    levels = analysis.config.outputs.map_levels
    coarser = tuple(_coarser_level(analysis, joined, level) for level in levels)
    return replace(analysis, levels=coarser) if coarser else analysis


def _method(method: Config | Mapping[str, Any]) -> Config:
    if isinstance(method, Config):
        return method
    if not isinstance(method, Mapping):
        raise ConfigError(
            f"the method must be a Config or a dict of config sections, got "
            f"{type(method).__name__}."
        )
    return config_from_dict(method, in_memory=True)


def analyse(
    boundaries: gpd.GeoDataFrame,
    tables: Mapping[str, pd.DataFrame],
    method: Config | Mapping[str, Any],
    *,
    crosswalks: Mapping[str, pd.DataFrame] | None = None,
    context: gpd.GeoDataFrame | None = None,
) -> Analysis:
    """Harmonise, join, score and classify frames in memory.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The boundary layer, with the code (and name) columns that
        ``boundaries.code_column`` (``boundaries.name_column``) name; or areas
        already prepared by :func:`prepare_areas`.
    tables : mapping of str to pandas.DataFrame
        One indicator table per ``[[tables]]`` entry, by its ``label``.
    method : Config or dict
        The config: a :class:`~geo_priority.config.Config`, or a dict with
        the sections of the TOML file (``boundaries``, ``tables``,
        ``scoring``, ``classify``, ``outputs``) where no file path is needed.
    crosswalks : mapping of str to pandas.DataFrame, optional
        Crosswalk frames by table label, for tables that name a crosswalk.
    context : geopandas.GeoDataFrame, optional
        Neighbouring areas for the map.

    Returns
    -------
    Analysis

    Raises
    ------
    ConfigError
        Invalid method, or tables that do not match ``[[tables]]``.
    GeoPriorityError
        For any data problem (codes, join, scoring, classes).
    """
    config = _method(method)
    areas = (
        boundaries if _is_prepared(boundaries) else prepare_areas(boundaries, config)
    )
    joined = join(areas, tables, config, crosswalks=crosswalks)
    result = score_joined(joined, config)
    return replace(with_levels(result, joined.areas), context=context)


def ranked_table(analysis: Analysis) -> pd.DataFrame:
    """Return the ranked table (highest priority first) with contributions."""
    keys = [i.key for i in analysis.indicators]
    contrib = [c for c in analysis.areas.columns if c.startswith("contrib_")]
    cols = [ID, NAME, RANK, SCORE, CLASS, LABEL, *keys, *contrib, "imputed"]
    table = pd.DataFrame(analysis.areas[[c for c in cols if c in analysis.areas]])
    return table.sort_values([RANK, ID], na_position="last").reset_index(drop=True)
