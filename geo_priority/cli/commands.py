"""The commands: each parses options, calls one library function, reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_priority.cli._common import msg, report_run
from geo_priority.cli.localised import LocalisedCommand, LocalisedGroup
from geo_priority.cli.options import (
    FILE,
    boundaries_crs_opt,
    boundaries_layer_opt,
    cache_opt,
    config_arg,
    lang_opt,
    messages_lang_opt,
    messages_texts,
    mirror_opt,
    out_opt,
    out_text,
    overwrite_opt,
    shared_texts,
    steps_quiet_opt,
)
from geo_priority.messages import tr
from geo_priority.steps import progress

if TYPE_CHECKING:
    from geo_priority.config import Config, Lang


def _load(
    config_path: Path,
    out: Path | None,
    lang: Lang | None,
    overwrite: bool | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> Config:
    from geo_priority.config import load_config, with_boundaries, with_outputs
    from geo_priority.messages import set_language

    config = with_boundaries(load_config(config_path), crs=crs, layer=layer)
    config = with_outputs(
        config, dir=str(out) if out else None, lang=lang, overwrite=overwrite or None
    )
    set_language(config.outputs.lang)  # --lang, else the config's outputs.lang
    return config


@contextmanager
def _steps(total: int, quiet: bool) -> Iterator[None]:
    """Show the command's steps on stderr unless ``-q`` (the command's or the group's).

    On a terminal they are bars redrawn in place, elsewhere plain lines
    (:mod:`geo_priority.steps`); stdout keeps only the paths written.
    """
    if quiet or click.get_current_context().find_root().params.get("quiet"):
        yield
        return
    with progress(total):
        yield


def _run_texts() -> dict[str, str]:
    """Return the help of ``run`` in the active language."""
    return {
        **shared_texts(),
        "short_help": tr("Run the whole pipeline from a TOML config."),
        "help": tr(
            "Read, harmonise, score, classify and write map, layer and tables.\n\n"
            "CONFIG is a TOML file (see the README's config reference). Writes the "
            "HTML map, the scored GeoPackage, the ranked CSV, the join report and a "
            "run record into the output folder, printing each path on stdout.\n\n"
            "\b\nExample:\n  geo-priority run banten.toml --out maps/ --lang en"
        ),
    }


@click.command("run", cls=LocalisedCommand, texts=_run_texts)
@config_arg
@out_opt()
@lang_opt
@overwrite_opt
@boundaries_crs_opt
@boundaries_layer_opt
@steps_quiet_opt
def run_cmd(
    config_path: Path,
    out: Path | None,
    lang: Lang | None,
    overwrite: bool,
    boundaries_crs: str | None,
    boundaries_layer: str | None,
    quiet: bool,
) -> None:
    """Run the whole pipeline from a TOML config (see --help)."""
    config = _load(config_path, out, lang, overwrite, boundaries_crs, boundaries_layer)
    from geo_priority.io.geoparquet import decode_boundaries_ahead

    decode_boundaries_ahead(config)  # a GeoParquet layer, while pandas is imported
    from geo_priority.inputs import read_boundaries_ahead

    boundaries = read_boundaries_ahead(config)  # read while the run's modules load
    from geo_priority import pipeline

    with _steps(pipeline.RUN_STEPS, quiet):
        result = pipeline.run(config, boundaries=boundaries)
    report_run(result, config.outputs.lang)


def _check_texts() -> dict[str, str]:
    """Return the help of ``check`` in the active language."""
    return {
        **shared_texts(),
        "short_help": tr("Validate inputs and the join; write nothing."),
        "help": tr(
            "Check CONFIG's inputs, codes and join without writing any output.\n\n"
            "Exits 1 when anything needs attention: unmatched or doubtful joins, "
            "unknown codes, missing values, areas that would get no score, imputed "
            "values, repaired geometries, or any error (strict, the default; see "
            "--lenient).\n\n"
            "\b\nExample:\n  geo-priority check banten.toml"
        ),
        "lenient": tr(
            "Exit 0 when the only findings are repairs made (invalid geometries), "
            "areas left unscored by scoring.missing or values imputed; they are "
            "still printed."
        ),
    }


@click.command("check", cls=LocalisedCommand, texts=_check_texts)
@config_arg
@lang_opt
@boundaries_crs_opt
@boundaries_layer_opt
@click.option("--lenient", is_flag=True)
def check_cmd(
    config_path: Path,
    lang: Lang | None,
    boundaries_crs: str | None,
    boundaries_layer: str | None,
    lenient: bool,
) -> None:
    """Check CONFIG's inputs and join, writing nothing (see --help)."""
    from geo_priority import pipeline

    config = _load(config_path, None, lang, None, boundaries_crs, boundaries_layer)
    language = config.outputs.lang
    _analysis, problems = pipeline.check(config, lenient=lenient)
    for problem in problems:
        click.echo(f"{msg('problem', language)}: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(msg("ok", language), err=True)


def _figure_texts() -> dict[str, str]:
    """Return the help of ``figure`` in the active language."""
    return {
        **shared_texts(),
        "short_help": tr("Write a print-ready map figure (PNG + PDF)."),
        "help": tr(
            "Analyse CONFIG and write its static map figure as PNG and PDF.\n\n"
            "The figure has title, subtitle, legend (classes and counts as on the "
            "HTML map), area names, north arrow, scale bar, sources and date. Files "
            'are named after the config\'s outputs.name (A4 adds "_a4") in the '
            "output folder; their paths are printed on stdout.\n\n"
            "\b\nExample:\n"
            "  geo-priority figure banten.toml --size a4 --lang en --out maps/"
        ),
        "size": tr("16:9 slide (13.33 x 7.5 in) or A4 portrait page; both at 300 dpi."),
    }


@click.command("figure", cls=LocalisedCommand, texts=_figure_texts)
@config_arg
@out_opt()
@click.option(
    "--size",
    type=click.Choice(["slide", "a4"], case_sensitive=False),
    default="slide",
)
@lang_opt
@overwrite_opt
@boundaries_crs_opt
@boundaries_layer_opt
@steps_quiet_opt
def figure_cmd(
    config_path: Path,
    out: Path | None,
    size: str,
    lang: Lang | None,
    overwrite: bool,
    boundaries_crs: str | None,
    boundaries_layer: str | None,
    quiet: bool,
) -> None:
    """Write CONFIG's static map figure as PNG and PDF (see --help)."""
    from geo_priority import pipeline

    config = _load(config_path, out, lang, overwrite, boundaries_crs, boundaries_layer)
    with _steps(pipeline.RUN_STEPS, quiet):
        result = pipeline.run_figure(config, size=size.lower())
    report_run(result, config.outputs.lang)


def _demo_texts() -> dict[str, str]:
    """Return the help of ``demo`` in the active language."""
    return {
        **shared_texts(),
        "out": out_text(tr("Output folder.")),
        "short_help": tr("Build Banten's kab/kota priority map from BPS data."),
        "help": tr(
            "Build the demo: Banten's kab/kota extreme-poverty priority map.\n\n"
            "Uses real BPS figures (shipped in data/, with citations) and the real "
            "OCHA COD-AB boundaries from the cache, --mirror, or the pinned "
            "download. Without any of them it draws a clearly labelled schematic "
            "tile map.\n\n"
            "\b\nExamples:\n"
            "  geo-priority demo --out maps/ --mirror ../shared/data/upstream\n"
            "  geo-priority demo --scope nasional --out maps/"
        ),
        "level": tr("kabkota: real BPS figures; desa: a SYNTHETIC registry per desa."),
        "context": tr(
            "Vector file of neighbouring areas drawn faintly around Banten "
            "(when the file is absent the map is drawn without them, and says so)."
        ),
        "scope": tr(
            "nasional: all 514 kab/kota of Indonesia on BPS's real P0 export "
            "(needs ../shared/data or GEO_PRIORITY_SHARED)."
        ),
    }


@click.command("demo", cls=LocalisedCommand, texts=_demo_texts)
@out_opt(default=Path("maps"))
@lang_opt
@overwrite_opt
@mirror_opt
@click.option(
    "--level",
    type=click.Choice(["kabkota", "desa"]),
    default="kabkota",
)
@click.option(
    "--context",
    type=FILE,
    default=None,
)
@click.option(
    "--scope",
    type=click.Choice(["banten", "nasional"]),
    default="banten",
)
@steps_quiet_opt
def demo_cmd(
    out: Path,
    lang: Lang | None,
    overwrite: bool,
    mirror: Path | None,
    level: str,
    context: Path | None,
    scope: str,
    quiet: bool,
) -> None:
    """Build Banten's kab/kota priority map from BPS data (see --help)."""
    from geo_priority.demo import DEMO_STEPS, DESA_DEMO_STEPS, run_demo, run_desa_demo

    language: Lang = lang or "id"
    if scope == "nasional":
        _refuse_banten_options(level, context)
        _national_demo(out, language, overwrite, quiet)
        return
    mirror_dir = str(mirror) if mirror and mirror.is_dir() else None
    context_file = _context_file(context)
    desa = level == "desa"
    with _steps(DESA_DEMO_STEPS if desa else DEMO_STEPS, quiet):
        result = (run_desa_demo if desa else run_demo)(
            out=out,
            lang=language,
            overwrite=overwrite,
            mirror=mirror_dir,
            context=context_file,
        )
    report_run(result, language)


def _context_file(context: Path | None) -> str | None:
    """Return ``--context`` as an absolute path, or None (said) when it is absent.

    An absent file does not stop the demo (the README's quick start names
    ../shared/data, which a fresh machine may lack), but it is never skipped
    without a word.
    """
    if context is None:
        return None
    if not context.is_file():
        click.echo(
            tr(
                "--context: no file at {path}; the map is drawn without the "
                "neighbouring areas.",
                path=str(context),
            ),
            err=True,
        )
        return None
    return str(context.resolve())


def _refuse_banten_options(level: str, context: Path | None) -> None:
    """Refuse ``--level desa`` and ``--context`` with ``--scope nasional``.

    The national demo draws all 514 kab/kota and has no neighbours to draw, so
    either option would otherwise be ignored without a word.
    """
    for flag, given in (("--level desa", level == "desa"), ("--context", context)):
        if given:
            raise click.UsageError(
                tr(
                    "{flag} applies to the Banten demo only; leave it out with "
                    "--scope nasional.",
                    flag=flag,
                )
            )


def _national_demo(out: Path, lang: Lang, overwrite: bool, quiet: bool) -> None:
    """``demo --scope nasional``: all 514 kab/kota on BPS's P0 export."""
    from geo_priority import pipeline
    from geo_priority.demo_national import run_national_demo

    with _steps(pipeline.RUN_STEPS, quiet):
        result = run_national_demo(out=out, lang=lang, overwrite=overwrite)
    report_run(result, lang)


def _boundaries_texts() -> dict[str, str]:
    """Return the help of ``boundaries`` in the active language."""
    return {
        **messages_texts(),
        "short_help": tr("Download and list registered boundary sources."),
        "help": tr(
            "Work with the registered boundary sources (boundaries/sources.toml)."
        ),
        "help_option": tr("Show this message and exit."),
    }


def _list_texts() -> dict[str, str]:
    """Return the help of ``boundaries list`` in the active language."""
    return {
        **messages_texts(),
        "short_help": tr("List the registered sources."),
        "help": tr("List the registered boundary sources with their licence."),
        "help_option": tr("Show this message and exit."),
    }


def _fetch_texts() -> dict[str, str]:
    """Return the help of ``boundaries fetch`` in the active language."""
    return {
        **messages_texts(),
        "short_help": tr("Download a source into the cache."),
        "help": tr(
            "Download SOURCE's pinned files, verify their sha256 and cache them."
            "\n\n\b\nExample:\n"
            "  geo-priority boundaries fetch banten-desa-ocha-bps2020"
        ),
        "offline": tr("Use only the cache and the mirror."),
    }


@click.group("boundaries", cls=LocalisedGroup, texts=_boundaries_texts)
@messages_lang_opt
def boundaries() -> None:
    """Download and list registered boundary sources (see --help)."""


@boundaries.command("list", cls=LocalisedCommand, texts=_list_texts)
@messages_lang_opt
def list_cmd() -> None:
    """List the registered sources (see --help)."""
    from geo_priority.io import fetch

    for source_id, source in fetch.load_registry().items():
        click.echo(f"{source_id}\t{source.title}\t{source.licence}")


@boundaries.command("fetch", cls=LocalisedCommand, texts=_fetch_texts)
@click.argument("source_id", metavar="SOURCE", default="banten-desa-ocha-bps2020")
@mirror_opt
@cache_opt
@click.option("--offline", is_flag=True)
@messages_lang_opt
def fetch_cmd(
    source_id: str, mirror: Path | None, cache: Path | None, offline: bool
) -> None:
    """Download SOURCE's pinned files into the cache (see --help)."""
    from geo_priority.io import fetch

    for path in fetch.fetch_source(
        source_id, cache=cache, mirror=mirror, offline=offline, progress=True
    ):
        click.echo(str(path))
