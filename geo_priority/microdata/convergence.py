"""Programme convergence: how many programmes reach each target family, and whose.

From the programme catalogue (:mod:`~geo_priority.microdata.programmes`) the
engine counts, per desa, the target families by the number of family-level
programmes they receive (0, 1, 2, 3+), by combination of programmes, by
responsible agency and by Inpres 4/2022 strategy, and the *graduation gap*:
target families reached by none of the income ("pendapatan") programmes.
A person (jiwa) programme reaches a family per the entry's ``reach``
(``any_member``: one member is enough; ``all_members``: every member).
Desa programmes (strategy "kantong") reach every family of a desa that has
one (the desa programme table, ``aggregate --desa-programmes``); they are not
counted in the number of programmes of a family.

Every count is a cell of the disclosure control, tied to the others by the
exact sums it obeys (:func:`relations`), so suppression and the audit treat
it like the existing figures.

Examples
--------
>>> from geo_priority.microdata.programmes import load_catalogue
>>> conv = plan_convergence(load_catalogue(), absent=("cbp",), kantong=())
>>> [p.flag for p in conv.programmes]
['pkh', 'sembako_bpnt', 'blt_dd', 'pbi_jk', 'pip', 'prakerja', 'kur']
>>> combo_label(conv, 0b11, "id"), combo_label(conv, 0, "en")
('PKH+Sembako/BPNT', 'no programme')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo_priority.microdata.disclosure import Bound, Relation
from geo_priority.microdata.programmes import Programme, agency_slug
from geo_priority.microdata.tables import TARGET_WORDS, Rate

__all__ = [
    "COUNTS_K",
    "Convergence",
    "combo_column",
    "combo_label",
    "count_sql",
    "families_sql",
    "mask_sql",
    "plan_convergence",
    "rates",
    "relations",
]

#: Columns of target families by number of programmes.
COUNTS_K: tuple[str, ...] = (
    "target_families_programmes_0",
    "target_families_programmes_1",
    "target_families_programmes_2",
    "target_families_programmes_3plus",
)
GAP = "graduation_gap_families"
KANTONG_ROWS = "_kantong"


@dataclass(frozen=True)
class Convergence:
    """What the convergence columns count in this run.

    Attributes
    ----------
    programmes : tuple of Programme
        Family and person programmes some export has, in mask-bit order.
    kantong : tuple of Programme
        Desa programmes, when a desa programme table is given.
    agencies : dict
        Column slug -> (agency name, its family/person flags, its desa flags).
    absent : tuple of str
        Convergence fields with no data (``convergence``,
        ``strategy_<s>``, ``agency_<slug>``): published as "no data".
    catalogue : tuple of Programme
        The whole catalogue.
    """

    programmes: tuple[Programme, ...]
    kantong: tuple[Programme, ...]
    agencies: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]
    absent: tuple[str, ...]
    catalogue: tuple[Programme, ...] = ()

    def mask(self, flags: Sequence[str]) -> int:
        """Bit mask of ``flags`` among :attr:`programmes`."""
        return sum(1 << i for i, p in enumerate(self.programmes) if p.flag in flags)

    def strategy_flags(self, strategy: str) -> tuple[str, ...]:
        """Return the flags of a strategy counted here."""
        pool = self.kantong if strategy == "kantong" else self.programmes
        return tuple(p.flag for p in pool if p.strategy == strategy)


def plan_convergence(
    catalogue: Sequence[Programme], absent: Sequence[str], kantong: Sequence[str]
) -> Convergence:
    """Return what to count, given the fields no export has.

    Parameters
    ----------
    catalogue : sequence of Programme
        The programme catalogue.
    absent : sequence of str
        Flags no export has.
    kantong : sequence of str
        The desa programmes the desa programme table has (none without one).
    """
    gone = set(absent)
    family = tuple(p for p in catalogue if p.unit != "desa" and p.flag not in gone)
    desa = tuple(p for p in catalogue if p.unit == "desa" and p.flag in kantong)
    agencies: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
    for p in catalogue:
        slug = agency_slug(p.agency)
        name, fam, des = agencies.get(slug, (p.agency, (), ()))
        if p in family:
            fam += (p.flag,)
        elif p in desa:
            des += (p.flag,)
        agencies[slug] = (name, fam, des)
    out_absent = [] if family else ["convergence"]
    for s in ("beban", "pendapatan", "kantong"):
        pool = desa if s == "kantong" else family
        if not any(p.strategy == s for p in pool):
            out_absent.append(f"strategy_{s}")
    out_absent += [f"agency_{a}" for a, (_, f, d) in agencies.items() if not f + d]
    return Convergence(family, desa, agencies, tuple(out_absent), tuple(catalogue))


# ------------------------------------------------------------------------ SQL


def families_sql(conv: Convergence) -> str:
    """Extra select list of the engine's ``families`` table (catalogue flags)."""
    parts = []
    for p in conv.programmes:
        if p.core:
            continue
        if p.unit == "jiwa" and p.reach == "all_members":
            parts.append(f"bool_and(coalesce(p_{p.flag} = 1, false)) AS p_{p.flag}")
        else:
            parts.append(f"bool_or(p_{p.flag} = 1) AS p_{p.flag}")
    return "".join(f", {x}" for x in parts)


