"""GIS exports on a 3x3 grid of 1 km squares built in code (hand-checkable)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import rasterio
from lxml import etree
from shapely.geometry import box

from geo_priority import export, io
from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig, OutputConfig
from geo_priority.errors import (
    ConfigError,
    CRSError,
    GeoPriorityWarning,
    InputError,
    OutputExistsError,
)
from geo_priority.export import layers as gpkg_layers
from geo_priority.export import rasters
from geo_priority.messages import use_language
from geo_priority.render import NO_DATA_COLOUR, class_colours
from geo_priority.schema import CLASS, ID, JOIN_REPORT_COLUMNS, LABEL, NAME, RANK, SCORE

from geodata import kab_run


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """These tests pin the English templates of the messages (--lang en)."""
    with use_language("en"):
        yield


SLD = "http://www.opengis.net/sld"
SE = "http://www.opengis.net/se"
OGC = "http://www.opengis.net/ogc"
# 100 ... 12.5 in steps of 12.5, and one area without a score
SCORES = [100.0, 87.5, 75.0, 62.5, 50.0, 37.5, 25.0, 12.5, np.nan]
# "prioritas" k=4 has bins 25/50/75/100; a score on a bin belongs to the lower class
CLASSES = [1, 1, 2, 2, 3, 3, 4, 4, None]
IDS = [f"36010{i}0001" for i in range(1, 10)]
NAMES = [
    "Sukamaju",
    "Kampung Baru – Utara",
    "Cibéber",
    *(f"Desa {i}" for i in "DEFGHI"),
]
X0, Y0 = 620_000.0, 9_300_000.0  # UTM 48S, in Banten
INDICATORS = (
    IndicatorConfig(
        key="extreme_poverty_rate",
        label="Tingkat kemiskinan ekstrem",
        unit="%",
        year=2023,
        weight=0.5,
    ),
    IndicatorConfig(
        key="extreme_poor",
        label="Penduduk miskin ekstrem",
        unit="jiwa",
        year=2023,
        weight=0.5,
    ),
)


def make_areas() -> gpd.GeoDataFrame:
    squares = [
        box(X0 + c * 1000, Y0 - (r + 1) * 1000, X0 + (c + 1) * 1000, Y0 - r * 1000)
        for r in range(3)
        for c in range(3)
    ]
    scores = pd.Series(SCORES)
    areas = gpd.GeoDataFrame(
        {
            ID: pd.array(IDS, dtype="string"),
            NAME: pd.array(NAMES, dtype="string"),
            "extreme_poverty_rate": scores / 10,
            "extreme_poor": scores * 100,
            "contrib_extreme_poverty_rate": scores / 2,
            "contrib_extreme_poor": scores / 2,
            SCORE: scores,
            RANK: pd.array([*range(1, 9), None], dtype="Int64"),
        },
        geometry=squares,
        crs="EPSG:32748",
    )
    areas.attrs.update(code_system="bps", level="desa")
    return areas


def make_record(outputs: OutputConfig) -> dict:
    return {
        "tool": {"geo-priority": "0.1.0"},
        "run_at": "2026-01-02T03:04:05+00:00",
        "inputs": {"desa.geojson": "ab" * 32, "angka.csv": "cd" * 32},
        "config": {
            "title": "Uji ekspor prioritas",
            "boundaries": {"path": "/data/desa.geojson"},
            "scoring": {"preset": None, "aggregation": "arithmetic", "year": 2023},
            "outputs": dataclasses.asdict(outputs),
        },
        "indicators": [dataclasses.asdict(i) for i in INDICATORS],
        "weights": {"extreme_poverty_rate": 0.5, "extreme_poor": 0.5},
        "sources": [
            "BPS Provinsi Banten, Susenas Maret 2023 https://banten.bps.go.id/x"
        ],
        "join": "9 of 9 areas matched",
        "notes": [],
    }


def make_layer(name: str = "uji", lang: str = "id") -> export.ScoredLayer:
    areas = make_areas()
    classification = classify_scores(areas[SCORE], scheme="prioritas", k=4, lang=lang)
    areas[CLASS] = classification.classes
    labels = dict(enumerate(classification.labels, start=1))
    areas[LABEL] = areas[CLASS].map(lambda c: labels.get(c) if pd.notna(c) else None)
    outputs = OutputConfig(
        name=name, lang=lang, producer="Bappeda Provinsi Banten", walidata="Diskominfo"
    )
    report = pd.DataFrame(
        {
            c: ["matched"] * 9 if c == "status" else [None] * 9
            for c in JOIN_REPORT_COLUMNS
        }
    )
    analysis = SimpleNamespace(
        areas=areas,
        classification=classification,
        indicators=INDICATORS,
        config=SimpleNamespace(outputs=outputs),
        report=SimpleNamespace(entries=report),
        levels=(),
    )
    return export.from_analysis(analysis, make_record(outputs))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("export")
    with pytest.warns(GeoPriorityWarning, match="Shapefile"):
        return export.export_layer(make_layer(), folder)


def test_every_format_written(written: dict[str, list[Path]]):
    names = sorted(p.name for paths in written.values() for p in paths)
    assert names == sorted(
        [
            "uji.gpkg",
            "uji_shp.shp.zip",
            "uji_shp.qml",
            "uji.geojson",
            "uji.fgb",
            "uji_tabel.csv",
            "uji_tabel.xlsx",
            "uji.qml",
            "uji.sld",
            "uji_kelas.tif",
            "uji_skor.tif",
            "uji_metadata.json",
            "uji_metadata.xml",
        ]
    )
    folder = written["gpkg"][0].parent
    assert sorted(p.name for p in folder.iterdir()) == names  # no temp files left


# --------------------------------------------------------------- vector round trip

VECTOR_FORMATS = ["gpkg", "shp", "geojson", "fgb"]


def _field(fmt: str, name: str) -> str:
    return name[:10] if fmt == "shp" else name


@pytest.mark.parametrize("fmt", VECTOR_FORMATS)
def test_round_trip_pyogrio(written: dict[str, list[Path]], fmt: str):
    path = written[fmt][0]
    back = pyogrio.read_dataframe(path, layer=None if fmt != "gpkg" else "uji")
    # FlatGeobuf's spatial index orders features along a Hilbert curve
    back = back.sort_values(_field(fmt, ID)).reset_index(drop=True)
    assert len(back) == 9
    assert back[_field(fmt, ID)].astype(str).tolist() == IDS
    assert back[_field(fmt, NAME)].tolist() == NAMES  # UTF-8 kept
    np.testing.assert_allclose(back[_field(fmt, SCORE)], SCORES, rtol=1e-9)
    classes = back[_field(fmt, CLASS)]
    assert [None if pd.isna(c) else int(c) for c in classes] == CLASSES
    expected_crs = "EPSG:4326" if fmt == "geojson" else "EPSG:32748"
    assert back.crs.to_string() == expected_crs
    reference = make_areas().to_crs(back.crs)
    area_ratio = back.to_crs(32748).area / reference.to_crs(32748).area
    np.testing.assert_allclose(area_ratio, 1.0, rtol=1e-5)  # GeoJSON: 7 decimals


@pytest.mark.parametrize("fmt", VECTOR_FORMATS)
def test_round_trip_ogrinfo(written: dict[str, list[Path]], fmt: str):
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        message = (
            "ogrinfo is missing: apt-get install -y --no-install-recommends gdal-bin"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (under CI=true this test must run)")
        pytest.skip(message)
    out = subprocess.run(
        [ogrinfo, "-ro", "-so", "-al", str(written[fmt][0])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Feature Count: 9" in out
    epsg = "4326" if fmt == "geojson" else "32748"
    assert f'ID["EPSG",{epsg}]' in out
    assert f"{_field(fmt, CLASS)}: Integer" in out


def test_geojson_is_rfc7946(written: dict[str, list[Path]]):
    data = json.loads(written["geojson"][0].read_text(encoding="utf-8"))
    assert "crs" not in data  # RFC 7946: WGS84 implied
    x, y = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 105 < x < 107 and -7 < y < -5
    assert len(str(x).split(".")[1]) <= 7


def test_geopackage_holds_tables_styles_and_metadata(written: dict[str, list[Path]]):
    path = written["gpkg"][0]
    assert [str(n) for n, _ in pyogrio.list_layers(path)][:3] == [
        "uji",
        "peringkat",
        "laporan_join",
    ]
    with sqlite3.connect(path) as db:
        style = db.execute(
            "SELECT f_table_schema, f_table_name, f_geometry_column, useAsDefault, "
            "styleQML, styleSLD FROM layer_styles"
        ).fetchall()
        meta = db.execute(
            "SELECT md_scope, md_standard_uri, mime_type FROM gpkg_metadata ORDER BY id"
        ).fetchall()
        refs = db.execute(
            "SELECT reference_scope, table_name FROM gpkg_metadata_reference"
        ).fetchall()
        extensions = db.execute(
            "SELECT table_name FROM gpkg_extensions WHERE extension_name = "
            "'gpkg_metadata'"
        ).fetchall()
    assert len(style) == 1
    schema, table, geometry, default, qml, sld = style[0]
    assert (schema, table, geometry, default) == ("", "uji", "geom", 1)
    assert qml == (written["styles"][0]).read_text(encoding="utf-8")
    assert "<ogc:Literal>1</ogc:Literal>" in sld
    assert meta == [
        ("dataset", "http://www.isotc211.org/2005/gmd", "text/xml"),
        ("dataset", gpkg_layers.JSON_METADATA_URI, "application/json"),
    ]
    assert refs == [("table", "uji"), ("table", "uji")]
    assert sorted(extensions) == [("gpkg_metadata",), ("gpkg_metadata_reference",)]
    ranked = pyogrio.read_dataframe(path, layer="peringkat", read_geometry=False)
    assert ranked[ID].tolist()[:2] == IDS[:2]


def test_read_scored_restores_classes_and_indicators(written: dict[str, list[Path]]):
    layer = export.read_scored(written["gpkg"][0])
    original = make_layer()
    assert layer.name == "uji"
    assert layer.classification.bins == (25.0, 50.0, 75.0, 100.0)
    assert layer.classification.labels == original.classification.labels
    assert layer.classification.counts == (2, 2, 2, 2)
    assert layer.indicators == INDICATORS
    assert layer.areas[CLASS].dtype == "Int8"
    assert layer.areas.attrs["code_system"] == "bps"
    assert layer.metadata["producer"] == "Bappeda Provinsi Banten"


def test_read_scored_without_metadata_uses_columns(tmp_path: Path):
    areas = make_layer().areas
    path = io.write_layer(areas, tmp_path / "plain.gpkg")
    layer = export.read_scored(path)
    c = layer.classification
    assert (c.scheme, c.k) == ("stored", 4)
    assert c.labels[0] == "Prioritas 1 (75–100)"
    assert c.bins == (25.0, 50.0, 75.0, 100.0)  # highest score in each class


def test_read_scored_refuses_unscored_layer(tmp_path: Path):
    plain = gpd.GeoDataFrame({"kode": ["1"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    path = io.write_layer(plain, tmp_path / "plain.gpkg")
    with pytest.raises(ConfigError, match=r"not a scored layer.*'area_id'"):
        export.read_scored(path)


# ----------------------------------------------------------------------- styles


def _qml_classes(text: str) -> list[tuple[str, str, str]]:
    root = etree.fromstring(text.split("\n", 1)[1].encode())
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol"
    colours = {}
    for symbol in renderer.find("symbols"):
        props = {o.get("name"): o.get("value") for o in symbol.find("layer/Option")}
        r, g, b, _a = (int(v) for v in props["color"].split(","))
        colours[symbol.get("name")] = f"#{r:02x}{g:02x}{b:02x}"
    return [
        (c.get("value"), c.get("label"), colours[c.get("symbol")])
        for c in renderer.find("categories")
    ]


def _expected_classes() -> list[tuple[str, str, str]]:
    labels = make_layer().classification.labels
    rows = [
        (str(i), lab, col)
        for i, (lab, col) in enumerate(zip(labels, class_colours(4), strict=True), 1)
    ]
    return [*rows, ("", "tidak ada data", NO_DATA_COLOUR)]


def test_qml_has_the_html_classes(written: dict[str, list[Path]]):
    qml = written["styles"][0].read_text(encoding="utf-8")
    root = etree.fromstring(qml.split("\n", 1)[1].encode())
    assert root.find("renderer-v2").get("attr") == CLASS
    assert _qml_classes(qml) == _expected_classes()


def _sld_rules(path_or_text: str, ns: str) -> list[tuple[str, str, str]]:
    root = etree.fromstring(path_or_text.encode())
    rules = root.findall(f".//{{{ns}}}Rule")
    out = []
    for rule in rules:
        names = [etree.QName(child).localname for child in rule]
        # element order of the SLD 1.0 / SE 1.1 schema
        # (the symbolizers last: the class fill, then the area's name on top)
        assert names[0] == "Name"
        assert names[-2:] == ["PolygonSymbolizer", "TextSymbolizer"]
        assert names.index("Filter") < names.index("PolygonSymbolizer")
        prop = rule.find(f"{{{OGC}}}Filter//{{{OGC}}}PropertyName").text
        literal = rule.find(f".//{{{OGC}}}Literal")
        param = "CssParameter" if ns == SLD else "SvgParameter"
        poly = rule.find(f"{{{ns}}}PolygonSymbolizer")
        fill = poly.find(f".//{{{ns}}}Fill/{{{ns}}}{param}[@name='fill']").text
        out.append((prop, "" if literal is None else literal.text, fill))
    return out


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_sld_structure(version: str):
    """SLD is well-formed and follows the schema's structure (checked with lxml:
    the OGC schemas cannot be fetched offline and no package ships them)."""
    layer = dataclasses.replace(make_layer(), sld_version=version)
    style = layer.class_style()
    text = export.styles.sld_style(style, layer="uji", title="Uji", version=version)
    root = etree.fromstring(text.encode())
    assert root.tag == f"{{{SLD}}}StyledLayerDescriptor"
    assert root.get("version") == version
    ns = SLD if version == "1.0.0" else SE
    named = root.find(f"{{{SLD}}}NamedLayer")
    assert named.find(f"{{{ns}}}Name").text == "uji"
    assert named.find(f"{{{SLD}}}UserStyle/{{{ns}}}FeatureTypeStyle") is not None
    expected = [(CLASS, v, colour) for v, _label, colour in _expected_classes()]
    assert _sld_rules(text, ns) == expected
    no_data = root.findall(f".//{{{ns}}}Rule")[-1]
    assert no_data.find(f".//{{{OGC}}}PropertyIsNull") is not None


def test_shapefile_zip_contents(written: dict[str, list[Path]]):
    path = written["shp"][0]
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(
            f"uji_shp{s}"
            for s in (
                ".shp",
                ".shx",
                ".dbf",
                ".prj",
                ".cpg",
                ".qml",
                ".sld",
                "_fields.csv",
                "_metadata.json",
            )
        )
        assert archive.read("uji_shp.cpg").decode().strip() == "UTF-8"
        assert "UTM_Zone_48S" in archive.read("uji_shp.prj").decode()
        fields = archive.read("uji_shp_fields.csv").decode().splitlines()
        qml = archive.read("uji_shp.qml").decode()
    assert "extreme_po,extreme_poverty_rate" in fields
    assert "extreme__1,extreme_poor" in fields  # would collide: numbered
    assert "priority_c,priority_class" in fields
    assert 'attr="priority_c"' in qml
    assert written["shp"][1].read_text(encoding="utf-8") == qml
    assert _qml_classes(qml) == _expected_classes()


def _qml_root(text: str) -> etree._Element:
    return etree.fromstring(text.split("\n", 1)[1].encode())


def _qml_label(text: str) -> dict[str, str]:
    """Return the labelling of a QML: field, size, colours and halo."""
    root = _qml_root(text)
    assert root.get("labelsEnabled") == "1"
    assert "Labeling" in root.get("styleCategories")
    labeling = root.find("labeling")
    assert labeling.get("type") == "simple"
    style = labeling.find("settings/text-style")
    buffer = style.find("text-buffer")
    return {
        "field": style.get("fieldName"),
        "size": f"{style.get('fontSize')} {style.get('fontSizeUnit')}",
        "colour": style.get("textColor"),
        "halo": buffer.get("bufferDraw"),
        "halo_size": f"{buffer.get('bufferSize')} {buffer.get('bufferSizeUnits')}",
        "halo_colour": buffer.get("bufferColor"),
    }


def _qml_aliases(text: str) -> dict[str, str]:
    aliases = _qml_root(text).find("aliases")
    assert aliases is not None, "no <aliases> in the QML"
    assert [int(a.get("index")) for a in aliases] == list(range(len(aliases)))
    return {a.get("field"): a.get("name") for a in aliases}


LABEL_STYLE = {
    "field": NAME,
    "size": "9 Point",
    "colour": "0,0,0,255",
    "halo": "1",
    "halo_size": "0.5 MM",
    "halo_colour": "255,255,255,255",
}


def test_qml_labels_each_area_with_its_name(written: dict[str, list[Path]]):
    assert _qml_label(written["styles"][0].read_text(encoding="utf-8")) == LABEL_STYLE
    # the Shapefile's QML labels by the DBF field the field map names
    with zipfile.ZipFile(written["shp"][0]) as archive:
        fields = archive.read("uji_shp_fields.csv").decode().splitlines()
        qml = archive.read("uji_shp.qml").decode()
    dbf_name = next(f.split(",")[0] for f in fields if f.endswith(f",{NAME}"))
    assert _qml_label(qml) == {**LABEL_STYLE, "field": dbf_name}


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_sld_labels_each_area_as_the_qml_does(version: str):
    style = make_layer().class_style()
    text = export.styles.sld_style(style, layer="uji", version=version)
    ns = SLD if version == "1.0.0" else SE
    param = "CssParameter" if ns == SLD else "SvgParameter"
    rules = etree.fromstring(text.encode()).findall(f".//{{{ns}}}Rule")
    assert len(rules) == 5  # 4 classes + no data: every area is labelled once
    for rule in rules:
        sym = rule.find(f"{{{ns}}}TextSymbolizer")
        names = [etree.QName(child).localname for child in sym]
        assert names == ["Label", "Font", "LabelPlacement", "Halo", "Fill"]
        assert sym.find(f"{{{ns}}}Label/{{{OGC}}}PropertyName").text == NAME
        font = {p.get("name"): p.text for p in sym.find(f"{{{ns}}}Font")}
        assert font["font-size"] == "12"  # px = 9 pt at 96 dpi, as in the QML
        halo = sym.find(f"{{{ns}}}Halo")
        assert halo.find(f"{{{ns}}}Radius").text == "2"  # px, about 0.5 mm
        assert halo.find(f"{{{ns}}}Fill/{{{ns}}}{param}").text == "#ffffff"
        assert sym.find(f"{{{ns}}}Fill/{{{ns}}}{param}").text == "#000000"
        anchor = sym.find(f".//{{{ns}}}AnchorPoint")
        assert [a.text for a in anchor] == ["0.5", "0.5"]


ALIASES_ID = {
    ID: "Kode wilayah",
    NAME: "Nama wilayah",
    "extreme_poverty_rate": "Tingkat kemiskinan ekstrem",
    "extreme_poor": "Penduduk miskin ekstrem",
    "contrib_extreme_poverty_rate": "Kontribusi Tingkat kemiskinan ekstrem",
    "contrib_extreme_poor": "Kontribusi Penduduk miskin ekstrem",
    SCORE: "Skor prioritas (0–100)",
    RANK: "Peringkat prioritas",
    CLASS: "Kelas prioritas",
    LABEL: "Keterangan kelas",
}


def test_qml_gives_fields_human_aliases(written: dict[str, list[Path]]):
    assert _qml_aliases(written["styles"][0].read_text(encoding="utf-8")) == ALIASES_ID


def test_shapefile_qml_aliases_key_on_dbf_names(written: dict[str, list[Path]]):
    with zipfile.ZipFile(written["shp"][0]) as archive:
        rows = archive.read("uji_shp_fields.csv").decode().splitlines()[1:]
        qml = archive.read("uji_shp.qml").decode()
    dbf = dict(reversed(row.split(",")) for row in rows)
    assert _qml_aliases(qml) == {dbf[k]: v for k, v in ALIASES_ID.items()}
    assert _qml_aliases(qml)["contrib__1"] == "Kontribusi Penduduk miskin ekstrem"


def test_qml_aliases_in_english():
    indicators = tuple(
        dataclasses.replace(i, label_en=e)
        for i, e in zip(
            INDICATORS, ["Extreme poverty rate", "Extremely poor"], strict=True
        )
    )
    layer = dataclasses.replace(make_layer(lang="en"), indicators=indicators)
    aliases = _qml_aliases(export.styles.qml_style(layer.class_style()))
    assert aliases[NAME] == "Area name"
    assert aliases[RANK] == "Priority rank"
    assert aliases["extreme_poor"] == "Extremely poor"
    assert aliases["contrib_extreme_poor"] == "Contribution Extremely poor"


def test_shapefile_warns_before_writing(tmp_path: Path):
    """With the warning turned into an error, nothing at all is written."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeoPriorityWarning)
        with pytest.raises(GeoPriorityWarning, match=r"8 column\(s\) will be renamed"):
            export.export_layer(make_layer(), tmp_path / "out", formats=["shp"])
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_colliding_field_names_are_numbered_and_named():
    with pytest.warns(GeoPriorityWarning, match="would collide"):
        gpkg_layers._warn_renames(
            gpkg_layers.shapefile_field_names(["population_2020", "population_2021"]),
            "x_fields.csv",
        )
    assert gpkg_layers.shapefile_field_names(
        ["population_2020", "population_2021", "Population_2022"]
    ) == {
        "population_2020": "population",
        "population_2021": "populati_1",
        "Population_2022": "Populati_2",
    }


