"""The method in plain words: indicators, weights, direction, scaling, classes.

Every sentence goes through :func:`geo_priority.messages.tr`, so it comes out
in the active language (the caller sets it from ``outputs.lang``). No config
key or internal value ("arithmetic", "minmax", "error") reaches the text: each
is said in words a coordination meeting can read.
"""

from __future__ import annotations

from collections.abc import Mapping

from geo_priority.analysis import Analysis
from geo_priority.config import IndicatorConfig
from geo_priority.formatting import format_fixed, format_number, percent_shares
from geo_priority.messages import tr
from geo_priority.render import indicator_label
from geo_priority.schema import DOUBTFUL, ID, NAME

__all__ = [
    "accepted_sentence",
    "classes_sentence",
    "decision_sentences",
    "indicator_sentences",
    "method_sentences",
    "short_method",
    "weight_percents",
]


def weight_percents(weights: Mapping[str, float]) -> dict[str, int]:
    """Return the weights as whole percentages that add up to 100.

    Examples
    --------
    >>> weight_percents({"a": 4 / 9, "b": 4 / 9, "c": 1 / 9})
    {'a': 45, 'b': 44, 'c': 11}
    """
    positive = {k: w for k, w in weights.items() if w > 0}
    if not positive:
        return {}
    return dict(zip(positive, percent_shares(positive.values()), strict=True))


def _direction(ind: IndicatorConfig) -> str:
    if ind.direction == "higher_is_better":
        return tr("the lower, the higher the priority")
    return tr("the higher, the higher the priority")


def _scaling(ind: IndicatorConfig, lang: str) -> str:
    if ind.normalisation == "zscore":
        return tr("scaled by its distance from the average (standard score)")
    if ind.normalisation == "rank":
        return tr("scaled by rank among the areas")
    if ind.normalisation == "target":
        target = format_number(float(ind.target or 0.0), lang=lang, decimals=2)
        unit = ind.unit if ind.unit in ("", "%") else f" {ind.unit}"
        return tr(
            "scaled by the distance to the target of {target}",
            target=f"{target}{unit}",
        )
    return tr("scaled between the lowest and the highest value")


def _head(ind: IndicatorConfig, lang: str) -> str:
    """Return the indicator's name with its year, and its unit in brackets."""
    label = indicator_label(ind, lang)
    return f"{label} ({ind.unit})" if ind.unit else label


def _name(ind: IndicatorConfig, lang: str) -> str:
    """Return the indicator's name without its year."""
    return (ind.label_en if lang == "en" and ind.label_en else ind.label) or ind.key


def _derived(ind: IndicatorConfig, labels: Mapping[str, str]) -> str:
    if not ind.derive_from:
        return ""
    parts = " × ".join(labels.get(k, k) for k in ind.derive_from)
    return tr("where the table has no value, computed as {parts}", parts=parts)


def indicator_sentences(analysis: Analysis, lang: str) -> tuple[str, ...]:
    """Return one line per indicator: name, unit, year, weight, direction, scaling.

    Weights are whole percentages adding up to 100 (largest-remainder
    rounding); indicators shown but not scored say so.
    """
    percents = weight_percents(analysis.scores.weights)
    labels = {i.key: _name(i, lang) for i in analysis.indicators}
    lines = []
    for ind in analysis.indicators:
        head = _head(ind, lang)
        if ind.key not in analysis.scores.weights:
            lines.append(
                tr("{indicator}: shown for information, not scored", indicator=head)
            )
            continue
        parts = [
            tr("weight {percent}%", percent=percents.get(ind.key, 0)),
            _direction(ind),
            _scaling(ind, lang),
            _derived(ind, labels),
        ]
        lines.append(f"{head}: {'; '.join(p for p in parts if p)}")
    return tuple(lines)


def _score_sentence(analysis: Analysis) -> str:
    if analysis.scoring.aggregation == "geometric":
        return tr(
            "Priority score 0–100: the weighted geometric mean of the indicators, "
            "each scaled to 0–100 (100 = highest priority); a low value on one "
            "indicator is not made up by the others."
        )
    return tr(
        "Priority score 0–100: the weighted average of the indicators, each "
        "scaled to 0–100 (100 = highest priority)."
    )


def _missing_sentence(analysis: Analysis) -> str:
    scoring = analysis.scoring
    if scoring.missing == "drop":
        return tr(
            "An area without a value for a scored indicator gets no score and is "
            "shown as “no data”."
        )
    if scoring.missing == "impute":
        statistic = {
            "mean": tr("the average"),
            "min": tr("the lowest value"),
            "max": tr("the highest value"),
        }.get(scoring.impute, tr("the median"))
        return tr(
            "A missing value is filled with {statistic} of the other areas; the "
            "ranked table marks every filled value.",
            statistic=statistic,
        )
    return tr("Every area has a value for every scored indicator.")


def _classes_how(analysis: Analysis) -> str:
    """Return how the classes are formed and how many there are, in words."""
    c = analysis.classification
    return {
        "quantiles": tr("{k} classes with about the same number of areas each", k=c.k),
        "fisher_jenks": tr("{k} classes at natural breaks in the scores", k=c.k),
        "equal_interval": tr(
            "{k} classes of equal score width between the lowest and highest score",
            k=c.k,
        ),
        "user_defined": tr("{k} classes with score limits set by the analyst", k=c.k),
    }.get(
        c.scheme,
        tr(
            "{k} fixed classes of equal width on the 0–100 score, the same in "
            "every year and province",
            k=c.k,
        ),
    )


def classes_sentence(analysis: Analysis) -> str:
    """Return the classes in words: how they are formed, how many, their labels."""
    return tr(
        "Classes: {how}; class 1 = highest priority: {labels}.",
        how=_classes_how(analysis),
        labels="; ".join(analysis.classification.labels),
    )


