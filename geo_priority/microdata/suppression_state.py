"""The state of small-cell suppression, and what one more suppressed cell costs.

:class:`State` holds which cells of the stacked levels are suppressed (one
boolean matrix over rows and cells) with the cells' values, the row subsets
the relations are restricted to and the parent/child rows of the areas;
:class:`Costs` counts the published figures (a rate reads its numerator,
denominator and complement) that suppressing one more cell would hide, and
:func:`cost_score` orders the candidates: fewest hidden figures first, then
the smallest positive value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority.microdata.suppression_relations import PARENT_DIGITS, Relation

__all__ = ["Costs", "State", "build_state", "cost_score"]


@dataclass
class State:
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


def build_state(
    frame: pd.DataFrame,
    cells: Sequence[str],
    values: pd.DataFrame,
    start: pd.DataFrame,
    relations: Sequence[Relation],
) -> State:
    """Return the suppression state of ``frame`` from the flags ``start``."""
    levels = _levels(frame)
    names = sorted({r.rows for r in relations if r.rows is not None})
    return State(
        frame=frame,
        cells=list(cells),
        s=start.to_numpy(dtype=bool, copy=True),
        values=values.to_numpy(dtype=float, na_value=np.nan),
        col={c: j for j, c in enumerate(cells)},
        rows={name: frame[name].to_numpy(bool) for name in names},
        levels=levels,
        families=_families(levels),
    )


def _levels(frame: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return, per child level, its rows and their parent's row (parents known)."""
    codes = frame["kode"].astype(str)
    lengths = codes.str.len().to_numpy()
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for length, parent_len in PARENT_DIGITS.items():
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


class Costs:
    """What suppressing one more cell costs: the published figures it hides.

    A group is the cells one published figure reads (a rate's numerator,
    denominator and complement). Suppressing a cell hides every still-visible
    group it belongs to, so the complementary cell of a relation is the one
    that hides the fewest figures (then the smallest positive value).
    """

    def __init__(self, st: State, groups: Sequence[tuple[str, ...]]) -> None:
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


def cost_score(values: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Fewest hidden figures first, then the smallest positive value; zeros last."""
    values = values.astype(float)
    return np.where(values > 0, cost * 1e12 + values, 1e15 + cost)
