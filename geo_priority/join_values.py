"""Put the joined rows' values on the areas: one row, or several combined.

The last step of :func:`geo_priority.harmonise.join_indicators`:

* :func:`resolve_collisions` decides every area that more than one row lands
  on. Rows of the table itself that share an area stay ``duplicate`` (the
  table is at fault). Several source areas that a crosswalk maps onto one
  area (many-to-one) are combined: counts summed, rates re-derived from their
  numerator and denominator (:class:`ValueRules`); where a column can be
  neither, the area gets no value and the report blames the crosswalk. A
  source split over several areas (one-to-many, with the crosswalk's weights)
  gives each area its weighted share of the counts. An area with a held
  doubtful row gets no value until that row is accepted.
* :func:`merge_values` left-joins the values onto the areas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority.formatting import shorten_list
from geo_priority.join_report import JOINED
from geo_priority.match_records import with_rows
from geo_priority.matching import Match, PlainRows
from geo_priority.messages import tr
from geo_priority.schema import AMBIGUOUS, DOUBTFUL_HELD, DUPLICATE, ID

__all__ = [
    "RateRule",
    "ValueRules",
    "hold_combined",
    "merge_values",
    "plain_alone",
    "resolve_collisions",
]

#: A rate: (numerator column or None, denominator column, scale). With no
#: numerator column, the numerator is rate x denominator / scale.
RateRule = tuple[str | None, str, float]


@dataclass(frozen=True)
class ValueRules:
    """How the values of several rows combine onto one area.

    Attributes
    ----------
    counts : tuple of str
        Columns summed (and split by weight).
    rates : dict of str to (str or None, str, float)
        Rate column -> (numerator column, denominator column, scale). The
        rate is re-derived as ``scale * sum(numerator) / sum(denominator)``;
        a numerator of None means rate x denominator / scale per row (a
        denominator-weighted rate). The parts are summed like counts.
    """

    counts: tuple[str, ...] = ()
    rates: dict[str, RateRule] = field(default_factory=dict)

    @classmethod
    def of(
        cls, counts: Sequence[str], rates: Mapping[str, RateRule] | None
    ) -> ValueRules:
        """Build the rules from ``join_indicators``' keywords."""
        return cls(tuple(counts), dict(rates or {}))

    def summed(self, table: pd.DataFrame) -> list[str]:
        """Columns of ``table`` that are summed: counts and rate parts."""
        parts = [p for num, den, _ in self.rates.values() for p in (num, den) if p]
        return [c for c in dict.fromkeys([*self.counts, *parts]) if c in table]

    def derivable(self, table: pd.DataFrame) -> list[str]:
        """Rate columns of ``table`` whose parts are in ``table``."""
        return [
            rate
            for rate, (num, den, _) in self.rates.items()
            if rate in table and den in table and (num is None or num in table)
        ]


def _blocked(
    table: pd.DataFrame, positions: list[int], columns: list[str], rules: ValueRules
) -> list[str]:
    """Columns that cannot be combined: neither count nor rate, and not equal text."""
    ruled = {*rules.summed(table), *rules.derivable(table)}
    out = []
    for column in columns:
        if column in ruled:
            continue
        values = table[column].iloc[positions]
        if pd.api.types.is_numeric_dtype(values) or values.nunique(dropna=False) > 1:
            out.append(column)
    return out


def _crosswalk_group(group: list[Match]) -> bool:
    """Return True when every row came through a crosswalk from its own source."""
    sources = [m.source for m in group]
    return None not in sources and len(set(sources)) == len(sources)


def _table_duplicates(group: list[Match], area_id: str) -> list[Match]:
    """Refuse an area the table itself gives several rows: none is joined."""
    sources = [m.source for m in group if m.source]
    via = (
        tr(
            " via crosswalk from {value}",
            value=shorten_list(sources, 5),
        )
        if sources
        else ""
    )
    detail = tr(
        "{n_group} rows match area {area_id!r}{via}; none was joined. Remove "
        "the extra rows or aggregate them first",
        n_group=len(group),
        area_id=area_id,
        via=via,
    )
    return [replace(m, status=DUPLICATE, detail=detail) for m in group]


