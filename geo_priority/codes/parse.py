"""One region code: its systems, levels, canonical spelling and parents.

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
reading the text again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from geo_priority.codes.text import fix_text, split_code
from geo_priority.errors import CodeError
from geo_priority.messages import tr
from geo_priority.schema import CODE_SYSTEMS, LEVELS, CodeSystem, Level

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

SystemChoice = Literal["kemendagri", "bps", "auto"]

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

#: Code some tables use for the national total (Indonesia); same in both systems.
_NATIONAL = "00"


def code_width(system: CodeSystem, level: Level) -> int:
    """Return the length of a canonical ``system`` code at ``level``.

    The ancestor of a canonical code at ``level`` is its first
    ``code_width(system, level)`` characters (what :meth:`ParsedCode.parent`
    cuts).

    Examples
    --------
    >>> code_width("kemendagri", "kecamatan"), code_width("bps", "kecamatan")
    (8, 7)
    """
    depth = LEVELS.index(level) + 1
    width = sum(SEGMENT_WIDTHS[system][:depth])
    return width + (depth - 1 if system == "kemendagri" else 0)


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

    @property
    def depth(self) -> int:
        """Number of segments: 1 at provinsi, 4 at desa."""
        return LEVELS.index(self.level) + 1

    def parent(self, level: Level) -> ParsedCode:
        """Return the ancestor at ``level`` (the same level or coarser).

        Parameters
        ----------
        level : {"provinsi", "kabkota", "kecamatan", "desa"}
            Target level.

        Returns
        -------
        ParsedCode
            The ancestor, in the same system (``self`` at its own level).

        Raises
        ------
        CodeError
            When ``level`` is unknown or finer than the code.

        Examples
        --------
        >>> parse_code("36.01.14.2003").parent("kabkota").code
        '36.01'
        """
        check_level(level)
        depth = LEVELS.index(level) + 1
        if depth > self.depth:
            raise CodeError(
                tr(
                    "cannot take the {level} parent of {level2} code {code!r}: choose "
                    "a level coarser than {level2}.",
                    level=level,
                    level2=self.level,
                    code=self.code,
                )
            )
        if depth == self.depth:
            return self
        return ParsedCode(
            self.code[: code_width(self.system, level)], self.system, level
        )

    def in_system(self, system: CodeSystem) -> ParsedCode:
        """Return the same area's code in ``system``, by identical digits.

        Only valid where both systems use the same digits: provinsi and
        kab/kota codes in :data:`DIGIT_IDENTICAL_PROVINCES`. Finer levels and
        other provinces need a crosswalk.

        Parameters
        ----------
        system : {"kemendagri", "bps"}
            Target system.

        Returns
        -------
        ParsedCode
            ``self`` when ``system`` is its own system.

        Raises
        ------
        CodeError
            When ``system`` is unknown, the code is finer than kab/kota, or
            outside the digit-identical provinces.

        Examples
        --------
        >>> parse_code("3601", system="bps").in_system("kemendagri").code
        '36.01'
        """
        if system == self.system:  # a valid system: self's own
            return self
        check_system_choice(system, allow_auto=False)
        if LEVELS.index(self.level) > LEVELS.index("kabkota"):
            raise CodeError(
                tr(
                    "cannot convert {level} code {code!r} from {system} to {system2} "
                    "by its digits: numbering differs below kab/kota. Give a crosswalk "
                    "file between the systems (tables.crosswalk).",
                    level=self.level,
                    code=self.code,
                    system=self.system,
                    system2=system,
                )
            )
        digits = self.code.replace(".", "")
        if not _digit_identical(digits):
            raise CodeError(
                tr(
                    "cannot convert {code!r} from {system} to {system2} by its digits: "
                    "outside provinces {value} BPS and Kemendagri numbers differ (e.g. "
                    "BPS 1101 = Kemendagri 11.09). Use a crosswalk.",
                    code=self.code,
                    system=self.system,
                    system2=system,
                    value=sorted(DIGIT_IDENTICAL_PROVINCES),
                )
            )
        return _canonical(
            _cut(digits, SEGMENT_WIDTHS[system][: self.depth]), system, None
        )


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
        return self.neutral and not _digit_identical(self.parsed.code)


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
            return _cut(digits, (2, 2)[: len(digits) // 2]), "bps", True
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
    return _cut(digits, widths), system, False


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
        return CodeReading(_canonical(segments, resolved, note), neutral)
    if system == "auto":
        bps_only = _fits(segments, "bps") and not _fits(segments, "kemendagri")
        system = "bps" if prefixed or bps_only else "kemendagri"
    if not _fits(segments, system):
        raise _bad_width(value, segments, system)
    return CodeReading(_canonical(segments, system, note), False)


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


def _digit_identical(code: str) -> bool:
    """Return True when a provinsi/kab code names one area in both systems."""
    return code[:2] in DIGIT_IDENTICAL_PROVINCES or code[:2] == _NATIONAL


def check_system_choice(system: object, *, allow_auto: bool = True) -> None:
    """Raise CodeError when ``system`` is not a known code system.

    Parameters
    ----------
    system : object
        The value to check.
    allow_auto : bool
        Whether ``"auto"`` is allowed.

    Raises
    ------
    CodeError
        Naming the value and the allowed systems.

    Examples
    --------
    >>> check_system_choice("bpss", allow_auto=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo_priority.errors.CodeError: sistem kode 'bpss' tidak dikenal. ...
    """
    valid = (*CODE_SYSTEMS, "auto") if allow_auto else CODE_SYSTEMS
    if system not in valid:
        raise CodeError(
            tr(
                "unknown code system {system!r}. Choose one of: {value}.",
                system=system,
                value=", ".join(valid),
            )
        )


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


def parent_codes(codes: Sequence[ParsedCode], level: Level) -> list[str]:
    """Return each code's ancestor at ``level``, as text, all at once.

    The same texts as ``[c.parent(level).code for c in codes]`` and the same
    checks (an unknown ``level``; a ``level`` finer than a code raises that
    code's error, the first such code's), but the prefix is cut without a
    :class:`ParsedCode` per code (a national desa run takes the parents of
    83,000 codes at three levels).

    Parameters
    ----------
    codes : sequence of ParsedCode
        The codes, any systems and levels.
    level : {"provinsi", "kabkota", "kecamatan", "desa"}
        Target level, the same as or coarser than every code.

    Returns
    -------
    list of str
        One canonical ancestor code per code, in order.

    Raises
    ------
    CodeError
        When ``level`` is unknown or finer than a code.

    Examples
    --------
    >>> codes = [parse_code("36.01.14.2003"), parse_code("36.02.01")]
    >>> parent_codes(codes, "kabkota")
    ['36.01', '36.02']
    """
    check_level(level)
    depth = LEVELS.index(level) + 1
    kinds = {(c.system, c.level) for c in codes}
    if any(LEVELS.index(own) + 1 < depth for _, own in kinds):
        next(c for c in codes if c.depth < depth).parent(level)  # raises
    widths = {system: code_width(system, level) for system in CODE_SYSTEMS}
    return [c.code if c.level == level else c.code[: widths[c.system]] for c in codes]


def check_level(level: object) -> None:
    """Raise CodeError when ``level`` is not one of the administrative levels.

    Parameters
    ----------
    level : object
        The value to check.

    Raises
    ------
    CodeError
        Naming the value and the allowed levels.

    Examples
    --------
    >>> check_level("kabupaten")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo_priority.errors.CodeError: tingkat 'kabupaten' tidak dikenal. ...
    """
    if level not in LEVELS:
        raise CodeError(
            tr(
                "unknown level {level!r}. Choose one of: {value}.",
                level=level,
                value=", ".join(LEVELS),
            )
        )


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