# ------------------------------------------------------------------------ tables


def test_csv_table_for_indonesian_excel(written: dict[str, list[Path]]):
    raw = written["table"][0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:6] == [
        "Kode wilayah",
        "Nama wilayah",
        "Peringkat",
        "Skor prioritas (0–100)",
        "Kelas prioritas",
        "Keterangan kelas",
    ]
    assert "Tingkat kemiskinan ekstrem 2023 (%)" in lines[0]
    assert "Kontribusi ke skor: Tingkat kemiskinan ekstrem 2023" in lines[0]
    assert lines[2].split(";")[3] == "87,5"  # decimal comma
    table = pd.read_csv(
        written["table"][0],
        sep=";",
        decimal=",",
        dtype={"Kode wilayah": str},
        encoding="utf-8-sig",
    )
    assert table["Kode wilayah"].tolist()[:3] == IDS[:3]


def test_csv_table_in_english(tmp_path: Path):
    layer = make_layer(lang="en")
    files = export.export_layer(layer, tmp_path, formats=["table"])
    header = files["table"][0].read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Area code,Area name,Rank,Priority score (0–100)")


def test_xlsx_keeps_codes_as_text(written: dict[str, list[Path]]):
    book = openpyxl.load_workbook(written["xlsx"][0])
    assert book.sheetnames == ["Peringkat", "Metadata"]
    sheet = book["Peringkat"]
    assert sheet["A1"].value == "Kode wilayah"
    assert sheet["A2"].value == IDS[0] and sheet["A2"].data_type == "s"
    assert sheet["D3"].value == 87.5
    items = {r[0].value: r[1].value for r in book["Metadata"].iter_rows(min_row=2)}
    assert items["Produsen data / Producer"] == "Bappeda Provinsi Banten"


