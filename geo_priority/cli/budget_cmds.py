"""``budget``: the cost of closing the exclusion gap and where a budget goes.

Help texts are Indonesian by default and English with ``--lang en`` (before
or after ``--help``): :class:`~geo_priority.cli._common.LocalisedCommand`
writes them from :func:`_texts` in the language asked for.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from geo_priority.cli.localised import LocalisedCommand
from geo_priority.cli.options import (
    EXISTING_FILE,
    FOLDER,
    lang_opt,
    name_opt,
    overwrite_opt,
)
from geo_priority.messages import language, tr

if TYPE_CHECKING:
    from geo_priority.config import Lang

_FILE = EXISTING_FILE


def _rupiah(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> float | None:
    """Parse ``5000000000``, ``5_000_000_000`` or ``5.000.000.000`` (rupiah)."""
    if value is None:
        return None
    text = value.strip()
    # separators only between groups of three digits: "1,5" or "5000000000,50"
    # is refused, never read as 15 or 500000000050
    if not re.fullmatch(r"\d+|\d{1,3}(?:([._,])\d{3})(?:\1\d{3})*", text):
        raise click.BadParameter(
            tr(
                "{value!r} is not a whole number of rupiah; write e.g. 5000000000.",
                value=value,
            )
        )
    return float(re.sub(r"\D", "", text))


def _texts() -> dict[str, str]:
    """Return the help of ``budget`` in the active language (LocalisedCommand)."""
    return {
        "short_help": tr("Cost of the exclusion gap and where a budget goes."),
        "help": tr(
            "Cost the exclusion gap and allocate a budget across areas.\n\n"
            "INPUT is a run config (TOML; its registry table from 'geo-priority "
            "aggregate' gives the unreached target families, its priority score the "
            "order), a budget config (TOML with [budget] and [unit_costs]) or an "
            "aggregate table alone. Writes NAME_anggaran.csv, .gpkg, .html (map layer "
            "'Ke mana anggaran mengalir'), .png and _run.json, and prints each path. "
            "Unit costs and their sources are in data/unit_costs.toml.\n\n"
            "\b\nExample:\n  geo-priority budget "
            "--input examples/anggaran_kabkota.toml \\\n      --budget 5000000000"
        ),
        "source": tr("Run config, budget config (TOML) or aggregate table."),
        "amount": tr(
            "Money for one year, in rupiah (default: budget.amount of the config)."
        ),
        "unit_costs": tr(
            "TOML of unit costs replacing the shipped ones "
            "(layout of data/unit_costs.toml)."
        ),
        "out": tr("Output folder (default: the run config's outputs.dir)."),
        "name": tr("Base name of the files (NAME_anggaran.*)."),
        "lang": tr(
            "Language of the map and messages (default: the config's, else 'id')."
        ),
        "overwrite": tr("Replace outputs that already exist."),
        "help_option": tr("Show this message and exit."),
    }


@click.command("budget", cls=LocalisedCommand, texts=_texts)
@click.option("--input", "source", required=True, type=_FILE, metavar="CONFIG_OR_TABLE")
@click.option("--budget", "amount", callback=_rupiah, default=None, metavar="RUPIAH")
@click.option("--unit-costs", type=_FILE, default=None)
@click.option("-o", "--out", type=FOLDER, default=None)
@name_opt(default=None)
@lang_opt
@overwrite_opt
def budget_cmd(
    source: Path,
    amount: float | None,
    unit_costs: Path | None,
    out: Path | None,
    name: str | None,
    lang: Lang | None,
    overwrite: bool,
) -> None:
    """Cost the exclusion gap and allocate a budget (see --help)."""
    from dataclasses import replace

    from geo_priority.budget_outputs import (
        check_budget_outputs,
        read_budget_input,
        run_budget,
    )

    check_budget_outputs(source, budget=amount, out=out, name=name, overwrite=overwrite)
    data = read_budget_input(source, lang=lang, unit_costs=unit_costs)
    if name:
        data = replace(data, name=name)
    chosen: Lang = lang or (
        data.analysis.config.outputs.lang if data.analysis is not None else "id"
    )
    result = run_budget(data, budget=amount, out=out, overwrite=overwrite, lang=chosen)
    for note in result.allocation.notes:
        click.echo(note, err=True)
    click.echo(_summary_line(result.allocation.totals), err=True)
    for path in result.files:
        click.echo(str(path))


def _summary_line(totals: dict[str, Any]) -> str:
    from geo_priority.formatting import format_number

    lang = language()

    def n(key: str) -> str:
        value = totals[key]
        return format_number(float(value), lang=lang) if value is not None else "-"

    return tr(
        "Families reached, greedy by priority: {g} for Rp {gm}; optimal: {o} for "
        "Rp {om}; difference: {d}.",
        g=n("families_reached_greedy"),
        gm=n("budget_greedy"),
        o=n("families_reached_optimal"),
        om=n("budget_optimal"),
        d=n("families_difference"),
    )
