"""QGIS (.qml) and OGC SLD (1.0.0 / 1.1.0) styles of the priority classes.

Both styles colour areas by their ``priority_class`` with exactly the colours
and labels of the HTML map (:func:`geo_priority.render.class_colours`, class 1
first) plus a grey "no data" entry, so the desktop map, the geoportal and the
meeting's web map cannot disagree. Classifying by the stored class (rather than
re-applying score breaks) also survives formats that round numbers, such as
Shapefile's DBF.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Literal

from geo_priority.schema import CLASS

__all__ = ["ClassStyle", "qml_style", "sld_style"]

SldVersion = Literal["1.0.0", "1.1.0"]
_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XLINK = "http://www.w3.org/1999/xlink"
#: Outline width in millimetres (QGIS) and pixels (SLD).
_OUTLINE_MM = 0.26
_OUTLINE_PX = 0.8


@dataclass(frozen=True)
class ClassStyle:
    """What a style needs: labels, colours and the field holding the class.

    Attributes
    ----------
    labels : tuple of str
        Label of class 1, 2, ... k (as in the HTML legend).
    colours : tuple of str
        ``#rrggbb`` colour of class 1, 2, ... k.
    no_data_label : str
        Legend text for areas without a class.
    no_data_colour : str
        ``#rrggbb`` colour of areas without a class.
    outline_colour : str
        ``#rrggbb`` outline colour.
    field : str
        Attribute holding the class number (``priority_class``; shortened in a
        Shapefile).
    """

    labels: tuple[str, ...]
    colours: tuple[str, ...]
    no_data_label: str
    no_data_colour: str
    outline_colour: str
    field: str = CLASS

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.colours):
            raise ValueError(
                f"{len(self.labels)} labels but {len(self.colours)} colours; give "
                "one colour per class."
            )

    def entries(self) -> list[tuple[str, str, str]]:
        """Return ``(value, label, colour)`` per class, then the no-data entry."""
        rows = [
            (str(i), label, colour)
            for i, (label, colour) in enumerate(
                zip(self.labels, self.colours, strict=True), start=1
            )
        ]
        return [*rows, ("", self.no_data_label, self.no_data_colour)]


def _rgba(colour: str) -> str:
    """Return ``#rrggbb`` as QGIS's ``r,g,b,255``."""
    h = colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _fill_properties(colour: str, outline: str) -> dict[str, str]:
    return {
        "color": _rgba(colour),
        "joinstyle": "bevel",
        "offset": "0,0",
        "offset_unit": "MM",
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": f"{_OUTLINE_MM}",
        "outline_width_unit": "MM",
        "style": "solid",
    }


def _qml_symbol(parent: ET.Element, name: str, colour: str, outline: str) -> None:
    symbol = ET.SubElement(
        parent,
        "symbol",
        type="fill",
        name=name,
        alpha="1",
        clip_to_extent="1",
        force_rhr="0",
    )
    layer = ET.SubElement(
        symbol, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0"}
    )
    layer.set("pass", "0")
    props = _fill_properties(colour, outline)
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in props.items():
        ET.SubElement(options, "Option", name=key, value=value, type="QString")
    for key, value in props.items():  # QGIS < 3.20 reads these
        ET.SubElement(layer, "prop", k=key, v=value)


def qml_style(style: ClassStyle, /) -> str:
    """Return a QGIS layer style (QML) with a categorised renderer on the class.

    Parameters
    ----------
    style : ClassStyle

    Returns
    -------
    str
        The QML document (UTF-8 text), readable by QGIS 3.x.

    Examples
    --------
    >>> s = ClassStyle(("P1", "P2"), ("#980026", "#fff1a9"), "no data",
    ...                "#bdbdbd", "#4d4d4d")
    >>> 'attr="priority_class" type="categorizedSymbol"' in qml_style(s)
    True
    """
    root = ET.Element("qgis", version="3.22.0", styleCategories="Symbology")
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        attr=style.field,
        type="categorizedSymbol",
        forceraster="0",
        symbollevels="0",
        enableorderby="0",
        referencescale="-1",
    )
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, label, colour) in enumerate(style.entries()):
        ET.SubElement(
            categories, "category", value=value, label=label, symbol=str(i)
        ).set("render", "true")
        _qml_symbol(symbols, str(i), colour, style.outline_colour)
    ET.SubElement(root, "layerGeometryType").text = "2"
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{body}\n"


