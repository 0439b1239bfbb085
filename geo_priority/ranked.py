"""The ranked table: areas in priority order with the columns a reader needs.

One column order for every ranked table (the run's ``_peringkat.csv``, the
export tables, the GeoPackage's ``peringkat`` table), whether it is made from
an :class:`~geo_priority.analysis.Analysis` or from a scored layer read back.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo_priority.analytics_stage import analytics_columns
from geo_priority.official_rule import OFFICIAL_PRIORITY
from geo_priority.output_config import RESTRICTED_COLUMN
from geo_priority.robustness import ROBUSTNESS_COLUMNS
from geo_priority.schema import (
    CLASS,
    CONTRIB_PREFIX,
    ID,
    LABEL,
    NAME,
    PLACE,
    RANK,
    SCORE,
)
from geo_priority.score import RANK_BAND_BEST, RANK_BAND_WORST, SCORE_BASIS

__all__ = ["ranked_rows"]


def ranked_rows(areas: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Return ``areas`` as the ranked table: highest priority first.

    Parameters
    ----------
    areas : pandas.DataFrame
        Scored areas (a GeoDataFrame's geometry is left out).
    keys : sequence of str
        The indicator columns, in the order they are shown.

    Returns
    -------
    pandas.DataFrame
        Code, name, place, rank (then ``rank_median``, ``rank_low``,
        ``rank_high``, ``p_class1`` with rank robustness), score, class, label
        (then ``official_priority``), the indicators, their contributions,
        ``imputed`` and the hotspot and progress columns, each where present.
    """
    contrib = [c for c in areas.columns if str(c).startswith(CONTRIB_PREFIX)]
    wanted = [
        ID,
        NAME,
        PLACE,
        RANK,
        *ROBUSTNESS_COLUMNS,
        SCORE,
        CLASS,
        LABEL,
        OFFICIAL_PRIORITY,
        *keys,
        *contrib,
        "imputed",
        SCORE_BASIS,
        RANK_BAND_BEST,
        RANK_BAND_WORST,
        RESTRICTED_COLUMN,
        *analytics_columns(areas.columns),
    ]
    table = pd.DataFrame(areas[[c for c in dict.fromkeys(wanted) if c in areas]])
    return table.sort_values([RANK, ID], na_position="last").reset_index(drop=True)
