"""GIS-grade exports of a scored layer: styled layers, tables, rasters, metadata.

Formats (:data:`FORMATS`; files are named after the layer, e.g. ``priority``):

========== ======================================= ==============================
format     files                                   what
========== ======================================= ==============================
gpkg       ``priority.gpkg``                       layer + ranked table + join
                                                   report; QGIS style in
                                                   ``layer_styles``; metadata in
                                                   ``gpkg_metadata``
shp        ``priority_shp.shp.zip``,               zipped Shapefile with ``.cpg``
           ``priority_shp.qml``                    (UTF-8), ``.prj``, ``.qml``,
                                                   ``.sld``, field-name map,
                                                   metadata; the QML again next
                                                   to the zip
geojson    ``priority.geojson``                    RFC 7946, WGS84
fgb        ``priority.fgb``                        FlatGeobuf
table      ``priority_tabel.csv``                  ranked table, readable headers
xlsx       ``priority_tabel.xlsx``                 same, plus a metadata sheet
styles     ``priority.qml``, ``priority.sld``      QGIS style, SLD (GeoServer)
raster     ``priority_kelas.tif``,                 Cloud-Optimised GeoTIFFs of
           ``priority_skor.tif``                   class (colour table) and score
metadata   ``priority_metadata.json``, ``.xml``    Satu Data JSON, ISO 19139 XML
========== ======================================= ==============================

Colours and labels come from :func:`geo_priority.render.class_colours` and the
:class:`~geo_priority.classify.Classification`, exactly as on the HTML map.

A scored GeoPackage written by ``geo-priority run``/``demo`` can be read back
with :func:`read_scored`: its classes, labels, indicators and metadata are
taken from the JSON record in ``gpkg_metadata``. For a GeoPackage without that
record the classes are rebuilt from the stored ``priority_class`` and
``priority_label`` columns.
"""

from __future__ import annotations

import dataclasses
import json
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from geo_priority import metadata as md
from geo_priority.analysis import Analysis
from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.errors import ConfigError, CRSError, GeoPriorityWarning
from geo_priority.export import layers, rasters, styles, tables
from geo_priority.formats import EXPORT_FORMATS, OUTPUT_FORMATS
from geo_priority.io import (
    check_outputs,
    read_boundaries,
    removed_on_failure,
    write_text,
)
from geo_priority.io.layers import read_gpkg_table, read_stored_metadata
from geo_priority.io.raster import write_cog
from geo_priority.render import NO_DATA_COLOUR, OUTLINE_COLOUR, class_colours
from geo_priority.render.i18n import text
from geo_priority.render.texts import analysis_metadata
from geo_priority.schema import CLASS, CONTRIB_PREFIX, ID, LABEL, NAME, RANK, SCORE

__all__ = [
    "FORMATS",
    "ScoredLayer",
    "export_layer",
    "from_analysis",
    "output_files",
    "read_scored",
    "write_format",
]

#: Suffixes of the files each format writes (the first is the main file), from
#: the one registry of output formats (:mod:`geo_priority.formats`).
FORMATS: dict[str, tuple[str, ...]] = {
    name: OUTPUT_FORMATS[name].suffixes for name in EXPORT_FORMATS
}


@dataclass(frozen=True)
class ScoredLayer:
    """A scored, classified layer with everything its exports need.

    Attributes
    ----------
    areas : geopandas.GeoDataFrame
        Scored areas (``area_id``, ``area_name``, ``priority_*``, indicators).
    classification : Classification
        Classes, bins and labels (as on the HTML map).
    name : str
        Layer and file name.
    indicators : tuple of IndicatorConfig
        Labels, units and years of the indicator columns.
    lang : {"id", "en"}
    ranked : pandas.DataFrame, optional
        Ranked table; default built from ``areas``.
    join_report : pandas.DataFrame, optional
        Join report entries.
    metadata : dict
        From :func:`geo_priority.metadata.build_metadata`.
    dst_crs : str, optional
        Reproject exported layers to this CRS.
    raster_resolution : float
        Pixel size of the priority rasters (metres).
    sld_version : {"1.0.0", "1.1.0"}
    """

    areas: gpd.GeoDataFrame
    classification: Classification
    name: str
    indicators: tuple[IndicatorConfig, ...] = ()
    lang: str = "id"
    ranked: pd.DataFrame | None = None
    join_report: pd.DataFrame | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    dst_crs: str | None = None
    raster_resolution: float = 100.0
    sld_version: styles.SldVersion = "1.0.0"

    @property
    def colours(self) -> list[str]:
        """Class colours, class 1 first (as on the HTML map)."""
        return class_colours(self.classification.k)

    def class_style(self, field_name: str = CLASS) -> styles.ClassStyle:
        """Return the style of the classes on ``field_name``."""
        return styles.ClassStyle(
            tuple(self.classification.labels),
            tuple(self.colours),
            text("no_data", self.lang),
            NO_DATA_COLOUR,
            OUTLINE_COLOUR,
            field_name,
        )

    def ranked_table(self) -> pd.DataFrame:
        """Return the ranked table (highest priority first)."""
        if self.ranked is not None:
            return self.ranked
        areas = self.areas
        keys = [i.key for i in self.indicators]
        contrib = [c for c in areas.columns if str(c).startswith(CONTRIB_PREFIX)]
        if not keys:  # unknown indicators: keep every other attribute
            core = {ID, NAME, RANK, SCORE, CLASS, LABEL, areas.geometry.name}
            keys = [c for c in areas.columns if c not in core and c not in contrib]
        wanted = [ID, NAME, RANK, SCORE, CLASS, LABEL, *keys, *contrib, "imputed"]
        frame = pd.DataFrame(areas[[c for c in dict.fromkeys(wanted) if c in areas]])
        return frame.sort_values([RANK, ID], na_position="last").reset_index(drop=True)


