"""Texts a meeting reads: method note, figure footer, citations, CLI lines.

Built from the shipped BPS table (``data/``) on the schematic kab/kota areas,
so no boundary download is needed; the demo tests check the same on the real
boundaries.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from geo_priority import demo, pipeline
from geo_priority.analysis import Analysis
from geo_priority.cli._common import run_lines
from geo_priority.config import BoundariesConfig, Config
from geo_priority.errors import DoubtfulMatchWarning, UnmatchedKeysWarning
from geo_priority.join_report import summary_text, warn_report
from geo_priority.messages import language, use_language
from geo_priority.metadata import run_record
from geo_priority.render.texts import figure_texts, level_titles, map_texts
from geo_priority.schema import JoinReport

#: Internal words and config values a meeting cannot read.
INTERNAL = re.compile(
    r"arithmetic|geometric|minmax|zscore|Nilai hilang: error|codes read as|"
    r"bps_banten|extreme_poverty_rate|extreme_poor\b|poverty_rate|"
    r"higher_is_worse|\bk = |JoinReport|\.csv\b"
)
INDONESIAN = re.compile(r"semakin|bobot|Kelas|wilayah|dikutip|menurut|Sumber")


def _analysis(tmp_path: Path, lang: str = "id") -> Analysis:
    config = demo.demo_config(out=tmp_path, lang=lang)  # type: ignore[arg-type]
    return pipeline.analyse(config, areas=demo.schematic_areas())


@pytest.fixture(scope="module")
def analyses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Analysis]:
    folder = tmp_path_factory.mktemp("texts")
    return {lang: _analysis(folder, lang) for lang in ("id", "en")}


def _note(analysis: Analysis) -> list[str]:
    texts = map_texts(analysis, run_record(analysis))
    return [*texts.method_lines, *texts.indicator_lines]


def test_method_note_is_plain_indonesian(analyses: dict[str, Analysis]) -> None:
    lines = _note(analyses["id"])
    text = "\n".join(lines)
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert "Tingkat kemiskinan ekstrem 2022 (%): bobot 45%" in text
    assert "Jumlah penduduk miskin ekstrem" in text and "bobot 44%" in text
    assert "Tingkat kemiskinan (P0) 2023 (%): bobot 11%" in text
    weights = [int(w) for w in re.findall(r"bobot (\d+)%", text)]
    assert sum(weights) == 100
    assert "semakin tinggi semakin prioritas" in text
    assert "diskalakan menurut jarak ke target 0%" in text
    assert "rata-rata tertimbang" in text
    assert "Setiap wilayah memiliki nilai" in text  # missing = "error", in words
    assert "4 kelas tetap yang sama lebar pada skor 0–100" in text
    assert "dihitung sebagai Tingkat kemiskinan ekstrem × Jumlah penduduk" in text
    assert "hanya informasi, tidak dipakai dalam skor" in text


def test_method_note_is_fully_english(analyses: dict[str, Analysis]) -> None:
    text = "\n".join(_note(analyses["en"]))
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert not INDONESIAN.search(text), INDONESIAN.search(text)
    assert "Extreme-poverty rate 2022 (%): weight 45%" in text
    assert "the higher, the higher the priority" in text
    assert "4 fixed classes of equal width" in text
    assert "Every area has a value for every scored indicator." in text
    assert "Region codes: tables in Kemendagri codes" in text


def test_region_codes_name_the_system_each_table_was_read_in(
    analyses: dict[str, Analysis],
) -> None:
    text = "\n".join(_note(analyses["id"]))
    assert (
        "Kode wilayah: tabel dalam kode Kemendagri, batas wilayah dalam kode " in text
    )
    assert "Kepmendagri 300.2.2-2138/2025" in text


def test_sources_are_citations_of_what_was_used(
    analyses: dict[str, Analysis],
) -> None:
    analysis = analyses["id"]
    sources = map_texts(analysis, run_record(analysis)).sources
    assert sources[0] == (
        "BPS Provinsi Banten, Tingkat kemiskinan ekstrem menurut kabupaten/kota, "
        "2022 (dikutip oleh iNews Lebak) https://lebak.inews.id/amp/259118/"
        "kemiskinan-ekstrem-di-lebak-tertinggi-se-banten-musa-ingatkan-janji-"
        "kampanye-iti-ade"
    )
    assert any(s.startswith("Ditjen Dukcapil, Jumlah penduduk") for s in sources)
    # 6 sources of the 2022/2023 rows of 8 kab/kota (not the 39 of the file),
    # then the boundary layer's
    assert len(sources) == 7
    assert sources[-1].startswith("Batas wilayah: BPS; OCHA ROAP")
    assert not any("Databoks" in s or ".csv" in s for s in sources)
    english = map_texts(analyses["en"], run_record(analyses["en"])).sources
    assert english[0].startswith(
        "BPS Provinsi Banten, Extreme-poverty rate by regency/city, 2022 "
        "(quoted by iNews Lebak)"
    )


def test_figure_footer_in_words(analyses: dict[str, Analysis]) -> None:
    for lang, words in (("id", "rata-rata tertimbang"), ("en", "weighted average")):
        analysis = analyses[lang]
        method = figure_texts(analysis, run_record(analysis)).method
        assert not INTERNAL.search(method), method
        assert words in method
        assert re.findall(r"(\d+)%", method) == ["45", "44", "11"]
    english = figure_texts(analyses["en"], run_record(analyses["en"])).method
    assert not INDONESIAN.search(english), english


def _at_level(analysis: Analysis, level: str) -> Analysis:
    areas = analysis.areas.copy()
    areas.attrs = {**analysis.areas.attrs, "level": level}
    return dataclasses.replace(analysis, areas=areas)


def test_title_and_subtitle_name_the_level_shown(
    analyses: dict[str, Analysis],
) -> None:
    base = analyses["id"]
    assert level_titles(base)[1].startswith("Kabupaten/kota · kemiskinan")
    title, subtitle = level_titles(_at_level(base, "kecamatan"))
    assert title == base.config.title  # names Provinsi Banten, not a level
    assert subtitle.startswith("Kecamatan · kemiskinan ekstrem 2022")
    texts = map_texts(_at_level(base, "kecamatan"), run_record(base))
    assert texts.subtitle == subtitle
    english = level_titles(_at_level(analyses["en"], "kecamatan"))[1]
    assert english.startswith("Districts (kecamatan) · extreme poverty 2022")


def test_a_level_in_the_configured_title_follows_the_level(
    analyses: dict[str, Analysis],
) -> None:
    base = analyses["id"]
    config = dataclasses.replace(
        base.config,
        title="DATA SINTETIS — Prioritas desa: desil 1 dan exclusion error, Banten",
        subtitle="registri buatan",
        boundaries=BoundariesConfig(source=demo.DEMO_SOURCE, level="desa"),
    )
    desa = dataclasses.replace(_at_level(base, "desa"), config=config)
    assert level_titles(desa)[0].startswith("DATA SINTETIS — Prioritas desa:")
    title, subtitle = level_titles(_at_level(desa, "kabkota"))
    assert title == (
        "DATA SINTETIS — Prioritas kabupaten/kota: desil 1 dan exclusion error, Banten"
    )
    assert subtitle == "registri buatan"
    untitled = dataclasses.replace(desa, config=dataclasses.replace(config, title=""))
    assert level_titles(_at_level(untitled, "kecamatan"))[1] == (
        "Kecamatan · registri buatan"
    )


def test_english_map_of_the_default_title_is_english(
    analyses: dict[str, Analysis],
) -> None:
    analysis = analyses["en"]
    config = dataclasses.replace(analysis.config, title=Config.title)
    title = level_titles(dataclasses.replace(analysis, config=config))[0]
    assert title == "Priority areas for extreme-poverty reduction"


def test_cli_lines_in_the_run_language(analyses: dict[str, Analysis]) -> None:
    files = (Path("demo_banten_kabkota_laporan_join.csv"),)
    lines = run_lines(pipeline.RunResult(analyses["id"], {}, files), "id")
    assert lines[0] == (
        "Pencocokan tabel dengan wilayah: 8 dari 8 wilayah cocok, 2 baris tingkat "
        "wilayah lain (total, tidak dipakai) (rincian setiap baris: "
        "demo_banten_kabkota_laporan_join.csv)"
    )
    assert lines[1].startswith("Kode wilayah: tabel dalam kode Kemendagri")
    assert all(line.startswith("Catatan: ") for line in lines[2:])
    assert not any("codes read as" in line for line in lines)
    english = run_lines(pipeline.RunResult(analyses["en"], {}, files), "en")
    assert english[0].startswith("Tables matched to areas: 8 of 8 areas matched, ")
    assert english[1].startswith("Region codes: tables in Kemendagri codes")
    assert all(line.startswith("Note: ") for line in english[2:])


def _report(statuses: list[str]) -> JoinReport:
    n = len(statuses)
    entries = pd.DataFrame(
        {
            "status": statuses,
            "table": ["bps"] * n,
            "area_id": [f"36.0{i}" for i in range(n)],
            "area_name": ["A"] * n,
            "row_code": [None] * n,
            "row_name": ["A"] * n,
            "detail": ["name close to 'B'"] * n,
        },
        dtype="string",
    )
    return JoinReport(entries, n, n)


def test_join_warnings_name_the_report_file_not_a_python_name() -> None:
    report = _report(["unmatched_area", "doubtful"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_report(report, "bps")
    texts = [str(w.message) for w in caught]
    assert {w.category for w in caught} == {UnmatchedKeysWarning, DoubtfulMatchWarning}
    for text in texts:
        assert "JoinReport" not in text and "problems" not in text
        assert "_laporan_join.csv" in text and "geo-priority check CONFIG" in text
    assert "1 wilayah tanpa baris tabel" in texts[0]
    with use_language("en"):
        assert summary_text(report) == (
            "0 of 2 areas matched, 1 doubtful match to check, "
            "1 area without a table row"
        )


def test_the_pipeline_runs_in_the_configured_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def write(
        analysis: Analysis, *, overwrite: bool, display: object = None
    ) -> dict[str, Path]:
        seen.append(language())
        return {}

    monkeypatch.setattr(pipeline, "write_outputs", write)
    config = demo.demo_config(out=tmp_path, lang="en")
    pipeline.run(config, areas=demo.schematic_areas())
    assert seen == ["en"] and language() == "id"
