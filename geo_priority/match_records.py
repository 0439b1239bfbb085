"""The records the matching steps pass along: rows, areas and their context.

:class:`Match` says what happened to one table row, :class:`AreaName` is an
area's name normalised once, and :class:`JoinContext` holds everything the
steps of :mod:`geo_priority.matching` and :mod:`geo_priority.name_matching`
need to know about the areas. :func:`initial_matches` opens one undecided
match per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from geo_priority.codes import is_missing
from geo_priority.regions import Crosswalk, Kind, normalise_name
from geo_priority.schema import CodeSystem, Level

__all__ = [
    "AreaName",
    "JoinContext",
    "Match",
    "initial_matches",
    "text_or_none",
]


@dataclass(frozen=True)
class AreaName:
    """An area's normalised name, for matching rows by name.

    Attributes
    ----------
    area_id : str
        The area's canonical code.
    name : str
        The name as given.
    core, kind
        The name reduced by :func:`~geo_priority.regions.normalise_name`.
    """

    area_id: str
    name: str
    core: str
    kind: Kind | None

    @classmethod
    def of(cls, area_id: str, name: str) -> AreaName:
        """Normalise ``name`` once for matching."""
        normalised = normalise_name(name)
        return cls(area_id, name, normalised.core, normalised.kind)


@dataclass(frozen=True)
class Match:
    """What happened to one table row (status None: not decided yet).

    Attributes
    ----------
    pos : int
        Position of the row in the table.
    row_code, row_name, row_parent : str or None
        The row's cells as text (None when missing or blank).
    status : str or None
        A join report status (``matched``, ``ambiguous``...).
    area_id : str or None
        The area the row landed on.
    detail : str or None
        Why, for the report.
    source : str or None
        The source code when the row came through a crosswalk.
    weight : float or None
        The crosswalk's weight when the row is split over several areas.
    """

    pos: int
    row_code: str | None
    row_name: str | None
    row_parent: str | None = None
    status: str | None = None
    area_id: str | None = None
    detail: str | None = None
    source: str | None = None
    weight: float | None = None


@dataclass(frozen=True)
class JoinContext:
    """Everything the matching steps need to know about the areas.

    Build it with :meth:`of`.

    Attributes
    ----------
    system, level
        Code system and level of the areas.
    label : str
        Name of the table in the report and warnings.
    ids : frozenset of str
        The areas' canonical codes.
    names : dict of str to str or None
        Area code -> name (None when missing).
    pool : tuple of AreaName
        The named areas, normalised once (when first asked for).
    crosswalk : Crosswalk or None
        Maps the table's codes onto the areas' codes.
    targets : dict of str to list of str
        The crosswalk's ``{from_code: [to_code, ...]}``.
    by_id : dict of str to AreaName
        The named areas by code (when first asked for).
    disagreeing : dict of (str, str) to (str, str)
        Crosswalk pairs whose recorded names disagree, with the names.
    weights : dict of (str, str) to float, or None
        Split weights of the crosswalk pairs (``tables.crosswalk_weight``).
    """

    system: CodeSystem
    level: Level
    label: str
    ids: frozenset[str]
    names: dict[str, str | None]
    crosswalk: Crosswalk | None
    targets: dict[str, list[str]] = field(default_factory=dict)
    disagreeing: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    weights: dict[tuple[str, str], float] | None = None

    @classmethod
    def of(
        cls,
        ids: Sequence[str],
        names: Iterable[object],
        *,
        system: CodeSystem,
        level: Level,
        label: str,
        crosswalk: Crosswalk | None,
        crosswalk_weight: str | None = None,
    ) -> JoinContext:
        """Build the context from the areas' codes and names.

        Parameters
        ----------
        ids : sequence of str
            The areas' canonical codes.
        names : iterable
            Their names, in the same order (missing allowed).
        system, level
            Code system and level of the areas.
        label : str
            Name of the table in the report.
        crosswalk : Crosswalk or None
            Checked by the caller against the areas.
        crosswalk_weight : str, optional
            Column of the crosswalk with split weights.

        Returns
        -------
        JoinContext

        Raises
        ------
        SchemaError
            When ``crosswalk_weight`` is not a numeric column of the crosswalk.
        """
        named = {i: text_or_none(n) for i, n in zip(ids, names, strict=True)}
        if crosswalk is None:
            return cls(system, level, label, frozenset(ids), named, None, {})
        weights = (
            None if crosswalk_weight is None else crosswalk.weights(crosswalk_weight)
        )
        return cls(
            system,
            level,
            label,
            frozenset(ids),
            named,
            crosswalk,
            crosswalk.targets(),
            crosswalk.name_disagreements(),
            weights,
        )

    @cached_property
    def pool(self) -> tuple[AreaName, ...]:
        """The named areas, normalised once, when a name is first needed.

        A table whose every row matches by code and carries no names never
        needs them (83,000 desa names took about 1.5 s to normalise).
        """
        return tuple(AreaName.of(i, n) for i, n in self.names.items() if n is not None)

    @cached_property
    def by_id(self) -> dict[str, AreaName]:
        """The named areas by code."""
        return {a.area_id: a for a in self.pool}


def text_or_none(value: object) -> str | None:
    """Return a cell value as stripped text; None when missing or blank.

    Examples
    --------
    >>> text_or_none("  Lebak "), text_or_none(" "), text_or_none(None)
    ('Lebak', None, None)
    """
    if is_missing(value):
        return None
    text = str(value).strip()
    return text or None


def initial_matches(
    table: pd.DataFrame,
    code_column: str | None,
    name_column: str | None,
    parent_column: str | None,
) -> list[Match]:
    """Return one undecided match per table row.

    Parameters
    ----------
    table : pandas.DataFrame
        The indicator rows.
    code_column, name_column, parent_column : str or None
        The columns whose cells (as stripped text) each match records.

    Returns
    -------
    list of Match
    """

    def cells(column: str | None) -> list[str | None]:
        if column is None:
            return [None] * len(table)
        return [text_or_none(v) for v in table[column]]

    return [
        Match(pos, code, name, parent)
        for pos, (code, name, parent) in enumerate(
            zip(
                cells(code_column),
                cells(name_column),
                cells(parent_column),
                strict=True,
            )
        )
    ]