# ------------------------------------------------------------------------ rasters


def test_priority_rasters(tmp_path: Path):
    layer = make_layer()
    files = export.export_layer(
        dataclasses.replace(layer, raster_resolution=10), tmp_path, formats=["raster"]
    )
    with rasterio.open(files["raster"][0]) as src:
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.overviews(1)  # 300 x 300 pixels: one overview level
        assert (src.width, src.height, src.res) == (300, 300, (10.0, 10.0))
        assert src.crs.to_epsg() == 32748 and src.nodata == 0
        grid = src.read(1)
        colours = src.colormap(1)
        assert src.tags()["CLASS_1"] == "Prioritas 1 (75–100)"
    # square r, c covers rows 100r..100r+99, columns 100c..100c+99
    expected = np.array([[1, 1, 2], [2, 3, 3], [4, 4, rasters.NO_CLASS]])
    np.testing.assert_array_equal(grid[50::100, 50::100], expected)
    hexes = [
        f"#{r:02x}{g:02x}{b:02x}" for r, g, b, _ in (colours[i] for i in range(1, 5))
    ]
    assert hexes == class_colours(4)
    r, g, b, _ = colours[rasters.NO_CLASS]
    assert f"#{r:02x}{g:02x}{b:02x}" == NO_DATA_COLOUR
    with rasterio.open(files["raster"][1]) as src:
        scores = src.read(1)
        assert src.nodata == rasters.SCORE_NODATA and src.dtypes[0] == "float32"
    np.testing.assert_allclose(scores[50::100, 50::100].ravel()[:8], SCORES[:8])
    assert scores[250, 250] == rasters.SCORE_NODATA


