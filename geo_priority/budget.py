"""Budget simulator: what closing the exclusion gap costs, and where money goes.

Two kinds of input give, per area, the number of target families no
programme reaches (``families_unreached``) and the cost of reaching one:

* **registry aggregates** (``geo-priority aggregate``): the families of the
  target group reached by none of the programmes of the exports
  (``target_excluded_families``). One family is costed with the bundle of
  :class:`~geo_priority.budget_costs.CostBook` (default PKH, Sembako, PBI-JK
  and PIP), PBI-JK for each of its members and PIP for each member aged 6-21,
  with the area's own persons per target family (``target_persons`` and
  ``target_persons_6_21`` over ``target_families``; where one of them is
  hidden, the ratio over all areas where both are published, and
  ``cost_basis`` says so). ``gap_cost`` is the cost of closing every
  programme's own gap (each programme's excluded families or persons times
  its unit cost), so it also tops up families that receive some programmes.
* **tables with counts** (e.g. the number of extreme poor per kab/kota): each
  counted family is *assumed* unreached (the figures do not say who receives
  what), persons become families through the household size of the
  :class:`CostBook`, and one family costs the bundle for a family of that size
  (PIP is left out: the ages of the members are unknown).

The cost of one family is rounded up to whole rupiah, so budgets are exact.

Given a budget, two allocations of whole families:

* **greedy by priority**: areas in priority-rank order; each gets as many of
  its unreached families as the money left pays for (all of them while it
  lasts), then the next area gets what is left, down the whole list;
* **optimal**: the largest number of families the budget reaches, an integer
  programme solved by HiGHS (:func:`scipy.optimize.milp`); among allocations
  reaching that many families, the one closest to the priority order.

A hidden (suppressed) number of unreached families is never read as 0: the
area is flagged (``budget_suppressed``), gets no money in either allocation,
and its cost is given as a range, from 0 to the cost of all its target
families when that number is published, otherwise open.

Examples
--------
>>> import numpy as np
>>> n, cost = np.array([3, 2, 2]), np.array([5.0, 3.0, 3.0])
>>> greedy_allocation(n, cost, 12).tolist()
[2, 0, 0]
>>> optimal_allocation(n, cost, 12).tolist()
[0, 2, 2]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo_priority.budget_costs import CostBook
from geo_priority.budget_solve import (
    MILP_LIMIT,
    TIME_LIMIT,
    greedy_allocation,
    optimal_allocation,
    solve_optimal,
)
from geo_priority.errors import ConfigError, SchemaError
from geo_priority.formatting import format_number, shorten_list
from geo_priority.messages import language, tr

__all__ = [
    "REGISTRY_GAPS",
    "Allocation",
    "allocate",
    "count_costs",
    "greedy_allocation",
    "optimal_allocation",
    "registry_costs",
]

#: Per programme: the registry column of its excluded target units, the
#: column bounding it from above, and whether the unit is a person.
REGISTRY_GAPS: dict[str, tuple[str, str, bool]] = {
    "pkh": ("pkh_target_excluded_families", "target_families", False),
    "sembako": ("sembako_bpnt_target_excluded_families", "target_families", False),
    "blt_dd": ("blt_dd_target_excluded_families", "target_families_desa", False),
    "pbi_jk": ("pbi_jk_target_excluded_persons", "target_persons", True),
    "pip": ("pip_target_excluded_persons", "target_persons_6_21", True),
}
UNREACHED = "target_excluded_families"
ID, NAME, RANK = "area_id", "area_name", "priority_rank"


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """Return whether ``column`` is hidden (suppressed) in each row."""
    name = f"{column}_suppressed"
    if name not in frame:
        return pd.Series(False, index=frame.index)
    flags = frame[name]
    if flags.dtype == bool:
        return flags
    text = flags.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "1.0", "yes", "ya"]).fillna(False).astype(bool)


def _visible(frame: pd.DataFrame, column: str) -> pd.Series:
    """Return ``column`` as numbers, NaN where hidden or missing."""
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    values = pd.to_numeric(frame[column], errors="coerce")
    return values.where(~_flag(frame, column))


def _present(frame: pd.DataFrame, column: str) -> bool:
    """Whether the table has ``column`` with a value or a hidden cell.

    A column with neither is "no data": the exports lack the programme.
    """
    return column in frame and bool(
        pd.to_numeric(frame[column], errors="coerce").notna().any()
        or _flag(frame, column).any()
    )


def _ratio(frame: pd.DataFrame, num: str, den: str) -> tuple[pd.Series, pd.Series]:
    """Per-area ``num/den``, else the pooled ratio; and whether it is pooled."""
    a, b = _visible(frame, num), _visible(frame, den)
    own = a.notna() & b.notna() & (b > 0)
    pooled = float(a[own].sum() / b[own].sum()) if own.any() else np.nan
    return a.div(b).where(own, pooled), ~own


def _is_kelurahan(codes: pd.Series) -> pd.Series:
    """Kelurahan (type digit 1 of a 10-digit code) have no Dana Desa."""
    digits = codes.astype(str).str.replace(r"\D", "", regex=True)
    return (digits.str.len() == 10) & (digits.str[6] == "1")


def _bundle(frame: pd.DataFrame, book: CostBook, notes: list[str]) -> list[str]:
    """Return the bundle's programmes the table has; note the others."""
    have = [p for p in book.bundle if _present(frame, REGISTRY_GAPS[p][0])]
    missing = [p for p in book.bundle if p not in have]
    if missing:
        notes.append(
            tr(
                "The table has no figures for {programmes}: they are left out of "
                "the costed bundle (assumptions.bundle).",
                programmes=", ".join(missing),
            )
        )
    if not have:
        raise SchemaError(
            tr(
                "the table has none of the programmes of the bundle ({bundle}); "
                "use the area table that 'geo-priority aggregate' writes, or change "
                "assumptions.bundle in the budget config.",
                bundle=", ".join(book.bundle),
            )
        )
    return have


