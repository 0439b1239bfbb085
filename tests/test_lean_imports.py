"""Commands import only what they use: no mapclassify/esda/scipy.stats for a plain run.

A planner feels the import time on every command; these libraries take about
1.7 s together and are needed only for data-driven classes and hotspots.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("mapclassify", "esda", "libpysal", "sklearn")


def test_the_cli_and_pipeline_import_no_heavy_analysis_library() -> None:
    code = (
        "import sys; import geo_priority.cli.commands; "
        "from geo_priority import pipeline; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
