"""Read boundary layers with pyogrio (writing: :mod:`geo_priority.io.vector_write`).

Readers never repair geometries and never reproject: that is ``harmonise``'s
job. They do make sure that attribute columns that hold codes are text, and
that every layer has a CRS whose range its coordinates fit (UTM metres
labelled EPSG:4326 are an error saying so; ``boundaries.crs`` then relabels
them).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from geo_priority.errors import CRSError, InputError
from geo_priority.formatting import shorten_list, shorten_text
from geo_priority.geometry import (
    check_plausible_coordinates,
    implausible_coordinates,
    note_validity,
)
from geo_priority.io import geoparquet
from geo_priority.io.cells import codes_as_text, looks_like_code_column
from geo_priority.io.file_checks import check_file as _check_file
from geo_priority.io.file_checks import unreadable as _unreadable
from geo_priority.io.table import _is_number_dtype
from geo_priority.io.vector_write import write_layer
from geo_priority.messages import tr

__all__ = ["list_layers", "read_boundaries", "read_vector", "write_layer"]

_PARQUET_SUFFIXES = frozenset({".parquet", ".geoparquet"})
_USE_ARROW = importlib.util.find_spec("pyarrow") is not None
#: Formats that hold one layer, named after the file: read without listing.
_SINGLE_LAYER_SUFFIXES = frozenset({".geojson", ".json", ".fgb", ".shp"})
#: pyogrio raises RuntimeError subclasses; GDAL/arrow may also raise these.
_READ_ERRORS: tuple[type[BaseException], ...] = (RuntimeError, ValueError, OSError)


def _read_hint() -> str:
    """Say what to do with a vector file that cannot be read."""
    return tr(
        "The file may be truncated or not a vector file; re-download or re-export it."
    )


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------


def _is_parquet(source: Path) -> bool:
    """Return True for GeoParquet files (read with geopandas, not GDAL)."""
    return source.suffix.lower() in _PARQUET_SUFFIXES


def _layer_table(source: Path) -> list[tuple[str, str | None]]:
    """Return ``(name, geometry type)`` for every layer of an OGR dataset."""
    try:
        table = pyogrio.list_layers(source)
    except _READ_ERRORS as err:
        raise _unreadable(source, "boundaries", err, _read_hint()) from err
    return [(str(name), gtype) for name, gtype in table]


def list_layers(path: str | os.PathLike[str], /) -> list[str]:
    """Return the layer names of a vector file.

    Parameters
    ----------
    path : path-like
        Any file GDAL reads (a ``.zip`` holding shapefiles lists one layer
        per shapefile), or a GeoParquet file (one layer named after the file).

    Returns
    -------
    list of str
        Layer names in file order, including non-spatial tables.

    Raises
    ------
    InputError
        When the file is missing or unreadable.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> path = Path(tempfile.mkdtemp()) / "a.gpkg"
    >>> gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> _ = write_layer(gdf, path, layer="desa")
    >>> list_layers(path)
    ['desa']
    """
    source = _check_file(path, "boundaries")
    if _is_parquet(source):
        return [source.stem]
    return [name for name, _ in _layer_table(source)]


def _no_spatial_layer(source: Path, names: list[str]) -> InputError:
    return InputError(
        tr(
            "{name!r} has no layer with geometries (layers: {value}). Check that "
            "it is the boundary file.",
            name=source.name,
            value=shorten_list(names) or "none",
        )
    )


def _choose_layer(source: Path, layer: str | None) -> str:
    """Return ``layer`` if the file has it, else the file's only spatial layer."""
    table = _layer_table(source)
    names = [name for name, _ in table]
    spatial = [name for name, gtype in table if gtype is not None]
    if layer is not None and layer in spatial:
        return layer
    if layer is not None:
        template = (
            tr(
                "layer {layer!r} of {name!r} has no geometry. Its spatial layers are "
                "{value}; set boundaries.layer (CLI: --boundaries-layer) to one of "
                "them.",
                layer=layer,
                name=source.name,
                value=shorten_list(spatial),
            )
            if layer in names
            else tr(
                "layer {layer!r} not found in {name!r}. Its spatial layers are "
                "{value}; set boundaries.layer (CLI: --boundaries-layer) to one of "
                "them.",
                layer=layer,
                name=source.name,
                value=shorten_list(spatial),
            )
        )
        raise InputError(template)
    if not spatial:
        raise _no_spatial_layer(source, names)
    if len(spatial) == 1:
        return spatial[0]
    raise InputError(
        tr(
            "{name!r} has {n_spatial} layers: {value}. Choose one with "
            'layer="{spatial}" in the [boundaries] section of the config (CLI: '
            "--boundaries-layer {spatial}).",
            name=source.name,
            n_spatial=len(spatial),
            value=shorten_list(spatial),
            spatial=spatial[0],
        )
    )