def _unit_factors(
    frame: pd.DataFrame, book: CostBook, programmes: list[str]
) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """Return each programme's cost for one target family of each area.

    Also whether that cost uses the ratio pooled over all areas.
    """
    persons, pooled_p = _ratio(frame, "target_persons", "target_families")
    young, pooled_y = _ratio(frame, "target_persons_6_21", "target_families")
    desa, pooled_d = _ratio(frame, "target_families_desa", "target_families")
    if ID in frame and _is_kelurahan(frame[ID]).any():
        desa = desa.where(~_is_kelurahan(frame[ID]), 0.0)
    costs = {
        "pkh": pd.Series(book.pkh_family(), index=frame.index),
        "sembako": pd.Series(book.annual("sembako"), index=frame.index),
        "pbi_jk": persons * book.annual("pbi_jk"),
        "pip": young * book.annual(book.pip_level),
        "blt_dd": desa * book.annual("blt_dd"),
    }
    none = pd.Series(False, index=frame.index)
    pooled = {"pbi_jk": pooled_p, "pip": pooled_y, "blt_dd": pooled_d}
    return (
        {p: costs[p] for p in programmes},
        {p: pooled.get(p, none) for p in programmes},
    )


def _gap_range(
    frame: pd.DataFrame, book: CostBook, programmes: list[str]
) -> pd.DataFrame:
    """Cost of closing every programme's own gap: value, or low-high range."""
    unit = {
        "pkh": book.pkh_family(),
        "sembako": book.annual("sembako"),
        "blt_dd": book.annual("blt_dd"),
        "pbi_jk": book.annual("pbi_jk"),
        "pip": book.annual(book.pip_level),
    }
    low = pd.Series(0.0, index=frame.index)
    high = pd.Series(0.0, index=frame.index)
    hidden = pd.Series(False, index=frame.index)
    for p in programmes:
        column, bound, _person = REGISTRY_GAPS[p]
        value = _visible(frame, column)
        gone = value.isna()
        hidden |= gone
        low += value.fillna(0.0) * unit[p]
        high += value.fillna(_visible(frame, bound)) * unit[p]
    exact = low.where(~hidden)
    return pd.DataFrame(
        {
            "gap_cost": exact,
            "gap_cost_low": low.where(hidden),
            "gap_cost_high": high.where(hidden),
            "gap_cost_suppressed": hidden,
        }
    )


