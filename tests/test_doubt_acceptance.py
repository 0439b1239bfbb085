"""A doubtful match never becomes a silent value: `run` stops, names the pair
and writes nothing until the config accepts it; an acceptance is recorded in
the run record and the map's method note."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from geo_priority.cli import cli
from geo_priority.config import load_config
from geo_priority.export.tables import read_ranked_csv

CODES = ["36.01", "36.02", "36.03", "36.04"]
NAMES = ["Kab. Pandeglang", "Kab. Lebak", "Kab. Tangerang", "Kab. Serang"]


def _config(tmp_path: Path, accept: str = "") -> Path:
    gpd.GeoDataFrame(
        {"kode": CODES, "nama": NAMES},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(4)],
        crs=4326,
    ).to_file(tmp_path / "kab.geojson")
    # the code says Kab. Lebak, the name says Kota Cilegon: a doubtful match
    table_names = ["Pandeglang", "Kota Cilegon", "Tangerang", "Serang"]
    pd.DataFrame(
        {"kode": CODES, "nama": table_names, "p0": [9.3, 8.6, 6.9, 4.9]}
    ).to_csv(tmp_path / "t.csv", index=False)
    path = tmp_path / "c.toml"
    path.write_text(
        '[boundaries]\npath = "kab.geojson"\ncode_column = "kode"\n'
        'name_column = "nama"\ncode_system = "kemendagri"\n'
        '[[tables]]\npath = "t.csv"\ncode_column = "kode"\nname_column = "nama"\n'
        f"{accept}\n"
        '[scoring]\n[[scoring.indicators]]\nkey = "p0"\nunit = "%"\n'
        '[classify]\nscheme = "equal_interval"\nk = 2\n'
        '[outputs]\nformats = ["html", "csv", "json"]\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.filterwarnings("default::geo_priority.errors.GeoPriorityWarning")
def test_run_refuses_unaccepted_doubt_and_writes_nothing(tmp_path: Path):
    result = CliRunner().invoke(cli, ["run", str(_config(tmp_path))])
    assert result.exit_code == 1
    assert "Kota Cilegon -> Kab. Lebak (36.02)" in result.stderr
    assert "tables.accept_doubtful" in result.stderr
    assert not (tmp_path / "maps").exists()


@pytest.mark.filterwarnings("default::geo_priority.errors.GeoPriorityWarning")
@pytest.mark.parametrize(
    "accept", ['accept_doubtful = ["36.02"]', "accept_all_doubtful = true"]
)
def test_accepted_doubt_carries_its_value_and_is_recorded(tmp_path: Path, accept: str):
    result = CliRunner().invoke(cli, ["run", str(_config(tmp_path, accept))])
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "c.toml")
    ranked = read_ranked_csv(
        tmp_path / "maps" / "priority_peringkat.csv", config.scoring.indicators
    )
    assert ranked.set_index("area_id").loc["36.02", "p0"] == 8.6
    record = json.loads((tmp_path / "maps" / "priority_run.json").read_text())
    table = record["config"]["tables"][0]
    assert table["accept_doubtful"] == ["36.02"] or table["accept_all_doubtful"]
    html = (tmp_path / "maps" / "priority.html").read_text(encoding="utf-8")
    assert "accepted" in html or "diterima" in html  # said in the method note
