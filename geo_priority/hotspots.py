"""Hotspots: where high (or low) values cluster, by local Moran's I and Getis-Ord Gi*.

:func:`find_hotspots` tests one column of the areas (the priority score by
default, ``[hotspots] column``):

* **neighbours**: contiguity (``queen`` by default, ``rook``) from the
  areas' geometry; islands get their ``islands_k`` nearest areas in the same
  kab/kota, or are left out and listed (:mod:`geo_priority.hotspots_weights`);
* **statistics**: local Moran's I (LISA quadrant) and Gi* z with esda, on
  binary weights, row-standardised (Gi* with the area itself);
* **inference**: pseudo p-values from conditional permutations with a fixed
  seed (:mod:`geo_priority.hotspots_inference`), then the Benjamini-Hochberg
  false-discovery-rate correction;
* **output**: a :class:`HotspotResult` with the columns of
  :data:`HOTSPOT_COLUMNS`, the legends (plain words, colours), the notes and
  the method text, in the active language.

Examples
--------
>>> HOTSPOT_COLUMNS
('hotspot', 'hotspot_p', 'gi_z', 'gi_p', 'gi_class', 'n_neighbours')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_priority.errors import ConfigError, ImplausibleValueError, SchemaError
from geo_priority.formatting import format_number, shorten_list
from geo_priority.hotspots_config import HotspotConfig
from geo_priority.hotspots_inference import bh_adjust, permutation_p
from geo_priority.hotspots_legend import (
    GiClass,
    LegendEntry,
    LisaClass,
    gi_label,
    gi_legend,
    hotspot_label,
    hotspot_legend,
)
from geo_priority.hotspots_stats import local_statistics
from geo_priority.hotspots_weights import (
    contiguity,
    group_key,
    island_neighbours,
    metric_centroids,
)
from geo_priority.messages import language, tr
from geo_priority.schema import ID, NAME, SCORE

__all__ = [
    "GI_CLASS",
    "GI_P",
    "GI_Z",
    "HOTSPOT",
    "HOTSPOT_COLUMNS",
    "HOTSPOT_P",
    "MIN_AREAS",
    "N_NEIGHBOURS",
    "HotspotResult",
    "find_hotspots",
]

HOTSPOT = "hotspot"  # tinggi-tinggi / rendah-rendah / ... / tidak signifikan
HOTSPOT_P = "hotspot_p"  # local Moran's pseudo p (FDR-adjusted when fdr = true)
GI_Z = "gi_z"  # Getis-Ord Gi* z-score
GI_P = "gi_p"  # Gi* pseudo p (FDR-adjusted when fdr = true)
GI_CLASS = "gi_class"  # titik panas / titik dingin / tidak signifikan
N_NEIGHBOURS = "n_neighbours"  # neighbours used (0: left out as an island)
HOTSPOT_COLUMNS: tuple[str, ...] = (
    HOTSPOT,
    HOTSPOT_P,
    GI_Z,
    GI_P,
    GI_CLASS,
    N_NEIGHBOURS,
)
#: Fewest areas with a value and a neighbour the test runs on.
MIN_AREAS = 3
_LISTED = 8  # names listed in a note at the most


@dataclass(frozen=True)
class HotspotResult:
    """The hotspots of one column.

    Attributes
    ----------
    frame : pandas.DataFrame
        The columns of :data:`HOTSPOT_COLUMNS`, indexed like the areas given.
        Areas not tested have missing values (``n_neighbours`` is 0 for an
        island left out, missing for an area without a value).
    legend : tuple of LegendEntry
        Legend of ``hotspot``: value, colour, meaning, count.
    gi_legend : tuple of LegendEntry
        Legend of ``gi_class``.
    notes : tuple of str
        What was left out or borrowed, in the active language.
    method : str
        How the test was made, for the method text.
    column : str
        The column tested.
    island_neighbours : mapping of str to tuple of str
        Island area code -> the codes of the nearest areas it was given.
    left_out : tuple of str
        Codes of the areas not tested.
    """

    frame: pd.DataFrame
    legend: tuple[LegendEntry, ...]
    gi_legend: tuple[LegendEntry, ...]
    notes: tuple[str, ...]
    method: str
    column: str
    island_neighbours: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    left_out: tuple[str, ...] = ()

    def join(self, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Return a copy of ``areas`` with the hotspot columns (replaced if present)."""
        out = areas.drop(columns=[c for c in HOTSPOT_COLUMNS if c in areas.columns])
        return out.join(self.frame)


