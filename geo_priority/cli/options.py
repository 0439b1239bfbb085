"""The options and arguments of the commands, each declared once.

A command stacks the decorators it needs, so ``--overwrite`` or ``--lang``
reads and behaves the same in every command. Options whose default depends on
the command (``-o/--out``, ``--name``) are made by a small factory that fixes
everything else. Their help is not here: each command's ``texts`` function
writes it in the active language (:func:`shared_texts` for the shared ones;
:class:`~geo_priority.cli.localised.LocalisedCommand`). Choices come from the library's
registries (:data:`geo_priority.config.LANGS`,
:data:`geo_priority.formats.EXPORT_FORMATS`), never from a private list.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from geo_priority.config import LANGS
from geo_priority.formats import EXPORT_FORMATS
from geo_priority.messages import set_language, tr

_F = TypeVar("_F", bound=Callable[..., Any])

#: Environment variable naming the boundary mirror folder (``--mirror``).
MIRROR_ENV = "GEO_PRIORITY_MIRROR"
#: Environment variable naming the boundary cache folder (``--cache``).
CACHE_ENV = "GEO_PRIORITY_CACHE"


class LocalPath(click.Path):
    """A :class:`click.Path` that calls a path "file"/"folder" in the active language.

    click names the kind of path when the type is made (``File``, ``Directory``)
    and writes it into its errors ("File 'x' does not exist.") and the help's
    metavar (``FILE``); here the kind is worded when it is read, so both follow
    ``--lang``.
    """

    @property
    def name(self) -> str:
        """The kind of path, in the active language."""
        if self.file_okay and not self.dir_okay:
            return tr("file")
        if self.dir_okay and not self.file_okay:
            return tr("folder")
        return tr("path")

    @name.setter
    def name(self, value: str) -> None:  # click sets it in ``__init__``
        pass


#: A folder (need not exist).
FOLDER = LocalPath(file_okay=False, path_type=Path)
#: A file (need not exist).
FILE = LocalPath(dir_okay=False, path_type=Path)
#: A file that must exist.
EXISTING_FILE = LocalPath(exists=True, dir_okay=False, path_type=Path)
_FOLDER, _FILE, _EXISTING_FILE = FOLDER, FILE, EXISTING_FILE

# --- the group ----------------------------------------------------------------

verbose_opt = click.option(
    "-v",
    "--verbose",
    count=True,
)
quiet_opt = click.option(
    "-q",
    "--quiet",
    count=True,
)

#: ``-q/--quiet`` of a long command: no progress lines on stderr (as the group's).
steps_quiet_opt = click.option(
    "-q",
    "--quiet",
    "quiet",
    is_flag=True,
    default=False,
)

# --- shared by the commands ---------------------------------------------------


def shared_texts() -> dict[str, str]:
    """Return the help of the shared options, by parameter name, in the active language.

    A command's ``texts`` (:class:`~geo_priority.cli.localised.LocalisedCommand`)
    starts from these and adds or replaces its own.
    """
    relative = tr("A relative path starts in the working folder.")
    return {
        "lang": tr(
            "Language of the map and messages (default: the config's, else 'id')."
        ),
        "overwrite": tr("Replace outputs that already exist."),
        "mirror": tr(
            "Folder holding copies of the pinned boundary files (offline machines)."
        ),
        "cache": tr("Cache folder (default: the per-user cache)."),
        "boundaries_crs": tr("CRS of a boundary file that has none, e.g. EPSG:4326."),
        "boundaries_layer": tr(
            "Layer of a multi-layer boundary file (GeoPackage, zipped shapefiles)."
        ),
        "quiet": tr(
            "No progress lines on stderr (stdout lists only the files written)."
        ),
        "out": tr("Output folder (default: the config's, else 'maps').")
        + " "
        + relative,
        "help_option": tr("Show this message and exit."),
    }


def messages_texts() -> dict[str, str]:
    """Return :func:`shared_texts` for a command with :data:`messages_lang_opt`."""
    return {
        **shared_texts(),
        "lang": tr("Language of the help and messages (default 'id')."),
    }


def out_text(text: str) -> str:
    """Return an ``--out`` help: ``text`` and where a relative path starts."""
    return f"{text} {tr('A relative path starts in the working folder.')}"


def _existing_config(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """Refuse a config path that is not a file, in the user's language."""
    if value is not None and not value.is_file():
        raise click.BadParameter(
            tr(
                "config file {path!r} not found. Check the path and the file name "
                "(a relative path starts in the working folder).",
                path=str(value),
            )
        )
    return value


