"""Static map figures (render/figure.py): content, sizes, files, CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from PIL import Image
from shapely.geometry import box

from geo_priority.classify import classify_scores
from geo_priority.cli import cli
from geo_priority.errors import ConfigError, CRSError, InputError, OutputExistsError
from geo_priority.render import NO_DATA_COLOUR, MapText, class_colours
from geo_priority.render.figure import build_figure, legend_entries, write_figure
from geo_priority.score import rank_scores

DATE = dt.date(2025, 6, 12)
NAMES = ["Cikeusik", "Patia", "Sumur", "Labuan"]


def _areas(scores: list[float], lang: str = "id"):
    """2 x 2 squares of 0.1 degree near Pandeglang, classed on the 0-100 scale."""
    cells = [(0, 0), (1, 0), (0, 1), (1, 1)]
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["3601010", "3601020", "3601030", "3601040"],
            "area_name": NAMES,
            "priority_score": scores,
        },
        geometry=[
            box(105.8 + 0.1 * i, -6.6 + 0.1 * j, 105.9 + 0.1 * i, -6.5 + 0.1 * j)
            for i, j in cells
        ],
        crs="EPSG:4326",
    )
    areas["priority_rank"] = areas["priority_score"].rank(ascending=False)
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=3, lang=lang)
    areas["priority_class"] = c.classes.to_numpy()
    return areas, c


TEXTS = MapText(
    "Prioritas kemiskinan ekstrem — uji",
    "Kecamatan · uji",
    ("BPS Kabupaten Pandeglang https://example.org/tabel",),
    "uji; arithmetic",
)


@pytest.fixture(scope="module")
def slide() -> tuple[Figure, object]:
    areas, c = _areas([90.0, 60.0, 20.0, float("nan")])
    fig = build_figure(
        areas, c, texts=TEXTS, attribution="Batas wilayah: uji (CC BY)", date=DATE
    )
    return fig, c


def _texts(fig: Figure) -> list:
    return list(fig.findobj(lambda a: hasattr(a, "get_text")))


def _by_gid(fig: Figure, gid: str) -> list:
    return fig.findobj(lambda a: a.get_gid() == gid)


def _map_axes(fig: Figure):
    return next(ax for ax in fig.axes if ax.get_gid() == "map")


def test_slide_has_title_subtitle_sources_and_date(slide):
    fig, _c = slide
    assert [round(v, 2) for v in fig.get_size_inches()] == [13.33, 7.5]
    (title,) = _by_gid(fig, "title")
    assert title.get_text() == TEXTS.title
    assert title.get_fontsize() >= 20
    shown = " ".join(t.get_text() for t in _texts(fig))
    assert "Kecamatan · uji" in shown
    (note,) = _by_gid(fig, "source_note")
    assert "Sumber: BPS Kabupaten Pandeglang" in note.get_text()
    assert "https://" not in note.get_text()
    assert "Batas wilayah: uji (CC BY)" in note.get_text()
    assert "Metode: uji; arithmetic" in note.get_text()
    assert _by_gid(fig, "date")[0].get_text() == "Dibuat 12 Juni 2025"


def test_legend_matches_classes_colours_counts_and_no_data(slide):
    fig, c = slide
    (legend,) = _by_gid(fig, "legend")
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [
        "Prioritas 1 (66,7–100,0) · 1 wilayah",
        "Prioritas 2 (33,3–66,7) · 1 wilayah",
        "Prioritas 3 (0,0–33,3) · 1 wilayah",
        "tidak ada data · 1 wilayah",
    ]
    assert [label.split(" · ")[0] for label in texts[:3]] == list(c.labels)
    colours = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert colours == [*class_colours(3), NO_DATA_COLOUR]
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 12
    assert legend.get_title().get_text() == "Kelas prioritas"


def test_areas_filled_with_class_colours(slide):
    fig, _c = slide
    (fills,) = _by_gid(fig, "areas")
    got = [to_hex(f) for f in fills.get_facecolor()]
    assert got == [*class_colours(3), NO_DATA_COLOUR]


def test_north_arrow_and_true_scale_bar(slide):
    fig, _c = slide
    ax = _map_axes(fig)
    assert [a.get_gid() for a in ax.artists] == ["north_arrow", "scale_bar"]
    bar = next(a for a in ax.artists if isinstance(a, AnchoredSizeBar))
    # drawn in UTM zone 48S (metres): 0.2 degrees of longitude at 6.5 S = 22.1 km
    (fills,) = _by_gid(fig, "areas")
    xs = np.concatenate([p.vertices[:, 0] for p in fills.get_paths()])
    assert xs.max() - xs.min() == pytest.approx(22_120, rel=0.005)
    assert 500_000 < xs.min() < 600_000  # false easting 500 km, east of 105 E
    length = bar.size_bar.get_children()[0].get_width()
    assert bar.txt_label.get_text() == f"{length / 1000:g} km"
    assert length in (5_000, 10_000)


def test_few_areas_are_named_on_the_map_and_listed(slide):
    fig, _c = slide
    labels = [t.get_text() for t in _by_gid(fig, "area_label")]
    assert sorted(labels) == sorted(NAMES)
    listed = [t.get_text() for t in _by_gid(fig, "top_name")]
    assert listed == ["Cikeusik", "Patia", "Sumur"]  # ranked; no score, no rank


def test_no_data_entry_only_when_a_score_is_missing():
    areas, c = _areas([90.0, 60.0, 20.0, 10.0])
    fig = build_figure(areas, c, texts=TEXTS, date=DATE)
    (legend,) = _by_gid(fig, "legend")
    assert not any("tidak ada data" in t.get_text() for t in legend.get_texts())


def test_english_labels():
    areas, c = _areas([90.0, 60.0, 20.0, float("nan")], lang="en")
    fig = build_figure(areas, c, texts=TEXTS, lang="en", size="a4", date=DATE)
    assert [round(v, 2) for v in fig.get_size_inches()] == [8.27, 11.69]
    (legend,) = _by_gid(fig, "legend")
    assert [t.get_text() for t in legend.get_texts()] == [
        "Priority 1 (66.7–100.0) · 1 area",
        "Priority 2 (33.3–66.7) · 1 area",
        "Priority 3 (0.0–33.3) · 1 area",
        "no data · 1 area",
    ]
    assert legend.get_title().get_text() == "Priority class"
    assert _by_gid(fig, "date")[0].get_text() == "Produced 12 June 2025"
    shown = [t.get_text() for t in _texts(fig)]
    assert "N" in shown and "Priority ranking" in shown
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 12


def test_legend_entries_pluralise():
    c = _areas([90.0, 80.0, 20.0, 10.0], lang="en")[1]
    assert [t for _c, t in legend_entries(c, 0, lang="en")] == [
        "Priority 1 (66.7–100.0) · 2 areas",
        "Priority 2 (33.3–66.7) · 0 areas",
        "Priority 3 (0.0–33.3) · 2 areas",
    ]


def test_legend_counts_and_listed_scores_use_the_languages_marks():
    c = classify_scores(pd.Series([80.0, 20.0] * 1200), scheme="prioritas", k=2)
    assert [t for _c, t in legend_entries(c, 1552)] == [
        "Prioritas 1 (50–100) · 1.200 wilayah",
        "Prioritas 2 (0–50) · 1.200 wilayah",
        "tidak ada data · 1.552 wilayah",
    ]
    english = legend_entries(c, 0, lang="en")
    assert english[0][1] == "Prioritas 1 (50–100) · 1,200 areas"


def test_listed_scores_are_the_published_ones_with_shared_ranks():
    # 20.96 and 21.04 are both published as 21,0: same rank, same class
    areas, _ = _areas([90.0, 20.96, 21.04, 5.0])
    areas["priority_rank"] = rank_scores(areas["priority_score"])
    c = classify_scores(areas["priority_score"], scheme="user_defined", breaks=[21])
    areas["priority_class"] = c.classes.to_numpy()
    fig = build_figure(areas, c, texts=TEXTS, date=DATE)
    shown = [t.get_text() for t in _texts(fig)]
    assert shown.count("21,0") == 2 and "90,0" in shown and "5,0" in shown
    assert [t.get_text() for t in _by_gid(fig, "top_name")] == [
        "Cikeusik",
        "Patia",
        "Sumur",
        "Labuan",
    ]
    assert areas["priority_class"].iloc[1] == areas["priority_class"].iloc[2]


def test_many_areas_number_the_listed_top_ranks():
    grid = [(i, j) for i in range(8) for j in range(6)]  # 48 areas > 40
    scores = [float(n) for n in range(len(grid))]
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"36{n:05d}" for n in range(len(grid))],
            "area_name": [f"Desa {n}" for n in range(len(grid))],
            "priority_score": scores,
        },
        geometry=[
            box(106 + 0.05 * i, -6 + 0.05 * j, 106.05 + 0.05 * i, -5.95 + 0.05 * j)
            for i, j in grid
        ],
        crs="EPSG:4326",
    )
    areas["priority_rank"] = areas["priority_score"].rank(ascending=False)
    c = classify_scores(areas["priority_score"], scheme="quantiles", k=4)
    areas["priority_class"] = c.classes.to_numpy()
    fig = build_figure(areas, c, texts=TEXTS, size="a4", date=DATE)
    assert not _by_gid(fig, "area_label")
    numbers = [t.get_text() for t in _by_gid(fig, "rank_label")]
    listed = [t.get_text() for t in _by_gid(fig, "top_name")]
    assert numbers == [str(n) for n in range(1, 11)]
    assert listed == [f"Desa {n}" for n in range(47, 37, -1)]


def test_schematic_and_synthetic_are_marked():
    areas, c = _areas([90.0, 60.0, 20.0, 10.0])
    texts = MapText("Uji", warning="DATA SINTETIS — bukan data sebenarnya")
    fig = build_figure(
        areas, c, texts=texts, schematic=True, watermark="DATA SINTETIS", date=DATE
    )
    ax = _map_axes(fig)
    assert [a.get_gid() for a in ax.artists] == ["north_arrow"]  # no scale bar
    assert _by_gid(fig, "not_to_scale")[0].get_text() == "Peta skematik: tidak berskala"
    assert _by_gid(fig, "watermark")[0].get_text() == "DATA SINTETIS"
    assert _by_gid(fig, "warning")[0].get_text().startswith("DATA SINTETIS")


def test_bad_inputs_raise_typed_errors():
    areas, c = _areas([90.0, 60.0, 20.0, 10.0])
    with pytest.raises(ConfigError, match=r"'a5'.*--size.*a4, slide"):
        build_figure(areas, c, texts=TEXTS, size="a5")
    with pytest.raises(CRSError, match=r"boundaries\.crs"):
        build_figure(areas.set_crs(None, allow_override=True), c, texts=TEXTS)


def test_png_is_300_dpi_and_not_blank_pdf_is_pdf(slide, tmp_path: Path):
    fig, _c = slide
    png = write_figure(fig, tmp_path / "peta.png")
    pdf = write_figure(fig, tmp_path / "peta.pdf")
    with Image.open(png) as image:
        width, height = image.size
        assert abs(width - 13.333 * 300) <= 1 and height == 2250
        assert round(image.info["dpi"][0]) == 300
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 20  # not blank
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary file left


def test_write_refuses_overwrite_and_unknown_suffix(slide, tmp_path: Path):
    fig, _c = slide
    target = tmp_path / "peta.png"
    target.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        write_figure(fig, target, dpi=30)
    assert target.read_bytes() == b"old"
    write_figure(fig, target, overwrite=True, dpi=30)
    assert target.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(InputError, match=r"'peta.svg'.*'\.png'"):
        write_figure(fig, tmp_path / "peta.svg")


# --- pipeline and CLI on small in-code inputs ----------------------------------

KAB = ["36.01", "36.02", "36.03", "36.04"]
KAB_NAMES = ["Kab. Pandeglang", "Kab. Lebak", "Kab. Tangerang", "Kab. Serang"]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    areas = gpd.GeoDataFrame(
        {"kode": KAB, "nama": KAB_NAMES},
        geometry=[box(106 + i * 0.1, -6.5, 106.1 + i * 0.1, -6.4) for i in range(4)],
        crs="EPSG:4326",
    )
    areas.to_file(tmp_path / "kab.geojson", driver="GeoJSON")
    rows = ["kode_wilayah,nama,tahun,indicator,value,source"]
    for code, name, rate, pop in zip(
        KAB, KAB_NAMES, [2.0, 1.0, 0.5, 1.5], [1e6, 2e6, 4e6, 1e6], strict=True
    ):
        rows.append(f"{code},{name},2022,extreme_poverty_rate,{rate},BPS uji")
        rows.append(f"{code},{name},2023,population,{pop:.0f},Dukcapil uji")
    (tmp_path / "figures.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "run.toml").write_text(
        """