# --- building a ScoredLayer ----------------------------------------------------


def from_analysis(
    analysis: Analysis, record: Mapping[str, Any], ranked: pd.DataFrame | None = None
) -> ScoredLayer:
    """Return the :class:`ScoredLayer` of an analysis.

    Parameters
    ----------
    analysis : geo_priority.analysis.Analysis
        A computed analysis.
    record : Mapping
        Its run record (:func:`geo_priority.metadata.run_record`).
    ranked : pandas.DataFrame, optional
        Its ranked table (:func:`geo_priority.analysis.ranked_table`).

    Returns
    -------
    ScoredLayer
    """
    outputs = analysis.config.outputs
    return ScoredLayer(
        areas=analysis.areas,
        classification=analysis.classification,
        name=outputs.name,
        indicators=tuple(analysis.indicators),
        lang=outputs.lang,
        ranked=ranked,
        join_report=analysis.report.entries,
        metadata=analysis_metadata(analysis, record),
        dst_crs=outputs.dst_crs,
        raster_resolution=outputs.raster_resolution,
    )


def _metadata_of(layer: ScoredLayer, record: Mapping[str, Any]) -> dict[str, Any]:
    classes = md.classes_metadata(layer.classification, layer.colours, NO_DATA_COLOUR)
    return md.build_metadata(record, layer.areas, classes=classes, layer=layer.name)


def _check_scored(areas: gpd.GeoDataFrame, source: Path) -> None:
    missing = [c for c in (ID, SCORE, CLASS) if c not in areas.columns]
    if missing:
        raise ConfigError(
            f"{source.name!r} is not a scored layer: it has no {missing!r} "
            "column(s). Export the .gpkg written by 'geo-priority run' or "
            "'geo-priority demo', or give the run's TOML config instead."
        )


