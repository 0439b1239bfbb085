"""What an :class:`~geo_priority.analysis.Analysis` becomes: map, figure, layers, files.

Each output of :data:`geo_priority.formats.OUTPUT_FORMATS` is written by the
stage its ``writer`` names: the interactive map (:func:`build_map`), the
static figure (:func:`build_figure`), the GIS exports of the scored layer
(:func:`scored_layer`, :func:`export_layer`), the ranked table and join report,
and the run record. :func:`write_outputs` writes the formats the config asks
for, each file atomically through :mod:`geo_priority.io`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo_priority import io, metadata
from geo_priority.analysis import Analysis, ranked_table
from geo_priority.config import Config
from geo_priority.errors import ConfigError
from geo_priority.formats import (
    EXPORT_FORMATS,
    FIGURE_FORMATS,
    OUTPUT_FORMATS,
    FormatName,
)
from geo_priority.io import outputset
from geo_priority.messages import tr
from geo_priority.progress_preset import progress_planned
from geo_priority.tiers import marked

if TYPE_CHECKING:  # folium (render), matplotlib and the exports load when used
    import folium
    from matplotlib.figure import Figure

    from geo_priority.export import ScoredLayer
    from geo_priority.render import MapLevel
    from geo_priority.render.ahead import DisplayAhead

__all__ = [
    "PROGRESS_FIGURE_SUFFIX",
    "build_figure",
    "build_map",
    "check_figures_of",
    "check_outputs_of",
    "export_layer",
    "figure_paths",
    "map_ahead",
    "output_paths",
    "page_imported",
    "progress_figure_path",
    "scored_layer",
    "write_figures",
    "write_outputs",
    "write_progress_figure",
    "written_files",
]

Record = Mapping[str, Any]
#: The progress small multiples: ``NAME_kemajuan.png``.
PROGRESS_FIGURE_SUFFIX = "_kemajuan.png"


def _record(analysis: Analysis, record: Record | None) -> Record:
    return record if record is not None else metadata.run_record(analysis)


def render_map(*args: Any, **kwargs: Any) -> folium.Map:
    """Call :func:`geo_priority.render.build_map`, importing it (and folium) now.

    A run imports the map renderer (folium, branca, jinja2: ~0.2 s) only
    when it writes a map.
    """
    from geo_priority.render import build_map as build

    return build(*args, **kwargs)


def build_map(
    analysis: Analysis,
    record: Record | None = None,
    *,
    display: DisplayAhead | None = None,
) -> folium.Map:
    """Return the offline interactive map of ``analysis``.

    Parameters
    ----------
    analysis : Analysis
    record : Mapping, optional
        Its run record (:func:`geo_priority.metadata.run_record`); made when
        not given.
    display : DisplayAhead, optional
        The display geometry of the analysis's areas and levels computed
        ahead, in a thread (:mod:`geo_priority.render.ahead`); used only for
        exactly those areas.

    Returns
    -------
    folium.Map
        Save it with ``m.save(path)`` or write ``m.get_root().render()``.
    """
    from geo_priority.render.texts import level_label, map_texts

    record = _record(analysis, record)
    outputs = analysis.config.outputs
    return render_map(
        analysis.areas,
        analysis.classification,
        indicators=analysis.indicators,
        texts=marked(map_texts(analysis, record), outputs),
        lang=outputs.lang,
        basemap=outputs.basemap,
        basemap_attribution=outputs.basemap_attribution,
        threshold=outputs.suppression_threshold,
        context=analysis.context,
        label=level_label(analysis),
        levels=[_map_level(lv, record) for lv in analysis.levels],
        display=display,
    )


def map_ahead(analysis: Analysis, display: DisplayAhead) -> None:
    """Make the map's area data of ``analysis`` now, kept with ``display``.

    Every view's layers and area data (:func:`geo_priority.render.spec.views_ahead`),
    made while ``display`` draws (the coarser levels may have no polygons
    yet); :func:`build_map` uses them only for exactly the same views. An
    error is not raised here: nothing is kept, and the map makes the views
    itself, raising it there.
    """
    from geo_priority.render import MapLevel
    from geo_priority.render.spec import views_ahead
    from geo_priority.render.texts import level_label

    outputs = analysis.config.outputs
    try:
        made = views_ahead(
            analysis.areas,
            analysis.classification,
            indicators=analysis.indicators,
            lang=outputs.lang,
            label=level_label(analysis),
            levels=[
                MapLevel(level_label(lv), lv.areas, lv.classification, lv.indicators)
                for lv in analysis.levels
            ],
            threshold=outputs.suppression_threshold,
        )
    except Exception:  # made again, and raised, by the map
        return
    display.keep(made)
    page_imported()


def page_imported() -> None:
    """Import the page's libraries (folium, branca, jinja2) now, while a thread works.

    About 0.2 s that the map would otherwise spend later, while the thread
    that reads the boundaries or draws the map works. A library that fails
    to import fails the map as before, where it is built (:func:`build_map`).
    """
    try:
        import_module("geo_priority.render.page")
    except ImportError:
        return


def _map_level(level: Analysis, record: Record) -> MapLevel:
    """Return one coarser level for the map's switch, with its own title."""
    from geo_priority.render import MapLevel
    from geo_priority.render.texts import level_label, map_texts

    texts = map_texts(level, record)
    return MapLevel(
        level_label(level),
        level.areas,
        level.classification,
        level.indicators,
        title=texts.title,
        subtitle=texts.subtitle,
    )


