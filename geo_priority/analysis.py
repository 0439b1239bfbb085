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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority import harmonise, level_values
from geo_priority.analytics_stage import (
    HotspotSummary,
    ProgressSummary,
    add_analytics,
)
from geo_priority.classify import Classification, classify_scores
from geo_priority.codes import CodeColumn, parent_codes
from geo_priority.config import (
    Config,
    IndicatorConfig,
    ScoringConfig,
    config_from_dict,
)
from geo_priority.errors import ClassificationError, ConfigError
from geo_priority.formats import OUTPUT_FORMATS
from geo_priority.joining import (
    Joined,
    check_plausible,
    is_prepared,
    join,
    prepare_areas,
    refuse_held,
    table_sources,
)
from geo_priority.messages import tr
from geo_priority.places import area_places
from geo_priority.ranked import ranked_rows
from geo_priority.robustness_stage import (
    OfficialSummary,
    RobustnessSummary,
    add_official,
    add_robustness,
)
from geo_priority.schema import (
    CLASS,
    ID,
    LABEL,
    LEVELS,
    NAME,
    PLACE,
    SCORE,
    JoinReport,
    Level,
)
from geo_priority.score import ScoreResult, compute_scores

__all__ = [
    "Analysis",
    "analyse",
    "classify_level",
    "prepare_areas",
    "ranked_table",
    "score_and_classify",
]

#: Gives the display shapes of coarser levels of prepared areas, or None:
#: ``(areas, levels) -> list of GeoDataFrame`` (see :func:`with_levels`).
DisplayShapes = Callable[
    [gpd.GeoDataFrame, Sequence[Level]], list[gpd.GeoDataFrame] | None
]


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
    robustness : RobustnessSummary or None
        What the rank-robustness test did (``[robustness]``), when it ran:
        the areas then have ``rank_median``, ``rank_low``, ``rank_high`` and
        ``p_class1``.
    official : OfficialSummary or None
        The official rate-and-number selection (``[official_rule]``), when
        shown: the areas then have ``official_priority``.
    hotspots : HotspotSummary or None
        The hotspot test (``[hotspots]``), when it ran: the areas then have
        ``hotspot``, ``hotspot_p``, ``gi_z``, ``gi_p``, ``gi_class`` and
        ``n_neighbours``.
    progress : ProgressSummary or None
        Progress to the target (``[progress]``), when measured: the areas then
        have ``trend_slope``, ``projected_<year>``, ``target_gap``,
        ``progress_status`` and ``progress_label``.
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
    robustness: RobustnessSummary | None = None
    official: OfficialSummary | None = None
    hotspots: HotspotSummary | None = None
    progress: ProgressSummary | None = None

    @property
    def level(self) -> str:
        """The areas' administrative level (``""`` when unknown)."""
        return str(self.areas.attrs.get("level") or "")


# --- score and classify ----------------------------------------------------------


def _finish(scores: ScoreResult, classification: Classification) -> gpd.GeoDataFrame:
    frame = scores.frame.copy()
    frame[CLASS] = classification.classes
    labels = dict(enumerate(classification.labels, start=1))
    # each class's label looked up once, not once per area
    present = frame[CLASS].dropna().unique()
    frame[LABEL] = frame[CLASS].map({c: labels.get(int(c)) for c in present})
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
    areas, robust, official, notes = _decision_columns(
        areas, indicators, data.scoring, config, classification
    )
    areas, hot, progress, more = add_analytics(areas, indicators, config)
    return Analysis(
        config,
        _placed(areas, {}),
        data.scoring,
        indicators,
        scores,
        classification,
        data.report,
        (*data.notes, *scores.notes, *notes, *more),
        table_sources(data.tables, indicators),
        inputs,
        robustness=robust,
        official=official,
        hotspots=hot,
        progress=progress,
    )


