"""Zonal statistics: per-area indicators from rasters (population, night lights).

The exact part is done by `exactextract <https://isciences.github.io/exactextract/>`_:
every pixel counts with the fraction of it that an area covers, so a small desa
covered by a few pixels (or by part of one) gets the right share, and an area
smaller than a pixel still gets a value. Pixels equal to the raster's nodata
value are left out. When the areas and the raster use different CRS, the areas
are reprojected to the raster's CRS (the raster is never resampled) and a
warning says so.

The result is a plain table keyed by ``area_id`` that any indicator table can
be: write it to CSV and name it in ``[[tables]]`` (``code_column =
"area_id"``), or join it to the areas yourself.

Examples
--------
>>> import tempfile
>>> import geopandas as gpd
>>> import numpy as np
>>> from shapely.geometry import box
>>> from geo_priority.io.raster import Affine, write_cog
>>> path = Path(tempfile.mkdtemp()) / "pop.tif"
>>> _ = write_cog(np.full((4, 4), 10.0, "float32"), path, nodata=-1.0,
...               transform=Affine(1, 0, 0, 0, -1, 4), crs="EPSG:32748")
>>> areas = gpd.GeoDataFrame({"area_id": ["A", "B"]}, crs="EPSG:32748",
...                          geometry=[box(0, 0, 2, 2), box(2, 2, 2.5, 2.5)])
>>> zonal_statistics(areas, path, stats=["sum", "mean"], prefix="pop")
  area_id  pop_sum  pop_mean
0       A     40.0      10.0
1       B      2.5      10.0
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from exactextract import exact_extract
from exactextract.raster import RasterioRasterSource
from shapely.geometry import box

from geo_priority.errors import (
    ConfigError,
    CRSError,
    GeoPriorityWarning,
    InputError,
    MissingDataWarning,
    SchemaError,
)
from geo_priority.io.raster import RasterReader, open_raster
from geo_priority.messages import tr
from geo_priority.schema import ID, NAME

__all__ = ["STATS", "zonal_statistics"]

#: Statistic name -> exactextract operation. All are weighted by the fraction
#: of each pixel that the area covers. Percentiles are written ``p<N>``
#: (``p10``, ``p90``) and map to ``quantile(q=N/100)``.
STATS: dict[str, str] = {
    "sum": "sum",
    "mean": "mean",
    "count": "count",
    "min": "min",
    "max": "max",
    "median": "median",
    "stdev": "stdev",
    "majority": "majority",
}
_PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d+)?)")


def _operation(stat: str) -> str:
    """Return the exactextract operation of statistic ``stat``."""
    key = stat.strip().lower()
    if key in STATS:
        return STATS[key]
    match = _PERCENTILE.fullmatch(key)
    if match and 0 < float(match.group(1)) < 100:
        return f"quantile(q={float(match.group(1)) / 100:g})"
    raise ConfigError(
        tr(
            "unknown zonal statistic {stat!r}. Choose from: {value}, or a "
            "percentile written p1 to p99 (e.g. 'p10', 'p90').",
            stat=stat,
            value=", ".join(STATS),
        )
    )


def _check_areas(areas: gpd.GeoDataFrame) -> None:
    """Raise when the areas cannot be summarised."""
    if ID not in areas.columns:
        raise SchemaError(
            tr(
                "areas have no {ID!r} column (columns: {value!r}). Prepare them with "
                "harmonise.prepare_boundaries or pipeline.load_areas.",
                ID=ID,
                value=list(areas.columns)[:8],
            )
        )
    if areas.crs is None:
        raise CRSError(
            tr(
                "areas have no CRS, so they cannot be placed on the raster. Set it "
                "with areas.set_crs('EPSG:4326') (or the CRS they are in)."
            )
        )


def _crs_label(crs: object) -> str:
    """Return ``EPSG:xxxx`` or a shortened name for messages."""
    epsg = getattr(crs, "to_epsg", lambda: None)()
    return f"EPSG:{epsg}" if epsg else str(getattr(crs, "name", crs))[:50]


def _to_raster_crs(
    areas: gpd.GeoDataFrame, src: RasterReader, name: str
) -> gpd.GeoDataFrame:
    """Reproject the areas to the raster's CRS, warning when that was needed."""
    if areas.crs.equals(src.crs.to_wkt(), ignore_axis_order=True):
        return areas
    target = src.crs.to_wkt()
    warnings.warn(
        tr(
            "areas ({value}) and raster {name!r} ({value2}) use different CRS; "
            "reprojecting the areas to {value2} for zonal statistics (the raster "
            "is not resampled).",
            value=_crs_label(areas.crs),
            name=name,
            value2=_crs_label(src.crs),
        ),
        GeoPriorityWarning,
        stacklevel=3,
    )
    return areas.to_crs(target)


