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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority.errors import ConfigError
from geo_priority.messages import tr
from geo_priority.microdata.suppression_relations import (
    Bound,
    Relation,
    bound_limits,
    implied,
    implied_in_rows,
)
from geo_priority.microdata.suppression_rules import (
    bound_pass as _bound_pass,  # tests switch the bound rule off here
)
from geo_priority.microdata.suppression_rules import (
    bridge_edges as _bridges,  # noqa: F401  (tests import it from here)
)
from geo_priority.microdata.suppression_rules import (
    bridge_pass,
    row_pass,
    subset_tree_pass,
    tree_pass,
)
from geo_priority.microdata.suppression_state import (
    Costs,
    State,
    build_state,
    cost_score,
)
from geo_priority.microdata.suppression_state import (
    Costs as _Costs,  # noqa: F401  (tests patch it here)
)

__all__ = [
    "AUDIT_MAX_CELLS",
    "AUDIT_MODES",
    "Bound",
    "Relation",
    "Suppression",
    "suppress",
    "suppress_published",
]


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
    st = build_state(frame, cells, values, start, relations)
    if initial is not None:
        for col in start.columns.intersection(initial.columns):
            st.s[:, st.col[col]] |= initial[col].to_numpy(bool)
    costs = Costs(st, groups)
    given = list(relations)
    relations = [*given, *implied(given, cells), *implied_in_rows(given, cells)]
    limits = bound_limits(relations, bounds, cells)
    for _ in range(max_rounds):
        changed = row_pass(st, relations, costs)
        changed |= tree_pass(st, costs)
        changed |= subset_tree_pass(st, relations, costs)
        if not changed:
            changed = _bound_pass(st, limits, costs)
        if not changed:
            changed = bridge_pass(st, relations, costs)
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
    st: State,
    relations: Sequence[Relation],
    bounds: Sequence[Bound],
    costs: Costs,
    run: _AuditRun,
) -> bool:
    """Suppress one published cell of the proof of each cell the audit pins.

    Returns whether anything was suppressed (False: nothing is pinned).
    """
    from geo_priority.microdata import audit  # needs scipy; the rules do not

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
            float(cost_score(values[[r], st.col[c]], costs.of(c, np.array([r])))[0])
            for r, c in published
        ]
        row, column = published[int(np.argmin(score))]
        st.s[row, st.col[column]] = True
    costs.refresh()
    return True


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
