"""Render scored areas as a self-contained, offline, interactive map.

The page is a folium map whose Leaflet JS/CSS are inlined from the
PyPI-packaged ``xstatic-leaflet`` (the same Leaflet 1.9.3 folium uses), so it
makes no request to the network. Areas are drawn on a plain background from
simplified, delta-encoded geometry (see :mod:`~geo_priority.render.display`).
Everything shown is built by :func:`~geo_priority.render.spec.map_spec` from
an allow-list of columns; the page inserts every string with ``textContent``,
so names from the input can never run as HTML.

The names below are imported from their modules when first used (PEP 562):
the map's geometry (:mod:`~geo_priority.render.ahead`) starts without
waiting for folium, branca and jinja2, which only :mod:`~geo_priority.render.page`
needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo_priority.render.page import (
        OfflineMap,
        build_map,
        leaflet_assets,
        render_html,
    )
    from geo_priority.render.spec import (
        CANVAS_THRESHOLD,
        LABELS_BY_DEFAULT,
        MAX_LABELS,
        NO_DATA_COLOUR,
        OUTLINE_COLOUR,
        SUPPRESSED_COLOUR,
        MapLayer,
        MapLevel,
        MapText,
        class_colours,
        indicator_label,
        map_layers,
        map_spec,
    )

__all__ = [
    "CANVAS_THRESHOLD",
    "LABELS_BY_DEFAULT",
    "MAX_LABELS",
    "NO_DATA_COLOUR",
    "OUTLINE_COLOUR",
    "SUPPRESSED_COLOUR",
    "MapLayer",
    "MapLevel",
    "MapText",
    "OfflineMap",
    "build_map",
    "class_colours",
    "indicator_label",
    "leaflet_assets",
    "map_layers",
    "map_spec",
    "render_html",
]

#: The names of :mod:`~geo_priority.render.page` (folium); the others are
#: :mod:`~geo_priority.render.spec`'s.
_FROM_PAGE = ("OfflineMap", "build_map", "leaflet_assets", "render_html")
#: The module each public name is taken from.
_HOMES = {name: "page" if name in _FROM_PAGE else "spec" for name in __all__}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (then keep it)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
