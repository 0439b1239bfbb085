"""Area tables: roll desa counts up to kecamatan and kab/kota, define the rates.

Coarser levels are always re-derived by summing counts, never by averaging
rates. Every rate is written with its numerator and denominator next to it
(``<rate>_num``, ``<rate>_den``) so a run config can re-derive it again.

Examples
--------
>>> counts = pd.DataFrame({"kode_desa": ["3601012001", "3601012002"],
...                        "families": [30, 20], "families_desil_1": [12, 3]})
>>> out = rollup(counts, "kecamatan")
>>> out[["kode", "families", "families_desil_1"]].values.tolist()
[['360101', 50, 15]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geo_priority.errors import ConfigError

__all__ = [
    "LEVEL_DIGITS",
    "PROGRAMME_NAMES",
    "TARGET_WORDS",
    "Rate",
    "dotted",
    "programme_list",
    "rates_for",
    "rollup",
]

#: Digits of an undotted Kemendagri code per level.
LEVEL_DIGITS: dict[str, int] = {"kabkota": 4, "kecamatan": 6, "desa": 10}


@dataclass(frozen=True)
class Rate:
    """A rate ``num / den x 100`` (percent), with its label."""

    key: str
    num: str
    den: str
    label: str
    label_en: str


#: Programme names as a meeting reads them.
PROGRAMME_NAMES: dict[str, str] = {
    "pkh": "PKH",
    "sembako_bpnt": "Sembako/BPNT",
    "blt_dd": "BLT-DD",
    "pbi_jk": "PBI-JK",
    "pip": "PIP",
}
#: The target group in words: (families id, families en, persons id, persons en).
TARGET_WORDS: dict[str, tuple[str, str, str, str]] = {
    "desil1": (
        "keluarga desil 1",
        "desil-1 families",
        "jiwa desil 1",
        "desil-1 persons",
    ),
    "desil12": (
        "keluarga desil 1-2",
        "desil-1-2 families",
        "jiwa desil 1-2",
        "desil-1-2 persons",
    ),
    "miskin_ekstrem": (
        "keluarga miskin ekstrem",
        "extreme-poor families",
        "jiwa miskin ekstrem",
        "extreme-poor persons",
    ),
}
_BUNDLE = ("pkh", "sembako_bpnt", "blt_dd")


def programme_list(programmes: Sequence[str]) -> str:
    """Name programmes in words (``PKH, Sembako/BPNT, BLT-DD``).

    Examples
    --------
    >>> programme_list(["pkh", "pbi_jk"])
    'PKH, PBI-JK'
    """
    return ", ".join(PROGRAMME_NAMES.get(p, p.upper()) for p in programmes)


def _group_rates(
    key: str, prefix: str, names: str, words: tuple[str, str, str, str]
) -> list[Rate]:
    """Coverage, exclusion and inclusion error of a group of programmes."""
    fam, fam_en = words[0], words[1]
    cov, exc = (
        ("coverage_any", "exclusion_error")
        if key == "any"
        else (
            f"coverage_{key}",
            f"exclusion_error_{key}",
        )
    )
    inc, out = (
        ("inclusion_error", "coverage_nontarget")
        if key == "any"
        else (
            f"inclusion_error_{key}",
            "",
        )
    )
    excluded = (
        "target_excluded_families"
        if key == "any"
        else (f"{key}_target_excluded_families")
    )
    rates = [
        Rate(
            exc,
            excluded,
            "target_families",
            f"Exclusion error {prefix} ({names}): % {fam} yang tidak menerima satu pun",
            f"Exclusion error, {_EN_PREFIX[key]} ({names}): % of {fam_en} "
            "receiving none of them",
        ),
        Rate(
            cov,
            f"{key}_target_families",
            "target_families",
            f"Cakupan {prefix} ({names}): % {fam} yang menerima minimal satu",
            f"Coverage, {_EN_PREFIX[key]} ({names}): % of {fam_en} receiving "
            "at least one",
        ),
        Rate(
            inc,
            f"{key}_nontarget_families",
            f"{key}_families",
            f"Inclusion error {prefix} ({names}): % keluarga penerima di luar "
            f"sasaran ({fam})",
            f"Inclusion error, {_EN_PREFIX[key]} ({names}): % of recipient "
            f"families outside the target group ({fam_en})",
        ),
    ]
    if out:
        rates.append(
            Rate(
                out,
                "any_nontarget_families",
                "nontarget_families",
                f"Cakupan di luar sasaran, {prefix} ({names}): % keluarga bukan "
                f"sasaran yang menerima",
                f"Coverage outside the target group, {_EN_PREFIX[key]} "
                f"({names}): % of non-target families receiving",
            )
        )
    return rates


_EN_PREFIX = {"any": "any programme", "bansos_keluarga": "family social assistance"}


def _programme_rates(p: str, words: tuple[str, str, str, str]) -> list[Rate]:
    """Coverage, exclusion and inclusion error of one programme, in words."""
    name = PROGRAMME_NAMES.get(p, p.upper())
    person = p in ("pbi_jk", "pip")
    unit, unit_en = (words[2], words[3]) if person else (words[0], words[1])
    recip, recip_en = ("jiwa", "persons") if person else ("keluarga", "families")
    kind = "persons" if person else "families"
    den = {"blt_dd": "target_families_desa", "pip": "target_persons_6_21"}.get(
        p, f"target_{kind}"
    )
    where, where_en = {
        "blt_dd": (
            " di desa (BLT-DD tidak ada di kelurahan)",
            " in desa (no BLT-DD in kelurahan)",
        ),
        "pip": (" usia 6-21", " aged 6-21"),
    }.get(p, ("", ""))
    return [
        Rate(
            f"coverage_{p}",
            f"{p}_target_{kind}",
            den,
            f"Cakupan {name}: % {unit}{where} penerima {name}",
            f"{name} coverage: % of {unit_en}{where_en} receiving {name}",
        ),
        Rate(
            f"exclusion_error_{p}",
            f"{p}_target_excluded_{kind}",
            den,
            f"Exclusion error {name}: % {unit}{where} tanpa {name}",
            f"{name} exclusion error: % of {unit_en}{where_en} without {name}",
        ),
        Rate(
            f"inclusion_error_{p}",
            f"{p}_nontarget_{kind}",
            f"{p}_{kind}",
            f"Inclusion error {name}: % {recip} penerima {name} di luar "
            f"sasaran ({unit})",
            f"{name} inclusion error: % of {name} recipient {recip_en} outside "
            f"the target group ({unit_en})",
        ),
    ]


def rates_for(
    programmes_family: tuple[str, ...],
    programmes_person: tuple[str, ...],
    *,
    target: str = "desil1",
    any_programmes: Sequence[str] | None = None,
    bundle: Sequence[str] = _BUNDLE,
) -> list[Rate]:
    """Return the rates written for every area (REGISTRIES.md §3.5).

    Each label says in words what is counted: which programmes, which
    target group, families or persons.

    Parameters
    ----------
    programmes_family, programmes_person : tuple of str
        The programmes with a rate of their own.
    target : {"desil1", "desil12", "miskin_ekstrem"}
        The target group, named in the labels.
    any_programmes : sequence of str, optional
        The programmes "any programme" counts (default: all given).
    bundle : sequence of str
        The programmes of the "bansos keluarga" bundle the exports have.

    Returns
    -------
    list of Rate
    """
    words = TARGET_WORDS.get(target, TARGET_WORDS["desil1"])
    anyp = list(any_programmes or (*programmes_family, *programmes_person))
    rates = [
        Rate(
            "desil1_share",
            "families_desil_1",
            "families",
            "Konsentrasi desil 1 (% keluarga)",
            "Desil-1 concentration (% families)",
        ),
        Rate(
            "miskin_ekstrem_share",
            "persons_miskin_ekstrem",
            "persons",
            "Penduduk miskin ekstrem (% jiwa terdaftar)",
            "Extreme poor (% persons)",
        ),
        *_group_rates("any", "program apa pun", programme_list(anyp), words),
        *_group_rates(
            "bansos_keluarga",
            "bansos keluarga",
            programme_list(bundle or _BUNDLE),
            words,
        ),
    ]
    for p in (*programmes_family, *programmes_person):
        rates += _programme_rates(p, words)
    return rates


def rollup(counts: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sum desa counts to ``level``; returns column ``kode`` (undotted) + counts.

    Raises
    ------
    ConfigError
        When ``level`` is not desa, kecamatan or kabkota.
    """
    if level not in LEVEL_DIGITS:
        raise ConfigError(
            f"level {level!r} is unknown; choose from {', '.join(LEVEL_DIGITS)}."
        )
    kode = counts["kode_desa"].astype(str).str[: LEVEL_DIGITS[level]]
    numbers = counts.drop(columns="kode_desa")
    out = numbers.groupby(kode.rename("kode"), sort=True).sum().reset_index()
    out.insert(1, "level", level)
    return out


def dotted(code: str) -> str:
    """Undotted Kemendagri code -> dotted (``3601012001`` -> ``36.01.01.2001``)."""
    parts = [code[:2], code[2:4], code[4:6], code[6:]]
    return ".".join(p for p in parts if p)
