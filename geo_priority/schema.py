"""Column names, level names and small result dataclasses shared by every stage.

Also the one check of a text choice (:func:`check_choice`) that public
functions run on their arguments, so a wrong value raises the project's
:class:`~geo_priority.errors.ConfigError` naming the TOML key, never a
``KeyError`` from deep inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

from geo_priority.errors import ConfigError
from geo_priority.messages import tr

if TYPE_CHECKING:  # pandas is imported where a report is combined: config and
    import pandas as pd  # the CLI's option parsing stay free of it

#: Internal key column: the area code in the boundary layer's own code system,
#: normalised (Kemendagri dotted ``36.01.14.2003``; BPS digits ``3601140003``).
ID = "area_id"
#: Human-readable area name, as given by the boundary layer.
NAME = "area_name"
#: Code of the parent area (one level up), same system as :data:`ID`.
PARENT = "parent_id"
#: Where an area lies, for people: ``"Kec. Sumur, Kab. Pandeglang"`` for a
#: desa, ``"Kab. Pandeglang"`` for a kecamatan (empty when unknown). Two desa of
#: the same name are told apart by it in the table, the search and the tooltip.
PLACE = "area_place"

SCORE = "priority_score"  # float in [0, 100]
RANK = "priority_rank"  # 1 = highest priority
CLASS = "priority_class"  # nullable Int8, 1 = highest priority
LABEL = "priority_label"
#: Prefix of the per-indicator contribution columns (points of the 0-100 score).
CONTRIB_PREFIX = "contrib_"
#: Prefix of the per-indicator normalised columns (0 = best, 1 = worst).
NORM_PREFIX = "norm_"

Level = Literal["provinsi", "kabkota", "kecamatan", "desa"]
#: Administrative levels from coarse to fine.
LEVELS: tuple[Level, ...] = ("provinsi", "kabkota", "kecamatan", "desa")

CodeSystem = Literal["kemendagri", "bps"]
CODE_SYSTEMS: tuple[CodeSystem, ...] = ("kemendagri", "bps")

#: Status values used in a join report.
MATCHED = "matched"  # matched on code
MATCHED_NAME = "matched_name"  # matched on an unambiguous normalised name
DOUBTFUL = "doubtful"  # matched, but a person should check it (fuzzy, low overlap)
#: A doubtful match whose value is held back (not joined) until the config
#: accepts it (``tables.accept_doubtful`` / ``tables.accept_all_doubtful``).
DOUBTFUL_HELD = "doubtful_held"
AMBIGUOUS = "ambiguous"  # several candidates: NOT matched
UNMATCHED_AREA = "unmatched_area"  # area in the boundaries, no table row
UNMATCHED_ROW = "unmatched_row"  # table row, no area
OTHER_LEVEL = "other_level"  # a row of another level (a province total): never joined
DUPLICATE = "duplicate"  # the same key more than once in the table
INVALID_CODE = "invalid_code"  # unreadable or unknown code

JOIN_REPORT_COLUMNS: tuple[str, ...] = (
    "status",
    "table",
    "area_id",
    "area_name",
    "row_code",
    "row_name",
    "detail",
)


_Choice = TypeVar("_Choice", bound=str)


def check_choice(value: object, allowed: tuple[_Choice, ...], key: str) -> _Choice:
    """Return ``value`` when it is one of ``allowed``, else raise ConfigError.

    Parameters
    ----------
    value : object
        The value given.
    allowed : tuple of str
        The values accepted.
    key : str
        The TOML key (or CLI flag) the value stands for, named in the message.

    Returns
    -------
    str
        ``value``, typed as one of ``allowed``.

    Raises
    ------
    ConfigError
        Naming ``key``, the value given and the values allowed.

    Examples
    --------
    >>> check_choice("en", ("id", "en"), "outputs.lang")
    'en'
    >>> check_choice("fr", ("id", "en"), "outputs.lang")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo_priority.errors.ConfigError: outputs.lang = 'fr' tidak diizinkan. ...
    """
    for choice in allowed:
        if value == choice:
            return choice
    raise ConfigError(
        tr(
            "{key} = {value!r} is not allowed. Choose one of: {value2}.",
            key=key,
            value=value,
            value2=", ".join(allowed),
        )
    )


def status_words(status: str, n: int) -> str:
    """Return "``n`` <what the status means>" in the active language.

    The one wording of join counts: the summary line, the CLI and the
    warnings all use it.

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> with use_language("en"):
    ...     status_words("unmatched_area", 2)
    '2 areas without a table row'
    >>> with use_language("en"):
    ...     status_words("unmatched_area", 1)
    '1 area without a table row'
    """
    if n == 1:  # English has a singular; Indonesian reads the same
        one = {
            DOUBTFUL: tr("1 doubtful match to check"),
            DOUBTFUL_HELD: tr("1 doubtful match held back until accepted"),
            AMBIGUOUS: tr("1 row that fits several areas"),
            UNMATCHED_AREA: tr("1 area without a table row"),
            UNMATCHED_ROW: tr("1 table row without an area"),
            DUPLICATE: tr("1 duplicate row"),
            INVALID_CODE: tr("1 invalid code"),
            OTHER_LEVEL: tr("1 row of another level (a total, not used)"),
        }
        if status in one:
            return one[status]
    words = {
        MATCHED: tr("{n} matched", n=n),
        MATCHED_NAME: tr("{n} matched by name", n=n),
        DOUBTFUL: tr("{n} doubtful matches to check", n=n),
        DOUBTFUL_HELD: tr("{n} doubtful matches held back until accepted", n=n),
        AMBIGUOUS: tr("{n} rows that fit several areas", n=n),
        UNMATCHED_AREA: tr("{n} areas without a table row", n=n),
        UNMATCHED_ROW: tr("{n} table rows without an area", n=n),
        DUPLICATE: tr("{n} duplicate rows", n=n),
        INVALID_CODE: tr("{n} invalid codes", n=n),
        OTHER_LEVEL: tr("{n} rows of another level (totals, not used)", n=n),
    }
    return words.get(status, f"{n} {status.replace('_', ' ')}")


@dataclass(frozen=True)
class JoinReport:
    """What happened when an indicator table was joined to the areas.

    Attributes
    ----------
    entries : pandas.DataFrame
        One row per noteworthy event with the columns of
        :data:`JOIN_REPORT_COLUMNS`. Plain matches are included with status
        ``matched`` so the CSV is a complete audit trail.
    n_areas : int
        Number of areas in the boundary layer.
    n_rows : int
        Number of rows (distinct keys) in the table.
    """

    entries: pd.DataFrame
    n_areas: int
    n_rows: int
    notes: tuple[str, ...] = field(default=())

    def count(self, status: str) -> int:
        """Return how many entries have ``status``."""
        return int((self.entries["status"] == status).sum())

    @property
    def problems(self) -> pd.DataFrame:
        """Entries that are not plain matches."""
        ok = [MATCHED, MATCHED_NAME, OTHER_LEVEL]
        return self.entries[~self.entries["status"].isin(ok)]

    @property
    def held(self) -> pd.DataFrame:
        """Doubtful matches whose values were held back until accepted."""
        return self.entries[self.entries["status"] == DOUBTFUL_HELD]

    @property
    def ok(self) -> bool:
        """True when every area and row matched without doubt.

        Rows of another level (totals) are reported but are not problems.
        """
        return bool(self.problems.empty)

    def summary(self) -> str:
        """Return a one-paragraph, human-readable summary."""
        plain = self.entries["status"].isin([MATCHED, MATCHED_NAME])
        matched = int(self.entries.loc[plain, "area_id"].nunique())
        parts = [tr("{n} of {total} areas matched", n=matched, total=self.n_areas)]
        for status in (
            DOUBTFUL,
            DOUBTFUL_HELD,
            AMBIGUOUS,
            UNMATCHED_AREA,
            UNMATCHED_ROW,
            DUPLICATE,
            INVALID_CODE,
            OTHER_LEVEL,
        ):
            n = self.count(status)
            if n:
                parts.append(status_words(status, n))
        return ", ".join(parts)

    @staticmethod
    def combine(reports: list[JoinReport]) -> JoinReport:
        """Concatenate several reports (one per table) into one."""
        import pandas as pd

        if not reports:
            return JoinReport(pd.DataFrame(columns=list(JOIN_REPORT_COLUMNS)), 0, 0)
        entries = pd.concat([r.entries for r in reports], ignore_index=True)
        notes = tuple(n for r in reports for n in r.notes)
        return JoinReport(
            entries, reports[0].n_areas, sum(r.n_rows for r in reports), notes
        )
