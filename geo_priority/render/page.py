"""The offline page: a folium map with the map data and the page's own code inlined.

:func:`build_map` builds it from :func:`~geo_priority.render.spec.map_spec`;
:func:`render_html` writes it. The page's libraries (folium, branca, jinja2)
are imported only here and in :mod:`~geo_priority.render.page_html` (which
makes the same page without folium when there is no basemap), when a map
is made, so that what starts the map's geometry
(:mod:`geo_priority.render.ahead`) does not wait for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
from branca.element import Element

from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.render.ahead import DisplayAhead
from geo_priority.render.i18n import check_lang
from geo_priority.render.page_html import furnish, leaflet_assets
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
    furnish(m, spec, texts, lang)
    return m


def render_html(m: Element) -> str:
    """Return the page's HTML (of :func:`build_map` or of ``page_html.build_page``)."""
    return m.get_root().render()


__all__ = ["OfflineMap", "build_map", "leaflet_assets", "render_html"]
