"""Decide, row by row, which area an indicator row belongs to.

The matching engine behind :func:`geo_priority.harmonise.join_indicators`:

* **by code**: the table's code column is read once
  (:class:`~geo_priority.codes.CodeColumn`), its system resolved, and each
  code brought into the areas' system (directly, by identical digits, or
  through a :class:`~geo_priority.regions.Crosswalk`);
* **through a crosswalk**: in :mod:`geo_priority.crosswalk_matching`; a pair
  whose recorded names disagree is ``doubtful``; a source split over several
  areas becomes one match per area with the crosswalk's weight
  (``tables.crosswalk_weight``), else ``ambiguous``;
* **a wrong code system**: codes that also read in the other system but
  rarely land on an area under the declared one are ``doubtful``;
* **by name**: in :mod:`geo_priority.name_matching`, which also turns code
  matches whose names contradict into ``doubtful``;
* doubt, collisions and the report are in :mod:`geo_priority.doubts`,
  :mod:`geo_priority.join_values` and :mod:`geo_priority.join_report`.

Every step takes and returns :class:`Match` values (they and
:class:`JoinContext` live in :mod:`geo_priority.match_records` and are
re-exported here); nothing here touches the
frames' values. :func:`geo_priority.harmonise.join_indicators` calls the
steps in order and merges the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import compress

from geo_priority.codes import CodeColumn, ParsedCode, SystemChoice
from geo_priority.crosswalk_matching import via_crosswalk
from geo_priority.errors import CodeError, JoinError
from geo_priority.formatting import shorten_list
from geo_priority.join_report import JOINED, build_report, warn_report
from geo_priority.match_records import (
    AreaName,
    JoinContext,
    Match,
    PlainRows,
    RowCells,
    initial_matches,
    text_or_none,
    with_rows,
)
from geo_priority.messages import tr
from geo_priority.schema import (
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
    "PlainRows",
    "RowCells",
    "build_report",
    "initial_matches",
    "match_codes",
    "text_or_none",
    "warn_report",
]

#: Below this share of its codes landing on an area, a table's code reading
#: is doubted when the codes read in the other system too.
WRONG_SYSTEM_HIT_SHARE = 0.5

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
        decided = via_crosswalk(m, parsed.code, setup)
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


def _plain_rows(
    rows: RowCells,
    coded: list[int],
    parsed: list[ParsedCode | CodeError],
    setup: JoinContext,
    level: Level,
) -> PlainRows:
    """Return the coded rows whose code alone is an area's code (:class:`PlainRows`).

    What :func:`_match_code` makes ``matched`` with no detail: a code of the
    areas' system at ``level``, nothing repaired (no note), among the areas,
    no crosswalk; and no row name that :func:`check_names` would compare.
    """
    if setup.crosswalk is not None:
        return PlainRows()
    ids, system, names = setup.ids, setup.system, rows.name
    plain = [  # flags, not tuples: nothing to allocate per row
        isinstance(p, ParsedCode)
        and p.level == level
        and p.note is None
        and p.system == system
        and names[pos] is None
        and p.code in ids
        for pos, p in zip(coded, parsed, strict=True)
    ]
    found = list(compress(coded, plain))
    return PlainRows(
        found,
        [str(rows.code[pos]) for pos in found],
        [p.code for p in compress(parsed, plain)],  # type: ignore[union-attr]
        [rows.parent[pos] for pos in found],
    )


def match_codes(
    rows: RowCells, code_system: SystemChoice, setup: JoinContext
) -> tuple[PlainRows, list[Match], list[str]]:
    """Decide every row that has a code; return the matches and report notes.

    The code column is read once (:class:`~geo_priority.codes.CodeColumn`):
    its system is resolved, then each distinct code parsed once. Rows whose
    code alone is an area's code are kept column-wise (:class:`PlainRows`);
    the others are decided row by row.

    Parameters
    ----------
    rows : RowCells
        The table's code, name and parent cells.
    code_system : {"auto", "kemendagri", "bps"}
        System of the codes.
    setup : JoinContext
        The areas.

    Returns
    -------
    (PlainRows, list of Match, list of str)
        The plain rows; the matches of the other rows, in row order (rows
        without a code left open); notes on how the codes were read.

    Raises
    ------
    JoinError
        When the system cannot be told or does not fit the areas or the
        crosswalk, or no code is readable.
    """
    coded = [pos for pos, code in enumerate(rows.code) if code is not None]
    if not coded:
        return PlainRows(), [rows.match(pos) for pos in range(len(rows))], []
    codes = CodeColumn([rows.code[pos] for pos in coded])
    system = _table_system(codes, code_system, setup)
    level = setup.crosswalk.from_level if setup.crosswalk else setup.level
    parsed = codes.parse(system)
    plain = _plain_rows(rows, coded, parsed, setup, level)
    skip = set(plain.pos)
    decided = {
        pos: _match_code(rows.match(pos), code, setup, level)
        for pos, code in zip(coded, parsed, strict=True)
        if pos not in skip
    }
    out = [
        d
        for pos in range(len(rows))
        if pos not in skip
        for d in (decided[pos] if pos in decided else [rows.match(pos)])
    ]
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
    reason = _wrong_system_reason(out, len(plain), codes, system, setup)
    if reason is not None:  # every code match doubted: the plain rows too
        out, plain = _doubt_wrong_system(with_rows(out, plain.matches()), reason)
    return plain, out, _code_notes(out, len(plain), system, setup)


def _wrong_system_reason(
    matches: Sequence[Match],
    n_plain: int,
    codes: CodeColumn,
    system: CodeSystem,
    setup: JoinContext,
) -> str | None:
    """Why the table's codes look read in the wrong system; None when they don't.

    Below kab/kota without a crosswalk, codes that also read as codes of the
    same level in the other system, of which fewer than
    :data:`WRONG_SYSTEM_HIT_SHARE` land on an area, are suspect: the few that
    land there most likely land on the wrong area. ``n_plain`` rows matched
    besides ``matches`` (:class:`PlainRows`).
    """
    if setup.crosswalk is not None or LEVELS.index(setup.level) < 2:
        return None
    at_level = [m for m in matches if m.status not in (INVALID_CODE, OTHER_LEVEL)]
    hits = n_plain + sum(m.status in (MATCHED, DOUBTFUL) for m in at_level)
    n_at_level = n_plain + len(at_level)
    if not hits or hits >= WRONG_SYSTEM_HIT_SHARE * n_at_level:
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
        n_at_level=n_at_level,
        level=setup.level,
        other=other,
        label=setup.label,
    )


def _doubt_wrong_system(
    matches: list[Match], reason: str
) -> tuple[list[Match], PlainRows]:
    """Make every code match doubtful: the code system looks wrong (``reason``)."""
    doubted = [
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
    return doubted, PlainRows()


def _code_notes(
    matches: list[Match], n_plain: int, system: CodeSystem, setup: JoinContext
) -> list[str]:
    """Human-readable notes on how codes were brought into the areas' system."""
    notes = [
        tr(
            "{label}: codes read as {system} codes",
            label=setup.label,
            system=system,
        )
    ]
    joined = n_plain + sum(m.status == MATCHED for m in matches)
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
