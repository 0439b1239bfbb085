"""How far a re-weighted rank lies from the rank the hidden values would give.

On the SYNTHETIC Banten desa registry of ``geo-priority demo --level desa``
(seed 0, scale 1): the public table (cells < 10 suppressed) is scored with
``scoring.missing = "reweight"``; the engine's raw counts of the same registry
(possible only for the generator's synthetic data, never for a real registry)
give every desa's "true" score from all three components. Printed: the share
of desa ranked and, for the desa scored from fewer components, the
displacement |published rank - true rank| (median, 90th percentile, max) and
how often the priority quintile agrees.

Run: ``python benchmarks/reweight_ranks.py`` (uses $GEO_PRIORITY_CACHE).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from geo_priority.demo import _desa_indicators, _synthetic_registry
from geo_priority.microdata import aggregate_registry, engine
from geo_priority.microdata.ingest import SourceSpec
from geo_priority.score import SCORE_BASIS, compute_scores

PROGRAMMES = ("pkh", "sembako_bpnt", "blt_dd")


def _public(registry: Path) -> pd.DataFrame:
    res = aggregate_registry(
        [registry],
        key=secrets.token_bytes(32),
        out_dir=None,
        levels=("desa",),
        programmes=PROGRAMMES,
    )
    table = res.tables["desa"]
    return table.set_index(table["kode_wilayah"].str.replace(".", "", regex=False))


def _true(registry: Path) -> pd.DataFrame:
    """Every desa's unsuppressed values (synthetic data only)."""
    counts = engine.aggregate_counts(
        [SourceSpec(str(registry))], key=secrets.token_bytes(32), programmes=PROGRAMMES
    ).counts.set_index("kode_desa")
    return pd.DataFrame(
        {
            "desil1_share": 100 * counts["families_desil_1"] / counts["families"],
            "exclusion_error": 100
            * counts["target_excluded_families"]
            / counts["target_families"],
            "target_excluded_families": counts["target_excluded_families"],
        }
    ).astype("float64")


def main() -> None:
    registry = _synthetic_registry(0, 1.0)
    public = _public(registry)
    true = _true(registry).reindex(public.index)
    inds = _desa_indicators()
    keys = [i.key for i in inds]
    shown = compute_scores(
        public[keys + [f"{k}_suppressed" for k in keys]], inds, missing="reweight"
    ).frame
    full = compute_scores(true, inds, missing="drop").frame
    ranked = shown["priority_rank"].notna()
    print(
        f"desa: {len(shown)}; ranked: {int(ranked.sum())} ({100 * ranked.mean():.1f} %)"
    )
    scored = [i.key for i in inds if i.score and i.weight > 0]
    partial = ranked & (shown[SCORE_BASIS] != ",".join(scored))
    both = full["priority_rank"].notna()
    n = len(shown)
    for name, mask in (
        ("all scored", ranked & ~partial & both),
        ("from fewer components", partial & both),
    ):
        # ranks of the published scores against the true ones, same desa set
        pub = shown.loc[mask, "priority_rank"].astype(float)
        tru = full.loc[mask, "priority_rank"].astype(float)
        gap = (pub - tru).abs()
        q_pub = np.ceil(5 * pub / n)
        q_tru = np.ceil(5 * tru / n)
        if name != "all scored":
            best = shown.loc[mask, "rank_band_best"].astype(float)
            worst = shown.loc[mask, "rank_band_worst"].astype(float)
            inside = ((tru >= best) & (tru <= worst)).mean()
            width = worst - best
            print(
                f"  rank band: true rank inside {100 * inside:.1f} %; width median "
                f"{width.median():.0f}, p90 {width.quantile(0.9):.0f} of {n}"
            )
        print(
            f"{name}: {int(mask.sum())} desa; |rank shift| median "
            f"{gap.median():.0f}, p90 {gap.quantile(0.9):.0f}, max {gap.max():.0f}; "
            f"same quintile {100 * (q_pub == q_tru).mean():.1f} %"
        )


if __name__ == "__main__":
    main()
