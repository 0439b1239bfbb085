"""The commands: each parses options, calls one library function, reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_priority.cli._common import msg, report_run
from geo_priority.cli.options import (
    CONFIG_OUT_HELP,
    boundaries_crs_opt,
    boundaries_layer_opt,
    cache_opt,
    config_arg,
    lang_opt,
    mirror_opt,
    out_opt,
    overwrite_opt,
    steps_quiet_opt,
)
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


@click.command("run", short_help="Run the whole pipeline from a TOML config.")
@config_arg
@out_opt(help=CONFIG_OUT_HELP)
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
    """Read, harmonise, score, classify and write map, layer and tables.

    CONFIG is a TOML file (see the README's config reference). Writes the HTML
    map, the scored GeoPackage, the ranked CSV, the join report and a run record
    into the output folder, printing each path on stdout.

    \b
    Example:
      geo-priority run banten.toml --out maps/ --lang en
    """
    from geo_priority import pipeline

    config = _load(config_path, out, lang, overwrite, boundaries_crs, boundaries_layer)
    with _steps(pipeline.RUN_STEPS, quiet):
        result = pipeline.run(config)
    report_run(result, config.outputs.lang)


@click.command("check", short_help="Validate inputs and the join; write nothing.")
@config_arg
@lang_opt
@boundaries_crs_opt
@boundaries_layer_opt
@click.option(
    "--lenient",
    is_flag=True,
    help="Exit 0 when the only findings are repairs made (invalid geometries), "
    "areas left unscored by scoring.missing or values imputed; they are still "
    "printed.",
)
def check_cmd(
    config_path: Path,
    lang: Lang | None,
    boundaries_crs: str | None,
    boundaries_layer: str | None,
    lenient: bool,
) -> None:
    """Check CONFIG's inputs, codes and join without writing any output.

    Exits 1 when anything needs attention: unmatched or doubtful joins, unknown
    codes, missing values, areas that would get no score, imputed values,
    repaired geometries, or any error (strict, the default; see --lenient).

    \b
    Example:
      geo-priority check banten.toml
    """
    from geo_priority import pipeline

    config = _load(config_path, None, lang, None, boundaries_crs, boundaries_layer)
    language = config.outputs.lang
    _analysis, problems = pipeline.check(config, lenient=lenient)
    for problem in problems:
        click.echo(f"{msg('problem', language)}: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(msg("ok", language), err=True)


@click.command("figure", short_help="Write a print-ready map figure (PNG + PDF).")
@config_arg
@out_opt(help=CONFIG_OUT_HELP)
@click.option(
    "--size",
    type=click.Choice(["slide", "a4"], case_sensitive=False),
    default="slide",
    help="16:9 slide (13.33 x 7.5 in) or A4 portrait page; both at 300 dpi.",
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
    """Analyse CONFIG and write its static map figure as PNG and PDF.

    The figure has title, subtitle, legend (classes and counts as on the HTML
    map), area names, north arrow, scale bar, sources and date. Files are named
    after the config's outputs.name (A4 adds "_a4") in the output folder; their
    paths are printed on stdout.

    \b
    Example:
      geo-priority figure banten.toml --size a4 --lang en --out maps/
    """
    from geo_priority import pipeline

    config = _load(config_path, out, lang, overwrite, boundaries_crs, boundaries_layer)
    with _steps(pipeline.RUN_STEPS, quiet):
        result = pipeline.run_figure(config, size=size.lower())
    report_run(result, config.outputs.lang)


@click.command("demo", short_help="Build Banten's kab/kota priority map from BPS data.")
@out_opt(default=Path("maps"))
@lang_opt
@overwrite_opt
@mirror_opt
@click.option(
    "--level",
    type=click.Choice(["kabkota", "desa"]),
    default="kabkota",
    help="kabkota: real BPS figures; desa: a SYNTHETIC registry per desa.",
)
@click.option(
    "--context",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Vector file of neighbouring areas drawn faintly around Banten "
    "(skipped when it does not exist).",
)
@click.option(
    "--scope",
    type=click.Choice(["banten", "nasional"]),
    default="banten",
    help="nasional: all 514 kab/kota of Indonesia on BPS's real P0 export "
    "(needs ../shared/data or GEO_PRIORITY_SHARED).",
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
    """Build the demo: Banten's kab/kota extreme-poverty priority map.

    Uses real BPS figures (shipped in data/, with citations) and the real OCHA
    COD-AB boundaries from the cache, --mirror, or the pinned download. Without
    any of them it draws a clearly labelled schematic tile map.

    \b
    Example:
      geo-priority demo --out maps/ --mirror ../shared/data/upstream
      geo-priority demo --scope nasional --out maps/
    """
    from geo_priority.demo import DEMO_STEPS, DESA_DEMO_STEPS, run_demo, run_desa_demo

    language: Lang = lang or "id"
    if scope == "nasional":
        _national_demo(out, language, overwrite, quiet)
        return
    mirror_dir = str(mirror) if mirror and mirror.is_dir() else None
    context_file = str(context.resolve()) if context and context.is_file() else None
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


def _national_demo(out: Path, lang: Lang, overwrite: bool, quiet: bool) -> None:
    """``demo --scope nasional``: all 514 kab/kota on BPS's P0 export."""
    from geo_priority import pipeline
    from geo_priority.demo_national import run_national_demo

    with _steps(pipeline.RUN_STEPS, quiet):
        result = run_national_demo(out=out, lang=lang, overwrite=overwrite)
    report_run(result, lang)


@click.group("boundaries", short_help="Download and list registered boundary sources.")
def boundaries() -> None:
    """Work with the registered boundary sources (boundaries/sources.toml)."""


@boundaries.command("list", short_help="List the registered sources.")
def list_cmd() -> None:
    """List the registered boundary sources with their licence."""
    from geo_priority.io import fetch

    for source_id, source in fetch.load_registry().items():
        click.echo(f"{source_id}\t{source.title}\t{source.licence}")


@boundaries.command("fetch", short_help="Download a source into the cache.")
@click.argument("source_id", metavar="SOURCE", default="banten-desa-ocha-bps2020")
@mirror_opt
@cache_opt
@click.option("--offline", is_flag=True, help="Use only the cache and the mirror.")
def fetch_cmd(
    source_id: str, mirror: Path | None, cache: Path | None, offline: bool
) -> None:
    """Download SOURCE's pinned files, verify their sha256 and cache them.

    \b
    Example:
      geo-priority boundaries fetch banten-desa-ocha-bps2020
    """
    from geo_priority.io import fetch

    for path in fetch.fetch_source(
        source_id, cache=cache, mirror=mirror, offline=offline, progress=True
    ):
        click.echo(str(path))
