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

Names are imported from their module on first use, so that importing one
light module of the package (:mod:`~geo_priority.io.geoparquet`, which a run
starts before it imports pandas) does not import them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo_priority.lazy_exports import lazy_exports

#: Public name -> the module that defines it.
_EXPORTS = {
    "MISSING_MARKERS": "geo_priority.io.table",
    "atomic_path": "geo_priority.io.output",
    "bps_export_to_long": "geo_priority.io.bps",
    "check_columns": "geo_priority.io.table",
    "check_outputs": "geo_priority.io.output",
    "codes_as_text": "geo_priority.io.table",
    "list_layers": "geo_priority.io.vector",
    "looks_like_bps_export": "geo_priority.io.bps",
    "looks_like_code_column": "geo_priority.io.table",
    "read_boundaries": "geo_priority.io.vector",
    "read_table": "geo_priority.io.table",
    "removed_on_failure": "geo_priority.io.output",
    "write_csv": "geo_priority.io.output",
    "write_json": "geo_priority.io.output",
    "write_layer": "geo_priority.io.vector",
    "write_text": "geo_priority.io.output",
}

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
assert set(__all__) == set(_EXPORTS), "__all__ and _EXPORTS disagree"

if TYPE_CHECKING:
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


__getattr__, __dir__ = lazy_exports(
    "geo_priority.io", _EXPORTS, globals(), public=__all__
)
