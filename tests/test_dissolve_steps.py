"""dissolve_to_level goes one level at a time and reuses the steps of a layer."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely import box

from geo_priority import harmonise
from geo_priority.harmonise import N_CHILDREN, dissolve_to_level, prepare_boundaries
from geo_priority.schema import ID

# synthetic codes, some not in the Kemendagri reference
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# 2 kab/kota x 2 kecamatan x 2 desa, unit squares in a 8 x 1 row
CODES = [f"36.0{k}.0{c}.200{d}" for k in (1, 2) for c in (1, 2) for d in (1, 2)]


def _desa() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"kode": CODES},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(CODES))],
        crs="EPSG:3857",
    )
    return prepare_boundaries(frame, code_column="kode")


def test_province_from_desa_counts_every_desa_and_unites_all() -> None:
    prov = dissolve_to_level(_desa(), level="provinsi")
    assert prov[[ID, N_CHILDREN]].values.tolist() == [["36", 8]]
    assert prov.geometry.iloc[0].normalize().equals(box(0, 0, 8, 1).normalize())


def test_kabkota_counts_desa_not_kecamatan() -> None:
    kab = dissolve_to_level(_desa(), level="kabkota")
    assert kab[[ID, N_CHILDREN]].values.tolist() == [["36.01", 4], ["36.02", 4]]
    assert kab.area.tolist() == [4.0, 4.0]


def test_steps_of_a_layer_are_united_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    union = shapely.union_all

    def counted(parts, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(parts))
        return union(parts, *args, **kwargs)

    monkeypatch.setattr(harmonise.shapely, "union_all", counted)
    desa = _desa()
    dissolve_to_level(desa, level="kecamatan")
    first = len(calls)
    assert first == 4  # 4 kecamatan of 2 desa
    dissolve_to_level(desa, level="provinsi")
    # a one-level call keeps no step: desa -> kec (4), kec -> kab (2),
    # kab -> prov (1), the first two kept as steps of this layer
    assert len(calls) - first == 7
    dissolve_to_level(desa, level="kabkota")
    # the kecamatan step is reused: only kec -> kab (2)
    assert len(calls) - first == 9


def test_a_changed_layer_is_dissolved_again() -> None:
    desa = _desa()
    dissolve_to_level(desa, level="provinsi")
    desa.geometry = desa.geometry.translate(0, 10)
    prov = dissolve_to_level(desa, level="kabkota")
    assert prov.total_bounds.tolist() == [0.0, 10.0, 8.0, 11.0]
