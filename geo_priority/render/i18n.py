"""All user-facing text of maps and reports, in Bahasa Indonesia and English."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import SupportsFloat, SupportsIndex

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_priority.config import LANGS, Lang
from geo_priority.formatting import format_fixed, indicator_decimals
from geo_priority.render.fixed_columns import fixed_texts, scaled_whole
from geo_priority.schema import check_choice

MESSAGES: dict[str, dict[str, str]] = {
    "id": {
        "name": "Wilayah",
        "code": "Kode",
        "score": "Skor prioritas (0–100)",
        "rank": "Peringkat",
        "class": "Kelas prioritas",
        "no_data": "tidak ada data",
        "legend_title": "Kelas prioritas",
        "legend_note": "Kelas 1 = paling diprioritaskan",
        "sources": "Sumber",
        "more_sources": "dan {n} sumber lain (lihat Metode & sumber)",
        "method": "Metode",
        "of": "dari",
        "robust_row": "Kestabilan peringkat",
        "robust_line": (
            "Peringkat median {median} (rentang {low}–{high} dalam 90% skenario); "
            "peluang masuk kelas 1: {chance}"
        ),
        "robust_line_fixed": (
            "Peringkat median {median} (tetap {low} dalam 90% skenario); "
            "peluang masuk kelas 1: {chance}"
        ),
        "range_short": "Rentang",
        "range_help": (
            "Rentang peringkat dalam 90% skenario (persentil 5–95), garis = median"
        ),
        "p_class1_layer": "Peluang masuk kelas 1",
        "p_class1_title": "Peluang masuk kelas 1 (bagian skenario)",
        "p_class1_classes": (
            "hampir selalu kelas 1 (90–100% skenario)|sering kelas 1 (50–90%)|"
            "kadang kelas 1 (10–50%)|jarang atau tidak pernah (< 10%)"
        ),
        "p_class1_note": (
            "Bagian skenario (bobot, normalisasi, agregasi lain) yang menempatkan "
            "wilayah di kelas 1. Makin gelap, makin pasti prioritasnya."
        ),
        "official_layer": "Pilihan aturan resmi",
        "official_title": "Pilihan aturan resmi (persentase dan jumlah miskin ekstrem)",
        "official_yes": "terpilih menurut aturan resmi",
        "official_no": "tidak terpilih menurut aturan resmi",
        "official_note": (
            "Urutan menurut rata-rata peringkat persentase dan peringkat jumlah "
            "penduduk miskin ekstrem (lihat Metode & sumber)."
        ),
        "official_mark": "terpilih menurut aturan resmi",
        "official_short": "terpilih (aturan resmi)",
        "whisker_head": "rentang peringkat 90%",
        "imputed": "diimputasi",
        "schematic": (
            "PETA SKEMATIK: satu segi enam per kabupaten/kota, diletakkan menurut "
            "posisinya. Batas wilayah asli tidak tersedia."
        ),
        "synthetic": "DATA SINTETIS — bukan data sebenarnya",
        "level_kabkota": "kabupaten/kota",
        "level_kecamatan": "kecamatan",
        "level_desa": "desa/kelurahan",
        "level_provinsi": "provinsi",
        "reset": "Kembali ke tampilan awal",
        "search": "Cari wilayah…",
        "not_found": "Tidak ditemukan",
        "show": "Tampilkan",
        "labels": "Nama wilayah",
        "table_title": "Tabel peringkat",
        "hide": "Sembunyikan",
        "show_table": "Tampilkan tabel",
        "table_filter": "Saring tabel: nama atau letak…",
        "province": "Provinsi",
        "kabkota": "Kab/kota",
        "all_provinces": "Semua provinsi",
        "all_kabkota": "Semua kab/kota",
        "table_count": "{n} dari {total}",
        "more_hits": "dan {n} lainnya: ketik lebih lengkap atau saring tabel",
        "table_keys": (
            "Panah atas/bawah memilih baris, Enter menunjukkan wilayahnya di peta"
        ),
        "rank_short": "#",
        "score_short": "Skor",
        "class_short": "Kelas",
        "sort": "Klik untuk mengurutkan",
        "method_title": "Metode & sumber",
        "close": "Tutup",
        "scored": "Dipakai dalam skor prioritas",
        "not_scored": "Hanya informasi (tidak dipakai dalam skor)",
        "weights": "Bobot",
        "classes": "Kelas",
        "aggregation": "Agregasi",
        "missing": "Nilai hilang",
        "reference": "Kode wilayah",
        "boundaries": "Batas wilayah",
        "normalisation": "normalisasi",
        "target": "target",
        "higher_is_worse": "makin tinggi makin buruk",
        "higher_is_better": "makin tinggi makin baik",
        "derived": "bila tidak ada: dihitung dari",
        "change": "Perubahan",
        "level": "Tingkat wilayah",
        "suppressed": "disembunyikan (< {threshold})",
        "suppressed_short": "tersembunyi",
        "change_note": "Merah = memburuk, biru = membaik",
        "pooled": "Kelas sama untuk semua tahun",
        "percentage_points": "poin persen",
        # static figure (render/figure.py)
        "north": "U",
        "n_area": "{n} wilayah",
        "n_areas": "{n} wilayah",
        "top_areas": "{n} wilayah prioritas tertinggi",
        "ranking": "Peringkat prioritas",
        "more_sources_short": "dan {n} sumber lain",
        "made_on": "Dibuat {date}",
        "months": (
            "Januari Februari Maret April Mei Juni Juli Agustus September "
            "Oktober November Desember"
        ),
        "synthetic_mark": "DATA SINTETIS",
        "not_to_scale": "Peta skematik: tidak berskala",
    },
    "en": {
        "name": "Area",
        "code": "Code",
        "score": "Priority score (0–100)",
        "rank": "Rank",
        "class": "Priority class",
        "no_data": "no data",
        "legend_title": "Priority class",
        "legend_note": "Class 1 = highest priority",
        "sources": "Sources",
        "more_sources": "and {n} more (see Method & sources)",
        "method": "Method",
        "of": "of",
        "robust_row": "Rank robustness",
        "robust_line": (
            "Median rank {median} (range {low}–{high} in 90% of scenarios); "
            "chance of class 1: {chance}"
        ),
        "robust_line_fixed": (
            "Median rank {median} (stays {low} in 90% of scenarios); "
            "chance of class 1: {chance}"
        ),
        "range_short": "Range",
        "range_help": (
            "Rank range in 90% of scenarios (5th–95th percentile), line = median"
        ),
        "p_class1_layer": "Chance of class 1",
        "p_class1_title": "Chance of class 1 (share of scenarios)",
        "p_class1_classes": (
            "almost always class 1 (90–100% of scenarios)|often class 1 (50–90%)|"
            "sometimes class 1 (10–50%)|rarely or never (< 10%)"
        ),
        "p_class1_note": (
            "Share of scenarios (other weights, normalisations, aggregations) that "
            "put the area in class 1. The darker, the surer its priority."
        ),
        "official_layer": "Official rule's selection",
        "official_title": "Official rule's selection (extreme-poverty rate and number)",
        "official_yes": "selected by the official rule",
        "official_no": "not selected by the official rule",
        "official_note": (
            "Ordered by the mean of the rank on the extreme-poverty rate and the "
            "rank on the number of extreme poor (see Method & sources)."
        ),
        "official_mark": "selected by the official rule",
        "official_short": "selected (official rule)",
        "whisker_head": "90% rank range",
        "imputed": "imputed",
        "schematic": (
            "SCHEMATIC MAP: one hexagon per regency/city, placed by its position. "
            "Real boundaries were not available."
        ),
        "synthetic": "SYNTHETIC DATA — not real figures",
        "level_kabkota": "regencies/cities",
        "level_kecamatan": "districts (kecamatan)",
        "level_desa": "villages (desa/kelurahan)",
        "level_provinsi": "provinces",
        "reset": "Back to the initial view",
        "search": "Search area…",
        "not_found": "Not found",
        "show": "Show",
        "labels": "Area names",
        "table_title": "Ranked table",
        "hide": "Hide",
        "show_table": "Show table",
        "table_filter": "Filter table: name or place…",
        "province": "Province",
        "kabkota": "Regency/city",
        "all_provinces": "All provinces",
        "all_kabkota": "All regencies/cities",
        "table_count": "{n} of {total}",
        "more_hits": "and {n} more: type more of the name or filter the table",
        "table_keys": "Up/down arrows choose a row, Enter shows the area on the map",
        "rank_short": "#",
        "score_short": "Score",
        "class_short": "Class",
        "sort": "Click to sort",
        "method_title": "Method & sources",
        "close": "Close",
        "scored": "Used in the priority score",
        "not_scored": "For information only (not scored)",
        "weights": "Weights",
        "classes": "Classes",
        "aggregation": "Aggregation",
        "missing": "Missing values",
        "reference": "Region codes",
        "boundaries": "Boundaries",
        "normalisation": "normalisation",
        "target": "target",
        "higher_is_worse": "higher is worse",
        "higher_is_better": "higher is better",
        "derived": "where missing: derived from",
        "change": "Change in",
        "level": "Admin level",
        "suppressed": "suppressed (< {threshold})",
        "suppressed_short": "hidden",
        "change_note": "Red = worse, blue = better",
        "pooled": "Same classes for every year",
        "percentage_points": "percentage points",
        # static figure (render/figure.py)
        "north": "N",
        "n_area": "{n} area",
        "n_areas": "{n} areas",
        "top_areas": "Top {n} priority areas",
        "ranking": "Priority ranking",
        "more_sources_short": "and {n} more",
        "made_on": "Produced {date}",
        "months": (
            "January February March April May June July August September "
            "October November December"
        ),
        "synthetic_mark": "SYNTHETIC DATA",
        "not_to_scale": "Schematic map: not to scale",
    },
}


#: The English map's names of the units configs use (``unit`` of an
#: indicator), keyed in lower case; a unit not listed is shown as given.
UNITS_EN: dict[str, str] = {
    "jiwa": "persons",
    "orang": "persons",
    "kk": "families",
    "keluarga": "families",
    "ribu jiwa": "thousand persons",
    "ribu orang": "thousand persons",
    "rumah tangga": "households",
    "ruta": "households",
}

#: Keys of the catalogue that the page's script uses.
UI_KEYS: tuple[str, ...] = (
    "code",
    "score",
    "rank",
    "class",
    "no_data",
    "reset",
    "search",
    "not_found",
    "show",
    "labels",
    "table_title",
    "hide",
    "show_table",
    "table_filter",
    "province",
    "kabkota",
    "all_provinces",
    "all_kabkota",
    "table_count",
    "more_hits",
    "table_keys",
    "rank_short",
    "name",
    "score_short",
    "class_short",
    "sort",
    "method_title",
    "sources",
    "close",
    "level",
    "robust_row",
    "range_short",
    "range_help",
    "official_mark",
    "official_short",
)


def check_lang(lang: object) -> Lang:
    """Return ``lang`` when it is ``"id"`` or ``"en"``.

    Raises
    ------
    ConfigError
        Naming ``outputs.lang`` and the languages there are.
    """
    return check_choice(lang, LANGS, "outputs.lang")


def ui_texts(lang: str = "id") -> dict[str, str]:
    """Return the texts the page's script needs, in ``lang``.

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"``.
    """
    language = check_lang(lang)
    return {key: text(key, language) for key in UI_KEYS}


def text(key: str, lang: str = "id") -> str:
    """Return the message ``key`` in ``lang`` (falls back to Indonesian)."""
    return MESSAGES.get(lang, MESSAGES["id"]).get(key, MESSAGES["id"][key])


def _as_number(value: object) -> float | None:
    """Return ``value`` as a float, or None when it is not a number."""
    if type(value) is float or type(value) is int:  # most cells; no protocol check
        return float(value)
    if not isinstance(value, SupportsFloat | SupportsIndex | str):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def unit_text(unit: str, lang: str = "id") -> str:
    """Return an indicator's unit as the map writes it in ``lang``.

    The Indonesian map writes the unit as configured; the English map
    translates the units of :data:`UNITS_EN` (``jiwa`` -> ``persons``,
    ``KK`` -> ``families``...) and writes any other unit as given.

    Examples
    --------
    >>> unit_text("jiwa", "en"), unit_text("KK", "en"), unit_text("KK")
    ('persons', 'families', 'KK')
    >>> unit_text("indeks", "en")
    'indeks'
    """
    if lang != "en":
        return unit
    return UNITS_EN.get(" ".join(unit.lower().split()), unit)


def _unit_suffix(unit: str, lang: str) -> str:
    """``%`` written onto the number, any other unit after a space."""
    if unit == "%":
        return "%"
    shown = unit_text(unit, lang)
    return f" {shown}" if shown else ""


def format_value(
    value: object, *, unit: str = "", lang: str = "id", decimals: int | None = None
) -> str:
    """Format an indicator value for display; missing reads "tidak ada data".

    Every value of one indicator has the same decimals, zeros kept
    (``2,00%`` next to ``1,52%``): the indicator's ``decimals`` key, else 0 for
    counts (``jiwa``, ``KK``...) and 2 otherwise (see
    :func:`geo_priority.formatting.indicator_decimals`).

    Parameters
    ----------
    value : object
        A number; anything else is shown as text; None, NaN, ``pd.NA`` and
        ``pd.NaT`` as no data.
    unit : str
        The indicator's unit (translated on the English map, see
        :func:`unit_text`).
    lang : {"id", "en"}
    decimals : int, optional
        The indicator's ``decimals`` key.

    Returns
    -------
    str

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"``.

    Examples
    --------
    >>> format_value(2, unit="%"), format_value(9.27, unit="%")
    ('2,00%', '9,27%')
    >>> format_value(1234567, unit="jiwa")
    '1.234.567 jiwa'
    >>> format_value(1234567, unit="jiwa", lang="en")
    '1,234,567 persons'
    >>> format_value(float("nan"))
    'tidak ada data'
    """
    return format_values([value], unit=unit, lang=lang, decimals=decimals)[0]


#: pandas' missing markers (pd.NA, pd.NaT), named so the module needs no pandas.
_MISSING_MARKERS = frozenset({"NAType", "NaTType"})


def format_values(
    values: Iterable[object],
    *,
    unit: str = "",
    lang: str = "id",
    decimals: int | None = None,
) -> list[str]:
    """Return ``[format_value(v, unit=unit, lang=lang, decimals=decimals) ...]``.

    The language, decimals and unit are worked out once for the column, not
    once per value (a national desa map formats about 300,000 values). A
    numeric pandas Series or numpy array (float, int, nullable ``Float64``
    and ``Int64``) is written column-wise (:func:`format_value_column`),
    other values one by one.

    Examples
    --------
    >>> format_values([2, None, 1234567.0], unit="jiwa")
    ['2 jiwa', 'tidak ada data', '1.234.567 jiwa']
    """
    numbers = _numeric_column(values)
    if numbers is not None:
        column = format_value_column(numbers, unit=unit, lang=lang, decimals=decimals)
        return list(column.to_pylist())
    language = check_lang(lang)
    no_data = text("no_data", language)
    places = indicator_decimals(unit, decimals)
    suffix = _unit_suffix(unit, language)
    out = []
    for value in values:
        if value is None:
            out.append(no_data)
            continue
        read = float(value) if type(value) is float or type(value) is int else None
        number = read if read is not None else _as_number(value)
        if number is None:
            missing = type(value).__name__ in _MISSING_MARKERS
            out.append(no_data if missing else str(value))
        elif math.isnan(number):
            out.append(no_data)
        else:
            out.append(format_fixed(number, lang=language, decimals=places) + suffix)
    return out


def _numeric_column(values: object) -> np.ndarray | None:
    """Return a numeric Series' or array's values as floats (NaN where missing).

    None for anything else (lists, text, booleans, objects): those are
    written one by one.
    """
    if not isinstance(values, pd.Series | np.ndarray):
        return None
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
    ):
        return None
    if isinstance(values, pd.Series):
        floats: np.ndarray = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return floats
    return values.astype(np.float64)


def format_value_column(
    values: np.ndarray, *, unit: str = "", lang: str = "id", decimals: int | None = None
) -> pa.StringArray:
    """Return :func:`format_value` of every number, column-wise.

    Parameters
    ----------
    values : numpy.ndarray
        Floats; NaN reads "tidak ada data".
    unit, lang, decimals
        As :func:`format_value`.

    Returns
    -------
    pyarrow.StringArray

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"``.

    Examples
    --------
    >>> import numpy as np
    >>> format_value_column(np.array([2.0, np.nan]), unit="%").to_pylist()
    ['2,00%', 'tidak ada data']
    """
    language = check_lang(lang)
    values = np.asarray(values, dtype=np.float64)
    places = indicator_decimals(unit, decimals)
    shown = fixed_texts(values, lang=language, decimals=places)
    suffix = _unit_suffix(unit, language)
    if suffix:
        shown = pc.binary_join_element_wise(shown, suffix, "")
    return _no_data_where(shown, np.isnan(values), language)


def _no_data_where(
    shown: pa.StringArray, missing: np.ndarray, lang: Lang
) -> pa.StringArray:
    """Return ``shown`` with "tidak ada data" where ``missing``."""
    if not missing.any():
        return shown
    out: pa.StringArray = pc.if_else(pa.array(missing), text("no_data", lang), shown)
    return out


def format_change(
    value: object, *, unit: str = "", lang: str = "id", decimals: int | None = None
) -> str:
    """Format a change between two years, signed, with its unit.

    The change of a percentage is in percentage points (``poin persen``),
    the change of a count in the count's unit; the decimals are the
    indicator's (as :func:`format_value`). A change that rounds to zero has
    no sign.

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"``.

    Examples
    --------
    >>> format_change(0.35, unit="%")
    '+0,35 poin persen'
    >>> format_change(-1234, unit="jiwa", lang="en")
    '−1,234 persons'
    >>> format_change(0.001, unit="%", lang="en")
    '0.00 percentage points'
    """
    language = check_lang(lang)
    number = _as_number(value)
    if number is None or math.isnan(number):
        return text("no_data", language)
    places = indicator_decimals(unit, decimals)
    shown = format_fixed(abs(number), lang=language, decimals=places)
    if float(f"{abs(number):.{places}f}") != 0:  # as shown: "0,00" has no sign
        shown = ("+" if number > 0 else "\u2212") + shown
    return shown + _change_suffix(unit, language)


def _change_suffix(unit: str, lang: Lang) -> str:
    """Return what follows a change: percentage points or the count's unit."""
    if unit == "%":
        return f" {text('percentage_points', lang)}"
    return _unit_suffix(unit, lang)


