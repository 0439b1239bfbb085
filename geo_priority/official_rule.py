"""The official dual-criterion selection of priority areas, stated.

The government chose the extreme-poverty priority kab/kota on **both** the
extreme-poverty rate and the number of extreme poor:

* 2021 (tahap I): 5 kabupaten in each of 7 provinces, 35 in all, about 20 %
  of the extreme poor, "not only on the percentage ... but combined with the
  number of extreme poor" — the rate alone puts every choice in eastern
  Indonesia, the number alone in the west (Sekretariat Wakil Presiden press
  release, Republika 7 Oct 2021; TNP2K, *Penentuan Wilayah Prioritas
  Kemiskinan Ekstrem 2021-2024*, Aug 2022);
* 2022 (tahap II): 212 kab/kota in 25 provinces chosen on an "indeks
  kemiskinan ekstrem" so that they hold at least about 75 % of the extreme
  poor (same TNP2K brief; Kepmenko PMK 25/2022).

The published sources found do not give the formula that combines the two
criteria. :func:`official_priority` therefore states its reconstruction:
areas are ordered by the mean of their rank on the rate and their rank on
the number (equal weight, scale free), and either the first ``n`` (per group,
as 5 per province in 2021) or the first areas that together hold
``coverage`` of the extreme poor (75 % in 2022) are selected.

Examples
--------
>>> import pandas as pd
>>> areas = pd.DataFrame(
...     {"rate": [9.0, 1.0, 5.0, 2.0], "count": [900, 5000, 3000, 100]},
...     index=["A", "B", "C", "D"],
... )
>>> sel = official_priority(areas, "rate", "count", n=2)
>>> sel.selected
('C', 'A')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority.errors import ConfigError, ScoringError
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr

__all__ = [
    "OFFICIAL_COLUMNS",
    "OFFICIAL_COUNT_RANK",
    "OFFICIAL_CUM_SHARE",
    "OFFICIAL_ORDER",
    "OFFICIAL_PRIORITY",
    "OFFICIAL_RATE_RANK",
    "OfficialSelection",
    "official_priority",
]

OFFICIAL_RATE_RANK = "official_rate_rank"
OFFICIAL_COUNT_RANK = "official_count_rank"
OFFICIAL_ORDER = "official_order"
OFFICIAL_CUM_SHARE = "official_cum_share"
OFFICIAL_PRIORITY = "official_priority"
#: The columns :func:`official_priority` returns, in order.
OFFICIAL_COLUMNS = (
    OFFICIAL_RATE_RANK,
    OFFICIAL_COUNT_RANK,
    OFFICIAL_ORDER,
    OFFICIAL_CUM_SHARE,
    OFFICIAL_PRIORITY,
)
#: The 2022 rule: the selected areas hold at least this share of the poor.
COVERAGE_2022 = 0.75
#: The 2021 rule: this many kabupaten per province.
PER_PROVINCE_2021 = 5


@dataclass(frozen=True)
class OfficialSelection:
    """The areas an official dual-criterion rule selects.

    Attributes
    ----------
    frame : pandas.DataFrame
        On the input's index: ``official_rate_rank`` and
        ``official_count_rank`` (1 = highest), ``official_order`` (position
        in the combined order, 1 = first), ``official_cum_share`` (share of
        all extreme poor held by the areas up to this one, 0-1) and
        ``official_priority`` (True when selected). Areas without a rate or
        count get ``<NA>`` and are never selected.
    selected : tuple
        The index labels of the selected areas, in order.
    rule : str
        ``"top_n"`` or ``"coverage"``.
    method : str
        The method text, in the active language.
    notes : tuple of str
        Areas left out for a missing value.
    """

    frame: pd.DataFrame
    selected: tuple[object, ...]
    rule: str
    method: str
    notes: tuple[str, ...]


def _numbers(areas: pd.DataFrame, key: str, option: str) -> pd.Series:
    if key not in areas.columns:
        raise ScoringError(
            tr(
                "{option} names column {key!r}, which is not in the data. "
                "Available columns: {available}.",
                option=option,
                key=key,
                available=shorten_list(areas.columns, 12),
            )
        )
    values = pd.to_numeric(areas[key], errors="coerce").astype("float64")
    if (values < 0).any():
        raise ScoringError(
            tr(
                "column {key!r} has negative values, e.g. {value!r}; a rate or "
                "a number of poor is 0 or more.",
                key=key,
                value=float(values[values < 0].iloc[0]),
            )
        )
    return values


def _check_rule(n: int | None, coverage: float | None) -> str:
    if (n is None) == (coverage is None):
        raise ConfigError(
            tr(
                "the official rule needs exactly one of n (the first n areas, "
                "e.g. 5 per province as in 2021) or coverage (the share of the "
                "extreme poor to cover, e.g. 0.75 as in 2022); got n={n!r}, "
                "coverage={coverage!r}.",
                n=n,
                coverage=coverage,
            )
        )
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ConfigError(
            tr("official rule: n = {n!r}; use a whole number of 1 or more.", n=n)
        )
    if coverage is not None and not 0 < coverage <= 1:
        raise ConfigError(
            tr(
                "official rule: coverage = {coverage!r}; use a share above 0 and "
                "at most 1 (e.g. 0.75).",
                coverage=coverage,
            )
        )
    return "top_n" if n is not None else "coverage"


def _order(rate: pd.Series, count: pd.Series) -> pd.DataFrame:
    """Rank on each criterion and order by their mean (ties: count, rate)."""
    table = pd.DataFrame(
        {
            OFFICIAL_RATE_RANK: rate.rank(ascending=False, method="min"),
            OFFICIAL_COUNT_RANK: count.rank(ascending=False, method="min"),
            "_count": count,
            "_rate": rate,
        }
    )
    table["_mean"] = table[[OFFICIAL_RATE_RANK, OFFICIAL_COUNT_RANK]].mean(axis=1)
    ordered = table.sort_values(
        ["_mean", "_count", "_rate"], ascending=[True, False, False], kind="stable"
    )
    ordered[OFFICIAL_ORDER] = np.arange(1, len(ordered) + 1)
    total = float(ordered["_count"].sum())
    cum = ordered["_count"].cumsum() / total if total > 0 else ordered["_count"] * 0.0
    ordered[OFFICIAL_CUM_SHARE] = cum
    return ordered


def _select(
    ordered: pd.DataFrame,
    groups: pd.Series | None,
    n: int | None,
    coverage: float | None,
) -> pd.Series:
    if n is not None:
        if groups is None:
            return ordered[OFFICIAL_ORDER] <= n
        within = ordered.groupby(groups.loc[ordered.index], sort=False).cumcount()
        return within < n
    assert coverage is not None
    before = ordered[OFFICIAL_CUM_SHARE].shift(1, fill_value=0.0)
    return before < coverage - 1e-12


def official_priority(
    areas: pd.DataFrame,
    rate_key: str,
    count_key: str,
    /,
    *,
    n: int | None = None,
    coverage: float | None = None,
    group_key: str | None = None,
) -> OfficialSelection:
    """Select priority areas by the official rate-and-number rule.

    Parameters
    ----------
    areas : pandas.DataFrame
        One row per area (any index).
    rate_key : str
        Column of the extreme-poverty rate (percent).
    count_key : str
        Column of the number of extreme poor.
    n : int, optional
        Select the first ``n`` areas of the combined order (per group with
        ``group_key``): the 2021 rule is ``n=5`` per province.
    coverage : float, optional
        Select the first areas that together hold this share of all extreme
        poor (the area that crosses it included): the 2022 rule is 0.75.
    group_key : str, optional
        Column of the group (province) that ``n`` applies within.

    Returns
    -------
    OfficialSelection

    Raises
    ------
    ConfigError
        Unless exactly one of ``n`` and ``coverage`` is given, or when they
        are out of range.
    ScoringError
        When a column is absent, negative, or no area has both values.
    """
    rule = _check_rule(n, coverage)
    rate = _numbers(areas, rate_key, "rate_key")
    count = _numbers(areas, count_key, "count_key")
    known = rate.notna() & count.notna()
    if not known.any():
        raise ScoringError(
            tr(
                "no area has both {rate!r} and {count!r}, so the official rule "
                "cannot select any.",
                rate=rate_key,
                count=count_key,
            )
        )
    groups = areas[group_key] if group_key is not None else None
    ordered = _order(rate[known], count[known])
    ordered[OFFICIAL_PRIORITY] = _select(ordered, groups, n, coverage)
    frame = _frame(areas.index, ordered)
    selected = tuple(ordered.index[ordered[OFFICIAL_PRIORITY]])
    notes = _notes(areas.index[~known.to_numpy()])
    return OfficialSelection(
        frame, selected, rule, method_text(rule, n, coverage, group_key), notes
    )


def _frame(index: pd.Index, ordered: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(index=index)
    for column in (OFFICIAL_RATE_RANK, OFFICIAL_COUNT_RANK, OFFICIAL_ORDER):
        frame[column] = ordered[column].reindex(index).astype("Int64")
    frame[OFFICIAL_CUM_SHARE] = ordered[OFFICIAL_CUM_SHARE].reindex(index)
    chosen = ordered[OFFICIAL_PRIORITY].reindex(index)
    frame[OFFICIAL_PRIORITY] = chosen.fillna(False).astype(bool)
    return frame


def _notes(left_out: pd.Index) -> tuple[str, ...]:
    if len(left_out) == 0:
        return ()
    return (
        tr(
            "official rule: {n} area(s) without a rate or number of extreme poor "
            "cannot be selected: {names}",
            n=len(left_out),
            names=shorten_list(left_out, 5),
        ),
    )


def method_text(
    rule: str, n: int | None, coverage: float | None, group_key: str | None
) -> str:
    """Return the method text of the official rule, in the active language.

    Parameters
    ----------
    rule : {"top_n", "coverage"}
    n : int or None
    coverage : float or None
    group_key : str or None

    Returns
    -------
    str
    """
    basis = tr(
        "Official rule: in 2021 the 35 priority kabupaten (5 in each of 7 "
        "provinces) were chosen on both the extreme-poverty rate and the number "
        "of extreme poor; in 2022 the 212 priority kab/kota were those with the "
        "highest rate and number that together hold about 75% of the extreme "
        "poor (Setwapres 2021; TNP2K 2022). The published sources do not give "
        "the formula that combines the two, so here areas are ordered by the "
        "mean of their rank on the rate and their rank on the number."
    )
    if rule == "top_n":
        chosen = (
            tr("Selected: the first {n} areas of each {group}.", n=n, group=group_key)
            if group_key
            else tr("Selected: the first {n} areas.", n=n)
        )
    else:
        chosen = tr(
            "Selected: the first areas that together hold at least {share}% of "
            "the extreme poor.",
            share=round(100 * float(coverage or 0), 1),
        )
    return f"{basis} {chosen}"
