"""The linear system of the disclosure audit, split into components and solved.

Over the suppressed cells (the published ones are constants), every sum
relation, parent = sum of children and logical bound is a row of sparse
``A_eq x = b_eq`` or ``A_ub x <= b_ub`` (:func:`linear_system`); the system
splits into connected components (:func:`split_components`), and each
:class:`Component` holds one component's constraints over its own variables,
solved with scipy's HiGHS. :mod:`~geo_priority.microdata.audit` decides from
them which cells are pinned and which published cells pin them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack, identity, vstack

from geo_priority.messages import tr
from geo_priority.microdata.suppression_relations import (
    PARENT_DIGITS,
    Bound,
    Relation,
)

__all__ = [
    "SOLVER_EPS",
    "Component",
    "component_of",
    "linear_system",
    "split_components",
    "true_values",
]


#: Solver precision: ranges and integrality are judged to within this.
SOLVER_EPS = 1e-6
#: One constraint: variables, their coefficients, the constant.
_Row = tuple[np.ndarray, np.ndarray, float]


@dataclass
class _System:
    """Sparse ``A_eq x = b_eq`` and ``A_ub x <= b_ub`` over the suppressed cells."""

    n: int
    eq: list[_Row] = field(default_factory=list)
    ub: list[_Row] = field(default_factory=list)
    #: The published cells (:func:`linear_system` numbering) in each constraint.
    eq_published: list[np.ndarray] = field(default_factory=list)
    ub_published: list[np.ndarray] = field(default_factory=list)

    def add(
        self,
        var: np.ndarray,
        val: np.ndarray,
        sign: np.ndarray,
        ids: np.ndarray,
        *,
        equal: bool,
    ) -> None:
        """Add ``sum(sign * cell) (= or <=) 0`` for each row of ``var``/``val``.

        ``var`` holds the variable of each cell (-1: published, a constant),
        ``ids`` the number of each cell (frame row * number of cells + cell).
        """
        free = var >= 0
        const = -(np.where(free, 0.0, val) * sign).sum(axis=1)
        target = self.eq if equal else self.ub
        published = self.eq_published if equal else self.ub_published
        for r in np.flatnonzero(free.any(axis=1)):
            keep = free[r]
            target.append((var[r][keep], sign[keep].astype(float), float(const[r])))
            published.append(ids[r][~keep])

    def keep_true(self, value: np.ndarray) -> None:
        """Drop the constraints the true values break (hand-made tables).

        What does not hold is no knowledge: an intruder who assumes it
        infers wrong values, so the audit uses the constraints that hold.
        """

        def holds(rows: list[_Row], equal: bool) -> list[bool]:
            lhs = [float(s @ value[v]) for v, s, _ in rows]
            return [
                abs(x - b) <= SOLVER_EPS if equal else x <= b + SOLVER_EPS
                for x, (_, _, b) in zip(lhs, rows, strict=True)
            ]

        ok_eq, ok_ub = holds(self.eq, True), holds(self.ub, False)
        self.eq = [r for r, ok in zip(self.eq, ok_eq, strict=True) if ok]
        self.eq_published = [
            p for p, ok in zip(self.eq_published, ok_eq, strict=True) if ok
        ]
        self.ub = [r for r, ok in zip(self.ub, ok_ub, strict=True) if ok]
        self.ub_published = [
            p for p, ok in zip(self.ub_published, ok_ub, strict=True) if ok
        ]

    def matrices(self) -> tuple[csr_matrix, np.ndarray, csr_matrix, np.ndarray]:
        """Return ``A_eq, b_eq, A_ub, b_ub`` (scipy sparse, numpy; maybe 0 rows)."""

        def build(rows: list[_Row]) -> tuple[csr_matrix, np.ndarray]:
            if not rows:
                return csr_matrix((0, self.n)), np.zeros(0)
            r = np.concatenate([np.full(len(v), i) for i, (v, _, _) in enumerate(rows)])
            c = np.concatenate([v for v, _, _ in rows])
            d = np.concatenate([s for _, s, _ in rows])
            a = csr_matrix((d, (r, c)), shape=(len(rows), self.n))
            return a, np.array([b for _, _, b in rows])

        a_eq, b_eq = build(self.eq)
        a_ub, b_ub = build(self.ub)
        return a_eq, b_eq, a_ub, b_ub


def linear_system(
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
    where = {c: i for i, c in enumerate(cells)}
    first = np.arange(len(frame)) * len(cells)

    def block(cols: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        v = np.column_stack([column[c] for c in cols])
        x = frame[list(cols)].to_numpy(dtype=float)
        return v, x, np.column_stack([first + where[c] for c in cols])

    known = set(cells)
    for rel in relations:
        cols = [rel.total, *rel.parts]
        if not set(cols) <= known:
            continue
        v, x, ids = block(cols)
        if rel.rows is not None:
            keep = frame[rel.rows].to_numpy(bool)
            v, x, ids = v[keep], x[keep], ids[keep]
        sign = np.array([1.0] + [-1.0] * len(rel.parts))
        system.add(v, x, sign, ids, equal=True)
    for b in bounds:
        if {b.low, b.high} <= known:
            v, x, ids = block([b.low, b.high])
            system.add(v, x, np.array([1.0, -1.0]), ids, equal=False)
    _tree(frame, cells, column, system)
    system.keep_true(true_values(frame, names, cells))
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
    values = frame[list(cells)].to_numpy(dtype=float)
    for kid_len, parent_len in PARENT_DIGITS.items():
        kids = np.flatnonzero(lengths == kid_len)
        families: dict[int, list[int]] = {}
        for k in kids:
            parent = position.get(codes[k][:parent_len])
            if parent is not None:
                families.setdefault(parent, []).append(int(k))
        for parent, members in families.items():
            idx = [parent, *members]
            sign = np.array([1.0] + [-1.0] * len(members))
            for i, col in enumerate(cells):
                v = column[col][idx][None, :]
                x = values[idx, i][None, :]
                ids = (np.array(idx) * len(cells) + i)[None, :]
                system.add(v, x, sign, ids, equal=True)


def true_values(
    frame: pd.DataFrame, names: Sequence[tuple[int, str]], cells: Sequence[str]
) -> np.ndarray:
    """Return the true value of each suppressed cell (one feasible point)."""
    values = frame[list(cells)].to_numpy(dtype=float)
    where = {c: i for i, c in enumerate(cells)}
    rows = np.array([r for r, _ in names], dtype=int)
    cols = np.array([where[c] for _, c in names], dtype=int)
    return np.asarray(values[rows, cols], dtype=float)


def split_components(a_eq: csr_matrix, a_ub: csr_matrix, n: int) -> list[np.ndarray]:
    """Return the variables of each component that some constraint touches.

    Variables in no constraint (only ``>= 0``) are unbounded above, never
    pinned, and left out.
    """
    from scipy.sparse.csgraph import connected_components

    incidence = vstack([a_eq, a_ub]).tocsr()
    incidence.data = np.ones_like(incidence.data)
    _, label = connected_components(incidence.T @ incidence, directed=False)
    touched = np.diff(incidence.tocsc().indptr) > 0
    order = np.argsort(label, kind="stable")
    split = np.flatnonzero(np.diff(label[order])) + 1
    return [g for g in np.split(order, split) if touched[g].all()]


@dataclass
class Component:
    """The constraints of one component, over its own variables."""

    a_eq: csr_matrix
    b_eq: np.ndarray
    a_ub: csr_matrix
    b_ub: np.ndarray

    def push(
        self,
        value: np.ndarray,
        cells: np.ndarray,
        weight: np.ndarray,
        *,
        up: bool,
        tolerance: float,
        integer: bool,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move ``cells`` away from their value, each by at most ``tolerance``.

        Maximises ``sum(weight * t)`` with ``t <= x - value`` (``up``, else
        ``value - x``) and ``t <= tolerance`` for each of ``cells``: never
        unbounded, and for one cell ``t`` is ``min(largest - value,
        tolerance)`` (``value - smallest``) exactly, over the integral points
        with ``integer``, since ``t`` grows with the cell.

        Returns
        -------
        x : numpy.ndarray
            A feasible point (integral with ``integer``).
        t : numpy.ndarray
            How far each of ``cells`` moved, capped at ``tolerance``.
        """
        n, m = self.a_eq.shape[1], len(cells)
        sign = 1.0 if up else -1.0
        pick = csr_matrix((np.full(m, -sign), (np.arange(m), cells)), shape=(m, n))
        a_ub = vstack(
            [
                hstack([self.a_ub, csr_matrix((self.a_ub.shape[0], m))]),
                hstack([pick, identity(m, format="csr")]),
            ]
        ).tocsr()
        b_ub = np.concatenate([self.b_ub, -sign * value[cells]])
        a_eq = hstack([self.a_eq, csr_matrix((self.a_eq.shape[0], m))]).tocsr()
        c = np.concatenate([np.zeros(n), -weight])
        lower = np.concatenate([np.zeros(n), np.full(m, -np.inf)])
        upper = np.concatenate([np.full(n, np.inf), np.full(m, tolerance)])
        x = _highs(c, a_eq, self.b_eq, a_ub, b_ub, lower, upper, None)
        if integer and not _whole(x[:n]):
            whole = np.concatenate([np.ones(n), np.zeros(m)])
            x = _highs(c, a_eq, self.b_eq, a_ub, b_ub, lower, upper, whole)
            x[:n] = np.round(x[:n])
        return x[:n], x[n:]


