"""Doubt never becomes a silent value: hold doubtful matches until accepted.

A doubtful match (a fuzzy name, names that disagree, a crosswalk pair whose
recorded names differ, a code read in what looks like the wrong system) puts
no value on its area unless the config accepts it: its row code or name is
listed in ``tables.accept_doubtful``, or ``tables.accept_all_doubtful`` is
true. Accepted matches stay ``doubtful`` (detail "accepted"); the others
become ``doubtful_held``, whose detail names the TOML key that accepts them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace

from geo_priority.formatting import shorten_list
from geo_priority.matching import Match
from geo_priority.messages import tr
from geo_priority.schema import DOUBTFUL, DOUBTFUL_HELD

__all__ = ["hold_doubtful"]


def _key(value: object) -> str:
    """Compare accepted entries and row cells without case or outer spaces."""
    return str(value).strip().casefold()


def _row_keys(m: Match) -> set[str]:
    """Return the row's code (as written and canonical) and name as accept keys."""
    return {_key(v) for v in (m.row_code, m.source, m.row_name) if v is not None}


def _held(m: Match) -> Match:
    """Hold a doubtful match back, naming the TOML keys that accept it."""
    who = json.dumps(m.row_code or m.row_name or "", ensure_ascii=False)
    return replace(
        m,
        status=DOUBTFUL_HELD,
        detail=tr(
            "{detail}; value held back until accepted: set tables.accept_doubtful "
            "= [{who}] or tables.accept_all_doubtful = true",
            detail=m.detail,
            who=who,
        ),
    )


def _accepted(m: Match, key: str) -> Match:
    """Mark a doubtful match as accepted by ``key``."""
    return replace(m, detail=tr("{detail}; accepted ({key})", detail=m.detail, key=key))


def _notes(
    label: str, accept: Iterable[str], used: set[str], accept_all: int
) -> list[str]:
    """Return notes on accepted doubt: the switch used, entries matching nothing."""
    notes = []
    if accept_all:
        notes.append(
            tr(
                "{label}: {n} doubtful match(es) accepted by "
                "tables.accept_all_doubtful = true",
                label=label,
                n=accept_all,
            )
        )
    unused = [a for a in accept if _key(a) not in used]
    if unused:
        notes.append(
            tr(
                "{label}: tables.accept_doubtful entries that match no doubtful "
                "row: {entries}",
                label=label,
                entries=shorten_list(unused, 5),
            )
        )
    return notes


def hold_doubtful(
    matches: Sequence[Match],
    accept: Sequence[str],
    accept_all: bool,
    label: str,
) -> tuple[list[Match], list[str]]:
    """Hold back every doubtful match the config does not accept.

    Parameters
    ----------
    matches : sequence of Match
        The decided rows.
    accept : sequence of str
        Row codes or names whose doubtful match is accepted
        (``tables.accept_doubtful``; case and outer spaces are ignored).
    accept_all : bool
        Accept every doubtful match (``tables.accept_all_doubtful``).
    label : str
        Name of the table, for the notes.

    Returns
    -------
    (list of Match, list of str)
        The matches (doubtful ones accepted or ``doubtful_held``) and notes
        for the report: how many the switch accepted, and accepted entries
        that match no doubtful row.
    """
    wanted = {_key(a) for a in accept}
    used: set[str] = set()
    by_switch = 0
    out = []
    for m in matches:
        if m.status != DOUBTFUL:
            out.append(m)
            continue
        hit = _row_keys(m) & wanted
        used |= hit
        if hit:
            out.append(_accepted(m, "tables.accept_doubtful"))
        elif accept_all:
            by_switch += 1
            out.append(_accepted(m, "tables.accept_all_doubtful"))
        else:
            out.append(_held(m))
    return out, _notes(label, accept, used, by_switch)
