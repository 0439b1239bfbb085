"""The README's main job: Banten's kab/kota extreme-poverty priority map.

Uses real BPS figures shipped in ``data/`` (with citations) and the real
OCHA COD-AB desa boundaries from the cache, a mirror, or the pinned download,
dissolved to kab/kota. When no boundaries can be had, it still completes with a
clearly labelled schematic hexagon tile map and says how to get the real ones.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import geopandas as gpd

from geo_priority import harmonise, pipeline, regions
from geo_priority.config import (
    BoundariesConfig,
    ClassifyConfig,
    Config,
    IndicatorConfig,
    Lang,
    OutputConfig,
    ScoringConfig,
    TableConfig,
    with_outputs,
)
from geo_priority.errors import BoundaryFallbackWarning, FetchError, InputError
from geo_priority.io.shipped import shipped_data_file
from geo_priority.messages import tr, use_language
from geo_priority.outputs import written_files
from geo_priority.schema import ID
from geo_priority.steps import step
from geo_priority.tilemap import BANTEN_KABKOTA_CENTRES, hex_tiles

DEMO_SOURCE = "banten-desa-ocha-bps2020"
#: The steps of the kab/kota and desa demos (:mod:`geo_priority.steps`).
DEMO_STEPS = 1 + pipeline.RUN_STEPS
DESA_DEMO_STEPS = 2 + pipeline.RUN_STEPS
DEMO_TABLE = "banten_kabkota_poverty.csv"


def data_path(name: str) -> Path:
    """Return the path of a file the project ships in ``data/``."""
    return shipped_data_file(name)


def demo_config(
    *,
    out: Path,
    lang: Lang = "id",
    overwrite: bool = False,
    mirror: str | None = None,
    context: str | None = None,
) -> Config:
    """Return the configuration of the Banten kab/kota demo.

    ``context`` is an optional vector file of neighbouring areas drawn faintly
    around Banten (for example all kab/kota of Indonesia).
    """
    extra = (
        IndicatorConfig(
            key="extreme_poverty_rate_2023",
            source="extreme_poverty_rate",
            year=2023,
            score=False,
            weight=0.0,
            optional=True,
            unit="%",
            label="Tingkat kemiskinan ekstrem",
            label_en="Extreme-poverty rate",
        ),
        IndicatorConfig(
            key="poor_population",
            source="poor_population",
            year=2023,
            score=False,
            weight=0.0,
            optional=True,
            unit="jiwa",
            label="Jumlah penduduk miskin",
            label_en="Number of poor",
        ),
    )
    return Config(
        boundaries=BoundariesConfig(
            source=DEMO_SOURCE,
            code_column="village_code",
            name_column="village",
            code_system="bps",
            level="desa",
            dissolve_to="kabkota",
            mirror=mirror,
        ),
        tables=(
            TableConfig(
                path=str(data_path(DEMO_TABLE)),
                label="bps_banten",
                code_column="kode_wilayah",
                name_column="nama",
                code_system="kemendagri",
                indicator_column="indicator",
                year_column="tahun",
                value_column="value",
            ),
        ),
        scoring=ScoringConfig(
            preset="kemiskinan-ekstrem",
            year=2022,
            indicators=extra,
            preset_options={
                "population": "population_dukcapil",
                "population_year": 2023,
                "poverty_rate_year": 2023,
            },
        ),
        classify=ClassifyConfig(scheme="prioritas", k=4),
        outputs=OutputConfig(
            dir=str(out),
            name="demo_banten_kabkota",
            lang=lang,
            overwrite=overwrite,
            context=context,
        ),
        title=(
            "Prioritas penanggulangan kemiskinan ekstrem — Provinsi Banten"
            if lang == "id"
            else "Extreme-poverty priority — Banten Province"
        ),
        subtitle=(
            "Kabupaten/kota · kemiskinan ekstrem 2022 (BPS) · penduduk 2023 "
            "(Dukcapil) · P0 2023 (BPS)"
            if lang == "id"
            else "Regencies/cities · extreme poverty 2022 (BPS) · population 2023 "
            "(Dukcapil) · P0 2023 (BPS)"
        ),
    )


def schematic_areas() -> gpd.GeoDataFrame:
    """Return Banten's kab/kota as prepared hexagon tiles (Kemendagri codes)."""
    tiles = hex_tiles(BANTEN_KABKOTA_CENTRES)
    tiles["nama"] = [regions.reference_name(c) or c for c in tiles[ID]]
    tiles = tiles.rename(columns={ID: "kode"})
    return harmonise.prepare_boundaries(
        tiles,
        code_column="kode",
        name_column="nama",
        code_system="kemendagri",
        level="kabkota",
    )


