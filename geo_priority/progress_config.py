"""The ``[progress]`` section and the targets it measures progress against.

A frozen dataclass, checked like every other section
(:func:`~geo_priority.config_types.check_fields`), so that
:mod:`geo_priority.config` can hold it in one line. A target is either given
in the section itself (``target`` or ``target_low`` + ``target_high``, with
``target_year`` and ``target_source``) or named from the shipped
``data/targets.toml`` (``target_id``), where every target carries its source.

Examples
--------
>>> cfg = ProgressConfig(indicator="p0", years=[2019, 2020, 2021], target_year=2025,
...                      target_low=4.5, target_high=5.5, target_source="RPJMD")
>>> cfg.years
(2019, 2020, 2021)
>>> own_target(cfg).reference
5.5
>>> ProgressConfig(indicator="p0", target_year=2025, target=5.0)
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: progress.target_source ...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Literal

from geo_priority.config_keys import check_known_keys
from geo_priority.config_types import check_fields
from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = [
    "NATIONAL",
    "Direction",
    "ProgressConfig",
    "Target",
    "check_target",
    "own_target",
    "progress_enabled",
    "resolve_target",
    "target_from_mapping",
]

#: ``decrease``: lower is better (a poverty rate); ``increase``: higher is better.
Direction = Literal["decrease", "increase"]
#: ``Target.areas`` word of a target for Indonesia's national figure only.
NATIONAL = "nasional"
#: Plausible target years.
YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class Target:
    """A target value (or range) for one year, with its source.

    Attributes
    ----------
    year : int
        The target year.
    value : float or None
        One target value; or ``low`` and ``high`` for a range.
    low, high : float or None
        A target range: reaching any point of it counts as reaching the target.
    direction : {"decrease", "increase"}
        Whether lower (``decrease``) or higher values are better.
    source : str
        The citation (empty only when ``cited`` is False).
    cited : bool
        False when no published source was found: every result using the
        target then carries a warning.
    id, indicator, unit, scope, label, label_en, note : str
        Name in ``data/targets.toml``, what it is about, unit, where it
        applies, its names in Indonesian and English, and caveats.
    presets : tuple of str
        The scoring presets that offer this target by default.
    areas : tuple of str
        The areas the target is for, as area-code prefixes (``"36"``:
        Provinsi Banten); empty: every area. ``"nasional"``: Indonesia's own
        national figure, which is no province, kab/kota or desa of a map.
        Areas outside get a trend and a projection but no gap and no status.
    """

    year: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    direction: Direction = "decrease"
    source: str = ""
    cited: bool = True
    id: str = ""
    indicator: str = ""
    unit: str = ""
    scope: str = ""
    label: str = ""
    label_en: str = ""
    note: str = ""
    presets: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    @property
    def is_range(self) -> bool:
        """Whether the target is a range (``low`` to ``high``)."""
        return self.value is None

    @property
    def reference(self) -> float:
        """The value the gap is measured to: the target, or the range's near end.

        For a range, the end that is reached first: ``high`` when lower is
        better, ``low`` when higher is better.
        """
        if self.value is not None:
            return float(self.value)
        end = self.high if self.direction == "decrease" else self.low
        return float(end if end is not None else "nan")


def _range_error(key: str, low: object, high: object) -> ConfigError:
    return ConfigError(
        tr(
            "{key}: the target range needs both ends with low below high; got "
            "low = {low!r}, high = {high!r}. Write e.g. low = 4.5 and high = 5.5, "
            "or one value.",
            key=key,
            low=low,
            high=high,
        )
    )


def _check_year(year: int, key: str) -> None:
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise ConfigError(
            tr(
                "{key} = {value!r} is not a plausible year; use a year from {low} "
                "to {high} (e.g. 2025).",
                key=key,
                value=year,
                low=low,
                high=high,
            )
        )


def check_target(target: Target, key: str) -> Target:
    """Check ``target`` and return it with its fields normalised.

    Parameters
    ----------
    target : Target
    key : str
        Where it was written, for messages (``"progress."`` or
        ``"data/targets.toml target[2]."``).

    Returns
    -------
    Target

    Raises
    ------
    ConfigError
        Naming the key: a field of the wrong type, an implausible year, both
        or neither of a value and a range, a range with low above high, or a
        cited target without a source.
    """
    check_fields(target, key)
    _check_year(target.year, f"{key}year")
    has_range = target.low is not None or target.high is not None
    if (target.value is None) == (not has_range):
        raise ConfigError(
            tr(
                "{key}: give one target value or a range (low and high), not both.",
                key=key.rstrip("."),
            )
            if has_range
            else tr(
                "{key}: the target has no value; give one value or a range (low "
                "and high).",
                key=key.rstrip("."),
            )
        )
    if has_range and not (
        target.low is not None and target.high is not None and target.low < target.high
    ):
        raise _range_error(key.rstrip("."), target.low, target.high)
    if target.cited and not target.source.strip():
        raise ConfigError(
            tr(
                "{key}source is empty: every target needs its source (the "
                "regulation or plan and where it says so). If none can be found, "
                "set {key}cited = false and explain in {key}note.",
                key=key,
            )
        )
    return target


def target_from_mapping(data: Mapping[str, object], key: str) -> Target:
    """Build a checked :class:`Target` from a TOML table.

    Parameters
    ----------
    data : mapping
        The keys of one ``[[target]]`` table.
    key : str
        Prefix naming the table in messages, ending in ``.``.

    Returns
    -------
    Target

    Raises
    ------
    ConfigError
        For unknown or missing keys and every check of :func:`check_target`.

    Examples
    --------
    >>> t = target_from_mapping({"year": 2024, "value": 0, "source": "Inpres 4/2022"},
    ...                         "target[1].")
    >>> (t.year, t.value, t.is_range)
    (2024, 0, False)
    """
    check_known_keys(data, {f.name for f in fields(Target)}, key.rstrip("."))
    if "year" not in data:
        raise ConfigError(tr("{key}year is missing: a target needs its year.", key=key))
    return check_target(Target(**data), key)  # type: ignore[arg-type]  # checked


@dataclass(frozen=True)
class ProgressConfig:
    """How progress to a target is measured (the ``[progress]`` TOML section).

    Attributes
    ----------
    enabled : bool or None
        ``None`` (default): on when ``indicator`` is set.
    indicator : str
        The series (its indicator key) whose trend is measured.
    years : tuple of int
        The years whose values the trend uses; empty: every year of the series.
    min_years : int
        Areas with values in fewer of these years get no trend and no status.
        3 or more keeps the trend robust to one unusual year.
    target_id : str
        A target of ``data/targets.toml`` (with its source); or give the target
        here with the next keys.
    target_year : int or None
    target : float or None
        One target value; or ``target_low`` and ``target_high`` for a range.
    target_low, target_high : float or None
    target_source : str
        The citation of the target given here (required).
    target_label : str
        Its name, shown on the figure and in the method text.
    unit : str
        Unit of the indicator, written after numbers (e.g. ``"%"``).
    direction : {"decrease", "increase"}
        Of the target given here: lower (default) or higher values are better.
    tolerance : float
        The rule's threshold, in the indicator's unit: a projection that misses
        the target by at most this much is *at risk*, by more *off track*.
    floor : float
        Projections are not drawn below this value (a rate cannot fall below 0).
    ceiling : float or None
        Nor above this one (e.g. 100 for a percentage that should rise).
    top_n : int
        Areas in the small-multiples figure (the largest gaps first).
    """

    enabled: bool | None = None
    indicator: str = ""
    years: tuple[int, ...] = ()
    min_years: int = 3
    target_id: str = ""
    target_year: int | None = None
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    target_source: str = ""
    target_label: str = ""
    unit: str = ""
    direction: Direction = "decrease"
    tolerance: float = 0.5
    floor: float = 0.0
    ceiling: float | None = None
    top_n: int = 9

    def __post_init__(self) -> None:
        check_fields(self, "progress.")
        if self.enabled and not self.indicator.strip():
            raise ConfigError(
                tr(
                    "progress.enabled = true but progress.indicator is empty; name "
                    "the indicator whose series is measured, e.g. indicator = "
                    '"p0_poverty_rate".'
                )
            )
        self._check_years()
        self._check_rule()
        if self.target_id:
            self._check_named_target()
        elif progress_enabled(self):
            own_target(self)

    def _check_years(self) -> None:
        seen: set[int] = set()
        for i, year in enumerate(self.years):
            _check_year(year, f"progress.years[{i}]")
            if year in seen:
                raise ConfigError(
                    tr(
                        "progress.years lists {value!r} twice; list each year once.",
                        value=year,
                    )
                )
            seen.add(year)
        object.__setattr__(self, "years", tuple(sorted(self.years)))
        if self.min_years < 2:
            raise ConfigError(
                tr(
                    "progress.min_years = {value!r}; a trend needs at least 2 years "
                    "(3 or more keeps it robust to one unusual year).",
                    value=self.min_years,
                )
            )
        if self.years and len(self.years) < self.min_years:
            raise ConfigError(
                tr(
                    "progress.years = {years} has {n} year(s), fewer than "
                    "progress.min_years = {min_years}; list more years or lower "
                    "min_years.",
                    years=list(self.years),
                    n=len(self.years),
                    min_years=self.min_years,
                )
            )
        if self.target_year is not None:
            _check_year(self.target_year, "progress.target_year")
            if self.years and self.target_year < self.years[0]:
                raise ConfigError(
                    tr(
                        "progress.target_year = {value!r} is before the first year "
                        "used ({first}); the target year must be one of the years "
                        "or after them.",
                        value=self.target_year,
                        first=self.years[0],
                    )
                )

    def _check_rule(self) -> None:
        if not self.tolerance >= 0:
            raise ConfigError(
                tr(
                    "progress.tolerance = {value!r}; use 0 or a positive number in "
                    "the indicator's unit (e.g. 0.5 percentage points).",
                    value=self.tolerance,
                )
            )
        if self.ceiling is not None and not self.ceiling > self.floor:
            raise ConfigError(
                tr(
                    "progress.ceiling = {value!r} must be above progress.floor = "
                    "{floor!r}.",
                    value=self.ceiling,
                    floor=self.floor,
                )
            )
        if self.top_n < 1:
            raise ConfigError(
                tr(
                    "progress.top_n = {value!r}; use a whole number of 1 or more "
                    "(e.g. 9).",
                    value=self.top_n,
                )
            )

    def _check_named_target(self) -> None:
        given = [
            k
            for k in ("target_year", "target", "target_low", "target_high")
            if getattr(self, k) is not None
        ] + (["target_source"] if self.target_source else [])
        if given:
            raise ConfigError(
                tr(
                    "progress.target_id = {value!r} brings its own year, value and "
                    "source; remove {keys}, or remove target_id and give the target "
                    "here.",
                    value=self.target_id,
                    keys=", ".join(f"progress.{k}" for k in given),
                )
            )


def own_target(config: ProgressConfig) -> Target:
    """Return the target written in the ``[progress]`` section itself.

    Raises
    ------
    ConfigError
        When ``progress.target_year`` is missing, or the value, range or
        source is incomplete (naming the key).
    """
    if config.target_year is None:
        raise ConfigError(
            tr(
                "progress.target_year is missing: give the year of the target "
                "(e.g. target_year = 2025), or name a shipped target with "
                'progress.target_id (e.g. "banten-p0-2025").'
            )
        )
    target = Target(
        year=config.target_year,
        value=config.target,
        low=config.target_low,
        high=config.target_high,
        direction=config.direction,
        source=config.target_source,
        label=config.target_label,
        label_en=config.target_label,
        unit=config.unit,
    )
    has_range = target.low is not None or target.high is not None
    if (target.value is None) == (not has_range):
        raise ConfigError(
            tr(
                "[progress]: give the target as progress.target (one value) or as "
                "progress.target_low and progress.target_high (a range), not both."
            )
            if has_range
            else tr(
                "[progress]: the target is missing; give progress.target (one "
                "value, e.g. 0) or progress.target_low and progress.target_high (a "
                "range, e.g. 4.5 and 5.5), or name a shipped target with "
                "progress.target_id."
            )
        )
    if has_range and not (
        target.low is not None and target.high is not None and target.low < target.high
    ):
        raise _range_error("progress", target.low, target.high)
    if not target.source.strip():
        raise ConfigError(
            tr(
                "progress.target_source is empty: every target needs its source "
                '(e.g. target_source = "RPJMD Provinsi Banten 2025-2029, '
                'indikator makro"), or use a shipped target with progress.target_id.'
            )
        )
    return check_target(target, "progress.")


def resolve_target(config: ProgressConfig, known: Mapping[str, Target]) -> Target:
    """Return the target of ``config``: named in ``known``, or its own.

    Parameters
    ----------
    config : ProgressConfig
    known : mapping of str to Target
        The shipped targets by id (see :func:`geo_priority.io.targets.read_targets`).

    Returns
    -------
    Target

    Raises
    ------
    ConfigError
        For an unknown ``progress.target_id`` (listing the known ones), or an
        incomplete target in the section.
    """
    if not config.target_id:
        return own_target(config)
    try:
        return known[config.target_id]
    except KeyError:
        raise ConfigError(
            tr(
                "progress.target_id = {value!r} is not a known target. Known "
                "targets: {value2}.",
                value=config.target_id,
                value2=", ".join(sorted(known)) or "-",
            )
        ) from None


def progress_enabled(config: ProgressConfig) -> bool:
    """Return whether progress is measured: ``enabled``, else when an indicator is set.

    Examples
    --------
    >>> progress_enabled(ProgressConfig())
    False
    >>> progress_enabled(ProgressConfig(indicator="p0", target_id="banten-p0-2025"))
    True
    """
    if config.enabled is not None:
        return config.enabled
    return bool(config.indicator.strip())
