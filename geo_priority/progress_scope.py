"""Where a target applies: the areas a target is for (``Target.areas``).

A target is for the areas whose code starts with one of its ``areas``
prefixes (``"36"``: Provinsi Banten), for every area when it lists none, and
for no area of a map when it is ``"nasional"`` (Indonesia's own national
figure, such as the RPJMN 2020-2024 poverty-rate target). Areas outside keep
their trend and projection but get no gap and no status: no target is
invented for them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_priority.messages import tr
from geo_priority.progress_config import NATIONAL, Target

__all__ = ["in_scope", "out_of_scope", "scope_note"]


def in_scope(target: Target, codes: pd.Index) -> np.ndarray:
    """Return which area codes ``target`` is for (its ``areas``).

    Examples
    --------
    >>> codes = pd.Index(["36.01", "32.01", "0"])
    >>> in_scope(Target(year=2025, value=5, source="s", areas=("36",)), codes).tolist()
    [True, False, False]
    >>> national = Target(year=2024, value=6, source="s", areas=(NATIONAL,))
    >>> in_scope(national, codes).tolist()
    [False, False, False]
    """
    if not target.areas:
        return np.ones(len(codes), dtype=bool)
    prefixes = tuple(a for a in target.areas if a != NATIONAL)
    if not prefixes:
        return np.zeros(len(codes), dtype=bool)
    text = pd.Series(codes, dtype="string")
    inside: np.ndarray = text.str.startswith(prefixes).fillna(False).to_numpy(bool)
    return inside


def out_of_scope(frame: pd.DataFrame, target: Target) -> pd.Index:
    """Clear the gap and status of the areas ``target`` is not for; return them."""
    outside = frame.index[~in_scope(target, frame.index)]
    frame.loc[outside, ["target_gap", "progress_status"]] = np.nan
    return outside


def scope_note(target: Target, label: str, n: int) -> str:
    """Say that the ``n`` areas outside the target's areas get no status."""
    return tr(
        "progress: the target {label!r} is for {scope}; the {n} area(s) "
        "outside it get a trend and a projection but no gap and no status "
        "(no target is invented for them). Give their own target in "
        "[progress] (target_year, target, target_source).",
        label=label,
        scope=target.scope or ", ".join(target.areas),
        n=n,
    )