def run_demo(
    *,
    out: Path,
    lang: Lang = "id",
    overwrite: bool = False,
    mirror: str | None = None,
    context: str | None = None,
) -> pipeline.RunResult:
    """Build the demo map, GeoPackage, ranked CSV and join report.

    Returns
    -------
    RunResult
        ``analysis.schematic`` is True when the tile-map fallback was used.
    """
    config = demo_config(
        out=out, lang=lang, overwrite=overwrite, mirror=mirror, context=context
    )
    with use_language(lang):
        pipeline.check_outputs_of(config)
        try:
            with step(tr("Reading the boundaries")):
                areas, inputs = pipeline.load_areas(config)
            schematic = False
        except FetchError as err:
            _warn_fallback(err)
            areas, inputs, schematic = schematic_areas(), [], True
            # real neighbours around schematic hexagons would mislead
            config = with_outputs(config, context="")
        analysis = pipeline.analyse(config, areas=areas)
        analysis = replace(
            analysis, schematic=schematic, inputs=(*inputs, *analysis.inputs)
        )
        with step(tr("Writing the map and files")):
            outputs = pipeline.write_outputs(analysis, overwrite=overwrite)
        return pipeline.RunResult(analysis, outputs, written_files(config))


def _warn_fallback(err: FetchError) -> None:
    """Say that the schematic map is drawn, why, and how to get the real one."""
    warnings.warn(
        tr(
            "real boundaries unavailable ({error}). Drawing a SCHEMATIC hexagon "
            "tile map instead. To get the real map run: geo-priority boundaries "
            "fetch {source} (online), or pass --mirror DIR with the pinned files.",
            error=err,
            source=DEMO_SOURCE,
        ),
        BoundaryFallbackWarning,
        stacklevel=3,
    )


# --- desa-level demo on a SYNTHETIC registry -----------------------------------

DESA_BOUNDARY_FILE = "banten_desa_kemendagri2025_cahyadsn.geojson"
DESA_DEMO_NAME = "demo_banten_desa"


