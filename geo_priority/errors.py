"""Exceptions and warnings raised by geo_priority.

One root class, :class:`GeoPriorityError`; each subclass also inherits the
matching builtin so callers can catch either (``InputError`` is an ``OSError``).
Messages follow one template: what went wrong, the offending value, how to fix it.
"""

from __future__ import annotations


class GeoPriorityError(Exception):
    """Base class for every error raised by geo_priority."""


class InputError(GeoPriorityError, OSError):
    """A file is missing, unreadable, truncated or in an unknown format."""


class ConfigError(GeoPriorityError, ValueError):
    """The TOML configuration is invalid."""


class SchemaError(GeoPriorityError, ValueError):
    """A column is missing, duplicated or of the wrong type."""


class CRSError(GeoPriorityError, ValueError):
    """A layer has no CRS, or layers disagree on their CRS."""


class GeometryError(GeoPriorityError, ValueError):
    """Geometries are empty or cannot be repaired."""


class CodeError(GeoPriorityError, ValueError):
    """A region code cannot be read or does not exist in the reference."""


class JoinError(GeoPriorityError, ValueError):
    """Areas and indicator rows cannot be joined as asked."""


class ImplausibleValueError(GeoPriorityError, ValueError):
    """A value lies outside the plausible range of its indicator."""


class ScoringError(GeoPriorityError, ValueError):
    """Scores cannot be computed (missing values, zero weights, ...)."""


class ClassificationError(GeoPriorityError, ValueError):
    """Classes cannot be formed from the scores."""


class OutputExistsError(GeoPriorityError, FileExistsError):
    """An output file exists and ``overwrite`` was not given."""


class DiskFullError(InputError):
    """The disk filled up while outputs were written; nothing was changed."""


class FetchError(GeoPriorityError, OSError):
    """A download failed or its checksum did not match."""


class GeoPriorityWarning(UserWarning):
    """Base class for every warning emitted by geo_priority."""


class GeometryRepairedWarning(GeoPriorityWarning):
    """Invalid geometries were repaired."""


class UnmatchedKeysWarning(GeoPriorityWarning):
    """Some areas or rows could not be matched."""


class DoubtfulMatchWarning(GeoPriorityWarning):
    """A join made matches that a person should check."""


class MissingDataWarning(GeoPriorityWarning):
    """Indicator values are missing and were dropped or imputed."""


class BoundaryFallbackWarning(GeoPriorityWarning):
    """Real boundaries were unavailable, so a schematic tile map was drawn."""
