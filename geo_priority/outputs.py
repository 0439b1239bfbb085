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
from pathlib import Path
from typing import Any

import folium
from matplotlib.figure import Figure

from geo_priority import export, io, metadata
from geo_priority.analysis import Analysis, ranked_table
from geo_priority.config import Config
from geo_priority.errors import ConfigError
from geo_priority.formats import FIGURE_FORMATS, OUTPUT_FORMATS, FormatName
from geo_priority.render import MapLevel
from geo_priority.render import build_map as render_map
from geo_priority.render.figure import build_figure as render_figure
from geo_priority.render.figure import normalise_size, write_figure
from geo_priority.render.i18n import text
from geo_priority.render.texts import (
    boundary_credit,
    figure_texts,
    level_label,
    map_texts,
)

__all__ = [
    "build_figure",
    "build_map",
    "export_layer",
    "figure_paths",
    "output_paths",
    "scored_layer",
    "write_outputs",
]

Record = Mapping[str, Any]


def _record(analysis: Analysis, record: Record | None) -> Record:
    return record if record is not None else metadata.run_record(analysis)


def build_map(analysis: Analysis, record: Record | None = None) -> folium.Map:
    """Return the offline interactive map of ``analysis``.

    Parameters
    ----------
    analysis : Analysis
    record : Mapping, optional
        Its run record (:func:`geo_priority.metadata.run_record`); made when
        not given.

    Returns
    -------
    folium.Map
        Save it with ``m.save(path)`` or write ``m.get_root().render()``.
    """
    record = _record(analysis, record)
    outputs = analysis.config.outputs
    return render_map(
        analysis.areas,
        analysis.classification,
        indicators=analysis.indicators,
        texts=map_texts(analysis, record),
        lang=outputs.lang,
        basemap=outputs.basemap,
        basemap_attribution=outputs.basemap_attribution,
        threshold=outputs.suppression_threshold,
        context=analysis.context,
        label=level_label(analysis),
        levels=[
            MapLevel(level_label(lv), lv.areas, lv.classification, lv.indicators)
            for lv in analysis.levels
        ],
    )


def build_figure(
    analysis: Analysis, record: Record | None = None, *, size: str = "slide"
) -> Figure:
    """Return the print-ready static map of ``analysis`` (slide or A4 page).

    Same classes, labels, colours and counts as the HTML map; the source note
    cites the data sources and the boundary source (none for a schematic map).
    """
    cfg, lang = analysis.config, analysis.config.outputs.lang
    return render_figure(
        analysis.areas,
        analysis.classification,
        texts=figure_texts(analysis, _record(analysis, record)),
        size=size,
        lang=lang,
        attribution="" if analysis.schematic else boundary_credit(cfg),
        schematic=analysis.schematic,
        watermark=text("synthetic_mark", lang) if cfg.synthetic else "",
    )


def scored_layer(
    analysis: Analysis, record: Record | None = None
) -> export.ScoredLayer:
    """Return the scored layer of ``analysis``, ready for the GIS exports."""
    record = _record(analysis, record)
    return export.from_analysis(analysis, record, ranked_table(analysis))


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
    folder = config.resolve(config.outputs.dir)
    size = normalise_size(size)
    tag = "" if size == "slide" else f"_{size}"
    return {
        fmt: folder / f"{config.outputs.name}{tag}{OUTPUT_FORMATS[fmt].suffixes[0]}"
        for fmt in FIGURE_FORMATS
    }


_Write = Callable[[Analysis, Record, FormatName, Path, bool], None]


def _write_map(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path, overwrite: bool
) -> None:
    html = build_map(analysis, record).get_root().render()
    io.write_text(html, path, overwrite=overwrite)


def _write_table(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path, overwrite: bool
) -> None:
    table = ranked_table(analysis) if fmt == "csv" else analysis.report.entries
    io.write_csv(table, path, overwrite=overwrite)


def _write_record(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path, overwrite: bool
) -> None:
    io.write_json(dict(record), path, overwrite=overwrite)


def _write_figure(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path, overwrite: bool
) -> None:
    write_figure(build_figure(analysis, record), path, overwrite=overwrite)


def _write_export(
    analysis: Analysis, record: Record, fmt: FormatName, path: Path, overwrite: bool
) -> None:
    export.write_format(fmt, path, scored_layer(analysis, record), overwrite=overwrite)


_WRITERS: dict[str, _Write] = {
    "map": _write_map,
    "table": _write_table,
    "record": _write_record,
    "figure": _write_figure,
    "export": _write_export,
}


def write_outputs(
    analysis: Analysis, *, overwrite: bool = False
) -> dict[FormatName, Path]:
    """Write every output ``outputs.formats`` asks for; each file atomically.

    Parameters
    ----------
    analysis : Analysis
    overwrite : bool, default False
        Replace existing files; without it an existing output stops the run
        before anything is written.

    Returns
    -------
    dict of str to Path
        The main file of each format, by format name.

    Raises
    ------
    OutputExistsError
        When an output exists and ``overwrite`` is False.
    """
    paths = output_paths(analysis.config)
    io.check_outputs(paths.values(), overwrite=overwrite)
    record = metadata.run_record(analysis)
    for fmt, path in paths.items():
        writer = _WRITERS.get(OUTPUT_FORMATS[fmt].writer)
        if writer is None:  # pragma: no cover - the registry and _WRITERS agree
            raise ConfigError(f"no writer for outputs.formats = {fmt!r}.")
        writer(analysis, record, fmt, path, overwrite)
    return paths
