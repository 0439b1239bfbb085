"""Social-registry microdata (DTSEN, P3KE, DTKS, Regsosek) -> area tables.

Only aggregates leave this package: NIKs are tokenised with a keyed HMAC as
they are read, persons are counted per desa by an embedded analytical
database, and small cells are suppressed before anything is written.

Public API: :func:`aggregate_registry`, :class:`SourceSpec`,
:func:`load_key`, the generator :func:`generate` / :func:`write_synthetic`.
"""

from __future__ import annotations

from geo_priority.microdata.api import (
    SUPPRESSED_LABEL,
    MicrodataResult,
    aggregate_registry,
    area_tables,
)
from geo_priority.microdata.exports import (
    export_family_frame,
    export_frame,
    write_synthetic,
)
from geo_priority.microdata.ingest import SourceSpec
from geo_priority.microdata.pseudonymise import load_key, nik_token
from geo_priority.microdata.registry_config import (
    RegistryConfig,
    load_registry_config,
    parse_mapping,
)
from geo_priority.microdata.synth import generate, iter_chunks

__all__ = [
    "SUPPRESSED_LABEL",
    "MicrodataResult",
    "RegistryConfig",
    "SourceSpec",
    "aggregate_registry",
    "area_tables",
    "export_family_frame",
    "export_frame",
    "generate",
    "iter_chunks",
    "load_key",
    "load_registry_config",
    "nik_token",
    "parse_mapping",
    "write_synthetic",
]
