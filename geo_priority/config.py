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
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

from geo_priority.config_keys import TOP_LEVEL, check_known_keys
from geo_priority.config_types import check_fields
from geo_priority.errors import ConfigError
from geo_priority.hotspots_config import HotspotConfig
from geo_priority.messages import tr
from geo_priority.official_rule_config import OfficialRuleConfig
from geo_priority.output_config import LANGS as LANGS
from geo_priority.output_config import Lang as Lang
from geo_priority.output_config import OutputConfig as OutputConfig
from geo_priority.progress_config import ProgressConfig
from geo_priority.robustness_config import RobustnessConfig, robustness_enabled
from geo_priority.schema import Level

Direction = Literal["higher_is_worse", "higher_is_better"]
Normalisation = Literal["minmax", "zscore", "rank", "target"]
Aggregation = Literal["arithmetic", "geometric"]
MissingPolicy = Literal["error", "drop", "impute", "reweight"]
ImputeMethod = Literal["median", "mean", "min", "max"]
Scheme = Literal[
    "quantiles", "fisher_jenks", "equal_interval", "user_defined", "prioritas"
]
#: Code system of a layer or table; ``auto`` detects it from the codes.
CodeSystemChoice = Literal["auto", "kemendagri", "bps"]
#: ``bps``: a table as BPS's dynamic-table export serves it (names under
#: province header rows, one column per year), read into the long layout.
Layout = Literal["auto", "long", "wide", "bps"]
#: The columns a BPS export is read into (``layout = "bps"``).
BPS_COLUMNS = {
    "code_column": "kode",
    "name_column": "nama",
    "parent_column": "provinsi",
    "indicator_column": "indicator",
    "year_column": "tahun",
    "value_column": "value",
}

DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
NORMALISATIONS: tuple[Normalisation, ...] = get_args(Normalisation)
AGGREGATIONS: tuple[Aggregation, ...] = get_args(Aggregation)
MISSING_POLICIES: tuple[MissingPolicy, ...] = get_args(MissingPolicy)
IMPUTE_METHODS: tuple[ImputeMethod, ...] = get_args(ImputeMethod)
SCHEMES: tuple[Scheme, ...] = get_args(Scheme)
#: Smallest and largest number of classes.
K_RANGE = (2, 12)


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
    code_system: CodeSystemChoice = "auto"
    crs: str | None = None
    level: Level | None = None
    dissolve_to: Level | None = None
    dissolve_name_column: str | None = None
    mirror: str | None = None

    def __post_init__(self) -> None:
        check_fields(self, "boundaries.")
        if self.path is not None and self.source is not None:
            raise _boundaries_error(self.path, self.source)

    @property
    def in_memory(self) -> bool:
        """True when neither a file nor a registry id is given (frames in memory)."""
        return self.path is None and self.source is None


def _boundaries_error(path: str | None, source: str | None) -> ConfigError:
    return ConfigError(
        tr(
            "[boundaries] needs exactly one of 'path' (a vector file) or "
            "'source' (a registry id); got path={path!r}, source={source!r}.",
            path=path,
            source=source,
        )
    )


#: The long-layout column names a table has unless it sets them.
_DEFAULT_COLUMNS = {
    "indicator_column": "indicator",
    "year_column": "tahun",
    "value_column": "value",
}


