"""Prepare boundary layers and join indicator tables to them.

Every function takes and returns in-memory frames; nothing here reads files.

* :func:`prepare_boundaries` adds the canonical keys :data:`~geo_priority.schema.ID`,
  :data:`~geo_priority.schema.NAME` and :data:`~geo_priority.schema.PARENT`, checks
  codes, levels and duplicates, and repairs invalid geometry.
* :func:`dissolve_to_level` builds coarser areas along the code hierarchy.
* :func:`aggregate_indicators` sums counts and re-derives rates at a coarser level.
* :func:`join_indicators` attaches a table by code (directly, by identical digits
  or through a :class:`~geo_priority.regions.Crosswalk`) or by name, and returns a
  :class:`~geo_priority.schema.JoinReport` with one entry per row and area.

Codes are read once per table (:class:`~geo_priority.codes.CodeColumn`) into
:class:`~geo_priority.codes.ParsedCode` values; levels, parents and reference
names come from those values (:mod:`geo_priority.area_keys`). Deciding which
area a row belongs to is the matching engine (:mod:`geo_priority.matching` by
code, :mod:`geo_priority.name_matching` by name); geometry checks and repairs
are in :mod:`geo_priority.geometry`. This module calls them in order.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_priority.area_keys import (
    area_attrs,
    check_levels,
    check_unique,
    known_level,
    parent_ids,
    read_codes,
    reference_names,
    warn_unknown_codes,
    with_keys,
)
from geo_priority.codes import (
    CodeColumn,
    ParsedCode,
    SystemChoice,
    parent_codes,
    parse_code,
)
from geo_priority.errors import MissingDataWarning, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.geometry import (
    DISPLAY_TOLERANCE,
    LOD_AREAS,
    Draft,
    check_has_crs,
    check_plausible_coordinates,
    check_polygons,
    check_same_crs,
    choose_tolerance,
    draft_tolerance,
    drafted,
    drawn,
    in_lonlat,
    in_threads,
    is_valid,
    known_validity,
    lod_tolerances,
    repair_invalid,
    simplified_union,
    typical_size_of,
)
from geo_priority.messages import tr
from geo_priority.regions import check_columns
from geo_priority.schema import (
    ID,
    LEVELS,
    NAME,
    PARENT,
    CodeSystem,
    Level,
)
from geo_priority.table_join import join_indicators

__all__ = [
    "DISPLAY_TOLERANCE",
    "N_CHILDREN",
    "aggregate_indicators",
    "check_same_crs",
    "display_levels",
    "dissolve_to_level",
    "join_indicators",
    "prepare_boundaries",
]

#: Column added by :func:`dissolve_to_level` and :func:`aggregate_indicators`.
N_CHILDREN = "n_children"


def prepare_boundaries(
    gdf: gpd.GeoDataFrame,
    /,
    *,
    code_column: str,
    name_column: str | None = None,
    code_system: SystemChoice = "auto",
    level: Level | None = None,
    drop_empty: bool = False,
) -> gpd.GeoDataFrame:
    """Add canonical keys to a boundary layer and check it.

    Adds :data:`ID` (canonical code, string dtype), :data:`NAME` (from
    ``name_column``; else the Kemendagri reference name, also for BPS codes at
    provinsi/kab level in digit-identical provinces; else missing) and
    :data:`PARENT` (one level up; missing at provinsi) in front of the existing
    columns, and sets ``attrs["code_system"]`` and ``attrs["level"]``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer, with a CRS.
    code_column : str
        Column holding the area codes.
    name_column : str, optional
        Column holding the area names.
    code_system : {"auto", "kemendagri", "bps"}
        System of the codes; "auto" detects it from the whole column (plain
        2/4-digit codes in digit-identical provinces are taken as BPS).
    level : {"provinsi", "kabkota", "kecamatan", "desa"}, optional
        Expected level; checked against the codes.
    drop_empty : bool
        Drop null/empty geometries with a warning instead of raising.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with the key columns and repaired geometry; the index of
        ``gdf`` is kept (minus dropped rows), so rows can be traced back.

    Raises
    ------
    SchemaError
        Missing column, duplicated codes, mixed or unexpected level.
    CodeError
        Unreadable codes, or a code system that cannot be detected.
    CRSError
        The layer has no CRS, or coordinates outside its CRS's range
        (projected metres labelled EPSG:4326).
    GeometryError
        Null/empty geometries (unless ``drop_empty``), non-polygons, or
        geometries that cannot be repaired.

    Warns
    -----
    GeometryRepairedWarning
        Once, when invalid geometries were repaired or empty ones dropped.
    UnmatchedKeysWarning
        Once, when Kemendagri codes are not in the reference table.

    Examples
    --------
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame({"kode": ["36.01", "36.73"]},
    ...                        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                        crs="EPSG:3857")
    >>> areas = prepare_boundaries(gdf, code_column="kode")
    >>> areas[[ID, NAME, PARENT]].values.tolist()
    [['36.01', 'Kabupaten Pandeglang', '36'], ['36.73', 'Kota Serang', '36']]
    >>> areas.attrs
    {'code_system': 'kemendagri', 'level': 'kabkota'}
    """
    check_columns(gdf, (code_column, name_column), "boundary")
    check_has_crs(gdf)
    check_plausible_coordinates(gdf)
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    known = known_validity(geoms)  # checked while the file was read, if it was
    with ThreadPoolExecutor(1) as pool:  # else checked here (no GIL) meanwhile
        checking = pool.submit(in_threads, is_valid, geoms) if known is None else None
        expected = None if level is None else known_level(level)
        codes, system = read_codes(gdf[code_column], code_system, code_column, "bps")
        area_level = check_levels(codes, expected)
        names = gdf[name_column] if name_column else reference_names(codes)
        out = check_polygons(with_keys(gdf, codes, names, area_level), drop_empty)
        rows = out.index.to_numpy()  # positions in gdf of the rows kept
        valid = known if checking is None else checking.result()
        assert valid is not None  # noted while read, or checked here
        out = repair_invalid(out, valid=valid[rows])
    out.index = gdf.index[rows]  # keep the caller's row labels
    warn_unknown_codes([codes[i] for i in rows.tolist()], system)
    out.attrs = {"code_system": system, "level": area_level}
    return out


# --------------------------------------------------------------- dissolve_to_level


def _check_target_level(level: object, current: Level, what: str) -> None:
    """Raise SchemaError unless ``level`` is ``current`` or coarser."""
    if LEVELS.index(known_level(level)) > LEVELS.index(current):
        raise SchemaError(
            tr(
                "cannot {what} {current} areas to the finer level {level!r}; choose "
                "one of: {levels}.",
                what=tr("dissolve") if what == "dissolve" else tr("aggregate"),
                current=current,
                level=level,
                levels=", ".join(LEVELS[: LEVELS.index(current) + 1]),
            )
        )


def _names_for(
    parents: Sequence[ParsedCode], system: CodeSystem, names: Mapping[str, str] | None
) -> list[str | None]:
    """Names of dissolved areas: from ``names`` if given, else the reference."""
    if names is None:
        return reference_names(parents)
    canonical = {parse_code(k, system=system).code: v for k, v in names.items()}
    return [canonical.get(code.code) for code in parents]


def dissolve_to_level(
    areas: gpd.GeoDataFrame, /, *, level: Level, names: Mapping[str, str] | None = None
) -> gpd.GeoDataFrame:
    """Dissolve prepared areas into a coarser level along the code hierarchy.

    Attribute columns are dropped (indicators are aggregated separately with
    :func:`aggregate_indicators`; averaging rates would be wrong).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Output of :func:`prepare_boundaries`.
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Target level, the same as or coarser than the areas.
    names : mapping of str to str, optional
        Code -> name of the coarser areas. By default names come from the
        Kemendagri reference (for BPS codes only at provinsi/kab level in
        digit-identical provinces); other names are missing.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ID, NAME, PARENT, ``n_children`` and geometry, sorted by ID,
        with ``attrs`` updated.

    Raises
    ------
    SchemaError
        When ``areas`` lacks ID or ``level`` is finer than the areas.

    Examples
    --------
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"kode": ["36.01.01", "36.01.02", "36.02.01"]},
    ...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2)],
    ...     crs="EPSG:3857")
    >>> kab = dissolve_to_level(prepare_boundaries(gdf, code_column="kode"),
    ...                         level="kabkota")
    >>> kab[[ID, N_CHILDREN]].values.tolist(), kab.area.tolist()
    ([['36.01', 2], ['36.02', 1]], [2.0, 1.0])
    """
    system, current = area_attrs(areas)
    _check_target_level(level, current, "dissolve")
    codes = CodeColumn(areas[ID]).codes(system)
    keys = parent_codes(codes, level)
    work = gpd.GeoDataFrame(
        {
            "_key": keys,
            N_CHILDREN: np.ones(len(keys), dtype="int64"),
        },
        geometry=np.asarray(areas.geometry.array, dtype=object),
        crs=areas.crs,
    )
    merged = work.dissolve(by="_key", aggfunc="sum", sort=True)
    child = dict(zip(keys, range(len(keys)), strict=True))  # a child of each key
    kept = [codes[child[str(k)]].parent(level) for k in merged.index]
    counts = merged[N_CHILDREN].to_numpy(dtype="int64")
    geometry = merged.geometry.to_numpy()
    return _level_frame(kept, counts, geometry, (system, level), names, areas.crs)


def _level_frame(
    kept: Sequence[ParsedCode],
    counts: np.ndarray,
    geometry: np.ndarray,
    system_level: tuple[CodeSystem, Level],
    names: Mapping[str, str] | None,
    crs: object,
) -> gpd.GeoDataFrame:
    """Return the dissolved areas' frame (ID, NAME, PARENT, n_children, geometry)."""
    system, level = system_level
    out = gpd.GeoDataFrame(
        {
            ID: pd.array([p.code for p in kept], dtype="string"),
            NAME: pd.array(_names_for(kept, system, names), dtype="string"),
            PARENT: parent_ids(kept, level).array,
            N_CHILDREN: counts,
        },
        geometry=geometry,
        crs=crs,
    )
    out.attrs = {"code_system": system, "level": level}
    return out


