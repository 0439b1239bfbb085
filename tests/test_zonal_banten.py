"""Integration: a synthetic population raster over the real Banten desa layer.

The raster holds 25 people per 100 m pixel (2,500 per km²), so each desa's
population must equal its area in hectares x 25 (coverage-weighted, exactly).
That population becomes the ``population`` indicator of a score, and the scored
desa are exported as priority rasters.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine

from geo_priority import export, pipeline
from geo_priority.config import (
    BoundariesConfig,
    ClassifyConfig,
    Config,
    IndicatorConfig,
    OutputConfig,
    ScoringConfig,
    TableConfig,
)
from geo_priority.io import write_csv
from geo_priority.io.raster import write_cog
from geo_priority.schema import ID, RANK, SCORE
from geo_priority.zonal import zonal_statistics

from conftest import require_shared

pytestmark = pytest.mark.integration
PER_PIXEL = 25.0
UTM48S = "EPSG:32748"


@pytest.fixture(scope="module")
def desa_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    layer = require_shared("boundaries", "banten_desa_ocha_bps2020.geojson")
    folder = tmp_path_factory.mktemp("banten")
    return Config(
        boundaries=BoundariesConfig(
            path=str(layer),
            code_column="village_code",
            name_column="village",
            code_system="bps",
        ),
        tables=(
            TableConfig(
                path=str(folder / "populasi.csv"), code_column=ID, code_system="bps"
            ),
        ),
        scoring=ScoringConfig(
            indicators=(
                IndicatorConfig(
                    key="population",
                    source="population_sum",
                    label="Penduduk (sintetis)",
                    unit="jiwa",
                ),
            )
        ),
        classify=ClassifyConfig(scheme="quantiles", k=5),
        outputs=OutputConfig(dir=str(folder / "out"), name="desa_populasi"),
        synthetic=True,
    )


@pytest.fixture(scope="module")
def population_raster(desa_config: Config) -> Path:
    areas, _ = pipeline.load_areas(desa_config)
    minx, miny, maxx, maxy = areas.to_crs(UTM48S).total_bounds
    left, top = math.floor(minx / 100) * 100 - 500, math.ceil(maxy / 100) * 100 + 500
    width = math.ceil((maxx - left) / 100) + 5
    height = math.ceil((top - miny) / 100) + 5
    values = np.full((height, width), PER_PIXEL, dtype="float32")
    folder = Path(desa_config.outputs.dir).parent
    return write_cog(
        values,
        folder / "populasi_sintetis.tif",
        transform=Affine(100, 0, left, 0, -100, top),
        crs=UTM48S,
        nodata=-1.0,
    )


def test_population_from_raster_feeds_the_score(
    desa_config: Config, population_raster: Path
):
    areas, _ = pipeline.load_areas(desa_config)
    assert len(areas) == 1552
    with pytest.warns(UserWarning, match=r"wilayah diproyeksikan ulang ke EPSG:32748"):
        table = zonal_statistics(
            areas, population_raster, stats=["sum", "count"], prefix="population"
        )
    hectares = areas.to_crs(UTM48S).area.to_numpy() / 10_000
    np.testing.assert_allclose(table["population_sum"], hectares * PER_PIXEL, rtol=1e-6)
    np.testing.assert_allclose(table["population_count"], hectares, rtol=1e-6)
    assert hectares.min() < 50  # small desa (a few dozen pixels, most cut) are exact
    assert table["population_sum"].notna().all()

    write_csv(table, desa_config.tables[0].path)
    analysis = pipeline.analyse(desa_config, areas=areas)
    scored = analysis.areas.set_index(ID)
    np.testing.assert_allclose(
        scored["population"], table.set_index(ID)["population_sum"].loc[scored.index]
    )
    # one indicator, higher is worse: the most populous desa ranks first
    assert scored[RANK].idxmin() == table.loc[table["population_sum"].idxmax(), ID]
    assert scored[SCORE].max() == 100.0

    record = pipeline.run_record(analysis)
    layer = export.from_analysis(analysis, record, pipeline.ranked_table(analysis))
    files = export.export_layer(layer, desa_config.outputs.dir, formats=["raster"])
    with rasterio.open(files["raster"][0]) as src:
        assert src.crs.to_string() == UTM48S and src.res == (100.0, 100.0)
        assert len(src.overviews(1)) >= 2
        classes = src.read(1)
    assert set(np.unique(classes)) == {0, 1, 2, 3, 4, 5}