def method_sentences(analysis: Analysis) -> tuple[str, ...]:
    """Return the method note's sentences: score, missing values, classes, checks."""
    lines = [_score_sentence(analysis), _missing_sentence(analysis)]
    lines.append(classes_sentence(analysis))
    accepted = analysis.report.count(DOUBTFUL)
    if accepted:
        lines.append(accepted_sentence(accepted))
    return tuple(lines)


def accepted_sentence(n: int) -> str:
    """Say that ``n`` matches by name were accepted by hand (one: singular).

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> with use_language("en"):
    ...     accepted_sentence(1)
    '1 match by name was checked and accepted by hand (listed in the join report).'
    """
    if n == 1:
        return tr(
            "1 match by name was checked and accepted by hand (listed in the "
            "join report)."
        )
    return tr(
        "{n} matches by name were checked and accepted by hand (listed in "
        "the join report).",
        n=n,
    )


def short_method(analysis: Analysis, lang: str) -> str:
    """Return the method on one line, for the figure's footer.

    Indicator names with whole-percent weights, how the score is formed, and
    the classes in words.
    """
    percents = weight_percents(analysis.scores.weights)
    labels = {i.key: indicator_label(i, lang) for i in analysis.indicators}
    weights = ", ".join(f"{labels.get(k, k)} {p}%" for k, p in percents.items())
    how = (
        tr("weighted geometric mean")
        if analysis.scoring.aggregation == "geometric"
        else tr("weighted average")
    )
    return tr(
        "score 0–100 = {how} of {weights}; {classes}",
        how=how,
        weights=weights,
        classes=_classes_how(analysis),
    )


#: The method note names at most this many areas of the official selection.
_LISTED = 15


def _normalisation_words(choice: str) -> str:
    return {
        "configured": tr("each indicator's own scaling"),
        "minmax": tr("scaling between the lowest and the highest value"),
        "zscore": tr("standard scores"),
        "rank": tr("ranks among the areas"),
        "target": tr("distance to the target"),
    }.get(choice, choice)


def _aggregation_words(choice: str) -> str:
    if choice == "geometric":  # the word "geometric" reads as a config value
        return tr("multiplicative weighted mean")
    return tr("weighted average")


def _robustness_sentences(analysis: Analysis, lang: str) -> list[str]:
    rob = analysis.robustness
    if rob is None:
        return []
    lines = [
        tr(
            "Rank robustness: the areas were ranked again in {draws} scenarios of "
            "other reasonable choices: weights drawn around the configured ones "
            "(Dirichlet distribution, concentration {concentration}); scaling by "
            "{norms}; combined by {aggs}. Seed {seed}: the same run gives the "
            "same result.",
            draws=format_number(float(rob.draws), lang=lang),
            concentration=format_number(rob.concentration, lang=lang),
            norms=" / ".join(_normalisation_words(n) for n in rob.normalisations),
            aggs=" / ".join(_aggregation_words(a) for a in rob.aggregations),
            seed=rob.seed,
        ),
        tr(
            "Each area shows its median rank, the range of its rank in 90% of the "
            "scenarios (5th to 95th percentile) and its chance of being in class "
            "1 ({rule}).",
            rule=rob.class1_rule,
        ),
    ]
    if not rob.sensitivity:
        lines.append(
            tr("No choice varies, so every scenario gives the configured ranking.")
        )
        return lines
    parts = [
        f"{s.label} ({format_fixed(s.total, lang=lang, decimals=2)})"
        for s in rob.sensitivity
    ]
    lines.append(
        tr(
            "The choice that moves the ranks most is {top}. Sobol total index of "
            "each choice (share of the variation of the rank shifts it takes part "
            "in, 0–1): {parts}.",
            top=rob.sensitivity[0].label,
            parts="; ".join(parts),
        )
    )
    return lines


def decision_sentences(analysis: Analysis, lang: str) -> tuple[str, ...]:
    """Return the method note's lines on rank robustness and the official rule.

    Rank robustness in words: how many scenarios, which choices vary, what
    each area shows and which choice moves the ranks most (from the Sobol
    total indices); then the official rule's method text and the areas it
    selects; then the hotspot and progress-to-target method texts. Empty when
    none ran.

    Parameters
    ----------
    analysis : Analysis
    lang : {"id", "en"}

    Returns
    -------
    tuple of str
    """
    lines = _robustness_sentences(analysis, lang)
    official = analysis.official
    if official is not None:
        lines.append(official.method)
        areas = analysis.areas
        names = dict(zip(areas[ID], areas[NAME], strict=True))
        chosen = [str(names.get(code, code)) for code in official.selected]
        shown = ", ".join(chosen[:_LISTED])
        if len(chosen) > _LISTED:
            shown += " " + tr("and {n} more", n=len(chosen) - _LISTED)
        lines.append(
            tr(
                "Selected by the official rule ({n}): {names}.",
                n=len(chosen),
                names=shown or "-",
            )
        )
    lines += _analytics_sentences(analysis)
    return tuple(lines)


def _analytics_sentences(analysis: Analysis) -> list[str]:
    """Return the hotspot and progress method texts, with the status counts."""
    lines = []
    if analysis.hotspots is not None:
        lines.append(analysis.hotspots.method)
    progress = analysis.progress
    if progress is not None:
        counts = progress.result.status_counts()
        lines.append(progress.method)
        lines.append(
            tr(
                "Progress to target: {on} on track, {risk} at risk, {off} off track, "
                "{none} without a status.",
                on=counts["on track"],
                risk=counts["at risk"],
                off=counts["off track"],
                none=counts["none"],
            )
        )
    return lines
