"""Write a scored layer in GIS formats: layers, styles, tables, rasters, metadata.

Each format of :data:`FORMATS` has one writer; :func:`export_layer` checks
everything before the first file is written and removes the files it made if
a format fails. The files themselves are written through :mod:`geo_priority.io`.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from geo_priority import metadata as md
from geo_priority.errors import ConfigError, CRSError, GeoPriorityWarning
from geo_priority.export import layers, styles, tables
from geo_priority.export.scored import ScoredLayer
from geo_priority.formats import EXPORT_FORMATS, OUTPUT_FORMATS
from geo_priority.io import (
    check_outputs,
    removed_on_failure,
    write_text,
)
from geo_priority.io.layers import GpkgLayer, write_geopackage_layers
from geo_priority.messages import tr
from geo_priority.render import NO_DATA_COLOUR
from geo_priority.schema import CLASS, ID, NAME, SCORE

#: Suffixes of the files each format writes (the first is the main file), from
#: the one registry of output formats (:mod:`geo_priority.formats`).
FORMATS: dict[str, tuple[str, ...]] = {
    name: OUTPUT_FORMATS[name].suffixes for name in EXPORT_FORMATS
}


# --- reprojection ----------------------------------------------------------------


def _parse_crs(dst_crs: str) -> CRS:
    try:
        return CRS.from_user_input(dst_crs)
    except ProjCRSError as err:
        raise CRSError(
            tr(
                "outputs.dst_crs = {crs!r} is not a CRS PROJ knows. Use an EPSG "
                "code such as 'EPSG:23834' (DGN95 / Indonesia TM-3 zone 48.2, for "
                "Banten) or 'EPSG:32748' (WGS 84 / UTM zone 48S). CLI: --dst-crs.",
                crs=str(dst_crs)[:50],
            )
        ) from err


def _check_area_of_use(crs: CRS, areas: gpd.GeoDataFrame) -> None:
    """Warn when the layer lies (partly) outside the CRS's area of use."""
    use = crs.area_of_use
    if use is None or areas.crs is None:
        return
    minx, miny, maxx, maxy = areas.to_crs(4326).total_bounds
    slack = 0.5  # degrees: layers reaching a little over a zone edge are fine
    inside = (
        minx >= use.west - slack
        and maxx <= use.east + slack
        and miny >= use.south - slack
        and maxy <= use.north + slack
    )
    if inside:
        return
    warnings.warn(
        tr(
            "the layer ({layer_box}) lies outside the area of use of {crs} "
            "({name}: {use_box}); distances and areas will be distorted. For "
            "Banten use EPSG:23834 (TM-3 zone 48.2) or EPSG:32748 (UTM 48S) "
            "(outputs.dst_crs, --dst-crs).",
            layer_box=f"{minx:.2f}..{maxx:.2f}°E, {miny:.2f}..{maxy:.2f}°N",
            crs=crs.to_string(),
            name=crs.name,
            use_box=f"{use.west:.2f}..{use.east:.2f}°E, "
            f"{use.south:.2f}..{use.north:.2f}°N",
        ),
        GeoPriorityWarning,
        stacklevel=4,
    )


def _reproject(layer: ScoredLayer) -> ScoredLayer:
    """Return ``layer`` in its ``dst_crs`` (metadata updated); same if unset."""
    if not layer.dst_crs:
        return layer
    crs = _parse_crs(layer.dst_crs)
    _check_area_of_use(crs, layer.areas)
    areas = layer.areas.to_crs(crs)
    areas.attrs.update(layer.areas.attrs)
    meta = {**layer.metadata, "layer": md.layer_facts(areas, layer.name)}
    levels = tuple(
        _reproject(replace(lv, dst_crs=layer.dst_crs)) for lv in layer.levels
    )
    return replace(layer, areas=areas, metadata=meta, dst_crs=None, levels=levels)


# --- the GIS layer: no repeated boundary keys ---------------------------------------

#: Formats written from the GIS layer (without the boundary key columns); the
#: tables keep the scored layer as it is.
_GIS_FORMATS = frozenset({"gpkg", "shp", "geojson", "fgb", "styles", "metadata"})


