"""Ranked tables for people: rounded numbers, Indonesian (or English) headers.

These are the tables a planner opens in a spreadsheet: the run's ranked table
(``NAME_peringkat.csv``) and the export tables (``NAME_tabel.csv``,
``NAME_tabel.xlsx``). Every number is written as it is published:

* the priority score with :data:`~geo_priority.formatting.SCORE_DECIMALS` (one)
  decimal, as on the map, so the ranks and classes beside it
  (:mod:`geo_priority.score`, :mod:`geo_priority.classify`) can be read off it;
* each indicator with its decimals
  (:func:`~geo_priority.formatting.indicator_decimals`: the
  ``[[scoring.indicators]] decimals`` key, else 0 for counts such as ``jiwa``
  and ``KK``, else 2);
* each contribution with one decimal, rounded by largest remainder so that the
  contributions of a row add up to its published score exactly;
* ranks, classes and counts as whole numbers (``1``, ``50312``; never ``1,0``).

Headers are Indonesian (``Kode wilayah``, ``Letak``...) or English with
``outputs.lang = "en"`` (units too: ``jiwa`` is ``persons``); a desa's
``area_place`` (``Kec. Sumur, Kab. Pandeglang``) is the column ``Letak`` /
``Location`` next to its name.

The CSV is written for the language's spreadsheet locale: Indonesian Excel
expects ``;`` between fields and a decimal comma, English ``,`` and a decimal
point; numbers carry no thousands separator (Excel would read ``50.312`` as
text or as fifty). Both carry a UTF-8 byte-order mark so Excel shows the en dash
of the class labels. The XLSX stores the rounded numbers as numbers and adds a
metadata sheet.

The machine-readable layers (GeoPackage, GeoJSON, FlatGeobuf, Shapefile) keep
the full precision of every value, for analysis; only these human tables are
rounded. :func:`read_ranked_csv` reads a ranked CSV back into the machine
column names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo_priority.analytics_stage import analytics_columns, analytics_names
from geo_priority.config import IndicatorConfig
from geo_priority.formatting import SCORE_DECIMALS, indicator_decimals
from geo_priority.hotspots import HOTSPOT_COLUMNS
from geo_priority.io.spreadsheet import write_excel_csv, write_workbook
from geo_priority.official_rule import OFFICIAL_PRIORITY
from geo_priority.output_config import RESTRICTED_COLUMN
from geo_priority.progress import PROGRESS_COLUMNS
from geo_priority.render.i18n import unit_text
from geo_priority.robustness import P_CLASS1, RANK_HIGH, RANK_LOW, RANK_MEDIAN
from geo_priority.schema import (
    CLASS,
    CONTRIB_PREFIX,
    ID,
    LABEL,
    NAME,
    PLACE,
    RANK,
    SCORE,
)
from geo_priority.score import RANK_BAND_BEST, RANK_BAND_WORST, SCORE_BASIS

__all__ = [
    "HEADERS",
    "human_table",
    "read_ranked_csv",
    "round_contributions",
    "write_ranked_csv",
    "write_table_csv",
    "write_table_xlsx",
]

#: Column headers by language.
HEADERS: dict[str, dict[str, str]] = {
    "id": {
        ID: "Kode wilayah",
        NAME: "Nama wilayah",
        PLACE: "Letak",
        RANK: "Peringkat",
        RANK_MEDIAN: "Peringkat median (skenario)",
        RANK_LOW: "Rentang peringkat: dari (persentil 5)",
        RANK_HIGH: "Rentang peringkat: sampai (persentil 95)",
        P_CLASS1: "Peluang masuk kelas 1 (%)",
        OFFICIAL_PRIORITY: "Terpilih menurut aturan resmi",
        "yes": "ya",
        "no": "tidak",
        SCORE: "Skor prioritas (0–100)",
        CLASS: "Kelas prioritas",
        LABEL: "Keterangan kelas",
        "imputed": "Indikator diimputasi",
        SCORE_BASIS: "Dasar skor (komponen)",
        RANK_BAND_BEST: "Peringkat terbaik dengan komponen tersembunyi",
        RANK_BAND_WORST: "Peringkat terburuk dengan komponen tersembunyi",
        RESTRICTED_COLUMN: "Terbatas",
        "contrib": "Kontribusi ke skor",
        "sheet": "Peringkat",
        "meta": "Metadata",
    },
    "en": {
        ID: "Area code",
        NAME: "Area name",
        PLACE: "Location",
        RANK: "Rank",
        RANK_MEDIAN: "Median rank (scenarios)",
        RANK_LOW: "Rank range: from (5th percentile)",
        RANK_HIGH: "Rank range: to (95th percentile)",
        P_CLASS1: "Chance of class 1 (%)",
        OFFICIAL_PRIORITY: "Selected by the official rule",
        "yes": "yes",
        "no": "no",
        SCORE: "Priority score (0–100)",
        CLASS: "Priority class",
        LABEL: "Class label",
        "imputed": "Imputed indicators",
        SCORE_BASIS: "Score basis (components)",
        RANK_BAND_BEST: "Best rank with the hidden components",
        RANK_BAND_WORST: "Worst rank with the hidden components",
        RESTRICTED_COLUMN: "Restricted",
        "contrib": "Contribution to score",
        "sheet": "Ranking",
        "meta": "Metadata",
    },
}
_CSV_LOCALE = {"id": (";", ","), "en": (",", ".")}
#: Where the decimals of each rounded column are kept on a human table.
DECIMALS_ATTR = "decimals"
#: Columns that are whole numbers in every table.
_WHOLE = (RANK, CLASS, RANK_MEDIAN, RANK_LOW, RANK_HIGH, P_CLASS1)
#: Columns of the rank-robustness and official-rule stage, as the tables read back.
_DECISION = (RANK_MEDIAN, RANK_LOW, RANK_HIGH, P_CLASS1, OFFICIAL_PRIORITY)
#: How an area was scored (scoring.missing = reweight) and the run's tier.
_BASIS = (SCORE_BASIS, RANK_BAND_BEST, RANK_BAND_WORST, RESTRICTED_COLUMN)
#: The hotspot and progress columns (``projected_<year>`` found by its year).
_ANALYTICS = analytics_columns([*HOTSPOT_COLUMNS, *PROGRESS_COLUMNS])
#: Decimals of a numeric column the table knows nothing about.
_OTHER_DECIMALS = indicator_decimals("")


def _indicator_header(ind: IndicatorConfig, lang: str) -> str:
    label = (ind.label_en if lang == "en" and ind.label_en else ind.label) or ind.key
    year = f" {ind.year}" if ind.year else ""
    unit = f" ({unit_text(ind.unit, lang)})" if ind.unit else ""
    return f"{label}{year}{unit}"


# --- rounding --------------------------------------------------------------------


def _round_as_shown(values: pd.Series, decimals: int) -> pd.Series:
    """Round ``values`` as the number formatters do (``f"{v:.2f}"``)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    rounded = numbers.map(lambda v: float(f"{v:.{decimals}f}"), na_action="ignore")
    rounded = rounded.where(rounded != 0, 0.0)  # no "-0,00"
    return rounded.round().astype("Int64") if decimals == 0 else rounded


