"""The one registry of output formats: name, files written, and who writes them.

Config validation (``outputs.formats``), the pipeline's writer dispatch, the
GIS exports and the CLI's ``--format`` choices all read :data:`OUTPUT_FORMATS`,
so a format is added in one place. The writer functions themselves live with
their stage (the map in :mod:`geo_priority.render`, GIS layers in
:mod:`geo_priority.export`, tables and the run record in
:mod:`geo_priority.pipeline`); :data:`OutputFormat.writer` names which one.

Examples
--------
>>> OUTPUT_FORMATS["shp"].suffixes
('_shp.shp.zip', '_shp.qml')
>>> [f.name for f in formats_written_by("figure")]
['png', 'pdf']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

#: Every format name ``outputs.formats`` accepts.
FormatName = Literal[
    "html",
    "gpkg",
    "csv",
    "report",
    "json",
    "png",
    "pdf",
    "shp",
    "geojson",
    "fgb",
    "table",
    "xlsx",
    "styles",
    "raster",
    "metadata",
]

#: Which stage writes a format: the interactive map, the pipeline's own tables
#: and run record, the static figure, or a GIS export of the scored layer.
Writer = Literal["map", "table", "record", "figure", "export"]


@dataclass(frozen=True)
class OutputFormat:
    """One output format.

    Attributes
    ----------
    name : str
        The name used in ``outputs.formats`` and ``--format``.
    suffixes : tuple of str
        Appended to the output name; the first is the main file, the others
        are written next to it.
    writer : {"map", "table", "record", "figure", "export"}
        The stage that writes it.
    """

    name: FormatName
    suffixes: tuple[str, ...]
    writer: Writer


_ALL = (
    OutputFormat("html", (".html",), "map"),
    OutputFormat("gpkg", (".gpkg",), "export"),
    OutputFormat("csv", ("_peringkat.csv",), "table"),
    OutputFormat("report", ("_laporan_join.csv",), "table"),
    OutputFormat("json", ("_run.json",), "record"),
    # static figures (geo_priority.render.figure): 16:9 slide PNG and PDF
    OutputFormat("png", (".png",), "figure"),
    OutputFormat("pdf", (".pdf",), "figure"),
    # GIS exports (geo_priority.export): layers, styles, tables, rasters, metadata
    OutputFormat("shp", ("_shp.shp.zip", "_shp.qml"), "export"),
    OutputFormat("geojson", (".geojson",), "export"),
    OutputFormat("fgb", (".fgb",), "export"),
    OutputFormat("table", ("_tabel.csv",), "export"),
    OutputFormat("xlsx", ("_tabel.xlsx",), "export"),
    OutputFormat("styles", (".qml", ".sld"), "export"),
    OutputFormat("raster", ("_kelas.tif", "_skor.tif"), "export"),
    OutputFormat("metadata", ("_metadata.json", "_metadata.xml"), "export"),
)

#: Every output format by name, in the order a run writes them.
OUTPUT_FORMATS: dict[FormatName, OutputFormat] = {f.name: f for f in _ALL}

#: The formats a run writes when the config names none.
DEFAULT_FORMATS: tuple[FormatName, ...] = ("html", "gpkg", "csv", "report", "json")

assert set(OUTPUT_FORMATS) == set(get_args(FormatName)), "FormatName out of date"


def formats_written_by(writer: Writer) -> tuple[OutputFormat, ...]:
    """Return the formats that ``writer`` writes, in registry order."""
    return tuple(f for f in _ALL if f.writer == writer)


#: The formats ``geo-priority export`` writes from a scored layer.
EXPORT_FORMATS: tuple[FormatName, ...] = tuple(
    f.name for f in formats_written_by("export")
)

#: The formats of the static figure.
FIGURE_FORMATS: tuple[FormatName, ...] = tuple(
    f.name for f in formats_written_by("figure")
)
