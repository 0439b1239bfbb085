"""Write matplotlib figures (PNG, PDF) atomically.

The figure is built by :mod:`geo_priority.render.figure`; this module only
saves it, through the one atomic-write path (:func:`geo_priority.io.atomic_path`),
with a title and creator in the file's metadata and no creation date in a PDF
(so the same figure gives the same bytes).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from geo_priority.errors import InputError
from geo_priority.formats import FIGURE_FORMATS
from geo_priority.io.output import atomic_path
from geo_priority.messages import tr

__all__ = ["write_figure"]

_CREATOR = "geo-priority (matplotlib)"


def _figure_format(target: Path) -> str:
    """Return ``"png"`` or ``"pdf"`` from the file name, or raise."""
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise InputError(
            tr(
                "cannot write a figure to {name!r}: the file name must end in '.png' "
                "(slides, web) or '.pdf' (print).",
                name=target.name,
            )
        )
    return fmt


def _file_metadata(fmt: str, fig: Figure) -> dict[str, Any]:
    """Return the title and creator of ``fig`` as the format names them."""
    title = next((t.get_text() for t in fig.texts if t.get_gid() == "title"), "")
    if fmt == "pdf":
        return {"Title": title, "Creator": _CREATOR, "CreationDate": None}
    return {"Title": title, "Software": _CREATOR}


def write_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    /,
    *,
    overwrite: bool = False,
    dpi: int = 300,
    rc: Mapping[RcKeyType, Any] | None = None,
) -> Path:
    """Write ``fig`` as PNG or PDF (by the path's suffix), atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with a canvas attached.
    path : path-like
        Output file ending in ``.png`` or ``.pdf``.
    overwrite : bool
        Replace an existing file; otherwise refuse.
    dpi : int
        Resolution of raster output (and of raster parts of a PDF).
    rc : mapping, optional
        matplotlib settings in force while saving (fonts, PDF font type).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        For another suffix, or a folder that cannot be written.
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    fmt = _figure_format(target)
    settings = dict(rc or {})
    with atomic_path(target, overwrite=overwrite) as tmp, mpl.rc_context(settings):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_file_metadata(fmt, fig))
    return target
