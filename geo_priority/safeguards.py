"""Safeguards of the join: no doubtful value unaccepted, no implausible value.

:func:`refuse_held` stops a run while doubtful matches would carry values
nobody accepted; :func:`accepted_notes` names the accepted ones for the method
note; :func:`check_plausible` refuses values outside their indicator's
plausible range, saying what they most likely are.
"""

from __future__ import annotations

import pandas as pd

from geo_priority.config import (
    IndicatorConfig,
)
from geo_priority.errors import (
    ImplausibleValueError,
    JoinError,
)
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr
from geo_priority.schema import (
    DOUBTFUL,
    ID,
    NAME,
    JoinReport,
)

__all__ = ["accepted_notes", "check_plausible", "refuse_held"]


def _likely_cause(value: float, low: float, high: float) -> str:
    """Say what an implausible value most likely is."""
    readings = [
        f"{value / power:g}".replace(".", ",")
        for power in (10, 100, 1000)
        if value > high and low <= value / power <= high
    ]
    if readings:
        return tr(
            "it looks like {readings} with its decimal comma lost",
            readings=(
                tr("{first} or {second}", first=readings[0], second=readings[1])
                if len(readings) > 1
                else readings[0]
            ),
        )
    if value < 0 <= low:
        return tr("a negative value is impossible here; a code for 'no data' (-1)?")
    return tr("check the unit (percent or per mil?) and the column")


def accepted_notes(report: JoinReport) -> list[str]:
    """Say, per table, which doubtful matches carry values because accepted."""
    entries = report.entries
    accepted = entries[entries["status"] == DOUBTFUL]
    notes = []
    for table, rows in accepted.groupby("table", sort=True):
        pairs = [
            f"{row.row_name or row.row_code!s} -> {row.area_name}"
            for row in rows.itertuples()
        ]
        notes.append(
            tr(
                "{table}: {n} doubtful match(es) accepted by the config "
                "(tables.accept_doubtful / accept_all_doubtful): {pairs}",
                table=table,
                n=len(rows),
                pairs=shorten_list(pairs, 4),
            )
        )
    return notes


def refuse_held(report: JoinReport) -> None:
    """Refuse to go on while doubtful matches would carry values unaccepted.

    Raises
    ------
    JoinError
        Naming the doubtful pairs and the keys that accept them.
    """
    held = report.held
    if held.empty:
        return
    pairs = [
        f"{row.row_name or row.row_code!s} -> {row.area_name} ({row.area_id})"
        for row in held.itertuples()
    ]
    tables = sorted(held["table"].dropna().unique())
    raise JoinError(
        tr(
            "{n_held} doubtful match(es) would put values on areas, and no one "
            "has accepted them: {value} (table(s) {value2}). Nothing was "
            "written. Check each pair; then list the accepted rows in "
            'tables.accept_doubtful = ["..."] (their code or name), or set '
            "tables.accept_all_doubtful = true (recorded in the run record), or "
            "correct the table or crosswalk. `geo-priority check` lists them all.",
            n_held=len(held),
            value=shorten_list(pairs, 6),
            value2=", ".join(tables),
        )
    )


def check_plausible(
    areas: pd.DataFrame, indicators: tuple[IndicatorConfig, ...]
) -> None:
    """Refuse values outside their indicator's plausible range.

    Percentages (``unit = "%"``) must lie in 0–100; any indicator may set
    ``valid_range = [low, high]``.

    Raises
    ------
    ImplausibleValueError
        Naming the area, the value, the range and the likely cause.
    """
    for ind in indicators:
        bounds = ind.plausible_range
        if bounds is None or ind.key not in areas:
            continue
        low, high = bounds
        values = pd.to_numeric(areas[ind.key], errors="coerce")
        bad = values.notna() & ((values < low) | (values > high))
        if not bad.any():
            continue
        first = bad[bad].index[0]
        value = float(values[first])
        where = f"{areas.at[first, NAME]!r} ({areas.at[first, ID]})"
        raise ImplausibleValueError(
            tr(
                "indicator {key!r} is {value:g} for {where}, outside its plausible "
                "range {low:g}–{high:g} ({value2} area(s)): {value3}. Correct the "
                "table, or set valid_range for indicator {key!r} in "
                "[[scoring.indicators]].",
                key=ind.key,
                value=value,
                where=where,
                low=low,
                high=high,
                value2=int(bad.sum()),
                value3=_likely_cause(value, low, high),
            )
        )
