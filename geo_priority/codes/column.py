"""A column of region codes, each distinct value read once.

Joining a table asks several questions of its code column: which system are
the codes in, which values need a ``code_system`` to be read, which values are
unreadable, which level is each code. :class:`CodeColumn` answers all of them
from one reading per distinct value and keeps the parsed
:class:`~geo_priority.codes.parse.ParsedCode` values, so levels and parents are
derived from them instead of reading the text again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from geo_priority.codes.parse import (
    CodeReading,
    ParsedCode,
    SystemChoice,
    check_system_choice,
    read_code,
)
from geo_priority.codes.text import is_missing
from geo_priority.errors import CodeError
from geo_priority.messages import tr
from geo_priority.schema import CODE_SYSTEMS, CodeSystem

__all__ = ["CodeColumn", "check_code_system_option", "detect_code_system"]

_Result = ParsedCode | CodeError
_AutoResult = CodeReading | CodeError


def _key(value: object) -> Hashable | None:
    """Cache key of a cell: its type and value (None when unhashable).

    The type is part of the key because equal values of other types read
    differently or are reported differently (``True == 1``; ``36010 == 36010.0``
    but the error message quotes the cell as written).
    """
    key = (type(value), value)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _read_auto(value: object) -> _AutoResult:
    """Read ``value`` in auto mode; return the CodeError instead of raising."""
    try:
        return read_code(value, "auto")
    except CodeError as err:
        return err


def _read_in(value: object, system: CodeSystem) -> _Result:
    """Read ``value`` in ``system``; return the CodeError instead of raising."""
    try:
        return read_code(value, system).parsed
    except CodeError as err:
        return err


class CodeColumn:
    """The region codes of one column, each distinct value read once.

    Parameters
    ----------
    values : iterable
        The cells, in row order (str, int, float or missing).

    Examples
    --------
    >>> column = CodeColumn(["3601", "id3602", "3601"])
    >>> column.detect_system()
    'bps'
    >>> [c.code for c in column.codes("bps")]
    ['3601', '3602', '3601']
    """

    def __init__(self, values: Iterable[object]) -> None:
        self.values: tuple[object, ...] = tuple(values)
        self._auto: dict[Hashable, _AutoResult] = {}
        self._parsed: dict[tuple[CodeSystem, Hashable], _Result] = {}

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.values)

    def _auto_reading(self, value: object) -> _AutoResult:
        """Auto-mode reading of ``value``, read once per distinct value."""
        key = _key(value)
        if key is None:
            return _read_auto(value)
        if key not in self._auto:
            self._auto[key] = _read_auto(value)
        return self._auto[key]

    def parse_one(self, value: object, system: CodeSystem) -> ParsedCode | CodeError:
        """Return ``value`` parsed in ``system``, or the CodeError that says why not.

        An auto-mode reading already made that landed in ``system`` is reused:
        it is the same code.

        Parameters
        ----------
        value : object
            A cell of this column.
        system : {"kemendagri", "bps"}
            The code system.

        Returns
        -------
        ParsedCode or CodeError
        """
        key = _key(value)
        if key is None:
            return _read_in(value, system)
        cache_key = (system, key)
        if cache_key not in self._parsed:
            auto = self._auto.get(key)
            reused = isinstance(auto, CodeReading) and auto.parsed.system == system
            self._parsed[cache_key] = (
                auto.parsed
                if reused and isinstance(auto, CodeReading)
                else _read_in(value, system)
            )
        return self._parsed[cache_key]

    def parse(self, system: CodeSystem) -> list[ParsedCode | CodeError]:
        """Return every row parsed in ``system`` (a CodeError where unreadable).

        Parameters
        ----------
        system : {"kemendagri", "bps"}
            The code system.

        Returns
        -------
        list of ParsedCode or CodeError
            One entry per row.
        """
        check_system_choice(system, allow_auto=False)
        return [self.parse_one(value, system) for value in self.values]

    def unreadable(self, system: CodeSystem) -> list[object]:
        """Return the cells (row order, repeats kept) not readable in ``system``.

        Parameters
        ----------
        system : {"kemendagri", "bps"}
            The code system.

        Returns
        -------
        list of object
        """
        results = self.parse(system)
        return [
            v
            for v, r in zip(self.values, results, strict=True)
            if isinstance(r, CodeError)
        ]

    def codes(self, system: CodeSystem) -> list[ParsedCode]:
        """Return every row parsed in ``system``.

        Parameters
        ----------
        system : {"kemendagri", "bps"}
            The code system.

        Returns
        -------
        list of ParsedCode

        Raises
        ------
        CodeError
            The first row's error when a value is unreadable (check
            :meth:`unreadable` first to report them all).
        """
        out: list[ParsedCode] = []
        for result in self.parse(system):
            if isinstance(result, CodeError):
                raise result
            out.append(result)
        return out

    def detect_system(self) -> CodeSystem | None:
        """Return the system every informative value points to.

        Returns
        -------
        {"kemendagri", "bps"} or None
            None when no value decides it (only 2/4-digit or undotted 10-digit
            codes) or when values point to both systems. Missing and
            unreadable values are ignored.
        """
        votes: set[CodeSystem] = set()
        for value in self.values:
            reading = self._auto_reading(value)
            if isinstance(reading, CodeReading) and not reading.neutral:
                votes.add(reading.parsed.system)
        return votes.pop() if len(votes) == 1 else None

    def needs_system(self) -> list[object]:
        """Return the cells readable in an explicit system but not in auto mode.

        Returns
        -------
        list of object
            In row order, repeats kept; missing cells are skipped.
        """
        out = []
        for value in self.values:
            if is_missing(value):
                continue
            reading = self._auto_reading(value)
            auto_fails = isinstance(reading, CodeError) or reading.needs_system
            if auto_fails and self._readable_somewhere(value):
                out.append(value)
        return out

    def _readable_somewhere(self, value: object) -> bool:
        """Return True when ``value`` parses as a Kemendagri or a BPS code."""
        return any(
            isinstance(self.parse_one(value, system), ParsedCode)
            for system in CODE_SYSTEMS
        )

    def resolve_system(
        self, choice: SystemChoice, fallback: CodeSystem
    ) -> CodeSystem | None:
        """Return the code system of the column, or None when it is undecidable.

        Parameters
        ----------
        choice : {"auto", "kemendagri", "bps"}
            The system the caller stated; returned unless it is "auto".
        fallback : {"kemendagri", "bps"}
            The system taken when nothing decides it and no code needs a
            choice (plain 2/4-digit codes in digit-identical provinces).

        Returns
        -------
        {"kemendagri", "bps"} or None
            The stated system, else the detected one, else ``fallback`` when
            no value needs a system, else None.

        Raises
        ------
        CodeError
            When ``choice`` is not a known code system.
        """
        check_code_system_option(choice)
        if choice != "auto":
            return choice
        detected = self.detect_system()
        if detected is not None:
            return detected
        return None if self.needs_system() else fallback


def check_code_system_option(choice: object) -> None:
    """Raise CodeError unless ``choice`` is a valid ``code_system`` option.

    Parameters
    ----------
    choice : object
        The value passed as ``code_system``.

    Raises
    ------
    CodeError
        Naming the option and its allowed values.

    Examples
    --------
    >>> check_code_system_option("auto")
    """
    if choice != "auto" and choice not in CODE_SYSTEMS:
        raise CodeError(
            tr(
                "unknown code_system {choice!r}. Choose one of: auto, {value}.",
                choice=choice,
                value=", ".join(CODE_SYSTEMS),
            )
        )


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
    return CodeColumn(values).detect_system()
