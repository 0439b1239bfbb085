"""Hotspot classes in words and colours: the column values, the legend, the palette.

The column values and the legend texts are in the active language
(:func:`~geo_priority.messages.tr`): ``tinggi-tinggi`` ... in Indonesian,
``high-high`` ... in English. The colours are the usual LISA cluster palette
(ColorBrewer RdBu ends, as in PySAL's ``splot``): dark red high-high, dark blue
low-low, orange high-low, light blue low-high, a very light grey for "not
significant" and the map's no-data grey for areas not tested.

Examples
--------
>>> hotspot_label("HH"), gi_label("hot")
('tinggi-tinggi', 'titik panas')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from geo_priority.formatting import format_number
from geo_priority.messages import language, tr
from geo_priority.schema import SCORE

__all__ = [
    "GI_COLOURS",
    "LISA_COLOURS",
    "NOT_TESTED_COLOUR",
    "GiClass",
    "LegendEntry",
    "LisaClass",
    "gi_label",
    "gi_legend",
    "hotspot_label",
    "hotspot_legend",
]

#: LISA cluster codes: high-high, low-low, high-low, low-high, not significant.
LisaClass = Literal["HH", "LL", "HL", "LH", "ns"]
#: Gi* classes: hot spot, cold spot, not significant.
GiClass = Literal["hot", "cold", "ns"]

LISA_COLOURS: Mapping[LisaClass, str] = {
    "HH": "#d7191c",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "LH": "#abd9e9",
    "ns": "#eeeeee",
}
GI_COLOURS: Mapping[GiClass, str] = {
    "hot": "#d7191c",
    "cold": "#2c7bb6",
    "ns": "#eeeeee",
}
#: Areas left out of the test (no value, or an island left out): the same grey
#: as the map's no-data colour (``geo_priority.render.spec.NO_DATA_COLOUR``).
NOT_TESTED_COLOUR = "#c8c8c8"


@dataclass(frozen=True)
class LegendEntry:
    """One line of a hotspot legend.

    Attributes
    ----------
    value : str or None
        The value in the column (``None`` for the areas not tested).
    colour : str
        Fill colour, ``#rrggbb``.
    text : str
        What it means, in plain words, starting with the value.
    count : int
        Number of areas with this value.
    """

    value: str | None
    colour: str
    text: str
    count: int


def hotspot_label(code: LisaClass) -> str:
    """Return the ``hotspot`` column value of a LISA class, in the active language."""
    if code == "HH":
        return tr("high-high")
    if code == "LL":
        return tr("low-low")
    if code == "HL":
        return tr("high-low")
    if code == "LH":
        return tr("low-high")
    return tr("not significant")


def gi_label(code: GiClass) -> str:
    """Return the ``gi_class`` column value of a Gi* class, in the active language."""
    if code == "hot":
        return tr("hot spot")
    if code == "cold":
        return tr("cold spot")
    return tr("not significant")


def _score_meaning(code: LisaClass) -> str:
    if code == "HH":
        return tr("a high-priority area surrounded by high-priority areas")
    if code == "LL":
        return tr("a low-priority area surrounded by low-priority areas")
    if code == "HL":
        return tr("a high-priority area surrounded by low-priority areas")
    return tr("a low-priority area surrounded by high-priority areas")


def _value_meaning(code: LisaClass, what: str) -> str:
    if code == "HH":
        return tr(
            "an area with a high {what} surrounded by areas with a high {what}",
            what=what,
        )
    if code == "LL":
        return tr(
            "an area with a low {what} surrounded by areas with a low {what}",
            what=what,
        )
    if code == "HL":
        return tr(
            "an area with a high {what} surrounded by areas with a low {what}",
            what=what,
        )
    return tr(
        "an area with a low {what} surrounded by areas with a high {what}",
        what=what,
    )


def _not_significant(alpha: float, fdr: bool) -> str:
    level = format_number(alpha, lang=language(), decimals=4)
    if fdr:
        return tr(
            "{label}: the area and its neighbours form no pattern that chance would "
            "rarely give (p above {alpha} after the false-discovery-rate correction)",
            label=tr("not significant"),
            alpha=level,
        )
    return tr(
        "{label}: the area and its neighbours form no pattern that chance would "
        "rarely give (p above {alpha})",
        label=tr("not significant"),
        alpha=level,
    )


def _not_tested(count: int) -> LegendEntry:
    return LegendEntry(
        None,
        NOT_TESTED_COLOUR,
        tr("not tested: no value, or an island left out (see the notes)"),
        count,
    )


def hotspot_legend(
    counts: Mapping[LisaClass | None, int],
    *,
    column: str,
    label: str,
    alpha: float,
    fdr: bool,
) -> tuple[LegendEntry, ...]:
    """Return the legend of the ``hotspot`` column, in the active language.

    Parameters
    ----------
    counts : mapping
        Areas per LISA class (``None``: not tested).
    column : str
        The tested column: the priority score gets "high-priority area"
        texts, any other column "an area with a high <label>".
    label : str
        The tested value in words (for a column other than the score).
    alpha : float
        Significance level, quoted in the "not significant" line.
    fdr : bool
        Whether the false-discovery-rate correction was applied.

    Returns
    -------
    tuple of LegendEntry
        High-high, low-low, high-low, low-high, not significant, not tested.
    """
    entries = []
    for code in ("HH", "LL", "HL", "LH"):
        meaning = (
            _score_meaning(code) if column == SCORE else _value_meaning(code, label)
        )
        text = tr("{label}: {meaning}", label=hotspot_label(code), meaning=meaning)
        entries.append(
            LegendEntry(
                hotspot_label(code), LISA_COLOURS[code], text, counts.get(code, 0)
            )
        )
    entries.append(
        LegendEntry(
            hotspot_label("ns"),
            LISA_COLOURS["ns"],
            _not_significant(alpha, fdr),
            counts.get("ns", 0),
        )
    )
    entries.append(_not_tested(counts.get(None, 0)))
    return tuple(entries)


def gi_legend(
    counts: Mapping[GiClass | None, int],
    *,
    column: str,
    label: str,
    alpha: float,
    fdr: bool,
) -> tuple[LegendEntry, ...]:
    """Return the legend of the ``gi_class`` column, in the active language.

    Parameters are those of :func:`hotspot_legend`.

    Returns
    -------
    tuple of LegendEntry
        Hot spot, cold spot, not significant, not tested.
    """
    what = tr("priority") if column == SCORE else label
    hot = tr(
        "{label}: the area and its neighbours together have a high {what} (Gi*)",
        label=gi_label("hot"),
        what=what,
    )
    cold = tr(
        "{label}: the area and its neighbours together have a low {what} (Gi*)",
        label=gi_label("cold"),
        what=what,
    )
    return (
        LegendEntry(gi_label("hot"), GI_COLOURS["hot"], hot, counts.get("hot", 0)),
        LegendEntry(gi_label("cold"), GI_COLOURS["cold"], cold, counts.get("cold", 0)),
        LegendEntry(
            gi_label("ns"),
            GI_COLOURS["ns"],
            _not_significant(alpha, fdr),
            counts.get("ns", 0),
        ),
        _not_tested(counts.get(None, 0)),
    )
