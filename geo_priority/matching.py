"""Decide, row by row, which area an indicator row belongs to.

The matching engine behind :func:`geo_priority.harmonise.join_indicators`:

* **by code**: the table's code column is read once
  (:class:`~geo_priority.codes.CodeColumn`), its system resolved, and each
  code brought into the areas' system (directly, by identical digits, or
  through a :class:`~geo_priority.regions.Crosswalk`);
* **by name**: normalised names among the areas inside a parent, exact core
  and kab/kota kind first, then elimination, then a fuzzy best candidate;
* **checks**: code matches whose names contradict become ``doubtful``;
  several rows on one area become ``duplicate``;
* **report**: one :class:`~geo_priority.schema.JoinReport` entry per row and
  per area without a row, and at most one warning of each kind.

Every step takes and returns :class:`Match` values; nothing here touches the
frames' values (the merge is in :mod:`geo_priority.harmonise`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
from rapidfuzz import fuzz, process

from geo_priority.codes import (
    CodeColumn,
    ParsedCode,
    SystemChoice,
    is_missing,
    parse_code,
)
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
    "NAME_DISAGREEMENT_SCORE",
    "AreaName",
    "JoinContext",
    "Match",
    "build_report",
    "match_rows",
    "text_or_none",
    "warn_report",
]

#: Below this name similarity (0-100) a code match is flagged as doubtful.
NAME_DISAGREEMENT_SCORE = 60.0
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
class _Pool:
    """Areas a name may match, indexed by normalised core."""

    areas: tuple[AreaName, ...]
    by_core: dict[str, list[AreaName]]

    @classmethod
    def of(cls, areas: Iterable[AreaName]) -> _Pool:
        """Build a pool and its core index."""
        items = tuple(areas)
        by_core: dict[str, list[AreaName]] = {}
        for area in items:
            by_core.setdefault(area.core, []).append(area)
        return cls(items, by_core)


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


def match_rows(
    table: pd.DataFrame,
    context: JoinContext,
    *,
    code_column: str | None,
    name_column: str | None,
    parent_column: str | None,
    code_system: SystemChoice,
    parent: str | None,
    fuzzy_threshold: float,
) -> tuple[list[Match], list[str]]:
    """Decide every row of ``table``: by code, then by name, then the checks.

    Parameters
    ----------
    table : pandas.DataFrame
        The indicator rows.
    context : JoinContext
        The areas.
    code_column, name_column, parent_column : str or None
        The table's code, name and per-row parent code columns.
    code_system : {"auto", "kemendagri", "bps"}
        System of ``code_column``.
    parent : str or None
        Code of an area that contains every row; narrows name matching.
    fuzzy_threshold : float
        Minimum similarity (0-100) of a fuzzy name match.

    Returns
    -------
    (list of Match, list of str)
        One decided match per row, and notes on how codes were read.

    Raises
    ------
    JoinError
        As :func:`geo_priority.harmonise.join_indicators`.
    """
    matches = _initial_matches(table, code_column, name_column, parent_column)
    matches, notes = _match_codes(matches, code_system, context)
    matches = _match_names(matches, parent, context, fuzzy_threshold)
    matches = _flag_duplicates([_check_names(m, context) for m in matches])
    return matches, notes


def _initial_matches(
    table: pd.DataFrame,
    code_column: str | None,
    name_column: str | None,
    parent_column: str | None,
) -> list[Match]:
    """One undecided match per table row."""

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


def _match_codes(
    matches: list[Match], code_system: SystemChoice, setup: JoinContext
) -> tuple[list[Match], list[str]]:
    """Decide every row that has a code; return the matches and report notes."""
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


# ------------------------------------------------------------------------ by name


def _similarity(a: str, b: str) -> float:
    """Best of rapidfuzz ratio and token_sort_ratio (0-100)."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _compatible(a: Kind | None, b: Kind | None) -> bool:
    """Kinds can refer to the same area unless both are known and differ."""
    return a is None or b is None or a == b


def _describe(candidates: Sequence[AreaName]) -> str:
    """``'Kota Serang (36.73)', ...`` for report details."""
    return shorten_list((f"{c.name} ({c.area_id})" for c in candidates), 5)


def _same_core(m: Match, kind: Kind | None, same: list[AreaName]) -> Match:
    """Decide a row whose normalised core equals that of ``same`` areas."""
    compatible = [a for a in same if _compatible(kind, a.kind)]
    exact = [a for a in compatible if a.kind == kind]
    if kind is not None and len(exact) == 1:
        return replace(m, status=MATCHED_NAME, area_id=exact[0].area_id)
    if len(compatible) == 1 and len(same) == 1:
        return replace(m, status=MATCHED_NAME, area_id=compatible[0].area_id)
    if len(compatible) == 1:
        others = [a for a in same if a is not compatible[0]]
        return replace(
            m,
            status=DOUBTFUL,
            area_id=compatible[0].area_id,
            detail=f"matched {compatible[0].name!r} by elimination: "
            f"{_describe(others)} has the other kab/kota kind",
        )
    if not compatible:
        return replace(
            m,
            status=UNMATCHED_ROW,
            detail=f"only {_describe(same)} has this name, and a kab never "
            "matches a kota",
        )
    return replace(
        m,
        status=AMBIGUOUS,
        detail=f"several areas have this name: {_describe(compatible)}; add "
        "'Kab.'/'Kota', a code, or parent=",
    )


