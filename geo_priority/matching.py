"""Decide, row by row, which area an indicator row belongs to.

The matching engine behind :func:`geo_priority.harmonise.join_indicators`:

* **by code**: the table's code column is read once
  (:class:`~geo_priority.codes.CodeColumn`), its system resolved, and each
  code brought into the areas' system (directly, by identical digits, or
  through a :class:`~geo_priority.regions.Crosswalk`);
* **through a crosswalk**: a pair whose recorded names disagree is
  ``doubtful``; a source split over several areas becomes one match per area
  with the crosswalk's weight (``tables.crosswalk_weight``), else
  ``ambiguous``;
* **a wrong code system**: codes that also read in the other system but
  rarely land on an area under the declared one are ``doubtful``;
* **by name**: in :mod:`geo_priority.name_matching`, which also turns code
  matches whose names contradict into ``doubtful``;
* doubt, collisions and the report are in :mod:`geo_priority.doubts`,
  :mod:`geo_priority.join_values` and :mod:`geo_priority.join_report`.

Every step takes and returns :class:`Match` values; nothing here touches the
frames' values. :func:`geo_priority.harmonise.join_indicators` calls the
steps in order and merges the values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from geo_priority.codes import CodeColumn, ParsedCode, SystemChoice, is_missing
from geo_priority.errors import CodeError, JoinError
from geo_priority.formatting import format_number, shorten_list
from geo_priority.join_report import JOINED, build_report, warn_report
from geo_priority.messages import language, tr
from geo_priority.regions import Crosswalk, Kind, normalise_name
from geo_priority.schema import (
    AMBIGUOUS,
    DOUBTFUL,
    INVALID_CODE,
    LEVELS,
    MATCHED,
    OTHER_LEVEL,
    UNMATCHED_ROW,
    CodeSystem,
    Level,
)

__all__ = [
    "JOINED",
    "AreaName",
    "JoinContext",
    "Match",
    "build_report",
    "initial_matches",
    "match_codes",
    "text_or_none",
    "warn_report",
]

#: Below this share of its codes landing on an area, a table's code reading
#: is doubted when the codes read in the other system too.
WRONG_SYSTEM_HIT_SHARE = 0.5


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
            tr(
                "cannot tell whether {label} codes are Kemendagri or BPS codes (e.g. "
                '{value}). Set tables.code_system = "kemendagri" or "bps".',
                label=setup.label,
                value=shorten_list(codes.needs_system(), 5),
            )
        )
    system = system or fallback
    if cw is not None and cw.from_system != system:
        raise JoinError(
            tr(
                "{label} codes are {system} codes but crosswalk {label2!r} maps from "
                '{from_system}; set tables.code_system = "{from_system}" or give '
                "another crosswalk (tables.crosswalk).",
                label=setup.label,
                system=system,
                label2=cw.label,
                from_system=cw.from_system,
            )
        )
    if cw is None and system != setup.system and LEVELS.index(setup.level) > 1:
        raise JoinError(
            tr(
                "{label} codes are {system} codes but the areas are {system2} "
                "{level} codes, and numbering differs below kab/kota. Give a "
                "crosswalk file between the two systems: tables.crosswalk (CLI: "
                "--crosswalk), with tables.crosswalk_from and tables.crosswalk_to "
                "for an unknown layout.",
                label=setup.label,
                system=system,
                system2=setup.system,
                level=setup.level,
            )
        )
    return system


def _convert(code: ParsedCode, setup: JoinContext) -> str:
    """Bring a provinsi/kab code into the areas' system by identical digits."""
    try:
        return code.in_system(setup.system).code
    except CodeError as err:
        raise JoinError(
            tr(
                "{label} code {code!r} ({system}) cannot be converted to {system2}: "
                "{err} Give a crosswalk file (tables.crosswalk) to map the codes.",
                label=setup.label,
                code=code.code,
                system=code.system,
                system2=setup.system,
                err=err,
            )
        ) from err


