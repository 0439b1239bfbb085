"""Read everything a run needs, as named in its config, into memory.

This is the *read* stage of the pipeline: :func:`load_inputs` reads the
boundary layer (a file or a registered, checksummed source), every indicator
table, the crosswalks the tables name and the optional neighbouring areas,
all through :mod:`geo_priority.io`, and returns them as plain frames in an
:class:`Inputs`. Nothing is harmonised or joined here:
:func:`geo_priority.analysis.analyse` does that, on the frames, so a notebook
user can give it frames of their own instead.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

# io imports its names on first use: the readers are imported here, so that a
# read started in a thread (BoundaryRead) starts reading, not importing
import geo_priority.io.table
import geo_priority.io.vector  # noqa: F401
from geo_priority import io
from geo_priority.config import Config, TableConfig
from geo_priority.errors import ConfigError
from geo_priority.messages import tr

__all__ = [
    "BoundaryRead",
    "Inputs",
    "load_inputs",
    "read_boundaries_ahead",
    "read_boundary_frame",
]


@dataclass(frozen=True)
class Inputs:
    """The frames a run reads, before any harmonisation.

    Attributes
    ----------
    boundaries : geopandas.GeoDataFrame
        The boundary layer as read (codes as text, CRS set, geometries valid).
    tables : dict of str to pandas.DataFrame
        Each indicator table, by its label (``tables.label``; default the file
        name without suffix).
    crosswalks : dict of str to pandas.DataFrame
        The crosswalk table of each indicator table that names one, by the
        indicator table's label.
    context : geopandas.GeoDataFrame or None
        Neighbouring areas drawn faintly on the map (``outputs.context``).
    files : tuple of Path
        The boundary and indicator files read, for the run record's sha256.
    """

    boundaries: gpd.GeoDataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    crosswalks: dict[str, pd.DataFrame] = field(default_factory=dict)
    context: gpd.GeoDataFrame | None = None
    files: tuple[Path, ...] = ()


def read_boundary_frame(
    config: Config, ahead: BoundaryRead | None = None
) -> tuple[gpd.GeoDataFrame, list[Path]]:
    """Read the boundary layer the config names (a file or a registry source).

    Parameters
    ----------
    config : Config
    ahead : BoundaryRead, optional
        The same layer being read already (:func:`read_boundaries_ahead`):
        its frame, or its error, is taken instead of reading again. A read
        started for other ``[boundaries]`` settings is not used.

    Returns
    -------
    frame : geopandas.GeoDataFrame
        The layer as read.
    files : list of Path
        The files read.

    Raises
    ------
    ConfigError
        When ``[boundaries]`` names neither ``path`` nor ``source``.
    """
    if ahead is not None and ahead.reads(config):
        return ahead.result()
    b = config.boundaries
    if b.source:
        mirror = config.resolve(b.mirror) if b.mirror else None
        from geo_priority.io import fetch  # a run from a local file needs no fetching

        paths = fetch.fetch_source(b.source, mirror=mirror)
        return fetch.read_source_files(b.source, paths), paths
    path = config.boundary_file()
    if path is None:
        raise ConfigError(
            tr(
                "[boundaries] names no file: set boundaries.path (a vector file) or "
                "boundaries.source (a registry id), or give the boundaries as a "
                "frame."
            )
        )
    return io.read_boundaries(path, layer=b.layer, crs=b.crs), [path]


class BoundaryRead:
    """A config's boundary layer being read in a thread, while other work goes on.

    Made by :func:`read_boundaries_ahead`; :func:`read_boundary_frame` (and
    so :func:`geo_priority.pipeline.run`, given it as ``boundaries``) takes
    its result. The thread runs :func:`read_boundary_frame` itself, so the
    frame, the files and any error are exactly those of reading it later.
    """

    def __init__(self, config: Config) -> None:
        self._what = (config.boundaries, config.base_dir)
        context = contextvars.copy_context()  # the language of the messages
        pool = ThreadPoolExecutor(1, thread_name_prefix="geo-priority-read")
        self._reading: Future[tuple[gpd.GeoDataFrame, list[Path]]] = pool.submit(
            context.run, read_boundary_frame, config
        )
        pool.shutdown(wait=False)  # the thread ends with the read

    def reads(self, config: Config) -> bool:
        """Whether this is the read of ``config``'s boundaries (same settings)."""
        return self._what == (config.boundaries, config.base_dir)

    def done(self) -> bool:
        """Whether the layer is read (or its reading failed)."""
        return self._reading.done()

    def result(self) -> tuple[gpd.GeoDataFrame, list[Path]]:
        """Wait for the layer; return it and the files read, or raise its error."""
        return self._reading.result()


def read_boundaries_ahead(config: Config) -> BoundaryRead | None:
    """Start reading the config's boundary file in a thread, if it names one.

    GDAL and Arrow read without holding Python's lock, so a command that
    starts the read before importing the rest of a run (the map's and the
    analysis's modules, about half a second) has the layer sooner:
    ``geo-priority run`` does. Only a local file is read ahead; a registry
    source (``boundaries.source``) is fetched and read where it is used.

    Parameters
    ----------
    config : Config

    Returns
    -------
    BoundaryRead or None
        None when ``[boundaries]`` names no local file (``path``).
    """
    return None if config.boundary_file() is None else BoundaryRead(config)


def _table_path(config: Config, spec: TableConfig) -> Path:
    if spec.path is None:
        raise ConfigError(
            tr(
                "table {label!r} names no file: set tables.path, or give the table "
                "as a frame.",
                label=spec.label,
            )
        )
    return config.resolve(spec.path)


def _read_table(config: Config, spec: TableConfig) -> pd.DataFrame:
    codes = [spec.code_column] if spec.code_column else []
    return io.read_table(
        _table_path(config, spec),
        sheet=spec.sheet,
        code_columns=codes,
        layout=spec.layout,
    )


def _read_crosswalk(config: Config, spec: TableConfig) -> pd.DataFrame:
    columns = [c for c in (spec.crosswalk_from, spec.crosswalk_to) if c]
    return io.read_table(config.resolve(str(spec.crosswalk)), code_columns=columns)


def read_context(config: Config) -> gpd.GeoDataFrame | None:
    """Read the neighbouring areas drawn faintly on the map, if one is written."""
    if not config.outputs.context or "html" not in config.outputs.formats:
        return None
    return io.read_boundaries(config.resolve(config.outputs.context))


def load_inputs(
    config: Config, *, boundaries: bool = True, ahead: BoundaryRead | None = None
) -> Inputs:
    """Read the boundaries, tables, crosswalks and context the config names.

    Parameters
    ----------
    config : Config
        A config read with :func:`geo_priority.load_config`.
    boundaries : bool, default True
        Read the boundary layer; False leaves an empty frame (the caller has
        prepared areas of its own, e.g. the demo's schematic map).
    ahead : BoundaryRead, optional
        The boundary layer being read already (:func:`read_boundaries_ahead`).

    Returns
    -------
    Inputs

    Raises
    ------
    InputError
        A file is missing, unreadable or in an unknown format.
    ConfigError
        The config names no boundary file or a table without a file.
    """
    frame, files = (
        read_boundary_frame(config, ahead) if boundaries else (gpd.GeoDataFrame(), [])
    )
    tables = {spec.label: _read_table(config, spec) for spec in config.tables}
    files += [_table_path(config, spec) for spec in config.tables]
    crosswalks = {
        spec.label: _read_crosswalk(config, spec)
        for spec in config.tables
        if spec.crosswalk
    }
    return Inputs(frame, tables, crosswalks, read_context(config), tuple(files))
