"""Write and read GIS layers: styled GeoPackage, zipped Shapefile, GeoJSON, FlatGeobuf.

The GeoPackage also holds non-spatial tables (the ranked table and the join
report), the QGIS style in ``layer_styles`` and the metadata in
``gpkg_metadata``; GeoJSON follows RFC 7946. What goes into these files (field
names, styles, metadata) is built by :mod:`geo_priority.export`; this module
only writes and reads them.

Every writer writes to a temporary file next to the target and moves it into
place only when complete (:func:`geo_priority.io.atomic_path`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_priority.errors import InputError
from geo_priority.io.output import atomic_path
from geo_priority.messages import tr

__all__ = [
    "ISO_URI",
    "JSON_METADATA_URI",
    "GpkgLayer",
    "gdal_version",
    "read_gpkg_metadata",
    "read_gpkg_table",
    "read_stored_metadata",
    "write_flatgeobuf",
    "write_geojson",
    "write_geopackage",
    "write_geopackage_layers",
    "write_shapefile_zip",
]

#: ``md_standard_uri`` values of the two ``gpkg_metadata`` rows.
ISO_URI = "http://www.isotc211.org/2005/gmd"
JSON_METADATA_URI = "urn:geo-priority:metadata:satu-data-indonesia:1"
_GPKG_VERSION = "1.2"  # read by GDAL >= 2.2 / QGIS 3.x without warnings

_LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256), "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256), "f_geometry_column" TEXT(256),
  "styleName" TEXT(30), "styleQML" TEXT, "styleSLD" TEXT,
  "useAsDefault" BOOLEAN, "description" TEXT, "owner" TEXT(30), "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
"""
_METADATA_DDL = (
    """CREATE TABLE IF NOT EXISTS gpkg_metadata (
  id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
  md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL,
  mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (
  reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT,
  row_id_value INTEGER,
  timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  md_file_id INTEGER NOT NULL, md_parent_id INTEGER,
  CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
  CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
)
_METADATA_EXTENSION = "http://www.geopackage.org/spec121/#extension_metadata"


def gdal_version() -> str:
    """Return the version of GDAL that reads and writes the layers.

    Examples
    --------
    >>> gdal_version().count(".") >= 1
    True
    """
    return str(pyogrio.__gdal_version_string__)


# --- GeoPackage -------------------------------------------------------------


def _add_styles(
    db: sqlite3.Connection, layer: str, geometry: str, qml: str, sld: str
) -> None:
    db.execute(_LAYER_STYLES_DDL)
    db.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
        "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
        "description, owner, ui) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', '')",
        (layer, geometry, f"{layer}_prioritas", qml, sld, "geo-priority classes"),
    )
    db.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
        "VALUES ('layer_styles', 'attributes', 'layer_styles')"
    )


def _add_metadata(db: sqlite3.Connection, layer: str, iso_xml: str, meta: str) -> None:
    for ddl in _METADATA_DDL:
        db.execute(ddl)
    for table in ("gpkg_metadata", "gpkg_metadata_reference"):
        db.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES (?, NULL, "
            "'gpkg_metadata', ?, 'read-write')",
            (table, _METADATA_EXTENSION),
        )
    for uri, mime, text in (
        (ISO_URI, "text/xml", iso_xml),
        (JSON_METADATA_URI, "application/json", meta),
    ):
        cursor = db.execute(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, "
            "metadata) VALUES ('dataset', ?, ?, ?)",
            (uri, mime, text),
        )
        db.execute(
            "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, "
            "md_file_id) VALUES ('table', ?, ?)",
            (layer, cursor.lastrowid),
        )


def _geometry_column(path: Path, layer: str) -> str:
    info = pyogrio.read_info(path, layer=layer)
    return str(info.get("geometry_name") or "geom")


@dataclass(frozen=True)
class GpkgLayer:
    """One styled layer of a GeoPackage.

    Attributes
    ----------
    name : str
        Layer name.
    areas : geopandas.GeoDataFrame
    qml, sld : str
        Its styles.
    iso_xml : str
        Its ISO 19139 metadata.
    meta : Mapping
        Its JSON metadata record.
    """

    name: str
    areas: gpd.GeoDataFrame
    qml: str
    sld: str
    iso_xml: str
    meta: Mapping[str, Any]


def write_geopackage_layers(
    path: str | os.PathLike[str],
    layers: Sequence[GpkgLayer],
    /,
    *,
    tables: Mapping[str, pd.DataFrame],
    overwrite: bool = False,
) -> Path:
    """Write several styled layers and some tables into one GeoPackage.

    The first layer (a run's own level) is written first, so readers that take
    the first layer find it; every layer gets its own QGIS style
    (``layer_styles``, the layer's default) and metadata rows
    (``gpkg_metadata``); the first layer's rows are written last, so
    :func:`read_gpkg_metadata` returns its record.

    Parameters
    ----------
    path : path-like
        Output ``.gpkg``.
    layers : sequence of GpkgLayer
        The layers, the main one first.
    tables : mapping of str to pandas.DataFrame
        Non-spatial tables (written after the first layer).
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        first, *more = layers
        pyogrio.write_dataframe(
            first.areas,
            tmp,
            layer=first.name,
            driver="GPKG",
            dataset_options={"VERSION": _GPKG_VERSION},
        )
        for name, table in tables.items():
            pyogrio.write_dataframe(table, tmp, layer=name, driver="GPKG")
        for layer in more:
            pyogrio.write_dataframe(layer.areas, tmp, layer=layer.name, driver="GPKG")
        geometry = {lyr.name: _geometry_column(tmp, lyr.name) for lyr in layers}
        with closing(sqlite3.connect(tmp)) as db, db:
            for layer in layers:
                _add_styles(db, layer.name, geometry[layer.name], layer.qml, layer.sld)
            # the main layer's record last: a reader of "the" record takes the last
            for layer in [*more, first]:
                text = json.dumps(layer.meta, ensure_ascii=False, indent=1, default=str)
                _add_metadata(db, layer.name, layer.iso_xml, text)
    return Path(path)


def write_geopackage(
    areas: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    layer: str,
    tables: Mapping[str, pd.DataFrame],
    qml: str,
    sld: str,
    iso_xml: str,
    meta: Mapping[str, Any],
    overwrite: bool = False,
) -> Path:
    """Write a styled GeoPackage: the layer, tables, QGIS style and metadata.

    The style goes into QGIS's ``layer_styles`` table as the layer's default,
    so QGIS opens the layer styled; the metadata goes into ``gpkg_metadata``
    twice (ISO 19139 XML and the JSON record), referenced to the layer.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The scored layer (written first, so readers that take the first layer
        find it).
    path : path-like
        Output ``.gpkg``.
    layer : str
        Layer name.
    tables : mapping of str to pandas.DataFrame
        Non-spatial tables to add (e.g. the ranked table and the join report).
    qml, sld : str
        Styles of the layer.
    iso_xml : str
        ISO 19139 metadata.
    meta : Mapping
        The JSON metadata record.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return write_geopackage_layers(
        path,
        [GpkgLayer(layer, areas, qml, sld, iso_xml, meta)],
        tables=tables,
        overwrite=overwrite,
    )


def read_gpkg_metadata(path: str | os.PathLike[str], /) -> dict[str, Any] | None:
    """Return the JSON metadata record of a GeoPackage written here, or None.

    Parameters
    ----------
    path : path-like
        A GeoPackage.

    Returns
    -------
    dict or None
        The record, or None when the file holds none.

    Raises
    ------
    InputError
        The file is not a readable SQLite/GeoPackage file.
    """
    try:
        with closing(sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "gpkg_metadata" not in tables:
                return None
            row = db.execute(
                "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = ? "
                "ORDER BY id DESC LIMIT 1",
                (JSON_METADATA_URI,),
            ).fetchone()
    except sqlite3.DatabaseError as err:
        raise InputError(
            tr(
                "cannot read {name!r} as a GeoPackage: {err}. Give the scored .gpkg "
                "written by 'geo-priority run' or 'demo'.",
                name=Path(path).name,
                err=err,
            )
        ) from err
    record: dict[str, Any] | None = json.loads(row[0]) if row else None
    return record


def read_stored_metadata(path: str | os.PathLike[str], /) -> dict[str, Any] | None:
    """Return the JSON metadata record of ``path`` if it is a GeoPackage file.

    Parameters
    ----------
    path : path-like
        Any vector file.

    Returns
    -------
    dict or None
        The record; None for another format, a missing file, or a GeoPackage
        without one.

    Raises
    ------
    InputError
        A ``.gpkg`` file that is not a readable GeoPackage.
    """
    source = Path(path)
    if source.suffix.lower() != ".gpkg" or not source.is_file():
        return None
    return read_gpkg_metadata(source)


def read_gpkg_table(path: str | os.PathLike[str], name: str, /) -> pd.DataFrame | None:
    """Return the table (or layer, without geometry) ``name`` of a GeoPackage.

    Parameters
    ----------
    path : path-like
        A file; anything but a ``.gpkg`` gives None.
    name : str
        Table name, e.g. ``"peringkat"``.

    Returns
    -------
    pandas.DataFrame or None
        The table as read, or None when the file is no GeoPackage or has no
        such table.
    """
    source = Path(path)
    if source.suffix.lower() != ".gpkg":
        return None
    if name not in [str(n) for n, _ in pyogrio.list_layers(source)]:
        return None
    frame = pyogrio.read_dataframe(source, layer=name, read_geometry=False)
    return pd.DataFrame(frame)


# --- Shapefile ----------------------------------------------------------------


def write_shapefile_zip(
    areas: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    layer: str,
    extras: Mapping[str, str],
    overwrite: bool = False,
) -> Path:
    """Write a zipped Shapefile (UTF-8 ``.cpg``, ``.prj``) plus extra files.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Layer whose column names already fit the DBF limit of 10 characters.
    path : path-like
        Output ``.zip`` (GDAL and QGIS read it without unzipping).
    layer : str
        Name of the ``.shp`` inside the zip.
    extras : mapping of str to str
        More files for the zip, by name (styles, field map, metadata).
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        with tempfile.TemporaryDirectory(dir=Path(tmp).parent, prefix=".shp-") as d:
            shp = Path(d) / f"{layer}.shp"
            pyogrio.write_dataframe(
                areas, shp, driver="ESRI Shapefile", encoding="UTF-8"
            )
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
                for part in sorted(Path(d).iterdir()):
                    archive.write(part, part.name)
                for name, text in extras.items():
                    archive.writestr(name, text)
    return Path(path)


# --- GeoJSON and FlatGeobuf ---------------------------------------------------


def write_geojson(
    areas: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    layer: str,
    overwrite: bool = False,
) -> Path:
    """Write RFC 7946 GeoJSON (WGS84 longitude/latitude, right-hand rings).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Layer in any CRS (reprojected to EPSG:4326).
    path : path-like
        Output ``.geojson``.
    layer : str
        Layer name.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        pyogrio.write_dataframe(
            areas.to_crs(4326),
            tmp,
            layer=layer,
            driver="GeoJSON",
            layer_options={"RFC7946": "YES"},
        )
    return Path(path)


def write_flatgeobuf(
    areas: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    layer: str,
    overwrite: bool = False,
) -> Path:
    """Write FlatGeobuf with a spatial index.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Layer to write.
    path : path-like
        Output ``.fgb``.
    layer : str
        Layer name.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        pyogrio.write_dataframe(areas, tmp, layer=layer, driver="FlatGeobuf")
    return Path(path)
