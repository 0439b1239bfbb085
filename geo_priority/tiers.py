"""Publication tiers: what a public output may read, how internal ones are marked.

* A public run (``outputs.audience = "publik"``, the default) refuses a table
  aggregated for internal use (its ``audience`` column says ``internal``):
  such a table may hold cells below 10.
* A value flagged ``<key>_suppressed`` is blanked before anything is scored,
  classified or drawn, whatever the table holds there: what is published never
  depends on a hidden cell (:mod:`geo_priority.disclosure_scores`).
* An internal run (``outputs.audience = "internal"``) carries the column
  ``terbatas`` (the TERBATAS mark) on every area, so every layer and table
  written from the areas says it is restricted.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"x": [3.0, 12.0], "x_suppressed": [True, False]})
>>> hide_suppressed(frame)["x"].tolist()
[nan, 12.0]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Protocol, TypeVar

import pandas as pd

from geo_priority.errors import InputError
from geo_priority.indicators import SUPPRESSED_SUFFIX
from geo_priority.messages import tr
from geo_priority.output_config import AUDIENCE_COLUMN, RESTRICTED_COLUMN, OutputConfig
from geo_priority.score import SCORE_BASIS

__all__ = [
    "hide_suppressed",
    "mark_restricted",
    "marked",
    "refuse_internal_tables",
    "tier_record",
]

_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def refuse_internal_tables(
    tables: Mapping[str, pd.DataFrame], outputs: OutputConfig
) -> None:
    """Refuse, in a public run, a table whose ``audience`` column says internal.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The indicator tables by label.
    outputs : OutputConfig

    Raises
    ------
    InputError
        Naming the table, the column and ``outputs.audience``.
    """
    if outputs.restricted:
        return
    for label, table in tables.items():
        if AUDIENCE_COLUMN not in table.columns:
            continue
        tier = table[AUDIENCE_COLUMN].astype(str).str.strip().str.lower()
        internal = tier.eq("internal")
        if internal.any():
            raise InputError(
                tr(
                    "table {label!r} was aggregated for internal use ({n} of "
                    "{total} rows have {column} = internal) and may hold cells "
                    'below 10; a public output (outputs.audience = "publik") may '
                    "not read it. Aggregate it again with --audience publik, or "
                    'set outputs.audience = "internal" for a restricted output '
                    "marked TERBATAS.",
                    label=label,
                    n=int(internal.sum()),
                    total=len(table),
                    column=AUDIENCE_COLUMN,
                )
            )


def hide_suppressed(areas: _Frame) -> _Frame:
    """Blank every value whose ``<key>_suppressed`` flag is set.

    Parameters
    ----------
    areas : pandas.DataFrame
        Joined areas with indicator columns and their flags.

    Returns
    -------
    pandas.DataFrame
        A copy (or ``areas`` itself when nothing is flagged).
    """
    pairs = [
        (str(c)[: -len(SUPPRESSED_SUFFIX)], c)
        for c in areas.columns
        if str(c).endswith(SUPPRESSED_SUFFIX)
        and str(c)[: -len(SUPPRESSED_SUFFIX)] in areas.columns
    ]
    flagged = [
        (key, flag.fillna(False).astype(bool))
        for key, flag in ((k, areas[c]) for k, c in pairs)
    ]
    if not any(hidden.any() for _, hidden in flagged):
        return areas
    areas = areas.copy()
    for key, hidden in flagged:
        if hidden.any():
            column = pd.to_numeric(areas[key], errors="coerce").astype("float64")
            areas[key] = column.mask(hidden)
    return areas


def mark_restricted(areas: _Frame, outputs: OutputConfig) -> _Frame:
    """Add the ``terbatas`` column (the TERBATAS mark) in an internal run.

    Examples
    --------
    >>> import pandas as pd
    >>> out = OutputConfig(audience="internal", lang="en")
    >>> mark_restricted(pd.DataFrame({"x": [1]}), out)["terbatas"].tolist()
    ['RESTRICTED — internal use only']
    >>> list(mark_restricted(pd.DataFrame({"x": [1]}), OutputConfig()).columns)
    ['x']
    """
    if not outputs.restricted:
        return areas
    areas = areas.copy()
    areas[RESTRICTED_COLUMN] = outputs.mark
    return areas


def tier_record(
    outputs: OutputConfig, areas: pd.DataFrame, weights: Mapping[str, float]
) -> dict[str, object]:
    """Return the run record's ``tier``: audience, mark, threshold, score bases.

    ``score_bases`` (a ``scoring.missing = "reweight"`` run) gives, for each
    set of components areas were scored from, how many areas and the weights
    re-normalised over those components.

    Examples
    --------
    >>> import pandas as pd
    >>> areas = pd.DataFrame({"score_basis": ["a,b", "a", "a,b"]})
    >>> tier_record(OutputConfig(), areas, {"a": 0.75, "b": 0.25})["score_bases"]
    {'a,b': {'areas': 2, 'weights': {'a': 0.75, 'b': 0.25}}, 'a': {'areas': 1, \
'weights': {'a': 1.0}}}
    """
    bases: dict[str, object] = {}
    if SCORE_BASIS in areas.columns:
        for basis, n in areas[SCORE_BASIS].fillna("").value_counts().items():
            keys = [k for k in str(basis).split(",") if k in weights]
            total = sum(weights[k] for k in keys)
            if keys and total > 0:
                shares = {k: round(weights[k] / total, 6) for k in keys}
                bases[str(basis)] = {"areas": int(n), "weights": shares}
    return {
        "audience": outputs.audience,
        "restricted": outputs.restricted,
        "mark": outputs.mark,
        "suppression_threshold": outputs.suppression_threshold,
        "score_bases": bases,
    }


class _Texts(Protocol):
    @property
    def warning(self) -> str: ...


_T = TypeVar("_T", bound=_Texts)


def marked(texts: _T, outputs: OutputConfig) -> _T:
    """Return ``texts`` (of a map or figure) with the TERBATAS mark in its warning.

    Examples
    --------
    >>> from geo_priority.render.spec import MapText
    >>> marked(MapText("Judul", warning="DATA SINTETIS"),
    ...        OutputConfig(audience="internal")).warning
    'TERBATAS — hanya untuk internal pemda · DATA SINTETIS'
    >>> marked(MapText("Judul"), OutputConfig()).warning
    ''
    """
    if not outputs.restricted:
        return texts
    warning = " · ".join(w for w in (outputs.mark, texts.warning) if w)
    return dataclasses.replace(texts, warning=warning)  # type: ignore[type-var]
