"""Crosswalks between the two code systems (or two editions) at one level.

A :class:`Crosswalk` maps source codes onto the areas' codes: one to one,
several sources onto one area (many-to-one: their values are combined by
:mod:`geo_priority.join_values`), or one source split over several areas (with
weights, ``tables.crosswalk_weight``). Where the crosswalk records the names of
both sides, a pair whose names disagree joins as a doubtful match.
:func:`make_crosswalk` builds one from any table of code pairs,
:func:`crosswalk_from_frame` from the known layout of the shared Banten files.
Re-exported by :mod:`geo_priority.regions`. Pure: frames in, frames out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo_priority.codes import (
    CodeColumn,
    ParsedCode,
    check_system_choice,
    is_missing,
    level_of,
)
from geo_priority.errors import CodeError, SchemaError
from geo_priority.formatting import shorten_list
from geo_priority.messages import tr
from geo_priority.names import same_spelling
from geo_priority.schema import CodeSystem, Level

__all__ = [
    "KNOWN_CROSSWALK_LAYOUTS",
    "Crosswalk",
    "check_columns",
    "crosswalk_from_frame",
    "make_crosswalk",
]


@dataclass(frozen=True, eq=False)
class Crosswalk:
    """A mapping between two code systems (or editions) at one level.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``from_code`` and ``to_code`` (canonical, string dtype) and,
        when given, ``share`` (float), ``from_name`` and ``to_name`` (the
        names the crosswalk records) and ``names_agree`` (boolean, missing
        where unknown). A ``from_code`` may map to several ``to_code`` (a
        split area), and several ``from_code`` to one ``to_code``.
    from_system, to_system : {"kemendagri", "bps"}
        Systems of the two code columns.
    label : str
        Name used in join reports.
    extra : pandas.DataFrame, optional
        The crosswalk table's own columns, row for row with ``frame`` (the
        source of split weights, ``tables.crosswalk_weight``).
    """

    frame: pd.DataFrame
    from_system: CodeSystem
    to_system: CodeSystem
    label: str = "crosswalk"
    extra: pd.DataFrame | None = None

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

    def name_disagreements(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Return ``{(from_code, to_code): (from_name, to_name)}`` of disagreeing names.

        A pair is listed when the crosswalk records that its names do not
        match (``names_agree`` False). Names missing in the crosswalk are
        given as ``"?"``.
        """
        if "names_agree" not in self.frame.columns:
            return {}
        bad = self.frame[self.frame["names_agree"].eq(False).fillna(False)]
        out: dict[tuple[str, str], tuple[str, str]] = {}
        for _, row in bad.iterrows():
            names = (_text(row.get("from_name")), _text(row.get("to_name")))
            out[(str(row["from_code"]), str(row["to_code"]))] = names
        return out

    def weights(self, column: str) -> dict[tuple[str, str], float]:
        """Return ``{(from_code, to_code): weight}`` from a column of the table.

        Parameters
        ----------
        column : str
            A column of the crosswalk table (``tables.crosswalk_weight``).

        Returns
        -------
        dict of (str, str) to float
            Pairs whose weight is missing are left out.

        Raises
        ------
        SchemaError
            When the column is missing or holds non-numbers.
        """
        table = self.extra if self.extra is not None else self.frame
        check_columns(
            table,
            (column,),
            tr("weight column of crosswalk {label!r}", label=self.label),
        )
        values = _share(table[column], column, "tables.crosswalk_weight")
        pairs = zip(self.frame["from_code"], self.frame["to_code"], values, strict=True)
        return {(str(a), str(b)): float(w) for a, b, w in pairs if pd.notna(w)}


def _text(value: object) -> str:
    """Return a crosswalk cell as text, ``"?"`` when missing."""
    return "?" if is_missing(value) else str(value)


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
                tr(
                    "{what}: column {column!r} not found. Available columns: {value}.",
                    what=_role(what),
                    column=column,
                    value=shorten_list(map(str, df.columns), 8),
                )
            )


def _role(what: str) -> str:
    """Return the file or layer a column belongs to, in the user's language."""
    roles = {
        "crosswalk": tr("crosswalk file (tables.crosswalk)"),
        "boundary": tr("boundary layer (boundaries.path)"),
        "indicator": tr("indicator table (tables.path)"),
        "table": tr("the table (tables.path)"),
        "source": tr("source codes (tables.crosswalk_from)"),
        "target": tr("target codes (tables.crosswalk_to)"),
    }
    return roles.get(what, what)


def _parse_column(values: pd.Series, system: CodeSystem, what: str) -> list[ParsedCode]:
    """Parse a code column; raise one CodeError listing every unreadable value."""
    column = CodeColumn(values)
    bad = column.unreadable(system)
    if bad:
        raise CodeError(
            tr(
                "{n_bad} {what} cannot be read as {system} codes: {value}. Fix "
                "them in the crosswalk file (tables.crosswalk), or check "
                "tables.crosswalk_from and tables.crosswalk_to.",
                n_bad=len(bad),
                what=_role(what),
                system=system,
                value=shorten_list(bad, 5),
            )
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
            tr(
                "{what} mix levels {counts}; a crosswalk maps one level. Split "
                "the table by level.",
                what=_role(what),
                counts=counts,
            )
        )