def build_figure(
    analysis: Analysis, record: Record | None = None, *, size: str = "slide"
) -> Figure:
    """Return the print-ready static map of ``analysis`` (slide or A4 page).

    Same classes, labels, colours and counts as the HTML map; the source note
    cites the data sources and the boundary source (none for a schematic map).
    Areas left without a score by a suppressed scored input are hatched, as
    "disembunyikan (< outputs.suppression_threshold)".
    """
    from geo_priority.render.figure import build_figure as render_figure
    from geo_priority.render.figure import scored_suppression
    from geo_priority.render.i18n import text
    from geo_priority.render.texts import boundary_credit, figure_texts

    cfg, lang = analysis.config, analysis.config.outputs.lang
    return render_figure(
        analysis.areas,
        analysis.classification,
        texts=marked(figure_texts(analysis, _record(analysis, record)), cfg.outputs),
        size=size,
        lang=lang,
        attribution="" if analysis.schematic else boundary_credit(cfg),
        schematic=analysis.schematic,
        watermark=text("synthetic_mark", lang) if cfg.synthetic else "",
        suppressed=scored_suppression(analysis.areas, analysis.indicators),
        suppression_threshold=cfg.outputs.suppression_threshold,
    )


def scored_layer(analysis: Analysis, record: Record | None = None) -> ScoredLayer:
    """Return the scored layer of ``analysis``, ready for the GIS exports."""
    from geo_priority.export import from_analysis

    record = _record(analysis, record)
    return from_analysis(analysis, record, ranked_table(analysis))


def export_layer(
    analysis: Analysis,
    folder: str | os.PathLike[str],
    /,
    *,
    formats: Iterable[str] | None = None,
    overwrite: bool = False,
) -> dict[str, list[Path]]:
    """Write the scored layer of ``analysis`` in GIS formats into ``folder``.

    See :func:`geo_priority.export.export_layer` for the formats and checks.
    """
    from geo_priority import export

    return export.export_layer(
        scored_layer(analysis), folder, formats=formats, overwrite=overwrite
    )


# --- files of a run --------------------------------------------------------------


def output_paths(config: Config) -> dict[FormatName, Path]:
    """Return the main file of every output the config asks for, by format."""
    folder = config.resolve(config.outputs.dir)
    return {
        fmt: folder / f"{config.outputs.name}{OUTPUT_FORMATS[fmt].suffixes[0]}"
        for fmt in config.outputs.formats
    }


def figure_paths(config: Config, *, size: str = "slide") -> dict[FormatName, Path]:
    """Return the PNG and PDF paths of the figure of ``size`` (A4 adds ``_a4``)."""
    from geo_priority.render.figure import normalise_size

    folder = config.resolve(config.outputs.dir)
    size = normalise_size(size)
    tag = "" if size == "slide" else f"_{size}"
    return {
        fmt: folder / f"{config.outputs.name}{tag}{OUTPUT_FORMATS[fmt].suffixes[0]}"
        for fmt in FIGURE_FORMATS
    }


_Write = Callable[[Analysis, Record, FormatName, Path], None]


def _write_map(
    analysis: Analysis,
    record: Record,
    fmt: FormatName,
    path: Path,
    display: DisplayAhead | None = None,
) -> None:
    html = build_map(analysis, record, display=display).get_root().render()
    io.write_text(html, path, overwrite=False)