def _values(areas: gpd.GeoDataFrame, column: str) -> pd.Series:
    """Return ``areas[column]`` as floats, or raise naming ``hotspots.column``."""
    if column not in areas.columns:
        raise ConfigError(
            tr(
                "hotspots.column = {value!r} is not a column of the areas. Use "
                '"priority_score" or one of: {available}.',
                value=column,
                available=shorten_list(c for c in areas.columns if c != "geometry"),
            )
        )
    raw = areas[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = values.isna() & raw.notna()
    if bad.any():
        raise ConfigError(
            tr(
                "hotspots.column = {value!r} holds text, e.g. {example!r}; hotspots "
                'need numbers. Choose a numeric column (e.g. "priority_score").',
                value=column,
                example=raw[bad].iloc[0],
            )
        )
    if np.isinf(values).any():
        raise ImplausibleValueError(
            tr(
                "column {column!r} has an infinite value in area {area!r}; fix the "
                "data before the hotspot test.",
                column=column,
                area=areas.loc[np.isinf(values), ID].iloc[0],
            )
        )
    return values


def _names(areas: gpd.GeoDataFrame, positions: Sequence[int]) -> list[str]:
    names = areas[NAME] if NAME in areas.columns else areas[ID]
    ids = areas[ID]
    return [
        str(names.iloc[p]) if pd.notna(names.iloc[p]) else str(ids.iloc[p])
        for p in positions
    ]


@dataclass
class _Plan:
    """Which areas are tested and with which neighbours (positions in ``areas``)."""

    tested: list[int]
    neighbours: list[list[int]]  # per tested area, positions in ``tested``
    borrowed: dict[int, list[int]]  # island (areas position) -> areas positions
    notes: list[str]
    n_neighbours: dict[int, int]


def _parent_word(areas: gpd.GeoDataFrame, positions: Sequence[int]) -> str:
    ids = [str(areas[ID].iloc[p]) for p in positions]
    kab = any(len(group_key(i)) == 4 for i in ids)
    return tr("kab/kota") if kab else tr("province")


def _island_notes(
    areas: gpd.GeoDataFrame,
    config: HotspotConfig,
    islands: list[int],
    borrowed: dict[int, list[int]],
) -> list[str]:
    notes = []
    if borrowed:
        pairs = [
            f"{name} ({', '.join(_names(areas, borrowed[p]))})"
            for p, name in zip(borrowed, _names(areas, list(borrowed)), strict=True)
        ]
        shown = "; ".join(pairs[:_LISTED])
        if len(pairs) > _LISTED:
            shown = tr("{names} and {n} more", names=shown, n=len(pairs) - _LISTED)
        notes.append(
            tr(
                "hotspots: {n} area(s) with no bordering neighbour (islands) were "
                "given their {k} nearest areas in the same {parent} as neighbours "
                '(hotspots.islands = "knn"): {names}',
                n=len(borrowed),
                k=config.islands_k,
                parent=_parent_word(areas, list(borrowed)),
                names=shown,
            )
        )
    alone = [p for p in islands if p not in borrowed]
    if alone and config.islands == "knn":
        notes.append(
            tr(
                "hotspots: {n} island area(s) have no other area with a value in "
                "their {parent}, so they were left out: {names}",
                n=len(alone),
                parent=_parent_word(areas, alone),
                names=shorten_list(_names(areas, alone), _LISTED),
            )
        )
    elif alone:
        notes.append(
            tr(
                "hotspots: {n} area(s) with no bordering neighbour (islands) were "
                'left out (hotspots.islands = "exclude"): {names}',
                n=len(alone),
                names=shorten_list(_names(areas, alone), _LISTED),
            )
        )
    return notes


def _plan(
    areas: gpd.GeoDataFrame, values: pd.Series, config: HotspotConfig, column: str
) -> _Plan:
    """Choose the areas tested and their neighbours."""
    geometry = areas.geometry
    usable = (
        values.notna().to_numpy() & ~(geometry.isna() | geometry.is_empty).to_numpy()
    )
    notes = []
    skipped = np.flatnonzero(~usable).tolist()
    if skipped:
        notes.append(
            tr(
                "hotspots: {n} area(s) without a value of {column!r} (or without a "
                "boundary) were left out: {names}",
                n=len(skipped),
                column=column,
                names=shorten_list(_names(areas, skipped), _LISTED),
            )
        )
    candidates = np.flatnonzero(usable).tolist()
    touching = contiguity(geometry.iloc[candidates], config.weights)
    islands = [candidates[i] for i, nb in enumerate(touching) if not nb]
    borrowed: dict[int, list[int]] = {}
    if islands and config.islands == "knn":
        groups = [group_key(str(a)) for a in areas[ID].iloc[candidates]]
        local = island_neighbours(
            [candidates.index(p) for p in islands],
            groups,
            metric_centroids(geometry.iloc[candidates]),
            config.islands_k,
        )
        borrowed = {
            candidates[i]: [candidates[j] for j in nb] for i, nb in local.items()
        }
    notes.extend(_island_notes(areas, config, islands, borrowed))
    left_out = {p for p in islands if p not in borrowed}
    tested = [p for p in candidates if p not in left_out]
    where = {p: i for i, p in enumerate(tested)}
    neighbours = [
        [where[candidates[j]] for j in nb]
        for p, nb in zip(candidates, touching, strict=True)
        if p in where
    ]
    for p, nb in borrowed.items():
        neighbours[where[p]] = [where[j] for j in nb]
    n_neighbours = {p: len(neighbours[where[p]]) for p in tested}
    n_neighbours.update(dict.fromkeys(left_out, 0))
    return _Plan(tested, neighbours, borrowed, notes, n_neighbours)


def _lisa_code(q: int, significant: bool) -> LisaClass:
    if not significant:
        return "ns"
    codes: dict[int, LisaClass] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    return codes[q]


def _gi_code(z: float, significant: bool) -> GiClass:
    if not significant or not np.isfinite(z) or z == 0:
        return "ns"
    return "hot" if z > 0 else "cold"


def _method(config: HotspotConfig, column: str, label: str, parent: str) -> str:
    contiguity_text = (
        tr("areas that share a border or a corner")
        if config.weights == "queen"
        else tr("areas that share a border")
    )
    islands_text = (
        tr(
            "an area with no such neighbour (an island) gets its {k} nearest areas "
            "in the same {parent}",
            k=config.islands_k,
            parent=parent,
        )
        if config.islands == "knn"
        else tr("an area with no such neighbour (an island) is left out")
    )
    correction = (
        tr("after the Benjamini-Hochberg false-discovery-rate correction")
        if config.fdr
        else tr("without a correction for testing many areas")
    )
    return tr(
        "Hotspots of {label}: local Moran's I (LISA) and Getis-Ord Gi*, with "
        "{contiguity} as neighbours ({weights} contiguity); {islands}. Pseudo "
        "p-values from {permutations} conditional permutations (seed {seed}); "
        "significant at p <= {alpha} {correction}.",
        label=tr("the priority score") if column == SCORE else label,
        contiguity=contiguity_text,
        weights=config.weights,
        islands=islands_text,
        permutations=config.permutations,
        seed=config.seed,
        alpha=format_number(config.alpha, lang=language(), decimals=4),
        correction=correction,
    )


def _too_few(column: str, n: int) -> ConfigError:
    return ConfigError(
        tr(
            "the hotspot test needs at least {min} areas with a value of {column!r} "
            "and a neighbour; {n} have one. Use a finer level or more areas, or set "
            "hotspots.enabled = false.",
            min=MIN_AREAS,
            column=column,
            n=n,
        )
    )


@dataclass(frozen=True)
class _Tested:
    """The statistics of the tested areas, in the order of ``_Plan.tested``."""

    quadrant: np.ndarray  # esda's q: 1 HH, 2 LH, 3 LL, 4 HL
    gi_z: np.ndarray
    p_lisa: np.ndarray  # adjusted when fdr = true
    p_gi: np.ndarray
    note: str | None = None


def _test(y: np.ndarray, plan: _Plan, config: HotspotConfig, column: str) -> _Tested:
    """Compute the statistics and their (adjusted) pseudo p-values."""
    if np.ptp(y) == 0:
        ones = np.ones(len(y))
        note = tr(
            "hotspots: every tested area has the same value of {column!r}, so "
            "there is no cluster to find; all are not significant.",
            column=column,
        )
        return _Tested(
            np.zeros(len(y), dtype=int), np.full(len(y), np.nan), ones, ones, note
        )
    stats = local_statistics(y, plan.neighbours)
    p_gi = permutation_p(
        y, plan.neighbours, permutations=config.permutations, seed=config.seed
    )
    # local Moran's I is 0 in every draw for an area exactly at the mean
    at_mean = np.isclose(y, y.mean(), rtol=0, atol=1e-12 * np.abs(y).max())
    p_lisa = np.where(at_mean, 1.0, p_gi)
    if config.fdr:
        p_lisa, p_gi = bh_adjust(p_lisa), bh_adjust(p_gi)
    return _Tested(stats.quadrant, stats.gi_z, p_lisa, p_gi)


def _frame(
    areas: gpd.GeoDataFrame, plan: _Plan, tested: _Tested, alpha: float
) -> tuple[pd.DataFrame, list[LisaClass | None], list[GiClass | None]]:
    """Return the hotspot columns and every area's LISA and Gi* class."""
    lisa: list[LisaClass | None] = [None] * len(areas)
    gi: list[GiClass | None] = [None] * len(areas)
    for i, pos in enumerate(plan.tested):
        lisa[pos] = _lisa_code(int(tested.quadrant[i]), bool(tested.p_lisa[i] <= alpha))
        gi[pos] = _gi_code(float(tested.gi_z[i]), bool(tested.p_gi[i] <= alpha))
    frame = pd.DataFrame(index=areas.index)
    frame[HOTSPOT] = pd.array([hotspot_label(c) if c else None for c in lisa], "string")
    for name, values in (
        (HOTSPOT_P, tested.p_lisa),
        (GI_Z, tested.gi_z),
        (GI_P, tested.p_gi),
    ):
        full = np.full(len(areas), np.nan)
        full[plan.tested] = values
        frame[name] = full
    frame[GI_CLASS] = pd.array([gi_label(c) if c else None for c in gi], "string")
    frame[N_NEIGHBOURS] = pd.array(
        [plan.n_neighbours.get(p) for p in range(len(areas))], dtype="Int64"
    )
    return frame, lisa, gi


def find_hotspots(
    areas: gpd.GeoDataFrame,
    column: str | None = None,
    config: HotspotConfig | None = None,
    *,
    label: str | None = None,
) -> HotspotResult:
    """Find where high and low values of ``column`` cluster.

    It does not read ``config.enabled``: the caller decides whether to run it.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The areas, with :data:`~geo_priority.schema.ID` (canonical codes: the
        kab/kota of an island is read from it), polygons and ``column``;
        :data:`~geo_priority.schema.NAME` names them in the notes.
    column : str, optional
        The column tested (default ``config.column``, the priority score).
    config : HotspotConfig, optional
        The ``[hotspots]`` settings (default: all defaults).
    label : str, optional
        ``column`` in words for the legend (default the column name).

    Returns
    -------
    HotspotResult

    Raises
    ------
    ConfigError
        When the column is absent or not numeric, or fewer than
        :data:`MIN_AREAS` areas can be tested.
    SchemaError
        When the areas have no :data:`~geo_priority.schema.ID` column.
    ImplausibleValueError
        When the column has an infinite value.
    """
    config = config or HotspotConfig()
    column = column or config.column
    label = label or column
    if ID not in areas.columns:
        raise SchemaError(
            tr(
                "the areas have no {column!r} column; prepare the boundaries first "
                "(the hotspot test reads each island's kab/kota from its code).",
                column=ID,
            )
        )
    values = _values(areas, column)
    plan = _plan(areas, values, config, column)
    if len(plan.tested) < MIN_AREAS:
        raise _too_few(column, len(plan.tested))
    tested = _test(values.iloc[plan.tested].to_numpy(), plan, config, column)
    frame, lisa, gi = _frame(areas, plan, tested, config.alpha)
    ids = areas[ID].astype(str).tolist()
    kept = set(plan.tested)
    legend_args: dict[str, Any] = {
        "column": column,
        "label": label,
        "alpha": config.alpha,
        "fdr": config.fdr,
    }
    return HotspotResult(
        frame=frame[list(HOTSPOT_COLUMNS)],
        legend=hotspot_legend(Counter(lisa), **legend_args),
        gi_legend=gi_legend(Counter(gi), **legend_args),
        notes=tuple(plan.notes) + ((tested.note,) if tested.note else ()),
        method=_method(config, column, label, _parent_word(areas, plan.tested)),
        column=column,
        island_neighbours={
            ids[p]: tuple(ids[j] for j in nb) for p, nb in plan.borrowed.items()
        },
        left_out=tuple(ids[p] for p in range(len(areas)) if p not in kept),
    )
