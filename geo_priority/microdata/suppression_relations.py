"""The sums and bounds between published cells, and what they imply.

A :class:`Relation` says a total is the sum of its parts in each row (a row
total and its parts, a rate's denominator = numerator + complement); a
:class:`Bound` says one count is at most another. Together they imply more
than any one of them states: cells a one-part relation makes equal, two sums
with the same total that differ in one part each (:func:`implied`, also in
the rows a relation is restricted to: :func:`implied_in_rows`), and bounds
taken over equal cells, transitively, and mirrored over two sums of two
parts with the same total (:func:`bound_limits`). The suppression rules of
:mod:`~geo_priority.microdata.disclosure` close all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

__all__ = [
    "PARENT_DIGITS",
    "Bound",
    "Relation",
    "bound_limits",
    "implied",
    "implied_in_rows",
]

#: The second relation between rows: a parent area (undotted Kemendagri code
#: of 6 or 4 digits) is the sum of its child areas (10 or 6 digits).
PARENT_DIGITS = {10: 6, 6: 4}


@dataclass(frozen=True)
class Relation:
    """``total = sum(parts)`` within each row (optionally only some rows)."""

    total: str
    parts: tuple[str, ...]
    rows: str | None = None  # name of a boolean column restricting the rows


@dataclass(frozen=True)
class Bound:
    """``low <= high`` within each row (a logical bound between two counts)."""

    low: str
    high: str


def implied(relations: Sequence[Relation], cells: Sequence[str]) -> list[Relation]:
    """Return equalities the relations imply between two cells, as relations.

    Cells of a one-part relation hold the same number; two relations with
    the same total whose parts differ in one cell each (after replacing every
    cell by one of its equals) make those two cells equal. Example: target
    families = reached by any programme + excluded, and = reached by the
    spending-burden strategy + its complement, with "any" and the strategy
    the same set of programmes: excluded = the strategy's complement, so one
    must not be published while the other is hidden (a sum of relations pins
    it although no single relation has one hidden cell).
    """
    known = set(cells)
    rows = [r for r in relations if r.rows is None and {r.total, *r.parts} <= known]
    same = {c: c for c in cells}

    def find(c: str) -> str:
        while same[c] != c:
            same[c] = same[same[c]]
            c = same[c]
        return c

    out: list[Relation] = []

    def join(a: str, b: str) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return False
        same[rb] = ra
        out.append(Relation(ra, (rb,)))
        return True

    changed = True
    while changed:
        changed = False
        for r in rows:
            if len(r.parts) == 1:
                changed |= join(r.total, r.parts[0])
        by_total: dict[str, list[Counter[str]]] = {}
        for r in rows:
            by_total.setdefault(find(r.total), []).append(
                Counter(find(p) for p in r.parts)
            )
        for sums in by_total.values():
            for i, first in enumerate(sums):
                for second in sums[i + 1 :]:
                    extra, missing = first - second, second - first
                    if extra.total() == 1 and missing.total() == 1:
                        changed |= join(next(iter(extra)), next(iter(missing)))
    return out


def implied_in_rows(
    relations: Sequence[Relation], cells: Sequence[str]
) -> list[Relation]:
    """Equalities :func:`implied` finds only in the rows a relation is restricted to.

    In desa rows the desa-only target count is the target count, so the
    complement of BLT-DD's coverage (over desa-only target families) equals
    that of the Kemendes/desa agency (over target families) when BLT-DD is
    the agency's only programme: one must not be published there while the
    other is hidden.
    """
    whole = {(r.total, r.parts) for r in implied(relations, cells)}
    out: list[Relation] = []
    for name in sorted({r.rows for r in relations if r.rows is not None}):
        some = [replace(r, rows=None) for r in relations if r.rows in (None, name)]
        out += [
            replace(r, rows=name)
            for r in implied(some, cells)
            if (r.total, r.parts) not in whole
        ]
    return out


def bound_limits(
    relations: Sequence[Relation], bounds: Sequence[Bound], cells: Sequence[str]
) -> list[tuple[str | None, dict[str, tuple[list[str], list[str]]]]]:
    """Bounds of every row, then of each row subset a relation is restricted to.

    In desa rows the desa-only target count equals the target count, so a
    desa programme's published complement 0 bounds "excluded" there.
    """
    out: list[tuple[str | None, dict[str, tuple[list[str], list[str]]]]] = [
        (None, _bound_map(relations, bounds, cells))
    ]
    for name in sorted({r.rows for r in relations if r.rows is not None}):
        some = [replace(r, rows=None) for r in relations if r.rows in (None, name)]
        out.append((name, _bound_map(some, bounds, cells)))
    return out


def _bound_map(
    relations: Sequence[Relation], bounds: Sequence[Bound], cells: Sequence[str]
) -> dict[str, tuple[list[str], list[str]]]:
    """Per cell: its lower and upper bounds, with those the sums imply.

    The bounds are ``bounds`` and ``part <= total`` of each relation, taken
    between cells the one-part relations make equal, transitively, and
    mirrored over two sums of two parts with the same total (``t = a + b``,
    ``t = c + d`` and ``a <= c`` give ``d <= b``): "excluded by any
    programme" is at most "not reached by the agency" when the agency's
    programmes are among "any programme"'s, although no bound says so.
    """
    known = set(cells)
    whole = [r for r in relations if r.rows is None and {r.total, *r.parts} <= known]
    root = _equal_classes(whole, cells)
    pairs = {(b.low, b.high) for b in bounds if {b.low, b.high} <= known}
    pairs |= {(part, r.total) for r in whole for part in r.parts}
    below = {(root[lo], root[hi]) for lo, hi in pairs if root[lo] != root[hi]}
    twos: dict[str, list[tuple[str, str]]] = {}
    for r in whole:
        if len(r.parts) == 2:
            a, b = (root[c] for c in r.parts)
            twos.setdefault(root[r.total], []).extend([(a, b), (b, a)])
    while True:
        closed = _transitive(below)
        mirrored = {
            (d, b)
            for sums in twos.values()
            for a, b in sums
            for c, d in sums
            if (a, c) in closed and d != b
        }
        if mirrored <= closed:
            break
        below = closed | mirrored
    members: dict[str, list[str]] = {}
    for c in cells:
        members.setdefault(root[c], []).append(c)
    out: dict[str, tuple[list[str], list[str]]] = {}
    for lo_root, hi_root in sorted(closed):
        for low in members[lo_root]:
            for high in members[hi_root]:
                out.setdefault(high, ([], []))[0].append(low)
                out.setdefault(low, ([], []))[1].append(high)
    return out


def _equal_classes(
    relations: Sequence[Relation], cells: Sequence[str]
) -> dict[str, str]:
    """Per cell: one cell of those the one-part relations make equal to it."""
    root = {c: c for c in cells}

    def find(c: str) -> str:
        while root[c] != c:
            c = root[c]
        return c

    for r in relations:
        if len(r.parts) == 1:
            a, b = find(r.total), find(r.parts[0])
            if a != b:
                root[max(a, b)] = min(a, b)
    return {c: find(c) for c in cells}


def _transitive(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return the transitive closure of ``low <= high`` pairs."""
    above: dict[str, set[str]] = {}
    for low, high in pairs:
        above.setdefault(low, set()).add(high)
    changed = True
    while changed:
        changed = False
        for low, highs in above.items():
            more = set().union(*(above.get(h, set()) for h in highs)) - highs - {low}
            if more:
                highs |= more
                changed = True
    return {(low, high) for low, highs in above.items() for high in highs}
