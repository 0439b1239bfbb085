"""Who neighbours whom for the hotspot test: contiguity, then islands.

Neighbours are areas that touch (libpysal contiguity: ``queen`` = a shared
border or corner, ``rook`` = a shared border). An area with no touching
neighbour (an island) either borrows its ``k`` nearest areas in the same
kab/kota — the same province for kab/kota areas — measured between centroids
in a metric CRS (:func:`island_neighbours`), or is left out of the test.

Pure: no I/O.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> squares = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 0, 6, 1)])
>>> contiguity(squares, "rook")
[[1], [0], []]
>>> group_key("36.04.13.2009"), group_key("3604"), group_key("36")
('3604', '36', '')
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import geopandas as gpd
import numpy as np

from geo_priority.hotspots_config import WeightsKind

__all__ = ["contiguity", "group_key", "island_neighbours", "metric_centroids"]


def contiguity(geometry: gpd.GeoSeries, kind: WeightsKind) -> list[list[int]]:
    """Return the touching neighbours of every area, as positions.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        The areas' polygons (no missing or empty geometry).
    kind : {"queen", "rook"}
        ``queen``: a shared border or corner; ``rook``: a shared border.

    Returns
    -------
    list of list of int
        ``result[i]`` lists the positions of the areas touching area ``i``
        (sorted; empty for an island).
    """
    frame = gpd.GeoDataFrame(geometry=geometry.reset_index(drop=True))
    from libpysal import weights  # imported when used: see hotspots_stats

    builder = weights.Queen if kind == "queen" else weights.Rook
    with warnings.catch_warnings():  # islands and disconnected parts are handled
        warnings.simplefilter("ignore")  # by the caller, with a note
        w = builder.from_dataframe(frame, use_index=False, silence_warnings=True)
    return [sorted(int(j) for j in w.neighbors.get(i, ())) for i in range(len(frame))]


def group_key(area_id: str) -> str:
    """Return the code of the region within which an island seeks neighbours.

    The kab/kota (first 4 digits of a Kemendagri or BPS code) for desa and
    kecamatan codes, the province (first 2 digits) for kab/kota codes, and
    ``""`` (everywhere) for province codes.

    Parameters
    ----------
    area_id : str
        A canonical area code (``36.04.13.2009`` or ``3604130009``).

    Returns
    -------
    str
        The digits of the group's code.
    """
    digits = "".join(ch for ch in str(area_id) if ch.isdigit())
    if len(digits) > 4:
        return digits[:4]
    if len(digits) > 2:
        return digits[:2]
    return ""


def metric_centroids(geometry: gpd.GeoSeries) -> np.ndarray:
    """Return the areas' centroids as an ``(n, 2)`` array in metres.

    A layer in degrees is projected to its UTM zone
    (:meth:`geopandas.GeoSeries.estimate_utm_crs`) first; a projected layer
    (or one without a CRS) is used as it is.
    """
    if geometry.crs is not None and geometry.crs.is_geographic:
        geometry = geometry.to_crs(geometry.estimate_utm_crs())
    centroids = geometry.centroid
    return np.column_stack([centroids.x.to_numpy(), centroids.y.to_numpy()])


def island_neighbours(
    islands: Sequence[int],
    groups: Sequence[str],
    centroids: np.ndarray,
    k: int,
) -> dict[int, list[int]]:
    """Return the ``k`` nearest areas of the same group for every island.

    Parameters
    ----------
    islands : sequence of int
        Positions of the areas with no touching neighbour.
    groups : sequence of str
        Every area's group (:func:`group_key`).
    centroids : numpy.ndarray
        Every area's centroid, ``(n, 2)``, in a metric CRS.
    k : int
        Neighbours per island (fewer when the group has fewer other areas).

    Returns
    -------
    dict of int to list of int
        Island position -> its neighbours' positions, nearest first. An island
        alone in its group is absent.
    """
    group_array = np.asarray(groups, dtype=object)
    result: dict[int, list[int]] = {}
    for i in islands:
        mates = np.flatnonzero(group_array == group_array[i])
        mates = mates[mates != i]
        if mates.size == 0:
            continue
        distance = np.hypot(*(centroids[mates] - centroids[i]).T)
        order = np.lexsort((mates, distance))  # ties: the lower position first
        result[int(i)] = [int(j) for j in mates[order[:k]]]
    return result
