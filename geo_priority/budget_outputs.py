"""``geo-priority budget``: read the input, allocate, write table, map and figure.

The input is a run config (TOML: its boundaries and tables give the areas,
their priority ranks and, for a registry table, the unreached families), a
budget config (TOML with a ``[budget]`` table naming a run config, and
optionally ``[unit_costs]``), or an area table of ``geo-priority aggregate``
alone (no map then: it has no boundaries; areas are taken in order of most
unreached families).

The outputs are one set, written all or nothing like a run's
(:mod:`geo_priority.io.outputset`): ``NAME_anggaran.csv`` (the table),
``NAME_anggaran.gpkg`` (the same columns on the areas), ``NAME_anggaran.html``
(the priority map with the layers "Ke mana anggaran mengalir"),
``NAME_anggaran.png`` (a bar figure) and ``NAME_anggaran_run.json`` (totals,
unit costs with their sources, assumptions, notes and the sha256 of every
file).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from geo_priority.budget import (
    ID,
    NAME,
    RANK,
    UNREACHED,
    Allocation,
    allocate,
    count_costs,
    registry_costs,
)
from geo_priority.budget_costs import CostBook, load_costbook, read_cost_file
from geo_priority.config import IndicatorConfig, Lang
from geo_priority.config_keys import check_known_keys
from geo_priority.errors import ConfigError
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr, use_language

__all__ = [
    "BudgetInput",
    "BudgetResult",
    "budget_target",
    "check_budget_outputs",
    "read_budget_input",
    "run_budget",
]

_BUDGET_KEYS = frozenset(
    {"run", "table", "amount", "count", "count_unit", "name", "code_column"}
)


@dataclass(frozen=True)
class BudgetInput:
    """What a budget run reads.

    Attributes
    ----------
    areas : pandas.DataFrame
        ``area_id``, ``area_name``, ``priority_rank`` and the figures (a
        GeoDataFrame when the input gave boundaries).
    analysis : Analysis or None
        The priority analysis of a run config (for the map).
    book : CostBook
    count : str or None
        A count column (tables of counts); None for registry tables.
    count_unit : str
    amount : float or None
        The budget of the config (``--budget`` overrides it).
    name : str
        Base name of the outputs (``NAME_anggaran.*``).
    out : Path
        Default output folder.
    notes : list of str
    """

    areas: pd.DataFrame
    analysis: Any
    book: CostBook
    count: str | None = None
    count_unit: str = "persons"
    amount: float | None = None
    name: str = "anggaran"
    out: Path = Path(".")
    notes: list[str] = field(default_factory=list)


def _digits(codes: pd.Series) -> pd.Series:
    return codes.astype(str).str.replace(r"\D", "", regex=True)


def _registry_columns(
    config: Any, areas: pd.DataFrame, notes: list[str]
) -> pd.DataFrame:
    """Join the registry table's columns that the analysis did not keep.

    The analysis has already joined the table (duplicates refused); areas
    without a row of it are named in ``notes``.
    """
    from geo_priority import io

    for spec in config.tables:
        if spec.path is None or not spec.code_column:
            continue
        table = io.read_table(
            config.resolve(spec.path), code_columns=[spec.code_column]
        )
        if UNREACHED not in table:
            continue
        table = table.assign(_key=_digits(table[spec.code_column]))
        keep = [c for c in table.columns if c not in areas.columns or c == "_key"]
        merged = areas.assign(_key=_digits(areas[ID])).merge(
            table[keep], on="_key", how="left", validate="many_to_one", indicator=True
        )
        lost = merged["_merge"] == "left_only"
        if lost.any():
            notes.append(
                tr(
                    "{n} area(s) have no row in the registry table {table!r} (codes "
                    "compared digit by digit): their programme gaps are unknown "
                    "(a range) and one family is costed with the ratios pooled over "
                    "the other areas. {names}",
                    n=int(lost.sum()),
                    table=Path(str(spec.path)).name,
                    names=shorten_list(merged.loc[lost, NAME].astype(str).tolist(), 5),
                )
            )
        return merged.drop(columns=["_key", "_merge"])
    return areas


def _load_run_config(path: Path, inline: bool) -> Any:
    """Read a run config; ``inline``: the budget config is one, minus its tables."""
    from geo_priority.config import config_from_dict, load_config

    if not inline:
        return load_config(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data = {k: v for k, v in data.items() if k not in ("budget", "unit_costs")}
    return config_from_dict(data, base_dir=str(path.resolve().parent))


def _from_run_config(
    path: Path, lang: Lang | None, budget: Mapping[str, Any], *, inline: bool
) -> tuple[pd.DataFrame, Any, Path, str, list[str]]:
    from geo_priority import pipeline
    from geo_priority.config import with_outputs

    config = with_outputs(_load_run_config(path, inline), lang=lang)
    with use_language(config.outputs.lang):
        analysis = pipeline.analyse(config)
    areas, notes = analysis.areas, list[str]()
    if budget.get("count") is None:
        areas = _registry_columns(config, areas, notes)
    out = config.resolve(config.outputs.dir)
    return areas, analysis, out, config.outputs.name, notes


def _from_table(path: Path) -> tuple[pd.DataFrame, Path, str, list[str]]:
    from geo_priority import io

    table = io.read_table(path)  # code columns are recognised and kept as text
    code = next((c for c in ("kode_wilayah", ID) if c in table), str(table.columns[0]))
    areas = table.rename(columns={code: ID})
    if NAME not in areas:
        areas[NAME] = areas["nama"] if "nama" in areas else areas[ID]
    note = []
    if RANK not in areas:
        n = pd.to_numeric(areas.get(UNREACHED), errors="coerce")
        areas[RANK] = n.rank(ascending=False, method="first")
        note.append(
            tr(
                "The table has no priority rank: 'greedy by priority' takes the "
                "areas with the most unreached target families first. Give a run "
                "config to use the priority score."
            )
        )
    return areas, path.parent, path.stem, note


def _budget_table(path: Path) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Return the ``[budget]`` and ``[unit_costs]`` tables of a budget config."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None  # read again by load_config, which says what is wrong
    if "budget" not in data:
        return None
    budget = dict(data["budget"])
    check_known_keys(budget, _BUDGET_KEYS, "[budget]")
    return budget, dict(data.get("unit_costs", {}))


def _resolve(path: Path) -> tuple[Path, dict[str, Any], dict[str, Any], bool]:
    """Return the input to analyse, ``[budget]``, ``[unit_costs]`` and ``inline``.

    ``inline``: the budget config is itself the run config.
    """
    budget: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    source = path
    if path.suffix.lower() == ".toml":
        found = _budget_table(path)
        if found is not None:
            budget, overrides = found
            named = budget.get("run") or budget.get("table")
            # without run/table the budget config is itself the run config
            source = (path.parent / str(named)).resolve() if named else path
    inline = source == path and bool(budget)
    return source, budget, overrides, inline


def budget_target(path: str | Path) -> tuple[Path, str, bool, float | None]:
    """Return the default folder, base name, whether a map is written, amount.

    Reads only the config (no data), so outputs can be checked before any work.
    """
    path = Path(path)
    source, budget, _, inline = _resolve(path)
    amount = float(budget["amount"]) if "amount" in budget else None
    if source.suffix.lower() != ".toml":
        return source.parent, str(budget.get("name", source.stem)), False, amount
    config = _load_run_config(source, inline)
    name = str(budget.get("name", config.outputs.name))
    return config.resolve(config.outputs.dir), name, True, amount


def _no_budget() -> ConfigError:
    return ConfigError(
        tr(
            "no budget given: add --budget RUPIAH (e.g. --budget 5000000000) or "
            "budget.amount in the budget config."
        )
    )


def check_budget_outputs(
    path: str | Path,
    *,
    budget: float | None = None,
    out: str | Path | None = None,
    name: str | None = None,
    overwrite: bool = False,
) -> None:
    """Raise before any work when there is no budget or files would be replaced.

    Raises
    ------
    ConfigError
        When neither ``budget`` nor ``budget.amount`` gives the money.
    OutputExistsError
        When an output exists and ``overwrite`` is off.
    """
    from geo_priority.budget_write import planned_names
    from geo_priority.io.outputset import check_set, recorded_files

    folder, base, has_map, amount = budget_target(path)
    if budget is None and amount is None:
        raise _no_budget()
    folder = Path(out) if out is not None else folder
    set_name = f"{name or base}_anggaran"
    record = folder / f"{set_name}_run.json"
    previous = recorded_files(record) if record.is_file() else []
    check_set(
        folder,
        set_name,
        planned_names(set_name, has_map),
        previous=previous,
        overwrite=overwrite,
    )


def read_budget_input(
    path: str | Path,
    *,
    lang: Lang | None = None,
    unit_costs: str | Path | None = None,
) -> BudgetInput:
    """Read a run config, a budget config or an aggregate table.

    Parameters
    ----------
    path : path-like
        ``.toml`` (run or budget config) or a table (CSV, XLSX, Parquet).
    lang : {"id", "en"}, optional
        Overrides the config's ``outputs.lang``.
    unit_costs : path-like, optional
        A unit-cost file (``--unit-costs``) applied after the config's own
        ``[unit_costs]``.

    Raises
    ------
    ConfigError
        For unknown ``[budget]`` keys or invalid unit costs.
    """
    path = Path(path)
    source, budget, overrides, inline = _resolve(path)
    if source.suffix.lower() == ".toml":
        areas, analysis, out, name, notes = _from_run_config(
            source, lang, budget, inline=inline
        )
    else:
        areas, out, name, notes = _from_table(source)
        analysis = None
    book = load_costbook(overrides, origin=path.name)
    if unit_costs is not None:
        file = read_cost_file(unit_costs)
        book = _apply_file(overrides, file, Path(unit_costs).name)
    return BudgetInput(
        areas=areas,
        analysis=analysis,
        book=book,
        count=budget.get("count"),
        count_unit=str(budget.get("count_unit", "persons")),
        amount=float(budget["amount"]) if "amount" in budget else None,
        name=str(budget.get("name", name)),
        out=out,
        notes=notes,
    )


def _apply_file(
    first: Mapping[str, Any], file: Mapping[str, Any], origin: str
) -> CostBook:
    """Apply ``--unit-costs`` after the config's own ``[unit_costs]``."""
    merged: dict[str, Any] = {}
    for part in ("costs", "household", "assumptions"):
        merged[part] = {**first.get(part, {}), **file.get(part, {})}
    loose = {k: v for k, v in file.items() if k not in merged}
    merged["costs"].update(loose)
    return load_costbook(merged, origin=origin)