config_arg = click.argument(
    "config_path", metavar="CONFIG", type=_FILE, callback=_existing_config
)


def _set_language(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """Make ``--lang`` the message language as soon as it is parsed.

    Errors in reading the config are then already in that language; without
    ``--lang`` they are Indonesian until the config's ``outputs.lang`` is read.
    """
    if value is not None:
        set_language("en" if value == "en" else "id")
    return value


lang_opt = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    is_eager=True,
    callback=_set_language,
)
#: ``--lang`` of a command that writes no map: the language of its help and
#: messages only.
messages_lang_opt = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_set_language,
)
overwrite_opt = click.option(
    "--overwrite",
    is_flag=True,
    default=False,
)
mirror_opt = click.option(
    "--mirror",
    type=_FOLDER,
    default=None,
    envvar=MIRROR_ENV,
    show_envvar=True,
)
cache_opt = click.option(
    "--cache",
    type=_FOLDER,
    default=None,
    envvar=CACHE_ENV,
    show_envvar=True,
)
boundaries_crs_opt = click.option(
    "--boundaries-crs",
    metavar="CRS",
    default=None,
)
boundaries_layer_opt = click.option(
    "--boundaries-layer",
    metavar="LAYER",
    default=None,
)
export_formats_opt = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(EXPORT_FORMATS, case_sensitive=False),
)


def _from_working_folder(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """Make a typed ``--out`` absolute from the working folder.

    Without this, ``run`` and ``figure`` would take it from the config's folder
    (as they do the config's own ``[outputs] dir``) while ``export`` took it
    from the working folder. A default is left as it is.
    """
    source = ctx.get_parameter_source(param.name or "out")
    if value is None or source is ParameterSource.DEFAULT:
        return value
    return Path(os.path.abspath(value.expanduser()))


def out_opt(
    *, default: Path | None = None, required: bool = False
) -> Callable[[_F], _F]:
    """Return the ``-o/--out`` option: the folder the command writes into.

    A relative folder typed on the command line is taken from the working
    folder, in every command (the help text says so: :func:`out_text`; the
    command's texts give the help).

    Parameters
    ----------
    default : Path, optional
        The folder when none is given (None: the config's).
    required : bool
        True when the command has no default folder.

    Returns
    -------
    callable
        The click decorator; the value reaches the command as ``out``.
    """
    if default is None:  # click 8.3+ treats an explicit default=None as given,
        # which would let a required option be left out
        return click.option(
            "-o",
            "--out",
            "out",
            type=_FOLDER,
            required=required,
            callback=_from_working_folder,
        )
    return click.option(
        "-o",
        "--out",
        "out",
        type=_FOLDER,
        default=default,
        callback=_from_working_folder,
    )


#: ``--crosswalk``: a BPS <-> Kemendagri desa crosswalk file (what the command
#: uses it for is said in the command's texts).
crosswalk_opt = click.option("--crosswalk", type=_EXISTING_FILE, default=None)


def name_opt(*, default: str | None) -> Callable[[_F], _F]:
    """Return ``--name``: the base name of the files written.

    Parameters
    ----------
    default : str, optional
        The name when none is given.

    Returns
    -------
    callable
        The click decorator; the value reaches the command as ``name``.
    """
    return click.option("--name", default=default)


__all__ = [
    "EXISTING_FILE",
    "FILE",
    "FOLDER",
    "LocalPath",
    "boundaries_crs_opt",
    "boundaries_layer_opt",
    "cache_opt",
    "config_arg",
    "crosswalk_opt",
    "export_formats_opt",
    "lang_opt",
    "messages_lang_opt",
    "messages_texts",
    "mirror_opt",
    "name_opt",
    "out_opt",
    "out_text",
    "overwrite_opt",
    "quiet_opt",
    "shared_texts",
    "steps_quiet_opt",
    "verbose_opt",
]
