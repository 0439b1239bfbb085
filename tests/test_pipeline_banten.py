"""Integration tests: the whole pipeline and CLI on the real Banten layers.

Runs the example configurations in ``examples/`` through :func:`pipeline.run`,
:func:`pipeline.check` and the ``geo-priority`` CLI, on the boundary layers of
``../shared/data/boundaries`` (read at run time, never copied) and the sourced
BPS table shipped in ``data/``. Kecamatan and desa figures are not shipped, so
those tests write synthetic tables with hand-checkable numbers into tmp_path.

Every example is first copied into tmp_path with its shared-data paths made
absolute (``require_shared``), so the tests also work when the shared data
lives elsewhere (``GEO_PRIORITY_SHARED``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from geo_priority import pipeline
from geo_priority.cli import cli
from geo_priority.config import BoundariesConfig, Config, load_config
from geo_priority.errors import (
    DoubtfulMatchWarning,
    GeometryRepairedWarning,
    UnmatchedKeysWarning,
)
from geo_priority.export.tables import read_ranked_csv
from geo_priority.join_report import summary_text
from geo_priority.presets import expand_preset
from geo_priority.schema import (
    DOUBTFUL,
    ID,
    MATCHED,
    OTHER_LEVEL,
    RANK,
    SCORE,
    UNMATCHED_AREA,
)

from conftest import require_shared

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
POVERTY_CSV = REPO / "data" / "banten_kabkota_poverty.csv"
SHARED_PREFIX = '"../../shared/data/boundaries/'
KAB_KMD = "banten_kabkota_kemendagri2025_cahyadsn.geojson"
KAB_OCHA = "banten_kabkota_ocha_bps2020_dissolved.geojson"
KEC_KMD = "banten_kecamatan_kemendagri2025_cahyadsn.geojson"
DESA_KMD = "banten_desa_kemendagri2025_cahyadsn.geojson"
DESA_OCHA = "banten_desa_ocha_bps2020.geojson"
DESA_CROSSWALK = "banten_desa_crosswalk_bps2020_kemendagri2025.csv"
OUTPUT_NAMES = ("html", "gpkg", "csv", "report", "json")

# the OCHA desa layer dissolved to kab/kota, in place of the example's layer
OCHA_DESA_TO_KAB = """[boundaries]
path = "{path}"
code_column = "village_code"
name_column = "village"
code_system = "bps"
level = "desa"
dissolve_to = "kabkota"
dissolve_name_column = "regency"

"""
# the shared (already dissolved) OCHA kab/kota layer: small, valid, BPS codes
OCHA_KAB = """[boundaries]
path = "{path}"
code_column = "regency_code"
name_column = "regency"
code_system = "bps"
level = "kabkota"

