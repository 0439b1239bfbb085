"""Issue 12 end to end: robustness, hotspots and progress on the Banten kab/kota run.

``examples/banten_kabkota.toml`` (the kemiskinan-ekstrem preset on the real
Kemendagri kab/kota layer and the sourced BPS table in ``data/``) with the
three analyses each switched on by its own config section::

    [robustness]  enabled = true, draws = 500
    [hotspots]    (defaults: queen, 999 permutations, FDR)
    [progress]    indicator = "p0_poverty_rate", target_id = "banten-p0-2025"

and the yearly P0 list 2019-2024 for the trend. One ``pipeline.run`` writes
the HTML map, GeoPackage, ranked CSV and run record; the static figure is
built from the same analysis. Each analysis must show in all of them.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from geo_priority import pipeline
from geo_priority.config import config_from_dict
from geo_priority.errors import GeometryRepairedWarning

from conftest import require_shared

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
ROBUSTNESS = ["rank_median", "rank_low", "rank_high", "p_class1"]
HOTSPOT = ["hotspot", "hotspot_p", "gi_z", "gi_class"]
PROGRESS = ["trend_slope", "projected_2025", "target_gap", "progress_status"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    require_shared("boundaries", "banten_kabkota_kemendagri2025_cahyadsn.geojson")
    data = tomllib.loads((EXAMPLES / "banten_kabkota.toml").read_text("utf-8"))
    out = tmp_path_factory.mktemp("banten_analytics")
    data["outputs"].update(dir=str(out), formats=["html", "gpkg", "csv", "json"])
    data["scoring"]["indicators"] = [
        {
            "key": f"p0_{year}",
            "source": "p0_poverty_rate",
            "year": year,
            "score": False,
            "optional": True,
            "unit": "%",
            "label": "P0",
        }
        for year in range(2019, 2025)
    ]
    data["robustness"] = {"enabled": True, "draws": 500}
    data["hotspots"] = {}
    data["progress"] = {"indicator": "p0_poverty_rate", "target_id": "banten-p0-2025"}
    config = config_from_dict(data, base_dir=str(EXAMPLES))
    with pytest.warns(GeometryRepairedWarning, match="36.02"):  # Lebak's polygon
        return pipeline.run(config)


def test_each_section_adds_its_columns_for_all_8(run: Any) -> None:
    areas = run.analysis.areas.set_index("area_id")
    assert len(areas) == 8
    for column in (*ROBUSTNESS, *HOTSPOT, *PROGRESS):
        assert column in areas.columns, column
    assert areas[ROBUSTNESS].notna().all().all()
    assert areas["hotspot"].notna().all() and areas["progress_status"].notna().all()
    # 2023 is one P0 value: the preset's scored P0 and the listed year are one
    p0_2023 = [
        i
        for i in run.analysis.indicators
        if i.year == 2023 and (i.source or i.key) == "p0_poverty_rate"
    ]
    assert [(i.key, i.weight, i.score) for i in p0_2023] == [("p0_2023", 0.1, True)]
    counts = run.analysis.progress.result.status_counts()
    assert counts == {"on track": 3, "at risk": 1, "off track": 4, "none": 0}


def test_gpkg_and_ranked_csv_carry_the_columns(run: Any) -> None:
    import geopandas as gpd

    from geo_priority.export.tables import read_ranked_csv

    areas = run.analysis.areas.set_index("area_id")
    layer = gpd.read_file(run.outputs["gpkg"], layer="banten_kabkota", engine="pyogrio")
    layer = layer.set_index("area_id")
    ranked = read_ranked_csv(run.outputs["csv"], run.analysis.indicators)
    ranked = ranked.set_index("area_id")
    for column in (*ROBUSTNESS, *HOTSPOT, *PROGRESS):
        for table, name in ((layer, "gpkg"), (ranked, "csv")):
            assert column in table.columns, (name, column)
    for table in (layer, ranked):
        assert table.loc[areas.index, "rank_low"].tolist() == areas["rank_low"].tolist()
        assert (
            table.loc[areas.index, "progress_status"].tolist()
            == areas["progress_status"].tolist()
        )
        assert table.loc[areas.index, "hotspot"].tolist() == areas["hotspot"].tolist()


def test_html_map_has_the_three_layers_and_tooltip_lines(run: Any) -> None:
    from geo_priority.metadata import run_record
    from geo_priority.render.spec import map_spec
    from geo_priority.render.texts import map_texts

    html = run.outputs["html"].read_text(encoding="utf-8")
    for label in ("Peluang masuk kelas 1", "Klaster (LISA)", "Kemajuan menuju target"):
        assert label in html, label
    analysis = run.analysis
    view = map_spec(
        analysis.areas,
        analysis.classification,
        indicators=analysis.indicators,
        texts=map_texts(analysis, run_record(analysis)),
        lang="id",
    )["views"][0]
    labels = [layer["label"] for layer in view["layers"]]
    i_chance = labels.index("Peluang masuk kelas 1")
    i_cluster, i_progress = (
        labels.index("Klaster (LISA)"),
        labels.index("Kemajuan menuju target"),
    )
    areas = analysis.areas.set_index("area_id")
    for props in view["props"]:
        row = areas.loc[props["id"]]
        assert props["rb"]["line"].startswith(f"Peringkat median {row['rank_median']}")
        assert props["f"][i_cluster + 2] == row["hotspot"]
        assert props["f"][i_progress + 2] == row["progress_label"]
        assert props["f"][i_chance + 2]  # the chance of class 1 in words
    assert props["rb"]["line"] in html


def test_figure_shows_whiskers_statuses_and_clusters(run: Any) -> None:
    from matplotlib.lines import Line2D

    from geo_priority.outputs import build_figure
    from geo_priority.render._figure_analytics import STATUS_SYMBOLS

    fig = build_figure(run.analysis)
    names = [t.get_text() for t in fig.texts if t.get_gid() == "top_name"]
    whiskers = [
        a for a in fig.artists if isinstance(a, Line2D) and a.get_gid() == "whisker"
    ]
    marks = [t.get_text() for t in fig.texts if t.get_gid() == "top_status"]
    assert len(names) == len(whiskers) == len(marks) >= 5  # as many as fit
    listed = run.analysis.areas.sort_values(["priority_rank", "area_name"])
    statuses = listed["progress_status"].head(len(names)).tolist()
    assert marks == [STATUS_SYMBOLS[s] for s in statuses]
    (key,) = [t for t in fig.texts if t.get_gid() == "status_key"]
    assert key.get_text().startswith("Target: ✓ sesuai jalur")
    high_high = (run.analysis.areas["hotspot"] == "tinggi-tinggi").sum()
    outlines = fig.findobj(lambda a: a.get_gid() == "cluster_outline")
    assert len(outlines) == (1 if high_high else 0)


def test_run_record_and_progress_figure(run: Any) -> None:
    record = json.loads(run.outputs["json"].read_text(encoding="utf-8"))
    assert record["robustness"]["draws"] == 500
    assert record["hotspots"]["columns"][:2] == ["hotspot", "hotspot_p"]
    target = record["progress"]["target"]
    assert (target["id"], target["low"], target["high"]) == ("banten-p0-2025", 4.5, 5.5)
    assert target["cited"] is False  # no published source found: said, not hidden
    assert "banten_kabkota_kemajuan.png" in record["files"]
    assert (run.outputs["json"].parent / "banten_kabkota_kemajuan.png").is_file()