@dataclass(frozen=True)
class BudgetResult:
    """What a budget run wrote.

    Attributes
    ----------
    allocation : Allocation
    files : tuple of Path
    """

    allocation: Allocation
    files: tuple[Path, ...]


def _costs(source: BudgetInput) -> tuple[pd.DataFrame, list[str]]:
    if source.count:
        return count_costs(
            source.areas, source.book, count=source.count, unit=source.count_unit
        )
    return registry_costs(source.areas, source.book)


class _Layer(NamedTuple):
    """One budget layer of the map: ``column / divisor`` shown as ``key``."""

    key: str
    column: str
    divisor: float
    unit: str | None  # None: million rupiah, in the map's language
    decimals: int | None
    label: str
    label_en: str


#: The map's budget layers, in the order of the layer menu.
_LAYERS: tuple[_Layer, ...] = (
    _Layer(
        "budget_optimal_juta",
        "budget_optimal",
        1e6,
        None,
        1,
        "Ke mana anggaran mengalir (alokasi optimal)",
        "Where the money goes (optimal allocation)",
    ),
    _Layer(
        "budget_greedy_juta",
        "budget_greedy",
        1e6,
        None,
        1,
        "Ke mana anggaran mengalir (urut prioritas)",
        "Where the money goes (by priority order)",
    ),
    _Layer(
        "families_reached_optimal",
        "families_reached_optimal",
        1.0,
        "KK",
        None,
        "Keluarga sasaran terjangkau (alokasi optimal)",
        "Target families reached (optimal allocation)",
    ),
)


