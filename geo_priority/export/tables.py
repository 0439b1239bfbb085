"""Ranked tables for spreadsheet users: Indonesian (or English) headers.

The CSV is written for the language's spreadsheet locale: Indonesian Excel
expects ``;`` between fields and a decimal comma, English ``,`` and a decimal
point. Both carry a UTF-8 byte-order mark so Excel shows the en dash of the
class labels. The XLSX needs no such care and adds a metadata sheet.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from geo_priority.config import IndicatorConfig
from geo_priority.io.spreadsheet import write_excel_csv, write_workbook
from geo_priority.schema import CLASS, CONTRIB_PREFIX, ID, LABEL, NAME, RANK, SCORE

__all__ = ["HEADERS", "human_table", "write_table_csv", "write_table_xlsx"]

#: Column headers by language.
HEADERS: dict[str, dict[str, str]] = {
    "id": {
        ID: "Kode wilayah",
        NAME: "Nama wilayah",
        RANK: "Peringkat",
        SCORE: "Skor prioritas (0–100)",
        CLASS: "Kelas prioritas",
        LABEL: "Keterangan kelas",
        "imputed": "Indikator diimputasi",
        "contrib": "Kontribusi ke skor",
        "sheet": "Peringkat",
        "meta": "Metadata",
    },
    "en": {
        ID: "Area code",
        NAME: "Area name",
        RANK: "Rank",
        SCORE: "Priority score (0–100)",
        CLASS: "Priority class",
        LABEL: "Class label",
        "imputed": "Imputed indicators",
        "contrib": "Contribution to score",
        "sheet": "Ranking",
        "meta": "Metadata",
    },
}
_CSV_LOCALE = {"id": (";", ","), "en": (",", ".")}


def _indicator_header(ind: IndicatorConfig, lang: str) -> str:
    label = (ind.label_en if lang == "en" and ind.label_en else ind.label) or ind.key
    year = f" {ind.year}" if ind.year else ""
    unit = f" ({ind.unit})" if ind.unit else ""
    return f"{label}{year}{unit}"


def human_table(
    ranked: pd.DataFrame, indicators: Sequence[IndicatorConfig], /, *, lang: str = "id"
) -> pd.DataFrame:
    """Return the ranked table with readable, unique headers.

    Parameters
    ----------
    ranked : pandas.DataFrame
        From :func:`geo_priority.pipeline.ranked_table`.
    indicators : sequence of IndicatorConfig
        Supply labels, years and units of the indicator columns.
    lang : {"id", "en"}

    Returns
    -------
    pandas.DataFrame
        Same rows; columns renamed (unknown columns keep their name).

    Examples
    --------
    >>> t = pd.DataFrame({"area_id": ["36.01"], "priority_rank": [1]})
    >>> list(human_table(t, []).columns)
    ['Kode wilayah', 'Peringkat']
    """
    words = HEADERS.get(lang, HEADERS["id"])
    names = {c: words[c] for c in ranked.columns if c in words}
    for ind in indicators:
        names[ind.key] = _indicator_header(ind, lang)
        label = _indicator_header(ind, lang).split(" (")[0]
        names[f"{CONTRIB_PREFIX}{ind.key}"] = f"{words['contrib']}: {label}"
    renamed = [names.get(c, c) for c in ranked.columns]
    seen: dict[str, int] = {}
    unique = []
    for name in renamed:  # two indicators with the same label stay apart
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} [{seen[name]}]")
    out = ranked.copy()
    out.columns = unique
    return out


def write_table_csv(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    lang: str = "id",
    overwrite: bool = False,
) -> Path:
    """Write ``table`` as CSV for the spreadsheet locale of ``lang``, atomically.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    sep, decimal = _CSV_LOCALE.get(lang, _CSV_LOCALE["id"])
    return write_excel_csv(table, path, sep=sep, decimal=decimal, overwrite=overwrite)


def _metadata_rows(meta: Mapping[str, Any]) -> pd.DataFrame:
    codes = meta.get("reference_codes", {})
    rows = [
        ("Judul / Title", meta.get("title", "")),
        ("Produsen data / Producer", meta.get("producer", "")),
        ("Walidata", meta.get("walidata", "")),
        ("Tanggal / Date", meta.get("date", "")),
        (
            "Kode wilayah / Region codes",
            f"{codes.get('name')} ({codes.get('edition')})",
        ),
        ("SRK / CRS", meta.get("layer", {}).get("crs", "")),
        *(("Sumber / Source", s.get("citation", "")) for s in meta.get("sources", [])),
    ]
    return pd.DataFrame(rows, columns=["Unsur / Item", "Isi / Value"])


def write_table_xlsx(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    meta: Mapping[str, Any],
    lang: str = "id",
    overwrite: bool = False,
) -> Path:
    """Write ``table`` (and a metadata sheet) as an Excel workbook, atomically.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    words = HEADERS.get(lang, HEADERS["id"])
    sheets = {words["sheet"]: table, words["meta"]: _metadata_rows(meta)}
    return write_workbook(sheets, path, freeze_panes="C2", overwrite=overwrite)
