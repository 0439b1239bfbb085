"""Disclosure audit: which suppressed cells can be pinned down from what is shown.

An intruder knows every published cell, every sum relation (a row total and
its parts, a parent area and its child areas), every logical bound between
counts (:class:`~geo_priority.microdata.disclosure.Bound`: each programme's
target count <= the any-programme target count <= target families, ...) and
that counts are >= 0. For every suppressed cell the audit solves the linear
programmes "smallest and largest value consistent with all of that" (scipy's
HiGHS) and reports the cells whose range is narrower than ``tolerance``.

To stay fast on a kabupaten (thousands of suppressed cells), a few programmes
with random objectives are solved first: a cell that already takes values at
least ``tolerance`` apart in two of those feasible solutions cannot be pinned,
and only the others get their own two programmes.

Examples
--------
>>> frame = pd.DataFrame({"kode": ["3601", "360101", "360102"],
...                       "total": [40, 20, 20], "a": [12, 11, 1],
...                       "b": [28, 9, 19]})
>>> flags = pd.DataFrame({"total": [False] * 3, "a": [False, False, True],
...                       "b": [False, False, True]})
>>> sorted(pinned_cells(frame, flags, ["total", "a", "b"],
...                     [Relation("total", ("a", "b"))]))
[('360102', 'a'), ('360102', 'b')]
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo_priority.microdata.disclosure import Bound, Relation

__all__ = ["pinned_cells"]

_PARENT_DIGITS = {10: 6, 6: 4}
#: One constraint: variables, their coefficients, the constant.
_Row = tuple[np.ndarray, np.ndarray, float]


@dataclass
class _System:
    """Sparse ``A_eq x = b_eq`` and ``A_ub x <= b_ub`` over the suppressed cells."""

    n: int
    eq: list[_Row] = field(default_factory=list)
    ub: list[_Row] = field(default_factory=list)

    def add(
        self, var: np.ndarray, val: np.ndarray, sign: np.ndarray, *, equal: bool
    ) -> None:
        """Add ``sum(sign * cell) (= or <=) 0`` for each row of ``var``/``val``.

        ``var`` holds the variable of each cell (-1: published, a constant).
        """
        free = var >= 0
        const = -(np.where(free, 0.0, val) * sign).sum(axis=1)
        for r in np.flatnonzero(free.any(axis=1)):
            keep = free[r]
            target = self.eq if equal else self.ub
            target.append((var[r][keep], sign[keep].astype(float), float(const[r])))

    def matrices(self) -> tuple[object, np.ndarray, object, np.ndarray]:
        """Return ``A_eq, b_eq, A_ub, b_ub`` (scipy sparse, numpy)."""
        from scipy.sparse import csr_matrix

        def build(
            rows: list[tuple[np.ndarray, np.ndarray, float]],
        ) -> tuple[object, np.ndarray]:
            if not rows:
                return None, np.zeros(0)
            r = np.concatenate([np.full(len(v), i) for i, (v, _, _) in enumerate(rows)])
            c = np.concatenate([v for v, _, _ in rows])
            d = np.concatenate([s for _, s, _ in rows])
            a = csr_matrix((d, (r, c)), shape=(len(rows), self.n))
            return a, np.array([b for _, _, b in rows])

        a_eq, b_eq = build(self.eq)
        a_ub, b_ub = build(self.ub)
        return a_eq, b_eq, a_ub, b_ub


def _system(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    cells: Sequence[str],
    relations: Sequence[Relation],
    bounds: Sequence[Bound],
) -> tuple[_System, list[tuple[int, str]], dict[str, np.ndarray]]:
    """Return the system over the suppressed cells, their names and numbering."""
    hidden = flags[list(cells)].to_numpy(bool)
    var = np.full(hidden.shape, -1)
    var[hidden] = np.arange(int(hidden.sum()))
    rows_, cols_ = np.nonzero(hidden)
    names = [(int(r), cells[int(c)]) for r, c in zip(rows_, cols_, strict=True)]
    column = {c: var[:, i] for i, c in enumerate(cells)}
    system = _System(len(names))

    def block(cols: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        v = np.column_stack([column[c] for c in cols])
        x = frame[list(cols)].to_numpy(dtype=float)
        return v, x

    known = set(cells)
    for rel in relations:
        cols = [rel.total, *rel.parts]
        if not set(cols) <= known:
            continue
        v, x = block(cols)
        if rel.rows is not None:
            keep = frame[rel.rows].to_numpy(bool)
            v, x = v[keep], x[keep]
        sign = np.array([1.0] + [-1.0] * len(rel.parts))
        system.add(v, x, sign, equal=True)
    for b in bounds:
        if {b.low, b.high} <= known:
            v, x = block([b.low, b.high])
            system.add(v, x, np.array([1.0, -1.0]), equal=False)
    _tree(frame, cells, column, system)
    return system, names, column


def _tree(
    frame: pd.DataFrame,
    cells: Sequence[str],
    column: dict[str, np.ndarray],
    system: _System,
) -> None:
    """Parent area = sum of its child areas, for every cell column."""
    codes = frame["kode"].astype(str).to_numpy()
    lengths = np.array([len(c) for c in codes])
    position = {c: i for i, c in enumerate(codes)}
    for kid_len, parent_len in _PARENT_DIGITS.items():
        kids = np.flatnonzero(lengths == kid_len)
        families: dict[int, list[int]] = {}
        for k in kids:
            parent = position.get(codes[k][:parent_len])
            if parent is not None:
                families.setdefault(parent, []).append(int(k))
        for parent, members in families.items():
            idx = [parent, *members]
            sign = np.array([1.0] + [-1.0] * len(members))
            for col in cells:
                v = column[col][idx][None, :]
                x = frame[col].to_numpy(dtype=float)[idx][None, :]
                system.add(v, x, sign, equal=True)


def pinned_cells(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    cells: Sequence[str],
    relations: Sequence[Relation],
    bounds: Sequence[Bound] = (),
    *,
    tolerance: float = 1.0,
    probes: int = 6,
    limit: int | None = None,
    seed: int = 0,
    only: Collection[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], tuple[float, float]]:
    """Return the suppressed cells an intruder can pin down, with their range.

    Parameters
    ----------
    frame : pandas.DataFrame
        All published levels stacked (``kode``, undotted) with the true
        values of ``cells``.
    flags : pandas.DataFrame
        Which cells are suppressed (:func:`disclosure.suppress`).
    cells : sequence of str
        The cells (count columns and rate complements).
    relations : sequence of Relation
        Sums within a row; parent = sum of children is added from the codes.
    bounds : sequence of Bound
        Logical bounds ``low <= high`` within a row.
    tolerance : float
        A range narrower than this pins the cell (1: its exact value).
    probes : int
        Random-objective programmes solved first.
    limit : int, optional
        Stop after this many pinned cells.
    seed : int
        Seed of the random objectives.
    only : collection of (kode, column), optional
        Check only these suppressed cells.

    Returns
    -------
    dict
        ``(kode, column) -> (smallest, largest)`` for each pinned cell.
    """
    from scipy.optimize import linprog

    system, names, _ = _system(frame, flags, cells, relations, bounds)
    if not names:
        return {}
    a_eq, b_eq, a_ub, b_ub = system.matrices()
    codes = frame["kode"].astype(str).to_numpy()

    def solve(c: np.ndarray) -> np.ndarray | None:
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=b_ub if a_ub is not None else None,
            A_eq=a_eq,
            b_eq=b_eq if a_eq is not None else None,
            bounds=(0, None),
            method="highs",
        )
        if res.status == 3:  # unbounded in that direction
            return None
        if res.status != 0:
            raise RuntimeError(f"disclosure audit: {res.message}")
        return np.asarray(res.x)

    rng = np.random.default_rng(seed)
    seen = [solve(rng.normal(size=system.n)) for _ in range(probes)]
    points = [x for x in seen if x is not None]
    spread = (
        np.ptp(np.vstack(points), axis=0) if len(points) > 1 else np.zeros(system.n)
    )
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for i in np.flatnonzero(spread < tolerance):
        if only is not None and (str(codes[names[i][0]]), names[i][1]) not in only:
            continue
        c = np.zeros(system.n)
        c[i] = 1.0
        low = solve(c)
        high = solve(-c)
        lo = float(low[i]) if low is not None else 0.0
        hi = float(high[i]) if high is not None else float("inf")
        if hi - lo < tolerance:
            row, col = names[i]
            out[(str(codes[row]), col)] = (lo, hi)
            if limit is not None and len(out) >= limit:
                break
    return out
