"""Progress of the long steps: plain lines off a terminal, bars on one, never stdout."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from geo_priority import steps
from geo_priority.cli import cli
from geo_priority.messages import use_language
from geo_priority.pipeline import RUN_STEPS


def _clock(*times: float) -> Callable[[], float]:
    """A fake clock that returns ``times`` one after the other."""
    values = iter(times)
    return lambda: next(values)


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def test_off_a_terminal_each_step_is_one_plain_line_then_the_total() -> None:
    log = io.StringIO()
    with steps.progress(3, stream=log, clock=_clock(0.0, 0.5, 2.0, 4.0, 12.25)):
        with steps.step("Membaca"):
            pass
        with steps.step("Menilai"):
            pass
        with steps.step("Menulis"):
            pass
    assert log.getvalue() == (
        "[1/3] Membaca\n[2/3] Menilai\n[3/3] Menulis\nSelesai dalam 12,2 detik\n"
    )


def test_the_total_line_is_english_with_lang_en() -> None:
    log = io.StringIO()
    with use_language("en"), steps.progress(1, stream=log, clock=_clock(0.0, 1.0, 1.5)):
        with steps.step("Reading"):
            pass
    assert log.getvalue() == "[1/1] Reading\nDone in 1.5 s\n"


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_each_step_ends_a_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(steps, "REDRAW_SECONDS", 3600.0)  # no redraw by the clock
    term = _Terminal()
    clock = _clock(0.0, 10.0, 10.0, 12.5, 20.0, 20.0, 21.0)
    with steps.progress(2, stream=term, clock=clock):
        with steps.step("Membaca"):
            pass
        with steps.step("Menulis"):
            pass
    half, full = "█" * 10 + "░" * 10, "█" * 20
    assert term.getvalue() == (
        f"\r\x1b[K[{'░' * 20}] 0/2  Membaca  0 s"
        f"\r\x1b[K[{half}] 1/2  Membaca  2,5 s\n"
        f"\r\x1b[K[{half}] 1/2  Menulis  0 s"
        f"\r\x1b[K[{full}] 2/2  Menulis  1 s\n"
    )


def test_a_terminal_that_cannot_encode_blocks_gets_hashes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(steps, "REDRAW_SECONDS", 3600.0)
    term = _Terminal()
    term.encoding = "ascii"  # type: ignore[misc]
    with steps.progress(1, stream=term, clock=_clock(0.0, 0.0, 0.0, 1.0)):
        with steps.step("x"):
            pass
    assert term.getvalue().endswith(f"[{'#' * 20}] 1/1  x  1 s\n")


def test_without_progress_a_step_shows_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not steps.active()
    with steps.step("Membaca"):
        pass
    assert capsys.readouterr() == ("", "")


def test_a_step_inside_a_step_is_part_of_it_and_more_steps_grow_the_total() -> None:
    log = io.StringIO()
    with steps.progress(1, stream=log, clock=_clock(*range(10))):
        with steps.step("Luar"):
            with steps.step("Dalam"):
                pass
        with steps.step("Lagi"):
            pass
    assert log.getvalue().splitlines()[:2] == ["[1/1] Luar", "[2/2] Lagi"]


def test_an_error_inside_a_step_ends_the_terminal_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(steps, "REDRAW_SECONDS", 3600.0)
    term = _Terminal()
    with pytest.raises(RuntimeError):
        with steps.progress(2, stream=term, clock=_clock(*range(10))):
            with steps.step("Membaca"):
                raise RuntimeError("boom")
    assert term.getvalue().endswith("\n")
    assert not steps.active()


def test_no_total_line_after_a_failure() -> None:
    log = io.StringIO()
    with pytest.raises(RuntimeError):
        with steps.progress(2, stream=log, clock=_clock(*range(10))):
            with steps.step("Membaca"):
                raise RuntimeError("boom")
    assert log.getvalue() == "[1/2] Membaca\n"


# --- the CLI -------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A six-desa run that writes only the HTML map."""
    codes = [f"36.01.01.200{i}" for i in range(1, 7)]
    gpd.GeoDataFrame(
        {"kode": codes, "nama": [f"Desa {i}" for i in range(1, 7)]},
        geometry=[box(106 + i / 100, -6.3, 106.01 + i / 100, -6.29) for i in range(6)],
        crs="EPSG:4326",
    ).to_file(tmp_path / "desa.geojson", driver="GeoJSON")
    rows = "\n".join(
        f"{c},{v}" for c, v in zip(codes, (3, 9, 4, 12, 7, 1), strict=True)
    )
    (tmp_path / "t.csv").write_text(f"kode,miskin\n{rows}\n", encoding="utf-8")
    path = tmp_path / "run.toml"
    path.write_text(
        '[boundaries]\npath = "desa.geojson"\ncode_column = "kode"\n'
        'name_column = "nama"\ncode_system = "kemendagri"\n'
        '[[tables]]\npath = "t.csv"\ncode_column = "kode"\ncode_system = "kemendagri"\n'
        '[scoring]\n[[scoring.indicators]]\nkey = "miskin"\nweight = 1.0\n'
        '[outputs]\ndir = "out"\nname = "t"\nformats = ["html"]\noverwrite = true\n',
        encoding="utf-8",
    )
    return path


def test_run_names_its_steps_in_indonesian_on_stderr_and_only_paths_on_stdout(
    config: Path,
) -> None:
    done = CliRunner().invoke(cli, ["run", str(config)])
    assert done.exit_code == 0, done.output
    lines = done.stderr.splitlines()
    assert lines[:RUN_STEPS] == [
        "[1/4] Membaca batas wilayah dan tabel",
        "[2/4] Mencocokkan tabel dengan wilayah",
        "[3/4] Menilai dan mengelompokkan wilayah",
        "[4/4] Menulis peta dan berkas",
    ]
    assert lines[RUN_STEPS].startswith("Selesai dalam ")
    assert done.stdout.splitlines() == [str(config.parent / "out" / "t.html")]


def test_run_steps_in_english(config: Path) -> None:
    done = CliRunner().invoke(cli, ["run", str(config), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines()[0] == "[1/4] Reading the boundaries and tables"


@pytest.mark.parametrize(
    "args",
    [["run", "CONFIG", "-q"], ["run", "CONFIG", "--quiet"], ["-q", "run", "CONFIG"]],
)
def test_quiet_silences_the_steps(config: Path, args: list[str]) -> None:
    argv = [str(config) if a == "CONFIG" else a for a in args]
    done = CliRunner().invoke(cli, argv)
    assert done.exit_code == 0, done.output
    assert "[1/4]" not in done.stderr
    assert "Selesai" not in done.stderr
    assert done.stdout.splitlines() == [str(config.parent / "out" / "t.html")]