def _reached(p: Programme) -> str:
    """Return SQL: the family (a ``families`` row) is reached by ``p``."""
    if p.flag in ("pbi_jk", "pip"):
        if p.reach == "all_members":
            base = "persons" if p.flag == "pbi_jk" else "persons_6_21"
            mine = "pbi_jk_persons" if p.flag == "pbi_jk" else "pip_persons_6_21"
            return f"({base} > 0 AND {mine} >= {base})"
        return f"{p.flag}_persons > 0"
    if p.core:
        return f"coalesce({p.flag}, false)"
    return f"coalesce(p_{p.flag}, false)"


def mask_sql(conv: Convergence) -> tuple[str, str, str]:
    """Return SQL of a family's programme mask, programme count, kantong flag."""
    arms = [
        f"CASE WHEN {_reached(p)} THEN {1 << i} ELSE 0 END"
        for i, p in enumerate(conv.programmes)
    ]
    count = [f"CASE WHEN {_reached(p)} THEN 1 ELSE 0 END" for p in conv.programmes]
    kantong = " OR ".join(f"coalesce(d.d_{p.flag}, false)" for p in conv.kantong)
    return (
        f"CAST({' + '.join(arms) or '0'} AS INTEGER)",
        f"CAST({' + '.join(count) or '0'} AS INTEGER)",
        kantong or "false",
    )


def combo_column(mask: int) -> str:
    """Name of the count of target families with exactly the programmes ``mask``."""
    return f"combo_{mask}"


def _any_bit(mask: int) -> str:
    return f"(cmask & {mask}) <> 0"


def _desa_any(conv: Convergence, flags: Sequence[str]) -> str:
    return " OR ".join(f"coalesce(d_{f}, false)" for f in flags) or "false"


def count_sql(conv: Convergence, combos: Sequence[int]) -> list[tuple[str, str]]:
    """(column, SQL aggregate) of the convergence counts over the ``fam`` table."""
    out = [
        (COUNTS_K[0], "count_if(tgt AND nprog = 0)"),
        (COUNTS_K[1], "count_if(tgt AND nprog = 1)"),
        (COUNTS_K[2], "count_if(tgt AND nprog = 2)"),
        (COUNTS_K[3], "count_if(tgt AND nprog >= 3)"),
    ]
    for s in ("beban", "pendapatan"):
        m = conv.mask(conv.strategy_flags(s))
        out.append(
            (f"strategy_{s}_target_families", f"count_if(tgt AND {_any_bit(m)})")
        )
    out.append(("strategy_kantong_target_families", "count_if(tgt AND kantong)"))
    gap = conv.mask(conv.strategy_flags("pendapatan"))
    out.append((GAP, f"count_if(tgt AND NOT {_any_bit(gap)})"))
    for slug, (_, fam, des) in conv.agencies.items():
        expr = f"{_any_bit(conv.mask(fam))} OR {_desa_any(conv, des)}"
        out.append((f"agency_{slug}_target_families", f"count_if(tgt AND ({expr}))"))
    out += [(combo_column(m), f"count_if(tgt AND cmask = {m})") for m in combos]
    out.append((KANTONG_ROWS, "CAST(bool_or(kantong) AS INTEGER)"))
    for slug, (_, fam, des) in conv.agencies.items():
        if des and not fam:
            out.append(
                (f"_d_{slug}", f"CAST(bool_or({_desa_any(conv, des)}) AS INTEGER)")
            )
    return out


# ------------------------------------------------------------ labels, control


def combo_label(conv: Convergence, mask: int, lang: str) -> str:
    """Name a combination in words: ``PKH+Sembako/BPNT``; 0 is "tanpa program"."""
    names = [p.label(lang) for i, p in enumerate(conv.programmes) if mask >> i & 1]
    if not names:
        return "no programme" if lang == "en" else "tanpa program"
    short = [n.split(" (")[0] for n in names]
    return "+".join(short)


def _reached_columns(
    conv: Convergence, any_programmes: Sequence[str], bundle: Sequence[str]
) -> dict[frozenset[str], list[str]]:
    """Return the published counts of target families reached by a set of flags.

    Two counts of the same set are equal, and a count of a subset is at most
    that of its superset: facts an intruder knows from the labels.
    """
    flags = {p.flag for p in conv.programmes}
    out: dict[frozenset[str], list[str]] = {}

    def add(members: Sequence[str], column: str) -> None:
        if members and set(members) <= flags:
            out.setdefault(frozenset(members), []).append(column)

    person_any = all(
        p.reach == "any_member" for p in conv.programmes if p.flag in ("pbi_jk", "pip")
    )
    if person_any:
        add(any_programmes, "any_target_families")
    add(bundle, "bansos_keluarga_target_families")
    for p in ("pkh", "sembako_bpnt", "blt_dd"):
        add([p], f"{p}_target_families")
    for s in ("beban", "pendapatan"):
        add(conv.strategy_flags(s), f"strategy_{s}_target_families")
    for slug, (_, fam, des) in conv.agencies.items():
        if fam and not des:
            add(fam, f"agency_{slug}_target_families")
    return out


