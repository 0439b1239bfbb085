"""Benchmark: the disclosure audit on a synthetic tier, convergence cells included.

Generates a synthetic tier (default S: one kabupaten, ~375 areas) as a
P3KE-style Parquet export in ``--dir`` (reused when present), aggregates it
once, then ``--repeat`` times:

* rules: :func:`geo_priority.microdata.disclosure.suppress` without its audit
  pass (``audit=False``);
* audit of the rules: :func:`geo_priority.microdata.audit.pinned_cells` on
  that result (whole numbers);
* suppress: :func:`suppress` with ``audit=True`` (rules, then audit passes until
  nothing is pinned);
* audit: :func:`pinned_cells` on the published flags (must be empty);
* publication: :func:`suppress_published` as ``aggregate`` runs it by default
  (``audit = "auto"``, components up to ``AUDIT_MAX_CELLS``), with only the
  desa level written as the desa demo does, in CPU seconds too; prints the
  components left unaudited.

Prints each time with its range over the repeats, the hidden and pinned
cells, a hash of the published flags (identical on every repeat) and the load
average. The audit of earlier versions (one programme pair per cell over the
whole kabupaten) did not finish tier S in 27 min.

Usage::

    .venv/bin/python benchmarks/bench_audit.py --tier S --repeat 3
    .venv/bin/python benchmarks/bench_audit.py --tier M --repeat 1 \
        --export <cache>/synthetic/v2_seed0_scale1/p3ke_M_individu.parquet \
        --programmes pkh,sembako_bpnt,blt_dd   # as the desa demo aggregates

Measured 2026-12-01 (load 2-3): tier S rules 2.9-3.0 s, nothing pinned by
the rules alone (9,562 hidden); the desa demo's export (tier M, 1,715 areas)
rules 16 s (8.9-9.6 s in a warm process), 2 cells of desa 3603322002 pinned
by the rules alone, suppress with audit passes 14 s, 42,423 hidden.
After the bridge rule and the numpy state of suppress() (10:05 UTC, load
5.5-6.2 on 2 cores): tier S rules 0.10-0.25 s, audit 0.9-2.6 s, nothing
pinned, 9,562 hidden, flags sha256 0583f9363159167e (unchanged); the demo's
export rules 1.3-2.3 s, nothing pinned by the rules alone (42,423 hidden,
sha256 a6e628ccd96f7a60), audit 11-27 s at that load.
Publication audit by default (11:13 UTC, load 1.9-2.2), the demo's export with
--programmes pkh,sembako_bpnt,blt_dd: publication CPU 9.31 s (audit 4.16 s,
1,395 solver calls over 920 components of <= 447 cells) -> 5.00 s with the
components audited in batches of 500 cells (audit 1.87-2.09 s, 81 calls),
39,988 hidden, nothing left unaudited; suppress with audit passes 12.1 ->
5.1 s, flags sha256 5f625ff368eee5f8 both. Tier S publication 0.59-0.62 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

KEY = b"benchmark-key-not-secret-0123456789abcdef"


def _setup(
    tier: str, folder: Path, export: str | None, programmes: str | None = None
) -> tuple[Any, Any, Any]:
    from geo_priority.microdata import api, write_synthetic
    from geo_priority.microdata.engine import aggregate_counts
    from geo_priority.microdata.ingest import SourceSpec

    path = Path(export) if export else folder / f"p3ke_{tier}_individu.parquet"
    if not path.exists():
        path, _, _ = write_synthetic(
            folder, tier=tier, style="p3ke", fmt="parquet", seed=0
        )
    chosen = {"programmes": tuple(programmes.split(","))} if programmes else {}
    res = aggregate_counts([SourceSpec(str(path))], key=KEY, **chosen)
    frame, _, plan, _ = api.disclosure_setup(
        res.counts,
        **chosen,
        max_desil=res.max_desil,
        absent=res.absent,
        conv=res.convergence,
        combos=res.combos,
    )
    return frame, plan, plan.never_published(frame.index)


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def main() -> None:
    """Run the benchmark and print the times and the audit's answer."""
    from geo_priority.microdata.audit import pinned_cells
    from geo_priority.microdata.disclosure import suppress, suppress_published

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tier", default="S")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="folder for the export")
    parser.add_argument("--export", default=None, help="an existing export to use")
    parser.add_argument(
        "--programmes",
        default=None,
        help='"any programme" as the pipeline is told, comma-separated '
        "(the desa demo: pkh,sembako_bpnt,blt_dd); default all",
    )
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.gettempdir()) / f"bench_audit_{args.tier}"
    folder.mkdir(parents=True, exist_ok=True)
    frame, p, never = _setup(args.tier, folder, args.export, args.programmes)
    kwargs = {"relations": p.relations, "groups": p.groups, "bounds": p.bounds}
    audit_args = (p.cells, p.relations, p.bounds)
    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        t_rules, rules = _timed(
            suppress, frame, p.cells, initial=never, audit=False, **kwargs
        )
        t_check, by_rules = _timed(pinned_cells, frame, rules, *audit_args)
        t_full, flags = _timed(
            suppress, frame, p.cells, initial=never, audit=True, **kwargs
        )
        t_audit, pinned = _timed(pinned_cells, frame, flags, *audit_args)
        cpu = time.process_time()
        t_pub, pub = _timed(
            suppress_published,
            frame,
            p.cells,
            initial=never,
            written=(frame["level"] == "desa").to_numpy(bool),
            **kwargs,
        )
        times.setdefault("publication CPU (auto, desa)", []).append(
            time.process_time() - cpu
        )
        print(
            f"publication (auto, desa written): "
            f"{int(pub.flags[p.cells].to_numpy().sum())} hidden, "
            f"{pub.summary()}"
        )
        for name, t in (
            ("rules", t_rules),
            ("audit of the rules", t_check),
            ("suppress (rules + audit passes)", t_full),
            ("audit", t_audit),
            ("publication (auto, desa)", t_pub),
        ):
            times.setdefault(name, []).append(t)
        digest = hashlib.sha256(flags[p.cells].to_numpy().tobytes()).hexdigest()
        print(
            f"tier {args.tier}: {len(frame)} areas, {len(p.cells)} cells, "
            f"{int(flags[p.cells].to_numpy().sum())} hidden "
            f"({int(rules[p.cells].to_numpy().sum())} by the rules alone); "
            f"pinned by the rules alone {len(by_rules)}, published {len(pinned)}; "
            f"flags sha256 {digest[:16]}"
        )
    for name, values in times.items():
        print(
            f"{name:>32}: {min(values):6.2f} - {max(values):6.2f} s "
            f"over {len(values)} runs"
        )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
