"""Indicator values of a coarser level, carried up from the areas of a finer one.

The map's level switch (``outputs.map_levels``) shows the same method at
kecamatan and kab/kota level. This module decides how each indicator gets
there (:func:`level_rules`) and computes it (:func:`aggregate_level`):

* a **count** is summed over the children that have a value;
* a **rate** is re-divided: ``scale x sum(numerator) / sum(denominator)`` over
  the children that have both, never a mean of the children's rates. The
  numerator is the indicator named by ``numerator`` (or the count that is
  derived from the rate, ``derive_from = [rate, population]``); where a child
  has no numerator it is derived there, at the finest level, as
  ``rate x denominator / scale``;
* any other percentage (no numerator and denominator) cannot be carried up
  and is left out, with a note.

An area whose children are partly missing still gets a value, from the
children that have one, and the share covered goes into ``<key>_coverage``
(percent of the children's population when a population is known for all
children, else percent of the children). Below ``min_coverage`` the value is
withheld (no data). Every partial or withheld value is named in a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo_priority.config import IndicatorConfig
from geo_priority.formatting import format_number, shorten_list
from geo_priority.messages import tr

__all__ = [
    "COVERAGE_SUFFIX",
    "MIN_COVERAGE",
    "LevelRule",
    "LevelValues",
    "aggregate_level",
    "coverage_column",
    "level_rules",
]

#: Suffix of the column with the share (percent) of an area's children covered.
COVERAGE_SUFFIX = "_coverage"
#: Default smallest share of the children (or of their population) that must
#: have a value before a coarser area shows one (``outputs.level_min_coverage``).
MIN_COVERAGE = 0.8


def coverage_column(key: str) -> str:
    """Return the name of the coverage column of indicator ``key``.

    Examples
    --------
    >>> coverage_column("extreme_poor")
    'extreme_poor_coverage'
    """
    return f"{key}{COVERAGE_SUFFIX}"


@dataclass(frozen=True)
class LevelRule:
    """How one indicator is carried to a coarser level.

    Attributes
    ----------
    key : str
        The indicator's column.
    kind : {"count", "rate"}
        Summed, or re-divided from numerator and denominator.
    numerator : str or None
        For a rate: the column of its numerator (None: derived from the rate
        and the denominator at the finest level).
    denominator : str or None
        For a rate: the column of its denominator.
    scale : float
        For a rate: 100 for a percentage.
    """

    key: str
    kind: Literal["count", "rate"]
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 100.0


def level_rules(
    indicators: Sequence[IndicatorConfig], columns: Iterable[object]
) -> tuple[tuple[LevelRule, ...], tuple[str, ...]]:
    """Decide how each indicator present in ``columns`` goes to a coarser level.

    Parameters
    ----------
    indicators : sequence of IndicatorConfig
    columns : iterable
        The columns of the finer areas.

    Returns
    -------
    rules : tuple of LevelRule
    dropped : tuple of str
        Percentages with neither a numerator and denominator nor a count
        derived from them: they cannot be carried up (rates are never
        averaged).

    Examples
    --------
    >>> rate = IndicatorConfig(key="r", unit="%")
    >>> count = IndicatorConfig(key="n", unit="jiwa", derive_from=("r", "pop"))
    >>> pop = IndicatorConfig(key="pop", unit="jiwa")
    >>> rules, dropped = level_rules([rate, count, pop], ["r", "n", "pop"])
    >>> [(r.key, r.kind, r.numerator, r.denominator) for r in rules][0]
    ('r', 'rate', 'n', 'pop')
    >>> [r.kind for r in rules], dropped
    (['rate', 'count', 'count'], ())
    """
    present = {str(c) for c in columns}
    derived = {
        i.derive_from[0]: (i.key, i.derive_from[1], i.scale)
        for i in indicators
        if len(i.derive_from) == 2
    }
    rules: list[LevelRule] = []
    dropped: list[str] = []
    for ind in indicators:
        if ind.key not in present:
            continue
        if ind.numerator and ind.denominator in present:
            num = ind.numerator if ind.numerator in present else None
            rules.append(LevelRule(ind.key, "rate", num, ind.denominator, ind.scale))
        elif ind.key in derived and derived[ind.key][1] in present:
            count, base, scale = derived[ind.key]
            num = count if count in present else None
            rules.append(LevelRule(ind.key, "rate", num, base, scale))
        elif ind.unit == "%":
            dropped.append(ind.key)
        else:
            rules.append(LevelRule(ind.key, "count"))
    return tuple(rules), tuple(dropped)


@dataclass(frozen=True)
class LevelValues:
    """The indicators of a coarser level, with their coverage.

    Attributes
    ----------
    values : pandas.DataFrame
        Indexed by the parent code: each indicator and its ``<key>_coverage``
        (percent, 0-100).
    notes : tuple of str
        Partial and withheld values, by indicator.
    """

    values: pd.DataFrame
    notes: tuple[str, ...]


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _numerator(frame: pd.DataFrame, rule: LevelRule) -> pd.Series:
    """Return each child's numerator: given, else rate x denominator / scale."""
    assert rule.denominator is not None  # a rate rule has one
    derived = _numbers(frame, rule.key) * _numbers(frame, rule.denominator) / rule.scale
    if rule.numerator is None:
        return derived
    return _numbers(frame, rule.numerator).fillna(derived)


