"""Write GIS layers with pyogrio, atomically (the writing half of :mod:`vector`).

One layer per file; a Shapefile is written with its sidecars as one set, its
long or colliding field names refused or warned about before anything is
written.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import pyogrio

from geo_priority.errors import GeoPriorityWarning, InputError, SchemaError
from geo_priority.formatting import shorten_list, shorten_text
from geo_priority.io.output import _prepare_parent, _remove, atomic_path, check_outputs
from geo_priority.messages import tr

__all__ = ["write_layer"]

_SHAPEFILE = "ESRI Shapefile"
_GEOPARQUET = "GeoParquet"
#: Output driver by file extension; unknown extensions are refused, not guessed.
_EXTENSION_TO_DRIVER: dict[str, str] = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": _SHAPEFILE,
    ".fgb": "FlatGeobuf",
    ".parquet": _GEOPARQUET,
    ".geoparquet": _GEOPARQUET,
}
#: Other accepted spellings of ``driver=`` (after :func:`_driver_key`).
_DRIVER_ALIASES: dict[str, str] = {
    "shapefile": _SHAPEFILE,
    "geopackage": "GPKG",
    "flatgeobuf": "FlatGeobuf",
}
#: Files that belong to one shapefile and must move (and be replaced) together.
_SHAPEFILE_SIDECARS: tuple[str, ...] = (
    ".shp",
    ".shx",
    ".dbf",
    ".prj",
    ".cpg",
    ".qix",
    ".sbn",
    ".sbx",
    ".shp.xml",
)


def _driver_key(name: str) -> str:
    """Normalise a driver name or extension for lookup."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _lookup_driver(driver: str) -> str:
    """Return the canonical driver name for ``driver`` (name or extension)."""
    key = _driver_key(driver)
    known = {_driver_key(d): d for d in _EXTENSION_TO_DRIVER.values()}
    known |= {_driver_key(ext): d for ext, d in _EXTENSION_TO_DRIVER.items()}
    known |= _DRIVER_ALIASES
    if key in known:
        return known[key]
    choices = ", ".join(sorted(set(_EXTENSION_TO_DRIVER.values())))
    raise InputError(
        tr(
            "unknown driver {value!r}. Choose one of: {choices}.",
            value=shorten_text(driver),
            choices=choices,
        )
    )


def _resolve_driver(target: Path, driver: str | None) -> str:
    """Return ``driver``, or the driver the extension of ``target`` implies."""
    if driver is not None:
        return _lookup_driver(driver)
    suffix = target.suffix.lower()
    if suffix in _EXTENSION_TO_DRIVER:
        return _EXTENSION_TO_DRIVER[suffix]
    raise InputError(
        tr(
            "cannot tell the output format of {name!r} from its extension "
            '{suffix!r}. Use one of {value} (GeoPackage, ".gpkg", is '
            "recommended), or pass driver.",
            name=target.name,
            suffix=suffix,
            value=", ".join(sorted(_EXTENSION_TO_DRIVER)),
        )
    )


def _check_shapefile_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Warn about (or refuse) column names a Shapefile would cut to 10 chars."""
    names = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    long = [n for n in names if len(n) > 10]
    if not long:
        return gdf
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[name[:10].lower()].append(name)
    clashes = [g for g in groups.values() if len(g) > 1 and any(n in long for n in g)]
    if clashes:
        shown = "; ".join(f"{shorten_list(g)} -> {g[0][:10]!r}" for g in clashes[:5])
        raise SchemaError(
            tr(
                "Shapefile column names are cut to 10 characters, which would make "
                "these columns identical: {shown}. Rename them, or write a "
                "GeoPackage (.gpkg) instead.",
                shown=shown,
            )
        )
    renames = {n: n[:10] for n in long}
    shown = shorten_list(f"{old} -> {new}" for old, new in renames.items())
    warnings.warn(
        tr(
            "Shapefile column names are limited to 10 characters; {n_long} "
            "column(s) will be renamed: {shown}. Write a GeoPackage (.gpkg) to "
            "keep the full names.",
            n_long=len(long),
            shown=shown,
        ),
        GeoPriorityWarning,
        stacklevel=3,
    )
    return gdf.rename(columns=renames)


def _shapefile_parts(target: Path) -> list[Path]:
    """Return the existing sidecar files of the shapefile ``target``."""
    stem = target.name[: -len(target.suffix)] if target.suffix else target.name
    candidates = [target.with_name(stem + ext) for ext in _SHAPEFILE_SIDECARS]
    return [p for p in candidates if p.exists()]


def _write_shapefile(gdf: gpd.GeoDataFrame, target: Path, *, overwrite: bool) -> None:
    """Write a shapefile in a temporary folder, then move all its files."""
    old_parts = _shapefile_parts(target)
    check_outputs(old_parts, overwrite=overwrite)
    parent = _prepare_parent(target)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
    try:
        pyogrio.write_dataframe(
            gdf, tmpdir / target.name, driver=_SHAPEFILE, layer=target.stem
        )
        new_parts = sorted(tmpdir.iterdir())
        for part in old_parts:
            if part.name not in {p.name for p in new_parts}:
                part.unlink()
        for part in new_parts:
            os.replace(part, parent / part.name)
    finally:
        _remove(tmpdir)


def _write_single(gdf: gpd.GeoDataFrame, tmp: Path, driver: str, layer: str) -> None:
    """Write a one-file format to ``tmp``."""
    if driver == _GEOPARQUET:
        gdf.to_parquet(tmp)
    else:
        pyogrio.write_dataframe(gdf, tmp, driver=driver, layer=layer)


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    driver: str | None = None,
    layer: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a GeoDataFrame as a GIS layer, atomically.

    The driver comes from the extension (``.gpkg``, ``.geojson``/``.json``,
    ``.shp``, ``.fgb``, ``.parquet``/``.geoparquet``) unless ``driver`` is
    given; unknown extensions are refused rather than guessed. The file is
    written under a temporary name and moved into place only when complete
    (shapefiles: all sidecar files move together). An existing file is
    replaced as a whole: other layers of an existing GeoPackage are lost.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Layer to write (its CRS is kept; nothing is reprojected).
    path : path-like
        Output file; missing folders are created.
    driver : str, optional
        ``"GPKG"``, ``"GeoJSON"``, ``"ESRI Shapefile"``, ``"FlatGeobuf"`` or
        ``"GeoParquet"`` (case-insensitive; extensions such as ``"shp"`` work).
    layer : str, optional
        Layer name; default the file name without extension. Ignored for
        Shapefile and GeoParquet.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        Unknown extension or driver; the folder is not writable.
    OutputExistsError
        The file (or a shapefile sidecar) exists and ``overwrite`` is False.
    SchemaError
        Shapefile would cut two column names to the same 10 characters.

    Warns
    -----
    GeoPriorityWarning
        Before writing, when Shapefile will cut column names to 10 characters.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> write_layer(gdf, Path(tempfile.mkdtemp()) / "out.fgb").suffix
    '.fgb'
    """
    target = Path(path)
    name = _resolve_driver(target, driver)
    check_outputs([target], overwrite=overwrite)
    if name == _SHAPEFILE:
        _write_shapefile(_check_shapefile_columns(gdf), target, overwrite=overwrite)
        return target
    with atomic_path(target, overwrite=overwrite) as tmp:
        _write_single(gdf, tmp, name, layer or target.stem)
    return target
