"""Small multiples of the series of the areas furthest from their target.

One panel per area (the ``top_n`` largest gaps first): the values of the
series (years used for the trend filled, the others hollow), the Theil–Sen
trend line drawn on to the target year, the projected value, and the target
as a band (a range) or a line (one value). Every panel has the same value
axis, so the panels compare at a glance; the status is written in each
panel's title. Made for print: A4 landscape, 10 pt text and up, marks that
differ in shape as well as colour. matplotlib is used without pyplot (Agg
canvas), so nothing depends on a display; save it with
:func:`geo_priority.io.figure.write_figure`.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.progress import progress_to_targets
>>> from geo_priority.progress_config import ProgressConfig
>>> series = pd.DataFrame({"area_id": ["A"] * 4 + ["B"] * 4,
...                        "year": [2020, 2021, 2022, 2023] * 2,
...                        "value": [9, 8, 7, 6, 5, 5, 4, 4.0]})
>>> cfg = ProgressConfig(indicator="p0", target_year=2025, target=3.0,
...                      target_source="uji")
>>> fig = progress_figure(series, progress_to_targets(series, cfg), top_n=2)
>>> len([ax for ax in fig.axes if ax.get_gid() == "panel"])
2
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.typing import RcKeyType

from geo_priority.errors import ConfigError
from geo_priority.formatting import format_number, shorten_text
from geo_priority.messages import MessageLang, tr, use_language
from geo_priority.progress import (
    STATUS_COLOURS,
    YEAR,
    ProgressResult,
    format_target,
    format_tolerance,
    status_label,
)
from geo_priority.schema import ID, NAME

__all__ = ["STATUS_COLOURS", "progress_figure"]

_SERIES = "#253494"
_TARGET = "#4d4d4d"
#: Projection marker and panel title of an area the target is not for.
_NO_TARGET = "#4d4d4d"
_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "axes.titlesize": 11,
    "pdf.fonttype": 42,
}
_COLUMNS = 3
#: A4 landscape, inches.
_WIDTH, _HEIGHT = 11.69, 8.27


def _top(result: ProgressResult, top_n: int) -> list[str]:
    """Return the ids of the ``top_n`` areas with the largest gap.

    When no area has a status (the target is for other areas), the ``top_n``
    areas with the worst projection: highest when lower is better.
    """
    frame = result.frame[result.frame["progress_status"].notna()]
    if frame.empty:
        frame = result.frame[result.frame[result.projected_column].notna()]
        worst = result.target.direction == "decrease"
        order = frame.sort_values(
            result.projected_column, ascending=not worst, kind="stable"
        )
        return [str(i) for i in order.index[:top_n]]
    order = frame.sort_values("target_gap", ascending=False, kind="stable")
    return [str(i) for i in order.index[:top_n]]


def _measured(result: ProgressResult) -> bool:
    """Whether any area is measured against the target (has a status)."""
    return bool(result.frame["progress_status"].notna().any())


def _name(series: pd.DataFrame, area: str) -> str:
    if NAME in series.columns:
        names = series.loc[series[ID].astype("string") == area, NAME].dropna()
        if len(names):
            return str(names.iloc[0])
    return area


def _draw_target(ax: Axes, result: ProgressResult) -> None:
    target = result.target
    if target.is_range:
        ax.axhspan(
            float(target.low or 0.0),
            float(target.high or 0.0),
            color=_TARGET,
            alpha=0.18,
            lw=0,
            zorder=0,
        )
    else:
        ax.axhline(float(target.value or 0.0), color=_TARGET, lw=1.5, zorder=1)
    ax.axvline(target.year, color=_TARGET, lw=0.8, ls=":", zorder=1)


def _panel(
    ax: Axes, series: pd.DataFrame, result: ProgressResult, area: str, lang: str
) -> None:
    row = result.frame.loc[area]
    data = series[series[ID].astype("string") == area].sort_values(YEAR)
    data = data[data["value"].notna()]
    used = data[YEAR].isin(result.years)
    status = row["progress_status"]
    measured = isinstance(status, str)
    if measured:  # no target band on an area the target is not for
        _draw_target(ax, result)
    ax.plot(data[YEAR], data["value"], color=_SERIES, lw=1.2, zorder=2)
    ax.plot(
        data.loc[used, YEAR],
        data.loc[used, "value"],
        "o",
        color=_SERIES,
        ms=5,
        zorder=3,
    )
    if (~used).any():
        ax.plot(
            data.loc[~used, YEAR],
            data.loc[~used, "value"],
            "o",
            mfc="white",
            color=_SERIES,
            ms=5,
            zorder=3,
        )
    years = np.array([min(result.years), result.target.year], dtype="float64")
    line = float(row["trend_intercept"]) + float(row["trend_slope"]) * years
    ax.plot(years, line, color=_SERIES, lw=1.2, ls="--", zorder=2)
    colour = STATUS_COLOURS[status] if measured else _NO_TARGET
    words = status_label(status) if measured else tr("no target for this area")
    projected = float(row[result.projected_column])
    ax.plot(
        [result.target.year],
        [projected],
        "D",
        color=colour,
        ms=8,
        mec="black",
        mew=0.6,
        zorder=4,
    )
    value = format_number(projected, lang=lang, decimals=2)
    ax.annotate(
        value,
        (result.target.year, projected),
        xytext=(-6, 6),
        textcoords="offset points",
        ha="right",
        fontsize=9,
    )
    ax.set_title(
        f"{shorten_text(_name(series, area), 28)}\n{words}",
        color=colour,
        loc="left",
        fontsize=11,
    )
    ax.set_gid("panel")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.tick_params(labelsize=9)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True, nbins=5))


def _legend(fig: Figure, result: ProgressResult) -> None:
    target = result.target
    text = format_target(target, result.unit)
    handles: list[Artist] = [
        Line2D([], [], color=_SERIES, marker="o", lw=1.2, label=tr("series values")),
        Line2D([], [], color=_SERIES, ls="--", lw=1.2, label=tr("trend (Theil–Sen)")),
        Line2D(
            [],
            [],
            color="white",
            marker="D",
            mfc="#999999",
            mec="black",
            ms=8,
            label=tr("projection {year}", year=target.year),
        ),
    ]
    if _measured(result):  # no target band is drawn on unmeasured areas
        handles.append(
            Patch(
                color=_TARGET,
                alpha=0.18,
                label=tr("target range {target}", target=text),
            )
            if target.is_range
            else Line2D(
                [], [], color=_TARGET, lw=1.5, label=tr("target {target}", target=text)
            )
        )
    if any(y not in result.years for y in range(min(result.years), max(result.years))):
        handles.insert(
            1,
            Line2D(
                [],
                [],
                color=_SERIES,
                marker="o",
                mfc="white",
                lw=0,
                label=tr("year not used for the trend"),
            ),
        )
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        frameon=False,
        fontsize=10,
    )


def _subtitle(result: ProgressResult) -> str:
    """Return the line under the title: the rule, or why no area has a status."""
    source = shorten_text(result.target.source or tr("no published source found"), 110)
    if _measured(result):
        return tr(
            "Status: projection on the trend line against the target (tolerance "
            "{tolerance}). Source of the target: {source}",
            tolerance=format_tolerance(result.tolerance, result.unit),
            source=source,
        )
    return tr(
        "No status: the target {target} in {year} is for {scope}, not for these areas.",
        target=format_target(result.target, result.unit),
        year=result.target.year,
        scope=shorten_text(result.target.scope or "-", 90),
    )


def progress_figure(
    series: pd.DataFrame,
    result: ProgressResult,
    top_n: int = 9,
    lang: MessageLang = "id",
    *,
    title: str = "",
) -> Figure:
    """Draw the series of the ``top_n`` areas furthest from the target.

    Parameters
    ----------
    series : pandas.DataFrame
        The series given to :func:`geo_priority.progress.progress_to_targets`
        (``area_id``, ``year``, ``value``, optionally ``area_name``).
    result : ProgressResult
        Its result.
    top_n : int
        Panels: the areas with the largest ``target_gap`` (those with a
        status), largest first.
    lang : {"id", "en"}
        Language of the texts and numbers.
    title : str
        Figure title; default one naming the target.

    Returns
    -------
    matplotlib.figure.Figure
        A4 landscape, with an Agg canvas attached.

    Raises
    ------
    ConfigError
        When ``top_n`` is below 1 or no area has a status.
    """
    if top_n < 1:
        raise ConfigError(
            tr(
                "progress.top_n = {value!r}; use a whole number of 1 or more (e.g. 9).",
                value=top_n,
            )
        )
    areas = _top(result, top_n)
    if not areas:
        raise ConfigError(
            tr(
                "no area has enough years for a trend, so there is no figure of "
                "progress; see the notes, or lower progress.min_years."
            )
        )
    rows = math.ceil(len(areas) / _COLUMNS)
    cols = min(len(areas), _COLUMNS)
    with use_language(lang), mpl.rc_context(_RC):
        fig = Figure(figsize=(_WIDTH, _HEIGHT), facecolor="white")
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(
            rows,
            cols,
            left=0.07,
            right=0.98,
            top=0.82,
            bottom=0.12,
            hspace=0.62,
            wspace=0.18,
        )
        first: Axes | None = None
        for i, area in enumerate(areas):
            ax = fig.add_subplot(grid[i // cols, i % cols], sharey=first)
            first = first or ax
            _panel(ax, series, result, area, lang)
            if i % cols:
                ax.tick_params(labelleft=False)
            elif result.unit:
                ax.set_ylabel(result.unit, fontsize=10)
        target = format_target(result.target, result.unit)
        heading = title or (
            tr(
                "Progress to the target {target} in {year}: the {n} areas furthest "
                "from it",
                target=target,
                year=result.target.year,
                n=len(areas),
            )
            if _measured(result)
            else tr(
                "Trend and projection to {year}: the {n} areas with the least "
                "favourable projection",
                year=result.target.year,
                n=len(areas),
            )
        )
        fig.text(0.07, 0.955, heading, fontsize=15, weight="bold", gid="title")
        fig.text(0.07, 0.915, _subtitle(result), fontsize=10, gid="subtitle")
        _legend(fig, result)
    return fig