def registry_costs(
    frame: pd.DataFrame, book: CostBook
) -> tuple[pd.DataFrame, list[str]]:
    """Return the unreached families and their costs per area of a registry table.

    Parameters
    ----------
    frame : pandas.DataFrame
        An area table of ``geo-priority aggregate`` with ``area_id``,
        ``area_name`` and ``priority_rank`` (NaN: not ranked).
    book : CostBook

    Returns
    -------
    costs : pandas.DataFrame
        ``area_id``, ``area_name``, ``priority_rank``, ``families_unreached``,
        ``cost_per_family``, ``cost_basis``, ``gap_cost`` (with its
        ``_low``/``_high`` range and ``gap_cost_suppressed``),
        ``budget_suppressed``, ``families_unreached_high``.
    notes : list of str

    Raises
    ------
    SchemaError
        When the table has no ``target_excluded_families`` or no programme of
        the bundle.
    """
    if UNREACHED not in frame:
        raise SchemaError(
            tr(
                "the table has no column {column!r}: use an area table that "
                "'geo-priority aggregate' writes (or a budget config with "
                "budget.count for a table of counts).",
                column=UNREACHED,
            )
        )
    notes: list[str] = []
    programmes = _bundle(frame, book, notes)
    per, pooled_by = _unit_factors(frame, book, programmes)
    uncosted = [p for p in programmes if per[p].isna().all()]
    if uncosted:
        notes.append(
            tr(
                "No area publishes the numbers of persons needed to cost {programmes} "
                "for one family (target_persons, target_persons_6_21 or "
                "target_families_desa): left out of the costed bundle.",
                programmes=", ".join(uncosted),
            )
        )
        programmes = [p for p in programmes if p not in uncosted]
    pooled = pd.Series(False, index=frame.index)
    for p in programmes:
        pooled |= pooled_by[p]
    zero = pd.Series(0.0, index=frame.index)
    cost = np.ceil(sum((per[p] for p in programmes), zero))
    n = _visible(frame, UNREACHED)
    out = frame[[ID, NAME, RANK]].copy()
    out["families_unreached"] = n
    out["families_unreached_high"] = _visible(frame, "target_families").where(n.isna())
    out["cost_per_family"] = cost
    out["cost_basis"] = np.where(pooled, "pooled", "own")
    out = pd.concat([out, _gap_range(frame, book, programmes)], axis=1)
    out["budget_suppressed"] = n.isna() & _flag(frame, UNREACHED)
    return out, notes


def count_costs(
    frame: pd.DataFrame, book: CostBook, *, count: str, unit: str
) -> tuple[pd.DataFrame, list[str]]:
    """Return unreached families and costs from a table of counts (kab/kota).

    Every counted family is assumed unreached (an upper bound of the need).

    Parameters
    ----------
    frame : pandas.DataFrame
        ``area_id``, ``area_name``, ``priority_rank`` and ``count``.
    book : CostBook
    count : str
        The column of the count (e.g. ``extreme_poor``).
    unit : {"persons", "families"}
        What ``count`` counts; persons are divided by the household size.

    Raises
    ------
    SchemaError
        When ``count`` is not a column.
    ConfigError
        For another ``unit``.
    """
    if count not in frame:
        raise SchemaError(
            tr(
                "budget.count = {count!r} is not a column of the analysed areas; "
                "columns: {columns}.",
                count=count,
                columns=shorten_list([str(c) for c in frame.columns], 12),
            )
        )
    if unit not in ("persons", "families"):
        raise ConfigError(
            tr(
                'budget.count_unit = {unit!r}; use "persons" or "families".',
                unit=unit,
            )
        )
    values = _visible(frame, count)
    size = book.household_size
    families = (values / size if unit == "persons" else values).round()
    programmes = [p for p in book.bundle if p in ("pkh", "sembako", "pbi_jk")]
    per = {
        "pkh": book.pkh_family(),
        "sembako": book.annual("sembako"),
        "pbi_jk": book.annual("pbi_jk") * size,
    }
    cost = float(np.ceil(sum(per[p] for p in programmes)))
    out = frame[[ID, NAME, RANK]].copy()
    out["families_unreached"] = families
    out["families_unreached_high"] = np.nan
    out["cost_per_family"] = cost
    out["cost_basis"] = "assumed"
    out["gap_cost"] = families * cost
    out["gap_cost_low"] = np.nan
    out["gap_cost_high"] = np.nan
    out["gap_cost_suppressed"] = _flag(frame, count)
    out["budget_suppressed"] = _flag(frame, count)
    notes = [_count_note(count, unit, size, book, programmes)]
    return out, notes


def _count_note(
    count: str, unit: str, size: float, book: CostBook, programmes: list[str]
) -> str:
    lang = language()
    left = [p for p in book.bundle if p not in programmes]
    text = tr(
        "Every family counted in {count!r} is assumed to be reached by no programme "
        "(the figures do not say who receives what): the cost is an upper bound of "
        "the need. Costed bundle: {bundle}.",
        count=count,
        bundle=", ".join(programmes),
    )
    if unit == "persons":
        text += " " + tr(
            "Persons are turned into families with {size} persons per family "
            "({source}).",
            size=format_number(size, lang=lang, decimals=2),
            source=book.household_source,
        )
    if left:
        text += " " + tr(
            "Left out (needs the members' ages or desa status): {left}.",
            left=", ".join(left),
        )
    return text


@dataclass(frozen=True)
class Allocation:
    """A budget's allocation across areas, greedy and optimal.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per area: the costs of :func:`registry_costs` or
        :func:`count_costs` with ``families_reached_greedy``,
        ``budget_greedy``, ``families_reached_optimal``, ``budget_optimal``,
        in priority order.
    budget : float
    totals : dict
        Families and rupiah of both allocations, their difference and the
        total gap cost (with the range of the hidden areas).
    notes : tuple of str
    """

    table: pd.DataFrame
    budget: float
    totals: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _order(costs: pd.DataFrame) -> pd.DataFrame:
    """Areas in priority order: ranked first, then by area code."""
    ranked = costs.assign(_r=pd.to_numeric(costs[RANK], errors="coerce"))
    ranked = ranked.sort_values(["_r", ID], na_position="last", kind="stable")
    return ranked.drop(columns="_r").reset_index(drop=True)