def _hierarchy(
    codes: Sequence[ParsedCode], levels: Iterable[Level]
) -> dict[Level, tuple[list[ParsedCode], np.ndarray, np.ndarray]]:
    """Return the coarser levels' areas and where each finer area belongs.

    Per level, finest first: its areas (sorted by code), the index among
    them of each of ``codes``' ancestors, and of each next finer area's.
    Each level's parents are read from the next finer level's few areas, not
    from every code again.
    """
    out = {}
    current, of_code = list(codes), np.arange(len(codes))
    for level in sorted(set(levels), key=LEVELS.index, reverse=True):
        keys = np.array(parent_codes(current, level), dtype=object)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        current = [current[i].parent(level) for i in first]
        of_code = inverse[of_code]
        out[level] = (current, of_code, inverse)
    return out


def _display_tolerances(
    geoms: np.ndarray, of_code: Mapping[Level, np.ndarray], levels: Sequence[Level]
) -> list[float]:
    """Each level's display tolerance (degrees), as the map will choose it.

    Level of detail (see :func:`geo_priority.geometry.lod_tolerances`) when
    there are more than :data:`~geo_priority.geometry.LOD_AREAS` areas; else
    one tolerance for the whole extent (``choose_tolerance``). A coarser
    area's size is taken from the box around its children; ``of_code`` maps
    each area to its ancestor at each level.
    """
    bounds = shapely.bounds(geoms)
    if len(geoms) <= LOD_AREAS:
        total = (*bounds[:, :2].min(axis=0), *bounds[:, 2:].max(axis=0))
        return [choose_tolerance(total)] * len(levels)
    frame = pd.DataFrame(bounds, columns=["x0", "y0", "x1", "y1"])
    sizes = [typical_size_of(bounds)]
    for level in levels:
        boxes = frame.groupby(of_code[level]).agg(
            {"x0": "min", "y0": "min", "x1": "max", "y1": "max"}
        )
        sizes.append(typical_size_of(boxes.to_numpy()))
    return [tolerance for _, tolerance in lod_tolerances(sizes)[1:]]


