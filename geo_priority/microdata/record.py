"""The metadata record of ``aggregate`` and how rejected NIKs were treated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from geo_priority import regions
from geo_priority.microdata import quality, tables
from geo_priority.microdata.columns import BUNDLE

if TYPE_CHECKING:
    from geo_priority.microdata.api import MicrodataResult

__all__ = [
    "REJECTED_NOTE",
    "REJECTED_NOTE_EN",
    "SUPPRESSED_LABEL",
    "metadata_record",
    "rejected_summary",
]

#: What a map shows for a suppressed cell.
SUPPRESSED_LABEL = "disembunyikan (< {threshold})"


def rejected_summary(
    frames: dict[str, pd.DataFrame],
    counts: pd.DataFrame,
    *,
    excluded: bool,
    left_out: int,
    threshold: int,
) -> dict[str, object]:
    """How persons with a rejected NIK were treated, for the metadata and report.

    ``persons_counted`` is the total of ``persons_nik_rejected`` (the
    kab/kota figures as published: a total from 1 to ``threshold - 1`` is
    written as ``"< threshold"``, never as the number).
    """
    total = int(counts["persons_nik_rejected"].sum())
    shown: int | str = total if total == 0 or total >= threshold else f"< {threshold}"
    hidden = left_out if left_out == 0 or left_out >= threshold else f"< {threshold}"
    return {
        "column": "persons_nik_rejected",
        "persons_counted": shown,
        "excluded": excluded,
        "persons_left_out": hidden,
        "note": REJECTED_NOTE,
        "note_en": REJECTED_NOTE_EN,
    }


#: What counting persons with a rejected NIK means (metadata and README).
REJECTED_NOTE = (
    "Orang dengan NIK yang ditolak (rusak, kosong, isian sementara) dihitung "
    "tanpa token, sehingga tidak bisa dicocokkan antar-sumber: orang yang sama "
    "di dua ekspor dengan NIK rusak terhitung dua kali. Kolom persons_nik_rejected "
    "menyebut berapa orang seperti itu di tiap wilayah; exclude_rejected_nik = "
    "true (--exclude-rejected-nik) tidak menghitung mereka sama sekali."
)
REJECTED_NOTE_EN = (
    "Persons whose NIK was rejected (damaged, empty, placeholder) are counted "
    "without a token, so they cannot be matched across sources: one person in "
    "two exports with a damaged NIK counts twice. persons_nik_rejected says how "
    "many such persons each area holds; exclude_rejected_nik = true "
    "(--exclude-rejected-nik) leaves them out altogether."
)


def metadata_record(
    result: MicrodataResult,
    target: str,
    threshold: int,
    programmes: Sequence[str],
    absent: Sequence[str],
    bundle: Sequence[str],
) -> dict[str, object]:
    """Return the metadata record of an aggregation (``<name>_metadata.json``)."""
    anyp = [p for p in programmes if p not in absent]
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reference_codes": regions.REFERENCE_EDITION,
        "target_group": target,
        "any_programme": anyp,
        "any_programme_label": tables.programme_list(anyp),
        "any_programme_note": (
            "A family counts as reached by 'any programme' when it receives one "
            "of these; for PBI-JK and PIP (personal programmes) one member is "
            "enough. exclusion_error is therefore not the exclusion error of the "
            "family social-assistance programmes: see "
            "exclusion_error_bansos_keluarga and exclusion_error_<programme>."
        ),
        "bundles": {
            BUNDLE: {
                "programmes": list(bundle),
                "label": f"bansos keluarga ({tables.programme_list(bundle)})",
                "label_en": "family social assistance "
                f"({tables.programme_list(bundle)})",
            }
        },
        "absent_fields": list(absent),
        "audience": result.convergence.get("audience", "publik"),
        "convergence": result.convergence,
        "rejected_nik": result.rejected_nik,
        "suppression": {
            "threshold": threshold,
            "rule": "counts 1..threshold-1 suppressed; rates suppressed with their "
            "numerator, denominator or complement; complementary suppression over "
            "row totals and desa < kecamatan < kab/kota, and over the logical "
            "bounds between published counts (each programme <= any programme "
            "<= target families; persons >= families)",
            "flag_column": "<column>_suppressed",
            "label": SUPPRESSED_LABEL.format(threshold=threshold),
            **result.audit,
        },
        "rates": {
            r.key: {
                "num": r.num,
                "den": r.den,
                "scale": 100,
                "label": r.label,
                "label_en": r.label_en,
            }
            for r in result.rates
        },
        "targeting_differential": {
            "of": ["coverage_any", "coverage_nontarget"],
            "label": "Selisih cakupan: sasaran minus bukan sasaran (poin persen)",
            "label_en": "Targeting differential: target minus non-target "
            "coverage (percentage points)",
            "rounding": "from the counts, rounded once to 0.1",
        },
        "sources": result.sources.to_dict(orient="records"),
        "quality": quality.summarise(result.quality),
        "pseudonymisation": "HMAC-SHA256 (key not stored), NIK dropped on read",
    }
