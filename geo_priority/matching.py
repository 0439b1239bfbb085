"""Decide, row by row, which area an indicator row belongs to.

The matching engine behind :func:`geo_priority.harmonise.join_indicators`:

* **by code**: the table's code column is read once
  (:class:`~geo_priority.codes.CodeColumn`), its system resolved, and each
  code brought into the areas' system (directly, by identical digits, or
  through a :class:`~geo_priority.regions.Crosswalk`);
* **by name**: in :mod:`geo_priority.name_matching`, which also turns code
  matches whose names contradict into ``doubtful``;
* **duplicates**: several rows on one area become ``duplicate``;
* **report**: one :class:`~geo_priority.schema.JoinReport` entry per row and
  per area without a row, and at most one warning of each kind.

Every step takes and returns :class:`Match` values; nothing here touches the
frames' values. :func:`geo_priority.harmonise.join_indicators` calls the
steps in order and merges the values.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from geo_priority.codes import CodeColumn, ParsedCode, SystemChoice, is_missing
from geo_priority.errors import (
    CodeError,
    DoubtfulMatchWarning,
    JoinError,
    UnmatchedKeysWarning,
)
from geo_priority.formatting import shorten_list
from geo_priority.regions import Crosswalk, Kind, normalise_name
from geo_priority.schema import (
    AMBIGUOUS,
    DOUBTFUL,
    DUPLICATE,
    INVALID_CODE,
    JOIN_REPORT_COLUMNS,
    LEVELS,
    MATCHED,
    MATCHED_NAME,
    OTHER_LEVEL,
    UNMATCHED_AREA,
    UNMATCHED_ROW,
    CodeSystem,
    JoinReport,
    Level,
)

__all__ = [
    "JOINED",
    "AreaName",
    "JoinContext",
    "Match",
    "build_report",
    "flag_duplicates",
    "initial_matches",
    "match_codes",
    "text_or_none",
    "warn_report",
]

#: Statuses whose row is joined to its area.
JOINED = (MATCHED, MATCHED_NAME, DOUBTFUL)


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
    """

    pos: int
    row_code: str | None
    row_name: str | None
    row_parent: str | None = None
    status: str | None = None
    area_id: str | None = None
    detail: str | None = None
    source: str | None = None


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
        The named areas, normalised once.
    crosswalk : Crosswalk or None
        Maps the table's codes onto the areas' codes.
    targets : dict of str to list of str
        The crosswalk's ``{from_code: [to_code, ...]}``.
    """

    system: CodeSystem
    level: Level
    label: str
    ids: frozenset[str]
    names: dict[str, str | None]
    pool: tuple[AreaName, ...]
    crosswalk: Crosswalk | None
    targets: dict[str, list[str]] = field(default_factory=dict)
    by_id: dict[str, AreaName] = field(default_factory=dict)

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

        Returns
        -------
        JoinContext
        """
        named = {i: text_or_none(n) for i, n in zip(ids, names, strict=True)}
        pool = tuple(AreaName.of(i, n) for i, n in named.items() if n is not None)
        targets = crosswalk.targets() if crosswalk is not None else {}
        by_id = {a.area_id: a for a in pool}
        return cls(
            system, level, label, frozenset(ids), named, pool, crosswalk, targets, by_id
        )


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


# ------------------------------------------------------------------------ by code


def _table_system(
    codes: CodeColumn, code_system: SystemChoice, setup: JoinContext
) -> CodeSystem:
    """Code system of the table's codes, checked against areas and crosswalk."""
    cw = setup.crosswalk
    fallback = cw.from_system if cw is not None else setup.system
    system = codes.resolve_system(code_system, fallback)
    if system is None and cw is None:
        raise JoinError(
            f"cannot tell whether {setup.label} codes are Kemendagri or BPS codes "
            f"(e.g. {shorten_list(codes.needs_system(), 5)}). Pass "
            "code_system='kemendagri' or code_system='bps'."
        )
    system = system or fallback
    if cw is not None and cw.from_system != system:
        raise JoinError(
            f"{setup.label} codes are {system} codes but crosswalk {cw.label!r} maps "
            f"from {cw.from_system}; pass code_system={cw.from_system!r} or another "
            "crosswalk."
        )
    if cw is None and system != setup.system and LEVELS.index(setup.level) > 1:
        raise JoinError(
            f"{setup.label} codes are {system} codes but the areas are "
            f"{setup.system} {setup.level} codes, and numbering differs below "
            "kab/kota. "
            "Pass crosswalk=regions.crosswalk_from_frame(pd.read_csv(path, dtype=str)) "
            "(or regions.make_crosswalk(...))."
        )
    return system


