"""Which components an area's score is from, in words, for the map's tooltip.

Under ``scoring.missing = "reweight"`` an area missing a component (a
suppressed small cell) is scored from the others; its tooltip says so:
"Dasar skor: berdasarkan 2 dari 3 komponen; tidak dipakai: Keluarga sasaran tanpa
bansos keluarga; peringkat dengan komponen tersembunyi: 40–312" (the rank band
of :func:`geo_priority.score.rank_band`). Areas scored from every component
get no such row.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.config import IndicatorConfig
>>> areas = pd.DataFrame({"score_basis": ["a,b", "a", ""]})
>>> inds = [IndicatorConfig(key="a"), IndicatorConfig(key="b", label_en="Bee")]
>>> basis_lines(areas, inds, "en")
['', 'from 1 of 2 components; not used: Bee', '']
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo_priority.config import IndicatorConfig
from geo_priority.messages import tr, use_language
from geo_priority.score import (
    RANK_BAND_BEST,
    RANK_BAND_WORST,
    SCORE_BASIS,
    basis_words,
)

__all__ = ["basis_label", "basis_lines"]


def _label(ind: IndicatorConfig, lang: str) -> str:
    base = ind.label_en if lang == "en" and ind.label_en else (ind.label or ind.key)
    return f"{base} {ind.year}" if ind.year else base


def basis_lines(
    areas: pd.DataFrame, indicators: Sequence[IndicatorConfig], lang: str
) -> list[str]:
    """Return per area the tooltip line of its score basis ("" when complete)."""
    if SCORE_BASIS not in areas.columns:
        return [""] * len(areas)
    scored = [i for i in indicators if i.score and i.weight > 0]
    out = []
    bands = _bands(areas)
    with use_language("en" if lang == "en" else "id"):
        for basis, band in zip(areas[SCORE_BASIS].to_list(), bands, strict=True):
            words = basis_words(basis, len(scored))
            if not words:
                out.append("")
                continue
            used = set(str(basis).split(","))
            left = ", ".join(_label(i, lang) for i in scored if i.key not in used)
            line = tr("{words}; not used: {labels}", words=words, labels=left)
            if band:
                line += "; " + tr(
                    "rank with the hidden components: {best}–{worst}",
                    best=band[0],
                    worst=band[1],
                )
            out.append(line)
    return out


def _bands(areas: pd.DataFrame) -> list[tuple[int, int] | None]:
    """Return each area's rank band (best, worst), None where it has none."""
    if RANK_BAND_BEST not in areas.columns or RANK_BAND_WORST not in areas.columns:
        return [None] * len(areas)
    best, worst = areas[RANK_BAND_BEST].to_list(), areas[RANK_BAND_WORST].to_list()
    pairs = zip(best, worst, strict=True)
    return [None if pd.isna(b) or pd.isna(w) else (int(b), int(w)) for b, w in pairs]


def basis_label(lang: str) -> str:
    """Return the tooltip row's name: "Dasar skor" / "Score basis"."""
    with use_language("en" if lang == "en" else "id"):
        return tr("Score basis")