def _decision_columns(
    areas: gpd.GeoDataFrame,
    indicators: tuple[IndicatorConfig, ...],
    scoring: ScoringConfig,
    config: Config,
    classification: Classification,
) -> tuple[
    gpd.GeoDataFrame,
    RobustnessSummary | None,
    OfficialSummary | None,
    tuple[str, ...],
]:
    """Add rank robustness and the official selection, each when enabled."""
    areas, robust, rob_notes = add_robustness(
        areas, indicators, scoring, config, classification
    )
    areas, official, off_notes = add_official(areas, indicators, scoring, config)
    return areas, robust, official, (*rob_notes, *off_notes)


def _children_level(base: Analysis, joined: gpd.GeoDataFrame, level: Level) -> str:
    """Return the areas' level, checking ``level`` is coarser (named in notes)."""
    current = joined.attrs.get("level")
    if current not in LEVELS or LEVELS.index(level) >= LEVELS.index(current):
        above = list(LEVELS[: LEVELS.index(current)]) if current in LEVELS else []
        raise ConfigError(
            tr(
                "outputs.map_levels asks for {level!r}, which is not coarser than "
                "the areas' level {current!r}. Use levels above it, e.g. {above!r}.",
                level=level,
                current=current,
                above=above,
            )
        )
    return str(current)


def _min_coverage(config: Config) -> float:
    """``outputs.level_min_coverage`` (default 0.8)."""
    return float(config.outputs.level_min_coverage)


def _parents(
    areas: gpd.GeoDataFrame, joined: gpd.GeoDataFrame, levels: Sequence[Level]
) -> dict[Level, list[str]]:
    """Return, per level, the code of each area's ancestor (codes read once)."""
    codes = CodeColumn(areas[ID]).codes(joined.attrs["code_system"])
    return {level: parent_codes(codes, level) for level in levels}


