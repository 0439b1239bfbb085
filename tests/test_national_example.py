"""examples/nasional_kabkota.toml on the real shared BPS exports (all 514 kab/kota).

The exports in ../shared/data/indicators/national_kabkota/ are read exactly as
downloaded; the run must join 514 of 514 kab/kota and keep every value on its
own area: Tangerang and Serang under BANTEN, the Papua split, the renamed
areas and ``-`` as no data.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geo_priority import io
from geo_priority.cli import cli
from geo_priority.config import load_config
from geo_priority.export.tables import read_ranked_csv

from conftest import require_shared

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "nasional_kabkota.toml"
EXPORTS = ("indicators", "national_kabkota")
P0_FILE = "bps_p0_kabkota_2018-2024.xlsx"
P0 = "Persentase Penduduk Miskin"


def _example_copy(folder: Path) -> Path:
    """Copy the example with absolute shared-data paths and outputs in ``folder``."""
    shared = require_shared(*EXPORTS).parents[1].as_posix()
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"../../shared/data/', f'"{shared}/')
    text = text.replace('dir = "../maps"', f'dir = "{(folder / "out").as_posix()}"')
    copy = folder / EXAMPLE.name
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def national_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, float, Path]:
    """Run ``geo-priority run`` on the example once; return output, seconds, out."""
    folder = tmp_path_factory.mktemp("nasional")
    copy = _example_copy(folder)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired polygons are reported on stderr
        result = CliRunner().invoke(cli, ["run", str(copy)])
    seconds = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    return result.output, seconds, folder / "out"


@pytest.fixture(scope="module")
def ranked(national_run: tuple[str, float, Path]) -> pd.DataFrame:
    out = national_run[2]
    indicators = load_config(out.parent / EXAMPLE.name).scoring.indicators
    table = read_ranked_csv(out / "nasional_kabkota_peringkat.csv", indicators)
    return table.set_index("area_id")


# --- the reader alone, on the real exports -------------------------------------


def test_p0_export_reads_into_514_kabkota_and_38_provinces() -> None:
    long = io.read_table(require_shared(*EXPORTS, P0_FILE))
    areas = long[long["tingkat"] == "kabkota"]
    assert areas[["nama", "provinsi"]].drop_duplicates().shape[0] == 514
    assert long[long["tingkat"] == "provinsi"]["kode"].nunique() == 38
    assert not areas.duplicated(["nama", "provinsi", "indicator", "tahun"]).any()
    # after the Papua split is joined, no kab/kota value is missing
    assert areas["value"].notna().all()


def test_every_download_of_the_poor_population_reads_the_same_areas() -> None:
    names = None
    for years in ("2016-2018", "2019-2021", "2022-2024"):
        path = require_shared(
            *EXPORTS, f"bps_penduduk_miskin_ribu_kabkota_{years}.xlsx"
        )
        long = io.read_table(path)
        areas = long[long["tingkat"] == "kabkota"]
        found = set(zip(areas["nama"], areas["provinsi"], strict=True))
        assert len(found) == 514
        names = found if names is None else names
        assert found == names


def test_dash_in_the_real_export_is_no_data_never_zero() -> None:
    long = io.read_table(require_shared(*EXPORTS, P0_FILE))
    # the new Papua provinces have no province figure before 2024
    selatan = long[(long["nama_bps"] == "PAPUA SELATAN") & (long["tahun"] == 2023)]
    assert selatan["value"].isna().all()
    assert selatan["catatan"].iloc[0] == "tidak ada data ('-' di ekspor)"
    assert (long["value"].dropna() > 0).all()


# --- the whole run --------------------------------------------------------------


def test_run_joins_514_of_514_kabkota(national_run: tuple[str, float, Path]) -> None:
    output, seconds, out = national_run
    assert seconds < 60, f"the national run took {seconds:.0f} s"
    report = pd.read_csv(out / "nasional_kabkota_laporan_join.csv", dtype=str)
    joined = report[report["status"].isin(["matched", "matched_name"])]
    for table in ("bps_p0", "bps_miskin_2016_2018", "bps_miskin_2022_2024"):
        areas = joined[joined["table"] == table]["area_id"]
        assert areas.nunique() == len(areas) == 514, table
        rest = report[(report["table"] == table) & ~report.index.isin(joined.index)]
        # only the 38 province rows are left: another level, never joined
        assert rest["status"].eq("other_level").all() and len(rest) == 38, table
    assert not report["status"].isin(["doubtful", "ambiguous", "duplicate"]).any()
    assert "Pencocokan tabel dengan wilayah: 514 dari 514 wilayah cocok" in output


def test_every_area_has_its_values_and_a_score(ranked: pd.DataFrame) -> None:
    assert len(ranked) == 514
    columns = ["p0", "p0_2023", "p0_2019", "penduduk_miskin", "penduduk_dukcapil"]
    assert ranked[columns].notna().all().all()
    assert ranked["priority_score"].notna().all()
    assert sorted(ranked["priority_class"].unique()) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("code", "p0_2023", "p0_2024"),
    [
        ("36.03", 6.93, 6.55),  # Tangerang under BANTEN: Kabupaten Tangerang
        ("36.71", 5.89, 5.43),  # Kota Tangerang
        ("36.04", 4.85, 4.51),  # Serang under BANTEN: Kabupaten Serang
        ("36.73", 6.20, 5.65),  # Kota Serang
        ("36.01", 9.27, None),  # Pandeglang (spot-checked in the README)
    ],
)
def test_tangerang_and_serang_values_stay_on_their_own_area(
    ranked: pd.DataFrame, code: str, p0_2023: float, p0_2024: float | None
) -> None:
    assert ranked.loc[code, "p0_2023"] == p0_2023
    if p0_2024 is not None:
        assert ranked.loc[code, "p0"] == p0_2024


@pytest.mark.parametrize(
    ("code", "p0_2019", "p0_2023", "p0_2024"),
    [
        ("95.08", 38.24, 37.09, 36.28),  # Nduga *: Papua -> Papua Pegunungan
        ("93.01", 10.35, 10.01, 10.19),  # Merauke: Papua -> Papua Selatan
        ("96.01", 28.61, 26.88, 25.71),  # Sorong: Papua Barat -> Papua Barat Daya
        ("96.71", 15.45, 14.41, 13.67),  # Kota Sorong
        ("91.03", 13.13, 11.45, 11.60),  # Jayapura stays in Papua
    ],
)
def test_papua_split_areas_have_their_full_series(
    ranked: pd.DataFrame, code: str, p0_2019: float, p0_2023: float, p0_2024: float
) -> None:
    values = ranked.loc[code, ["p0_2019", "p0_2023", "p0"]].tolist()
    assert values == [p0_2019, p0_2023, p0_2024]


@pytest.mark.parametrize(
    ("code", "name", "p0_2024"),
    [
        ("12.12", "Kabupaten Toba", 8.07),  # Toba Samosir
        ("61.02", "Kabupaten Mempawah", 4.83),  # Pontianak
        ("76.01", "Kabupaten Pasangkayu", 5.21),  # Mamuju Utara
        ("81.03", "Kabupaten Kepulauan Tanimbar", 23.66),  # Maluku Tenggara Barat
        ("64.11", "Kabupaten Mahakam Ulu", 10.75),  # Mahakam Hulu
        ("63.02", "Kabupaten Kotabaru", 4.45),  # "Kota Baru", a kabupaten
        ("61.71", "Kota Pontianak", 4.20),  # not confused with Kab. Pontianak
    ],
)
def test_renamed_areas_get_their_values(
    ranked: pd.DataFrame, code: str, name: str, p0_2024: float
) -> None:
    assert ranked.loc[code, "area_name"] == name
    assert ranked.loc[code, "p0"] == p0_2024


def test_three_downloads_of_the_poor_combine_into_one_series(
    ranked: pd.DataFrame,
) -> None:
    # Pandeglang: 2018 from the first, 2021 from the second, 2024 from the third
    row = ranked.loc["36.01"]
    assert row[["penduduk_miskin_2018", "penduduk_miskin_2021"]].notna().all()
    assert row["penduduk_miskin"] > 0


def test_dukcapil_population_is_kept_apart(ranked: pd.DataFrame) -> None:
    # the register count, not the Susenas-implied population (poor / P0)
    assert ranked.loc["36.01", "penduduk_dukcapil"] > 1_400_000
    assert "contrib_penduduk_dukcapil" not in ranked.columns


# --- one file per province gives the values of the whole table --------------------


def test_one_table_per_province_gives_exactly_the_whole_tables_values() -> None:
    """The real P0 export split by province into 38 tables (as a planner gets one
    file per province), joined by name within each row's province."""
    import geo_priority as gp

    exports = require_shared(*EXPORTS)
    boundaries = io.read_boundaries(
        require_shared(
            "boundaries", "indonesia_kabkota_kemendagri2025_cahyadsn.geojson"
        )
    )
    whole = io.read_table(exports / P0_FILE, code_columns=["kode"], layout="bps")
    columns = {
        "layout": "long",
        "code_column": "kode",
        "name_column": "nama",
        "parent_column": "provinsi",
        "code_system": "kemendagri",
    }
    method = {
        "boundaries": {
            "code_column": "kode",
            "name_column": "nama",
            "code_system": "kemendagri",
            "level": "kabkota",
        },
        "scoring": {
            "indicators": [{"key": "p0", "source": P0, "year": 2024, "unit": "%"}]
        },
        "classify": {"scheme": "quantiles", "k": 5},
    }
    provinces = {p: t for p, t in whole.groupby("provinsi", sort=True)}  # noqa: C416
    assert len(provinces) == 38
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired polygons
        one = gp.analyse(
            boundaries,
            {"all": whole},
            {**method, "tables": [{"label": "all", **columns}]},
        )
        split = gp.analyse(
            boundaries,
            provinces,
            {**method, "tables": [{"label": p, **columns} for p in provinces]},
        )
    got = split.areas.set_index("area_id")["p0"].sort_index()
    expected = one.areas.set_index("area_id")["p0"].sort_index()
    assert got.notna().sum() == 514
    pd.testing.assert_series_equal(got, expected)


