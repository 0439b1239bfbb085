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
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from geo_priority.errors import (
    CodeError,
    CRSError,
    DoubtfulMatchWarning,
    GeometryError,
    GeometryRepairedWarning,
    JoinError,
    MissingDataWarning,
    SchemaError,
    UnmatchedKeysWarning,
)
from geo_priority.regions import (
    REFERENCE_EDITION,
    Crosswalk,
    Kind,
    SystemChoice,
    _examples,
    _is_missing,
    detect_code_system,
    level_of,
    normalise_name,
    parent_code,
    parse_code,
    reference_exists,
    reference_name,
    to_system,
)
from geo_priority.schema import (
    AMBIGUOUS,
    CODE_SYSTEMS,
    DOUBTFUL,
    DUPLICATE,
    ID,
    INVALID_CODE,
    JOIN_REPORT_COLUMNS,
    LEVELS,
    MATCHED,
    MATCHED_NAME,
    NAME,
    OTHER_LEVEL,
    PARENT,
    UNMATCHED_AREA,
    UNMATCHED_ROW,
    CodeSystem,
    JoinReport,
    Level,
)

__all__ = [
    "N_CHILDREN",
    "aggregate_indicators",
    "check_same_crs",
    "dissolve_to_level",
    "join_indicators",
    "prepare_boundaries",
]

#: Column added by :func:`dissolve_to_level` and :func:`aggregate_indicators`.
N_CHILDREN = "n_children"
#: Below this name similarity (0-100) a code match is flagged as doubtful.
NAME_DISAGREEMENT_SCORE = 60.0
_JOINED = (MATCHED, MATCHED_NAME, DOUBTFUL)
_POLYGONAL = ("Polygon", "MultiPolygon")


# ------------------------------------------------------------------ shared checks


def _check_frame_columns(
    df: pd.DataFrame, columns: Iterable[str | None], what: str
) -> None:
    """Raise SchemaError when a named column is missing."""
    for column in columns:
        if column is not None and column not in df.columns:
            raise SchemaError(
                f"{what} column {column!r} not found. Available columns: "
                f"{_examples(map(str, df.columns), 8)}."
            )


def _ambiguous_values(values: Iterable[object]) -> list[object]:
    """Values readable in an explicit system but not in auto mode."""
    out = []
    for value in values:
        if _is_missing(value):
            continue
        try:
            parse_code(value)
        except CodeError:
            if _readable_somewhere(value):
                out.append(value)
    return out


def _readable_somewhere(value: object) -> bool:
    """Return True when ``value`` parses as a Kemendagri or a BPS code."""
    for system in CODE_SYSTEMS:
        try:
            parse_code(value, system=system)
        except CodeError:
            continue
        return True
    return False


def _resolve_system(
    values: pd.Series, code_system: SystemChoice, fallback: CodeSystem
) -> CodeSystem | None:
    """Return the code system of a column, or None when it is undecidable.

    The explicit ``code_system``, else the detected one, else ``fallback`` when
    no code needs a choice (plain 2/4-digit codes in digit-identical provinces).
    """
    if code_system != "auto":
        if code_system not in CODE_SYSTEMS:
            raise CodeError(
                f"unknown code_system {code_system!r}. Choose one of: auto, "
                f"{', '.join(CODE_SYSTEMS)}."
            )
        return code_system
    detected = detect_code_system(values)
    if detected is not None:
        return detected
    return None if _ambiguous_values(values) else fallback


def _area_attrs(areas: pd.DataFrame) -> tuple[CodeSystem, Level]:
    """Return (code system, level) of prepared areas, inferring lost attrs."""
    _check_frame_columns(
        areas, (ID,), "area key (pass the output of prepare_boundaries)"
    )
    if areas.empty:
        raise SchemaError("the areas are empty; pass a boundary layer with features.")
    system = areas.attrs.get("code_system") or detect_code_system(areas[ID])
    level = areas.attrs.get("level")
    if system not in CODE_SYSTEMS:
        raise SchemaError(
            f"cannot tell the code system of the areas (attrs {areas.attrs!r}); pass "
            "the output of prepare_boundaries, which sets attrs['code_system']."
        )
    if level not in LEVELS:
        level = level_of(areas[ID].iloc[0], system)
    return system, level


def _kemendagri_names(ids: Iterable[str], system: CodeSystem) -> list[str | None]:
    """Return reference names (BPS codes only where digits are identical)."""
    names: list[str | None] = []
    for code in ids:
        try:
            kmd = (
                code
                if system == "kemendagri"
                else to_system(code, system, "kemendagri")
            )
            names.append(reference_name(kmd))
        except CodeError:
            names.append(None)
    return names


def _parent_ids(ids: Sequence[str], system: CodeSystem, level: Level) -> pd.Series:
    """Return the PARENT column: one level up, missing at provinsi."""
    if level == "provinsi":
        return pd.Series([pd.NA] * len(ids), dtype="string")
    up = LEVELS[LEVELS.index(level) - 1]
    return pd.Series([parent_code(c, system, up) for c in ids], dtype="string")


# -------------------------------------------------------------- prepare_boundaries


def _check_has_crs(gdf: gpd.GeoDataFrame, what: str = "boundaries") -> None:
    """Raise CRSError when the layer has no CRS."""
    if gdf.crs is None:
        raise CRSError(
            f"{what} have no CRS. Set one with gdf.set_crs('EPSG:4326') (GeoJSON is "
            "always EPSG:4326) before preparing them."
        )