def _not_combinable(
    group: list[Match], area_id: str, blocked: list[str]
) -> list[Match]:
    """Refuse an area whose crosswalk mapping the values cannot follow."""
    sources = shorten_list((m.source for m in group), 5)
    why = tr(
        "{value} is neither a count nor a rate with its numerator and "
        "denominator in the table",
        value=shorten_list(blocked, 5),
    )
    if len(group) > 1:
        status = DUPLICATE
        detail = tr(
            "the crosswalk maps {n_group} source areas ({sources}) onto area "
            "{area_id!r}, and {why}, so they cannot be combined and the area "
            "gets no value. The crosswalk is at fault, not the table: map each "
            "source to its own area in the crosswalk file (tables.crosswalk), or "
            "give the rate its numerator and denominator ([[scoring.indicators]] "
            "numerator, denominator)",
            n_group=len(group),
            sources=sources,
            area_id=area_id,
            why=why,
        )
    else:
        status = AMBIGUOUS
        detail = tr(
            "the crosswalk splits {sources} over several areas, and {why}; only "
            "counts are split by tables.crosswalk_weight, so area {area_id!r} "
            "gets no value",
            sources=sources,
            why=why,
            area_id=area_id,
        )
    return [replace(m, status=status, detail=f"{m.detail}; {detail}") for m in group]


def _combined(
    group: list[Match], table: pd.DataFrame, rules: ValueRules
) -> list[Match]:
    """Describe a combination in each row's detail."""
    if len(group) == 1:
        return group
    summed = shorten_list(rules.summed(table), 5) or "none"
    rates = shorten_list(rules.derivable(table), 5) or "none"
    sources = shorten_list((m.source for m in group), 5)
    note = tr(
        "{n_group} source areas ({sources}) combined: counts summed "
        "({summed}), rates re-derived ({rates})",
        n_group=len(group),
        sources=sources,
        summed=summed,
        rates=rates,
    )
    return [replace(m, detail=f"{m.detail}; {note}") for m in group]


def _decide_group(
    group: list[Match], table: pd.DataFrame, columns: list[str], rules: ValueRules
) -> list[Match]:
    """Decide the rows that land on one area."""
    area_id = str(group[0].area_id)
    single = len(group) == 1
    if not single and not _crosswalk_group(group):
        return _table_duplicates(group, area_id)
    if single and group[0].weight is None:
        return group
    blocked = _blocked(table, [m.pos for m in group], columns, rules)
    if blocked:
        return _not_combinable(group, area_id, blocked)
    return _combined(group, table, rules)


def resolve_collisions(
    matches: Sequence[Match],
    table: pd.DataFrame,
    columns: list[str],
    rules: ValueRules,
) -> list[Match]:
    """Decide every area that several rows (or a split row) land on.

    Parameters
    ----------
    matches : sequence of Match
        The decided rows, doubt already accepted or held.
    table : pandas.DataFrame
        The indicator table.
    columns : list of str
        The value columns to attach.
    rules : ValueRules
        Which columns are counts and rates.

    Returns
    -------
    list of Match
        Same order; rows of areas that cannot take a value are ``duplicate``
        (several rows) or ``ambiguous`` (a split that cannot be followed).
    """
    out = list(matches)
    for rows in _groups(matches, JOINED).values():
        decided = _decide_group([matches[i] for i in rows], table, columns, rules)
        for i, m in zip(rows, decided, strict=True):
            out[i] = m
    return out


def plain_alone(
    plain: PlainRows, matches: Sequence[Match]
) -> tuple[PlainRows, list[Match]]:
    """Keep plain only the rows alone on their area; the others join ``matches``.

    A plain row that shares its area with another plain row or with a joined
    row of ``matches`` is decided with them, row by row
    (:func:`resolve_collisions`): it goes back into ``matches`` as the match
    it is, in row order.

    Parameters
    ----------
    plain : PlainRows
        From :func:`~geo_priority.matching.match_codes`.
    matches : sequence of Match
        The other rows, decided by code and name.

    Returns
    -------
    (PlainRows, list of Match)
    """
    if not len(plain):
        return plain, list(matches)
    taken = pd.Index([m.area_id for m in matches if m.status in JOINED])
    areas = pd.Index(plain.area_id)
    shared = areas.duplicated(keep=False) | areas.isin(taken)
    if not shared.any():
        return plain, list(matches)
    back = shared.tolist()
    return plain.without(back), with_rows(matches, plain.matches(back))


def _groups(matches: Sequence[Match], statuses: Sequence[str]) -> dict[str, list[int]]:
    """Return the positions in ``matches`` of the rows on each area."""
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(matches):
        if m.area_id is not None and m.status in statuses:
            groups.setdefault(m.area_id, []).append(i)
    return groups


