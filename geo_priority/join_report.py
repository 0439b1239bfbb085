"""The join report: one entry per table row and per area without a row.

:func:`build_report` turns the decided matches of
:mod:`geo_priority.matching` into a :class:`~geo_priority.schema.JoinReport`;
:func:`warn_report` emits at most one warning of each kind. Doubtful matches
held back until the config accepts them (``doubtful_held``) are counted with
the doubtful ones, with the TOML keys that accept them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_priority.codes.column import CodeColumn
from geo_priority.errors import DoubtfulMatchWarning, UnmatchedKeysWarning
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr
from geo_priority.schema import (
    AMBIGUOUS,
    DOUBTFUL,
    DOUBTFUL_HELD,
    DUPLICATE,
    INVALID_CODE,
    JOIN_REPORT_COLUMNS,
    MATCHED,
    MATCHED_NAME,
    OTHER_LEVEL,
    UNMATCHED_AREA,
    UNMATCHED_ROW,
    CodeSystem,
    JoinReport,
    status_words,
)

if TYPE_CHECKING:
    from geo_priority.config import CodeSystemChoice
    from geo_priority.matching import JoinContext, Match, PlainRows

__all__ = [
    "ACCEPT_KEYS",
    "JOINED",
    "REPORT_FILE",
    "build_report",
    "status_name",
    "status_words",
    "summary_text",
    "table_code_systems",
    "warn_report",
]

#: Statuses whose row is joined to its area.
JOINED = (MATCHED, MATCHED_NAME, DOUBTFUL)
#: Statuses of rows that describe their area (it is not "without a row").
_COVERING = (*JOINED, DUPLICATE, DOUBTFUL_HELD)
#: The config keys that accept doubtful matches, as named in messages.
ACCEPT_KEYS = (
    'tables.accept_doubtful = ["<row code or name>", ...] or '
    "tables.accept_all_doubtful = true"
)
#: How the join report file a run writes ends (``<outputs.name>_laporan_join.csv``).
REPORT_FILE = "_laporan_join.csv"


def build_report(
    matches: Sequence[Match],
    context: JoinContext,
    n_rows: int,
    notes: Sequence[str],
    plain: PlainRows | None = None,
) -> JoinReport:
    """Build the join report: one entry per row, one per area without a row.

    Parameters
    ----------
    matches : sequence of Match
        The decided rows (a row split over several areas has one per area),
        in row order.
    context : JoinContext
        The areas.
    n_rows : int
        Number of table rows.
    notes : sequence of str
        Notes on how codes were read and doubts accepted.
    plain : PlainRows, optional
        Rows matched by their code alone, each entered at its row's place.

    Returns
    -------
    JoinReport
    """
    names, label = context.names, context.label
    columns: dict[str, list[str | None]] = {
        "status": [m.status for m in matches],
        "area_id": [m.area_id for m in matches],
        "row_code": [m.row_code for m in matches],
        "row_name": [m.row_name for m in matches],
        "detail": [m.detail for m in matches],
    }
    covered = {m.area_id for m in matches if m.status in _COVERING}
    if plain is not None and len(plain):
        columns = _in_row_order(columns, [m.pos for m in matches], plain)
        covered.update(plain.area_id)
    unmatched = [i for i in names if i not in covered]
    no_row = tr("no {label} row", label=label)
    columns["status"] += [UNMATCHED_AREA] * len(unmatched)
    columns["area_id"] += unmatched
    columns["row_code"] += [None] * len(unmatched)
    columns["row_name"] += [None] * len(unmatched)
    columns["detail"] += [no_row] * len(unmatched)
    columns["table"] = [label] * len(columns["status"])
    columns["area_name"] = [names.get(a or "") for a in columns["area_id"]]
    entries = pd.DataFrame({c: columns[c] for c in JOIN_REPORT_COLUMNS}, dtype="string")
    return JoinReport(entries, len(names), n_rows, tuple(notes))


def _in_row_order(
    columns: dict[str, list[str | None]], positions: list[int], plain: PlainRows
) -> dict[str, list[str | None]]:
    """Put the entries of the plain rows among ``columns`` (rows at ``positions``)."""
    n = len(plain)
    more: dict[str, list[str | None]] = {
        "status": [MATCHED] * n,
        "area_id": list(plain.area_id),
        "row_code": list(plain.code),
        "row_name": [None] * n,
        "detail": [None] * n,
    }
    order = np.argsort(np.array(positions + plain.pos, dtype=np.int64), kind="stable")
    return {
        c: np.asarray(values + more[c], dtype=object)[order].tolist()
        for c, values in columns.items()
    }


def status_name(status: str) -> str:
    """Return what one entry of ``status`` is, in words of the active language.

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> with use_language("en"):
    ...     status_name("unmatched_row")
    'table row without an area'
    """
    words = {
        MATCHED: tr("matched"),
        MATCHED_NAME: tr("matched by name"),
        DOUBTFUL: tr("doubtful match to check"),
        DOUBTFUL_HELD: tr("doubtful match held back until accepted"),
        AMBIGUOUS: tr("row that fits several areas"),
        UNMATCHED_AREA: tr("area without a table row"),
        UNMATCHED_ROW: tr("table row without an area"),
        DUPLICATE: tr("duplicate row"),
        INVALID_CODE: tr("invalid code"),
        OTHER_LEVEL: tr("row of another level (a total, not used)"),
    }
    return words.get(status, status)


def summary_text(report: JoinReport) -> str:
    """Return the report in one line, in the active language.

    The same as :meth:`JoinReport.summary`.

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> entries = pd.DataFrame({"status": ["matched", "other_level"],
    ...                         "area_id": ["3601", None]})
    >>> with use_language("en"):
    ...     summary_text(JoinReport(entries, 1, 2))
    '1 of 1 areas matched, 1 row of another level (a total, not used)'
    """
    return report.summary()


def table_code_systems(
    report: JoinReport,
    tables: Iterable[tuple[str, CodeSystemChoice]],
    area_system: CodeSystem | None,
) -> dict[str, CodeSystem | None]:
    """Return the code system each table's codes were read in (None: by name).

    Reads the codes of the rows the join matched by code, as the join did
    (:meth:`CodeColumn.resolve_system`): the stated ``tables.code_system``,
    else the detected one, else the areas' system.

    Parameters
    ----------
    report : JoinReport
    tables : iterable of (str, str)
        Each table's label and its ``tables.code_system``.
    area_system : {"kemendagri", "bps"} or None
        The areas' code system.

    Returns
    -------
    dict of str to str or None
    """
    entries = report.entries
    found: dict[str, CodeSystem | None] = {}
    for label, choice in tables:
        mine = entries[(entries["table"] == label) & entries["row_code"].notna()]
        if mine.empty:
            found[label] = None
            continue
        column = CodeColumn(mine["row_code"].astype(str))
        fallback: CodeSystem = area_system or "kemendagri"
        try:
            found[label] = column.resolve_system(choice, fallback)
        except ValueError:
            found[label] = None
    return found


def _see_report() -> str:
    return tr(
        "Every row is listed in the join report (the file ending in {suffix} next "
        "to the map); geo-priority check CONFIG lists them without writing.",
        suffix=REPORT_FILE,
    )


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
        warnings.warn(
            tr(
                "table {label!r}: {counts} (of {areas} areas and {rows} rows), "
                "e.g. {examples}. {see}",
                label=label,
                counts=", ".join(
                    status_words(str(s), int(n)) for s, n in counts.items()
                ),
                areas=report.n_areas,
                rows=report.n_rows,
                examples=shorten_list(keys.drop_duplicates().tolist(), 5),
                see=_see_report(),
            ),
            UnmatchedKeysWarning,
            stacklevel=3,
        )
    doubtful = problems[doubt]
    if len(doubtful):
        held = int((doubtful["status"] == DOUBTFUL_HELD).sum())
        warnings.warn(
            _doubtful_text(
                label,
                len(doubtful),
                examples=shorten_list(doubtful["detail"].tolist(), 3),
                withheld=_withheld_text(held, len(doubtful)),
            ),
            DoubtfulMatchWarning,
            stacklevel=3,
        )


def _doubtful_text(label: str, n: int, *, examples: str, withheld: str) -> str:
    """Say that ``n`` matches of table ``label`` need checking (one: singular)."""
    if n == 1:
        return tr(
            "table {label!r}: 1 match needs checking (a name that is close but "
            "not equal, or that disagrees with the code): {examples}.{withheld} "
            "{see}",
            label=label,
            examples=examples,
            withheld=withheld,
            see=_see_report(),
        )
    return tr(
        "table {label!r}: {n} matches need checking (names that are close "
        "but not equal, or that disagree with the code), e.g. "
        "{examples}.{withheld} {see}",
        label=label,
        n=n,
        examples=examples,
        withheld=withheld,
        see=_see_report(),
    )


def _withheld_text(held: int, n: int) -> str:
    """Say how many of the ``n`` doubtful matches are held back (none: "")."""
    if not held:
        return ""
    if held == n == 1:
        return tr(
            " It is held back without a value until accepted ({keys}).",
            keys=ACCEPT_KEYS,
        )
    if held == 1:
        return tr(
            " 1 of them is held back without a value until accepted ({keys}).",
            keys=ACCEPT_KEYS,
        )
    return tr(
        " {held} of them are held back without a value until accepted ({keys}).",
        held=held,
        keys=ACCEPT_KEYS,
    )