# --- progress over the national P0 series, and hotspots over 514 kab/kota -------

#: P0 years the example does not list (it has 2019, 2023 and 2024).
EXTRA_P0_YEARS = (2018, 2020, 2021, 2022)
PROGRESS_AND_HOTSPOTS = """
[progress]
indicator = "Persentase Penduduk Miskin"
target_id = "rpjmn-p0-2024"
unit = "%"

[hotspots]
column = "priority_score"
permutations = 199
"""


def _with_progress(copy: Path) -> Path:
    """Add P0 2018-2024 (not scored), ``[progress]`` and ``[hotspots]`` to a copy."""
    years = "".join(
        f'\n[[scoring.indicators]]\nkey = "p0_{y}"\nsource = "{P0}"\nyear = {y}\n'
        'score = false\nweight = 0\nunit = "%"\n'
        for y in EXTRA_P0_YEARS
    )
    text = copy.read_text(encoding="utf-8").replace(
        "[classify]", f"{years}\n[classify]"
    )
    copy.write_text(text + PROGRESS_AND_HOTSPOTS, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def progress_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, pd.DataFrame]:
    """Run the example with progress and hotspots; return output and ranked table."""
    folder = tmp_path_factory.mktemp("nasional_kemajuan")
    copy = _with_progress(_example_copy(folder))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired polygons are reported on stderr
        result = CliRunner().invoke(cli, ["run", str(copy)])
    assert result.exit_code == 0, result.output
    out = folder / "out"
    assert (out / "nasional_kabkota_kemajuan.png").stat().st_size > 10_000
    indicators = load_config(copy).scoring.indicators
    table = read_ranked_csv(out / "nasional_kabkota_peringkat.csv", indicators)
    return result.output, table.set_index("area_id")