def _parse_boundary_codes(
    values: pd.Series, code_system: SystemChoice, column: str
) -> tuple[list[str], CodeSystem]:
    """Canonical codes and their system; raise CodeError listing bad codes."""
    if len(values) == 0:
        raise SchemaError(f"column {column!r} is empty; pass a layer with features.")
    system = _resolve_system(values, code_system, "bps")
    if system is None:
        raise CodeError(
            f"cannot tell whether {column!r} holds Kemendagri or BPS codes (e.g. "
            f"{_examples(_ambiguous_values(values))}). Pass code_system='kemendagri' "
            "or code_system='bps'."
        )
    parsed, bad = [], []
    for value in values:
        try:
            parsed.append(parse_code(value, system=system).code)
        except CodeError:
            bad.append(value)
    if bad:
        raise CodeError(
            f"{len(bad)} of {len(values)} codes in {column!r} cannot be read as "
            f"{system} codes: {_examples(bad)}. Fix or remove those rows, or check "
            "the code column and code system."
        )
    return parsed, system


def _check_levels(ids: list[str], system: CodeSystem, level: Level | None) -> Level:
    """Return the single level of ``ids``; raise SchemaError when mixed/wrong."""
    levels = pd.Series([level_of(c, system) for c in ids], dtype="string")
    found = levels.value_counts()
    if len(found) > 1:
        raise SchemaError(
            f"boundary codes mix levels {found.to_dict()}; one layer must hold one "
            "level. Filter the layer, or dissolve it with dissolve_to_level()."
        )
    actual: Level = found.index[0]
    if level is not None and actual != level:
        raise SchemaError(
            f"boundary codes are {actual} codes (e.g. {ids[0]!r}) but level={level!r}; "
            "pass the matching level or the right code_column."
        )
    return actual


def _check_unique(ids: pd.Series, what: str = "boundary") -> None:
    """Raise SchemaError listing duplicated codes."""
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        counts = repeated.value_counts()
        raise SchemaError(
            f"{len(counts)} {what} codes appear more than once: "
            f"{_examples(f'{k} ({v}x)' for k, v in counts.items())}. Remove the "
            "duplicate features, or merge them with GeoDataFrame.dissolve(by=...)."
        )


