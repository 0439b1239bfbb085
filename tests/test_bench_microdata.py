"""The microdata benchmark's pandas peer does exactly the engine's work.

The speed ratio is only meaningful if both compute the same tables, so the
benchmark asserts identical desa counts and quality tables before it reports
a time; this runs it on a small dirty tier (every fault of REGISTRIES.md §6.5).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_microdata.py"


def test_engine_and_pandas_peer_agree_on_dirty_data(tmp_path):
    run = subprocess.run(
        [sys.executable, str(BENCH), "--tier", "XS", "--dirty", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "identical desa count and quality tables" in run.stdout
