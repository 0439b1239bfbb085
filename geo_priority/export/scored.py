"""The scored layer: what every GIS export is made from, and read back from.

:class:`ScoredLayer` carries the scored areas with their classes, labels,
indicators and metadata; :func:`from_analysis` makes it from an
:class:`~geo_priority.analysis.Analysis` and :func:`read_scored` reads it back
from a GeoPackage written by ``geo-priority run``/``demo``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_priority import metadata as md
from geo_priority.analysis import Analysis, ranked_table
from geo_priority.analytics_stage import analytics_columns
from geo_priority.classify import Classification
from geo_priority.config import IndicatorConfig
from geo_priority.errors import ConfigError
from geo_priority.export import layers, styles
from geo_priority.geometry import DISPLAY_TOLERANCE
from geo_priority.io import (
    read_boundaries,
)
from geo_priority.io.layers import read_gpkg_table, read_stored_metadata
from geo_priority.messages import tr
from geo_priority.official_rule import OFFICIAL_PRIORITY
from geo_priority.ranked import ranked_rows
from geo_priority.render import NO_DATA_COLOUR, OUTLINE_COLOUR, class_colours
from geo_priority.render.i18n import text
from geo_priority.render.texts import analysis_metadata, level_label, map_texts
from geo_priority.robustness import RANK_HIGH, RANK_LOW, RANK_MEDIAN, ROBUSTNESS_COLUMNS
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


@dataclass(frozen=True)
class ScoredLayer:
    """A scored, classified layer with everything its exports need.

    Attributes
    ----------
    areas : geopandas.GeoDataFrame
        Scored areas (``area_id``, ``area_name``, ``priority_*``, indicators).
    classification : Classification
        Classes, bins and labels (as on the HTML map).
    name : str
        Layer and file name.
    indicators : tuple of IndicatorConfig
        Labels, units and years of the indicator columns.
    lang : {"id", "en"}
    ranked : pandas.DataFrame, optional
        Ranked table; default built from ``areas``.
    join_report : pandas.DataFrame, optional
        Join report entries.
    metadata : dict
        From :func:`geo_priority.metadata.build_metadata`.
    dst_crs : str, optional
        Reproject exported layers to this CRS.
    raster_resolution : float
        Pixel size of the priority rasters (metres).
    sld_version : {"1.0.0", "1.1.0"}
    key_sources : dict
        Canonical column -> the boundary column it was made from (e.g.
        ``{"area_id": "kode", "area_name": "nama"}``); the GIS layers leave
        those boundary columns out instead of repeating them.
    levels : tuple of ScoredLayer
        The same analysis at the coarser levels of ``outputs.map_levels``,
        each named ``<name>_<level>`` with its own classes, style and
        metadata; every export writes them next to this layer (the
        GeoPackage as more layers).
    """

    areas: gpd.GeoDataFrame
    classification: Classification
    name: str
    indicators: tuple[IndicatorConfig, ...] = ()
    lang: str = "id"
    ranked: pd.DataFrame | None = None
    join_report: pd.DataFrame | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    dst_crs: str | None = None
    raster_resolution: float = 100.0
    sld_version: styles.SldVersion = "1.0.0"
    key_sources: dict[str, str] = field(default_factory=dict)
    levels: tuple[ScoredLayer, ...] = ()

    @property
    def level(self) -> str:
        """The layer's administrative level (``""`` when unknown)."""
        return str(self.areas.attrs.get("level") or "")

    @property
    def colours(self) -> list[str]:
        """Class colours, class 1 first (as on the HTML map)."""
        return class_colours(self.classification.k)

    def class_style(
        self, renames: Mapping[str, str] | None = None
    ) -> styles.ClassStyle:
        """Return the style of the classes, labelled by name, with field aliases.

        Parameters
        ----------
        renames : Mapping, optional
            Full column name -> stored field name (a Shapefile's DBF names);
            the style then refers to the stored names.
        """
        stored = renames or {}
        columns = [str(c) for c in self.areas.columns if c != self.areas.geometry.name]
        return styles.ClassStyle(
            tuple(self.classification.labels),
            tuple(self.colours),
            text("no_data", self.lang),
            NO_DATA_COLOUR,
            OUTLINE_COLOUR,
            stored.get(CLASS, CLASS),
            stored.get(NAME, NAME) if NAME in columns else "",
            styles.field_aliases(
                columns, self.indicators, lang=self.lang, renames=renames
            ),
        )

    def ranked_table(self) -> pd.DataFrame:
        """Return the ranked table (highest priority first)."""
        if self.ranked is not None:
            return self.ranked
        areas = self.areas
        keys = [i.key for i in self.indicators]
        if not keys:  # unknown indicators: keep every other attribute
            core = {ID, NAME, PLACE, RANK, SCORE, CLASS, LABEL, areas.geometry.name}
            core |= {*ROBUSTNESS_COLUMNS, OFFICIAL_PRIORITY}
            core |= set(analytics_columns(areas.columns))
            keys = [
                c
                for c in areas.columns
                if c not in core and not str(c).startswith(CONTRIB_PREFIX)
            ]
        return ranked_rows(areas, keys)