def _check_geometries(gdf: gpd.GeoDataFrame, drop_empty: bool) -> gpd.GeoDataFrame:
    """Handle null/empty geometry (error or drop) and reject non-polygons."""
    geoms = gdf.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        codes = gdf.loc[empty, ID].tolist()
        if not drop_empty:
            raise GeometryError(
                f"{len(codes)} areas have a null or empty geometry: "
                f"{_examples(codes)}. Remove or repair them, or pass "
                "drop_empty=True to drop them with a warning."
            )
        warnings.warn(
            f"dropped {len(codes)} areas with a null or empty geometry: "
            f"{_examples(codes)}.",
            GeometryRepairedWarning,
            stacklevel=3,
        )
        gdf = gdf.loc[~empty]
    kinds = gdf.geometry.geom_type
    other = ~kinds.isin(_POLYGONAL)
    if other.any():
        pairs = zip(gdf.loc[other, ID], kinds[other], strict=True)
        raise GeometryError(
            f"{int(other.sum())} areas are not polygons: "
            f"{_examples(f'{c} ({t})' for c, t in pairs)}. "
            "Boundaries must be (Multi)Polygons; check the layer."
        )
    return gdf


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a repaired geometry."""
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    flat = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(flat) if flat else shapely.Polygon()


def _repair_invalid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """make_valid invalid geometries (polygonal parts only), one warning."""
    values = np.asarray(gdf.geometry.array, dtype=object)
    invalid = ~shapely.is_valid(values)
    if not invalid.any():
        return gdf
    repaired = shapely.make_valid(
        values[invalid], method="structure", keep_collapsed=False
    )
    repaired = np.array([_polygonal(g) for g in repaired], dtype=object)
    codes = gdf.loc[invalid, ID].tolist()
    lost = [c for c, g in zip(codes, repaired, strict=True) if g.is_empty]
    if lost:
        raise GeometryError(
            f"{len(lost)} invalid geometries have no area left after make_valid: "
            f"{_examples(lost)}. Repair them in a GIS, or remove them."
        )
    values[invalid] = repaired
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(values, index=gdf.index, crs=gdf.crs)
    warnings.warn(
        f"repaired {len(codes)} invalid geometries with shapely.make_valid (kept the "
        f"polygonal parts): {_examples(codes)}.",
        GeometryRepairedWarning,
        stacklevel=3,
    )
    return out


def _warn_unknown_codes(ids: Sequence[str], system: CodeSystem) -> None:
    """Warn once when Kemendagri codes are missing from the reference table."""
    if system != "kemendagri":
        return
    unknown = [c for c in ids if not reference_exists(c)]
    if unknown:
        warnings.warn(
            f"{len(unknown)} of {len(ids)} area codes are not in {REFERENCE_EDITION}: "
            f"{_examples(unknown)}. They may come from another edition; check the "
            "layer's edition or map old codes with a crosswalk.",
            UnmatchedKeysWarning,
            stacklevel=3,
        )


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
        The layer has no CRS.
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
    _check_frame_columns(gdf, (code_column, name_column), "boundary")
    _check_has_crs(gdf)
    ids, system = _parse_boundary_codes(gdf[code_column], code_system, code_column)
    area_level = _check_levels(ids, system, level)
    keyed = gdf.reset_index(drop=True)
    keys = pd.DataFrame({ID: pd.array(ids, dtype="string")})
    _check_unique(keys[ID])
    names = keyed[name_column] if name_column else _kemendagri_names(ids, system)
    keys[NAME] = pd.array(names, dtype="string")
    keys[PARENT] = _parent_ids(ids, system, area_level)
    out = gpd.GeoDataFrame(
        pd.concat(
            [keys, keyed.drop(columns=[ID, NAME, PARENT], errors="ignore")], axis=1
        ),
        geometry=gdf.geometry.name,
        crs=gdf.crs,
    )
    out = _repair_invalid(_check_geometries(out, drop_empty))
    out.index = gdf.index[out.index.to_numpy()]  # keep the caller's row labels
    _warn_unknown_codes(out[ID].tolist(), system)
    out.attrs = {"code_system": system, "level": area_level}
    return out


def check_same_crs(
    *frames: gpd.GeoDataFrame, names: Sequence[str] | None = None
) -> None:
    """Raise CRSError unless every frame has the same, defined CRS.

    Parameters
    ----------
    *frames : geopandas.GeoDataFrame
        The layers to compare.
    names : sequence of str, optional
        Labels for the messages; defaults to ``layer 1``, ``layer 2``...

    Raises
    ------
    CRSError
        When a layer has no CRS or two layers differ (both CRSs are named).

    Examples
    --------
    >>> from shapely import box
    >>> a = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> check_same_crs(a, a.copy(), names=["desa", "kecamatan"])
    """
    labels = (
        list(names)
        if names is not None
        else [f"layer {i + 1}" for i in range(len(frames))]
    )
    if len(labels) != len(frames):
        raise CRSError(
            f"got {len(frames)} frames but {len(labels)} names ({labels!r}); pass one "
            "name per frame."
        )
    for label, frame in zip(labels, frames, strict=True):
        _check_has_crs(frame, repr(label))
    first, first_label = frames[0].crs if frames else None, labels[0] if labels else ""
    for label, frame in zip(labels[1:], frames[1:], strict=True):
        if frame.crs != first:
            raise CRSError(
                f"{first_label!r} ({_crs_text(first)}) and {label!r} "
                f"({_crs_text(frame.crs)}) use different CRS. Reproject one with "
                f"gdf.to_crs({_crs_text(first)!r}) first."
            )


def _crs_text(crs: object) -> str:
    """Short text for a CRS: its authority code, else a cut WKT/PROJ string."""
    auth = crs.to_authority() if hasattr(crs, "to_authority") else None
    text = ":".join(auth) if auth else str(crs)
    return text if len(text) <= 50 else text[:47] + "..."


# --------------------------------------------------------------- dissolve_to_level


def _check_target_level(level: object, current: Level, what: str) -> None:
    """Raise SchemaError unless ``level`` is ``current`` or coarser."""
    if level not in LEVELS:
        raise SchemaError(
            f"unknown level {level!r}. Choose one of: {', '.join(LEVELS)}."
        )
    if LEVELS.index(level) > LEVELS.index(current):
        raise SchemaError(
            f"cannot {what} {current} areas to the finer level {level!r}; choose "
            f"one of: {', '.join(LEVELS[: LEVELS.index(current) + 1])}."
        )


def _names_for(
    ids: list[str], system: CodeSystem, names: Mapping[str, str] | None
) -> list[str | None]:
    """Names of dissolved areas: from ``names`` if given, else the reference."""
    if names is None:
        return _kemendagri_names(ids, system)
    canonical = {parse_code(k, system=system).code: v for k, v in names.items()}
    return [canonical.get(code) for code in ids]


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
    system, current = _area_attrs(areas)
    _check_target_level(level, current, "dissolve")
    keys = [parent_code(c, system, level) for c in areas[ID]]
    work = gpd.GeoDataFrame(
        {"_key": keys, N_CHILDREN: np.ones(len(keys), dtype="int64")},
        geometry=np.asarray(areas.geometry.array, dtype=object),
        crs=areas.crs,
    )
    merged = work.dissolve(by="_key", aggfunc="sum", sort=True)
    ids = [str(k) for k in merged.index]
    out = gpd.GeoDataFrame(
        {
            ID: pd.array(ids, dtype="string"),
            NAME: pd.array(_names_for(ids, system, names), dtype="string"),
            PARENT: _parent_ids(ids, system, level).array,
            N_CHILDREN: merged[N_CHILDREN].to_numpy(dtype="int64"),
        },
        geometry=merged.geometry.to_numpy(),
        crs=areas.crs,
    )
    out.attrs = {"code_system": system, "level": level}
    return out


# ------------------------------------------------------------ aggregate_indicators


def _numeric(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Columns as float; raise SchemaError when a cell is not a number."""
    out = {}
    for column in dict.fromkeys(columns):
        numbers = pd.to_numeric(table[column], errors="coerce").astype("float64")
        bad = table[column][numbers.isna() & table[column].notna()]
        if len(bad):
            raise SchemaError(
                f"column {column!r} holds non-numbers: {_examples(bad.tolist())}. "
                "Clean the column (decimal point, no thousands separator) first."
            )
        out[column] = numbers
    return pd.DataFrame(out, index=table.index)