def _restore_types(areas: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    areas[ID] = areas[ID].astype("string")
    areas[CLASS] = pd.to_numeric(areas[CLASS]).round().astype("Int8")
    if RANK in areas.columns:
        areas[RANK] = pd.to_numeric(areas[RANK]).round().astype("Int64")
    areas.attrs["code_system"] = meta.get("reference_codes", {}).get("system")
    areas.attrs["level"] = meta.get("layer", {}).get("level")


def _stored_classification(areas: gpd.GeoDataFrame) -> Classification:
    """Rebuild the classes from the ``priority_class``/``priority_label`` columns."""
    classes = areas[CLASS]
    k = int(classes.max())
    labels = {}
    if LABEL in areas.columns:
        pairs = areas[[CLASS, LABEL]].dropna().drop_duplicates(CLASS)
        labels = dict(zip(pairs[CLASS].astype(int), pairs[LABEL], strict=True))
    scores = areas[SCORE]
    bins = tuple(float(scores[classes == c].max()) for c in range(k, 0, -1))
    return Classification(
        "stored",
        k,
        bins,
        float(scores[classes == k].min()),
        classes,
        tuple(str(labels.get(c, f"{c}")) for c in range(1, k + 1)),
        tuple(int((classes == c).sum()) for c in range(1, k + 1)),
    )


def _classification(areas: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> Classification:
    stored = meta.get("method", {}).get("classification")
    if not stored:
        return _stored_classification(areas)
    classes = areas[CLASS]
    k = int(stored["k"])
    return Classification(
        stored["scheme"],
        k,
        tuple(float(b) for b in stored["bins"]),
        float(stored["lower"]),
        classes,
        tuple(stored["labels"]),
        tuple(int((classes == c).sum()) for c in range(1, k + 1)),
    )


def _indicators(meta: Mapping[str, Any]) -> tuple[IndicatorConfig, ...]:
    known = {f.name for f in dataclasses.fields(IndicatorConfig)}
    out = []
    for item in meta.get("method", {}).get("indicators", []):
        data = {k: v for k, v in item.items() if k in known}
        for key in ("derive_from", "derive_years"):
            data[key] = tuple(data.get(key) or ())
        out.append(IndicatorConfig(**data))
    return tuple(out)


def _table(path: Path, name: str) -> pd.DataFrame | None:
    frame = read_gpkg_table(path, name)
    if frame is None:
        return None
    if ID in frame.columns:
        frame[ID] = frame[ID].astype("string")
    return pd.DataFrame(frame)


def read_scored(
    path: str | os.PathLike[str], /, *, layer: str | None = None
) -> ScoredLayer:
    """Read back a scored layer written by ``geo-priority run``/``demo``.

    Parameters
    ----------
    path : path-like
        The scored GeoPackage (any vector file with the scored columns works;
        without stored metadata the classes come from its columns).
    layer : str, optional
        Layer to read; default the layer named in the metadata, else the only
        spatial layer.

    Returns
    -------
    ScoredLayer

    Raises
    ------
    InputError
        Missing or unreadable file, or several spatial layers and no ``layer``.
    ConfigError
        The layer has no scored columns.
    """
    source = Path(path)
    meta = read_stored_metadata(source) or {}
    name = layer or meta.get("layer", {}).get("name")
    areas = read_boundaries(source, layer=name)
    _check_scored(areas, source)
    _restore_types(areas, meta)
    name = name or areas.attrs.get("layer") or source.stem
    result = ScoredLayer(
        areas=areas,
        classification=_classification(areas, meta),
        name=str(name),
        indicators=_indicators(meta),
        lang=str(meta.get("language") or "id"),
        ranked=_table(source, layers.RANKED_TABLE),
        join_report=_table(source, layers.REPORT_TABLE),
    )
    if not meta:
        meta = _metadata_of(result, {"config": {"title": result.name}})
    return replace(result, metadata=meta)


# --- reprojection ----------------------------------------------------------------


def _parse_crs(dst_crs: str) -> CRS:
    try:
        return CRS.from_user_input(dst_crs)
    except ProjCRSError as err:
        raise CRSError(
            f"dst_crs={str(dst_crs)[:50]!r} is not a CRS PROJ knows. Use an EPSG "
            "code such as 'EPSG:23834' (DGN95 / Indonesia TM-3 zone 48.2, for "
            "Banten) or 'EPSG:32748' (WGS 84 / UTM zone 48S). CLI: --dst-crs."
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
        f"the layer ({minx:.2f}..{maxx:.2f}°E, {miny:.2f}..{maxy:.2f}°N) lies "
        f"outside the area of use of {crs.to_string()} ({crs.name}: "
        f"{use.west:.2f}..{use.east:.2f}°E, {use.south:.2f}..{use.north:.2f}°N); "
        "distances and areas will be distorted. For Banten use EPSG:23834 "
        "(TM-3 zone 48.2) or EPSG:32748 (UTM 48S).",
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
    return replace(layer, areas=areas, metadata=meta, dst_crs=None)


# --- writers -----------------------------------------------------------------------


def _write_gpkg(layer: ScoredLayer, files: list[Path], overwrite: bool) -> None:
    extra = {layers.RANKED_TABLE: layer.ranked_table()}
    if layer.join_report is not None:
        extra[layers.REPORT_TABLE] = layer.join_report
    style = layer.class_style()
    layers.write_geopackage(
        layer.areas,
        files[0],
        layer=layer.name,
        tables=extra,
        qml=styles.qml_style(style),
        sld=styles.sld_style(style, layer=layer.name, version=layer.sld_version),
        iso_xml=md.to_iso19139(layer.metadata),
        meta=layer.metadata,
        overwrite=overwrite,
    )


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
    style = layer.class_style(renames[CLASS])
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
            f"unknown export format(s) {unknown!r}. Choose from: {', '.join(FORMATS)}."
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


def _write_all(
    layer: ScoredLayer, files: Mapping[str, list[Path]], overwrite: bool
) -> None:
    """Write every format; on failure remove the files this call created."""
    with removed_on_failure(p for paths in files.values() for p in paths):
        for fmt, paths in files.items():
            _WRITERS[fmt](layer, paths, overwrite)


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
    check_outputs([p for paths in files.values() for p in paths], overwrite=overwrite)
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
    main = str(path)
    suffix = FORMATS[fmt][0]
    base = (
        main[: -len(suffix)]
        if main.endswith(suffix)
        else str(Path(main).with_suffix(""))
    )
    files = [Path(base + s) for s in FORMATS[fmt]]
    check_outputs(files, overwrite=overwrite)
    _write_all(_reproject(layer), {fmt: files}, overwrite)
    return files
