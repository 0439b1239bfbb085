"""The keys of a boundary layer: ID, NAME and PARENT from codes read once.

:func:`~geo_priority.harmonise.prepare_boundaries` reads the code column once
(:func:`read_codes`), checks its level and duplicates, and puts the canonical
keys in front (:func:`with_keys`): the area code, its name (given, or from the
Kemendagri reference) and its parent's code, all derived from the parsed
:class:`~geo_priority.codes.ParsedCode` values. :func:`area_attrs` reads back
the system and level of prepared areas. Pure: frames in, frames out.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import geopandas as gpd
import pandas as pd

from geo_priority.codes import (
    CodeColumn,
    ParsedCode,
    SystemChoice,
    detect_code_system,
    level_of,
)
from geo_priority.codes.parse import code_width
from geo_priority.errors import CodeError, SchemaError, UnmatchedKeysWarning
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr
from geo_priority.regions import (
    REFERENCE_EDITION,
    check_columns,
    reference_missing,
    reference_name,
)
from geo_priority.schema import (
    CODE_SYSTEMS,
    ID,
    LEVELS,
    NAME,
    PARENT,
    CodeSystem,
    Level,
)

__all__ = [
    "area_attrs",
    "check_levels",
    "check_unique",
    "known_level",
    "parent_ids",
    "read_codes",
    "reference_names",
    "warn_unknown_codes",
    "with_keys",
]


def read_codes(
    values: pd.Series,
    code_system: SystemChoice,
    column: str,
    fallback: CodeSystem,
    section: str = "boundaries",
) -> tuple[list[ParsedCode], CodeSystem]:
    """Read a code column once: its system and every code, all readable.

    Parameters
    ----------
    values : pandas.Series
        The code cells.
    code_system : {"auto", "kemendagri", "bps"}
        Their system; "auto" detects it from the whole column.
    column : str
        The column's name, for messages.
    fallback : {"kemendagri", "bps"}
        System taken when no value decides it and none needs a choice.
    section : str
        The config section the codes come from (``"boundaries"`` or
        ``"tables"``), for the keys named in messages.

    Returns
    -------
    (list of ParsedCode, {"kemendagri", "bps"})
        One parsed code per row, and the system.

    Raises
    ------
    SchemaError
        When the column is empty.
    CodeError
        When ``code_system`` is unknown, the system cannot be told, or codes
        are unreadable (all listed in one message).

    Examples
    --------
    >>> codes, system = read_codes(pd.Series(["36.01", "36.02"]), "auto", "kode",
    ...                            "bps")
    >>> system, codes[1].level
    ('kemendagri', 'kabkota')
    """
    if len(values) == 0:
        raise SchemaError(
            tr(
                "column {column!r} is empty; pass a layer with features.",
                column=column,
            )
        )
    codes = CodeColumn(values)
    system = codes.resolve_system(code_system, fallback)
    if system is None:
        raise CodeError(
            tr(
                "cannot tell whether {column!r} holds Kemendagri or BPS codes (e.g. "
                '{value}). Set {section}.code_system = "kemendagri" or "bps".',
                column=column,
                value=shorten_list(codes.needs_system(), 5),
                section=section,
            )
        )
    bad = codes.unreadable(system)
    if bad:
        raise CodeError(
            tr(
                "{n_bad} of {n_values} codes in {column!r} cannot be read as "
                "{system} codes: {value}. Fix or remove those rows, or check "
                "{section}.code_column and {section}.code_system.",
                n_bad=len(bad),
                n_values=len(values),
                column=column,
                system=system,
                value=shorten_list(bad, 5),
                section=section,
            )
        )
    return codes.codes(system), system


def check_unique(ids: pd.Series, what: str = "boundary") -> None:
    """Raise SchemaError listing duplicated codes.

    Parameters
    ----------
    ids : pandas.Series
        Canonical codes.
    what : str
        What the codes are, for the message.

    Raises
    ------
    SchemaError
        With each repeated code and how often it appears.
    """
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        counts = repeated.value_counts()
        raise SchemaError(
            tr(
                "{n_counts} {what} codes appear more than once: {value}. Remove the "
                "repeats from the file (or merge the features), or check the code "
                "column (boundaries.code_column, tables.code_column).",
                n_counts=len(counts),
                what=tr("boundary") if what == "boundary" else tr("table"),
                value=shorten_list((f"{k} ({v}x)" for k, v in counts.items()), 5),
            )
        )


def known_level(level: object) -> Level:
    """Return ``level`` as a level name; raise SchemaError when it is unknown.

    Parameters
    ----------
    level : object
        The value passed as a level.

    Returns
    -------
    {"provinsi", "kabkota", "kecamatan", "desa"}

    Raises
    ------
    SchemaError
        Naming the value and the allowed levels.

    Examples
    --------
    >>> known_level("desa")
    'desa'
    """
    for known in LEVELS:
        if level == known:
            return known
    raise SchemaError(
        tr(
            "unknown level {level!r}. Choose one of: {value}.",
            level=level,
            value=", ".join(LEVELS),
        )
    )


def area_attrs(areas: pd.DataFrame) -> tuple[CodeSystem, Level]:
    """Return (code system, level) of prepared areas, inferring lost attrs.

    Parameters
    ----------
    areas : pandas.DataFrame
        Output of :func:`~geo_priority.harmonise.prepare_boundaries` (attrs
        may have been lost by a pandas operation).

    Returns
    -------
    ({"kemendagri", "bps"}, {"provinsi", "kabkota", "kecamatan", "desa"})

    Raises
    ------
    SchemaError
        When the ID column is missing, the areas are empty or the system
        cannot be told.
    """
    check_columns(areas, (ID,), tr("area layer (prepared boundaries)"))
    if areas.empty:
        raise SchemaError(
            tr("the areas are empty; pass a boundary layer with features.")
        )
    system = areas.attrs.get("code_system") or detect_code_system(areas[ID])
    level = areas.attrs.get("level")
    if system not in CODE_SYSTEMS:
        raise SchemaError(
            tr(
                "cannot tell the code system of the areas (attrs {attrs!r}); pass "
                "the output of prepare_boundaries, which sets attrs['code_system'].",
                attrs=areas.attrs,
            )
        )
    if level not in LEVELS:
        level = level_of(areas[ID].iloc[0], system)
    return system, level


def reference_names(codes: Iterable[ParsedCode]) -> list[str | None]:
    """Return Kemendagri reference names of ``codes`` (None where not listed).

    BPS codes get a name only where their digits are the Kemendagri ones
    (provinsi/kab in digit-identical provinces).

    Parameters
    ----------
    codes : iterable of ParsedCode
        Parsed codes.

    Returns
    -------
    list of str or None
    """
    names: list[str | None] = []
    for code in codes:
        try:
            names.append(reference_name(code))
        except CodeError:
            names.append(None)
    return names


def parent_ids(codes: Sequence[ParsedCode], level: Level) -> pd.Series:
    """Return the PARENT column: one level up, missing at provinsi.

    Parameters
    ----------
    codes : sequence of ParsedCode
        Codes, all of ``level``.
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Their level.

    Returns
    -------
    pandas.Series
        String dtype, one entry per code.
    """
    if level == "provinsi":
        return pd.Series([pd.NA] * len(codes), dtype="string")
    up = LEVELS[LEVELS.index(level) - 1]
    widths = {system: code_width(system, up) for system in CODE_SYSTEMS}
    return pd.Series(
        [  # the parent's text, as ParsedCode.parent cuts it
            c.code[: widths[c.system]] if c.level == level else c.parent(up).code
            for c in codes
        ],
        dtype="string",
    )


def check_levels(codes: Sequence[ParsedCode], level: Level | None) -> Level:
    """Return the single level of ``codes``; raise SchemaError when mixed/wrong.

    Parameters
    ----------
    codes : sequence of ParsedCode
        A layer's codes.
    level : {"provinsi", "kabkota", "kecamatan", "desa"} or None
        The expected level, if any.

    Returns
    -------
    {"provinsi", "kabkota", "kecamatan", "desa"}

    Raises
    ------
    SchemaError
        When the codes mix levels or are not of ``level``.
    """
    found = pd.Series([c.level for c in codes], dtype="string").value_counts()
    if len(found) > 1:
        raise SchemaError(
            tr(
                "boundary codes mix levels {value}; one layer must hold one level. "
                "Filter the layer (boundaries.path) to one level; coarser areas are "
                "made with boundaries.dissolve_to.",
                value=found.to_dict(),
            )
        )
    actual: Level = found.index[0]
    if level is not None and actual != level:
        raise SchemaError(
            tr(
                "boundary codes are {actual} codes (e.g. {code!r}) but "
                "boundaries.level = {level!r}; set the matching boundaries.level or "
                "the right boundaries.code_column.",
                actual=actual,
                code=codes[0].code,
                level=level,
            )
        )
    return actual


def with_keys(
    gdf: gpd.GeoDataFrame,
    codes: Sequence[ParsedCode],
    names: Iterable[object],
    level: Level,
) -> gpd.GeoDataFrame:
    """Return the layer with ID, NAME and PARENT in front (index reset).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer (existing ID/NAME/PARENT columns are replaced).
    codes : sequence of ParsedCode
        One code per row.
    names : iterable
        One name per row (missing allowed).
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        The codes' level.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    SchemaError
        When a code appears more than once.
    """
    keyed = gdf.reset_index(drop=True)
    keys = pd.DataFrame({ID: pd.array([c.code for c in codes], dtype="string")})
    check_unique(keys[ID])
    keys[NAME] = pd.array(_cells(names), dtype="string")
    keys[PARENT] = parent_ids(codes, level)
    return gpd.GeoDataFrame(
        pd.concat(
            [keys, keyed.drop(columns=[ID, NAME, PARENT], errors="ignore")], axis=1
        ),
        geometry=gdf.geometry.name,
        crs=gdf.crs,
    )


def _cells(values: Iterable[object]) -> list[object]:
    """Return the cells of ``values`` as a list, the items iterating gives.

    A pandas column is listed whole (``to_list``): iterating Arrow text
    builds one scalar at a time (80 ms for a national desa name column).
    """
    if isinstance(values, pd.Series | pd.Index):
        return list(values.to_list())
    return list(values)


def warn_unknown_codes(codes: Sequence[ParsedCode], system: CodeSystem) -> None:
    """Warn once when Kemendagri codes are missing from the reference table.

    Parameters
    ----------
    codes : sequence of ParsedCode
        The layer's codes.
    system : {"kemendagri", "bps"}
        Their system (BPS codes are not checked).

    Warns
    -----
    UnmatchedKeysWarning
        Pointing at the caller's caller (``prepare_boundaries``' caller).
    """
    if system != "kemendagri":
        return
    unknown = [c.code for c in reference_missing(codes)]
    if unknown:
        warnings.warn(
            tr(
                "{n_unknown} of {n_codes} area codes are not in {REFERENCE_EDITION}: "
                "{value}. They may come from another edition; check the layer's "
                "edition or map old codes with a crosswalk.",
                n_unknown=len(unknown),
                n_codes=len(codes),
                REFERENCE_EDITION=REFERENCE_EDITION,
                value=shorten_list(unknown, 5),
            ),
            UnmatchedKeysWarning,
            stacklevel=3,
        )
