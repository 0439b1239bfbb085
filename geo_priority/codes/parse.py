"""One region code: read from a cell in any spelling into its canonical form.

Two code systems are handled (see ``docs/REGISTRIES.md`` §2):

* ``"kemendagri"``: dotted ``36``, ``36.01``, ``36.01.14``, ``36.01.14.2003``
  (segments of 2/2/2/4 digits). The official reference code.
* ``"bps"``: plain digits ``36``, ``3601``, ``3601140``, ``3601140003``
  (2/2/3/3). OCHA P-codes are BPS codes with an ``id``/``ID`` prefix.

The two agree digit for digit only at provinsi and kab/kota level, and only in
the provinces of :data:`DIGIT_IDENTICAL_PROVINCES` (nationally 199 of 514
kab/kota codes differ). Everywhere else a crosswalk is needed
(:class:`geo_priority.regions.Crosswalk`).

:func:`parse_code` reads a cell once into a :class:`ParsedCode`; its level,
its parents (:meth:`ParsedCode.parent`) and its digit-identical twin in the
other system (:meth:`ParsedCode.in_system`) come from the parsed value without
reading the text again. The value, the systems' segment widths and the checks
of system and level names are in :mod:`geo_priority.codes.parsed_code` and
re-exported here; :func:`level_of`, :func:`parent_code` and :func:`to_system`
read a code and ask the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo_priority.codes.parsed_code import (
    DIGIT_IDENTICAL_PROVINCES,
    SEGMENT_WIDTHS,
    ParsedCode,
    SystemChoice,
    canonical_code,
    check_level,
    check_system_choice,
    cut_segments,
    is_digit_identical,
    parent_codes,
)
from geo_priority.codes.parsed_code import code_width as code_width
from geo_priority.codes.text import fix_text, split_code
from geo_priority.errors import CodeError
from geo_priority.messages import tr
from geo_priority.schema import CodeSystem, Level

__all__ = [
    "DIGIT_IDENTICAL_PROVINCES",
    "SEGMENT_WIDTHS",
    "CodeReading",
    "ParsedCode",
    "SystemChoice",
    "check_level",
    "check_system_choice",
    "level_of",
    "parent_code",
    "parent_codes",
    "parse_code",
    "read_code",
    "to_system",
]


@dataclass(frozen=True)
class CodeReading:
    """One value read by :func:`read_code`, before the neutral-code check.

    Attributes
    ----------
    parsed : ParsedCode
        The code as read (neutral codes are spelled as BPS codes).
    neutral : bool
        True for a plain 2- or 4-digit code read with ``system="auto"``: its
        spelling does not tell the system.
    """

    parsed: ParsedCode
    neutral: bool

    @property
    def needs_system(self) -> bool:
        """True when the code is neutral and names different areas per system."""
        return self.neutral and not is_digit_identical(self.parsed.code)


def _plain_widths(length: int, system: CodeSystem) -> tuple[int, ...] | None:
    """Segment widths that add up to ``length`` digits in ``system``, or None."""
    widths = SEGMENT_WIDTHS[system]
    for n in range(1, len(widths) + 1):
        if sum(widths[:n]) == length:
            return widths[:n]
    return None


def _fits(segments: Sequence[str], system: CodeSystem) -> bool:
    """Return True when segment widths match ``system``."""
    widths = SEGMENT_WIDTHS[system]
    return len(segments) <= len(widths) and all(
        len(s) == w for s, w in zip(segments, widths, strict=False)
    )


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
            tr(
                "region code {raw!r} is ambiguous: a number format probably dropped "
                "a zero, so it could be {guesses}; {FIX_TEXT}.",
                raw=raw,
                guesses=guesses,
                FIX_TEXT=fix_text(),
            )
        )
    other: CodeSystem = "bps" if system == "kemendagri" else "kemendagri"
    hint = (
        tr(
            "it looks like a {other} code, so check tables.code_system (or "
            "boundaries.code_system)",
            other=other,
        )
        if _fits(segments, other)
        else tr("correct the code in the table")
    )
    return CodeError(
        tr(
            "region code {raw!r} does not fit the {system} pattern {pattern} "
            "(digits per part); {hint}.",
            raw=raw,
            system=system,
            pattern=pattern,
            hint=hint,
        )
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
            tr(
                "cannot tell whether {raw!r} is a Kemendagri or a BPS code: both use "
                "10 digits at desa level. Set the code system: tables.code_system "
                '(or boundaries.code_system) = "kemendagri" or "bps".',
                raw=raw,
            )
        )
    raise CodeError(
        tr(
            "region code {raw!r} has {n_digits} digits; region codes have 2, 4, "
            "6 (Kemendagri), 7 (BPS) or 10 digits. Check the column (leading or "
            "trailing digits may have been lost).",
            raw=raw,
            n_digits=len(digits),
        )
    )


def _read_plain(
    digits: str, system: SystemChoice, prefixed: bool, raw: object
) -> tuple[list[str], CodeSystem, bool]:
    """Segment a plain digit string; return (segments, system, neutral)."""
    if system == "auto":
        resolved = _auto_plain_system(digits, prefixed, raw)
        if resolved is None:
            return cut_segments(digits, (2, 2)[: len(digits) // 2]), "bps", True
        system = resolved
    widths = _plain_widths(len(digits), system)
    if widths is None:
        expected = "2, 4, 6 or 10" if system == "kemendagri" else "2, 4, 7 or 10"
        raise CodeError(
            tr(
                "region code {raw!r} has {n_digits} digits; {system} codes have "
                "{expected} digits. Check the column and code_system (leading or "
                "trailing digits may have been lost).",
                raw=raw,
                n_digits=len(digits),
                system=system,
                expected=expected,
            )
        )
    return cut_segments(digits, widths), system, False


def read_code(value: object, system: SystemChoice) -> CodeReading:
    """Read one code; neutral codes (plain 2/4 digits in auto mode) are flagged.

    :func:`parse_code` is this reading plus a CodeError for neutral codes
    that name different areas in the two systems. Use it where the neutral
    codes of a whole column are judged together
    (:class:`~geo_priority.code_column.CodeColumn`).

    Parameters
    ----------
    value : object
        The cell value (str, int or float).
    system : {"auto", "kemendagri", "bps"}
        Code system of the value (not checked; see :func:`parse_code`).

    Returns
    -------
    CodeReading

    Raises
    ------
    CodeError
        As :func:`parse_code`, except for the neutral-code check.

    Examples
    --------
    >>> read_code("1101", "auto").neutral
    True
    """
    cell = split_code(value)
    prefixed, segments, note = cell.prefixed, list(cell.segments), cell.note
    if prefixed and system == "kemendagri":
        raise CodeError(
            tr(
                "region code {value!r} is an OCHA P-code, which uses BPS numbering; "
                'set the code system to "bps" (or "auto"): tables.code_system or '
                "boundaries.code_system, and join through a crosswalk "
                "(tables.crosswalk).",
                value=value,
            )
        )
    if len(segments) == 1:
        segments, resolved, neutral = _read_plain(segments[0], system, prefixed, value)
        return CodeReading(canonical_code(segments, resolved, note), neutral)
    if system == "auto":
        bps_only = _fits(segments, "bps") and not _fits(segments, "kemendagri")
        system = "bps" if prefixed or bps_only else "kemendagri"
    if not _fits(segments, system):
        raise _bad_width(value, segments, system)
    return CodeReading(canonical_code(segments, system, note), False)


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
    :func:`~geo_priority.regions.reference_exists` to check that a Kemendagri
    code exists.

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
    check_system_choice(system)
    reading = read_code(value, system)
    if reading.needs_system:
        raise CodeError(
            tr(
                "cannot tell whether {value!r} is a Kemendagri or a BPS code: "
                "outside provinces {value2} the same digits name different areas. "
                "Set the code system: tables.code_system (or boundaries.code_system) "
                '= "kemendagri" or "bps".',
                value=value,
                value2=sorted(DIGIT_IDENTICAL_PROVINCES),
            )
        )
    return reading.parsed


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
    return parse_code(code, system=system).parent(level).code


def to_system(code: object, from_system: CodeSystem, to_system: CodeSystem) -> str:
    """Convert a provinsi or kab/kota code between BPS and Kemendagri.

    Only valid where both systems use the same digits: provinsi and kab/kota
    codes in :data:`DIGIT_IDENTICAL_PROVINCES` (Banten). Finer levels, and
    other provinces, need a :class:`~geo_priority.regions.Crosswalk`.

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
    check_system_choice(from_system, allow_auto=False)
    check_system_choice(to_system, allow_auto=False)
    return parse_code(code, system=from_system).in_system(to_system).code
