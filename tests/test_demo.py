"""The demo command: real boundaries from a mirror, and the offline fallback.

The boundary registry is replaced by a copy whose URLs point at
``http://127.0.0.1:9/`` (the discard port, which refuses connections), so no
test here can reach the network: the mirror run must take every file from the
mirror, and the fallback run must fail to download and draw the schematic map.
The conftest fixture points the cache at a temporary folder.
"""

from __future__ import annotations

import json
import re
import warnings
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from geo_priority import demo
from geo_priority.cli import cli
from geo_priority.errors import BoundaryFallbackWarning, GeoPriorityWarning
from geo_priority.export.tables import read_ranked_csv
from geo_priority.io import fetch
from geo_priority.render.i18n import text
from geo_priority.schema import ID, LABEL

from conftest import require_shared

NAME = "demo_banten_kabkota"
KAB_BPS = ["3601", "3602", "3603", "3604", "3671", "3672", "3673", "3674"]
SUFFIXES = (".html", ".gpkg", "_peringkat.csv", "_laporan_join.csv", "_run.json")
PINNED_HOST = re.compile(
    r"https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/"
)
REMOTE_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)


@pytest.fixture(autouse=True)
def unreachable_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use a registry copy whose URLs all point at a refusing local port."""
    original = fetch.registry_path().read_text(encoding="utf-8")
    offline = PINNED_HOST.sub("http://127.0.0.1:9/", original)
    assert "https://raw.githubusercontent.com" not in offline
    path = tmp_path / "sources.toml"
    path.write_text(offline, encoding="utf-8")
    monkeypatch.setenv(fetch.ENV_REGISTRY, str(path))
    monkeypatch.delenv(fetch.ENV_MIRROR, raising=False)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    return path


def _demo(*args: str) -> Result:
    """Invoke ``geo-priority demo``; warnings are printed to stderr by the CLI."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", GeoPriorityWarning)
        return CliRunner().invoke(cli, ["demo", *args])


def _outputs(folder: Path) -> dict[str, Path]:
    return {s: folder / f"{NAME}{s}" for s in SUFFIXES}


@pytest.mark.integration
def test_demo_with_mirror_writes_every_output_then_refuses_then_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    mirror = require_shared("upstream")
    cache = tmp_path / "cache"
    monkeypatch.setenv(fetch.ENV_CACHE, str(cache))  # empty: the mirror is used
    out = tmp_path / "maps"
    first = _demo("--out", str(out), "--mirror", str(mirror))
    assert first.exit_code == 0, first.output
    files = _outputs(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in files.values()
    )
    assert first.stdout.split() == [str(p) for p in files.values()]
    assert "Pencocokan tabel dengan wilayah: 8 dari 8 wilayah cocok" in first.stderr
    assert f"{NAME}_laporan_join.csv" in first.stderr
    assert "JoinReport" not in first.stderr
    assert "SKEMATIK" not in first.output and "peringatan" not in first.output
    ranked = read_ranked_csv(files["_peringkat.csv"])
    assert len(ranked) == 8
    assert sorted(ranked[ID]) == KAB_BPS
    assert ranked[LABEL].str.startswith("Prioritas ").all()
    html = files[".html"].read_text(encoding="utf-8")
    assert "Banten" in html
    assert REMOTE_ASSET.search(html) is None
    assert text("schematic", "id") not in html
    record = json.loads(files["_run.json"].read_text(encoding="utf-8"))
    assert record["schematic_map"] is False
    # the table is in Kemendagri codes, the OCHA boundaries in BPS codes
    assert record["table_code_systems"] == {"bps_banten": "kemendagri"}
    assert (
        "Kode wilayah: tabel dalam kode Kemendagri, batas wilayah dalam kode BPS"
        in html
    )
    assert "Kode wilayah: bps" not in html
    assert len(record["inputs"]) == 9  # 8 upstream regency files + the BPS table
    assert len(list(cache.rglob("*.geojson"))) == 8  # copied from the mirror

    again = _demo("--out", str(out), "--mirror", str(mirror))
    assert again.exit_code == 1
    assert "sudah ada" in again.output and "--overwrite" in again.output

    forced = _demo(
        "--out", str(out), "--mirror", str(mirror), "--overwrite", "--lang", "en"
    )
    assert forced.exit_code == 0, forced.output
    assert "Tables matched to areas: 8 of 8 areas matched" in forced.stderr
    english = read_ranked_csv(files["_peringkat.csv"])
    assert english[LABEL].str.startswith("Priority ").all()
    assert (english[LABEL].str.startswith("Priority 1")).any()
    html = files[".html"].read_text(encoding="utf-8")
    assert "Priority 1" in html and "Banten" in html
    assert REMOTE_ASSET.search(html) is None


