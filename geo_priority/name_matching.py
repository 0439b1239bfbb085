"""Match indicator rows to areas by name, and check code matches by name.

The name half of the matching engine (:mod:`geo_priority.matching` holds the
match records, the code half and the report). Names are reduced with
:func:`~geo_priority.regions.normalise_name` and compared among the areas
inside a parent (the ``parent`` argument and each row's parent, a code or a
province name such as ``BANTEN``): the same core and kab/kota kind first, then
elimination by kind, then a single best fuzzy candidate (rapidfuzz). A kab
never matches a kota. A bare name (``Blitar``) next to a row of the same name
with a kind (``Kota Blitar``) in the same parent is the other kind: BPS writes
kabupaten bare and kota with ``Kota``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from geo_priority.codes import parse_code
from geo_priority.errors import CodeError, JoinError
from geo_priority.formatting import shorten_list
from geo_priority.matching import AreaName, JoinContext, Match
from geo_priority.messages import tr
from geo_priority.parent_names import parent_code_from_name
from geo_priority.regions import Kind, normalise_name
from geo_priority.schema import (
    AMBIGUOUS,
    DOUBTFUL,
    INVALID_CODE,
    LEVELS,
    MATCHED,
    MATCHED_NAME,
    UNMATCHED_ROW,
    CodeSystem,
)

__all__ = ["NAME_DISAGREEMENT_SCORE", "check_names", "match_names"]

#: Below this name similarity (0-100) a code match is flagged as doubtful.
NAME_DISAGREEMENT_SCORE = 60.0


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


def _similarity(a: str, b: str) -> float:
    """Best of rapidfuzz ratio and token_sort_ratio (0-100)."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _compatible(a: Kind | None, b: Kind | None) -> bool:
    """Kinds can refer to the same area unless both are known and differ."""
    return a is None or b is None or a == b


def _describe(candidates: Sequence[AreaName]) -> str:
    """``'Kota Serang (36.73)', ...`` for report details."""
    return shorten_list((f"{c.name} ({c.area_id})" for c in candidates), 5)


def _by_sibling(
    m: Match, compatible: list[AreaName], siblings: frozenset[Kind]
) -> Match | None:
    """Decide a bare name whose kind the table's other rows rule out."""
    if len(siblings) != 1:
        return None
    (named,) = siblings
    left = [a for a in compatible if a.kind is not None and a.kind != named]
    if len(left) != 1:
        return None
    kind_word = "kabupaten" if left[0].kind == "kab" else "kota"
    return replace(
        m,
        status=MATCHED_NAME,
        area_id=left[0].area_id,
        detail=tr(
            "bare name taken as the {kind_word} {name!r}: the table gives the "
            "{named} of that name in a row of its own",
            kind_word=kind_word,
            name=left[0].name,
            named=named,
        ),
    )