def hold_combined(matches: Sequence[Match]) -> list[Match]:
    """Hold every row combined on an area with a held doubtful row.

    Combined values need every source: while one of them is held back
    (``doubtful_held``), so are the others.

    Parameters
    ----------
    matches : sequence of Match
        After :func:`resolve_collisions` and
        :func:`~geo_priority.doubts.hold_doubtful`.

    Returns
    -------
    list of Match
    """
    out = list(matches)
    for rows in _groups(matches, (*JOINED, DOUBTFUL_HELD)).values():
        group = [matches[i] for i in rows]
        held = [m.row_code or m.row_name for m in group if m.status == DOUBTFUL_HELD]
        if not held:
            continue
        for i, m in zip(rows, group, strict=True):
            if m.status != DOUBTFUL_HELD:
                out[i] = replace(
                    m,
                    status=DOUBTFUL_HELD,
                    detail=tr(
                        "{detail}; held: it combines with {value}, whose doubtful "
                        "match is not accepted",
                        detail=m.detail,
                        value=shorten_list(held, 3),
                    ),
                )
    return out


def _numbers(table: pd.DataFrame, column: str, positions: list[int]) -> np.ndarray:
    """Return a column's values at ``positions`` as floats (NaN: not a number)."""
    values = pd.to_numeric(table[column].iloc[positions], errors="coerce")
    return np.asarray(values.astype("float64"), dtype="float64")


def _weighted_sum(values: np.ndarray, weights: np.ndarray) -> float:
    """Sum of weighted values; NaN when any is missing (no partial sums)."""
    if np.isnan(values).any():
        return float("nan")
    return float((values * weights).sum())


def _combine(
    table: pd.DataFrame, group: list[Match], rules: ValueRules
) -> dict[str, float]:
    """Compute the counts and rates of one area from its (weighted) rows."""
    positions = [m.pos for m in group]
    weights = np.array([1.0 if m.weight is None else m.weight for m in group])
    out = {
        c: _weighted_sum(_numbers(table, c, positions), weights)
        for c in rules.summed(table)
    }
    for rate in rules.derivable(table):
        num, den, scale = rules.rates[rate]
        denominators = _numbers(table, den, positions)
        numerators = (
            _numbers(table, rate, positions) * denominators / scale
            if num is None
            else _numbers(table, num, positions)
        )
        total = _weighted_sum(denominators, weights)
        part = _weighted_sum(numerators, weights)
        out[rate] = scale * part / total if total else float("nan")
    return out


def _value_rows(
    table: pd.DataFrame,
    groups: dict[str, list[Match]],
    columns: list[str],
    rules: ValueRules,
    plain: PlainRows,
) -> pd.DataFrame:
    """One row of values per area: the row's own, or the combination.

    The areas of ``groups`` come first (the combined rows are numbered by
    them), then those of the plain rows.
    """
    first = [g[0].pos for g in groups.values()] + plain.pos
    values = table.iloc[first][columns].reset_index(drop=True)
    combined = {
        i: _combine(table, g, rules)
        for i, g in enumerate(groups.values())
        if len(g) > 1 or g[0].weight is not None
    }
    changed = {c for row in combined.values() for c in row}
    for column in changed & set(columns):
        values[column] = pd.to_numeric(values[column], errors="coerce").astype(
            "float64"
        )
        for i, row in combined.items():
            values.loc[i, column] = row[column]
    keys = [*groups, *plain.area_id]
    values.insert(0, "__area_key", pd.array(keys, dtype="string"))
    return values


def merge_values(
    areas: gpd.GeoDataFrame,
    table: pd.DataFrame,
    matches: Sequence[Match],
    columns: list[str],
    rules: ValueRules,
    plain: PlainRows | None = None,
) -> gpd.GeoDataFrame:
    """Left-join the joined rows' values onto the areas (one row per area).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The prepared areas.
    table : pandas.DataFrame
        The indicator table.
    matches : sequence of Match
        From :func:`resolve_collisions`.
    columns : list of str
        The value columns.
    rules : ValueRules
        Which columns are counts and rates.
    plain : PlainRows, optional
        Rows alone on their area (:func:`plain_alone`): each area takes its
        row's values.

    Returns
    -------
    geopandas.GeoDataFrame
        The areas (same index and attrs) with the value columns.
    """
    groups: dict[str, list[Match]] = {}
    for m in matches:
        if m.status in JOINED and m.area_id is not None:
            groups.setdefault(m.area_id, []).append(m)
    values = _value_rows(table, groups, columns, rules, plain or PlainRows())
    key = areas[ID].astype("string")
    out = areas.assign(__area_key=key).merge(
        values, how="left", on="__area_key", validate="one_to_one"
    )
    out = out.drop(columns="__area_key").set_axis(areas.index)
    out.attrs = dict(areas.attrs)
    return out