def _fuzzy(m: Match, core: str, pool: list[AreaName], threshold: float) -> Match:
    """Decide a row by fuzzy name similarity among kind-compatible areas."""
    best: dict[int, float] = {}
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _, score, i in process.extract(
            core,
            [a.core for a in pool],
            scorer=scorer,
            limit=None,
            score_cutoff=threshold,
        ):
            best[i] = max(best.get(i, 0.0), score)
    if not best:
        return replace(m, status=UNMATCHED_ROW, detail="no area has this name")
    top = max(best.values())
    winners = [pool[i] for i, score in best.items() if score == top]
    if len(winners) > 1:
        return replace(
            m,
            status=AMBIGUOUS,
            detail=f"fuzzy match ties (score {top:.0f}): {_describe(winners)}",
        )
    return replace(
        m,
        status=DOUBTFUL,
        area_id=winners[0].area_id,
        detail=f"fuzzy name match {m.row_name!r} ~ {winners[0].name!r} "
        f"(score {top:.0f})",
    )


def _match_name(m: Match, pool: _Pool, threshold: float) -> Match:
    """Decide one row by its name among ``pool``."""
    target = normalise_name(m.row_name)
    if not target.core:
        return replace(m, status=UNMATCHED_ROW, detail="row has no usable name")
    same = pool.by_core.get(target.core)
    if same:
        return _same_core(m, target.kind, same)
    compatible = [a for a in pool.areas if _compatible(target.kind, a.kind)]
    return _fuzzy(m, target.core, compatible, threshold)


def _area_prefix(value: object, setup: JoinContext) -> str:
    """Canonical code (areas' system) of a parent used to narrow name matching."""
    try:
        parsed = parse_code(value, system=setup.system)
    except CodeError:
        parsed = parse_code(value).in_system(setup.system)
    if LEVELS.index(parsed.level) >= LEVELS.index(setup.level):
        raise CodeError(
            f"parent {value!r} is a {parsed.level} code; it must be coarser than the "
            f"{setup.level} areas (e.g. '36' or '36.01')."
        )
    return parsed.code


def _within(areas: Iterable[AreaName], prefix: str | None, system: CodeSystem) -> _Pool:
    """Pool of the areas inside the area ``prefix`` (all when None)."""
    if prefix is None:
        return _Pool.of(areas)
    head = prefix + "." if system == "kemendagri" else prefix
    return _Pool.of(a for a in areas if a.area_id.startswith(head))


@dataclass
class _Pools:
    """Name pools per parent prefix, each built once; row parents read once."""

    setup: JoinContext
    base: _Pool
    by_prefix: dict[str, _Pool] = field(default_factory=dict)
    prefixes: dict[str, str | CodeError] = field(default_factory=dict)

    def prefix(self, row_parent: str) -> str | CodeError:
        """Return the areas' prefix of a row's parent code, or why it is unusable."""
        if row_parent not in self.prefixes:
            try:
                self.prefixes[row_parent] = _area_prefix(row_parent, self.setup)
            except CodeError as err:
                self.prefixes[row_parent] = err
        return self.prefixes[row_parent]

    def within(self, prefix: str) -> _Pool:
        """Return the pool of the areas inside ``prefix``."""
        if prefix not in self.by_prefix:
            self.by_prefix[prefix] = _within(self.base.areas, prefix, self.setup.system)
        return self.by_prefix[prefix]


def _match_names(
    matches: list[Match], parent: str | None, setup: JoinContext, threshold: float
) -> list[Match]:
    """Decide the rows still open by name, within ``parent`` and the row parent."""
    if all(m.status is not None for m in matches):
        return matches
    try:
        prefix = None if parent is None else _area_prefix(parent, setup)
    except CodeError as err:
        raise JoinError(f"parent={parent!r} cannot be used: {err}") from err
    pools = _Pools(setup, _within(setup.pool, prefix, setup.system))
    out = []
    for m in matches:
        if m.status is not None:
            out.append(m)
        elif m.row_name is None:
            out.append(
                replace(m, status=UNMATCHED_ROW, detail="row has no code and no name")
            )
        else:
            out.append(_match_in_row_parent(m, pools, threshold))
    return out


def _match_in_row_parent(m: Match, pools: _Pools, threshold: float) -> Match:
    """Match by name inside the row's own parent code, when it has one."""
    if m.row_parent is None:
        return _match_name(m, pools.base, threshold)
    prefix = pools.prefix(m.row_parent)
    if isinstance(prefix, CodeError):
        return replace(m, status=INVALID_CODE, detail=f"parent code: {prefix}")
    return _match_name(m, pools.within(prefix), threshold)


# ------------------------------------------------------------------------- checks


def _check_names(m: Match, setup: JoinContext) -> Match:
    """Flag code matches whose row name contradicts the area name."""
    area = setup.by_id.get(m.area_id or "")
    if m.status != MATCHED or m.row_name is None or area is None:
        return m
    row = normalise_name(m.row_name)
    if area.kind and row.kind and area.kind != row.kind:
        return replace(
            m,
            status=DOUBTFUL,
            detail=f"code matches {area.name!r} but the row is named {m.row_name!r} "
            f"({area.kind} vs {row.kind})",
        )
    if not area.core or not row.core or area.core == row.core:
        return m
    score = _similarity(area.core, row.core)
    if score >= NAME_DISAGREEMENT_SCORE:
        return m
    return replace(
        m,
        status=DOUBTFUL,
        detail=f"names disagree: area {area.name!r}, row {m.row_name!r} (similarity "
        f"{score:.0f})",
    )


def _flag_duplicates(matches: list[Match]) -> list[Match]:
    """Turn every joined row that shares its area with another into DUPLICATE."""
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
