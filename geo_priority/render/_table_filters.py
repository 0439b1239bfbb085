"""The provinces and kab/kota a level's areas lie in, for the table's filters.

The ranked table of the map (``geo_priority_table.js``) can be narrowed to
one province and one kab/kota. :func:`table_filters` names those present in
a level's areas, keyed by the digits of their code: the first 2 digits of an
area's code are its province, the first 4 its kab/kota, in the Kemendagri
(``36.01.14.2003``) and the BPS (``3601140003``) system alike, so the page
finds an area's keys from its code alone and the spec holds no key per area.

A kab/kota is named as the areas' place names it (``area_place``, e.g.
``Kec. Sumur, Kab. Pandeglang``), else from the Kemendagri reference through
:func:`~geo_priority.places.place_of`; a province from the reference (or
``Prov. Banten`` in the place of a kab/kota). A name that is not known is
shown as its code, never guessed.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_priority.area_keys import area_attrs
from geo_priority.codes import ParsedCode, parse_code
from geo_priority.errors import CodeError, SchemaError
from geo_priority.places import place_of
from geo_priority.schema import ID, PLACE, CodeSystem

__all__ = ["table_filters"]

#: The kab/kota part of a place: "Kab. Pandeglang" in "Kec. Sumur, Kab. Pandeglang".
_KAB_PART = re.compile(r"(?:^|, )((?:Kab\.|Kota) [^,]+)$")
_PROV_PART = re.compile(r"(?:^|, )(Prov\. [^,]+)$")
_PREFIX = re.compile(r"^(Prov\.|Kab\.|Kota)\s+")


def _part(pattern: re.Pattern[str], place: str) -> str:
    found = pattern.search(place)
    return found.group(1) if found else ""


def _parsed(code: str, system: CodeSystem) -> ParsedCode | None:
    try:
        return parse_code(code, system=system)
    except CodeError:
        return None


def _label_order(item: tuple[str, str]) -> tuple[str, str]:
    """Sort by the name without its prefix, so Kab. Bogor and Kota Bogor meet."""
    return (_PREFIX.sub("", item[1]).casefold(), item[0])


def _names(
    ids: pd.Series, places: pd.Series, system: CodeSystem, level: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Return {province digits: name} and {kab/kota digits: name}."""
    digits = ids.str.replace(r"\D", "", regex=True)
    first = digits.str[:4].drop_duplicates()  # one area per kab/kota
    provs: dict[str, str] = {}
    kabs: dict[str, str] = {}
    for i, key in first.items():
        if len(key) < 4:
            continue
        place = str(places[i])
        parsed = _parsed(str(ids[i]), system)
        kab = parsed.parent("kabkota") if parsed else None
        if level == "kabkota":
            prov = _part(_PROV_PART, place)
        else:
            own = _part(_KAB_PART, place)
            kec = parsed.parent("kecamatan") if parsed else None
            kabs[key] = own or (place_of(kec) if kec else "") or key
            prov = ""
        if provs.get(key[:2], key[:2]) == key[:2]:
            provs[key[:2]] = prov or (place_of(kab) if kab else "") or key[:2]
    return provs, kabs


def table_filters(areas: gpd.GeoDataFrame | pd.DataFrame) -> dict[str, Any]:
    """Return the provinces and kab/kota present in ``areas``, for the filters.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One map level's areas (``area_id``, optionally ``area_place``).

    Returns
    -------
    dict
        ``{"prov": [[digits, name], ...], "kab": [[digits, name], ...]}``
        sorted by name; ``"kab"`` only below the kab/kota level, nothing for
        provinces or for codes that are not Kemendagri or BPS region codes.

    Examples
    --------
    >>> import pandas as pd
    >>> areas = pd.DataFrame({"area_id": ["36.01.01.2001", "36.73.01.1001"],
    ...                       "area_place": ["Kec. Sumur, Kab. Pandeglang", ""]})
    >>> table_filters(areas)["kab"]
    [['3601', 'Kab. Pandeglang'], ['3673', 'Kota Serang']]
    >>> table_filters(areas)["prov"]
    [['36', 'Prov. Banten']]
    """
    try:
        system, level = area_attrs(areas)
    except (SchemaError, CodeError):
        return {}
    if level == "provinsi":
        return {}
    ids = areas[ID].astype(str).reset_index(drop=True)
    places = (
        areas[PLACE].astype("string").fillna("").reset_index(drop=True)
        if PLACE in areas
        else pd.Series([""] * len(ids))
    )
    provs, kabs = _names(ids, places, system, level)
    found: dict[str, Any] = {
        "prov": [list(p) for p in sorted(provs.items(), key=_label_order)]
    }
    if level != "kabkota":
        found["kab"] = [list(k) for k in sorted(kabs.items(), key=_label_order)]
    return found
