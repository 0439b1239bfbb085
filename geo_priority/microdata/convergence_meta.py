"""The publication tier and what the convergence figures count (metadata).

Examples
--------
>>> check_audience("internal", 5), check_audience(None, 5), check_audience(None, 10)
('internal', 'internal', 'publik')
>>> check_audience("publik", 5)
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: ...
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from geo_priority.errors import ConfigError
from geo_priority.messages import tr
from geo_priority.microdata import desa_programmes
from geo_priority.microdata.convergence import combo_label
from geo_priority.microdata.programmes import Programme
from geo_priority.output_config import AUDIENCES, PUBLIC_MIN_THRESHOLD

if TYPE_CHECKING:
    from geo_priority.microdata.engine import EngineResult

__all__ = ["check_audience", "convergence_summary", "load_desa_table"]


def check_audience(audience: str | None, threshold: int) -> str:
    """Return the publication tier; refuse an unknown one and a low public one.

    ``None`` (no tier declared) is ``publik`` with a threshold of at least
    :data:`PUBLIC_MIN_THRESHOLD`, else ``internal``: tables with smaller
    cells are never marked public.

    Raises
    ------
    ConfigError
        For an audience other than publik/internal, or ``publik`` with a
        threshold below :data:`PUBLIC_MIN_THRESHOLD`.
    """
    if audience is None:
        return "publik" if threshold >= PUBLIC_MIN_THRESHOLD else "internal"
    if audience not in AUDIENCES:
        raise ConfigError(
            tr(
                "audience = {audience!r} (--audience) is unknown; choose {choices}.",
                audience=audience,
                choices=" or ".join(AUDIENCES),
            )
        )
    if audience == "publik" and threshold < PUBLIC_MIN_THRESHOLD:
        raise ConfigError(
            tr(
                "--threshold {threshold} is below {minimum}, the smallest threshold "
                "of a public output. Use --threshold {minimum} or more, or "
                "--audience internal for a pemda's own officials (every output is "
                "then marked audience = internal).",
                threshold=threshold,
                minimum=PUBLIC_MIN_THRESHOLD,
            )
        )
    return audience


def load_desa_table(
    given: str | os.PathLike[str] | pd.DataFrame | None,
    catalogue: Sequence[Programme],
) -> pd.DataFrame | None:
    """Return the checked desa programme table, from a file or a frame."""
    if given is None:
        return None
    if isinstance(given, pd.DataFrame):
        if "kode_desa" in given.columns and any(
            str(c).startswith("d_") for c in given.columns
        ):
            return given
        return desa_programmes.desa_table(given, catalogue, name="desa_programmes")
    return desa_programmes.read_desa_programmes(given, catalogue)


def convergence_summary(
    res: EngineResult, desa_table: pd.DataFrame | None, audience: str
) -> dict[str, object]:
    """Say what the convergence figures count, for the metadata and the command."""
    conv = res.convergence
    out: dict[str, object] = {"audience": audience}
    if conv is None:
        return out
    out.update(
        {
            "programmes_counted": [p.flag for p in conv.programmes],
            "programmes": [
                {
                    "flag": p.flag,
                    "name": p.name,
                    "name_en": p.name_en,
                    "agency": p.agency,
                    "strategy": p.strategy,
                    "unit": p.unit,
                    "reach": p.reach if p.unit == "jiwa" else None,
                    "source": p.source,
                }
                for p in (*conv.programmes, *conv.kantong)
            ],
            "no_data": list(conv.absent),
            "programmes_in_no_export": [
                p.flag
                for p in conv.catalogue
                if p.unit != "desa" and p not in conv.programmes
            ],
            "combinations": {
                f"combo_{m}": combo_label(conv, m, "id") for m in res.combos
            },
            "note": (
                "Families are counted per number of family and person programmes "
                "they receive (a person programme reaches the family per its "
                "'reach'); desa programmes (strategy kantong) reach every family "
                "of a desa that has one and are not counted in that number. The "
                "graduation gap counts target families reached by none of the "
                "income (pendapatan) programmes listed."
            ),
        }
    )
    if desa_table is not None:
        with_families = res.counts.loc[res.counts["families"] > 0, "kode_desa"]
        out["desa_programmes"] = desa_programmes.unmatched(
            desa_table, list(with_families.astype(str))
        )
    return out