def test_tiny_areas_keep_a_pixel_and_outside_is_nodata():
    areas = make_layer().areas.iloc[:2].copy()
    # a 10 m square inside a 1 km pixel next to a big area
    areas.loc[1, "geometry"] = box(X0 + 5000, Y0 - 510, X0 + 5010, Y0 - 500)
    grids = rasters.rasterise_priority(areas, resolution=1000)
    assert sorted(np.unique(grids.classes).tolist()) == [0, 1]
    assert int((grids.classes == 1).sum()) == 2  # the big square and the tiny one
    assert grids.classes.shape == (1, 6)
    assert grids.classes[0].tolist() == [1, 0, 0, 0, 0, 1]


def test_geographic_layers_are_rasterised_in_utm():
    areas = make_layer().areas.to_crs(4326)
    grids = rasters.rasterise_priority(areas, resolution=500)
    assert grids.crs.to_epsg() == 32748


def test_raster_refuses_bad_resolution():
    with pytest.raises(ConfigError, match="positive pixel size"):
        rasters.rasterise_priority(make_layer().areas, resolution=0)
    with pytest.raises(ConfigError, match=r"pixels \(limit"):
        rasters.rasterise_priority(make_layer().areas, resolution=0.01)


# ---------------------------------------------------------------------- metadata