def _read_ogr(source: Path, layer: str | None) -> gpd.GeoDataFrame:
    """Read one layer with pyogrio (arrow-accelerated when available)."""
    try:
        return pyogrio.read_dataframe(source, layer=layer, use_arrow=_USE_ARROW)
    except _READ_ERRORS as err:
        raise _unreadable(source, "boundaries", err, _read_hint()) from err


def _read_geoparquet(source: Path, layer: str | None) -> gpd.GeoDataFrame:
    """Read a GeoParquet file; its only layer is named after the file."""
    if layer not in (None, source.stem):
        raise InputError(
            tr(
                "layer {layer!r} not found in {name!r}: a GeoParquet file has one "
                "layer, {stem!r}. Remove layer from the config.",
                layer=layer,
                name=source.name,
                stem=source.stem,
            )
        )
    try:
        checked = _read_wkb_parquet(source)
        return gpd.read_parquet(source) if checked is None else checked
    except (pa.ArrowException, ValueError, OSError, shapely.errors.ShapelyError) as err:
        raise _unreadable(
            source,
            "boundaries",
            err,
            tr(
                "It may be truncated or a plain (non-geo) Parquet file; re-export "
                "it as GeoParquet from a GIS, or as GeoPackage."
            ),
        ) from err


def _read_wkb_parquet(source: Path) -> gpd.GeoDataFrame | None:
    """Read a plain GeoParquet file (one WKB geometry column), checked meanwhile.

    The frame of ``geopandas.read_parquet`` (the same columns, index and
    CRS), built from :func:`geo_priority.io.geoparquet.take`: the file decoded a
    batch at a time, each batch's validity checked in other threads while
    the next is decoded (perhaps started before pandas was imported), and
    noted (:func:`geo_priority.geometry.note_validity`), so that preparing
    the layer does not check it again after the read (the national desa:
    1.2 CPU-s). None for any other GeoParquet file, which geopandas reads.
    """
    decoded = geoparquet.take(source)
    if decoded is None:
        return None
    frame = pa.Table.from_batches(decoded.rest, decoded.rest[0].schema).to_pandas()
    geometry = gpd.array.from_shapely(decoded.geometries, crs=decoded.crs)
    columns = list(decoded.schema.empty_table().to_pandas().columns)
    frame.insert(columns.index(decoded.name), decoded.name, geometry)
    gdf = gpd.GeoDataFrame(frame, geometry=decoded.name)
    note_validity(np.asarray(gdf.geometry.array, dtype=object), decoded.valid)
    return gdf


