"""The join stage: areas prepared from the boundary layer, every table joined.

:func:`prepare_areas` harmonises the codes of a boundary layer and builds the
requested level; :func:`join` joins every declared indicator table to the
areas — through crosswalks, aggregating finer tables, combining several tables
that carry one indicator — and derives the values the config asks for, with a
join report of every match, miss and doubt. Reads no file.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority import harmonise, regions
from geo_priority.config import (
    Config,
    IndicatorConfig,
    ScoringConfig,
    TableConfig,
)
from geo_priority.errors import (
    ConfigError,
    JoinError,
    SchemaError,
    UnmatchedKeysWarning,
)
from geo_priority.formatting import shorten_list
from geo_priority.indicators import available_indicators, select_indicators
from geo_priority.matching import warn_report
from geo_priority.messages import tr
from geo_priority.presets import expand_preset
from geo_priority.safeguards import accepted_notes, check_plausible, refuse_held
from geo_priority.schema import (
    DOUBTFUL,
    DOUBTFUL_HELD,
    ID,
    LEVELS,
    UNMATCHED_AREA,
    CodeSystem,
    JoinReport,
    Level,
)

__all__ = [
    "Joined",
    "check_plausible",
    "join",
    "level_rules",
    "prepare_areas",
    "refuse_held",
]


# --- areas -----------------------------------------------------------------------


def is_prepared(frame: gpd.GeoDataFrame) -> bool:
    """Tell whether ``frame`` holds areas already prepared by :func:`prepare_areas`."""
    return ID in frame.columns and bool(frame.attrs.get("code_system"))


def _dissolve_names(
    frame: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, level: Level, column: str | None
) -> dict[str, str] | None:
    if not column:
        return None
    if column not in frame.columns:
        raise SchemaError(
            tr(
                "boundaries have no column {column!r} for the names of the {level} "
                "areas. Available columns: {value!r}.",
                column=column,
                level=level,
                value=list(frame.columns)[:12],
            )
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


def level_rules(
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
    counts, rates, dropped = level_rules(in_table, keys)
    if dropped:
        raise SchemaError(
            tr(
                "indicator {dropped!r} is a rate at {level} level in table {label!r} "
                "and cannot be summed to {level2}. Give it numerator and denominator "
                "(indicator keys of counts in the same table) so the rate is "
                "re-derived from them, never averaged.",
                dropped=dropped[0],
                level=spec.level,
                label=spec.label,
                level2=level,
            )
        )
    if not spec.code_column:
        raise SchemaError(
            tr(
                "table {label!r} is at {level} level and must be aggregated to "
                "{level2}, which needs codes: set code_column for it.",
                label=spec.label,
                level=spec.level,
                level2=level,
            )
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
        areas that have none yet. Columns keep the order of ``new``.
        """
        for column in new.columns:
            values = new[column].reindex(self.frame.index)
            if column in keys and column in self.frame:
                self._merge(column, values, table)
            elif column in keys:
                self.frame[column] = values
                self.origin[column] = pd.Series(table, index=values.index).where(
                    values.notna()
                )
            elif column in self.frame:
                current = self.frame[column]
                self.frame[column] = current.where(current.notna(), values)
            else:
                self.frame[column] = values

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
                tr(
                    "indicator {key!r} has two different values for area {area!r}: "
                    "{current!r} in {at!r} and {values!r} in {table!r} ({value} "
                    "area(s) differ). A value is never chosen silently: correct one "
                    "of the files, or give the indicators different keys or years "
                    "(scoring.indicators).",
                    key=key,
                    area=area,
                    current=current[area],
                    at=self.origin.at[area, key],
                    values=values[area],
                    table=table,
                    value=int(clash.sum()),
                )
            )
        self.repeats[key] = self.repeats.get(key, 0) + int(both.sum())
        fill = current.isna() & values.notna()
        self.frame.loc[fill, key] = values[fill]
        self.origin.loc[fill, key] = table

    def notes(self) -> list[str]:
        return [
            tr(
                "{key}: {n} value(s) given again, equal, by another table; kept once",
                key=key,
                n=n,
            )
            for key, n in self.repeats.items()
            if n
        ]


def _population_weighted(
    indicators: tuple[IndicatorConfig, ...], keys: list[str]
) -> dict[str, tuple[str | None, str, float]]:
    """Rates that a count is derived from (``derive_from = [rate, base]``).

    Where a crosswalk puts several source areas on one area, such a rate is
    re-derived weighted by its base (rate x base summed, divided by the summed
    base), never averaged.
    """
    out: dict[str, tuple[str | None, str, float]] = {}
    for ind in indicators:
        if len(ind.derive_from) == 2 and set(ind.derive_from) <= set(keys):
            rate, base = ind.derive_from
            out[rate] = (None, base, ind.scale)
    return out


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
    in_table = tuple(i for i in indicators if i.key in keys)
    counts, rates, _ = level_rules(in_table, keys)
    collision_rates: dict[str, tuple[str | None, str, float]] = {
        **_population_weighted(indicators, keys),
        **rates,
    }
    counts = [c for c in counts if c not in collision_rates]
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
        accept_doubtful=spec.accept_doubtful,
        accept_all_doubtful=spec.accept_all_doubtful,
        counts=counts,
        rates=collision_rates,
        crosswalk_weight=spec.crosswalk_weight,
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
    doubts = entries["status"].isin([DOUBTFUL, DOUBTFUL_HELD])
    return replace(report, entries=entries[~doubts])


def _check_found(
    indicators: tuple[IndicatorConfig, ...], found: set[str], tables: list[_Table]
) -> list[str]:
    notes = []
    for ind in indicators:
        if ind.key in found or ind.derive_from:
            continue
        if ind.optional:
            notes.append(
                tr(
                    "optional indicator {key!r} ({source!r}) is in no table, so it "
                    "is left out of the score",
                    key=ind.key,
                    source=ind.source,
                )
            )
            continue
        offered = {t.spec.label: available_indicators(t.frame, t.spec) for t in tables}
        listing = "; ".join(f"{k}: {v[:10]!r}" for k, v in offered.items())
        raise SchemaError(
            tr(
                "indicator {key!r} (source {source!r}, year {year}) was found in no "
                "table. The tables offer {listing}. Fix 'source' or 'year' in the "
                "config, or mark the indicator optional = true.",
                key=ind.key,
                source=ind.source,
                year=ind.year,
                listing=listing,
            )
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
                tr(
                    "indicator {key!r} is in no table and cannot be derived: it needs "
                    "{rate!r} and {base!r}, and {value!r} is missing. Add it to a "
                    "table or give the count directly.",
                    key=ind.key,
                    rate=rate,
                    base=base,
                    value=base if rate in areas else rate,
                )
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
                tr(
                    "{key}: derived as {rate} x {base} / {scale:g} for {n} of "
                    "{total} areas",
                    key=ind.key,
                    rate=rate,
                    base=base,
                    scale=ind.scale,
                    n=int(gaps.sum()),
                    total=len(areas),
                )
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
            tr(
                "the tables given ({value}) do not match the tables declared in "
                "[[tables]] ({value2}): give one frame per tables.label.",
                value=shorten_list(tables),
                value2=shorten_list(labels),
            )
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
        (*report.notes, *accepted_notes(report), *combined, *notes, *derive_notes),
        tuple(paired),
    )


def table_sources(
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
