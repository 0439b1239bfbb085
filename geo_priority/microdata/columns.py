"""The output-column schema: every column the engine and the area tables write.

Each column is declared once, with its kind (``count``, ``rate``, ``flag``
or ``label``) and the source fields it depends on (``needs``). A field no
export has (:attr:`engine.EngineResult.absent`: a programme flag,
``miskin_ekstrem``, ``persons``, ``persons_6_21`` or ``"any"``) blanks, i.e.
publishes as "no data", exactly the columns that need it; nothing is read
from column-name prefixes or suffixes.

The engine's desa counts are declared with their SQL too
(:func:`desa_counts`), so the aggregate query and the schema cannot drift.

Examples
--------
>>> [c.name for c in desa_counts(4) if "miskin_ekstrem" in c.needs]
['families_miskin_ekstrem', 'persons_miskin_ekstrem']
>>> rates = [Rate("r", "pkh_target_families", "target_families", "", "")]
>>> columns = area_columns(desa_counts(4), rates)
>>> for c in blanked(columns, ["pkh"]):
...     if c.kind != "flag":
...         print(c.name)
pkh_families
pkh_target_families
pkh_nontarget_families
pkh_target_excluded_families
r
r_num
r_den
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from geo_priority.microdata.tables import Rate
from geo_priority.output_config import AUDIENCE_COLUMN

__all__ = [
    "BUNDLE",
    "BUNDLE_PROGRAMMES",
    "FAMILY_PROGRAMMES",
    "PERSON_PROGRAMMES",
    "CountColumn",
    "Kind",
    "OutputColumn",
    "area_columns",
    "blanked",
    "desa_counts",
    "flag_name",
]

FAMILY_PROGRAMMES: tuple[str, ...] = ("pkh", "sembako_bpnt", "blt_dd")
PERSON_PROGRAMMES: tuple[str, ...] = ("pbi_jk", "pip")
#: The named bundle "bansos keluarga": the family social-assistance programmes.
BUNDLE = "bansos_keluarga"
BUNDLE_PROGRAMMES: tuple[str, ...] = ("pkh", "sembako_bpnt", "blt_dd")
#: Kelurahan (type digit 1) have no Dana Desa, so no BLT-DD.
_IN_DESA = "substr(kode_desa, 7, 1) <> '1'"

Kind = Literal["count", "rate", "flag", "label"]


@dataclass(frozen=True)
class CountColumn:
    """A desa count of the engine.

    Attributes
    ----------
    name : str
        Column name.
    sql : str
        Aggregate over the families of a desa (``tgt``: in the target
        group, ``anyp``: receives any programme, ``bundle``: receives a
        programme of the "bansos keluarga" bundle).
    needs : frozenset of str
        Source fields without which the count is "no data".
    """

    name: str
    sql: str
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OutputColumn:
    """A column of the published area tables.

    Attributes
    ----------
    name : str
        Column name.
    kind : {"count", "rate", "flag", "label"}
        ``flag`` columns (``<column>_suppressed``) say whether ``of`` is hidden.
    needs : frozenset of str
        Source fields without which the column is "no data".
    of : str, optional
        For a flag: the column it flags.
    """

    name: str
    kind: Kind
    needs: frozenset[str] = frozenset()
    of: str | None = None


def flag_name(column: str) -> str:
    """Return the name of the suppression flag of ``column``.

    Examples
    --------
    >>> flag_name("families")
    'families_suppressed'
    """
    return f"{column}_suppressed"


def _needs(*fields: str) -> frozenset[str]:
    return frozenset(fields)


def _family_counts(max_desil: int) -> list[CountColumn]:
    desil = [
        CountColumn(f"families_desil_{k}", f"count_if(desil = {k})")
        for k in range(1, max_desil + 1)
    ]
    return [
        CountColumn("families", "count(*)"),
        *desil,
        CountColumn("families_desil_unknown", "count_if(desil IS NULL)"),
        CountColumn(
            "families_miskin_ekstrem", "count_if(me)", _needs("miskin_ekstrem")
        ),
        CountColumn("target_families", "count_if(tgt)"),
        CountColumn("nontarget_families", "count_if(NOT tgt)"),
        CountColumn("target_families_desa", f"count_if(tgt AND {_IN_DESA})"),
    ]


def _programme_family_counts() -> list[CountColumn]:
    out = []
    for p in FAMILY_PROGRAMMES:
        out += [
            CountColumn(f"{p}_families", f"count_if({p})", _needs(p)),
            CountColumn(f"{p}_target_families", f"count_if({p} AND tgt)", _needs(p)),
            CountColumn(
                f"{p}_nontarget_families", f"count_if({p} AND NOT tgt)", _needs(p)
            ),
            CountColumn(
                f"{p}_target_excluded_families",
                f"count_if(tgt AND NOT {p}"
                + (f" AND {_IN_DESA})" if p == "blt_dd" else ")"),
                _needs(p),
            ),
        ]
    anyp, bundle = _needs("any"), _needs(BUNDLE)
    return [
        *out,
        CountColumn(f"{BUNDLE}_families", "count_if(bundle)", bundle),
        CountColumn(f"{BUNDLE}_target_families", "count_if(bundle AND tgt)", bundle),
        CountColumn(
            f"{BUNDLE}_nontarget_families", "count_if(bundle AND NOT tgt)", bundle
        ),
        CountColumn(
            f"{BUNDLE}_target_excluded_families", "count_if(tgt AND NOT bundle)", bundle
        ),
        CountColumn("any_families", "count_if(anyp)", anyp),
        CountColumn("any_target_families", "count_if(anyp AND tgt)", anyp),
        CountColumn("any_nontarget_families", "count_if(anyp AND NOT tgt)", anyp),
        CountColumn("target_excluded_families", "count_if(tgt AND NOT anyp)", anyp),
    ]


def _person_counts(max_desil: int) -> list[CountColumn]:
    persons = _needs("persons")
    desil = [
        CountColumn(
            f"persons_desil_{k}", f"sum(persons) FILTER (WHERE desil = {k})", persons
        )
        for k in range(1, max_desil + 1)
    ]
    out = [
        CountColumn("persons", "sum(persons)", persons),
        *desil,
        CountColumn(
            "persons_desil_unknown",
            "sum(persons) FILTER (WHERE desil IS NULL)",
            persons,
        ),
        CountColumn(
            "persons_miskin_ekstrem",
            "sum(persons) FILTER (WHERE me)",
            _needs("persons", "miskin_ekstrem"),
        ),
        CountColumn("target_persons", "sum(persons) FILTER (WHERE tgt)", persons),
        CountColumn(
            "target_persons_6_21",
            "sum(persons_6_21) FILTER (WHERE tgt)",
            _needs("persons", "persons_6_21"),
        ),
    ]
    for p in PERSON_PROGRAMMES:
        out += [
            CountColumn(f"{p}_persons", f"sum({p}_persons)", _needs(p)),
            CountColumn(
                f"{p}_target_persons",
                f"sum({p}_persons) FILTER (WHERE tgt)",
                _needs(p),
            ),
            CountColumn(
                f"{p}_nontarget_persons",
                f"sum({p}_persons) FILTER (WHERE NOT tgt)",
                _needs(p),
            ),
        ]
    return [
        *out,
        CountColumn(
            "pbi_jk_target_excluded_persons",
            "sum(persons - pbi_jk_persons) FILTER (WHERE tgt)",
            _needs("persons", "pbi_jk"),
        ),
        CountColumn(
            "pip_target_excluded_persons",
            "sum(persons_6_21 - pip_persons_6_21) FILTER (WHERE tgt)",
            _needs("persons", "persons_6_21", "pip"),
        ),
        CountColumn(
            "persons_nik_rejected", "sum(nik_rejected)", _needs("nik_rejected")
        ),
    ]


def desa_counts(max_desil: int) -> tuple[CountColumn, ...]:
    """Return the engine's desa counts, in the order they are written.

    Parameters
    ----------
    max_desil : int
        Highest desil (4 for P3KE/DTKS, 10 for DTSEN).

    Returns
    -------
    tuple of CountColumn
    """
    return (
        *_family_counts(max_desil),
        *_programme_family_counts(),
        *_person_counts(max_desil),
    )


#: The columns every area table starts with.
_LABELS = (
    OutputColumn("kode_wilayah", "label"),
    OutputColumn("level", "label"),
    OutputColumn("nama", "label"),
)
#: The difference of two rates, written after the rates.
DIFFERENTIAL = ("targeting_differential", "coverage_any", "coverage_nontarget")


def area_columns(
    counts: Iterable[CountColumn | str], rates: Sequence[Rate]
) -> tuple[OutputColumn, ...]:
    """Return the columns of an area table, in the order they are written.

    Parameters
    ----------
    counts : iterable of CountColumn or str
        The count columns (a name not declared by :func:`desa_counts` needs
        no field).
    rates : sequence of Rate
        The rates, each written with ``_num``, ``_den`` and its flag.

    Returns
    -------
    tuple of OutputColumn
    """
    declared = {c.name: c.needs for c in desa_counts(10)}
    needs: dict[str, frozenset[str]] = {}
    out = list(_LABELS)
    for count in counts:
        name = count if isinstance(count, str) else count.name
        needs[name] = (
            declared.get(name, frozenset()) if isinstance(count, str) else count.needs
        )
        out += [
            OutputColumn(name, "count", needs[name]),
            OutputColumn(flag_name(name), "flag", needs[name], of=name),
        ]
    for r in rates:
        needs[r.key] = needs.get(r.num, frozenset()) | needs.get(r.den, frozenset())
        out += [
            OutputColumn(r.key, "rate", needs[r.key]),
            OutputColumn(f"{r.key}_num", "count", needs[r.key]),
            OutputColumn(f"{r.key}_den", "count", needs[r.key]),
            OutputColumn(flag_name(r.key), "flag", needs[r.key], of=r.key),
        ]
    key, *parts = DIFFERENTIAL
    diff = frozenset().union(*(needs.get(p, frozenset()) for p in parts))
    out += [
        OutputColumn(key, "rate", diff),
        OutputColumn(flag_name(key), "flag", diff, of=key),
        OutputColumn(AUDIENCE_COLUMN, "label"),
    ]
    return tuple(out)


def blanked(
    columns: Iterable[OutputColumn], absent: Iterable[str]
) -> list[OutputColumn]:
    """Return the columns that need a field in ``absent`` ("no data").

    Parameters
    ----------
    columns : iterable of OutputColumn
        From :func:`area_columns`.
    absent : iterable of str
        Fields no export has.

    Returns
    -------
    list of OutputColumn
        Counts, rates and their flags, in table order.
    """
    missing = frozenset(absent)
    return [c for c in columns if c.needs & missing]
