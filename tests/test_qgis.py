"""Exports checked by a real client: QGIS 3.22 (Debian python3-qgis), headless.

``tests/qgis_probe.py`` runs under the system Python (``/usr/bin/python3``, which
has the QGIS bindings), opens each exported layer, loads its style, renders it
to PNG and reports what QGIS saw. Without QGIS the test is skipped, except under
``CI=true``, where it fails. Install QGIS with::

    apt-get install -y --no-install-recommends python3-qgis qgis-providers
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from test_export import make_layer

from geo_priority import export
from geo_priority.demo import run_demo
from geo_priority.render import NO_DATA_COLOUR, class_colours

from conftest import require_shared

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
INSTALL = "apt-get install -y --no-install-recommends python3-qgis qgis-providers"


def _require_qgis() -> None:
    found = (
        Path(SYSTEM_PYTHON).exists()
        and subprocess.run(
            [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if found:
        return
    message = f"QGIS's Python bindings are missing; install them with: {INSTALL}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (under CI=true this test must run)")
    pytest.skip(message)


def _unzip(path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return folder


def _export(layer: export.ScoredLayer, folder: Path) -> dict[str, list[Path]]:
    with pytest.warns(UserWarning, match="10 karakter"):
        return export.export_layer(
            layer, folder, formats=["gpkg", "shp", "styles", "raster"]
        )


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    _require_qgis()
    root = tmp_path_factory.mktemp("qgis")
    grid = _export(make_layer(), root / "grid")
    mirror = require_shared("upstream")
    run_demo(out=root / "run", mirror=str(mirror))
    demo = export.read_scored(root / "run" / "demo_banten_kabkota.gpkg")
    demo_files = _export(demo, root / "demo")
    checks = {}
    for key, files, layer in (("grid", grid, "uji"), ("demo", demo_files, demo.name)):
        shp = _unzip(files["shp"][0], root / f"{key}_unzipped")
        checks[f"{key}_gpkg"] = {
            "uri": f"{files['gpkg'][0]}|layername={layer}",
            "sld": str(files["styles"][1]),
            "png": str(root / f"{key}_gpkg.png"),
        }
        checks[f"{key}_shp"] = {
            "uri": str(shp / f"{layer}_shp.shp"),
            "qml": str(shp / f"{layer}_shp.qml"),
            "png": str(root / f"{key}_shp.png"),
        }
        checks[f"{key}_zip"] = {"uri": str(files["shp"][0])}
        checks[f"{key}_raster"] = {
            "uri": str(files["raster"][0]),
            "kind": "raster",
            "png": str(root / f"{key}_raster.png"),
        }
    spec, out = root / "spec.json", root / "out.json"
    spec.write_text(json.dumps(list(checks.values())), encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(root),
        "QGIS_CUSTOM_CONFIG_PATH": str(root),
    }
    run = subprocess.run(
        [SYSTEM_PYTHON, str(PROBE), str(spec), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.exists(), f"QGIS probe wrote nothing: {run.stderr[-2000:]}"
    report = json.loads(out.read_text(encoding="utf-8"))
    results = dict(zip(checks, report["results"], strict=True))
    for key, result in results.items():
        assert "error" not in result, f"{key}: {result['error']}"
    return {
        "results": results,
        "qgis": report["qgis"],
        "layers": {"grid": make_layer(), "demo": demo},
    }


def _expected(layer: export.ScoredLayer) -> list[dict]:
    colours = class_colours(layer.classification.k)
    rows = [
        {"value": str(i), "label": label, "colour": colour}
        for i, (label, colour) in enumerate(
            zip(layer.classification.labels, colours, strict=True), start=1
        )
    ]
    return [*rows, {"value": "", "label": "tidak ada data", "colour": NO_DATA_COLOUR}]


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_geopackage_opens_styled(probed: dict, key: str):
    result = probed["results"][f"{key}_gpkg"]
    layer = probed["layers"][key]
    assert probed["qgis"].startswith("3.")
    assert result["valid"]
    assert result["features"] == len(layer.areas)
    assert result["crs"] == layer.areas.crs.to_string()
    # styled from the GeoPackage's layer_styles table, no .qml loaded
    renderer = result["renderer_on_open"]
    assert renderer["type"] == "categorizedSymbol"
    assert renderer["field"] == "priority_class"
    assert renderer["classes"] == _expected(layer)


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_rendering_shows_the_class_colours(probed: dict, key: str):
    for kind in ("gpkg", "shp"):
        render = probed["results"][f"{key}_{kind}"]["render"]
        assert render["non_white"] > 0.2 * render["pixels"], f"{kind}: blank map"
        layer = probed["layers"][key]
        present = {
            class_colours(layer.classification.k)[i]
            for i, n in enumerate(layer.classification.counts)
            if n
        }
        assert present <= set(render["top_colours"]), (kind, render["top_colours"])


def test_no_data_area_is_grey(probed: dict):
    render = probed["results"]["grid_gpkg"]["render"]
    assert render["top_colours"].get(NO_DATA_COLOUR, 0) > 0.05 * render["pixels"]


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_shapefile_with_its_qml(probed: dict, key: str):
    layer = probed["layers"][key]
    for kind in ("shp", "zip"):
        result = probed["results"][f"{key}_{kind}"]
        assert result["valid"] and result["features"] == len(layer.areas)
        assert result["crs"] == layer.areas.crs.to_string()
        assert "priority_c" in result["fields"]
        renderer = result["renderer"]
        assert renderer["type"] == "categorizedSymbol"
        assert renderer["field"] == "priority_c"
        assert renderer["classes"] == _expected(layer)
    assert probed["results"][f"{key}_shp"]["qml_loaded"]


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_sld_read_by_qgis(probed: dict, key: str):
    result = probed["results"][f"{key}_gpkg"]
    assert result["sld_loaded"], result["sld_message"]
    rules = result["sld_renderer"]["rules"]
    expected = _expected(probed["layers"][key])
    assert [r["colour"] for r in rules] == [e["colour"] for e in expected]
    assert [r["label"] for r in rules] == [e["label"] for e in expected]
    assert "priority_class" in rules[0]["filter"]


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_priority_raster_in_qgis(probed: dict, key: str):
    result = probed["results"][f"{key}_raster"]
    layer = probed["layers"][key]
    assert result["valid"] and result["crs"] == "EPSG:32748"
    assert result["renderer"] == "paletted"
    colours = {c["value"]: c["colour"] for c in result["classes"]}
    k = layer.classification.k
    assert [colours[i] for i in range(1, k + 1)] == class_colours(k)
    assert colours[255] == NO_DATA_COLOUR
    assert result["render"]["non_white"] > 0.2 * result["render"]["pixels"]


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_qgis_labels_areas_by_name(probed: dict, key: str):
    for kind in ("gpkg", "shp"):  # "area_name" fits a DBF field: not renamed
        labels = probed["results"][f"{key}_{kind}"]["labels"]
        assert labels["enabled"], kind
        assert labels["type"] == "simple" and labels["field"] == "area_name"
        assert labels["size"] == [9] and labels["buffer"], labels
    # QGIS reads the SLD's TextSymbolizer of every class rule as rule-based labels
    sld = probed["results"][f"{key}_gpkg"]["sld_labels"]
    assert sld["enabled"] and sld["field"] == "area_name", sld
    assert sld["rules"] == probed["layers"][key].classification.k + 1, sld
    assert sld["size"] == [12] and sld["buffer"], sld  # 12 px = 9 pt


@pytest.mark.parametrize("key", ["grid", "demo"])
def test_qgis_shows_field_aliases(probed: dict, key: str):
    lang = probed["layers"][key].lang
    contrib = "Kontribusi" if lang == "id" else "Contribution"
    gpkg = probed["results"][f"{key}_gpkg"]["labels"]["aliases"]
    assert gpkg["area_name"] == ("Nama wilayah" if lang == "id" else "Area name")
    assert gpkg["priority_rank"] in ("Peringkat prioritas", "Priority rank")
    contribs = {f: a for f, a in gpkg.items() if f.startswith("contrib_")}
    assert contribs and all(a.startswith(f"{contrib} ") for a in contribs.values())
    shp = probed["results"][f"{key}_shp"]["labels"]["aliases"]
    assert shp["priority_c"] == gpkg["priority_class"]
    short = {f: a for f, a in shp.items() if f.startswith("contrib_")}
    assert sorted(short.values()) == sorted(contribs.values())