"""


# --------------------------------------------------------------------- helpers


def _boundaries_dir() -> Path:
    return require_shared("boundaries")


def _example_copy(
    name: str, folder: Path, *, boundaries: tuple[str, str] | None = None
) -> Path:
    """Copy ``examples/<name>`` into ``folder`` with absolute input paths.

    Shared-data paths point at ``require_shared("boundaries")``, the shipped
    table at ``data/``, outputs go to ``folder/out``; ``boundaries`` replaces
    the whole ``[boundaries]`` section (its ``{path}`` is filled in).
    """
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    shared = _boundaries_dir().as_posix()
    text = text.replace(SHARED_PREFIX, f'"{shared}/')
    text = text.replace('"../data/', f'"{(REPO / "data").as_posix()}/')
    text = text.replace('dir = "../maps"', 'dir = "out"')
    if boundaries is not None:
        section, layer = boundaries
        filled = section.format(path=f"{shared}/{layer}")
        text = re.sub(
            r"^\[boundaries\]\n.*?(?=^\[\[tables\]\])", filled, text, flags=re.S | re.M
        )
    copy = folder / name
    copy.write_text(text, encoding="utf-8")
    return copy


def _with_table(config: Config, path: Path, **changes: object) -> Config:
    """Return ``config`` with its (single) table read from ``path``."""
    (spec,) = config.tables
    table = dataclasses.replace(spec, path=str(path), **changes)
    return dataclasses.replace(config, tables=(table,))


def _attributes(layer: str, columns: list[str]) -> pd.DataFrame:
    """Read the attribute columns of a shared layer as text, without geometry."""
    frame = gpd.read_file(
        _boundaries_dir() / layer,
        engine="pyogrio",
        columns=columns,
        read_geometry=False,
    )
    return pd.DataFrame({c: frame[c].astype(str) for c in columns})


def _synthetic_table(codes: list[str], names: list[str], step: int) -> pd.DataFrame:
    """Hand-checkable figures: rate 0.1..1.0 % cycling, population rising by step."""
    n = len(codes)
    return pd.DataFrame(
        {
            "code": codes,
            "name": names,
            "extreme_poverty_rate": [((i % 10) + 1) / 10 for i in range(n)],
            "population": [10 * step + step * i for i in range(n)],
        }
    )


def _figures(year_rate: int = 2022) -> dict[str, dict[str, float]]:
    """Rate (year_rate), population (2023) and P0 (2023) per kab/kota code."""
    table = pd.read_csv(POVERTY_CSV, dtype=str)
    out: dict[str, dict[str, float]] = {}
    wanted = {
        "rate": ("extreme_poverty_rate", str(year_rate)),
        "population": ("population_dukcapil", "2023"),
        "p0": ("p0_poverty_rate", "2023"),
    }
    for key, (indicator, year) in wanted.items():
        rows = table[(table["indicator"] == indicator) & (table["tahun"] == year)]
        for code, value in zip(rows["kode_wilayah"], rows["value"], strict=True):
            out.setdefault(code, {})[key] = float(value)
    return {c: v for c, v in out.items() if c.startswith("36.")}


def _ranked(folder: Path, name: str, config: Config) -> pd.DataFrame:
    """The ranked table as written for people, with its machine column names."""
    indicators = expand_preset(config.scoring).indicators
    return read_ranked_csv(folder / f"{name}_peringkat.csv", indicators)


# ------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("banten_kabkota.toml", KAB_KMD),
        ("banten_kecamatan_from_desa.toml", DESA_OCHA),
        ("banten_desa_crosswalk.toml", DESA_KMD),
    ],
)
def test_example_paths_are_relative_to_the_repository(name: str, layer: str):
    config = load_config(EXAMPLES / name)
    boundary = config.resolve(config.boundaries.path or "").resolve()
    assert (
        boundary == (REPO.parent / "shared" / "data" / "boundaries" / layer).resolve()
    )
    assert (_boundaries_dir() / layer).is_file()
    assert config.resolve(config.outputs.dir).resolve() == (REPO / "maps").resolve()
    for spec in config.tables:
        if spec.crosswalk:
            assert Path(spec.crosswalk).name == DESA_CROSSWALK
            assert (_boundaries_dir() / DESA_CROSSWALK).is_file()
    if name == "banten_kabkota.toml":
        assert config.resolve(config.tables[0].path).resolve() == POVERTY_CSV


# -------------------------------------------------------------------- kab/kota


def test_kabkota_kemendagri_layer_example_run(tmp_path: Path):
    config = load_config(_example_copy("banten_kabkota.toml", tmp_path))
    # the Kemendagri kab layer has one invalid polygon (Lebak: nested shells)
    with pytest.warns(GeometryRepairedWarning, match="'36.02'"):
        result = pipeline.run(config)
    areas = result.analysis.areas.set_index(ID)
    figures = _figures()
    assert sorted(areas.index) == sorted(figures)
    assert sorted(areas[RANK].astype(int)) == list(range(1, 9))
    assert areas[SCORE].notna().all() and areas[SCORE].between(0, 100).all()
    report = result.analysis.report
    assert summary_text(report) == (
        "8 dari 8 wilayah cocok, 2 baris tingkat wilayah lain (total, tidak dipakai)"
    )
    assert report.problems.empty
    statuses = report.entries["status"].value_counts().to_dict()
    assert statuses == {MATCHED: 8, OTHER_LEVEL: 2}  # province 36 and Indonesia 00
    # extreme poor = rate x population / 100: Pandeglang 1.82 % of 1,400,000
    assert areas.loc["36.01", "extreme_poor"] == 25_480
    for code, fig in figures.items():
        assert areas.loc[code, "extreme_poverty_rate"] == fig["rate"]
        assert areas.loc[code, "population"] == fig["population"]
        assert areas.loc[code, "poverty_rate"] == fig["p0"]
        assert areas.loc[code, "extreme_poor"] == round(
            fig["rate"] * fig["population"] / 100
        )
    # Kab. Serang and Kota Serang each got their own row
    assert areas.loc["36.04", ["extreme_poverty_rate", "poverty_rate"]].tolist() == [
        0.75,
        4.85,
    ]
    assert areas.loc["36.73", ["extreme_poverty_rate", "poverty_rate"]].tolist() == [
        1.01,
        6.20,
    ]
    assert areas.loc["36.04", "extreme_poor"] == 12_975  # 0.75 % of 1,730,000
    assert areas.loc["36.73", "extreme_poor"] == 7_430  # 1.01 % of 735,650
    out = tmp_path / "out"
    assert set(result.outputs) == set(OUTPUT_NAMES)
    assert all(p.is_file() and p.parent == out for p in result.outputs.values())
    ranked = _ranked(out, "banten_kabkota", config)
    assert len(ranked) == 8 and ranked[RANK].tolist() == list(range(1, 9))
    assert (
        len(
            gpd.read_file(
                result.outputs["gpkg"], layer="banten_kabkota", engine="pyogrio"
            )
        )
        == 8
    )
    record = json.loads(result.outputs["json"].read_text(encoding="utf-8"))
    assert record["join"] == summary_text(report)
    assert set(record["inputs"]) == {KAB_KMD, POVERTY_CSV.name}


def test_kabkota_kemendagri_layer_check_finds_no_join_problem(tmp_path: Path):
    config = load_config(_example_copy("banten_kabkota.toml", tmp_path))
    # lenient: the repaired Lebak polygon is reported as a warning, not a problem
    repaired = "1 geometri tidak sah diperbaiki otomatis"
    with pytest.warns(GeometryRepairedWarning, match=f"{repaired}.*'36.02'"):
        analysis, problems = pipeline.check(config, lenient=True)
    assert analysis is not None and len(analysis.areas) == 8
    assert problems == []
    # strict (the default): a repair is something the planner must read
    _, strict = pipeline.check(config)
    assert len(strict) == 1 and repaired in strict[0] and "'36.02'" in strict[0]
    assert not (tmp_path / "out").exists()


def test_kabkota_from_ocha_desa_cli_check_and_run(tmp_path: Path):
    copy = _example_copy(
        "banten_kabkota.toml", tmp_path, boundaries=(OCHA_DESA_TO_KAB, DESA_OCHA)
    )
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", str(copy)])
    assert checked.exit_code == 0, checked.output
    assert "Semua masukan dan pencocokan baik." in checked.output
    ran = runner.invoke(cli, ["run", str(copy)])
    assert ran.exit_code == 0, ran.output
    assert "Pencocokan tabel dengan wilayah: 8 dari 8 wilayah cocok" in ran.stderr
    ranked = _ranked(tmp_path / "out", "banten_kabkota", load_config(copy))
    ranked = ranked.set_index(ID)
    # 1,552 BPS desa dissolved into the 8 kab/kota, keyed by BPS codes
    figures = {c.replace(".", ""): f for c, f in _figures().items()}
    assert sorted(ranked.index) == sorted(figures)
    assert sorted(ranked[RANK]) == list(range(1, 9))
    for code, fig in figures.items():
        assert ranked.loc[code, "extreme_poverty_rate"] == fig["rate"]
        assert ranked.loc[code, "extreme_poor"] == round(
            fig["rate"] * fig["population"] / 100
        )
    assert ranked.loc["3604", "area_name"] == "Serang"
    assert ranked.loc["3604", "extreme_poor"] == 12_975
    assert ranked.loc["3673", "area_name"] == "Kota Serang"
    assert ranked.loc["3673", "extreme_poor"] == 7_430


# ------------------------------------------------------------------- kecamatan


def test_kecamatan_dissolved_from_ocha_desa_with_bps_table(tmp_path: Path):
    desa = _attributes(DESA_OCHA, ["district_code", "district"])
    kec = desa.drop_duplicates("district_code").sort_values("district_code")
    assert len(kec) == 155
    table = _synthetic_table(
        kec["district_code"].tolist(), kec["district"].tolist(), 1000
    )
    table = table.rename(columns={"code": "kode_kec", "name": "nama_kec"})
    table.to_csv(tmp_path / "kec.csv", index=False)
    config = load_config(_example_copy("banten_kecamatan_from_desa.toml", tmp_path))
    config = _with_table(config, tmp_path / "kec.csv")
    result = pipeline.run(config)
    areas = result.analysis.areas.set_index(ID)
    assert len(areas) == 155 and areas[SCORE].notna().all()
    assert summary_text(result.analysis.report) == "155 dari 155 wilayah cocok"
    assert int(areas["n_children"].sum()) == 1552
    # row 149 has the highest rate (1.0 %) and count (1.0 % of 159,000 = 1,590)
    top = kec["district_code"].iloc[149].removeprefix("id")
    assert areas.loc[top, "extreme_poor"] == 1590
    assert areas.loc[top, SCORE] == pytest.approx(100.0)
    assert areas.loc[top, RANK] == 1
    # row 0: 0.1 % of 10,000 = 10 -> 50 * 0.1 / 1.0 + 50 * 10 / 1590
    first = kec["district_code"].iloc[0].removeprefix("id")
    assert areas.loc[first, "extreme_poor"] == 10
    assert areas.loc[first, SCORE] == pytest.approx(5 + 500 / 1590)
    assert areas.loc[first, "area_name"] == kec["district"].iloc[0]
    assert len(_ranked(tmp_path / "out", "banten_kecamatan", config)) == 155


def test_kecamatan_kemendagri_layer_with_kemendagri_table(tmp_path: Path):
    kec = _attributes(KEC_KMD, ["kode", "nama"]).sort_values("kode")
    table = _synthetic_table(kec["kode"].tolist(), kec["nama"].tolist(), 1000)
    table = table.rename(columns={"code": "kode_kec", "name": "nama_kec"})
    table.to_csv(tmp_path / "kec.csv", index=False)
    config = load_config(_example_copy("banten_kecamatan_from_desa.toml", tmp_path))
    config = _with_table(config, tmp_path / "kec.csv", code_system="kemendagri")
    layer = BoundariesConfig(
        path=str(_boundaries_dir() / KEC_KMD),
        code_column="kode",
        name_column="nama",
        code_system="kemendagri",
        level="kecamatan",
    )
    config = dataclasses.replace(config, boundaries=layer)
    # 36.02.20 Cilograng has nested shells in the source
    with pytest.warns(GeometryRepairedWarning, match="36.02.20"):
        result = pipeline.run(config)
    areas = result.analysis.areas.set_index(ID)
    assert len(areas) == 155 and areas[SCORE].notna().all()
    assert summary_text(result.analysis.report) == "155 dari 155 wilayah cocok"
    top = kec["kode"].iloc[149]
    assert areas.loc[top, "extreme_poor"] == 1590 and areas.loc[top, RANK] == 1


# ------------------------------------------------------------------------ desa


@pytest.fixture(scope="module")
def crosswalk_gaps() -> tuple[list[str], list[str]]:
    """Kemendagri desa the crosswalk hits twice, and those it never hits."""
    walk = pd.read_csv(_boundaries_dir() / DESA_CROSSWALK, dtype=str)
    hits = walk["kemendagri_kode_desa"].value_counts()
    layer = _attributes(DESA_KMD, ["kode"])["kode"]
    twice = sorted(hits.index[hits == 2])
    never = sorted(set(layer) - set(hits.index))
    assert len(walk) == 1552 and len(layer) == 1552 and len(hits) == 1546
    assert hits.max() == 2
    return twice, never


@pytest.fixture
def desa_example(tmp_path: Path) -> Path:
    """The desa example with a synthetic BPS desa table where it expects it."""
    desa = _attributes(DESA_OCHA, ["village_code", "village"])
    desa = desa.sort_values("village_code")
    codes = [c.removeprefix("id") for c in desa["village_code"]]  # 3601010001
    table = _synthetic_table(codes, desa["village"].tolist(), 100)
    table = table.rename(columns={"code": "kode_desa", "name": "nama_desa"})
    table.to_csv(tmp_path / "banten_desa_bps_indikator.csv", index=False)
    return _example_copy("banten_desa_crosswalk.toml", tmp_path)


def test_desa_crosswalk_check_lists_doubts_collisions_and_gaps(
    desa_example, crosswalk_gaps
):
    twice, never = crosswalk_gaps
    result = CliRunner().invoke(cli, ["check", str(desa_example)])
    assert result.exit_code == 1
    assert (
        "6 wilayah tanpa baris tabel (dari 1552 wilayah dan 1552 baris)"
        in result.output
    )
    problems = [ln for ln in result.output.splitlines() if ln.startswith("Masalah")]
    # every name mismatch the crosswalk records is listed, accepted by the example
    doubtful = [ln for ln in problems if ": kecocokan meragukan yang perlu " in ln]
    assert len(doubtful) == 58
    assert all("diterima (tables.accept_all_doubtful)" in ln for ln in doubtful)
    for pair in ("Mekarsari", "Bencongan", "Gelam Jaya"):
        assert any(pair in ln for ln in doubtful), pair
    for code in never:
        assert any(f"wilayah tanpa baris tabel: '{code}'" in ln for ln in problems)
    # the desa that receive two BPS desa are no longer problems: combined
    assert twice and not any("baris ganda" in ln for ln in problems)
    assert not (desa_example.parent / "out").exists()


def test_desa_crosswalk_run_values_all_but_the_never_hit_desa(
    desa_example, crosswalk_gaps
):
    twice, never = crosswalk_gaps
    unmatched = r"6 wilayah tanpa baris tabel \(dari 1552 wilayah dan 1552 baris\)"
    with pytest.warns(UnmatchedKeysWarning, match=unmatched):
        with pytest.warns(DoubtfulMatchWarning, match="58 kecocokan perlu diperiksa"):
            result = pipeline.run(load_config(desa_example))
    report = result.analysis.report
    assert (report.n_areas, report.n_rows) == (1552, 1552)
    statuses = report.entries["status"].value_counts().to_dict()
    assert statuses == {MATCHED: 1494, DOUBTFUL: 58, UNMATCHED_AREA: 6}
    hit = report.entries[report.entries["status"].isin([MATCHED, DOUBTFUL])]
    assert hit["area_id"].nunique() == 1546
    assert set(twice) <= set(hit["area_id"])
    unmatched = report.entries[report.entries["status"] == UNMATCHED_AREA]
    assert sorted(unmatched["area_id"]) == never
    out = desa_example.parent / "out"
    ranked = _ranked(out, "banten_desa", load_config(desa_example))
    assert len(ranked) == 1552
    assert sorted(ranked.loc[ranked[SCORE].isna(), ID]) == sorted(never)
    assert ranked.loc[ranked[SCORE].notna(), RANK].min() == 1
    layer = gpd.read_file(result.outputs["gpkg"], layer="banten_desa", engine="pyogrio")
    assert len(layer) == 1552 and int(layer[SCORE].isna().sum()) == 6
    notes = result.analysis.notes
    assert any("58 kecocokan meragukan diterima" in n for n in notes), notes


def test_desa_crosswalk_collision_rate_is_reweighted_not_averaged(desa_example):
    """A desa that receives two BPS desa gets their summed population and the
    population-weighted rate."""
    table = pd.read_csv(
        desa_example.parent / "banten_desa_bps_indikator.csv", dtype=str
    )
    walk = pd.read_csv(_boundaries_dir() / DESA_CROSSWALK, dtype=str)
    hits = walk["kemendagri_kode_desa"].value_counts()
    target = sorted(hits.index[hits == 2])[0]
    sources = walk.loc[walk["kemendagri_kode_desa"] == target, "bps_kode_desa"]
    rows = table[table["kode_desa"].isin(sources)]
    rate = rows["extreme_poverty_rate"].astype(float)
    pop = rows["population"].astype(float)
    with pytest.warns(UnmatchedKeysWarning), pytest.warns(DoubtfulMatchWarning):
        result = pipeline.analyse(load_config(desa_example))
    got = result.areas.set_index(ID).loc[target]
    assert got["population"] == pytest.approx(pop.sum())
    assert got["extreme_poverty_rate"] == pytest.approx((rate * pop).sum() / pop.sum())


# ------------------------------------------------------------------- bad input


@pytest.fixture
def kab_copy(tmp_path: Path) -> Path:
    """The kab/kota example on the shared (valid) OCHA kab/kota layer."""
    return _example_copy(
        "banten_kabkota.toml", tmp_path, boundaries=(OCHA_KAB, KAB_OCHA)
    )


def test_kab_layer_baseline_check_exits_0(kab_copy: Path):
    result = CliRunner().invoke(cli, ["check", str(kab_copy)])
    assert result.exit_code == 0, result.output


def test_table_code_matching_nothing_fails_check_and_is_named(kab_copy: Path):
    csv = kab_copy.parent / "figures.csv"
    text = POVERTY_CSV.read_text(encoding="utf-8")
    text += "36.99,Kota Contoh,2022,extreme_poverty_rate,3.5,percent,test,\n"
    csv.write_text(text, encoding="utf-8")
    config = kab_copy.read_text(encoding="utf-8")
    kab_copy.write_text(
        config.replace(POVERTY_CSV.as_posix(), csv.as_posix()), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check", str(kab_copy)])
    assert result.exit_code == 1
    assert "baris tabel tanpa wilayah: '36.99' 'Kota Contoh'" in result.output
    assert not (kab_copy.parent / "out").exists()


def test_config_naming_a_missing_column_lists_the_columns(kab_copy: Path):
    text = kab_copy.read_text(encoding="utf-8").replace(
        'code_column = "kode_wilayah"', 'code_column = "kode_wil"'
    )
    kab_copy.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(kab_copy)])
    assert result.exit_code == 1
    assert "'kode_wil'" in result.output
    for column in ("kode_wilayah", "nama", "tahun", "indicator", "value"):
        assert column in result.output
