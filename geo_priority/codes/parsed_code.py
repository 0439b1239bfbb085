"""A parsed region code: the code systems, their widths, parents and twins.

Two code systems are handled (see ``docs/REGISTRIES.md`` §2): Kemendagri,
dotted, 2/2/2/4 digits per segment, and BPS, plain, 2/2/3/3 (the spelling a
cell may come in is read by :mod:`geo_priority.codes.parse`). A
:class:`ParsedCode` holds a canonical code; its parents
(:meth:`ParsedCode.parent`, :func:`parent_codes`) and its digit-identical twin
in the other system (:meth:`ParsedCode.in_system`) are cut from it without
reading text again. :func:`check_system_choice` and :func:`check_level` check
the names of systems and levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from geo_priority.errors import CodeError
from geo_priority.messages import tr
from geo_priority.schema import CODE_SYSTEMS, LEVELS, CodeSystem, Level

__all__ = [
    "DIGIT_IDENTICAL_PROVINCES",
    "SEGMENT_WIDTHS",
    "ParsedCode",
    "SystemChoice",
    "canonical_code",
    "check_level",
    "check_system_choice",
    "code_width",
    "cut_segments",
    "is_digit_identical",
    "parent_codes",
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
        >>> from geo_priority.codes import parse_code
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
        >>> from geo_priority.codes import parse_code
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
        if not is_digit_identical(digits):
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
        return canonical_code(
            cut_segments(digits, SEGMENT_WIDTHS[system][: self.depth]), system, None
        )


def cut_segments(digits: str, widths: Sequence[int]) -> list[str]:
    """Cut a digit string into segments of ``widths``."""
    out, start = [], 0
    for width in widths:
        out.append(digits[start : start + width])
        start += width
    return out


def canonical_code(
    segments: Sequence[str], system: CodeSystem, note: str | None
) -> ParsedCode:
    """Build the canonical :class:`ParsedCode` from validated segments."""
    joiner = "." if system == "kemendagri" else ""
    return ParsedCode(joiner.join(segments), system, LEVELS[len(segments) - 1], note)


def is_digit_identical(code: str) -> bool:
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
    >>> from geo_priority.codes import parse_code
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
