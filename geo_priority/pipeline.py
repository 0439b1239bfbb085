"""A run as the config file describes it: read -> analyse -> write.

The thin driver behind ``geo-priority run``, ``check`` and ``figure``. It
reads what the config names (:func:`geo_priority.inputs.load_inputs`), hands
the frames to :func:`geo_priority.analysis.analyse` and writes the outputs
with :mod:`geo_priority.outputs`. Everything it does is also open to a Python
user through those modules; see the README's "Python API".
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from geo_priority.analysis import (
    Analysis,
    exact_levels_needed,
    ranked_table,
    score_joined,
    with_levels,
)
from geo_priority.citations import table_citations
from geo_priority.config import Config
from geo_priority.errors import GeometryRepairedWarning, GeoPriorityError
from geo_priority.formats import OUTPUT_FORMATS, FormatName
from geo_priority.formatting import shorten_list
from geo_priority.inputs import BoundaryRead, Inputs, load_inputs, read_boundary_frame
from geo_priority.join_report import status_name
from geo_priority.joining import (
    Joined,
    is_prepared,
    join,
    prepare_areas,
    refuse_held,
)
from geo_priority.messages import tr, use_language
from geo_priority.metadata import run_record
from geo_priority.outputs import (
    check_figures_of,
    check_outputs_of,
    map_ahead,
    output_paths,
    page_imported,
    write_figures,
    write_outputs,
    written_files,
)
from geo_priority.schema import NAME, SCORE
from geo_priority.steps import step
from geo_priority.tiers import hide_suppressed, mark_restricted, refuse_internal_tables

if TYPE_CHECKING:  # the map renderer (folium) loads when a run draws the map
    from geo_priority.render.ahead import DisplayAhead

__all__ = [
    "CHECK_STEPS",
    "RUN_STEPS",
    "Analysis",
    "RunResult",
    "analyse",
    "check",
    "check_outputs_of",
    "load_areas",
    "output_paths",
    "ranked_table",
    "run",
    "run_figure",
    "run_record",
    "write_outputs",
]


#: The steps :func:`run` and :func:`run_figure` name (:mod:`geo_priority.steps`);
#: :func:`check` names the first two.
RUN_STEPS = 4
CHECK_STEPS = 2


@dataclass(frozen=True)
class RunResult:
    """An analysis and the files written from it.

    Attributes
    ----------
    analysis : Analysis
    outputs : dict of str to Path
        The main file of each format, by format name.
    files : tuple of Path
        Every file written, companions included (``.sld``, ``_shp.qml``,
        ``_metadata.xml``, ...), in the order of ``outputs.formats``.
    """

    analysis: Analysis
    outputs: dict[FormatName, Path] = field(default_factory=dict)
    files: tuple[Path, ...] = ()


def load_areas(config: Config) -> tuple[gpd.GeoDataFrame, list[Path]]:
    """Read the boundaries, harmonise codes and build the requested level.

    Returns
    -------
    areas : geopandas.GeoDataFrame
        Prepared areas (``area_id``, ``area_name``, ``parent_id``).
    inputs : list of Path
        The files read.
    """
    frame, files = read_boundary_frame(config)
    return prepare_areas(frame, config), files


def _joined(
    config: Config,
    areas: gpd.GeoDataFrame | None,
    worker: ThreadPoolExecutor | None = None,
    boundaries: BoundaryRead | None = None,
) -> tuple[Joined, Inputs, DisplayAhead | None]:
    """Read and join; refuse internal tables in a public run, blank hidden cells.

    With a ``worker``, the map's display geometry is started on it as soon as
    the areas are prepared (:func:`_ahead`): the boundaries are then read and
    prepared before the tables (:class:`_Early`), so that reading and joining
    the tables overlaps it. ``boundaries``: the layer being read already; the
    tables are read while it is (:func:`_while_reading`).
    """
    ahead = _ahead(config, areas, worker)
    early: _Early | None = None
    with step(tr("Reading the boundaries and tables")):
        if areas is None and worker is not None:
            meanwhile = _while_reading(config, boundaries)
            early = _Early.read(config, worker, boundaries)
            tables = meanwhile() if meanwhile else load_inputs(config, boundaries=False)
            inputs = replace(
                tables,
                boundaries=early.frame,
                files=(*early.files, *tables.files),
            )
        else:
            inputs = load_inputs(config, boundaries=areas is None, ahead=boundaries)
        refuse_internal_tables(inputs.tables, config.outputs)
    with step(tr("Matching the tables to the areas")):
        if early is not None:
            areas, ahead = early.collect()
        if areas is None:
            areas = prepare_areas(inputs.boundaries, config)
            ahead = _ahead(config, areas, worker)
        joined = join(areas, inputs.tables, config, crosswalks=inputs.crosswalks)
        shown = mark_restricted(hide_suppressed(joined.areas), config.outputs)
    return replace(joined, areas=shown), inputs, ahead


def _while_reading(
    config: Config, boundaries: BoundaryRead | None
) -> Callable[[], Inputs] | None:
    """Read the tables and import the map's libraries while ``boundaries`` is read.

    Returns what gives the tables (or raises their error) once the
    boundaries are read and prepared: an error of the boundary file itself
    is raised first, as when the tables are read after it; a table's
    warnings are issued as it is read, before the areas' (as without the
    read ahead). None when nothing is being read any more: the tables are
    then read after the areas are prepared, so the map starts sooner.
    """
    if boundaries is None or boundaries.done():
        return None
    tables: Inputs | None = None
    held: Exception | None = None
    try:
        tables = load_inputs(config, boundaries=False)
    except Exception as error:  # raised where the tables are taken
        held = error
    page_imported()

    def taken() -> Inputs:
        if held is not None:
            raise held
        assert tables is not None  # read unless an error is held
        return tables

    return taken


@dataclass
class _Early:
    """Boundaries read and prepared before the tables, the map started on them.

    The display geometry starts as soon as the areas are prepared, so that
    reading and joining the tables overlaps it (:func:`_joined`). What
    preparing the areas raises or warns is held and given out where the
    areas are collected (:meth:`collect`, after the tables are read), so a
    user sees errors and warnings in the same order as when the areas are
    prepared after the tables.
    """

    frame: gpd.GeoDataFrame
    files: list[Path]
    areas: gpd.GeoDataFrame | None = None
    ahead: DisplayAhead | None = None
    error: Exception | None = None
    caught: list[warnings.WarningMessage] = field(default_factory=list)

    @classmethod
    def read(
        cls,
        config: Config,
        worker: ThreadPoolExecutor,
        boundaries: BoundaryRead | None = None,
    ) -> _Early:
        """Read and prepare the boundaries; start the map's geometry on ``worker``.

        ``boundaries``: the layer being read in a thread already.
        """
        frame, files = read_boundary_frame(config, boundaries)
        early = cls(frame, files)
        try:
            with warnings.catch_warnings(record=True) as caught:
                early.areas = prepare_areas(frame, config)
        except Exception as error:  # raised where the areas are collected
            early.error = error
        early.caught = list(caught)
        if early.areas is not None:
            try:  # not under catch_warnings: a first import may set filters
                early.ahead = _ahead(config, early.areas, worker)
            except Exception as error:
                early.error = error
        return early

    def collect(self) -> tuple[gpd.GeoDataFrame, DisplayAhead | None]:
        """Issue the warnings held, raise the error held, or return the areas."""
        for w in self.caught:
            warnings.showwarning(
                w.message, w.category, w.filename, w.lineno, w.file, w.line
            )
        if self.error is not None:
            if self.ahead is not None:
                self.ahead.cancel()
            raise self.error
        assert self.areas is not None  # set unless an error is held
        return self.areas, self.ahead


def _ahead(
    config: Config,
    areas: gpd.GeoDataFrame | None,
    worker: ThreadPoolExecutor | None,
) -> DisplayAhead | None:
    """Start the display geometry of prepared ``areas`` on ``worker``, if any."""
    if worker is None or areas is None or not is_prepared(areas):
        return None
    from geo_priority.render.ahead import DisplayAhead

    return DisplayAhead.start(worker, areas, config.outputs.map_levels)


def _draws_ahead(config: Config) -> bool:
    """Whether a run of ``config`` draws the map from display geometry alone.

    It writes the map (``html``) and no output needs the exact shapes of
    the coarser levels (:func:`geo_priority.analysis.exact_levels_needed`).
    """
    writers = {OUTPUT_FORMATS[f].writer for f in config.outputs.formats}
    return "map" in writers and not exact_levels_needed(config)


@contextmanager
def _display_worker(config: Config) -> Iterator[ThreadPoolExecutor | None]:
    """Yield the thread that draws the map ahead (:func:`_draws_ahead`), or None."""
    if not _draws_ahead(config):
        yield None
        return
    from geo_priority.render.ahead import display_worker

    with display_worker() as worker:
        yield worker


def analyse(config: Config, *, areas: gpd.GeoDataFrame | None = None) -> Analysis:
    """Read what ``config`` names and analyse it in memory.

    Parameters
    ----------
    config : Config
    areas : geopandas.GeoDataFrame, optional
        Prepared areas to use instead of reading ``config.boundaries``.

    Returns
    -------
    Analysis
    """
    return _analysed(config, areas, None)[0]


def _analysed(
    config: Config,
    areas: gpd.GeoDataFrame | None,
    worker: ThreadPoolExecutor | None,
    boundaries: BoundaryRead | None = None,
) -> tuple[Analysis, DisplayAhead | None]:
    """:func:`analyse`, the map's display geometry started on ``worker``."""
    with use_language(config.outputs.lang):
        joined, inputs, ahead = _joined(config, areas, worker, boundaries)
        refuse_held(joined.report)
        with step(tr("Scoring and classifying the areas")):
            analysis = _cited(score_joined(joined, config, inputs.files), joined)
            shapes = ahead.level_shapes if ahead is not None else None
            outlines = ahead.level_outlines if ahead is not None else None
            # the map's area data are made while the thread draws the levels
            waiting = partial(map_ahead, display=ahead) if ahead is not None else None
            levelled = with_levels(
                analysis,
                joined.areas,
                display_shapes=shapes,
                display_outlines=outlines,
                while_waiting=waiting,
            )
            return replace(levelled, context=inputs.context), ahead


