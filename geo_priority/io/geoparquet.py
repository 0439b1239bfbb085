"""A GeoParquet layer's geometry decoded and checked, before pandas is needed.

The plain GeoParquet file (one WKB geometry column, as geopandas and GDAL
write it) is decoded a batch of rows at a time, each batch's validity
checked in two more threads (shapely works without Python's lock) while the
next batch is decoded. This needs only pyarrow and shapely, so a command can
start it as soon as it knows the file (:func:`decode_ahead`), while it
imports pandas and geopandas; :func:`geo_priority.io.vector.read_boundaries`
then takes the decoded batches (:func:`take`) and builds the frame that
``geopandas.read_parquet`` would. Any file that is not the plain case, or
that cannot be decoded here, is left to geopandas (``take`` returns None),
which reads it and says what is wrong with it.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import shapely

from geo_priority.display_draft import draft_ahead
from geo_priority.display_shapes import WORKERS, is_valid

if TYPE_CHECKING:
    from geo_priority.config import Config

__all__ = [
    "GEOPARQUET_BATCH",
    "DecodedParquet",
    "decode",
    "decode_ahead",
    "decode_boundaries_ahead",
    "take",
    "wkb_column",
]

#: Rows decoded at a time.
GEOPARQUET_BATCH = 8192


@dataclass(frozen=True)
class DecodedParquet:
    """A plain GeoParquet file decoded (:func:`decode`).

    ``schema``: the file's Arrow schema (with its pandas and geo metadata);
    ``name`` and ``crs``: the geometry column and its CRS as
    ``geopandas.read_parquet`` takes it; ``geometries``: the decoded shapely
    geometries in file order; ``valid``: ``shapely.is_valid`` of each;
    ``rest``: the other columns, batch by batch.
    """

    schema: pa.Schema
    name: str
    crs: object
    geometries: np.ndarray
    valid: np.ndarray
    rest: list[pa.RecordBatch]


def decode(path: str | os.PathLike[str]) -> DecodedParquet | None:
    """Decode a plain GeoParquet file and check its geometries' validity.

    None for any other file (another geometry encoding, several geometry
    columns, a bbox covering, stored ``attrs``, no rows: geopandas reads
    those). Errors of the file itself (not Parquet, truncated, bad WKB) are
    raised, as pyarrow or shapely raise them.
    """
    import pyarrow.parquet as pq  # 15-20 ms of a run whose boundaries are not Parquet

    file = pq.ParquetFile(path)
    found = wkb_column(file.schema_arrow.metadata)
    if found is None or file.metadata.num_rows == 0:
        return None
    name, crs = found
    decoded: list[np.ndarray] = []
    rest: list[pa.RecordBatch] = []
    with ThreadPoolExecutor(
        WORKERS, thread_name_prefix="geo-priority-validity"
    ) as pool:
        checks = []
        for batch in file.iter_batches(batch_size=GEOPARQUET_BATCH):
            wkb = batch.column(name).to_numpy(zero_copy_only=False)
            decoded.append(np.asarray(shapely.from_wkb(wkb), dtype=object))
            checks.append(pool.submit(is_valid, decoded[-1]))
            rest.append(batch.drop_columns([name]))
        valid = np.concatenate([check.result() for check in checks])
    geometries = np.concatenate(decoded)
    return DecodedParquet(file.schema_arrow, name, crs, geometries, valid, rest)


def wkb_column(metadata: dict[bytes, bytes] | None) -> tuple[str, object] | None:
    """Return the one WKB geometry column of GeoParquet ``metadata`` and its CRS.

    The CRS as ``geopandas.read_parquet`` takes it (a missing one is
    OGC:CRS84, per the GeoParquet specification; the ids of datum ensemble
    members dropped, which older PROJ versions do not know); None when the
    file is not the plain case :func:`decode` reads.

    Examples
    --------
    >>> geo = {"primary_column": "geometry",
    ...        "columns": {"geometry": {"encoding": "WKB"}}}
    >>> wkb_column({b"geo": json.dumps(geo).encode()})
    ('geometry', 'OGC:CRS84')
    >>> geo["columns"]["geometry"]["encoding"] = "polygon"
    >>> wkb_column({b"geo": json.dumps(geo).encode()}) is None
    True
    """
    if not metadata or b"geo" not in metadata or b"PANDAS_ATTRS" in metadata:
        return None
    try:
        geo = json.loads(metadata[b"geo"])
        (name, column), *more = geo["columns"].items()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if more or geo.get("primary_column") != name or not isinstance(column, dict):
        return None
    if column.get("encoding") != "WKB" or "covering" in column:
        return None
    crs = column.get("crs", "OGC:CRS84")
    if isinstance(crs, dict):
        _without_member_ids(crs)
    return name, crs


def _without_member_ids(projjson: dict[str, object]) -> None:
    """Drop the ids of datum ensemble members from a PROJJSON CRS, as geopandas does."""
    for key, value in projjson.items():
        if isinstance(value, dict):
            _without_member_ids(value)
        elif key == "members" and isinstance(value, list):
            for member in value:
                if isinstance(member, dict):
                    member.pop("id", None)


#: The decoding started by :func:`decode_ahead`, by file (path, size and
#: modification time), until :func:`take` takes it.
_AHEAD: dict[tuple[str, int, int], Future[DecodedParquet | None]] = {}
_AHEAD_LOCK = threading.Lock()


def _key(path: str | os.PathLike[str]) -> tuple[str, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns


def decode_ahead(path: str | os.PathLike[str], *, draft: bool = False) -> None:
    """Start :func:`decode` of ``path`` in a thread, if it is a ``.parquet`` file.

    For a command that knows its boundary file before it imports the rest
    (``geo-priority run``): the decoding (Arrow and shapely, mostly without
    Python's lock) goes on while pandas and geopandas are imported.
    ``draft``: once decoded, the polygons are drafted for a level-of-detail
    map (:func:`geo_priority.geometry.draft_ahead`), while the areas are
    prepared.
    """
    key = _key(path)
    if key is None or Path(path).suffix.lower() != ".parquet":
        return
    pool = ThreadPoolExecutor(1, thread_name_prefix="geo-priority-decode")
    with _AHEAD_LOCK:
        _AHEAD.clear()  # one file ahead at a time
        _AHEAD[key] = pool.submit(_decoded_and_drafted if draft else decode, path)
    pool.shutdown(wait=False)  # the thread ends with the decoding


def _decoded_and_drafted(path: str | os.PathLike[str]) -> DecodedParquet | None:
    """Return :func:`decode` of ``path``, its polygons' drafting started."""
    decoded = decode(path)
    if decoded is not None:
        draft_ahead(decoded.geometries)
    return decoded


def decode_boundaries_ahead(config: Config) -> None:
    """Start :func:`decode_ahead` of the config's boundary file, if it names one.

    ``geo-priority run`` calls it as soon as it has read the config, before
    it imports pandas, geopandas and the reading stage;
    :func:`geo_priority.inputs.read_boundaries_ahead` then reads the layer
    with the geometry decoded here. The polygons are drafted too when the
    run draws a map with coarser levels (``outputs.map_levels``).
    """
    path = config.boundary_file()
    if path is not None:
        levels = bool(config.outputs.map_levels) and "html" in config.outputs.formats
        decode_ahead(path, draft=levels)


def take(path: str | os.PathLike[str]) -> DecodedParquet | None:
    """Return ``path`` decoded: the decoding started ahead, or a new one.

    A decoding started ahead is taken only for the same file, unchanged
    since (path, size, modification time); if it failed, None is returned
    and geopandas reads the file (and says what is wrong with it).
    """
    with _AHEAD_LOCK:
        ahead = _AHEAD.pop(_key(path) or ("", -1, -1), None)
    if ahead is None:
        return decode(path)
    try:
        return ahead.result()
    except Exception:  # whatever it was, geopandas reads the file and says it
        return None