def display_levels(
    areas: gpd.GeoDataFrame, /, levels: Sequence[Level]
) -> list[gpd.GeoDataFrame]:
    """Dissolve prepared areas into coarser levels for the map only (EPSG:4326).

    Like :func:`dissolve_to_level`, but the shapes are for drawing: each
    level is the union of its children simplified to the level's display
    tolerance (about one screen pixel at the closest zoom the map draws it;
    :func:`geo_priority.geometry.simplified_union`), built from the next
    finer level (desa -> kecamatan -> kab/kota -> provinsi). It is within a
    few tolerances of the exact dissolve and many times faster (national
    desa: seconds instead of minutes). Not for GIS exports; the attrs record
    the tolerance as :data:`DISPLAY_TOLERANCE`.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Output of :func:`prepare_boundaries`.
    levels : sequence of {"provinsi", "kabkota", "kecamatan"}
        Coarser levels, in any order.

    Returns
    -------
    list of geopandas.GeoDataFrame
        One per level, in the order of ``levels``, with the columns of
        :func:`dissolve_to_level`, in EPSG:4326.

    Examples
    --------
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"kode": ["36.01.01", "36.01.02", "36.02.01"]},
    ...     geometry=[box(106, -6, 106.1, -5.9), box(106.1, -6, 106.2, -5.9),
    ...               box(106, -5.9, 106.1, -5.8)], crs=4326)
    >>> kab, = display_levels(prepare_boundaries(gdf, code_column="kode"),
    ...                       ["kabkota"])
    >>> kab[ID].tolist(), kab[N_CHILDREN].tolist(), kab.geom_type.tolist()
    (['36.01', '36.02'], [2, 1], ['MultiPolygon', 'MultiPolygon'])
    >>> round(kab.attrs[DISPLAY_TOLERANCE] * 4000, 6)  # see choose_tolerance
    0.26
    """
    plan = display_plan(areas, levels)
    return display_frames(plan, display_shapes_of(plan))