def _convert(code: ParsedCode, setup: JoinContext) -> str:
    """Bring a provinsi/kab code into the areas' system by identical digits."""
    try:
        return code.in_system(setup.system).code
    except CodeError as err:
        raise JoinError(
            f"{setup.label} code {code.code!r} ({code.system}) cannot be converted to "
            f"{setup.system}: {err} Pass crosswalk=... to map the codes."
        ) from err


def _via_crosswalk(m: Match, code: str, setup: JoinContext) -> Match:
    """Map a source code through the crosswalk to one area."""
    label = setup.crosswalk.label if setup.crosswalk else "crosswalk"
    targets = setup.targets.get(code, [])
    if not targets:
        return replace(
            m, status=UNMATCHED_ROW, detail=f"{code} is not in crosswalk {label!r}"
        )
    if len(targets) > 1:
        return replace(
            m,
            status=AMBIGUOUS,
            detail=f"crosswalk {label!r} maps {code} to {len(targets)} areas: "
            f"{shorten_list(targets, 5)}; not joined (split the row by share first)",
        )
    key = targets[0]
    if key not in setup.ids:
        return replace(
            m,
            status=UNMATCHED_ROW,
            detail=f"crosswalk {label!r} maps {code} to {key}, "
            "which is not among the areas",
        )
    detail = f"via crosswalk {label!r}: {code} -> {key}"
    return replace(m, status=MATCHED, area_id=key, detail=detail, source=code)


def _match_code(
    m: Match, parsed: ParsedCode | CodeError, setup: JoinContext, level: Level
) -> Match:
    """Decide one row by its (already parsed) code."""
    if isinstance(parsed, CodeError):
        return replace(m, status=INVALID_CODE, detail=str(parsed))
    if parsed.level != level:
        return replace(
            m, status=OTHER_LEVEL, detail=f"different level ({parsed.level})"
        )
    if setup.crosswalk is not None:
        decided = _via_crosswalk(m, parsed.code, setup)
    else:
        key = _convert(parsed, setup)
        decided = (
            replace(m, status=MATCHED, area_id=key)
            if key in setup.ids
            else replace(m, status=UNMATCHED_ROW, detail=f"no area with code {key!r}")
        )
    if parsed.note is None:
        return decided
    detail = "; ".join(d for d in (decided.detail, parsed.note) if d)
    return replace(decided, detail=detail)


def match_codes(
    matches: list[Match], code_system: SystemChoice, setup: JoinContext
) -> tuple[list[Match], list[str]]:
    """Decide every row that has a code; return the matches and report notes.

    The code column is read once (:class:`~geo_priority.codes.CodeColumn`):
    its system is resolved, then each distinct code parsed once.

    Parameters
    ----------
    matches : list of Match
        From :func:`initial_matches`.
    code_system : {"auto", "kemendagri", "bps"}
        System of the codes.
    setup : JoinContext
        The areas.

    Returns
    -------
    (list of Match, list of str)
        The matches (rows without a code left open) and notes on how the
        codes were read.

    Raises
    ------
    JoinError
        When the system cannot be told or does not fit the areas or the
        crosswalk, or no code is readable.
    """
    coded = [m for m in matches if m.row_code is not None]
    if not coded:
        return matches, []
    codes = CodeColumn(m.row_code for m in coded)
    system = _table_system(codes, code_system, setup)
    level = setup.crosswalk.from_level if setup.crosswalk else setup.level
    decided = {
        m.pos: _match_code(m, parsed, setup, level)
        for m, parsed in zip(coded, codes.parse(system), strict=True)
    }
    out = [decided.get(m.pos, m) for m in matches]
    invalid = [m for m in out if m.status == INVALID_CODE]
    if len(invalid) == len(coded):
        raise JoinError(
            f"none of the {len(coded)} {setup.label} codes can be read as {system} "
            f"codes: {shorten_list((m.row_code for m in invalid), 5)}. Check "
            f"code_column and code_system (first problem: {invalid[0].detail})"
        )
    return out, _code_notes(out, system, setup)


