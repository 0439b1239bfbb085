"""Satu Data metadata: JSON record, ISO 19139 XML and the map footer."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from lxml import etree
from shapely.geometry import box

from geo_priority import metadata as md
from geo_priority.classify import classify_scores
from geo_priority.regions import REFERENCE_EDITION

RECORD = {
    "tool": {"geo-priority": "0.1.0"},
    "run_at": "2026-03-04T05:06:07+00:00",
    "inputs": {"kab.geojson": "0" * 64},
    "config": {
        "title": "Prioritas kemiskinan ekstrem",
        "subtitle": "Kabupaten/kota",
        "boundaries": {"source": "banten-desa-ocha-bps2020"},
        "scoring": {
            "preset": "kemiskinan-ekstrem",
            "aggregation": "arithmetic",
            "year": 2022,
        },
        "outputs": {
            "producer": "Bappeda Provinsi Banten",
            "walidata": "Diskominfo",
            "lang": "id",
        },
    },
    "indicators": [{"key": "p0", "year": 2023, "label": "P0"}],
    "weights": {"p0": 1.0},
    "sources": [
        "Databoks (BPS) 2004-2024 https://databoks.katadata.co.id/x",
        "Provinsi Banten, Rapat Bidang Sosial 2024",
        "BPS 2023",
        "BPS Kab. Lebak 2021",
    ],
    "join": "2 of 2 areas matched",
    "notes": ["a note"],
}


def _meta(code_system: str = "kemendagri") -> dict:
    areas = gpd.GeoDataFrame(
        {"area_id": ["36.01", "36.02"]},
        geometry=[box(105.5, -6.9, 106.0, -6.5), box(106.0, -6.9, 106.5, -6.5)],
        crs="EPSG:4326",
    )
    areas.attrs.update(code_system=code_system, level="kabkota")
    c = classify_scores(pd.Series([20.0, 80.0]), scheme="prioritas", k=2)
    classes = md.classes_metadata(c, ["#980026", "#fff1a9"], "#c8c8c8")
    return md.build_metadata(RECORD, areas, classes=classes, layer="kab")


def test_record_has_the_satu_data_elements():
    meta = _meta()
    assert meta["title"] == "Prioritas kemiskinan ekstrem"
    assert (meta["producer"], meta["walidata"]) == (
        "Bappeda Provinsi Banten",
        "Diskominfo",
    )
    assert meta["layer"] == {
        "name": "kab",
        "features": 2,
        "geometry_types": ["Polygon"],
        "level": "kabkota",
        "crs": "EPSG:4326",
        "crs_name": "WGS 84",
        "extent": [105.5, -6.9, 106.5, -6.5],
        "extent_wgs84": [105.5, -6.9, 106.5, -6.5],
    }
    assert meta["reference_codes"]["edition"] == REFERENCE_EDITION
    assert meta["boundaries"]["licence"].startswith("CC BY-IGO")
    assert meta["sources"][0] == {
        "citation": "Databoks (BPS) 2004-2024",
        "url": "https://databoks.katadata.co.id/x",
        "vintage": [2004, 2024],
    }
    assert meta["method"]["classification"]["bins"] == [50.0, 100.0]
    assert meta["method"]["weights"] == {"p0": 1.0}
    stamp = meta["reproducibility"]
    assert stamp["inputs_sha256"] == {"kab.geojson": "0" * 64}
    assert {"geo-priority", "geopandas", "rasterio", "GDAL (pyogrio)", "PROJ"} <= set(
        stamp["tools"]
    )


def test_bps_codes_name_their_edition():
    meta = _meta("bps")
    assert meta["reference_codes"]["system"] == "bps"
    assert "OCHA COD-AB" in meta["reference_codes"]["edition"]


def test_footer_for_the_html_map():
    lines = md.footer_lines(_meta())
    assert lines["sources"].startswith("Sumber: Databoks (BPS) 2004-2024; ")
    assert lines["sources"].endswith(" dan 1 lainnya")
    assert (
        lines["producer"]
        == "Produsen data: Bappeda Provinsi Banten · Walidata: Diskominfo"
    )
    assert lines["codes"] == (
        "Kode wilayah: batas wilayah dalam kode Kemendagri; diperiksa terhadap "
        f"{REFERENCE_EDITION}."
    )
    assert lines["crs"] == "Sistem koordinat: WGS 84 (EPSG:4326)"
    assert lines["stamp"] == "geo-priority 0.1.0 · 2026-03-04T05:06:07+00:00"
    english = md.footer_text(_meta(), "en")
    assert "Data producer: Bappeda" in english
    assert "Data steward: Diskominfo" in english
    assert " | Coordinate system: WGS 84 (EPSG:4326) | " in english


def test_footer_names_the_code_system_each_table_was_read_in():
    record = {**RECORD, "table_code_systems": {"bps_banten": "kemendagri"}}
    areas = gpd.GeoDataFrame(
        {"area_id": ["3601"]}, geometry=[box(105.5, -6.9, 106.0, -6.5)], crs=4326
    )
    areas.attrs.update(code_system="bps", level="kabkota")
    c = classify_scores(pd.Series([20.0, 80.0]), scheme="prioritas", k=2)
    classes = md.classes_metadata(c, ["#980026", "#fff1a9"], "#c8c8c8")
    meta = md.build_metadata(record, areas, classes=classes, layer="kab")
    assert meta["reference_codes"]["tables"] == {"bps_banten": "kemendagri"}
    assert md.footer_lines(meta)["codes"] == (
        "Kode wilayah: tabel dalam kode Kemendagri, batas wilayah dalam kode BPS; "
        f"diperiksa terhadap {REFERENCE_EDITION}."
    )
    english = md.footer_lines(meta, "en")["codes"]
    assert english.startswith(
        "Region codes: tables in Kemendagri codes, boundaries in BPS codes;"
    )
    two = {"a": "kemendagri", "b": "bps"}
    assert "tabel 'a' dalam kode Kemendagri, tabel 'b' dalam kode BPS" in (
        md.code_sentence({"system": "bps", "tables": two})
    )


def test_abstract_and_lineage_in_the_run_language():
    record = {
        **RECORD,
        "config": {**RECORD["config"], "outputs": {"lang": "en"}},
    }
    areas = gpd.GeoDataFrame(
        {"area_id": ["36.01"]}, geometry=[box(105.5, -6.9, 106.0, -6.5)], crs=4326
    )
    areas.attrs.update(code_system="kemendagri", level="kabkota")
    c = classify_scores(pd.Series([20.0, 80.0]), scheme="prioritas", k=2)
    classes = md.classes_metadata(c, ["#980026", "#fff1a9"], "#c8c8c8")
    meta = md.build_metadata(record, areas, classes=classes, layer="kab")
    assert meta["abstract"].startswith("Kabupaten/kota. Priority score 0–100")
    assert "Computed with geo-priority" in md.to_iso19139(meta)
    assert "Skor prioritas 0–100" in _meta()["abstract"]


def test_iso19139_xml():
    xml = md.to_iso19139(_meta())
    root = etree.fromstring(xml.encode())
    assert etree.QName(root).localname == "MD_Metadata"
    text = etree.tostring(root, encoding="unicode")
    assert "urn:ogc:def:crs:EPSG:4326" in text
    assert "Bappeda Provinsi Banten" in text and "Diskominfo" in text
    assert "kab.geojson sha256:" + "0" * 64 in text
    assert REFERENCE_EDITION in text
    ns = {
        "gmd": "http://www.isotc211.org/2005/gmd",
        "gco": "http://www.isotc211.org/2005/gco",
    }
    west = root.find(".//gmd:westBoundLongitude/gco:Decimal", ns).text
    assert float(west) == 105.5


def test_iso19139_of_a_projected_layer():
    meta = _meta()
    meta["layer"] = {
        **meta["layer"],
        "crs": "EPSG:32748",
        "extent": [6e5, 9.2e6, 7e5, 9.3e6],
    }
    root = etree.fromstring(md.to_iso19139(meta).encode())
    text = etree.tostring(root, encoding="unicode")
    assert "urn:ogc:def:crs:EPSG:32748" in text
    assert "600000.0 9200000.0 600000.0 9300000.0" in text  # polygon in EPSG:32748
    assert "<gco:Decimal>105.5</gco:Decimal>" in text  # and the WGS84 box