@dataclass(frozen=True)
class TableConfig:
    """One indicator table (CSV, XLSX or Parquet), long or wide.

    Long tables have one row per (area, indicator, year) in the columns named by
    ``indicator_column``, ``year_column`` and ``value_column``; wide tables have
    one column per indicator.
    """

    path: str | None = None
    label: str = ""
    sheet: str | int | None = None
    layout: Layout = "auto"
    code_column: str | None = None
    name_column: str | None = None
    code_system: CodeSystemChoice = "auto"
    parent: str | None = None
    level: Level | None = None
    indicator_column: str = "indicator"
    year_column: str = "tahun"
    value_column: str = "value"
    crosswalk: str | None = None
    crosswalk_from: str | None = None
    crosswalk_to: str | None = None
    #: Column of the crosswalk with the share of a source area that goes to each
    #: target area, for a source split into several (one-to-many).
    crosswalk_weight: str | None = None
    #: Column with the province (name or code) of each row, for name matching
    #: in a national table (beside or instead of the fixed ``parent``).
    parent_column: str | None = None
    #: Doubtful matches whose values are accepted, by the row's code or name.
    accept_doubtful: tuple[str, ...] = ()
    #: Accept every doubtful match of this table (recorded in the run record
    #: and the map's method note).
    accept_all_doubtful: bool = False

    def __post_init__(self) -> None:
        check_fields(self, "tables.")
        if self.layout == "bps":  # the columns the BPS reader makes, unless set
            for key, column in BPS_COLUMNS.items():
                if getattr(self, key) in (None, _DEFAULT_COLUMNS.get(key)):
                    object.__setattr__(self, key, column)
        if self.code_column is None and self.name_column is None:
            raise ConfigError(
                tr(
                    "table {value!r} needs 'code_column' or 'name_column' to be joined "
                    "to the areas. Set at least one of them.",
                    value=self.path or self.label,
                )
            )
        if not self.label and self.path is None:
            raise ConfigError(
                tr(
                    "a table given in memory needs a label (tables.label) so that its "
                    'frame can be found; add label = "...".'
                )
            )
        if not self.label:
            object.__setattr__(self, "label", Path(str(self.path)).stem)


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
    direction: Direction = "higher_is_worse"
    weight: float = 1.0
    normalisation: Normalisation = "minmax"
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
    #: The plausible range of the values, ``[low, high]``; percentages
    #: (``unit = "%"``) default to ``[0, 100]``. A value outside is an error.
    valid_range: tuple[float, ...] = ()
    #: Decimals shown on the map, in the tables and the figure; by default 0
    #: for counts (``jiwa``, ``KK``, ``orang`` ...) and 2 otherwise (see
    #: :func:`geo_priority.formatting.indicator_decimals`).
    decimals: int | None = None

    def __post_init__(self) -> None:
        check_fields(self, f"[[scoring.indicators]] {self.key!r}: ")
        if self.decimals is not None and not 0 <= self.decimals <= 6:
            raise ConfigError(
                tr(
                    "[[scoring.indicators]] {key!r}: decimals = {decimals!r}; use a "
                    "whole number from 0 to 6.",
                    key=self.key,
                    decimals=self.decimals,
                )
            )
        if not self.source:
            object.__setattr__(self, "source", self.key)
        if self.weight < 0:
            raise ConfigError(
                tr(
                    "indicator {key!r} has weight {weight!r}; weights must be >= 0. "
                    "Use direction='higher_is_better' to invert an indicator.",
                    key=self.key,
                    weight=self.weight,
                )
            )
        if self.normalisation == "target" and self.target is None:
            raise ConfigError(
                tr(
                    "indicator {key!r} uses normalisation='target' but gives no "
                    "target. Add e.g. target = 0 (for 0 % extreme poverty).",
                    key=self.key,
                )
            )
        if self.valid_range and (
            len(self.valid_range) != 2 or self.valid_range[0] >= self.valid_range[1]
        ):
            raise ConfigError(
                tr(
                    "indicator {key!r}: valid_range must be [low, high] with low below "
                    "high; got {value!r}.",
                    key=self.key,
                    value=list(self.valid_range),
                )
            )
        if self.derive_from and len(self.derive_from) != 2:
            raise ConfigError(
                tr(
                    "indicator {key!r}: derive_from must name [rate, population]; got "
                    "{value!r}.",
                    key=self.key,
                    value=list(self.derive_from),
                )
            )

    @property
    def plausible_range(self) -> tuple[float, float] | None:
        """Return ``valid_range``, or ``(0, 100)`` for a percentage; else None."""
        if self.valid_range:
            return self.valid_range[0], self.valid_range[1]
        return (0.0, 100.0) if self.unit == "%" else None


@dataclass(frozen=True)
class ScoringConfig:
    """How indicators are combined into a 0-100 priority score."""

    preset: str | None = None
    year: int | None = None
    aggregation: Aggregation = "arithmetic"
    missing: MissingPolicy = "error"
    impute: ImputeMethod = "median"
    indicators: tuple[IndicatorConfig, ...] = ()
    preset_options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_fields(self, "scoring.")
        if not self.indicators and not self.preset:
            raise ConfigError(
                tr(
                    "[scoring] declares no indicators. Add [[scoring.indicators]] "
                    'entries or set preset = "kemiskinan-ekstrem".'
                )
            )
        scored = [i for i in self.indicators if i.score]
        if self.indicators and scored and sum(i.weight for i in scored) <= 0:
            raise ConfigError(
                tr(
                    "the weights of the scored indicators sum to 0; give at least one "
                    "indicator a positive weight."
                )
            )
        keys = [i.key for i in self.indicators]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ConfigError(
                tr(
                    "indicator keys must be unique; repeated: {dupes!r}.",
                    dupes=dupes,
                )
            )