def _desa_boundaries(mirror: str | None = None) -> BoundariesConfig:
    """Kemendagri desa boundaries: a registry entry, else the shared file."""
    from geo_priority.io import fetch

    for source_id, src in fetch.load_registry().items():
        if src.level == "desa" and src.code_system == "kemendagri":
            return BoundariesConfig(
                source=source_id,
                code_column=src.code_column,
                name_column=src.name_column,
                code_system="kemendagri",
                level="desa",
                mirror=mirror,
            )
    import os

    shared = os.environ.get("GEO_PRIORITY_SHARED")
    root = (
        Path(shared)
        if shared
        else Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    path = root / "boundaries" / DESA_BOUNDARY_FILE
    if not path.is_file():
        raise InputError(
            tr(
                "the Kemendagri desa boundaries {path!r} are missing and no "
                "Kemendagri desa source is registered. Put cahyadsn/"
                "wilayah_boundaries' Banten desa layer there as {file!r} (property "
                "'kode' = Kemendagri code, 'nama' = name), or set "
                "GEO_PRIORITY_SHARED to the folder holding boundaries/.",
                path=str(path),
                file=DESA_BOUNDARY_FILE,
            )
        )
    return BoundariesConfig(
        path=str(path),
        code_column="kode",
        name_column="nama",
        code_system="kemendagri",
        level="desa",
    )


#: Version of the synthetic export the desa demo caches; raised whenever the
#: generator's columns change (2: the income programmes Prakerja and KUR), so a
#: cache made by an older version is never read as if it had them.
SYNTH_VERSION = 2


def _synthetic_registry(seed: int, scale: float) -> Path:
    """Generate (or reuse from the cache) the synthetic Banten P3KE-like export."""
    from geo_priority.io import fetch
    from geo_priority.microdata import write_synthetic

    # inside the cache folder ($GEO_PRIORITY_CACHE), never beside it
    folder = (
        fetch.cache_dir() / "synthetic" / f"v{SYNTH_VERSION}_seed{seed}_scale{scale:g}"
    )
    path = folder / "p3ke_M_individu.parquet"
    if not path.is_file():
        write_synthetic(
            folder,
            tier="M",
            style="p3ke",
            fmt="parquet",
            seed=seed,
            scale=scale,
            overwrite=True,
        )
    return path


def _hidden_count(key: str, label: str, label_en: str) -> IndicatorConfig:
    """Return a count the map shows but does not score (a numerator/denominator)."""
    return IndicatorConfig(
        key=key,
        unit="KK",
        weight=0.0,
        score=False,
        optional=True,
        label=label,
        label_en=label_en,
    )


def _desa_indicators() -> tuple[IndicatorConfig, ...]:
    """Return the desa demo's indicators.

    Each rate names its numerator and denominator, so ``outputs.map_levels``
    re-divides it at kecamatan and kab/kota level.
    """
    from geo_priority.microdata.convergence_indicators import convergence_indicators

    return (
        IndicatorConfig(
            key="desil1_share",
            unit="%",
            weight=1.0,
            decimals=1,
            numerator="families_desil_1",
            denominator="families",
            label="Konsentrasi desil 1",
            label_en="Desil-1 concentration",
        ),
        IndicatorConfig(
            key="exclusion_error",
            unit="%",
            weight=1.0,
            decimals=1,
            numerator="target_excluded_families",
            denominator="target_families",
            label="Keluarga sasaran tanpa bansos keluarga (PKH, Sembako, BLT-DD)",
            label_en="Target families without family assistance (PKH, Sembako, BLT-DD)",
        ),
        IndicatorConfig(
            key="target_excluded_families",
            unit="KK",
            weight=1.0,
            label="Keluarga desil 1 tanpa bansos keluarga",
            label_en="Desil-1 families without family assistance",
        ),
        _hidden_count("families_desil_1", "Keluarga desil 1", "Desil-1 families"),
        _hidden_count("families", "Jumlah keluarga", "Families"),
        _hidden_count(
            "target_families", "Keluarga sasaran (desil 1)", "Target families"
        ),
        *convergence_indicators(),
    )


def desa_demo_config(
    *,
    out: Path,
    table: Path,
    lang: Lang = "id",
    overwrite: bool = False,
    mirror: str | None = None,
    context: str | None = None,
) -> Config:
    """Return the configuration of the synthetic Banten desa demo.

    ``context`` is a vector file of neighbouring areas drawn under the desa.
    """
    synthetic = "DATA SINTETIS" if lang == "id" else "SYNTHETIC DATA"
    return Config(
        boundaries=_desa_boundaries(mirror),
        tables=(
            TableConfig(
                path=str(table),
                label="registri_sintetis",
                code_column="kode_wilayah",
                name_column="nama",
                code_system="kemendagri",
                layout="wide",
            ),
        ),
        scoring=ScoringConfig(indicators=_desa_indicators(), missing="reweight"),
        classify=ClassifyConfig(scheme="quantiles", k=5),
        outputs=OutputConfig(
            dir=str(out),
            name=DESA_DEMO_NAME,
            lang=lang,
            overwrite=overwrite,
            context=context,
        ),
        title=(
            f"{synthetic} — Prioritas desa: desil 1 dan exclusion error, Banten"
            if lang == "id"
            else f"{synthetic} — Desa priority: desil 1 and exclusion error, Banten"
        ),
        subtitle=(
            f"{synthetic}: registri P3KE buatan (generator geo-priority), "
            "sel < 10 disembunyikan"
            if lang == "id"
            else f"{synthetic}: generated P3KE-like registry, cells < 10 suppressed"
        ),
        synthetic=True,
    )


def run_desa_demo(
    *,
    out: Path,
    lang: Lang = "id",
    overwrite: bool = False,
    seed: int = 0,
    scale: float = 1.0,
    mirror: str | None = None,
    context: str | None = None,
) -> pipeline.RunResult:
    """Map a SYNTHETIC Banten registry per desa (desil 1, exclusion error, score).

    Generates (or reuses from the cache) a P3KE-like registry with
    :mod:`geo_priority.microdata`, aggregates it to desa with suppression
    (threshold 10) under an ephemeral key, and runs the pipeline on the real
    Kemendagri desa boundaries. Title and legend say "DATA SINTETIS".
    """
    import secrets

    from geo_priority.microdata import aggregate_registry

    with use_language(lang):
        boundaries = _desa_boundaries(mirror)  # fail early when missing
        del boundaries
        with step(tr("Generating the SYNTHETIC registry (once; kept in the cache)")):
            registry = _synthetic_registry(seed, scale)
        table = out / f"{DESA_DEMO_NAME}_registri_desa.csv"
        with step(tr("Aggregating the registry per desa")):
            aggregate_registry(
                [registry],
                key=secrets.token_bytes(32),
                out_dir=out,
                name=f"{DESA_DEMO_NAME}_registri",
                levels=("desa",),
                programmes=("pkh", "sembako_bpnt", "blt_dd"),
                overwrite=overwrite,
            )
        config = desa_demo_config(
            out=out,
            table=table,
            lang=lang,
            overwrite=overwrite,
            mirror=mirror,
            context=context,
        )
        return pipeline.run(config)