def _repeated_keys(layer: ScoredLayer) -> dict[str, str]:
    """Return canonical column -> boundary column repeating it in ``layer``."""
    areas = layer.areas
    keep = {ID, NAME, areas.geometry.name}
    return {
        key: col
        for key, col in layer.key_sources.items()
        if col in areas.columns and col not in keep and key in areas.columns
    }


def _key_note(repeated: Mapping[str, str], lang: str) -> dict[str, Any]:
    made = ", ".join(f"{k} <- {v}" for k, v in repeated.items())
    note = (
        f"Made from the boundary columns ({made}), which are left out so they "
        "are not repeated; every other boundary attribute is kept."
        if lang == "en"
        else f"Dibuat dari kolom batas wilayah ({made}); kolom itu tidak diulang "
        "di layer ini, atribut batas wilayah lainnya tetap ada."
    )
    return {
        "made_from": dict(repeated),
        "left_out": list(repeated.values()),
        "note": note,
    }


def gis_layer(layer: ScoredLayer) -> ScoredLayer:
    """Return ``layer`` without the boundary columns its keys were made from.

    ``area_id`` and ``area_name`` are made from the boundary file's own code
    and name columns (:attr:`ScoredLayer.key_sources`, e.g. ``kode`` and
    ``nama``); the GIS layers leave those out instead of repeating them, keep
    every other boundary attribute, and say so in the metadata
    (``key_columns``). The ranked table is kept as it was.

    Parameters
    ----------
    layer : ScoredLayer

    Returns
    -------
    ScoredLayer
        ``layer`` itself when no boundary key column is present.
    """
    repeated = _repeated_keys(layer)
    if not repeated:
        return layer
    areas = layer.areas.drop(columns=list(repeated.values()))
    areas.attrs.update(layer.areas.attrs)
    meta = {**layer.metadata, "key_columns": _key_note(repeated, layer.lang)}
    return replace(layer, areas=areas, ranked=layer.ranked_table(), metadata=meta)


def _gpkg_layer(layer: ScoredLayer) -> GpkgLayer:
    style = layer.class_style()
    return GpkgLayer(
        layer.name,
        layer.areas,
        styles.qml_style(style),
        styles.sld_style(style, layer=layer.name, version=layer.sld_version),
        md.to_iso19139(layer.metadata),
        layer.metadata,
    )


# --- writers -----------------------------------------------------------------------


