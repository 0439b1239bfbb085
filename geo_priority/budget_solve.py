"""Allocate whole families across areas: greedy by priority, and optimally.

Each area has ``families`` to reach at ``cost`` each; the areas come in
priority order.

* :func:`greedy_allocation`: each area in turn gets as many of its families as
  the money left pays for, then the next area gets what is left, down the
  whole list.
* :func:`optimal_allocation`: the most families the budget reaches, and among
  allocations reaching that many, the one closest to the priority order
  (smallest sum of position x families). Two integer programmes solved by
  HiGHS (:func:`scipy.optimize.milp`), on the areas that can make a
  difference: with one family worth one, the cheapest-first allocation
  reaches the most families (any k families cost at least the k cheapest),
  and every allocation reaching as many contains every family cheaper than
  ``c_next - slack`` and none dearer than ``c_last + slack`` (``c_last``: the
  dearest family cheapest-first takes, ``c_next``: the cheapest it leaves
  out, ``slack``: the money it leaves), so only the areas between are
  variables. With more than :data:`MILP_LIMIT` of them (a national desa
  table) the tie-break is not solved and the cheapest-first allocation is
  given, reaching as many families.

Examples
--------
>>> import numpy as np
>>> n, cost = np.array([3, 2, 2]), np.array([5.0, 3.0, 3.0])
>>> greedy_allocation(n, cost, 12).tolist()
[2, 0, 0]
>>> optimal_allocation(n, cost, 12).tolist()
[0, 2, 2]
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MILP_LIMIT",
    "TIME_LIMIT",
    "cheapest_first",
    "greedy_allocation",
    "optimal_allocation",
    "solve_optimal",
]


def greedy_allocation(
    families: np.ndarray, cost: np.ndarray, budget: float
) -> np.ndarray:
    """Return whole families per area, funded in the given (priority) order.

    Each area gets as many of its families as the money left pays for, then
    the next area gets what is left, down the whole list.

    Examples
    --------
    >>> greedy_allocation(np.array([2, 5]), np.array([10.0, 1.0]), 25).tolist()
    [2, 5]
    """
    left, out = float(budget), np.zeros(len(families), dtype=np.int64)
    for i, (n, c) in enumerate(zip(families, cost, strict=True)):
        take = int(n) if c <= 0 else int(min(n, left // c))
        out[i] = take
        left -= take * c
    return out


#: Above this many areas in the band the priority tie-break is not solved.
MILP_LIMIT = 3000
#: Seconds HiGHS may take for each of the two programmes.
TIME_LIMIT = 60.0


def cheapest_first(n: np.ndarray, c: np.ndarray, budget: float) -> np.ndarray:
    """Return the allocation taking the cheapest families first.

    With every family worth one, it reaches the most families any allocation
    can: any k families cost at least the k cheapest.
    """
    cheapest = np.argsort(c, kind="stable")
    x0 = np.zeros(len(n), dtype=np.int64)
    x0[cheapest] = greedy_allocation(n[cheapest], c[cheapest], budget)
    return x0


def _band(
    n: np.ndarray, c: np.ndarray, budget: float, x0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return which areas are full and which are free in every optimum."""
    if not x0.any():
        return np.zeros(len(n), bool), np.zeros(len(n), bool)
    slack = float(budget) - float(x0 @ c)
    last = float(c[x0 > 0].max())
    short = x0 < n
    nxt = float(c[short].min()) if short.any() else np.inf
    full = (c < nxt - slack) & (n > 0)
    free = (c <= last + slack) & ~full & (n > 0)
    return full, free


def _solve(
    objective: np.ndarray, constraints: list[object], n: np.ndarray
) -> np.ndarray | None:
    """Return HiGHS's proven optimum, or None when it ran out of time."""
    from scipy.optimize import Bounds, milp

    result = milp(
        objective,
        constraints=constraints,
        bounds=Bounds(np.zeros(len(n)), n),
        integrality=np.ones(len(n)),
        options={"mip_rel_gap": 0.0, "time_limit": TIME_LIMIT},
    )
    if result.status == 1:  # time limit: the tie-break is left unsolved
        return None
    if result.x is None or not result.success:
        raise RuntimeError(f"HiGHS found no allocation: {result.message}")
    return np.asarray(np.round(result.x), dtype=np.int64)


def solve_optimal(
    families: np.ndarray, cost: np.ndarray, budget: float
) -> tuple[np.ndarray, bool]:
    """Return the optimal allocation and whether the priority tie-break was solved.

    The most families the budget reaches is solved as an integer programme
    (HiGHS) and checked against the cheapest-first count; among allocations
    reaching that many, the one closest to the priority order is a second
    integer programme. Over :data:`MILP_LIMIT` areas in the band, or when
    HiGHS needs more than :data:`TIME_LIMIT` seconds, the cheapest-first
    allocation is returned (as many families; tie-break not solved).

    Raises
    ------
    RuntimeError
        When HiGHS fails, or finds another count than cheapest-first (a bug).
    """
    from scipy.optimize import LinearConstraint

    n = np.asarray(families, dtype=float)
    c = np.asarray(cost, dtype=float)
    x0 = cheapest_first(n, c, budget)
    full, free = _band(n, c, budget, x0)
    if not free.any():
        return x0, True
    if int(free.sum()) > MILP_LIMIT:
        return x0, False
    out = np.zeros(len(n), dtype=np.int64)
    out[full] = n[full].astype(np.int64)
    nf, cf = n[free], c[free]
    spend = LinearConstraint(cf[None, :], -np.inf, float(budget) - float(out @ c))
    first = _solve(-np.ones(len(nf)), [spend], nf)
    if first is None:
        return x0, False
    most = int(first.sum())
    if most + int(out.sum()) != int(x0.sum()):
        raise RuntimeError(
            f"HiGHS reached {most + int(out.sum())} families, cheapest-first "
            f"{int(x0.sum())}: report this."
        )
    reach = LinearConstraint(np.ones((1, len(nf))), most, np.inf)
    position = (np.flatnonzero(free) + 1).astype(float)
    second = _solve(position, [spend, reach], nf)
    if second is None:
        return x0, False
    out[free] = second
    return _within(out, c, budget), True


def optimal_allocation(
    families: np.ndarray, cost: np.ndarray, budget: float
) -> np.ndarray:
    """Return the whole families per area that reach the most within ``budget``.

    See :func:`solve_optimal`; among allocations reaching the most families,
    the one closest to the priority order (up to :data:`MILP_LIMIT` areas in
    the band).
    """
    return solve_optimal(families, cost, budget)[0]


def _within(x: np.ndarray, cost: np.ndarray, budget: float) -> np.ndarray:
    """Drop families (dearest first) while rounding left the budget exceeded."""
    while float(x @ cost) > budget and x.any():
        funded = np.flatnonzero(x > 0)
        x[funded[np.argmax(cost[funded])]] -= 1
    return x
