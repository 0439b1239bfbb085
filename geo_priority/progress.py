"""Progress to targets: trend, projection, gap and status of every area.

For every area with a multi-year series the trend over the chosen years is the
Theil–Sen slope (the median of the slopes between every pair of years, as
:func:`scipy.stats.theilslopes` gives it, so one unusual year barely moves
it). The value in the target year is read off that trend line (kept between
``progress.floor`` and ``progress.ceiling``), the gap is how far it falls
short of the target (in the indicator's unit; 0 or less: reached), and the
status follows a stated rule:

* ``on track`` (*sesuai jalur*): the projection reaches the target (gap <= 0);
  for a range, reaching any point of it counts;
* ``at risk`` (*berisiko*): it misses it by at most ``progress.tolerance``;
* ``off track`` (*tidak sesuai jalur*): it misses it by more.

Areas with values in fewer than ``progress.min_years`` of the chosen years get
no trend and no status, and a note names them.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.progress_config import ProgressConfig
>>> series = pd.DataFrame({"area_id": ["A"] * 5, "year": [2019, 2020, 2021, 2022, 2023],
...                        "value": [10.0, 9.0, 8.0, 7.0, 6.0]})
>>> cfg = ProgressConfig(indicator="p0", target_year=2025, target=4.0,
...                      target_source="uji")
>>> result = progress_to_targets(series, cfg)
>>> result.frame.loc["A", ["trend_slope", "projected_2025", "target_gap"]].tolist()
[-1.0, 4.0, 0.0]
>>> result.frame.loc["A", "progress_status"]
'on track'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority.errors import ConfigError, SchemaError
from geo_priority.formatting import format_number, shorten_list
from geo_priority.io.targets import read_targets
from geo_priority.messages import language, tr
from geo_priority.progress_config import ProgressConfig, Target, resolve_target
from geo_priority.progress_scope import out_of_scope, scope_note
from geo_priority.schema import ID, NAME

__all__ = [
    "AT_RISK",
    "OFF_TRACK",
    "ON_TRACK",
    "PROGRESS_COLUMNS",
    "PROGRESS_STATUS",
    "STATUSES",
    "STATUS_COLOURS",
    "ProgressResult",
    "format_target",
    "format_tolerance",
    "progress_to_targets",
    "status_label",
    "theil_sen",
]

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
#: The statuses, best first.
STATUSES: tuple[str, ...] = (ON_TRACK, AT_RISK, OFF_TRACK)
#: Status colours of the figures (colour-blind safe, dark enough to print in grey).
STATUS_COLOURS = {ON_TRACK: "#1a7837", AT_RISK: "#b35806", OFF_TRACK: "#b2182b"}
#: Column of the status code (``on track``, ``at risk``, ``off track``).
PROGRESS_STATUS = "progress_status"
#: Output columns; ``projected`` is written ``projected_<target year>``.
PROGRESS_COLUMNS: tuple[str, ...] = (
    "trend_years",
    "last_year",
    "last_value",
    "trend_slope",
    "trend_intercept",
    "projected",
    "target_gap",
    "progress_status",
    "progress_label",
)
YEAR = "year"
VALUE = "value"


@dataclass(frozen=True)
class ProgressResult:
    """Progress of every area to one target.

    Attributes
    ----------
    frame : pandas.DataFrame
        Indexed by ``area_id`` (every area of the series, in order of first
        appearance): ``trend_years`` (values used), ``last_year`` and
        ``last_value`` (the latest used), ``trend_slope`` (per year),
        ``trend_intercept`` (the line is ``intercept + slope * year``),
        ``projected_<year>`` (on the trend line in the target year),
        ``target_gap`` (how far the projection falls short; 0 or less:
        reached), ``progress_status`` (``on track``, ``at risk``, ``off track``)
        and ``progress_label`` (the status in the active language). Missing
        for areas with too few years.
    projected_column : str
        ``projected_<target year>``.
    target : Target
    years : tuple of int
        The years the trends may use.
    min_years : int
    tolerance : float
    unit : str
    method : str
        The method text (active language).
    notes : tuple of str
        Areas without a status, projections held at the floor or ceiling, an
        uncited target.
    """

    frame: pd.DataFrame
    projected_column: str
    target: Target
    years: tuple[int, ...]
    min_years: int
    tolerance: float
    unit: str
    method: str
    notes: tuple[str, ...]

    def status_counts(self) -> dict[str, int]:
        """Return the number of areas of each status, and of areas without one."""
        status = self.frame["progress_status"]
        counts = {s: int((status == s).sum()) for s in STATUSES}
        counts["none"] = int(status.isna().sum())
        return counts


def status_label(status: str) -> str:
    """Return ``status`` in the active language.

    Examples
    --------
    >>> status_label("off track")
    'tidak sesuai jalur'
    """
    labels = {
        ON_TRACK: tr("on track"),
        AT_RISK: tr("at risk"),
        OFF_TRACK: tr("off track"),
    }
    return labels[status]


def _number(value: float, unit: str = "") -> str:
    text = format_number(value, lang=language(), decimals=2)
    if not unit:
        return text
    return f"{text} {unit}" if unit != "%" else f"{text} %"


def format_target(target: Target, unit: str = "") -> str:
    """Return the target value or range as people read it (``4,5–5,5 %``).

    Examples
    --------
    >>> format_target(Target(year=2025, low=4.5, high=5.5, source="s"), "%")
    '4,5–5,5 %'
    """
    unit = unit or target.unit
    if target.value is not None:
        return _number(target.value, unit)
    low, high = float(target.low or 0.0), float(target.high or 0.0)
    lang = language()
    return _number(high, unit).replace(
        format_number(high, lang=lang, decimals=2),
        f"{format_number(low, lang=lang, decimals=2)}–"
        f"{format_number(high, lang=lang, decimals=2)}",
        1,
    )


def format_tolerance(value: float, unit: str = "") -> str:
    """Return the rule's tolerance; a tolerance of a percentage is in points.

    Examples
    --------
    >>> format_tolerance(0.5, "%")
    '0,5 poin persen'
    """
    if unit == "%":
        return tr(
            "{value} percentage points",
            value=format_number(value, lang=language(), decimals=2),
        )
    return _number(value, unit)


def _target_name(target: Target) -> str:
    name = target.label_en if language() == "en" else target.label
    return name or target.label or target.id


# --- the series ------------------------------------------------------------


def _check_series(series: pd.DataFrame) -> pd.DataFrame:
    """Return ``series`` with numeric years and values, or raise."""
    missing = [c for c in (ID, YEAR, VALUE) if c not in series.columns]
    if missing:
        raise SchemaError(
            tr(
                "the series for progress to targets lacks column(s) {missing}; it "
                "needs one row per area and year with the columns {needed}. Columns "
                "given: {given}.",
                missing=", ".join(missing),
                needed=f"{ID}, {YEAR}, {VALUE}",
                given=shorten_list(series.columns),
            )
        )
    out = series.copy()
    out[ID] = out[ID].astype("string")
    year = pd.to_numeric(out[YEAR], errors="coerce")
    bad = out.loc[year.isna() | (year % 1 != 0), YEAR]
    if len(bad):
        raise SchemaError(
            tr(
                "the series for progress to targets has years that are not whole "
                "numbers, e.g. {value!r}.",
                value=bad.iloc[0],
            )
        )
    out[YEAR] = year.astype("int64")
    out[VALUE] = pd.to_numeric(out[VALUE], errors="coerce").astype("float64")
    twice = out.duplicated([ID, YEAR], keep=False)
    if twice.any():
        pairs = out.loc[twice, [ID, YEAR]].drop_duplicates()
        raise SchemaError(
            tr(
                "the series for progress to targets has more than one value for "
                "the same area and year: {pairs}. Keep one value per area and year.",
                pairs=shorten_list(f"{a} {y}" for a, y in pairs.itertuples(False)),
            )
        )
    return out


def _years_used(series: pd.DataFrame, config: ProgressConfig) -> tuple[int, ...]:
    present = sorted(int(y) for y in series.loc[series[VALUE].notna(), YEAR].unique())
    if not config.years:
        return tuple(present)
    if not set(config.years) & set(present):
        raise ConfigError(
            tr(
                "progress.years = {years}: none of these years has a value in the "
                "series of {indicator!r} (years with values: {present}).",
                years=list(config.years),
                indicator=config.indicator,
                present=", ".join(map(str, present)) or "-",
            )
        )
    return config.years


# --- the fit -----------------------------------------------------------------


def theil_sen(years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the Theil–Sen slope and intercept of every row of ``values``.

    The slope is the median of the slopes between every pair of years; the
    intercept is ``median(values) - slope * median(years)``, as
    :func:`scipy.stats.theilslopes` gives them (a test checks it), for many
    areas at once.

    Parameters
    ----------
    years : numpy.ndarray
        The ``k`` distinct years, shared by every row.
    values : numpy.ndarray
        ``n x k`` values, none missing.

    Returns
    -------
    tuple of numpy.ndarray
        The ``n`` slopes (per year) and intercepts.

    Examples
    --------
    >>> slope, intercept = theil_sen(np.array([2019, 2020, 2021, 2022, 2023.0]),
    ...                              np.array([[10, 9, 20, 7, 6.0]]))
    >>> float(slope[0]), float(intercept[0])
    (-1.0, 2030.0)
    """
    first, second = np.triu_indices(len(years), k=1)
    slopes = (values[:, second] - values[:, first]) / (years[second] - years[first])
    slope = np.median(slopes, axis=1)
    intercept = np.median(values, axis=1) - slope * np.median(years)
    return slope, intercept


