"""Where an area lies, for people: ``Kec. Sumur, Kab. Pandeglang`` for a desa.

:func:`area_places` fills :data:`~geo_priority.schema.PLACE`: the kecamatan
and kab/kota of a desa, the kab/kota of a kecamatan, the province of a
kab/kota. Names come only from what is reliably known: names given for the
parent codes (the dissolved areas of the run's coarser levels) and the
Kemendagri reference (for BPS codes only where their digits are the
Kemendagri ones: provinces and kab/kota). A parent whose name is not known is
left out, never guessed; an area with no known parent gets ``""``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo_priority.area_keys import area_attrs, reference_names
from geo_priority.codes import CodeColumn, ParsedCode
from geo_priority.codes.parse import code_width
from geo_priority.schema import CODE_SYSTEMS, ID, LEVELS, Level

__all__ = ["area_places", "place_of"]

_KAB_PREFIX = re.compile(r"^\s*(kabupaten|kab\.?|kota)\s+", re.IGNORECASE)
_KEC_PREFIX = re.compile(r"^\s*(kecamatan|kec\.?)\s+", re.IGNORECASE)
_PROV_PREFIX = re.compile(r"^\s*(provinsi|prov\.?)\s+", re.IGNORECASE)
#: Kab/kota numbers from 71 on are cities (Kota), in both code systems.
_FIRST_KOTA = 71


def _kab_name(code: ParsedCode, name: str) -> str:
    core = _KAB_PREFIX.sub("", name).strip()
    kota = int(code.code.replace(".", "")[2:4]) >= _FIRST_KOTA
    return f"Kota {core}" if kota else f"Kab. {core}"


def _part(level: Level, code: ParsedCode, name: str | None) -> str:
    if not name or not str(name).strip():
        return ""
    name = str(name).strip()
    if level == "kabkota":
        return _kab_name(code, name)
    if level == "kecamatan":
        return f"Kec. {_KEC_PREFIX.sub('', name).strip()}"
    return f"Prov. {_PROV_PREFIX.sub('', name).strip()}"


def _name(code: ParsedCode, known: Mapping[str, str]) -> str | None:
    given = known.get(code.code)
    if given:
        return given
    return reference_names([code])[0]


def place_of(code: ParsedCode, known: Mapping[str, str] | None = None) -> str:
    """Return where the area of ``code`` lies (``""`` when nothing is known).

    Parameters
    ----------
    code : ParsedCode
        The area's code.
    known : mapping of str to str, optional
        Names of parent areas by canonical code; they win over the reference.

    Returns
    -------
    str

    Examples
    --------
    >>> from geo_priority.codes import parse_code
    >>> place_of(parse_code("36.01.01.2001", system="kemendagri"))
    'Kec. Sumur, Kab. Pandeglang'
    >>> place_of(parse_code("36.73", system="kemendagri"))
    'Prov. Banten'
    >>> place_of(parse_code("3601010001", system="bps"))
    'Kab. Pandeglang'
    """
    return _place(code, known or {}, {})


#: The words of each parent already made in one run of :func:`area_places`,
#: by (system, level, parent code).
_Parts = dict[tuple[str, Level, str], str]


def _place(code: ParsedCode, known: Mapping[str, str], parts: _Parts) -> str:
    """:func:`place_of`, with the words of every parent kept in ``parts``.

    The desa of one kecamatan share its two parents: each parent's words are
    made once per run, not once per desa; a parent's code is cut from the
    code's text (what :meth:`ParsedCode.parent` cuts), its ParsedCode made
    only when its words are.
    """
    if code.level == "provinsi":
        return ""
    own = LEVELS.index(code.level)
    ups: list[Level] = (
        ["kecamatan", "kabkota"] if code.level == "desa" else [LEVELS[own - 1]]
    )
    words = []
    for up in ups:
        key = (code.system, up, code.code[: code_width(code.system, up)])
        if key not in parts:
            parent = code.parent(up)
            parts[key] = _part(up, parent, _name(parent, known))
        words.append(parts[key])
    return ", ".join(p for p in words if p)


def area_places(
    areas: pd.DataFrame, known: Mapping[str, str] | None = None
) -> pd.Series:
    """Return the :data:`~geo_priority.schema.PLACE` of every area.

    Parameters
    ----------
    areas : pandas.DataFrame
        Prepared areas (``area_id`` and the ``code_system``/``level`` attrs).
    known : mapping of str to str, optional
        Names of parent areas by canonical code (e.g. the run's coarser
        levels), used before the Kemendagri reference.

    Returns
    -------
    pandas.Series
        String dtype, aligned with ``areas``.
    """
    system, _ = area_attrs(areas)
    codes = CodeColumn(areas[ID]).codes(system)
    known = known or {}
    parts: _Parts = {}
    # the place is made of the parents only: desa of one kecamatan share it
    groups, first = _by_parent(codes)
    places = [_place(codes[i], known, parts) for i in first]
    return pd.Series(
        np.asarray(places, dtype=object)[groups],
        index=areas.index,
        dtype="string",
    )


def _by_parent(codes: list[ParsedCode]) -> tuple[np.ndarray, list[int]]:
    """Group codes by level and parent: each code's group, each group's first code.

    Groups are numbered in order of their first code.
    """
    widths = {  # the parent's width, per kind
        (system, level): code_width(system, LEVELS[depth - 1]) if depth else 0
        for system in CODE_SYSTEMS
        for depth, level in enumerate(LEVELS)
    }
    kinds = {(c.system, c.level) for c in codes}
    if len(kinds) == 1:  # prepared areas: one system and level, one width
        width = widths[kinds.pop()]
        keys: list[object] = [c.code[:width] for c in codes]
    else:
        keys = [(c.level, c.code[: widths[c.system, c.level]]) for c in codes]
    groups, _ = pd.factorize(pd.Index(keys, dtype=object, tupleize_cols=False))
    first = np.unique(groups, return_index=True)[1].tolist()
    return groups, first
