"""The offline page: a folium map with the map data and the page's own code inlined.

:func:`build_map` builds it from :func:`~geo_priority.render.spec.map_spec`;
:func:`render_html` writes it. The page's libraries (folium, branca, jinja2)
are imported only here, when a map is made, so that what starts the map's
geometry (:mod:`geo_priority.render.ahead`) does not wait for them.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import folium
import geopandas as gpd
import xstatic.pkg.leaflet as xleaflet
from branca.element import Figure

from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.render.ahead import DisplayAhead
from geo_priority.render.i18n import check_lang, text
from geo_priority.render.raw import RawElement
from geo_priority.render.spec import (
    MapLevel,
    MapText,
    map_spec,
)


class OfflineMap(folium.Map):
    """A folium map that loads nothing from the network.

    folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are dropped;
    :func:`build_map` inlines Leaflet's JS and CSS instead.
    """

    default_js: list[tuple[str, str]] = []  # noqa: RUF012
    default_css: list[tuple[str, str]] = []  # noqa: RUF012


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


#: Fields of the page's data that hold base64 text: the packed rings and area
#: data (:mod:`geo_priority.render.packing`, 14 MB nationally).
BASE64_FIELDS = ("packed", "packed_props")


def _script_json(data: Any) -> str:
    r"""Serialise ``data`` for a <script> block.

    Every ``<`` is written as ``\u003c``, so no string from the input can end
    the script or open an HTML comment inside it. The base64 fields
    (:data:`BASE64_FIELDS`), which neither JSON nor the escaping changes, are
    put in as they are after the rest is written (the same text: json and
    the escaping passes went over their 14 MB nationally).
    """
    plain = {
        key: value
        for key, value in (data.items() if isinstance(data, dict) else ())
        if key in BASE64_FIELDS and isinstance(value, str) and _is_base64(value)
    }
    marks = {key: f"gp-{secrets.token_hex(16)}" for key in plain}
    raw = json.dumps(
        {key: marks.get(key, value) for key, value in data.items()} if plain else data,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    raw = (
        raw.replace("<", "\\u003c")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    for key, mark in marks.items():
        before, after = raw.split(f'"{mark}"')  # one each: a new random token
        raw = f'{before}"{plain[key]}"{after}'
    return raw


def _is_base64(text: str) -> bool:
    """Whether ``text`` needs no JSON or script escaping (base64's alphabet is so).

    Printable ASCII (no control character, which JSON escapes), without a
    quote, a backslash or ``<``.
    """
    return text.isascii() and text.isprintable() and not any(c in text for c in '"\\<')


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


def build_map(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    /,
    *,
    indicators: Sequence[IndicatorConfig] = (),
    texts: MapText,
    lang: str = "id",
    basemap: str | None = None,
    basemap_attribution: str | None = None,
    label: str = "",
    levels: Sequence[MapLevel] = (),
    threshold: int = 10,
    context: gpd.GeoDataFrame | None = None,
    display: DisplayAhead | None = None,
) -> folium.Map:
    """Build the offline priority map.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored and classified areas.
    classification : Classification
        Priority classes, labels and counts for the legend.
    indicators : sequence of IndicatorConfig
        Indicators shown as switchable layers and in the tooltip.
    texts : MapText
        Title, subtitle, sources and method note.
    lang : {"id", "en"}
    basemap : str, optional
        A tile provider (xyzservices name) or URL template drawn *under* the
        areas. Off by default; when the tiles cannot load (offline) the map is
        still complete, since areas, legend and table need no tiles.
    basemap_attribution : str, optional
        Credit for a URL-template basemap.
    label : str
        Name of this level in the level switch (e.g. "desa/kelurahan").
    levels : sequence of MapLevel
        Further administrative levels (e.g. kecamatan and kab/kota built from
        the same desa); the map then offers a level switch.
    threshold : int
        Small-cell suppression threshold shown for hidden values.
    context : geopandas.GeoDataFrame, optional
        Neighbouring areas (e.g. adjacent provinces) drawn faintly.
    display : DisplayAhead, optional
        The areas' display geometry computed ahead, in a thread (see
        :func:`~geo_priority.render.spec.map_spec`).

    Returns
    -------
    folium.Map
        Render it with ``m.get_root().render()``; without a basemap the page
        needs no network.

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
    m = OfflineMap(
        tiles=None, control_scale=False, zoom_snap=0.25, location=[0, 0], zoom_start=2
    )
    if basemap:
        folium.TileLayer(
            basemap, attr=basemap_attribution, name="basemap", control=False
        ).add_to(m)
    css, js = _own_assets()
    root = cast(Figure, m.get_root())  # a folium.Map's root is its Figure
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
    return m


def render_html(m: folium.Map) -> str:
    """Return the page's HTML."""
    return m.get_root().render()


__all__ = ["OfflineMap", "build_map", "leaflet_assets", "render_html"]