def _same_core(
    m: Match,
    kind: Kind | None,
    same: list[AreaName],
    siblings: frozenset[Kind] = frozenset(),
) -> Match:
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
            detail=tr(
                "matched {name!r} by elimination: {value} has the other kab/kota kind",
                name=compatible[0].name,
                value=_describe(others),
            ),
        )
    if not compatible:
        return replace(
            m,
            status=UNMATCHED_ROW,
            detail=tr(
                "only {value} has this name, and a kab never matches a kota",
                value=_describe(same),
            ),
        )
    sibling = _by_sibling(m, compatible, siblings) if kind is None else None
    if sibling is not None:
        return sibling
    return replace(
        m,
        status=AMBIGUOUS,
        detail=tr(
            "several areas have this name: {value}; write 'Kab.'/'Kota' in the "
            "name, give a code (tables.code_column), or the province "
            "(tables.parent or tables.parent_column)",
            value=_describe(compatible),
        ),
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
        return replace(m, status=UNMATCHED_ROW, detail=tr("no area has this name"))
    top = max(best.values())
    winners = [pool[i] for i, score in best.items() if score == top]
    if len(winners) > 1:
        return replace(
            m,
            status=AMBIGUOUS,
            detail=tr(
                "fuzzy match ties (score {top:.0f}): {value}",
                top=top,
                value=_describe(winners),
            ),
        )
    return replace(
        m,
        status=DOUBTFUL,
        area_id=winners[0].area_id,
        detail=tr(
            "fuzzy name match {row_name!r} ~ {name!r} (score {top:.0f})",
            row_name=m.row_name,
            name=winners[0].name,
            top=top,
        ),
    )


def _match_name(
    m: Match, pool: _Pool, threshold: float, siblings: frozenset[Kind] = frozenset()
) -> Match:
    """Decide one row by its name among ``pool``."""
    target = normalise_name(m.row_name)
    if not target.core:
        return replace(m, status=UNMATCHED_ROW, detail=tr("row has no usable name"))
    same = pool.by_core.get(target.core)
    if same:
        return _same_core(m, target.kind, same, siblings)
    compatible = [a for a in pool.areas if _compatible(target.kind, a.kind)]
    return _fuzzy(m, target.core, compatible, threshold)


def _parent_as_code(value: object, setup: JoinContext) -> object:
    """Return a parent given by name (province, kab/kota) as its Kemendagri code."""
    if any(ch.isdigit() for ch in str(value)):
        return value
    code = parent_code_from_name(value, kabkota=LEVELS.index(setup.level) > 1)
    if code is None:
        raise CodeError(
            tr(
                "parent {value!r} is neither a code nor the name of a "
                "province{value2} in the Kemendagri reference; check tables.parent / "
                "tables.parent_column.",
                value=value,
                value2=" or kab/kota" if LEVELS.index(setup.level) > 1 else "",
            )
        )
    return code


def _area_prefix(value: object, setup: JoinContext) -> str:
    """Canonical code (areas' system) of a parent used to narrow name matching."""
    value = _parent_as_code(value, setup)
    try:
        parsed = parse_code(value, system=setup.system)
    except CodeError:
        parsed = parse_code(value).in_system(setup.system)
    if LEVELS.index(parsed.level) >= LEVELS.index(setup.level):
        raise CodeError(
            tr(
                "parent {value!r} is a {level} code; it must be coarser than the "
                "{level2} areas (e.g. '36' or '36.01').",
                value=value,
                level=parsed.level,
                level2=setup.level,
            )
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


def match_names(
    matches: list[Match], parent: str | None, setup: JoinContext, threshold: float
) -> list[Match]:
    """Decide the rows still open by name, within ``parent`` and the row parent.

    Parameters
    ----------
    matches : list of Match
        Rows decided by code so far (open rows have status None).
    parent : str or None
        Code of an area that contains every row.
    setup : JoinContext
        The areas.
    threshold : float
        Minimum similarity (0-100) of a fuzzy name match.

    Returns
    -------
    list of Match
        Every row decided.

    Raises
    ------
    JoinError
        When ``parent`` cannot be read or is not coarser than the areas.
    """
    if all(m.status is not None for m in matches):
        return matches
    try:
        prefix = None if parent is None else _area_prefix(parent, setup)
    except CodeError as err:
        raise JoinError(
            tr(
                "tables.parent = {parent!r} cannot be used: {err}",
                parent=parent,
                err=err,
            )
        ) from err
    pools = _Pools(setup, _within(setup.pool, prefix, setup.system))
    kinds = _kinds_named(matches)
    out = []
    for m in matches:
        if m.status is not None:
            out.append(m)
        elif m.row_name is None:
            out.append(
                replace(
                    m, status=UNMATCHED_ROW, detail=tr("row has no code and no name")
                )
            )
        else:
            siblings = kinds.get((m.row_parent, normalise_name(m.row_name).core))
            out.append(
                _match_in_row_parent(m, pools, threshold, siblings or frozenset())
            )
    return out


def _kinds_named(
    matches: Iterable[Match],
) -> dict[tuple[str | None, str], frozenset[Kind]]:
    """Return the kab/kota kinds the table writes out, per (row parent, core)."""
    kinds: dict[tuple[str | None, str], set[Kind]] = {}
    for m in matches:
        name = normalise_name(m.row_name)
        if name.kind is not None:
            kinds.setdefault((m.row_parent, name.core), set()).add(name.kind)
    return {key: frozenset(found) for key, found in kinds.items()}


def _match_in_row_parent(
    m: Match, pools: _Pools, threshold: float, siblings: frozenset[Kind]
) -> Match:
    """Match by name inside the row's own parent (code or name), when it has one."""
    if m.row_parent is None:
        return _match_name(m, pools.base, threshold, siblings)
    prefix = pools.prefix(m.row_parent)
    if isinstance(prefix, CodeError):
        return replace(m, status=INVALID_CODE, detail=f"parent: {prefix}")
    return _match_name(m, pools.within(prefix), threshold, siblings)


def _check_names(m: Match, setup: JoinContext) -> Match:
    """Flag code matches whose row name contradicts the area name."""
    if m.status != MATCHED or m.row_name is None:
        return m  # the areas' names are normalised only for rows with a name
    area = setup.by_id.get(m.area_id or "")
    if area is None:
        return m
    row = normalise_name(m.row_name)
    if area.kind and row.kind and area.kind != row.kind:
        return replace(
            m,
            status=DOUBTFUL,
            detail=tr(
                "code matches {name!r} but the row is named {row_name!r} ({kind} vs "
                "{kind2})",
                name=area.name,
                row_name=m.row_name,
                kind=area.kind,
                kind2=row.kind,
            ),
        )
    if not area.core or not row.core or area.core == row.core:
        return m
    score = _similarity(area.core, row.core)
    if score >= NAME_DISAGREEMENT_SCORE:
        return m
    return replace(
        m,
        status=DOUBTFUL,
        detail=tr(
            "names disagree: area {name!r}, row {row_name!r} (similarity {score:.0f})",
            name=area.name,
            row_name=m.row_name,
            score=score,
        ),
    )


def check_names(matches: Iterable[Match], setup: JoinContext) -> list[Match]:
    """Flag code matches whose row name contradicts the area name as doubtful.

    A kab named row on a kota area (or the reverse), or names less similar
    than :data:`NAME_DISAGREEMENT_SCORE`, make a ``matched`` row ``doubtful``
    (still joined).

    Parameters
    ----------
    matches : iterable of Match
        The decided rows.
    setup : JoinContext
        The areas (their names normalised once).

    Returns
    -------
    list of Match
    """
    return [_check_names(m, setup) for m in matches]
