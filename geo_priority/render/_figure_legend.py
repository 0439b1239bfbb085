"""The legend and the list of the highest-priority areas of the static figure."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from geo_priority.classify import Classification
from geo_priority.formatting import SCORE_DECIMALS, format_fixed
from geo_priority.progress import PROGRESS_STATUS
from geo_priority.render import NO_DATA_COLOUR, class_colours
from geo_priority.render._figure_analytics import (
    STATUS_COLUMN,
    status_key,
    status_symbol,
)
from geo_priority.render._figure_page import GREY, TOP_N, Layout, Page, short_name
from geo_priority.render.i18n import text
from geo_priority.robustness import RANK_HIGH, RANK_LOW, RANK_MEDIAN
from geo_priority.schema import CLASS, ID, NAME, RANK, SCORE

#: Width (inches) of the rank-interval whiskers beside the listed names.
WHISKER_WIDTH = 0.75
#: Colours of a whisker and of its median mark.
WHISKER_COLOUR = "#54278f"
MEDIAN_COLOUR = "#f2a900"
#: Width (inches) of the progress-status column of the ranking list.
STATUS_WIDTH = 0.3

# --- legend and top list ---------------------------------------------------


def _count_text(n: int, lang: str) -> str:
    """Return "1.552 wilayah" / "1,552 areas": the count in the language's marks.

    Examples
    --------
    >>> _count_text(1552, "id"), _count_text(1552, "en")
    ('1.552 wilayah', '1,552 areas')
    """
    shown = format_fixed(n, lang=lang, decimals=0)
    return text("n_area" if n == 1 else "n_areas", lang).format(n=shown)


def legend_entries(
    classification: Classification, n_missing: int, *, lang: str = "id"
) -> list[tuple[str, str]]:
    """Return the (colour, text) legend rows: classes, then "no data" if any.

    Parameters
    ----------
    classification : Classification
        Labels and counts of the classes (as on the HTML map).
    n_missing : int
        Number of drawn areas without a score; 0 leaves out the "no data" row.
    lang : {"id", "en"}

    Returns
    -------
    list of (str, str)
        Fill colour and text of each row, class 1 first.

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.classify import classify_scores
    >>> c = classify_scores(pd.Series([10.0, 90.0]), scheme="prioritas", k=2)
    >>> [t for _colour, t in legend_entries(c, 1)]
    ['Prioritas 1 (50–100) · 1 wilayah', 'Prioritas 2 (0–50) · 1 wilayah', \
'tidak ada data · 1 wilayah']
    """
    rows = [
        (colour, f"{label} · {_count_text(n, lang)}")
        for colour, label, n in zip(
            class_colours(classification.k),
            classification.labels,
            classification.counts,
            strict=True,
        )
    ]
    if n_missing:
        rows.append(
            (
                NO_DATA_COLOUR,
                f"{text('no_data', lang)} · {_count_text(n_missing, lang)}",
            )
        )
    return rows


def draw_legend(
    ax: Axes,
    rows: list[tuple[str, str]],
    lay: Layout,
    lang: str,
    extra: Sequence[tuple[Artist, str]] = (),
) -> Legend:
    """Draw the legend rows (:func:`legend_entries`) at the top left of ``ax``.

    ``extra`` rows (handle, text) follow the classes: the hatch of hidden
    values and the outline of high-high clusters.

    Returns
    -------
    matplotlib.legend.Legend
        With the gid ``"legend"``; its texts are drawn as typed (no mathtext).
    """
    handles: list[Artist] = [
        Patch(facecolor=c, edgecolor=GREY, linewidth=0.6) for c, _t in rows
    ]
    handles += [h for h, _t in extra]
    legend = ax.legend(
        handles,
        [t for _c, t in rows] + [t for _h, t in extra],
        loc="upper left",
        bbox_to_anchor=(0, 1),
        title=text("legend_title", lang),
        fontsize=lay.legend,
        title_fontproperties=FontProperties(size=lay.legend + 1, weight="bold"),
        frameon=False,
        alignment="left",
        handlelength=1.8,
        handleheight=1.2,
        borderaxespad=0,
        borderpad=0,
        labelspacing=0.55,
    )
    for label in legend.get_texts():
        label.set_parse_math(False)
    legend.set_gid("legend")
    return legend


def top_areas(proj: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the ranked areas, best first: rank, name, score, class.

    With rank robustness, also ``low``, ``high`` and ``median`` (the 90 %
    rank interval and the median rank; NaN where unknown) and
    ``attrs["n_ranked"]``, the ranks the whiskers span. With progress to a
    target, also ``status`` (``on track``, ``at risk``, ``off track``).
    """
    scored = proj[proj[RANK].notna()] if RANK in proj else proj.iloc[0:0]
    names = scored[NAME].fillna(scored[ID]) if NAME in scored else scored[ID]
    frame = pd.DataFrame(
        {
            "rank": scored[RANK].astype(float),
            "name": names.astype(str),
            "score": scored[SCORE] if SCORE in scored else np.nan,
            "cls": scored[CLASS],
        },
        index=scored.index,
    )
    if all(c in scored for c in (RANK_LOW, RANK_HIGH, RANK_MEDIAN)):
        for column, source in (("low", RANK_LOW), ("high", RANK_HIGH)):
            frame[column] = pd.to_numeric(scored[source]).astype(float)
        frame["median"] = pd.to_numeric(scored[RANK_MEDIAN]).astype(float)
    if PROGRESS_STATUS in scored and scored[PROGRESS_STATUS].notna().any():
        frame[STATUS_COLUMN] = scored[PROGRESS_STATUS].astype(object)
    ordered = frame.sort_values(["rank", "name"])
    ordered.attrs["n_ranked"] = len(scored)
    return ordered