# --- SLD ----------------------------------------------------------------------


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _filter(rule: ET.Element, field: str, value: str) -> None:
    """Add ``field = value`` (or ``field IS NULL`` when value is empty)."""
    filt = ET.SubElement(rule, _q(_OGC, "Filter"))
    if value:
        test = ET.SubElement(filt, _q(_OGC, "PropertyIsEqualTo"))
        ET.SubElement(test, _q(_OGC, "PropertyName")).text = field
        ET.SubElement(test, _q(_OGC, "Literal")).text = value
    else:
        test = ET.SubElement(filt, _q(_OGC, "PropertyIsNull"))
        ET.SubElement(test, _q(_OGC, "PropertyName")).text = field


def _symbolizer(rule: ET.Element, ns: str, colour: str, outline: str) -> None:
    param = "CssParameter" if ns == _SLD else "SvgParameter"
    poly = ET.SubElement(rule, _q(ns, "PolygonSymbolizer"))
    fill = ET.SubElement(poly, _q(ns, "Fill"))
    ET.SubElement(fill, _q(ns, param), name="fill").text = colour
    ET.SubElement(fill, _q(ns, param), name="fill-opacity").text = "1"
    stroke = ET.SubElement(poly, _q(ns, "Stroke"))
    ET.SubElement(stroke, _q(ns, param), name="stroke").text = outline
    ET.SubElement(stroke, _q(ns, param), name="stroke-width").text = f"{_OUTLINE_PX}"


def _rule(
    parent: ET.Element, ns: str, entry: tuple[str, str, str], style: ClassStyle
) -> None:
    value, label, colour = entry
    rule = ET.SubElement(parent, _q(ns, "Rule"))
    ET.SubElement(rule, _q(ns, "Name")).text = (
        f"kelas_{value}" if value else "tidak_ada_data"
    )
    if ns == _SLD:
        ET.SubElement(rule, _q(ns, "Title")).text = label
    else:
        description = ET.SubElement(rule, _q(ns, "Description"))
        ET.SubElement(description, _q(ns, "Title")).text = label
    _filter(rule, style.field, value)
    _symbolizer(rule, ns, colour, style.outline_colour)


def sld_style(
    style: ClassStyle, /, *, layer: str, title: str = "", version: SldVersion = "1.0.0"
) -> str:
    """Return an OGC Styled Layer Descriptor for GeoServer (SLD 1.0.0 or 1.1.0).

    Parameters
    ----------
    style : ClassStyle
    layer : str
        Name of the layer the style is for (``NamedLayer/Name``).
    title : str
        Title of the style.
    version : {"1.0.0", "1.1.0"}
        SLD 1.0.0 (``CssParameter``) or 1.1.0 (Symbology Encoding).

    Returns
    -------
    str
        The SLD document with an XML declaration.

    Examples
    --------
    >>> s = ClassStyle(("P1",), ("#980026",), "no data", "#bdbdbd", "#4d4d4d")
    >>> "<ogc:Literal>1</ogc:Literal>" in sld_style(s, layer="desa")
    True
    """
    if version not in ("1.0.0", "1.1.0"):
        raise ValueError(f"SLD version {version!r} is not 1.0.0 or 1.1.0.")
    ns = _SLD if version == "1.0.0" else _SE
    for prefix, uri in (("", _SLD), ("se", _SE), ("ogc", _OGC), ("xsi", _XSI)):
        ET.register_namespace(prefix, uri)
    ET.register_namespace("xlink", _XLINK)
    root = ET.Element(_q(_SLD, "StyledLayerDescriptor"), version=version)
    root.set(
        _q(_XSI, "schemaLocation"),
        f"{_SLD} http://schemas.opengis.net/sld/{version}/StyledLayerDescriptor.xsd",
    )
    named = ET.SubElement(root, _q(_SLD, "NamedLayer"))
    ET.SubElement(named, _q(ns, "Name")).text = layer
    user = ET.SubElement(named, _q(_SLD, "UserStyle"))
    ET.SubElement(user, _q(ns, "Name")).text = f"{layer}_prioritas"
    if version == "1.0.0" and title:
        ET.SubElement(user, _q(_SLD, "Title")).text = title
    elif title:
        ET.SubElement(
            ET.SubElement(user, _q(_SE, "Description")), _q(_SE, "Title")
        ).text = title
    fts = ET.SubElement(user, _q(ns, "FeatureTypeStyle"))
    for entry in style.entries():
        _rule(fts, ns, entry, style)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
