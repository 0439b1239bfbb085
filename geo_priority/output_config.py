"""The ``[outputs]`` section: what a run writes, where, and for whom.

``audience`` is the publication tier: ``"publik"`` (the default: small cells
suppressed below 10, nothing restricted may be read) or ``"internal"`` (for a
pemda's own officials, who already hold the registry by name): a lower
``suppression_threshold`` is allowed, tables marked ``audience = internal``
may be read, and every output and page is marked TERBATAS
(:data:`RESTRICTED_MARK`).

Examples
--------
>>> OutputConfig().audience
'publik'
>>> OutputConfig(audience="internal", suppression_threshold=5).restricted
True
>>> OutputConfig(suppression_threshold=5)
Traceback (most recent call last):
...
geo_priority.errors.ConfigError: outputs.suppression_threshold = 5 ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from geo_priority.config_types import check_fields
from geo_priority.errors import ConfigError
from geo_priority.formats import DEFAULT_FORMATS, FormatName
from geo_priority.messages import tr, use_language
from geo_priority.schema import Level

__all__ = [
    "AUDIENCES",
    "AUDIENCE_COLUMN",
    "LANGS",
    "PUBLIC_MIN_THRESHOLD",
    "RESTRICTED_COLUMN",
    "Audience",
    "Lang",
    "OutputConfig",
    "restricted_mark",
]

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
#: Publication tier: ``publik`` (anyone may read it) or ``internal``.
Audience = Literal["publik", "internal"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
#: Smallest suppression threshold of a public output (Satu Data practice).
PUBLIC_MIN_THRESHOLD = 10
#: Column of a registry table saying which tier it was aggregated for
#: (``geo-priority aggregate --audience internal`` writes ``internal``).
AUDIENCE_COLUMN = "audience"
#: Column on every area of an internal run's layers and tables.
RESTRICTED_COLUMN = "terbatas"


def restricted_mark(lang: str) -> str:
    """Return the TERBATAS mark in ``lang`` (Indonesian for an unknown one).

    Examples
    --------
    >>> restricted_mark("en")
    'RESTRICTED — internal use only'
    """
    with use_language("en" if lang == "en" else "id"):
        return tr("RESTRICTED — internal use only")


@dataclass(frozen=True)
class OutputConfig:
    """What the run writes, where, and for whom."""

    dir: str = "maps"
    name: str = "priority"
    formats: tuple[FormatName, ...] = DEFAULT_FORMATS
    overwrite: bool = False
    lang: Lang = "id"
    #: Satu Data roles recorded in the metadata: produsen data and walidata.
    producer: str = ""
    walidata: str = ""
    #: CRS of exported GIS layers (e.g. "EPSG:23834"); None keeps the working CRS.
    dst_crs: str | None = None
    #: Pixel size in metres of the priority rasters (format "raster").
    raster_resolution: float = 100.0
    #: Optional tile basemap under the areas: an xyzservices provider name
    #: (e.g. "OpenStreetMap.Mapnik") or a URL template, which then needs
    #: basemap_attribution. The map stays complete when tiles fail (offline).
    basemap: str | None = None
    basemap_attribution: str | None = None
    #: Coarser levels offered by the map's level switch, re-aggregated from the
    #: areas (counts summed, rates re-derived from numerator and denominator).
    map_levels: tuple[Level, ...] = ()
    #: Smallest share (0-1) of a coarser area's children (or of their
    #: population) that must have a value before the area shows one; below it
    #: the value is withheld with a note. Default 0.8.
    level_min_coverage: float = 0.8
    #: Threshold the registry aggregates were suppressed at; the map writes
    #: "disembunyikan (< 10)" for a hidden value, never 0. Below 10 only with
    #: audience = "internal".
    suppression_threshold: int = PUBLIC_MIN_THRESHOLD
    #: Optional vector file of neighbouring areas (e.g. all kab/kota of
    #: Indonesia) drawn faintly around the map for orientation.
    context: str | None = None
    #: Publication tier: "publik" (default) or "internal" (marked TERBATAS).
    audience: Audience = "publik"

    def __post_init__(self) -> None:
        check_fields(self, "outputs.")
        if not 0 < self.level_min_coverage <= 1:
            raise ConfigError(
                tr(
                    "outputs.level_min_coverage = {value!r}; give a share above 0 and "
                    "at most 1 (e.g. 0.8 for 80 %).",
                    value=self.level_min_coverage,
                )
            )
        if self.raster_resolution <= 0:
            raise ConfigError(
                tr(
                    "outputs.raster_resolution = {raster_resolution!r}; give the pixel "
                    "size in metres, a number above 0 (e.g. 100).",
                    raster_resolution=self.raster_resolution,
                )
            )
        if self.basemap and "{" in self.basemap and not self.basemap_attribution:
            raise ConfigError(
                tr(
                    "outputs.basemap = {basemap!r} is a URL template; tile providers "
                    'require credit, so set basemap_attribution (e.g. "© OpenStreetMap '
                    'contributors").',
                    basemap=self.basemap,
                )
            )
        self._check_threshold()

    def _check_threshold(self) -> None:
        """Refuse a threshold below 1, or below 10 in a public output."""
        if self.suppression_threshold < 1:
            raise ConfigError(
                tr(
                    "outputs.suppression_threshold = {value!r}; give a whole number "
                    "of at least 1 (10 for a public output).",
                    value=self.suppression_threshold,
                )
            )
        if self.suppression_threshold < PUBLIC_MIN_THRESHOLD and not self.restricted:
            raise ConfigError(
                tr(
                    "outputs.suppression_threshold = {value!r} is below {minimum}, "
                    'which a public output (outputs.audience = "publik") may not '
                    "use. Set it to {minimum} or more, or set outputs.audience = "
                    '"internal" for a restricted output for the pemda\'s own '
                    "officials.",
                    value=self.suppression_threshold,
                    minimum=PUBLIC_MIN_THRESHOLD,
                )
            )

    @property
    def restricted(self) -> bool:
        """True for an internal run, whose outputs are all marked TERBATAS."""
        return self.audience == "internal"

    @property
    def mark(self) -> str:
        """The TERBATAS mark in the output language, ``""`` for a public run."""
        return restricted_mark(self.lang) if self.restricted else ""
