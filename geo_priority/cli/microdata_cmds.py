"""Commands for registry microdata: ``synth`` (generator) and ``aggregate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_priority.cli.localised import LocalisedCommand
from geo_priority.cli.options import (
    EXISTING_FILE,
    FILE,
    crosswalk_opt,
    messages_lang_opt,
    messages_texts,
    name_opt,
    out_opt,
    out_text,
    overwrite_opt,
)
from geo_priority.formatting import format_count
from geo_priority.messages import tr

if TYPE_CHECKING:
    from geo_priority.microdata.api import MicrodataResult
    from geo_priority.microdata.engine import Target
    from geo_priority.microdata.registry_config import RegistryConfig


def _bps_codes(crosswalk: Path | None) -> dict[str, str] | None:
    if crosswalk is None:
        return None
    from geo_priority import io, regions

    frame = io.read_table(
        crosswalk, code_columns=["bps_kode_desa", "kemendagri_kode_desa"]
    )
    cw = regions.crosswalk_from_frame(frame).frame
    kmd = cw["to_code"].str.replace(".", "", regex=False).astype(str)
    return dict(zip(kmd, cw["from_code"].astype(str), strict=True))


def _synth_texts() -> dict[str, str]:
    """Return the help of ``synth`` in the active language."""
    return {
        **messages_texts(),
        "out": out_text(tr("Output folder.")),
        "short_help": tr("Write a synthetic registry export (no real people)."),
        "help": tr(
            "Generate a SYNTHETIC social registry and write it as one export file."
            "\n\nReal Banten region codes, synthetic NIKs, desil mixes with "
            "desa-level variation, programme receipt by desil. Never real names or "
            "NIKs.\n\n"
            "\b\nExample:\n"
            "  geo-priority synth --tier M --style p3ke --format parquet -o synthetic/"
        ),
        "tier": tr(
            "XS 1 kecamatan, S Pandeglang, M Banten P3KE-like, "
            "L Banten DTSEN-like (12.9 M persons)."
        ),
        "style": tr("Column names and formats to emulate."),
        "fmt": tr("File format."),
        "seed": tr("Random seed (deterministic output)."),
        "scale": tr("Multiply the number of families."),
        "dirty": tr("Inject the fault catalogue (REGISTRIES.md §6.5)."),
        "sheet_per_kecamatan": tr("XLSX: one sheet per kecamatan."),
        "level": tr(
            "One row per person, or one per family (the keluarga/KK file; "
            "p3ke, dtsen, canonical)."
        ),
        "crosswalk": tr("BPS<->Kemendagri desa crosswalk (needed by --style dtks)."),
    }


@click.command("synth", cls=LocalisedCommand, texts=_synth_texts)
@click.option(
    "--tier",
    type=click.Choice(["XS", "S", "M", "L"], case_sensitive=False),
    default="XS",
)
@click.option(
    "--style",
    type=click.Choice(["p3ke", "dtks", "dtsen", "canonical"]),
    default="p3ke",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv", "xlsx"]),
    default="parquet",
)
@click.option("--seed", type=int, default=0)
@click.option(
    "--scale",
    type=float,
    default=1.0,
)
@click.option(
    "--dirty",
    is_flag=True,
)
@click.option(
    "--sheet-per-kecamatan",
    is_flag=True,
)
@click.option(
    "--table",
    "level",
    type=click.Choice(["individu", "keluarga"]),
    default="individu",
)
@crosswalk_opt
@out_opt(default=Path("synthetic"))
@overwrite_opt
@messages_lang_opt
def synth_cmd(
    tier: str,
    style: str,
    fmt: str,
    seed: int,
    scale: float,
    dirty: bool,
    sheet_per_kecamatan: bool,
    level: str,
    crosswalk: Path | None,
    out: Path,
    overwrite: bool,
) -> None:
    """Write a SYNTHETIC social registry export (see --help)."""
    from geo_priority.microdata import write_synthetic

    path, rows, faults = write_synthetic(
        out,
        tier=tier,
        style=style,
        fmt=fmt,
        seed=seed,
        dirty=dirty,
        scale=scale,
        sheet_per_kecamatan=sheet_per_kecamatan,
        bps_codes=_bps_codes(crosswalk),
        overwrite=overwrite,
        progress=True,
        level=level,
    )
    click.echo(str(path))
    click.echo(_rows_line(rows, level), err=True)
    for name, count in faults.items():
        click.echo(
            tr("  fault {name}: {count}", name=name, count=format_count(count)),
            err=True,
        )


def _rows_line(rows: int, level: str) -> str:
    """Say how many rows synth wrote, of persons or families (one: singular)."""
    if level == "individu":
        if rows == 1:
            return tr("1 row (a person)")
        return tr("{rows} rows (persons)", rows=format_count(rows))
    if rows == 1:
        return tr("1 row (a family)")
    return tr("{rows} rows (families)", rows=format_count(rows))


def _aggregate_texts() -> dict[str, str]:
    """Return the help of ``aggregate`` in the active language."""
    return {
        **messages_texts(),
        "out": out_text(tr("Output folder.")),
        "short_help": tr("Registry exports -> suppressed area tables."),
        "help": tr(
            "Aggregate EXPORTS (CSV/XLSX/Parquet; DTSEN, P3KE, DTKS) to area tables."
            "\n\nNIKs are replaced by keyed HMAC tokens as they are read; "
            "duplicates across sources are kept once (DTSEN > P3KE > DTKS). Writes "
            "desa/kecamatan/kab-kota tables with numerators and denominators, "
            "suppression flags (<column>_suppressed), a masked data-quality report "
            "and a metadata record.\n\n"
            "\b\nExamples:\n"
            "  geo-priority aggregate p3ke.parquet dtsen.csv --key-file nik.key -o out/"
            "\n  geo-priority aggregate bansos.xlsx --map nik=NIK_ART "
            "--map desil=DESIL ...\n"
            "  geo-priority aggregate --config registri.toml --key-file nik.key -o out/"
        ),
        "config_file": tr(
            "Registry config TOML: [[exports]] with path, style, sumber, crosswalk "
            "and a column mapping for unknown exports (see examples/registri.toml)."
        ),
        "key_file": tr(
            "File with the HMAC key (>= 32 bytes). Default: $GEO_PRIORITY_NIK_KEY."
        ),
        "style": tr(
            "Source style of the EXPORTS (auto, p3ke, dtks, dtsen, canonical, custom)."
        ),
        "mapping": tr(
            "Column of a canonical field in the EXPORTS (repeat), e.g. "
            "--map nik=NIK_ART --map kode_desa=KODE_DESA."
        ),
        "crosswalk": tr("BPS -> Kemendagri desa crosswalk for BPS-coded exports."),
        "target": tr(
            "Target group of the targeting measures (default desil1, or the config's)."
        ),
        "threshold": tr("Small-cell threshold (default 10, or the config's)."),
        "levels": tr("Levels to write (repeat)."),
        "formats": tr("Table formats (repeat)."),
        "exclude_rejected": tr(
            "Leave out persons whose NIK was rejected, or count them (default, "
            "or the config's exclude_rejected_nik). Counted, they cannot be matched "
            "across exports: one person in two exports counts twice; every table's "
            "persons_nik_rejected says how many there are."
        ),
        "desa_programmes": tr(
            "Desa programme table of the poverty-pocket strategy (CSV/XLSX: desa "
            "code and yes/no or count columns such as rtlh, air_minum, sanitasi; "
            "see data/programmes.toml). Default: the config's desa_programmes."
        ),
        "audience": tr(
            "Publication tier written on every row (audience). publik refuses "
            "--threshold below 10; internal (a pemda's own officials) allows it. "
            "Default: the config's, else publik (internal with --threshold below 10)."
        ),
        "audit": tr(
            "Disclosure audit of the suppressed cells: auto audits every component "
            "up to audit_max_cells cells and warns about larger ones, full audits "
            "all (may take long), off only the rules. Default: the config's audit, "
            "else auto."
        ),
        "name": tr("Output file prefix."),
    }


@click.command("aggregate", cls=LocalisedCommand, texts=_aggregate_texts)
@click.argument(
    "exports",
    nargs=-1,
    type=EXISTING_FILE,
)
@click.option(
    "--config",
    "config_file",
    type=EXISTING_FILE,
    default=None,
)
@click.option(
    "--key-file",
    type=FILE,
    default=None,
)
@click.option(
    "--style",
    default="auto",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
)
@crosswalk_opt
@click.option(
    "--target",
    type=click.Choice(["desil1", "desil12", "miskin_ekstrem"]),
    default=None,
)
@click.option(
    "--threshold",
    type=click.IntRange(min=2),
    default=None,
)
@click.option(
    "--level",
    "levels",
    multiple=True,
    type=click.Choice(["desa", "kecamatan", "kabkota"]),
    default=("desa", "kecamatan", "kabkota"),
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["csv", "parquet"]),
    default=("csv",),
)
@click.option(
    "--exclude-rejected-nik/--count-rejected-nik",
    "exclude_rejected",
    default=None,
)
@click.option(
    "--desa-programmes",
    "desa_programmes",
    type=EXISTING_FILE,
    default=None,
)
@click.option(
    "--audience",
    type=click.Choice(["publik", "internal"]),
    default=None,
)
@click.option(
    "--audit",
    type=click.Choice(["auto", "full", "off"]),
    default=None,
)
@name_opt(default="registri")
@out_opt(default=Path("registri"))
@overwrite_opt
@messages_lang_opt
def aggregate_cmd(
    exports: tuple[Path, ...],
    config_file: Path | None,
    key_file: Path | None,
    style: str,
    mapping: tuple[str, ...],
    crosswalk: Path | None,
    target: Target | None,
    threshold: int | None,
    levels: tuple[str, ...],
    formats: tuple[str, ...],
    exclude_rejected: bool | None,
    desa_programmes: Path | None,
    audience: str | None,
    audit: str | None,
    name: str,
    out: Path,
    overwrite: bool,
) -> None:
    """Aggregate registry EXPORTS to area tables (see --help)."""
    from geo_priority.microdata import (
        SourceSpec,
        aggregate_registry,
        load_key,
        load_registry_config,
        parse_mapping,
    )
    from geo_priority.microdata.disclosure import AUDIT_MAX_CELLS

    if not exports and config_file is None:
        raise click.UsageError(tr("give export files, or --config with [[exports]]."))
    config = load_registry_config(config_file) if config_file else None
    columns = parse_mapping(mapping)
    cw = str(crosswalk) if crosswalk else None
    specs = list(config.exports) if config else []
    specs += [
        SourceSpec(str(p), style=style, mapping=columns, crosswalk=cw) for p in exports
    ]
    key = load_key(key_file)
    desa_table = desa_programmes or (config.desa_programmes if config else None)
    result = aggregate_registry(
        specs,
        key=key,
        out_dir=out,
        name=name,
        levels=levels,
        formats=formats,
        target=_target(target, config.target if config else None),
        threshold=threshold or (config and config.threshold) or 10,
        overwrite=overwrite,
        progress=True,
        exclude_rejected_nik=_exclude(exclude_rejected, config),
        catalogue=config.programmes if config and config.programmes else None,
        desa_programmes=desa_table,
        audience=audience or (config.audience if config else None),
        audit=audit or (config and config.audit) or "auto",
        audit_max_cells=(config and config.audit_max_cells) or AUDIT_MAX_CELLS,
    )
    for path in result.paths.values():
        click.echo(str(path))
    _echo_quality(result)
    _echo_rejected(result)
    _echo_convergence(result)


def _echo_convergence(result: MicrodataResult) -> None:
    """Say the tier, and the desa programme table's unmatched desa codes."""
    info = result.convergence
    if info.get("audience") == "internal":
        click.echo(
            tr(
                "Tables marked audience = internal (TERBATAS): for a pemda's own "
                "officials only, not for publication."
            ),
            err=True,
        )
    match = info.get("desa_programmes")
    if isinstance(match, dict) and (match["table_only"] or match["registry_only"]):
        click.echo(
            tr(
                "Desa programme table: {table_only} desa without registry families "
                "(e.g. {table_examples}); {registry_only} registry desa not in the "
                "table, counted as without a desa programme (e.g. "
                "{registry_examples}).",
                table_only=match["table_only"],
                table_examples=", ".join(match["table_only_examples"]) or "-",
                registry_only=match["registry_only"],
                registry_examples=", ".join(match["registry_only_examples"]) or "-",
            ),
            err=True,
        )


