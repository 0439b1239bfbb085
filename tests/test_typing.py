"""The library is typed end to end: ``mypy --strict geo_priority`` finds nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_clean():
    path = Path(sys.executable).with_name("mypy")
    mypy = str(path) if path.exists() else shutil.which("mypy")
    if not mypy:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    # the settings (strict, the untyped libraries) are in pyproject.toml
    result = subprocess.run(
        [mypy, "--no-incremental", "geo_priority"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
