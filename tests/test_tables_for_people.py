"""Tables for people: the ranked CSV/XLSX are rounded as published, with headers
in the run's language and the desa's location; the GIS layers keep full
precision.

The unit tests use the Banten kab/kota demo's own numbers (unrounded, as the
scoring stage leaves them); the integration tests run the real demo and export
its tables, then look at every cell a person sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo_priority.config import IndicatorConfig
from geo_priority.export import tables
from geo_priority.schema import CLASS, ID, LABEL, NAME, PLACE, RANK, SCORE

from nikscan import SIXTEEN

INDICATORS = (
    IndicatorConfig(key="extreme_poverty_rate", label="Kemiskinan ekstrem", unit="%"),
    IndicatorConfig(key="extreme_poor", label="Penduduk miskin ekstrem", unit="jiwa"),
    IndicatorConfig(
        key="poverty_rate", label="Kemiskinan", label_en="Poverty", unit="%"
    ),
    IndicatorConfig(key="index", label="Indeks", unit="indeks", decimals=3),
)


def _ranked() -> pd.DataFrame:
    """Two rows of the demo's ranked table as the scoring stage leaves them."""
    return pd.DataFrame(
        {
            ID: ["36.03.01.2001", "36.01.14.2003"],
            NAME: ["Tamanjaya", "Tamanjaya"],
            PLACE: ["Kec. Sukamulya, Kab. Tangerang", "Kec. Sumur, Kab. Pandeglang"],
            RANK: [1.0, 2.0],
            SCORE: [83.882401, 20.96],
            CLASS: [1.0, 4.0],
            LABEL: ["Prioritas 1 (75–100)", "Prioritas 4 (0–25)"],
            "extreme_poverty_rate": [1.52, 2.0],
            "extreme_poor": [50312.0, 2117.0],
            "poverty_rate": [6.93, 3.98],
            "index": [0.0123456789012345678, 0.5],
            "contrib_extreme_poverty_rate": [31.13159242191501, 9.216589861751153],
            "contrib_extreme_poor": [44.44444444444445, 1.8701083019734634],
            "contrib_poverty_rate": [8.30636461704423, 9.873301],
            "imputed": ["", ""],
        }
    )


# --- the table in memory ---------------------------------------------------------


def test_numbers_are_rounded_as_published_and_whole_numbers_are_integers():
    table = tables.human_table(_ranked(), INDICATORS)
    row = table.iloc[0]
    assert int(row["Peringkat"]) == 1 and str(table["Peringkat"].dtype) == "Int64"
    assert str(table["Kelas prioritas"].dtype) == "Int64"
    assert row["Skor prioritas (0–100)"] == 83.9
    assert row["Kemiskinan ekstrem (%)"] == 1.52
    assert str(table["Penduduk miskin ekstrem (jiwa)"].dtype) == "Int64"
    assert int(row["Penduduk miskin ekstrem (jiwa)"]) == 50312
    assert row["Indeks (indeks)"] == 0.012  # the indicator's decimals key
    assert table.attrs["decimals"]["Kemiskinan ekstrem (%)"] == 2


def test_contributions_have_one_decimal_and_add_up_to_the_published_score():
    table = tables.human_table(_ranked(), INDICATORS)
    contrib = table[[c for c in table.columns if c.startswith("Kontribusi ke skor")]]
    assert contrib.iloc[0].tolist() == [31.1, 44.5, 8.3]
    sums = contrib.sum(axis=1).round(1)
    assert sums.tolist() == table["Skor prioritas (0–100)"].tolist()


def test_indonesian_and_english_headers_with_the_desa_location():
    id_headers = list(tables.human_table(_ranked(), INDICATORS).columns)
    assert id_headers[:7] == [
        "Kode wilayah",
        "Nama wilayah",
        "Letak",
        "Peringkat",
        "Skor prioritas (0–100)",
        "Kelas prioritas",
        "Keterangan kelas",
    ]
    en = tables.human_table(_ranked(), INDICATORS, lang="en")
    assert list(en.columns)[:4] == ["Area code", "Area name", "Location", "Rank"]
    assert "Poverty (%)" in en.columns and "Contribution to score: Poverty" in en
    assert "Penduduk miskin ekstrem (persons)" in en.columns  # no label_en
    assert en["Location"].tolist()[1] == "Kec. Sumur, Kab. Pandeglang"


def test_location_column_comes_next_to_the_name_or_not_at_all():
    ranked = _ranked()
    moved = ranked[[c for c in ranked.columns if c != PLACE] + [PLACE]]
    assert list(tables.human_table(moved, INDICATORS).columns)[2] == "Letak"
    blank = ranked.assign(**{PLACE: ["", None]})
    assert "Letak" not in tables.human_table(blank, INDICATORS).columns


# --- the files ---------------------------------------------------------------------

#: A number as a person should see it in an Indonesian CSV cell.
_ID_NUMBER = re.compile(r"-?\d+(,\d{1,3})?")


def _cells(path: Path, sep: str) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    return [line.split(sep) for line in text.splitlines()]


def test_indonesian_csv_has_fixed_decimals_integers_and_no_digit_runs(tmp_path):
    table = tables.human_table(_ranked(), INDICATORS)
    path = tables.write_table_csv(table, tmp_path / "uji_tabel.csv")
    head, first, second = _cells(path, ";")
    row = dict(zip(head, first, strict=True))
    assert row["Peringkat"] == "1" and row["Kelas prioritas"] == "1"
    assert row["Skor prioritas (0–100)"] == "83,9"
    assert row["Penduduk miskin ekstrem (jiwa)"] == "50312"
    assert row["Kemiskinan ekstrem (%)"] == "1,52"
    assert dict(zip(head, second, strict=True))["Kemiskinan ekstrem (%)"] == "2,00"
    assert row["Kontribusi ke skor: Kemiskinan ekstrem"] == "31,1"
    assert row["Indeks (indeks)"] == "0,012"
    assert row["Letak"] == "Kec. Sukamulya, Kab. Tangerang"
    assert SIXTEEN.search(path.read_bytes()) is None