def _status(gap: float, tolerance: float) -> str:
    # a projection within rounding noise of the target counts as reaching it
    if gap <= 1e-9:
        return ON_TRACK
    return AT_RISK if gap <= tolerance + 1e-9 else OFF_TRACK


def _fits(data: pd.DataFrame, min_years: int) -> pd.DataFrame:
    """Fit every area with at least ``min_years`` values (``data`` has no gaps).

    Areas with the same years are fitted together, so a national desa layer
    takes seconds, not minutes.
    """
    wide = data.pivot(index=ID, columns=YEAR, values=VALUE)
    present = wide.notna().to_numpy()
    keep = present.sum(axis=1) >= min_years
    wide, present = wide[keep], present[keep]
    years = wide.columns.to_numpy(dtype="float64")
    values = wide.to_numpy(dtype="float64")
    out = pd.DataFrame(
        index=wide.index,
        columns=[
            "trend_years",
            "last_year",
            "last_value",
            "trend_slope",
            "trend_intercept",
        ],
        dtype="float64",
    )
    codes, patterns = pd.factorize(pd.Series([row.tobytes() for row in present]))
    for code in range(len(patterns)):
        rows = np.flatnonzero(codes == code)
        cols = present[rows[0]]
        slope, intercept = theil_sen(years[cols], values[np.ix_(rows, cols)])
        out.iloc[rows] = np.column_stack(
            [
                np.full(len(rows), cols.sum()),
                np.full(len(rows), years[cols][-1]),
                values[rows, np.flatnonzero(cols)[-1]],
                slope,
                intercept,
            ]
        )
    return out


