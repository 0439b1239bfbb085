"""Tables geo-priority ships in its ``data/`` folder, wherever it was installed."""

from __future__ import annotations

import sys
from pathlib import Path

from geo_priority.errors import InputError
from geo_priority.messages import tr

__all__ = ["shipped_data_file"]


def shipped_data_file(name: str, *, instead: str = "") -> Path:
    """Return the path of a table shipped in ``data/``.

    Looks in the source tree first (editable install), then in the installed
    data folder ``<prefix>/share/geo-priority/data``.

    Parameters
    ----------
    name : str
        The file name (``targets.toml``, ``kabkota_renames.csv``...).
    instead : str
        What the user can do without the file, appended to the message
        (already in the user's language).

    Raises
    ------
    InputError
        When the file is not installed.
    """
    for folder in (
        Path(__file__).resolve().parents[2] / "data",
        Path(sys.prefix) / "share" / "geo-priority" / "data",
    ):
        if (folder / name).is_file():
            return folder / name
    message = tr(
        "the file {name!r} that geo-priority ships in its data folder is not "
        "installed. Reinstall geo-priority from its source folder with: "
        "pip install -e .",
        name=name,
    )
    raise InputError(f"{message} {instead}".strip())