@dataclass(frozen=True)
class ClassifyConfig:
    """How scores become priority classes (through mapclassify)."""

    scheme: Scheme = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        check_fields(self, "classify.")
        low, high = K_RANGE
        if not low <= self.k <= high:
            raise ConfigError(
                tr(
                    "classify.k = {k!r}; use a whole number from {low} to {high}.",
                    k=self.k,
                    low=low,
                    high=high,
                )
            )
        if self.scheme == "user_defined" and not self.breaks:
            raise ConfigError(
                tr(
                    "classify.scheme = 'user_defined' needs breaks, e.g. breaks = [20, "
                    "40, 60, 80] (upper bounds on the 0-100 score)."
                )
            )


@dataclass(frozen=True)
class Config:
    """A whole run: inputs, scoring, classification and outputs."""

    boundaries: BoundariesConfig
    tables: tuple[TableConfig, ...]
    scoring: ScoringConfig
    classify: ClassifyConfig = field(default_factory=ClassifyConfig)
    outputs: OutputConfig = field(default_factory=OutputConfig)
    robustness: RobustnessConfig = field(default_factory=RobustnessConfig)
    official_rule: OfficialRuleConfig = field(default_factory=OfficialRuleConfig)
    hotspots: HotspotConfig | None = None
    progress: ProgressConfig = field(default_factory=ProgressConfig)
    title: str = "Lokasi prioritas penanggulangan kemiskinan ekstrem"
    subtitle: str = ""
    base_dir: str = "."
    synthetic: bool = False

    def __post_init__(self) -> None:
        check_fields(self, "")
        reweight = self.scoring.missing == "reweight"
        if reweight and robustness_enabled(self.robustness, self.scoring.preset):
            # its scenarios score every area on all components: NaN ranks
            raise ConfigError(
                tr(
                    'scoring.missing = "reweight" cannot be combined with rank '
                    "robustness yet: its scenarios would rank areas scored from "
                    "fewer components wrongly. Set [robustness] enabled = false, "
                    'or scoring.missing = "drop" or "impute".'
                )
            )

    def resolve(self, path: str) -> Path:
        """Resolve ``path`` relative to the directory of the config file."""
        p = Path(path).expanduser()
        # normpath folds "examples/../maps" to "maps" (no symlinks are followed)
        return p if p.is_absolute() else Path(os.path.normpath(Path(self.base_dir) / p))

    def boundary_file(self) -> Path | None:
        """Return the local boundary file ``[boundaries]`` names, resolved, or None.

        None when the boundaries come from the registry (``boundaries.source``,
        fetched where they are read) or no file is named.
        """
        b = self.boundaries
        return None if b.source or b.path is None else self.resolve(b.path)


