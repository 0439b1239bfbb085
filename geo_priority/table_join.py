"""Join an indicator table to prepared areas: :func:`join_indicators`.

A table is attached by code (directly, by identical digits, or through a
:class:`~geo_priority.regions.Crosswalk`) or by name, row by row
(:mod:`geo_priority.matching`, :mod:`geo_priority.name_matching`). Then the
join decides what may carry a value:

* doubtful matches are held back until the config accepts them
  (:mod:`geo_priority.doubts`);
* areas several rows land on are combined or refused
  (:mod:`geo_priority.join_values`): counts summed and rates re-derived for a
  crosswalk's many-to-one, counts split by weight for its one-to-many, and a
  table's own duplicates never joined;
* every row and every area without a row gets a report entry
  (:mod:`geo_priority.join_report`).

Frames in, frames out; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import pandas as pd

from geo_priority.area_keys import area_attrs
from geo_priority.codes import SystemChoice, check_code_system_option
from geo_priority.doubts import hold_doubtful
from geo_priority.errors import JoinError, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.join_values import (
    RateRule,
    ValueRules,
    hold_combined,
    merge_values,
    plain_alone,
    resolve_collisions,
)
from geo_priority.matching import (
    JoinContext,
    RowCells,
    build_report,
    match_codes,
    warn_report,
)
from geo_priority.messages import tr
from geo_priority.name_matching import check_names, match_names
from geo_priority.regions import Crosswalk, check_columns
from geo_priority.schema import ID, NAME, CodeSystem, JoinReport, Level

__all__ = ["join_indicators"]


def _check_crosswalk(crosswalk: Crosswalk, system: CodeSystem, level: Level) -> None:
    """Raise JoinError when a crosswalk does not lead to the areas."""
    if crosswalk.to_system != system or crosswalk.to_level != level:
        raise JoinError(
            tr(
                "crosswalk {label!r} maps to {to_system} {to_level} codes, but the "
                "areas are {system} {level} codes; give a crosswalk file "
                "(tables.crosswalk) whose target codes are those of the boundary "
                "layer.",
                label=crosswalk.label,
                to_system=crosswalk.to_system,
                to_level=crosswalk.to_level,
                system=system,
                level=level,
            )
        )


def _join_context(
    areas: gpd.GeoDataFrame,
    label: str,
    crosswalk: Crosswalk | None,
    fuzzy_threshold: float,
    crosswalk_weight: str | None,
) -> JoinContext:
    """Check the areas and build the matching context."""
    check_columns(areas, (ID, NAME), tr("area layer (prepared boundaries)"))
    system, level = area_attrs(areas)
    if not 0 <= fuzzy_threshold <= 100:
        raise JoinError(
            tr(
                "fuzzy_threshold must be between 0 and 100, got {fuzzy_threshold!r}.",
                fuzzy_threshold=fuzzy_threshold,
            )
        )
    if crosswalk is not None:
        _check_crosswalk(crosswalk, system, level)
    elif crosswalk_weight is not None:
        raise JoinError(
            tr(
                "tables.crosswalk_weight = {crosswalk_weight!r} is set for "
                "{label!r}, but the table has no crosswalk; set tables.crosswalk or "
                "remove crosswalk_weight.",
                crosswalk_weight=crosswalk_weight,
                label=label,
            )
        )
    ids = [i if type(i) is str else str(i) for i in areas[ID].to_list()]
    return JoinContext.of(
        ids,
        areas[NAME],
        system=system,
        level=level,
        label=label,
        crosswalk=crosswalk,
        crosswalk_weight=crosswalk_weight,
    )


def _value_columns(
    areas: pd.DataFrame, table: pd.DataFrame, used: Iterable[str | None]
) -> list[str]:
    """Table columns to attach; raise SchemaError on clashes with the areas."""
    skip = {c for c in used if c is not None}
    columns = [c for c in table.columns if c not in skip]
    clash = [c for c in columns if c in areas.columns]
    if clash:
        raise SchemaError(
            tr(
                "table columns {value} already exist in the areas. Rename or drop "
                "them in the table, or name them as tables.code_column / "
                "tables.name_column.",
                value=shorten_list(clash, 5),
            )
        )
    return columns


def _check_accept(accept_doubtful: Sequence[str], accept_all_doubtful: bool) -> None:
    """Raise JoinError when the acceptance keywords have the wrong type."""
    if isinstance(accept_doubtful, str) or not all(
        isinstance(a, str) for a in accept_doubtful
    ):
        raise JoinError(
            tr(
                "tables.accept_doubtful must be a list of row codes or names, e.g. "
                '["3601060010", "Mekarsari"]; got {accept_doubtful!r}.',
                accept_doubtful=accept_doubtful,
            )
        )
    if not isinstance(accept_all_doubtful, bool):
        raise JoinError(
            tr(
                "tables.accept_all_doubtful must be true or false; got "
                "{accept_all_doubtful!r}.",
                accept_all_doubtful=accept_all_doubtful,
            )
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
    accept_doubtful: Sequence[str] = (),
    accept_all_doubtful: bool = False,
    counts: Sequence[str] = (),
    rates: Mapping[str, RateRule] | None = None,
    crosswalk_weight: str | None = None,
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
      a kab/kota table) become ``unmatched_row`` "different level (...)".
      With ``name_column`` as well, a code match whose names contradict (kab
      vs kota, or similarity below 60) is ``doubtful``. Below kab/kota, codes
      that also read in the other system but mostly land on no area are all
      ``doubtful`` ("wrong code system?").
    * **Through a crosswalk**: a pair whose names the crosswalk records as
      different is ``doubtful``. A source mapped to several areas is split
      with the weights in column ``crosswalk_weight`` of the crosswalk (counts
      multiplied by the weight, rates kept); without weights it is
      ``ambiguous``. Several sources mapped to one area are combined:
      ``counts`` summed, ``rates`` re-derived from their numerator and
      denominator; when a column is neither, the rows are ``duplicate`` and
      the detail says the crosswalk, not the table, is at fault.
    * **By name** (rows without a code, or ``code_column=None``): normalised
      names are compared among the areas inside ``parent`` and the row's
      ``parent_column`` (a code, or a province name such as ``"JAWA TIMUR"``).
      Same core and kind, or a single area with that core -> ``matched_name``.
      A kab never matches a kota. A name without kind shared by several areas
      (Serang, Tangerang) -> ``ambiguous``, unless the table gives the other
      kind in a row of its own (``Blitar`` beside ``Kota Blitar`` is the
      kabupaten). A name whose kind rules out all but one area that has no
      kind -> ``doubtful`` (matched by elimination). Otherwise a single best
      fuzzy candidate (rapidfuzz ratio/token_sort_ratio >= ``fuzzy_threshold``)
      -> ``doubtful``; ties -> ``ambiguous``.
    * **Doubt never becomes a silent value**: a ``doubtful`` match puts its
      value on the area only when accepted (its row code or name in
      ``accept_doubtful``, or ``accept_all_doubtful``); its detail then says
      "accepted". Otherwise it is ``doubtful_held``: no value, and the detail
      names the TOML key that accepts it.
    * Several rows of the table on one area are all ``duplicate`` and the
      area gets no value (never one picked at random).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Output of :func:`~geo_priority.harmonise.prepare_boundaries`.
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
        Code or name of an area that contains every row (e.g. ``"36"`` or
        ``"BANTEN"``); narrows name matching.
    parent_column : str, optional
        Column with a parent code or province name per row.
    table_label : str
        Name of the table in the report and warnings.
    fuzzy_threshold : float
        Minimum similarity (0-100) of a fuzzy name match.
    accept_doubtful : sequence of str
        Row codes or names whose doubtful match is accepted
        (``tables.accept_doubtful``).
    accept_all_doubtful : bool
        Accept every doubtful match (``tables.accept_all_doubtful``); noted in
        the report.
    counts : sequence of str
        Count columns: summed when a crosswalk maps several sources onto one
        area, split by weight when it splits a source.
    rates : mapping of str to (str or None, str, float), optional
        Rate column -> (numerator column, denominator column, scale), to
        re-derive a rate of combined sources; a numerator of None takes rate x
        denominator / scale per row.
    crosswalk_weight : str, optional
        Column of the crosswalk with the share of a source that goes to each
        area (``tables.crosswalk_weight``).

    Returns
    -------
    (geopandas.GeoDataFrame, JoinReport)
        The areas with the table's columns, and one report entry per row (per
        area for a split row) and per area without a row.

    Raises
    ------
    SchemaError
        Missing columns, table columns that already exist in the areas, or a
        ``crosswalk_weight`` column that is missing or not numeric.
    JoinError
        No readable code, an undetectable code system, different systems
        below kab/kota without a crosswalk, a crosswalk that does not fit, a
        bad ``parent``/``fuzzy_threshold``, or badly typed acceptance.

    Warns
    -----
    UnmatchedKeysWarning
        Once, when areas or rows stay unmatched (incl. ambiguous, duplicate,
        invalid), with counts and examples.
    DoubtfulMatchWarning
        Once, when matches were flagged as doubtful (held or accepted).

    Examples
    --------
    >>> from shapely import box
    >>> from geo_priority.harmonise import prepare_boundaries
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
    '2 dari 2 wilayah cocok'
    """
    context = _join_context(
        areas, table_label, crosswalk, fuzzy_threshold, crosswalk_weight
    )
    check_code_system_option(code_system)
    _check_accept(accept_doubtful, accept_all_doubtful)
    used = (code_column, name_column, parent_column)
    if code_column is None and name_column is None:
        raise JoinError(
            tr(
                "a table needs tables.code_column, tables.name_column or both to be "
                "joined."
            )
        )
    check_columns(table, used, table_label)
    columns = _value_columns(areas, table, used)
    rules = ValueRules.of(counts, rates)
    rows = RowCells.of(table, code_column, name_column, parent_column)
    plain, matches, notes = match_codes(rows, code_system, context)
    matches = check_names(
        match_names(matches, parent, context, fuzzy_threshold), context
    )
    plain, matches = plain_alone(plain, matches)
    matches = resolve_collisions(matches, table, columns, rules)
    matches, accepted = hold_doubtful(
        matches, accept_doubtful, accept_all_doubtful, table_label
    )
    matches = hold_combined(matches)
    report = build_report(matches, context, len(table), [*notes, *accepted], plain)
    warn_report(report, table_label)
    return merge_values(areas, table, matches, columns, rules, plain), report
