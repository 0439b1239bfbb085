"""What the disclosure control protects: cells, sum relations, logical bounds.

:func:`disclosure_plan` lists, for the area tables, the count cells and the
rates' complements, the sum relations within a row (a total and its parts),
the cells each published rate reads, and the logical bounds between counts
an intruder knows (each programme's recipients are among "any programme"'s
and the bundle's; every family has a member). The same plan drives
:func:`~geo_priority.microdata.disclosure.suppress` and the audit
(:func:`~geo_priority.microdata.audit.pinned_cells`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geo_priority.microdata.columns import (
    BUNDLE,
    BUNDLE_PROGRAMMES,
    FAMILY_PROGRAMMES,
    PERSON_PROGRAMMES,
)
from geo_priority.microdata.disclosure import Bound, Relation
from geo_priority.microdata.tables import Rate

__all__ = ["ALL_PROGRAMMES", "DisclosurePlan", "complements", "disclosure_plan"]

ALL_PROGRAMMES: tuple[str, ...] = (*FAMILY_PROGRAMMES, *PERSON_PROGRAMMES)


def _relations(max_desil: int, target: str) -> list[Relation]:
    desil = [f"desil_{k}" for k in range(1, max_desil + 1)] + ["desil_unknown"]
    rel = [
        Relation("families", tuple(f"families_{d}" for d in desil)),
        Relation("persons", tuple(f"persons_{d}" for d in desil)),
        Relation("families", ("target_families", "nontarget_families")),
        Relation(
            "target_families", ("any_target_families", "target_excluded_families")
        ),
        Relation("any_families", ("any_target_families", "any_nontarget_families")),
        Relation("target_families_desa", ("target_families",), rows="_is_desa"),
        Relation(
            f"{BUNDLE}_families",
            (f"{BUNDLE}_target_families", f"{BUNDLE}_nontarget_families"),
        ),
        Relation(
            "target_families",
            (f"{BUNDLE}_target_families", f"{BUNDLE}_target_excluded_families"),
        ),
        Relation(
            "target_persons",
            ("pbi_jk_target_persons", "pbi_jk_target_excluded_persons"),
        ),
    ]
    for p in FAMILY_PROGRAMMES:
        rel.append(
            Relation(
                f"{p}_families", (f"{p}_target_families", f"{p}_nontarget_families")
            )
        )
    for p in ("pkh", "sembako_bpnt"):
        rel.append(
            Relation(
                "target_families",
                (f"{p}_target_families", f"{p}_target_excluded_families"),
            )
        )
    for p in PERSON_PROGRAMMES:
        rel.append(
            Relation(f"{p}_persons", (f"{p}_target_persons", f"{p}_nontarget_persons"))
        )
    alias = {
        "desil1": (("families_desil_1",), ("persons_desil_1",)),
        "desil12": (
            ("families_desil_1", "families_desil_2"),
            ("persons_desil_1", "persons_desil_2"),
        ),
        "miskin_ekstrem": (("families_miskin_ekstrem",), ("persons_miskin_ekstrem",)),
    }[target]
    rel += [Relation("target_families", alias[0]), Relation("target_persons", alias[1])]
    if target == "desil1":  # the non-target families are the other desil
        rel.append(Relation("families", ("families_desil_1", "nontarget_families")))
    return rel


def _contains(big: str, small: str, excluded_bound: bool = True) -> list[Bound]:
    """Bounds of a programme group ``big`` that contains ``small``.

    Recipients of ``small`` are recipients of ``big`` (families, target and
    non-target families), so a target family ``big`` misses is missed by
    ``small`` too (for BLT-DD only in desa: not used there).
    """

    def parts(group: str) -> tuple[str, str, str]:
        kinds = ("families", "target_families", "nontarget_families")
        return (f"{group}_{kinds[0]}", f"{group}_{kinds[1]}", f"{group}_{kinds[2]}")

    out = [Bound(lo, hi) for lo, hi in zip(parts(small), parts(big), strict=True)]
    if excluded_bound:
        big_exc = "target_excluded_families"
        if big != "any":
            big_exc = f"{big}_target_excluded_families"
        out.append(Bound(big_exc, f"{small}_target_excluded_families"))
    return out


def _bounds(
    programmes: Sequence[str], absent: Sequence[str], person_level: bool
) -> list[Bound]:
    """Logical bounds between published counts (inequalities an intruder knows).

    Every programme counted in "any programme" reaches at most the families
    "any programme" reaches; every programme of the bundle at most those the
    bundle reaches; the bundle at most "any" when all of it is in "any". In
    person exports every family has a member: persons >= families per desil
    and in the target group; school-age target persons <= target persons.
    """
    gone = set(absent)
    anyp = [p for p in programmes if p not in gone] if "any" not in gone else []
    bundle = [p for p in BUNDLE_PROGRAMMES if p not in gone]
    out: list[Bound] = []
    for p in FAMILY_PROGRAMMES:
        if p in anyp:
            out += _contains("any", p, excluded_bound=p != "blt_dd")
        if p in bundle and BUNDLE not in gone:
            out += _contains(BUNDLE, p, excluded_bound=p != "blt_dd")
    if BUNDLE not in gone and bundle and set(bundle) <= set(anyp):
        out += _contains("any", BUNDLE)
    if "pip" not in gone and "persons_6_21" not in gone:
        out.append(Bound("_c_exclusion_error_pip", "pip_target_persons"))
    if person_level and "persons" not in gone:
        out += [
            Bound("families", "persons"),
            Bound("target_families", "target_persons"),
            Bound("target_persons_6_21", "target_persons"),
            Bound("families_desil_unknown", "persons_desil_unknown"),
            *(Bound(f"families_desil_{k}", f"persons_desil_{k}") for k in range(1, 11)),
        ]
    return out


@dataclass(frozen=True)
class DisclosurePlan:
    """What the disclosure control protects: cells and what links them.

    Attributes
    ----------
    cells : list of str
        Count columns and the rates' complements that are no count
        (``_c_<rate>``).
    relations : list of Relation
        Sums within a row (parent = sum of children is implied by the codes).
    groups : list of tuple of str
        Cells read together by one published rate.
    bounds : list of Bound
        Logical bounds ``low <= high`` within a row.
    complements : dict
        Rate key -> its complement cell (:func:`complements`).
    hidden : tuple of str
        Cells never published ("no data" figures): unknown to an intruder,
        so in no relation, bound or group.
    """

    cells: list[str]
    relations: list[Relation]
    groups: list[tuple[str, ...]]
    bounds: list[Bound]
    complements: dict[str, str]
    hidden: tuple[str, ...] = ()

    def never_published(self, index: pd.Index) -> pd.DataFrame | None:
        """Return the :attr:`hidden` cells as suppressed flags (None: none)."""
        if not self.hidden:
            return None
        cols = [c for c in self.cells if c in self.hidden]
        return pd.DataFrame(True, index=index, columns=cols)


def disclosure_plan(
    rates: Sequence[Rate],
    count_cols: Sequence[str],
    max_desil: int,
    target: str,
    programmes: Sequence[str] = ALL_PROGRAMMES,
    absent: Sequence[str] = (),
    person_level: bool = True,
    extra_relations: Sequence[Relation] = (),
    extra_bounds: Sequence[Bound] = (),
    hidden: Sequence[str] = (),
) -> DisclosurePlan:
    """Return the cells, relations, groups and bounds of the area tables.

    The same plan drives :func:`disclosure.suppress` and the audit
    (:func:`geo_priority.microdata.audit.pinned_cells`). ``extra_relations``
    and ``extra_bounds`` add figures of other modules (the programme
    convergence, :func:`geo_priority.microdata.convergence.relations`);
    ``hidden`` names count cells published as "no data".
    """
    relations = [*_relations(max_desil, target), *extra_relations]
    comp = complements(rates, relations)
    own = [c for c in dict.fromkeys(comp.values()) if c not in count_cols]
    cells = [*count_cols, *own]
    relations += [
        Relation(r.den, (r.num, comp[r.key])) for r in rates if comp[r.key] in own
    ]
    groups: list[tuple[str, ...]] = [(r.num, r.den, comp[r.key]) for r in rates]
    if "_c_coverage_nontarget" in own:  # families reached by nothing
        relations.append(
            Relation(
                "families",
                ("any_families", "target_excluded_families", "_c_coverage_nontarget"),
            )
        )
    bounds = [*_bounds(programmes, absent, person_level), *extra_bounds]
    if hidden:
        gone = set(hidden) | {f"_c_{r.key}" for r in rates if r.num in hidden}
        relations = [r for r in relations if not {r.total, *r.parts} & gone]
        bounds = [b for b in bounds if not {b.low, b.high} & gone]
        groups = [g for g in groups if not set(g) & gone]
        return DisclosurePlan(cells, relations, groups, bounds, comp, tuple(gone))
    return DisclosurePlan(cells, relations, groups, bounds, comp)


def complements(rates: Sequence[Rate], relations: Sequence[Relation]) -> dict[str, str]:
    """Return each rate's complement cell (denominator - numerator).

    A published count when a relation says ``den = num + other`` (the
    complement of the coverage of a programme is its excluded count), else
    the computed cell ``_c_<rate>``. Never two cells for one number, so
    hiding the count hides the complement too.
    """
    pairs: dict[tuple[str, str], str] = {}
    for rel in relations:
        if rel.rows is None and len(rel.parts) == 2:
            a, b = rel.parts
            pairs.setdefault((rel.total, a), b)
            pairs.setdefault((rel.total, b), a)
    return {r.key: pairs.get((r.den, r.num), f"_c_{r.key}") for r in rates}