def format_changes(
    values: pd.Series | np.ndarray,
    *,
    unit: str = "",
    lang: str = "id",
    decimals: int | None = None,
) -> list[str]:
    """Return :func:`format_change` of every value of a numeric column.

    Written column-wise; a column that is not numeric is written one by one.

    Raises
    ------
    ConfigError
        For a language other than ``"id"`` and ``"en"``.

    Examples
    --------
    >>> import numpy as np
    >>> format_changes(np.array([0.35, -0.001, np.nan]), unit="%")
    ['+0,35 poin persen', '0,00 poin persen', 'tidak ada data']
    """
    language = check_lang(lang)
    numbers = _numeric_column(values)
    if numbers is None:
        return [
            format_change(v, unit=unit, lang=language, decimals=decimals)
            for v in list(values)
        ]
    places = indicator_decimals(unit, decimals)
    size = np.abs(numbers)
    whole, exact = scaled_whole(size, places)
    shown = fixed_texts(size, lang=language, decimals=places)
    sign = np.where(numbers > 0, "+", "\u2212")
    signed = pc.if_else(
        pa.array(whole != 0),
        pc.binary_join_element_wise(pa.array(sign), shown, ""),
        shown,
    )
    signed = pc.binary_join_element_wise(signed, _change_suffix(unit, language), "")
    rest = np.flatnonzero(~exact)
    if len(rest):
        one_by_one = [
            format_change(v, unit=unit, lang=language, decimals=decimals)
            for v in numbers[rest].tolist()
        ]
        signed = pc.replace_with_mask(
            signed, pa.array(~exact), pa.array(one_by_one, pa.string())
        )
    return list(signed.to_pylist())