def _child_codes(
    table: pd.DataFrame, id_column: str, system: SystemChoice
) -> tuple[list[str], CodeSystem]:
    """Canonical child codes of an indicator table (all readable, unique)."""
    ids, resolved = _parse_boundary_codes(table[id_column], system, id_column)
    _check_unique(pd.Series(ids, dtype="string"), "table")
    return ids, resolved


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
            f"{int(hit.sum())} of {len(hit)} parent areas are NaN in {_examples(cols)} "
            f"because a child value is missing: {_examples(hit.index[hit].tolist())}. "
            "Fill the child values, or accept the gaps.",
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
    _check_frame_columns(table, (id_column, *counts, *parts), "indicator")
    clash = sorted(set(rates) & {*counts, id_column, N_CHILDREN})
    if clash:
        raise SchemaError(
            f"rate names {clash!r} clash with other columns; rename them."
        )
    ids, resolved = _child_codes(table, id_column, system)
    _check_target_level(level, level_of(ids[0], resolved), "aggregate")
    keys = pd.Series(
        [parent_code(c, resolved, level) for c in ids], name=id_column, dtype="string"
    )
    values = _numeric(table, [*counts, *parts]).set_axis(keys.index)
    out, gaps = _sum_children(values, keys, counts, rates)
    _warn_missing_parents(gaps)
    return out.rename_axis(id_column).reset_index()


# ----------------------------------------------------------------- join_indicators


@dataclass(frozen=True)
class _AreaName:
    """An area's normalised name, for matching rows by name."""

    area_id: str
    name: str
    core: str
    kind: Kind | None


@dataclass(frozen=True)
class _Pool:
    """Areas a name may match, indexed by normalised core."""

    areas: tuple[_AreaName, ...]
    by_core: dict[str, list[_AreaName]]

    @classmethod
    def of(cls, areas: Iterable[_AreaName]) -> _Pool:
        """Build a pool and its core index."""
        items = tuple(areas)
        by_core: dict[str, list[_AreaName]] = {}
        for area in items:
            by_core.setdefault(area.core, []).append(area)
        return cls(items, by_core)


@dataclass(frozen=True)
class _Match:
    """What happened to one table row (status None: not decided yet)."""

    pos: int
    row_code: str | None
    row_name: str | None
    row_parent: str | None = None
    status: str | None = None
    area_id: str | None = None
    detail: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class _Join:
    """Everything the matching steps need to know about the areas."""

    system: CodeSystem
    level: Level
    label: str
    ids: frozenset[str]
    names: dict[str, str | None]
    pool: tuple[_AreaName, ...]
    crosswalk: Crosswalk | None
    targets: dict[str, list[str]] = field(default_factory=dict)


def _text_or_none(value: object) -> str | None:
    """Cell value as text; None when missing or blank."""
    if _is_missing(value):
        return None
    text = str(value).strip()
    return text or None


def _check_crosswalk(crosswalk: Crosswalk, system: CodeSystem, level: Level) -> None:
    """Raise JoinError when a crosswalk does not lead to the areas."""
    if crosswalk.to_system != system or crosswalk.to_level != level:
        raise JoinError(
            f"crosswalk {crosswalk.label!r} maps to {crosswalk.to_system} "
            f"{crosswalk.to_level} codes, but the areas are {system} {level} codes; "
            "pass a crosswalk whose target matches the boundary layer."
        )


def _setup_join(
    areas: gpd.GeoDataFrame,
    label: str,
    crosswalk: Crosswalk | None,
    fuzzy_threshold: float,
) -> _Join:
    """Check the areas and build the matching context."""
    _check_frame_columns(
        areas, (ID, NAME), "area (pass the output of prepare_boundaries)"
    )
    system, level = _area_attrs(areas)
    if not 0 <= fuzzy_threshold <= 100:
        raise JoinError(
            f"fuzzy_threshold must be between 0 and 100, got {fuzzy_threshold!r}."
        )
    if crosswalk is not None:
        _check_crosswalk(crosswalk, system, level)
    ids = [str(i) for i in areas[ID]]
    names = {i: _text_or_none(n) for i, n in zip(ids, areas[NAME], strict=True)}
    pool = tuple(
        _AreaName(i, n, *_name_key(n)) for i, n in names.items() if n is not None
    )
    targets = crosswalk.targets() if crosswalk is not None else {}
    return _Join(system, level, label, frozenset(ids), names, pool, crosswalk, targets)


def _name_key(name: str) -> tuple[str, Kind | None]:
    """(core, kind) of a name."""
    normalised = normalise_name(name)
    return normalised.core, normalised.kind


def _value_columns(
    areas: pd.DataFrame, table: pd.DataFrame, used: Iterable[str | None]
) -> list[str]:
    """Table columns to attach; raise SchemaError on clashes with the areas."""
    skip = {c for c in used if c is not None}
    columns = [c for c in table.columns if c not in skip]
    clash = [c for c in columns if c in areas.columns]
    if clash:
        raise SchemaError(
            f"table columns {_examples(clash)} already exist in the areas. Rename or "
            "drop them, or pass them as code_column/name_column."
        )
    return columns


