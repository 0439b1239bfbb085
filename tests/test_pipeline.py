"""End-to-end runs on small in-code inputs: library API and CLI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from geo_priority import pipeline
from geo_priority.cli import cli
from geo_priority.config import load_config
from geo_priority.errors import DoubtfulMatchWarning
from geo_priority.export.tables import read_ranked_csv

KAB = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72"]
NAMES = [
    "Kab. Pandeglang",
    "Kab. Lebak",
    "Kab. Tangerang",
    "Kab. Serang",
    "Kota Tangerang",
    "Kota Cilegon",
]
# extreme-poverty rate (%) and population: hand-checkable numbers
RATE = ["2,0", "1,0", "0,5", "1,5", "0,5", "0,0"]
POP = ["1.000.000", "2.000.000", "4.000.000", "1.000.000", "2.000.000", "500.000"]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    areas = gpd.GeoDataFrame(
        {"kode": KAB, "nama": NAMES},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(6)],
        crs="EPSG:4326",
    )
    areas.to_file(tmp_path / "kab.geojson", driver="GeoJSON")
    rows = ["kode_wilayah;nama;tahun;indicator;value"]
    for code, name, rate, pop in zip(KAB, NAMES, RATE, POP, strict=True):
        rows.append(f"{code};{name};2022;extreme_poverty_rate;{rate}")
        rows.append(f"{code};{name};2023;population;{pop}")
    (tmp_path / "figures.csv").write_text("\n".join(rows) + "\n", encoding="cp1252")
    (tmp_path / "run.toml").write_text(
        """