def _listed_names(
    page: Page, names: Sequence[str], size: float, width: float
) -> list[str]:
    """Return the names of the list, each fitting ``width``.

    When one does not fit, every name takes the short form of the map labels
    ("Kab. Tangerang"), so the list reads alike; a name still too long is cut
    with "…".
    """
    if any(page.width_of(s, size) > width for s in names):
        names = [short_name(s) for s in names]
    return [_fit(page, s, size, width) for s in names]


def _fit(page: Page, s: str, size: float, width: float) -> str:
    while len(s) > 4 and page.width_of(s, size) > width:
        s = s[:-2].rstrip() + "…"
    return s


def draw_top_list(
    page: Page, top: pd.DataFrame, box: tuple[float, float, float, float], k: int
) -> int:
    """List the best-ranked areas (rank, colour, name, score) inside ``box``.

    With rank robustness a whisker strip shows each rank interval; with
    progress to a target a column shows each area's status as a coloured
    symbol, explained in words under the list.

    Returns the number of areas listed: as many as fit, at most ``TOP_N``.
    """
    lay, lang = page.layout, page.lang
    x, y, width, height = box
    size, step = lay.listing, lay.listing * 1.5 / 72
    whiskers, status = "low" in top.columns, STATUS_COLUMN in top.columns
    key = page.wrap(status_key(lang), size - 3, width) if status else ""
    extra = step * 0.8 if whiskers else 0.0
    extra += (key.count("\n") + 1) * (size - 3) * 1.25 / 72 + 0.08 if key else 0.0
    rows = max(0, min(len(top), TOP_N, int((height - step * 1.6 - extra) / step)))
    if rows == 0:
        return 0
    head = text("ranking", lang) if rows == len(top) else text("top_areas", lang)
    y -= page.put(x, y, head.format(n=rows), size + 1, weight="bold")
    y -= step * 0.4
    colours = class_colours(k)
    score_w = page.width_of(_score_text(100.0, lang), size)
    strip = WHISKER_WIDTH + 0.12 if whiskers else 0.0
    status_w = STATUS_WIDTH if status else 0.0
    name_w = width - 0.75 - score_w - 0.12 - strip - status_w
    if whiskers:  # its own line under the list's title, over the whiskers
        y -= page.put(
            x + width - score_w - 0.12 - WHISKER_WIDTH / 2,
            y,
            text("whisker_head", lang),
            size - 3,
            ha="center",
            color=GREY,
            gid="whisker_head",
        )
    names = _listed_names(page, top["name"].head(rows).tolist(), size, name_w)
    for row, name in zip(top.head(rows).itertuples(), names, strict=True):
        rank = format_fixed(row.rank, lang=lang, decimals=0)
        page.put(x + 0.3, y, rank, size, ha="right")
        colour = NO_DATA_COLOUR if pd.isna(row.cls) else colours[int(row.cls) - 1]
        page.fig.add_artist(_swatch(page, x + 0.4, y - size / 72 * 0.95, size, colour))
        page.put(x + 0.75, y, name, size, gid="top_name")
        if status:
            symbol, tint = status_symbol(getattr(row, STATUS_COLUMN))
            at = x + 0.75 + name_w + status_w / 2
            page.put(
                at,
                y,
                symbol,
                size,
                ha="center",
                color=tint,
                weight="bold",
                gid="top_status",
            )
        if whiskers:
            left = x + width - score_w - 0.12 - WHISKER_WIDTH
            _whisker(page, row, (left, y - size / 72 * 0.5), top.attrs["n_ranked"])
        page.put(x + width, y, _score_text(row.score, lang), size, ha="right")
        y -= step
    if key:
        page.put(x, y - 0.04, key, size - 3, color=GREY, gid="status_key")
    return rows


