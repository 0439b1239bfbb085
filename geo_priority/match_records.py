"""The records the matching steps pass along: rows, areas and their context.

:class:`Match` says what happened to one table row, :class:`AreaName` is an
area's name normalised once, and :class:`JoinContext` holds everything the
steps of :mod:`geo_priority.matching` and :mod:`geo_priority.name_matching`
need to know about the areas. :class:`RowCells` holds the cells the matching
reads, column-wise; :func:`initial_matches` opens one undecided match per
row. :class:`PlainRows` keeps the rows matched by their code alone without a
:class:`Match` each (a national table has 83,000 of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from geo_priority.codes import is_missing
from geo_priority.regions import Crosswalk, Kind, normalise_name
from geo_priority.schema import MATCHED, CodeSystem, Level

__all__ = [
    "AreaName",
    "JoinContext",
    "Match",
    "PlainRows",
    "RowCells",
    "initial_matches",
    "text_or_none",
    "texts_or_none",
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
        named = dict(zip(ids, texts_or_none(names), strict=True))
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


def texts_or_none(values: Iterable[object]) -> list[str | None]:
    """Return :func:`text_or_none` of every cell, without a call per text cell.

    Parameters
    ----------
    values : iterable
        The cells (a Series or Index is read as a list: iterating Arrow text
        is slow).

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> texts_or_none(pd.Series([" 36.01", None, " ", 3601.0]))
    ['36.01', None, None, '3601.0']
    """
    cells = (
        values.to_list() if isinstance(values, pd.Series | pd.Index) else list(values)
    )
    return [(c.strip() or None) if type(c) is str else text_or_none(c) for c in cells]


@dataclass(frozen=True)
class RowCells:
    """The cells of a table the matching reads, as stripped text, column-wise.

    Attributes
    ----------
    code, name, parent : list of str or None
        One entry per row (None when missing, blank or without such a column).
    """

    code: list[str | None]
    name: list[str | None]
    parent: list[str | None]

    @classmethod
    def of(
        cls,
        table: pd.DataFrame,
        code_column: str | None,
        name_column: str | None,
        parent_column: str | None,
    ) -> RowCells:
        """Read the code, name and parent columns of ``table`` (None: no column)."""

        def cells(column: str | None) -> list[str | None]:
            if column is None:
                return [None] * len(table)
            return texts_or_none(table[column])

        return cls(cells(code_column), cells(name_column), cells(parent_column))

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.code)

    def match(self, pos: int) -> Match:
        """Return the undecided match of the row at ``pos``."""
        return Match(pos, self.code[pos], self.name[pos], self.parent[pos])


@dataclass(frozen=True)
class PlainRows:
    """Rows matched by their code alone, kept column-wise.

    A plain row's code, read in the areas' system at their level with nothing
    repaired, is an area's code, and the row has no name to check: its match
    is ``Match(pos, code, None, parent, "matched", area_id)``, kept here as
    columns instead. Rows that share their area with another row go back to
    the row-by-row steps (:meth:`matches`).

    Attributes
    ----------
    pos : list of int
        The rows' positions in the table, ascending.
    code : list of str
        The row's code cell, as text.
    area_id : list of str
        The area of each row (its code, canonical).
    parent : list of str or None
        The row's ``parent_column`` cell.
    """

    pos: list[int] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    area_id: list[str] = field(default_factory=list)
    parent: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.pos)

    def matches(self, keep: Sequence[bool] | None = None) -> list[Match]:
        """Return the rows as matches (only those where ``keep``, when given)."""
        return [
            Match(pos, code, None, parent, MATCHED, area)
            for i, (pos, code, area, parent) in enumerate(
                zip(self.pos, self.code, self.area_id, self.parent, strict=True)
            )
            if keep is None or keep[i]
        ]

    def without(self, drop: Sequence[bool]) -> PlainRows:
        """Return the rows where ``drop`` is False."""
        kept = [i for i, d in enumerate(drop) if not d]
        return PlainRows(
            [self.pos[i] for i in kept],
            [self.code[i] for i in kept],
            [self.area_id[i] for i in kept],
            [self.parent[i] for i in kept],
        )


def with_rows(matches: Sequence[Match], more: Sequence[Match]) -> list[Match]:
    """Return ``matches`` and ``more`` in row order (equal rows keep their order)."""
    if not more:
        return list(matches)
    return sorted([*matches, *more], key=lambda m: m.pos)


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
    rows = RowCells.of(table, code_column, name_column, parent_column)
    return [rows.match(pos) for pos in range(len(rows))]