def _initial_matches(
    table: pd.DataFrame,
    code_column: str | None,
    name_column: str | None,
    parent_column: str | None,
) -> list[_Match]:
    """One undecided match per table row."""

    def cells(column: str | None) -> list[str | None]:
        if column is None:
            return [None] * len(table)
        return [_text_or_none(v) for v in table[column]]

    return [
        _Match(pos, code, name, parent)
        for pos, (code, name, parent) in enumerate(
            zip(
                cells(code_column),
                cells(name_column),
                cells(parent_column),
                strict=True,
            )
        )
    ]


def _table_system(
    codes: list[str], code_system: SystemChoice, setup: _Join
) -> CodeSystem:
    """Code system of the table's codes, checked against areas and crosswalk."""
    cw = setup.crosswalk
    fallback = cw.from_system if cw is not None else setup.system
    system = _resolve_system(pd.Series(codes, dtype=object), code_system, fallback)
    if system is None and cw is None:
        raise JoinError(
            f"cannot tell whether {setup.label} codes are Kemendagri or BPS codes "
            f"(e.g. {_examples(_ambiguous_values(codes))}). Pass "
            "code_system='kemendagri' or code_system='bps'."
        )
    system = system or fallback
    if cw is not None and cw.from_system != system:
        raise JoinError(
            f"{setup.label} codes are {system} codes but crosswalk {cw.label!r} maps "
            f"from {cw.from_system}; pass code_system={cw.from_system!r} or another "
            "crosswalk."
        )
    if cw is None and system != setup.system and LEVELS.index(setup.level) > 1:
        raise JoinError(
            f"{setup.label} codes are {system} codes but the areas are "
            f"{setup.system} {setup.level} codes, and numbering differs below "
            "kab/kota. "
            "Pass crosswalk=regions.crosswalk_from_frame(pd.read_csv(path, dtype=str)) "
            "(or regions.make_crosswalk(...))."
        )
    return system


def _convert(code: str, table_system: CodeSystem, setup: _Join) -> str:
    """Bring a provinsi/kab code into the areas' system by identical digits."""
    if table_system == setup.system:
        return code
    try:
        return to_system(code, table_system, setup.system)
    except CodeError as err:
        raise JoinError(
            f"{setup.label} code {code!r} ({table_system}) cannot be converted to "
            f"{setup.system}: {err} Pass crosswalk=... to map the codes."
        ) from err


def _via_crosswalk(m: _Match, code: str, setup: _Join) -> _Match:
    """Map a source code through the crosswalk to one area."""
    label = setup.crosswalk.label if setup.crosswalk else "crosswalk"
    targets = setup.targets.get(code, [])
    if not targets:
        return replace(
            m, status=UNMATCHED_ROW, detail=f"{code} is not in crosswalk {label!r}"
        )
    if len(targets) > 1:
        return replace(
            m,
            status=AMBIGUOUS,
            detail=f"crosswalk {label!r} maps {code} to {len(targets)} areas: "
            f"{_examples(targets)}; not joined (split the row by share first)",
        )
    key = targets[0]
    if key not in setup.ids:
        return replace(
            m,
            status=UNMATCHED_ROW,
            detail=f"crosswalk {label!r} maps {code} to {key}, "
            "which is not among the areas",
        )
    detail = f"via crosswalk {label!r}: {code} -> {key}"
    return replace(m, status=MATCHED, area_id=key, detail=detail, source=code)


def _match_code(
    m: _Match, table_system: CodeSystem, setup: _Join, level: Level
) -> _Match:
    """Decide one row by its code."""
    try:
        parsed = parse_code(m.row_code, system=table_system)
    except CodeError as err:
        return replace(m, status=INVALID_CODE, detail=str(err))
    if parsed.level != level:
        return replace(
            m, status=OTHER_LEVEL, detail=f"different level ({parsed.level})"
        )
    if setup.crosswalk is not None:
        decided = _via_crosswalk(m, parsed.code, setup)
    else:
        key = _convert(parsed.code, table_system, setup)
        decided = (
            replace(m, status=MATCHED, area_id=key)
            if key in setup.ids
            else replace(m, status=UNMATCHED_ROW, detail=f"no area with code {key!r}")
        )
    if parsed.note is None:
        return decided
    detail = "; ".join(d for d in (decided.detail, parsed.note) if d)
    return replace(decided, detail=detail)


def _match_codes(
    matches: list[_Match], code_system: SystemChoice, setup: _Join
) -> tuple[list[_Match], list[str]]:
    """Decide every row that has a code; return the matches and report notes."""
    codes = [m.row_code for m in matches if m.row_code is not None]
    if not codes:
        return matches, []
    system = _table_system(codes, code_system, setup)
    level = setup.crosswalk.from_level if setup.crosswalk else setup.level
    out = [
        m if m.row_code is None else _match_code(m, system, setup, level)
        for m in matches
    ]
    invalid = [m for m in out if m.status == INVALID_CODE]
    if len(invalid) == len(codes):
        raise JoinError(
            f"none of the {len(codes)} {setup.label} codes can be read as {system} "
            f"codes: {_examples(m.row_code for m in invalid)}. Check code_column and "
            f"code_system (first problem: {invalid[0].detail})"
        )
    return out, _code_notes(out, system, setup)