def _via_crosswalk(m: Match, code: str, setup: JoinContext) -> list[Match]:
    """Map a source code through the crosswalk to its area(s)."""
    label = setup.crosswalk.label if setup.crosswalk else "crosswalk"
    targets = setup.targets.get(code, [])
    if not targets:
        return [
            replace(
                m,
                status=UNMATCHED_ROW,
                detail=tr(
                    "{code} is not in crosswalk {label!r}",
                    code=code,
                    label=label,
                ),
            )
        ]
    if len(targets) > 1:
        return _split(m, code, targets, setup)
    key = targets[0]
    if key not in setup.ids:
        return [
            replace(
                m,
                status=UNMATCHED_ROW,
                detail=tr(
                    "crosswalk {label!r} maps {code} to {key}, which is not among the "
                    "areas",
                    label=label,
                    code=code,
                    key=key,
                ),
            )
        ]
    detail = tr(
        "via crosswalk {label!r}: {code} -> {key}",
        label=label,
        code=code,
        key=key,
    )
    match = replace(m, status=MATCHED, area_id=key, detail=detail, source=code)
    return [_crosswalk_names(match, code, key, setup)]


def _crosswalk_names(m: Match, code: str, key: str, setup: JoinContext) -> Match:
    """Make a crosswalk match doubtful when the crosswalk's names disagree."""
    names = setup.disagreeing.get((code, key))
    if names is None:
        return m
    return replace(
        m,
        status=DOUBTFUL,
        detail=tr(
            "{detail}; the crosswalk's names disagree: {names!r} -> {names2!r}",
            detail=m.detail,
            names=names[0],
            names2=names[1],
        ),
    )


def _split(m: Match, code: str, targets: list[str], setup: JoinContext) -> list[Match]:
    """Split a source over several areas with the crosswalk's weights."""
    label = setup.crosswalk.label if setup.crosswalk else "crosswalk"
    weights = setup.weights or {}
    missing = [t for t in targets if (code, t) not in weights]
    if setup.weights is None or missing:
        why = (
            tr(
                "name the crosswalk column with each area's share as "
                "tables.crosswalk_weight (counts are then split)"
            )
            if setup.weights is None
            else tr(
                "the crosswalk gives no weight for {value}",
                value=shorten_list(missing, 5),
            )
        )
        return [
            replace(
                m,
                status=AMBIGUOUS,
                detail=tr(
                    "crosswalk {label!r} maps {code} to {n_targets} areas: {value}; "
                    "not joined, because a value is split only with weights: {why}, "
                    "or map {code} to one area in the crosswalk (tables.crosswalk)",
                    label=label,
                    code=code,
                    n_targets=len(targets),
                    value=shorten_list(targets, 5),
                    why=why,
                ),
            )
        ]
    inside = [t for t in targets if t in setup.ids]
    return [
        _crosswalk_names(
            replace(
                m,
                status=MATCHED,
                area_id=t,
                source=code,
                weight=weights[(code, t)],
                detail=tr(
                    "via crosswalk {label!r}: {code} -> {t} (split over {n_targets} "
                    "areas, weight {value})",
                    label=label,
                    code=code,
                    t=t,
                    n_targets=len(targets),
                    value=format_number(
                        weights[(code, t)], lang=language(), decimals=4
                    ),
                ),
            ),
            code,
            t,
            setup,
        )
        for t in inside
    ] or [
        replace(
            m,
            status=UNMATCHED_ROW,
            detail=tr(
                "crosswalk {label!r} maps {code} to {value}, none of which is among "
                "the areas",
                label=label,
                code=code,
                value=shorten_list(targets, 5),
            ),
        )
    ]


#: The codes tables give their national total row (Dukcapil writes ``0``).
_NATIONAL_CODES = frozenset({"0", "00", "0.0"})


def _is_national(code: object) -> bool:
    """Tell whether ``code`` is the code of the national total row (Indonesia)."""
    return isinstance(code, str) and code.strip() in _NATIONAL_CODES


def _match_code(
    m: Match, parsed: ParsedCode | CodeError, setup: JoinContext, level: Level
) -> list[Match]:
    """Decide one row by its (already parsed) code; a split gives several."""
    if isinstance(parsed, CodeError) and _is_national(m.row_code):
        return [replace(m, status=OTHER_LEVEL, detail=tr("different level (nasional)"))]
    if isinstance(parsed, CodeError):
        return [replace(m, status=INVALID_CODE, detail=str(parsed))]
    if parsed.level != level:
        return [
            replace(
                m,
                status=OTHER_LEVEL,
                detail=tr(
                    "different level ({level})",
                    level=parsed.level,
                ),
            )
        ]
    if setup.crosswalk is not None:
        decided = _via_crosswalk(m, parsed.code, setup)
    else:
        key = _convert(parsed, setup)
        decided = [
            _matched(m, key)
            if key in setup.ids
            else replace(
                m,
                status=UNMATCHED_ROW,
                detail=tr(
                    "no area with code {key!r}",
                    key=key,
                ),
            )
        ]
    if parsed.note is None:
        return decided
    return [
        replace(d, detail="; ".join(x for x in (d.detail, parsed.note) if x))
        for d in decided
    ]