def _exclude(given: bool | None, config: RegistryConfig | None) -> bool:
    """``--exclude-rejected-nik``, else the config's ``exclude_rejected_nik``."""
    if given is not None:
        return given
    return bool(config and config.exclude_rejected_nik)


def _echo_rejected(result: MicrodataResult) -> None:
    """Say how many persons with a rejected NIK the tables count, or left out."""
    info = result.rejected_nik
    if not info:
        return
    if info.get("excluded"):
        click.echo(
            tr(
                "Persons with a rejected NIK left out (--exclude-rejected-nik): {n}.",
                n=_number(info.get("persons_left_out")),
            ),
            err=True,
        )
    else:
        click.echo(
            tr(
                "Persons with a rejected NIK counted (without a token, so not "
                "matched across exports; column persons_nik_rejected): {n}. "
                "--exclude-rejected-nik leaves them out.",
                n=_number(info.get("persons_counted")),
            ),
            err=True,
        )


def _number(value: object) -> str:
    """Return a count in the active language, or a suppressed total as written."""
    if isinstance(value, int):
        return format_count(value)
    return str(value)


def _target(given: Target | None, configured: str | None) -> Target:
    """Return ``--target``, else the registry config's ``target``, else desil1."""
    from typing import get_args

    from geo_priority.microdata.engine import Target
    from geo_priority.schema import check_choice

    return check_choice(given or configured or "desil1", get_args(Target), "target")