def _write_gpkg(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    extra = {layers.RANKED_TABLE: layer.ranked_table()}
    if layer.join_report is not None:
        extra[layers.REPORT_TABLE] = layer.join_report
    every = [_gpkg_layer(layer), *(_gpkg_layer(lv) for lv in layer.levels)]
    write_geopackage_layers(files[0], every, tables=extra, overwrite=overwrite)


def _field_map_csv(renames: Mapping[str, str]) -> str:
    rows = ["field_shp,field_full"] + [f"{v},{k}" for k, v in renames.items()]
    return "\r\n".join(rows) + "\r\n"


def _write_shp(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    """Zip ``<name>_shp.shp`` with its style, field map and metadata.

    GDAL (``ogrinfo``, pyogrio) and QGIS read ``.shp.zip`` without unzipping.
    The QML is also written next to the zip: QGIS styles ``<name>_shp.shp.zip``
    with ``<name>_shp.qml``. (Named ``<name>.shp.zip`` it would pick up
    ``<name>.qml``, whose field names are the long ones, and draw all grey.)
    """
    columns = [str(c) for c in layer.areas.columns if c != layer.areas.geometry.name]
    renames = layers.shapefile_field_names(columns)
    style = layer.class_style(renames)
    stem = files[0].name.removesuffix(".shp.zip")
    qml = styles.qml_style(style)
    extras = {
        f"{stem}.qml": qml,
        f"{stem}.sld": styles.sld_style(style, layer=stem, version=layer.sld_version),
        f"{stem}_fields.csv": _field_map_csv(renames),
        f"{stem}_metadata.json": _json(layer.metadata),
    }
    layers.write_shapefile_zip(
        layer.areas,
        files[0],
        layer=stem,
        renames=renames,
        extras=extras,
        overwrite=overwrite,
    )
    write_text(qml, files[1], overwrite=overwrite)


def _write_geojson(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    layers.write_geojson(layer.areas, files[0], layer=layer.name, overwrite=overwrite)


def _write_fgb(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    layers.write_flatgeobuf(
        layer.areas, files[0], layer=layer.name, overwrite=overwrite
    )


def _human(layer: ScoredLayer) -> pd.DataFrame:
    return tables.human_table(layer.ranked_table(), layer.indicators, lang=layer.lang)


def _write_table(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    tables.write_table_csv(
        _human(layer), files[0], lang=layer.lang, overwrite=overwrite
    )


def _write_xlsx(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    tables.write_table_xlsx(
        _human(layer),
        files[0],
        meta=layer.metadata,
        lang=layer.lang,
        overwrite=overwrite,
    )


def _write_styles(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    style = layer.class_style()
    write_text(styles.qml_style(style), files[0], overwrite=overwrite)
    sld = styles.sld_style(
        style,
        layer=layer.name,
        title=str(layer.metadata.get("title", "")),
        version=layer.sld_version,
    )
    write_text(sld, files[1], overwrite=overwrite)


def _raster_tags(layer: ScoredLayer) -> dict[str, str]:
    from geo_priority.export import rasters

    labels = {
        f"CLASS_{i}": label
        for i, label in enumerate(layer.classification.labels, start=1)
    }
    return {
        "TITLE": str(layer.metadata.get("title", layer.name)),
        "SOURCE": "geo-priority",
        "NO_CLASS_VALUE": str(rasters.NO_CLASS),
        **labels,
    }


def _write_raster(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    from geo_priority.export import rasters  # rasterio only when rasters are written
    from geo_priority.io.raster import write_cog

    grids = rasters.rasterise_priority(layer.areas, resolution=layer.raster_resolution)
    write_cog(
        grids.classes,
        files[0],
        transform=grids.transform,
        crs=grids.crs,
        nodata=rasters.CLASS_NODATA,
        colours=rasters.colour_table(layer.colours, NO_DATA_COLOUR),
        tags=_raster_tags(layer),
        description=CLASS,
        overwrite=overwrite,
    )
    write_cog(
        grids.scores,
        files[1],
        transform=grids.transform,
        crs=grids.crs,
        nodata=rasters.SCORE_NODATA,
        tags=_raster_tags(layer),
        description=SCORE,
        overwrite=overwrite,
    )


def _json(meta: Mapping[str, Any]) -> str:
    return json.dumps(meta, ensure_ascii=False, indent=2, default=str) + "\n"


def _write_metadata(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    write_text(_json(layer.metadata), files[0], overwrite=overwrite)
    write_text(md.to_iso19139(layer.metadata), files[1], overwrite=overwrite)


_Writer = Callable[[ScoredLayer, list[Path], bool], None]
_WRITERS: dict[str, _Writer] = {
    "gpkg": _write_gpkg,
    "shp": _write_shp,
    "geojson": _write_geojson,
    "fgb": _write_fgb,
    "table": _write_table,
    "xlsx": _write_xlsx,
    "styles": _write_styles,
    "raster": _write_raster,
    "metadata": _write_metadata,
}


# --- public entry points -----------------------------------------------------------


def _check_formats(formats: Iterable[str] | None) -> list[str]:
    chosen = list(FORMATS) if formats is None else [f.strip().lower() for f in formats]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ConfigError(
            tr(
                "unknown export format(s) {unknown!r} (outputs.formats, --format). "
                "Choose from: {known}.",
                unknown=unknown,
                known=", ".join(FORMATS),
            )
        )
    return list(dict.fromkeys(chosen))


def output_files(
    name: str, folder: str | os.PathLike[str], formats: Sequence[str]
) -> dict[str, list[Path]]:
    """Return the files each format writes into ``folder`` for layer ``name``.

    Examples
    --------
    >>> output_files("desa", "out", ["styles"])["styles"]
    [PosixPath('out/desa.qml'), PosixPath('out/desa.sld')]
    """
    return {f: [Path(folder) / f"{name}{s}" for s in FORMATS[f]] for f in formats}


def level_files(fmt: str, main: str | os.PathLike[str], level: str) -> list[Path]:
    """Return the files of ``level`` that go with ``main``, the main file of ``fmt``.

    Examples
    --------
    >>> level_files("styles", "out/desa.qml", "kabkota")
    [PosixPath('out/desa_kabkota.qml'), PosixPath('out/desa_kabkota.sld')]
    """
    base = _base_of(fmt, main)
    return [Path(f"{base}_{level}{s}") for s in FORMATS[fmt]]


def _base_of(fmt: str, main: str | os.PathLike[str]) -> str:
    text = str(main)
    suffix = FORMATS[fmt][0]
    return (
        text[: -len(suffix)]
        if text.endswith(suffix)
        else str(Path(text).with_suffix(""))
    )


def _with_levels(
    layer: ScoredLayer, files: Mapping[str, list[Path]]
) -> list[tuple[ScoredLayer, str, list[Path]]]:
    """Return (layer, format, files) for the layer and, but for gpkg, each level."""
    jobs = [(layer, fmt, paths) for fmt, paths in files.items()]
    for level in layer.levels:
        jobs += [
            (level, fmt, level_files(fmt, paths[0], level.level))
            for fmt, paths in files.items()
            if fmt != "gpkg"
        ]
    return jobs


def _write_all(
    layer: ScoredLayer, files: Mapping[str, list[Path]], overwrite: bool
) -> None:
    """Write every format; on failure remove the files this call created."""
    jobs = _with_levels(layer, files)
    with removed_on_failure(p for _, _, paths in jobs for p in paths):
        for one, fmt, paths in jobs:
            chosen = gis_layer(one) if fmt in _GIS_FORMATS else one
            _WRITERS[fmt](chosen, paths, overwrite)


def export_layer(
    layer: ScoredLayer,
    folder: str | os.PathLike[str],
    /,
    *,
    formats: Iterable[str] | None = None,
    overwrite: bool = False,
) -> dict[str, list[Path]]:
    """Write ``layer`` in several formats into ``folder``.

    Everything is checked before the first file is written: the formats, the
    target CRS (``layer.dst_crs``) and that no output exists (unless
    ``overwrite``). Each file is written atomically, and if one format fails
    the files this call created are removed again.

    Parameters
    ----------
    layer : ScoredLayer
        From :func:`read_scored` or :func:`from_analysis`.
    folder : path-like
        Output folder (created when missing).
    formats : iterable of str, optional
        Keys of :data:`FORMATS`; default all of them.
    overwrite : bool, default False
        Replace existing files.

    Returns
    -------
    dict
        Format -> files written.

    Raises
    ------
    ConfigError
        Unknown format, or a bad raster resolution.
    CRSError
        ``dst_crs`` is not a valid CRS.
    OutputExistsError
        An output exists and ``overwrite`` is False.
    InputError
        The folder is not writable.

    Warns
    -----
    GeoPriorityWarning
        Before writing: Shapefile field names are shortened; the layer lies
        outside the area of use of ``dst_crs``.
    """
    chosen = _check_formats(formats)
    layer = _reproject(layer)
    files = output_files(layer.name, folder, chosen)
    planned = [p for _, _, paths in _with_levels(layer, files) for p in paths]
    check_outputs(planned, overwrite=overwrite)
    _write_all(layer, files, overwrite)
    return files


def write_format(
    fmt: str, path: str | os.PathLike[str], layer: ScoredLayer, *, overwrite: bool
) -> list[Path]:
    """Write one format, ``path`` being its main file (used by the pipeline).

    Returns
    -------
    list of Path
        Every file written (the main file first).
    """
    (fmt,) = _check_formats([fmt])
    base = _base_of(fmt, path)
    files = [Path(base + s) for s in FORMATS[fmt]]
    layer = _reproject(layer)
    jobs = _with_levels(layer, {fmt: files})
    written = [p for _, _, paths in jobs for p in paths]
    check_outputs(written, overwrite=overwrite)
    _write_all(layer, {fmt: files}, overwrite)
    return written
