"""All or nothing: after a kill, a full disk or a failing write, the output folder
holds exactly the previous set or exactly the new one, checked against the
sha256 manifest in the run record (``*_run.json``).

Runs are real ``geo-priority run`` processes on a desa layer with every output
format. They are killed (SIGKILL) at exact points of the move through
``GEO_PRIORITY_FAULT``, or while writing, by a harness that watches the staging
folder; the full disk is a real 3 MB tmpfs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo_priority.formats import OUTPUT_FORMATS
from geo_priority.io import outputset

ALL_FORMATS = list(OUTPUT_FORMATS)
NAME = "desa"


def _inputs(folder: Path, *, n: int = 16) -> Path:
    # real Kemendagri desa codes of Kab. Pandeglang (kecamatan 36.01.02 and 04)
    codes = [f"36.01.{2 + 2 * (i // 8):02d}.{2001 + i % 8}" for i in range(n)]
    geoms = [
        box(
            106 + (i % 6) * 0.02,
            -6.5 + (i // 6) * 0.02,
            106.02 + (i % 6) * 0.02,
            -6.48 + (i // 6) * 0.02,
        )
        for i in range(n)
    ]
    gpd.GeoDataFrame(
        {"kode": codes, "nama": [f"Desa {i}" for i in range(n)]},
        geometry=geoms,
        crs="EPSG:4326",
    ).to_file(folder / "desa.geojson")
    pd.DataFrame(
        {"kode": codes, "rate": [float((7 * i) % 13) for i in range(n)]}
    ).to_csv(folder / "t.csv", index=False)
    return folder


def _config(folder: Path, out: Path, *, k: int) -> Path:
    formats = ", ".join(f'"{f}"' for f in ALL_FORMATS)
    path = folder / f"k{k}.toml"
    path.write_text(
        f"""
[boundaries]
path = "desa.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode"
[scoring]
[[scoring.indicators]]
key = "rate"
unit = "%"
[classify]
scheme = "equal_interval"
k = {k}
[outputs]
dir = "{out}"
name = "{NAME}"
formats = [{formats}]
raster_resolution = 500
""",
        encoding="utf-8",
    )
    return path


CLI = [sys.executable, "-c", "from geo_priority.cli import main; main()"]


def _run(config: Path, *extra: str, fault: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "GEO_PRIORITY_FAULT": fault or ""}
    return subprocess.Popen(
        [*CLI, "run", str(config), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def _set_of(folder: Path) -> tuple[int | None, set[str]]:
    """Return (k of the run, files) and check every file against the manifest."""
    files = _visible(folder)
    record_path = folder / f"{NAME}_run.json"
    if not files:
        return None, files
    record = json.loads(record_path.read_text(encoding="utf-8"))
    listed = set(record["files"]) | {record_path.name}
    assert files == listed, f"a mix: {sorted(files ^ listed)}"
    for name, facts in record["files"].items():
        assert outputset.file_sha256(folder / name) == facts["sha256"], name
    return int(record["config"]["classify"]["k"]), files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _inputs(tmp_path_factory.mktemp("atomic"))


@pytest.fixture(scope="module")
def old_set(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete k=4 set, copied into each test's folder."""
    out = tmp_path_factory.mktemp("old")
    done = _run(_config(project, out, k=4)).communicate(timeout=300)
    assert _set_of(out)[0] == 4, done
    return out


def _fresh_copy(old_set: Path, tmp_path: Path) -> Path:
    out = tmp_path / "maps"
    out.mkdir()
    for item in old_set.iterdir():
        (out / item.name).write_bytes(item.read_bytes())
    return out


