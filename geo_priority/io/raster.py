"""Read and write rasters with rasterio: the only module that imports it.

Readers check what later stages rely on: the file opens, it has a CRS and the
band exists. The writer produces Cloud-Optimised GeoTIFFs (GDAL's ``COG``
driver: tiled, compressed, with overviews) atomically, optionally with a colour
table. :func:`rasterize` burns shapes into a grid in memory (rasterio's
``features.rasterize``), so the stages that build rasters as arrays need not
import rasterio themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import rasterio
from pyproj import CRS
from rasterio import features
from rasterio.errors import RasterioError
from rasterio.io import DatasetReader
from rasterio.transform import Affine

from geo_priority.errors import CRSError, InputError
from geo_priority.io.file_checks import check_file as _check_file
from geo_priority.io.file_checks import unreadable as _unreadable
from geo_priority.io.output import atomic_path
from geo_priority.messages import tr

__all__ = ["Affine", "RasterReader", "open_raster", "rasterize", "write_cog"]


def _raster_hint() -> str:
    """Say what to do with a raster that cannot be read."""
    return tr(
        "It may be truncated or not a raster GDAL reads; re-export it as GeoTIFF."
    )


#: rasterio's colour tables are 8-bit RGBA.
Colour = tuple[int, int, int, int]
#: An open raster, as :func:`open_raster` yields it.
RasterReader: TypeAlias = DatasetReader


def _check_band(src: RasterReader, band: int, source: Path) -> None:
    """Raise when ``band`` is not a band of ``src``."""
    if not 1 <= band <= src.count:
        raise InputError(
            tr(
                "raster {name!r} has {count} band(s); band={band!r} does not exist. "
                "Use a band from 1 to {count}.",
                name=source.name,
                count=src.count,
                band=band,
            )
        )


def _check_crs(src: RasterReader, source: Path) -> None:
    """Raise when the raster has no CRS (its pixels cannot be placed)."""
    if src.crs is None or not src.crs.to_wkt():
        raise CRSError(
            tr(
                "raster {name!r} has no CRS, so its pixels cannot be placed on the "
                "areas. Assign the right one, e.g. with 'gdal_edit.py -a_srs "
                "EPSG:4326 {name}', or re-export it with its CRS.",
                name=source.name,
            )
        )


@contextmanager
def open_raster(
    path: str | os.PathLike[str], /, *, band: int = 1
) -> Iterator[RasterReader]:
    """Open a raster for reading after checking its CRS and band.

    Parameters
    ----------
    path : path-like
        Any raster GDAL reads (GeoTIFF, COG, VRT, ...).
    band : int, default 1
        The band that will be read; it must exist.

    Yields
    ------
    rasterio.io.DatasetReader
        The open dataset; it is closed when the block ends.

    Raises
    ------
    InputError
        The file is missing or unreadable, or has no band ``band``.
    CRSError
        The raster has no CRS.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import Affine
    >>> path = Path(tempfile.mkdtemp()) / "one.tif"
    >>> grid = Affine(1, 0, 0, 0, -1, 4)
    >>> _ = write_cog(np.ones((4, 4), "uint8"), path, transform=grid,
    ...               crs="EPSG:32748", nodata=0)
    >>> with open_raster(path) as src:
    ...     src.crs.to_epsg()
    32748
    """
    source = _check_file(path, "raster")
    try:
        src = rasterio.open(source)
    except (RasterioError, OSError) as err:
        raise _unreadable(source, "raster", err, _raster_hint()) from err
    try:
        _check_crs(src, source)
        _check_band(src, band, source)
        yield src
    finally:
        src.close()


def _cog_profile(
    array: np.ndarray, transform: Affine, crs: CRS | str, nodata: float | None
) -> dict[str, object]:
    """Return the creation options of a single-band COG."""
    return {
        "driver": "COG",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": array.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "compress": "DEFLATE",
        "blocksize": 256,
        "overviews": "AUTO",
        "overview_resampling": "NEAREST",
        "bigtiff": "IF_SAFER",
    }


def write_cog(
    array: np.ndarray,
    path: str | os.PathLike[str],
    /,
    *,
    transform: Affine,
    crs: CRS | str,
    nodata: float | None,
    colours: Mapping[int, Colour] | None = None,
    tags: Mapping[str, str] | None = None,
    description: str = "",
    overwrite: bool = False,
) -> Path:
    """Write a 2-D array as a single-band Cloud-Optimised GeoTIFF, atomically.

    Parameters
    ----------
    array : numpy.ndarray
        Two-dimensional pixel values.
    path : path-like
        Output ``.tif`` file.
    transform : affine.Affine
        Pixel-to-CRS transform.
    crs : pyproj.CRS or str
        CRS of ``transform``.
    nodata : float or None
        Value marking pixels without data.
    colours : mapping of int to (r, g, b, a), optional
        Colour table (byte or uint16 rasters only).
    tags : mapping of str to str, optional
        Dataset metadata items.
    description : str
        Band description.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.
    InputError
        The folder is not writable, or GDAL failed to write.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import Affine
    >>> out = write_cog(np.zeros((2, 2), "uint8"), Path(tempfile.mkdtemp()) / "z.tif",
    ...                 transform=Affine(100, 0, 0, 0, -100, 200), crs="EPSG:32748",
    ...                 nodata=0, colours={1: (255, 0, 0, 255)})
    >>> out.suffix
    '.tif'
    """
    profile = _cog_profile(array, transform, crs, nodata)
    with atomic_path(path, overwrite=overwrite) as tmp:
        try:
            with rasterio.open(tmp, "w", **profile) as dst:
                dst.write(array, 1)
                if colours:
                    dst.write_colormap(1, dict(colours))
                if tags:
                    dst.update_tags(**tags)
                if description:
                    dst.set_band_description(1, description)
        except (RasterioError, OSError) as err:
            raise InputError(
                tr(
                    "GDAL could not write the raster {name!r}: {err}. Check the free "
                    "disk space and the output folder.",
                    name=Path(path).name,
                    err=err,
                )
            ) from err
    return Path(path)


def rasterize(
    shapes: Iterable[tuple[Any, int]],
    /,
    *,
    transform: Affine,
    out_shape: tuple[int, int] | None = None,
    out: np.ndarray | None = None,
    fill: int = 0,
    dtype: str | None = None,
    all_touched: bool = False,
) -> np.ndarray:
    """Burn ``(geometry, value)`` pairs into a grid (rasterio, in memory).

    Parameters
    ----------
    shapes : iterable of (geometry, int)
        Shapely geometries (or GeoJSON-like mappings) and the value each burns.
    transform : affine.Affine
        Pixel-to-CRS transform of the grid.
    out_shape : (int, int), optional
        Rows and columns of a new grid; give this or ``out``.
    out : numpy.ndarray, optional
        An existing grid to burn into (changed in place and returned).
    fill : int, default 0
        Value of a new grid's pixels that no shape covers.
    dtype : str, optional
        Data type of a new grid.
    all_touched : bool, default False
        Burn every pixel a shape touches, not only those whose centre it
        covers.

    Returns
    -------
    numpy.ndarray
        The grid.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> rasterize([(box(0, 0, 2, 2), 7)], transform=Affine(1, 0, 0, 0, -1, 3),
    ...           out_shape=(3, 3), dtype="uint8").tolist()
    [[0, 0, 0], [7, 7, 0], [7, 7, 0]]
    """
    grid: np.ndarray = features.rasterize(
        shapes,
        out_shape=out_shape,
        out=out,
        fill=fill,
        transform=transform,
        all_touched=all_touched,
        dtype=dtype,
    )
    return grid
