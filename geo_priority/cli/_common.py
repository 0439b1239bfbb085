"""Shared CLI helpers: message catalogue, options, reporting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

MESSAGES = {
    "id": {
        "written": "Ditulis",
        "join": "Laporan join",
        "note": "Catatan",
        "problem": "Masalah",
        "ok": "Semua masukan dan join baik.",
        "warning": "peringatan",
        "schematic": "PETA SKEMATIK (batas asli tidak tersedia)",
    },
    "en": {
        "written": "Written",
        "join": "Join report",
        "note": "Note",
        "problem": "Problem",
        "ok": "All inputs and the join are fine.",
        "warning": "warning",
        "schematic": "SCHEMATIC MAP (real boundaries unavailable)",
    },
}


def msg(key: str, lang: str) -> str:
    """Return CLI message ``key`` in ``lang``."""
    return MESSAGES.get(lang, MESSAGES["id"])[key]


lang_opt = click.option(
    "--lang",
    type=click.Choice(["id", "en"]),
    default=None,
    help="Language of the map and messages (default: the config's, else 'id').",
)
overwrite_opt = click.option(
    "--overwrite",
    is_flag=True,
    default=False,
    help="Replace outputs that already exist.",
)
out_opt = click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: the config's, else 'maps').",
)
mirror_opt = click.option(
    "--mirror",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="GEO_PRIORITY_MIRROR",
    show_envvar=True,
    help="Folder holding copies of the pinned boundary files (offline machines).",
)


def report_run(result: Any, lang: str) -> None:
    """Print the join summary and notes to stderr and written paths to stdout."""
    analysis = result.analysis
    if analysis.schematic:
        click.secho(msg("schematic", lang), err=True, fg="red", bold=True)
    click.echo(f"{msg('join', lang)}: {analysis.report.summary()}", err=True)
    for note in analysis.notes:
        click.echo(f"{msg('note', lang)}: {note}", err=True)
    for path in result.outputs.values():
        click.echo(str(path))