def _codes_to_text(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn numeric attribute columns with code-like names into text."""
    for col in gdf.columns:
        if (
            col != gdf.geometry.name
            and looks_like_code_column(col)
            and _is_number_dtype(gdf[col].dtype)
        ):
            gdf[col] = codes_as_text(gdf[col])
    return gdf


def _crs_label(crs: CRS) -> str:
    """Return ``EPSG:xxxx`` when the CRS has an authority code, else its name."""
    authority = crs.to_authority()
    return ":".join(authority) if authority else shorten_text(crs.name)


def _parse_crs(crs: str, source: Path) -> CRS:
    """Parse a user-given CRS string."""
    try:
        return CRS.from_user_input(crs)
    except ProjCRSError as err:
        raise CRSError(
            tr(
                "crs={value!r} given for boundaries {name!r} is not a valid CRS. Use "
                'an EPSG code such as "EPSG:4326" or "EPSG:23833".',
                value=shorten_text(crs),
                name=source.name,
            )
        ) from err


def _missing_crs(source: Path) -> CRSError:
    """Build the error for a layer without CRS."""
    shapefile = source.suffix.lower() in (".shp", ".zip")
    tail = tr("add a .prj file") if shapefile else tr("re-export the file with its CRS")
    return CRSError(
        tr(
            'boundaries {name!r} have no CRS. Set one with crs="EPSG:4326" in '
            "the [boundaries] section of the config (CLI: --boundaries-crs "
            "EPSG:4326), or {tail}.",
            name=source.name,
            tail=tail,
        )
    )


def _apply_crs(
    gdf: gpd.GeoDataFrame, source: Path, crs: str | None
) -> gpd.GeoDataFrame:
    """Check the layer's CRS, or set ``crs`` when the file has none."""
    if crs is None:
        if gdf.crs is None:
            raise _missing_crs(source)
        return gdf
    wanted = _parse_crs(crs, source)
    if gdf.crs is None:
        return gdf.set_crs(wanted)
    if gdf.crs.equals(wanted, ignore_axis_order=True):
        return gdf
    if implausible_coordinates(gdf) is not None:  # a wrong label (GeoJSON's
        return gdf.set_crs(wanted, allow_override=True)  # default): relabel
    raise CRSError(
        tr(
            "boundaries {name!r} have CRS {value!r}, but crs={value2!r} was "
            "given. Remove crs to use the file's CRS, or fix the file's CRS if "
            "it is wrong (crs only fills in a missing one; it does not "
            "reproject).",
            name=source.name,
            value=_crs_label(gdf.crs),
            value2=shorten_text(crs),
        )
    )


def read_boundaries(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a boundary layer from any vector format GDAL or geopandas reads.

    GeoJSON, GeoPackage, Shapefile (``.shp`` or zipped ``.zip``), FlatGeobuf
    and GeoParquet (``.parquet``/``.geoparquet``) are supported. Numeric
    attribute columns whose names look like codes (see
    :func:`~geo_priority.io.table.looks_like_code_column`) are turned into
    text without ``.0`` (``3601.0`` -> ``"3601"``); text columns are left as
    read. Geometries are not repaired and not reprojected.

    Parameters
    ----------
    path : path-like
        Vector file.
    layer : str, optional
        Layer to read. Needed when the file has several spatial layers (a
        GeoPackage, or a zip holding several shapefiles).
    crs : str, optional
        CRS to assign when the file has none, e.g. ``"EPSG:4326"``, or when
        the file's geographic CRS does not fit its coordinates (GeoJSON is
        read as EPSG:4326 even when it holds UTM metres). If the file has a
        different, fitting CRS, an error is raised.

    Returns
    -------
    geopandas.GeoDataFrame
        With ``attrs`` ``source`` (path as str), ``kind`` (``"boundaries"``)
        and ``layer``.

    Raises
    ------
    InputError
        Missing or unreadable file; unknown layer; several layers and no
        ``layer``.
    CRSError
        No CRS and no ``crs``; ``crs`` differs from the file's CRS; invalid
        ``crs``; coordinates outside the range of the CRS (projected metres
        labelled EPSG:4326), saying what they look like.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> path = Path(tempfile.mkdtemp()) / "desa.gpkg"
    >>> gdf = gpd.GeoDataFrame(
    ...     {"kode": [3601]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    ... )
    >>> _ = write_layer(gdf, path)
    >>> read_boundaries(path)["kode"].tolist()
    ['3601']
    """
    source = _check_file(path, "boundaries")
    gdf, layer_name = _read_layer(source, layer)
    gdf = _apply_crs(gdf, source, crs)
    check_plausible_coordinates(gdf, tr("the boundaries {name!r}", name=source.name))
    gdf.attrs.update(source=str(source), kind="boundaries", layer=layer_name)
    return gdf


def _read_only_layer(source: Path) -> gpd.GeoDataFrame:
    """Read the one layer of a single-layer file, refusing one without geometry.

    Listing the layers first would parse a GeoJSON twice (GDAL reads the whole
    file to tell a layer's geometry type).
    """
    gdf = _read_ogr(source, None)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise _no_spatial_layer(source, [source.stem])
    return gdf


def _read_layer(source: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, str]:
    """Read a layer with code-like columns as text; return it and its name."""
    if _is_parquet(source):
        gdf, layer_name = _read_geoparquet(source, layer), source.stem
    elif layer is None and source.suffix.lower() in _SINGLE_LAYER_SUFFIXES:
        gdf, layer_name = _read_only_layer(source), source.stem
    else:
        layer_name = _choose_layer(source, layer)
        gdf = _read_ogr(source, layer_name)
    return _codes_to_text(gdf), layer_name


def read_vector(
    path: str | os.PathLike[str], /, *, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read a vector layer as :func:`read_boundaries` does, but leave its CRS.

    Code-like numeric columns become text as in :func:`read_boundaries`; the
    CRS is returned as the file states it (None when it states none), for
    callers that check it against their own record (the boundary registry).

    Parameters
    ----------
    path : path-like
        Vector file.
    layer : str, optional
        Layer to read; needed when the file has several spatial layers.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    InputError
        Missing or unreadable file; unknown layer; several layers and no
        ``layer``.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> path = Path(tempfile.mkdtemp()) / "desa.fgb"
    >>> gdf = gpd.GeoDataFrame(
    ...     {"kode": [3601]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    ... )
    >>> _ = write_layer(gdf, path)
    >>> read_vector(path)["kode"].tolist()
    ['3601']
    """
    source = _check_file(path, "boundaries")
    return _read_layer(source, layer)[0]
