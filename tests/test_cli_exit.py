"""The console script ends its process as soon as a command is done (``cli.main``).

``main`` leaves with ``os._exit`` once stdout and stderr are flushed (the
interpreter's teardown is skipped): these run the real process and check
that nothing a planner sees or gets is lost on the way, and that the exit
status is the one Python would give.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo_priority.cli import _exit_status

from geodata import kab_run

MAIN = [sys.executable, "-c", "from geo_priority.cli import main; main()"]


def _main(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MAIN, *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_a_run_writes_its_files_and_lists_them_before_the_process_ends(
    tmp_path: Path,
) -> None:
    config = kab_run(tmp_path, outputs='formats = ["html", "csv", "report"]\n')
    done = _main("run", str(config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = [Path(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(listed) == 3, done.stdout
    for path in listed:
        assert path.is_file() and path.stat().st_size > 0, path
    page = next(p for p in listed if p.suffix == ".html")
    assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_long_output_to_a_pipe_arrives_whole() -> None:
    done = _main("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].split()[0] == "zonal"


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (("--bogus",), 2, "--bogus"),  # a usage error, in Bahasa Indonesia
        (("run", "tidak-ada.toml"), 2, "tidak-ada.toml"),
    ],
)
def test_an_error_keeps_its_status_and_message(
    args: tuple[str, ...], status: int, said: str
) -> None:
    done = _main(*args)
    assert done.returncode == status
    assert said in done.stderr and "Galat:" in done.stderr


def test_the_exit_status_is_pythons(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_status(None) == 0
    assert _exit_status(0) == 0
    assert _exit_status(3) == 3
    assert _exit_status("berhenti") == 1
    assert capsys.readouterr().err == "berhenti\n"
