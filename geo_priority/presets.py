"""Built-in scoring presets: named, documented sets of indicators.

A preset expands into :class:`~geo_priority.config.IndicatorConfig` entries, so
the resolved method is always visible in ``run.json`` and on the map. The
``kemiskinan-ekstrem`` preset also turns on, unless the config turns them off,
rank robustness (``[robustness]``, see
:func:`geo_priority.robustness_config.robustness_enabled`) and the official
rate-and-number selection (``[official_rule]``, see
:func:`geo_priority.official_rule_config.official_rule_enabled`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from geo_priority.config import IndicatorConfig, ScoringConfig
from geo_priority.errors import ConfigError
from geo_priority.messages import tr

_KE_OPTIONS = {
    "rate": "extreme_poverty_rate",
    "count": "extreme_poor_population",
    "population": "population",
    "population_year": None,
    "poverty_rate": "p0_poverty_rate",
    "poverty_rate_year": None,
    "coverage_gap": "coverage_gap",
    "coverage_gap_year": None,
}


def _kemiskinan_ekstrem(
    options: Mapping[str, Any], year: int | None
) -> tuple[IndicatorConfig, ...]:
    """Extreme-poverty priority after the official 2021 dual criterion.

    The 35 priority kabupaten of 2021 were chosen by combining the
    extreme-poverty **rate** with the **number** of extreme poor: the rate alone
    favours small, remote areas, the number alone favours large, populous ones.
    Both get weight 0.4 and are measured as distance to the goal of zero.
    The poverty rate (P0) and the programme-coverage gap are added with weight
    0.1 each when a table provides them. The number of extreme poor is taken
    from the table when given and otherwise derived as rate x population / 100.
    """
    unknown = sorted(set(options) - set(_KE_OPTIONS))
    if unknown:
        raise ConfigError(
            tr(
                "unknown scoring.preset_options {unknown!r} for the "
                "'kemiskinan-ekstrem' preset. Known options: {known}.",
                unknown=unknown,
                known=", ".join(_KE_OPTIONS),
            )
        )
    opt = {**_KE_OPTIONS, **options}
    pop_year = opt["population_year"] or year
    return (
        IndicatorConfig(
            key="extreme_poverty_rate",
            source=opt["rate"],
            year=year,
            weight=0.4,
            normalisation="target",
            target=0.0,
            unit="%",
            numerator="extreme_poor",
            denominator="population",
            scale=100.0,
            label="Tingkat kemiskinan ekstrem",
            label_en="Extreme-poverty rate",
        ),
        IndicatorConfig(
            key="extreme_poor",
            source=opt["count"],
            year=year,
            weight=0.4,
            normalisation="target",
            target=0.0,
            unit="jiwa",
            derive_from=("extreme_poverty_rate", "population"),
            label="Jumlah penduduk miskin ekstrem",
            label_en="Number of extreme poor",
        ),
        IndicatorConfig(
            key="population",
            source=opt["population"],
            year=pop_year,
            weight=0.0,
            score=False,
            optional=True,
            unit="jiwa",
            label="Jumlah penduduk",
            label_en="Population",
        ),
        IndicatorConfig(
            key="poverty_rate",
            source=opt["poverty_rate"],
            year=opt["poverty_rate_year"] or year,
            weight=0.1,
            optional=True,
            normalisation="target",
            target=0.0,
            unit="%",
            label="Tingkat kemiskinan (P0)",
            label_en="Poverty rate (P0)",
        ),
        IndicatorConfig(
            key="coverage_gap",
            source=opt["coverage_gap"],
            year=opt["coverage_gap_year"] or year,
            weight=0.1,
            optional=True,
            normalisation="target",
            target=0.0,
            unit="%",
            label="Kesenjangan cakupan program",
            label_en="Programme-coverage gap",
        ),
    )


PRESETS: dict[
    str, Callable[[Mapping[str, Any], int | None], tuple[IndicatorConfig, ...]]
] = {
    "kemiskinan-ekstrem": _kemiskinan_ekstrem,
}


def expand_preset(scoring: ScoringConfig) -> ScoringConfig:
    """Return ``scoring`` with its preset expanded into explicit indicators.

    Indicators declared in the config next to a preset override the preset's
    indicator of the same key (for example to change a weight). A listed
    indicator of the same source and year as one of the preset's (the
    preset's year in a yearly P0 list given for ``[progress]``) replaces it
    and takes its part in the score: one indicator and one map layer, and
    the same score as without the list.

    Raises
    ------
    ConfigError
        When the preset name is unknown.
    """
    if not scoring.preset:
        return scoring
    name = scoring.preset.strip().lower().replace("_", "-")
    if name not in PRESETS:
        raise ConfigError(
            tr(
                "unknown scoring.preset = {preset!r}. Choose one of: {known}.",
                preset=scoring.preset,
                known=", ".join(PRESETS),
            )
        )
    base = {i.key: i for i in PRESETS[name](scoring.preset_options, scoring.year)}
    own = [i for i in scoring.indicators if i.key not in base]
    for given in scoring.indicators:
        if given.key in base:
            base[given.key] = given
    for key, preset_ind in list(base.items()):
        twin = _listed_twin(preset_ind, own, scoring.indicators)
        if twin is not None:  # the listed year takes the preset's place and role
            del base[key]
            own[own.index(twin)] = _in_role_of(twin, preset_ind, base.values())
    return replace(scoring, preset=name, indicators=(*base.values(), *own))


def _source(ind: IndicatorConfig) -> str:
    return ind.source or ind.key


def _listed_twin(
    preset_ind: IndicatorConfig,
    own: list[IndicatorConfig],
    given: tuple[IndicatorConfig, ...],
) -> IndicatorConfig | None:
    """Return the listed indicator of the same source and year as a preset's one.

    A yearly list (e.g. P0 of 2019-2024 for ``[progress]``) holds the preset's
    own year too: it is one value, not a second indicator and map layer. A
    preset indicator the config overrides by its key has no twin.
    """
    if preset_ind.year is None or any(g.key == preset_ind.key for g in given):
        return None
    for ind in own:
        if _source(ind) == _source(preset_ind) and ind.year == preset_ind.year:
            return ind
    return None


def _in_role_of(
    listed: IndicatorConfig,
    preset_ind: IndicatorConfig,
    others: Iterable[IndicatorConfig],
) -> IndicatorConfig:
    """Return ``listed`` with the preset indicator's part in the score.

    The score stays what the preset gives with or without the list. The
    listed key and label are kept, unless another preset indicator is
    derived from the preset's key (then that key is kept).
    """
    derived = any(preset_ind.key in o.derive_from for o in others)
    return replace(
        listed,
        key=preset_ind.key if derived else listed.key,
        score=preset_ind.score,
        weight=preset_ind.weight,
        normalisation=preset_ind.normalisation,
        target=preset_ind.target,
        direction=preset_ind.direction,
        label=listed.label or preset_ind.label,
        label_en=listed.label_en or preset_ind.label_en,
    )