def _matched(m: Match, area_id: str) -> Match:
    """``replace(m, status=MATCHED, area_id=area_id)``, at a third of its cost.

    Every row of a national table (83,000) is matched here.
    """
    return Match(**{**m.__dict__, "status": MATCHED, "area_id": area_id})


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
    out = [d for m in matches for d in decided.get(m.pos, [m])]
    invalid = [m for m in out if m.status == INVALID_CODE]
    if len(invalid) == len(coded):
        raise JoinError(
            tr(
                "none of the {n_coded} {label} codes can be read as {system} codes: "
                "{value}. Check tables.code_column and tables.code_system (first "
                "problem: {detail})",
                n_coded=len(coded),
                label=setup.label,
                system=system,
                value=shorten_list((m.row_code for m in invalid), 5),
                detail=invalid[0].detail,
            )
        )
    out = _doubt_wrong_system(out, codes, system, setup)
    return out, _code_notes(out, system, setup)


def _wrong_system_reason(
    matches: Sequence[Match], codes: CodeColumn, system: CodeSystem, setup: JoinContext
) -> str | None:
    """Why the table's codes look read in the wrong system; None when they don't.

    Below kab/kota without a crosswalk, codes that also read as codes of the
    same level in the other system, of which fewer than
    :data:`WRONG_SYSTEM_HIT_SHARE` land on an area, are suspect: the few that
    land there most likely land on the wrong area.
    """
    if setup.crosswalk is not None or LEVELS.index(setup.level) < 2:
        return None
    at_level = [m for m in matches if m.status not in (INVALID_CODE, OTHER_LEVEL)]
    hits = sum(m.status in (MATCHED, DOUBTFUL) for m in at_level)
    if not hits or hits >= WRONG_SYSTEM_HIT_SHARE * len(at_level):
        return None
    other: CodeSystem = "bps" if system == "kemendagri" else "kemendagri"
    readable = [
        p
        for p in codes.parse(other)
        if not isinstance(p, CodeError) and p.level == setup.level
    ]
    if len(readable) < WRONG_SYSTEM_HIT_SHARE * len(codes):
        return None
    return tr(
        "codes read as {system} codes, but only {hits} of {n_at_level} "
        "{level} codes are among the areas, and the codes read as {other} "
        "codes too: is tables.code_system right? (the {label} codes may be "
        "{other} codes, which need a crosswalk, tables.crosswalk)",
        system=system,
        hits=hits,
        n_at_level=len(at_level),
        level=setup.level,
        other=other,
        label=setup.label,
    )


def _doubt_wrong_system(
    matches: list[Match], codes: CodeColumn, system: CodeSystem, setup: JoinContext
) -> list[Match]:
    """Make every code match doubtful when the code system looks wrong."""
    reason = _wrong_system_reason(matches, codes, system, setup)
    if reason is None:
        return matches
    return [
        replace(
            m,
            status=DOUBTFUL,
            detail=tr(
                "wrong code system? {reason}",
                reason=reason,
            ),
        )
        if m.status == MATCHED
        else m
        for m in matches
    ]


def _code_notes(
    matches: list[Match], system: CodeSystem, setup: JoinContext
) -> list[str]:
    """Human-readable notes on how codes were brought into the areas' system."""
    notes = [
        tr(
            "{label}: codes read as {system} codes",
            label=setup.label,
            system=system,
        )
    ]
    joined = sum(m.status == MATCHED for m in matches)
    if setup.crosswalk is not None:
        notes.append(
            tr(
                "{label}: {joined} codes mapped {system} -> {system2} through "
                "crosswalk {label2!r}",
                label=setup.label,
                joined=joined,
                system=system,
                system2=setup.system,
                label2=setup.crosswalk.label,
            )
        )
    elif system != setup.system:
        notes.append(
            tr(
                "{label}: {joined} {system} codes converted to {system2} by "
                "identical digits (valid at provinsi/kab level in digit-identical "
                "provinces)",
                label=setup.label,
                joined=joined,
                system=system,
                system2=setup.system,
            )
        )
    return notes