@dataclass(frozen=True)
class DisplayPlan:
    """What :func:`display_levels` reads from the areas (:func:`display_plan`).

    ``geoms``: the areas' polygons in EPSG:4326; ``hierarchy``: per level,
    finest first, its areas and where each next finer area belongs
    (``_hierarchy``); ``tolerances``: each level's display tolerance;
    ``draft``: the tolerance the areas are drawn at when the first level is
    built from their drawing (:func:`~geo_priority.geometry.draft_tolerance`,
    when that drawing is at most a quarter of the level's tolerance), else
    None.
    """

    system: CodeSystem
    levels: tuple[Level, ...]
    geoms: np.ndarray
    hierarchy: dict[Level, tuple[list[ParsedCode], np.ndarray, np.ndarray]]
    tolerances: dict[Level, float]
    draft: float | None = None


def display_plan(areas: gpd.GeoDataFrame, /, levels: Sequence[Level]) -> DisplayPlan:
    """Read from prepared ``areas`` what :func:`display_levels` needs.

    The pandas and geopandas part of :func:`display_levels` (codes, CRS,
    tolerances), for the caller's thread: see :func:`display_shapes_of`.
    """
    system, current = area_attrs(areas)
    for level in levels:
        _check_target_level(level, current, "dissolve")
    geoms = np.asarray(in_lonlat(areas.geometry).array, dtype=object)
    hierarchy = _hierarchy(CodeColumn(areas[ID]).codes(system), levels)
    of_code = {level: of for level, (_, of, _) in hierarchy.items()}
    tolerances = dict(
        zip(levels, _display_tolerances(geoms, of_code, levels), strict=True)
    )
    first = min(tolerances.values(), default=0.0)
    draft = None if areas.attrs.get(DISPLAY_TOLERANCE) else draft_tolerance(geoms)
    if draft is not None and draft > first / 2:
        draft = None
    return DisplayPlan(system, tuple(levels), geoms, hierarchy, tolerances, draft)