def _code_notes(matches: list[_Match], system: CodeSystem, setup: _Join) -> list[str]:
    """Human-readable notes on how codes were brought into the areas' system."""
    notes = [f"{setup.label}: codes read as {system} codes"]
    joined = sum(m.status == MATCHED for m in matches)
    if setup.crosswalk is not None:
        notes.append(
            f"{setup.label}: {joined} codes mapped {system} -> {setup.system} through "
            f"crosswalk {setup.crosswalk.label!r}"
        )
    elif system != setup.system:
        notes.append(
            f"{setup.label}: {joined} {system} codes converted to {setup.system} by "
            "identical digits (valid at provinsi/kab level in digit-identical "
            "provinces)"
        )
    return notes


def _similarity(a: str, b: str) -> float:
    """Best of rapidfuzz ratio and token_sort_ratio (0-100)."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _compatible(a: Kind | None, b: Kind | None) -> bool:
    """Kinds can refer to the same area unless both are known and differ."""
    return a is None or b is None or a == b


def _describe(candidates: Sequence[_AreaName]) -> str:
    """``'Kota Serang' (36.73), ...`` for report details."""
    return _examples(f"{c.name} ({c.area_id})" for c in candidates)


def _same_core(m: _Match, kind: Kind | None, same: list[_AreaName]) -> _Match:
    """Decide a row whose normalised core equals that of ``same`` areas."""
    compatible = [a for a in same if _compatible(kind, a.kind)]
    exact = [a for a in compatible if a.kind == kind]
    if kind is not None and len(exact) == 1:
        return replace(m, status=MATCHED_NAME, area_id=exact[0].area_id)
    if len(compatible) == 1 and len(same) == 1:
        return replace(m, status=MATCHED_NAME, area_id=compatible[0].area_id)
    if len(compatible) == 1:
        others = [a for a in same if a is not compatible[0]]
        return replace(
            m,
            status=DOUBTFUL,
            area_id=compatible[0].area_id,
            detail=f"matched {compatible[0].name!r} by elimination: "
            f"{_describe(others)} has the other kab/kota kind",
        )
    if not compatible:
        return replace(
            m,
            status=UNMATCHED_ROW,
            detail=f"only {_describe(same)} has this name, and a kab never "
            "matches a kota",
        )
    return replace(
        m,
        status=AMBIGUOUS,
        detail=f"several areas have this name: {_describe(compatible)}; add "
        "'Kab.'/'Kota', a code, or parent=",
    )


def _fuzzy(m: _Match, core: str, pool: list[_AreaName], threshold: float) -> _Match:
    """Decide a row by fuzzy name similarity among kind-compatible areas."""
    best: dict[int, float] = {}
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _, score, i in process.extract(
            core,
            [a.core for a in pool],
            scorer=scorer,
            limit=None,
            score_cutoff=threshold,
        ):
            best[i] = max(best.get(i, 0.0), score)
    if not best:
        return replace(m, status=UNMATCHED_ROW, detail="no area has this name")
    top = max(best.values())
    winners = [pool[i] for i, score in best.items() if score == top]
    if len(winners) > 1:
        return replace(
            m,
            status=AMBIGUOUS,
            detail=f"fuzzy match ties (score {top:.0f}): {_describe(winners)}",
        )
    return replace(
        m,
        status=DOUBTFUL,
        area_id=winners[0].area_id,
        detail=f"fuzzy name match {m.row_name!r} ~ {winners[0].name!r} "
        f"(score {top:.0f})",
    )


def _match_name(m: _Match, pool: _Pool, threshold: float) -> _Match:
    """Decide one row by its name among ``pool``."""
    target = normalise_name(m.row_name)
    if not target.core:
        return replace(m, status=UNMATCHED_ROW, detail="row has no usable name")
    same = pool.by_core.get(target.core)
    if same:
        return _same_core(m, target.kind, same)
    compatible = [a for a in pool.areas if _compatible(target.kind, a.kind)]
    return _fuzzy(m, target.core, compatible, threshold)


def _area_prefix(value: object, setup: _Join) -> str:
    """Canonical code (areas' system) of a parent used to narrow name matching."""
    try:
        parsed = parse_code(value, system=setup.system)
    except CodeError:
        auto = parse_code(value)
        parsed = parse_code(
            to_system(auto.code, auto.system, setup.system), system=setup.system
        )
    if LEVELS.index(parsed.level) >= LEVELS.index(setup.level):
        raise CodeError(
            f"parent {value!r} is a {parsed.level} code; it must be coarser than the "
            f"{setup.level} areas (e.g. '36' or '36.01')."
        )
    return parsed.code


def _within(
    areas: Iterable[_AreaName], prefix: str | None, system: CodeSystem
) -> _Pool:
    """Pool of the areas inside the area ``prefix`` (all when None)."""
    if prefix is None:
        return _Pool.of(areas)
    head = prefix + "." if system == "kemendagri" else prefix
    return _Pool.of(a for a in areas if a.area_id.startswith(head))


def _match_names(
    matches: list[_Match], parent: str | None, setup: _Join, threshold: float
) -> list[_Match]:
    """Decide the rows still open by name, within ``parent`` and the row parent."""
    if all(m.status is not None for m in matches):
        return matches
    try:
        prefix = None if parent is None else _area_prefix(parent, setup)
    except CodeError as err:
        raise JoinError(f"parent={parent!r} cannot be used: {err}") from err
    pools = {None: _within(setup.pool, prefix, setup.system)}
    out = []
    for m in matches:
        if m.status is not None:
            out.append(m)
        elif m.row_name is None:
            out.append(
                replace(m, status=UNMATCHED_ROW, detail="row has no code and no name")
            )
        else:
            out.append(_match_in_row_parent(m, pools, setup, threshold))
    return out


def _match_in_row_parent(
    m: _Match, pools: dict[str | None, _Pool], setup: _Join, threshold: float
) -> _Match:
    """Match by name inside the row's own parent code, when it has one."""
    if m.row_parent is None:
        return _match_name(m, pools[None], threshold)
    try:
        prefix = _area_prefix(m.row_parent, setup)
    except CodeError as err:
        return replace(m, status=INVALID_CODE, detail=f"parent code: {err}")
    if prefix not in pools:
        pools[prefix] = _within(pools[None].areas, prefix, setup.system)
    return _match_name(m, pools[prefix], threshold)


def _check_names(m: _Match, setup: _Join) -> _Match:
    """Flag code matches whose row name contradicts the area name."""
    area_name = setup.names.get(m.area_id or "")
    if m.status != MATCHED or m.row_name is None or area_name is None:
        return m
    area, row = normalise_name(area_name), normalise_name(m.row_name)
    if area.kind and row.kind and area.kind != row.kind:
        return replace(
            m,
            status=DOUBTFUL,
            detail=f"code matches {area_name!r} but the row is named {m.row_name!r} "
            f"({area.kind} vs {row.kind})",
        )
    if not area.core or not row.core or area.core == row.core:
        return m
    score = _similarity(area.core, row.core)
    if score >= NAME_DISAGREEMENT_SCORE:
        return m
    return replace(
        m,
        status=DOUBTFUL,
        detail=f"names disagree: area {area_name!r}, row {m.row_name!r} (similarity "
        f"{score:.0f})",
    )


def _flag_duplicates(matches: list[_Match]) -> list[_Match]:
    """Turn every joined row that shares its area with another into DUPLICATE."""
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(matches):
        if m.status in _JOINED and m.area_id is not None:
            groups.setdefault(m.area_id, []).append(i)
    out = list(matches)
    for area_id, rows in groups.items():
        if len(rows) < 2:
            continue
        sources = [matches[i].source for i in rows if matches[i].source]
        via = f" via crosswalk from {_examples(sources)}" if sources else ""
        detail = (
            f"{len(rows)} rows match area {area_id!r}{via}; none was joined. Remove "
            "the extra rows or aggregate them first"
        )
        for i in rows:
            out[i] = replace(matches[i], status=DUPLICATE, detail=detail)
    return out


def _merge_values(
    areas: gpd.GeoDataFrame,
    table: pd.DataFrame,
    matches: list[_Match],
    columns: list[str],
) -> gpd.GeoDataFrame:
    """Left-join the values of joined rows onto the areas (one to one)."""
    joined = [m for m in matches if m.status in _JOINED]
    values = table.iloc[[m.pos for m in joined]][columns].reset_index(drop=True)
    values.insert(
        0, "__area_key", pd.array([m.area_id for m in joined], dtype="string")
    )
    key = areas[ID].astype("string")
    out = areas.assign(__area_key=key).merge(
        values, how="left", on="__area_key", validate="one_to_one"
    )
    out = out.drop(columns="__area_key").set_axis(areas.index)
    out.attrs = dict(areas.attrs)
    return out


def _build_report(
    matches: list[_Match], setup: _Join, n_rows: int, notes: list[str]
) -> JoinReport:
    """One entry per table row plus one per area that received no row."""
    records = [
        (
            m.status,
            setup.label,
            m.area_id,
            setup.names.get(m.area_id or ""),
            m.row_code,
            m.row_name,
            m.detail,
        )
        for m in matches
    ]
    covered = {m.area_id for m in matches if m.status in (*_JOINED, DUPLICATE)}
    records += [
        (
            UNMATCHED_AREA,
            setup.label,
            i,
            setup.names[i],
            None,
            None,
            f"no {setup.label} row",
        )
        for i in setup.names
        if i not in covered
    ]
    entries = pd.DataFrame(records, columns=list(JOIN_REPORT_COLUMNS), dtype="string")
    return JoinReport(entries, len(setup.names), n_rows, tuple(notes))


def _warn_report(report: JoinReport, label: str) -> None:
    """Emit one UnmatchedKeysWarning and one DoubtfulMatchWarning at most."""
    problems = report.problems
    unmatched = problems[problems["status"] != DOUBTFUL]
    if len(unmatched):
        counts = unmatched["status"].value_counts()
        keys = (
            unmatched["area_id"]
            .fillna(unmatched["row_code"])
            .fillna(unmatched["row_name"])
        )
        text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        warnings.warn(
            f"{label}: {text} (of {report.n_areas} areas and {report.n_rows} rows), "
            f"e.g. {_examples(keys.drop_duplicates().tolist())}. See "
            "JoinReport.problems for details.",
            UnmatchedKeysWarning,
            stacklevel=3,
        )
    doubtful = problems[problems["status"] == DOUBTFUL]
    if len(doubtful):
        warnings.warn(
            f"{label}: {len(doubtful)} matches need checking (fuzzy or disagreeing "
            f"names), e.g. {_examples(doubtful['detail'].tolist(), 3)}. See "
            "JoinReport.problems.",
            DoubtfulMatchWarning,
            stacklevel=3,
        )


def join_indicators(
    areas: gpd.GeoDataFrame,
    table: pd.DataFrame,
    /,
    *,
    code_column: str | None,
    name_column: str | None = None,
    code_system: SystemChoice = "auto",
    crosswalk: Crosswalk | None = None,
    parent: str | None = None,
    parent_column: str | None = None,
    table_label: str = "table",
    fuzzy_threshold: float = 90.0,
) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Attach an indicator table to prepared areas, by code or by name.

    Every area is kept (left join); the other columns of ``table`` are added,
    missing where no row joined. Rows are decided one by one:

    * **By code** (rows with a code): the code is read in the table's system
      (``code_system``, detected from the column, else the crosswalk's or the
      areas' system when no code needs a choice) and brought into the areas'
      system: directly, by identical digits at provinsi/kab level, or through
      ``crosswalk`` (required below kab/kota when the systems differ).
      Unreadable codes become ``invalid_code`` entries (a JoinError only when
      no code is readable); rows of another level (a province total ``36`` in
      a kab/kota table) become ``unmatched_row`` "different level (...)"; a
      source code the crosswalk maps to several areas becomes ``ambiguous``.
      With ``name_column`` as well, a code match whose names contradict (kab
      vs kota, or similarity below 60) is joined but ``doubtful``.
    * **By name** (rows without a code, or ``code_column=None``): normalised
      names are compared among the areas inside ``parent`` and the row's
      ``parent_column`` code. Same core and kind, or a single area with that
      core -> ``matched_name``. A kab never matches a kota. A name without
      kind shared by several areas (Serang, Tangerang) -> ``ambiguous``, not
      joined. A name whose kind rules out all but one area that has no kind
      -> ``doubtful`` (matched by elimination). Otherwise a single best fuzzy
      candidate (rapidfuzz ratio/token_sort_ratio >= ``fuzzy_threshold``) ->
      ``doubtful``; ties -> ``ambiguous``.
    * Several rows joined to one area are all ``duplicate`` and the area gets
      no values (never one picked at random); this includes several source
      codes mapped to one area by a crosswalk.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Output of :func:`prepare_boundaries` (ID, NAME, PARENT, attrs).
    table : pandas.DataFrame
        Indicator rows; read code columns with ``dtype=str``.
    code_column : str or None
        Column with region codes; None to join by name only.
    name_column : str, optional
        Column with area names.
    code_system : {"auto", "kemendagri", "bps"}
        System of ``code_column``.
    crosswalk : Crosswalk, optional
        Maps the table's codes onto the areas' codes.
    parent : str, optional
        Code of an area that contains every row (e.g. ``"36"``); narrows name
        matching.
    parent_column : str, optional
        Column with a parent code per row; narrows name matching per row.
    table_label : str
        Name of the table in the report and warnings.
    fuzzy_threshold : float
        Minimum similarity (0-100) of a fuzzy name match.

    Returns
    -------
    (geopandas.GeoDataFrame, JoinReport)
        The areas with the table's columns, and one report entry per row and
        per area without a row.

    Raises
    ------
    SchemaError
        Missing columns, or table columns that already exist in the areas.
    JoinError
        No readable code, an undetectable code system, different systems
        below kab/kota without a crosswalk, a crosswalk that does not fit, or
        a bad ``parent``/``fuzzy_threshold``.

    Warns
    -----
    UnmatchedKeysWarning
        Once, when areas or rows stay unmatched (incl. ambiguous, duplicate,
        invalid), with counts and examples.
    DoubtfulMatchWarning
        Once, when matches were flagged as doubtful.

    Examples
    --------
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame({"kode": ["36.04", "36.73"]},
    ...                        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                        crs="EPSG:3857")
    >>> areas = prepare_boundaries(gdf, code_column="kode")
    >>> table = pd.DataFrame({"nama": ["Kota Serang", "Kab. Serang"],
    ...                       "rate": [1.01, 0.75]})
    >>> joined, report = join_indicators(areas, table, code_column=None,
    ...                                  name_column="nama")
    >>> joined[[ID, "rate"]].values.tolist()
    [['36.04', 0.75], ['36.73', 1.01]]
    >>> report.summary()
    '2 of 2 areas matched'
    """
    setup = _setup_join(areas, table_label, crosswalk, fuzzy_threshold)
    used = (code_column, name_column, parent_column)
    if code_column is None and name_column is None:
        raise JoinError("pass code_column, name_column or both to join a table.")
    _check_frame_columns(table, used, table_label)
    columns = _value_columns(areas, table, used)
    matches = _initial_matches(table, code_column, name_column, parent_column)
    matches, notes = _match_codes(matches, code_system, setup)
    matches = _match_names(matches, parent, setup, fuzzy_threshold)
    matches = _flag_duplicates([_check_names(m, setup) for m in matches])
    report = _build_report(matches, setup, len(table), notes)
    _warn_report(report, table_label)
    return _merge_values(areas, table, matches, columns), report