def _write_table(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path
) -> None:
    if fmt != "csv":
        io.write_csv(analysis.report.entries, path, overwrite=False)
        return
    from geo_priority.export.tables import write_ranked_csv

    lang = analysis.config.outputs.lang
    for each, where in (
        (analysis, path),
        *((level, level_path(path, fmt, level.level)) for level in analysis.levels),
    ):
        write_ranked_csv(ranked_table(each), each.indicators, where, lang=lang)


def _write_record(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path
) -> None:
    io.write_json(dict(record), path, overwrite=False)


def _write_figure(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path
) -> None:
    from geo_priority.render.figure import write_figure

    write_figure(build_figure(analysis, record), path, overwrite=False)


def _write_export(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path
) -> None:
    from geo_priority.export import write_format

    write_format(fmt, path, scored_layer(analysis, record), overwrite=False)


_WRITERS: dict[str, _Write] = {
    "map": _write_map,
    "table": _write_table,
    "record": _write_record,
    "figure": _write_figure,
    "export": _write_export,
}


#: Formats written once more for every coarser level of ``outputs.map_levels``
#: (as ``NAME_<level>...``); the GeoPackage holds every level as a layer.
LEVEL_FORMATS: frozenset[str] = frozenset(
    {"csv", *(f for f in EXPORT_FORMATS if f != "gpkg")}
)


def level_path(path: Path, fmt: FormatName, level: str) -> Path:
    """Return the file of ``level`` that goes with the main file ``path`` of ``fmt``.

    Examples
    --------
    >>> level_path(Path("maps/banten_desa_peringkat.csv"), "csv", "kabkota")
    PosixPath('maps/banten_desa_kabkota_peringkat.csv')
    """
    suffix = OUTPUT_FORMATS[fmt].suffixes[0]
    return path.with_name(f"{path.name.removesuffix(suffix)}_{level}{suffix}")


def planned_files(config: Config) -> dict[FormatName, list[Path]]:
    """Return every file each format of ``outputs.formats`` writes (main first).

    A format of :data:`LEVEL_FORMATS` also writes one set of files for each
    level of ``outputs.map_levels``, named ``NAME_<level>...``.
    """
    folder = config.resolve(config.outputs.dir)
    name = config.outputs.name
    per_level = [name, *(f"{name}_{lv}" for lv in config.outputs.map_levels)]
    planned: dict[FormatName, list[Path]] = {}
    for fmt in config.outputs.formats:
        names = per_level if fmt in LEVEL_FORMATS else [name]
        planned[fmt] = [
            folder / f"{name}{suffix}"
            for name in names
            for suffix in OUTPUT_FORMATS[fmt].suffixes
        ]
    return planned


def written_files(config: Config) -> tuple[Path, ...]:
    """Return every file a run of ``config`` writes, companions included."""
    files = [p for files in planned_files(config).values() for p in files]
    progress = progress_figure_path(config)
    return tuple(files if progress is None else [*files, progress])


def progress_figure_path(config: Config) -> Path | None:
    """Return the progress figure ``NAME_kemajuan.png``, or None without progress.

    Progress is measured with ``[progress]`` or when the kemiskinan-ekstrem
    preset switches it on by itself.
    """
    if not progress_planned(config):
        return None
    folder = config.resolve(config.outputs.dir)
    return folder / f"{config.outputs.name}{PROGRESS_FIGURE_SUFFIX}"


def write_progress_figure(analysis: Analysis, path: str | os.PathLike[str]) -> Path:
    """Write the small multiples of the series furthest from the target (PNG).

    Parameters
    ----------
    analysis : Analysis
        With progress measured (``[progress]``).
    path : path-like
        A ``.png`` file that does not exist.

    Returns
    -------
    Path

    Raises
    ------
    ConfigError
        When the analysis has no progress to draw.
    """
    progress = analysis.progress
    if progress is None:
        raise ConfigError(
            tr(
                "no progress to draw: set progress.indicator (and progress.target_id "
                "or the target) in the config."
            )
        )
    from geo_priority.progress_figure import progress_figure
    from geo_priority.render.figure import write_figure

    config = analysis.config
    figure = progress_figure(
        progress.series,
        progress.result,
        config.progress.top_n,
        config.outputs.lang,
    )
    return write_figure(figure, path, overwrite=False, dpi=150)