def round_contributions(
    contributions: pd.DataFrame, totals: pd.Series, /, *, decimals: int = 1
) -> pd.DataFrame:
    """Round each row's contributions so that they add up to its rounded total.

    Largest-remainder rounding in steps of ``10 ** -decimals``: every part is
    rounded down, and the steps still missing to the total go to the parts
    with the largest remainders (ties to the first column). Rounding each part
    on its own can give ``31,1 + 44,4 + 8,3 = 83,8`` beside a score of
    ``83,9``; a meeting will ask why.

    Parameters
    ----------
    contributions : pandas.DataFrame
        One column per indicator, non-negative points of the score.
    totals : pandas.Series
        The published (already rounded) score of each row, same index.
    decimals : int
        Decimals of the parts.

    Returns
    -------
    pandas.DataFrame
        Same shape; a row without a total or with a missing part is rounded
        part by part.

    Examples
    --------
    >>> parts = pd.DataFrame({"a": [31.1316], "b": [44.4444], "c": [8.3064]})
    >>> round_contributions(parts, pd.Series([83.9])).iloc[0].tolist()
    [31.1, 44.5, 8.3]
    """
    step = 10.0**-decimals
    exact = contributions.astype("float64").to_numpy() / step
    base = np.floor(exact + 1e-9)
    units = np.rint(pd.to_numeric(totals, errors="coerce").to_numpy() / step)
    out = np.round(exact)
    for row in range(exact.shape[0]):
        missing = units[row] - base[row].sum()
        if np.isnan(missing) or not 0 <= missing <= exact.shape[1]:
            continue
        order = sorted(
            range(exact.shape[1]), key=lambda j: (-(exact[row, j] - base[row, j]), j)
        )
        out[row] = base[row]
        out[row, order[: int(missing)]] += 1
    frame = pd.DataFrame(
        out * step, index=contributions.index, columns=contributions.columns
    )
    return frame.map(lambda v: float(f"{v:.{decimals}f}"), na_action="ignore")


