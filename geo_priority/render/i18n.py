"""All user-facing text of maps and reports, in Bahasa Indonesia and English."""

from __future__ import annotations

import math

from geo_priority.classify import format_number

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
        "more_sources": "dan {n} sumber lain (lihat berkas *_run.json)",
        "method": "Metode",
        "of": "dari",
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
        "more_sources": "and {n} more (see the *_run.json file)",
        "method": "Method",
        "of": "of",
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
    },
}


def text(key: str, lang: str = "id") -> str:
    """Return the message ``key`` in ``lang`` (falls back to Indonesian)."""
    return MESSAGES.get(lang, MESSAGES["id"]).get(key, MESSAGES["id"][key])


def format_value(value: object, *, unit: str = "", lang: str = "id") -> str:
    """Format an indicator value for display; missing reads "tidak ada data".

    Examples
    --------
    >>> format_value(9.27, unit="%")
    '9,27%'
    >>> format_value(1234567, unit="jiwa")
    '1.234.567 jiwa'
    >>> format_value(float("nan"))
    'tidak ada data'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return text("no_data", lang)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return text("no_data", lang)
    decimals = 0 if abs(number) >= 1000 or number == int(number) else 2
    shown = format_number(number, lang=lang, decimals=decimals)
    if unit == "%":
        return f"{shown}%"
    return f"{shown} {unit}".strip()
