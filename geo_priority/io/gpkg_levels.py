"""Write one GeoPackage holding several styled layers (one per admin level).

:func:`write_geopackage_layers` is :func:`geo_priority.io.layers.write_geopackage`
for a run with ``outputs.map_levels``: the first layer (the run's own level)
is written first, so readers that take the first layer find it; every layer
gets its own QGIS style (``layer_styles``, default for that layer) and its own
metadata rows (``gpkg_metadata``, referenced to that layer; the main layer's
rows are written last, so :func:`~geo_priority.io.layers.read_gpkg_metadata`
still returns the main layer's record).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_priority.io.layers import (
    _GPKG_VERSION,
    _add_metadata,
    _add_styles,
    _geometry_column,
)
from geo_priority.io.output import atomic_path

__all__ = ["GpkgLayer", "write_geopackage_layers"]


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
