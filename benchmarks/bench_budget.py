"""Budget allocation: time of the greedy and optimal allocations, and peak RSS.

Synthetic areas (seeded): 0-59 unreached families each, one family costing
Rp 4-9 million, budgets of 5 %, 20 % and 60 % of the whole gap, for Banten's
1,552 desa and Indonesia's 83,402 desa. Prints the time of each allocation,
the families each reaches, whether the priority tie-break was solved, and the
peak RSS of the process.

Usage:
    python benchmarks/bench_budget.py [--areas 1552 83402] [--seed 1]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from geo_priority.budget_solve import greedy_allocation, solve_optimal


def main() -> None:
    """Run the benchmark and print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--areas", type=int, nargs="+", default=[1552, 83402])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(
        "areas  budget  greedy_s  optimal_s  greedy_families  optimal_families  "
        "tie_break"
    )
    for k in args.areas:
        n = rng.integers(0, 60, k).astype(float)
        c = np.ceil(rng.uniform(4e6, 9e6, k))
        for share in (0.05, 0.2, 0.6):
            budget = share * float(n @ c)
            t0 = time.perf_counter()
            g = greedy_allocation(n, c, budget)
            t1 = time.perf_counter()
            x, tie_break = solve_optimal(n, c, budget)
            t2 = time.perf_counter()
            assert float(x @ c) <= budget and x.sum() >= g.sum()
            print(
                f"{k:>6} {share:>6.0%} {t1 - t0:>9.3f} {t2 - t1:>10.3f} "
                f"{int(g.sum()):>16} {int(x.sum()):>17}  {tie_break}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
