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

from geo_priority.export.scored import ScoredLayer, from_analysis, read_scored
from geo_priority.export.writers import (
    FORMATS,
    export_layer,
    output_files,
    write_format,
)

__all__ = [
    "FORMATS",
    "ScoredLayer",
    "export_layer",
    "from_analysis",
    "output_files",
    "read_scored",
    "write_format",
]