def _code_notes(
    matches: list[Match], system: CodeSystem, setup: JoinContext
) -> list[str]:
    """Human-readable notes on how codes were brought into the areas' system."""
    notes = [f"{setup.label}: codes read as {system} codes"]
    joined = sum(m.status == MATCHED for m in matches)
    if setup.crosswalk is not None:
        notes.append(
            f"{setup.label}: {joined} codes mapped {system} -> {setup.system} through "
            f"crosswalk {setup.crosswalk.label!r}"
        )
    elif system != setup.system:
        notes.append(
            f"{setup.label}: {joined} {system} codes converted to {setup.system} by "
            "identical digits (valid at provinsi/kab level in digit-identical "
            "provinces)"
        )
    return notes


# ------------------------------------------------------------------------- checks


def flag_duplicates(matches: list[Match]) -> list[Match]:
    """Turn every joined row that shares its area with another into DUPLICATE.

    Parameters
    ----------
    matches : list of Match
        The decided rows.

    Returns
    -------
    list of Match
        No area keeps more than one joined row.
    """
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(matches):
        if m.status in JOINED and m.area_id is not None:
            groups.setdefault(m.area_id, []).append(i)
    out = list(matches)
    for area_id, rows in groups.items():
        if len(rows) < 2:
            continue
        sources = [matches[i].source for i in rows if matches[i].source]
        via = f" via crosswalk from {shorten_list(sources, 5)}" if sources else ""
        detail = (
            f"{len(rows)} rows match area {area_id!r}{via}; none was joined. Remove "
            "the extra rows or aggregate them first"
        )
        for i in rows:
            out[i] = replace(matches[i], status=DUPLICATE, detail=detail)
    return out


# ------------------------------------------------------------------------- report


def build_report(
    matches: Sequence[Match], context: JoinContext, n_rows: int, notes: Sequence[str]
) -> JoinReport:
    """Build the join report: one entry per row, one per area without a row.

    Parameters
    ----------
    matches : sequence of Match
        The decided rows.
    context : JoinContext
        The areas.
    n_rows : int
        Number of table rows.
    notes : sequence of str
        Notes on how codes were read.

    Returns
    -------
    JoinReport
    """
    records = [
        (
            m.status,
            context.label,
            m.area_id,
            context.names.get(m.area_id or ""),
            m.row_code,
            m.row_name,
            m.detail,
        )
        for m in matches
    ]
    covered = {m.area_id for m in matches if m.status in (*JOINED, DUPLICATE)}
    records += [
        (
            UNMATCHED_AREA,
            context.label,
            i,
            context.names[i],
            None,
            None,
            f"no {context.label} row",
        )
        for i in context.names
        if i not in covered
    ]
    entries = pd.DataFrame(records, columns=list(JOIN_REPORT_COLUMNS), dtype="string")
    return JoinReport(entries, len(context.names), n_rows, tuple(notes))


def warn_report(report: JoinReport, label: str) -> None:
    """Emit one UnmatchedKeysWarning and one DoubtfulMatchWarning at most.

    The warnings point at the caller of the function that calls this one
    (``join_indicators``'s caller).

    Parameters
    ----------
    report : JoinReport
        The join report.
    label : str
        Name of the table.

    Warns
    -----
    UnmatchedKeysWarning
        When areas or rows stay unmatched, with counts and examples.
    DoubtfulMatchWarning
        When matches were flagged as doubtful.
    """
    problems = report.problems
    unmatched = problems[problems["status"] != DOUBTFUL]
    if len(unmatched):
        counts = unmatched["status"].value_counts()
        keys = (
            unmatched["area_id"]
            .fillna(unmatched["row_code"])
            .fillna(unmatched["row_name"])
        )
        text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        warnings.warn(
            f"{label}: {text} (of {report.n_areas} areas and {report.n_rows} rows), "
            f"e.g. {shorten_list(keys.drop_duplicates().tolist(), 5)}. See "
            "JoinReport.problems for details.",
            UnmatchedKeysWarning,
            stacklevel=3,
        )
    doubtful = problems[problems["status"] == DOUBTFUL]
    if len(doubtful):
        warnings.warn(
            f"{label}: {len(doubtful)} matches need checking (fuzzy or disagreeing "
            f"names), e.g. {shorten_list(doubtful['detail'].tolist(), 3)}. See "
            "JoinReport.problems.",
            DoubtfulMatchWarning,
            stacklevel=3,
        )
