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
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from geo_priority import demo
from geo_priority.cli import cli
from geo_priority.errors import BoundaryFallbackWarning, GeoPriorityWarning
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
    assert "8 of 8 areas matched" in first.stderr
    assert "SKEMATIK" not in first.output and "peringatan" not in first.output
    ranked = pd.read_csv(files["_peringkat.csv"], dtype={ID: str})
    assert len(ranked) == 8
    assert sorted(ranked[ID]) == KAB_BPS
    assert ranked[LABEL].str.startswith("Prioritas ").all()
    html = files[".html"].read_text(encoding="utf-8")
    assert "Banten" in html
    assert REMOTE_ASSET.search(html) is None
    assert text("schematic", "id") not in html
    record = json.loads(files["_run.json"].read_text(encoding="utf-8"))
    assert record["schematic_map"] is False
    assert len(record["inputs"]) == 9  # 8 upstream regency files + the BPS table
    assert len(list(cache.rglob("*.geojson"))) == 8  # copied from the mirror

    again = _demo("--out", str(out), "--mirror", str(mirror))
    assert again.exit_code == 1
    assert "already exist" in again.output and "--overwrite" in again.output

    forced = _demo(
        "--out", str(out), "--mirror", str(mirror), "--overwrite", "--lang", "en"
    )
    assert forced.exit_code == 0, forced.output
    assert "8 of 8 areas matched" in forced.stderr
    english = pd.read_csv(files["_peringkat.csv"], dtype={ID: str})
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
    assert "SCHEMATIC hexagon tile map" in stderr
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
    ranked = pd.read_csv(files["_peringkat.csv"], dtype={ID: str})
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