title = "Uji"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "figures.csv"
code_column = "kode_wilayah"
name_column = "nama"
[scoring]
preset = "kemiskinan-ekstrem"
year = 2022
preset_options = { population_year = 2023 }
[classify]
scheme = "prioritas"
k = 4
[outputs]
dir = "out"
name = "uji"
""",
        encoding="utf-8",
    )
    return tmp_path / "run.toml"


def test_run_scores_hand_checked(inputs: Path):
    result = pipeline.run(load_config(inputs))
    areas = result.analysis.areas.set_index("area_id")
    # extreme poor = rate x population / 100
    assert areas["extreme_poor"].tolist() == [20000, 20000, 20000, 15000, 10000, 0]
    # target normalisation (distance to 0) with weights 0.5/0.5 after the
    # optional indicators drop out: rate/2.0 and count/20000
    expected = {
        "36.01": 100.0,
        "36.02": 75.0,
        "36.03": 62.5,
        "36.04": 75.0,
        "36.71": 37.5,
        "36.72": 0.0,
    }
    assert areas["priority_score"].round(6).to_dict() == expected
    assert areas.loc["36.01", "priority_rank"] == 1
    assert areas.loc["36.72", "priority_class"] == 4
    total = areas["contrib_extreme_poverty_rate"] + areas["contrib_extreme_poor"]
    assert (total.round(6) == areas["priority_score"].round(6)).all()
    out = inputs.parent / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "uji.gpkg",
        "uji.html",
        "uji_laporan_join.csv",
        "uji_peringkat.csv",
        "uji_run.json",
    ]
    table = read_ranked_csv(out / "uji_peringkat.csv")
    assert table["area_id"].iloc[0] == "36.01"
    record = json.loads((out / "uji_run.json").read_text(encoding="utf-8"))
    assert set(record["inputs"]) == {"kab.geojson", "figures.csv"}
    assert str(inputs.parent) not in (out / "uji.html").read_text(encoding="utf-8")


def test_html_is_offline_and_escaped(inputs: Path, tmp_path: Path):
    areas = gpd.read_file(tmp_path / "kab.geojson")
    areas.loc[0, "nama"] = "<img src=x onerror=alert(1)>"
    areas.to_file(tmp_path / "kab.geojson", driver="GeoJSON")
    # the disagreeing names make a doubtful match, which must be accepted
    text = inputs.read_text(encoding="utf-8")
    inputs.write_text(
        text.replace("[[tables]]", "[[tables]]\naccept_all_doubtful = true"),
        encoding="utf-8",
    )
    with pytest.warns(DoubtfulMatchWarning, match="<img src=x"):
        result = pipeline.run(load_config(inputs))
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "\\u003cimg src=x onerror=alert(1)>" in html  # data, shown with textContent
    assert 'src="http' not in html and 'stylesheet" href="http' not in html


def test_cli_run_and_overwrite(inputs: Path):
    runner = CliRunner()
    first = runner.invoke(cli, ["run", str(inputs)])
    assert first.exit_code == 0, first.output
    assert "uji.html" in first.stdout
    again = runner.invoke(cli, ["run", str(inputs)])
    assert again.exit_code == 1
    assert "sudah ada" in again.output and "--overwrite" in again.output
    forced = runner.invoke(cli, ["run", str(inputs), "--overwrite", "--lang", "en"])
    assert forced.exit_code == 0, forced.output


def test_cli_check_unknown_code_exits_1_and_names_it(inputs: Path, tmp_path: Path):
    csv = tmp_path / "figures.csv"
    text = csv.read_text(encoding="cp1252").replace(
        "36.72;Kota Cilegon", "36.99;Kota X"
    )
    csv.write_text(text, encoding="cp1252")
    result = CliRunner().invoke(cli, ["check", str(inputs)])
    assert result.exit_code == 1
    assert "36.99" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_check_ok_exits_0(inputs: Path):
    result = CliRunner().invoke(cli, ["check", str(inputs)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [["run"], ["run", "missing.toml"], ["demo", "--lang", "fr"], ["nonsense"]],
)
def test_cli_usage_errors_exit_2(args):
    assert CliRunner().invoke(cli, args).exit_code == 2


def test_cli_unknown_column_lists_available(inputs: Path):
    text = inputs.read_text(encoding="utf-8").replace(
        'code_column = "kode_wilayah"', 'code_column = "kode_wil"'
    )
    inputs.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(inputs)])
    assert result.exit_code == 1
    assert "kode_wil" in result.output and "kode_wilayah" in result.output


def test_missing_indicator_reports_and_policy(inputs: Path, tmp_path: Path):
    csv = tmp_path / "figures.csv"
    lines = [
        ln
        for ln in csv.read_text(encoding="cp1252").splitlines()
        if not ln.startswith("36.04;Kab. Serang;2022")
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="cp1252")
    result = CliRunner().invoke(cli, ["run", str(inputs)])
    assert result.exit_code == 1
    assert "1 dari 6 wilayah" in result.output and "36.04" in result.output
    text = inputs.read_text(encoding="utf-8").replace(
        "year = 2022\n", 'year = 2022\nmissing = "drop"\n'
    )
    inputs.write_text(text, encoding="utf-8")
    dropped = CliRunner().invoke(cli, ["run", str(inputs)])
    assert dropped.exit_code == 0, dropped.output
    table = read_ranked_csv(tmp_path / "out" / "uji_peringkat.csv")
    assert table.loc[table["area_id"] == "36.04", "priority_score"].isna().all()


def test_all_equal_values_cannot_be_classified(inputs: Path, tmp_path: Path):
    rows = ["kode_wilayah;nama;tahun;indicator;value"]
    for code, name in zip(KAB, NAMES, strict=True):
        rows.append(f"{code};{name};2022;extreme_poverty_rate;1")
        rows.append(f"{code};{name};2023;population;1000")
    (tmp_path / "figures.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = inputs.read_text(encoding="utf-8").replace('"prioritas"', '"quantiles"')
    inputs.write_text(cfg, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(inputs)])
    assert result.exit_code == 1
    assert "semua wilayah mempunyai skor yang sama" in result.output
    assert not (tmp_path / "out").exists()


def test_finer_table_is_aggregated_and_rates_rederived(tmp_path: Path):
    areas = gpd.GeoDataFrame(
        {"kode": ["36.01.01", "36.01.02"]},
        geometry=[box(106, -6.5, 106.1, -6.4), box(106.1, -6.5, 106.2, -6.4)],
        crs="EPSG:4326",
    )
    areas.to_file(tmp_path / "kec.geojson", driver="GeoJSON")
    pd.DataFrame(
        {
            "kode_desa": ["36.01.01.2001", "36.01.01.2002", "36.01.02.2001"],
            "poor": [1, 10, 5],
            "pop": [10, 1000, 100],
            "rate": [10.0, 1.0, 5.0],  # given desa rates: must not be averaged
        }
    ).to_csv(tmp_path / "desa.csv", index=False)
    (tmp_path / "agg.toml").write_text(
        """