def _cited(analysis: Analysis, joined: Joined) -> Analysis:
    """Cite only the sources used: the rows joined, of the indicators shown.

    Each citation is "publisher, title, year" (and the publication that
    quoted the figures), followed by its URL when the table gives one.
    """
    citations = table_citations(
        [(t.spec, t.frame) for t in joined.tables],
        joined.report,
        analysis.indicators,
        level=analysis.level,
        lang=analysis.config.outputs.lang,
    )
    return replace(analysis, sources=tuple(c.with_url() for c in citations))


def run(
    config: Config,
    *,
    areas: gpd.GeoDataFrame | None = None,
    boundaries: BoundaryRead | None = None,
) -> RunResult:
    """Run the whole pipeline and write its outputs.

    Outputs that already exist make the run fail *before* any work, unless
    ``config.outputs.overwrite`` is set.

    Parameters
    ----------
    config : Config
    areas : geopandas.GeoDataFrame, optional
        Prepared areas to use instead of reading ``config.boundaries``.
    boundaries : BoundaryRead, optional
        ``config``'s boundary layer being read already
        (:func:`geo_priority.inputs.read_boundaries_ahead`), taken instead
        of reading it again.

    Raises
    ------
    OutputExistsError
        When an output exists and overwrite is off.
    GeoPriorityError
        For any data or configuration problem.
    """
    with use_language(config.outputs.lang):
        check_outputs_of(config)
        with _display_worker(config) as worker:
            analysis, ahead = _analysed(config, areas, worker, boundaries)
            with step(tr("Writing the map and files")):
                outputs = write_outputs(
                    analysis, overwrite=config.outputs.overwrite, display=ahead
                )
        return RunResult(analysis, outputs, written_files(config))


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
    with use_language(config.outputs.lang):
        check_figures_of(config, size=size)
        analysis = analyse(config)
        overwrite = config.outputs.overwrite
        with step(tr("Drawing the figure")):
            paths = write_figures(analysis, size=size, overwrite=overwrite)
        return RunResult(analysis, paths, tuple(paths.values()))


