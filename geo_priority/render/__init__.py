"""Render scored areas as an interactive folium choropleth.

The map shows priority classes with a legend, a title, and a tooltip per area
(name, code, score, rank, class and every indicator with its unit). Only an
allow-list of columns reaches the page, and every string is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import branca.colormap as cm
import folium
import geopandas as gpd
import pandas as pd
import xstatic.pkg.leaflet as xleaflet
from branca.element import Element

from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.render.i18n import format_value, text
from geo_priority.schema import CLASS, ID, NAME, RANK, SCORE

NO_DATA_COLOUR = "#bdbdbd"
OUTLINE_COLOUR = "#4d4d4d"


class OfflineMap(folium.Map):
    """A folium map that loads nothing from the network.

    folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are dropped;
    Leaflet's JS and CSS, from the PyPI-packaged ``xstatic-leaflet`` (the same
    Leaflet 1.9.3 folium uses), are inlined by :func:`build_map`.
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


@dataclass(frozen=True)
class MapText:
    """Title, subtitle and footer lines of a map."""

    title: str
    subtitle: str = ""
    sources: tuple[str, ...] = ()
    method: str = ""
    warning: str = ""


def class_colours(k: int) -> list[str]:
    """Return ``k`` colours for classes 1..k, class 1 the darkest red.

    Examples
    --------
    >>> class_colours(3)
    ['#980026', '#fd8d3c', '#fff1a9']
    """
    lin = cm.linear.YlOrRd_09
    stops = [0.1 + 0.85 * i / (k - 1) for i in range(k)] if k > 1 else [0.95]
    return [lin.rgb_hex_str(lin.vmin + (lin.vmax - lin.vmin) * t) for t in stops][::-1]


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def display_frame(
    areas: gpd.GeoDataFrame,
    indicators: Sequence[IndicatorConfig],
    classification: Classification,
    *,
    lang: str = "id",
) -> gpd.GeoDataFrame:
    """Build the allow-listed, formatted, escaped WGS84 frame shown on the map.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Scored and classified areas.
    indicators : sequence of IndicatorConfig
        Indicators to show in the tooltip, with labels and units.
    classification : Classification
        Supplies class labels.
    lang : {"id", "en"}

    Returns
    -------
    geopandas.GeoDataFrame
        Only display columns, every value a string, geometry in EPSG:4326.
    """
    src = areas[~(areas.geometry.isna() | areas.geometry.is_empty)].to_crs(4326)
    out = pd.DataFrame(index=src.index)
    out["name"] = src[NAME].fillna(src[ID]).map(_escape)
    out["code"] = src[ID].map(_escape)
    out["score"] = src[SCORE].map(
        lambda v: (
            format_value(round(v, 1), lang=lang)
            if pd.notna(v)
            else text("no_data", lang)
        )
    )
    n = int(src[RANK].notna().sum())
    out["rank"] = src[RANK].map(
        lambda r: (
            f"{int(r)} {text('of', lang)} {n}" if pd.notna(r) else text("no_data", lang)
        )
    )
    labels = dict(enumerate(classification.labels, start=1))
    out["klass"] = src[CLASS].map(
        lambda c: _escape(labels[int(c)]) if pd.notna(c) else text("no_data", lang)
    )
    out["cls"] = src[CLASS].fillna(0).astype(int)
    for i, ind in enumerate(indicators):
        year = f" {ind.year}" if ind.year else ""
        out[f"i{i}"] = (
            src[ind.key].map(lambda v, u=ind.unit: format_value(v, unit=u, lang=lang))
            if ind.key in src
            else text("no_data", lang)
        )
        out.attrs[f"i{i}"] = _escape(f"{_indicator_label(ind, lang)}{year}")
    return gpd.GeoDataFrame(out, geometry=src.geometry.values, crs=4326)


def _indicator_label(ind: IndicatorConfig, lang: str) -> str:
    if lang == "en" and ind.label_en:
        return ind.label_en
    return ind.label or ind.key


def _style(colours: list[str]) -> object:
    def style(feature: dict) -> dict:
        cls = feature["properties"]["cls"]
        return {
            "fillColor": colours[cls - 1] if cls else NO_DATA_COLOUR,
            "color": OUTLINE_COLOUR,
            "weight": 0.8,
            "fillOpacity": 0.85,
        }

    return style


def _legend_html(
    classification: Classification, colours: list[str], n_missing: int, lang: str
) -> str:
    rows = [
        f'<div class="gp-row"><span class="gp-swatch" style="background:{c}"></span>'
        f"{_escape(label)} <span class='gp-n'>({n})</span></div>"
        for c, label, n in zip(
            colours, classification.labels, classification.counts, strict=True
        )
    ]
    if n_missing:
        rows.append(
            f'<div class="gp-row"><span class="gp-swatch" style="background:'
            f'{NO_DATA_COLOUR}"></span>{text("no_data", lang)} '
            f"<span class='gp-n'>({n_missing})</span></div>"
        )
    return (
        '<div class="gp-legend"><div class="gp-legend-title">'
        f"{text('legend_title', lang)}</div>{''.join(rows)}"
        f'<div class="gp-note">{text("legend_note", lang)}</div></div>'
    )