def _column_decimals(
    table: pd.DataFrame, indicators: Sequence[IndicatorConfig]
) -> dict[str, int]:
    """Return the decimals of every numeric column of ``table``."""
    known = {ind.key: indicator_decimals(ind.unit, ind.decimals) for ind in indicators}
    out: dict[str, int] = {}
    for col in table.columns:
        values = table[col]
        if col in _WHOLE:
            out[col] = 0
        elif col == SCORE or str(col).startswith(CONTRIB_PREFIX):
            out[col] = SCORE_DECIMALS
        elif col in known:
            out[col] = known[col]
        elif pd.api.types.is_numeric_dtype(values) and not (
            pd.api.types.is_bool_dtype(values)
        ):
            present = pd.to_numeric(values, errors="coerce").dropna()
            whole = bool((present == present.round()).all())
            out[col] = 0 if whole else _OTHER_DECIMALS
    return out


def _rounded(
    ranked: pd.DataFrame, indicators: Sequence[IndicatorConfig]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return ``ranked`` with every number rounded as published, and the decimals."""
    decimals = _column_decimals(ranked, indicators)
    out = ranked.copy()
    for col, places in decimals.items():
        out[col] = _round_as_shown(ranked[col], places)
    contrib = [c for c in ranked.columns if str(c).startswith(CONTRIB_PREFIX)]
    if contrib and SCORE in ranked.columns:
        out[contrib] = round_contributions(
            ranked[contrib], out[SCORE], decimals=SCORE_DECIMALS
        )
    return out, decimals


# --- headers -----------------------------------------------------------------------


def _in_words(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Write the chance of class 1 in percent and the selection as yes/no words."""
    words = HEADERS.get(lang, HEADERS["id"])
    out = ranked
    if P_CLASS1 in ranked.columns:
        out = out.copy()
        out[P_CLASS1] = pd.to_numeric(ranked[P_CLASS1], errors="coerce") * 100.0
    if OFFICIAL_PRIORITY in ranked.columns:
        out = out.copy()
        flags = ranked[OFFICIAL_PRIORITY].astype("boolean")
        out[OFFICIAL_PRIORITY] = flags.map(
            lambda v: words["yes"] if v else words["no"], na_action="ignore"
        ).astype("string")
    return out


def _with_place_after_name(ranked: pd.DataFrame) -> pd.DataFrame:
    """Move ``area_place`` next to the name.

    Dropped when it tells nothing: no row has one, or every row has the same
    (all kab/kota of one province), as the map's table does.
    """
    if PLACE not in ranked.columns:
        return ranked
    place = ranked[PLACE].astype("string").str.strip()
    rest = ranked.drop(columns=[PLACE])
    if not place.fillna("").astype(bool).any() or place.nunique(dropna=False) == 1:
        return rest
    at = list(rest.columns).index(NAME) + 1 if NAME in rest.columns else 1
    rest.insert(min(at, len(rest.columns)), PLACE, place.fillna(""))
    return rest


def _header_names(
    columns: Sequence[str], indicators: Sequence[IndicatorConfig], lang: str
) -> list[str]:
    words = HEADERS.get(lang, HEADERS["id"])
    names = {c: words[c] for c in columns if c in words}
    names.update(analytics_names(columns, lang))
    for ind in indicators:
        names[ind.key] = _indicator_header(ind, lang)
        label = _indicator_header(ind, lang).split(" (")[0]
        names[f"{CONTRIB_PREFIX}{ind.key}"] = f"{words['contrib']}: {label}"
    renamed = [names.get(c, c) for c in columns]
    seen: dict[str, int] = {}
    unique = []
    for name in renamed:  # two indicators with the same label stay apart
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} [{seen[name]}]")
    return unique


