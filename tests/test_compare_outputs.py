"""benchmarks/compare_outputs.py: its masking and file comparisons, on tiny files."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_outputs.py"


@pytest.fixture(scope="module")
def co():
    spec = importlib.util.spec_from_file_location("compare_outputs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_outputs"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def ctx(co):
    dates = frozenset({"2026-11-30"})
    return co.Context(
        co.Masker({"/tmp/x/out-base": "<OUT>"}, dates),
        co.Masker({"/tmp/x/out-head": "<OUT>"}, dates),
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def pair(tmp_path: Path, name: str, x: str, y: str) -> tuple[Path, Path]:
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    return write(tmp_path / "a" / name, x), write(tmp_path / "b" / name, y)


def test_masker_masks_the_runs_timestamps_and_paths_only(co):
    masker = co.Masker({"/tmp/x/out-base": "<OUT>"}, frozenset({"2026-11-30"}))
    text = (
        '"run_at": "2026-11-30T18:44:19+00:00", "d": "2026-11-30", '
        '"t": "2026-11-30T18:44:19.123Z", "data": "2019-12-20", '
        '"dir": "/tmp/x/out-base/demo"'
    )
    assert masker.text(text) == (
        '"run_at": "<TIMESTAMP>", "d": "<TIMESTAMP>", "t": "<TIMESTAMP>", '
        '"data": "2019-12-20", "dir": "<OUT>/demo"'
    )


def test_identical_bytes_and_timestamps_and_a_real_difference(co, ctx, tmp_path):
    a, b = pair(tmp_path, "same.csv", "x,1\n", "x,1\n")
    assert co.compare_files(a, b, ctx).status == co.IDENTICAL
    a, b = pair(
        tmp_path,
        "run.json",
        '{"run_at": "2026-11-30T18:44:19+00:00", "dir": "/tmp/x/out-base/r"}',
        '{"run_at": "2026-11-30T18:47:02+00:00", "dir": "/tmp/x/out-head/r"}',
    )
    assert co.compare_files(a, b, ctx).status == co.UP_TO_TIMESTAMPS
    a, b = pair(tmp_path, "t.csv", "kode,skor\n36.01,0.5\n", "kode,skor\n36.01,0.6\n")
    verdict = co.compare_files(a, b, ctx)
    assert verdict.status == co.DIFFERENT
    assert verdict.detail.startswith("line 2, col 9")


def test_html_element_ids_are_renumbered_not_ignored(co, ctx, tmp_path):
    x = "#map_" + "1" * 32 + " {}\nL.map('map_" + "1" * 32 + "')"
    y = "#map_" + "2" * 32 + " {}\nL.map('map_" + "2" * 32 + "')"
    a, b = pair(tmp_path, "m.html", x, y)
    assert co.compare_files(a, b, ctx).status == co.UP_TO_TIMESTAMPS
    z = "#map_" + "2" * 32 + " {}\nL.map('map_" + "3" * 32 + "')"
    a, b = pair(tmp_path, "m.html", x, z)
    assert co.compare_files(a, b, ctx).status == co.DIFFERENT


def make_sqlite(path: Path, stamp: str, value: float) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gpkg_contents (table_name TEXT, last_change TEXT)")
    con.execute("INSERT INTO gpkg_contents VALUES ('areas', ?)", (stamp,))
    con.execute("CREATE TABLE areas (kode TEXT, skor REAL, geom BLOB)")
    con.execute("INSERT INTO areas VALUES ('36.01', ?, x'0102')", (value,))
    con.commit()
    con.close()
    return path


def test_geopackage_rows_compare_with_timestamps_masked(co, ctx, tmp_path):
    a = make_sqlite(tmp_path / "a.gpkg", "2026-11-30T18:44:19.000Z", 0.5)
    b = make_sqlite(tmp_path / "b.gpkg", "2026-11-30T18:49:00.000Z", 0.5)
    assert co.compare_files(a, b, ctx).status == co.UP_TO_TIMESTAMPS
    c = make_sqlite(tmp_path / "c.gpkg", "2026-11-30T18:49:00.000Z", 0.7)
    verdict = co.compare_files(a, c, ctx)
    assert verdict.status == co.DIFFERENT
    assert "areas" in verdict.detail


def make_zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_zip_members_compare_recursively(co, ctx, tmp_path):
    core = "<dcterms:created>2026-11-30T18:44:{}Z</dcterms:created>"
    a = make_zip(tmp_path / "a.xlsx", {"docProps/core.xml": core.format(19)})
    b = make_zip(tmp_path / "b.xlsx", {"docProps/core.xml": core.format(55)})
    assert co.compare_files(a, b, ctx).status == co.UP_TO_TIMESTAMPS
    c = make_zip(tmp_path / "c.xlsx", {"docProps/app.xml": core.format(55)})
    assert co.compare_files(a, c, ctx).detail.startswith("members")


def test_png_compares_pixels(co, ctx, tmp_path):
    from matplotlib import image

    pixels = np.zeros((4, 4, 3))
    image.imsave(tmp_path / "a.png", pixels, metadata={"Software": "a"})
    image.imsave(tmp_path / "b.png", pixels, metadata={"Software": "b"})
    assert co.compare_files(tmp_path / "a.png", tmp_path / "b.png", ctx).status == (
        co.UP_TO_TIMESTAMPS
    )
    pixels[0, 0] = 1.0
    image.imsave(tmp_path / "c.png", pixels)
    verdict = co.compare_files(tmp_path / "a.png", tmp_path / "c.png", ctx)
    assert verdict.detail == "1 pixels differ"


def test_pdf_dates_and_id_are_masked(co, ctx, tmp_path):
    body = b"%PDF-1.4\n/CreationDate (D:2026113018{}Z)\n/ID [<{}> <{}>]\n"

    def pdf(name, minute, ident, extra=b""):
        path = tmp_path / name
        path.write_bytes(
            body.replace(b"{}", minute, 1).replace(b"{}", ident).replace(b"{}", ident)
            + extra
        )
        return path

    a, b = pdf("a.pdf", b"4419", b"AB"), pdf("b.pdf", b"4702", b"CD")
    assert co.compare_files(a, b, ctx).status == co.UP_TO_TIMESTAMPS
    c = pdf("c.pdf", b"4702", b"CD", b"drawn differently")
    assert co.compare_files(a, c, ctx).status == co.DIFFERENT


def test_hashes_of_timestamp_only_files_are_masked_in_the_tree(co, ctx, tmp_path):
    for side, second in (("a", "19"), ("b", "55")):
        root = tmp_path / side
        root.mkdir()
        meta = write(root / "meta.json", f'{{"at": "2026-11-30T18:44:{second}Z"}}')
        write(root / "manifest.txt", f"meta.json {co.sha256(meta)}\n")
    verdicts = co.compare_trees(tmp_path / "a", tmp_path / "b", ctx)
    assert {v.status for v in verdicts.values()} == {co.UP_TO_TIMESTAMPS}


def test_localised_config_points_at_absolute_inputs(co, tmp_path):
    examples = tmp_path / "tree" / "examples"
    examples.mkdir(parents=True)
    write(examples / "own.csv", "kode\n")
    config = write(
        examples / "x.toml",
        '[boundaries]\npath = "own.csv"\n[[tables]]\npath = "mine.csv"  # yours\n'
        'crosswalk = "../maps/registri/k.csv"\n',
    )
    side = co.Side("base", tmp_path / "tree", tmp_path / "out", tmp_path / "cfg")
    side.configs.mkdir()
    inputs = co.Inputs(tmp_path, tmp_path / "k", {"mine.csv": tmp_path / "gen.csv"})
    text = co.localise_config(config, side, inputs).read_text()
    assert f'path = "{examples / "own.csv"}"' in text
    assert f'path = "{tmp_path / "gen.csv"}"  # yours' in text
    assert f'crosswalk = "{tmp_path / "out" / "registri" / "k.csv"}"' in text
