"""Small-cell suppression with complementary suppression (REGISTRIES.md §4.2).

Primary rule: a count from 1 to ``threshold - 1`` is suppressed. A rate is
suppressed when its numerator, its denominator or its complement
(denominator - numerator) is suppressed, so "all but 3 families" is hidden
too. Complementary rule: for every additive relation between published
cells — a row total and its parts (families = desil 1 + ... + unknown;
target = covered + excluded; den = num + complement) and a parent area and its
child areas (kecamatan = sum of its desa, kab/kota = sum of its kecamatan) —
no relation may contain exactly one suppressed cell; otherwise the smallest
other cell is suppressed too, repeated until stable. Logical bounds between
published figures are checked as well (:class:`Bound`: each programme's
target count <= the any-programme target count <= target families; every
part of a relation <= its total; every count >= 0): a suppressed cell whose
largest published lower bound equals its smallest published upper bound is
pinned down, so the published cells that pin it are suppressed too. The
bounds include those the sums imply: between cells a one-part relation makes
equal, transitively, and mirrored over two sums of two parts with the same
total (target = any + excluded = agency + its complement and agency <= any
give excluded <= the agency's complement), in every row and in the rows
a relation is restricted to (in desa, a desa programme's complement bounds
"excluded"). A relation restricted to some rows (target = desa-only target
in desa) with the parent = sum of children of both cells gives one more
sum: parent total - part = the sum over the children outside those rows
(a kecamatan's kelurahan); it may not hold exactly one suppressed cell
either. A
suppressed cell is published as empty with ``<column>_suppressed = True``,
never as 0. Cells the relations make equal (two sums with the same total
that differ in one part each) count as one relation of their own. A
relation over a parent area and its child areas is a two-way table whose
rows and columns all sum up; a suppressed cell that lies on no cycle of the
table's suppressed cells (rows and columns as nodes, a bridge of that
graph) is pinned by its sums, so one more cell is suppressed to close a
cycle through it (a 2x2 block of suppressed cells gives away the sum of its
two cells in a row, and with it a third cell of that row).

The rules look at one relation or bound at a time; other sums of them can
still pin a cell. So with ``audit=True``, once the rules settle,
:mod:`~geo_priority.microdata.audit` runs (whole-number linear programming)
and each cell it pins gets one published cell of the audit's proof
suppressed (the one hiding the fewest figures), then the rules run again,
until nothing is pinned. A publication (:func:`suppress_published`, what
``aggregate`` runs) audits by default every connected component of at most
:data:`AUDIT_MAX_CELLS` suppressed cells and reports the larger ones
(``audit = "auto"``); ``"full"`` audits all of them, ``"off"`` none.

Examples
--------
>>> frame = pd.DataFrame({"kode": ["3601", "360101", "360102"],
...                       "level": ["kabkota", "kecamatan", "kecamatan"],
...                       "families": [40, 3, 37]})
>>> flags = suppress(frame, ["families"], relations=[], threshold=10)
>>> flags["families"].tolist()
[False, True, True]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = [
    "AUDIT_MAX_CELLS",
    "AUDIT_MODES",
    "Bound",
    "Relation",
    "Suppression",
    "suppress",
    "suppress_published",
]

_PARENT_DIGITS = {10: 6, 6: 4}


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


def _implied(relations: Sequence[Relation], cells: Sequence[str]) -> list[Relation]:
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


@dataclass
class _State:
    """The suppression state: one boolean matrix over the rows and cells.

    ``s[row, col[cell]]`` says whether a cell is suppressed; ``values`` holds
    the cells' values (float); ``rows`` each row-restricting column as a
    boolean array; ``levels`` each child level's rows with their parent's
    row; ``families`` each parent's row with its children's rows.
    """

    frame: pd.DataFrame
    cells: list[str]
    s: np.ndarray
    values: np.ndarray
    col: dict[str, int]
    rows: dict[str, np.ndarray]
    levels: list[tuple[np.ndarray, np.ndarray]]
    families: list[tuple[int, np.ndarray]]

    def flags(self) -> pd.DataFrame:
        """Return the state as a boolean frame (the frame's index, ``cells``)."""
        return pd.DataFrame(self.s.copy(), index=self.frame.index, columns=self.cells)

    def where(self, rows: str | None) -> np.ndarray:
        """Return the rows a relation is restricted to (None: every row)."""
        if rows is None:
            return np.ones(len(self.s), bool)
        return self.rows[rows]


def _levels(frame: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return, per child level, its rows and their parent's row (parents known)."""
    codes = frame["kode"].astype(str)
    lengths = codes.str.len().to_numpy()
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for length, parent_len in _PARENT_DIGITS.items():
        kids = np.flatnonzero(lengths == length)
        position = {c: i for i, c in enumerate(codes) if len(c) == parent_len}
        mapped = codes.iloc[kids].str[:parent_len].map(position)
        ok = mapped.notna().to_numpy()
        out.append((kids[ok], mapped[ok].astype(int).to_numpy()))
    return out


def _families(
    levels: Sequence[tuple[np.ndarray, np.ndarray]],
) -> list[tuple[int, np.ndarray]]:
    """Return each parent area's row with its child areas' rows."""
    out: list[tuple[int, np.ndarray]] = []
    for kids, parents in levels:
        order = np.argsort(parents, kind="stable")
        kids, parents = kids[order], parents[order]
        split = np.flatnonzero(np.diff(parents)) + 1
        out += [
            (int(p[0]), k)
            for p, k in zip(
                np.split(parents, split), np.split(kids, split), strict=True
            )
            if len(p)
        ]
    return out


def _implied_in_rows(
    relations: Sequence[Relation], cells: Sequence[str]
) -> list[Relation]:
    """Equalities :func:`_implied` finds only in the rows a relation is restricted to.

    In desa rows the desa-only target count is the target count, so the
    complement of BLT-DD's coverage (over desa-only target families) equals
    that of the Kemendes/desa agency (over target families) when BLT-DD is
    the agency's only programme: one must not be published there while the
    other is hidden.
    """
    whole = {(r.total, r.parts) for r in _implied(relations, cells)}
    out: list[Relation] = []
    for name in sorted({r.rows for r in relations if r.rows is not None}):
        some = [replace(r, rows=None) for r in relations if r.rows in (None, name)]
        out += [
            replace(r, rows=name)
            for r in _implied(some, cells)
            if (r.total, r.parts) not in whole
        ]
    return out


@dataclass
class _AuditRun:
    """How the audit pass runs, and what its last run left out.

    ``max_cells``: audit only components of at most this many suppressed
    cells (None: all); ``written``: the rows whose cells are checked (the
    levels written; None: all). The rows not written still count as known
    to an intruder, which can only make the audit stricter (hiding them
    instead links whole kabupaten into one component: 8,447 cells on the
    desa demo); ``skipped``: the size of each component the last run left
    out.
    """

    max_cells: int | None = None
    written: np.ndarray | None = None
    skipped: tuple[int, ...] = ()


def _audit_pass(
    st: _State,
    relations: Sequence[Relation],
    bounds: Sequence[Bound],
    costs: _Costs,
    run: _AuditRun,
) -> bool:
    """Suppress one published cell of the proof of each cell the audit pins.

    Returns whether anything was suppressed (False: nothing is pinned).
    """
    from geo_priority.microdata import audit  # audit builds on this module

    frame, cells, values = st.frame, st.cells, st.values
    whole = bool(np.isfinite(values).all() and (values == np.round(values)).all())
    s = st.flags()
    shown = st.s if run.written is None else st.s & run.written[:, None]
    codes = frame["kode"].astype(str).to_numpy()
    rows_, cols_ = np.nonzero(shown)
    only = {(str(codes[r]), cells[c]) for r, c in zip(rows_, cols_, strict=True)}
    found = audit.audit_cells(
        frame,
        s,
        cells,
        relations,
        bounds,
        max_cells=run.max_cells,
        only=only,
        integer=whole,
    )
    run.skipped = found.skipped
    pinned = found.pinned
    if not pinned:
        return False
    proofs = audit.pinned_by(frame, s, cells, relations, bounds, pinned)
    for (kode, col), published in proofs.items():
        if any(st.s[r, st.col[c]] for r, c in published):
            continue  # another pinned cell's choice already broke this proof
        if not published:
            raise RuntimeError(
                tr(
                    "the disclosure audit pins down the suppressed cell "
                    "{column} of area {kode} without any published cell; "
                    "publish fewer levels (--level) or raise the threshold "
                    "(--threshold).",
                    column=col,
                    kode=kode,
                )
            )
        score = [
            float(_score(values[[r], st.col[c]], costs.of(c, np.array([r])))[0])
            for r, c in published
        ]
        row, column = published[int(np.argmin(score))]
        st.s[row, st.col[column]] = True
    costs.refresh()
    return True


def _bound_pass(
    st: _State,
    limits: Sequence[tuple[str | None, dict[str, tuple[list[str], list[str]]]]],
    costs: _Costs,
) -> bool:
    """Suppress every published bound that a suppressed cell reaches.

    A published lower or upper bound equal to a suppressed cell is tight:
    alone (lower = upper) or summed over the child areas of a published
    parent it pins the cell down, so it is suppressed as well. ``limits``
    pairs a boolean column (None: every row) with the bounds in its rows.
    """
    changed = False
    s, values, at = st.s, st.values, st.col
    for rows, bounds in limits:
        where = st.where(rows)
        for col, (lows, highs) in bounds.items():
            hidden = s[:, at[col]] & where
            if not hidden.any():
                continue
            value = values[:, at[col]]
            for other in (*lows, *highs):
                j = at[other]
                tight = hidden & ~s[:, j] & (values[:, j] == value)
                if tight.any():
                    s[:, j] |= tight
                    changed = True
    if changed:
        costs.refresh()
    return changed


def _bridges(edges: Sequence[tuple[int, int]], n: int) -> list[int]:
    """Return the edges (by position) that lie on no cycle of the graph."""
    adjacent: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for e, (a, b) in enumerate(edges):
        adjacent[a].append((b, e))
        adjacent[b].append((a, e))
    order = [-1] * n
    low = [0] * n
    out: list[int] = []
    count = 0
    for start in range(n):
        if order[start] >= 0 or not adjacent[start]:
            continue
        order[start] = low[start] = count
        count += 1
        stack = [(start, -1, iter(adjacent[start]))]
        while stack:
            node, via, rest = stack[-1]
            step = next(rest, None)
            if step is None:
                stack.pop()
                if stack:
                    up = stack[-1][0]
                    low[up] = min(low[up], low[node])
                    if low[node] > order[up]:
                        out.append(via)
                continue
            other, e = step
            if e == via:
                continue
            if order[other] < 0:
                order[other] = low[other] = count
                count += 1
                stack.append((other, e, iter(adjacent[other])))
            else:
                low[node] = min(low[node], order[other])
    return out


def _reach(edges: Sequence[tuple[int, int]], n: int, start: int, skip: int) -> set[int]:
    """Nodes reachable from ``start`` without the edge at position ``skip``."""
    adjacent: list[list[int]] = [[] for _ in range(n)]
    for e, (a, b) in enumerate(edges):
        if e != skip:
            adjacent[a].append(b)
            adjacent[b].append(a)
    seen, todo = {start}, [start]
    while todo:
        for other in adjacent[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _bridge_pass(st: _State, relations: Sequence[Relation], costs: _Costs) -> bool:
    """Suppress a cell that puts each pinned cell of a parent's table on a cycle.

    A relation over a parent area and its child areas is a two-way table
    whose every row (``total = sum(parts)``) and every column (parent = sum
    of children) sums up. Its suppressed cells are the edges of a bipartite
    graph (rows and columns are the nodes); the changes of the suppressed
    cells that keep every sum are exactly the signed cycles of that graph
    (the total column and the parent row with the opposite sign), so a
    suppressed cell on no cycle (a bridge) is pinned down by the table's
    sums although every row and column hides two or more cells: a 2x2 block
    of suppressed cells gives away the sum of its two cells in one row.
    For each bridge one published cell joining the two sides (a row of the
    column's side, a column of the row's side) is suppressed, the one that
    hides the fewest figures; the bridge then lies on a cycle.
    """
    changed = False
    for rel in relations:
        if rel.rows is not None:
            continue
        cols = [rel.total, *rel.parts]
        idx = np.array([st.col[c] for c in cols])
        flags = st.s[:, idx]
        if flags.sum() < 4:
            continue
        values = st.values[:, idx]
        m = len(cols)
        for parent, kids in st.families:
            rows = np.concatenate([[parent], kids])
            block = flags[rows]
            if block.sum() < 4:
                continue
            r_idx, c_idx = np.nonzero(block)
            k = len(rows)
            edges = [(int(r), k + int(c)) for r, c in zip(r_idx, c_idx, strict=True)]
            bridges = _bridges(edges, k + m)
            if not bridges:
                continue
            row, col = edges[bridges[0]]
            side = _reach(edges, k + m, row, bridges[0])  # the row's side
            other = _reach(edges, k + m, col, bridges[0])  # the column's side
            pick_rows = np.array(sorted(r for r in other if r < k), dtype=int)
            pick_cols = np.array(sorted(c - k for c in side if c >= k), dtype=int)
            best: tuple[float, int, int] | None = None
            for c in pick_cols:
                at = rows[pick_rows]
                score = _score(values[at, c], costs.of(cols[c], at))
                j = int(np.argmin(score))
                if best is None or score[j] < best[0]:
                    best = (float(score[j]), int(at[j]), int(c))
            if best is None:
                # a side without a row or a column: a node of one hidden cell,
                # made by a cell this pass added in another parent's table; the
                # row and tree passes close it in the next round
                continue
            _, r, c = best
            st.s[r, idx[c]] = True
            flags[r, c] = True
            changed = True
    if changed:
        costs.refresh()
    return changed


def _limits(
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


class _Costs:
    """What suppressing one more cell costs: the published figures it hides.

    A group is the cells one published figure reads (a rate's numerator,
    denominator and complement). Suppressing a cell hides every still-visible
    group it belongs to, so the complementary cell of a relation is the one
    that hides the fewest figures (then the smallest positive value).
    """

    def __init__(self, st: _State, groups: Sequence[tuple[str, ...]]) -> None:
        self.s = st.s
        self.groups = [g for g in groups if set(g) <= set(st.col)]
        self.index = [np.array([st.col[c] for c in g]) for g in self.groups]
        self.member: dict[str, list[int]] = {}
        by_column: dict[int, list[int]] = {}
        for i, group in enumerate(self.groups):
            for col in group:
                self.member.setdefault(col, []).append(i)
                by_column.setdefault(st.col[col], []).append(i)
        self.by_column = by_column
        self.visible = np.zeros((len(self.s), max(len(self.groups), 1)), bool)
        for i, idx in enumerate(self.index):
            self.visible[:, i] = ~self.s[:, idx].any(axis=1)
        self.seen = self.s.copy()

    def refresh(self) -> None:
        """Recompute which groups are still visible in the columns that changed."""
        changed = np.flatnonzero((self.s != self.seen).any(axis=0))
        touched = sorted({i for j in changed for i in self.by_column.get(int(j), [])})
        for i in touched:
            self.visible[:, i] = ~self.s[:, self.index[i]].any(axis=1)
        self.seen[:, changed] = self.s[:, changed]

    def of(self, col: str, rows: np.ndarray) -> np.ndarray:
        """Figures hidden by suppressing ``col`` in ``rows``."""
        idx = self.member.get(col, [])
        if not idx:
            return np.zeros(len(rows))
        hidden = self.visible[np.ix_(rows, np.asarray(idx))].sum(axis=1)
        return np.asarray(hidden, dtype=float)


def _score(values: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Fewest hidden figures first, then the smallest positive value; zeros last."""
    values = values.astype(float)
    return np.where(values > 0, cost * 1e12 + values, 1e15 + cost)


def _close(
    values: np.ndarray, flags: np.ndarray, need: np.ndarray, cost: np.ndarray
) -> bool:
    """Suppress one more cell in each row of ``need`` (column 0 = total)."""
    if not need.any():
        return False
    rows = np.flatnonzero(need)
    sub_v, sub_f = values[rows], flags[rows]
    free = ~sub_f
    free[:, 0] = False
    score = np.where(free, _score(sub_v, cost[rows]), np.inf)
    j = np.where(np.isfinite(score.min(axis=1)), np.argmin(score, axis=1), 0)
    sub_f[np.arange(len(rows)), j] = True
    flags[rows] = sub_f
    return True


def _row_pass(st: _State, relations: Sequence[Relation], costs: _Costs) -> bool:
    changed = False
    everyone = np.arange(len(st.s))
    for rel in relations:
        cols = [rel.total, *rel.parts]
        idx = np.array([st.col[c] for c in cols])
        flags = st.s[:, idx]
        need = flags.sum(axis=1) == 1
        if rel.rows is not None:
            need &= st.rows[rel.rows]
        if not need.any():
            continue
        cost = np.column_stack([costs.of(c, everyone) for c in cols])
        if _close(st.values[:, idx], flags, need, cost):
            st.s[:, idx] = flags
            costs.refresh()
            changed = True
    return changed


def _tree_pass(st: _State, costs: _Costs) -> bool:
    changed = False
    everyone = np.arange(len(st.s))
    for kids, parents in st.levels:
        if not len(kids):
            continue
        for j, col in enumerate(st.cells):
            cost = costs.of(col, everyone)
            if _tree_column(st.values[:, j], st.s, j, kids, parents, cost):
                costs.refresh()
                changed = True
    return changed


def _subset_tree_pass(st: _State, relations: Sequence[Relation], costs: _Costs) -> bool:
    """Close the sums a row-restricted one-part relation makes with the tree.

    ``total = part`` in some rows (target families = desa-only target
    families in desa) and parent = sum of children for both give: the
    parent's total - part = the sum of total - part over the children
    outside those rows (the kelurahan). No such sum may hold exactly one
    suppressed cell; the one added is a child's ``part`` (the total is often
    known outside the rows: 0), else the parent's.
    """
    changed = False
    for kids, parents in st.levels:
        for rel in relations:
            if rel.rows is None or len(rel.parts) != 1:
                continue
            outside = ~st.rows[rel.rows][kids]
            if _subset_tree(
                st,
                (rel.total, rel.parts[0]),
                kids[outside],
                parents[outside],
                costs,
            ):
                costs.refresh()
                changed = True
    return changed


def _subset_tree(
    st: _State,
    pair: tuple[str, str],
    kids: np.ndarray,
    parents: np.ndarray,
    costs: _Costs,
) -> bool:
    total, part = pair
    jt, jp = st.col[total], st.col[part]
    tf, pf = st.s[:, jt].copy(), st.s[:, jp].copy()
    n = np.bincount(parents, weights=tf[kids] + pf[kids], minlength=len(tf)) + tf + pf
    has = np.zeros(len(tf), bool)
    has[parents] = True
    need = np.flatnonzero(has & (n == 1))
    if not len(need):
        return False
    value = st.values[:, jp]
    cost = costs.of(part, np.arange(len(tf)))
    for p in need:
        members = kids[parents == p]
        free = members[~pf[members]]
        if not tf[p]:
            tf[p] = True
        elif not pf[p]:
            pf[p] = True
        else:
            pf[free[np.argmin(_score(value[free], cost[free]))]] = True
    st.s[:, jt], st.s[:, jp] = tf, pf
    return True


def _tree_column(
    values: np.ndarray,
    s: np.ndarray,
    j: int,
    kids: np.ndarray,
    parents: np.ndarray,
    cost: np.ndarray,
) -> bool:
    flags = s[:, j].copy()
    n_supp = np.bincount(parents, weights=flags[kids], minlength=len(flags))
    n_supp = n_supp + flags
    changed = False
    for p in np.flatnonzero((n_supp == 1) & np.isin(np.arange(len(flags)), parents)):
        members = kids[parents == p]
        free = members[~flags[members]]
        if len(free):
            flags[free[np.argmin(_score(values[free], cost[free]))]] = True
        else:
            flags[p] = True
        changed = True
    if changed:
        s[:, j] = flags
    return changed


def _state(
    frame: pd.DataFrame,
    cells: Sequence[str],
    values: pd.DataFrame,
    start: pd.DataFrame,
    relations: Sequence[Relation],
) -> _State:
    """Return the suppression state of ``frame`` from the flags ``start``."""
    levels = _levels(frame)
    names = sorted({r.rows for r in relations if r.rows is not None})
    return _State(
        frame=frame,
        cells=list(cells),
        s=start.to_numpy(dtype=bool, copy=True),
        values=values.to_numpy(dtype=float, na_value=np.nan),
        col={c: j for j, c in enumerate(cells)},
        rows={name: frame[name].to_numpy(bool) for name in names},
        levels=levels,
        families=_families(levels),
    )


def suppress(
    frame: pd.DataFrame,
    cells: Sequence[str],
    *,
    relations: Sequence[Relation],
    groups: Sequence[tuple[str, ...]] = (),
    bounds: Sequence[Bound] = (),
    threshold: int = 10,
    max_rounds: int = 50,
    initial: pd.DataFrame | None = None,
    audit: bool = False,
) -> pd.DataFrame:
    """Return a boolean frame: which count cells must be suppressed.

    :func:`suppress_published` without a size limit on the audit.

    Parameters
    ----------
    frame : pandas.DataFrame
        All published levels stacked, with ``kode`` (undotted Kemendagri: 4, 6
        or 10 digits) and the count columns ``cells``.
    cells : sequence of str
        The count columns (including unpublished complements).
    relations : sequence of Relation
        Additive relations within a row.
    groups : sequence of tuple of str
        Cells read together by one published figure (a rate's numerator,
        denominator and complement); complementary cells are chosen to hide
        as few still-visible figures as possible.
    bounds : sequence of Bound
        Logical bounds ``low <= high`` between cells of a row; with the
        ``part <= total`` bounds of the relations, no suppressed cell may be
        pinned between a published lower and upper bound.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed (default 10).
    max_rounds : int
        Safety bound on the complementary passes.
    initial : pandas.DataFrame, optional
        Cells suppressed from the start (booleans, same index; columns of
        ``cells`` it lacks are not), e.g. those the audit asks for.
    audit : bool
        Once the rules settle, run the disclosure audit
        (:func:`~geo_priority.microdata.audit.pinned_cells`, whole numbers)
        and, for every cell it still pins, suppress the published cell of the
        audit's proof that hides the fewest figures; repeat until nothing is
        pinned. Default False (the rules only): the audit takes seconds on a
        kabupaten of tier S but far longer when most cells are hidden (tier
        M at a tenth of the registry links 15,000 hidden cells in one
        component).

    Returns
    -------
    pandas.DataFrame
        Same index, one boolean column per cell.

    Raises
    ------
    ConfigError
        When ``threshold`` is below 2.
    RuntimeError
        When the rules do not settle, or the audit pins a cell that no
        published cell gives away (it cannot be protected by suppression).
    """
    return _suppress(
        frame,
        cells,
        relations=relations,
        groups=groups,
        bounds=bounds,
        threshold=threshold,
        max_rounds=max_rounds,
        initial=initial,
        run=_AuditRun() if audit else None,
    )


def _suppress(
    frame: pd.DataFrame,
    cells: Sequence[str],
    *,
    relations: Sequence[Relation],
    groups: Sequence[tuple[str, ...]],
    bounds: Sequence[Bound],
    threshold: int,
    max_rounds: int,
    initial: pd.DataFrame | None,
    run: _AuditRun | None,
) -> pd.DataFrame:
    """:func:`suppress`, with the audit pass run as ``run`` says (None: off)."""
    if threshold < 2:
        raise ConfigError(
            tr(
                "threshold = {threshold!r}; use 2 or more (default 10).",
                threshold=threshold,
            )
        )
    values = frame[list(cells)]
    start = ((values > 0) & (values < threshold)).astype(bool)
    st = _state(frame, cells, values, start, relations)
    if initial is not None:
        for col in start.columns.intersection(initial.columns):
            st.s[:, st.col[col]] |= initial[col].to_numpy(bool)
    costs = _Costs(st, groups)
    given = list(relations)
    relations = [*given, *_implied(given, cells), *_implied_in_rows(given, cells)]
    limits = _limits(relations, bounds, cells)
    for _ in range(max_rounds):
        changed = _row_pass(st, relations, costs)
        changed |= _tree_pass(st, costs)
        changed |= _subset_tree_pass(st, relations, costs)
        if not changed:
            changed = _bound_pass(st, limits, costs)
        if not changed:
            changed = _bridge_pass(st, relations, costs)
        if not changed and run is not None:
            changed = _audit_pass(st, given, bounds, costs, run)
        if not changed:
            return pd.DataFrame(st.s, index=start.index, columns=start.columns)
    raise RuntimeError(
        tr(
            "complementary suppression did not settle in {rounds} rounds; "
            "publish fewer levels (--level) or raise the threshold (--threshold).",
            rounds=max_rounds,
        )
    )


#: The audit modes of a publication: components up to a size, all, none.
AUDIT_MODES: tuple[str, ...] = ("auto", "full", "off")
#: Largest component (suppressed cells) ``audit = "auto"`` audits.
AUDIT_MAX_CELLS = 1000


@dataclass(frozen=True)
class Suppression:
    """The suppressed cells of a publication and how far the audit went.

    Attributes
    ----------
    flags : pandas.DataFrame
        Which cells are suppressed (as :func:`suppress`).
    audit : str
        The audit mode (:data:`AUDIT_MODES`).
    max_cells : int or None
        The largest component audited (None: every one).
    skipped : tuple of int
        The suppressed cells of each component not audited (over
        ``max_cells``).
    """

    flags: pd.DataFrame
    audit: str
    max_cells: int | None
    skipped: tuple[int, ...] = ()

    def summary(self) -> dict[str, object]:
        """Return what the metadata record says of the audit."""
        return {
            "audit": self.audit,
            "audit_max_cells": self.max_cells,
            "unaudited_components": len(self.skipped),
            "unaudited_cells": sum(self.skipped),
        }


def check_audit(audit: object, max_cells: object) -> None:
    """Raise ConfigError unless ``audit``/``max_cells`` are valid settings.

    Examples
    --------
    >>> check_audit("auto", 500)
    >>> check_audit("all", 500)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo_priority.errors.ConfigError: audit harus salah satu dari ...
    """
    if audit not in AUDIT_MODES:
        raise ConfigError(
            tr(
                "audit must be one of {modes}; got {value!r}.",
                modes=", ".join(f'"{m}"' for m in AUDIT_MODES),
                value=audit,
            )
        )
    if isinstance(max_cells, bool) or not isinstance(max_cells, int) or max_cells < 1:
        raise ConfigError(
            tr(
                "audit_max_cells must be a whole number >= 1; got {value!r}.",
                value=max_cells,
            )
        )


def suppress_published(
    frame: pd.DataFrame,
    cells: Sequence[str],
    *,
    relations: Sequence[Relation],
    groups: Sequence[tuple[str, ...]] = (),
    bounds: Sequence[Bound] = (),
    threshold: int = 10,
    initial: pd.DataFrame | None = None,
    audit: str = "auto",
    max_cells: int = AUDIT_MAX_CELLS,
    written: np.ndarray | None = None,
) -> Suppression:
    """:func:`suppress` for a publication: the rules, then the audit.

    Parameters
    ----------
    frame, cells, relations, groups, bounds, threshold, initial
        As for :func:`suppress`.
    audit : {"auto", "full", "off"}
        ``auto``: audit every component of at most ``max_cells`` suppressed
        cells and report the others (:attr:`Suppression.skipped`); ``full``:
        every component; ``off``: the rules only.
    max_cells : int
        The limit of ``auto``.
    written : numpy.ndarray, optional
        Booleans, one per row: the rows published (the levels written); the
        audit checks their cells only (None: every row).

    Returns
    -------
    Suppression

    Raises
    ------
    ConfigError
        For an unknown ``audit`` or a ``max_cells`` below 1.
    """
    check_audit(audit, max_cells)
    limit = max_cells if audit == "auto" else None
    run = None if audit == "off" else _AuditRun(max_cells=limit, written=written)
    flags = _suppress(
        frame,
        cells,
        relations=relations,
        groups=groups,
        bounds=bounds,
        threshold=threshold,
        max_rounds=50,
        initial=initial,
        run=run,
    )
    skipped = run.skipped if run is not None else ()
    return Suppression(flags, audit, limit, skipped)
