"""A column of region codes, each distinct value read once.

Joining a table asks several questions of its code column: which system are
the codes in, which values need a ``code_system`` to be read, which values are
unreadable, which level is each code. :class:`CodeColumn` answers all of them
from one reading per distinct value and keeps the parsed
:class:`~geo_priority.codes.parse.ParsedCode` values, so levels and parents are
derived from them instead of reading the text again.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from functools import lru_cache
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_priority.codes.parse import (
    CodeReading,
    ParsedCode,
    SystemChoice,
    check_system_choice,
    read_code,
)
from geo_priority.codes.text import is_missing
from geo_priority.errors import CodeError
from geo_priority.messages import MessageLang, language, tr
from geo_priority.schema import CODE_SYSTEMS, LEVELS, CodeSystem, Level

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


#: Text that is already a canonical code of its system, spelled as
#: :func:`~geo_priority.codes.parse.read_code` writes it: dotted 2-2-2-4
#: Kemendagri parts, undotted 2/4/7/10 BPS digits.
_CANONICAL = {
    "kemendagri": re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?"),
    "bps": re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{7}|[0-9]{10}"),
}
#: Level of a canonical BPS code by its number of digits.
_BPS_LEVELS = {2: LEVELS[0], 4: LEVELS[1], 7: LEVELS[2], 10: LEVELS[3]}
#: Read as a float (``36.00`` is provinsi 36), so not taken as written.
_FLOAT_TEXT = re.compile(r"[0-9]+\.0+")
#: Level of a canonical code by its length, per system (a canonical
#: Kemendagri code of 2/5/8/13 characters has 0/1/2/3 dots).
_LEVEL_BY_LENGTH: dict[CodeSystem, dict[int, Level]] = {
    "kemendagri": dict(zip((2, 5, 8, 13), LEVELS, strict=True)),
    "bps": _BPS_LEVELS,
}


def _whole(pattern: re.Pattern[str]) -> str:
    """Return ``pattern`` anchored as ``fullmatch`` applies it, for Arrow's RE2.

    RE2's ``$`` (without the multi-line flag) matches only at the end of the
    text, as ``fullmatch`` does (Python's ``$`` would also match before a
    final newline).
    """
    return f"^(?:{pattern.pattern})$"


def _as_written(value: str, system: CodeSystem) -> ParsedCode | None:
    """Return the ParsedCode of text already canonical in ``system``, else None.

    Most cells of a real column are canonical codes; they are taken as
    written, the same ParsedCode that :func:`read_code` makes of them (tested
    over the whole Kemendagri table), at a tenth of its cost. Anything else
    (spaces, prefixes, other separators, float text) is read in full.
    """
    if _CANONICAL[system].fullmatch(value) is None:
        return None
    if system == "bps":
        return ParsedCode(value, system, _BPS_LEVELS[len(value)])
    if _FLOAT_TEXT.fullmatch(value):
        return None
    return ParsedCode(value, system, LEVELS[value.count(".")])


def _canonical_mask(values: list[str], system: CodeSystem) -> npt.NDArray[np.bool_]:
    """Return which text cells :func:`_as_written` takes as written, column-wise.

    The same regular expressions, matched by Arrow over the whole list at
    once (a national desa column of 83,000 codes: 10 ms, against 0.1 s for
    pandas' ``str.fullmatch``, which calls Python's ``re`` per cell). Text
    Arrow cannot hold (a lone surrogate) is matched cell by cell.
    """
    try:
        cells = pa.array(values, type=pa.string())
    except (UnicodeError, pa.ArrowException):
        return np.array([_as_written(v, system) is not None for v in values], bool)
    mask = pc.match_substring_regex(cells, _whole(_CANONICAL[system]))
    if system == "kemendagri":
        floats = pc.match_substring_regex(cells, _whole(_FLOAT_TEXT))
        mask = pc.and_(mask, pc.invert(floats))
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _as_written_all(values: list[str], system: CodeSystem) -> list[ParsedCode | None]:
    """Return :func:`_as_written` of every text cell, the patterns matched column-wise.

    The cells are matched at once (:func:`_canonical_mask`); a ParsedCode is
    made only for the canonical cells, its level told by its length.
    """
    canonical = _canonical_mask(values, system)
    levels = _LEVEL_BY_LENGTH[system]
    if canonical.all():  # the usual column: every cell a canonical code
        return [ParsedCode(v, system, levels[len(v)]) for v in values]
    out: list[ParsedCode | None] = [None] * len(values)
    for i in np.flatnonzero(canonical).tolist():
        value = values[i]
        out[i] = ParsedCode(value, system, levels[len(value)])
    return out


def _read_in(value: object, system: CodeSystem) -> _Result:
    """Read ``value`` in ``system``; return the CodeError instead of raising."""
    if type(value) is str:
        written = _as_written(value, system)
        if written is not None:
            return written
    try:
        return read_code(value, system).parsed
    except CodeError as err:
        return err


#: Distinct cells whose readings the process keeps (a national desa run reads
#: about 83,000 codes in two systems; a reading is under 200 bytes).
_KEPT_READINGS = 1 << 19


@lru_cache(maxsize=_KEPT_READINGS, typed=True)
def _read_in_kept(
    value: Hashable, system: CodeSystem, lang: MessageLang
) -> ParsedCode | None:
    """Return the ParsedCode of a hashable ``value`` (None when unreadable), kept.

    A run reads the same area codes in many columns (the boundaries, each
    table, every map level, the places): each distinct cell is read once per
    process. ``typed``: ``1``, ``1.0`` and ``True`` are read (and reported)
    apart. ``lang`` is part of the key because a reading's note is in the
    active language. Errors are not kept (they are read again, rare and
    raised where they are found).
    """
    result = _read_in(value, system)
    return result if isinstance(result, ParsedCode) else None


_NONE = type(None)

#: The readings of distinct text cells, per system and language: what
#: :func:`_read_in_kept` keeps for text, looked up for a whole column at once.
_KEPT_TEXT: dict[tuple[CodeSystem, MessageLang], dict[str, ParsedCode]] = {}


def _kept_texts(values: list[str], system: CodeSystem) -> list[ParsedCode | None]:
    """Return the ParsedCode of each distinct text cell (None when unreadable).

    Readings are kept for the process (:data:`_KEPT_TEXT`, at most
    :data:`_KEPT_READINGS` per system and language); cells not read before are
    read together, the canonical ones as written (:func:`_as_written_all`),
    the others by :func:`read_code`. Errors are not kept.
    """
    kept = _KEPT_TEXT.setdefault((system, language()), {})
    found = list(map(kept.get, values))
    if _NONE not in set(map(type, found)):
        return found  # every cell read before
    new = [v for v, f in zip(values, found, strict=True) if f is None]
    if len(kept) + len(new) > _KEPT_READINGS:
        kept.clear()
    readings = _as_written_all(new, system)
    others = [i for i, written in enumerate(readings) if written is None]
    for i in others:
        result = _read_in(new[i], system)
        if isinstance(result, ParsedCode):
            readings[i] = result
    if others:  # unreadable cells (still None) are not kept
        kept.update((v, r) for v, r in zip(new, readings, strict=True) if r is not None)
    else:  # every cell a ParsedCode
        kept.update(zip(new, cast("list[ParsedCode]", readings), strict=True))
    # every cell new: the readings are the answer, in order
    return readings if len(new) == len(values) else list(map(kept.get, values))


def _read_in_once(value: object, system: CodeSystem) -> _Result:
    """:func:`_read_in` of a hashable cell, from the process-wide readings."""
    kept = _read_in_kept(value, system, language())
    return kept if kept is not None else _read_in(value, system)


def _votes_as_written(values: list[str], votes: set[CodeSystem]) -> list[str]:
    """Add the systems canonical text points to; return the other cells.

    What an auto-mode :func:`read_code` tells of a canonical cell, told by
    its length: a dotted Kemendagri code (``36.01``) is Kemendagri, a 7-digit
    BPS code is BPS; 2- and 4-digit codes are neutral and 10-digit ones need
    a system, so they tell nothing. Cells neither system writes as they are
    (spaces, prefixes, other separators) are returned, to be read in full.
    """
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    kemendagri = _canonical_mask(values, "kemendagri")
    bps = _canonical_mask(values, "bps")
    if (kemendagri & (lengths > 2)).any():
        votes.add("kemendagri")
    if (bps & (lengths == 7)).any():
        votes.add("bps")
    return [values[i] for i in np.flatnonzero(~(kemendagri | bps)).tolist()]


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
        if isinstance(values, pd.Series | pd.Index):
            values = values.to_list()  # the same cells; iterating Arrow text is slow
        self.values: tuple[object, ...] = tuple(values)
        self._auto: dict[Hashable, _AutoResult] = {}
        self._parsed: dict[tuple[CodeSystem, Hashable], _Result] = {}
        #: Distinct text cells and each row's index into them (None: the
        #: cells are distinct); None when not all cells are text; not yet
        #: looked at while ``_looked`` is False.
        self._groups: tuple[list[str], list[int] | None] | None = None
        self._looked = False
        #: Every row read, per system and language (:meth:`parse`).
        self._rows: dict[tuple[CodeSystem, MessageLang], list[_Result]] = {}

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
                else _read_in_once(value, system)
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
        key = (system, language())  # an error's message is in the language
        if key not in self._rows:
            self._rows[key] = self._parse_rows(system)
        return list(self._rows[key])

    def _parse_rows(self, system: CodeSystem) -> list[ParsedCode | CodeError]:
        """Read every row in ``system``: :meth:`parse`, not kept."""
        groups = self._text_groups()
        if groups is None:
            return [self.parse_one(value, system) for value in self.values]
        distinct, rows = groups
        found = _kept_texts(distinct, system)
        parsed: list[ParsedCode | CodeError]
        if _NONE in set(map(type, found)):  # (``None in`` calls __eq__ per cell)
            parsed = [
                f if f is not None else self.parse_one(value, system)
                for value, f in zip(distinct, found, strict=True)
            ]
        else:  # every cell readable
            parsed = cast("list[ParsedCode | CodeError]", found)
        return parsed if rows is None else [parsed[i] for i in rows]

    def _text_groups(self) -> tuple[list[str], list[int] | None] | None:
        """Distinct cells and each row's index into them, when every cell is a str.

        Grouping skips the per-row lookups of :meth:`parse_one` (83,000 desa
        codes are read in several columns of a national run). Only for plain
        ``str`` cells: pandas groups ``1``, ``1.0`` and ``True`` together,
        which are read (and reported) apart. The index is None when every
        cell is distinct (a column of area codes): row ``i`` is cell ``i``.
        """
        if not self._looked:
            self._looked = True
            if self.values and set(map(type, self.values)) == {str}:
                # every cell a str; first seen first, as pandas numbers them
                distinct = cast("list[str]", list(dict.fromkeys(self.values)))
                if len(distinct) == len(self.values):
                    self._groups = (distinct, None)
                else:
                    rows, _ = pd.factorize(pd.Index(self.values, dtype=object))
                    self._groups = (distinct, rows.tolist())
        return self._groups

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
        if set(map(type, results)) <= {ParsedCode}:
            return []  # every row readable
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
        results = self.parse(system)
        if set(map(type, results)) <= {ParsedCode}:
            return results  # type: ignore[return-value]  # every one a ParsedCode
        out: list[ParsedCode] = []
        for result in results:
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
        groups = self._text_groups()
        cells = self.values if groups is None else _votes_as_written(groups[0], votes)
        for value in cells:
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