def human_table(
    ranked: pd.DataFrame, indicators: Sequence[IndicatorConfig], /, *, lang: str = "id"
) -> pd.DataFrame:
    """Return the ranked table as people read it: rounded, with readable headers.

    Parameters
    ----------
    ranked : pandas.DataFrame
        From :func:`geo_priority.analysis.ranked_table` (machine column names,
        full precision); an ``area_place`` column becomes ``Letak`` /
        ``Location`` next to the name (left out when no row has a place).
    indicators : sequence of IndicatorConfig
        Supply labels, years, units and decimals of the indicator columns.
    lang : {"id", "en"}

    Returns
    -------
    pandas.DataFrame
        Same rows; every number rounded as published (see the module
        docstring), whole numbers as nullable integers; columns renamed
        (unknown columns keep their name). ``attrs["decimals"]`` maps each
        numeric header to its decimals, for the CSV writer.

    Examples
    --------
    >>> t = pd.DataFrame({"area_id": ["36.01"], "priority_rank": [1.0],
    ...                   "priority_score": [83.882401]})
    >>> table = human_table(t, [])
    >>> table.to_dict("records")
    [{'Kode wilayah': '36.01', 'Peringkat': 1, 'Skor prioritas (0–100)': 83.9}]
    >>> table.dtypes.astype(str).tolist()[1:]
    ['Int64', 'float64']
    >>> list(human_table(t, [], lang="en").columns)
    ['Area code', 'Rank', 'Priority score (0–100)']
    """
    ordered = _in_words(_with_place_after_name(ranked), lang)
    rounded, decimals = _rounded(ordered, indicators)
    headers = _header_names([str(c) for c in ordered.columns], indicators, lang)
    by_header = dict(zip(ordered.columns, headers, strict=True))
    rounded.columns = headers
    rounded.attrs[DECIMALS_ATTR] = {by_header[c]: d for c, d in decimals.items()}
    return rounded


# --- writing and reading ---------------------------------------------------------


def _csv_text(table: pd.DataFrame, decimal: str) -> pd.DataFrame:
    """Write the decimal columns as fixed-decimal text with ``decimal``."""
    out = table.copy()
    for col, places in table.attrs.get(DECIMALS_ATTR, {}).items():
        if places == 0 or col not in out.columns:
            continue
        numbers = pd.to_numeric(table[col], errors="coerce")
        text = numbers.map(lambda v, p=places: f"{v:.{p}f}", na_action="ignore")
        out[col] = text.str.replace(".", decimal, regex=False).astype("string")
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

    Columns named in ``table.attrs["decimals"]`` (set by :func:`human_table`)
    are written with exactly that many decimals (``2,00`` beside ``1,52``).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    sep, decimal = _CSV_LOCALE.get(lang, _CSV_LOCALE["id"])
    return write_excel_csv(
        _csv_text(table, decimal), path, sep=sep, decimal=decimal, overwrite=overwrite
    )