def _share(values: pd.Series, column: str, key: str = "") -> pd.Series:
    """Return a share/weight column as float, raising SchemaError on text."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna() & values.notna()]
    if len(bad):
        what = tr("crosswalk weight") if key else tr("crosswalk share")
        other = tr(", or name another column as {key}", key=key) if key else ""
        raise SchemaError(
            tr(
                "{what} column {column!r} holds non-numbers: {value}. Fix them in "
                "the crosswalk file (tables.crosswalk){other}.",
                what=what,
                column=column,
                value=shorten_list(bad.tolist(), 5),
                other=other,
            )
        )
    return numbers.astype("float64")


_TRUE = frozenset({"true", "1", "yes", "ya", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "tidak", "f", "n"})


def _flag(value: object) -> bool | None:
    """Read a name-match cell (True/False, 1/0, ya/tidak); None when unknown."""
    if is_missing(value):
        return None
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _names_agree(kept: pd.DataFrame, names: _NameColumns) -> pd.Series | None:
    """Whether each crosswalk row's names agree: recorded, else compared."""
    if names.match is not None:
        flags = [_flag(v) for v in kept[names.match]]
        return pd.Series(flags, index=kept.index, dtype="boolean")
    if names.source is None or names.target is None:
        return None
    pairs = zip(kept[names.source], kept[names.target], strict=True)
    agree = [
        None if is_missing(a) or is_missing(b) else same_spelling(a, b)
        for a, b in pairs
    ]
    return pd.Series(agree, index=kept.index, dtype="boolean")


@dataclass(frozen=True)
class _NameColumns:
    """The crosswalk's name columns (any may be None)."""

    source: str | None = None
    target: str | None = None
    match: str | None = None


def _add_names(frame: pd.DataFrame, kept: pd.DataFrame, names: _NameColumns) -> None:
    """Add from_name, to_name and names_agree to ``frame`` where given."""
    if names.source is not None:
        frame["from_name"] = kept[names.source].astype("string")
    if names.target is not None:
        frame["to_name"] = kept[names.target].astype("string")
    agree = _names_agree(kept, names)
    if agree is not None:
        frame["names_agree"] = agree


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
    from_name_column: str | None = None,
    to_name_column: str | None = None,
    name_match_column: str | None = None,
) -> Crosswalk:
    """Build a :class:`Crosswalk` from a table of code pairs.

    Rows with a missing source or target code are dropped (their source codes
    then show up as "not in crosswalk" in join reports). The table's own
    columns are kept as :attr:`Crosswalk.extra` (split weights). Where the
    crosswalk records names, a pair whose names disagree (the recorded
    ``name_match_column``, else the two names compared with
    :func:`~geo_priority.names.same_spelling`) joins as a doubtful match.

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
    from_name_column, to_name_column : str, optional
        Columns with the names of the source and target areas.
    name_match_column : str, optional
        Column recording whether the names match (True/False).

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
    names = _NameColumns(from_name_column, to_name_column, name_match_column)
    check_columns(
        df,
        (from_column, to_column, share_column, names.source, names.target, names.match),
        "crosswalk",
    )
    kept = df[df[from_column].notna() & df[to_column].notna()]
    if kept.empty:
        raise SchemaError(
            tr(
                "crosswalk {label!r} has no rows with both codes; check it.",
                label=label,
            )
        )
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
    _add_names(frame, kept, names)
    _one_level(sources, "source")
    _one_level(targets, "target")
    repeated = frame.duplicated(["from_code", "to_code"], keep=False)
    if repeated.any():
        pairs = frame.loc[repeated, ["from_code", "to_code"]].drop_duplicates()
        raise SchemaError(
            tr(
                "crosswalk {label!r} repeats {n_pairs} code pairs: {value}. Remove "
                "the repeats from the crosswalk file (tables.crosswalk).",
                label=label,
                n_pairs=len(pairs),
                value=shorten_list(map(tuple, pairs.to_numpy().tolist()), 5),
            )
        )
    return Crosswalk(
        frame.reset_index(drop=True),
        from_system,
        to_system,
        label,
        kept.reset_index(drop=True),
    )


#: Column layouts of the shared Banten crosswalk CSVs, finest first (the desa
#: file also carries the kecamatan columns).
KNOWN_CROSSWALK_LAYOUTS: dict[str, dict[str, str]] = {
    "banten_desa_bps2020_kemendagri2025": {
        "from_column": "bps_kode_desa",
        "to_column": "kemendagri_kode_desa",
        "share_column": "share_of_bps_desa",
        "from_name_column": "bps_nama_desa",
        "to_name_column": "kemendagri_nama_desa",
        "name_match_column": "name_match",
    },
    "banten_kecamatan_bps2020_kemendagri2025": {
        "from_column": "bps_kode_kec",
        "to_column": "kemendagri_kode_kec",
        "share_column": "share_of_bps_kec_desa",
        "from_name_column": "bps_nama_kec",
        "to_name_column": "kemendagri_nama_kec",
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
            tr(
                "no known crosswalk layout {value}; columns: {value2}. Choose one "
                "of: {value3}, or name the crosswalk's code columns with "
                "tables.crosswalk_from and tables.crosswalk_to.",
                value="fits" if layout is None else repr(layout),
                value2=shorten_list(map(str, df.columns), 8),
                value3=", ".join(KNOWN_CROSSWALK_LAYOUTS),
            )
        )
    layout_columns = KNOWN_CROSSWALK_LAYOUTS[layout]
    present = {k: v for k, v in layout_columns.items() if v in df.columns}
    return make_crosswalk(
        df,
        from_column=layout_columns["from_column"],
        to_column=layout_columns["to_column"],
        from_system="bps",
        to_system="kemendagri",
        label=label or layout,
        share_column=present.get("share_column"),
        from_name_column=present.get("from_name_column"),
        to_name_column=present.get("to_name_column"),
        name_match_column=present.get("name_match_column"),
    )
