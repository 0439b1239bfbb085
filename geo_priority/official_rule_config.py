"""The ``[official_rule]`` section: which official selection is shown.

A frozen dataclass checked like every other section
(:func:`~geo_priority.config_types.check_fields`), held by
:class:`geo_priority.config.Config` in one line. The rule itself is
:func:`geo_priority.official_rule.official_priority`.

Examples
--------
>>> OfficialRuleConfig().rule()
('coverage', None, 0.75)
>>> OfficialRuleConfig(n=5, per_province=True).rule()
('top_n', 5, None)
>>> OfficialRuleConfig(n=5, coverage=0.75)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: [official_rule] ...
"""

from __future__ import annotations

from dataclasses import dataclass

from geo_priority.config_types import check_fields
from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = ["DEFAULT_COVERAGE", "OfficialRuleConfig", "official_rule_enabled"]

#: The 2022 rule: the selected areas hold at least this share of the extreme poor.
DEFAULT_COVERAGE = 0.75
#: Presets for which the official selection is shown unless ``enabled = false``.
_ON_BY_DEFAULT = ("kemiskinan-ekstrem",)


@dataclass(frozen=True)
class OfficialRuleConfig:
    """The official rate-and-number selection (the ``[official_rule]`` section).

    Attributes
    ----------
    enabled : bool or None
        ``None`` (default): on for the ``kemiskinan-ekstrem`` preset when its
        rate and number indicators are present, off otherwise.
    rate : str
        Indicator key of the extreme-poverty rate.
    count : str
        Indicator key of the number of extreme poor.
    coverage : float or None
        Select the first areas that together hold this share of the extreme
        poor (the 2022 rule, 0.75). The default when ``n`` is not given.
    n : int or None
        Select the first ``n`` areas instead (the 2021 rule: 5 per province).
    per_province : bool
        With ``n``: the first ``n`` of each province (from the area codes).
    """

    enabled: bool | None = None
    rate: str = "extreme_poverty_rate"
    count: str = "extreme_poor"
    coverage: float | None = None
    n: int | None = None
    per_province: bool = False

    def __post_init__(self) -> None:
        check_fields(self, "official_rule.")
        if self.n is not None and self.coverage is not None:
            raise ConfigError(
                tr(
                    "[official_rule] sets both n = {n!r} and coverage = {coverage!r}; "
                    "keep one: n for the first n areas (2021: 5 per province), "
                    "coverage for the share of the extreme poor (2022: 0.75).",
                    n=self.n,
                    coverage=self.coverage,
                )
            )
        if self.n is not None and self.n < 1:
            raise ConfigError(
                tr(
                    "official_rule.n = {n!r}; use a whole number of 1 or more.",
                    n=self.n,
                )
            )
        if self.coverage is not None and not 0 < self.coverage <= 1:
            raise ConfigError(
                tr(
                    "official_rule.coverage = {coverage!r}; use a share above 0 and "
                    "at most 1 (e.g. 0.75).",
                    coverage=self.coverage,
                )
            )
        if self.per_province and self.n is None:
            raise ConfigError(
                tr(
                    "official_rule.per_province = true needs n (e.g. n = 5, the "
                    "2021 rule of 5 kabupaten per province)."
                )
            )

    def rule(self) -> tuple[str, int | None, float | None]:
        """Return ``(rule, n, coverage)``: ``top_n`` or ``coverage`` (default 0.75)."""
        if self.n is not None:
            return "top_n", self.n, None
        return "coverage", None, self.coverage or DEFAULT_COVERAGE


def official_rule_enabled(config: OfficialRuleConfig, preset: str | None) -> bool:
    """Return whether the official selection is shown: ``enabled``, else by preset.

    Examples
    --------
    >>> official_rule_enabled(OfficialRuleConfig(), "kemiskinan-ekstrem")
    True
    >>> official_rule_enabled(OfficialRuleConfig(), None)
    False
    """
    if config.enabled is not None:
        return config.enabled
    return (preset or "").strip().lower().replace("_", "-") in _ON_BY_DEFAULT