def _previous_set(config: Config) -> list[str]:
    """Return the files of the previous run of this name (from its run record)."""
    folder = config.resolve(config.outputs.dir)
    suffix = OUTPUT_FORMATS["json"].suffixes[0]
    return outputset.recorded_files(folder / f"{config.outputs.name}{suffix}")


def _planned(config: Config) -> list[str]:
    return [p.name for p in written_files(config)]


def check_outputs_of(config: Config) -> None:
    """Fail before any work when an output exists and overwrite is off."""
    outputset.check_set(
        config.resolve(config.outputs.dir),
        config.outputs.name,
        _planned(config),
        previous=_previous_set(config),
        overwrite=config.outputs.overwrite,
    )


def _figure_set(config: Config, size: str) -> tuple[Path, str, list[str]]:
    """Return the folder, set name and file names of the figure of ``size``."""
    from geo_priority.render.figure import normalise_size

    paths = figure_paths(config, size=size)
    name = f"{config.outputs.name}.figure-{normalise_size(size)}"
    return config.resolve(config.outputs.dir), name, [p.name for p in paths.values()]


def check_figures_of(config: Config, *, size: str = "slide") -> None:
    """Fail before any work when a figure file exists and overwrite is off."""
    folder, name, planned = _figure_set(config, size)
    outputset.check_set(folder, name, planned, overwrite=config.outputs.overwrite)


def write_figures(
    analysis: Analysis, *, size: str = "slide", overwrite: bool = False
) -> dict[FormatName, Path]:
    """Write the static figure of ``size`` as PNG and PDF, as one set.

    Returns
    -------
    dict of str to Path
        ``{"png": ..., "pdf": ...}``.
    """
    paths = figure_paths(analysis.config, size=size)
    folder, name, planned = _figure_set(analysis.config, size)
    from geo_priority.render.figure import write_figure

    figure = build_figure(analysis, size=size)
    with outputset.staged_outputs(folder, name, planned, overwrite=overwrite) as staged:
        for path in paths.values():
            write_figure(figure, staged.path(path), overwrite=False)
    return paths


def _write_one(
    analysis: Analysis,
    record: Record,
    fmt: FormatName,
    path: Path,
    display: DisplayAhead | None = None,
) -> None:
    name = OUTPUT_FORMATS[fmt].writer
    writer = _WRITERS.get(name)
    if writer is None:  # pragma: no cover - the registry and _WRITERS agree
        raise ConfigError(tr("no writer for outputs.formats = {fmt!r}.", fmt=fmt))
    if name == "map":  # the one writer that takes the geometry computed ahead
        _write_map(analysis, record, fmt, path, display)
    else:
        writer(analysis, record, fmt, path)


def write_outputs(
    analysis: Analysis,
    *,
    overwrite: bool = False,
    display: DisplayAhead | None = None,
) -> dict[FormatName, Path]:
    """Write every output ``outputs.formats`` asks for, as one complete set.

    The files are written into a private staging folder and moved into place
    only when all of them are complete; then the previous set of the same
    ``outputs.name`` is removed. A failure, a full disk or an interruption
    leaves the previous set as it was (see :mod:`geo_priority.io.outputset`).
    The run record (``json``) is written last and lists every other file with
    its sha256.

    Parameters
    ----------
    analysis : Analysis
    overwrite : bool, default False
        Replace the previous set; without it an existing output stops the run
        before anything is written.
    display : DisplayAhead, optional
        The map's display geometry computed ahead, in a thread
        (:mod:`geo_priority.render.ahead`); see :func:`build_map`.

    Returns
    -------
    dict of str to Path
        The main file of each format, by format name.

    Raises
    ------
    OutputExistsError
        When an output exists and ``overwrite`` is False.
    DiskFullError
        When the disk filled up (nothing was changed).
    """
    config = analysis.config
    paths = output_paths(config)
    folder = config.resolve(config.outputs.dir)
    record = dict(metadata.run_record(analysis))
    with outputset.staged_outputs(
        folder,
        config.outputs.name,
        _planned(config),
        previous=_previous_set(config),
        overwrite=overwrite,
    ) as staged:
        for fmt, path in paths.items():
            if fmt != "json":
                _write_one(analysis, record, fmt, staged.path(path), display)
        progress = progress_figure_path(config)
        if progress is not None and analysis.progress is not None:
            write_progress_figure(analysis, staged.path(progress))
        if "json" in paths:
            record["files"] = staged.written()
            _write_one(analysis, record, "json", staged.path(paths["json"]))
    return paths
