"""The cheap exact rules of complementary suppression, one pass each.

Each pass looks at one kind of sum or bound, suppresses one more cell where
it would give a suppressed cell away, and returns whether it changed
anything; :func:`~geo_priority.microdata.disclosure.suppress` repeats them
until none does. :func:`row_pass`: a relation within a row holds exactly one
suppressed cell; :func:`tree_pass`: a parent area and its child areas hold
exactly one; :func:`subset_tree_pass`: the sum a row-restricted one-part
relation makes with the tree (a kecamatan's kelurahan) holds exactly one;
:func:`bound_pass`: a published bound equals a suppressed cell;
:func:`bridge_pass`: a suppressed cell lies on no cycle of a parent's
two-way table (:func:`bridge_edges`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo_priority.microdata.suppression_relations import Relation
from geo_priority.microdata.suppression_state import Costs, State, cost_score

__all__ = [
    "bound_pass",
    "bridge_edges",
    "bridge_pass",
    "row_pass",
    "subset_tree_pass",
    "tree_pass",
]


def row_pass(st: State, relations: Sequence[Relation], costs: Costs) -> bool:
    """Suppress one more cell of each relation that hides exactly one in a row."""
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
    score = np.where(free, cost_score(sub_v, cost[rows]), np.inf)
    j = np.where(np.isfinite(score.min(axis=1)), np.argmin(score, axis=1), 0)
    sub_f[np.arange(len(rows)), j] = True
    flags[rows] = sub_f
    return True


def tree_pass(st: State, costs: Costs) -> bool:
    """Suppress one more cell of each parent area whose family hides exactly one."""
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
            flags[free[np.argmin(cost_score(values[free], cost[free]))]] = True
        else:
            flags[p] = True
        changed = True
    if changed:
        s[:, j] = flags
    return changed


def subset_tree_pass(st: State, relations: Sequence[Relation], costs: Costs) -> bool:
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
    st: State,
    pair: tuple[str, str],
    kids: np.ndarray,
    parents: np.ndarray,
    costs: Costs,
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
            pf[free[np.argmin(cost_score(value[free], cost[free]))]] = True
    st.s[:, jt], st.s[:, jp] = tf, pf
    return True


def bound_pass(
    st: State,
    limits: Sequence[tuple[str | None, dict[str, tuple[list[str], list[str]]]]],
    costs: Costs,
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


def bridge_pass(st: State, relations: Sequence[Relation], costs: Costs) -> bool:
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
            bridges = bridge_edges(edges, k + m)
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
                score = cost_score(values[at, c], costs.of(cols[c], at))
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


def bridge_edges(edges: Sequence[tuple[int, int]], n: int) -> list[int]:
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
