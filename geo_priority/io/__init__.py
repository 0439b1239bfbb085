"""Reading and writing files: the only part of geo_priority that touches disk.

* :mod:`~geo_priority.io.vector` reads boundary layers and writes GIS layers.
* :mod:`~geo_priority.io.table` reads CSV, Excel and Parquet indicator tables,
  keeping region codes as text (each format's reader is in
  :mod:`~geo_priority.io.table_readers`, the "file not found / cannot read"
  errors in :mod:`~geo_priority.io.file_checks`); BPS dynamic-table exports
  (declared with ``layout="bps"`` or detected) are read into a long frame by
  :mod:`~geo_priority.io.bps`.
* :mod:`~geo_priority.io.output` refuses to overwrite outputs and writes every
  file atomically.
"""

from __future__ import annotations

from geo_priority.io.bps import bps_export_to_long, looks_like_bps_export
from geo_priority.io.output import (
    atomic_path,
    check_outputs,
    removed_on_failure,
    write_csv,
    write_json,
    write_text,
)
from geo_priority.io.table import (
    MISSING_MARKERS,
    check_columns,
    codes_as_text,
    looks_like_code_column,
    read_table,
)
from geo_priority.io.vector import list_layers, read_boundaries, write_layer

__all__ = [
    "MISSING_MARKERS",
    "atomic_path",
    "bps_export_to_long",
    "check_columns",
    "check_outputs",
    "codes_as_text",
    "list_layers",
    "looks_like_bps_export",
    "looks_like_code_column",
    "read_boundaries",
    "read_table",
    "removed_on_failure",
    "write_csv",
    "write_json",
    "write_layer",
    "write_text",
]