# --- building a ScoredLayer ----------------------------------------------------


def from_analysis(
    analysis: Analysis, record: Mapping[str, Any], ranked: pd.DataFrame | None = None
) -> ScoredLayer:
    """Return the :class:`ScoredLayer` of an analysis.

    Parameters
    ----------
    analysis : geo_priority.analysis.Analysis
        A computed analysis.
    record : Mapping
        Its run record (:func:`geo_priority.metadata.run_record`).
    ranked : pandas.DataFrame, optional
        Its ranked table (:func:`geo_priority.analysis.ranked_table`).

    Returns
    -------
    ScoredLayer
    """
    outputs = analysis.config.outputs
    return ScoredLayer(
        areas=analysis.areas,
        classification=analysis.classification,
        name=outputs.name,
        indicators=tuple(analysis.indicators),
        lang=outputs.lang,
        ranked=ranked,
        join_report=analysis.report.entries,
        metadata=analysis_metadata(analysis, record),
        dst_crs=outputs.dst_crs,
        raster_resolution=outputs.raster_resolution,
        key_sources=_key_sources(record.get("config")),
        levels=tuple(_level_layer(lv, analysis, record) for lv in analysis.levels),
    )


def _level_layer(
    level: Analysis, base: Analysis, record: Mapping[str, Any]
) -> ScoredLayer:
    """Return the scored layer of a coarser level of ``base``, named by level.

    Raises
    ------
    ConfigError
        When the level's shapes were drawn for the map only (simplified, see
        :func:`geo_priority.harmonise.display_levels`): a GIS layer needs the
        exact shapes.
    """
    outputs = base.config.outputs
    if level.areas.attrs.get(DISPLAY_TOLERANCE):
        raise ConfigError(
            tr(
                "the {level} areas of this run were drawn for the map only "
                "(simplified), so they cannot be written as a GIS layer. Put a "
                'GIS format in outputs.formats (e.g. formats = ["html", '
                '"gpkg"]) and run again.',
                level=level.level,
            )
        )
    name = f"{outputs.name}_{level.level}"
    c = level.classification
    classes = md.classes_metadata(c, class_colours(c.k), NO_DATA_COLOUR)
    meta = md.build_metadata(record, level.areas, classes=classes, layer=name)
    texts = map_texts(level, record)
    title = texts.title if texts.title != meta.get("title") else ""
    meta["title"] = title or f"{meta.get('title', '')} — {level_label(level)}"
    meta["level_notes"] = list(level.notes)
    return ScoredLayer(
        areas=level.areas,
        classification=c,
        name=name,
        indicators=tuple(level.indicators),
        lang=outputs.lang,
        ranked=ranked_table(level),
        metadata=meta,
        dst_crs=outputs.dst_crs,
        raster_resolution=outputs.raster_resolution,
    )


def _key_sources(config: object) -> dict[str, str]:
    """Return canonical column -> the boundary column it was made from.

    ``config`` is a run's config as recorded (:func:`dataclasses.asdict`):
    ``boundaries.code_column`` made ``area_id``, ``boundaries.name_column``
    (when set) ``area_name``.
    """
    bounds = config.get("boundaries") if isinstance(config, Mapping) else None
    if not isinstance(bounds, Mapping):
        return {}
    pairs = ((ID, bounds.get("code_column")), (NAME, bounds.get("name_column")))
    return {key: col for key, col in pairs if isinstance(col, str) and col}


def _metadata_of(layer: ScoredLayer, record: Mapping[str, Any]) -> dict[str, Any]:
    classes = md.classes_metadata(layer.classification, layer.colours, NO_DATA_COLOUR)
    return md.build_metadata(record, layer.areas, classes=classes, layer=layer.name)