def test_national_p0_series_gives_every_kabkota_a_trend_and_no_invented_status(
    progress_run: tuple[str, pd.DataFrame],
) -> None:
    output, ranked = progress_run
    assert len(ranked) == 514
    assert (ranked["trend_years"] == 7).all()
    assert ranked["trend_slope"].notna().all()
    assert ranked["projected_2024"].notna().all()
    # Theil-Sen slopes of the xlsx cells 2018-2024 (scipy.stats.theilslopes):
    # Pandeglang 9.61 9.42 9.92 10.72 9.32 9.27 9.18 -> -0.07 per year, 9.21 in
    # 2024; Nduga 38.13 38.24 36.72 37.18 36.73 37.09 ("Nduga *") and 36.28
    # ("Nduga", 2024) -> -0.30, 36.19; Simeulue -> -0.34, 17.47
    for code, slope, projected in (
        ("36.01", -0.07, 9.21),
        ("95.08", -0.30, 36.19),
        ("11.09", -0.34, 17.47),
    ):
        assert ranked.loc[code, "trend_slope"] == pytest.approx(slope, abs=0.005)
        assert ranked.loc[code, "projected_2024"] == pytest.approx(projected, abs=0.005)
    # the RPJMN 2020-2024 P0 target is Indonesia's national rate: no kab/kota
    # is measured against it, and the run says so
    assert ranked["progress_status"].isna().all()
    assert ranked["target_gap"].isna().all()
    assert "514 wilayah di luarnya mendapat tren dan proyeksi" in output
    assert "tidak ada target yang dikarang" in output


def test_hotspots_over_514_kabkota_give_islands_neighbours_in_their_province(
    progress_run: tuple[str, pd.DataFrame],
) -> None:
    output, ranked = progress_run
    assert "hotspot: 36 wilayah tanpa tetangga yang berbatasan (pulau)" in output
    assert (
        "Kota Sabang (Kota Banda Aceh, Kabupaten Aceh Besar, Kabupaten Pidie)" in output
    )
    assert ranked["n_neighbours"].ge(1).all()
    assert ranked["hotspot"].value_counts().to_dict() == {
        "tidak signifikan": 458,
        "rendah-rendah": 33,
        "tinggi-tinggi": 21,
        "rendah-tinggi": 2,
    }
    assert ranked["gi_class"].value_counts().to_dict() == {
        "tidak signifikan": 458,
        "titik dingin": 33,
        "titik panas": 23,
    }
