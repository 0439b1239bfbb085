"""Read a parent given by name (``BANTEN``, ``Jawa Timur``, ``Kab. Lebak``).

National tables carry the province of each row as a name as often as a code
(``tables.parent_column``). :func:`parent_code_from_name` finds the
Kemendagri code of a province name, or of a kab/kota name, in the Kemendagri
reference, with the usual short forms (``DKI JAKARTA``, ``DI YOGYAKARTA``,
``KEP. BANGKA BELITUNG``, ``NTT``).
"""

from __future__ import annotations

from functools import cache

from geo_priority.errors import CodeError
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr
from geo_priority.names import normalise_name
from geo_priority.regions import reference_areas

__all__ = ["PROVINCE_ALIASES", "parent_code_from_name"]

#: Other names of provinces (normalised core -> Kemendagri code).
PROVINCE_ALIASES: dict[str, str] = {
    "NANGGROE ACEH DARUSSALAM": "11",
    "NAD": "11",
    "BANGKA BELITUNG": "19",
    "BABEL": "19",
    "KEPRI": "21",
    "DKI JAKARTA": "31",
    "DKI": "31",
    "JAKARTA": "31",
    "DAERAH KHUSUS JAKARTA": "31",
    "DI YOGYAKARTA": "34",
    "DIY": "34",
    "YOGYAKARTA": "34",
    "NTB": "52",
    "NTT": "53",
}


@cache
def _provinces() -> dict[str, str]:
    """Province core -> Kemendagri code (reference names and aliases)."""
    table = reference_areas("provinsi")
    out = {
        normalise_name(n).core: str(c)
        for c, n in zip(table["code"], table["name"], strict=True)
    }
    return {**out, **PROVINCE_ALIASES}


@cache
def _kabkota() -> dict[str, list[tuple[str, str | None]]]:
    """Kab/kota core -> [(Kemendagri code, kind), ...]."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    table = reference_areas("kabkota")
    for code, name in zip(table["code"], table["name"], strict=True):
        normalised = normalise_name(name)
        out.setdefault(normalised.core, []).append((str(code), normalised.kind))
    return out


def _kabkota_code(value: str) -> str | None:
    """Return the one kab/kota the name can mean; CodeError when ambiguous."""
    wanted = normalise_name(value)
    found = [
        code
        for code, kind in _kabkota().get(wanted.core, [])
        if wanted.kind is None or kind is None or kind == wanted.kind
    ]
    if len(found) > 1:
        raise CodeError(
            tr(
                "parent {value!r} names several kab/kota ({value2}); write "
                "'Kabupaten ...' or 'Kota ...', or give the parent as a code.",
                value=value,
                value2=shorten_list(found, 5),
            )
        )
    return found[0] if found else None


def parent_code_from_name(value: object, *, kabkota: bool = False) -> str | None:
    """Return the Kemendagri code of a province (or kab/kota) given by name.

    Parameters
    ----------
    value : object
        The name, in any usual form (``"BANTEN"``, ``"Prov. Jawa Timur"``,
        ``"DKI JAKARTA"``).
    kabkota : bool
        Also look among the kab/kota (for kecamatan or desa areas).

    Returns
    -------
    str or None
        The Kemendagri code, or None when no province (or kab/kota) has the
        name.

    Raises
    ------
    CodeError
        When a kab/kota name without kind fits several kab/kota.

    Examples
    --------
    >>> parent_code_from_name("PAPUA SELATAN"), parent_code_from_name("DKI Jakarta")
    ('93', '31')
    >>> parent_code_from_name("Kab. Lebak", kabkota=True)
    '36.02'
    """
    core = normalise_name(value).core
    if core in _provinces():
        return _provinces()[core]
    return _kabkota_code(str(value)) if kabkota else None