def test_metadata_sidecars(written: dict[str, list[Path]]):
    meta = json.loads(written["metadata"][0].read_text(encoding="utf-8"))
    assert meta["title"] == "Uji ekspor prioritas"
    assert meta["producer"] == "Bappeda Provinsi Banten"
    assert meta["walidata"] == "Diskominfo"
    assert meta["layer"]["crs"] == "EPSG:32748" and meta["layer"]["features"] == 9
    assert meta["reference_codes"]["system"] == "bps"
    assert meta["sources"][0]["vintage"] == [2023]
    assert meta["method"]["classification"]["colours"] == class_colours(4)
    assert meta["reproducibility"]["inputs_sha256"]["desa.geojson"] == "ab" * 32
    assert "exactextract" in meta["reproducibility"]["tools"]
    xml = etree.fromstring(written["metadata"][1].read_bytes())
    text = etree.tostring(xml, encoding="unicode")
    assert "urn:ogc:def:crs:EPSG:32748" in text
    assert "Uji ekspor prioritas" in text and "sha256:" + "ab" * 32 in text


def test_reprojection_updates_the_metadata(tmp_path: Path):
    layer = dataclasses.replace(make_layer(), dst_crs="EPSG:23834")
    files = export.export_layer(layer, tmp_path, formats=["gpkg", "metadata"])
    meta = json.loads(files["metadata"][0].read_text(encoding="utf-8"))
    assert meta["layer"]["crs"] == "EPSG:23834"
    assert pyogrio.read_info(files["gpkg"][0], layer="uji")["crs"] == "EPSG:23834"


