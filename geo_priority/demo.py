"""The README's main job: Banten's kab/kota extreme-poverty priority map.

Uses real BPS figures shipped in ``data/`` (with citations) and the real
OCHA COD-AB desa boundaries from the cache, a mirror, or the pinned download,
dissolved to kab/kota. When no boundaries can be had, it still completes with a
clearly labelled schematic hexagon tile map and says how to get the real ones.
"""

from __future__ import annotations

import sys
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
    OutputConfig,
    ScoringConfig,
    TableConfig,
)
from geo_priority.errors import BoundaryFallbackWarning, FetchError, InputError
from geo_priority.schema import ID
from geo_priority.tilemap import BANTEN_KABKOTA_CENTRES, hex_tiles

DEMO_SOURCE = "banten-desa-ocha-bps2020"
DEMO_TABLE = "banten_kabkota_poverty.csv"


def data_path(name: str) -> Path:
    """Return the path of a file the project ships in ``data/``.

    Looks in the source tree first (editable install), then in the installed
    data directory ``<prefix>/share/geo-priority/data``.
    """
    for folder in (
        Path(__file__).resolve().parents[1] / "data",
        Path(sys.prefix) / "share" / "geo-priority" / "data",
    ):
        if (folder / name).is_file():
            return folder / name
    raise InputError(
        f"the demo data file {name!r} is not installed. Reinstall geo-priority "
        "from its source folder with: pip install -e ."
    )


def demo_config(
    *, out: Path, lang: str = "id", overwrite: bool = False, mirror: str | None = None
) -> Config:
    """Return the configuration of the Banten kab/kota demo."""
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
            dissolve_name_column="regency",
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
            dir=str(out), name="demo_banten_kabkota", lang=lang, overwrite=overwrite
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
    *, out: Path, lang: str = "id", overwrite: bool = False, mirror: str | None = None
) -> pipeline.RunResult:
    """Build the demo map, GeoPackage, ranked CSV and join report.

    Returns
    -------
    RunResult
        ``analysis.schematic`` is True when the tile-map fallback was used.
    """
    config = demo_config(out=out, lang=lang, overwrite=overwrite, mirror=mirror)
    pipeline.check_outputs_of(config)
    try:
        areas, inputs = pipeline.load_areas(config)
        schematic = False
    except FetchError as err:
        warnings.warn(
            f"real boundaries unavailable ({err}). Drawing a SCHEMATIC hexagon tile "
            f"map instead. To get the real map run: geo-priority boundaries fetch "
            f"{DEMO_SOURCE} (online), or pass --mirror DIR with the pinned files.",
            BoundaryFallbackWarning,
            stacklevel=2,
        )
        areas, inputs, schematic = schematic_areas(), [], True
    analysis = pipeline.analyse(config, areas=areas)
    analysis = replace(
        analysis, schematic=schematic, inputs=(*inputs, *analysis.inputs)
    )
    outputs = pipeline.write_outputs(analysis, overwrite=overwrite)
    return pipeline.RunResult(analysis, outputs)
