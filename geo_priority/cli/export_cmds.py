"""``export`` and ``zonal``: GIS layers, styles, rasters and raster statistics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_priority.cli.localised import LocalisedCommand
from geo_priority.cli.options import (
    EXISTING_FILE,
    FILE,
    export_formats_opt,
    lang_opt,
    messages_lang_opt,
    messages_texts,
    mirror_opt,
    name_opt,
    out_opt,
    out_text,
    overwrite_opt,
    shared_texts,
)
from geo_priority.messages import tr

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_priority.config import CodeSystemChoice, Lang
    from geo_priority.export import ScoredLayer
    from geo_priority.export.styles import SldVersion


def _scored_from_config(
    config_path: Path, mirror: Path | None, lang: Lang | None
) -> ScoredLayer:
    from geo_priority import outputs, pipeline
    from geo_priority.config import load_config, with_boundaries, with_outputs
    from geo_priority.messages import set_language

    config = with_outputs(load_config(config_path), lang=lang)
    # a GIS export needs the exact shapes of the coarser levels, which a run
    # whose outputs.formats only show them on screen does not make
    formats = (*config.outputs.formats, "gpkg")
    config = with_outputs(config, formats=tuple(dict.fromkeys(formats)))
    set_language(config.outputs.lang)
    if mirror is not None and config.boundaries.source:
        config = with_boundaries(config, mirror=str(mirror))
    return outputs.scored_layer(pipeline.analyse(config))


def _export_texts() -> dict[str, str]:
    """Return the help of ``export`` in the active language."""
    return {
        **shared_texts(),
        "short_help": tr("Write GIS layers, styles, tables, rasters."),
        "help": tr(
            "Export a scored layer to GIS formats with QGIS and SLD styles.\n\n"
            "SCORED_GPKG_OR_CONFIG is the GeoPackage that 'run' or 'demo' wrote "
            "(its classes, labels and metadata are stored in it) or a TOML run "
            "config, which is analysed first. Writes GeoPackage (styled in QGIS), "
            "zipped Shapefile, GeoJSON, FlatGeobuf, CSV/XLSX tables, .qml/.sld "
            "styles, priority Cloud-Optimised GeoTIFFs and Satu Data metadata, and "
            "prints each path.\n\n"
            "\b\nExample:\n"
            "  geo-priority export maps/demo_banten_kabkota.gpkg -o gis/ \\\n"
            "      --dst-crs EPSG:23834 --raster-resolution 100"
        ),
        "out": out_text(tr("Output folder (created if missing).")),
        "formats": tr("Format to write; repeat for several (default: all)."),
        "dst_crs": tr(
            "Reproject layers, e.g. EPSG:23834 (TM-3 48.2) or EPSG:32748 (UTM 48S)."
        ),
        "raster_resolution": tr(
            "Pixel size of the priority rasters (default: the config's, else 100)."
        ),
        "sld_version": tr("SLD version of the GeoServer style."),
        "name": tr("Base name of the files (default: layer)."),
    }


@click.command("export", cls=LocalisedCommand, texts=_export_texts)
@click.argument(
    "source",
    metavar="SCORED_GPKG_OR_CONFIG",
    type=EXISTING_FILE,
)
@out_opt(required=True)
@export_formats_opt
@click.option(
    "--dst-crs",
    metavar="CRS",
    default=None,
)
@click.option(
    "--raster-resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="METRES",
)
@click.option(
    "--sld-version",
    type=click.Choice(["1.0.0", "1.1.0"]),
    default="1.0.0",
)
@name_opt(default=None)
@lang_opt
@overwrite_opt
@mirror_opt
def export_cmd(
    source: Path,
    out: Path,
    formats: tuple[str, ...],
    dst_crs: str | None,
    raster_resolution: float | None,
    sld_version: SldVersion,
    name: str | None,
    lang: Lang | None,
    overwrite: bool,
    mirror: Path | None,
) -> None:
    """Export a scored layer to GIS formats (see --help)."""
    from dataclasses import replace

    from geo_priority import export

    if source.suffix.lower() == ".toml":
        layer = _scored_from_config(source, mirror, lang)
    else:
        layer = export.read_scored(source)
    layer = replace(
        layer,
        dst_crs=dst_crs or layer.dst_crs,
        raster_resolution=raster_resolution or layer.raster_resolution,
        sld_version=sld_version,
        name=name or layer.name,
    )
    written = export.export_layer(
        layer, out, formats=formats or None, overwrite=overwrite
    )
    for paths in written.values():
        for path in paths:
            click.echo(str(path))


def _areas(
    source: Path,
    code_column: str | None,
    name_column: str | None,
    code_system: CodeSystemChoice,
    layer: str | None,
) -> gpd.GeoDataFrame:
    from geo_priority import harmonise, io, pipeline
    from geo_priority.config import load_config

    if source.suffix.lower() == ".toml":
        return pipeline.load_areas(load_config(source))[0]
    if not code_column:
        raise click.BadParameter(
            tr("give the column holding the area codes of a boundary file."),
            param_hint="--code-column",
        )
    frame = io.read_boundaries(source, layer=layer)
    return harmonise.prepare_boundaries(
        frame, code_column=code_column, name_column=name_column, code_system=code_system
    )


def _zonal_texts() -> dict[str, str]:
    """Return the help of ``zonal`` in the active language."""
    return {
        **messages_texts(),
        "short_help": tr("Per-area statistics of a raster (indicator table)."),
        "help": tr(
            "Summarise RASTER per area of AREAS into an indicator table (CSV).\n\n"
            "AREAS is a run config (its boundaries are used) or a boundary file "
            "with --code-column. Pixels count with the fraction an area covers "
            "(exactextract); nodata is left out; areas are reprojected to the "
            "raster's CRS. Use the CSV as a [[tables]] entry with code_column = "
            '"area_id".\n\n'
            "\b\nExample:\n"
            "  geo-priority zonal banten.toml worldpop_100m.tif -o populasi.csv \\\n"
            "      --stat sum --prefix population"
        ),
        "output": tr("CSV table to write (area_id, area_name, <prefix>_<stat>...)."),
        "stats": tr(
            "sum, mean, count, min, max, median, stdev, majority or p1..p99; repeat."
        ),
        "prefix": tr("Column prefix (default: raster name)."),
        "band": tr("Raster band."),
        "code_column": tr("Code column of a boundary file."),
        "name_column": tr("Name column of a boundary file."),
        "code_system": tr("Code system of a boundary file."),
        "layer": tr("Layer of a multi-layer boundary file."),
    }


@click.command("zonal", cls=LocalisedCommand, texts=_zonal_texts)
@click.argument(
    "areas_source",
    metavar="AREAS",
    type=EXISTING_FILE,
)
@click.argument("raster", type=EXISTING_FILE)
@click.option(
    "-o",
    "--output",
    type=FILE,
    required=True,
)
@click.option(
    "-s",
    "--stat",
    "stats",
    multiple=True,
    default=("sum", "mean"),
)
@click.option("--prefix", default=None)
@click.option("--band", type=click.IntRange(min=1), default=1)
@click.option("--code-column", default=None)
@click.option("--name-column", default=None)
@click.option(
    "--code-system",
    type=click.Choice(["auto", "kemendagri", "bps"]),
    default="auto",
)
@click.option("--layer", default=None)
@overwrite_opt
@messages_lang_opt
def zonal_cmd(
    areas_source: Path,
    raster: Path,
    output: Path,
    stats: tuple[str, ...],
    prefix: str | None,
    band: int,
    code_column: str | None,
    name_column: str | None,
    code_system: CodeSystemChoice,
    layer: str | None,
    overwrite: bool,
) -> None:
    """Summarise RASTER per area of AREAS into a CSV table (see --help)."""
    from geo_priority import io
    from geo_priority.zonal import zonal_statistics

    io.check_outputs([output], overwrite=overwrite)
    areas = _areas(areas_source, code_column, name_column, code_system, layer)
    table = zonal_statistics(areas, raster, stats=stats, prefix=prefix, band=band)
    click.echo(str(io.write_csv(table, output, overwrite=overwrite)))
