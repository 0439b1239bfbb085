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

from dataclasses import dataclass

import pandas as pd

from geo_priority.errors import ConfigError

__all__ = ["LEVEL_DIGITS", "Rate", "dotted", "rates_for", "rollup"]

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


def rates_for(
    programmes_family: tuple[str, ...], programmes_person: tuple[str, ...]
) -> list[Rate]:
    """Return the rates written for every area (REGISTRIES.md §3.5)."""
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
        Rate(
            "exclusion_error",
            "target_excluded_families",
            "target_families",
            "Exclusion error (% sasaran tanpa program)",
            "Exclusion error",
        ),
        Rate(
            "coverage_any",
            "any_target_families",
            "target_families",
            "Cakupan sasaran (% menerima program)",
            "Coverage of the target group",
        ),
        Rate(
            "inclusion_error",
            "any_nontarget_families",
            "any_families",
            "Inclusion error (% penerima di luar sasaran)",
            "Inclusion error",
        ),
        Rate(
            "coverage_nontarget",
            "any_nontarget_families",
            "nontarget_families",
            "Cakupan di luar sasaran",
            "Coverage outside the target group",
        ),
    ]
    for p in programmes_family:
        den = "target_families_desa" if p == "blt_dd" else "target_families"
        rates += [
            Rate(
                f"coverage_{p}",
                f"{p}_target_families",
                den,
                f"Cakupan {p.upper()}",
                f"{p.upper()} coverage",
            ),
            Rate(
                f"inclusion_error_{p}",
                f"{p}_nontarget_families",
                f"{p}_families",
                f"Inclusion error {p.upper()}",
                f"{p.upper()} inclusion error",
            ),
        ]
    for p in programmes_person:
        den = "target_persons_6_21" if p == "pip" else "target_persons"
        rates += [
            Rate(
                f"coverage_{p}",
                f"{p}_target_persons",
                den,
                f"Cakupan {p.upper()} (jiwa)",
                f"{p.upper()} coverage (persons)",
            ),
            Rate(
                f"inclusion_error_{p}",
                f"{p}_nontarget_persons",
                f"{p}_persons",
                f"Inclusion error {p.upper()} (jiwa)",
                f"{p.upper()} inclusion error",
            ),
        ]
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