def _check_scored(areas: gpd.GeoDataFrame, source: Path) -> None:
    missing = [c for c in (ID, SCORE, CLASS) if c not in areas.columns]
    if missing:
        raise ConfigError(
            tr(
                "{name!r} is not a scored layer: it has no {missing!r} column(s). "
                "Export the .gpkg written by 'geo-priority run' or 'geo-priority "
                "demo', or give the run's TOML config instead.",
                name=source.name,
                missing=missing,
            )
        )


def _restore_types(areas: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    areas[ID] = areas[ID].astype("string")
    areas[CLASS] = pd.to_numeric(areas[CLASS]).round().astype("Int8")
    for rank in (RANK, RANK_MEDIAN, RANK_LOW, RANK_HIGH):
        if rank in areas.columns:
            areas[rank] = pd.to_numeric(areas[rank]).round().astype("Int64")
    if OFFICIAL_PRIORITY in areas.columns:
        areas[OFFICIAL_PRIORITY] = areas[OFFICIAL_PRIORITY].astype("boolean")
    areas.attrs["code_system"] = meta.get("reference_codes", {}).get("system")
    areas.attrs["level"] = meta.get("layer", {}).get("level")


def _stored_classification(areas: gpd.GeoDataFrame) -> Classification:
    """Rebuild the classes from the ``priority_class``/``priority_label`` columns."""
    classes = areas[CLASS]
    k = int(classes.max())
    labels = {}
    if LABEL in areas.columns:
        pairs = areas[[CLASS, LABEL]].dropna().drop_duplicates(CLASS)
        labels = dict(zip(pairs[CLASS].astype(int), pairs[LABEL], strict=True))
    scores = areas[SCORE]
    bins = tuple(float(scores[classes == c].max()) for c in range(k, 0, -1))
    return Classification(
        "stored",
        k,
        bins,
        float(scores[classes == k].min()),
        classes,
        tuple(str(labels.get(c, f"{c}")) for c in range(1, k + 1)),
        tuple(int((classes == c).sum()) for c in range(1, k + 1)),
    )


def _classification(areas: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> Classification:
    stored = meta.get("method", {}).get("classification")
    if not stored:
        return _stored_classification(areas)
    classes = areas[CLASS]
    k = int(stored["k"])
    return Classification(
        stored["scheme"],
        k,
        tuple(float(b) for b in stored["bins"]),
        float(stored["lower"]),
        classes,
        tuple(stored["labels"]),
        tuple(int((classes == c).sum()) for c in range(1, k + 1)),
    )


def _indicators(meta: Mapping[str, Any]) -> tuple[IndicatorConfig, ...]:
    known = {f.name for f in dataclasses.fields(IndicatorConfig)}
    out = []
    for item in meta.get("method", {}).get("indicators", []):
        data = {k: v for k, v in item.items() if k in known}
        for key in ("derive_from", "derive_years"):
            data[key] = tuple(data.get(key) or ())
        out.append(IndicatorConfig(**data))
    return tuple(out)


def _table(path: Path, name: str) -> pd.DataFrame | None:
    frame = read_gpkg_table(path, name)
    if frame is None:
        return None
    if ID in frame.columns:
        frame[ID] = frame[ID].astype("string")
    return pd.DataFrame(frame)


def read_scored(
    path: str | os.PathLike[str], /, *, layer: str | None = None
) -> ScoredLayer:
    """Read back a scored layer written by ``geo-priority run``/``demo``.

    Parameters
    ----------
    path : path-like
        The scored GeoPackage (any vector file with the scored columns works;
        without stored metadata the classes come from its columns).
    layer : str, optional
        Layer to read; default the layer named in the metadata, else the only
        spatial layer.

    Returns
    -------
    ScoredLayer

    Raises
    ------
    InputError
        Missing or unreadable file, or several spatial layers and no ``layer``.
    ConfigError
        The layer has no scored columns.
    """
    source = Path(path)
    meta = read_stored_metadata(source) or {}
    name = layer or meta.get("layer", {}).get("name")
    areas = read_boundaries(source, layer=name)
    _check_scored(areas, source)
    _restore_types(areas, meta)
    name = name or areas.attrs.get("layer") or source.stem
    result = ScoredLayer(
        areas=areas,
        classification=_classification(areas, meta),
        name=str(name),
        indicators=_indicators(meta),
        lang=str(meta.get("language") or "id"),
        ranked=_table(source, layers.RANKED_TABLE),
        join_report=_table(source, layers.REPORT_TABLE),
        key_sources=_key_sources(meta.get("method", {}).get("config")),
    )
    if not meta:
        meta = _metadata_of(result, {"config": {"title": result.name}})
    return replace(result, metadata=meta)
