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


def test_the_console_script_keeps_a_runs_objects_until_it_leaves(
    tmp_path: Path,
) -> None:
    # os._exit frees nothing: the run's objects are held, not freed one by one
    leave = (
        "import os, sys\n"
        "import geo_priority.cli as cli\n"
        "from geo_priority.cli import _common\n"
        "def leave(status):\n"
        "    held = _common._HELD or []\n"
        "    print('held', [type(h).__name__ for h in held], file=sys.stderr)\n"
        "    sys.stderr.flush()\n"
        "    os._exit(status)\n"
        "cli._leave = leave\n"
        "cli.main()\n"
    )
    config = kab_run(tmp_path, outputs='formats = ["html"]\n')
    done = subprocess.run(
        [sys.executable, "-c", leave, "run", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "held ['RunResult']" in done.stderr


def test_a_command_run_in_process_holds_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from geo_priority.cli import _common, cli

    config = kab_run(tmp_path, outputs='formats = ["html"]\n')
    done = CliRunner().invoke(cli, ["run", str(config)])
    assert done.exit_code == 0, done.output
    assert _common._HELD is None