def _area_rows(
    data: pd.DataFrame, config: ProgressConfig, target: Target
) -> pd.DataFrame:
    """Trend, projection, gap and status of every area with enough years."""
    out = _fits(data, config.min_years)
    line = out["trend_intercept"] + out["trend_slope"] * target.year
    out["projected"] = line.clip(lower=config.floor, upper=config.ceiling)
    out["held"] = line != out["projected"]
    sign = 1.0 if target.direction == "decrease" else -1.0
    out["target_gap"] = sign * (out["projected"] - target.reference)
    out["progress_status"] = [_status(g, config.tolerance) for g in out["target_gap"]]
    return out.reset_index()[[ID, *PROGRESS_COLUMNS[:-1], "held"]]


def _names(series: pd.DataFrame, ids: Sequence[str]) -> list[str]:
    if NAME not in series.columns:
        return list(ids)
    names = series.drop_duplicates(ID).set_index(ID)[NAME]
    return [str(names.get(i, i)) for i in ids]


# --- texts -------------------------------------------------------------------


def _year_span(years: Sequence[int]) -> str:
    if len(years) > 2 and list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def _method(
    config: ProgressConfig, target: Target, years: Sequence[int], unit: str
) -> str:
    parts = [
        tr(
            "Progress to the target: the trend of each area over {years} is the "
            "Theil–Sen slope (the median of the slopes between every pair of years, "
            "so one unusual year barely moves it); the projected value in {year} is "
            "read off that trend line.",
            years=_year_span(years),
            year=target.year,
        )
    ]
    if config.ceiling is None:
        parts.append(
            tr("Projections are not taken below {floor}.", floor=_number(config.floor))
        )
    else:
        parts.append(
            tr(
                "Projections are kept between {floor} and {ceiling}.",
                floor=_number(config.floor),
                ceiling=_number(config.ceiling),
            )
        )
    values = {
        "target": format_target(target, unit),
        "year": target.year,
        "label": _target_name(target),
    }
    if target.cited:
        parts.append(
            tr(
                "Target: {target} in {year} ({label}); source: {source}.",
                source=target.source,
                **values,
            )
        )
    else:
        parts.append(
            tr(
                "Target: {target} in {year} ({label}); no published source was found "
                "for it.",
                **values,
            )
        )
    reference = _number(target.reference, unit)
    if target.is_range:
        parts.append(
            tr(
                "Reaching any point of the range counts as reaching the target, so "
                "the gap is measured to its nearer end, {reference}.",
                reference=reference,
            )
        )
    if target.direction == "decrease":
        parts.append(
            tr(
                "Gap = projected value minus {reference} (above 0: still to go).",
                reference=reference,
            )
        )
    else:
        parts.append(
            tr(
                "Gap = {reference} minus the projected value (above 0: still to go).",
                reference=reference,
            )
        )
    parts.append(
        tr(
            "Status: {on} when the projection reaches the target (gap 0 or less), "
            "{risk} when it misses it by at most {tolerance}, {off} when it misses "
            "it by more. Areas with values in fewer than {n} of these years get no "
            "status.",
            on=status_label(ON_TRACK),
            risk=status_label(AT_RISK),
            off=status_label(OFF_TRACK),
            tolerance=format_tolerance(config.tolerance, unit),
            n=config.min_years,
        )
    )
    return " ".join(parts)


