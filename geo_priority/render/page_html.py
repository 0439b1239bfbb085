"""The offline page without folium: the same HTML, for a map without a basemap.

:func:`build_page` makes the page that :func:`geo_priority.render.page.build_map`
makes when there is no basemap, to the byte (but for the random element ids
both draw), without importing folium: folium compiles about fifty jinja2
templates of its elements when it is imported, and with ``requests`` it
cost 0.12-0.18 CPU-s of a 2.3 CPU-s Banten run, for one element, the map,
whose HTML is fixed. :class:`PageMap` renders that element as folium renders
:class:`~geo_priority.render.page.OfflineMap` (``tiles=None``,
``zoom_snap=0.25``, ``location=[0, 0]``, ``zoom_start=2``); a test renders
both and compares them, so a folium release that changes its map's HTML
fails the test rather than the page. A basemap needs folium's tile layer
and keeps :func:`~geo_priority.render.page.build_map`.

Both pages are furnished by :func:`furnish` (title, Leaflet and the page's
own CSS and JavaScript inlined, header and footer, the map data).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import xstatic.pkg.leaflet as xleaflet
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.render.ahead import DisplayAhead
from geo_priority.render.i18n import check_lang, text
from geo_priority.render.raw import RawElement
from geo_priority.render.spec import MapLevel, MapText, map_spec

__all__ = ["PageMap", "build_page", "furnish", "leaflet_assets"]

#: folium 0.20's map element, rendered for the page's map: its header (size,
#: body styles, global switches), its div and its script, the map's name
#: left to jinja2. Lines as folium writes them, trailing spaces included.
_HEADER = (
    "",
    '            <meta name="viewport" content="width=device-width,',
    '                initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />',
    "            <style>",
    "                #{{ this.get_name() }} {",
    "                    position: relative;",
    "                    width: 100.0%;",
    "                    height: 100.0%;",
    "                    left: 0.0%;",
    "                    top: 0.0%;",
    "                }",
    "                .leaflet-container { font-size: 1rem; }",
    "            </style>",
    "",
    "            <style>html, body {",
    "                width: 100%;",
    "                height: 100%;",
    "                margin: 0;",
    "                padding: 0;",
    "            }",
    "            </style>",
    "",
    "            <style>#map {",
    "                position:absolute;",
    "                top:0;",
    "                bottom:0;",
    "                right:0;",
    "                left:0;",
    "                }",
    "            </style>",
    "",
    "            <script>",
    "                L_NO_TOUCH = false;",
    "                L_DISABLE_3D = false;",
    "            </script>",
    "",
    "        ",
)
_HTML = (
    "",
    '            <div class="folium-map" id="{{ this.get_name() }}" ></div>',
    "        ",
)
_SCRIPT = (
    "",
    "            var {{ this.get_name() }} = L.map(",
    '                "{{ this.get_name() }}",',
    "                {",
    "                    center: [0.0, 0.0],",
    "                    crs: L.CRS.EPSG3857,",
    "                    ...{",
    '  "zoom": 2,',
    '  "zoomControl": true,',
    '  "preferCanvas": false,',
    '  "zoomSnap": 0.25,',
    "}",
    "",
    "                }",
    "            );",
    "",
    "            ",
    "",
    "        ",
)


def _macro(name: str, lines: tuple[str, ...]) -> str:
    return f"{{% macro {name}(this, kwargs) %}}" + "\n".join(lines) + "{% endmacro %}"


class PageMap(MacroElement):
    """The page's Leaflet map, rendered as folium renders the page's map.

    A branca element in a :class:`~branca.element.Figure` of its own, named
    ``map_<32 hex digits>`` as folium names a map.
    """

    _template = Template(
        _macro("header", _HEADER) + _macro("html", _HTML) + _macro("script", _SCRIPT)
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Map"
        Figure().add_child(self)


@cache
def leaflet_assets() -> str:
    """Return Leaflet's CSS (images as data URIs) and JS as inline HTML."""
    folder = Path(xleaflet.BASE_DIR)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def _data_uri(match: re.Match[str]) -> str:
        data = base64.b64encode((folder / "images" / match.group(1)).read_bytes())
        return f"url(data:image/png;base64,{data.decode()})"

    css = re.sub(r"url\(images/([\w-]+\.png)\)", _data_uri, css)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    js = js.replace("//# sourceMappingURL=leaflet.js.map", "")
    return f"<style>{css}</style>\n<script>{js}</script>"