def relations(
    conv: Convergence,
    *,
    any_programmes: Sequence[str],
    bundle: Sequence[str],
) -> tuple[list[Relation], list[Bound]]:
    """Return the exact sums and the logical bounds of the convergence counts.

    Target families split by number of programmes and by the graduation
    gap; a desa programme reaches all or none of a desa's target families;
    counts of the same set of programmes are equal and a subset's count is
    at most its superset's; "no programme" is the any-programme exclusion
    when "any programme" counts every programme of the catalogue.
    """
    rel = [
        Relation("target_families", COUNTS_K),
        Relation("target_families", ("strategy_pendapatan_target_families", GAP)),
        Relation(
            "target_families",
            ("strategy_kantong_target_families",),
            rows=KANTONG_ROWS,
        ),
    ]
    bounds = [
        Bound(f"strategy_{s}_target_families", "target_families")
        for s in ("beban", "pendapatan", "kantong")
    ]
    for slug, (_, fam, des) in conv.agencies.items():
        col = f"agency_{slug}_target_families"
        bounds.append(Bound(col, "target_families"))
        if des and not fam:
            rel.append(Relation("target_families", (col,), rows=f"_d_{slug}"))
    sets = _reached_columns(conv, any_programmes, bundle)
    for cols in sets.values():
        rel += [Relation(cols[0], (other,)) for other in cols[1:]]
    for small, low in sets.items():
        for big, high in sets.items():
            if small < big:
                bounds.append(Bound(low[0], high[0]))
    everything = frozenset(p.flag for p in conv.programmes)
    if "any_target_families" in sets.get(everything, []):
        rel.append(Relation("target_excluded_families", (COUNTS_K[0],)))
    return rel, bounds


def rates(conv: Convergence, target: str) -> list[Rate]:
    """Return the convergence rates (share of target families), in words."""
    fam, fam_en = TARGET_WORDS.get(target, TARGET_WORDS["desil1"])[:2]
    names = ", ".join(p.label("id").split(" (")[0] for p in conv.programmes)
    out = [
        Rate(
            f"share_programmes_{k}",
            col,
            "target_families",
            f"Konvergensi: % {fam} yang menerima {words} ({names})",
            f"Convergence: % of {fam_en} receiving {words_en} ({names})",
        )
        for k, col, words, words_en in (
            ("0", COUNTS_K[0], "tidak satu pun program", "no programme"),
            ("1", COUNTS_K[1], "tepat 1 program", "exactly 1 programme"),
            ("2", COUNTS_K[2], "tepat 2 program", "exactly 2 programmes"),
            ("3plus", COUNTS_K[3], "3 program atau lebih", "3 or more programmes"),
        )
    ]
    strategy = {
        "beban": ("mengurangi beban pengeluaran", "lowering spending burdens"),
        "pendapatan": ("meningkatkan pendapatan", "raising incomes"),
        "kantong": (
            "mengurangi kantong kemiskinan (program desa)",
            "reducing poverty pockets (desa programmes)",
        ),
    }
    for s, (words, words_en) in strategy.items():
        listed = ", ".join(conv.strategy_flags(s)) or "-"
        out.append(
            Rate(
                f"coverage_strategy_{s}",
                f"strategy_{s}_target_families",
                "target_families",
                f"Cakupan strategi {words} (Inpres 4/2022; {listed}): "
                f"% {fam} yang terjangkau",
                f"Coverage, strategy {words_en} (Inpres 4/2022; {listed}): "
                f"% of {fam_en} reached",
            )
        )
    listed = ", ".join(conv.strategy_flags("pendapatan")) or "-"
    out.append(
        Rate(
            "graduation_gap",
            GAP,
            "target_families",
            f"Kesenjangan graduasi: % {fam} tanpa program peningkatan "
            f"pendapatan ({listed})",
            f"Graduation gap: % of {fam_en} reached by no income programme ({listed})",
        )
    )
    for slug, (agency, fam_flags, des) in conv.agencies.items():
        listed = ", ".join((*fam_flags, *des)) or "-"
        out.append(
            Rate(
                f"coverage_agency_{slug}",
                f"agency_{slug}_target_families",
                "target_families",
                f"Cakupan program {agency} ({listed}): % {fam} yang menerima "
                "minimal satu",
                f"Coverage by {agency} programmes ({listed}): % of {fam_en} "
                "receiving at least one",
            )
        )
    return out


def needs(conv: Convergence, column: str) -> frozenset[str]:
    """Absent-field tokens a convergence column or rate depends on."""
    if column.startswith(("combo_", "target_families_programmes", "share_programmes")):
        return frozenset({"convergence"})
    for s in ("beban", "pendapatan", "kantong"):
        if s in column and "strategy" in column:
            return frozenset({f"strategy_{s}"})
    if column in (GAP, "graduation_gap"):
        return frozenset({"strategy_pendapatan"})
    for slug in conv.agencies:
        if column in (f"agency_{slug}_target_families", f"coverage_agency_{slug}"):
            return frozenset({f"agency_{slug}"})
    return frozenset()
