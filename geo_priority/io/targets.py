"""Read the shipped targets (``data/targets.toml``), each with its source.

Examples
--------
>>> targets = read_targets()
>>> targets["kemiskinan-ekstrem-nol-2024"].year
2024
>>> t = targets["banten-p0-2025"]
>>> (t.low, t.high, t.cited)
(4.5, 5.5, False)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from geo_priority.errors import ConfigError, InputError
from geo_priority.io.shipped import shipped_data_file
from geo_priority.messages import tr
from geo_priority.progress_config import Target, target_from_mapping

__all__ = ["TARGETS_FILE", "read_targets", "targets_file"]

#: The shipped table of targets (in ``data/``).
TARGETS_FILE = "targets.toml"


def targets_file() -> Path:
    """Return the path of the shipped ``targets.toml``.

    Raises
    ------
    InputError
        When the file is not installed.
    """
    return shipped_data_file(
        TARGETS_FILE,
        instead=tr(
            "Or give the target in [progress] (target_year, target, target_source)."
        ),
    )


def read_targets(path: str | Path | None = None) -> dict[str, Target]:
    """Read a targets file into checked targets keyed by their ``id``.

    Parameters
    ----------
    path : path-like, optional
        A TOML file of ``[[target]]`` tables; default the shipped one.

    Returns
    -------
    dict of str to Target

    Raises
    ------
    InputError
        When the file cannot be read or is not valid TOML.
    ConfigError
        For a target without an id, an id used twice, or a target that fails
        :func:`geo_priority.progress_config.check_target` (naming the file and
        the table).
    """
    file = Path(path) if path is not None else targets_file()
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InputError(
            tr(
                "cannot read the targets file {name!r}: {error}",
                name=str(file),
                error=str(err),
            )
        ) from err
    tables = data.get("target", [])
    targets: dict[str, Target] = {}
    for i, table in enumerate(tables if isinstance(tables, list) else [tables], 1):
        key = f"{file.name} target[{i}]."
        target = target_from_mapping(table, key)
        if not target.id:
            raise ConfigError(
                tr("{key}id is missing: every target needs a name.", key=key)
            )
        if target.id in targets:
            raise ConfigError(
                tr(
                    "{name}: the target id {value!r} is used twice; give each "
                    "target its own id.",
                    name=file.name,
                    value=target.id,
                )
            )
        targets[target.id] = target
    return targets