def display_shapes_of(
    plan: DisplayPlan,
    draft: Draft | None = None,
    done: Callable[[Level, np.ndarray], None] | None = None,
) -> dict[Level, tuple[np.ndarray, np.ndarray]]:
    """Return each level's display shapes and counts of areas of ``plan``.

    Arrays only (shapely and numpy, no pandas or geopandas object), so that
    it can run in a thread beside the caller without touching the process's
    ``warnings`` state (``warnings.catch_warnings`` is not thread-safe).
    The first level is built from the areas' drawing when ``plan.draft``
    says so: ``draft`` when it was made already (``drafted`` of the drawn
    areas at ``plan.draft``), else made here. ``done`` is called with each
    level and its polygons as soon as they are made (finest first).

    Returns
    -------
    dict
        Per level, finest first: its polygons and its number of areas each.
    """
    finest = geoms = _drafted_areas(plan, draft)
    counts = np.ones(len(geoms), dtype="int64")
    out = {}
    for level, (_, of_code, of_finer) in plan.hierarchy.items():  # finest first
        tolerance = plan.tolerances[level]
        _, geoms = simplified_union(
            geoms, of_finer, tolerance, size=len(plan.geoms), cover=(finest, of_code)
        )
        counts = np.bincount(of_finer, weights=counts).astype("int64")
        out[level] = (geoms, counts)
        if done is not None:
            done(level, geoms)
    return out


def areas_draft(plan: DisplayPlan) -> Draft | None:
    """Return the drawing of the areas the first level is built from, or None.

    :func:`~geo_priority.geometry.drafted` of the drawn areas (not missing,
    not empty) at ``plan.draft``; None when the first level is built from
    the areas as they are.
    """
    if plan.draft is None:
        return None
    return drafted(plan.geoms[drawn(plan.geoms)], plan.draft)


def _drafted_areas(plan: DisplayPlan, draft: Draft | None) -> np.ndarray:
    """Return the areas as the first level is built from them (see ``plan.draft``).

    The drawn areas replaced by their drawing (``draft``, else
    :func:`areas_draft`); the areas as they are when ``plan.draft`` is None.
    """
    if plan.draft is None:
        return plan.geoms
    if draft is None or draft.tolerance != plan.draft or draft.coverage:
        draft = areas_draft(plan)
    assert draft is not None  # plan.draft is set
    shown = drawn(plan.geoms)
    if len(draft.geoms) != int(shown.sum()):
        raise ValueError("the draft is not of the drawn areas")
    out = plan.geoms.copy()
    out[shown] = draft.geoms
    return out


def display_frames(
    plan: DisplayPlan, shapes: Mapping[Level, tuple[np.ndarray, np.ndarray]]
) -> list[gpd.GeoDataFrame]:
    """Return the frames of :func:`display_levels` from :func:`display_shapes_of`."""
    out = {}
    for level, (kept, _, _) in plan.hierarchy.items():
        geoms, counts = shapes[level]
        frame = _level_frame(kept, counts, geoms, (plan.system, level), None, 4326)
        frame.attrs[DISPLAY_TOLERANCE] = plan.tolerances[level]
        out[level] = frame
    return [out[level] for level in plan.levels]


# ------------------------------------------------------------ aggregate_indicators


