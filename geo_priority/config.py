"""Run configuration: TOML -> frozen dataclasses, validated once.

A configuration declares where the boundaries and indicator tables are, which
indicators make up the priority score (with direction, weight, normalisation
and the missing-value policy), how scores are classified and what is written.
See the README's "Config reference" for every key.

Examples
--------
>>> cfg = config_from_dict({
...     "boundaries": {"path": "kab.geojson", "code_column": "kode"},
...     "tables": [{"path": "figures.csv", "code_column": "kode"}],
...     "scoring": {"indicators": [{"key": "p0", "weight": 1}]},
... })
>>> cfg.scoring.indicators[0].direction
'higher_is_worse'
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from geo_priority.errors import ConfigError
from geo_priority.schema import LEVELS, Level

Direction = Literal["higher_is_worse", "higher_is_better"]
Normalisation = Literal["minmax", "zscore", "rank", "target"]
Aggregation = Literal["arithmetic", "geometric"]
MissingPolicy = Literal["error", "drop", "impute"]
ImputeMethod = Literal["median", "mean", "min", "max"]
Scheme = Literal[
    "quantiles", "fisher_jenks", "equal_interval", "user_defined", "prioritas"
]
Lang = Literal["id", "en"]

DIRECTIONS: tuple[str, ...] = ("higher_is_worse", "higher_is_better")
NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank", "target")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
MISSING_POLICIES: tuple[str, ...] = ("error", "drop", "impute")
IMPUTE_METHODS: tuple[str, ...] = ("median", "mean", "min", "max")
SCHEMES: tuple[str, ...] = (
    "quantiles",
    "fisher_jenks",
    "equal_interval",
    "user_defined",
    "prioritas",
)
LANGS: tuple[str, ...] = ("id", "en")
OUTPUT_FORMATS: tuple[str, ...] = (
    "html",
    "gpkg",
    "csv",
    "report",
    "json",
    # static figures (geo_priority.render.figure): 16:9 slide PNG and PDF
    "png",
    "pdf",
    # GIS exports (geo_priority.export): layers, styles, tables, rasters, metadata
    "shp",
    "geojson",
    "fgb",
    "table",
    "xlsx",
    "styles",
    "raster",
    "metadata",
)


def _choice(value: object, allowed: tuple[str, ...], key: str) -> str:
    """Return ``value`` normalised if it is one of ``allowed``, else raise."""
    text = str(value).strip().lower().replace("-", "_")
    aliases = {
        "natural_breaks": "fisher_jenks",
        "jenks": "fisher_jenks",
        "quantile": "quantiles",
        "min_max": "minmax",
        "z_score": "zscore",
        "priority": "prioritas",
        "equalinterval": "equal_interval",
    }
    text = aliases.get(text, text)
    if text not in allowed:
        raise ConfigError(
            f"{key} = {value!r} is not allowed. Choose one of: {', '.join(allowed)}."
        )
    return text


@dataclass(frozen=True)
class BoundariesConfig:
    """Where the area polygons come from and how their codes are read.

    Exactly one of ``path`` (a vector file) and ``source`` (an id of the
    boundary registry in ``boundaries/sources.toml``) is given.
    """

    path: str | None = None
    source: str | None = None
    layer: str | None = None
    code_column: str = "kode"
    name_column: str | None = None
    code_system: str = "auto"
    crs: str | None = None
    level: Level | None = None
    dissolve_to: Level | None = None
    dissolve_name_column: str | None = None
    mirror: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.source is None):
            raise ConfigError(
                "[boundaries] needs exactly one of 'path' (a vector file) or "
                f"'source' (a registry id); got path={self.path!r}, "
                f"source={self.source!r}."
            )
        _choice(
            self.code_system, ("auto", "kemendagri", "bps"), "boundaries.code_system"
        )
        for key in ("level", "dissolve_to"):
            value = getattr(self, key)
            if value is not None and value not in LEVELS:
                raise ConfigError(
                    f"boundaries.{key} = {value!r} is not a level. "
                    f"Choose one of: {', '.join(LEVELS)}."
                )


@dataclass(frozen=True)
class TableConfig:
    """One indicator table (CSV, XLSX or Parquet), long or wide.

    Long tables have one row per (area, indicator, year) in the columns named by
    ``indicator_column``, ``year_column`` and ``value_column``; wide tables have
    one column per indicator.
    """

    path: str
    label: str = ""
    sheet: str | int | None = None
    layout: str = "auto"
    code_column: str | None = None
    name_column: str | None = None
    code_system: str = "auto"
    parent: str | None = None
    level: Level | None = None
    indicator_column: str = "indicator"
    year_column: str = "tahun"
    value_column: str = "value"
    crosswalk: str | None = None
    crosswalk_from: str | None = None
    crosswalk_to: str | None = None

    def __post_init__(self) -> None:
        if self.code_column is None and self.name_column is None:
            raise ConfigError(
                f"table {self.path!r} needs 'code_column' or 'name_column' to be "
                "joined to the areas. Set at least one of them."
            )
        _choice(self.layout, ("auto", "long", "wide"), "tables.layout")
        _choice(self.code_system, ("auto", "kemendagri", "bps"), "tables.code_system")
        if not self.label:
            object.__setattr__(self, "label", Path(self.path).stem)


@dataclass(frozen=True)
class IndicatorConfig:
    """One indicator of the priority score.

    ``key`` names the output column. ``source`` is the column (wide table) or
    indicator name (long table) to read; it defaults to ``key``. For a rate that
    must be re-derived at a coarser level give ``numerator`` and ``denominator``
    (indicator keys or sources) and ``scale`` (100 for percent).
    ``derive_from`` = ``[rate, population]`` computes the value as
    rate x population / ``scale`` for areas where the source has no value.
    """

    key: str
    source: str = ""
    year: int | None = None
    direction: str = "higher_is_worse"
    weight: float = 1.0
    normalisation: str = "minmax"
    target: float | None = None
    label: str = ""
    label_en: str = ""
    unit: str = ""
    table: str | None = None
    optional: bool = False
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 100.0
    derive_from: tuple[str, ...] = ()
    derive_years: tuple[int | None, ...] = ()
    score: bool = True

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", self.key)
        for key, allowed in (
            ("direction", DIRECTIONS),
            ("normalisation", NORMALISATIONS),
        ):
            object.__setattr__(
                self,
                key,
                _choice(getattr(self, key), allowed, f"indicator {self.key!r} {key}"),
            )
        if self.weight < 0:
            raise ConfigError(
                f"indicator {self.key!r} has weight {self.weight!r}; weights must be "
                ">= 0. Use direction='higher_is_better' to invert an indicator."
            )
        if self.normalisation == "target" and self.target is None:
            raise ConfigError(
                f"indicator {self.key!r} uses normalisation='target' but gives no "
                "target. Add e.g. target = 0 (for 0 % extreme poverty)."
            )
        if self.derive_from and len(self.derive_from) != 2:
            raise ConfigError(
                f"indicator {self.key!r}: derive_from must name [rate, population]; "
                f"got {list(self.derive_from)!r}."
            )


@dataclass(frozen=True)
class ScoringConfig:
    """How indicators are combined into a 0-100 priority score."""

    preset: str | None = None
    year: int | None = None
    aggregation: str = "arithmetic"
    missing: str = "error"
    impute: str = "median"
    indicators: tuple[IndicatorConfig, ...] = ()
    preset_options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "aggregation",
            _choice(self.aggregation, AGGREGATIONS, "scoring.aggregation"),
        )
        object.__setattr__(
            self, "missing", _choice(self.missing, MISSING_POLICIES, "scoring.missing")
        )
        object.__setattr__(
            self, "impute", _choice(self.impute, IMPUTE_METHODS, "scoring.impute")
        )
        if not self.indicators and not self.preset:
            raise ConfigError(
                "[scoring] declares no indicators. Add [[scoring.indicators]] "
                'entries or set preset = "kemiskinan-ekstrem".'
            )
        scored = [i for i in self.indicators if i.score]
        if self.indicators and scored and sum(i.weight for i in scored) <= 0:
            raise ConfigError(
                "the weights of the scored indicators sum to 0; give at "
                "least one indicator a positive weight."
            )
        keys = [i.key for i in self.indicators]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ConfigError(f"indicator keys must be unique; repeated: {dupes!r}.")


@dataclass(frozen=True)
class ClassifyConfig:
    """How scores become priority classes (through mapclassify)."""

    scheme: str = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "scheme", _choice(self.scheme, SCHEMES, "classify.scheme")
        )
        if not 2 <= self.k <= 12:
            raise ConfigError(f"classify.k = {self.k!r}; use a number from 2 to 12.")
        if self.scheme == "user_defined" and not self.breaks:
            raise ConfigError(
                "classify.scheme = 'user_defined' needs breaks, e.g. "
                "breaks = [20, 40, 60, 80] (upper bounds on the 0-100 score)."
            )


@dataclass(frozen=True)
class OutputConfig:
    """What the run writes and where."""

    dir: str = "maps"
    name: str = "priority"
    formats: tuple[str, ...] = ("html", "gpkg", "csv", "report", "json")
    overwrite: bool = False
    lang: str = "id"
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
    map_levels: tuple[str, ...] = ()
    #: Threshold the registry aggregates were suppressed at; the map writes
    #: "disembunyikan (< 10)" for a hidden value, never 0.
    suppression_threshold: int = 10
    #: Optional vector file of neighbouring areas (e.g. all kab/kota of
    #: Indonesia) drawn faintly around the map for orientation.
    context: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", _choice(self.lang, LANGS, "outputs.lang"))
        for fmt in self.formats:
            _choice(fmt, OUTPUT_FORMATS, "outputs.formats")
        for level in self.map_levels:
            if level not in LEVELS:
                raise ConfigError(
                    f"outputs.map_levels contains {level!r}, not a level. Choose "
                    f"from: {', '.join(LEVELS)}."
                )
        if self.basemap and "{" in self.basemap and not self.basemap_attribution:
            raise ConfigError(
                f"outputs.basemap = {self.basemap!r} is a URL template; tile providers "
                "require credit, so set basemap_attribution (e.g. "
                '"© OpenStreetMap contributors").'
            )


@dataclass(frozen=True)
class Config:
    """A whole run: inputs, scoring, classification and outputs."""

    boundaries: BoundariesConfig
    tables: tuple[TableConfig, ...]
    scoring: ScoringConfig
    classify: ClassifyConfig = field(default_factory=ClassifyConfig)
    outputs: OutputConfig = field(default_factory=OutputConfig)
    title: str = "Lokasi prioritas penanggulangan kemiskinan ekstrem"
    subtitle: str = ""
    base_dir: str = "."
    synthetic: bool = False

    def resolve(self, path: str) -> Path:
        """Resolve ``path`` relative to the directory of the config file."""
        p = Path(path).expanduser()
        # normpath folds "examples/../maps" to "maps" (no symlinks are followed)
        return p if p.is_absolute() else Path(os.path.normpath(Path(self.base_dir) / p))


def _build(cls: type, data: Mapping[str, Any], section: str) -> Any:
    """Instantiate dataclass ``cls`` from ``data``, rejecting unknown keys."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [{section}]: {', '.join(map(repr, unknown))}. "
            f"Known keys: {', '.join(sorted(known))}."
        )
    try:
        return cls(**data)
    except TypeError as err:
        raise ConfigError(f"[{section}] is incomplete: {err}") from err