_CSS = """
<style>
.gp-title{position:fixed;top:12px;left:60px;z-index:1000;background:rgba(255,255,255,.94);
 padding:10px 16px;border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.35);max-width:60%;
 font-family:Helvetica,Arial,sans-serif}
.gp-title h1{font-size:22px;margin:0 0 4px 0;color:#222}
.gp-title p{font-size:14px;margin:0;color:#444}
.gp-warning{color:#b30000 !important;font-weight:bold}
.gp-legend{position:fixed;bottom:24px;right:12px;z-index:1000;background:rgba(255,255,255,.94);
 padding:10px 14px;border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.35);
 font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:24px}
.gp-legend-title{font-weight:bold;margin-bottom:4px}
.gp-swatch{display:inline-block;width:22px;height:16px;margin-right:8px;vertical-align:middle;
 border:1px solid #555}
.gp-n{color:#666}
.gp-note{font-size:12px;color:#555;margin-top:4px}
.gp-footer{position:fixed;bottom:4px;left:110px;z-index:1000;font-size:11px;color:#333;
 background:rgba(255,255,255,.85);padding:2px 6px;border-radius:3px;max-width:70%;
 font-family:Helvetica,Arial,sans-serif}
.leaflet-tooltip table{font-size:14px}
.leaflet-container{background:#f4f6f8}
</style>
"""


def _title_html(texts: MapText) -> str:
    sub = f"<p>{_escape(texts.subtitle)}</p>" if texts.subtitle else ""
    warn = (
        f'<p class="gp-warning">{_escape(texts.warning)}</p>' if texts.warning else ""
    )
    return f'<div class="gp-title"><h1>{_escape(texts.title)}</h1>{sub}{warn}</div>'


def _footer_html(texts: MapText, lang: str) -> str:
    parts = []
    if texts.sources:
        cited = [_escape(re.split(r"\s+https?://", s)[0]) for s in texts.sources[:3]]
        if len(texts.sources) > 3:
            cited.append(text("more_sources", lang).format(n=len(texts.sources) - 3))
        parts.append(f"{text('sources', lang)}: " + "; ".join(cited))
    if texts.method:
        parts.append(f"{text('method', lang)}: {_escape(texts.method)}")
    return f'<div class="gp-footer">{"<br>".join(parts)}</div>' if parts else ""


def build_map(
    areas: gpd.GeoDataFrame,
    classification: Classification,
    /,
    *,
    indicators: Sequence[IndicatorConfig] = (),
    texts: MapText,
    lang: str = "id",
    tiles: str | None = None,
) -> folium.Map:
    """Build a classified choropleth of priority scores.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas with ``area_id``, ``area_name``, ``priority_score``,
        ``priority_rank`` and ``priority_class``.
    classification : Classification
        Classes, labels and counts for the legend.
    indicators : sequence of IndicatorConfig
        Indicators listed in the tooltip.
    texts : MapText
        Title, subtitle, sources, method note.
    lang : {"id", "en"}
    tiles : str, optional
        A folium tile provider; ``None`` (default) draws areas on a plain
        background, which also works offline.

    Returns
    -------
    folium.Map
    """
    shown = display_frame(areas, indicators, classification, lang=lang)
    colours = class_colours(classification.k)
    m = OfflineMap(
        tiles=tiles, control_scale=True, prefer_canvas=len(shown) > 500, zoom_snap=0.25
    )
    fields = ["name", "code", "score", "rank", "klass"] + [
        c for c in shown.columns if c.startswith("i") and c[1:].isdigit()
    ]
    aliases = [text(k, lang) for k in ("name", "code", "score", "rank", "class")] + [
        shown.attrs[c] for c in fields[5:]
    ]
    folium.GeoJson(
        shown,
        name=text("legend_title", lang),
        style_function=_style(colours),
        highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
    ).add_to(m)
    n_missing = int((shown["cls"] == 0).sum())
    root = m.get_root()
    root.header.add_child(Element(leaflet_assets()), name="leaflet_inline")
    root.header.add_child(Element(_CSS))
    root.html.add_child(Element(_title_html(texts)))
    root.html.add_child(Element(_legend_html(classification, colours, n_missing, lang)))
    root.html.add_child(Element(_footer_html(texts, lang)))
    minx, miny, maxx, maxy = shown.total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(20, 20))
    return m


__all__ = ["MapText", "build_map", "class_colours", "display_frame"]