title = "Uji gambar"
synthetic = true
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
formats = ["png", "pdf"]
""",
        encoding="utf-8",
    )
    return tmp_path / "run.toml"


def test_cli_figure_writes_png_and_pdf_and_refuses_overwrite(config_file: Path):
    runner = CliRunner()
    out = config_file.parent / "out"
    result = runner.invoke(cli, ["figure", str(config_file), "--size", "a4"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(out / "uji_a4.png"), str(out / "uji_a4.pdf")]
    with Image.open(out / "uji_a4.png") as image:
        assert image.size == (round(8.27 * 300), round(11.69 * 300))
    again = runner.invoke(cli, ["figure", str(config_file), "--size", "a4"])
    assert again.exit_code == 1
    assert again.stderr.startswith("Galat: 2 keluaran sudah ada: ")
    assert "uji_a4.png" in again.stderr and "uji_a4.pdf" in again.stderr
    assert "--overwrite" in again.stderr


def test_run_writes_figure_formats(config_file: Path):
    from geo_priority import outputs, pipeline
    from geo_priority.config import load_config, with_outputs

    config = load_config(config_file)
    assert config.outputs.formats == ("png", "pdf")
    result = pipeline.run(with_outputs(config, formats=("png",)))
    assert result.outputs["png"].name == "uji.png"
    assert result.outputs["png"].read_bytes().startswith(b"\x89PNG")
    fig = outputs.build_figure(result.analysis)
    assert _by_gid(fig, "watermark")[0].get_text() == "DATA SINTETIS"
    note = " ".join(_by_gid(fig, "source_note")[0].get_text().split())
    assert "Batas wilayah: berkas 'kab.geojson'" in note, note


# --- integration: the real Banten demo ----------------------------------------


@pytest.mark.integration
def test_demo_figure_on_real_boundaries(tmp_path: Path):
    from geo_priority.demo import DEMO_TABLE, data_path

    from conftest import require_shared

    mirror = require_shared("upstream")
    config = tmp_path / "demo.toml"
    config.write_text(
        f"""
title = "Prioritas penanggulangan kemiskinan ekstrem — Provinsi Banten"
[boundaries]
source = "banten-desa-ocha-bps2020"
mirror = {str(mirror)!r}
code_column = "village_code"
name_column = "village"
code_system = "bps"
level = "desa"
dissolve_to = "kabkota"
[[tables]]
path = {str(data_path(DEMO_TABLE))!r}
code_column = "kode_wilayah"
name_column = "nama"
code_system = "kemendagri"
[scoring]
preset = "kemiskinan-ekstrem"
year = 2022
[scoring.preset_options]
population = "population_dukcapil"
population_year = 2023
poverty_rate_year = 2023
[classify]
scheme = "prioritas"
k = 4
[outputs]
dir = "out"
name = "demo"
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["figure", str(config), "--lang", "en"])
    assert result.exit_code == 0, result.output
    png, pdf = (Path(p) for p in result.stdout.split())
    assert (png.name, pdf.name) == ("demo.png", "demo.pdf")
    with Image.open(png) as image:
        assert image.size[1] == 2250
        assert np.asarray(image.convert("L"), dtype=float).std() > 20
    assert pdf.read_bytes().startswith(b"%PDF")