def _severity_words() -> dict[str, str]:
    """Each severity of the quality report, in the active language."""
    return {
        "rejected": tr("NIK rejected"),
        "dropped": tr("dropped (region code)"),
        "deduplicated": tr("duplicate across sources"),
        "warning": tr("warnings"),
    }


def _export_line(style: str, level: str, rows: int, kept: str) -> str:
    """Say an export's style, level, rows and rows used (one row: singular)."""
    if rows == 1:
        return tr(
            "{style} {level}, 1 row, {kept} used", style=style, level=level, kept=kept
        )
    return tr(
        "{style} {level}, {rows} rows, {kept} used",
        style=style,
        level=level,
        rows=format_count(rows),
        kept=kept,
    )


def _echo_quality(result: MicrodataResult) -> None:
    """One line per export: rows, persons kept, and problems by severity."""
    from geo_priority.microdata.quality import by_severity

    counts = by_severity(result.quality, result.sources)
    for row in result.sources.itertuples():
        kept = format_count(row.kept_rows)
        parts = [_export_line(row.style, row.level, row.rows, kept)]
        parts += [
            f"{word} {format_count(counts.at[row.file, sev])}"
            for sev, word in _severity_words().items()
            if counts.at[row.file, sev]
        ]
        click.echo(f"{row.file}: {'; '.join(parts)}", err=True)
    report = result.paths.get("quality")
    if report is not None:
        click.echo(
            tr("Details per problem and kab/kota (masked): {path}", path=report),
            err=True,
        )