def _line(
    page: Page, xs: list[float], ys: list[float], gid: str, colour: str, lw: float
) -> None:
    """Draw a line in figure fractions, named ``gid`` for tests and SVG."""
    line = Line2D(xs, ys, color=colour, lw=lw, transform=page.fig.transFigure)
    line.set_gid(gid)
    page.fig.add_artist(line)


def _whisker(page: Page, row: object, at: tuple[float, float], n: int) -> None:
    """Draw a rank interval from ``low`` to ``high`` on a strip of ranks 1..n.

    The strip runs left (rank 1) to right (rank ``n``) over
    :data:`WHISKER_WIDTH` inches from ``at``; the whisker has end caps and
    a dot at the median rank.
    """
    low, high, median = (getattr(row, c) for c in ("low", "high", "median"))
    if pd.isna(low) or pd.isna(high) or n < 1:
        return
    lay = page.layout
    x0, y = at

    def fx(rank: float) -> float:
        span = max(n - 1, 1)
        return (x0 + WHISKER_WIDTH * (rank - 1) / span) / lay.width

    yf, cap = y / lay.height, 0.045 / lay.height
    _line(page, [fx(1), fx(n)], [yf, yf], "whisker_track", "#d9dde2", 0.8)
    _line(page, [fx(low), fx(high)], [yf, yf], "whisker", WHISKER_COLOUR, 1.4)
    for end in (low, high):
        _line(
            page,
            [fx(end)] * 2,
            [yf - cap, yf + cap],
            "whisker_cap",
            WHISKER_COLOUR,
            1.4,
        )
    if not pd.isna(median):
        page.fig.add_artist(
            Line2D(
                [fx(median)],
                [yf],
                marker="o",
                markersize=3.5,
                color=MEDIAN_COLOUR,
                markeredgecolor=WHISKER_COLOUR,
                markeredgewidth=0.6,
                transform=page.fig.transFigure,
                gid="whisker_median",
            )
        )


def _score_text(score: float, lang: str) -> str:
    """Format a score as published: one decimal always (``97,0``), "" when missing.

    The language's marks and :data:`~geo_priority.formatting.SCORE_DECIMALS`,
    as in the tables and on the map, so the listed score is the one the rank
    and class follow.

    Examples
    --------
    >>> _score_text(97.0, "id"), _score_text(20.96, "en"), _score_text(0.04, "id")
    ('97,0', '21.0', '0,0')
    """
    if pd.isna(score):
        return ""
    return format_fixed(float(score), lang=lang, decimals=SCORE_DECIMALS)


def _swatch(page: Page, x: float, y: float, size: float, colour: str) -> Rectangle:
    lay = page.layout
    side = size * 0.95 / 72
    return Rectangle(
        (x / lay.width, y / lay.height),
        side * 1.4 / lay.width,
        side / lay.height,
        transform=page.fig.transFigure,
        facecolor=colour,
        edgecolor=GREY,
        lw=0.6,
    )
