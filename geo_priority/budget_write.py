"""Write a budget run's set: table, GeoPackage layer, map, figure, run record.

Every file is written into the set's staging folder and the set is moved into
place at once (:func:`geo_priority.io.outputset.staged_outputs`), so a failure
leaves the previous set as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from geo_priority.budget import ID, NAME, RANK, Allocation
from geo_priority.formatting import format_number
from geo_priority.messages import tr

if TYPE_CHECKING:
    from geo_priority.budget_outputs import BudgetInput

__all__ = ["TABLE_COLUMNS", "budget_figure", "planned_names", "write_budget_set"]

#: Columns of the table and of the GeoPackage layer, in order.
TABLE_COLUMNS = (
    ID,
    NAME,
    RANK,
    "families_unreached",
    "families_unreached_high",
    "cost_per_family",
    "cost_basis",
    "gap_cost",
    "gap_cost_low",
    "gap_cost_high",
    "gap_cost_suppressed",
    "budget_suppressed",
    "families_reached_greedy",
    "budget_greedy",
    "families_reached_optimal",
    "budget_optimal",
)
_TOP = 20


def planned_names(set_name: str, has_map: bool) -> list[str]:
    """Return the file names of a budget set."""
    names = [f"{set_name}.csv", f"{set_name}.png", f"{set_name}_run.json"]
    if has_map:
        names += [f"{set_name}.gpkg", f"{set_name}.html"]
    return names


def _juta(value: float, lang: str) -> str:
    return format_number(value / 1e6, lang=lang, decimals=1)


def budget_figure(allocation: Allocation, *, lang: str = "id") -> Figure:
    """Return a bar figure: the money per area, greedy and optimal.

    Shows the areas that get money in either allocation, at most the 20 that
    get the most, in priority order, with the totals in the title.
    """
    table = allocation.table
    money = table[["budget_greedy", "budget_optimal"]].fillna(0.0).max(axis=1)
    shown = table[money > 0].assign(_m=money[money > 0])
    shown = shown.nlargest(_TOP, "_m").sort_index()
    height = 2.6 + 0.32 * max(len(shown), 2)
    fig = Figure(figsize=(10, height), dpi=100)
    top = 1 - 1.3 / height
    ax = fig.add_axes((0.30, 0.75 / height, 0.66, top - 0.75 / height - 0.02))
    y = np.arange(len(shown))
    ax.barh(
        y - 0.2,
        shown["budget_greedy"] / 1e6,
        height=0.4,
        color="#9ecae1",
        label=tr("greedy by priority"),
    )
    ax.barh(
        y + 0.2,
        shown["budget_optimal"] / 1e6,
        height=0.4,
        color="#08519c",
        label=tr("optimal (most families)"),
    )
    names = [
        f"{int(r)}. {n}" if pd.notna(r) else str(n)
        for r, n in zip(shown[RANK], shown[NAME], strict=True)
    ]
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(tr("million rupiah per year"))
    # above the bars, never over them; ticks in the user's number format
    ax.legend(
        loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8, frameon=False
    )
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: format_number(v, lang=lang, decimals=0))
    )
    ax.grid(axis="x", color="#dddddd")
    t = allocation.totals
    fig.text(0.02, 1 - 0.25 / height, tr("Where the money goes"), fontsize=14, va="top")
    fig.text(0.02, 1 - 0.7 / height, _summary(t, lang), fontsize=9, va="top", wrap=True)
    if not len(shown):
        ax.text(0.5, 0.5, tr("no area gets money"), ha="center", transform=ax.transAxes)
    return fig


def _summary(t: dict[str, Any], lang: str) -> str:
    return tr(
        "Budget {budget} million Rp. Families reached, greedy by priority: {g} "
        "({gm} million Rp); optimal: {o} ({om} million Rp); difference: {d}.",
        budget=_juta(t["budget"], lang),
        g=format_number(t["families_reached_greedy"], lang=lang),
        gm=_juta(t["budget_greedy"], lang),
        o=format_number(t["families_reached_optimal"], lang=lang),
        om=_juta(t["budget_optimal"], lang),
        d=format_number(t["families_difference"], lang=lang),
    )


def _record(
    allocation: Allocation, source: BudgetInput, files: dict[str, Any], lang: str
) -> dict[str, Any]:
    book = source.book
    return {
        "tool": "geo-priority budget",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "lang": lang,
        "mode": "counts" if source.count else "registry",
        "count": source.count,
        "count_unit": source.count_unit if source.count else None,
        "totals": allocation.totals,
        "greedy_rule": tr(
            "areas in priority order; each gets as many of its unreached families "
            "as the money left pays for, then the next area, down the whole list"
        ),
        "optimal_rule": tr(
            "most families within the budget (integer programme, HiGHS); among "
            "equal reach, closest to the priority order"
        ),
        "unit_costs": {
            k: {
                "value": book.costs[k].value,
                "per": book.costs[k].per,
                "period": book.costs[k].period,
                "year": book.costs[k].year,
                "annual": book.annual(k),
                "source": book.costs[k].source,
                "checked": book.costs[k].checked,
                "verified": book.costs[k].verified,
                "note": book.costs[k].note,
            }
            for k in book.used_keys()
        },
        "assumptions": {
            "bundle": list(book.bundle),
            "pkh_components": list(book.pkh_components),
            "pip_level": book.pip_level,
            "months": book.months,
            "household_size": book.household_size,
            "household_source": book.household_source,
        },
        "notes": list(allocation.notes),
        "files": files,
    }


def _layer(source: BudgetInput, table: pd.DataFrame) -> Any:
    import geopandas as gpd

    areas = source.analysis.areas[[ID, "geometry"]]
    merged = areas.merge(table[list(TABLE_COLUMNS)], on=ID, how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=areas.crs)


def write_budget_set(
    allocation: Allocation,
    source: BudgetInput,
    *,
    folder: Path,
    set_name: str,
    folium_map: Any,
    previous: list[str],
    overwrite: bool,
    lang: str,
) -> tuple[Path, ...]:
    """Write the set and return the paths of its files (record last)."""
    from geo_priority import io
    from geo_priority.io.figure import write_figure
    from geo_priority.io.outputset import staged_outputs
    from geo_priority.render import render_html

    table = allocation.table[list(TABLE_COLUMNS)]
    has_map = folium_map is not None
    planned = planned_names(set_name, has_map)
    finals = [folder / n for n in planned]
    with staged_outputs(
        folder, set_name, planned, previous=previous, overwrite=overwrite
    ) as staged:
        io.write_csv(table, staged.path(folder / f"{set_name}.csv"))
        fig = budget_figure(allocation, lang=lang)
        write_figure(fig, staged.path(folder / f"{set_name}.png"), dpi=150)
        if has_map:
            io.write_layer(
                _layer(source, table),
                staged.path(folder / f"{set_name}.gpkg"),
                layer="anggaran",
            )
            io.write_text(
                render_html(folium_map), staged.path(folder / f"{set_name}.html")
            )
        record = _record(allocation, source, staged.written(), lang)
        io.write_json(record, staged.path(folder / f"{set_name}_run.json"))
    order = [f for f in finals if not f.name.endswith("_run.json")]
    return (*order, folder / f"{set_name}_run.json")