def _section(data: object, section: str) -> Mapping[str, Any]:
    """Return ``data`` if it is a TOML table, else say how ``[section]`` looks."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            tr(
                "[{section}] must be a section of keys and values, got {data!r}. "
                "Write it as a [{section}] header followed by key = value lines.",
                section=section,
                data=data,
            )
        )
    return data


def _sections(data: object, section: str) -> list[Mapping[str, Any]]:
    """Return the ``[[section]]`` entries (one table is taken as a list of one)."""
    if isinstance(data, Mapping):
        return [data]
    if not isinstance(data, list | tuple):
        raise ConfigError(
            tr(
                "{section} = {data!r} must be a list of [[{section}]] sections, each "
                "with its own key = value lines.",
                section=section,
                data=data,
            )
        )
    return [_section(item, section) for item in data]


def _build(cls: type, data: object, section: str) -> Any:
    """Instantiate dataclass ``cls`` from ``data``, rejecting unknown keys."""
    data = _section(data, section)
    known = {f.name for f in fields(cls)}
    if section == "top level":  # base_dir is the config file's folder, not a key
        check_known_keys(set(data) - {"base_dir"}, known - {"base_dir"}, TOP_LEVEL)
    else:
        check_known_keys(data, known, f"[{section}]")
    required = [
        f.name
        for f in fields(cls)
        if f.default is MISSING and f.default_factory is MISSING and f.name not in data
    ]
    if required:
        raise ConfigError(
            tr(
                "[{section}] is incomplete: {keys} missing. Add {example} = ... to "
                "the [{section}] section.",
                section=section,
                keys=", ".join(required),
                example=required[0],
            )
        )
    return cls(**data)


def config_from_dict(
    data: Mapping[str, Any], *, base_dir: str = ".", in_memory: bool = False
) -> Config:
    """Build a validated :class:`Config` from a parsed TOML mapping.

    Parameters
    ----------
    data : Mapping
        The parsed TOML document.
    base_dir : str
        Directory against which relative input paths are resolved.
    in_memory : bool, default False
        The boundaries and tables will be given as frames
        (:func:`geo_priority.analyse`), so ``[boundaries]`` needs no ``path``
        or ``source`` and each table needs a ``label`` instead of a ``path``.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        When a section is missing, a key is unknown or a value is invalid.
    """
    data = dict(_section(data, "top level"))
    for required in ("boundaries", "scoring"):
        if required not in data:
            raise ConfigError(
                tr(
                    "the config has no [{required}] section; add one.",
                    required=required,
                )
            )
    scoring = dict(_section(data.pop("scoring"), "scoring"))
    scoring["indicators"] = tuple(
        _build(IndicatorConfig, i, "scoring.indicators")
        for i in _sections(scoring.get("indicators", []), "scoring.indicators")
    )
    top = {
        "boundaries": _build(BoundariesConfig, data.pop("boundaries"), "boundaries"),
        "tables": tuple(
            _build(TableConfig, t, "tables")
            for t in _sections(data.pop("tables", []), "tables")
        ),
        "scoring": _build(ScoringConfig, scoring, "scoring"),
        "classify": _build(ClassifyConfig, data.pop("classify", {}), "classify"),
        "outputs": _build(OutputConfig, data.pop("outputs", {}), "outputs"),
        "robustness": _build(
            RobustnessConfig, data.pop("robustness", {}), "robustness"
        ),
        "official_rule": _build(
            OfficialRuleConfig, data.pop("official_rule", {}), "official_rule"
        ),
        "hotspots": _hotspots(data),
        "progress": _build(ProgressConfig, data.pop("progress", {}), "progress"),
    }
    config: Config = _build(Config, {**data, **top, "base_dir": base_dir}, "top level")
    if not in_memory:
        _check_files_named(config)
    return config


def _hotspots(data: dict[str, Any]) -> HotspotConfig | None:
    """Return ``[hotspots]``: None without the section or with ``enabled = false``."""
    if "hotspots" not in data:
        return None
    built: HotspotConfig = _build(HotspotConfig, data.pop("hotspots"), "hotspots")
    return built if built.enabled else None


def _check_files_named(config: Config) -> None:
    """Refuse a config read from a file that names no boundary or table file."""
    b = config.boundaries
    if b.in_memory:
        raise _boundaries_error(b.path, b.source)
    for table in config.tables:
        if table.path is None:
            raise ConfigError(
                tr(
                    "table {label!r} has no path; give tables.path (the CSV, XLSX or "
                    "Parquet file).",
                    label=table.label,
                )
            )


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
    if not path.is_file():
        raise ConfigError(
            tr(
                "config file {path!r} not found. Check the path and the file name "
                "(a relative path starts in the working folder).",
                path=str(path),
            )
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(
            tr(
                "config file {path!r} is not UTF-8 text. Save it as UTF-8 in a text "
                "editor.",
                path=str(path),
            )
        ) from err
    except OSError as err:
        raise ConfigError(
            tr(
                "cannot read config file {path!r} (system error {errno}). Check that "
                "the file is readable.",
                path=str(path),
                errno=err.errno,
            )
        ) from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(_toml_error(path, text, err)) from err
    return config_from_dict(data, base_dir=str(path.resolve().parent))


def _toml_error(path: Path, text: str, err: tomllib.TOMLDecodeError) -> str:
    """Say where a config is not valid TOML: the line number and its text."""
    found = re.search(r"at line (\d+), column (\d+)", str(err))
    if not found:
        return tr(
            "config {path!r} is not valid TOML. Check quotes, brackets and that "
            'every setting is written key = value (text in "quotes").',
            path=str(path),
        )
    lineno = int(found.group(1))
    lines = text.splitlines()
    line = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    return tr(
        "config {path!r} is not valid TOML at line {line_number}, column {column}: "
        "{line!r}. Check quotes, brackets and that every setting is written "
        'key = value (text in "quotes").',
        path=str(path),
        line_number=lineno,
        column=int(found.group(2)),
        line=line,
    )


def with_outputs(config: Config, **changes: Any) -> Config:
    """Return ``config`` with fields of its ``outputs`` replaced (CLI overrides)."""
    changes = {k: v for k, v in changes.items() if v is not None}
    return replace(config, outputs=replace(config.outputs, **changes))


def with_boundaries(config: Config, **changes: Any) -> Config:
    """Return ``config`` with fields of its ``boundaries`` replaced (CLI overrides)."""
    changes = {k: v for k, v in changes.items() if v is not None}
    return replace(config, boundaries=replace(config.boundaries, **changes))