def _check_overlap(areas: gpd.GeoDataFrame, src: RasterReader, name: str) -> None:
    """Raise when no area touches the raster."""
    footprint = box(*src.bounds)
    if areas.geometry.intersects(footprint).any():
        return
    shown = ", ".join(f"{v:.4g}" for v in areas.total_bounds)
    raster = ", ".join(f"{v:.4g}" for v in src.bounds)
    raise InputError(
        tr(
            "raster {name!r} does not overlap any of the {n_areas} areas (raster "
            "bounds {raster}; area bounds {shown}, both in {value}). Check that "
            "it covers the same region and that its CRS is right.",
            name=name,
            n_areas=len(areas),
            raster=raster,
            shown=shown,
            value=_crs_label(src.crs),
        )
    )


def _extract(
    areas: gpd.GeoDataFrame, src: RasterReader, band: int, ops: list[str]
) -> pd.DataFrame:
    """Run exactextract: one row per area (in order), one column per operation.

    Areas with a missing or empty geometry get NaN.
    """
    usable = ~(areas.geometry.isna() | areas.geometry.is_empty).to_numpy()
    vec = gpd.GeoDataFrame(
        {"_row": np.flatnonzero(usable)},
        geometry=areas.geometry.to_numpy()[usable],
        crs=areas.crs,
    )
    named = [f"s{i}={op}" for i, op in enumerate(ops)]
    with warnings.catch_warnings():
        # the CRS was checked (and the areas reprojected) above
        warnings.filterwarnings("ignore", message="Spatial reference system")
        out = exact_extract(
            RasterioRasterSource(src, band),
            vec,
            named,
            include_cols=["_row"],
            output="pandas",
        )
    out = pd.DataFrame(out).set_index("_row").reindex(range(len(areas)))
    out.insert(0, ID, areas[ID].astype("string").to_numpy())
    return out.reset_index(drop=True)


def _blank_empty(
    values: pd.DataFrame, counts: pd.Series, name: str, nodata: float | None
) -> pd.DataFrame:
    """Set every statistic to NaN for areas without a single valid pixel."""
    empty = (counts.fillna(0) <= 0).to_numpy()
    if empty.all():
        raise InputError(
            tr(
                "raster {name!r} holds only nodata (nodata={nodata!r}) over all "
                "{n_values} areas, so no statistic can be computed. Check the band "
                "and the nodata value, or use another raster.",
                name=name,
                nodata=nodata,
                n_values=len(values),
            )
        )
    if empty.any():
        examples = ", ".join(repr(v) for v in values.loc[empty, ID].head(5))
        warnings.warn(
            tr(
                "{value} of {n_values} areas have no valid pixel in raster {name!r} "
                "(outside it, or nodata only; e.g. {examples}); their statistics are "
                "left empty (NaN).",
                value=int(empty.sum()),
                n_values=len(values),
                name=name,
                examples=examples,
            ),
            MissingDataWarning,
            stacklevel=3,
        )
        values.loc[empty, values.columns != ID] = np.nan
    return values


def zonal_statistics(
    areas: gpd.GeoDataFrame,
    raster: str | os.PathLike[str],
    /,
    *,
    stats: Sequence[str] = ("sum", "mean"),
    prefix: str | None = None,
    band: int = 1,
) -> pd.DataFrame:
    """Summarise a raster band per area, weighting pixels by coverage.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Prepared areas with ``area_id`` (and optionally ``area_name``) and a CRS.
    raster : path-like
        Any raster GDAL reads, with a CRS.
    stats : sequence of str
        Statistics from :data:`STATS` or percentiles ``p1``..``p99``.
    prefix : str, optional
        Prefix of the output columns (``<prefix>_<stat>``); default the raster's
        file name without extension.
    band : int, default 1
        Band to summarise.

    Returns
    -------
    pandas.DataFrame
        One row per area, in the areas' order: ``area_id``, ``area_name`` (when
        the areas have it) and one float column per statistic. Areas without a
        valid pixel get NaN.

    Raises
    ------
    ConfigError
        Unknown statistic.
    SchemaError
        The areas have no ``area_id``.
    CRSError
        The areas or the raster have no CRS.
    InputError
        The raster is unreadable, does not overlap the areas, or is nodata over
        all of them.

    Warns
    -----
    GeoPriorityWarning
        When the areas are reprojected to the raster's CRS.
    MissingDataWarning
        When some areas have no valid pixel.
    """
    ops = [_operation(s) for s in stats]
    _check_areas(areas)
    source = Path(raster)
    columns = [f"{prefix or source.stem}_{s.strip().lower()}" for s in stats]
    with open_raster(source, band=band) as src:
        vec = _to_raster_crs(areas, src, source.name)
        _check_overlap(vec, src, source.name)
        values = _extract(vec, src, band, [*ops, "count"])
        nodata = src.nodata
    values.columns = [ID, *columns, "_count"]
    values = _blank_empty(values, values.pop("_count"), source.name, nodata)
    if NAME in areas.columns:
        values.insert(1, NAME, areas[NAME].to_numpy())
    return values