def test_english_csv_uses_commas_between_fields_and_decimal_points(tmp_path):
    table = tables.human_table(_ranked(), INDICATORS, lang="en")
    path = tables.write_table_csv(table, tmp_path / "t.csv", lang="en")
    ranked = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert ranked.loc[0, "Priority score (0–100)"] == "83.9"
    assert ranked.loc[1, "Location"] == "Kec. Sumur, Kab. Pandeglang"
    assert ranked.loc[0, "Rank"] == "1"


def test_ranked_csv_reads_back_into_machine_columns(tmp_path):
    for lang in ("id", "en"):
        path = tables.write_ranked_csv(
            _ranked(), INDICATORS, tmp_path / f"{lang}.csv", lang=lang
        )
        back = tables.read_ranked_csv(path, INDICATORS)
        assert back[ID].tolist() == ["36.03.01.2001", "36.01.14.2003"]
        assert back[RANK].tolist() == [1, 2]
        assert back[SCORE].tolist() == [83.9, 21.0]
        assert back["extreme_poor"].tolist() == [50312, 2117]
        assert back["contrib_extreme_poor"].tolist()[0] == 44.5
        assert back[PLACE].tolist()[1] == "Kec. Sumur, Kab. Pandeglang"


def test_xlsx_stores_rounded_numbers_and_integers(tmp_path):
    table = tables.human_table(_ranked(), INDICATORS)
    path = tables.write_table_xlsx(table, tmp_path / "t.xlsx", meta={})
    sheet = openpyxl.load_workbook(path)["Peringkat"]
    head = [c.value for c in sheet[1]]
    row = dict(zip(head, [c.value for c in sheet[2]], strict=True))
    assert row["Peringkat"] == 1 and isinstance(row["Peringkat"], int)
    assert row["Penduduk miskin ekstrem (jiwa)"] == 50312
    assert isinstance(row["Penduduk miskin ekstrem (jiwa)"], int)
    assert row["Skor prioritas (0–100)"] == 83.9
    assert row["Kontribusi ke skor: Kemiskinan ekstrem"] == 31.1
    assert row["Letak"] == "Kec. Sukamulya, Kab. Tangerang"


# --- real runs ---------------------------------------------------------------------


def _numbers_fit_their_decimals(path: Path, decimals: dict[str, int]) -> None:
    head, *rows = _cells(path, ";")
    for cells in rows:
        for header, cell in zip(head, cells, strict=True):
            if header in decimals and cell:
                places = decimals[header]
                assert _ID_NUMBER.fullmatch(cell), (header, cell)
                shown = cell.split(",")[1] if "," in cell else ""
                assert len(shown) == places, (header, cell, places)


@pytest.mark.integration
def test_exported_tables_of_the_real_demo_are_for_people(tmp_path: Path):
    from click.testing import CliRunner

    from geo_priority.cli import cli
    from geo_priority.export import read_scored

    from conftest import require_shared

    mirror = require_shared("upstream")
    runner = CliRunner()
    demo = runner.invoke(cli, ["demo", "--out", str(tmp_path), "--mirror", str(mirror)])
    assert demo.exit_code == 0, demo.output
    gpkg = tmp_path / "demo_banten_kabkota.gpkg"
    out = tmp_path / "export"
    exported = runner.invoke(
        cli, ["export", str(gpkg), "-o", str(out), "-f", "table", "-f", "xlsx"]
    )
    assert exported.exit_code == 0, exported.output
    csv = next(out.glob("*_tabel.csv"))
    assert SIXTEEN.search(csv.read_bytes()) is None
    layer = read_scored(gpkg)
    expected = tables.human_table(layer.ranked_table(), layer.indicators).attrs[
        "decimals"
    ]
    _numbers_fit_their_decimals(csv, expected)
    head, first, *_ = _cells(csv, ";")
    row = dict(zip(head, first, strict=True))
    assert row["Peringkat"] == "1" and row["Kelas prioritas"] == "1"
    assert row["Skor prioritas (0–100)"] == "83,9"  # Kabupaten Tangerang
    book = openpyxl.load_workbook(next(out.glob("*_tabel.xlsx")))
    sheet = book.worksheets[0]
    for cells in sheet.iter_rows(min_row=2, values_only=True):
        for value in cells:
            if isinstance(value, float):
                assert len(repr(value).split(".")[1]) <= 3, value
    # the GIS layer keeps full precision for analysis
    assert (layer.areas[SCORE] != layer.areas[SCORE].round(1)).any()


@pytest.mark.parametrize(("lang", "sep"), [("id", ";"), ("en", ",")])
def test_the_runs_ranked_csv_is_for_people(tmp_path: Path, lang: str, sep: str):
    from geo_priority import pipeline
    from geo_priority.config import load_config

    from geodata import kab_run

    config = kab_run(tmp_path, outputs=f'lang = "{lang}"\ndir = "out"\n')
    pipeline.run(load_config(config))
    path = tmp_path / "out" / "uji_peringkat.csv"
    head, first, *_ = _cells(path, sep)
    words = tables.HEADERS[lang]
    assert head[:4] == [words[ID], words[NAME], words[RANK], words[SCORE]]
    assert first[2] == "1" and first[3] in ("100,0", "100.0")
    assert SIXTEEN.search(path.read_bytes()) is None
    back = tables.read_ranked_csv(path)
    assert back[ID].tolist() == ["36.03", "36.02", "36.01"]
    assert back[RANK].tolist() == [1, 2, 3]
