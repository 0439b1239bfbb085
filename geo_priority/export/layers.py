"""Vector exports: the Shapefile's field names and the GIS layers' table names.

The files themselves (styled GeoPackage, zipped Shapefile, GeoJSON and
FlatGeobuf) are written and read by :mod:`geo_priority.io.layers`; its writers
are re-exported here. This module decides what goes into them: the names of
the GeoPackage's tables and the 10-character DBF field names of a Shapefile,
with a warning listing every renamed field before anything is written.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd

from geo_priority.errors import GeoPriorityWarning, SchemaError
from geo_priority.io import layers as gis
from geo_priority.io.layers import (
    ISO_URI,
    JSON_METADATA_URI,
    read_gpkg_metadata,
    write_flatgeobuf,
    write_geojson,
    write_geopackage,
)
from geo_priority.messages import tr

__all__ = [
    "ISO_URI",
    "JSON_METADATA_URI",
    "RANKED_TABLE",
    "REPORT_TABLE",
    "read_gpkg_metadata",
    "shapefile_field_names",
    "write_flatgeobuf",
    "write_geojson",
    "write_geopackage",
    "write_shapefile_zip",
]

#: Non-spatial tables written next to the scored layer in the GeoPackage.
RANKED_TABLE = "peringkat"
REPORT_TABLE = "laporan_join"
_DBF_LIMIT = 10


# --- Shapefile ----------------------------------------------------------------


def shapefile_field_names(columns: Sequence[str], /) -> dict[str, str]:
    """Map column names to unique DBF field names of at most 10 characters.

    Names that fit are kept. Longer names are cut to 10 characters; when that
    collides with a name already taken (case-insensitively), the cut name ends
    in ``_1``, ``_2``, ... instead.

    Parameters
    ----------
    columns : sequence of str
        Attribute column names (without the geometry).

    Returns
    -------
    dict
        Full name -> field name, for every column.

    Raises
    ------
    SchemaError
        When more than 99 names collide on the same prefix.

    Examples
    --------
    >>> names = shapefile_field_names(["id", "contrib_rate_a", "contrib_rate_b"])
    >>> names["contrib_rate_a"], names["contrib_rate_b"]
    ('contrib_ra', 'contrib__1')
    """
    taken = {c.lower() for c in columns if len(c) <= _DBF_LIMIT}
    out: dict[str, str] = {}
    for name in columns:
        if len(name) <= _DBF_LIMIT:
            out[name] = name
            continue
        short = name[:_DBF_LIMIT]
        n = 0
        while short.lower() in taken:
            n += 1
            if n > 99:
                raise SchemaError(
                    tr(
                        "too many columns start with {prefix!r} to give them "
                        "distinct 10-character Shapefile names. Write a GeoPackage "
                        '(outputs.formats = ["gpkg"]).',
                        prefix=name[:8],
                    )
                )
            short = f"{name[: _DBF_LIMIT - len(str(n)) - 1]}_{n}"
        taken.add(short.lower())
        out[name] = short
    return out


def _warn_renames(renames: Mapping[str, str], map_name: str) -> None:
    changed = {k: v for k, v in renames.items() if k != v}
    if not changed:
        return
    clashes = [k for k, v in changed.items() if v != k[:_DBF_LIMIT]]
    shown = ", ".join(f"{k!r} -> {v!r}" for k, v in list(changed.items())[:6])
    more = tr(" ... ({n} more)", n=len(changed) - 6) if len(changed) > 6 else ""
    extra = (
        tr(
            " {n} name(s) would collide when cut to 10 characters (e.g. "
            "{example!r}) and were numbered instead.",
            n=len(clashes),
            example=clashes[0],
        )
        if clashes
        else ""
    )
    warnings.warn(
        tr(
            "Shapefile field names are limited to 10 characters; {n} column(s) "
            "will be renamed: {shown}{more}.{extra} The full names are listed in "
            "{map_name!r} inside the zip. Use the GeoPackage to keep them.",
            n=len(changed),
            shown=shown,
            more=more,
            extra=extra,
            map_name=map_name,
        ),
        GeoPriorityWarning,
        stacklevel=4,
    )


def write_shapefile_zip(
    areas: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    layer: str,
    renames: Mapping[str, str],
    extras: Mapping[str, str],
    overwrite: bool = False,
) -> Path:
    """Write a zipped Shapefile (UTF-8 ``.cpg``, ``.prj``) plus extra files.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Layer with its full column names.
    path : path-like
        Output ``.zip`` (GDAL and QGIS read it without unzipping).
    layer : str
        Name of the ``.shp`` inside the zip.
    renames : mapping
        Full name -> DBF field name, from :func:`shapefile_field_names`. A
        warning lists the renamed fields *before* anything is written.
    extras : mapping of str to str
        More files for the zip, by name (styles, field map, metadata).
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    _warn_renames(renames, next((n for n in extras if n.endswith(".csv")), ""))
    frame = areas.rename(columns=dict(renames))
    return gis.write_shapefile_zip(
        frame, path, layer=layer, extras=extras, overwrite=overwrite
    )
