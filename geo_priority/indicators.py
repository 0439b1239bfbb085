"""Pick the configured indicators out of long or wide tables.

Long tables (``kode, tahun, indicator, value``) and wide tables (one column per
indicator) both become one wide frame per table: the table's key columns plus
one column per indicator key. Pure: takes and returns DataFrames.

Examples
--------
>>> import pandas as pd
>>> from geo_priority.config import IndicatorConfig, TableConfig
>>> long = pd.DataFrame({"kode": ["36.01", "36.01", "36.02"],
...                      "tahun": ["2022", "2023", "2022"],
...                      "indicator": ["p0"] * 3, "value": [9.3, 9.2, 8.9]})
>>> spec = TableConfig(path="t.csv", code_column="kode")
>>> wide, found = select_indicators(long, spec, [IndicatorConfig(key="p0", year=2022)])
>>> wide.to_dict("records")
[{'kode': '36.01', 'p0': 9.3}, {'kode': '36.02', 'p0': 8.9}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from geo_priority.config import IndicatorConfig, TableConfig
from geo_priority.errors import SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr

#: Suffix of the boolean column that marks a value hidden by small-cell
#: suppression (written by :mod:`geo_priority.microdata`).
SUPPRESSED_SUFFIX = "_suppressed"

TableLayout = Literal["long", "wide"]


def table_layout(table: pd.DataFrame, spec: TableConfig) -> TableLayout:
    """Return ``"long"`` or ``"wide"`` for ``table`` as declared or detected.

    Parameters
    ----------
    table : pandas.DataFrame
        The table as read.
    spec : TableConfig
        Its layout (``"auto"`` looks for the indicator and value columns).

    Returns
    -------
    {"long", "wide"}
    """
    if spec.layout == "bps":  # read into the long layout by io
        return "long"
    if spec.layout == "long" or spec.layout == "wide":
        return spec.layout
    has_long = {spec.indicator_column, spec.value_column} <= set(table.columns)
    return "long" if has_long else "wide"


def key_columns(spec: TableConfig) -> list[str]:
    """Return the columns that identify an area in this table.

    Parameters
    ----------
    spec : TableConfig
        The table's configuration.

    Returns
    -------
    list of str
        The code column and/or the name column, then the parent column (the
        province of each row), in that order.
    """
    return [c for c in (spec.code_column, spec.name_column, spec.parent_column) if c]


def available_indicators(table: pd.DataFrame, spec: TableConfig) -> list[str]:
    """List what the table offers: indicator names (long) or columns (wide).

    Parameters
    ----------
    table : pandas.DataFrame
        The table as read.
    spec : TableConfig
        How the table is laid out.

    Returns
    -------
    list of str
        Sorted indicator names of a long table, or the value columns of a
        wide table (key and year columns left out).
    """
    if table_layout(table, spec) == "long":
        return sorted(table[spec.indicator_column].dropna().astype(str).unique())
    keys = set(key_columns(spec)) | {spec.year_column}
    return [c for c in table.columns if c not in keys]


def _years(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def _filter_year(
    rows: pd.DataFrame, spec: TableConfig, ind: IndicatorConfig, what: str
) -> pd.DataFrame:
    if spec.year_column not in rows.columns:
        return rows
    years = _years(rows[spec.year_column])
    if ind.year is not None:
        return rows[years == ind.year]
    distinct = sorted(int(y) for y in years.dropna().unique())
    if len(distinct) > 1:
        raise SchemaError(
            tr(
                "{what} {source!r} in table {label!r} has values for several years "
                "({value}). Set year = {distinct} for indicator {key!r} in the "
                "config.",
                what=tr("indicator") if what == "indicator" else tr("column"),
                source=ind.source,
                label=spec.label,
                value=shorten_list(distinct),
                distinct=distinct[-1],
                key=ind.key,
            )
        )
    return rows


def _check_unique(
    rows: pd.DataFrame, keys: list[str], spec: TableConfig, ind: IndicatorConfig
) -> None:
    dupes = rows[rows.duplicated(keys, keep=False)]
    if not dupes.empty:
        examples = dupes[keys[0]].astype(str).unique().tolist()
        raise SchemaError(
            tr(
                "table {label!r} has {n_examples} area(s) with more than one value "
                "for indicator {source!r} (year {year}): {value}. Remove the "
                "duplicate rows or set the year.",
                label=spec.label,
                n_examples=len(examples),
                source=ind.source,
                year=ind.year,
                value=shorten_list(examples, 5),
            )
        )


def _pick_long(
    table: pd.DataFrame, spec: TableConfig, ind: IndicatorConfig
) -> pd.DataFrame | None:
    rows = table[table[spec.indicator_column].astype(str) == ind.source]
    if rows.empty:
        return None
    rows = _filter_year(rows, spec, ind, "indicator")
    keys = key_columns(spec)
    _check_unique(rows, keys, spec, ind)
    values = pd.to_numeric(rows[spec.value_column], errors="coerce")
    return rows[keys].assign(**{ind.key: values.to_numpy()})


def _pick_wide(
    table: pd.DataFrame, spec: TableConfig, ind: IndicatorConfig
) -> pd.DataFrame | None:
    if ind.source not in table.columns:
        return None
    rows = _filter_year(table, spec, ind, "column")
    keys = key_columns(spec)
    _check_unique(rows, keys, spec, ind)
    values = pd.to_numeric(rows[ind.source], errors="coerce")
    picked = rows[keys].assign(**{ind.key: values.to_numpy()})
    flag = f"{ind.source}{SUPPRESSED_SUFFIX}"
    if flag in rows.columns:  # disclosure control: carry the flag along
        hidden = rows[flag].astype(str).str.strip().str.lower().isin(["true", "1"])
        picked[f"{ind.key}{SUPPRESSED_SUFFIX}"] = hidden.to_numpy()
    return picked


def select_indicators(
    table: pd.DataFrame,
    spec: TableConfig,
    indicators: Sequence[IndicatorConfig],
    /,
) -> tuple[pd.DataFrame, list[str]]:
    """Return a wide frame of the indicators this table provides.

    Parameters
    ----------
    table : pandas.DataFrame
        The table as read (codes as text).
    spec : TableConfig
        How the table is laid out.
    indicators : sequence of IndicatorConfig
        The indicators wanted; those whose ``table`` names another table are
        skipped.

    Returns
    -------
    wide : pandas.DataFrame
        Key columns plus one column per indicator found (named by its key).
    found : list of str
        Keys of the indicators found in this table.

    Raises
    ------
    SchemaError
        When key columns are missing, an indicator has several values for one
        area, or several years and no year is configured.
    """
    missing = [c for c in key_columns(spec) if c not in table.columns]
    if missing:
        raise SchemaError(
            tr(
                "table {label!r} has no column {missing!r}. Available columns: "
                "{value}. Fix code_column/name_column.",
                label=spec.label,
                missing=missing[0],
                value=shorten_list(table.columns),
            )
        )
    layout = table_layout(table, spec)
    pick = _pick_long if layout == "long" else _pick_wide
    keys = key_columns(spec)
    one_row_each = not table.duplicated(keys).any()
    wide = table[keys] if one_row_each else table[keys].drop_duplicates()
    wide = wide.reset_index(drop=True)
    found: list[str] = []
    for ind in indicators:
        if ind.table not in (None, spec.label):
            continue
        part = pick(table, spec, ind)
        if part is None:
            continue
        if one_row_each and _row_by_row(part, table, wide, keys):
            wide = _beside(wide, part, keys)
        else:
            wide = wide.merge(part, on=keys, how="left", validate="one_to_one")
        found.append(ind.key)
    return wide, found


def _row_by_row(
    part: pd.DataFrame, table: pd.DataFrame, wide: pd.DataFrame, keys: list[str]
) -> bool:
    """Whether ``part`` has the table's rows in order and only new columns."""
    new = part.columns.difference(keys)
    return bool(part.index.equals(table.index)) and new.intersection(wide.columns).empty


def _beside(wide: pd.DataFrame, part: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return ``wide`` with the value columns of ``part``, row by row.

    ``part`` holds every row of a table whose keys are all different, in the
    table's order, as ``wide`` does: the left merge on the keys would pair
    each row with itself, so the columns are put side by side instead (the
    same frame, without hashing the keys twice per indicator).
    """
    values = part.drop(columns=keys).reset_index(drop=True)
    return pd.concat([wide, values], axis=1)