def _highs(
    c: np.ndarray,
    a_eq: csr_matrix,
    b_eq: np.ndarray,
    a_ub: csr_matrix,
    b_ub: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    integrality: np.ndarray | None,
) -> np.ndarray:
    """Return an optimal point of ``min c x`` (scipy's HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [
        LinearConstraint(a, lb, ub)
        for a, lb, ub in ((a_eq, b_eq, b_eq), (a_ub, -np.inf, b_ub))
        if a.shape[0]
    ]
    res = milp(
        c,
        constraints=constraints,
        bounds=Bounds(lower, upper),
        integrality=integrality,
    )
    if res.status != 0 or res.x is None:
        raise RuntimeError(tr("disclosure audit: {message}", message=str(res.message)))
    return np.asarray(res.x, dtype=float)


def _whole(x: np.ndarray) -> bool:
    """Whether every coordinate is a whole number (to solver precision)."""
    return bool(np.abs(x - np.round(x)).max(initial=0.0) <= SOLVER_EPS)


def component_of(
    a_eq: csr_matrix,
    b_eq: np.ndarray,
    a_ub: csr_matrix,
    b_ub: np.ndarray,
    members: np.ndarray,
) -> Component:
    """Return the constraints of the component made of ``members``."""

    def part(a: csr_matrix, b: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
        cols = a[:, members]
        rows = np.flatnonzero(np.diff(cols.indptr) > 0)
        return cols[rows], b[rows]

    return Component(*part(a_eq, b_eq), *part(a_ub, b_ub))
