from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_priority.errors import InputError, OutputExistsError
from geo_priority.io import output
from geo_priority.io.output import (
    atomic_path,
    check_outputs,
    write_csv,
    write_json,
    write_text,
)
from geo_priority.messages import use_language


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------
# check_outputs
# --------------------------------------------------------------------------


def test_check_outputs_lists_every_existing_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "maps").mkdir()
    for name in ("x.html", "y.gpkg", "run.json"):
        (tmp_path / "maps" / name).write_text("old")
    paths = [
        Path("maps/x.html"),
        Path("maps/new.csv"),
        Path("maps/y.gpkg"),
        Path("maps/run.json"),
    ]
    with use_language("en"), pytest.raises(OutputExistsError) as info:
        check_outputs(paths, overwrite=False)
    assert str(info.value) == (
        "3 outputs already exist: 'maps/x.html', 'maps/y.gpkg', 'maps/run.json'. "
        "Use --overwrite to replace them, or choose another --out folder."
    )
    assert isinstance(info.value, FileExistsError)


def test_check_outputs_single_path(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_text("old")
    with (
        use_language("en"),
        pytest.raises(
            OutputExistsError,
            match=r"^output '.*x\.html' already exists\. "
            r"Use --overwrite to replace it, or choose another --out",
        ),
    ):
        check_outputs([path], overwrite=False)


def test_check_outputs_passes(tmp_path: Path) -> None:
    existing = tmp_path / "x.html"
    existing.write_text("old")
    check_outputs([existing], overwrite=True)
    check_outputs([tmp_path / "new.html"], overwrite=False)
    check_outputs([], overwrite=False)


# --------------------------------------------------------------------------
# atomic_path
# --------------------------------------------------------------------------


def test_atomic_path_moves_temp_file_into_place(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.html"
    with atomic_path(target, overwrite=False) as tmp:
        assert tmp.parent == target.parent
        assert tmp.name.startswith(".x.html.tmp-")
        assert tmp.suffix == ".html"
        assert not tmp.exists()
        tmp.write_text("<p>new</p>")
        assert not target.exists()
    assert target.read_text() == "<p>new</p>"
    assert names(target.parent) == ["x.html"]


def test_atomic_path_cleans_up_on_error(tmp_path: Path) -> None:
    target = tmp_path / "x.html"
    with pytest.raises(ZeroDivisionError):
        with atomic_path(target, overwrite=False) as tmp:
            tmp.write_text("half")
            _ = 1 / 0
    assert names(tmp_path) == []


def test_atomic_path_cleans_up_a_temp_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "x.gdb", overwrite=False) as tmp:
            (tmp / "inner").mkdir(parents=True)
            raise RuntimeError("driver failed")
    assert names(tmp_path) == []


def test_atomic_path_keeps_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target, overwrite=True) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert names(tmp_path) == ["x.csv"]


def test_atomic_path_refuses_existing(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old")
    with use_language("en"), pytest.raises(OutputExistsError, match="Use --overwrite"):
        with atomic_path(target, overwrite=False):
            pytest.fail("the block must not run")


def test_atomic_path_refuses_if_created_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    with pytest.raises(OutputExistsError):
        with atomic_path(target, overwrite=False) as tmp:
            tmp.write_text("mine")
            target.write_text("someone else's")
    assert target.read_text() == "someone else's"
    assert names(tmp_path) == ["x.csv"]


def test_atomic_path_on_a_folder(tmp_path: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"is a folder\. Give a file name"),
    ):
        with atomic_path(tmp_path, overwrite=True):
            pytest.fail("the block must not run")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root ignores folder permissions, so chmod cannot make a folder read-only",
)
def test_read_only_folder_chmod(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(InputError, match="make this one writable"):
            write_text("x", folder / "x.txt")
    finally:
        folder.chmod(0o700)


def test_read_only_folder_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(output.os, "open", refuse)
    with use_language("en"), pytest.raises(InputError) as info:
        write_text("x", tmp_path / "x.txt")
    assert str(info.value) == (
        f"cannot write 'x.txt' into folder {str(tmp_path)!r}: Permission denied. "
        "Choose another output folder (--out) or make this one writable."
    )
    assert isinstance(info.value, OSError)
    assert isinstance(info.value.__cause__, PermissionError)


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "maps").write_text("not a folder")
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"cannot write 'x\.html' into folder"),
    ):
        write_text("x", tmp_path / "maps" / "x.html")


# --------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------


def test_write_text(tmp_path: Path) -> None:
    path = write_text("Pandeglang – Banten\r\nb\n", tmp_path / "a.html")
    assert path == tmp_path / "a.html"
    assert path.read_bytes() == "Pandeglang – Banten\r\nb\n".encode()
    with pytest.raises(OutputExistsError):
        write_text("again", path)
    write_text("again", path, overwrite=True)
    assert path.read_text() == "again"


def test_write_csv(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"kode": ["007", "3601"], "p0": [9.27, np.nan], "nama": ["é", "b"]}
    )
    path = write_csv(df, tmp_path / "a.csv")
    assert path.read_bytes() == "kode,p0,nama\n007,9.27,é\n3601,,b\n".encode()


def test_write_json(tmp_path: Path) -> None:
    obj = {
        "n": np.int64(3),
        "x": np.float64(0.5),
        "path": Path("a/b"),
        "set": {"b", "a"},
        "nama": "Cilegon – Kota",
    }
    path = write_json(obj, tmp_path / "run.json")
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "n": 3,
        "x": 0.5,
        "path": "a/b",
        "set": ["a", "b"],
        "nama": "Cilegon – Kota",
    }
    assert "Cilegon – Kota" in path.read_text(encoding="utf-8")


def test_write_json_rejects_unknown_types_and_writes_nothing(tmp_path: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(TypeError, match="cannot write the value <object object"),
    ):
        write_json({"bad": object()}, tmp_path / "run.json")
    assert names(tmp_path) == []