@cache
def _own_assets() -> tuple[str, str]:
    """Return the page's CSS and JavaScript (label placement, then the map)."""
    static = resources.files("geo_priority.render") / "static"
    scripts = (
        "geo_priority_labels.js",
        "geo_priority_search.js",
        "geo_priority_table.js",
        "geo_priority_canvas.js",
        "geo_priority.js",
    )
    return (
        (static / "geo_priority.css").read_text(encoding="utf-8"),
        "\n".join((static / name).read_text(encoding="utf-8") for name in scripts),
    )


def _script_json(data: Any) -> str:
    r"""Serialise ``data`` for a <script> block.

    Every ``<`` is written as ``\u003c``, so no string from the input can end
    the script or open an HTML comment inside it.
    """
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        raw.replace("<", "\\u003c")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _chrome_html(texts: MapText, lang: str) -> str:
    hidden = "" if texts.subtitle else " hidden"
    sub = f'<p id="gp-subtitle"{hidden}>{_escape(texts.subtitle)}</p>'
    warn = (
        f'<p class="gp-warning">{_escape(texts.warning)}</p>' if texts.warning else ""
    )
    cited = [_escape(re.split(r"\s+https?://", s)[0]) for s in texts.sources[:2]]
    more = len(texts.sources) - len(cited)
    if more > 0:
        cited.append(_escape(text("more_sources", lang).format(n=more)))
    sources = f"{text('sources', lang)}: " + "; ".join(cited) if cited else ""
    return (
        f'<header class="gp-header"><h1 id="gp-title">{_escape(texts.title)}</h1>'
        f"{sub}{warn}</header>"
        '<aside id="gp-panel"></aside>'
        f'<footer class="gp-footer"><span class="gp-sources">{sources}</span>'
        f'<span class="gp-stamp-short">{_escape(texts.method)}</span>'
        f'<button id="gp-method-button" class="gp-button" type="button">'
        f"{_escape(text('method_title', lang))}</button>"
        '<span id="gp-panel-toggle"></span></footer>'
        '<section id="gp-method" hidden></section>'
    )


def furnish(m: Element, spec: dict[str, Any], texts: MapText, lang: str) -> None:
    """Add the page's parts to the figure of map ``m``.

    The title, Leaflet, the page's CSS, header and footer, then its script
    with the map data ``spec`` (:func:`~geo_priority.render.spec.map_spec`).
    """
    css, js = _own_assets()
    root = cast(Figure, m.get_root())  # a map's root is its Figure
    root.header.add_child(
        RawElement(f"<title>{_escape(texts.title)}</title>"), name="gp_title"
    )
    root.header.add_child(RawElement(leaflet_assets()), name="leaflet_inline")
    root.header.add_child(RawElement(f"<style>{css}</style>"), name="gp_css")
    root.html.add_child(RawElement(_chrome_html(texts, lang)), name="gp_chrome")
    scale = (  # a schematic tile map has no distances to measure
        "  L.control.scale({position: 'bottomright', imperial: false}).addTo(map);\n"
        if spec["scale_bar"]
        else ""
    )
    start = (
        "document.addEventListener('DOMContentLoaded', function () {\n"
        f"  var map = window[{json.dumps(m.get_name())}];\n"
        f"{scale}"
        "  geoPriorityInit(map, gpData);\n});"
    )
    root.script.add_child(
        RawElement(f"{js}\nvar gpData = {_script_json(spec)};\n{start}"),
        name="gp_script",
    )


def build_page(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    /,
    *,
    indicators: Sequence[IndicatorConfig] = (),
    texts: MapText,
    lang: str = "id",
    label: str = "",
    levels: Sequence[MapLevel] = (),
    threshold: int = 10,
    context: gpd.GeoDataFrame | None = None,
    display: DisplayAhead | None = None,
) -> PageMap:
    """Build the offline priority map without a basemap, without folium.

    The page of :func:`geo_priority.render.page.build_map` without
    ``basemap``, to the byte but for the element ids; the parameters are
    its parameters.

    Returns
    -------
    PageMap
        Render it with ``m.get_root().render()``.

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"`` (``outputs.lang``).
    """
    lang = check_lang(lang)
    spec = map_spec(
        areas,
        classification,
        indicators=indicators,
        texts=texts,
        lang=lang,
        label=label,
        levels=levels,
        threshold=threshold,
        context=context,
        display=display,
    )
    m = PageMap()
    furnish(m, spec, texts, lang)
    return m
