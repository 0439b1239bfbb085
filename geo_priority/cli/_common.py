"""Shared CLI helpers: the message catalogue and the report of a run.

The options live in :mod:`geo_priority.cli.options`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from geo_priority.pipeline import RunResult

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


def report_run(result: RunResult, lang: str) -> None:
    """Print the join summary and notes to stderr and written paths to stdout."""
    analysis = result.analysis
    if analysis.schematic:
        click.secho(msg("schematic", lang), err=True, fg="red", bold=True)
    click.echo(f"{msg('join', lang)}: {analysis.report.summary()}", err=True)
    for note in analysis.notes:
        click.echo(f"{msg('note', lang)}: {note}", err=True)
    for path in result.files or tuple(result.outputs.values()):
        click.echo(str(path))