def _numeric(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Columns as float; raise SchemaError when a cell is not a number."""
    out = {}
    for column in dict.fromkeys(columns):
        numbers = pd.to_numeric(table[column], errors="coerce").astype("float64")
        bad = table[column][numbers.isna() & table[column].notna()]
        if len(bad):
            raise SchemaError(
                tr(
                    "column {column!r} holds non-numbers: {values}. Clean the column "
                    "(decimal point, no thousands separator) first.",
                    column=column,
                    values=shorten_list(bad.tolist(), 5),
                )
            )
        out[column] = numbers
    return pd.DataFrame(out, index=table.index)


def _sum_children(
    values: pd.DataFrame,
    keys: pd.Series,
    counts: Sequence[str],
    rates: Mapping[str, tuple[str, str, float]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (aggregated frame, mask of parents made NaN by missing children)."""
    sums = values.groupby(keys).sum()
    missing = values.isna().groupby(keys).any()
    out = pd.DataFrame({N_CHILDREN: keys.groupby(keys).size().astype("int64")})
    gaps = pd.DataFrame(index=out.index)
    for column in counts:
        gaps[column] = missing[column]
        out[column] = sums[column].mask(gaps[column])
    for name, (num, den, scale) in rates.items():
        gaps[name] = missing[num] | missing[den]
        ratio = scale * sums[num] / sums[den].replace(0.0, np.nan)
        out[name] = ratio.mask(gaps[name])
    return out, gaps


def _warn_missing_parents(gaps: pd.DataFrame) -> None:
    """One MissingDataWarning for parents left NaN by missing child values."""
    hit = gaps.any(axis=1)
    if hit.any():
        cols = [str(c) for c in gaps.columns if gaps[c].any()]
        warnings.warn(
            tr(
                "{n} of {total} parent areas have no value in {columns} because a "
                "child value is missing: {areas}. Fill the child values, or accept "
                "the gaps.",
                n=int(hit.sum()),
                total=len(hit),
                columns=shorten_list(cols, 5),
                areas=shorten_list(hit.index[hit].tolist(), 5),
            ),
            MissingDataWarning,
            stacklevel=3,
        )


def aggregate_indicators(
    table: pd.DataFrame,
    /,
    *,
    id_column: str,
    level: Level,
    system: SystemChoice,
    counts: Sequence[str] = (),
    rates: Mapping[str, tuple[str, str, float]] | None = None,
) -> pd.DataFrame:
    """Sum counts to a coarser level and re-derive rates from summed parts.

    A rate is ``scale * sum(numerator) / sum(denominator)`` over the children,
    never a mean of child rates. When any child of a parent lacks a value of
    a count, or the numerator or denominator of a rate, that parent gets NaN
    for it (no partial sums, which would understate); a zero denominator also
    gives NaN.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per child area.
    id_column : str
        Column with the child codes (one level for all rows).
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Target level, the same as or coarser than the children.
    system : {"auto", "kemendagri", "bps"}
        Code system of ``id_column``.
    counts : sequence of str
        Count columns to sum.
    rates : mapping of str to (str, str, float), optional
        Output rate name -> (numerator column, denominator column, scale).

    Returns
    -------
    pandas.DataFrame
        ``id_column`` (canonical parent codes), ``n_children``, the counts and
        the rates, sorted by code.

    Raises
    ------
    SchemaError
        Missing or non-numeric columns, duplicated codes, wrong level, or a
        rate named like a count.
    CodeError
        Unreadable codes.

    Warns
    -----
    MissingDataWarning
        Once, when parents are NaN because child values are missing.

    Examples
    --------
    >>> t = pd.DataFrame({"kode": ["36.01.01", "36.01.02"], "poor": [1, 9],
    ...                   "pop": [10, 90]})
    >>> aggregate_indicators(t, id_column="kode", level="kabkota",
    ...                      system="kemendagri", counts=["poor", "pop"],
    ...                      rates={"rate": ("poor", "pop", 100.0)})
        kode  n_children  poor    pop  rate
    0  36.01           2  10.0  100.0  10.0
    """
    rates = dict(rates or {})
    parts = [c for num, den, _ in rates.values() for c in (num, den)]
    check_columns(table, (id_column, *counts, *parts), "indicator")
    clash = sorted(set(rates) & {*counts, id_column, N_CHILDREN})
    if clash:
        raise SchemaError(
            tr(
                "rate names {clash!r} clash with other columns; rename them.",
                clash=clash,
            )
        )
    codes, _ = read_codes(table[id_column], system, id_column, "bps", "tables")
    check_unique(pd.Series([c.code for c in codes], dtype="string"), "table")
    _check_target_level(level, codes[0].level, "aggregate")
    keys = pd.Series(parent_codes(codes, level), name=id_column, dtype="string")
    values = _numeric(table, [*counts, *parts]).set_axis(keys.index)
    out, gaps = _sum_children(values, keys, counts, rates)
    _warn_missing_parents(gaps)
    return out.rename_axis(id_column).reset_index()