@pytest.mark.slow
@pytest.mark.parametrize("point", outputset.FAULT_POINTS)
@pytest.mark.parametrize("overwrite", [True, False], ids=["overwrite", "fresh"])
def test_kill_at_each_point_leaves_the_old_or_the_new_set(
    project: Path, old_set: Path, tmp_path: Path, point: str, overwrite: bool
):
    out = _fresh_copy(old_set, tmp_path) if overwrite else tmp_path / "maps"
    extra = ("--overwrite",) if overwrite else ()
    proc = _run(_config(project, out, k=5), *extra, fault=point)
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    journal = out / f".geo-priority-{NAME}.commit.json"
    before = (4 if overwrite else None) if point == "staged" else 5
    if point == "staged":  # all written, nothing moved: the old set, untouched
        assert not journal.exists()
        assert _set_of(out)[0] == before
    else:  # the move had begun: it is flagged on disk, and finished by recover
        assert journal.exists()
    outputset.recover(out, NAME)  # what the next run on this folder does first
    assert not journal.exists()
    assert _set_of(out)[0] == before
    if point == "moved_half" and overwrite:
        # the next run cleans what the killed one left behind
        again = _run(_config(project, out, k=3), "--overwrite")
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert _set_of(out)[0] == 3
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    if point == "staged":
        again = _run(_config(project, out, k=3), *extra, "--lang", "en")
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert "warning: removed " in err
        assert "temporary file(s) of an interrupted earlier run" in err
        assert _set_of(out)[0] == 3
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow
@pytest.mark.parametrize("overwrite", [True, False], ids=["overwrite", "fresh"])
def test_kill_while_writing_keeps_the_old_set(
    project: Path, old_set: Path, tmp_path: Path, overwrite: bool
):
    out = _fresh_copy(old_set, tmp_path) if overwrite else tmp_path / "maps"
    extra = ("--overwrite",) if overwrite else ()
    proc = _run(_config(project, out, k=5), *extra)
    deadline = time.monotonic() + 120
    written: list[str] = []
    while proc.poll() is None and time.monotonic() < deadline:
        staging = (
            list(out.glob(f".geo-priority-{NAME}.*.staging")) if out.exists() else []
        )
        written = [p.name for p in staging[0].iterdir()] if staging else []
        if any(n.endswith(".gpkg") for n in written):  # some files done, not all
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the run ended before the harness"
    k, _ = _set_of(out)
    assert k == (4 if overwrite else None)


def _tmpfs(path: Path, size: str) -> None:
    if os.geteuid() != 0 and os.environ.get("CI") != "true":
        pytest.skip("mounting a small tmpfs needs root")
    path.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True
    )


@pytest.mark.slow
def test_full_disk_is_one_clear_line_and_changes_nothing(
    project: Path, old_set: Path, tmp_path: Path
):
    disk = tmp_path / "disk"
    _tmpfs(disk, "3m")
    try:
        out = disk / "maps"
        out.mkdir()
        for item in old_set.iterdir():  # the old set fits; a second copy does not
            (out / item.name).write_bytes(item.read_bytes())
        filler = disk / "filler"
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        filler.write_bytes(b"\0" * max(free - 300_000, 0))
        proc = _run(_config(project, out, k=5), "--overwrite", "--lang", "en")
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 1
        lines = [line for line in err.splitlines() if line.strip()]
        assert any(
            line.startswith("Error: ") and "is full" in line and "--out" in line
            for line in lines
        ), err
        assert "Traceback" not in err
        assert _set_of(out)[0] == 4  # the previous set, as it was
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_failing_write_changes_nothing(
    project: Path, old_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from geo_priority import export, pipeline
    from geo_priority.config import load_config, with_outputs

    out = _fresh_copy(old_set, tmp_path)
    config = with_outputs(load_config(_config(project, out, k=5)), overwrite=True)

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(export, "write_format", failing)
    with pytest.raises(OSError, match="Input/output error"):
        pipeline.run(config)
    assert _set_of(out)[0] == 4
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_stale_temporaries_of_killed_writes_are_removed_and_reported(
    project: Path, tmp_path: Path
):
    """Temporary files a killed process left (``.registri_desa.csv.tmp-…``,
    ``.shp-…/``) are removed by the next run on the folder, which says so."""
    from geo_priority import pipeline
    from geo_priority.config import load_config, with_outputs
    from geo_priority.io.outputset import LeftoverCleanedWarning

    out = tmp_path / "maps"
    out.mkdir()
    stale = [
        out / ".registri_desa.csv.tmp-1a2b3c4d.csv",
        out / ".desa.gpkg.tmp-0f0f0f0f.gpkg",
    ]
    shp = out / ".shp-abc123"
    shp.mkdir()
    fresh = out / ".other.csv.tmp-99999999.csv"  # another process may be writing it
    for path in [*stale, fresh]:
        path.write_text("half", encoding="utf-8")
    old = time.time() - 3600
    for path in [*stale, shp]:
        os.utime(path, (old, old))
    config = with_outputs(
        load_config(_config(project, out, k=3)), formats=("csv",), lang="en"
    )
    with pytest.warns(LeftoverCleanedWarning, match="removed 3 temporary file"):
        pipeline.run(config)
    assert not any(p.exists() for p in [*stale, shp])
    assert fresh.exists()


def test_a_damaged_run_record_never_moves_files_outside_the_folder(tmp_path: Path):
    record = tmp_path / "desa_run.json"
    record.write_text(
        json.dumps({"files": {"desa.html": {}, "../elsewhere.txt": {}, "a/b.csv": {}}}),
        encoding="utf-8",
    )
    assert outputset.recorded_files(record) == ["desa.html", "desa_run.json"]
