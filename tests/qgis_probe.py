"""Open exported layers in real QGIS (headless) and report what it sees.

Run by Debian's system Python, which has QGIS's bindings (python3-qgis):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_probe.py SPEC.json OUT.json

SPEC.json is a list of checks, each a dict with:

* ``uri``: what to open (a path, or ``path|layername=x``);
* ``kind``: ``"vector"`` (default) or ``"raster"``;
* ``qml`` / ``sld`` (optional): a style file to load;
* ``png`` (optional): where to save a rendering of the layer.

OUT.json gets one result per check: validity, feature count, CRS, the
renderer's type, field and classes (value, label, colour), the SLD's rules,
the labelling (enabled, field, size, halo) and field aliases, and pixel counts
of the rendering. QGIS 3.22 can crash while the interpreter
shuts down, so results are written first and the script leaves with
``os._exit``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections import Counter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def _hex(colour: QColor) -> str:
    return colour.name().lower()


def _renderer(layer: QgsVectorLayer) -> dict:
    renderer = layer.renderer()
    out: dict = {"type": renderer.type()}
    if renderer.type() == "categorizedSymbol":
        out["field"] = renderer.classAttribute()
        out["classes"] = [
            {
                "value": None if c.value() is None else str(c.value()),
                "label": c.label(),
                "colour": _hex(c.symbol().color()),
            }
            for c in renderer.categories()
        ]
    elif renderer.type() == "graduatedSymbol":
        out["field"] = renderer.classAttribute()
        out["classes"] = [
            {
                "lower": r.lowerValue(),
                "upper": r.upperValue(),
                "label": r.label(),
                "colour": _hex(r.symbol().color()),
            }
            for r in renderer.ranges()
        ]
    elif renderer.type() == "RuleRenderer":
        out["rules"] = [
            {
                "label": r.label(),
                "filter": r.filterExpression(),
                "colour": _hex(r.symbol().color()) if r.symbol() else None,
            }
            for r in renderer.rootRule().children()
        ]
    return out


def _buffered(settings) -> bool:
    # keep the format alive: buffer() of a temporary reads freed memory
    text_format = settings.format()
    buffer = text_format.buffer()
    return bool(buffer.enabled())


def _labels(layer: QgsVectorLayer) -> dict:
    """Whether the layer is labelled, by which field, and its fields' aliases."""
    out: dict = {
        "enabled": bool(layer.labelsEnabled()),
        "aliases": {f.name(): f.alias() for f in layer.fields()},
        "type": None if layer.labeling() is None else layer.labeling().type(),
    }
    labeling = layer.labeling()
    if labeling is None:
        return out
    if labeling.type() == "simple":
        all_settings = [labeling.settings()]
    else:  # rule-based (what QGIS makes of an SLD's per-rule TextSymbolizers)
        rules = labeling.rootRule().descendants()
        all_settings = [r.settings() for r in rules if r.settings() is not None]
    out["rules"] = len(all_settings)
    out["fields"] = sorted({s.fieldName for s in all_settings})
    out["field"] = out["fields"][0] if len(out["fields"]) == 1 else None
    out["size"] = sorted({s.format().size() for s in all_settings})
    out["buffer"] = all(_buffered(s) for s in all_settings)
    return out


def _render(layer, path: str) -> dict:
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(900, 700))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(path, "PNG")
    counts: Counter = Counter()
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            counts[QColor(image.pixel(x, y)).name().lower()] += 1
    total = sum(counts.values())
    return {
        "png": path,
        "pixels": total,
        "non_white": total - counts.get("#ffffff", 0),
        "top_colours": dict(counts.most_common(12)),
    }


def _vector(check: dict) -> dict:
    layer = QgsVectorLayer(check["uri"], "probe", "ogr")
    out = {
        "valid": layer.isValid(),
        "features": layer.featureCount(),
        "crs": layer.crs().authid(),
        "fields": [f.name() for f in layer.fields()],
        "renderer_on_open": _renderer(layer),
    }
    if check.get("qml"):
        message, ok = layer.loadNamedStyle(check["qml"])
        out["qml_loaded"] = bool(ok)
        out["qml_message"] = message
    out["renderer"] = _renderer(layer)
    out["labels"] = _labels(layer)
    if check.get("png"):
        out["render"] = _render(layer, check["png"])
    if check.get("sld"):
        sld_layer = QgsVectorLayer(check["uri"], "probe_sld", "ogr")
        message, ok = sld_layer.loadSldStyle(check["sld"])
        out["sld_loaded"] = bool(ok)
        out["sld_message"] = message
        out["sld_renderer"] = _renderer(sld_layer)
        out["sld_labels"] = _labels(sld_layer)
    return out


def _raster(check: dict) -> dict:
    layer = QgsRasterLayer(check["uri"], "probe")
    out = {
        "valid": layer.isValid(),
        "crs": layer.crs().authid(),
        "width": layer.width(),
        "height": layer.height(),
        "renderer": layer.renderer().type() if layer.renderer() else None,
    }
    renderer = layer.renderer()
    if renderer is not None and renderer.type() == "paletted":
        out["classes"] = [
            {"value": int(c.value), "colour": _hex(c.color)} for c in renderer.classes()
        ]
    if check.get("png"):
        out["render"] = _render(layer, check["png"])
    return out


def main(spec_path: str, out_path: str) -> None:
    with open(spec_path, encoding="utf-8") as handle:
        checks = json.load(handle)
    app = QgsApplication([], False)
    app.initQgis()
    results = []
    for check in checks:
        try:
            probe = _raster if check.get("kind") == "raster" else _vector
            results.append({"check": check, **probe(check)})
        except Exception:  # report, do not crash: the test reads the message
            results.append({"check": check, "error": traceback.format_exc()})
    from qgis.core import Qgis

    report = {"qgis": Qgis.QGIS_VERSION, "results": results}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
