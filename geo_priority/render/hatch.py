"""The hatch of areas hidden by small-cell suppression, on the web map.

White with dark grey lines at 45 degrees (rising to the right), as the static
figure draws it (``render/_figure_analytics.HATCH_COLOUR``, not imported here:
that module loads matplotlib). No class ramp colour and no no-data grey can be
confused with it, since it is two colours at once. ``geo_priority.js`` fills a
hidden area with it as an SVG pattern (few areas) or a canvas pattern (many).

Examples
--------
>>> HATCH_COLOURS
('#ffffff', '#4d4d4d')
"""

from __future__ import annotations

__all__ = ["HATCH_COLOURS", "SUPPRESSED_SWATCH"]

#: (background, lines) of the hatch.
HATCH_COLOURS = ("#ffffff", "#4d4d4d")
#: The hatch as a CSS background, for the legend and table swatches.
SUPPRESSED_SWATCH = (
    f"repeating-linear-gradient(135deg, {HATCH_COLOURS[1]} 0 2px, "
    f"{HATCH_COLOURS[0]} 2px 6px)"
)