def _weights(
    frame: pd.DataFrame, rule: LevelRule, rules: Sequence[LevelRule]
) -> tuple[pd.Series, str]:
    """Children's weights for the coverage: a complete population, else 1 each.

    Returns the weights and what they are (the column, or ``""`` for children).
    """
    candidates = [rule.denominator] + [r.denominator for r in rules]
    for column in dict.fromkeys(c for c in candidates if c):
        weights = _numbers(frame, column)
        if weights.notna().all() and (weights > 0).all():
            return weights, column
    return pd.Series(1.0, index=frame.index), ""


def _by_parent(
    values: pd.Series, parent: pd.Series, index: pd.Index, min_count: int = 0
) -> pd.Series:
    """Sum ``values`` per parent: ``parent`` holds each child's position in ``index``.

    Grouping by the parents' positions (integers) instead of their codes
    (text) gives the same groups, rows in the same order, so the same sums.
    """
    summed = values.groupby(parent).sum(min_count=min_count)
    return summed.set_axis(index[summed.index.to_numpy()])


def _carry(
    frame: pd.DataFrame, parent: pd.Series, index: pd.Index, rule: LevelRule
) -> tuple[pd.Series, pd.Series]:
    """Return (value, known mask of the children) of one indicator."""
    if rule.kind == "count":
        values = _numbers(frame, rule.key)
        return _by_parent(values, parent, index, min_count=1), values.notna()
    assert rule.denominator is not None
    num = _numerator(frame, rule)
    den = _numbers(frame, rule.denominator)
    known = num.notna() & den.notna()
    num_sum = _by_parent(num.where(known), parent, index, min_count=1)
    den_sum = _by_parent(den.where(known), parent, index, min_count=1)
    return rule.scale * num_sum / den_sum.replace(0.0, np.nan), known