def write_ranked_csv(
    ranked: pd.DataFrame,
    indicators: Sequence[IndicatorConfig],
    path: str | os.PathLike[str],
    /,
    *,
    lang: str = "id",
    overwrite: bool = False,
) -> Path:
    """Write the run's ranked table (``NAME_peringkat.csv``) for people.

    :func:`human_table` then :func:`write_table_csv`: rounded as published,
    headers and CSV locale of ``lang``.

    Parameters
    ----------
    ranked : pandas.DataFrame
        From :func:`geo_priority.analysis.ranked_table`.
    indicators : sequence of IndicatorConfig
    path : path-like
    lang : {"id", "en"}
    overwrite : bool

    Returns
    -------
    pathlib.Path
    """
    table = human_table(ranked, indicators, lang=lang)
    return write_table_csv(table, path, lang=lang, overwrite=overwrite)


def read_ranked_csv(
    path: str | os.PathLike[str],
    /,
    indicators: Sequence[IndicatorConfig] = (),
) -> pd.DataFrame:
    """Read a ranked CSV written by :func:`write_ranked_csv` into machine columns.

    The language is told from the header of the first column (``Kode
    wilayah`` or ``Area code``), which fixes the separator and decimal mark.
    Known headers get their machine names back (``area_id``,
    ``priority_rank``...); indicator and contribution headers too when
    ``indicators`` are given. Codes stay text.

    Parameters
    ----------
    path : path-like
    indicators : sequence of IndicatorConfig, optional

    Returns
    -------
    pandas.DataFrame
    """
    with open(path, encoding="utf-8-sig") as handle:
        first = handle.readline()
    lang = "en" if first.startswith(HEADERS["en"][ID]) else "id"
    sep, decimal = _CSV_LOCALE[lang]
    table = pd.read_csv(
        path,
        sep=sep,
        decimal=decimal,
        encoding="utf-8-sig",
        dtype={HEADERS[lang][ID]: str},
    )
    columns = [
        c
        for c in HEADERS[lang]
        if c in (ID, NAME, PLACE, RANK, SCORE, CLASS, LABEL, "imputed", *_DECISION)
        or c in _BASIS
    ]
    columns += [i.key for i in indicators] + [
        f"{CONTRIB_PREFIX}{i.key}" for i in indicators
    ]
    back = dict(zip(_header_names(columns, indicators, lang), columns, strict=True))
    back.update(_analytics_back(table.columns, lang))
    return _from_words(table.rename(columns=back), lang)


def _analytics_back(headers: Sequence[object], lang: str) -> dict[str, str]:
    """Return header -> machine name of the hotspot and progress columns."""
    years = {y for h in headers for y in re.findall(r"\b(\d{4})$", str(h))}
    known = [*_ANALYTICS, *(f"projected_{y}" for y in sorted(years))]
    return {v: k for k, v in analytics_names(known, lang).items()}


def _from_words(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Undo :func:`_in_words`: the chance of class 1 as 0-1, the selection as bool."""
    if P_CLASS1 in table.columns:
        table[P_CLASS1] = pd.to_numeric(table[P_CLASS1], errors="coerce") / 100.0
    if OFFICIAL_PRIORITY in table.columns:
        yes = HEADERS[lang]["yes"]
        table[OFFICIAL_PRIORITY] = table[OFFICIAL_PRIORITY].astype("string") == yes
    return table


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

    The numbers of a :func:`human_table` are stored rounded, whole numbers as
    integers.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    words = HEADERS.get(lang, HEADERS["id"])
    sheets = {words["sheet"]: table, words["meta"]: _metadata_rows(meta)}
    return write_workbook(sheets, path, freeze_panes="C2", overwrite=overwrite)