# ---------------------------------------------------------------------- bad input


def test_unknown_target_crs_writes_nothing(tmp_path: Path):
    layer = dataclasses.replace(make_layer(), dst_crs="EPSG:999999")
    with pytest.raises(CRSError, match=r"'EPSG:999999' is not a CRS PROJ knows"):
        export.export_layer(layer, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_target_crs_far_away_warns(tmp_path: Path):
    layer = dataclasses.replace(make_layer(), dst_crs="EPSG:23830")
    with pytest.warns(
        GeoPriorityWarning, match=r"outside the area of use of EPSG:23830"
    ):
        export.export_layer(layer, tmp_path, formats=["geojson"])


def test_unwritable_folder(tmp_path: Path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"cannot write 'uji\.gpkg' into folder"):
        export.export_layer(make_layer(), blocker / "out", formats=["gpkg", "styles"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_existing_output_stops_before_any_work(tmp_path: Path):
    (tmp_path / "uji.sld").write_text("old")
    with pytest.raises(OutputExistsError, match=r"uji.sld' already exists"):
        export.export_layer(make_layer(), tmp_path, formats=["geojson", "styles"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uji.sld"]


def test_failure_removes_what_this_call_wrote(tmp_path: Path, monkeypatch):
    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setitem(export.writers._WRITERS, "fgb", boom)
    with pytest.raises(OSError, match="disk full"):
        export.export_layer(
            make_layer(), tmp_path, formats=["geojson", "styles", "fgb"]
        )
    assert list(tmp_path.iterdir()) == []


def test_unknown_format():
    with pytest.raises(ConfigError, match=r"unknown export format\(s\) \['kml'\]"):
        export.export_layer(make_layer(), "out", formats=["kml"])


def test_pipeline_writes_export_formats(tmp_path: Path):
    layer = make_layer()
    paths = export.write_format("styles", tmp_path / "x.qml", layer, overwrite=False)
    assert [p.name for p in paths] == ["x.qml", "x.sld"]


# ------------------------------------------- boundary key columns are not repeated


def _run_with_boundary_columns(tmp_path: Path) -> Path:
    """A run whose boundaries carry kode/nama (the key sources) and luas_km2."""
    return kab_run(
        tmp_path,
        names=("Pandeglang", "Lebak", "Tangerang"),
        outputs='formats = ["gpkg", "shp", "geojson", "fgb", "csv"]\n',
        luas_km2=[2747.0, 3426.6, 1011.9],
    )


def _shp_columns(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        shp = next(n for n in archive.namelist() if n.endswith(".shp"))
    return list(pyogrio.read_info(f"/vsizip/{path}/{shp}")["fields"])


def test_run_gis_layers_do_not_repeat_the_boundary_key_columns(tmp_path: Path):
    from geo_priority import pipeline
    from geo_priority.config import load_config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeoPriorityWarning)
        result = pipeline.run(load_config(_run_with_boundary_columns(tmp_path)))
    out = result.outputs
    layers = {
        "gpkg": list(pyogrio.read_info(out["gpkg"], layer="uji")["fields"]),
        "shp": _shp_columns(out["shp"]),
        "geojson": list(pyogrio.read_info(out["geojson"])["fields"]),
        "fgb": list(pyogrio.read_info(out["fgb"])["fields"]),
    }
    for fmt, columns in layers.items():
        assert "kode" not in columns and "nama" not in columns, fmt
        assert {ID, NAME, "luas_km2"} <= set(columns), fmt
    gpkg = gpd.read_file(out["gpkg"], layer="uji").set_index(ID)
    assert gpkg.loc["36.02", NAME] == "Lebak"
    assert gpkg.loc["36.02", "luas_km2"] == pytest.approx(3426.6)
    note = export.read_scored(out["gpkg"]).metadata["key_columns"]
    assert note["made_from"] == {ID: "kode", NAME: "nama"}
    assert note["left_out"] == ["kode", "nama"]
    with zipfile.ZipFile(out["shp"]) as archive:
        meta = json.loads(archive.read("uji_shp_metadata.json"))
    assert meta["key_columns"]["left_out"] == ["kode", "nama"]


def test_old_geopackage_with_key_columns_reads_and_exports_without_them(
    tmp_path: Path,
):
    """A GeoPackage written before the key columns were left out still has
    kode/nama; it reads back whole, and its exports leave them out."""
    layer = make_layer()
    areas = layer.areas.copy()
    areas.insert(0, "kode", areas[ID].astype(str))
    areas.insert(1, "nama", areas[NAME].astype(str))
    areas["luas_km2"] = 1.0
    config = {**layer.metadata["method"]["config"]}
    config["boundaries"] = {"path": "desa.geojson", "code_column": "kode"}
    config["boundaries"]["name_column"] = "nama"
    meta = {**layer.metadata}
    meta["method"] = {**meta["method"], "config": config}
    old = tmp_path / "old.gpkg"
    gpkg_layers.write_geopackage(
        areas, old, layer="uji", tables={}, qml="", sld="", iso_xml="", meta=meta
    )
    back = export.read_scored(old)
    assert {"kode", "nama", "luas_km2"} <= set(back.areas.columns)
    assert back.key_sources == {ID: "kode", NAME: "nama"}
    with pytest.warns(GeoPriorityWarning, match="Shapefile"):
        files = export.export_layer(
            back, tmp_path / "o", formats=["gpkg", "shp", "geojson", "table"]
        )
    for columns in (
        list(pyogrio.read_info(files["gpkg"][0], layer="uji")["fields"]),
        _shp_columns(files["shp"][0]),
        list(pyogrio.read_info(files["geojson"][0])["fields"]),
    ):
        assert "kode" not in columns and "nama" not in columns
        assert {ID, NAME, "luas_km2"} <= set(columns)
    again = export.read_scored(files["gpkg"][0])
    assert again.areas[ID].tolist() == IDS
    assert again.metadata["key_columns"]["left_out"] == ["kode", "nama"]


def test_key_columns_are_kept_when_nothing_names_them(
    written: dict[str, list[Path]],
):
    """Without a recorded config (key_sources empty) no column is dropped."""
    assert make_layer().key_sources == {}
    columns = list(pyogrio.read_info(written["gpkg"][0], layer="uji")["fields"])
    assert columns[:2] == [ID, NAME]
    assert "key_columns" not in export.read_scored(written["gpkg"][0]).metadata