def test_demo_without_boundaries_draws_a_labelled_schematic_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(fetch.ENV_CACHE, str(tmp_path / "empty-cache"))
    out = tmp_path / "maps"
    result = _demo("--out", str(out))
    assert result.exit_code == 0, result.output
    stderr = result.stderr
    assert "peta SKEMATIK segi enam" in stderr  # in the run's language
    assert "geo-priority boundaries fetch banten-desa-ocha-bps2020" in stderr
    assert "--mirror DIR" in stderr
    assert "127.0.0.1:9" in stderr  # the failed download is named
    assert "PETA SKEMATIK" in stderr
    files = _outputs(out)
    assert all(p.is_file() for p in files.values())
    html = files[".html"].read_text(encoding="utf-8")
    assert text("schematic", "id") in html
    assert REMOTE_ASSET.search(html) is None
    record = json.loads(files["_run.json"].read_text(encoding="utf-8"))
    assert record["schematic_map"] is True
    ranked = read_ranked_csv(files["_peringkat.csv"])
    assert len(ranked) == 8 and ranked[ID].str.startswith("36.").all()
    assert not any((tmp_path / "empty-cache").rglob("*.geojson"))


def test_run_demo_warns_with_boundary_fallback_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(fetch.ENV_CACHE, str(tmp_path / "empty-cache"))
    with pytest.warns(BoundaryFallbackWarning, match="SCHEMATIC"):
        result = demo.run_demo(out=tmp_path / "maps", lang="en")
    assert result.analysis.schematic is True
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert text("schematic", "en") in html


def test_schematic_hexagons_leave_no_empty_row_between_north_and_south():
    from geo_priority.tilemap import BANTEN_KABKOTA_CENTRES, hex_tiles

    size = 0.12
    tiles = hex_tiles(BANTEN_KABKOTA_CENTRES, size=size)
    bounds = tiles.geometry.bounds
    rows = sorted({round(y, 6) for y in (bounds.miny + bounds.maxy) / 2}, reverse=True)
    tops = {
        round((lo + hi) / 2, 6): hi
        for lo, hi in zip(bounds.miny, bounds.maxy, strict=True)
    }
    bottoms = {
        round((lo + hi) / 2, 6): lo
        for lo, hi in zip(bounds.miny, bounds.maxy, strict=True)
    }
    gaps = [bottoms[a] - tops[b] for a, b in pairwise(rows)]
    assert len(tiles) == 8 and tiles.geometry.is_valid.all()
    assert max(gaps) <= size  # the brief's limit: at most one hexagon size
    assert max(gaps) <= 0  # in fact rows interlock, like a honeycomb
    assert not any(
        a.overlaps(b)
        for i, a in enumerate(tiles.geometry)
        for b in tiles.geometry[i + 1 :]
    )


def test_schematic_map_spec_has_no_scale_bar_and_labels_every_hexagon():
    from shapely.geometry import Point

    from geo_priority.classify import classify_scores
    from geo_priority.render import MapText, map_spec

    areas = demo.schematic_areas().assign(
        priority_score=[float(i) for i in range(8)], priority_rank=range(8, 0, -1)
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    spec = map_spec(areas, c, texts=MapText("Judul", schematic=True))
    assert spec["scale_bar"] is False and spec["labels_all"] is True
    view = spec["views"][0]
    assert view["labels_default"] is True
    props = view["props"]
    assert len(props) == 8 and all(p["name"] for p in props)
    shapes = dict(zip(areas[ID], areas.geometry, strict=True))
    assert all(shapes[p["id"]].contains(Point(p["lp"][::-1])) for p in props)
    real = map_spec(areas, c, texts=MapText("Judul"))
    assert real["scale_bar"] is True and real["labels_all"] is False