def _eligible(table: pd.DataFrame) -> pd.Series:
    return (
        table["families_unreached"].notna()
        & table["cost_per_family"].notna()
        & pd.to_numeric(table[RANK], errors="coerce").notna()
        & ~table["budget_suppressed"]
    )


def allocate(
    costs: pd.DataFrame, budget: float, notes: list[str] | None = None
) -> Allocation:
    """Allocate ``budget`` across areas, greedy by priority and optimally.

    Parameters
    ----------
    costs : pandas.DataFrame
        From :func:`registry_costs` or :func:`count_costs`.
    budget : float
        Rupiah for one year.
    notes : list of str, optional
        Notes of the cost step, kept in the result.

    Raises
    ------
    ConfigError
        For a negative budget.
    """
    if not budget >= 0:
        raise ConfigError(
            tr(
                "--budget = {value!r}; give the rupiah available, 0 or more.",
                value=budget,
            )
        )
    table = _order(costs)
    ok = _eligible(table)
    n = table.loc[ok, "families_unreached"].to_numpy(dtype=float)
    c = table.loc[ok, "cost_per_family"].to_numpy(dtype=float)
    greedy = greedy_allocation(n, c, budget)
    best, tie_break = solve_optimal(n, c, budget)
    for label, x in (("greedy", greedy), ("optimal", best)):
        table[f"families_reached_{label}"] = 0
        table.loc[ok, f"families_reached_{label}"] = x
        table[f"budget_{label}"] = table[f"families_reached_{label}"] * table[
            "cost_per_family"
        ].fillna(0.0)
        table.loc[~ok, [f"families_reached_{label}", f"budget_{label}"]] = np.nan
    all_notes = [*(notes or []), *_hidden_notes(table)]
    if not tie_break:
        all_notes.append(
            tr(
                "Optimal allocation: over {limit} areas could swap families, or "
                "the solver needed more than {seconds} s, so among the "
                "allocations reaching the most families the cheapest-first one "
                "is given (not the one closest to the priority order).",
                limit=MILP_LIMIT,
                seconds=int(TIME_LIMIT),
            )
        )
    totals = {**_totals(table, budget), "priority_tie_break": tie_break}
    return Allocation(table, float(budget), totals, tuple(all_notes))


def _totals(table: pd.DataFrame, budget: float) -> dict[str, Any]:
    fam_g = float(table["families_reached_greedy"].sum())
    fam_o = float(table["families_reached_optimal"].sum())
    hidden = table["gap_cost_suppressed"].astype(bool)
    return {
        "budget": budget,
        "families_reached_greedy": fam_g,
        "families_reached_optimal": fam_o,
        "budget_greedy": float(table["budget_greedy"].sum()),
        "budget_optimal": float(table["budget_optimal"].sum()),
        "families_difference": fam_o - fam_g,
        "families_unreached": float(table["families_unreached"].sum()),
        "gap_cost_published": float(table.loc[~hidden, "gap_cost"].sum()),
        "gap_cost_hidden_low": float(table.loc[hidden, "gap_cost_low"].sum()),
        "gap_cost_hidden_high": (
            float(table.loc[hidden, "gap_cost_high"].sum())
            if table.loc[hidden, "gap_cost_high"].notna().all()
            else None
        ),
        "areas_hidden": int(table["budget_suppressed"].sum()),
        "areas_gap_hidden": int(hidden.sum()),
    }


def _hidden_notes(table: pd.DataFrame) -> list[str]:
    notes = []
    hidden = table["budget_suppressed"].astype(bool)
    if hidden.any():
        names = shorten_list(table.loc[hidden, NAME].astype(str).tolist(), 5)
        notes.append(
            tr(
                "{n} area(s) have their number of unreached target families hidden "
                "(fewer than the threshold, or hidden to protect another cell): "
                "they get no money in either allocation, and their gap cost is "
                "given as a range (gap_cost_low to gap_cost_high), never as 0: "
                "{names}",
                n=int(hidden.sum()),
                names=names,
            )
        )
    unranked = pd.to_numeric(table[RANK], errors="coerce").isna() & ~hidden
    if unranked.any():
        notes.append(
            tr(
                "{n} area(s) have no priority rank (no score) and get no money: "
                "{names}",
                n=int(unranked.sum()),
                names=shorten_list(table.loc[unranked, NAME].astype(str).tolist(), 5),
            )
        )
    return notes