def _budget_indicators(lang: str) -> list[IndicatorConfig]:
    """Return the map's budget layers (money in million rupiah)."""
    million = "juta Rp" if lang == "id" else "million Rp"
    return [
        IndicatorConfig(
            key=layer.key,
            unit=layer.unit if layer.unit is not None else million,
            decimals=layer.decimals,
            weight=0.0,
            score=False,
            optional=True,
            label=layer.label,
            label_en=layer.label_en,
        )
        for layer in _LAYERS
    ]


def _budget_map(source: BudgetInput, table: pd.DataFrame) -> Any:
    """Return the priority map with the budget layers, or None without areas."""
    from geo_priority import outputs

    analysis = source.analysis
    if analysis is None:
        return None
    cols = [ID, *(layer.column for layer in _LAYERS)]
    areas = analysis.areas.merge(table[[*cols, "budget_suppressed"]], on=ID, how="left")
    hidden = areas.pop("budget_suppressed").fillna(False).astype(bool)
    for layer in _LAYERS:
        if layer.key != layer.column:
            areas[layer.key] = areas[layer.column] / layer.divisor
        areas[f"{layer.key}_suppressed"] = hidden  # "disembunyikan", never 0
    lang = analysis.config.outputs.lang
    title = tr("Budget simulation — {title}", title=analysis.config.title or "")
    config = replace(analysis.config, title=title.rstrip(" —"))
    shown = replace(
        analysis,
        config=config,
        areas=areas,
        indicators=(*analysis.indicators, *_budget_indicators(lang)),
        levels=(),
    )
    return outputs.build_map(shown)


def run_budget(
    source: BudgetInput,
    *,
    budget: float | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
    lang: Lang = "id",
) -> BudgetResult:
    """Allocate ``budget`` and write the table, layer, map, figure and record.

    Raises
    ------
    ConfigError
        When no budget is given (``--budget`` or ``budget.amount``).
    OutputExistsError
        When an output exists and ``overwrite`` is off (before any work).
    """
    from geo_priority.budget_write import planned_names, write_budget_set

    amount = budget if budget is not None else source.amount
    if amount is None:
        raise _no_budget()
    folder = Path(out) if out is not None else source.out
    set_name = f"{source.name}_anggaran"
    from geo_priority.io.outputset import check_set, recorded_files

    record = folder / f"{set_name}_run.json"
    previous = recorded_files(record) if record.is_file() else []
    has_map = source.analysis is not None
    check_set(
        folder,
        set_name,
        planned_names(set_name, has_map),
        previous=previous,
        overwrite=overwrite,
    )
    with use_language(lang):
        table, notes = _costs(source)
        allocation = allocate(table, float(amount), [*source.notes, *notes])
        m = _budget_map(source, allocation.table)
        files = write_budget_set(
            allocation,
            source,
            folder=folder,
            set_name=set_name,
            folium_map=m,
            previous=previous,
            overwrite=overwrite,
            lang=lang,
        )
    return BudgetResult(allocation, files)
