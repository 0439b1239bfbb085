"""The join report: one entry per table row and per area without a row.

:func:`build_report` turns the decided matches of
:mod:`geo_priority.matching` into a :class:`~geo_priority.schema.JoinReport`;
:func:`warn_report` emits at most one warning of each kind. Doubtful matches
held back until the config accepts them (``doubtful_held``) are counted with
the doubtful ones, with the TOML keys that accept them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from geo_priority.errors import DoubtfulMatchWarning, UnmatchedKeysWarning
from geo_priority.formatting import shorten_list
from geo_priority.schema import (
    DOUBTFUL,
    DOUBTFUL_HELD,
    DUPLICATE,
    JOIN_REPORT_COLUMNS,
    MATCHED,
    MATCHED_NAME,
    UNMATCHED_AREA,
    JoinReport,
)

if TYPE_CHECKING:
    from geo_priority.matching import JoinContext, Match

__all__ = ["ACCEPT_KEYS", "JOINED", "build_report", "warn_report"]

#: Statuses whose row is joined to its area.
JOINED = (MATCHED, MATCHED_NAME, DOUBTFUL)
#: Statuses of rows that describe their area (it is not "without a row").
_COVERING = (*JOINED, DUPLICATE, DOUBTFUL_HELD)
#: The config keys that accept doubtful matches, as named in messages.
ACCEPT_KEYS = (
    'tables.accept_doubtful = ["<row code or name>", ...] or '
    "tables.accept_all_doubtful = true"
)


def build_report(
    matches: Sequence[Match], context: JoinContext, n_rows: int, notes: Sequence[str]
) -> JoinReport:
    """Build the join report: one entry per row, one per area without a row.

    Parameters
    ----------
    matches : sequence of Match
        The decided rows (a row split over several areas has one per area).
    context : JoinContext
        The areas.
    n_rows : int
        Number of table rows.
    notes : sequence of str
        Notes on how codes were read and doubts accepted.

    Returns
    -------
    JoinReport
    """
    records = [
        (
            m.status,
            context.label,
            m.area_id,
            context.names.get(m.area_id or ""),
            m.row_code,
            m.row_name,
            m.detail,
        )
        for m in matches
    ]
    covered = {m.area_id for m in matches if m.status in _COVERING}
    records += [
        (
            UNMATCHED_AREA,
            context.label,
            i,
            context.names[i],
            None,
            None,
            f"no {context.label} row",
        )
        for i in context.names
        if i not in covered
    ]
    entries = pd.DataFrame(records, columns=list(JOIN_REPORT_COLUMNS), dtype="string")
    return JoinReport(entries, len(context.names), n_rows, tuple(notes))


def warn_report(report: JoinReport, label: str) -> None:
    """Emit one UnmatchedKeysWarning and one DoubtfulMatchWarning at most.

    The warnings point at the caller of the function that calls this one
    (``join_indicators``'s caller).

    Parameters
    ----------
    report : JoinReport
        The join report.
    label : str
        Name of the table.

    Warns
    -----
    UnmatchedKeysWarning
        When areas or rows stay unmatched, with counts and examples.
    DoubtfulMatchWarning
        When matches were flagged as doubtful; says how many are held back.
    """
    problems = report.problems
    doubt = problems["status"].isin([DOUBTFUL, DOUBTFUL_HELD])
    unmatched = problems[~doubt]
    if len(unmatched):
        counts = unmatched["status"].value_counts()
        keys = (
            unmatched["area_id"]
            .fillna(unmatched["row_code"])
            .fillna(unmatched["row_name"])
        )
        text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        warnings.warn(
            f"{label}: {text} (of {report.n_areas} areas and {report.n_rows} rows), "
            f"e.g. {shorten_list(keys.drop_duplicates().tolist(), 5)}. See "
            "JoinReport.problems for details.",
            UnmatchedKeysWarning,
            stacklevel=3,
        )
    doubtful = problems[doubt]
    if len(doubtful):
        held = int((doubtful["status"] == DOUBTFUL_HELD).sum())
        withheld = (
            f" {held} of them are held back without a value until accepted "
            f"({ACCEPT_KEYS})."
            if held
            else ""
        )
        warnings.warn(
            f"{label}: {len(doubtful)} matches need checking (fuzzy or disagreeing "
            f"names), e.g. {shorten_list(doubtful['detail'].tolist(), 3)}.{withheld} "
            "See JoinReport.problems.",
            DoubtfulMatchWarning,
            stacklevel=3,
        )
