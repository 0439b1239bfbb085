"""Small-cell suppression with complementary suppression (REGISTRIES.md §4.2).

Primary rule: a count from 1 to ``threshold - 1`` is suppressed. A rate is
suppressed when its numerator, its denominator or its complement
(denominator - numerator) is suppressed, so "all but 3 families" is hidden
too. Complementary rule: for every additive relation between published
cells — a row total and its parts (families = desil 1 + ... + unknown;
target = covered + excluded; den = num + complement) and a parent area and its
child areas (kecamatan = sum of its desa, kab/kota = sum of its kecamatan) —
no relation may contain exactly one suppressed cell; otherwise the smallest
other cell is suppressed too, repeated until stable. A suppressed cell is
published as empty with ``<column>_suppressed = True``, never as 0.

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

__all__ = ["Relation", "suppress"]

_PARENT_DIGITS = {10: 6, 6: 4}


@dataclass(frozen=True)
class Relation:
    """``total = sum(parts)`` within each row (optionally only some rows)."""

    total: str
    parts: tuple[str, ...]
    rows: str | None = None  # name of a boolean column restricting the rows


def _pick(values: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Per row, the index of the smallest positive free cell (then zeros)."""
    score = np.where(values > 0, values.astype(float), 1e15)
    score = np.where(free, score, np.inf)
    return np.argmin(score, axis=1), np.isfinite(score.min(axis=1))


def _close(values: np.ndarray, flags: np.ndarray, need: np.ndarray) -> bool:
    """Suppress one more cell in each row of ``need`` (column 0 = total)."""
    if not need.any():
        return False
    rows = np.flatnonzero(need)
    sub_v, sub_f = values[rows], flags[rows]
    free = ~sub_f
    free[:, 0] = False
    j, found = _pick(sub_v, free)
    j = np.where(found, j, 0)
    sub_f[np.arange(len(rows)), j] = True
    flags[rows] = sub_f
    return True


def _row_pass(
    frame: pd.DataFrame, s: pd.DataFrame, relations: Sequence[Relation]
) -> bool:
    changed = False
    for rel in relations:
        cols = [rel.total, *rel.parts]
        values, flags = frame[cols].to_numpy(), s[cols].to_numpy().copy()
        need = flags.sum(axis=1) == 1
        if rel.rows is not None:
            need &= frame[rel.rows].to_numpy(bool)
        if _close(values, flags, need):
            s[cols] = flags
            changed = True
    return changed


def _tree_pass(frame: pd.DataFrame, s: pd.DataFrame, cells: Sequence[str]) -> bool:
    changed = False
    codes = frame["kode"].astype(str)
    for length, parent_len in _PARENT_DIGITS.items():
        kids = np.flatnonzero(codes.str.len().to_numpy() == length)
        if not len(kids):
            continue
        position = {c: i for i, c in enumerate(codes) if len(c) == parent_len}
        parents = codes.iloc[kids].str[:parent_len].map(position)
        ok = parents.notna().to_numpy()
        kids, parents = kids[ok], parents[ok].astype(int).to_numpy()
        for col in cells:
            changed |= _tree_column(frame[col].to_numpy(), s, col, kids, parents)
    return changed


def _tree_column(
    values: np.ndarray, s: pd.DataFrame, col: str, kids: np.ndarray, parents: np.ndarray
) -> bool:
    flags = s[col].to_numpy().copy()
    n_supp = np.bincount(parents, weights=flags[kids], minlength=len(flags))
    n_supp = n_supp + flags
    changed = False
    for p in np.flatnonzero((n_supp == 1) & np.isin(np.arange(len(flags)), parents)):
        members = kids[parents == p]
        free = members[~flags[members]]
        if len(free):
            vals = values[free].astype(float)
            order = np.where(vals > 0, vals, 1e15)
            flags[free[np.argmin(order)]] = True
        else:
            flags[p] = True
        changed = True
    if changed:
        s[col] = flags
    return changed


def suppress(
    frame: pd.DataFrame,
    cells: Sequence[str],
    *,
    relations: Sequence[Relation],
    threshold: int = 10,
    max_rounds: int = 50,
) -> pd.DataFrame:
    """Return a boolean frame: which count cells must be suppressed.

    Parameters
    ----------
    frame : pandas.DataFrame
        All published levels stacked, with ``kode`` (undotted Kemendagri: 4, 6
        or 10 digits) and the count columns ``cells``.
    cells : sequence of str
        The count columns (including unpublished complements).
    relations : sequence of Relation
        Additive relations within a row.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed (default 10).
    max_rounds : int
        Safety bound on the complementary passes.

    Returns
    -------
    pandas.DataFrame
        Same index, one boolean column per cell.

    Raises
    ------
    ConfigError
        When ``threshold`` is below 2.
    """
    if threshold < 2:
        raise ConfigError(f"threshold = {threshold!r}; use 2 or more (default 10).")
    values = frame[list(cells)]
    s = ((values > 0) & (values < threshold)).astype(bool)
    for _ in range(max_rounds):
        changed = _row_pass(frame, s, relations)
        changed |= _tree_pass(frame, s, cells)
        if not changed:
            break
    return s
