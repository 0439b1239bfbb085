"""Indonesian area names reduced for matching.

:func:`normalise_name` turns ``"KAB. ADMINISTRASI KEPULAUAN SERIBU"``,
``"Kab. Adm. Kep. Seribu"`` and ``"Kabupaten Administrasi Kepulauan Seribu"``
into one :class:`NormalisedName` (core ``KEPULAUAN SERIBU``, kind ``kab``):
upper-case ASCII, no punctuation, no level word, the kab/kota prefix (also the
administrative forms of DKI Jakarta) or suffix recorded as the kind, and known
short forms expanded. :func:`same_spelling` compares two names with spaces
ignored. Pure: no I/O, no reference table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from geo_priority.codes import is_missing

__all__ = [
    "NAME_ALIASES",
    "TOKEN_ABBREVIATIONS",
    "Kind",
    "NormalisedName",
    "normalise_name",
    "same_spelling",
]

Kind = Literal["kab", "kota"]


@dataclass(frozen=True)
class NormalisedName:
    """An area name reduced for matching.

    Attributes
    ----------
    core : str
        Upper-case ASCII name without prefixes or punctuation: ``"PANDEGLANG"``.
    kind : {"kab", "kota"} or None
        Kabupaten or kota when the name said so, else None.
    """

    core: str
    kind: Kind | None


#: Known short forms: normalised core -> (core, kind). Extend as tables turn up.
NAME_ALIASES: dict[str, tuple[str, Kind | None]] = {
    "TANGSEL": ("TANGERANG SELATAN", "kota"),
    "TANGERANG SEL": ("TANGERANG SELATAN", "kota"),
}
#: Abbreviated words inside names, expanded before comparing
#: (``Kep. Seribu`` -> ``KEPULAUAN SERIBU``).
TOKEN_ABBREVIATIONS: dict[str, str] = {"KEP": "KEPULAUAN"}

_ADMINISTRATIVE = ("ADMINISTRASI", "ADM")
_KAB_WORDS = ("KABUPATEN", "KAB")
_KOTA_WORDS = ("KOTAMADYA", "KODYA", "KOTA")
#: Kind prefixes, longest first: the administrative forms of DKI Jakarta
#: (``Kota Administrasi``, ``Kotamadya Administrasi``, ``KAB. ADMINISTRASI``,
#: ``Kab. Adm.``) before the plain ones.
_KIND_PREFIXES: tuple[tuple[tuple[str, ...], Kind], ...] = (
    *(((w, a), "kab") for w in _KAB_WORDS for a in _ADMINISTRATIVE),
    *(((w, a), "kota") for w in _KOTA_WORDS for a in _ADMINISTRATIVE),
    *(((w,), "kab") for w in _KAB_WORDS),
    *(((w,), "kota") for w in _KOTA_WORDS),
)
_LEVEL_PREFIXES: tuple[str, ...] = (
    "PROVINSI",
    "PROV",
    "KECAMATAN",
    "KEC",
    "DISTRIK",
    "KELURAHAN",
    "KEL",
    "DESA",
)
_KIND_SUFFIX = re.compile(r"\(\s*(KABUPATEN|KAB|KOTA)\s*\.?\s*\)\s*$")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def _ascii_upper(name: str) -> str:
    """Strip accents and upper-case."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _strip_kind(tokens: list[str]) -> tuple[list[str], Kind | None]:
    """Remove a leading kab/kota prefix when a name remains after it."""
    for prefix, kind in _KIND_PREFIXES:
        n = len(prefix)
        if tuple(tokens[:n]) == prefix and len(tokens) > n:
            return tokens[n:], kind
    return tokens, None


def normalise_name(name: object) -> NormalisedName:
    """Normalise an area name for matching.

    Upper-cases, strips accents and punctuation, collapses spaces, removes the
    level words (``KECAMATAN``, ``KEC.``, ``DESA``, ``KELURAHAN``, ``KEL.``,
    ``PROVINSI``) and records a kab/kota prefix (``KABUPATEN``, ``KAB.``,
    ``KOTA``, ``KOTAMADYA``, and the administrative forms ``KOTA ADMINISTRASI``,
    ``KOTAMADYA ADMINISTRASI``, ``KAB. ADMINISTRASI``, ``KAB. ADM.``) or suffix
    (``Serang (Kota)``). Abbreviated words (:data:`TOKEN_ABBREVIATIONS`) and
    known short forms (:data:`NAME_ALIASES`) are expanded.

    Parameters
    ----------
    name : object
        The name; missing values give an empty core.

    Returns
    -------
    NormalisedName

    Examples
    --------
    >>> normalise_name("KAB. PANDEGLANG")
    NormalisedName(core='PANDEGLANG', kind='kab')
    >>> normalise_name("Kotamadya Administrasi Jakarta Pusat")
    NormalisedName(core='JAKARTA PUSAT', kind='kota')
    >>> normalise_name("Kab. Adm. Kep. Seribu")
    NormalisedName(core='KEPULAUAN SERIBU', kind='kab')
    >>> normalise_name("Kota Tangerang Selatan") == normalise_name("Tangsel")
    True
    >>> normalise_name("Pandeglang").kind is None
    True
    """
    if is_missing(name):
        return NormalisedName("", None)
    text = _ascii_upper(str(name))
    suffix = _KIND_SUFFIX.search(text)
    kind: Kind | None = None
    if suffix:
        kind = "kota" if suffix.group(1) == "KOTA" else "kab"
        text = text[: suffix.start()]
    tokens = _NON_ALNUM.sub(" ", text).split()
    if tokens and tokens[0] in _LEVEL_PREFIXES and len(tokens) > 1:
        tokens = tokens[1:]
    tokens, prefix_kind = _strip_kind(tokens)
    kind = kind or prefix_kind
    core = " ".join(TOKEN_ABBREVIATIONS.get(t, t) for t in tokens)
    if core in NAME_ALIASES:
        core, alias_kind = NAME_ALIASES[core]
        kind = kind or alias_kind
    return NormalisedName(core, kind)


def same_spelling(a: object, b: object) -> bool:
    """Return True when two names normalise to the same core, spaces ignored.

    ``Taman Jaya`` and ``Tamanjaya`` agree, and so do ``Kotabaru`` and
    ``Kota Baru`` (as written); ``Mekarsari`` and ``Mekarjaya``,
    or ``Bencongan`` and ``Bencongan Indah``, do not.

    Parameters
    ----------
    a, b : object
        The names (missing gives an empty core, which agrees with nothing).

    Returns
    -------
    bool

    Examples
    --------
    >>> same_spelling("Taman Jaya", "TAMANJAYA"), same_spelling("Kreo", "Kereo")
    (True, False)
    """
    if is_missing(a) or is_missing(b):
        return False
    plain_a, plain_b = (_NON_ALNUM.sub("", _ascii_upper(str(x))) for x in (a, b))
    core_a = normalise_name(a).core.replace(" ", "")
    core_b = normalise_name(b).core.replace(" ", "")
    return bool(plain_a) and (plain_a == plain_b or (core_a != "" and core_a == core_b))
