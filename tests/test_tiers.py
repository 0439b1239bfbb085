"""Publication tiers: publik refuses internal tables; internal runs say TERBATAS."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo_priority import pipeline
from geo_priority.config import OutputConfig, load_config
from geo_priority.errors import ConfigError, InputError
from geo_priority.messages import use_language
from geo_priority.output_config import RESTRICTED_COLUMN, restricted_mark
from geo_priority.tiers import hide_suppressed, refuse_internal_tables, tier_record

KAB = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72"]
NAMES = ["Pandeglang", "Lebak", "Tangerang", "Serang", "Kota Tangerang", "Cilegon"]


def test_public_threshold_is_at_least_ten() -> None:
    assert OutputConfig().audience == "publik"
    assert OutputConfig(audience="public").audience == "publik"  # alias
    with use_language("en"), pytest.raises(ConfigError, match=r"outputs\.audience"):
        OutputConfig(suppression_threshold=5)
    assert OutputConfig(audience="internal", suppression_threshold=5).restricted
    with pytest.raises(ConfigError, match=r"outputs\.suppression_threshold"):
        OutputConfig(audience="internal", suppression_threshold=0)
    with pytest.raises(ConfigError, match=r"outputs\.audience"):
        OutputConfig(audience="rahasia")


def test_mark_in_both_languages() -> None:
    assert restricted_mark("id") == "TERBATAS — hanya untuk internal pemda"
    assert restricted_mark("en") == "RESTRICTED — internal use only"
    assert OutputConfig().mark == ""
    assert OutputConfig(audience="internal").mark.startswith("TERBATAS")


def test_refuse_internal_table_names_the_key() -> None:
    table = pd.DataFrame({"kode": ["1", "2"], "audience": ["internal", "internal"]})
    with use_language("en"), pytest.raises(InputError) as err:
        refuse_internal_tables({"registri": table}, OutputConfig())
    message = str(err.value)
    assert "'registri'" in message and 'outputs.audience = "internal"' in message
    assert "2 of 2 rows" in message
    refuse_internal_tables({"registri": table}, OutputConfig(audience="internal"))
    public = table.assign(audience="publik")
    refuse_internal_tables({"registri": public}, OutputConfig())


def test_hide_suppressed_blanks_flagged_values() -> None:
    frame = pd.DataFrame(
        {"a": [3.0, 12.0, 4.0], "a_suppressed": [True, False, None], "b": [1, 2, 3]}
    )
    out = hide_suppressed(frame)
    assert out["a"].isna().tolist() == [True, False, False]
    assert frame["a"].tolist() == [3.0, 12.0, 4.0]  # the input is left alone


def test_tier_record_gives_renormalised_weights() -> None:
    areas = pd.DataFrame({"score_basis": ["a,b,c", "a,c", "a,c", ""]})
    rec = tier_record(
        OutputConfig(audience="internal", suppression_threshold=5),
        areas,
        {"a": 0.5, "b": 0.25, "c": 0.25},
    )
    assert rec["audience"] == "internal" and rec["restricted"] is True
    assert rec["suppression_threshold"] == 5
    assert rec["score_bases"] == {
        "a,b,c": {"areas": 1, "weights": {"a": 0.5, "b": 0.25, "c": 0.25}},
        "a,c": {"areas": 2, "weights": {"a": 0.666667, "c": 0.333333}},
    }


def _inputs(tmp_path: Path, audience: str, threshold: int = 10) -> Path:
    areas = gpd.GeoDataFrame(
        {"kode": KAB, "nama": NAMES},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(6)],
        crs="EPSG:4326",
    )
    areas.to_file(tmp_path / "kab.geojson", driver="GeoJSON")
    table = pd.DataFrame(
        {
            "kode_wilayah": KAB,
            "nama": NAMES,
            "a": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            # the 4th value is behind a flag: it must never show or count
            "b": [5.0, 1.0, 3.0, 987.654, 4.0, 2.0],
            "b_suppressed": [False, False, False, True, False, False],
            "audience": audience,
        }
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "run.toml").write_text(
        f"""
title = "Uji tingkat"
[boundaries]
path = "kab.geojson"
code_column = "kode"
name_column = "nama"
code_system = "kemendagri"
[[tables]]
path = "t.csv"
code_column = "kode_wilayah"
name_column = "nama"
layout = "wide"
[scoring]
missing = "reweight"
[[scoring.indicators]]
key = "a"
[[scoring.indicators]]
key = "b"
[classify]
scheme = "quantiles"
k = 3
[outputs]
dir = "out"
name = "uji"
formats = ["html", "gpkg", "json", "csv"]
audience = "{audience}"
suppression_threshold = {threshold}
""",
        encoding="utf-8",
    )
    return tmp_path / "run.toml"


def test_public_run_refuses_an_internal_table(tmp_path: Path) -> None:
    config = load_config(_inputs(tmp_path, "internal"))
    config = config.__class__(
        **{**config.__dict__, "outputs": OutputConfig(dir=str(tmp_path / "out"))}
    )
    with pytest.raises(InputError, match=r"outputs\.audience"):
        pipeline.run(config)
    assert not (tmp_path / "out").exists()


def test_internal_run_is_marked_everywhere(tmp_path: Path) -> None:
    result = pipeline.run(load_config(_inputs(tmp_path, "internal", threshold=5)))
    out = tmp_path / "out"
    areas = result.analysis.areas.set_index("area_id")
    # the hidden 987.654 is blanked; Serang is scored from a alone:
    # minmax a = (40-10)/50 = 0.6 -> 60.0
    assert pd.isna(areas.loc["36.04", "b"])
    assert areas.loc["36.04", "priority_score"] == 60.0
    assert areas.loc["36.04", "score_basis"] == "a"
    mark = "TERBATAS — hanya untuk internal pemda"
    layer = gpd.read_file(out / "uji.gpkg", layer="uji")
    assert set(layer[RESTRICTED_COLUMN]) == {mark}
    record = json.loads((out / "uji_run.json").read_text(encoding="utf-8"))
    assert record["tier"]["audience"] == "internal"
    assert record["tier"]["mark"] == mark
    assert record["tier"]["score_bases"]["a"] == {"areas": 1, "weights": {"a": 1.0}}
    html = (out / "uji.html").read_text(encoding="utf-8")
    assert "987" not in html
    # the page and the figure carry the mark as their warning line
    assert f'<p class="gp-warning">{mark}</p>' in html
    from geo_priority.outputs import build_figure

    figure = build_figure(result.analysis)
    shown = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
    assert any(mark in t for t in shown), shown
