"""Shared CLI helpers: the words of the CLI and the report of a run.

Every line is in the run's language (``--lang`` / ``outputs.lang``), through
:func:`geo_priority.messages.tr`. The options live in
:mod:`geo_priority.cli.options`; help and usage errors in the language of
``--lang`` in :mod:`geo_priority.cli.localised` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_priority.cli.localised import (
    LocalisedCommand,
    LocalisedGroup,
    LocalisedUsageError,
    lang_in_args,
    run_in_language,
    usage_error_text,
)
from geo_priority.messages import MessageLang, tr, use_language

if TYPE_CHECKING:
    from geo_priority.pipeline import RunResult

#: The CLI's short words, by key; each a literal template for the catalogue.
_WORDS: dict[str, Callable[[], str]] = {
    "written": lambda: tr("Written"),
    "join": lambda: tr("Tables matched to areas"),
    "note": lambda: tr("Note"),
    "problem": lambda: tr("Problem"),
    "ok": lambda: tr("All inputs and the join are fine."),
    "warning": lambda: tr("warning"),
    "schematic": lambda: tr("SCHEMATIC MAP (real boundaries unavailable)"),
}


def _lang(lang: str) -> MessageLang:
    return "en" if lang == "en" else "id"


def msg(key: str, lang: str) -> str:
    """Return CLI word ``key`` in ``lang`` (``"id"`` or ``"en"``).

    Examples
    --------
    >>> msg("problem", "id"), msg("problem", "en")
    ('Masalah', 'Problem')
    """
    with use_language(_lang(lang)):
        return _WORDS[key]()


def _report_file(result: RunResult) -> Path | None:
    from geo_priority.join_report import REPORT_FILE

    files = result.files or tuple(result.outputs.values())
    return next((p for p in files if p.name.endswith(REPORT_FILE)), None)


def run_lines(result: RunResult, lang: str) -> list[str]:
    """Return the lines ``geo-priority`` prints to stderr about a run.

    The join summary says where every row is listed (the join report file,
    when the run wrote one); then the code system of the tables and the
    boundaries, in words (in place of the join's notes on how codes were
    read), and the other notes.

    Parameters
    ----------
    result : RunResult
    lang : {"id", "en"}

    Returns
    -------
    list of str
    """
    from geo_priority.join_report import summary_text

    analysis = result.analysis
    with use_language(_lang(lang)):
        summary = f"{tr('Tables matched to areas')}: {summary_text(analysis.report)}"
        report = _report_file(result)
        if report is not None:
            summary += tr(" (every row: {file})", file=report.name)
        lines = [summary, _codes_line(result)]
        told = set(analysis.report.notes)
        lines += [f"{tr('Note')}: {n}" for n in analysis.notes if n not in told]
    return lines


def _codes_line(result: RunResult) -> str:
    from geo_priority.join_report import table_code_systems
    from geo_priority.metadata import code_sentence

    analysis = result.analysis
    system = analysis.areas.attrs.get("code_system")
    tables = [(t.label, t.code_system) for t in analysis.config.tables]
    return code_sentence(
        {
            "system": system,
            "tables": table_code_systems(analysis.report, tables, system),
        }
    )


#: What the commands of this process made, once :func:`hold_results` is on.
_HELD: list[object] | None = None


def hold_results() -> None:
    """Keep every reported run's objects until the process ends.

    ``geo-priority`` (:func:`geo_priority.cli.main`) ends with ``os._exit``
    once its output is flushed, so what a run made need not be freed one
    object at a time when the command returns: a national desa run's frames
    and geometries took 0.12 s of its last step to free. Only the console
    script turns this on; a command invoked in-process (tests) lets go.
    """
    global _HELD
    _HELD = []


def report_run(result: RunResult, lang: str) -> None:
    """Print the join summary and notes to stderr and written paths to stdout.

    The result is then held until the process ends (:func:`hold_results`).
    """
    if result.analysis.schematic:
        click.secho(msg("schematic", lang), err=True, fg="red", bold=True)
    for line in run_lines(result, lang):
        click.echo(line, err=True)
    for path in result.files or tuple(result.outputs.values()):
        click.echo(str(path))
    if _HELD is not None:
        _HELD.append(result)


__all__ = [
    "LocalisedCommand",
    "LocalisedGroup",
    "LocalisedUsageError",
    "hold_results",
    "lang_in_args",
    "msg",
    "report_run",
    "run_in_language",
    "run_lines",
    "usage_error_text",
]