def _notes(
    series: pd.DataFrame,
    frame: pd.DataFrame,
    config: ProgressConfig,
    target: Target,
    years: Sequence[int],
    outside: pd.Index,
) -> tuple[str, ...]:
    notes: list[str] = []
    if len(outside):
        notes.append(scope_note(target, _target_name(target), len(outside)))
    if not target.cited:
        notes.append(
            tr(
                "the target {label!r} has no published source; check it before "
                "quoting the status. {note}",
                label=_target_name(target),
                note=target.note,
            )
        )
    absent = sorted(set(years) - set(series.loc[series[VALUE].notna(), YEAR]))
    if absent:
        notes.append(
            tr(
                "progress: no area has a value of {indicator!r} in {years}.",
                indicator=config.indicator,
                years=", ".join(map(str, absent)),
            )
        )
    short = frame.index[frame["trend_slope"].isna()]
    if len(short):
        notes.append(
            tr(
                "progress: {n} area(s) have values in fewer than {min_years} of the "
                "years {years} and get no trend and no status: {names}",
                n=len(short),
                min_years=config.min_years,
                years=_year_span(years),
                names=shorten_list(_names(series, list(short))),
            )
        )
    held = frame.index[frame["held"].eq(True)]
    if len(held):
        notes.append(
            tr(
                "progress: the trend line of {n} area(s) passes the limit of possible "
                "values in {year}; their projection is held at the limit: {names}",
                n=len(held),
                year=target.year,
                names=shorten_list(_names(series, list(held))),
            )
        )
    return tuple(notes)


# --- the analysis ------------------------------------------------------------


def progress_to_targets(
    series: pd.DataFrame,
    config: ProgressConfig,
    *,
    target: Target | None = None,
) -> ProgressResult:
    """Measure every area's progress to the configured target.

    Parameters
    ----------
    series : pandas.DataFrame
        One row per area and year: ``area_id``, ``year``, ``value`` (and
        optionally ``area_name``, used in notes). Missing values are skipped.
    config : ProgressConfig
        The ``[progress]`` section.
    target : Target, optional
        The target; default the one ``config`` gives (``progress.target_id``
        from ``data/targets.toml``, or the target written in the section).

    Returns
    -------
    ProgressResult

    Raises
    ------
    SchemaError
        When the series lacks a column, has years that are not whole numbers,
        or two values for one area and year.
    ConfigError
        When none of ``progress.years`` has a value, or the target is unknown
        or incomplete.

    Examples
    --------
    See the module docstring.
    """
    if target is None:
        known = read_targets() if config.target_id else {}
        target = resolve_target(config, known)
    unit = config.unit or target.unit
    data = _check_series(series)
    years = _years_used(data, config)
    used = data[data[YEAR].isin(years) & data[VALUE].notna()]
    fitted = _area_rows(used, config, target).set_index(ID)
    areas = pd.Index(data[ID].drop_duplicates(), name=ID)
    frame = fitted.reindex(areas)
    outside = out_of_scope(frame, target)
    for column in ("trend_years", "last_year"):
        frame[column] = frame[column].astype("Int64")
    frame["progress_status"] = frame["progress_status"].astype("object")
    frame["progress_label"] = [
        status_label(s) if isinstance(s, str) else pd.NA
        for s in frame["progress_status"]
    ]
    notes = _notes(data, frame, config, target, years, outside)
    projected = f"projected_{target.year}"
    frame = frame.drop(columns="held").rename(columns={"projected": projected})
    return ProgressResult(
        frame=frame,
        projected_column=projected,
        target=target,
        years=tuple(years),
        min_years=config.min_years,
        tolerance=config.tolerance,
        unit=unit,
        method=_method(config, target, years, unit),
        notes=notes,
    )
