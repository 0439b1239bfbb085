"""QGIS (.qml) and OGC SLD (1.0.0 / 1.1.0) styles of the priority classes.

Both styles colour areas by their ``priority_class`` with exactly the colours
and labels of the HTML map (:func:`geo_priority.render.class_colours`, class 1
first) plus a grey "no data" entry, so the desktop map, the geoportal and the
meeting's web map cannot disagree. Classifying by the stored class (rather than
re-applying score breaks) also survives formats that round numbers, such as
Shapefile's DBF.

Both also label each area with its name (the same font size, colours and halo
in both formats, placed inside the polygon), and the QML gives every field a
readable alias (:func:`field_aliases`), so QGIS shows "Kontribusi: ..." instead
of a cut DBF name such as ``contrib__1``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from geo_priority.analytics_stage import analytics_names
from geo_priority.config import IndicatorConfig
from geo_priority.messages import tr
from geo_priority.official_rule import OFFICIAL_PRIORITY
from geo_priority.robustness import P_CLASS1, RANK_HIGH, RANK_LOW, RANK_MEDIAN
from geo_priority.schema import (
    CLASS,
    CONTRIB_PREFIX,
    ID,
    LABEL,
    NAME,
    PLACE,
    RANK,
    SCORE,
)

__all__ = ["ClassStyle", "field_aliases", "qml_style", "sld_style"]

SldVersion = Literal["1.0.0", "1.1.0"]
_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XLINK = "http://www.w3.org/1999/xlink"
#: Outline width in millimetres (QGIS) and pixels (SLD).
_OUTLINE_MM = 0.26
_OUTLINE_PX = 0.8
#: Area labels: 9 pt text (12 px at 96 dpi) with a 0.5 mm (2 px) white halo.
_LABEL_PT = 9
_LABEL_PX = 12
_HALO_MM = 0.5
_HALO_PX = 2
_LABEL_COLOUR = "#000000"
_HALO_COLOUR = "#ffffff"
#: Human names of the core fields (indicators are named by their labels).
_ALIASES: dict[str, dict[str, str]] = {
    "id": {
        ID: "Kode wilayah",
        NAME: "Nama wilayah",
        PLACE: "Letak",
        SCORE: "Skor prioritas (0–100)",
        RANK: "Peringkat prioritas",
        CLASS: "Kelas prioritas",
        LABEL: "Keterangan kelas",
        "imputed": "Indikator diimputasi",
        RANK_MEDIAN: "Peringkat median (skenario)",
        RANK_LOW: "Rentang peringkat: dari (persentil 5)",
        RANK_HIGH: "Rentang peringkat: sampai (persentil 95)",
        P_CLASS1: "Peluang masuk kelas 1 (0–1)",
        OFFICIAL_PRIORITY: "Terpilih menurut aturan resmi",
        "contrib": "Kontribusi",
    },
    "en": {
        ID: "Area code",
        NAME: "Area name",
        PLACE: "Location",
        SCORE: "Priority score (0–100)",
        RANK: "Priority rank",
        CLASS: "Priority class",
        LABEL: "Class label",
        "imputed": "Imputed indicators",
        RANK_MEDIAN: "Median rank (scenarios)",
        RANK_LOW: "Rank range: from (5th percentile)",
        RANK_HIGH: "Rank range: to (95th percentile)",
        P_CLASS1: "Chance of class 1 (0–1)",
        OFFICIAL_PRIORITY: "Selected by the official rule",
        "contrib": "Contribution",
    },
}


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
    label_field : str
        Attribute labelling each area (``area_name``; shortened in a
        Shapefile); empty for no labels.
    aliases : tuple of (str, str)
        ``(field, alias)`` of the layer's fields, in the layer's field order
        (see :func:`field_aliases`).
    """

    labels: tuple[str, ...]
    colours: tuple[str, ...]
    no_data_label: str
    no_data_colour: str
    outline_colour: str
    field: str = CLASS
    label_field: str = NAME
    aliases: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.colours):
            raise ValueError(
                tr(
                    "{n} labels but {m} colours; give one colour per class.",
                    n=len(self.labels),
                    m=len(self.colours),
                )
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


def _indicator_label(indicator: IndicatorConfig, lang: str) -> str:
    english = lang == "en" and indicator.label_en
    return (indicator.label_en if english else indicator.label) or indicator.key


def field_aliases(
    columns: Sequence[str],
    indicators: Sequence[IndicatorConfig] = (),
    /,
    *,
    lang: str = "id",
    renames: Mapping[str, str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """Return ``(field, alias)`` of every column with a human name.

    Parameters
    ----------
    columns : sequence of str
        The layer's attribute columns (full names), in order.
    indicators : sequence of IndicatorConfig
        Give the labels of the indicator and ``contrib_`` columns.
    lang : {"id", "en"}
        Language of the aliases.
    renames : Mapping, optional
        Full name -> field name as stored (a Shapefile's 10-character DBF
        names); the aliases then key on the stored names.

    Returns
    -------
    tuple of (str, str)
        One per column, in column order (the order QGIS numbers the fields
        in); a column without a known name gets an empty alias, as QGIS
        writes it, and shows its field name.

    Examples
    --------
    >>> x = IndicatorConfig(key="x", label="X")
    >>> field_aliases(["area_id", "contrib_x", "kode"], [x])
    (('area_id', 'Kode wilayah'), ('contrib_x', 'Kontribusi X'), ('kode', ''))
    """
    words = _ALIASES.get(lang, _ALIASES["id"])
    names = {key: words[key] for key in words if key != "contrib"}
    names.update(analytics_names(columns, lang))
    for ind in indicators:
        label = _indicator_label(ind, lang)
        names[ind.key] = label
        names[f"{CONTRIB_PREFIX}{ind.key}"] = f"{words['contrib']} {label}"
    stored = renames or {}
    return tuple((stored.get(c, c), names.get(c, "")) for c in columns)


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


def _qml_labeling(root: ET.Element, field: str) -> None:
    """Label each area with ``field``: 9 pt black on a white halo, inside."""
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    text_style = ET.SubElement(
        settings,
        "text-style",
        fieldName=field,
        isExpression="0",
        fontFamily="Sans Serif",
        fontSize=str(_LABEL_PT),
        fontSizeUnit="Point",
        fontWeight="50",
        textColor=_rgba(_LABEL_COLOUR),
        textOpacity="1",
    )
    ET.SubElement(
        text_style,
        "text-buffer",
        bufferDraw="1",
        bufferSize=str(_HALO_MM),
        bufferSizeUnits="MM",
        bufferColor=_rgba(_HALO_COLOUR),
        bufferOpacity="1",
        bufferNoFill="1",
        bufferJoinStyle="128",
    )
    ET.SubElement(settings, "text-format", autoWrapLength="18", multilineAlign="1")
    # placement 1 = "offset from centroid", the centroid moved inside the polygon
    ET.SubElement(settings, "placement", placement="1", centroidInside="1")
    ET.SubElement(settings, "rendering", obstacle="1", upsidedownLabels="0")


def _qml_aliases(root: ET.Element, aliases: Sequence[tuple[str, str]]) -> None:
    element = ET.SubElement(root, "aliases")
    for index, (field, alias) in enumerate(aliases):
        ET.SubElement(element, "alias", field=field, index=str(index), name=alias)


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
    root = ET.Element(
        "qgis",
        version="3.22.0",
        styleCategories="Symbology|Labeling|Fields",
        labelsEnabled="1" if style.label_field else "0",
    )
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
    if style.label_field:
        _qml_labeling(root, style.label_field)
    if style.aliases:
        _qml_aliases(root, style.aliases)
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


def _text_symbolizer(rule: ET.Element, ns: str, field: str) -> None:
    """Label with ``field``: 12 px (9 pt) black on a 2 px white halo, centred.

    Element order of the SLD 1.0 / SE 1.1 schema: Label, Font, LabelPlacement,
    Halo, Fill.
    """
    param = "CssParameter" if ns == _SLD else "SvgParameter"
    text = ET.SubElement(rule, _q(ns, "TextSymbolizer"))
    label = ET.SubElement(text, _q(ns, "Label"))
    ET.SubElement(label, _q(_OGC, "PropertyName")).text = field
    font = ET.SubElement(text, _q(ns, "Font"))
    ET.SubElement(font, _q(ns, param), name="font-family").text = "SansSerif"
    ET.SubElement(font, _q(ns, param), name="font-size").text = str(_LABEL_PX)
    placement = ET.SubElement(text, _q(ns, "LabelPlacement"))
    anchor = ET.SubElement(
        ET.SubElement(placement, _q(ns, "PointPlacement")), _q(ns, "AnchorPoint")
    )
    ET.SubElement(anchor, _q(ns, "AnchorPointX")).text = "0.5"
    ET.SubElement(anchor, _q(ns, "AnchorPointY")).text = "0.5"
    halo = ET.SubElement(text, _q(ns, "Halo"))
    ET.SubElement(halo, _q(ns, "Radius")).text = str(_HALO_PX)
    halo_fill = ET.SubElement(halo, _q(ns, "Fill"))
    ET.SubElement(halo_fill, _q(ns, param), name="fill").text = _HALO_COLOUR
    fill = ET.SubElement(text, _q(ns, "Fill"))
    ET.SubElement(fill, _q(ns, param), name="fill").text = _LABEL_COLOUR


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
    if style.label_field:  # in every rule: the rules together cover each area once
        _text_symbolizer(rule, ns, style.label_field)


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
        raise ValueError(
            tr("SLD version {version!r} is not 1.0.0 or 1.1.0.", version=version)
        )
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