#: Warnings about data the run fixed itself (``check --lenient`` passes them).
_REPAIRS = (GeometryRepairedWarning,)


def _attention(analysis: Analysis) -> list[str]:
    """Return the unscored areas and imputed values a planner must read."""
    areas, found = analysis.areas, []
    unscored = areas[areas[SCORE].isna()]
    if len(unscored):
        names = shorten_list(unscored[NAME].astype(str).tolist(), 5)
        found.append(
            tr(
                "{n} of {total} areas would get no score (scoring.missing = "
                "{missing!r}): {names}. Give them values, or set scoring.missing = "
                '"impute" to fill the gaps openly.',
                n=len(unscored),
                total=len(areas),
                missing=analysis.scoring.missing,
                names=names,
            )
        )
    imputed = areas["imputed"].fillna("").astype(bool) if "imputed" in areas else None
    if imputed is not None and imputed.any():
        found.append(
            tr(
                "{n} of {total} areas would be scored on filled-in values (the "
                "column 'imputed' of the ranked table names them).",
                n=int(imputed.sum()),
                total=len(areas),
            )
        )
    return found


def check(
    config: Config, *, lenient: bool = False
) -> tuple[Analysis | None, list[str]]:
    """Validate inputs and the join without writing anything.

    Every stage that can run does: a scoring error after a join with unmatched
    codes reports both.

    Parameters
    ----------
    config : Config
    lenient : bool, default False
        Strict (the default) counts as problems everything the run would
        produce that a planner must read: areas without a score, values
        imputed, geometries repaired. Lenient re-emits repairs as warnings and
        leaves unscored and imputed areas out of the problems.

    Returns
    -------
    analysis : Analysis or None
        The analysis when it could be computed.
    problems : list of str
        Everything a person should fix or check; empty when all is well.
    """
    with use_language(config.outputs.lang):
        return _check(config, lenient)


def _check(config: Config, lenient: bool) -> tuple[Analysis | None, list[str]]:
    problems: list[str] = []
    analysis = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        joined, inputs, _ = _joined(config, None)
        problems += [_describe(row) for row in joined.report.problems.itertuples()]
        try:
            analysis = score_joined(joined, config, inputs.files)
        except GeoPriorityError as err:
            problems.append(str(err))
    if analysis is not None and not lenient:
        problems += _attention(analysis)
    for w in caught:
        if lenient and issubclass(w.category, _REPAIRS):
            warnings.warn(w.message, w.category, stacklevel=2)
        else:  # summaries first, then the report's rows
            problems.insert(0, str(w.message))
    return analysis, problems


def _describe(row: Any) -> str:
    """One line of the join report: table, what happened, code, name, detail."""
    code = row.row_code if pd.notna(row.row_code) else row.area_id
    name = row.row_name if pd.notna(row.row_name) else row.area_name
    detail = f" ({row.detail})" if isinstance(row.detail, str) and row.detail else ""
    what = status_name(str(row.status))
    return tr(
        "table {table!r}: {what}: {code!r} {name!r}{detail}",
        table=row.table,
        what=what,
        code=code,
        name=name,
        detail=detail,
    )
