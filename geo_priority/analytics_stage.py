"""Hotspots and progress to targets, as a stage of the analysis.

:func:`add_hotspots` runs :func:`geo_priority.hotspots.find_hotspots` on the
scored areas when ``[hotspots]`` is in the config and joins
:data:`~geo_priority.hotspots.HOTSPOT_COLUMNS` onto them;
:func:`add_progress` builds the yearly series of ``progress.indicator`` from
the indicators that are that series in several years, runs
:func:`geo_priority.progress.progress_to_targets` and joins its columns. Each
returns a small typed summary that the analysis, the map, the method note and
the run record carry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_priority.config import Config, IndicatorConfig
from geo_priority.errors import ConfigError
from geo_priority.hotspots import HOTSPOT_COLUMNS, find_hotspots
from geo_priority.hotspots_legend import LegendEntry
from geo_priority.messages import tr, use_language
from geo_priority.progress import (
    AT_RISK,
    OFF_TRACK,
    ON_TRACK,
    PROGRESS_COLUMNS,
    VALUE,
    YEAR,
    ProgressResult,
    format_target,
    format_tolerance,
    progress_to_targets,
    status_label,
)
from geo_priority.progress_preset import preset_progress, progress_planned
from geo_priority.schema import ID, NAME, SCORE

__all__ = [
    "HOTSPOT_LEGEND_ATTR",
    "HOTSPOT_NOTE_ATTR",
    "PROGRESS_LEGEND_ATTR",
    "PROGRESS_NOTE_ATTR",
    "HotspotSummary",
    "ProgressSummary",
    "add_analytics",
    "add_hotspots",
    "add_progress",
    "analytics_columns",
    "analytics_names",
    "hotspots_record",
    "progress_columns",
    "progress_record",
    "progress_series",
]

#: ``areas.attrs`` key of the hotspot legend: (value, colour, words) per class.
HOTSPOT_LEGEND_ATTR = "hotspot_legend"
#: ``areas.attrs`` key of the progress legend: (status, words), best first.
PROGRESS_LEGEND_ATTR = "progress_legend"
#: ``areas.attrs`` keys of the legends' notes (the classes in plain words).
HOTSPOT_NOTE_ATTR = "hotspot_note"
PROGRESS_NOTE_ATTR = "progress_note"


@dataclass(frozen=True)
class HotspotSummary:
    """What the hotspot test did, for the map, the method note and run record.

    Attributes
    ----------
    column, label : str
        The column tested and its name in words.
    legend, gi_legend : tuple of LegendEntry
        Legends of ``hotspot`` and ``gi_class`` (value, colour, words, count).
    method : str
        The core's method text (in the run's language).
    left_out : tuple of str
        Codes of the areas not tested.
    """

    column: str
    label: str
    legend: tuple[LegendEntry, ...]
    gi_legend: tuple[LegendEntry, ...]
    method: str
    left_out: tuple[str, ...]


@dataclass(frozen=True)
class ProgressSummary:
    """What the progress-to-target measure did.

    Attributes
    ----------
    indicator : str
        ``progress.indicator``.
    label : str
        The indicator in words.
    result : ProgressResult
        The core's result (frame by area, target, years, method).
    series : pandas.DataFrame
        The series measured: ``area_id``, ``area_name``, ``year``, ``value``.
    """

    indicator: str
    label: str
    result: ProgressResult
    series: pd.DataFrame

    @property
    def method(self) -> str:
        """The method text (in the run's language)."""
        return self.result.method


def _label(column: str, indicators: tuple[IndicatorConfig, ...]) -> str:
    if column == SCORE:
        return tr("the priority score")
    for ind in indicators:
        if ind.key == column:
            return ind.label or ind.key
    return column


def add_hotspots(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    config: Config,
) -> tuple[gpd.GeoDataFrame, HotspotSummary | None, tuple[str, ...]]:
    """Join the hotspot columns onto scored ``areas`` when ``[hotspots]`` is on.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored areas (``area_id``, polygons, the tested column).
    indicators : tuple of IndicatorConfig
        To name an indicator column in words.
    config : Config
        ``hotspots`` and ``outputs.lang`` are used.

    Returns
    -------
    areas : geopandas.GeoDataFrame
        With ``hotspot``, ``hotspot_p``, ``gi_z``, ``gi_p``, ``gi_class`` and
        ``n_neighbours`` when the test ran, else unchanged.
    summary : HotspotSummary or None
    notes : tuple of str
        The core's notes, or why the test could not run (e.g. too few areas
        at a coarser level).
    """
    cfg = config.hotspots
    if cfg is None or not cfg.enabled:
        return areas, None, ()
    with use_language(config.outputs.lang):
        label = _label(cfg.column, indicators)
        try:
            result = find_hotspots(areas, cfg.column, cfg, label=label)
        except ConfigError as err:
            note = tr(
                "hotspots were not computed for these areas: {reason}",
                reason=str(err),
            )
            return areas, None, (note,)
    out = result.join(areas)
    out.attrs.update(areas.attrs)
    # the map's "Klaster (LISA)" layer: value, colour and words of each class
    out.attrs[HOTSPOT_LEGEND_ATTR] = tuple(
        (e.value, e.colour, e.text) for e in result.legend if e.value is not None
    )
    with use_language(config.outputs.lang):
        out.attrs[HOTSPOT_NOTE_ATTR] = _hotspot_note(result.column, label)
    summary = HotspotSummary(
        result.column,
        label,
        tuple(result.legend),
        tuple(result.gi_legend),
        result.method,
        tuple(result.left_out),
    )
    return out, summary, tuple(result.notes)


def _series_indicators(
    key: str, indicators: tuple[IndicatorConfig, ...], areas: gpd.GeoDataFrame
) -> list[IndicatorConfig]:
    """Return the indicators that are ``key`` in one year each (by source or key).

    Two indicators of one year (the preset's scored one and a listed one)
    are the same values: the first is kept.
    """
    found = [
        i
        for i in indicators
        if i.year is not None
        and key in (i.key, i.source, f"{i.key.removesuffix(f'_{i.year}')}")
        and i.key in areas.columns
    ]
    by_year: dict[int, IndicatorConfig] = {}
    for ind in found:  # one per year: the same series may be scored and listed
        by_year.setdefault(int(ind.year or 0), ind)
    return [by_year[year] for year in sorted(by_year)]


def progress_series(
    areas: gpd.GeoDataFrame,
    key: str,
    indicators: tuple[IndicatorConfig, ...],
) -> pd.DataFrame:
    """Return the yearly series of indicator ``key`` of every area.

    The series is made of the indicators with a ``year`` whose ``key`` or
    ``source`` (the indicator name in a long table) is ``key``, or whose
    ``key`` is ``key`` followed by ``_<year>`` (``p0_2019``, ``p0_2020``, ...
    of a wide table).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
    key : str
        ``progress.indicator``.
    indicators : tuple of IndicatorConfig

    Returns
    -------
    pandas.DataFrame
        ``area_id``, ``area_name``, ``year``, ``value``: one row per area and
        year (missing values kept as NaN).

    Raises
    ------
    ConfigError
        When fewer than two years of ``key`` are among the indicators (naming
        ``progress.indicator`` and how to add the years).
    """
    found = _series_indicators(key, indicators, areas)
    years = sorted({i.year for i in found if i.year is not None})
    if len(years) < 2:
        raise ConfigError(
            tr(
                "progress.indicator = {value!r}: the data has {n} year(s) of it; "
                "the trend needs the series in several years. Add one "
                "[[scoring.indicators]] per year with source = {value!r}, its year "
                "and score = false.",
                value=key,
                n=len(years),
            )
        )
    names = areas[NAME] if NAME in areas.columns else areas[ID]
    parts = [
        pd.DataFrame(
            {
                ID: areas[ID].astype("string").to_numpy(),
                NAME: names.astype("string").to_numpy(),
                YEAR: int(ind.year or 0),
                VALUE: pd.to_numeric(areas[ind.key], errors="coerce").to_numpy(),
            }
        )
        for ind in found
    ]
    return pd.concat(parts, ignore_index=True)


def progress_columns(result: ProgressResult) -> list[str]:
    """Return the progress columns joined onto the areas, in order."""
    return [
        result.projected_column if c == "projected" else c for c in PROGRESS_COLUMNS
    ]


def add_progress(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    config: Config,
    *,
    coarser: bool = False,
) -> tuple[gpd.GeoDataFrame, ProgressSummary | None, tuple[str, ...]]:
    """Join the progress-to-target columns onto ``areas`` when ``[progress]`` is on.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
    indicators : tuple of IndicatorConfig
        Every indicator joined (scored or not): the yearly ones of
        ``progress.indicator`` make the series.
    config : Config
        ``progress`` and ``outputs.lang`` are used.
    coarser : bool
        The areas are a coarser level of the map (``outputs.map_levels``):
        a series that is not there (unscored yearly indicators are not
        summed up) gives a note instead of an error.

    Returns
    -------
    areas : geopandas.GeoDataFrame
        With ``trend_slope``, ``projected_<year>``, ``target_gap``,
        ``progress_status``, ``progress_label`` (and the other
        :data:`~geo_priority.progress.PROGRESS_COLUMNS`) when measured.
    summary : ProgressSummary or None
    notes : tuple of str

    Raises
    ------
    ConfigError
        When the series or the target is missing (naming the key).
    """
    with use_language(config.outputs.lang):
        chosen = preset_progress(
            config.progress,
            config.scoring.preset,
            config.scoring.preset_options,
            indicators,
            areas,
        )
    cfg = chosen.config
    if cfg is None and coarser and progress_planned(config):
        with use_language(config.outputs.lang):
            reason = tr("its yearly series are not summed up to this level.")
            note = tr(
                "progress to target is not shown at this level: {reason}",
                reason=reason,
            )
        return areas, None, (note,)
    if cfg is None:  # a coarser level repeats none of the preset's notes
        return areas, None, () if coarser else chosen.notes
    with use_language(config.outputs.lang):
        try:
            series = progress_series(areas, cfg.indicator, indicators)
            if chosen.areas is not None:  # the Banten P0 target: Banten only
                series = series[series[ID].isin(chosen.areas)]
        except ConfigError as err:
            if not coarser:
                raise
            note = tr(
                "progress to target is not shown at this level: {reason}",
                reason=str(err),
            )
            return areas, None, (note,)
        result = progress_to_targets(series, cfg)
        found = _series_indicators(cfg.indicator, indicators, areas)
        label = found[-1].label if found else ""
    columns = progress_columns(result)
    out = areas.drop(columns=[c for c in columns if c in areas.columns])
    joined = result.frame.reindex(areas[ID].astype("string").to_numpy())
    for column in columns:
        out[column] = joined[column].set_axis(out.index)
    out.attrs.update(areas.attrs)
    with use_language(config.outputs.lang):
        out.attrs[PROGRESS_LEGEND_ATTR] = _progress_legend(result)
        out.attrs[PROGRESS_NOTE_ATTR] = _progress_note(result)
    summary = ProgressSummary(cfg.indicator, label or cfg.indicator, result, series)
    return out, summary, (*chosen.notes, *result.notes)


def add_analytics(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    config: Config,
    *,
    coarser: bool = False,
) -> tuple[
    gpd.GeoDataFrame,
    HotspotSummary | None,
    ProgressSummary | None,
    tuple[str, ...],
]:
    """Add the hotspots and the progress to target, each when configured.

    See :func:`add_hotspots` and :func:`add_progress` (``coarser`` is passed
    on); the notes of both are returned together.
    """
    areas, hot, hot_notes = add_hotspots(areas, indicators, config)
    areas, progress, prog_notes = add_progress(
        areas, indicators, config, coarser=coarser
    )
    return areas, hot, progress, (*hot_notes, *prog_notes)


def _progress_legend(result: ProgressResult) -> tuple[tuple[str, str], ...]:
    """Return (status, its words) of each status, best first (active language)."""
    return tuple((s, status_label(s)) for s in (ON_TRACK, AT_RISK, OFF_TRACK))


def _progress_note(result: ProgressResult) -> str:
    """Return the status rule in words for the map legend (active language)."""
    return tr(
        "Theil-Sen trend projected to {year}, target {target}: {on} = reaches "
        "it; {risk} = misses it by at most {tolerance}; {off} = misses it by more.",
        year=result.target.year,
        target=format_target(result.target, result.unit),
        on=status_label(ON_TRACK),
        risk=status_label(AT_RISK),
        off=status_label(OFF_TRACK),
        tolerance=format_tolerance(result.tolerance, result.unit),
    )


def _hotspot_note(column: str, label: str) -> str:
    """Return what the cluster classes mean, for the map legend (active language)."""
    if column == SCORE:
        return tr(
            "high-high: high-priority areas next to high-priority areas; "
            "low-low: low next to low; high-low and low-high: an area unlike its "
            "neighbours. Only patterns that chance rarely gives (see the method "
            "note)."
        )
    return tr(
        "high-high: a high {label} next to high values; low-low: low next to "
        "low; high-low and low-high: an area unlike its neighbours. Only "
        "patterns that chance rarely gives (see the method note).",
        label=label,
    )


def hotspots_record(summary: HotspotSummary | None) -> dict[str, Any] | None:
    """Return the hotspot test for the run record (``_run.json``); None if off."""
    if summary is None:
        return None
    return {
        "column": summary.column,
        "counts": {e.value or "not_tested": e.count for e in summary.legend},
        "left_out": list(summary.left_out),
        "method": summary.method,
        "columns": list(HOTSPOT_COLUMNS),
    }


def progress_record(summary: ProgressSummary | None) -> dict[str, Any] | None:
    """Return the progress measure for the run record; None when off."""
    if summary is None:
        return None
    r = summary.result
    return {
        "indicator": summary.indicator,
        "target": {
            "id": r.target.id,
            "year": r.target.year,
            "value": r.target.value,
            "low": r.target.low,
            "high": r.target.high,
            "source": r.target.source,
            "cited": r.target.cited,
            "note": r.target.note,
        },
        "years": list(r.years),
        "tolerance": r.tolerance,
        "counts": r.status_counts(),
        "method": r.method,
        "columns": progress_columns(r),
    }


#: Human names of the hotspot and progress columns (``projected`` is
#: ``projected_<year>``, named with its year).
_NAMES: dict[str, dict[str, str]] = {
    "id": {
        "hotspot": "Klaster (LISA)",
        "hotspot_p": "Klaster: nilai p (LISA)",
        "gi_z": "Gi*: skor z",
        "gi_p": "Gi*: nilai p",
        "gi_class": "Titik panas/dingin (Gi*)",
        "n_neighbours": "Jumlah tetangga",
        "trend_years": "Tren: jumlah tahun",
        "last_year": "Tahun terakhir",
        "last_value": "Nilai terakhir",
        "trend_slope": "Tren per tahun",
        "trend_intercept": "Tren: konstanta",
        "projected": "Proyeksi {year}",
        "target_gap": "Selisih dari target",
        "progress_status": "Status kemajuan (kode)",
        "progress_label": "Kemajuan menuju target",
    },
    "en": {
        "hotspot": "Cluster (LISA)",
        "hotspot_p": "Cluster: p-value (LISA)",
        "gi_z": "Gi*: z-score",
        "gi_p": "Gi*: p-value",
        "gi_class": "Hot/cold spot (Gi*)",
        "n_neighbours": "Neighbours",
        "trend_years": "Trend: years used",
        "last_year": "Latest year",
        "last_value": "Latest value",
        "trend_slope": "Trend per year",
        "trend_intercept": "Trend: intercept",
        "projected": "Projected {year}",
        "target_gap": "Gap to target",
        "progress_status": "Progress status (code)",
        "progress_label": "Progress to target",
    },
}
_PROJECTED = re.compile(r"projected_(\d{4})")


def analytics_columns(columns: Sequence[object]) -> list[str]:
    """Return the hotspot and progress columns among ``columns``, in their order.

    Examples
    --------
    >>> analytics_columns(["area_id", "target_gap", "projected_2025", "hotspot"])
    ['hotspot', 'projected_2025', 'target_gap']
    """
    present = [str(c) for c in columns]
    projected = [c for c in present if _PROJECTED.fullmatch(c)]
    order: list[str] = list(HOTSPOT_COLUMNS)
    for column in PROGRESS_COLUMNS:
        order += projected if column == "projected" else [column]
    return [c for c in order if c in present]


def analytics_names(columns: Sequence[object], lang: str = "id") -> dict[str, str]:
    """Return the human name of each hotspot and progress column in ``columns``.

    Examples
    --------
    >>> analytics_names(["hotspot", "projected_2025", "x"], "en")
    {'hotspot': 'Cluster (LISA)', 'projected_2025': 'Projected 2025'}
    """
    words = _NAMES.get(lang, _NAMES["id"])
    names: dict[str, str] = {}
    for column in analytics_columns(columns):
        match = _PROJECTED.fullmatch(column)
        if match:
            names[column] = words["projected"].format(year=match.group(1))
        else:
            names[column] = words[column]
    return names