def _level_values(
    base: Analysis,
    level: Level,
    children: str,
    names: Mapping[str, str],
    parents: Sequence[str],
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Carry the indicators of ``base`` to ``level``: (values by ID, notes).

    ``parents`` holds the code of each area's ancestor at ``level``.
    """
    areas = base.areas
    rules, dropped = level_values.level_rules(base.indicators, areas.columns)
    keys = pd.Series(parents, index=areas.index)
    carried = level_values.aggregate_level(
        pd.DataFrame(areas),
        keys,
        rules,
        level=level,
        children=children,
        min_coverage=_min_coverage(base.config),
        names=names,
    )
    notes = tuple(
        tr(
            "{level}: {key} is a percentage without numerator and denominator "
            "([[scoring.indicators]] numerator, denominator), so it is not shown "
            "at this level (rates are never averaged).",
            level=level,
            key=key,
        )
        for key in dropped
    )
    return carried.values.rename_axis(ID).reset_index(), notes + carried.notes


def _coarser_level(
    base: Analysis,
    joined: gpd.GeoDataFrame,
    level: Level,
    shapes: gpd.GeoDataFrame,
    parents: Sequence[str],
) -> Analysis:
    """Carry ``base`` to ``level`` (sums, re-divided rates) and score it there.

    ``shapes`` are the areas of ``level`` (:func:`_level_shapes`); ``parents``
    the code of each of ``base``'s areas' ancestor at ``level``.
    """
    children = _children_level(base, joined, level)
    names = {
        str(i): str(n)
        for i, n in zip(shapes[ID], shapes[NAME], strict=True)
        if pd.notna(n)
    }
    values, notes = _level_values(base, level, children, names, parents)
    merged = shapes.drop(columns=[harmonise.N_CHILDREN]).merge(
        values, on=ID, how="left"
    )
    merged.attrs.update(shapes.attrs)
    indicators = tuple(i for i in base.indicators if i.key in merged)
    scores = compute_scores(
        merged.set_index(ID, drop=False),
        indicators,
        aggregation=base.scoring.aggregation,
        missing=base.scoring.missing,
        impute=base.scoring.impute,
    )
    classification, fallback = classify_level(scores.frame[SCORE], base.config, level)
    finished = _finish(scores, classification)
    finished.attrs.update(shapes.attrs)
    finished, robust, official, more = _decision_columns(
        finished, indicators, base.scoring, base.config, classification
    )
    finished.attrs.update(shapes.attrs)
    finished, hot, progress, extra = add_analytics(
        finished, indicators, base.config, coarser=True
    )
    return replace(
        base,
        areas=finished,
        indicators=indicators,
        scores=scores,
        classification=classification,
        notes=(*notes, *fallback, *scores.notes, *more, *extra),
        levels=(),
        robustness=robust,
        official=official,
        hotspots=hot,
        progress=progress,
    )


def _fallbacks(scheme: str, k: int) -> list[tuple[str, int]]:
    """Return the classifications to try, in order, when ``(scheme, k)`` fails."""
    tries = [(scheme, n) for n in range(k - 1, 1, -1)]
    tries += [("equal_interval", n) for n in range(k, 1, -1)]
    return [*tries, ("prioritas", k)]


def classify_level(
    scores: pd.Series, config: Config, level: str
) -> tuple[Classification, tuple[str, ...]]:
    """Classify a coarser level's scores as the config says, or as close as it can.

    A level with fewer areas may not have enough distinct scores for the
    config's classes (``classify.k`` quantiles of 8 kab/kota, say). Then it
    takes fewer classes of the same scheme, else equal intervals, else the
    fixed ``prioritas`` goalposts, and says so in a note that names the level.

    Parameters
    ----------
    scores : pandas.Series
        The level's priority scores.
    config : Config
    level : str
        The level, named in the note and the error.

    Returns
    -------
    classification : Classification
    notes : tuple of str
        Empty when the config's classification was used.

    Raises
    ------
    ClassificationError
        When no area of the level has a score.
    """
    c = config.classify
    lang = config.outputs.lang
    try:
        return classify_scores(
            scores, scheme=c.scheme, k=c.k, breaks=c.breaks, lang=lang
        ), ()
    except ClassificationError as err:
        if scores.notna().sum() == 0:
            raise ClassificationError(
                tr(
                    "{level}: no area has a score at this level, so no classes can "
                    "be formed. Check the coverage notes, or remove {level!r} "
                    "from outputs.map_levels.",
                    level=level,
                )
            ) from err
        reason = str(err)
    for scheme, k in _fallbacks(c.scheme, c.k):
        try:
            found = classify_scores(scores, scheme=scheme, k=k, lang=lang)
        except ClassificationError:
            continue
        note = tr(
            "{level}: the classes of the config ({scheme!r}, k = {k}) cannot be "
            "formed at this level ({reason}); this level uses {scheme2!r} with "
            "k = {k2}.",
            level=level,
            scheme=c.scheme,
            k=c.k,
            reason=reason.rstrip("."),
            scheme2=scheme,
            k2=found.k,
        )
        return found, (note,)
    raise ClassificationError(reason)  # pragma: no cover - prioritas always forms


def _with_places(analysis: Analysis) -> Analysis:
    """Fill :data:`PLACE` at every level, from the levels' own names first."""
    every = (analysis, *analysis.levels)
    known = {  # lists: the same cells; iterating Arrow text is slow
        str(i): str(n)
        for lv in every
        for i, n in zip(lv.areas[ID].to_list(), lv.areas[NAME].to_list(), strict=True)
        if (n.strip() if type(n) is str else pd.notna(n) and str(n).strip())
    }
    placed = [_placed(lv.areas, known) for lv in every]
    levels = tuple(
        replace(lv, areas=areas)
        for lv, areas in zip(analysis.levels, placed[1:], strict=True)
    )
    return replace(analysis, areas=placed[0], levels=levels)


def _placed(areas: gpd.GeoDataFrame, known: Mapping[str, str]) -> gpd.GeoDataFrame:
    out = areas.copy()
    place = area_places(areas, known)
    if PLACE in out.columns:
        out = out.drop(columns=[PLACE])
    out.insert(list(out.columns).index(NAME) + 1 if NAME in out else 1, PLACE, place)
    out.attrs.update(areas.attrs)
    return out


def with_levels(
    analysis: Analysis,
    joined: gpd.GeoDataFrame,
    *,
    display_shapes: DisplayShapes | None = None,
    display_outlines: DisplayShapes | None = None,
    while_waiting: Callable[[Analysis], None] | None = None,
) -> Analysis:
    """Add the coarser levels that ``outputs.map_levels`` asks for.

    Each level is carried up from the analysis's own areas (counts summed,
    rates re-divided, coverage noted; see :mod:`geo_priority.level_values`),
    scored and classified; every level gets its :data:`PLACE`.

    Parameters
    ----------
    analysis : Analysis
    joined : geopandas.GeoDataFrame
        The joined areas the analysis scored.
    display_shapes : callable, optional
        Called with ``joined`` and the levels when the levels are drawn for
        display only (:func:`exact_levels_needed` is False): returns what
        :func:`geo_priority.harmonise.display_levels` would (e.g. computed
        ahead in a thread, :class:`geo_priority.render.ahead.DisplayAhead`),
        or None to have them dissolved here.
    display_outlines : callable, optional
        Called like ``display_shapes``, before it: returns its frames with
        missing polygons, at once (same areas, names, order and attrs), or
        None. The levels are then carried, scored and placed on them while
        the shapes are made, and given the shapes' polygons last.
    while_waiting : callable, optional
        Called with the analysis and its levels carried to the outlines
        (their areas without polygons) before ``display_shapes`` is called,
        when the outlines are used and no error was raised: what it makes
        meanwhile (e.g. the map's area data,
        :func:`geo_priority.outputs.map_ahead`) must hold its own errors.
    """
    levels = analysis.config.outputs.map_levels
    for level in levels:
        _children_level(analysis, joined, level)
    parents = _parents(analysis.areas, joined, levels)
    outlines = _outlines(analysis.config, joined, levels, display_outlines)
    if outlines is not None:  # the levels' values first, their shapes last
        early = _early_levels(analysis, joined, outlines, parents)
        if while_waiting is not None and early.analysis is not None:
            while_waiting(early.analysis)
        shapes = _level_shapes(analysis.config, joined, levels, display_shapes)
        attached = _attached(early, shapes)
        if attached is not None:
            return attached
    else:
        shapes = _level_shapes(analysis.config, joined, levels, display_shapes)
    return _levels_of(analysis, joined, shapes, parents)


def _levels_of(
    analysis: Analysis,
    joined: gpd.GeoDataFrame,
    shapes: Sequence[gpd.GeoDataFrame],
    parents: Mapping[Level, list[str]],
) -> Analysis:
    """Return ``analysis`` with its levels carried to ``shapes`` and placed."""
    levels = analysis.config.outputs.map_levels
    coarser = tuple(
        _coarser_level(analysis, joined, level, shape, parents[level])
        for level, shape in zip(levels, shapes, strict=True)
    )
    return _with_places(replace(analysis, levels=coarser))


def _outlines(
    config: Config,
    joined: gpd.GeoDataFrame,
    levels: Sequence[Level],
    display_outlines: DisplayShapes | None,
) -> list[gpd.GeoDataFrame] | None:
    """Return the levels' display frames without polygons, when given and usable.

    Only for levels drawn for display (no hotspot test: nothing else of a
    level reads its polygons) and when ``display_outlines`` gives them.
    """
    if not levels or display_outlines is None or exact_levels_needed(config):
        return None
    return display_outlines(joined, levels)


@dataclass(frozen=True)
class _Early:
    """The levels carried to their outlines, or the error doing so raised."""

    analysis: Analysis | None
    error: Exception | None


def _early_levels(
    analysis: Analysis,
    joined: gpd.GeoDataFrame,
    outlines: Sequence[gpd.GeoDataFrame],
    parents: Mapping[Level, list[str]],
) -> _Early:
    """Carry, score and place the levels on frames without their polygons.

    An error is held: it is raised once the shapes are taken, so that an
    error in making them is raised first, as when they are made first.
    """
    try:
        return _Early(_levels_of(analysis, joined, outlines, parents), None)
    except Exception as error:
        return _Early(None, error)


def _attached(early: _Early, shapes: Sequence[gpd.GeoDataFrame]) -> Analysis | None:
    """Give each early level the polygons of its ``shapes`` (same areas, order).

    Raises the held error. None when a level's areas are not those of its
    shapes in the same order (then the levels are carried again, on them).
    """
    if early.error is not None:
        raise early.error
    assert early.analysis is not None  # set unless an error is held
    found = []
    for level, shape in zip(early.analysis.levels, shapes, strict=True):
        areas = _with_polygons(level.areas, shape)
        scores = _with_polygons(level.scores.frame, shape)
        if areas is None or scores is None:
            return None
        found.append(
            replace(level, areas=areas, scores=replace(level.scores, frame=scores))
        )
    return replace(early.analysis, levels=tuple(found))


def _with_polygons(
    frame: pd.DataFrame, shape: gpd.GeoDataFrame
) -> gpd.GeoDataFrame | None:
    """Return ``frame`` with the polygons of ``shape``, or None if not its areas."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs != shape.crs:
        return None
    if not np.array_equal(frame[ID].to_numpy(), shape[ID].to_numpy()):
        return None
    out = frame.copy()
    out[frame.geometry.name] = shape.geometry.array
    return out


#: Writers whose outputs draw coarser levels at most on screen (the map) or
#: not at all; any other (GIS exports) needs their exact shapes.
_DISPLAY_WRITERS = frozenset({"map", "table", "record", "figure"})


def exact_levels_needed(config: Config) -> bool:
    """Whether the run needs the exact shapes of its coarser levels.

    GIS exports (``outputs.formats`` such as ``gpkg``) write them, and the
    hotspot test (``[hotspots]``) finds neighbours from them; the map alone
    draws simplified shapes (:func:`geo_priority.harmonise.display_levels`).
    """
    writers = {OUTPUT_FORMATS[f].writer for f in config.outputs.formats}
    hotspots = config.hotspots is not None and config.hotspots.enabled
    return hotspots or not writers <= _DISPLAY_WRITERS


def _level_shapes(
    config: Config,
    joined: gpd.GeoDataFrame,
    levels: Sequence[Level],
    display_shapes: DisplayShapes | None = None,
) -> list[gpd.GeoDataFrame]:
    """Return the areas of each coarser level: exact, or for display only.

    Exact (:func:`geo_priority.harmonise.dissolve_to_level`, minutes for the
    national desa) only when :func:`exact_levels_needed`; the values of every
    level are summed from the areas either way (:func:`_level_values`).
    Display shapes come from ``display_shapes`` when it gives them.
    """
    if not levels:
        return []
    if exact_levels_needed(config):
        return [harmonise.dissolve_to_level(joined, level=lv) for lv in levels]
    given = display_shapes(joined, levels) if display_shapes is not None else None
    return given if given is not None else harmonise.display_levels(joined, levels)


def _method(method: Config | Mapping[str, Any]) -> Config:
    if isinstance(method, Config):
        return method
    if not isinstance(method, Mapping):
        raise ConfigError(
            tr(
                "the method must be a Config or a dict of config sections "
                "(boundaries, tables, scoring, classify, outputs), got {kind}.",
                kind=type(method).__name__,
            )
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
    areas = boundaries if is_prepared(boundaries) else prepare_areas(boundaries, config)
    joined = join(areas, tables, config, crosswalks=crosswalks)
    refuse_held(joined.report)
    result = score_joined(joined, config)
    return replace(with_levels(result, joined.areas), context=context)


def ranked_table(analysis: Analysis) -> pd.DataFrame:
    """Return the ranked table (highest priority first) with contributions.

    With rank robustness, ``rank_median``, ``rank_low``, ``rank_high`` and
    ``p_class1`` follow the rank; with the official selection,
    ``official_priority`` follows the class (see :func:`ranked_rows`).
    """
    return ranked_rows(analysis.areas, [i.key for i in analysis.indicators])
