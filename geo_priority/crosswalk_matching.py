"""Match a row's code through a crosswalk to its area(s).

A pair whose recorded names disagree is ``doubtful``; a source split over
several areas becomes one match per area with the crosswalk's weight
(``tables.crosswalk_weight``), else ``ambiguous``. Called by
:func:`geo_priority.matching.match_codes` for every parsed code of the
crosswalk's level.
"""

from __future__ import annotations

from dataclasses import replace

from geo_priority.formatting import format_number, shorten_list
from geo_priority.match_records import JoinContext, Match
from geo_priority.messages import language, tr
from geo_priority.schema import AMBIGUOUS, DOUBTFUL, MATCHED, UNMATCHED_ROW

__all__ = ["via_crosswalk"]


def via_crosswalk(m: Match, code: str, setup: JoinContext) -> list[Match]:
    """Map a source code through the crosswalk to its area(s)."""
    label = setup.crosswalk.label if setup.crosswalk else "crosswalk"
    targets = setup.targets.get(code, [])
    if not targets:
        return [
            replace(
                m,
                status=UNMATCHED_ROW,
                detail=tr(
                    "{code} is not in crosswalk {label!r}",
                    code=code,
                    label=label,
                ),
            )
        ]
    if len(targets) > 1:
        return _split(m, code, targets, setup)
    key = targets[0]
    if key not in setup.ids:
        return [
            replace(
                m,
                status=UNMATCHED_ROW,
                detail=tr(
                    "crosswalk {label!r} maps {code} to {key}, which is not among the "
                    "areas",
                    label=label,
                    code=code,
                    key=key,
                ),
            )
        ]
    detail = tr(
        "via crosswalk {label!r}: {code} -> {key}",
        label=label,
        code=code,
        key=key,
    )
    match = replace(m, status=MATCHED, area_id=key, detail=detail, source=code)
    return [_crosswalk_names(match, code, key, setup)]


def _crosswalk_names(m: Match, code: str, key: str, setup: JoinContext) -> Match:
    """Make a crosswalk match doubtful when the crosswalk's names disagree."""
    names = setup.disagreeing.get((code, key))
    if names is None:
        return m
    return replace(
        m,
        status=DOUBTFUL,
        detail=tr(
            "{detail}; the crosswalk's names disagree: {names!r} -> {names2!r}",
            detail=m.detail,
            names=names[0],
            names2=names[1],
        ),
    )


def _split(m: Match, code: str, targets: list[str], setup: JoinContext) -> list[Match]:
    """Split a source over several areas with the crosswalk's weights."""
    label = setup.crosswalk.label if setup.crosswalk else "crosswalk"
    weights = setup.weights or {}
    missing = [t for t in targets if (code, t) not in weights]
    if setup.weights is None or missing:
        why = (
            tr(
                "name the crosswalk column with each area's share as "
                "tables.crosswalk_weight (counts are then split)"
            )
            if setup.weights is None
            else tr(
                "the crosswalk gives no weight for {value}",
                value=shorten_list(missing, 5),
            )
        )
        return [
            replace(
                m,
                status=AMBIGUOUS,
                detail=tr(
                    "crosswalk {label!r} maps {code} to {n_targets} areas: {value}; "
                    "not joined, because a value is split only with weights: {why}, "
                    "or map {code} to one area in the crosswalk (tables.crosswalk)",
                    label=label,
                    code=code,
                    n_targets=len(targets),
                    value=shorten_list(targets, 5),
                    why=why,
                ),
            )
        ]
    inside = [t for t in targets if t in setup.ids]
    return [
        _crosswalk_names(
            replace(
                m,
                status=MATCHED,
                area_id=t,
                source=code,
                weight=weights[(code, t)],
                detail=tr(
                    "via crosswalk {label!r}: {code} -> {t} (split over {n_targets} "
                    "areas, weight {value})",
                    label=label,
                    code=code,
                    t=t,
                    n_targets=len(targets),
                    value=format_number(
                        weights[(code, t)], lang=language(), decimals=4
                    ),
                ),
            ),
            code,
            t,
            setup,
        )
        for t in inside
    ] or [
        replace(
            m,
            status=UNMATCHED_ROW,
            detail=tr(
                "crosswalk {label!r} maps {code} to {value}, none of which is among "
                "the areas",
                label=label,
                code=code,
                value=shorten_list(targets, 5),
            ),
        )
    ]
