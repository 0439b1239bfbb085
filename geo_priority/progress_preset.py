"""Progress to targets switched on by the ``kemiskinan-ekstrem`` preset.

Without a ``[progress]`` indicator, the preset measures progress to the
target that matches the yearly series the config lists:

* a yearly P0 list (the preset's ``poverty_rate`` source, ``p0_poverty_rate``
  by default, in two or more years) is measured against Banten's P0 target
  ``banten-p0-2025`` (4.5-5.5 % in 2025), **only for the areas whose code
  starts with 36** (Provinsi Banten). No P0 target is invented for other
  areas: they get no status, and a note says so;
* otherwise a yearly extreme-poverty-rate list is measured against 0 %
  extreme poverty (``kemiskinan-ekstrem-nol-2024``) everywhere;
* with neither, a note says which series to list.

``progress.enabled = false`` turns it off; a ``[progress]`` section with its
own ``indicator`` is used as written.

Examples
--------
>>> from geo_priority.progress_config import ProgressConfig
>>> preset_offers_progress(ProgressConfig(), "kemiskinan-ekstrem")
True
>>> preset_offers_progress(ProgressConfig(enabled=False), "kemiskinan-ekstrem")
False
>>> preset_offers_progress(ProgressConfig(), None)
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_priority.config import Config, IndicatorConfig
from geo_priority.messages import tr
from geo_priority.presets import expand_preset
from geo_priority.progress_config import ProgressConfig, progress_enabled
from geo_priority.schema import ID

__all__ = [
    "BANTEN_PREFIX",
    "EXTREME_TARGET",
    "P0_TARGET",
    "PresetProgress",
    "preset_offers_progress",
    "preset_progress",
    "progress_planned",
]

#: The preset that switches progress on.
PRESET = "kemiskinan-ekstrem"
#: Shipped target of the extreme-poverty rate: 0 % (Inpres 4/2022).
EXTREME_TARGET = "kemiskinan-ekstrem-nol-2024"
#: Shipped P0 target: Provinsi Banten, 4.5-5.5 % in 2025.
P0_TARGET = "banten-p0-2025"
#: Kemendagri/BPS province code of Banten: the P0 target applies only there.
BANTEN_PREFIX = "36"
_DEFAULT_SOURCES = {"rate": "extreme_poverty_rate", "poverty_rate": "p0_poverty_rate"}


@dataclass(frozen=True)
class PresetProgress:
    """The progress measure the config or the preset asks for.

    Attributes
    ----------
    config : ProgressConfig or None
        The ``[progress]`` to measure with; None: nothing to measure.
    areas : tuple of str or None
        The only area codes measured (Banten's for the Banten P0 target);
        None: every area.
    notes : tuple of str
        What the preset did or could not do, for the run record and the map.
    """

    config: ProgressConfig | None
    areas: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()


def _preset_name(preset: str | None) -> str:
    return (preset or "").strip().lower().replace("_", "-")


def preset_offers_progress(config: ProgressConfig, preset: str | None) -> bool:
    """Return whether the preset may switch progress on (no own indicator, not off)."""
    if config.enabled is False or progress_enabled(config):
        return False
    return _preset_name(preset) == PRESET


def _years(
    source: str, indicators: tuple[IndicatorConfig, ...], areas: gpd.GeoDataFrame
) -> list[int]:
    """Return the years in which ``source`` is among the joined indicators."""
    return sorted(
        {
            int(i.year)
            for i in indicators
            if i.year is not None
            and source in (i.key, i.source, i.key.removesuffix(f"_{i.year}"))
            and i.key in areas.columns
        }
    )


def preset_progress(
    progress: ProgressConfig,
    preset: str | None,
    options: Mapping[str, Any],
    indicators: tuple[IndicatorConfig, ...],
    areas: gpd.GeoDataFrame,
) -> PresetProgress:
    """Return the progress measure of the config, or the one the preset offers.

    Parameters
    ----------
    progress : ProgressConfig
        The ``[progress]`` section.
    preset, options : str or None, mapping
        ``scoring.preset`` and ``scoring.preset_options``.
    indicators : tuple of IndicatorConfig
        Every indicator joined (scored or not).
    areas : geopandas.GeoDataFrame
        The areas, with ``area_id``.

    Returns
    -------
    PresetProgress
    """
    if not preset_offers_progress(progress, preset):
        return PresetProgress(progress if progress_enabled(progress) else None)
    sources = {**_DEFAULT_SOURCES, **{k: v for k, v in options.items() if v}}
    p0, rate = str(sources["poverty_rate"]), str(sources["rate"])
    notes: list[str] = []
    if len(_years(p0, indicators, areas)) >= 2:
        codes = areas[ID].astype("string")
        banten = codes[codes.str.startswith(BANTEN_PREFIX).fillna(False)]
        outside = int(len(codes) - len(banten))
        if outside:
            notes.append(_outside_note(outside, len(banten) > 0))
        if len(banten):
            cfg = replace(progress, indicator=p0, target_id=P0_TARGET)
            kept = tuple(pd.unique(banten.to_numpy(dtype=object)))
            return PresetProgress(cfg, None if not outside else kept, tuple(notes))
    if len(_years(rate, indicators, areas)) >= 2:
        cfg = replace(progress, indicator=rate, target_id=EXTREME_TARGET)
        return PresetProgress(cfg, None, tuple(notes))
    notes.append(
        tr(
            "The kemiskinan-ekstrem preset measures progress to 0 % extreme "
            "poverty when the config lists the extreme-poverty rate in several "
            "years: add one [[scoring.indicators]] per year with source = "
            "{rate!r}, its year and score = false (or set progress.enabled = "
            "false).",
            rate=rate,
        )
    )
    return PresetProgress(None, None, tuple(notes))


def _outside_note(outside: int, some_inside: bool) -> str:
    """Say that no P0 target is invented outside Banten."""
    if some_inside:
        return tr(
            "Progress to the P0 target: the only shipped P0 target ({target}, "
            "4.5-5.5 % in 2025) is Provinsi Banten's, so only areas with codes "
            "starting with 36 are measured; the {n} other area(s) get no status "
            "(no P0 target is invented for them). Give their own target in "
            "[progress] (indicator, target_year, target, target_source).",
            target=P0_TARGET,
            n=outside,
        )
    return tr(
        "No P0 target is invented for these areas: the only shipped P0 target "
        "({target}, 4.5-5.5 % in 2025) is Provinsi Banten's (codes starting "
        "with 36). Give your own in [progress] (indicator, target_year, target, "
        "target_source).",
        target=P0_TARGET,
    )


def progress_planned(config: Config) -> bool:
    """Return whether a run of ``config`` is set to measure progress to a target.

    True with a ``[progress]`` indicator, or when the kemiskinan-ekstrem
    preset offers it and the config lists the P0 or the extreme-poverty rate
    in at least ``progress.min_years`` years (3 by default). Decided from
    the config alone (before the data are read), for the files a run plans
    to write: the data may still lack the series (or, for P0 alone, every
    Banten code), and then no progress is measured.
    """
    if progress_enabled(config.progress):
        return True
    scoring = config.scoring
    if not preset_offers_progress(config.progress, scoring.preset):
        return False
    options = {k: v for k, v in scoring.preset_options.items() if v}
    sources = {**_DEFAULT_SOURCES, **options}
    wanted = {str(sources["poverty_rate"]), str(sources["rate"])}
    years: dict[str, set[int]] = {w: set() for w in wanted}
    for ind in expand_preset(scoring).indicators:
        source = ind.source or ind.key
        if source in wanted and ind.year is not None:
            years[source].add(int(ind.year))
    return any(len(found) >= config.progress.min_years for found in years.values())
