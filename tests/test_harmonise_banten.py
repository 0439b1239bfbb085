"""Integration tests: harmonise the real Banten layers from ../shared/data.

The files are read at run time and never copied into the repository. Set
``GEO_PRIORITY_SHARED`` to the shared folder (or its ``data`` folder) to use
another location. Missing data skips these tests, except under ``CI=true``,
where it fails them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_priority.errors import (
    DoubtfulMatchWarning,
    GeometryRepairedWarning,
    UnmatchedKeysWarning,
)
from geo_priority.harmonise import (
    N_CHILDREN,
    check_same_crs,
    dissolve_to_level,
    join_indicators,
    prepare_boundaries,
)
from geo_priority.messages import use_language
from geo_priority.regions import crosswalk_from_frame, reference_areas, to_system
from geo_priority.schema import (
    DOUBTFUL,
    DOUBTFUL_HELD,
    DUPLICATE,
    ID,
    MATCHED,
    MATCHED_NAME,
    NAME,
    OTHER_LEVEL,
    PARENT,
    UNMATCHED_AREA,
)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """These tests pin the English templates of the messages (--lang en)."""
    with use_language("en"):
        yield


pytestmark = pytest.mark.integration

KAB_CODES = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]


def _shared_data_dir() -> Path:
    env = os.environ.get("GEO_PRIORITY_SHARED")
    root = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"
    for candidate in (root / "data", root):
        if (candidate / "boundaries").is_dir():
            return candidate
    return root / "data"


def _need(path: Path) -> Path:
    """Return ``path``, or skip (fail under CI=true) when it is missing."""
    if not path.exists():
        reason = (
            f"shared Banten data not found: {path}. Set GEO_PRIORITY_SHARED to the "
            "shared data folder."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _layer(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(
        _need(_shared_data_dir() / "boundaries" / name), engine="pyogrio"
    )


def _csv(*parts: str) -> pd.DataFrame:
    return pd.read_csv(_need(_shared_data_dir().joinpath(*parts)), dtype=str)


@pytest.fixture(scope="module")
def ocha_desa() -> gpd.GeoDataFrame:
    return _layer("banten_desa_ocha_bps2020.geojson")


@pytest.fixture(scope="module")
def ocha_areas(ocha_desa) -> gpd.GeoDataFrame:
    return prepare_boundaries(
        ocha_desa, code_column="village_code", name_column="village"
    )


@pytest.fixture(scope="module")
def ocha_kec(ocha_areas) -> gpd.GeoDataFrame:
    return dissolve_to_level(ocha_areas, level="kecamatan")


@pytest.fixture(scope="module")
def kmd_desa() -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # valid, known codes: no warning at all
        return prepare_boundaries(
            _layer("banten_desa_kemendagri2025_cahyadsn.geojson"),
            code_column="kode",
            name_column="nama",
        )


@pytest.fixture(scope="module")
def kmd_kab() -> gpd.GeoDataFrame:
    gdf = _layer("banten_kabkota_kemendagri2025_cahyadsn.geojson")
    # a module fixture is set up before the autouse English one: say it here
    with (
        use_language("en"),
        pytest.warns(GeometryRepairedWarning, match=r"repaired 1 invalid.*'36.02'"),
    ):
        return prepare_boundaries(gdf, code_column="kode", name_column="nama")


@pytest.fixture(scope="module")
def poverty_2022() -> pd.DataFrame:
    table = _csv("indicators", "banten_kabkota_poverty.csv")
    keep = (table["indicator"] == "extreme_poverty_rate") & (table["tahun"] == "2022")
    out = table.loc[keep, ["kode_wilayah", "nama", "value"]].reset_index(drop=True)
    out["value"] = out["value"].astype(float)
    return out


# ------------------------------------------------------------ BPS (OCHA) layer


def test_ocha_desa_prepare_and_dissolve(ocha_areas, ocha_kec):
    assert len(ocha_areas) == 1552
    assert ocha_areas.attrs == {"code_system": "bps", "level": "desa"}
    assert ocha_areas[ID].iloc[0] == "3601010001"
    assert ocha_areas[PARENT].iloc[0] == "3601010"
    assert ocha_areas[NAME].iloc[0] == "Ujungjaya"

    kec = ocha_kec
    assert len(kec) == 155
    assert kec[N_CHILDREN].sum() == 1552
    assert kec[ID].str.len().eq(7).all()

    kab = dissolve_to_level(kec, level="kabkota")
    assert kab[ID].tolist() == [c.replace(".", "") for c in KAB_CODES]
    assert kab[N_CHILDREN].tolist() == [35, 28, 29, 29, 13, 8, 6, 7]
    assert kab[NAME].tolist()[3] == "Kabupaten Serang"
    assert kab[NAME].tolist()[6] == "Kota Serang"
    assert kab[PARENT].eq("36").all()
    assert kab.is_valid.all()


def test_ocha_dissolve_matches_the_shared_dissolved_layer(ocha_kec):
    shared = _layer("banten_kecamatan_ocha_bps2020_dissolved.geojson")
    kec = ocha_kec
    expected = shared.set_index(shared["district_code"].str[2:])["n_desa"]
    ours = kec.set_index(ID)[N_CHILDREN]
    pd.testing.assert_series_equal(
        ours.sort_index(),
        expected.sort_index().astype("int64"),
        check_names=False,
        check_index_type=False,
    )
    utm = "EPSG:32748"
    np.testing.assert_allclose(
        kec.set_index(ID).sort_index().to_crs(utm).area.to_numpy(),
        shared.set_index(shared["district_code"].str[2:])
        .sort_index()
        .to_crs(utm)
        .area.to_numpy(),
        rtol=1e-6,
    )


# ------------------------------------------------------ Kemendagri 2025 layers


def test_kemendagri_layers_have_no_unknown_codes(kmd_desa, kmd_kab):
    assert len(kmd_desa) == 1552
    assert kmd_desa.attrs == {"code_system": "kemendagri", "level": "desa"}
    assert set(kmd_desa[ID]) == set(reference_areas("desa", within="36")["code"])
    assert kmd_kab[ID].tolist() == KAB_CODES
    assert kmd_kab.is_valid.all()

    kec = _layer("banten_kecamatan_kemendagri2025_cahyadsn.geojson")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        areas = prepare_boundaries(kec, code_column="kode", name_column="nama")
    kinds = [w.category for w in record]
    assert UnmatchedKeysWarning not in kinds  # 0 codes missing from the reference
    assert kinds == [GeometryRepairedWarning]  # 36.02.20 Cilograng, nested shells
    assert "'36.02.20'" in str(record[0].message)
    assert len(areas) == 155 and areas.is_valid.all()


def test_bps_and_kemendagri_kab_codes_agree(ocha_kec, kmd_kab):
    kab = dissolve_to_level(ocha_kec, level="kabkota")
    check_same_crs(kab, kmd_kab, names=["ocha", "kemendagri"])
    converted = [to_system(c, "bps", "kemendagri") for c in kab[ID]]
    assert converted == kmd_kab[ID].tolist()
    assert kab[NAME].tolist() == kmd_kab[NAME].tolist()


# ------------------------------------------------------------------------ joins


@pytest.fixture(scope="module")
def desa_crosswalk():
    return crosswalk_from_frame(
        _csv("boundaries", "banten_desa_crosswalk_bps2020_kemendagri2025.csv")
    )


def test_join_bps_desa_table_through_the_crosswalk(ocha_desa, kmd_desa, desa_crosswalk):
    # issue 9: a column that is neither count nor rate cannot be combined on
    # the 6 Kemendagri desa two BPS desa map onto (the crosswalk is blamed),
    # and the 58 pairs whose names the crosswalk records as different are
    # doubtful: held back without a value until accepted.
    table = pd.DataFrame(
        {"village_code": ocha_desa["village_code"], "value": np.arange(1552.0)}
    )
    with (
        pytest.warns(
            UnmatchedKeysWarning,
            match=r"12 duplicate rows, 6 areas without a table row",
        ),
        pytest.warns(DoubtfulMatchWarning, match=r"51 of them are held back"),
    ):
        joined, report = join_indicators(
            kmd_desa,
            table,
            code_column="village_code",
            crosswalk=desa_crosswalk,
            table_label="bps_desa",
        )
    assert report.entries["status"].value_counts().to_dict() == {
        MATCHED: 1489,
        DOUBTFUL_HELD: 51,
        DUPLICATE: 12,
        UNMATCHED_AREA: 6,
    }
    assert (report.n_areas, report.n_rows) == (1552, 1552)
    duplicated = report.entries[report.entries["status"] == DUPLICATE]
    assert duplicated["area_id"].nunique() == 6
    assert duplicated["detail"].str.contains("The crosswalk is at fault").all()
    assert not duplicated["detail"].str.contains("Remove the extra rows").any()
    assert joined["value"].notna().sum() == 1489
    assert joined.loc[joined[ID].isin(duplicated["area_id"]), "value"].isna().all()
    assert len(joined) == 1552 and joined.crs == kmd_desa.crs
    # first BPS desa (Ujungjaya 3601010001) lands on Kemendagri 36.01.01.2007
    assert joined.set_index(ID).loc["36.01.01.2007", "value"] == 0.0


def test_desa_crosswalk_collisions_sum_counts_once_doubt_is_accepted(
    ocha_desa, kmd_desa, desa_crosswalk
):
    table = pd.DataFrame(
        {"village_code": ocha_desa["village_code"], "value": np.arange(1552.0)}
    )
    with (
        pytest.warns(
            UnmatchedKeysWarning,
            match=r"^table 'bps_desa': 6 areas without a table row \(",
        ),
        pytest.warns(DoubtfulMatchWarning, match=r"58 matches need checking"),
    ):
        joined, report = join_indicators(
            kmd_desa,
            table,
            code_column="village_code",
            crosswalk=desa_crosswalk,
            table_label="bps_desa",
            counts=["value"],
            accept_all_doubtful=True,
        )
    assert report.entries["status"].value_counts().to_dict() == {
        MATCHED: 1494,
        DOUBTFUL: 58,
        UNMATCHED_AREA: 6,
    }
    assert joined["value"].notna().sum() == 1546  # issue 9: >= 1,546 of 1,552
    assert (
        "58 doubtful match(es) accepted by tables.accept_all_doubtful"
        in (report.notes[-1])
    )
    # Anggalan (36.02.17.2001) receives BPS Taman Jaya and Pasir Gintung: summed
    codes = ocha_desa["village_code"].str.removeprefix("id").tolist()
    both = codes.index("3602150004") + codes.index("3602150013")
    assert joined.set_index(ID).loc["36.02.17.2001", "value"] == both
    doubtful = report.entries[report.entries["status"] == DOUBTFUL]
    for bps, kmd in [
        ("Mekarsari", "Mekarjaya"),
        ("Bencongan", "Bencongan Indah"),
        ("Gelam Jaya", "Kuta Jaya"),
    ]:
        hit = doubtful["detail"].str.contains(
            f"names disagree: {bps!r} -> {kmd!r}", regex=False
        )
        assert hit.sum() == 1, (bps, kmd)


def test_join_poverty_by_code(kmd_kab, poverty_2022):
    joined, report = join_indicators(
        kmd_kab,
        poverty_2022,
        code_column="kode_wilayah",
        name_column="nama",
        table_label="poverty",
    )
    assert report.count(MATCHED) == 8
    assert report.ok
    row = report.entries[report.entries["status"] == OTHER_LEVEL].iloc[0]
    assert (row["row_code"], row["detail"]) == ("36", "different level (provinsi)")
    assert (
        report.summary()
        == "8 of 8 areas matched, 1 row of another level (a total, not used)"
    )
    expected = poverty_2022.set_index("kode_wilayah")["value"].drop("36")
    pd.testing.assert_series_equal(
        joined.set_index(ID)["value"],
        expected,
        check_names=False,
        check_index_type=False,
    )


def test_join_poverty_by_name_only(kmd_kab, poverty_2022):
    by_name = poverty_2022.drop(columns="kode_wilayah")
    with pytest.warns(UnmatchedKeysWarning, match=r"1 table row without an area"):
        joined, report = join_indicators(
            kmd_kab,
            by_name,
            code_column=None,
            name_column="nama",
            parent="36",
            table_label="poverty",
        )
    assert report.count(MATCHED_NAME) == 8
    matched = report.entries[report.entries["status"] == MATCHED_NAME]
    # no Kab/Kota confusion: every name landed on the area with its own code
    pairs = dict(zip(matched["row_name"], matched["area_id"], strict=True))
    assert pairs["Kab. Serang"] == "36.04" and pairs["Kota Serang"] == "36.73"
    assert pairs["Kab. Tangerang"] == "36.03" and pairs["Kota Tangerang"] == "36.71"
    assert pairs == dict(
        zip(poverty_2022["nama"][:8], poverty_2022["kode_wilayah"][:8], strict=True)
    )
    expected = poverty_2022.set_index("kode_wilayah")["value"].drop("36")
    np.testing.assert_allclose(joined.set_index(ID)["value"], expected.loc[KAB_CODES])


@pytest.mark.parametrize("with_names", [True, False])
def test_bps_desa_codes_declared_kemendagri_put_no_value_on_a_wrong_desa(
    ocha_desa, kmd_desa, with_names
):
    # issue 9: 99 BPS desa codes also read as Kemendagri codes of other desa;
    # none of them may carry a value (2 did so before without any doubt flag)
    table = pd.DataFrame(
        {
            "kode": ocha_desa["village_code"].str.removeprefix("id"),
            "nama": ocha_desa["village"],
            "value": np.arange(1552.0),
        }
    )
    with (
        pytest.warns(DoubtfulMatchWarning, match=r"99 of them are held back"),
        pytest.warns(UnmatchedKeysWarning),
    ):
        joined, report = join_indicators(
            kmd_desa,
            table if with_names else table.drop(columns="nama"),
            code_column="kode",
            name_column="nama" if with_names else None,
            code_system="kemendagri",
        )
    assert report.count(DOUBTFUL_HELD) == 99
    assert report.count(MATCHED) == report.count(DOUBTFUL) == 0
    assert report.held["detail"].str.contains("tables.code_system").all()
    assert joined["value"].isna().all()
