"""Local Moran's I and Getis-Ord Gi* of one variable, with esda.

Binary weights from the neighbour lists, row-standardised for local Moran's
I; Gi* includes the area itself (weight 1 before row-standardising). Only the
statistics come from esda (``permutations=0``); the inference is in
:mod:`geo_priority.hotspots_inference`.

Examples
--------
>>> import numpy as np
>>> s = local_statistics(np.array([9.0, 8.0, 1.0, 0.0]), [[1], [0, 2], [1, 3], [2]])
>>> s.quadrant.tolist()
[1, 1, 3, 3]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # esda and libpysal take ~0.7 s to import: only when used
    from libpysal import weights

__all__ = ["LocalStatistics", "local_statistics"]


@dataclass(frozen=True)
class LocalStatistics:
    """Local statistics of every area.

    Attributes
    ----------
    moran_i : numpy.ndarray
        Local Moran's I.
    quadrant : numpy.ndarray
        Moran scatterplot quadrant: 1 high-high, 2 low-high, 3 low-low,
        4 high-low (esda's ``q``).
    gi_z : numpy.ndarray
        Gi* z-score (positive: high values around the area).
    """

    moran_i: np.ndarray
    quadrant: np.ndarray
    gi_z: np.ndarray


def _binary(neighbours: Sequence[Sequence[int]]) -> weights.W:
    from libpysal import weights

    lists = {i: [int(j) for j in nb] for i, nb in enumerate(neighbours)}
    w = weights.W(lists, silence_warnings=True)
    w.transform = "B"
    return w


def local_statistics(
    values: np.ndarray, neighbours: Sequence[Sequence[int]]
) -> LocalStatistics:
    """Return local Moran's I, its quadrant and the Gi* z of every area.

    Parameters
    ----------
    values : numpy.ndarray
        One finite value per area, not all equal.
    neighbours : sequence of sequence of int
        Every area's neighbours, as positions (at least one each).

    Returns
    -------
    LocalStatistics
    """
    with warnings.catch_warnings():  # asymmetric rows (islands' borrowed
        warnings.simplefilter("ignore")  # neighbours) are intended
        import esda

        moran_w = _binary(neighbours)
        moran_w.transform = "R"
        moran = esda.Moran_Local(values, moran_w, transformation="r", permutations=0)
        gi = esda.G_Local(
            values, _binary(neighbours), transform="R", star=True, permutations=0
        )
    return LocalStatistics(
        moran_i=np.asarray(moran.Is, dtype=float),
        quadrant=np.asarray(moran.q, dtype=int),
        gi_z=np.asarray(gi.Zs, dtype=float),
    )
