"""Disclosure audit: which suppressed cells can be pinned down from what is shown.

An intruder knows every published cell, every sum relation (a row total and
its parts, a parent area and its child areas), every logical bound between
counts (:class:`~geo_priority.microdata.disclosure.Bound`: each programme's
target count <= the any-programme target count <= target families, ...), that
counts are >= 0 and that they are whole numbers. A suppressed cell is pinned
when the smallest and the largest value consistent with all of that are less
than ``tolerance`` apart (1: the intruder knows its exact value).

How it is computed, exactly and without one programme per cell over the
whole kabupaten:

* **Components.** A constraint links only the suppressed cells it contains
  (published cells are constants), so the system splits into connected
  components (cells linked through shared constraints); the smallest and
  largest value of a cell depend only on its component's constraints.
* **Witnesses.** The true values are one feasible point; a cell that takes
  values at least ``tolerance`` apart in two feasible points cannot be
  pinned. A few programmes per component push all still-open cells away from
  their values, up and then down: maximise ``sum(w * t)`` with ``t <= x -
  value`` (or ``value - x``) and ``t <= tolerance`` (random weights ``w``),
  so a cell gains nothing from moving further than ``tolerance`` and no
  programme is unbounded.
* **Per-cell programmes.** Only the cells no witness frees get their own
  two programmes of the same kind on their component (scipy's HiGHS):
  ``t = min(largest - value, tolerance)`` and ``min(value - smallest,
  tolerance)``, which give the exact range of a cell narrower than
  ``tolerance``. Every solution is a witness for the other cells too.
* **Whole numbers.** With ``integer=True`` (the default) every witness is
  integral: a programme whose relaxed solution is not integral is solved
  again as a mixed-integer programme, so ranges are those of the integral
  points. The linear relaxation alone is *not* conservative for "not
  pinned": its range contains the integral range but can be wider (0.5 to
  1.5 when only 1 is possible), so it could call a cell free that an
  intruder who knows counts are whole numbers pins down; it is conservative
  only for "pinned". ``integer=False`` gives the linear relaxation's answer
  (the audit of earlier versions).

A range within the solvers' precision (1e-6) of ``tolerance`` counts as not
narrower. A constraint the true values break (a hand-made table) is no
knowledge and is left out.

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
from scipy.sparse import csr_matrix

from geo_priority.messages import tr
from geo_priority.microdata.audit_system import (
    SOLVER_EPS,
    Component,
    component_of,
    linear_system,
    split_components,
    true_values,
)
from geo_priority.microdata.audit_system import (
    linear_system as _system,  # noqa: F401  (tests call it here)
)
from geo_priority.microdata.suppression_relations import Bound, Relation

__all__ = ["Audit", "audit_cells", "pinned_by", "pinned_cells"]


@dataclass
class _Witnesses:
    """Smallest and largest value each cell takes in the feasible points seen."""

    value: np.ndarray
    tolerance: float
    low: np.ndarray = field(init=False)
    high: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.low = self.value.copy()
        self.high = self.value.copy()

    def add(self, x: np.ndarray) -> None:
        """Record a feasible point."""
        self.low = np.minimum(self.low, x)
        self.high = np.maximum(self.high, x)

    def free(self) -> np.ndarray:
        """Cells that took values at least ``tolerance`` apart (not pinned)."""
        return np.asarray(self.high - self.low >= self.tolerance - SOLVER_EPS)


def _audit_component(
    comp: Component,
    value: np.ndarray,
    check: np.ndarray,
    *,
    tolerance: float,
    rounds: int,
    integer: bool,
    rng: np.random.Generator,
) -> dict[int, tuple[float, float]]:
    """Return the pinned cells of one component (local index -> range)."""
    seen = _Witnesses(value, tolerance)

    def push(
        cells: np.ndarray, weight: np.ndarray, up: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        return comp.push(
            value, cells, weight, up=up, tolerance=tolerance, integer=integer
        )

    for _ in range(rounds):  # push all open cells up, then down
        for up in (True, False):
            todo = np.flatnonzero(check & ~seen.free())
            if not len(todo):
                break
            weight = rng.uniform(0.5, 1.5, len(todo))
            seen.add(push(todo, weight, up)[0])
        if len(todo) == int((check & ~seen.free()).sum()):
            break
    out: dict[int, tuple[float, float]] = {}
    one = np.ones(1)
    for i in np.flatnonzero(check):
        if seen.free()[i]:
            continue
        cell = np.array([i])
        x, rise = push(cell, one, True)
        seen.add(x)
        if seen.free()[i]:
            continue
        x, fall = push(cell, one, False)
        seen.add(x)
        lo, hi = float(value[i] - fall[0]), float(value[i] + rise[0])
        if hi - lo < tolerance - SOLVER_EPS:
            out[int(i)] = (lo, hi)
    return out


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
    integer: bool = True,
) -> dict[tuple[str, str], tuple[float, float]]:
    """Return the suppressed cells an intruder can pin down, with their range.

    :func:`audit_cells` with every component audited.

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
        Rounds of capped up-and-down programmes per component that look for
        witnesses before the per-cell programmes.
    limit : int, optional
        Stop after this many pinned cells (components in order of their
        first cell).
    seed : int
        Seed of the probes' random weights (the answer does not depend on it).
    only : collection of (kode, column), optional
        Check only these suppressed cells.
    integer : bool
        The intruder knows the cells are whole numbers (default): ranges are
        those of the integer points. False: of the linear relaxation.

    Returns
    -------
    dict
        ``(kode, column) -> (smallest, largest)`` for each pinned cell.

    Raises
    ------
    ValueError
        With ``integer`` when a cell's value is not a whole number.
    """
    return audit_cells(
        frame,
        flags,
        cells,
        relations,
        bounds,
        tolerance=tolerance,
        probes=probes,
        limit=limit,
        seed=seed,
        only=only,
        integer=integer,
    ).pinned


@dataclass(frozen=True)
class Audit:
    """What :func:`audit_cells` found, and what it left out.

    Attributes
    ----------
    pinned : dict
        ``(kode, column) -> (smallest, largest)`` for each pinned cell.
    skipped : tuple of int
        The number of suppressed cells of each component over ``max_cells``
        (not audited: nothing is known of their cells).
    """

    pinned: dict[tuple[str, str], tuple[float, float]]
    skipped: tuple[int, ...] = ()


def audit_cells(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    cells: Sequence[str],
    relations: Sequence[Relation],
    bounds: Sequence[Bound] = (),
    *,
    max_cells: int | None = None,
    tolerance: float = 1.0,
    probes: int = 6,
    limit: int | None = None,
    seed: int = 0,
    only: Collection[tuple[str, str]] | None = None,
    integer: bool = True,
    batch_cells: int = 500,
) -> Audit:
    """Audit the components of at most ``max_cells`` suppressed cells.

    Parameters
    ----------
    frame, flags, cells, relations, bounds
        As for :func:`pinned_cells`.
    max_cells : int, optional
        Audit only the components of at most this many suppressed cells (the
        cost grows with them); the others are listed in
        :attr:`Audit.skipped`. None: every component.
    tolerance, probes, limit, seed, only, integer
        As for :func:`pinned_cells`.
    batch_cells : int
        Components are audited together in batches of up to this many
        cells (:func:`_batches`; the answer does not depend on it, only the
        time: 1 audits each component alone).

    Returns
    -------
    Audit
    """
    system, names, _ = linear_system(frame, flags, cells, relations, bounds)
    if not names:
        return Audit({})
    value = true_values(frame, names, cells)
    if integer:
        _check_whole(frame, cells)
    a_eq, b_eq, a_ub, b_ub = system.matrices()
    codes = frame["kode"].astype(str).to_numpy()
    label = [(str(codes[r]), c) for r, c in names]
    wanted = np.array([only is None or cell in only for cell in label])
    rng = np.random.default_rng(seed)
    out: dict[tuple[str, str], tuple[float, float]] = {}
    skipped: list[int] = []
    kept: list[np.ndarray] = []
    for members in split_components(a_eq, a_ub, system.n):
        if not wanted[members].any():
            continue
        if max_cells is not None and len(members) > max_cells:
            skipped.append(len(members))
            continue
        kept.append(members)
    for members in _batches(kept, batch_cells):
        comp = component_of(a_eq, b_eq, a_ub, b_ub, members)
        found = _audit_component(
            comp,
            value[members],
            wanted[members],
            tolerance=tolerance,
            rounds=probes,
            integer=integer,
            rng=rng,
        )
        for i in sorted(found):
            out[label[int(members[i])]] = found[i]
            if limit is not None and len(out) >= limit:
                return Audit(out, tuple(skipped))
    return Audit(out, tuple(skipped))


def _batches(groups: Sequence[np.ndarray], size: int) -> list[np.ndarray]:
    """Join consecutive components into batches of at most ``size`` cells.

    Components share no constraint, so the feasible points of a batch are
    those of its components side by side: a witness of the batch is one of
    each, and a cell's smallest and largest value on the batch are those on
    its component. The answer is the same; the solver is called once per
    batch instead of once per component (920 components on the desa demo,
    most of the audit's time was each call's overhead). A component larger
    than ``size`` is a batch of its own.

    Examples
    --------
    >>> [len(b) for b in _batches([np.arange(3), np.arange(2), np.arange(4)], 5)]
    [5, 4]
    """
    out: list[np.ndarray] = []
    current: list[np.ndarray] = []
    count = 0
    for g in groups:
        if current and count + len(g) > size:
            out.append(np.concatenate(current))
            current, count = [], 0
        current.append(g)
        count += len(g)
    if current:
        out.append(np.concatenate(current))
    return out


def _check_whole(frame: pd.DataFrame, cells: Sequence[str]) -> None:
    """Raise ValueError unless every cell value is a whole number."""
    values = frame[list(cells)].to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        col = cells[int(np.flatnonzero(bad.any(axis=0))[0])]
        raise ValueError(
            tr(
                "disclosure audit: column {column} holds counts that are not "
                "whole numbers.",
                column=col,
            )
        )


def pinned_by(
    frame: pd.DataFrame,
    flags: pd.DataFrame,
    cells: Sequence[str],
    relations: Sequence[Relation],
    bounds: Sequence[Bound],
    pinned: Collection[tuple[str, str]],
) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """Return, per pinned cell, the published cells of a proof that pins it.

    The proof is the dual solution of the linear programmes "smallest" and
    "largest value" of the cell on its component: the constraints with a
    non-zero multiplier add up to ``lo <= cell <= hi``; suppressing one of
    their published cells breaks that proof (another may remain: suppress
    and audit again). A cell pinned only by whole-number reasoning has no
    such proof; its own constraints' published cells are given instead.

    Parameters
    ----------
    frame, flags, cells, relations, bounds
        As for :func:`pinned_cells`.
    pinned : collection of (kode, column)
        Cells :func:`pinned_cells` found.

    Returns
    -------
    dict
        ``(kode, column) -> [(frame row position, column), ...]``.
    """
    from scipy.optimize import linprog

    system, names, _ = linear_system(frame, flags, cells, relations, bounds)
    a_eq, b_eq, a_ub, b_ub = system.matrices()
    codes = frame["kode"].astype(str).to_numpy()
    index = {(str(codes[r]), c): i for i, (r, c) in enumerate(names)}
    which = {
        int(v): k
        for k, g in enumerate(split_components(a_eq, a_ub, system.n))
        for v in g
    }
    groups = split_components(a_eq, a_ub, system.n)
    out: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for cell in pinned:
        i = index[cell]
        members = groups[which[i]]
        comp = component_of(a_eq, b_eq, a_ub, b_ub, members)
        eq_rows = _rows_of(a_eq, members)
        ub_rows = _rows_of(a_ub, members)
        local = int(np.flatnonzero(members == i)[0])
        ids: set[int] = set()
        for sign in (1.0, -1.0):
            c = np.zeros(len(members))
            c[local] = sign
            res = linprog(
                c,
                A_ub=comp.a_ub if comp.a_ub.shape[0] else None,
                b_ub=comp.b_ub if comp.a_ub.shape[0] else None,
                A_eq=comp.a_eq if comp.a_eq.shape[0] else None,
                b_eq=comp.b_eq if comp.a_eq.shape[0] else None,
                bounds=(0, None),
                method="highs",
            )
            if res.status != 0:
                continue
            for rows, published, duals in (
                (eq_rows, system.eq_published, _duals(res, "eqlin")),
                (ub_rows, system.ub_published, _duals(res, "ineqlin")),
            ):
                for k in np.flatnonzero(np.abs(duals) > SOLVER_EPS):
                    ids.update(int(x) for x in published[int(rows[k])])
        if not ids:
            for rows, published, a in (
                (eq_rows, system.eq_published, comp.a_eq),
                (ub_rows, system.ub_published, comp.a_ub),
            ):
                for k in np.flatnonzero(a[:, [local]].toarray().ravel()):
                    ids.update(int(x) for x in published[int(rows[k])])
        out[cell] = [(x // len(cells), cells[x % len(cells)]) for x in sorted(ids)]
    return out


def _rows_of(a: csr_matrix, members: np.ndarray) -> np.ndarray:
    """Rows of ``a`` that touch ``members`` (as in :func:`component_of`)."""
    return np.flatnonzero(np.diff(a[:, members].indptr) > 0)


def _duals(res: object, name: str) -> np.ndarray:
    """Return the multipliers of one block of constraints (none: empty)."""
    block = getattr(res, name, None)
    marginals = getattr(block, "marginals", None)
    return np.zeros(0) if marginals is None else np.asarray(marginals, dtype=float)