def aggregate_level(
    frame: pd.DataFrame,
    keys: pd.Series,
    rules: Sequence[LevelRule],
    *,
    level: str,
    children: str,
    min_coverage: float = MIN_COVERAGE,
    names: Mapping[str, str] | None = None,
) -> LevelValues:
    """Carry the indicators of child areas to their parents.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per child area, with the indicator columns.
    keys : pandas.Series
        The parent code of each child (same index as ``frame``).
    rules : sequence of LevelRule
        From :func:`level_rules`.
    level : str
        The parents' level, named in the notes.
    children : str
        The children's level, named in the notes.
    min_coverage : float
        Smallest share (0-1) of the children, or of their population, with a
        value for the parent to show one.
    names : mapping of str to str, optional
        Names of the parents by code, for the notes.

    Returns
    -------
    LevelValues

    Examples
    --------
    >>> frame = pd.DataFrame({"n": [10.0, None, 5.0], "pop": [100.0, 50.0, 100.0]})
    >>> keys = pd.Series(["A", "A", "B"])
    >>> out = aggregate_level(frame, keys, [LevelRule("n", "count")],
    ...                       level="kecamatan", children="desa", min_coverage=0.5)
    >>> out.values.to_dict("index")
    {'A': {'n': 10.0, 'n_coverage': 50.0}, 'B': {'n': 5.0, 'n_coverage': 100.0}}
    """
    keys = pd.Series(keys.to_numpy(), index=frame.index, name="_parent")
    out = pd.DataFrame(index=pd.Index(sorted(keys.unique()), name=keys.name))
    parent = pd.Series(out.index.get_indexer(keys), index=frame.index)
    groups: dict[tuple[object, ...], list[str]] = {}
    bases: dict[str, str] = {}
    for rule in rules:
        value, known = _carry(frame, parent, out.index, rule)
        weights, bases[rule.key] = _weights(frame, rule, rules)
        share = _by_parent(weights.where(known, 0.0), parent, out.index) / _by_parent(
            weights, parent, out.index
        )
        coverage = (100.0 * share).reindex(out.index).fillna(0.0).round(1)
        withheld = (coverage < 100.0 * min_coverage) & value.reindex(out.index).notna()
        out[rule.key] = value.reindex(out.index).mask(withheld)
        out[coverage_column(rule.key)] = coverage
        signature = (bases[rule.key], *coverage, *withheld)
        groups.setdefault(signature, []).append(rule.key)
    notes: list[str] = []
    for group in groups.values():
        withheld = out[coverage_column(group[0])] < 100.0 * min_coverage
        withheld &= out[group].isna().all(axis=1)
        notes.extend(
            _coverage_notes(
                out,
                group,
                withheld & (out[coverage_column(group[0])] > 0),
                _Where(level, children, bases[group[0]], names or {}),
                min_coverage,
            )
        )
    return LevelValues(out, tuple(notes))


@dataclass(frozen=True)
class _Where:
    """What the notes name: the level, its children, the coverage basis, names."""

    level: str
    children: str
    basis: str
    names: Mapping[str, str]

    def share_of(self) -> str:
        if self.basis:
            return tr("of the population ({column})", column=self.basis)
        return tr("of the {children}", children=self.children)

    def name(self, code: object) -> str:
        return str(self.names.get(str(code)) or code)


def _coverage_notes(
    out: pd.DataFrame,
    keys: list[str],
    withheld: pd.Series,
    where: _Where,
    min_coverage: float,
) -> list[str]:
    coverage = out[coverage_column(keys[0])]
    partial = (coverage < 100.0) & out[keys].notna().any(axis=1)
    notes = []
    if partial.any():
        lowest = coverage[partial].idxmin()
        notes.append(
            tr(
                "{level}: {keys} of {n} area(s) are computed from the {children} "
                "that have a value, not from all (lowest: {area}, "
                "{share} % {share_of}); the share is in the column(s) {columns}.",
                level=where.level,
                keys=", ".join(keys),
                n=int(partial.sum()),
                children=where.children,
                area=where.name(lowest),
                share=format_number(float(coverage[lowest])),
                share_of=where.share_of(),
                columns=", ".join(coverage_column(k) for k in keys),
            )
        )
    if withheld.any():
        notes.append(
            tr(
                "{level}: {keys} are not shown for {n} area(s) whose {children} "
                "with a value cover less than {limit} % {share_of}: {areas}. Fill "
                "the missing values, or lower outputs.level_min_coverage.",
                level=where.level,
                keys=", ".join(keys),
                n=int(withheld.sum()),
                children=where.children,
                limit=format_number(100.0 * min_coverage),
                share_of=where.share_of(),
                areas=shorten_list(
                    [where.name(c) for c in withheld.index[withheld]], 5
                ),
            )
        )
    return notes