[boundaries]
path = "kec.geojson"
code_column = "kode"
code_system = "kemendagri"
[[tables]]
path = "desa.csv"
code_column = "kode_desa"
code_system = "kemendagri"
level = "desa"
[scoring]
[[scoring.indicators]]
key = "poor"
score = false
[[scoring.indicators]]
key = "pop"
score = false
[[scoring.indicators]]
key = "rate"
unit = "%"
numerator = "poor"
denominator = "pop"
[classify]
scheme = "prioritas"
k = 2
[outputs]
formats = ["csv"]
""",
        encoding="utf-8",
    )
    analysis = pipeline.analyse(load_config(tmp_path / "agg.toml"))
    got = analysis.areas.set_index("area_id")
    assert got.loc["36.01.01", "poor"] == 11
    assert got.loc["36.01.01", "pop"] == 1010
    assert got.loc["36.01.01", "rate"] == pytest.approx(100 * 11 / 1010)  # not 5.5
    assert got.loc["36.01.02", "rate"] == pytest.approx(5.0)


def test_rate_without_parts_cannot_be_summed(tmp_path: Path):
    areas = gpd.GeoDataFrame(
        {"kode": ["36.01.01"]}, geometry=[box(106, -6.5, 106.1, -6.4)], crs="EPSG:4326"
    )
    areas.to_file(tmp_path / "kec.geojson", driver="GeoJSON")
    pd.DataFrame(
        {"kode_desa": ["36.01.01.2001", "36.01.01.2002"], "rate": [10.0, 1.0]}
    ).to_csv(tmp_path / "desa.csv", index=False)
    (tmp_path / "agg.toml").write_text(
        """
[boundaries]
path = "kec.geojson"
code_column = "kode"
[[tables]]
path = "desa.csv"
code_column = "kode_desa"
code_system = "kemendagri"
level = "desa"
[scoring]
[[scoring.indicators]]
key = "rate"
unit = "%"
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "agg.toml")])
    assert result.exit_code == 1
    assert "tidak dapat dijumlahkan" in result.output and "numerator" in result.output


def _four_desa(tmp_path: Path) -> Path:
    codes = ["36.01.01.2001", "36.01.01.2002", "36.01.02.2001", "36.01.02.2002"]
    geoms = [box(106 + i * 0.05, -6.5, 106.05 + i * 0.05, -6.45) for i in range(4)]
    gpd.GeoDataFrame(
        {"kode": codes, "nama": ["A", "B", "C", "D"]}, geometry=geoms, crs="EPSG:4326"
    ).to_file(tmp_path / "desa.geojson")
    pd.DataFrame(
        {
            "kode": codes,
            "poor": [1, 10, 5, 0],
            "pop": [10, 1000, 100, 50],
            "rate": [10.0, 1.0, 5.0, 0.0],
        }
    ).to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "levels.toml").write_text(
        """
[boundaries]
path = "desa.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode"
[scoring]
[[scoring.indicators]]
key = "poor"
[[scoring.indicators]]
key = "pop"
score = false
[[scoring.indicators]]
key = "rate"
unit = "%"
numerator = "poor"
denominator = "pop"
[classify]
scheme = "prioritas"
k = 2
[outputs]
formats = ["html"]
map_levels = ["kecamatan", "kabkota"]
""",
        encoding="utf-8",
    )
    return tmp_path / "levels.toml"


def test_map_levels_are_reaggregated_not_averaged(tmp_path: Path):
    analysis = pipeline.analyse(load_config(_four_desa(tmp_path)))
    kec, kab = analysis.levels
    got = kec.areas.set_index("area_id")
    assert got.loc["36.01.01", "poor"] == 11 and got.loc["36.01.01", "pop"] == 1010
    assert got.loc["36.01.01", "rate"] == pytest.approx(100 * 11 / 1010)
    assert got.loc["36.01.02", "rate"] == pytest.approx(100 * 5 / 150)
    assert kab.areas["rate"].iloc[0] == pytest.approx(100 * 16 / 1160)
    assert kec.areas.attrs["level"] == "kecamatan" and len(kab.areas) == 1
    # min-max over two kecamatan: one has more poor, the other the higher rate
    assert kec.areas["priority_score"].tolist() == [50.0, 50.0]
    assert kec.areas["priority_rank"].tolist() == [1, 1]


def test_map_level_must_be_coarser(tmp_path: Path):
    text = (
        _four_desa(tmp_path)
        .read_text(encoding="utf-8")
        .replace('map_levels = ["kecamatan", "kabkota"]', 'map_levels = ["desa"]')
    )
    (tmp_path / "levels.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "levels.toml")])
    assert result.exit_code == 1
    assert "tidak lebih kasar" in result.output and "'desa'" in result.output