def _indicator(data: Mapping[str, Any]) -> IndicatorConfig:
    data = dict(data)
    for key in ("derive_from", "derive_years"):
        if key in data:
            data[key] = tuple(data[key])
    return _build(IndicatorConfig, data, "scoring.indicators")


def config_from_dict(data: Mapping[str, Any], *, base_dir: str = ".") -> Config:
    """Build a validated :class:`Config` from a parsed TOML mapping.

    Parameters
    ----------
    data : Mapping
        The parsed TOML document.
    base_dir : str
        Directory against which relative input paths are resolved.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        When a section is missing, a key is unknown or a value is invalid.
    """
    data = dict(data)
    for required in ("boundaries", "scoring"):
        if required not in data:
            raise ConfigError(f"the config has no [{required}] section; add one.")
    tables = data.pop("tables", [])
    if isinstance(tables, Mapping):
        tables = [tables]
    scoring = dict(data.pop("scoring"))
    scoring["indicators"] = tuple(_indicator(i) for i in scoring.get("indicators", []))
    top = {
        "boundaries": _build(BoundariesConfig, data.pop("boundaries"), "boundaries"),
        "tables": tuple(_build(TableConfig, t, "tables") for t in tables),
        "scoring": _build(ScoringConfig, scoring, "scoring"),
        "classify": _build(
            ClassifyConfig, _tuple_breaks(data.pop("classify", {})), "classify"
        ),
        "outputs": _build(
            OutputConfig, _tuple_formats(data.pop("outputs", {})), "outputs"
        ),
    }
    return _build(Config, {**data, **top, "base_dir": base_dir}, "top level")


def _tuple_breaks(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "breaks" in out:
        out["breaks"] = tuple(float(b) for b in out["breaks"])
    return out


def _tuple_formats(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in ("formats", "map_levels"):
        if key in out:
            out[key] = tuple(out[key])
    return out


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML configuration file.

    Parameters
    ----------
    path : str or Path
        The TOML file. Relative input paths inside it are resolved against the
        file's directory.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        When the file is missing, is not valid TOML or holds invalid values.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read config {str(path)!r}: {err.strerror}.") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            f"config {str(path)!r} is not valid TOML: {err}. Check quotes and brackets."
        ) from err
    return config_from_dict(data, base_dir=str(path.resolve().parent))


def with_outputs(config: Config, **changes: Any) -> Config:
    """Return ``config`` with fields of its ``outputs`` replaced (CLI overrides)."""
    changes = {k: v for k, v in changes.items() if v is not None}
    return replace(config, outputs=replace(config.outputs, **changes))


def with_boundaries(config: Config, **changes: Any) -> Config:
    """Return ``config`` with fields of its ``boundaries`` replaced (CLI overrides)."""
    changes = {k: v for k, v in changes.items() if v is not None}
    return replace(config, boundaries=replace(config.boundaries, **changes))
